"""Static pictures of a plan with matplotlib: offline, for dashboards and slides."""

from __future__ import annotations

from typing import Any

from terroffer.model import Plan
from terroffer.reference import translate
from terroffer.render.style import family_colour, family_name

__all__ = ["overview_figure"]


def overview_figure(plan: Plan, *, lang: str = "fr", ax: Any = None) -> Any:
    """A map of the plan's zones coloured by family, with commune outlines and a legend.

    Arabic labels are shaped by matplotlib itself (3.11+) and need a font with Arabic
    glyphs; DejaVu Sans, shipped with matplotlib, has them.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.patheffects as pe
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 8), dpi=100)
    else:
        fig = ax.figure
    zones = plan.zones
    colours = zones["family"].map(family_colour)
    zones.plot(ax=ax, color=colours, linewidth=0.1, edgecolor="white")
    if not plan.communes.empty:
        plan.communes.boundary.plot(ax=ax, color="#333333", linewidth=0.8)
        for row in plan.communes.itertuples():
            name = row.name_ar if lang == "ar" and isinstance(row.name_ar, str) else row.name_fr
            pt = row.geometry.representative_point()
            ax.annotate(
                str(name),
                (pt.x, pt.y),
                ha="center",
                fontsize=9,
                fontweight="bold",
                color="#111111",
                path_effects=[pe.withStroke(linewidth=3, foreground="white")],
            )
    families = [f for f in zones["family"].value_counts().index]
    handles = [Patch(facecolor=family_colour(f), label=family_name(f, lang)) for f in families]
    ax.legend(handles=handles, loc="lower left" if lang != "ar" else "lower right", fontsize=7, frameon=True)
    ax.set_axis_off()
    title = translate("app.map_title", lang)
    if plan.illustrative:
        title += "\n" + translate("app.illustrative", lang)
    ax.set_title(title, fontsize=11)
    fig.tight_layout()
    return fig
