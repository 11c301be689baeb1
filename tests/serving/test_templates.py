"""Page templates compiled once per server (werkboek.serving.voila_patches.templates)."""

from __future__ import annotations

import re

import jinja2
import nbformat
import pytest
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter

from werkboek.serving.voila_patches import templates


@pytest.fixture
def cache(monkeypatch):
    monkeypatch.setattr(TemplateExporter, "_create_environment", TemplateExporter._create_environment)
    fresh = templates.SharedBytecodeCache()
    templates.install(fresh)
    return fresh


NOTEBOOK = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Onderwerp *leren*"),
                                            nbformat.v4.new_code_cell("1 + 1")])
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def export(**kwargs) -> str:
    body, _resources = HTMLExporter(template_name="lab", **kwargs).from_notebook_node(NOTEBOOK)
    return UUID.sub("<uuid>", body)  # uuid4 is a template global: a new id in every export


def test_a_second_exporter_compiles_nothing_and_writes_the_same_page(monkeypatch):
    monkeypatch.setattr(TemplateExporter, "_create_environment", TemplateExporter._create_environment)
    plain = export()
    fresh = templates.SharedBytecodeCache()
    templates.install(fresh)
    first = export()
    compiled = fresh.compiled
    second = export()
    assert compiled >= 3  # lab/index, base, display_priority … compiled by the first exporter
    assert fresh.compiled == compiled  # the second exporter (a new environment) compiled none
    assert first == plain  # pages written with the cache are those written without it
    assert second == first


def test_an_edited_template_is_compiled_again(cache, tmp_path):
    page = tmp_path / "page.j2"
    page.write_text("Stap {{ n }} van 6")
    loader = jinja2.FileSystemLoader(tmp_path)
    assert jinja2.Environment(loader=loader, bytecode_cache=cache).get_template("page.j2").render(n=1) == "Stap 1 van 6"
    page.write_text("Stap {{ n }} van 5")
    assert jinja2.Environment(loader=loader, bytecode_cache=cache).get_template("page.j2").render(n=1) == "Stap 1 van 5"
    assert cache.compiled == 2


def test_environments_with_other_extensions_do_not_share_compiled_code(cache, tmp_path):
    (tmp_path / "do.j2").write_text("{% set items = [] %}{% do items.append(1) %}{{ items }}")
    loader = jinja2.FileSystemLoader(tmp_path)
    with_do = jinja2.Environment(loader=loader, bytecode_cache=cache, extensions=["jinja2.ext.do"])
    assert with_do.get_template("do.j2").render() == "[1]"
    plain = jinja2.Environment(loader=loader, bytecode_cache=cache)
    with pytest.raises(jinja2.TemplateSyntaxError):  # compiled for itself, not handed the other's code
        plain.get_template("do.j2")


def test_install_is_idempotent(cache):
    patched = TemplateExporter._create_environment
    templates.install(cache)
    assert TemplateExporter._create_environment is patched
    assert HTMLExporter().environment.bytecode_cache is cache
