"""terroffer: the territorial offer of zoning plans, for the people who want to invest in it.

Load real zoning plans into one canonical model, check them, and answer questions
about them. The public API is re-exported here; the drawing functions (maps, charts,
notes, the presentation pack) are imported on first use, so that ``import terroffer``
and the command line stay quick.
"""

from __future__ import annotations

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from terroffer._lookup import Capacity, Lookup, PlanStatus, ReservationHit, ZoneHit, lookup, lookup_points
from terroffer._offer import offer, search
from terroffer._validate import Report, validate
from terroffer.errors import (
    CRSError,
    DataSourceError,
    EncodingError,
    FilterError,
    OptionError,
    OutputError,
    PlotInputError,
    SchemaError,
    TerrofferError,
)
from terroffer.io import load_plan, write_plan
from terroffer.io.sample import SAMPLE_PLAN, default_plan_path
from terroffer.model import TERRITORY_CRS, Notice, Plan, Problem, SourceInfo
from terroffer.plot_input import Plot, plot_from_point, read_plot
from terroffer.selection import select_zones

try:
    __version__ = version("terroffer")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

#: Public names served from modules that import matplotlib, folium or fpdf2.
_LAZY = {
    "area_by_sector_chart": "terroffer.render.charts",
    "capacity_chart": "terroffer.render.charts",
    "export_pack": "terroffer.export",
    "note_html": "terroffer.render.note",
    "note_pdf": "terroffer.render.note",
    "per_inhabitant_chart": "terroffer.render.charts",
    "save_map": "terroffer.render.webmap",
    "static_map": "terroffer.render.static",
    "zone_map": "terroffer.render.webmap",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'terroffer' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "CRSError",
    "Capacity",
    "DataSourceError",
    "EncodingError",
    "FilterError",
    "Lookup",
    "Notice",
    "OptionError",
    "OutputError",
    "Plan",
    "PlanStatus",
    "Plot",
    "PlotInputError",
    "Problem",
    "Report",
    "ReservationHit",
    "SAMPLE_PLAN",
    "SchemaError",
    "SourceInfo",
    "TERRITORY_CRS",
    "TerrofferError",
    "ZoneHit",
    "__version__",
    "area_by_sector_chart",
    "capacity_chart",
    "default_plan_path",
    "export_pack",
    "load_plan",
    "lookup",
    "lookup_points",
    "note_html",
    "note_pdf",
    "offer",
    "per_inhabitant_chart",
    "plot_from_point",
    "read_plot",
    "save_map",
    "search",
    "select_zones",
    "static_map",
    "validate",
    "write_plan",
    "zone_map",
]
