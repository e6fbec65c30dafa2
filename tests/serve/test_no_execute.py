"""A visitor's page may drive widgets, never run code: ``execute_request`` is refused.

As Voilà's own ``tests/app/execute_test.py::test_no_execute_allowed``: open the kernel's
websocket, send an ``execute_request``, and see that it never runs.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def message(msg_type: str, content: dict[str, object]) -> str:
    header = {
        "msg_id": uuid.uuid4().hex,
        "msg_type": msg_type,
        "username": "visitor",
        "session": uuid.uuid4().hex,
        "version": "5.3",
        "date": "2026-01-01T00:00:00Z",
    }
    return json.dumps(
        {"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": "shell"}
    )


async def exchange(url: str, cookies: str, sent: list[str], wanted: str, timeout: float) -> list[dict]:
    """Send ``sent`` on the kernel's websocket, collect replies until a ``wanted`` one comes."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    socket = await websocket_connect(HTTPRequest(url, headers={"Cookie": cookies}))
    for text in sent:
        await socket.write_message(text)
    received: list[dict] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        try:
            raw = await asyncio.wait_for(socket.read_message(), deadline - loop.time())
        except TimeoutError:
            break
        if raw is None:
            break
        received.append(json.loads(raw))
        if received[-1]["header"]["msg_type"] == wanted:
            break
    socket.close()
    return received


def test_execute_request_is_refused(server, tmp_path: Path) -> None:
    _, kernel, jar = server.page()
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    proof = tmp_path / "ran.txt"
    code = f"open({str(proof)!r}, 'w').write('the page ran code')"
    url = f"ws://127.0.0.1:{server.port}/api/kernels/{kernel}/channels"
    received = asyncio.run(
        exchange(
            url,
            cookies,
            # kernel_info after execute: its reply proves the socket carries what is allowed, and
            # the kernel answers in order, so an executed request would have run before it
            [
                message("execute_request", {"code": code, "silent": False, "store_history": False}),
                message("kernel_info_request", {}),
            ],
            "kernel_info_reply",
            timeout=60,
        )
    )
    kinds = [m["header"]["msg_type"] for m in received]
    assert "kernel_info_reply" in kinds, kinds
    assert "execute_reply" not in kinds and "execute_input" not in kinds
    assert not proof.exists()
