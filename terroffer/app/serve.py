"""Serve a dashboard notebook with Voilà, offline, with terroffer's template.

``terroffer dashboard`` and ``make dashboard`` call :func:`serve`; the browser tests
call :func:`voila_command` to start the very same server.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["NOTEBOOKS", "serve", "voila_command", "voila_env"]

SHARE = Path(__file__).resolve().parent / "share"
#: The dashboard notebooks ship inside the package, so an installed wheel can serve them;
#: ``notebooks/`` at the top of the repository is a link to this folder.
NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"


def voila_env(plan: str | os.PathLike[str] | None = None) -> dict[str, str]:
    """The environment Voilà runs in: our template on ``JUPYTER_PATH``, the plan to show."""
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(SHARE), env.get("JUPYTER_PATH", "")) if p)
    if plan is not None:
        env["TERROFFER_PLAN"] = str(Path(plan).resolve())
    return env


def voila_command(
    notebook: str | os.PathLike[str], *, port: int = 8866, open_browser: bool = False
) -> list[str]:
    """The ``voila`` command line serving ``notebook`` on loopback with terroffer's template."""
    voila = shutil.which("voila", path=str(Path(sys.executable).parent)) or "voila"
    cmd = [voila, str(notebook), f"--port={port}", "--Voila.ip=127.0.0.1", "--template=terroffer"]
    if not open_browser:
        cmd.append("--no-browser")
    return cmd


def serve(
    notebook: str | os.PathLike[str] = NOTEBOOKS / "explorer.ipynb",
    *,
    plan: str | os.PathLike[str] | None = None,
    port: int = 8866,
    open_browser: bool = False,
) -> int:
    """Run Voilà in the foreground until interrupted; returns its exit code."""
    try:
        return subprocess.call(
            voila_command(notebook, port=port, open_browser=open_browser), env=voila_env(plan)
        )
    except KeyboardInterrupt:
        return 0
