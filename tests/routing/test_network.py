"""Building a RoadNetwork: OSM and road-line input, one-way streets, clipped extracts, bad files."""

from __future__ import annotations

import logging

import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely

from yitu.errors import InputError, NetworkError
from yitu.gis.io import read_vector
from yitu.routing.engine import node_times
from yitu.routing.network import RoadNetwork, describe
from yitu.routing.osm import from_osm, location_key
from yitu.routing.roads import from_roads
from yitu.routing.snap import Snapped, snap
from yitu.settings import default_settings
from yitu.words import use_lang

FIRE = default_settings().profile("fire_engine")
LON0, LAT0 = 119.40, 32.30
DEG_M = 1.0 / 111_320.0  # ~1 m in latitude degrees


_WRITTEN: dict[int, tuple[float, float]] = {}  # OSM node id -> (lon, lat) as last written


def _key(osm_node: int) -> int:
    """The network's node_id of an OSM node written by :func:`write_osm` (its location key)."""
    lon, lat = _WRITTEN[osm_node]
    return int(location_key(np.array([lon]), np.array([lat]))[0])


def write_osm(path: Path, nodes: dict[int, tuple[float, float]], ways: list[tuple[int, list[int], dict[str, str]]],
              node_tags: dict[int, dict[str, str]] | None = None) -> Path:
    """A small OSM XML file. ``nodes``: id -> (x_m, y_m) east/north of (LON0, LAT0)."""
    node_tags = node_tags or {}
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="yitu-tests">']
    for nid, (xm, ym) in nodes.items():
        lat = LAT0 + ym * DEG_M
        lon = LON0 + xm * DEG_M / np.cos(np.radians(LAT0))
        _WRITTEN[nid] = (float(f"{lon:.7f}"), float(f"{lat:.7f}"))
        tags = node_tags.get(nid, {})
        if tags:
            lines.append(f'  <node id="{nid}" version="1" lat="{lat:.7f}" lon="{lon:.7f}">')
            lines += [f'    <tag k="{k}" v="{v}"/>' for k, v in tags.items()]
            lines.append("  </node>")
        else:
            lines.append(f'  <node id="{nid}" version="1" lat="{lat:.7f}" lon="{lon:.7f}"/>')
    for wid, refs, tags in ways:
        lines.append(f'  <way id="{wid}" version="1">')
        lines += [f'    <nd ref="{r}"/>' for r in refs]
        lines += [f'    <tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        lines.append("  </way>")
    lines.append("</osm>")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _at(net: RoadNetwork, osm_node: int) -> int:
    return int(np.flatnonzero(net.node_id == _key(osm_node))[0])


def _from_node(net: RoadNetwork, node: int) -> Snapped:
    e = int(np.flatnonzero(net.u == node)[0])
    z = np.zeros(1)
    return Snapped(np.array([e]), z, z, np.ones(1, dtype=bool), net.x[[node]], net.y[[node]])


SQUARE = {1: (0.0, 0.0), 2: (200.0, 0.0), 3: (200.0, 200.0), 4: (0.0, 200.0)}


def test_one_way_loop_against_the_loop_goes_the_long_way(tmp_path):
    # a one-way loop 1 -> 2 -> 3 -> 4 -> 1; the last side is drawn 1 -> 4 and tagged oneway=-1
    ways = [
        (10, [1, 2], {"highway": "residential", "oneway": "yes"}),
        (11, [2, 3], {"highway": "residential", "oneway": "true"}),
        (12, [3, 4], {"highway": "residential", "oneway": "1"}),
        (13, [1, 4], {"highway": "residential", "oneway": "-1"}),
    ]
    net = from_osm(write_osm(tmp_path / "loop.osm", SQUARE, ways), profile=FIRE)
    assert net.n_nodes == 4 and net.n_edges == 4
    assert (net.reverse == -1).all()
    n1, n2 = _at(net, 1), _at(net, 2)
    t_from_1, _ = node_times(net, _from_node(net, n1))
    t_from_2, _ = node_times(net, _from_node(net, n2))
    side = 200.0 / (25.0 / 3.6)  # residential 25 km/h
    # (UTM scale: lengths within 0.5 % of the nominal 200 m)
    assert t_from_1[n2] == pytest.approx(side, rel=5e-3)  # with the loop: one side
    assert t_from_2[n1] == pytest.approx(3 * side, rel=5e-3)  # against it: the three other sides
    # walking ignores one-way streets
    walk = from_osm(tmp_path / "loop.osm", profile=default_settings().profile("walking"))
    assert (walk.reverse >= 0).all()
    w2, _ = node_times(walk, _from_node(walk, _at(walk, 2)))
    assert w2[_at(walk, 1)] == pytest.approx(200.0 / (4.0 / 3.6), rel=5e-3)


def test_roundabout_is_one_way_and_reversible_is_two_way(tmp_path):
    nodes = {**SQUARE, 5: (400.0, 0.0), 6: (400.0, 200.0)}
    ways = [
        (10, [1, 2, 3, 4, 1], {"highway": "tertiary", "junction": "roundabout"}),
        (11, [2, 5, 6, 3], {"highway": "tertiary", "oneway": "reversible"}),
    ]
    net = from_osm(write_osm(tmp_path / "r.osm", nodes, ways), profile=FIRE)
    ring = net.way_id == 10  # split at the junctions 2 and 3 and at its closing node 1
    assert ring.sum() == 3 and (net.reverse[ring] == -1).all()
    assert (net.reverse[net.way_id == 11] >= 0).all()


def test_closed_way_with_one_junction_is_kept(tmp_path):
    """A loop road touching the rest at one node only must not vanish as a self-loop."""
    nodes = {**SQUARE, 5: (-300.0, 0.0)}
    ways = [(10, [1, 2, 3, 4, 1], {"highway": "residential"}), (11, [5, 1], {"highway": "residential"})]
    net = from_osm(write_osm(tmp_path / "l.osm", nodes, ways), profile=FIRE)
    assert (net.way_id == 10).sum() == 4  # split in two pieces, both directions
    assert net.length_m[net.way_id == 10].sum() == pytest.approx(2 * 800.0, rel=0.01)
    assert net.dropped.get("self_loops", 0) == 0


def test_clipped_extract_way_is_cut_not_failed(tmp_path):
    # way 10 references node 99, which is not in the file (clipped at the extract's edge)
    nodes = {1: (0.0, 0.0), 2: (100.0, 0.0), 3: (200.0, 0.0), 4: (400.0, 0.0), 5: (500.0, 0.0), 6: (250.0, -300.0)}
    ways = [
        (10, [1, 2, 3, 99, 4, 5], {"highway": "secondary"}),
        (11, [5, 6, 1], {"highway": "secondary"}),
    ]
    net = from_osm(write_osm(tmp_path / "clip.osm", nodes, ways), profile=FIRE)
    assert net.dropped["ways_cut_at_missing_nodes"] == 1
    assert {_key(i) for i in (1, 3, 4, 5)} <= set(net.node_id.tolist())
    # no edge bridges the gap between 3 and 4
    a, b = _at(net, 3), _at(net, 4)
    assert not ((net.u == a) & (net.v == b)).any() and not ((net.u == b) & (net.v == a)).any()
    # the pieces on both sides are kept
    assert net.length_m[net.way_id == 10].sum() == pytest.approx(2 * (200.0 + 100.0), rel=0.01)


def test_largest_component_kept_rest_reported(tmp_path):
    nodes = {**SQUARE, 7: (5000.0, 0.0), 8: (5100.0, 0.0)}
    ways = [(10, [1, 2, 3, 4, 1, 3], {"highway": "residential"}), (20, [7, 8], {"highway": "residential"})]
    net = from_osm(write_osm(tmp_path / "c.osm", nodes, ways), profile=FIRE)
    assert _key(7) not in net.node_id and _key(8) not in net.node_id
    assert net.dropped["small_component_nodes"] == 2 and net.dropped["components_removed"] == 1
    full = from_osm(tmp_path / "c.osm", profile=FIRE, largest_component=False)
    assert _key(7) in full.node_id


def test_access_rules_and_emergency(tmp_path):
    nodes = {1: (0.0, 0.0), 2: (100.0, 0.0), 3: (200.0, 0.0), 4: (300.0, 0.0)}
    ways = [
        (10, [1, 2], {"highway": "service", "access": "private"}),
        (11, [2, 3], {"highway": "service", "access": "no", "emergency": "yes"}),
        (12, [3, 4], {"highway": "footway"}),
    ]
    net = from_osm(write_osm(tmp_path / "a.osm", nodes, ways), profile=FIRE, largest_component=False)
    assert sorted(set(net.way_id.tolist())) == [11]


def test_real_extracts_build(osm_monaco, osm_krems):
    for path, utm in ((osm_monaco, 32632), (osm_krems, 32633)):
        net = from_osm(path, profile=FIRE)
        assert net.crs.to_epsg() == utm
        assert net.n_nodes > 300 and (net.length_m > 0).all() and np.isfinite(net.time_s).all()
        # twins are mutual and share the geometry reversed
        tw = np.flatnonzero(net.reverse >= 0)
        assert (net.reverse[net.reverse[tw]] == tw).all()
        assert shapely.equals_exact(shapely.reverse(net.geometry[tw]), net.geometry[net.reverse[tw]], 1e-6).all()
        # edges start and end at their nodes
        start = shapely.get_point(net.geometry, 0)
        assert np.allclose(shapely.get_x(start), net.x[net.u]) and np.allclose(shapely.get_y(start), net.y[net.u])
        d = describe(net)
        assert d["nodes"] == net.n_nodes and d["km"] > 10


def test_save_load_roundtrip(demo_network, tmp_path):
    p = demo_network.save(tmp_path / "n.npz")
    back = RoadNetwork.load(p)
    assert back.fingerprint() == demo_network.fingerprint()
    assert back.crs.equals(demo_network.crs)
    assert shapely.equals_exact(back.geometry, demo_network.geometry, 1e-9).all()
    assert list(back.name) == list(demo_network.name) and back.dropped == demo_network.dropped


# --------------------------------------------------------------------------------- road lines
def test_from_roads_matches_from_osm_on_demo(demo_project, demo_network):
    gdf = read_vector(demo_project.path / "inputs" / "roads.gpkg")
    net = from_roads(gdf, profile=demo_project.settings.profile("fire_engine"), crs=demo_project.metric_crs())
    assert net.n_nodes == demo_network.n_nodes and net.n_edges == demo_network.n_edges
    # the OSM file has signals (no delay by default): total times equal
    assert net.time_s.sum() == pytest.approx(demo_network.time_s.sum(), rel=1e-9)
    assert np.allclose(np.sort(net.time_s), np.sort(demo_network.time_s))
    assert (net.reverse < 0).sum() == (demo_network.reverse < 0).sum()


def test_from_roads_chinese_classes_and_fields():
    lines = [
        shapely.LineString([(0, 0), (1000, 0)]), shapely.LineString([(1000, 0), (1000, 1000)]),
        shapely.LineString([(1000, 1000), (0, 0)]),
    ]
    gdf = gpd.GeoDataFrame({"等级": ["国道", "省道", "县道"], "单行": ["否", "双向", None], "名称": ["G1", "S2", "X3"]},
                           geometry=lines, crs=32650)
    net = from_roads(gdf, profile=FIRE, class_field="等级", oneway_field="单行", name_field="名称", speed_field=None)
    sp = {c: float(net.speed_kmh[net.road_class == c][0]) for c in set(net.road_class)}
    assert sp == {"trunk": 60.0, "primary": 50.0, "secondary": 40.0}
    assert set(net.name) == {"G1", "S2", "X3"}
    with pytest.raises(InputError, match="没有等级字段 'grade'"):
        from_roads(gdf, profile=FIRE, class_field="grade")


def test_from_roads_names_the_classes_it_leaves_out(caplog):
    lines = [shapely.LineString([(0, 0), (1000, 0)]), shapely.LineString([(1000, 0), (1000, 1000)]),
             shapely.LineString([(1000, 1000), (0, 0)]), shapely.LineString([(0, 0), (0, -500)])]
    gdf = gpd.GeoDataFrame({"等级": ["国道", "小路", "小路", "footway"]}, geometry=lines, crs=32650)
    with caplog.at_level(logging.WARNING, logger="yitu.routing.roads"):
        net = from_roads(gdf, profile=FIRE, class_field="等级", speed_field=None, largest_component=False)
    assert net.dropped["lines_not_for_profile"] == 3
    msg = " ".join(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    # the unknown local class is named with its count; footway (speed 0 by design) is not an unknown class
    assert "小路 (2)" in msg and "footway" not in msg and "speeds_kmh" in msg


def test_road_layer_without_crs():
    gdf = gpd.GeoDataFrame({"road_class": ["primary"]}, geometry=[shapely.LineString([(0, 0), (1, 1)])])
    with pytest.raises(InputError) as exc:
        from_roads(gdf, profile=FIRE)
    assert str(exc.value) == "roads：道路图层没有坐标系；请说明（例如 --crs wgs84）"
    with use_lang("en"), pytest.raises(InputError) as exc:
        from_roads(gdf, profile=FIRE)
    assert str(exc.value) == "roads: the road layer has no CRS; declare one (e.g. --crs wgs84)"


# ---------------------------------------------------------------------------------- bad files
def test_csv_saved_as_osm(tmp_path):
    p = tmp_path / "roads.osm"
    p.write_text("名称,经度,纬度\n主路,119.4,32.3\n", encoding="utf-8")
    with pytest.raises(NetworkError) as exc:
        from_osm(p, profile=FIRE)
    assert str(exc.value).startswith(f"{p}：无法作为 OSM 数据读取（")


def test_xml_that_is_not_osm(tmp_path):
    p = tmp_path / "roads.osm"
    p.write_text('<?xml version="1.0"?>\n<kml><Placemark/></kml>\n', encoding="utf-8")
    with pytest.raises(NetworkError, match="无法作为 OSM 数据读取"):
        from_osm(p, profile=FIRE)


def test_txt_is_not_osm(tmp_path):
    p = tmp_path / "roads.txt"
    p.write_text("hello\n", encoding="utf-8")
    with pytest.raises(NetworkError) as exc:
        from_osm(p, profile=FIRE)
    assert str(exc.value) == f"{p}：不是 OSM 文件（.osm、.osm.gz、.osm.pbf）；道路线图层请用 --roads"
    with use_lang("en"), pytest.raises(NetworkError) as exc:
        from_osm(p, profile=FIRE)
    assert str(exc.value) == f"{p}: not an OSM file (.osm, .osm.gz, .osm.pbf); for a road-line layer use --roads"


def test_empty_and_missing_file(tmp_path):
    p = tmp_path / "empty.osm"
    p.write_bytes(b"")
    with pytest.raises(NetworkError) as exc:
        from_osm(p, profile=FIRE)
    assert str(exc.value) == f"{p}：文件是空的"
    with pytest.raises(NetworkError, match="文件不存在"):
        from_osm(tmp_path / "nope.osm", profile=FIRE)


def test_only_footways_no_drivable_road(tmp_path):
    nodes = {1: (0.0, 0.0), 2: (100.0, 0.0), 3: (200.0, 0.0)}
    ways = [(10, [1, 2], {"highway": "footway"}), (11, [2, 3], {"highway": "path"})]
    p = write_osm(tmp_path / "foot.osm", nodes, ways)
    with pytest.raises(NetworkError) as exc:
        from_osm(p, profile=FIRE)
    assert str(exc.value).startswith(f"{p}：没有速度配置 消防车 可通行的道路（道路等级：")
    with use_lang("en"), pytest.raises(NetworkError) as exc:
        from_osm(p, profile=FIRE)
    assert str(exc.value).startswith(f"{p}: no road usable by profile fire engine (highway classes: ")
    # the same file is fine for walking
    assert from_osm(p, profile=default_settings().profile("walking")).n_edges == 4


# ------------------------------------------------------------------------------ synthetic (benchmarks)
def test_synthetic_network_tiny():
    root = str(Path(__file__).resolve().parents[2])
    if root not in sys.path:
        sys.path.insert(0, root)
    from benchmarks.synthetic import random_points, synthetic_network

    net = synthetic_network(2500, seed=3)
    assert 2300 < net.n_nodes <= 2500
    assert set(net.road_class) >= {"residential", "tertiary", "primary", "trunk", "motorway"}
    assert (net.reverse < 0).sum() > 0  # some one-way streets
    assert net.crs.to_epsg() == 32650
    again = synthetic_network(2500, seed=3)
    assert again.fingerprint() == net.fingerprint()
    pts = random_points(net, 200, seed=1)
    assert len(pts) == 200 and pts.crs.equals(net.crs)
    sn = snap(net, pts, max_snap_m=500)
    assert sn.ok.all() and np.nanmax(sn.dist_m) < 300
    t, _ = node_times(net, _from_node(net, 0))
    assert np.isfinite(t).all()  # strongly connected


def test_pbf_gives_the_same_network(osm_monaco, tmp_path):
    import osmium

    pbf = tmp_path / "monaco.osm.pbf"
    with osmium.SimpleWriter(str(pbf)) as w:
        for obj in osmium.FileProcessor(str(osm_monaco)):
            if obj.is_node():
                w.add_node(obj)
            elif obj.is_way():
                w.add_way(obj)
    a = from_osm(osm_monaco, profile=FIRE)
    b = from_osm(pbf, profile=FIRE, crs=a.crs)
    assert b.fingerprint() == a.fingerprint()


def test_signal_inside_a_road_piece_is_charged(tmp_path):
    """A traffic signal on a node that no other way uses still delays the road through it
    (the issue: 14 of 398 Moscow targets arrived 15.1 s too early)."""
    import dataclasses

    prof = dataclasses.replace(FIRE, signal_delay_s=15.0)
    nodes = {1: (0.0, 0.0), 2: (300.0, 0.0), 3: (600.0, 0.0)}
    ways = [(10, [1, 2, 3], {"highway": "residential"})]
    p = write_osm(tmp_path / "sig.osm", nodes, ways, node_tags={2: {"highway": "traffic_signals"}})
    net = from_osm(p, profile=prof)
    plain = from_osm(p, profile=FIRE)
    assert net.signal.sum() == 1 and net.signal[_at(net, 2)]
    t, _ = node_times(net, _from_node(net, _at(net, 1)))
    t0, _ = node_times(plain, _from_node(plain, _at(plain, 1)))
    assert t[_at(net, 3)] - t0[_at(plain, 3)] == pytest.approx(15.0, abs=1e-6)


def test_save_load_memory_mapped_folder(demo_network, tmp_path):
    p = demo_network.save(tmp_path / "net")
    assert p.is_dir() and (p / "time_s.npy").exists()
    back = RoadNetwork.load(p)
    assert isinstance(back.time_s, np.memmap) and not back.time_s.flags.writeable  # mapped, no copy
    assert back.fingerprint() == demo_network.fingerprint() and back.crs.equals(demo_network.crs)
    assert shapely.equals_exact(back.geometry, demo_network.geometry, 1e-9).all()
    assert list(back.name) == list(demo_network.name) and list(back.road_class) == list(demo_network.road_class)
    assert back.dropped == demo_network.dropped and back.profile == demo_network.profile
    # it routes like the original
    sn = snap(back, shapely.get_point(demo_network.geometry[:3], 0))
    t1, _ = node_times(back, sn)
    t0, _ = node_times(demo_network, snap(demo_network, shapely.get_point(demo_network.geometry[:3], 0)))
    np.testing.assert_allclose(t1, t0)
    # saving again over it replaces it
    demo_network.save(p)
    assert RoadNetwork.load(p).n_edges == demo_network.n_edges
