"""The zone tiles as ``terroffer serve`` (and a planner's Jupyter server) answer them, on the sample."""

from __future__ import annotations

import http.client
import math
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import mapbox_vector_tile
import pytest

import terroffer
from terroffer.app.filters import ZoneFilter
from terroffer.app.tiles import tile_url
from tests.browser import browser_page, free_port, require_chromium, wait_for_port
from tests.serve.conftest import SAMPLE, Server

#: Témara's centre (the README's look-up point), lon/lat.
TEMARA = (-6.9066, 33.9287)
Z = 13


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ tile of a point, by the formula (as OSM numbers its tiles)."""
    n = 2**z
    phi = math.radians(lat)
    return math.floor((lon + 180) / 360 * n), math.floor((1 - math.asinh(math.tan(phi)) / math.pi) / 2 * n)


def fetch(server: Server, path: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(server.url + path.lstrip("/"), timeout=120) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_a_tile_over_temara_has_its_zones(server: Server) -> None:
    x, y = tile_of(*TEMARA, Z)
    # the kernel's URL, with the plan key the kernel computes from the same file
    template = tile_url(terroffer.load_plan(SAMPLE), ZoneFilter())
    status, headers, body = fetch(server, template.format(z=Z, x=x, y=y))
    assert status == 200, body[:300]
    assert headers["Content-Type"] == "application/x-protobuf"
    layers = mapbox_vector_tile.decode(body)
    zones = layers["zones"]["features"]
    assert len(zones) > 10
    assert {"f", "m", "i"} <= set(zones[0]["properties"])
    assert {f["properties"]["m"] for f in zones} <= {0, 1}
    assert "reservations" in layers


def test_a_hand_made_bad_query_is_refused_plainly(server: Server) -> None:
    x, y = tile_of(*TEMARA, Z)
    for query, expected in [("communes=Atlantis", 400), ("max_floors=-3", 400), ("plan=000000000000", 409)]:
        status, headers, body = fetch(server, f"terroffer/tiles/{Z}/{x}/{y}.pbf?{query}")
        text = body.decode("utf-8")
        assert status == expected, text
        assert "Traceback" not in text and ".py" not in text
    status, _, body = fetch(server, f"terroffer/tiles/{Z}/{x}/minus.pbf")
    assert status == 400 and b"Traceback" not in body


def test_a_jupyter_server_serves_the_same_tiles_behind_its_token(tmp_path: Path) -> None:
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("JUPYTER")}
    env.update(
        TERROFFER_PLAN=str(SAMPLE), JUPYTER_CONFIG_DIR=str(tmp_path), JUPYTER_RUNTIME_DIR=str(tmp_path)
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter_server",
            f"--port={port}",
            "--ip=127.0.0.1",
            "--no-browser",
            "--allow-root",  # the CI container runs as root
            "--ServerApp.token=s3cret",
            "--ServerApp.base_url=/planner/",
            "--ServerApp.jpserver_extensions=terroffer.app.tiles=True",
        ],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, proc)
        x, y = tile_of(*TEMARA, Z)
        path = tile_url(terroffer.load_plan(SAMPLE), ZoneFilter(), "/planner/").format(z=Z, x=x, y=y)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("GET", path)  # no token: no tile (a redirect to the login page)
        refused = conn.getresponse()
        refused.read()
        assert refused.status in (302, 403)
        conn.request("GET", path, headers={"Authorization": "token s3cret"})
        answer = conn.getresponse()
        body = answer.read()
        assert answer.status == 200, body[:300]
        assert mapbox_vector_tile.decode(body)["zones"]["features"]
        conn.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.browser
@pytest.mark.slow
def test_the_explorer_draws_its_tiles_and_empty_ones_raise_no_error(server: Server) -> None:
    # Leaflet.VectorGrid asks for the tiles around the plan too: those over the sea come back as
    # empty 200s, which it must take as tiles without layers, without an error in the console.
    require_chromium()
    with browser_page(offline=True) as (page, outside):
        errors: list[str] = []
        answers: list[tuple[int, int]] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        def record(response) -> None:  # type: ignore[no-untyped-def]
            if "/terroffer/tiles/" in response.url:
                answers.append((response.status, int(response.headers.get("content-length", -1))))

        page.on("response", record)
        page.goto(server.url, timeout=120_000)
        page.wait_for_selector(".terroffer-map .leaflet-container, .leaflet-container", timeout=120_000)
        for _ in range(120):  # the first screen asks for a few tiles around the plan
            if len(answers) >= 6:
                break
            page.wait_for_timeout(500)
        page.wait_for_timeout(1000)
        assert answers and {status for status, _ in answers} == {200}
        assert any(size == 0 for _, size in answers), "no tile away from the plan was asked for"
        assert any(size > 0 for _, size in answers)
        # (a protobuf the page cannot read throws "Unimplemented type" from its Pbf reader)
        about_tiles = ("tile", "pbf", "unimplemented")
        assert [e for e in errors if any(word in e.lower() for word in about_tiles)] == []
        assert outside == []
