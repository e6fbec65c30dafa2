"""terroffer: the territorial offer of zoning plans, for the people who want to invest in it.

Load real zoning plans into one canonical model, check them, and answer questions
about them. The public API is re-exported here.
"""

from importlib.metadata import PackageNotFoundError, version

from terroffer.errors import (
    CRSError,
    DataSourceError,
    EncodingError,
    PlotInputError,
    SchemaError,
    TerrofferError,
)
from terroffer.io import load_plan, write_plan
from terroffer.model import TERRITORY_CRS, Notice, Plan, Problem, SourceInfo
from terroffer.validate import Report, validate

try:
    __version__ = version("terroffer")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

__all__ = [
    "CRSError",
    "DataSourceError",
    "EncodingError",
    "Notice",
    "Plan",
    "PlotInputError",
    "Problem",
    "Report",
    "SchemaError",
    "SourceInfo",
    "TERRITORY_CRS",
    "TerrofferError",
    "__version__",
    "load_plan",
    "validate",
    "write_plan",
]
