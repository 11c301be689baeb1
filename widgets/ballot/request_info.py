"""The page request (query string) for a preheated Voilà kernel, without importing Voilà.

With preheated kernels Voilà runs the notebook before a resident opens the page; when the
request arrives, Voilà sends its details (``QUERY_STRING``, …) over a websocket at
``/voila/query/<kernel id>``. ``voila.utils.wait_for_request`` does exactly this, but
importing ``voila.utils`` pulls in jupyter_server and jupyterlab_server: about 40 MB more in
every resident kernel. This is the same protocol (Voilà 0.5) with only ``websockets``.
Without preheating, Voilà puts the request in the kernel's environment and this returns at once.
"""

from __future__ import annotations

import json
import os


def wait_for_request(timeout: float | None = None) -> dict[str, str]:
    """Block until Voilà hands over the request; puts it in ``os.environ`` and returns it."""
    if os.environ.get("VOILA_PREHEAT", "False") == "False":
        return {}
    from websockets.sync.client import connect

    protocol = os.environ.get("VOILA_WS_PROTOCOL", "ws")
    ip = os.environ.get("VOILA_APP_IP", "127.0.0.1")
    if ip in ("0.0.0.0", "", "::"):
        ip = "127.0.0.1"
    port = os.environ.get("VOILA_APP_PORT", "8866")
    base = os.environ.get("VOILA_WS_BASE_URL", os.environ.get("VOILA_SERVER_URL", "/"))
    url = f"{protocol}://{ip}:{port}{base}voila/query/{os.environ.get('VOILA_KERNEL_ID', '')}"
    with connect(url, open_timeout=5) as socket:
        info = json.loads(socket.recv(timeout=timeout))
    for key, value in info.items():
        os.environ[key] = str(value)
    return info


def query_string() -> str:
    """The page's query string (``code=K7P-4QX``), waiting for it when the kernel was preheated.

    Never fails: without the query string the resident simply types the code from the slip.
    """
    try:
        wait_for_request()
    except Exception as exc:  # noqa: BLE001 - any websocket trouble must not break the page
        import logging

        logging.getLogger(__name__).warning("no request info from Voila: %s", exc)
        return ""
    return os.environ.get("QUERY_STRING", "")
