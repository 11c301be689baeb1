"""The screens of the ballot in order, and the "stap 2 van 6" the resident sees.

Six steps; step 4 has one screen per leefgebied on the ballot. The thank-you screen comes
after step 6 and is not counted. A link that carries a valid code leaves the code step out
(:meth:`Flow.skip_code`): five steps, "Uw code K7P-4QX is goed" on the welcome screen.
"""

from __future__ import annotations

from dataclasses import dataclass

STEPS = ("welkom", "code", "buurt", "stemmen", "opmerking", "controle")


@dataclass(frozen=True)
class Screen:
    step: str
    leefgebied: str | None = None


class Flow:
    """Where the resident is; forward and back."""

    def __init__(self, leefgebieden=()):
        self.index = 0
        self.steps = STEPS
        self.leefgebieden = tuple(leefgebieden)
        self._build()

    def _build(self) -> None:
        current = self.screens[self.index] if hasattr(self, "screens") else None
        screens = []
        for step in self.steps:
            if step == "stemmen":
                screens += [Screen("stemmen", lg) for lg in self.leefgebieden]
            else:
                screens.append(Screen(step))
        self.screens = screens + [Screen("bedankt")]
        if current is not None:
            self.index = self.screens.index(current) if current in self.screens else min(self.index, len(self.screens) - 1)

    def set_leefgebieden(self, leefgebieden) -> None:
        self.leefgebieden = tuple(leefgebieden)
        self._build()

    def skip_code(self) -> None:
        """The code came valid with the link: no code screen (only before it was passed)."""
        if "code" in self.steps and self.current.step == "welkom":
            self.steps = tuple(s for s in self.steps if s != "code")
            self._build()

    @property
    def current(self) -> Screen:
        return self.screens[self.index]

    @property
    def total_steps(self) -> int:
        return len(self.steps)

    def number(self, screen: Screen | None = None) -> int:
        """The "stap n" of a screen (the thank-you screen counts as the last)."""
        step = (screen or self.current).step
        return self.steps.index(step) + 1 if step in self.steps else len(self.steps)

    def next(self) -> Screen:
        self.index = min(self.index + 1, len(self.screens) - 1)
        return self.current

    def back(self) -> Screen:
        self.index = max(self.index - 1, 0)
        return self.current

    def go(self, step: str, leefgebied: str | None = None) -> Screen:
        candidates = [i for i, s in enumerate(self.screens)
                      if s.step == step and (leefgebied is None or s.leefgebied == leefgebied)]
        self.index = candidates[0]
        return self.current

    def part(self) -> tuple[int, int] | None:
        """For a leefgebied screen: (which one, how many), e.g. (2, 5)."""
        screen = self.current
        if screen.step != "stemmen":
            return None
        lgs = [s for s in self.screens if s.step == "stemmen"]
        return lgs.index(screen) + 1, len(lgs)
