"""The public API: everything a user needs is importable from ``terroffer``, and only that.

Also checks that the names are not shadowed by modules, that ``import terroffer`` leaves
the drawing libraries unloaded, and that the README's tour runs as written.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

import terroffer

ROOT = Path(__file__).resolve().parents[1]

#: What the issue asks terroffer itself to serve (issue 7, section 4), besides the errors.
REQUIRED = {
    "load_plan",
    "offer",
    "search",
    "lookup",
    "validate",
    "read_plot",
    "plot_from_point",
    "select_zones",
    "zone_map",
    "static_map",
    "note_html",
    "note_pdf",
    "export_pack",
    # result types
    "Plan",
    "Lookup",
    "Capacity",
    "ZoneHit",
    "ReservationHit",
    "PlanStatus",
    "Report",
    "Plot",
    "Notice",
    "Problem",
    # errors
    "TerrofferError",
    "DataSourceError",
    "CRSError",
    "EncodingError",
    "SchemaError",
    "PlotInputError",
    "FilterError",
    "OptionError",
    "OutputError",
}
#: Functions whose name is also a concept a module might be named after.
FUNCTIONS = ("offer", "search", "lookup", "validate", "select_zones", "read_plot", "load_plan")
#: Libraries only the drawing functions need; ``import terroffer`` must not load them.
HEAVY = ("matplotlib", "folium", "fpdf", "branca", "ipywidgets", "voila", "openpyxl", "segno")


def test_all_is_sorted_and_without_repeats():
    assert terroffer.__all__ == sorted(terroffer.__all__)
    assert len(set(terroffer.__all__)) == len(terroffer.__all__)


def test_required_names_are_public():
    assert set(terroffer.__all__) >= REQUIRED, REQUIRED - set(terroffer.__all__)


@pytest.mark.parametrize("name", terroffer.__all__)
def test_every_public_name_resolves(name):
    assert getattr(terroffer, name) is not None
    assert name in dir(terroffer)


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_thing"):
        terroffer.no_such_thing  # noqa: B018


def test_lazy_names_are_the_modules_functions():
    assert terroffer.zone_map is importlib.import_module("terroffer.render.webmap").zone_map
    assert terroffer.note_pdf is importlib.import_module("terroffer.render.note").note_pdf
    assert terroffer.export_pack is importlib.import_module("terroffer.export").export_pack
    assert terroffer.static_map is importlib.import_module("terroffer.render.static").static_map


@pytest.mark.parametrize("name", FUNCTIONS)
def test_functions_are_not_shadowed_by_modules(name):
    # Importing a submodule sets it as an attribute of its package: a module
    # terroffer/offer.py would replace the function terroffer.offer once imported.
    assert importlib.util.find_spec(f"terroffer.{name}") is None
    assert inspect.isfunction(getattr(terroffer, name))


def test_computation_modules_are_private():
    for name in ("_offer", "_lookup", "_validate"):
        assert importlib.util.find_spec(f"terroffer.{name}") is not None
    assert terroffer.offer.__module__ == "terroffer._offer"
    assert terroffer.lookup.__module__ == "terroffer._lookup"
    assert terroffer.validate.__module__ == "terroffer._validate"


def test_errors_rest_on_the_built_ins():
    assert issubclass(terroffer.DataSourceError, RuntimeError)
    assert issubclass(terroffer.CRSError, terroffer.DataSourceError)
    assert issubclass(terroffer.FilterError, ValueError)
    assert issubclass(terroffer.PlotInputError, ValueError)
    assert issubclass(terroffer.OutputError, OSError)
    for name in ("DataSourceError", "FilterError", "OptionError", "OutputError", "PlotInputError"):
        assert issubclass(getattr(terroffer, name), terroffer.TerrofferError)


def test_version_is_a_string():
    assert re.match(r"^\d+(\.\d+)*|0\+unknown$", terroffer.__version__)


def test_import_terroffer_leaves_the_drawing_libraries_unloaded():
    # In a fresh interpreter: this one has loaded them already for other tests.
    code = (
        "import sys, terroffer\n"
        f"heavy = {HEAVY!r}\n"
        "print(','.join(sorted({m.split('.')[0] for m in sys.modules} & set(heavy))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == ""


def test_default_plan_is_the_bundled_sample(monkeypatch):
    monkeypatch.delenv("TERROFFER_PLAN", raising=False)
    path = terroffer.default_plan_path()
    package = Path(terroffer.__file__).resolve().parent
    # Inside the package (package data), not found through the source tree above it.
    assert path.resolve().is_relative_to(package)
    assert path.exists()
    monkeypatch.setenv("TERROFFER_PLAN", "/somewhere/else.gpkg")
    assert terroffer.default_plan_path() == Path("/somewhere/else.gpkg")


# ----------------------------------------------------------------------------- the README's tour


def _readme_python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def test_readme_tour_uses_the_public_api():
    code = "\n".join(_readme_python_blocks())
    assert code, "the README has no python block"
    # The tour imports nothing but terroffer itself: no private module, no submodule.
    imports = re.findall(r"^\s*(?:from|import)\s+([\w.]+)", code, flags=re.MULTILINE)
    assert set(imports) == {"terroffer"}, imports
    for name in ("offer", "search", "lookup", "read_plot", "zone_map", "validate"):
        assert f"terroffer.{name}(" in code, name


@pytest.mark.slow
def test_readme_tour_runs_on_the_sample(monkeypatch, tmp_path):
    # The tour loads the default plan (the bundled sample); what it writes lands in tmp_path.
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TERROFFER_PLAN", raising=False)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace: dict[str, object] = {"__name__": "readme"}
    for i, block in enumerate(_readme_python_blocks()):
        exec(compile(block, f"README.md python block {i + 1}", "exec"), namespace)
    assert isinstance(namespace["plan"], terroffer.Plan)
    # The tour's plot: corners 30 m apart in X and 25 m in Y, so 750 m².
    assert namespace["result"].plot_area_m2 == pytest.approx(30 * 25)
    for written in ("note.pdf", "tourism.html", "temara.png", "pack/index.html"):
        assert (tmp_path / written).stat().st_size > 0, written
