"""Imports into one target: one writer at a time, and no temporary litter outliving a killed one.

Real processes, as users run them: a second ``terroffer import`` waits for the first
(an exclusive ``flock`` beside the target) instead of racing it, and the temporaries of
an import killed with SIGKILL are removed by the next import into that target.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import terroffer
from terroffer.errors import DataSourceError
from terroffer.io import write_plan
from terroffer.io.store import lock_path
from tests.conftest import run_cli, write_canonical_gpkg
from tests.tiny import tiny_plan

ROOT = Path(__file__).resolve().parents[1]


def python(code: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"}
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp-" in p.name)


def test_stale_temporaries_of_the_target_are_removed(tmp_path):
    target = tmp_path / "plan.gpkg"
    for name in (".plan.gpkg.tmp-dead1.gpkg", ".plan.gpkg.tmp-dead1.gpkg-journal"):
        (tmp_path / name).write_bytes(b"left by a killed import")
    other = tmp_path / ".plan-b.gpkg.tmp-live.gpkg"  # another target's: not ours to remove
    other.write_bytes(b"x")
    write_plan(tiny_plan(), target)
    assert temporaries(tmp_path) == [other.name]
    assert len(terroffer.load_plan(target).zones) == 4


def test_a_killed_import_leaves_litter_only_until_the_next_one(tmp_path):
    target = tmp_path / "plan.gpkg"
    # The import is killed (SIGKILL: no finally, no cleanup) right after its first layer.
    killed = python(
        f"""
        import os, signal
        import pyogrio
        from terroffer.io import write_plan
        from tests.tiny import tiny_plan
        real = pyogrio.write_dataframe
        def write_then_die(*args, **kwargs):
            real(*args, **kwargs)
            os.kill(os.getpid(), signal.SIGKILL)
        pyogrio.write_dataframe = write_then_die
        write_plan(tiny_plan(), {str(target)!r})
        """
    )
    killed.communicate(timeout=120)
    assert killed.returncode == -9
    assert temporaries(tmp_path) != [] and not target.exists()  # the litter is there
    write_plan(tiny_plan(), target)
    assert temporaries(tmp_path) == []
    assert len(terroffer.load_plan(target).zones) == 4


HOLD_S = 2.0


def hold_lock(target: Path) -> subprocess.Popen[str]:
    """Another process holding the target's lock for HOLD_S seconds; prints when it releases."""
    holder = python(
        f"""
        import fcntl, os, time
        fd = os.open({str(lock_path(target))!r}, os.O_RDWR | os.O_CREAT)
        fcntl.flock(fd, fcntl.LOCK_EX)
        print("locked", flush=True)
        time.sleep({HOLD_S})
        print(time.time(), flush=True)
        os.close(fd)
        """
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_a_second_import_waits_for_the_first(tmp_path):
    source = write_canonical_gpkg(tmp_path / "source.gpkg")
    target = tmp_path / "plan.gpkg"
    holder = hold_lock(target)
    done = run_cli("import", source, "--into", target)
    finished = time.time()
    released = float(holder.communicate(timeout=60)[0].strip())
    assert done.returncode == 0, done.stderr
    assert finished >= released  # it waited for the holder instead of writing beside it
    assert len(terroffer.load_plan(target).zones) == 3


def test_an_import_that_cannot_get_the_lock_refuses_in_one_line(tmp_path):
    target = tmp_path / "plan.gpkg"
    holder = hold_lock(target)
    try:
        with pytest.raises(DataSourceError) as info:
            write_plan(tiny_plan(), target, wait_s=0.2)
    finally:
        holder.communicate(timeout=60)
    assert info.value.key == "error.import_busy"
    for lang in ("fr", "ar", "en"):
        assert str(target) in info.value.message(lang)
    assert not target.exists()


def test_two_imports_at_once_both_succeed_one_after_the_other(tmp_path):
    source = write_canonical_gpkg(tmp_path / "source.gpkg")
    target = tmp_path / "plan.gpkg"
    code = f"""
        from terroffer.cli import main
        raise SystemExit(main(["import", {str(source)!r}, "--into", {str(target)!r}]))
        """
    first, second = python(code), python(code)
    results = [p.communicate(timeout=120) for p in (first, second)]
    assert (first.returncode, second.returncode) == (0, 0), results
    assert len(terroffer.load_plan(target).zones) == 3
    assert temporaries(tmp_path) == []
