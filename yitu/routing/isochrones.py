"""Isochrones and responsibility areas: the road a station reaches within 5/10/15 minutes (partial
edges cut where the time runs out), buffered by the off-road distance; and each piece of road
assigned to the station that reaches it first.

Results are polygons in the network's metric CRS (so areas are in m²; ``Project.write`` stores
them in EPSG:4326). Bands do not overlap: band 10 is the area reached in (5, 10] minutes, i.e.
the 10-minute polygon minus the 5-minute one. Areas where no road is reached within a band stay
holes. By default the bands are drawn on a grid (:mod:`yitu.routing.timefield`: a time field per
station, contoured; stations in parallel threads); with ``exact=True`` edge pieces are cut with
numpy on the edge coordinates, and each polygon is one GEOS buffer of the union of its pieces.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from yitu.errors import InputError
from yitu.routing.coverage import station_labels, station_offsets
from yitu.routing.engine import node_times, reach
from yitu.routing.network import RoadNetwork
from yitu.routing.snap import Snapped, snap
from yitu.routing.timefield import (
    GRID_CELLS_PER_BUFFER,
    MinCanvas,
    Scratch,
    contour_bands,
    contour_generator,
    far_value,
    field_of,
    filled,
    grid_bands,
    pieces,
    prepare_in_background,
    run_stations,
    workers_default,
)
from yitu.settings import Settings, default_settings
from yitu.words import listed, msg, tr
from yitu.words.numbers import qty

log = logging.getLogger(__name__)

__all__ = ["ALL_STATIONS", "isochrones", "responsibility_areas", "reached_pieces", "substrings", "placed_stations"]

ALL_STATIONS = "ALL"
_QUAD_SEGS = 4  # buffer roundness: enough for maps, much faster than the default 8
_GRID_SIZE = 0.01  # overlay precision (m): snap-rounding keeps GEOS differences robust


def substrings(geoms: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The part of each line between fractions ``start`` and ``end`` of its length (vectorised).

    Parameters
    ----------
    geoms
        LineStrings.
    start, end
        Fractions 0..1 with ``start < end`` (per line).

    Returns
    -------
    ndarray
        LineStrings from the point at ``start`` through the vertices in between to ``end``.
    """
    geoms = np.asarray(geoms, dtype=object)
    n = geoms.size
    if n == 0:
        return np.zeros(0, dtype=object)
    start = np.clip(np.asarray(start, dtype="float64"), 0.0, 1.0)
    end = np.clip(np.asarray(end, dtype="float64"), 0.0, 1.0)
    coords, idx = shapely.get_coordinates(geoms, return_index=True)
    seg = np.zeros(coords.shape[0])
    same = idx[1:] == idx[:-1]
    seg[1:] = np.where(same, np.hypot(*(coords[1:] - coords[:-1]).T), 0.0)
    cum = np.cumsum(seg)
    first = np.searchsorted(idx, np.arange(n))
    local = cum - cum[first][idx]
    length = shapely.length(geoms)
    da, db = start * length, end * length
    inner = (local > da[idx]) & (local < db[idx])
    pa = shapely.get_coordinates(shapely.line_interpolate_point(geoms, da))
    pb = shapely.get_coordinates(shapely.line_interpolate_point(geoms, db))
    xy = np.concatenate([pa, coords[inner], pb])
    line = np.concatenate([np.arange(n), idx[inner], np.arange(n)])
    pos = np.concatenate([da, local[inner], db])
    tie = np.concatenate([np.zeros(n), np.ones(int(inner.sum())), np.full(n, 2.0)])
    order = np.lexsort((tie, pos, line))
    return shapely.linestrings(xy[order], indices=line[order])


def placed_stations(
    network: RoadNetwork, stations: gpd.GeoDataFrame, *, settings: Settings
) -> tuple[Snapped, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Snap stations; returns (snapped placed stations, offset_s, ids, names, positions kept).

    Stations farther than ``routing.max_snap_m`` from any road are left out with a warning.
    """
    ids, names = station_labels(stations)
    turnout_s, _ = station_offsets(stations, settings=settings)
    sn = snap(network, stations, max_snap_m=settings.routing.max_snap_m)
    keep = np.flatnonzero(sn.ok)
    if keep.size < len(sn):
        bad = np.flatnonzero(~sn.ok)
        log.warning(msg("isochrones.log.off_network", n=bad.size, stations=listed(
            [msg("isochrones.log.station_far", id=ids[i], dist=qty(sn.dist_m[i], "m")) for i in bad])))
    offset = turnout_s[keep] + sn.dist_m[keep] / (settings.routing.access_speed_kmh / 3.6)
    return sn.take(keep), offset, ids[keep], names[keep], keep


def reached_pieces(
    network: RoadNetwork,
    node_time: np.ndarray,
    limit_s: float,
    *,
    sources: Snapped | None = None,
    offset_s: np.ndarray | None = None,
) -> np.ndarray:
    """Road pieces reached within ``limit_s``: whole edges, and partial edges cut where time runs out.

    A directed edge ``u -> v`` is reached from ``u`` up to the fraction ``(limit - t_u) / time``;
    a two-way piece is also reached from ``v`` over its twin. The edges the ``sources`` sit on are
    reached from the source itself in both allowed directions.

    Returns
    -------
    ndarray
        LineStrings in the network CRS (one or two per reached physical road piece, plus the
        sources' own pieces).
    """
    net = network
    tu = node_time[net.u]
    a = np.clip((limit_s - tu) / np.maximum(net.time_s, 1e-9), 0.0, 1.0)
    a[~np.isfinite(tu)] = 0.0
    canon = net.canonical
    is_canon = canon == np.arange(net.n_edges)
    # per canonical edge: reached from its tail up to A, and (over the twin) from B to its head
    A = np.zeros(net.n_edges)
    A[is_canon] = a[is_canon]
    B = np.ones(net.n_edges)
    tw = ~is_canon
    B[canon[tw]] = 1.0 - a[tw]
    c = np.flatnonzero(is_canon)
    Ac, Bc = A[c], B[c]
    whole = Ac >= Bc
    parts = [net.geometry[c[whole]]]
    head = ~whole & (Ac > 0)
    tail = ~whole & (Bc < 1)
    lo = np.concatenate([np.zeros(int(head.sum())), Bc[tail]])
    hi = np.concatenate([Ac[head], np.ones(int(tail.sum()))])
    pe = np.concatenate([c[head], c[tail]])
    if sources is not None and len(sources):
        off = np.zeros(len(sources)) if offset_s is None else np.asarray(offset_s, dtype="float64")
        e, t = sources.edge, sources.t
        fwd = np.clip((limit_s - off) / np.maximum(net.time_s[e], 1e-9), 0.0, 1.0)
        rev = net.reverse[e]
        t_rev = np.maximum(net.time_s[np.maximum(rev, 0)], 1e-9)
        bwd = np.where(rev >= 0, np.clip((limit_s - off) / t_rev, 0.0, 1.0), 0.0)
        lo = np.concatenate([lo, t, np.maximum(t - bwd, 0.0)])
        hi = np.concatenate([hi, np.minimum(t + fwd, 1.0), t])
        pe = np.concatenate([pe, e, e])
    length = net.length_m[pe]
    ok = (hi - lo) * length > 1e-6
    parts.append(substrings(net.geometry[pe[ok]], lo[ok], hi[ok]))
    return np.concatenate(parts)


def _buffer(lines: np.ndarray, buffer_m: float) -> Any:
    """Exact buffer of the union of ``lines`` (GEOS; slow for tens of thousands of pieces)."""
    if lines.size == 0:
        return shapely.Polygon()
    return shapely.buffer(shapely.multilinestrings(lines), buffer_m, quad_segs=_QUAD_SEGS)


def _grid_fill(field: np.ndarray, x0: float, y0: float, cell: float, upper: float) -> Any:
    """Polygons (with holes) where a grid field is <= ``upper``; grid values sit at cell centres."""
    geom = filled(contour_generator(field, x0, y0, cell), -1.0, upper)
    if geom.is_empty:
        return geom
    geom = shapely.simplify(geom, cell * 0.25, preserve_topology=True)
    if not shapely.is_valid(geom):
        geom = shapely.make_valid(geom, method="structure", keep_collapsed=False)
    return _polygonal(geom)


def _polygonal(geom: Any) -> Any:
    """Only the polygon parts of a geometry (overlays may return collections with slivers of lines)."""
    if shapely.get_type_id(geom) in (3, 6):
        return geom
    parts = shapely.get_parts(geom)
    parts = parts[np.isin(shapely.get_type_id(parts), (3, 6))]
    return shapely.union_all(parts) if parts.size else shapely.Polygon()


def _sample_points(lines: np.ndarray, step: float) -> tuple[np.ndarray, np.ndarray]:
    """Points along ``lines`` no more than ``step`` apart (the vertices included), and the line
    index of each point; numpy on the coordinates, no new geometries."""
    coords, idx = shapely.get_coordinates(lines, return_index=True)
    if coords.shape[0] < 2:
        return coords, idx
    a, b = coords[:-1], coords[1:]
    same = idx[1:] == idx[:-1]
    a, b, li = a[same], b[same], idx[:-1][same]
    seg = np.hypot(*(b - a).T)
    k = np.maximum(np.ceil(seg / step).astype("int64"), 1)
    rep = np.repeat(np.arange(seg.size), k)
    start = np.repeat(np.cumsum(k) - k, k)
    frac = (np.arange(rep.size) - start) / k[rep]
    pts = a[rep] + (b[rep] - a[rep]) * frac[:, None]
    return np.concatenate([pts, coords]), np.concatenate([li[rep], idx])


def _grid(
    lines: np.ndarray, buffer_m: float, cell: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float, tuple[int, int]]:
    """Cell indices (iy, ix) of points every cell along ``lines``, their line index, grid origin and shape."""
    pts, li = _sample_points(lines, cell)
    pad = buffer_m + 3 * cell
    x0 = float(np.floor((pts[:, 0].min() - pad) / cell) * cell)
    y0 = float(np.floor((pts[:, 1].min() - pad) / cell) * cell)
    nx = int(np.ceil((pts[:, 0].max() + pad - x0) / cell)) + 1
    ny = int(np.ceil((pts[:, 1].max() + pad - y0) / cell)) + 1
    ix = ((pts[:, 0] - x0) / cell).astype("int64")
    iy = ((pts[:, 1] - y0) / cell).astype("int64")
    return iy, ix, li, x0, y0, (ny, nx)


def _buffer_grid(lines: np.ndarray, buffer_m: float, cell: float) -> Any:
    """The buffer of ``lines`` on a grid: distance transform of the cells the lines cross, contoured.

    Every point of the lines is inside; the edge lies within about a cell of ``buffer_m``.
    """
    from scipy.ndimage import distance_transform_edt

    if lines.size == 0:
        return shapely.Polygon()
    iy, ix, _, x0, y0, shape = _grid(lines, buffer_m, cell)
    free = np.ones(shape, dtype=bool)
    free[iy, ix] = False
    dist = distance_transform_edt(free)
    return _grid_fill(dist, x0, y0, cell, buffer_m / cell)


def _polygonize(lines: np.ndarray, buffer_m: float, exact: bool) -> Any:
    return _buffer(lines, buffer_m) if exact else _buffer_grid(lines, buffer_m, buffer_m / GRID_CELLS_PER_BUFFER)


def _bands(
    network: RoadNetwork, node_time: np.ndarray, bands_s: np.ndarray, buffer_m: float, sources: Snapped,
    offset: np.ndarray, exact: bool = False,
) -> list[Any]:
    """Non-overlapping band polygons: cumulative polygons, each minus the previous one."""
    cum = [_polygonize(reached_pieces(network, node_time, b, sources=sources, offset_s=offset), buffer_m, exact)
           for b in bands_s]
    out = [cum[0]]
    prev = cum[0]
    for k in range(1, len(cum)):
        out.append(_polygonal(shapely.difference(cum[k], prev, grid_size=_GRID_SIZE)) if not prev.is_empty else cum[k])
        prev = _polygonal(shapely.union(prev, cum[k], grid_size=_GRID_SIZE))  # nested even where grid rounding is not
    return out


def _label_areas(lines: np.ndarray, label: np.ndarray, n_labels: int, buffer_m: float, *, exact: bool) -> list[Any]:
    """One polygon per label: the buffer of its lines, each place given to the label of the nearest line."""
    if exact:
        order = np.argsort(label, kind="stable")
        lab, ln = label[order], lines[order]
        bounds = np.searchsorted(lab, np.arange(n_labels + 1))
        return [_buffer(ln[bounds[k]:bounds[k + 1]], buffer_m) for k in range(n_labels)]
    from scipy.ndimage import distance_transform_edt

    cell = buffer_m / GRID_CELLS_PER_BUFFER
    if lines.size == 0:
        return [shapely.Polygon() for _ in range(n_labels)]
    iy, ix, li, x0, y0, (ny, nx) = _grid(lines, buffer_m, cell)
    lab = np.full((ny, nx), -1, dtype="int64")
    lab[iy, ix] = label[li]
    dist, (ny_i, nx_i) = distance_transform_edt(lab < 0, return_indices=True)
    near = lab[ny_i, nx_i]
    near[dist > buffer_m / cell - 0.5] = -1  # beyond the buffer (the contour adds half a cell)
    out = []
    for k in range(n_labels):  # one contour per station, on the station's own window
        rows = np.flatnonzero((near == k).any(axis=1))
        cols = np.flatnonzero((near == k).any(axis=0))
        if rows.size == 0:
            out.append(shapely.Polygon())
            continue
        r0, r1 = max(rows[0] - 2, 0), min(rows[-1] + 3, ny)
        c0, c1 = max(cols[0] - 2, 0), min(cols[-1] + 3, nx)
        # a 0/1 field contoured at 0.5: neighbouring stations share the same edge (no gap, no overlap)
        field = np.where(near[r0:r1, c0:c1] == k, 0.0, 1.0)
        out.append(_grid_fill(field, x0 + c0 * cell, y0 + r0 * cell, cell, 0.5))
    return out


def _check_bands(bands_min: Any) -> np.ndarray:
    bands = np.asarray(sorted({float(b) for b in bands_min}), dtype="float64")
    if bands.size == 0 or not np.isfinite(bands).all() or (bands <= 0).any():
        raise InputError(tr("isochrones.err.bands", bands=list(bands_min)))
    return bands


def _exact_bands(
    network: RoadNetwork, src: Snapped, offset: np.ndarray, ids: np.ndarray, names: np.ndarray, bands_s: np.ndarray,
    buf: float, *, per_station: bool, include_all: bool, add: Callable[[str, str, list[Any]], None],
) -> None:
    """The exact (GEOS buffer) bands: per station, then all stations from one multi-source search."""
    limit = float(bands_s[-1])

    def polygons(nodes: np.ndarray, times: np.ndarray, sub: Snapped, off: np.ndarray) -> list[Any]:
        node_time = np.full(network.n_nodes, np.inf)
        node_time[nodes] = times
        return _bands(network, node_time, bands_s, buf, sub, off, exact=True)

    if per_station and len(src):
        r = reach(network, src, None, offset_s=offset, limit_s=limit)
        for i in range(len(src)):
            nodes, times = r.row(i)
            add(str(ids[i]), str(names[i]), polygons(nodes, times, src.take(np.array([i])), offset[[i]]))
    if include_all and len(src):
        t_all, _ = node_times(network, src, offset_s=offset, limit_s=limit)
        nodes = np.flatnonzero(np.isfinite(t_all))
        add(ALL_STATIONS, "全部站点", polygons(nodes, t_all[nodes], src, offset))


def _grid_isochrones(
    network: RoadNetwork, src: Snapped, offset: np.ndarray, ids: np.ndarray, names: np.ndarray, bands_s: np.ndarray,
    buf: float, *, per_station: bool, include_all: bool, add: Callable[[str, str, list[Any]], None], workers: int,
) -> None:
    """The grid bands. Per station: one bounded search (only what it reached), its time field on
    its own window, contoured; the stations run in a pool of ``workers`` threads. All stations:
    the cell-wise minimum of the stations' fields (the field of the multi-source search: the
    minimum over stations of each station's earliest time), or, without per-station bands, the
    field of one multi-source search."""
    limit = float(bands_s[-1])
    cell = buf / GRID_CELLS_PER_BUFFER
    if per_station:
        canvas = MinCanvas(far_value(bands_s)) if include_all else None

        scratch = Scratch(network.n_edges)
        n = len(src)
        size = max(1, min(4, n // (4 * workers)))  # a few stations per search call, tasks enough to share
        chunks = [np.arange(a, min(a + size, n)) for a in range(0, n, size)]

        def stations(k: int) -> list[tuple[list[Any], tuple[np.ndarray, int, int] | None]]:
            idx = chunks[k]
            r = reach(network, src.take(idx), None, offset_s=offset[idx], limit_s=limit)
            out = []
            for j, i in enumerate(idx):
                nodes, times = r.row(j)
                piece = pieces(network, nodes, times, limit, src.take(idx[j:j + 1]), offset[[i]], slot=scratch.slot())
                field = field_of(network, piece, bands_s, buf, scratch)
                out.append((contour_bands(*field, cell, bands_s, scratch), field if canvas is not None else None))
            return out

        done = (res for part in run_stations(stations, len(chunks), workers=workers) for res in part)
        for i, (polys, field) in enumerate(done):
            add(str(ids[i]), str(names[i]), polys)
            if canvas is not None and field is not None:
                canvas.add(*field)
        if canvas is not None and canvas.cover is not None:
            add(ALL_STATIONS, "全部站点", contour_bands(*canvas.field(), cell, bands_s))
    elif include_all:
        t_all, _ = node_times(network, src, offset_s=offset, limit_s=limit)
        nodes = np.flatnonzero(np.isfinite(t_all))
        add(ALL_STATIONS, "全部站点", grid_bands(network, pieces(network, nodes, t_all[nodes], limit, src, offset), bands_s, buf))


def isochrones(
    network: RoadNetwork,
    stations: gpd.GeoDataFrame,
    *,
    bands_min: Any = None,
    buffer_m: float | None = None,
    settings: Settings | None = None,
    per_station: bool = True,
    include_all: bool = True,
    exact: bool = False,
    chunk: int = 16,
    workers: int | None = None,
) -> gpd.GeoDataFrame:
    """Isochrone bands per station and for all stations together.

    Parameters
    ----------
    network
        Road network (metric CRS).
    stations
        Station points (any CRS); turnout and access legs count as in :func:`coverage`.
    bands_min
        Band limits in minutes (alarm to arrival); default ``routing.isochrone_bands_min``.
    buffer_m
        Off-road buffer around the reached road; default ``routing.isochrone_buffer_m``.
    settings
        Project settings (packaged defaults when omitted).
    per_station
        Polygons for each station (otherwise only the union of all stations).
    include_all
        Polygons for all stations together, ``station_id == "ALL"`` (one multi-source search).
    exact
        Buffer the reached road exactly with GEOS (slow on big networks). By default the bands are
        drawn on a grid of ``buffer_m / 3`` cells: each cell holds the earliest arrival at any
        reached road within ``buffer_m`` of it (points every cell along the reached road, spread by
        a disc-shaped minimum filter), and all bands are contoured from that one field. Every
        reached point of road is inside its band (or an earlier one), and the edge lies within
        about one cell of ``buffer_m`` from the road.
    chunk
        Kept for compatibility (the per-station searches return only what each station reached).
    workers
        Threads drawing the stations' grid bands (default: the CPUs this process may use; 1 runs
        them one after the other, with the same result).

    Returns
    -------
    GeoDataFrame
        Columns ``station_id``, ``station_name``, ``band_min``, ``area_km2``, geometry in the
        network CRS. Band ``b`` is reached in (previous band, ``b``] minutes; empty bands are
        left out.
    """
    settings = settings or default_settings()
    bands = _check_bands(settings.routing.isochrone_bands_min if bands_min is None else bands_min)
    buf = float(settings.routing.isochrone_buffer_m if buffer_m is None else buffer_m)
    if buf <= 0:
        raise InputError(tr("isochrones.err.buffer", buffer=buf))
    bands_s = bands * 60.0
    ready = None if exact else prepare_in_background(network)  # on a second core while stations are snapped
    src, offset, ids, names, _ = placed_stations(network, stations, settings=settings)
    if ready is not None:
        ready.result()
    rows_id: list[str] = []
    rows_name: list[str] = []
    rows_band: list[float] = []
    geoms: list[Any] = []

    def add(sid: str, sname: str, polys: list[Any]) -> None:
        for b, g in zip(bands, polys):
            if not g.is_empty:
                rows_id.append(sid)
                rows_name.append(sname)
                rows_band.append(float(b))
                geoms.append(g)

    if exact:
        _exact_bands(network, src, offset, ids, names, bands_s, buf, per_station=per_station,
                     include_all=include_all, add=add)
    elif len(src):
        _grid_isochrones(network, src, offset, ids, names, bands_s, buf, per_station=per_station,
                         include_all=include_all, add=add,
                         workers=workers_default() if workers is None else max(1, int(workers)))
    out = gpd.GeoDataFrame(
        {"station_id": pd.Series(rows_id, dtype=object), "station_name": pd.Series(rows_name, dtype=object),
         "band_min": np.asarray(rows_band, dtype="float64")},
        geometry=np.asarray(geoms, dtype=object) if geoms else np.zeros(0, dtype=object),
        crs=network.crs,
    )
    out["area_km2"] = np.round(shapely.area(out.geometry.to_numpy()) / 1e6, 4) if len(out) else np.zeros(0)
    log.info(msg("isochrones.log.summary", n=len(out), stations=len(src), bands="/".join(f"{b:g}" for b in bands)))
    return out


def responsibility_areas(
    network: RoadNetwork,
    stations: gpd.GeoDataFrame,
    *,
    settings: Settings | None = None,
    buffer_m: float | None = None,
    limit_min: float | None = None,
    exact: bool = False,
) -> gpd.GeoDataFrame:
    """Each piece of road assigned to the station that reaches it first, buffered and unioned per station.

    A road piece whose two ends are reached first by different stations is split where the two
    fronts meet (``t_u + f * time = t_v + (1 - f) * time_twin``); a one-way piece belongs to the
    station that reaches its tail. Off the road, every place within the buffer belongs to the
    station that owns the nearest road (so the areas do not overlap); with ``exact=True`` each
    station's road is buffered exactly instead, and neighbouring areas may overlap by up to the
    buffer width where they meet.

    Parameters
    ----------
    network, stations, settings
        As for :func:`isochrones`.
    buffer_m
        Off-road buffer; default ``routing.isochrone_buffer_m``.
    limit_min
        Only road pieces whose first-reached end is reached within this many minutes are
        assigned (default: all reachable road).
    exact
        Exact GEOS buffers per station (slow on big networks) instead of the grid.

    Returns
    -------
    GeoDataFrame
        ``station_id``, ``station_name``, ``road_km`` (road length assigned), ``area_km2``,
        geometry in the network CRS; stations that reach no road first are left out.
    """
    settings = settings or default_settings()
    buf = float(settings.routing.isochrone_buffer_m if buffer_m is None else buffer_m)
    src, offset, ids, names, _ = placed_stations(network, stations, settings=settings)
    cols = {"station_id": pd.Series([], dtype=object), "station_name": pd.Series([], dtype=object),
            "road_km": np.zeros(0), "area_km2": np.zeros(0)}
    if len(src) == 0:
        return gpd.GeoDataFrame(cols, geometry=np.zeros(0, dtype=object), crs=network.crs)
    limit_s = np.inf if limit_min is None else float(limit_min) * 60.0
    t, s = node_times(network, src, offset_s=offset, limit_s=limit_s)
    net = network
    c = np.flatnonzero(net.canonical == np.arange(net.n_edges))
    rev = net.reverse[c]
    tu, tv = t[net.u[c]], t[net.v[c]]
    su, sv = s[net.u[c]], s[net.v[c]]
    T = net.time_s[c]
    Tr = np.where(rev >= 0, net.time_s[np.maximum(rev, 0)], np.inf)
    two = rev >= 0
    with np.errstate(invalid="ignore"):
        f = np.where(two, (tv + Tr - tu) / (T + Tr), 1.0)
    f = np.where(np.isfinite(f), np.clip(f, 0.0, 1.0), np.where(np.isfinite(tu), 1.0, 0.0))
    # one-way: all to the tail's station; two-way with one end unreached: all to the other
    f = np.where(~two, 1.0, np.where(su < 0, 0.0, np.where(sv < 0, 1.0, f)))
    same = (su == sv) & (su >= 0)
    f = np.where(same, 1.0, f)
    head_owner = np.where(two, sv, -1)
    pe = np.concatenate([c, c])
    lo = np.concatenate([np.zeros(c.size), f])
    hi = np.concatenate([f, np.ones(c.size)])
    owner = np.concatenate([su, head_owner])
    length = net.length_m[pe] * (hi - lo)
    ok = (owner >= 0) & (length > 1e-6)
    if np.isfinite(limit_s):
        # keep only the part reached within the limit (cut the pieces with the isochrone logic)
        ok &= np.concatenate([np.isfinite(tu) & (tu <= limit_s), np.isfinite(tv) & (tv <= limit_s)])
    pe, lo, hi, owner, length = pe[ok], lo[ok], hi[ok], owner[ok], length[ok]
    whole = (lo <= 0.0) & (hi >= 1.0)
    lines = np.empty(pe.size, dtype=object)
    lines[whole] = net.geometry[pe[whole]]
    lines[~whole] = substrings(net.geometry[pe[~whole]], lo[~whole], hi[~whole])
    uniq, inv = np.unique(owner, return_inverse=True)
    road_km = np.bincount(inv, weights=length, minlength=uniq.size) / 1000.0
    polys = _label_areas(lines, inv, uniq.size, buf, exact=exact)
    out = gpd.GeoDataFrame(
        {"station_id": ids[uniq].astype(object), "station_name": names[uniq].astype(object),
         "road_km": np.round(road_km, 3)},
        geometry=np.asarray(polys, dtype=object) if polys else np.zeros(0, dtype=object),
        crs=network.crs,
    )
    out["area_km2"] = np.round(shapely.area(out.geometry.to_numpy()) / 1e6, 4) if len(out) else np.zeros(0)
    log.info(msg("isochrones.log.responsibility", n=len(out)))
    return out
