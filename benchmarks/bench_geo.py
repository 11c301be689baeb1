"""The hand-written buurt geometry (werkboek/model/geo.py) against shapely: speed, memory, agreement.

Run:  ./run bench geo

Every pin a resident places is checked server-side (which buurt, inside Heerlen-Noord?), in
the resident's own kernel. werkboek.model.geo does it with an even-odd ray cast instead of
shapely, because a kernel per resident pays for every import. This prints, in one run:

* seconds per point-in-buurt lookup (``Catalogue.buurt_at``), ours and shapely's (with
  prepared geometries), and the ratio;
* the memory an interpreter gains by importing each (RSS, fresh process each);
* how many of 20,000 random points the two place in a different buurt (must be 0 away from edges).
"""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from werkboek.model.catalogue import catalogue  # noqa: E402

POINTS = 20_000

MEMORY = """
import os, psutil
before = psutil.Process().memory_info().rss
{imports}
print((psutil.Process().memory_info().rss - before) / 2**20)
"""


def rss_of(imports: str) -> float:
    out = subprocess.run([sys.executable, "-c", MEMORY.format(imports=imports)], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    return float(out.stdout.strip())


def main() -> int:
    from shapely.geometry import Point, shape
    from shapely.prepared import prep

    cat = catalogue()
    west, south, east, north = cat.heerlen_noord_bbox
    rng = random.Random(5)
    points = [(rng.uniform(south, north), rng.uniform(west, east)) for _ in range(POINTS)]

    started = time.perf_counter()
    ours = [cat.buurt_at(lat, lon) for lat, lon in points]
    ours_s = (time.perf_counter() - started) / POINTS

    geoms = {code: prep(shape({"type": "MultiPolygon", "coordinates": [[list(map(list, r)) for r in p]
                                                                      for p in b.shape.polygons]}))
             for code, b in cat.heerlen_noord.items()}
    started = time.perf_counter()
    theirs = [next((code for code, g in geoms.items() if g.contains(Point(lon, lat))), None) for lat, lon in points]
    theirs_s = (time.perf_counter() - started) / POINTS

    differ = sum((a.statcode if a else None) != b for a, b in zip(ours, theirs))
    inside = sum(1 for a in ours if a)
    print(f"point in buurt, {len(cat.heerlen_noord)} buurten, {POINTS} random points ({inside} inside):")
    print(f"  werkboek.model.geo  {ours_s * 1e6:8.1f} µs a point")
    print(f"  shapely (prepared)  {theirs_s * 1e6:8.1f} µs a point   (ours / shapely: {ours_s / theirs_s:.2f}x)")
    print(f"  points placed in a different buurt: {differ}")
    ours_mb = rss_of("import werkboek.model.geo")
    shapely_mb = rss_of("import shapely.geometry, shapely.prepared")
    print(f"memory of the import: werkboek.model.geo {ours_mb:.1f} MB, shapely {shapely_mb:.1f} MB "
          f"({shapely_mb - ours_mb:.1f} MB more a resident kernel)")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
