"""Open and close voting, each with a second click to confirm, and how safe the votes are.

Closing makes a checked copy of the votes at once (``Store.backup``, label "sluiting"); the
panel says "Alle 143 stemmen zijn veilig: laatste kopie om 21:14" when the latest copy holds
every ballot, and how many came in since otherwise.
"""

from __future__ import annotations

from html import escape

import ipywidgets as w
import traitlets as t

from werkboek.dutch import local_time
from werkboek.errors import WerkboekError
from werkboek.model.workshop import STATUS_LABELS


def safety_line(store) -> str:
    """"Alle N stemmen zijn veilig: laatste kopie om 21:14" (or how many are not in a copy yet)."""
    try:
        latest = store.latest_backup()
        total = store.count_all_ballots()
    except Exception:  # noqa: BLE001 - a store without copies (tests, JupyterLab): say nothing
        return ""
    if latest is None:
        return "Er is nog geen kopie van de stemmen gemaakt." if total else ""
    at = local_time(latest.made).strftime("%H:%M")
    if latest.ballots >= total:
        return f"Alle {total} stemmen zijn veilig: laatste kopie om {at}."
    return (f"{total} stemmen ontvangen; de laatste kopie (om {at}) heeft er {latest.ballots}. "
            "De volgende kopie komt binnen een paar minuten.")


class VotingControl(w.VBox):
    workshop_id = t.Int(None, allow_none=True)

    def __init__(self, store, **kwargs):
        self.store = store
        self.status = w.HTML()
        self.safety = w.HTML()
        self.open_button = w.Button(description="Stemmen openen", button_style="success", icon="play",
                                    layout=w.Layout(width="260px", height="56px"))
        self.close_button = w.Button(description="Stemmen sluiten", button_style="danger", icon="stop",
                                     layout=w.Layout(width="260px", height="56px"))
        self.message = w.HTML()
        self._confirm_close = False
        self._confirm_reopen = False
        self.open_button.on_click(self._open)
        self.close_button.on_click(self._close)
        super().__init__([self.status, w.HBox([self.open_button, self.close_button]), self.message, self.safety],
                         **kwargs)

    @t.observe("workshop_id")
    def _changed(self, _change=None):
        self._reset_confirmations()
        self.message.value = ""
        self.show()

    def _reset_confirmations(self) -> None:
        self._confirm_close = self._confirm_reopen = False
        self.close_button.description = "Stemmen sluiten"
        self.open_button.description = "Stemmen openen"

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
        if ws.status == "gesloten" and not self._confirm_reopen:
            self.open_button.description = "Weer openen"
        line = safety_line(self.store)
        self.safety.value = f"<p class='wb-safe' data-testid='safety'>{escape(line)}</p>" if line else ""

    def _open(self, _button) -> None:
        ws = self.store.workshop(self.workshop_id)
        if ws.status == "gesloten" and not self._confirm_reopen:
            self._confirm_reopen = True
            self.open_button.description = "Klik nog eens om weer te openen"
            self.message.value = ("<p class='wb-warn'>Het stemmen is gesloten. Als u het weer opent, kunnen bewoners "
                                  "opnieuw stemmen en veranderen de uitslagen. Weet u het zeker?</p>")
            return
        self._reset_confirmations()
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
        self._reset_confirmations()
        self.store.close_voting(self.workshop_id)
        note = ""
        try:
            copy = self.store.backup(label="sluiting")
            note = f" Er is een kopie gemaakt van alle {copy.ballots} stemmen."
        except (WerkboekError, OSError) as exc:
            note = f" Let op: de kopie van de stemmen is niet gelukt ({exc})."
        except AttributeError:  # a store without copies
            pass
        self.message.value = f"<p class='wb-ok'>Het stemmen is gesloten.{escape(note)}</p>"
        self.show()
