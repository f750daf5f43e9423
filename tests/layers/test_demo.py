from __future__ import annotations

import hashlib

import geopandas as gpd
import numpy as np
import osmium
import pyogrio
import pytest
import shapely

from yitu.layers.demo import CANAL_X, PARK_ID, _river, build_demo_project, generate_demo, to_lonlat
from yitu.layers.schema import SHELTER_CLASSES, STATION_TYPES


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    d = tmp_path_factory.mktemp("demo") / "county"
    project, results = build_demo_project(d)
    return project, results


def test_deterministic(tmp_path):
    a = generate_demo(tmp_path / "a", seed=7)
    b = generate_demo(tmp_path / "b", seed=7)
    for name in ("roads.osm", "消防水源.csv", "救援力量_高德坐标.csv", "隐患清单.csv"):
        assert hashlib.sha256((a.folder / name).read_bytes()).digest() == hashlib.sha256((b.folder / name).read_bytes()).digest()
    c = generate_demo(tmp_path / "c", seed=8)
    assert (c.folder / "隐患清单.csv").read_bytes() != (a.folder / "隐患清单.csv").read_bytes()


def test_only_the_deliberate_rows_are_rejected(demo):
    _, results = demo
    assert {k: r.n_rejected for k, r in results.items() if r.n_rejected} == {"enterprises": 3}
    rej = results["enterprises"].rejected
    assert set(rej["reason"].str.split("；").str[0]) == {"缺少坐标", "未知的风险等级", "编号重复（首次出现在第 10 行）"}
    for r in results.values():
        assert len(r.gdf) + r.n_rejected == r.n_input


def test_contents(demo):
    project, _ = demo
    ent = project.read("enterprises")
    park = project.read("parks")
    assert len(ent[ent["park_id"] == PARK_ID]) >= 100
    assert len(ent[ent["park_id"].isna()]) >= 200
    inside = ent[ent.within(park.geometry.iloc[0])]
    assert set(inside["park_id"]) == {PARK_ID}
    # mostly blue/yellow, some orange, few red
    counts = ent["risk_grade"].value_counts()
    assert counts[4] + counts[3] > 0.7 * len(ent)
    assert 0 < counts[1] < counts[2] < counts[3]
    assert ent["risk_grade"].isna().sum() > 0  # some 未定级
    assert set(project.read("stations")["station_type"]) == set(STATION_TYPES)
    assert set(project.read("shelters")["shelter_class"]) == set(SHELTER_CLASSES)
    area_km2 = park.to_crs(32650).area.iloc[0] / 1e6
    assert 8 <= area_km2 <= 12
    zones = project.read("risk_zones")
    assert zones["enterprise_id"].nunique() == 15
    assert len(project.read("hazards")) > 0
    assert {"学校", "医院", "养老机构", "居住区", "村庄"} <= set(project.read("targets")["target_type"])
    # the geopackage lists every layer (what QGIS/ogrinfo see)
    listed = {name for name, _ in pyogrio.list_layers(project.gpkg)}
    assert {"enterprises", "stations", "shelters", "parks", "risk_zones", "targets", "water_sources", "depots", "hazards"} <= listed


class _Ways(osmium.SimpleHandler):
    def __init__(self) -> None:
        super().__init__()
        self.nodes: set[int] = set()
        self.ways: list[tuple[int, list[int], dict[str, str]]] = []

    def node(self, n):
        self.nodes.add(n.id)

    def way(self, w):
        self.ways.append((w.id, [r.ref for r in w.nodes], {t.k: t.v for t in w.tags}))


def test_osm_parses_and_matches_road_layer(demo):
    project, _ = demo
    h = _Ways()
    h.apply_file(str(project.path / "inputs" / "roads.osm"))
    assert h.ways and all(set(refs) <= h.nodes for _, refs, _ in h.ways)
    # the river and the canal are water ways for the maps' base geography, not roads
    assert sorted(t.get("waterway", "") for _, _, t in h.ways if "highway" not in t) == ["canal", "river"]
    h.ways = [w for w in h.ways if "highway" in w[2]]
    classes = {t["highway"] for _, _, t in h.ways}
    assert {"motorway", "motorway_link", "trunk", "primary", "secondary", "tertiary", "unclassified", "residential",
            "service"} <= classes
    assert any(t.get("oneway") == "yes" for _, _, t in h.ways)
    roads = gpd.read_file(project.path / "inputs" / "roads.gpkg")
    assert len(roads) == len(h.ways)
    assert set(roads["osm_id"]) == {w for w, _, _ in h.ways}


def test_river_is_crossed_only_by_bridges(demo):
    project, _ = demo
    roads = gpd.read_file(project.path / "inputs" / "roads.gpkg").to_crs(32650)
    x = np.linspace(-13000, 13000, 2000)
    lon, lat = to_lonlat(x, _river(x))
    river = gpd.GeoSeries([shapely.LineString(np.column_stack([lon, lat]))], crs=4326).to_crs(32650).iloc[0]
    crossing = roads[roads.intersects(river)]
    assert len(crossing) == 3
    assert set(crossing["bridge"]) == {"yes"}
    assert set(crossing["name"]) == {"岚江大桥", "东岚大桥", "西渡桥"}


def test_park_canal_crossed_once(demo):
    project, _ = demo
    roads = gpd.read_file(project.path / "inputs" / "roads.gpkg").to_crs(32650)
    lon, lat = to_lonlat([CANAL_X, CANAL_X], [-6050, -3050])
    canal = gpd.GeoSeries([shapely.LineString(np.column_stack([lon, lat]))], crs=4326).to_crs(32650).iloc[0]
    assert len(roads[roads.intersects(canal)]) == 0
    lon, lat = to_lonlat([CANAL_X, CANAL_X], [-3050, -2950])
    north = gpd.GeoSeries([shapely.LineString(np.column_stack([lon, lat]))], crs=4326).to_crs(32650).iloc[0]
    assert set(roads[roads.intersects(north)]["name"]) == {"纬一路"}  # the one crossing, on the north row
