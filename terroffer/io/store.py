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
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".gpkg", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
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
        for name, frame in layers:
            pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG")
        os.replace(tmp, target)
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.FieldError, ValueError) as exc:
        tmp.unlink(missing_ok=True)
        raise DataSourceError("error.write_failed", target, reason=str(exc).splitlines()[0][:200]) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return target
