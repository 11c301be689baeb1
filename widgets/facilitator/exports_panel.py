"""Exports for the programme office: CSV, an Excel workbook and a printable report.

By default the files per ballot are rounded (times to the quarter hour, places to ~10 m)
and show small buurten and age groups as "overig"; the checkbox "Exacte tijden en plekken"
gives the exact values for analysis, in files whose names end in ``-exact``. Each
download says which it is (:func:`werkboek.outputs.exports.privacy_note`).
"""

from __future__ import annotations

import tempfile
from html import escape
from pathlib import Path

import ipywidgets as w

from werkboek.outputs import exports, report
from werkboek_widgets.facilitator.downloads import download_link


class ExportsPanel(w.VBox):
    def __init__(self, store, catalogue, **kwargs):
        self.store = store
        self.catalogue = catalogue
        self.choice = w.SelectMultiple(description="Bijeenkomsten", rows=6, style={"description_width": "140px"},
                                       layout=w.Layout(width="640px"))
        self.csv = w.Button(description="CSV (stembiljetten)", icon="table", layout=w.Layout(width="240px", height="48px"))
        self.excel = w.Button(description="Excel-werkboek", icon="file-excel-o", layout=w.Layout(width="240px", height="48px"))
        self.report = w.Button(description="Rapport (HTML)", icon="file-text-o", layout=w.Layout(width="240px", height="48px"))
        self.everything = w.Button(description="Alles in één keer", icon="download", button_style="primary",
                                   layout=w.Layout(width="240px", height="48px"))
        self.exact = w.Checkbox(value=False, indent=False, layout=w.Layout(width="auto"),
                                description="Exacte tijden en plekken (alleen voor analyse)")
        self.links = w.HTML()
        self.csv.on_click(self._csv)
        self.excel.on_click(self._excel)
        self.report.on_click(self._report)
        self.everything.on_click(self._everything)
        super().__init__([
            w.HTML("<h2>Exporteren</h2><p>Kies een of meer bijeenkomsten. Alleen de geldige, laatste stem "
                   "van elke code telt mee.</p>"),
            self.choice, self.exact,
            w.HBox([self.everything, self.csv, self.excel, self.report], layout=w.Layout(flex_flow="row wrap")),
            self.links,
        ], **kwargs)
        self.reload()

    def reload(self, selected=None) -> None:
        self.choice.options = [(f"{ws.id}. {ws.title}", ws.id) for ws in self.store.workshops()]
        if selected is not None:
            self.choice.value = tuple(selected)

    def _selection(self):
        ids = list(self.choice.value)
        if not ids:
            self.links.value = "<p class='wb-error' role='alert'>Kies eerst een bijeenkomst.</p>"
            return None, None
        workshops = [self.store.workshop(i) for i in ids]
        return workshops, self.store.ballots(ids)

    def _stem(self, workshops, exact: bool = False) -> str:
        return exports.file_stem(workshops, exact)

    def _note(self, workshops, exact: bool) -> str:
        note = escape(exports.privacy_note(workshops, exact))
        return f"<p class='wb-note' data-testid='export-note'><b>Let op:</b> {note}</p>"

    def _csv(self, _button=None) -> None:
        workshops, ballots = self._selection()
        if workshops is None:
            return
        exact = bool(self.exact.value)
        data = exports.ballots_csv(ballots, workshops, self.catalogue, exact=exact).encode("utf-8-sig")
        self.links.value = (download_link(data, self._stem(workshops, exact) + ".csv", "text/csv", "CSV downloaden")
                            + self._note(workshops, exact)
                            + "<p class='wb-note'>Het bestand is gescheiden door puntkomma's (;), met een "
                              "decimale komma: Excel opent het zo goed.</p>")

    def _excel(self, _button=None) -> None:
        workshops, ballots = self._selection()
        if workshops is None:
            return
        exact = bool(self.exact.value)
        with tempfile.TemporaryDirectory() as tmp:
            path = exports.excel_workbook(ballots, workshops, self.catalogue, Path(tmp) / "uitslag.xlsx", exact=exact)
            data = Path(path).read_bytes()
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        self.links.value = (download_link(data, self._stem(workshops, exact) + ".xlsx", mime, "Excel downloaden")
                            + self._note(workshops, exact))

    def _report(self, _button=None) -> None:
        workshops, ballots = self._selection()
        if workshops is None:
            return
        page = report.results_report_html(workshops, ballots, self.catalogue)
        self.links.value = download_link(page.encode("utf-8"), self._stem(workshops) + ".html", "text/html",
                                         "Rapport openen")

    def _everything(self, _button=None) -> None:
        """CSV, Excel and the report with one click (each also saved on the laptop)."""
        workshops, ballots = self._selection()
        if workshops is None:
            return
        parts = []
        for make in (self._csv, self._excel, self._report):
            make()
            parts.append(self.links.value)
        self.links.value = "".join(parts)
