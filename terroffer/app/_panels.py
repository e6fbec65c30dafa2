"""The explorer's HTML fragments that are not the rules panel: look-up summary, offer table, bars.

Pure functions of library results and a language; they format numbers with
:mod:`terroffer.words` and take every word from the catalogues.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from terroffer import words
from terroffer.model import Plan
from terroffer.reference import RESERVATION_KINDS, name_of, translate
from terroffer.render.style import colour, sector_colour, sector_name, text_direction

__all__ = ["lookup_html", "offer_by_sector", "offer_html", "result_label", "wrap"]


def _t(key: str, lang: str, **params: Any) -> str:
    return html.escape(translate(key, lang, **params))


def wrap(body: str, lang: str, css: str = "") -> str:
    """``body`` in a block with the language's direction."""
    return f'<div class="terroffer-panel {css}" dir="{text_direction(lang)}" lang="{lang}">{body}</div>'


def _name(row: dict[str, Any] | Any, base: str, lang: str) -> str:
    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k, None)
    value = get(f"{base}_ar") if lang == "ar" else None
    value = value or get(f"{base}_fr")
    return str(value) if isinstance(value, str) and value else ""


def result_label(row: Any, lang: str) -> str:
    """One line of the result list: code, label, commune, usable area and capacity."""
    parts = [words.isolate(str(row.zone_code), lang)]
    label = _name(row, "label", lang)
    if label:
        parts.append(label)
    commune = _name(row, "commune", lang)
    if commune:
        parts.append(commune)
    parts.append(words.hectares(float(row.usable_area_m2), lang))
    if isinstance(row.max_floor_area_m2, float) and row.max_floor_area_m2 == row.max_floor_area_m2:
        parts.append(translate("explorer.result_floor_area", lang, x=float(row.max_floor_area_m2)))
    if row.plan_status != "approved":
        parts.append(translate(f"status.{row.plan_status}", lang))
    if row.conditional:
        parts.append(translate("explorer.result_conditional", lang))
    return translate("explorer.result_sep", lang).join(parts)


def offer_by_sector(offer: pd.DataFrame) -> pd.DataFrame:
    """The offer summed per sector, largest area first (zones, ha, floor area)."""
    if offer.empty:
        return pd.DataFrame(columns=["sector", "zones", "area_ha", "max_floor_area_m2"])
    table = (
        offer.groupby("sector", as_index=False, observed=True)
        .agg(
            zones=("zones", "sum"),
            area_ha=("area_ha", "sum"),
            max_floor_area_m2=("max_floor_area_m2", lambda s: s.sum(min_count=1)),
        )
        .sort_values("area_ha", ascending=False, ignore_index=True)
    )
    return table


def offer_html(by_sector: pd.DataFrame, lang: str, scope: str) -> str:
    """The offer table with a bar per sector (the chart), in ``lang``."""
    if by_sector.empty:
        return wrap(f"<p>{_t('explorer.offer_empty', lang)}</p>", lang, "terroffer-offer")
    top = float(by_sector["area_ha"].max()) or 1.0
    rows = []
    for row in by_sector.itertuples():
        share = 100.0 * float(row.area_ha) / top
        bar = (
            f'<span class="terroffer-bar" style="width:{share:.1f}%;background:{sector_colour(row.sector)}">'
            "</span>"
        )
        floor = "—" if pd.isna(row.max_floor_area_m2) else words.area(float(row.max_floor_area_m2), lang)
        rows.append(
            f"<tr><td>{html.escape(sector_name(row.sector, lang))}</td>"
            f"<td class='terroffer-num'>{words.number(int(row.zones), lang)}</td>"
            f"<td class='terroffer-num'>{words.hectares(float(row.area_ha) * 10_000, lang)}</td>"
            f"<td class='terroffer-bar-cell'>{bar}</td>"
            f"<td class='terroffer-num'>{html.escape(floor)}</td></tr>"
        )
    head = (
        f"<tr><th>{_t('explorer.col_sector', lang)}</th><th>{_t('explorer.col_zones', lang)}</th>"
        f"<th>{_t('explorer.col_area', lang)}</th><th></th>"
        f"<th>{_t('explorer.col_floor_area', lang)}</th></tr>"
    )
    body = (
        f"<h3>{_t('explorer.offer_heading', lang)}</h3><p class='terroffer-scope'>{html.escape(scope)}</p>"
        f"<table class='terroffer-table'>{head}{''.join(rows)}</table>"
    )
    return wrap(body, lang, "terroffer-offer")


def lookup_html(result: Any, plan: Plan, lang: str) -> str:
    """What a look-up found, in short: commune, zones, reservations, net area, capacity, warnings."""
    e = html.escape
    out = []
    commune = result.commune
    if commune:
        out.append(f"<p><b>{_t('explorer.lookup_commune', lang)}</b> {e(_name(commune, 'name', lang))}</p>")
    if not result.is_point:
        out.append(f"<p>{_t('explorer.lookup_plot_area', lang, x=float(result.plot_area_m2))}</p>")
    if result.zones:
        items = []
        for z in result.zones:
            label = _name(z, "label", lang)
            share = "" if result.is_point else f" — {words.share(z.share, lang)}"
            items.append(f"<li>{e(words.isolate(z.zone_code, lang))} {e(label)}{e(share)}</li>")
        out.append(f"<p><b>{_t('explorer.lookup_zones', lang)}</b></p><ul>{''.join(items)}</ul>")
    else:
        out.append(f"<p class='terroffer-warn'>{_t('explorer.lookup_no_zone', lang)}</p>")
    if result.reservations:
        items = []
        for r in result.reservations:
            kind = name_of(RESERVATION_KINDS, r.kind, lang) if r.kind in RESERVATION_KINDS else r.kind
            area = "" if result.is_point else f" — {words.area(r.area_m2, lang)}"
            items.append(f"<li>{e(kind)}{e(area)}</li>")
        out.append(f"<p><b>{_t('explorer.lookup_reservations', lang)}</b></p><ul>{''.join(items)}</ul>")
    if not result.is_point:
        out.append(f"<p>{_t('explorer.lookup_net_area', lang, x=float(result.net_area_m2))}</p>")
        cap = result.capacity
        if cap is not None and cap.max_floor_area_m2 is not None:
            key = "explorer.lookup_capacity_partial" if cap.partial else "explorer.lookup_capacity"
            out.append(f"<p><b>{_t(key, lang, x=float(cap.max_floor_area_m2))}</b></p>")
            if cap.max_footprint_m2 is not None:
                out.append(f"<p>{_t('explorer.lookup_footprint', lang, x=float(cap.max_footprint_m2))}</p>")
        else:
            out.append(f"<p class='terroffer-warn'>{_t('explorer.lookup_capacity_unknown', lang)}</p>")
    for notice in result.warnings:
        out.append(f"<p class='terroffer-warn'>{e(notice.message(lang))}</p>")
    return wrap("".join(out), lang, "terroffer-lookup-result")


def error_html(message: str, lang: str) -> str:
    """A refused input, in one line, in the warning colour."""
    return wrap(
        f"<p class='terroffer-error' style='color:{colour('warning_ink')}'>{html.escape(message)}</p>", lang
    )
