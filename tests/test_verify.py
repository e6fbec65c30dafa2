"""What a new user's tour of issue 7 found short, each mend proved by hand-worked cases."""

from __future__ import annotations

import pytest

from terroffer._output import check_output, check_output_dir
from terroffer.errors import FilterError, OptionError, OutputError
from terroffer.selection import resolve_use
from terroffer.words import localize
from tests.conftest import call_cli
from tests.tiny import tiny_plan

# ----------------------------------------------------------------------------- lists in messages


def test_a_list_parameter_is_written_as_a_list_of_the_language():
    # computation passes names; the message joins them with the language's comma
    params = {"names": ("Témara", "Skhirate")}
    assert localize(params, "ar")["names"] == "Témara، Skhirate"
    assert localize(params, "fr")["names"] == "Témara, Skhirate"


def test_the_nearest_names_of_a_typo_are_listed_with_the_arabic_comma():
    with pytest.raises(FilterError) as caught:
        resolve_use("hotl")
    arabic = caught.value.message("ar")
    assert "hotel" in arabic and "،" in arabic and ", " not in arabic
    assert "hotel, " in caught.value.message("fr")


def test_argparse_choices_are_listed_with_the_arabic_comma(capsys):
    code, out, err = call_cli(capsys, "--lang", "ar", "offer", "--format", "docx")
    assert code == 2 and out == ""
    assert "table، csv، json، xlsx" in err and len(err.strip().splitlines()) == 1


def test_an_unknown_basemap_names_the_option_the_user_typed(tmp_path, capsys):
    code, _, err = call_cli(capsys, "map", "--out", tmp_path / "m.html", "--basemap", "nowhere")
    assert code == 2
    assert err.startswith("terroffer: --basemap ")


def test_the_basemap_suggestions_are_a_list_of_the_language():
    from terroffer.render.webmap import zone_map

    with pytest.raises(OptionError) as caught:
        zone_map(tiny_plan(), basemap="OpenStreetMapp")
    nearest = caught.value.message("ar").rsplit("(", 1)[-1]
    assert nearest.count("OpenStreetMap") == 3 and nearest.count("، ") == 2 and ", " not in nearest


# ----------------------------------------------------------------------------- outputs under a file


@pytest.fixture
def a_file(tmp_path):
    path = tmp_path / "afile"
    path.write_text("x", encoding="utf-8")
    return path


def test_a_file_to_write_under_a_regular_file_names_that_file(a_file):
    with pytest.raises(OutputError) as caught:
        check_output(a_file / "out.csv")
    assert caught.value.key == "error.output_under_file"
    said = caught.value.message("fr")
    assert said.endswith("afile est un fichier, pas un dossier ; choisissez un autre chemin.")


def test_a_folder_to_make_under_a_regular_file_names_that_file_not_the_system_error(a_file):
    with pytest.raises(OutputError) as caught:
        check_output_dir(a_file / "pack" / "deeper")
    assert caught.value.key == "error.output_under_file"
    message = caught.value.message("ar")
    assert "Not a directory" not in message and "ملف وليس مجلدا" in message


def test_a_missing_folder_is_still_said_missing(tmp_path):
    with pytest.raises(OutputError) as caught:
        check_output(tmp_path / "nowhere" / "out.csv")
    assert caught.value.key == "error.output_no_folder"


def test_export_under_a_file_is_one_line_in_the_language(a_file, capsys):
    code, out, err = call_cli(capsys, "--lang", "fr", "export", "--out", a_file / "pack", "--no-progress")
    assert code == 2 and out == ""
    said = f"{a_file} est un fichier, pas un dossier ; choisissez un autre chemin."
    assert err.strip().splitlines() == [f"terroffer: {a_file / 'pack'} : {said}"]


# ----------------------------------------------------------------------------- unknown commune


def test_zones_outside_every_commune_are_counted_under_a_dash_not_a_question_mark():
    from terroffer._offer import offer
    from terroffer.render.tables import offer_table

    plan = tiny_plan()
    plan.zones["commune"] = None
    plan.invalidate()
    table = offer(plan)
    # V1, I1 and EV (PA-T, approved) are all still counted: 3 zones, 6,000 + 4,000 + 5,000 m²
    assert table["zones"].sum() == 3
    assert table["area_ha"].sum() == pytest.approx(1.5)
    assert set(table["commune"]) == {"—"}
    assert set(offer_table(table, "fr")["Commune"]) == {"—"}
