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

from .warm_kernel import RESET, WarmKernelManager, start_batch_kernel

ENGINE = "werkboek-warm"


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
                km = WarmKernelManager(kernel_name=kernel_name)
                start_batch_kernel(km, cwd)
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
    def adopt(cls, km, kernel_name: str) -> None:
        """Take a kernel started ahead (:func:`.warm_kernel.start_preloaded`) as this process's kernel."""
        with cls._lock:
            if cls._km is not None:
                cls.shutdown()
            cls._km, cls._kernel_name = km, kernel_name
            cls.kernels_started += 1
            atexit.register(cls.shutdown)

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
