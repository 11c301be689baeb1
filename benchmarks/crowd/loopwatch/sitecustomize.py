"""The residents' server's event loop, watched from inside (``run.py --watch-server-loop``).

Loaded by Python at start-up (this folder is put first on the server's ``PYTHONPATH``), only
in the process that finds ``WERKBOEK_LOOP_WATCH`` (a file path) in its environment; it takes
the variable out again, so the kernels the server starts do not watch themselves.

The loop's ``run_forever`` schedules a tick every 10 ms; a thread looks every 10 ms how long
ago the last tick ran. When the loop has not ticked for 100 ms, the thread records the main
thread's stack (once a block is seen, again every 100 ms while it lasts) and, when the loop
ticks again, the block's length. A block whose stacks all show the same place is work that
holds the loop; a block whose stacks differ is the process waiting for a core (or many short
pieces of work). Written as JSON lines to the file when the server stops (and every 5 s).
Benchmark instrumentation only: never in the product.
"""

import os

_OUT = os.environ.pop("WERKBOEK_LOOP_WATCH", None)

if _OUT:
    import asyncio
    import json
    import sys
    import threading
    import time
    import traceback

    _state = {"tick": None, "blocks": []}
    _run_forever = asyncio.BaseEventLoop.run_forever

    def _watched_run_forever(self):
        def tick():
            _state["tick"] = time.monotonic()
            self.call_later(0.01, tick)

        if _state["tick"] is None:
            self.call_soon(tick)
            threading.Thread(target=_watch, args=(threading.main_thread().ident,), daemon=True,
                             name="loop-watch").start()
        return _run_forever(self)

    def _stack(ident: int) -> list[str]:
        frame = sys._current_frames().get(ident)
        if frame is None:
            return []
        return [f"{f.filename.split('site-packages/')[-1]}:{f.lineno} {f.name}"
                for f in traceback.extract_stack(frame)][-14:]

    def _watch(ident: int) -> None:
        block, last_sample, last_flush = None, 0.0, time.monotonic()
        while True:
            time.sleep(0.01)
            now, tick = time.monotonic(), _state["tick"]
            late = now - tick
            if late >= 0.1:
                if block is None or block["tick"] != tick:
                    block = {"tick": tick, "t": round(time.time(), 3), "stacks": []}
                    _state["blocks"].append(block)
                    last_sample = 0.0
                if now - last_sample >= 0.1:
                    block["stacks"].append(_stack(ident))
                    last_sample = now
                block["ms"] = round(1000 * late)
            if now - last_flush >= 5:
                _flush()
                last_flush = now

    def _flush() -> None:
        with open(_OUT, "w") as out:
            for block in list(_state["blocks"]):
                out.write(json.dumps({k: v for k, v in block.items() if k != "tick"}) + "\n")

    asyncio.BaseEventLoop.run_forever = _watched_run_forever
    import atexit

    atexit.register(_flush)
