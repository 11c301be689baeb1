"""Record or change a decision, add a progress update, see an actie's timeline — one actie at a time.

Every value typed here is checked by the store (``Programme.decide`` / ``add_progress``,
through ``werkboek.model.programme``); this screen only turns text into values with the same
readers a spreadsheet import uses, and shows the Dutch message of any problem.
"""

from __future__ import annotations

import json
import tempfile
from html import escape
from pathlib import Path
from types import SimpleNamespace

import ipywidgets as w

from werkboek.dutch import date_nl, datetime_nl, euros
from werkboek.errors import WerkboekError
from werkboek.model.programme import (
    DECISION_LABELS,
    DECISIONS,
    GEKOZEN,
    PROGRESS_STATUSES,
    new_decision,
    new_progress,
    parse_euros,
)

_LAYOUT = w.Layout(width="32em")
MAX_UPLOAD_BYTES = 5_000_000  # a progress sheet of a few hundred rows is ~50 kB


class ProgrammeApp(w.VBox):
    """Choose an actie at the top; below, its decision, a progress update and its timeline."""

    def __init__(self, programme, catalogue, *, results_dir: Path | str | None = None, **kwargs):
        from werkboek import settings

        super().__init__(**kwargs)
        self.programme = programme
        self.catalogue = catalogue
        self.results_dir = Path(results_dir) if results_dir else settings.home_dir() / "results"
        self.add_class("wb-console")
        self.add_class("wb-programme")
        self.by = w.Text(description="Uw naam", layout=_LAYOUT)
        self.actie = w.Dropdown(description="Actie", layout=w.Layout(width="48em"))
        # decision
        self.besluit = w.ToggleButtons(options=[(DECISION_LABELS[d], d) for d in DECISIONS], value=GEKOZEN,
                                       description="Besluit")
        self.reden = w.Textarea(description="Waarom", placeholder="Kort en in gewone woorden: bewoners lezen dit",
                                layout=w.Layout(width="48em", height="5em"))
        self.budget = w.Text(description="Budget (€)", layout=_LAYOUT)
        self.jaar = w.Text(description="Startjaar", layout=_LAYOUT)
        self.partners = w.SelectMultiple(description="Partners", options=[
            (p.naam, p.id) for p in catalogue.partners.values()], rows=6, layout=_LAYOUT)
        self.workshops = w.Text(description="Workshops", placeholder="bijvoorbeeld 1; 3", layout=_LAYOUT)
        self.save_decision = w.Button(description="Besluit opslaan", button_style="primary")
        self.decision_message = w.HTML()
        # progress
        self.datum = w.Text(description="Datum", placeholder="bijvoorbeeld 3-3-2026", layout=_LAYOUT)
        self.status = w.Dropdown(description="Status", options=list(PROGRESS_STATUSES), layout=_LAYOUT)
        self.percentage = w.Text(description="Procent klaar", layout=_LAYOUT)
        self.uitgegeven = w.Text(description="Uitgegeven tot nu (€)", layout=_LAYOUT,
                                 style={"description_width": "initial"})
        self.tekst = w.Textarea(description="Wat is er gebeurd", layout=w.Layout(width="48em", height="4em"),
                                style={"description_width": "initial"})
        self.foto = w.Text(description="Foto (bestand)", layout=_LAYOUT)
        self.save_progress = w.Button(description="Voortgang toevoegen", button_style="primary")
        self.progress_message = w.HTML()
        self.timeline = w.HTML()
        # a scenario's outcome (only the ones `werkboek scenarios run` wrote: chosen from a list, no path typed)
        self.scenario = w.Dropdown(description="Scenario", layout=w.Layout(width="48em"))
        self.adopt = w.Button(description="Neem dit scenario over", button_style="primary",
                              layout=w.Layout(width="auto"))
        self.adopt_message = w.HTML()
        self.upload = w.FileUpload(accept=".csv,.xlsx", multiple=False, description="Kies bestand")
        self.do_import = w.Button(description="Voortgang inlezen", button_style="primary")
        self.import_message = w.HTML()
        self.adopt.on_click(lambda _b: self._adopt())
        self.do_import.on_click(lambda _b: self._import())
        self.save_decision.on_click(lambda _b: self._save_decision())
        self.save_progress.on_click(lambda _b: self._save_progress())
        self.actie.observe(lambda _c: self.show(), names="value")
        self.children = [
            w.HTML("<h1>Programmabureau: besluiten en voortgang</h1>"), self.by, self.actie,
            w.HTML("<h2>Besluit</h2>"), self.besluit, self.reden, self.budget, self.jaar, self.partners,
            self.workshops, self.save_decision, self.decision_message,
            w.HTML("<h2>Voortgang</h2>"), self.datum, self.status, self.percentage, self.uitgegeven, self.tekst,
            self.foto, self.save_progress, self.progress_message,
            w.HTML("<h2>Tijdlijn</h2>"), self.timeline,
            w.HTML("<h2>Een scenario overnemen</h2><p>Elke actie van het scenario krijgt een besluit: gekozen of "
                   "niet nu. Daarna kunt u elk besluit hierboven aanpassen.</p>"), self.scenario, self.adopt,
            self.adopt_message,
            w.HTML("<h2>Voortgang uit een spreadsheet</h2><p>Kolommen: actie, datum, status, percentage, "
                   "uitgegeven, en eventueel tekst en foto. Alles of niets: bij een fout wordt niets ingelezen."
                   "</p>"), self.upload, self.do_import, self.import_message,
        ]
        self._fill_scenarios()
        self._fill_acties()
        self.show()

    # -- reading the store --------------------------------------------------------------------

    def _fill_acties(self) -> None:
        current = self.programme.decisions()
        keep = self.actie.value
        options = []
        for a in self.catalogue.acties.values():
            d = current.get(a.id)
            options.append((f"{a.titel} ({d.label if d else 'nog geen besluit'})", a.id))
        self.actie.options = options
        if keep in dict((v, k) for k, v in options):
            self.actie.value = keep

    def show(self) -> None:
        """The form filled with the actie's current decision; its timeline below."""
        actie_id = self.actie.value
        if actie_id is None:
            return
        d = self.programme.decision(actie_id)
        actie = self.catalogue.acties[actie_id]
        if d is None:
            self.besluit.value, self.reden.value = GEKOZEN, ""
            self.budget.value, self.jaar.value = str(actie.kosten), ""
            self.partners.value = tuple(p for p, _ in actie.investeerders if p in self.catalogue.partners)
            self.workshops.value = ""
        else:
            self.besluit.value, self.reden.value = d.besluit, d.reden
            self.budget.value = "" if d.budget is None else str(d.budget)
            self.jaar.value = "" if d.jaar is None else str(d.jaar)
            self.partners.value = tuple(p for p in d.partners if p in self.catalogue.partners)
            self.workshops.value = "; ".join(str(x) for x in d.workshops)
        self.save_progress.disabled = d is None or d.besluit != GEKOZEN
        self.progress_message.value = "" if not self.save_progress.disabled else (
            "<p class='wb-note'>Voortgang kan alleen bij een gekozen actie.</p>")
        self.timeline.value = self._timeline_html(actie_id)

    def _timeline_html(self, actie_id: str) -> str:
        items = [(d.changed_at, f"<strong>Besluit (versie {d.version}): {escape(d.label)}</strong> — "
                                f"{escape(d.reden)}"
                                + (f" Budget {escape(euros(d.budget))}." if d.budget is not None else "")
                                + (f" Start {d.jaar}." if d.jaar else "")
                                + f" <span class='wb-who'>({escape(d.changed_by)}, {escape(datetime_nl(d.changed_at))})"
                                  "</span>", "besluit")
                 for d in self.programme.history(actie_id)]
        lines = [f"<li class='wb-decision'>{text}</li>" for _when, text, _k in items]
        for u in self.programme.timeline(actie_id):
            photo = f" Foto: {escape(u.foto)}." if u.foto else ""
            lines.append(f"<li class='wb-progress'><strong>{escape(date_nl(u.datum, weekday=False))}: "
                         f"{escape(u.status)}, {u.percentage}% klaar</strong>, {escape(euros(u.uitgegeven))} "
                         f"uitgegeven. {escape(u.tekst)}{photo} <span class='wb-who'>({escape(u.entered_by)})</span>"
                         "</li>")
        if not lines:
            return "<p class='wb-empty'>Nog geen besluit en geen voortgang.</p>"
        return "<ul class='wb-timeline'>" + "".join(lines) + "</ul>"

    # -- writing -------------------------------------------------------------------------------

    def _save_decision(self) -> None:
        try:
            budget = parse_euros(self.budget.value) if self.budget.value.strip() else None
            jaar = self._int(self.jaar.value, "Startjaar")
            workshops = [self._int(x, "Workshops") for x in self.workshops.value.replace(",", ";").split(";")
                         if x.strip()]
            d = self.programme.decide(new_decision(self.actie.value, self.besluit.value, self.reden.value,
                                                   budget=budget, jaar=jaar, partners=self.partners.value,
                                                   workshops=workshops, by=self.by.value))
        except (ValueError, WerkboekError) as exc:
            self.decision_message.value = f"<p class='wb-error' role='alert'>{escape(str(exc))}</p>"
            return
        self.decision_message.value = (f"<p class='wb-ok' role='status'>Opgeslagen als versie {d.version}: "
                                       f"{escape(d.label)}.</p>")
        self._fill_acties()
        self.show()

    def _save_progress(self) -> None:
        try:
            u = self.programme.add_progress(new_progress(
                self.actie.value, self.datum.value, self.status.value, self.percentage.value or "",
                self.uitgegeven.value or "", tekst=self.tekst.value, foto=self.foto.value, by=self.by.value))
        except (ValueError, WerkboekError) as exc:
            self.progress_message.value = f"<p class='wb-error' role='alert'>{escape(str(exc))}</p>"
            return
        self.tekst.value = self.foto.value = ""
        self.show()
        self.progress_message.value = (f"<p class='wb-ok' role='status'>Toegevoegd: {escape(u.status)}, "
                                       f"{u.percentage}% op {escape(date_nl(u.datum, weekday=False))}.</p>")

    def _fill_scenarios(self) -> None:
        found = []
        for path in sorted(self.results_dir.glob("*/outcome.json")) if self.results_dir.is_dir() else []:
            found.append((path.parent.name, str(path)))
        self.scenario.options = found
        self.adopt.disabled = not found
        if not found:
            self.adopt_message.value = ("<p class='wb-note'>Nog geen scenario's doorgerekend "
                                        "(werkboek scenarios run).</p>")

    def _adopt(self) -> None:
        allowed = {value for _label, value in self.scenario.options}
        if self.scenario.value not in allowed:  # only a file from the list, whatever the browser sent
            self.adopt_message.value = "<p class='wb-error' role='alert'>Kies een scenario uit de lijst.</p>"
            return
        try:
            doc = json.loads(Path(self.scenario.value).read_text(encoding="utf-8"))
            outcome = SimpleNamespace(scenario=dict(doc["scenario"]), chosen=list(doc["chosen"]),
                                      not_chosen=list(doc["not_chosen"]))
            if not all(isinstance(r, dict) and "id" in r for r in outcome.chosen + outcome.not_chosen):
                raise ValueError
        except (OSError, ValueError, KeyError, TypeError):
            self.adopt_message.value = ("<p class='wb-error' role='alert'>Dit is geen uitkomst van een scenario "
                                        "die gelezen kan worden. Reken het scenario opnieuw door.</p>")
            return
        before = len(self.programme.history())
        try:
            stored = self.programme.adopt_scenario(outcome, by=self.by.value)
        except WerkboekError as exc:
            self.adopt_message.value = f"<p class='wb-error' role='alert'>{escape(str(exc))}</p>"
            return
        added = len(self.programme.history()) - before
        self._fill_acties()
        self.show()
        self.adopt_message.value = (f"<p class='wb-ok' role='status'>Scenario overgenomen: {len(stored)} acties, "
                                    f"{added} nieuwe besluiten ({len(stored) - added} waren al zo).</p>")

    def _import(self) -> None:
        files = list(self.upload.value)
        if not files:
            self.import_message.value = "<p class='wb-error' role='alert'>Kies eerst een bestand.</p>"
            return
        item = files[0]
        name = Path(str(item.get("name") or "")).name
        content = bytes(item.get("content") or b"")
        if Path(name).suffix.lower() not in (".csv", ".xlsx"):
            self.import_message.value = "<p class='wb-error' role='alert'>Alleen een .csv- of .xlsx-bestand.</p>"
            return
        if len(content) > MAX_UPLOAD_BYTES:
            self.import_message.value = "<p class='wb-error' role='alert'>Dit bestand is te groot (meer dan 5 MB).</p>"
            return
        try:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / name
                path.write_bytes(content)
                stored = self.programme.import_progress(path, by=self.by.value)
        except WerkboekError as exc:
            text = str(exc).replace(str(Path(tmp)) + "/", "")
            self.import_message.value = (f"<p class='wb-error' role='alert' style='white-space:pre-wrap'>"
                                         f"{escape(text)}</p>")
            return
        self.upload.value = ()
        self.show()
        self.import_message.value = f"<p class='wb-ok' role='status'>{len(stored)} regels voortgang ingelezen.</p>"

    @staticmethod
    def _int(text: str, field: str) -> int | None:
        text = text.strip()
        if not text:
            return None
        if not text.isdigit():
            raise ValueError(f"{field}: '{text}' is geen heel getal")
        return int(text)
