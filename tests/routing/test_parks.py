"""The park check: the demo scenario (part of P01 behind the canal misses the circle), a park
without enterprises, and the `yitu check` command (exit codes and the messages users see)."""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely
from typer.testing import CliRunner

from tests.routing.test_coverage import CRS, X0, Y0, line_network, points, stations_gdf
from yitu.cli import app, main
from yitu.errors import InputError
from yitu.layers import demo
from yitu.routing.coverage import coverage
from yitu.routing.parks import park_check, run_check
from yitu.settings import default_settings


def _local_x(gdf: gpd.GeoDataFrame) -> np.ndarray:
    return gdf.to_crs(demo.METRIC).geometry.x.to_numpy() - demo._OX


def test_demo_park_fails_behind_the_canal(demo_copy, demo_network) -> None:  # type: ignore[no-untyped-def]
    settings = demo_copy.settings
    r = run_check(demo_copy, network=demo_network)
    pk = r.check.parks.set_index("park_id")
    assert pk.loc["P01", "verdict"] == "FAIL" and not r.passed
    assert 0.0 < pk.loc["P01", "covered_share"] < 1.0
    tg = r.check.targets
    fail = tg[~tg["within_limit"]]
    ok = tg[tg["within_limit"]]
    assert len(fail) > 0 and len(ok) > len(fail)
    # every failing target lies east of the canal; west of it everything passes
    assert (_local_x(fail) > demo.CANAL_X).all()
    assert ok.shape[0] > 0 and (_local_x(ok) < demo.CANAL_X).any()
    assert (fail["status"] == "ok").all() and (fail["miss_min"] > 0).all()
    assert pk.loc["P01", "n_fail"] == len(fail)
    assert pk.loc["P01", "worst_miss_min"] == pytest.approx(fail["miss_min"].max(), abs=0.01)
    np.testing.assert_allclose(tg["miss_min"], tg["arrival_min"] - 15.0)
    # the targets: all 112 park enterprises, their red/orange zones, boundary points every 200 m
    ent = demo_copy.read("enterprises")
    in_park = ent[ent["park_id"] == "P01"]
    assert set(tg.loc[tg["kind"] == "enterprise", "target_id"]) == set(in_park["id"])
    from yitu.layers.grading import grade_zones

    z = grade_zones(demo_copy.read("risk_zones"), settings=settings)
    hi = z[z["grade"].isin([1, 2]) & z["enterprise_id"].isin(in_park["id"])]
    assert set(tg.loc[tg["kind"] == "risk_zone", "target_id"]) == set(hi["id"]) and len(hi) > 0
    perim = demo_copy.read("parks").to_crs(demo_network.crs).geometry.length.iloc[0]
    assert pk.loc["P01", "n_boundary"] == int(np.ceil(perim / settings.rescue.boundary_sample_m))
    # the enterprise arrivals equal those of a plain coverage() run
    cov = coverage(demo_network, demo_copy.read("stations"), in_park, settings=settings)
    e = tg[tg["kind"] == "enterprise"].set_index("target_id")
    np.testing.assert_allclose(e.loc[cov["target_id"], "arrival_min"].to_numpy(), cov["arrival_min"].to_numpy())
    # stored and written
    for name in ("result_coverage", "result_isochrones", "result_responsibility", "result_park_check",
                 "result_park_targets"):
        assert demo_copy.has(name), name
    stored = demo_copy.read("result_park_check")
    assert stored.crs.to_epsg() == 4326 and stored["verdict"].tolist() == ["FAIL"]
    rc = demo_copy.read("result_coverage")
    assert set(rc["layer"]) == {"enterprises", "targets"}
    iso = demo_copy.read("result_isochrones")
    assert {"ALL", "S05"} <= set(iso["station_id"]) and set(iso["band_min"]) == {5.0, 10.0, 15.0}
    csv = pd.read_csv(r.files["park_check.csv"], encoding="utf-8-sig")
    assert csv.loc[0, "结论"] == "不达标" and csv.loc[0, "园区编号"] == "P01"
    wb = openpyxl.load_workbook(r.files["park_check.xlsx"], read_only=True)
    assert wb.sheetnames == ["园区结论", "未达标目标", "覆盖分析"]
    rows = list(wb["未达标目标"].values)
    assert "超时(分钟)" in rows[0] and len(rows) == len(fail) + 1
    wb.close()


def test_longer_limit_passes(demo_copy, demo_network) -> None:  # type: ignore[no-untyped-def]
    r = run_check(demo_copy, network=demo_network, limit_min=25, park="P01")
    assert r.passed and r.check.parks["n_fail"].tolist() == [0]
    assert r.check.parks["covered_share"].iloc[0] > 0.5


def test_one_park_rechecked_keeps_the_other_parks_results(demo_copy, demo_network) -> None:  # type: ignore[no-untyped-def]
    # `yitu check --park P01` must not drop P02's stored result (the report and gaps read these layers)
    parks = demo_copy.read("parks")
    p2 = parks.copy()
    p2["id"], p2["name"] = "P02", "第二园区"
    p2["geometry"] = p2.geometry.translate(-0.12, 0.08)
    demo_copy.write("parks", pd.concat([parks, p2], ignore_index=True))
    run_check(demo_copy, network=demo_network)
    before = demo_copy.read("result_park_check").set_index("park_id")
    n_p2 = int((demo_copy.read("result_park_targets")["park_id"] == "P02").sum())
    assert before.index.tolist() == ["P01", "P02"] and n_p2 > 0
    run_check(demo_copy, network=demo_network, limit_min=25, park="P01")
    after = demo_copy.read("result_park_check").set_index("park_id")
    assert after.index.tolist() == ["P01", "P02"]
    assert after.loc["P01", "limit_min"] == 25.0 and after.loc["P01", "n_fail"] == 0
    assert after.loc["P02", "limit_min"] == 15.0 and after.loc["P02", "verdict"] == before.loc["P02", "verdict"]
    targets = demo_copy.read("result_park_targets")
    assert int((targets["park_id"] == "P02").sum()) == n_p2
    assert targets.loc[targets["park_id"] == "P01", "within_limit"].all()
    # a park removed from the parks layer does not come back from the stored results
    demo_copy.write("parks", parks)
    run_check(demo_copy, network=demo_network, park="P01")
    assert demo_copy.read("result_park_check")["park_id"].tolist() == ["P01"]


def test_park_without_enterprises_is_checked_on_its_boundary(caplog: pytest.LogCaptureFixture) -> None:
    # a square road around a 1 km park; the station at one corner
    net = line_network([[(0, 0), (1000, 0), (1000, 1000)], [(1000, 1000), (0, 1000), (0, 0)]])
    park = gpd.GeoDataFrame({"id": ["PX"], "name": ["空园区"]},
                            geometry=[shapely.box(X0 + 50, Y0 + 50, X0 + 950, Y0 + 950)], crs=CRS)
    ent = points([(5000, 5000)], id=["E1"], name=["园外企业"], park_id=[None])
    with caplog.at_level(logging.WARNING, logger="yitu.routing.parks"):
        res = park_check(net, park, stations_gdf([(0, 0)]), ent, limit_min=15, settings=default_settings())
    row = res.parks.iloc[0]
    assert row["n_enterprises"] == 0 and row["n_risk_zones"] == 0
    assert row["n_boundary"] == int(np.ceil(3600 / 200)) == row["n_targets"]
    assert (res.targets["kind"] == "boundary").all()
    assert "园区内无企业，仅检查边界采样点" in row["note"]
    assert "PX" in caplog.text and "内无企业" in caplog.text
    assert row["verdict"] == "PASS"  # 1 km square at 36 km/h: all within a few minutes
    assert 0 < row["covered_share"] < 1
    # the same park with a limit nobody meets fails, with the minutes missed
    res2 = park_check(net, park, stations_gdf([(0, 0)]), ent, limit_min=1.5, settings=default_settings())
    assert res2.parks.iloc[0]["verdict"] == "FAIL"
    assert (res2.failing()["miss_min"] > 0).all()


def test_enterprise_inside_polygon_counts_without_park_id() -> None:
    net = line_network([[(0, 0), (1000, 0), (1000, 1000)], [(1000, 1000), (0, 1000), (0, 0)]])
    park = gpd.GeoDataFrame({"id": ["PX"], "name": ["园区"]},
                            geometry=[shapely.box(X0 + 50, Y0 + 50, X0 + 950, Y0 + 950)], crs=CRS)
    ent = points([(500, 100), (5000, 0), (3000, 3000)], id=["in", "far", "byid"], name=["a", "b", "c"],
                 park_id=[None, None, "PX"])
    res = park_check(net, park, stations_gdf([(0, 0)]), ent, settings=default_settings())
    got = res.targets[res.targets["kind"] == "enterprise"]
    assert sorted(got["target_id"]) == ["byid", "in"]
    # 'byid' is 2.9 km from any road: off the network, so the park fails and says why
    byid = got.set_index("target_id").loc["byid"]
    assert byid["status"] == "off_network" and not byid["within_limit"]
    assert res.parks.iloc[0]["verdict"] == "FAIL" and "距道路超过 500 米" in res.parks.iloc[0]["note"]


def test_unknown_park_id(demo_copy, demo_network) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=r"未知园区编号 'P99'；.* 中的园区：P01"):
        run_check(demo_copy, park="P99", network=demo_network)


def test_cli_check(demo_copy, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    from yitu.routing.build import build_network

    build_network(demo_copy, osm=demo_copy.path / "inputs" / "roads.osm")
    d = str(demo_copy.path)
    # unknown park: exit 2 and the park ids
    with pytest.raises(SystemExit) as exc:
        main(["-q", "check", d, "--park", "P99"])
    assert exc.value.code == 2
    assert "未知园区编号 'P99'" in capsys.readouterr().err
    r = CliRunner().invoke(app, ["-q", "check", d, "--park", "P99"])
    assert r.exit_code == 2 and "P01" in r.output  # the YituError is one line in the language of the call
    # the demo fails: exit 3, the table and the worst targets
    with pytest.raises(SystemExit) as exc:
        main(["-q", "check", d])
    assert exc.value.code == 3
    out = capsys.readouterr().out
    assert "不达标" in out and "P01" in out and "最差的未达标目标" in out
    # a limit everybody meets: exit 0
    r = CliRunner().invoke(app, ["-q", "check", d, "--limit", "25"])
    assert r.exit_code == 0, r.output
    assert "达标" in r.output and "不达标" not in r.output
