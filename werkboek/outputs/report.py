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
import html
from collections import Counter

from werkboek.dutch import date_nl, datetime_nl, euros
from werkboek.model.ballot import AGE_GROUPS
from werkboek.model.methods import METHODS
from werkboek.model.privacy import (
    OTHER,
    OTHER_AGE,
    OTHER_BUURT,
    privacy_k,
    round_coordinate,
    shown_groups,
    suppress_small,
)
from werkboek.model.results import Results, tally

esc = html.escape


def results_report_html(workshops, ballots, catalogue, *, title: str = "Resultaten van de bijeenkomsten",
                        generated_at: dt.datetime | None = None) -> str:
    """A printable report of the current ballots of ``workshops`` (a list of Workshop).

    ``ballots`` may be a Store (its current ballots of these workshops are read) or an
    iterable of StoredBallot; ballots of other workshops are left out.
    """
    from werkboek.outputs.exports import current_ballots

    workshops = list(workshops)
    ballots = current_ballots(ballots, workshops)
    res = tally(ballots, workshops, catalogue)
    k = privacy_k(workshops)
    generated_at = generated_at or dt.datetime.now(dt.timezone.utc)
    parts = [
        f"<h1>{esc(title)}</h1>",
        f'<p class="meta">Werkboek Heerlen-Noord · gemaakt op {esc(datetime_nl(generated_at))}</p>',
        _workshops_section(workshops, ballots, res),
        _ranking_section(workshops, ballots, res, catalogue),
        _comparison_section(workshops, ballots, res, catalogue, k),
        _people_section(res, catalogue, k),
        _pins_section(res, catalogue),
        _remarks_section(ballots, workshops, catalogue, res, k),
        _footer(catalogue),
    ]
    return f"""<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} – Werkboek Heerlen-Noord</title>
<style>{_CSS}</style>
</head>
<body>
<main>
{chr(10).join(parts)}
</main>
</body>
</html>
"""


def _method_label(workshop) -> str:
    cls = METHODS.get(workshop.method)
    return cls.label if cls else workshop.method


def _number(x: float) -> str:
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.1f}".replace(".", ",")


def _count(n: int, one: str, more: str) -> str:
    return f"{n} {one if n == 1 else more}"


def _percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def _workshops_section(workshops, ballots, res: Results) -> str:
    rows = []
    for w in workshops:
        mine = [b for b in ballots if b.workshop_id == w.id]
        groups = [b for b in mine if b.code_kind == "group"]
        rows.append(
            f"<tr><td>{esc(w.title)}</td><td>{esc(date_nl(w.date, weekday=False))}</td><td>{esc(w.location)}</td>"
            f"<td>{esc(_method_label(w))}</td><td class=num>{len(mine)}</td><td class=num>{len(groups)}</td>"
            f"<td class=num>{sum(b.group_size for b in mine)}</td></tr>"
        )
    total = (f'<tr class="total"><td colspan=4>Samen</td><td class=num>{res.ballots}</td>'
             f'<td class=num>{sum(1 for b in ballots if b.code_kind == "group")}</td>'
             f"<td class=num>{_number(res.people)}</td></tr>") if len(workshops) > 1 else ""
    methods = {w.method for w in workshops}
    mixed = ("<p>Let op: de bijeenkomsten gebruikten verschillende manieren van stemmen. De score telt stippen, "
             "kruisjes en punten voor een top 3 bij elkaar op. Vergelijk daarom vooral het aandeel mensen dat "
             "een actie koos.</p>") if len(methods) > 1 else ""
    return f"""<section>
<h2>Bijeenkomsten</h2>
<p>{_count(res.ballots, "stembiljet", "stembiljetten")} van samen {_number(res.people)} mensen.
Een tafel stemt samen en telt voor het aantal mensen aan die tafel.</p>
<table>
<thead><tr><th>Bijeenkomst</th><th>Datum</th><th>Plaats</th><th>Manier van stemmen</th>
<th class=num>Stembiljetten</th><th class=num>Waarvan tafels</th><th class=num>Mensen</th></tr></thead>
<tbody>
{chr(10).join(rows)}
{total}
</tbody>
</table>
{mixed}
</section>"""


def _ranking_section(workshops, ballots, res: Results, catalogue) -> str:
    blocks = []
    for lg_id, lg in catalogue.leefgebieden.items():
        ranked = res.ranked(lg_id)
        if not ranked:
            continue
        top = max(r.score for r in ranked) or 1
        rows = []
        for rank, r in enumerate(ranked, start=1):
            a = catalogue.acties[r.actie_id]
            width = 75 * r.score / top  # leave room for the number after the bar
            rows.append(
                f"<tr><td class=num>{rank}</td><td>{esc(a.titel)}<br><small>{esc(euros(a.kosten))}, "
                f"{a.looptijd} jaar</small></td>"
                f'<td class="barcell"><span class="bar" style="width:{width:.1f}%;background:{esc(lg.kleur)}">'
                f"</span><span class=score>{_number(r.score)}</span></td>"
                f"<td class=num>{_number(r.voters)}</td><td class=num>{_percent(r.share)}</td></tr>"
            )
        blocks.append(f"""<section class="leefgebied">
<h3><span class="swatch" style="background:{esc(lg.kleur)}"></span>{esc(lg.naam)}</h3>
<table class="ranking">
<thead><tr><th class=num>Plaats</th><th>Actie</th><th class="barcell">Score</th>
<th class=num>Mensen</th><th class=num>Aandeel</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
</section>""")
    return f"""<section>
<h2>Welke acties vinden bewoners belangrijk?</h2>
<p>Per leefgebied staan de acties op volgorde van hun score. "Mensen" is het aantal mensen dat de actie koos.
"Aandeel" is het deel van alle mensen die stemden.</p>
{chr(10).join(blocks) or "<p>Er zijn nog geen stemmen.</p>"}
</section>"""


def _comparison_section(workshops, ballots, res: Results, catalogue, k: int) -> str:
    """Per leefgebied: which share of the people at each workshop chose each actie."""
    if len(workshops) < 2:
        return ""
    per = {w.id: tally([b for b in ballots if b.workshop_id == w.id], [w], catalogue) for w in workshops}
    small = [w for w in workshops if per[w.id].people < k]
    workshops = [w for w in workshops if w not in small]
    note = (f"<p>Niet apart getoond, omdat er minder dan {k} mensen stemden: "
            f"{esc(', '.join(w.title for w in small))}. Hun stemmen tellen wel mee in de rest van dit verslag.</p>"
            if small else "")
    if len(workshops) < 2:
        return f"<section>\n<h2>De bijeenkomsten naast elkaar</h2>\n{note}\n</section>" if small else ""
    heads = "".join(f'<th class="num">{esc(w.title)}</th>' for w in workshops)
    blocks = []
    for lg_id, lg in catalogue.leefgebieden.items():
        ranked = res.ranked(lg_id)
        if not ranked:
            continue
        rows = []
        for r in ranked:
            cells = "".join(
                f"<td class=num>{_percent(per[w.id].by_actie[r.actie_id].share)}</td>"
                if r.actie_id in per[w.id].by_actie else '<td class=num title="niet op het stembiljet">–</td>'
                for w in workshops
            )
            rows.append(f"<tr><td>{esc(catalogue.acties[r.actie_id].titel)}</td>{cells}</tr>")
        blocks.append(f"""<h3>{esc(lg.naam)}</h3>
<table class="compare"><thead><tr><th>Actie</th>{heads}</tr></thead>
<tbody>{chr(10).join(rows)}</tbody></table>""")
    return f"""<section>
<h2>De bijeenkomsten naast elkaar</h2>
<p>Welk deel van de mensen op elke bijeenkomst koos de actie? Een streepje (–) betekent: de actie stond niet op
het stembiljet van die bijeenkomst.</p>
{note}
{chr(10).join(blocks)}
</section>"""


def _counter_table(counter: Counter, labels: dict[str, str], what: str, total: float, order=None) -> str:
    keys = list(order) if order is not None else sorted(counter, key=lambda k: (-counter[k], labels.get(k, k)))
    keys = [k for k in keys if k and k != OTHER and counter.get(k)]
    for last in ("", OTHER):  # "niet ingevuld", then the small groups together
        if counter.get(last):
            keys.append(last)
    rows = "".join(
        f"<tr><td>{esc(labels.get(k, k) if k else 'niet ingevuld')}</td><td class=num>{_number(counter[k])}</td>"
        f"<td class=num>{_percent(counter[k] / total) if total else '–'}</td></tr>"
        for k in keys
    )
    return (f"<table><thead><tr><th>{esc(what)}</th><th class=num>Mensen</th><th class=num>Aandeel</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def _people_section(res: Results, catalogue, k: int) -> str:
    buurt_names = {code: f"{b.naam} ({b.wijknaam})" for code, b in catalogue.buurten.items()}
    buurt_names[OTHER] = OTHER_BUURT
    ages = dict(AGE_GROUPS, **{OTHER: OTHER_AGE})
    by_buurt = suppress_small(res.by_buurt, k)
    by_age = suppress_small(res.by_age, k)
    return f"""<section class="people">
<h2>Wie stemden er?</h2>
<p>Een buurt of leeftijd met minder dan {k} mensen staat niet apart: die tellen samen als "overige".
Zo is niemand te herkennen.</p>
<div class="two">
<div><h3>Per buurt</h3>{_counter_table(by_buurt, buurt_names, "Buurt", res.people)}</div>
<div><h3>Per leeftijd</h3>{_counter_table(by_age, ages, "Leeftijd", res.people, order=AGE_GROUPS)}</div>
</div>
</section>"""


def _pins_section(res: Results, catalogue) -> str:
    if not res.pins:
        return "<section><h2>Plekken op de kaart</h2><p>Er zijn geen plekken op de kaart gezet.</p></section>"
    blocks = []
    for lg_id, lg in catalogue.leefgebieden.items():
        pins = [p for p in res.pins if p.leefgebied == lg_id]
        if not pins:
            continue
        items = []
        for p in pins:
            buurt = catalogue.buurt_at(p.lat, p.lon)
            where = esc(buurt.naam) if buurt else "buiten Heerlen-Noord"
            text = esc(p.text) if p.text else "<i>(geen tekst)</i>"
            lat, lon = round_coordinate(p.lat), round_coordinate(p.lon)
            items.append(f'<li><b>{where}</b>: <span dir="auto">{text}</span> '
                         f'<small>({lat:.4f}, {lon:.4f})</small></li>')
        blocks.append(f"<h3>{esc(lg.naam)} ({len(pins)})</h3><ul>{''.join(items)}</ul>")
    return f"""<section>
<h2>Plekken op de kaart</h2>
<p>Bewoners zetten {_count(len(res.pins), "plek", "plekken")} op de kaart, met een korte uitleg.</p>
{chr(10).join(blocks)}
</section>"""


def _remarks_section(ballots, workshops, catalogue, res: Results, k: int) -> str:
    people = Counter()
    for b in ballots:
        people[b.workshop_id] += b.group_size
    # a remark names its workshop and buurt only when that is no group of fewer than k people
    titles = {w.id: w.title for w in workshops if people[w.id] >= k}
    named = shown_groups(res.by_buurt, k)
    # alphabetical: the order of arrival, next to the buurt, could point to one person
    with_remark = sorted((b for b in ballots if b.remark), key=lambda b: (b.remark.casefold(), b.remark))
    if not with_remark:
        return "<section><h2>Opmerkingen</h2><p>Er zijn geen opmerkingen.</p></section>"
    items = []
    for b in with_remark:
        buurt = catalogue.buurten.get(b.buurt) if b.buurt and b.buurt in named else None
        about = " · ".join(x for x in (titles.get(b.workshop_id, ""), buurt.naam if buurt else "") if x)
        items.append(f'<li><blockquote dir="auto">{esc(b.remark)}</blockquote><small>{esc(about)}</small></li>')
    return f"""<section>
<h2>Opmerkingen</h2>
<p>Er {"is" if len(with_remark) == 1 else "zijn"} {_count(len(with_remark), "opmerking", "opmerkingen")}.
Ze staan hier zoals bewoners ze schreven, op volgorde van het alfabet.</p>
<ul class="remarks">{chr(10).join(items)}</ul>
</section>"""


def _footer(catalogue) -> str:
    return f"""<footer>
<p>De acties, hun kosten en de meeste partners zijn voorbeeldgegevens.</p>
<p>Buurten: {esc(catalogue.attribution)}. Welke buurten bij Heerlen-Noord horen is onze eigen indeling.</p>
</footer>"""


_CSS = """
@page { size: A4; margin: 15mm; }
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #111; line-height: 1.4; margin: 0;
       font-size: 11pt; }
main { max-width: 180mm; margin: 0 auto; padding: 4mm; }
h1 { font-size: 20pt; margin: 0 0 2mm; }
h2 { font-size: 15pt; margin: 8mm 0 2mm; border-bottom: 0.5mm solid #333; break-after: avoid; }
h3 { font-size: 12pt; margin: 5mm 0 2mm; break-after: avoid; }
.meta { color: #444; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; font-size: 10pt; }
th, td { text-align: left; padding: 1mm 1.5mm; border-bottom: 0.2mm solid #ccc; vertical-align: top; }
th { background: #eee; }
tr { break-inside: avoid; }
.num { text-align: right; white-space: nowrap; }
.total td { font-weight: bold; border-top: 0.4mm solid #333; }
th.num { white-space: normal; }
table.ranking { table-layout: fixed; }
table.ranking th:nth-child(1) { width: 14mm; }
table.ranking th:nth-child(2) { width: 42%; }
table.ranking th:nth-child(4), table.ranking th:nth-child(5) { width: 18mm; }
.barcell { white-space: nowrap; }
.score { margin-left: 2mm; vertical-align: 0.5mm; }
.bar { display: inline-block; height: 4mm; min-width: 0.5mm; print-color-adjust: exact;
       -webkit-print-color-adjust: exact; }
.swatch { display: inline-block; width: 4mm; height: 4mm; margin-right: 2mm; vertical-align: -0.5mm;
          print-color-adjust: exact; -webkit-print-color-adjust: exact; }
table.compare { table-layout: fixed; }
table.compare th:first-child { width: 45%; }
table.compare th.num { white-space: normal; }
.two { display: flex; gap: 6mm; } .two > div { flex: 1; }
ul { padding-left: 5mm; }
.remarks { list-style: none; padding: 0; }
.remarks li { margin: 0 0 3mm; break-inside: avoid; }
blockquote { margin: 0; padding: 1mm 3mm; border-left: 1mm solid #888; white-space: pre-wrap;
             overflow-wrap: anywhere; }
small { color: #555; }
footer { margin-top: 10mm; border-top: 0.3mm solid #999; font-size: 9pt; color: #333; }
"""
