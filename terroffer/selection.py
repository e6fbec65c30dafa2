"""Which zones a question is about: the one zone filter of the offer, search, maps and charts.

Filters take codes or names in any language, forgiving of case and accents, as one
string or several. A name that matches nothing is never answered with an empty
table: it raises :class:`~terroffer.errors.FilterError` with the nearest known names
("did you mean Témara?").

A plan whose status the source does not give (a plain Shapefile, GeoJSON, KML or DXF)
has the status ``"unknown"``: it is counted by default, marked "status unknown" in
every output, and ``statuses=["unknown"]`` selects it alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from terroffer.errors import FilterError
from terroffer.model import PLAN_STATUSES, Plan
from terroffer.reference import (
    FAMILIES,
    LANGUAGES,
    SECTORS,
    USES,
    nearest_names,
    normalize_key,
    query_family,
    query_sector,
    query_use,
    translate,
)

__all__ = [
    "OFFER_STATUSES",
    "SEARCH_STATUSES",
    "STATUS_UNKNOWN",
    "STATUSES",
    "as_names",
    "resolve_communes",
    "resolve_families",
    "resolve_sectors",
    "resolve_statuses",
    "resolve_use",
    "select_zones",
    "zone_statuses",
]

#: The status of a plan whose source does not say it.
STATUS_UNKNOWN = "unknown"
#: Every status a filter accepts.
STATUSES: tuple[str, ...] = (*PLAN_STATUSES, STATUS_UNKNOWN)
#: What the offer counts by default: plans in force, and plans whose status is unknown.
OFFER_STATUSES: tuple[str, ...] = ("approved", STATUS_UNKNOWN)
#: What the search looks through by default (drafts are ranked after plans in force).
SEARCH_STATUSES: tuple[str, ...] = ("approved", "under_study", STATUS_UNKNOWN)


def as_names(names: str | Iterable[Any] | None) -> list[str] | None:
    """A filter's names as a list: one string is one name, not its letters."""
    if names is None:
        return None
    if isinstance(names, str):
        return [names]
    return [str(n) for n in names]


#: The API keyword of each kind of filter, named in its errors (the CLI names its option instead).
_KEYWORDS = {
    "commune": "communes",
    "sector": "sectors",
    "family": "families",
    "status": "statuses",
    "use": "use",
}


def _unknown(
    kind: str, value: str, candidates: Iterable[str], known: Iterable[str] | None = None
) -> FilterError:
    """The error for a name that matched nothing: the nearest names, else the known ones."""
    candidates = list(dict.fromkeys(c for c in candidates if c))
    close = nearest_names(value, candidates)
    source = _KEYWORDS[kind]
    if close:
        return FilterError("error.unknown_name", source, kind=kind, value=value, suggestions=tuple(close))
    listed = list(dict.fromkeys(known)) if known is not None else candidates
    return FilterError("error.unknown_name_known", source, kind=kind, value=value, known=tuple(listed[:15]))


def _catalogue_names(table: dict[str, dict[str, Any]]) -> list[str]:
    return [*table, *(n for entry in table.values() for n in entry.get("name", {}).values())]


def _resolve(
    kind: str, names: str | Iterable[Any] | None, query: Any, table: dict[str, Any]
) -> set[str] | None:
    wanted = as_names(names)
    if wanted is None:
        return None
    out = set()
    for name in wanted:
        key = query(name)
        if key is None:
            raise _unknown(kind, name, _catalogue_names(table), known=table)
        out.add(key)
    return out


def resolve_sectors(names: str | Iterable[Any] | None) -> set[str] | None:
    """Sector ids for ids or names in any language; None stays None (no filter)."""
    return _resolve("sector", names, query_sector, SECTORS)


def resolve_families(names: str | Iterable[Any] | None) -> set[str] | None:
    """Family ids for ids or names in any language; None stays None (no filter)."""
    return _resolve("family", names, query_family, FAMILIES)


def resolve_use(name: str) -> str:
    """The use code for a code or a name in any language (``"Hôtel"`` -> ``"hotel"``)."""
    found = _resolve("use", name, query_use, USES)
    assert found is not None
    return found.pop()


def _status_names() -> dict[str, str]:
    index: dict[str, str] = {}
    for status in STATUSES:
        index[normalize_key(status)] = status
        for lang in LANGUAGES:
            index.setdefault(normalize_key(translate(f"status.{status}", lang)), status)
    return index


def resolve_statuses(names: str | Iterable[Any] | None) -> tuple[str, ...] | None:
    """Plan statuses for ids or names in any language (``"approuvé"``, ``"unknown"``)."""
    wanted = as_names(names)
    if wanted is None:
        return None
    index = _status_names()
    out = []
    for name in wanted:
        status = index.get(normalize_key(name))
        if status is None:
            names = [translate(f"status.{s}", lang) for s in STATUSES for lang in LANGUAGES]
            raise _unknown("status", name, [*STATUSES, *names], known=STATUSES)
        out.append(status)
    return tuple(dict.fromkeys(out))


def resolve_communes(plan: Plan, names: str | Iterable[Any] | None) -> set[str] | None:
    """Commune codes (as the zones carry them) for codes or names in French or Arabic."""
    wanted = as_names(names)
    if wanted is None:
        return None
    communes = plan.communes
    index: dict[str, str] = {}
    for code, fr, ar in zip(communes["code"], communes["name_fr"], communes["name_ar"], strict=True):
        for name in (code, fr, ar):
            if isinstance(name, str) and name:
                index.setdefault(normalize_key(name), str(code))
    # zones may name communes the communes layer does not hold
    for code in plan.zones["commune"].dropna().unique():
        index.setdefault(normalize_key(code), str(code))
    out = set()
    for name in wanted:
        code = index.get(normalize_key(name))
        if code is None:
            names_known = [n for n in (*communes["name_fr"], *communes["name_ar"]) if isinstance(n, str)]
            names_known += [str(c) for c in plan.zones["commune"].dropna().unique()]
            raise _unknown("commune", name, names_known)
        out.add(code)
    return out


def zone_statuses(plan: Plan) -> np.ndarray:
    """The status of each zone's plan (``"unknown"`` where the plan does not say), kept with the plan."""
    cached = plan._cache.get("zone_status")
    if cached is not None:
        return cached
    by_plan = plan.plans.set_index("plan_id")["status"]
    by_plan = by_plan[~by_plan.index.duplicated()]
    status = pd.Series(plan.zones["plan_id"].to_numpy(dtype=object)).map(by_plan)
    status = status.where(status.isin(PLAN_STATUSES), STATUS_UNKNOWN)
    out = status.to_numpy(dtype=object)
    plan._cache["zone_status"] = out
    return out


def select_zones(
    plan: Plan,
    *,
    statuses: str | Sequence[str] | None = None,
    communes: str | Iterable[str] | None = None,
    sectors: str | Iterable[str] | None = None,
    families: str | Iterable[str] | None = None,
) -> np.ndarray:
    """Which rows of ``plan.zones`` the filters keep, as a boolean array.

    Parameters
    ----------
    statuses
        Plan statuses (ids or names in any language, ``"unknown"`` included); None keeps all.
    communes, sectors, families
        Codes or names in any language; None keeps all.

    Raises
    ------
    FilterError
        A name that matches nothing, with the nearest known names.
    """
    zones = plan.zones
    keep = np.ones(len(zones), dtype=bool)
    wanted_status = resolve_statuses(statuses)
    if wanted_status is not None:
        keep &= np.isin(zone_statuses(plan), list(wanted_status))
    codes = resolve_communes(plan, communes)
    if codes is not None:
        keep &= zones["commune"].isin(codes).to_numpy(dtype=bool)
    for column, wanted in (("sector", resolve_sectors(sectors)), ("family", resolve_families(families))):
        if wanted is not None:
            keep &= zones[column].isin(wanted).to_numpy(dtype=bool)
    return keep
