"""Static map images: grade colours in the pixels, Chinese text without boxes, real paper sizes."""

from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib import image as mpimg
from matplotlib.figure import Figure

from yitu.errors import FontError, InputError, ProjectError
from yitu.layers.grading import grade_enterprises, grade_zones
from yitu.maps import fonts, static, style
from yitu.words.maps import grade_label, map_text

DPI = 90
A4_PT = (595.28, 841.89)
A3_PT = (841.89, 1190.55)


def _hex_rgb(colour: str) -> np.ndarray:
    colour = colour.lstrip("#")
    return np.array([int(colour[i : i + 2], 16) for i in (0, 2, 4)], dtype=float) / 255.0


def _map_pixels(png: Path, fig: Figure) -> np.ndarray:
    """The pixels inside the map frame only (the legend, outside the frame, also holds the colours)."""
    img = mpimg.imread(png)[..., :3]
    h, w = img.shape[:2]
    pos = fig.axes[0].get_position()
    r0, r1 = int(np.ceil((1 - pos.y1) * h)) + 2, int((1 - pos.y0) * h) - 2
    c0, c1 = int(np.ceil(pos.x0 * w)) + 2, int(pos.x1 * w) - 2
    return img[r0:r1, c0:c1]


def _count(pixels: np.ndarray, colour: str, tol: float = 0.035) -> int:
    return int((np.abs(pixels - _hex_rgb(colour)).max(axis=-1) <= tol).sum())


def _no_glyph_warnings(fig: Figure) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    return [str(w.message) for w in caught if "Glyph" in str(w.message) or "missing from font" in str(w.message)]


def _all_text(fig: Figure) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


@pytest.fixture(scope="module")
def risk_map(demo_project, tmp_path_factory):  # type: ignore[no-untyped-def]
    fig = static.render(demo_project, what="risk")
    png = static.save_figure(fig, tmp_path_factory.mktemp("img") / "risk.png", dpi=DPI)
    return fig, png


def test_risk_png_shows_the_four_grade_colours(risk_map, demo_project) -> None:  # type: ignore[no-untyped-def]
    fig, png = risk_map
    pixels = _map_pixels(png, fig)
    counts = {g: _count(pixels, c) for g, c in style.GRADE_COLOURS.items()}
    assert all(n >= 10 for n in counts.values()), counts
    graded = grade_enterprises(
        demo_project.read("enterprises"), demo_project.read("risk_zones"), settings=demo_project.settings
    )
    n = graded["grade"].value_counts()
    # the demo has far more blue (低风险) than yellow enterprises, and the pixels say so
    assert n[4] > n[3] and counts[4] > counts[3]


def test_ungraded_enterprises_are_grey_not_dropped(risk_map, demo_project, demo_copy, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fig, png = risk_map
    graded = grade_enterprises(
        demo_project.read("enterprises"), demo_project.read("risk_zones"), settings=demo_project.settings
    )
    n_none = int(graded["grade"].isna().sum())
    assert n_none > 0, "the demo is expected to hold ungraded enterprises"
    assert f"{grade_label(None)}（{n_none}）" in _all_text(fig)
    grey = _count(_map_pixels(png, fig), style.UNGRADED_COLOUR)
    # control: grade them all (blue) and their grey leaves the map (anti-aliased edges stay greyish)
    ent = demo_copy.read("enterprises")
    ent.loc[graded["grade"].isna().to_numpy(), "risk_grade"] = 4
    demo_copy.write("enterprises", ent)
    fig2 = static.render(demo_copy, what="risk")
    png2 = static.save_figure(fig2, tmp_path / "all_graded.png", dpi=DPI)
    pixels2 = _map_pixels(png2, fig2)
    assert grey - _count(pixels2, style.UNGRADED_COLOUR) >= 4 * n_none
    assert _count(pixels2, style.GRADE_COLOURS[4]) > _count(_map_pixels(png, fig), style.GRADE_COLOURS[4])
    assert f"{grade_label(None)}（{n_none}）" not in _all_text(fig2)


def test_chinese_text_draws_without_missing_glyphs(risk_map) -> None:  # type: ignore[no-untyped-def]
    fig, _ = risk_map
    assert not _no_glyph_warnings(fig)
    texts = _all_text(fig)
    assert any("安全风险四色分布图" in t for t in texts)
    assert any(t.startswith("数据日期") for t in texts) and "北" in texts and "图例" in texts
    # every text on the figure is set in a font that really has Chinese glyphs
    from matplotlib.text import Text

    for t in fig.findobj(Text):
        if re.search(r"[\u4e00-\u9fff]", t.get_text()):
            found = font_manager.findfont(t.get_fontproperties(), fallback_to_default=False)
            assert fonts.has_cjk_glyphs(str(found), int(getattr(found, "face_index", 0) or 0)), t.get_text()


def test_legend_and_scale_bar(risk_map) -> None:  # type: ignore[no-untyped-def]
    fig, _ = risk_map
    ax = fig.axes[0]
    legend = ax.get_legend()
    labels = [t.get_text() for t in legend.get_texts()]
    for g in (1, 2, 3, 4):
        assert any(lbl.startswith(grade_label(g)) for lbl in labels)
    # the legend sits beside the map frame, not over it
    fig.canvas.draw()
    lb = legend.get_window_extent()
    ab = ax.get_window_extent()
    assert lb.x0 >= ab.x1
    from matplotlib_scalebar.scalebar import ScaleBar

    assert [a for a in ax.artists if isinstance(a, ScaleBar)]


def test_pdf_has_the_paper_size(demo_project, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for paper, size in (("A4", A4_PT), ("A3", A3_PT)):
        fig = static.render(demo_project, what="risk", paper=paper)
        pdf = static.save_figure(fig, tmp_path / f"risk_{paper}.pdf")
        raw = pdf.read_bytes()
        assert raw.startswith(b"%PDF")
        boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", raw)
        assert len(boxes) == 1
        x0, y0, x1, y1 = (float(v) for v in boxes[0])
        assert sorted((x1 - x0, y1 - y0)) == pytest.approx(size, abs=0.05), (paper, boxes)
        assert "安全风险四色分布图".encode("utf-16-be") in raw or b"Title" in raw


def test_svg_is_written(demo_project, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fig = static.render(demo_project, what="risk", lang="en")
    svg = static.save_figure(fig, tmp_path / "risk.svg")
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    w, h = (float(root.get(k, "0").removesuffix("pt")) for k in ("width", "height"))
    assert sorted((w, h)) == pytest.approx(A4_PT, abs=0.05)
    assert "Four-colour safety-risk map" in " ".join(_all_text(fig))


def test_enterprise_map_shows_its_zone_colours(demo_project, tmp_path) -> None:  # type: ignore[no-untyped-def]
    zones = grade_zones(demo_project.read("risk_zones"), settings=demo_project.settings)
    eid = zones["enterprise_id"].value_counts().index[0]  # the plant with the most zones
    mine = zones[zones["enterprise_id"] == eid]
    expected = {int(g) for g in mine["grade"].dropna()}
    assert len(expected) >= 2
    fig = static.render(demo_project, enterprise_id=eid)
    png = static.save_figure(fig, tmp_path / "plant.png", dpi=DPI)
    pixels = _map_pixels(png, fig)
    for g in expected:
        # zones are drawn at alpha 0.9 over the map background
        blend = 0.9 * _hex_rgb(style.GRADE_COLOURS[g]) + 0.1 * _hex_rgb("#FBFBF8")
        hexed = "#" + "".join(f"{int(round(v * 255)):02X}" for v in blend)
        assert _count(pixels, hexed, tol=0.03) > 200, (g, hexed)
    texts = _all_text(fig)
    name = demo_project.read("enterprises").set_index("id").loc[eid, "name"]
    assert any(name in t and "企业内部四色分布图" in t for t in texts)
    assert any(str(mine["name"].iloc[0]) in t for t in texts)
    assert not _no_glyph_warnings(fig)


def test_unknown_enterprise_lists_ids_that_exist(demo_project) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=r"没有编号为 'E9999' 的企业.*E0001.*yitu lists"):
        static.render(demo_project, enterprise_id="E9999")
    with pytest.raises(InputError, match="--enterprise"):
        static.render(demo_project, what="enterprise")


def test_coverage_without_results_names_yitu_check(demo_project) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ProjectError, match=r"yitu check"):
        static.render(demo_project, what="coverage")


def _store_results(project) -> None:  # type: ignore[no-untyped-def]
    """Result layers in the shape `yitu check` stores them (bands around the stations; one failing park)."""
    crs = project.metric_crs()
    st = project.read("stations").to_crs(crs)
    rows, prev = [], None
    for band, r in ((5.0, 1500.0), (10.0, 3000.0), (15.0, 5000.0)):
        u = st.buffer(r).union_all()
        rows.append({"station_id": "ALL", "station_name": "全部", "band_min": band,
                     "geometry": u if prev is None else u.difference(prev)})
        prev = u
    project.write("result_isochrones", gpd.GeoDataFrame(rows, crs=crs))
    park = project.read("parks")
    project.write("result_park_check", gpd.GeoDataFrame(
        {"park_id": park["id"], "park_name": park["name"], "verdict": "FAIL", "limit_min": 15.0, "n_targets": 10,
         "n_fail": 3, "worst_miss_min": 2.5, "covered_share": 0.8}, geometry=park.geometry, crs=park.crs))
    ent = project.read("enterprises").head(10)
    project.write("result_park_targets", gpd.GeoDataFrame(
        {"park_id": "P01", "kind": "enterprise", "target_id": ent["id"], "name": ent["name"],
         "arrival_min": [12.0] * 7 + [16.0] * 3, "within_limit": [True] * 7 + [False] * 3,
         "miss_min": [0.0] * 7 + [1.0] * 3, "nearest_station_id": "S01", "status": "ok"},
        geometry=ent.geometry, crs=ent.crs))


def test_coverage_map_draws_the_check_results(demo_copy, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _store_results(demo_copy)
    fig = static.render(demo_copy, what="coverage")
    texts = _all_text(fig)
    for m in (5, 10, 15):
        assert map_text("isochrone", m=str(m)) in texts
    assert "超时目标（3）" in texts and "园区未达标" in texts
    png = static.save_figure(fig, tmp_path / "coverage.png", dpi=DPI)
    pixels = _map_pixels(png, fig)
    blend = 0.8 * _hex_rgb(style.BAND_COLOURS[0]) + 0.2 * _hex_rgb("#FBFBF8")
    assert _count(pixels, "#" + "".join(f"{int(round(v * 255)):02X}" for v in blend), tol=0.03) > 1000
    assert not _no_glyph_warnings(fig)


def test_map_axes_paper_and_orientation() -> None:
    wide = (119.3, 32.3, 119.6, 32.4)
    fig, ax = static.map_axes(wide, paper="A4", title="测试")
    assert fig.get_size_inches() == pytest.approx((297 / 25.4, 210 / 25.4))
    tall = (119.3, 32.0, 119.4, 32.6)
    fig, ax = static.map_axes(tall, paper="A0")
    assert fig.get_size_inches() == pytest.approx((841 / 25.4, 1189 / 25.4))
    # the frame shows the whole requested area at equal scale
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    pos = ax.get_position()
    w_in, h_in = pos.width * fig.get_figwidth(), pos.height * fig.get_figheight()
    assert (x1 - x0) / w_in == pytest.approx((y1 - y0) / h_in, rel=1e-6)
    with pytest.raises(InputError, match="未知纸张 'B5'"):
        static.map_axes(wide, paper="B5")


def test_no_cjk_font_fails_before_drawing(demo_project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(fonts, "_search_system", lambda: None)
    with pytest.raises(FontError, match="apt-get install fonts-noto-cjk"):
        static.render(demo_project, what="risk")
    dejavu = Path(__import__("matplotlib").get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    with pytest.raises(FontError, match="没有汉字"):
        static.render(demo_project, what="risk", font=str(dejavu))


def test_save_figure_refuses_unknown_format(risk_map, tmp_path) -> None:  # type: ignore[no-untyped-def]
    fig, _ = risk_map
    with pytest.raises(InputError, match=r"\.png、\.svg 或 \.pdf"):
        static.save_figure(fig, tmp_path / "map.jpg")
    assert not list(tmp_path.iterdir())


def test_data_date_is_the_latest_update() -> None:
    a = pd.DataFrame({"updated_at": ["2025-01-02", None]})
    b = pd.DataFrame({"updated_at": [pd.Timestamp("2025-03-04")]})
    assert str(static.data_date(a, b, None)) == "2025-03-04"
    assert static.data_date(pd.DataFrame({"x": [1]})) is None


def test_cli_render(demo_project, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from yitu.cli import main
    from yitu.layers.project import Project

    d = tmp_path / "p"
    shutil.copytree(demo_project.path, d)
    main(["-q", "render", str(d), "--dpi", "60"])
    out = capsys.readouterr().out.strip()
    assert Path(out) == d / "output" / "images" / "risk.png" and Path(out).stat().st_size > 10_000
    main(["-q", "render", str(d), "--enterprise", "E0005", "--format", "svg"])
    assert (d / "output" / "images" / "enterprise_E0005.svg").exists()
    capsys.readouterr()
    with pytest.raises(SystemExit) as bad:
        main(["-q", "render", str(d), "--what", "coverage"])
    assert bad.value.code == 2
    assert "yitu check" in capsys.readouterr().err
    assert Project.open(d).has("enterprises")


def test_park_map_zooms_and_names_the_red_enterprises(demo_project) -> None:  # type: ignore[no-untyped-def]
    parks = demo_project.read("parks")
    pid = str(parks["id"].iloc[0])
    fig = static.render(demo_project, what="risk", park_id=pid)
    texts = _all_text(fig)
    assert any(str(parks["name"].iloc[0]) in t and "安全风险四色分布图" in t for t in texts)
    graded = grade_enterprises(
        demo_project.read("enterprises"), demo_project.read("risk_zones"), settings=demo_project.settings
    )
    in_park = graded[graded.within(parks.geometry.iloc[0])]
    red = in_park[in_park["grade"] == 1]
    assert len(red) and all(name in texts for name in red["name"])
    # the legend counts what the zoomed map shows: the park's enterprises, not the county's
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    shown = sum(int(m.group(1)) for lbl in labels[1:6] if (m := re.search(r"（(\d+)）$", lbl)))
    assert len(in_park) <= shown < len(graded)
    county = static.render(demo_project, what="risk")
    assert np.ptp(county.axes[0].get_xlim()) > 3 * np.ptp(fig.axes[0].get_xlim())
    with pytest.raises(InputError, match="没有编号为 'P99' 的园区；园区有：P01"):
        static.render(demo_project, what="risk", park_id="P99")


def test_enterprise_footprint_polygon_and_plant_without_zones(demo_copy, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ent = demo_copy.read("enterprises")
    zones = demo_copy.read("risk_zones")
    with_zones = str(zones["enterprise_id"].iloc[0])
    crs = demo_copy.metric_crs()
    i = ent.index[ent["id"] == with_zones][0]
    ent.loc[[i], "geometry"] = ent.loc[[i]].to_crs(crs).buffer(120.0, cap_style="square").to_crs(ent.crs)
    demo_copy.write("enterprises", ent)
    fig = static.render(demo_copy, enterprise_id=with_zones)
    # the footprint is outlined in black and the frame holds all of it
    (x0, x1), (y0, y1) = fig.axes[0].get_xlim(), fig.axes[0].get_ylim()
    fb = demo_copy.read("enterprises").set_index("id").loc[[with_zones]].to_crs(crs).total_bounds
    assert x0 <= fb[0] and fb[2] <= x1 and y0 <= fb[1] and fb[3] <= y1
    no_zones = sorted(set(ent["id"]) - set(zones["enterprise_id"]))[0]
    fig2 = static.render(demo_copy, enterprise_id=no_zones)
    assert any("企业内部四色分布图" in t for t in _all_text(fig2))
    assert not _no_glyph_warnings(fig2)


def test_stale_data_is_flagged_in_the_notes(demo_copy) -> None:  # type: ignore[no-untyped-def]
    for name in demo_copy.layers():  # the data date is one date for the whole project
        layer = demo_copy.read(name)
        if "updated_at" in layer.columns:
            layer["updated_at"] = "2020-01-15"
            demo_copy.write(name, layer)
    fig = static.render(demo_copy, what="risk")
    notes = [t for t in _all_text(fig) if t.startswith("数据日期")]
    assert notes and "2020-01-15" in notes[0] and "超过 12 个月未更新" in notes[0]


def test_enterprise_map_legend_lists_only_what_is_drawn(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # no roads in the project and the only other zone is kilometres away: the legend names neither
    from shapely.geometry import Point

    from yitu.layers.load import import_layer
    from yitu.layers.project import Project

    p = Project.init(tmp_path / "p")
    ent = pd.DataFrame({"编号": ["1", "2"], "企业名称": ["甲", "乙"], "经度": ["118.10", "118.20"], "纬度": ["32.10", "32.20"]})
    import_layer(p, "enterprises", ent)
    zones = gpd.GeoDataFrame({"id": ["Z1"], "enterprise_id": ["1"], "name": ["罐区"], "risk_grade": ["红"]},
                             geometry=[Point(118.10, 32.10).buffer(0.0005)], crs=4326)
    import_layer(p, "risk_zones", zones)
    texts = _all_text(static.render(p, enterprise_id="2"))
    assert "道路" not in texts and "相邻企业风险分区" not in texts
    texts = _all_text(static.render(p, enterprise_id="1"))
    assert "道路" not in texts and "相邻企业风险分区" not in texts
    assert "重大风险（1）" in texts


def test_cli_render_enterprise_id_with_a_slash_stays_one_file(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # an office id such as 2023/001 went into the file name as a folder: images/enterprise_2023/001.png
    from yitu.cli import main
    from yitu.layers.load import import_layer
    from yitu.layers.project import Project

    d = tmp_path / "p"
    p = Project.init(d)
    ent = pd.DataFrame({"编号": ["2023/001", "../x"], "企业名称": ["甲", "乙"], "经度": ["118.10", "118.11"],
                        "纬度": ["32.10", "32.11"]})
    import_layer(p, "enterprises", ent)
    for eid in ("2023/001", "../x"):
        main(["-q", "render", str(d), "--enterprise", eid, "--dpi", "40"])
        out = Path(capsys.readouterr().out.strip())
        assert out.parent == d / "output" / "images" and out.exists(), out
    assert sorted(f.name for f in (d / "output" / "images").iterdir()) == ["enterprise_.._x.png", "enterprise_2023_001.png"]


def test_emoji_in_a_name_is_one_log_line_not_a_warning_per_glyph(tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    # the CJK font has no emoji: matplotlib warned "Glyph 128640 missing from font(s)" (with a source
    # path) on the console; now one log line names the characters drawn as boxes
    from yitu.layers.load import import_layer
    from yitu.layers.project import Project

    p = Project.init(tmp_path / "p")
    import_layer(p, "enterprises", pd.DataFrame({"编号": ["1"], "企业名称": ["丁🚀公司"], "经度": ["118.10"], "纬度": ["32.10"]}))
    fig = static.render(p, enterprise_id="1")
    with caplog.at_level("WARNING", logger="yitu.maps.static"):
        out = static.save_figure(fig, tmp_path / "e.png", dpi=40)
    assert out.exists()
    assert any("显示为方框：🚀" in r.getMessage() for r in caplog.records)  # Chinese unless --lang en


def test_enterprise_map_with_an_empty_enterprises_layer_says_so(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # every row rejected: the message read "(0 enterprises; e.g. )"
    from yitu.layers.load import AllRejectedError, empty_layer, import_layer
    from yitu.layers.project import Project

    p = Project.init(tmp_path / "p")
    with pytest.raises(AllRejectedError):  # an import that rejects every row stores nothing ...
        import_layer(p, "enterprises", pd.DataFrame({"企业名称": [""], "经度": ["118.10"], "纬度": ["32.10"]}))
    p.write("enterprises", empty_layer("enterprises"))  # ... so the empty layer is written here
    with pytest.raises(InputError, match="企业图层是空的.*rejected.*yitu import"):
        static.render(p, enterprise_id="1")


def test_dollar_signs_in_names_are_text_not_tex(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from yitu.layers.load import import_layer
    from yitu.layers.project import Project

    p = Project.init(tmp_path / "p")
    import_layer(p, "enterprises", pd.DataFrame({"编号": ["1"], "企业名称": ["园$区$_1"], "经度": ["118.10"], "纬度": ["32.10"]}))
    fig = static.render(p, enterprise_id="1")
    from matplotlib.text import Text

    titles = [t for t in fig.findobj(Text) if "园$区$_1" in t.get_text()]
    # parsed as TeX, the title came out as "园¤_1" (mathtext's 'rm' font has no 区)
    assert titles and all(not t._parse_math for t in titles)
