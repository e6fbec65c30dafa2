"""The two ways to set terroffer up ask for the same packages.

``make dashboard`` / ``make test`` install from ``pyproject.toml``; the conda route reads
``environment.yml``, which says it mirrors it. A dependency added to one and not the
other breaks one route silently, so the lists are compared here.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
#: What environment.yml holds besides the package's own requirements.
CONDA_ONLY = {"python", "pip"}


def _requirement(text: str) -> tuple[str, str]:
    """``"Foo_Bar >=1.0"`` -> ``("foo-bar", ">=1.0")``: name normalised as pip does."""
    match = re.fullmatch(r"\s*([A-Za-z0-9._-]+)\s*(.*?)\s*", text)
    assert match, text
    return re.sub(r"[-_.]+", "-", match.group(1)).lower(), match.group(2).replace(" ", "")


def _pyproject() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"])
    for extra in ("test", "sample"):
        wanted += project["optional-dependencies"][extra]
    return dict(_requirement(r) for r in wanted)


def _environment() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    found: list[str] = []
    for item in env["dependencies"]:
        if isinstance(item, dict):
            found += item["pip"]
        else:
            found.append(item)
    return {name: spec for name, spec in map(_requirement, found) if name not in CONDA_ONLY}


def test_environment_yml_mirrors_pyproject():
    assert _environment() == _pyproject()


def test_python_versions_agree():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    python = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    minimum = project["requires-python"].removeprefix(">=")
    assert python.split("=", 1)[1].startswith(minimum)
