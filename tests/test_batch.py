"""yitu batch on a real dask LocalCluster of 2 worker processes."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from yitu.batch import discover_projects, run_batch, run_project, write_summary
from yitu.errors import InputError
from yitu.layers.project import Project
from tests.climain import exit_code as _exit_code


@pytest.fixture(scope="module")
def province(demo_project, tmp_path_factory) -> Path:
    """Two copies of the demo county with their networks, and a folder whose project.gpkg is junk."""
    from yitu.routing.build import build_network

    root = tmp_path_factory.mktemp("province")
    for name in ("county_a", "county_b"):
        dst = root / "city" / name
        shutil.copytree(demo_project.path, dst)
        build_network(Project.open(dst), osm=dst / "inputs" / "roads.osm")
    broken = root / "city" / "county_broken"
    broken.mkdir()
    (broken / "project.gpkg").write_bytes(b"not a geopackage")
    return root


def test_discover_projects(province, tmp_path):
    found = discover_projects(province)
    assert [p.name for p in found] == ["county_a", "county_b", "county_broken"]
    with pytest.raises(InputError, match="没有找到项目"):
        discover_projects(tmp_path)


def test_run_project_in_process_equals_check(province, demo_project):
    r = run_project(province / "city" / "county_a", ("check",))
    assert r["status"] == "ok", r["error"]
    assert r["verdict"] == "fail"  # the demo park misses its circle by design
    stored = Project.open(province / "city" / "county_a").read("result_park_check")
    assert r["parks"]["n_fail"].tolist() == stored["n_fail"].tolist()


@pytest.mark.slow
def test_batch_on_local_cluster(province, tmp_path):
    from dask.distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        seen = []
        res = run_batch(discover_projects(province), analyses=("check", "gaps"), client=client,
                        progress=lambda done, total, r: seen.append((done, total)))
        assert seen[-1] == (3, 3)
        # the broken county is reported, the others finished
        by = res.projects.set_index(res.projects["path"].map(lambda p: Path(p).name))
        assert by.loc["county_broken", "status"] == "failed"
        assert "county_broken" in by.loc["county_broken", "error"]
        assert (by.loc[["county_a", "county_b"], "status"] == "ok").all()
        assert len(res.parks) == 2 and (res.parks["verdict"] == "FAIL").all()
        assert by.loc["county_a", "n_gaps"] > 0
        assert pd.isna(by.loc["county_broken", "n_fail"])  # unknown, not 0
        # split by park: the same verdicts, nothing stored
        by_park = run_batch(discover_projects(province)[:2], split="park", client=client)
        assert by_park.parks["n_fail"].tolist() == res.parks["n_fail"].tolist()
    files = write_summary(res, tmp_path / "summary")
    wb = openpyxl.load_workbook(files["xlsx"])
    assert wb.sheetnames == ["项目汇总", "园区汇总", "运行失败"]
    html = files["html"].read_text(encoding="utf-8")
    assert "化工园区救援圈核查总览" in html and "不通过" in html
    assert "unpkg.com" not in html and "cdn.jsdelivr" not in html  # offline


def test_batch_bad_input(province):
    with pytest.raises(InputError, match="未知分析"):
        run_batch([province / "city" / "county_a"], analyses=("nope",))
    with pytest.raises(InputError, match="拆分方式"):
        run_batch([province / "city" / "county_a"], split="county")
    with pytest.raises(InputError, match="没有要运行的项目"):
        run_batch([])


def test_cli_batch_errors_exit_2(province, tmp_path, capsys):
    assert _exit_code(["batch"]) == 2
    assert "--province" in capsys.readouterr().err
    assert _exit_code(["batch", "--province", str(tmp_path)]) == 2
    # a scheduler that is not there: one line, exit 2, no traceback
    code = _exit_code(["batch", str(province / "city" / "county_a"), "--scheduler", "tcp://127.0.0.1:9"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and "127.0.0.1:9" in err


@pytest.mark.slow
def test_cli_batch_runs_and_exits_3(province, tmp_path, capsys):
    code = _exit_code(["batch", "--province", str(province), "--run", "check", "--out", str(tmp_path / "s")])
    out = capsys.readouterr()
    assert code == 3  # the demo parks fail and one county cannot be run
    assert "失败" in out.out and "county_broken" in out.err  # the failed county named with its reason
    assert (tmp_path / "s" / "batch_summary.xlsx").exists()
