"""The gap list: places outside every station's limit (checked against coverage), sorted by grade
then population; parks failing the circle; stations whose district exceeds the 建标152 area."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from yitu.errors import ProjectError
from yitu.routing.coverage import coverage
from yitu.routing.gaps import _summary_text, gaps


@pytest.fixture(scope="module")
def result(demo_project, demo_network):  # type: ignore[no-untyped-def]
    return gaps(demo_project, demo_network)


def test_places_outside_their_limit_and_only_those(demo_project, demo_network, result):  # type: ignore[no-untyped-def]
    s = demo_project.settings
    ent = demo_project.read("enterprises")
    cov = coverage(demo_network, demo_project.read("stations"), ent, limit_min=15, settings=s)
    in_park = ent["park_id"].fillna("").astype(str) != ""
    limit = np.where(in_park, s.rescue.park_limit_min, s.rescue.urban_limit_min)
    outside = ~(cov["arrival_min"].to_numpy() <= limit)
    assert set(result["enterprises"]["id"]) == set(ent.loc[outside, "id"])
    e = result["enterprises"].set_index("id")
    park_rows = e[e["park_id"] == "P01"]
    assert len(park_rows) and (park_rows["limit_min"] == 15.0).all() and (park_rows["arrival_min"] > 15.0).all()
    assert (e.loc[e["park_id"] != "P01", "limit_min"] == 5.0).all()
    ok = e["status"] == "late"  # one status of an arrival against its limit (yitu.routing.arrival)
    np.testing.assert_allclose(e.loc[ok, "miss_min"], e.loc[ok, "arrival_min"] - e.loc[ok, "limit_min"])
    assert (e.loc[~ok, "status"].isin(["off_network", "unreachable"])).all()
    # protected targets and villages: outside the urban limit, and only those
    tg = demo_project.read("targets")
    tcov = coverage(demo_network, demo_project.read("stations"), tg, limit_min=15, settings=s)
    t_out = ~(tcov["arrival_min"].to_numpy() <= s.rescue.urban_limit_min)
    assert t_out.any() and not t_out.all()
    got = set(result["targets"]["id"]) | set(result["villages"]["id"])
    assert got == set(tg.loc[t_out, "id"].astype(str))
    assert (pd.concat([result["targets"], result["villages"]])["limit_min"] == s.rescue.urban_limit_min).all()
    # villages are the 村庄 targets, the rest are protected targets
    assert (result["villages"]["kind"] == "村庄").all() and len(result["villages"])
    assert not (result["targets"]["kind"] == "村庄").any()
    assert result["enterprises"].crs.to_epsg() == 4326


@pytest.mark.parametrize("key", ["enterprises", "targets", "villages"])
def test_sorted_by_grade_then_population(result, key):  # type: ignore[no-untyped-def]
    df = result[key]
    g = df["grade"].astype("float64").fillna(99).to_numpy()
    p = df["population"].astype("float64").fillna(-1).to_numpy()
    assert (np.diff(g) >= 0).all()
    same = np.diff(g) == 0
    assert (np.diff(p)[same] <= 0).all()


def test_park_from_enterprises_when_no_check_result(result):  # type: ignore[no-untyped-def]
    parks = result["parks"]
    assert parks["park_id"].tolist() == ["P01"] and parks["verdict"].iloc[0] == "FAIL"
    assert parks["n_fail"].iloc[0] == int((result["enterprises"]["park_id"] == "P01").sum())
    assert "尚未做园区救援圈检查" in parks["source"].iloc[0]


def test_parks_and_districts_from_result_layers(demo_project, demo_network):  # type: ignore[no-untyped-def]
    crs = demo_project.metric_crs()
    stations = demo_project.read("stations")
    st = stations.set_index("id")
    # S02 一级站 (7 km²) with a 3 x 3 km district: 2 km² over; S03 二级站 (4 km²) with 2 x 1.5 km: fine;
    # S09 微型消防站 has no 建标152 area: never listed
    sizes = {"S02": (3000, 3000), "S03": (2000, 1500), "S09": (5000, 5000)}
    geoms = [shapely.box(0, 0, w, h) for w, h in sizes.values()]
    resp = gpd.GeoDataFrame({"station_id": list(sizes), "station_name": st.loc[list(sizes), "name"].tolist()},
                            geometry=geoms, crs=crs).to_crs(4326)
    park_check = pd.DataFrame({"park_id": ["P01", "P02"], "park_name": ["甲", "乙"], "verdict": ["FAIL", "PASS"],
                               "limit_min": 15.0, "n_targets": [10, 5], "n_fail": [3, 0], "worst_miss_min": [2.5, 0.0],
                               "covered_share": [0.8, 1.0]})
    layers = {"stations": stations, "result_responsibility": resp, "result_park_check": park_check,
              "targets": demo_project.read("targets")}
    out = gaps(layers, demo_network, settings=demo_project.settings, metric_crs=crs)
    d = out["districts"]
    assert d["station_id"].tolist() == ["S02"]
    assert d["district_km2"].iloc[0] == pytest.approx(9.0, rel=1e-3) and d["max_km2"].iloc[0] == 7.0
    assert d["excess_km2"].iloc[0] == pytest.approx(2.0, rel=1e-2)
    assert out["parks"]["park_id"].tolist() == ["P01"] and out["parks"]["worst_miss_min"].iloc[0] == 2.5
    assert len(out["enterprises"]) == 0 and len(out["villages"]) > 0
    # a longer limit shrinks the list
    longer = gaps(layers, demo_network, settings=demo_project.settings, other_limit_min=30.0)
    assert len(longer["villages"]) < len(out["villages"])


def test_no_stations(demo_network, demo_project):  # type: ignore[no-untyped-def]
    with pytest.raises(ProjectError, match="项目没有救援力量"):
        gaps({"stations": None}, demo_network, settings=demo_project.settings)


def test_districts_computed_when_no_check_result(result, demo_project):  # type: ignore[no-untyped-def]
    d = result["districts"]
    assert len(d) and d["source"].str.contains("现算").all()
    limits = demo_project.settings.rescue.district_km2
    assert (d["district_km2"] > d["station_type"].map(limits)).all()
    np.testing.assert_allclose(d["excess_km2"], d["district_km2"] - d["max_km2"])
    assert (np.diff(d["excess_km2"]) <= 0).all()
    assert not d["station_type"].isin(["微型消防站", "企业专职队", "志愿队"]).any()


def test_summary_is_a_sentence_with_integer_counts(result):  # type: ignore[no-untyped-def]
    text = _summary_text(result["summary"], lang="en")
    n = len(result["enterprises"])
    assert text.startswith(f"gaps: {n} enterprise(s), {len(result['targets'])} protected target(s)")
    assert "15 min in a park" in text and ".0 " not in text and "{" not in text
    zh = _summary_text(result["summary"])
    assert zh.startswith(f"缺口：时限外企业 {n} 家") and "园区内 15 分钟" in zh


def test_enterprise_inside_a_park_without_park_id_has_the_park_limit(demo_project, demo_network):  # type: ignore[no-untyped-def]
    # the park check counts an enterprise inside the polygon as in the park; gaps must use the same limit
    ent = demo_project.read("enterprises")
    parks = demo_project.read("parks")
    inside = ent.within(parks.geometry.iloc[0]).to_numpy()
    ent = ent.assign(park_id=np.where(inside, None, ent["park_id"]))
    layers = {"stations": demo_project.read("stations"), "enterprises": ent, "parks": parks}
    out = gaps(layers, demo_network, settings=demo_project.settings, metric_crs=demo_project.metric_crs())
    e = out["enterprises"].set_index("id")
    in_park = e.index.isin(ent.loc[inside, "id"])
    assert in_park.any()
    assert (e.loc[in_park, "park_id"] == "P01").all() and (e.loc[in_park, "limit_min"] == 15.0).all()
    assert (e.loc[in_park, "arrival_min"].dropna() > 15.0).all()
    assert out["parks"]["park_id"].tolist() == ["P01"]


def test_districts_recomputed_when_the_stored_ones_belong_to_other_stations(demo_project, demo_network):  # type: ignore[no-untyped-def]
    # stations re-imported after `yitu check`: the stored result_responsibility is for stations that no longer
    # exist, and its areas (shared among 14 stations) understate the districts of the 5 left
    from yitu.routing.isochrones import responsibility_areas

    stations = demo_project.read("stations")
    old = responsibility_areas(demo_network, stations, settings=demo_project.settings)
    five = stations.iloc[:5]
    layers = {"stations": five, "result_responsibility": old}
    out = gaps(layers, demo_network, settings=demo_project.settings, metric_crs=demo_project.metric_crs())
    d = out["districts"]
    assert len(d) and d["source"].str.contains("现算").all()
    assert set(d["station_id"]) <= set(five["id"])
    fresh = responsibility_areas(demo_network, five, settings=demo_project.settings)
    area = fresh.to_crs(demo_project.metric_crs()).set_index("station_id").geometry.area / 1e6
    for r in d.itertuples():
        assert r.district_km2 == pytest.approx(area.loc[r.station_id], abs=0.01)
