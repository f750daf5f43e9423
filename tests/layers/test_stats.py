"""Statistics: every enterprise counted once per breakdown, 未定级 included; 较大以上; staleness."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from yitu.errors import InputError
from yitu.layers.grading import grade_enterprises
from yitu.layers.stats import (
    GRADE_COLUMNS,
    OUTSIDE_PARKS,
    TOTAL,
    grade_breakdown,
    grade_statistics,
    staleness_summary,
)


@pytest.fixture(scope="module")
def graded(demo_project):
    ent = demo_project.read("enterprises")
    return grade_enterprises(ent, demo_project.read("risk_zones"), settings=demo_project.settings)


@pytest.fixture(scope="module")
def stats(demo_project, graded):
    return grade_statistics(graded, parks=demo_project.read("parks"))


@pytest.mark.parametrize("sheet", ["按乡镇", "按行业", "按园区"])
def test_breakdowns_count_every_enterprise_once(stats, graded, sheet):
    t = stats[sheet]
    body = t[t.iloc[:, 0] != TOTAL]
    total = t[t.iloc[:, 0] == TOTAL].iloc[0]
    n = len(graded)
    assert int(body["合计"].sum()) == n == int(total["合计"])
    assert (body[list(GRADE_COLUMNS)].sum(axis=1) == body["合计"]).all()
    for g, col in zip([1, 2, 3, 4], GRADE_COLUMNS[:4]):
        assert int(body[col].sum()) == int((graded["grade"] == g).sum())
    assert int(body["未定级"].sum()) == int(graded["grade"].isna().sum()) > 0
    assert (body["较大以上"] == body["重大风险"] + body["较大风险"]).all()
    shares = body[[f"{c}占比" for c in GRADE_COLUMNS]].sum(axis=1)
    assert np.allclose(shares, 1.0)
    assert body["较大以上"].is_monotonic_decreasing


def test_by_town_matches_the_layer(stats, graded):
    t = stats["按乡镇"].set_index("乡镇街道")
    for town, grp in graded.groupby("town"):
        assert t.at[town, "合计"] == len(grp)
        assert t.at[town, "较大以上"] == int((grp["grade"] <= 2).sum())


def test_by_park_names_the_park_and_outside(stats, graded):
    t = stats["按园区"].set_index("园区")
    assert t.at["青岚化工园区（演示）", "合计"] == int((graded["park_id"] == "P01").sum())
    assert t.at[OUTSIDE_PARKS, "合计"] == int(graded["park_id"].isna().sum())


def test_overview_and_major_list(stats, graded):
    o = stats["总体"].set_index("风险等级")
    assert o.at[TOTAL, "企业数"] == len(graded)
    assert o.loc[list(GRADE_COLUMNS), "企业数"].sum() == len(graded)
    assert o.at["未定级", "企业数"] == graded["grade"].isna().sum()
    major = stats["较大以上企业"]
    assert len(major) == int((graded["grade"] <= 2).sum())
    assert set(major["风险等级"]) == {"重大风险", "较大风险"}
    assert major["风险等级"].tolist() == sorted(major["风险等级"], key=lambda s: s != "重大风险")
    cross = stats["较大以上乡镇行业"].set_index("乡镇街道")
    assert cross.at[TOTAL, TOTAL] == len(major)


def test_missing_town_counted_as_unfilled():
    ent = gpd.GeoDataFrame(
        {"id": ["A", "B", "C"], "town": ["甲镇", None, " "], "risk_grade": [1.0, np.nan, 4.0]},
        geometry=[shapely.Point(0, 0)] * 3, crs=4326,
    )
    from yitu.settings import default_settings

    g = grade_enterprises(ent, settings=default_settings())
    t = grade_breakdown(g, g["town"], name="乡镇街道").set_index("乡镇街道")
    assert t.at["（未填）", "合计"] == 2 and t.at["（未填）", "未定级"] == 1
    assert t.at[TOTAL, "合计"] == 3


def test_needs_graded_enterprises(demo_project):
    with pytest.raises(InputError, match="grade_enterprises"):
        grade_statistics(demo_project.read("enterprises"))


def test_staleness_summary():
    df = pd.DataFrame({"updated_at": ["2024-01-01", "2026-01-01", None]})
    s = staleness_summary({"enterprises": df, "stations": None}, months=12, today=date(2026, 6, 1))
    assert len(s) == 1
    row = s.iloc[0]
    assert (row["记录数"], row["已过期"], row["无更新日期"]) == (3, 1, 1)
    assert row["最早更新日期"] == "2024-01-01" and row["名称"] == "企业"


def test_hazard_summary():
    from yitu.layers.stats import hazard_summary

    hz = pd.DataFrame({
        "level": ["重大隐患", "一般隐患", "一般隐患", "一般隐患", None],
        "status": ["未整改", "已整改", "整改中", None, "未整改"],
        "deadline": ["2026-01-01", "2025-01-01", "2026-12-31", "2025-05-01", "2025-01-01"],
    })
    t = hazard_summary(hz, today=date(2026, 6, 1)).set_index("隐患级别")
    assert t.index.tolist() == ["重大隐患", "一般隐患", "（未填）", TOTAL]
    assert t.at[TOTAL, TOTAL] == 5
    assert t.at["重大隐患", "逾期未整改"] == 1
    assert t.at["一般隐患", "逾期未整改"] == 1  # 已整改 is never overdue; no status counts as open
    assert t.at["一般隐患", "未填状态"] == 1
    assert t.at[TOTAL, "逾期未整改"] == 3
