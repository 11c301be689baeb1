"""The residents' server's kernel clients: no heartbeat thread, no ZeroMQ context of their own
(werkboek.serving.voila_patches.kernel_cap.NoHeartbeatKernelClient).

Voilà's notebook runner (nbclient) makes one client per kernel and keeps it while the notebook
runs, which for a preheated kernel is until its visitor comes: jupyter_client's default client
started a heartbeat thread and a context with two native threads for each of them.
"""

from __future__ import annotations

import asyncio
import time

import psutil
from jupyter_server.services.kernels.kernelmanager import ServerKernelManager
from traitlets.config import Config

from benchmarks.crowd.run import wait_for_pool
from werkboek.serving.residents import resident_server_command, running_resident_server
from werkboek.serving.voila_patches.kernel_cap import NoHeartbeatKernelClient


def _configured_client_class() -> str:
    """What the residents' server is told to use, read from its own command line."""
    argv, _env = resident_server_command(8866, "127.0.0.1", 0)
    (value,) = [a.split("=", 1)[1] for a in argv if a.startswith("--ServerKernelManager.client_class=")]
    return value


def test_the_servers_kernel_client_runs_code_without_a_heartbeat_on_the_managers_context(tmp_path):
    config = Config()
    config.ServerKernelManager.client_class = _configured_client_class()

    async def scenario():
        km = ServerKernelManager(config=config, kernel_name="python3")
        await km.start_kernel(cwd=str(tmp_path))
        try:
            kc = km.client()
            assert isinstance(kc, NoHeartbeatKernelClient)
            kc.start_channels()
            await kc.wait_for_ready(timeout=60)
            reply = await kc.execute_interactive("x = 6 * 7", timeout=30)
            assert reply["content"]["status"] == "ok"
            assert kc._hb_channel is None  # never made, so no thread
            assert kc.context is km.context  # the manager's context: no threads of its own
            assert await kc.is_alive()
            kc.stop_channels()
            assert not km.context.closed  # stopping one client leaves the shared context to the others
            await km.shutdown_kernel(now=True)
            assert not await kc.is_alive()  # a dead kernel is still seen, by its manager
        finally:
            if await km.is_alive():
                await km.shutdown_kernel(now=True)

    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(scenario())
    finally:
        loop.close()


def test_preheated_kernels_add_no_threads_to_the_residents_server(tmp_path):
    pool = 6
    url = f"sqlite:///{tmp_path / 'w.db'}"
    with running_resident_server(pool_size=pool, database_url=url, home=tmp_path) as server:
        wait_for_pool(server, pool, timeout=240)  # every kernel waiting in its notebook for a visitor
        process = psutil.Process(server.process.pid)
        kernels = [p for p in process.children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]
        assert len(kernels) == pool
        time.sleep(1)
        # the event loop, and ZeroMQ's I/O and reaper threads of the one shared context; with
        # jupyter_client's client it was those plus three threads for every waiting kernel
        assert process.num_threads() < pool, process.num_threads()
