"""Tables and text for people: the offer, the search and a look-up, in Arabic, French or English.

Column headers and category names come from the catalogues; numbers are rounded to
what a reader needs. The data frames of :func:`terroffer.offer` stay untouched.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from terroffer._lookup import Lookup
from terroffer.reference import FAMILIES, RESERVATION_KINDS, SECTORS, name_of, translate

__all__ = ["lookup_text", "offer_table", "search_table", "write_table"]

_OFFER_HEADERS = {
    "commune": "col.commune",
    "sector": "col.sector",
    "family": "col.family",
    "zones": "col.zones",
    "area_ha": "col.area_ha",
    "share_of_commune": "col.share_of_commune",
    "max_floor_area_m2": "col.max_floor_area_m2",
    "zones_without_cos": "col.zones_without_cos",
    "population_2024": "col.population_2024",
    "area_m2_per_inhabitant": "col.area_m2_per_inhabitant",
}


def offer_table(offer: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """The offer with names in ``lang`` and headers from the catalogue."""
    name_col = "commune_ar" if lang == "ar" else "commune_fr"
    out = offer.copy()
    out["commune"] = out[name_col].fillna(out["commune"])
    out["sector"] = out["sector"].map(lambda s: name_of(SECTORS, s, lang))
    out["family"] = out["family"].map(lambda f: name_of(FAMILIES, f, lang))
    out["area_ha"] = out["area_ha"].round(2)
    out["share_of_commune"] = (out["share_of_commune"] * 100).round(2)
    out["max_floor_area_m2"] = out["max_floor_area_m2"].round(0)
    out["area_m2_per_inhabitant"] = out["area_m2_per_inhabitant"].round(1)
    out = out[list(_OFFER_HEADERS)]
    return out.rename(columns={k: translate(v, lang) for k, v in _OFFER_HEADERS.items()})


def search_table(found: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """Search results for a terminal: the columns an investor reads first."""
    label = "label_ar" if lang == "ar" else "label_fr"
    out = pd.DataFrame(
        {
            translate("col.zone_id", lang): found["zone_id"],
            translate("col.zone", lang): found["zone_code"],
            translate("col.label", lang): found[label],
            translate("col.plan", lang): found["plan_id"],
            translate("col.status", lang): found["plan_status"].map(lambda s: translate(f"status.{s}", lang)),
            translate("col.usable_m2", lang): found["usable_area_m2"].round(0),
            translate("col.max_floor_area_m2", lang): found["max_floor_area_m2"].astype("float64").round(0),
            translate("col.floors", lang): found["max_floors"],
            translate("col.conditional", lang): found["conditional"].map(
                lambda c: translate("word.yes" if c else "word.no", lang)
            ),
        }
    )
    return out


def write_table(table: pd.DataFrame, fmt: str, out: str | None, *, lang: str = "fr") -> str | None:
    """Write ``table`` as table/csv/json/xlsx to ``out``, or return it as text when ``out`` is None."""
    if fmt == "xlsx":
        assert out is not None
        table.to_excel(out, index=False, sheet_name=translate("col.sheet_offer", lang)[:31])
        return None
    if fmt == "csv":
        text = table.to_csv(index=False)
    elif fmt == "json":
        text = json.dumps(
            table.to_dict(orient="records"), ensure_ascii=False, indent=2, default=_json_default
        )
    else:
        text = table.to_string(index=False)
    if out is None:
        return text
    Path(out).write_text(text, encoding="utf-8")
    return None


def _json_default(value: Any) -> Any:
    if pd.isna(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def _m2(value: float | None, lang: str) -> str:
    if value is None:
        return translate("word.unknown", lang)
    return f"{value:,.0f} m²".replace(",", " ") if lang == "fr" else f"{value:,.0f} m²"


def lookup_text(result: Lookup, lang: str = "fr") -> str:
    """A look-up as a short text for a terminal."""
    t = lambda key, **kw: translate(key, lang, **kw)  # noqa: E731
    lines = []
    if result.is_point:
        lines.append(t("text.point"))
    else:
        lines.append(t("text.plot_area", area=_m2(result.plot_area_m2, lang)))
    if result.commune:
        name = result.commune.get("name_ar" if lang == "ar" else "name_fr") or result.commune.get("code")
        lines.append(t("text.commune", name=name))
    for p in result.plans:
        name = (p.name_ar if lang == "ar" else p.name_fr) or p.plan_id
        status = t(f"status.{p.status}") if p.status else t("status.unknown")
        lines.append(t("text.plan", name=name, status=status, ref=p.approval_ref or "-"))
    for z in result.zones:
        label = (z.label_ar if lang == "ar" else z.label_fr) or name_of(FAMILIES, z.family, lang)
        rules = z.rules or {}
        lines.append(
            t(
                "text.zone_point" if result.is_point else "text.zone",
                code=z.zone_code,
                label=label,
                area=_m2(None if result.is_point else z.area_m2, lang),
                share=f"{z.share * 100:.1f}",
                cos=_fmt(rules.get("cos"), lang),
                ces=_fmt(rules.get("ces"), lang),
                floors=_fmt(rules.get("max_floors"), lang),
                height=_fmt(rules.get("max_height_m"), lang),
            )
        )
    for r in result.reservations:
        kind = name_of(RESERVATION_KINDS, r.kind, lang)
        label = (r.label_ar if lang == "ar" else r.label_fr) or kind
        lines.append(
            t("text.reservation", label=label, area=_m2(r.area_m2, lang), share=f"{r.share * 100:.1f}")
        )
    if not result.is_point:
        lines.append(t("text.net_area", area=_m2(result.net_area_m2, lang)))
        if result.capacity is not None:
            c = result.capacity
            lines.append(
                t(
                    "text.capacity",
                    footprint=_m2(c.max_footprint_m2, lang),
                    floor_area=_m2(c.max_floor_area_m2, lang),
                    floors=_fmt(c.max_floors, lang),
                    height=_fmt(c.max_height_m, lang),
                )
            )
    if result.nearest:
        lines.append(
            t("text.nearest", distance=f"{result.nearest['distance_m']:,.0f}", plan=result.nearest["plan_id"])
        )
    lines.extend("! " + w.message(lang) for w in result.warnings)
    return "\n".join(lines)


def _fmt(value: Any, lang: str) -> str:
    if value is None:
        return translate("word.unknown", lang)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
