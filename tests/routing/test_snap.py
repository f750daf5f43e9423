"""Snapping points to the nearest edge, brute-force checked; far points reported, never dropped."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from yitu.errors import InputError
from yitu.routing.snap import snap


def test_snap_is_nearest_edge(demo_network):
    net = demo_network
    rng = np.random.default_rng(5)
    x0, y0, x1, y1 = net.x.min(), net.y.min(), net.x.max(), net.y.max()
    pts = shapely.points(rng.uniform(x0, x1, 300), rng.uniform(y0, y1, 300))
    sn = snap(net, pts, max_snap_m=1e9)
    brute = shapely.distance(pts[:, None], net.geometry[None, :])
    np.testing.assert_allclose(sn.dist_m, brute.min(axis=1), atol=1e-6)
    # the snapped position lies on the chosen edge at fraction t, at that distance from the point
    on = shapely.line_interpolate_point(net.geometry[sn.edge], sn.t, normalized=True)
    np.testing.assert_allclose(shapely.get_x(on), sn.x, atol=1e-6)
    np.testing.assert_allclose(shapely.distance(on, pts), sn.dist_m, atol=1e-6)
    assert ((sn.t >= 0) & (sn.t <= 1)).all()


def test_station_far_from_roads_reported_with_distance(demo_project, demo_network):
    net = demo_network
    # a station 3 km east of the easternmost road node (in lon/lat, as a project layer is)
    far = shapely.Point(net.x.max() + 3000.0, net.y[np.argmax(net.x)])
    near = shapely.Point(net.x[0] + 5.0, net.y[0])
    gs = gpd.GeoSeries([far, near], crs=net.crs).to_crs(4326)
    sn = snap(net, gpd.GeoDataFrame({"name": ["远站", "近站"]}, geometry=gs), max_snap_m=demo_project.settings.routing.max_snap_m)
    assert sn.ok.tolist() == [False, True]
    assert sn.edge[0] == -1 and np.isnan(sn.x[0])
    assert sn.dist_m[0] == pytest.approx(shapely.distance(far, net.geometry).min(), abs=0.5)
    assert sn.dist_m[0] > 2900


def test_polygons_missing_and_crs(demo_network):
    net = demo_network
    sq = shapely.box(net.x[3] - 20, net.y[3] - 20, net.x[3] + 20, net.y[3] + 20)
    gs = gpd.GeoSeries([sq, None, shapely.Point()], crs=net.crs)
    sn = snap(net, gs)
    assert sn.ok.tolist() == [True, False, False]
    assert sn.dist_m[0] <= 30
    with pytest.raises(InputError, match="no CRS"):
        snap(net, gpd.GeoSeries([shapely.Point(0, 0)]))
    with pytest.raises(InputError, match="expected a GeoDataFrame"):
        snap(net, [shapely.Point(0, 0)])
    assert len(snap(net, np.array([], dtype=object))) == 0
