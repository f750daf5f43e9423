from __future__ import annotations

import pandas as pd
import pyproj
import pytest

from yitu.errors import InputError, SchemaError
from yitu.layers.load import load
from yitu.layers.normalize import parse_grade
from yitu.layers.schema import GRADE_SPELLINGS
from yitu.words import use_lang

GEOD = pyproj.Geod(ellps="WGS84")


@pytest.fixture(autouse=True)
def _english():
    # the reasons below are matched in English; the Chinese words (the default) are checked in test_load_values.py
    with use_lang("en"):
        yield


@pytest.fixture
def layers_dir(data_dir):
    return data_dir / "layers"


def test_bad_enterprise_file_exact_rejections(layers_dir):
    r = load("enterprises", layers_dir / "enterprises_bad.csv")
    rej = r.rejected
    got = {(int(row), field): reason for row, field, reason in zip(rej["row"], rej["field"], rej["reason"])}
    # row numbers are lines of the CSV (header = line 1)
    assert "unknown risk grade" in got[(3, "风险等级")]
    assert got[(4, "经度")] == "missing coordinate"
    assert got[(5, "经度")] == "coordinate is not a number"
    assert got[(6, "编号")] == "duplicate id (first at row 2)"
    assert got[(8, "geometry")].startswith("point outside China")
    assert got[(9, "企业名称")] == "required field 企业名称 is empty"
    # one row with four problems: every problem listed, the row counted once
    assert {f for (row, f) in got if row == 10} == {"风险等级", "从业人数", "重大危险源等级", "危化品经营方式"}
    assert "accepted: 生产、储存、使用、经营" in got[(10, "危化品经营方式")]
    assert r.n_input == 10
    assert r.n_rejected == 7
    # nothing lost: every input row is loaded or rejected
    assert len(r.gdf) + r.n_rejected == r.n_input
    assert list(r.gdf["id"]) == ["E001", "E006", "E010"]


def test_good_rows_are_normalised(layers_dir):
    gdf = load("enterprises", layers_dir / "enterprises_bad.csv").gdf.set_index("id")
    assert gdf.at["E001", "risk_grade"] == 1
    assert gdf.at["E001", "major_hazard_level"] == 2
    assert gdf.at["E001", "hazchem_roles"] == "生产,储存"
    assert gdf.at["E010", "employees"] == 1200
    assert gdf.at["E010", "risk_grade"] == 4
    assert gdf.at["E006", "risk_grade"] == 3


def test_swapped_coordinates_fixed_with_warning(layers_dir):
    r = load("enterprises", layers_dir / "enterprises_bad.csv")
    p = r.gdf.set_index("id").geometry["E006"]
    assert (p.x, p.y) == (119.465, 32.2899)
    assert any("row(s) 7" in w and "swapped" in w for w in r.warnings)


def test_gcj02_gbk_stations_converted(layers_dir, data_dir):
    import sys

    sys.path.insert(0, str(data_dir))
    from make_files import TRUTH

    r = load("stations", layers_dir / "stations_gcj02_gbk.csv", crs="gcj02")
    assert r.n_rejected == 0
    assert list(r.gdf["station_type"]) == ["特勤站", "企业专职队", "微型消防站"]
    for geom, (lon, lat) in zip(r.gdf.geometry, TRUTH):
        assert GEOD.inv(geom.x, geom.y, lon, lat)[2] < 0.1
    assert r.gdf["turnout_min"].isna().sum() == 2
    assert any("出动时间" in w for w in r.warnings)


def test_gcj02_without_crs_is_off_by_hundreds_of_metres(layers_dir, data_dir):
    from make_files import TRUTH  # noqa: F401  (imported via sys.path in the test above)

    r = load("stations", layers_dir / "stations_gcj02_gbk.csv")
    g = r.gdf.geometry.iloc[0]
    from make_files import TRUTH as T

    assert GEOD.inv(g.x, g.y, *T[0])[2] > 100


def test_xlsx_with_title_row_loads(data_dir):
    r = load("enterprises", data_dir / "gis" / "title_row.xlsx")
    assert len(r.gdf) == 5 and r.n_rejected == 0
    assert r.gdf["credit_code"].iloc[0] == "09132100001"
    assert "序号" not in r.ignored_columns  # 序号 is an alias of id


def test_gbk_shapefile_without_cpg_loads(layers_dir):
    r = load("targets", layers_dir / "targets_gbk.shp")
    assert r.n_rejected == 0
    assert list(r.gdf["name"]) == ["青岚县第一小学", "青岚县人民医院", "夕阳红养老院", "和平小区", "东村"]
    assert list(r.gdf["target_type"]) == ["学校", "医院", "养老机构", "居住区", "村庄"]
    assert list(r.gdf["population"]) == [1200, 800, 150, 3500, 620]


def test_unknown_enum_lists_accepted(data_dir):
    r = load("targets", data_dir / "gis" / "gbk_nocpg.shp")  # 类型 holds industries, not target types
    assert len(r.gdf) == 0 and r.n_rejected == 5
    assert r.rejected["reason"].str.contains("accepted: 学校、幼儿园、医院").all()


def test_invalid_polygon_repaired_and_wrong_geometry_rejected(layers_dir):
    r = load("parks", layers_dir / "parks_bowtie.geojson")
    assert len(r.gdf) == 2 and r.n_rejected == 0
    assert r.gdf.geometry.is_valid.all()
    assert any("invalid polygon" in w and "row 2" in w for w in r.warnings)
    r2 = load("parks", layers_dir / "parks_line.geojson")
    assert len(r2.gdf) == 0
    assert "geometry type not allowed" in r2.rejected["reason"].iloc[0]


def test_missing_columns_are_schema_errors(layers_dir):
    with pytest.raises(SchemaError, match="经度/纬度"):
        load("enterprises", layers_dir / "no_coords.csv")
    with pytest.raises(SchemaError, match="企业名称"):
        load("enterprises", layers_dir / "no_name.csv")


def test_empty_file_and_unknown_layer(data_dir):
    with pytest.raises(InputError, match="empty"):
        load("enterprises", data_dir / "gis" / "empty.csv")
    with pytest.raises(InputError, match="unknown layer"):
        load("factories", data_dir / "gis" / "gbk.csv")


def test_project_bbox_rejects_outside_points(layers_dir):
    r = load("enterprises", layers_dir / "enterprises_bad.csv", bbox=(119.40, 32.30, 119.44, 32.34))
    reasons = r.rejected.set_index("row")["reason"]
    assert reasons[7].startswith("outside the project area")  # E006 at 119.465


@pytest.mark.parametrize("grade, spelling", [(g, s) for g, ss in GRADE_SPELLINGS.items() for s in ss])
def test_every_grade_spelling(grade, spelling):
    assert parse_grade(spelling) == grade
    assert parse_grade(spelling.upper()) == grade
    assert parse_grade(f" {spelling} ") == grade
    df = pd.DataFrame({"企业名称": ["甲"], "风险等级": [spelling], "经度": ["119.4"], "纬度": ["32.3"]})
    assert load("enterprises", df).gdf["risk_grade"].iloc[0] == grade


def test_targets_protection_class_from_type():
    df = pd.DataFrame({"名称": ["一小", "和平小区"], "类型": ["小学", "小区"], "经度": ["119.4", "119.41"], "纬度": ["32.3", "32.31"]})
    gdf = load("targets", df).gdf
    assert list(gdf["target_type"]) == ["学校", "居住区"]
    assert list(gdf["protection_class"]) == ["高敏感", "一般"]
    assert list(gdf["id"]) == ["T0001", "T0002"]


def test_vector_whole_numbers_read_as_float_keep_their_text(tmp_path):
    # GeoJSON/Shapefile number columns with a null (or Shapefile Real fields) come back as floats:
    # id 1 must stay "1" (risk_zones.enterprise_id joins on it), 重大危险源 1.0 must load as 一级
    import geopandas as gpd
    from shapely.geometry import Point

    g = gpd.GeoDataFrame(
        {"id": [1.0, 2.0, None], "name": ["一", "二", "三"], "major_hazard_level": [1.0, None, 0.0],
         "key_process": [1.0, 0.0, None]},
        geometry=[Point(119.40, 32.30).buffer(0.001), Point(119.41, 32.30).buffer(0.001), Point(119.42, 32.30)],
        crs=4326,
    )
    path = tmp_path / "ent.geojson"
    g.to_file(path, driver="GeoJSON")
    r = load("enterprises", path)
    assert r.n_rejected == 0, r.rejected
    assert list(r.gdf["id"])[:2] == ["1", "2"]
    assert list(r.gdf["major_hazard_level"]) == [1, 0, 0]
    assert list(r.gdf["key_process"])[:2] == [True, False]


def test_csv_row_with_more_cells_than_the_header_is_rejected(tmp_path):
    # an unquoted comma in the last column (or any column) shifts the row: its extra cells were
    # dropped without a word; the row is now listed in the rejected rows
    path = tmp_path / "ent.csv"
    path.write_text("编号,企业名称,经度,纬度,地址\n1,甲,119.40,32.30,南京市,玄武区\n2,乙,119.41,32.31,C路\n3,丙,119.42,32.32,,\n",
                    encoding="utf-8")
    r = load("enterprises", path)
    assert list(r.gdf["id"]) == ["2", "3"]
    assert r.n_rejected == 1
    bad = r.rejected.iloc[0]
    assert bad["row"] == 2 and bad["value"] == "玄武区" and "unquoted ','" in bad["reason"]


def test_dataframe_with_python_values_loads_like_the_same_text():
    # load() takes a DataFrame: bools, ints and whole floats (a column with a gap) read as the
    # text an office would type, not rejected ("not yes/no") or kept as "1.0"
    df = pd.DataFrame({"编号": [1.0, 2.0, None], "企业名称": ["甲", "乙", "丙"], "重点工艺": [True, False, None],
                       "重大危险源": [1, 0, 2], "风险等级": [1, 2, None],
                       "经度": [119.40, 119.41, 119.42], "纬度": [32.30, 32.31, 32.32]})
    r = load("enterprises", df)
    assert r.n_rejected == 0, r.rejected
    assert list(r.gdf["id"])[:2] == ["1", "2"]
    assert list(r.gdf["key_process"])[:2] == [True, False]
    assert list(r.gdf["major_hazard_level"]) == [1, 0, 2]
    assert list(r.gdf["risk_grade"])[:2] == [1, 2]


def test_gauss_kruger_survey_xy_loads_either_way_round():
    # survey tables (测量坐标) put the northing in X and the easting in Y, often under X坐标/Y坐标
    # headers; both were rejected ("no coordinate columns", or "inf,inf … outside China")
    tr = pyproj.Transformer.from_crs(4326, 4528, always_xy=True)
    e, n = tr.transform(119.40, 32.30)
    for df in (pd.DataFrame({"名称": ["甲"], "X坐标": [f"{e:.2f}"], "Y坐标": [f"{n:.2f}"]}),
               pd.DataFrame({"名称": ["甲"], "X": [f"{n:.2f}"], "Y": [f"{e:.2f}"]})):
        r = load("enterprises", df, crs="EPSG:4528")
        assert r.n_rejected == 0, r.rejected
        pt = r.gdf.geometry.iloc[0]
        assert pt.x == pytest.approx(119.40, abs=1e-6) and pt.y == pytest.approx(32.30, abs=1e-6)
    assert any("X/Y swapped" in w for w in r.warnings)


@pytest.mark.parametrize("encoding", ["gbk", "utf-8"])
def test_shapefile_headers_cut_at_10_bytes_are_recognised(tmp_path, encoding):
    # .dbf field names hold 10 bytes: 统一社会信用代码 -> 统一社会信 (GBK), 企业名称 -> 企业名 (UTF-8, which
    # made the required name column "missing"); a cut name that begins one field's alias is that field
    import warnings as w

    import geopandas as gpd
    from shapely.geometry import Point

    g = gpd.GeoDataFrame({"编号": ["1"], "企业名称": ["甲"], "统一社会信用代码": ["91320000"], "危化品经营方式": ["生产"],
                          "外部安全防护距离(米)": [100.0]}, geometry=[Point(119.40, 32.30)], crs=4326)
    path = tmp_path / "ent.shp"
    with w.catch_warnings():
        w.simplefilter("ignore")  # GDAL warns that it cuts the names
        g.to_file(path, encoding=encoding, engine="pyogrio")
    r = load("enterprises", path)
    row = r.gdf.iloc[0]
    assert (row["name"], row["credit_code"], row["hazchem_roles"], row["safety_distance_m"]) == ("甲", "91320000", "生产", 100.0)
    assert r.ignored_columns == []


def test_workbook_whose_first_sheet_is_not_the_list_names_the_other_sheets(tmp_path):
    path = tmp_path / "two.xlsx"
    with pd.ExcelWriter(path) as w:
        pd.DataFrame({"说明": ["本表为企业名单"]}).to_excel(w, sheet_name="填表说明", index=False)
        pd.DataFrame({"企业名称": ["甲"], "经度": [119.4], "纬度": [32.3]}).to_excel(w, sheet_name="企业", index=False)
    with pytest.raises(SchemaError, match="first sheet '填表说明'; the workbook also has 企业: name one with --sheet"):
        load("enterprises", path)
    assert len(load("enterprises", path, sheet="企业").gdf) == 1


def test_geopackage_attribute_table_loads(tmp_path):
    # a GeoPackage table without geometry (how yitu and QGIS keep 隐患) crashed with
    # AttributeError: 'DataFrame' object has no attribute 'crs'
    import pyogrio

    path = tmp_path / "tables.gpkg"
    pyogrio.write_dataframe(pd.DataFrame({"编号": ["K1"], "企业编号": ["E1"], "隐患描述": ["通道堵塞"]}), path, layer="hz")
    r = load("hazards", path)
    assert list(r.gdf["description"]) == ["通道堵塞"] and r.n_rejected == 0
    pyogrio.write_dataframe(pd.DataFrame({"企业名称": ["甲"], "经度": [119.4], "纬度": [32.3]}), path, layer="ent")
    r = load("enterprises", path, gpkg_layer="ent")  # coordinates in columns, as in a CSV
    assert r.gdf.geometry.iloc[0].x == pytest.approx(119.4)


def test_single_point_multipoint_is_a_point(tmp_path):
    import geopandas as gpd
    from shapely.geometry import MultiPoint

    path = tmp_path / "mp.geojson"
    gpd.GeoDataFrame({"企业名称": ["甲", "乙"]}, geometry=[MultiPoint([(119.4, 32.3)]), MultiPoint([(119.4, 32.3), (119.41, 32.3)])],
                     crs=4326).to_file(path)
    r = load("enterprises", path)
    assert list(r.gdf.geom_type) == ["Point"]
    assert r.rejected["reason"].str.contains("geometry type not allowed").tolist() == [True]  # two points stay rejected


def test_geodataframe_without_crs_is_a_crs_error_or_takes_crs():
    import geopandas as gpd
    from shapely.geometry import Point

    from yitu.errors import CRSError

    g = gpd.GeoDataFrame({"企业名称": ["甲"]}, geometry=[Point(119.4, 32.3)])
    with pytest.raises(CRSError, match="set_crs"):
        load("enterprises", g)
    assert load("enterprises", g, crs="wgs84").gdf.geometry.iloc[0].x == pytest.approx(119.4)


def test_geojson_feature_ids_are_the_ids(tmp_path):
    # RFC 7946 features carry their id beside the properties; GDAL makes numeric ones FIDs and drops
    # them, so enterprise 7 became E0002 and the zones naming 7 pointed nowhere
    import json

    feats = [{"type": "Feature", "id": i, "properties": {"名称": n},
              "geometry": {"type": "Point", "coordinates": [119.4 + k / 100, 32.3]}}
             for k, (i, n) in enumerate([(1, "甲"), (7, "乙"), (None, "丙")])]
    path = tmp_path / "ent.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False), encoding="utf-8")
    assert list(load("enterprises", path).gdf["id"]) == ["1", "7", "E0003"]
    feats[0]["properties"]["编号"] = "A"  # a 编号 property wins over the feature ids
    feats[1]["properties"]["编号"] = "B"
    feats[2]["properties"]["编号"] = "C"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False), encoding="utf-8")
    assert list(load("enterprises", path).gdf["id"]) == ["A", "B", "C"]


def test_two_row_header_with_merged_coordinates(tmp_path):
    # a merged 坐标 over 经度 | 纬度 (a common form layout): the sub-header row was not read, so the
    # file had "no coordinate columns"
    import openpyxl

    path = tmp_path / "merged.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["青岚县企业名单"])
    ws.append(["编号", "企业名称", "风险等级", "坐标", None])
    ws.append([None, None, None, "经度", "纬度"])
    ws.append(["E1", "甲", "红", 119.40, 32.30])
    ws.append(["E2", "乙", "蓝", 119.41, 32.31])
    ws.merge_cells("D2:E2")
    for col in "ABC":
        ws.merge_cells(f"{col}2:{col}3")
    wb.save(path)
    r = load("enterprises", path)
    assert list(r.gdf["name"]) == ["甲", "乙"] and list(r.gdf["risk_grade"]) == [1, 4]
    assert r.gdf.geometry.iloc[1].x == pytest.approx(119.41)
    assert r.n_rejected == 0 and list(r.rejected.columns)
    # the same layout in a CSV, where the header with more header words is the lower row
    csv = tmp_path / "merged.csv"
    csv.write_text("企业名称,坐标,\n,经度,纬度\n甲,119.40,32.30\n", encoding="utf-8")
    assert list(load("enterprises", csv).gdf["name"]) == ["甲"]
