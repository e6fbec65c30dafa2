"""What the explorer's filters select: one value that the app, the map and the tile server share.

A :class:`ZoneFilter` is the state of the explorer's filter bar (commune, sector, family,
wanted use, minimum area, maximum floors, plan status). The app computes its result list
from it; the zone tiles, cut in the server process, are asked for with the filter in their
URL (:meth:`ZoneFilter.to_query`) and recompute the very same :meth:`ZoneFilter.mask`, so
the map and the list can never disagree. Pure computation: no widget, no rendering.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import parse_qs, urlencode

import numpy as np
import pandas as pd

from terroffer._offer import SEARCH_COLUMNS, _reserved_of, search
from terroffer.errors import OptionError
from terroffer.index import plan_in_force, plan_index, zone_rule_positions
from terroffer.model import Plan
from terroffer.selection import (
    OFFER_STATUSES,
    resolve_communes,
    resolve_families,
    resolve_sectors,
    resolve_statuses,
    resolve_use,
    select_zones,
    zone_statuses,
)

__all__ = ["LIST_COLUMNS", "ZoneFilter"]

#: The columns of :meth:`ZoneFilter.results`: :func:`terroffer.search`'s, less the plan's names,
#: the reserved area and the rule figures (the rules panel shows those).
LIST_COLUMNS = tuple(
    c
    for c in SEARCH_COLUMNS
    if c not in ("plan_name_fr", "plan_name_ar", "reserved_m2", "cos", "ces", "max_height_m", "min_lot_m2")
)

_LISTS = ("communes", "sectors", "families", "statuses")


def _codes(values: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(sorted(values)) if values else ()


@dataclass(frozen=True)
class ZoneFilter:
    """The explorer's filters; an empty field keeps every zone.

    Build it with :meth:`make`, which accepts names in any language and raises the library's
    :class:`~terroffer.errors.FilterError` (nearest names) or
    :class:`~terroffer.errors.OptionError` for what it cannot honour; the fields then hold
    codes, so two filters that select the same zones compare equal and give the same query.

    Attributes
    ----------
    communes, sectors, families
        Codes to keep (empty: all).
    use
        A use code: keep zones whose rules allow it (or allow it on condition).
    min_area_m2
        Keep zones whose usable area (less the reservations crossing them) is at least this.
    max_floors
        Keep zones that allow at most this many floors.
    statuses
        Plan statuses counted; by default those of the offer (approved, and unknown).
    """

    communes: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    use: str | None = None
    min_area_m2: float | None = None
    max_floors: int | None = None
    statuses: tuple[str, ...] = field(default=OFFER_STATUSES)

    @classmethod
    def make(
        cls,
        plan: Plan,
        *,
        communes: str | Iterable[str] | None = None,
        sectors: str | Iterable[str] | None = None,
        families: str | Iterable[str] | None = None,
        use: str | None = None,
        min_area_m2: float | None = None,
        max_floors: int | None = None,
        statuses: str | Iterable[str] | None = OFFER_STATUSES,
    ) -> ZoneFilter:
        """A filter from names or codes in any language, checked against ``plan``."""
        if min_area_m2 is not None and (not math.isfinite(min_area_m2) or min_area_m2 < 0):
            raise OptionError("error.option_not_positive", "min_area_m2", value=str(min_area_m2))
        if max_floors is not None and (int(max_floors) != max_floors or max_floors < 1):
            raise OptionError("error.option_not_count", "max_floors", value=str(max_floors))
        wanted_statuses = resolve_statuses(statuses)
        return cls(
            communes=_codes(resolve_communes(plan, communes)),
            sectors=_codes(resolve_sectors(sectors)),
            families=_codes(resolve_families(families)),
            use=resolve_use(use) if use else None,
            min_area_m2=float(min_area_m2) if min_area_m2 else None,
            max_floors=int(max_floors) if max_floors is not None else None,
            statuses=_codes(wanted_statuses),
        )

    def replace(self, **changes: Any) -> ZoneFilter:
        """A copy with some fields changed (codes, as the fields hold them)."""
        return replace(self, **changes)

    # -- the URL form, for the tile server ------------------------------------------------

    def to_query(self) -> str:
        """The filter as a URL query string, canonical (same filter, same string)."""
        pairs: list[tuple[str, str]] = []
        for name in _LISTS:
            pairs += [(name, v) for v in getattr(self, name)]
        if self.use:
            pairs.append(("use", self.use))
        if self.min_area_m2:
            pairs.append(("min_area_m2", repr(self.min_area_m2)))
        if self.max_floors is not None:
            pairs.append(("max_floors", str(self.max_floors)))
        if not self.statuses:
            pairs.append(("statuses", ""))
        return urlencode(pairs)

    @classmethod
    def from_query(cls, plan: Plan, query: str) -> ZoneFilter:
        """The filter a :meth:`to_query` string describes, checked against ``plan`` as :meth:`make` does.

        Raises
        ------
        FilterError, OptionError
            For a name or a value the plan cannot honour (a hand-made URL).
        """
        q = parse_qs(query, keep_blank_values=True)

        def number(name: str, kind: type) -> Any:
            raw = q.get(name, [""])[-1]
            if not raw:
                return None
            try:
                return kind(raw)
            except ValueError:
                key = "error.option_not_positive" if kind is float else "error.option_not_count"
                raise OptionError(key, name, value=raw) from None

        statuses = [s for s in q["statuses"] if s] if "statuses" in q else OFFER_STATUSES
        return cls.make(
            plan,
            communes=q.get("communes") or None,
            sectors=q.get("sectors") or None,
            families=q.get("families") or None,
            use=(q.get("use") or [""])[-1] or None,
            min_area_m2=number("min_area_m2", float),
            max_floors=number("max_floors", int),
            statuses=statuses,
        )

    # -- what it selects --------------------------------------------------------------------

    def _select(self, plan: Plan) -> np.ndarray:
        return select_zones(
            plan,
            statuses=self.statuses,
            communes=self.communes or None,
            sectors=self.sectors or None,
            families=self.families or None,
        )

    def mask(self, plan: Plan) -> np.ndarray:
        """Which rows of ``plan.zones`` the filter keeps, as a boolean array (cached on the plan)."""
        cache = plan._cache.setdefault("zone_filter", {})
        key = self.to_query()
        if key not in cache:
            ids = self._ids(plan)
            out = np.zeros(len(plan.zones), dtype=bool)
            out[ids] = True
            cache[key] = out
        return cache[key]

    def _ids(self, plan: Plan) -> np.ndarray:
        if self.use:
            found = self._search(plan)
            return found["zone_id"].to_numpy(dtype=np.int64)
        keep = self._select(plan)
        if self.max_floors is not None:
            keep &= self._floors(plan) <= self.max_floors
        ids = np.flatnonzero(keep)
        if self.min_area_m2:
            idx = plan_index(plan)
            # The usable area is at most the zone's own: only zones that large need the overlay.
            ids = ids[idx.zone_area[ids] >= self.min_area_m2]
            usable = idx.zone_area[ids] - _reserved_of(plan, ids)
            ids = ids[usable >= self.min_area_m2]
        return ids

    def _floors(self, plan: Plan) -> np.ndarray:
        """Each zone's allowed floors, +inf where its rules do not say."""
        cached = plan._cache.get("zone_max_floors")
        if cached is not None:
            return cached
        idx = plan_index(plan)
        keys, at = zone_rule_positions(plan)
        # one value per rule, and +inf last for the zones without rules (position -1)
        per_rule = [idx.rules[k].get("max_floors") for k in keys]
        floors = np.array([np.inf if f is None else float(f) for f in [*per_rule, None]])[at]
        floors.flags.writeable = False
        plan._cache["zone_max_floors"] = floors
        return floors

    def _search(self, plan: Plan, limit: int | None = None) -> pd.DataFrame:
        assert self.use is not None
        found = search(
            plan,
            use=self.use,
            min_area_m2=self.min_area_m2,
            communes=self.communes or None,
            sectors=self.sectors or None,
            max_floors=self.max_floors,
            statuses=self.statuses,
        )
        if self.families:
            found = found[found["family"].isin(self.families)]
        total = len(found)
        found = found.head(limit) if limit is not None else found
        found.attrs["total"] = total
        return found

    def results(self, plan: Plan, limit: int | None = 50) -> pd.DataFrame:
        """The zones the filter keeps, for the result list: plans in force first, then the largest.

        With a wanted use, these are :func:`terroffer.search`'s rows (its ranking, usable area
        and capacity); without one, the same columns for the zones the filter keeps.
        ``attrs["total"]`` is how many zones match before ``limit``.
        """
        if self.use:
            found = self._search(plan, limit)
            out = found.loc[:, list(LIST_COLUMNS)].reset_index(drop=True)
            out.attrs["total"] = found.attrs["total"]
            return out
        ids = self._ids(plan)
        idx = plan_index(plan)
        in_force = _zone_in_force(plan)[ids]
        # Rank on the zone's own area; the usable area is worked out for the rows shown only.
        order = np.lexsort((-idx.zone_area[ids], ~in_force))
        shown = ids[order] if limit is None else ids[order][:limit]
        found = search_rows(plan, shown)
        found.attrs["total"] = len(ids)
        return found


def _zone_in_force(plan: Plan) -> np.ndarray:
    """Whether each zone's plan is in force today, kept with the plan for the day."""
    today = dt.date.today()
    key = f"zone_in_force:{today.isoformat()}"
    cached = plan._cache.get(key)
    if cached is None:
        in_force_of = {pid: plan_in_force(info, today) for pid, info in plan_index(plan).plans.items()}
        plan_ids = plan.zones["plan_id"].to_numpy(dtype=object)
        cached = np.array([in_force_of.get(p, False) for p in plan_ids], dtype=bool)
        cached.flags.writeable = False
        plan._cache[key] = cached
    return cached


def search_rows(plan: Plan, ids: np.ndarray) -> pd.DataFrame:
    """The list columns for zones ``ids`` (rows of ``plan.zones``), in that order."""
    from terroffer.capacity import capacity
    from terroffer.reference import BUILDABLE_SECTORS

    idx = plan_index(plan)
    zones = plan.zones.iloc[ids]
    communes = plan.communes.set_index("code")
    communes = communes[~communes.index.duplicated()]
    area = idx.zone_area[ids]
    usable = np.maximum(area - _reserved_of(plan, ids), 0.0)
    keys = list(zip(zones["plan_id"].astype(str), zones["zone_code"].astype(str), strict=True))
    rules = [idx.rules.get(k) or {} for k in keys]
    pick = lambda name: np.array([r.get(name) for r in rules], dtype=object)  # noqa: E731
    built = capacity(
        usable,
        pick("cos"),
        pick("ces"),
        pick("max_floors"),
        buildable=zones["sector"].isin(BUILDABLE_SECTORS).to_numpy(dtype=bool),
    )
    commune = zones["commune"].astype(object)
    out = pd.DataFrame(
        {
            "zone_id": np.asarray(ids, dtype=np.int64),
            "zone_code": zones["zone_code"].to_numpy(dtype=object),
            "family": zones["family"].to_numpy(dtype=object),
            "sector": zones["sector"].to_numpy(dtype=object),
            "commune": commune.to_numpy(),
            "commune_fr": commune.map(communes["name_fr"]).to_numpy(dtype=object),
            "commune_ar": commune.map(communes["name_ar"]).to_numpy(dtype=object),
            "label_fr": zones["label_fr"].to_numpy(dtype=object),
            "label_ar": zones["label_ar"].to_numpy(dtype=object),
            "plan_id": zones["plan_id"].to_numpy(dtype=object),
            "plan_status": zone_statuses(plan)[ids],
            "in_force": [plan_in_force(idx.plans.get(p)) for p in zones["plan_id"]],
            "conditional": False,
            "area_m2": area,
            "usable_area_m2": usable,
            "max_floors": pick("max_floors"),
            "max_floor_area_m2": built.floor_area_m2,
        },
        columns=list(LIST_COLUMNS),
    )
    return out
