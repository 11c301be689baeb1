"""Stemcodes: make N codes, list them with their status, print only new ones, void a lost slip.

Status per code (:func:`werkboek.model.codes.code_status`): *ongebruikt*, *bezig* (a ballot
started: a draft in the store), *gestemd*, *ongeldig* (voided). A voided code cannot vote;
a ballot it already sent keeps counting until the facilitator clicks "Telt niet meer mee"
(:meth:`werkboek.store.Store.stop_counting`); it stays in the store for the audit.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from html import escape

import ipywidgets as w
import traitlets as t

from werkboek import settings
from werkboek.dutch import local_time
from werkboek.errors import WerkboekError
from werkboek.model import codes as codegen
from werkboek.outputs.codesheet import code_sheet_html
from werkboek_widgets.facilitator.downloads import download_link

WIDE = {"description_width": "initial"}  # the whole question, never "Hoeveel nieuwe codes voor …"
MAX_GROUP_CODES = 100
STATUS_TEXT = {codegen.UNUSED: "ongebruikt", codegen.BUSY: "bezig", codegen.VOTED: "gestemd",
               codegen.VOID: "ongeldig"}


def resident_base_url() -> str:
    """The resident app's address, as set by ``werkboek workshop`` (or this laptop's own)."""
    url = settings.get(settings.RESIDENT_URL_ENV)
    if url:
        return url
    from werkboek.network import lan_ip, resident_url

    return resident_url(lan_ip(), settings.SERVING.resident_port)


def resident_name_url() -> str | None:
    """The residents' app by name (``http://stemmen.local:8866/``) when ``werkboek workshop`` announced it."""
    return settings.get(settings.RESIDENT_NAME_URL_ENV) or None


def field_error(text: str) -> str:
    return f"<p class='wb-error wb-field-error' role='alert'>{escape(text)}</p>" if text else ""


def check_count(value, high: int, *, what: str) -> str:
    """'' when ``value`` is a whole number from 0 to ``high``; else what to do, in plain Dutch."""
    if value is None or isinstance(value, bool) or not isinstance(value, int):
        return f"Vul een heel getal in bij {what}."
    if value < 0:
        return f"Vul bij {what} 0 of meer in."
    if value > high:
        return f"Hoogstens {high} {what} tegelijk. Klik nog eens als u er meer nodig heeft."
    return ""


class CodesPanel(w.VBox):
    workshop_id = t.Int(None, allow_none=True)

    def __init__(self, store, **kwargs):
        self.store = store
        self.individual = w.IntText(value=0, description="Hoeveel nieuwe codes voor één persoon?", style=WIDE,
                                    layout=w.Layout(width="460px"))
        self.individual_error = w.HTML()
        self.groups = w.IntText(value=0, description="Hoeveel nieuwe codes voor een tafel?", style=WIDE,
                                layout=w.Layout(width="460px"))
        self.groups_error = w.HTML()
        self.make = w.Button(description="Maak codes", button_style="primary", icon="plus",
                             layout=w.Layout(width="220px", height="48px"))
        self.sheet = w.Button(description="Print nieuwe codes", icon="print", layout=w.Layout(width="260px",
                                                                                             height="48px"))
        self.summary = w.HTML()
        self.link = w.HTML()
        self.table = w.HTML(layout=w.Layout(max_height="360px", overflow="auto"))
        self.void_code = w.Text(description="Code van een verloren briefje", placeholder="bijv. K7P-4QX",
                                style=WIDE, layout=w.Layout(width="460px"))
        self.void_button = w.Button(description="Maak ongeldig", button_style="danger", icon="ban",
                                    layout=w.Layout(width="220px", height="48px"))
        self.exclude_button = w.Button(description="Telt niet meer mee", icon="minus-circle",
                                       layout=w.Layout(width="260px", height="48px", display="none"))
        self.void_message = w.HTML()
        self._confirm_void: str | None = None
        self._confirm_exclude: str | None = None
        self.make.on_click(self._make)
        self.sheet.on_click(self._sheet)
        self.void_button.on_click(self._void)
        self.exclude_button.on_click(self._exclude)
        self.void_code.observe(self._void_typed, "value")
        super().__init__([
            w.HTML("<h2>Stemcodes</h2><p>Elke bewoner krijgt een eigen code op een briefje. "
                   "Een tafel die samen stemt krijgt een groepscode.</p>"),
            self.individual, self.individual_error, self.groups, self.groups_error,
            w.HBox([self.make, self.sheet], layout=w.Layout(flex_flow="row wrap")), self.summary, self.link,
            w.HTML("<h3>Alle codes</h3>"), self.table,
            w.HTML("<h3>Briefje kwijt?</h3><p>Maak de code ongeldig. Dan kan niemand er meer mee stemmen.</p>"),
            w.HBox([self.void_code, self.void_button, self.exclude_button], layout=w.Layout(flex_flow="row wrap")),
            self.void_message,
        ], **kwargs)
        self.add_class("wb-codes-panel")

    # -- showing --------------------------------------------------------------------------

    @t.observe("workshop_id")
    def _changed(self, _change=None) -> None:
        self.link.value = self.void_message.value = ""
        self.individual_error.value = self.groups_error.value = ""
        self._reset_void()
        self.show()

    def show(self) -> None:
        if self.workshop_id is None:
            self.summary.value = "<p>Kies of maak eerst een bijeenkomst.</p>"
            self.table.value = ""
            self.make.disabled = self.sheet.disabled = self.void_button.disabled = True
            return
        states = self.store.code_states(self.workshop_id)
        self.states = states
        counts = Counter(c.status for c in states)
        n_groups = sum(c.kind == "group" for c in states)
        unprinted = sum(1 for c in states if not c.printed and c.status != codegen.VOID)
        self.make.disabled = self.void_button.disabled = False
        self.sheet.disabled = not unprinted
        self.sheet.description = f"Print nieuwe codes ({unprinted})" if unprinted else "Alle codes zijn geprint"
        parts = ", ".join(f"<span data-testid='codes-{status}'>{counts.get(status, 0)}</span> {label}"
                          for status, label in STATUS_TEXT.items())
        self.summary.value = (f"<p data-testid='codes'>{len(states) - n_groups} persoonlijke codes en "
                              f"{n_groups} groepscodes: {parts}.</p>")
        self.table.value = _codes_table(states)

    # -- making and printing --------------------------------------------------------------

    def _make(self, _button=None) -> None:
        problem_one = check_count(self.individual.value, codegen.MAX_NEW_CODES, what="codes voor één persoon")
        problem_group = check_count(self.groups.value, MAX_GROUP_CODES, what="codes voor een tafel")
        if not problem_one and not problem_group and not self.individual.value and not self.groups.value:
            problem_one = "Vul in hoeveel codes u nodig heeft, bijvoorbeeld 40."
        self.individual_error.value = field_error(problem_one)
        self.groups_error.value = field_error(problem_group)
        if problem_one or problem_group:
            return
        made = 0
        if self.individual.value:
            made += len(self.store.create_codes(self.workshop_id, self.individual.value))
        if self.groups.value:
            made += len(self.store.create_codes(self.workshop_id, self.groups.value, kind="group"))
        self.individual.value = self.groups.value = 0
        what = "1 nieuwe code" if made == 1 else f"{made} nieuwe codes"
        self.link.value = f"<p class='wb-ok'>{what} gemaakt. Print ze met 'Print nieuwe codes'.</p>"
        self.show()

    def _sheet(self, _button=None) -> None:
        ws = self.store.workshop(self.workshop_id)
        new = self.store.unprinted_codes(ws.id)
        if not new:
            self.link.value = "<p>Alle codes zijn al geprint.</p>"
            return
        page = code_sheet_html(ws, new, resident_base_url(), name_url=resident_name_url())
        self.store.mark_printed(new)
        stamp = local_time(dt.datetime.now(dt.timezone.utc)).strftime("%H%M")
        name = f"stemcodes-bijeenkomst-{ws.id}-{stamp}.html"
        self.link.value = (download_link(page.encode("utf-8"), name, "text/html",
                                         f"Printvel openen: {len(new)} nieuwe codes (HTML, A4)")
                           + "<p>Open het bestand en kies Afdrukken. Knip de briefjes langs de stippellijnen. "
                             "Codes die al geprint waren staan er niet op.</p>")
        self.show()

    # -- voiding --------------------------------------------------------------------------

    def _reset_void(self) -> None:
        self._confirm_void = self._confirm_exclude = None
        self.void_button.description = "Maak ongeldig"
        self.exclude_button.description = "Telt niet meer mee"
        self.exclude_button.layout.display = "none"

    def _void_typed(self, _change) -> None:
        if self._confirm_void or self._confirm_exclude:
            self._reset_void()
            self.void_message.value = ""

    def _find(self):
        typed = self.void_code.value.strip()
        value = codegen.normalise(typed)
        state = next((c for c in self.store.code_states(self.workshop_id) if c.code == value), None)
        if not typed:
            return None, "Vul de code van het verloren briefje in."
        if state is None:
            return None, f"De code {typed} hoort niet bij deze bijeenkomst. Kijk of u de code goed heeft overgenomen."
        return state, ""

    def _void(self, _button=None) -> None:
        state, problem = self._find()
        if problem:
            self.void_message.value = field_error(problem)
            return
        if state.status == codegen.VOID:
            self._offer_exclude(state, f"De code {state.code} is al ongeldig.")
            return
        if self._confirm_void != state.code:
            self._confirm_void = state.code
            self.void_button.description = "Klik nog eens: ongeldig maken"
            self.void_message.value = (f"<p class='wb-warn'>Met code {state.code} kan daarna niemand meer stemmen. "
                                       "Weet u het zeker?</p>")
            return
        self._reset_void()
        try:
            state = self.store.void_code(state.code)
        except WerkboekError as exc:
            self.void_message.value = field_error(str(exc))
            return
        self._offer_exclude(state, f"De code {state.code} is nu ongeldig. Niemand kan er meer mee stemmen.")
        self.show()

    def _offer_exclude(self, state, first: str) -> None:
        if state.has_ballot and not state.excluded:
            self.exclude_button.layout.display = None
            self.void_message.value = (
                f"<p class='wb-ok'>{escape(first)}</p><p class='wb-warn' data-testid='void-ballot'>Met deze code is "
                "al gestemd. Die stem telt nog mee in de uitslag. Hoort die stem er niet bij? Klik dan op "
                "'Telt niet meer mee'. De stem blijft bewaard, maar telt niet meer.</p>")
        elif state.excluded:
            self.void_message.value = (f"<p class='wb-ok'>{escape(first)} De stem van deze code telt niet "
                                       "meer mee.</p>")
        else:
            self.void_message.value = f"<p class='wb-ok'>{escape(first)}</p>"

    def _exclude(self, _button=None) -> None:
        state, problem = self._find()
        if problem:
            self.void_message.value = field_error(problem)
            return
        if self._confirm_exclude != state.code:
            self._confirm_exclude = state.code
            self.exclude_button.description = "Klik nog eens: telt niet mee"
            self.void_message.value = (f"<p class='wb-warn'>De stem van code {state.code} gaat uit de uitslag en "
                                       "uit de exports. Dit kan niet terug. Weet u het zeker?</p>")
            return
        self._reset_void()
        try:
            self.store.stop_counting(state.code)
        except WerkboekError as exc:
            self.void_message.value = field_error(str(exc))
            return
        self.void_message.value = (f"<p class='wb-ok' data-testid='excluded'>De stem van code {state.code} telt "
                                   "niet meer mee. Hij blijft bewaard voor de controle achteraf.</p>")
        self.show()


def _codes_table(states) -> str:
    if not states:
        return "<p>Nog geen codes. Vul hierboven in hoeveel u er nodig heeft.</p>"
    rows = []
    for c in states:
        kind = escape(c.label or "Tafel") if c.kind == "group" else "één persoon"
        printed = local_time(c.printed_at).strftime("%H:%M") if c.printed_at else "nog niet"
        status = STATUS_TEXT[c.status] + (" · stem telt niet mee" if c.excluded else "")
        rows.append(f"<tr data-code='{c.code}' data-status='{c.status}'><td class='wb-code'>{c.code}</td>"
                    f"<td>{kind}</td><td>{status}</td><td>{printed}</td></tr>")
    return ("<table class='wb-table wb-codes'><thead><tr><th>Code</th><th>Voor</th><th>Status</th>"
            f"<th>Geprint</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")
