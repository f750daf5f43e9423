"""Drill sites and road closures: parse ``--at``, snap a few points, close roads by name, id or area.

Part of :mod:`yitu.routing.drill` (the public names are importable from there).
"""

from __future__ import annotations

import difflib
import logging
import math
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import geopandas as gpd
import numpy as np
import shapely

from yitu.errors import InputError
from yitu.routing.network import RoadNetwork
from yitu.routing.snap import _TREES, Snapped, snap
from yitu.words import listed, msg, tr

log = logging.getLogger(__name__)

__all__ = ["Site", "closures", "read_closed_area", "parse_site"]


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
                log.info(msg("drill.log.closed_contains", name=nm, hits=listed(hits)))
                closed |= np.isin(road_names, np.array(hits, dtype=object))
                continue
            hint = _close_matches(nm, uniq_names)
            raise InputError(tr("drill.err.closed_name", name=nm,
                                hint=tr("drill.err.close_matches", names=listed(hint)) if hint else ""))
    ids = list(osm_ids)
    if ids:
        way = network.way_id
        for raw in ids:
            try:
                wid = int(str(raw).strip())
            except ValueError:
                raise InputError(tr("drill.err.osm_id_nan", raw=raw)) from None
            hit = way == wid
            if not hit.any():
                uniq_ids = np.unique(way)
                near = uniq_ids[np.argsort(np.abs(uniq_ids - wid))[:5]]
                names_near = [f"{i} ({network.name[np.argmax(way == i)] or tr('drill.err.unnamed')})" for i in near]
                raise InputError(tr("drill.err.osm_id_none", wid=wid, near=", ".join(names_near)))
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
            what = tr("drill.err.closed_area_file", file=areas) if isinstance(areas, (str, Path)) else tr("drill.err.closed_area")

            def _lonlat(geoms: np.ndarray) -> str:
                box = shapely.box(*shapely.total_bounds(geoms))
                b = gpd.GeoSeries([box], crs=network.crs).to_crs(4326).total_bounds
                return f"{b[0]:.4f},{b[1]:.4f} – {b[2]:.4f},{b[3]:.4f}" if np.isfinite(b).all() else tr("drill.err.not_lonlat")

            raise InputError(tr("drill.err.area_no_road", what=what, polygons=_lonlat(polys), roads=_lonlat(network.geometry)))
    # a two-way road closes in both directions
    rev = network.reverse
    twin_closed = np.zeros_like(closed)
    has = rev >= 0
    twin_closed[has] = closed[rev[has]]
    closed |= twin_closed
    log.info(msg("drill.log.closures", n=int(closed.sum()), total=network.n_edges))
    return closed


def _area_geoms(areas: Any, network: RoadNetwork) -> np.ndarray:
    if isinstance(areas, (str, Path)):
        areas = read_closed_area(areas)
    if isinstance(areas, gpd.GeoDataFrame):
        areas = areas.geometry
    if not isinstance(areas, gpd.GeoSeries):
        raise InputError(f"closed area: expected polygons (GeoDataFrame or file), got {type(areas).__name__}")
    if areas.crs is None:
        raise InputError(tr("drill.err.area_no_crs"))
    g = areas[~(areas.is_empty | areas.isna())]
    types = set(g.geom_type)
    bad = types - {"Polygon", "MultiPolygon"}
    if bad or not len(g):
        raise InputError(tr("drill.err.area_not_polygons", got=", ".join(sorted(bad)) or tr("value.none")))
    return np.asarray(g.to_crs(network.crs).values, dtype=object)


def read_closed_area(path: str | Path) -> gpd.GeoDataFrame:
    """Read a closed-area file (GeoJSON, GeoPackage, Shapefile) and check it holds polygons."""
    from yitu.errors import CRSError
    from yitu.gis.io import read_vector

    try:
        gdf = read_vector(path)
    except CRSError as exc:
        if getattr(exc, "words_key", None) != "io.no_crs":
            raise
        # read_vector's hint names `--crs`, which the drill does not have
        raise CRSError(tr("drill.err.area_file_no_crs", path=path)) from None
    g = gdf.geometry[~(gdf.geometry.is_empty | gdf.geometry.isna())]
    bad = sorted(set(g.geom_type) - {"Polygon", "MultiPolygon"})
    if bad or not len(g):
        raise InputError(tr("drill.err.area_file_not_polygons", path=path, got=", ".join(bad) or tr("value.none")))
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
                hint = tr("drill.err.swapped", lon=lat, lat=lon) if swapped else ""
                raise InputError(tr("drill.err.at_outside_china", at=at, lon=lon, lat=lat, hint=hint))
            if bounds is not None:
                b = bounds
                mx, my = 0.05 * (b[2] - b[0]), 0.05 * (b[3] - b[1])
                if not (b[0] - mx <= lon <= b[2] + mx and b[1] - my <= lat <= b[3] + my):
                    raise InputError(tr("drill.err.at_outside_area", at=at, area=f"{b[0]:.4f},{b[1]:.4f} – {b[2]:.4f},{b[3]:.4f}"))
            return Site(f"{lon:.6f},{lat:.6f}", f"坐标点 {lon:.6f},{lat:.6f}", shapely.Point(lon, lat), "point")
    if enterprises is None or not len(enterprises):
        raise InputError(tr("drill.err.at_no_enterprises", at=at))
    ids = enterprises["id"].astype(str).str.strip()
    hit = np.flatnonzero((ids == text).to_numpy())
    if hit.size == 0:
        hint = difflib.get_close_matches(text, ids.tolist(), n=5, cutoff=0.5)
        raise InputError(tr("drill.err.at_no_enterprise", at=at, id=text,
                            hint=tr("drill.err.close_ids", ids=", ".join(hint)) if hint else ""))
    row = enterprises.iloc[int(hit[0])]
    geom = row.geometry
    if geom is None or geom.is_empty:
        raise InputError(tr("drill.err.at_no_location", at=at, id=text))
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


