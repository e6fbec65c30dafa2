"""The settings ``terroffer serve`` pins for a public machine, and its refusals, without a server."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from terroffer.app._voila_config import NOTHING, ServeSettings, loading_texts, pinned_settings, voila_argv
from terroffer.app.serve import NOTEBOOKS, request_lang, voila_command
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "zoning" / "skhirat-temara.gpkg"
EXPLORER = NOTEBOOKS / "explorer.ipynb"
ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")


def test_the_public_settings_are_pinned():
    pinned = pinned_settings(EXPLORER, ServeSettings())
    assert pinned["VoilaConfiguration.strip_sources"] is True
    assert pinned["VoilaConfiguration.show_tracebacks"] is False
    assert pinned["VoilaConfiguration.allow_template_override"] == "NO"
    assert pinned["VoilaConfiguration.allow_theme_override"] == "NO"
    assert pinned["VoilaConfiguration.template"] == "terroffer"
    assert pinned["VoilaConfiguration.preheat_kernel"] is True
    assert pinned["VoilaConfiguration.file_allowlist"] == [NOTHING]
    assert pinned["MappingKernelManager.cull_connected"] is True
    assert pinned["Voila.root_dir"] == str(NOTEBOOKS)
    assert pinned["Voila.ip"] == "127.0.0.1"
    assert not re.search(NOTHING, "explorer.ipynb") and not re.search(NOTHING, "a.png")


def test_the_settings_reach_the_command_line():
    argv = voila_argv(EXPLORER, ServeSettings(port=8900, pool_size=3, cull_idle_timeout=120))
    assert argv[0] == str(EXPLORER)
    for option in (
        "--Voila.port=8900",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.default_pool_size=3",
        "--MappingKernelManager.cull_idle_timeout=120",
        "--MappingKernelManager.cull_connected=True",
    ):
        assert option in argv
    # a list is the option repeated, one item each (traitlets 5)
    at = argv.index("--VoilaConfiguration.file_allowlist")
    assert argv[at + 1] == NOTHING
    command = voila_command(EXPLORER, port=8901, env={})
    assert command[:3] == [sys.executable, "-m", "terroffer.app._voila_config"]
    assert "--Voila.port=8901" in command


def test_the_operator_tunes_pool_and_culling_from_the_environment():
    env = {
        "TERROFFER_POOL_SIZE": "4",
        "TERROFFER_CULL_IDLE_TIMEOUT": "90",
        "TERROFFER_CULL_INTERVAL": "15",
        "TERROFFER_CULL_CONNECTED": "no",
    }
    settings = ServeSettings.from_env(env, port=9000)
    assert (settings.pool_size, settings.cull_idle_timeout, settings.cull_interval) == (4, 90, 15)
    assert settings.cull_connected is False
    assert settings.port == 9000
    # what is given wins over the environment; nothing set gives the defaults
    assert ServeSettings.from_env(env, pool_size=1).pool_size == 1
    defaults = ServeSettings.from_env({})
    assert (defaults.pool_size, defaults.cull_idle_timeout, defaults.cull_connected) == (1, 600, True)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"QUERY_STRING": "lang=ar"}, "ar"),
        ({"QUERY_STRING": "x=1&lang=EN", "TERROFFER_LANG": "ar"}, "en"),
        ({"QUERY_STRING": "lang=de", "TERROFFER_LANG": "ar"}, "ar"),  # unknown: the server's
        ({"QUERY_STRING": "", "TERROFFER_LANG": "en"}, "en"),
        ({"TERROFFER_LANG": "xx"}, "fr"),
        ({}, "fr"),
        # a visitor chooses the language, never the file the kernel reads
        ({"QUERY_STRING": "plan=/etc/passwd&lang=fr"}, "fr"),
    ],
)
def test_the_page_language_comes_from_the_url_then_the_server(env, expected):
    assert request_lang(env) == expected


def test_the_loading_screen_is_translated():
    texts = loading_texts()
    assert set(texts) == {"ar", "fr", "en"}
    assert ARABIC_LETTER.search(texts["ar"]["loading"])
    for lang in ("ar", "fr"):
        assert "Loading" not in texts[lang]["loading"] and "Running" not in texts[lang]["loading"]
        assert "{step}" in texts[lang]["progress"] and "{count}" in texts[lang]["progress"]


def assert_refused(done: subprocess.CompletedProcess[str], fragment: str, lang: str) -> None:
    """Exit 2 at once, one line on stderr naming ``fragment``, in ``lang``, nothing on stdout."""
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert fragment in lines[0]
    assert done.stdout == ""
    assert bool(ARABIC_LETTER.search(lines[0])) == (lang == "ar")


# kiosk and planner are served now: tests/test_kiosk.py, tests/serve/test_planner_served.py


def test_serve_refuses_an_unreadable_plan_and_a_busy_port(tmp_path):
    absent = tmp_path / "absent.gpkg"
    assert_refused(run_cli("serve", "--plan", absent), "absent.gpkg", "fr")
    assert_refused(run_cli("serve", "--plan", SAMPLE, "--port", "0"), "--port", "fr")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert_refused(run_cli("serve", "--plan", SAMPLE, "--port", port, lang="ar"), str(port), "ar")
        # the old name is the same command
        assert_refused(run_cli("dashboard", "--plan", SAMPLE, "--port", port), str(port), "fr")


def test_a_kernel_started_for_a_waiting_visitor_does_not_import_voila():
    # voila.utils pulls in Jupyter Server (2 s and more): a cold kernel's visitor must not wait for it
    code = (
        "import sys; from terroffer.app.serve import wait_for_request; wait_for_request(); "
        "print(sorted(m for m in ('voila', 'jupyter_server') if m in sys.modules))"
    )
    for preheat in ("False", None):
        env = {k: v for k, v in os.environ.items() if k != "VOILA_PREHEAT"}
        if preheat:
            env["VOILA_PREHEAT"] = preheat
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "[]"
