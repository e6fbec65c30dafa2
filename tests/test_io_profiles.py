"""Schema profiles: canonical, CNIG, generic column names, a user's YAML mapping, DXF, KML."""

from __future__ import annotations

import geopandas as gpd
import pyogrio
import pytest

from terroffer.errors import SchemaError
from terroffer.io import load_plan
from tests.conftest import X0, Y0, call_cli, rect, report_json, write_dxf, write_kml, write_kmz

CRS = "EPSG:26191"
SQUARES = [rect(0, 0, 100, 100), rect(100, 0, 200, 100), rect(0, 100, 100, 200), rect(100, 100, 200, 200)]


def frame(columns: dict, n: int | None = None) -> gpd.GeoDataFrame:
    n = len(next(iter(columns.values()))) if n is None else n
    return gpd.GeoDataFrame(columns, geometry=SQUARES[:n], crs=CRS)


def as_gpkg(tmp_path, columns: dict, name: str = "zonage.gpkg"):
    path = tmp_path / name
    pyogrio.write_dataframe(frame(columns), path, driver="GPKG")
    return path


def by_code(plan, column: str) -> dict:
    return dict(zip(plan.zones["zone_code"], plan.zones[column], strict=True))


# ----------------------------------------------------------------------------- canonical


def test_canonical_columns_are_taken_as_they_are(tmp_path):
    # A family given in the file wins over the one its code would suggest (ZT is tourism).
    path = as_gpkg(tmp_path, {"zone_code": ["ZT", "X9"], "family": ["green", "Tourisme"]})
    plan = load_plan(path)
    assert plan.source.profile == "canonical"
    assert by_code(plan, "family") == {"ZT": "green", "X9": "tourism"}
    assert by_code(plan, "sector") == {"ZT": "green", "X9": "tourism"}


# ----------------------------------------------------------------------------- CNIG


def cnig_layer() -> dict:
    # Labels say nothing of the family, and the codes are not in the family table:
    # only TYPEZONE and DESTDOMI can give the families.
    return {
        "IDURBA": ["41175_PLU_20140603"] * 4,
        "LIBELLE": ["Ap", "Nh", "1AUc", "UB"],
        "LIBELONG": ["Secteur Ap", "Secteur Nh", "Secteur 1AUc", "Secteur UB"],
        "TYPEZONE": ["A", "N", "AUc", "U"],
        "DESTDOMI": ["07", "08", "00", "01"],
    }


def test_cnig_layer_is_recognised_with_its_families(tmp_path):
    path = tmp_path / "41175_ZONE_URBA_20140603.shp"
    pyogrio.write_dataframe(frame(cnig_layer()), path)
    plan = load_plan(path)
    assert plan.source.profile == "cnig"
    assert by_code(plan, "family") == {
        "Ap": "agriculture",
        "Nh": "natural",
        "1AUc": "future_urban",
        "UB": "individual_housing",
    }
    assert by_code(plan, "label_fr")["UB"] == "Secteur UB"
    assert set(plan.zones["plan_id"]) == {"41175_PLU_20140603"}


def test_cnig_families_come_from_typezone_not_from_the_code(tmp_path):
    # Read as generic (forced), the same layer's families are unknown: the CNIG profile is what knows them.
    path = as_gpkg(tmp_path, cnig_layer())
    generic = load_plan(path, profile="generic")
    assert set(generic.zones["family"]) == {"other"}
    assert load_plan(path).source.profile == "cnig"


def test_cnig_destdomi_refines_urban_zones(tmp_path):
    columns = {
        "LIBELLE": ["UX", "UT", "UE", "UC"],
        "TYPEZONE": ["U", "U", "U", "U"],
        "DESTDOMI": ["02", "04", "05", "0105"],
    }
    plan = load_plan(as_gpkg(tmp_path, columns))
    assert by_code(plan, "family") == {
        "UX": "industry",
        "UT": "tourism",
        "UE": "equipment",
        "UC": "collective_housing",
    }


# ----------------------------------------------------------------------------- generic


@pytest.mark.filterwarnings("ignore:Normalized/laundered field name")
@pytest.mark.parametrize("column", ["ZONE", "ZONAGE", "CODE_ZONE", "AFFECTATION", "NOM", "zone", "Code_Zone"])
@pytest.mark.parametrize("ext", ["gpkg", "shp"])
def test_generic_zone_code_columns(tmp_path, column, ext):
    path = tmp_path / f"zonage.{ext}"
    # A Shapefile cuts AFFECTATION to AFFECTATIO: that must still be recognised.
    pyogrio.write_dataframe(frame({column: ["V1", "zone B4"], "OBSERV": ["x", "y"]}), path)
    plan = load_plan(path)
    assert plan.source.profile == "generic"
    assert by_code(plan, "family") == {"V1": "villa", "B4": "collective_housing"}


@pytest.mark.parametrize("column", ["LIB_AR", "NOM_AR", "TEXTE"])
def test_arabic_text_column_becomes_label_ar(tmp_path, column):
    labels = ["منطقة الفيلات", "منطقة صناعية"]
    path = as_gpkg(tmp_path, {"ZONE": ["V1", "I1"], "LIB_FR": ["Villas", "Industrie"], column: labels})
    plan = load_plan(path)
    assert by_code(plan, "label_ar") == {"V1": labels[0], "I1": labels[1]}
    assert by_code(plan, "label_fr") == {"V1": "Villas", "I1": "Industrie"}


def test_generic_rule_columns_become_rules(tmp_path):
    columns = {
        "CODE_ZONE": ["V1", "B4"],
        "COS": [0.6, 3.0],
        "CES": [0.3, 0.7],
        "HAUTEUR": [8.5, 18.0],
        "NIVEAUX": ["R+1", "R+4"],
        "SURF_MIN": [300, 500],
    }
    plan = load_plan(as_gpkg(tmp_path, columns))
    rules = plan.rules.set_index("zone_code")
    assert rules.loc["V1", "cos"] == 0.6 and rules.loc["B4", "ces"] == 0.7
    assert rules.loc["B4", "max_height_m"] == 18.0
    assert rules["max_floors"].to_dict() == {"V1": 2, "B4": 5}  # R+1: two floors; R+4: five
    assert rules["min_lot_m2"].to_dict() == {"V1": 300, "B4": 500}


def test_no_zone_code_column_is_refused_naming_the_columns(tmp_path):
    path = as_gpkg(tmp_path, {"SURFACE": [1.0, 2.0], "OBSERV": ["a", "b"]})
    with pytest.raises(SchemaError) as info:
        load_plan(path)
    assert info.value.key == "error.no_zone_code"
    assert "SURFACE" in str(info.value) and "--profile" in str(info.value)


# ----------------------------------------------------------------------------- user YAML


def test_user_yaml_profile(tmp_path):
    path = as_gpkg(tmp_path, {"MYCOL": ["XY", "V1"], "NAME": ["Nom 1", "Nom 2"], "DESIG": ["Côte", "Villas"]})
    profile = tmp_path / "my.yaml"
    profile.write_text(
        "columns:\n  zone_code: MYCOL\n  label_fr: DESIG\n"
        "families:\n  XY: tourism\n"
        "plan:\n  plan_id: PA-X\n  status: approved\n",
        encoding="utf-8",
    )
    assert load_plan(path).zones["zone_code"].tolist() == ["Nom 1", "Nom 2"]  # NAME, by default
    plan = load_plan(path, profile=profile)
    assert plan.source.profile == "my"
    assert by_code(plan, "family") == {"XY": "tourism", "V1": "villa"}
    assert by_code(plan, "label_fr") == {"XY": "Côte", "V1": "Villas"}
    assert set(plan.zones["plan_id"]) == {"PA-X"}
    assert plan.plans.set_index("plan_id").loc["PA-X", "status"] == "approved"
    assert "warn.plan_status_unknown" not in [w.key for w in plan.warnings]


def test_user_yaml_profile_on_the_command_line(tmp_path, capsys):
    path = as_gpkg(tmp_path, {"MYCOL": ["ZT", "V1"], "NAME": ["a", "b"]})
    profile = tmp_path / "my.yaml"
    profile.write_text("columns: {zone_code: MYCOL}\n", encoding="utf-8")
    code, out, err = call_cli(capsys, "validate", path, "--profile", profile, "--json")
    report = report_json(out)
    assert report["zone_codes"] == ["V1", "ZT"]
    assert report["profile"] == "my"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("columns: {label_fr: NAME}\n", "error.profile_without_zone_code"),
        ("columns: [a, b\n", "error.bad_profile"),
        ("- just\n- a list\n", "error.bad_profile"),
    ],
)
def test_bad_yaml_profiles_are_refused(tmp_path, text, key):
    path = as_gpkg(tmp_path, {"MYCOL": ["ZT", "V1"]})
    profile = tmp_path / "bad.yaml"
    profile.write_text(text, encoding="utf-8")
    with pytest.raises(SchemaError) as info:
        load_plan(path, profile=profile)
    assert info.value.key == key and "bad.yaml" in str(info.value)


def test_unknown_profile_exits_2(tmp_path, capfd):
    path = as_gpkg(tmp_path, {"MYCOL": ["ZT", "V1"]})
    code, out, err = call_cli(capfd, "validate", path, "--profile", tmp_path / "absent.yaml")
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and "absent.yaml" in err


# ----------------------------------------------------------------------------- DXF and KML


def test_dxf_codes_from_layer_names(tmp_path):
    shapes = [
        ("ZONE_V1", rect(0, 0, 100, 100)),
        ("zone-D", rect(100, 0, 200, 100)),
        ("ZONAGE B4", SQUARES[2]),
    ]
    plan = load_plan(write_dxf(tmp_path / "pa.dxf", shapes))
    assert by_code(plan, "family") == {"V1": "villa", "D": "individual_housing", "B4": "collective_housing"}
    assert plan.zones.geometry.area.tolist() == pytest.approx([10_000] * 3)


def test_dxf_codes_from_text_labels_inside_polygons(tmp_path):
    shapes = [("LIMITES", rect(0, 0, 100, 100)), ("LIMITES", rect(100, 0, 200, 100)), ("ZONE_I1", SQUARES[2])]
    labels = [
        ("TEXTES", "D", (X0 + 150, Y0 + 50)),
        ("TEXTES", " V1 ", (X0 + 50, Y0 + 50)),
        ("TEXTES", "ZT", (X0 + 500, Y0 + 500)),  # outside every polygon: ignored
    ]
    plan = load_plan(write_dxf(tmp_path / "pa.dxf", shapes, labels))
    areas = dict(zip(plan.zones["zone_code"], plan.zones.geometry.area, strict=True))
    assert areas == pytest.approx({"V1": 10_000, "D": 10_000, "I1": 10_000})
    assert len(plan.zones) == 3


def test_dxf_polygon_without_code_is_counted(tmp_path):
    plan = load_plan(write_dxf(tmp_path / "pa.dxf", [("0", SQUARES[0]), ("ZONE_V1", SQUARES[1])]))
    assert [p.count for p in plan.repairs if p.kind == "missing_zone_code"] == [1]


@pytest.mark.parametrize("writer", [write_kml, write_kmz])
def test_kml_zone_names(tmp_path, writer):
    placemarks = [("Zone D", "", SQUARES[0]), ("zone V1", "", SQUARES[1]), ("I1", "", SQUARES[2])]
    plan = load_plan(writer(tmp_path / ("dessin.kmz" if writer is write_kmz else "dessin.kml"), placemarks))
    assert sorted(plan.zones["zone_code"]) == ["D", "I1", "V1"]
    assert plan.zones.geometry.area.sum() == pytest.approx(30_000, rel=1e-6)
