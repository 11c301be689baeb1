"""What a resident kernel has loaded once the ballot has rendered (issue 17: ≤ 50 MB RSS per kernel).

Asked of a real kernel started by the real residents' server (standalone Voilà, the
residents' IPython profile): the page is fetched, Voilà runs ``notebooks/stemmen.ipynb`` in a
new kernel, and the test then connects to that kernel through its connection file and reads
its ``sys.modules``. The memory figures themselves are in ``benchmarks/bench_kernel_memory.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import psutil
import pytest
from jupyter_client import BlockingKernelClient

from support.kernels import kernel_processes, wait_for
from werkboek.serving.residents import running_resident_server
from werkboek.store import Store

# Top-level packages the ballot never needs; each costs a resident kernel from ~2 MB (jinja2)
# to ~50 MB (pandas). ipyleaflet comes only when a resident opens the map; debugpy (pydevd,
# ~7.5 MB) is kept out by the residents' profile (werkboek.serving.resident_kernel); PyYAML
# (~0.9 MB): the server parses the catalogue's YAML once, the kernels read its JSON cache.
HEAVY = ("debugpy", "pydevd", "_pydevd_bundle", "_pydev_bundle", "ipyleaflet", "pandas", "numpy", "scipy",
         "pabutools", "openpyxl", "sqlalchemy", "alembic", "psycopg", "shapely", "jinja2", "babel", "jedi",
         "matplotlib", "PIL", "nbformat", "nbconvert", "papermill", "jupyter_server", "voila", "websockets",
         "yaml")

PROBE = (
    "import json as _json, sys as _sys\n"
    "print(_json.dumps({'rendered': type(globals().get('app')).__name__,\n"
    "                   'step': type(getattr(globals().get('app'), 'step', None)).__name__,\n"
    "                   'workshop': getattr(getattr(globals().get('app'), 'workshop', None), 'title', None),\n"
    "                   'loaded': sorted({m.split('.')[0] for m, mod in _sys.modules.items() if mod is not None})}))\n"
)


def ask_kernel(connection_file: str, code: str) -> tuple[str, dict]:
    """Run ``code`` in the kernel behind ``connection_file``; its printed output and its kernel_info."""
    client = BlockingKernelClient()
    client.load_connection_file(connection_file)
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        out: list[str] = []

        def hook(msg):
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])

        reply = client.execute_interactive(code, timeout=60, output_hook=hook)
        assert reply["content"]["status"] == "ok", reply["content"]
        client.kernel_info()
        info = client.get_shell_msg(timeout=30)["content"]
        return "".join(out), info
    finally:
        client.stop_channels()


@pytest.mark.voila
@pytest.mark.slow
def test_a_resident_kernel_loads_nothing_heavy_once_the_ballot_has_rendered(sqlite_url, catalogue, tmp_path):
    store = Store(sqlite_url, catalogue=catalogue)
    workshop = store.create_workshop("Buurtavond Vrieheide", method="punten", method_params={"points": 5},
                                     acties=[a.id for lg in catalogue.leefgebieden for a in catalogue.acties_in(lg)[:2]])
    store.open_voting(workshop.id)
    code = store.create_codes(workshop.id, 1)[0].code
    store.close()
    with running_resident_server(pool_size=0, database_url=sqlite_url, log_dir=tmp_path, kernel_nice=5) as server:
        with urllib.request.urlopen(server.ballot_url(code), timeout=120) as response:
            assert response.status == 200  # Voilà has run the notebook in a new kernel while sending the page
            response.read()
        wait_for(lambda: kernel_processes(server), 30, "the page's kernel")
        (process,) = kernel_processes(server).values()
        connection_file = next(part for part in process.cmdline() if part.endswith(".json"))
        printed, info = ask_kernel(connection_file, PROBE)
        kernel_nice, server_nice = process.nice(), psutil.Process(server.process.pid).nice()
        kernel_group, server_group = autogroup_of(process.pid), autogroup_of(server.process.pid)
    state = json.loads(printed.strip().splitlines()[-1])
    # the kernel yields the CPU to the server that relays for everyone, in both of Linux's ways
    assert (kernel_nice, server_nice) == (5, 0)
    if kernel_group and server_group:  # a Linux kernel with autogroup scheduling (as here and on most desktops)
        assert kernel_group.endswith("nice 5") and server_group.endswith("nice 0"), \
            (kernel_group, server_group)
    assert state["rendered"] == "BallotApp" and state["step"] == "Welkom", state
    assert state["workshop"] == "Buurtavond Vrieheide", state  # the link's code was applied (store service)
    assert sorted(set(HEAVY) & set(state["loaded"])) == []
    assert "debugger" not in info.get("supported_features", [])  # ipykernel went without debugpy


def autogroup_of(pid: int) -> str | None:
    try:
        group = Path(f"/proc/{pid}/autogroup").read_text().strip()  # "/autogroup-123 nice 5"
    except OSError:
        return None
    # empty where the process's group is a cgroup's, not an autogroup (e.g. inside a container)
    return group or None


@pytest.mark.parametrize("own_session", [True, False])
def test_a_kernel_lowers_its_priority_and_its_own_sessions_group_only(own_session):
    program = (
        "import os\n"
        "from werkboek.serving.resident_kernel import yield_to_the_server\n"
        "yield_to_the_server(7)\n"
        "print(os.getpriority(os.PRIO_PROCESS, 0))\n"
        "try:\n"
        "    group = open('/proc/self/autogroup').read().split()\n"
        "except OSError:\n"  # no autogroup scheduling, or not readable here
        "    group = []\n"
        "print(group[-1] if group else '-')\n"  # empty in a cgroup's group (a container)
    )
    before = autogroup_of(os.getpid())
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                         start_new_session=own_session)
    assert out.returncode == 0, out.stderr
    nice, group_nice = out.stdout.split()
    assert int(nice) == max(7, os.getpriority(os.PRIO_PROCESS, 0)), out.stdout + out.stderr
    if before is not None and group_nice != "-":
        # its own session: its own group lowered; in this test's session: the test's group left alone
        assert group_nice == ("7" if own_session else before.split()[-1]), out.stdout
        assert autogroup_of(os.getpid()) == before


def test_the_profile_keeps_the_debugger_out_before_ipykernel_looks_for_it():
    program = (
        "import sys\n"
        "from werkboek.serving.resident_kernel import keep_the_debugger_out\n"
        "first = keep_the_debugger_out()\n"
        "from ipykernel.debugger import _is_debugpy_available\n"
        "print(first, _is_debugpy_available, keep_the_debugger_out(),\n"
        "      any(m.startswith(('_pydevd', 'pydevd')) for m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    # marked absent, ipykernel has no debugger, a second call says it is too late, no pydevd loaded
    assert out.stdout.split() == ["True", "False", "False", "False"], out.stdout + out.stderr
