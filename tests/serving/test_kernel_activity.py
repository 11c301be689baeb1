"""The residents' server's lighter activity watch (kernel_cap.CappedKernelManager.start_watching_activity)
keeps jupyter_server's own bookkeeping: the same ``last_activity`` and ``execution_state`` after
every message of a ballot's IOPub traffic, run through both side by side."""

from __future__ import annotations

from datetime import datetime, timezone

from jupyter_client.session import Session
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

from benchmarks.bench_activity import FakeKernel
from werkboek.serving.voila_patches.kernel_cap import CappedKernelManager

SENTINEL = datetime(2000, 1, 1, tzinfo=timezone.utc)
KEY = b"0123456789abcdef"


def iopub(session, msg_type, content, parent_type=None):
    parent = session.msg(parent_type, {}) if parent_type else {}
    msg = session.msg(msg_type, content, parent=parent)
    return session.serialize(msg, ident=f"kernel.x.{msg_type}".encode())


# what a ballot's kernel sends: starting up, Voilà running the notebook, widget traffic, a
# comm_info request (untracked), a status with no parent, a frame that is not a message
TRAFFIC = [
    ("status", {"execution_state": "starting"}, None),
    ("status", {"execution_state": "busy"}, "kernel_info_request"),
    ("status", {"execution_state": "idle"}, "kernel_info_request"),
    ("status", {"execution_state": "busy"}, "execute_request"),
    ("execute_input", {"code": "app", "execution_count": 1}, "execute_request"),
    ("comm_open", {"comm_id": "c1", "target_name": "jupyter.widget", "data": {}}, "execute_request"),
    ("display_data", {"data": {}, "metadata": {}}, "execute_request"),
    ("status", {"execution_state": "idle"}, "execute_request"),
    ("status", {"execution_state": "busy"}, "comm_info_request"),
    ("status", {"execution_state": "idle"}, "comm_info_request"),
    ("status", {"execution_state": "busy"}, "comm_msg"),
    ("comm_msg", {"comm_id": "c1", "data": {"method": "update", "state": {"value": "x"}}}, "comm_msg"),
    ("stream", {"name": "stdout", "text": "x"}, "comm_msg"),
    ("status", {"execution_state": "idle"}, "comm_msg"),
    ("stream", {"name": "stdout", "text": "y"}, None),
    ("status", {"execution_state": "idle"}, None),
]


def test_the_lighter_activity_watch_keeps_jupyter_servers_bookkeeping():
    ours, theirs = CappedKernelManager(), AsyncMappingKernelManager()
    kernels = {}
    for manager in (ours, theirs):
        kernel = kernels[manager] = FakeKernel(KEY, execution_state="starting")
        manager._kernels["k"] = kernel
        type(manager).start_watching_activity(manager, "k")
    assert type(ours).start_watching_activity is not AsyncMappingKernelManager.start_watching_activity
    session = Session(key=KEY)
    seen = []
    for msg_type, content, parent_type in TRAFFIC:
        frames = iopub(session, msg_type, content, parent_type)
        after = []
        for manager in (ours, theirs):
            kernel = kernels[manager]
            kernel.last_activity = manager.last_kernel_activity = SENTINEL
            kernel.stream.callback(list(frames))
            after.append((kernel.execution_state, kernel.last_activity != SENTINEL,
                          manager.last_kernel_activity != SENTINEL))
        assert after[0] == after[1], (msg_type, parent_type, after)
        seen.append(after[0])
    # the traffic did exercise both rules: some messages count as activity and some do not, and
    # the state went through idle and busy
    assert {s[1] for s in seen} == {True, False}
    assert {s[0] for s in seen} >= {"idle", "busy"}

    kernels[ours].stream.callback([b"not", b"a message"])  # no delimiter: ignored, nothing raised
    assert kernels[ours].execution_state == seen[-1][0]
