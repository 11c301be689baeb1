"""The kernel a batch worker keeps warm, apart from papermill so it can start first.

A worker's fixed start was its imports (papermill, nbconvert, the catalogue: ~1.9 s), then the
kernel's start (~0.8 s), then the kernel's own imports (~1 s), one after the other.
:func:`start_preloaded` starts the kernel before anything heavy is imported and has it import
the scenario code on a thread, while the worker imports its own; :mod:`.engine` then adopts it.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from jupyter_client.manager import KernelManager

from werkboek import settings as config

# The namespace cleared between scenarios, then what survives frozen (gc.freeze: the modules and
# caches a scenario leaves behind are long-lived): %reset's full garbage collections then scan only
# what the next scenario made — 134 ms → 6 ms a reset with the scenario code loaded (measured
# in a warm kernel). A cycle among frozen objects that later becomes garbage is not collected;
# frozen are only what outlived a reset, so that is the imported code's own, small.
RESET = "get_ipython().run_line_magic('reset', '-f'); __import__('gc').freeze()"
# What a worker's kernel imports before its first scenario (the scenario notebook's setup cell,
# the catalogue, and one tiny Equal Shares run that loads numba's compiled code from its cache);
# the names go with the first reset, the modules and caches stay.
PRELOAD = """\
import werkboek.scenarios, werkboek.scenarios.report
from werkboek.model.catalogue import catalogue as _c
_c()
from werkboek.scenarios.mes import equal_shares as _e
_e([3, 5, 4], [[1, 0, 1], [0, 1, 0], [1, 1, 0]], [2, 1, 3], 7, [0, 1, 2], step=1)
del _c, _e
import gc
gc.collect()
gc.freeze()  # see RESET
del gc
"""


# The batch kernels' own IPython directory (as the residents' kernels have theirs): no input history
# (two workers' kernels starting at once raced for the one history.sqlite; a batch keeps no
# history), no user profile or startup files (a scenario's report must not depend on whose
# machine ran it), and no debugger: ipykernel builds one in every kernel whose Python can import
# ``debugpy``, and importing it loads pydevd (~100 modules) in each worker's kernel start; nobody
# debugs a headless batch (135 modules fewer; the start itself only ~0.04 s faster, measured by hand:
# docs/notes/issue-15-batch.md).
BATCH_IPYTHON_CONFIG = """\
# Written by werkboek.scenarios.warm_kernel: the scenario batch's kernels use this IPython directory.
c.HistoryManager.enabled = False
import sys
if "ipykernel.debugger" not in sys.modules:  # else it is too late: ipykernel has its debugger
    sys.modules.setdefault("debugpy", None)  # ``import debugpy`` raises ImportError: no debugger
"""


def batch_ipython_dir(home: Path | None = None) -> Path:
    """The batch kernels' IPython directory (written when missing or changed)."""
    directory = (home or config.home_dir()) / "batch-ipython"
    profile = directory / "profile_default" / "ipython_kernel_config.py"
    if not profile.exists() or profile.read_text(encoding="utf-8") != BATCH_IPYTHON_CONFIG:
        profile.parent.mkdir(parents=True, exist_ok=True)
        partial = profile.with_suffix(f".{os.getpid()}.tmp")  # two workers may write it at once
        partial.write_text(BATCH_IPYTHON_CONFIG, encoding="utf-8")
        partial.replace(profile)
    return directory


def start_batch_kernel(km: KernelManager, cwd: str | None = None) -> None:
    """Start ``km``'s kernel with the batch's IPython directory."""
    env = {**os.environ, "IPYTHONDIR": str(batch_ipython_dir())}
    km.start_kernel(cwd=cwd, extra_arguments=[], env=env)


class WarmKernelManager(KernelManager):
    """Hands nbclient one client for all notebooks of this kernel, its channels open.

    A new client per notebook cost ~0.21 s of a warm scenario's ~0.9 s (cProfile, 8 warm
    scenarios): ``wait_for_ready`` sends ``kernel_info`` and waits 0.2 s for an IOPub
    message, which a freshly subscribed socket usually misses the first time (ZeroMQ's
    slow joiner), so it asks again. The kept client is ready once; nbclient matches every
    message to its own request (``parent_header.msg_id``), so what is left on the channels
    from the reset or an earlier notebook is passed over.
    """

    def client(self, **kwargs):
        kept = self.__dict__.get("kept_client")
        if kept is not None and kept.channels_running:
            return kept
        made = super().client(**kwargs)
        made.start_channels()
        made.wait_for_ready(timeout=60)
        # nbclient starts channels and waits for ready on whatever client() returns: already done
        made.start_channels = lambda *args, **kw: None
        made.wait_for_ready = lambda *args, **kw: None
        self.__dict__["kept_client"] = made
        return made

    def close_clients(self) -> None:
        """Close the kept client's channels (when the kernel is shut down)."""
        made = self.__dict__.pop("kept_client", None)
        if made is not None:
            try:
                type(made).stop_channels(made)
            except Exception:  # noqa: BLE001 - closing what may be closed already
                pass


def start_preloaded(kernel_name: str, cwd: str | None = None) -> tuple[WarmKernelManager, threading.Thread]:
    """Start a kernel now; a thread waits until it is ready and sends :data:`PRELOAD` (not waiting
    for it to finish: the first scenario's reset does). Join the thread before using the kernel."""
    km = WarmKernelManager(kernel_name=kernel_name)
    start_batch_kernel(km, cwd)

    def preload() -> None:
        km.client().execute(PRELOAD, silent=True, store_history=False)

    thread = threading.Thread(target=preload, name="werkboek-preload", daemon=True)
    thread.start()
    return km, thread
