"""A papermill engine that keeps one warm kernel per worker process for all its scenarios.

A scenario's own computation takes ~0.4 s; papermill's default engine starts a kernel for
every notebook (44–48 % of a scenario's time) and the kernel imports pandas, pabutools and
the catalogue again (22–26 %). This engine, registered with papermill as ``werkboek-warm``
(papermill's own registry, :data:`papermill.engines.papermill_engines`), hands nbclient a
kernel manager that outlives the notebook: the kernel is started once per worker process,
its namespace is cleared before every scenario (``%reset -f``: the variables go, the imported
modules stay), and it is started again when it died. At the worker's exit it is shut down.

Everything else is papermill's ``NBClientEngine``: the same cells, parameters, outputs,
per-cell timings and error reporting. Figures: ``./run bench scenarios``.
"""

from __future__ import annotations

import atexit
import threading

from papermill.engines import NBClientEngine, papermill_engines

ENGINE = "werkboek-warm"
RESET = "get_ipython().run_line_magic('reset', '-f')"
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
"""


def _manager_class():
    from jupyter_client.manager import KernelManager

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

    return WarmKernelManager


class WarmKernelEngine(NBClientEngine):
    _km = None
    _kernel_name: str | None = None
    _lock = threading.Lock()
    kernels_started = 0  # in this process (for tests and the benchmark)

    @classmethod
    def kernel_manager(cls, kernel_name: str, cwd: str | None = None):
        """This process's warm kernel (started now when there is none, or it died)."""
        with cls._lock:
            km = cls._km
            if km is not None and (cls._kernel_name != kernel_name or not km.is_alive()):
                cls.shutdown()
                km = None
            if km is None:
                km = _manager_class()(kernel_name=kernel_name)
                km.start_kernel(cwd=cwd, extra_arguments=[])
                cls._km, cls._kernel_name = km, kernel_name
                cls.kernels_started += 1
                atexit.register(cls.shutdown)
            else:
                # over the kept client; the shell reply is enough (its IOPub messages are passed over)
                client = km.client()
                msg_id = client.execute(RESET, silent=True, store_history=False)
                while client.get_shell_msg(timeout=60)["parent_header"].get("msg_id") != msg_id:
                    pass
            return km

    @classmethod
    def warm_up(cls, kernel_name: str, cwd: str | None = None, while_booting=None) -> None:
        """Start this process's kernel and have it import the scenario code ahead of the first
        scenario (:data:`PRELOAD`), without waiting for it: ``while_booting()`` runs here while
        the kernel starts, and the kernel's imports overlap what this process does next. The
        first scenario's reset waits for them (its shell reply comes after the preload's)."""
        with cls._lock:
            if cls._km is None:
                km = _manager_class()(kernel_name=kernel_name)
                km.start_kernel(cwd=cwd, extra_arguments=[])
                cls._km, cls._kernel_name = km, kernel_name
                cls.kernels_started += 1
                atexit.register(cls.shutdown)
        if while_booting is not None:
            while_booting()
        cls._km.client().execute(PRELOAD, silent=True, store_history=False)

    @classmethod
    def shutdown(cls) -> None:
        km, cls._km = cls._km, None
        if km is not None:
            km.close_clients()
            try:
                km.shutdown_kernel(now=True)
            except Exception:  # noqa: BLE001 - a kernel that is already gone is fine
                pass

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
        km = cls.kernel_manager(kernel_name, kwargs.get("cwd"))
        return super().execute_managed_notebook(nb_man, kernel_name, km=km, **kwargs)


papermill_engines.register(ENGINE, WarmKernelEngine)
