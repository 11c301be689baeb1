"""One simulated resident: opens the link, goes through the six steps, submits, sometimes misbehaves.

The resident finds controls the way a person does, by what they show (see PROTOCOL.md):
the Button "Beginnen"/"Verder"/"Stem versturen", the Text "Stemcode", the Dropdowns
"Buurt"/"Leeftijd", the "+" Buttons (tooltip "Eén stip erbij: <titel>"), the Textarea
"Uw opmerking…", and texts like "Stap 3 van 6" and "Bedankt, uw stem is ontvangen".

Behaviours (``Resident.behaviour``):

``normal``  goes through and closes the tab (shutdown beacon + clean websocket close).
``reload``  reloads the page halfway once: shutdown beacon, clean close, new page = new kernel,
            starts again from the beginning.
``drop``    the wifi drops once for a few seconds (socket aborted, no close frame), then the
            same page reconnects to the same kernel (same session id) and asks for the widget
            state again. Sometimes the drop comes right after the click on "Stem versturen".
``leave``   stops somewhere halfway and walks away: the socket is aborted, nothing else
            (the phone went to sleep); the server must free that kernel by itself.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

import aiohttp

from .protocol import KernelGone, ProtocolError, VoilaPage

THANKS = "Bedankt, uw stem is ontvangen"
BEHAVIOURS = ("normal", "reload", "drop", "leave")
MAX_LEEFGEBIED_SCREENS = 10  # bounds the step-4 loop (the ballot has at most five)


@dataclass
class Outcome:
    """What one resident experienced (times in seconds)."""

    index: int
    code: str
    behaviour: str
    ready: list[float] = field(default_factory=list)  # GET → first usable control known, per page load
    ready_at: list[float] = field(default_factory=list)  # when (since the crowd started) each became ready
    submit: float | None = None  # click on "Stem versturen" → "Bedankt" state
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
                 buurten: dict[str, str], age_groups: list[str], think: tuple[float, float],
                 rng: random.Random, t0: float, timeout: float = 60.0):
        self.base_url = base_url
        self.behaviour = behaviour
        self.titles = titles  # actie titel → actie id
        self.buurten = buurten  # buurt naam → statcode
        self.age_groups = age_groups  # in the order of the Dropdown, after "Zeg ik liever niet"
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

    async def vote(self) -> str:
        out = self.outcome  # a reload starts over: forget what the lost page held
        out.choices, out.buurt, out.age_group, out.remark = {}, None, None, ""
        page = await self.open_page()
        await self.think()
        await self.press("Beginnen", expect="Stap 2 van 6")
        if await self.mishap("code"):
            return "left"
        code_box = self.one("TextModel", "Stemcode")
        if code_box.state.get("value") != self.outcome.code:  # no code from the link: type it
            await page.set_value(code_box, self.outcome.code)
        await self.think()
        await self.press("Verder", expect="Stap 3 van 6")
        if await self.mishap("buurt"):
            return "left"
        await self.choose_buurt_and_age()
        await self.think()
        await self.press("Verder", expect="Stap 4 van 6")
        self.outcome.choices = {}
        for _screen in range(MAX_LEEFGEBIED_SCREENS):
            await self.place_points()
            if await self.mishap("stemmen"):
                return "left"
            await self.think()
            await self.press("Verder")
            if "Stap 5 van 6" in page.text():
                break
        else:
            raise ProtocolError("still on step 4 after every leefgebied screen")
        remark = self.rng.choice(["", "", "Meer licht in het park", "Meer bankjes bij de bushalte"])
        if remark:  # typed on a phone: the Textarea sends its value as it grows (continuous_update)
            box = self.one("TextareaModel")
            for end in sorted({len(remark) * k // 4 for k in range(1, 5)}):
                await page.set_value(box, remark[:end])
                await asyncio.sleep(self.rng.uniform(0.3, 1.0))
        self.outcome.remark = remark
        await self.think()
        await self.press("Verder", expect="Stap 6 van 6")
        await self.think()
        return await self.submit()

    async def submit(self) -> str:
        page = self.page
        start = time.monotonic()
        await page.send_comm(self.one("ButtonModel", "Stem versturen").comm_id,
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
        self.outcome.acknowledged = True
        await self.think()
        return "submitted"

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
        self.outcome.kernels.append(page.kernel_id)
        await page.connect()
        await page.sync_widgets()
        self.one("ButtonModel", "Beginnen")
        self.outcome.ready.append(time.monotonic() - start)
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

    async def press(self, description: str, expect: str | None = None) -> None:
        page = self.page
        await page.click(self.one("ButtonModel", description))
        if expect:
            await page.wait_for(lambda: expect in page.text(), what=expect)

    async def choose_buurt_and_age(self) -> None:
        """Pick a buurt and an age group from the lists (by label), or skip them (20 % each)."""
        page = self.page
        if self.rng.random() < 0.8:
            dropdown = self.one("DropdownModel", "Buurt")
            labels = dropdown.state.get("_options_labels", [])
            i = self.rng.randrange(1, len(labels))  # 0 is "Zeg ik liever niet"
            await page.set_index(dropdown, i)
            self.outcome.buurt = self.buurten[labels[i].replace("\xa0", " ")]
        if self.rng.random() < 0.8:
            dropdown = self.one("DropdownModel", "Leeftijd")
            i = self.rng.randrange(1, len(dropdown.state.get("_options_labels", [])))
            await page.set_index(dropdown, i)
            self.outcome.age_group = self.age_groups[i - 1]

    async def place_points(self) -> None:
        """Tap "+" a few times, on random acties, while a "+" is enabled."""
        page = self.page
        for _tap in range(self.rng.randint(1, 4)):
            plus = [w for w in page.find("ButtonModel", "+", enabled=True)
                    if str(w.state.get("tooltip", "")).startswith("Eén stip erbij: ")]
            if not plus:
                break
            button = self.rng.choice(plus)
            titel = button.state["tooltip"].removeprefix("Eén stip erbij: ")
            actie = self.titles[titel]
            await page.click(button)
            self.outcome.choices[actie] = self.outcome.choices.get(actie, 0) + 1
            await asyncio.sleep(self.rng.uniform(0.2, 1.0))

    async def think(self) -> None:
        low, high = self.think_range
        await asyncio.sleep(self.rng.uniform(low, high))


class Reloaded(Exception):
    """The resident reloaded the page: start over with a new page (and a new kernel)."""
