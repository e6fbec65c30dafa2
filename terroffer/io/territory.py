"""The reference territory's communes, to tell which of two X/Y readings a file means.

In Skhirat-Témara Lambert X runs about 340–378 km and Y about 329–376 km: the two
ranges overlap, so coordinates with X and Y swapped still fall on the territory, in
another place. When a file without a CRS can be read both ways, the loader keeps the
X-first reading (the surveyors' convention) and says where each reading falls.

The communes come from the bundled sample's ``communes`` layer (real boundaries,
:func:`terroffer.io.sample.default_plan_path`), read once and cached.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyogrio
import shapely
from pyproj import CRS

from terroffer.errors import OptionError
from terroffer.model import TERRITORY_CRS

__all__ = ["ORDERS", "check_order", "commune_names_at", "order_readings", "swap_xy"]

#: The coordinate orders a caller may name: X first (east, then north), or Y first.
ORDERS = ("xy", "yx")


def check_order(order: str | None) -> str | None:
    """``order`` when it is ``"xy"``, ``"yx"`` or None.

    Raises
    ------
    OptionError
        For any other value.
    """
    if order is None:
        return None
    text = str(order).strip().lower()
    if text not in ORDERS:
        raise OptionError("error.bad_order", "order", value=str(order), orders=tuple(ORDERS))
    return text


def swap_xy(geoms: np.ndarray) -> np.ndarray:
    """The geometries with X and Y exchanged."""
    return shapely.transform(geoms, lambda xy: xy[:, ::-1])


@lru_cache(maxsize=4)
def _communes(path: str, mtime: float) -> tuple[np.ndarray, tuple[str, ...], tuple[str, ...]] | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            frame = pyogrio.read_dataframe(path, layer="communes", columns=["name_fr", "name_ar"])
    except Exception:  # no communes layer, or no readable sample: no territory to compare with
        return None
    if frame.empty or frame.crs is None:
        return None
    if not CRS.from_user_input(frame.crs).equals(CRS.from_user_input(TERRITORY_CRS)):
        frame = frame.to_crs(TERRITORY_CRS)
    geoms = np.asarray(frame.geometry.array, dtype=object)
    shapely.prepare(geoms)
    return geoms, tuple(map(str, frame["name_fr"])), tuple(map(str, frame["name_ar"]))


def _reference() -> tuple[np.ndarray, tuple[str, ...], tuple[str, ...]] | None:
    from terroffer.io.sample import default_plan_path

    path = Path(default_plan_path())
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    return _communes(str(path), mtime)


def commune_names_at(x: float, y: float) -> tuple[str, str] | None:
    """(French, Arabic) name of the reference commune at Lambert ``(x, y)``, or None off the territory."""
    ref = _reference()
    if ref is None or not (np.isfinite(x) and np.isfinite(y)):
        return None
    geoms, names_fr, names_ar = ref
    hits = np.flatnonzero(shapely.contains_xy(geoms, x, y))
    if not len(hits):
        return None
    return names_fr[hits[0]], names_ar[hits[0]]


def order_readings(x: float, y: float) -> tuple[tuple[str, str], tuple[str, str]] | None:
    """Where Lambert ``(x, y)`` falls read as given and read swapped, when both are on the territory.

    Returns
    -------
    ((commune_fr, commune_ar), (swapped_fr, swapped_ar)) or None
        None when at most one reading falls on the territory: then the order is not in doubt.
    """
    if abs(x - y) < 1.0:  # on the diagonal both readings are the same place
        return None
    given = commune_names_at(x, y)
    if given is None:
        return None
    swapped = commune_names_at(y, x)
    if swapped is None:
        return None
    return given, swapped
