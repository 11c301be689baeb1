"""The residents' server command line and the notebook it serves (no server started here)."""

from __future__ import annotations

import json

import nbformat

from werkboek.resident_server import NOTEBOOK, TEMPLATE, make_jupyter_path, resident_server_command


def test_command_serves_only_the_ballot_with_our_template(tmp_path):
    argv, env = resident_server_command(port=9123, ip="0.0.0.0", pool_size=4, jupyter_dir=tmp_path,
                                        database_url="sqlite:////x/w.sqlite", home="/x")
    assert argv[1:4] == ["-m", "voila", str(NOTEBOOK)]  # standalone voila, one notebook: nothing else reachable
    assert "--port=9123" in argv and "--Voila.ip=0.0.0.0" in argv and "--template=werkboek" in argv
    assert "--preheat_kernel=True" in argv and "--pool_size=4" in argv
    assert "--strip_sources=True" in argv and "--show_tracebacks=False" in argv
    assert not any("jupyter_server" in a or "ServerApp" in a for a in argv)
    assert env["WERKBOEK_DATABASE_URL"] == "sqlite:////x/w.sqlite" and env["WERKBOEK_HOME"] == "/x"
    assert env["JUPYTER_PATH"].split(":")[0] == str(tmp_path)
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
    assert "werkboek_widgets.ballot_app" in source and "query_string" in source
    for heavy in ("pandas", "ipyleaflet", "import voila", "from voila"):
        assert heavy not in source
    assert nb.metadata["title"] == "Stemmen – Heerlen-Noord"


def test_template_is_dutch_and_has_no_cdn():
    html = (TEMPLATE / "index.html.j2").read_text()
    assert '"language_code": "nl"' in html and "Even geduld" in html
    assert "cdn" not in html.lower() and "http" not in html
    css = (TEMPLATE / "static" / "werkboek.css").read_text()
    assert "min-height: 48px" in css and ":focus" in css
