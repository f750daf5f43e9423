"""Base geography, sources and dates, the empty enterprise map, bold fonts, big layers, the overlay contract."""

from __future__ import annotations

import json
import logging
import warnings

import geopandas as gpd
import matplotlib.pyplot as plt
import pytest
import shapely

from yitu.maps import static
from yitu.maps.basemap import read_geography, road_class_text
from yitu.maps.html import MapLayer, layer_features, risk_map
from yitu.maps.sources import date_text, project_data_date, source_line


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]


def test_demo_osm_has_the_river_bridges_and_places(demo_project):
    geo = read_geography(demo_project.path / "inputs" / "roads.osm")
    assert sorted(geo.waterways["kind"]) == ["canal", "river"] and "岚江" in set(geo.waterways["name"])
    assert sorted(geo.bridges["name"]) == sorted(["岚江大桥", "东岚大桥", "西渡桥"])  # the three crossings
    assert {"青岚镇", "西渡村", "东岚村"} <= set(geo.places["name"])
    # the river lies between the bridge ends: each bridge crosses it
    river = geo.waterways.loc[geo.waterways["kind"] == "river"].geometry.iloc[0]
    assert all(shapely.intersects(b, river) for b in geo.bridges.geometry)


@pytest.fixture()
def osm_project(demo_copy):
    from yitu.routing.build import build_network

    build_network(demo_copy, osm=demo_copy.path / "inputs" / "roads.osm")
    return demo_copy


def test_base_geography_in_the_html_map_and_the_images(osm_project):
    m = risk_map(osm_project, qgis_styles=False)
    assert {"base_water", "base_bridges", "base_places"} <= set(m.yitu_layers)
    places = {f["title"] for f in layer_features(m, "base_places")}
    assert "青岚镇" in places
    assert "水系" in m.get_root().render()  # in the legend
    fig = static.render(osm_project, what="risk")
    texts = _texts(fig)
    assert "岚江" in texts and "青岚镇" in texts and "水系" in texts and "桥梁" in texts
    plt.close(fig)


def test_osm_credit_only_for_an_osm_network(osm_project, demo_copy, tmp_path):
    assert "OpenStreetMap" in source_line(osm_project)
    # an office's own road file: named, never credited to OpenStreetMap
    from yitu.layers.project import Project
    from yitu.routing.build import build_network

    own = Project.open(demo_copy.path)
    build_network(own, roads=own.path / "inputs" / "roads.gpkg")
    line = source_line(own)
    assert "OpenStreetMap" not in line and "roads.gpkg" in line
    fig = static.render(own, what="risk")
    assert not any("OpenStreetMap" in t for t in _texts(fig))
    plt.close(fig)


@pytest.mark.slow
def test_data_date_is_one_date_and_unknown_without_dates(demo_copy):
    when = project_data_date(demo_copy)
    assert when is not None
    dates = set()
    for what, kw in (("risk", {}), ("enterprise", {"enterprise_id": "E0300"})):
        fig = static.render(demo_copy, what=what, **kw)
        dates |= {t for t in _texts(fig) if t.startswith("数据日期")}
        plt.close(fig)
    assert len({d.split("　")[0] for d in dates}) == 1 and when.isoformat() in dates.pop()
    for name in demo_copy.layers():
        layer = demo_copy.read(name)
        if "updated_at" in layer.columns:
            demo_copy.write(name, layer.drop(columns="updated_at"))
    assert project_data_date(demo_copy) is None and date_text(None) == "未知"
    fig = static.render(demo_copy, what="risk")
    assert any(t.startswith("数据日期：未知") for t in _texts(fig))
    plt.close(fig)


def test_enterprise_without_zones_shows_its_surroundings_and_says_so(demo_project, caplog):
    zones = demo_project.read("risk_zones")
    assert "E0300" not in set(zones["enterprise_id"].astype(str))
    with caplog.at_level(logging.WARNING):
        fig = static.render(demo_project, enterprise_id="E0300")
    texts = _texts(fig)
    assert "该企业无风险分区数据，图中为其周边情况" in texts
    assert "无风险分区" in caplog.text
    ax = fig.axes[0]
    n_points = sum(len(c.get_offsets()) for c in ax.collections if hasattr(c, "get_offsets"))
    assert n_points > 5  # neighbouring plants, not a lone star
    plt.close(fig)


def test_titles_are_bold_without_findfont_warnings(demo_project, caplog):
    with caplog.at_level(logging.WARNING, logger="matplotlib.font_manager"), warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = static.render(demo_project, what="risk")
        fig.canvas.draw()
    assert "findfont" not in caplog.text
    title = next(t for t in fig.findobj(lambda a: hasattr(a, "get_text")) if "安全风险四色分布图" in t.get_text())
    assert title.get_fontweight() in ("bold", 700)
    plt.close(fig)


def test_road_classes_in_chinese():
    assert road_class_text("motorway") == "高速公路" and road_class_text("primary", lang="en") == "primary road"
    assert road_class_text("weird_class") == "weird_class"


def test_big_layers_on_canvas_and_the_overlay_contract(demo_copy, monkeypatch, tmp_path):
    import yitu.maps.html_page as page
    import yitu.maps.overlays as overlays

    monkeypatch.setattr(page, "CANVAS_FROM", 50)
    pt = gpd.GeoDataFrame({"_popup": ["<b>甲</b>"], "_tooltip": ["乙"], "_style": [{"radius": 5.0}]},
                          geometry=[shapely.Point(119.45, 32.33)], crs=4326)
    monkeypatch.setattr(overlays, "overlay_layers", lambda project, lang: [MapLayer("siting", pt, legend=[("选址", "#6A1B9A", "dot")])])
    m = risk_map(demo_copy, qgis_styles=False)
    doc = json.loads(m.yitu_json)
    assert doc["canvasFrom"] == 50
    ov = next(ly for ly in doc["layers"] if ly["key"] == "siting")
    assert ov["popupHtml"]["v"] == ["<b>甲</b>"] and ov["popup"]
    ent = next(ly for ly in doc["layers"] if ly["key"] == "enterprises")
    assert len(ent["xy"]) == 2 * ent["n"] and "d" in ent["fields"][1]  # flat coordinates, grades dictionary-encoded


def test_nan_coordinates_are_not_drawn_and_do_not_break_the_page(demo_copy):
    ent = demo_copy.read("enterprises")
    ent.loc[ent.index[0], "geometry"] = shapely.Point(float("nan"), float("nan"))
    demo_copy.write("enterprises", ent)
    m = risk_map(demo_copy, qgis_styles=False)
    assert m.yitu_counts["enterprises"] == len(ent) - 1
