"""The pieces of werkboek.serving.voila_patches that need no server: frame parsing, fetch metadata, addresses."""

from __future__ import annotations

import json
import time

import pytest

from benchmarks.crowd.protocol import Message, encode_v1
from werkboek.serving.voila_patches import kernel_frames, kernel_websocket
from werkboek.serving.voila_patches.clients import client_address, fetch_refusal
from werkboek.serving.voila_patches.kernel_frames import FrameError, parse_v1


def frame(msg_type="comm_msg", content=None, channel="shell", buffers=()) -> bytes:
    return encode_v1(Message(channel, {"msg_type": msg_type, "msg_id": "1"}, {}, {}, content or {}, list(buffers)))


def test_a_proper_frame_is_read_back():
    parsed = parse_v1(frame("comm_msg", {"comm_id": "c", "data": {"method": "update"}}, buffers=[b"\x00\x01"]))
    assert parsed.channel == "shell" and parsed.msg_type == "comm_msg"
    assert parsed.content["data"]["method"] == "update" and parsed.parts[4] == b"\x00\x01"


@pytest.mark.parametrize("data", [
    b"",
    (2**60).to_bytes(8, "little") + bytes(64),  # the count that hung the server
    (5).to_bytes(8, "little") + bytes(16),  # offsets beyond the frame
    (3).to_bytes(8, "little") + (32).to_bytes(8, "little") + (999).to_bytes(8, "little") + (30).to_bytes(8, "little"),
    b"\x00\x00\x00\x02\x00\x00\x00\x0c\x00\x00\x00\x10{}{}",  # the legacy framing (4-byte big-endian count)
])
def test_a_bad_frame_is_refused_at_once(data):
    started = time.monotonic()
    with pytest.raises(FrameError):
        parse_v1(data)
    assert time.monotonic() - started < 2  # a count of 2**60 walked would never end; a busy CI machine can pause us briefly


def test_the_websocket_policy_allows_what_a_ballot_page_sends_and_nothing_else():
    allowed = [frame("kernel_info_request"), frame("comm_info_request"),
               frame("comm_open", {"target_name": "jupyter.widget.control", "comm_id": "c"}),
               frame("comm_msg", {"comm_id": "c", "data": {"method": "custom", "content": {"event": "click"}}}),
               frame("comm_close", {"comm_id": "c"})]
    assert [kernel_websocket.refusal(parse_v1(f)) for f in allowed] == [None] * len(allowed)
    refused = {
        "execute": frame("execute_request", {"code": "1"}),
        "widget": frame("comm_open", {"target_name": "jupyter.widget", "comm_id": "c"}),
        "buffers": frame("comm_msg", {"data": {"method": "update"}}, buffers=[b"x"]),
        "method": frame("comm_msg", {"data": {"method": "exec"}}),
        "channel": frame("comm_msg", {"data": {"method": "update"}}, channel="iopub"),
        "shutdown": frame("shutdown_request", {}),
    }
    for name, f in refused.items():
        assert kernel_websocket.refusal(parse_v1(f)) is not None, name


def test_outgoing_error_messages_lose_their_traceback_and_stderr_is_not_sent():
    error = frame("error", {"ename": "TraitError", "evalue": "/work/x.py", "traceback": ["File /work/x.py"]},
                  channel="iopub")
    cleaned = parse_v1(kernel_websocket._outgoing(error))
    assert cleaned.content == {"ename": "TraitError", "evalue": "", "traceback": []}
    assert "/work" not in json.dumps(cleaned.content)
    assert kernel_websocket._outgoing(frame("stream", {"name": "stderr", "text": "Traceback"}, "iopub")) is None
    assert kernel_websocket._outgoing(frame("execute_input", {"code": "secret"}, "iopub")) is None
    ordinary = frame("comm_msg", {"data": {"method": "update"}}, "iopub")
    assert kernel_websocket._outgoing(ordinary) is ordinary


def test_the_token_bucket_lets_a_burst_through_and_then_the_rate():
    bucket = kernel_websocket.TokenBucket(burst=10, rate=1000.0)
    assert all(bucket.take() for _ in range(10))
    bucket.tokens = 0
    assert not bucket.take(5)
    time.sleep(0.02)
    assert bucket.take(5)


@pytest.mark.parametrize("headers, expected", [
    ({}, None),  # an old phone or a script: the per-client budget holds it in check
    ({"Sec-Fetch-Site": "none", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}, None),  # QR code
    ({"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}, None),
    ({"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}, "cross-site"),
    ({"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}, "cross-site"),
    ({"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "iframe"}, "not-a-page"),
    ({"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"}, "not-a-page"),
    ({"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty"}, "not-a-page"),
])
def test_fetch_metadata_decides_who_gets_a_kernel(headers, expected):
    assert fetch_refusal(headers) == expected


def test_the_client_address_comes_from_the_proxy_only_when_told_and_only_from_loopback():
    assert client_address("192.0.2.5", "203.0.113.9", behind_proxy=False) == "192.0.2.5"  # never trusted by default
    assert client_address("127.0.0.1", "203.0.113.9", behind_proxy=True) == "203.0.113.9"  # our nginx
    assert client_address("192.0.2.5", "203.0.113.9", behind_proxy=True) == "192.0.2.5"  # not our nginx
    assert client_address("127.0.0.1", "not-an-ip", behind_proxy=True) == "127.0.0.1"


def test_request_info_is_only_for_kernels_on_this_machine():
    from tornado import web

    from werkboek.serving.voila_patches.apps import LoopbackRequestInfoHandler

    class Base:
        def get(self, *args, **kwargs):
            return "served"

    class Handler(LoopbackRequestInfoHandler, Base):
        def __init__(self, ip):
            self.request = type("Request", (), {"remote_ip": ip})()

    assert Handler("127.0.0.1").get("k") == "served"
    with pytest.raises(web.HTTPError) as refused:
        Handler("192.168.1.23").get("k")
    assert refused.value.status_code == 403


def test_the_patches_refuse_an_unknown_voila(monkeypatch):
    import voila

    from werkboek.serving import voila_patches

    voila_patches.check_versions()  # the pinned version: fine
    monkeypatch.setattr(voila, "__version__", "0.6.0")
    with pytest.raises(RuntimeError, match="review the patches"):
        voila_patches.check_versions()


def test_kernel_frames_reads_frames_the_way_jupyter_server_writes_them():
    from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

    parts = [json.dumps(p).encode() for p in ({"msg_type": "status"}, {}, {}, {"execution_state": "idle"})]
    parsed = kernel_frames.parse_v1(serialize_msg_to_ws_v1(parts, "iopub"))
    assert parsed.channel == "iopub" and parsed.msg_type == "status" and parsed.content["execution_state"] == "idle"
