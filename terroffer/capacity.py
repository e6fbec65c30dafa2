"""The buildable-capacity rule: one function for the plot look-up and the offer alike.

What the règlement allows on a net area (the land left once reservations are taken
out) is bound by two rules at once:

- the COS (*coefficient d'occupation du sol*) caps the floor area at ``net × COS``;
- the CES (*coefficient d'emprise au sol*) caps the footprint at ``net × CES``, and the
  floors cap the floor area at ``footprint × floors``.

The floor area is the smaller of the two caps where both are known, the one that is
known otherwise, and unknown when neither is. A sector that is not buildable
(:data:`terroffer.reference.BUILDABLE_SECTORS`) has a capacity of 0. A rule value
outside its plausible range (``reference/rule_ranges.json``: COS < 0, CES outside 0–1,
negative floors or heights) never enters a capacity: it counts as unknown, and
``validate`` reports it. ``docs/data-model.md`` says the same for planners.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from terroffer.reference import _load

__all__ = ["RULE_RANGES", "CapacityArrays", "capacity", "implausible", "implausible_value", "plausible"]

#: ``{column: (low, high)}``; ``None`` is no bound.
RULE_RANGES: dict[str, tuple[float | None, float | None]] = {
    k: (v[0], v[1]) for k, v in _load("rule_ranges.json").items()
}

BASIS_COS = "cos"
BASIS_CES_FLOORS = "ces×floors"
BASIS_NOT_BUILDABLE = "not_buildable"
BASIS_UNKNOWN = "unknown"


def _as_float(values: Any) -> np.ndarray:
    """A writable float array; what is not a number becomes NaN."""
    try:
        # numbers and None (the look-up's scalars): no pandas on the hot path
        return np.atleast_1d(np.array(values, dtype="float64"))
    except (TypeError, ValueError):
        series = pd.Series(np.atleast_1d(np.asarray(values, dtype=object)))
        return np.array(pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan))


def plausible(column: str, values: Any) -> np.ndarray:
    """``values`` as floats, with missing and implausible ones set to NaN."""
    out = _as_float(values)
    low, high = RULE_RANGES.get(column, (None, None))
    bad = np.zeros(len(out), dtype=bool)
    with np.errstate(invalid="ignore"):
        if low is not None:
            bad |= out < low
        if high is not None:
            bad |= out > high
    out[bad] = np.nan
    return out


def implausible_value(column: str, value: Any) -> bool:
    """Whether one rule figure is given but outside its plausible range (``cos`` -5, ``ces`` 7)."""
    raw = _as_float([value])
    return bool(~np.isnan(raw[0]) & np.isnan(plausible(column, raw)[0]))


def implausible(rules: pd.DataFrame) -> pd.DataFrame:
    """Boolean frame: True where a rule value is present but outside its plausible range."""
    out = pd.DataFrame(index=rules.index)
    for column in RULE_RANGES:
        if column not in rules.columns:
            continue
        raw = _as_float(rules[column].to_numpy())
        out[column] = ~np.isnan(raw) & np.isnan(plausible(column, raw))
    return out


@dataclass(frozen=True)
class CapacityArrays:
    """Footprint and floor area (m², NaN where unknown) and how each was found."""

    footprint_m2: np.ndarray
    floor_area_m2: np.ndarray
    basis: np.ndarray


def capacity(
    net_m2: Any,
    cos: Any,
    ces: Any,
    floors: Any,
    *,
    buildable: Any = True,
) -> CapacityArrays:
    """The capacity of net areas under their rules, vectorised.

    Parameters
    ----------
    net_m2
        Net areas (m²): the land left to the owner.
    cos, ces, floors
        The rules of each area's zone; missing or implausible values count as unknown.
    buildable
        Whether each area's sector is buildable; where not, footprint and floor area are 0.

    Returns
    -------
    CapacityArrays
        ``basis`` is ``"cos"``, ``"ces×floors"``, ``"not_buildable"`` or ``"unknown"``.
    """
    net = _as_float(net_m2)
    n = len(net)

    def full(values: Any, column: str) -> np.ndarray:
        arr = plausible(column, values)
        return np.broadcast_to(arr, (n,)).copy() if len(arr) == 1 and n != 1 else arr

    c_os, c_es, fl = full(cos, "cos"), full(ces, "ces"), full(floors, "max_floors")
    build = np.broadcast_to(np.asarray(buildable, dtype=bool), (n,))
    footprint = net * c_es
    by_cos = net * c_os
    stacked = footprint * fl
    floor_area = np.fmin(by_cos, stacked)  # NaN only where both are unknown
    basis = np.full(n, BASIS_UNKNOWN, dtype=object)
    basis[~np.isnan(stacked)] = BASIS_CES_FLOORS
    with np.errstate(invalid="ignore"):
        basis[~np.isnan(by_cos) & ~(stacked < by_cos)] = BASIS_COS
    footprint = np.where(build, footprint, 0.0)
    floor_area = np.where(build, floor_area, 0.0)
    basis[~build] = BASIS_NOT_BUILDABLE
    return CapacityArrays(footprint, floor_area, basis)
