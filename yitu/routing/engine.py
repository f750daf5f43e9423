"""The travel-time engine: scipy.sparse.csgraph Dijkstra from snapped points, with per-source offsets.

Sources sit on edges, not nodes. Each source becomes a virtual node joined to the ends of
its edge (respecting one-way streets) with the partial edge time plus its offset (turnout
time and the access leg). A target on an edge is reached from the edge's tail at ``t`` of the
edge time, or over the twin from the head at ``1 - t``; a source and a target on the same
piece of road also reach each other directly along it. Times are seconds.
"""

from __future__ import annotations

import logging
import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from yitu.errors import InputError
from yitu.routing.network import RoadNetwork
from yitu.routing.snap import Snapped

log = logging.getLogger(__name__)

__all__ = [
    "augmented_graph", "node_times", "point_times", "arrival_matrix", "from_source_matrix", "same_edge_times",
    "Reach", "reach", "nearest_k", "NearestK",
]

_EPS = 1e-9


def _check(sources: Snapped, offset_s: np.ndarray | float | None) -> np.ndarray:
    n = len(sources)
    if offset_s is None:
        off = np.zeros(n)
    else:
        off = np.broadcast_to(np.asarray(offset_s, dtype="float64"), (n,)).copy()
    if not sources.ok.all():
        raise InputError("some sources are not on the network (ok == False); pass only placed points")
    return off


def _head_delay(network: RoadNetwork) -> np.ndarray:
    """Per edge, the part of ``time_s`` spent at its head node (the signal delay), which a point
    inside the edge has not yet met: ``time_s - length / speed``."""
    cached = _DELAYS.get(network)
    if cached is None:
        with np.errstate(divide="ignore", invalid="ignore"):
            run = network.length_m / (network.speed_kmh / 3.6)
        cached = np.clip(np.nan_to_num(network.time_s - run, nan=0.0, posinf=0.0, neginf=0.0), 0.0, None)
        cached = np.where(cached < 1e-9, 0.0, cached)
        _DELAYS[network] = cached
    return cached


_DELAYS: weakref.WeakKeyDictionary[RoadNetwork, np.ndarray] = weakref.WeakKeyDictionary()


def augmented_graph(network: RoadNetwork, sources: Snapped, offset_s: np.ndarray) -> sp.csr_array:
    """The network's CSR with one virtual node per source (indices ``n_nodes + i``).

    A source on edge ``e`` (u -> v) at fraction ``t`` gets an edge to ``v`` weighted
    ``offset + (1 - t) * run[e] + delay[e]``, and when ``e`` has a twin, an edge to ``u`` weighted
    ``offset + t * run[twin] + delay[twin]`` (``run`` = time without the signal delay at the
    head). ``t == 0`` is the node ``u`` itself and ``t == 1`` the node ``v`` (reached at the offset).
    """
    n, s = network.n_nodes, len(sources)
    base = network.csr()
    e = sources.edge
    t = sources.t
    delay = _head_delay(network)
    rev = network.reverse[e]
    has_rev = rev >= 0
    to_u = has_rev | (t <= 0.0)
    r = np.maximum(rev, 0)
    # a point strictly inside an edge pays the head node's delay on reaching it; t == 0 is at u, t == 1 at v
    w_v = np.where(t >= 1.0, 0.0, (1.0 - t) * (network.time_s[e] - delay[e]) + delay[e])
    w_u = np.where(t <= 0.0, 0.0, t * (network.time_s[r] - delay[r]) + delay[r])
    rows = np.concatenate([np.arange(s), np.flatnonzero(to_u)])
    cols = np.concatenate([network.v[e], network.u[e][to_u]])
    w = np.concatenate([offset_s + w_v, offset_s[to_u] + w_u[to_u]])
    # the virtual rows appended to the base CSR arrays directly (no sparse stacking copies)
    order = np.argsort(rows, kind="stable")
    rows, cols, w = rows[order], cols[order], np.maximum(w[order], _EPS)
    counts = np.bincount(rows, minlength=s)
    nnz = base.indptr[-1]
    indptr = np.concatenate([base.indptr, nnz + np.cumsum(counts)])
    idx_dtype = np.int32 if n + s < 2**31 - 1 and indptr[-1] < 2**31 - 1 else np.int64
    indices = np.concatenate([base.indices, cols]).astype(idx_dtype, copy=False)
    data = np.concatenate([base.data, w])
    return sp.csr_array((data, indices, indptr.astype(idx_dtype, copy=False)), shape=(n + s, n + s))


def node_times(
    network: RoadNetwork,
    sources: Snapped,
    *,
    offset_s: np.ndarray | float | None = None,
    limit_s: float = np.inf,
) -> tuple[np.ndarray, np.ndarray]:
    """Multi-source Dijkstra (``min_only``): for every node, the earliest arrival and from which source.

    Returns
    -------
    tuple of ndarray
        ``time_s`` per node (inf where not reached within ``limit_s``) and the source index per
        node (-1 where not reached).
    """
    off = _check(sources, offset_s)
    n = network.n_nodes
    if len(sources) == 0:
        return np.full(n, np.inf), np.full(n, -1, dtype="int64")
    graph = augmented_graph(network, sources, off)
    dist, _, src = dijkstra(graph, directed=True, indices=n + np.arange(len(sources)), min_only=True,
                            limit=limit_s, return_predecessors=True)
    src = np.where(src >= 0, src - n, -1).astype("int64")
    return dist[:n], src[:n]


def _target_parts(network: RoadNetwork, targets: Snapped) -> tuple[np.ndarray, ...]:
    e = np.where(targets.ok, targets.edge, 0)
    rev = network.reverse[e]
    return e, targets.t, network.u[e], network.v[e], rev


def point_times(
    network: RoadNetwork, node_time: np.ndarray, targets: Snapped, *, return_node: bool = False
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Arrival at snapped targets from per-node times (the partial edge counted; no same-edge shortcut).

    ``node_time`` may be 1-D (one search) or 2-D (rows = searches). Targets not placed give inf.
    With ``return_node``, also the node through which each arrival came (the edge's ``u`` or
    ``v``; -1 for targets not placed), e.g. to look up the source of a ``min_only`` search.
    """
    e, t, u, v, rev = _target_parts(network, targets)
    delay = _head_delay(network)
    t = np.where(targets.ok, t, 0.0)
    run_e = network.time_s[e] - delay[e]
    r = np.maximum(rev, 0)
    run_r = network.time_s[r] - delay[r]
    nt = np.atleast_2d(node_time)
    via_u = nt[:, u] + t * run_e
    via_v = np.where(rev >= 0, nt[:, v] + (1.0 - t) * run_r, np.inf)
    out = np.minimum(via_u, via_v)
    through = np.where(via_u <= via_v, u, v)
    # a target at t == 0 is the node u itself, at t == 1 the node v
    out = np.where(t <= 0.0, nt[:, u], np.where(t >= 1.0, nt[:, v], out))
    through = np.where(t <= 0.0, u, np.where(t >= 1.0, v, through))
    out[:, ~targets.ok] = np.inf
    through[:, ~targets.ok] = -1
    if np.ndim(node_time) != 2:
        out, through = out[0], through[0]
    return (out, through) if return_node else out


def same_edge_times(network: RoadNetwork, sources: Snapped, targets: Snapped, off: np.ndarray) -> tuple[np.ndarray, ...]:
    """Direct times for source/target pairs on the same piece of road: (source idx, target idx, seconds)."""
    canon = network.canonical
    sc = canon[sources.edge]
    tc = np.where(targets.ok, canon[np.where(targets.ok, targets.edge, 0)], -1)
    # position along the canonical direction
    st = np.where(sources.edge == sc, sources.t, 1.0 - sources.t)
    tt = np.where(targets.edge == tc, targets.t, 1.0 - targets.t)
    order = np.argsort(tc, kind="stable")
    lo = np.searchsorted(tc[order], sc, side="left")
    hi = np.searchsorted(tc[order], sc, side="right")
    counts = hi - lo
    if counts.sum() == 0:
        return np.zeros(0, dtype="int64"), np.zeros(0, dtype="int64"), np.zeros(0)
    si = np.repeat(np.arange(len(sources)), counts)
    ti = order[np.concatenate([np.arange(a, b) for a, b in zip(lo, hi)])]
    c = sc[si]
    d = tt[ti] - st[si]
    delay = _head_delay(network)
    rc = network.reverse[c]
    rr = np.maximum(rc, 0)
    # a target exactly at the far node has passed that node's delay
    fwd = np.where(d >= 0, d * (network.time_s[c] - delay[c]) + np.where(tt[ti] >= 1.0, delay[c], 0.0), np.inf)
    bwd = np.where((d <= 0) & (rc >= 0),
                   -d * (network.time_s[rr] - delay[rr]) + np.where(tt[ti] <= 0.0, delay[rr], 0.0), np.inf)
    return si, ti, off[si] + np.minimum(fwd, bwd)


def arrival_matrix(
    network: RoadNetwork,
    sources: Snapped,
    targets: Snapped,
    *,
    offset_s: np.ndarray | float | None = None,
    limit_s: float = np.inf,
    chunk: int = 16,
) -> np.ndarray:
    """Arrival time (s) from every source at every target: shape (n_sources, n_targets).

    One limited Dijkstra per source (in chunks of ``chunk`` sources to bound memory). Entries
    beyond ``limit_s`` or unreachable are inf; targets that were not placed are inf.
    """
    off = _check(sources, offset_s)
    s, n = len(sources), network.n_nodes
    out = np.full((s, len(targets)), np.inf)
    if s == 0 or len(targets) == 0:
        return out
    graph = augmented_graph(network, sources, off)
    for a in range(0, s, chunk):
        idx = np.arange(a, min(s, a + chunk))
        dist = dijkstra(graph, directed=True, indices=n + idx, limit=limit_s)
        out[idx] = point_times(network, dist[:, :n], targets)
    si, ti, direct = same_edge_times(network, sources, targets, off)
    if si.size:
        np.minimum.at(out, (si, ti), direct)
    out[out > limit_s] = np.inf
    return out


def from_source_matrix(
    network: RoadNetwork,
    sources: Snapped,
    *,
    offset_s: np.ndarray | float | None = None,
    limit_s: float = np.inf,
) -> np.ndarray:
    """Per-source node times, shape (n_sources, n_nodes) — for isochrones and route-free analyses."""
    off = _check(sources, offset_s)
    n = network.n_nodes
    if len(sources) == 0:
        return np.zeros((0, n))
    graph = augmented_graph(network, sources, off)
    dist = dijkstra(graph, directed=True, indices=n + np.arange(len(sources)), limit=limit_s)
    return dist[:, :n]


def _through(network: RoadNetwork, targets: Snapped) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The two ways into each target, as :func:`point_times` counts them: (node ``u`` or -1, the
    partial time from it, node ``v`` or -1, the partial time from it). A target at ``t == 0`` is
    ``u`` itself, at ``t == 1`` is ``v``; ``v`` leads in only over a twin; not placed: -1, -1."""
    e, t, u, v, rev = _target_parts(network, targets)
    ok = targets.ok
    delay = _head_delay(network)
    t = np.where(ok, t, 0.0)
    r = np.maximum(rev, 0)
    run_e = network.time_s[e] - delay[e]
    run_r = network.time_s[r] - delay[r]
    at_u, at_v = t <= 0.0, t >= 1.0
    u_node = np.where(ok & ~at_v, u, -1)
    u_add = np.where(at_u, 0.0, t * run_e)
    v_node = np.where(ok & ~at_u & (at_v | (rev >= 0)), v, -1)
    v_add = np.where(at_v, 0.0, (1.0 - t) * run_r)
    return u_node, u_add, v_node, v_add


@dataclass(frozen=True)
class NearestK:
    """The ``k`` nearest sources of each target (see :func:`nearest_k`).

    Attributes
    ----------
    time
        (n_targets, k) arrival seconds, ascending (inf where fewer sources arrive within the limit).
    source
        (n_targets, k) source indices (-1 where none).
    n_within
        Per target, the number of sources arriving within ``count_within_s``: exact when below
        ``k``; ``k`` means "k or more".
    """

    time: np.ndarray
    source: np.ndarray
    n_within: np.ndarray

    @property
    def k(self) -> int:
        return int(self.time.shape[1])


def nearest_k(
    network: RoadNetwork,
    sources: Snapped,
    targets: Snapped,
    *,
    k: int = 3,
    offset_s: np.ndarray | float | None = None,
    limit_s: Any = np.inf,
    count_within_s: float | None = None,
    target_extra_s: np.ndarray | None = None,
    threads: int | None = None,
) -> NearestK:
    """The ``k`` nearest sources of every target, from one compiled multi-source search.

    The same arrival rule as :func:`arrival_matrix` (partial edges, signal delay at the head,
    one-way streets, same-edge shortcuts), without a sources × targets matrix: ``k`` Dijkstra
    passes, one per rank, find the ``k`` best distinct sources of every node
    (:mod:`yitu.routing.knearest`), and each target takes the best ``k`` of its edge's two end nodes and of the sources on its own
    piece of road.

    Parameters
    ----------
    network, sources, targets
        Network and snapped points (sources all placed; targets not placed get no source).
    k
        Sources kept per target.
    offset_s
        Per-source time spent before the road (turnout plus access leg), seconds.
    limit_s
        Arrivals later than this (including ``target_extra_s``) are not reported: one limit, or
        one per rank (nearest first, not growing), e.g. ``(inf, 1800, 900)``.
    count_within_s
        The limit of ``n_within`` (default: the last rank's limit).
    target_extra_s
        Per-target time added to every arrival (the target's access leg).
    threads
        Groups of sources searched side by side (default
        :func:`yitu.routing.knearest.default_threads`).
    """
    from yitu.routing import knearest

    off = _check(sources, offset_s)
    n_t = len(targets)
    k = int(k)
    if k < 1:
        raise InputError(f"k must be at least 1, got {k}")
    try:
        lims = knearest.rank_limits(k, limit_s)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    count_s = float(lims[-1]) if count_within_s is None else float(count_within_s)
    if len(sources) == 0 or n_t == 0:
        return NearestK(np.full((n_t, k), np.inf), np.full((n_t, k), -1, dtype="int64"), np.zeros(n_t, dtype="int64"))
    extra = np.zeros(n_t) if target_extra_s is None else np.asarray(target_extra_s, dtype="float64")
    labels = knearest.k_nearest_labels(network, sources, offset_s=off, k=k, limit_s=lims, threads=threads)
    u_node, u_add, v_node, v_add = _through(network, targets)
    u_add, v_add = u_add + extra, v_add + extra
    si, ti, direct = same_edge_times(network, sources, targets, off)
    tm, src, n_in = knearest.merge_targets(labels, u_node, u_add, v_node, v_add, (si, ti, direct + extra[ti]),
                                           k=k, limit_s=lims, count_within_s=count_s)
    return NearestK(tm, src, np.minimum(n_in, k))


# ------------------------------------------------------------------------------ sparse results
@dataclass(frozen=True)
class Reach:
    """Sparse per-source results: what each source reached within its limit, and in how long.

    CSR by source: source ``i`` reached the targets ``indices[indptr[i]:indptr[i+1]]`` after
    ``time_s[indptr[i]:indptr[i+1]]`` seconds (offsets included; each row sorted by target).
    Nothing beyond the limit is kept, so memory grows with what was reached, never with
    sources × nodes. A time of 0 is a real entry (a source on its target), kept explicitly.
    """

    indptr: np.ndarray
    indices: np.ndarray
    time_s: np.ndarray
    n_sources: int
    n_targets: int

    @property
    def nnz(self) -> int:
        return int(self.indices.size)

    def row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """(target indices, seconds) reached by source ``i``."""
        a, b = int(self.indptr[i]), int(self.indptr[i + 1])
        return self.indices[a:b], self.time_s[a:b]

    def sources(self) -> np.ndarray:
        """The source index of every entry (aligned with ``indices`` and ``time_s``)."""
        return np.repeat(np.arange(self.n_sources), np.diff(self.indptr))

    def to_csr(self) -> sp.csr_array:
        """As a scipy CSR array (sources × targets); explicit zeros are kept, absent means not reached."""
        return sp.csr_array((self.time_s, self.indices, self.indptr), shape=(self.n_sources, self.n_targets))

    def transpose(self) -> Reach:
        """The same entries by target: row ``j`` lists the sources that reached target ``j``."""
        src = self.sources()
        order = np.lexsort((src, self.indices))
        counts = np.bincount(self.indices, minlength=self.n_targets)
        indptr = np.concatenate([[0], np.cumsum(counts)]).astype("int64")
        return Reach(indptr, src[order].astype("int64"), self.time_s[order], self.n_targets, self.n_sources)

    def dense(self, fill: float = np.inf) -> np.ndarray:
        """Dense (sources × targets) seconds, ``fill`` where not reached — for small cases and tests only."""
        out = np.full((self.n_sources, self.n_targets), fill)
        out[self.sources(), self.indices] = self.time_s
        return out

    @classmethod
    def from_entries(cls, src: np.ndarray, dst: np.ndarray, time_s: np.ndarray, n_sources: int, n_targets: int) -> Reach:
        """Build from (source, target, seconds) triples; duplicates keep the smallest time."""
        src = np.asarray(src, dtype="int64")
        dst = np.asarray(dst, dtype="int64")
        t = np.asarray(time_s, dtype="float64")
        order = np.lexsort((t, dst, src))
        src, dst, t = src[order], dst[order], t[order]
        keep = np.ones(src.size, dtype=bool)
        keep[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
        src, dst, t = src[keep], dst[keep], t[keep]
        indptr = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=n_sources))]).astype("int64")
        return cls(indptr, dst, t, int(n_sources), int(n_targets))


def reach(
    network: RoadNetwork,
    sources: Snapped,
    targets: Snapped | None = None,
    *,
    offset_s: np.ndarray | float | None = None,
    limit_s: float,
    chunk: int = 16,
) -> Reach:
    """One bounded search per source: the targets (or nodes) each source reaches within ``limit_s``.

    Parameters
    ----------
    network
        The road network.
    sources
        Snapped sources (all placed; ``ok`` must be true).
    targets
        Snapped targets (targets not placed are never reached); ``None`` gives the network's nodes.
    offset_s
        Seconds added at each source (turnout time, access leg), scalar or per source.
    limit_s
        Search bound: entries later than this are not kept. Must be finite.
    chunk
        Kept for compatibility; the compiled search (:mod:`yitu.routing.knearest`) runs one source
        at a time and holds only what was reached.

    Returns
    -------
    Reach
        Sparse (sources × targets) seconds within the limit, incl. same-edge shortcuts.
    """
    if not np.isfinite(limit_s) or limit_s < 0:
        raise InputError(f"reach: limit_s must be a finite number ≥ 0, got {limit_s!r}")
    off = _check(sources, offset_s)
    s, n = len(sources), network.n_nodes
    n_t = n if targets is None else len(targets)
    if s == 0 or n_t == 0:
        return Reach(np.zeros(s + 1, dtype="int64"), np.zeros(0, dtype="int64"), np.zeros(0), s, n_t)
    from yitu.routing import knearest

    ptr, node, time = knearest.reach_many(network, sources, offset_s=off, limit_s=limit_s)
    if targets is None:
        return Reach(ptr, node.astype("int64"), time, s, n_t)
    # each reached node passes its time on to the targets entered through it
    u_node, u_add, v_node, v_add = _through(network, targets)
    tj = np.concatenate([np.flatnonzero(u_node >= 0), np.flatnonzero(v_node >= 0)])
    tn = np.concatenate([u_node[u_node >= 0], v_node[v_node >= 0]])
    ta = np.concatenate([u_add[u_node >= 0], v_add[v_node >= 0]])
    order = np.argsort(tn, kind="stable")
    tj, tn, ta = tj[order], tn[order], ta[order]
    tptr = np.zeros(n + 1, dtype="int64")
    tptr[1:] = np.cumsum(np.bincount(tn, minlength=n))
    src_of = np.repeat(np.arange(s, dtype="int64"), np.diff(ptr))
    counts = tptr[node + 1] - tptr[node]
    hit = np.flatnonzero(counts)
    counts = counts[hit]
    rep = np.repeat(hit, counts)
    pos = np.repeat(tptr[node[hit]] - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
    et = time[rep] + ta[pos]
    within = et <= limit_s
    parts_s, parts_t, parts_w = [src_of[rep][within]], [tj[pos][within]], [et[within]]
    si, ti, direct = same_edge_times(network, sources, targets, off)
    within = direct <= limit_s
    parts_s.append(si[within])
    parts_t.append(ti[within])
    parts_w.append(direct[within])
    return Reach.from_entries(np.concatenate(parts_s), np.concatenate(parts_t), np.concatenate(parts_w), s, n_t)
