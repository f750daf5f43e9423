"""The two lists (两单) and the statistics workbook, as XLSX files an office can file as they are.

- 安全风险清单 (risk register): one row per risk zone / risk point, and one enterprise-level row for
  each enterprise without zones; every enterprise appears, 未定级 ones included.
- 隐患清单 (hazard register): one row per hazard, when the project has a ``hazards`` layer.
- 风险统计 (statistics, 一图一端): the tables of :mod:`yitu.layers.stats`, the staleness summary,
  a native Excel bar chart (counts by grade and town, stacked, grade colours) and, when given,
  the chart image made by :func:`yitu.maps.charts.grade_bar_chart`.

Every sheet has its Chinese header in row 1 (frozen), an autofilter, column widths fitted to
the content, and grade cells filled with the grade colour (未定级 grey). Rows are sorted by
grade, red first. The registers have a title row and a 填报单位/填报日期 row above the header
(row 3), a pale header fill on the columns offices fill in by hand (:data:`TO_FILL_COLUMNS`);
every table sheet prints on A4 landscape, one page wide, header rows repeated, page numbers below.
The sheets are streamed (:mod:`yitu.gis.xlsx_stream`): 100,000 enterprises in seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from yitu.errors import InputError
from yitu.gis.xlsx_stream import (
    CellStyle,
    Heading,
    PrintSetup,
    SheetLook,
    save_workbook,
    write_only_workbook,
    write_xlsx_stream,
)
from yitu.layers.grading import grade_enterprises, grade_zones, stale
from yitu.layers.schema import (
    GRADE_COLOUR_NAMES,
    GRADE_COLOURS,
    GRADE_LABELS,
    UNGRADED_COLOUR,
    UNGRADED_LABEL,
)
from yitu.layers.stats import (
    GRADE_COLUMNS,
    SOURCE_LABELS,
    TOTAL,
    grade_labels,
    grade_statistics,
    hazard_summary,
    park_names,
    staleness_summary,
)
from yitu.settings import Settings
from yitu.words import msg, tr

log = logging.getLogger(__name__)

__all__ = [
    "RISK_REGISTER_COLUMNS",
    "HAZARD_REGISTER_COLUMNS",
    "TO_FILL_COLUMNS",
    "FILE_NAMES",
    "risk_register",
    "hazard_register",
    "lists_statistics",
    "write_workbook",
    "write_lists",
]

# The columns of the provincial 双重预防 templates: a 安全风险分级管控清单 names for each risk point the
# accident types it may lead to, the control measures (工程技术/管理/培训教育/个体防护/应急处置), the
# control level (管控层级) and the responsible department and person; a 隐患排查治理台账 follows the
# "五到位" (措施、责任、资金、时限、预案) and closes with 验收人 / 验收日期. Columns the layers do not
# carry are left empty for the office to fill in (never invented).
RISK_REGISTER_COLUMNS = [
    "序号", "风险等级", "风险颜色", "单位名称", "企业编号", "乡镇街道", "所属园区", "行业", "风险点/区域",
    "风险描述", "事故类型", "管控措施", "管控层级", "责任部门", "责任人", "企业风险等级", "定级依据", "更新日期",
    "是否过期",
]
HAZARD_REGISTER_COLUMNS = [
    "序号", "隐患级别", "隐患编号", "单位名称", "企业编号", "乡镇街道", "企业风险等级", "隐患描述", "发现日期",
    "整改措施", "整改期限", "整改状态", "整改责任人", "验收人", "验收日期", "是否逾期",
]
#: columns offices fill in by hand when the layers do not carry them (shown with a pale fill)
TO_FILL_COLUMNS = ("事故类型", "管控层级", "责任部门", "整改措施", "验收人", "验收日期")
FILE_NAMES = {"risk_register": "安全风险清单.xlsx", "hazard_register": "隐患清单.xlsx", "statistics": "风险统计.xlsx"}
ENTERPRISE_LEVEL = "（企业整体，未划分风险分区）"
UNKNOWN_ENTERPRISE = "（企业图层中无此企业）"

# Cell value -> fill colour for grade columns.
_FILL_BY_VALUE: dict[str, str] = {
    **{GRADE_LABELS[g]: GRADE_COLOURS[g] for g in GRADE_LABELS},
    **{GRADE_COLOUR_NAMES[g]: GRADE_COLOURS[g] for g in GRADE_COLOUR_NAMES},
    UNGRADED_LABEL: UNGRADED_COLOUR,
    "灰": UNGRADED_COLOUR,
}
_GRADE_HEADERS = {"风险等级", "风险颜色", "企业风险等级", "颜色"}
_TO_FILL_FILL = "FFFFF2CC"  # pale yellow on the header of a column the office fills in by hand
# A4 landscape, every column on one page width, the header rows on every page, page numbers below
_PRINT = PrintSetup(landscape=True, paper_size=9, fit_to_width=True, margins=(0.4, 0.4, 0.6, 0.6),
                    footer="第 &P 页，共 &N 页")


# ------------------------------------------------------------------------------- inputs
def _inputs(source: Any, settings: Settings | None) -> tuple[dict[str, pd.DataFrame | None], Settings]:
    """(layers, settings) from a Project or a mapping of layer name -> table."""
    from yitu.layers.project import Project

    if isinstance(source, Project):
        names = ("enterprises", "risk_zones", "hazards", "parks")
        layers = {n: source.read_optional(n) for n in names}
        if layers["enterprises"] is None:
            source.read("enterprises")  # raises ProjectError naming `yitu import`
        return layers, settings or source.settings
    if isinstance(source, Mapping):
        if settings is None:
            raise InputError("settings are needed when the layers are given as a mapping (settings=project.settings)")
        if source.get("enterprises") is None:
            raise InputError("the layers need an 'enterprises' table to make the lists")
        return dict(source), settings
    raise InputError(f"expected a Project or a mapping of layers, got {type(source).__name__}")


def _graded(layers: Mapping[str, pd.DataFrame | None], settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    ent = layers["enterprises"]
    assert ent is not None
    zones = layers.get("risk_zones")
    gz = grade_zones(zones, settings=settings) if zones is not None and len(zones) else None
    ge = ent if "grade" in ent.columns else grade_enterprises(ent, gz, settings=settings)
    return ge, gz


def _s(df: pd.DataFrame, col: str) -> pd.Series:
    """Column ``col`` as clean text ('' for missing), or '' everywhere when absent."""
    if col not in df.columns:
        return pd.Series("", index=df.index, dtype=object)
    v = df[col].astype(object)
    return v.where(v.notna(), "").map(lambda x: str(x).strip()).astype(object)


def _basis(df: pd.DataFrame) -> pd.Series:
    """定级依据: the source of the grade, with the LEC score / matrix value when computed."""
    src = _s(df, "grade_source").replace("", "none")
    text = src.map(SOURCE_LABELS).fillna("").astype(object)
    num = lambda c: pd.to_numeric(df[c], errors="coerce") if c in df.columns else pd.Series(np.nan, index=df.index)  # noqa: E731
    d = num("lec_l") * num("lec_e") * num("lec_c")
    r = num("matrix_l") * num("matrix_s")
    lec = src == "lec"
    mat = src == "matrix"
    text[lec] = "LEC法 D=" + d[lec].map(lambda v: f"{v:g}").astype(str)
    text[mat] = "风险矩阵法 R=" + r[mat].map(lambda v: f"{v:g}").astype(str)
    return text


def _blank_none(text: pd.Series) -> pd.Series:
    """'' -> None (for date parsing)."""
    return text.where(text != "", None)


def _stale_text(updated: pd.Series, *, months: int, today: date | None) -> pd.Series:
    old = stale(updated, months=months, today=today)
    dated = pd.to_datetime(updated, errors="coerce").notna()
    return pd.Series(np.where(old, "是", np.where(dated, "否", "无日期")), index=updated.index, dtype=object)


def _sort_key(grade: pd.Series) -> pd.Series:
    return pd.to_numeric(grade.astype(object).where(grade.notna(), None), errors="coerce").fillna(9)


# ------------------------------------------------------------------------------- registers
def risk_register(source: Any, *, settings: Settings | None = None, today: date | None = None) -> pd.DataFrame:
    """安全风险清单: one row per risk zone, and one enterprise-level row per enterprise without zones.

    Parameters
    ----------
    source
        A :class:`~yitu.layers.project.Project`, or a mapping with ``enterprises`` (and optionally
        ``risk_zones``, ``parks``) tables.
    settings
        Needed for a mapping; a project's own settings by default.
    today
        Reference date for 是否过期 (default: today).

    Returns
    -------
    DataFrame
        Columns :data:`RISK_REGISTER_COLUMNS`, sorted by grade (red first, 未定级 last), then by
        enterprise and zone. Every enterprise appears at least once; ungraded rows read 未定级.
    """
    layers, settings = _inputs(source, settings)
    ent, zones = _graded(layers, settings)
    months = settings.risk.stale_months
    parks = park_names(ent, layers.get("parks"))
    e_idx = pd.Series(np.arange(len(ent)), index=_s(ent, "id").to_numpy())
    e_idx = e_idx[~e_idx.index.duplicated()]

    frames = []
    if zones is not None and len(zones):
        eid = _s(zones, "enterprise_id")
        pos = eid.map(e_idx)
        known = pos.notna()
        take = pos.fillna(0).astype(int).to_numpy()

        def from_ent(col: pd.Series, missing: str = "") -> pd.Series:
            vals = col.to_numpy(dtype=object)[take] if len(col) else np.full(len(zones), missing, dtype=object)
            return pd.Series(np.where(known, vals, missing), index=zones.index, dtype=object)

        updated = _s(zones, "updated_at")
        frames.append(pd.DataFrame({
            "_g": _sort_key(zones["grade"]),
            "_eg": from_ent(_sort_key(ent["grade"]).astype(object), 9),
            "风险等级": grade_labels(zones["grade"]),
            "风险颜色": zones["grade"].map(GRADE_COLOUR_NAMES, na_action="ignore").fillna("灰").astype(object),
            "单位名称": from_ent(_s(ent, "name"), UNKNOWN_ENTERPRISE),
            "企业编号": eid,
            "乡镇街道": from_ent(_s(ent, "town")),
            "所属园区": from_ent(parks),
            "行业": from_ent(_s(ent, "industry")),
            "风险点/区域": _s(zones, "name"),
            "风险描述": _s(zones, "hazard"),
            "事故类型": _s(zones, "accident_type"),
            "管控措施": _s(zones, "measures"),
            "管控层级": _s(zones, "control_level"),
            "责任部门": _s(zones, "department"),
            "责任人": _s(zones, "owner"),
            "企业风险等级": from_ent(grade_labels(ent["grade"]), UNGRADED_LABEL),
            "定级依据": _basis(zones),
            "更新日期": updated,
            "是否过期": _stale_text(_blank_none(updated), months=months, today=today),
            "_zid": _s(zones, "id"),
        }))
        with_zones = set(eid[known])
    else:
        with_zones = set()
    lone = ent[~_s(ent, "id").isin(with_zones)]
    updated = _s(lone, "updated_at")
    frames.append(pd.DataFrame({
        "_g": _sort_key(lone["grade"]),
        "_eg": _sort_key(lone["grade"]),
        "风险等级": grade_labels(lone["grade"]),
        "风险颜色": lone["grade"].map(GRADE_COLOUR_NAMES, na_action="ignore").fillna("灰").astype(object),
        "单位名称": _s(lone, "name"),
        "企业编号": _s(lone, "id"),
        "乡镇街道": _s(lone, "town"),
        "所属园区": parks.reindex(lone.index),
        "行业": _s(lone, "industry"),
        "风险点/区域": ENTERPRISE_LEVEL,
        "风险描述": "",
        "事故类型": "",
        "管控措施": "",
        "管控层级": "",
        "责任部门": "",
        "责任人": _s(lone, "contact"),
        "企业风险等级": grade_labels(lone["grade"]),
        "定级依据": _basis(lone),
        "更新日期": updated,
        "是否过期": _stale_text(_blank_none(updated), months=months, today=today),
        "_zid": "",
    }))
    reg = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(len(f) for f in frames) else frames[-1]
    reg = reg.sort_values(["_g", "_eg", "企业编号", "_zid"], kind="stable").reset_index(drop=True)
    reg.insert(0, "序号", np.arange(1, len(reg) + 1))
    return reg[RISK_REGISTER_COLUMNS]


_LEVEL_ORDER = {"重大隐患": 0, "一般隐患": 1}
_STATUS_ORDER = {"未整改": 0, "整改中": 1, "已整改": 2}


def hazard_register(
    source: Any, *, settings: Settings | None = None, today: date | None = None
) -> pd.DataFrame | None:
    """隐患清单 from the ``hazards`` layer, or ``None`` when the project has no hazards.

    Rows are sorted 重大隐患 first, then by status (未整改, 整改中, 已整改), then by the
    enterprise's grade (red first). 是否逾期 is 是 when the 整改期限 has passed and the hazard
    is not 已整改.
    """
    layers, settings = _inputs(source, settings)
    hz = layers.get("hazards")
    if hz is None or not len(hz):
        return None
    ent, _ = _graded(layers, settings)
    e = ent.assign(_id=_s(ent, "id")).drop_duplicates("_id").set_index("_id")
    eid = _s(hz, "enterprise_id")
    grade = eid.map(e["grade"]) if len(e) else pd.Series(pd.NA, index=hz.index)
    today = today or date.today()
    deadline = pd.to_datetime(_blank_none(_s(hz, "deadline")), errors="coerce")
    status = _s(hz, "status")
    overdue = deadline.notna() & (deadline < pd.Timestamp(today)) & (status != "已整改")
    reg = pd.DataFrame({
        "_l": _s(hz, "level").map(_LEVEL_ORDER).fillna(2),
        "_st": status.map(_STATUS_ORDER).fillna(3),
        "_g": _sort_key(grade),
        "隐患级别": _s(hz, "level"),
        "隐患编号": _s(hz, "id"),
        "单位名称": eid.map(_s(e, "name")).fillna(UNKNOWN_ENTERPRISE),
        "企业编号": eid,
        "乡镇街道": eid.map(_s(e, "town")).fillna(""),
        "企业风险等级": grade_labels(grade),
        "隐患描述": _s(hz, "description"),
        "发现日期": _s(hz, "found_at"),
        "整改措施": _s(hz, "measures"),
        "整改期限": _s(hz, "deadline"),
        "整改状态": status,
        "整改责任人": _s(hz, "responsible"),
        "验收人": _s(hz, "accepted_by"),
        "验收日期": _s(hz, "accepted_at"),
        "是否逾期": np.where(overdue, "是", "否"),
    })
    reg = reg.sort_values(["_l", "_st", "_g", "隐患编号"], kind="stable").reset_index(drop=True)
    reg.insert(0, "序号", np.arange(1, len(reg) + 1))
    return reg[HAZARD_REGISTER_COLUMNS]


def lists_statistics(
    source: Any, *, settings: Settings | None = None, today: date | None = None
) -> dict[str, pd.DataFrame]:
    """The statistics tables (:func:`~yitu.layers.stats.grade_statistics`), 更新情况 (staleness) and,
    when the project has hazards, 隐患统计 (:func:`~yitu.layers.stats.hazard_summary`)."""
    layers, settings = _inputs(source, settings)
    ent, zones = _graded(layers, settings)
    out = grade_statistics(ent, parks=layers.get("parks"))
    out["更新情况"] = staleness_summary(
        {"enterprises": layers["enterprises"], "risk_zones": zones, "parks": layers.get("parks")},
        months=settings.risk.stale_months,
        today=today,
    )
    hz = layers.get("hazards")
    if hz is not None and len(hz):
        out["隐患统计"] = hazard_summary(hz, today=today)
    return out


# ------------------------------------------------------------------------------- XLSX
def _argb(hex_colour: str) -> str:
    return "FF" + hex_colour.lstrip("#").upper()


def _text_colour(hex_colour: str) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return "FF000000" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "FFFFFFFF"


def _look(df: pd.DataFrame) -> tuple[SheetLook, bool]:
    """Grade colours, percent formats and a bold 合计 row of a sheet; whether its last row is 合计."""
    grades = {word: CellStyle(fill=_argb(c), color=_text_colour(c)) for word, c in _FILL_BY_VALUE.items()}
    share = [str(c) for c in df.columns if str(c).endswith("占比")]
    look = SheetLook(
        columns={c: CellStyle(number_format="0.0%") for c in share},
        by_value={str(c): grades for c in df.columns if str(c) in _GRADE_HEADERS},
        header_by_value={
            **{str(c): CellStyle(bold=True, fill=_TO_FILL_FILL) for c in df.columns if str(c) in TO_FILL_COLUMNS},
            **{str(c): CellStyle(bold=True, fill=grades[str(c)].fill, color=grades[str(c)].color)
               for c in df.columns if str(c) in grades},
        },
        last_row=CellStyle(bold=True),
        min_width={c: 10 for c in share},  # room for "100.0%"
    )
    total = bool(len(df) and len(df.columns) and str(df.iloc[-1, 0]) == TOTAL)
    return look, total


def _bar_chart(ws: Any, data_ws: Any, table: pd.DataFrame, *, anchor: str, header_row: int = 1) -> None:
    """A native stacked bar chart of enterprises by town (rows of ``table`` without 合计) and grade."""
    from openpyxl.chart import BarChart, Reference

    n = int((table.iloc[:, 0] != TOTAL).sum())
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = f"各{table.columns[0]}企业风险等级分布"
    chart.y_axis.title = "企业数"
    chart.x_axis.title = str(table.columns[0])
    chart.x_axis.delete = False  # openpyxl 3.1 hides the axes unless told
    chart.y_axis.delete = False
    first, last = 2, 1 + len(GRADE_COLUMNS)  # the grade count columns B..F
    data = Reference(data_ws, min_col=first, max_col=last, min_row=header_row, max_row=header_row + n)
    cats = Reference(data_ws, min_col=1, min_row=header_row + 1, max_row=header_row + n)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    colours = [*(GRADE_COLOURS[g] for g in (1, 2, 3, 4)), UNGRADED_COLOUR]
    for series, colour in zip(chart.series, colours):
        series.graphicalProperties.solidFill = colour.lstrip("#").upper()
        series.graphicalProperties.line.solidFill = colour.lstrip("#").upper()
    chart.height, chart.width = 9.0, 18.0
    ws.add_chart(chart, anchor)


def write_workbook(
    sheets: Mapping[str, pd.DataFrame],
    path: str | Path,
    *,
    chart_from: str | None = None,
    chart_png: str | Path | None = None,
    title: str = "",
    heading: tuple[str, str] | None = None,
) -> Path:
    """Write tables as one XLSX (one sheet each), atomically: :func:`yitu.gis.io.write_xlsx` with
    grade colours, print setup (A4 landscape, fit to width, header rows repeated), and optionally a
    chart sheet.

    Parameters
    ----------
    sheets
        Sheet name -> table; the header goes in row 1 (row 3 with ``heading``).
    path
        Output ``.xlsx``.
    chart_from
        Name of a breakdown sheet (first column the category, then the grade count columns): adds
        a sheet 统计图 with a native stacked bar chart of it.
    chart_png
        A PNG image to embed on the 统计图 sheet (below the native chart).
    title
        Workbook title (document properties; also the title row with ``heading``).
    heading
        ``(unit, date)``: put a title row and a 填报单位/日期 row above each table (the header is
        then row 3), as the registers offices hand in have.
    """
    from openpyxl.drawing.image import Image

    looks = {name: _look(df) for name, df in sheets.items()}
    headings = {} if heading is None else {
        name: Heading(title or str(name), f"填报单位：{heading[0]}", f"填报日期：{heading[1]}") for name in sheets
    }
    options: dict[str, Any] = {
        "looks": {k: v[0] for k, v in looks.items()},
        "bold_last_row": {k: v[1] for k, v in looks.items()},
        "headings": headings,
        "print_setup": _PRINT,
    }
    if chart_from is None and chart_png is None:  # the lists: streamed (100,000 rows in seconds)
        target = write_xlsx_stream(sheets, path, title=title or Path(path).stem, **options)
        log.info(msg("files.log.wrote", path=target))
        return target
    wb = write_only_workbook(sheets, **options)
    by_name = dict(zip(sheets, wb.worksheets))
    if chart_from is not None or chart_png is not None:
        ws = wb.create_sheet("统计图")
        ws.append([title or "统计图"])
        if chart_from is not None:
            _bar_chart(ws, by_name[chart_from], sheets[chart_from], anchor="A3",
                       header_row=1 + (Heading.rows if chart_from in headings else 0))
        if chart_png is not None:
            png = Path(chart_png)
            if not png.is_file():
                raise InputError(tr("io.not_found", path=png))
            img = Image(str(png))
            scale = min(1.0, 900 / max(img.width, 1))
            img.width, img.height = int(img.width * scale), int(img.height * scale)
            ws.add_image(img, "A23" if chart_from is not None else "A3")
    wb.properties.title = title or Path(path).stem
    wb.properties.creator = "yitu"
    target = Path(path)
    save_workbook(wb, target)
    log.info(msg("files.log.wrote", path=target))
    return target


def write_lists(
    project: Any,
    out_dir: str | Path | None = None,
    *,
    today: date | None = None,
    chart_png: str | Path | None = None,
) -> dict[str, Path]:
    """Write 安全风险清单.xlsx, 隐患清单.xlsx (when hazards exist) and 风险统计.xlsx.

    Parameters
    ----------
    project
        The :class:`~yitu.layers.project.Project`.
    out_dir
        Output folder (default ``DIR/output/lists``).
    today
        Reference date for staleness and overdue hazards (default: today).
    chart_png
        The bar-chart image to embed in the statistics workbook (made by
        :func:`yitu.maps.charts.write_grade_chart`; layers do not import maps).

    Returns
    -------
    dict
        ``risk_register``, ``statistics`` and (with hazards) ``hazard_register`` -> path written.
    """
    out = Path(out_dir) if out_dir is not None else project.output_dir / "lists"
    day = (today or date.today()).isoformat()
    layers, settings = _inputs(project, None)
    ent, zones = _graded(layers, settings)
    layers = {**layers, "enterprises": ent, "risk_zones": zones}
    written: dict[str, Path] = {}
    reg = risk_register(layers, settings=settings, today=today)
    unit = settings.project.name
    written["risk_register"] = write_workbook(
        {"安全风险清单": reg}, out / FILE_NAMES["risk_register"], title="安全风险分级管控清单", heading=(unit, day)
    )
    hz = hazard_register(layers, settings=settings, today=today)
    if hz is not None:
        written["hazard_register"] = write_workbook(
            {"隐患清单": hz}, out / FILE_NAMES["hazard_register"], title="隐患排查治理台账", heading=(unit, day)
        )
    stats = lists_statistics(layers, settings=settings, today=today)
    written["statistics"] = write_workbook(
        stats, out / FILE_NAMES["statistics"], chart_from="按乡镇", chart_png=chart_png, title=f"风险统计（{day}）"
    )
    n_none = int(ent["grade"].isna().sum())
    if n_none:
        log.info(msg("cli.lists.ungraded", n=n_none))
    return written

