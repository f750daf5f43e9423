from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from typer.testing import CliRunner

from yitu.cli import app
from yitu.errors import ProjectError
from yitu.layers.load import import_layer, load
from yitu.layers.project import Project
from yitu.layers.validate import validate_project

runner = CliRunner()


def test_init_creates_a_geopackage_qgis_can_open(tmp_path):
    p = Project.init(tmp_path / "p", name="测试县")
    assert (tmp_path / "p" / "yitu.toml").exists()
    assert [n for n, _ in pyogrio.list_layers(p.gpkg)] == ["yitu_meta"]
    assert p.settings.project.name == "测试县"
    with pytest.raises(ProjectError, match="已有项目"):
        Project.init(tmp_path / "p")
    with pytest.raises(ProjectError, match="yitu init"):
        Project.open(tmp_path / "nothing")


def test_missing_layer_names_the_command(tmp_path):
    p = Project.init(tmp_path / "p")
    with pytest.raises(ProjectError, match="yitu import .* stations FILE"):
        p.read("stations")


def test_failed_write_leaves_project_intact(tmp_path, data_dir):
    p = Project.init(tmp_path / "p")
    import_layer(p, "enterprises", data_dir / "layers" / "enterprises_bad.csv")
    before = p.gpkg.read_bytes()
    bad = gpd.GeoDataFrame({"x": [{"a": 1}]}, geometry=[shapely.Point(0, 0)], crs=4326)
    with pytest.raises(Exception):
        p.write("broken", bad)
    assert p.gpkg.read_bytes() == before
    assert p.layers() == ["enterprises"]


def test_validate_cross_layer(tmp_path):
    p = Project.init(tmp_path / "p")
    ent = pd.DataFrame({"编号": ["E1", "E2"], "企业名称": ["甲", "乙"], "所属园区": ["P1", "P9"],
                        "经度": ["119.40", "119.45"], "纬度": ["32.30", "32.30"], "更新日期": ["2020-01-01", ""]})
    parks = gpd.GeoDataFrame({"编号": ["P1"], "园区名称": ["园区"], "园区消防站": ["S1,S7"]},
                             geometry=[shapely.box(119.39, 32.29, 119.46, 32.31)], crs=4326)
    st = pd.DataFrame({"编号": ["S1", "S2"], "站点名称": ["一站", "空站"], "站点类型": ["一级站", "志愿队"],
                       "经度": ["119.41", "119.42"], "纬度": ["32.3", "32.3"], "水罐车": ["2", "0"]})
    sh = pd.DataFrame({"名称": ["广场", "操场"], "类型": ["紧急", "固定"], "有效面积": ["1500", ""], "容纳人数": ["3000", ""],
                       "经度": ["119.41", "119.42"], "纬度": ["32.3", "32.3"]})
    for layer, df in (("enterprises", ent), ("parks", parks), ("stations", st), ("shelters", sh)):
        p.write(layer, load(layer, df).gdf)
    f = validate_project(p)
    msgs = {(r.layer, r.id, r.field, r.severity) for r in f.itertuples()}
    assert ("enterprises", "E2", "park_id", "error") in msgs
    assert ("enterprises", "E2", "park_id", "warning") in msgs  # inside P1 but says P9
    assert ("parks", "P1", "station_ids", "error") in msgs
    assert ("stations", "S2", "vehicles", "error") in msgs
    assert ("shelters", "H0002", "capacity", "error") in msgs
    assert ("shelters", "H0001", "capacity", "warning") in msgs  # 3000 > 1500 / 1.0
    assert ("shelters", "H0001", "effective_area_m2", "warning") in msgs  # < 2000 m² for 紧急
    assert ("enterprises", "E1", "updated_at", "warning") in msgs


def test_cli_init_import_validate_info(tmp_path, data_dir):
    d = tmp_path / "p"
    assert runner.invoke(app, ["init", str(d), "--name", "测试"]).exit_code == 0
    r = runner.invoke(app, ["import", str(d), "targets", str(data_dir / "layers" / "targets_gbk.shp")])
    assert r.exit_code == 0, r.output
    assert "青岚县第一小学" in Project.open(d).read("targets")["name"].tolist()
    r = runner.invoke(app, ["import", str(d), "enterprises", str(data_dir / "layers" / "enterprises_bad.csv")])
    assert r.exit_code == 0
    assert "编号重复" in r.output
    rej = pd.read_csv(d / "rejected" / "enterprises.csv", encoding="utf-8-sig")
    assert list(rej.columns) == ["文件", "行", "字段", "值", "原因"]
    assert rej["行"].nunique() == 7
    r = runner.invoke(app, ["import", str(d), "stations", str(data_dir / "layers" / "stations_gcj02_gbk.csv"), "--crs", "gcj02"])
    assert r.exit_code == 0
    r = runner.invoke(app, ["info", str(d)])
    assert r.exit_code == 0 and "enterprises" in r.output
    r = runner.invoke(app, ["validate", str(d)])
    assert r.exit_code == 3  # the micro station in the file has no vehicles
    assert "S0003" in r.output and "无车辆" in r.output


def test_cli_user_error_is_one_line_exit_2(tmp_path, capsys):
    from yitu.cli import main

    Project.init(tmp_path / "p")
    with pytest.raises(SystemExit) as exc:
        main(["import", str(tmp_path / "p"), "enterprises", str(tmp_path / "missing.csv")])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "missing.csv：文件不存在" in err and "Traceback" not in err


def test_bounds_from_layers_without_bbox_setting(tmp_path, data_dir):
    # no bbox in yitu.toml: the extent is the union of the stored layers' bounds
    from yitu.layers.load import import_layer

    p = Project.init(tmp_path / "p")
    import_layer(p, "stations", data_dir / "layers" / "stations_gcj02_gbk.csv", crs="gcj02")
    b = p.bounds()
    st = p.read("stations").total_bounds
    assert b == pytest.approx(tuple(st))
    assert p.metric_crs().to_epsg() in range(32601, 32661)


def test_append_files_without_ids_generates_new_ids(tmp_path):
    # two files without 编号 appended one after the other: the second file's generated ids
    # continue after the first's instead of clashing with them
    p = Project.init(tmp_path / "p")
    one = pd.DataFrame({"企业名称": ["甲", "乙"], "经度": ["119.40", "119.41"], "纬度": ["32.30", "32.31"]})
    two = pd.DataFrame({"企业名称": ["丙"], "经度": ["119.42"], "纬度": ["32.32"]})
    import_layer(p, "enterprises", one)
    r = import_layer(p, "enterprises", two, append=True)
    ent = p.read("enterprises")
    assert list(ent["id"]) == ["E0001", "E0002", "E0003"]
    assert list(ent["name"]) == ["甲", "乙", "丙"]
    assert any("已生成（E0003" in w for w in r.warnings)


def test_init_writes_the_name_and_bbox_as_given(tmp_path):
    # the bbox was written with 6 significant digits (119.30967 -> 119.31, shrinking the area by
    # ~50 m) and a name holding both quote kinds or a backslash made yitu.toml invalid TOML
    name = "某县\\应急局 \"一图\" '2025'"
    bbox = (119.30967, 32.262467, 119.5905958, 32.4373621)
    p = Project.init(tmp_path / "p", name=name, bbox=bbox)
    again = Project.open(tmp_path / "p")
    assert again.settings.project.name == name
    assert tuple(again.settings.project.bbox) == bbox
    assert p.bounds() == bbox


def test_append_keeps_the_rejected_rows_of_the_earlier_files(tmp_path):
    p = Project.init(tmp_path / "p")
    one = pd.DataFrame({"企业名称": ["甲", ""], "经度": ["119.40", "119.41"], "纬度": ["32.30", "32.31"]})
    two = pd.DataFrame({"企业名称": ["丙", "丁"], "经度": ["119.42", "abc"], "纬度": ["32.32", "32.33"]})
    import_layer(p, "enterprises", one)
    import_layer(p, "enterprises", two, append=True)
    rej = p.read_rejected("enterprises")
    assert sorted(rej["value"]) == ["", "abc"]  # the empty name of the first file, the bad lon of the second
    assert len(p.read("enterprises")) == 2
    import_layer(p, "enterprises", two)  # a plain import replaces the layer and its rejected list
    assert list(p.read_rejected("enterprises")["value"]) == ["abc"]


def test_info_names_the_geometry_types_of_a_mixed_layer(tmp_path):
    # enterprises as points and footprints: `yitu info` said "Unknown"
    from yitu.layers.info import summarize

    p = Project.init(tmp_path / "p")
    g = gpd.GeoDataFrame({"id": ["A", "B"], "name": ["甲", "乙"]},
                         geometry=[shapely.Point(119.4, 32.3), shapely.Point(119.41, 32.3).buffer(0.001)], crs=4326)
    import_layer(p, "enterprises", g)
    import_layer(p, "hazards", pd.DataFrame({"企业编号": ["A"], "隐患描述": ["x"]}))
    info = summarize(p).set_index("layer")
    assert info.loc["enterprises", "geometry"] == "Point, Polygon"
    assert info.loc["hazards", "geometry"] == ""


def test_info_grades_match_the_lists(demo_project):
    # info counts grades the way lists and maps do: given, else derived from zones / LEC / matrix
    from yitu.layers.grading import grade_enterprises, grade_zones
    from yitu.layers.info import summarize

    rows = summarize(demo_project).set_index("layer")["grades"]
    s = demo_project.settings
    ent = grade_enterprises(demo_project.read("enterprises"), demo_project.read("risk_zones"), settings=s)
    zones = grade_zones(demo_project.read("risk_zones"), settings=s)
    for layer, graded in (("enterprises", ent), ("risk_zones", zones)):
        c = graded["grade"].value_counts()
        expect = (f"红 {c.get(1, 0)} · 橙 {c.get(2, 0)} · 黄 {c.get(3, 0)} · 蓝 {c.get(4, 0)} · "
                  f"未定级 {graded['grade'].isna().sum()}")
        assert rows[layer].startswith(expect), (layer, rows[layer], expect)
    assert "推算" in rows["risk_zones"]  # the demo has zones graded from L/E/C or L x S only
