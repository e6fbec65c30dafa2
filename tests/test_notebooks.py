"""Every notebook runs from top to bottom without error (nbclient, a real kernel)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SAMPLE = ROOT / "data" / "zoning" / "skhirat-temara.gpkg"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path, monkeypatch, tmp_path):
    monkeypatch.setenv("TERROFFER_PLAN", str(SAMPLE))
    monkeypatch.setenv("TERROFFER_OUT", str(tmp_path))  # where a workbook writes: never the repository
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors
    assert os.environ["TERROFFER_PLAN"] == str(SAMPLE)


def test_notebooks_are_thin():
    """Dashboards are thin clients: the wiring lives in the package, where it is tested."""
    assert NOTEBOOKS, "no notebook found"
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        if nb.metadata.get("terroffer", {}).get("kind") == "workbook":
            continue  # documentation that runs: held to tests/test_planner_workbook.py's rule instead
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert sum(len(c.source.splitlines()) for c in code) <= 15, path.name
