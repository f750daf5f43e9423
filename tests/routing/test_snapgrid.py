"""The grid of road segments finds the same nearest edge as a brute-force search, on real OSM
(Monaco, Krems), for points near and far, outside the network's box and on its vertices."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from yitu.routing.osm import from_osm
from yitu.routing.snap import snap
from yitu.routing.snapgrid import nearest_segments, segment_grid
from yitu.settings import default_settings


@pytest.fixture(scope="module", params=["monaco", "krems"])
def osm_net(request, osm_monaco, osm_krems):  # type: ignore[no-untyped-def]
    path = osm_monaco if request.param == "monaco" else osm_krems
    return from_osm(path, profile=default_settings().profile("fire_engine"))


def test_grid_equals_brute_force_on_osm(osm_net) -> None:  # type: ignore[no-untyped-def]
    net = osm_net
    rng = np.random.default_rng(3)
    x0, y0, x1, y1 = net.x.min(), net.y.min(), net.x.max(), net.y.max()
    w, h = x1 - x0, y1 - y0
    n = 600
    px = rng.uniform(x0 - 0.2 * w, x1 + 0.2 * w, n)  # some outside the network's box
    py = rng.uniform(y0 - 0.2 * h, y1 + 0.2 * h, n)
    px[:50], py[:50] = net.x[:50], net.y[:50]  # on nodes (several edges equally near)
    pts = shapely.points(px, py)
    canon = np.flatnonzero(net.canonical == np.arange(net.n_edges))
    brute = shapely.distance(pts[:, None], net.geometry[canon][None, :])
    best = brute.min(axis=1)
    for max_d in (50.0, 500.0, 1e9):
        edge, d, t, x, y = nearest_segments(segment_grid(net), px, py, max_d)
        found = edge >= 0
        assert (found == (best <= max_d)).all()
        np.testing.assert_allclose(d[found], best[found], atol=1e-6)
        # the chosen edge is at that distance, the point at t lies on it, at (x, y)
        on = shapely.line_interpolate_point(net.geometry[edge[found]], t[found], normalized=True)
        np.testing.assert_allclose(shapely.get_x(on), x[found], atol=1e-6)
        np.testing.assert_allclose(shapely.get_y(on), y[found], atol=1e-6)
        np.testing.assert_allclose(shapely.distance(on, pts[found]), best[found], atol=1e-6)


def test_snap_reports_far_points_with_their_distance(osm_net) -> None:  # type: ignore[no-untyped-def]
    net = osm_net
    far = shapely.points([net.x.max() + 5000.0, net.x[0]], [net.y.max() + 5000.0, net.y[0]])  # far, and on a node
    sn = snap(net, np.array([far[0], None, far[1], shapely.Point()], dtype=object), max_snap_m=500.0)
    assert sn.ok.tolist() == [False, False, True, False]
    canon = net.geometry[net.canonical == np.arange(net.n_edges)]
    assert sn.dist_m[0] == pytest.approx(shapely.distance(far[0], canon).min(), abs=1e-6)
    assert np.isnan(sn.dist_m[1]) and np.isnan(sn.t[0]) and sn.edge[0] == -1
