"""The territorial offer and the investor search: pure computation over a plan.

:func:`offer` answers the planner's question (how much land each commune opens to each
sector, under which density); :func:`search` the investor's (where may I build a small
hotel of at least 5,000 m²?). Both return DataFrames; nothing here draws.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import shapely

from terroffer.index import plan_in_force, plan_index
from terroffer.model import Plan
from terroffer.reference import normalize_key, query_family, query_sector, query_use

__all__ = ["OFFER_COLUMNS", "offer", "search"]

OFFER_COLUMNS = (
    "commune",
    "commune_fr",
    "commune_ar",
    "sector",
    "family",
    "zones",
    "area_ha",
    "share_of_commune",
    "max_floor_area_m2",
    "zones_without_cos",
    "population_2024",
    "area_m2_per_inhabitant",
)


def _commune_codes(plan: Plan, names: Iterable[str] | None) -> set[str] | None:
    """Commune codes for codes or names in French or Arabic, forgiving of case and accents."""
    if names is None:
        return None
    wanted = {normalize_key(n) for n in names}
    communes = plan.communes
    found = set()
    for code, fr, ar in zip(communes["code"], communes["name_fr"], communes["name_ar"], strict=True):
        if {normalize_key(code), normalize_key(fr), normalize_key(ar)} & wanted:
            found.add(str(code))
    # zones may name communes the communes layer does not hold
    for code in plan.zones["commune"].dropna().unique():
        if normalize_key(code) in wanted:
            found.add(str(code))
    return found


def _keys(values: Iterable[str] | None, query) -> set[str] | None:  # type: ignore[no-untyped-def]
    if values is None:
        return None
    out = set()
    for v in values:
        key = query(v)
        if key is None:
            raise ValueError(f"unknown name {v!r}")
        out.add(key)
    return out


def _zone_table(plan: Plan) -> pd.DataFrame:
    """One row per zone with what the offer sums, built once per plan and kept with it.

    Keys are categoricals so that grouping 100,000 zones stays in the milliseconds.
    """
    cached = plan._cache.get("zone_table")
    if cached is not None:
        return cached
    zones = plan.zones
    table = pd.DataFrame(
        {
            "plan_id": zones["plan_id"].array,
            "zone_code": zones["zone_code"].array,
            "area_m2": shapely.area(np.asarray(zones.geometry.array, dtype=object)),
        }
    )
    table["commune"] = zones["commune"].fillna("?").astype("category").array
    table["sector"] = zones["sector"].astype("category").array
    table["family"] = zones["family"].astype("category").array
    table["status"] = table["plan_id"].map(plan.plans.set_index("plan_id")["status"]).astype("category")
    cos = plan.rules[["plan_id", "zone_code", "cos"]]
    table = table.merge(cos, on=["plan_id", "zone_code"], how="left", sort=False)
    table["floor_m2"] = table["area_m2"] * table["cos"]
    table["no_cos"] = table["cos"].isna()
    plan._cache["zone_table"] = table
    return table


def _zone_mask(
    plan: Plan,
    table: pd.DataFrame,
    *,
    statuses: Sequence[str] | None = None,
    communes: Iterable[str] | None = None,
    sectors: Iterable[str] | None = None,
    families: Iterable[str] | None = None,
) -> np.ndarray:
    """Rows of the zone table kept by the filters the offer and the search share."""
    keep = np.ones(len(table), dtype=bool)
    if statuses is not None:
        keep &= table["status"].isin(list(statuses)).to_numpy()
    codes = _commune_codes(plan, communes)
    if codes is not None:
        keep &= table["commune"].isin(codes).to_numpy()
    for column, names, query in (("sector", sectors, query_sector), ("family", families, query_family)):
        wanted = _keys(names, query)
        if wanted is not None:
            keep &= table[column].isin(wanted).to_numpy()
    return keep


def offer(
    plan: Plan,
    *,
    communes: Iterable[str] | None = None,
    sectors: Iterable[str] | None = None,
    families: Iterable[str] | None = None,
    statuses: Sequence[str] | None = ("approved",),
) -> pd.DataFrame:
    """The offer by commune × sector × family.

    Parameters
    ----------
    plan
        A loaded plan.
    communes, sectors, families
        Keep only these (codes or names in any language); all by default.
    statuses
        Plan statuses to count (``None`` for every plan, whatever its status).

    Returns
    -------
    pandas.DataFrame
        One row per commune, sector and family, with the columns of
        :data:`OFFER_COLUMNS`: number of zones, zoned area (ha), share of the commune's
        area, the floor area the rules allow (area × COS, over the zones whose COS is
        known; ``zones_without_cos`` counts the others, and is 0 when all are known),
        the commune's 2024 population and the zoned m² per inhabitant.
    """
    zones = _zone_table(plan)
    keep = _zone_mask(plan, zones, statuses=statuses, communes=communes, sectors=sectors, families=families)
    groups = zones[keep].groupby(["commune", "sector", "family"], observed=True, sort=True)
    grouped = groups.agg(
        zones=("zone_code", "size"),
        area_m2=("area_m2", "sum"),
        zones_without_cos=("no_cos", "sum"),
    )
    grouped["max_floor_area_m2"] = groups["floor_m2"].sum(min_count=1)
    grouped = grouped.reset_index()
    for col in ("commune", "sector", "family"):
        grouped[col] = grouped[col].astype("str")
    com = plan.communes
    info = pd.DataFrame(
        {
            "commune": com["code"].to_numpy(),
            "commune_fr": com["name_fr"].to_numpy(),
            "commune_ar": com["name_ar"].to_numpy(),
            "commune_area_m2": shapely.area(np.asarray(com.geometry.array, dtype=object)),
            "population_2024": com["population_2024"].to_numpy(),
        }
    )
    out = grouped.merge(info, on="commune", how="left")
    out["area_ha"] = out["area_m2"] / 10_000
    out["share_of_commune"] = out["area_m2"] / out["commune_area_m2"]
    pop = pd.to_numeric(out["population_2024"], errors="coerce").astype("float64")
    out["area_m2_per_inhabitant"] = out["area_m2"] / pop.where(pop > 0)
    out["zones_without_cos"] = out["zones_without_cos"].astype("int64")
    return out[list(OFFER_COLUMNS)].reset_index(drop=True)


def search(
    plan: Plan,
    *,
    use: str,
    min_area_m2: float | None = None,
    communes: Iterable[str] | None = None,
    sectors: Iterable[str] | None = None,
    floors: int | None = None,
    max_floors: int | None = None,
    include_conditional: bool = True,
    statuses: Sequence[str] | None = ("approved", "under_study"),
    limit: int | None = None,
) -> pd.DataFrame:
    """Zones whose rules allow ``use``, ranked for an investor.

    Parameters
    ----------
    use
        A use from the catalogue, by code or by name in any language (``"hotel"``,
        ``"Hôtel"``, ``"فندق"``).
    min_area_m2
        Keep zones whose usable area (zone area less the reservations crossing it) is
        at least this.
    communes, sectors
        Keep only these (codes or names).
    floors
        Floors the project needs (ground floor included): zones that allow fewer are
        left out; zones whose floors are unknown are kept.
    max_floors
        Keep only zones that allow at most this many floors (low-rise areas).
    include_conditional
        Also return zones where the use needs a commission's review (flagged).
    statuses
        Plan statuses to search (drafts are kept but ranked after plans in force).
    limit
        At most this many rows.

    Returns
    -------
    pandas.DataFrame
        One row per zone: ``zone_id`` (the row of ``plan.zones``, for a map to zoom to),
        code, family, sector, commune, plan and its status, ``in_force``, ``conditional``,
        ``area_m2``, ``reserved_m2``, ``usable_area_m2``, the rules (COS, CES, floors,
        height, minimum lot) and ``max_floor_area_m2`` (usable area × COS). Plans in force
        come first, then the largest usable area.

    Raises
    ------
    ValueError
        When ``use`` is not in the catalogue.
    """
    code = query_use(use)
    if code is None:
        raise ValueError(f"unknown use {use!r}: see terroffer.reference.USES")
    idx = plan_index(plan)
    allowed: dict[tuple[str, str], bool] = {}
    for key, rule in idx.rules.items():
        if code in (rule.get("allowed_uses") or ()):
            allowed[key] = False
        elif include_conditional and code in (rule.get("conditional_uses") or ()):
            allowed[key] = True
        if key in allowed and not _floors_fit(rule.get("max_floors"), floors, max_floors):
            del allowed[key]
    zones = plan.zones
    keys = list(zip(zones["plan_id"].astype(str), zones["zone_code"].astype(str), strict=True))
    hit = np.array([k in allowed for k in keys], dtype=bool)
    hit &= _zone_mask(plan, _zone_table(plan), statuses=statuses, communes=communes, sectors=sectors)
    ids = np.flatnonzero(hit)
    reserved = _reserved_area(idx, ids)
    rows = []
    for zid, res_m2 in zip(ids, reserved, strict=True):
        key = keys[zid]
        rule = idx.rules[key]
        info = idx.plans.get(key[0], {})
        area = float(idx.zone_area[zid])
        usable = max(area - res_m2, 0.0)
        cos = rule.get("cos")
        rows.append(
            {
                "zone_id": int(zid),
                "zone_code": key[1],
                "family": zones["family"].iat[zid],
                "sector": zones["sector"].iat[zid],
                "commune": zones["commune"].iat[zid],
                "label_fr": zones["label_fr"].iat[zid],
                "label_ar": zones["label_ar"].iat[zid],
                "plan_id": key[0],
                "plan_status": info.get("status"),
                "in_force": plan_in_force(info),
                "conditional": allowed[key],
                "area_m2": area,
                "reserved_m2": res_m2,
                "usable_area_m2": usable,
                "cos": cos,
                "ces": rule.get("ces"),
                "max_floors": rule.get("max_floors"),
                "max_height_m": rule.get("max_height_m"),
                "min_lot_m2": rule.get("min_lot_m2"),
                "max_floor_area_m2": usable * cos if cos is not None else None,
            }
        )
    out = pd.DataFrame(rows, columns=_SEARCH_COLUMNS)
    if min_area_m2 is not None:
        out = out[out["usable_area_m2"] >= min_area_m2]
    out = out.sort_values(["in_force", "usable_area_m2"], ascending=[False, False], ignore_index=True)
    return out.head(limit) if limit is not None else out


_SEARCH_COLUMNS = [
    "zone_id",
    "zone_code",
    "family",
    "sector",
    "commune",
    "label_fr",
    "label_ar",
    "plan_id",
    "plan_status",
    "in_force",
    "conditional",
    "area_m2",
    "reserved_m2",
    "usable_area_m2",
    "cos",
    "ces",
    "max_floors",
    "max_height_m",
    "min_lot_m2",
    "max_floor_area_m2",
]


def _floors_fit(allowed: int | None, needed: int | None, at_most: int | None) -> bool:
    """Whether a zone allowing ``allowed`` floors fits a project (unknown floors fit a need)."""
    if needed is not None and allowed is not None and allowed < needed:
        return False
    return at_most is None or (allowed is not None and allowed <= at_most)


def _reserved_area(idx, ids: np.ndarray) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Area of each zone in ``ids`` covered by reservations (their union, so overlaps count once)."""
    out = np.zeros(len(ids))
    if not len(ids) or not len(idx.reservation_geoms):
        return out
    zone_pos, res_pos = idx.reservation_tree.query(idx.zone_geoms[ids], predicate="intersects")
    for i in np.unique(zone_pos):
        parts = idx.reservation_geoms[res_pos[zone_pos == i]]
        covered = shapely.intersection(idx.zone_geoms[ids[i]], shapely.union_all(parts))
        out[i] = shapely.area(covered)
    return out
