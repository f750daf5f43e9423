"""`yitu distances`, `yitu contours`, `yitu safety-map` on the demo county, the map overlay and the report section."""

from __future__ import annotations

import geopandas as gpd
import openpyxl
import pytest
import shapely

from yitu.cli import main
from yitu.layers.demo_distances import DEMO_RESIDENTIAL, DEMO_SCHOOL
from tests.climain import exit_code as _run


@pytest.fixture(autouse=True)
def _wide_console():
    from yitu.cli import console

    old = console.width
    console.width = 400  # names are not wrapped across lines
    yield
    console.width = old


def test_distances_on_the_demo_lists_the_school_and_the_residential_block(demo_copy, capsys):
    d = str(demo_copy.path)
    assert _run(["distances", d]) == 3
    out = capsys.readouterr().out
    assert DEMO_SCHOOL in out and DEMO_RESIDENTIAL in out
    assert "1,200 米" in out and "1,110 米" in out  # the assessed distance and the block's actual distance
    assert "≥ 3.0e-7 /年" in out
    res = demo_copy.read("result_distance_violations")
    v = res[(res["status"] == "violation") & (res["kind"] == "check")]
    assert set(v["target_name"]) == {DEMO_SCHOOL, DEMO_RESIDENTIAL}
    assert set(v["method"]) == {"contour", "assessed"}
    # nothing to judge the warehouse of kind 其他 by: listed, not passed
    unk = res[(res["status"] == "unknown") & (res["kind"] == "check")]
    assert "I004" in set(unk["installation_id"])
    wb = openpyxl.load_workbook(demo_copy.output_dir / "distances" / "distances.xlsx")
    assert wb.sheetnames[:3] == ["不满足清单", "无法判定", "按企业汇总"]
    assert [c.value for c in wb["不满足清单"][1]][:4] == ["结论", "判定方法", "防护目标编号", "防护目标"]


def test_distances_english_and_hazards(demo_copy, capsys):
    d = str(demo_copy.path)
    n0 = len(demo_copy.read("hazards"))
    assert _run(["distances", d, "--lang", "en", "--add-to-hazards"]) == 3
    out = capsys.readouterr().out
    assert "External safety distance violations (3)" in out and "violation" in out
    hz = demo_copy.read("hazards")
    assert len(hz) == n0 + 2 and set(hz["level"].iloc[n0:]) == {"重大隐患"}
    assert _run(["distances", d, "--add-to-hazards"]) == 3
    assert len(demo_copy.read("hazards")) == n0 + 2  # not added twice


def test_no_violation_exits_0(demo_copy):
    inst = demo_copy.read("installations")
    inst["distance_m"] = 10.0
    demo_copy.write("installations", inst)
    c = demo_copy.read("risk_contours")
    demo_copy.write("risk_contours", c.iloc[0:0])
    assert _run(["distances", str(demo_copy.path)]) == 0


def test_contours_command_imports_a_dxf(demo_copy, tmp_path, capsys):
    ezdxf = pytest.importorskip("ezdxf")
    inst = demo_copy.read("installations").to_crs(32650)
    x, y = inst.loc[inst["id"] == "I003"].geometry.iloc[0].coords[0]
    doc = ezdxf.new()
    msp = doc.modelspace()
    msp.add_lwpolyline([(x - 300, y - 300), (x + 300, y - 300), (x + 300, y + 300), (x - 300, y + 300)], close=True,
                       dxfattribs={"layer": "1E-6"})
    msp.add_lwpolyline([(x - 100, y), (x + 100, y)], dxfattribs={"layer": "1E-5"})  # does not close
    path = tmp_path / "qra.dxf"
    doc.saveas(path)
    d = str(demo_copy.path)
    assert _run(["contours", d, str(path)]) == 2  # a DXF declares no CRS
    assert "--crs" in capsys.readouterr().err
    assert _run(["contours", d, str(path), "--crs", "EPSG:4326", "--installation", "I003", "--append"]) == 2
    assert "1 条等值线都无法导入" in capsys.readouterr().err  # metres read as degrees
    assert len(demo_copy.read("risk_contours")) == 5  # the layer is left as it was
    assert _run(["contours", d, str(path), "--crs", "EPSG:32650", "--installation", "I003", "--append"]) == 0
    c = demo_copy.read("risk_contours")
    assert len(c) == 6 and (c["installation_id"] == "I003").sum() == 1
    rej = demo_copy.read_rejected("risk_contours")
    assert rej["reason"].str.contains("does not close").any()


@pytest.mark.slow
def test_overlay_report_section_and_safety_map(demo_copy, tmp_path):
    from yitu.layers.distances_io import run_distances
    from yitu.maps.html import risk_map
    from yitu.maps.offline import save_html
    from yitu.maps.safety_render import render_safety
    from yitu.maps.sections.distances import section

    tg = demo_copy.read("targets")
    tg.loc[tg["name"] == DEMO_SCHOOL, "name"] = "<i>NorthSchool</i>"
    demo_copy.write("targets", tg)
    run_distances(demo_copy)
    m = risk_map(demo_copy)
    html = save_html(m, tmp_path / "m.html", offline=False).read_text(encoding="utf-8")
    for key in ("distance_contours", "distance_rings", "distance_violations"):
        assert m.yitu_counts[key] > 0
    # the page ships names as JSON data (< > & as \\u escapes) and shows them as text: never as markup
    assert "\\u003ci\\u003eNorthSchool\\u003c/i\\u003e" in html and "<i>NorthSchool" not in html
    assert "#E60012" not in html.split("distance_contours")[-1][:2000]  # no risk-grade red on the contours
    sec = section(demo_copy, font=None)
    assert sec is not None and "不满足 3 条" in sec.paragraphs[0]
    fig = render_safety(demo_copy, "E0001", paper="A3")
    assert fig.get_size_inches()[0] == pytest.approx(16.54, abs=0.1)
    with pytest.raises(Exception, match="既没有危险源装置也没有风险等值线"):
        render_safety(demo_copy, "E9999")
    d = str(demo_copy.path)
    assert _run(["safety-map", d, "E0001", "--dpi", "40"]) == 0
    assert (demo_copy.output_dir / "images" / "safety_E0001.png").stat().st_size > 10_000
    assert _run(["safety-map", d, "E9999"]) == 2
