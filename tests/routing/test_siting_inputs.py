"""Siting inputs on the demo county: demand as the park check makes it, candidates excluded with their
reasons (never dropped), searches from station to demand equal the coverage engine's arrivals."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from yitu.routing.coverage import snap_stations_and_targets
from yitu.routing.engine import arrival_matrix
from yitu.routing.siting import site_reach
from yitu.routing.siting_inputs import exclude_candidates, grid_candidates, siting_demands


@pytest.fixture(scope="module")
def layers(demo_project):
    p = demo_project
    return {k: p.read_optional(k) for k in ("parks", "stations", "enterprises", "risk_zones", "targets")}


def test_demand_is_the_park_checks_targets(demo_project, demo_network, layers):
    s = demo_project.settings
    d = siting_demands(demo_network, parks=layers["parks"], stations=layers["stations"],
                       enterprises=layers["enterprises"], risk_zones=layers["risk_zones"], targets=layers["targets"],
                       park="P01", settings=s)
    assert set(d["kind"]) == {"enterprise", "risk_zone", "boundary"}
    assert (d["limit_min"] == s.rescue.park_limit_min).all() and (d["weight"] > 0).all()
    everything = siting_demands(demo_network, parks=layers["parks"], stations=layers["stations"],
                                enterprises=layers["enterprises"], risk_zones=layers["risk_zones"],
                                targets=layers["targets"], settings=s)
    assert len(everything) > len(d)
    urban = everything[everything["kind"] == "target"]
    assert len(urban) == len(layers["targets"]) and (urban["limit_min"] == s.rescue.urban_limit_min).all()
    one = siting_demands(demo_network, parks=layers["parks"], stations=layers["stations"],
                         enterprises=layers["enterprises"], park="P01", limit_min=12.0, settings=s)
    assert (one["limit_min"] == 12.0).all()


def test_exclusions_are_listed_with_reasons(demo_project, demo_network, layers):
    s = demo_project.settings
    ent = layers["enterprises"].to_crs(demo_network.crs)
    tg = layers["targets"].to_crs(demo_network.crs)
    school = tg[tg["target_type"] == "学校"].geometry.iloc[0]
    far = shapely.Point(ent.geometry.x.max() + 50_000, ent.geometry.y.max() + 50_000)
    cand = gpd.GeoDataFrame({"candidate_id": ["A", "B", "C"], "name": ["a", "b", "c"], "station_type": None,
                             "cost": np.nan, "source": "file"},
                            geometry=[ent.geometry.iloc[0], shapely.Point(school.x + 10, school.y), far],
                            crs=demo_network.crs)
    out, snapped = exclude_candidates(demo_network, cand, enterprises=layers["enterprises"],
                                      risk_zones=layers["risk_zones"], targets=layers["targets"], settings=s)
    assert len(out) == 3 and (out["status"] == "excluded").all()  # nothing dropped, each with a reason
    assert "危险化学品企业" in out["reason"].iloc[0]
    assert "人员密集场所" in out["reason"].iloc[1]
    assert "吸附上限" in out["reason"].iloc[2] and not snapped.ok[2]


def test_grid_candidates_and_search_direction(demo_project, demo_network, layers):
    s = demo_project.settings
    park = layers["parks"].to_crs(demo_network.crs).geometry.iloc[0]
    g = grid_candidates(demo_network, park.buffer(500), step_m=300, excluded_classes=("motorway",))
    assert len(g) > 20 and g.geometry.within(park.buffer(500)).all()
    # candidates -> demand through site_reach equals the coverage engine (station -> target) plus access legs
    src_s, tgt_s = snap_stations_and_targets(demo_network, g.iloc[:15], layers["targets"], max_snap_m=500.0)
    access = np.nan_to_num(tgt_s.dist_m) / (s.routing.access_speed_kmh / 3.6)
    off = 60.0 + src_s.dist_m / (s.routing.access_speed_kmh / 3.6)
    ok = np.flatnonzero(src_s.ok)
    r = site_reach(demo_network, src_s.take(ok), off[ok], tgt_s, np.where(tgt_s.ok, access, 0.0), limit_s=900.0)
    dense = arrival_matrix(demo_network, src_s.take(ok), tgt_s, offset_s=off[ok], limit_s=np.inf) + access[None, :]
    dense[dense > 900.0] = np.inf
    np.testing.assert_allclose(r.dense(), dense, rtol=1e-9, atol=1e-6)


def test_downwind_of_hazardous_chemicals_only_when_a_wind_is_set(demo_project, demo_network, layers):
    import dataclasses

    s = demo_project.settings
    ent = layers["enterprises"]
    hz = ent[ent["hazchem_roles"].fillna("").str.contains("生产")].to_crs(demo_network.crs)
    e = hz.geometry.iloc[0]
    # 600 m east of the plant (beyond the 200 m set-back): downwind of a west wind (blowing from 270°)
    cand = gpd.GeoDataFrame({"candidate_id": ["E"], "name": ["e"], "station_type": None, "cost": np.nan,
                             "source": "file"}, geometry=[shapely.Point(e.x + 600, e.y)], crs=demo_network.crs)
    kw = dict(enterprises=hz.iloc[[0]], risk_zones=None, targets=None)  # that one plant only
    no_wind, _ = exclude_candidates(demo_network, cand, settings=s, **kw)
    assert "下风" not in no_wind["reason"].iloc[0]
    west = dataclasses.replace(s, siting=dataclasses.replace(s.siting, prevailing_wind_from_deg=270.0))
    out, _ = exclude_candidates(demo_network, cand, settings=west, **kw)
    assert out["status"].iloc[0] == "excluded" and "下风" in out["reason"].iloc[0]
    east = dataclasses.replace(s, siting=dataclasses.replace(s.siting, prevailing_wind_from_deg=90.0))
    up, _ = exclude_candidates(demo_network, cand, settings=east, **kw)
    assert "下风" not in up["reason"].iloc[0]  # upwind is allowed
