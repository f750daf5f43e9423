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


@pytest.mark.parametrize("seed", range(6))
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
    seed_node = rng.integers(0, n, n_src).astype("int32")
    seed_time = rng.uniform(0, 5, n_src).round(1)
    k = int(rng.integers(1, 5))
    limit = float(rng.choice([np.inf, 20.0, 40.0]))
    ref = np.full((n_src, n), np.inf)
    for i in range(n_src):
        ref[i] = dijkstra(g, indices=int(seed_node[i])) + seed_time[i]
    t, s = knearest._k_nearest(g.indptr, g.indices.astype("int32"), g.data, n, seed_node,
                               np.arange(n_src, dtype="int32"), seed_time, k, limit)
    rt, rs = _kbest(ref, k, limit)
    np.testing.assert_allclose(t, rt, rtol=0, atol=1e-9)
    # the source of every label arrives in that time (ties may name either source)
    ok = s >= 0
    assert (ok == (rs >= 0)).all()
    rows = np.nonzero(ok)
    np.testing.assert_allclose(ref[s[ok], rows[0]], t[ok], rtol=0, atol=1e-9)
    # distinct sources per node
    for row in s:
        got = row[row >= 0]
        assert got.size == np.unique(got).size


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
    t, s = knearest._k_nearest(g.indptr, g.indices.astype("int32"), g.data, 4, np.array([0, 3], dtype="int32"),
                               np.array([0, 1], dtype="int32"), np.array([0.0, 0.0]), 2, 15.0)
    assert t[:, 0].tolist() == [0.0, 10.0, np.inf, 0.0]
    assert s[:, 0].tolist() == [0, 0, -1, 1] and s[3, 1] == -1
