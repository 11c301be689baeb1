"""Who is asking: a page request's client (address and browser), and whether a browser sent it on purpose.

A kernel costs ~47 MB and a second of CPU, and every page view of the ballot starts one.
So kernels are handed out per *client* (:class:`Client`), with a budget
(:class:`werkboek.serving.voila_patches.kernel_cap.CappedKernelManager`), and only to a request a resident's
browser made as a top-level navigation to the ballot (:func:`fetch_refusal`).

The kernel manager learns which client a kernel is for through :data:`CURRENT_CLIENT`, a
context variable the page handler sets while Voilà starts or hands out the kernel.
"""

from __future__ import annotations

import contextvars
import ipaddress
from dataclasses import dataclass

from werkboek.settings import CLIENT_ENV  # noqa: F401 - the kernel's side of CLIENT_HEADER

# Set by the page handler for the duration of one page request; None elsewhere (pool refills).
CURRENT_CLIENT: contextvars.ContextVar["Client | None"] = contextvars.ContextVar("werkboek_client", default=None)

# The header the page handler writes (replacing whatever the browser sent) so that the kernel
# learns its client's address: Voilà copies headers named in ``http_header_envs`` into the
# kernel's environment (``HTTP_X_WERKBOEK_CLIENT``), preheated kernels included.
CLIENT_HEADER = "X-Werkboek-Client"


@dataclass(frozen=True)
class Client:
    address: str  # the phone's IP address (from nginx's X-Real-IP behind the cluster's proxy)
    browser: str  # the anonymous identity cookie jupyter_server gives every browser ("" if none)


def client_address(remote_ip: str | None, real_ip_header: str | None, *, behind_proxy: bool) -> str:
    """The client's address: the peer's, or nginx's ``X-Real-IP`` when the peer is our own proxy on loopback."""
    peer = remote_ip or ""
    if behind_proxy and real_ip_header and _is_loopback(peer):
        candidate = real_ip_header.split(",")[0].strip()
        if _is_ip(candidate):
            return candidate
    return peer


def fetch_refusal(headers) -> str | None:
    """Why this page request must not get a kernel, from the browser's Fetch Metadata headers.

    ``None``: a top-level navigation the resident made (scanned the QR code, typed or reloaded
    the address, or followed a link on the ballot itself), or a client that sends no such
    headers (older phones; scripts are held in check by the per-client budget instead).
    ``"cross-site"``: a navigation started by another site (a link elsewhere): answered with a
    page whose button leads to the ballot, so a resident gets there with one tap and a
    foreign page cannot start kernels in its visitors' browsers.
    ``"not-a-page"``: the ballot fetched as an image, frame, script or by ``fetch()``: refused.
    """
    site = (headers.get("Sec-Fetch-Site") or "").lower()
    mode = (headers.get("Sec-Fetch-Mode") or "").lower()
    dest = (headers.get("Sec-Fetch-Dest") or "").lower()
    if (mode and mode != "navigate") or (dest and dest != "document"):
        return "not-a-page"
    if site and site not in ("none", "same-origin"):
        return "cross-site"
    return None


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _is_loopback(value: str) -> bool:
    try:
        return ipaddress.ip_address(value).is_loopback
    except ValueError:
        return False
