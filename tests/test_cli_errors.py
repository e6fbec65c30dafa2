"""The error contract of every command, as a user meets it in a real process.

Every failure a user can cause is one line on stderr, naming the file or the option,
in the chosen language, exit 2, with no traceback and no Python warning above it.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from terroffer.io import write_plan
from tests.conftest import run_cli
from tests.tiny import X0, Y0, tiny_plan

ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")


@pytest.fixture(scope="module")
def places(tmp_path_factory):
    """A plan on disk, a folder, a regular file (a parent no file can be written under)."""
    root = tmp_path_factory.mktemp("errors")
    plan = root / "tiny.gpkg"
    write_plan(tiny_plan(), plan)
    folder = root / "dossier"
    folder.mkdir()
    a_file = root / "afile"
    a_file.write_text("x", encoding="utf-8")
    geojson = root / "zones.geojson"
    tiny_plan().zones.to_file(geojson, driver="GeoJSON")
    return {"plan": plan, "dir": folder, "file": a_file, "geojson": geojson, "root": root}


def _xy() -> list[float]:
    return [X0 + 30, Y0 + 20]


#: (id, arguments built from the fixture's places, a fragment the line must name)
CASES = [
    ("offer-out-dir", lambda p: ["offer", "--plan", p["plan"], "--out", p["dir"]], "dossier"),
    (
        "offer-out-under-file",
        lambda p: ["offer", "--plan", p["plan"], "--format", "csv", "--out", p["file"] / "o.csv"],
        "o.csv",
    ),
    ("offer-xlsx-no-out", lambda p: ["offer", "--plan", p["plan"], "--format", "xlsx"], "--format"),
    ("offer-bad-format", lambda p: ["offer", "--plan", p["plan"], "--format", "xml"], "--format"),
    ("offer-typo-commune", lambda p: ["offer", "--plan", p["plan"], "--commune", "Temarra"], "--commune"),
    ("offer-typo-sector", lambda p: ["offer", "--plan", p["plan"], "--sector", "turism"], "--sector"),
    ("offer-typo-status", lambda p: ["offer", "--plan", p["plan"], "--status", "aproved"], "--status"),
    ("offer-missing-plan", lambda p: ["offer", "--plan", p["root"] / "absent.gpkg"], "absent.gpkg"),
    ("search-unknown-use", lambda p: ["search", "--plan", p["plan"], "--use", "casino"], "--use"),
    (
        "search-min-area-nan",
        lambda p: ["search", "--plan", p["plan"], "--use", "villa", "--min-area", "nan"],
        "--min-area",
    ),
    (
        "search-min-area-neg",
        lambda p: ["search", "--plan", p["plan"], "--use", "villa", "--min-area=-5"],
        "--min-area",
    ),
    (
        "search-min-area-text",
        lambda p: ["search", "--plan", p["plan"], "--use", "villa", "--min-area", "big"],
        "--min-area",
    ),
    (
        "search-limit-zero",
        lambda p: ["search", "--plan", p["plan"], "--use", "villa", "--limit", "0"],
        "--limit",
    ),
    (
        "search-limit-neg",
        lambda p: ["search", "--plan", p["plan"], "--use", "villa", "--limit=-3"],
        "--limit",
    ),
    (
        "search-limit-text",
        lambda p: ["search", "--plan", p["plan"], "--use", "villa", "--limit", "x"],
        "--limit",
    ),
    (
        "search-floors-neg",
        lambda p: ["search", "--plan", p["plan"], "--use", "villa", "--floors=-1"],
        "--floors",
    ),
    ("search-no-use", lambda p: ["search", "--plan", p["plan"]], "--use"),
    ("lookup-lonlat-nan", lambda p: ["lookup", "--plan", p["plan"], "--lonlat", "nan", "33.9"], "--lonlat"),
    ("lookup-lonlat-inf", lambda p: ["lookup", "--plan", p["plan"], "--lonlat", "inf", "33.9"], "--lonlat"),
    ("lookup-lonlat-one", lambda p: ["lookup", "--plan", p["plan"], "--lonlat", "-6.9"], "--lonlat"),
    ("lookup-xy-inf", lambda p: ["lookup", "--plan", p["plan"], "--xy", "inf", "360000"], "--xy"),
    ("lookup-nowhere", lambda p: ["lookup", "--plan", p["plan"]], "--lonlat"),
    (
        "lookup-html-dir",
        lambda p: ["lookup", "--plan", p["plan"], "--xy", *_xy(), "--html", p["dir"]],
        "dossier",
    ),
    (
        "lookup-pdf-under-file",
        lambda p: ["lookup", "--plan", p["plan"], "--xy", *_xy(), "--pdf", p["file"] / "n.pdf"],
        "n.pdf",
    ),
    ("lookup-parcel-dir", lambda p: ["lookup", "--plan", p["plan"], "--parcel", p["dir"]], "dossier"),
    ("map-out-dir", lambda p: ["map", "--plan", p["plan"], "--out", p["dir"]], "dossier"),
    (
        "export-out-file",
        lambda p: ["export", "--plan", p["plan"], "--out", p["file"], "--no-progress"],
        "afile",
    ),
    ("import-into-dir", lambda p: ["import", p["geojson"], "--into", p["dir"]], "dossier"),
    ("import-into-under-file", lambda p: ["import", p["geojson"], "--into", p["file"] / "p.gpkg"], "p.gpkg"),
    ("validate-missing", lambda p: ["validate", p["root"] / "absent.shp"], "absent.shp"),
    ("no-command", lambda p: [], "command"),
    ("unknown-command", lambda p: ["offre"], "offre"),
    ("unknown-option", lambda p: ["offer", "--plan", p["plan"], "--colour", "red"], "--colour"),
    ("list-unknown", lambda p: ["list", "zones"], "zones"),
    ("dashboard-bad-plan", lambda p: ["dashboard", "--plan", p["file"]], "afile"),
    ("dashboard-missing-plan", lambda p: ["dashboard", "--plan", p["root"] / "absent.gpkg"], "absent.gpkg"),
    ("dashboard-port-range", lambda p: ["dashboard", "--plan", p["plan"], "--port", "70000"], "--port"),
    ("dashboard-port-text", lambda p: ["dashboard", "--plan", p["plan"], "--port", "http"], "--port"),
]


def assert_contract(done: subprocess.CompletedProcess[str], fragment: str, lang: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr and "Warning" not in done.stderr
    assert lines[0].startswith("terroffer: ")
    assert fragment in lines[0], lines[0]
    assert bool(ARABIC_LETTER.search(lines[0])) is (lang == "ar"), lines[0]


@pytest.mark.parametrize(("name", "args", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_every_user_error_is_one_line_exit_2(places, name, args, fragment):
    assert_contract(run_cli(*args(places), lang="fr"), fragment, "fr")


@pytest.mark.parametrize(("name", "args", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_every_user_error_is_one_line_in_arabic(places, name, args, fragment, capfd, monkeypatch):
    # in this process (a fresh interpreter per case is the French test's job): same contract
    from terroffer.cli import main

    monkeypatch.setenv("TERROFFER_LANG", "ar")
    code = main([str(a) for a in args(places)])
    out, err = capfd.readouterr()
    assert_contract(subprocess.CompletedProcess([], code, out, err), fragment, "ar")


def test_lang_anywhere_on_the_line_speaks_the_parser_errors_too(places):
    done = run_cli(
        "search", "--plan", places["plan"], "--limit", "0", "--use", "villa", "--lang", "ar", lang="fr"
    )
    assert_contract(done, "--limit", "ar")
    done = run_cli("offer", "--format", "xml", "--lang=ar", lang="fr")
    assert_contract(done, "--format", "ar")


def test_a_port_in_use_is_refused_before_voila_starts(places):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        for lang in ("fr", "ar"):
            done = run_cli("dashboard", "--plan", places["plan"], "--port", port, lang=lang)
            assert_contract(done, str(port), lang)


def test_an_unwritable_output_leaves_nothing_and_does_no_work(places):
    # a directory given as --out: refused, and no temporary file left beside it
    before = sorted(p.name for p in places["root"].iterdir())
    assert_contract(run_cli("offer", "--plan", places["plan"], "--out", places["dir"]), "dossier", "fr")
    assert sorted(p.name for p in places["root"].iterdir()) == before
    assert list(places["dir"].iterdir()) == []


def test_a_closed_pipe_ends_quietly():
    # the search of every dwelling zone of the sample is megabytes of JSON: the reader stops at once
    cmd = [
        sys.executable,
        "-m",
        "terroffer.cli",
        "search",
        "--use",
        "dwelling",
        "--limit",
        "100000",
        "--json",
    ]
    env = {**os.environ, "PYTHONWARNINGS": "default"}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().strip() == b"{"
    proc.stdout.close()
    err = proc.stderr.read().decode()
    code = proc.wait(timeout=120)
    assert code in (0, 141)
    assert err == ""


def test_order_yx_reads_swapped_numbers(places):
    # (Y, X) of a point 30 m east and 20 m north of the origin: inside V1 once read Y first
    done = run_cli("lookup", "--plan", places["plan"], "--xy", Y0 + 20, X0 + 30, "--order", "yx", "--json")
    assert done.returncode == 0, done.stderr
    import json

    assert [z["zone_code"] for z in json.loads(done.stdout)["zones"]] == ["V1"]


def test_a_bug_is_still_one_line_naming_the_input(places, monkeypatch, capsys):
    from terroffer import cli

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("terroffer._offer.offer", broken)
    code = cli.main(["offer", "--plan", str(places["plan"])])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and str(places["plan"]) in err and "ZeroDivisionError" in err


def test_help_still_prints_and_exits_0():
    done = run_cli("offer", "--help")
    assert done.returncode == 0 and "--commune" in done.stdout and done.stderr == ""


def test_outputs_written_through_the_one_writer(places, tmp_path):
    out = tmp_path / "offre.json"
    done = run_cli("offer", "--plan", places["plan"], "--format", "json", "--out", out)
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8").lstrip().startswith("{")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["offre.json"]  # nothing left beside it
    assert Path(out).stat().st_size > 0
