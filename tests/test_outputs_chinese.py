"""Chinese first: every output file of the demo tour (XLSX sheets and cells, CSV headers and cells,
DOCX text, HTML text) has no English word that is not a code, a unit, an id or a number.

The demo is built once for the module through the real CLI (about 30 s alone). Files written by
the planning analyses (site, shelters, distances) run in the tour too.
"""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

#: words that are codes, units, symbols or names, not English prose
ALLOWED = {
    # units and symbols
    "km", "m", "t", "h", "min", "s", "L", "E", "C", "D",  # L/E/C/D: the LEC method's letters (D = L×E×C)
    # standards, formats, coordinate systems, proper names
    "GB", "LEC", "OSM", "OpenStreetMap", "Leaflet", "CSV", "XLSX", "PNG", "PDF", "SVG", "DOCX", "HTML", "EPSG",
    "WGS", "CGCS", "GCJ", "BD", "UTM", "CRS", "yitu",
    # model names planners know (spopt's), OSM tag values, the layer a distance rule needs
    "LSCP", "MCLP", "footway", "path", "steps", "pedestrian", "railways",
}
WORD = re.compile(r"(?<![\w.])[A-Za-z][A-Za-z'’\-]*(?![\w])")
CODE = re.compile(r"\b[A-Za-z]+:[A-Za-z]*\d[\w\-]*|(?<!\w)--[a-z][a-z\-]*")  # ids such as Z:Z0004, options such as --use-flagged
PATH = re.compile(r"[\w\-.~\\/:]*[/\\][\w\-.~\\/:]*|\b[\w\-]+\.(?:csv|xlsx|gpkg|osm|html|docx|png|pdf|svg|geojson|shp)\b")


def _codes() -> set[str]:
    from yitu.layers.schema import SCHEMAS

    return set(SCHEMAS) | {"roads"}  # layer names are what `yitu import DIR LAYER` takes


def english(texts) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """English words in ``texts`` that are not allowed codes, with their counts."""
    allowed = ALLOWED | _codes()
    found: dict[str, int] = {}
    for t in texts:
        for w in WORD.findall(CODE.sub(" ", PATH.sub(" ", str(t)))):
            if w not in allowed:
                found[w] = found.get(w, 0) + 1
    return found


def _xlsx(path: Path):  # type: ignore[no-untyped-def]
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        for ws in wb.worksheets:
            yield ws.title
            for row in ws.iter_rows(values_only=True):
                yield from (v for v in row if isinstance(v, str))
    finally:
        wb.close()


def _csv(path: Path):  # type: ignore[no-untyped-def]
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.reader(f):
            yield from row


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.skip, self.out = 0, []  # type: ignore[var-annotated]

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        self.skip -= tag in ("script", "style")

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if not self.skip and data.strip():
            self.out.append(data)


def _html(path: Path):  # type: ignore[no-untyped-def]
    p = _Text()
    p.feed(path.read_text(encoding="utf-8"))
    return p.out


def _docx(path: Path):  # type: ignore[no-untyped-def]
    import docx

    d = docx.Document(str(path))
    yield from (p.text for p in d.paragraphs)
    for table in d.tables:
        for row in table.rows:
            yield from (c.text for c in row.cells)


READERS = {".xlsx": _xlsx, ".csv": _csv, ".html": _html, ".docx": _docx}


@pytest.fixture(scope="module")
def tour(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The demo tour of scripts/demo.sh (Chinese outputs only), through the CLI."""
    from yitu.cli import main

    d = str(tmp_path_factory.mktemp("tour") / "qinglan")

    def run(*argv: str) -> None:
        try:
            main(["-q", *argv])
        except SystemExit as exc:
            assert exc.code in (None, 0, 3), (argv, exc.code)  # 3: a check found something (by design)

    run("demo", d)
    run("validate", d)
    run("network", "build", d, "--osm", f"{d}/inputs/roads.osm")
    run("check", d)
    run("site", d, "--model", "lscp", "--park", "P01", "--grid", "300")
    run("shelters", d, "--propose", "1")
    run("distances", d)
    run("lists", d)
    run("map", d)
    run("drill", d, "--at", "E0001", "--closed", "岚江大桥")
    run("gaps", d)
    run("report", d, "--drill", "E0001", "--closed", "岚江大桥")
    return Path(d)


def _files(root: Path, pattern: str) -> list[Path]:
    return sorted(p for p in root.glob(pattern) if p.suffix in READERS)


def _check(root: Path, pattern: str) -> None:
    files = _files(root, pattern)
    assert files, pattern
    bad = {str(p.relative_to(root)): w for p in files if (w := english(READERS[p.suffix](p)))}
    assert not bad, bad


def test_the_checker_catches_english_and_lets_codes_pass():
    assert english(["状态：late", "reachable 可达"]) == {"late": 1, "reachable": 1}
    assert english(["E0001 青岚", "4.7 km", "LEC法 D=270", "见 rejected/enterprises.csv", "图层 enterprises"]) == {}


@pytest.mark.parametrize("pattern", ["output/drill/*", "output/gaps/*", "output/lists/*", "output/park_*",
                                     "output/validate.csv", "output/siting/*", "output/shelters/*",
                                     "output/distances/*"])
def test_tables_are_chinese(tour, pattern):
    _check(tour, pattern)


def test_rejected_lists_are_chinese(tour):
    _check(tour, "rejected/*")


def test_map_text_is_chinese(tour):
    _check(tour, "output/risk_map.html")


@pytest.mark.parametrize("pattern", ["output/report/report.docx", "output/report/report.html"])
def test_report_is_chinese(tour, pattern):
    _check(tour, pattern)


def test_one_status_for_one_arrival(tour):
    """The gap list and the park check say 超时 (not 可达) for a place reached after its limit."""
    import pandas as pd

    g = pd.read_csv(tour / "output" / "gaps" / "enterprises.csv", encoding="utf-8-sig")
    assert set(g["状态"]) <= {"超时", "不可达", "不在路网"} and (g["状态"] == "超时").any()
    late = g[g["状态"] == "超时"]
    assert (late["最快到场（分钟）"] >= late["时限（分钟）"]).all()  # 15.04 late reads 15.0 at 0.1 min
    assert g.loc[g["状态"] != "超时", "最快到场（分钟）"].isna().all()
    t = pd.read_csv(tour / "output" / "park_targets.csv", encoding="utf-8-sig")
    assert set(t.loc[t["是否达标"] == "否", "状态"]) <= {"超时", "不可达", "不在路网"}
    assert set(t.loc[t["是否达标"] == "是", "状态"]) == {"可达"}
