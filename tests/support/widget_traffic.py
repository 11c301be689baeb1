"""What a kernel's widgets send to the page, counted without a kernel or a page.

ipywidgets opens one comm per widget (and per layout and style) and sends one message per change;
:class:`Traffic` stands in for the comm layer and records each message: its kind (``open:<model>``,
``update:<traits>``, ``close``) and its size as JSON. Used by ``tests/widgets/test_widget_traffic.py``
and ``benchmarks/bench_widget_traffic.py``.
"""

from __future__ import annotations

import collections
import json
import uuid
from contextlib import contextmanager


class _Comm:
    def __init__(self, traffic: "Traffic", data=None, **_kwargs):
        self.traffic, self.comm_id, self.kernel = traffic, uuid.uuid4().hex, True
        traffic.record("open:" + (data or {}).get("state", {}).get("_model_name", "?"), data)

    def send(self, data=None, metadata=None, buffers=None):
        data = data or {}
        self.traffic.record(f"{data.get('method', '?')}:" + ",".join(sorted(data.get("state", {}))), data)

    def close(self, *args, **kwargs):
        self.traffic.record("close", {})

    def on_msg(self, callback):
        pass

    def on_close(self, callback):
        pass


class Traffic:
    """Messages since the last :meth:`take`: ``kinds`` (a Counter), ``count``, ``size`` (bytes)."""

    def __init__(self):
        self.kinds: collections.Counter = collections.Counter()
        self.size = 0

    def record(self, kind: str, data) -> None:
        self.kinds[kind] += 1
        self.size += len(json.dumps(data, default=str))

    @property
    def count(self) -> int:
        return sum(self.kinds.values())

    def take(self) -> "Traffic":
        """What was sent since the last take; starts counting afresh."""
        taken = Traffic()
        taken.kinds, taken.size = self.kinds, self.size
        self.kinds, self.size = collections.Counter(), 0
        return taken

    def opened(self, model: str) -> int:
        return self.kinds[f"open:{model}"]

    def updates(self, trait: str) -> int:
        return sum(n for kind, n in self.kinds.items() if kind.startswith("update:") and trait in kind[7:].split(","))


@contextmanager
def counted_traffic():
    """Within this block every widget made and changed is counted in the :class:`Traffic` yielded."""
    import comm
    from ipywidgets.widgets import widget as widget_module

    traffic = Traffic()
    saved = comm.create_comm, widget_module.comm.create_comm
    comm.create_comm = widget_module.comm.create_comm = lambda *a, **k: _Comm(traffic, **k)
    try:
        yield traffic
    finally:
        comm.create_comm, widget_module.comm.create_comm = saved
        # close what was made here (else each would close itself at interpreter exit, when
        # ipywidgets' own registry is gone, and print an error)
        for widget in [w for w in list(widget_module._instances.values()) if isinstance(w.comm, _Comm)]:
            widget.close()
