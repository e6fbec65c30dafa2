"""The offline background (coastline and town names) drawn on a matplotlib map.

The static maps draw the plan; this adds what tells a reader where the plan is: the
Atlantic shore in the coastline's path options (the web map's, from ``style.json``) and the
names of the main towns, each beside a dot, on a halo, never over another label. The data
come from :mod:`terroffer.background`; call this after the axes' limits are set::

    from terroffer.render.background import draw_background

    labels = draw_background(ax, crs=plan.crs, lang="ar", max_rank=2, avoid=furniture,
                             skip=plan.communes["name_fr"])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import shapely

from terroffer.background import load_background
from terroffer.reference import normalize_key
from terroffer.render.style import colour, matplotlib_style, path_options

__all__ = ["draw_background"]

#: Font size of a town's name by rank, in points: the main towns larger.
RANK_FONTSIZE = {1: 10.0, 2: 8.5, 3: 7.5, 4: 7.0}


def draw_background(
    ax: Any,
    *,
    crs: Any,
    lang: str = "fr",
    max_rank: int = 2,
    coastline: bool = True,
    avoid: Sequence[Any] = (),
    skip: Iterable[str] = (),
    zorder: float = 5.0,
) -> list[Any]:
    """Draw the coastline and the town names inside the axes' current limits.

    Parameters
    ----------
    ax
        A matplotlib Axes in the plan's CRS, whose limits are already set.
    crs
        The axes' CRS (the plan's, e.g. ``"EPSG:26191"``).
    lang
        The language of the names: Arabic for ``"ar"``, French otherwise.
    max_rank
        The least important rank named: 1 for Rabat, Salé and Témara only, 4 for every
        village.
    coastline
        Whether to draw the shore.
    avoid
        Artists (a scale bar, a north arrow, labels) that no name may cover.
    skip
        Names the map already shows, in any language or spelling (the communes' labels:
        ``"Ain Attig"`` skips the town of Aïn Attig), so that no name is written twice.
    zorder
        Where the shore and the names go among the map's layers.

    Returns
    -------
    list
        The text artists of the names placed (for the next labels to avoid); a name that
        would cover another label or an artist in ``avoid`` is left out.
    """
    import matplotlib.patheffects as pe
    from matplotlib.collections import LineCollection

    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    background = load_background(crs).within((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)))
    if coastline and len(background.coastline):
        style = matplotlib_style(path_options("coastline"))
        lines = [np.asarray(g.coords)[:, :2] for g in background.coastline.geometry]
        shore = LineCollection(
            lines,
            colors=[style["edgecolor"]],
            linewidths=style["linewidth"],
            linestyles=[style["linestyle"]],
            zorder=zorder,
        )
        ax.add_collection(shore, autolim=False)

    # As static.figure_renderer measures text (not imported: static.py may import this module).
    canvas = ax.figure.canvas
    renderer = canvas.get_renderer() if hasattr(canvas, "get_renderer") else ax.figure._get_renderer()
    placed = [a.get_window_extent(renderer) for a in avoid]
    labels: list[Any] = []
    places = background.places_up_to(max_rank)
    shown = {normalize_key(name) for name in skip}
    repeated = [places[col].map(normalize_key).isin(shown) for col in ("name_fr", "name_ar")]
    places = places[~(repeated[0] | repeated[1])]
    names = background.place_names(lang)
    ink, paper = colour("ink"), colour("paper")
    align = "right" if lang == "ar" else "left"
    # A name starts beside its dot, on the side a reader of the language begins from.
    offset = (-4, 2) if lang == "ar" else (4, 2)
    for i, point in zip(places.index, places.geometry, strict=True):
        if not shapely.is_empty(point):
            rank = int(places.at[i, "rank"])
            label = ax.annotate(
                str(names[i]),
                (point.x, point.y),
                xytext=offset,
                textcoords="offset points",
                ha=align,
                va="bottom",
                fontsize=RANK_FONTSIZE.get(rank, 7.0),
                fontweight="bold" if rank == 1 else "normal",
                color=ink,
                zorder=zorder + 0.2,
                path_effects=[pe.withStroke(linewidth=2.6, foreground=paper)],
                annotation_clip=True,
            )
            box = label.get_window_extent(renderer)
            if any(box.overlaps(other) for other in placed):
                label.remove()
                continue
            placed.append(box)
            labels.append(label)
            ax.plot(
                [point.x],
                [point.y],
                marker="o",
                markersize=3.2 if rank == 1 else 2.4,
                color=ink,
                markeredgecolor=paper,
                markeredgewidth=0.6,
                linestyle="none",
                zorder=zorder + 0.1,
            )
    return labels
