"""The projector gives away no single vote: batches of k ballots, no small groups, moderated remarks without times.

Before, one second after a resident submitted, the dashboard's change showed their buurt,
age group, every choice with its points and their remark with its time.
"""

from __future__ import annotations

import re

import pytest

from werkboek.model.ballot import AGE_GROUPS, BallotSubmission
from werkboek.model.privacy import OTHER_AGE, OTHER_BUURT, projector_batch
from werkboek.model.results import tally

K = 3


@pytest.fixture
def evening(store, catalogue):
    """An open workshop with k=3 and remarks shown directly, and a way to let one more resident vote."""
    acties = [a.id for lg in ("wonen", "leren") for a in catalogue.acties_in(lg)[:3]]
    ws = store.open_voting(store.create_workshop("Buurtavond", acties=acties, privacy_k=K, remarks_direct=True).id)
    codes = iter(c.code for c in store.create_codes(ws.id, 40))
    buurten = sorted(catalogue.heerlen_noord)
    lat, lon = catalogue.buurten[buurten[0]].shape.centroid()
    count = iter(range(1000))

    def vote(code=None, **extra):
        n = next(count)
        code = code or next(codes)
        sub = dict(choices={acties[n % 3]: 3, acties[(n + 1) % 3]: 2, acties[3 + n % 3]: 5},
                   buurt=buurten[n % len(buurten)], age_group=list(AGE_GROUPS)[n % len(AGE_GROUPS)],
                   remark=f"opmerking nummer {n}",
                   pins=[{"leefgebied": "wonen", "lat": lat, "lon": lon, "text": f"plek {n}"}])
        sub.update(extra)
        store.submit(BallotSubmission(code=code, **sub))
        return code

    return ws, vote


def _dashboard(store, catalogue, ws):
    from werkboek_widgets.facilitator import Dashboard

    dash = Dashboard(store, catalogue, workshop_ids=[ws.id])
    dash.tabs.selected_index = 2  # build the pin map too
    return dash


def screen(dash) -> tuple:
    """Everything the room can read off the projector, except the live number of ballots received."""
    shown_head = re.sub(r"data-testid='ballots'>\d+<", "", dash.header.value)
    shown_head = re.sub(r"Bijgewerkt om [\d:]+", "", shown_head)
    charts = tuple((lg, tuple(c.bars.x), tuple(c.bars.y), c.table.value) for lg, c in dash.charts.items())
    bars = tuple((tuple(b.bars.x), tuple(b.bars.y)) for b in (dash.by_buurt, dash.by_age))
    pins = tuple((tuple(m.location), m.popup.value) for m in dash._map.pins.layers)
    turnout = tuple(dash.turnout.line.y)
    return shown_head, dash.notice.value, charts, bars, dash.remarks.value, pins, turnout


def test_one_new_ballot_never_changes_the_screen_only_k_new_ones_do(store, catalogue, evening):
    ws, vote = evening
    vote(), vote()  # k-1 ballots
    dash = _dashboard(store, catalogue, ws)
    first = screen(dash)
    assert "De uitslag verschijnt zodra er 3 stemmen zijn." in dash.notice.value
    assert "opmerking nummer" not in dash.remarks.value and "plek" not in str(first[5])
    assert dash.ballots_shown == 0 and "data-testid='ballots'>2<" in dash.header.value  # the live count moves

    vote()  # the k-th ballot: the first batch appears, with three residents in it
    dash.refresh()
    after_k = screen(dash)
    assert after_k != first and dash.ballots_shown == K
    assert "Bijgewerkt per 3 stemmen" in dash.notice.value

    for n in (K + 1, K + 2):  # k+1, k+2: nothing moves but the count
        vote()
        dash.refresh()
        assert screen(dash) == after_k, n
        assert f"data-testid='ballots'>{n}<" in dash.header.value

    again = vote()  # the 2k-th: the next batch
    dash.refresh()
    after_2k = screen(dash)
    assert after_2k != after_k and dash.ballots_shown == 2 * K
    expected = tally(store.ballots(ws.id), [ws], catalogue)
    for lg, chart in dash.charts.items():
        assert list(chart.bars.y) == [round(r.score, 2) for r in expected.ranked(lg)]

    for _ in range(5):  # one resident changing their vote over and over: still one person, no batch
        vote(code=again, remark="steeds anders")
        dash.refresh()
        assert screen(dash) == after_2k


@pytest.mark.parametrize("before", [K - 1, K, K + 1])
def test_a_fresh_screen_and_one_more_ballot_show_no_single_vote(store, catalogue, evening, before):
    ws, vote = evening
    for _ in range(before):
        vote()
    dash = _dashboard(store, catalogue, ws)
    was = screen(dash)
    shown_before = dash.ballots_shown
    vote()
    dash.refresh()
    if screen(dash) != was:  # only when the new ballot completed a batch: then k ballots came in together
        assert dash.ballots_shown - shown_before >= K
    else:
        assert dash.ballots_shown == shown_before
    assert (before + 1) % K == 0 or screen(dash) == was


def test_closing_shows_the_final_results_at_once_but_never_a_remainder_below_k(store, catalogue, evening):
    ws, vote = evening
    for _ in range(2 * K):
        vote()
    dash = _dashboard(store, catalogue, ws)
    store.close_voting(ws.id)
    dash.refresh()  # no waiting for a timer or another batch: the final results are there
    assert "Eindstand." in dash.notice.value and dash.ballots_shown == 2 * K
    assert "stemmen is gesloten" in dash.header.value

    store.open_voting(ws.id)
    vote()  # one more, then closed: showing it would show exactly that one ballot
    store.close_voting(ws.id)
    dash.refresh()
    assert dash.ballots_shown == 2 * K
    assert "De laatste 1 stem staat niet op het scherm" in dash.notice.value
    assert "tellen wel mee in het verslag" in dash.notice.value


def test_no_buurt_or_age_group_below_k_on_the_projector(store, catalogue, evening):
    ws, vote = evening
    buurten = sorted(catalogue.heerlen_noord)
    big = buurten[0]
    singles = {2: "80-plus", 5: "tot-18", 8: "65-79"}
    for n in range(3 * K):  # one buurt with five people, two with two; two age groups of three, three of one
        vote(buurt=big if n % 2 == 0 else buurten[1 + n % 4],
             age_group=singles.get(n, "30-49" if n % 3 == 0 else "50-64"))
    dash = _dashboard(store, catalogue, ws)
    for chart in (dash.by_buurt, dash.by_age):
        assert list(chart.bars.y) and all(y >= K for y in chart.bars.y), (list(chart.bars.x), list(chart.bars.y))
    assert list(dash.by_buurt.bars.x) == [catalogue.buurten[big].naam, OTHER_BUURT]
    assert list(dash.by_buurt.bars.y) == [5, 4]
    assert list(dash.by_age.bars.x) == ["30 tot 50 jaar", "50 tot 65 jaar", OTHER_AGE]
    assert sum(dash.by_buurt.bars.y) == sum(dash.by_age.bars.y) == dash.ballots_shown == 3 * K


def test_the_compare_view_hides_small_groups_too(store, catalogue, evening):
    from werkboek_widgets.facilitator.compare import CompareWorkshops

    ws, vote = evening
    for _ in range(2 * K):
        vote()
    other = store.open_voting(store.create_workshop("Andere avond", acties=list(ws.acties), privacy_k=K).id)
    code = store.create_codes(other.id, 1)[0].code
    store.submit(BallotSubmission(code=code, choices={ws.acties[0]: 1}, buurt=sorted(catalogue.heerlen_noord)[-1],
                                  age_group="tot-18"))
    view = CompareWorkshops(store, catalogue)
    view.choice.value = (ws.id, other.id)
    view.show_button.click()
    dash = view.dashboard
    assert dash.ballots_shown >= K
    for chart in (dash.by_buurt, dash.by_age):
        assert all(y >= K for y in chart.bars.y), (list(chart.bars.x), list(chart.bars.y))
    assert "jonger dan 18" not in list(dash.by_age.bars.x)


def test_remarks_wait_for_approval_and_show_without_time_in_no_order_of_arrival(store, catalogue, evening):
    ws, vote = evening
    store.update_workshop(ws.id, remarks_direct=False)
    for _ in range(2 * K):
        vote()
    dash = _dashboard(store, catalogue, ws)
    assert "opmerking nummer" not in dash.remarks.value  # pending: not on the projector
    assert all("plek" not in m.popup.value for m in dash._map.pins.layers)

    remarks = store.remarks([ws.id])
    approved, hidden = remarks[:3], remarks[3:5]
    for r in approved:
        store.set_remark_status(r.ballot_id, "approved")
    for r in hidden:
        store.set_remark_status(r.ballot_id, "hidden")
    dash.refresh()  # the facilitator's decision shows without waiting for a batch
    html = dash.remarks.value
    assert all(r.text in html for r in approved) and not any(r.text in html for r in hidden)
    assert remarks[5].text not in html  # still pending
    popups = " ".join(m.popup.value for m in dash._map.pins.layers)
    assert all(t in popups for r in approved for t in r.pin_texts)
    assert not any(t in popups for r in remarks[3:] for t in r.pin_texts)

    assert not re.search(r"\b\d{1,2}:\d{2}\b", html) and "wb-time" not in html  # no time with a remark
    by_id = {b.id: b for b in store.ballots(ws.id)}
    order = sorted((r for r in approved), key=lambda r: by_id[r.ballot_id].pseudonym)
    positions = [html.index(r.text) for r in order]
    assert positions == sorted(positions)  # ordered by a keyed hash, not by arrival

    store.update_workshop(ws.id, remarks_direct=True)  # "alles direct tonen": all but what was hidden
    dash.refresh()
    html = dash.remarks.value
    assert remarks[5].text in html and all(r.text in html for r in approved)
    assert not any(r.text in html for r in hidden)


def test_a_bidi_override_reaches_the_projector_cleaned_and_escaped(store, catalogue, evening):
    ws, vote = evening
    for _ in range(K - 1):
        vote()
    vote(remark="Stem op \u202eTNEMUCOD\u202c het plan <b>nu</b>")
    dash = _dashboard(store, catalogue, ws)
    assert "Stem op TNEMUCOD het plan &lt;b&gt;nu&lt;/b&gt;" in dash.remarks.value
    assert "\u202e" not in dash.remarks.value and "<b>" not in dash.remarks.value
    assert "dir='auto'" in dash.remarks.value
    [stored] = [b for b in store.ballots(ws.id) if "TNEMUCOD" in b.remark]
    assert stored.remark_original.startswith("Stem op \u202e")
    assert projector_batch(store.ballots(ws.id), K).ballots  # the remark is in the batch shown
