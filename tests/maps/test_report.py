"""The readiness report: run_drill on a project (result layers and files), the DOCX reopened with
python-docx (tables with their headers, images), the HTML page offline and escaped, and the page
in headless Chromium."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

EVIL = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def report_project(demo_project, tmp_path_factory):  # type: ignore[no-untyped-def]
    """A copy of the demo with its network built, a station renamed to a script tag, a drill with a
    closed bridge and the report written."""
    from yitu.layers.project import Project
    from yitu.maps.report import readiness_report
    from yitu.routing.build import build_network
    from yitu.routing.drill import run_drill

    dst = tmp_path_factory.mktemp("report") / "qinglan"
    shutil.copytree(demo_project.path, dst)
    p = Project.open(dst)
    build_network(p, osm=p.path / "inputs" / "roads.osm")
    st = p.read("stations")
    st.loc[st["id"] == "S11", "name"] = EVIL  # the first force to arrive at E0001
    p.write("stations", st)
    before, after = run_drill(p, at="E0001", hazard="fire", closed_names=["岚江大桥"])
    paths = readiness_report(p, drill=(before, after))
    return p, before, after, paths


def test_run_drill_stores_layers_and_files(report_project):  # type: ignore[no-untyped-def]
    p, before, after, _ = report_project
    assert after is not None and after.closed_what == ("岚江大桥",)
    forces = p.read("result_drill_forces")
    assert set(forces["scenario"]) == {"before", "after"} and len(forces) == 2 * len(p.read("stations"))
    assert forces.geometry.notna().all()
    routes = p.read("result_drill_routes")
    assert routes.geom_type.eq("LineString").all() and set(routes["scenario"]) == {"before", "after"}
    out = p.output_dir / "drill"
    for name in ("forces.csv", "forces_after.csv", "curve.csv", "requirements.csv", "compare.csv", "drill.xlsx"):
        assert (out / name).is_file(), name
    csv = pd.read_csv(out / "forces.csv", encoding="utf-8-sig", dtype={"站点编号": str})
    assert csv["站点编号"].tolist() == before.forces["station_id"].tolist()
    with pd.ExcelFile(out / "drill.xlsx") as xf:
        sheets = xf.sheet_names
    assert {"力量到场排序", "力量到场排序（封闭后）", "封闭前后对比", "力量需求"} <= set(sheets)
    # the gap tables are written beside the report
    assert (p.output_dir / "gaps" / "enterprises.csv").is_file()


def test_docx_has_real_tables_and_images(report_project):  # type: ignore[no-untyped-def]
    from docx import Document

    p, before, after, paths = report_project
    doc = Document(str(paths["docx"]))
    # summary, park check; per scenario forces, on-site, requirements (x2) and the comparison;
    # three place lists and districts; five settings tables
    assert len(doc.tables) == 1 + 1 + 3 * 2 + 1 + 4 + 5
    headers = [[c.text for c in t.rows[0].cells] for t in doc.tables]
    forces_tables = [i for i, h in enumerate(headers) if h[:3] == ["序号", "救援力量", "类型"]]
    assert len(forces_tables) == 2
    t = doc.tables[forces_tables[0]]
    assert len(t.rows) == 1 + len(before.forces)
    assert t.rows[1].cells[1].text == EVIL and t.rows[1].cells[0].text == "1"
    assert t.rows[1].cells[5].text == f"{before.forces['arrival_min'].iloc[0]:.1f}"
    req = [i for i, h in enumerate(headers) if h == ["要求", "时限内到场", "结论", "说明"]]
    assert len(req) == 2
    statuses = [r.cells[2].text for r in doc.tables[req[0]].rows[1:]]
    assert statuses == [("满足" if s == "MET" else "不满足") for s in before.requirements["status"]]
    assert any(h == ["编号", "救援力量", "封闭前到场(分)", "封闭后到场(分)", "延误(分)", "变化"] for h in headers)
    # the park-check map (always), then timeline chart and map, before and after
    assert len(doc.inline_shapes) == 5
    text = "\n".join(par.text for par in doc.paragraphs)
    # A4 公文 style: page size, East Asian fonts, page number field, captions, no file paths
    for sec in doc.sections:
        dims = sorted([round(sec.page_width.mm), round(sec.page_height.mm)])
        assert dims == [210, 297]
    body = doc.styles["Normal"].element.rPr.rFonts
    assert body.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "仿宋"
    assert "PAGE" in doc.sections[0].footer._element.xml
    head = doc.styles["Heading 1"].element.rPr.rFonts
    assert head.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "黑体"
    assert not any(k.endswith("Theme") for k in head.attrib)  # no theme font overriding 黑体
    assert "表1" in text and "图1" in text and "output/" not in text and ".csv" not in text
    assert "总体结论" in text and "速度校准系数" in "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)


def test_html_is_offline_and_escaped(report_project):  # type: ignore[no-untyped-def]
    from yitu.maps.offline import external_urls

    _, _, _, paths = report_project
    text = paths["html"].read_text(encoding="utf-8")
    assert external_urls(text) == []
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", text, re.I)
    assert "<script" not in text.lower()
    assert EVIL not in text and html_escape(EVIL) in text
    assert text.count("data:image/png;base64,") == 5  # the park-check map, timelines and routes
    assert "<table>" in text and "总体结论" in text


def html_escape(s: str) -> str:
    import html

    return html.escape(s)


@pytest.mark.browser
def test_report_opens_in_chromium(report_project):  # type: ignore[no-untyped-def]
    from tests.browser import needs_chromium, open_page

    if needs_chromium.args[0]:
        pytest.skip(needs_chromium.kwargs["reason"])
    _, _, _, paths = report_project
    with open_page(paths["html"]) as (page, console, blocked):
        assert blocked == []
        assert console.dialogs == [] and console.errors == []
        assert page.locator("table").count() >= 10
        n_img = page.evaluate("Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0).length")
        assert n_img == 5
        assert EVIL in page.inner_text("body")


def test_report_without_drill_and_bad_input(demo_project, demo_network, tmp_path):  # type: ignore[no-untyped-def]
    from docx import Document

    from yitu.errors import InputError, ProjectError
    from yitu.maps.report import readiness_report
    from yitu.routing.drill import run_drill

    paths = readiness_report(demo_project, network=demo_network, out_dir=tmp_path / "r",
                             gaps_result=__import__("yitu.routing.gaps", fromlist=["gaps"]).gaps(demo_project, demo_network))
    doc = Document(str(paths["docx"]))
    # without --drill the report still carries the park-check map
    assert len(doc.inline_shapes) == 1 and len(doc.tables) == 1 + 1 + 4 + 5
    html_text = paths["html"].read_text(encoding="utf-8")
    assert "未指定演练地点" in html_text
    # the settings table states the rule the builders apply: unlisted road classes are not driven
    assert "未列出的道路等级" in html_text and "default_kmh" not in html_text
    with pytest.raises(InputError, match="没有编号为 'E9999' 的企业"):
        run_drill(demo_project, at="E9999", network=demo_network, write=False)
    with pytest.raises(InputError, match="路网中没有这个名称的道路"):
        run_drill(demo_project, at="E0001", closed_names=["不存在路"], network=demo_network, write=False)
    with pytest.raises(ProjectError, match="yitu network build"):
        run_drill(demo_project, at="E0001", write=False)


def _run(argv):  # type: ignore[no-untyped-def]
    """Exit code of ``yitu ARGV`` through the console-script entry (0 when it returns normally)."""
    from yitu.cli import main

    try:
        main(argv)
    except SystemExit as e:
        return 0 if e.code is None else e.code
    return 0


def test_cli_drill_gaps_report_exit_codes(report_project, capsys, tmp_path):  # type: ignore[no-untyped-def]
    p = report_project[0]
    d = str(p.path)
    assert _run(["-q", "drill", d, "--at", "E0001"]) == 0  # every fire line met
    out = capsys.readouterr().out
    assert "救援力量到场排序" in out and "达标" in out and "全部满足" in out and "不满足 0 项，无法判定 0 项" in out
    # explosion: 2 rescue vehicles within 15 min is not met on the demo -> exit 3
    assert _run(["-q", "drill", d, "--at", "E0001", "--hazard", "explosion", "--closed", "岚江大桥"]) == 3
    out = capsys.readouterr().out
    assert "不达标" in out and "封闭前后对比" in out and "岚江大桥" in out
    for bad in (["--at", "E9999"], ["--at", "116.4,39.9"], ["--at", "E0001", "--closed", "不存在路"],
                ["--at", "E0001", "--hazard", "flood"]):
        assert _run(["-q", "drill", d, *bad]) == 2, bad
    area = tmp_path / "points.geojson"
    area.write_text('{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
                    '"geometry":{"type":"Point","coordinates":[119.45,32.35]}}]}', encoding="utf-8")
    capsys.readouterr()
    assert _run(["-q", "drill", d, "--at", "E0001", "--closed-area", str(area)]) == 2
    assert "封闭区域必须是多边形" in capsys.readouterr().err
    assert _run(["-q", "gaps", d]) == 0
    assert "时限外村庄" in capsys.readouterr().out and (p.output_dir / "gaps" / "gaps.xlsx").is_file()
    code = _run(["-q", "report", d, "--out", str(tmp_path / "rep")])
    assert (tmp_path / "rep" / "report.docx").is_file() and (tmp_path / "rep" / "report.html").is_file()
    # the exit code follows the verdict the report states (3 = FAIL, as for check and drill)
    said = capsys.readouterr().out
    assert ("总体结论：不通过" in said and code == 3) or ("总体结论：通过" in said and code == 0), (code, said)
    html_verdict = (tmp_path / "rep" / "report.html").read_text(encoding="utf-8").split("一、总体结论")[0]
    assert ("不通过" in html_verdict) == (code == 3)


def test_report_uses_stored_park_check(demo_copy, demo_network, tmp_path):  # type: ignore[no-untyped-def]
    import geopandas as gpd
    from docx import Document

    from yitu.maps.report import readiness_report

    parks = demo_copy.read("parks")
    check = gpd.GeoDataFrame({"park_id": ["P01"], "park_name": ["青岚化工园区（演示）"], "verdict": ["PASS"],
                              "limit_min": [15.0], "n_targets": [130], "n_fail": [0], "worst_miss_min": [0.0],
                              "covered_share": [1.0]}, geometry=parks.geometry.values, crs=4326)
    demo_copy.write("result_park_check", check)
    paths = readiness_report(demo_copy, network=demo_network, out_dir=tmp_path / "r")
    doc = Document(str(paths["docx"]))
    park = [t for t in doc.tables if t.rows[0].cells[0].text == "园区编号"][0]
    assert [c.text for c in park.rows[1].cells][:4] == ["P01", "青岚化工园区（演示）", "通过", "15.0"]
    assert park.rows[1].cells[7].text == "100%"
    # no park fails and no drill: PASS
    assert "通过" in paths["html"].read_text(encoding="utf-8").split("一、总体结论")[0]


def test_report_says_when_the_park_check_is_older_than_the_stations(demo_copy, demo_network, tmp_path):  # type: ignore[no-untyped-def]
    import time

    import geopandas as gpd

    from yitu.maps.report import report_content

    parks = demo_copy.read("parks")
    check = gpd.GeoDataFrame({"park_id": ["P01"], "park_name": ["青岚化工园区（演示）"], "verdict": ["PASS"],
                              "limit_min": [15.0], "n_targets": [130], "n_fail": [0], "worst_miss_min": [0.0],
                              "covered_share": [1.0]}, geometry=parks.geometry.values, crs=4326)
    demo_copy.write("result_park_check", check)
    fresh = report_content(demo_copy, network=demo_network)
    assert not any("已过期" in p for sec in fresh.sections for p in sec.paragraphs)
    time.sleep(0.01)
    demo_copy.write("stations", demo_copy.read("stations").iloc[:5])  # stations re-imported after the check
    stale = report_content(demo_copy, network=demo_network)
    note = [p for sec in stale.sections for p in sec.paragraphs if "已过期" in p]
    assert len(note) == 1 and "stations" in note[0] and "请重新核查" in note[0]


def test_docx_holds_control_characters_and_fits_wide_tables(tmp_path):
    import pandas as pd
    from docx import Document

    from yitu.maps.report import ReportContent, Section, Table, _docx

    wide = pd.DataFrame({f"c{i}": [f"江海\x0b化工{i}", "乙"] for i in range(10)})
    narrow = pd.DataFrame({"name": ["一个很长很长的救援力量名称", "短"], "n": [1, 2]})
    c = ReportContent(title="报告\x0b", verdict="PASS", counts={}, created="2026-01-01 08:00",
                      sections=[Section("一、\x00测试", ["段落\x0c"], [Table("宽表", wide, {}), Table("窄表", narrow, {"name": "名称", "n": "数"})])])
    path = tmp_path / "r.docx"
    _docx(c, path, unit="青岚县")
    doc = Document(str(path))
    assert "江海 化工0" in doc.tables[0].rows[1].cells[0].text  # the vertical tab became a space
    land = [s for s in doc.sections if s.page_width > s.page_height]
    assert land and round(land[0].page_width.mm) == 297  # the 10-column table on a landscape A4 page
    t = doc.tables[1]
    w = [c.width for c in t.rows[0].cells]
    assert w[0] > 2 * w[1]  # widths fitted to content, not equal
    assert "青岚县" in "\n".join(p.text for p in doc.paragraphs[:3])  # the title block names the unit
