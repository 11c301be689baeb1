"""The maps of Heerlen-Noord: the resident's (choose a buurt, mark a place) and the projector's (the pins).

Both draw the real buurt polygons from the catalogue and work without internet: the
polygons alone make the map; a tile basemap is added only when the workshop asks for it
(``Workshop.basemap``). Both are centred and zoomed on Heerlen-Noord's box
(:attr:`werkboek.model.catalogue.Catalogue.heerlen_noord_bbox`) before they are on screen.

Imports ipyleaflet, so import this module only when a map opens (the resident's kernel
stays lean until then).
"""

from __future__ import annotations

import json
import math
from functools import partial
from html import escape

import ipyleaflet as L
import ipywidgets as w

from werkboek_widgets.ui import html

RESIDENT_STYLE = {"color": "#1d3557", "weight": 2, "fillColor": "#a8c5e2", "fillOpacity": 0.55}
RESIDENT_HOVER = {"fillColor": "#ffd166", "fillOpacity": 0.8}
CHOSEN_STYLE = {"color": "#000000", "weight": 4, "fillColor": "#e63946", "fillOpacity": 0.75}
PROJECTOR_STYLE = {"color": "#333333", "weight": 1.5, "fillColor": "#f2efe6", "fillOpacity": 0.9}
PROJECTOR_HOVER = {"fillColor": "#ffe9a8"}
PHONE_MAP = (320, 320)  # pixels: the map on a 360 px wide phone
PROJECTOR_MAP = (1200, 720)


def buurten_geojson(catalogue) -> dict:
    """The Heerlen-Noord buurten as GeoJSON (from the catalogue's shapes), names in the properties."""
    features = []
    for code, buurt in catalogue.heerlen_noord.items():
        polygons = [[list(map(list, ring)) for ring in poly] for poly in buurt.shape.polygons]
        features.append({
            "type": "Feature", "id": code,
            "properties": {"statcode": code, "naam": buurt.naam},
            "geometry": {"type": "MultiPolygon", "coordinates": polygons},
        })
    return {"type": "FeatureCollection", "features": features}


def fitting_zoom(south: float, west: float, north: float, east: float, width: int, height: int) -> float:
    """The largest zoom (in steps of 0.25) at which the box fits a map of ``width`` × ``height`` px (Web Mercator).

    Computed here because ``Map.fit_bounds`` only works once the map is on screen.
    """
    def y(lat):
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    lon_zoom = math.log2(width * 360 / (256 * (east - west)))
    lat_zoom = math.log2(height * 2 * math.pi / (256 * (y(north) - y(south))))
    return math.floor(min(lon_zoom, lat_zoom) * 4) / 4


def heerlen_noord_map(catalogue, layers, *, size: tuple[int, int], basemap: bool, **options) -> L.Map:
    """A map centred and zoomed on Heerlen-Noord, with ``layers`` (and the basemap first when asked for)."""
    west, south, east, north = catalogue.heerlen_noord_bbox
    layers = list(layers)
    if basemap:
        layers.insert(0, L.basemap_to_tiles(L.basemaps.OpenStreetMap.Mapnik))
    return L.Map(center=((south + north) / 2, (west + east) / 2), zoom=fitting_zoom(south, west, north, east, *size),
                 zoom_snap=0.25, layers=tuple(layers), scroll_wheel_zoom=False, attribution_control=False, **options)


class BuurtKaart:
    """The resident's map: choose a buurt (``on_buurt``) or a place (``on_place(lat, lon)``)."""

    def __init__(self, catalogue, *, basemap: bool = False, chosen: str | None = None,
                 on_buurt=None, on_place=None, hint: str = "", label: str = ""):
        self.catalogue = catalogue
        self.on_buurt = on_buurt
        self.on_place = on_place
        self.place = None
        # per-feature styles only: jupyter-leaflet lays a layer-wide ``style`` over them
        self.layer = L.GeoJSON(data=buurten_geojson(catalogue), hover_style=RESIDENT_HOVER,
                               style_callback=partial(self._style, chosen))
        self.map = heerlen_noord_map(
            catalogue, [self.layer], size=PHONE_MAP, basemap=basemap,
            keyboard=False,  # else a tap focuses the map and the page jumps; the list is the keyboard way
            layout=w.Layout(width="100%", height=f"{PHONE_MAP[1]}px"))
        self.map.add_class("wb-map")
        self.name = html("", "wb-map-name")
        source = html(f'<p class="wb-source">{escape(catalogue.attribution)}</p>')
        # the shapes' names and the map's label for screen readers, read by werkboek.js
        names = json.dumps({code: b.naam for code, b in catalogue.heerlen_noord.items()}, ensure_ascii=False)
        legend = (f'<p class="wb-text">{escape(hint)}</p>' if hint else "") + (
            f'<span hidden class="wb-buurt-names" data-label="{escape(label)}" data-names="{escape(names)}"></span>')
        self.widget = w.VBox([html(legend), self.map, self.name, source])
        self.widget.add_class("wb-kaart")
        self.layer.on_hover(self._hovered)
        self.map.on_interaction(self._interaction)
        self.marker = None
        self.chosen = chosen

    @staticmethod
    def _style(chosen, feature):
        code = feature["properties"]["statcode"]
        # Leaflet gives each shape this class; werkboek.js names the shape from it (aria-label, tooltip)
        return {**(CHOSEN_STYLE if code == chosen else RESIDENT_STYLE), "className": f"wb-buurt wb-buurt-{code}"}

    def _hovered(self, feature=None, **_kw):
        if feature:
            self.name.value = f'<p class="wb-text" aria-live="polite">{escape(feature["properties"]["naam"])}</p>'

    def choose(self, statcode: str | None) -> None:
        """Highlight a buurt (None: no buurt)."""
        self.chosen = statcode
        # a new callback makes ipyleaflet re-style the features (and send them once)
        self.layer.style_callback = partial(self._style, statcode)
        if statcode:
            self.name.value = f'<p class="wb-text" aria-live="polite">{escape(self.catalogue.buurten[statcode].naam)}</p>'

    def _interaction(self, **event):
        if event.get("type") == "click":
            self.tapped(*event["coordinates"])

    def tapped(self, lat: float, lon: float) -> None:
        """A tap or click on the map at (lat, lon): choose that buurt, or put the pin there.

        We use the map's own click position rather than the polygon's click event: a tap that
        scrolls the page a little still counts, and the server decides which buurt it is.
        """
        if self.on_place is None:
            buurt = self.catalogue.buurt_at(lat, lon)
            if buurt is not None:
                self.choose(buurt.statcode)
                if self.on_buurt:
                    self.on_buurt(buurt.statcode)
            return
        self.place = (lat, lon)
        if self.marker is None:
            self.marker = L.CircleMarker(location=(lat, lon), radius=10, color="#000000", fill_color="#e63946",
                                         fill_opacity=0.9, weight=3)
            self.map.add(self.marker)
        else:
            self.marker.location = (lat, lon)
        self.on_place(lat, lon)


class PinMap(w.VBox):
    """The projector's map: the residents' pins, coloured by leefgebied, over the buurten."""

    def __init__(self, catalogue, basemap: bool = False, **kwargs):
        self.catalogue = catalogue
        polygons = L.GeoJSON(data=buurten_geojson(catalogue), name="Buurten", style=PROJECTOR_STYLE,
                             hover_style=PROJECTOR_HOVER)
        self.pins = L.LayerGroup(name="Plekken")
        self.map = heerlen_noord_map(catalogue, [polygons, self.pins], size=PROJECTOR_MAP, basemap=basemap,
                                     layout=w.Layout(height=f"{PROJECTOR_MAP[1]}px", width="100%"))
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
