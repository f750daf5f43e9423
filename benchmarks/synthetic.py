"""Synthetic road-like networks for benchmarks (and a tiny one for tests).

A jittered grid (~120 m between intersections) with a hierarchy: a tertiary road every 5th
row/column, a primary every 10th, a trunk every 30th; about 8 % of the local streets removed
(dead ends, missing links), about 6 % one-way, and a few long motorway edges (elevated
expressways with interchanges every ~3 km) along some rows and columns. Built through
:func:`yitu.routing.network.build_from_runs` in EPSG:32650 (UTM 50N, eastern China), so it is
a network like any other: largest strongly connected component kept, times from the profile.

Usage::

    from benchmarks.synthetic import synthetic_network, random_points
    net = synthetic_network(100_000)
    targets = random_points(net, 10_000, seed=1)     # GeoSeries in the network's CRS
"""

from __future__ import annotations

import logging
import math

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from yitu.routing.network import RoadNetwork, Runs, build_from_runs
from yitu.settings import SpeedProfile, default_settings

log = logging.getLogger(__name__)

__all__ = ["synthetic_network", "random_points", "CRS", "ORIGIN"]

CRS = pyproj.CRS.from_epsg(32650)
ORIGIN = (500_000.0, 3_500_000.0)  # metres in UTM 50N (about 117°E, 31.6°N)
SPACING_M = 120.0


def _line_class(idx: np.ndarray) -> np.ndarray:
    """Class code of a grid line by its row/column index: 3 trunk, 2 primary, 1 tertiary, 0 residential."""
    return np.select([idx % 30 == 0, idx % 10 == 0, idx % 5 == 0], [3, 2, 1], default=0)


_CLASSES = np.array(["residential", "tertiary", "primary", "trunk", "motorway"], dtype=object)


def synthetic_network(
    n_nodes: int,
    *,
    seed: int = 0,
    profile: SpeedProfile | str = "fire_engine",
    spacing_m: float = SPACING_M,
    largest_component: bool = True,
) -> RoadNetwork:
    """A road-like network of about ``n_nodes`` intersections.

    Parameters
    ----------
    n_nodes
        Target number of nodes (the grid is ``ceil(sqrt(n))`` square; the largest strongly
        connected component keeps nearly all of them).
    seed
        Random seed (same seed, same network).
    profile
        A :class:`~yitu.settings.SpeedProfile` or the name of a packaged one.
    spacing_m
        Mean distance between neighbouring intersections.

    Returns
    -------
    RoadNetwork
        In EPSG:32650, ``source`` ``"synthetic-N"``.
    """
    if isinstance(profile, str):
        profile = default_settings().profile(profile)
    rng = np.random.default_rng(seed)
    side = max(2, int(math.ceil(math.sqrt(n_nodes))))
    n = side * side
    rows, cols = np.divmod(np.arange(n, dtype="int64"), side)
    jitter = spacing_m * 0.18
    x = ORIGIN[0] + cols * spacing_m + rng.normal(0.0, jitter, n)
    y = ORIGIN[1] + rows * spacing_m + rng.normal(0.0, jitter, n)
    # arterials are straight: no jitter across their direction
    row_cls, col_cls = _line_class(rows), _line_class(cols)
    y = np.where(row_cls > 0, ORIGIN[1] + rows * spacing_m, y)
    x = np.where(col_cls > 0, ORIGIN[0] + cols * spacing_m, x)

    # grid segments: horizontal (along a row) and vertical (along a column)
    h = np.flatnonzero(cols < side - 1)
    v = np.flatnonzero(rows < side - 1)
    a = np.concatenate([h, v])
    b = np.concatenate([h + 1, v + side])
    cls = np.concatenate([row_cls[h], col_cls[v]])
    # thin out local streets; some one-way
    local = cls == 0
    keep = ~local | (rng.random(a.size) > 0.08)
    a, b, cls = a[keep], b[keep], cls[keep]
    local = cls == 0
    oneway = np.zeros(a.size, dtype="int8")
    ow = local & (rng.random(a.size) < 0.06)
    oneway[ow] = np.where(rng.random(int(ow.sum())) < 0.5, 1, -1)

    # expressways: every 60th row/column (offset 15), interchanges every 25 grid steps
    step = 25
    ex_lines = np.arange(15, side, 60)
    ea: list[np.ndarray] = []
    eb: list[np.ndarray] = []
    for r in ex_lines:
        c = np.arange(0, side - step, step)
        ea += [r * side + c]
        eb += [r * side + c + step]
        rr = np.arange(0, side - step, step)
        ea += [rr * side + r]
        eb += [(rr + step) * side + r]
    if ea:
        ea_all, eb_all = np.concatenate(ea), np.concatenate(eb)
        a = np.concatenate([a, ea_all])
        b = np.concatenate([b, eb_all])
        cls = np.concatenate([cls, np.full(ea_all.size, 4)])
        oneway = np.concatenate([oneway, np.zeros(ea_all.size, dtype="int8")])

    m = a.size
    key = np.empty(2 * m, dtype="int64")
    key[0::2], key[1::2] = a, b
    speed_cap = np.full(m, np.nan)
    runs = Runs(
        key=key, run=np.repeat(np.arange(m, dtype="int64"), 2), x=x[key], y=y[key],
        road_class=_CLASSES[cls], name=np.full(m, "", dtype=object), oneway=oneway, maxspeed=speed_cap,
        way_id=np.arange(m, dtype="int64"),
    )
    net = build_from_runs(runs, profile=profile, crs=CRS, largest_component=largest_component,
                          source=f"synthetic-{n_nodes}")
    log.info("synthetic network: %s", net)
    return net


def random_points(network: RoadNetwork, n: int, *, seed: int = 0, spread_m: float = 40.0) -> gpd.GeoSeries:
    """``n`` points near the roads: a random place on a random edge (by length), moved off the
    road by a normal offset of ``spread_m``. A GeoSeries in the network's CRS."""
    rng = np.random.default_rng(seed)
    canon = np.flatnonzero(network.canonical == np.arange(network.n_edges))
    w = network.length_m[canon]
    e = canon[rng.choice(canon.size, n, p=w / w.sum())]
    # straight two-point edges: interpolate on the coordinates directly (fast at millions)
    start = shapely.get_point(network.geometry[e], 0)
    end = shapely.get_point(network.geometry[e], -1)
    t = rng.random(n)
    x0, y0, x1, y1 = shapely.get_x(start), shapely.get_y(start), shapely.get_x(end), shapely.get_y(end)
    px = x0 + t * (x1 - x0) + rng.normal(0.0, spread_m, n)
    py = y0 + t * (y1 - y0) + rng.normal(0.0, spread_m, n)
    return gpd.GeoSeries(shapely.points(px, py), crs=network.crs)
