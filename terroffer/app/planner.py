"""``terroffer serve planner``: the planner's workbook opened in JupyterLab, on this machine only.

The workbook (``notebooks/planner.ipynb``) is documentation that runs: a planner reads it,
changes a variable and runs it again, so it is opened in JupyterLab rather than served by
Voilà (which would run the whole workbook, export pack included, for every page load).
The bundled copy is package data and must stay as shipped: the planner works on a copy in
their own folder (``TERROFFER_OUT``, else ``~/terroffer-planner``), made once and never
overwritten, and every file the workbook writes lands in that same folder.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from terroffer.app.serve import NOTEBOOKS

__all__ = ["WORKBOOK", "lab_argv", "planner_folder", "prepare_folder", "serve_planner"]

#: The workbook as shipped with the package.
WORKBOOK = NOTEBOOKS / "planner.ipynb"


def planner_folder(env: Mapping[str, str] | None = None) -> Path:
    """The planner's folder: ``TERROFFER_OUT``, else ``~/terroffer-planner`` (the workbook's own default)."""
    env = os.environ if env is None else env
    value = env.get("TERROFFER_OUT", "").strip()
    return Path(value).expanduser() if value else Path.home() / "terroffer-planner"


def prepare_folder(folder: str | os.PathLike[str]) -> tuple[Path, bool]:
    """Make ``folder`` and put a copy of the workbook in it unless one is there already.

    Returns
    -------
    tuple of (pathlib.Path, bool)
        The planner's copy of the workbook, and whether it was copied just now (an existing
        copy holds the planner's own changes: it is kept as it is).

    Raises
    ------
    OutputError
        When ``folder`` cannot be made or written into.
    """
    from terroffer._output import check_output, check_output_dir

    target = check_output_dir(folder) / WORKBOOK.name
    if target.exists():
        return target, False
    check_output(target)
    shutil.copyfile(WORKBOOK, target)
    return target, True


def lab_argv(
    folder: str | os.PathLike[str],
    *,
    host: str = "127.0.0.1",
    port: int = 8866,
    token: str,
    open_browser: bool = False,
) -> list[str]:
    """JupyterLab's arguments: ``folder`` as its root, the workbook open, the zone tiles served.

    The tiles extension (:mod:`terroffer.app.tiles`) lets the explorer's map in the workbook
    draw its zones; it sits behind the same token as every other route.
    """
    argv = [
        f"--ServerApp.root_dir={Path(folder).resolve()}",
        f"--ServerApp.ip={host}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",  # the port was checked free: another one would not be the one printed
        f"--IdentityProvider.token={token}",
        "--ServerApp.jpserver_extensions=terroffer.app.tiles=True",
        f"--ServerApp.default_url=/lab/tree/{WORKBOOK.name}",
        f"--ServerApp.open_browser={open_browser}",
        # the agency's machine may be offline, and the workbook says nothing leaves it: no news
        # feed nor update check from jupyterlab.github.io, and no prompt asking to turn them on
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Jupyter refuses to start as root, the user of the CI and most containers; the server
        # still listens on ``host`` only and asks for the token on every route.
        argv.append("--ServerApp.allow_root=True")
    return argv


def serve_planner(
    *,
    plan: str | os.PathLike[str] | None = None,
    lang: str | None = None,
    host: str = "127.0.0.1",
    port: int = 8866,
    token: str,
    open_browser: bool = False,
    folder: str | os.PathLike[str] | None = None,
) -> int:
    """Run JupyterLab on the planner's folder in this process until SIGTERM or SIGINT; returns 0.

    ``plan`` and ``lang`` reach the workbook's kernel (and the tiles) as ``TERROFFER_PLAN`` and
    ``TERROFFER_LANG``; the folder as ``TERROFFER_OUT``, where the workbook writes.
    """
    from jupyterlab.labapp import LabApp

    from terroffer.app.serve import voila_env

    where = Path(folder) if folder is not None else planner_folder()
    prepare_folder(where)
    os.environ.update(voila_env(plan, lang))
    os.environ["TERROFFER_OUT"] = str(where.resolve())
    argv = lab_argv(where, host=host, port=port, token=token, open_browser=open_browser)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how a planner stops it
        LabApp.launch_instance(argv=argv)
    return 0
