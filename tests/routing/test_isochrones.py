"""Isochrones and responsibility areas: the properties from the routing issue.

Reachable road is inside, road reached much later is outside, bands do not overlap, holes where
nothing is reached, one-way streets respected; responsibility areas give road to its first station.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely import ops

from tests.routing.test_coverage import line_network, points, stations_gdf
from yitu.routing.engine import from_source_matrix, node_times, point_times
from yitu.routing.isochrones import ALL_STATIONS, isochrones, placed_stations, responsibility_areas, substrings
from yitu.routing.network import RoadNetwork
from yitu.routing.snap import Snapped
from yitu.settings import default_settings


def network_samples(net: RoadNetwork, per_edge: int = 12) -> tuple[Snapped, np.ndarray]:
    """Points spread along every physical road piece, as snapped points, and their geometries."""
    c = np.flatnonzero(net.canonical == np.arange(net.n_edges))
    t = (np.arange(per_edge) + 0.5) / per_edge
    e = np.repeat(c, per_edge)
    tt = np.tile(t, c.size)
    pts = shapely.line_interpolate_point(net.geometry[e], tt, normalized=True)
    sn = Snapped(e, tt, np.zeros(e.size), np.ones(e.size, dtype=bool), shapely.get_x(pts), shapely.get_y(pts))
    return sn, pts


def union_upto(iso, station_id: str, limit: float):  # type: ignore[no-untyped-def]
    sel = iso[(iso["station_id"] == station_id) & (iso["band_min"] <= limit)]
    return shapely.union_all(sel.geometry.to_numpy())


def test_substrings_match_shapely_substring() -> None:
    rng = np.random.default_rng(3)
    lines = np.array([shapely.LineString(rng.uniform(0, 100, (int(rng.integers(2, 7)), 2))) for _ in range(40)])
    a = rng.uniform(0, 0.6, 40)
    b = a + rng.uniform(0.05, 0.4, 40)
    got = substrings(lines, a, b)
    for g, ln, x, y in zip(got, lines, a, b):
        ref = ops.substring(ln, x, min(y, 1.0), normalized=True)
        assert g.hausdorff_distance(ref) < 1e-9
        assert g.length == pytest.approx(ref.length, abs=1e-9)


@pytest.mark.parametrize("exact", [False, True])
def test_demo_reachable_road_is_inside(demo_project, demo_network, exact: bool) -> None:  # type: ignore[no-untyped-def]
    settings = demo_project.settings
    stations = demo_project.read("stations")
    bands = (5.0, 10.0, 15.0)
    iso = isochrones(demo_network, stations, bands_min=bands, settings=settings, exact=exact)
    assert set(iso["station_id"]) >= {ALL_STATIONS, "S01", "S05"}
    sn, pts = network_samples(demo_network)
    src, off, ids, _, _ = placed_stations(demo_network, stations, settings=settings)
    t_all, _ = node_times(demo_network, src, offset_s=off)
    arr_all = point_times(demo_network, t_all, sn)  # >= the true arrival: these points are reached
    per = point_times(demo_network, from_source_matrix(demo_network, src, offset_s=off), sn)
    for limit in bands:
        poly = union_upto(iso, ALL_STATIONS, limit)
        inside = shapely.covers(shapely.buffer(poly, 1e-6), pts)
        reach = arr_all <= limit * 60
        assert reach.any() and inside[reach].all(), f"{(reach & ~inside).sum()} reached points outside at {limit} min"
        for k in (0, 4, 6):  # a few stations
            poly_k = union_upto(iso, str(ids[k]), limit)
            r = per[k] <= limit * 60
            assert shapely.covers(shapely.buffer(poly_k, 1e-6), pts[r]).all()
    # road reached only after 10 minutes is (nearly all) outside the 5-minute area; the few inside
    # lie within the buffer of faster road (across a canal, say)
    far = arr_all > 10 * 60
    assert far.sum() > 100
    assert shapely.covers(union_upto(iso, ALL_STATIONS, 5), pts[far]).mean() < 0.05


@pytest.mark.parametrize("exact", [False, True])
def test_bands_do_not_overlap(demo_project, demo_network, exact: bool) -> None:  # type: ignore[no-untyped-def]
    iso = isochrones(demo_network, demo_project.read("stations"), bands_min=(5, 10, 15),
                     settings=demo_project.settings, exact=exact)
    for sid, grp in iso.groupby("station_id"):
        g = grp.geometry.to_numpy()
        for i in range(len(g)):
            for j in range(i + 1, len(g)):
                assert shapely.area(shapely.intersection(g[i], g[j], grid_size=0.01)) < 10.0, sid  # slivers at most
    # band 10 is the ring between 5 and 10 minutes
    one = iso[iso["station_id"] == ALL_STATIONS].set_index("band_min").geometry
    assert one[10.0].area > 0 and shapely.area(shapely.intersection(one[10.0], one[5.0], grid_size=0.01)) < 10.0


@pytest.mark.parametrize("exact", [False, True])
def test_straight_road_outside_beyond_limit_plus_buffer(exact: bool) -> None:
    net = line_network([[(0, 0), (3000, 0), (10000, 0)]])  # 36 km/h everywhere
    st = stations_gdf([(0, 0)])
    buf = 100.0
    iso = isochrones(net, st, bands_min=(5,), buffer_m=buf, settings=default_settings(), exact=exact,
                     include_all=False)
    poly = iso.geometry.iloc[0]
    x = np.arange(0, 10000, 10.0)
    pts = shapely.points(600000.0 + x, np.full(x.size, 3580000.0))
    arrival = x / 10.0  # seconds, turnout 0, on the road
    inside = shapely.covers(poly, pts)
    assert inside[arrival <= 300].all()
    slack = 1.0 if exact else 1.35  # the grid edge lies within about a cell (buffer/3) of the buffer
    assert not inside[arrival > 300 + slack * buf / 10.0].any()
    assert poly.bounds[2] - 600000.0 == pytest.approx(3000 + buf, abs=1 if exact else buf / 3 + 1)


@pytest.mark.parametrize("exact", [False, True])
def test_ring_road_leaves_a_hole(exact: bool) -> None:
    ring = [(0, 0), (4000, 0), (4000, 4000), (0, 4000), (0, 0)]
    net = line_network([ring[:3], ring[2:]])
    st = stations_gdf([(0, 0)])
    iso = isochrones(net, st, bands_min=(30,), settings=default_settings(), exact=exact, per_station=False)
    poly = iso.geometry.iloc[0]
    assert iso["station_id"].tolist() == [ALL_STATIONS]
    assert not poly.contains(shapely.Point(600000 + 2000, 3580000 + 2000))
    holes = sum(len(p.interiors) for p in getattr(poly, "geoms", [poly]))
    assert holes == 1
    assert poly.area == pytest.approx(4 * 4000 * 200, rel=0.03)


def test_one_way_road_is_respected() -> None:
    net = line_network([[(0, 0), (2000, 0), (4000, 0)]], oneway=["yes"])
    st = stations_gdf([(2000, 0)])
    iso = isochrones(net, st, bands_min=(5,), settings=default_settings(), include_all=False)
    poly = iso.geometry.iloc[0]
    ahead = points([(3000, 0), (3900, 0)]).geometry.to_numpy()
    behind = points([(500, 0), (1500, 0)]).geometry.to_numpy()
    assert shapely.covers(poly, ahead).all()
    assert not shapely.intersects(poly, behind).any()


def test_bad_bands() -> None:
    from yitu.errors import InputError

    net = line_network([[(0, 0), (2000, 0)]])
    with pytest.raises(InputError, match="等时圈分段"):
        isochrones(net, stations_gdf([(0, 0)]), bands_min=(0, 5))


def test_responsibility_gives_road_to_the_first_station(demo_project, demo_network) -> None:  # type: ignore[no-untyped-def]
    settings = demo_project.settings
    stations = demo_project.read("stations")
    resp = responsibility_areas(demo_network, stations, settings=settings)
    assert resp["station_id"].is_unique and len(resp) >= 10
    geoms = resp.geometry.to_numpy()
    # no overlaps between stations
    total = shapely.area(shapely.union_all(geoms))
    assert total == pytest.approx(float(shapely.area(geoms).sum()), rel=1e-3)
    sn, pts = network_samples(demo_network)
    src, off, ids, _, _ = placed_stations(demo_network, stations, settings=settings)
    per = point_times(demo_network, from_source_matrix(demo_network, src, offset_s=off), sn)
    srt = np.sort(per, axis=0)
    clear = (srt[1] - srt[0]) > 60  # the first station is ahead by more than a minute
    best = ids[np.argmin(per, axis=0)]
    by_id = dict(zip(resp["station_id"], geoms))
    hit = np.array([shapely.covers(by_id[b], p) for b, p in zip(best[clear], pts[clear])])
    assert hit.mean() > 0.98
    # road km adds up to the network's road length
    canon_km = demo_network.length_m[demo_network.canonical == np.arange(demo_network.n_edges)].sum() / 1000
    assert resp["road_km"].sum() == pytest.approx(canon_km, abs=0.001 * len(resp))
