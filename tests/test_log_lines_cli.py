"""The log lines the CLI prints on stderr in the tour are Chinese by default and English with --lang en.

The tour runs through the real entry point, once per language, on its own demo project with one station
added 1.3 km from any road: demo (an import with rejected rows), import, network build, check (coverage and
isochrones with a station off the network), lists, map, gaps. Every record of a ``yitu`` logger at INFO
and above is caught as it is printed, with the module that logged it.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
from pathlib import Path

import pandas as pd
import pytest

from tests.climain import exit_code
from tests.test_outputs_chinese import english

pytestmark = pytest.mark.slow

#: CLI metavariables and names that are not English prose in a Chinese line
EXTRA_ALLOWED = {"DIR", "FILE", "LAYER", "QGIS", "KB", "MB"}
_CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]+")
_PATHLIKE = re.compile(r"[^\s：，（）()]*[/\\][^\s：，（）()]*")


class _Catch(logging.Handler):
    """Keeps ``(logger, level, text)`` of each record, put into words as the CLI's handler does."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def _far_stations(project: Path) -> Path:
    """The demo's stations file with one more station 1.3 km from the nearest road (GCJ-02, as 高德 gives)."""
    src = project / "inputs" / "救援力量_高德坐标.csv"
    df = pd.read_csv(src, encoding="gbk", dtype=str)
    far = df.iloc[[0]].copy()
    far["编号"], far["站点名称"], far["经度"], far["纬度"] = "S99", "远郊测试站", "119.316", "32.431"
    out = project / "inputs" / "救援力量_含远郊站.csv"
    pd.concat([df, far]).to_csv(out, index=False, encoding="gbk")
    return out


def _tour(root: Path, lang: str) -> tuple[list[tuple[str, int, str]], str]:
    d = root / f"tour-{lang}"
    pre = ["--lang", lang] if lang == "en" else []
    catch = _Catch()
    yitu_log = logging.getLogger("yitu")  # the CLI's basicConfig(force=True) replaces root handlers, not this one
    yitu_log.addHandler(catch)
    stderr = io.StringIO()
    try:
        with contextlib.redirect_stderr(stderr):
            steps = [["demo", str(d)]]
            assert exit_code([*pre, *steps[0]]) == 0
            steps = [["import", str(d), "stations", str(_far_stations(d)), "--crs", "gcj02"],
                     ["network", "build", str(d), "--osm", str(d / "inputs" / "roads.osm")],
                     ["check", str(d)], ["lists", str(d)], ["map", str(d)], ["gaps", str(d)]]
            for argv in steps:
                assert exit_code([*pre, *argv]) in (0, 3), argv  # 3: a check found something (by design)
    finally:
        yitu_log.removeHandler(catch)
    return catch.records, stderr.getvalue()


@pytest.fixture(scope="module")
def tours(tmp_path_factory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("logs")
    return {lang: _tour(root, lang) for lang in ("zh", "en")}, root


def _data_text(root: Path) -> str:
    """Every piece of data an English line may quote: file names and the text cells of every stored layer."""
    import pyogrio

    parts = [p.name for p in root.rglob("*")]
    for gpkg in root.rglob("project.gpkg"):
        for name, _ in pyogrio.list_layers(gpkg):
            df = pyogrio.read_dataframe(gpkg, layer=name, read_geometry=False)
            parts += [str(v) for c in df.columns if df[c].dtype == object or pd.api.types.is_string_dtype(df[c])
                      for v in df[c].dropna().unique()]
    return "\n".join(parts)


def _mine(records):  # type: ignore[no-untyped-def]
    return list(records)


def test_the_tour_logs_what_matters(tours):
    (by_lang, _) = tours
    for lang, (records, _) in by_lang.items():
        names = {n for n, _, _ in records}
        assert {"yitu.layers.load", "yitu.routing.parks", "yitu.routing.coverage", "yitu.routing.isochrones",
                "yitu.maps.html_page"} <= names, (lang, names)
        # the station off the network is reported by coverage and by the isochrones
        assert any(n == "yitu.routing.coverage" and lv == logging.WARNING and "S99" in m for n, lv, m in records)
        assert any(n == "yitu.routing.isochrones" and lv == logging.WARNING and "S99" in m for n, lv, m in records)
    zh = [m for n, _, m in by_lang["zh"][0] if n == "yitu.layers.load"]
    en = [m for n, _, m in by_lang["en"][0] if n == "yitu.layers.load"]
    assert any("企业名单.xlsx：enterprises 导入 336 行（共 339 行），拒绝 3 行" in m for m in zh), zh
    assert any("企业名单.xlsx: enterprises loaded 336 of 339 rows, 3 rejected" in m for m in en), en


def test_log_lines_are_chinese_by_default(tours):
    (by_lang, _) = tours
    records, stderr = by_lang["zh"]
    bad = {m: w for _, _, m in _mine(records) if (w := set(english([m])) - EXTRA_ALLOWED)}
    assert not bad, bad
    assert "信息" in stderr and "注意" in stderr
    assert not re.search(r"^(INFO|WARNING|ERROR) ", stderr, re.M), stderr[:2000]


def test_log_lines_are_english_with_lang_en(tours):
    (by_lang, root) = tours
    records, stderr = by_lang["en"]
    data = _data_text(root)
    bad = {}
    for _, _, m in _mine(records):
        runs = [r for r in _CJK.findall(_PATHLIKE.sub(" ", m)) if r not in data]
        if runs or not re.search(r"[A-Za-z]{3,}", m):
            bad[m] = runs
    assert not bad, bad
    assert re.search(r"^INFO ", stderr, re.M) and re.search(r"^WARNING ", stderr, re.M)
    assert "信息" not in stderr and "注意" not in stderr
