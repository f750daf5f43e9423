"""What ``yitu site`` works on: the demand (what must be reached, by when, how much it weighs) and the
candidate sites with the exclusions of the standards — each excluded candidate kept with its reason.

Demand: the park check's own targets of each park (every enterprise in the park, its red/orange risk
zones, boundary samples every ``rescue.boundary_sample_m``) with the park limit; without ``park``
also the enterprises outside parks and the protected targets (by population) with the urban limit.
Candidates: an office's ``candidates`` layer (points or parcel polygons; optional cost and station
type), or points along the drivable roads every ``grid_m`` metres inside a study area.
"""

from __future__ import annotations

import logging
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from yitu.errors import InputError
from yitu.routing.coverage import station_labels
from yitu.routing.network import RoadNetwork
from yitu.routing.snap import Snapped, points_in_network_crs, snap
from yitu.settings import Settings
from yitu.words import msg, tr
from yitu.words.numbers import fmt

log = logging.getLogger(__name__)

__all__ = ["DEMAND_COLUMNS", "CANDIDATE_COLUMNS", "siting_demands", "grid_candidates", "candidate_table",
           "exclude_candidates"]

DEMAND_COLUMNS = ("demand_id", "kind", "name", "park_id", "weight", "limit_min")
CANDIDATE_COLUMNS = ("candidate_id", "name", "station_type", "cost", "source", "status", "reason", "snap_dist_m")


def _enterprise_weights(enterprises: gpd.GeoDataFrame, risk_zones: gpd.GeoDataFrame | None,
                        settings: Settings) -> pd.Series:
    """Per enterprise id: grade_weight[grade] + major_hazard_weight[重大危险源 level]."""
    from yitu.layers.grading import grade_enterprises

    sg = settings.siting
    if not len(enterprises):
        return pd.Series(dtype="float64")
    g = grade_enterprises(enterprises, risk_zones, settings=settings)["grade"]
    gk = g.astype("Int64").astype(str).where(g.notna(), "none")
    gw = gk.map(lambda k: float(sg.grade_weight.get(k, sg.grade_weight.get("none", 1.0))))
    mh = pd.to_numeric(enterprises.get("major_hazard_level", pd.Series(np.nan, index=enterprises.index)),
                       errors="coerce")
    mw = mh.map(lambda v: float(sg.major_hazard_weight.get(str(int(v)), 0.0)) if pd.notna(v) and v > 0 else 0.0)
    ids, _ = station_labels(enterprises)
    return pd.Series((gw + mw).to_numpy(dtype="float64"), index=ids)


def siting_demands(
    network: RoadNetwork,
    *,
    parks: gpd.GeoDataFrame | None,
    stations: gpd.GeoDataFrame,
    enterprises: gpd.GeoDataFrame,
    risk_zones: gpd.GeoDataFrame | None = None,
    targets: gpd.GeoDataFrame | None = None,
    park: str | None = None,
    limit_min: float | None = None,
    settings: Settings,
) -> gpd.GeoDataFrame:
    """The demand points, network CRS: :data:`DEMAND_COLUMNS` + geometry.

    With ``park`` only that park's targets (as the park check makes them); otherwise every park's
    targets plus the enterprises outside parks and the protected targets (urban limit).
    ``limit_min`` replaces every demand's own limit.
    """
    from yitu.routing.parks import park_check

    sg = settings.siting
    park_lim = float(settings.rescue.park_limit_min)
    urban_lim = float(settings.rescue.urban_limit_min)
    ew = _enterprise_weights(enterprises, risk_zones, settings)
    frames: list[gpd.GeoDataFrame] = []
    in_parks: set[str] = set()
    if parks is not None and len(parks):
        pc = park_check(network, parks, stations, enterprises, risk_zones, limit_min=park_lim, settings=settings,
                        circle=shapely.Polygon())
        t = pc.targets
        kind = t["kind"].to_numpy(dtype=object)
        tid = t["target_id"].astype(str).to_numpy(dtype=object)
        w = np.where(kind == "enterprise", pd.Series(tid).map(ew).fillna(1.0).to_numpy(),
                     np.where(kind == "risk_zone", sg.risk_zone_weight, sg.boundary_weight))
        in_parks = set(tid[kind == "enterprise"])
        frames.append(gpd.GeoDataFrame({
            "demand_id": np.where(kind == "risk_zone", "Z:" + tid.astype(str), tid).astype(object),
            "kind": kind, "name": t["name"].to_numpy(dtype=object), "park_id": t["park_id"].to_numpy(dtype=object),
            "weight": w.astype("float64"), "limit_min": park_lim,
        }, geometry=t.geometry.to_numpy(), crs=network.crs))
    if park is None:
        if len(enterprises):
            ids, names = station_labels(enterprises)
            out = ~np.isin(ids.astype(str), list(in_parks))
            if out.any():
                pts = points_in_network_crs(network, enterprises)[out]
                frames.append(gpd.GeoDataFrame({
                    "demand_id": ids[out], "kind": "enterprise", "name": names[out], "park_id": None,
                    "weight": pd.Series(ids[out]).map(ew).fillna(1.0).to_numpy(), "limit_min": urban_lim,
                }, geometry=pts, crs=network.crs))
        if targets is not None and len(targets):
            ids, names = station_labels(targets)
            pop = pd.to_numeric(targets.get("population", pd.Series(np.nan, index=targets.index)), errors="coerce")
            w = np.maximum(sg.target_min_weight, pop.fillna(0.0).to_numpy() * sg.target_weight_per_person)
            frames.append(gpd.GeoDataFrame({
                "demand_id": "T:" + pd.Series(ids).astype(str).to_numpy(dtype=object), "kind": "target",
                "name": names, "park_id": None, "weight": w, "limit_min": urban_lim,
            }, geometry=points_in_network_crs(network, targets), crs=network.crs))
    if not frames:
        raise InputError(tr("siting.err.no_demand"))
    d = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=network.crs)
    if limit_min is not None:
        d["limit_min"] = float(limit_min)
    return d


def grid_candidates(network: RoadNetwork, area: Any, *, step_m: float, excluded_classes: tuple[str, ...] = ()) -> gpd.GeoDataFrame:
    """Points along the drivable roads inside ``area`` (network CRS), at most one per ``step_m`` × ``step_m``
    cell, so about one every ``step_m`` metres of road. Roads of ``excluded_classes`` are skipped
    (they could never hold a station); every other point is a candidate."""
    if not step_m > 0:
        raise InputError(tr("siting.err.grid", step=step_m))
    e = np.flatnonzero((network.canonical == np.arange(network.n_edges))
                       & ~np.isin(network.road_class.astype(str), list(excluded_classes)))
    geoms = network.geometry[e]
    length = shapely.length(geoms)
    n = np.maximum(np.ceil(length / (step_m / 2.0)).astype("int64"), 1)
    which = np.repeat(np.arange(e.size), n)
    start = np.repeat(np.cumsum(n) - n, n)
    frac = (np.arange(which.size) - start + 0.5) / n[which]
    pts = shapely.line_interpolate_point(geoms[which], frac, normalized=True)
    x, y = shapely.get_x(pts), shapely.get_y(pts)
    inside = shapely.contains_xy(area, x, y)
    pts, x, y = pts[inside], x[inside], y[inside]
    cell = np.floor(x / step_m).astype("int64") * 1_000_003 + np.floor(y / step_m).astype("int64")
    _, first = np.unique(cell, return_index=True)
    first = np.sort(first)
    k = np.arange(1, first.size + 1)
    return gpd.GeoDataFrame({
        "candidate_id": [f"G{j:04d}" for j in k], "name": [tr("siting.grid_name", n=j) for j in k],
        "station_type": None, "cost": np.nan, "source": "grid",
    }, geometry=pts[first], crs=network.crs)


def candidate_table(network: RoadNetwork, candidates: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """An office's candidates layer as candidate rows (network CRS; parcels keep their polygon)."""
    ids, names = station_labels(candidates)
    if "name" not in candidates.columns or candidates["name"].isna().all():
        names = ids
    g = candidates.to_crs(network.crs).geometry.to_numpy()
    return gpd.GeoDataFrame({
        "candidate_id": ids, "name": names,
        "station_type": candidates.get("station_type", pd.Series(None, index=candidates.index)).to_numpy(dtype=object),
        "cost": pd.to_numeric(candidates.get("cost", pd.Series(np.nan, index=candidates.index)),
                              errors="coerce").to_numpy(dtype="float64"),
        "source": "file",
    }, geometry=g, crs=network.crs)


def _hazchem(enterprises: gpd.GeoDataFrame, settings: Settings) -> np.ndarray:
    roles = enterprises.get("hazchem_roles", pd.Series("", index=enterprises.index)).fillna("").astype(str)
    by_role = roles.map(lambda r: any(x.strip() in settings.siting.hazchem_roles for x in r.replace("，", ",").split(",")))
    mh = pd.to_numeric(enterprises.get("major_hazard_level", pd.Series(np.nan, index=enterprises.index)),
                       errors="coerce").fillna(0)
    return (by_role.to_numpy(dtype=bool) | (mh.to_numpy() >= 1))


def _near(cand_g: np.ndarray, other_g: np.ndarray, dist: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(candidate idx, other idx, distance) for the nearest ``other`` within ``dist`` of each candidate."""
    if not other_g.size or not cand_g.size:
        return np.zeros(0, "int64"), np.zeros(0, "int64"), np.zeros(0)
    tree = shapely.STRtree(other_g)
    ci, oi = tree.query(cand_g, predicate="dwithin", distance=dist)
    if not ci.size:
        return ci, oi, np.zeros(0)
    d = shapely.distance(cand_g[ci], other_g[oi])
    order = np.lexsort((d, ci))
    ci, oi, d = ci[order], oi[order], d[order]
    first = np.r_[True, ci[1:] != ci[:-1]]
    return ci[first], oi[first], d[first]


def exclude_candidates(
    network: RoadNetwork,
    cand: gpd.GeoDataFrame,
    *,
    enterprises: gpd.GeoDataFrame,
    risk_zones: gpd.GeoDataFrame | None,
    targets: gpd.GeoDataFrame | None,
    settings: Settings,
) -> tuple[gpd.GeoDataFrame, Snapped]:
    """Apply the standards' exclusions: add ``status`` (available/excluded), ``reason`` (all reasons,
    ；-separated) and ``snap_dist_m``; return the table and the candidates' snapped positions."""
    sg = settings.siting
    g = cand.geometry.to_numpy()
    pt = np.where(shapely.get_type_id(g) == 0, g, shapely.point_on_surface(g))
    snapped = snap(network, pt, max_snap_m=settings.routing.max_snap_m)
    reasons: list[list[str]] = [[] for _ in range(len(cand))]
    lim = settings.routing.max_snap_m
    for i in np.flatnonzero(~snapped.ok):
        reasons[i].append(tr("siting.reason.off_network", dist=fmt(snapped.dist_m[i], "m"), limit=fmt(lim, "m")))
    on = np.flatnonzero(snapped.ok)
    rc = network.road_class[snapped.edge[on]].astype(str)
    for i, c in zip(on[np.isin(rc, list(sg.excluded_road_classes))], rc[np.isin(rc, list(sg.excluded_road_classes))]):
        nm = str(network.name[snapped.edge[i]] or "") or c
        reasons[i].append(tr("siting.reason.road_class", road=nm, cls=c))
    if len(enterprises):
        hz = _hazchem(enterprises, settings)
        eg = points_in_network_crs(network, enterprises) if not (enterprises.geom_type != "Point").any() \
            else enterprises.to_crs(network.crs).geometry.to_numpy()
        eids, enames = station_labels(enterprises)
        hidx = np.flatnonzero(hz)
        ci, oi, d = _near(g, eg[hidx], sg.hazchem_setback_m)
        for a, b, dd in zip(ci, oi, d):
            reasons[a].append(tr("siting.reason.hazchem", ent=f"{eids[hidx[b]]} {enames[hidx[b]]}", dist=fmt(dd, "m"),
                                 limit=fmt(sg.hazchem_setback_m, "m")))
        if sg.prevailing_wind_from_deg >= 0 and hidx.size:
            down = np.deg2rad((sg.prevailing_wind_from_deg + 180.0) % 360.0)  # where the wind blows to
            ci, oi = shapely.STRtree(eg[hidx]).query(pt, predicate="dwithin", distance=sg.downwind_check_m)
            dx = shapely.get_x(pt[ci]) - shapely.get_x(eg[hidx][oi])
            dy = shapely.get_y(pt[ci]) - shapely.get_y(eg[hidx][oi])
            bearing = np.arctan2(dx, dy)  # clockwise from north
            off = np.abs((bearing - down + np.pi) % (2 * np.pi) - np.pi)
            hit = off <= np.deg2rad(sg.downwind_half_angle_deg)
            done: set[int] = set()
            for a, b in zip(ci[hit], oi[hit]):
                if a not in done:
                    done.add(a)
                    reasons[a].append(tr("siting.reason.downwind", ent=f"{eids[hidx[b]]} {enames[hidx[b]]}"))
    if targets is not None and len(targets) and "target_type" in targets.columns:
        crowd = targets["target_type"].astype(str).isin(sg.crowded_target_types).to_numpy()
        tg = targets.to_crs(network.crs).geometry.to_numpy()[crowd]
        tids, tnames = station_labels(targets)
        tids, tnames = tids[crowd], tnames[crowd]
        ci, oi, d = _near(g, tg, sg.crowded_setback_m)
        for a, b, dd in zip(ci, oi, d):
            reasons[a].append(tr("siting.reason.crowded", target=f"{tids[b]} {tnames[b]}", dist=fmt(dd, "m"),
                                 limit=fmt(sg.crowded_setback_m, "m")))
    if sg.exclude_in_risk_zones and risk_zones is not None and len(risk_zones):
        zg = risk_zones.to_crs(network.crs).geometry.to_numpy()
        poly = np.isin(shapely.get_type_id(zg), (3, 6))
        zids, znames = station_labels(risk_zones)
        if poly.any():
            ci, oi = shapely.STRtree(zg[poly]).query(pt, predicate="within")
            done = set()
            for a, b in zip(ci, oi):
                if a not in done:
                    done.add(a)
                    reasons[a].append(tr("siting.reason.risk_zone", zone=f"{zids[poly][b]} {znames[poly][b]}"))
    out = cand.copy()
    out["status"] = np.where([bool(r) for r in reasons], "excluded", "available").astype(object)
    out["reason"] = np.asarray(["；".join(r) for r in reasons], dtype=object)
    out["snap_dist_m"] = np.round(snapped.dist_m, 1)
    n_ex = int((out["status"] == "excluded").sum())
    if n_ex:
        log.info(msg("siting.log.excluded", n=n_ex, total=len(out)))
    return out, snapped
