"""The package installs as a wheel and works from anywhere, with no help from the source tree.

The wheel is built from a copy of the repository (offline: no build isolation, the
venv's setuptools), installed without ``-e`` into a temporary folder, and run from
another folder with ``PYTHONPATH`` pointing there. Anything the package still found
through the source tree (``Path(__file__).parents[2]``) would be missing there.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _setuptools_builds_wheels() -> bool:
    try:
        major = int(version("setuptools").split(".")[0])
    except Exception:
        return False
    return major >= 77  # the SPDX license string and the built-in bdist_wheel


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> dict[str, Path]:
    """Build the wheel, install it into ``site``; returns the wheel, ``site`` and a foreign cwd."""
    if not _setuptools_builds_wheels():
        pytest.skip("needs setuptools>=77 in the venv to build offline (pip install -e '.[test]')")
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    # A copy, so that the build's build/ and egg-info litter stays out of the shared tree.
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(
        ROOT / "terroffer", src / "terroffer", ignore=shutil.ignore_patterns("__pycache__", "*.aux.xml")
    )
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    subprocess.run(
        [*pip, "wheel", str(src), "--no-deps", "--no-build-isolation", "--no-index", "-w", str(tmp / "dist")],
        check=True,
        capture_output=True,
    )
    (wheel,) = (tmp / "dist").glob("terroffer-*.whl")
    site = tmp / "site"
    subprocess.run(
        [*pip, "install", "--no-deps", "--no-index", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    return {"wheel": wheel, "site": site, "cwd": elsewhere, "src": src}


def _env(site: Path) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(site), PYTHONIOENCODING="utf-8", MPLBACKEND="Agg")
    env.pop("TERROFFER_PLAN", None)  # the default plan must be the bundled one
    return env


def _run(installed: dict[str, Path], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=installed["cwd"],
        env=_env(installed["site"]),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_wheel_holds_the_sample_the_notebooks_and_the_template(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    assert "terroffer/data/skhirat-temara.gpkg" in names
    assert "terroffer/app/notebooks/explorer.ipynb" in names
    assert "terroffer/app/share/voila/templates/terroffer/index.html.j2" in names
    assert "terroffer/reference/i18n/ar/terms.json" in names
    # Nothing from outside the package rides along.
    assert not [n for n in names if n.split("/")[0] not in {"terroffer", "terroffer-0.1.0.dist-info"}]


def test_wheel_holds_every_file_of_the_package(installed):
    # A data file left out of [tool.setuptools.package-data] would exist only in the source tree.
    src = installed["src"]
    tree = {p.relative_to(src).as_posix() for p in (src / "terroffer").rglob("*") if p.is_file()}
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    assert tree - names == set()


def test_installed_package_loads_the_bundled_sample_by_default(installed):
    code = (
        "import terroffer\n"
        "plan = terroffer.load_plan()\n"
        "print(terroffer.__file__)\n"
        "print(plan.source.path)\n"
        "print(len(plan.zones))\n"
    )
    done = _run(installed, "-c", code)
    assert done.returncode == 0, done.stderr
    module, source, zones = done.stdout.split("\n")[:3]
    site = str(installed["site"].resolve())
    assert module.startswith(site), module  # not the repository's copy
    assert source.startswith(site), source
    assert Path(source).name == "skhirat-temara.gpkg"
    assert int(zones) >= 2000  # tests/test_sample_data.py: the sample has at least 2,000 zones


def test_installed_command_line_prints_the_offer(installed):
    done = _run(installed, "-m", "terroffer.cli", "offer", "--lang", "fr")
    assert done.returncode == 0, done.stderr
    # The sample's communes (tests/test_sample_data.py) appear as rows of the table.
    assert "Témara" in done.stdout
    assert "Skhirate" in done.stdout
    assert "Traceback" not in done.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_installed_dashboard_serves_the_explorer(installed):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "terroffer.cli", "dashboard", "--port", str(port)],
        cwd=installed["cwd"],
        env=_env(installed["site"]),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # one process group: the launcher and Voilà stop together
    )
    body = ""
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                # Voilà answers once the notebook has run, so the page holds its output.
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as response:
                    assert response.status == 200
                    body = response.read().decode("utf-8")
                break
            except OSError:
                time.sleep(0.3)
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does
        try:
            log, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            log, _ = proc.communicate()
    text = log.decode("utf-8", "replace")
    assert body, f"the dashboard never answered on port {port}:\n{text[-2000:]}"
    assert "terroffer-culled" in body  # our template (its culled-page notice)
    assert "application/vnd.jupyter.widget-view+json" in body  # the cell ran and showed the app
    assert "Traceback" not in body
    assert proc.returncode == 0, text[-2000:]
