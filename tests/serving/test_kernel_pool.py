"""The kernel pool's rules (werkboek.serving.voila_patches.kernel_pool.ReadyFirstPool), on a stand-in for Voilà's pool.

The stand-in does what Voilà 0.5's ``VoilaKernelManager`` does with its pool: ``fill_if_needed``
appends one task per missing place that sleeps ``delay`` and then "starts a kernel";
``get_rendered_notebook`` takes ``pool[0]``. The real Voilà server is exercised in
tests/test_kernel_lifecycle.py.
"""

from __future__ import annotations

import asyncio
import itertools

import pytest

from werkboek.serving.voila_patches import kernel_pool
from werkboek.serving.voila_patches.kernel_cap import CappedKernelManager
from werkboek.serving.voila_patches.kernel_pool import ReadyFirstPool

NB = "stemmen.ipynb"


def run(coroutine):
    """On a loop of its own: asyncio.run would leave the main thread without a current loop,
    which later widget tests (the projector's refresh task) still expect."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()


class FakeVoilaPool:
    fill_delay = 600.0
    pool_size = 3

    def __init__(self):
        self._pools = {}
        self.ids = itertools.count(1)
        self.delays = []

    def fill_if_needed(self, delay=None, notebook_name=None, extra_kernel_env_variables=None, **kwargs):
        delay = self.fill_delay if delay is None else delay
        pool = self._pools.setdefault(notebook_name, [])
        for _ in range(self.pool_size - len(pool)):
            self.delays.append(delay)
            pool.append(asyncio.ensure_future(self._start(delay, next(self.ids))))

    async def _start(self, delay, kernel_id):
        await asyncio.sleep(delay)
        return kernel_id

    def get_pool_size(self, notebook_name):
        return len(self._pools.get(notebook_name, []))

    async def get_rendered_notebook(self, notebook_name, extra_kernel_env_variables=None, **kwargs):
        kernel_id = await self._pools[notebook_name].pop(0)
        self.fill_if_needed(notebook_name=notebook_name, extra_kernel_env_variables=extra_kernel_env_variables)
        return None, [], kernel_id  # Voilà: (render task, rendered cells, kernel id)


class Pool(ReadyFirstPool, FakeVoilaPool):
    pass


def test_a_postponed_refill_is_never_handed_out_and_not_counted():
    async def scenario():
        pool = Pool()
        pool.fill_if_needed(delay=0, notebook_name=NB)  # start-up: the whole pool at once
        await asyncio.sleep(0.01)
        assert pool.get_pool_size(NB) == 3
        taken = [(await pool.get_rendered_notebook(NB))[2] for _ in range(3)]
        assert taken == [1, 2, 3]
        # three refills now wait 600 s: Voilà would hand out the first and keep the visitor waiting
        assert len(pool._pools[NB]) == 3
        assert pool.get_pool_size(NB) == 0  # so Voilà's handler starts a kernel the ordinary way
        plain = FakeVoilaPool()
        plain.fill_if_needed(delay=0, notebook_name=NB)
        await asyncio.sleep(0.01)
        for _ in range(3):
            await plain.get_rendered_notebook(NB)
        assert plain.get_pool_size(NB) == 3  # the behaviour the mixin corrects
        for task in pool._pools[NB] + plain._pools[NB]:
            task.cancel()

    run(scenario())


def test_ready_kernels_go_first(monkeypatch):
    monkeypatch.setattr(kernel_pool, "REFILL_SPACING_SECONDS", 0.0)

    async def scenario():
        pool = Pool()
        pool.fill_if_needed(delay=0, notebook_name=NB)
        await asyncio.sleep(0.01)
        pool._pools[NB].insert(0, asyncio.ensure_future(asyncio.sleep(5, result=99)))  # still starting
        assert pool.get_pool_size(NB) == 4
        assert (await pool.get_rendered_notebook(NB))[2] == 1  # a ready one, not the one still starting
        for task in pool._pools[NB]:
            task.cancel()

    run(scenario())


def test_refills_after_a_burst_are_spaced_out():
    async def scenario():
        pool = Pool()
        pool.pool_size = 10
        pool.fill_delay = 5.0
        pool.fill_if_needed(delay=0, notebook_name=NB)
        await asyncio.sleep(0.01)
        start = len(pool.delays)
        for _ in range(6):  # six residents arrive at once
            await pool.get_rendered_notebook(NB)
        refills = pool.delays[start:]
        assert len(refills) == 6
        assert refills[0] == pytest.approx(5.0, abs=0.05)
        gaps = [b - a for a, b in zip(refills, refills[1:])]
        assert all(gap == pytest.approx(kernel_pool.REFILL_SPACING_SECONDS, abs=0.05) for gap in gaps), refills
        assert pool.delays[:start] == [0] * start  # start-up is not spaced
        for task in pool._pools[NB]:
            task.cancel()

    run(scenario())


def test_the_culler_skips_a_kernel_that_is_already_gone():
    manager = CappedKernelManager()
    run(manager.cull_kernel_if_idle("a-kernel-shut-down-meanwhile"))  # jupyter_server: KeyError


def test_the_culler_skips_a_kernel_that_is_still_starting():
    from jupyter_server.services.kernels.kernelmanager import ServerKernelManager

    manager = CappedKernelManager(cull_connected_idle_timeout=60)
    manager._kernels["starting"] = ServerKernelManager()  # no last_activity yet
    manager._kernel_connections["starting"] = 1
    run(manager.cull_kernel_if_idle("starting"))  # jupyter_server: TraitError on last_activity
    assert "starting" in manager._kernels


def test_the_kernels_zmq_context_holds_sockets_for_hundreds_of_kernels():
    """ZeroMQ's default is 1023 sockets per context: ~250 kernels made Voilà fail (crowd run r7)."""
    import resource

    import zmq

    from werkboek.serving.resident_voila import raise_open_files_limit

    before = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        raise_open_files_limit(4096)
        need_files = resource.getrlimit(resource.RLIMIT_NOFILE)[0] >= 2000
        if not need_files:
            pytest.skip("this machine's hard limit on open files is below 2000")
        manager = CappedKernelManager()
        sockets = []
        try:
            for _ in range(1500):  # ~5 per kernel: 300 kernels
                sockets.append(manager.context.socket(zmq.DEALER))
            assert len(sockets) == 1500
            plain = zmq.Context()
            try:
                with pytest.raises(zmq.ZMQError):  # what the default context does
                    for _ in range(1500):
                        sockets.append(plain.socket(zmq.DEALER))
            finally:
                for sock in sockets:
                    sock.close(linger=0)
                sockets.clear()
                plain.term()
        finally:
            for sock in sockets:
                sock.close(linger=0)
            manager.context.term()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, before)
