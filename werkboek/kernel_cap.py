"""A cap on the number of resident kernels, so a full laptop says "even geduld" instead of crashing.

Voilà starts one kernel per page view. :class:`CappedKernelManager` is jupyter_server's
kernel manager with one more rule: when ``max_kernels`` kernels are running, starting
another raises HTTP 503, which Voilà renders with our template's ``error.html`` as a
friendly Dutch waiting page that retries by itself. Kernels of residents who left are
stopped by the culler (``cull_idle_timeout``), which frees places again.

Used by the resident server through
``--VoilaConfiguration.multi_kernel_manager_class=werkboek.kernel_cap.CappedKernelManager``
(Voilà wraps it with its preheated pool when ``--preheat_kernel`` is on).
"""

from __future__ import annotations

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Int

FULL_REASON = "Even geduld"


class CappedKernelManager(AsyncMappingKernelManager):
    max_kernels = Int(0, config=True, help="At most this many kernels at once (0: no cap).")

    async def start_kernel(self, *args, **kwargs):
        # a kernel_id in kwargs means "reconnect to this one": never refused
        if self.max_kernels and kwargs.get("kernel_id") is None and len(self.list_kernel_ids()) >= self.max_kernels:
            self.log.warning("kernel cap reached (%d kernels): asking the visitor to wait", self.max_kernels)
            raise web.HTTPError(503, reason=FULL_REASON)
        return await super().start_kernel(*args, **kwargs)
