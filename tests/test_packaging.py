"""pyproject.toml is the single source of dependencies; environment.yml mirrors it."""

from __future__ import annotations

import re
import tomllib

import yaml
from conftest import ROOT

CONDA_NAMES = {"psycopg[binary]": "psycopg"}


def _split(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*(?:--no-deps\s+)?([A-Za-z0-9_.\-\[\]]+)\s*(.*)$", req)
    return m.group(1).lower(), m.group(2).replace(" ", "")


def test_environment_yml_mirrors_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wanted = dict(_split(r) for r in project["project"]["dependencies"])
    wanted.update(_split(r) for r in project["tool"]["werkboek"]["no-deps"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    have = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for pip_dep in dep["pip"]:
                if not pip_dep.startswith("-e"):
                    have.update([_split(pip_dep)])
        elif not dep.startswith(("python=", "pip")) or dep.startswith("pip "):
            have.update([_split(dep)])
    wanted = {CONDA_NAMES.get(k, k): v for k, v in wanted.items()}
    assert have == wanted


def test_no_deps_packages_are_installed_without_their_proprietary_dependency():
    import importlib.metadata as md

    import pabutools  # noqa: F401

    names = {d.metadata["Name"].lower() for d in md.distributions()}
    assert "gurobipy" not in names


def test_every_package_is_listed_for_installation():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(project["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "werkboek").rglob("__init__.py")}
    found |= {".".join(("werkboek_widgets",) + p.parent.relative_to(ROOT / "widgets").parts)
              for p in (ROOT / "widgets").rglob("__init__.py")}
    assert found == listed


def test_nbformat_does_not_build_the_slow_iri_parsers():
    """With ``rfc3987`` installed jsonschema takes it for IRIs instead of rfc3987-syntax, whose import
    builds ~35 Lark parsers (1.2 s of every papermill, Voilà and batch worker start)."""
    import subprocess
    import sys

    probe = "import sys, nbformat; print(sorted(m for m in ('rfc3987', 'rfc3987_syntax', 'lark') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "['rfc3987']"
