"""Helpers for tests that open pages in Debian's headless Chromium through Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    """Skip (with a one-line reason) where Chromium or Playwright is absent; CI has both."""
    if not Path(CHROMIUM).exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    pytest.importorskip(
        "playwright.sync_api", reason="needs the playwright package (pip install -e '.[test]')"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on port {port} after {timeout} s")


@contextmanager
def voila(notebook: Path, plan: Path | None = None) -> Iterator[str]:
    """Serve ``notebook`` as ``terroffer dashboard`` does, on a free loopback port; yields the URL."""
    from terroffer.app.serve import voila_command, voila_env

    port = free_port()
    proc = subprocess.Popen(
        voila_command(notebook, port=port),
        env=voila_env(plan),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, proc)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def browser_page(
    offline: bool = True, viewport: dict[str, int] | None = None, **options: object
) -> Iterator[tuple[object, list[str]]]:
    """A Chromium page; with ``offline`` every request off the machine is blocked and recorded.

    ``options`` go to Playwright's ``new_page`` (``has_touch=True`` for a touch screen).
    """
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(
            viewport=viewport or {"width": 1280, "height": 900},
            accept_downloads=True,
            is_mobile=False,
            **options,
        )

        def guard(route) -> None:  # type: ignore[no-untyped-def]
            host = urlparse(route.request.url).hostname or ""
            if route.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        if offline:
            page.route("**/*", guard)
        try:
            yield page, outside
        finally:
            browser.close()


def screenshot_dir(tmp_path: Path) -> Path:
    """Where screenshots go: ``TERROFFER_SCREENSHOTS`` when set (to look at them), else tmp."""
    target = Path(os.environ.get("TERROFFER_SCREENSHOTS", tmp_path))
    target.mkdir(parents=True, exist_ok=True)
    return target
