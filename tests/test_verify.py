"""What a new user's tour of issue 7 found short, each mend proved by hand-worked cases."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
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


# ----------------------------------------------------------------------------- impossible rules in a look-up


def _v1_with(**figures):
    plan = tiny_plan()
    row = plan.rules.index[plan.rules["zone_code"] == "V1"][0]
    for name, value in figures.items():
        plan.rules.loc[row, name] = value
    plan.invalidate()
    return plan


def test_a_lookup_says_when_the_capacity_ignored_an_impossible_rule_value():
    from terroffer._lookup import lookup

    plan = _v1_with(cos=-5.0, ces=7.0)
    result = lookup(plan, plan.zones.geometry.iloc[0])
    told = [n for n in result.warnings if n.key == "lookup.implausible_rule"]
    assert [n.params for n in told] == [{"zone": "V1", "plan": "PA-T", "count": 2}]
    assert "2 valeur(s) de règlement impossible(s)" in told[0].message("fr")
    # neither figure enters the capacity: no COS, no CES -> unknown, not -5 × 5,400 m²
    assert result.capacity.max_floor_area_m2 is None


def test_a_lookup_on_plausible_rules_says_nothing_of_impossible_values():
    from terroffer._lookup import lookup

    plan = tiny_plan()
    result = lookup(plan, plan.zones.geometry.iloc[0])
    assert not [n for n in result.warnings if n.key == "lookup.implausible_rule"]


def test_a_zone_in_several_polygons_is_told_once():
    from shapely.geometry import box

    from terroffer._lookup import lookup
    from tests.tiny import X0, Y0

    plan = _v1_with(cos=-5.0)
    # a second V1 polygon beside the first (x = -40..0): a plot over both meets V1 twice
    extra = plan.zones.iloc[[0]].copy()
    extra.geometry = [box(X0 - 40, Y0, X0, Y0 + 100)]
    plan.zones = gpd.GeoDataFrame(pd.concat([plan.zones, extra], ignore_index=True), crs=plan.zones.crs)
    plan.invalidate()
    result = lookup(plan, box(X0 - 20, Y0 + 60, X0 + 20, Y0 + 90))
    assert sum(z.zone_code == "V1" for z in result.zones) == 2
    assert [n.key for n in result.warnings].count("lookup.implausible_rule") == 1


# ----------------------------------------------------------------------------- the API writes as the CLI does


def test_a_note_pdf_under_a_regular_file_is_refused_before_it_is_drawn(a_file):
    from terroffer._lookup import lookup
    from terroffer.render.note import note_pdf

    plan = tiny_plan()
    with pytest.raises(OutputError) as caught:
        note_pdf(lookup(plan, plan.zones.geometry.iloc[0]), plan, a_file / "note.pdf")
    assert caught.value.key == "error.output_under_file"


def test_a_note_in_an_unknown_language_is_an_option_error():
    from terroffer._lookup import lookup
    from terroffer.render.note import note_html

    plan = tiny_plan()
    with pytest.raises(OptionError) as caught:
        note_html(lookup(plan, plan.zones.geometry.iloc[0]), plan, lang="de")
    assert caught.value.message("ar").endswith("fr، ar، en، both.")


def test_save_map_under_a_regular_file_is_an_output_error(a_file):
    from terroffer.render.webmap import save_map, zone_map

    with pytest.raises(OutputError):
        save_map(zone_map(tiny_plan()), a_file / "map.html")


def test_write_plan_under_a_regular_file_names_it_not_errno_17(a_file):
    from terroffer.io import write_plan

    with pytest.raises(OutputError) as caught:
        write_plan(tiny_plan(), a_file / "plan.gpkg")
    assert "Errno" not in caught.value.message("fr") and "afile" in caught.value.message("fr")


def test_a_written_file_gets_the_users_mode_not_mkstemps_0600(tmp_path):
    import os

    from terroffer._output import write_output

    old = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.csv"
        write_output(fresh, lambda tmp: tmp.write_text("a", encoding="utf-8"))
        assert fresh.stat().st_mode & 0o777 == 0o644  # 0666 less the umask 022
        kept = tmp_path / "kept.csv"
        kept.write_text("old", encoding="utf-8")
        kept.chmod(0o640)
        write_output(kept, lambda tmp: tmp.write_text("new", encoding="utf-8"))
        assert kept.stat().st_mode & 0o777 == 0o640 and kept.read_text(encoding="utf-8") == "new"
    finally:
        os.umask(old)


# ----------------------------------------------------------------------------- dashboard


@pytest.mark.parametrize("content", [b"\x00\x01binary\xff", b'{"cells": 3}', b"[]"])
def test_the_dashboard_refuses_a_file_that_is_not_a_notebook_before_voila_starts(tmp_path, capsys, content):
    fake = tmp_path / "carnet.ipynb"
    fake.write_bytes(content)
    code, out, err = call_cli(capsys, "--lang", "fr", "dashboard", fake)
    assert code == 2 and out == ""
    said = "ce n'est pas un carnet Jupyter (.ipynb) ; donnez explorer ou le chemin d'un carnet."
    assert err.strip().splitlines() == [f"terroffer: {fake} : {said}"]


def test_the_dashboard_refuses_a_folder_given_as_its_notebook(tmp_path, capsys):
    folder = tmp_path / "dossier"
    folder.mkdir()
    code, _, err = call_cli(capsys, "--lang", "ar", "dashboard", folder)
    assert code == 2 and err.startswith(f"terroffer: {folder}: ") and "Jupyter" in err


# ----------------------------------------------------------------------------- an empty offer


def test_an_offer_that_chose_no_zone_says_so_and_how_to_count_a_plan_without_status():
    from terroffer._offer import offer
    from terroffer.render.tables import offer_table, table_text

    plan = tiny_plan()
    empty = offer(plan, statuses="expired")  # neither PA-T (approved) nor PA-D (under study)
    assert empty.empty
    table = offer_table(empty, "fr")
    assert any("--status unknown" in note for note in table.attrs["notes"])
    # a non-empty offer carries no such note
    assert not any("--status unknown" in note for note in offer_table(offer(plan), "fr").attrs["notes"])
    assert "Commune" in table_text(table, "fr")


def test_an_empty_offer_on_the_command_line_is_not_a_bare_header(tmp_path, capsys):
    from terroffer.io import write_plan

    path = write_plan(tiny_plan(), tmp_path / "tiny.gpkg")
    code, out, _ = call_cli(capsys, "--lang", "fr", "offer", "--plan", path, "--status", "expired")
    assert code == 0
    assert "Aucune zone ne répond à ces filtres" in out


# ----------------------------------------------------------------------------- nearest zone by name


def test_the_lookup_text_names_the_nearest_zones_plan_by_its_name():
    from shapely.geometry import Point

    from terroffer._lookup import lookup
    from terroffer.render.tables import lookup_text
    from tests.tiny import X0, Y0

    plan = tiny_plan()
    # 2 km east of the tiny plan's last zone (ZT ends at x = 200): the nearest zone is ZT of PA-D
    result = lookup(plan, Point(X0 + 2200, Y0 + 50))
    fr = lookup_text(result, "fr", plan)
    assert "Zone la plus proche à 2,0\u00a0km (PA de D)." in fr  # no-break space before the unit
    assert "(تصميم التهيئة د)" in lookup_text(result, "ar", plan)


# ----------------------------------------------------------------------------- status unknown in the look-up


def test_a_plan_without_status_is_unknown_in_the_lookup_as_in_the_search():
    import json

    from terroffer._lookup import lookup
    from terroffer._offer import search

    plan = tiny_plan()
    plan.plans.loc[plan.plans["plan_id"] == "PA-T", "status"] = None
    plan.invalidate()
    result = lookup(plan, plan.zones.geometry.iloc[0])
    assert [p.status for p in result.plans] == ["unknown"]
    assert json.loads(json.dumps(result.to_dict()))["plans"][0]["status"] == "unknown"
    assert set(search(plan, use="villa")["plan_status"]) == {"unknown"}
