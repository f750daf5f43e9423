"""Compiled search kernels (numba): the k nearest sources of every node in one multi-source
Dijkstra, and sparse per-source searches that return only what each source reached
(:func:`yitu.routing.engine.reach` is their public face).

Both work on the network's CSR arrays (``indptr``, ``indices``, ``weights``) and on *seeds*: the
labels a source puts on the nodes of its own edge (source index, node, time), built from the
snapped points by :func:`seeds` with the same rule as :func:`yitu.routing.engine.augmented_graph`
(partial edge time, signal delay at the head, one-way streets, turnout offset).

:func:`k_nearest_labels` finds the ``k`` nearest sources of every node rank by rank: pass ``r``
is one Dijkstra whose labels are (time, source) pairs and in which a source never takes a rank it
already holds at a node; it starts from the seeds and from the lower-rank labels of every node's
predecessors. This is exact: the best path of a node's ``r``-th nearest source runs only through
nodes where that source holds rank ``r`` or lower (a source beaten by ``r`` others at a node on
its path is beaten by the same ``r`` at every node after it). Each pass costs about one plain
Dijkstra, with one array per rank (no per-node lists, no stale heap entries from evicted labels).
Ties in time go to the lower source index, as a stable sort of a per-source matrix would.

With more than one CPU the sources are split into groups (slices along the longer side of their
extent), each searched by its own thread (the kernels release the GIL); a label that ``k``
labels of this group and the other groups (lower ranks, final after the previous pass) already
beat at a node is dropped. The ``k`` nearest of a node are the best ``k`` over all groups.

Limits may differ by rank (``(inf, 1800, 900)``: the nearest however far, a second source within
30 minutes, a third within 15), as long as they do not grow with the rank.

The kernels are compiled on first use and cached on disk (``cache=True``); the first call of a
fresh install takes a few seconds to compile (see ``benchmarks/network.py`` for the cold time).
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from numba import njit

log = logging.getLogger(__name__)

__all__ = ["KLabels", "seeds", "k_nearest_labels", "labels_from_csr", "rank_limits", "default_threads",
           "reach_many", "merge_targets"]


@dataclass(frozen=True)
class KLabels:
    """The k nearest sources of every node, as the rank passes left them: per group of sources
    ``g``, rank ``r`` and node, ``D[g, r, node]`` seconds (inf = none) and ``SX[g, r, node]`` the
    source index (-1 = none). A node's ``k`` nearest are the ``k`` best over all groups
    (:attr:`time`, :attr:`source`); the other labels a group kept are beaten there."""

    D: np.ndarray
    SX: np.ndarray
    limits_s: np.ndarray

    @property
    def k(self) -> int:
        return int(self.D.shape[1])

    @cached_property
    def _merged(self) -> tuple[np.ndarray, np.ndarray]:
        t, s = _node_merge(self.D, self.SX, self.k)
        late = t > self.limits_s[None, :]
        late = np.maximum.accumulate(late, axis=1)  # beyond the limit of its rank: so is every later one
        t[late] = np.inf
        s[late] = -1
        return t, s

    @property
    def time(self) -> np.ndarray:
        """(n_nodes, k) seconds, ascending (inf = none)."""
        return self._merged[0]

    @property
    def source(self) -> np.ndarray:
        """(n_nodes, k) source indices (-1 = none); ties in time go to the lower index."""
        return self._merged[1]


# ------------------------------------------------------------------------------------- heap
@njit(cache=True, nogil=True)
def _less(t1: float, s1: int, t2: float, s2: int) -> bool:
    return t1 < t2 or (t1 == t2 and s1 < s2)


@njit(cache=True, nogil=True)
def _grow(ht, hk):  # type: ignore[no-untyped-def]
    size = ht.shape[0]
    nt = np.empty(2 * size + 16, ht.dtype)
    nk = np.empty(2 * size + 16, hk.dtype)
    nt[:size] = ht
    nk[:size] = hk
    return nt, nk


@njit(cache=True, nogil=True)
def _push(ht, hk, size, t, key):  # type: ignore[no-untyped-def]
    """Push onto a 4-ary heap ordered by (time, key) with room for one more; returns the new size."""
    i = size
    while i > 0:
        p = (i - 1) >> 2
        if t < ht[p] or (t == ht[p] and key < hk[p]):
            ht[i] = ht[p]
            hk[i] = hk[p]
            i = p
        else:
            break
    ht[i] = t
    hk[i] = key
    return size + 1


@njit(cache=True, nogil=True)
def _pop(ht, hk, size):  # type: ignore[no-untyped-def]
    """Remove the top of the 4-ary heap; returns (time, key, new size)."""
    t0, k0 = ht[0], hk[0]
    size -= 1
    if size > 0:
        t, key = ht[size], hk[size]
        i = 0
        while True:
            c = 4 * i + 1
            if c >= size:
                break
            best = c
            bt, bk = ht[c], hk[c]
            end = min(c + 4, size)
            for q in range(c + 1, end):
                if ht[q] < bt or (ht[q] == bt and hk[q] < bk):
                    best, bt, bk = q, ht[q], hk[q]
            if bt < t or (bt == t and bk < key):
                ht[i] = bt
                hk[i] = bk
                i = best
            else:
                break
        ht[i] = t
        hk[i] = key
    return t0, k0, size


# ---------------------------------------------------------------------------------- kernels
@njit(cache=True, inline="always", nogil=True)
def _held_below(SX, g, r, w, s):  # type: ignore[no-untyped-def]
    """True when source ``s`` already holds a rank below ``r`` at node ``w`` (in group ``g``)."""
    for q in range(r):
        if SX[g, q, w] == s:
            return True
    return False


@njit(cache=True, inline="always", nogil=True)
def _beaten(D, g, r, w, t, k):  # type: ignore[no-untyped-def]
    """True when at least ``k`` labels already known at ``w`` arrive before ``t``: the ``r`` ranks of
    this group below ``r`` and the ranks below ``r`` of the other groups (all final)."""
    better = r
    for h in range(D.shape[0]):
        if h == g:
            continue
        for q in range(r):
            if D[h, q, w] < t:
                better += 1
    return better >= k


@njit(cache=True, nogil=True)
def _rank_pass(indptr, indices, weights, D, SX, g, r, k, seed_node, seed_src, seed_time, limit):  # type: ignore[no-untyped-def]
    """Rank ``r`` (0 = nearest) of every node among the sources of group ``g``, given its ranks below
    ``r``: one Dijkstra whose labels are (time, source) pairs, a source never taking a rank it
    already holds at a node. It starts from the seeds and from every label of a lower rank at a
    node's predecessors (a source's best path to its rank-``r`` node runs through nodes where it
    holds rank ``r`` or lower). Ties go to the lower source index. Labels beaten by ``k`` labels
    known at a node (this group's lower ranks and the other groups' lower ranks, all final) are
    not kept: they are in no node's ``k`` nearest downstream either."""
    n = indptr.size - 1
    G = D.shape[0]
    prune = G > 1 and r * G >= k
    Dg = D[g, r]  # a settled node holds its time negated until the end of the pass
    Sg = SX[g, r]
    # the offer of a label is written out at each of its three places (seeds, lower ranks, the
    # search): as an inlined numba function returning the heap it ran at half the speed (measured)
    ht = np.empty(4096, np.float64)
    hk = np.empty(4096, np.int64)  # source << 32 | node: ties go to the lower source
    size = 0
    for i in range(seed_node.size):
        w = seed_node[i]
        s = seed_src[i]
        tt = seed_time[i]
        if tt > limit or not (tt < Dg[w] or (tt == Dg[w] and s < Sg[w])) or _held_below(SX, g, r, w, s):
            continue
        if prune and _beaten(D, g, r, w, tt, k):
            continue
        Dg[w] = tt
        Sg[w] = s
        if size == ht.shape[0]:
            ht, hk = _grow(ht, hk)
        size = _push(ht, hk, size, tt, (np.int64(s) << 32) | w)
    for x in range(n if r > 0 else 0):  # the lower ranks of every node, offered to its successors
        for q in range(r):
            s = SX[g, q, x]
            if s < 0:
                break
            tx = D[g, q, x]
            for j in range(indptr[x], indptr[x + 1]):
                w = indices[j]
                tt = tx + weights[j]
                if tt > limit or not (tt < Dg[w] or (tt == Dg[w] and s < Sg[w])) or _held_below(SX, g, r, w, s):
                    continue
                if prune and _beaten(D, g, r, w, tt, k):
                    continue
                Dg[w] = tt
                Sg[w] = s
                if size == ht.shape[0]:
                    ht, hk = _grow(ht, hk)
                size = _push(ht, hk, size, tt, (np.int64(s) << 32) | w)
    while size > 0:
        t, key, size = _pop(ht, hk, size)
        nd = key & 0xFFFFFFFF
        s = np.int32(key >> 32)
        if t != Dg[nd]:
            continue  # settled (negated), or improved since it was pushed (a tie in time goes to
            # the lower source, whose entry comes first off the heap)
        Dg[nd] = -t
        for j in range(indptr[nd], indptr[nd + 1]):
            w = indices[j]
            tt = t + weights[j]
            if tt > limit or not (tt < Dg[w] or (tt == Dg[w] and s < Sg[w])) or _held_below(SX, g, r, w, s):
                continue
            if prune and _beaten(D, g, r, w, tt, k):
                continue
            Dg[w] = tt
            Sg[w] = s
            if size == ht.shape[0]:
                ht, hk = _grow(ht, hk)
            size = _push(ht, hk, size, tt, (np.int64(s) << 32) | w)
    for i in range(n):
        Dg[i] = abs(Dg[i])


@njit(cache=True, nogil=True)
def _node_merge(D, SX, k):  # type: ignore[no-untyped-def]
    """The ``k`` best (time, source) of every node over all groups."""
    G, kk, n = D.shape
    out_t = np.full((n, k), np.inf)
    out_s = np.full((n, k), -1, np.int64)
    ct = np.empty(G * kk)
    cs = np.empty(G * kk, np.int64)
    for nd in range(n):
        m = 0
        for h in range(G):
            for q in range(kk):
                sx = SX[h, q, nd]
                if sx < 0:
                    break
                tx = D[h, q, nd]
                y = m - 1
                while y >= 0 and _less(tx, sx, ct[y], cs[y]):
                    ct[y + 1] = ct[y]
                    cs[y + 1] = cs[y]
                    y -= 1
                ct[y + 1] = tx
                cs[y + 1] = sx
                m += 1
        for q in range(min(m, k)):
            out_t[nd, q] = ct[q]
            out_s[nd, q] = cs[q]
    return out_t, out_s


@njit(cache=True, nogil=True)
def _improve(nd, t, dist, touched, n_touch, ht, hk, size):  # type: ignore[no-untyped-def]
    """A better time ``t`` for node ``nd`` in a per-source search: remember the node for the reset
    (first touch), set its time and push it on the heap; the arrays grow when full."""
    if dist[nd] == np.inf:
        if n_touch == touched.size:
            tmp = np.empty(2 * n_touch, np.int64)
            tmp[:n_touch] = touched[:n_touch]
            touched = tmp
        touched[n_touch] = nd
        n_touch += 1
    dist[nd] = t
    if size == ht.shape[0]:
        ht, hk = _grow(ht, hk)
    size = _push(ht, hk, size, t, np.int64(nd))
    return touched, n_touch, ht, hk, size


@njit(cache=True, nogil=True)
def _reach(indptr, indices, weights, n, seed_ptr, seed_node, seed_time, limit):  # type: ignore[no-untyped-def]
    n_src = seed_ptr.size - 1
    dist = np.full(n, np.inf)
    done = np.zeros(n, np.bool_)
    touched = np.empty(1024, np.int64)
    out_node = np.empty(1024, np.int32)
    out_time = np.empty(1024, np.float64)
    ptr = np.zeros(n_src + 1, np.int64)
    m = 0
    ht = np.empty(1024, np.float64)
    hk = np.empty(1024, np.int64)
    for i in range(n_src):
        size = 0
        n_touch = 0
        for q in range(seed_ptr[i], seed_ptr[i + 1]):
            nd = seed_node[q]
            t = seed_time[q]
            if t <= limit and t < dist[nd]:
                touched, n_touch, ht, hk, size = _improve(nd, t, dist, touched, n_touch, ht, hk, size)
        while size > 0:
            t, nd, size = _pop(ht, hk, size)
            if done[nd] or t > dist[nd]:
                continue
            done[nd] = True
            if m == out_node.size:
                nn = np.empty(2 * m, np.int32)
                nt = np.empty(2 * m, np.float64)
                nn[:m] = out_node[:m]
                nt[:m] = out_time[:m]
                out_node, out_time = nn, nt
            out_node[m] = nd
            out_time[m] = t
            m += 1
            for j in range(indptr[nd], indptr[nd + 1]):
                w = indices[j]
                tt = t + weights[j]
                if tt <= limit and tt < dist[w]:
                    touched, n_touch, ht, hk, size = _improve(w, tt, dist, touched, n_touch, ht, hk, size)
        for q in range(n_touch):
            dist[touched[q]] = np.inf
            done[touched[q]] = False
        a = ptr[i]
        order = np.argsort(out_node[a:m])  # each row by node
        out_node[a:m] = out_node[a:m][order]
        out_time[a:m] = out_time[a:m][order]
        ptr[i + 1] = m
    return ptr, out_node[:m].copy(), out_time[:m].copy()


@njit(cache=True, nogil=True)
def _merge(D, SX, u_node, u_add, v_node, v_add, d_ptr, d_src, d_time, k, lims, count_limit):  # type: ignore[no-untyped-def]
    G, kk, _ = D.shape
    n_t = u_node.size
    out_t = np.full((n_t, k), np.inf)
    out_s = np.full((n_t, k), -1, np.int64)
    n_in = np.zeros(n_t, np.int64)
    for j in range(n_t):
        m = 2 * G * kk + d_ptr[j + 1] - d_ptr[j]
        ct = np.empty(m)
        cs = np.empty(m, np.int64)
        c = 0
        for end in range(2):
            a = u_node[j] if end == 0 else v_node[j]
            add = u_add[j] if end == 0 else v_add[j]
            if a < 0:
                continue
            for h in range(G):
                for q in range(kk):
                    if SX[h, q, a] < 0:
                        break
                    ct[c] = D[h, q, a] + add
                    cs[c] = SX[h, q, a]
                    c += 1
        for q in range(d_ptr[j], d_ptr[j + 1]):
            ct[c] = d_time[q]
            cs[c] = d_src[q]
            c += 1
        # insertion sort by (time, source): a handful of candidates
        for x in range(1, c):
            tx, sx = ct[x], cs[x]
            y = x - 1
            while y >= 0 and _less(tx, sx, ct[y], cs[y]):
                ct[y + 1] = ct[y]
                cs[y + 1] = cs[y]
                y -= 1
            ct[y + 1] = tx
            cs[y + 1] = sx
        got = 0
        within = 0
        for x in range(c):
            s = cs[x]
            dup = False
            for y in range(x):
                if cs[y] == s:
                    dup = True
                    break
            if dup:
                continue
            if ct[x] <= count_limit:
                within += 1
            if got < k and ct[x] <= lims[got]:
                out_t[j, got] = ct[x]
                out_s[j, got] = s
                got += 1
            elif got < k:
                got = k  # beyond the limit of its rank: so is every later one
        n_in[j] = within
    return out_t, out_s, n_in


# ------------------------------------------------------------------------------ python face
def seeds(network, sources, offset_s: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    """The first labels of each source on the ends of its edge: (source, node, time), grouped by source.

    The same rule as :func:`yitu.routing.engine.augmented_graph`: a source on edge ``u -> v`` at
    fraction ``t`` reaches ``v`` at ``offset + (1 - t) * run + delay`` and, over the twin, ``u`` at
    ``offset + t * run_twin + delay_twin``; ``t == 0`` is ``u`` and ``t == 1`` is ``v`` (at the offset).
    """
    from yitu.routing.engine import _EPS, _head_delay

    s = len(sources)
    e, t = sources.edge, sources.t
    delay = _head_delay(network)
    rev = network.reverse[e]
    to_u = (rev >= 0) | (t <= 0.0)
    r = np.maximum(rev, 0)
    w_v = np.where(t >= 1.0, 0.0, (1.0 - t) * (network.time_s[e] - delay[e]) + delay[e])
    w_u = np.where(t <= 0.0, 0.0, t * (network.time_s[r] - delay[r]) + delay[r])
    src = np.concatenate([np.arange(s), np.flatnonzero(to_u)])
    node = np.concatenate([network.v[e], network.u[e][to_u]])
    time = np.maximum(np.concatenate([offset_s + w_v, offset_s[to_u] + w_u[to_u]]), _EPS)
    order = np.argsort(src, kind="stable")
    return src[order].astype("int32"), node[order].astype("int32"), time[order]


def _csr_arrays(network) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    g = network.csr()
    return g.indptr, g.indices, g.data


def rank_limits(k: int, limit_s: Any) -> np.ndarray:
    """Per-rank limits (seconds) from one limit or ``k`` of them; they may not grow with the rank
    (a later source never arrives earlier, so a label beyond its rank's limit ends its node)."""
    lims = np.broadcast_to(np.asarray(limit_s, dtype="float64"), (k,)).copy() if np.ndim(limit_s) == 0 \
        else np.asarray(limit_s, dtype="float64")
    if lims.shape != (k,) or np.isnan(lims).any() or (lims[1:] > lims[:-1]).any():
        raise ValueError(f"limit_s must be one limit or {k} limits that do not grow with the rank, got {limit_s!r}")
    return lims


_POOL: ThreadPoolExecutor | None = None
_POOL_SIZE = 0
_POOL_LOCK = threading.Lock()


def default_threads() -> int:
    """Threads for the k-nearest passes: the CPUs this process may use, at most 2 (``YITU_THREADS``
    overrides). Each thread runs one group of sources; in dense areas every group keeps its own
    ``k`` labels at each node, so more groups than 2 add work as fast as they add hands."""
    env = os.environ.get("YITU_THREADS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, min(usable_cpus(), 2))


def usable_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _groups(xy: np.ndarray, n_groups: int) -> np.ndarray:
    """Group index of every source: contiguous slices along the longer side of their extent, so
    each group's sources lie together and the groups' searches prune each other where they meet."""
    n = xy.shape[0]
    if n_groups <= 1 or n == 0:
        return np.zeros(n, dtype="int64")
    xy = np.where(np.isfinite(xy), xy, 0.0)
    axis = int(np.ptp(xy[:, 1]) > np.ptp(xy[:, 0]))
    order = np.argsort(xy[:, axis], kind="stable")
    grp = np.empty(n, dtype="int64")
    grp[order] = np.arange(n) * n_groups // n
    return grp


def labels_from_csr(  # type: ignore[no-untyped-def]
    indptr, indices, weights, seed_node, seed_src, seed_time, *, k: int, limit_s: Any = np.inf,
    group: np.ndarray | None = None,
) -> KLabels:
    """The rank passes on CSR arrays from seeds (source, node, time); ``group`` gives each source's
    group (one thread per group, default all in one)."""
    global _POOL, _POOL_SIZE
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    lims = rank_limits(int(k), limit_s)
    n = indptr.size - 1
    n_src = int(seed_src.max()) + 1 if seed_src.size else 0
    grp = np.zeros(n_src, dtype="int64") if group is None else np.asarray(group, dtype="int64")
    n_groups = int(grp.max()) + 1 if grp.size else 1
    D = np.full((n_groups, int(k), n), np.inf)
    SX = np.full((n_groups, int(k), n), -1, dtype="int32")
    seed_node = np.asarray(seed_node, dtype="int32")
    seed_src = np.asarray(seed_src, dtype="int32")
    seed_time = np.asarray(seed_time, dtype="float64")
    parts = []
    for g in range(n_groups):
        m = grp[seed_src] == g
        parts.append((seed_node[m], seed_src[m], seed_time[m]))
    if n_groups > 1:
        with _POOL_LOCK:
            if _POOL is None or _POOL_SIZE < n_groups:  # one pool per process, grown when asked for more
                _POOL_SIZE = max(2, n_groups)
                _POOL = ThreadPoolExecutor(max_workers=_POOL_SIZE, thread_name_prefix="yitu-knearest")
    for r in range(int(k)):  # rank by rank: a pass reads the other groups' lower ranks, all final
        if n_groups == 1:
            _rank_pass(indptr, indices, weights, D, SX, 0, r, int(k), *parts[0], float(lims[r]))
            continue
        assert _POOL is not None
        futures = [_POOL.submit(_rank_pass, indptr, indices, weights, D, SX, g, r, int(k), *parts[g], float(lims[r]))
                   for g in range(n_groups)]
        for f in futures:
            f.result()
    return KLabels(D, SX, lims)


def k_nearest_labels(  # type: ignore[no-untyped-def]
    network, sources, *, offset_s: np.ndarray, k: int = 3, limit_s: Any = np.inf, threads: int | None = None
) -> KLabels:
    """The ``k`` nearest sources (and their times) of every node, within ``limit_s`` seconds.

    Parameters
    ----------
    network
        The road network.
    sources
        Snapped sources, all placed.
    offset_s
        Per-source time already spent at its road position (turnout plus access leg), seconds.
    k
        Labels kept per node (distinct sources).
    limit_s
        Labels later than this are not kept: one limit, or one per rank (nearest first; they
        may not grow), e.g. ``(inf, 1800, 900)`` for "the nearest however far, a backup within
        30 minutes, a third within 15".
    threads
        Groups of sources searched side by side (default :func:`default_threads`).
    """
    src, node, time = seeds(network, sources, np.asarray(offset_s, dtype="float64"))
    n_threads = default_threads() if threads is None else max(1, int(threads))
    xy = np.column_stack([np.asarray(sources.x, dtype="float64"), np.asarray(sources.y, dtype="float64")])
    group = _groups(xy, min(n_threads, len(sources)))
    indptr, indices, weights = _csr_arrays(network)
    return labels_from_csr(indptr, indices, weights, node, src, time, k=k, limit_s=limit_s, group=group)


def reach_many(  # type: ignore[no-untyped-def]
    network, sources, *, offset_s: np.ndarray, limit_s: float = np.inf
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One limited Dijkstra per source, each returning only the nodes it reached: CSR by source,
    ``(ptr, node, time)``, each row sorted by node."""
    src, node, time = seeds(network, sources, np.asarray(offset_s, dtype="float64"))
    seed_ptr = np.zeros(len(sources) + 1, dtype="int64")
    seed_ptr[1:] = np.cumsum(np.bincount(src, minlength=len(sources)))
    indptr, indices, weights = _csr_arrays(network)
    ptr, nd, t = _reach(indptr, indices, weights, network.n_nodes, seed_ptr, node, time, float(limit_s))
    return ptr, nd, t


def merge_targets(
    labels: KLabels,
    u_node: np.ndarray,
    u_add: np.ndarray,
    v_node: np.ndarray,
    v_add: np.ndarray,
    direct: tuple[np.ndarray, np.ndarray, np.ndarray],
    *,
    k: int,
    limit_s: Any,
    count_within_s: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per target, the ``k`` nearest sources from the labels of the two nodes it is reached through
    (``*_node`` -1 when not used, ``*_add`` the partial edge time) and direct same-edge times
    ``(source, target, seconds)``, each rank within its limit (``limit_s``: one or ``k``); returns
    (time (n_t, k), source (n_t, k), number of distinct candidate sources within
    ``count_within_s``; exact when it is below the labels' k)."""
    si, ti, dt = direct
    n_t = u_node.size
    order = np.argsort(ti, kind="stable")
    d_ptr = np.zeros(n_t + 1, dtype="int64")
    d_ptr[1:] = np.cumsum(np.bincount(ti, minlength=n_t))
    return _merge(labels.D, labels.SX, u_node.astype("int64"), u_add.astype("float64"),
                  v_node.astype("int64"), v_add.astype("float64"), d_ptr, si[order].astype("int64"),
                  dt[order].astype("float64"), int(k), rank_limits(int(k), limit_s), float(count_within_s))
