"""Derive the project's buurt and wijk layers from the shared CBS data.

Input  (read-only, beside the repo): ../shared/data/heerlen/buurten_2024.geojson
                                     ../shared/data/heerlen/heerlen_noord_buurten.csv
Output (committed):                  data/buurten.geojson, data/wijken.geojson

What it does, and nothing else:
* keeps the 57 buurt polygons of Heerlen unchanged (coordinates as published);
* adds per buurt: naam, wijkcode, wijknaam and the Heerlen-Noord flag from the CSV;
* builds the wijk layer by dissolving the buurt layer by wijkcode (the shared SOURCES.md
  explains why the separately generalised CBS wijk polygons must not be overlaid);
* puts the attribution from SOURCES.md in each file.

Run:  python scripts/derive_buurten.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path

from shapely.geometry import mapping, shape
from shapely.ops import unary_union

ROOT = Path(__file__).resolve().parent.parent
ATTRIBUTION = "Bron: CBS / PDOK, Wijk- en buurtkaart 2024 (gegeneraliseerd), via cartomap/nl"
NOTE = (
    "Afgeleid door scripts/derive_buurten.py uit shared/data/heerlen (zie data/README.md). "
    "Indeling Heerlen-Noord: eigen classificatie van het project (34 buurten, 14 wijken)."
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "data")
    args = parser.parse_args()
    src = args.shared / "data" / "heerlen"

    flags = {}
    with open(src / "heerlen_noord_buurten.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            flags[row["statcode"]] = row
    source = json.loads((src / "buurten_2024.geojson").read_text(encoding="utf-8"))

    buurten = []
    for feature in source["features"]:
        props = feature["properties"]
        meta = flags[props["statcode"]]
        buurten.append({
            "type": "Feature",
            "properties": {
                "statcode": props["statcode"],
                "naam": props["statnaam"],
                "wijkcode": meta["wijkcode"],
                "wijknaam": meta["wijknaam"],
                "heerlen_noord": meta["in_heerlen_noord"] == "true",
            },
            "geometry": feature["geometry"],
        })
    assert len(buurten) == len(flags) == 57, "expected the 57 buurten of Heerlen"
    buurten.sort(key=lambda f: f["properties"]["statcode"])

    wijken = []
    for wijkcode in sorted({f["properties"]["wijkcode"] for f in buurten}):
        members = [f for f in buurten if f["properties"]["wijkcode"] == wijkcode]
        merged = unary_union([shape(f["geometry"]) for f in members])
        wijken.append({
            "type": "Feature",
            "properties": {
                "wijkcode": wijkcode,
                "naam": members[0]["properties"]["wijknaam"],
                "heerlen_noord": all(f["properties"]["heerlen_noord"] for f in members),
                "buurten": [f["properties"]["statcode"] for f in members],
            },
            "geometry": _rounded(mapping(merged)),
        })

    args.out.mkdir(parents=True, exist_ok=True)
    _write(args.out / "buurten.geojson", "buurten_heerlen_2024", buurten)
    _write(args.out / "wijken.geojson", "wijken_heerlen_2024_uit_buurten", wijken)
    print(f"{len(buurten)} buurten, {len(wijken)} wijken geschreven naar {args.out}")


def _rounded(geometry):
    def walk(value):
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], (int, float)):
                return [round(v, 6) for v in value]
            return [walk(v) for v in value]
        return value
    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def _write(path: Path, name: str, features) -> None:
    doc = {
        "type": "FeatureCollection",
        "name": name,
        "attribution": ATTRIBUTION,
        "note": NOTE,
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "features": features,
    }
    lines = ",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features)
    head = json.dumps({k: v for k, v in doc.items() if k != "features"}, ensure_ascii=False)[:-1]
    path.write_text(f'{head}, "features": [\n{lines}\n]}}\n', encoding="utf-8")


if __name__ == "__main__":
    main()
