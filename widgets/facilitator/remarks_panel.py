"""Moderation: the facilitator decides which remarks (and pin texts) go on the projector.

A new remark waits until the facilitator clicks "Tonen" or "Niet tonen"; a decision can be
changed later. For a small room, "Alles direct tonen" puts every remark on the screen
without waiting (what was set to "Niet tonen" stays off). Everything residents wrote is
escaped: a remark with HTML in it shows as text here too.
"""

from __future__ import annotations

import unicodedata
from html import escape

import ipywidgets as w
import traitlets as t

from werkboek.errors import WerkboekError
from werkboek_widgets.facilitator.refresh import AutoRefresh

BIG = w.Layout(width="200px", height="56px")


class RemarksPanel(AutoRefresh, w.VBox):
    workshop_id = t.Int(None, allow_none=True)
    interval = t.Float(5.0, help="seconds between looking for new remarks")

    def __init__(self, store, **kwargs):
        self.store = store
        self._shown = None
        self._loading = False
        self.direct = w.Checkbox(value=False, indent=False, layout=w.Layout(width="auto"),
                                 description="Alles direct tonen (voor een kleine groep)")
        self.direct.observe(self._direct_changed, "value")
        self.reload_button = w.Button(description="Vernieuwen", icon="refresh", layout=w.Layout(width="200px",
                                                                                               height="48px"))
        self.reload_button.on_click(lambda _b: self.show(force=True))
        self.message = w.HTML()
        self.summary = w.HTML()
        self.pending = w.VBox()
        self.decided = w.VBox()
        self.buttons: dict[tuple[int, str], w.Button] = {}  # (ballot id, new status) -> button
        super().__init__([
            w.HTML("<h2>Opmerkingen</h2><p>Bewoners kunnen een opmerking schrijven, en een korte tekst bij een "
                   "plek op de kaart. Die komen pas op het scherm als u op <b>Tonen</b> klikt. Op het scherm staat "
                   "geen tijd en geen naam bij.</p><p>Laat deze pagina niet op de beamer zien.</p>"),
            self.direct, self.reload_button, self.message, self.summary,
            w.HTML("<h3>Wachten op u</h3>"), self.pending,
            w.HTML("<h3>Al bekeken</h3>"), self.decided,
        ], **kwargs)
        self.add_class("wb-remarks-panel")

    @t.observe("workshop_id")
    def _changed(self, _change=None) -> None:
        self.message.value = ""
        self.show(force=True)

    def show(self, force: bool = False) -> None:
        """Reload the remarks; rebuild the list only when something changed."""
        if self.workshop_id is None:
            self.summary.value = "<p>Kies of maak eerst een bijeenkomst.</p>"
            self.pending.children, self.decided.children = [], []
            self.direct.disabled = True
            return
        ws = self.store.workshop(self.workshop_id)
        remarks = self.store.remarks([ws.id])
        state = (ws.id, ws.remarks_direct, tuple((r.ballot_id, r.status) for r in remarks))
        if not force and state == self._shown:
            return
        self._shown = state
        self._loading = True
        self.direct.disabled = False
        self.direct.value = ws.remarks_direct
        self._loading = False
        self.buttons = {}
        waiting = [r for r in remarks if r.status == "pending"]
        done = [r for r in remarks if r.status != "pending"]
        self.pending.children = [self._item(r, ws.remarks_direct) for r in waiting] or [
            w.HTML("<p class='wb-empty'>Er wacht niets.</p>")]
        self.decided.children = [self._item(r, ws.remarks_direct) for r in done] or [
            w.HTML("<p class='wb-empty'>Nog niets bekeken.</p>")]
        if ws.remarks_direct:
            text = ("Alles direct tonen staat aan: nieuwe opmerkingen komen meteen op het scherm. "
                    "Wat op 'Niet tonen' staat, komt er niet op.")
        else:
            text = f"{len(waiting)} {'opmerking wacht' if len(waiting) == 1 else 'opmerkingen wachten'} op u."
        self.summary.value = f"<p data-testid='remarks-summary'>{escape(text)}</p>"

    def _item(self, remark, direct: bool) -> w.Widget:
        parts = []
        if remark.text:
            parts.append(f"<blockquote dir='auto'>{escape(remark.text)}</blockquote>")
        for text in remark.pin_texts:
            parts.append(f"<p dir='auto'><b>Bij een plek op de kaart:</b> {escape(text)}</p>")
        if remark.original and unicodedata.normalize("NFC", remark.original).strip() != remark.text:
            parts.append("<p class='wb-note'>Er zijn onzichtbare tekens uit deze tekst gehaald.</p>")
        if remark.status == "pending":
            state = "Staat op het scherm (alles direct tonen)." if direct else ""
            choices = [("approved", "Tonen", "success"), ("hidden", "Niet tonen", "danger")]
        elif remark.status == "approved":
            state = "Staat op het scherm."
            choices = [("hidden", "Toch niet tonen", "danger")]
        else:
            state = "Staat niet op het scherm."
            choices = [("approved", "Toch tonen", "success")]
        if state:
            parts.append(f"<p class='wb-status'>{escape(state)}</p>")
        buttons = []
        for status, label, style in choices:
            # no icon: its glyph would become part of the button's name for a screen reader
            button = w.Button(description=label, button_style=style, layout=BIG)
            button.on_click(lambda _b, bid=remark.ballot_id, st=status: self._decide(bid, st))
            self.buttons[(remark.ballot_id, status)] = button
            buttons.append(button)
        return w.VBox([w.HTML("".join(parts)), w.HBox(buttons)], layout=w.Layout(
            border="1px solid #bbb", padding="8px 12px", margin="0 0 12px 0", width="760px"))

    def _decide(self, ballot_id: int, status: str) -> None:
        try:
            self.store.set_remark_status(ballot_id, status)
            self.message.value = ""
        except WerkboekError as exc:
            self.message.value = f"<p class='wb-error' role='alert'>{escape(str(exc))}</p>"
        self.show(force=True)

    def _direct_changed(self, change) -> None:
        if self._loading or self.workshop_id is None:
            return
        try:
            self.store.update_workshop(self.workshop_id, remarks_direct=bool(change["new"]))
        except WerkboekError as exc:
            self.message.value = f"<p class='wb-error' role='alert'>{escape(str(exc))}</p>"
        self.show(force=True)

    # -- auto refresh (werkboek_widgets.facilitator.refresh) -----------------------------

    def refresh_once(self) -> None:
        self.show()

    def refresh_failed(self, exc: Exception) -> None:  # a hiccup of the database must not stop the screen
        self.message.value = f"<p class='wb-error'>Niet bijgewerkt: {escape(str(exc))}</p>"
