"""Everything that reaches into Voilà's or jupyter_server's internals, in one place, pinned to their versions.

Open this folder when Voilà or jupyter_server is upgraded: each module names what it
changes and why, with the figures that made it necessary.

=====================  =====================================================================
module                 what it changes
=====================  =====================================================================
``apps``               the residents' and the console's Voilà applications: settings
                       (cookies, headers, message size) and handler classes
``kernel_frames``      reading kernel websocket frames without trusting their offsets
``kernel_websocket``   the residents' kernel websocket: v1 only, ballot messages only,
                       a rate limit, no tracebacks or stderr to the page
``resident_page``      the residents' page: Fetch Metadata, per-client kernel budget, XSRF cookie
``clients``            who a page request is for (address, browser)
``templates``          page templates compiled once per server, not once per page (a shared
                       Jinja bytecode cache for nbconvert's and Voilà's exporters)
=====================  =====================================================================

(``werkboek.serving.voila_patches.kernel_pool`` and ``werkboek.serving.voila_patches.kernel_cap`` patch Voilà's pool and jupyter_server's
kernel manager the same way; ``kernel_cap`` also has a lighter copy of jupyter_server's activity
watch, ``start_watching_activity``, to review when jupyter_server changes it, and the kernel
client the server's notebook runner uses, ``NoHeartbeatKernelClient``, to review when
jupyter_client changes its channels.)
"""

from __future__ import annotations

VOILA_VERSION = "0.5.13"
JUPYTER_SERVER_MAJOR = 2


def check_versions() -> None:
    """Refuse to start on a Voilà or jupyter_server these patches were not written for."""
    import jupyter_server
    import voila

    if voila.__version__ != VOILA_VERSION or int(jupyter_server.__version__.split(".")[0]) != JUPYTER_SERVER_MAJOR:
        raise RuntimeError(
            f"werkboek.serving.voila_patches is written for Voilà {VOILA_VERSION} and jupyter_server "
            f"{JUPYTER_SERVER_MAJOR}.x, found Voilà {voila.__version__} and jupyter_server "
            f"{jupyter_server.__version__}: review the patches (see this package's docstring) before upgrading."
        )
