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
"""

from __future__ import annotations

import difflib
import logging
import math
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import scipy.sparse as sp
import shapely
from scipy.sparse.csgraph import dijkstra

from yitu.errors import InputError
from yitu.layers.schema import VEHICLE_FIELDS
from yitu.routing.coverage import station_offsets
from yitu.routing.network import RoadNetwork
from yitu.routing.snap import _TREES, Snapped, points_in_network_crs, snap
from yitu.settings import RequirementLine, Settings

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
]

VEHICLES: tuple[str, ...] = tuple(VEHICLE_FIELDS)
# What a requirement line may count.
AMOUNTS: tuple[str, ...] = (*VEHICLES, "vehicles", "personnel", "foam_t", "forces")
AMOUNT_LABELS: dict[str, str] = {
    **VEHICLE_FIELDS,
    "vehicles": "车辆合计",
    "personnel": "到场人员",
    "foam_t": "泡沫液(吨)",
    "forces": "救援力量(支)",
}
_UNITS: dict[str, str] = {**{k: "辆" for k in VEHICLES}, "vehicles": "辆", "personnel": "人", "foam_t": "吨", "forces": "支"}
_EPS = 1e-9


# ----------------------------------------------------------------------------------- results
@dataclass(frozen=True)
class Site:
    """The drill site: an enterprise (its point or polygon) or a WGS-84 point."""

    site_id: str
    name: str
    geometry: Any  # shapely geometry in EPSG:4326
    kind: str  # "enterprise" | "point"

    @property
    def lonlat(self) -> tuple[float, float]:
        p = self.geometry if self.geometry.geom_type == "Point" else self.geometry.representative_point()
        return float(p.x), float(p.y)

    def gdf(self) -> gpd.GeoDataFrame:
        return gpd.GeoDataFrame({"site_id": [self.site_id], "name": [self.name]}, geometry=[self.geometry], crs=4326)


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
        The hazard's requirement lines, MET / NOT MET and by how much.
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
        return int((self.requirements["status"] == "NOT MET").sum()) if len(self.requirements) else 0

    @property
    def verdict(self) -> str:
        """``PASS`` when every requirement line is met, ``FAIL`` otherwise (``PASS`` with no lines)."""
        return "FAIL" if self.n_not_met else "PASS"


# ------------------------------------------------------------------------- per-network indexes
@dataclass(frozen=True)
class _Index:
    """What a drill needs from a network, built once per network in O(E) (no sort of the edges
    by two keys, no spatial tree): the edges ordered by head node (the transposed graph's rows)
    and the bounding boxes of the physical road pieces (for snapping a few points and for
    closure polygons)."""

    by_head: np.ndarray  # edge ids sorted by v (stable)
    head_sorted: np.ndarray  # v[by_head]
    canon: np.ndarray  # canonical edge ids (one per physical road piece)
    bounds: np.ndarray  # (len(canon), 4) minx, miny, maxx, maxy
    by_minx: np.ndarray  # positions in canon sorted by minx
    minx_sorted: np.ndarray
    max_width: float  # widest bounding box (how far left of a query an overlapping box may start)


_INDEX: weakref.WeakKeyDictionary[RoadNetwork, _Index] = weakref.WeakKeyDictionary()


def _index(network: RoadNetwork) -> _Index:
    if network not in _INDEX:
        canon = np.flatnonzero(network.canonical == np.arange(network.n_edges))
        by_head = np.argsort(network.v, kind="stable")
        bounds = shapely.bounds(network.geometry[canon])
        by_minx = np.argsort(bounds[:, 0], kind="stable")
        _INDEX[network] = _Index(
            by_head=by_head,
            head_sorted=network.v[by_head],
            canon=canon,
            bounds=bounds,
            by_minx=by_minx,
            minx_sorted=bounds[by_minx, 0],
            max_width=float((bounds[:, 2] - bounds[:, 0]).max()) if len(canon) else 0.0,
        )
    return _INDEX[network]


def _near(network: RoadNetwork, geom: Any, dist: float) -> np.ndarray:
    """Canonical edges whose bounding box comes within ``dist`` of ``geom``'s bounding box."""
    ix = _index(network)
    x0, y0, x1, y1 = shapely.bounds(geom)
    lo = np.searchsorted(ix.minx_sorted, x0 - dist - ix.max_width, side="left")
    hi = np.searchsorted(ix.minx_sorted, x1 + dist, side="right")
    pos = ix.by_minx[lo:hi]
    b = ix.bounds[pos]
    m = (b[:, 2] >= x0 - dist) & (b[:, 1] <= y1 + dist) & (b[:, 3] >= y0 - dist)
    return ix.canon[pos[m]]


def _snap_few(network: RoadNetwork, geoms: np.ndarray, *, max_snap_m: float) -> Snapped:
    """:func:`yitu.routing.snap.snap` for a few points without building the spatial tree.

    Same answer (nearest road piece, fraction along it, distance): candidates come from the
    edges' bounding boxes, the nearest is found by exact distance, and for a point with no road
    within ``max_snap_m`` the search widens until the nearest road (and its distance) is found.
    When the network's tree exists already, or for many points, ``snap`` itself is used.
    """
    if network in _TREES or len(geoms) > 200 or network.n_edges == 0:
        return snap(network, geoms, max_snap_m=max_snap_m)
    n = len(geoms)
    edge = np.full(n, -1, dtype="int64")
    dist = np.full(n, np.nan)
    for i, g in enumerate(geoms):
        if g is None or shapely.is_empty(g):
            continue
        r = max(float(max_snap_m), 1.0)
        cand = _near(network, g, r)
        while cand.size == 0:
            r *= 4.0
            cand = _near(network, g, r)
            if r > 1e8:
                break
        if cand.size == 0:
            continue
        d = shapely.distance(network.geometry[cand], g)
        best = float(d.min())
        if best > r:  # a nearer road may lie outside the boxes searched so far
            cand = _near(network, g, best)
            d = shapely.distance(network.geometry[cand], g)
        j = int(np.argmin(d))
        edge[i], dist[i] = cand[j], float(d[j])
    ok = (edge >= 0) & (dist <= max_snap_m)
    t = np.full(n, np.nan)
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    e = edge[ok]
    if e.size:
        t[ok] = shapely.line_locate_point(network.geometry[e], geoms[ok], normalized=True)
        pts = shapely.line_interpolate_point(network.geometry[e], t[ok], normalized=True)
        x[ok], y[ok] = shapely.get_x(pts), shapely.get_y(pts)
    edge[~ok] = -1
    return Snapped(edge, t, dist, ok, x, y)


# ----------------------------------------------------------------------------------- closures
def _close_matches(word: str, names: Sequence[str], n: int = 5) -> list[str]:
    sub = [x for x in names if word and (x in word or any(ch in x for ch in word))]
    close = difflib.get_close_matches(word, names, n=n, cutoff=0.3)
    # prefer difflib's ranking, then names sharing characters
    out: list[str] = []
    for x in close + sorted(sub, key=lambda s: -difflib.SequenceMatcher(None, word, s).ratio()):
        if x not in out:
            out.append(x)
    return out[:n]


def closures(
    network: RoadNetwork,
    *,
    names: Iterable[str] = (),
    osm_ids: Iterable[int | str] = (),
    areas: Any = None,
) -> np.ndarray:
    """Edges to close, as a boolean mask over the network's edges.

    Parameters
    ----------
    network
        The road network.
    names
        Road names. A name closes every edge whose name is exactly it; when no edge has that
        exact name, every edge whose name *contains* it (e.g. ``大桥`` closes 岚江大桥 and
        东岚大桥; the matched names are logged). Exact first so that ``青岚大道`` does not also
        close ``青岚大道南段``.
    osm_ids
        OSM way ids (or the road layer's feature ids).
    areas
        Polygons (GeoDataFrame/GeoSeries in any CRS): every edge whose geometry intersects one
        is closed.

    Returns
    -------
    ndarray of bool
        True for closed edges (both directions of a two-way road).

    Raises
    ------
    InputError
        For a name or id that matches no road (listing close matches), or areas that are not
        polygons or touch no road.
    """
    closed = np.zeros(network.n_edges, dtype=bool)
    names = [str(x).strip() for x in names if str(x).strip()]
    if names:
        road_names = network.name
        uniq_names: list[str] | None = None
        for nm in names:
            exact = road_names == nm
            if exact.any():
                closed |= exact
                continue
            if uniq_names is None:
                uniq_names = sorted({str(x) for x in set(road_names.tolist()) if x and str(x) != "nan"})
            hits = [x for x in uniq_names if nm in x]
            if hits:
                log.info("closed road %r: no road named exactly so; closing every road whose name contains it: %s",
                         nm, "、".join(hits))
                closed |= np.isin(road_names, np.array(hits, dtype=object))
                continue
            hint = _close_matches(nm, uniq_names)
            raise InputError(
                f"closed road {nm!r}: no road of that name in the network"
                + (f"; close matches: {'、'.join(hint)}" if hint else "")
                + " (give the name as on the map, or the OSM way id)"
            )
    ids = list(osm_ids)
    if ids:
        way = network.way_id
        for raw in ids:
            try:
                wid = int(str(raw).strip())
            except ValueError:
                raise InputError(f"closed OSM id {raw!r} is not a number (way ids look like 123456789)") from None
            hit = way == wid
            if not hit.any():
                uniq_ids = np.unique(way)
                near = uniq_ids[np.argsort(np.abs(uniq_ids - wid))[:5]]
                names_near = [f"{i} ({network.name[np.argmax(way == i)] or '无名'})" for i in near]
                raise InputError(f"closed OSM id {wid}: no road with that way id; nearest ids: {', '.join(names_near)}")
            closed |= hit
    if areas is not None:
        polys = _area_geoms(areas, network)
        n_area = 0
        for poly in polys:
            cand = _near(network, poly, 0.0)
            c = cand[shapely.intersects(network.geometry[cand], poly)]
            n_area += c.size
            closed[c] = True
            rev = network.reverse[c]
            closed[rev[rev >= 0]] = True
        if n_area == 0:
            # like a road name that matches nothing: a closure that closes nothing is an input error
            # (most often coordinates in another CRS than the file declares: GeoJSON without "crs" is WGS-84)
            what = f"closed area {areas}" if isinstance(areas, (str, Path)) else "closed area"

            def _lonlat(geoms: np.ndarray) -> str:
                box = shapely.box(*shapely.total_bounds(geoms))
                b = gpd.GeoSeries([box], crs=network.crs).to_crs(4326).total_bounds
                return f"{b[0]:.4f},{b[1]:.4f} – {b[2]:.4f},{b[3]:.4f}" if np.isfinite(b).all() else "not valid lon/lat"

            raise InputError(
                f"{what}: the polygons touch no road of the network (polygons {_lonlat(polys)}, roads "
                f"{_lonlat(network.geometry)}, WGS-84); draw the area over the roads to close, and check the "
                "file's CRS (a GeoJSON without \"crs\" is read as WGS-84)"
            )
    # a two-way road closes in both directions
    rev = network.reverse
    twin_closed = np.zeros_like(closed)
    has = rev >= 0
    twin_closed[has] = closed[rev[has]]
    closed |= twin_closed
    log.info("closures: %d of %d directed edges closed", int(closed.sum()), network.n_edges)
    return closed


def _area_geoms(areas: Any, network: RoadNetwork) -> np.ndarray:
    if isinstance(areas, (str, Path)):
        areas = read_closed_area(areas)
    if isinstance(areas, gpd.GeoDataFrame):
        areas = areas.geometry
    if not isinstance(areas, gpd.GeoSeries):
        raise InputError(f"closed area: expected polygons (GeoDataFrame or file), got {type(areas).__name__}")
    if areas.crs is None:
        raise InputError("closed area: the polygons have no CRS; save the file with one (GeoJSON is WGS-84)")
    g = areas[~(areas.is_empty | areas.isna())]
    types = set(g.geom_type)
    bad = types - {"Polygon", "MultiPolygon"}
    if bad or not len(g):
        raise InputError(
            f"closed area: needs polygons, got {', '.join(sorted(bad or {'nothing'}))}; draw the closed area as a polygon"
        )
    return np.asarray(g.to_crs(network.crs).values, dtype=object)


def read_closed_area(path: str | Path) -> gpd.GeoDataFrame:
    """Read a closed-area file (GeoJSON, GeoPackage, Shapefile) and check it holds polygons."""
    from yitu.errors import CRSError
    from yitu.gis.io import read_vector

    try:
        gdf = read_vector(path)
    except CRSError as exc:
        if "no coordinate system" not in str(exc):
            raise
        # read_vector's hint names `--crs`, which the drill does not have
        raise CRSError(
            f"{path}: the closed-area file declares no coordinate system (no .prj); save it with one "
            "(e.g. from QGIS with its .prj, or as GeoJSON in WGS-84 lon/lat)"
        ) from None
    g = gdf.geometry[~(gdf.geometry.is_empty | gdf.geometry.isna())]
    bad = sorted(set(g.geom_type) - {"Polygon", "MultiPolygon"})
    if bad or not len(g):
        raise InputError(
            f"{path}: a closed area must be polygons, the file holds {', '.join(bad) or 'no geometry'}; "
            "draw the closed area as a polygon"
        )
    return gdf


# ------------------------------------------------------------------------------------- the site
def parse_site(at: str, *, enterprises: gpd.GeoDataFrame | None = None,
               bounds: tuple[float, float, float, float] | None = None) -> Site:
    """The drill site from ``ENTERPRISE_ID`` or ``LON,LAT`` (WGS-84).

    Raises
    ------
    InputError
        Unknown enterprise id (close ids listed), coordinates outside China or the project.
    """
    from yitu.gis.crs import CHINA_BBOX

    text = str(at).strip().replace("，", ",")
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 2:
        try:
            lon, lat = float(parts[0]), float(parts[1])
        except ValueError:
            lon = lat = math.nan
        if not (math.isnan(lon) or math.isnan(lat)):
            in_china = CHINA_BBOX[0] <= lon <= CHINA_BBOX[2] and CHINA_BBOX[1] <= lat <= CHINA_BBOX[3]
            swapped = CHINA_BBOX[0] <= lat <= CHINA_BBOX[2] and CHINA_BBOX[1] <= lon <= CHINA_BBOX[3]
            if not in_china:
                hint = f"; did you mean {lat},{lon} (LON,LAT)?" if swapped else ""
                raise InputError(f"--at {at}: {lon},{lat} is outside China; give LON,LAT in WGS-84 degrees{hint}")
            if bounds is not None:
                b = bounds
                mx, my = 0.05 * (b[2] - b[0]), 0.05 * (b[3] - b[1])
                if not (b[0] - mx <= lon <= b[2] + mx and b[1] - my <= lat <= b[3] + my):
                    raise InputError(
                        f"--at {at}: the point is outside the project area "
                        f"({b[0]:.4f},{b[1]:.4f} – {b[2]:.4f},{b[3]:.4f}); give a point inside it (LON,LAT, WGS-84)"
                    )
            return Site(f"{lon:.6f},{lat:.6f}", f"坐标点 {lon:.6f},{lat:.6f}", shapely.Point(lon, lat), "point")
    if enterprises is None or not len(enterprises):
        raise InputError(f"--at {at}: not LON,LAT and the project has no enterprises layer to look the id up in")
    ids = enterprises["id"].astype(str).str.strip()
    hit = np.flatnonzero((ids == text).to_numpy())
    if hit.size == 0:
        hint = difflib.get_close_matches(text, ids.tolist(), n=5, cutoff=0.5)
        raise InputError(
            f"--at {at}: no enterprise with id {text!r}"
            + (f"; close ids: {', '.join(hint)}" if hint else "")
            + " (give an enterprise id from the enterprises layer, or LON,LAT)"
        )
    row = enterprises.iloc[int(hit[0])]
    geom = row.geometry
    if geom is None or geom.is_empty:
        raise InputError(f"--at {at}: enterprise {text} has no location; fix its coordinates in the enterprises layer")
    if enterprises.crs is not None and not enterprises.crs.equals(4326):
        geom = gpd.GeoSeries([geom], crs=enterprises.crs).to_crs(4326).iloc[0]
    return Site(text, str(row.get("name", text)), geom, "enterprise")


# ------------------------------------------------------------------------------ snapping helpers
def _resnap_closed(network: RoadNetwork, geoms: np.ndarray, s: Snapped, open_edge: np.ndarray,
                   max_snap_m: float) -> tuple[Snapped, np.ndarray]:
    """Points on a closed road go to the nearest open road within ``max_snap_m``.

    Returns the new snap and a mask of points that have no open road within reach.
    """
    edge, t, dist, ok, x, y = (a.copy() for a in (s.edge, s.t, s.dist_m, s.ok, s.x, s.y))
    stranded = np.zeros(len(s), dtype=bool)
    moved = np.flatnonzero(ok & ~open_edge[np.maximum(edge, 0)])
    if moved.size == 0:
        return s, stranded
    rev = network.reverse
    for i in moved:
        cand = _near(network, geoms[i], max_snap_m)
        cand = np.where(open_edge[cand], cand, np.where(rev[cand] >= 0, rev[cand], cand))
        cand = cand[open_edge[cand]]
        if cand.size == 0:
            ok[i], edge[i], stranded[i] = False, -1, True
            t[i] = x[i] = y[i] = np.nan
            continue
        d = shapely.distance(network.geometry[cand], geoms[i])
        j = int(np.argmin(d))
        e = int(cand[j])
        edge[i], dist[i] = e, float(d[j])
        t[i] = float(shapely.line_locate_point(network.geometry[e], geoms[i], normalized=True))
        p = shapely.line_interpolate_point(network.geometry[e], t[i], normalized=True)
        x[i], y[i] = p.x, p.y
    return Snapped(edge, t, dist, ok, x, y), stranded


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


def _amount_table(stations: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(index=stations.index)
    for k in (*VEHICLES, "personnel"):
        col = stations[k] if k in stations else pd.Series(0, index=stations.index)
        out[k] = pd.to_numeric(col, errors="coerce").fillna(0).astype("int64")
    out["vehicles"] = out[list(VEHICLES)].sum(axis=1).astype("int64")
    foam = stations["foam_t"] if "foam_t" in stations else pd.Series(0.0, index=stations.index)
    out["foam_t"] = pd.to_numeric(foam, errors="coerce").fillna(0.0).astype("float64")
    return out


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
        raise InputError(
            f"hazard {hazard!r}: no requirement profile; defined: {', '.join(sorted(settings.requirements)) or 'none'} "
            "(add [[drill.requirements.NAME]] lines to yitu.toml)"
        )
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
        raise InputError(
            f"site {site.site_id}: no {'open ' if open_edge is not None else ''}road within {max_snap:g} m "
            f"(nearest road {d:.0f} m away); pick a site near a road or raise routing.max_snap_m in yitu.toml"
        )
    site_access_s = float(ss.dist_m[0]) / access_mps

    # stations
    st = stations.reset_index(drop=True)
    ids = st["id"].astype(str).to_numpy() if "id" in st else np.arange(len(st)).astype(str)
    dup = pd.Series(ids).duplicated(keep=False).to_numpy()
    if dup.any():  # forces, routes and the before/after comparison are keyed by station id
        raise InputError(
            f"stations: the same id on several stations ({', '.join(sorted(set(map(str, ids[dup])))[:10])}); "
            "give every station its own id in the stations layer"
        )
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
    reason[far] = [f"距最近道路 {d:.0f} 米，超过 {max_snap:g} 米 (farther than max_snap_m from any road)"
                   if np.isfinite(d) else "无位置 (no location)" for d in sn.dist_m[far]]
    reason[stranded] = f"{max_snap:g} 米内道路均已封闭 (every road within max_snap_m is closed)"
    reason[ok & ~reach] = "道路不通：封闭或路网断开 (no open road path to the site)"
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
                    log.warning("route of station %d: %d step(s) without an open edge", k, int((edges < 0).sum()))
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


# ----------------------------------------------------------------------------- curve, lines
def force_curve(forces: pd.DataFrame, *, horizon_min: float = 30.0) -> pd.DataFrame:
    """Cumulative forces, vehicles by type, personnel and foam on site at each whole minute.

    A force counts at minute ``m`` when its arrival is ``<= m``. Rows run from 0 to the later of
    ``horizon_min`` and the last arrival (rounded up).
    """
    reach = forces["status"].to_numpy() == "reachable"
    arr = forces["arrival_min"].to_numpy(dtype="float64")[reach]
    last = float(np.nanmax(arr)) if arr.size else 0.0
    top = int(math.ceil(max(horizon_min, last)))
    minute = np.arange(top + 1, dtype="float64")
    order = np.argsort(arr, kind="stable")
    arr_sorted = arr[order]
    count = np.searchsorted(arr_sorted, minute, side="right")
    out = pd.DataFrame({"minute": minute.astype("int64"), "forces": count.astype("int64")})
    for col in (*VEHICLES, "vehicles", "personnel", "foam_t"):
        vals = forces[col].to_numpy(dtype="float64")[reach][order]
        cum = np.concatenate([[0.0], np.cumsum(vals)])[count]
        out[col] = cum if col == "foam_t" else cum.astype("int64")
    return out


def _on_site(forces: pd.DataFrame, minutes: Sequence[float]) -> pd.DataFrame:
    reach = (forces["status"] == "reachable").to_numpy()
    arr = forces["arrival_min"].to_numpy(dtype="float64")
    rows = []
    for m in minutes:
        sel = reach & (arr <= float(m))
        row: dict[str, Any] = {"minute": float(m), "forces": int(sel.sum())}
        for col in (*VEHICLES, "vehicles", "personnel"):
            row[col] = int(forces[col].to_numpy()[sel].sum())
        row["foam_t"] = float(forces["foam_t"].to_numpy()[sel].sum())
        row["stations"] = "、".join(forces["station_name"].to_numpy()[sel].astype(str))
        rows.append(row)
    return pd.DataFrame(rows)


def _fmt(v: float, what: str) -> str:
    return f"{v:.1f}" if what == "foam_t" else f"{v:g}"


def evaluate_requirements(forces: pd.DataFrame, lines: Sequence[RequirementLine]) -> pd.DataFrame:
    """Each requirement line MET / NOT MET, with the amount on site by its deadline and by how much.

    A force counts when ``arrival_min <= by_min`` (arriving exactly at the deadline counts), and
    a line is MET when that amount is ``>= min``.

    Returns
    -------
    DataFrame
        ``label``, ``what``, ``required``, ``by_min``, ``on_site``, ``status`` (MET / NOT MET),
        ``shortfall`` (0 when met), ``surplus``, ``met_at_min`` (when the cumulative amount first
        reaches ``min``; NaN when never), ``margin_min`` (``by_min - met_at_min``: > 0 early,
        < 0 late), ``detail`` (a sentence in Chinese).
    """
    reach = (forces["status"] == "reachable").to_numpy() if len(forces) else np.zeros(0, dtype=bool)
    arr = forces["arrival_min"].to_numpy(dtype="float64")[reach] if len(forces) else np.zeros(0)
    order = np.argsort(arr, kind="stable")
    arr_sorted = arr[order]
    rows = []
    for ln in lines:
        if ln.what not in AMOUNTS:
            raise InputError(
                f"requirement {ln.label!r}: unknown what={ln.what!r}; use one of {', '.join(AMOUNTS)} (yitu.toml [[drill.requirements]])"
            )
        if ln.what == "forces":
            vals = np.ones(int(reach.sum()))
        else:
            vals = forces[ln.what].to_numpy(dtype="float64")[reach]
        cum = np.cumsum(vals[order])
        on = float(vals[arr <= float(ln.by_min)].sum())
        met = on >= float(ln.min)
        if float(ln.min) <= 0:
            met_at = 0.0
        else:
            j = np.flatnonzero(cum >= float(ln.min))
            met_at = float(arr_sorted[j[0]]) if j.size else math.nan
        margin = float(ln.by_min) - met_at if not math.isnan(met_at) else math.nan
        unit = _UNITS[ln.what]
        if met:
            detail = f"{float(ln.by_min):g} 分钟内到场 {_fmt(on, ln.what)} {unit}（要求 {_fmt(float(ln.min), ln.what)}），" \
                     f"第 {met_at:.1f} 分钟满足，提前 {margin:.1f} 分钟"
        elif math.isnan(met_at):
            total = float(vals.sum())
            detail = f"{float(ln.by_min):g} 分钟内仅到场 {_fmt(on, ln.what)} {unit}，缺 {_fmt(float(ln.min) - on, ln.what)} {unit}；" \
                     f"全部可达力量合计 {_fmt(total, ln.what)} {unit}，始终不满足"
        else:
            detail = f"{float(ln.by_min):g} 分钟内仅到场 {_fmt(on, ln.what)} {unit}，缺 {_fmt(float(ln.min) - on, ln.what)} {unit}；" \
                     f"第 {met_at:.1f} 分钟才满足，晚 {-margin:.1f} 分钟"
        rows.append({
            "label": ln.label, "what": ln.what, "required": float(ln.min), "by_min": float(ln.by_min), "on_site": on,
            "status": "MET" if met else "NOT MET", "shortfall": max(0.0, float(ln.min) - on),
            "surplus": max(0.0, on - float(ln.min)), "met_at_min": met_at, "margin_min": margin, "detail": detail,
        })
    cols = ["label", "what", "required", "by_min", "on_site", "status", "shortfall", "surplus", "met_at_min",
            "margin_min", "detail"]
    return pd.DataFrame(rows, columns=cols)


def compare(before: DrillResult, after: DrillResult) -> pd.DataFrame:
    """Per force: arrival before and after the closures, the delay and the rank change.

    ``delay_min`` is NaN when the force is unreachable in either scenario (``status_after`` says
    which); forces are sorted by delay, largest first, then by arrival after.
    """
    b = before.forces.set_index("station_id")
    a = after.forces.set_index("station_id")
    out = pd.DataFrame({
        "station_id": b.index.to_numpy(),
        "station_name": b["station_name"].to_numpy(),
        "arrival_before": b["arrival_min"].to_numpy(),
        "arrival_after": a.loc[b.index, "arrival_min"].to_numpy(),
        "rank_before": b["rank"].array,
        "rank_after": a.loc[b.index, "rank"].array,
        "status_before": b["status"].to_numpy(),
        "status_after": a.loc[b.index, "status"].to_numpy(),
    })
    out["delay_min"] = out["arrival_after"] - out["arrival_before"]
    lost = (out["status_before"] == "reachable") & (out["status_after"] != "reachable")
    out["change"] = np.where(lost, "不可达 (cut off)", np.where(out["delay_min"] > 1e-6, "延误 (later)",
                             np.where(out["delay_min"] < -1e-6, "提前 (earlier)", "")))
    out = out.sort_values(["delay_min", "arrival_after"], ascending=[False, True], na_position="first", kind="stable")
    lost_first = np.argsort(~lost.loc[out.index].to_numpy(), kind="stable")
    return out.iloc[lost_first].reset_index(drop=True)


# ---------------------------------------------------------------------------- project adapter
def run_drill(
    project: Any,
    *,
    at: str,
    hazard: str = "fire",
    closed_names: Sequence[str] = (),
    closed_ids: Sequence[int | str] = (),
    closed_area: str | Path | gpd.GeoDataFrame | None = None,
    profile: str = "fire_engine",
    write: bool = True,
    network: RoadNetwork | None = None,
) -> tuple[DrillResult, DrillResult | None]:
    """A drill on a project: the scenario as is and, with closures, the scenario with them.

    Loads the network with :func:`yitu.routing.build.load_network`, stores the result layers
    ``result_drill_forces`` (station points) and ``result_drill_routes`` (routes), each with a
    ``scenario`` column (``before`` / ``after``), and writes ``output/drill/forces.csv``,
    ``curve.csv``, ``requirements.csv`` (``*_after.csv`` and ``compare.csv`` with closures) and
    ``drill.xlsx``.

    Returns
    -------
    tuple
        ``(before, after)``; ``after`` is None when nothing is closed.
    """
    settings = project.settings
    site = parse_site(at, enterprises=project.read_optional("enterprises"), bounds=project.bounds())
    stations = project.read("stations")
    if network is None:
        from yitu.routing.build import load_network

        network = load_network(project, profile=profile)
    before = drill(network, stations, site, hazard=hazard, settings=settings)
    after = None
    if closed_names or closed_ids or closed_area is not None:
        mask = closures(network, names=closed_names, osm_ids=closed_ids, areas=closed_area)
        what = [*map(str, closed_names), *(f"OSM {i}" for i in closed_ids)]
        if closed_area is not None:
            what.append(f"区域 {Path(closed_area).name if isinstance(closed_area, (str, Path)) else '多边形'}")
        after = drill(network, stations, site, hazard=hazard, settings=settings, closed=mask, closed_what=what)
    if write:
        write_drill(project, before, after, stations=stations)
    return before, after


def write_drill(project: Any, before: DrillResult, after: DrillResult | None, *,
                stations: gpd.GeoDataFrame | None = None) -> dict[str, Path]:
    """Store the result layers and write ``output/drill/*.csv`` and ``drill.xlsx``."""
    from yitu.gis.io import write_csv, write_xlsx

    stations = project.read("stations") if stations is None else stations
    pts = stations[["id", "geometry"]].rename(columns={"id": "station_id"}).to_crs(4326)
    layers_f, layers_r = [], []
    for name, res in (("before", before), ("after", after)):
        if res is None:
            continue
        f = pts.merge(res.forces, on="station_id", how="right")
        f = gpd.GeoDataFrame(f, geometry="geometry", crs=4326)
        f.insert(0, "scenario", name)
        f.insert(1, "site_id", res.site.site_id)
        f.insert(2, "hazard", res.hazard)
        f["rank"] = f["rank"].astype("float64")
        layers_f.append(f)
        r = res.routes.copy()
        r.insert(0, "scenario", name)
        r["rank"] = r["rank"].astype("float64")
        layers_r.append(r)
    project.write("result_drill_forces", gpd.GeoDataFrame(pd.concat(layers_f, ignore_index=True), crs=4326))
    project.write("result_drill_routes", gpd.GeoDataFrame(pd.concat(layers_r, ignore_index=True), crs=4326))
    out = project.output_dir / "drill"
    paths: dict[str, Path] = {}
    sheets: dict[str, pd.DataFrame] = {}
    for suffix, res in (("", before), ("_after", after)):
        if res is None:
            continue
        for key, df in (("forces", res.forces), ("curve", res.curve), ("on_site", res.on_site),
                        ("requirements", res.requirements)):
            paths[key + suffix] = write_csv(df, out / f"{key}{suffix}.csv")
            sheets[key + suffix] = df
    if after is not None:
        cmp = compare(before, after)
        paths["compare"] = write_csv(cmp, out / "compare.csv")
        sheets["compare"] = cmp
    paths["xlsx"] = write_xlsx(sheets, out / "drill.xlsx")
    log.info("drill results written to %s", out)
    return paths
