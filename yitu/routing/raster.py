"""Compiled raster kernels for isochrones (numba): the earliest arrival per grid cell along the
reached road, and its spread over the off-road buffer (a disc-shaped minimum filter).

The road is walked along each reached edge's own geometry (vertices in between included) in
steps of at most half a cell, the time growing linearly with the fraction of the edge, as
:func:`yitu.routing.isochrones.reached_pieces` cuts edges.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["edge_vertices", "road_bounds", "rasterize_min", "disc_min"]


def edge_vertices(network) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """Per canonical edge (one per physical road piece), its vertices and their fraction along it:
    ``(ptr by edge id, x, y, fraction)``; edges that are not canonical have no rows."""
    import shapely

    c = np.flatnonzero(network.canonical == np.arange(network.n_edges))
    coords, idx = shapely.get_coordinates(network.geometry[c], return_index=True)
    seg = np.zeros(coords.shape[0])
    same = idx[1:] == idx[:-1]
    seg[1:] = np.where(same, np.hypot(*(coords[1:] - coords[:-1]).T), 0.0)
    cum = np.cumsum(seg)
    first = np.searchsorted(idx, np.arange(c.size))
    last = np.searchsorted(idx, np.arange(c.size), side="right") - 1
    local = cum - cum[first][idx]
    total = np.maximum(local[last], 1e-12)
    frac = local / total[idx]
    counts = np.zeros(network.n_edges, dtype="int64")
    counts[c] = np.bincount(idx, minlength=c.size)
    ptr = np.zeros(network.n_edges + 1, dtype="int64")
    ptr[1:] = np.cumsum(counts)
    return ptr, coords[:, 0].copy(), coords[:, 1].copy(), frac


@njit(cache=True)
def road_bounds(vptr, vx, vy, vf, canon, fwd, f0, f1):  # type: ignore[no-untyped-def]
    """Bounding box (xmin, ymin, xmax, ymax) of the vertices of the reached parts (ends included)."""
    xmin, ymin, xmax, ymax = np.inf, np.inf, -np.inf, -np.inf
    for i in range(canon.size):
        c = canon[i]
        for j in range(vptr[c], vptr[c + 1]):
            g = vf[j] if fwd[i] else 1.0 - vf[j]
            if g < f0[i] - 1e-12 or g > f1[i] + 1e-12:
                continue
            xmin = min(xmin, vx[j])
            xmax = max(xmax, vx[j])
            ymin = min(ymin, vy[j])
            ymax = max(ymax, vy[j])
        # the ends of a partial piece lie between vertices: within the segment's box
        a, b = vptr[c], vptr[c + 1]
        for j in range(a, b - 1):
            ga = vf[j] if fwd[i] else 1.0 - vf[j]
            gb = vf[j + 1] if fwd[i] else 1.0 - vf[j + 1]
            lo, hi = min(ga, gb), max(ga, gb)
            if hi < f0[i] or lo > f1[i]:
                continue
            xmin = min(xmin, min(vx[j], vx[j + 1]))
            xmax = max(xmax, max(vx[j], vx[j + 1]))
            ymin = min(ymin, min(vy[j], vy[j + 1]))
            ymax = max(ymax, max(vy[j], vy[j + 1]))
    return xmin, ymin, xmax, ymax


@njit(cache=True)
def rasterize_min(vptr, vx, vy, vf, canon, fwd, f0, f1, t0, T, x0, y0, cell, grid):  # type: ignore[no-untyped-def]
    """Write into ``grid`` (ny, nx) the earliest time of the road in each cell: piece ``i`` runs on
    canonical edge ``canon[i]`` (its own direction when ``fwd[i]``, else reversed) from fraction
    ``f0[i]`` (reached at ``t0[i]``) to ``f1[i]``, ``T[i]`` seconds per whole edge."""
    ny, nx = grid.shape
    step = 0.5 * cell
    for i in range(canon.size):
        c = canon[i]
        a, b = vptr[c], vptr[c + 1]
        for j in range(a, b - 1):
            ga = vf[j] if fwd[i] else 1.0 - vf[j]
            gb = vf[j + 1] if fwd[i] else 1.0 - vf[j + 1]
            lo, hi = min(ga, gb), max(ga, gb)
            s0, s1 = max(lo, f0[i]), min(hi, f1[i])
            if s1 < s0:
                continue
            dx, dy = vx[j + 1] - vx[j], vy[j + 1] - vy[j]
            span = gb - ga
            seg = np.sqrt(dx * dx + dy * dy)
            part = seg * (s1 - s0) / (hi - lo) if hi > lo else 0.0
            n = int(part / step) + 1
            for q in range(n + 1):
                g = s0 + (s1 - s0) * q / n
                r = (g - ga) / span if span != 0.0 else 0.0
                x = vx[j] + dx * r
                y = vy[j] + dy * r
                ix = int((x - x0) / cell)
                iy = int((y - y0) / cell)
                if 0 <= ix < nx and 0 <= iy < ny:
                    t = t0[i] + (g - f0[i]) * T[i]
                    if t < grid[iy, ix]:
                        grid[iy, ix] = t


@njit(cache=True)
def disc_min(grid, offsets, far):  # type: ignore[no-untyped-def]
    """Minimum over a disc around every cell: each cell holding road (value below ``far``) writes
    its value into the cells at ``offsets`` (dy, dx) around it. The road is sparse in its box, so
    this costs (road cells x disc cells), not (all cells x disc cells)."""
    ny, nx = grid.shape
    out = np.full((ny, nx), far)
    for y in range(ny):
        for x in range(nx):
            v = grid[y, x]
            if v >= far:
                continue
            for k in range(offsets.shape[0]):
                yy = y + offsets[k, 0]
                xx = x + offsets[k, 1]
                if 0 <= yy < ny and 0 <= xx < nx and v < out[yy, xx]:
                    out[yy, xx] = v
    return out
