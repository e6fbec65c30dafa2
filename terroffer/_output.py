"""Writing what users take away: one way for every command, with one clear error.

Every file a command writes (``--out``, ``--html``, ``--pdf``, ``--into``) goes through
:func:`write_output`: the target is checked before any work is done
(:func:`check_output`), written to a temporary file beside it and moved into place,
so a failure names the file, says what to do, and leaves any previous file intact.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from terroffer.errors import OutputError

__all__ = ["check_output", "check_output_dir", "write_output"]

T = TypeVar("T")


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _umask() -> int:
    mask = os.umask(0o022)  # the only way to read it is to set it: put it straight back
    os.umask(mask)
    return mask


def _file_above(target: Path) -> Path | None:
    """The regular file standing where a folder of ``target``'s path must be, if any.

    ``afile/out.csv`` cannot be written when ``afile`` is a file: saying so beats saying
    that a folder is missing (it is not) or the system's "Not a directory".
    """
    for folder in target.parents:
        if folder.exists():
            return None if folder.is_dir() else folder
    return None


def check_output(path: str | os.PathLike[str]) -> Path:
    """The path of a file to write, refused at once if it cannot be written.

    Raises
    ------
    OutputError
        The path is a folder, its folder does not exist, or it may not be written.
    """
    target = Path(path)
    if target.is_dir():
        raise OutputError("error.output_is_dir", target)
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        blocking = _file_above(target)
        if blocking is not None:
            raise OutputError("error.output_under_file", target, folder=str(blocking))
        raise OutputError("error.output_no_folder", target, folder=str(parent))
    if not os.access(parent, os.W_OK | os.X_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise OutputError("error.output_denied", target)
    return target


def check_output_dir(path: str | os.PathLike[str]) -> Path:
    """A folder to write into (made if missing), refused at once if it cannot be."""
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise OutputError("error.output_not_dir", target)
    blocking = _file_above(target)
    if blocking is not None:
        raise OutputError("error.output_under_file", target, folder=str(blocking))
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError("error.output_failed", target, reason=_reason(exc)) from exc
    if not os.access(target, os.W_OK | os.X_OK):
        raise OutputError("error.output_denied", target)
    return target


def write_output(path: str | os.PathLike[str], write: Callable[[Path], T]) -> T:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then move it into place.

    Parameters
    ----------
    path
        The file the user asked for.
    write
        Writes the whole content to the path it is given; its result is returned.

    Raises
    ------
    OutputError
        The file cannot be written; an existing file at ``path`` is left as it was.
    """
    target = check_output(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent or ".")
    os.close(fd)
    tmp = Path(tmp_name)
    # mkstemp makes the file private (0600): the file a user takes away gets the mode any new
    # file of theirs gets (or the mode of the file it replaces), so a shared note stays readable
    os.chmod(tmp, target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask())
    try:
        result = write(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        raise OutputError("error.output_failed", target, reason=_reason(exc)) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return result
