"""The layers of docs/architecture.md, checked on every import in the tree (lazy imports included).

The model knows no widgets, servers, SQL or outputs; widgets never touch SQL or the servers;
the small shared modules (errors, settings, dutch, network) import nothing of ours.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

OURS = ("werkboek", "werkboek_widgets")
LEAVES = {"errors", "settings", "dutch", "network"}
# what each room may import (besides itself, the leaves and the standard library / third parties below)
ALLOWED = {
    "model": {"formats"},
    "formats": {"model"},
    "store": {"model", "formats"},
    "store_service": {"model", "store", "serving.process"},
    "outputs": {"model", "formats"},
    "scenarios": {"model", "formats", "outputs", "store", "demo"},
    "demo": {"model", "store", "formats"},
    "serving": {"model", "formats", "outputs", "store", "store_service", "demo", "scenarios"},
    "cli": {"model", "formats", "outputs", "store", "store_service", "demo", "scenarios", "serving"},
    "widgets": {"model", "formats", "outputs", "store_service.client"},
    "__main__": {"cli"},
}
# third-party packages a room must never import
FORBIDDEN = {
    "model": {"sqlalchemy", "alembic", "ipywidgets", "ipyleaflet", "bqplot", "voila", "jupyter_server", "tornado"},
    "formats": {"sqlalchemy", "ipywidgets", "ipyleaflet", "voila", "jupyter_server", "tornado"},
    "outputs": {"sqlalchemy", "ipywidgets", "ipyleaflet", "voila", "jupyter_server", "tornado"},
    "store": {"ipywidgets", "ipyleaflet", "voila", "jupyter_server", "tornado"},
    "widgets": {"sqlalchemy", "alembic", "voila", "jupyter_server", "tornado"},
    "scenarios": {"ipywidgets", "ipyleaflet", "voila", "jupyter_server", "tornado"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[0] == "widgets":
        parts[0] = "werkboek_widgets"
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def room(module: str) -> str:
    if module.startswith("werkboek_widgets"):
        return "widgets"
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "werkboek"


def imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module, node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno


def allowed(source: str, target: str) -> bool:
    src, dst = room(source), room(target)
    if target.split(".")[0] not in OURS or src == dst or dst in LEAVES or target == "werkboek":
        return True
    if src in LEAVES:
        return False
    rest = target.split(".", 1)[1] if target.startswith("werkboek.") else ""
    return any(dst == rule or rest == rule or rest.startswith(rule + ".") for rule in ALLOWED.get(src, ()))


def python_files():
    for folder in ("werkboek", "widgets"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_every_import_follows_the_layers():
    broken = []
    for path in python_files():
        source = module_name(path)
        for target, line in imports(path):
            if not allowed(source, target):
                broken.append(f"{path.relative_to(ROOT)}:{line}: {room(source)} imports {target}")
            top = target.split(".")[0]
            if top in FORBIDDEN.get(room(source), ()):
                broken.append(f"{path.relative_to(ROOT)}:{line}: {room(source)} imports {top}")
    assert not broken, "imports across the layers (docs/architecture.md):\n" + "\n".join(broken)


def test_the_rule_itself_catches_a_crossing():
    assert not allowed("werkboek.model.results", "werkboek.serving.residents")
    assert not allowed("werkboek_widgets.ballot.app", "werkboek.store.store")
    assert not allowed("werkboek.settings", "werkboek.model.catalogue")
    assert allowed("werkboek_widgets.ballot.app", "werkboek.store_service.client")
    assert not allowed("werkboek_widgets.ballot.app", "werkboek.store_service.server")
    assert allowed("werkboek.store_service.process", "werkboek.serving.process")
    assert not allowed("werkboek.store_service.process", "werkboek.serving.residents")
