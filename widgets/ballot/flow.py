"""The screens of the ballot in order, and the "stap 2 van 6" the resident sees.

Six steps; step 4 has one screen per leefgebied on the ballot. The thank-you screen comes
after step 6 and is not counted.
"""

from __future__ import annotations

from dataclasses import dataclass

STEPS = ("welkom", "code", "buurt", "stemmen", "opmerking", "controle")


@dataclass(frozen=True)
class Screen:
    step: str
    leefgebied: str | None = None

    @property
    def number(self) -> int:
        return STEPS.index(self.step) + 1 if self.step in STEPS else len(STEPS)


class Flow:
    """Where the resident is; forward and back."""

    def __init__(self, leefgebieden=()):
        self.index = 0
        self.set_leefgebieden(leefgebieden)

    def set_leefgebieden(self, leefgebieden) -> None:
        current = self.screens[self.index] if hasattr(self, "screens") else None
        self.screens = [Screen("welkom"), Screen("code"), Screen("buurt")]
        self.screens += [Screen("stemmen", lg) for lg in leefgebieden]
        self.screens += [Screen("opmerking"), Screen("controle"), Screen("bedankt")]
        if current is not None and current in self.screens:
            self.index = self.screens.index(current)

    @property
    def current(self) -> Screen:
        return self.screens[self.index]

    @property
    def total_steps(self) -> int:
        return len(STEPS)

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
