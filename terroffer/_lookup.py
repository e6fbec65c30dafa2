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

from terroffer.capacity import RULE_RANGES, capacity, implausible_value, plausible
from terroffer.errors import PlotInputError
from terroffer.index import PlanIndex, plan_in_force, plan_index
from terroffer.io.territory import check_order
from terroffer.model import Notice, Plan
from terroffer.plot_input import Plot, plot_from_point
from terroffer.reference import BUILDABLE_SECTORS
from terroffer.selection import STATUS_UNKNOWN

__all__ = ["Capacity", "Lookup", "PlanStatus", "ReservationHit", "ZoneHit", "lookup", "lookup_points"]

#: Areas below this (m²) are slivers from touching boundaries, not real parts.
AREA_EPSILON_M2 = 0.01
#: Uncovered or unknown areas below this (m²) are drawing noise, not a part to warn about.
NOTICEABLE_M2 = 1.0
#: How near a road reservation a plot edge must be to count as frontage (m).
FRONTAGE_TOLERANCE_M = 0.5


@dataclass(frozen=True)
class Capacity:
    """What may be built on the net area: footprint (CES), floor area (COS), floors, height.

    ``basis`` says how each zone part's floor area was found (``cos``, ``ces×floors``,
    ``not_buildable``, ``unknown``), by :func:`terroffer.capacity.capacity`.

    ``unknown_m2`` is the net area the footprint and floor area figures do not cover:
    zone parts whose rules give no figure, and the part outside every plan. ``partial``
    is True when there are figures but they leave such an area out: they are then the
    capacity of the rest of the plot only, never a maximum for the whole of it.
    """

    max_footprint_m2: float | None
    max_floor_area_m2: float | None
    max_floors: int | None
    max_height_m: float | None
    basis: tuple[str, ...] = ()
    partial: bool = False
    unknown_m2: float = 0.0


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
                    "capacity": _capacity_dict(z.capacity),
                }
                for z in self.zones
            ],
            "uncovered_m2": round(self.uncovered_m2, 2),
            "reservations": [
                {**asdict(r), "area_m2": round(r.area_m2, 2), "share": round(r.share, 4)}
                for r in self.reservations
            ],
            "net_area_m2": round(self.net_area_m2, 2),
            "capacity": _capacity_dict(self.capacity) or dict(_NO_CAPACITY),
            "frontage_m": None if self.frontage_m is None else round(self.frontage_m, 2),
            "flags": list(self.flags),
            "nearest": self.nearest,
            "warnings": [w.message(lang) for w in self.warnings],
        }


def _capacity_dict(c: Capacity | None) -> dict[str, Any] | None:
    if c is None:
        return None
    out = asdict(c)
    for key in ("max_footprint_m2", "max_floor_area_m2", "unknown_m2"):
        if out[key] is not None:
            out[key] = round(out[key], 2)
    out["basis"] = list(c.basis)
    return out


#: The ``capacity`` of the JSON output when there is none (a point, a plot outside the plans).
_NO_CAPACITY: dict[str, Any] = {
    "max_footprint_m2": None,
    "max_floor_area_m2": None,
    "max_floors": None,
    "max_height_m": None,
    "basis": [],
    "partial": False,
    "unknown_m2": None,
}


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


def _as_plot(plan: Plan, where: Any, order: str | None) -> Plot:
    """``where`` as a :class:`Plot`; anything else a user may pass is a :class:`PlotInputError`."""
    if isinstance(where, Plot):
        _check_geometry(where.geometry)
        return where
    if isinstance(where, shapely.Geometry):
        _check_geometry(where)
        if order == "yx":
            where = shapely.transform(where, lambda c: c[:, ::-1])
        return Plot(where, "geometry")
    if isinstance(where, (tuple, list, np.ndarray)) and len(where) == 2:
        try:
            a, b = float(where[0]), float(where[1])
        except (TypeError, ValueError) as exc:
            raise PlotInputError("error.plot_bad_point", "where") from exc
        if not (np.isfinite(a) and np.isfinite(b)):
            raise PlotInputError("error.plot_not_finite", "where", x=str(a), y=str(b))
        return plot_from_point(
            a, b, bounds=plan_bounds(plan), crs=plan.crs, coverage=plan_coverage(plan), order=order
        )
    kind = type(where).__name__
    if isinstance(where, (tuple, list, np.ndarray)):
        kind = f"{kind} ({len(where)})"
    raise PlotInputError("error.plot_bad_where", "where", kind=kind)


def _check_geometry(geom: Any) -> None:
    kind = shapely.get_type_id(geom) if isinstance(geom, shapely.Geometry) else -1
    if kind not in (0, 3, 6) or shapely.is_empty(geom):
        name = geom.geom_type if isinstance(geom, shapely.Geometry) else type(geom).__name__
        raise PlotInputError("error.plot_bad_geometry", "where", kind=name)
    xy = shapely.get_coordinates(geom)
    if not np.isfinite(xy).all():
        bad = xy[~np.isfinite(xy).all(axis=1)][0]
        raise PlotInputError("error.plot_not_finite", "where", x=str(bad[0]), y=str(bad[1]))
    if kind != 0 and not shapely.is_valid(geom):
        raise PlotInputError("error.plot_invalid", "where", reason=shapely.is_valid_reason(geom))


def _plan_status(info: dict[str, Any]) -> PlanStatus:
    status = info.get("status")
    if not isinstance(status, str) or not status:
        # the one word the selection, the search and every table use for a plan that does not
        # say its status (the look-up's JSON said null where the search's said "unknown")
        status = STATUS_UNKNOWN
    return PlanStatus(
        plan_id=str(info.get("plan_id")),
        kind=info.get("kind"),
        name_fr=info.get("name_fr"),
        name_ar=info.get("name_ar"),
        status=status,
        approval_ref=info.get("approval_ref"),
        approval_date=info.get("approval_date"),
        valid_until=info.get("valid_until"),
        in_force=plan_in_force(info),
        illustrative=bool(info.get("illustrative")),
    )


def _zone_capacities(
    sectors: list[str], rules: list[dict[str, Any] | None], nets: list[float]
) -> list[Capacity]:
    """Each zone part's capacity by the one rule (:func:`terroffer.capacity.capacity`)."""
    if not nets:
        return []

    def column(name: str) -> list[Any]:
        return [np.nan if r is None or r.get(name) is None else r[name] for r in rules]

    caps = capacity(
        nets,
        column("cos"),
        column("ces"),
        column("max_floors"),
        buildable=[s in BUILDABLE_SECTORS for s in sectors],
    )
    floors = plausible("max_floors", column("max_floors"))
    heights = plausible("max_height_m", column("max_height_m"))
    out = []
    for i, net in enumerate(nets):
        footprint, floor_area = _known(caps.footprint_m2[i]), _known(caps.floor_area_m2[i])
        if caps.basis[i] == "not_buildable":
            out.append(Capacity(0.0, 0.0, None, None, ("not_buildable",)))
            continue
        unknown = net if footprint is None or floor_area is None else 0.0
        out.append(
            Capacity(
                footprint,
                floor_area,
                None if np.isnan(floors[i]) else int(floors[i]),
                _known(heights[i]),
                (str(caps.basis[i]),),
                unknown_m2=unknown,
            )
        )
    return out


def _known(value: float) -> float | None:
    return None if np.isnan(value) else float(value)


def _sum_known(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return float(sum(known)) if known else None


def lookup(plan: Plan, where: Any, *, order: str | None = None) -> Lookup:
    """Look a plot up in a plan.

    Parameters
    ----------
    plan
        A loaded plan.
    where
        A :class:`~terroffer.plot_input.Plot`; a shapely point or polygon in the plan's
        CRS; or a pair of numbers, read as lon/lat when they are degrees and as the
        plan's X/Y otherwise (swapped axes are detected and said).
    order
        ``"xy"`` or ``"yx"``: the order of a pair of numbers or of a geometry's
        coordinates. Without it, a pair whose two readings both fall on the territory is
        read X first, and a warning names the places of both readings. A
        :class:`~terroffer.plot_input.Plot` has been read already: give ``order`` to
        :func:`~terroffer.plot_input.read_plot` instead.

    Returns
    -------
    Lookup
        The plot's area, commune, the plans that apply with their status, every zone
        it touches with its part and rules, every reservation crossing it, the net area
        left to the owner and the buildable capacity on it (marked ``partial`` when
        part of the net area has no figures), flags (``below_min_lot``,
        ``below_min_frontage``, ``outside_plans``, ``partly_outside_plans``,
        ``partial_capacity``, ``xy_ambiguous``), the nearest zone when it lies outside
        every plan, and warnings.

    Raises
    ------
    PlotInputError
        ``where`` is not a plot, a point or polygon geometry, or two finite numbers.
    OptionError
        An ``order`` other than ``"xy"`` or ``"yx"``.
    """
    plot = _as_plot(plan, where, check_order(order))
    geom = plot.geometry
    idx = plan_index(plan)
    zones = plan.zones
    warnings: list[Notice] = list(plot.warnings)
    flags: list[str] = []
    is_point = plot.is_point
    plot_area = 0.0 if is_point else float(shapely.area(geom))

    res_ids = idx.reservation_tree.query(geom, predicate="intersects")
    res_parts = shapely.intersection(idx.reservation_geoms[res_ids], geom) if len(res_ids) else np.array([])
    reserved = shapely.union_all(res_parts) if len(res_ids) else shapely.Polygon()
    net_geom = geom if is_point else shapely.difference(geom, reserved)
    net_area = 0.0 if is_point else float(shapely.area(net_geom))

    zone_ids = np.sort(idx.zone_tree.query(geom, predicate="intersects"))
    found: list[tuple[int, float, float, tuple[str, str]]] = []
    covered = covered_net = 0.0
    if len(zone_ids):
        parts = shapely.intersection(idx.zone_geoms[zone_ids], geom)
        net_parts = shapely.intersection(idx.zone_geoms[zone_ids], net_geom)
        areas = shapely.area(parts)
        if not is_point:
            covered = float(shapely.area(shapely.union_all(parts)))
            covered_net = float(shapely.area(shapely.union_all(net_parts)))
        for zid, area, net_part in zip(zone_ids, areas, net_parts, strict=True):
            if not is_point and area < AREA_EPSILON_M2:
                continue
            key = (str(zones["plan_id"].iat[zid]), str(zones["zone_code"].iat[zid]))
            found.append((int(zid), float(area), 0.0 if is_point else float(shapely.area(net_part)), key))
    sectors = [str(zones["sector"].iat[zid]) for zid, _, _, _ in found]
    rules_of = [idx.rules.get(key) for _, _, _, key in found]
    caps = [None] * len(found) if is_point else _zone_capacities(sectors, rules_of, [f[2] for f in found])
    hits: list[ZoneHit] = []
    told: set[tuple[str, str]] = set()
    for (zid, area, net, key), sector, rules, cap in zip(found, sectors, rules_of, caps, strict=True):
        hits.append(
            ZoneHit(
                zone_id=zid,
                zone_code=key[1],
                family=str(zones["family"].iat[zid]),
                sector=sector,
                label_fr=_text(zones["label_fr"].iat[zid]),
                label_ar=_text(zones["label_ar"].iat[zid]),
                plan_id=key[0],
                area_m2=area,
                share=1.0 if is_point else area / plot_area,
                net_area_m2=net,
                rules=rules,
                capacity=cap,
            )
        )
        if key in told:  # several polygons of one zone: one notice
            continue
        told.add(key)
        if rules is None:
            warnings.append(Notice("lookup.no_rules", {"zone": key[1], "plan": key[0]}))
        elif bad := sum(bool(implausible_value(name, rules.get(name))) for name in RULE_RANGES):
            # the rules line shows COS -5 as the data says it: say that the capacity ignored it
            warnings.append(Notice("lookup.implausible_rule", {"zone": key[1], "plan": key[0], "count": bad}))
    hits.sort(key=lambda h: h.area_m2, reverse=True)
    uncovered = 0.0 if is_point else max(plot_area - covered, 0.0)

    if plot.swapped is not None:
        flags.append("xy_ambiguous")
        warnings.insert(len(plot.warnings), _ambiguity(plan, idx, geom, plot.swapped, hits))
    reservations = _reservation_hits(plan, res_ids, res_parts, plot_area, is_point)
    plans = _plans_of(idx, hits, warnings)
    nearest = None
    if not hits:
        flags.append("outside_plans")
        nearest = _nearest(plan, idx, geom)
        if nearest is None:
            warnings.append(Notice("lookup.outside_no_zone", {}))
        else:
            warnings.append(Notice("lookup.outside", {"distance": float(nearest["distance_m"])}))
    elif uncovered > NOTICEABLE_M2:
        flags.append("partly_outside_plans")
        warnings.append(Notice("lookup.partly_outside", {"area": uncovered}))

    total = None
    frontage = None
    if not is_point and hits:
        total = _plot_capacity(hits, net_area, max(net_area - covered_net, 0.0))
        if total.partial:
            flags.append("partial_capacity")
            warnings.append(
                Notice(
                    "lookup.capacity_partial",
                    {"unknown": total.unknown_m2, "net": net_area, "known": net_area - total.unknown_m2},
                )
            )
        frontage = _frontage(plan, idx, geom)
        main = max(hits, key=lambda h: h.net_area_m2)
        rules = main.rules or {}
        min_lot = _known(plausible("min_lot_m2", [rules.get("min_lot_m2")])[0])
        if min_lot is not None and net_area < min_lot:
            flags.append("below_min_lot")
            warnings.append(Notice("lookup.below_min_lot", {"net": net_area, "min": min_lot}))
        min_front = _known(plausible("min_frontage_m", [rules.get("min_frontage_m")])[0])
        if min_front is not None and frontage is not None and frontage < min_front:
            flags.append("below_min_frontage")
            warnings.append(Notice("lookup.below_min_frontage", {"frontage": frontage, "min": min_front}))
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
        capacity=total,
        frontage_m=frontage,
        flags=tuple(flags),
        nearest=nearest,
        warnings=tuple(warnings),
    )


def _plot_capacity(hits: list[ZoneHit], net_area: float, outside_net: float) -> Capacity:
    """The plot's capacity: the zone parts' figures summed, and the net area they leave out."""
    caps = [h.capacity for h in hits if h.capacity is not None]
    main = max(hits, key=lambda h: h.net_area_m2)
    footprint = _sum_known([c.max_footprint_m2 for c in caps])
    floor_area = _sum_known([c.max_floor_area_m2 for c in caps])
    unknown = min(outside_net + sum(c.unknown_m2 for c in caps), net_area)
    figures = footprint is not None or floor_area is not None
    return Capacity(
        footprint,
        floor_area,
        main.capacity.max_floors if main.capacity else None,
        main.capacity.max_height_m if main.capacity else None,
        tuple(b for c in caps for b in c.basis),
        partial=figures and unknown > NOTICEABLE_M2,
        unknown_m2=unknown if unknown > NOTICEABLE_M2 else 0.0,
    )


def _place_of(plan: Plan, idx: PlanIndex, geom: shapely.Geometry) -> tuple[dict[str, Any] | None, str]:
    """The commune and the main zone (most area) of a reading of the plot."""
    commune = _commune_of(plan, idx, geom)
    ids = idx.zone_tree.query(geom, predicate="intersects")
    zone = "—"
    if len(ids):
        if shapely.get_type_id(geom) != 0 and len(ids) > 1:
            ids = ids[[int(np.argmax(shapely.area(shapely.intersection(idx.zone_geoms[ids], geom))))]]
        zone = str(plan.zones["zone_code"].iat[int(np.min(ids))])
    return commune, zone


def _ambiguity(
    plan: Plan, idx: PlanIndex, geom: shapely.Geometry, swapped: shapely.Geometry, hits: list[ZoneHit]
) -> Notice:
    """The warning that X/Y could be read both ways, naming the place of each reading."""
    given_commune, given_zone = _place_of(plan, idx, geom)
    if hits:
        given_zone = hits[0].zone_code  # the zone the look-up reports first
    swapped_commune, swapped_zone = _place_of(plan, idx, swapped)

    def names(c: dict[str, Any] | None) -> tuple[str, str]:
        if c is None:
            return "—", "—"
        fr = c.get("name_fr") or c.get("code") or "—"
        return fr, c.get("name_ar") or fr

    gfr, gar = names(given_commune)
    sfr, sar = names(swapped_commune)
    return Notice(
        "lookup.xy_ambiguous",
        {
            "given_commune_fr": gfr,
            "given_commune_ar": gar,
            "given_zone": given_zone,
            "swapped_commune_fr": sfr,
            "swapped_commune_ar": sar,
            "swapped_zone": swapped_zone,
        },
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
        elif p.status in (None, STATUS_UNKNOWN):
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
