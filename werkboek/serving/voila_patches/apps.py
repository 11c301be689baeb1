"""The two standalone Voilà applications the workshop runs, each with its own guards.

* :class:`ResidentVoila` — the residents' ballot (``python -m werkboek.serving.resident_voila``),
  reachable from every phone on the venue's wifi. Standalone Voilà already refuses code
  sent from a browser; on top of that its kernel websocket accepts only ballot messages
  (:mod:`.kernel_websocket`), its page hands out kernels only to residents' own visits
  within a per-client budget (:mod:`.resident_page`), the page-request details reach a
  preheated kernel only from this machine, templates and themes cannot be switched from
  the address, XSRF protection is on, cookies are ``SameSite=Strict`` and no page tells
  another site where the visitor came from (``Referrer-Policy: no-referrer``: the address
  holds the stemcode).
* :class:`ConsoleVoila` — the facilitators' console and beamer (``python -m werkboek.serving.console_voila``),
  which can open and close voting and read every remark and stemcode. It always needs its
  token (printed in its address, as JupyterLab does, also on loopback), answers only to
  this laptop's own names (a DNS-rebinding page's ``Host: evil.example`` gets 403; Voilà
  itself sets ``allow_remote_access=True``) and only to requests from its own origin.

Both are Voilà's ``Voila`` application with :meth:`init_settings` and :meth:`init_handlers`
extended: the command line, the configuration and everything else stay Voilà's own.
"""

from __future__ import annotations

import socket

from jupyter_server.utils import url_path_join
from tornado import web
from traitlets import Bool, List, Unicode
from voila.app import Voila

from werkboek.serving.voila_patches.clients import CLIENT_HEADER
from werkboek.serving.voila_patches.kernel_websocket import MAX_MESSAGE_BYTES, GuardedKernelWebsocketHandler
from werkboek.serving.voila_patches.resident_page import ResidentPageHandler
from werkboek.serving.voila_patches.static_files import precompressed, warm_up

SECURITY_HEADERS = {"Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"}
STRICT_COOKIES = {"samesite": "Strict"}


def _replace_handlers(handlers: list, replacements: dict) -> list:
    out = []
    for spec in handlers:
        pattern, cls, *rest = spec
        out.append((pattern, replacements.get(cls, cls), *rest))
    return out


def _strict_settings(app: Voila, settings: dict) -> dict:
    settings = dict(settings)
    settings["xsrf_cookie_kwargs"] = dict(STRICT_COOKIES)  # the _xsrf cookie (read by the page's script)
    settings["headers"] = {**SECURITY_HEADERS, **settings.get("headers", {})}
    settings["serve_traceback"] = False
    identity = getattr(app, "identity_provider", None)
    if identity is not None:  # the login / anonymous identity cookie
        identity.cookie_options = {**STRICT_COOKIES, **identity.cookie_options}
    return settings


class LoopbackRequestInfoHandler:
    """Mixed into Voilà's ``RequestInfoSocketHandler``: only a kernel on this machine may ask.

    A preheated kernel learns its visitor's address (stemcode included) from
    ``/voila/query/<kernel id>``; nobody on the wifi has any business there. (Behind the
    cluster's nginx every peer is loopback: nginx refuses that path itself.)
    """

    def get(self, *args, **kwargs):
        import ipaddress

        try:
            local = ipaddress.ip_address(self.request.remote_ip or "").is_loopback
        except ValueError:
            local = False
        if not local:
            raise web.HTTPError(403)
        return super().get(*args, **kwargs)


NO_MATHJAX = "voila/templates/werkboek/static/werkboek-nomath.js"


class ResidentVoila(Voila):
    behind_proxy = Bool(False, config=True,
                        help="Trust X-Real-IP from a proxy on loopback (the cluster's nginx) as the client address.")

    def initialize(self, argv=None):
        super().initialize(argv)
        conf = self.voila_configuration
        conf.allow_template_override = "NO"  # ?template=… / ?theme=… would start a kernel outside the pool
        conf.allow_theme_override = "NO"
        if CLIENT_HEADER not in conf.http_header_envs:
            conf.http_header_envs = [*conf.http_header_envs, CLIENT_HEADER]

    def init_settings(self) -> dict:
        settings = _strict_settings(self, super().init_settings())
        settings["websocket_max_message_size"] = MAX_MESSAGE_BYTES
        # No formulas on the ballot: Voilà's page config picks its MathJax 2 typesetter when a
        # MathJax URL is set (voila/utils.py get_page_config, shouldUseMathJax2 in its
        # frontend) and loads only that URL — a stand-in of 300 bytes instead of MathJax 3.
        # Set in the settings, not through the deprecated Voila.mathjax_url trait.
        settings["mathjax_url"] = url_path_join(settings.get("base_url", "/"), NO_MATHJAX)
        settings["mathjax_config"] = "none"
        return settings

    def init_handlers(self) -> list:
        from jupyter_server.base.handlers import FileFindHandler
        from jupyterlab_server.themes_handler import ThemesHandler
        from voila.request_info_handler import RequestInfoSocketHandler
        from voila.static_file_handler import MultiStaticFileHandler, TemplateStaticFileHandler
        from voila.tornado.handler import TornadoVoilaHandler
        from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

        page = type("ResidentPage", (ResidentPageHandler,), {"behind_proxy": self.behind_proxy})
        info = type("LoopbackRequestInfo", (LoopbackRequestInfoHandler, RequestInfoSocketHandler), {})
        # script and style compressed once and kept by the phone (see .static_files)
        static = {cls: precompressed(cls) for cls in
                  (MultiStaticFileHandler, TemplateStaticFileHandler, FileFindHandler, ThemesHandler)}
        return _replace_handlers(super().init_handlers(), {
            VoilaKernelWebsocketHandler: GuardedKernelWebsocketHandler,
            TornadoVoilaHandler: page,
            RequestInfoSocketHandler: info,
            **static,
        })

    def start(self):
        warm_up([*self.static_paths, *self.labextensions_path])
        super().start()


def own_host_names() -> list[str]:
    """The names and addresses this laptop answers to: loopback, its host name (and ``.local``), its LAN addresses."""
    from werkboek.network import candidate_ips

    names = ["localhost", "127.0.0.1", "::1"]
    host = socket.gethostname()
    if host:
        names += [host, host.split(".")[0], host.split(".")[0] + ".local"]
    names += candidate_ips()
    return list(dict.fromkeys(n.lower() for n in names if n))


class HostOriginGuard:
    """Mixed into every console handler: this laptop's names only, its own origin only, no cross-site requests."""

    allowed_hosts: frozenset = frozenset()
    allowed_origins: frozenset = frozenset()

    async def prepare(self):
        why = self.refusal()
        if why is not None:
            self.log.warning("Console refused %s %s: %s", self.request.method, self.request.path, why)
            self.current_user = self._jupyter_current_user = None  # as jupyter_server's own host check does
            raise web.HTTPError(403)
        result = super().prepare()
        if result is not None:
            await result

    def refusal(self) -> str | None:
        host = _host_only(self.request.host or "")
        if host not in self.allowed_hosts:
            return f"unknown Host {host!r}"
        origin = self.request.headers.get("Origin") or self.request.headers.get("Sec-Websocket-Origin")
        if origin and origin.lower().rstrip("/") not in self.allowed_origins:
            return f"foreign Origin {origin!r}"
        if (self.request.headers.get("Sec-Fetch-Site") or "none").lower() not in ("none", "same-origin"):
            return "a cross-site request"
        return None


def _host_only(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):  # [::1]:8867
        return host[1:host.index("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class ConsoleVoila(Voila):
    allowed_hosts = List(Unicode(), config=True,
                         help="Host names the console answers to (default: this laptop's own names and addresses).")

    def init_settings(self) -> dict:
        if not self.token:
            raise SystemExit("De console start alleen met een token (--Voila.token).")
        return _strict_settings(self, super().init_settings())

    def init_handlers(self) -> list:
        hosts = [h.lower() for h in (self.allowed_hosts or own_host_names())]
        origins = set()
        for h in hosts:
            shown = f"[{h}]" if ":" in h else h
            origins |= {f"http://{shown}:{self.port}", f"https://{shown}:{self.port}"}
        guarded: dict = {}
        out = []
        for pattern, cls, *rest in super().init_handlers():
            if cls not in guarded:
                guarded[cls] = type("Guarded" + cls.__name__, (HostOriginGuard, cls),
                                    {"allowed_hosts": frozenset(hosts), "allowed_origins": frozenset(origins)})
            out.append((pattern, guarded[cls], *rest))
        return out
