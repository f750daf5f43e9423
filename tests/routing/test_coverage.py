"""Coverage: arrival times against an independent networkx reference that splits the snapped edges,
and the bad inputs (island, station off the network, missing turnout, target off the network)."""

from __future__ import annotations

import logging

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely

from yitu.errors import InputError
from yitu.routing.coverage import (
    COVERAGE_COLUMNS,
    coverage,
    snap_stations_and_targets,
    station_offsets,
    stations_off_network,
)
from yitu.routing.network import RoadNetwork
from yitu.routing.roads import from_roads
from yitu.settings import default_settings

CRS = pyproj.CRS.from_epsg(32650)
X0, Y0 = 600000.0, 3580000.0  # somewhere in the demo's UTM zone


# ------------------------------------------------------------------------------ helpers (shared)
def line_network(lines: list[list[tuple[float, float]]], *, speed_kmh: float = 36.0, oneway: list[str] | None = None,
                 largest_component: bool = False) -> RoadNetwork:
    """A network from local-metre polylines (origin X0, Y0), uniform speed, optional one-way flags."""
    geoms = [shapely.LineString([(X0 + x, Y0 + y) for x, y in ln]) for ln in lines]
    gdf = gpd.GeoDataFrame(
        {"road_class": ["residential"] * len(geoms), "speed_kmh": [speed_kmh] * len(geoms),
         "oneway": oneway or ["no"] * len(geoms), "name": [f"r{i}" for i in range(len(geoms))],
         "osm_id": np.arange(len(geoms))},
        geometry=geoms, crs=CRS,
    )
    return from_roads(gdf, profile=default_settings().profile("fire_engine"), crs=CRS,
                      largest_component=largest_component, maxspeed_field=None)


def points(xy: list[tuple[float, float]], **cols: list) -> gpd.GeoDataFrame:  # type: ignore[type-arg]
    return gpd.GeoDataFrame(dict(cols), geometry=[shapely.Point(X0 + x, Y0 + y) for x, y in xy], crs=CRS)


def stations_gdf(xy: list[tuple[float, float]], *, turnout: list[float] | None = None,
                 types: list[str] | None = None) -> gpd.GeoDataFrame:
    n = len(xy)
    return points(xy, id=[f"S{i + 1}" for i in range(n)], name=[f"站{i + 1}" for i in range(n)],
                  station_type=types or ["一级站"] * n,
                  turnout_min=turnout if turnout is not None else [0.0] * n)


def reference_times(net: RoadNetwork, s_snap, s_off: np.ndarray, t_snap) -> np.ndarray:  # type: ignore[no-untyped-def]
    """(n_src, n_tgt) arrival seconds (without the target access leg) from networkx on a graph in which
    every edge carrying a snapped point is split at that point. Independent of yitu's engine."""
    G = nx.DiGraph()

    def add(a, b, w):  # type: ignore[no-untyped-def]
        if not G.has_edge(a, b) or G[a][b]["weight"] > w:
            G.add_edge(a, b, weight=w)

    on: dict[int, list[tuple[tuple[str, int], float]]] = {}
    for kind, sn in (("s", s_snap), ("t", t_snap)):
        for i in range(len(sn)):
            if sn.ok[i]:
                on.setdefault(int(sn.edge[i]), []).append(((kind, i), float(sn.t[i])))
    canon = net.canonical
    for e in range(net.n_edges):
        c = int(canon[e])
        pts = [(key, t if e == c else 1.0 - t) for key, t in on.get(c, [])]
        pts.sort(key=lambda p: p[1])
        chain = [(int(net.u[e]), 0.0)] + pts + [(int(net.v[e]), 1.0)]
        for (a, fa), (b, fb) in zip(chain[:-1], chain[1:]):
            add(a, b, (fb - fa) * float(net.time_s[e]))
    out = np.full((len(s_snap), len(t_snap)), np.inf)
    for i in range(len(s_snap)):
        if not s_snap.ok[i]:
            continue
        G.add_edge("src", ("s", i), weight=float(s_off[i]))
        d = nx.single_source_dijkstra_path_length(G, "src", weight="weight")
        G.remove_node("src")
        for j in range(len(t_snap)):
            out[i, j] = d.get(("t", j), np.inf)
    return out


# ------------------------------------------------------------------------------------ tests
def test_station_offsets_defaults_and_notes() -> None:
    st = stations_gdf([(0, 0)] * 3, turnout=[2.5, np.nan, np.nan], types=["一级站", "志愿队", "不存在的类型"])
    off, note = station_offsets(st, settings=default_settings())
    assert off.tolist() == [150.0, 300.0, 60.0]
    assert note.iloc[0] == ""
    assert note.iloc[1] == "出动时间缺失，按站点类型默认 5 分钟"
    assert "站点类型未知" in note.iloc[2]
    assert note.index.equals(st.index)


def test_coverage_matches_networkx_on_demo(demo_project, demo_network) -> None:  # type: ignore[no-untyped-def]
    settings = demo_project.settings
    stations = demo_project.read("stations")
    targets = pd.concat([demo_project.read("enterprises"), demo_project.read("targets")], ignore_index=True)
    targets = gpd.GeoDataFrame(targets, geometry="geometry", crs=4326)
    limit = 15.0
    res = coverage(demo_network, stations, targets, limit_min=limit, settings=settings)
    assert list(res.columns) == [*COVERAGE_COLUMNS, "geometry"]
    assert res.index.equals(targets.index)

    access = settings.routing.access_speed_kmh / 3.6
    s_snap, t_snap = snap_stations_and_targets(demo_network, stations, targets, max_snap_m=settings.routing.max_snap_m)
    assert s_snap.ok.all()
    turnout, _ = station_offsets(stations, settings=settings)
    ref = reference_times(demo_network, s_snap, turnout + s_snap.dist_m / access, t_snap)
    ref = ref + np.where(t_snap.ok, np.nan_to_num(t_snap.dist_m) / access, np.inf)[None, :]
    ok = t_snap.ok
    assert (res["status"].to_numpy() == np.where(ok, "ok", "off_network")).all()
    best = ref.min(axis=0)
    np.testing.assert_allclose(res["arrival_min"].to_numpy()[ok] * 60, best[ok], rtol=0, atol=1e-6)
    srt = np.sort(ref, axis=0)
    np.testing.assert_allclose(res["second_arrival_min"].to_numpy()[ok] * 60, srt[1][ok], rtol=0, atol=1e-6)
    ids = stations["id"].to_numpy()
    # the nearest station is one that achieves the minimum
    got = res["nearest_station_id"].to_numpy()[ok]
    idx = np.array([list(ids).index(g) for g in got])
    np.testing.assert_allclose(ref[idx, np.flatnonzero(ok)], best[ok], atol=1e-6)
    count = (ref[:, ok] <= limit * 60).sum(axis=0)
    # exact below k (3 by default), "k or more" beyond
    assert (res["n_within"].to_numpy()[ok] == np.minimum(count, 3)).all()
    assert (res["n_within_more"].to_numpy()[ok] == (count >= 3)).all()
    assert (count > 3).any()  # the cap is exercised
    exact = coverage(demo_network, stations, targets, limit_min=limit, settings=settings, k=len(stations))
    assert (exact["n_within"].to_numpy()[ok] == count).all()
    np.testing.assert_allclose(exact["arrival_min"].to_numpy()[ok] * 60, best[ok], rtol=0, atol=1e-6)
    assert (res["within_limit"].to_numpy() == (best <= limit * 60)).all()
    # the scenario needs both outcomes
    assert res["within_limit"].any() and (~res["within_limit"] & (res["status"] == "ok")).any()
    # off-network targets: distance given, no minutes, said why
    off = res[res["status"] == "off_network"]
    assert len(off) > 0
    assert (off["snap_dist_m"] > settings.routing.max_snap_m).all()
    assert off["arrival_min"].isna().all() and (~off["within_limit"]).all()
    assert off["note"].str.contains("超过 500 米吸附上限").all()


def test_exact_times_turnout_default_and_access_leg() -> None:
    net = line_network([[(0, 0), (1000, 0), (2000, 0)]])  # 36 km/h = 10 m/s
    st = stations_gdf([(0, 0)], turnout=[np.nan], types=["志愿队"])  # 5 min default
    tg = points([(1500, 50)], id=["T1"], name=["目标"])  # 50 m off the road: 18 s at 10 km/h
    res = coverage(net, st, tg, limit_min=15, settings=default_settings())
    r = res.iloc[0]
    assert r["status"] == "ok"
    assert r["arrival_min"] * 60 == pytest.approx(300 + 150 + 18.0, abs=1e-6)
    assert bool(r["within_limit"]) and r["n_within"] == 1
    assert r["note"] == "最近站点出动时间缺失，按站点类型默认 5 分钟"
    assert pd.isna(r["second_station_id"]) and np.isnan(r["second_arrival_min"])


def test_beyond_the_cap_still_gets_real_minutes() -> None:
    net = line_network([[(0, 0), (1000, 0), (2000, 0), (6000, 0)]])
    st = stations_gdf([(0, 0), (6000, 0)])
    tg = points([(5000, 0), (200, 0)], id=["far", "near"], name=["远", "近"])
    res = coverage(net, st, tg, limit_min=0.5, backup_cap_min=0.5, settings=default_settings())
    far, near = res.iloc[0], res.iloc[1]
    # 'far' is 100 s from S2 (beyond 0.5 min) and 500 s from S1: found by the unlimited search
    assert far["status"] == "ok" and not far["within_limit"]
    assert far["arrival_min"] * 60 == pytest.approx(100.0, abs=1e-6)
    assert far["nearest_station_id"] == "S2" and far["n_within"] == 0
    assert near["within_limit"] and near["arrival_min"] * 60 == pytest.approx(20.0, abs=1e-6)


def test_duplicate_station_ids_are_an_input_error() -> None:
    # two stations named S1 were reported as one: districts summed under one id, nearest station ambiguous
    net = line_network([[(0, 0), (1000, 0), (2000, 0)]])
    st = stations_gdf([(0, 0), (2000, 0)])
    st["id"] = ["S1", "S1"]
    with pytest.raises(InputError, match="多个站点使用同一编号（S1）"):
        coverage(net, st, points([(1500, 0)], id=["T1"], name=["目标"]), limit_min=15, settings=default_settings())


def test_island_target_is_unreachable_not_zero_or_inf() -> None:
    # the second road is not connected to the first (kept: largest_component=False)
    net = line_network([[(0, 0), (2000, 0)], [(0, 1000), (1000, 1000)]])
    st = stations_gdf([(0, 0)])
    tg = points([(500, 1000), (1000, 0)], id=["island", "main"], name=["岛上", "主路"])
    res = coverage(net, st, tg, settings=default_settings())
    isl = res.loc[0]
    assert isl["status"] == "unreachable"
    assert np.isnan(isl["arrival_min"]) and not isl["within_limit"] and isl["n_within"] == 0
    assert isl["note"] == "无救援力量可达"
    assert pd.isna(isl["nearest_station_id"])
    assert res.loc[1, "status"] == "ok" and np.isfinite(res.loc[1, "arrival_min"])


def test_one_way_is_respected() -> None:
    # a one-way road west -> east; the station is at the east end: the target west of it is only
    # reachable over the two-way loop back
    net = line_network([[(0, 0), (1000, 0)], [(1000, 0), (1000, 500), (0, 500), (0, 0)]], oneway=["yes", "no"])
    st = stations_gdf([(1000, 0)])
    tg = points([(200, 0)], id=["T"], name=["t"])
    res = coverage(net, st, tg, settings=default_settings())
    # around the loop (500 + 1000 + 500 m) then 200 m along the one-way road: 220 s
    assert res.iloc[0]["arrival_min"] * 60 == pytest.approx(220.0, abs=1e-6)


def test_station_off_network_reported_with_distance(caplog: pytest.LogCaptureFixture) -> None:
    net = line_network([[(0, 0), (2000, 0)]])
    st = stations_gdf([(0, 0), (1000, 3000)])
    tg = points([(1000, 0)], id=["T"], name=["t"])
    with caplog.at_level(logging.WARNING, logger="yitu.routing.coverage"):
        res = coverage(net, st, tg, settings=default_settings())
    off = stations_off_network(res)
    assert off["station_id"].tolist() == ["S2"]
    assert off["snap_dist_m"].iloc[0] == pytest.approx(3000.0)
    assert "距最近道路 3000 米" in off["note"].iloc[0]
    assert "S2" in caplog.text and "3,000 米" in caplog.text
    assert res.iloc[0]["nearest_station_id"] == "S1" and res.iloc[0]["status"] == "ok"


def test_target_off_network_says_how_far() -> None:
    net = line_network([[(0, 0), (2000, 0)]])
    st = stations_gdf([(0, 0)])
    tg = points([(1000, 800)], id=["T"], name=["t"])
    r = coverage(net, st, tg, settings=default_settings()).iloc[0]
    assert r["status"] == "off_network" and r["snap_dist_m"] == pytest.approx(800.0)
    assert np.isnan(r["arrival_min"]) and "距最近道路 800 米" in r["note"]


def test_bad_limit() -> None:
    from yitu.errors import InputError

    net = line_network([[(0, 0), (2000, 0)]])
    with pytest.raises(InputError, match="到达时限应为正的分钟数"):
        coverage(net, stations_gdf([(0, 0)]), points([(1, 0)]), limit_min=0)


def test_station_and_target_on_the_same_road_piece() -> None:
    # one piece of road 0..2000 m; a one-way piece 0..2000 m north of it joined by a loop
    net = line_network([[(0, 0), (2000, 0)], [(0, 300), (2000, 300)], [(2000, 300), (2000, 0)],
                        [(0, 300), (0, 0)]], oneway=["no", "yes", "no", "no"])
    st = stations_gdf([(500, 0), (1500, 300)])
    tg = points([(800, 0), (200, 0), (1800, 300), (1000, 300)], id=list("abcd"), name=list("abcd"))
    res = coverage(net, st, tg, settings=default_settings())
    s_snap, t_snap = snap_stations_and_targets(net, st, tg, max_snap_m=500)
    ref = reference_times(net, s_snap, np.zeros(2), t_snap)
    np.testing.assert_allclose(res["arrival_min"].to_numpy() * 60, ref.min(axis=0), atol=1e-6)
    # along the same piece both ways on the two-way road; on the one-way piece only downstream
    assert res["arrival_min"].iloc[0] * 60 == pytest.approx(30.0)
    assert res["arrival_min"].iloc[1] * 60 == pytest.approx(30.0)
    assert res["arrival_min"].iloc[2] * 60 == pytest.approx(30.0)
    # d lies 500 m upstream of S2 on the one-way piece: from S1 over the west loop (500+300+1000 m)
    assert res["arrival_min"].iloc[3] * 60 == pytest.approx(180.0)
    assert res["nearest_station_id"].iloc[3] == "S1"


def test_fallback_search_agrees_with_the_station_searches(demo_project) -> None:  # type: ignore[no-untyped-def]
    # Targets that no per-station search reaches within its cap are answered by one unlimited
    # min-only search; its times must equal the per-station searches', signal delays included.
    import dataclasses

    from yitu.routing.osm import from_osm

    s = demo_project.settings
    prof = dataclasses.replace(s.profile("fire_engine"), signal_delay_s=20.0)
    net = from_osm(demo_project.path / "inputs" / "roads.osm", profile=prof, crs=demo_project.metric_crs())
    assert net.signal.any()
    stations = demo_project.read("stations")
    # targets on the road pieces where the rules matter: edges that end at a signal (the delay is
    # paid only on reaching the node) and the very ends of one-way edges
    sig = np.flatnonzero(net.signal[net.v])
    one = np.flatnonzero(net.reverse < 0)[:40]
    pts = np.concatenate([
        shapely.line_interpolate_point(net.geometry[sig], 0.5, normalized=True),
        shapely.line_interpolate_point(net.geometry[one], 1.0, normalized=True),
        demo_project.read("enterprises").to_crs(net.crs).geometry.to_numpy()[:150],
    ])
    targets = gpd.GeoDataFrame({"id": [f"T{i}" for i in range(len(pts))], "name": "t"}, geometry=pts, crs=net.crs)
    assert sig.size and one.size
    # every arrival from the per-station searches (cap 2 h) / every arrival from the fallback
    # (the searches are capped at twice a limit of 0.6 s, shorter than any turnout)
    full = coverage(net, stations, targets, limit_min=15.0, settings=s, backup_cap_min=120.0)
    fb = coverage(net, stations, targets, limit_min=0.01, settings=s)
    assert fb["second_station_id"].isna().all()  # nothing came from the station searches
    ok = full["status"] == "ok"
    assert ok.sum() > 150
    np.testing.assert_allclose(fb.loc[ok, "arrival_min"], full.loc[ok, "arrival_min"], rtol=0, atol=1e-9)
    assert (fb["status"] == full["status"]).all()
    # the source found through the arrival's end node is the nearest station (ties aside)
    gap = full.loc[ok, "second_arrival_min"] - full.loc[ok, "arrival_min"]
    clear = gap.fillna(np.inf) > 1e-6
    assert (fb.loc[ok & clear.reindex(full.index, fill_value=False), "nearest_station_id"]
            == full.loc[ok & clear.reindex(full.index, fill_value=False), "nearest_station_id"]).all()
