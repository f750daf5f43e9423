"""Risk grading (一图): grades given on input or computed from LEC / the 5×5 risk matrix.

Grades are integers 1..4 (1 红 重大风险, 2 橙 较大风险, 3 黄 一般风险, 4 蓝 低风险), held in a
pandas ``Int64`` column; ``<NA>`` means 未定级 (ungraded) and is kept, never dropped.

Band edges (DEFAULTS.md, thresholds in ``[risk]`` of the settings)
-------------------------------------------------------------------
LEC, D = L × E × C, a grade applies when D is *strictly greater* than its threshold, checked
from red down: D > 320 红; 160 < D ≤ 320 橙; 70 < D ≤ 160 黄; D ≤ 70 蓝. So D = 320 is 橙,
D = 160 is 黄 and D = 70 is 蓝 (the "≤ 70 蓝" of the usual LEC table).

Risk matrix, R = L × S (each 1..5), a grade applies when R is *at least* its threshold:
R ≥ 20 红 (20–25); 15 ≤ R < 20 橙 (15–16); 9 ≤ R < 15 黄 (9–12); 1 ≤ R < 9 蓝 (1–8).
R outside 1..25 is an input error.

Where a grade comes from (``grade_source``)
------------------------------------------
Risk zones: ``given`` (风险等级 on input) > ``lec`` (L, E and C all given) > ``matrix``
(可能性 and 严重性 given) > ``none``.
Enterprises: ``given`` > ``zones`` (the highest grade, i.e. the smallest number, among the
enterprise's graded zones) > ``lec`` > ``matrix`` (only when the table has matrix columns) > ``none``.

The fire-safety-place scheme (消防 "一库一图") is separate: 红 / 黄 / 绿 by hazard rate (隐患率),
灰 where there is no data.
"""

from __future__ import annotations

import logging
from datetime import date

import numpy as np
import pandas as pd

from yitu.errors import InputError
from yitu.layers.validate import stale_mask
from yitu.settings import Settings
from yitu.words import tr

log = logging.getLogger(__name__)

__all__ = [
    "GRADE_SOURCES",
    "FIRE_LABELS",
    "lec_grade",
    "matrix_grade",
    "grade_zones",
    "grade_enterprises",
    "is_major_or_above",
    "stale",
    "fire_safety_grade",
]

GRADE_SOURCES = ("given", "zones", "lec", "matrix", "none")
# 消防一库一图 colours: label -> hex
FIRE_LABELS: dict[str, str] = {"红": "#E60012", "黄": "#FFE600", "绿": "#00A651", "灰": "#9E9E9E"}


def _numeric(values: object, index: pd.Index | None = None) -> pd.Series:
    """Any scalar / array / Series as a float Series (non-numbers -> NaN)."""
    if isinstance(values, pd.Series):
        return pd.to_numeric(values.astype(object).where(values.notna(), np.nan), errors="coerce").astype("float64")
    arr = np.atleast_1d(np.asarray(values, dtype=object))
    s = pd.Series(arr, index=index)
    return pd.to_numeric(s.where(s.notna(), np.nan), errors="coerce").astype("float64")


def _unwrap(result: pd.Series, original: object) -> pd.Series | object:
    """Return a scalar for scalar input, else the Series."""
    if isinstance(original, pd.Series) or np.ndim(original) > 0:  # type: ignore[arg-type]
        return result
    v = result.iloc[0]
    return None if pd.isna(v) else v


def lec_grade(D: object, *, settings: Settings) -> pd.Series | int | None:
    """Grade from the LEC score D = L × E × C.

    Parameters
    ----------
    D
        A number, an array or a Series of scores (missing -> ``<NA>``).
    settings
        ``settings.risk.lec_red / lec_orange / lec_yellow``: a grade applies when D is strictly
        greater than its threshold (D > 320 红, 160 < D ≤ 320 橙, 70 < D ≤ 160 黄, D ≤ 70 蓝).

    Returns
    -------
    Series of Int64 (same index for a Series), or an int / None for a scalar.

    Raises
    ------
    InputError
        When a score is negative.
    """
    d = _numeric(D)
    if (d < 0).any():
        bad = d[d < 0]
        raise InputError(tr("grading.err.lec_negative", d=f"{bad.iloc[0]:g}", row=bad.index[0]))
    r = settings.risk
    g = np.select([d > r.lec_red, d > r.lec_orange, d > r.lec_yellow], [1, 2, 3], default=4)
    out = pd.Series(g, index=d.index).astype("Int64").where(d.notna(), pd.NA)
    return _unwrap(out, D)


def matrix_grade(R: object, *, settings: Settings) -> pd.Series | int | None:
    """Grade from the risk-matrix value R = L × S (5 × 5).

    A grade applies when R is at least its threshold (``settings.risk.matrix_red / _orange /
    _yellow``; defaults 20–25 红, 15–16 橙, 9–12 黄, 1–8 蓝).

    Raises
    ------
    InputError
        When R is outside 1..25 (L and S are each 1..5).
    """
    rv = _numeric(R)
    bad = rv.notna() & ((rv < 1) | (rv > 25))
    if bad.any():
        raise InputError(tr("grading.err.matrix_range", r=f"{rv[bad].iloc[0]:g}", row=rv[bad].index[0]))
    r = settings.risk
    g = np.select([rv >= r.matrix_red, rv >= r.matrix_orange, rv >= r.matrix_yellow], [1, 2, 3], default=4)
    out = pd.Series(g, index=rv.index).astype("Int64").where(rv.notna(), pd.NA)
    return _unwrap(out, R)


def _col(df: pd.DataFrame, name: str) -> pd.Series:
    if name in df.columns:
        return _numeric(df[name])
    return pd.Series(np.nan, index=df.index, dtype="float64")


def _given(df: pd.DataFrame) -> pd.Series:
    """The input grade (``risk_grade``) as Int64; any spelling is accepted (already parsed by the loader)."""
    if "risk_grade" not in df.columns:
        return pd.Series(pd.NA, index=df.index, dtype="Int64")
    col = df["risk_grade"]
    num = _numeric(col)
    if num.isna().sum() > col.isna().sum():  # text spellings that were not parsed yet
        from yitu.layers.normalize import parse_grade

        num = col.map(parse_grade, na_action="ignore").astype("float64")
    num = num.where(num.isin([1, 2, 3, 4]))
    return num.astype("Int64")


def _lec(df: pd.DataFrame, settings: Settings, layer: str) -> pd.Series:
    d = _col(df, "lec_l") * _col(df, "lec_e") * _col(df, "lec_c")
    try:
        return lec_grade(d, settings=settings)  # type: ignore[return-value]
    except InputError as exc:
        raise InputError(tr("grading.err.lec_layer", layer=layer, exc=exc)) from None


def _matrix(df: pd.DataFrame, settings: Settings, layer: str) -> pd.Series:
    rv = _col(df, "matrix_l") * _col(df, "matrix_s")
    ids = df["id"] if "id" in df.columns else pd.Series(df.index, index=df.index)
    bad = rv.notna() & ((rv < 1) | (rv > 25))
    if bad.any():
        i = bad[bad].index[0]
        raise InputError(tr("grading.err.matrix_row", layer=layer, id=ids[i], r=f"{rv[i]:g}"))
    return matrix_grade(rv, settings=settings)  # type: ignore[return-value]


def _combine(steps: list[tuple[str, pd.Series]], index: pd.Index) -> tuple[pd.Series, pd.Series]:
    grade = pd.Series(pd.NA, index=index, dtype="Int64")
    source = pd.Series("none", index=index, dtype=object)
    for name, g in steps:
        take = grade.isna() & g.notna()
        grade = grade.mask(take, g)
        source = source.mask(take, name)
    return grade.astype("Int64"), source


def grade_zones(risk_zones: pd.DataFrame, *, settings: Settings) -> pd.DataFrame:
    """Grade the risk zones (企业内部风险分区 / 风险点).

    Parameters
    ----------
    risk_zones
        The ``risk_zones`` layer (risk_grade, lec_l/lec_e/lec_c, matrix_l/matrix_s).
    settings
        Project settings (``[risk]`` bands).

    Returns
    -------
    GeoDataFrame
        A copy, index kept, with ``grade`` (Int64 1..4, ``<NA>`` = 未定级) and ``grade_source``
        (``given`` | ``lec`` | ``matrix`` | ``none``).
    """
    out = risk_zones.copy()
    steps = [
        ("given", _given(out)),
        ("lec", _lec(out, settings, "risk_zones")),
        ("matrix", _matrix(out, settings, "risk_zones")),
    ]
    out["grade"], out["grade_source"] = _combine(steps, out.index)
    log.debug("graded %d zones: %s", len(out), out["grade_source"].value_counts().to_dict())
    return out


def grade_enterprises(
    enterprises: pd.DataFrame, risk_zones: pd.DataFrame | None = None, *, settings: Settings
) -> pd.DataFrame:
    """Grade the enterprises: given grade, else the highest grade of their zones, else LEC.

    Parameters
    ----------
    enterprises
        The ``enterprises`` layer.
    risk_zones
        The ``risk_zones`` layer (graded with :func:`grade_zones` when it has no ``grade``
        column yet), or ``None``.
    settings
        Project settings.

    Returns
    -------
    GeoDataFrame
        A copy, index kept, with ``grade`` (Int64, ``<NA>`` = 未定级) and ``grade_source``
        (``given`` | ``zones`` | ``lec`` | ``matrix`` | ``none``).
    """
    out = enterprises.copy()
    from_zones = pd.Series(pd.NA, index=out.index, dtype="Int64")
    if risk_zones is not None and len(risk_zones) and "id" in out.columns:
        zones = risk_zones if "grade" in risk_zones.columns else grade_zones(risk_zones, settings=settings)
        g = zones["grade"].astype("Int64")
        best = (
            pd.DataFrame({"eid": zones["enterprise_id"].astype(str).to_numpy(), "g": g.to_numpy()})
            .dropna(subset=["g"])
            .groupby("eid")["g"]
            .min()
        )
        from_zones = out["id"].astype(str).map(best).astype("Int64")
        from_zones.index = out.index
    steps = [
        ("given", _given(out)),
        ("zones", from_zones),
        ("lec", _lec(out, settings, "enterprises")),
    ]
    if "matrix_l" in out.columns and "matrix_s" in out.columns:
        steps.append(("matrix", _matrix(out, settings, "enterprises")))
    out["grade"], out["grade_source"] = _combine(steps, out.index)
    n_none = int(out["grade"].isna().sum())
    if n_none:
        log.debug("%d of %d enterprises have no grade (未定级): no 风险等级, no graded zone, no L/E/C", n_none, len(out))
    return out


def is_major_or_above(grade: object) -> pd.Series | bool:
    """True for 较大以上 (grades 1 红 and 2 橙); False for 3, 4 and 未定级."""
    g = _numeric(grade)
    out = (g.notna() & (g <= 2)).astype(bool)
    if isinstance(grade, pd.Series) or np.ndim(grade) > 0:  # type: ignore[arg-type]
        return out
    return bool(out.iloc[0])


def stale(updated_at: pd.Series, *, months: int, today: date | None = None) -> pd.Series:
    """True where ``updated_at`` is older than ``months`` before ``today`` (年度更新制度).

    A missing date is not stale (it cannot be dated); lists show it as an empty 更新日期.
    """
    s = updated_at if isinstance(updated_at, pd.Series) else pd.Series(updated_at)
    return stale_mask(s.astype(object).where(s.notna(), None), months=months, today=today).astype(bool)


def fire_safety_grade(hazard_rate: object, *, settings: Settings) -> pd.Series:
    """The fire-safety-place scheme (消防 "一库一图"): 红 / 黄 / 绿 by hazard rate, 灰 = no data.

    Parameters
    ----------
    hazard_rate
        隐患率 in 0..1 (e.g. hazards found / items checked); missing = no data.
    settings
        ``settings.risk.fire_red_rate`` and ``fire_yellow_rate``: 红 when rate ≥ the red
        threshold, 黄 when rate ≥ the yellow threshold, else 绿.

    Returns
    -------
    Series of str: "红", "黄", "绿" or "灰".

    Raises
    ------
    InputError
        When a rate is outside 0..1.
    """
    rate = _numeric(hazard_rate)
    bad = rate.notna() & ((rate < 0) | (rate > 1))
    if bad.any():
        raise InputError(tr("grading.err.rate", rate=f"{rate[bad].iloc[0]:g}", row=rate[bad].index[0]))
    r = settings.risk
    lab = np.select([rate >= r.fire_red_rate, rate >= r.fire_yellow_rate], ["红", "黄"], default="绿")
    out = pd.Series(lab, index=rate.index, dtype=object)
    out[rate.isna()] = "灰"
    return out
