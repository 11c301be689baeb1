"""Buurt polygons: just enough geometry to validate a pin and to centre a map.

Deliberately hand-written instead of using shapely: the resident kernel checks every map
pin server-side, and importing shapely (GEOS) costs memory in every one of the hundreds
of kernels of a workshop evening. The buurt polygons have 4-12 vertices each, so an
even-odd ray cast is exact enough and fast (``./run bench geo`` measures it against
shapely); the derivation script in ``scripts/`` uses shapely where real polygon operations
are needed, and the tests cross-check this module against shapely.
"""

from __future__ import annotations

from dataclasses import dataclass

Ring = tuple[tuple[float, float], ...]  # (lon, lat) pairs, GeoJSON order


@dataclass(frozen=True)
class Shape:
    """A (multi)polygon: a list of polygons, each an outer ring followed by its holes."""

    polygons: tuple[tuple[Ring, ...], ...]

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """(min_lon, min_lat, max_lon, max_lat)."""
        xs = [x for poly in self.polygons for x, _ in poly[0]]
        ys = [y for poly in self.polygons for _, y in poly[0]]
        return min(xs), min(ys), max(xs), max(ys)

    def contains(self, lat: float, lon: float) -> bool:
        for poly in self.polygons:
            if _in_ring(poly[0], lon, lat) and not any(_in_ring(hole, lon, lat) for hole in poly[1:]):
                return True
        return False

    def centroid(self) -> tuple[float, float]:
        """Area-weighted centroid of the outer rings, as (lat, lon)."""
        area_sum = cx = cy = 0.0
        for poly in self.polygons:
            ring = poly[0]
            for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
                cross = x0 * y1 - x1 * y0
                area_sum += cross
                cx += (x0 + x1) * cross
                cy += (y0 + y1) * cross
        if area_sum == 0:
            min_x, min_y, max_x, max_y = self.bbox
            return (min_y + max_y) / 2, (min_x + max_x) / 2
        return cy / (3 * area_sum), cx / (3 * area_sum)


def bbox_of(shapes) -> tuple[float, float, float, float]:
    """The box around several shapes: (min_lon, min_lat, max_lon, max_lat)."""
    boxes = [shape.bbox for shape in shapes]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _in_ring(ring: Ring, x: float, y: float) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def shape_from_geojson(geometry) -> Shape:
    """Build a :class:`Shape` from a GeoJSON Polygon or MultiPolygon; ValueError when malformed."""
    if not isinstance(geometry, dict):
        raise ValueError("geometrie ontbreekt")
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    if kind == "Polygon":
        polys = [coords]
    elif kind == "MultiPolygon":
        polys = coords
    else:
        raise ValueError(f"geometrie '{kind}' wordt niet ondersteund (alleen Polygon en MultiPolygon)")
    try:
        result = tuple(tuple(_ring(r) for r in poly) for poly in polys)
    except (TypeError, ValueError, IndexError):
        raise ValueError("coördinaten zijn geen geldige ringen van (lengte, breedte)") from None
    if not result or any(not poly for poly in result):
        raise ValueError("lege geometrie")
    return Shape(result)


def _ring(raw) -> Ring:
    ring = tuple((float(p[0]), float(p[1])) for p in raw)
    if len(ring) < 4:
        raise ValueError("ring te kort")
    if not all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in ring):
        raise ValueError("coördinaat buiten bereik")
    if ring[0] == ring[-1]:
        ring = ring[:-1]
    return ring
