"""Open and close voting, each with a second click to confirm, and how safe the votes are.

Before the second click the panel says how many people are still filling in a ballot
("3 mensen zijn nog bezig": codes with a draft and no ballot). Closing can wait a few
minutes ("Sluit over 2 minuten"): the workshop gets a ``closes_at``, residents' phones say
"Het stemmen sluit over 2 minuten", ballots sent before then count, later ones are refused,
and voting closes by itself then (the panel records it and makes the copy when it notices).

After closing, "Tweede ronde openen" (again with a second click) lets the same codes vote
once more after the table discussion (``Store.open_next_round``); the status line then says
which round it is, and the "Rondes" tab puts the rounds side by side.

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
from werkboek.model.rounds import MAX_ROUNDS
from werkboek.model.workshop import STATUS_LABELS
from werkboek_widgets.facilitator.refresh import AutoRefresh

ROUND_BUTTON = "Tweede ronde openen"
GRACE_CHOICES = [("Meteen", 0), ("Over 1 minuut", 1), ("Over 2 minuten", 2), ("Over 5 minuten", 5)]


def busy_line(n: int) -> str:
    if n <= 0:
        return "Niemand is nog bezig met een stembiljet."
    return "1 persoon is nog bezig met een stembiljet." if n == 1 else f"{n} mensen zijn nog bezig met een stembiljet."


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


class VotingControl(AutoRefresh, w.VBox):
    workshop_id = t.Int(None, allow_none=True)
    interval = t.Float(5.0, help="seconds between checks of a closing time")

    def __init__(self, store, **kwargs):
        self.store = store
        self.status = w.HTML()
        self.grace = w.Dropdown(options=GRACE_CHOICES, value=0, description="Sluiten",
                                style={"description_width": "80px"}, layout=w.Layout(width="260px"))
        self.safety = w.HTML()
        self.open_button = w.Button(description="Stemmen openen", button_style="success", icon="play",
                                    layout=w.Layout(width="260px", height="56px"))
        self.close_button = w.Button(description="Stemmen sluiten", button_style="danger", icon="stop",
                                     layout=w.Layout(width="260px", height="56px"))
        self.round_button = w.Button(description=ROUND_BUTTON, icon="repeat",
                                     layout=w.Layout(width="260px", height="56px"))
        self.message = w.HTML()
        self._confirm_close = False
        self._confirm_reopen = False
        self._confirm_round = False
        self.open_button.on_click(self._open)
        self.close_button.on_click(self._close)
        self.round_button.on_click(self._next_round)
        super().__init__([self.status, w.HBox([self.open_button, self.close_button, self.grace, self.round_button],
                                              layout=w.Layout(flex_flow="row wrap", align_items="center")),
                          self.message, self.safety], **kwargs)

    @t.observe("workshop_id")
    def _changed(self, _change=None):
        self._reset_confirmations()
        self.message.value = ""
        self.show()

    def _reset_confirmations(self) -> None:
        self._confirm_close = self._confirm_reopen = self._confirm_round = False
        self.close_button.description = "Stemmen sluiten"
        self.open_button.description = "Stemmen openen"
        self.round_button.description = ROUND_BUTTON

    def show(self) -> None:
        if self.workshop_id is None:
            self.status.value = "<p>Kies of maak eerst een bijeenkomst.</p>"
            self.open_button.disabled = self.close_button.disabled = self.round_button.disabled = True
            return
        ws = self.store.workshop(self.workshop_id)
        # closed by its closing time but not recorded yet (set_status clears closes_at): record it, make the copy
        if ws.status == "gesloten" and ws.closes_at is not None and self.store.settle_closing(ws.id):
            self._closed(by_itself=True)
            return
        count = self.store.count_ballots(ws.id)
        left = ws.seconds_to_close()
        closing = ""
        if left is not None:
            at = local_time(ws.closes_at).strftime("%H:%M:%S")
            closing = (f" <span data-testid='closes-at'>Het stemmen sluit vanzelf om {at}</span> "
                       f"(nog {_duration(left)}). {escape(busy_line(self.store.count_busy(ws.id)))}")
        in_round = (f" <span data-testid='round'>Ronde {ws.voting_round}</span>:" if ws.voting_round > 1 else "")
        self.status.value = (
            f"<p class='wb-status wb-status-{ws.status}'><b>{escape(ws.title)}</b>:{in_round} "
            f"<span data-testid='status'>{STATUS_LABELS[ws.status]}</span>. {count} stemmen ontvangen.{closing}</p>"
        )
        self.round_button.disabled = not (ws.status == "gesloten" and count > 0 and ws.voting_round < MAX_ROUNDS)
        if not self._confirm_round:
            self.round_button.description = ROUND_BUTTON if ws.voting_round == 1 else f"Ronde {ws.voting_round + 1} openen"
        self.open_button.disabled = ws.status == "open"
        self.close_button.disabled = ws.status != "open"
        self.grace.disabled = ws.status != "open" or left is not None
        if left is not None:
            self.start()  # notice the closing time passing, also when nobody clicks
            if not self._confirm_close:
                self.close_button.description = "Nu meteen sluiten"
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

    def _next_round(self, _button) -> None:
        ws = self.store.workshop(self.workshop_id)
        if not self._confirm_round:
            self._reset_confirmations()
            self._confirm_round = True
            self.round_button.description = "Klik nog eens voor de nieuwe ronde"
            self.message.value = (
                f"<p class='wb-warn'>Ronde {ws.voting_round + 1}: iedereen stemt opnieuw met dezelfde code. "
                f"De stemmen van ronde {ws.voting_round} blijven bewaard en u ziet de rondes naast elkaar "
                "(tabblad Rondes). Weet u het zeker?</p>")
            return
        self._reset_confirmations()
        try:
            ws = self.store.open_next_round(self.workshop_id)
        except WerkboekError as exc:
            self.message.value = f"<p class='wb-error'>{escape(str(exc))}</p>"
        else:
            self.message.value = (f"<p class='wb-ok'>Ronde {ws.voting_round} is open. Bewoners stemmen opnieuw met "
                                  "hun eigen code.</p>")
        self.show()

    def _close(self, _button) -> None:
        ws = self.store.workshop(self.workshop_id)
        minutes = self.grace.value if ws.seconds_to_close() is None else 0
        if not self._confirm_close:
            self._confirm_close = True
            busy = self.store.count_busy(self.workshop_id)
            self.close_button.description = "Klik nog eens om te sluiten"
            if minutes:
                then = (f"Het stemmen sluit over {minutes} {'minuut' if minutes == 1 else 'minuten'}. Bewoners zien "
                        "dat op hun telefoon. Wat daarna binnenkomt, telt niet meer mee.")
            else:
                then = "Na sluiten kan niemand meer stemmen."
            advice = (" Wacht even, of kies 'Over 2 minuten'." if busy and not minutes else "")
            self.message.value = (f"<p class='wb-warn'><span data-testid='busy'>{escape(busy_line(busy))}</span>"
                                  f"{escape(advice)} {escape(then)} Weet u het zeker?</p>")
            return
        self._reset_confirmations()
        if minutes:
            try:
                ws = self.store.close_voting(self.workshop_id, in_minutes=minutes)
            except WerkboekError as exc:
                self.message.value = f"<p class='wb-error'>{escape(str(exc))}</p>"
            else:
                at = local_time(ws.closes_at).strftime("%H:%M")
                self.message.value = (f"<p class='wb-ok'>Het stemmen sluit om {at}. Tot dan kunnen bewoners hun "
                                      "stem nog versturen.</p>")
                self.start()
            self.show()
            return
        self.store.close_voting(self.workshop_id)
        self._closed()

    def _closed(self, by_itself: bool = False) -> None:
        self.stop()
        note = ""
        try:
            copy = self.store.backup(label="sluiting")
            note = f" Er is een kopie gemaakt van alle {copy.ballots} stemmen."
        except (WerkboekError, OSError) as exc:
            note = f" Let op: de kopie van de stemmen is niet gelukt ({exc})."
        except AttributeError:  # a store without copies
            pass
        first = "De tijd is om: het stemmen is gesloten." if by_itself else "Het stemmen is gesloten."
        self.message.value = f"<p class='wb-ok'>{first}{escape(note)}</p>"
        self.show()

    # -- auto refresh while a closing time is set (werkboek_widgets.facilitator.refresh) ---

    def refresh_once(self) -> None:
        if self.workshop_id is None:
            self.stop()
            return
        self.show()
        if self.store.workshop(self.workshop_id).seconds_to_close() is None:
            self.stop()

    def refresh_failed(self, exc: Exception) -> None:
        self.message.value = f"<p class='wb-error'>Niet bijgewerkt: {escape(str(exc))}</p>"


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds >= 60:
        minutes, rest = divmod(seconds, 60)
        return f"{minutes} min {rest:02d} s"
    return f"{seconds} s"
