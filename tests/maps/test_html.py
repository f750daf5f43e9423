"""The HTML risk map: layers and counts, escaping, GCJ-02 shift, offline file, CLI — and a real browser.

The browser tests open the written file in Debian's headless Chromium with every non-file request
aborted (tests/browser.py), so "works offline" is checked by the thing that matters: a browser.
"""

from __future__ import annotations

import re

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely
from typer.testing import CliRunner

from tests.browser import browser_session, needs_chromium, open_page
from yitu.cli import app
from yitu.errors import InputError
from yitu.gis.crs import wgs84_to_gcj02
from yitu.maps.html import LAYER_ORDER, layer_features, risk_map
from yitu.maps import style
from yitu.maps.offline import external_urls, inline_assets_check, save_html

POINT_AND_AREA_LAYERS = ("parks", "risk_zones", "enterprises", "stations", "shelters", "targets", "water_sources", "depots")
GRADE_RGB = {"重大风险": (0xE6, 0x00, 0x12), "较大风险": (0xFF, 0x8C, 0x00), "一般风险": (0xFF, 0xE6, 0x00), "低风险": (0x00, 0x70, 0xC0)}
EVIL = ["<script>alert(1)</script>", '"><img src=x onerror=alert(2)>', "`${alert(3)}`\\", "</script><script>alert(5)</script>"]

# Leaf layers per overlay, and how many of them have an SVG path in the document.
COUNT_JS = """() => {
    const out = {};
    for (const [key, group] of Object.entries(window.yitu.groups)) {
        if (key.startsWith('base_')) { continue; }
        let n = 0, drawn = 0;
        const walk = (l) => {
            if (l.getLayers) { l.getLayers().forEach(walk); }
            else { n += 1; if (l._path && l._path.isConnected) { drawn += 1; } }
        };
        walk(group);
        out[key] = [n, drawn];
    }
    return out;
}"""


def _drawable(gdf: gpd.GeoDataFrame) -> int:
    g = gdf.geometry
    return int((~(g.isna() | g.is_empty)).sum())


def expected_counts(project, network=None) -> dict[str, int]:
    """Features each overlay must show, counted from the project itself."""
    exp = {name: _drawable(project.read(name)) for name in POINT_AND_AREA_LAYERS if project.has(name)}
    if network is not None:
        exp["roads"] = len(network.edges_gdf())
    return exp


def add_results(project) -> dict[str, int]:
    """Store result layers shaped like `yitu check` output; return the features the map must show."""
    crs = project.metric_crs()
    st = project.read("stations").to_crs(crs)
    parks = project.read("parks")
    allst = shapely.union_all(st.geometry.values)
    rings, prev = [], None
    for b in (5.0, 10.0, 15.0):
        disc = allst.buffer(b * 250.0)
        rings.append(disc if prev is None else disc.difference(prev))
        prev = disc
    one = st.geometry.iloc[0].buffer(1500.0)
    iso = gpd.GeoDataFrame(
        {"station_id": ["ALL", "ALL", "ALL", str(st["id"].iloc[0])], "station_name": ["全部", "全部", "全部", "one"],
         "band_min": [5.0, 10.0, 15.0, 5.0]},
        geometry=[*rings, one], crs=crs,
    )
    project.write("result_isochrones", iso)
    minx, miny, maxx, maxy = st.total_bounds
    midx = (minx + maxx) / 2
    resp = gpd.GeoDataFrame(
        {"station_id": ["A", "B"], "station_name": ["西站", "东站"]},
        geometry=[shapely.box(minx, miny, midx, maxy), shapely.box(midx, miny, maxx, maxy)], crs=crs,
    )
    project.write("result_responsibility", resp)
    project.write("result_park_check", gpd.GeoDataFrame(
        {"park_id": parks["id"].astype(str), "park_name": parks["name"], "verdict": "FAIL", "limit_min": 15.0,
         "n_targets": 5, "n_fail": 2, "worst_miss_min": 3.5, "covered_share": 0.8},
        geometry=parks.geometry.values, crs=4326,
    ))
    pts = parks.geometry.iloc[0].exterior.interpolate(np.linspace(0, 1, 5), normalized=True)
    project.write("result_park_targets", gpd.GeoDataFrame(
        {"park_id": str(parks["id"].iloc[0]), "kind": "boundary", "target_id": [f"B{i}" for i in range(5)],
         "name": [f"边界点{i}" for i in range(5)], "arrival_min": [10.0, 12.0, 18.5, 14.0, np.nan],
         "within_limit": [True, True, False, True, False], "miss_min": [0.0, 0.0, 3.5, 0.0, np.nan],
         "nearest_station_id": "S01", "status": ["ok", "ok", "ok", "ok", "unreachable"]},
        geometry=list(pts), crs=4326,
    ))
    return {"isochrones": 3, "responsibility": 2, "park_check": 1, "park_check_fail": 2}


def _features(m: folium.Map, key: str) -> list[dict]:
    return layer_features(m, key)


# -- without a browser ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_map(demo_project, demo_network, tmp_path_factory):
    m = risk_map(demo_project, network=demo_network)
    path = save_html(m, tmp_path_factory.mktemp("html") / "risk_map.html")
    return m, path


def test_every_layer_with_its_row_count(demo_map, demo_project, demo_network):
    m, path = demo_map
    exp = expected_counts(demo_project, demo_network)
    assert m.yitu_counts == exp
    assert list(m.yitu_counts) == [k for k in LAYER_ORDER if k in exp]  # drawing order: roads under points
    text = path.read_text(encoding="utf-8")
    for word in ("重大风险", "较大风险", "一般风险", "低风险", "未定级", "图例", "安全风险四色分布图"):
        assert word in text


def test_ungraded_enterprises_are_grey_and_counted(demo_map, demo_project):
    m, _ = demo_map
    feats = _features(m, "enterprises")
    ent = demo_project.read("enterprises")
    assert len(feats) == len(ent)
    colours = pd.Series([f["style"]["fillColor"] for f in feats])
    grey = int((colours == "#9E9E9E").sum())
    assert grey >= 1 and grey <= int(ent["risk_grade"].isna().sum())
    assert set(colours) <= {"#E60012", "#FF8C00", "#FFE600", "#0070C0", "#9E9E9E"}
    # marker size grows with the 重大危险源 level
    radius = pd.Series([f["style"]["radius"] for f in feats])
    level = pd.to_numeric(ent["major_hazard_level"], errors="coerce").fillna(0).to_numpy()
    assert radius[level == 1].min() > radius[level == 4].max() > radius[level == 0].max()
    # maps older than 12 months are flagged (年度更新制度)
    old = pd.to_datetime(ent["updated_at"]) < pd.Timestamp.today().normalize() - pd.DateOffset(months=12)
    flagged = [("超过 12 个月未更新" in f["rows"].values()) for f in feats]
    assert sum(flagged) == int(old.sum()) > 0


def test_offline_file_loads_nothing_external(demo_map):
    _, path = demo_map
    text = path.read_text(encoding="utf-8")
    assert external_urls(text) == [] and inline_assets_check(text) == []
    assert not re.search(r"<script[^>]+src=", text) and not re.search(r"<link[^>]+stylesheet", text)
    assert "Leaflet 1.9.3" in text
    # stricter than external_urls: every http(s) string outside the inlined libraries
    outside = re.sub(r"<(script|style)[^>]*data-yitu-inline[^>]*>.*?</\1>", "", text, flags=re.S)
    assert re.findall(r"https?://[^\s\"'<>)]+", outside) == []
    inside = set(re.findall(r"https?://[^\s\"'<>)]+", text))
    # in Leaflet itself: its link text, the SVG namespace, a bug link in a CSS comment
    assert inside <= {"https://leafletjs.com", "http://www.w3.org/2000/svg", "https://bugzilla.mozilla.org/show_bug.cgi?id=888319"}


def test_online_keeps_the_cdn_links(demo_project, tmp_path):
    m = risk_map(demo_project)
    text = save_html(m, tmp_path / "online.html", offline=False).read_text(encoding="utf-8")
    urls = external_urls(text)
    assert "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js" in urls
    assert "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css" in urls
    assert "data-yitu-inline" not in text


def test_user_text_is_escaped_in_the_file(demo_copy, tmp_path):
    ent = demo_copy.read("enterprises")
    ent.loc[ent.index[0], "name"] = EVIL[0]
    ent.loc[ent.index[1], "name"] = EVIL[1]
    demo_copy.write("enterprises", ent)
    m = risk_map(demo_copy, title=EVIL[3])
    text = save_html(m, tmp_path / "m.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in text and "<img src=x" not in text and "alert(5)</script>" not in text
    assert "&lt;script&gt;alert(5)&lt;/script&gt;" in text  # the title, as text
    feats = _features(m, "enterprises")
    assert any(f["title"] == EVIL[0] for f in feats)  # kept as typed: the page sets it with textContent
    assert any(f["tip"].startswith(EVIL[1]) for f in feats)


def test_a_url_in_a_name_is_text_not_a_load(demo_copy, tmp_path):
    """A name holding a URL (an Excel formula pasted into a cell) goes into the page's data as text:
    the offline map is still written, and the URL is no resource the page loads."""
    ent = demo_copy.read("enterprises")
    ent.loc[ent.index[0], "name"] = '=HYPERLINK("http://evil.example","点我")'
    ent.loc[ent.index[1], "name"] = "https://cdn.example.com/x.js"
    demo_copy.write("enterprises", ent)
    text = save_html(risk_map(demo_copy, tiles="none"), tmp_path / "m.html").read_text(encoding="utf-8")
    assert "evil.example" in text and "cdn.example.com/x.js" in text  # kept, as data
    assert external_urls(text) == []
    # the same URL in a script that runs is still found
    assert external_urls('<script type="application/json">{"a": "https://x.example/d"}</script>'
                         '<script>fetch("https://x.example/d")</script>') == ["https://x.example/d"]


def test_gaode_tiles_shift_every_overlay_to_gcj02(demo_project):
    wgs = risk_map(demo_project, tiles="none")
    gcj = risk_map(demo_project, tiles="gaode")
    assert gcj.yitu_tiles.datum == "gcj02" and gcj.yitu_counts == wgs.yitu_counts
    a = np.array([f["geometry"]["coordinates"] for f in _features(wgs, "enterprises")])
    b = np.array([f["geometry"]["coordinates"] for f in _features(gcj, "enterprises")])
    ent = demo_project.read("enterprises")
    np.testing.assert_allclose(a, np.column_stack([ent.geometry.x, ent.geometry.y]), atol=1e-6)
    lon, lat = wgs84_to_gcj02(a[:, 0], a[:, 1])
    np.testing.assert_allclose(b, np.column_stack([lon, lat]), atol=2e-6)
    _, _, dist = pyproj.Geod(ellps="WGS84").inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    assert 200 < dist.min() and dist.max() < 1000  # the GCJ offset in eastern China: a few hundred metres
    park_w = np.array(_features(wgs, "parks")[0]["geometry"]["coordinates"][0])
    park_g = np.array(_features(gcj, "parks")[0]["geometry"]["coordinates"][0])
    assert np.abs(park_g - park_w).max() > 1e-3  # polygons move too
    assert "autonavi.com" in gcj.get_root().render()


def test_result_layers_of_check_are_drawn(demo_copy):
    exp = add_results(demo_copy)
    m = risk_map(demo_copy)
    for key, n in exp.items():
        assert m.yitu_counts[key] == n, key
    feats = _features(m, "park_check_fail")
    tips = [f["tip"] for f in feats]
    assert tips == ["边界点2 · 超时 3.5 分钟", "边界点4 · 不可达"]  # the failing targets say by how much / why
    text = m.get_root().render()
    assert "15 分钟可达" in text and "未达标" in text  # in the legend
    # the failing boundary point reached late says 超时 (not 可达), and 编号 appears once
    assert feats[0]["rows"]["状态"] == "超时" and feats[1]["rows"]["状态"] == "不可达"
    assert feats[0]["rows"]["编号"] == "B2" and feats[0]["rows"]["所属园区"]
    bands = [f["style"]["fillColor"] for f in _features(m, "isochrones")]
    assert bands == list(style.BAND_COLOURS[:3])[::-1]  # 15, 10, 5 min: the near band drawn on top


def test_english_legend(demo_project):
    text = risk_map(demo_project, lang="en").get_root().render()
    for word in ("Legend", "Major", "Significant", "Moderate", "Low", "Ungraded", "Rescue forces", "Special service station"):
        assert word in text
    with pytest.raises(InputError, match="语言 'fr'"):
        risk_map(demo_project, lang="fr")


def test_unknown_tiles_and_missing_key(demo_project, monkeypatch):
    with pytest.raises(InputError, match="未知底图 'googlemaps'"):
        risk_map(demo_project, tiles="googlemaps")
    monkeypatch.delenv("YITU_TIANDITU_KEY", raising=False)
    with pytest.raises(InputError, match="YITU_TIANDITU_KEY"):
        risk_map(demo_project, tiles="tianditu")


def test_external_urls_finds_what_a_browser_loads():
    page = """<html><head>
    <script src="https://cdn.example.com/lib.js"></script>
    <link rel="stylesheet" href="//cdn.example.com/a.css"/>
    <link rel="canonical" href="https://example.com/page"/>
    <style>.x{background:url("https://img.example.com/bg.png")} @import "https://fonts.example.com/f.css";</style>
    <script data-yitu-inline="leaflet">var doc = "https://leafletjs.com";</script>
    </head><body><img src="https://img.example.com/i.png"><a href="https://example.com/about">about</a>
    <div style="background-image:url(https://img.example.com/d.png)"></div>
    <script>L.tileLayer("https://tile.example.org/{z}/{x}/{y}.png"); fetch("https://api.example.com/data");</script>
    </body></html>"""
    assert external_urls(page) == [
        "https://cdn.example.com/lib.js", "//cdn.example.com/a.css", "https://img.example.com/i.png",
        "https://img.example.com/d.png", "https://img.example.com/bg.png", "https://fonts.example.com/f.css",
        "https://api.example.com/data",
    ]


def test_plain_folium_map_is_made_offline_and_plugins_are_refused(tmp_path):
    m = folium.Map(location=[32.3, 119.4], zoom_start=10, tiles=None)
    folium.CircleMarker([32.3, 119.4], radius=5).add_to(m)
    text = save_html(m, tmp_path / "plain.html").read_text(encoding="utf-8")
    assert external_urls(text) == []
    assert 'data-yitu-inline="jquery"' in text and 'data-yitu-inline="leaflet 1.9.3"' in text
    for dropped in ("bootstrap.bundle", "bootstrap.min.css", "fontawesome", "awesome-markers", "cdn.jsdelivr.net"):
        assert dropped not in text
    m2 = folium.Map(location=[32.3, 119.4], tiles=None)
    folium.Marker([32.3, 119.4], icon=folium.Icon(color="red")).add_to(m2)  # needs the awesome-markers plugin
    with pytest.raises(InputError, match="awesome-markers"):
        save_html(m2, tmp_path / "plugin.html")
    assert not (tmp_path / "plugin.html").exists()


def test_cli_map(demo_copy):
    runner = CliRunner()
    r = runner.invoke(app, ["map", str(demo_copy.path)])
    assert r.exit_code == 0, r.output
    out = demo_copy.output_dir / "risk_map.html"
    assert out.exists() and str(out) in r.output.replace("\n", "")
    assert re.search(r"enterprises\s*│\s*336", r.output)
    assert external_urls(out.read_text(encoding="utf-8")) == []
    r = runner.invoke(app, ["map", str(demo_copy.path), "--online", "--lang", "en", "--out", str(demo_copy.path / "o.html")])
    assert r.exit_code == 0, r.output
    assert "cdn.jsdelivr.net" in (demo_copy.path / "o.html").read_text(encoding="utf-8")
    r = runner.invoke(app, ["map", str(demo_copy.path), "--tiles", "nonsense"])
    assert r.exit_code != 0


# -- in a real browser ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    with browser_session() as b:
        yield b


@needs_chromium
@pytest.mark.browser
def test_browser_demo_map(browser, demo_map, demo_project, demo_network, tmp_path):
    _, path = demo_map
    exp = expected_counts(demo_project, demo_network)
    with open_page(path, browser=browser, wait_for="window.yitu && window.L") as (page, console, blocked):
        import xstatic.pkg.leaflet

        assert page.evaluate("L.version") == xstatic.pkg.leaflet.VERSION == "1.9.3"  # the inlined copy runs
        counts = page.evaluate(COUNT_JS)
        assert {k: v[0] for k, v in counts.items()} == exp
        assert {k: v[1] for k, v in counts.items()} == exp  # every feature has its SVG path on the page
        assert page.locator("svg path.leaflet-interactive").count() == sum(exp.values())
        legend = page.inner_text("#yitu-legend")
        for word in ("图例", "重大风险", "较大风险", "一般风险", "低风险", "未定级", "救援力量"):
            assert word in legend
        assert f"企业(按风险等级) ({exp['enterprises']})" in page.inner_text(".leaflet-control-layers")
        assert "安全风险四色分布图" in page.inner_text("#yitu-title") and "安全风险四色分布图" in page.title()
        scale = page.locator(".leaflet-control-scale-line")
        assert scale.count() == 1 and scale.inner_text().strip().endswith(("m", "km"))  # metric only, no miles
        shot = tmp_path / "map.png"
        page.screenshot(path=str(shot))
    assert blocked == []
    assert console.errors == [] and console.dialogs == []

    from PIL import Image

    img = np.asarray(Image.open(shot).convert("RGB")).reshape(-1, 3).astype(int)
    assert len(np.unique(img, axis=0)) > 200  # not blank
    for label, rgb in GRADE_RGB.items():
        near = np.abs(img - np.array(rgb)).max(axis=1) <= 24
        assert near.sum() >= 15, f"{label} {rgb} not on the screenshot"


@needs_chromium
@pytest.mark.browser
def test_browser_escapes_hostile_names(browser, demo_copy, tmp_path):
    ent = demo_copy.read("enterprises")
    ent.loc[ent.index[0], "name"] = EVIL[0]
    ent.loc[ent.index[1], "name"] = EVIL[1]
    demo_copy.write("enterprises", ent)
    st = demo_copy.read("stations")
    st.loc[st.index[0], "name"] = EVIL[2]
    demo_copy.write("stations", st)
    tg = demo_copy.read("targets")
    tg.loc[tg.index[0], "name"] = EVIL[3]
    demo_copy.write("targets", tg)
    path = save_html(risk_map(demo_copy, title=EVIL[0]), tmp_path / "evil.html")
    js = """([key, needle]) => {
        const leaves = window.yitu.leaves[key];
        const idx = [];
        leaves.forEach((l, i) => { if (window.yitu.tip(key, i).textContent.includes(needle)) { idx.push(i); } });
        const l = leaves[idx[0]];
        window.yitu.map.setView(l.getLatLng(), 15, {animate: false});
        l.fire('click', {latlng: l.getLatLng(), originalEvent: {}}, true);
        const pop = window.yitu.groups[key].getPopup().getElement().querySelector('.leaflet-popup-content');
        const res = {n: idx.length, popupText: pop.innerText, popupHtml: pop.innerHTML,
                     scripts: pop.querySelectorAll('script, img').length};
        window.yitu.map.closePopup();
        l.fire('mouseover', {latlng: l.getLatLng(), originalEvent: {}}, true);
        const tip = window.yitu.groups[key].getTooltip().getElement();
        res.tipText = tip.innerText; res.tipTags = tip.querySelectorAll('script, img').length;
        l.fire('mouseout', {latlng: l.getLatLng(), originalEvent: {}}, true);
        return res;
    }"""
    with open_page(path, browser=browser, wait_for="window.yitu") as (page, console, blocked):
        cases = [("enterprises", "alert(1)", EVIL[0]), ("enterprises", "alert(2)", EVIL[1]),
                 ("stations", "alert(3)", EVIL[2]), ("targets", "alert(5)", EVIL[3])]
        for key, needle, raw in cases:
            r = page.evaluate(js, [key, needle])
            assert r["n"] == 1, key
            assert raw in r["popupText"] and raw in r["tipText"], (key, r)  # shown as text
            assert r["scripts"] == 0 and r["tipTags"] == 0
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.evaluate(js, ["enterprises", "alert(1)"])["popupHtml"]
        assert EVIL[0] in page.inner_text("#yitu-title") and page.title() == EVIL[0]
        assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
        page.wait_for_timeout(300)  # let any onerror handler fire
    assert console.dialogs == [], console.dialogs
    assert console.errors == [] and blocked == []


@needs_chromium
@pytest.mark.browser
def test_browser_result_layers_and_tiles(browser, demo_copy, tmp_path):
    exp = add_results(demo_copy)
    path = save_html(risk_map(demo_copy, tiles="osm"), tmp_path / "results.html")
    with open_page(path, browser=browser, wait_for="window.yitu") as (page, console, blocked):
        counts = page.evaluate(COUNT_JS)
        for key, n in exp.items():
            assert counts[key] == ([n, 0] if key == "responsibility" else [n, n]), key  # responsibility starts off
        page.get_by_text(f"消防站责任区 ({exp['responsibility']})").click()  # switch it on in the layer control
        assert page.evaluate(COUNT_JS)["responsibility"] == [exp["responsibility"]] * 2
        legend = page.inner_text("#yitu-legend")
        assert "5 分钟可达" in legend and "超时未达目标" in legend and "未达标" in legend
        page.wait_for_timeout(200)
    # the only requests leaving the page are OpenStreetMap tiles (blocked here)
    assert blocked, "the osm basemap should request tiles"
    assert all(re.match(r"https://tile\.openstreetmap\.org/\d+/\d+/\d+\.png$", u) for u in blocked), blocked
    assert [e for e in console.errors if "ERR_FAILED" not in e] == []


def test_empty_project_says_what_to_do(tmp_path):
    from yitu.errors import ProjectError
    from yitu.layers.project import Project

    p = Project.init(tmp_path / "empty")
    with pytest.raises(ProjectError, match="yitu import"):
        risk_map(p)


@needs_chromium
@pytest.mark.browser
def test_browser_legend_fits_a_1366x768_window(browser, demo_copy, tmp_path):
    add_results(demo_copy)
    path = save_html(risk_map(demo_copy), tmp_path / "legend.html")
    with open_page(path, browser=browser, viewport=(1366, 768), wait_for="window.yitu") as (page, console, blocked):
        box = page.evaluate("""() => { const e = document.getElementById('yitu-legend'); const r = e.getBoundingClientRect();
            return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, scroll: e.scrollHeight, client: e.clientHeight,
                    groups: e.querySelectorAll('details details').length}; }""")
        assert box["top"] >= 0 and box["bottom"] <= 768 and box["left"] >= 0 and box["right"] <= 1366, box
        assert box["scroll"] <= box["client"] + 1, box  # nothing cut, no scrolling inside
        assert box["groups"] >= 4  # grouped: grades, forces, resources/targets, analysis ...
        page.click("#yitu-legend > summary")  # the whole legend folds away
        assert page.evaluate("document.getElementById('yitu-legend').open") is False
    assert console.errors == []


def test_symbols_keep_grade_colours_for_grades():
    from yitu.maps.html_page import _SHAPE_POINTS

    grade_hues = {c.upper() for c in style.GRADE_HUES}
    others = [*style.STATION_COLOURS.values(), *style.SHELTER_COLOURS.values(), *style.TARGET_COLOURS.values(),
              *style.BAND_COLOURS, *style.RESP_COLOURS, *(s.fill for s in style.SYMBOLS.values() if s.shape != "circle")]
    assert not {c.upper() for c in others} & grade_hues
    # stations, hydrants, shelters, targets, depots: their own shapes, none a circle, all different
    shapes = [style.symbol(k).shape for k in ("stations", "water_sources", "shelters", "targets", "depots")]
    assert len(set(shapes)) == 5 and "circle" not in shapes and set(shapes) <= set(_SHAPE_POINTS)
    assert style.TARGET_COLOURS["高敏感"] != style.STATION_COLOURS["企业专职队"]
    assert style.symbol("water_sources").fill.upper() != style.GRADE_COLOURS[4].upper()
    # risk first: the smallest plant dot is not smaller than any station symbol
    assert min(style.major_hazard_radius(v) for v in (0, 1, 2, 3, 4)) >= max(style.STATION_SIZES.values())
