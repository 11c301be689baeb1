"""The residents' kernel websocket: only what a ballot page sends, in the framing browsers use.

Voilà's :class:`~voila.tornado.kernel_websocket_handler.VoilaKernelWebsocketHandler` accepts
any client. Three messages from a hostile one were enough to stop the whole residents'
server: a websocket opened *without* the v1 subprotocol, a widget with binary buffers
created from the browser, and a request for its state. The server then wrote the state
in the legacy binary framing, Voilà read that framing as v1 (``read_header_from_binary_message``
believes the first 8 bytes are a count) and the event loop never came back, growing by
megabytes a second. jupyter_server reads incoming v1 frames the same trusting way.

:class:`GuardedKernelWebsocketHandler` changes that, for the residents' server only:

* the connection must offer ``v1.kernel.websocket.jupyter.org`` (what Voilà's page and
  JupyterLab speak); otherwise HTTP 400 before the upgrade;
* every incoming frame is checked by :func:`.kernel_frames.parse_v1` before jupyter_server
  reads it; it must be a message a ballot page sends (:func:`refusal`): on the shell or
  control channel, a ``kernel_info_request``/``comm_info_request``, a ``comm_open`` of the
  widget *control* comm only (a page never creates widgets in the kernel: that is how the
  attack made its binary widget, and how one page grew its kernel from 39 to 286 MB), a
  ``comm_msg`` with a widget method, or a ``comm_close``; no binary buffers;
* at most :data:`MAX_MESSAGE_BYTES` a frame (tornado's ``websocket_max_message_size``, set
  by the app) and a token bucket of :data:`BURST` messages refilled at :data:`RATE` a second,
  where a request that makes the kernel answer with *everything* (all widget states, all
  comms, its info) costs :data:`EXPENSIVE` (2,000 ``comm_info_request`` at once kept the
  server busy for seconds answering them);
* at most :data:`MAX_SOCKETS_PER_KERNEL` websockets to one kernel at a time (each would
  have a bucket of its own);
* anything else closes *that* connection (code 1008), never the server;
* outgoing frames are read with the same checked parser (Voilà drops ``execute_input``
  messages, which would show the notebook's code); ``stderr`` streams are not sent to
  the page and the traceback of an ``error`` message is left out (residents never see
  source paths, whatever ``show_tracebacks`` says);
* widget traffic is reported to the kernel manager, whose culler treats a page without any
  as idle even while its websocket stays open (:mod:`werkboek.serving.voila_patches.kernel_cap`).
"""

from __future__ import annotations

import json
import time

from tornado import web
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from werkboek.serving.voila_patches.kernel_frames import V1_PROTOCOL, Frame, FrameError, parse_v1

MAX_MESSAGE_BYTES = 64 * 1024  # a tap is ~0.5 kB, a typed remark ≤ 2 kB
BURST = 120  # messages at once (a page connecting sends 4; dragging the map a few dozen)
RATE = 20.0  # messages a second, sustained
EXPENSIVE = 10  # what a kernel_info/comm_info request or a request for widget states costs
MAX_SOCKETS_PER_KERNEL = 3  # a page has one; a reconnect may briefly overlap the old one
ALLOWED_CHANNELS = ("shell", "control")
ALLOWED_TYPES = ("kernel_info_request", "comm_info_request", "comm_open", "comm_msg", "comm_close")
CONTROL_TARGET = "jupyter.widget.control"
WIDGET_METHODS = ("update", "request_state", "request_states", "custom")
POLICY_VIOLATION = 1008
KERNEL_GONE = 1011  # "the server met an unexpected condition": this kernel is no more

_OPEN: dict[str, set] = {}  # kernel id -> its open GuardedKernelWebsocketHandlers


def close_sockets_of(kernel_id: str) -> int:
    """Close every websocket of a kernel (it died); how many there were."""
    handlers = list(_OPEN.pop(kernel_id, ()))
    for handler in handlers:
        handler.close(KERNEL_GONE, "kernel gone")
    return len(handlers)


def refusal(frame: Frame) -> str | None:
    """Why a ballot page would never send ``frame`` (None: it might)."""
    if frame.channel not in ALLOWED_CHANNELS:
        return f"channel {frame.channel!r}"
    msg_type = frame.msg_type
    if msg_type not in ALLOWED_TYPES:
        return f"message type {msg_type!r}"
    if len(frame.parts) > 4:
        return "binary buffers"
    content = frame.content
    if msg_type == "comm_open" and content.get("target_name") != CONTROL_TARGET:
        return f"comm_open for {content.get('target_name')!r}"
    if msg_type == "comm_msg":
        data = content.get("data")
        if not isinstance(data, dict) or data.get("method") not in WIDGET_METHODS:
            return "comm_msg without a widget method"
    return None


class TokenBucket:
    def __init__(self, burst: int = BURST, rate: float = RATE):
        self.burst, self.rate = burst, rate
        self.tokens = float(burst)
        self.at = time.monotonic()

    def take(self, cost: int = 1) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < cost:
            return False
        self.tokens -= cost
        return True


def cost(frame: Frame) -> int:
    if frame.msg_type in ("kernel_info_request", "comm_info_request"):
        return EXPENSIVE
    if frame.msg_type == "comm_msg" and (frame.content.get("data") or {}).get("method") in ("request_state",
                                                                                           "request_states"):
        return EXPENSIVE
    return 1


class GuardedKernelWebsocketHandler(VoilaKernelWebsocketHandler):
    async def get(self, kernel_id):
        offered = [p.strip() for p in self.request.headers.get("Sec-WebSocket-Protocol", "").split(",")]
        if V1_PROTOCOL not in offered:
            self.log.warning("Refused a kernel websocket without the %s subprotocol", V1_PROTOCOL)
            raise web.HTTPError(400, "kernel websocket protocol v1 required")
        connections = getattr(self.kernel_manager, "_kernel_connections", {})
        if connections.get(kernel_id, 0) >= MAX_SOCKETS_PER_KERNEL:
            self.log.warning("Refused another websocket to kernel %s", kernel_id)
            raise web.HTTPError(429, "too many websockets to one kernel")
        self._bucket = TokenBucket()
        self._refused = False
        return await super().get(kernel_id)

    async def open(self, kernel_id):
        _OPEN.setdefault(kernel_id, set()).add(self)
        return await super().open(kernel_id)

    def on_close(self):
        sockets = _OPEN.get(getattr(self, "kernel_id", None) or "")
        if sockets is not None:
            sockets.discard(self)
            if not sockets:
                _OPEN.pop(self.kernel_id, None)
        return super().on_close()

    def select_subprotocol(self, subprotocols):
        return V1_PROTOCOL if V1_PROTOCOL in subprotocols else None

    def on_message(self, message):
        if self._refused:  # closing: what the client still sends is dropped unread
            return None
        why = None
        frame = None
        if not isinstance(message, bytes | bytearray):
            why = "a text frame (the legacy protocol)"
        else:
            try:
                frame = parse_v1(message)
                why = refusal(frame)
            except FrameError as exc:
                why = str(exc)
        if why is None and not self._bucket.take(cost(frame)):
            why = "too many messages"
        if why is not None:
            self._refused = True
            self.log.warning("Closing a kernel websocket (kernel %s): %s", getattr(self, "kernel_id", "?"), why)
            self.close(POLICY_VIOLATION, "not a ballot message")
            return None
        if frame.msg_type in ("comm_msg", "comm_open"):
            note = getattr(self.kernel_manager, "note_widget_activity", None)
            if note is not None:
                note(self.kernel_id)
        return super().on_message(message)

    def write_message(self, message, binary: bool = False):
        if isinstance(message, bytes | bytearray):
            message = _outgoing(message)
            if message is None:
                return None
        elif isinstance(message, dict):  # not used with v1, but never pass execute_input on
            if (message.get("header") or {}).get("msg_type") == "execute_input":
                return None
        # Voilà's own write_message would read the header with its unchecked reader
        return super(VoilaKernelWebsocketHandler, self).write_message(message, binary)


def _outgoing(message: bytes) -> bytes | None:
    """The frame to send to the page, or None to send nothing."""
    try:
        frame = parse_v1(message)
        msg_type = frame.msg_type
    except FrameError:
        return message  # not ours to judge (jupyter_server made it); it is not read here
    if msg_type == "execute_input":
        return None
    if msg_type == "stream" and frame.content.get("name") == "stderr":
        return None
    if msg_type == "error":
        content = dict(frame.content, traceback=[], evalue="")
        return _with_content(frame, content)
    return message


def _with_content(frame: Frame, content: dict) -> bytes:
    parts = list(frame.parts)
    parts[3] = json.dumps(content).encode()
    channel = frame.channel.encode()
    offsets = [8 * (1 + 1 + len(parts) + 1)]
    offsets.append(offsets[-1] + len(channel))
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    return b"".join([len(offsets).to_bytes(8, "little"), *(o.to_bytes(8, "little") for o in offsets), channel, *parts])
