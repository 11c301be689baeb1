"""The catalogue loads the real data, and every kind of bad input gets one clear message."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

from werkboek.errors import DataError
from werkboek.model.catalogue import LEEFGEBIEDEN, load_catalogue


@pytest.fixture
def data(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def _replace_line(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path, needle):
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return n
    raise AssertionError(needle)


def test_real_data_loads(catalogue):
    assert tuple(catalogue.leefgebieden) == LEEFGEBIEDEN
    assert len(catalogue.buurten) == 57
    assert len(catalogue.heerlen_noord) == 34
    assert len({b.wijkcode for b in catalogue.heerlen_noord.values()}) == 14
    for lg in LEEFGEBIEDEN:
        assert len(catalogue.acties_in(lg)) >= 8
    assert "CBS" in catalogue.attribution
    for actie in catalogue.acties.values():
        assert abs(sum(share for _, share in actie.investeerders) - 100) < 0.01
        assert all(catalogue.buurten[b].heerlen_noord for b in catalogue.buurten_of(actie))
    named = {"gemeente-heerlen", "cz", "geboortezorg-limburg", "huisartsen", "werk-voor-heerlen", "graus-bouw"}
    assert named <= set(catalogue.partners)
    assert not any(catalogue.partners[p].voorbeeld for p in named)


def test_example_data_is_labelled_as_such():
    head = (ROOT / "data" / "acties.csv").read_text(encoding="utf-8").splitlines()[0]
    assert head.startswith("#") and "VOORBEELD" in head.upper()


def test_buurt_layer_matches_shared_source(catalogue):
    shared = ROOT.parent / "shared" / "data" / "heerlen" / "heerlen_noord_buurten.csv"
    if not shared.exists():
        pytest.skip("shared data not beside the repo")
    import csv

    rows = list(csv.DictReader(shared.open(encoding="utf-8")))
    assert {r["statcode"]: r["in_heerlen_noord"] == "true" for r in rows} == {
        code: b.heerlen_noord for code, b in catalogue.buurten.items()
    }


def test_geo_contains_agrees_with_shapely(catalogue):
    from shapely.geometry import Point, shape

    features = json.loads((ROOT / "data" / "buurten.geojson").read_text(encoding="utf-8"))["features"]
    import random

    rng = random.Random(1)
    min_lon, min_lat, max_lon, max_lat = 5.90, 50.85, 6.02, 50.95
    shapes = {f["properties"]["statcode"]: shape(f["geometry"]) for f in features}
    for _ in range(2000):
        lat, lon = rng.uniform(min_lat, max_lat), rng.uniform(min_lon, max_lon)
        expected = next((c for c, s in shapes.items() if s.contains(Point(lon, lat))), None)
        found = catalogue.buurt_at(lat, lon, heerlen_noord_only=False)
        assert (found.statcode if found else None) == expected


def _expect(data, *needles):
    with pytest.raises(DataError) as exc:
        load_catalogue(data)
    message = str(exc.value)
    for needle in needles:
        assert needle in message, message
    return exc.value


def test_unknown_leefgebied_names_file_row_field(data):
    path = data / "acties.csv"
    line = _line_of(path, "leren-01,")
    _replace_line(path, ",leren,", ",lerenn,")
    err = _expect(data, "acties.csv", f"rij {line}", "'leefgebied'", "lerenn")
    assert len(err.problems) == 1


def test_partner_shares_must_add_up(data):
    path = data / "acties.csv"
    text = path.read_text(encoding="utf-8")
    line_no = _line_of(path, "wonen-01,")
    line = text.splitlines()[line_no - 1]
    share = line.split(":")[1].split(";")[0].split(",")[0]
    _replace_line(path, line, line.replace(f":{share}", f":{int(share) + 7}", 1))
    _expect(data, f"rij {line_no}", "'investeerders'", "niet tot 100%")


def test_duplicate_id(data):
    path = data / "acties.csv"
    line_no = _line_of(path, "gezondheid-02,")
    _replace_line(path, "gezondheid-02,", "gezondheid-01,")
    _expect(data, f"rij {line_no}", "'id'", "twee keer")


def test_actie_pointing_at_a_buurt_that_does_not_exist(data):
    path = data / "acties.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    idx = next(i for i, l in enumerate(lines) if l.startswith("veiligheid-01,"))
    import csv
    import io

    row = next(csv.reader([lines[idx]]))
    row[8] = "BU09179999"
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(row)
    lines[idx] = out.getvalue()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _expect(data, f"rij {idx + 1}", "'buurten'", "BU09179999", "bestaat niet")


def test_unknown_partner(data):
    path = data / "acties.csv"
    line_no = _line_of(path, "werken-03,")
    lines = path.read_text(encoding="utf-8").splitlines()
    text = lines[line_no - 1]
    header = next(next(csv.reader([line])) for line in lines if line.startswith("id,"))
    cells = next(csv.reader([text]))
    column = header.index("incasseerders")
    cells[column] = "onbekende-partner;" + cells[column].split(";", 1)[1]
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    _replace_line(path, text, out.getvalue())
    _expect(data, f"rij {line_no}", "'incasseerders'", "onbekende-partner")


def test_malformed_csv_row(data):
    path = data / "partners.csv"
    with path.open("a", encoding="utf-8") as fh:
        fh.write("kapot,alleen twee velden\n")
    line_no = len(path.read_text(encoding="utf-8").splitlines())
    _expect(data, "partners.csv", f"rij {line_no}", "velden")


def test_missing_column(data):
    path = data / "acties.csv"
    _replace_line(path, ",horizon,", ",horizont,")
    _expect(data, "'horizon'", "ontbreekt")


def test_malformed_yaml(data):
    (data / "leefgebieden.yaml").write_text("leefgebieden:\n  - id: leren\n    naam: [oops\n", encoding="utf-8")
    _expect(data, "leefgebieden.yaml", "YAML")


def test_broken_geojson(data):
    path = data / "buurten.geojson"
    path.write_text(path.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    _expect(data, "buurten.geojson", "JSON")


def test_several_problems_are_reported_together(data):
    path = data / "acties.csv"
    _replace_line(path, ",leren,", ",lerenn,")
    _replace_line(path, "gezondheid-02,", "gezondheid-01,")
    err = _expect(data, "lerenn", "twee keer")
    assert len(err.problems) == 2


def test_cli_reports_without_traceback(data):
    _replace_line(data / "acties.csv", ",leren,", ",lerenn,")
    proc = subprocess.run([sys.executable, "-m", "werkboek", "data", "check", "--data-dir", str(data)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "lerenn" in proc.stderr and "Traceback" not in proc.stderr
