"""One ``terroffer serve`` for the serving tests of this folder: each start costs seconds."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from tests.browser import free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "zoning" / "skhirat-temara.gpkg"
#: ``terroffer serve`` exactly as a user types it, without relying on the console script's place
TERROFFER = [sys.executable, "-c", "import sys; from terroffer.cli import main; sys.exit(main())"]


@dataclass
class Server:
    """A running ``terroffer serve``: its process and its address."""

    proc: subprocess.Popen[bytes]
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def get(self, path: str = "", opener: urllib.request.OpenerDirector | None = None) -> tuple[int, str]:
        """Status and text of ``GET path`` (an HTTP error is an answer here, not an exception)."""
        opener = opener or urllib.request.build_opener()
        try:
            with opener.open(self.url + path, timeout=120) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def page(self, query: str = "") -> tuple[str, str, CookieJar]:
        """The notebook page (``query`` like ``?lang=ar``): its HTML, its kernel's id and the cookies."""
        jar = CookieJar()
        status, html = self.get(query, urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)))
        assert status == 200, html[:500]
        found = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', html)
        assert found, "the page names no kernel"
        return html, found.group(1), jar


#: A machine's own Voilà config that would undo every public setting: ``terroffer serve`` must win
HOSTILE_CONFIG = {
    "VoilaConfiguration": {
        "show_tracebacks": True,
        "strip_sources": False,
        "allow_template_override": "YES",
        "file_allowlist": [".*"],
    }
}


def start_server(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, notebook: Path | None = None
) -> Server:
    """Start ``terroffer serve [NOTEBOOK] ARGS`` on a free port and wait until it listens.

    In ``cwd`` (when given) a ``voila.json`` with :data:`HOSTILE_CONFIG` is written and put on
    ``JUPYTER_CONFIG_DIR``, where Voilà reads it.
    """
    port = free_port()
    # the developer's own TERROFFER_LANG must not decide what the tests see
    full_env = {key: value for key, value in os.environ.items() if key != "TERROFFER_LANG"}
    full_env.update(env or {})
    if cwd is not None:
        (cwd / "voila.json").write_text(json.dumps(HOSTILE_CONFIG), encoding="utf-8")
        full_env["JUPYTER_CONFIG_DIR"] = str(cwd)
    target = [str(notebook)] if notebook else []
    proc = subprocess.Popen(
        [*TERROFFER, "serve", *target, "--plan", str(SAMPLE), "--port", str(port), *args],
        env=full_env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, proc)
    return Server(proc, port)


def stop_server(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.proc.kill()
        server.proc.wait()


@pytest.fixture(scope="session")
def server_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the shared server starts: a picture lies there that must not be served."""
    where = tmp_path_factory.mktemp("serve")
    (where / "private.png").write_bytes(b"\x89PNG\r\n\x1a\n not for visitors")
    return where


@pytest.fixture(scope="session")
def server(server_dir: Path) -> Iterator[Server]:
    """One server for the folder, two warm kernels so that tests do not wait for the refill."""
    running = start_server(env={"TERROFFER_POOL_SIZE": "2"}, cwd=server_dir)
    try:
        yield running
    finally:
        stop_server(running)
