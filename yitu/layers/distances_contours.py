"""Contours made ready for the distance check: owner, status, and what cannot be used (listed).

Each contour belongs to an installation (``installation_id``) or an enterprise (``enterprise_id``).
A contour is not used, and is listed with the reason, when its owner is not in the project or when
it lies farther than ``contour_max_offset_m`` from its owner (another CRS or county). Levels out of
order (an inner contour of lower or equal risk), duplicate levels and contour sets that stop above a
criterion are listed too; those contours are still used (each still bounds the risk from below).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from yitu.layers.distances_classes import CLASSES
from yitu.settings import SafetyDistanceSettings
from yitu.words import tr

__all__ = ["PreparedContours", "prepare_contours"]


@dataclass
class PreparedContours:
    used: gpd.GeoDataFrame  # with _inst, _ent, _status columns
    unknowns: list[pd.DataFrame] = field(default_factory=list)


def _key(v: Any) -> str | None:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    s = str(v).strip()
    return s or None


def _fmt(v: float) -> str:
    return f"{float(f'{v:.2g}'):.1e}".replace("e-0", "e-")


def prepare_contours(
    contours: gpd.GeoDataFrame,
    installations: gpd.GeoDataFrame,
    enterprises: gpd.GeoDataFrame | None,
    *,
    settings: SafetyDistanceSettings,
    thr_new: np.ndarray,
    thr_existing: np.ndarray,
    ent_names: dict[Any, Any],
    lang: str | None = None,
) -> PreparedContours:
    """Resolve owners and statuses of ``contours`` (all layers in one metric CRS) and list problems."""
    from yitu.layers.distances import STATUS_CODES, _rows

    n = len(contours)
    cid = contours.get("id", pd.Series([f"#{i + 1}" for i in range(n)])).map(_key).to_numpy(object)
    c_inst = contours.get("installation_id", pd.Series([None] * n)).map(_key).to_numpy(object)
    c_ent = contours.get("enterprise_id", pd.Series([None] * n)).map(_key).to_numpy(object)
    level = pd.to_numeric(contours["level"], errors="coerce").to_numpy(float)
    geom = contours.geometry.values
    it_ids = installations.get("id", pd.Series(dtype=object)).map(_key)
    it_ent = installations.get("enterprise_id", pd.Series(dtype=object)).map(_key)
    it_stat = installations.get("status", pd.Series(dtype=object)).map(
        lambda v: STATUS_CODES.get(str(v), -1) if v is not None else -1)
    pos = {k: i for i, k in enumerate(it_ids) if k is not None}
    # owner geometry and enterprise of each contour
    ipos = np.array([pos.get(k, -1) if k is not None else -1 for k in c_inst])
    ent_of_inst = it_ent.to_numpy(object)
    c_ent = np.where(ipos >= 0, np.where(pd.isna(c_ent), ent_of_inst[np.clip(ipos, 0, None)] if len(ent_of_inst) else None,
                                         c_ent), c_ent)
    owner = np.full(n, None, dtype=object)
    if len(installations):
        owner[ipos >= 0] = installations.geometry.values[ipos[ipos >= 0]]
    ent_geom: dict[Any, Any] = {}
    if enterprises is not None and len(enterprises):
        ent_geom = dict(zip(enterprises.get("id", pd.Series(dtype=object)).map(_key), enterprises.geometry.values))
    # an enterprise-level contour: the enterprise's point, else the union of its installations
    ent_level = np.flatnonzero((ipos < 0) & pd.isna(c_inst))
    if len(ent_level):
        want = {c_ent[i] for i in ent_level} - set(ent_geom)
        sel = it_ent.isin(want).to_numpy()
        by_ent = installations.loc[sel].groupby(it_ent.to_numpy(object)[sel]).geometry.apply(
            lambda g: shapely.union_all(g.values)) if sel.any() else pd.Series(dtype=object)
        for i in ent_level:
            e = c_ent[i]
            owner[i] = ent_geom.get(e, by_ent.get(e)) if e is not None else None
    # status: the contour's own, else the installation's, else the enterprise's installations when all agree
    st = contours.get("status", pd.Series([None] * n)).map(lambda v: STATUS_CODES.get(str(v), -1) if v is not None else -1)
    st = st.to_numpy(np.int64)
    inst_st = np.where(ipos >= 0, it_stat.to_numpy(np.int64)[np.clip(ipos, 0, None)] if len(it_stat) else -1, -1)
    st = np.where(st >= 0, st, inst_st)
    if len(installations):
        g = pd.Series(it_stat.to_numpy(np.int64), index=it_ent.to_numpy()).groupby(level=0)
        lo, hi = g.min(), g.max()
        ent_st = lo.where(lo == hi, -1)  # the enterprise's installations all new, all existing, or mixed (-1)
    else:
        ent_st = pd.Series(dtype=int)
    fill = pd.Series(c_ent, dtype=object).map(ent_st).fillna(-1).to_numpy(np.int64)
    st = np.where((st < 0) & (ipos < 0), fill, st)

    unknowns: list[pd.DataFrame] = []

    def listed(mask: np.ndarray, reasons: list[str]) -> None:
        idx = np.flatnonzero(mask)
        if len(idx):
            unknowns.append(_rows(len(idx), status="unknown", method="contour", enterprise_id=c_ent[idx],
                                  enterprise_name=[ent_names.get(e) for e in c_ent[idx]], installation_id=c_inst[idx],
                                  actual=level[idx], quantity="risk", reason=reasons)
                            .assign(geometry=shapely.boundary(geom[idx])))

    orphan = pd.isna(owner)
    listed(orphan, [tr("dist.unknown.contour_orphan", lang=lang, cid=c,
                       what=(i or e or "—")) for c, i, e in zip(cid[orphan], c_inst[orphan], c_ent[orphan])])
    dist = np.full(n, np.nan)
    ok = ~orphan
    if ok.any():
        dist[ok] = shapely.distance(owner[ok].astype(object), geom[ok])
    far = ok & (dist > settings.contour_max_offset_m)
    listed(far, [tr("dist.unknown.contour_far", lang=lang, cid=c, d=f"{d:.0f}") for c, d in zip(cid[far], dist[far])])
    keep = ~orphan & ~far
    okey = np.array([f"{i}|{e}" for i, e in zip(c_inst, c_ent)], dtype=object)

    # order and duplicates within one owner: a contour inside another must be of higher risk
    k_idx = np.flatnonzero(keep)
    if len(k_idx) > 1:
        a, b = shapely.STRtree(geom[k_idx]).query(geom[k_idx], predicate="within")
        a, b = k_idx[a], k_idx[b]
        same = (a != b) & (okey[a] == okey[b])
        dup = same & np.isclose(level[a], level[b], rtol=1e-6) & (a < b)
        bad = same & (level[a] < level[b] * (1 - 1e-6))
        for x, y in zip(a[bad], b[bad]):
            listed(np.arange(n) == x, [tr("dist.unknown.contour_order", lang=lang, inner=cid[x], li=_fmt(level[x]),
                                          outer=cid[y], lo=_fmt(level[y]))])
        for x, y in zip(a[dup], b[dup]):
            listed(np.arange(n) == x, [tr("dist.unknown.contour_dup", lang=lang, a=cid[x], b=cid[y], level=_fmt(level[x]))])
        # identical rings within each other both ways: count each duplicate pair once
    # a contour set that stops above a class's criterion cannot clear targets outside it
    df = pd.DataFrame({"owner": okey, "level": level, "st": st, "i": np.arange(n)})[keep]
    if len(df):
        agg = df.groupby("owner").agg(low=("level", "min"), smin=("st", "min"), smax=("st", "max"), first=("i", "min"))
        status = np.where(agg["smin"] == agg["smax"], agg["smin"], -1)
        thr = np.where((status == 0)[:, None], np.asarray(thr_existing)[None, :], np.asarray(thr_new)[None, :])
        short = thr < agg["low"].to_numpy()[:, None] * (1 - 1e-6)  # owners x classes whose criterion lies below
        for k in np.flatnonzero(short.any(axis=1)):
            cls = [c for c, bad in zip(CLASSES, short[k]) if bad]
            listed(np.arange(n) == agg["first"].iloc[k], [tr(
                "dist.unknown.contours_stop", lang=lang, level=_fmt(float(agg["low"].iloc[k])), classes="、".join(cls),
                thr=_fmt(float(thr[k][short[k]].min())))])
    used = contours.loc[keep].copy()
    used["_inst"] = c_inst[keep]
    used["_ent"] = c_ent[keep]
    used["_status"] = st[keep]
    return PreparedContours(used, unknowns)
