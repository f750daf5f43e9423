"""Snapping: every point to its nearest road edge (not node), in one vectorised call.

A point farther than ``max_snap_m`` from any road is not placed: it comes back with
``ok == False`` and its distance to the nearest road, so the caller reports it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
import weakref
from typing import Any

import geopandas as gpd
import numpy as np
import shapely

from yitu.errors import InputError
from yitu.routing.network import RoadNetwork

log = logging.getLogger(__name__)

__all__ = ["Snapped", "snap", "points_in_network_crs"]


@dataclass(frozen=True)
class Snapped:
    """Where points sit on the network.

    Attributes
    ----------
    edge
        Edge index (-1 when the point is too far from any road).
    t
        Position along the edge as a fraction from its tail node ``u`` (0..1).
    dist_m
        Distance from the point to the road (also for points too far to snap).
    ok
        True when the point was placed (``dist_m <= max_snap_m``).
    x, y
        The snapped position (NaN when not placed).
    """

    edge: np.ndarray
    t: np.ndarray
    dist_m: np.ndarray
    ok: np.ndarray
    x: np.ndarray
    y: np.ndarray

    def __len__(self) -> int:
        return int(self.edge.shape[0])

    def take(self, idx: Any) -> Snapped:
        """A subset of the snapped points."""
        return Snapped(self.edge[idx], self.t[idx], self.dist_m[idx], self.ok[idx], self.x[idx], self.y[idx])


def points_in_network_crs(network: RoadNetwork, points: Any) -> np.ndarray:
    """Point geometries of a GeoDataFrame/GeoSeries (any CRS) as an array in the network's CRS.

    Polygons are represented by a point inside them (``representative_point``).
    """
    if isinstance(points, gpd.GeoDataFrame):
        points = points.geometry
    if not isinstance(points, gpd.GeoSeries):
        raise InputError(f"expected a GeoDataFrame or GeoSeries of points, got {type(points).__name__}")
    if points.crs is None:
        raise InputError("the points have no CRS; set one (layers from a project are EPSG:4326)")
    g = points.to_crs(network.crs).values
    arr = np.asarray(g, dtype=object)
    poly = shapely.get_type_id(arr) >= 1
    if poly.any():
        arr = arr.copy()
        arr[poly] = shapely.point_on_surface(arr[poly])
    return arr


_TREES: weakref.WeakKeyDictionary[RoadNetwork, tuple[shapely.STRtree, np.ndarray]] = weakref.WeakKeyDictionary()


def _tree(network: RoadNetwork) -> tuple[shapely.STRtree, np.ndarray]:
    """The spatial index of a network's edges (built once per network)."""
    if network not in _TREES:
        # one geometry per physical road piece: a twin has the same line reversed
        ids = np.flatnonzero(network.canonical == np.arange(network.n_edges))
        _TREES[network] = (shapely.STRtree(network.geometry[ids]), ids)
    return _TREES[network]


def snap(network: RoadNetwork, points: Any, *, max_snap_m: float = 500.0) -> Snapped:
    """Snap points to the nearest edge.

    Parameters
    ----------
    network
        The road network.
    points
        A GeoDataFrame/GeoSeries in any CRS (polygons use a point inside them), or an array of
        shapely points already in the network's CRS.
    max_snap_m
        Points farther than this from every road are reported (``ok`` False), not placed.

    Returns
    -------
    Snapped
        Per point: edge, fraction along it, distance, placed or not, snapped x/y.
    """
    geoms = points if isinstance(points, np.ndarray) else points_in_network_crs(network, points)
    n = len(geoms)
    edge = np.full(n, -1, dtype="int64")
    dist = np.full(n, np.nan)
    t = np.full(n, np.nan)
    if n == 0 or network.n_edges == 0:
        return Snapped(edge, t, dist, np.zeros(n, dtype=bool), t.copy(), t.copy())
    from yitu.routing.snapgrid import nearest_segments, segment_grid

    valid = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    pos = np.flatnonzero(valid)
    pts = geoms[pos]
    other = shapely.get_type_id(pts) != 0
    if other.any():  # lines or polygons given as an array: a point on them, as for a layer
        pts = pts.copy()
        pts[other] = shapely.point_on_surface(pts[other])
    xy = shapely.get_coordinates(pts)
    x = np.full(n, np.nan)
    y = np.full(n, np.nan)
    # the nearest edge within the snapping limit from the grid of the road's segments
    e_g, d_g, t_g, x_g, y_g = nearest_segments(segment_grid(network), xy[:, 0], xy[:, 1], max_snap_m)
    edge[pos], dist[pos], t[pos], x[pos], y[pos] = e_g, d_g, t_g, x_g, y_g
    far = pos[e_g < 0]
    if far.size:  # beyond the limit: how far, for the report (an STRtree of the edges)
        tree, ids = _tree(network)
        (qi, _), d = tree.query_nearest(pts[np.searchsorted(pos, far)], return_distance=True, all_matches=False)
        dist[far[qi]] = d
    ok = valid & (edge >= 0) & (dist <= max_snap_m)
    edge[~ok] = -1
    t[~ok] = np.nan
    x[~ok] = np.nan
    y[~ok] = np.nan
    if (~ok & valid).any():
        log.debug("%d point(s) farther than %g m from any road", int((~ok & valid).sum()), max_snap_m)
    return Snapped(edge, t, dist, ok, x, y)
