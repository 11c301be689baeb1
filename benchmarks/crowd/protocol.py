"""The browser side of a Voilà page, at the protocol level: HTTP, the kernel websocket, widget comms.

What a real chromium does (recorded in PROTOCOL.md) and what :class:`VoilaPage` repeats:

1. ``GET /?code=…`` — Voilà answers with the page; it names the kernel (``kernelId``) and,
   for a preheated kernel, already holds the widget views (``model_id`` of the root view).
2. ``GET /api/kernels/<id>`` — is the kernel alive?
3. websocket ``/api/kernels/<id>/channels?session_id=<uuid>``, subprotocol
   ``v1.kernel.websocket.jupyter.org`` (binary frames: offsets, channel, header, parent header,
   metadata, content, buffers).
4. ``kernel_info_request``; then ``comm_open`` of a ``jupyter.widget.control`` comm and
   ``comm_msg`` ``{"method": "request_states"}`` → one iopub ``comm_msg``
   ``{"method": "update_states", "states": {model_id: {"state": …}}}``; ``comm_close``.
5. A click: ``comm_msg`` ``{"method": "custom", "content": {"event": "click"}}``; a typed value:
   ``comm_msg`` ``{"method": "update", "state": {"value": …}, "buffer_paths": []}``. The kernel
   answers on iopub with ``comm_open`` for new widgets and ``comm_msg`` ``update`` for changes,
   wrapped in ``status`` busy/idle.

The widget protocol is written by hand here (the Python ipywidgets/jupyter_client packages
are kernel-side or blocking; we need hundreds of cheap asyncio clients in one process).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import re
import time
import uuid
from dataclasses import dataclass, field

import aiohttp

V1 = "v1.kernel.websocket.jupyter.org"
WIDGET_TARGET = "jupyter.widget"
CONTROL_TARGET = "jupyter.widget.control"
CONTROL_PROTOCOL_VERSION = "1.0.0"
PROTOCOL_VERSION = "5.3"


# -- the v1 websocket frame --------------------------------------------------------------

@dataclass
class Message:
    channel: str
    header: dict
    parent_header: dict
    metadata: dict
    content: dict
    buffers: list = field(default_factory=list)

    @property
    def msg_type(self) -> str:
        return self.header.get("msg_type", "")

    @property
    def parent_id(self) -> str | None:
        return self.parent_header.get("msg_id") if self.parent_header else None

    @property
    def sent_at(self) -> float | None:
        """When the kernel sent it (its header's ``date``, epoch seconds; same machine, same clock)."""
        try:
            return datetime.datetime.fromisoformat(self.header["date"]).timestamp()
        except (KeyError, TypeError, ValueError):
            return None

    def summary(self) -> dict:
        """A short, readable form (for PROTOCOL.md)."""
        content = self.content
        if self.msg_type in ("comm_open", "comm_msg") and "data" in content:
            data = dict(content["data"])
            if "state" in data:
                data["state"] = _short_state(data["state"])
            content = {**content, "data": data}
        return {"channel": self.channel, "msg_type": self.msg_type,
                "msg_id": self.header.get("msg_id", "")[:8], "parent": (self.parent_id or "")[:8],
                **({"metadata": self.metadata} if self.metadata else {}), "content": content}


def encode_v1(msg: Message) -> bytes:
    parts = [json.dumps(p, separators=(",", ":")).encode() for p in
             (msg.header, msg.parent_header, msg.metadata, msg.content)] + list(msg.buffers)
    channel = msg.channel.encode()
    offsets = [8 * (1 + 1 + len(parts) + 1)]
    offsets.append(offsets[-1] + len(channel))
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    return b"".join([len(offsets).to_bytes(8, "little"), *(o.to_bytes(8, "little") for o in offsets),
                     channel, *parts])


def decode_v1(frame: bytes) -> Message:
    count = int.from_bytes(frame[:8], "little")
    offsets = [int.from_bytes(frame[8 * (i + 1):8 * (i + 2)], "little") for i in range(count)]
    offsets.append(len(frame))
    parts = [frame[offsets[i]:offsets[i + 1]] for i in range(count)]
    channel = parts[0].decode()
    header, parent, metadata, content = (json.loads(p) if p else {} for p in parts[1:5])
    return Message(channel, header, parent, metadata, content, [bytes(b) for b in parts[5:] if b])


def _short_state(state: dict) -> dict:
    keep = ("_model_name", "description", "value", "children", "_dom_classes", "disabled", "tooltip",
            "options", "_options_labels", "index", "layout")
    out = {}
    for key in keep:
        if key in state:
            value = state[key]
            if isinstance(value, str) and len(value) > 120:
                value = value[:117] + "…"
            if isinstance(value, list) and len(value) > 6:
                value = value[:6] + [f"… {len(value) - 6} more"]
            out[key] = value
    others = sorted(set(state) - set(keep))
    if others:
        out["…"] = f"{len(others)} more keys"
    return out


# -- widgets as the frontend sees them ----------------------------------------------------

@dataclass
class Widget:
    comm_id: str
    state: dict

    @property
    def model(self) -> str:
        return self.state.get("_model_name", "")

    @property
    def description(self) -> str:
        return self.state.get("description", "")

    @property
    def classes(self) -> list[str]:
        return self.state.get("_dom_classes", [])

    def children(self) -> list[str]:
        return [c.removeprefix("IPY_MODEL_") for c in self.state.get("children", [])]


class ProtocolError(Exception):
    """The server did something a browser would show as broken (HTTP ≥ 500, websocket error, …)."""


class KernelGone(ProtocolError):
    """The websocket closed or the kernel died under us."""


_KERNEL_ID = re.compile(r'"kernelId"\s*:\s*"([0-9a-f-]{36})"|kernel_id\s*=\s*"([0-9a-f-]{36})"|'
                        r'data-kernel-id="([0-9a-f-]{36})"|/api/kernels/([0-9a-f-]{36})')
_VIEW = re.compile(r'application/vnd\.jupyter\.widget-view\+json.*?"model_id"\s*:\s*"([0-9a-f]{32})"', re.S)


def kernel_id_in(page: str) -> str | None:
    for match in _KERNEL_ID.finditer(page):
        return next(g for g in match.groups() if g)
    return None


def root_views_in(page: str) -> list[str]:
    return _VIEW.findall(page)


class VoilaPage:
    """One open browser tab on a Voilà page: its kernel websocket and the widgets it knows.

    All waits are bounded (``timeout``); nothing loops forever. ``errors`` collects what a
    resident would suffer from: iopub ``error`` messages, tracebacks on stderr, websocket errors.
    """

    def __init__(self, http: aiohttp.ClientSession, base_url: str, *, timeout: float = 60.0):
        self.http = http
        self.base_url = base_url.rstrip("/") + "/"
        self.timeout = timeout
        self.kernel_id: str | None = None
        self.session_id = str(uuid.uuid4())
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self.widgets: dict[str, Widget] = {}
        self.roots: list[str] = []
        self.errors: list[str] = []
        self.reader: asyncio.Task | None = None
        self.changed = asyncio.Event()
        self.replies: dict[str, asyncio.Future] = {}
        self.busy: set[str] = set()
        self.closed = False
        self.frames_in = 0
        self.frames_out = 0
        self._states_for: str | None = None
        # when (kernel clock, epoch s) the kernel began each of our comm messages (iopub status
        # busy), and when it sent the newest message we handled: the parts of a submit
        self.kernel_began: dict[str, float] = {}
        self.last_sent_at: float | None = None

    # -- page and connection ------------------------------------------------------------

    async def load(self, query: str = "") -> None:
        """``GET /<query>``: the page names its kernel (and, preheated, its widget views)."""
        url = self.base_url + (f"?{query}" if query else "")
        async with self.http.get(url, timeout=aiohttp.ClientTimeout(total=self.timeout)) as response:
            text = await response.text()
            if response.status >= 500:
                raise ProtocolError(f"GET / → HTTP {response.status}")
            if response.status != 200:
                raise ProtocolError(f"GET / → HTTP {response.status}")
        self.kernel_id = kernel_id_in(text)
        if not self.kernel_id:
            raise ProtocolError("the page names no kernel")
        self.roots = root_views_in(text)
        async with self.http.get(f"{self.base_url}api/kernels/{self.kernel_id}?{int(time.time() * 1000)}",
                                 timeout=aiohttp.ClientTimeout(total=self.timeout)) as response:
            await response.read()
            if response.status >= 500:
                raise ProtocolError(f"GET /api/kernels/<id> → HTTP {response.status}")

    async def connect(self, *, new_session: bool = False) -> None:
        """Open the kernel websocket (again: same kernel; ``new_session`` like a woken phone)."""
        if new_session:
            self.session_id = str(uuid.uuid4())
        ws_url = (self.base_url.replace("http", "ws", 1) +
                  f"api/kernels/{self.kernel_id}/channels?session_id={self.session_id}")
        try:
            self.ws = await self.http.ws_connect(ws_url, protocols=(V1,), max_msg_size=0,
                                                 timeout=aiohttp.ClientWSTimeout(ws_close=5),
                                                 heartbeat=None, autoping=True)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            raise ProtocolError(f"websocket connect: {exc!r}") from exc
        if self.ws.protocol != V1:
            raise ProtocolError(f"server chose websocket protocol {self.ws.protocol!r}")
        self.closed = False
        self.reader = asyncio.create_task(self._read())

    async def sync_widgets(self) -> None:
        """What the ipywidgets 8 manager in Voilà does on connect (see PROTOCOL.md):
        ``kernel_info_request``; open a ``jupyter.widget.control`` comm and send it
        ``request_states``; the kernel answers ``update_states`` with every widget's state at
        once; close the control comm."""
        await self.request("kernel_info_request", {})
        control = uuid.uuid4().hex
        opened = self._message("comm_open", {"comm_id": control, "target_name": CONTROL_TARGET, "data": {}})
        opened.metadata = {"version": CONTROL_PROTOCOL_VERSION}  # the kernel refuses the comm without it
        await self._send(opened)
        ask = self._message("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
        self._states_for = ask.header["msg_id"]
        await self._send(ask)
        await self.wait_for(lambda: self._states_for is None, what="update_states")
        await self._send(self._message("comm_close", {"comm_id": control, "data": {}}))

    async def drop(self) -> None:
        """The wifi goes: the TCP connection is cut without a websocket close frame."""
        self.closed = True
        if self.reader:
            self.reader.cancel()
        ws, self.ws = self.ws, None
        if ws is not None:
            transport = getattr(getattr(ws, "_writer", None), "transport", None)  # aiohttp 3.9+
            if transport is None:
                raise RuntimeError("cannot reach the websocket's transport to cut it")
            transport.abort()
            with contextlib.suppress(Exception):  # release aiohttp's side; nothing reaches the server
                await asyncio.wait_for(ws.close(), 1.0)

    async def close(self) -> None:
        """A clean close (tab closed, or the page reloaded)."""
        self.closed = True
        if self.ws is not None:
            await self.ws.close()
        if self.reader:
            self.reader.cancel()
        self.ws = None

    # -- sending ------------------------------------------------------------------------

    def _message(self, msg_type: str, content: dict, channel: str = "shell") -> Message:
        header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "",
                  "session": self.session_id, "date": "", "version": PROTOCOL_VERSION}
        return Message(channel, header, {}, {}, content)

    async def _send(self, msg: Message) -> None:
        if self.ws is None or self.ws.closed:
            raise KernelGone("websocket is not open")
        self.frames_out += 1
        await self.ws.send_bytes(encode_v1(msg))

    async def request(self, msg_type: str, content: dict) -> Message:
        """A shell request and its reply (bounded by ``timeout``)."""
        msg = self._message(msg_type, content)
        future = asyncio.get_running_loop().create_future()
        self.replies[msg.header["msg_id"]] = future
        await self._send(msg)
        try:
            return await asyncio.wait_for(future, self.timeout)
        except asyncio.TimeoutError as exc:
            raise ProtocolError(f"no reply to {msg_type} within {self.timeout:.0f} s") from exc
        finally:
            self.replies.pop(msg.header["msg_id"], None)

    async def send_comm(self, comm_id: str, data: dict) -> str:
        msg = self._message("comm_msg", {"comm_id": comm_id, "data": data})
        self.busy.add(msg.header["msg_id"])
        await self._send(msg)
        return msg.header["msg_id"]

    async def click(self, widget: Widget) -> None:
        await self.settle(await self.send_comm(widget.comm_id, {"method": "custom", "content": {"event": "click"}}))

    async def set_value(self, widget: Widget, value) -> None:
        widget.state["value"] = value
        await self.settle(await self.send_comm(
            widget.comm_id, {"method": "update", "state": {"value": value}, "buffer_paths": []}))

    async def set_index(self, widget: Widget, index: int) -> None:
        """A choice in a Dropdown: ipywidgets 8 sends the index, the kernel maps it to the value."""
        widget.state["index"] = index
        await self.settle(await self.send_comm(
            widget.comm_id, {"method": "update", "state": {"index": index}, "buffer_paths": []}))

    async def settle(self, msg_id: str) -> None:
        """Wait until the kernel has handled our message (iopub status idle for it)."""
        await self.wait_for(lambda: msg_id not in self.busy, what="kernel idle after a comm message")

    # -- receiving ----------------------------------------------------------------------

    async def _read(self) -> None:
        ws = self.ws
        try:
            async for frame in ws:
                if frame.type == aiohttp.WSMsgType.BINARY:
                    self.frames_in += 1
                    self._handle(decode_v1(frame.data))
                elif frame.type == aiohttp.WSMsgType.TEXT:  # the legacy JSON protocol
                    self.frames_in += 1
                    data = json.loads(frame.data)
                    self._handle(Message(data.get("channel", ""), data["header"], data.get("parent_header", {}),
                                         data.get("metadata", {}), data.get("content", {})))
                elif frame.type == aiohttp.WSMsgType.ERROR:
                    self.errors.append(f"websocket error: {ws.exception()!r}")
                    break
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 — report, never crash the crowd
            if not self.closed:
                self.errors.append(f"websocket reader: {exc!r}")
        finally:
            if not self.closed and ws.close_code not in (None, 1000, 1001):
                self.errors.append(f"websocket closed by server: code {ws.close_code}")
            self.changed.set()

    def _handle(self, msg: Message) -> None:
        kind, content = msg.msg_type, msg.content
        future = self.replies.get(msg.parent_id or "")
        if msg.channel == "shell" and future is not None and not future.done():
            future.set_result(msg)
        if kind == "comm_open" and content.get("target_name") == WIDGET_TARGET:
            self.widgets[content["comm_id"]] = Widget(content["comm_id"], dict(content["data"].get("state", {})))
        elif kind == "comm_msg":
            data = content.get("data", {})
            widget = self.widgets.get(content.get("comm_id"))
            if data.get("method") == "update_states" and msg.parent_id == self._states_for:
                for comm_id, model in data.get("states", {}).items():
                    self.widgets[comm_id] = Widget(comm_id, dict(model.get("state", {})))
                self._states_for = None
            elif data.get("method") in ("update", "echo_update"):
                if widget is None:
                    self.widgets[content["comm_id"]] = Widget(content["comm_id"], dict(data.get("state", {})))
                else:
                    widget.state.update(data.get("state", {}))
        elif kind == "comm_close":
            self.widgets.pop(content.get("comm_id"), None)
        elif kind == "error":
            self.errors.append(f"kernel error: {content.get('ename')}: {content.get('evalue')}")
        elif kind == "stream" and content.get("name") == "stderr" and "Traceback" in content.get("text", ""):
            self.errors.append("traceback on stderr: " + content["text"].strip().splitlines()[-1][:200])
        elif kind == "status" and content.get("execution_state") == "idle":
            self.busy.discard(msg.parent_id)
        elif kind == "status" and content.get("execution_state") == "busy" and msg.parent_id in self.busy:
            if (began := msg.sent_at) is not None:
                self.kernel_began[msg.parent_id] = began
        self.last_sent_at = msg.sent_at or self.last_sent_at
        self.changed.set()

    async def wait_for(self, condition, *, what: str, timeout: float | None = None):
        """Wait (bounded) until ``condition()`` is truthy; returns its value."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            value = condition()
            if value:
                return value
            if self.ws is None or self.ws.closed:
                raise KernelGone(f"websocket closed while waiting for {what}")
            left = deadline - time.monotonic()
            if left <= 0:
                raise ProtocolError(f"timed out waiting for {what}")
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), min(left, 1.0))
            except asyncio.TimeoutError:
                pass

    # -- finding widgets like a person looking at the screen ----------------------------

    def shown(self) -> list[Widget]:
        """Widgets reachable from the root views, skipping those with ``display: none``."""
        roots = [r for r in self.roots if r in self.widgets] or self._guess_roots()
        out, seen, stack = [], set(), list(reversed(roots))
        while stack:
            comm_id = stack.pop()
            if comm_id in seen or comm_id not in self.widgets:
                continue
            seen.add(comm_id)
            widget = self.widgets[comm_id]
            layout = self.widgets.get(str(widget.state.get("layout", "")).removeprefix("IPY_MODEL_"))
            if layout is not None and layout.state.get("display") == "none":
                continue
            out.append(widget)
            stack.extend(reversed(widget.children()))
        return out

    def _guess_roots(self) -> list[str]:
        """Without views from the page: the boxes that are nobody's child."""
        children = {c for w in self.widgets.values() for c in w.children()}
        return [c for c, w in self.widgets.items() if w.model.endswith("BoxModel") and c not in children]

    def find(self, model: str | None = None, description: str | None = None, css: str | None = None,
             enabled: bool = False) -> list[Widget]:
        return [w for w in self.shown()
                if (model is None or w.model == model)
                and (description is None or w.description == description)
                and (css is None or css in w.classes)
                and (not enabled or not w.state.get("disabled", False))]

    def text(self) -> str:
        """All HTML and labels shown, as one string (for "Stap 2 van 6", "Bedankt…")."""
        return " ".join(str(w.state.get("value", "")) for w in self.shown() if w.model in ("HTMLModel", "LabelModel"))
