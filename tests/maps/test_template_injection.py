"""No user text is ever template source (issue 9 item 1).

folium renders every element through Jinja, and the output of a ``MacroElement`` is parsed a second
time; a name like ``{{7*7}}`` used to show as 49 and ``{{lipsum.__globals__.os.makedirs(...)}}`` ran.
Here template syntax goes into EVERY text field of EVERY layer (and the result layers of ``check``,
the title and the source note): the page must hold the text as typed, evaluate nothing, create no
folder, and not crash — in the file and in a real browser.
"""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

from tests.browser import browser_session, needs_chromium, open_page
from tests.maps.test_html import add_results
from yitu.maps.html import layer_features, risk_map
from yitu.maps.offline import save_html


def payloads(folder) -> list[str]:
    return [
        "{{7*7}}",
        '{{ "ZQ" ~ "XJ" }}',
        "{% raw %}",
        "{#",
        "{%- for x in range(3) %}loop{% endfor %}",
        f"{{{{lipsum.__globals__.os.makedirs('{folder}', exist_ok=True)}}}}",
        "{{ self.__init__.__globals__ }}",
        "${alert(7)}`</script>{{",
    ]


def poison(project, folder) -> dict[str, list[str]]:
    """Template syntax in every text column of every layer; returns layer -> poisoned columns."""
    evil = payloads(folder)
    done: dict[str, list[str]] = {}
    for name in project.layers():
        gdf = project.read(name)
        geom = getattr(gdf, "_geometry_column_name", None)
        cols = [c for c in gdf.columns if c != geom and (gdf[c].dtype == object or pd.api.types.is_string_dtype(gdf[c]))]
        cols = [c for c in cols if not (c.endswith("_at") or "date" in c)]  # dates are dates after import
        if name in ("enterprises", "stations", "risk_zones") and "id" in cols:
            cols.remove("id")  # ids join layers (zones -> plants); poisoned below in the names instead
        for c in cols:
            vals = gdf[c].astype(object).copy()
            for k, i in enumerate(gdf.index):
                vals.loc[i] = f"甲{evil[k % len(evil)]}乙"
            gdf[c] = vals
        project.write(name, gdf)
        done[name] = cols
    return done


@pytest.fixture()
def poisoned(demo_copy, tmp_path):
    add_results(demo_copy)
    folder = tmp_path / "yitu_pwned"
    cols = poison(demo_copy, folder)
    return demo_copy, folder, cols


def test_template_syntax_in_every_field_is_kept_as_text(poisoned, tmp_path, demo_network):
    project, folder, cols = poisoned
    assert sum(len(v) for v in cols.values()) > 40  # really every layer's text fields
    settings = dataclasses.replace(project.settings, maps=dataclasses.replace(project.settings.maps, source_note="{{7*7}}注"))
    m = risk_map(project, title="{{7*7}}{% raw %}标题", settings=settings, network=demo_network)
    path = save_html(m, tmp_path / "m.html")
    text = path.read_text(encoding="utf-8")
    assert not folder.exists()
    assert "ZQXJ" not in text and "looploop" not in text
    assert "{{7*7}}{% raw %}标题" in text  # the title, escaped HTML text (braces are not HTML)
    assert "{{7*7}}注" in text  # the source note in the legend
    assert "甲49乙" not in text and "甲{{7*7}}乙" in text
    doc = json.loads(m.yitu_json)
    evil = payloads(folder)
    for ly in doc["layers"]:
        if ly["key"].startswith("base_") or ly["key"] == "roads" or not ly["n"]:
            continue
        feats = layer_features(m, ly["key"])
        texts = {t for f in feats for t in [f["title"], f["tip"], *f["rows"].values()]}
        assert any(f"甲{e}乙" in t for t in texts for e in evil), ly["key"]  # the payload, as typed
        assert not any("甲49乙" in t for t in texts)


@needs_chromium
@pytest.mark.browser
@pytest.mark.slow
def test_template_syntax_in_a_real_browser(poisoned, tmp_path):
    project, folder, _ = poisoned
    path = save_html(risk_map(project, title="{{7*7}}标题"), tmp_path / "m.html")
    assert not folder.exists()
    with browser_session() as b, open_page(path, browser=b, wait_for="window.yitu") as (page, console, blocked):
        assert page.inner_text("#yitu-title").startswith("{{7*7}}标题")
        tips = page.evaluate("""() => { const out = [];
            for (const key of ['enterprises', 'stations', 'targets', 'shelters', 'parks']) {
                out.push(window.yitu.tip(key, 0).textContent, window.yitu.popup(key, 0).textContent); }
            return out; }""")
        assert all(t.count("甲") for t in tips)
        assert any("甲{{7*7}}乙" in t for t in tips) and not any("甲49乙" in t for t in tips)
        assert page.evaluate("window.yitu.leaves.enterprises.length") == len(project.read("enterprises"))
    assert console.errors == [] and console.dialogs == [] and blocked == []


def test_cli_map_with_template_syntax_in_a_csv_cell(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from yitu.cli import app

    monkeypatch.chdir(tmp_path)
    csv = tmp_path / "r1.csv"
    csv.write_text('企业名称,经度,纬度,风险等级\n"乙{{lipsum.__globals__.os.makedirs(dict(yitu_pwned=1)|join,exist_ok=True)}}公司",'
                   '121.0012,32.3311,红\n"甲{{7*7}}公司",121.002,32.332,橙\n"丙{% raw %}公司",121.003,32.333,黄\n', encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["init", "r1"]).exit_code == 0
    r = runner.invoke(app, ["import", "r1", "enterprises", str(csv)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["map", "r1"])
    assert r.exit_code == 0, r.output
    assert not (tmp_path / "yitu_pwned").exists()
    text = (tmp_path / "r1" / "output" / "risk_map.html").read_text(encoding="utf-8")
    assert "甲{{7*7}}公司" in text and "甲49公司" not in text and "丙{% raw %}公司" in text
