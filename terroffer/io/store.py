"""Write a plan as a canonical GeoPackage, all or nothing.

The GeoPackage is built in a temporary file beside the target and renamed into place
only when every layer has been written, so a failed import never damages the file
that was there before.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import pandas as pd
import pyogrio

from terroffer.errors import DataSourceError
from terroffer.model import USE_COLUMNS, Plan, join_uses

__all__ = ["write_plan"]


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


def write_plan(plan: Plan, path: str | os.PathLike[str]) -> Path:
    """Write ``plan`` to ``path`` as a GeoPackage with terroffer's five layers.

    Returns
    -------
    Path
        The written file.

    Raises
    ------
    DataSourceError
        When the file cannot be written; the previous file at ``path`` is left untouched.
    """
    target = Path(path)
    if target.suffix.lower() != ".gpkg":
        raise DataSourceError("error.output_not_gpkg", target)
    tmp: Path | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".gpkg", dir=target.parent)
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
        pyogrio.write_dataframe(meta, tmp, layer="terroffer_meta", driver="GPKG")
        os.replace(tmp, target)
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.FieldError, ValueError) as exc:
        raise DataSourceError("error.write_failed", target, reason=str(exc).splitlines()[0][:200]) from exc
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    return target
