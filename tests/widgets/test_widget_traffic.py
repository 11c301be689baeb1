"""What the ballot's widgets send to the phone: each widget in one message, built as it first looks.

Every message goes from the resident's kernel through the residents' server to the phone; on a
crowded evening that traffic is what the server and the kernels spend their CPU on (crowd round 6).
"""

from __future__ import annotations

import pytest

from support.resident_flow import go_to
from support.widget_traffic import counted_traffic
from werkboek_widgets import ui
from werkboek_widgets.ballot.app import BallotApp

METHODS = {
    "punten": {"points": 5},
    "goedkeuren": {},
    "top3": {"top": 3},
    "begroten": {"budget": 50_000_000},
}


@pytest.fixture(params=sorted(METHODS))
def workshop(request, store, catalogue):
    acties = [a.id for lg in catalogue.leefgebieden for a in catalogue.acties_in(lg)[:4]]
    ws = store.create_workshop(f"Traffic {request.param}", method=request.param,
                               method_params=METHODS[request.param], acties=acties)
    return store.open_voting(ws.id)


def test_a_leefgebied_screen_shares_layouts_and_styles_and_sends_no_after_thoughts(store, catalogue, workshop):
    code = store.create_codes(workshop.id, 1)[0].code
    with counted_traffic() as traffic:
        app = BallotApp(store, catalogue)
        app.apply_query(f"code={code}")
        go_to(app, "buurt")
        traffic.take()
        app.next_button.click()
        assert app.flow.current.step == "stemmen"
        screen = traffic.take()
        widgets = sum(n for kind, n in screen.kinds.items() if kind.startswith("open:"))
        print(f"{workshop.method}: {screen.count} messages, {screen.size} bytes, {widgets} comms: {dict(screen.kinds)}")
        assert len(app.step.controls) == 4 and widgets >= 4
        # no layout or style of its own per widget: only the hidden "Terug"/"Verder" have one
        assert screen.opened("LayoutModel") <= 2
        assert screen.opened("ButtonStyleModel") == screen.opened("HTMLStyleModel") == 0
        # classes come with the widget, not one message each afterwards
        assert screen.updates("_dom_classes") == 0
        # built as it first looks: refreshing the screen at once has nothing to send
        app.step.refresh()
        assert traffic.take().count == 0
        # a tap changes only what it must: the control, what is left, and nothing else
        control = next(iter(app.step.controls.values()))
        (control.plus if hasattr(control, "plus") else control.button).click()
        tap = traffic.take()
        assert 1 <= tap.count <= 6, dict(tap.kinds)


def test_the_hidden_navigation_buttons_have_their_own_layout_and_the_visible_ones_share(store, catalogue, open_workshop):
    code = store.create_codes(open_workshop.id, 1)[0].code
    app = BallotApp(store, catalogue)
    app.apply_query(f"code={code}")
    assert app.flow.current.step == "welkom"  # no "Terug" on the first screen
    assert app.back_button.layout.display == "none" and not isinstance(app.back_button.layout, ui.SharedLayout)
    assert app.next_button.layout is ui.shared(ui.SharedLayout, width="auto")
    app.next_button.click()
    assert app.back_button.layout.display is None and app.back_button.layout is app.next_button.layout


def test_a_shared_layout_or_style_refuses_to_change():
    layout = ui.shared(ui.SharedLayout, width="auto")
    assert ui.shared(ui.SharedLayout, width="auto") is layout and ui.shared(ui.SharedLayout) is not layout
    with pytest.raises(AttributeError, match="cannot change"):
        layout.display = "none"
    with pytest.raises(AttributeError, match="cannot change"):
        ui.shared(ui.SharedButtonStyle).button_color = "red"
    assert layout.display is None
    layout.close()  # e.g. Widget.close_all(): the next widget gets a live one
    assert ui.shared(ui.SharedLayout, width="auto") is not layout
