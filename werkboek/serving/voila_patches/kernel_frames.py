"""Reading kernel websocket frames without trusting them.

A kernel message crosses the websocket as one binary frame in the *v1 kernel websocket
protocol* (``v1.kernel.websocket.jupyter.org``, what JupyterLab and Voilà's page speak)::

    n (8 bytes, little endian) | n offsets (8 bytes each) | channel | header | parent | metadata | content | buffers…

jupyter_server and Voilà read such frames by believing ``n``: ``range(n)`` over whatever
the first 8 bytes say. A frame in another framing (the legacy protocol's 4-byte
big-endian count, say) or a forged one makes ``n`` a number like 2⁶⁰, and the list
comprehension never ends — the event loop of the whole residents' server stops and its
memory grows by megabytes a second (found by a hostile client, see ``benchmarks/attacks``).

:func:`parse_v1` checks every number against the frame's own length before slicing, and
raises :class:`FrameError` instead; the callers close that one connection.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"
MAX_PARTS = 64  # channel, 4 JSON parts and a few binary buffers; anything near this is not ours


class FrameError(ValueError):
    """The frame is not a well-formed v1 kernel message."""


@dataclass(frozen=True)
class Frame:
    channel: str
    parts: tuple[bytes, ...]  # header, parent header, metadata, content, buffers…

    def json_part(self, index: int) -> dict:
        """Part ``index`` (0 header, 1 parent header, 2 metadata, 3 content) as a JSON object."""
        if index >= len(self.parts):
            return {}
        raw = self.parts[index]
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            raise FrameError(f"part {index} is not JSON") from exc
        if not isinstance(value, dict):
            raise FrameError(f"part {index} is not a JSON object")
        return value

    @property
    def header(self) -> dict:
        return self.json_part(0)

    @property
    def content(self) -> dict:
        return self.json_part(3)

    @property
    def msg_type(self) -> str:
        value = self.header.get("msg_type")
        return value if isinstance(value, str) else ""


def parse_v1(data: bytes | bytearray | memoryview) -> Frame:
    """Split a v1 frame into its channel and parts, checking every offset first."""
    data = bytes(data)
    size = len(data)
    if size < 16:
        raise FrameError("frame too short")
    count = int.from_bytes(data[:8], "little")
    # n offsets bound n - 1 segments (channel, header, …); they must fit in the frame themselves
    if not 3 <= count <= MAX_PARTS or 8 * (count + 1) > size:
        raise FrameError(f"implausible number of offsets ({count}) for a frame of {size} bytes")
    offsets = [int.from_bytes(data[8 * (i + 1):8 * (i + 2)], "little") for i in range(count)]
    if offsets[0] != 8 * (count + 1):
        raise FrameError("the first part does not start right after the offsets")
    if any(b < a for a, b in zip(offsets, offsets[1:])) or offsets[-1] > size:
        raise FrameError("offsets are not in order within the frame")
    parts = [data[offsets[i]:offsets[i + 1]] for i in range(count - 1)]
    try:
        channel = parts[0].decode("ascii")
    except UnicodeDecodeError as exc:
        raise FrameError("channel is not ASCII") from exc
    return Frame(channel, tuple(parts[1:]))
