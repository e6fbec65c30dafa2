"""``terroffer serve planner``: the workbook opened in JupyterLab, a copy in the planner's folder."""

from __future__ import annotations

import json
import os
import re
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import mapbox_vector_tile
import pytest

import terroffer
from terroffer.app.filters import ZoneFilter
from terroffer.app.planner import WORKBOOK, lab_argv, planner_folder, prepare_folder
from terroffer.app.tiles import tile_url
from tests.browser import free_port, wait_for_port
from tests.conftest import run_cli
from tests.serve.conftest import SAMPLE, TERROFFER
from tests.serve.test_settings import ARABIC_LETTER, assert_refused
from tests.serve.test_tiles_served import TEMARA, Z, tile_of


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A refused request is redirected to the login page: the test wants the refusal itself."""

    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def _get(url: str, token: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"} if token else {})
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_planner_folder_is_terroffer_out_else_a_folder_in_home(tmp_path):
    assert planner_folder({"TERROFFER_OUT": str(tmp_path)}) == tmp_path
    assert planner_folder({}) == Path.home() / "terroffer-planner"


def test_the_planners_copy_is_made_once_and_never_overwritten(tmp_path):
    copy, made = prepare_folder(tmp_path / "mine")
    assert made and copy == tmp_path / "mine" / "planner.ipynb"
    assert copy.read_bytes() == WORKBOOK.read_bytes()
    copy.write_text('{"cells": [], "changed": "by the planner"}', encoding="utf-8")
    again, made = prepare_folder(tmp_path / "mine")
    assert again == copy and not made
    assert "by the planner" in copy.read_text(encoding="utf-8")


def test_jupyterlab_is_asked_for_the_folder_the_token_and_the_tiles(tmp_path):
    argv = lab_argv(tmp_path, host="127.0.0.1", port=8123, token="s3cret")
    assert f"--ServerApp.root_dir={tmp_path.resolve()}" in argv
    assert "--IdentityProvider.token=s3cret" in argv
    assert "--ServerApp.port=8123" in argv and "--ServerApp.port_retries=0" in argv
    assert "--ServerApp.jpserver_extensions=terroffer.app.tiles=True" in argv
    assert "--ServerApp.open_browser=False" in argv
    assert "--LabApp.news_url=None" in argv  # nothing fetched from the internet for the planner


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_planner_refuses_an_unreadable_plan_and_a_bad_port_in_one_line(tmp_path, lang):
    absent = tmp_path / "absent.gpkg"
    assert_refused(run_cli("serve", "planner", "--plan", absent, lang=lang), "absent.gpkg", lang)
    assert_refused(run_cli("serve", "planner", "--plan", SAMPLE, "--port", "0", lang=lang), "--port", lang)


@contextmanager
def planner_server(
    tmp_path: Path, lang: str = "fr"
) -> Iterator[tuple[subprocess.Popen[str], int, list[str]]]:
    """``terroffer serve planner`` on a free port, its folder in ``tmp_path``; yields (process, port, lines).

    ``lines`` are the two it printed (the copy, the link); the process is stopped with SIGTERM at the
    end, and its exit code is left in ``process.returncode``.
    """
    folder = tmp_path / "planner"
    jupyter = tmp_path / "jupyter"  # the developer's own Jupyter settings must not decide
    env = {key: value for key, value in os.environ.items() if not key.startswith("JUPYTER")}
    env.update(
        TERROFFER_OUT=str(folder),
        TERROFFER_LANG=lang,
        JUPYTER_CONFIG_DIR=str(jupyter),
        JUPYTER_DATA_DIR=str(jupyter),
        JUPYTER_RUNTIME_DIR=str(jupyter),
    )
    port = free_port()
    proc = subprocess.Popen(
        [*TERROFFER, "serve", "planner", "--plan", str(SAMPLE), "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        said = [proc.stdout.readline(), proc.stdout.readline()]
        wait_for_port(port, proc)  # type: ignore[arg-type]
        yield proc, port, said
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise


def link(said: list[str], port: int) -> tuple[str, str]:
    """The printed link to the workbook and its token."""
    found = re.search(rf"(http://127\.0\.0\.1:{port}/lab/tree/planner\.ipynb\?token=([\w-]+))", said[1])
    assert found, said[1]
    return found.group(1), found.group(2)


@pytest.mark.slow
def test_serve_planner_opens_the_workbook_in_jupyterlab_behind_its_token(tmp_path):
    folder = tmp_path / "planner"
    with planner_server(tmp_path, "ar") as (proc, port, said):
        # in Arabic, the path and the URL left to right inside their line
        assert all(ARABIC_LETTER.search(line) for line in said)
        assert str(folder / "planner.ipynb") in said[0]
        url, token = link(said, port)
        assert (folder / "planner.ipynb").read_bytes() == WORKBOOK.read_bytes()
        status, _ = _get(url)  # the printed link opens JupyterLab on the workbook
        assert status == 200
        contents = f"http://127.0.0.1:{port}/api/contents/planner.ipynb?content=0"
        assert _get(contents)[0] == 403  # no token, no notebook
        status, body = _get(contents, token)
        assert status == 200 and json.loads(body)["type"] == "notebook"
        # the explorer's map in the workbook gets its zone tiles from the same server, for --plan
        x, y = tile_of(*TEMARA, Z)
        path = tile_url(terroffer.load_plan(SAMPLE), ZoneFilter(), "/").format(z=Z, x=x, y=y)
        assert _get(f"http://127.0.0.1:{port}{path}")[0] in (302, 403)
        status, body = _get(f"http://127.0.0.1:{port}{path}", token)
        assert status == 200 and mapbox_vector_tile.decode(body)["zones"]["features"]
    assert proc.returncode == 0  # SIGTERM stops JupyterLab and its kernels, and the command says it went well
