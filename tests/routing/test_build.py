"""The project's network store: build, cache, rebuild on changed settings, other profiles, CLI."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely

from tests.routing.test_network import write_osm
from yitu.cli import main
from yitu.errors import CRSError, InputError, NetworkError, ProjectError
from yitu.layers.project import Project
from yitu.routing import build as build_mod
from yitu.routing.build import build_network, cache_file, load_network, network_source
from tests.climain import run as _cli
from yitu.words import use_lang


def _no_build(*a, **k):  # pragma: no cover - fails the test when called
    raise AssertionError("the network was rebuilt although the cache is valid")


def test_build_cache_hit_and_rebuild_on_calibration(demo_copy, demo_network, monkeypatch):
    p = demo_copy
    osm = p.path / "inputs" / "roads.osm"
    net = build_network(p, osm=osm)
    assert net.crs.equals(p.metric_crs())
    assert net.fingerprint() == demo_network.fingerprint()
    cache = cache_file(p)
    assert cache is not None and cache.exists() and cache.parent == p.cache_dir
    roads = p.read("roads")
    assert len(roads) == net.n_edges and roads.crs.to_epsg() == 4326
    rec = network_source(p)
    assert rec["path"] == "inputs/roads.osm" and rec["kind"] == "osm"

    # second build and load: from the cache, no rebuild
    monkeypatch.setattr(build_mod, "_build", _no_build)
    build_mod._MEMO.clear()
    again = build_network(p, osm=osm)
    assert again.fingerprint() == net.fingerprint()
    assert load_network(Project.open(p.path)).fingerprint() == net.fingerprint()
    monkeypatch.undo()

    # a calibration from drills in yitu.toml: the next load rebuilds, times scale
    toml = p.path / "yitu.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "\n[profiles.fire_engine]\ncalibration = 0.8\n", encoding="utf-8")
    p2 = Project.open(p.path)
    slow = load_network(p2)
    np.testing.assert_allclose(slow.time_s, net.time_s / 0.8)
    assert cache_file(p2) != cache and cache_file(p2).exists()
    assert not cache.exists()  # the stale cache was removed
    assert p2.read("roads")["time_s"].sum() == pytest.approx(np.round(net.time_s / 0.8, 3).sum(), rel=1e-6)


def test_other_profile_from_recorded_source(demo_copy):
    p = demo_copy
    build_network(p, osm=p.path / "inputs" / "roads.osm")
    walk = load_network(p, profile="walking")
    assert walk.profile == "walking" and (walk.reverse >= 0).all()
    assert "motorway" not in set(walk.road_class)
    assert set(network_source(p)["built"]) == {"fire_engine", "walking"}
    # the roads layer still shows the fire-engine network
    assert "motorway" in set(p.read("roads")["road_class"])


def test_build_from_road_lines(demo_copy, demo_network):
    p = demo_copy
    net = build_network(p, roads=p.path / "inputs" / "roads.gpkg")
    assert net.time_s.sum() == pytest.approx(demo_network.time_s.sum(), rel=1e-9)
    assert network_source(p)["kind"] == "roads"
    assert load_network(p).fingerprint() == net.fingerprint()


def test_project_without_network(demo_copy):
    with pytest.raises(ProjectError) as exc:
        load_network(demo_copy)
    assert str(exc.value) == (f"{demo_copy.path}：还没有路网；请先构建："
                              f"`yitu network build {demo_copy.path} --osm 文件`（或 --roads 文件）")
    with use_lang("en"), pytest.raises(ProjectError) as exc:
        load_network(demo_copy)
    assert str(exc.value) == (f"{demo_copy.path}: no road network yet; build it with "
                              f"`yitu network build {demo_copy.path} --osm FILE` (or --roads FILE)")


def test_source_file_gone_uses_cache_or_says_rebuild(demo_copy, tmp_path):
    p = demo_copy
    src = tmp_path / "roads.osm"
    src.write_bytes((p.path / "inputs" / "roads.osm").read_bytes())
    net = build_network(p, osm=src)
    src.unlink()
    assert load_network(p).fingerprint() == net.fingerprint()
    with pytest.raises(ProjectError, match="已不存在，且没有按当前设置为速度配置 步行 缓存的路网"):
        load_network(p, profile="walking")


def test_bad_sources(demo_copy, tmp_path):
    p = demo_copy
    with pytest.raises(InputError, match="请只给一个道路来源"):
        build_network(p)
    with pytest.raises(InputError, match="请只给一个道路来源"):
        build_network(p, osm=p.path / "inputs" / "roads.osm", roads=p.path / "inputs" / "roads.gpkg")
    with pytest.raises(InputError, match="未知速度配置 'truck'"):
        build_network(p, osm=p.path / "inputs" / "roads.osm", profile="truck")
    with pytest.raises(InputError, match="看起来是 OSM 文件；请用 --osm"):
        build_network(p, roads=p.path / "inputs" / "roads.osm")
    empty = tmp_path / "e.osm"
    empty.write_bytes(b"")
    with pytest.raises(NetworkError, match="文件是空的"):
        build_network(p, osm=empty)
    assert network_source(p) is None and not p.has("roads")  # nothing half-built


def test_road_layer_file_without_crs(demo_copy, data_dir):
    shp = data_dir / "routing" / "roads_no_crs.shp"
    with pytest.raises(CRSError) as exc:
        build_network(demo_copy, roads=shp)
    assert str(exc.value) == (f"{shp}：文件没有声明坐标系（缺少 .prj）；用 --crs wgs84 | cgcs2000 | gcj02 | bd09 | EPSG:xxxx 指定")
    with use_lang("en"), pytest.raises(CRSError) as exc:
        build_network(demo_copy, roads=shp)
    assert str(exc.value) == (f"{shp}: the file declares no coordinate system (no .prj); say which with --crs wgs84 | "
                              "cgcs2000 | gcj02 | bd09 | EPSG:xxxx")
    with pytest.raises(InputError, match="道路图层没有字段 'klasse'"):
        build_network(demo_copy, roads=shp, crs="wgs84", class_field="klasse")
    # with the CRS named, the Chinese classes are read (省道 -> primary, 县道 -> secondary)
    net = build_network(demo_copy, roads=shp, crs="wgs84")
    assert sorted(set(net.road_class)) == ["primary", "secondary"]


# ---------------------------------------------------------------------------------------- CLI
def test_cli_build_and_info(demo_copy, capsys):
    d = str(demo_copy.path)
    code, out, err = _cli(["network", "build", d, "--osm", str(demo_copy.path / "inputs" / "roads.osm")], capsys)
    assert code == 0, err
    assert "节点" in out and "245" in out and "单行路段" in out and "缓存" in out
    code, out, err = _cli(["network", "info", d], capsys)
    assert code == 0 and "roads.osm" in out and "fire_engine" in out


def test_cli_bad_input_one_line_exit_2(demo_copy, data_dir, tmp_path, capsys):
    d = str(demo_copy.path)
    code, out, err = _cli(["network", "build", d], capsys)
    assert code == 2
    assert "请只给一个道路来源：--osm 文件（OpenStreetMap）或 --roads 文件（道路线）" in err
    code, out, err = _cli(["--lang", "en", "network", "build", d], capsys)
    assert code == 2
    assert "give exactly one road source: --osm FILE (OpenStreetMap) or --roads FILE (road lines)" in err
    csv = data_dir / "routing" / "roads_csv_saved_as.osm"
    code, out, err = _cli(["network", "build", d, "--osm", str(csv)], capsys)
    assert code == 2 and "无法作为 OSM 数据读取" in err and "Traceback" not in err
    foot = write_osm(tmp_path / "foot.osm", {1: (0.0, 0.0), 2: (50.0, 0.0)}, [(1, [1, 2], {"highway": "footway"})])
    code, out, err = _cli(["network", "build", d, "--osm", str(foot)], capsys)
    assert code == 2 and "没有速度配置 消防车 可通行的道路" in err
    code, out, err = _cli(["network", "info", d], capsys)
    assert code == 2 and "还没有路网" in err


def test_cli_check_before_the_network_is_built_says_so_in_the_language_asked_for(demo_copy, capsys):
    """The first `yitu check` of a new project: one line, Chinese by default, English with --lang en."""
    d = str(demo_copy.path)
    code, out, err = _cli(["check", d], capsys)
    assert code == 2 and "Traceback" not in err
    assert f"{d}：还没有路网；请先构建：`yitu network build {d} --osm 文件`（或 --roads 文件）" in err
    assert "no road network yet" not in err
    code, out, err = _cli(["--lang", "en", "check", d], capsys)
    assert code == 2 and "Traceback" not in err
    assert f"{d}: no road network yet; build it with `yitu network build {d} --osm FILE` (or --roads FILE)" in err
    assert "还没有路网" not in err


def test_record_is_json(demo_copy):
    build_network(demo_copy, osm=demo_copy.path / "inputs" / "roads.osm")
    rec = json.loads((demo_copy.cache_dir / "network.json").read_text(encoding="utf-8"))
    assert rec["built"]["fire_engine"].startswith("network-fire_engine-")


def test_build_in_a_new_project_without_layers(demo_project, tmp_path):
    p = Project.init(tmp_path / "new")
    net = build_network(p, osm=demo_project.path / "inputs" / "roads.osm")
    assert net.crs.to_epsg() == 32650  # UTM of the roads' centre while the project has no extent
    assert p.has("roads")


def test_load_in_a_project_whose_extent_comes_from_its_layers(demo_project, tmp_path):
    p = Project.init(tmp_path / "new")
    net = build_network(p, osm=demo_project.path / "inputs" / "roads.osm")
    again = load_network(Project.open(p.path))  # now the roads layer gives the extent: same CRS
    assert again.crs.to_epsg() == 32650 and again.n_edges == net.n_edges


def test_corrupt_cache_is_rebuilt(demo_copy):
    p = demo_copy
    net = build_network(p, osm=p.path / "inputs" / "roads.osm")
    cache = cache_file(p)
    (cache / "time_s.npy").write_bytes(b"not an array")
    build_mod._MEMO.clear()
    again = load_network(Project.open(p.path))
    assert again.fingerprint() == net.fingerprint()
    assert load_network(p).fingerprint() == net.fingerprint()


def test_road_file_of_another_area_is_refused(demo_copy, osm_monaco):
    # Monaco's roads for the demo county: every station and enterprise would be "off the network"
    p = demo_copy
    with pytest.raises(NetworkError, match=r"道路范围（7\.39.*）与项目范围（119\.3"):
        build_network(p, osm=osm_monaco)
    # the project's own roads are still what load_network gives
    assert network_source(p) is None or network_source(p)["path"] != str(osm_monaco)


def test_cache_of_a_project_without_layers_is_the_one_load_uses(demo_project, tmp_path, monkeypatch):
    """The cache key held the project's CRS, undefined before the build and defined (from the stored
    roads) after it: `network build` named a cache path that never existed, and the first load
    rebuilt from OSM and deleted the build's cache."""
    p = Project.init(tmp_path / "new")
    net = build_network(p, osm=demo_project.path / "inputs" / "roads.osm")
    cache = cache_file(p)
    assert cache is not None and cache.exists()
    monkeypatch.setattr(build_mod, "_build", _no_build)
    build_mod._MEMO.clear()
    again = load_network(Project.open(p.path))
    assert again.fingerprint() == net.fingerprint() and cache.exists()
    assert cache_file(Project.open(p.path)) == cache
