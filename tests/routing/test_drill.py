"""Drill scenarios: arrival order and times against the engine and an independent networkx
Dijkstra, a bridge closure against the detour networkx finds without the bridge, requirement
lines at their exact edges, routes, closures and bad input."""

from __future__ import annotations

import json

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely

from yitu.errors import InputError
from yitu.routing import drill as D
from yitu.routing.engine import arrival_matrix
from yitu.routing.snap import snap
from yitu.settings import RequirementLine
from yitu.words import use_lang


@pytest.fixture(scope="module")
def stations(demo_project):  # type: ignore[no-untyped-def]
    return demo_project.read("stations")


@pytest.fixture(scope="module")
def site(demo_project):  # type: ignore[no-untyped-def]
    return D.parse_site("E0001", enterprises=demo_project.read("enterprises"), bounds=demo_project.bounds())


@pytest.fixture(scope="module")
def before(demo_network, stations, site, demo_project):  # type: ignore[no-untyped-def]
    return D.drill(demo_network, stations, site, settings=demo_project.settings)


def _turnout_access(stations, sn, settings):  # type: ignore[no-untyped-def]
    own = pd.to_numeric(stations["turnout_min"], errors="coerce")
    turnout = own.fillna(stations["station_type"].map(settings.turnout_min)).to_numpy() * 60.0
    return turnout + sn.dist_m / (settings.routing.access_speed_kmh / 3.6)


def _nx_graph(net, keep):  # type: ignore[no-untyped-def]
    g = nx.DiGraph()
    for u, v, w in zip(net.u[keep], net.v[keep], net.time_s[keep]):
        if not g.has_edge(u, v) or g[u][v]["weight"] > w:
            g.add_edge(int(u), int(v), weight=float(w))
    return g


def _nx_times(net, keep, sn, ss, offsets):  # type: ignore[no-untyped-def]
    """Independent reference: networkx Dijkstra with the station and site edges split at the snapped points."""
    g = _nx_graph(net, keep)
    e, t = int(ss.edge[0]), float(ss.t[0])
    g.add_edge(int(net.u[e]), "SITE", weight=t * float(net.time_s[e]))
    r = int(net.reverse[e])
    if r >= 0:
        g.add_edge(int(net.v[e]), "SITE", weight=(1 - t) * float(net.time_s[r]))
    out = np.full(len(sn), np.inf)
    for i in range(len(sn)):
        h = g.copy()
        f, s = int(sn.edge[i]), float(sn.t[i])
        h.add_edge("ST", int(net.v[f]), weight=(1 - s) * float(net.time_s[f]))
        rf = int(net.reverse[f])
        if rf >= 0:
            h.add_edge("ST", int(net.u[f]), weight=s * float(net.time_s[rf]))
        if net.canonical[f] == net.canonical[e]:  # same road piece: straight along it
            c = int(net.canonical[f])
            d = (t if e == c else 1 - t) - (s if f == c else 1 - s)
            w = d * net.time_s[c] if d >= 0 else -d * net.time_s[net.reverse[c]]
            h.add_edge("ST", "SITE", weight=float(w))
        try:
            out[i] = offsets[i] + nx.dijkstra_path_length(h, "ST", "SITE")
        except nx.NetworkXNoPath:
            pass
    return out


def test_arrivals_match_engine_and_networkx(demo_network, stations, site, before, demo_project):  # type: ignore[no-untyped-def]
    net, settings = demo_network, demo_project.settings
    sn = snap(net, stations, max_snap_m=settings.routing.max_snap_m)
    ss = snap(net, site.gdf(), max_snap_m=settings.routing.max_snap_m)
    off = _turnout_access(stations, sn, settings)
    site_access = ss.dist_m[0] / (settings.routing.access_speed_kmh / 3.6)
    engine = arrival_matrix(net, sn, ss, offset_s=off)[:, 0] + site_access
    ref = _nx_times(net, np.ones(net.n_edges, dtype=bool), sn, ss, off) + site_access
    np.testing.assert_allclose(engine, ref, atol=1e-6)
    got = before.forces.set_index("station_id").loc[stations["id"], "arrival_min"].to_numpy() * 60.0
    np.testing.assert_allclose(got, ref, atol=1e-6)
    # ranked by arrival, every station listed once
    f = before.forces
    assert f["station_id"].tolist() == stations["id"].iloc[np.argsort(ref, kind="stable")].tolist()
    assert f["rank"].tolist() == list(range(1, len(stations) + 1))
    assert (f["status"] == "reachable").all()
    # the parts add up
    np.testing.assert_allclose(f["turnout_min"] + f["access_min"] + f["travel_min"], f["arrival_min"], atol=1e-9)


def test_routes_follow_the_tree(demo_network, before, stations):  # type: ignore[no-untyped-def]
    r = before.routes
    assert r.crs.to_epsg() == 4326
    assert len(r) == len(stations) and r.geometry.geom_type.eq("LineString").all()
    m = r.to_crs(demo_network.crs)
    f = before.forces.set_index("station_id")
    access_m = (f["snap_dist_m"] + before.site_snap_m).loc[m["station_id"]].to_numpy()
    on_road = f.loc[m["station_id"], "distance_km"].to_numpy() * 1000
    # line length = the road part (partial edges at both ends) + the two straight access legs
    np.testing.assert_allclose(shapely.length(m.geometry.values), on_road + access_m, rtol=1e-6, atol=0.5)
    # starts at the station and ends at the site
    st = stations.set_index("id").loc[r["station_id"]].geometry.to_crs(demo_network.crs).values
    start = shapely.points(shapely.get_coordinates(m.geometry.values)[np.r_[0, np.cumsum(shapely.get_num_coordinates(m.geometry.values))[:-1]]])
    assert shapely.distance(start, st).max() < 1e-3
    end = shapely.get_point(m.geometry.values, -1)
    site_pt = before.site.gdf().to_crs(demo_network.crs).geometry.iloc[0]
    assert shapely.distance(end, site_pt).max() < 1e-3


def _bridge_way_ids(demo_project):  # type: ignore[no-untyped-def]
    roads = gpd.read_file(demo_project.path / "inputs" / "roads.gpkg")
    b = roads[roads["bridge"] == "yes"]
    return dict(zip(b["name"], b["osm_id"].astype("int64")))


def test_three_bridges_and_closure_by_name_id_and_area(demo_network, demo_project):  # type: ignore[no-untyped-def]
    net = demo_network
    bridges = _bridge_way_ids(demo_project)
    assert set(bridges) == {"岚江大桥", "东岚大桥", "西渡桥"}
    by_name = D.closures(net, names=["岚江大桥"])
    by_id = D.closures(net, osm_ids=[bridges["岚江大桥"]])
    assert by_name.any() and np.array_equal(by_name, by_id)
    assert set(net.way_id[by_name]) == {bridges["岚江大桥"]}
    # both directions
    assert np.all(by_name[net.reverse[by_name]])
    # a polygon over the middle of the bridge closes the same edges
    mid = shapely.line_interpolate_point(net.geometry[np.flatnonzero(by_name)[0]], 0.5, normalized=True)
    area = gpd.GeoDataFrame(geometry=[mid.buffer(30)], crs=net.crs).to_crs(4326)
    assert np.array_equal(D.closures(net, areas=area), by_name)
    # substring when no road has the exact name: 大桥 = 岚江大桥 + 东岚大桥, not 西渡桥
    sub = D.closures(net, names=["大桥"])
    assert set(net.way_id[sub]) == {bridges["岚江大桥"], bridges["东岚大桥"]}
    # exact match wins: 青岚大道 does not close 青岚大道南段
    exact = D.closures(net, names=["青岚大道"])
    assert set(net.name[exact]) == {"青岚大道"}


def test_bridge_closure_delays_by_the_detour(demo_network, stations, site, before, demo_project):  # type: ignore[no-untyped-def]
    net, settings = demo_network, demo_project.settings
    closed = D.closures(net, names=["岚江大桥"])
    after = D.drill(net, stations, site, settings=settings, closed=closed, closed_what=["岚江大桥"])
    sn = snap(net, stations, max_snap_m=settings.routing.max_snap_m)
    ss = snap(net, site.gdf(), max_snap_m=settings.routing.max_snap_m)
    off = _turnout_access(stations, sn, settings)
    ref_before = _nx_times(net, np.ones(net.n_edges, dtype=bool), sn, ss, off)
    ref_after = _nx_times(net, ~closed, sn, ss, off)
    i = int(np.flatnonzero(stations["id"].to_numpy() == "S01")[0])  # 特勤站, north of the river
    detour_s = ref_after[i] - ref_before[i]
    assert detour_s > 60  # the detour over another bridge is real
    cmp = D.compare(before, after).set_index("station_id")
    assert cmp.loc["S01", "delay_min"] * 60 == pytest.approx(detour_s, abs=1e-6)
    # stations south of the river are not affected
    assert cmp.loc["S05", "delay_min"] == pytest.approx(0.0, abs=1e-9)
    got = after.forces.set_index("station_id").loc[stations["id"], "arrival_min"].to_numpy() * 60
    np.testing.assert_allclose(got, ref_after + ss.dist_m[0] / (settings.routing.access_speed_kmh / 3.6), atol=1e-6)
    assert after.closed_edges == int(closed.sum()) and after.closed_what == ("岚江大桥",)
    # no route uses the closed bridge
    bridge = shapely.union_all(net.geometry[closed])
    routes = after.routes.to_crs(net.crs)
    assert shapely.length(shapely.intersection(routes.geometry.values, bridge.buffer(0.5))).max() < 1.0
    before_len = shapely.length(shapely.intersection(before.routes.to_crs(net.crs).geometry.values, bridge.buffer(0.5)))
    assert before_len.max() > 500  # ... while before the closure the 特勤站 crossed it


def test_closing_every_bridge_cuts_the_north_off(demo_network, stations, site, demo_project):  # type: ignore[no-untyped-def]
    closed = D.closures(demo_network, names=["岚江大桥", "东岚大桥", "西渡桥"])
    after = D.drill(demo_network, stations, site, settings=demo_project.settings, closed=closed)
    f = after.forces.set_index("station_id")
    assert f.loc["S01", "status"] == "unreachable" and "不通" in f.loc["S01", "reason"]
    assert np.isnan(f.loc["S01", "arrival_min"]) and pd.isna(f.loc["S01", "rank"])
    assert f.loc["S05", "status"] == "reachable"
    # unreachable forces listed last, not dropped
    assert len(after.forces) == len(stations)
    assert after.forces["status"].iloc[-1] == "unreachable"
    cmp = D.compare(D.drill(demo_network, stations, site, settings=demo_project.settings), after)
    assert cmp.iloc[0]["status_after"] == "unreachable"


def _forces(arrivals, **amounts):  # type: ignore[no-untyped-def]
    n = len(arrivals)
    df = pd.DataFrame({"station_id": [f"S{i}" for i in range(n)], "station_name": [f"站{i}" for i in range(n)],
                       "arrival_min": np.asarray(arrivals, dtype="float64"), "status": "reachable"})
    for k in (*D.VEHICLES, "personnel"):
        df[k] = np.asarray(amounts.get(k, [0] * n), dtype="int64")
    df["vehicles"] = df[list(D.VEHICLES)].sum(axis=1)
    df["foam_t"] = np.asarray(amounts.get("foam_t", [0.0] * n), dtype="float64")
    return df


def test_requirement_lines_at_their_exact_edges() -> None:
    line = RequirementLine("泡沫车 ≥ 2，15 分钟内", "foam_tender", 2, 15.0)
    on_time = D.evaluate_requirements(_forces([3.0, 15.0], foam_tender=[1, 1]), [line]).iloc[0]
    assert on_time["status"] == "MET" and on_time["on_site"] == 2 and on_time["shortfall"] == 0
    assert on_time["met_at_min"] == 15.0 and on_time["margin_min"] == 0.0
    late = D.evaluate_requirements(_forces([3.0, 15.0 + 1e-9], foam_tender=[1, 1]), [line]).iloc[0]
    assert late["status"] == "NOT MET" and late["on_site"] == 1 and late["shortfall"] == 1
    assert late["margin_min"] == pytest.approx(-1e-9, abs=1e-12) and "晚" in late["detail"]
    foam = RequirementLine("泡沫液 ≥ 10 吨", "foam_t", 10.0, 15.0)
    exact = D.evaluate_requirements(_forces([1.0, 2.0], foam_t=[4.0, 6.0]), [foam]).iloc[0]
    assert exact["status"] == "MET" and exact["surplus"] == 0
    short = D.evaluate_requirements(_forces([1.0, 2.0], foam_t=[4.0, 5.999]), [foam]).iloc[0]
    assert short["status"] == "NOT MET" and short["shortfall"] == pytest.approx(0.001)
    assert np.isnan(short["met_at_min"]) and "始终不满足" in short["detail"]
    # unreachable forces do not count
    f = _forces([1.0, 2.0], personnel=[20, 20])
    f.loc[1, "status"], f.loc[1, "arrival_min"] = "unreachable", np.nan
    crew = D.evaluate_requirements(f, [RequirementLine("人员 ≥ 30", "personnel", 30, 30.0)]).iloc[0]
    assert crew["status"] == "NOT MET" and crew["on_site"] == 20
    with pytest.raises(InputError, match="未知 what='water'"):
        D.evaluate_requirements(f, [RequirementLine("水", "water", 1, 5.0)])


def test_curve_and_on_site(before) -> None:  # type: ignore[no-untyped-def]
    c, f = before.curve, before.forces
    assert c["minute"].iloc[0] == 0 and c["minute"].iloc[-1] >= np.ceil(f["arrival_min"].max())
    assert (np.diff(c["vehicles"]) >= 0).all() and (np.diff(c["foam_t"]) >= 0).all()
    assert c["forces"].iloc[-1] == len(f) and c["foam_t"].iloc[-1] == pytest.approx(f["foam_t"].sum())
    for m in (5, 15, 30):
        sel = f["arrival_min"] <= m
        row = before.on_site.set_index("minute").loc[float(m)]
        assert row["forces"] == sel.sum() and row["personnel"] == f.loc[sel, "personnel"].sum()
        assert c.set_index("minute").loc[m, "pumper"] == f.loc[sel, "pumper"].sum()
    assert before.requirements["status"].isin(["MET", "NOT MET"]).all()
    assert len(before.requirements) == 4 and before.hazard == "fire"


def test_station_off_network_is_listed_with_reason(demo_network, stations, site, demo_project):  # type: ignore[no-untyped-def]
    st = stations.copy()
    st.loc[st.index[0], "geometry"] = shapely.Point(119.30, 32.20)  # far outside the road network
    r = D.drill(demo_network, st, site, settings=demo_project.settings)
    row = r.forces.set_index("station_id").loc[st["id"].iloc[0]]
    assert row["status"] == "off_network" and "米" in row["reason"] and np.isnan(row["arrival_min"])
    assert len(r.forces) == len(st) and len(r.routes) == len(st) - 1


def test_bad_input(demo_network, stations, demo_project, tmp_path):  # type: ignore[no-untyped-def]
    """The wording of each refusal, in English (--lang en); the Chinese default is checked below."""
    with use_lang("en"):
        ent = demo_project.read("enterprises")
        with pytest.raises(InputError, match="no enterprise with id 'E00001'.*close ids: E0001"):
            D.parse_site("E00001", enterprises=ent, bounds=demo_project.bounds())
        with pytest.raises(InputError, match="outside China"):
            D.parse_site("2.35,48.85", enterprises=ent, bounds=demo_project.bounds())
        with pytest.raises(InputError, match=r"did you mean 119.45,32.35"):
            D.parse_site("32.35,119.45", enterprises=ent, bounds=demo_project.bounds())
        with pytest.raises(InputError, match="outside the project area"):
            D.parse_site("116.40,39.90", enterprises=ent, bounds=demo_project.bounds())
        ok = D.parse_site("119.45，32.35", enterprises=ent, bounds=demo_project.bounds())
        assert ok.kind == "point" and ok.lonlat == (119.45, 32.35)
        with pytest.raises(InputError, match="no road of that name.*close matches: .*岚江大桥"):
            D.closures(demo_network, names=["岚江桥"])
        with pytest.raises(InputError, match="no road with that way id"):
            D.closures(demo_network, osm_ids=[1])
        pts = gpd.GeoDataFrame(geometry=[shapely.Point(119.45, 32.35)], crs=4326)
        f = tmp_path / "closed.geojson"
        pts.to_file(f, driver="GeoJSON")
        with pytest.raises(InputError, match="must be polygons.*Point"):
            D.read_closed_area(f)
        with pytest.raises(InputError, match="needs polygons"):
            D.closures(demo_network, areas=pts)
        # a polygon that touches no road (here: metric coordinates in a GeoJSON read as WGS-84) is an error,
        # not a closure that silently closes nothing
        metric = gpd.GeoDataFrame(geometry=[shapely.box(*demo_network.geometry[0].buffer(500).bounds)], crs=demo_network.crs)
        f2 = tmp_path / "closed_no_crs.geojson"
        doc = json.loads(metric.to_json())
        doc.pop("crs", None)  # no "crs" member: read as WGS-84
        f2.write_text(json.dumps(doc), encoding="utf-8")
        with pytest.raises(InputError, match="closed_no_crs.geojson: the polygons touch no road.*CRS"):
            D.closures(demo_network, areas=str(f2))
        far = gpd.GeoDataFrame(geometry=[shapely.Point(119.40, 32.30).buffer(0.001)], crs=4326)
        with pytest.raises(InputError, match="touch no road"):
            D.closures(demo_network, areas=far)
        # a Shapefile without .prj: the message must not point to a --crs option the drill does not have
        shp = tmp_path / "closed_no_prj.shp"
        far.to_file(shp)
        shp.with_suffix(".prj").unlink()
        with pytest.raises(InputError, match="closed-area file declares no coordinate system") as info:
            D.read_closed_area(shp)
        assert "--crs" not in str(info.value)
        site = D.parse_site("E0001", enterprises=ent)
        with pytest.raises(InputError, match="hazard 'flood'.*explosion, fire, leak"):
            D.drill(demo_network, stations, site, hazard="flood", settings=demo_project.settings)
    with pytest.raises(InputError, match="在中国境外.*是否应为 119.45,32.35（经度,纬度）"):
        D.parse_site("32.35,119.45", enterprises=ent, bounds=demo_project.bounds())
    with pytest.raises(InputError, match="封闭道路 '岚江桥'：路网中没有这个名称的道路；相近的名称：.*岚江大桥"):
        D.closures(demo_network, names=["岚江桥"])
    with pytest.raises(InputError, match="多边形没有触及路网中的任何道路"):
        D.closures(demo_network, areas=far)


def test_duplicate_station_ids_are_an_input_error(demo_network, stations, demo_project):  # type: ignore[no-untyped-def]
    # e.g. after editing project.gpkg in QGIS; forces, routes and compare() are keyed by station id
    # (the before/after comparison crashed with "All arrays must be of the same length")
    st = stations.copy()
    st.loc[st.index[1], "id"] = st["id"].iloc[0]
    site = D.parse_site("E0001", enterprises=demo_project.read("enterprises"))
    with pytest.raises(InputError, match=f"多个站点使用同一编号（{st['id'].iloc[0]}）"):
        D.drill(demo_network, st, site, settings=demo_project.settings)


def test_snap_few_equals_snap(demo_network):  # type: ignore[no-untyped-def]
    from yitu.routing.drill import _snap_few

    net = demo_network
    rng = np.random.default_rng(5)
    x0, y0, x1, y1 = shapely.total_bounds(net.geometry)
    pts = shapely.points(rng.uniform(x0 - 3000, x1 + 3000, 150), rng.uniform(y0 - 3000, y1 + 3000, 150))
    ref = snap(net, pts, max_snap_m=500.0)
    got = _snap_few(net.edge_subset(np.ones(net.n_edges, dtype=bool)), pts, max_snap_m=500.0)  # a fresh network: no tree
    np.testing.assert_allclose(got.dist_m, ref.dist_m, atol=1e-9)
    assert np.array_equal(got.ok, ref.ok) and (~ref.ok).any() and ref.ok.any()
    same = got.edge == ref.edge
    assert same.mean() > 0.95  # ties between equally near roads may pick either
    np.testing.assert_allclose(got.t[same & ref.ok], ref.t[same & ref.ok], atol=1e-12)


def test_station_on_the_site_road_and_site_off_the_roads(demo_network, stations, site, demo_project):  # type: ignore[no-untyped-def]
    net, settings = demo_network, demo_project.settings
    ss = snap(net, site.gdf(), max_snap_m=500)
    e = int(ss.edge[0])
    # a station on the same road piece, a little way along it in each direction
    pts = [shapely.line_interpolate_point(net.geometry[e], f, normalized=True) for f in (0.05, 0.95)]
    extra = gpd.GeoDataFrame({"id": ["N1", "N2"], "name": ["同路段站甲", "同路段站乙"], "station_type": "微型消防站",
                              "turnout_min": 1.0}, geometry=pts, crs=net.crs).to_crs(4326)
    st = pd.concat([stations, extra], ignore_index=True)
    r = D.drill(net, st, site, settings=settings)
    sn = snap(net, st, max_snap_m=500)
    off = _turnout_access(st, sn, settings)
    ref = arrival_matrix(net, sn, ss, offset_s=off)[:, 0] + ss.dist_m[0] / (settings.routing.access_speed_kmh / 3.6)
    got = r.forces.set_index("station_id").loc[st["id"], "arrival_min"].to_numpy() * 60
    np.testing.assert_allclose(got, ref, atol=1e-6)
    f = r.forces.set_index("station_id")
    assert f.loc["N1", "rank"] <= 2 and f.loc["N2", "rank"] <= 2
    for sid in ("N1", "N2"):
        line = r.routes.set_index("station_id").loc[sid].geometry
        assert line.geom_type == "LineString" and not line.is_empty
    # a site far from every road
    with pytest.raises(InputError, match="500 米以内没有道路"):
        D.drill(net, stations, (119.50, 32.27), settings=settings)


def test_site_and_station_on_closed_roads_move_to_open_ones(demo_network, stations, site, before, demo_project):  # type: ignore[no-untyped-def]
    net, settings = demo_network, demo_project.settings
    ss = snap(net, site.gdf(), max_snap_m=500)
    sn = snap(net, stations, max_snap_m=500)
    s05 = int(np.flatnonzero(stations["id"].to_numpy() == "S05")[0])
    ways = [int(net.way_id[ss.edge[0]]), int(net.way_id[sn.edge[s05]])]
    closed = D.closures(net, osm_ids=ways)
    after = D.drill(net, stations, site, settings=settings, closed=closed)
    assert after.site_snap_m > before.site_snap_m  # placed on the nearest open road, farther away
    f = after.forces.set_index("station_id")
    assert f.loc["S05", "snap_dist_m"] > before.forces.set_index("station_id").loc["S05", "snap_dist_m"]
    assert (f["status"] == "reachable").all()
    # the reference: the same network without the closed edges, points snapped to it
    sub = net.edge_subset(~closed)
    ss2, sn2 = snap(sub, site.gdf(), max_snap_m=500), snap(sub, stations, max_snap_m=500)
    ref = arrival_matrix(sub, sn2, ss2, offset_s=_turnout_access(stations, sn2, settings))[:, 0]
    ref = ref + ss2.dist_m[0] / (settings.routing.access_speed_kmh / 3.6)
    np.testing.assert_allclose(f.loc[stations["id"], "arrival_min"].to_numpy() * 60, ref, atol=1e-6)


@pytest.mark.parametrize("osm", ["osm_monaco", "osm_krems"])
def test_real_osm_one_way_streets_match_engine(osm, request):  # type: ignore[no-untyped-def]
    """Real extracts (one-way streets, parallel ways): every force's arrival equals the engine's."""
    import pyproj

    from yitu.routing.osm import from_osm
    from yitu.settings import default_settings

    settings = default_settings()
    path = request.getfixturevalue(osm)
    net0 = from_osm(path, profile=settings.profile("fire_engine"), crs=pyproj.CRS.from_epsg(32632 if "monaco" in osm else 32633))
    assert (net0.reverse < 0).any()
    rng = np.random.default_rng(11)
    e = rng.choice(net0.n_edges, 31, replace=False)
    pts = shapely.line_interpolate_point(net0.geometry[e], rng.random(31), normalized=True)
    pts = shapely.points(shapely.get_x(pts) + rng.normal(0, 20, 31), shapely.get_y(pts) + rng.normal(0, 20, 31))
    gdf = gpd.GeoDataFrame({"id": [f"S{i}" for i in range(30)], "name": [f"站{i}" for i in range(30)],
                            "station_type": "一级站", "turnout_min": np.nan}, geometry=pts[:30], crs=net0.crs).to_crs(4326)
    site = gpd.GeoDataFrame({"id": ["X"], "name": ["地点"]}, geometry=pts[30:], crs=net0.crs)
    r = D.drill(net0, gdf, site, settings=settings)
    sn, ss = snap(net0, gdf, max_snap_m=500), snap(net0, site, max_snap_m=500)
    ref = arrival_matrix(net0, sn, ss, offset_s=_turnout_access(gdf, sn, settings))[:, 0]
    ref = ref + ss.dist_m[0] / (settings.routing.access_speed_kmh / 3.6)
    got = r.forces.set_index("station_id").loc[gdf["id"], "arrival_min"].to_numpy() * 60
    reach = np.isfinite(ref)
    np.testing.assert_allclose(got[reach], ref[reach], atol=1e-6)
    assert np.isnan(got[~reach]).all()
    # route lengths: road part + access legs
    m = r.routes.to_crs(net0.crs)
    f = r.forces.set_index("station_id").loc[m["station_id"]]
    np.testing.assert_allclose(shapely.length(m.geometry.values),
                               f["distance_km"].to_numpy() * 1000 + f["snap_dist_m"].to_numpy() + r.site_snap_m,
                               rtol=1e-6, atol=0.5)
