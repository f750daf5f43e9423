"""yitu shelters on the demo: the short village, the shelter near the park, counts that add up, the CLI."""

from __future__ import annotations

import pandas as pd
import pytest

from yitu.errors import InputError


@pytest.fixture(scope="module")
def shelter_project(demo_project, tmp_path_factory):  # type: ignore[no-untyped-def]
    """A private copy of the demo with its network built (the shared demo project stays read-only)."""
    import shutil

    from yitu.layers.project import Project
    from yitu.routing.build import build_network

    dst = tmp_path_factory.mktemp("shelters") / "qinglan"
    shutil.copytree(demo_project.path, dst)
    project = Project.open(dst)
    build_network(project, osm=project.path / "inputs" / "roads.osm")
    return project


@pytest.fixture(scope="module")
def demo_result(shelter_project):
    from yitu.routing.shelters_run import run_shelters

    return run_shelters(shelter_project)


def test_demo_short_village_and_near_park_shelter(demo_result):
    r = demo_result
    short = r.villages[r.villages["unplaced"] > 0]
    assert "北山村" in set(short["village"])
    assert set(r.flagged["name"]) == {"园区南门广场"}
    assert "park" in r.flagged["flags"].iloc[0]
    # the flagged shelter takes nobody
    assert int(r.shelters.loc[r.shelters["name"] == "园区南门广场", "load"].iloc[0]) == 0
    assert any("人行道" in n for n in r.notes)  # the demo OSM has no footways: said so


def test_counts_add_up_and_capacities_hold(demo_result):
    r = demo_result
    b = r.blocks
    assert (b["people"] == b["placed"] + b["unplaced"]).all()
    assert int(r.pairs["people"].sum()) == int(b["placed"].sum())
    assert int(r.villages["people"].sum()) == int(b["people"].sum())
    assert int(r.villages["unplaced"].sum()) == int(b["unplaced"].sum())
    assert (r.shelters["load"] <= r.shelters["capacity"]).all()
    # the block with an empty population is listed as unknown, not placed as 0 people
    assert "城北新苑（人口待核）" in set(r.unknown["name"])
    assert "城北新苑（人口待核）" not in set(b["name"])
    # routes are traced on the network
    assert r.route_kind == "network" and r.pairs.geometry.notna().all()


def test_capacity_rules():
    from yitu.routing.shelters import shelter_capacity
    from yitu.settings import default_settings

    s = default_settings()
    df = pd.DataFrame({"id": ["a", "b", "c"], "shelter_class": ["紧急", "固定", "中心"],
                       "capacity": [100, None, None], "effective_area_m2": [5000.0, 3000.0, None]})
    c = shelter_capacity(df, s)
    assert c["capacity"].tolist() == [100, 1500, 0]
    assert c["capacity_source"].tolist() == ["given", "area", "none"]
    assert c["radius_m"].tolist() == [500.0, 2500.0, 5000.0]
    bad = df.assign(shelter_class=["紧急", "超级", "中心"])
    with pytest.raises(InputError, match="不在设置中；可用："):
        shelter_capacity(bad, s)


@pytest.mark.slow
def test_cli_exit_3_and_xlsx(demo_copy):
    from typer.testing import CliRunner

    from yitu.cli import app
    from yitu.routing.build import build_network

    build_network(demo_copy, osm=demo_copy.path / "inputs" / "roads.osm")
    res = CliRunner().invoke(app, ["shelters", str(demo_copy.path)])
    assert res.exit_code == 3, res.output
    assert "北山村" in res.output and "园区南门广场" in res.output
    xlsx = demo_copy.path / "output" / "shelters" / "shelters.xlsx"
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert {"居民区安置", "避难场所负荷", "按村汇总", "容量缺口"} <= set(sheets)
    assert "未安置" in sheets["居民区安置"].columns
    assert demo_copy.has("result_shelter_assignment") and demo_copy.has("result_shelter_load")
    # the 避险地图: legend lists every symbol drawn, no missing glyph
    res2 = CliRunner().invoke(app, ["evacuation-map", str(demo_copy.path), "北山村", "--format", "pdf"])
    assert res2.exit_code == 0, res2.output
    assert (demo_copy.path / "output" / "evacuation" / "避险地图_北山村.pdf").stat().st_size > 10_000
    bad = CliRunner().invoke(app, ["evacuation-map", str(demo_copy.path), "无此村"])
    assert bad.exit_code != 0


def test_walking_network_with_footways(osm_monaco, demo_project):
    from yitu.routing.osm import from_osm
    from yitu.routing.shelters import has_footways
    from yitu.settings import default_settings

    s = default_settings()
    walk = from_osm(osm_monaco, profile=s.profile("walking"))
    assert has_footways(walk)
    assert not (walk.road_class.astype(str) == "motorway").any()
    drive = from_osm(demo_project.path / "inputs" / "roads.osm", profile=s.profile("walking"))
    assert not has_footways(drive)


def test_population_not_a_number_is_listed_as_unknown(tmp_path):
    import geopandas as gpd
    import shapely

    from yitu.layers.load import import_layer
    from yitu.layers.project import Project
    from yitu.routing.shelters import residents

    p = Project.init(tmp_path / "p")
    src = tmp_path / "ra.csv"
    pd.DataFrame({"小区": ["甲", "乙", "丙"], "常住人口": ["1200", "", "很多"], "行政村": ["A村", "A村", "B村"],
                  "经度": [119.4, 119.41, 119.42], "纬度": [32.3, 32.3, 32.3]}).to_csv(src, index=False)
    import_layer(p, "residential_areas", src)
    people, unknown = residents(p, p.settings)
    assert people["population"].notna().sum() == 1
    assert len(unknown) == 2  # the empty one and the rejected "很多", neither counted as 0
    assert any("很多" in str(r) for r in unknown["reason"])


@pytest.mark.slow
def test_overlay_layers_on_the_html_map(demo_copy):
    from yitu.maps.overlays.shelters import ROUTE_COLOURS, layers
    from yitu.maps.style import GRADE_COLOURS
    from yitu.routing.build import build_network
    from yitu.routing.shelters_run import run_shelters, store_results

    assert layers(demo_copy, lang="zh") == []
    build_network(demo_copy, osm=demo_copy.path / "inputs" / "roads.osm")
    store_results(demo_copy, run_shelters(demo_copy))
    keys = {ly.key for ly in layers(demo_copy, lang="zh")}
    assert {"shelter_routes", "shelter_unplaced", "shelter_flagged"} <= keys
    assert not set(ROUTE_COLOURS) & set(GRADE_COLOURS.values())
    from yitu.maps.html import risk_map

    m = risk_map(demo_copy, tiles="none", lang="zh")
    assert m.yitu_counts["shelter_routes"] > 0  # type: ignore[attr-defined]


def test_cli_bad_input_exit_2(tmp_path):
    import geopandas as gpd
    import shapely

    from yitu.cli import main
    from yitu.layers.project import Project

    p = Project.init(tmp_path / "p")
    with pytest.raises(SystemExit) as e:
        main(["shelters", str(p.path)])
    assert e.value.code == 2  # no shelters layer: one line, exit 2
    sh = gpd.GeoDataFrame({"id": ["H1"], "name": ["甲"], "shelter_class": ["紧急"], "capacity": [10]},
                          geometry=[shapely.Point(119.4, 32.3)], crs=4326)
    p.write("shelters", sh)
    with pytest.raises(SystemExit) as e:
        main(["shelters", str(p.path)])
    assert e.value.code == 2  # no residents


def test_proposed_shelter_closes_the_short_village(shelter_project, demo_result):
    from yitu.routing.shelters_siting import propose_shelters

    out = propose_shelters(shelter_project, demo_result, p_new=1)
    assert len(out) == 1 and out.attrs["status"] == "optimal"
    assert "北山村二组" in out["服务居民区"].iloc[0] and "北山村三组" in out["服务居民区"].iloc[0]
    short = int(demo_result.blocks.loc[demo_result.blocks["village"] == "北山村", "unplaced"].sum())
    assert int(out["安置人数"].iloc[0]) == short  # the new 紧急 shelter takes every person 北山村 had left out
