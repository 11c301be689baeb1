"""The projector map: buurten of Heerlen-Noord with the residents' pins, coloured by leefgebied.

Works without internet: the buurt polygons are the map; a tile basemap is added only
when asked for.
"""

from __future__ import annotations

import json
from html import escape

import ipyleaflet as L
import ipywidgets as w

from werkboek import settings as config


def buurten_geojson(catalogue) -> dict:
    """The Heerlen-Noord buurten as a GeoJSON FeatureCollection (names in properties)."""
    doc = json.loads((config.data_dir() / "buurten.geojson").read_text(encoding="utf-8"))
    doc["features"] = [f for f in doc["features"] if f["properties"]["statcode"] in catalogue.heerlen_noord]
    return doc


class PinMap(w.VBox):
    def __init__(self, catalogue, basemap: bool = False, **kwargs):
        self.catalogue = catalogue
        centre = _centre(catalogue)
        polygons = L.GeoJSON(
            data=buurten_geojson(catalogue), name="Buurten",
            style={"color": "#333333", "weight": 1.5, "fillColor": "#f2efe6", "fillOpacity": 0.9},
            hover_style={"fillColor": "#ffe9a8"},
        )
        layers = [polygons]
        if basemap:
            layers.insert(0, L.basemap_to_tiles(L.basemaps.OpenStreetMap.Mapnik))
        self.pins = L.LayerGroup(name="Plekken")
        layers.append(self.pins)
        self.map = L.Map(center=centre, zoom=13.5, zoom_snap=0.5, layers=layers, scroll_wheel_zoom=False,
                         attribution_control=False, layout=w.Layout(height="720px", width="100%"))
        self.map.add(L.AttributionControl(position="bottomleft", prefix=escape(catalogue.attribution)))
        self.legend = w.HTML(self._legend())
        self._shown: tuple = ()
        super().__init__([self.legend, self.map], **kwargs)

    def _legend(self) -> str:
        items = "".join(
            f"<span class='wb-legend-item'><span class='wb-dot' style='background:{lg.kleur}'></span>"
            f"{escape(lg.naam)}</span>"
            for lg in self.catalogue.leefgebieden.values()
        )
        return f"<div class='wb-legend' aria-label='Kleuren van de leefgebieden'>{items}</div>"

    def update(self, pins) -> None:
        key = tuple(pins)
        if key == self._shown:  # nothing new: leave the map alone (no flicker)
            return
        self._shown = key
        markers = []
        for pin in pins:
            lg = self.catalogue.leefgebieden.get(pin.leefgebied)
            colour = lg.kleur if lg else "#000000"
            marker = L.CircleMarker(location=(pin.lat, pin.lon), radius=10, color="#ffffff", weight=2,
                                    fill_color=colour, fill_opacity=0.95)
            text = escape(pin.text) if pin.text else "(geen tekst)"
            marker.popup = w.HTML(f"<b>{escape(lg.naam if lg else pin.leefgebied)}</b><br>{text}")
            markers.append(marker)
        self.pins.layers = tuple(markers)


def _centre(catalogue) -> tuple[float, float]:
    boxes = [b.shape.bbox for b in catalogue.heerlen_noord.values()]
    min_lon = min(b[0] for b in boxes)
    min_lat = min(b[1] for b in boxes)
    max_lon = max(b[2] for b in boxes)
    max_lat = max(b[3] for b in boxes)
    return (min_lat + max_lat) / 2, (min_lon + max_lon) / 2
