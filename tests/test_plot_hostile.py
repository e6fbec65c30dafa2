"""Files no plot can come from: each is one PlotInputError line naming the file and what to do."""

from __future__ import annotations

import pytest

import terroffer.plot_input as plot_input
from terroffer.errors import PlotInputError
from terroffer.plot_input import read_plot

BOUNDS = (340_000.0, 330_000.0, 380_000.0, 376_000.0)


def _refused(path, key):
    with pytest.raises(PlotInputError) as info:
        read_plot(path, bounds=BOUNDS)
    assert info.value.key == key
    for lang in ("fr", "ar", "en"):
        message = info.value.message(lang)
        assert path.name in message
        assert "\n" not in message and "{" not in message  # one line, every placeholder filled
    return info.value


def test_binary_file_named_as_a_table(tmp_path):
    path = tmp_path / "parcelle.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    _refused(path, "error.plot_binary")


def test_spreadsheet_bytes_in_a_txt(tmp_path):
    path = tmp_path / "parcelle.txt"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(1, 32)) * 20)
    _refused(path, "error.plot_binary")


def test_empty_file(tmp_path):
    path = tmp_path / "vide.txt"
    path.write_bytes(b"")
    _refused(path, "error.plot_empty")


def test_file_of_blank_lines_and_comments(tmp_path):
    path = tmp_path / "blanc.txt"
    path.write_text("\n   \n# relevé du 3 mars\n\n")
    _refused(path, "error.plot_empty")


def test_directory_given_as_the_plot(tmp_path):
    folder = tmp_path / "parcelle.csv"
    folder.mkdir()
    _refused(folder, "error.plot_is_directory")


def test_device_given_as_the_plot():
    from pathlib import Path

    _refused(Path("/dev/null"), "error.plot_not_file")


@pytest.mark.parametrize("name", ["enorme.txt", "enorme.geojson"])  # a GeoJSON before GDAL reads it
def test_file_too_large(tmp_path, name):
    path = tmp_path / name
    with path.open("wb") as f:
        f.truncate(plot_input.MAX_PLOT_BYTES + 1)  # sparse: the size alone refuses it
    error = _refused(path, "error.plot_too_large")
    assert error.params["max_mb"] == pytest.approx(8.0)


def test_broken_geojson(tmp_path):
    path = tmp_path / "casse.geojson"
    path.write_text('{"type": "FeatureCollection", "features": [')
    _refused(path, "error.plot_unreadable")


def test_unknown_extension(tmp_path):
    path = tmp_path / "parcelle.xlsx"
    path.write_bytes(b"PK\x03\x04")
    _refused(path, "error.plot_unknown_format")


def test_missing_file(tmp_path):
    with pytest.raises(PlotInputError) as info:
        read_plot(tmp_path / "absent.csv", bounds=BOUNDS)
    assert info.value.key == "error.not_found" and "absent.csv" in info.value.message("ar")


def test_text_instead_of_numbers_names_the_line(tmp_path):
    path = tmp_path / "parcelle.txt"
    path.write_text("Borne X Y\nB1 372145,20 367210,55\nB2 trois-cent 367210,55\n")
    error = _refused(path, "error.plot_not_number")
    assert error.params["line"] == 3 and error.params["value"] == "trois-cent"
