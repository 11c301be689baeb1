"""The ballot app driven from Python (set values, click buttons), with a real store; no browser."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from support.resident_flow import go_to
from werkboek_widgets.ballot.app import BallotApp


def make_app(store, catalogue, query=""):
    app = BallotApp(store, catalogue)
    app.apply_query(query)
    return app


def text_of(app) -> str:
    """All HTML the resident sees on this screen (headings, texts, messages)."""
    parts = [app.progress.value, app.message.value]

    def walk(widget):
        if hasattr(widget, "children"):
            for child in widget.children:
                walk(child)
        elif hasattr(widget, "value") and isinstance(widget.value, str):
            parts.append(widget.value)
        if hasattr(widget, "description"):
            parts.append(widget.description or "")
    walk(app.step.widget)
    return "\n".join(parts)


def test_resident_completes_a_ballot_and_changes_it(store, catalogue, open_workshop):
    code = store.create_codes(open_workshop.id, 1)[0].code
    app = make_app(store, catalogue, f"code={code}")
    # The link carries a valid code: the code screen is not asked for (5 steps, not 6).
    assert "Stap 1 van 5" in app.progress.value and open_workshop.title in text_of(app)
    assert "anoniem" in text_of(app) and f"Uw code {code} is goed" in text_of(app)
    app.next_button.click()
    assert app.flow.current.step == "buurt" and "Stap 2 van 5" in app.progress.value
    buurt = sorted(catalogue.heerlen_noord)[2]
    app.step.buurt.value = buurt
    app.step.age.value = "65-79"
    app.next_button.click()
    assert app.flow.current.step == "stemmen" and "Stap 3 van 5" in app.progress.value
    lg = app.flow.current.leefgebied
    first, second = list(app.step.controls)[:2]
    for _ in range(3):
        app.step.controls[first].plus.click()
    app.step.controls[second].plus.click()
    assert "Nog 1 stip over" in app.step.left.value
    app.step.controls[second].plus.click()
    assert "Alle stippen zijn verdeeld" in app.step.left.value and app.step.controls[first].plus.disabled
    app.step.controls[first].plus.click()  # refused: nothing left
    app.step.controls[second].minus.click()
    assert app.draft.chosen_in(lg) == {first: 3, second: 1}
    go_to(app, "opmerking")
    app.step.input.value = "Meer licht op straat"
    app.next_button.click()
    assert app.flow.current.step == "controle" and app.next_button.description == "Stem versturen"
    assert "Meer licht op straat" in text_of(app)
    app.next_button.click()
    assert app.flow.current.step == "bedankt"
    assert "Bedankt, uw stem is ontvangen" in text_of(app) and app.next_button.layout.display == "none"

    stored = store.ballots(open_workshop.id)
    assert len(stored) == 1
    b = stored[0]
    assert (b.code, b.buurt, b.age_group, b.remark, b.group_size) == (code, buurt, "65-79", "Meer licht op straat", 1)
    assert b.choices == {first: 3, second: 1}

    app.step.change.click()
    assert app.flow.current.step == "stemmen"
    app.step.controls[first].minus.click()
    go_to(app, "controle")
    app.next_button.click()
    assert "vervangen" in text_of(app)
    current = store.ballots(open_workshop.id)
    assert len(current) == 1 and current[0].choices == {first: 2, second: 1}
    assert len(store.ballots(open_workshop.id, include_superseded=True)) == 2


def test_code_typed_by_hand_has_its_own_step(store, catalogue, open_workshop):
    code = store.create_codes(open_workshop.id, 1)[0].code
    app = make_app(store, catalogue, "")
    assert "Stap 1 van 6" in app.progress.value
    app.next_button.click()
    assert app.flow.current.step == "code" and "Stap 2 van 6" in app.progress.value
    app.step.input.value = code.lower().replace("-", " ")
    app.next_button.click()
    assert app.flow.current.step == "buurt" and "Deze code is goed" in app.message.value
    assert "Stap 3 van 6" in app.progress.value


def test_verder_carrying_the_code_wins_over_letters_still_on_their_way(store, catalogue, open_workshop):
    """The page's "Verder" on the code screen carries the code as shown ("<tap>:<code>", werkboek.js):
    the field's last letters may not have reached the kernel yet (ipywidgets holds them back while
    the kernel is busy), the carried code is the one checked. A tap from a screen already left, or
    a malformed value, moves nothing."""
    code = store.create_codes(open_workshop.id, 1)[0].code
    app = make_app(store, catalogue, "")
    app.next_button.click()
    step = app.step
    step.input.value = code[:3]  # only the first letters arrived
    step.go.value = "nonsense"
    step.go.value = "1" + code  # no separator
    assert app.flow.current.step == "code"
    step.go.value = f"1:{code[:3]}"  # the page's own value short as well: refused as typed
    assert app.flow.current.step == "code" and "wb-error" in app.message.value
    step.go.value = f"2:{code.lower()}"
    assert app.flow.current.step == "buurt" and "Deze code is goed" in app.message.value
    step.go.value = f"3:{code}"  # a late second tap from the code screen: nothing moves
    assert app.flow.current.step == "buurt"


def test_a_refused_link_code_stays_on_the_code_screen(store, catalogue, open_workshop):
    store.create_codes(open_workshop.id, 1)
    app = make_app(store, catalogue, "code=ZZZ-ZZZ")
    assert app.flow.current.step == "welkom" and "wb-error" in app.message.value
    app.next_button.click()
    assert app.flow.current.step == "code" and app.step.input.value == "ZZZ-ZZZ"
    assert "Stap 2 van 6" in app.progress.value


def test_a_stale_second_tap_never_skips_a_screen(store, catalogue, open_workshop):
    """A double tap: the second click arrives from the button of the screen just left."""
    code = store.create_codes(open_workshop.id, 1)[0].code
    app = make_app(store, catalogue, f"code={code}")
    seen = []
    for _ in range(12):
        screen = app.flow.current
        seen.append((screen.step, getattr(screen, "leefgebied", None)))
        if screen.step == "controle":
            break
        stale = app.next_button
        stale.click()
        stale.click()  # the fast thumb: same button, now of a screen that is gone
    steps = [s for s, _ in seen]
    leefgebieden = [lg for s, lg in seen if s == "stemmen"]
    assert steps[:2] == ["welkom", "buurt"] and steps[-1] == "controle"
    assert leefgebieden == list(app.flow.leefgebieden)


def test_wrong_code_and_closed_workshop_show_their_message(store, catalogue, open_workshop):
    app = make_app(store, catalogue)
    app.next_button.click()
    app.next_button.click()
    assert "Vul de code" in app.message.value and app.flow.current.step == "code"
    app.step.input.value = "QQQ-QQQ"
    app.next_button.click()
    unknown = app.message.value
    assert "kunt u nu niet stemmen" in unknown and app.flow.current.step == "code"
    code = store.create_codes(open_workshop.id, 1)[0].code
    store.close_voting(open_workshop.id)
    app.step.input.value = code.lower().replace("-", " ")
    app.next_button.click()
    # a closed workshop's code gets the same answer as an unknown one (nothing to learn by guessing)
    assert app.message.value == unknown and 'role="alert"' in app.message.value
    assert app.flow.current.step == "code" and app.draft is None


def test_code_already_used_is_told_and_closing_mid_ballot_is_reported(store, catalogue, open_workshop):
    code = store.create_codes(open_workshop.id, 1)[0].code
    first = make_app(store, catalogue, f"code={code}")
    go_to(first, "opmerking")
    first.step.input.value = "eerste"
    go_to(first, "controle")
    first.next_button.click()
    second = make_app(store, catalogue, f"code={code}")
    assert "al gestemd" in second.message.value and second.flow.current.step == "welkom"
    go_to(second, "opmerking")
    second.step.input.value = "tweede"
    go_to(second, "controle")
    store.close_voting(open_workshop.id)
    second.next_button.click()
    assert second.flow.current.step == "controle" and "gesloten" in second.message.value
    assert [b.remark for b in store.ballots(open_workshop.id)] == ["eerste"]


def test_group_ballot_is_stored_with_its_size(store, catalogue, open_workshop):
    code = store.create_codes(open_workshop.id, 1, kind="group")[0].code
    app = make_app(store, catalogue, f"code={code}")
    assert "tafel" in app.message.value and f"Uw code {code} is goed" in app.message.value
    go_to(app, "buurt")
    assert "2 mensen" in app.step.group.value.value and app.step.group.minus.disabled
    for _ in range(4):
        app.step.group.plus.click()
    app.step.group.minus.click()
    assert "5 mensen" in app.step.group.value.value
    app.next_button.click()
    next(iter(app.step.controls.values())).plus.click()
    go_to(app, "controle")
    assert "5 mensen" in text_of(app)
    app.next_button.click()
    [b] = store.ballots(open_workshop.id)
    assert b.code_kind == "group" and b.group_size == 5


@pytest.mark.parametrize("method,params", [("goedkeuren", {"max_approvals": 1}), ("top3", {"top": 2})])
def test_approval_and_ranking_buttons(store, catalogue, method, params):
    acties = [a.id for a in catalogue.acties_in("wonen")[:3]]
    ws = store.create_workshop("Wonen", method=method, method_params=params, acties=acties)
    store.open_voting(ws.id)
    code = store.create_codes(ws.id, 1)[0].code
    app = make_app(store, catalogue, f"code={code}")
    go_to(app, "stemmen")
    a, b, c = (app.step.controls[x].button for x in acties)
    a.click()
    b.click()
    if method == "goedkeuren":
        assert a.description == "Gekozen ✓" and "wb-chosen" in a._dom_classes
        assert b.description == "Kiezen" and b.disabled and "hoogste aantal" in app.step.left.value
        expected = {acties[0]: 1}
    else:
        assert a.description.startswith("Nummer 1") and b.description.startswith("Nummer 2") and c.disabled
        a.click()  # out: b moves up
        c.click()
        assert b.description.startswith("Nummer 1") and c.description.startswith("Nummer 2")
        expected = {acties[1]: 1, acties[2]: 2}
    go_to(app, "controle")
    app.next_button.click()
    assert store.ballots(ws.id)[0].choices == expected


def test_forged_values_are_stopped_by_the_store(store, catalogue, open_workshop):
    """A forged widget message can change the draft; the store still refuses the ballot."""
    code = store.create_codes(open_workshop.id, 1)[0].code
    app = make_app(store, catalogue, f"code={code}")
    go_to(app, "controle")
    app.draft.choices = {open_workshop.acties[0]: 99}
    app.next_button.click()
    assert app.flow.current.step == "controle" and "stippen" in app.message.value
    app.draft.choices = {}
    app.draft.buurt = "BU09999999"
    app.draft.remark = "x"
    app.next_button.click()
    assert "hoort niet bij Heerlen-Noord" in app.message.value
    assert store.ballots(open_workshop.id) == []


def test_map_highlights_the_buurt_and_works_offline(store, catalogue, open_workshop):
    import ipyleaflet

    code = store.create_codes(open_workshop.id, 1)[0].code
    app = make_app(store, catalogue, f"code={code}")
    go_to(app, "buurt")
    app.step.toggle_map()
    kaart = app.step.kaart
    assert not any(isinstance(layer, ipyleaflet.TileLayer) for layer in kaart.map.layers)  # no tiles by default
    features = kaart.layer.data["features"]
    assert {f["properties"]["statcode"] for f in features} == set(catalogue.heerlen_noord)
    target = sorted(catalogue.heerlen_noord)[5]
    kaart._interaction(type="click", coordinates=list(catalogue.buurten[target].shape.centroid()))  # a tap
    assert "Gekozen" not in kaart.name.value and catalogue.buurten[target].naam in kaart.name.value
    assert app.step.buurt.value == target and app.draft.buurt == target
    styles = {f["properties"]["statcode"]: f["properties"]["style"] for f in kaart.layer.data["features"]}
    assert styles[target]["fillColor"] != styles[sorted(catalogue.heerlen_noord)[0]]["fillColor"]
    app.step.buurt.value = ""  # "zeg ik liever niet" in the list clears the map
    assert kaart.chosen is None and app.draft.buurt is None
    kaart.tapped(50.80, 5.70)  # outside Heerlen-Noord: nothing changes
    assert kaart.chosen is None and app.draft.buurt is None
    kaart._hovered(feature={"properties": {"naam": "Zeswegen"}})
    assert "Zeswegen" in kaart.name.value

    store.update_workshop(open_workshop.id, basemap=True)
    app2 = make_app(store, catalogue, f"code={code}")
    go_to(app2, "buurt")
    app2.step.toggle_map()
    assert any(isinstance(layer, ipyleaflet.TileLayer) for layer in app2.step.kaart.map.layers)


def test_pin_on_the_map(store, catalogue, open_workshop):
    code = store.create_codes(open_workshop.id, 1)[0].code
    app = make_app(store, catalogue, f"code={code}")
    go_to(app, "stemmen")
    step = app.step
    step.open_pin_map()
    step.save_pin()
    assert "Tik eerst" in step.pin_status.value
    step.kaart._interaction(type="click", coordinates=[50.80, 5.70])  # far outside Heerlen
    step.save_pin()
    assert "niet in Heerlen-Noord" in step.pin_status.value
    lat, lon = catalogue.buurten[sorted(catalogue.heerlen_noord)[0]].shape.centroid()
    step.kaart._interaction(type="click", coordinates=[lat, lon])
    step.pin_text.value = "Donkere hoek"
    step.save_pin()
    assert "bewaard" in step.pin_status.value
    go_to(app, "controle")
    app.next_button.click()
    [b] = store.ballots(open_workshop.id)
    assert len(b.pins) == 1 and b.pins[0].text == "Donkere hoek" and b.pins[0].leefgebied == step.leefgebied


def test_english_from_the_link_and_the_switch(store, catalogue, open_workshop):
    app = make_app(store, catalogue, "lang=en")
    assert "Step 1 of 6" in app.progress.value and app.next_button.description == "Start"
    app.step.language.click()
    assert "Stap 1 van 6" in app.progress.value and app.next_button.description == "Beginnen"


def test_in_english_the_acties_are_english_too(store, catalogue, open_workshop):
    code = store.create_codes(open_workshop.id, 1)[0].code
    app = make_app(store, catalogue, f"code={code}&lang=en")
    go_to(app, "stemmen")
    shown = text_of(app)
    acties = [catalogue.acties[a] for a in app.step.controls]
    assert acties and all(a.titel_en and a.titel_en in shown and a.titel not in shown for a in acties)
    assert all(a.beschrijving_en in shown for a in acties)
    first = next(iter(app.step.controls))
    app.step.controls[first].plus.click()
    go_to(app, "controle")
    assert catalogue.acties[first].titel_en in text_of(app)


def test_resident_kernel_stays_lean(sqlite_url):
    """Building the ballot imports neither pandas nor ipyleaflet nor Jupyter's server."""
    code = (
        "import json, sys\n"
        "from werkboek_widgets.ballot.app import BallotApp\n"
        "from werkboek_widgets.ballot.request_info import query_string\n"
        "app = BallotApp.from_environment()\n"
        "app.apply_query(query_string())\n"
        "heavy = ['pandas', 'ipyleaflet', 'alembic', 'jupyter_server', 'voila', 'shapely', 'numpy']\n"
        "print(json.dumps([m for m in heavy if m in sys.modules]))\n"
    )
    from werkboek.store import Store

    Store(sqlite_url).close()  # the server upgrades the schema before kernels start
    env = {"WERKBOEK_DATABASE_URL": sqlite_url, "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_query_string_without_and_with_a_broken_preheat(monkeypatch):
    from werkboek_widgets.ballot.request_info import query_string

    monkeypatch.setenv("QUERY_STRING", "code=K7P-4QX")
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    assert query_string() == "code=K7P-4QX"  # default kernels: Voila put it in the environment
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_APP_PORT", "9")  # nothing listens: the page must still work
    monkeypatch.setenv("VOILA_KERNEL_ID", "x")
    assert query_string() == ""
