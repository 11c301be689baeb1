"""The beamer, projector first (issue 13), driven from Python: ranks, ties, hidden results, the join banner."""

from __future__ import annotations

import dataclasses
import re

import pytest

from werkboek.model.ballot import BallotSubmission
from werkboek_widgets.facilitator.projector import ProjectorScreen, shared_ranks

BASE = "http://stemmen.local:8866/"
LONG = " met een heel lange titel die op de beamer niet mag worden afgekapt"


def long_catalogue(catalogue):
    """The real catalogue with every titel made long (60 to 80 characters)."""
    acties = {a.id: dataclasses.replace(a, titel=(a.titel + LONG)[:60 + len(a.titel) % 20].rsplit(" ", 1)[0])
              for a in catalogue.acties.values()}
    return dataclasses.replace(catalogue, acties=acties)


def full_workshop(store, catalogue, **changes):
    ws = store.create_workshop("Bewonersconferentie Heerlen-Noord", method="punten", method_params={"points": 5},
                               acties=list(catalogue.acties), privacy_k=2)
    if changes:
        store.update_workshop(ws.id, **changes)
    return store.open_voting(ws.id)


def _items(screen) -> list[tuple[str, str, str]]:
    from html import unescape

    return [(r, unescape(t), s) for r, t, s in re.findall(r"data-rank='(\d+)'><span class='wb-proj-rank'>\d+\.</span><span class='wb-proj-title'>([^<]+)"
                      r"</span><span class='wb-proj-score'>([^<]+)</span>", screen.screen.value)]


def test_ties_share_a_rank():
    assert shared_ranks([9, 7, 7, 5, 5, 5, 1]) == [1, 2, 2, 4, 4, 4, 7]
    assert shared_ranks([]) == [] and shared_ranks([0, 0]) == [1, 1]


def test_all_five_leefgebieden_with_ten_acties_each_long_titles_whole(store, catalogue):
    cat = long_catalogue(catalogue)
    store._catalogue = cat
    ws = full_workshop(store, cat, wifi_name="Buurthuis-Gast")
    lg_first = {lg: cat.acties_in(lg)[:3] for lg in cat.leefgebieden}
    codes = store.create_codes(ws.id, 2)
    # two ballots: per leefgebied the first two acties tie at 4 stippen, the third gets 1, the rest 0
    for code, split in zip(codes, [(2, 2, 1), (2, 2, 0)]):
        choices = {a.id: n for lg, acties in lg_first.items() for a, n in zip(acties, split) if n}
        store.submit(BallotSubmission(code=code.code, choices=choices))
    screen = ProjectorScreen(store, cat, workshop_ids=[ws.id], base_url=BASE)
    html = screen.screen.value
    assert html.count("<section class='wb-proj-col'") == 5
    items = _items(screen)
    assert len(items) == 50
    titles = {t for _, t, _ in items}
    assert titles == {a.titel for a in cat.acties.values()}  # every title whole …
    assert "…" not in html and "text-overflow" not in html  # … and never an ellipsis
    for lg, acties in lg_first.items():
        rows = [(r, s) for r, t, s in items if t in {a.titel for a in cat.acties_in(lg)}]
        assert rows[:3] == [("1", "4"), ("1", "4"), ("3", "1")]  # the tie shares rank 1
        assert {r for r, s in rows[3:]} == {"4"} and {s for r, s in rows[3:]} == {"0"}
    assert "data-testid='wifi'>Buurthuis-Gast<" in html and "<li>Scan de code</li>" in html
    assert "stemmen.local:8866" in html and html.count("<svg") == 1
    assert "data-testid='proj-ballots'>2<" in html


def test_results_hidden_until_closing_or_revealed(store, catalogue):
    ws = full_workshop(store, catalogue, hide_results=True)
    for code in store.create_codes(ws.id, 3):
        store.submit(BallotSubmission(code=code.code, choices={ws.acties[0]: 3}))
    screen = ProjectorScreen(store, catalogue, workshop_ids=[ws.id], base_url=BASE)
    assert "data-testid='proj-hidden'>De uitslag komt na het sluiten" in screen.screen.value
    assert _items(screen) == [] and "data-testid='proj-ballots'>3<" in screen.screen.value  # the count stays live
    store.reveal_results(ws.id)  # "nu onthullen"
    assert screen.refresh() is True and len(_items(screen)) == 50
    store.update_workshop(ws.id, hide_results=True)
    assert screen.refresh() is True and _items(screen) == []
    store.close_voting(ws.id)  # closing shows it
    # 2 of the 3 ballots: k = 2, and the third alone would show what one person chose
    assert screen.refresh() is True and _items(screen)[0] == ("1", catalogue.acties[ws.acties[0]].titel, "6")


def test_the_projector_keeps_the_privacy_batches(store, catalogue):
    ws = full_workshop(store, catalogue)
    store.update_workshop(ws.id)
    codes = store.create_codes(ws.id, 3)
    screen = ProjectorScreen(store, catalogue, workshop_ids=[ws.id], base_url=BASE)
    store.submit(BallotSubmission(code=codes[0].code, choices={ws.acties[0]: 5}))
    screen.refresh()
    assert _items(screen) == [] and "De uitslag verschijnt zodra er 2 stemmen zijn" in screen.screen.value
    store.submit(BallotSubmission(code=codes[1].code, choices={ws.acties[1]: 5}))
    screen.refresh()
    shown = {t: s for _, t, s in _items(screen)}
    assert shown[catalogue.acties[ws.acties[0]].titel] == "5" and shown[catalogue.acties[ws.acties[1]].titel] == "5"
    store.submit(BallotSubmission(code=codes[2].code, choices={ws.acties[0]: 5}))
    assert screen.refresh() is True  # the live count changed …
    assert {t: s for _, t, s in _items(screen)} == shown  # … the results did not: one ballot alone is not shown


@pytest.mark.parametrize("hide", [False, True])
def test_the_dashboard_honours_hidden_results_too(store, catalogue, hide):
    from werkboek_widgets.facilitator import Dashboard

    ws = full_workshop(store, catalogue, hide_results=hide)
    for code in store.create_codes(ws.id, 2):
        store.submit(BallotSubmission(code=code.code, choices={ws.acties[0]: 2}, remark="Meer bankjes"))
    dash = Dashboard(store, catalogue, workshop_ids=[ws.id])
    assert dash.ballots_shown == (0 if hide else 2)
    assert ("De uitslag komt na het sluiten" in dash.notice.value) is hide


def test_the_join_banner_gives_the_short_name_and_the_ip_address(store, catalogue):
    ws = full_workshop(store, catalogue, wifi_name="Gast")
    screen = ProjectorScreen(store, catalogue, workshop_ids=[ws.id], base_url="http://192.168.1.20:8866/",
                             name_url="http://stemmen.local:8866/")
    html = screen.screen.value
    assert "of ga naar <span class='addr'>stemmen.local:8866</span>" in html and "(of 192.168.1.20:8866)" in html
    from werkboek.outputs.codesheet import qr_svg

    assert qr_svg("http://192.168.1.20:8866/") in html  # the QR code: the address every phone reaches


def test_titles_too_long_for_five_columns_are_shown_in_parts_in_turn(store, catalogue):
    from werkboek_widgets.facilitator.projector import ROTATE_SECONDS, plan_parts

    very_long = dataclasses.replace(catalogue, acties={
        a.id: dataclasses.replace(a, titel=(a.titel + LONG * 3)[:150]) for a in catalogue.acties.values()})
    store._catalogue = very_long
    ws = full_workshop(store, very_long)
    for code in store.create_codes(ws.id, 2):
        store.submit(BallotSubmission(code=code.code, choices={ws.acties[0]: 1}))
    screen = ProjectorScreen(store, very_long, workshop_ids=[ws.id], base_url=BASE)
    assert screen.parts > 1
    seen = []
    for turn in range(screen.parts):
        screen.clock = lambda turn=turn: turn * ROTATE_SECONDS + 1
        screen.refresh()
        assert f"Deel {turn + 1} van {screen.parts}: het scherm wisselt elke {ROTATE_SECONDS} seconden" in \
            screen.screen.value
        seen += re.findall(r"<h2>([^<]+)</h2>", screen.screen.value)
    assert seen == [lg.naam for lg in very_long.leefgebieden.values()]  # each leefgebied once, in order
    assert screen.refresh() is False  # the same part again: nothing to redraw
    # the catalogue's own titles: all five side by side
    from werkboek.model.privacy import projector_batch

    own = ProjectorScreen(store, catalogue, workshop_ids=[ws.id], base_url=BASE)
    batch = projector_batch(store.ballots(ws.id, include_superseded=True), 1)
    assert len(plan_parts(own.columns(batch, [store.workshop(ws.id)]))) == 1 and own.parts == 1
