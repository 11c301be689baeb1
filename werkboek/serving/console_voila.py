"""``python -m werkboek.serving.console_voila <voila arguments>``: the facilitators' console and beamer.

Voilà's standalone application with the console's guards
(:class:`werkboek.serving.voila_patches.apps.ConsoleVoila`): a token always, this laptop's own
host names only, its own origin only.
"""

from __future__ import annotations

import sys


def main() -> None:
    from werkboek.serving.voila_patches import check_versions, templates

    check_versions()
    templates.install()  # the console renders a page per facilitator tab, and report exports
    from werkboek.serving.voila_patches.apps import ConsoleVoila

    sys.exit(ConsoleVoila.launch_instance())


if __name__ == "__main__":
    main()
