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
  throttles wrong codes per client (:mod:`werkboek.model.throttle`).
"""

from __future__ import annotations

from voila.tornado.handler import TornadoVoilaHandler

from werkboek.serving.voila_patches.clients import CLIENT_HEADER, CURRENT_CLIENT, Client, client_address, fetch_refusal

CONTINUE_TEMPLATE = "continue.html"


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
        token = CURRENT_CLIENT.set(client)
        try:
            await super().get(path)
        finally:
            CURRENT_CLIENT.reset(token)
