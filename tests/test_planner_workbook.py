"""The planner's workbook (``notebooks/planner.ipynb``): documentation that runs, and what it writes.

It runs headless (nbclient, a real kernel) on the bundled plan in French and on the same
zoning written by hand to a single GeoJSON file (zones with their rules as columns, as an
agency might send it) in Arabic; every file it promises is then looked at. The workbook
rule it is held to, in place of the dashboards' "thin" rule, is checked without a kernel.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import terroffer
from terroffer.reference import translate

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[1]
WORKBOOK = ROOT / "notebooks" / "planner.ipynb"
ARABIC_LETTER = re.compile(r"[\u0600-\u06ff]")

#: The modules a workbook cell may import from: the public API and the documented modules.
ALLOWED_IMPORTS = {"os", "pathlib", "terroffer", "terroffer.render.tables", "terroffer.app.explorer"}
#: At most this many lines in one code cell: one step, explained by the markdown cell above it.
MAX_CELL_LINES = 10
USE_COLUMNS = ("allowed_uses", "conditional_uses", "forbidden_uses")


#: The one IPython magic a workbook may use: matplotlib figures made outside pyplot are shown as
#: pictures only once the inline backend's formatters are on (else a kernel shows "<Figure ...>").
ALLOWED_MAGICS = {"%matplotlib inline"}


def _code_cells(nb) -> list:  # type: ignore[no-untyped-def]
    return [c for c in nb.cells if c.cell_type == "code"]


def _python(source: str) -> str:
    """A cell's source without its magic lines, refused unless allowed, for :mod:`ast`."""
    magics = {line.strip() for line in source.splitlines() if line.lstrip().startswith("%")}
    assert magics <= ALLOWED_MAGICS, magics
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("%"))


def _run(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> tuple[object, str]:
    """Execute the workbook with ``env``; return the executed notebook and its printed text."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(WORKBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(WORKBOOK.parent)}}
    )
    client.execute()
    outputs = [o for c in _code_cells(nb) for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    printed = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    # the chart and the plot's map are shown in the notebook as pictures, not as "<Figure size ...>"
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 2
    return nb, printed


def _assert_outputs(folder: Path, lang: str) -> None:
    """Every file the workbook says it writes is there and is what its name says."""
    assert (folder / "note.pdf").read_bytes().startswith(b"%PDF")
    note = (folder / "note.html").read_text(encoding="utf-8")
    assert note.lstrip().lower().startswith("<!doctype html")
    assert ('dir="rtl"' in note) == (lang == "ar")
    for png in ("territory.png", "capacity.png", "housing-per-inhabitant.png"):
        assert (folder / png).read_bytes().startswith(b"\x89PNG\r\n\x1a\n"), png
    assert (folder / "offer.xlsx").read_bytes().startswith(b"PK")  # a workbook is a zip archive
    web = (folder / "tourism.html").read_text(encoding="utf-8")
    assert "leaflet" in web.lower() and "tile.openstreetmap" not in web  # offline: no tile server
    pack = folder / "pack"
    assert (pack / "index.html").is_file()
    for sub in ("maps", "charts", "thumbs"):
        assert any((pack / sub).glob("*.png")), sub
    assert any((pack / "maps").glob("*.html"))
    assert (pack / "tables" / "offer.csv").is_file() and (pack / "tables" / "offer.xlsx").is_file()


def _geojson_plan(path: Path) -> Path:
    """The bundled zoning as one GeoJSON file in lon/lat: zones with their rules as columns.

    Uses are written as a planner types them in a table, ``villa;dwelling``; the file says
    nothing of the plans' status nor of the communes, as such a file would not.
    """
    sample = terroffer.load_plan(terroffer.SAMPLE_PLAN)
    rules = sample.rules.copy()
    for col in USE_COLUMNS:
        rules[col] = rules[col].map(lambda uses: ";".join(uses) if isinstance(uses, tuple) else uses)
    zones = sample.zones.merge(rules, on=["plan_id", "zone_code"], how="left")
    zones.to_crs("EPSG:4326").to_file(path, driver="GeoJSON")
    return path


@pytest.mark.slow
def test_workbook_runs_on_the_bundled_plan_and_writes_everything_under_out(tmp_path, monkeypatch):
    before = sorted(p.name for p in WORKBOOK.parent.iterdir())
    out = tmp_path / "out"
    _, printed = _run(
        {"TERROFFER_PLAN": str(terroffer.SAMPLE_PLAN), "TERROFFER_OUT": str(out), "TERROFFER_LANG": "fr"},
        monkeypatch,
    )
    assert "skhirat-temara.gpkg" in printed
    assert translate("report.title", "fr", source=str(terroffer.SAMPLE_PLAN)) in printed
    assert "Usages autorisés" in printed and "Hôtel" in printed  # the plot's uses, named in French
    # one folder per language under OUT, nothing else beside it
    assert [p.name for p in out.iterdir()] == ["fr"]
    _assert_outputs(out / "fr", "fr")
    # the repository's notebook folder is left as it was: nothing written beside the workbook
    assert sorted(p.name for p in WORKBOOK.parent.iterdir()) == before


@pytest.mark.slow
def test_workbook_runs_on_a_geojson_plan_in_arabic(tmp_path, monkeypatch):
    source = _geojson_plan(tmp_path / "zonage.geojson")
    out = tmp_path / "out"
    _, printed = _run(
        {"TERROFFER_PLAN": str(source), "TERROFFER_OUT": str(out), "TERROFFER_LANG": "ar"}, monkeypatch
    )
    assert str(source) in printed  # the workbook read the planner's file, not the sample
    # the GeoJSON says no plan status: the loader warns, and the workbook shows it, in Arabic
    warning = terroffer.load_plan(source).warnings[0].message("ar")
    assert warning in printed and ARABIC_LETTER.search(warning)
    assert translate("report.title", "ar", source=str(source)) in printed
    # the plot's uses read back from "shop;office;..." are named in Arabic, not left as codes
    assert "'shop'" not in printed and "shop" not in printed
    assert [p.name for p in out.iterdir()] == ["ar"]
    _assert_outputs(out / "ar", "ar")


# ------------------------------------------------------------------ the workbook rule, no kernel


def test_workbook_cells_are_short_explained_steps():
    """Each step is a short cell under the markdown cell that explains it, in French and Arabic.

    The dashboards' rule (``test_notebooks_are_thin``: 15 code lines in all) cannot hold for a
    notebook whose purpose is to show the API; a workbook declares ``"terroffer": {"kind":
    "workbook"}`` in its metadata and is held to this rule instead.
    """
    nb = nbformat.read(WORKBOOK, as_version=4)
    assert nb.metadata["terroffer"]["kind"] == "workbook"
    cells = nb.cells
    assert cells[0].cell_type == "markdown"
    for before, cell in zip(cells, cells[1:], strict=False):
        if cell.cell_type == "code":
            assert before.cell_type == "markdown", cell.source
            assert len(cell.source.splitlines()) <= MAX_CELL_LINES, cell.source
            assert not cell.outputs and cell.execution_count is None  # stored clean
    markdown = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    assert len(ARABIC_LETTER.findall(markdown)) > 50  # Arabic where useful: every heading
    assert "Valider" in markdown and "dossier" in markdown


def test_workbook_uses_only_the_public_api():
    nb = nbformat.read(WORKBOOK, as_version=4)
    public = set(terroffer.__all__)
    for cell in _code_cells(nb):
        tree = ast.parse(_python(cell.source))
        for node in ast.walk(tree):
            assert not isinstance(node, ast.FunctionDef | ast.ClassDef | ast.Lambda), cell.source
            if isinstance(node, ast.Import):
                assert {a.name for a in node.names} <= ALLOWED_IMPORTS, cell.source
            if isinstance(node, ast.ImportFrom):
                assert node.module in ALLOWED_IMPORTS, cell.source
                assert not [a.name for a in node.names if a.name.startswith("_")], cell.source
            if isinstance(node, ast.Attribute):
                assert not node.attr.startswith("_"), cell.source
                if isinstance(node.value, ast.Name) and node.value.id == "terroffer":
                    assert node.attr in public, node.attr


def test_workbook_settings_are_one_cell_at_the_top():
    """Plan, language, output folder and plot: one variable each, with the environment's defaults."""
    first = _code_cells(nbformat.read(WORKBOOK, as_version=4))[0].source
    names = {
        target.id
        for node in ast.parse(_python(first)).body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert {"PLAN", "LANG", "OUT", "PLOT"} <= names
    assert "TERROFFER_LANG" in first and "TERROFFER_OUT" in first
    assert "terroffer.default_plan_path()" in first  # TERROFFER_PLAN, else the sample
