"""Sources -> canonical model: format detection, encodings, CRS, schema profiles, stores."""

from terroffer.io.read import load_plan
from terroffer.io.store import write_plan

__all__ = ["load_plan", "write_plan"]
