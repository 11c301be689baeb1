"""Benchmark: the residents' server's activity watch, per IOPub message — jupyter_server's own
(``Session.deserialize``: signature check, header and parent decoded with date parsing, a status
message twice) against ours (werkboek.serving.voila_patches.kernel_cap.activity_recorder: the JSON
it needs), on a ballot's traffic mix (mostly widget updates and their busy/idle status pairs).

    .venv/bin/python benchmarks/bench_activity.py [--messages 50000]

The server reads every kernel's IOPub twice (once for the page's websocket, once here); at 250
ballots in a minute this watch was 16 % of the server's event loop (crowd round 5, py-spy).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


class FakeIOPub:
    """Stands in for a kernel's IOPub stream: keeps the callback the activity watch registers."""

    def on_recv(self, callback):
        self.callback = callback


class FakeKernel:
    """The little of a jupyter_server kernel manager the activity watch touches (also used by
    tests/serving/test_kernel_activity.py)."""

    def __init__(self, key: bytes, execution_state: str = "idle"):
        from jupyter_client.session import Session

        self.execution_state = execution_state
        self.session = Session(key=key)
        self.stream = FakeIOPub()

    def connect_iopub(self):
        return self.stream


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50_000)
    args = parser.parse_args()

    from jupyter_client.session import Session
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    from werkboek.serving.voila_patches.kernel_cap import CappedKernelManager

    key = b"0123456789abcdef0123456789abcdef"
    session = Session(key=key)

    def message(msg_type, content, parent_type):
        parent = session.msg(parent_type, {})
        return session.serialize(session.msg(msg_type, content, parent=parent), ident=b"kernel.x." + msg_type.encode())

    state = {"value": "K7P-4Q", "description": "Stemcode", "layout": "IPY_MODEL_0123456789abcdef"}
    mix = [  # one tap: busy, an echo of the new state, idle
        ("status", {"execution_state": "busy"}),
        ("comm_msg", {"comm_id": "c" * 32, "data": {"method": "update", "state": state, "buffer_paths": []}}),
        ("status", {"execution_state": "idle"}),
    ]
    # every message its own (jupyter_client refuses a signature it has seen: replay protection)
    frames = [message(*mix[i % len(mix)], "comm_msg") for i in range(args.messages + 300)]
    timings = {}
    for label, manager in (("jupyter_server", AsyncMappingKernelManager()), ("ours", CappedKernelManager())):
        kernel = FakeKernel(key)
        manager._kernels["k"] = kernel
        type(manager).start_watching_activity(manager, "k")
        record = kernel.stream.callback
        for f in frames[:300]:  # warm up
            record(list(f))
        batch = [list(f) for f in frames[300:]]
        started = time.perf_counter()
        for f in batch:
            record(f)
        timings[label] = (time.perf_counter() - started) / len(batch)
        print(f"{label:15s} {timings[label] * 1e6:6.1f} µs a message ({len(batch)} messages)")
    print(f"ours vs jupyter_server: {timings['jupyter_server'] / timings['ours']:.1f}x less time a message")


if __name__ == "__main__":
    main()
