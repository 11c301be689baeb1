"""``python -m werkboek.resident_voila <voila arguments>``: the standalone ``voila`` application,
with the kernel pool of :mod:`werkboek.kernel_pool` (a postponed refill is never handed out).

Everything else is Voilà's own ``main``: the same command line, the same refusal to run code
sent from a browser.
"""

from __future__ import annotations

import sys


def main() -> None:
    from .kernel_pool import install

    install()
    from voila.app import main as voila_main

    sys.exit(voila_main())


if __name__ == "__main__":
    main()
