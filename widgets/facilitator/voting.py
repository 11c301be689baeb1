"""Open and close voting, with a second click to confirm closing."""

from __future__ import annotations

from html import escape

import ipywidgets as w
import traitlets as t

from werkboek.errors import WerkboekError
from werkboek.model.workshop import STATUS_LABELS


class VotingControl(w.VBox):
    workshop_id = t.Int(None, allow_none=True)

    def __init__(self, store, **kwargs):
        self.store = store
        self.status = w.HTML()
        self.open_button = w.Button(description="Stemmen openen", button_style="success", icon="play",
                                    layout=w.Layout(width="260px", height="56px"))
        self.close_button = w.Button(description="Stemmen sluiten", button_style="danger", icon="stop",
                                     layout=w.Layout(width="260px", height="56px"))
        self.message = w.HTML()
        self._confirm_close = False
        self.open_button.on_click(self._open)
        self.close_button.on_click(self._close)
        super().__init__([self.status, w.HBox([self.open_button, self.close_button]), self.message], **kwargs)

    @t.observe("workshop_id")
    def _changed(self, _change=None):
        self._confirm_close = False
        self.close_button.description = "Stemmen sluiten"
        self.message.value = ""
        self.show()

    def show(self) -> None:
        if self.workshop_id is None:
            self.status.value = "<p>Kies of maak eerst een bijeenkomst.</p>"
            self.open_button.disabled = self.close_button.disabled = True
            return
        ws = self.store.workshop(self.workshop_id)
        count = self.store.count_ballots(ws.id)
        self.status.value = (
            f"<p class='wb-status wb-status-{ws.status}'><b>{escape(ws.title)}</b>: "
            f"<span data-testid='status'>{STATUS_LABELS[ws.status]}</span>. {count} stemmen ontvangen.</p>"
        )
        self.open_button.disabled = ws.status == "open"
        self.close_button.disabled = ws.status != "open"

    def _open(self, _button) -> None:
        try:
            self.store.open_voting(self.workshop_id)
            self.message.value = "<p class='wb-ok'>Het stemmen is open. Bewoners kunnen nu stemmen.</p>"
        except WerkboekError as exc:
            self.message.value = f"<p class='wb-error'>{escape(str(exc))}</p>"
        self.show()

    def _close(self, _button) -> None:
        if not self._confirm_close:
            self._confirm_close = True
            self.close_button.description = "Klik nog eens om te sluiten"
            self.message.value = "<p class='wb-warn'>Na sluiten kan niemand meer stemmen. Weet u het zeker?</p>"
            return
        self._confirm_close = False
        self.close_button.description = "Stemmen sluiten"
        self.store.close_voting(self.workshop_id)
        self.message.value = "<p class='wb-ok'>Het stemmen is gesloten.</p>"
        self.show()
