"""Drill scenarios (演练前核查): which rescue forces reach a site, in what order, with what — and
what a road closure changes.

A numpy core with a GeoDataFrame adapter. All forces are routed with ONE Dijkstra on the
transposed road graph, started at the site: the search gives, for every node, the time to reach
the site and the next node on the way there (the predecessor in the transposed graph), so every
station's arrival and route is read off the same tree. Partial edges count at both ends (the
station and the site sit on edges, not nodes), and so do the off-road access legs.

Arrival (minutes) = turnout (出动时间: the station's own value, else its type's default) + access
leg at the station + network travel + access leg at the site — the same definition as the
coverage check, so a drill and ``yitu check`` agree.

Closures (:func:`closures`) give a mask of closed edges; a closed edge keeps its index (the
network is not rebuilt) and points whose road is closed are placed on the nearest open road.

The module is split by concern: :mod:`~yitu.routing.drill_sites` (sites, snapping a few points,
closures), this module (the one-tree routing core), :mod:`~yitu.routing.drill_eval` (curve,
requirement lines, before/after) and :mod:`~yitu.routing.drill_io` (the project adapter and the
files); every public name is importable from here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely
from scipy.sparse.csgraph import dijkstra

from yitu.errors import InputError
from yitu.routing.coverage import station_offsets
from yitu.routing.drill_eval import (  # noqa: F401 - re-exported
    AMOUNT_LABELS,
    AMOUNTS,
    VEHICLES,
    _amount_table,
    _on_site,
    compare,
    evaluate_requirements,
    force_curve,
)
from yitu.routing.drill_sites import (  # noqa: F401 - re-exported
    Site,
    _index,
    _near,
    _resnap_closed,
    _snap_few,
    closures,
    parse_site,
    read_closed_area,
)
from yitu.routing.network import RoadNetwork
from yitu.routing.snap import Snapped, points_in_network_crs
from yitu.settings import Settings
from yitu.words import listed, msg, tr
from yitu.words.numbers import fmt

log = logging.getLogger(__name__)

__all__ = [
    "Site",
    "DrillResult",
    "AMOUNTS",
    "AMOUNT_LABELS",
    "closures",
    "read_closed_area",
    "parse_site",
    "drill",
    "evaluate_requirements",
    "force_curve",
    "compare",
    "run_drill",
    "write_drill",
    "drill_tables",
]

_EPS = 1e-9


# ----------------------------------------------------------------------------------- results
@dataclass
class DrillResult:
    """The outcome of one drill scenario.

    Attributes
    ----------
    site
        The site.
    hazard
        Hazard type whose requirement lines were evaluated.
    forces
        Every station ranked by arrival: ``rank``, ``station_id``, ``station_name``,
        ``station_type``, ``turnout_min``, ``turnout_note``, ``access_min``, ``travel_min``,
        ``arrival_min`` (NaN when not reachable), ``distance_km``, vehicles by type,
        ``vehicles``, ``personnel``, ``foam_t``, ``status`` (reachable / unreachable /
        off_network) and ``reason``.
    curve
        Force-arrival curve: per whole minute 0..max, cumulative ``forces``, vehicles by type,
        ``vehicles``, ``personnel`` and ``foam_t`` on site (arrival ≤ minute).
    on_site
        The curve at the report minutes (5/15/30) with the names of the forces on site.
    routes
        One LineString per reachable force from the station to the site (EPSG:4326).
    requirements
        The hazard's requirement lines, MET / NOT MET / UNKNOWN (a figure missing) and by how much.
    closed_edges, closed_what, closed_lines
        Number of closed directed edges, what was asked to close, and the closed roads as lines
        (EPSG:4326; None without closures).
    settings_note
        The numbers used (profile, calibration, access speed, snap distance).
    """

    site: Site
    hazard: str
    forces: pd.DataFrame
    curve: pd.DataFrame
    on_site: pd.DataFrame
    routes: gpd.GeoDataFrame
    requirements: pd.DataFrame
    site_snap_m: float = 0.0
    closed_edges: int = 0
    closed_what: tuple[str, ...] = ()
    profile: str = "fire_engine"
    settings_note: dict[str, Any] = field(default_factory=dict)
    closed_lines: gpd.GeoDataFrame | None = None

    @property
    def n_not_met(self) -> int:
        """Requirement lines NOT MET (UNKNOWN lines are not counted: see :attr:`n_unknown`)."""
        return int((self.requirements["status"] == "NOT MET").sum()) if len(self.requirements) else 0

    @property
    def n_unknown(self) -> int:
        """Requirement lines that cannot be judged (无法判定): a figure of an arriving force is missing."""
        return int((self.requirements["status"] == "UNKNOWN").sum()) if len(self.requirements) else 0

    @property
    def verdict(self) -> str:
        """``FAIL`` when a line is NOT MET, else ``UNKNOWN`` when a line cannot be judged, else ``PASS``.

        ``PASS`` with no lines. The status vocabulary code is ``verdict.lower()`` (pass / fail / unknown).
        """
        return "FAIL" if self.n_not_met else "UNKNOWN" if self.n_unknown else "PASS"



# ---------------------------------------------------------------------------------- the core
@dataclass(frozen=True)
class _Tree:
    """The one search from the site: time to the site and next node per node."""

    dist: np.ndarray  # seconds from each node to the site (network only)
    pred: np.ndarray  # next node towards the site; n (the site) for the last node; -9999 unreached
    n: int


def _site_tree(network: RoadNetwork, site: Snapped, open_edge: np.ndarray | None) -> _Tree:
    """Dijkstra from the site on the transposed graph (edges reversed), with the site as node ``n``.

    The transposed CSR is assembled directly from the edges ordered by head node (row = head,
    column = tail), closed edges left out; parallel edges stay as separate entries, which the
    Dijkstra treats as alternatives (the smaller weight wins).
    """
    n = network.n_nodes
    ix = _index(network)
    o = ix.by_head if open_edge is None else ix.by_head[open_edge[ix.by_head]]
    counts = np.bincount(network.v[o], minlength=n)
    e = int(site.edge[0])
    tt = float(site.t[0])
    rev = int(network.reverse[e])
    oe_site = True if open_edge is None else bool(open_edge[e])
    oe_rev = rev >= 0 and (True if open_edge is None else bool(open_edge[rev]))
    cols, w = [], []
    if oe_site:
        cols.append(int(network.u[e]))
        w.append(tt * float(network.time_s[e]))
    if oe_rev:
        cols.append(int(network.v[e]))
        w.append((1.0 - tt) * float(network.time_s[rev]))
    indptr = np.zeros(n + 2, dtype="int64")
    np.cumsum(counts, out=indptr[1 : n + 1])
    indptr[n + 1] = indptr[n] + len(cols)
    indices = np.concatenate([network.u[o], np.asarray(cols, dtype="int64")]).astype("int32")
    data = np.maximum(np.concatenate([network.time_s[o], np.asarray(w, dtype="float64")]), _EPS)
    graph = sp.csr_array((data, indices, indptr), shape=(n + 1, n + 1))
    dist, pred = dijkstra(graph, directed=True, indices=n, return_predecessors=True)
    return _Tree(dist[:n], pred[:n], n)


def drill(
    network: RoadNetwork,
    stations: gpd.GeoDataFrame,
    site: Site | gpd.GeoDataFrame | tuple[float, float],
    *,
    hazard: str = "fire",
    closed: np.ndarray | None = None,
    settings: Settings,
    minutes: Sequence[float] = (5, 15, 30),
    closed_what: Sequence[str] = (),
) -> DrillResult:
    """Route every station to the site, build the force-arrival curve and check the requirements.

    Parameters
    ----------
    network
        Road network (metric CRS) for the fire-engine profile.
    stations
        The stations layer (any CRS): id, name, station_type, turnout_min, vehicles by type,
        personnel, foam_t.
    site
        A :class:`Site`, a one-row GeoDataFrame, or ``(lon, lat)`` in WGS-84.
    hazard
        Key of ``settings.requirements`` (fire, leak, explosion, or one defined in yitu.toml).
    closed
        Boolean mask of closed edges (from :func:`closures`); ``None`` = all open.
    settings
        Project settings (turnout defaults, access speed, snap distance, requirements).
    minutes
        Report minutes for ``on_site``.

    Returns
    -------
    DrillResult

    Raises
    ------
    InputError
        Unknown hazard, a site farther than ``max_snap_m`` from every (open) road, or a
        requirement line counting something unknown.
    """
    if hazard not in settings.requirements:
        raise InputError(tr("drill.err.no_requirements", hazard=hazard,
                            defined=", ".join(sorted(settings.requirements)) or tr("value.none")))
    site = _as_site(site)
    max_snap = float(settings.routing.max_snap_m)
    access_mps = float(settings.routing.access_speed_kmh) / 3.6
    open_edge = None if closed is None else ~np.asarray(closed, dtype=bool)
    if open_edge is not None and open_edge.shape != (network.n_edges,):
        raise InputError(f"closed: mask of {open_edge.shape} does not match the network's {network.n_edges} edges")
    if open_edge is not None and open_edge.all():
        open_edge = None

    # site
    site_geom = points_in_network_crs(network, site.gdf())
    ss = _snap_few(network, site_geom, max_snap_m=max_snap)
    if open_edge is not None:
        ss, _ = _resnap_closed(network, site_geom, ss, open_edge, max_snap)
    if not ss.ok[0]:
        d = ss.dist_m[0]
        raise InputError(tr("drill.err.site_far_open" if open_edge is not None else "drill.err.site_far", site=site.site_id,
                            limit=fmt(max_snap, "m"), d=fmt(d, "m")))
    site_access_s = float(ss.dist_m[0]) / access_mps

    # stations
    st = stations.reset_index(drop=True)
    ids = st["id"].astype(str).to_numpy() if "id" in st else np.arange(len(st)).astype(str)
    dup = pd.Series(ids).duplicated(keep=False).to_numpy()
    if dup.any():  # forces, routes and the before/after comparison are keyed by station id
        raise InputError(tr("coverage.err.dup_station", ids=listed(sorted(set(map(str, ids[dup]))), limit=10)))
    st_geom = points_in_network_crs(network, st)
    sn = _snap_few(network, st_geom, max_snap_m=max_snap)
    stranded = np.zeros(len(st), dtype=bool)
    if open_edge is not None and len(st):
        sn, stranded = _resnap_closed(network, st_geom, sn, open_edge, max_snap)
    # the coverage check's definition of turnout (seconds, note), so both agree
    turnout_s, turnout_note = station_offsets(st, settings=settings)
    oe = np.ones(network.n_edges, dtype=bool) if open_edge is None else open_edge

    tree = _site_tree(network, ss, open_edge)
    n = network.n_nodes
    S = len(st)
    net_s = np.full(S, np.inf)
    first = np.full(S, -1, dtype="int64")  # entry node, or -2 for the same-edge direct case
    via_head = np.zeros(S, dtype=bool)
    ok = sn.ok
    if ok.any():
        i = np.flatnonzero(ok)
        f = sn.edge[i]
        s_t = sn.t[i]
        a, b = network.u[f], network.v[f]
        rf = network.reverse[f]
        t_head = np.where(oe[f], (1.0 - s_t) * network.time_s[f] + tree.dist[b], np.inf)
        trev = np.where((rf >= 0) & oe[np.maximum(rf, 0)], s_t * network.time_s[np.maximum(rf, 0)], np.inf)
        t_tail = trev + tree.dist[a]
        best = np.minimum(t_head, t_tail)
        net_s[i] = best
        via_head[i] = t_head <= t_tail
        first[i] = np.where(via_head[i], b, a)
        # the same piece of road as the site: straight along it
        canon = network.canonical
        same = canon[f] == canon[ss.edge[0]]
        if same.any():
            c = int(canon[ss.edge[0]])
            site_pos = ss.t[0] if ss.edge[0] == c else 1.0 - ss.t[0]
            for j in np.flatnonzero(same):
                k = int(i[j])
                pos = sn.t[k] if sn.edge[k] == c else 1.0 - sn.t[k]
                d = site_pos - pos
                rc = int(network.reverse[c])
                if d >= 0 and oe[c]:
                    direct = d * network.time_s[c]
                elif d <= 0 and rc >= 0 and oe[rc]:
                    direct = -d * network.time_s[rc]
                else:
                    direct = np.inf
                if direct < net_s[k]:
                    net_s[k] = direct
                    first[k] = -2
    access_s = np.where(ok, sn.dist_m / access_mps, np.nan) + site_access_s
    reach = ok & np.isfinite(net_s)
    arrival_s = np.where(reach, turnout_s + access_s + net_s, np.nan)

    amounts = _amount_table(st)
    status = np.where(reach, "reachable", np.where(ok, "unreachable", "off_network"))
    reason = np.full(S, "", dtype=object)
    far = ~ok & ~stranded
    reason[far] = [tr("drill.reason.far", d=fmt(d, "m"), max=fmt(max_snap, "m")) if np.isfinite(d)
                   else tr("drill.reason.no_location") for d in sn.dist_m[far]]
    reason[stranded] = tr("drill.reason.stranded", max=fmt(max_snap, "m"))
    reason[ok & ~reach] = tr("drill.reason.no_path")
    forces = pd.DataFrame({
        "station_id": ids,
        "station_name": st["name"].astype(str).to_numpy() if "name" in st else "",
        "station_type": st["station_type"].astype(str).to_numpy() if "station_type" in st else "",
        "turnout_min": turnout_s / 60.0,
        "turnout_note": turnout_note.to_numpy(),
        "access_min": access_s / 60.0,
        "travel_min": np.where(reach, net_s / 60.0, np.nan),
        "arrival_min": arrival_s / 60.0,
        "snap_dist_m": sn.dist_m,
    })
    routes_geom, dist_km = _routes(network, st_geom, sn, ss, site_geom[0], tree, first, via_head, reach, oe)
    forces["distance_km"] = dist_km
    for col in amounts.columns:
        forces[col] = amounts[col].to_numpy()
    forces["status"] = status
    forces["reason"] = reason
    order = np.lexsort((forces["station_id"].to_numpy(), np.where(reach, arrival_s, np.inf)))
    forces = forces.iloc[order].reset_index(drop=True)
    forces.insert(0, "rank", pd.array(np.where(forces["status"] == "reachable", np.arange(1, S + 1), pd.NA), dtype="Int64"))

    routes = gpd.GeoDataFrame(
        {"station_id": forces["station_id"].to_numpy()[forces["status"].to_numpy() == "reachable"]},
        geometry=list(routes_geom[order][reach[order]]), crs=network.crs,
    )
    routes = routes.merge(forces[["station_id", "station_name", "rank", "arrival_min", "distance_km"]], on="station_id")
    routes = gpd.GeoDataFrame(routes, geometry="geometry", crs=network.crs).to_crs(4326)

    lines = settings.requirements[hazard]
    horizon = max([30.0, *minutes, *(ln.by_min for ln in lines)])
    curve = force_curve(forces, horizon_min=horizon)
    on_site = _on_site(forces, minutes)
    reqs = evaluate_requirements(forces, lines)
    prof = settings.profiles.get(network.profile)
    note = {
        "profile": network.profile,
        "calibration": getattr(prof, "calibration", None),
        "access_speed_kmh": settings.routing.access_speed_kmh,
        "max_snap_m": max_snap,
        "site_snap_m": float(ss.dist_m[0]),
    }
    closed_lines = None
    if closed is not None and np.asarray(closed).any():
        c = np.flatnonzero(np.asarray(closed, dtype=bool) & (network.canonical == np.arange(network.n_edges)))
        closed_lines = gpd.GeoDataFrame({"name": network.name[c].astype(str), "osm_id": network.way_id[c]},
                                        geometry=network.geometry[c], crs=network.crs).to_crs(4326)
    return DrillResult(
        site=site, hazard=hazard, forces=forces, curve=curve, on_site=on_site, routes=routes, requirements=reqs,
        site_snap_m=float(ss.dist_m[0]), closed_edges=0 if closed is None else int(np.asarray(closed).sum()),
        closed_what=tuple(closed_what), profile=network.profile, settings_note=note,
        closed_lines=closed_lines,
    )


def _as_site(site: Any) -> Site:
    if isinstance(site, Site):
        return site
    if isinstance(site, (tuple, list)) and len(site) == 2:
        lon, lat = float(site[0]), float(site[1])
        return Site(f"{lon:.6f},{lat:.6f}", f"坐标点 {lon:.6f},{lat:.6f}", shapely.Point(lon, lat), "point")
    if isinstance(site, gpd.GeoDataFrame):
        if len(site) != 1:
            raise InputError(f"site: expected one feature, got {len(site)}")
        g = site.to_crs(4326) if site.crs is not None and not site.crs.equals(4326) else site
        row = g.iloc[0]
        sid = str(row.get("id", row.get("site_id", "site")))
        return Site(sid, str(row.get("name", sid)), row.geometry, "enterprise" if "id" in g else "point")
    raise InputError(f"site: expected a Site, a one-row GeoDataFrame or (lon, lat), got {type(site).__name__}")


def _path_edges(network: RoadNetwork, tails: np.ndarray, heads: np.ndarray, oe: np.ndarray) -> np.ndarray:
    """For each (tail, head) pair, the open edge tail -> head with the smallest time."""
    ix = _index(network)
    o = ix.by_head
    starts = np.searchsorted(ix.head_sorted, heads, side="left")
    ends = np.searchsorted(ix.head_sorted, heads, side="right")
    deg = ends - starts
    pair = np.repeat(np.arange(heads.size), deg)
    pos = np.repeat(starts - np.concatenate([[0], np.cumsum(deg)[:-1]]), deg) + np.arange(int(deg.sum()))
    cand = o[pos]
    good = (network.u[cand] == tails[pair]) & oe[cand]
    pair, cand = pair[good], cand[good]
    order = np.lexsort((network.time_s[cand], pair))
    pair, cand = pair[order], cand[order]
    first = np.ones(pair.size, dtype=bool)
    first[1:] = pair[1:] != pair[:-1]
    out = np.full(heads.size, -1, dtype="int64")
    out[pair[first]] = cand[first]
    return out


def _substring(line: Any, a: float, b: float) -> np.ndarray:
    """Coordinates of ``line`` between fractions ``a`` and ``b`` (reversed when ``a > b``)."""
    from shapely.ops import substring

    lo, hi = (a, b) if a <= b else (b, a)
    if hi - lo <= 0:
        p = shapely.line_interpolate_point(line, lo, normalized=True)
        return np.array([[p.x, p.y]])
    piece = substring(line, lo, hi, normalized=True)
    xy = shapely.get_coordinates(piece)
    return xy if a <= b else xy[::-1]


def _routes(network: RoadNetwork, st_geom: np.ndarray, sn: Snapped, ss: Snapped, site_pt: Any, tree: _Tree,
            first: np.ndarray, via_head: np.ndarray, reach: np.ndarray, oe: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A LineString per reachable station (network CRS) and its length in km (NaN otherwise)."""
    S = len(sn)
    geoms = np.full(S, None, dtype=object)
    dist_km = np.full(S, np.nan)
    if not reach.any():
        return geoms, dist_km
    n = network.n_nodes
    e_site = int(ss.edge[0])
    t_site = float(ss.t[0])
    site_xy = np.array([[ss.x[0], ss.y[0]]])
    site_raw = shapely.get_coordinates(site_pt)[:1]
    for k in np.flatnonzero(reach):
        st_raw = shapely.get_coordinates(st_geom[k])[:1]
        st_xy = np.array([[sn.x[k], sn.y[k]]])
        f, s_t = int(sn.edge[k]), float(sn.t[k])
        parts = [st_raw, st_xy]
        length = 0.0
        if first[k] == -2:  # same piece of road as the site
            if network.canonical[f] == network.canonical[e_site]:
                tt = t_site if e_site == f else 1.0 - t_site
                parts.append(_substring(network.geometry[f], s_t, tt))
                length += abs(tt - s_t) * float(network.length_m[f])
        else:
            if via_head[k]:
                parts.append(_substring(network.geometry[f], s_t, 1.0))
                length += (1.0 - s_t) * float(network.length_m[f])
            else:
                parts.append(_substring(network.geometry[f], s_t, 0.0))
                length += s_t * float(network.length_m[f])
            path = [int(first[k])]
            guard = n + 1
            while True:
                p = int(tree.pred[path[-1]])
                if p == n or p < 0 or guard == 0:
                    break
                path.append(p)
                guard -= 1
            path_a = np.asarray(path, dtype="int64")
            if path_a.size > 1:
                edges = _path_edges(network, path_a[:-1], path_a[1:], oe)
                if (edges < 0).any():  # cannot happen with a consistent tree; never draw a wrong edge
                    log.warning(msg("drill.log.route_gap", k=k, n=int((edges < 0).sum())))
                    edges = edges[edges >= 0]
                coords = shapely.get_coordinates(network.geometry[edges])
                parts.append(coords)
                length += float(network.length_m[edges].sum())
            last = int(path_a[-1])
            if last == int(network.u[e_site]) and oe[e_site]:
                parts.append(_substring(network.geometry[e_site], 0.0, t_site))
                length += t_site * float(network.length_m[e_site])
            else:
                parts.append(_substring(network.geometry[e_site], 1.0, t_site))
                length += (1.0 - t_site) * float(network.length_m[e_site])
        parts += [site_xy, site_raw]
        xy = np.vstack(parts)
        keep = np.ones(len(xy), dtype=bool)
        keep[1:] = np.any(np.abs(np.diff(xy, axis=0)) > 1e-6, axis=1)
        xy = xy[keep]
        if len(xy) < 2:
            xy = np.vstack([xy, xy])
        geoms[k] = shapely.linestrings(xy)
        dist_km[k] = length / 1000.0
    return geoms, dist_km



from yitu.routing.drill_io import drill_tables, run_drill, write_drill  # noqa: E402,F401 - re-exported
