"""The sparse per-source results (engine.reach) equal the dense arrival matrix within the limit."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from yitu.errors import InputError
from yitu.routing.engine import Reach, arrival_matrix, from_source_matrix, reach
from yitu.routing.snap import snap


def _points(net, n, rng):
    e = rng.choice(net.n_edges, n)
    return shapely.line_interpolate_point(net.geometry[e], rng.uniform(0, 1, n), normalized=True)


@pytest.mark.parametrize("limit", [60.0, 300.0, 900.0])
def test_reach_equals_dense_within_limit(demo_network, limit):
    net = demo_network
    rng = np.random.default_rng(3)
    pts = _points(net, 60, rng)
    # two sources on the same edges as targets, so the same-edge shortcut is exercised
    pts = np.concatenate([pts, pts[:2]])
    sn = snap(net, pts, max_snap_m=100.0)
    src = sn.take(np.array([0, 1, 2, 60, 61]))
    off = np.array([0.0, 30.0, 60.0, 0.0, 5.0])
    dense = arrival_matrix(net, src, sn, offset_s=off, limit_s=limit)
    r = reach(net, src, sn, offset_s=off, limit_s=limit, chunk=2)
    assert isinstance(r, Reach) and r.n_sources == 5 and r.n_targets == len(pts)
    np.testing.assert_allclose(r.dense(), dense, rtol=0, atol=1e-9)
    assert r.nnz == int(np.isfinite(dense).sum())
    assert (r.time_s <= limit).all()
    # zero-time entries (a source on its own target) are kept
    assert r.dense()[3, 0] == pytest.approx(0.0)
    t = r.transpose()
    np.testing.assert_allclose(t.dense(), dense.T, rtol=0, atol=1e-9)
    csr = r.to_csr()
    assert csr.nnz == r.nnz


def test_reach_nodes_equals_from_source_matrix(demo_network):
    net = demo_network
    rng = np.random.default_rng(5)
    sn = snap(net, _points(net, 4, rng), max_snap_m=100.0)
    dense = from_source_matrix(net, sn, offset_s=10.0, limit_s=240.0)
    r = reach(net, sn, None, offset_s=10.0, limit_s=240.0)
    assert r.n_targets == net.n_nodes
    np.testing.assert_allclose(r.dense(), np.where(dense <= 240.0, dense, np.inf), rtol=0, atol=1e-9)
    assert r.nnz < 4 * net.n_nodes  # bounded: not every node


def test_reach_needs_a_finite_limit(demo_network):
    sn = snap(demo_network, _points(demo_network, 1, np.random.default_rng(0)), max_snap_m=100.0)
    with pytest.raises(InputError, match="limit_s"):
        reach(demo_network, sn, sn, limit_s=np.inf)


def test_reach_empty():
    r = Reach.from_entries(np.zeros(0), np.zeros(0), np.zeros(0), 3, 4)
    assert r.nnz == 0 and r.indptr.tolist() == [0, 0, 0, 0]
    assert np.isinf(r.dense()).all()
