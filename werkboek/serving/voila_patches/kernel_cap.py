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
  files (:func:`werkboek.serving.resident_voila.raise_open_files_limit` raises that limit first);
* with ``--preheat_kernel`` Voilà wraps this class with its pool, and refills the pool
  through :meth:`start_kernel`. A refill at the cap fails (the failed pool entry gives the
  next visitor the 503 page, which is right: there is no place), and Voilà would never try
  again. So whenever a kernel stops, freeing a place, we drop failed entries and let Voilà
  fill its pool again.

* kernels are for residents, not for scripts: every kernel belongs to the client whose page
  request got it (:mod:`werkboek.serving.voila_patches.clients`). One browser keeps at most
  ``kernels_per_browser`` kernels (its older pages give theirs up: the resident reloaded or
  scanned again), one address at most ``kernels_per_address`` at a time (its abandoned
  pages give theirs up first) and at most as many new ones a minute (a kernel start costs
  about a CPU-second: a script reloading in a loop would otherwise keep both cores busy).
  Beyond that the visitor gets HTTP 429, a Dutch waiting page that retries by itself. 60
  page loads from one script kept 60 kernels (2.6 GB) before, and filled the cap so that a
  resident with a valid code saw "Even geduld";
* every kernel's IOPub messages are read a second time by jupyter_server's activity watch
  (``last_activity``, ``execution_state``): it verified each message's signature and decoded
  its header and parent header with date parsing (``Session.deserialize``; a status message
  twice) — 16 % of the server's event loop with 250 ballots in a minute (122 of 782 py-spy samples,
  crowd round 5).
  :meth:`start_watching_activity` keeps the same bookkeeping and reads only the JSON it needs
  (the websocket relay does not verify signatures either; the messages come from our own kernels
  over local ZeroMQ). ``./run bench activity`` times the two;
* the kernel client Voilà's notebook runner makes for each kernel (nbclient, ``km.client()``)
  started a heartbeat thread that pings its kernel once a second for as long as the notebook
  runs — and a preheated kernel's notebook runs until its visitor comes: 260 threads waking
  the server every second, competing for its GIL with the event loop (3.4 % of a core with 100
  waiting kernels and nothing else to do). :class:`NoHeartbeatKernelClient` starts every channel
  but that one (whether a kernel lives is asked of its manager, the process, as jupyter_client
  already does for a client made by a manager), on the server's one ZeroMQ context instead of a
  context of its own per client (two native threads each);
* "idle" for a kernel with an open websocket means no *widget traffic* from its page
  (taps, typing; recorded by the guarded websocket handler), not jupyter_server's
  ``last_activity``, which any ``kernel_info_request`` refreshes — an open websocket that
  only keeps itself alive no longer holds a kernel all evening.

Used by the resident server through
``--VoilaConfiguration.multi_kernel_manager_class=werkboek.serving.voila_patches.kernel_cap.CappedKernelManager``.
"""

from __future__ import annotations

import json
import resource
import time
from datetime import datetime, timedelta

import zmq
import zmq.asyncio
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.session import DELIM
from jupyter_server._tz import utcnow
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Int, default

from werkboek.serving.voila_patches.clients import CURRENT_CLIENT, Client

FULL_REASON = "Even geduld"
KERNEL_DIED_GRACE_SECONDS = 3.0  # a restart of a died kernel takes ~1 s; only then is it stopped for good
CLIENT_BUSY_REASON = "Te veel stembiljetten open"


class NoHeartbeatKernelClient(AsyncKernelClient):
    """A kernel client without the heartbeat thread (see the module docstring); set as
    ``--ServerKernelManager.client_class`` by :func:`werkboek.serving.residents.resident_server_command`."""

    def start_channels(self, shell: bool = True, iopub: bool = True, stdin: bool = True, hb: bool = False,
                       control: bool = True) -> None:
        super().start_channels(shell=shell, iopub=iopub, stdin=stdin, hb=False, control=control)

    @default("context")
    def _context_default(self) -> zmq.asyncio.Context:
        # the server's one ZeroMQ context (the kernel manager's, shared by every kernel), not a
        # context of its own: jupyter_client makes one per client, each with an I/O and a reaper
        # thread, destroyed again when the notebook has run
        shared = getattr(self.parent, "context", None)
        if isinstance(shared, zmq.asyncio.Context) and not shared.closed:
            return shared  # not created here, so stop_channels leaves it alone
        return super()._context_default()


class CappedKernelManager(AsyncMappingKernelManager):
    max_kernels = Int(0, config=True, help="At most this many kernels at once (0: no cap).")
    cull_connected_idle_timeout = Int(
        0, config=True,
        help="Also stop kernels that still have a websocket after this many seconds without widget traffic "
             "from their page (0: never).",
    )
    kernels_per_browser = Int(
        3, config=True,
        help="At most this many kernels for one browser (its identity cookie); its oldest page gives its "
             "kernel up for a new one (0: no limit).",
    )
    kernels_per_address = Int(
        12, config=True,
        help="At most this many kernels for one client address; abandoned pages (no websocket) give theirs "
             "up first, then the visitor gets HTTP 429 (0: no limit; e.g. when the whole room reaches the "
             "server through one NAT address).",
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.owners = KernelOwners()

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
        kernel_id = await super().start_kernel(*args, **kwargs)
        self.claim(kernel_id)  # a visitor's own kernel (pool refills run without a client)
        self.add_restart_callback(kernel_id, lambda: self._kernel_died(kernel_id), "restart")
        return kernel_id

    def start_watching_activity(self, kernel_id):
        """jupyter_server's activity watch (2.x: ``MappingKernelManager.start_watching_activity``),
        the same rules for ``last_activity`` and ``execution_state``, reading only the header, the
        parent header and a status message's content (see the module docstring)."""
        kernel = self._kernels[kernel_id]
        kernel.reason = ""
        kernel.last_activity = utcnow()
        kernel._activity_stream = kernel.connect_iopub()
        kernel._activity_stream.on_recv(activity_recorder(self, kernel))

    def _kernel_died(self, kernel_id: str) -> None:
        """A resident's kernel died and was restarted empty: no widgets, no ballot. Let it go, tell its page.

        jupyter_client calls this *before* it restarts the kernel; the kernel is stopped (and its
        websockets closed, so the page shows "De verbinding is even weg" and reloads onto the
        draft with a new kernel) once that restart is over — stopping it during the restart
        left the restarted kernel in place, with a page of widgets that no longer answered.
        """
        import asyncio

        self.log.warning("Resident kernel %s died; its page is told and reloads onto its draft", kernel_id)
        loop = asyncio.get_event_loop()
        loop.call_later(KERNEL_DIED_GRACE_SECONDS, lambda: asyncio.ensure_future(self._let_go(kernel_id)))

    async def _let_go(self, kernel_id: str) -> None:
        from werkboek.serving.voila_patches.kernel_websocket import close_sockets_of

        await self._evict(kernel_id, "it died")
        close_sockets_of(kernel_id)

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):
        try:
            result = await super().shutdown_kernel(kernel_id, *args, **kwargs)
        finally:
            self.owners.forget(kernel_id)
        self._refill_pools()
        return result

    # -- kernels per client ---------------------------------------------------------------

    def claim(self, kernel_id: str | None) -> None:
        """Record that ``kernel_id`` now serves the client of the current page request (if any)."""
        client = CURRENT_CLIENT.get()
        if client is not None and kernel_id is not None:
            self.owners.claim(kernel_id, client)

    def note_widget_activity(self, kernel_id: str) -> None:
        """The page of ``kernel_id`` sent widget traffic (a tap, typing): it is not idle."""
        self.owners.seen(kernel_id)

    async def admit(self, client: Client) -> None:
        """Make room for one more kernel of ``client`` within its budget, or refuse with HTTP 429."""
        if self.kernels_per_browser and client.browser:
            mine = self.owners.oldest_first(lambda c: c.browser == client.browser)
            for kernel_id in mine[:max(0, len(mine) - self.kernels_per_browser + 1)]:
                await self._evict(kernel_id, "the same browser opened the ballot again")
        if self.kernels_per_address:
            if self.owners.starts_last_minute(client.address) >= self.kernels_per_address:
                self.log.warning("client started %d kernels within a minute: asking the visitor to wait",
                                 self.kernels_per_address)
                raise web.HTTPError(429, reason=CLIENT_BUSY_REASON)
            theirs = self.owners.oldest_first(lambda c: c.address == client.address)
            excess = len(theirs) - self.kernels_per_address + 1
            if excess > 0:
                abandoned = [k for k in theirs if not self._kernel_connections.get(k, 0)]
                for kernel_id in abandoned[:excess]:
                    await self._evict(kernel_id, "an abandoned page of a client at its budget")
                if excess > len(abandoned):
                    self.log.warning("client at its budget of %d kernels: asking the visitor to wait",
                                     self.kernels_per_address)
                    raise web.HTTPError(429, reason=CLIENT_BUSY_REASON)

    async def _evict(self, kernel_id: str, why: str) -> None:
        if kernel_id not in self._kernels:
            self.owners.forget(kernel_id)
            return
        self.log.info("Stopping kernel %s: %s", kernel_id, why)
        try:
            await self.shutdown_kernel(kernel_id)
        except Exception:  # noqa: BLE001 - already gone: the place is free anyway
            self.owners.forget(kernel_id)

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
            idle = utcnow() - self.owners.last_seen(kernel_id, kernel.last_activity)
            if idle > timedelta(seconds=timeout):
                self.log.warning("Culling kernel %s with a websocket after %d s without widget traffic", kernel_id,
                                 int(idle.total_seconds()))
                await self.shutdown_kernel(kernel_id)
                return
        await super().cull_kernel_if_idle(kernel_id)


class KernelOwners:
    """Which client each resident kernel serves, since when, and when its page last sent widget traffic."""

    def __init__(self):
        self._client: dict[str, Client] = {}
        self._claimed: dict[str, float] = {}
        self._seen: dict[str, datetime] = {}
        self._starts: dict[str, list[float]] = {}  # per address: when it got its recent kernels

    def claim(self, kernel_id: str, client: Client) -> None:
        now = time.monotonic()
        self._client[kernel_id] = client
        self._claimed[kernel_id] = now
        self.seen(kernel_id)
        starts = self._starts.setdefault(client.address, [])
        starts[:] = [t for t in starts if now - t < 60.0] + [now]

    def starts_last_minute(self, address: str) -> int:
        now = time.monotonic()
        starts = [t for t in self._starts.get(address, ()) if now - t < 60.0]
        if starts:
            self._starts[address] = starts
        else:
            self._starts.pop(address, None)
        return len(starts)

    def seen(self, kernel_id: str) -> None:
        self._seen[kernel_id] = utcnow()

    def last_seen(self, kernel_id: str, default: datetime) -> datetime:
        return self._seen.get(kernel_id, default)

    def of(self, kernel_id: str) -> Client | None:
        return self._client.get(kernel_id)

    def forget(self, kernel_id: str) -> None:
        for book in (self._client, self._claimed, self._seen):
            book.pop(kernel_id, None)

    def oldest_first(self, which) -> list[str]:
        """The kernels whose client satisfies ``which(client)``, longest held first."""
        return sorted((k for k, c in self._client.items() if which(c)), key=lambda k: self._claimed.get(k, 0.0))

    def __len__(self) -> int:
        return len(self._client)


def zmq_socket_budget() -> int:
    """How many ZeroMQ sockets the kernels' context may hold: what the open-files limit allows."""
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        soft = 65536
    return max(1023, min(soft - 128, 65536))  # leave files for the web server's own sockets


def _failed(task) -> bool:
    return task.done() and (task.cancelled() or task.exception() is not None)


def activity_recorder(manager, kernel):
    """The ``on_recv`` callback of :meth:`CappedKernelManager.start_watching_activity`: frames after
    the delimiter are signature, header, parent header, metadata, content (the wire protocol)."""
    track = manager.track_message_type

    def record_activity(msg_list) -> None:
        try:
            frames = msg_list[msg_list.index(DELIM) + 1:]
            header, parent = json.loads(frames[1]), json.loads(frames[2])
        except (ValueError, IndexError):  # not a message: nothing to record (upstream raised in the callback)
            return
        if not isinstance(header, dict):
            return
        msg_type = header.get("msg_type")
        parent_msg_type = parent.get("msg_type") if isinstance(parent, dict) else None
        if track(msg_type) or track(parent_msg_type) or kernel.execution_state == "busy":
            manager.last_kernel_activity = kernel.last_activity = utcnow()
        if msg_type == "status":
            try:
                execution_state = json.loads(frames[4])["execution_state"]
            except (ValueError, IndexError, KeyError, TypeError):
                return
            if track(parent_msg_type):
                kernel.execution_state = execution_state
            elif kernel.execution_state == "starting" and execution_state != "starting":
                kernel.execution_state = "idle"  # as upstream: after starting, "idle" unless tracked

    return record_activity
