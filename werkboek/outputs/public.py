"""The public results site: static HTML for residents — what they chose, what was decided and why, how far it is.

Generated (``werkboek publish --out DIR``), so the municipality can put it on any web server:
no kernel, no script, one small inline style sheet, one inline SVG map per page. Pages:

* ``index.html``: the whole programme — per leefgebied every actie with a decision (the
  decision, the reason, budget and start year, status, percentage, money spent, the latest
  update), per buurt the chosen acties that reach it, on a buurt map;
* ``bijeenkomst-<id>.html``: per closed workshop — what residents chose there, and for each
  actie of its ballot what was decided and how far it is;
* ``monitor.html``: the 25-year monitor — "waar staan we" per leefgebied, a chart per
  indicator (Heerlen-Noord, Nederland, the 2022 baseline, the target for 2047) and money
  decided and spent per year against the adopted scenario's phasing; and per indicator
  ``monitor-<indicator>.html`` with a buurt map per imported year and every buurt's figures
  (:mod:`werkboek.outputs.monitor`). Only imported CBS figures (or example ones, labelled).

Privacy (:mod:`werkboek.model.privacy`, the workshop's ``privacy_k``):

* only workshops whose voting is closed appear (no half-way results);
* a workshop where fewer than k people voted shows no choices at all, only that it took place;
* an actie chosen by fewer than k people shows "minder dan k mensen", never the number;
* turnout per buurt goes through :func:`~werkboek.model.privacy.suppress_small` ("overig");
* remarks, pins, times of voting and photos never appear (a photo path is the office's; a
  photo of people needs their consent, which this site cannot know).

Every value on a page carries a ``data-`` attribute with its stored value
(``data-actie``, ``data-besluit``, ``data-percentage``, ``data-uitgegeven``) so a test can
check that the page shows exactly what is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from werkboek.dutch import date_nl
from werkboek.formats import atomic
from werkboek.model.privacy import OTHER, suppress_small
from werkboek.model.programme import DECISION_LABELS, GEKOZEN, ActieState
from werkboek.model.results import tally
from werkboek.model.workshop import effective_status
from werkboek.outputs.maps import buurt_map, counted_unit
from werkboek.outputs.templating import render

MAP_SOURCE = "Kaart: CBS / PDOK, Wijk- en buurtkaart (gegeneraliseerd)"


@dataclass(frozen=True)
class SiteInput:
    """Everything a site is made of (read from the store by ``werkboek.cli.publish``)."""

    catalogue: object
    workshops: tuple  # Workshop
    ballots: Mapping[int, list]  # workshop id -> current StoredBallot
    states: Mapping[str, ActieState]  # werkboek.store.programme.Programme.states()
    public_url: str = ""
    example_data: bool = False  # invented data (a demo programme): every page says so
    monitor: object = None  # werkboek.model.monitor.Monitor of the imported kwb years (None: none imported)
    money: object = None  # werkboek.model.monitor.Money (None: computed from ``states``, no scenario phasing)


def workshop_page_name(workshop_id: int) -> str:
    return f"bijeenkomst-{workshop_id}.html"


def published_workshops(workshops: Iterable) -> list:
    """The workshops the site shows: voting closed (by hand or by its closing time)."""
    return [w for w in workshops if effective_status(w.status, w.closes_at) == "gesloten"]


def _actie_row(catalogue, actie_id: str, state: ActieState | None) -> dict:
    actie = catalogue.acties[actie_id]
    d = state.decision if state else None
    p = state.progress if state and d and d.besluit == GEKOZEN else None
    return {
        "id": actie_id, "titel": actie.titel, "leefgebied": actie.leefgebied,
        "besluit": d.besluit if d else "", "besluit_label": DECISION_LABELS[d.besluit] if d else "nog geen besluit",
        "reden": d.reden if d else "", "budget": d.budget if d else None, "jaar": d.jaar if d else None,
        "decided_on": date_nl(d.changed_at.date(), weekday=False) if d and d.changed_at else "",
        "status": p.status if p else ("gepland" if d and d.besluit == GEKOZEN else ""),
        "percentage": p.percentage if p else (0 if d and d.besluit == GEKOZEN else None),
        "uitgegeven": p.uitgegeven if p else None,
        "nieuws": p.tekst if p else "", "nieuws_op": date_nl(p.datum, weekday=False) if p else "",
        "buurten": "heel Heerlen-Noord" if actie.buurten is None else ", ".join(
            sorted(catalogue.buurten[c].naam for c in actie.buurten if c in catalogue.buurten)),
    }


def _per_buurt(catalogue, rows: list[dict]) -> list[dict]:
    chosen = [r for r in rows if r["besluit"] == GEKOZEN]
    out = []
    for code, b in sorted(catalogue.heerlen_noord.items(), key=lambda kv: kv[1].naam):
        reach = [r for r in chosen if catalogue.acties[r["id"]].applies_to(code)]
        out.append({"code": code, "naam": b.naam, "wijk": b.wijknaam, "acties": reach,
                    "klaar": sum(1 for r in reach if r["status"] == "klaar")})
    return out


def _choices(catalogue, workshop, ballots) -> dict:
    """What residents of one workshop chose, only through the privacy rules (see the module docstring)."""
    k = workshop.privacy_k
    res = tally(ballots, [workshop], catalogue)
    people = int(round(res.people))
    if people < k:
        return {"shown": False, "k": k, "people": None, "by_leefgebied": [], "buurten": []}
    by_lg = []
    for lg in catalogue.leefgebieden:
        rows = []
        for r in res.ranked(lg):
            voters = int(round(r.voters))
            rows.append({"id": r.actie_id, "titel": catalogue.acties[r.actie_id].titel,
                         "voters": voters if voters >= k else None, "share": r.share if voters >= k else None})
        if rows:
            by_lg.append({"naam": catalogue.leefgebieden[lg].naam, "rows": rows})
    groups = suppress_small(res.by_buurt, k)
    buurten = []
    for code, n in sorted(groups.items(), key=lambda kv: (kv[0] == OTHER, kv[0] == "", -kv[1])):
        name = ("Overige buurten" if code == OTHER else "Niet gezegd" if code == "" else
                catalogue.buurten[code].naam if code in catalogue.buurten else code)
        buurten.append({"naam": name, "people": int(round(n))})
    return {"shown": True, "k": k, "people": people, "by_leefgebied": by_lg, "buurten": buurten}


def _monitor_pages(data: SiteInput, out: Path, common: dict) -> list[Path]:
    from werkboek.model.monitor import MEASURES, money_per_year, where_we_stand
    from werkboek.outputs.monitor import (
        buurt_rows,
        chart,
        maps_per_year,
        measure_page_name,
        money_html,
        stand_html,
    )

    catalogue, monitor = data.catalogue, data.monitor
    money = data.money
    if money is None:
        decisions = {a: s.decision for a, s in data.states.items() if s.decision is not None}
        money = money_per_year(decisions, [u for s in data.states.values() for u in s.timeline], catalogue)
    context = dict(common, money_html=money_html(money), indicators_example=bool(monitor and monitor.example))
    if monitor is None or not monitor.imported:
        return [atomic.write_text_atomic(out / "monitor.html", render(
            "public/monitor.html", title="De buurten over 25 jaar", charts=[], stand_html="", years_text="",
            missing_text="", **context))]
    charts = []
    pages = []
    for m in MEASURES:
        c = chart(monitor, m)
        c["page"] = measure_page_name(m)
        charts.append(c)
        pages.append(atomic.write_text_atomic(out / c["page"], render(
            "public/monitor_measure.html", title=c["title"], c=c, maps=maps_per_year(monitor, m, catalogue),
            years=monitor.years, buurten=buurt_rows(monitor, m), **context)))
    missing = [y for y in monitor.years if y not in monitor.imported]
    return [atomic.write_text_atomic(out / "monitor.html", render(
        "public/monitor.html", title="De buurten over 25 jaar", charts=charts,
        stand_html=stand_html(where_we_stand(monitor, catalogue.leefgebieden)),
        years_text=", ".join(str(y) for y in monitor.imported),
        missing_text=("Geen cijfers voor " + ", ".join(str(y) for y in missing) + ".") if missing else "",
        **context)), *pages]


def build_site(data: SiteInput, out: str | Path, *, generated: dt.date | None = None) -> list[Path]:
    """Write the site into ``out`` (created if needed); the pages written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    catalogue = data.catalogue
    generated = generated or dt.date.today()
    workshops = published_workshops(data.workshops)
    decided = [a for a in catalogue.acties if a in data.states and data.states[a].decision is not None]
    rows = [_actie_row(catalogue, a, data.states.get(a)) for a in decided]
    by_lg = [{"id": lg, "naam": catalogue.leefgebieden[lg].naam, "kleur": catalogue.leefgebieden[lg].kleur,
              "rows": [r for r in rows if r["leefgebied"] == lg]} for lg in catalogue.leefgebieden]
    chosen = [r for r in rows if r["besluit"] == GEKOZEN]
    per_buurt = _per_buurt(catalogue, rows)
    common = dict(example_data=data.example_data, generated=date_nl(generated, weekday=False),
                  public_url=data.public_url)
    totals = {"gekozen": len(chosen), "besloten": len(rows),
              "budget": sum(r["budget"] or 0 for r in chosen),
              "uitgegeven": sum(r["uitgegeven"] or 0 for r in chosen),
              "klaar": sum(1 for r in chosen if r["status"] == "klaar")}
    map_svg = buurt_map({b["code"]: len(b["acties"]) for b in per_buurt}, catalogue,
                        title="Hoeveel gekozen acties er in elke buurt zijn", width=480,
                        unit=counted_unit("gekozen acties"), source=MAP_SOURCE)
    written = [atomic.write_text_atomic(out / "index.html", render(
        "public/programme.html", title="Wat er gebeurt met uw stem", leefgebieden=by_lg, totals=totals,
        buurten=per_buurt, map_svg=map_svg,
        workshops=[{"page": workshop_page_name(w.id), "title": w.title, "date": date_nl(w.date, weekday=False),
                    "location": w.location} for w in workshops], **common))]
    for w in workshops:
        on_ballot = [a for a in w.acties if a in catalogue.acties]
        ws_rows = [_actie_row(catalogue, a, data.states.get(a)) for a in on_ballot]
        written.append(atomic.write_text_atomic(out / workshop_page_name(w.id), render(
            "public/workshop.html", title=w.title, workshop={"title": w.title, "location": w.location,
                                                             "date": date_nl(w.date, weekday=False)},
            choices=_choices(catalogue, w, data.ballots.get(w.id, [])), rows=ws_rows, **common)))
    written += _monitor_pages(data, out, common)
    # public by design: readable by the web server's user whatever the umask (the CLI's is 077)
    out.chmod(0o755)
    for page in written:
        page.chmod(0o644)
    return written
