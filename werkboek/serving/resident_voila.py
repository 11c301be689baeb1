"""``python -m werkboek.serving.resident_voila <voila arguments>``: the standalone ``voila`` application,
with the kernel pool of :mod:`werkboek.serving.voila_patches.kernel_pool` (a postponed refill is never handed out),
room for a few hundred kernels (open-files limit raised; see :mod:`werkboek.serving.voila_patches.kernel_cap`), page
templates compiled once (:mod:`werkboek.serving.voila_patches.templates`) and
the residents' guards (:class:`werkboek.serving.voila_patches.apps.ResidentVoila`).

Everything else is Voilà's own application: the same command line, the same refusal to run
code sent from a browser.
"""

from __future__ import annotations

import sys


def raise_open_files_limit(wanted: int = 65536) -> int:
    """Raise this process's soft limit on open files towards its hard limit; returns the new soft limit.

    Every kernel holds a handful of sockets and files in the Voilà process; a laptop's usual
    soft limit (1024) would stop a room of a few hundred kernels.
    """
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


def main() -> None:
    from werkboek.serving.voila_patches import check_versions, kernel_pool, templates

    check_versions()
    raise_open_files_limit()
    kernel_pool.install()
    templates.install()
    from werkboek.serving.voila_patches.apps import ResidentVoila

    sys.exit(ResidentVoila.launch_instance())


if __name__ == "__main__":
    main()
