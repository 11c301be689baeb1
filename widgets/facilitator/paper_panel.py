"""Paper ballots: print them, and type them in, keyboard first.

*Printing*: one A4 page per code that was never printed before (not on a slip, not on an
earlier paper ballot): :func:`werkboek.outputs.paperballot.paper_ballots_html`.

*Entry*: a volunteer types the code of a paper, then what is written in each box (one field
per actie, in the paper's order; Tab goes to the next field), and Enter in any field saves.
The store checks the paper exactly as it checks a phone (:meth:`werkboek.store.Store.submit`,
channel ``papier``): a used, voided or unknown code is refused with a Dutch message and
nothing is stored. After a save the form is empty and the code field has the focus again.

All store access goes through the Store API (no SQL here).
"""

from __future__ import annotations

import datetime as dt
from html import escape

import ipywidgets as w
import traitlets as t

from werkboek.dutch import local_time
from werkboek.errors import BallotRejected, WerkboekError
from werkboek.model import codes as codegen
from werkboek.model.ballot import BallotSubmission
from werkboek.model.records import PAPER
from werkboek.outputs.paperballot import ballot_sections, paper_ballots_html
from werkboek_widgets.facilitator.downloads import download_link

WIDE = {"description_width": "initial"}
BOX_WIDTH = "70px"
TYPE_HINT = {"number": "Typ het getal uit het vak.", "tick": "Typ x bij een kruisje.",
             "rank": "Typ het getal uit het vak (1, 2, 3)."}


def _alert(text: str) -> str:
    return f"<p class='wb-error' role='alert' data-testid='paper-refused'>{escape(text)}</p>"


def papers_entered(n: int) -> str:
    return "1 papieren stembiljet ingevoerd" if n == 1 else f"{n} papieren stembiljetten ingevoerd"


class PaperPanel(w.VBox):
    """Print paper ballots for the chosen workshop and type the filled-in papers in."""

    workshop_id = t.Int(None, allow_none=True)

    def __init__(self, store, catalogue, **kwargs):
        self.store = store
        self.catalogue = catalogue
        self._workshop = None
        self._method = None
        # printing
        self.how_many = w.IntText(value=0, description="Hoeveel papieren stembiljetten wilt u printen?",
                                  style=WIDE, layout=w.Layout(width="520px"))
        self.print_button = w.Button(description="Print papieren stembiljetten", icon="print",
                                     layout=w.Layout(width="320px", height="48px"))
        self.print_button.on_click(self._print)
        self.print_note = w.HTML()
        self.link = w.HTML()
        # entry
        self.code = w.Text(description="Code", placeholder="bijv. K7P-4QX", style=WIDE,
                           layout=w.Layout(width="300px"))
        self.code.add_class("wb-paper-code")
        self.group_size = w.Text(description="Met hoeveel mensen aan tafel?", style=WIDE,
                                 layout=w.Layout(width="340px", display="none"))
        self.code.observe(self._code_typed, "value")
        self.fields: dict[str, w.Text] = {}
        self.form = w.VBox()
        self.save_button = w.Button(description="Opslaan (Enter)", button_style="primary", icon="check",
                                    layout=w.Layout(width="220px", height="48px"))
        self.save_button.on_click(self.save)
        self.clear_button = w.Button(description="Leegmaken", icon="eraser",
                                     tooltip="Alles leegmaken voor het volgende papier (niets opslaan)",
                                     layout=w.Layout(width="180px", height="48px"))
        self.clear_button.on_click(self._start_over)
        self.message = w.HTML()
        self.counter = w.HTML()
        for field in (self.code, self.group_size):
            field.on_msg(self._on_key)
        super().__init__([
            w.HTML("<h2>Papieren stembiljetten</h2><p>Voor bewoners die niet op een telefoon stemmen. "
                   "Elk papier heeft een eigen code en telt één keer, net als een stem op de telefoon.</p>"),
            w.HTML("<h3>Printen</h3><p>Alleen codes die nog niet geprint zijn komen op papier. "
                   "Heeft u te weinig codes? Maak er eerst meer bij 2. Codes.</p>"),
            self.how_many, self.print_button, self.print_note, self.link,
            w.HTML("<h3>Invoeren</h3><p>Typ de code van het papier. Typ dan bij elke actie wat er in het vak "
                   "staat. Met Tab gaat u naar het volgende vak. Met Enter slaat u het papier op. "
                   "Voer de papieren in voordat u het stemmen sluit.</p>"),
            # the answer to the last paper stands above the code field, where the eyes and the focus go
            self.counter, self.message, self.code, self.group_size, self.form,
            w.HBox([self.save_button, self.clear_button]),
        ], **kwargs)
        self.add_class("wb-paper-panel")

    # -- showing --------------------------------------------------------------------------

    @t.observe("workshop_id")
    def _changed(self, _change=None) -> None:
        self.link.value = self.message.value = ""
        self.show()

    def show(self) -> None:
        """Reload the workshop: the boxes of its ballot, what is left to print, how many papers are in."""
        if self.workshop_id is None:
            self._workshop = self._method = None
            self.fields = {}
            self.form.children = []
            self.print_note.value = "<p>Kies of maak eerst een bijeenkomst.</p>"
            self.counter.value = ""
            self.print_button.disabled = self.save_button.disabled = True
            return
        ws = self.store.workshop(self.workshop_id)
        if self._workshop is None or self._workshop.id != ws.id or self._workshop.acties != ws.acties \
                or self._workshop.method_params != ws.method_params or self._workshop.method != ws.method:
            self._build_form(ws)
        self._workshop = ws
        unprinted = len(self.store.unprinted_codes(ws.id))
        self.print_button.disabled = not unprinted
        self.print_button.description = (f"Print papieren stembiljetten ({unprinted})" if unprinted
                                         else "Geen nieuwe codes om te printen")
        if unprinted and not 0 < (self.how_many.value or 0) <= unprinted:
            self.how_many.value = unprinted
        self.print_note.value = (f"<p data-testid='paper-unprinted'>{unprinted} codes zijn nog niet geprint.</p>"
                                 if unprinted != 1 else "<p data-testid='paper-unprinted'>1 code is nog niet "
                                                        "geprint.</p>")
        self.save_button.disabled = False
        self._count()

    def _count(self) -> None:
        n = self.store.count_by_channel(self.workshop_id)[PAPER]
        self.entered = n
        self.counter.value = f"<p class='wb-ok' data-testid='paper-count'>{papers_entered(n)}</p>"

    def _build_form(self, ws) -> None:
        self._method = ws.voting_method()
        self.fields = {}
        rows = [w.HTML(f"<p class='wb-note'>{escape(TYPE_HINT[self._method.paper_box])} "
                       "Laat een vak leeg als er niets staat.</p>")]
        for section in ballot_sections(ws, self.catalogue):
            rows.append(w.HTML(f"<h4>{escape(section['naam'])}</h4>"))
            for actie in section["acties"]:
                field = w.Text(layout=w.Layout(width=BOX_WIDTH))
                field.on_msg(self._on_key)
                self.fields[actie.id] = field
                rows.append(w.HBox([field, w.HTML(f"<span>{escape(actie.titel)}</span>")],
                                   layout=w.Layout(align_items="center")))
        self.form.children = rows

    def _code_typed(self, change) -> None:
        value = codegen.normalise(change["new"])
        found = self.store.lookup_code(value) if value else None
        group = found is not None and found.kind == "group" and found.workshop_id == self.workshop_id
        self.group_size.layout.display = None if group else "none"
        if not group:
            self.group_size.value = ""

    # -- printing -------------------------------------------------------------------------

    def _print(self, _button=None) -> None:
        if self.workshop_id is None:
            return
        ws = self.store.workshop(self.workshop_id)
        new = self.store.unprinted_codes(ws.id)
        if not new:
            self.link.value = "<p>Alle codes zijn al geprint. Maak nieuwe codes bij 2. Codes.</p>"
            return
        n = self.how_many.value
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            self.link.value = _alert(f"Vul in hoeveel papieren stembiljetten u wilt printen: 1 tot {len(new)}.")
            return
        chosen = new[:n]
        page = paper_ballots_html(ws, chosen, self.catalogue)
        self.store.mark_printed(chosen)
        stamp = local_time(dt.datetime.now(dt.timezone.utc)).strftime("%H%M")
        name = f"papieren-stembiljetten-bijeenkomst-{ws.id}-{stamp}.html"
        what = "1 stembiljet" if len(chosen) == 1 else f"{len(chosen)} stembiljetten"
        short = (f" U vroeg er {n}, er waren {len(new)} nieuwe codes." if n > len(new) else "")
        self.link.value = (download_link(page.encode("utf-8"), name, "text/html",
                                         f"Papieren stembiljetten openen: {what} (HTML, A4)")
                           + f"<p>Open het bestand en kies Afdrukken. Elke pagina is één stembiljet.{short}</p>")
        self.show()

    # -- entry ----------------------------------------------------------------------------

    def _on_key(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("event") == "submit":  # Enter in a text field
            self.save()

    def save(self, _button=None) -> bool:
        """Store the paper in the form; True when it was stored (the form is then empty again)."""
        if self.workshop_id is None or self._method is None:
            return False
        typed = self.code.value.strip()
        if not typed:
            return self._refuse("Vul eerst de code van het papier in.")  # (nothing typed yet)
        value = codegen.normalise(typed)
        found = self.store.lookup_code(value) if value else None
        if found is None:
            return self._refuse(f"De code {typed} kennen we niet. Kijk nog eens goed op het papier. "
                                "Er is niets opgeslagen.")
        if found.workshop_id != self.workshop_id:
            return self._refuse(f"De code {found.code} hoort bij een andere bijeenkomst. Er is niets opgeslagen.")
        choices = {}
        for actie_id, field in self.fields.items():
            try:
                read = self._method.read_paper(field.value)
            except ValueError as exc:
                titel = self.catalogue.acties[actie_id].titel
                return self._refuse(f"Bij '{titel}': {exc}", focus=field)
            if read is not None:
                choices[actie_id] = read
        group_size = None
        if found.kind == "group":
            size = self.group_size.value.strip()
            if not size.isdigit():
                return self._refuse("Vul in met hoeveel mensen de tafel samen stemde.", focus=self.group_size)
            group_size = int(size)
        try:
            receipt = self.store.submit(BallotSubmission(code=found.code, choices=choices, group_size=group_size),
                                        channel=PAPER)
        except BallotRejected as exc:
            code_problem = exc.reason in ("code_unknown", "code_void", "code_used", "code_used_on_paper")
            return self._refuse(f"Code {found.code}: {exc} Er is niets opgeslagen." if code_problem
                                else f"{exc} Er is niets opgeslagen.",
                                focus=self.code if code_problem else None)
        except WerkboekError as exc:
            return self._refuse(f"{exc} Er is niets opgeslagen.")
        self._clear()
        self._count()
        # what was stored, to check against the paper at a glance (a lost keystroke shows here)
        stored = ", ".join(f"{self.catalogue.acties[a].titel}: {self._method.value_label(v)}"
                           for a, v in choices.items())
        self.message.value = (f"<p class='wb-ok' data-testid='paper-saved'>Opgeslagen: code {receipt.code}. "
                              "Typ nu de code van het volgende papier.</p>"
                              f"<p class='wb-note' data-testid='paper-stored'>Opgeslagen keuzes: "
                              f"{escape(stored) or 'geen'}.</p>")
        return True

    def _refuse(self, text: str, focus=None) -> bool:
        if "niets opgeslagen" not in text:
            text += " Er is niets opgeslagen."
        self.message.value = _alert(text)
        (focus or self.code).focus()
        return False

    def _start_over(self, _button=None) -> None:
        """A refused paper is put aside: empty the form for the next one, store nothing."""
        self._clear()
        self.message.value = "<p class='wb-note'>Leeg gemaakt. Er is niets opgeslagen. Typ de code van het " \
                             "volgende papier.</p>"

    def _clear(self) -> None:
        for field in self.fields.values():
            field.value = ""
        self.group_size.value = ""
        self.code.value = ""
        self.code.focus()

    # -- for the benchmark and the closing note -------------------------------------------

    def keystrokes(self, code: str, choices: dict[str, str], group_size: str = "") -> int:
        """Keys a volunteer presses for one paper: the code, Tab from field to field up to the last
        box with something in it, what is in the boxes, and Enter."""
        keys = len(code) + 1  # the code, then Tab to the next field
        if group_size:
            keys += len(group_size) + 1
        order = list(self.fields)
        filled = [order.index(a) for a in choices if choices[a]]
        if filled:
            keys += max(filled)  # Tabs from the first box to the last one used
            keys += sum(len(v) for v in choices.values())
        return keys + 1  # Enter
