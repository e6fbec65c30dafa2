"""SIGTERM or SIGINT to ``terroffer serve`` stops Voilà and every kernel: no process is left."""

from __future__ import annotations

import contextlib
import signal

import psutil
import pytest

from tests.serve.conftest import start_server

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_leaves_no_process_behind(sig, tmp_path):
    server = start_server(cwd=tmp_path, env={"TERROFFER_POOL_SIZE": "1"})
    children: list[psutil.Process] = []
    try:
        server.page()  # a visitor's kernel runs, and the pool starts a warm one behind it
        serve = psutil.Process(server.proc.pid)
        children = serve.children(recursive=True)
        assert children, "no kernel was started"
        server.proc.send_signal(sig)
        assert server.proc.wait(timeout=60) is not None
        _, alive = psutil.wait_procs(children, timeout=20)
        assert alive == [], [p.cmdline() for p in alive]
    finally:
        # a failed test must not leave its own orphans to the next ones
        if server.proc.poll() is None:
            server.proc.kill()
        for process in children:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
