"""``yitu shelters`` on a project: walking network, capacities, flags, assignment, routes, shortfall, results.

Every resident is either placed or listed as unplaced, and the counts add up exactly:
``people = placed + unplaced`` per block, per village and in all; rows whose population is
unknown are listed apart and counted as unknown, never as 0 people.
"""

from __future__ import annotations

import logging
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from yitu.errors import ProjectError
from yitu.routing.shelters import (
    ShelterResult,
    has_footways,
    residents,
    shelter_capacity,
    walking_reach,
)
from yitu.routing.shelters_hazards import hazard_flags
from yitu.routing.shelters_solve import assign
from yitu.routing.snap import points_in_network_crs, snap
from yitu.words import msg, tr
from yitu.words.numbers import qty

log = logging.getLogger(__name__)

__all__ = ["run_shelters", "RESULT_ASSIGNMENT", "RESULT_LOAD", "store_results"]

RESULT_ASSIGNMENT = "result_shelter_assignment"
RESULT_LOAD = "result_shelter_load"
RESULT_PROPOSALS = "result_shelter_proposals"


def _share_rule(blocks: pd.DataFrame, sh: pd.DataFrame, settings: Any) -> pd.DataFrame:
    """Capacity of each class group against the plan's rule (share × the people to place)."""
    s = settings.shelters
    people = float(blocks["population"].sum())
    usable = sh["flags"] == ""
    rows = []
    for group, share in s.required_share.items():
        members = list(s.share_classes.get(group, [group]))
        m = sh["shelter_class"].isin(members)
        have = float(sh.loc[m & usable, "capacity"].sum())
        need = float(np.ceil(share * people))
        rows.append({"class": group, "classes": "、".join(members), "share": share, "people": people, "required": need,
                     "capacity": have, "capacity_flagged": float(sh.loc[m & ~usable, "capacity"].sum()),
                     "shortfall": max(need - have, 0.0), "status": "met" if have >= need else "not_met"})
    return pd.DataFrame(rows)


def run_shelters(
    project: Any,
    *,
    split: bool | None = None,
    solver: str | None = None,
    targets: bool = True,
    use_flagged: bool = False,
    routes: bool = True,
) -> ShelterResult:
    """Assign the project's residents to its shelters on the walking network.

    Parameters
    ----------
    project
        An open :class:`~yitu.layers.project.Project` with ``shelters`` and ``residential_areas``
        (and/or ``targets`` with population) and a road network (``yitu network build``).
    split
        Whether a block's people may go to several shelters (default ``[shelters] allow_split``).
    solver
        ``flow`` or ``lp`` (default ``[shelters] solver``).
    targets
        Also place the protected targets of ``[shelters] resident_target_types``.
    use_flagged
        Also send people to shelters flagged near a hazard (by default they are left out).
    routes
        Trace each pair's walking route on the network (else a straight line, said in ``route_kind``).

    Raises
    ------
    ProjectError
        No shelters layer, no residents, no road network.
    InputError
        A shelter class not in the settings.
    """
    from yitu.routing.build import load_network

    settings = project.settings
    s = settings.shelters
    split = s.allow_split if split is None else bool(split)
    solver = solver or s.solver
    notes: list[str] = []
    sh = project.read_optional("shelters")
    if sh is None or not len(sh):
        raise ProjectError(tr("shelters.err.no_shelters", path=project.path))
    sh = sh.reset_index(drop=True)
    people, unknown = residents(project, settings, targets=targets)
    if not len(people) and not len(unknown):
        raise ProjectError(tr("shelters.err.no_residents", path=project.path))
    cap = shelter_capacity(sh, settings)
    sh = sh.rename(columns={"capacity": "capacity_given"}).join(cap)
    for _, r in sh[sh["capacity_source"] == "none"].iterrows():
        notes.append(tr("shelters.note.no_capacity", id=r["id"], name=r["name"]))
    sh = sh.join(hazard_flags(sh, project, settings))
    net = load_network(project, profile="walking")
    if not has_footways(net):
        notes.append(tr("shelters.note.no_footways"))
    max_snap = settings.routing.max_snap_m
    s_pts = points_in_network_crs(net, sh)
    sn_s = snap(net, s_pts, max_snap_m=max_snap)
    known = people[people["population"].notna()].reset_index(drop=True)
    p_pts = points_in_network_crs(net, known) if len(known) else np.zeros(0, dtype=object)
    sn_p = snap(net, p_pts, max_snap_m=max_snap)
    off = [{"layer": "shelters", "id": sh.at[i, "id"], "name": sh.at[i, "name"], "dist_m": sn_s.dist_m[i]}
           for i in np.flatnonzero(~sn_s.ok)]
    off += [{"layer": known.at[i, "layer"], "id": known.at[i, "id"], "name": known.at[i, "name"],
             "dist_m": sn_p.dist_m[i]} for i in np.flatnonzero(~sn_p.ok)]
    off_network = pd.DataFrame(off, columns=["layer", "id", "name", "dist_m"])
    usable = sn_s.ok & ((sh["flags"] == "") | use_flagged).to_numpy()
    if not use_flagged and (sh["flags"] != "").any():
        notes.append(tr("shelters.note.flagged_unused", n=int((sh["flags"] != "").sum())))
    radius = sh["radius_m"].to_numpy(dtype="float64")
    radius_used = np.where(usable, radius, np.nan)
    r = walking_reach(net, sn_s, sn_p, radius_m=np.nan_to_num(radius_used, nan=-1.0), walking_kmh=s.walking_kmh)
    demand = known["population"].round().astype("int64").to_numpy()
    if (known["population"] != known["population"].round()).any():
        notes.append(tr("shelters.note.rounded"))
    a = assign(r, demand=demand, capacity=np.where(usable, sh["capacity"].to_numpy(), 0), split=split, solver=solver,
               time_limit_s=s.milp_time_limit_s)
    if not a.optimal:
        notes.append(tr("shelters.note.not_optimal", status=a.status))
    # ------------------------------------------------------------------ tables
    v = s.walking_kmh / 3.6
    pairs = pd.DataFrame({"block": a.block, "shelter": a.shelter, "people": a.people, "walk_min": a.time_s / 60.0})
    pairs["block_id"] = known["id"].to_numpy()[a.block]
    pairs["block_name"] = known["name"].to_numpy()[a.block]
    pairs["shelter_id"] = sh["id"].to_numpy()[a.shelter]
    pairs["shelter_name"] = sh["name"].to_numpy()[a.shelter]
    pairs["shelter_class"] = sh["shelter_class"].to_numpy()[a.shelter]
    pairs["walk_m"] = a.time_s * v
    geoms = None
    route_kind = "network"
    if routes and len(pairs):
        from yitu.routing.shelters_routes import walking_routes

        geoms = walking_routes(net, sn_s, s_pts, sn_p, p_pts, a.shelter, a.block,
                               offset_s=np.nan_to_num(sn_s.dist_m) / v, limit_s=np.nan_to_num(radius_used, nan=0.0) / v)
    if geoms is None or any(g is None for g in geoms):
        route_kind = "network" if geoms is not None else "straight"
        fallback = shapely.linestrings([[p, q] for p, q in zip(shapely.get_coordinates(shapely.centroid(p_pts[a.block])),
                                                                shapely.get_coordinates(shapely.centroid(s_pts[a.shelter])))]) \
            if len(pairs) else np.zeros(0, dtype=object)
        geoms = fallback if geoms is None else np.where(pd.isna(pd.Series(geoms)), fallback, geoms)
        if route_kind == "straight":
            notes.append(tr("shelters.note.straight"))
    pairs_g = gpd.GeoDataFrame(pairs, geometry=list(geoms), crs=net.crs).to_crs(4326)
    # per block
    blocks = known.copy()
    blocks["people"] = demand
    blocks["placed"] = a.placed
    blocks["unplaced"] = a.unplaced
    reason = np.where(a.unplaced == 0, "", np.where(~sn_p.ok, "off_network",
                                                     np.where(a.reachable, "full", "none_in_reach")))
    blocks["reason"] = reason
    blocks["status"] = np.where(a.unplaced == 0, "placed", np.where(a.placed > 0, "partly", "unplaced"))
    grp = pairs.sort_values("people", ascending=False).groupby("block")
    blocks["shelters"] = grp["shelter_id"].agg(lambda x: "、".join(map(str, x))).reindex(range(len(blocks))).fillna("")
    blocks["shelter_names"] = grp["shelter_name"].agg(lambda x: "、".join(map(str, x))).reindex(range(len(blocks))).fillna("")
    wmean = pairs.assign(w=pairs["people"] * pairs["walk_min"]).groupby("block")[["w", "people"]].sum()
    blocks["walk_min"] = (wmean["w"] / wmean["people"]).reindex(range(len(blocks)))
    blocks["max_walk_min"] = pairs.groupby("block")["walk_min"].max().reindex(range(len(blocks)))
    blocks = gpd.GeoDataFrame(blocks, geometry="geometry", crs=people.crs)
    # per shelter
    sh["load"] = a.load
    sh["free"] = np.where(usable, sh["capacity"] - sh["load"], 0)
    sh["used"] = usable
    sh["on_network"] = sn_s.ok
    sh["n_blocks"] = pairs.groupby("shelter").size().reindex(range(len(sh))).fillna(0).astype(int)
    # per village
    vk = blocks.assign(town=blocks["town"].fillna(""), village=blocks["village"].fillna(""))
    villages = vk.groupby(["town", "village"], dropna=False)[["people", "placed", "unplaced"]].sum().reset_index()
    unk = unknown.assign(town=unknown["town"].fillna(""), village=unknown["village"].fillna("")) if len(unknown) else \
        pd.DataFrame(columns=["town", "village"])
    n_unk = unk.groupby(["town", "village"]).size().rename("unknown_rows") if len(unk) else pd.Series(dtype=int, name="unknown_rows")
    villages = villages.merge(n_unk.reset_index(), on=["town", "village"], how="outer").fillna(
        {"people": 0, "placed": 0, "unplaced": 0, "unknown_rows": 0})
    for c in ("people", "placed", "unplaced", "unknown_rows"):
        villages[c] = villages[c].astype("int64")
    villages["status"] = np.where(villages["unplaced"] > 0, "not_met",
                                  np.where(villages["unknown_rows"] > 0, "unknown", "met"))
    villages = villages.sort_values(["unplaced", "town", "village"], ascending=[False, True, True]).reset_index(drop=True)
    shortfall = _share_rule(blocks, sh, settings)
    assert int(blocks["people"].sum()) == int(blocks["placed"].sum()) + int(blocks["unplaced"].sum())
    total_min = a.total_s / 60.0
    log.info(msg("shelters.log.summary", people=qty(int(blocks["people"].sum()), "people"),
                 placed=qty(int(blocks["placed"].sum()), "people"),
                 unplaced=qty(int(blocks["unplaced"].sum()), "people"),
                 unknown=len(unknown)))
    return ShelterResult(blocks=blocks, pairs=pairs_g, shelters=sh, villages=villages, shortfall=shortfall,
                         unknown=unknown.reset_index(drop=True), off_network=off_network, notes=notes, solver=a.solver,
                         optimal=a.optimal, total_walk_min=total_min, route_kind=route_kind)


def store_results(project: Any, res: ShelterResult, *, proposals: pd.DataFrame | None = None) -> list[str]:
    """Store ``result_shelter_assignment`` (routes, and unplaced blocks as points) and ``result_shelter_load``
    (and ``result_shelter_proposals`` when new shelters were proposed)."""
    pairs = res.pairs.drop(columns=["block", "shelter"]).assign(kind="route")
    un = res.blocks[res.blocks["unplaced"] > 0]
    un_rows = gpd.GeoDataFrame({"block_id": un["id"], "block_name": un["name"], "people": un["unplaced"],
                                "kind": "unplaced", "reason": un["reason"], "town": un["town"],
                                "village": un["village"]}, geometry=un.geometry.values, crs=res.blocks.crs)
    pairs["town"] = res.blocks["town"].to_numpy()[res.pairs["block"].to_numpy()] if len(pairs) else []
    pairs["village"] = res.blocks["village"].to_numpy()[res.pairs["block"].to_numpy()] if len(pairs) else []
    out = pd.concat([pairs, un_rows.to_crs(4326)], ignore_index=True)
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=4326)
    for c in out.columns:
        if c != "geometry" and out[c].dtype == object:
            out[c] = out[c].astype("string")
    project.write(RESULT_ASSIGNMENT, out)
    keep = ["id", "name", "shelter_class", "town", "capacity", "capacity_source", "radius_m", "load", "free", "used",
            "on_network", "n_blocks", "flags", "flag_note", "geometry"]
    load = res.shelters[[c for c in keep if c in res.shelters.columns]].copy()
    for c in ("capacity_source", "flags", "flag_note", "name", "id", "shelter_class", "town"):
        if c in load:
            load[c] = load[c].astype("string")
    project.write(RESULT_LOAD, gpd.GeoDataFrame(load, geometry="geometry", crs=4326))
    names = [RESULT_ASSIGNMENT, RESULT_LOAD]
    if proposals is not None and len(proposals):
        g = gpd.GeoDataFrame(proposals.astype({"建议编号": "string", "场所类型": "string", "服务居民区": "string"}),
                             geometry=gpd.points_from_xy(proposals["经度"], proposals["纬度"]), crs=4326)
        project.write(RESULT_PROPOSALS, g)
        names.append(RESULT_PROPOSALS)
    return names

