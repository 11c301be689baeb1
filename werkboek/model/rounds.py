"""Two rounds of one ballot side by side: what moved after the table discussion (deliberative polling).

A facilitator opens a second round (``Store.open_next_round``) and the same codes vote again.
Per actie this module puts the rounds next to each other: its place within its leefgebied,
its score and the share of people who chose it, and what moved. Shares compare fairly when
fewer people vote in the second round; the place is what a room sees on the projector.

Pure Python, like :mod:`werkboek.model.results`, whose :class:`Results` it reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from werkboek.model.results import Results

MAX_ROUNDS = 3  # the console offers a second round; a third is allowed, more is not one evening any more


@dataclass(frozen=True)
class ActieShift:
    actie_id: str
    leefgebied: str
    place_before: int | None  # within its leefgebied (shared places: 1, 2, 2, 4); None: not on that round's ballot
    place_after: int | None
    score_before: float
    score_after: float
    share_before: float
    share_after: float

    @property
    def places_up(self) -> int:
        """Places gained (negative: lost); 0 when a round has no place for it."""
        if self.place_before is None or self.place_after is None:
            return 0
        return self.place_before - self.place_after

    @property
    def share_change(self) -> float:
        return self.share_after - self.share_before


def places(res: Results, leefgebied: str) -> dict[str, int]:
    """Place of every actie of a leefgebied, ties sharing a place ("1, 2, 2, 4"), by score then people."""
    out: dict[str, int] = {}
    ranked = res.ranked(leefgebied)
    for i, r in enumerate(ranked):
        prev = ranked[i - 1] if i else None
        same = prev is not None and (prev.score, prev.voters) == (r.score, r.voters)
        out[r.actie_id] = out[prev.actie_id] if same else i + 1
    return out


def compare_rounds(before: Results, after: Results, leefgebieden) -> list[ActieShift]:
    """Every actie of either round, per leefgebied (programme order), in the later round's order."""
    shifts = []
    for lg in leefgebieden:
        p_before, p_after = places(before, lg), places(after, lg)
        ids = sorted(set(p_before) | set(p_after),
                     key=lambda a: (p_after.get(a, 10**6), p_before.get(a, 10**6), a))
        for actie_id in ids:
            b, a = before.by_actie.get(actie_id), after.by_actie.get(actie_id)
            shifts.append(ActieShift(
                actie_id, lg, p_before.get(actie_id), p_after.get(actie_id),
                b.score if b else 0.0, a.score if a else 0.0, b.share if b else 0.0, a.share if a else 0.0,
            ))
    return shifts


def moved_words(places_up: int, lang: str = "nl") -> str:
    """"2 plaatsen omhoog", "1 plaats omlaag", "gelijk gebleven" (B1), from :attr:`ActieShift.places_up`."""
    n = places_up
    if lang == "en":
        if n == 0:
            return "no change"
        return f"{abs(n)} place{'s' if abs(n) != 1 else ''} {'up' if n > 0 else 'down'}"
    if n == 0:
        return "gelijk gebleven"
    return f"{abs(n)} {'plaats' if abs(n) == 1 else 'plaatsen'} {'omhoog' if n > 0 else 'omlaag'}"


def moved_arrow(places_up: int) -> str:
    """A short mark for a screen: ``▲2``, ``▼1``, ``=``."""
    n = places_up
    return "=" if n == 0 else (f"▲{n}" if n > 0 else f"▼{-n}")
