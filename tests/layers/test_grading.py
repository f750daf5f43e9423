"""Risk grading: LEC and matrix band edges, zones -> enterprise, given grade wins, 未定级, staleness, fire scheme."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from yitu.errors import InputError
from yitu.layers.grading import (
    fire_safety_grade,
    grade_enterprises,
    grade_zones,
    is_major_or_above,
    lec_grade,
    matrix_grade,
    stale,
)
from yitu.layers.schema import GRADE_SPELLINGS
from yitu.settings import default_settings

S = default_settings()


@pytest.mark.parametrize(
    "d, grade",
    [(0, 4), (20, 4), (70, 4), (70.0001, 3), (100, 3), (160, 3), (160.0001, 2), (240, 2), (320, 2),
     (320.0001, 1), (1000, 1)],
)
def test_lec_band_edges(d, grade):
    assert lec_grade(d, settings=S) == grade


def test_lec_vectorised_keeps_index_and_missing():
    d = pd.Series([71.0, np.nan, 400.0], index=["a", "b", "c"])
    g = lec_grade(d, settings=S)
    assert g.dtype == "Int64"
    assert list(g.index) == ["a", "b", "c"]
    assert g["a"] == 3 and g["c"] == 1 and pd.isna(g["b"])


def test_lec_negative_is_an_error():
    with pytest.raises(InputError, match="不能为负"):
        lec_grade(-1, settings=S)


def test_lec_thresholds_from_settings():
    import dataclasses

    s = dataclasses.replace(S, risk=dataclasses.replace(S.risk, lec_yellow=50.0))
    assert lec_grade(60, settings=s) == 3
    assert lec_grade(60, settings=S) == 4


@pytest.mark.parametrize(
    "r, grade",
    [(1, 4), (8, 4), (9, 3), (12, 3), (14, 3), (15, 2), (16, 2), (19, 2), (20, 1), (25, 1)],
)
def test_matrix_band_edges(r, grade):
    assert matrix_grade(r, settings=S) == grade


@pytest.mark.parametrize("r", [0, 26, -3, 100])
def test_matrix_out_of_range_is_an_error(r):
    with pytest.raises(InputError, match="1..25"):
        matrix_grade(r, settings=S)


def test_matrix_every_product_of_the_5x5_table():
    ls = np.arange(1, 6)
    r = pd.Series((ls[:, None] * ls[None, :]).ravel())
    g = matrix_grade(r, settings=S)
    expected = np.where(r >= 20, 1, np.where(r >= 15, 2, np.where(r >= 9, 3, 4)))
    assert (g.to_numpy(dtype=int) == expected).all()


def _zones(rows):
    df = pd.DataFrame(rows)
    return gpd.GeoDataFrame(df, geometry=[shapely.Point(119.5, 32.3)] * len(df), crs=4326)


def test_grade_zones_sources():
    z = _zones([
        {"id": "Z1", "enterprise_id": "E1", "risk_grade": 4.0, "lec_l": 10, "lec_e": 6, "lec_c": 40, "matrix_l": 5, "matrix_s": 5},
        {"id": "Z2", "enterprise_id": "E1", "risk_grade": np.nan, "lec_l": 10, "lec_e": 6, "lec_c": 3, "matrix_l": 1, "matrix_s": 1},
        {"id": "Z3", "enterprise_id": "E2", "risk_grade": np.nan, "lec_l": np.nan, "lec_e": 6, "lec_c": 3, "matrix_l": 4, "matrix_s": 4},
        {"id": "Z4", "enterprise_id": "E2", "risk_grade": np.nan, "lec_l": np.nan, "lec_e": np.nan, "lec_c": np.nan,
         "matrix_l": np.nan, "matrix_s": np.nan},
    ]).set_index("id", drop=False)
    g = grade_zones(z, settings=S)
    assert g is not z and "grade" not in z.columns
    assert list(g.index) == ["Z1", "Z2", "Z3", "Z4"]
    assert g["grade"].dtype == "Int64"
    assert g.loc["Z1", "grade"] == 4 and g.loc["Z1", "grade_source"] == "given"  # given beats LEC 2400
    assert g.loc["Z2", "grade"] == 2 and g.loc["Z2", "grade_source"] == "lec"  # D = 180 -> 橙, beats matrix R = 1
    assert g.loc["Z3", "grade"] == 2 and g.loc["Z3", "grade_source"] == "matrix"  # R = 16
    assert pd.isna(g.loc["Z4", "grade"]) and g.loc["Z4", "grade_source"] == "none"


def test_grade_zones_matrix_out_of_range_names_the_zone():
    z = _zones([{"id": "Z9", "enterprise_id": "E1", "matrix_l": 6, "matrix_s": 5}])
    with pytest.raises(InputError, match="Z9"):
        grade_zones(z, settings=S)


def _enterprises(rows):
    df = pd.DataFrame(rows)
    return gpd.GeoDataFrame(df, geometry=[shapely.Point(119.5, 32.3)] * len(df), crs=4326)


def test_grade_enterprises_given_zones_lec_none():
    ent = _enterprises([
        {"id": "E1", "name": "甲", "risk_grade": 4.0, "lec_l": None, "lec_e": None, "lec_c": None},  # given wins over zones (1)
        {"id": "E2", "name": "乙", "risk_grade": np.nan, "lec_l": 10, "lec_e": 10, "lec_c": 40},  # zones (3) win over LEC (1)
        {"id": "E3", "name": "丙", "risk_grade": np.nan, "lec_l": 10, "lec_e": 10, "lec_c": 4},  # LEC 400 -> 1
        {"id": "E4", "name": "丁", "risk_grade": np.nan, "lec_l": None, "lec_e": None, "lec_c": None},  # nothing
        {"id": "E5", "name": "戊", "risk_grade": np.nan, "lec_l": None, "lec_e": None, "lec_c": None},  # only ungraded zones
    ])
    ent.index = [10, 11, 12, 13, 14]
    zones = _zones([
        {"id": "Z1", "enterprise_id": "E1", "risk_grade": 1.0},
        {"id": "Z2", "enterprise_id": "E2", "risk_grade": 4.0},
        {"id": "Z3", "enterprise_id": "E2", "risk_grade": 3.0},
        {"id": "Z4", "enterprise_id": "E2", "risk_grade": np.nan},
        {"id": "Z5", "enterprise_id": "E5", "risk_grade": np.nan},
    ])
    g = grade_enterprises(ent, zones, settings=S)
    assert list(g.index) == [10, 11, 12, 13, 14]
    assert g["grade"].dtype == "Int64"
    assert g["grade"].tolist()[:3] == [4, 3, 1]
    assert g["grade_source"].tolist() == ["given", "zones", "lec", "none", "none"]
    assert g["grade"].isna().sum() == 2  # 未定级 kept, not dropped
    assert len(g) == len(ent)


def test_grade_enterprises_without_zones_uses_lec():
    ent = _enterprises([{"id": "E1", "name": "甲", "risk_grade": np.nan, "lec_l": 3, "lec_e": 6, "lec_c": 7}])
    g = grade_enterprises(ent, None, settings=S)
    assert g["grade"].iloc[0] == 3 and g["grade_source"].iloc[0] == "lec"  # D = 126


@pytest.mark.parametrize("grade, spelling", [(g, s) for g, ss in GRADE_SPELLINGS.items() for s in ss])
def test_every_spelling_through_grading(grade, spelling):
    # text spellings in an unloaded table are read too
    ent = _enterprises([{"id": "E1", "name": "甲", "risk_grade": spelling}])
    assert grade_enterprises(ent, settings=S)["grade"].iloc[0] == grade


def test_demo_grades(demo_project):
    ent = demo_project.read("enterprises")
    zones = demo_project.read("risk_zones")
    gz = grade_zones(zones, settings=demo_project.settings)
    assert gz["grade"].notna().all()  # every demo zone has a grade, L/E/C or L/S
    assert {"given", "lec"} <= set(gz["grade_source"])
    g = grade_enterprises(ent, zones, settings=demo_project.settings)
    assert len(g) == len(ent)
    given = ent["risk_grade"].notna()
    assert (g.loc[given, "grade_source"] == "given").all()
    assert (g.loc[given, "grade"].astype(int) == ent.loc[given, "risk_grade"].astype(int)).all()
    assert g["grade"].isna().sum() == (~given).sum()  # the demo's ungraded have no zones and no LEC


def test_is_major_or_above():
    g = pd.Series([1, 2, 3, 4, pd.NA], dtype="Int64")
    assert is_major_or_above(g).tolist() == [True, True, False, False, False]
    assert is_major_or_above(2) is True and is_major_or_above(3) is False


def test_stale():
    s = pd.Series(["2024-01-01", "2025-06-02", None, "2025-05-31"], index=list("abcd"))
    got = stale(s, months=12, today=date(2026, 6, 1))
    assert got.tolist() == [True, False, False, True]
    assert list(got.index) == list("abcd")


def test_fire_safety_grade():
    rate = pd.Series([0.0, 0.0999, 0.1, 0.2999, 0.3, 1.0, np.nan])
    assert fire_safety_grade(rate, settings=S).tolist() == ["绿", "绿", "黄", "黄", "红", "红", "灰"]
    with pytest.raises(InputError, match="0..1"):
        fire_safety_grade([1.5], settings=S)
