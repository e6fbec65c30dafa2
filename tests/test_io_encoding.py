"""Text encodings: undeclared Windows-1256 Arabic, Windows-1252 French and UTF-8 come out right.

An "undeclared" Shapefile is written in the encoding, then its ``.cpg`` is deleted and
byte 29 of its DBF (the dBase language driver) set to 0, as agencies' files arrive.
Each test first checks that the file really is undeclared: read the ordinary way it
comes out garbled, so the test fails if the loader does not detect the encoding.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest

from terroffer.errors import EncodingError
from terroffer.io import load_plan
from tests.conftest import (
    ZONES,
    call_cli,
    rect,
    report_json,
    shapefile_parts,
    write_shapefile,
    zip_files,
    zones_frame,
)

ARABIC = [ar for _, _, ar, _ in ZONES]
FRENCH = [fr for _, fr, _, _ in ZONES]
URBA = ["Zone urbanisée", "Zone à urbaniser", "Forêt protégée"]


def undeclared_shapefile(frame: gpd.GeoDataFrame, path: Path, encoding: str) -> Path:
    """A Shapefile in ``encoding`` with no ``.cpg`` and language-driver byte 0."""
    write_shapefile(frame, path, encoding=encoding)
    path.with_suffix(".cpg").unlink(missing_ok=True)
    dbf = path.with_suffix(".dbf")
    data = bytearray(dbf.read_bytes())
    data[29] = 0
    dbf.write_bytes(bytes(data))
    assert not path.with_suffix(".cpg").exists()
    return path


def french_frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"zone_code": ["U", "AU", "NF"], "label_fr": URBA},
        geometry=[rect(0, 0, 100, 100), rect(100, 0, 200, 100), rect(0, 100, 200, 150)],
        crs="EPSG:26191",
    )


def encoding_notices(plan):
    return [w for w in plan.warnings if w.key == "warn.encoding_inferred"]


def test_arabic_windows_1256_without_cpg_is_detected_and_said(tmp_path):
    path = undeclared_shapefile(zones_frame(), tmp_path / "zonage.shp", "cp1256")
    garbled = pyogrio.read_dataframe(path)["label_ar"].tolist()
    assert garbled != ARABIC  # what GDAL makes of it on its own
    plan = load_plan(path)
    assert plan.zones["label_ar"].tolist() == ARABIC
    # Windows-1256 also holds the French accented letters: the French column survives too.
    assert plan.zones["label_fr"].tolist() == FRENCH
    assert plan.source.encoding == "cp1256"
    assert plan.source.encoding_inferred is True
    (notice,) = encoding_notices(plan)
    assert notice.params == {"source": "zonage.shp", "encoding": "cp1256"}
    for lang in ("fr", "en", "ar"):
        assert "cp1256" in notice.message(lang)
        assert "zonage.shp" in notice.message(lang)


def test_arabic_shapefile_in_a_zip_is_detected_too(tmp_path):
    path = undeclared_shapefile(zones_frame(), tmp_path / "zonage.shp", "cp1256")
    archive = zip_files(tmp_path / "livraison.zip", shapefile_parts(path))
    plan = load_plan(archive)
    assert plan.zones["label_ar"].tolist() == ARABIC
    assert (plan.source.encoding, plan.source.encoding_inferred) == ("cp1256", True)


def test_french_windows_1252_without_cpg(tmp_path):
    path = undeclared_shapefile(french_frame(), tmp_path / "zone_urba.shp", "cp1252")
    assert b"urbanis\xe9e" in path.with_suffix(".dbf").read_bytes()  # one byte for é: not UTF-8
    plan = load_plan(path)
    assert plan.zones["label_fr"].tolist() == URBA
    assert (plan.source.encoding, plan.source.encoding_inferred) == ("cp1252", True)
    assert [n.params["encoding"] for n in encoding_notices(plan)] == ["cp1252"]


def test_utf8_without_cpg_is_not_read_as_latin1(tmp_path):
    path = undeclared_shapefile(zones_frame(), tmp_path / "zonage.shp", "UTF-8")
    plan = load_plan(path)
    assert plan.zones["label_fr"].tolist() == FRENCH  # not "faÃ§ade"
    assert plan.zones["label_ar"].tolist() == ARABIC
    assert (plan.source.encoding, plan.source.encoding_inferred) == ("utf-8", True)


def test_plain_ascii_needs_no_guess_and_no_warning(tmp_path):
    frame = zones_frame()[["zone_code", "geometry"]]
    plan = load_plan(undeclared_shapefile(frame, tmp_path / "codes.shp", "cp1256"))
    assert plan.source.encoding_inferred is False
    assert encoding_notices(plan) == []


def test_a_declared_encoding_is_trusted(tmp_path):
    path = tmp_path / "zonage.shp"
    write_shapefile(zones_frame(), path, encoding="cp1256")
    assert path.with_suffix(".cpg").read_text().strip().upper() == "CP1256"
    plan = load_plan(path)
    assert plan.zones["label_ar"].tolist() == ARABIC
    assert (plan.source.encoding, plan.source.encoding_inferred) == ("cp1256", False)
    assert encoding_notices(plan) == []


def test_the_dbf_language_driver_byte_counts_as_a_declaration(tmp_path):
    path = undeclared_shapefile(french_frame(), tmp_path / "zone_urba.shp", "cp1252")
    dbf = path.with_suffix(".dbf")
    data = bytearray(dbf.read_bytes())
    data[29] = 0x57  # ANSI (Windows-1252)
    dbf.write_bytes(bytes(data))
    plan = load_plan(path)
    assert plan.zones["label_fr"].tolist() == URBA
    assert (plan.source.encoding, plan.source.encoding_inferred) == ("cp1252", False)


@pytest.mark.parametrize("ext", ["tab", "mif"])
@pytest.mark.parametrize("encoding", ["cp1252", "UTF-8"])
def test_mapinfo_with_neutral_charset(tmp_path, ext, encoding):
    path = tmp_path / f"zone_urba.{ext}"
    pyogrio.write_dataframe(french_frame(), path, driver="MapInfo File", encoding=encoding)
    header = path.read_bytes()[:300].decode("latin-1")
    # What GDAL writes whatever the bytes: the table does not say its encoding.
    assert "Neutral" in header
    plan = load_plan(path)
    assert plan.zones["label_fr"].tolist() == URBA
    assert plan.source.encoding_inferred is True
    assert plan.source.encoding == encoding.lower()
    assert [n.params["encoding"] for n in encoding_notices(plan)] == [encoding.lower()]


def test_mapinfo_declared_charset_is_trusted(tmp_path):
    path = tmp_path / "zone_urba.tab"
    pyogrio.write_dataframe(french_frame(), path, driver="MapInfo File", encoding="cp1252")
    path.write_bytes(path.read_bytes().replace(b"!charset Neutral", b"!charset WindowsLatin1"))
    plan = load_plan(path)
    assert plan.zones["label_fr"].tolist() == URBA
    assert (plan.source.encoding, plan.source.encoding_inferred) == ("cp1252", False)


def test_encoding_option_overrides_detection(tmp_path):
    path = undeclared_shapefile(zones_frame(), tmp_path / "zonage.shp", "cp1256")
    forced = load_plan(path, encoding="windows-1252")
    # The user is obeyed even when wrong: each byte read as Windows-1252, nothing guessed.
    assert forced.zones["label_ar"].tolist() == [t.encode("cp1256").decode("cp1252") for t in ARABIC]
    assert (forced.source.encoding, forced.source.encoding_inferred) == ("cp1252", False)
    assert encoding_notices(forced) == []
    right = load_plan(path, encoding="1256")
    assert right.zones["label_ar"].tolist() == ARABIC
    assert encoding_notices(right) == []


def test_unknown_encoding_name_is_refused(tmp_path):
    path = undeclared_shapefile(zones_frame(), tmp_path / "zonage.shp", "cp1256")
    with pytest.raises(EncodingError) as info:
        load_plan(path, encoding="klingon-7")
    assert "klingon-7" in str(info.value) and str(path) in str(info.value)


def test_validate_reports_the_inferred_encoding(tmp_path, capsys):
    path = undeclared_shapefile(zones_frame(), tmp_path / "zonage.shp", "cp1256")
    code, out, err = call_cli(capsys, "validate", path, "--json")
    report = report_json(out)
    assert report["encoding"] == "cp1256"
    assert report["encoding_inferred"] is True
    assert any("cp1256" in w for w in report["warnings"])
    code, out, err = call_cli(capsys, "validate", path, "--json", "--encoding", "cp1256")
    report = report_json(out)
    assert (report["encoding"], report["encoding_inferred"]) == ("cp1256", False)
    assert not any("cp1256" in w for w in report["warnings"])


def test_import_keeps_the_arabic_text(tmp_path, capsys):
    path = undeclared_shapefile(zones_frame(), tmp_path / "zonage.shp", "cp1256")
    out = tmp_path / "plan.gpkg"
    code, _, err = call_cli(capsys, "import", path, "--into", out)
    assert (code, err) == (0, "")
    assert pyogrio.read_dataframe(out, layer="zones")["label_ar"].tolist() == ARABIC


def test_bad_encoding_option_exits_2_with_one_line(tmp_path, capsys):
    path = undeclared_shapefile(zones_frame(), tmp_path / "zonage.shp", "cp1256")
    code, out, err = call_cli(capsys, "--lang", "en", "validate", path, "--encoding", "nope")
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and "nope" in err
