"""How a resident moves through the ballot, shared by the tests that need a vote cast.

``vote_in_browser`` drives a real page (Playwright) through the steps; ``go_to`` drives a
``BallotApp`` from Python to a given step.
"""

from __future__ import annotations

TIMEOUT = 90_000


def vote_in_browser(page, points: dict[int, int], remark: str = "", pages: int = 2) -> None:
    """From the welcome screen (code in the link) to "Bedankt".

    ``points``: per leefgebied page (0 = first), how often to press its first "+".
    """
    page.get_by_role("button", name="Beginnen").click(timeout=TIMEOUT)
    # The code came (valid) with the link: no code step, five steps in all.
    page.get_by_text("Stap 2 van 5").wait_for()
    page.get_by_role("button", name="Verder").click()  # no buurt or age given
    page.get_by_text("Stap 3 van 5").wait_for()
    for n in range(pages):
        page.get_by_text(f"Onderwerp {n + 1} van {pages}").wait_for()
        for _ in range(points.get(n, 0)):
            page.get_by_role("button", name="+").first.click()
        page.get_by_role("button", name="Verder").click()
    page.get_by_text("Stap 4 van 5").wait_for()
    if remark:
        page.get_by_label("Uw opmerking").fill(remark)
    page.get_by_role("button", name="Verder").click()
    page.get_by_text("Stap 5 van 5").wait_for()
    page.get_by_role("button", name="Stem versturen").click()
    page.get_by_text("Bedankt, uw stem is ontvangen").wait_for()


def go_to(app, step) -> None:
    """Press "Verder" until the app shows ``step``; no error may appear on the way."""
    for _ in range(20):
        if app.flow.current.step == step:
            return
        app.next_button.click()
        assert "wb-error" not in app.message.value, app.message.value
    raise AssertionError(f"never reached {step}")
