"""Make the small real input files used by the tests (run once; the outputs are committed).

    python tests/data/make_files.py

Every file here is what a county office might send: GBK CSVs, a Shapefile written by a Chinese
GIS package without a .cpg, an XLSX with a title row above the header, points in GCJ-02.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import shapely

HERE = Path(__file__).parent
GIS = HERE / "gis"
LAYERS = HERE / "layers"

# WGS-84 truth of five points in the (fictional) demo county, and their GCJ-02 coordinates.
TRUTH = [(119.4012, 32.3311), (119.4520, 32.3480), (119.3877, 32.3025), (119.5101, 32.3702), (119.4650, 32.2899)]


def gcj(lon: float, lat: float) -> tuple[float, float]:
    from yitu.gis.crs import wgs84_to_gcj02

    x, y = wgs84_to_gcj02(lon, lat)
    return float(x), float(y)


def main() -> None:
    GIS.mkdir(exist_ok=True)
    LAYERS.mkdir(exist_ok=True)
    names = ["青岚化工有限公司", "东港仓储物流", "南塘加油站", "北洲精细化工", "西岭建材厂"]
    pts = gpd.GeoDataFrame(
        {"名称": names, "类型": ["化工", "仓储", "加油站", "化工", "建材"], "人数": [120, 35, 8, 260, 40]},
        geometry=shapely.points(TRUTH),
        crs=4326,
    )
    # Shapefiles: GBK with .cpg, GBK without .cpg (as many Chinese tools write them), UTF-8, no .prj
    for stem, enc, keep_cpg, keep_prj in (
        ("gbk_cpg", "GBK", True, True),
        ("gbk_nocpg", "GBK", False, True),
        ("utf8", "UTF-8", True, True),
        ("noprj", "UTF-8", True, False),
    ):
        path = GIS / f"{stem}.shp"
        pts.to_file(path, encoding=enc, engine="pyogrio")
        if not keep_cpg:
            path.with_suffix(".cpg").unlink(missing_ok=True)
        if not keep_prj:
            path.with_suffix(".prj").unlink(missing_ok=True)
    df = pd.DataFrame({"企业名称": names, "经度": [p[0] for p in TRUTH], "纬度": [p[1] for p in TRUTH],
                       "统一社会信用代码": ["91321000MA1XXXX001", "0913210001", "91321000MA1XXXX003",
                                            "91321000MA1XXXX004", "91321000MA1XXXX005"]})
    (GIS / "gbk.csv").write_bytes(df.to_csv(index=False).encode("gbk"))
    (GIS / "utf8_bom.csv").write_bytes(df.to_csv(index=False).encode("utf-8-sig"))
    (GIS / "semicolon.csv").write_bytes(df.to_csv(index=False, sep=";").encode("utf-8"))
    (GIS / "empty.csv").write_bytes(b"")
    (GIS / "latin1.csv").write_bytes("name,lon,lat\nCaf\xe9 M\xfcller,1,2\n\xff\xfe\xfd,3,4\n".encode("latin-1"))
    # GCJ-02 points (as copied from 高德地图)
    g = [gcj(*p) for p in TRUTH]
    pd.DataFrame({"名称": names, "经度": [p[0] for p in g], "纬度": [p[1] for p in g]}).to_csv(
        GIS / "gcj02.csv", index=False, float_format="%.8f"
    )
    # XLSX with a merged title row, a blank row, then the header; a second sheet
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "企业名单"
    ws.append(["青岚县危险化学品企业名单（2024年）"])
    ws.merge_cells("A1:E1")
    ws.append([])
    ws.append(["序号", "企业名称", "统一社会信用代码", "经度", "纬度"])
    for i, (n, p) in enumerate(zip(names, TRUTH), 1):
        ws.append([i, n, "0913210000" + str(i), p[0], p[1]])
    ws2 = wb.create_sheet("说明")
    ws2.append(["本表由青岚县应急管理局（虚构）提供"])
    wb.save(GIS / "title_row.xlsx")
    pts.to_file(GIS / "points.geojson", driver="GeoJSON", engine="pyogrio")
    if (GIS / "two_layers.gpkg").exists():
        (GIS / "two_layers.gpkg").unlink()
    pts.to_file(GIS / "two_layers.gpkg", layer="企业", driver="GPKG", engine="pyogrio")
    parks = gpd.GeoDataFrame({"名称": ["青岚化工园区"]}, geometry=[shapely.box(119.38, 32.28, 119.47, 32.34)], crs=4326)
    parks.to_file(GIS / "two_layers.gpkg", layer="园区", driver="GPKG", engine="pyogrio")

    # --- layer files with deliberate problems ------------------------------------------------
    bad = [
        # 编号, 企业名称, 风险等级, 经度, 纬度, 从业人数, 重大危险源等级, 危化品经营方式
        ["E001", "青岚化工有限公司", "红", "119.4012", "32.3311", "120", "二级", "生产、储存"],  # good
        ["E002", "东港仓储物流", "紫", "119.4520", "32.3480", "35", "无", "储存"],  # unknown grade
        ["E003", "南塘加油站", "黄", "", "32.3025", "8", "", "经营"],  # missing lon
        ["E004", "北洲精细化工", "橙色", "abc", "32.3702", "260", "三级", "使用"],  # non-numeric lon
        ["E001", "重复编号公司", "蓝", "119.4100", "32.3300", "10", "", ""],  # duplicate id
        ["E006", "西岭建材厂", "Y", "32.2899", "119.4650", "40", "", ""],  # swapped: fixed, kept
        ["E007", "海外公司", "蓝", "2.35", "48.85", "5", "", ""],  # outside China
        ["E008", "", "蓝", "119.40", "32.30", "5", "", ""],  # required name empty
        ["E009", "多问题企业", "紫", "119.40", "32.30", "很多", "五级", "偷运"],  # 4 problems, 1 row
        ["E010", "正常企业", "低风险", "119.4301", "32.3101", "1,200人", "四级", "使用,经营"],  # good
    ]
    cols = ["编号", "企业名称", "风险等级", "经度", "纬度", "从业人数", "重大危险源等级", "危化品经营方式"]
    (LAYERS / "enterprises_bad.csv").write_bytes(pd.DataFrame(bad, columns=cols).to_csv(index=False).encode("gbk"))
    stations = pd.DataFrame(
        {"站点名称": ["青岚特勤站", "园区企业专职队", "东港微型站"], "站点类型": ["特勤消防站", "企业专职消防队", "微型站"],
         "经度": [gcj(*TRUTH[0])[0], gcj(*TRUTH[1])[0], gcj(*TRUTH[2])[0]],
         "纬度": [gcj(*TRUTH[0])[1], gcj(*TRUTH[1])[1], gcj(*TRUTH[2])[1]],
         "水罐车": [3, 1, 0], "泡沫车": [2, 1, 0], "人数": [40, 15, 6], "出动时间": ["1", "", ""]}
    )
    (LAYERS / "stations_gcj02_gbk.csv").write_bytes(stations.to_csv(index=False, float_format="%.8f").encode("gbk"))
    poly = gpd.GeoDataFrame(
        {"园区名称": ["青岚化工园区", "自相交园区"], "编号": ["P1", "P2"]},
        geometry=[shapely.box(119.38, 32.28, 119.47, 32.34),
                  shapely.Polygon([(119.5, 32.3), (119.52, 32.32), (119.52, 32.3), (119.5, 32.32)])],
        crs=4326,
    )
    poly.to_file(LAYERS / "parks_bowtie.geojson", driver="GeoJSON", engine="pyogrio")
    lines = gpd.GeoDataFrame({"园区名称": ["线园区"], "编号": ["P9"]},
                             geometry=[shapely.LineString([(119.4, 32.3), (119.5, 32.4)])], crs=4326)
    lines.to_file(LAYERS / "parks_line.geojson", driver="GeoJSON", engine="pyogrio")
    targets = gpd.GeoDataFrame(
        {"名称": ["青岚县第一小学", "青岚县人民医院", "夕阳红养老院", "和平小区", "东村"],
         "类型": ["小学", "医院", "敬老院", "小区", "自然村"], "人口": [1200, 800, 150, 3500, 620]},
        geometry=shapely.points(TRUTH), crs=4326,
    )
    targets.to_file(LAYERS / "targets_gbk.shp", encoding="GBK", engine="pyogrio")
    (LAYERS / "targets_gbk.cpg").unlink(missing_ok=True)  # as many Chinese desktop tools write them
    (LAYERS / "no_coords.csv").write_bytes("企业名称,地址\n甲,某路1号\n".encode("utf-8"))
    (LAYERS / "no_name.csv").write_bytes("公司,经度,纬度\n甲,119.4,32.3\n".encode("utf-8"))


if __name__ == "__main__":
    main()
