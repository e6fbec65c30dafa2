"""The plot look-up: what the plans say about one plot, and what may be built on it.

Pure computation: :func:`lookup` takes a plan and a plot (a point, a polygon, or a
:class:`~terroffer.plot_input.Plot`) and returns a :class:`Lookup`; the planning
information note and the command line render it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely

from terroffer.index import PlanIndex, plan_in_force, plan_index
from terroffer.model import Notice, Plan
from terroffer.plot_input import Plot, plot_from_point

__all__ = ["Capacity", "Lookup", "PlanStatus", "ReservationHit", "ZoneHit", "lookup", "lookup_points"]

#: Sectors whose land is not for private building: their capacity is 0.
NOT_BUILDABLE_SECTORS = frozenset({"equipment", "green", "natural"})
#: Areas below this (m²) are slivers from touching boundaries, not real parts.
AREA_EPSILON_M2 = 0.01
#: How near a road reservation a plot edge must be to count as frontage (m).
FRONTAGE_TOLERANCE_M = 0.5


@dataclass(frozen=True)
class Capacity:
    """What may be built on the net area: footprint (CES), floor area (COS), floors, height.

    ``basis`` says how each zone part's floor area was found (``cos``, ``ces×floors``,
    ``not_buildable``, ``unknown``).
    """

    max_footprint_m2: float | None
    max_floor_area_m2: float | None
    max_floors: int | None
    max_height_m: float | None
    basis: tuple[str, ...] = ()


@dataclass(frozen=True)
class ZoneHit:
    """One zone the plot touches, with its part of the plot and its rules."""

    zone_id: int
    zone_code: str
    family: str
    sector: str
    label_fr: str | None
    label_ar: str | None
    plan_id: str
    area_m2: float
    share: float
    net_area_m2: float
    rules: dict[str, Any] | None
    capacity: Capacity | None


@dataclass(frozen=True)
class ReservationHit:
    """A reservation crossing the plot, and how much of the plot it takes."""

    number: str | None
    kind: str
    label_fr: str | None
    label_ar: str | None
    road_width_m: float | None
    status: str | None
    effect_until: str | None
    plan_id: str | None
    area_m2: float
    share: float


@dataclass(frozen=True)
class PlanStatus:
    """A plan that applies, with what an investor may rely on."""

    plan_id: str
    kind: str | None
    name_fr: str | None
    name_ar: str | None
    status: str | None
    approval_ref: str | None
    approval_date: str | None
    valid_until: str | None
    in_force: bool
    illustrative: bool


@dataclass(frozen=True)
class Lookup:
    """The answer to "what may I build here?" for one plot."""

    plot: Plot
    plot_area_m2: float
    commune: dict[str, Any] | None
    plans: tuple[PlanStatus, ...]
    zones: tuple[ZoneHit, ...]
    uncovered_m2: float
    reservations: tuple[ReservationHit, ...]
    net_area_m2: float
    capacity: Capacity | None
    frontage_m: float | None
    flags: tuple[str, ...]
    nearest: dict[str, Any] | None
    warnings: tuple[Notice, ...] = field(default=())

    @property
    def is_point(self) -> bool:
        """True when the plot is a point: rules apply, capacity does not."""
        return self.plot.is_point

    def to_dict(self, lang: str = "fr") -> dict[str, Any]:
        """JSON-ready dict (the ``--json`` output); warnings as text in ``lang``."""
        return {
            "plot_area_m2": round(self.plot_area_m2, 2),
            "commune": self.commune,
            "plans": [asdict(p) for p in self.plans],
            "zones": [
                {
                    **{k: v for k, v in asdict(z).items() if k not in ("capacity",)},
                    "area_m2": round(z.area_m2, 2),
                    "net_area_m2": round(z.net_area_m2, 2),
                    "share": round(z.share, 4),
                    "capacity": asdict(z.capacity) if z.capacity else None,
                }
                for z in self.zones
            ],
            "uncovered_m2": round(self.uncovered_m2, 2),
            "reservations": [
                {**asdict(r), "area_m2": round(r.area_m2, 2), "share": round(r.share, 4)}
                for r in self.reservations
            ],
            "net_area_m2": round(self.net_area_m2, 2),
            "capacity": _capacity_dict(self.capacity),
            "frontage_m": None if self.frontage_m is None else round(self.frontage_m, 2),
            "flags": list(self.flags),
            "nearest": self.nearest,
            "warnings": [w.message(lang) for w in self.warnings],
        }


def _capacity_dict(c: Capacity | None) -> dict[str, Any]:
    if c is None:
        return {"max_footprint_m2": None, "max_floor_area_m2": None, "max_floors": None, "max_height_m": None}
    out = asdict(c)
    for key in ("max_footprint_m2", "max_floor_area_m2"):
        if out[key] is not None:
            out[key] = round(out[key], 2)
    out["basis"] = list(c.basis)
    return out


def plan_bounds(plan: Plan) -> tuple[float, float, float, float]:
    """The extent of the plan's zones and communes, in its CRS."""
    frames = [f for f in (plan.zones, plan.communes) if len(f)]
    b = np.array([f.total_bounds for f in frames])
    return (float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max()))


def plan_coverage(plan: Plan) -> shapely.Geometry:
    """The territory a plot should fall on: the communes, else the zones' hull, 1 km wider."""
    cached = plan._cache.get("coverage")
    if cached is None:
        frame = plan.communes if len(plan.communes) else plan.zones
        geoms = np.asarray(frame.geometry.array, dtype=object)
        base = (
            shapely.union_all(geoms) if len(plan.communes) else shapely.convex_hull(shapely.union_all(geoms))
        )
        cached = shapely.buffer(base, 1_000.0)
        shapely.prepare(cached)
        plan._cache["coverage"] = cached
    return cached


def _as_plot(plan: Plan, where: Any) -> Plot:
    if isinstance(where, Plot):
        return where
    if isinstance(where, shapely.Geometry):
        return Plot(where, "geometry")
    if isinstance(where, (tuple, list)) and len(where) == 2:
        return plot_from_point(
            float(where[0]),
            float(where[1]),
            bounds=plan_bounds(plan),
            crs=plan.crs,
            coverage=plan_coverage(plan),
        )
    raise TypeError("where must be a Plot, a shapely geometry or an (x, y) / (lon, lat) pair")


def _plan_status(info: dict[str, Any]) -> PlanStatus:
    return PlanStatus(
        plan_id=str(info.get("plan_id")),
        kind=info.get("kind"),
        name_fr=info.get("name_fr"),
        name_ar=info.get("name_ar"),
        status=info.get("status"),
        approval_ref=info.get("approval_ref"),
        approval_date=info.get("approval_date"),
        valid_until=info.get("valid_until"),
        in_force=plan_in_force(info),
        illustrative=bool(info.get("illustrative")),
    )


def _zone_capacity(sector: str, rules: dict[str, Any] | None, net: float) -> Capacity:
    if sector in NOT_BUILDABLE_SECTORS:
        return Capacity(0.0, 0.0, None, None, ("not_buildable",))
    if rules is None:
        return Capacity(None, None, None, None, ("unknown",))
    ces, cos, floors = rules.get("ces"), rules.get("cos"), rules.get("max_floors")
    footprint = net * ces if ces is not None else None
    stacked = footprint * floors if footprint is not None and floors is not None else None
    if cos is not None and stacked is not None:
        # both rules bind: the floor area is the smaller of COS and footprint × floors
        floor_area, basis = min(net * cos, stacked), ("cos" if net * cos <= stacked else "ces×floors")
    elif cos is not None:
        floor_area, basis = net * cos, "cos"
    elif stacked is not None:
        floor_area, basis = stacked, "ces×floors"
    else:
        floor_area, basis = None, "unknown"
    return Capacity(footprint, floor_area, floors, rules.get("max_height_m"), (basis,))


def _sum_known(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return float(sum(known)) if known else None


def lookup(plan: Plan, where: Any) -> Lookup:
    """Look a plot up in a plan.

    Parameters
    ----------
    plan
        A loaded plan.
    where
        A :class:`~terroffer.plot_input.Plot`; a shapely point or polygon in the plan's
        CRS; or a pair of numbers, read as lon/lat when they are degrees and as the
        plan's X/Y otherwise (swapped axes are detected and said).

    Returns
    -------
    Lookup
        The plot's area, commune, the plans that apply with their status, every zone
        it touches with its part and rules, every reservation crossing it, the net area
        left to the owner and the buildable capacity on it, flags (``below_min_lot``,
        ``below_min_frontage``, ``outside_plans``, ``partly_outside_plans``), the nearest
        zone when it lies outside every plan, and warnings.
    """
    plot = _as_plot(plan, where)
    geom = plot.geometry
    idx = plan_index(plan)
    zones = plan.zones
    warnings: list[Notice] = list(plot.warnings)
    is_point = plot.is_point
    plot_area = 0.0 if is_point else float(shapely.area(geom))

    res_ids = idx.reservation_tree.query(geom, predicate="intersects")
    res_parts = shapely.intersection(idx.reservation_geoms[res_ids], geom) if len(res_ids) else np.array([])
    reserved = shapely.union_all(res_parts) if len(res_ids) else shapely.Polygon()
    net_geom = geom if is_point else shapely.difference(geom, reserved)
    net_area = 0.0 if is_point else float(shapely.area(net_geom))

    zone_ids = np.sort(idx.zone_tree.query(geom, predicate="intersects"))
    hits: list[ZoneHit] = []
    covered = 0.0
    if len(zone_ids):
        parts = shapely.intersection(idx.zone_geoms[zone_ids], geom)
        net_parts = shapely.intersection(idx.zone_geoms[zone_ids], net_geom)
        areas = shapely.area(parts)
        covered = 0.0 if is_point else float(shapely.area(shapely.union_all(parts)))
        for zid, area, net_part in zip(zone_ids, areas, net_parts, strict=True):
            if not is_point and area < AREA_EPSILON_M2:
                continue
            key = (str(zones["plan_id"].iat[zid]), str(zones["zone_code"].iat[zid]))
            rules = idx.rules.get(key)
            sector = str(zones["sector"].iat[zid])
            net = 0.0 if is_point else float(shapely.area(net_part))
            hits.append(
                ZoneHit(
                    zone_id=int(zid),
                    zone_code=key[1],
                    family=str(zones["family"].iat[zid]),
                    sector=sector,
                    label_fr=_text(zones["label_fr"].iat[zid]),
                    label_ar=_text(zones["label_ar"].iat[zid]),
                    plan_id=key[0],
                    area_m2=float(area),
                    share=1.0 if is_point else float(area) / plot_area,
                    net_area_m2=net,
                    rules=rules,
                    capacity=None if is_point else _zone_capacity(sector, rules, net),
                )
            )
            if rules is None:
                warnings.append(Notice("lookup.no_rules", {"zone": key[1], "plan": key[0]}))
    hits.sort(key=lambda h: h.area_m2, reverse=True)
    uncovered = 0.0 if is_point else max(plot_area - covered, 0.0)

    reservations = _reservation_hits(plan, res_ids, res_parts, plot_area, is_point)
    plans = _plans_of(idx, hits, warnings)
    flags: list[str] = []
    nearest = None
    if not hits:
        flags.append("outside_plans")
        nearest = _nearest(plan, idx, geom)
        warnings.append(
            Notice("lookup.outside", {"distance": f"{nearest['distance_m']:,.0f}"} if nearest else {})
        )
    elif uncovered > AREA_EPSILON_M2 * 100:
        flags.append("partly_outside_plans")
        warnings.append(Notice("lookup.partly_outside", {"area": f"{uncovered:,.1f}"}))

    capacity = None
    frontage = None
    if not is_point and hits:
        caps = [h.capacity for h in hits if h.capacity is not None]
        main = max(hits, key=lambda h: h.net_area_m2)
        capacity = Capacity(
            _sum_known([c.max_footprint_m2 for c in caps]),
            _sum_known([c.max_floor_area_m2 for c in caps]),
            main.capacity.max_floors if main.capacity else None,
            main.capacity.max_height_m if main.capacity else None,
            tuple(b for c in caps for b in c.basis),
        )
        frontage = _frontage(plan, idx, geom)
        rules = main.rules or {}
        min_lot = rules.get("min_lot_m2")
        if min_lot is not None and net_area < min_lot:
            flags.append("below_min_lot")
            warnings.append(
                Notice("lookup.below_min_lot", {"net": f"{net_area:,.0f}", "min": f"{min_lot:,.0f}"})
            )
        min_front = rules.get("min_frontage_m")
        if min_front is not None and frontage is not None and frontage < min_front:
            flags.append("below_min_frontage")
            warnings.append(
                Notice(
                    "lookup.below_min_frontage", {"frontage": f"{frontage:,.1f}", "min": f"{min_front:,.1f}"}
                )
            )
    if reservations:
        warnings.append(Notice("lookup.reserved", {"count": len(reservations)}))
    if any(p.illustrative for p in plans):
        warnings.append(Notice("lookup.illustrative", {}))
    return Lookup(
        plot=plot,
        plot_area_m2=plot_area,
        commune=_commune_of(plan, idx, geom),
        plans=tuple(plans),
        zones=tuple(hits),
        uncovered_m2=uncovered,
        reservations=tuple(reservations),
        net_area_m2=net_area,
        capacity=capacity,
        frontage_m=frontage,
        flags=tuple(flags),
        nearest=nearest,
        warnings=tuple(warnings),
    )


def _text(value: Any) -> str | None:
    return (
        None
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA
        else str(value)
    )


def _reservation_hits(
    plan: Plan, res_ids: np.ndarray, parts: np.ndarray, plot_area: float, is_point: bool
) -> list[ReservationHit]:
    res = plan.reservations
    hits = []
    for rid, part in zip(res_ids, parts, strict=True):
        area = 0.0 if is_point else float(shapely.area(part))
        if not is_point and area < AREA_EPSILON_M2:
            continue
        until = res["effect_until"].iat[rid]
        width = res["road_width_m"].iat[rid]
        hits.append(
            ReservationHit(
                number=_text(res["number"].iat[rid]),
                kind=str(res["kind"].iat[rid]),
                label_fr=_text(res["label_fr"].iat[rid]),
                label_ar=_text(res["label_ar"].iat[rid]),
                road_width_m=None if pd.isna(width) else float(width),
                status=_text(res["status"].iat[rid]),
                effect_until=None if pd.isna(until) else pd.Timestamp(until).date().isoformat(),
                plan_id=_text(res["plan_id"].iat[rid]),
                area_m2=area,
                share=1.0 if is_point else area / plot_area,
            )
        )
    hits.sort(key=lambda h: h.area_m2, reverse=True)
    return hits


def _plans_of(idx: PlanIndex, hits: list[ZoneHit], warnings: list[Notice]) -> list[PlanStatus]:
    seen: dict[str, PlanStatus] = {}
    for h in hits:
        if h.plan_id not in seen:
            seen[h.plan_id] = _plan_status(idx.plans.get(h.plan_id, {"plan_id": h.plan_id}))
    for p in seen.values():
        names = {"plan_fr": p.name_fr or p.plan_id, "plan_ar": p.name_ar or p.name_fr or p.plan_id}
        if p.status == "under_study":
            warnings.append(Notice("lookup.plan_draft", names))
        elif p.status == "expired" or (p.status == "approved" and not p.in_force):
            warnings.append(Notice("lookup.plan_expired", names))
        elif p.status is None:
            warnings.append(Notice("lookup.plan_status_unknown", {"plan": p.plan_id}))
    return list(seen.values())


def _commune_of(plan: Plan, idx: PlanIndex, geom: shapely.Geometry) -> dict[str, Any] | None:
    ids = idx.commune_tree.query(geom, predicate="intersects")
    if not len(ids):
        return None
    if len(ids) > 1:
        areas = shapely.area(shapely.intersection(idx.commune_geoms[ids], geom))
        ids = ids[[int(np.argmax(areas))]]
    c = plan.communes.iloc[int(ids[0])]
    pop = c["population_2024"]
    return {
        "code": _text(c["code"]),
        "name_fr": _text(c["name_fr"]),
        "name_ar": _text(c["name_ar"]),
        "population_2024": None if pd.isna(pop) else int(pop),
    }


def _nearest(plan: Plan, idx: PlanIndex, geom: shapely.Geometry) -> dict[str, Any] | None:
    if not len(idx.zone_geoms):
        return None
    found, dist = idx.zone_tree.query_nearest(geom, return_distance=True)
    zid = int(found[0])
    plan_id = str(plan.zones["plan_id"].iat[zid])
    info = idx.plans.get(plan_id, {})
    return {
        "distance_m": round(float(dist[0]), 1),
        "zone_code": str(plan.zones["zone_code"].iat[zid]),
        "plan_id": plan_id,
        "plan_name_fr": info.get("name_fr"),
        "plan_name_ar": info.get("name_ar"),
    }


def _frontage(plan: Plan, idx: PlanIndex, geom: shapely.Geometry) -> float | None:
    """Length of the plot's edge along road reservations; None when no road touches it."""
    near = idx.reservation_tree.query(geom, predicate="dwithin", distance=FRONTAGE_TOLERANCE_M)
    roads = [i for i in near if plan.reservations["kind"].iat[int(i)] == "road"]
    if not roads:
        return None
    road = shapely.union_all(idx.reservation_geoms[roads]).buffer(FRONTAGE_TOLERANCE_M)
    edge = shapely.intersection(geom.boundary, road)
    length = float(shapely.length(edge))
    return length if length > 0 else None


def lookup_points(plan: Plan, x: Any, y: Any) -> pd.DataFrame:
    """Zone of each point, vectorised: for maps and batch jobs (no capacity, no reservations).

    Parameters
    ----------
    x, y
        Coordinates in the plan's CRS.

    Returns
    -------
    pandas.DataFrame
        One row per point: ``zone_id`` (-1 outside every zone), ``zone_code``, ``family``,
        ``plan_id``.
    """
    idx = plan_index(plan)
    pts = shapely.points(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    pt_idx, zone_idx = idx.zone_tree.query(pts, predicate="intersects")
    zone_of = np.full(len(pts), -1, dtype=np.int64)
    zone_of[pt_idx[::-1]] = zone_idx[::-1]  # the first zone found wins where zones touch
    found = zone_of >= 0
    out = pd.DataFrame({"zone_id": zone_of})
    for col in ("zone_code", "family", "plan_id"):
        values = np.full(len(pts), None, dtype=object)
        values[found] = plan.zones[col].to_numpy()[zone_of[found]]
        out[col] = values
    return out
