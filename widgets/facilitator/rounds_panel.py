"""The console's "Rondes" tab: the rounds of the chosen workshop side by side, and what moved.

Opening a second round is on the "3. Stemmen" tab (:class:`VotingControl`). While the
later round is open, its results come through the projector's batches of k ballots
(:func:`werkboek.model.privacy.projector_batch`), like everything a room may see.
"""

from __future__ import annotations

import ipywidgets as w
import traitlets as t

from werkboek.model.privacy import privacy_k, projector_batch
from werkboek.outputs.rounds import round_blocks, rounds_html
from werkboek_widgets.facilitator.refresh import AutoRefresh

ONE_ROUND = ("<p data-testid='rounds-none'>Er is nog maar één ronde. Na het gesprek aan tafel kunt u bij "
             "<b>3. Stemmen</b> een tweede ronde openen: iedereen stemt dan opnieuw met dezelfde code. "
             "Hier ziet u daarna de rondes naast elkaar.</p>")


class RoundsPanel(AutoRefresh, w.VBox):
    workshop_id = t.Int(None, allow_none=True)
    interval = t.Float(5.0)

    def __init__(self, store, catalogue, **kwargs):
        self.store = store
        self.catalogue = catalogue
        self.body = w.HTML()
        self._seen = None
        super().__init__([self.body], **kwargs)
        self.add_class("wb-rounds-panel")

    @t.observe("workshop_id")
    def _changed(self, _change=None) -> None:
        self._seen = None
        self.show()

    def show(self) -> None:
        if self.workshop_id is None:
            self.body.value = "<p>Kies of maak eerst een bijeenkomst.</p>"
            return
        ws = self.store.workshop(self.workshop_id)
        if ws.voting_round < 2:
            self.body.value = ONE_ROUND
            return
        seen = (ws.voting_round, ws.status, self.store.ballots_fingerprint([ws.id]))
        if seen == self._seen:
            return
        self._seen = seen
        k = privacy_k([ws])
        before = self.store.ballots([ws.id], voting_round=ws.voting_round - 1)
        if ws.is_open:  # while voting: only complete batches of k, as on the projector
            after = list(projector_batch(self.store.ballots([ws.id], include_superseded=True), k).ballots)
        else:
            after = self.store.ballots([ws.id])
        self.body.value = rounds_html(round_blocks(ws, before, after, self.catalogue, k))

    def refresh_once(self) -> None:
        self.show()

    def refresh_failed(self, exc: Exception) -> None:
        self._seen = None
