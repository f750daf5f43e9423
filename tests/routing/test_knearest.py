"""The compiled k-nearest engine against scipy (one Dijkstra per source) on random graphs and
against networkx on the real OSM extracts (Monaco, Krems), with snapped sources and targets."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
import shapely
from scipy.sparse.csgraph import dijkstra

from yitu.routing import knearest
from yitu.routing.engine import arrival_matrix, nearest_k, reach
from yitu.routing.osm import from_osm
from yitu.routing.snap import snap
from yitu.settings import default_settings

TOL = 1e-6


def _kbest(per_source: np.ndarray, k: int, limit: float) -> tuple[np.ndarray, np.ndarray]:
    """Reference: the k best (time, source) per column of a (sources × nodes) matrix, ties to the lower source."""
    m = np.where(per_source <= limit, per_source, np.inf)
    if m.shape[0] < k:  # fewer sources than k: the missing labels are empty
        m = np.vstack([m, np.full((k - m.shape[0], m.shape[1]), np.inf)])
    order = np.argsort(m, axis=0, kind="stable")[:k]
    t = np.take_along_axis(m, order, axis=0)
    return t.T, np.where(np.isfinite(t), order, -1).T


def _kbest_ranked(per_source: np.ndarray, k: int, lims: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Reference with per-rank limits: the k best, cut at the first rank beyond its limit."""
    t, s = _kbest(per_source, k, float(lims[0]))
    late = np.maximum.accumulate(t > lims[None, :], axis=1)
    return np.where(late, np.inf, t), np.where(late, -1, s)


@pytest.mark.parametrize("seed", range(12))
def test_labels_equal_scipy_per_source_on_random_graphs(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 400))
    m = n * int(rng.integers(1, 5))
    u, v = rng.integers(0, n, m), rng.integers(0, n, m)
    w = rng.uniform(0.5, 10.0, m).round(int(rng.integers(0, 3)))  # rounded weights: many ties
    keep = u != v
    g = sp.csr_array((w[keep], (u[keep], v[keep])), shape=(n, n))
    g.sum_duplicates()  # scipy adds parallel edges; keep the sum as the one weight (same graph for both)
    n_src = int(rng.integers(1, 12))
    # some sources with two seeds (a source on an edge reaches both its ends)
    extra = rng.integers(0, n_src, int(rng.integers(0, n_src + 1)))
    seed_src = np.concatenate([np.arange(n_src), extra]).astype("int32")
    seed_node = rng.integers(0, n, seed_src.size).astype("int32")
    seed_time = rng.uniform(0, 5, seed_src.size).round(1)
    k = int(rng.integers(1, 5))
    # one limit for all ranks, or limits falling with the rank
    lims = np.sort(rng.choice([np.inf, 12.0, 20.0, 40.0], k))[::-1] if seed % 2 else \
        np.full(k, float(rng.choice([np.inf, 20.0, 40.0])))
    ref = np.full((n_src, n), np.inf)
    for i in range(n_src):
        mine = seed_src == i
        d = dijkstra(g, indices=seed_node[mine])
        ref[i] = (d + seed_time[mine][:, None]).min(axis=0)
    rt, rs = _kbest_ranked(ref, k, lims)
    for n_groups in (1, 2, 3):  # one search, or groups searched side by side that prune each other
        group = np.arange(n_src) * n_groups // n_src
        lab = knearest.labels_from_csr(g.indptr, g.indices.astype("int32"), g.data, seed_node, seed_src, seed_time,
                                       k=k, limit_s=lims, group=group)
        t, s = lab.time, lab.source
        np.testing.assert_allclose(t, rt, rtol=0, atol=1e-9)
        assert ((s >= 0) == (rs >= 0)).all()
        # each label's source arrives in that time (sums along tied paths may differ in the last bit,
        # so a tie may name either source)
        rows, cols = np.nonzero(s >= 0)
        np.testing.assert_allclose(ref[s[rows, cols], rows], t[rows, cols], rtol=0, atol=1e-9)
        clear = np.ones_like(rt, dtype=bool)  # where no other source ties, the source is the reference's
        for r in range(k):
            with np.errstate(invalid="ignore"):  # inf - inf where a rank is empty
                near_tie = (np.abs(ref - rt[:, r][None, :]) < 1e-9).sum(axis=0) > 1
            clear[:, r] = ~near_tie
        np.testing.assert_array_equal(s[clear], rs[clear])
        for row in s:  # distinct sources per node
            got = row[row >= 0]
            assert got.size == np.unique(got).size


def test_rank_limits_must_not_grow() -> None:
    with pytest.raises(ValueError):
        knearest.rank_limits(3, [900.0, 1800.0, 900.0])
    with pytest.raises(ValueError):
        knearest.rank_limits(2, [900.0, 800.0, 700.0])
    assert knearest.rank_limits(3, 60.0).tolist() == [60.0, 60.0, 60.0]


def test_groups_split_sources_along_the_longer_side() -> None:
    xy = np.array([[0.0, 0.0], [100.0, 1.0], [50.0, 2.0], [10.0, 3.0]])
    assert knearest._groups(xy, 2).tolist() == [0, 1, 1, 0]
    assert knearest._groups(xy, 1).tolist() == [0, 0, 0, 0]


@pytest.fixture(scope="module", params=["monaco", "krems"])
def osm_case(request, osm_monaco, osm_krems):  # type: ignore[no-untyped-def]
    path = osm_monaco if request.param == "monaco" else osm_krems
    prof = default_settings().profile("fire_engine")
    net = from_osm(path, profile=prof)
    rng = np.random.default_rng(11)
    e = rng.choice(net.n_edges, 330)
    e[30:33] = e[0:3]  # targets on the sources' own pieces of road (same-edge shortcuts)
    pts = shapely.line_interpolate_point(net.geometry[e], rng.uniform(0, 1, e.size), normalized=True)
    sn = snap(net, pts, max_snap_m=50.0)
    # sources 0..29, targets 30..
    src = sn.take(np.arange(30))
    tg = sn.take(np.arange(30, sn.edge.size))
    return net, src, tg


def test_nearest_k_equals_the_dense_matrix_on_osm(osm_case) -> None:  # type: ignore[no-untyped-def]
    net, src, tg = osm_case
    off = np.linspace(0, 120, len(src))
    limit = 600.0
    dense = arrival_matrix(net, src, tg, offset_s=off, limit_s=limit)
    for k in (1, 3, 5):
        near = nearest_k(net, src, tg, k=k, offset_s=off, limit_s=limit)
        rt, rs = _kbest(dense, k, limit)
        np.testing.assert_allclose(near.time, rt, rtol=0, atol=TOL)
        hit = near.source >= 0
        cols = np.nonzero(hit)[0]
        np.testing.assert_allclose(dense[near.source[hit], cols], near.time[hit], rtol=0, atol=TOL)
        count = np.isfinite(dense).sum(axis=0)
        assert (near.n_within == np.minimum(count, k)).all()


def test_nearest_k_equals_networkx_on_osm(osm_case) -> None:  # type: ignore[no-untyped-def]
    """Independent of the engine's partial-edge rule: node-to-node times from networkx, with
    sources and targets placed at the nearest graph node of their edges' ends (t = 0 or 1)."""
    net, src, tg = osm_case
    # move every point onto the tail node of its edge: a point at t == 0 is the node u itself
    src0 = type(src)(src.edge, np.zeros(len(src)), src.dist_m, src.ok, src.x, src.y)
    tg0 = type(tg)(tg.edge, np.zeros(len(tg)), tg.dist_m, tg.ok, tg.x, tg.y)
    g = nx.DiGraph()
    for a, b, w in zip(net.u.tolist(), net.v.tolist(), net.time_s.tolist()):
        if not g.has_edge(a, b) or g[a][b]["w"] > w:
            g.add_edge(a, b, w=max(w, 1e-9))
    off = np.arange(len(src)) * 7.0
    ref = np.full((len(src), len(tg)), np.inf)
    tn = net.u[tg0.edge]
    for i, a in enumerate(net.u[src0.edge].tolist()):
        d = nx.single_source_dijkstra_path_length(g, a, weight="w")
        ref[i] = [d.get(int(x), np.inf) + off[i] for x in tn]
    near = nearest_k(net, src0, tg0, k=3, offset_s=off)
    rt, _ = _kbest(ref, 3, np.inf)
    np.testing.assert_allclose(near.time, rt, rtol=0, atol=TOL)


def test_reach_nodes_equals_scipy_per_source_on_osm(osm_case) -> None:  # type: ignore[no-untyped-def]
    from yitu.routing.engine import from_source_matrix

    net, src, _ = osm_case
    off = np.linspace(0, 60, len(src))
    r = reach(net, src, None, offset_s=off, limit_s=300.0)
    dense = from_source_matrix(net, src, offset_s=off, limit_s=300.0)
    np.testing.assert_allclose(r.dense(), np.where(dense <= 300.0, dense, np.inf), rtol=0, atol=1e-9)
    assert (np.diff(r.indices)[np.diff(r.sources()) == 0] > 0).all()  # each row sorted by node


def test_labels_ignore_what_lies_beyond_the_limit() -> None:
    # a path 0 -> 1 -> 2 -> 3, 10 s each; two sources at 0 and 3 (the second one way only to itself)
    g = sp.csr_array((np.full(3, 10.0), (np.array([0, 1, 2]), np.array([1, 2, 3]))), shape=(4, 4))
    lab = knearest.labels_from_csr(g.indptr, g.indices.astype("int32"), g.data, np.array([0, 3], dtype="int32"),
                                   np.array([0, 1], dtype="int32"), np.array([0.0, 0.0]), k=2, limit_s=15.0)
    t, s = lab.time, lab.source
    assert t[:, 0].tolist() == [0.0, 10.0, np.inf, 0.0]
    assert s[:, 0].tolist() == [0, 0, -1, 1] and s[3, 1] == -1
    # a second rank limited to 5 s: node 3 keeps its own source only
    lab = knearest.labels_from_csr(g.indptr, g.indices.astype("int32"), g.data, np.array([0, 3], dtype="int32"),
                                   np.array([0, 1], dtype="int32"), np.array([0.0, 0.0]), k=2, limit_s=[np.inf, 5.0])
    assert lab.time[3].tolist() == [0.0, np.inf] and lab.time[2].tolist() == [20.0, np.inf]


def test_nearest_k_threads_give_the_same_answer(osm_case) -> None:  # type: ignore[no-untyped-def]
    net, src, tg = osm_case
    off = np.linspace(0, 120, len(src))
    lims = np.array([np.inf, 900.0, 450.0])
    one = nearest_k(net, src, tg, k=3, offset_s=off, limit_s=lims, threads=1)
    for threads in (2, 3):
        many = nearest_k(net, src, tg, k=3, offset_s=off, limit_s=lims, threads=threads)
        np.testing.assert_array_equal(many.time, one.time)
        np.testing.assert_array_equal(many.source, one.source)
        np.testing.assert_array_equal(many.n_within, one.n_within)
    dense = arrival_matrix(net, src, tg, offset_s=off)
    rt, rs = _kbest_ranked(dense, 3, lims)
    np.testing.assert_allclose(one.time, rt, rtol=0, atol=TOL)
