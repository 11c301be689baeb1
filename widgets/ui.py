"""Small building blocks with the right classes for the template's CSS (big, high contrast)."""

from __future__ import annotations

from html import escape  # also used by the steps as ui.escape

import ipywidgets as w


def html(markup: str, *classes: str) -> w.HTML:
    widget = w.HTML(markup)
    for cls in classes:
        widget.add_class(cls)
    return widget


def heading(text: str, level: int = 1) -> w.HTML:
    return html(f"<h{level}>{escape(text)}</h{level}>", "wb-heading")


def para(text: str, *classes: str) -> w.HTML:
    return html(f"<p>{escape(text)}</p>", "wb-text", *classes)


def status(text: str = "", kind: str = "info") -> w.HTML:
    """A line that screen readers announce when it changes (role=status / alert)."""
    widget = html("", "wb-status")
    set_status(widget, text, kind)
    return widget


def set_status(widget: w.HTML, text: str, kind: str = "info") -> None:
    if not text:
        widget.value = ""
        return
    role = "alert" if kind == "error" else "status"
    widget.value = f'<p role="{role}" aria-live="polite" class="wb-{kind}">{escape(text)}</p>'


def button(label: str, kind: str = "", tooltip: str = "") -> w.Button:
    btn = w.Button(description=label, tooltip=tooltip or None, layout=w.Layout(width="auto"))
    btn.add_class("wb-button")
    if kind:
        btn.add_class(f"wb-{kind}")
    return btn


def handover_field() -> w.Text:
    """A hidden text field through which the page's own script hands state to the kernel.

    The welcome and code screens are plain HTML in the template (usable before Voilà's frontend
    has started); when the widgets are live, werkboek-first.js writes what the resident did there
    into this field. The kernel treats it as untrusted input, like anything from the browser.
    """
    field = w.Text(value="", continuous_update=True, layout=w.Layout(display="none"))
    field.add_class("wb-handover")
    return field


def column(children=(), *classes: str) -> w.VBox:
    box = w.VBox(list(children))
    for cls in classes:
        box.add_class(cls)
    return box


def row(children=(), *classes: str) -> w.HBox:
    box = w.HBox(list(children))
    for cls in classes:
        box.add_class(cls)
    return box


class Stepper:
    """A big − and + around a value: for stippen and for the size of a table."""

    def __init__(self, text: str, minus_label: str, plus_label: str, on_minus, on_plus):
        self.minus = button("−", "step", tooltip=minus_label)
        self.plus = button("+", "step", tooltip=plus_label)
        self.value = html("", "wb-stepper-value")
        self.widget = row([self.minus, self.value, self.plus], "wb-stepper")
        self.minus.on_click(lambda _b: on_minus())
        self.plus.on_click(lambda _b: on_plus())
        self.show(text)

    def show(self, text: str, can_minus: bool = True, can_plus: bool = True) -> None:
        self.value.value = f'<span aria-live="polite">{escape(text)}</span>'
        self.minus.disabled = not can_minus
        self.plus.disabled = not can_plus
