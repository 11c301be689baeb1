"""The strict CSV reader: quotes that are off are problems with their line, never a silent merge."""

from __future__ import annotations

import pytest

from werkboek.errors import DataError
from werkboek.formats.tabular import read_csv


def read(tmp_path, text: str):
    path = tmp_path / "acties.csv"
    path.write_text(text, encoding="utf-8")
    return read_csv(path, ["id", "titel"])


def test_quoted_fields_with_commas_and_doubled_quotes_are_fine(tmp_path):
    rows = read(tmp_path, 'id,titel\nA1,Een\nA2,"Het ""groene"" plein"\nA3,"met, komma"\n')
    assert [r.cells["titel"] for r in rows] == ["Een", 'Het "groene" plein', "met, komma"]
    assert [r.line for r in rows] == [2, 3, 4]


@pytest.mark.parametrize("text, line, field, words", [
    ('id,titel\nA1,Een\nA2,"Twee\nA3,Drie"\nA4,Vier\n', 3, None, "niet gesloten"),  # swallowed A3 before
    ('id,titel\nA1,"Een\nA2,Twee\n', 2, None, "niet gesloten voor het einde"),
    ('id,titel\nA1,"Een"x\nA2,Twee\n', 2, None, "na een sluitend aanhalingsteken"),
    ('id,titel\nA1,Het "groene" plein\n', 2, "titel", "los aanhalingsteken"),
    ('id,titel\nA1,Een,extra\n', 2, None, "3 velden"),
])
def test_bad_quotes_and_widths_name_their_line(tmp_path, text, line, field, words):
    with pytest.raises(DataError) as exc:
        read(tmp_path, text)
    problem = exc.value.problems[0]
    assert (problem.row, problem.field) == (line, field) and words in problem.message, str(exc.value)
    assert "acties.csv" in str(exc.value)


def test_data_check_reports_an_unclosed_quote_in_the_real_catalogue(tmp_path):
    import shutil
    import subprocess
    import sys

    from conftest import ROOT

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    lines = (data / "acties.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(i for i, text in enumerate(lines) if text and not text.startswith("#") and i > 1)
    head, rest = lines[row].split(",", 1)
    lines[row] = f'{head},"{rest}'  # opens a quote that is never closed on its line
    (data / "acties.csv").write_text("".join(lines), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "werkboek", "data", "check", "--data-dir", str(data)],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "In orde" not in done.stdout
    assert f"acties.csv, rij {row + 1}" in done.stderr and "aanhalingsteken" in done.stderr, done.stderr


# -- YAML with its JSON cache (issue 17: resident kernels never import PyYAML) ----------------------

def test_a_yaml_file_is_parsed_once_then_read_from_its_json_cache(tmp_path):
    import hashlib
    import subprocess
    import sys

    from werkboek.formats.tabular import read_yaml

    path = tmp_path / "leefgebieden.yaml"
    path.write_text("# comment\nleefgebieden:\n  - id: leren\n    beschrijving: >-\n      Een\n      twee\n"
                    "    kleur: '#0072B2'\n    n: 3\n", encoding="utf-8")
    cache = tmp_path / "cache"
    expected = {"leefgebieden": [{"id": "leren", "beschrijving": "Een twee", "kleur": "#0072B2", "n": 3}]}
    assert read_yaml(path) == expected
    assert not cache.exists()  # no cache unless asked for
    assert read_yaml(path, cache_dir=cache) == expected
    (cached,) = cache.iterdir()
    assert cached.name == hashlib.sha256(path.read_bytes()).hexdigest() + ".json"
    assert cache.stat().st_mode & 0o777 == 0o700
    program = (
        "import sys\nfrom pathlib import Path\nfrom werkboek.formats.tabular import read_yaml\n"
        f"doc = read_yaml(Path({str(path)!r}), cache_dir=Path({str(cache)!r}))\n"
        "print(doc == " + repr(expected) + ", 'yaml' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"], out.stdout + out.stderr  # the same document, without PyYAML

    path.write_text("leefgebieden: []\n", encoding="utf-8")  # an edited file has another hash: parsed again
    assert read_yaml(path, cache_dir=cache) == {"leefgebieden": []}
    assert len(list(cache.iterdir())) == 2


def test_what_json_cannot_hold_is_never_cached_and_errors_stay_the_same(tmp_path):
    import datetime as dt

    from werkboek.formats.tabular import read_yaml

    cache = tmp_path / "cache"
    for text, doc in (("datum: 2026-12-02\n", {"datum": dt.date(2026, 12, 2)}), ("1: een\n", {1: "een"})):
        path = tmp_path / "x.yaml"
        path.write_text(text, encoding="utf-8")
        assert read_yaml(path, cache_dir=cache) == doc
        assert read_yaml(path, cache_dir=cache) == doc  # parsed again, same types
    assert not cache.exists() or not list(cache.iterdir())
    path.write_text("a: [1, 2\nb: 3\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_yaml(path, cache_dir=cache)
    assert "geen geldige YAML" in str(caught.value) and "x.yaml" in str(caught.value)
    (tmp_path / "file").write_text("")  # a cache folder that cannot be made: read without it
    path.write_text("a: 1\n", encoding="utf-8")
    assert read_yaml(path, cache_dir=tmp_path / "file" / "cache") == {"a": 1}
