"""Printable paper ballots: one A4 page per stemcode, for residents who do not vote on a phone.

A paper ballot is one self-contained HTML page per code (inline CSS, inline SVG QR codes,
no scripts), in large type, with the workshop's title, the method's instructions in B1
Dutch (:meth:`werkboek.model.methods.Method.paper_instructions`), and one box per actie,
grouped per leefgebied. The box is what the method asks for: a number (stippen), a cross
(aankruisen) or a place 1, 2, 3 (top 3).

Each page carries its own stemcode, printed and as a QR code. The QR code holds the code
itself, not the resident app's address: a volunteer's QR scanner (which types like a
keyboard) fills in the entry screen's code field, and a paper cannot be turned into a second
vote on a phone by scanning it. The store counts a code once (``Store.submit``, channel
``papier``); the console prints only codes that were never printed before.

The QR codes come from :func:`werkboek.outputs.codesheet.qr_svg` (segno); the markup is in
``templates/paperballot.html`` and ``paperballot.css``.
"""

from __future__ import annotations

from werkboek.dutch import date_nl
from werkboek.outputs.codesheet import qr_svg
from werkboek.outputs.templating import render


def ballot_sections(workshop, catalogue) -> list[dict]:
    """The acties on the ballot per leefgebied, in the catalogue's order of leefgebieden and the ballot's order."""
    on_ballot = [catalogue.acties[a] for a in workshop.acties if a in catalogue.acties]
    sections = []
    for lg_id, lg in catalogue.leefgebieden.items():
        acties = [a for a in on_ballot if a.leefgebied == lg_id]
        if acties:
            sections.append({"id": lg_id, "naam": lg.naam, "acties": acties})
    return sections


def paper_ballots_html(workshop, codes, catalogue) -> str:
    """An A4 print-ready HTML page per code (``werkboek.model.records.Code``) of ``workshop``."""
    method = workshop.voting_method()
    pages = [{"code": c.code, "group": c.kind == "group", "label": c.label, "qr_svg": qr_svg(c.code)}
             for c in codes]
    return render("paperballot.html", workshop=workshop, pages=pages, sections=ballot_sections(workshop, catalogue),
                  instructions=method.paper_instructions(), hint=method.paper_hint(), box=method.paper_box,
                  method_label=method.label,
                  when=" · ".join(x for x in (date_nl(workshop.date), workshop.location) if x))
