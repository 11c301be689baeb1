"""A cap on the number of resident kernels, so a full laptop says "even geduld" instead of crashing.

Voilà starts one kernel per page view. :class:`CappedKernelManager` is jupyter_server's
kernel manager with a few more rules:

* when ``max_kernels`` kernels are running, starting another raises HTTP 503, which Voilà
  renders with our template's ``error.html`` as a friendly Dutch waiting page that retries
  by itself;
* kernels of residents who left are stopped by the culler (``cull_idle_timeout``, only for
  kernels without a websocket, as in jupyter_server); a kernel that still has a websocket
  is stopped after the longer ``cull_connected_idle_timeout`` (a tab forgotten on a phone
  should not hold a place all evening — the draft in the store brings the ballot back when
  that resident reloads);
* all kernels share one ZeroMQ context (jupyter_client), and ZeroMQ allows 1023 sockets
  per context by default: with ~250 kernels Voilà failed with "ZMQError: Too many open
  files" (crowd run r7) — the context here allows as many sockets as the process may open
  files (:func:`werkboek.resident_voila.raise_open_files_limit` raises that limit first);
* with ``--preheat_kernel`` Voilà wraps this class with its pool, and refills the pool
  through :meth:`start_kernel`. A refill at the cap fails (the failed pool entry gives the
  next visitor the 503 page, which is right: there is no place), and Voilà would never try
  again. So whenever a kernel stops, freeing a place, we drop failed entries and let Voilà
  fill its pool again.

Used by the resident server through
``--VoilaConfiguration.multi_kernel_manager_class=werkboek.kernel_cap.CappedKernelManager``.
"""

from __future__ import annotations

from datetime import timedelta

import resource

import zmq
import zmq.asyncio
from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Int, default

FULL_REASON = "Even geduld"


class CappedKernelManager(AsyncMappingKernelManager):
    max_kernels = Int(0, config=True, help="At most this many kernels at once (0: no cap).")
    cull_connected_idle_timeout = Int(
        0, config=True,
        help="Also stop kernels that still have a websocket after this many seconds idle (0: never).",
    )

    @default("context")
    def _context_default(self) -> zmq.asyncio.Context:
        self._created_context = True
        context = zmq.asyncio.Context()
        context.set(zmq.MAX_SOCKETS, zmq_socket_budget())
        return context

    async def start_kernel(self, *args, **kwargs):
        # a kernel_id in kwargs means "reconnect to this one": never refused
        if self.max_kernels and kwargs.get("kernel_id") is None and len(self.list_kernel_ids()) >= self.max_kernels:
            self.log.warning("kernel cap reached (%d kernels): asking the visitor to wait", self.max_kernels)
            raise web.HTTPError(503, reason=FULL_REASON)
        return await super().start_kernel(*args, **kwargs)

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):
        result = await super().shutdown_kernel(kernel_id, *args, **kwargs)
        self._refill_pools()
        return result

    def _refill_pools(self) -> None:
        """A place is free: forget failed pool entries and let Voilà's pool fill up again."""
        pools = getattr(self, "_pools", None)
        if getattr(self, "_stopping", False) or not pools or not hasattr(self, "fill_if_needed"):
            return  # no preheating (or shutting everything down: Voilà empties _pools first)
        for notebook_name, pool in list(pools.items()):
            pool[:] = [task for task in pool if not _failed(task)]
            self.fill_if_needed(notebook_name=notebook_name)

    async def shutdown_all(self, *args, **kwargs):
        self._stopping = True
        return await super().shutdown_all(*args, **kwargs)

    async def cull_kernel_if_idle(self, kernel_id):
        if kernel_id not in self._kernels:
            # shut down since the culler listed the kernels (a tab closed meanwhile): nothing to cull.
            # jupyter_server would log a KeyError traceback (seen in the 300-resident crowd run).
            return
        kernel = self._kernels[kernel_id]
        if not kernel.trait_has_value("last_activity"):
            # still starting (a refill or a visitor's kernel): jupyter_server's culler would fail on
            # it with "TraitError: 'last_activity' … NoneType" (seen in the 300-resident crowd run)
            return
        timeout = self.cull_connected_idle_timeout
        if timeout > 0 and self._kernel_connections.get(kernel_id, 0) > 0 \
                and getattr(kernel, "execution_state", None) != "busy":
            idle = utcnow() - kernel.last_activity
            if idle > timedelta(seconds=timeout):
                self.log.warning("Culling kernel %s with a websocket after %d s idle", kernel_id,
                                 int(idle.total_seconds()))
                await self.shutdown_kernel(kernel_id)
                return
        await super().cull_kernel_if_idle(kernel_id)


def zmq_socket_budget() -> int:
    """How many ZeroMQ sockets the kernels' context may hold: what the open-files limit allows."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        soft = 65536
    return max(1023, min(soft - 128, 65536))  # leave files for the web server's own sockets


def _failed(task) -> bool:
    return task.done() and (task.cancelled() or task.exception() is not None)
