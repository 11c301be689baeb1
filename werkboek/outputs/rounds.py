"""Rounds side by side, for the report and the console's "Rondes" tab: one table per leefgebied.

Per actie: its place and the share of people who chose it in the previous round and in this
one, and what moved ("1 plaats omhoog"), from :func:`werkboek.model.rounds.compare_rounds`.

Privacy (:mod:`werkboek.model.privacy`): a round of fewer than k people is not shown at all
(its shares would give away single votes); the caller passes this round's ballots through
the projector's batches while voting is still open.
"""

from __future__ import annotations

from werkboek.model.results import tally
from werkboek.model.rounds import compare_rounds, moved_arrow, moved_words
from werkboek.outputs.templating import render


def round_blocks(workshop, before, after, catalogue, k: int) -> dict:
    """What the rounds template shows for ``workshop``: ``before``/``after`` are the ballots of its
    previous and its current round."""
    first, second = workshop.voting_round - 1, workshop.voting_round
    res_before = tally(before, [workshop], catalogue)
    res_after = tally(after, [workshop], catalogue)
    out = {"title": workshop.title, "first": first, "second": second, "k": k,
           "people": (res_before.people, res_after.people), "blocks": [], "too_small": None}
    small = [n for n, res in ((first, res_before), (second, res_after)) if res.people < k]
    if small:
        out["too_small"] = small
        return out
    shifts = compare_rounds(res_before, res_after, catalogue.leefgebieden)
    for lg_id, lg in catalogue.leefgebieden.items():
        rows = [{"actie": s.actie_id, "titel": catalogue.acties[s.actie_id].titel,
                 "place_before": s.place_before, "place_after": s.place_after,
                 "share_before": s.share_before, "share_after": s.share_after, "up": s.places_up,
                 "arrow": moved_arrow(s.places_up), "words": moved_words(s.places_up)}
                for s in shifts if s.leefgebied == lg_id]
        if rows:
            out["blocks"].append({"naam": lg.naam, "rows": rows})
    return out


def rounds_html(data: dict) -> str:
    """The tables as an HTML fragment (the report includes the same template)."""
    return render("rounds.html", rounds=data)


def rounds_for_report(workshops, source, catalogue, k: int) -> list[dict]:
    """For every workshop in a later round: its rounds side by side (closed or not: the report is
    made by the programme office; on the projector the batches apply)."""
    out = []
    for w in workshops:
        if w.voting_round < 2:
            continue
        if hasattr(source, "ballots") and callable(source.ballots):
            before = source.ballots([w.id], voting_round=w.voting_round - 1)
            after = source.ballots([w.id], voting_round=w.voting_round)
        else:
            before = [b for b in source if b.workshop_id == w.id and b.voting_round == w.voting_round - 1]
            after = [b for b in source if b.workshop_id == w.id and b.voting_round == w.voting_round]
        out.append(round_blocks(w, before, after, catalogue, k))
    return out
