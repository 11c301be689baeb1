"""Every ``werkboek`` command, given bad input, ends in one clear message — never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT

BAD_INPUT = [
    (["scenarios", "export-pb", "999", "{tmp}/x.pb"], "Bijeenkomst 999 bestaat niet"),
    (["scenarios", "run", "{tmp}/geen-map"], None),
    (["scenarios", "compare", "{tmp}/niets"], None),
    (["indicators", "import", "{tmp}/kwb-2024.csv"], None),
    (["data", "check", "--data-dir", "{tmp}/geen-data"], None),
    (["db", "status", "--database-url", "mysql://x@y/z"], "wordt niet ondersteund"),
    (["publish", "--out", "{tmp}/site", "--database-url", "mysql://x@y/z"], "wordt niet ondersteund"),
    (["db", "status", "--database-url", "postgresql+psycopg://nobody@127.0.0.1:1/none"], "database"),
]


@pytest.mark.parametrize("argv, expected", BAD_INPUT, ids=[" ".join(a[:2]) for a, _ in BAD_INPUT])
def test_bad_input_ends_in_a_message_not_a_traceback(argv, expected, tmp_path):
    env = dict(os.environ, WERKBOEK_HOME=str(tmp_path / "home"))
    env.pop("WERKBOEK_DATABASE_URL", None)
    args = [a.format(tmp=tmp_path) for a in argv]
    done = subprocess.run([sys.executable, "-m", "werkboek", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout, done.stderr
    message = done.stderr.strip()
    assert message.startswith("werkboek: ") and len(message.splitlines()) <= 12, message
    if expected:
        assert expected in message, message
