"""Write a plan as a canonical GeoPackage, all or nothing, one writer at a time.

The GeoPackage is built in a temporary file beside the target and renamed into place
only when every layer has been written, so a failed import never damages the file
that was there before.

Two imports into one target are serialised by an exclusive lock (``fcntl.flock``) on a
lock file beside it (``.plan.gpkg.lock``): the second waits for the first, up to
:data:`LOCK_WAIT_S`, then refuses with :class:`~terroffer.errors.DataSourceError`;
neither result is lost silently. Because only the lock holder writes temporaries, any
temporary of that target found while holding the lock was left by a killed import: it
is removed before writing, so litter never outlives the next import.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio

from terroffer._output import check_output, check_output_dir
from terroffer.errors import DataSourceError

try:
    import fcntl
except ImportError:  # Windows: no flock; imports there are not serialised
    fcntl = None  # type: ignore[assignment]
from terroffer.model import USE_COLUMNS, Plan, join_uses

__all__ = ["LOCK_WAIT_S", "RESERVED_FOR", "RESERVED_LAYER", "reserved_stamp", "write_plan"]

#: How long (s) an import waits for another one writing the same target.
LOCK_WAIT_S = 600.0
_POLL_S = 0.1


#: The layer (no geometry) holding each zone's reserved area, one row per zone in the zones layer's
#: order, and the ``terroffer_meta`` key naming the geometry it was computed from.
RESERVED_LAYER = "terroffer_reserved"
RESERVED_FOR = "reserved_m2_for"


def reserved_stamp(zones_digest: str, reservations_digest: str, crs: str) -> str:
    """What the stored reserved areas hold for: both layers' geometry digests and the CRS of their areas."""
    return f"zones={zones_digest};reservations={reservations_digest};crs={crs}"


def _tmp_prefix(target: Path) -> str:
    return f".{target.name}.tmp-"


def lock_path(target: Path) -> Path:
    """The lock file of ``target``: hidden, beside it."""
    return target.with_name(f".{target.name}.lock")


@contextlib.contextmanager
def _exclusive(target: Path, wait_s: float) -> Iterator[None]:
    """Hold the target's lock, waiting for another writer up to ``wait_s`` seconds.

    The lock file stays in place: removing it would let a third writer lock a new
    file while the second still waits on the old one.
    """
    if fcntl is None:
        yield
        return
    fd = os.open(lock_path(target), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise DataSourceError("error.import_busy", target, seconds=int(wait_s)) from None
                time.sleep(_POLL_S)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _remove_stale(target: Path) -> None:
    """Temporaries of ``target`` left by a killed import (only the lock holder writes them)."""
    for stale in target.parent.glob(_tmp_prefix(target) + "*"):
        with contextlib.suppress(OSError):
            stale.unlink()


def _dates_as_text(df: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    df = df.copy()
    for col in columns:
        df[col] = pd.to_datetime(df[col]).dt.strftime("%Y-%m-%d").astype("object")
        df[col] = df[col].where(df[col].notna(), None)
    return df


def _verified_digests(plan: Plan, written: Path) -> dict[str, str]:
    """Digests of the polygon layers as written, for those that pass the loader's checks."""
    from terroffer.io._digest import read_layer_with_digest
    from terroffer.io.geometry import clean_polygons

    out: dict[str, str] = {}
    for name, frame, dedupe in (
        ("zones", plan.zones, ["zone_code"]),
        ("reservations", plan.reservations, None),
    ):
        if len(frame) == 0:
            continue
        _, problems = clean_polygons(frame, dedupe_on=dedupe)
        if not problems:
            out[f"{name}_verified"] = read_layer_with_digest(str(written), name, columns=[])[1]
    return out


def _reserved_table(plan: Plan, digests: dict[str, str]) -> tuple[str, pd.DataFrame] | None:
    """Each zone's reserved area, worked out once here so that no load pays for it (15 s on 100,000 zones).

    Only for a plan whose zones and reservations both pass the loader's checks: the loader then
    keeps every row in this order, and the digests say whether the geometry is still this one.
    Without reservations there is nothing to store: the area is 0 and costs nothing.
    """
    from terroffer._offer import _reserved_area
    from terroffer.io.crs import crs_label

    if len(plan.reservations) == 0 or not {"zones_verified", "reservations_verified"} <= set(digests):
        return None
    stamp = reserved_stamp(digests["zones_verified"], digests["reservations_verified"], crs_label(plan.crs))
    # From the geometry written, not from what the plan keeps: a plan edited in place without
    # plan.invalidate() would otherwise store stale areas under the new geometry's digests.
    reserved = _reserved_area(
        np.asarray(plan.zones.geometry.array, dtype=object),
        np.asarray(plan.reservations.geometry.array, dtype=object),
    )
    return stamp, pd.DataFrame({"reserved_m2": reserved})


def write_plan(plan: Plan, path: str | os.PathLike[str], *, wait_s: float = LOCK_WAIT_S) -> Path:
    """Write ``plan`` to ``path`` as a GeoPackage with terroffer's five layers.

    Another import writing ``path`` is waited for (up to ``wait_s`` seconds); the
    temporaries a killed import left beside ``path`` are removed.

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    DataSourceError
        When the file cannot be written, or another import kept it longer than
        ``wait_s``; the previous file at ``path`` is left untouched.
    OutputError
        ``path`` is a folder, lies under a regular file, or may not be written.
    """
    target = Path(path)
    if target.suffix.lower() != ".gpkg":
        raise DataSourceError("error.output_not_gpkg", target)
    # the one check every written file gets: a folder, or a path under a regular file, is said
    # as such (not as "[Errno 17] File exists"); the target's folder is made if missing
    check_output_dir(target.parent if str(target.parent) else ".")
    check_output(target)
    try:
        with _exclusive(target, wait_s):
            _remove_stale(target)
            _write(plan, target)
    except OSError as exc:
        raise DataSourceError("error.write_failed", target, reason=str(exc).splitlines()[0][:200]) from exc
    return target


def _write(plan: Plan, target: Path) -> None:
    tmp: Path | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=_tmp_prefix(target), suffix=".gpkg", dir=target.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        tmp.unlink()
        rules = plan.rules.copy()
        for col in USE_COLUMNS:
            rules[col] = rules[col].map(join_uses)
        layers = [
            ("zones", plan.zones),
            ("rules", rules),
            ("reservations", _dates_as_text(plan.reservations, ("effect_until",))),
            ("plans", _dates_as_text(plan.plans, ("approval_date", "valid_until"))),
            ("communes", plan.communes),
            (
                "terroffer_meta",
                pd.DataFrame(
                    {
                        "key": ["source", "crs", "written"],
                        "value": [plan.source.path, plan.source.crs, dt.datetime.now(dt.UTC).isoformat()],
                    }
                ),
            ),
        ]
        for name, frame in layers[:-1]:
            pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG")
        meta = layers[-1][1]
        digests = _verified_digests(plan, tmp)
        if digests:
            verified = pd.DataFrame({"key": list(digests), "value": list(digests.values())})
            meta = pd.concat([meta, verified], ignore_index=True)
        reserved = _reserved_table(plan, digests)
        if reserved is not None:
            stamp, table = reserved
            pyogrio.write_dataframe(table, tmp, layer=RESERVED_LAYER, driver="GPKG")
            stamped = pd.DataFrame({"key": [RESERVED_FOR], "value": [stamp]})
            meta = pd.concat([meta, stamped], ignore_index=True)
        pyogrio.write_dataframe(meta, tmp, layer="terroffer_meta", driver="GPKG")
        os.replace(tmp, target)
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.FieldError, ValueError) as exc:
        raise DataSourceError("error.write_failed", target, reason=str(exc).splitlines()[0][:200]) from exc
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
