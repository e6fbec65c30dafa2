"""A kernel left idle is shut down after the cull timeout, even while its page is still connected."""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.serve.conftest import start_server, stop_server

pytestmark = pytest.mark.slow


async def hold_open(url: str, cookies: str, server, kernel: str, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    """Keep the kernel's websocket open (a forgotten tab) until the kernel is gone or ``timeout``."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    socket = await websocket_connect(HTTPRequest(url, headers={"Cookie": cookies}))
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = await asyncio.to_thread(lambda: server.get(f"api/kernels/{kernel}")[0])
            if status == 404:
                return True
            await asyncio.sleep(1)
        return False
    finally:
        socket.close()


def test_an_idle_connected_kernel_is_culled(tmp_path):
    env = {"TERROFFER_POOL_SIZE": "0", "TERROFFER_CULL_IDLE_TIMEOUT": "3", "TERROFFER_CULL_INTERVAL": "1"}
    server = start_server(cwd=tmp_path, env=env)
    try:
        _, kernel, jar = server.page()
        cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
        url = f"ws://127.0.0.1:{server.port}/api/kernels/{kernel}/channels"
        assert asyncio.run(hold_open(url, cookies, server, kernel, timeout=40))
    finally:
        stop_server(server)
