"""Values as offices write them, and odd text, through load/import: nothing lost, nothing silently wrong.

Every file is made in the test. Reasons and warnings are checked in Chinese (the default language).
"""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from tests.climain import exit_code as _run
from yitu.cli import main
from yitu.errors import InputError
from yitu.layers.load import AllRejectedError, import_layer, load
from yitu.layers.project import Project
from yitu.layers.validate import validate_project


def _csv(tmp_path, text: str, name: str = "e.csv"):
    p = tmp_path / name
    p.write_bytes(text.encode("utf-8"))
    return p


def _reasons(r) -> dict[tuple[int, str], str]:
    return {(int(row), f): reason for row, f, reason in zip(r.rejected["row"], r.rejected["field"], r.rejected["reason"])}


# -- control characters ------------------------------------------------------------------------------------
def test_control_characters_are_removed_and_named(tmp_path):
    src = _csv(tmp_path, "企业名称,经度,纬度,风险等级\n"
                         "\"江海\x00化工\",121.0012,32.3311,红\n"
                         "\"乙\x0b公司\",121.0013,32.3312,红\n"
                         "\"\x1b[31m丙\x1b[0m公司\",121.0014,32.3313,红\n"
                         "\"丁\u202e公司\",\u200b121.0015\ufeff,32.3314,红\n")
    p = Project.init(tmp_path / "p")
    r = import_layer(p, "enterprises", src)
    assert r.n_rejected == 0
    names = p.read("enterprises")["name"].tolist()  # read back from the GeoPackage: a NUL cut 江海化工 to 江海
    assert names == ["江海化工", "乙公司", "丙公司", "丁公司"]
    assert p.read("enterprises").geometry.x.round(4).tolist()[3] == 121.0015  # zero-width marks around a coordinate
    cleaned = r.cleaned.set_index(["row", "field"])["removed"]
    assert "U+0000" in cleaned[(2, "企业名称")]
    assert "U+000B" in cleaned[(3, "企业名称")]
    assert "终端转义序列 2 处" in cleaned[(4, "企业名称")]
    assert "U+202E" in cleaned[(5, "企业名称")] and "U+200B" in cleaned[(5, "经度")]
    assert any("第 3 行 企业名称" in w and "U+000B" in w and str(src) in w for w in r.warnings)


def test_a_control_character_in_a_header(tmp_path):
    src = _csv(tmp_path, "\ufeff\ufeff企业名称,经度\u200b,纬度\n甲,121.0,32.3\n")
    r = load("enterprises", src)
    assert len(r.gdf) == 1 and r.gdf["name"].iloc[0] == "甲"
    assert any("表头 经度" in w for w in r.warnings)


# -- coordinates -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lon, lat", [
    ("东经121.0033", "北纬32.3311"), ("东经 121.0033°", "北纬：32.3311°"), ("E121.0033", "N32.3311"),
    ("121.0033E", "32.3311N"), ("121.0033°", "32.3311°"), ("\u200b121.0033", "32.3311\ufeff"),
])
def test_coordinates_as_offices_write_them(tmp_path, lon, lat):
    r = load("enterprises", _csv(tmp_path, f"企业名称,经度,纬度\n甲,{lon},{lat}\n"))
    assert r.n_rejected == 0, r.rejected
    g = r.gdf.geometry.iloc[0]
    assert (round(g.x, 4), round(g.y, 4)) == (121.0033, 32.3311)


def test_blank_latitude_has_one_reason(tmp_path):
    r = load("enterprises", _csv(tmp_path, "企业名称,经度,纬度\n甲,121.0,\n乙,121.0,abc\n"))
    assert len(r.rejected) == 2, r.rejected
    assert _reasons(r) == {(2, "纬度"): "缺少坐标", (3, "纬度"): "坐标不是数字"}


def test_geojson_nan_coordinates_are_rejected(tmp_path):
    feats = [{"type": "Feature", "properties": {"企业名称": n}, "geometry": {"type": "Point", "coordinates": c}}
             for n, c in (("甲", [121.0, 32.3]), ("乙", ["NaN", 32.3]))]
    text = json.dumps({"type": "FeatureCollection", "features": feats}).replace('"NaN"', "NaN")
    src = tmp_path / "e.geojson"
    src.write_text(text, encoding="utf-8")
    r = load("enterprises", src)
    assert r.gdf["name"].tolist() == ["甲"]
    assert list(r.rejected["reason"]) == ["几何图形的坐标含 NaN（不是数字）"]
    assert list(r.rejected["row"]) == [2]


# -- numbers -----------------------------------------------------------------------------------------------
def test_wan_is_ten_thousand_and_said(tmp_path):
    src = _csv(tmp_path, "场所名称,场所类型,经度,纬度,有效面积,容纳人数\n"
                         "甲,固定,121.0,32.3,1.5万,1万\n乙,固定,121.0,32.3,2000㎡,800人\n丙,固定,121.0,32.3,10-20,1万5千\n")
    r = load("shelters", src)
    got = r.gdf.set_index("name")
    assert got.at["甲", "effective_area_m2"] == 15000 and got.at["甲", "capacity"] == 10000
    assert got.at["乙", "effective_area_m2"] == 2000 and got.at["乙", "capacity"] == 800
    assert any("第 2 行 有效面积：1.5万 读作 15000" in w for w in r.warnings)
    assert any("第 2 行 容纳人数：1万 读作 10000" in w for w in r.warnings)
    reasons = _reasons(r)
    assert reasons[(4, "有效面积")].startswith("不是一个数字") and reasons[(4, "容纳人数")].startswith("不是一个数字")


# -- dates -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, iso", [
    ("2024/3/1 0:00", "2024-03-01"), ("2024/03/01 08:30", "2024-03-01"), ("2024年3月1日", "2024-03-01"),
    ("2024-03-01 08:30:00", "2024-03-01"), ("2024.3.1", "2024-03-01"), ("20240301", "2024-03-01"),
    ("2024年3月", "2024-03-01"), ("45292", "2024-01-01"),
])
def test_dates_as_offices_write_them(tmp_path, text, iso):
    r = load("enterprises", _csv(tmp_path, f"企业名称,经度,纬度,更新日期\n甲,121.0,32.3,{text}\n"))
    assert r.n_rejected == 0, r.rejected
    assert r.gdf["updated_at"].iloc[0] == iso
    assert any("Excel 日期序号" in w for w in r.warnings) == (text == "45292")


@pytest.mark.parametrize("text", ["2024-13-01", "2024/2/30", "12345", "2024/3/1 25:00", "去年"])
def test_not_dates_are_rejected(tmp_path, text):
    r = load("enterprises", _csv(tmp_path, f"企业名称,经度,纬度,更新日期\n甲,121.0,32.3,{text}\n"))
    assert list(r.rejected["reason"]) == ["不是日期（如 2024-03-01、2024/3/1、2024年3月1日）"]


# -- duplicates, aliases -----------------------------------------------------------------------------------
def test_second_enterprise_with_the_same_credit_code_is_rejected(tmp_path):
    src = _csv(tmp_path, "编号,企业名称,统一社会信用代码,经度,纬度\n"
                         "E1,甲,91320000MA1ABCDE1X,121.0,32.3\nE2,乙,91320000MA1ABCDE2X,121.0,32.3\n"
                         "E3,甲分厂,91320000ma1abcde1x,121.0,32.3\nE4,丁,,121.0,32.3\nE5,戊,,121.0,32.3\n")
    r = load("enterprises", src)
    assert r.gdf["id"].tolist() == ["E1", "E2", "E4", "E5"]  # empty codes are not duplicates
    reason = _reasons(r)[(4, "统一社会信用代码")]
    assert "统一社会信用代码重复" in reason and "第 2 行" in reason and "E1" in reason


def test_park_id_header(tmp_path):
    src = tmp_path / "parks.geojson"
    src.write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "properties": {"园区编号": "P01", "园区名称": "临港化工园"},
        "geometry": {"type": "Polygon", "coordinates": [[[121, 32], [121.1, 32], [121.1, 32.1], [121, 32]]]}}]}),
        encoding="utf-8")
    r = load("parks", src)
    assert r.gdf["id"].tolist() == ["P01"] and "园区编号" not in r.ignored_columns


# -- missing is not zero -----------------------------------------------------------------------------------
def test_stations_without_foam_and_aerial_columns_warn_and_store_missing(tmp_path):
    src = _csv(tmp_path, "站点名称,站点类型,经度,纬度,水罐车\n一站,一级站,121.0,32.3,2\n")
    p = Project.init(tmp_path / "p")
    r = import_layer(p, "stations", src)
    assert any("列 泡沫液(吨) 缺失" in w and "无法判定" in w for w in r.warnings)
    assert any("列 举高消防车 缺失" in w for w in r.warnings)
    assert not any("列 水罐消防车 缺失" in w for w in r.warnings)
    st = p.read("stations")
    assert st["foam_t"].isna().all() and st["aerial"].isna().all()  # missing, never 0
    assert int(st["pumper"].iloc[0]) == 2


# -- every row rejected --------------------------------------------------------------------------------------
def test_all_rejected_keeps_the_layer_and_exits_2(tmp_path, capsys):
    p = Project.init(tmp_path / "p")
    good = _csv(tmp_path, "企业名称,经度,纬度\n甲,121.0,32.3\n乙,121.1,32.3\n", "good.csv")
    bad = _csv(tmp_path, "企业名称,经度,纬度\n甲,abc,32.3\n乙,,32.3\n", "bad.csv")
    import_layer(p, "enterprises", good)
    with pytest.raises(AllRejectedError, match="2 行全部被拒绝") as info:
        import_layer(p, "enterprises", bad)
    assert isinstance(info.value, InputError) and info.value.result.n_rejected == 2
    assert p.read("enterprises")["name"].tolist() == ["甲", "乙"]  # the good layer stays
    rej = pd.read_csv(p.rejected_dir / "enterprises.csv", encoding="utf-8-sig", dtype=str)
    assert list(rej.columns) == ["文件", "行", "字段", "值", "原因"]
    assert set(rej["原因"]) == {"坐标不是数字", "缺少坐标"}
    # the CLI: exit 2, one line, no empty layer
    capsys.readouterr()
    q = tmp_path / "q"
    assert _run(["init", str(q)]) == 0
    assert _run(["import", str(q), "enterprises", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "全部被拒绝" in err
    assert not Project.open(q).has("enterprises")
    # validate does not say 0 errors
    f = validate_project(Project.open(q))
    assert ((f["severity"] == "error") & (f["layer"] == "enterprises")).sum() == 2  # one per rejected row
    assert _run(["validate", str(q)]) == 3
    f = validate_project(p)  # the kept layer: the failed import's rows are still listed (they are not in the project)
    assert ((f["severity"] == "error") & (f["layer"] == "enterprises")).sum() == 2


def test_rejected_reasons_are_chinese_and_old_files_read(tmp_path):
    p = Project.init(tmp_path / "p")
    src = _csv(tmp_path, "企业名称,经度,纬度,风险等级\n甲,121.0,32.3,紫\n乙,121.0,32.3,红\n")
    import_layer(p, "enterprises", src)
    rej = p.read_rejected("enterprises")
    assert list(rej.columns) == ["file", "row", "field", "value", "reason"]
    assert rej["reason"].iloc[0].startswith("未知的风险等级")
    # a file written by an older yitu (English headers) reads the same
    (p.rejected_dir / "enterprises.csv").write_text("file,row,field,value,reason\na.csv,3,经度,x,bad\n", encoding="utf-8-sig")
    old = p.read_rejected("enterprises")
    assert list(old.columns) == ["file", "row", "field", "value", "reason"] and old["row"].tolist() == ["3"]
    assert not math.isnan(len(old))


# -- any text --------------------------------------------------------------------------------------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from yitu.layers.normalize import clean_text  # noqa: E402

_ODD = st.sampled_from(["\x00", "\x0b", "\x0c", "\x1b[31m", "\x1b]0;t\x07", "\x7f", "\x85", "\u200b", "\u200e",
                        "\u202e", "\u2066", "\ufeff", "\u2028", "{{7*7}}", "[/]", "{% raw %}", "=1+1", "\t"])
_TEXT = st.lists(st.one_of(st.text(min_size=1, max_size=4), _ODD), min_size=1, max_size=6).map("".join)


@pytest.mark.slow
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(_TEXT, min_size=1, max_size=25), town=_TEXT)
def test_any_text_is_kept_after_the_documented_clean_up(tmp_path_factory, names, town):
    # random text with control characters, escape sequences, bidi marks, template syntax and markup, as
    # every text field: stored and read back as the documented clean-up leaves it, each change listed
    n = len(names)
    df = pd.DataFrame({"编号": [f"E{i}" for i in range(n)], "企业名称": names, "乡镇": [town] * n,
                       "地址": names[::-1], "经度": ["121.0"] * n, "纬度": ["32.3"] * n})
    r = load("enterprises", df)
    expect = [clean_text(x)[0].strip() for x in names]
    assert len(r.gdf) + r.n_rejected == n
    assert r.gdf["name"].tolist() == [x for x in expect if x]
    n_changed = sum(clean_text(x)[1] != "" for x in names) * 2 + (clean_text(town)[1] != "") * n
    assert len(r.cleaned) == n_changed
    p = Project.init(tmp_path_factory.mktemp("p") / "p")
    if len(r.gdf):
        p.write("enterprises", r.gdf)
        got = p.read("enterprises")
        assert got["name"].tolist() == r.gdf["name"].tolist()  # the GeoPackage keeps every character left
        for col in ("name", "town", "address"):
            for value in got[col].dropna():
                assert clean_text(value)[1] == ""  # nothing left to clean


def test_appended_enterprise_with_a_stored_credit_code_is_rejected(tmp_path):
    p = Project.init(tmp_path / "p")
    one = pd.DataFrame({"编号": ["E1"], "企业名称": ["甲"], "统一社会信用代码": ["91320000MA1ABCDE1X"],
                        "经度": ["121.0"], "纬度": ["32.3"]})
    two = pd.DataFrame({"编号": ["E2", "E3"], "企业名称": ["甲（重复）", "乙"],
                        "统一社会信用代码": ["91320000MA1ABCDE1X", "91320000MA1ABCDE2X"], "经度": ["121.0"] * 2,
                        "纬度": ["32.3"] * 2})
    import_layer(p, "enterprises", one)
    r = import_layer(p, "enterprises", two, append=True)
    assert p.read("enterprises")["id"].tolist() == ["E1", "E3"]
    assert "已在图层中（编号 E1）" in r.rejected["reason"].iloc[0]
    bad = pd.DataFrame({"企业名称": ["丙"], "经度": ["x"], "纬度": ["32.3"]})
    with pytest.raises(AllRejectedError):
        import_layer(p, "enterprises", bad, append=True)
    assert len(p.read_rejected("enterprises")) == 2  # the earlier file's rejected row stays listed
