"""The one Jinja2 environment for every page and chart we write: markup lives in templates.

Templates are in ``werkboek/outputs/templates/`` (the results report, the code sheet, the
scenario report and its charts). Python prepares the data (rows, numbers, coordinates);
a template only lays it out. Rules:

* autoescape is on for ``.html``, ``.svg`` and ``.xml`` templates: everything a resident
  (or anybody else) wrote is escaped, a remark with ``<script>`` or ``{{ }}`` in it shows as text;
* ``|safe`` only on markup we made ourselves — a QR code from segno, a chart, a table from
  pandas, another rendered template — and such context names end in ``_svg`` or ``_html``
  (``tests/outputs/test_templating.py`` checks this);
* an unknown name in a template is an error (``StrictUndefined``), not an empty string;
* numbers, money, percentages and dates go through the filters from :mod:`werkboek.dutch`.

    from werkboek.outputs.templating import render
    page = render("report.html", title=title, sections=...)
"""

from __future__ import annotations

from functools import cache

import jinja2

from werkboek import dutch

TEMPLATES = "templates"
AUTOESCAPED = ("html", "svg", "xml")


def fixed(value: float, decimals: int = 1) -> str:
    """A coordinate or size in markup: ``12.3`` (a decimal point, as SVG and CSS want it)."""
    return f"{value:.{decimals}f}"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("werkboek.outputs", TEMPLATES),
        autoescape=jinja2.select_autoescape(enabled_extensions=AUTOESCAPED, default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        number=dutch.number,
        count=dutch.count,
        euros=dutch.euros,
        euros_in_words=dutch.euros_in_words,
        percent=dutch.percent,
        date_nl=dutch.date_nl,
        datetime_nl=dutch.datetime_nl,
        years=dutch.years_in_words,
        fixed=fixed,
    )
    env.globals["counted"] = dutch.counted
    return env


def render(template_name: str, **context) -> str:
    """The template ``template_name`` (a path below ``templates/``) filled in with ``context``."""
    return environment().get_template(template_name).render(**context)
