"""Compiled search kernels (numba): the k nearest sources of every node in one multi-source
Dijkstra, and sparse per-source searches that return only what each source reached
(:func:`yitu.routing.engine.reach` is their public face).

Both work on the network's CSR arrays (``indptr``, ``indices``, ``weights``) and on *seeds*: the
labels a source puts on the nodes of its own edge (source index, node, time), built from the
snapped points by :func:`seeds` with the same rule as :func:`yitu.routing.engine.augmented_graph`
(partial edge time, signal delay at the head, one-way streets, turnout offset).

:func:`k_nearest_labels` is label-setting with one binary heap over ``(time, source, node)``:
a node settles at most ``k`` labels of distinct sources, each the earliest arrival of that source,
in order of (time, source). Every source among the ``k`` nearest of a node is found: a source
whose best path runs through a node where it is not among the ``k`` nearest is beaten there by
``k`` others, and so at every node after it. Ties are broken by the lower source index, as a stable
sort of a per-source matrix would.

The kernels are compiled on first use and cached on disk (``cache=True``); the first call of a
fresh install takes a few seconds to compile (see ``benchmarks/network.py`` for the cold time).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from numba import njit

log = logging.getLogger(__name__)

__all__ = ["KLabels", "seeds", "k_nearest_labels", "reach_many", "merge_targets"]


@dataclass(frozen=True)
class KLabels:
    """The k nearest sources of every node: ``time`` (n_nodes, k) seconds ascending (inf = none)
    and ``source`` (n_nodes, k) source indices (-1 = none)."""

    time: np.ndarray
    source: np.ndarray

    @property
    def k(self) -> int:
        return int(self.time.shape[1])


# ------------------------------------------------------------------------------------- heap
@njit(cache=True)
def _less(t1: float, s1: int, t2: float, s2: int) -> bool:
    return t1 < t2 or (t1 == t2 and s1 < s2)


@njit(cache=True)
def _grow(ht, hk):  # type: ignore[no-untyped-def]
    size = ht.shape[0]
    nt = np.empty(2 * size + 16, ht.dtype)
    nk = np.empty(2 * size + 16, hk.dtype)
    nt[:size] = ht
    nk[:size] = hk
    return nt, nk


@njit(cache=True)
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


@njit(cache=True)
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
@njit(cache=True)
def _k_nearest(indptr, indices, weights, n, seed_node, seed_src, seed_time, k, limit):  # type: ignore[no-untyped-def]
    # per node, k slots: [0, cnt) settled labels in order, [cnt, fill) tentative (best known so far)
    lab_t = np.full((n, k), np.inf)
    lab_s = np.full((n, k), -1, np.int32)
    cnt = np.zeros(n, np.int32)
    fill = np.zeros(n, np.int32)
    cap = max(1024, 2 * seed_node.size)
    ht = np.empty(cap, np.float64)
    hk = np.empty(cap, np.int64)  # source << 32 | node: ties go to the lower source
    size = 0
    for i in range(seed_node.size):
        if seed_time[i] <= limit:
            if _offer(lab_t, lab_s, cnt, fill, k, seed_node[i], seed_src[i], seed_time[i]):
                if size == ht.shape[0]:
                    ht, hk = _grow(ht, hk)
                size = _push(ht, hk, size, seed_time[i], (np.int64(seed_src[i]) << 32) | seed_node[i])
    while size > 0:
        t, key, size = _pop(ht, hk, size)
        s = np.int32(key >> 32)
        nd = key & 0xFFFFFFFF
        c = cnt[nd]
        if c >= k:
            continue
        pos = -1
        for q in range(c, fill[nd]):
            if lab_s[nd, q] == s:
                pos = q
                break
        if pos < 0 or lab_t[nd, pos] != t:
            continue  # evicted or improved since it was pushed
        if pos != c:
            lab_t[nd, pos], lab_s[nd, pos] = lab_t[nd, c], lab_s[nd, c]
            lab_t[nd, c], lab_s[nd, c] = t, s
        cnt[nd] = c + 1
        for j in range(indptr[nd], indptr[nd + 1]):
            w = indices[j]
            if cnt[w] >= k:
                continue
            tt = t + weights[j]
            if tt > limit:
                continue
            if _offer(lab_t, lab_s, cnt, fill, k, w, s, tt):
                if size == ht.shape[0]:
                    ht, hk = _grow(ht, hk)
                size = _push(ht, hk, size, tt, (np.int64(s) << 32) | w)
    return lab_t, lab_s


@njit(cache=True)
def _offer(lab_t, lab_s, cnt, fill, k, w, s, tt):  # type: ignore[no-untyped-def]
    """Offer source ``s`` at node ``w`` at time ``tt``; True when it became a tentative label."""
    c = cnt[w]
    f = fill[w]
    for q in range(f):
        if lab_s[w, q] == s:
            if q < c or tt >= lab_t[w, q]:
                return False
            lab_t[w, q] = tt
            return True
    if f < k:
        lab_t[w, f] = tt
        lab_s[w, f] = s
        fill[w] = f + 1
        return True
    worst = c
    for q in range(c + 1, k):
        if _less(lab_t[w, worst], lab_s[w, worst], lab_t[w, q], lab_s[w, q]):
            worst = q
    if _less(tt, s, lab_t[w, worst], lab_s[w, worst]):
        lab_t[w, worst] = tt
        lab_s[w, worst] = s
        return True
    return False


@njit(cache=True)
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


@njit(cache=True)
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


@njit(cache=True)
def _merge(lab_t, lab_s, u_node, u_add, v_node, v_add, d_ptr, d_src, d_time, k, limit):  # type: ignore[no-untyped-def]
    n_t = u_node.size
    kk = lab_t.shape[1]
    out_t = np.full((n_t, k), np.inf)
    out_s = np.full((n_t, k), -1, np.int64)
    n_in = np.zeros(n_t, np.int64)
    for j in range(n_t):
        m = 2 * kk + d_ptr[j + 1] - d_ptr[j]
        ct = np.empty(m)
        cs = np.empty(m, np.int64)
        c = 0
        a = u_node[j]
        if a >= 0:
            for q in range(kk):
                if lab_s[a, q] < 0:
                    break
                ct[c] = lab_t[a, q] + u_add[j]
                cs[c] = lab_s[a, q]
                c += 1
        b = v_node[j]
        if b >= 0:
            for q in range(kk):
                if lab_s[b, q] < 0:
                    break
                ct[c] = lab_t[b, q] + v_add[j]
                cs[c] = lab_s[b, q]
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
            if ct[x] <= limit:
                within += 1
            if got < k:
                out_t[j, got] = ct[x]
                out_s[j, got] = s
                got += 1
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


def k_nearest_labels(network, sources, *, offset_s: np.ndarray, k: int = 3, limit_s: float = np.inf) -> KLabels:  # type: ignore[no-untyped-def]
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
        Labels later than this are not kept.
    """
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    src, node, time = seeds(network, sources, np.asarray(offset_s, dtype="float64"))
    indptr, indices, weights = _csr_arrays(network)
    lab_t, lab_s = _k_nearest(indptr, indices, weights, network.n_nodes, node, src, time, int(k), float(limit_s))
    return KLabels(lab_t, lab_s)


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
    limit_s: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per target, the ``k`` nearest sources from the labels of the two nodes it is reached through
    (``*_node`` -1 when not used, ``*_add`` the partial edge time) and direct same-edge times
    ``(source, target, seconds)``; returns (time (n_t, k), source (n_t, k), number of distinct
    candidate sources within ``limit_s``; exact when it is below the labels' k)."""
    si, ti, dt = direct
    n_t = u_node.size
    order = np.argsort(ti, kind="stable")
    d_ptr = np.zeros(n_t + 1, dtype="int64")
    d_ptr[1:] = np.cumsum(np.bincount(ti, minlength=n_t))
    return _merge(labels.time, labels.source, u_node.astype("int64"), u_add.astype("float64"),
                  v_node.astype("int64"), v_add.astype("float64"), d_ptr, si[order].astype("int64"),
                  dt[order].astype("float64"), int(k), float(limit_s))
