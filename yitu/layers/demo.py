"""The demo region: a fictional county (青岚县, 虚构演示区) generated deterministically.

Nothing here describes a real place: the county, its park, enterprises, stations and roads are
invented, placed in eastern China only so that coordinate conversions and map tiles behave as
they would for a real office. :func:`generate_demo` writes the input files the way an office
has them (an XLSX with a title row, a GBK CSV in GCJ-02, a GBK Shapefile, GeoJSON, GeoPackage,
OSM XML and a road-line layer); :func:`build_demo_project` imports them into a project.

The scenario: a chemical park of about 12 km² south of the 岚江 river, crossed by three
bridges only. The park's eastern strip lies behind a canal crossed at one point, so with
today's stations part of the park misses the 15-minute rescue circle while the rest passes.
"""

from __future__ import annotations

import logging
import math
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyproj
import shapely

from yitu.errors import InputError
from yitu.gis.crs import wgs84_to_gcj02
from yitu.gis.io import atomic_path, write_gpkg
from yitu.words import msg, tr

log = logging.getLogger(__name__)

__all__ = ["DemoInputs", "generate_demo", "build_demo_project", "DEMO_SEED", "DEMO_CENTRE", "DEMO_NAME"]

DEMO_SEED = 20240601
DEMO_CENTRE = (119.45, 32.35)
DEMO_NAME = "青岚县（虚构演示区）"
PARK_ID = "P01"
PARK_BOX = (4400.0, -6100.0, 8100.0, -2900.0)  # local metres (x0, y0, x1, y1)
CANAL_X = 7250.0  # the canal inside the park: crossed only on the north row
METRIC = pyproj.CRS.from_epsg(32650)
_TO_LL = pyproj.Transformer.from_crs(METRIC, 4326, always_xy=True)
_FROM_LL = pyproj.Transformer.from_crs(4326, METRIC, always_xy=True)
_OX, _OY = _FROM_LL.transform(*DEMO_CENTRE)


@dataclass
class DemoInputs:
    """Paths of the generated input files, and the import options each needs."""

    folder: Path
    files: dict[str, Path] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    osm: Path | None = None
    roads: Path | None = None
    deliberately_bad_rows: int = 3


def to_lonlat(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """Local demo metres (origin at the county centre) -> WGS-84 lon/lat."""
    lon, lat = _TO_LL.transform(np.asarray(x, dtype=float) + _OX, np.asarray(y, dtype=float) + _OY)
    return np.round(lon, 7), np.round(lat, 7)


# --------------------------------------------------------------------------------------- roads
class _Roads:
    """Ways as lists of junction points; equal points are one node (noded by construction)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.nodes: dict[tuple[float, float], int] = {}
        self.ways: list[dict[str, Any]] = []
        self.signals: set[tuple[float, float]] = set()

    def node(self, p: tuple[float, float]) -> int:
        key = (round(p[0], 2), round(p[1], 2))
        if key not in self.nodes:
            self.nodes[key] = len(self.nodes) + 1
        return self.nodes[key]

    def way(self, pts: list[tuple[float, float]], highway: str, name: str = "", *, wiggle: float = 0.0,
            **tags: str) -> None:
        """Add a way through ``pts`` (junctions), with up to two jittered shape points between each pair."""
        coords: list[tuple[float, float]] = []
        for a, b in zip(pts[:-1], pts[1:]):
            coords.append(a)
            seg = math.dist(a, b)
            if wiggle and seg > 600:
                k = 2 if seg > 2000 else 1
                for i in range(1, k + 1):
                    f = i / (k + 1)
                    nx, ny = -(b[1] - a[1]) / seg, (b[0] - a[0]) / seg
                    off = float(self.rng.uniform(-wiggle, wiggle))
                    coords.append((round(a[0] + f * (b[0] - a[0]) + nx * off, 1), round(a[1] + f * (b[1] - a[1]) + ny * off, 1)))
        coords.append(pts[-1])
        self.ways.append({"coords": coords, "highway": highway, "name": name, **tags})


def _river(x: np.ndarray | float) -> Any:
    return 260.0 * np.sin(np.asarray(x) / 3100.0) + 60.0 * np.sin(np.asarray(x) / 900.0)


def _build_roads(rng: np.random.Generator) -> _Roads:
    R = _Roads(rng)
    xs_town = [float(x) for x in range(-1500, 1501, 300)]
    ys_town = [float(y) for y in range(1500, 4501, 300)]
    # county town grid: main streets secondary, some one-way pairs, the rest residential
    for y in ys_town:
        if y == 3000:
            R.way([(x, y) for x in xs_town], "secondary", "岚城路")
        elif y in (2100, 3900):
            R.way([(x, y) for x in xs_town], "residential", f"东行街{int(y)}", oneway="yes")
        elif y in (2400, 3600):
            R.way([(x, y) for x in reversed(xs_town)], "residential", f"西行街{int(y)}", oneway="yes")
        else:
            R.way([(x, y) for x in xs_town], "residential", f"城北{int((y - 1200) // 300)}巷")
    for x in xs_town:
        if x == 0:
            continue  # the provincial road runs here
        R.way([(x, y) for y in ys_town], "residential", f"城{'东' if x > 0 else '西'}{abs(int(x)) // 300}路")
    for p in [(0.0, 3000.0), (-600.0, 3000.0), (600.0, 3000.0), (0.0, 2100.0), (0.0, 3900.0)]:
        R.signals.add(p)

    # provincial road S-N through town, over the main bridge, to the south
    north = [(0.0, 9000.0), (0.0, 7500.0), (0.0, 6400.0), (0.0, 5600.0), (0.0, 4500.0)]
    R.way(north, "primary", "青岚大道", wiggle=40, maxspeed="60")
    R.way([(0.0, y) for y in ys_town][::-1], "primary", "青岚大道", maxspeed="50")
    R.way([(0.0, 1500.0), (0.0, 1000.0), (0.0, 500.0)], "primary", "青岚大道")
    R.way([(0.0, 500.0), (0.0, -500.0)], "primary", "岚江大桥", bridge="yes", layer="1")
    R.way([(0.0, -500.0), (0.0, -1500.0), (0.0, -4500.0), (0.0, -8000.0), (0.0, -9000.0)], "primary", "青岚大道南段",
          wiggle=40)
    # national road E-W north of the river
    R.way([(-12000.0, 1000.0), (-9000.0, 1000.0), (-8000.0, 1000.0), (-6000.0, 1000.0), (-3000.0, 1000.0), (0.0, 1000.0)],
          "trunk", "国道演示线", wiggle=30)
    R.way([(0.0, 1000.0), (3000.0, 1000.0), (6000.0, 1000.0), (9000.0, 1000.0), (12000.0, 1000.0)], "trunk", "国道演示线",
          wiggle=30)
    # east bridge road and west bridge road: with the main bridge, the only river crossings
    R.way([(9000.0, 9000.0), (9000.0, 6400.0), (9000.0, 5600.0), (9000.0, 3000.0), (9000.0, 1000.0)], "secondary", "东岚路",
          wiggle=50)
    R.way([(9000.0, 1000.0), (9000.0, 500.0)], "secondary", "东岚路")
    R.way([(9000.0, 500.0), (9000.0, -500.0)], "secondary", "东岚大桥", bridge="yes", layer="1")
    R.way([(9000.0, -500.0), (9000.0, -1500.0), (9000.0, -4500.0), (9000.0, -6000.0), (9000.0, -9000.0)], "secondary",
          "东岚路南段", wiggle=50)
    R.way([(-8000.0, 1000.0), (-8000.0, 500.0)], "unclassified", "西渡路")
    R.way([(-8000.0, 500.0), (-8000.0, -500.0)], "unclassified", "西渡桥", bridge="yes", layer="1", maxspeed="30")
    R.way([(-8000.0, -500.0), (-8000.0, -1500.0)], "unclassified", "西渡路")
    # expressway E-W at y=6000 with three interchanges (no node where other roads pass under it)
    ex = [(-12000.0, 6000.0), (-6300.0, 6000.0), (-5700.0, 6000.0), (-300.0, 6000.0), (300.0, 6000.0),
          (8700.0, 6000.0), (9300.0, 6000.0), (12000.0, 6000.0)]
    R.way(ex, "motorway", "青岚高速（演示）", oneway="no", maxspeed="100")
    for cx in (-6000.0, 0.0, 9000.0):
        R.way([(cx - 300.0, 6000.0), (cx - 150.0, 5800.0), (cx, 5600.0)], "motorway_link", "互通匝道", oneway="no")
        R.way([(cx + 300.0, 6000.0), (cx + 150.0, 6200.0), (cx, 6400.0)], "motorway_link", "互通匝道", oneway="no")
    # rural grid north of the river (passing under the expressway)
    for x in (-12000.0, -9000.0, -6000.0, -3000.0, 3000.0, 6000.0, 12000.0):
        ys = [1000.0, 3000.0, 5600.0, 6400.0, 9000.0] if x in (-6000.0,) else [1000.0, 3000.0, 9000.0]
        R.way([(x, y) for y in ys], "unclassified", f"乡道X{int(abs(x)) // 1000:02d}{'E' if x > 0 else 'W'}", wiggle=60)
    R.way([(-12000.0, 3000.0), (-9000.0, 3000.0), (-6000.0, 3000.0), (-3000.0, 3000.0), (-1500.0, 3000.0)],
          "unclassified", "北环乡道西", wiggle=50)
    R.way([(1500.0, 3000.0), (3000.0, 3000.0), (6000.0, 3000.0), (9000.0, 3000.0), (12000.0, 3000.0)],
          "unclassified", "北环乡道东", wiggle=50)
    R.way([(-12000.0, 9000.0), (-9000.0, 9000.0), (-6000.0, 9000.0), (-3000.0, 9000.0), (0.0, 9000.0),
           (3000.0, 9000.0), (6000.0, 9000.0), (9000.0, 9000.0), (12000.0, 9000.0)], "unclassified", "北山乡道", wiggle=60)
    # south: rural roads and the park
    R.way([(-12000.0, -1500.0), (-8000.0, -1500.0), (-6000.0, -1500.0), (-3000.0, -1500.0), (0.0, -1500.0),
           (3000.0, -1500.0), (6000.0, -1500.0), (9000.0, -1500.0), (12000.0, -1500.0)], "secondary", "南岸县道",
          wiggle=40)
    R.way([(-12000.0, -8000.0), (-6000.0, -8000.0), (-3000.0, -8000.0), (0.0, -8000.0), (3000.0, -8000.0),
           (6000.0, -8000.0), (9000.0, -8000.0), (12000.0, -8000.0)], "unclassified", "南山乡道", wiggle=60)
    for x in (-12000.0, -6000.0, -3000.0, 12000.0):
        R.way([(x, -1500.0), (x, -8000.0)], "unclassified", f"乡道Y{int(abs(x)) // 1000:02d}{'E' if x > 0 else 'W'}",
              wiggle=60)
    R.way([(3000.0, -1500.0), (3000.0, -4500.0), (3000.0, -8000.0)], "unclassified", "园西路", wiggle=40)
    R.way([(6000.0, -1500.0), (6000.0, -3000.0)], "tertiary", "园区北路")
    R.way([(0.0, -4500.0), (3000.0, -4500.0), (4500.0, -4500.0)], "tertiary", "园区大道", wiggle=30)
    R.way([(6000.0, -6000.0), (6000.0, -8000.0)], "unclassified", "园区南路")
    R.way([(8000.0, -6000.0), (9000.0, -6000.0)], "service", "园区东门路")
    # the park grid: 500 m blocks; the canal at x = 7250 is crossed only on the north row
    pxs = [4500.0 + 500 * i for i in range(8)]
    pys = [-3000.0 - 500 * j for j in range(7)]
    for y in pys:
        hw = "tertiary" if y in (-3000.0, -4500.0) else "service"
        nm = {-3000.0: "纬一路", -4500.0: "园区大道", -6000.0: "纬七路"}.get(y, f"纬{int((-y - 2500) // 500)}路")
        west_part = [(x, y) for x in pxs if x < CANAL_X]
        east_part = [(x, y) for x in pxs if x > CANAL_X]
        if y == -3000.0:
            R.way(west_part + east_part, hw, nm)
        else:
            R.way(west_part, hw, nm)
            R.way(east_part, "service", nm + "东段")
    for x in pxs:
        hw = "tertiary" if x in (4500.0, 6000.0) else "service"
        R.way([(x, y) for y in pys], hw, f"经{int((x - 4000) // 500)}路")
    return R


def _write_osm(R: _Roads, path: Path) -> None:
    """OSM XML 0.6 with nodes, ways and tags (as an extract from an editor would look)."""
    for w in R.ways:
        for c in w["coords"]:
            R.node(c)
    ids = sorted(R.nodes.items(), key=lambda kv: kv[1])
    xy = np.array([k for k, _ in ids])
    lon, lat = to_lonlat(xy[:, 0], xy[:, 1])
    lines = ["<?xml version='1.0' encoding='UTF-8'?>",
             "<osm version=\"0.6\" generator=\"yitu demo (fictional data)\">",
             f"  <bounds minlat=\"{lat.min():.7f}\" minlon=\"{lon.min():.7f}\" maxlat=\"{lat.max():.7f}\" maxlon=\"{lon.max():.7f}\"/>"]
    for (key, nid), x, y in zip(ids, lon, lat):
        if key in R.signals:
            lines.append(f"  <node id=\"{nid}\" version=\"1\" lat=\"{y:.7f}\" lon=\"{x:.7f}\">")
            lines.append("    <tag k=\"highway\" v=\"traffic_signals\"/>")
            lines.append("  </node>")
        else:
            lines.append(f"  <node id=\"{nid}\" version=\"1\" lat=\"{y:.7f}\" lon=\"{x:.7f}\"/>")
    for i, w in enumerate(R.ways):
        lines.append(f"  <way id=\"{100000 + i}\" version=\"1\">")
        for c in w["coords"]:
            lines.append(f"    <nd ref=\"{R.node(c)}\"/>")
        for k in ("highway", "name", "oneway", "maxspeed", "bridge", "layer"):
            if w.get(k):
                lines.append(f"    <tag k=\"{k}\" v={quoteattr(str(w[k]))}/>")
        lines.append("  </way>")
    lines += _geography_osm(len(R.nodes) + 1000, 100000 + len(R.ways) + 1000)
    lines.append("</osm>")
    with atomic_path(path) as tmp:
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _geography_osm(nid: int, wid: int) -> list[str]:
    """The 岚江 river, the park canal and place names (no roads: routing ignores them; maps draw them)."""
    xs = np.arange(-14000.0, 14001.0, 250.0)
    river = list(zip(xs, _river(xs)))
    canal = [(CANAL_X, -6500.0), (CANAL_X, -4500.0), (CANAL_X, -2500.0), (CANAL_X, float(_river(CANAL_X)))]
    places = [((0.0, 3300.0), "town", "青岚镇"), ((-8000.0, -1800.0), "village", "西渡村"),
              ((9000.0, -1800.0), "village", "东岚村"), ((6200.0, -2500.0), "neighbourhood", "青岚化工园区"),
              ((-6000.0, 5500.0), "village", "北岗村")]
    out: list[str] = []
    refs: list[list[int]] = []
    pts = [*river, *canal]
    lon, lat = to_lonlat(np.array([p[0] for p in pts]), np.array([p[1] for p in pts]))
    ids = list(range(nid, nid + len(pts)))
    for i, x, y in zip(ids, lon, lat):
        out.append(f"  <node id=\"{i}\" version=\"1\" lat=\"{y:.7f}\" lon=\"{x:.7f}\"/>")
    refs = [ids[:len(river)], ids[len(river):]]
    nid += len(pts)
    plon, plat = to_lonlat(np.array([p[0][0] for p in places]), np.array([p[0][1] for p in places]))
    for (_, kind, name), x, y in zip(places, plon, plat):
        out += [f"  <node id=\"{nid}\" version=\"1\" lat=\"{y:.7f}\" lon=\"{x:.7f}\">",
                f"    <tag k=\"place\" v=\"{kind}\"/>", f"    <tag k=\"name\" v={quoteattr(name)}/>", "  </node>"]
        nid += 1
    for k, (nodes, tags) in enumerate(zip(refs, ({"waterway": "river", "name": "岚江"}, {"waterway": "canal", "name": "园区运河"}))):
        out.append(f"  <way id=\"{wid + k}\" version=\"1\">")
        out += [f"    <nd ref=\"{n}\"/>" for n in nodes]
        out += [f"    <tag k=\"{t}\" v={quoteattr(v)}/>" for t, v in tags.items()]
        out.append("  </way>")
    return out


def _roads_gdf(R: _Roads) -> gpd.GeoDataFrame:
    geoms, rows = [], []
    for i, w in enumerate(R.ways):
        xy = np.array(w["coords"])
        lon, lat = to_lonlat(xy[:, 0], xy[:, 1])
        geoms.append(shapely.linestrings(np.column_stack([lon, lat])))
        rows.append({"osm_id": 100000 + i, "name": w["name"], "road_class": w["highway"],
                     "maxspeed": float(w["maxspeed"]) if w.get("maxspeed") else None,
                     "oneway": w.get("oneway", "no"), "bridge": w.get("bridge", "no")})
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=4326)


# ----------------------------------------------------------------------------------- the layers
_INDUSTRY_PARK = ["基础化工", "精细化工", "农药", "医药中间体", "涂料油墨", "合成材料", "危化品仓储"]
_INDUSTRY_OUT = ["机械制造", "食品加工", "纺织", "仓储物流", "加油站", "建材", "木材加工", "电子", "化工"]
_TOWNS = ["岚城街道", "北山镇", "西渡镇", "东岚镇", "南塘镇", "青岚化工园区"]
_SURN = "岚青泽澄瑞嘉宏盛恒远华兴"
_WORDS = "泰丰润祥源达安鑫诚和昌隆顺富康新宇海天晟"


def _company(rng: np.random.Generator, industry: str, i: int) -> str:
    a = _SURN[int(rng.integers(len(_SURN)))] + _WORDS[int(rng.integers(len(_WORDS)))]
    suffix = {"加油站": "加油站", "危化品仓储": "仓储有限公司", "仓储物流": "物流有限公司"}.get(industry)
    if suffix is None:
        suffix = "化工有限公司" if "化" in industry or industry in ("农药", "医药中间体", "涂料油墨") else "有限公司"
    return f"青岚{a}{suffix}（演示{i:03d}）"


def _grade_text(rng: np.random.Generator, grade: int) -> str:
    spell = {1: ["红", "红色", "重大风险"], 2: ["橙", "橙色", "较大"], 3: ["黄", "黄色", "Y", "一般风险"], 4: ["蓝", "蓝色", "4", "低风险"]}
    opts = spell[grade]
    return opts[int(rng.integers(len(opts)))]


def _enterprises(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    x0, y0, x1, y1 = PARK_BOX
    # park plants on the blocks of the park grid (off the roads)
    n_park = 112
    bx = rng.uniform(x0 + 150, x1 - 150, n_park * 3)
    by = rng.uniform(y0 + 150, y1 - 150, n_park * 3)
    ok = (np.abs(((bx - 4500) % 500) - 250) < 190) & (np.abs(((by + 3000) % 500) - 250) < 190) & (np.abs(bx - CANAL_X) > 60)
    bx, by = bx[ok][:n_park], by[ok][:n_park]
    # grades: most blue/yellow, some orange, few red; the biggest plants are graded higher
    for i in range(n_park):
        big = i < 15
        g = int(rng.choice([1, 2, 3, 4], p=[0.25, 0.45, 0.25, 0.05])) if big else int(rng.choice([1, 2, 3, 4], p=[0.01, 0.1, 0.39, 0.5]))
        mh = int(rng.choice([1, 2, 3, 4], p=[0.15, 0.25, 0.35, 0.25])) if big else int(rng.choice([0, 3, 4], p=[0.8, 0.1, 0.1]))
        ind = _INDUSTRY_PARK[int(rng.integers(len(_INDUSTRY_PARK)))]
        roles = rng.choice(["生产", "储存", "使用", "经营"], size=int(rng.integers(1, 4)), replace=False)
        rows.append(dict(
            编号=f"E{i + 1:04d}", 企业名称=_company(rng, ind, i + 1), 统一社会信用代码=f"91321099MA{rng.integers(10**7, 10**8)}X",
            行业=ind, 乡镇街道="青岚化工园区", 所属园区=PARK_ID, 危化品经营方式="、".join(sorted(roles)),
            重大危险源等级=["无", "一级", "二级", "三级", "四级"][mh],
            重点监管危险化工工艺="是" if (big or rng.random() < 0.3) else "否",
            重点监管危险化学品="是" if (big or rng.random() < 0.4) else "否",
            风险等级=_grade_text(rng, g), 从业人数=int(rng.integers(300, 1500) if big else rng.integers(20, 300)),
            经度=float(bx[i]), 纬度=float(by[i]),
            更新日期=str(pd.Timestamp("2025-09-01") + pd.Timedelta(days=int(rng.integers(0, 420))))[:10],
            外部安全防护距离米=float(rng.choice([300, 500, 800, 1000])) if big else (float(rng.choice([100, 200, 300])) if mh else None),
        ))
    # the highest-risk plant: 一级 major hazard, red, in the west part of the park
    rows[0].update(风险等级="红", 重大危险源等级="一级", 行业="基础化工", 经度=5230.0, 纬度=-3760.0, 外部安全防护距离米=1000.0)
    # enterprises elsewhere: along the national road, in the town's industrial strip, in villages
    n_out = 224
    centres = [(-9000, 1300), (-3000, 1300), (3000, 1300), (6000, 1300), (-1200, 4200), (1200, 1700),
               (-6000, -1800), (-3000, -6000), (9000, -3000), (-9000, 7000), (6000, 7500), (3000, -7600)]
    towns = ["西渡镇", "岚城街道", "东岚镇", "东岚镇", "岚城街道", "岚城街道", "西渡镇", "南塘镇", "南塘镇", "北山镇", "北山镇", "南塘镇"]
    for j in range(n_out):
        k = int(rng.integers(len(centres)))
        cx, cy = centres[k]
        x, y = cx + rng.normal(0, 450), cy + rng.normal(0, 300)
        if abs(y - _river(x)) < 400:  # keep off the river
            y = cy
        ind = _INDUSTRY_OUT[int(rng.integers(len(_INDUSTRY_OUT)))]
        hz = ind in ("加油站", "化工", "仓储物流")
        g = int(rng.choice([2, 3, 4], p=[0.06, 0.34, 0.6])) if hz else int(rng.choice([3, 4], p=[0.2, 0.8]))
        grade = _grade_text(rng, g) if rng.random() > 0.04 else ""  # a few ungraded (未定级)
        rows.append(dict(
            编号=f"E{n_park + j + 1:04d}", 企业名称=_company(rng, ind, n_park + j + 1),
            统一社会信用代码=f"91321099MA{rng.integers(10**7, 10**8)}X", 行业=ind, 乡镇街道=towns[k], 所属园区="",
            危化品经营方式=("经营" if ind == "加油站" else ("储存" if hz else "")), 重大危险源等级="无",
            重点监管危险化工工艺="否", 重点监管危险化学品="是" if ind == "化工" else "否", 风险等级=grade,
            从业人数=int(rng.integers(5, 400)), 经度=float(x), 纬度=float(y),
            更新日期=str(pd.Timestamp("2025-03-01") + pd.Timedelta(days=int(rng.integers(0, 600))))[:10],
            外部安全防护距离米=None,
        ))
    df = pd.DataFrame(rows)
    df["经度"], df["纬度"] = to_lonlat(df["经度"], df["纬度"])
    return df


def _risk_zones(rng: np.random.Generator, ent: pd.DataFrame) -> gpd.GeoDataFrame:
    rows, geoms = [], []
    kinds = [("储罐区", "火灾、爆炸", "罐区"), ("生产装置区", "火灾、爆炸、中毒", "装置"), ("危化品仓库", "火灾、中毒", "仓库"),
             ("装卸区", "泄漏、火灾", "装卸"), ("公用工程区", "触电、机械伤害", "公用"), ("办公区", "火灾", "办公"),
             ("污水处理区", "中毒窒息", "污水"), ("控制室", "火灾", "控制")]
    x_ll, y_ll = _FROM_LL.transform(ent["经度"].to_numpy(), ent["纬度"].to_numpy())
    n = 0
    for i in range(15):
        cx, cy = x_ll[i] - _OX, y_ll[i] - _OY
        k = int(rng.integers(4, 9))
        for z in range(k):
            name, hazard, short = kinds[z]
            dx, dy = (z % 3 - 1) * 90.0, (z // 3 - 1) * 80.0
            w, h = rng.uniform(30, 70), rng.uniform(25, 60)
            L, E, C = (float(rng.choice([1, 3, 6, 10])), float(rng.choice([2, 3, 6])), float(rng.choice([3, 7, 15, 40])))
            lx, ly = to_lonlat([cx + dx - w / 2, cx + dx + w / 2], [cy + dy - h / 2, cy + dy + h / 2])
            geoms.append(shapely.box(lx[0], ly[0], lx[1], ly[1]))
            n += 1
            ml, ms = int(rng.integers(1, 6)), int(rng.integers(1, 6))
            rows.append({"编号": f"Z{n:04d}", "企业编号": ent.at[i, "编号"], "区域名称": f"{name}{z + 1}",
                         "风险描述": hazard, "风险等级": "" if z >= 6 else ["红", "橙", "黄", "蓝"][min(3, max(0, 4 - int(L * E * C // 80) - 1))],
                         "L值": L, "E值": E, "C值": C, "可能性": ml, "严重性": ms,
                         "管控措施": f"{short}：定期巡检、可燃气体检测报警、应急处置卡上墙",
                         "责任人": f"{_SURN[z % len(_SURN)]}工", "更新日期": "2026-03-01"})
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=4326)


# type, x, y, name, vehicles (pumper, foam, aerial, rescue, hazmat, other), personnel, foam_t, water_t, turnout
_STATIONS = [
    ("特勤站", 300, 3750, "青岚县特勤消防站", (4, 3, 2, 1, 1, 1), 48, 12.0, 40.0, 1.0),
    ("一级站", -6000, 1250, "西渡消防救援站", (3, 1, 1, 1, 0, 1), 30, 4.0, 24.0, None),
    ("二级站", 3000, 2950, "城东消防救援站", (2, 1, 0, 1, 0, 0), 22, 2.0, 16.0, None),
    ("小型站", -9000, -1350, "南岸小型消防站", (1, 0, 0, 0, 0, 1), 10, 0.5, 8.0, None),
    ("一级站", 3000, -4350, "园区消防救援站", (3, 2, 1, 1, 1, 0), 32, 8.0, 24.0, 1.0),
    ("政府专职队", 9000, 1150, "东岚镇政府专职消防队", (2, 0, 0, 0, 0, 1), 14, 0.0, 12.0, None),
    ("企业专职队", 4700, -5200, "青岚石化企业专职消防队", (2, 2, 0, 0, 1, 0), 20, 10.0, 16.0, 2.0),
    ("企业专职队", -3000, 1150, "宏达化工企业专职消防队", (1, 1, 0, 0, 0, 0), 12, 3.0, 8.0, None),
    ("微型消防站", -600, 3150, "岚城社区微型消防站", (0, 0, 0, 0, 0, 1), 6, 0.0, 1.0, None),
    ("微型消防站", 6000, -1350, "南塘村微型消防站", (0, 0, 0, 0, 0, 1), 5, 0.0, 1.0, 1.0),
    ("微型消防站", 5050, -3250, "园区管委会微型消防站", (1, 0, 0, 0, 0, 0), 6, 0.5, 3.0, None),
    ("志愿队", -12000, 3100, "北山志愿消防队", (1, 0, 0, 0, 0, 0), 8, 0.0, 5.0, None),
    ("志愿队", 12000, -7900, "南山志愿消防队", (1, 0, 0, 0, 0, 0), 8, 0.0, 5.0, 5.0),
    ("专业救援队", -3000, 2950, "县危化品应急救援队", (1, 1, 0, 2, 2, 1), 24, 6.0, 8.0, 2.0),
]


def _stations() -> pd.DataFrame:
    rows = []
    for i, (typ, x, y, name, veh, crew, foam, water, turn) in enumerate(_STATIONS, 1):
        lon, lat = to_lonlat(x, y)
        glon, glat = wgs84_to_gcj02(lon, lat)  # the office copied these from 高德地图
        rows.append({"编号": f"S{i:02d}", "站点名称": name, "站点类型": typ, "乡镇街道": "", "出动时间": "" if turn is None else turn,
                     "执勤人数": crew, "水罐车": veh[0], "泡沫车": veh[1], "举高车": veh[2], "抢险救援车": veh[3],
                     "化学救援/洗消车": veh[4], "其他车辆": veh[5], "泡沫液(吨)": foam, "载水量": water,
                     "值班电话": "0510-8" + f"{1000000 + i * 1111:07d}"[:7], "经度": round(float(glon), 8), "纬度": round(float(glat), 8),
                     "更新日期": "2026-03-01"})
    df = pd.DataFrame(rows)
    df.loc[df["站点名称"] == "青岚石化企业专职消防队", "园区"] = PARK_ID
    return df.drop(columns=["园区"])


def _shelters() -> gpd.GeoDataFrame:
    spec = [("紧急", 0, 3300, "人民广场", 9000, 8000, 6000), ("紧急", -900, 2250, "城西公园", 6000, 4500, 4000),
            ("紧急", 900, 4350, "城北小学操场", 4000, 2600, 2400), ("紧急", -9000, 7200, "北山村文化广场", 3000, 2200, 2000),
            ("紧急", -3000, -5800, "南塘村晒场", 2500, 1800, 2500), ("紧急", 3600, -2500, "园区北侧绿地", 5000, 3500, 3000),
            ("固定", 1200, 1800, "岚城体育中心", 60000, 42000, 20000), ("固定", -6000, 1700, "西渡中学", 30000, 18000, 9000),
            ("固定", 9000, 1700, "东岚镇公园", 25000, 16000, 7500), ("中心", -600, 4100, "县中心避难场所（体育公园）", 150000, 100000, 50000),
            ("临时疏散点", 2600, -4200, "园区应急疏散点一", 3000, 2500, 2000), ("临时疏散点", 3800, -6600, "园区应急疏散点二", 2500, 2000, 1800),
            ("临时疏散点", 8700, -5200, "园区东疏散点", 2000, 1500, 1200), ("临时疏散点", -3000, 1400, "国道服务区空地", 4000, 3000, 2500)]
    rows, geoms = [], []
    for i, (cls, x, y, name, area, eff, cap) in enumerate(spec, 1):
        lon, lat = to_lonlat(x, y)
        geoms.append(shapely.Point(float(lon), float(lat)))
        rows.append({"编号": f"H{i:02d}", "场所名称": name, "场所类型": cls, "占地面积": area, "有效面积": eff, "容纳人数": cap,
                     "配套设施": "应急供水、照明、厕所", "更新日期": "2026-05-01"})
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=4326)


def _targets(rng: np.random.Generator) -> gpd.GeoDataFrame:
    spec = [("学校", 600, 4350, "青岚县第一小学（演示）", 1600), ("学校", -900, 3450, "青岚中学（演示）", 2400),
            ("学校", -6000, 1750, "西渡中学（演示）", 1100), ("学校", 3700, -6700, "南塘小学（演示）", 420),
            ("学校", 9000, 1550, "东岚小学（演示）", 650), ("幼儿园", 300, 2250, "岚城幼儿园（演示）", 300),
            ("幼儿园", 3500, -2400, "南塘幼儿园（演示）", 120), ("幼儿园", -9000, 7100, "北山幼儿园（演示）", 90),
            ("医院", 0, 3450, "青岚县人民医院（演示）", 900), ("医院", 9000, 1800, "东岚镇卫生院（演示）", 120),
            ("养老机构", -1200, 4050, "岚城敬老院（演示）", 160), ("养老机构", 2500, -2200, "南塘养老院（演示）", 80),
            ("居住区", -600, 1950, "锦绣小区（演示）", 4200), ("居住区", 900, 3750, "岚湖花园（演示）", 5600),
            ("居住区", -1200, 2850, "城西新村（演示）", 3800), ("居住区", 1200, 2550, "滨江苑（演示）", 2600),
            ("人员密集场所", 300, 3150, "青岚商场（演示）", 1500), ("人员密集场所", -300, 1700, "青岚汽车站（演示）", 800)]
    villages = [(-9000, 7300, "北山村"), (6000, 7300, "东山村"), (-6000, -1900, "西渡南村"), (-3000, -6100, "南塘村"),
                (3600, -2300, "园北村"), (9500, -3200, "园东村"), (-12000, -7800, "南山村"), (3200, -7700, "岭下村")]
    rows, geoms = [], []
    for i, (typ, x, y, name, pop) in enumerate(spec, 1):
        lon, lat = to_lonlat(x, y)
        geoms.append(shapely.Point(float(lon), float(lat)))
        rows.append({"编号": f"T{i:03d}", "名称": name, "类型": typ, "人数": pop, "所属乡镇": ""})
    for j, (x, y, name) in enumerate(villages, len(spec) + 1):
        lon, lat = to_lonlat(x, y)
        geoms.append(shapely.Point(float(lon), float(lat)))
        rows.append({"编号": f"T{j:03d}", "名称": f"{name}（演示）", "类型": "自然村", "人数": int(rng.integers(300, 1500)), "所属乡镇": ""})
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=4326)


def _water_and_depots(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    w = []
    for i in range(24):
        if i < 14:
            x, y, t = 4500.0 + 500 * (i % 7) + 20, -3000.0 - 500 * (i // 7) * 3 - 20, "消火栓"
        elif i < 20:
            x, y, t = -1500.0 + 600 * (i - 14) + 15, 3000.0 + 15, "消火栓"
        elif i < 22:
            x, y, t = [(5600.0, -4200.0), (-300.0, 3300.0)][i - 20] + ("消防水池",)
        else:
            x = [-2000.0, 6000.0][i - 22]
            y, t = float(_river(x)) - 150.0, "天然水源"
        lon, lat = to_lonlat(x, y)
        w.append({"编号": f"W{i + 1:02d}", "水源名称": f"{t}{i + 1:02d}（演示）", "水源类型": t,
                  "容量": 500 if t == "消防水池" else "", "流量": 15 if t == "消火栓" else "", "经度": float(lon), "纬度": float(lat)})
    d = []
    for i, (x, y, name, foam, items) in enumerate([(2900, -3000, "园区应急物资库（演示）", 30.0, "泡沫液、吸附棉、防化服、堵漏器材"),
                                                   (-1500, 1300, "县应急物资储备库（演示）", 12.0, "帐篷、发电机、照明、救生器材")], 1):
        lon, lat = to_lonlat(x, y)
        d.append({"编号": f"D{i}", "物资库名称": name, "泡沫液(吨)": foam, "主要物资": items, "管理单位": "青岚县应急管理局（虚构）",
                  "联系电话": "0510-80000000", "经度": float(lon), "纬度": float(lat)})
    return pd.DataFrame(w), pd.DataFrame(d)


def _hazards(rng: np.random.Generator, ent: pd.DataFrame) -> pd.DataFrame:
    items = ["可燃气体报警器未定期校验", "储罐区防火堤排水阀常开", "特种作业人员证书过期", "消防通道堆放杂物",
             "重大危险源监测数据未接入平台", "动火作业票证不规范", "应急预案未按期演练", "静电接地线断开"]
    rows = []
    for i in range(36):
        e = int(rng.integers(0, 40))
        found = pd.Timestamp("2025-01-01") + pd.Timedelta(days=int(rng.integers(0, 300)))
        major = rng.random() < 0.1
        rows.append({"编号": f"K{i + 1:03d}", "企业编号": ent.at[e, "编号"], "隐患描述": items[int(rng.integers(len(items)))],
                     "隐患级别": "重大" if major else "一般", "发现日期": str(found)[:10],
                     "整改期限": str(found + pd.Timedelta(days=30 if not major else 90))[:10],
                     "整改状态": ["未整改", "整改中", "已整改"][int(rng.integers(3))], "整改责任人": f"{_SURN[i % len(_SURN)]}经理"})
    return pd.DataFrame(rows)


def _park() -> gpd.GeoDataFrame:
    x0, y0, x1, y1 = PARK_BOX
    ring = [(x0, y0), (x1, y0), (x1, y1 - 250), (x1 - 300, y1), (x0, y1), (x0, y0)]
    lon, lat = to_lonlat([p[0] for p in ring], [p[1] for p in ring])
    poly = shapely.Polygon(np.column_stack([lon, lat]))
    return gpd.GeoDataFrame({"编号": [PARK_ID], "园区名称": ["青岚化工园区（演示）"], "园区级别": ["省级"],
                             "园区消防站": ["S05,S07"], "安全风险等级": ["C类（较低安全风险）"], "更新日期": ["2026-01-15"]},
                            geometry=[poly], crs=4326)


def _write_xlsx_with_title(df: pd.DataFrame, path: Path, title: str) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "企业名单"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(df.columns))
    ws.append(list(df.columns))
    for row in df.itertuples(index=False):
        ws.append([None if (isinstance(v, float) and np.isnan(v)) else v for v in row])
    with atomic_path(path) as tmp:
        wb.save(tmp)


def generate_demo(out_dir: str | Path, *, seed: int = DEMO_SEED) -> DemoInputs:
    """Write the demo county's input files into ``out_dir``.

    Parameters
    ----------
    out_dir
        Folder for the files (created).
    seed
        Random seed; the same seed gives byte-identical OSM and CSV files.

    Returns
    -------
    DemoInputs
        Paths per layer, the import options each file needs (e.g. ``crs='gcj02'`` for stations),
        the OSM file and the road-line layer.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    roads = _build_roads(rng)
    inputs = DemoInputs(out)
    inputs.osm = out / "roads.osm"
    _write_osm(roads, inputs.osm)
    inputs.roads = out / "roads.gpkg"
    if inputs.roads.exists():
        inputs.roads.unlink()
    write_gpkg(inputs.roads, {"roads": _roads_gdf(roads)})

    ent = _enterprises(rng)
    # three deliberately bad rows, so the rejected list is exercised: no coordinates, an unknown
    # grade, and a duplicate id
    bad = ent.iloc[[5, 6, 7]].copy()
    bad.loc[bad.index[0], ["编号", "经度", "纬度"]] = ["E9001", None, None]
    bad.loc[bad.index[1], ["编号", "风险等级"]] = ["E9002", "紫"]
    bad.loc[bad.index[2], "企业名称"] = bad.loc[bad.index[2], "企业名称"].replace("演示", "重复")
    ent_file = pd.concat([ent, bad], ignore_index=True).rename(columns={"外部安全防护距离米": "外部安全防护距离(米)"})
    inputs.files["enterprises"] = out / "企业名单.xlsx"
    _write_xlsx_with_title(ent_file, inputs.files["enterprises"], f"{DEMO_NAME}危险化学品及工贸企业名单（虚构数据，2025年）")

    inputs.files["stations"] = out / "救援力量_高德坐标.csv"
    with atomic_path(inputs.files["stations"]) as tmp:
        tmp.write_bytes(_stations().to_csv(index=False).encode("gbk"))
    inputs.options["stations"] = {"crs": "gcj02"}

    inputs.files["shelters"] = out / "避难场所.geojson"
    _write_vector(_shelters(), inputs.files["shelters"], "GeoJSON")
    inputs.files["parks"] = out / "化工园区.geojson"
    _write_vector(_park(), inputs.files["parks"], "GeoJSON")
    inputs.files["risk_zones"] = out / "企业风险分区.gpkg"
    _write_vector(_risk_zones(rng, ent), inputs.files["risk_zones"], "GPKG")
    inputs.files["targets"] = out / "防护目标.shp"
    _write_vector(_targets(rng), inputs.files["targets"], "ESRI Shapefile", encoding="GBK")
    water, depots = _water_and_depots(rng)
    inputs.files["water_sources"] = out / "消防水源.csv"
    with atomic_path(inputs.files["water_sources"]) as tmp:
        water.to_csv(tmp, index=False, encoding="utf-8")
    inputs.files["depots"] = out / "应急物资库.csv"
    with atomic_path(inputs.files["depots"]) as tmp:
        depots.to_csv(tmp, index=False, encoding="utf-8")
    inputs.files["hazards"] = out / "隐患清单.csv"
    with atomic_path(inputs.files["hazards"]) as tmp:
        _hazards(rng, ent).to_csv(tmp, index=False, encoding="utf-8-sig")
    _extra_inputs(inputs, seed=seed)
    log.info(msg("project.log.demo", path=out, nodes=len(roads.nodes), ways=len(roads.ways)))
    return inputs


def _extra_inputs(inputs: DemoInputs, *, seed: int) -> None:
    """Let the planning analyses add their demo files: every module ``yitu/layers/demo_*.py`` defines
    ``add_demo_inputs(inputs, *, seed)``, which writes its files into ``inputs.folder`` and adds them
    to ``inputs.files`` (imported in that order, after the layers above) and ``inputs.options``."""
    import importlib
    import pkgutil

    import yitu.layers

    for name in sorted(m.name for m in pkgutil.iter_modules(yitu.layers.__path__) if m.name.startswith("demo_")):
        importlib.import_module(f"yitu.layers.{name}").add_demo_inputs(inputs, seed=seed)


def _write_vector(gdf: gpd.GeoDataFrame, path: Path, driver: str, **kw: Any) -> None:
    if driver == "ESRI Shapefile":
        for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
            path.with_suffix(ext).unlink(missing_ok=True)
        gdf.to_file(path, driver=driver, engine="pyogrio", **kw)
        return
    with atomic_path(path) as tmp:
        tmp.unlink()
        if driver == "GPKG":
            kw.setdefault("layer", path.stem)
        gdf.to_file(tmp, driver=driver, engine="pyogrio", **kw)


def build_demo_project(directory: str | Path, *, seed: int = DEMO_SEED, force: bool = False) -> tuple[Any, dict[str, Any]]:
    """Generate the demo inputs into ``directory/inputs`` and import them into a new project.

    Returns
    -------
    tuple
        The :class:`~yitu.layers.project.Project` and a dict layer -> :class:`~yitu.layers.load.LoadResult`.

    Raises
    ------
    InputError
        When ``directory`` is not empty and ``force`` is false.
    """
    from yitu.layers.load import import_layer
    from yitu.layers.project import Project

    d = Path(directory)
    if d.exists() and any(d.iterdir()):
        if not force:
            raise InputError(tr("project.err.demo_not_empty", path=d))
        shutil.rmtree(d)
    inputs = generate_demo(d / "inputs", seed=seed)
    lon, lat = to_lonlat([-13000, 13000], [-10000, 10000])
    project = Project.init(d, name=DEMO_NAME, bbox=(float(lon[0]), float(lat[0]), float(lon[1]), float(lat[1])))
    results = {}
    for layer, path in inputs.files.items():
        results[layer] = import_layer(project, layer, path, **inputs.options.get(layer, {}))
    return project, results
