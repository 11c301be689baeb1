"""Participant codes and group codes, and the printable sheet of slips with QR codes."""

from __future__ import annotations

import ipywidgets as w
import traitlets as t

from werkboek import settings
from werkboek.outputs.codesheet import code_sheet_html
from werkboek_widgets.facilitator.downloads import download_link

WIDE = {"description_width": "220px"}


def resident_base_url() -> str:
    """The resident app's address, as set by ``werkboek workshop`` (or this laptop's own)."""
    url = settings.get(settings.RESIDENT_URL_ENV)
    if url:
        return url
    from werkboek.network import lan_ip, resident_url

    return resident_url(lan_ip(), settings.SERVING.resident_port)


class CodesPanel(w.VBox):
    workshop_id = t.Int(None, allow_none=True)

    def __init__(self, store, **kwargs):
        self.store = store
        self.individual = w.BoundedIntText(value=50, min=0, max=2000, description="Codes voor één persoon",
                                           style=WIDE)
        self.groups = w.BoundedIntText(value=0, min=0, max=200, description="Codes voor een tafel (groep)",
                                       style=WIDE)
        self.make = w.Button(description="Maak codes", button_style="primary", icon="plus",
                             layout=w.Layout(width="200px", height="48px"))
        self.sheet = w.Button(description="Printvel maken", icon="print", layout=w.Layout(width="200px", height="48px"))
        self.summary = w.HTML()
        self.link = w.HTML()
        self.make.on_click(self._make)
        self.sheet.on_click(self._sheet)
        super().__init__([
            w.HTML("<h2>Stemcodes</h2><p>Elke bewoner krijgt een eigen code op een briefje. "
                   "Een tafel die samen stemt krijgt een groepscode.</p>"),
            self.individual, self.groups, w.HBox([self.make, self.sheet]), self.summary, self.link,
        ], **kwargs)

    @t.observe("workshop_id")
    def show(self, _change=None) -> None:
        self.link.value = ""
        if self.workshop_id is None:
            self.summary.value = "<p>Kies of maak eerst een bijeenkomst.</p>"
            self.make.disabled = self.sheet.disabled = True
            return
        codes = self.store.codes(self.workshop_id)
        n_groups = sum(c.kind == "group" for c in codes)
        self.make.disabled = False
        self.sheet.disabled = not codes
        self.summary.value = (f"<p data-testid='codes'>{len(codes) - n_groups} persoonlijke codes en "
                              f"{n_groups} groepscodes.</p>")

    def _make(self, _button=None) -> None:
        if self.individual.value:
            self.store.create_codes(self.workshop_id, self.individual.value)
        if self.groups.value:
            self.store.create_codes(self.workshop_id, self.groups.value, kind="group")
        self.show()

    def _sheet(self, _button=None) -> None:
        ws = self.store.workshop(self.workshop_id)
        page = code_sheet_html(ws, self.store.codes(ws.id), resident_base_url())
        name = f"stemcodes-bijeenkomst-{ws.id}.html"
        self.link.value = (download_link(page.encode("utf-8"), name, "text/html", "Printvel openen (HTML, A4)")
                           + "<p>Open het bestand en kies Afdrukken. Knip de briefjes langs de stippellijnen.</p>")
