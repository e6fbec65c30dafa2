"""Interactive maps of a plan for the browser: folium and Leaflet, one HTML file that works offline.

:func:`zone_map` draws a plan's zones coloured by family (the palette of
:mod:`terroffer.render.style`), the reserved land above them (roads as their strips,
public facilities hatched with an icon), commune boundaries with their names and, when
asked, the plot of a look-up; :func:`save_map` writes the page. Everything a visitor reads
(legend, tooltips, popups with the rules, banner) is in the chosen language, right to left
in Arabic.

Offline
    Every script, style sheet, icon and font the page needs is vendored in
    ``render/vendor/`` (see its README) and written *into* the page, so one ``.html``
    copied to a USB stick works on a booth with no network. Folium's CDN links are removed.
    Web tiles appear only when ``basemap`` names a provider; by default the background is
    drawn from the plan itself: commune outlines and names, the outline of their union,
    and the road reservations.

Light
    Geometry is simplified (topology-preserving, tolerance scaled to the map's extent),
    rounded to about a metre and written as one compact polyline stream per layer; each
    zone carries two small integers (its style and its plan/zone-code key), and the popup
    of each zone code of each plan is written once. In the page, a small script
    (``webmap.js``) draws each layer on one canvas, only what is in view, so that a plan
    of 100,000 zones stays responsive (``benchmarks/bench_map.py`` measures it).
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from terroffer.errors import FilterError, OptionError
from terroffer.index import plan_in_force
from terroffer.model import Plan, is_missing
from terroffer.reference import (
    FAMILIES,
    LANGUAGES,
    RESERVATION_KINDS,
    name_of,
    normalize_key,
    translate,
)
from terroffer.render import popup, style
from terroffer.render.fonts import web_font_css
from terroffer.render.style import colour, family_colour, family_name, path_options, text_direction
from terroffer.selection import STATUS_UNKNOWN, select_zones
from terroffer.words import join

if TYPE_CHECKING:
    import folium

    from terroffer._lookup import Lookup

__all__ = ["save_map", "zone_map"]

#: Coordinates are written in steps of 1e-5 degree: 1.1 m north-south, 0.9 m east-west here.
PRECISION = 100_000
#: Simplification tolerance, as a share of the map's extent, and its bounds in metres.
TOLERANCE_SHARE = 1 / 50_000
TOLERANCE_RANGE_M = (0.5, 5.0)
#: Up to this many zones, ``shapely.coverage_simplify`` keeps shared edges shared; its
#: cost grows faster than the number of zones, so larger plans are simplified zone by zone
#: (neighbours may then differ by up to the tolerance, about a metre).
COVERAGE_SIMPLIFY_MAX_ZONES = 10_000
#: Road reservations at least this wide are drawn as main roads, from the overview on;
#: narrower ones from this zoom.
MAIN_ROAD_M = 20.0
LOCAL_ROAD_ZOOM = 13
#: How far around a highlighted plot the map opens: this share of its size, at least so many metres.
HIGHLIGHT_CONTEXT = (1.5, 60.0)
#: Over web tiles, the zones let more of the tiles show through than over the plan's own background.
TILES_ZONE_OPACITY = 0.6
#: Maki icon of each reservation kind (``vendor/maki``).
KIND_ICONS = {
    "school": "school",
    "health": "hospital",
    "mosque": "religious-muslim",
    "green_space": "park",
    "sports": "pitch",
    "market": "shop",
    "administration": "town-hall",
    "parking": "parking",
    "cemetery": "cemetery",
    "other": "marker",
}

#: The SVG namespace: an identifier Leaflet gives to ``document.createElementNS``, never
#: fetched; the only web address left in an offline page.
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
_LINK_SCHEME = re.compile(r"https?://(?!" + re.escape(SVG_NAMESPACE[7:]) + ")")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)


# ----------------------------------------------------------------------------- public API


def zone_map(
    plan: Plan,
    *,
    sectors: str | Iterable[str] | None = None,
    communes: str | Iterable[str] | None = None,
    lang: str = "fr",
    basemap: Any = None,
    highlight: Lookup | shapely.Geometry | None = None,
    m: folium.Map | None = None,
) -> folium.Map:
    """An interactive map of a plan's zones, reservations and communes, for the browser.

    Parameters
    ----------
    plan
        The plan, in its metric CRS; it is reprojected to WGS84 here.
    sectors
        Investment sectors to show (ids or names in any language, e.g. ``"tourism"`` or
        ``"السياحة"``); all by default.
    communes
        Communes to show (codes or names in any language); all by default. Reservations
        are then those that touch these communes.
    lang
        ``"fr"``, ``"ar"`` (right to left) or ``"en"``.
    basemap
        None (default) for a background drawn from the plan itself, which needs no
        network; or a web tile provider, by xyzservices name (``"OpenStreetMap"``,
        ``"CartoDB Positron"``) or as an ``xyzservices.TileProvider``, with its attribution.
    highlight
        A look-up result (:class:`terroffer.Lookup`) or a shapely geometry in the
        plan's CRS, drawn on top and zoomed to.
    m
        A folium map to draw on (in Leaflet's default EPSG:3857); a new one by default.
        Its CDN links are replaced by the inline assets, so that it works offline too.

    Returns
    -------
    folium.Map
        Layers ``Zones``, ``Reservations``, ``Communes`` (and the plot), a legend, a layer
        control, zoom, full-screen and scale controls, and a banner when the plan is
        illustrative.

    Raises
    ------
    ValueError
        For an unknown language, sector, commune or basemap, a map in another CRS, or a
        selection without any zone.
    TypeError
        For a ``highlight`` or ``basemap`` of another kind.
    """
    import folium

    if lang not in LANGUAGES:
        raise OptionError("error.map_unknown_language", "lang", value=lang, choices=LANGUAGES)
    zones = _select_zones(plan, sectors, communes)
    commune_rows = _select_communes(plan, zones, communes is not None)
    reservations = _select_reservations(plan, commune_rows if communes is not None else None)
    plot = _highlight_geometry(highlight)

    minx, miny, maxx, maxy = zones.total_bounds
    tolerance = float(np.clip(max(maxx - minx, maxy - miny) * TOLERANCE_SHARE, *TOLERANCE_RANGE_M))
    if plot is not None:
        px0, py0, px1, py1 = plot.bounds
        focus = plot.buffer(max(HIGHLIGHT_CONTEXT[0] * max(px1 - px0, py1 - py0), HIGHLIGHT_CONTEXT[1]))
    else:
        focus = shapely.box(minx, miny, maxx, maxy)
    south, west, north, east = _latlon_bounds(focus, plan.crs)

    if m is None:
        m = folium.Map(
            location=[(south + north) / 2, (west + east) / 2],
            zoom_start=11,
            tiles=None,
            prefer_canvas=True,
            zoom_control=False,
            control_scale=False,
        )
        m.options["maxZoom"] = 19
        if basemap is None:
            m.options["zoomSnap"] = 0.25  # no tiles to blur: fit the territory snugly
    elif getattr(m, "crs", "EPSG3857") != "EPSG3857":
        raise ValueError(f"zone_map draws on maps in EPSG3857 (Leaflet's default), not {m.crs}")
    _make_offline(m, lang)

    dir_ = text_direction(lang)
    end = "left" if dir_ == "rtl" else "right"  # the corner where a line of text ends
    provider = _tile_provider(basemap)
    if provider is not None:
        folium.TileLayer(tiles=provider, name=provider.get("name"), overlay=False, control=True).add_to(m)
    mv = m.get_name()
    controls = {
        "dir": dir_,
        "zoomIn": translate("map.zoom_in", lang),
        "zoomOut": translate("map.zoom_out", lang),
        "fullscreen": translate("map.fullscreen", lang),
        "fullscreenExit": translate("map.fullscreen_exit", lang),
        "layers": translate("map.layers", lang),
        # the scale bar's units, with the language's no-break space: "{value} km", "{value} كلم"
        "m": translate("unit.m", lang, value="{value}"),
        "km": translate("unit.km", lang, value="{value}"),
        "prefix": "Leaflet",
    }
    _script("MapControls", f"terroffer.panes({mv});\nterroffer.controls({mv}, {_json(controls)});").add_to(
        m, name="terroffer_controls"
    )

    # Before the layers, so that they are drawn once, at the view the map opens on.
    m.fit_bounds([[south, west], [north, east]], padding=(24, 24), max_zoom=19 if plot is not None else 16)
    present = set(zones["family"].unique())
    families = [f for f in FAMILIES if f in present]
    attribution = _attribution(plan, lang)
    communes_layer = _commune_layer(commune_rows, plan.crs, tolerance, lang, offline=provider is None)
    zones_layer = _zone_layer(
        plan, zones, families, tolerance, lang, attribution, basemap=provider is not None
    )
    res_layer = _reservation_layer(plan, reservations, tolerance, lang)
    for layer in (zones_layer, res_layer, communes_layer):
        layer.add_to(m)
    if plot is not None:
        _highlight_layer(plot, highlight, plan.crs, lang).add_to(m)
    footer = translate("map.footer", lang)
    if plan.illustrative:
        footer += " " + translate("map.footer_illustrative", lang)
    inspect = {
        "dir": dir_,
        "lang": lang,
        "selectPane": "to-select",
        "selected": path_options("selected_zone"),
        "footer": f'<p class="to-foot">{html.escape(footer)}</p>',
    }
    layers = f"[{res_layer.get_name()}, {zones_layer.get_name()}]"
    _script("Inspector", f"terroffer.inspector({mv}, {layers}, {_json(inspect)});").add_to(m)
    legend = _legend_html(families, reservations, commune_rows, plot is not None, lang)
    _script("Legend", f"terroffer.legend({_json(legend)}, {_json('bottom' + end)}).addTo({mv});").add_to(m)
    if plan.illustrative:
        text = html.escape(translate("map.banner_illustrative", lang))
        banner = f'<div dir="{dir_}" lang="{lang}">{text}</div>'
        _script("Banner", f"terroffer.banner({mv}, {_json(banner)});").add_to(m, name="terroffer_banner")
    _layer_control_last(m, "top" + end)
    return m


def save_map(m: folium.Map, path: str | os.PathLike[str]) -> Path:
    """Write the map as one self-contained HTML file (UTF-8) and return its path.

    Raises
    ------
    OutputError
        The file cannot be written (a folder, under a file, no permission); an existing
        file is left as it was.
    """
    from terroffer._output import write_output

    page = m.get_root().render()
    write_output(path, lambda tmp: tmp.write_text(page, encoding="utf-8"))
    return Path(path)


# ----------------------------------------------------------------------------- selection


def _as_list(value: str | Iterable[str]) -> list[str]:
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _select_zones(
    plan: Plan, sectors: str | Iterable[str] | None, communes: str | Iterable[str] | None
) -> gpd.GeoDataFrame:
    """The zones to draw, chosen by :func:`terroffer.selection.select_zones` (every status)."""
    zones = plan.zones[select_zones(plan, sectors=sectors, communes=communes)]
    zones = zones[~(zones.geometry.isna() | zones.geometry.is_empty)]
    if zones.empty:
        raise FilterError("error.map_nothing_to_draw", "sectors, communes")
    return zones


def _select_communes(plan: Plan, zones: gpd.GeoDataFrame, filtered: bool) -> gpd.GeoDataFrame:
    communes = plan.communes[~(plan.communes.geometry.isna() | plan.communes.geometry.is_empty)]
    if filtered:
        communes = communes[communes["code"].isin(set(zones["commune"].dropna()))]
    return communes


def _select_reservations(plan: Plan, communes: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    res = plan.reservations
    res = res[~(res.geometry.isna() | res.geometry.is_empty)]
    if communes is not None and not communes.empty:
        tree = shapely.STRtree(np.asarray(res.geometry.values))
        hit = tree.query(np.asarray(communes.geometry.values), predicate="intersects")[1]
        res = res.iloc[np.unique(hit)]
    return res


def _highlight_geometry(highlight: Any) -> shapely.Geometry | None:
    if highlight is None:
        return None
    if isinstance(highlight, shapely.Geometry):
        geom = highlight
    elif hasattr(highlight, "plot") and isinstance(
        getattr(highlight.plot, "geometry", None), shapely.Geometry
    ):
        geom = highlight.plot.geometry
    else:
        raise TypeError(f"highlight must be a Lookup or a shapely geometry, not {type(highlight).__name__}")
    if geom.is_empty:
        raise ValueError("highlight is an empty geometry")
    return geom


# ----------------------------------------------------------------------------- geometry


def _simplify(geoms: np.ndarray, tolerance: float, coverage: bool) -> np.ndarray:
    """Topology-preserving simplification; a coverage keeps its shared edges shared.

    Large plans take Douglas-Peucker, three times faster than GEOS's topology-preserving
    simplifier, and only the polygons it spoils (invalid or emptied) are simplified again
    with topology preserved: every polygon drawn is valid.
    """
    if coverage and len(geoms) <= COVERAGE_SIMPLIFY_MAX_ZONES:
        try:
            return np.asarray(shapely.coverage_simplify(geoms, tolerance))
        except shapely.errors.GEOSException:  # not a coverage after all: zone by zone
            pass
    out = np.asarray(shapely.simplify(geoms, tolerance, preserve_topology=False))
    spoilt = ~shapely.is_valid(out) | shapely.is_empty(out)
    if spoilt.any():
        out[spoilt] = shapely.simplify(geoms[spoilt], tolerance, preserve_topology=True)
    return out


def _to_wgs84(geoms: np.ndarray, crs: Any) -> np.ndarray:
    """The one reprojection of this module: plan CRS to longitude/latitude."""
    return np.asarray(gpd.GeoSeries(geoms, crs=crs).to_crs(4326).values)


def _latlon_bounds(geom: shapely.Geometry, crs: Any) -> tuple[float, float, float, float]:
    """(south, west, north, east) of a geometry given in the plan's CRS."""
    west, south, east, north = _to_wgs84(np.array([shapely.envelope(geom)]), crs)[0].bounds
    return south, west, north, east


def _hilbert_order(geoms: np.ndarray) -> np.ndarray:
    """An order that keeps neighbours together, so that the deltas of the stream stay small."""
    if len(geoms) < 2:
        return np.arange(len(geoms))
    return np.argsort(gpd.GeoSeries(geoms).hilbert_distance().to_numpy(), kind="stable")


def encode_polygons(geoms: np.ndarray) -> tuple[str, np.ndarray]:
    """Polygons in longitude/latitude as one polyline stream for ``webmap.js``.

    Google's polyline encoding (precision 1e-5 degree), the deltas running through the
    whole stream, one separator before each ring but the first: ``" "`` for the next ring
    of the same feature, ``";"`` for the next feature. Rings are written open; vertices
    that fall on the same rounded position as the previous one are dropped, and rings left
    with fewer than three vertices (features smaller than about a metre) with them.

    Returns
    -------
    tuple
        The stream, and the positions in ``geoms`` of the features it holds, in order.
    """
    none = np.empty(0, dtype=np.int64)
    if len(geoms) == 0:
        return "", none
    parts, feat_of_part = shapely.get_parts(geoms, return_index=True)
    rings, part_of_ring = shapely.get_rings(parts, return_index=True)
    coords, ring_of = shapely.get_coordinates(rings, return_index=True)
    if len(coords) == 0:
        return "", none
    closing = np.r_[ring_of[1:] != ring_of[:-1], True]
    q = np.round(coords[~closing][:, ::-1] * PRECISION).astype(np.int64)  # lat, lng
    ring_of = ring_of[~closing]
    same = np.r_[False, (ring_of[1:] == ring_of[:-1]) & (q[1:] == q[:-1]).all(axis=1)]
    q, ring_of = q[~same], ring_of[~same]
    keep = np.bincount(ring_of, minlength=len(rings))[ring_of] >= 3
    q, ring_of = q[keep], ring_of[keep]
    if len(q) == 0:
        return "", none
    feat = feat_of_part[part_of_ring[ring_of]]
    new_ring = np.r_[True, ring_of[1:] != ring_of[:-1]]
    new_feat = np.r_[True, feat[1:] != feat[:-1]]
    sep = np.where(new_feat, ord(";"), ord(" "))
    has_sep = new_ring.copy()
    has_sep[0] = False

    delta = np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    zig = np.where(delta < 0, ~(delta << 1), delta << 1)
    # 5 bits per character, least significant first, 0x20 when more follow, offset 63.
    nchar = np.ones(zig.shape, dtype=np.int64)
    for bits in range(5, 40, 5):
        nchar += zig >= (1 << bits)
    width = int(nchar.max())
    # One row per vertex: [separator], latitude's characters, longitude's characters;
    # the mask keeps the characters used, and row-major order is the stream's order.
    block = np.zeros((len(q), 1 + 2 * width), dtype=np.uint8)
    used = np.zeros(block.shape, dtype=bool)
    block[:, 0] = sep
    used[:, 0] = has_sep
    for axis in (0, 1):
        value, count = zig[:, axis], nchar[:, axis]
        for j in range(width):
            column = 1 + axis * width + j
            block[:, column] = (((value >> (5 * j)) & 31) | ((j < count - 1) << 5)) + 63
            used[:, column] = j < count
    return block[used].tobytes().decode("ascii"), np.unique(feat)


def _prepare(geoms: np.ndarray, crs: Any, tolerance: float, coverage: bool = False) -> np.ndarray:
    """Simplified, consistently oriented (for the canvas's non-zero fill) and in WGS84."""
    simple = _simplify(geoms, tolerance, coverage)
    return _to_wgs84(np.asarray(shapely.orient_polygons(simple)), crs)


# ----------------------------------------------------------------------------- layers


def _json(value: Any) -> str:
    """``value`` as JSON that can sit inside a ``<script>`` (no ``</`` in it), UTF-8 kept."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("</", "<\\/")


@cache
def _element_classes() -> tuple[type, type, type]:
    """Folium element classes, made on first use so that folium is imported lazily.

    They hand their text to the page as it is: branca would otherwise parse the output of
    a macro again as a Jinja template, and a polyline stream may well contain ``{{``.
    """
    from branca.element import Element, MacroElement
    from folium.map import ElementAddToElement, Layer

    class RawText(Element):
        """Text that goes into the page unchanged."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self._name = "RawText"
            self.text = text

        def render(self, **kwargs: Any) -> str:
            return self.text

    class ScriptElement(MacroElement):
        """A piece of script that uses terroffer's page code (``webmap.js``)."""

        def __init__(self, name: str, code: str, header: bool = False) -> None:
            super().__init__()
            self._name = name
            self.code = code
            self.header = header

        def render(self, **kwargs: Any) -> str:
            root: Any = self.get_root()
            target = root.header if self.header else root.script
            target.add_child(RawText(self.code), name=self.get_name())
            return ""

    class ScriptLayer(Layer):
        """A layer built by ``webmap.js``; folium's layer control switches it."""

        def __init__(self, kind: str, name: str, code: str, show: bool = True) -> None:
            super().__init__(name=name, overlay=True, control=True, show=show)
            self._name = kind
            self.code = code

        def render(self, **kwargs: Any) -> str:
            parent: Any = self._parent
            root: Any = self.get_root()
            code = self.code.replace("{map}", parent.get_name()).replace("{self}", self.get_name())
            root.script.add_child(RawText(code), name=self.get_name())
            if self.show:
                ElementAddToElement(
                    element_name=self.get_name(), element_parent_name=parent.get_name()
                ).add_to(self, name=self.get_name() + "_add")
            for child in self._children.values():
                child.render(**kwargs)
            return ""

    return RawText, ScriptElement, ScriptLayer


def _script(kind: str, code: str) -> Any:
    """A folium element that runs ``code`` (which may use ``webmap.js``) in the page."""
    _, element_cls, _ = _element_classes()
    return element_cls(kind, code)


def _layer(kind: str, name: str, factory: str, *args: Any) -> Any:
    """A layer of the layer control, built in the page by ``terroffer.<factory>(*args)``."""
    _, _, layer_cls = _element_classes()
    call = ", ".join(_json(a) for a in args)
    return layer_cls(kind, name, f"terroffer.panes({{map}});\nvar {{self}} = terroffer.{factory}({call});")


def _zone_layer(
    plan: Plan,
    zones: gpd.GeoDataFrame,
    families: list[str],
    tolerance: float,
    lang: str,
    attribution: str,
    basemap: bool,
) -> Any:
    # One popup per (plan, zone code), with the code's most common label and family.
    plan_ids = zones["plan_id"].to_numpy(dtype=object, na_value="")
    codes = zones["zone_code"].to_numpy(dtype=object, na_value="")
    key_index, key_values = pd.factorize(pd.MultiIndex.from_arrays([plan_ids, codes]))
    label_col = "label_ar" if lang == "ar" else "label_fr"
    label_of = _most_common(key_index, zones[label_col].to_numpy(dtype=object, na_value=None))
    family_of = _most_common(key_index, zones["family"].to_numpy(dtype=object, na_value=None))
    rules = {
        (r["plan_id"], r["zone_code"]): r
        for r in plan.rules.to_dict("records")
        if isinstance(r["zone_code"], str)
    }
    plan_lines = {pid: popup.plan_line(plan, pid, lang) for pid in set(plan_ids)}
    names = popup.legal_names(plan, lang)
    popups, tips = [], []
    for k, (plan_id, code) in enumerate(key_values):
        family = family_of.get(k) or "other"
        label = label_of.get(k) or family_name(family, lang)
        rule = rules.get((plan_id, code))
        popups.append(popup.zone_block(rule, code, family, label, lang, names) + plan_lines[plan_id])
        tips.append(f"{code} — {label}")

    geoms = _prepare(np.asarray(zones.geometry.values), plan.crs, tolerance, coverage=True)
    order = _hilbert_order(geoms)
    stream, kept = encode_polygons(geoms[order])
    rows = order[kept]
    # One canvas style per (family, status) present: zones of a plan not in force are dashed.
    status = zones["plan_id"].map(_drawn_statuses(plan)).fillna(STATUS_UNKNOWN).to_numpy(dtype=object)
    pairs = pd.MultiIndex.from_arrays([zones["family"].to_numpy(dtype=object), status])
    style, present = pd.factorize(pairs, sort=False)
    rank = {f: i for i, f in enumerate(families)}
    order_of = sorted(range(len(present)), key=lambda i: (rank.get(present[i][0], 0), str(present[i][1])))
    remap = np.empty(len(present), dtype=np.int64)
    remap[order_of] = np.arange(len(present))
    style = remap[style]
    data = {"s": stream, "k": style[rows].tolist(), "i": key_index[rows].tolist()}
    base = path_options("zone")
    options = {
        "pane": "to-zones",
        # The canvas's opacity, not each fill's: no darker seams where fills meet.
        "opacity": TILES_ZONE_OPACITY if basemap else base["fillOpacity"],
        "attribution": attribution,
        "styles": [
            _canvas_style(path_options("zone", present[i][0], status=present[i][1] or None), fillOpacity=1.0)
            for i in order_of
        ],
    }
    tables = {"popups": popups, "tips": tips}
    return _layer("ZoneLayer", translate("map.layer_zones", lang), "zoneLayer", data, tables, options)


def _drawn_statuses(plan: Plan) -> dict[str, str]:
    """How each plan's zones are drawn: ``""`` when in force, else the status that dashes them.

    An approved plan whose validity has ended is drawn as expired.
    """
    out: dict[str, str] = {}
    for info in plan.plans.to_dict("records"):
        info = {k: (None if is_missing(v) else v) for k, v in info.items()}
        if plan_in_force(info):
            out.setdefault(info["plan_id"], "")
        else:
            status = info.get("status") or STATUS_UNKNOWN
            out.setdefault(info["plan_id"], "expired" if status == "approved" else status)
    return out


def _canvas_style(options: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """Path options from :func:`terroffer.render.style.path_options` as ``webmap.js`` draws them."""
    return {**options, **extra}


def _most_common(groups: np.ndarray, values: np.ndarray) -> dict[int, Any]:
    """The most frequent non-missing value of each group."""
    counts = pd.DataFrame({"g": groups, "v": values}).value_counts(sort=True, dropna=True)
    best = counts.reset_index().drop_duplicates("g")
    return dict(zip(best["g"].tolist(), best["v"].tolist(), strict=True))


def _reservation_layer(plan: Plan, res: gpd.GeoDataFrame, tolerance: float, lang: str) -> Any:
    kind = res["kind"].fillna("other").to_numpy()
    width = pd.to_numeric(res["road_width_m"], errors="coerce").to_numpy()
    style, styles = _reservation_styles(kind, width)
    geoms = _prepare(np.asarray(res.geometry.values), plan.crs, tolerance)
    hil = np.zeros(len(geoms)) if len(geoms) < 2 else gpd.GeoSeries(geoms).hilbert_distance().to_numpy()
    order = np.lexsort((hil, style))  # draw order = array order: roads, main roads, facilities
    stream, kept = encode_polygons(geoms[order])
    rows = order[kept]

    kinds = list(RESERVATION_KINDS)
    label_col = "label_ar" if lang == "ar" else "label_fr"
    labels_all = res[label_col].where(res[label_col].notna(), res["label_fr"]).to_numpy()
    label_codes, label_values = pd.factorize(pd.Series(labels_all, dtype="object"))
    facts = list(
        zip(
            res["road_width_m"].round(2).astype("object").where(res["road_width_m"].notna(), None),
            res["status"].astype("object").where(res["status"].notna(), None),
            pd.to_datetime(res["effect_until"])
            .dt.date.astype("object")
            .where(res["effect_until"].notna(), None),
            res["beneficiary"].astype("object").where(res["beneficiary"].notna(), None),
            res["plan_id"].astype("object").where(res["plan_id"].notna(), None),
            strict=True,
        )
    )
    detail_codes, detail_facts = pd.factorize(pd.Series(facts, dtype="object"))
    lines = {pid: popup.plan_line(plan, pid, lang) for pid in res["plan_id"].dropna().unique()}
    detail_values = [popup.reservation_detail(f, lines, lang) for f in detail_facts]
    table = [
        [
            str(n) if not is_missing(n) else "",
            kinds.index(k) if k in kinds else kinds.index("other"),
            int(lc),
            int(dc),
        ]
        for n, k, lc, dc in zip(
            res["number"].to_numpy()[rows], kind[rows], label_codes[rows], detail_codes[rows], strict=True
        )
    ]
    icons = list(dict.fromkeys(KIND_ICONS.values()))
    points: list[int] = []
    equipment = rows[kind[rows] != "road"]
    if len(equipment):
        anchors = _to_wgs84(shapely.point_on_surface(np.asarray(res.geometry.values)[equipment]), plan.crs)
        xy = np.round(shapely.get_coordinates(anchors) * PRECISION).astype(np.int64)
        for (x, y), k in zip(xy, kind[equipment], strict=True):
            points += [int(y), int(x), icons.index(KIND_ICONS.get(k, "marker"))]
    data = {"s": stream, "k": style[rows].tolist(), "p": points}
    tables = {
        "rows": table,
        "kinds": [name_of(RESERVATION_KINDS, k, lang) for k in kinds],
        "labels": [str(v) for v in label_values],
        "details": [str(v) for v in detail_values],
        "heading": translate("map.reservation_heading", lang),
    }
    options = {
        "pane": "to-reservations",
        "styles": styles,
        "icons": [_icon_uri(i) for i in icons],
        "iconColour": colour("equipment_edge"),
        "iconFill": colour("paper"),
    }
    name = translate("map.layer_reservations", lang)
    return _layer("ReservationLayer", name, "reservationLayer", data, tables, options)


def _reservation_key(kind: str, width: float) -> str:
    """The :func:`~terroffer.render.style.path_options` key of a reservation: its kind, or ``main_road``."""
    return "main_road" if kind == "road" and width >= MAIN_ROAD_M else kind


def _reservation_styles(kind: np.ndarray, width: np.ndarray) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Each reservation's style index, and the distinct canvas styles: roads, main roads, facilities.

    The style index is the draw order, so roads lie under main roads and facilities on top.
    """
    keys = [_reservation_key(str(k), float(w)) for k, w in zip(kind, width, strict=True)]
    wanted = ["road", "main_road", *(k for k in RESERVATION_KINDS if k != "road")]
    rank = {k: i for i, k in enumerate(wanted)}
    styles: list[dict[str, Any]] = []
    index_of: dict[str, int] = {}
    seen: dict[str, int] = {}
    for key in sorted(set(keys), key=lambda k: rank.get(k, len(wanted))):
        options = path_options("reservation", key)
        if key == "road":
            # Main roads show from the overview (the background's road network), other
            # roads from about 1:70,000, facilities when they are big enough to read.
            extra: dict[str, Any] = {"outlineZoom": LOCAL_ROAD_ZOOM}
        elif key == "main_road":
            extra = {"outlineZoom": 0}
        else:
            extra = {"hatch": options["fillColor"]}
        style = _canvas_style(options, **extra)
        text = json.dumps(style, sort_keys=True)
        if text not in seen:
            seen[text] = len(styles)
            styles.append(style)
        index_of[key] = seen[text]
    return np.array([index_of[k] for k in keys], dtype=np.int64), styles


def _commune_layer(communes: gpd.GeoDataFrame, crs: Any, tolerance: float, lang: str, offline: bool) -> Any:
    geoms = np.asarray(communes.geometry.values)
    data: dict[str, Any] = {"s": "", "labels": []}
    if len(geoms):
        data["s"] = encode_polygons(_prepare(geoms, crs, tolerance, coverage=True))[0]
        territory = shapely.union_all(shapely.make_valid(geoms))
        data["territory"] = encode_polygons(_prepare(np.array([territory]), crs, tolerance))[0]
        anchors = _to_wgs84(_label_points(geoms), crs)
        for row, point in zip(communes.itertuples(), anchors, strict=True):
            name = row.name_ar if lang == "ar" and isinstance(row.name_ar, str) else row.name_fr
            if isinstance(name, str) and name:
                data["labels"].append([round(point.y, 5), round(point.x, 5), name])
    options = {
        "pane": "to-communes",
        "labelPane": "to-labels",
        "territoryPane": "to-background",
        "line": path_options("commune"),
        # Over web tiles the territory is only outlined: the tiles are the background.
        "territory": {**path_options("territory"), **({} if offline else {"fillOpacity": 0.0})},
    }
    return _layer("CommuneLayer", translate("map.layer_communes", lang), "communes", data, options)


def _label_points(geoms: np.ndarray) -> np.ndarray:
    """Where a name reads best: the centre of the largest circle inside each commune."""
    try:
        tolerance = np.sqrt(shapely.area(geoms)) / 100
        return shapely.get_point(shapely.maximum_inscribed_circle(geoms, tolerance), 0)
    except (AttributeError, shapely.errors.GEOSException):
        return shapely.point_on_surface(geoms)


def _highlight_layer(plot: shapely.Geometry, highlight: Any, crs: Any, lang: str) -> Any:
    name = translate("map.layer_plot", lang)
    area = getattr(highlight, "plot_area_m2", None)
    if area is None and plot.area > 0:
        area = plot.area
    tip = translate("map.plot", lang)
    if area:
        tip += " — " + translate("map.plot_area", lang, area=popup.area_m2(float(area), lang))
    data: dict[str, Any]
    if shapely.get_type_id(plot) == 0:
        point = _to_wgs84(np.array([plot]), crs)[0]
        data = {"point": [round(point.y, 6), round(point.x, 6)]}
    else:
        geom = shapely.orient_polygons(plot) if plot.area > 0 else plot.buffer(1.0)
        data = {"s": encode_polygons(_to_wgs84(np.array([geom]), crs))[0]}
    options = {
        "pane": "to-highlight",
        "tip": f'<span dir="{text_direction(lang)}">{html.escape(tip)}</span>',
        "style": path_options("plot"),
        "halo": path_options("plot_halo"),
    }
    return _layer("HighlightLayer", name, "highlight", data, options)


# ----------------------------------------------------------------------------- furniture


def _legend_html(
    families: list[str], res: gpd.GeoDataFrame, communes: gpd.GeoDataFrame, plot: bool, lang: str
) -> str:
    e = html.escape

    def item(swatch: str, text: str) -> str:
        return f"<li>{swatch}<span>{e(text)}</span></li>"

    zones = "".join(
        item(f'<span class="to-swatch" style="background:{family_colour(f)}"></span>', family_name(f, lang))
        for f in families
    )
    reserved = []
    kinds = res["kind"].to_numpy()
    width = pd.to_numeric(res["road_width_m"], errors="coerce").to_numpy()

    def swatch(fill: str, edge: str) -> str:
        return f'<span class="to-swatch" style="background:{fill};border-color:{edge}"></span>'

    def hatched(options: dict[str, Any]) -> str:
        fill = options["fillColor"]
        return swatch(f"repeating-linear-gradient(135deg,{fill} 0 2px,{fill}33 2px 6px)", options["color"])

    road, main = path_options("reservation", "road"), path_options("reservation", "main_road")
    if ((kinds == "road") & ~(width >= MAIN_ROAD_M)).any():
        reserved.append(item(swatch(road["fillColor"], road["color"]), translate("map.road", lang)))
    if ((kinds == "road") & (width >= MAIN_ROAD_M)).any():
        reserved.append(item(swatch(main["fillColor"], main["color"]), translate("map.main_road", lang)))
    equipment = path_options("reservation", "other")
    if ((kinds != "road") & (kinds != "green_space")).any():
        reserved.append(item(hatched(equipment), translate("map.equipment", lang)))
    green = path_options("reservation", "green_space")
    if (kinds == "green_space").any() and green != equipment:
        reserved.append(item(hatched(green), name_of(RESERVATION_KINDS, "green_space", lang)))
    context = []
    if not communes.empty:
        context.append(
            item('<span class="to-swatch to-line"></span>', translate("map.commune_boundary", lang))
        )
        context.append(item('<span class="to-swatch to-territory"></span>', translate("map.territory", lang)))
    if plot:
        context.append(item('<span class="to-swatch to-plot"></span>', translate("map.plot", lang)))
    parts = [
        f'<details open dir="{text_direction(lang)}" lang="{lang}">',
        f"<summary>{e(translate('map.legend', lang))}</summary>",
        f'<h4>{e(translate("map.legend_zones", lang))}</h4><ul class="to-families">{zones}</ul>',
    ]
    if reserved:
        parts.append(f"<h4>{e(translate('map.legend_reservations', lang))}</h4><ul>{''.join(reserved)}</ul>")
    if context:
        parts.append(f"<h4>{e(translate('map.legend_context', lang))}</h4><ul>{''.join(context)}</ul>")
    parts.append(f'<p class="to-note">{e(translate("map.hint", lang))}</p></details>')
    return "".join(parts)


def _attribution(plan: Plan, lang: str) -> str:
    """The map's source line in ``lang``.

    The illustrative sample's sources are said in the catalogue, in each language (the
    plan table's ``source`` column is the builder's English note); a real plan's
    sources are the agency's own words, shown as they are.
    """
    if plan.illustrative:
        return html.escape(translate("map.sources_illustrative", lang))
    sources = [str(s) for s in plan.plans["source"].dropna().unique()] or ["terroffer"]
    text = translate("map.sources", lang, sources=join(sources, lang))
    return html.escape(text)


def _tile_provider(basemap: Any) -> Any:
    """An xyzservices provider by name (forgiving) or as given; a family gives its first."""
    if basemap is None:
        return None
    import xyzservices

    if isinstance(basemap, xyzservices.TileProvider):
        return basemap
    if not isinstance(basemap, str):
        raise TypeError(
            f"basemap must be None, a provider name or an xyzservices.TileProvider, not {type(basemap)}"
        )
    providers = xyzservices.providers.flatten()
    wanted = normalize_key(basemap)
    for name, provider in providers.items():
        if normalize_key(name) == wanted:
            return provider
    for name, provider in providers.items():  # "OpenStreetMap" -> "OpenStreetMap.Mapnik"
        if normalize_key(name.split(".")[0]) == wanted:
            return provider
    from terroffer.reference import nearest_names

    close = nearest_names(basemap, list(providers))
    raise OptionError("error.map_unknown_basemap", "basemap", value=basemap, suggestions=tuple(close) or "—")


def _layer_control_last(m: Any, position: str) -> None:
    """One layer control, after every layer (its script refers to them)."""
    from folium import LayerControl

    for name, child in list(m._children.items()):
        if isinstance(child, LayerControl):
            m._children.move_to_end(name)
            return
    LayerControl(position=position, collapsed=True).add_to(m)


# ----------------------------------------------------------------------------- offline page


def _make_offline(m: Any, lang: str) -> None:
    """Inline assets instead of CDN links; the page's language and direction on ``<html>``."""
    from folium.template import Template

    m.default_js = []
    m.default_css = []
    _, element_cls, _ = _element_classes()
    m.add_child(element_cls("OfflineAssets", _assets_html(), header=True), name="terroffer_assets", index=0)
    root = m.get_root()
    root._template = Template(
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}" dir="{text_direction(lang)}">\n'
        "<head>\n"
        '    <meta charset="utf-8" />\n'
        "{% if this.title %}<title>{{this.title}}</title>{% endif %}"
        "    {{this.header.render(**kwargs)}}\n"
        "</head>\n"
        "<body>\n"
        "    {{this.html.render(**kwargs)}}\n"
        "</body>\n"
        "<script>\n"
        "    {{this.script.render(**kwargs)}}\n"
        "</script>\n"
        "</html>\n"
    )
    root.title = html.escape(translate("map.title", lang))


def _vendor(*parts: str) -> Any:
    return resources.files("terroffer.render").joinpath("vendor", *parts)


def _own(name: str) -> str:
    return resources.files("terroffer.render").joinpath(name).read_text(encoding="utf-8")


def _data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _inline_text(text: str, css: bool = False) -> str:
    """A vendored script or style sheet ready to sit inside the page.

    Comments go from style sheets, and the scheme of a web link in a script (Leaflet's
    banner and default attribution prefix, which the map replaces) is dropped: the page
    names no web address. The SVG namespace stays: an identifier, never fetched.
    """
    if css:
        text = _CSS_COMMENT.sub("", text)
    text = _LINK_SCHEME.sub("", text)
    return text.replace("</script", "<\\/script").replace("</style", "<\\/style")


@cache
def _icon_uri(name: str) -> str:
    svg = _vendor("maki", f"{name}.svg").read_text(encoding="utf-8")
    svg = svg.replace("<svg ", f'<svg fill="{colour("equipment_edge")}" ', 1)
    return _data_uri("image/svg+xml", svg.encode("utf-8"))


@cache
def _assets_html() -> str:
    """Every script, style sheet, image and font of the page, inline (built once)."""
    leaflet_css = _vendor("leaflet", "leaflet.css").read_text(encoding="utf-8")
    for image in ("layers.png", "layers-2x.png", "marker-icon.png"):
        uri = _data_uri("image/png", _vendor("leaflet", "images", image).read_bytes())
        leaflet_css = leaflet_css.replace(f"url(images/{image})", f"url({uri})")
    fullscreen_css = _vendor("leaflet.fullscreen", "Control.FullScreen.css").read_text(encoding="utf-8")
    icon = _data_uri("image/svg+xml", _vendor("leaflet.fullscreen", "icon-fullscreen.svg").read_bytes())
    fullscreen_css = fullscreen_css.replace("url('icon-fullscreen.svg')", f"url('{icon}')")
    marker = {
        "iconUrl": _data_uri("image/png", _vendor("leaflet", "images", "marker-icon.png").read_bytes()),
        "iconRetinaUrl": _data_uri(
            "image/png", _vendor("leaflet", "images", "marker-icon-2x.png").read_bytes()
        ),
        "shadowUrl": _data_uri("image/png", _vendor("leaflet", "images", "marker-shadow.png").read_bytes()),
    }
    styles = [
        _inline_text(leaflet_css, css=True),
        _inline_text(fullscreen_css, css=True),
        web_font_css(),
        style.css_variables(),
        _inline_text(_own("webmap.css"), css=True),
        popup.PANEL_CSS,
    ]
    scripts = [
        _inline_text(_vendor("leaflet", "leaflet.js").read_text(encoding="utf-8")),
        _inline_text(_vendor("leaflet.fullscreen", "Control.FullScreen.js").read_text(encoding="utf-8")),
        _inline_text(_own("webmap.js")),
        f"terroffer.defaultIcon({_json(marker)});",
    ]
    return "".join(f"<style>\n{s}\n</style>\n" for s in styles) + "".join(
        f"<script>\n{s}\n</script>\n" for s in scripts
    )
