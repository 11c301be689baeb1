"""Create and edit a workshop: its details, voting method and the acties on its ballot."""

from __future__ import annotations

from html import escape

import ipywidgets as w
import traitlets as t

from werkboek.dutch import amount_in_words, euros
from werkboek.errors import DataError, WerkboekError
from werkboek.model.methods import DEFAULT_METHOD, METHODS
from werkboek.model.workshop import DEFAULT_PRIVACY_K, PRIVACY_K_RANGE

ALL = "__all__"
WIDE = {"description_width": "220px"}
FIELD = {"width": "640px"}


def main_param(method_key: str):
    """The setting the editor shows for a method: the first of its parameters (werkboek.model.methods)."""
    return METHODS[method_key].params_spec[0]


class ActiePicker(w.VBox):
    """Checkboxes for the catalogue's acties with filters by leefgebied, buurt and horizon."""

    selected = t.List(t.Unicode(), help="chosen actie ids, in catalogue order")

    def __init__(self, catalogue, **kwargs):
        self.catalogue = catalogue
        self.leefgebied = w.Dropdown(
            description="Leefgebied", style=WIDE, layout=w.Layout(width="520px"),
            options=[("Alle leefgebieden", ALL)] + [(lg.naam, lg.id) for lg in catalogue.leefgebieden.values()])
        self.buurt = w.Dropdown(
            description="Buurt", style=WIDE, layout=w.Layout(width="520px"),
            options=[("Alle buurten", ALL)] + sorted(((b.naam, c) for c, b in catalogue.heerlen_noord.items())))
        self.horizon = w.Dropdown(description="Termijn", style=WIDE, layout=w.Layout(width="520px"), options=[
            ("Alles", ALL), ("Versnelling (binnen 2 jaar)", "versnelling"), ("Structureel (lange termijn)", "structureel")])
        self.boxes: dict[str, w.Checkbox] = {}
        for actie in catalogue.acties.values():
            lg = catalogue.leefgebieden[actie.leefgebied].naam
            label = f"{actie.titel} · {lg} · {euros(actie.kosten)} · {actie.horizon}"
            box = w.Checkbox(value=False, description=label, indent=False, layout=w.Layout(width="100%"))
            box.observe(self._on_box, "value")
            self.boxes[actie.id] = box
        self.select_visible = w.Button(description="Kies alle getoonde acties", icon="check-square-o",
                                         layout=w.Layout(width="auto", height="44px"))
        self.clear = w.Button(description="Wis de keuze", icon="square-o", layout=w.Layout(width="auto", height="44px"))
        self.summary = w.HTML()
        self.select_visible.on_click(lambda _b: self._set_visible(True))
        self.clear.on_click(lambda _b: self._set_all(False))
        for control in (self.leefgebied, self.buurt, self.horizon):
            control.observe(self._filter, "value")
        self.list = w.VBox(list(self.boxes.values()), layout=w.Layout(max_height="420px", overflow_y="auto"))
        super().__init__([w.HBox([self.leefgebied, self.buurt, self.horizon], layout=w.Layout(flex_flow="row wrap")),
                          w.HBox([self.select_visible, self.clear]), self.summary, self.list], **kwargs)
        self._syncing = False
        self._summarise()

    def _visible(self, actie) -> bool:
        return ((self.leefgebied.value == ALL or actie.leefgebied == self.leefgebied.value)
                and (self.horizon.value == ALL or actie.horizon == self.horizon.value)
                and (self.buurt.value == ALL or actie.applies_to(self.buurt.value)))

    def _filter(self, _change=None) -> None:
        for actie_id, box in self.boxes.items():
            box.layout.display = None if self._visible(self.catalogue.acties[actie_id]) else "none"

    def _set_visible(self, value: bool) -> None:
        self._bulk({a: value for a, b in self.boxes.items() if b.layout.display != "none"})

    def _set_all(self, value: bool) -> None:
        self._bulk({a: value for a in self.boxes})

    def _bulk(self, values: dict[str, bool]) -> None:
        self._syncing = True
        for actie_id, value in values.items():
            self.boxes[actie_id].value = value
        self._syncing = False
        self._on_box()

    def _on_box(self, _change=None) -> None:
        if not self._syncing:
            self.selected = [a for a, box in self.boxes.items() if box.value]

    @t.observe("selected")
    def _selected_changed(self, change) -> None:
        chosen = set(change["new"])
        self._syncing = True
        for actie_id, box in self.boxes.items():
            box.value = actie_id in chosen
        self._syncing = False
        self._summarise()

    def _summarise(self) -> None:
        per = {}
        for actie_id in self.selected:
            lg = self.catalogue.acties[actie_id].leefgebied
            per[lg] = per.get(lg, 0) + 1
        parts = ", ".join(f"{self.catalogue.leefgebieden[lg].naam.lower()} {n}" for lg, n in per.items())
        self.summary.value = (f"<p data-testid='chosen'><b>{len(self.selected)} acties gekozen</b>"
                              f"{': ' + escape(parts) if parts else ''}</p>")


class WorkshopEditor(w.VBox):
    """The form for one workshop. ``workshop_id`` is None for a new one."""

    workshop_id = t.Int(None, allow_none=True)

    def __init__(self, store, catalogue, **kwargs):
        self.store = store
        self.catalogue = catalogue
        self.title = w.Text(description="Titel", placeholder="Bijvoorbeeld: Buurtavond Vrieheide",
                            style=WIDE, layout=w.Layout(**FIELD))
        self.date = w.DatePicker(description="Datum", style=WIDE, layout=w.Layout(width="420px"))
        self.location = w.Text(description="Plaats", placeholder="Bijvoorbeeld: Buurthuis", style=WIDE,
                               layout=w.Layout(**FIELD))
        self.kind = w.ToggleButtons(description="Soort", style={**WIDE, "button_width": "auto"},
                                    options=[("Buurtavond / workshop", "workshop"), ("Bewonersconferentie", "conference")])
        self.method = w.Dropdown(description="Manier van stemmen", style=WIDE, layout=w.Layout(**FIELD),
                                 options=[(cls.label, key) for key, cls in METHODS.items()])
        self.param = w.BoundedIntText(style=WIDE, layout=w.Layout(width="340px"))
        self.param.observe(self._words, "value")
        self.param_words = w.HTML()  # a euro amount in words ("€ 10 miljoen"), next to its field
        self.extra_params: dict[str, w.Widget] = {}  # the method's further settings (werkboek.model.methods)
        self.extra_box = w.VBox()
        self._show_param(self.method.value)
        self.basemap = w.Checkbox(value=False, description="Achtergrondkaart tonen (alleen met internet)",
                                  indent=False, layout=w.Layout(width="auto"))
        low, high = PRIVACY_K_RANGE
        self.privacy_k = w.BoundedIntText(value=DEFAULT_PRIVACY_K, min=low, max=high, description="Kleinste groep",
                                          style=WIDE, layout=w.Layout(width="340px"))
        self.wifi_name = w.Text(description="Naam van de wifi", placeholder="Bijvoorbeeld: Buurthuis-Gast",
                                style=WIDE, layout=w.Layout(**FIELD))
        self.hide_results = w.Checkbox(value=False, description="Uitslag verbergen tot sluiten (op de beamer)",
                                       indent=False, layout=w.Layout(width="auto"))
        self.picker = ActiePicker(catalogue)
        # plain Dutch next to the field it is about ("Vul een titel in")
        self.errors = {name: w.HTML() for name in ("titel", "locatie", "wifi", "stemmen", "kleinste groep", "acties")}
        self.save_button = w.Button(description="Opslaan", button_style="primary", icon="save",
                                    layout=w.Layout(width="200px", height="48px"))
        self.message = w.HTML()
        self.method.observe(self._method_changed, "value")
        self.save_button.on_click(self._save)
        super().__init__([
            w.HTML("<h2>Bijeenkomst</h2>"), self.title, self.errors["titel"], self.date, self.location,
            self.errors["locatie"], self.kind,
            w.HTML("<h3>Meedoen</h3><p>Op de briefjes en de beamer staat: 1. Verbind met de wifi. "
                   "2. Scan de code.</p>"), self.wifi_name, self.errors["wifi"], self.hide_results,
            w.HTML("<h3>Stemmen</h3>"), self.method, w.HBox([self.param, self.param_words],
                                                            layout=w.Layout(align_items="center", flex_flow="row wrap")),
            self.extra_box, self.errors["stemmen"], self.basemap,
            w.HTML("<h3>Privacy</h3><p>Het scherm en de bestanden tonen geen buurt of leeftijd van minder mensen "
                   "dan de kleinste groep. De uitslag op het scherm verandert pas na zoveel nieuwe stemmen. Zo "
                   "kan niemand zien wat één persoon stemde. Na de eerste stem kan dit getal niet meer "
                   "veranderen.</p>"), self.privacy_k, self.errors["kleinste groep"],
            w.HTML("<h3>Acties op het stembiljet</h3>"), self.picker, self.errors["acties"],
            self.save_button, self.message,
        ], **kwargs)

    def _method_changed(self, change) -> None:
        self._show_param(change["new"])

    def _show_param(self, method_key: str, values: dict | None = None) -> None:
        """The method's settings: the first one in :attr:`param`, the others below it (a choice
        as a list, an optional number with 0 for "no limit")."""
        values = values or {}
        param = main_param(method_key)
        self.param.description = param.label
        if param.low > self.param.max:  # never min > max on the way (a budget's € 1.000 after 50 stippen)
            self.param.max, self.param.min = param.high, param.low
        else:
            self.param.min, self.param.max = param.low, param.high
        value = values.get(param.name)
        self.param.value = param.default if value is None else value
        self._words()
        self.extra_params = {}
        for extra in METHODS[method_key].params_spec[1:]:
            value = values.get(extra.name, extra.default)
            if extra.choices:
                widget = w.Dropdown(description=extra.label, options=[(label, v) for v, label in extra.choices],
                                    value=value if value in dict(extra.choices) else extra.choices[0][0],
                                    style=WIDE, layout=w.Layout(width="520px"))
            else:
                widget = w.BoundedIntText(description=extra.label + (" (0 = geen)" if extra.optional else ""),
                                          min=0 if extra.optional else extra.low, max=extra.high,
                                          value=(value or 0) if extra.optional else value,
                                          style=WIDE, layout=w.Layout(width="520px"))
            self.extra_params[extra.name] = widget
        self.extra_box.children = list(self.extra_params.values())

    def _words(self, _change=None) -> None:
        unit = main_param(self.method.value).unit if hasattr(self, "method") else ""
        value = self.param.value
        self.param_words.value = (f"<span class='wb-note' data-testid='param-words'>{escape(amount_in_words(value))}"
                                  "</span>" if unit == "euro" and isinstance(value, int) else "")

    def method_params(self) -> dict:
        """The settings as the store keeps them (an optional one left at 0 is not set)."""
        spec = {p.name: p for p in METHODS[self.method.value].params_spec}
        params = {main_param(self.method.value).name: int(self.param.value)}
        for name, widget in self.extra_params.items():
            value = int(widget.value)
            if spec[name].optional and value == 0:
                continue
            params[name] = value
        return params

    @t.observe("workshop_id")
    def _load(self, _change=None) -> None:
        self.message.value = ""
        self._show_errors({})
        if self.workshop_id is None:
            self.wifi_name.value, self.hide_results.value = "", False
            self.title.value, self.location.value, self.date.value = "", "", None
            self.kind.value, self.method.value, self.basemap.value = "workshop", DEFAULT_METHOD, False
            self._show_param(self.method.value)
            self.privacy_k.value = DEFAULT_PRIVACY_K
            self.picker.selected = []
            return
        ws = self.store.workshop(self.workshop_id)
        self.title.value, self.location.value, self.date.value = ws.title, ws.location, ws.date
        self.kind.value, self.method.value, self.basemap.value = ws.kind, ws.method, ws.basemap
        self._show_param(ws.method, ws.method_params)
        self.privacy_k.value = ws.privacy_k
        self.wifi_name.value, self.hide_results.value = ws.wifi_name, ws.hide_results
        self.picker.selected = list(ws.acties)

    def settings(self) -> dict:
        return dict(title=self.title.value, date=self.date.value, location=self.location.value,
                    kind=self.kind.value, method=self.method.value, method_params=self.method_params(),
                    basemap=self.basemap.value, acties=list(self.picker.selected), privacy_k=int(self.privacy_k.value))

    def _show_errors(self, per_field: dict[str, list[str]]) -> None:
        for name, widget in self.errors.items():
            texts = per_field.get(name, [])
            widget.value = "".join(f"<p class='wb-error wb-field-error' role='alert'>{escape(text)}</p>"
                                   for text in texts)

    def _save(self, _button=None) -> None:
        values = self.settings()
        extra = {"wifi_name": self.wifi_name.value, "hide_results": bool(self.hide_results.value)}
        if not values["title"].strip():  # said before the store is asked, in the words of the field
            self._show_errors({"titel": ["Vul een titel in."]})
            self.message.value = ("<p class='wb-error' role='alert'>Nog niet opgeslagen: vul eerst een titel "
                                  "in.</p>")
            return
        try:
            if self.workshop_id is None:
                ws = self.store.create_workshop(values.pop("title"), **values)
                try:
                    ws = self.store.update_workshop(ws.id, **extra)
                finally:
                    self.workshop_id = ws.id
                self.message.value = f"<p class='wb-ok'>Bijeenkomst '{escape(ws.title)}' is gemaakt.</p>"
            else:
                ws = self.store.update_workshop(self.workshop_id, **values, **extra)
                self.message.value = "<p class='wb-ok'>Opgeslagen.</p>"
            self._show_errors({})
            if not ws.acties:
                self.message.value += ("<p class='wb-warn'>Volgende stap: kies de acties voor het stembiljet en "
                                       "klik op Opslaan.</p>")
            else:
                self.message.value += "<p class='wb-note'>Volgende stap: maak de stemcodes (stap 2).</p>"
        except DataError as exc:
            per_field = field_errors(exc)
            self._show_errors(per_field)
            self.message.value = ("<p class='wb-error' role='alert'>Nog niet opgeslagen. Kijk bij de rode tekst "
                                  "wat er nog moet.</p>")
        except WerkboekError as exc:
            self.message.value = f"<p class='wb-error' role='alert'>{escape(str(exc))}</p>"


_FIELD_OF = {"titel": "titel", "locatie": "locatie", "wifi": "wifi", "kleinste groep": "kleinste groep",
             "acties": "acties"}
_PLAIN = {"een titel is nodig": "Vul een titel in."}


def field_errors(exc: DataError) -> dict[str, list[str]]:
    """The problems of a DataError per field of the form, as short sentences (a method's settings under 'stemmen')."""
    per: dict[str, list[str]] = {}
    for problem in exc.problems:
        field = _FIELD_OF.get(problem.field or "", "stemmen")
        text = _PLAIN.get(problem.message) or (problem.message[:1].upper() + problem.message[1:]).rstrip(".") + "."
        if field == "stemmen" and problem.field:
            text = f"{problem.field[:1].upper()}{problem.field[1:]}: {problem.message.rstrip('.')}."
        per.setdefault(field, []).append(text)
    return per
