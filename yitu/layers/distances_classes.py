"""GB 36894-2018 protection classes of protected targets: given, or derived from type and size.

Classes (§3.1): 高敏感, 重要, 一般; 一般 split into 一类/二类/三类 by size (附录A). The thresholds are
``[safety_distance]`` settings, each with its clause and whether it was verified (defaults.toml).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from yitu.settings import SafetyDistanceSettings
from yitu.words import tr

__all__ = ["CLASSES", "CLASS_CODES", "derive_classes"]

#: The five classes the criteria are given for, strictest first; code = position.
CLASSES: tuple[str, ...] = ("高敏感", "重要", "一般一类", "一般二类", "一般三类")
CLASS_CODES: dict[str, int] = {c: i for i, c in enumerate(CLASSES)}

# type -> class by GB 36894 §3.1.2 (高敏感) and §3.1.3 (重要); the other types are 一般 and split by size
_SENSITIVE = {"学校": "高敏感", "幼儿园": "高敏感", "医院": "高敏感", "养老机构": "高敏感",
              "军事设施": "重要", "文物保护单位": "重要"}
_RESIDENTIAL = {"居住区", "村庄"}


def _num(df: pd.DataFrame, col: str) -> np.ndarray:
    if col not in df.columns:
        return np.full(len(df), np.nan)
    return pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float)


def _g(v: float) -> str:
    return f"{v:g}"


def derive_classes(
    targets: pd.DataFrame, settings: SafetyDistanceSettings, *, lang: str | None = None
) -> pd.DataFrame:
    """The GB 36894 class of every target, with the basis stated.

    Parameters
    ----------
    targets
        Rows of the ``targets`` layer (``target_type``, ``protection_class``, ``population``,
        ``households``, ``floor_area_m2``; missing columns count as missing values).
    settings
        The ``[safety_distance]`` settings (size thresholds of 附录A).
    lang
        Language of the basis text.

    Returns
    -------
    DataFrame
        Index of ``targets``; ``gb_class`` (one of :data:`CLASSES` or ``None`` when it cannot be
        derived), ``class_code`` (0..4, -1 unknown) and ``class_basis`` (why, or what is missing).
    """
    n = len(targets)
    given = targets.get("protection_class", pd.Series(None, index=targets.index)).astype(object)
    ttype = targets.get("target_type", pd.Series(None, index=targets.index)).astype(object)
    people = _num(targets, "population")
    hh = _num(targets, "households")
    area = _num(targets, "floor_area_m2")
    s = settings
    out_cls: list[str | None] = [None] * n
    basis: list[str] = [""] * n
    for i, (g, t) in enumerate(zip(given.tolist(), ttype.tolist())):
        g = None if g is None or (isinstance(g, float) and np.isnan(g)) or str(g).strip() == "" else str(g)
        t = None if t is None or (isinstance(t, float) and np.isnan(t)) else str(t)
        if g in CLASSES and t in _SENSITIVE and _SENSITIVE[t] == g:  # as its type says (the loader fills it so)
            out_cls[i] = g
            basis[i] = tr("dist.basis.by_type", lang=lang, type=t, cls=g)
            continue
        if g in CLASSES:
            out_cls[i] = g
            basis[i] = tr("dist.basis.given", lang=lang, cls=g)
            continue
        if g is None and t in _SENSITIVE:
            out_cls[i] = _SENSITIVE[t]
            basis[i] = tr("dist.basis.by_type", lang=lang, type=t, cls=out_cls[i])
            continue
        if g is None and t is None:
            basis[i] = tr("dist.basis.no_class", lang=lang, type="—")
            continue
        if g is not None and g != "一般":
            basis[i] = tr("dist.basis.no_class", lang=lang, type=t or "—")
            continue
        # 一般 (given, or by type): split by size
        if t in _RESIDENTIAL:
            h, p = hh[i], people[i]
            if h >= s.residential_class1_households or p >= s.residential_class1_people:
                c = "一般一类"
                what = (tr("dist.basis.households", lang=lang, v=_g(h)) if h >= s.residential_class1_households
                        else tr("dist.basis.people", lang=lang, v=_g(p)))
            elif h >= s.residential_class2_households or p >= s.residential_class2_people:
                c = "一般二类"
                what = (tr("dist.basis.households", lang=lang, v=_g(h)) if h >= s.residential_class2_households
                        else tr("dist.basis.people", lang=lang, v=_g(p)))
            elif not (np.isnan(h) and np.isnan(p)):
                c = "一般三类"
                what = "、".join(x for x in (
                    tr("dist.basis.households", lang=lang, v=_g(h)) if not np.isnan(h) else "",
                    tr("dist.basis.people", lang=lang, v=_g(p)) if not np.isnan(p) else "") if x)
            else:
                basis[i] = tr("dist.basis.no_size", lang=lang, type=t)
                continue
            out_cls[i] = c
            basis[i] = tr("dist.basis.residential", lang=lang, what=what, cls=c)
            continue
        a, p = area[i], people[i]
        if not np.isnan(a):
            c = ("一般一类" if a >= s.public_class1_area_m2 else "一般二类" if a >= s.public_class2_area_m2 else "一般三类")
            what = tr("dist.basis.area", lang=lang, v=_g(a))
        elif not np.isnan(p):
            c = ("一般一类" if p >= s.public_class1_people else "一般二类" if p >= s.public_class2_people else "一般三类")
            what = tr("dist.basis.people", lang=lang, v=_g(p))
        else:
            basis[i] = tr("dist.basis.no_size", lang=lang, type=t or "—")
            continue
        out_cls[i] = c
        basis[i] = tr("dist.basis.public", lang=lang, what=what, cls=c)
    codes = np.array([CLASS_CODES.get(c, -1) if c else -1 for c in out_cls], dtype=np.int8)
    return pd.DataFrame({"gb_class": pd.Series(out_cls, index=targets.index, dtype=object),
                         "class_code": codes, "class_basis": basis}, index=targets.index)
