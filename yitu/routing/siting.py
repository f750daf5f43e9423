"""Station siting on layers (``yitu site DIR``): where new fire stations go, and what each one buys.

:func:`siting` is the analysis on layers and a network (demand and candidates from
:mod:`yitu.routing.siting_inputs`, one bounded search per candidate with
:func:`yitu.routing.engine.reach` — station → demand, so one-way streets count the right way —, a
model of :mod:`yitu.routing.siting_models`); :func:`run_siting` is what the command does: read the
project, compute, store ``result_siting`` (chosen sites), ``result_siting_candidates``,
``result_siting_demand`` and ``result_siting_tradeoff``, and write ``output/siting/siting.xlsx``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely

from yitu.errors import InfeasibleError, InputError
from yitu.routing.coverage import station_labels, station_offsets
from yitu.routing.engine import Reach, reach
from yitu.routing.network import RoadNetwork
from yitu.routing.siting_inputs import (candidate_table, exclude_candidates, grid_candidates, siting_demands)
from yitu.routing.siting_models import (SitingResult, as_times, backup, cover_matrix, evaluate, lscp, mclp, pcenter)
from yitu.routing.snap import Snapped, snap
from yitu.settings import Settings, default_settings
from yitu.words import msg, named, tr
from yitu.words.numbers import fmt

log = logging.getLogger(__name__)

__all__ = ["MODELS", "SitingRun", "siting", "run_siting", "site_reach"]

MODELS: tuple[str, ...] = ("lscp", "mclp", "pcenter", "backup")
PARK_KINDS = ("enterprise", "risk_zone", "boundary")


@dataclass
class SitingRun:
    """What :func:`siting` computed.

    Attributes
    ----------
    result
        The model's answer (rows: existing stations first, then the available candidates).
    chosen
        One row per new site in the order of what it adds: ``order``, ``candidate_id``, ``name``,
        ``station_type``, ``new_covered`` (demands newly within their limit), ``new_weight``,
        ``worst_before_min``/``worst_after_min`` (worst arrival over all demands, NaN = beyond the
        search), ``park_before``/``park_after`` (PASS/FAIL of the park(s) with the sites so far).
    candidates
        Every candidate with ``status`` (chosen/available/excluded) and ``reason``.
    demands
        Every demand with its arrival and verdict before and after, and the new site covering it.
    tradeoff
        p = 0..k new stations (MCLP): weight share covered, demands met and not met, worst arrival.
    parks
        Per park: verdict before and after.
    warnings
        Listed warnings (demands no candidate can reach, excluded candidates, a status not optimal).
    """

    model: str
    result: SitingResult
    chosen: gpd.GeoDataFrame
    candidates: gpd.GeoDataFrame
    demands: gpd.GeoDataFrame
    tradeoff: pd.DataFrame
    parks: pd.DataFrame
    stations: gpd.GeoDataFrame
    warnings: list[str] = field(default_factory=list)
    files: dict[str, Path] = field(default_factory=dict)


def site_reach(network: RoadNetwork, sources: Snapped, offset_s: np.ndarray, targets: Snapped,
               target_access_s: np.ndarray, *, limit_s: float) -> Reach:
    """:func:`~yitu.routing.engine.reach` from sources to targets, with each target's access leg added
    and entries beyond ``limit_s`` dropped."""
    r = reach(network, sources, targets, offset_s=offset_s, limit_s=limit_s)
    t = r.time_s + target_access_s[r.indices]
    keep = t <= limit_s
    return Reach.from_entries(r.sources()[keep], r.indices[keep], t[keep], r.n_sources, r.n_targets)


def _verdict(covered: np.ndarray, demands: gpd.GeoDataFrame) -> dict[str, str]:
    out = {}
    pid = demands["park_id"].astype(object).to_numpy()
    in_park = demands["kind"].isin(PARK_KINDS).to_numpy() & pd.notna(pid)
    for p in pd.unique(pid[in_park]):
        m = in_park & (pid == p)
        out[str(p)] = "PASS" if covered[m].all() else "FAIL"
    return out


def _worst(best_s: np.ndarray) -> float:
    if not best_s.size:
        return float("nan")
    w = float(best_s.max())
    return w / 60.0 if np.isfinite(w) else float("nan")


def siting(
    network: RoadNetwork,
    *,
    stations: gpd.GeoDataFrame,
    enterprises: gpd.GeoDataFrame,
    parks: gpd.GeoDataFrame | None = None,
    risk_zones: gpd.GeoDataFrame | None = None,
    targets: gpd.GeoDataFrame | None = None,
    candidates: gpd.GeoDataFrame | None = None,
    grid_m: float | None = None,
    model: str = "lscp",
    p: int | None = None,
    park: str | None = None,
    limit_min: float | None = None,
    solver: str | None = None,
    close: tuple[str, ...] = (),
    relocate: tuple[str, ...] = (),
    settings: Settings | None = None,
    candidates_source: str = "",
) -> SitingRun:
    """Propose new station sites.

    Parameters
    ----------
    network
        Road network (metric CRS) of the fire-engine profile.
    stations, enterprises, parks, risk_zones, targets
        Project layers (any CRS).
    candidates
        Candidate sites (the ``candidates`` layer: points or parcel polygons); or ``grid_m`` to
        generate one every ``grid_m`` metres along the roads around the park (or all demand).
    model
        ``lscp`` (fewest new stations meeting every demand's limit), ``mclp`` (``p`` stations, most
        weight), ``pcenter`` (``p`` stations, smallest worst arrival), ``backup`` (``p`` stations, most
        weight met twice).
    park
        Only this park's demand (the park check's targets).
    limit_min
        One limit for every demand (default: park limit in parks, urban limit elsewhere).
    close, relocate
        Existing station ids to close (left out) or to relocate (a candidate like the others, kept
        only if the model keeps it; counted in ``p``).

    Raises
    ------
    InputError
        Unknown model or park, no candidates, no candidates left after exclusions, p too large.
    InfeasibleError
        LSCP / p-center with demands nothing can reach (named, before solving).
    """
    settings = settings or default_settings()
    sg = settings.siting
    if model not in MODELS:
        raise InputError(tr("siting.err.model", model=model, models=", ".join(MODELS)))
    solver = solver or sg.solver
    warnings: list[str] = []
    if park is not None:
        if parks is None or not len(parks):
            raise InputError(tr("siting.err.no_parks", park=park))
        pid = parks["id"].astype(str) if "id" in parks.columns else pd.Series(parks.index.astype(str))
        sel = (pid == str(park)).to_numpy()
        if not sel.any():
            raise InputError(tr("siting.err.unknown_park", park=park, ids=", ".join(pid.tolist())))
        parks = parks[sel]
    # existing stations: closed ones out, relocatable ones become free rows
    st_ids, st_names = station_labels(stations)
    unknown = sorted((set(map(str, close)) | set(map(str, relocate))) - set(map(str, st_ids)))
    if unknown:
        raise InputError(tr("siting.err.unknown_stations", unknown=", ".join(unknown), ids=", ".join(map(str, st_ids))))
    keep_st = ~np.isin(st_ids.astype(str), [str(c) for c in close])
    stations = stations[keep_st]
    st_ids, st_names = st_ids[keep_st], st_names[keep_st]

    demands = siting_demands(network, parks=parks, stations=stations, enterprises=enterprises, risk_zones=risk_zones,
                             targets=targets, park=park, limit_min=limit_min, settings=settings)
    # candidates
    if candidates is not None and len(candidates):
        cand = candidate_table(network, candidates)
    elif grid_m is not None:
        if park is not None:  # around the park; otherwise around all the demand
            base = shapely.union_all(parks.to_crs(network.crs).geometry.to_numpy())
        else:
            base = shapely.convex_hull(shapely.multipoints(demands.geometry.to_numpy()))
        area = shapely.buffer(base, sg.study_buffer_m)
        cand = grid_candidates(network, area, step_m=float(grid_m), excluded_classes=tuple(sg.excluded_road_classes))
    else:
        raise InputError(tr("siting.err.no_candidates_given"))
    cand, c_snap = exclude_candidates(network, cand, enterprises=enterprises, risk_zones=risk_zones, targets=targets,
                                      settings=settings)
    if candidates_source and len(cand) and (cand["status"] == "excluded").all() and not c_snap.ok.any():
        raise InputError(tr("siting.err.other_county", file=candidates_source, n=len(cand)))
    avail = np.flatnonzero((cand["status"] == "available").to_numpy())
    if not avail.size:
        top = pd.Series([r.split("（")[0] for r in cand["reason"]]).value_counts().head(3)
        raise InputError(tr("siting.err.no_candidates", n=len(cand), reasons="；".join(f"{k} ×{v}" for k, v in top.items())))
    n_ex = len(cand) - avail.size
    if n_ex:
        warnings.append(tr("siting.warn.excluded", n=n_ex))

    # one bounded search per source: existing stations (fixed) then the available candidates
    access = settings.routing.access_speed_kmh / 3.6
    s_snap = snap(network, stations, max_snap_m=settings.routing.max_snap_m)
    s_ok = np.flatnonzero(s_snap.ok)
    for i in np.flatnonzero(~s_snap.ok):
        warnings.append(tr("siting.warn.station_off", station=f"{st_ids[i]} {st_names[i]}",
                           reason=tr("siting.reason.off_network", dist=fmt(s_snap.dist_m[i], "m"),
                                     limit=fmt(settings.routing.max_snap_m, "m"))))
    s_turn, _ = station_offsets(stations, settings=settings)
    types = cand["station_type"].where(cand["station_type"].notna(), sg.default_station_type).astype(str).to_numpy()
    c_turn = np.array([settings.turnout_min(t) * 60.0 for t in types])
    d_snap = snap(network, demands, max_snap_m=settings.routing.max_snap_m)
    d_access = np.where(d_snap.ok, np.nan_to_num(d_snap.dist_m) / access, 0.0)
    lim_s = demands["limit_min"].to_numpy(dtype="float64") * 60.0
    search_s = float(lim_s.max()) * sg.search_factor
    src = Snapped(*(np.concatenate([getattr(s_snap, a)[s_ok], getattr(c_snap, a)[avail]])
                    for a in ("edge", "t", "dist_m", "ok", "x", "y")))
    offset = np.concatenate([s_turn[s_ok] + s_snap.dist_m[s_ok] / access, c_turn[avail] + c_snap.dist_m[avail] / access])
    r = site_reach(network, src, offset, d_snap, d_access, limit_s=search_s)
    n_fixed = s_ok.size
    reloc = np.isin(st_ids[s_ok].astype(str), [str(x) for x in relocate])
    fixed = np.concatenate([~reloc, np.zeros(avail.size, dtype=bool)])
    row_ids = np.concatenate([st_ids[s_ok].astype(object), cand["candidate_id"].to_numpy(dtype=object)[avail]])
    times = as_times(r)
    cover = cover_matrix(times, lim_s)
    names = (demands["demand_id"].astype(str) + " " + demands["name"].astype(str)).tolist()
    nobody = np.flatnonzero(np.bincount(cover.indices, minlength=len(demands)) == 0)
    if nobody.size:
        shown = ", ".join(names[i] for i in nobody[:10]) + (" …" if nobody.size > 10 else "")
        if model == "lscp":
            raise InfeasibleError(tr("siting.err.unreachable", n=nobody.size, names=shown))
        warnings.append(tr("siting.warn.unreachable", n=nobody.size, names=shown))
    w = demands["weight"].to_numpy(dtype="float64")
    n_free = int((~fixed).sum())
    if model != "lscp":
        p = 1 if p is None else int(p)
        if p > n_free:
            raise InputError(tr("siting.err.p_too_large", p=p, n=n_free))
    tl = sg.time_limit_s
    if model == "lscp":
        cost = np.concatenate([np.zeros(n_fixed), np.nan_to_num(cand["cost"].to_numpy(dtype="float64")[avail], nan=1.0)])
        use_cost = bool(np.isfinite(cand["cost"].to_numpy(dtype="float64")[avail]).all()) and len(avail) > 0
        res = lscp(times, limit_s=lim_s, fixed=fixed, cost=cost if use_cost else None, names=names, solver=solver,
                   time_limit_s=tl)
    elif model == "mclp":
        res = mclp(times, p=p, weights=w, limit_s=lim_s, fixed=fixed, solver=solver, time_limit_s=tl)
    elif model == "pcenter":
        res = pcenter(times, p=p, fixed=fixed, names=names, solver="highs" if solver == "heuristic" else solver,
                      time_limit_s=tl)
    else:
        res = backup(times, p=p, weights=w, limit_s=lim_s, fixed=fixed, solver="highs" if solver == "heuristic"
                     else solver, time_limit_s=tl)
    if not res.optimal:
        warnings.append(tr("siting.warn.not_optimal", status=tr(f"siting.status.{res.status}"),
                           gap=f"{100 * res.gap:.2f}%" if np.isfinite(res.gap) else "—"))

    # before / after, and what each new site adds (in the order that adds most weight first)
    before_open = fixed.copy()
    cov_b, _, best_b = evaluate(times, cover, before_open)
    chosen_rows = [int(j) for j in res.chosen]
    order: list[int] = []
    cur = before_open.copy()
    cov_cur = cov_b
    rows_out = []
    pv_b = _verdict(cov_b, demands)
    while chosen_rows:
        gains = []
        for j in chosen_rows:
            o = cur.copy()
            o[j] = True
            c, _, _ = evaluate(times, cover, o)
            gains.append(float(w[c & ~cov_cur].sum()))
        k = int(np.argmax(gains))
        j = chosen_rows.pop(k)
        prev_best = evaluate(times, cover, cur)[2]
        cur[j] = True
        c, _, best = evaluate(times, cover, cur)
        pv_prev, pv_now = _verdict(cov_cur, demands), _verdict(c, demands)
        rows_out.append({"row": j, "new_covered": int((c & ~cov_cur).sum()), "new_weight": float(w[c & ~cov_cur].sum()),
                         "worst_before_min": _worst(prev_best), "worst_after_min": _worst(best),
                         "park_before": "；".join(f"{k2} {v}" for k2, v in pv_prev.items()),
                         "park_after": "；".join(f"{k2} {v}" for k2, v in pv_now.items())})
        order.append(j)
        cov_cur = c
    cov_a, n_a, best_a = evaluate(times, cover, res.open)
    # chosen sites table (candidate rows are offset by the existing stations)
    cpos = np.array([avail[j - n_fixed] if j >= n_fixed else -1 for j in order], dtype="int64")
    ch = cand.iloc[cpos[cpos >= 0]] if cpos.size else cand.iloc[[]]
    chosen = gpd.GeoDataFrame({
        "order": np.arange(1, len(ch) + 1), "candidate_id": ch["candidate_id"].to_numpy(dtype=object),
        "name": ch["name"].to_numpy(dtype=object),
        "station_type": ch["station_type"].where(ch["station_type"].notna(), sg.default_station_type).to_numpy(dtype=object),
        "cost": ch["cost"].to_numpy(dtype="float64"),
        **{k: np.array([ro[k] for ro in rows_out if ro["row"] >= n_fixed], dtype=object if "park" in k else None)
           for k in ("new_covered", "new_weight", "worst_before_min", "worst_after_min", "park_before", "park_after")},
    }, geometry=ch.geometry.to_numpy(), crs=network.crs)
    cand = cand.copy()
    status = cand["status"].to_numpy(dtype=object)
    status[cpos[cpos >= 0]] = "chosen"
    cand["status"] = status
    n_reach = np.zeros(len(cand), dtype="int64")
    n_reach[avail] = np.diff(cover.indptr)[n_fixed:]
    cand["n_reach"] = n_reach
    # which new site covers each demand first (in the order above)
    by_site = np.full(len(demands), None, dtype=object)
    for j in order:
        if j >= n_fixed:
            a, b = cover.indptr[j], cover.indptr[j + 1]
            hit = cover.indices[a:b]
            hit = hit[(~cov_b[hit]) & pd.isna(by_site[hit])]
            by_site[hit] = row_ids[j]
    dem = demands.copy()
    dem["before_min"] = np.where(np.isfinite(best_b), best_b / 60.0, np.nan)
    dem["after_min"] = np.where(np.isfinite(best_a), best_a / 60.0, np.nan)
    dem["covered_before"] = cov_b
    dem["covered_after"] = cov_a
    dem["n_cover_after"] = n_a
    dem["by_site"] = by_site
    dem["status"] = np.where(~d_snap.ok, "off_network", np.where(cov_a, "met", "not_met")).astype(object)
    pv_a = _verdict(cov_a, demands)
    parks_tbl = pd.DataFrame({"park_id": list(pv_b), "verdict_before": list(pv_b.values()),
                              "verdict_after": [pv_a[k] for k in pv_b]})
    tradeoff = _tradeoff(times, cover, fixed, w, lim_s, n_free, max(sg.tradeoff_max_p, len(res.chosen)), solver,
                         row_ids, tl)
    kept = np.zeros(len(st_ids), dtype=bool)
    kept[s_ok] = res.open[:n_fixed]
    st_tbl = gpd.GeoDataFrame({"station_id": st_ids.astype(object), "name": st_names.astype(object),
                               "relocatable": np.isin(st_ids.astype(str), [str(x) for x in relocate]),
                               "kept": kept},
                              geometry=stations.to_crs(network.crs).geometry.to_numpy(), crs=network.crs)
    for i in np.flatnonzero(st_tbl["relocatable"].to_numpy() & ~kept):
        warnings.append(tr("siting.warn.relocated", station=f"{st_ids[i]} {st_names[i]}"))
    log.info(msg("siting.log.done", model=named("siting.model", model), n=len(chosen), before=int(cov_b.sum()),
                 after=int(cov_a.sum()), total=len(dem)))
    return SitingRun(model, res, chosen, cand, dem, tradeoff, parks_tbl, st_tbl, warnings)


def _tradeoff(times: sp.csr_array, cover: sp.csr_array, fixed: np.ndarray, w: np.ndarray, lim_s: np.ndarray,
              n_free: int, k: int, solver: str, row_ids: np.ndarray, time_limit_s: float) -> pd.DataFrame:
    """MCLP for p = 0..k: what each number of new stations can cover at best."""
    rows = []
    total = float(w.sum()) or 1.0
    for p in range(0, min(k, n_free) + 1):
        r = mclp(times, p=p, weights=w, limit_s=lim_s, fixed=fixed, solver=solver, time_limit_s=time_limit_s)
        rows.append({"p": p, "covered_share": r.objective / total, "n_covered": int(r.covered.sum()),
                     "n_uncovered": int((~r.covered).sum()), "worst_min": _worst(r.best_s),
                     "sites": "、".join(str(row_ids[j]) for j in r.chosen), "status": r.status})
        if r.covered.all():
            break
    return pd.DataFrame(rows)


def run_siting(
    project: Any,
    *,
    model: str = "lscp",
    p: int | None = None,
    candidates_file: str | Path | None = None,
    grid_m: float | None = None,
    park: str | None = None,
    limit_min: float | None = None,
    solver: str | None = None,
    close: tuple[str, ...] = (),
    relocate: tuple[str, ...] = (),
    network: RoadNetwork | None = None,
    profile: str = "fire_engine",
) -> SitingRun:
    """``yitu site DIR``: read the project, run :func:`siting`, store the results and write the XLSX.

    Candidates come from ``candidates_file`` (loaded with the ``candidates`` schema; rows that
    cannot be used are listed in ``rejected/candidates.csv``), else the project's ``candidates``
    layer, else ``grid_m``.
    """
    from yitu.routing.siting_output import store_and_write

    settings = project.settings
    cand = None
    source = ""
    if candidates_file is not None:
        from yitu.layers.load import load

        lr = load("candidates", Path(candidates_file), settings=settings)
        if len(lr.rejected):
            project.write_rejected("candidates", lr.rejected)
        cand, source = lr.gdf, str(candidates_file)
        if not len(cand):
            raise InputError(tr("siting.err.other_county", file=source, n=len(lr.rejected)))
    elif grid_m is None and project.has("candidates"):
        cand = project.read("candidates")
        source = "candidates"
    if network is None:
        from yitu.routing.build import load_network

        network = load_network(project, profile=profile)
    run = siting(network, stations=project.read("stations"), enterprises=project.read("enterprises"),
                 parks=project.read_optional("parks"), risk_zones=project.read_optional("risk_zones"),
                 targets=project.read_optional("targets"), candidates=cand, grid_m=grid_m, model=model, p=p, park=park,
                 limit_min=limit_min, solver=solver, close=close, relocate=relocate, settings=settings,
                 candidates_source=source)
    run.files = store_and_write(project, run)
    return run
