""""Bekijk het stembiljet zoals een bewoner": the residents' app for this workshop, inside the console.

The preview is the real :class:`~werkboek_widgets.ballot.app.BallotApp` with every screen of
the workshop's ballot, on a :class:`PreviewStore`: a code that always works (also before
voting opens), no draft kept, and a "Stem versturen" that checks the ballot exactly as the
store would (:func:`werkboek.model.ballot.validate_ballot`) but stores nothing. Nothing
the facilitator does in the preview reaches the results.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import ipywidgets as w
import traitlets as t

from werkboek.model.ballot import validate_ballot
from werkboek.model.records import Code, Receipt

PREVIEW_CODE = "VRB-VRB"  # shown in the code field; never a real code (real ones are checked by the store)


class PreviewStore:
    """What the ballot app needs of a store, for one workshop, storing nothing."""

    def __init__(self, workshop, catalogue):
        self.workshop_record = dataclasses.replace(workshop, status="open", closes_at=None)
        self.catalogue = catalogue
        self.sent: list = []  # the ballots "sent" in the preview (checked, not stored)

    def check_code(self, typed: str, *, clients=()):
        return Code(PREVIEW_CODE, self.workshop_record.id, "individual", "voorbeeld"), self.workshop_record

    def workshop(self, workshop_id: int):
        return self.workshop_record

    def load_draft(self, code: str):
        return None

    def save_draft(self, code: str, payload: dict) -> None:
        pass

    def has_ballot(self, code: str) -> bool:
        return False

    def submit(self, submission):
        ballot = validate_ballot(submission, self.workshop_record, "individual", self.catalogue)
        self.sent.append(ballot)
        return Receipt(0, PREVIEW_CODE, False, dt.datetime.now(dt.timezone.utc))


class BallotPreview(w.VBox):
    workshop_id = t.Int(None, allow_none=True)

    def __init__(self, store, catalogue, **kwargs):
        self.store = store
        self.catalogue = catalogue
        self.open_button = w.Button(description="Bekijk het stembiljet zoals een bewoner", icon="mobile",
                                    layout=w.Layout(width="auto", height="48px"))
        self.close_button = w.Button(description="Sluit het voorbeeld", icon="times",
                                     layout=w.Layout(width="auto", height="44px", display="none"))
        self.note = w.HTML()
        self.phone = w.Box(layout=w.Layout(width="380px", border="2px solid #1a1a1a", padding="8px",
                                           display="none"))
        self.app = None
        self.preview_store = None
        self.open_button.on_click(self.show_preview)
        self.close_button.on_click(self.hide_preview)
        super().__init__([w.HBox([self.open_button, self.close_button]), self.note, self.phone], **kwargs)

    @t.observe("workshop_id")
    def _changed(self, _change=None) -> None:
        self.hide_preview()
        self.open_button.disabled = self.workshop_id is None

    def show_preview(self, _button=None) -> None:
        from werkboek_widgets.ballot.app import BallotApp

        if self.workshop_id is None:
            return
        ws = self.store.workshop(self.workshop_id)
        if not ws.acties:
            self.note.value = ("<p class='wb-error' role='alert'>Er staan nog geen acties op het stembiljet. "
                               "Kies ze bij 1. Voorbereiden.</p>")
            return
        self.preview_store = PreviewStore(ws, self.catalogue)
        self.app = BallotApp(self.preview_store, self.catalogue, workshop=self.preview_store.workshop_record)
        self.app.apply_query(f"code={PREVIEW_CODE}")
        self.phone.children = [self.app.widget]
        self.phone.layout.display = None
        self.close_button.layout.display = None
        self.note.value = ("<p class='wb-note' data-testid='preview-note'>Zo ziet een bewoner het stembiljet op de "
                           "telefoon. Dit is een voorbeeld: wat u hier kiest of verstuurt, telt niet mee.</p>")

    def hide_preview(self, _button=None) -> None:
        self.app = None
        self.phone.children = []
        self.phone.layout.display = "none"
        self.close_button.layout.display = "none"
        self.note.value = ""
