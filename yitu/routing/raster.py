"""Compiled raster kernels for isochrones (numba): the earliest arrival per grid cell along the
reached road, and its spread over the off-road buffer (a disc-shaped minimum filter).

The road is walked along each reached edge's own geometry (vertices in between included) in
steps of at most half a cell, the time growing linearly with the fraction of the edge, as
:func:`yitu.routing.isochrones.reached_pieces` cuts edges.

Grids sit on one lattice for the whole network: cell ``(iy, ix)`` of a grid whose origin is
lattice cell ``(gy0, gx0)`` covers ``x`` in ``[(gx0 + ix) * cell, (gx0 + ix + 1) * cell)``, so
the grids of several stations can be laid over each other cell for cell. The kernels release
the GIL (``nogil``): stations are drawn in parallel threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["edge_vertices", "disc_halfwidths", "station_field", "rasterize_min", "disc_min",
           "finish_field", "merge_min", "reached", "cell_centres", "window"]


def edge_vertices(network) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """Per canonical edge (one per physical road piece), its vertices and their fraction along it:
    ``(ptr by edge id, x, y, fraction, box)``, ``box`` the (n_edges, 4) bounding box ``xmin, ymin,
    xmax, ymax`` of each edge's vertices; edges that are not canonical have no rows (and an empty
    box ``inf, inf, -inf, -inf``)."""
    import shapely

    c = np.flatnonzero(network.canonical == np.arange(network.n_edges))
    coords, idx = shapely.get_coordinates(network.geometry[c], return_index=True)
    x, y = np.ascontiguousarray(coords[:, 0]), np.ascontiguousarray(coords[:, 1])
    frac, counts, cbox = _fractions(x, y, idx.astype(np.int64), c.size)
    full = np.zeros(network.n_edges, dtype="int64")
    full[c] = counts
    ptr = np.zeros(network.n_edges + 1, dtype="int64")
    ptr[1:] = np.cumsum(full)
    box = np.empty((network.n_edges, 4))
    box[:, :2] = np.inf
    box[:, 2:] = -np.inf
    box[c] = cbox
    return ptr, x, y, frac, box


@njit(cache=True, nogil=True)
def _fractions(x, y, idx, n):  # type: ignore[no-untyped-def]
    """Fraction of the length at each vertex, vertices per line and each line's box (``idx``:
    the line of each vertex, ascending)."""
    frac = np.zeros(x.size)
    counts = np.zeros(n, np.int64)
    box = np.empty((n, 4))
    box[:, :2] = np.inf
    box[:, 2:] = -np.inf
    a = 0
    while a < x.size:
        line = idx[a]
        b = a
        while b + 1 < x.size and idx[b + 1] == line:
            b += 1
        run = 0.0
        x0, y0, x1, y1 = x[a], y[a], x[a], y[a]
        for j in range(a, b + 1):
            if j > a:
                run += np.sqrt((x[j] - x[j - 1]) ** 2 + (y[j] - y[j - 1]) ** 2)
            frac[j] = run
            x0, y0, x1, y1 = min(x0, x[j]), min(y0, y[j]), max(x1, x[j]), max(y1, y[j])
        box[line, 0], box[line, 1], box[line, 2], box[line, 3] = x0, y0, x1, y1
        total = max(run, 1e-12)
        for j in range(a, b + 1):
            frac[j] /= total
        counts[line] = b - a + 1
        a = b + 1
    return frac, counts, box


def disc_halfwidths(r: float) -> np.ndarray:
    """The disc of radius ``r`` cells as rows: half-width (in cells) of the row ``dy`` cells
    away, for ``dy = -R .. R`` (cells ``(dy, dx)`` with ``dy² + dx² <= r²``)."""
    ri = int(np.floor(r + 1e-9))  # buffer/cell is a whole number up to rounding
    dy = np.arange(-ri, ri + 1)
    return np.floor(np.sqrt(np.maximum(r * r + 1e-9 - dy * dy, 0.0)) + 1e-9).astype("int64")


@njit(cache=True, nogil=True)
def rasterize_min(vptr, vx, vy, vf, canon, fwd, f0, f1, t0, T, x0, y0, cell, grid):  # type: ignore[no-untyped-def]
    """Write into ``grid`` (ny, nx) the earliest time of the road in each cell: piece ``i`` runs on
    canonical edge ``canon[i]`` (its own direction when ``fwd[i]``, else reversed) from fraction
    ``f0[i]`` (reached at ``t0[i]``) to ``f1[i]``, ``T[i]`` seconds per whole edge; ``(x0, y0)``
    is the grid's lower left corner."""
    ny, nx = grid.shape
    inv = 1.0 / cell
    steps_per_m = 2.0 * inv  # steps of at most half a cell
    for i in range(canon.size):
        c = canon[i]
        a, b = vptr[c], vptr[c + 1]
        fi0, fi1, ti, Ti = f0[i], f1[i], t0[i], T[i]
        forward = fwd[i]
        for j in range(a, b - 1):
            ga = vf[j] if forward else 1.0 - vf[j]
            gb = vf[j + 1] if forward else 1.0 - vf[j + 1]
            lo, hi = min(ga, gb), max(ga, gb)
            s0, s1 = max(lo, fi0), min(hi, fi1)
            if s1 < s0:
                continue
            dx, dy = vx[j + 1] - vx[j], vy[j + 1] - vy[j]
            span = gb - ga
            seg = np.sqrt(dx * dx + dy * dy)
            part = seg * (s1 - s0) / (hi - lo) if hi > lo else 0.0
            n = int(part * steps_per_m) + 1
            # the piece from s0 to s1 in grid units and seconds, walked in n steps
            ra = (s0 - ga) / span if span != 0.0 else 0.0
            rb = (s1 - ga) / span if span != 0.0 else 0.0
            xa = (vx[j] + dx * ra - x0) * inv
            ya = (vy[j] + dy * ra - y0) * inv
            ddx = (dx * (rb - ra)) * inv / n
            ddy = (dy * (rb - ra)) * inv / n
            ta = ti + (s0 - fi0) * Ti
            dt = (s1 - s0) * Ti / n
            for q in range(n + 1):
                ix = int(xa + ddx * q)
                iy = int(ya + ddy * q)
                if 0 <= ix < nx and 0 <= iy < ny:
                    t = ta + dt * q
                    if t < grid[iy, ix]:
                        grid[iy, ix] = t


@njit(cache=True, nogil=True)
def _row_minima(src, rows, W, nx):  # type: ignore[no-untyped-def]
    """``rows[w] = `` the minimum of ``src`` over ``[x - w, x + w]`` (clipped to the row), for
    ``w = 0..W``, each from the one before (``[x-w, x+w]`` is ``[x-1-(w-1), x-1+(w-1)]`` and
    ``[x+1-(w-1), x+1+(w-1)]``)."""
    for x in range(nx):
        rows[0, x] = src[x]
    for w in range(1, W + 1):
        prev = rows[w - 1]
        cur = rows[w]
        if nx == 1:
            cur[0] = prev[0]
            continue
        if w == 1:
            cur[0] = min(prev[0], prev[1])
            for x in range(1, nx - 1):
                a = prev[x - 1] if prev[x - 1] < prev[x] else prev[x]
                cur[x] = a if a < prev[x + 1] else prev[x + 1]
            cur[nx - 1] = min(prev[nx - 2], prev[nx - 1])
        else:
            cur[0] = prev[1]
            for x in range(1, nx - 1):
                cur[x] = prev[x - 1] if prev[x - 1] < prev[x + 1] else prev[x + 1]
            cur[nx - 1] = prev[nx - 2]


@njit(cache=True, nogil=True)
def disc_min(grid, half, far):  # type: ignore[no-untyped-def]
    """Minimum over a disc around every cell, the disc given by the half-widths ``half`` of its
    rows (:func:`disc_halfwidths`); cells beyond the grid count as ``far``. Separable, row by row:
    running minima along each row for every half-width (kept for the disc's 2R+1 rows only), then
    per output row the minimum over the disc's rows; rows with no road near stay ``far``."""
    return _disc(grid, half, far, far, np.zeros(0), 0.0)


@njit(cache=True, nogil=True)
def _disc(grid, half, far, far_value, levels, eps):  # type: ignore[no-untyped-def]
    """:func:`disc_min`, each output row finished as :func:`finish_field` does."""
    ny, nx = grid.shape
    R = (half.size - 1) // 2
    W = 0
    for k in range(half.size):
        W = max(W, half[k])
    road = np.zeros(ny, np.bool_)
    for y in range(ny):
        for x in range(nx):
            if grid[y, x] < far:
                road[y] = True
                break
    ring = np.empty((2 * R + 1, W + 1, nx))  # row y's minima in ring[y % (2R+1)]
    done = -1  # rows up to here are in the ring
    out = np.empty((ny, nx))
    for y in range(ny):
        near = False
        for yy in range(max(0, y - R), min(ny, y + R + 1)):
            if road[yy]:
                near = True
                break
        o = out[y]
        if not near:
            o[:] = far_value
            continue
        for yy in range(max(done + 1, y - R), min(ny, y + R + 1)):
            if road[yy]:
                _row_minima(grid[yy], ring[yy % (2 * R + 1)], W, nx)
            done = yy
        o[:] = far
        for k in range(half.size):
            yy = y + k - R
            if yy < 0 or yy >= ny or not road[yy]:
                continue
            s = ring[yy % (2 * R + 1), half[k]]
            for x in range(nx):
                if s[x] < o[x]:
                    o[x] = s[x]
        _finish_row(o, far, far_value, levels, eps)
    return out


@njit(cache=True, nogil=True)
def _finish_row(row, far, far_value, levels, eps):  # type: ignore[no-untyped-def]
    for x in range(row.size):
        v = row[x]
        if v >= far:
            row[x] = far_value
            continue
        for k in range(levels.size):
            L = levels[k]
            if L - eps < v <= L:
                v = L - eps
            elif L < v < L + eps:
                v = L + eps
        row[x] = v


@njit(cache=True, nogil=True)
def finish_field(field, far, far_value, levels, eps):  # type: ignore[no-untyped-def]
    """In place: ``far`` (not reached) becomes ``far_value``, and values within ``eps`` of a
    contour level are moved ``eps`` away from it on their own side (a value equal to the level
    goes below it, as the bands are ``(lower, upper]``). No grid value then equals a level, so
    no contour line passes through a grid point and the filled contours are valid polygons."""
    for y in range(field.shape[0]):
        _finish_row(field[y], far, far_value, levels, eps)


@njit(cache=True, nogil=True)
def reached(eptr, eorder, canonical, reverse, time_s, nodes, times, limit, se, st, soff, slot):  # type: ignore[no-untyped-def]
    """The reached parts of the road as pieces ``(canonical edge, own direction?, fraction from,
    fraction to, time at the start, seconds per whole edge)``: every edge out of a node reached
    within ``limit`` (``eptr``/``eorder``: edges grouped by tail node), and the sources' own edges
    (``se`` at fraction ``st``, time ``soff`` there) from the source both allowed ways; each cut
    where the time runs out.

    A road piece reached from both ends is split where the two fronts meet (each end's piece is cut
    there: beyond it the other end's time is the earlier), so that no part of it is walked twice.
    ``slot`` is scratch of one int per edge, all -1 (and left so).
    """
    m = 0
    for k in range(nodes.size):
        if times[k] <= limit:
            m += eptr[nodes[k] + 1] - eptr[nodes[k]]
    m += se.size
    for k in range(se.size):
        if reverse[se[k]] >= 0:
            m += 1
    c = np.empty(m, np.int64)
    fwd = np.empty(m, np.bool_)
    f0 = np.empty(m)
    f1 = np.empty(m)
    t0 = np.empty(m)
    T = np.empty(m)
    q = 0
    for k in range(nodes.size + 2 * se.size):
        if k < nodes.size:
            if times[k] > limit:
                continue
            nd = nodes[k]
            lo, hi, tk, fk = eptr[nd], eptr[nd + 1], times[k], 0.0
        elif k < nodes.size + se.size:  # the source's own edge, ahead
            j = k - nodes.size
            lo, hi, tk, fk = -1, 0, soff[j], st[j]
            e = se[j]
        else:  # and behind it, over the twin
            j = k - nodes.size - se.size
            e = reverse[se[j]]
            if e < 0:
                continue
            lo, hi, tk, fk = -1, 0, soff[j], 1.0 - st[j]
        for p in range(lo, hi):
            if lo >= 0:
                e = eorder[p]
            Te = max(time_s[e], 1e-9)
            c[q] = canonical[e]
            fwd[q] = canonical[e] == e
            f0[q] = fk
            f1[q] = min(max(fk + (limit - tk) / Te, fk), 1.0)
            t0[q] = tk
            T[q] = Te
            q += 1
    n_nodes_pieces = m - se.size
    for k in range(se.size):
        if reverse[se[k]] >= 0:
            n_nodes_pieces -= 1
    # both ends of a canonical edge reached: t_a + g T_a (from its tail) and t_b + (1 - g) T_b
    # (from its head, over the twin) meet at g* = (t_b + T_b - t_a) / (T_a + T_b)
    for q in range(n_nodes_pieces):
        p = slot[c[q]]
        if p < 0:
            slot[c[q]] = q
            continue
        a, b = (q, p) if fwd[q] else (p, q)
        g = (t0[b] + T[b] - t0[a]) / (T[a] + T[b])
        g = min(max(g, 1.0 - f1[b]), f1[a])  # within the part both reach
        f1[a] = min(f1[a], max(g, 0.0))
        f1[b] = min(f1[b], max(1.0 - g, 0.0))
    for q in range(n_nodes_pieces):
        slot[c[q]] = -1
    return c, fwd, f0, f1, t0, T


@njit(cache=True, nogil=True)
def _bounds(vptr, vx, vy, vf, box, canon, fwd, f0, f1):  # type: ignore[no-untyped-def]
    """Bounding box of the vertices of the reached parts, the segments their ends lie on included
    (a whole edge: its box)."""
    xmin, ymin, xmax, ymax = np.inf, np.inf, -np.inf, -np.inf
    for i in range(canon.size):
        c = canon[i]
        if f0[i] <= 0.0 and f1[i] >= 1.0:
            xmin = min(xmin, box[c, 0])
            ymin = min(ymin, box[c, 1])
            xmax = max(xmax, box[c, 2])
            ymax = max(ymax, box[c, 3])
            continue
        for j in range(vptr[c], vptr[c + 1] - 1):
            ga = vf[j] if fwd[i] else 1.0 - vf[j]
            gb = vf[j + 1] if fwd[i] else 1.0 - vf[j + 1]
            if max(ga, gb) < f0[i] or min(ga, gb) > f1[i]:
                continue
            xmin = min(xmin, min(vx[j], vx[j + 1]))
            xmax = max(xmax, max(vx[j], vx[j + 1]))
            ymin = min(ymin, min(vy[j], vy[j + 1]))
            ymax = max(ymax, max(vy[j], vy[j + 1]))
    return xmin, ymin, xmax, ymax


@njit(cache=True, nogil=True)
def window(vptr, vx, vy, vf, box, canon, fwd, f0, f1, cell, pad):  # type: ignore[no-untyped-def]
    """The lattice window of a set of reached pieces, ``pad`` cells around their road:
    ``(gy0, gx0, ny, nx)``."""
    xmin, ymin, xmax, ymax = _bounds(vptr, vx, vy, vf, box, canon, fwd, f0, f1)
    gx0 = int(np.floor(xmin / cell)) - pad
    gy0 = int(np.floor(ymin / cell)) - pad
    nx = int(np.ceil(xmax / cell)) - gx0 + pad + 1
    ny = int(np.ceil(ymax / cell)) - gy0 + pad + 1
    return gy0, gx0, ny, nx


@njit(cache=True, nogil=True)
def station_field(vptr, vx, vy, vf, canon, fwd, f0, f1, t0, T, cell, gy0, gx0, base, half, far, far_value,
                  levels, eps):  # type: ignore[no-untyped-def]
    """The finished time field of one set of reached pieces on its window (:func:`window`; ``base``
    is scratch of the window's shape): the road rasterised, spread over the disc and finished
    (:func:`finish_field`)."""
    base[:] = far
    rasterize_min(vptr, vx, vy, vf, canon, fwd, f0, f1, t0, T, gx0 * cell, gy0 * cell, cell, base)
    return _disc(base, half, far, far_value, levels, eps)


@njit(cache=True, nogil=True)
def merge_min(dst, src, oy, ox):  # type: ignore[no-untyped-def]
    """``dst[oy:oy+ny, ox:ox+nx] = min(dst[...], src)`` in place."""
    ny, nx = src.shape
    for y in range(ny):
        d = dst[oy + y]
        s = src[y]
        for x in range(nx):
            if s[x] < d[ox + x]:
                d[ox + x] = s[x]


@njit(cache=True, nogil=True)
def cell_centres(X, Y, x0, y0, cell):  # type: ignore[no-untyped-def]
    """Fill (ny, nx) ``X`` and ``Y`` with the cell centres of a grid with lower left corner
    ``(x0, y0)`` (``numpy.meshgrid`` of ``x0 + (arange(nx) + 0.5) * cell`` and the same for y, made
    here without the GIL)."""
    ny, nx = X.shape
    for y in range(ny):
        yc = y0 + (y + 0.5) * cell
        for x in range(nx):
            X[y, x] = x0 + (x + 0.5) * cell
            Y[y, x] = yc
