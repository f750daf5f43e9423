"""Demo inputs of the external-safety-distance check: installations of the park's 一级 major-hazard
plant (E0001), individual-risk contours shaped by a prevailing south-easterly wind (ellipses drawn out
to the north-west), and two protected targets north-west of the park that fall inside: a school
and a residential block (added to the demo targets file; its existing rows are kept as they are).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from yitu.gis.io import atomic_path

__all__ = ["add_demo_inputs", "DEMO_SCHOOL", "DEMO_RESIDENTIAL"]

DEMO_SCHOOL = "园北希望小学（演示）"
DEMO_RESIDENTIAL = "园北安置小区（演示）"
# local demo metres (see yitu.layers.demo.to_lonlat); E0001 is at (5230, -3760)
_INSTALLATIONS = [
    # id, enterprise, name, kind, substance, t, major hazard, status, assessed distance m, x, y
    ("I001", "E0001", "氯乙烯合成装置", "装置", "氯乙烯、氯化氢", 120.0, "一级", "新建", 1200.0, 5230.0, -3760.0),
    ("I002", "E0001", "液氯储罐区", "储罐区", "液氯", 300.0, "一级", "在役", 800.0, 5380.0, -3900.0),
    ("I003", "E0002", "甲醇储罐区", "储罐区", "甲醇", 900.0, "三级", "在役", None, 6950.0, -5600.0),
    ("I004", "E0003", "危化品仓库", "其他", "", 20.0, "无", "在役", None, 7900.0, -4500.0),
]
# prevailing wind from the south-east: risk drawn out towards the north-west (bearing 315°)
_WIND_TO = np.deg2rad(135.0)  # direction (from +x, counter-clockwise) the plume is carried to
_LEVELS = [(3e-5, 200.0, 110.0), (1e-5, 380.0, 200.0), (3e-6, 600.0, 320.0), (1e-6, 950.0, 500.0),
           (3e-7, 1300.0, 700.0)]  # level, semi-major, semi-minor (m)


def _ellipse(x: float, y: float, a: float, b: float, shift: float) -> shapely.Polygon:
    t = np.linspace(0, 2 * np.pi, 97)[:-1]
    ex, ey = a * np.cos(t) + shift, b * np.sin(t)
    c, s = np.cos(_WIND_TO), np.sin(_WIND_TO)
    return shapely.Polygon(np.column_stack([x + ex * c - ey * s, y + ex * s + ey * c]))


def add_demo_inputs(inputs, *, seed: int) -> None:  # type: ignore[no-untyped-def]
    """Write 装置设施.csv and 个人风险等值线.geojson; append the school and the residential block to the
    targets file (a GBK Shapefile written by :mod:`yitu.layers.demo`)."""
    from yitu.layers.demo import to_lonlat

    out = inputs.folder
    rows = []
    for iid, eid, name, kind, sub, q, mh, st, dist, x, y in _INSTALLATIONS:
        lon, lat = to_lonlat(x, y)
        rows.append({"编号": iid, "企业编号": eid, "装置名称": name, "装置类型": kind, "危险化学品": sub, "数量(吨)": q,
                     "重大危险源等级": mh, "建设状态": st, "外部安全防护距离(米)": dist,
                     "评价报告": "安全评价报告（演示）" if dist else "", "经度": float(lon), "纬度": float(lat)})
    path = out / "装置设施.csv"
    with atomic_path(path) as tmp:
        pd.DataFrame(rows).to_csv(tmp, index=False, encoding="utf-8-sig")
    inputs.files["installations"] = path

    geoms, attrs = [], []
    x0, y0 = _INSTALLATIONS[0][9], _INSTALLATIONS[0][10]
    for k, (lv, a, b) in enumerate(_LEVELS, 1):
        poly = _ellipse(x0, y0, a, b, shift=0.35 * a)
        xy = shapely.get_coordinates(poly)
        lon, lat = to_lonlat(xy[:, 0], xy[:, 1])
        geoms.append(shapely.Polygon(np.column_stack([lon, lat])))
        attrs.append({"编号": f"C{k:03d}", "个人风险": lv, "装置编号": "I001", "来源": "QRA 演示等值线（虚构）"})
    cpath = out / "个人风险等值线.geojson"
    gdf = gpd.GeoDataFrame(attrs, geometry=geoms, crs=4326)
    with atomic_path(cpath) as tmp:
        tmp.unlink()
        gdf.to_file(tmp, driver="GeoJSON", engine="pyogrio")
    inputs.files["risk_contours"] = cpath

    tpath = inputs.files.get("targets")
    if tpath is None:
        return
    tg = gpd.read_file(tpath, engine="pyogrio", encoding="GBK")
    extra = []
    for typ, x, y, name, pop in (("学校", 4300.0, -2750.0, DEMO_SCHOOL, 460), ("居住区", 4900.0, -2700.0, DEMO_RESIDENTIAL, 380)):
        lon, lat = to_lonlat(x, y)
        n = len(tg) + len(extra) + 1
        extra.append({"编号": f"T{n:03d}", "名称": name, "类型": typ, "人数": pop, "所属乡镇": "",
                      "geometry": shapely.Point(float(lon), float(lat))})
    tg = pd.concat([tg, gpd.GeoDataFrame(extra, geometry="geometry", crs=tg.crs)], ignore_index=True)
    for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
        tpath.with_suffix(ext).unlink(missing_ok=True)
    gpd.GeoDataFrame(tg, geometry="geometry", crs=tg.crs).to_file(tpath, driver="ESRI Shapefile", engine="pyogrio",
                                                                  encoding="GBK")
