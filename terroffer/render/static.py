"""Static pictures of a plan with matplotlib, offline: maps for slides, reports and dashboards.

:func:`static_map` draws the zones of a plan (or of some communes, or some sectors) in the
family colours of :mod:`terroffer.render.style`, with a legend, a metric scale bar, a north
arrow, a title and the source line; :func:`save_figure` writes it as PNG (300 dpi), SVG or
PDF. :func:`overview_figure` is the small map of the dashboard.

Every word comes from the catalogues (``reference/i18n/<lang>/static.json``). Text is set in
the bundled IBM Plex Sans Arabic, whose Arabic and Latin share one design, so a French and an
Arabic slide look alike. matplotlib (3.11+) shapes Arabic and orders mixed text itself: the
strings handed to it are the logical ones, never pre-shaped or reversed.

Maps are drawn in the plan's metric CRS (not in WGS84) so that the scale bar is true
everywhere on them; the north arrow is turned to true north.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from terroffer import words
from terroffer.errors import OptionError
from terroffer.model import Plan
from terroffer.reference import FAMILIES, SECTORS, translate
from terroffer.render.fonts import FONT_FAMILY, bundled_font, font_context
from terroffer.render.style import colour as named_colour
from terroffer.render.style import family_name, matplotlib_style, path_options, sector_name
from terroffer.selection import resolve_communes, resolve_sectors, select_zones

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "FIGURE_DPI",
    "FONT_FAMILY",
    "MAP_SIZE",
    "bundled_font",
    "figure_renderer",
    "font_context",
    "new_figure",
    "nice_length",
    "overview_figure",
    "save_figure",
    "source_block",
    "source_lines",
    "static_map",
    "title_block",
]

#: Resolution of saved raster figures: print and slide quality.
FIGURE_DPI = 300
#: Size of a map in inches (3:2, a slide without its margins).
MAP_SIZE = (12.0, 8.0)
#: Formats :func:`save_figure` writes, by file extension.
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}

#: Colours of the text, from reference/style.json (the map's layers take render.style's path options).
INK = named_colour("ink")
MUTED = named_colour("muted")
WARNING_INK = named_colour("warning_ink")
PAPER = named_colour("paper")
#: Factors on the web map's line weights, for a slide map seen whole: area outlines at
#: half their screen weight, commune boundaries (what a reader finds a place by) at full
#: weight, the plot's outline in between (it must not hide the zone boundaries under it).
AREA_WEIGHT = 0.5
LINE_WEIGHT = 1.0
PLOT_WEIGHT = 0.7
#: Road reservations at least this wide are drawn as main roads, as on the web map.
MAIN_ROAD_M = 20.0
#: Hatches over the zones of plans that are not in force.
STATUS_HATCH = {"under_study": "////", "expired": "xxxx"}


# --------------------------------------------------------------------------- fonts and text


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=False)) if text else ""


def _chars_per_line(fig_width_in: float, fontsize: float, share: float = 0.94) -> int:
    """About how many characters of ``fontsize`` points fit in a share of the figure width."""
    return max(20, int(fig_width_in * 72 * share / (fontsize * 0.52)))


def _status_word(status: object, lang: str) -> str:
    key = f"status.{status}" if status in ("approved", "under_study", "expired") else "status.unknown"
    return translate(key, lang)


def source_lines(plan: Plan, lang: str = "fr") -> list[str]:
    """What a figure says about where its data come from, in ``lang``.

    Parameters
    ----------
    plan
        The plan drawn.
    lang
        ``fr``, ``ar`` or ``en``.

    Returns
    -------
    list of str
        For an illustrative plan, the warning that the zoning is made up, then the sample's
        sources and licences; otherwise the sources of the plan documents and the reminder
        that the figure is informative, not a legal document.
    """
    if plan.illustrative:
        return [translate("app.illustrative", lang), translate("app.source_line", lang)]
    sources = [str(s) for s in plan.plans["source"].dropna().unique()] if not plan.plans.empty else []
    if not sources:
        sources = [str(p) for p in plan.plans["plan_id"].dropna()] or [plan.source.path]
    return [
        translate("static.sources", lang, sources="; ".join(sources)),
        translate("static.disclaimer", lang),
    ]


def new_figure(figsize: tuple[float, float]) -> Figure:
    """A figure outside pyplot (no global state, nothing to close), able to measure its text."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=100)
    FigureCanvasAgg(fig)
    return fig


def figure_renderer(fig: Any) -> Any:
    """The renderer that measures a figure's text as it will be drawn."""
    canvas = fig.canvas
    if hasattr(canvas, "get_renderer"):
        return canvas.get_renderer()
    return fig._get_renderer()  # type: ignore[attr-defined]


def _height(fig: Figure, artist: Any) -> float:
    """Height of a drawn artist as a fraction of the figure's height."""
    box = artist.get_window_extent(figure_renderer(fig))
    return float(box.height) / float(fig.bbox.height)


def source_block(
    fig: Figure,
    plan: Plan,
    lang: str,
    *,
    notes: Sequence[str] = (),
    extra: Sequence[str] = (),
    y: float = 0.012,
) -> float:
    """The notes and sources at the bottom of a figure, the illustrative warning in colour.

    Parameters
    ----------
    fig
        The figure.
    plan
        The plan drawn, whose sources (and whether it is illustrative) are told.
    lang
        ``fr``, ``ar`` or ``en``; Arabic is aligned right.
    notes
        Sentences about the figure itself (what is counted, what is missing), in ink.
    extra
        Sentences appended to the sources (the map's projection).
    y
        Bottom of the block, in figure coordinates.

    Returns
    -------
    float
        The top of the block, in figure coordinates.
    """
    rtl = lang == "ar"
    size = 7.5
    chars = _chars_per_line(fig.get_size_inches()[0], size)
    lines = source_lines(plan, lang)
    blocks: list[tuple[str, str, str]] = []
    if plan.illustrative:
        blocks.append((_wrap(lines[0], chars), WARNING_INK, "bold"))
        lines = lines[1:]
    blocks.append((_wrap(" ".join([*lines, *extra]), chars), MUTED, "normal"))
    if notes:
        blocks.insert(0, (_wrap(" ".join(notes), int(chars * 7.5 / 8.5)), INK, "normal"))
    x = 0.985 if rtl else 0.015
    # stacked from the bottom up, so that the block grows upwards whatever its length
    for block, colour, weight in reversed(blocks):
        t = fig.text(
            x, y, block, ha="right" if rtl else "left", va="bottom",
            fontsize=8.5 if colour == INK else size, color=colour,
            fontweight=weight, linespacing=1.35, gid="notes" if colour == INK else "sources",
        )  # fmt: skip
        y += _height(fig, t) + 0.006
    return y


def title_block(fig: Figure, title: str, subtitle: str | None, lang: str, *, top: float = 0.965) -> float:
    """Title and subtitle at the top of a figure, on the side where reading starts.

    Returns
    -------
    float
        The bottom of the block, in figure coordinates.
    """
    rtl = lang == "ar"
    x = 0.985 if rtl else 0.015
    ha = "right" if rtl else "left"
    t = fig.text(x, top, title, ha=ha, va="top", fontsize=18, fontweight="bold", color=INK, gid="title")
    bottom = top - _height(fig, t)
    if subtitle:
        chars = _chars_per_line(fig.get_size_inches()[0], 11)
        s = fig.text(
            x, bottom - 0.015, _wrap(subtitle, chars), ha=ha, va="top", fontsize=11, color=MUTED,
            linespacing=1.35, gid="subtitle",
        )  # fmt: skip
        bottom = bottom - 0.015 - _height(fig, s)
    return bottom


def _commune_name(row: Any, lang: str) -> str:
    name = row.get("name_ar") if lang == "ar" else row.get("name_fr")
    if not isinstance(name, str) or not name:
        name = row.get("name_fr") if isinstance(row.get("name_fr"), str) else row.get("code")
    return str(name)


def commune_list(plan: Plan, communes: Iterable[str] | str | None) -> list[str] | None:
    """Codes of the communes named (any language), in the plan's order; None stays None.

    The names are resolved by :func:`terroffer.selection.resolve_communes`, the one zone
    filter: an unknown name raises its :class:`~terroffer.errors.FilterError`.
    """
    codes = resolve_communes(plan, communes)
    if codes is None:
        return None
    order = [str(c) for c in plan.communes["code"]] + sorted(codes)
    return [c for c in dict.fromkeys(order) if c in codes]


def sector_list(sectors: Iterable[str] | str | None) -> list[str] | None:
    """Sector ids for ids or names in any language, in the catalogue's order; None stays None."""
    keys = resolve_sectors(sectors)
    return None if keys is None else [s for s in SECTORS if s in keys]


# --------------------------------------------------------------------------- geometry helpers


def _paths(geoms: Iterable[Any]) -> list[Any]:
    """One matplotlib Path per polygonal geometry, holes included (None for an empty one)."""
    from matplotlib.path import Path as MplPath

    out: list[Any] = []
    for geom in geoms:
        verts: list[np.ndarray] = []
        codes: list[np.ndarray] = []
        for poly in shapely.get_parts(geom):
            if shapely.get_type_id(poly) != 3:
                continue
            for ring in (poly.exterior, *poly.interiors):
                xy = np.asarray(ring.coords)[:, :2]
                if len(xy) < 4:
                    continue
                c = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
                c[0], c[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
                verts.append(xy)
                codes.append(c)
        out.append(MplPath(np.concatenate(verts), np.concatenate(codes)) if verts else None)
    return out


def _collection_style(options: dict[str, Any], scale: float = AREA_WEIGHT) -> dict[str, Any]:
    """Path options (:func:`terroffer.render.style.path_options`) as PathCollection keywords."""
    style = matplotlib_style(options, scale=scale)
    return {
        "facecolors": style["facecolor"],
        "edgecolors": style["edgecolor"],
        "linewidths": style["linewidth"],
        "linestyles": style["linestyle"],
    }


def _reservation_key(kind: str, width: float) -> str:
    """A reservation's path options key: its kind, or ``main_road`` for a road of 20 m and more."""
    return "main_road" if kind == "road" and width >= MAIN_ROAD_M else kind


def _add_polygons(ax: Axes, geoms: Sequence[Any] | np.ndarray, **kwargs: Any) -> None:
    from matplotlib.collections import PathCollection

    paths = _paths(geoms)
    keep = [i for i, p in enumerate(paths) if p is not None]
    if not keep:
        return
    for key in ("facecolors", "edgecolors"):
        value = kwargs.get(key)
        if isinstance(value, (list, np.ndarray)):
            kwargs[key] = [value[i] for i in keep]
    ax.add_collection(PathCollection([paths[i] for i in keep], **kwargs), autolim=False)


def nice_length(target: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ not above ``target`` (a scale bar's length)."""
    exp = 10 ** math.floor(math.log10(target))
    return max(m * exp for m in (1, 2, 5) if m * exp <= target)


def _convergence_deg(crs: Any, x: float, y: float) -> float:
    """Angle from grid north to true north at (x, y), in degrees (Lambert grids turn a little)."""
    try:
        from pyproj import Transformer

        to_geo = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
        to_grid = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        lon, lat = to_geo.transform(x, y)
        x2, y2 = to_grid.transform(lon, lat + 0.01)
        angle = math.degrees(math.atan2(x2 - x, y2 - y))
        return angle if math.isfinite(angle) else 0.0
    except Exception:  # no CRS or no transformation: grid north it is
        return 0.0


def _fit_extent(bounds: Sequence[float], box_w_in: float, box_h_in: float, margin: float) -> tuple:
    """Limits around ``bounds`` with the axes box's aspect, so that 1 m is as long in x as in y."""
    minx, miny, maxx, maxy = bounds
    w, h = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
    w, h = w * (1 + 2 * margin), h * (1 + 2 * margin)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    aspect = box_w_in / box_h_in
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    return (cx - w / 2, cx + w / 2), (cy - h / 2, cy + h / 2)


def _scale_bar(ax: Axes, lang: str) -> Any:
    """Four black and white segments, at the lower corner away from the text's start."""
    from matplotlib.patches import Rectangle

    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    w, h = x1 - x0, y1 - y0
    length = nice_length(w * 0.22)
    seg = length / 4
    bar_h = h * 0.011
    pad = w * 0.02
    tail = w * 0.035  # room for the unit after the last tick
    left = x1 - pad * 1.6 - length - tail if lang == "ar" else x0 + pad * 1.6
    base = y0 + h * 0.045
    box = ax.add_patch(
        Rectangle(
            (left - pad * 0.9, base - h * 0.03),
            length + pad * 1.8 + tail,
            h * 0.085,
            facecolor=PAPER,
            edgecolor=named_colour("furniture_edge"),
            lw=0.5,
            alpha=0.9,
            zorder=20,
        )
    )
    for i in range(4):
        ax.add_patch(
            Rectangle(
                (left + i * seg, base),
                seg,
                bar_h,
                facecolor=INK if i % 2 == 0 else PAPER,
                edgecolor=INK,
                lw=0.6,
                zorder=21,
                gid="scale-bar",
            )
        )
    ticks = (0.0, length / 2, length)
    for t in ticks:
        if t == length:
            label = words.scale(t, lang)
        else:  # the inner ticks without their unit, in the last tick's unit
            shown = t / 1000 if length >= 1000 else t
            label = words.number(shown, lang, len(f"{shown:.3f}".rstrip("0").partition(".")[2]))
        ax.text(
            left + t,
            base + bar_h * 1.6,
            label,
            ha="center",
            va="bottom",
            fontsize=8.5,
            color=INK,
            zorder=22,
            gid="scale-bar-label",
        )
    return box


def _north_arrow(ax: Axes, crs: Any, lang: str) -> Any:
    """An arrow to true north, with its letter, in the upper corner away from the legend."""
    from matplotlib.patches import Circle

    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    w, h = x1 - x0, y1 - y0
    r = min(w, h) * 0.045
    rtl = lang == "ar"
    cx = x0 + r * 2.0 if rtl else x1 - r * 2.0
    cy = y1 - r * 2.1
    angle = math.radians(_convergence_deg(crs, (x0 + x1) / 2, (y0 + y1) / 2))
    dx, dy = r * math.sin(angle), r * math.cos(angle)
    disc = ax.add_patch(
        Circle(
            (cx, cy),
            r * 1.6,
            facecolor=PAPER,
            edgecolor=named_colour("furniture_edge"),
            lw=0.5,
            alpha=0.9,
            zorder=20,
        )  # fmt: skip
    )
    ax.annotate(
        "",
        xy=(cx + dx * 0.9, cy + dy * 0.9),
        xytext=(cx - dx * 0.55, cy - dy * 0.55),
        arrowprops={"arrowstyle": "-|>", "color": INK, "lw": 1.6, "mutation_scale": 16},
        zorder=21,
    )
    ax.text(
        cx - dx * 0.8,
        cy - dy * 0.8,
        translate("static.north", lang),
        ha="center",
        va="center",
        fontsize=10,
        fontweight="bold",
        color=INK,
        zorder=21,
        gid="north-arrow",
    )
    return disc


def _highlight_geoms(plan: Plan, highlight: Any) -> np.ndarray:
    """The geometries to outline: a look-up's plot, a plot, zone ids, shapely geometries or a GeoSeries."""
    if highlight is None:
        return np.array([], dtype=object)
    highlight = getattr(highlight, "plot", highlight)  # a Lookup: outline its plot
    if isinstance(getattr(highlight, "geometry", None), shapely.Geometry):  # a Plot
        highlight = highlight.geometry
    if isinstance(highlight, shapely.Geometry):
        return np.array([highlight], dtype=object)
    if hasattr(highlight, "geometry") or hasattr(highlight, "to_crs"):
        series = highlight.geometry if hasattr(highlight, "geometry") else highlight
        if series.crs is not None and plan.crs is not None and series.crs != plan.crs:
            series = series.to_crs(plan.crs)
        return np.asarray(series.array, dtype=object)
    items = list(highlight)
    if items and all(isinstance(i, shapely.Geometry) for i in items):
        return np.array(items, dtype=object)
    ids = [int(i) for i in items]
    return np.asarray(plan.zones.geometry.array, dtype=object)[ids]


# --------------------------------------------------------------------------- the map


def _plans_subtitle(plan: Plan, plan_ids: Iterable[str], lang: str) -> str:
    """The planning documents behind the map and their status, or their count by status."""
    plans = plan.plans[plan.plans["plan_id"].isin(list(plan_ids))]
    if plans.empty:
        return translate("static.no_plan", lang)
    if len(plans) <= 3:
        parts = []
        for row in plans.itertuples():
            name = row.name_ar if lang == "ar" and isinstance(row.name_ar, str) else row.name_fr
            name = name if isinstance(name, str) else row.plan_id
            status = _status_word(row.status, lang)
            approved = isinstance(row.approval_ref, str) and row.status == "approved"
            legal = words.legal_ref(row.approval_ref, lang) if approved else ""
            ref = translate("static.plan_ref", lang, ref=legal) if approved else ""
            parts.append(translate("static.plan_item", lang, name=name, status=status, ref=ref))
        return " · ".join(parts)
    counts = plans["status"].fillna("unknown").value_counts()
    order = [s for s in ("approved", "under_study", "expired", "unknown") if s in counts.index]
    parts = [translate(f"static.plans_{s}", lang, count=int(counts[s])) for s in order]
    return translate("static.plans_summary", lang, count=len(plans), detail=" · ".join(parts))


def _map_title(plan: Plan, codes: list[str] | None, lang: str) -> str:
    if codes is None:
        where = translate("static.whole_territory", lang)
    else:
        rows = plan.communes[plan.communes["code"].isin(codes)]
        names = [_commune_name(r, lang) for _, r in rows.iterrows()] or list(codes)
        where = words.join(names, lang)
    return translate("static.map_title", lang, where=where)


def static_map(
    plan: Plan,
    *,
    sectors: Iterable[str] | str | None = None,
    communes: Iterable[str] | str | None = None,
    lang: str = "fr",
    highlight: Any = None,
    title: str | None = None,
    ax: Axes | None = None,
    figsize: tuple[float, float] = MAP_SIZE,
    reservations: bool = True,
) -> Figure:
    """A map of a plan's zones coloured by family, ready for a slide or a report.

    Parameters
    ----------
    plan
        A loaded plan, in a projected (metric) CRS.
    sectors
        Colour only the zones of these sectors (ids or names in any language); the others
        are drawn in light grey, for context.
    communes
        Frame the map on these communes (codes or names in any language); the zones of
        the neighbouring communes are drawn in light grey, for context.
    lang
        ``fr``, ``ar`` or ``en``. In Arabic the layout is mirrored: title and text on the
        right, legend on the left, scale bar at the lower right.
    highlight
        Outline these: a look-up result or a plot (its plot, as :func:`terroffer.zone_map`
        takes it), zone ids (rows of ``plan.zones``, as :func:`terroffer.search` returns
        them), a shapely geometry, a list of them or a GeoSeries/GeoDataFrame.
    title
        The title; by default "Zoning by family" and the communes shown.
    ax
        Draw the map into this axes, with its scale bar and north arrow but without the
        title, legend panel and source line (the caller lays out its own figure).
    figsize
        Size of a new figure in inches; a 300 dpi PNG of the default is 3600 × 2400 px.
    reservations
        Draw the reserved land (roads in white, facilities in the equipment colour).

    Returns
    -------
    matplotlib.figure.Figure
        Save it with :func:`save_figure`.

    Raises
    ------
    FilterError
        When a commune or a sector is unknown (with the nearest names).
    """
    codes = commune_list(plan, communes)
    keys = sector_list(sectors)
    rtl = lang == "ar"
    zones = plan.zones
    geoms = np.asarray(zones.geometry.array, dtype=object)
    in_focus = select_zones(plan, communes=codes, sectors=keys)
    com = plan.communes
    com_geoms = np.asarray(com.geometry.array, dtype=object)
    focus_com = com["code"].isin(codes).to_numpy() if codes is not None else np.ones(len(com), dtype=bool)
    if codes is not None:
        frame = np.concatenate([com_geoms[focus_com], geoms[zones["commune"].isin(codes).to_numpy()]])
    else:
        frame = np.concatenate([com_geoms, geoms])
    frame = frame[~shapely.is_empty(frame)] if len(frame) else frame
    bounds = shapely.total_bounds(frame) if len(frame) else zones.total_bounds

    with font_context():
        own_figure = ax is None
        if ax is None:
            fig = new_figure(figsize)
            top = title_block(
                fig,
                title or _map_title(plan, codes, lang),
                _map_subtitle(plan, zones, in_focus, keys, lang),
                lang,
            )
            crs_name = getattr(plan.crs, "name", None) or str(plan.crs)
            epsg = plan.crs.to_epsg() if plan.crs is not None else None
            crs_text = f"{crs_name}, EPSG:{epsg}" if epsg else crs_name
            bottom = source_block(fig, plan, lang, extra=[translate("static.crs", lang, crs=crs_text)])
            bottom, top = bottom + 0.02, top - 0.025
            # the map takes 72 % of the width; the legend panel the rest, at the end of the line
            ax = fig.add_axes((0.265 if rtl else 0.015, bottom, 0.72, top - bottom))
        else:
            fig = ax.figure  # type: ignore[assignment]
        drawn = _draw_map(ax, plan, geoms, in_focus, focus_com, codes, bounds, highlight, reservations, lang)
        if own_figure:
            panel = (0.015 if rtl else 0.75, bottom, 0.235, top - bottom)
            _legend_panel(fig, panel, drawn, lang)
    return fig


def _map_subtitle(plan: Plan, zones: Any, in_focus: np.ndarray, keys: list[str] | None, lang: str) -> str:
    subtitle = _plans_subtitle(plan, zones.loc[in_focus, "plan_id"].dropna().unique(), lang)
    if keys is not None:
        names = words.join((sector_name(s, lang) for s in keys), lang)
        subtitle = translate("static.sectors_shown", lang, sectors=names) + " — " + subtitle
    return subtitle


def _draw_map(
    ax: Axes,
    plan: Plan,
    geoms: np.ndarray,
    in_focus: np.ndarray,
    focus_com: np.ndarray,
    codes: list[str] | None,
    bounds: Sequence[float],
    highlight: Any,
    reservations: bool,
    lang: str,
) -> dict[str, Any]:
    """Draw zones, reservations, boundaries and the map furniture; say what was drawn."""
    from matplotlib.collections import LineCollection

    fig: Any = ax.figure
    pos = ax.get_position()
    fw, fh = fig.get_size_inches()
    xlim, ylim = _fit_extent(bounds, pos.width * fw, pos.height * fh, 0.035)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor(named_colour("frame"))
        spine.set_linewidth(0.6)
    ax.set_facecolor(named_colour("chart_background"))
    zones = plan.zones
    view = shapely.box(xlim[0], ylim[0], xlim[1], ylim[1])
    visible = shapely.intersects(geoms, view)
    drawn: dict[str, Any] = {"families": [], "hatched": [], "reservations": set()}

    # zones out of focus first, in grey; then the zones in focus in their family colour
    context = visible & ~in_focus
    drawn["context"] = bool(context.any())
    if context.any():
        _add_polygons(ax, geoms[context], zorder=1, **_collection_style(path_options("context_zone")))
    shown = visible & in_focus
    families = zones["family"].to_numpy()
    if shown.any():
        by_family = {f: _collection_style(path_options("zone", str(f))) for f in set(families[shown])}
        zone_style = by_family[families[shown][0]] | {
            "facecolors": [by_family[f]["facecolors"] for f in families[shown]],
            "edgecolors": [by_family[f]["edgecolors"] for f in families[shown]],
        }
        _add_polygons(ax, geoms[shown], zorder=2, **zone_style)
        present = set(families[shown])
        drawn["families"] = [f for f in FAMILIES if f in present]
    # zones of plans not in force are hatched, so that no-one reads a draft as the rule
    status = zones["plan_id"].map(plan.plans.set_index("plan_id")["status"]).to_numpy()
    for st, hatch in STATUS_HATCH.items():
        mask = shown & (status == st)
        if mask.any():
            drawn["hatched"].append(st)
            _add_polygons(
                ax,
                geoms[mask],
                facecolors="none",
                edgecolors=named_colour("status_edge"),
                linewidths=0.0,
                hatch=hatch,
                zorder=3,
            )

    if reservations and not plan.reservations.empty:
        res = np.asarray(plan.reservations.geometry.array, dtype=object)
        kinds = plan.reservations["kind"].to_numpy()
        keep = shapely.intersects(res, view)
        if codes is not None and focus_com.any():
            # reserved land of the communes shown only, cut at their boundary
            area = shapely.union_all(np.asarray(plan.communes.geometry.array, dtype=object)[focus_com])
            keep &= shapely.intersects(res, area)
            res = res.copy()
            res[keep] = shapely.intersection(res[keep], area)
        width = pd.to_numeric(plan.reservations["road_width_m"], errors="coerce").to_numpy()
        keys = np.array([_reservation_key(str(k), float(w)) for k, w in zip(kinds, width, strict=True)])
        # roads under main roads under facilities, as on the web map
        for key in sorted(set(keys[keep]), key=lambda k: (k != "road", k != "main_road", k)):
            mask = keep & (keys == key)
            drawn["reservations"].add(key if key in ("road", "main_road") else "facility")
            style = _collection_style(path_options("reservation", key))
            if key not in ("road", "main_road"):
                style["hatch"] = "////"  # hatched over the zones, as on the web map and the note
            _add_polygons(ax, res[mask], zorder=4, **style)

    com_geoms = np.asarray(plan.communes.geometry.array, dtype=object)
    for focus, key in ((~focus_com, "context"), (focus_com, None)):
        line = matplotlib_style(path_options("commune", key), scale=LINE_WEIGHT)
        lines = [
            np.asarray(part.coords)[:, :2]
            for g in com_geoms[focus]
            if g is not None
            for part in shapely.get_parts(shapely.boundary(g))
            for part in shapely.get_parts(part)
        ]
        if lines:
            collection = LineCollection(
                lines,
                colors=[line["edgecolor"]],
                linewidths=line["linewidth"],
                linestyles=[line["linestyle"]],
                zorder=6,
            )
            ax.add_collection(collection, autolim=False)
    drawn["communes"] = len(plan.communes) > 0

    hl = _highlight_geoms(plan, highlight)
    drawn["highlight"] = len(hl) > 0
    for layer in ("plot_halo", "plot") if len(hl) else ():
        _add_polygons(ax, hl, zorder=8, **_collection_style(path_options(layer), PLOT_WEIGHT))

    furniture = [_scale_bar(ax, lang), _north_arrow(ax, plan.crs, lang)]
    _commune_labels(ax, plan, focus_com, view, lang, avoid=furniture)
    return drawn


def _legend_panel(
    fig: Figure, panel: tuple[float, float, float, float], drawn: dict[str, Any], lang: str
) -> None:
    """The families shown, then the other symbols right under them."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    rtl = lang == "ar"
    t = lambda key: _wrap(translate(key, lang), 30)  # noqa: E731

    def swatch(options: dict[str, Any], label: str, **extra: Any) -> Any:
        # the map's own style, with an outline heavy enough to read at legend size
        style = matplotlib_style(options)
        return Patch(facecolor=style["facecolor"], edgecolor=style["edgecolor"], lw=0.6, label=label, **extra)

    fam = [
        Patch(
            facecolor=matplotlib_style(path_options("zone", f))["facecolor"],
            edgecolor=named_colour("swatch_edge"),
            lw=0.3,
            label=_wrap(family_name(f, lang), 30),
        )
        for f in drawn["families"]
    ]
    sym: list[Any] = []
    for st in drawn["hatched"]:
        sym.append(
            Patch(
                facecolor=PAPER, edgecolor=named_colour("status_edge"), hatch=STATUS_HATCH[st], lw=0.6,
                label=t(f"static.legend.{st}"),
            )
        )  # fmt: skip
    if "road" in drawn["reservations"]:
        sym.append(swatch(path_options("reservation", "road"), t("static.legend.road")))
    if "main_road" in drawn["reservations"]:
        sym.append(swatch(path_options("reservation", "main_road"), t("static.legend.main_road")))
    if "facility" in drawn["reservations"]:
        sym.append(swatch(path_options("reservation", "other"), t("static.legend.facility"), hatch="////"))
    if drawn["context"]:
        sym.append(swatch(path_options("context_zone"), t("static.legend.context")))
    if drawn["communes"]:
        line = matplotlib_style(path_options("commune"), scale=LINE_WEIGHT)
        sym.append(
            Line2D(
                [], [], color=line["edgecolor"], lw=line["linewidth"], ls=line["linestyle"],
                label=t("static.legend.commune"),
            )
        )  # fmt: skip
    if drawn["highlight"]:
        plot = matplotlib_style(path_options("plot"), scale=PLOT_WEIGHT)
        sym.append(
            Patch(facecolor=plot["facecolor"], edgecolor=plot["edgecolor"], lw=plot["linewidth"],
                  label=t("static.legend.highlight"))
        )  # fmt: skip

    x0, y0, w, h = panel
    anchor_x = x0 + w if rtl else x0
    # the largest type that fits the panel's height
    for size in (9.5, 9.0, 8.5, 8.0, 7.5, 7.0):
        legends = []
        y = y0 + h
        for handles, key in ((fam, "families"), (sym, "symbols")):
            if not handles:
                continue
            leg = fig.legend(
                handles=handles,
                title=translate(f"static.legend.{key}", lang),
                bbox_to_anchor=(anchor_x, y),
                loc="upper right" if rtl else "upper left",
                frameon=False,
                markerfirst=not rtl,
                alignment="right" if rtl else "left",
                handlelength=1.6,
                handleheight=1.1,
                borderaxespad=0.0,
                borderpad=0.0,
                labelspacing=0.5 * size / 9.5,
                fontsize=size,
                title_fontproperties={"weight": "bold", "size": size + 1.5},
            )
            leg.set_gid(f"legend-{key}")
            legends.append(leg)
            y -= _height(fig, leg) + 0.035 * size / 9.5
        if y + 0.035 * size / 9.5 >= y0 or size == 7.0:
            return
        for leg in legends:
            leg.remove()


def _commune_labels(
    ax: Axes, plan: Plan, focus: np.ndarray, view: Any, lang: str, *, avoid: Sequence[Any] = ()
) -> None:
    """Commune names on a white halo, the communes in focus larger and bold; none under ``avoid``."""
    import matplotlib.patheffects as pe
    from shapely.ops import polylabel

    com = plan.communes
    geoms = np.asarray(com.geometry.array, dtype=object)
    view_area = shapely.area(view)
    renderer = figure_renderer(ax.figure)
    to_data = ax.transData.inverted()
    placed: list[Any] = [a.get_window_extent(renderer) for a in avoid]
    # the communes in focus first, so that theirs are the names that get the best places
    for i in sorted(
        range(len(com)), key=lambda i: (not focus[i], -shapely.area(geoms[i] or shapely.Point()))
    ):
        g = geoms[i]
        if g is None or shapely.is_empty(g):
            continue
        part = shapely.intersection(g, view)
        if shapely.is_empty(part) or shapely.area(part) < 0.001 * view_area:
            continue
        # the pole of inaccessibility of the largest piece: well inside even a crescent-shaped commune
        pieces = shapely.get_parts(part)
        piece = pieces[int(np.argmax(shapely.area(pieces)))]
        pt = polylabel(piece, tolerance=math.sqrt(shapely.area(piece)) / 50)
        label = ax.text(
            pt.x, pt.y, _commune_name(com.iloc[i], lang), ha="center", va="center",
            fontsize=(12.5 if len(com) > focus.sum() else 10.5) if focus[i] else 9.5,
            fontweight="bold" if focus[i] else "normal", zorder=9,
            color=INK if focus[i] else named_colour("context_ink"),
            path_effects=[pe.withStroke(linewidth=3.2, foreground=PAPER)],
        )  # fmt: skip
        box = label.get_window_extent(renderer)
        if not any(box.overlaps(other) for other in placed):
            placed.append(box)
            continue
        # move it up or down inside its commune until it no longer covers another name
        x_disp, y_disp = ax.transData.transform((pt.x, pt.y))
        for k in (1, -1, 2, -2, 3, -3):
            shifted = box.translated(0, k * box.height * 1.1)
            x_new, y_new = to_data.transform((x_disp, y_disp + k * box.height * 1.1))
            if shapely.contains_xy(piece, x_new, y_new) and not any(shifted.overlaps(o) for o in placed):
                label.set_position((x_new, y_new))
                placed.append(shifted)
                break
        else:
            placed.append(box)


# --------------------------------------------------------------------------- saving


def save_figure(fig: Figure, path: str | Path, *, dpi: int = FIGURE_DPI) -> Path:
    """Write a figure as PNG, SVG or PDF, chosen by the file's extension.

    The figure is saved at its own size (no tight cropping), so a PNG is exactly
    ``figsize × dpi`` pixels; text in SVG is drawn as outlines (it shows the same without
    the font installed) and in PDF embedded as TrueType (searchable).

    Parameters
    ----------
    fig
        The figure, from :func:`static_map` or :mod:`terroffer.render.charts`.
    path
        Where to write; ``.png``, ``.svg`` or ``.pdf``.
    dpi
        Resolution of a PNG (and of any raster part of a PDF or SVG).

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    OptionError
        For any other extension (a ValueError too).
    """
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise OptionError("error.figure_format", path, suffix=path.suffix or "—", formats=tuple(FORMATS))
    path.parent.mkdir(parents=True, exist_ok=True)
    # dates and the software's version left out so that the same figure gives the same file
    metadata: dict[str, Any] = {
        "png": {"Software": None},
        "svg": {"Date": None},
        "pdf": {"CreationDate": None, "Producer": None},
    }[fmt]
    with font_context():
        fig.savefig(path, format=fmt, dpi=dpi, metadata=metadata, facecolor="white")
    return path


# --------------------------------------------------------------------------- the dashboard's map


def overview_figure(plan: Plan, *, lang: str = "fr", ax: Any = None) -> Any:
    """A small map of the plan's zones coloured by family, with commune outlines and a legend.

    The dashboard's picture: it uses pyplot, so that it shows in a notebook as it is.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.patheffects as pe
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    with font_context():
        if ax is None:
            fig, ax = plt.subplots(figsize=(8, 8), dpi=100)
        else:
            fig = ax.figure
        zones = plan.zones
        colours = zones["family"].map(lambda f: path_options("zone", f)["fillColor"])
        zones.plot(ax=ax, color=colours, linewidth=0.1, edgecolor=path_options("zone")["color"])
        if not plan.communes.empty:
            plan.communes.boundary.plot(ax=ax, color=path_options("commune")["color"], linewidth=0.8)
            for row in plan.communes.itertuples():
                name = row.name_ar if lang == "ar" and isinstance(row.name_ar, str) else row.name_fr
                pt = row.geometry.representative_point()
                ax.annotate(
                    str(name),
                    (pt.x, pt.y),
                    ha="center",
                    fontsize=9,
                    fontweight="bold",
                    color=INK,
                    path_effects=[pe.withStroke(linewidth=3, foreground=PAPER)],
                )
        families = [f for f in zones["family"].value_counts().index]
        fills = {f: path_options("zone", f)["fillColor"] for f in families}
        handles = [Patch(facecolor=fills[f], label=family_name(f, lang)) for f in families]
        ax.legend(
            handles=handles,
            loc="lower left" if lang != "ar" else "lower right",
            fontsize=7,
            frameon=True,
            markerfirst=lang != "ar",
        )
        ax.set_axis_off()
        title = translate("app.map_title", lang)
        if plan.illustrative:
            title += "\n" + translate("app.illustrative", lang)
        ax.set_title(title, fontsize=11)
        fig.tight_layout()
    return fig
