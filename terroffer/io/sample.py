"""Where the plan comes from when none is named: ``TERROFFER_PLAN``, else the bundled sample."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["SAMPLE_PLAN", "default_plan_path"]

#: The bundled illustrative plan of the prefecture of Skhirat-Témara. It is package data
#: (``terroffer/data/``), so an installed wheel finds it as the source tree does;
#: ``data/zoning/skhirat-temara.gpkg`` at the top of the repository is a link to it.
SAMPLE_PLAN = Path(__file__).resolve().parents[1] / "data" / "skhirat-temara.gpkg"


def default_plan_path() -> Path:
    """``TERROFFER_PLAN`` when set, else the bundled Skhirat-Témara sample."""
    env = os.environ.get("TERROFFER_PLAN")
    return Path(env) if env else SAMPLE_PLAN
