"""Charts of the territorial offer for slides: area, building capacity and land per inhabitant.

Each function takes a plan (and, optionally, its offer already computed by
:func:`terroffer.offer`) and returns a matplotlib figure in French, Arabic or English,
in the colours of :mod:`terroffer.render.style`, with a title, what is counted and the source
line. In Arabic the charts read from the right: commune names on the right, bars growing
leftwards, legend on the left. Numbers keep Western digits, as Moroccan administrative
documents write them, grouped with a no-break space so that bidi never splits them.

Save a chart with :func:`terroffer.render.static.save_figure`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from terroffer import words
from terroffer._offer import offer
from terroffer.model import Plan
from terroffer.reference import FAMILIES, OFFERED_SECTORS, SECTORS, translate
from terroffer.render.static import (
    FONT_FAMILY,
    INK,
    MUTED,
    figure_renderer,
    font_context,
    new_figure,
    sector_list,
    source_block,
    title_block,
)
from terroffer.render.style import colour, family_colour, family_name, sector_colour, sector_name
from terroffer.selection import OFFER_STATUSES, resolve_statuses

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["CHART_SIZE", "OFFERED_SECTORS", "area_by_sector_chart", "capacity_chart", "per_inhabitant_chart"]

#: Size of a chart in inches; a 300 dpi PNG is 3600 × 2250 px.
CHART_SIZE = (12.0, 7.5)
_GRID = colour("grid")
_LABEL_BOX = {"boxstyle": "square,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}


def _table(
    plan: Plan, table: pd.DataFrame | None, communes: Iterable[str] | None, statuses: Sequence[str] | None
) -> pd.DataFrame:
    return offer(plan, communes=communes, statuses=statuses) if table is None else table


def _commune_label(table: pd.DataFrame, lang: str) -> pd.Series:
    """The commune's name in ``lang`` for each row, its code when the name is missing."""
    names = table["commune_ar" if lang == "ar" else "commune_fr"]
    return names.where(names.notna() & (names.astype("string") != ""), table["commune"]).astype(str)


def _scope(statuses: Sequence[str] | None, lang: str) -> str:
    """Which plans a chart counts, in words."""
    wanted = resolve_statuses(statuses)
    if wanted is None:
        return translate("charts.scope_all", lang)
    if list(wanted) == ["approved"]:
        return translate("charts.scope_approved", lang)
    if set(wanted) == set(OFFER_STATUSES):
        return translate("charts.scope_offer", lang)
    names = words.join((translate(f"status.{s}", lang) for s in wanted), lang)
    return translate("charts.scope_some", lang, statuses=names)


def _status_note(table: pd.DataFrame, lang: str) -> list[str]:
    """A note when the chart counts zones of plans whose status is unknown (marked, not hidden)."""
    if "zones_status_unknown" not in table:
        return []
    count = int(pd.to_numeric(table["zones_status_unknown"], errors="coerce").fillna(0).sum())
    return [translate("charts.status_unknown", lang, count=count)] if count else []


def _missing_communes(
    plan: Plan, shown: Iterable[str], communes: Iterable[str] | None, lang: str
) -> str | None:
    """A note naming the plan's communes that a chart leaves out because nothing was counted there."""
    if communes is not None:
        return None
    shown = set(shown)
    rows = plan.communes[~plan.communes["code"].isin(shown)]
    if rows.empty:
        return None
    col = "name_ar" if lang == "ar" else "name_fr"
    names = [str(n) if isinstance(n, str) else str(c) for n, c in zip(rows[col], rows["code"], strict=True)]
    return translate("charts.missing_communes", lang, communes=words.join(names, lang))


def _layout(
    fig: Figure,
    plan: Plan,
    title: str,
    subtitle: str,
    notes: Sequence[str],
    lang: str,
    *,
    label_room: float = 0.16,
    legend_room: float = 0.2,
) -> tuple[Axes, tuple[float, float, float, float]]:
    """Title, source block and the plot area between them; returns the axes and the legend's box."""
    rtl = lang == "ar"
    top = title_block(fig, title, subtitle, lang) - 0.04
    bottom = source_block(fig, plan, lang, notes=notes) + 0.095  # room for the x-axis label
    width = 1 - 0.03 - label_room - legend_room - 0.03
    left = 0.015 + legend_room + 0.03 if rtl else 0.015 + label_room
    ax = fig.add_axes((left, bottom, width, top - bottom))
    legend_x = 0.015 if rtl else left + width + 0.03
    return ax, (legend_x, bottom, legend_room, top - bottom)


def _decimals(value: float) -> int:
    """One decimal for small values (``6,5 ha``), none for the others (``1 234 ha``)."""
    return 1 if 0 < abs(value) < 10 else 0


def _tick_formatter(lang: str) -> Any:
    """Tick labels written as the language writes numbers, with as many decimals as the step needs."""
    from matplotlib.ticker import Formatter

    class TickFormatter(Formatter):
        def __init__(self) -> None:
            self.decimals = 0

        def format_ticks(self, values: Sequence[float]) -> list[str]:
            steps = np.diff(np.sort(np.asarray(values, dtype=float)))
            step = float(steps[steps > 0].min()) if (steps > 0).any() else 1.0
            self.decimals = max(0, -int(np.floor(np.log10(step) + 1e-9)))
            return [self(v) for v in values]

        def __call__(self, x: float, pos: int | None = None) -> str:
            return words.number(x, lang, self.decimals if x != 0 else 0)

    return TickFormatter()


def _style_axes(ax: Axes, lang: str, xlabel: str) -> None:
    """Horizontal bars read from the side where the language starts; light grid, no box."""
    rtl = lang == "ar"
    if rtl:
        ax.invert_xaxis()
        ax.yaxis.tick_right()
        ax.yaxis.set_label_position("right")
    for side in ("top", "left" if rtl else "right"):
        ax.spines[side].set_visible(False)
    for side in ("bottom", "right" if rtl else "left"):
        ax.spines[side].set_color(colour("axis"))
    ax.xaxis.grid(True, color=_GRID, lw=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(axis="y", length=0, labelsize=11, labelcolor=INK, labelfontfamily=FONT_FAMILY, pad=6)
    ax.tick_params(axis="x", labelsize=9.5, labelcolor=MUTED, labelfontfamily=FONT_FAMILY)
    ax.xaxis.set_major_formatter(_tick_formatter(lang))
    ax.set_xlabel(xlabel, fontsize=10.5, color=MUTED, labelpad=8)


def _legend(
    fig: Figure, box: tuple[float, float, float, float], handles: list[Any], title: str, lang: str
) -> None:
    rtl = lang == "ar"
    x, y, w, h = box
    for handle in handles:
        handle.set_label(textwrap.fill(handle.get_label(), 26, break_long_words=False))
    legend = fig.legend(
        handles=handles,
        title=title,
        loc="upper right" if rtl else "upper left",
        bbox_to_anchor=(x + w if rtl else x, y + h),
        frameon=False,
        markerfirst=not rtl,
        alignment="right" if rtl else "left",
        fontsize=9.5,
        title_fontproperties={"weight": "bold", "size": 10.5},
        handlelength=1.4,
        handleheight=1.1,
        borderaxespad=0.0,
        borderpad=0.0,
        labelspacing=0.55,
    )
    legend.set_gid("legend")


def _bar_labels(ax: Axes, ys: np.ndarray, totals: np.ndarray, texts: Sequence[str], lang: str) -> None:
    """The total at the end of each bar (to its left in Arabic, where bars grow leftwards).

    The value axis is then stretched just enough for the longest label to fit in the axes.
    """
    rtl = lang == "ar"
    span = max(totals) if len(totals) and max(totals) > 0 else 1.0
    labels = []
    for y, total, text in zip(ys, totals, texts, strict=True):
        labels.append(
            ax.annotate(
                text, (total, y), xytext=(-5 if rtl else 5, 0), textcoords="offset points", va="center",
                ha="right" if rtl else "left", fontsize=9.5, color=INK, fontweight="bold", zorder=5,
                gid="bar-label", bbox=_LABEL_BOX,
            )
        )  # fmt: skip
    renderer = figure_renderer(ax.figure)
    width_px = ax.get_window_extent(renderer).width
    need = span * 1.02
    for label, total in zip(labels, totals, strict=True):
        room = width_px - label.get_window_extent(renderer).width - 12
        if room > 0:
            need = max(need, total * width_px / room)
    ax.set_xlim(need, 0) if rtl else ax.set_xlim(0, need)


def _empty(ax: Axes, lang: str) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, translate("charts.empty", lang), ha="center", va="center", fontsize=13, color=MUTED,
            transform=ax.transAxes)  # fmt: skip


def area_by_sector_chart(
    plan: Plan,
    *,
    lang: str = "fr",
    sectors: Iterable[str] | None = None,
    share: bool = False,
    communes: Iterable[str] | None = None,
    statuses: Sequence[str] | None = OFFER_STATUSES,
    table: pd.DataFrame | None = None,
    title: str | None = None,
    figsize: tuple[float, float] = CHART_SIZE,
) -> Figure:
    """Zoned area by sector in each commune, as stacked horizontal bars.

    Parameters
    ----------
    plan
        The plan.
    lang
        ``fr``, ``ar`` or ``en``.
    sectors
        Only these sectors (ids or names in any language), for instance the four offered to
        investors; all by default.
    share
        Show each commune's zoned area split in percent (every bar 100 %) instead of hectares.
    communes
        Only these communes (codes or names); all by default.
    statuses
        The plan statuses counted, as in :func:`terroffer.offer`; plans in force and plans of
        unknown status by default. The subtitle says which.
    table
        The offer, when already computed (with these ``communes`` and ``statuses``).
    title
        The title; by default "Zoned area by sector and by commune".
    figsize
        Size in inches.

    Returns
    -------
    matplotlib.figure.Figure
        One bar per commune (the largest at the top) split by sector, its total in hectares
        at its end.

    Raises
    ------
    FilterError
        When a sector is unknown (with the nearest names).
    """
    from matplotlib.patches import Patch

    keys = sector_list(sectors)
    table = _table(plan, table, communes, statuses)
    if keys is not None:
        table = table[table["sector"].isin(keys)]
    with font_context():
        fig = new_figure(figsize)
        notes = [n for n in [_missing_communes(plan, table["commune"], communes, lang)] if n]
        notes += _status_note(table, lang)
        subtitle = [_scope(statuses, lang)]
        if keys is not None:
            subtitle.append(words.join((sector_name(k, lang) for k in keys), lang))
        subtitle.append(translate("charts.area.unit_share" if share else "charts.area.unit", lang))
        default_title = "charts.area.title_offered" if keys is not None else "charts.area.title"
        ax, box = _layout(
            fig, plan, title or translate(default_title, lang), " · ".join(subtitle), notes, lang
        )
        if table.empty:
            _empty(ax, lang)
            return fig
        data = table.assign(name=_commune_label(table, lang))
        pivot = data.pivot_table(
            index="name", columns="sector", values="area_ha", aggfunc="sum", fill_value=0.0
        )
        pivot = pivot.loc[pivot.sum(axis=1).sort_values().index]  # barh draws from the bottom up
        totals = pivot.sum(axis=1).to_numpy()
        shown = pivot.div(pivot.sum(axis=1), axis=0) * 100 if share else pivot
        order = [s for s in SECTORS if s in pivot.columns]
        ys = np.arange(len(pivot))
        left = np.zeros(len(pivot))
        for sector in order:
            values = shown[sector].to_numpy()
            ax.barh(
                ys, values, left=left, height=0.68, color=sector_colour(sector), edgecolor="white", lw=0.6
            )
            left += values
        ax.set_yticks(ys, list(pivot.index))
        ax.set_ylim(-0.6, len(pivot) - 0.4)
        xlabel = translate("charts.area.xlabel_share" if share else "charts.area.xlabel", lang)
        _style_axes(ax, lang, xlabel)
        texts = [words.hectares(v * 10_000, lang, _decimals(v)) for v in totals]
        _bar_labels(ax, ys, left, texts, lang)
        handles = [Patch(facecolor=sector_colour(s), label=sector_name(s, lang)) for s in order]
        _legend(fig, box, handles, translate("charts.legend.sectors", lang), lang)
    return fig


def capacity_chart(
    plan: Plan,
    *,
    lang: str = "fr",
    communes: Iterable[str] | None = None,
    statuses: Sequence[str] | None = OFFER_STATUSES,
    table: pd.DataFrame | None = None,
    title: str | None = None,
    figsize: tuple[float, float] = CHART_SIZE,
) -> Figure:
    """The floor area the rules allow (zoned area × COS) by sector, split by zone family.

    Parameters
    ----------
    plan
        The plan.
    lang
        ``fr``, ``ar`` or ``en``.
    communes
        Only these communes (codes or names); all by default.
    statuses
        The plan statuses counted; plans in force and plans of unknown status by default.
    table
        The offer, when already computed (with these ``communes`` and ``statuses``).
    title
        The title; by default "Building capacity by sector".
    figsize
        Size in inches.

    Returns
    -------
    matplotlib.figure.Figure
        One bar per sector with a capacity, in millions of m² of floor area (in m² below a
        million). A note counts
        the zones left out because their règlement gives no COS.
    """
    from matplotlib.patches import Patch

    table = _table(plan, table, communes, statuses)
    with font_context():
        fig = new_figure(figsize)
        notes = [translate("charts.capacity.definition", lang), *_status_note(table, lang)]
        no_cos = table[table["zones_capacity_unknown"] > 0]
        if not no_cos.empty:
            by_sector = no_cos.groupby("sector")["zones_capacity_unknown"].sum()
            names = words.join((sector_name(s, lang) for s in SECTORS if s in by_sector.index), lang)
            notes.append(translate("charts.capacity.no_cos", lang, count=int(by_sector.sum()), sectors=names))
        data = table.dropna(subset=["max_floor_area_m2"])
        data = data[data["max_floor_area_m2"] > 0]
        # millions of m² for a territory, plain m² for a few plots
        total = data.groupby("sector")["max_floor_area_m2"].sum()
        millions = bool(len(total)) and float(total.max()) >= 1e6
        unit = "" if millions else "_m2"
        ax, box = _layout(
            fig,
            plan,
            title or translate("charts.capacity.title", lang),
            _scope(statuses, lang) + " · " + translate(f"charts.capacity.unit{unit}", lang),
            notes,
            lang,
        )
        if data.empty:
            _empty(ax, lang)
            return fig
        pivot = data.pivot_table(
            index="sector", columns="family", values="max_floor_area_m2", aggfunc="sum", fill_value=0.0
        ) / (1e6 if millions else 1.0)
        pivot = pivot.loc[pivot.sum(axis=1).sort_values().index]
        families = [f for f in FAMILIES if f in pivot.columns]
        ys = np.arange(len(pivot))
        left = np.zeros(len(pivot))
        for family in families:
            values = pivot[family].to_numpy()
            ax.barh(
                ys, values, left=left, height=0.62, color=family_colour(family), edgecolor="white", lw=0.6
            )
            left += values
        ax.set_yticks(ys, [sector_name(s, lang) for s in pivot.index])
        ax.set_ylim(-0.6, len(pivot) - 0.4)
        _style_axes(ax, lang, translate(f"charts.capacity.xlabel{unit}", lang))
        if millions:
            texts = [translate("charts.million_m2", lang, value=words.number(v, lang, 1)) for v in left]
        else:
            texts = [words.area(v, lang, 0) for v in left]
        _bar_labels(ax, ys, left, texts, lang)
        handles = [Patch(facecolor=family_colour(f), label=family_name(f, lang)) for f in families]
        _legend(fig, box, handles, translate("charts.legend.families", lang), lang)
    return fig


def per_inhabitant_chart(
    plan: Plan,
    *,
    sector: str = "housing",
    lang: str = "fr",
    communes: Iterable[str] | None = None,
    statuses: Sequence[str] | None = OFFER_STATUSES,
    table: pd.DataFrame | None = None,
    title: str | None = None,
    figsize: tuple[float, float] = CHART_SIZE,
) -> Figure:
    """The offer against population: m² of a sector's zones per inhabitant, by commune.

    Parameters
    ----------
    plan
        The plan; populations come from its communes (2024 census).
    sector
        The sector (id or name in any language); housing by default.
    lang
        ``fr``, ``ar`` or ``en``.
    communes
        Only these communes (codes or names); all by default.
    statuses
        The plan statuses counted; plans in force and plans of unknown status by default.
    table
        The offer, when already computed (with these ``communes`` and ``statuses``).
    title
        The title; by default "<sector>: zoned m² per inhabitant".
    figsize
        Size in inches.

    Returns
    -------
    matplotlib.figure.Figure
        One bar per commune split by the sector's zone families, with a dashed line at the
        value of all the communes shown together.

    Raises
    ------
    FilterError
        When the sector is unknown (with the nearest names).
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if not isinstance(sector, str):
        raise TypeError("per_inhabitant_chart draws one sector: give its id or name as a string")
    (key,) = sector_list(sector) or [sector]
    table = _table(plan, table, communes, statuses)
    rows = table[table["sector"] == key]
    pop = pd.to_numeric(rows["population_2024"], errors="coerce")
    no_pop = rows[pop.isna() | (pop <= 0)]
    rows = rows[pop.notna() & (pop > 0)]
    with font_context():
        fig = new_figure(figsize)
        notes = [translate("charts.per_inhabitant.definition", lang), *_status_note(rows, lang)]
        missing = _missing_communes(plan, rows["commune"], communes, lang)
        if missing:
            notes.append(missing)
        if not no_pop.empty:
            names = sorted(set(_commune_label(no_pop, lang)))
            notes.append(
                translate("charts.per_inhabitant.no_population", lang, communes=words.join(names, lang))
            )
        sname = sector_name(key, lang)
        ax, box = _layout(
            fig,
            plan,
            title or translate("charts.per_inhabitant.title", lang, sector=sname),
            _scope(statuses, lang) + " · " + translate("charts.per_inhabitant.unit", lang),
            notes,
            lang,
        )
        if rows.empty:
            _empty(ax, lang)
            return fig
        data = rows.assign(name=_commune_label(rows, lang), m2=rows["area_ha"] * 10_000)
        area = data.pivot_table(index="name", columns="family", values="m2", aggfunc="sum", fill_value=0.0)
        people = data.groupby("name")["population_2024"].first().astype("float64")
        per = area.div(people, axis=0)
        per = per.loc[per.sum(axis=1).sort_values().index]
        families = [f for f in FAMILIES if f in per.columns]
        ys = np.arange(len(per))
        left = np.zeros(len(per))
        for family in families:
            values = per[family].to_numpy()
            ax.barh(
                ys, values, left=left, height=0.68, color=family_colour(family), edgecolor="white", lw=0.6
            )
            left += values
        ax.set_yticks(ys, list(per.index))
        ax.set_ylim(-0.6, len(per) - 0.4)
        _style_axes(ax, lang, translate("charts.per_inhabitant.xlabel", lang))
        texts = [
            translate("charts.m2_per_inhabitant", lang, value=words.number(v, lang, _decimals(v)))
            for v in left
        ]
        _bar_labels(ax, ys, left, texts, lang)
        overall = float(area.to_numpy().sum() / people.sum())
        ax.axvline(overall, color=INK, lw=1.2, ls=(0, (5, 3)), zorder=3)
        average = translate(
            "charts.per_inhabitant.overall", lang, value=words.number(overall, lang, _decimals(overall))
        )
        handles: list[Any] = [Patch(facecolor=family_colour(f), label=family_name(f, lang)) for f in families]
        handles.append(Line2D([], [], color=INK, lw=1.2, ls=(0, (5, 3)), label=average))
        _legend(fig, box, handles, translate("charts.legend.families", lang), lang)
    return fig
