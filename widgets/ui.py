"""Small building blocks with the right classes for the template's CSS (big, high contrast).

Every widget is a comm between the kernel and the phone, and so is its ``layout`` and its
``style``: left to ipywidgets, a leefgebied screen of the ballot opened 76 comms (28 of them
identical empty layouts, 20 default styles) and sent 33 more messages to add CSS classes one by
one. The blocks here give a widget its classes in the message that creates it and let the widgets
of one kernel share one layout and one style of each kind (:func:`shared`), so such a screen is
about 40 % of those messages; on a crowded evening the residents' server and the kernels spend
their CPU mostly on this traffic (``benchmarks/bench_widget_traffic.py``).
"""

from __future__ import annotations

from html import escape  # also used by the steps as ui.escape

import ipywidgets as w
from ipywidgets.widgets.widget_string import HTMLStyle


class _Shared:
    """A layout or style that many widgets of one kernel point to: it cannot change afterwards
    (the change would show on every widget sharing it). A widget whose look changes gets its own."""

    _frozen = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._frozen = True

    def __setattr__(self, name, value):
        if self._frozen and name in self.keys:
            raise AttributeError(f"{type(self).__name__}.{name}: a shared layout or style cannot change; "
                                 "give this widget its own")
        super().__setattr__(name, value)


class SharedLayout(_Shared, w.Layout):
    pass


class SharedButtonStyle(_Shared, w.ButtonStyle):
    pass


class SharedHTMLStyle(_Shared, HTMLStyle):
    pass


_SHARED: dict[tuple, w.Widget] = {}


def shared(kind: type, **traits) -> w.Widget:
    """This kernel's one ``kind`` (a :class:`SharedLayout` or a shared style) with these traits."""
    key = (kind, tuple(sorted(traits.items())))
    model = _SHARED.get(key)
    if model is None or model.comm is None:  # closed (``Widget.close_all``): a new one
        model = _SHARED[key] = kind(**traits)
    return model


def html(markup: str, *classes: str) -> w.HTML:
    return w.HTML(markup, _dom_classes=classes, layout=shared(SharedLayout), style=shared(SharedHTMLStyle))


def heading(text: str, level: int = 1) -> w.HTML:
    return html(f"<h{level}>{escape(text)}</h{level}>", "wb-heading")


def para(text: str, *classes: str) -> w.HTML:
    return html(f"<p>{escape(text)}</p>", "wb-text", *classes)


def status(text: str = "", kind: str = "info", *classes: str, markup: str | None = None) -> w.HTML:
    """A line that screen readers announce when it changes (role=status / alert); ``markup``
    instead of ``text`` when it is more than one line (the budget bar)."""
    return html(status_markup(text, kind) if markup is None else markup, "wb-status", *classes)


def status_markup(text: str, kind: str = "info") -> str:
    if not text:
        return ""
    role = "alert" if kind == "error" else "status"
    return f'<p role="{role}" aria-live="polite" class="wb-{kind}">{escape(text)}</p>'


def set_status(widget: w.HTML, text: str, kind: str = "info") -> None:
    widget.value = status_markup(text, kind)


def button(label: str, kind: str = "", tooltip: str = "", *classes: str, hidden: bool = False,
           disabled: bool = False) -> w.Button:
    """A big button; ``hidden`` ones get a layout of their own (``display: none``)."""
    layout = w.Layout(width="auto", display="none") if hidden else shared(SharedLayout, width="auto")
    classes = ("wb-button", f"wb-{kind}", *classes) if kind else ("wb-button", *classes)
    return w.Button(description=label, tooltip=tooltip or None, _dom_classes=classes, layout=layout,
                    style=shared(SharedButtonStyle), disabled=disabled)


def mark(widget: w.DOMWidget, cls: str, on: bool) -> None:
    """Give ``widget`` the class ``cls`` or take it away (one message, and none when unchanged)."""
    (widget.add_class if on else widget.remove_class)(cls)


def handover_field() -> w.Text:
    """A hidden text field through which the page's own script hands state to the kernel.

    The welcome and code screens are plain HTML in the template (usable before Voilà's frontend
    has started); when the widgets are live, werkboek-first.js writes what the resident did there
    into this field. The kernel treats it as untrusted input, like anything from the browser.
    """
    return w.Text(value="", continuous_update=True, _dom_classes=("wb-handover",),
                  layout=shared(SharedLayout, display="none"))


def column(children=(), *classes: str) -> w.VBox:
    return w.VBox(list(children), _dom_classes=classes, layout=shared(SharedLayout))


def row(children=(), *classes: str) -> w.HBox:
    return w.HBox(list(children), _dom_classes=classes, layout=shared(SharedLayout))


class Stepper:
    """A big − and + around a value: for stippen and for the size of a table."""

    def __init__(self, text: str, minus_label: str, plus_label: str, on_minus, on_plus,
                 can_minus: bool = True, can_plus: bool = True):
        # built as it first looks: each change after creation would be one more message
        self.minus = button("−", "step", minus_label, disabled=not can_minus)
        self.plus = button("+", "step", plus_label, disabled=not can_plus)
        self.value = html(self._markup(text), "wb-stepper-value")
        self.widget = row([self.minus, self.value, self.plus], "wb-stepper")
        self.minus.on_click(lambda _b: on_minus())
        self.plus.on_click(lambda _b: on_plus())

    @staticmethod
    def _markup(text: str) -> str:
        return f'<span aria-live="polite">{escape(text)}</span>'

    def show(self, text: str, can_minus: bool = True, can_plus: bool = True) -> None:
        self.value.value = self._markup(text)
        self.minus.disabled = not can_minus
        self.plus.disabled = not can_plus
