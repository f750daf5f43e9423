"""`yitu site` on the demo county, through the CLI: the proposed station really makes park P01 pass
when it is added to the stations layer and `yitu check` runs again; bad input gives one line and exit 2."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest

from yitu.cli import main
from tests.climain import run as _cli


@pytest.fixture(scope="module")
def sited(tmp_path_factory):
    """A demo project with its network built and `yitu site --model lscp --park P01 --grid 300` run."""
    import shutil

    from yitu.layers.demo import build_demo_project
    from yitu.layers.project import Project

    base = tmp_path_factory.mktemp("site")
    project, _ = build_demo_project(base / "qinglan")
    d = str(project.path)
    main_argv = ["-q", "network", "build", d, "--osm", str(project.path / "inputs" / "roads.osm")]
    try:
        main(main_argv)
    except SystemExit as exc:
        assert not exc.code
    return Project.open(project.path), shutil


@pytest.mark.slow
def test_demo_site_makes_p01_pass_and_check_confirms(sited, capsys):
    project, _ = sited
    d = str(project.path)
    code, _, err = _cli(["check", d, "--park", "P01"], capsys)
    assert code == 3  # the demo park fails east of its canal
    code, out, err = _cli(["-q", "site", d, "--model", "lscp", "--park", "P01", "--grid", "300"], capsys)
    assert code == 0, err
    assert "Traceback" not in err
    chosen = project.read("result_siting")
    assert len(chosen) >= 1 and (chosen["status"] == "optimal").all()
    assert (project.output_dir / "siting" / "siting.xlsx").exists()
    cands = project.read("result_siting_candidates")
    ex = cands[cands["status"] == "excluded"]
    assert len(ex) and ex["reason"].str.len().gt(0).all()  # excluded ones listed with a reason
    assert chosen["candidate_id"].isin(cands.loc[cands["status"] == "chosen", "candidate_id"]).all()
    # the map overlay and the report section show it
    from yitu.maps.overlays.siting import layers
    from yitu.maps.sections.siting import section

    keys = {ly.key: len(ly.gdf) for ly in layers(project, lang="zh")}
    assert keys["siting_chosen"] == len(chosen) and keys["siting_candidates"] == len(cands) - len(chosen)
    sec = section(project, font=None, lang="zh")
    assert sec is not None and any(isinstance(i, tuple) and i[1][:4] == b"\x89PNG" for i in sec.items)
    assert (project.output_dir / "siting" / "siting_map.png").exists()
    # add the chosen site(s) as stations through the library and run the check again
    st = project.read("stations")
    new = gpd.GeoDataFrame({"id": [f"NEW{i}" for i in range(len(chosen))], "name": chosen["name"].to_numpy(),
                            "station_type": chosen["station_type"].to_numpy()},
                           geometry=chosen.geometry.to_numpy(), crs=chosen.crs).to_crs(st.crs)
    project.write("stations", gpd.GeoDataFrame(pd.concat([st, new], ignore_index=True), crs=st.crs))
    code, out, err = _cli(["check", d, "--park", "P01"], capsys)
    assert code == 0, out + err
    assert project.read("result_park_check").set_index("park_id").loc["P01", "verdict"] == "PASS"


@pytest.mark.slow
def test_demo_bad_input_one_line_exit_2(sited, capsys, tmp_path):
    project, _ = sited
    d = str(project.path)
    # p larger than the candidates
    f = tmp_path / "cands.csv"
    f.write_text("地块编号,经度,纬度,站点类型\nC1,119.50,32.32,一级站\nC2,119.51,32.33,二级站\n", encoding="utf-8")
    code, _, err = _cli(["-q", "site", d, "--model", "mclp", "--p", "5", "--candidates", str(f)], capsys)
    assert code == 2 and "Traceback" not in err and "p = 5" in err
    # a candidates file of another county (far away)
    g = tmp_path / "far.csv"
    g.write_text("地块编号,经度,纬度\nC1,113.30,23.10\nC2,113.31,23.11\n", encoding="utf-8")
    code, _, err = _cli(["-q", "site", d, "--model", "mclp", "--candidates", str(g)], capsys)
    assert code == 2 and "Traceback" not in err
    # demands nobody can reach: a 1-minute limit for LSCP is infeasible, named before solving
    code, _, err = _cli(["-q", "site", d, "--model", "lscp", "--park", "P01", "--grid", "300", "--limit", "1"], capsys)
    assert code == 2 and "Traceback" not in err and "E0001" in err
    # no candidates after exclusions: every candidate inside 200 m of a hazardous-chemical plant
    e = project.read("enterprises").to_crs(4326)
    h = tmp_path / "near.csv"
    h.write_text("地块编号,经度,纬度\n" + "\n".join(f"N{i},{p.x:.7f},{p.y:.7f}" for i, p in enumerate(e.geometry[:3])),
                 encoding="utf-8")
    code, _, err = _cli(["-q", "site", d, "--model", "mclp", "--park", "P01", "--candidates", str(h)], capsys)
    assert code == 2 and "Traceback" not in err
