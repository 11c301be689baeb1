"""The residents' server command line and the notebook it serves (no server started here)."""

from __future__ import annotations

import json

import nbformat

from werkboek.serving.residents import NOTEBOOK, TEMPLATE, make_jupyter_path, resident_server_command


def test_command_serves_only_the_ballot_with_our_template(tmp_path):
    argv, env = resident_server_command(port=9123, ip="0.0.0.0", pool_size=4, jupyter_dir=tmp_path,
                                        database_url="sqlite:////x/w.sqlite", home="/x")
    # standalone voila (with our kernel pool), one notebook: nothing else reachable
    assert argv[1:4] == ["-m", "werkboek.serving.resident_voila", str(NOTEBOOK)]
    assert "--port=9123" in argv and "--Voila.ip=0.0.0.0" in argv and "--template=werkboek" in argv
    assert "--preheat_kernel=True" in argv and "--pool_size=4" in argv
    assert "--strip_sources=True" in argv and "--show_tracebacks=False" in argv
    assert not any("jupyter_server" in a or "ServerApp" in a for a in argv)
    assert env["WERKBOEK_DATABASE_URL"] == "sqlite:////x/w.sqlite" and env["WERKBOEK_HOME"] == "/x"
    assert env["JUPYTER_PATH"].split(":")[0] == str(tmp_path)
    kernel_config = tmp_path / "ipython" / "profile_default" / "ipython_kernel_config.py"
    assert env["IPYTHONDIR"] == str(tmp_path / "ipython")
    assert "c.HistoryManager.enabled = False" in kernel_config.read_text()
    conf = tmp_path / "voila" / "templates" / "werkboek" / "conf.json"
    assert json.loads(conf.read_text())["base_template"] == "lab"
    assert (tmp_path / "voila" / "templates" / "werkboek" / "index.html.j2").resolve() == TEMPLATE / "index.html.j2"


def test_without_pool_no_preheating_and_template_dir_is_reusable(tmp_path):
    argv, _env = resident_server_command(jupyter_dir=tmp_path)
    assert not any(a.startswith("--preheat_kernel") for a in argv)
    assert make_jupyter_path(tmp_path) == tmp_path  # a second call finds the link in place


def test_notebook_is_thin_and_clean():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    source = "\n".join(c.source for c in code)
    assert "werkboek_widgets.ballot.app" in source and "query_string" in source
    for heavy in ("pandas", "ipyleaflet", "import voila", "from voila"):
        assert heavy not in source
    assert nb.metadata["title"] == "Stemmen – Heerlen-Noord"


def test_template_is_dutch_and_has_no_cdn():
    html = (TEMPLATE / "index.html.j2").read_text()
    assert '"language_code": "nl"' in html and "Even geduld" in html
    assert "cdn" not in html.lower() and "http" not in html
    css = (TEMPLATE / "static" / "werkboek.css").read_text()
    assert "min-height: 48px" in css and ":focus" in css


def test_culling_and_cap_options_reach_voila(tmp_path):
    argv, _env = resident_server_command(jupyter_dir=tmp_path, cull_idle_seconds=120, cull_interval_seconds=15,
                                         cull_connected_seconds=600, max_kernels=150)
    assert "--VoilaConfiguration.multi_kernel_manager_class=werkboek.serving.voila_patches.kernel_cap.CappedKernelManager" in argv
    assert "--MappingKernelManager.cull_idle_timeout=120" in argv and "--MappingKernelManager.cull_interval=15" in argv
    assert "--MappingKernelManager.cull_connected=False" in argv and "--MappingKernelManager.cull_busy=False" in argv
    assert "--CappedKernelManager.cull_connected_idle_timeout=600" in argv
    assert "--CappedKernelManager.max_kernels=150" in argv
    defaults, _env = resident_server_command(jupyter_dir=tmp_path)
    assert "--MappingKernelManager.cull_idle_timeout=180" in defaults  # 2–4 minutes after a page is gone
    assert "--CappedKernelManager.max_kernels=0" in defaults


def test_workshop_command_derives_the_cap_from_free_memory():
    import argparse

    from werkboek.cli.workshop import add_parser
    from werkboek.settings import default_max_kernels

    gib = 2**30
    assert default_max_kernels(16 * gib) == int(16 * gib * 0.6 / (70 * 2**20)) == 140
    assert default_max_kernels(512 * 2**20) == 10 and default_max_kernels(1024 * gib) == 400
    assert 10 <= default_max_kernels() <= 400
    sub = argparse.ArgumentParser().add_subparsers()
    add_parser(sub)
    parser = sub.choices["workshop"]
    assert parser.parse_args([]).max_kernels is None and parser.parse_args([]).cull_idle == 180
    assert parser.parse_args(["--max-kernels", "50"]).max_kernels == 50


def test_error_page_is_dutch_and_needs_no_internet():
    html = (TEMPLATE / "error.html").read_text()
    assert '<html lang="nl">' in html and "Even geduld" in html and "Opnieuw proberen" in html
    assert "http" not in html.replace('http-equiv', '') and "extends" not in html
