"""Spatial indexes and look-up tables of a plan, built once and kept with it.

Queries (look-up, search, offer) share them, so the first query on a plan pays for the
STRtrees and the rules dictionary and the next ones answer in microseconds. Editing a
plan's tables in place requires ``plan.invalidate()``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely

from terroffer.model import Plan, _plain

__all__ = ["PlanIndex", "plan_index", "zone_rule_positions"]


@dataclass(frozen=True)
class PlanIndex:
    """What queries need, precomputed: trees, geometry arrays, areas and rules by key."""

    zone_geoms: np.ndarray
    zone_tree: shapely.STRtree
    zone_area: np.ndarray
    reservation_geoms: np.ndarray
    reservation_tree: shapely.STRtree
    commune_geoms: np.ndarray
    commune_tree: shapely.STRtree
    rules: dict[tuple[str, str], dict[str, Any]]
    plans: dict[str, dict[str, Any]]


def _geoms(frame: Any) -> np.ndarray:
    return np.asarray(frame.geometry.array, dtype=object)


def plan_index(plan: Plan) -> PlanIndex:
    """The plan's :class:`PlanIndex`, built on first use."""
    cached = plan._cache.get("index")
    if cached is not None:
        return cached
    zone_geoms = _geoms(plan.zones)
    res_geoms = _geoms(plan.reservations)
    com_geoms = _geoms(plan.communes)
    for arr in (zone_geoms, res_geoms, com_geoms):
        shapely.prepare(arr)
    rules = {
        (str(r["plan_id"]), str(r["zone_code"])): {k: _plain(v) for k, v in r.items()}
        for r in plan.rules.to_dict("records")
    }
    plans = {str(r["plan_id"]): {k: _plain(v) for k, v in r.items()} for r in plan.plans.to_dict("records")}
    index = PlanIndex(
        zone_geoms=zone_geoms,
        zone_tree=shapely.STRtree(zone_geoms),
        zone_area=shapely.area(zone_geoms),
        reservation_geoms=res_geoms,
        reservation_tree=shapely.STRtree(res_geoms),
        commune_geoms=com_geoms,
        commune_tree=shapely.STRtree(com_geoms),
        rules=rules,
        plans=plans,
    )
    plan._cache["index"] = index
    return index


def zone_rule_positions(plan: Plan) -> tuple[list[tuple[str, str]], np.ndarray]:
    """The keys of the plan's rules, and the position in them of each zone's own (-1: no rules).

    The keys are those of :attr:`PlanIndex.rules`, in its order; built on first use. What a
    question asks of every zone's rules (does it allow a hotel? how many floors?) then
    costs one pass over the rules and one array look-up, not a dictionary look-up per zone.
    """
    cached = plan._cache.get("zone_rule_positions")
    if cached is not None:
        return cached
    keys = list(plan_index(plan).rules)
    position = {key: i for i, key in enumerate(keys)}
    zones = plan.zones
    # the keys the offer and the search have always built, so that all questions find the same rules
    pairs = zip(
        zones["plan_id"].astype(str).to_numpy(dtype=object),
        zones["zone_code"].astype(str).to_numpy(dtype=object),
        strict=True,
    )
    at = np.fromiter((position.get(k, -1) for k in pairs), dtype=np.int64, count=len(zones))
    at.flags.writeable = False
    plan._cache["zone_rule_positions"] = (keys, at)
    return keys, at


def plan_in_force(info: dict[str, Any] | None, today: dt.date | None = None) -> bool:
    """True for an approved plan whose validity has not ended."""
    if not info or info.get("status") != "approved":
        return False
    until = info.get("valid_until")
    if until is None:
        return True
    today = today or dt.date.today()
    return pd.Timestamp(until).date() >= today
