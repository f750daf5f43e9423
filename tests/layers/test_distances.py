"""External safety distances: thresholds at their edges, classes, contours (DXF), bad input, rules."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from yitu.layers.contours import parse_level, read_contours
from yitu.layers.distances import check_arrays, check_distances
from yitu.layers.distances_classes import derive_classes
from yitu.layers.distances_rules import check_rules, parse_rules
from yitu.layers.load import load
from yitu.settings import default_settings

CRS = "EPSG:32650"
X0, Y0 = 500000.0, 3580000.0
S = default_settings().safety_distance
TN = np.array([3e-7, 3e-7, 3e-7, 3e-6, 1e-5])
TE = np.array([3e-6, 3e-6, 3e-6, 1e-5, 3e-5])


def _square(half: float) -> shapely.Polygon:
    return shapely.box(X0 - half, Y0 - half, X0 + half, Y0 + half)


def _targets(geoms, types, **cols) -> gpd.GeoDataFrame:
    n = len(geoms)
    return gpd.GeoDataFrame({"id": [f"T{i}" for i in range(n)], "name": [f"t{i}" for i in range(n)],
                             "target_type": types, "protection_class": [None] * n, **cols}, geometry=geoms, crs=CRS)


def _inst(status="新建", distance=None, kind="装置", eid="E1") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"id": ["I1"], "enterprise_id": [eid], "name": ["装置"], "kind": [kind], "status": [status],
                             "distance_m": [distance]}, geometry=[shapely.Point(X0, Y0)], crs=CRS)


def _contours(levels=(3e-7, 1e-6), halves=(200.0, 100.0), inst="I1") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"id": [f"C{i}" for i in range(len(levels))], "level": list(levels),
                             "installation_id": [inst] * len(levels)},
                            geometry=[_square(h) for h in halves], crs=CRS)


# -- the core at its edges ------------------------------------------------------------------------
def test_target_on_the_criterion_contour_passes_and_just_inside_fails():
    on = shapely.Point(X0 + 200, Y0)  # on the 3e-7 square's edge: risk there = 3e-7 = the criterion
    inside = shapely.Point(X0 + 199.99, Y0)
    outside = shapely.Point(X0 + 200.01, Y0)
    r = check_distances(_targets([on, inside, outside], ["学校"] * 3), _inst(), _contours(), settings=S, crs=CRS)
    assert list(r.violations["target_id"]) == ["T1"]
    row = r.violations.iloc[0]
    assert row["method"] == "contour" and row["required"] == pytest.approx(3e-7) and row["actual"] == pytest.approx(3e-7)


def test_target_on_a_higher_contour_fails():
    on_1e6 = shapely.Point(X0 + 100, Y0)  # on the 1e-6 line: risk 1e-6 > 3e-7
    r = check_distances(_targets([on_1e6], ["学校"]), _inst(), _contours(), settings=S, crs=CRS)
    assert r.violations["actual"].tolist() == [pytest.approx(1e-6)]


def test_distance_equal_to_the_requirement_passes():
    t = _targets([shapely.Point(X0 + 300, Y0), shapely.Point(X0 + 299.9, Y0)], ["学校", "学校"])
    r = check_distances(t, _inst(distance=300.0), None, settings=S, crs=CRS)
    assert list(r.violations["target_id"]) == ["T1"]
    assert r.violations["excess"].iloc[0] == pytest.approx(0.1)
    assert r.violations["method"].iloc[0] == "assessed"


def test_polygon_target_partly_inside_counts():
    part = shapely.box(X0 + 150, Y0 - 10, X0 + 400, Y0 + 10)  # half inside the 3e-7 square
    touching = shapely.box(X0 + 200, Y0 - 10, X0 + 400, Y0 + 10)  # shares the edge only
    r = check_distances(_targets([part, touching], ["学校", "学校"]), _inst(), _contours(), settings=S, crs=CRS)
    assert list(r.violations["target_id"]) == ["T0"]


def test_new_and_existing_installations_use_their_criteria():
    # a 一般二类 target (residential, 50 people) inside the 1e-6 contour only:
    # new: 1e-6 > 3e-6? no -> pass; inside 3e-6 contour -> fail for new (3e-6), pass for existing (1e-5)
    t = _targets([shapely.Point(X0 + 50, Y0)], ["居住区"], population=[50])
    c = _contours(levels=(1e-6, 3e-6), halves=(200.0, 100.0))
    new = check_distances(t, _inst("新建"), c, settings=S, crs=CRS)
    old = check_distances(t, _inst("在役"), c, settings=S, crs=CRS)
    unk = check_distances(t, _inst(None), c, settings=S, crs=CRS)
    assert len(new.violations) == 1 and new.violations["required"].iloc[0] == pytest.approx(3e-6)
    assert len(old.violations) == 0
    assert len(unk.violations) == 0 and (unk.unknowns["target_id"] == "T0").sum() == 1  # fails only if new


def test_code_distance_screens_installations_without_assessment_or_contours():
    t = _targets([shapely.Point(X0 + 90, Y0)], ["学校"])
    r = check_distances(t, _inst(distance=None, kind="装置"), None, settings=S, crs=CRS)
    assert r.violations["method"].tolist() == ["code"]
    assert r.violations["required"].iloc[0] == S.code_distance_m["装置"]
    r2 = check_distances(t, _inst(distance=None, kind="其他"), None, settings=S, crs=CRS)
    assert r2.violations.empty and r2.unknowns["method"].tolist() == ["none"]  # nothing to judge by: never a pass


def test_core_matches_brute_force():
    rng = np.random.default_rng(1)
    pts = shapely.points(rng.uniform(-1000, 1000, (400, 2)))
    inst = shapely.points(rng.uniform(-1000, 1000, (30, 2)))
    req = rng.uniform(50, 300, 30)
    polys = shapely.buffer(inst[:10], 150)
    levels = np.full(10, 1e-6)
    res = check_arrays(pts, np.zeros(400, int), inst, req, polys, levels, np.ones(10, int),
                       threshold_new=TN, threshold_existing=TE)
    d = shapely.distance(pts[:, None], inst[None, :])
    brute = set(zip(*np.nonzero(d < req[None, :])))
    assert set(zip(res.distance["t"], res.distance["i"])) == brute
    inside = shapely.intersects(pts[:, None], polys[None, :])
    assert set(zip(res.contour["t"], res.contour["c"])) == set(zip(*np.nonzero(inside)))


# -- classes (GB 36894 §3.1, 附录A) -----------------------------------------------------------------
@pytest.mark.parametrize("ttype,cls,cols,expected", [
    ("学校", None, {}, "高敏感"), ("养老机构", None, {}, "高敏感"), ("文物保护单位", None, {}, "重要"),
    ("居住区", "一般", {"households": 30}, "一般一类"), ("居住区", "一般", {"households": 29}, "一般二类"),
    ("居住区", "一般", {"population": 100}, "一般一类"), ("居住区", "一般", {"population": 99}, "一般二类"),
    ("村庄", "一般", {"households": 10}, "一般二类"), ("村庄", "一般", {"households": 9}, "一般三类"),
    ("村庄", "一般", {"population": 30}, "一般二类"), ("村庄", "一般", {"population": 29}, "一般三类"),
    ("人员密集场所", "一般", {"floor_area_m2": 5000}, "一般一类"), ("人员密集场所", "一般", {"floor_area_m2": 4999}, "一般二类"),
    ("人员密集场所", "一般", {"floor_area_m2": 1500}, "一般二类"), ("人员密集场所", "一般", {"floor_area_m2": 1499}, "一般三类"),
    ("人员密集场所", "一般", {"population": 100}, "一般一类"), ("其他", "一般", {"population": 10}, "一般三类"),
    ("居住区", "一般二类", {"population": 5000}, "一般二类"),  # a given class wins
    ("居住区", "一般", {}, None), ("其他", "一般", {}, None),
])
def test_class_derivation_per_rule(ttype, cls, cols, expected):
    df = pd.DataFrame({"target_type": [ttype], "protection_class": [cls], **{k: [v] for k, v in cols.items()}})
    out = derive_classes(df, S)
    assert out["gb_class"].iloc[0] == expected
    assert out["class_basis"].iloc[0]  # the basis is stated for every target


def test_target_without_class_is_unknown_not_passing():
    t = _targets([shapely.Point(X0 + 5000, Y0)], ["居住区"])  # no size: cannot split 一般
    r = check_distances(t, _inst(distance=100.0), None, settings=S, crs=CRS)
    assert r.violations.empty
    assert r.unknowns["target_id"].tolist() == ["T0"] and r.unknowns["method"].iloc[0] == "class"


# -- contours from DXF (ezdxf), ordering, far contours ---------------------------------------------
def test_parse_level_spellings():
    assert parse_level("1E-6") == 1e-6 and parse_level("3x10-7") == 3e-7 and parse_level("3×10⁻⁷") == 3e-7
    assert parse_level("IR_1.0E-05/a") == 1e-5 and parse_level("labels") is None and parse_level("0") is None


def test_dxf_contours_written_by_ezdxf(tmp_path):
    ezdxf = pytest.importorskip("ezdxf")
    doc = ezdxf.new()
    msp = doc.modelspace()
    msp.add_lwpolyline([(X0 - 100, Y0 - 100), (X0 + 100, Y0 - 100), (X0 + 100, Y0 + 100), (X0 - 100, Y0 + 100)],
                       close=True, dxfattribs={"layer": "1E-6"})
    # the 3x10-7 ring drawn as three separate entities: closed by polygonize
    msp.add_line((X0 - 200, Y0 - 200), (X0 + 200, Y0 - 200), dxfattribs={"layer": "3x10-7"})
    msp.add_line((X0 + 200, Y0 - 200), (X0 + 200, Y0 + 200), dxfattribs={"layer": "3x10-7"})
    msp.add_lwpolyline([(X0 + 200, Y0 + 200), (X0 - 200, Y0 + 200), (X0 - 200, Y0 - 200)], dxfattribs={"layer": "3x10-7"})
    # an open line with its level in a text beside it
    msp.add_lwpolyline([(X0 - 50, Y0 - 50), (X0 + 50, Y0 - 50), (X0 + 50, Y0 + 50)], dxfattribs={"layer": "risk"})
    msp.add_text("1E-5", dxfattribs={"layer": "labels", "insert": (X0 + 55, Y0 + 55)})
    path = tmp_path / "qra.dxf"
    doc.saveas(path)
    with pytest.raises(Exception, match="--crs"):
        read_contours(path)
    r = read_contours(path, crs=CRS, installation_id="I1")
    levels = sorted(r.gdf["level"].tolist())
    assert levels == [3e-7, 1e-6]
    assert shapely.area(r.gdf.loc[r.gdf["level"] == 3e-7].geometry.iloc[0]) == pytest.approx(400 * 400)
    assert len(r.problems) == 1 and "does not close" in r.problems["reason"].iloc[0]
    res = check_distances(_targets([shapely.Point(X0 + 150, Y0)], ["学校"]), _inst(), r.gdf, settings=S, crs=CRS)
    assert res.violations["actual"].tolist() == [pytest.approx(3e-7)]


def test_contours_out_of_order_duplicate_and_far_are_listed():
    c = gpd.GeoDataFrame({"id": ["C0", "C1", "C2", "C3"], "level": [1e-6, 3e-7, 3e-7, 1e-5],
                          "installation_id": ["I1"] * 4},
                         geometry=[_square(200), _square(100), _square(100), _square(50).buffer(0).union(
                             shapely.box(X0 + 90000, Y0, X0 + 90100, Y0 + 100))], crs=CRS)
    r = check_distances(_targets([shapely.Point(X0, Y0 + 5000)], ["学校"]), _inst(), c, settings=S, crs=CRS)
    reasons = " ".join(r.unknowns["reason"].astype(str))
    assert "顺序错误" in reasons  # the 3e-7 ring inside the 1e-6 one
    assert "重复等级" in reasons
    c2 = _contours()
    c2["geometry"] = c2.geometry.translate(50000, 0)  # another county / wrong CRS
    r2 = check_distances(_targets([shapely.Point(X0 + 50000, Y0)], ["学校"]), _inst(), c2, settings=S, crs=CRS)
    assert r2.violations.empty and "坐标系或县域有误" in " ".join(r2.unknowns["reason"].astype(str))


# -- bad input through the loader ------------------------------------------------------------------
def test_installations_bad_rows_rejected_with_reasons():
    df = pd.DataFrame({"编号": ["I1", "I2", "I3", "I4"], "企业编号": ["E1", "E1", "", "E1"], "装置名称": ["a", "b", "c", "d"],
                       "外部安全防护距离(米)": [0, -5, 300, 300], "建设状态": ["新建", "在役", "新建", "拆除"],
                       "经度": [119.45] * 4, "纬度": [32.35] * 4})
    r = load("installations", df)
    assert list(r.gdf["id"]) == []  or set(r.gdf["id"]) == set()
    rej = r.rejected
    assert "必须大于 0" in rej.loc[rej["row"] == 2, "reason"].iloc[0]
    assert "必须大于 0" in " ".join(rej.loc[rej["row"] == 3, "reason"])
    assert "必填字段 企业编号 为空" in " ".join(rej.loc[rej["row"] == 4, "reason"])
    assert "可用：新建、在役" in " ".join(rej.loc[rej["row"] == 5, "reason"])


def test_target_class_not_in_the_standard_is_rejected():
    df = pd.DataFrame({"名称": ["x", "y"], "类型": ["学校", "居住区"], "防护类别": ["特级", "二类防护目标"],
                       "经度": [119.45, 119.45], "纬度": [32.35, 32.35]})
    r = load("targets", df)
    assert r.gdf["protection_class"].tolist() == ["一般二类"]
    assert "未知的值；可用：高敏感" in r.rejected["reason"].iloc[0]


# -- general distance rules ------------------------------------------------------------------------
def test_rules_find_pairs_closer_than_the_minimum_and_missing_layers_are_unknown():
    st = gpd.GeoDataFrame({"id": ["S1", "S2"], "name": ["a", "b"], "station_type": ["一级站", "微型消防站"]},
                          geometry=[shapely.Point(X0, Y0), shapely.Point(X0 + 10, Y0)], crs=CRS)
    ent = gpd.GeoDataFrame({"id": ["E1", "E2"], "name": ["p", "q"], "hazchem_roles": ["生产,使用", "使用"]},
                           geometry=[shapely.Point(X0 + 300, Y0), shapely.Point(X0 + 100, Y0)], crs=CRS)
    rules = parse_rules(default_settings().safety_distance.rules)
    out = check_rules({"stations": st, "enterprises": ent}, rules, crs=CRS)
    v = out[out["status"] == "violation"]
    assert v.empty  # E1 at exactly 300 m passes; E2 only 使用; S2 is a 微型消防站
    ent.loc[0, "geometry"] = shapely.Point(X0 + 299, Y0)
    out = check_rules({"stations": st, "enterprises": ent}, rules, crs=CRS)
    v = out[out["status"] == "violation"]
    assert v[["a_id", "b_id"]].values.tolist() == [["S1", "E1"]]
    assert set(out.loc[out["status"] == "unknown", "rule"]) == {"避难场所与重大危险源", "铁路两侧500米"}
    with pytest.raises(Exception, match="min_m"):
        parse_rules([{"name": "x", "a": "stations", "b": "enterprises", "min_m": 0}])


def test_installation_of_an_unknown_enterprise_and_contours_that_stop_early_are_listed():
    ent = gpd.GeoDataFrame({"id": ["E2"], "name": ["other"]}, geometry=[shapely.Point(X0 + 9000, Y0)], crs=CRS)
    c = _contours(levels=(1e-6,), halves=(100.0,))  # stops at 1e-6: above the 3e-7 criterion of 高敏感 (new)
    r = check_distances(_targets([shapely.Point(X0 + 3000, Y0)], ["学校"]), _inst(), c, ent, settings=S, crs=CRS)
    reasons = " ".join(r.unknowns["reason"].astype(str))
    assert "企业 E1 不在企业图层中" in reasons
    assert "等值线最低为 1.0e-6" in reasons and "高敏感" in reasons
    assert r.violations.empty


def test_rules_from_a_project_toml_replace_the_defaults_and_bad_ones_say_what_to_do(tmp_path):
    from yitu.errors import InputError
    from yitu.settings import load_settings

    (tmp_path / "yitu.toml").write_text(
        '[[safety_distance.rules]]\nname = "学校与加油站"\na = "targets"\na_filter = { target_type = ["学校"] }\n'
        'b = "enterprises"\nb_filter = { industry = ["加油站"] }\nmin_m = 50.0\nsource = "local rule"\n', encoding="utf-8")
    rules = parse_rules(load_settings(tmp_path).safety_distance.rules)
    assert [r.name for r in rules] == ["学校与加油站"]
    tg = _targets([shapely.Point(X0, Y0), shapely.Point(X0 + 49, Y0)], ["学校", "医院"])
    ent = gpd.GeoDataFrame({"id": ["E1"], "name": ["站"], "industry": ["加油站"]}, geometry=[shapely.Point(X0 + 40, Y0)], crs=CRS)
    out = check_rules({"targets": tg, "enterprises": ent}, rules, crs=CRS)
    assert out[["a_id", "b_id"]].values.tolist() == [["T0", "E1"]] and out["actual"].iloc[0] == pytest.approx(40)
    with pytest.raises(InputError, match="缺少 b；每条规则需要 name、a、b、min_m"):
        parse_rules([{"name": "x", "a": "targets", "min_m": 10}])
    (tmp_path / "yitu.toml").write_text('[safety_distance]\nindividual_risk_new = { "高敏感" = -1 }\n', encoding="utf-8")
    with pytest.raises(InputError, match="应为大于 0 的数字"):
        load_settings(tmp_path)


def test_summary_counts_installations_with_contours_even_when_assessed():
    r = check_distances(_targets([shapely.Point(X0 + 5000, Y0)], ["学校"]), _inst(distance=100.0), _contours(),
                        settings=S, crs=CRS)
    row = r.summary.iloc[0]
    assert (row["n_installations"], row["n_assessed"], row["n_contoured"], row["n_code"]) == (1, 1, 1, 0)


def test_shapefile_of_closed_lines_with_a_level_attribute(tmp_path):
    ring = lambda h: shapely.LineString(shapely.get_coordinates(_square(h).exterior))  # noqa: E731
    gdf = gpd.GeoDataFrame({"风险值": ["1×10-6", "3E-07", "abc"], "企业编号": ["E1", "E1", "E1"]},
                           geometry=[ring(100), ring(200), ring(300)], crs=CRS)
    path = tmp_path / "ir.shp"
    gdf.to_file(path, driver="ESRI Shapefile", engine="pyogrio", encoding="GBK")  # as offices write them
    r = read_contours(path)
    assert sorted(r.gdf["level"]) == [3e-7, 1e-6] and set(r.gdf["enterprise_id"]) == {"E1"}
    assert r.gdf.geom_type.unique().tolist() == ["Polygon"]
    assert r.problems["row"].tolist() == [3] and "no individual-risk level" in r.problems["reason"].iloc[0]
