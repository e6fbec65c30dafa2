"""The territorial offer and the investor search: pure computation over a plan.

:func:`offer` answers the planner's question (how much land each commune opens to each
sector, under which density); :func:`search` the investor's (where may I build a small
hotel of at least 5,000 m²?). Both return DataFrames; nothing here draws.

Zones are chosen by the one zone filter (:func:`terroffer.selection.select_zones`) and
their floor area by the one capacity rule (:func:`terroffer.capacity.capacity`) on the
zone's net area (less its reservations), the same as the plot look-up's: a zone's number
here is the look-up's number for the whole zone.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import shapely

from terroffer.capacity import capacity
from terroffer.errors import OptionError
from terroffer.index import plan_in_force, plan_index, zone_rule_positions
from terroffer.model import Plan
from terroffer.reference import BUILDABLE_SECTORS
from terroffer.selection import (
    OFFER_STATUSES,
    SEARCH_STATUSES,
    STATUS_UNKNOWN,
    resolve_use,
    select_zones,
    zone_statuses,
)

__all__ = ["OFFER_COLUMNS", "SEARCH_COLUMNS", "offer", "search", "zone_reserved_area"]

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
    "zones_capacity_unknown",
    "zones_status_unknown",
    "population_2024",
    "area_m2_per_inhabitant",
)


def _zone_table(plan: Plan) -> pd.DataFrame:
    """One row per zone (in ``plan.zones`` order) with what the offer sums, kept with the plan.

    Keys are categoricals so that grouping 100,000 zones stays in the milliseconds.
    """
    cached = plan._cache.get("zone_table")
    if cached is not None:
        return cached
    zones = plan.zones
    table = pd.DataFrame(
        {
            "plan_id": zones["plan_id"].astype(str).array,
            "zone_code": zones["zone_code"].astype(str).array,
            "area_m2": shapely.area(np.asarray(zones.geometry.array, dtype=object)),
        }
    )
    # a zone outside every commune (a plan without commune boundaries) is kept under the dash
    # every table writes for an unknown, not dropped by the grouping nor shown as "?"
    table["commune"] = zones["commune"].fillna("—").astype("category").array
    table["sector"] = zones["sector"].astype("category").array
    table["family"] = zones["family"].astype("category").array
    table["status"] = pd.Categorical(zone_statuses(plan))
    rules = plan.rules[["plan_id", "zone_code", "cos", "ces", "max_floors"]].astype(
        {"plan_id": str, "zone_code": str}
    )
    # the look-up's rules index keeps the last row of a duplicated (plan, zone): so does the offer,
    # so that both give one number (validate reports the duplicate)
    rules = rules.drop_duplicates(["plan_id", "zone_code"], keep="last")
    table = table.merge(rules, on=["plan_id", "zone_code"], how="left", sort=False)
    # the capacity rule works on the net area (docs/data-model.md), as the look-up and the search
    # do: the roads and public sites reserved across a zone are not the owners' to build on
    reserved = zone_reserved_area(plan)
    table["net_m2"] = np.maximum(table["area_m2"].to_numpy() - reserved, 0.0)
    built = capacity(
        table["net_m2"].to_numpy(),
        table["cos"].to_numpy(dtype=object),
        table["ces"].to_numpy(dtype=object),
        table["max_floors"].to_numpy(dtype=object),
        buildable=table["sector"].isin(BUILDABLE_SECTORS).to_numpy(dtype=bool),
    )
    table["floor_m2"] = built.floor_area_m2
    table["capacity_unknown"] = np.isnan(built.floor_area_m2)
    table["status_unknown"] = (table["status"] == STATUS_UNKNOWN).to_numpy(dtype=bool)
    plan._cache["zone_table"] = table
    return table


def offer(
    plan: Plan,
    *,
    communes: str | Iterable[str] | None = None,
    sectors: str | Iterable[str] | None = None,
    families: str | Iterable[str] | None = None,
    statuses: str | Sequence[str] | None = OFFER_STATUSES,
) -> pd.DataFrame:
    """The offer by commune × sector × family.

    Parameters
    ----------
    plan
        A loaded plan.
    communes, sectors, families
        Keep only these (codes or names in any language; one string is one name); all by default.
    statuses
        Plan statuses to count: plans in force and plans whose status the source does not
        give (``"unknown"``) by default; ``None`` for every plan, whatever its status.

    Returns
    -------
    pandas.DataFrame
        One row per commune, sector and family, with the columns of
        :data:`OFFER_COLUMNS`: number of zones, zoned area (ha), share of the commune's
        area, the floor area the rules allow (:func:`terroffer.capacity.capacity` on each
        zone's net area, the zone less the reservations crossing it: the smaller of
        net × COS and net × CES × floors, 0 in a sector that is not buildable), summed
        over the zones whose capacity is known
        (``zones_capacity_unknown`` counts the others; NaN when none is known),
        ``zones_status_unknown`` the zones of plans whose status is unknown, the commune's
        2024 population and the zoned m² per inhabitant.

    Raises
    ------
    FilterError
        A commune, sector, family or status that matches nothing, with the nearest names.
    """
    zones = _zone_table(plan)
    keep = select_zones(plan, statuses=statuses, communes=communes, sectors=sectors, families=families)
    # only the columns summed: the zone table's text columns would make the selection 4 times dearer
    summed = ["commune", "sector", "family", "area_m2", "floor_m2", "capacity_unknown", "status_unknown"]
    groups = zones[summed][keep].groupby(["commune", "sector", "family"], observed=True, sort=True)
    grouped = groups.agg(
        zones=("area_m2", "size"),
        area_m2=("area_m2", "sum"),
        zones_capacity_unknown=("capacity_unknown", "sum"),
        zones_status_unknown=("status_unknown", "sum"),
    )
    grouped["max_floor_area_m2"] = groups["floor_m2"].sum(min_count=1)
    grouped = grouped.reset_index()
    for col in ("commune", "sector", "family"):
        grouped[col] = grouped[col].astype("str")
    com = plan.communes
    info = pd.DataFrame(
        {
            "commune": com["code"].astype(str).to_numpy(),
            "commune_fr": com["name_fr"].to_numpy(),
            "commune_ar": com["name_ar"].to_numpy(),
            "commune_area_m2": shapely.area(np.asarray(com.geometry.array, dtype=object)),
            "population_2024": com["population_2024"].to_numpy(),
        }
    ).drop_duplicates("commune")
    out = grouped.merge(info, on="commune", how="left")
    out["area_ha"] = out["area_m2"] / 10_000
    out["share_of_commune"] = out["area_m2"] / out["commune_area_m2"]
    pop = pd.to_numeric(out["population_2024"], errors="coerce").astype("float64")
    out["area_m2_per_inhabitant"] = out["area_m2"] / pop.where(pop > 0)
    for col in ("zones_capacity_unknown", "zones_status_unknown"):
        out[col] = out[col].astype("int64")
    return out[list(OFFER_COLUMNS)].reset_index(drop=True)


def _check_options(
    min_area_m2: float | None, floors: int | None, max_floors: int | None, limit: int | None
) -> None:
    """Refuse option values no answer can honour (NaN, negative areas, zero rows, -1 floors)."""
    if min_area_m2 is not None and (
        not isinstance(min_area_m2, (int, float)) or not math.isfinite(min_area_m2) or min_area_m2 < 0
    ):
        raise OptionError("error.option_not_positive", "min_area_m2", value=str(min_area_m2))
    for name, value in (("floors", floors), ("max_floors", max_floors), ("limit", limit)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1
        ):
            raise OptionError("error.option_not_count", name, value=str(value))


def search(
    plan: Plan,
    *,
    use: str,
    min_area_m2: float | None = None,
    communes: str | Iterable[str] | None = None,
    sectors: str | Iterable[str] | None = None,
    floors: int | None = None,
    max_floors: int | None = None,
    include_conditional: bool = True,
    statuses: str | Sequence[str] | None = SEARCH_STATUSES,
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
        at least this (a finite number, 0 or more).
    communes, sectors
        Keep only these (codes or names; one string is one name).
    floors
        Floors the project needs (ground floor included, 1 or more): zones that allow
        fewer are left out; zones whose floors are unknown are kept.
    max_floors
        Keep only zones that allow at most this many floors (low-rise areas).
    include_conditional
        Also return zones where the use needs a commission's review (flagged).
    statuses
        Plan statuses to search: approved, under study (ranked after plans in force) and
        unknown by default.
    limit
        At most this many rows (1 or more); ``found.attrs["total"]`` keeps how many
        zones matched before the cut.

    Returns
    -------
    pandas.DataFrame
        One row per zone (columns :data:`SEARCH_COLUMNS`): ``zone_id`` (the row of
        ``plan.zones``, for a map to zoom to), code, family, sector, commune (code and
        names), plan (id, names) and its status, ``in_force``, ``conditional``,
        ``area_m2``, ``reserved_m2``, ``usable_area_m2``, the rules (COS, CES, floors,
        height, minimum lot) and ``max_floor_area_m2`` (the capacity rule on the usable
        area). Plans in force come first, then the largest usable area.
        ``attrs["total"]`` is the number of zones found before ``limit``.

    Raises
    ------
    FilterError
        When ``use``, a commune, a sector or a status is unknown (with the nearest names).
    OptionError
        When ``min_area_m2``, ``floors``, ``max_floors`` or ``limit`` cannot be honoured.
    """
    _check_options(min_area_m2, floors, max_floors, limit)
    code = resolve_use(use)
    keep = select_zones(plan, statuses=statuses, communes=communes, sectors=sectors)
    idx = plan_index(plan)
    rule_keys, rule_at = zone_rule_positions(plan)
    # One verdict per rule (-1 no, 0 allowed, 1 on condition), and a last -1 for zones without
    # rules (position -1): a zone's verdict is then an array look-up, not 100,000 dict look-ups.
    verdict = np.full(len(rule_keys) + 1, -1, dtype=np.int8)
    for j, key in enumerate(rule_keys):
        rule = idx.rules[key]
        if code in (rule.get("allowed_uses") or ()):
            answer = 0
        elif include_conditional and code in (rule.get("conditional_uses") or ()):
            answer = 1
        else:
            continue
        if _floors_fit(rule.get("max_floors"), floors, max_floors):
            verdict[j] = answer
    zone_verdict = verdict[rule_at]
    ids = np.flatnonzero((zone_verdict >= 0) & keep)
    reserved = _reserved_of(plan, ids)
    zones = plan.zones.take(ids)
    plan_ids = zones["plan_id"].astype(str).to_numpy(dtype=object).tolist()
    rules = [idx.rules[rule_keys[j]] for j in rule_at[ids]]
    infos = [idx.plans.get(p, {}) for p in plan_ids]
    communes_by_code = {
        str(c): (fr, ar)
        for c, fr, ar in zip(
            plan.communes["code"], plan.communes["name_fr"], plan.communes["name_ar"], strict=True
        )
    }
    commune = zones["commune"].to_numpy(dtype=object).tolist()
    names = [communes_by_code.get(str(c), (None, None)) for c in commune]
    area = idx.zone_area[ids]

    def text(col: str) -> list[Any]:
        return zones[col].to_numpy(dtype=object).tolist()

    def of_rules(name: str) -> list[Any]:
        return [rule.get(name) for rule in rules]

    columns = {
        "zone_id": ids.tolist(),
        "zone_code": zones["zone_code"].astype(str).to_numpy(dtype=object).tolist(),
        "family": text("family"),
        "sector": text("sector"),
        "commune": commune,
        "commune_fr": [n[0] for n in names],
        "commune_ar": [n[1] for n in names],
        "label_fr": text("label_fr"),
        "label_ar": text("label_ar"),
        "plan_id": plan_ids,
        "plan_name_fr": [info.get("name_fr") for info in infos],
        "plan_name_ar": [info.get("name_ar") for info in infos],
        "plan_status": zone_statuses(plan)[ids].tolist(),
        "in_force": [plan_in_force(info) for info in infos],
        "conditional": (zone_verdict[ids] == 1).tolist(),
        "area_m2": area.tolist(),
        "reserved_m2": reserved.tolist(),
        "usable_area_m2": np.maximum(area - reserved, 0.0).tolist(),
        **{name: of_rules(name) for name in ("cos", "ces", "max_floors", "max_height_m", "min_lot_m2")},
    }
    # no row: the empty frame's columns as they have always been (object, not inferred from [])
    out = pd.DataFrame(
        columns if len(ids) else [], columns=[c for c in SEARCH_COLUMNS if c != "max_floor_area_m2"]
    )
    built = capacity(
        out["usable_area_m2"].to_numpy(dtype="float64"),
        out["cos"].to_numpy(dtype=object),
        out["ces"].to_numpy(dtype=object),
        out["max_floors"].to_numpy(dtype=object),
        buildable=out["sector"].isin(BUILDABLE_SECTORS).to_numpy(dtype=bool),
    )
    out["max_floor_area_m2"] = built.floor_area_m2
    if min_area_m2 is not None:
        out = out[out["usable_area_m2"] >= min_area_m2]
    out = out.sort_values(["in_force", "usable_area_m2"], ascending=[False, False], ignore_index=True)
    total = len(out)
    if limit is not None:
        out = out.head(limit).copy()
    out.attrs["total"] = total
    return out


#: The columns of :func:`search`'s result, in order.
SEARCH_COLUMNS = (
    "zone_id",
    "zone_code",
    "family",
    "sector",
    "commune",
    "commune_fr",
    "commune_ar",
    "label_fr",
    "label_ar",
    "plan_id",
    "plan_name_fr",
    "plan_name_ar",
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
)


def _floors_fit(allowed: int | None, needed: int | None, at_most: int | None) -> bool:
    """Whether a zone allowing ``allowed`` floors fits a project (unknown floors fit a need)."""
    if needed is not None and allowed is not None and allowed < needed:
        return False
    return at_most is None or (allowed is not None and allowed <= at_most)


#: The key under which a plan keeps each zone's reserved area (m²), in ``plan.zones`` order. The
#: store's loader fills it from the GeoPackage when the geometry is the one it was computed from.
RESERVED_KEY = "reserved_m2"


def zone_reserved_area(plan: Plan) -> np.ndarray:
    """Each zone's area covered by reservations (m², their union), in ``plan.zones`` order.

    Worked out once per plan and kept with it (``plan.invalidate()`` forgets it); a plan loaded
    from its canonical GeoPackage reads it from there when both layers' geometry is unchanged.
    """
    cached = plan._cache.get(RESERVED_KEY)
    if cached is not None and len(cached) == len(plan.zones):
        return cached
    idx = plan_index(plan)
    out = _reserved_area(idx.zone_geoms, idx.reservation_geoms, idx.reservation_tree)
    out.flags.writeable = False
    plan._cache[RESERVED_KEY] = out
    return out


def _reserved_of(plan: Plan, ids: np.ndarray) -> np.ndarray:
    """The reserved area of zones ``ids``: from the plan's array when known, else for those zones only."""
    cached = plan._cache.get(RESERVED_KEY)
    if cached is not None and len(cached) == len(plan.zones):
        return cached[ids]
    idx = plan_index(plan)
    return _reserved_area(idx.zone_geoms[ids], idx.reservation_geoms, idx.reservation_tree)


def _reserved_area(
    zone_geoms: np.ndarray, reservation_geoms: np.ndarray, reservation_tree: shapely.STRtree | None = None
) -> np.ndarray:
    """Area of each zone covered by reservations (their union, so overlaps count once)."""
    out = np.zeros(len(zone_geoms))
    if not len(zone_geoms) or not len(reservation_geoms):
        return out
    tree = shapely.STRtree(reservation_geoms) if reservation_tree is None else reservation_tree
    zone_pos, res_pos = tree.query(zone_geoms, predicate="intersects")
    if not len(zone_pos):
        return out
    # The offer asks this of every zone of a plan. Most zones meet one reservation or none:
    # their areas come from one vectorised GEOS call; only zones that several reservations
    # cross need the union, so that where those overlap the land counts once.
    counts = np.bincount(zone_pos, minlength=len(zone_geoms))
    single = counts[zone_pos] == 1
    zs, rs = zone_pos[single], res_pos[single]
    out[zs] = shapely.area(shapely.intersection(zone_geoms[zs], reservation_geoms[rs]))
    zone_pos, res_pos = zone_pos[~single], res_pos[~single]
    if not len(zone_pos):
        return out
    order = np.argsort(zone_pos, kind="stable")
    zone_pos, res_pos = zone_pos[order], res_pos[order]
    starts = np.flatnonzero(np.r_[True, zone_pos[1:] != zone_pos[:-1]])
    for i, group in zip(zone_pos[starts], np.split(res_pos, starts[1:]), strict=True):
        parts = reservation_geoms[group]
        covered = shapely.intersection(zone_geoms[i], shapely.union_all(parts))
        out[i] = shapely.area(covered)
    return out
