from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from yitu.errors import CRSError, InputError
from yitu.words import use_lang
from yitu.gis.io import (
    atomic_path,
    list_layers,
    read_any,
    read_table,
    read_vector,
    write_csv,
    write_gpkg,
    write_xlsx,
)

NAMES = ["青岚化工有限公司", "东港仓储物流", "南塘加油站", "北洲精细化工", "西岭建材厂"]



@pytest.fixture(autouse=True)
def _english():
    # messages matched in English here; Chinese is the default (test_io_readers checks one in Chinese)
    with use_lang("en"):
        yield

@pytest.fixture
def gis(data_dir):
    return data_dir / "gis"


@pytest.mark.parametrize("name, encoding", [("gbk.csv", "gbk"), ("utf8_bom.csv", "utf-8-sig"), ("semicolon.csv", "utf-8")])
def test_csv_encodings_and_delimiters(gis, name, encoding):
    df = read_table(gis / name)
    assert df.attrs["encoding"] == encoding
    assert list(df["企业名称"]) == NAMES
    # text is kept as text: leading zeros survive
    assert df["统一社会信用代码"].iloc[1] == "0913210001"
    assert list(df["_row"]) == [2, 3, 4, 5, 6]


def test_xlsx_title_row_is_skipped(gis):
    df = read_table(gis / "title_row.xlsx", header_hint=["企业名称", "经度", "纬度"])
    assert df.attrs["header_row"] == 2
    assert list(df.columns) == ["_row", "序号", "企业名称", "统一社会信用代码", "经度", "纬度"]
    assert list(df["企业名称"]) == NAMES
    assert list(df["_row"]) == [4, 5, 6, 7, 8]  # Excel row numbers
    assert df["统一社会信用代码"].iloc[0] == "09132100001"


def test_xlsx_title_row_found_without_hint(gis):
    df = read_table(gis / "title_row.xlsx")
    assert df.attrs["header_row"] == 2


def test_xlsx_wrong_sheet_lists_sheets(gis):
    with pytest.raises(InputError, match="企业名单, 说明"):
        read_table(gis / "title_row.xlsx", sheet="Sheet9")


def test_empty_and_missing_files(gis, tmp_path):
    with pytest.raises(InputError, match="empty"):
        read_table(gis / "empty.csv")
    with pytest.raises(InputError, match="not found"):
        read_table(tmp_path / "nope.csv")
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(InputError, match="save as .xlsx"):
        read_any(tmp_path / "old.xls")
    with pytest.raises(InputError, match="unsupported format .dwg"):
        (tmp_path / "a.dwg").write_bytes(b"x")
        read_any(tmp_path / "a.dwg")


def test_undecodable_csv_is_an_error_not_mojibake(gis):
    # bytes that are neither UTF-8 nor valid GB18030 everywhere... latin-1 text decodes as GB18030
    # garbage only when it is valid; this file has \xff which GB18030 rejects
    with pytest.raises(InputError, match="UTF-8 or GBK"):
        read_table(gis / "latin1.csv")


@pytest.mark.parametrize("name, encoding", [("gbk_cpg.shp", "GBK"), ("gbk_nocpg.shp", None), ("utf8.shp", "UTF-8")])
def test_shapefile_chinese_text(gis, name, encoding):
    gdf = read_vector(gis / name)
    assert list(gdf["名称"]) == NAMES
    assert gdf.crs.to_epsg() == 4326
    if encoding:
        assert gdf.attrs["encoding"].upper() == encoding


def test_shapefile_without_prj_needs_a_crs(gis):
    with pytest.raises(CRSError, match="--crs"):
        read_vector(gis / "noprj.shp")
    gdf = read_vector(gis / "noprj.shp", crs=4326)
    assert gdf.crs.to_epsg() == 4326


def test_geojson_and_gpkg_layers(gis):
    assert list(read_vector(gis / "points.geojson")["名称"]) == NAMES
    with pytest.raises(InputError, match="园区"):
        read_vector(gis / "two_layers.gpkg")
    parks = read_vector(gis / "two_layers.gpkg", layer="园区")
    assert parks["名称"].iloc[0] == "青岚化工园区"
    with pytest.raises(InputError, match="no layer"):
        read_vector(gis / "two_layers.gpkg", layer="x")


def test_atomic_path_keeps_original_on_error(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("new")
            raise RuntimeError("boom")
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]
    with atomic_path(target) as tmp:
        tmp.write_text("new")
    assert target.read_text() == "new"


def test_write_gpkg_atomic_and_layers(tmp_path):
    path = tmp_path / "p.gpkg"
    g = gpd.GeoDataFrame({"名称": ["甲"]}, geometry=[shapely.Point(119.4, 32.3)], crs=4326)
    write_gpkg(path, {"a": g})
    write_gpkg(path, {"meta": pd.DataFrame({"key": ["k"], "value": ["v"]})})
    assert set(list_layers(path)) == {"a", "meta"}
    before = path.read_bytes()
    bad = gpd.GeoDataFrame({"x": [[1, 2]]}, geometry=[shapely.Point(0, 0)], crs=4326)
    with pytest.raises(InputError):
        write_gpkg(path, {"b": bad})
    assert path.read_bytes() == before
    assert pyogrio.read_dataframe(path, layer="a")["名称"].iloc[0] == "甲"


def test_write_csv_has_bom(tmp_path):
    p = write_csv(pd.DataFrame({"名称": ["甲"]}), tmp_path / "x.csv")
    assert p.read_bytes().startswith(b"\xef\xbb\xbf")


def test_write_xlsx_reopens_with_header_values_and_widths(tmp_path):
    import openpyxl

    df = gpd.GeoDataFrame(
        {
            "企业名称": ["青岚化工有限公司", "东港", None],
            "count": pd.array([3, pd.NA, 7], dtype="Int64"),
            "ok": pd.array([True, None, False], dtype="boolean"),
            "minutes": [1.5, float("nan"), float("inf")],
            "code": ["0913", "=1+1", "a\x01b"],
        },
        geometry=[shapely.Point(0, 0)] * 3,
        crs=4326,
    )
    long = "未达标目标" * 8  # 40 characters
    path = write_xlsx({long: df, long + "x": df.head(1), "b[1]": pd.DataFrame()}, tmp_path / "sub" / "t.xlsx")
    assert path == tmp_path / "sub" / "t.xlsx"
    assert [p.name for p in path.parent.iterdir()] == ["t.xlsx"]  # atomic: no temp file left
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [long[:31], long[:29] + "~2", "b_1_"]
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("企业名称", "count", "ok", "minutes", "code")  # geometry dropped
    assert rows[1] == ("青岚化工有限公司", 3, True, 1.5, "0913")
    assert rows[2] == ("东港", None, None, None, "=1+1")  # text, not a formula
    assert rows[3] == (None, 7, False, "inf", "ab")
    assert ws["E3"].data_type == "s"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:E4"
    assert ws["A1"].font.b
    # CJK characters count double: 8 of them -> 16, plus the margin
    assert 18 <= ws.column_dimensions["A"].width <= 22
    assert ws.column_dimensions["B"].width < ws.column_dimensions["A"].width
    assert ws.column_dimensions["B"].width >= len("count") + 2
    assert wb.worksheets[2].max_row == 1  # an empty table: an empty sheet
    plain = openpyxl.load_workbook(
        write_xlsx({"a": df}, tmp_path / "p.xlsx", freeze_header=False, autofilter=False)
    )
    assert plain["a"].freeze_panes is None and plain["a"].auto_filter.ref is None


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_utf16_text_with_bom_reads(tmp_path, codec):
    # Excel/WPS "Unicode 文本" is UTF-16 with a BOM and tabs; it was "not valid UTF-8 or GBK"
    path = tmp_path / "unicode.txt"
    text = "企业名称\t经度\t纬度\r\n" + "".join(f"{n}\t119.4\t32.3\r\n" for n in NAMES)
    path.write_bytes((b"\xfe\xff" + text.encode("utf-16-be")) if codec == "utf-16-be" else text.encode("utf-16"))
    df = read_table(path)
    assert df.attrs["encoding"] == "utf-16"
    assert list(df["企业名称"]) == NAMES and list(df["_row"]) == [2, 3, 4, 5, 6]


def test_shapefile_cpg_gb2312_reads_gbk_only_characters(tmp_path):
    # a .cpg saying GB2312 over GBK text: 镕 (GBK only) came back as "F", silently
    import warnings

    from shapely.geometry import Point

    path = tmp_path / "t.shp"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gpd.GeoDataFrame({"名称": ["朱镕基路学校"]}, geometry=[Point(119.4, 32.3)], crs=4326).to_file(path, encoding="gbk")
    path.with_suffix(".cpg").write_text("GB2312")
    assert list(read_vector(path)["名称"]) == ["朱镕基路学校"]
    path.with_suffix(".cpg").unlink()
    assert list(read_vector(path, encoding="GB2312")["名称"]) == ["朱镕基路学校"]  # --encoding gb2312 too


def test_geojson_escaped_nul_and_astral_characters_survive_gdal(tmp_path):
    """GDAL ends a GeoJSON text at an escaped NUL and turns an escaped surrogate pair (how Python's json
    writes 𠮷 or 𭥥) into U+FFFD; read_vector puts the whole texts back."""
    import json

    from yitu.gis.io import read_vector

    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"名称": "江海\x00化工", "备注": "𠮷野家"},
         "geometry": {"type": "Point", "coordinates": [119.45, 32.35]}},
        {"type": "Feature", "properties": {"名称": "普通", "备注": "ab𭥥"},
         "geometry": {"type": "Point", "coordinates": [119.46, 32.36]}},
    ]}
    path = tmp_path / "escaped.geojson"
    path.write_text(json.dumps(fc), encoding="utf-8")  # ensure_ascii: \u0000 and \ud842\udfb7 escapes
    assert b"\\u0000" in path.read_bytes() and b"\\ud842" in path.read_bytes()
    gdf = read_vector(path)
    assert gdf["名称"].tolist() == ["江海\x00化工", "普通"]  # the import's clean-up removes the NUL, saying so
    assert gdf["备注"].tolist() == ["𠮷野家", "ab𭥥"]
