from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from yitu.errors import CRSError
from yitu.gis.crs import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    metric_crs,
    out_of_china,
    parse_crs,
    to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)

GEOD = pyproj.Geod(ellps="WGS84")


def metres(lon1, lat1, lon2, lat2):
    return GEOD.inv(lon1, lat1, lon2, lat2)[2]


# Published pairs: eviltransform's test suite (wgs -> gcj, Shanghai) and coordtransform's README
# example point (Beijing), as printed by those implementations.
@pytest.mark.parametrize(
    "wgs, gcj",
    [
        ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),
        ((116.404, 39.915), (116.41024449916938, 39.91640428150164)),
    ],
)
def test_wgs84_to_gcj02_matches_published(wgs, gcj):
    x, y = wgs84_to_gcj02(*wgs)
    assert x == pytest.approx(gcj[0], abs=1e-9)
    assert y == pytest.approx(gcj[1], abs=1e-9)
    back = gcj02_to_wgs84(*gcj)
    assert metres(*back, *wgs) < 0.1


def test_gcj02_to_bd09_published_formula_and_inverse():
    bx, by = gcj02_to_bd09(116.41024449916938, 39.91640428150164)
    # closed-form BD-09 offset is ~ +0.0064, +0.0060 degrees
    assert 0.005 < bx - 116.41024449916938 < 0.008 and 0.005 < by - 39.91640428150164 < 0.008
    gx, gy = bd09_to_gcj02(bx, by)
    assert metres(gx, gy, 116.41024449916938, 39.91640428150164) < 0.01


def test_outside_china_is_not_shifted():
    lon, lat = np.array([2.35, 151.2]), np.array([48.85, -33.87])
    assert out_of_china(lon, lat).all()
    x, y = wgs84_to_gcj02(lon, lat)
    np.testing.assert_array_equal(x, lon)
    np.testing.assert_array_equal(y, lat)


china = st.tuples(st.floats(73.7, 135.0), st.floats(18.0, 53.5))


@settings(max_examples=300, deadline=None)
@given(china)
def test_gcj02_round_trip_under_10cm(p):
    g = wgs84_to_gcj02(*p)
    back = gcj02_to_wgs84(*g)
    assert metres(*back, *p) < 0.1


@settings(max_examples=300, deadline=None)
@given(china)
def test_bd09_round_trip_under_10cm(p):
    b = wgs84_to_bd09(*p)
    back = bd09_to_wgs84(*b)
    assert metres(*back, *p) < 0.1


def test_vectorised_round_trip():
    rng = np.random.default_rng(0)
    lon, lat = rng.uniform(74, 134, 5000), rng.uniform(19, 53, 5000)
    bl, bt = bd09_to_wgs84(*wgs84_to_bd09(lon, lat))
    assert np.max(metres(bl, bt, lon, lat)) < 0.1


@pytest.mark.parametrize(
    "spec, kind, epsg",
    [("wgs84", "proj", 4326), ("WGS-84", "proj", 4326), ("cgcs2000", "proj", 4490), ("国家2000", "proj", 4490),
     ("gcj02", "gcj02", 4326), ("高德", "gcj02", 4326), ("bd09", "bd09", 4326), ("百度", "bd09", 4326),
     ("EPSG:4528", "proj", 4528), ("4547", "proj", 4547)],
)
def test_parse_crs(spec, kind, epsg):
    s = parse_crs(spec)
    assert s.kind == kind
    assert s.crs.to_epsg() == epsg


def test_parse_crs_unknown_lists_names():
    with pytest.raises(CRSError, match="gcj02"):
        parse_crs("mars-grid")


def test_to_wgs84_geometries_from_gcj02():
    gs = gpd.GeoSeries([shapely.Point(121.531541859215, 31.17530398364597)], crs=4326)
    out = to_wgs84(gs, "gcj02")
    assert metres(out[0].x, out[0].y, 121.5272106, 31.1774276) < 0.1


def test_metric_crs_choices():
    assert metric_crs((119.45, 32.35)).to_epsg() == 32650
    assert metric_crs((119.45, 32.35), method="cgcs2000-gk3").to_epsg() == 4528  # zone 40, CM 120°E
    assert metric_crs((119.45, 32.35), method="cgcs2000-gk6").to_epsg() == 4498  # 6° zone 20, CM 117°E
    assert metric_crs((119.45, 32.35), method="EPSG:4547").to_epsg() == 4547
    with pytest.raises(CRSError):
        metric_crs((119.45, 32.35), method="EPSG:4326")


def test_to_wgs84_from_gcj02_in_web_mercator():
    # a 高德-based file saved in Web Mercator (EPSG:3857): its metres were read as degrees, so every
    # feature landed "outside China"; the GCJ-02 shift applies to the lon/lat the metres stand for
    gcj = gpd.GeoSeries([shapely.Point(121.531541859215, 31.17530398364597)], crs=4326)
    out = to_wgs84(gcj.to_crs(3857), "gcj02")
    assert out.crs.to_epsg() == 4326
    assert metres(out[0].x, out[0].y, 121.5272106, 31.1774276) < 0.1
