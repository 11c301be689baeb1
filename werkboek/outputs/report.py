"""The results report for the programme office: one printable HTML page (no scripts, no external files).

Covers one workshop or several together (the buurtavonden and the bewonersconferentie):
turnout per workshop, per leefgebied the acties ranked with bars, who took part (buurt,
age group), the places marked on the map and every remark. Everything a resident wrote
is escaped: a remark with HTML in it shows as text.

Privacy (:mod:`werkboek.model.privacy`): the report is printed and passed on, so buurten and age
groups of fewer than k people are counted together as "Overige …", a remark names its
buurt (and workshop) only when it has at least k people, remarks are in alphabetical order
(not in the order they arrived) and places are given to 4 decimals (~10 m). A workshop of
fewer than k people gets no column of its own in the comparison.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from werkboek.model.ballot import AGE_GROUPS
from werkboek.model.privacy import (
    OTHER,
    OTHER_AGE,
    OTHER_BUURT,
    privacy_k,
    round_coordinate,
    shown_groups,
    suppress_small,
)
from werkboek.model.records import PAPER
from werkboek.model.results import TOP_INTEGRAAL, Results, also_touches, tally
from werkboek.outputs.templating import render

BAR_ROOM = 75  # the longest bar, in % of its cell: room for the score after it


def results_report_html(workshops, ballots, catalogue, *, title: str = "Resultaten van de bijeenkomsten",
                        generated_at: dt.datetime | None = None) -> str:
    """A printable report of the current ballots of ``workshops`` (a list of Workshop).

    ``ballots`` may be a Store (its current ballots of these workshops are read) or an
    iterable of StoredBallot; ballots of other workshops are left out.
    """
    from werkboek.outputs.exports import current_ballots
    from werkboek.outputs.rounds import rounds_for_report

    workshops = list(workshops)
    source = ballots
    ballots = current_ballots(source, workshops)
    res = tally(ballots, workshops, catalogue)
    k = privacy_k(workshops)
    return render(
        "report.html",
        title=title,
        generated_at=generated_at or dt.datetime.now(dt.timezone.utc),
        k=k,
        meetings=_meetings(workshops, ballots, res),
        ranking=_ranking(res, catalogue),
        top_integraal=TOP_INTEGRAAL,
        comparison=_comparison(workshops, ballots, res, catalogue, k),
        rounds=rounds_for_report(workshops, source, catalogue, k),
        people=_people(res, catalogue, k),
        pins=_pins(res, catalogue),
        remarks=_remarks(ballots, workshops, catalogue, res, k),
        attribution=catalogue.attribution,
    )


def _meetings(workshops, ballots, res: Results) -> dict:
    """Turnout per workshop, and together when there are several."""
    from werkboek.outputs.exports import method_label

    rows = []
    for w in workshops:
        mine = [b for b in ballots if b.workshop_id == w.id]
        rows.append({"title": w.title, "date": w.date, "location": w.location, "method": method_label(w),
                     "ballots": len(mine), "groups": sum(1 for b in mine if b.code_kind == "group"),
                     "people": sum(b.group_size for b in mine), "round": w.voting_round})
    total = {"ballots": res.ballots, "groups": sum(1 for b in ballots if b.code_kind == "group"),
             "people": res.people} if len(workshops) > 1 else None
    return {"ballots": res.ballots, "people": res.people, "rows": rows, "total": total,
            "paper": sum(1 for b in ballots if b.channel == PAPER),
            "mixed_methods": len({w.method for w in workshops}) > 1,
            "rounds": any(w.voting_round > 1 for w in workshops)}


def _ranking(res: Results, catalogue) -> list[dict]:
    """Per leefgebied with votes: its acties ranked, with the length of their bars."""
    blocks = []
    for lg_id, lg in catalogue.leefgebieden.items():
        ranked = res.ranked(lg_id)
        if not ranked:
            continue
        top = max(r.score for r in ranked) or 1
        rows = []
        for rank, r in enumerate(ranked, start=1):
            a = catalogue.acties[r.actie_id]
            rows.append({"rank": rank, "titel": a.titel, "kosten": a.kosten, "looptijd": a.looptijd,
                         "ook": also_touches(a, catalogue, rank) if r.score > 0 else [],
                         "width": BAR_ROOM * r.score / top, "score": r.score, "voters": r.voters, "share": r.share})
        blocks.append({"naam": lg.naam, "kleur": lg.kleur, "rows": rows})
    return blocks


def _comparison(workshops, ballots, res: Results, catalogue, k: int) -> dict | None:
    """Per leefgebied: which share of the people at each workshop chose each actie (None: not on its ballot)."""
    if len(workshops) < 2:
        return None
    per = {w.id: tally([b for b in ballots if b.workshop_id == w.id], [w], catalogue) for w in workshops}
    small = [w for w in workshops if per[w.id].people < k]
    shown = [w for w in workshops if w not in small]
    blocks = []
    for lg_id, lg in catalogue.leefgebieden.items():
        rows = [{"titel": catalogue.acties[r.actie_id].titel,
                 "shares": [per[w.id].by_actie[r.actie_id].share if r.actie_id in per[w.id].by_actie else None
                            for w in shown]}
                for r in res.ranked(lg_id)]
        if rows:
            blocks.append({"naam": lg.naam, "rows": rows})
    side_by_side = len(shown) >= 2  # else only the note on the workshops too small to show apart
    return {"side_by_side": side_by_side, "titles": [w.title for w in shown],
            "too_small": [w.title for w in small], "blocks": blocks if side_by_side else []}


def _people(res: Results, catalogue, k: int) -> list[dict]:
    """Who voted, per buurt and per age group; groups of fewer than k people together as "overige"."""
    buurt_names = {code: f"{b.naam} ({b.wijknaam})" for code, b in catalogue.buurten.items()}
    buurt_names[OTHER] = OTHER_BUURT
    ages = dict(AGE_GROUPS, **{OTHER: OTHER_AGE})
    return [
        {"heading": "Per buurt", "what": "Buurt",
         "rows": _counter_rows(suppress_small(res.by_buurt, k), buurt_names, res.people)},
        {"heading": "Per leeftijd", "what": "Leeftijd",
         "rows": _counter_rows(suppress_small(res.by_age, k), ages, res.people, order=AGE_GROUPS)},
    ]


def _counter_rows(counter: Counter, labels: dict[str, str], total: float, order=None) -> list[dict]:
    keys = list(order) if order is not None else sorted(counter, key=lambda k: (-counter[k], labels.get(k, k)))
    keys = [k for k in keys if k and k != OTHER and counter.get(k)]
    for last in ("", OTHER):  # "niet ingevuld", then the small groups together
        if counter.get(last):
            keys.append(last)
    return [{"label": labels.get(k, k) if k else "niet ingevuld", "people": counter[k],
             "share": counter[k] / total if total else None} for k in keys]


def _pins(res: Results, catalogue) -> dict:
    """The places on the map per leefgebied, with their buurt, rounded to ~10 m."""
    blocks = []
    for lg_id, lg in catalogue.leefgebieden.items():
        pins = []
        for p in (p for p in res.pins if p.leefgebied == lg_id):
            buurt = catalogue.buurt_at(p.lat, p.lon)
            pins.append({"where": buurt.naam if buurt else "buiten Heerlen-Noord", "text": p.text,
                         "lat": round_coordinate(p.lat), "lon": round_coordinate(p.lon)})
        if pins:
            blocks.append({"naam": lg.naam, "pins": pins})
    return {"count": len(res.pins), "blocks": blocks}


def _remarks(ballots, workshops, catalogue, res: Results, k: int) -> list[dict]:
    """Every remark, in alphabetical order, with its workshop and buurt where those are no small group."""
    people = Counter()
    for b in ballots:
        people[b.workshop_id] += b.group_size
    # a remark names its workshop and buurt only when that is no group of fewer than k people
    titles = {w.id: w.title for w in workshops if people[w.id] >= k}
    named = shown_groups(res.by_buurt, k)
    # alphabetical: the order of arrival, next to the buurt, could point to one person
    with_remark = sorted((b for b in ballots if b.remark), key=lambda b: (b.remark.casefold(), b.remark))
    remarks = []
    for b in with_remark:
        buurt = catalogue.buurten.get(b.buurt) if b.buurt and b.buurt in named else None
        about = " · ".join(x for x in (titles.get(b.workshop_id, ""), buurt.naam if buurt else "") if x)
        remarks.append({"text": b.remark, "about": about})
    return remarks
