"""Printable code sheets: one A4 page holds ten slips, each with a QR code, to cut apart.

The sheet is one self-contained HTML page (inline SVG QR codes, inline CSS, no scripts,
no external files), so it prints from any browser on a laptop without internet. QR codes
come from segno; nothing here draws them by hand. The markup and the A4 sizes are in
``templates/codesheet.html`` and ``codesheet.css``.
"""

from __future__ import annotations

import io

import segno

from werkboek.dutch import date_nl
from werkboek.network import short_address
from werkboek.outputs.templating import render

SLIPS_PER_PAGE = 10  # 2 columns x 5 rows on A4
QR_ERROR = "m"  # error correction: survives a fold or a coffee stain, still a small symbol
_QR_SVG = {"omitsize": True, "border": 2, "dark": "#000", "light": "#fff", "svgclass": "qr", "lineclass": None}


def code_url(base_url: str, code: str) -> str:
    """The address in a slip's QR code: the resident app with the code filled in."""
    sep = "&" if "?" in base_url else "?"
    return f"{base_url}{sep}code={code}"


def qr_svg(url: str) -> str:
    """An inline SVG QR code for ``url``, sized by CSS (no width/height of its own)."""
    return segno.make(url, error=QR_ERROR, micro=False).svg_inline(**_QR_SVG)


def terminal_qr(url: str) -> str:
    """A QR code drawn with block characters, for the facilitator's terminal."""
    out = io.StringIO()
    segno.make(url, error=QR_ERROR, micro=False).terminal(out=out, compact=True)
    return out.getvalue()


def code_sheet_html(workshop, codes, base_url: str, *, english: bool = False, name_url: str | None = None,
                    results_url: str | None = None) -> str:
    """An A4 print-ready HTML page with one slip per code (``werkboek.store.Code``).

    ``base_url`` is the resident app's address on this laptop (see :mod:`werkboek.network`);
    keep it short, people may have to type it. ``english`` adds one line in English per slip.
    ``name_url``: the same app by name (``http://stemmen.local:8866/``, werkboek.serving.mdns): the
    address to type, with the IP address as the fallback; the QR code keeps the IP address,
    which every phone reaches. ``results_url``: where the public results site will be
    (default ``WERKBOEK_PUBLIC_URL``, see ``werkboek publish``); one short line when set.
    """
    from werkboek import settings

    codes = list(codes)
    results_url = results_url or settings.public_url()
    results_url = short_address(results_url) if results_url else ""
    slips = [{"code": c.code, "group": c.kind == "group", "label": c.label, "qr_svg": qr_svg(code_url(base_url, c.code))}
             for c in codes]
    pages = [slips[i:i + SLIPS_PER_PAGE] for i in range(0, len(slips), SLIPS_PER_PAGE)] or [[]]
    return render("codesheet.html", workshop=workshop, pages=pages, english=english,
                  when=" · ".join(x for x in (date_nl(workshop.date), workshop.location) if x),
                  address=short_address(name_url or base_url),
                  fallback=short_address(base_url) if name_url else "", results_url=results_url)
