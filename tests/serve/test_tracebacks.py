"""A cell that fails shows the visitor no traceback, even where a config file asks for one."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from tests.serve.conftest import start_server, stop_server

pytestmark = pytest.mark.slow

SECRET = "internal-detail-4242"


def test_a_failing_cell_shows_no_traceback(tmp_path: Path) -> None:
    notebook = tmp_path / "fails.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(f"raise RuntimeError({SECRET!r})")]
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.write(nb, notebook)
    server = start_server(notebook=notebook, cwd=tmp_path, env={"TERROFFER_POOL_SIZE": "0"})
    try:
        status, html = server.get()
    finally:
        stop_server(server)
    assert status == 200
    assert "There was an error when executing cell" in html  # Voilà's neutral line instead
    assert SECRET not in html and "Traceback" not in html
