"""Readers on the files offices really send: merged cells, hidden sheets, empty sheets, a CSV named
.xlsx, a Shapefile without its .dbf, UTF-16 without a BOM, NUL bytes. Every file is made here."""

from __future__ import annotations

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest
import shapely

from yitu.errors import InputError, SchemaError
from yitu.words import use_lang
from yitu.gis.io import read_table
from yitu.layers.load import load

HEAD = ["企业名称", "经度", "纬度", "风险等级", "乡镇"]


def _book(path, sheets):  # sheets: list of (title, rows, hidden)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows, hidden in sheets:
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
        if hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return wb


def test_merged_town_cell_fills_its_rows_and_says_so(tmp_path):
    p = tmp_path / "m.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEAD)
    for i in range(4):
        ws.append([f"甲{i}", 121.0 + i / 100, 32.3, "红", "临港镇" if i == 0 else None])
    ws.merge_cells("E2:E4")
    ws.merge_cells("A7:C7")  # a horizontal merge (a note line) is no town to fill
    ws["A7"] = "注：虚构数据"
    wb.save(p)
    df = read_table(p, header_hint=HEAD)
    assert df["乡镇"].tolist()[:4] == ["临港镇", "临港镇", "临港镇", ""]
    assert df.attrs["merged_filled"] == ["E2:E4"]
    r = load("enterprises", p)
    assert r.gdf["town"].tolist()[:3] == ["临港镇", "临港镇", "临港镇"] and pd.isna(r.gdf["town"].iloc[3])
    assert any("合并单元格 E2:E4" in w for w in r.warnings)


def test_hidden_first_sheet_is_skipped_and_named(tmp_path):
    p = tmp_path / "h.xlsx"
    _book(p, [("旧表", [HEAD, ["旧", 120.0, 31.0, "蓝", ""]], True),
              ("企业", [HEAD, ["新", 121.0, 32.3, "红", ""]], False),
              ("说明", [["填表说明"]], False)])
    df = read_table(p, header_hint=HEAD)
    assert df.attrs["sheet"] == "企业" and df["企业名称"].tolist() == ["新"]
    r = load("enterprises", p)
    assert r.gdf["name"].tolist() == ["新"]
    assert any("跳过了隐藏的工作表 旧表" in w and "企业" in w for w in r.warnings)
    assert any("读取了工作表 企业" in w and "--sheet" in w and "说明" in w for w in r.warnings)
    assert read_table(p, sheet="旧表", header_hint=HEAD)["企业名称"].tolist() == ["旧"]  # asked for by name


def test_empty_sheet_names_the_others_and_the_option(tmp_path):
    p = tmp_path / "e.xlsx"
    _book(p, [("Sheet1", [], False), ("企业清单", [HEAD, ["甲", 121.0, 32.3, "红", ""]], False)])
    with use_lang("en"), pytest.raises(InputError, match=r"sheet 'Sheet1' is empty.*'企业清单'.*--sheet"):
        read_table(p)


def test_csv_named_xlsx_is_read_as_csv_and_said(tmp_path):
    p = tmp_path / "企业.xlsx"
    p.write_text("企业名称,经度,纬度\n甲,121.0,32.3\n", encoding="utf-8")
    r = load("enterprises", p)
    assert r.gdf["name"].tolist() == ["甲"]
    assert any("文件名是 .xlsx" in w and "CSV" in w for w in r.warnings)


def test_xlsx_named_csv_is_read_as_xlsx(tmp_path):
    p = tmp_path / "企业.csv"
    _book(p, [("企业", [HEAD, ["甲", 121.0, 32.3, "红", ""]], False)])
    assert load("enterprises", p).gdf["name"].tolist() == ["甲"]


def test_html_named_xls_says_what_it_is(tmp_path):
    p = tmp_path / "导出.xls"
    p.write_text("<html><body><table><tr><td>企业名称</td></tr></table></body></html>", encoding="utf-8")
    with use_lang("en"), pytest.raises(InputError, match="web page.*save as .xlsx"):
        read_table(p)


def test_shapefile_without_dbf_says_the_dbf_is_missing(tmp_path):
    p = tmp_path / "e.shp"
    gpd.GeoDataFrame({"name": ["甲"]}, geometry=[shapely.Point(121, 32.3)], crs=4326).to_file(p)
    p.with_suffix(".dbf").unlink()
    with pytest.raises(SchemaError, match=r"缺少属性表 e\.dbf"):
        load("enterprises", p)


def test_utf16_without_bom(tmp_path):
    p = tmp_path / "u.csv"
    p.write_bytes("企业名称\t经度\t纬度\n甲\t121.0\t32.3\n".encode("utf-16-le"))
    df = read_table(p)
    assert df.attrs["encoding"] == "utf-16-le" and df["企业名称"].tolist() == ["甲"]


def test_nul_does_not_cut_a_csv_value(tmp_path):
    p = tmp_path / "n.csv"
    p.write_bytes("企业名称,经度,纬度\n江海\x00化工,121.0,32.3\n".encode("utf-8"))
    assert read_table(p)["企业名称"].tolist() == ["江海\x00化工"]  # kept whole; load() cleans and says so
    assert load("enterprises", p).gdf["name"].tolist() == ["江海化工"]


def test_nul_does_not_cut_a_shapefile_value(tmp_path):
    p = tmp_path / "n.shp"
    gpd.GeoDataFrame({"名称": ["江海XX化工", "乙公司"]}, geometry=[shapely.Point(121, 32.3)] * 2,
                     crs=4326).to_file(p, encoding="utf-8")
    dbf = p.with_suffix(".dbf")
    dbf.write_bytes(dbf.read_bytes().replace("XX".encode(), b"\x00\x00"))  # GDAL cut this value at the NUL
    r = load("enterprises", p)
    assert r.gdf["name"].tolist() == ["江海化工", "乙公司"]
    assert any("U+0000" in w for w in r.warnings)


def test_reader_messages_are_chinese_first(tmp_path):
    p = tmp_path / "e.xlsx"
    _book(p, [("Sheet1", [], False), ("企业清单", [HEAD], True)])
    with use_lang("zh"), pytest.raises(InputError, match=r"工作表 'Sheet1' 是空的；工作簿还有 '企业清单'（隐藏）：用 --sheet"):
        read_table(p)
