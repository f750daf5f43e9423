"""Title rows and print setup in the streaming XLSX writer: the streamed sheet, the same sheet written
by openpyxl's write-only mode, and a big table streamed into a write-only package read back alike;
the worksheet's elements in the order Excel requires."""

from __future__ import annotations

import zipfile
from xml.etree import ElementTree as ET

import numpy as np
import openpyxl
import pandas as pd
import pytest

from yitu.gis.xlsx_stream import (
    HEADER_FILL,
    STREAM_ROWS,
    CellStyle,
    Heading,
    PrintSetup,
    SheetLook,
    save_workbook,
    write_only_workbook,
    write_xlsx_stream,
)

PALE = "FFFFF2CC"
LOOK = SheetLook(header_by_value={"措施": CellStyle(bold=True, fill=PALE)},
                 by_value={"等级": {"红": CellStyle(fill="FFFF0000")}})
HEADING = Heading("隐患排查治理台账", "填报单位：某县应急管理局", "填报日期：2026-06-01")
PRINT = PrintSetup(footer="第 &P 页，共 &N 页")
# ECMA-376 Part 1, CT_Worksheet: the sequence of a worksheet's child elements
ORDER = ["sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetProtection",
         "autoFilter", "mergeCells", "conditionalFormatting", "dataValidations", "hyperlinks", "printOptions",
         "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks", "drawing", "tableParts"]


def _table(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    return pd.DataFrame({
        "序号": np.arange(1, n + 1),
        "名称": [f"企业{i}<&>" for i in range(n)],
        "等级": rng.choice(["红", "黄"], n),
        "措施": [""] * n,
        "期限": ["2026-07-01"] * n,
        "备注": [None] * n,
    })


def _sheet(path, name="台账"):
    return openpyxl.load_workbook(path)[name]


def _check(ws, n: int) -> None:
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:F1"]
    assert ws["A1"].value == "隐患排查治理台账" and ws["A1"].font.b and ws["A1"].font.sz == 16
    assert ws["A1"].alignment.horizontal == "center" and ws.row_dimensions[1].height == 30
    assert ws["A2"].value == "填报单位：某县应急管理局" and ws["C2"].value == "填报日期：2026-06-01"
    assert [c.value for c in ws[3]] == ["序号", "名称", "等级", "措施", "期限", "备注"]
    assert ws["D3"].fill.fgColor.rgb == PALE and ws["D3"].font.b
    assert ws["A3"].fill.fgColor.rgb == HEADER_FILL
    assert ws.cell(4, 1).value == 1 and ws.cell(n + 3, 1).value == n and ws.max_row == n + 3
    assert ws.freeze_panes == "A4" and ws.auto_filter.ref == f"A3:F{n + 3}"
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == "9"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_options.horizontalCentered
    assert ws.page_margins.left == pytest.approx(0.4) and ws.page_margins.top == pytest.approx(0.6)
    assert ws.print_title_rows == "$1:$3"
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"


def _element_order(path, member: str) -> list[str]:
    with zipfile.ZipFile(path) as z:
        root = ET.fromstring(z.read(member))
    tags = [child.tag.split("}")[1] for child in root]
    assert tags == sorted(tags, key=ORDER.index), tags
    return tags


def test_streamed_heading_and_print_setup_equal_openpyxl_write_only(tmp_path):
    df = _table(30)
    streamed = write_xlsx_stream({"台账": df}, tmp_path / "s.xlsx", looks={"台账": LOOK},
                                 headings={"台账": HEADING}, print_setup=PRINT)
    wb = write_only_workbook({"台账": df}, looks={"台账": LOOK}, headings={"台账": HEADING}, print_setup=PRINT)
    by_openpyxl = save_workbook(wb, tmp_path / "o.xlsx")
    a, b = _sheet(streamed), _sheet(by_openpyxl)
    _check(a, 30)
    _check(b, 30)
    assert list(a.iter_rows(values_only=True)) == list(b.iter_rows(values_only=True))
    for col in "ABCDEF":
        assert a.column_dimensions[col].width == pytest.approx(b.column_dimensions[col].width), col
    red = [i for i in range(4, 34) if a.cell(i, 3).value == "红"]
    assert red and all(a.cell(i, 3).fill.fgColor.rgb == b.cell(i, 3).fill.fgColor.rgb == "FFFF0000" for i in red)
    tags = _element_order(streamed, "xl/worksheets/sheet1.xml")
    assert tags[0] == "sheetPr" and tags[-1] == "headerFooter" and "mergeCells" in tags
    _element_order(by_openpyxl, "xl/worksheets/sheet1.xml")


def test_big_table_with_heading_streamed_into_a_write_only_package(tmp_path):
    from openpyxl.chart import BarChart, Reference

    n = STREAM_ROWS + 300
    wb = write_only_workbook({"台账": _table(n), "小表": _table(3)}, looks={"台账": LOOK},
                             headings={"台账": HEADING}, print_setup=PRINT)
    chart_ws = wb.create_sheet("统计图")
    chart = BarChart()
    chart.add_data(Reference(wb.worksheets[1], min_col=1, min_row=1, max_row=4), titles_from_data=True)
    chart_ws.add_chart(chart, "A3")
    path = save_workbook(wb, tmp_path / "big.xlsx")
    _check(_sheet(path), n)
    _element_order(path, "xl/worksheets/sheet1.xml")
    small = _sheet(path, "小表")  # print setup without title rows: the header in row 1, repeated
    assert small.print_title_rows == "$1:$1" and small.freeze_panes == "A2" and small["A1"].value == "序号"
    assert small.page_setup.orientation == "landscape" and not small.merged_cells.ranges
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode("utf-8")
    assert "'台账'!$1:$3" in book and "'台账'!$A$3:$F$" in book


def test_without_heading_or_print_setup_the_sheet_is_as_before(tmp_path):
    path = write_xlsx_stream({"表": _table(5)}, tmp_path / "plain.xlsx")
    ws = _sheet(path, "表")
    assert ws["A1"].value == "序号" and ws.freeze_panes == "A2" and not ws.merged_cells.ranges
    assert ws.print_title_rows is None and ws.page_setup.orientation is None
    assert _element_order(path, "xl/worksheets/sheet1.xml")[0] == "dimension"


def test_narrow_table_heading_in_one_cell(tmp_path):
    df = pd.DataFrame({"乡镇": ["甲", "乙"], "数量": [1, 2]})
    path = write_xlsx_stream({"表": df}, tmp_path / "narrow.xlsx", headings={"表": HEADING}, print_setup=PRINT)
    ws = _sheet(path, "表")
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:B1"]
    assert ws["A2"].value == "填报单位：某县应急管理局\u3000\u3000填报日期：2026-06-01"
    assert [c.value for c in ws[3]] == ["乡镇", "数量"] and ws.auto_filter.ref == "A3:B5"
