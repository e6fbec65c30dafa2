"""The dashboards' map widget: the plan on an ipyleaflet map that sends clicks and drawn plots to Python.

The only module of terroffer that imports ipyleaflet, and it does so lazily (as geopandas'
``explore`` imports folium), so the library runs without the widget stack.

How it stays light on a large plan: the zones never go through a widget trait. They come
as vector tiles cut by the server process (:mod:`terroffer.app.tiles`) and styled in the
page by one JavaScript function built here from :func:`terroffer.render.style.path_options`,
the same options the folium export uses. A filter change only changes the tiles' URL (the
filter is in its query), so the page fetches the tiles it shows again and nothing else. A
click comes back as a point (``Map.on_interaction``), which the plan's index answers in under
a millisecond: no per-feature events. GeoJSON layers are kept for what is small: the commune
boundaries and the coastline of the background, the one selected zone and the drawn plot.

No online tiles by default: the background is the coastline, the communes with their names
in the page's language and the town names (:mod:`terroffer.background`); online tiles are an
option.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer

from terroffer.model import Plan
from terroffer.reference import translate
from terroffer.render.style import family_name, path_options

__all__ = ["PlanMap", "preload", "view_for_bounds"]

#: The map's height on a desktop; the page's CSS makes it shorter on a phone.
MAP_HEIGHT = "560px"
#: Zone tiles are cut down to this zoom and scaled by the page beyond it.
MAX_NATIVE_ZOOM = 17
#: Simplification of the small GeoJSON layers, in metres (invisible at the zooms they show).
BACKGROUND_TOLERANCE_M = 15.0


def view_for_bounds(
    bounds: tuple[float, float, float, float], width_px: int = 640, height_px: int = 480
) -> tuple[tuple[float, float], int]:
    """The centre (lat, lon) and the largest whole zoom that shows lon/lat ``bounds`` in a map of that size.

    Worked out here rather than with ``Map.fit_bounds``, which waits for the page to report its
    bounds: the first frame is then already at the right place.
    """
    west, south, east, north = bounds

    def merc_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    centre_y = (merc_y(south) + merc_y(north)) / 2
    centre = (math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2), (west + east) / 2)
    span_x = max((east - west) / 360.0, 1e-9)
    span_y = max((merc_y(north) - merc_y(south)) / (2 * math.pi), 1e-9)
    zoom = math.floor(min(math.log2(width_px / 256 / span_x), math.log2(height_px / 256 / span_y)))
    return centre, int(min(max(zoom, 1), 18))


def preload() -> None:
    """Import the widget library and read the background now (a preheated kernel calls this)."""
    import ipyleaflet  # noqa: F401

    from terroffer.background import load_background

    load_background()


def _geojson(geoms: np.ndarray, properties: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    features = []
    for k, geom in enumerate(geoms):
        if geom is None or geom.is_empty:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(geom),
                "properties": properties[k] if properties else {},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _round(geoms: np.ndarray, decimals: int = 6) -> np.ndarray:
    """Lon/lat to about 10 cm: a smaller widget state, nothing a visitor can see."""
    return shapely.transform(geoms, lambda c: np.round(c, decimals))


def zone_style_js() -> str:
    """The page-side style of the zone and reservation tiles, from :func:`path_options`.

    Zones the filter keeps (``m`` = 1) take their family's options; the others are drawn as
    context (``context_zone``), so the visitor still sees that land is zoned there.
    """
    from terroffer.reference import FAMILIES, RESERVATION_KINDS

    def tile(options: dict[str, Any]) -> dict[str, Any]:
        # VectorGrid's canvas renderer needs fill switched on explicitly.
        return {**options, "fill": True}

    families = {f: tile(path_options("zone", f)) for f in FAMILIES}
    context = tile(path_options("context_zone"))
    kinds = {k: tile(path_options("reservation", k)) for k in RESERVATION_KINDS}
    other = tile(path_options("reservation", "other"))
    return (
        "{"
        f"zones: function (p) {{ var s = {json.dumps(families)}; "
        f"return p.m ? (s[p.f] || s.other) : {json.dumps(context)}; }}, "
        f"reservations: function (p) {{ var s = {json.dumps(kinds)}; return s[p.k] || {json.dumps(other)}; }}"
        "}"
    )


class PlanMap:
    """The plan on an ipyleaflet map, in one language, with its background and look-up layers.

    Parameters
    ----------
    plan
        The plan shown (its zones come as tiles from the server process).
    lang
        The language of the labels and the legend.
    tile_url
        The zone tiles' URL template for a filter (``terroffer.app.tiles.tile_url``); the map
        asks for it again at every filter change.
    online
        Draw OpenStreetMap tiles under the plan (needs the internet); off by default.
    """

    def __init__(
        self,
        plan: Plan,
        lang: str = "fr",
        *,
        tile_url: Callable[[Any], str] | None = None,
        zone_filter: Any = None,
        online: bool = False,
    ) -> None:
        import ipyleaflet as L
        import ipywidgets as widgets

        self.plan = plan
        self.lang = lang
        self._tile_url = tile_url
        self._to_lonlat = Transformer.from_crs(plan.crs, 4326, always_xy=True)
        self._to_plan = Transformer.from_crs(4326, plan.crs, always_xy=True)
        self._click_callbacks: list[Callable[[float, float], None]] = []
        self._draw_callbacks: list[Callable[[shapely.Geometry], None]] = []

        bounds = self.lonlat_bounds()
        centre, zoom = view_for_bounds(bounds)
        self.home = (centre, zoom)
        self.widget = L.Map(
            center=centre,
            zoom=zoom,
            min_zoom=8,
            max_zoom=19,
            layers=(),
            scroll_wheel_zoom=True,
            prefer_canvas=True,
            layout=widgets.Layout(width="100%", height=MAP_HEIGHT),
        )
        self.widget.add_class("terroffer-map")
        if self.widget.attribution_control_instance is not None:
            self.widget.attribution_control_instance.prefix = ""
        if online:
            from ipyleaflet import basemap_to_tiles, basemaps

            tiles = basemap_to_tiles(basemaps.OpenStreetMap.Mapnik)
            tiles.base = True
            self.widget.add(tiles)

        # The zone tiles first: the page creates the layers in this order, and the tiles' requests
        # then leave before the background is drawn. They lie in Leaflet's tile pane, under the
        # overlay pane of the background's lines, whatever the order.
        self.zones = L.VectorTileLayer(
            url=tile_url(zone_filter) if tile_url else "",
            layer_styles=zone_style_js(),
            renderer="canvas",
            max_native_zoom=MAX_NATIVE_ZOOM,
            attribution=self._attribution(),
        )
        self.widget.add(self.zones)
        self.communes = L.GeoJSON(data=self._communes_geojson(), style=path_options("commune"))
        self.coastline = L.GeoJSON(data=self._coastline_geojson(), style=path_options("coastline"))
        self.widget.add(self.coastline)
        self.widget.add(self.communes)
        self.labels = L.LayerGroup()
        self.widget.add(self.labels)
        self.selected = L.GeoJSON(data=_geojson(np.array([])), style=path_options("selected_zone"))
        self.plot = L.GeoJSON(data=_geojson(np.array([])), style=path_options("plot"))
        self.widget.add(self.selected)
        self.widget.add(self.plot)

        plot_style = path_options("plot")
        self.draw = L.GeomanDrawControl(
            polygon={"pathOptions": plot_style},
            rectangle={"pathOptions": plot_style},
            polyline={},
            circlemarker={},
            marker={},
            circle={},
            cut=False,
            rotate=False,
            drag=False,
            position="topleft",
        )
        self.draw.on_draw(self._on_draw)
        self.widget.add(self.draw)
        self.widget.add(L.ScaleControl(position="bottomleft", imperial=False))
        # Under the map, not on it: on a phone a legend over the map would hide most of it.
        self.legend = widgets.HTML()
        self.legend.add_class("terroffer-legend-box")
        self.widget.on_interaction(self._on_interaction)
        self.set_language(lang)

    # -- content --------------------------------------------------------------------------

    def lonlat_bounds(self) -> tuple[float, float, float, float]:
        """The plan's communes and zones, west/south/east/north in degrees."""
        frames = [g for g in (self.plan.communes, self.plan.zones) if len(g)]
        b = np.array([g.total_bounds for g in frames])
        x0, y0 = b[:, 0].min(), b[:, 1].min()
        x1, y1 = b[:, 2].max(), b[:, 3].max()
        xs, ys = self._to_lonlat.transform([x0, x1, x0, x1], [y0, y0, y1, y1])
        return min(xs), min(ys), max(xs), max(ys)

    def to_lonlat(self, geom: shapely.Geometry) -> shapely.Geometry:
        """A geometry of the plan's CRS in degrees."""
        return shapely.transform(geom, lambda c: np.column_stack(self._to_lonlat.transform(c[:, 0], c[:, 1])))

    def to_plan(self, geom: shapely.Geometry) -> shapely.Geometry:
        """A geometry in degrees in the plan's CRS."""
        return shapely.transform(geom, lambda c: np.column_stack(self._to_plan.transform(c[:, 0], c[:, 1])))

    def _communes_geojson(self) -> dict[str, Any]:
        communes = self.plan.communes
        if not len(communes):
            return _geojson(np.array([]))
        geoms = shapely.simplify(np.asarray(communes.geometry.values), BACKGROUND_TOLERANCE_M)
        geoms = _round(np.array([self.to_lonlat(g) for g in geoms], dtype=object))
        # Boundaries only: the fill would hide the click from nothing, but it would dim the zones.
        geoms = shapely.boundary(geoms)
        return _geojson(geoms)

    def _background(self) -> Any:
        """The bundled background around this plan (empty for a plan of another territory)."""
        from terroffer.background import load_background

        west, south, east, north = self.lonlat_bounds()
        margin = 0.15  # degrees, about 15 km: the towns just outside still say where one is
        return load_background().within((west - margin, south - margin, east + margin, north + margin))

    def _coastline_geojson(self) -> dict[str, Any]:
        coast = self._background().coastline
        if not len(coast):
            return _geojson(np.array([]))
        return _geojson(_round(np.asarray(coast.geometry.values)))

    def _label_points(self) -> list[tuple[float, float, str, str]]:
        """(lat, lon, name, css class) of the commune and town names in the map's language."""
        out = []
        communes = self.plan.communes
        name_col = "name_ar" if self.lang == "ar" else "name_fr"
        if len(communes):
            points = shapely.point_on_surface(np.asarray(communes.geometry.values))
            for pt, name, fallback in zip(points, communes[name_col], communes["name_fr"], strict=True):
                lonlat = self.to_lonlat(pt)
                text = name if isinstance(name, str) and name else fallback
                out.append((lonlat.y, lonlat.x, str(text), "terroffer-label-commune"))
        places = self._background().places
        if len(places):
            # A town that shares its commune's name is already labelled by the commune.
            taken = {text for _, _, text, _ in out}
            for row in places.itertuples():
                name = str(getattr(row, name_col, None) or row.name_fr)
                if name not in taken:
                    out.append((row.geometry.y, row.geometry.x, name, "terroffer-label-town"))
        return out

    def _attribution(self) -> str:
        from pathlib import Path

        if self.plan.illustrative:
            source = translate("map.footer_illustrative", self.lang)
        else:
            source = Path(str(self.plan.source.path)).name
        from terroffer.background import Background

        plan_line = translate("explorer.attribution_plan", self.lang, source=source)
        return html.escape(f"{plan_line} · {Background.attribution(self.lang)}")

    def _legend_html(self) -> str:
        from terroffer.reference import FAMILIES

        present = set(self.plan.zones["family"].dropna().astype(str))
        rows = []
        for family in FAMILIES:
            if family not in present:
                continue
            colour = path_options("zone", family)["fillColor"]
            rows.append(
                f'<div><span class="terroffer-swatch" style="background:{colour}"></span>'
                f"{html.escape(family_name(family, self.lang))}</div>"
            )
        dir_ = "rtl" if self.lang == "ar" else "ltr"
        return f'<div class="terroffer-legend" dir="{dir_}" lang="{self.lang}">{"".join(rows)}</div>'

    # -- state ----------------------------------------------------------------------------

    def set_language(self, lang: str) -> None:
        """Labels, legend and attribution in ``lang``."""
        import ipyleaflet as L

        self.lang = lang
        self.legend.value = self._legend_html()
        self.zones.attribution = self._attribution()
        markers = []
        for lat, lon, name, css in self._label_points():
            label = f'<span class="terroffer-label {css}">{html.escape(name)}</span>'
            icon = L.DivIcon(html=label, icon_size=[0, 0])
            markers.append(L.Marker(location=(lat, lon), icon=icon, draggable=False, keyboard=False))
        old = self.labels.layers
        self.labels.layers = tuple(markers)
        # Closed, or each language switch leaves its labels' widgets in the kernel for good.
        for marker in old:
            if getattr(marker, "icon", None) is not None:
                marker.icon.close()
            marker.close()

    def set_filter(self, zone_filter: Any) -> None:
        """Show the zones ``zone_filter`` keeps in their colours, the others as context."""
        if self._tile_url is not None:
            self.zones.url = self._tile_url(zone_filter)

    def show_zone(self, geom: shapely.Geometry | None, *, zoom: bool = True) -> None:
        """Outline one zone (None clears it) and, with ``zoom``, bring it into view."""
        if geom is None:
            self.selected.data = _geojson(np.array([]))
            return
        lonlat = self.to_lonlat(geom)
        self.selected.data = _geojson(_round(np.array([lonlat], dtype=object)))
        if zoom:
            self.zoom_to(lonlat.bounds, max_zoom=17)

    def show_plot(self, geom: shapely.Geometry | None, *, zoom: bool = False) -> None:
        """Draw the looked-up plot (None clears it)."""
        if geom is None:
            self.plot.data = _geojson(np.array([]))
            return
        lonlat = self.to_lonlat(geom)
        shown = lonlat.buffer(0.00003) if lonlat.geom_type == "Point" else lonlat
        self.plot.data = _geojson(_round(np.array([shown], dtype=object), 7))
        if zoom:
            self.zoom_to(lonlat.bounds, max_zoom=17)

    def zoom_to(self, bounds: tuple[float, float, float, float], max_zoom: int = 17) -> None:
        """Centre the map on lon/lat ``bounds`` at the zoom that shows them, at most ``max_zoom``."""
        centre, zoom = view_for_bounds(bounds)
        self.widget.center = centre
        self.widget.zoom = min(zoom, max_zoom)

    def reset_view(self) -> None:
        """Back to the whole plan."""
        self.widget.center, self.widget.zoom = self.home

    # -- events ---------------------------------------------------------------------------

    def on_click(self, callback: Callable[[float, float], None]) -> None:
        """Call ``callback(x, y)`` (the plan's CRS) at every click or tap on the map."""
        self._click_callbacks.append(callback)

    def on_plot(self, callback: Callable[[shapely.Geometry], None]) -> None:
        """Call ``callback(polygon)`` (the plan's CRS) when a plot is drawn on the map."""
        self._draw_callbacks.append(callback)

    def click(self, lon: float, lat: float) -> None:
        """What a click at ``lon``/``lat`` does (the page's clicks come through here; so do tests)."""
        x, y = self._to_plan.transform(lon, lat)
        for callback in self._click_callbacks:
            callback(float(x), float(y))

    def _on_interaction(self, **event: Any) -> None:
        if event.get("type") != "click":
            return
        lat, lon = event["coordinates"]
        self.click(float(lon), float(lat))

    def drawn(self, geo_json: dict[str, Any]) -> None:
        """What drawing the GeoJSON feature ``geo_json`` (degrees) does."""
        geom = shapely.geometry.shape(geo_json.get("geometry") or geo_json)
        plot = self.to_plan(geom)
        for callback in self._draw_callbacks:
            callback(plot)

    def _on_draw(self, control: Any, action: str, geo_json: Any) -> None:
        if action not in ("create", "edit"):
            return
        features = geo_json if isinstance(geo_json, list) else [geo_json]
        if features and features[-1]:
            # One plot at a time: the drawing is replaced by the plot layer, in the plot's style.
            self.drawn(features[-1])
            self.draw.clear()
