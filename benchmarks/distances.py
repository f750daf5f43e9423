"""Benchmark of the external-safety-distance check: ``python -m benchmarks.distances``.

10,000 protected targets (points and polygons) × 2,000 installations × 5 contour levels each
(10,000 contour polygons), checked by :func:`yitu.layers.distances.check_distances` (contours, assessed
and code distances, class derivation, contour ordering checks). Target: under 5 s. The pairs found
by the core are compared with a brute-force count on a sample.
"""

from __future__ import annotations

import argparse
import time

import geopandas as gpd
import numpy as np
import shapely

from yitu.layers.distances import check_distances
from yitu.settings import default_settings

CRS = "EPSG:32650"


def synthetic(n_targets: int, n_inst: int, seed: int = 7) -> tuple[gpd.GeoDataFrame, ...]:
    rng = np.random.default_rng(seed)
    side = 60_000.0
    x0, y0 = 470_000.0, 3_550_000.0
    ix, iy = x0 + rng.uniform(0, side, n_inst), y0 + rng.uniform(0, side, n_inst)
    inst = gpd.GeoDataFrame({
        "id": [f"I{i}" for i in range(n_inst)], "enterprise_id": [f"E{i // 3}" for i in range(n_inst)],
        "name": [f"装置{i}" for i in range(n_inst)], "kind": rng.choice(["装置", "储罐区", "仓库", "其他"], n_inst),
        "status": rng.choice(["新建", "在役"], n_inst),
        "distance_m": np.where(rng.random(n_inst) < 0.5, rng.uniform(200, 1000, n_inst), np.nan),
    }, geometry=shapely.points(ix, iy), crs=CRS)
    levels = [3e-5, 1e-5, 3e-6, 1e-6, 3e-7]
    radii = [60.0, 120.0, 200.0, 320.0, 500.0]
    geoms, lv, owner = [], [], []
    for level, r in zip(levels, radii):
        geoms.append(shapely.buffer(inst.geometry.values, r, quad_segs=8))
        lv.append(np.full(n_inst, level))
        owner.append(inst["id"].to_numpy())
    cont = gpd.GeoDataFrame({"id": [f"C{i}" for i in range(5 * n_inst)], "level": np.concatenate(lv),
                             "installation_id": np.concatenate(owner)}, geometry=np.concatenate(geoms), crs=CRS)
    tx, ty = x0 + rng.uniform(0, side, n_targets), y0 + rng.uniform(0, side, n_targets)
    pts = shapely.points(tx, ty)
    poly = rng.random(n_targets) < 0.3
    geom = np.where(poly, shapely.buffer(pts, 40.0, quad_segs=2), pts)
    types = rng.choice(["学校", "医院", "居住区", "村庄", "人员密集场所", "其他"], n_targets)
    tg = gpd.GeoDataFrame({"id": [f"T{i}" for i in range(n_targets)], "name": [f"目标{i}" for i in range(n_targets)],
                           "target_type": types, "protection_class": [None] * n_targets,
                           "population": np.where(rng.random(n_targets) < 0.9, rng.integers(5, 3000, n_targets), -1)},
                          geometry=geom, crs=CRS)
    tg["population"] = tg["population"].where(tg["population"] >= 0)
    return tg, inst, cont


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--targets", type=int, default=10_000)
    ap.add_argument("--installations", type=int, default=2_000)
    a = ap.parse_args()
    tg, inst, cont = synthetic(a.targets, a.installations)
    s = default_settings().safety_distance
    t0 = time.perf_counter()
    res = check_distances(tg, inst, cont, None, settings=s, crs=CRS)
    dt = time.perf_counter() - t0
    # brute force on a sample of 300 targets: assessed/code distance pairs
    sample = np.arange(300)
    req = inst["distance_m"].to_numpy(float)
    code = inst["kind"].map(s.code_distance_m).astype(float).to_numpy()
    has_c = np.ones(len(inst), bool)  # every installation here has contours: code distances never apply
    req = np.where(np.isnan(req), np.where(has_c, np.nan, code), req)
    d = shapely.distance(np.asarray(tg.geometry.values[sample])[:, None], np.asarray(inst.geometry.values)[None, :])
    brute = int(np.nansum(d < req[None, :]))
    got = int((res.violations["method"] == "assessed").groupby(res.violations["target_id"]).sum()
              .reindex([f"T{i}" for i in sample]).fillna(0).sum())
    print(f"distances: {a.targets:,} targets × {a.installations:,} installations × 5 contour levels "
          f"({len(cont):,} contours): {dt:.2f} s; {len(res.violations):,} violations, {len(res.unknowns):,} unknown; "
          f"brute-force check on {len(sample)} targets: {got} == {brute} distance violations "
          f"{'OK' if got == brute else 'MISMATCH'}")


if __name__ == "__main__":
    main()
