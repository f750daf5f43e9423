"""The streaming XLSX writer: the same cells, looks and sheet settings as openpyxl writes, reopened
with openpyxl; a big table streamed into a workbook that also holds a chart and an image."""

from __future__ import annotations

import zipfile
from datetime import date, datetime

import numpy as np
import openpyxl
import pandas as pd
import pytest

from yitu.gis.io import write_xlsx, xlsx_workbook
from yitu.gis.xlsx_stream import (
    STREAM_ROWS,
    CellStyle,
    SheetLook,
    save_workbook,
    write_only_workbook,
    write_xlsx_stream,
)

RED = CellStyle(fill="FFFF0000", color="FFFFFFFF")
LOOK = SheetLook(
    columns={"占比": CellStyle(number_format="0.0%")},
    by_value={"等级": {"红": RED}},
    header_by_value={"等级": CellStyle(bold=True, fill="FF00FF00")},
    last_row=CellStyle(bold=True),
)


def _table(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame({
        "序号": np.arange(1, n + 1),
        "名称": [f"企业<{i}>&“公司”" for i in range(n)],
        "等级": rng.choice(["红", "黄"], n),
        "占比": rng.random(n),
        "公式": ["=HYPERLINK(\"http://x\")"] + ["\x0b控制\x00字符"] + [None] * (n - 2),
        "日期": [date(2024, 3, 1), datetime(2024, 3, 1, 8, 30)] + [None] * (n - 2),
        "空": [np.nan] * n,
        "标志": [True, False] * (n // 2),
    })


def _values(path, sheet=None):
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    return wb, ws, [list(r) for r in ws.iter_rows(values_only=True)]


def test_streamed_cells_equal_openpyxl_cells(tmp_path):
    df = _table(50)
    a = tmp_path / "a.xlsx"
    xlsx_workbook({"表": df}).save(a)  # openpyxl's cells, the reference
    b = write_xlsx({"表": df}, tmp_path / "b.xlsx")  # streamed
    _, wa, va = _values(a)
    _, wb_, vb = _values(b)
    def rounded(rows):  # openpyxl writes 16 significant digits; this writer the exact repr
        return [[round(v, 12) if isinstance(v, float) else v for v in r] for r in rows]

    assert rounded(va) == rounded(vb)
    assert vb[1][4] == '=HYPERLINK("http://x")' and wb_.cell(2, 5).data_type == "s"  # text, not a formula
    assert vb[2][4] == "控制字符"  # characters XML cannot hold are dropped, as openpyxl's writer does
    assert wb_.freeze_panes == wa.freeze_panes == "A2"
    assert wb_.auto_filter.ref == wa.auto_filter.ref
    assert wb_["A1"].font.b and wb_["A1"].fill.fgColor.rgb == wa["A1"].fill.fgColor.rgb
    for col in "ABCDEFGH":
        assert wb_.column_dimensions[col].width == pytest.approx(wa.column_dimensions[col].width), col
    assert wb_.cell(2, 6).is_date and wb_.cell(3, 6).value == datetime(2024, 3, 1, 8, 30)


def test_looks_by_value_column_and_last_row(tmp_path):
    df = _table(20)
    path = write_xlsx_stream({"表": df}, tmp_path / "c.xlsx", looks={"表": LOOK}, bold_last_row={"表": True})
    _, ws, rows = _values(path)
    for i, row in enumerate(rows[1:], start=2):
        fill = ws.cell(i, 3).fill.fgColor.rgb
        assert (fill == "FFFF0000") == (row[2] == "红"), i
        assert ws.cell(i, 4).number_format == "0.0%"
    assert ws.cell(1, 3).fill.fgColor.rgb == "FF00FF00" and ws.cell(1, 3).font.b
    assert all(ws.cell(21, j).font.b for j in range(1, 9)) and not ws.cell(20, 1).font.b


def test_big_table_streamed_into_a_workbook_with_a_chart(tmp_path):
    from openpyxl.chart import BarChart, Reference

    n = STREAM_ROWS + 500
    big, small = _table(n), pd.DataFrame({"乡镇": ["甲", "乙"], "红": [1, 2]})
    wb = write_only_workbook({"大表": big, "小表": small}, looks={"大表": LOOK}, bold_last_row={"大表": True})
    chart_ws = wb.create_sheet("统计图")
    chart_ws.append(["标题"])
    chart = BarChart()
    chart.add_data(Reference(wb.worksheets[1], min_col=2, min_row=1, max_row=3), titles_from_data=True)
    chart_ws.add_chart(chart, "A3")
    path = save_workbook(wb, tmp_path / "d.xlsx")
    with zipfile.ZipFile(path) as z:
        assert any(n.startswith("xl/charts/chart") for n in z.namelist())
    book, ws, rows = _values(path, "大表")
    assert len(rows) == n + 1 and rows[0][0] == "序号" and rows[-1][0] == n
    assert [r[1] for r in rows[1:]] == list(big["名称"])
    red = [i for i, r in enumerate(rows[1:], start=2) if r[2] == "红"][:5]
    assert all(ws.cell(i, 3).fill.fgColor.rgb == "FFFF0000" for i in red)
    assert ws.cell(1, 3).fill.fgColor.rgb == "FF00FF00" and ws.cell(n + 1, 1).font.b
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:H{n + 1}"
    assert [list(r) for r in book["小表"].iter_rows(values_only=True)] == [["乡镇", "红"], ["甲", 1], ["乙", 2]]
    assert not list(tmp_path.glob(".*"))
