"""The residents' page: a kernel only for a resident's own visit, within the visitor's budget.

Voilà starts (or hands out from its pool) a kernel for every ``GET`` of the ballot. On the
residents' server :class:`ResidentPageHandler` first

* asks the browser's Fetch Metadata (:func:`.clients.fetch_refusal`): a page of another
  site that loads the ballot in a frame, an image or a script gets HTTP 403; a link on
  another site (a cross-site navigation) gets a small page with one button to the ballot
  (:data:`CONTINUE_TEMPLATE`), which then is a navigation of the ballot's own;
* asks the kernel manager to make room for this client (:meth:`~werkboek.serving.voila_patches.kernel_cap.CappedKernelManager.admit`:
  HTTP 429 beyond the client's budget);
* sets the XSRF cookie (``SameSite=Strict``), so that the page's "close this kernel" beacon
  passes jupyter_server's XSRF check — with preheated kernels the page was rendered before
  the request, and no cookie was ever set, which is why XSRF was switched off before;
* writes the client's address into the ``X-Werkboek-Client`` header (replacing anything the
  browser sent), which Voilà hands to the kernel (``http_header_envs``): the stemcode check
  throttles wrong codes per client (:mod:`werkboek.model.throttle`);
* sends the page's first screens at once (:class:`FirstScreens`), before a kernel is ready.

Why the first screens go first: Voilà 0.5.13 writes nothing of the page until it has a kernel
(``VoilaHandler.get_generator`` awaits ``start_kernel``, or a preheated pool entry that is still
starting, before its first ``yield``). In a burst of arrivals beyond the preheated pool that is
seconds of a blank screen per phone (issue 17: 2 of 6 pages blank for more than 2 s; the page's
document committed 5–10 s after the tap on the link). Everything of the page up to the end of the
template's plain-HTML screens (:data:`FIRST_SCREENS_END`) is the same for every visitor (no kernel
id, no code, no token), so it is learnt from the first page served and sent, and flushed, before
Voilà is asked for a kernel; Voilà's own copy of that part is then dropped from its output.
"""

from __future__ import annotations

from tornado import web
from voila.tornado.handler import TornadoVoilaHandler

from werkboek.serving.voila_patches.clients import CLIENT_HEADER, CURRENT_CLIENT, Client, client_address, fetch_refusal

CONTINUE_TEMPLATE = "continue.html"
# Written by voila_templates/werkboek/index.html.j2 after its plain-HTML screens: all before it is
# the same for every visitor of the page.
FIRST_SCREENS_END = "<!-- wb-first-screens-end -->"
# The page's start was sent and Voilà then failed (the kernel cap: HTTP 503): the status code is
# gone, so the page says so itself and tries again (werkboek-watch.js's reload keeps the code).
LATE_REFUSAL = """
<p class="wb-late-refusal" role="alert">Het is nu erg druk. We proberen het zo opnieuw…
<span lang="en">It is very busy now. We will try again in a moment…</span></p>
<script>setTimeout(function () { (window.werkboekReload || function () { window.location.reload(); })(); }, 8000);</script>
</body></html>
"""


class FirstScreens:
    """The page's start up to :data:`FIRST_SCREENS_END`, learnt from a page Voilà rendered.

    One per server process; a page whose start differs (a template file changed on disk and with
    it a ``?v=`` hash) replaces it, so the next visitor gets the new one.
    """

    def __init__(self):
        self.text: str | None = None

    def learn(self, start: str) -> None:
        if start.endswith(FIRST_SCREENS_END) and '"kernelId"' not in start:  # Voilà's page config: per visitor
            self.text = start


FIRST = FirstScreens()


class _Output:
    """Voilà's output for one page, with its start dropped when :class:`FirstScreens` already sent it."""

    def __init__(self, sent: str | None):
        self.sent = sent
        self.start = ""  # Voilà's output until FIRST_SCREENS_END
        self.through = False

    def take(self, chunk) -> str:
        """What of ``chunk`` still goes to the browser."""
        if self.through:
            return chunk
        text = chunk.decode() if isinstance(chunk, bytes) else chunk
        self.start += text
        at = self.start.find(FIRST_SCREENS_END)
        if at < 0:
            if len(self.start) > 1_000_000:  # no marker (another template): nothing was sent early
                self.through = True
                return self.start
            return "" if self.sent is not None else text
        self.through = True
        start, rest = self.start[:at + len(FIRST_SCREENS_END)], self.start[at + len(FIRST_SCREENS_END):]
        FIRST.learn(start)
        if self.sent is None:
            return text
        return rest


class ResidentPageHandler(TornadoVoilaHandler):
    behind_proxy = False  # set by the app: trust X-Real-IP from a proxy on loopback (the cluster's nginx)

    async def prepare(self):
        await super().prepare()
        self.request.headers[CLIENT_HEADER] = self.client.address

    @property
    def client(self) -> Client:
        user = self.current_user
        browser = getattr(user, "username", "") or ""
        address = client_address(self.request.remote_ip, self.request.headers.get("X-Real-IP"),
                                 behind_proxy=self.behind_proxy)
        return Client(address, browser)

    async def get(self, path=None):
        refusal = fetch_refusal(self.request.headers)
        if refusal == "cross-site":
            self.set_header("Cache-Control", "no-store")
            self.finish(self.render_template(CONTINUE_TEMPLATE, base_url=self.base_url,
                                             target=self.request.uri))
            return
        if refusal is not None:
            self.set_status(403)
            self.finish()
            return
        client = self.client
        manager = self.kernel_manager
        if hasattr(manager, "admit"):
            await manager.admit(client)
        self.xsrf_token  # noqa: B018 - sets the _xsrf cookie for the page's shutdown beacon
        sent = FIRST.text if self._kernel_expected() else None  # a full server answers 503 (error.html)
        self._wb_output = _Output(sent)
        if sent is not None:
            # the headers Voilà sets before its first yield, which now comes later
            self.set_header("Content-Type", "text/html")
            self.set_header("Cache-Control", "no-cache, no-store, must-revalidate")
            self.set_header("Pragma", "no-cache")
            self.set_header("Expires", "0")
            super().write(sent)
            await self.flush()
        token = CURRENT_CLIENT.set(client)
        try:
            await super().get(path)
        except web.HTTPError as exc:
            if sent is None:
                raise
            self.log.warning("Page start already sent, then: %s", exc)
            super().write(LATE_REFUSAL)
            self.finish()
        finally:
            CURRENT_CLIENT.reset(token)

    def _kernel_expected(self) -> bool:
        """Will Voilà find a kernel for this visitor (not the kernel cap's HTTP 503)?"""
        manager = self.kernel_manager
        cap = getattr(manager, "max_kernels", 0)
        if not cap or len(manager.list_kernel_ids()) < cap:
            return True
        usable = getattr(manager, "_usable", None)  # kernel_pool.ReadyFirstPool: ready or starting
        if usable is None:
            return False
        return any(not (task.done() and (task.cancelled() or task.exception() is not None))
                   for task in usable(self.notebook_path))

    def write(self, chunk):
        output = getattr(self, "_wb_output", None)
        if output is not None and not isinstance(chunk, dict):
            chunk = output.take(chunk)
            if not chunk:
                return None
        return super().write(chunk)
