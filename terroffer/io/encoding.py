"""Text encodings of Shapefile and MapInfo attribute tables.

Agencies' DBF files often carry Arabic in Windows-1256 or French in Windows-1252 with
no ``.cpg`` and no code-page byte; GDAL then falls back to Latin-1 and the text comes
out garbled. When a file does not declare its encoding, terroffer reads the strings
as Latin-1 (which keeps every byte), looks at the bytes, and decodes them with the
encoding they fit, saying so in the plan's warnings.

Why not read the strings as Latin-1 and look at them: GDAL and pyogrio recode text on
the way in, so the bytes are read here straight from the DBF (or MapInfo ``.DAT``/``.MID``).

Why not a general charset detector: zone tables hold short labels, on which
detectors are unreliable between the single-byte Windows code pages; the question
here is narrow (UTF-8, Windows-1256 or Windows-1252) and has a reliable answer.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import BinaryIO

__all__ = ["declared_encoding", "guess_encoding", "normalize_encoding", "raw_text_sample"]

# dBase language-driver ids (byte 29 of the header) for the code pages agencies use.
_LDID = {
    0x01: "cp437",
    0x02: "cp850",
    0x03: "cp1252",
    0x57: "cp1252",
    0x58: "cp1252",
    0x59: "cp1252",
    0x7E: "cp1256",
    0xC8: "cp1250",
    0xC9: "cp1251",
    0xCA: "cp1254",
    0xCB: "cp1253",
    0xCC: "cp1257",
}

_CPG_ALIASES = {
    "1252": "cp1252",
    "1256": "cp1256",
    "1250": "cp1250",
    "ansi 1252": "cp1252",
    "ansi 1256": "cp1256",
    "8859-1": "latin-1",
    "88591": "latin-1",
    "iso88591": "latin-1",
    "utf8": "utf-8",
    "65001": "utf-8",
}

_MAPINFO_CHARSETS = {
    "windowslatin1": "cp1252",
    "windowsarabic": "cp1256",
    "iso8859_1": "latin-1",
    "utf-8": "utf-8",
    "utf8": "utf-8",
}


def normalize_encoding(name: str) -> str:
    """Python's codec name for an encoding as users and files spell it (``"1256"``, ``"Windows-1256"``).

    Raises
    ------
    LookupError
        When no codec has that name.
    """
    key = name.strip().lower().replace("windows-", "cp").replace("windows", "cp")
    key = _CPG_ALIASES.get(key.replace("-", "").replace("_", ""), _CPG_ALIASES.get(key, key))
    return codecs.lookup(key).name


def _sibling(path: Path, suffix: str) -> Path | None:
    for candidate in path.parent.glob(path.stem + ".*"):
        if candidate.suffix.lower() == suffix and candidate.stem == path.stem:
            return candidate
    return None


def _zip_member(path: str) -> tuple[Path, PurePosixPath] | None:
    """(archive, member) of a GDAL ``/vsizip/archive.zip/member`` path, else None."""
    if not path.startswith("/vsizip/"):
        return None
    parts = PurePosixPath(path[len("/vsizip") :]).parts
    for i in range(2, len(parts)):
        archive = Path(*parts[:i])
        if archive.is_file():
            return archive, PurePosixPath(*parts[i:])
    return None


@contextmanager
def _open_part(path: str, suffix: str) -> Iterator[BinaryIO | None]:
    """The file of the same name as ``path`` with ``suffix`` (any case), opened, or None.

    Also inside a ZIP archive (``/vsizip/`` paths), where agencies' Shapefiles often arrive.
    """
    inside = _zip_member(path)
    if inside is None:
        p = Path(path)
        if path.startswith("/vsi") or not p.exists():
            yield None
            return
        part = p if p.suffix.lower() == suffix else _sibling(p, suffix)
        if part is None:
            yield None
            return
        with part.open("rb") as fh:
            yield fh
        return
    archive, member = inside
    with zipfile.ZipFile(archive) as zf:
        for name in zf.namelist():
            candidate = PurePosixPath(name)
            if (
                candidate.parent == member.parent
                and candidate.stem == member.stem
                and candidate.suffix.lower() == suffix
            ):
                with zf.open(name) as fh:
                    yield fh  # type: ignore[misc]
                return
        yield None


def declared_encoding(path: str, driver: str) -> str | None:
    """The encoding a Shapefile or MapInfo table declares, or None when it declares none.

    A Shapefile declares it in a ``.cpg`` file beside it or in the DBF's language-driver
    byte; a MapInfo table in its ``!charset`` line (``Neutral`` declares nothing).
    """
    if driver == "ESRI Shapefile":
        with _open_part(path, ".cpg") as cpg:
            if cpg is not None:
                text = cpg.read(256).decode("ascii", errors="ignore").strip()
                try:
                    return normalize_encoding(text) if text else None
                except LookupError:
                    return None
        with _open_part(path, ".dbf") as dbf:
            header = dbf.read(32) if dbf is not None else b""
        if len(header) == 32 and header[29] in _LDID:
            return _LDID[header[29]]
        return None
    if driver == "MapInfo File" and path.lower().endswith(".tab"):
        with _open_part(path, ".tab") as tab:
            head = (tab.read(4096) if tab is not None else b"").decode("latin-1")
        match = re.search(r"!charset\s+(\S+)", head, re.IGNORECASE)
        if match:
            charset = match.group(1).lower()
            if charset == "neutral":
                return None
            return _MAPINFO_CHARSETS.get(charset, charset)
        return None
    return None


_ARABIC_1256 = frozenset(range(0xC1, 0xFF)) - {0xD7, 0xE0, 0xE2, 0xE7, 0xE8, 0xE9, 0xEA, 0xEB}
_ARABIC_1256 -= {0xEE, 0xEF, 0xF4, 0xF9, 0xFB, 0xFC}
_WORD = re.compile(rb"[^\s\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+")


def guess_encoding(raw: bytes) -> tuple[str, bool]:
    r"""Guess the encoding of ``raw`` attribute bytes.

    Returns
    -------
    (encoding, meaningful)
        ``meaningful`` is False when the bytes are plain ASCII, so that any encoding
        reads them the same and nothing needs to be said.

    Notes
    -----
    Valid UTF-8 with multi-byte sequences is UTF-8 (a Windows code page almost never
    produces it by chance). Otherwise each word that holds non-ASCII bytes votes:
    a word made only of bytes that are Arabic letters in Windows-1256 votes Arabic;
    a word mixing Latin letters and accented bytes (``urbanis\\xe9e``) votes Latin.
    Windows-1256 wins on any Arabic vote, since it also holds the French accented
    letters; otherwise Windows-1252.
    """
    if raw.isascii():
        return "ascii", False
    try:
        raw.decode("utf-8")
        return "utf-8", True
    except UnicodeDecodeError:
        pass
    arabic = latin = 0
    for word in _WORD.findall(raw):
        high = [b for b in word if b >= 0x80]
        if not high:
            continue
        if all(b in _ARABIC_1256 for b in word) and len(word) >= 2:
            arabic += 1
        elif any(0x41 <= b <= 0x7A for b in word):
            latin += 1
    if arabic and arabic >= latin / 10:
        return "cp1256", True
    return "cp1252", True


def _dbf_text(fh: BinaryIO, limit: int) -> bytes:
    """The raw bytes of a dBase file's character fields, up to ``limit`` bytes."""
    header = fh.read(32)
    if len(header) < 32:
        return b""
    records = int.from_bytes(header[4:8], "little")
    header_len = int.from_bytes(header[8:10], "little")
    record_len = int.from_bytes(header[10:12], "little")
    descriptors = fh.read(max(0, header_len - 32))
    fields: list[tuple[int, int]] = []
    offset = 1  # the deletion flag
    for i in range(0, len(descriptors) - 31, 32):
        desc = descriptors[i : i + 32]
        if desc[0] == 0x0D:
            break
        length = desc[16]
        if desc[11:12] in (b"C", b"M"):
            fields.append((offset, length))
        offset += length
    if not fields or record_len <= 0:
        return b""
    out = bytearray()
    for _ in range(records):
        record = fh.read(record_len)
        if len(record) < record_len:
            break
        for start, length in fields:
            value = record[start : start + length].strip(b" \x00")
            if value:
                out += value + b"\n"
        if len(out) >= limit:
            break
    return bytes(out)


def raw_text_sample(path: str, driver: str, limit: int = 2_000_000) -> bytes:
    """Undecoded attribute text of a Shapefile (its DBF) or MapInfo table (``.DAT``/``.MID``)."""
    if driver == "ESRI Shapefile":
        with _open_part(path, ".dbf") as dbf:
            return _dbf_text(dbf, limit) if dbf is not None else b""
    if driver == "MapInfo File":
        if path.lower().endswith(".mif"):
            with _open_part(path, ".mid") as mid:
                return mid.read(limit) if mid is not None else b""
        with _open_part(path, ".dat") as dat:
            return _dbf_text(dat, limit) if dat is not None else b""
    return b""
