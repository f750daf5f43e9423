"""The engine against an independent networkx Dijkstra.

The reference graph is built here from the network's arrays only: for snapped points the
edges they sit on are split at the points (positions found with shapely, not with the
engine's virtual-node logic). Node-to-node times must agree to 1e-6 s.
"""

from __future__ import annotations

import dataclasses

import networkx as nx
import numpy as np
import pytest
import shapely

from yitu.routing.engine import arrival_matrix, from_source_matrix, node_times, point_times
from yitu.routing.network import RoadNetwork
from yitu.routing.osm import from_osm
from yitu.routing.snap import Snapped, snap

TOL = 1e-6


# ------------------------------------------------------------------------------- the reference
def _run_and_delay(net: RoadNetwork, signal_delay_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Per edge: time spent running (length at speed) and the delay at its head node."""
    run = net.length_m / (net.speed_kmh / 3.6)
    delay = np.where(net.signal[net.v], signal_delay_s, 0.0)
    return run, delay


def reference_graph(net: RoadNetwork, signal_delay_s: float = 0.0) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_nodes_from(range(net.n_nodes))
    run, delay = _run_and_delay(net, signal_delay_s)
    for e in range(net.n_edges):
        g.add_edge(int(net.u[e]), int(net.v[e]), key=e, w=float(run[e] + delay[e]))
    return g


def split_reference(net: RoadNetwork, points: np.ndarray, edges: np.ndarray, signal_delay_s: float = 0.0):
    """The reference graph with every edge holding a point (or whose twin does) split at it.

    Returns the graph and, per point, the graph node that stands for it.
    """
    g = reference_graph(net, signal_delay_s)
    run, delay = _run_and_delay(net, signal_delay_s)
    # position of each point along its edge, measured independently with shapely
    t = shapely.line_locate_point(net.geometry[edges], points, normalized=True)
    node_of = []
    on_edge: dict[int, list[tuple[float, object]]] = {}
    for k, (e, tk) in enumerate(zip(edges.tolist(), t.tolist())):
        if tk <= 0.0:
            node_of.append(int(net.u[e]))
            continue
        if tk >= 1.0:
            node_of.append(int(net.v[e]))
            continue
        name = ("p", k)
        node_of.append(name)
        on_edge.setdefault(e, []).append((tk, name))
        r = int(net.reverse[e])
        if r >= 0:
            on_edge.setdefault(r, []).append((1.0 - tk, name))
    for e, pts in on_edge.items():
        pts.sort(key=lambda p: p[0])
        g.remove_edge(int(net.u[e]), int(net.v[e]), key=e)
        chain = [(0.0, int(net.u[e]))] + pts + [(1.0, int(net.v[e]))]
        for (ta, a), (tb, b) in zip(chain[:-1], chain[1:]):
            w = (tb - ta) * run[e] + (delay[e] if b == int(net.v[e]) and tb == 1.0 else 0.0)
            g.add_edge(a, b, key=("s", e, ta), w=float(w))
    return g, node_of


def _node_sources(net: RoadNetwork, nodes: np.ndarray) -> Snapped:
    """Sources exactly at nodes: t = 0 on an edge leaving each node."""
    first_out = np.full(net.n_nodes, -1)
    first_out[net.u[::-1]] = np.arange(net.n_edges)[::-1]
    e = first_out[nodes]
    assert (e >= 0).all()
    z = np.zeros(len(nodes))
    return Snapped(edge=e, t=z, dist_m=z, ok=np.ones(len(nodes), dtype=bool), x=net.x[nodes], y=net.y[nodes])


def _random_points(net: RoadNetwork, n: int, rng: np.random.Generator, spread: float = 30.0) -> np.ndarray:
    e = rng.integers(0, net.n_edges, n)
    p = shapely.line_interpolate_point(net.geometry[e], rng.random(n), normalized=True)
    return shapely.points(shapely.get_x(p) + rng.normal(0, spread, n), shapely.get_y(p) + rng.normal(0, spread, n))


# ---------------------------------------------------------------------------------- networks
@pytest.fixture(scope="module")
def monaco(osm_monaco, demo_project) -> RoadNetwork:
    return from_osm(osm_monaco, profile=demo_project.settings.profile("fire_engine"))


@pytest.fixture(scope="module")
def krems(osm_krems, demo_project) -> RoadNetwork:
    return from_osm(osm_krems, profile=demo_project.settings.profile("fire_engine"))


@pytest.fixture(scope="module")
def demo_signals(demo_project) -> tuple[RoadNetwork, float]:
    """The demo network with a 20 s delay at traffic signals (the demo has a few)."""
    prof = dataclasses.replace(demo_project.settings.profile("fire_engine"), signal_delay_s=20.0)
    net = from_osm(demo_project.path / "inputs" / "roads.osm", profile=prof, crs=demo_project.metric_crs())
    assert net.signal.sum() > 0
    return net, 20.0


def _nets(request, which: str) -> tuple[RoadNetwork, float]:
    if which == "demo_signals":
        return request.getfixturevalue("demo_signals")
    if which == "demo":
        return request.getfixturevalue("demo_network"), 0.0
    return request.getfixturevalue(which), 0.0


NETS = ["monaco", "krems", "demo", "demo_signals"]


# ------------------------------------------------------------------------------------- tests
@pytest.mark.parametrize("which", NETS)
def test_node_to_node_equals_networkx(request, which):
    net, delay = _nets(request, which)
    g = reference_graph(net, delay)
    rng = np.random.default_rng(1)
    src = rng.choice(net.n_nodes, 5, replace=False)
    for s in src:
        got, who = node_times(net, _node_sources(net, np.array([s])))
        ref = nx.single_source_dijkstra_path_length(g, int(s), weight="w")
        want = np.array([ref.get(i, np.inf) for i in range(net.n_nodes)])
        assert np.isfinite(want).all()  # largest strongly connected component: all reachable
        np.testing.assert_allclose(got, want, rtol=0, atol=TOL)
        assert (who == 0).all()


@pytest.mark.parametrize("which", NETS)
def test_snapped_points_equal_split_edge_reference(request, which):
    net, delay = _nets(request, which)
    rng = np.random.default_rng(7)
    pts = _random_points(net, 40, rng)
    # on purpose: pairs on the same edge (both orders), and points on one-way edges
    oneway = np.flatnonzero(net.reverse < 0)
    two = np.flatnonzero(net.reverse >= 0)
    extra_e = np.concatenate([two[:3], two[:3], oneway[:3], oneway[:3]]) if oneway.size else np.concatenate([two[:3], two[:3]])
    extra_t = np.concatenate([np.full(3, 0.2), np.full(3, 0.7)] + ([np.full(3, 0.3), np.full(3, 0.8)] if oneway.size else []))
    extra = shapely.line_interpolate_point(net.geometry[extra_e], extra_t, normalized=True)
    pts = np.concatenate([pts, extra])
    sn = snap(net, pts, max_snap_m=1000.0)
    assert sn.ok.all()
    g, node_of = split_reference(net, pts, sn.edge, delay)
    n_src = 12
    src_idx = np.concatenate([np.arange(6), np.arange(40, len(pts))[:6]])[:n_src]
    sources = sn.take(src_idx)
    offsets = rng.uniform(0, 120, len(src_idx))
    got = arrival_matrix(net, sources, sn, offset_s=offsets)
    for row, k in enumerate(src_idx):
        ref = nx.single_source_dijkstra_path_length(g, node_of[k], weight="w")
        want = np.array([ref.get(node_of[j], np.inf) for j in range(len(pts))]) + offsets[row]
        np.testing.assert_allclose(got[row], want, rtol=0, atol=TOL, err_msg=f"source point {k}")
    # the same-edge pairs really were on the same edge, in both orders
    same = sn.edge[40:43] == sn.edge[43:46]
    assert same.all()


def test_same_edge_one_way_goes_around(demo_network):
    """On a one-way edge, a target behind the source is reached only around the block."""
    net = demo_network
    e = int(np.flatnonzero(net.reverse < 0)[0])
    line = net.geometry[e]
    pts = shapely.line_interpolate_point(np.array([line, line]), np.array([0.3, 0.7]), normalized=True)
    sn = snap(net, pts, max_snap_m=1.0)
    assert (sn.edge == e).all()
    m = arrival_matrix(net, sn, sn)
    assert m[0, 1] == pytest.approx(0.4 * net.time_s[e], abs=1e-6)  # ahead: straight along
    assert m[1, 0] > m[0, 1] + 1.0  # behind: around
    g, node_of = split_reference(net, pts, sn.edge)
    ref = nx.shortest_path_length(g, node_of[1], node_of[0], weight="w")
    assert m[1, 0] == pytest.approx(ref, abs=1e-6)


@pytest.mark.parametrize("which", ["monaco", "krems", "demo"])
def test_multi_source_min_only_equals_networkx(request, which):
    net, _ = _nets(request, which)
    g = reference_graph(net)
    rng = np.random.default_rng(3)
    src = rng.choice(net.n_nodes, 6, replace=False)
    off = rng.uniform(0, 200, src.size)
    got, who = node_times(net, _node_sources(net, src), offset_s=off)
    # offsets through a super source; multi_source_dijkstra for the plain case
    g.add_node("S")
    for s, o in zip(src, off):
        g.add_edge("S", int(s), w=float(o))
    ref = nx.single_source_dijkstra_path_length(g, "S", weight="w")
    want = np.array([ref[i] for i in range(net.n_nodes)])
    np.testing.assert_allclose(got, want, rtol=0, atol=TOL)
    # the source per node is one that achieves the minimum
    got0, who0 = node_times(net, _node_sources(net, src))
    dist, paths = nx.multi_source_dijkstra(reference_graph(net), set(int(s) for s in src), weight="w")
    np.testing.assert_allclose(got0, [dist[i] for i in range(net.n_nodes)], rtol=0, atol=TOL)
    # paths[i][0] is the source networkx found; ours must be one at the same minimum time
    single = np.stack([node_times(net, _node_sources(net, np.array([s])))[0] for s in src])
    chosen = single[who0, np.arange(net.n_nodes)]
    np.testing.assert_allclose(chosen, got0, rtol=0, atol=TOL)
    nx_src = np.array([paths[i][0] for i in range(net.n_nodes)])
    row_of = {int(s): k for k, s in enumerate(src)}
    nx_time = single[[row_of[int(s)] for s in nx_src], np.arange(net.n_nodes)]
    np.testing.assert_allclose(nx_time, got0, rtol=0, atol=TOL)


def test_limit_and_unreached(demo_network):
    net = demo_network
    src = _node_sources(net, np.array([0]))
    full, _ = node_times(net, src)
    lim = float(np.median(full))
    t, who = node_times(net, src, limit_s=lim)
    assert np.all(np.isinf(t[full > lim + 1e-9]))
    assert np.all(who[full > lim + 1e-9] == -1)
    np.testing.assert_allclose(t[full < lim - 1e-9], full[full < lim - 1e-9])
    m = from_source_matrix(net, src, limit_s=lim)
    np.testing.assert_array_equal(np.isinf(m[0]), np.isinf(t))


def test_point_times_consistent_with_arrival_matrix(demo_network):
    net = demo_network
    rng = np.random.default_rng(11)
    sn = snap(net, _random_points(net, 30, rng), max_snap_m=500)
    src = sn.take(np.arange(3))
    nt = from_source_matrix(net, src)
    pt = point_times(net, nt, sn)
    am = arrival_matrix(net, src, sn)
    # the matrix may only be shorter (same-edge shortcut), never longer
    assert np.all(am <= pt + 1e-9)
    diff = am < pt - 1e-9
    assert np.all(net.canonical[sn.edge][None, :].repeat(3, 0)[diff] == net.canonical[src.edge][:, None].repeat(30, 1)[diff])


def test_target_not_placed_is_inf(demo_network):
    net = demo_network
    far = np.array([shapely.Point(net.x.max() + 50_000, net.y.max() + 50_000), shapely.Point(net.x[0], net.y[0])])
    sn = snap(net, far, max_snap_m=500)
    assert not sn.ok[0] and sn.ok[1]
    src = _node_sources(net, np.array([1]))
    m = arrival_matrix(net, src, sn)
    assert np.isinf(m[0, 0]) and np.isfinite(m[0, 1])
    with pytest.raises(Exception, match="not on the network"):
        node_times(net, sn)
