"""The resident's ballot app: six steps on one small screen, with "stap 2 van 6" and a way back.

Compose it in a notebook::

    from werkboek_widgets.ballot.app import BallotApp
    app = BallotApp.from_environment()   # store and catalogue from WERKBOEK_* settings
    app.widget                            # display it
    app.apply_query(query_string)         # ?code=K7P-4QX&lang=en from the link

Every value goes to the store only through :meth:`werkboek.store.Store.submit`, which
validates it again: the browser is never trusted.

A ballot in progress is kept as a draft in the store (:mod:`.draft_payload`, written at
most about once a second by :mod:`.draft_saver`): after a reload, a phone waking up or a
culled kernel, the same code brings the resident back to the screen they were on.
"""

from __future__ import annotations

import os
import uuid
from urllib.parse import parse_qs

from werkboek.errors import BallotRejected
from werkboek_widgets import ui
from werkboek_widgets.ballot import closing
from werkboek_widgets.ballot.draft import BallotDraft
from werkboek_widgets.ballot.draft_payload import restore, to_payload
from werkboek_widgets.ballot.draft_saver import DraftSaver
from werkboek_widgets.ballot.flow import Flow, Screen
from werkboek_widgets.ballot.steps import step_class
from werkboek_widgets.ballot.texts import LANGUAGES, rejected, t


class BallotApp:
    def __init__(self, store, catalogue, *, lang: str = "nl", workshop=None):
        self.store = store
        self.catalogue = catalogue
        self.lang = lang if lang in LANGUAGES else "nl"
        self.workshop = workshop  # known from the link's code (or the server), for the welcome screen
        self.flow = Flow()
        self.draft: BallotDraft | None = None
        self.code_typed = ""
        self.receipt = None
        self.notice = ""
        self.step = None
        self.saver: DraftSaver | None = None
        self._resume_at = None  # the saved screen to continue on, after the code step
        self._handed = False  # the HTML screens' state has been taken over (once)
        self.notice_kind = "info"
        self._page_key = "page:" + uuid.uuid4().hex  # wrong codes are throttled per page and per address
        self.shown = 0  # how many screens have been shown; a tap from an earlier one is stale
        self.progress = ui.html("", "wb-progress")
        self.body = ui.column([], "wb-body")
        self.message = ui.status()
        self.back_button = self.next_button = None
        self.nav = ui.row([], "wb-nav")
        self.handover = ui.handover_field()  # the page's HTML-first screens hand their state over here
        self.handover.observe(self._handed_over, "value")
        self.widget = ui.column([self.progress, self.body, self.message, self.nav, self.handover], "wb-app")
        self.closing = closing.attach(self)  # "Het stemmen sluit over 2 minuten" (widgets/ballot/closing.py)
        self.render()

    @classmethod
    def from_environment(cls, **kwargs) -> "BallotApp":
        """The store from the environment: the store service when the resident server runs one, else the database.

        Under ``werkboek workshop`` (``WERKBOEK_STORE_SERVICE`` set) the kernel never imports
        SQLAlchemy; opened elsewhere (JupyterLab, a test) the notebook uses the store itself.
        """
        from werkboek.model.catalogue import catalogue
        from werkboek.store_service.client import store_for_kernel

        return cls(store_for_kernel(), catalogue(), **kwargs)

    def check_code(self, typed: str):
        """The store's code check, throttled for this page and its client's address (werkboek.model.throttle)."""
        from werkboek.settings import CLIENT_ENV

        address = os.environ.get(CLIENT_ENV, "")  # a preheated kernel learns it with the page request
        return self.store.check_code(typed, clients=[self._page_key] + ([f"address:{address}"] if address else []))

    # -- the link -------------------------------------------------------------------------

    def apply_query(self, query_string: str | None) -> None:
        """Take ``code`` and ``lang`` from the page's query string (``?code=K7P-4QX&lang=en``).

        A valid code leaves the code step out: the welcome screen says "Uw code K7P-4QX is goed"
        and "Beginnen" goes on to the buurt. A code that cannot be used ("al gestemd" is usable:
        it replaces the vote) is explained on the welcome screen, and the code step stays, with
        the code filled in to correct.
        """
        params = parse_qs((query_string or "").lstrip("?"))
        lang = (params.get("lang") or [""])[0]
        if lang in LANGUAGES:
            self.lang = lang
        code = (params.get("code") or [""])[0].strip()[:20]
        if code:
            self.code_typed = code
            try:
                checked, self.workshop = self.check_code(code)
            except BallotRejected as exc:
                self.notice, self.notice_kind = rejected(exc, self.lang), "error"
            else:
                reload = self._saved_draft(checked.code) is not None
                self.start_ballot(checked, self.workshop)
                self.flow.skip_code()
                if reload:  # back to the screen the resident was on
                    self._resume_at = self._resume_at or Screen("buurt")
                    self._continue()
                    return
                ok = t("code_ok_link", self.lang, code=checked.code)
                plain = self.notice == t("code_ok", self.lang)
                self.notice = ok if plain else f"{ok} {self.notice}"  # e.g. "… een code voor een tafel"
        self.render()

    def _handed_over(self, change) -> None:
        """What the resident did on the page's HTML screens before the widgets were live.

        ``{"screen": "welkom" | "code", "code": "K7P-4QX", "go": true, "lang": "nl"}``, written by
        werkboek-first.js into :attr:`handover`. Untrusted like every value from the browser: only
        on the welcome screen, once, with the code going through the same throttled check as a
        typed one.
        """
        import json

        raw = change["new"]
        if self._handed or not raw or len(raw) > 300 or self.flow.current.step != "welkom":
            return
        self._handed = True
        try:
            state = json.loads(raw)
        except ValueError:
            return
        if not isinstance(state, dict):
            return
        lang = state.get("lang")
        if lang in LANGUAGES and lang != self.lang:
            self.lang = lang
            self.render()
        code = state.get("code")
        if state.get("screen") == "code" and "code" in self.flow.steps:
            if isinstance(code, str) and code.strip():
                self.code_typed = code.strip()[:20]
            self.flow.go("code")
            self.render()
            if state.get("go") is True:
                self.next()
        elif state.get("go") is True:
            self.next()

    # -- moving between screens -----------------------------------------------------------

    def on_this_screen(self, handler):
        """``handler`` for a button of the screen shown now; a tap that arrives after the screen
        changed is dropped.

        A double tap on "Verder" sends two clicks before the first has been answered; the kernel
        handles them one after the other, and the second would move on from the *next* screen
        (a leefgebied skipped). An ipywidgets click carries no data, so the button itself is the
        screen it came from: each screen gets new navigation buttons (:meth:`_new_nav`), and a
        click from an older one is ignored here.
        """
        shown_with = self.shown

        def guarded(*args):
            if self.shown == shown_with:
                handler(*args)
        return guarded

    def _new_nav(self) -> None:
        """Fresh "Terug"/"Verder" buttons for the screen in :attr:`step`, fully set up before shown.

        They go to the page before the screen's content changes, so a tap on what reads as the
        new screen is never a tap on the old screen's button (which would be ignored)."""
        old = [b for b in (self.back_button, self.next_button) if b is not None]
        self.back_button = ui.button(t("back", self.lang), "secondary", hidden=not self.step.show_back)
        self.next_button = ui.button(t(self.step.next_key or "next", self.lang), "primary",
                                     hidden=not self.step.next_key)
        self.back_button.on_click(self.on_this_screen(lambda _b: self.back()))
        self.next_button.on_click(self.on_this_screen(lambda _b: self.next()))
        self.nav.children = [self.back_button, self.next_button]
        for button in old:
            button.close()  # its view leaves the page; a click still on its way finds no widget

    def render(self) -> None:
        self.shown += 1
        screen = self.flow.current
        self.step = step_class(screen.step)(self, screen)
        self._new_nav()
        number, total = self.flow.number(screen), self.flow.total_steps
        self.progress.value = (
            f'<p class="wb-progress-text">{ui.escape(t("step_of", self.lang, n=number, total=total))}</p>'
            f'<progress max="{total}" value="{number}" aria-hidden="true"></progress>'
            if screen.step != "bedankt" else ""
        )
        self.body.children = [self.step.widget]
        ui.set_status(self.message, self.notice, self.notice_kind)
        self.notice, self.notice_kind = "", "info"
        for lang in LANGUAGES:  # werkboek.js sets the page's lang attribute from this
            (self.widget.add_class if lang == self.lang else self.widget.remove_class)(f"wb-lang-{lang}")

    def next(self) -> None:
        self.next_button.disabled = True
        sending = self.flow.current.step == "controle"
        if sending:
            # goes to the page at once, while the kernel waits for the store (a lock, a busy disk)
            ui.set_status(self.message, t("sending", self.lang))
            self.next_button.description = t("sending", self.lang)
        try:
            problem = self.step.leave()
        except Exception:  # noqa: BLE001 - never a silent dead end: the draft is kept, the resident is told
            import logging

            logging.getLogger("werkboek.ballot").exception("a step could not be left")
            problem = t("error_generic", self.lang)
        finally:
            self.next_button.disabled = False
            if sending and self.step.next_key:
                self.next_button.description = t(self.step.next_key, self.lang)
        if problem:
            ui.set_status(self.message, problem, "error")
            return
        self._continue()

    def _continue(self) -> None:
        """One screen on, or to the saved screen of a restored draft."""
        if self._resume_at is not None:
            screen, self._resume_at = self._resume_at, None
            self.flow.go(screen.step, screen.leefgebied)
        else:
            self.flow.next()
        self.render()
        self._moved()

    def back(self) -> None:
        self.flow.back()
        self.render()
        self._moved()

    # -- the draft ------------------------------------------------------------------------

    def draft_changed(self) -> None:
        """Called by the steps after every change to the ballot (cheap: writes are throttled)."""
        if self.saver is not None:
            self.saver.changed()

    def _moved(self) -> None:
        if self.saver is None:
            return
        if self.flow.current.step == "bedankt":
            self.saver.forget()  # submitted: the store has deleted the draft
        else:
            self.saver.changed()  # the screen is part of the draft
            self.saver.flush()

    def _saved_draft(self, code: str):
        try:
            return self.store.load_draft(code)
        except Exception:  # noqa: BLE001 - no draft is better than no ballot
            return None

    def _new_saver(self) -> DraftSaver:
        return DraftSaver(self.store, self.draft.code,
                          lambda: to_payload(self.draft, self.flow.current, self.lang))

    def switch_language(self) -> None:
        self.lang = "en" if self.lang == "nl" else "nl"
        self.render()

    # -- called by the steps --------------------------------------------------------------

    def start_ballot(self, code, workshop) -> None:
        """A valid code: start a fresh ballot (or keep the current one for the same code)."""
        self.workshop = workshop
        notes = []
        if self.draft is None or self.draft.code != code.code:
            saved = self._saved_draft(code.code)
            self.draft, self._resume_at = restore(saved, workshop, self.catalogue, code.code, code.kind)
            self.flow.set_leefgebieden(self.draft.leefgebieden)
            self.saver = self._new_saver()
            self.receipt = None
            if saved is not None and (self._resume_at is not None or not self.draft.is_empty):
                notes.append(t("draft_resumed", self.lang))

        if workshop.voting_round > 1:
            notes.append(t("code_round", self.lang, n=workshop.voting_round))
        if code.kind == "group":
            notes.append(t("code_group", self.lang))
        if self.store.has_ballot(code.code):
            notes.append(t("code_used", self.lang))
        self.notice = " ".join(notes) or t("code_ok", self.lang)

    def change_vote(self) -> None:
        self.saver = self._new_saver()  # a changed vote is a new draft until it is sent
        lgs = self.draft.leefgebieden
        if lgs:
            self.flow.go("stemmen", lgs[0])
        else:
            self.flow.go("opmerking")
        self.render()
