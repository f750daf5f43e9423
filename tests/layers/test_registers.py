"""The two lists and the statistics workbook, reopened with openpyxl: headers, counts, order, fills."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from yitu.layers.grading import grade_enterprises
from yitu.layers.registers import (
    ENTERPRISE_LEVEL,
    FILE_NAMES,
    HAZARD_REGISTER_COLUMNS,
    RISK_REGISTER_COLUMNS,
    hazard_register,
    risk_register,
    write_lists,
)
from yitu.layers.schema import GRADE_COLOURS, GRADE_LABELS, UNGRADED_COLOUR, UNGRADED_LABEL

TODAY = date(2026, 6, 1)
ORDER = {**{GRADE_LABELS[g]: g for g in GRADE_LABELS}, UNGRADED_LABEL: 5}
FILL = {**{GRADE_LABELS[g]: "FF" + GRADE_COLOURS[g][1:] for g in GRADE_LABELS}, UNGRADED_LABEL: "FF" + UNGRADED_COLOUR[1:]}


@pytest.fixture(scope="module")
def written(demo_project, tmp_path_factory):
    from yitu.maps.charts import write_grade_chart
    from yitu.layers.registers import lists_statistics

    out = tmp_path_factory.mktemp("lists")
    png = write_grade_chart(lists_statistics(demo_project, today=TODAY), out / "chart.png")
    return write_lists(demo_project, out, today=TODAY, chart_png=png)


def _rows(path: Path, sheet: str | None = None):
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    top = 2 if rows and rows[0][0] in ("安全风险分级管控清单", "隐患排查治理台账") else 0  # title and 填报单位 rows
    return ws, [str(h) for h in rows[top]], rows[top + 1:]


def test_risk_register_lists_every_enterprise(demo_project):
    reg = risk_register(demo_project, today=TODAY)
    ent = demo_project.read("enterprises")
    zones = demo_project.read("risk_zones")
    assert list(reg.columns) == RISK_REGISTER_COLUMNS
    assert set(reg["企业编号"]) == set(ent["id"])
    lone = ~ent["id"].isin(zones["enterprise_id"])
    assert len(reg) == len(zones) + int(lone.sum())
    assert (reg["风险点/区域"] == ENTERPRISE_LEVEL).sum() == lone.sum()
    ungraded = ent["risk_grade"].isna()
    assert (reg["风险等级"] == UNGRADED_LABEL).sum() == int(ungraded.sum()) > 0
    ranks = reg["风险等级"].map(ORDER)
    assert ranks.is_monotonic_increasing
    assert reg["序号"].tolist() == list(range(1, len(reg) + 1))
    assert set(reg["是否过期"]) <= {"是", "否", "无日期"}


def test_hazard_register(demo_project):
    hz = hazard_register(demo_project, today=TODAY)
    assert list(hz.columns) == HAZARD_REGISTER_COLUMNS
    assert len(hz) == len(demo_project.read("hazards"))
    major = (hz["隐患级别"] == "重大隐患").to_numpy()
    assert major.any() and not major[np.argmin(major):].any()  # 重大隐患 first
    overdue = hz["是否逾期"] == "是"
    assert (hz.loc[overdue, "整改状态"] != "已整改").all()
    assert (hz.loc[overdue, "整改期限"] < TODAY.isoformat()).all()


def test_risk_register_xlsx(written, demo_project):
    path = written["risk_register"]
    assert path.name == FILE_NAMES["risk_register"]
    ws, header, rows = _rows(path)
    assert header == RISK_REGISTER_COLUMNS
    reg = risk_register(demo_project, today=TODAY)
    assert len(rows) == len(reg)
    assert ws.freeze_panes == "A4"  # title, 填报单位 and header rows stay in view
    assert ws.auto_filter.ref == f"A3:S{len(rows) + 3}"
    gcol = header.index("风险等级")
    grades = [r[gcol] for r in rows]
    assert [ORDER[g] for g in grades] == sorted(ORDER[g] for g in grades)
    assert {r[header.index("企业编号")] for r in rows} == set(demo_project.read("enterprises")["id"])
    for i, g in enumerate(grades, start=4):
        assert ws.cell(i, gcol + 1).fill.fgColor.rgb == FILL[g], (i, g)
    assert UNGRADED_LABEL in grades
    names = [r[header.index("单位名称")] for r in rows]
    # CJK and full-width characters take two columns
    longest = max(sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in n) for n in names)
    assert longest + 2 <= ws.column_dimensions["D"].width <= longest + 6
    assert ws.column_dimensions["A"].width < ws.column_dimensions["D"].width
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temp files left


def test_hazard_register_xlsx(written, demo_project):
    ws, header, rows = _rows(written["hazard_register"])
    assert header == HAZARD_REGISTER_COLUMNS
    assert len(rows) == len(demo_project.read("hazards"))
    assert ws.freeze_panes == "A4"
    col = header.index("企业风险等级") + 1
    for i in range(4, len(rows) + 4):
        assert ws.cell(i, col).fill.fgColor.rgb == FILL[ws.cell(i, col).value]


def test_statistics_xlsx(written, demo_project):
    wb = openpyxl.load_workbook(written["statistics"])
    assert {"总体", "按乡镇", "按行业", "按园区", "较大以上企业", "更新情况", "隐患统计", "统计图"} <= set(wb.sheetnames)
    hz = {r[0]: r for r in wb["隐患统计"].iter_rows(min_row=2, values_only=True)}
    assert hz["合计"][5] == len(demo_project.read("hazards"))
    n = len(demo_project.read("enterprises"))
    for sheet in ("按乡镇", "按行业", "按园区"):
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        assert header[:7] == [header[0], "重大风险", "较大风险", "一般风险", "低风险", "未定级", "合计"]
        body = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] != "合计"]
        assert sum(r[6] for r in body) == n
        assert ws.freeze_panes == "A2"
        assert ws["B1"].fill.fgColor.rgb == FILL["重大风险"]
    ws = wb["总体"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["合计"][2] == n and rows[UNGRADED_LABEL][2] == 5
    chart_ws = wb["统计图"]
    # openpyxl drops charts when it reads a file; count them in the package instead
    import zipfile

    with zipfile.ZipFile(written["statistics"]) as z:
        names = z.namelist()
        charts = [x for x in names if x.startswith("xl/charts/chart")]
        images = [x for x in names if x.startswith("xl/media/")]
        xml = z.read(charts[0]).decode("utf-8")
    assert len(charts) == 1 and len(images) == 1
    assert 'grouping val="stacked"' in xml
    for colour in (*GRADE_COLOURS.values(), UNGRADED_COLOUR):
        assert colour[1:].upper() in xml
    assert len(chart_ws._images) == 1


def test_enterprises_only_project_without_grades(demo_project, tmp_path):
    """Bad input: no zones, no hazards, no grades, no LEC -> every enterprise listed as 未定级, counted."""
    from yitu.layers.project import Project

    p = Project.init(tmp_path / "bare")
    ent = demo_project.read("enterprises").head(20).copy()
    ent["risk_grade"] = np.nan
    p.write("enterprises", ent)
    paths = write_lists(p, today=TODAY)
    assert set(paths) == {"risk_register", "statistics"}
    assert paths["risk_register"].parent == p.output_dir / "lists"
    assert not (p.output_dir / "lists" / FILE_NAMES["hazard_register"]).exists()
    ws, header, rows = _rows(paths["risk_register"])
    assert len(rows) == 20
    col = header.index("风险等级")
    assert {r[col] for r in rows} == {UNGRADED_LABEL}
    assert all(ws.cell(i, col + 1).fill.fgColor.rgb == FILL[UNGRADED_LABEL] for i in range(4, 24))
    _, _, srows = _rows(paths["statistics"], "总体")
    assert {r[0]: r[2] for r in srows}[UNGRADED_LABEL] == 20


def test_given_grades_and_zones_reach_the_register(demo_project):
    ent = grade_enterprises(demo_project.read("enterprises"), demo_project.read("risk_zones"),
                            settings=demo_project.settings)
    reg = risk_register(demo_project, today=TODAY)
    by_ent = reg.drop_duplicates("企业编号").set_index("企业编号")["企业风险等级"]
    expected = ent.set_index("id")["grade"].map(GRADE_LABELS).fillna(UNGRADED_LABEL)
    assert (by_ent.reindex(expected.index) == expected).all()


def test_cli_lists(demo_copy, tmp_path, capsys):
    from yitu.cli import main

    main(["lists", str(demo_copy.path), "--out", str(tmp_path / "out")])  # returns on success
    out = capsys.readouterr().out
    assert "未定级" in out and "风险统计.xlsx" in out
    for name in (*FILE_NAMES.values(), "风险统计图.png"):
        assert (tmp_path / "out" / name).is_file()


def test_cli_lists_not_a_project(tmp_path):
    from yitu.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["lists", str(tmp_path / "nothing")])
    assert exc.value.code == 2


def test_register_from_layers_with_an_orphan_zone():
    import geopandas as gpd
    import shapely

    from yitu.errors import InputError
    from yitu.layers.registers import UNKNOWN_ENTERPRISE
    from yitu.settings import default_settings

    pt = [shapely.Point(119.5, 32.3)]
    ent = gpd.GeoDataFrame({"id": ["E1", "E2"], "name": ["甲厂", "乙厂"], "town": ["甲镇", "乙镇"],
                            "risk_grade": [np.nan, 3.0], "updated_at": ["2020-01-01", None]}, geometry=pt * 2, crs=4326)
    zones = gpd.GeoDataFrame({"id": ["Z1", "Z2"], "enterprise_id": ["E2", "E9"], "name": ["罐区", "仓库"],
                              "risk_grade": [1.0, np.nan], "lec_l": [np.nan, 6.0], "lec_e": [np.nan, 6.0],
                              "lec_c": [np.nan, 7.0]}, geometry=pt * 2, crs=4326)
    with pytest.raises(InputError, match="settings"):
        risk_register({"enterprises": ent})
    reg = risk_register({"enterprises": ent, "risk_zones": zones}, settings=default_settings(), today=TODAY)
    assert reg["企业编号"].tolist() == ["E2", "E9", "E1"]  # 红 zone, 橙 zone (LEC D = 252), 未定级 enterprise
    assert reg["风险等级"].tolist() == ["重大风险", "较大风险", UNGRADED_LABEL]
    assert reg.at[1, "单位名称"] == UNKNOWN_ENTERPRISE and reg.at[1, "定级依据"] == "LEC法 D=252"
    assert reg.at[0, "企业风险等级"] == "一般风险"  # the given enterprise grade wins over its red zone
    assert reg.at[2, "风险点/区域"] == ENTERPRISE_LEVEL and reg.at[2, "是否过期"] == "是"
    assert reg.at[0, "是否过期"] == "无日期"


def test_registers_have_title_rows_print_setup_and_the_template_columns(written):
    for key, title, fill in (("risk_register", "安全风险分级管控清单", ("事故类型", "管控层级", "责任部门", "管控措施", "责任人")),
                             ("hazard_register", "隐患排查治理台账", ("整改措施", "整改期限", "整改责任人", "验收人", "验收日期"))):
        wb = openpyxl.load_workbook(written[key])
        ws = wb.worksheets[0]
        assert ws["A1"].value == title and ws["A1"].font.bold
        assert str(ws["A2"].value).startswith("填报单位：") and any(
            str(c.value).startswith("填报日期：") for c in ws[2] if c.value)
        header = [c.value for c in ws[3]]
        assert header[0] == "序号" and set(fill) <= set(header)
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
        assert ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$1:$3" and ws.freeze_panes == "A4"
        assert ws.auto_filter.ref.startswith("A3:")
    wb = openpyxl.load_workbook(written["statistics"])
    assert all(w.page_setup.orientation == "landscape" for w in wb.worksheets if w.title != "统计图")


def test_streamed_register_opens_with_title_fill_and_print_setup(written, demo_project):
    """The registers are streamed (yitu.gis.xlsx_stream), yet carry what an office prints and files."""
    import zipfile

    from yitu.gis.xlsx_stream import HEADER_FILL
    from yitu.layers.registers import TO_FILL_COLUMNS

    for key, title, columns in (("risk_register", "安全风险分级管控清单", RISK_REGISTER_COLUMNS),
                                ("hazard_register", "隐患排查治理台账", HAZARD_REGISTER_COLUMNS)):
        with zipfile.ZipFile(written[key]) as z:  # written by the streaming writer, not by openpyxl
            assert b"<Application>yitu</Application>" in z.read("docProps/app.xml")
        ws = openpyxl.load_workbook(written[key]).worksheets[0]
        last = openpyxl.utils.get_column_letter(len(columns))
        assert [str(r) for r in ws.merged_cells.ranges] == [f"A1:{last}1"]
        assert ws["A1"].value == title and ws["A1"].font.b and ws["A1"].font.sz == 16
        assert ws["A1"].alignment.horizontal == "center" and ws.row_dimensions[1].height == 30
        assert ws["A2"].value == f"填报单位：{demo_project.settings.project.name}"
        right = ws.cell(2, len(columns) - 3).value
        assert right == f"填报日期：{TODAY.isoformat()}"
        header = [c.value for c in ws[3]]
        assert header == columns
        to_fill = [c for c in columns if c in TO_FILL_COLUMNS]
        assert to_fill  # each register has columns the office fills in
        for j, name in enumerate(header, start=1):
            cell = ws.cell(3, j)
            assert cell.font.b, name
            if name in TO_FILL_COLUMNS:
                assert cell.fill.fgColor.rgb == "FFFFF2CC", name
            elif name not in ("风险等级", "风险颜色", "企业风险等级"):
                assert cell.fill.fgColor.rgb == HEADER_FILL, name
        assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"  # A4
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_options.horizontalCentered
        assert ws.print_title_rows == "$1:$3"
        assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
        assert ws.freeze_panes == "A4" and ws.auto_filter.ref == f"A3:{last}{ws.max_row}"
