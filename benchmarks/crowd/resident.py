"""One simulated resident: opens the link, goes through the six steps, submits, sometimes misbehaves.

The resident finds controls the way a person does, by what they show (see PROTOCOL.md):
the Button "Beginnen"/"Verder"/"Stem versturen", the Text "Stemcode", the Dropdowns
"Buurt"/"Leeftijd", the "+" Buttons (tooltip "Eén stip erbij: <titel>"), the Textarea
"Uw opmerking…", and texts like "Stap 3 van 6" and "Bedankt, uw stem is ontvangen".
What the resident expects in the store is what step 6 ("Kloppen uw keuzes?") showed when
they pressed "Stem versturen" — read from that screen, not from their own bookkeeping.

Behaviours (``Resident.behaviour``):

``normal``  goes through and closes the tab (shutdown beacon + clean websocket close).
``reload``  reloads the page halfway once: shutdown beacon, clean close, new page = new kernel;
            goes on from whatever screen the new page shows (the app may restore the saved
            draft and continue where the resident was).
``drop``    the wifi drops once for a few seconds (socket aborted, no close frame), then the
            same page reconnects to the same kernel (same session id) and asks for the widget
            state again. Sometimes the drop comes right after the click on "Stem versturen".
``leave``   stops somewhere halfway and walks away: the socket is aborted, nothing else
            (the phone went to sleep); the server must free that kernel by itself.
"""

from __future__ import annotations

import asyncio
import html
import random
import re
import time
from dataclasses import dataclass, field

import aiohttp

from .protocol import KernelGone, ProtocolError, VoilaPage

THANKS = "Bedankt, uw stem is ontvangen"
BEHAVIOURS = ("normal", "reload", "drop", "leave")
MAX_ACTIONS = 40  # bounds one page's walk through the screens (a ballot needs about 10)
SCREENS = ("welkom", "code", "buurt", "stemmen", "opmerking", "controle")


@dataclass
class Outcome:
    """What one resident experienced (times in seconds)."""

    index: int
    code: str
    behaviour: str
    ready: list[float] = field(default_factory=list)  # GET → first usable control known, per page load
    ready_at: list[float] = field(default_factory=list)  # when (since the crowd started) each became ready
    # per page load, the parts of ``ready``: the page's HTML (GET), the websocket (open and
    # kernel_info), the widgets' state (request_states → update_states)
    ready_parts: list[tuple[float, float, float]] = field(default_factory=list)
    submit: float | None = None  # click on "Stem versturen" → "Bedankt" state
    # the parts of ``submit``: click → the kernel begins it (the server forwards, the kernel
    # wakes), the kernel's work until it sends "Bedankt" (the store's answer included), and
    # "Bedankt" on its way back through the server to the phone
    submit_parts: tuple[float, float, float] | None = None
    submit_at: float | None = None  # when (since the crowd started) "Stem versturen" was pressed
    submit_through_drop: float | None = None  # the same, when the wifi dropped right after the click
    acknowledged: bool = False
    choices: dict[str, int] = field(default_factory=dict)
    buurt: str | None = None
    age_group: str | None = None
    remark: str = ""
    errors: list[str] = field(default_factory=list)
    http_5xx: int = 0
    beacons_refused: int = 0  # the tab's shutdown beacon got 403: the kernel stays until culled
    page_loads: int = 0
    reconnects: int = 0
    kernels: list[str] = field(default_factory=list)
    finished: str = ""  # "submitted", "left", "failed"


class Resident:
    def __init__(self, index: int, base_url: str, code: str, behaviour: str, *, titles: dict[str, str],
                 buurten: dict[str, str], age_groups: dict[str, str], think: tuple[float, float],
                 rng: random.Random, t0: float, timeout: float = 60.0):
        self.base_url = base_url
        self.behaviour = behaviour
        self.titles = titles  # actie titel → actie id
        self.buurten = buurten  # buurt naam → statcode
        self.age_by_label = age_groups  # age label (as on screen) → age group key
        self.think_range = think
        self.rng = rng
        self.t0 = t0
        self.timeout = timeout
        self.outcome = Outcome(index, code, behaviour)
        self.page: VoilaPage | None = None
        self.mishap_at = rng.choice(["code", "buurt", "stemmen", "submit"]) if behaviour != "normal" else None
        self.mishap_done = False

    # -- the evening ----------------------------------------------------------------------

    async def run(self) -> Outcome:
        jar = aiohttp.CookieJar(unsafe=True)  # 127.0.0.1 is an IP address: keep its cookies
        async with aiohttp.ClientSession(cookie_jar=jar, timeout=aiohttp.ClientTimeout(total=self.timeout)) as http:
            self.http = http
            try:
                for _attempt in range(3):  # a reload starts over; bounded
                    try:
                        result = await self.vote()
                    except Reloaded:
                        continue
                    self.outcome.finished = result
                    break
            except (ProtocolError, aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
                self.outcome.errors.append(f"{type(exc).__name__}: {exc}")
                self.outcome.finished = "failed"
            finally:
                if self.page is not None:
                    self.outcome.errors += self.page.errors
                    self.page.errors = []
                    if self.outcome.finished != "left":
                        await self.close_tab()
                    else:
                        await self.page.drop()
        return self.outcome

    async def vote(self) -> str:  # noqa: C901 - one branch per screen reads best here
        """Look at the screen, do what it asks, until "Bedankt" (bounded).

        Screen-driven, not a fixed script: after a reload the app may continue on the saved
        screen with the saved draft ("We gaan verder waar u was gebleven").
        """
        page = await self.open_page()
        done_here: set[str] = set()  # screens already filled in on this page
        for _action in range(MAX_ACTIONS):
            screen = self.screen()
            if screen == "welkom":
                await self.think()
                await self.press("Beginnen", leaving="welkom")
            elif screen == "code":
                if await self.mishap("code"):
                    return "left"
                code_box = self.one("TextModel", "Stemcode")
                if code_box.state.get("value") != self.outcome.code:  # no code from the link: type it
                    await page.set_value(code_box, self.outcome.code)
                await self.think()
                await self.press("Verder", leaving="code")
            elif screen == "buurt":
                if await self.mishap("buurt"):
                    return "left"
                if "buurt" not in done_here:
                    await self.choose_buurt_and_age()
                    done_here.add("buurt")
                await self.think()
                await self.press("Verder", leaving="buurt")
            elif screen.startswith("stemmen"):
                if screen not in done_here:
                    await self.place_points()
                    done_here.add(screen)
                if await self.mishap("stemmen"):
                    return "left"
                await self.think()
                await self.press("Verder", leaving=screen)
            elif screen == "opmerking":
                if "opmerking" not in done_here:
                    await self.write_remark()
                    done_here.add("opmerking")
                await self.think()
                await self.press("Verder", leaving="opmerking")
            elif screen == "controle":
                await self.think()
                return await self.submit()
            elif screen == "bedankt":
                return "submitted"
            else:
                raise ProtocolError(f"unknown screen: {page.text()[:200]!r}")
        raise ProtocolError(f"no 'Bedankt' after {MAX_ACTIONS} actions")

    def screen(self) -> str:
        """Which screen is shown: welkom, code, buurt, stemmen:<Onderwerp i>, opmerking, controle, bedankt."""
        text = self.page.text()
        if THANKS in text:
            return "bedankt"
        step = re.search(r"Stap (\d) van ([56])", text)
        if step is None:
            raise ProtocolError(f"no 'Stap n van 6' on screen: {text[:200]!r}")
        # five steps when the link's code was good (no code step), six when it must be typed
        screens = SCREENS if step.group(2) == "6" else tuple(s for s in SCREENS if s != "code")
        name = screens[int(step.group(1)) - 1]
        if name == "stemmen":
            part = re.search(r"Onderwerp (\d+) van (\d+)", text)
            name += f":{part.group(1) if part else '?'}"
        return name

    async def submit(self) -> str:
        page = self.page
        self.read_review()  # what the resident confirms is what must be in the store
        start, clicked_at = time.monotonic(), time.time()
        self.outcome.submit_at = start - self.t0
        click = await page.send_comm(self.one("ButtonModel", "Stem versturen").comm_id,
                                     {"method": "custom", "content": {"event": "click"}})
        if await self.mishap("submit"):
            return "left"
        interrupted = self.mishap_at == "submit" and self.mishap_done
        try:
            await page.wait_for(lambda: THANKS in page.text(), what="Bedankt")
        except KernelGone:
            if self.behaviour != "drop":
                raise
        if THANKS not in page.text():
            raise ProtocolError("no 'Bedankt' after 'Stem versturen': " + page.text()[-200:])
        if interrupted:  # the wifi dropped in between: not a measure of the server
            self.outcome.submit_through_drop = time.monotonic() - start
        else:
            self.outcome.submit = time.monotonic() - start
            began, thanked = page.kernel_began.get(click), page.last_sent_at
            if began is not None and thanked is not None:
                self.outcome.submit_parts = (began - clicked_at, thanked - began, time.time() - thanked)
        self.outcome.acknowledged = True
        await self.think()
        return "submitted"

    def read_review(self) -> None:
        """Read step 6 ("Kloppen uw keuzes?") like the resident does: acties, buurt, age, remark."""
        summary = next((w.state.get("value", "") for w in self.page.shown() if "wb-summary" in w.classes), None)
        if summary is None:
            raise ProtocolError("no summary on step 6")
        out = self.outcome
        out.choices = {}
        for titel, amount in re.findall(r"<li>(.*?): (\d+) stip", summary):
            out.choices[self.titles[html.unescape(titel)]] = int(amount)
        pairs = (re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", summary)  # "Buurt" → "Beersdal", either layout
                 + re.findall(r"<strong>(.*?):</strong>\s*(.*?)</p>", summary))
        facts = {html.unescape(k): html.unescape(v) for k, v in pairs}
        out.buurt = self.buurten.get(facts.get("Buurt", ""))
        out.age_group = self.age_by_label.get(facts.get("Leeftijd", ""))
        out.remark = facts.get("Opmerking", "")

    # -- page, tab and network --------------------------------------------------------------

    async def open_page(self) -> VoilaPage:
        start = time.monotonic()
        page = VoilaPage(self.http, self.base_url, timeout=self.timeout)
        self.page = page
        self.outcome.page_loads += 1
        try:
            await page.load(f"code={self.outcome.code}")
        except ProtocolError as exc:
            if "HTTP 5" in str(exc):
                self.outcome.http_5xx += 1
            raise
        loaded = time.monotonic()
        self.outcome.kernels.append(page.kernel_id)
        await page.connect()
        connected = time.monotonic()
        await page.sync_widgets()
        # ready: the first usable control is known ("Beginnen", or "Verder" on a resumed draft)
        if not page.find("ButtonModel", css="wb-primary", enabled=True):
            raise ProtocolError(f"no usable button after loading: {page.text()[:200]!r}")
        now = time.monotonic()
        self.outcome.ready_parts.append((loaded - start, connected - loaded, now - connected))
        self.outcome.ready.append(now - start)
        self.outcome.ready_at.append(time.monotonic() - self.t0)
        return page

    async def close_tab(self) -> None:
        """What the page's ``beforeunload`` does: a shutdown beacon, then the socket closes."""
        page = self.page
        if page is None or page.kernel_id is None:
            return
        form = aiohttp.FormData()
        xsrf = next((c.value for c in self.http.cookie_jar if c.key == "_xsrf"), "")
        form.add_field("_xsrf", xsrf)
        try:
            async with self.http.post(f"{page.base_url}voila/api/shutdown/{page.kernel_id}", data=form) as response:
                await response.read()
                if response.status >= 500:
                    self.outcome.http_5xx += 1
                if response.status == 403:  # see RESULTS.md: Voilà's page never sets the _xsrf cookie
                    self.outcome.beacons_refused += 1
                elif response.status != 204:
                    self.outcome.errors.append(f"shutdown beacon → HTTP {response.status}")
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            self.outcome.errors.append(f"shutdown beacon: {exc!r}")
        await page.close()

    async def mishap(self, where: str) -> bool:
        """Reload, drop or leave here, if that is this resident's plan. True: the resident left."""
        if self.mishap_done or where != self.mishap_at:
            return False
        self.mishap_done = True
        if self.behaviour == "leave":
            return True
        if self.behaviour == "reload":
            self.outcome.errors += self.page.errors
            await self.close_tab()
            raise Reloaded()
        if self.behaviour == "drop":
            await self.page.drop()
            await asyncio.sleep(self.rng.uniform(2.0, 8.0))
            self.outcome.reconnects += 1
            await self.page.connect()  # same kernel, same session: the server replays what we missed
            await self.page.sync_widgets()
        return False

    # -- looking and pressing ---------------------------------------------------------------

    def one(self, model: str, description: str | None = None):
        found = self.page.find(model, description)
        if not found:
            raise ProtocolError(f"no {model} {description or ''!r} on screen: {self.page.text()[:200]!r}")
        return found[0]

    async def press(self, description: str, leaving: str | None = None) -> None:
        """Tap a button; with ``leaving``, wait until another screen shows (or an error message)."""
        page = self.page
        await page.click(self.one("ButtonModel", description))
        if leaving:
            await page.wait_for(lambda: self._moved_from(leaving), what=f"a screen after {leaving}")
            if self._moved_from(leaving) == "error":
                raise ProtocolError(f"the app refused to go on from {leaving}: {self.page.text()[-200:]!r}")

    def _moved_from(self, leaving: str):
        try:
            if self.screen() != leaving:
                return "moved"
        except ProtocolError:
            return False
        return "error" if 'role="alert"' in self.page.text() else False

    async def choose_buurt_and_age(self) -> None:
        """Pick a buurt and an age group from the lists (by label), or skip them (20 % each)."""
        page = self.page
        if self.rng.random() < 0.8:
            dropdown = self.one("DropdownModel", "Buurt")
            labels = dropdown.state.get("_options_labels", [])
            i = self.rng.randrange(1, len(labels))  # 0 is "Zeg ik liever niet"
            await page.set_index(dropdown, i)
        if self.rng.random() < 0.8:
            dropdown = self.one("DropdownModel", "Leeftijd")
            i = self.rng.randrange(1, len(dropdown.state.get("_options_labels", [])))
            await page.set_index(dropdown, i)

    async def write_remark(self) -> None:
        """Sometimes a remark, typed as on a phone: the Textarea sends its value as it grows."""
        remark = self.rng.choice(["", "", "Meer licht in het park", "Meer bankjes bij de bushalte"])
        box = self.one("TextareaModel")
        if not remark or box.state.get("value"):
            return
        for end in sorted({len(remark) * k // 4 for k in range(1, 5)}):
            await self.page.set_value(box, remark[:end])
            await asyncio.sleep(self.rng.uniform(0.3, 1.0))

    async def place_points(self) -> None:
        """Tap "+" a few times, on random acties, while a "+" is enabled."""
        page = self.page
        for _tap in range(self.rng.randint(1, 4)):
            plus = [w for w in page.find("ButtonModel", "+", enabled=True)
                    if str(w.state.get("tooltip", "")).startswith("Eén stip erbij: ")]
            if not plus:
                break
            button = self.rng.choice(plus)
            await page.click(button)
            await asyncio.sleep(self.rng.uniform(0.2, 1.0))

    async def think(self) -> None:
        low, high = self.think_range
        await asyncio.sleep(self.rng.uniform(low, high))


class Reloaded(Exception):
    """The resident reloaded the page: start over with a new page (and a new kernel)."""
