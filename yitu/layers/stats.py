"""Risk statistics (一图一端): enterprises by grade × town, × industry, × park; 较大以上; staleness.

Every table counts each enterprise exactly once, 未定级 included: the 合计 column of any
breakdown (without its 合计 row) sums to the number of enterprises.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import date

import pandas as pd

from yitu.errors import InputError
from yitu.layers.grading import is_major_or_above, stale
from yitu.words import tr
from yitu.layers.schema import GRADE_COLOUR_NAMES, GRADE_LABELS, MAJOR_HAZARD_LEVELS, SCHEMAS, UNGRADED_LABEL

log = logging.getLogger(__name__)

__all__ = [
    "GRADE_COLUMNS",
    "TOTAL",
    "MISSING",
    "OUTSIDE_PARKS",
    "grade_labels",
    "grade_breakdown",
    "grade_overview",
    "grade_statistics",
    "park_names",
    "staleness_summary",
    "hazard_summary",
    "SOURCE_LABELS",
]

# Count columns of every breakdown, in grade order (红 → 蓝, then 未定级).
GRADE_COLUMNS: tuple[str, ...] = (*(GRADE_LABELS[g] for g in (1, 2, 3, 4)), UNGRADED_LABEL)
TOTAL = "合计"
MAJOR = "较大以上"
MISSING = "（未填）"
OUTSIDE_PARKS = "园区外"
SOURCE_LABELS: dict[str, str] = {
    "given": "填报等级",
    "zones": "风险分区最高等级",
    "lec": "LEC法",
    "matrix": "风险矩阵法",
    "none": "无等级、无LEC/矩阵数据",
}


def _need_grade(enterprises: pd.DataFrame) -> None:
    if "grade" not in enterprises.columns:
        raise InputError(tr("grading.err.no_grade"))


def grade_labels(grade: pd.Series) -> pd.Series:
    """Grade 1..4 / <NA> as 重大风险 … 低风险 / 未定级 (same index)."""
    g = pd.to_numeric(grade.astype(object).where(grade.notna(), None), errors="coerce")
    return g.map(GRADE_LABELS).fillna(UNGRADED_LABEL).astype(object)


def _text(values: pd.Series, missing: str) -> pd.Series:
    s = values.astype(object).where(values.notna(), None)
    s = s.map(lambda v: str(v).strip() if v is not None else None)
    return s.where(s.notna() & (s != ""), missing)


def grade_breakdown(enterprises: pd.DataFrame, by: pd.Series, *, name: str) -> pd.DataFrame:
    """Enterprises counted by ``by`` × grade, with shares.

    Parameters
    ----------
    enterprises
        Graded enterprises (``grade`` column from :func:`~yitu.layers.grading.grade_enterprises`).
    by
        The grouping value of each enterprise (same index), e.g. the town; missing -> （未填）.
    name
        Header of the grouping column (乡镇街道, 行业, 园区 ...).

    Returns
    -------
    DataFrame
        Columns: ``name``, 重大风险, 较大风险, 一般风险, 低风险, 未定级, 合计, 较大以上, 较大以上占比,
        then one 占比 column per grade (0..1). Rows sorted by 较大以上 then 合计 (descending), and a
        last 合计 row.
    """
    _need_grade(enterprises)
    key = _text(by.reindex(enterprises.index), MISSING)
    labels = pd.Categorical(grade_labels(enterprises["grade"]), categories=list(GRADE_COLUMNS))
    table = pd.crosstab(key.to_numpy(), labels, dropna=False).reindex(columns=list(GRADE_COLUMNS), fill_value=0)
    table.index.name = name
    table.columns = list(GRADE_COLUMNS)
    table = table.astype("int64")
    table[TOTAL] = table[list(GRADE_COLUMNS)].sum(axis=1)
    table[MAJOR] = table[GRADE_COLUMNS[0]] + table[GRADE_COLUMNS[1]]
    table = table.reset_index().sort_values([MAJOR, TOTAL, name], ascending=[False, False, True], kind="stable")
    total = {name: TOTAL, **{c: int(table[c].sum()) for c in (*GRADE_COLUMNS, TOTAL, MAJOR)}}
    table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    denom = table[TOTAL].where(table[TOTAL] > 0)
    table[f"{MAJOR}占比"] = (table[MAJOR] / denom).fillna(0.0)
    for c in GRADE_COLUMNS:
        table[f"{c}占比"] = (table[c] / denom).fillna(0.0)
    return table


def grade_overview(enterprises: pd.DataFrame) -> pd.DataFrame:
    """Enterprises per grade: 风险等级, 颜色, 企业数, 占比, with 未定级 and a 合计 row."""
    _need_grade(enterprises)
    labels = grade_labels(enterprises["grade"])
    counts = labels.value_counts().reindex(list(GRADE_COLUMNS), fill_value=0).astype("int64")
    n = int(counts.sum())
    out = pd.DataFrame(
        {
            "风险等级": list(GRADE_COLUMNS),
            "颜色": [GRADE_COLOUR_NAMES[g] for g in (1, 2, 3, 4)] + ["灰"],
            "企业数": counts.to_numpy(),
        }
    )
    out = pd.concat([out, pd.DataFrame([{"风险等级": TOTAL, "颜色": "", "企业数": n}])], ignore_index=True)
    out["占比"] = out["企业数"] / n if n else 0.0
    return out


def _major_list(enterprises: pd.DataFrame, park_names: pd.Series) -> pd.DataFrame:
    e = enterprises[is_major_or_above(enterprises["grade"])]
    mh_names = {k: v[0] for k, v in MAJOR_HAZARD_LEVELS.items()}
    col = lambda c: e[c] if c in e.columns else pd.Series(None, index=e.index, dtype=object)  # noqa: E731
    out = pd.DataFrame(
        {
            "风险等级": grade_labels(e["grade"]),
            "单位名称": col("name"),
            "企业编号": col("id"),
            "乡镇街道": _text(col("town"), MISSING),
            "行业": _text(col("industry"), MISSING),
            "所属园区": park_names.reindex(e.index),
            "重大危险源": pd.to_numeric(col("major_hazard_level"), errors="coerce").map(mh_names).fillna(""),
            "定级依据": col("grade_source").map(SOURCE_LABELS),
            "更新日期": col("updated_at"),
        },
        index=e.index,
    )
    order = pd.to_numeric(e["grade"], errors="coerce").fillna(9)
    out = out.assign(_o=order).sort_values(["_o", "乡镇街道", "企业编号"], kind="stable").drop(columns="_o")
    return out.reset_index(drop=True)


def _major_cross(enterprises: pd.DataFrame) -> pd.DataFrame:
    """较大以上 enterprises: town × industry counts with totals."""
    e = enterprises[is_major_or_above(enterprises["grade"])]
    town = _text(e["town"] if "town" in e.columns else pd.Series(None, index=e.index), MISSING)
    ind = _text(e["industry"] if "industry" in e.columns else pd.Series(None, index=e.index), MISSING)
    if not len(e):
        return pd.DataFrame({"乡镇街道": [TOTAL], TOTAL: [0]})
    t = pd.crosstab(town.to_numpy(), ind.to_numpy(), margins=True, margins_name=TOTAL)
    t.index.name = "乡镇街道"
    t.columns.name = None
    return t.reset_index()


def park_names(enterprises: pd.DataFrame, parks: pd.DataFrame | None) -> pd.Series:
    """Each enterprise's park as a name (the park's id when the parks layer lacks it; 园区外 when none)."""
    pid = enterprises["park_id"] if "park_id" in enterprises.columns else pd.Series(None, index=enterprises.index)
    names: dict[str, str] = {}
    if parks is not None and len(parks) and "id" in parks.columns:
        nm = parks["name"] if "name" in parks.columns else parks["id"]
        names = dict(zip(parks["id"].astype(str), nm.astype(str)))
    key = _text(pid, "")
    return key.map(lambda k: names.get(k, k) if k else OUTSIDE_PARKS).astype(object)


def grade_statistics(enterprises_graded: pd.DataFrame, *, parks: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The statistics tables of the 一图一端 workbook.

    Parameters
    ----------
    enterprises_graded
        Enterprises with ``grade`` and ``grade_source`` (:func:`~yitu.layers.grading.grade_enterprises`).
    parks
        The parks layer, for park names (optional).

    Returns
    -------
    dict
        Sheet name -> table: 总体 (per grade), 按乡镇, 按行业, 按园区 (:func:`grade_breakdown`),
        较大以上企业 (the list), 较大以上乡镇行业 (town × industry counts).
    """
    _need_grade(enterprises_graded)
    e = enterprises_graded
    empty = pd.Series(None, index=e.index, dtype=object)
    parks_col = park_names(e, parks)
    out = {
        "总体": grade_overview(e),
        "按乡镇": grade_breakdown(e, e["town"] if "town" in e.columns else empty, name="乡镇街道"),
        "按行业": grade_breakdown(e, e["industry"] if "industry" in e.columns else empty, name="行业"),
        "按园区": grade_breakdown(e, parks_col, name="园区"),
        "较大以上企业": _major_list(e, parks_col),
        "较大以上乡镇行业": _major_cross(e),
    }
    log.debug("statistics of %d enterprises", len(e))
    return out


def staleness_summary(
    layers: Mapping[str, pd.DataFrame | None], *, months: int, today: date | None = None
) -> pd.DataFrame:
    """Per layer with an 更新日期: records, stale records (older than ``months``), records without a date.

    Returns
    -------
    DataFrame
        Columns 图层, 名称, 记录数, 已过期, 无更新日期, 最早更新日期, 最近更新日期, 期限(月).
    """
    rows = []
    for name, df in layers.items():
        if df is None or "updated_at" not in df.columns:
            continue
        when = pd.to_datetime(df["updated_at"], errors="coerce")
        rows.append(
            {
                "图层": name,
                "名称": SCHEMAS[name].label if name in SCHEMAS else name,
                "记录数": len(df),
                "已过期": int(stale(df["updated_at"], months=months, today=today).sum()),
                "无更新日期": int(when.isna().sum()),
                "最早更新日期": when.min().strftime("%Y-%m-%d") if when.notna().any() else "",
                "最近更新日期": when.max().strftime("%Y-%m-%d") if when.notna().any() else "",
                "期限(月)": months,
            }
        )
    cols = ["图层", "名称", "记录数", "已过期", "无更新日期", "最早更新日期", "最近更新日期", "期限(月)"]
    return pd.DataFrame(rows, columns=cols)


def hazard_summary(hazards: pd.DataFrame, *, today: date | None = None) -> pd.DataFrame:
    """Hazards (隐患) by level × rectification status, with the overdue count.

    Parameters
    ----------
    hazards
        The ``hazards`` layer (level, status, deadline).
    today
        Reference date for 逾期 (deadline passed and not 已整改); default today.

    Returns
    -------
    DataFrame
        Columns 隐患级别, 未整改, 整改中, 已整改, 未填状态, 合计, 逾期未整改; rows 重大隐患, 一般隐患,
        （未填）when present, and 合计.
    """
    statuses = ["未整改", "整改中", "已整改"]
    level = _text(hazards["level"] if "level" in hazards.columns else pd.Series(None, index=hazards.index), MISSING)
    status = _text(hazards["status"] if "status" in hazards.columns else pd.Series(None, index=hazards.index), "未填状态")
    deadline = pd.to_datetime(
        hazards["deadline"] if "deadline" in hazards.columns else pd.Series(None, index=hazards.index), errors="coerce"
    )
    overdue = deadline.notna() & (deadline < pd.Timestamp(today or date.today())) & (status != "已整改")
    cols = [*statuses, "未填状态"]
    t = pd.crosstab(level.to_numpy(), pd.Categorical(status, categories=cols), dropna=False)
    t = t.reindex(columns=cols, fill_value=0).astype("int64")
    t.columns = cols
    rows = [r for r in ("重大隐患", "一般隐患", MISSING) if r in t.index] + [r for r in t.index if r not in ("重大隐患", "一般隐患", MISSING)]
    t = t.reindex(rows)
    t[TOTAL] = t[cols].sum(axis=1)
    t["逾期未整改"] = pd.Series(overdue.to_numpy()).groupby(level.to_numpy()).sum().reindex(t.index).fillna(0).astype("int64")
    t.index.name = "隐患级别"
    t = t.reset_index()
    total = {"隐患级别": TOTAL, **{c: int(t[c].sum()) for c in (*cols, TOTAL, "逾期未整改")}}
    return pd.concat([t, pd.DataFrame([total])], ignore_index=True)
