"""The grid (default, fast) isochrones: a time field per station and its contour bands.

Each cell of a grid of ``buffer_m / 3`` cells holds the earliest arrival at any reached road
within ``buffer_m`` of it (the reached road rasterised, then spread by a disc-shaped minimum
filter; :mod:`yitu.routing.raster`), and all bands are contoured from that one field with
contourpy; the field's values are kept off the band limits, so the contours are valid polygons
as drawn. Stations are drawn in a pool of threads: the raster kernels, contourpy's threaded
generator and the per-station search of :mod:`yitu.routing.knearest` release the GIL. The field of all stations together is the cell-wise minimum of the
stations' fields, laid over each other on the network's one lattice.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np
import shapely

from yitu.routing.network import RoadNetwork
from yitu.routing.raster import cell_centres, disc_halfwidths, edge_vertices, merge_min, reached, station_field, window
from yitu.routing.snap import Snapped

log = logging.getLogger(__name__)

# The fast (default) polygons are drawn on a grid of buffer_m / GRID_CELLS_PER_BUFFER cells.
GRID_CELLS_PER_BUFFER = 3.0
FAR = 1e12  # "not reached" in the time field before it is finished
# a grid value closer than this to a band limit (s) is moved this far away from it (on its own
# side), so that no contour line passes through a grid point: the filled contours are then valid
# polygons by construction (no ring touches another), with no make_valid
LEVEL_GAP_S = 0.01

_SAMPLES: weakref.WeakKeyDictionary[RoadNetwork, tuple[np.ndarray, ...]] = weakref.WeakKeyDictionary()
_OUT_EDGES: weakref.WeakKeyDictionary[RoadNetwork, tuple[np.ndarray, np.ndarray]] = weakref.WeakKeyDictionary()


def vertices(network: RoadNetwork) -> tuple[np.ndarray, ...]:
    """Per network (cached): ``(ptr by edge, x, y, fraction, edge boxes)`` of the canonical edges."""
    got = _SAMPLES.get(network)
    if got is None:
        got = _SAMPLES[network] = edge_vertices(network)
    return got


def _out_edges(network: RoadNetwork) -> tuple[np.ndarray, np.ndarray]:
    """Edges grouped by tail node: (ptr by node, edge indices)."""
    got = _OUT_EDGES.get(network)
    if got is None:
        order = np.argsort(network.u, kind="stable")
        ptr = np.zeros(network.n_nodes + 1, dtype="int64")
        ptr[1:] = np.cumsum(np.bincount(network.u, minlength=network.n_nodes))
        got = _OUT_EDGES[network] = (ptr, order)
    return got


def pieces(
    network: RoadNetwork, nodes: np.ndarray, times: np.ndarray, limit_s: float, sources: Snapped,
    offset_s: np.ndarray, *, slot: np.ndarray | None = None,
) -> tuple[np.ndarray, ...]:
    """The reached parts of the road as pieces (canonical edge, own direction?, fraction from,
    fraction to, time at the start, seconds per whole edge): every edge out of a reached node, and
    the sources' own edges from the source both allowed ways; cut where the time runs out
    (:func:`yitu.routing.raster.reached`; ``slot``: its scratch, one int per edge, all -1).
    A piece reached from both ends is cut where the two fronts meet."""
    eptr, eorder = _out_edges(network)
    if slot is None:
        slot = np.full(network.n_edges, -1, dtype="int64")
    return reached(eptr, eorder, network.canonical, network.reverse, network.time_s, nodes, times, float(limit_s),
                   sources.edge, sources.t, np.asarray(offset_s, dtype="float64"), slot)


def far_value(bands_s: np.ndarray) -> float:
    """The finished field's value where nothing is reached: 100 x the last band (+ 1 min).

    Where the time jumps from reached to not reached the outer line lies within 1 % of a cell of
    the last reached cell centre, and the lines of two bands stay (band gap / 100 / last band) of a
    cell apart (~0.1 m for 5/10/15 min): they never coincide, which overlays (GEOS) would not survive.
    """
    return 100.0 * float(bands_s[-1]) + 60.0


class Scratch:
    """Working memory of one run, per thread, freed with the run: the pieces' one int per edge,
    and grow-only buffers reused from station to station (fresh memory for every grid would cost
    its pages again each time)."""

    def __init__(self, n_edges: int) -> None:
        self.n_edges = n_edges
        self._local = threading.local()

    def slot(self) -> np.ndarray:
        got = getattr(self._local, "slot", None)
        if got is None:
            got = self._local.slot = np.full(self.n_edges, -1, dtype="int64")
        return got

    def grid(self, name: str, shape: tuple[int, int]) -> np.ndarray:
        """A C-contiguous float grid of ``shape`` (contents undefined), the front of a buffer."""
        n = shape[0] * shape[1]
        buf = getattr(self._local, name, None)
        if buf is None or buf.size < n:
            buf = np.empty(max(n, int(1.25 * (0 if buf is None else buf.size))))
            setattr(self._local, name, buf)
        return buf[:n].reshape(shape)


def field_of(network: RoadNetwork, piece: tuple[np.ndarray, ...], bands_s: np.ndarray,
             buffer_m: float, scratch: Scratch | None = None) -> tuple[np.ndarray, int, int]:
    """The finished time field of reached pieces on its own window: ``(field, gy0, gx0)``, the
    window's lower left cell on the lattice of ``buffer_m / GRID_CELLS_PER_BUFFER`` cells."""
    vptr, vx, vy, vf, box = vertices(network)
    c, fwd, f0, f1, t0, T = piece
    cell = buffer_m / GRID_CELLS_PER_BUFFER
    half = disc_halfwidths(GRID_CELLS_PER_BUFFER)
    gy0, gx0, ny, nx = window(vptr, vx, vy, vf, box, c, fwd, f0, f1, cell, (half.size - 1) // 2 + 3)
    base = np.empty((ny, nx)) if scratch is None else scratch.grid("base", (ny, nx))
    gap = min(LEVEL_GAP_S, float(np.diff(bands_s).min()) / 4 if bands_s.size > 1 else LEVEL_GAP_S)
    field = station_field(vptr, vx, vy, vf, c, fwd, f0, f1, t0, T, cell, gy0, gx0, base, half, FAR,
                          far_value(bands_s), np.asarray(bands_s, dtype="float64"), gap)
    return field, gy0, gx0


def contour_generator(field: np.ndarray, x0: float, y0: float, cell: float, scratch: Scratch | None = None) -> Any:
    """A contourpy generator over a grid whose values sit at the cell centres (its coordinates in
    ``scratch``: use the generator before the next one is made in the same thread)."""
    import contourpy

    if scratch is None:
        X, Y = np.empty(field.shape), np.empty(field.shape)
    else:
        X, Y = scratch.grid("x", field.shape), scratch.grid("y", field.shape)
    cell_centres(X, Y, float(x0), float(y0), float(cell))  # 2-D: no meshgrid under the GIL
    # the "threaded" algorithm on one thread is the serial one (a single chunk) but lets go of the
    # GIL while it works, so that stations are contoured in parallel threads
    return contourpy.contour_generator(X, Y, field, name="threaded", thread_count=1,
                                       fill_type=contourpy.FillType.OuterOffset)


def filled(gen: Any, lower: float, upper: float) -> Any:
    """The raw polygons (with holes) of a contour generator's field in (``lower``, ``upper``]."""
    pts_list, off_list = gen.filled(lower, upper)
    if not pts_list:
        return shapely.Polygon()
    # one outer ring (+ holes) per polygon, all built in two vectorised calls
    n_rings = np.array([len(o) - 1 for o in off_list])
    ring_len = np.concatenate([np.diff(o) for o in off_list])
    rings = shapely.linearrings(np.concatenate(pts_list), indices=np.repeat(np.arange(ring_len.size), ring_len))
    polys = shapely.polygons(rings, indices=np.repeat(np.arange(n_rings.size), n_rings))
    return shapely.multipolygons(polys) if polys.size > 1 else polys[0]


def contour_bands(field: np.ndarray, gy0: int, gx0: int, cell: float, bands_s: np.ndarray,
                  scratch: Scratch | None = None) -> list[Any]:
    """Non-overlapping band polygons of a finished field: band ``k`` is where the field is in
    (band ``k-1``, band ``k``]; the bands share their contour lines (no gaps, no overlaps)."""
    gen = contour_generator(field, gx0 * cell, gy0 * cell, cell, scratch)
    lower = np.concatenate([[-1.0], bands_s[:-1]])
    return [filled(gen, float(lo), float(b)) for lo, b in zip(lower, bands_s)]


def grid_bands(network: RoadNetwork, piece: tuple[np.ndarray, ...], bands_s: np.ndarray, buffer_m: float) -> list[Any]:
    """Non-overlapping band polygons from the reached road pieces."""
    if piece[0].size == 0:
        return [shapely.Polygon() for _ in bands_s]
    field, gy0, gx0 = field_of(network, piece, bands_s, buffer_m)
    return contour_bands(field, gy0, gx0, buffer_m / GRID_CELLS_PER_BUFFER, bands_s)


class MinCanvas:
    """The cell-wise minimum of fields laid over each other on the lattice, kept in tiles of
    ``tile`` x ``tile`` cells made when first touched (no grid is copied to grow); ``field()`` is
    the box the fields cover, in one array."""

    def __init__(self, fill: float, *, tile: int = 256) -> None:
        self.fill = fill
        self.tile = tile
        self.tiles: dict[tuple[int, int], np.ndarray] = {}
        self.cover: tuple[int, int, int, int] | None = None  # lattice box (y0, x0, y1, x1)

    def add(self, field: np.ndarray, gy0: int, gx0: int) -> None:
        ny, nx = field.shape
        if ny == 0 or nx == 0:
            return
        box = (gy0, gx0, gy0 + ny, gx0 + nx)
        c = self.cover
        self.cover = box if c is None else (min(c[0], box[0]), min(c[1], box[1]), max(c[2], box[2]), max(c[3], box[3]))
        k = self.tile
        for ty in range(gy0 // k, (gy0 + ny - 1) // k + 1):
            for tx in range(gx0 // k, (gx0 + nx - 1) // k + 1):
                t = self.tiles.get((ty, tx))
                if t is None:
                    t = self.tiles[(ty, tx)] = np.full((k, k), self.fill)
                y0, x0 = max(gy0, ty * k), max(gx0, tx * k)
                y1, x1 = min(gy0 + ny, (ty + 1) * k), min(gx0 + nx, (tx + 1) * k)
                merge_min(t, field[y0 - gy0:y1 - gy0, x0 - gx0:x1 - gx0], y0 - ty * k, x0 - tx * k)

    def field(self) -> tuple[np.ndarray, int, int]:
        """``(field, gy0, gx0)`` over the box the fields cover."""
        assert self.cover is not None
        cy0, cx0, cy1, cx1 = self.cover
        out = np.full((cy1 - cy0, cx1 - cx0), self.fill)
        k = self.tile
        for (ty, tx), t in self.tiles.items():
            y0, x0 = max(cy0, ty * k), max(cx0, tx * k)
            y1, x1 = min(cy1, (ty + 1) * k), min(cx1, (tx + 1) * k)
            out[y0 - cy0:y1 - cy0, x0 - cx0:x1 - cx0] = t[y0 - ty * k:y1 - ty * k, x0 - tx * k:x1 - tx * k]
        return out, cy0, cx0


def prepare(network: RoadNetwork) -> None:
    """The network's one-time tables for the grid bands (edge vertices, edges by tail node, the
    search graph), made once and cached."""
    vertices(network)
    _out_edges(network)
    network.csr()


def prepare_in_background(network: RoadNetwork) -> Future[None]:
    """:func:`prepare` in a thread of its own (while the caller snaps the stations, say)."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="yitu-iso-prep")
    try:
        return pool.submit(prepare, network)
    finally:
        pool.shutdown(wait=False)


def workers_default() -> int:
    """Threads for the per-station work: the CPUs this process may use."""
    from yitu.routing.knearest import usable_cpus

    return max(1, usable_cpus())


def run_stations(task: Callable[[int], Any], n: int, *, workers: int) -> Iterator[Any]:
    """``task(i)`` for ``i = 0..n-1``, in order; in a pool of ``workers`` threads when > 1."""
    if workers <= 1 or n <= 1:
        yield from (task(i) for i in range(n))
        return
    from collections import deque

    with ThreadPoolExecutor(max_workers=min(workers, n), thread_name_prefix="yitu-iso") as pool:
        ahead = 2 * workers  # results wait in order: at most this many held at once
        running = deque(pool.submit(task, i) for i in range(min(ahead, n)))
        nxt = len(running)
        while running:
            done = running.popleft().result()
            if nxt < n:
                running.append(pool.submit(task, nxt))
                nxt += 1
            yield done
