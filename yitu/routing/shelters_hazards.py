"""Shelters near hazards: a place people flee to must not lie where the danger is.

A shelter is flagged (codes joined by ``,`` in ``flags``, reasons in ``flag_note``) when it lies

- ``park``: inside a chemical park or within ``[shelters] park_buffer_m`` of one;
- ``safety_distance``: inside an enterprise's 外部安全防护距离 (``safety_distance_m`` of the
  enterprises layer; else ``[safety_distance] default_m`` when set);
- ``risk_zone``: inside a 红/橙 (重大/较大) risk zone;
- ``hazard``: closer than ``[shelters] hazard_distance_m`` to an enterprise holding a 重大危险源
  (the "重大次生火灾或爆炸危险源" the 通用规范 §4.2.4 text names).

Distances are straight-line, in the project's metric CRS (the rule is a distance, not a route).
"""

from __future__ import annotations

import logging
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from yitu.settings import Settings
from yitu.words import msg

log = logging.getLogger(__name__)

__all__ = ["FLAGS", "hazard_flags"]

FLAGS = ("park", "safety_distance", "risk_zone", "hazard")


def _metric(gdf: gpd.GeoDataFrame | None, crs: Any) -> gpd.GeoDataFrame | None:
    if gdf is None or not len(gdf):
        return None
    g = gdf[~(gdf.geometry.isna() | gdf.geometry.is_empty)]
    return g.to_crs(crs) if len(g) else None


def _pairs_within(points: np.ndarray, geoms: np.ndarray, dist: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(point idx, geom idx, distance) for every pair closer than that geometry's ``dist`` (an STRtree query)."""
    if not len(points) or not len(geoms):
        return np.zeros(0, dtype=int), np.zeros(0, dtype=int), np.zeros(0)
    tree = shapely.STRtree(geoms)
    reach = float(np.nanmax(dist)) if np.isfinite(dist).any() else 0.0
    pi, gi = tree.query(points, predicate="dwithin", distance=max(reach, 0.0))
    d = shapely.distance(points[pi], geoms[gi])
    keep = d <= dist[gi]
    return pi[keep], gi[keep], d[keep]


def hazard_flags(shelters: gpd.GeoDataFrame, project: Any, settings: Settings) -> pd.DataFrame:
    """Flags of each shelter: ``flags`` (codes of :data:`FLAGS`, comma-joined, "" when none) and ``flag_note``.

    Returns
    -------
    DataFrame
        Indexed like ``shelters``.
    """
    crs = project.metric_crs()
    sh = shelters.to_crs(crs)
    pts = np.asarray(sh.geometry.values, dtype=object)
    notes: list[list[str]] = [[] for _ in range(len(sh))]
    codes: list[list[str]] = [[] for _ in range(len(sh))]
    s = settings.shelters

    def add(i: int, code: str, text: str) -> None:
        if code not in codes[i]:
            codes[i].append(code)
        notes[i].append(text)

    parks = _metric(project.read_optional("parks"), crs)
    if parks is not None:
        g = np.asarray(parks.geometry.values, dtype=object)
        pi, gi, d = _pairs_within(pts, g, np.full(len(g), float(s.park_buffer_m)))
        for a, b, dd in zip(pi, gi, d):
            where = "位于化工园区内" if dd <= 0 else f"距化工园区 {dd:.0f} 米（< {s.park_buffer_m:g} 米）"
            add(int(a), "park", f"{where}：{parks['name'].iloc[b]}")
    ent = _metric(project.read_optional("enterprises"), crs)
    if ent is not None:
        g = np.asarray(ent.geometry.values, dtype=object)
        sd = pd.to_numeric(ent.get("safety_distance_m"), errors="coerce").to_numpy(dtype="float64") \
            if "safety_distance_m" in ent else np.full(len(ent), np.nan)
        default = float(settings.safety_distance.default_m or 0.0)
        sd = np.where(np.isnan(sd), default if default > 0 else np.nan, sd)
        sd_use = np.where(np.isnan(sd), -1.0, sd)
        pi, gi, d = _pairs_within(pts, g, sd_use)
        for a, b, dd in zip(pi, gi, d):
            add(int(a), "safety_distance",
                f"在企业外部安全防护距离内：{ent['name'].iloc[b]}（{dd:.0f} 米 < {sd[b]:.0f} 米）")
        mh = pd.to_numeric(ent.get("major_hazard_level"), errors="coerce").fillna(0) if "major_hazard_level" in ent \
            else pd.Series(0, index=ent.index)
        haz = (mh > 0).to_numpy()
        pi, gi, d = _pairs_within(pts, g, np.where(haz, float(s.hazard_distance_m), -1.0))
        for a, b, dd in zip(pi, gi, d):
            add(int(a), "hazard", f"距重大危险源企业 {ent['name'].iloc[b]} {dd:.0f} 米（< {s.hazard_distance_m:g} 米）")
    zones = project.read_optional("risk_zones")
    if zones is not None and len(zones):
        from yitu.layers.grading import grade_zones

        graded = grade_zones(zones, settings=settings)
        red = graded[pd.to_numeric(graded["grade"], errors="coerce").isin([1, 2])]
        red = _metric(red, crs)
        if red is not None:
            g = np.asarray(red.geometry.values, dtype=object)
            pi, gi, _ = _pairs_within(pts, g, np.zeros(len(g)))
            for a, b in zip(pi, gi):
                add(int(a), "risk_zone", f"位于红/橙风险分区内：{red['name'].iloc[b]}")
    out = pd.DataFrame({"flags": [",".join(c) for c in codes], "flag_note": ["；".join(n) for n in notes]},
                       index=shelters.index)
    n = int((out["flags"] != "").sum())
    if n:
        log.warning(msg("shelters.log.near_hazard", n=n))
    return out
