"""Hostile clients against the residents' server and the console, as someone on the venue's wifi would try.

Each attack is an ``async`` function that does one thing a hostile phone or a hostile web page
could do and returns a :class:`Finding`: what was sent, what the server did, and whether the
defence held. ``tests/test_attacks.py`` asserts on them; ``benchmarks/bench_attacks.py`` runs
them while a real browser keeps voting and prints the figures.

The widget protocol is spoken by hand (:mod:`benchmarks.crowd.protocol`); raw frames are built
here. Attacks that must come from *another* address than the resident under test bind their
sockets to ``127.0.0.2`` (every 127.x.y.z is this machine on Linux), so the per-address
budgets tell the attacker and the resident apart as they would two phones.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field

import aiohttp

from benchmarks.crowd.protocol import V1, KernelGone, Message, ProtocolError, VoilaPage, encode_v1, kernel_id_in

ATTACKER_ADDRESS = "127.0.0.2"
DEFAULT_KERNELS_PER_ADDRESS = 12  # werkboek.serving.voila_patches.kernel_cap.CappedKernelManager.kernels_per_address


@dataclass
class Finding:
    name: str
    sent: str
    server_did: str
    held: bool
    figures: dict = field(default_factory=dict)

    def line(self) -> str:
        verdict = "held" if self.held else "BROKEN"
        figures = ", ".join(f"{k}={v}" for k, v in self.figures.items() if k != "kernel_ids")
        return f"{self.name:<28} {verdict:<7} sent: {self.sent}\n{'':<37}server: {self.server_did}" + (
            f"\n{'':<37}figures: {figures}" if figures else "")


def attacker_session(address: str = ATTACKER_ADDRESS, **kwargs) -> aiohttp.ClientSession:
    """A session from the attacker's own address, keeping (or not) cookies like a script would."""
    connector = aiohttp.TCPConnector(local_addr=(address, 0), force_close=True, limit=0)
    return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30), **kwargs)


async def responsive(base_url: str, timeout: float = 3.0) -> float | None:
    """Seconds the server takes to answer a static file (None: it did not answer in time)."""
    start = time.monotonic()
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as http:
            async with http.get(base_url + "voila/templates/werkboek/static/werkboek.css") as response:
                await response.read()
                if response.status != 200:
                    return None
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
        return None
    return time.monotonic() - start


def _legacy(msg_type: str, content: dict, session: str, metadata: dict | None = None) -> str:
    return json.dumps({"channel": "shell", "header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type,
                                                      "username": "", "session": session, "date": "",
                                                      "version": "5.3"},
                       "parent_header": {}, "metadata": metadata or {}, "content": content})


IMAGE_STATE = {"_model_name": "ImageModel", "_model_module": "@jupyter-widgets/controls",
               "_model_module_version": "2.0.0", "_view_name": "ImageView",
               "_view_module": "@jupyter-widgets/controls", "_view_module_version": "2.0.0"}


async def _page_kernel(http: aiohttp.ClientSession, base_url: str) -> str:
    async with http.get(base_url) as response:
        page = await response.text()
    kernel_id = kernel_id_in(page)
    if not kernel_id:
        raise ProtocolError(f"no kernel in the page (HTTP {response.status})")
    return kernel_id


async def legacy_binary_widget(base_url: str) -> Finding:
    """The hang: a websocket without the v1 subprotocol, a binary widget made from the browser, its state asked."""
    async with attacker_session() as http:
        kernel_id = await _page_kernel(http, base_url)
        session = str(uuid.uuid4())
        url = base_url.replace("http", "ws", 1) + f"api/kernels/{kernel_id}/channels?session_id={session}"
        try:
            ws = await http.ws_connect(url, max_msg_size=0)
        except aiohttp.WSServerHandshakeError as exc:
            alive = await responsive(base_url)
            return Finding("legacy-binary-hang", "websocket without subprotocol",
                           f"refused the upgrade (HTTP {exc.status}); static file after it in "
                           f"{_ms(alive)}", exc.status == 400 and alive is not None)
        comm = uuid.uuid4().hex
        await ws.send_str(_legacy("comm_open", {"comm_id": comm, "target_name": "jupyter.widget",
                                                "data": {"state": IMAGE_STATE, "buffer_paths": []}},
                                  session, {"version": "2.1.0"}))
        await ws.send_str(_legacy("comm_msg", {"comm_id": comm, "data": {"method": "request_state"}}, session))
        await asyncio.sleep(2)
        alive = await responsive(base_url)
        await ws.close()
    return Finding("legacy-binary-hang", "legacy websocket, Image widget from the browser, request_state",
                   f"accepted the legacy protocol; static file after it in {_ms(alive)}", alive is not None)


async def _v1_socket(http, base_url: str):
    kernel_id = await _page_kernel(http, base_url)
    url = base_url.replace("http", "ws", 1) + f"api/kernels/{kernel_id}/channels?session_id={uuid.uuid4()}"
    ws = await http.ws_connect(url, protocols=(V1,), max_msg_size=0)
    return kernel_id, ws


async def _closed_by_server(ws, timeout: float = 5.0) -> int | None:
    """Wait for the server to close the socket; its close code (None: still open after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = await asyncio.wait_for(ws.receive(), deadline - time.monotonic())
        except asyncio.TimeoutError:
            return None
        if msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED,
                        aiohttp.WSMsgType.ERROR):
            return ws.close_code
    return None


def _message(msg_type: str, content: dict, channel: str = "shell", buffers=()) -> bytes:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "", "session": "x", "date": "",
              "version": "5.3"}
    return encode_v1(Message(channel, header, {}, {"version": "2.1.0"}, content, list(buffers)))


async def forged_frame(base_url: str, frame: bytes, name: str, sent: str) -> Finding:
    """One frame on an otherwise proper v1 websocket; the server must close that socket and stay up."""
    async with attacker_session() as http:
        _kernel, ws = await _v1_socket(http, base_url)
        started = time.monotonic()
        try:
            await ws.send_bytes(frame)
        except (ConnectionResetError, aiohttp.ClientError):
            pass
        code = await _closed_by_server(ws)
        closed_after = time.monotonic() - started
        await ws.close()
    alive = await responsive(base_url)
    return Finding(name, sent, f"closed the socket (code {code}) after {_ms(closed_after)}; "
                               f"static file after it in {_ms(alive)}",
                   code is not None and alive is not None, {"close_code": code})


def huge_offset_count() -> bytes:
    return (2**60).to_bytes(8, "little") + bytes(64)


def widget_from_browser() -> bytes:
    return _message("comm_open", {"comm_id": uuid.uuid4().hex, "target_name": "jupyter.widget",
                                  "data": {"state": IMAGE_STATE, "buffer_paths": []}})


def with_buffers() -> bytes:
    return _message("comm_msg", {"comm_id": uuid.uuid4().hex, "data": {"method": "update", "state": {},
                                                                       "buffer_paths": [["value"]]}},
                    buffers=[bytes(1000)])


def execute_request() -> bytes:
    return _message("execute_request", {"code": "import os; os.system('id')", "silent": False})


def oversized(size: int = 1024 * 1024) -> bytes:
    return _message("comm_msg", {"comm_id": uuid.uuid4().hex, "data": {"method": "update",
                                                                       "state": {"value": "x" * size}}})


async def message_flood(base_url: str, count: int = 2000) -> Finding:
    """Thousands of harmless widget messages as fast as the socket takes them."""
    async with attacker_session() as http:
        _kernel, ws = await _v1_socket(http, base_url)
        frame = _message("comm_info_request", {})
        sent = 0
        try:
            for _ in range(count):
                await ws.send_bytes(frame)
                sent += 1
        except (ConnectionResetError, aiohttp.ClientError):
            pass
        code = await _closed_by_server(ws)
        await ws.close()
    alive = await responsive(base_url)
    return Finding("message-flood", f"{count} comm_info_requests at once",
                   f"closed the socket (code {code}); static file after it in {_ms(alive)}",
                   code is not None and alive is not None, {"close_code": code})


async def page_load_flood(base_url: str, loads: int = 60, *, keep_cookies: bool = False,
                          address: str = ATTACKER_ADDRESS) -> Finding:
    """Many page loads from one address (a script): each would start or take a kernel."""
    statuses: list[int] = []
    kernels: set[str] = set()
    jar = aiohttp.CookieJar(unsafe=True) if keep_cookies else aiohttp.DummyCookieJar()
    async with attacker_session(address, cookie_jar=jar) as http:
        for _ in range(loads):
            async with http.get(base_url) as response:
                body = await response.text()
                statuses.append(response.status)
                kernel_id = kernel_id_in(body) if response.status == 200 else None
                if kernel_id:
                    kernels.add(kernel_id)
    counts = {s: statuses.count(s) for s in sorted(set(statuses))}
    return Finding("page-load-flood", f"{loads} page loads from {address}"
                   + (" with cookies" if keep_cookies else " without cookies"),
                   f"answered {counts}", keep_cookies or counts.get(200, 0) <= DEFAULT_KERNELS_PER_ADDRESS,
                   {"statuses": counts, "kernels_handed_out": len(kernels), "kernel_ids": sorted(kernels)})


async def cross_site(base_url: str) -> dict[str, int]:
    """The ballot fetched the ways a foreign page can make a visitor's browser fetch it."""
    cases = {
        "iframe": {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "iframe"},
        "img": {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"},
        "fetch": {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty"},
        "link": {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"},
        "qr-scan": {"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"},
    }
    out = {}
    async with attacker_session() as http:
        for name, headers in cases.items():
            async with http.get(base_url + "?code=K7P-4QX", headers=headers) as response:
                body = await response.text()
                out[name] = (response.status, bool(kernel_id_in(body)))
    return out


async def shutdown_without_xsrf(base_url: str) -> tuple[int, int]:
    """POST the page's "close my kernel" beacon without and with the page's _xsrf cookie."""
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        kernel_id = await _page_kernel(http, base_url)
        form = aiohttp.FormData()
        form.add_field("_xsrf", "forged")
        async with http.post(base_url + f"voila/api/shutdown/{kernel_id}", data=form) as response:
            forged = response.status
        token = next((c.value for c in jar if c.key == "_xsrf"), "")
        form = aiohttp.FormData()
        form.add_field("_xsrf", token)
        async with http.post(base_url + f"voila/api/shutdown/{kernel_id}", data=form) as response:
            proper = response.status
    return forged, proper


# -- widget-level attacks (a page that speaks the protocol properly) ----------------------

async def open_ballot(http, base_url: str, query: str = "") -> VoilaPage:
    page = VoilaPage(http, base_url, timeout=60)
    await page.load(query)
    await page.connect()
    await page.sync_widgets()
    return page


def button(page: VoilaPage, label: str):
    found = page.find("ButtonModel", label)
    if not found:
        raise ProtocolError(f"no button {label!r} on the screen: {page.text()[:200]}")
    return found[0]


async def guess_codes(base_url: str, tries: int, *, address: str = ATTACKER_ADDRESS) -> Finding:
    """Type wrong stemcodes on one page, as fast as the page lets us; what did the page answer?"""
    import random

    from werkboek.model.codes import ALPHABET

    rng = random.Random(7)
    answers: list[tuple[float, str]] = []
    async with attacker_session(address, cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        page = await open_ballot(http, base_url)
        await page.click(button(page, "Beginnen"))
        started = time.monotonic()
        for _ in range(tries):
            box = page.find("TextModel")[0]
            guess = "".join(rng.choice(ALPHABET) for _ in range(6))
            await page.set_value(box, f"{guess[:3]}-{guess[3:]}")
            t0 = time.monotonic()
            await page.click(button(page, "Verder"))
            answers.append((time.monotonic() - t0, page.text()))
        elapsed = time.monotonic() - started
        await page.close()
    blocked = [i for i, (_t, text) in enumerate(answers) if "over een minuut" in text]
    return Finding("code-guessing", f"{tries} random codes typed on one page from {address}",
                   f"{len(answers) - len(blocked)} checked, {len(blocked)} refused without a check "
                   f"({tries / elapsed:.2f} tries/s)",
                   bool(blocked), {"rate_per_s": round(tries / elapsed, 2), "first_blocked": blocked[0] if blocked else None,
                                   "waits_s": [round(t, 1) for t, _ in answers]})


async def malformed_widget_message(base_url: str) -> Finding:
    """A widget update the kernel cannot take: does a traceback (with source paths) come back?"""
    async with attacker_session(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        page = await open_ballot(http, base_url)
        received: list[Message] = []
        original = page._handle

        def spy(msg):
            received.append(msg)
            original(msg)

        page._handle = spy
        target = page.find("ButtonModel", "Beginnen")[0]
        msg_id = await page.send_comm(target.comm_id, {"method": "update", "state": {"description": {"x": [1]},
                                                                                      "layout": 42}})
        try:
            await page.settle(msg_id)
        except (ProtocolError, KernelGone):
            pass
        await asyncio.sleep(0.5)
        await page.close()
    leaked = [m for m in received
              if m.msg_type in ("error", "stream") and ("Traceback" in json.dumps(m.content)
                                                         or "site-packages" in json.dumps(m.content))]
    return Finding("malformed-widget-message", "a comm_msg update with values of the wrong type",
                   f"{len(leaked)} messages with a traceback reached the page", not leaked,
                   {"messages": len(received)})


async def widget_memory_growth(base_url: str, kernel_rss, messages: int = 25) -> Finding:
    """The largest messages a page may send, 25 times; how much does its kernel grow?"""
    async with attacker_session(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        page = await open_ballot(http, base_url)
        before = kernel_rss(page.kernel_id)
        target = page.find("ButtonModel", "Beginnen")[0]
        closed = False
        for i in range(messages):
            try:
                await page.send_comm(target.comm_id, {"method": "update",
                                                      "state": {"tooltip": f"{i}" + "x" * 60_000}})
            except KernelGone:
                closed = True
                break
        await asyncio.sleep(1.0)
        after = kernel_rss(page.kernel_id)
        await page.close()
    grew = (after - before) / 2**20 if before and after else None
    return Finding("kernel-memory-growth", f"{messages} widget updates of 60 kB",
                   f"kernel {before / 2**20:.0f} → {after / 2**20:.0f} MB" if before and after else "kernel gone",
                   grew is not None and grew < 20, {"grew_mb": round(grew, 1) if grew is not None else None,
                                                    "socket_closed": closed})


async def console_requests(console_base: str, token: str) -> dict[str, int]:
    """What a DNS-rebinding page in the facilitator's browser would send to the console."""
    cases = {
        "no token": ({}, ""),
        "with token": ({}, f"?token={token}"),
        "rebinding host": ({"Host": "evil.example:8867"}, f"?token={token}"),
        "foreign origin": ({"Origin": "http://evil.example:8867"}, f"?token={token}"),
        "cross-site": ({"Sec-Fetch-Site": "cross-site"}, f"?token={token}"),
    }
    out = {}
    async with aiohttp.ClientSession() as http:
        for name, (headers, query) in cases.items():
            async with http.get(console_base + "voila/render/facilitator.ipynb" + query, headers=headers,
                                allow_redirects=False) as response:
                await response.read()
                out[name] = response.status
    return out


def _ms(seconds: float | None) -> str:
    return "NO ANSWER" if seconds is None else f"{seconds * 1000:.0f} ms"
