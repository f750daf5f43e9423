"""Property test (issue 9): random Unicode — template syntax, rich markup, control characters, ESC
sequences, RTL marks, spreadsheet formulas — as every text field of every layer, through
import -> map -> render -> lists -> report (the CLI, in-process). No traceback, no code run from
a cell ({{7*7}} never becomes 49, a marker folder is never made), names kept after the clean-up.

One pass of the pipeline takes ~5 s of CPU (9 imports, network, map, render, lists, report), so
the random test draws 3 lists of texts (up to 12 each, spread over every text field of every
layer) and four explicit lists cover the categories: about 40 s in all.
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from yitu.cli import main
from yitu.layers.project import Project
from yitu.layers.schema import SCHEMAS

MARKER = "yitu_pwned"
PAYLOAD = "{{lipsum.__globals__.os.makedirs(dict(yitu_pwned=1)|join,exist_ok=True)}}"
HOSTILE = [
    "{{7*7}}", "乙{{7*7}}公司", PAYLOAD, "{% raw %}", "{%raw%}x{%endraw%}", "{# 注释 #}", "${7*7}", "<%= 7*7 %>",
    "[/]紫色", "[bold]粗体[/bold]", "[/]临港镇", "[link=http://x]点[/link]",
    "\x1b[31m红字\x1b[0m", "\x1b]0;title\x07", "江海\x00化工", "竖\x0b表", "回\r车", "换\n行", "退\x08格",
    "\u202e反向\u202c", "\u200f阿拉伯\u200e", "\u2066隔离\u2069", "\u200b零宽\ufeff",
    '=HYPERLINK("http://evil.example","点我")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3",
    "<script>alert(1)</script>", "</textarea><img src=x onerror=alert(1)>", "' OR 1=1 --", "\\N", "NULL",
    "𠀀𪚥", "😀🇨🇳", "ﬀ ＡＢＣ １２３",
]
# The fixes other branches make (the lead merges them): examples that fail here only for those.
OTHER_BRANCH = {
    "template": "{{ }} / {% %} in user text: template injection fixed in html.py on branch office-maps",
    "markup": "rich markup in user text printed as markup: fixed on branch office-words",
    "control": "control characters cleaned on import: fixed on branch harden-input",
}

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # tab, CR and LF too: a name is one line


def _text_fields(layer: str) -> list[str]:
    return [f.name for f in SCHEMAS[layer].fields if f.kind == "str" and f.name != "id" and not f.name.endswith("_id")]


class _Layers(dict):
    def __repr__(self) -> str:  # hypothesis prints the arguments of a failing case
        return f"<demo layers: {', '.join(self)}>"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> dict[str, pd.DataFrame]:
    """A few rows of every demo layer (the links between layers kept)."""
    from yitu.layers.demo import build_demo_project

    project, _ = build_demo_project(tmp_path_factory.mktemp("prop") / "demo")
    out = _Layers()
    out["_osm"] = project.path / "inputs" / "roads.osm"
    for layer in SCHEMAS:
        df = project.read_optional(layer)
        if df is not None and len(df):
            out[layer] = df.head(4).copy()
    # keep the enterprises the zones and hazards name
    ids = set(out["enterprises"]["id"])
    for layer in ("risk_zones", "hazards"):
        if layer in out:
            full = project.read(layer)
            out[layer] = full[full["enterprise_id"].isin(ids)].head(4).copy()
    return out


def _write_inputs(base: dict[str, pd.DataFrame], texts: list[str], folder: Path) -> dict[str, tuple[Path, dict]]:
    """Each layer as a file with the texts in its text fields, cycling; -> layer: (file, {field: values})."""
    files = {}
    k = 0
    for layer, df in base.items():
        if layer.startswith("_"):
            continue
        df = df.copy()
        given_values: dict[str, list[str]] = {}
        for field in _text_fields(layer):
            if field not in df.columns:
                continue
            vals = [texts[(k + i) % len(texts)] for i in range(len(df))]
            k += len(df)
            df[field] = vals
            given_values[field] = vals
        drop = [c for c in df.columns if c.startswith("_")]
        df = df.drop(columns=drop)
        if isinstance(df, gpd.GeoDataFrame) and df.geometry.notna().any():
            path = folder / f"{layer}.geojson"
            # written as JSON text, not through GDAL, which would end a text at a NUL before yitu reads it
            path.write_text(df.to_crs(4326).to_json(), encoding="utf-8")
        else:
            path = folder / f"{layer}.csv"
            pd.DataFrame(df).drop(columns=["geometry"], errors="ignore").to_csv(
                path, index=False, encoding="utf-8-sig", lineterminator="\r\n")
        files[layer] = (path, given_values)
    return files


def _cli(argv: list[str], capsys) -> tuple[int, str]:
    try:
        main(argv)
        rc = 0
    except SystemExit as exc:
        rc = int(exc.code or 0)
    cap = capsys.readouterr()
    return rc, cap.out + cap.err


def _clean_forms(s: str) -> set[str]:
    """What a name may become after the documented clean-up on import (yitu.layers.normalize.clean_text:
    control characters, escape sequences, zero-width and bidi marks removed; blanks trimmed)."""
    from yitu.layers.normalize import clean_text

    cleaned = clean_text(s)[0]
    no_ctl = _CONTROL.sub("", s)
    return {s, s.strip(), no_ctl.strip(), " ".join(no_ctl.split()), cleaned, cleaned.strip(), " ".join(cleaned.split())}


def _docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode("utf-8")


def _xlsx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))


def _pipeline(base: dict[str, pd.DataFrame], texts: list[str], capsys) -> None:
    with tempfile.TemporaryDirectory(prefix="yitu-prop-") as tmp:
        folder = Path(tmp)
        cwd = os.getcwd()
        os.chdir(folder)  # a payload that makes a folder would make it here
        try:
            _run(base, texts, folder, capsys)
        finally:
            os.chdir(cwd)


def _expect(ok: bool, detail: str) -> None:
    assert ok, detail


def _run(base: dict[str, pd.DataFrame], texts: list[str], folder: Path, capsys) -> None:
    files = _write_inputs(base, texts, folder)
    p = folder / "P"
    rc, out = _cli(["init", str(p)], capsys)
    assert rc == 0, out
    for layer, (path, _) in files.items():
        rc, out = _cli(["import", str(p), layer, str(path)], capsys)  # an exception is a finding
        # exit 2 is right only when every row was rejected with its reason listed (random text can make
        # a required field empty after the clean-up); anything else is a finding
        all_rejected = rc == 2 and "全部被拒绝" in out and len(Project.open(p).read_rejected(layer))
        _expect((rc in (0, 3) or all_rejected) and "Traceback" not in out, f"import {layer}: rc {rc}: {out[-500:]}")
    project = Project.open(p)
    rc, out = _cli(["network", "build", str(p), "--osm", str(base["_osm"])], capsys)  # for the report
    assert rc == 0, out
    # names kept, after the clean-up
    for layer, (_, given_values) in files.items():
        stored = project.read_optional(layer)
        if stored is None or "name" not in given_values:
            continue
        kept = set(stored["name"].astype(str))
        rejected = project.read_rejected(layer)
        n_rejected_rows = int(rejected["row"].nunique()) if len(rejected) else 0
        # a row may be rejected for another of its fields (the same random text twice makes a
        # duplicate 统一社会信用代码): then every row is still stored or listed, none lost
        all_accounted = n_rejected_rows > 0 and len(stored) + n_rejected_rows == len(given_values["name"])
        for typed in given_values["name"]:
            forms = _clean_forms(typed)
            if any(f.strip() for f in forms) and not any(not f.strip() for f in forms):
                _expect(bool(forms & kept) or typed in set(rejected.get("value", [])) or all_accounted,
                        f"{layer}: name {typed!r} not stored as typed or cleaned, nor its row rejected: "
                        f"{sorted(kept)}; rejected {rejected.to_dict('records')}")
    steps = [
        ("map", ["map", str(p), "--tiles", "none"]),
        ("render", ["render", str(p), "--dpi", "40"]),
        ("lists", ["lists", str(p)]),
        ("report", ["report", str(p)]),
    ]
    for name, argv in steps:
        rc, out = _cli(argv, capsys)
        # a layer whose import rejected every row may be missing: then one error line (exit 2), never a traceback
        _expect((rc in (0, 3) or (rc == 2 and "错误" in out)) and "Traceback" not in out, f"{name}: rc {rc}: {out[-500:]}")
    assert not (folder / MARKER).exists() and not (p / MARKER).exists(), "a cell ran code: the marker folder exists"
    # {{7*7}} stays as typed wherever the name is written, and never becomes 49
    if any("{{7*7}}" in t for t in texts):
        html = (p / "output" / "risk_map.html").read_text(encoding="utf-8")
        _expect("{{7*7}}" in html, "{{7*7}} not in the HTML map as typed")
        outputs = {"risk_map.html": html}
        outputs.update({f.name: _xlsx_text(f) for f in (p / "output").rglob("*.xlsx")})
        outputs.update({f.name: _docx_text(f) for f in (p / "output").rglob("*.docx")})
        for typed in texts:
            ran = typed.replace("{{7*7}}", "49")
            if ran != typed and len(ran) >= 4:  # specific enough to find: 乙49公司
                for name, text in outputs.items():
                    assert ran not in text, f"{name}: {typed!r} was evaluated to {ran!r}"
        stored = project.read("enterprises")
        if stored["name"].astype(str).str.contains("{{7*7}}", regex=False).any():
            assert "{{7*7}}" in outputs["安全风险清单.xlsx"]


#: Categories whose fixes are on other branches; the lead empties this after merging them, and
#: then the explicit cases below are strict and the random text takes every category.
PENDING: set[str] = set()  # every category is fixed on main: all cases are strict


def _category(text: str) -> str | None:
    if "{{" in text or "{%" in text or "{#" in text:
        return "template"
    if "[" in text:
        return "markup"
    if _CONTROL.search(text):
        return "control"
    return None


def _not_pending(texts: list[str]) -> bool:
    return not any(_category(t) in PENDING for t in texts)


TEXT = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=12),
    st.builds(lambda a, b: a + b, st.sampled_from(HOSTILE), st.text(min_size=0, max_size=6)),
)


# a character the CJK font lacks draws as a box in the PNG, and matplotlib says so: a warning, not a fault
GLYPH = "ignore:Glyph .* missing from font"


@pytest.mark.slow
@pytest.mark.filterwarnings(GLYPH)
@settings(max_examples=3, deadline=None, phases=[Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
@given(texts=st.lists(TEXT, min_size=3, max_size=12).filter(_not_pending))
def test_random_text_through_the_pipeline(base, capsys, texts):
    _pipeline(base, texts, capsys)


def _case(category: str | None, texts: list[str]):  # type: ignore[no-untyped-def]
    marks = [pytest.mark.xfail(strict=False, reason=OTHER_BRANCH[category])] if category in PENDING else []
    return pytest.param(texts, marks=marks, id=category or "hostile")


@pytest.mark.slow
@pytest.mark.filterwarnings(GLYPH)
@pytest.mark.parametrize("texts", [
    _case(None, ['=HYPERLINK("http://x","点我")', "+cmd|' /C calc'!A0", "\u202e反向\u202c", "😀🇨🇳",
                 "<script>alert(1)</script>", "\u200b零宽\ufeff", "ﬀ ＡＢＣ １２３", "' OR 1=1 --"]),
    _case("template", ["{{7*7}}", PAYLOAD, "乙{{7*7}}公司", "{% raw %}", "{#", "{{"]),
    _case("markup", ["[/]紫色", "[bold]粗体", "[/]临港镇", "[link=http://x]点[/link]"]),
    _case("control", ["\x1b[31m红字\x1b[0m", "江海\x00化工", "竖\x0b表", "回\r车", "\x1b]0;title\x07"]),
])
def test_hostile_text_through_the_pipeline(base, capsys, texts):
    _pipeline(base, texts, capsys)
