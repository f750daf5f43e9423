"""Where new 紧急 shelters close the gap: the siting helper's capacitated coverage on the people left out.

Candidates are points along the walkable ways every ``spacing_m`` metres within the 紧急 radius of
the blocks with people left out, minus those that would be flagged near a hazard (listed as
excluded, never silently dropped). Each candidate holds ``capacity`` people (default: the 2,000-person
避难单元 of GB 51143-2015 §4.2.2, a planning reading). The model and its solver are the siting
helper's :func:`yitu.routing.siting_models.capacitated_coverage` (most people placed, then least walking).
"""

from __future__ import annotations

import logging
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from yitu.routing.shelters import ShelterResult, walking_reach
from yitu.routing.snap import points_in_network_crs, snap
from yitu.words import msg, named
from yitu.words.numbers import qty

log = logging.getLogger(__name__)

__all__ = ["propose_shelters"]


def propose_shelters(
    project: Any,
    res: ShelterResult,
    *,
    p_new: int,
    shelter_class: str = "紧急",
    capacity: int = 2000,
    spacing_m: float = 100.0,
    max_candidates: int = 400,
) -> pd.DataFrame:
    """Propose ``p_new`` new shelters of ``shelter_class`` for the people the assignment left out.

    Returns
    -------
    DataFrame
        One row per proposed site: 建议编号, 经度, 纬度, 场所类型, 容量, 安置人数, 服务居民区; empty when
        nobody is left out within reach of the walking network. ``attrs['excluded']`` counts candidates
        excluded near hazards; ``attrs['status']`` the solver status.
    """
    from yitu.routing.build import load_network
    from yitu.routing.shelters_hazards import hazard_flags
    from yitu.routing.siting_models import capacitated_coverage

    settings = project.settings
    s = settings.shelters
    cols = ["建议编号", "经度", "纬度", "场所类型", "容量", "安置人数", "服务居民区"]
    left = res.blocks[(res.blocks["unplaced"] > 0) & (res.blocks["reason"] != "off_network")].reset_index(drop=True)
    if not len(left) or p_new <= 0:
        return pd.DataFrame(columns=cols)
    net = load_network(project, profile="walking")
    v = s.walking_kmh / 3.6
    radius = float(s.service_radius_m[shelter_class])
    pts = points_in_network_crs(net, left)
    sn = snap(net, pts, max_snap_m=settings.routing.max_snap_m)
    # candidate points: along the walkable ways every spacing_m, within the radius (straight line) of a block left
    # out; the walking search below keeps only those really within walking reach
    area = shapely.union_all(shapely.buffer(pts[sn.ok], radius))
    edges = np.flatnonzero(net.canonical == np.arange(net.n_edges))
    hit = edges[shapely.intersects(net.geometry[edges], area)]
    cand_pts = []
    for e in hit:
        g = net.geometry[e]
        cand_pts.append(shapely.line_interpolate_point(g, np.arange(0.0, float(g.length) + 1e-9, spacing_m)))
    cand_pts = np.concatenate(cand_pts) if cand_pts else np.zeros(0, dtype=object)
    cand_pts = cand_pts[shapely.intersects(cand_pts, area)]
    if cand_pts.size > max_candidates:
        cand_pts = cand_pts[np.linspace(0, cand_pts.size - 1, max_candidates).round().astype(int)]
    cand = gpd.GeoDataFrame({"id": [f"C{i + 1:03d}" for i in range(cand_pts.size)], "name": ""},
                            geometry=cand_pts, crs=net.crs).to_crs(4326)
    flags = hazard_flags(cand, project, settings)
    ok = (flags["flags"] == "").to_numpy()
    excluded = int((~ok).sum())
    cand = cand[ok].reset_index(drop=True)
    if not len(cand):
        out = pd.DataFrame(columns=cols)
        out.attrs.update(excluded=excluded, status="no candidates")
        return out
    c_pts = points_in_network_crs(net, cand)
    c_sn = snap(net, c_pts, max_snap_m=settings.routing.max_snap_m)
    r = walking_reach(net, c_sn, sn, radius_m=np.full(len(cand), radius), walking_kmh=s.walking_kmh)
    p = min(int(p_new), len(cand))
    sol = capacitated_coverage(r, demand=left["unplaced"].to_numpy(dtype="float64"),
                               capacity=np.full(len(cand), float(capacity)), p=p, split=True,
                               time_limit_s=s.milp_time_limit_s)
    rows = []
    for k, j in enumerate(sol.chosen, 1):
        served = sol.pair_demand[sol.pair_site == j]
        g = cand.geometry.iloc[j]
        rows.append({"建议编号": f"N{k:02d}", "经度": round(g.x, 6), "纬度": round(g.y, 6), "场所类型": shelter_class,
                     "容量": capacity, "安置人数": int(round(sol.load[j])),
                     "服务居民区": "、".join(str(left.at[i, "name"]) for i in served)})
    out = pd.DataFrame(rows, columns=cols)
    out.attrs.update(excluded=excluded, status=sol.status, placed=sol.placed_total, left=float(left["unplaced"].sum()))
    log.info(msg("shelters.log.proposed", n=len(out), cls=named("maps.enum", shelter_class),
                 placed=qty(int(sol.placed_total), "people"), left=qty(int(left["unplaced"].sum()), "people"),
                 status=sol.status, excluded=excluded))
    return out
