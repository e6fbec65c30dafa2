"""The note's small map: the plot over the zones and reservations around it, as a PNG.

Drawn with matplotlib in the plan's metric CRS, in the path options of
:mod:`terroffer.render.style` (the web map's colours), at print size.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import shapely

from terroffer._lookup import Lookup
from terroffer.index import plan_index
from terroffer.model import Plan
from terroffer.render.style import colour, matplotlib_style, path_options

__all__ = ["plot_map_png"]

#: Factor on the web map's line weights: the plot's outline and its halo at print size.
PLOT_WEIGHT = 0.7
#: Road reservations at least this wide are main roads, as on the web map.
MAIN_ROAD_M = 20.0


def _rings_path(geoms: Iterable[shapely.Geometry]) -> list[Any]:
    """One matplotlib Path per polygonal geometry (holes included)."""
    from matplotlib.path import Path as MplPath

    paths: list[Any] = []
    for geom in geoms:
        polys = shapely.get_parts(geom)
        verts, codes = [], []
        for poly in polys:
            if shapely.get_type_id(poly) != 3:
                continue
            for ring in (poly.exterior, *poly.interiors):
                xy = np.asarray(ring.coords)[:, :2]
                if len(xy) < 4:
                    continue
                verts.append(xy)
                c = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
                c[0], c[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
                codes.append(c)
        if verts:
            paths.append(MplPath(np.concatenate(verts), np.concatenate(codes)))
        else:
            paths.append(None)
    return paths


def _nice_length(target: float) -> float:
    """The largest 1, 2 or 5 × 10ⁿ not above ``target``."""
    exp = 10 ** math.floor(math.log10(target))
    return max(m * exp for m in (1, 2, 5) if m * exp <= target)


def _convergence_deg(plan: Plan, x: float, y: float) -> float:
    """Angle from grid north to true north at (x, y), in degrees (Lambert grids turn a little)."""
    try:
        from pyproj import Transformer

        to_geo = Transformer.from_crs(plan.crs, "EPSG:4326", always_xy=True)
        to_grid = Transformer.from_crs("EPSG:4326", plan.crs, always_xy=True)
        lon, lat = to_geo.transform(x, y)
        x2, y2 = to_grid.transform(lon, lat + 0.01)
        return math.degrees(math.atan2(x2 - x, y2 - y))
    except Exception:  # no CRS or no transformation: grid north it is
        return 0.0


def _under_furniture(u: float, v: float) -> bool:
    """True where a label at (u, v), in half-widths from the centre, would hide the scale bar or arrow."""
    return (u < -0.05 and v < -0.6) or math.hypot(u - 0.82, v - 0.74) < 0.3


def plot_map_png(result: Lookup, plan: Plan, *, size_mm: float = 80.0, dpi: int = 200) -> bytes:
    """A small map of the plot over the zones and reservations around it, as PNG bytes.

    Drawn in the plan's metric CRS rather than in WGS84 so that the scale bar is true
    everywhere on it; the north arrow points to true north (the grid's convergence is
    measured with pyproj). Zones take their family colour from :mod:`terroffer.render.style`;
    reservations are hatched over them; the plot is outlined in black on a white halo.
    """
    import matplotlib.patheffects as pe
    from matplotlib.collections import PathCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle, Rectangle

    geom = result.plot.geometry
    minx, miny, maxx, maxy = geom.bounds
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    span = max(maxx - minx, maxy - miny)
    half = 150.0 if result.is_point else max(span / 2 + max(0.35 * span, 40.0), 60.0)
    box = shapely.box(cx - half, cy - half, cx + half, cy + half)
    idx = plan_index(plan)

    inch = size_mm / 25.4
    fig = Figure(figsize=(inch, inch), dpi=dpi)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(cx - half, cx + half)
    ax.set_ylim(cy - half, cy + half)
    ax.set_aspect("equal")
    ax.set_axis_off()
    background = colour("plot_map_background")
    ax.add_patch(Rectangle((cx - half, cy - half), 2 * half, 2 * half, facecolor=background, ec="none"))

    zone_ids = np.sort(idx.zone_tree.query(box, predicate="intersects"))
    if len(zone_ids):
        clipped = shapely.clip_by_rect(idx.zone_geoms[zone_ids], cx - half, cy - half, cx + half, cy + half)
        families = plan.zones["family"].to_numpy()[zone_ids]
        paths = _rings_path(clipped)
        keep = [i for i, p in enumerate(paths) if p is not None]
        styles = {f: matplotlib_style(path_options("zone", str(f))) for f in set(families)}
        ax.add_collection(
            PathCollection(
                [paths[i] for i in keep],
                facecolors=[styles[families[i]]["facecolor"] for i in keep],
                edgecolors=[styles[families[i]]["edgecolor"] for i in keep],
                linewidths=styles[families[keep[0]]]["linewidth"] if keep else 0.6,
                zorder=1,
            )
        )
        codes = plan.zones["zone_code"].to_numpy()[zone_ids]
        min_area = (2 * half) ** 2 * 0.02
        for piece, code in zip(clipped, codes, strict=True):
            if shapely.area(piece) < min_area:
                continue
            pt = shapely.point_on_surface(piece)
            if _under_furniture((pt.x - cx) / half, (pt.y - cy) / half):
                continue
            ax.text(
                pt.x, pt.y, str(code), ha="center", va="center", fontsize=6.5, color=colour("label_ink"),
                zorder=4, path_effects=[pe.withStroke(linewidth=2, foreground=colour("halo"))],
            )  # fmt: skip

    res_ids = np.sort(idx.reservation_tree.query(box, predicate="intersects"))
    if len(res_ids):
        clipped = shapely.clip_by_rect(
            idx.reservation_geoms[res_ids], cx - half, cy - half, cx + half, cy + half
        )
        kinds = plan.reservations["kind"].to_numpy()[res_ids]
        widths = plan.reservations["road_width_m"].to_numpy(dtype=float, na_value=np.nan)[res_ids]
        keys = [
            "main_road" if k == "road" and w >= MAIN_ROAD_M else str(k)
            for k, w in zip(kinds, widths, strict=True)
        ]
        paths = _rings_path(clipped)
        # roads under main roads under facilities, all hatched: reserved land is not the owner's to build
        for key in sorted(set(keys), key=lambda k: (k != "road", k != "main_road", k)):
            keep = [i for i, p in enumerate(paths) if p is not None and keys[i] == key]
            if not keep:
                continue
            style = matplotlib_style(path_options("reservation", key))
            ax.add_collection(
                PathCollection(
                    [paths[i] for i in keep],
                    facecolors=[style["facecolor"]],
                    edgecolors=[style["edgecolor"]],
                    linewidths=style["linewidth"],
                    hatch="////",
                    zorder=2,
                )
            )

    if result.is_point:
        ax.plot(
            [geom.x],
            [geom.y],
            marker="o",
            ms=7,
            mew=1.5,
            zorder=6,
            mfc=colour("highlight"),
            mec=colour("halo"),
        )
    else:
        plot_path = _rings_path([geom])[0]
        if plot_path is not None:
            for layer in ("plot_halo", "plot"):
                style = matplotlib_style(path_options(layer), scale=PLOT_WEIGHT)
                ax.add_collection(
                    PathCollection(
                        [plot_path],
                        facecolors=[style["facecolor"]],
                        edgecolors=[style["edgecolor"]],
                        linewidths=style["linewidth"],
                        zorder=5,
                    )
                )

    # scale bar, lower left: alternating ink and paper halves
    ink, paper = colour("ink"), colour("paper")
    length = _nice_length(half * 2 * 0.3)
    x0, y0, h = cx - half * 0.9, cy - half * 0.9, half * 0.025
    ax.add_patch(
        Rectangle(
            (x0 - half * 0.04, y0 - half * 0.05), length + half * 0.2, half * 0.2,
            facecolor=paper, edgecolor="none", alpha=0.85, zorder=6,
        )
    )  # fmt: skip
    for i, fill in enumerate((ink, paper)):
        ax.add_patch(
            Rectangle(
                (x0 + i * length / 2, y0),
                length / 2,
                h,
                facecolor=fill,
                edgecolor=ink,
                lw=0.6,
                zorder=7,
            )
        )
    label = f"{length:g} m"
    ax.text(x0 + length / 2, y0 + h * 1.8, label, ha="center", va="bottom", fontsize=6.5, color=ink, zorder=7)

    # north arrow, upper right, turned to true north
    angle = math.radians(_convergence_deg(plan, cx, cy))
    nx, ny, r = cx + half * 0.82, cy + half * 0.78, half * 0.1
    dx, dy = r * math.sin(angle), r * math.cos(angle)
    ax.add_patch(Circle((nx, ny), r * 1.45, facecolor=paper, edgecolor="none", alpha=0.85, zorder=6))
    ax.annotate(
        "",
        xy=(nx + dx, ny + dy),
        xytext=(nx - dx, ny - dy),
        arrowprops={"arrowstyle": "-|>", "color": ink, "lw": 1.2, "mutation_scale": 9},
        zorder=7,
    )
    ax.text(
        nx - dx * 0.1,
        ny - dy * 1.35,
        "N",
        ha="center",
        va="top",
        fontsize=7,
        fontweight="bold",
        color=ink,
        zorder=7,
    )

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()
