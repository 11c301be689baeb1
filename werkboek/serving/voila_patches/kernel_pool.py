"""Voilà's preheated kernel pool, handing out only kernels that are on their way.

Voilà (0.5) refills a used place in its pool by appending, at once, a task that first
sleeps ``fill_delay`` seconds and then starts a kernel, and it hands out pool entries
strictly in order. So once the preheated kernels are taken, the next visitor gets a
refill that is still asleep and waits out the whole delay. For a big room we postpone
refills (``--pool-fill-delay 600``, so refills do not compete with the burst for the
CPU): the crowd generator found 11 of 171 page loads (every one beyond the 160
preheated kernels) hanging until they timed out.

:class:`ReadyFirstPool` changes three things, and nothing else:

* ``get_pool_size`` counts only entries whose delay is over (a kernel that is ready,
  or starting); when there is none, Voilà's handler starts a kernel for this visitor
  the ordinary way, which takes seconds, not minutes;
* ``get_rendered_notebook`` hands out a ready kernel before one that is still
  starting, and never one that is still waiting out its delay;
* a refill is started for nobody: it carries neither the visitor's request (Voilà passed the
  previous visitor's full address, stemcode included, into the next kernel's environment)
  nor the visitor's client (:data:`~werkboek.serving.voila_patches.clients.CURRENT_CLIENT`),
  and a kernel handed out is claimed for the visitor who got it;
* refills start at least :data:`REFILL_SPACING_SECONDS` apart. Voilà schedules each
  refill ``fill_delay`` after its place was taken, so a burst of 150 arrivals came back
  ten minutes later as a burst of 150 kernel starts, and the residents voting at that
  moment waited up to 2.5 s for "Bedankt" (the 300-resident crowd run). Spaced out, a
  refill costs about half a core while it lasts.

Voilà builds its pool class around the configured kernel manager in
``voila.app.voila_kernel_manager_factory``; :func:`install` wraps that factory so the
class it builds gets this mixin first. :mod:`werkboek.serving.resident_voila` calls it before
starting Voilà, in the residents' server process only.
"""

from __future__ import annotations

import asyncio
import weakref

from werkboek.serving.voila_patches.clients import CURRENT_CLIENT

REFILL_SPACING_SECONDS = 1.0  # a kernel start and notebook run is ~1 CPU-second on this laptop


class ReadyFirstPool:
    """Mixin placed before Voilà's ``VoilaKernelManager`` (see :func:`install`)."""

    def _due_times(self) -> "weakref.WeakKeyDictionary":
        due = getattr(self, "_werkboek_due", None)
        if due is None:
            due = self._werkboek_due = weakref.WeakKeyDictionary()
        return due

    def fill_if_needed(self, delay=None, notebook_name=None, extra_kernel_env_variables=None, **kwargs):
        now = asyncio.get_event_loop().time()
        wait = self.fill_delay if delay is None else delay
        if wait > 0:  # a refill; the first fill at start-up (delay 0) starts the whole pool at once
            wait = max(wait, getattr(self, "_werkboek_last_due", float("-inf")) + REFILL_SPACING_SECONDS - now)
        pool_before = {id(task) for task in self._pools.get(notebook_name, ())}
        # the refill tasks copy this context: run them for nobody, with nobody's request
        nobody = CURRENT_CLIENT.set(None)
        try:
            super().fill_if_needed(delay=wait, notebook_name=notebook_name, extra_kernel_env_variables={}, **kwargs)
        finally:
            CURRENT_CLIENT.reset(nobody)
        due = self._due_times()
        added = [task for task in self._pools.get(notebook_name, ()) if id(task) not in pool_before]
        for task in added:
            due[task] = now + wait
        if added and wait > 0:
            self._werkboek_last_due = now + wait

    def _rank(self, task, now: float) -> int | None:
        """0: ready; 1: starting; 2: failed (a refill refused at the cap: its visitor gets the
        "even geduld" page, which is right when nothing better is left); None: still waiting."""
        if task.done():
            return 2 if task.cancelled() or task.exception() is not None else 0
        if self._due_times().get(task, 0.0) <= now:
            return 1
        return None

    def _usable(self, notebook_name) -> list:
        now = asyncio.get_event_loop().time()
        ranked = [(self._rank(task, now), i, task) for i, task in enumerate(self._pools.get(notebook_name, ()))]
        return [task for rank, _i, task in sorted(r for r in ranked if r[0] is not None)]

    def get_pool_size(self, notebook_name) -> int:
        return len(self._usable(notebook_name))

    async def get_rendered_notebook(self, notebook_name, extra_kernel_env_variables=None, **kwargs):
        pool = self._pools.get(notebook_name)
        if pool:
            usable = self._usable(notebook_name)
            waiting = [task for task in pool if not any(task is u for u in usable)]
            pool[:] = usable + waiting  # Voilà takes pool[0]
        render_task, rendered_cache, kernel_id = await super().get_rendered_notebook(notebook_name, {}, **kwargs)
        claim = getattr(self, "claim", None)  # werkboek.serving.voila_patches.kernel_cap.CappedKernelManager
        if claim is not None:
            claim(kernel_id)
        return render_task, rendered_cache, kernel_id


def install() -> None:
    """Make Voilà build its preheated pool with :class:`ReadyFirstPool` in front."""
    import voila.app

    original = voila.app.voila_kernel_manager_factory
    if getattr(original, "werkboek_ready_first", False):
        return

    def factory(base_class, preheat_kernel, default_pool_size, *args, **kwargs):
        built = original(base_class, preheat_kernel, default_pool_size, *args, **kwargs)
        if not preheat_kernel:
            return built
        return type("ReadyFirst" + built.__name__, (ReadyFirstPool, built), {})

    factory.werkboek_ready_first = True
    voila.app.voila_kernel_manager_factory = factory
