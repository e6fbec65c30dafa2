"""Serve a dashboard notebook with Voilà, offline, with terroffer's template and pinned settings.

``terroffer serve`` (and its alias ``terroffer dashboard``) call :func:`serve`; the browser
tests call :func:`voila_command` to start the very same server in a process of their own.
The settings themselves live in :mod:`terroffer.app._voila_config`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from terroffer.reference import LANGUAGES

__all__ = [
    "APPS",
    "NOTEBOOKS",
    "app_defaults",
    "request_lang",
    "serve",
    "voila_command",
    "voila_env",
    "wait_for_request",
]

SHARE = Path(__file__).resolve().parent / "share"
#: The dashboard notebooks ship inside the package, so an installed wheel can serve them;
#: ``notebooks/`` at the top of the repository is a link to this folder.
NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"
#: The apps ``terroffer serve`` knows.
APPS = ("explorer", "kiosk", "planner")


def voila_env(plan: str | os.PathLike[str] | None = None, lang: str | None = None) -> dict[str, str]:
    """The environment Voilà runs in: our template on ``JUPYTER_PATH``, the plan and language to show."""
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(SHARE), env.get("JUPYTER_PATH", "")) if p)
    # Arrow's default allocator (mimalloc) keeps what a kernel freed; with one kernel per visitor
    # the system allocator's memory goes back (release_memory) - 7 MB a kernel on the sample.
    env.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    if plan is not None:
        env["TERROFFER_PLAN"] = str(Path(plan).resolve())
    if lang is not None:
        env["TERROFFER_LANG"] = lang
    return env


def voila_command(
    notebook: str | os.PathLike[str],
    *,
    port: int = 8866,
    host: str = "127.0.0.1",
    open_browser: bool = False,
    env: Mapping[str, str] | None = None,
) -> list[str]:
    """The command line serving ``notebook`` as ``terroffer serve`` does.

    ``env`` (default: this process's) supplies ``TERROFFER_POOL_SIZE`` and the culling options.
    """
    from terroffer.app._voila_config import ServeSettings, voila_argv

    settings = ServeSettings.from_env(
        env, host=host, port=port, open_browser=open_browser, **app_defaults(notebook, env)
    )
    return [sys.executable, "-m", "terroffer.app._voila_config", *voila_argv(notebook, settings)]


def app_defaults(notebook: str | os.PathLike[str], env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Settings an app needs unless the operator's environment says otherwise.

    The kiosk's one tab stays open all day and may sit on its start screen for an hour: its
    kernel must not be culled while connected (``TERROFFER_CULL_CONNECTED`` still decides).
    """
    env = os.environ if env is None else env
    if Path(notebook).stem == "kiosk" and not env.get("TERROFFER_CULL_CONNECTED", "").strip():
        return {"cull_connected": False}
    return {}


def wait_for_request() -> None:
    """In a preheated kernel, wait for the visitor's request (:func:`voila.utils.wait_for_request`).

    Elsewhere - a kernel Voilà started for a visitor already waiting, or no Voilà at all - there
    is nothing to wait for, and Voilà is not imported: ``voila.utils`` pulls in Jupyter Server,
    two seconds and more that the waiting visitor would pay. A preheated kernel imports it
    before its visitor comes.
    """
    if os.environ.get("VOILA_PREHEAT", "False") != "True":
        return
    from voila.utils import wait_for_request as wait

    wait()


def request_lang(env: Mapping[str, str] | None = None, default: str = "fr") -> str:
    """The page's language: the visitor's ``?lang=``, else ``TERROFFER_LANG``, else ``default``.

    In a preheated kernel, call :func:`wait_for_request` first: it puts the
    visitor's ``QUERY_STRING`` into the environment. Only the language comes from the URL: on
    a public server a visitor must not choose which file the kernel reads.
    """
    env = os.environ if env is None else env
    asked = parse_qs(env.get("QUERY_STRING", "")).get("lang", [""])[-1].strip().lower()
    if asked in LANGUAGES:
        return asked
    configured = env.get("TERROFFER_LANG", "").strip().lower()
    return configured if configured in LANGUAGES else default


def serve(
    notebook: str | os.PathLike[str] = NOTEBOOKS / "explorer.ipynb",
    *,
    plan: str | os.PathLike[str] | None = None,
    lang: str | None = None,
    host: str = "127.0.0.1",
    port: int = 8866,
    open_browser: bool = False,
) -> int:
    """Run Voilà in this very process until SIGTERM or SIGINT; returns 0.

    In this process, not a child: a SIGTERM sent to ``terroffer serve`` reaches Voilà itself,
    which shuts every kernel down before it returns (a child would be orphaned, kernels and all).
    """
    from terroffer.app._voila_config import ServeSettings, main, voila_argv

    os.environ.update(voila_env(plan, lang))
    settings = ServeSettings.from_env(
        host=host, port=port, open_browser=open_browser, **app_defaults(notebook, os.environ)
    )
    try:
        return main(voila_argv(notebook, settings))
    except KeyboardInterrupt:
        return 0
