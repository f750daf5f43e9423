"""Routing benchmark: yitu coverage vs the osmnx/networkx recipe vs bare scipy, plus isochrones.

Not a test (nothing here runs under pytest). Run from the repository root::

    .venv/bin/python -m benchmarks.routing                       # demo, 100k and 1M nodes
    .venv/bin/python -m benchmarks.routing --sizes demo,100k     # pick sizes
    .venv/bin/python -m benchmarks.routing --quick               # demo and 100k, fewer targets

For each network (the demo county's roads and synthetic road-like networks from
:mod:`benchmarks.synthetic`) and the same 50 stations and 10,000 targets near the roads:

(a) ``yitu.routing.coverage.coverage`` with ``limit_min=15`` (nearest and backup station, arrival
    minutes, stations within the limit); the first call on a freshly loaded network ("cold",
    includes the spatial index and the sparse matrix) and a second call ("warm").
(b) the osmnx/networkx recipe: the network as a networkx MultiDiGraph with ``travel_time``,
    ``osmnx.distance.nearest_nodes`` for stations and targets, ``networkx.ego_graph(G, station,
    radius=limit, distance="travel_time")`` per station as in the osmnx isochrone example, then a
    per-target lookup (is the target's node in the station's ego graph). At 1M nodes only a
    sample of stations is run and the time is extrapolated to all stations (labelled so).
    The graph conversion is reported separately (not counted in (b)).
(c) bare scipy: ``scipy.sparse.csgraph.dijkstra`` multi-source ``min_only`` with ``limit`` from
    the stations' nearest nodes, on the same CSR arrays (the Dijkstra call only). It answers
    only "nearest station"; (c2) is the same work coverage has to do for the backup station and
    the count of stations within the limit: one bare scipy search per station up to coverage's
    backup cap (2 x limit), in chunks of 16.
(d) ``yitu.routing.isochrones.isochrones`` for the 50 stations (bands 5/10/15 min, per station
    and all together): the first call in a fresh process (``iso_s``: numba's start-up and the
    network's one-time tables included) and a second call on the same network (``iso_warm_s``).
(k) the compiled k-nearest search alone (``yitu.routing.knearest``, one Dijkstra pass per rank),
    k = 3 with every rank within the limit (the same limit as (c)), on the default threads
    (groups of stations side by side) and on one; with the targets merged (``nearest_k``); and
    with coverage's own limits (the nearest however far, the backup within 2 x limit, the
    third within the limit). k = 1 is one pass, for scale.
(p) pandana: contraction hierarchies on the same directed graph, ``nearest_pois`` (3) within
    the limit, the same stations and targets (query time; the CH preparation separately).
(e) peak memory: every case runs in its own subprocess; ``ru_maxrss`` of that process (the
    loaded network included) and the tracemalloc peak of the call itself.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # also runnable as `python benchmarks/routing.py`
    sys.path.insert(0, str(ROOT))
SIZES = {"demo": 0, "10k": 10_000, "100k": 100_000, "1M": 1_000_000, "2M": 2_000_000}
TARGETS = {"a_vs_c": 2.0, "a_vs_b": 50.0, "a_1M_s": 5.0, "mem_1M_gb": 3.0, "d_100k_s": 1.5, "d_1M_s": 5.0}

log = logging.getLogger("benchmarks.routing")


# ------------------------------------------------------------------------------------ helpers
def _rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024  # Linux: kB


def _paths(workdir: Path, size: str) -> dict[str, Path]:
    return {"net": workdir / f"net-{size}.npz", "pts": workdir / f"points-{size}.npz"}


def _load(workdir: Path, size: str):  # type: ignore[no-untyped-def]
    import geopandas as gpd
    import shapely

    from yitu.routing.network import RoadNetwork

    p = _paths(workdir, size)
    net = RoadNetwork.load(p["net"])
    with np.load(p["pts"]) as z:
        sxy, txy = z["stations"], z["targets"]
    n_s = len(sxy)
    stations = gpd.GeoDataFrame(
        {"id": [f"S{i:03d}" for i in range(n_s)], "name": [f"站{i}" for i in range(n_s)],
         "station_type": ["一级站"] * n_s, "turnout_min": np.ones(n_s)},
        geometry=shapely.points(sxy), crs=net.crs)
    targets = gpd.GeoDataFrame({"id": [f"T{i:05d}" for i in range(len(txy))], "name": ""},
                               geometry=shapely.points(txy), crs=net.crs)
    return net, stations, targets


def _timed(fn, *args, **kw) -> tuple[Any, float, float]:  # type: ignore[no-untyped-def]
    """(result, seconds, tracemalloc peak GB) — timed without tracemalloc, then once more traced."""
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    dt = time.perf_counter() - t0
    return out, dt, -1.0


def _traced_peak(fn, *args, **kw) -> float:  # type: ignore[no-untyped-def]
    tracemalloc.start()
    try:
        fn(*args, **kw)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1024**3


# ------------------------------------------------------------------------------------- phases
def phase_prepare(workdir: Path, size: str, n_stations: int, n_targets: int) -> dict[str, Any]:
    import shapely

    from benchmarks.synthetic import random_points, synthetic_network

    t0 = time.perf_counter()
    if size == "demo":
        from yitu.layers.demo import build_demo_project
        from yitu.routing.build import build_network

        project, _ = build_demo_project(workdir / "demo", force=True)
        net = build_network(project, osm=project.path / "inputs" / "roads.osm")
    else:
        net = synthetic_network(SIZES[size], seed=0)
    build_s = time.perf_counter() - t0
    p = _paths(workdir, size)
    net.save(p["net"])
    st = random_points(net, n_stations, seed=101, spread_m=30.0)
    tg = random_points(net, n_targets, seed=202, spread_m=60.0)
    np.savez(p["pts"], stations=shapely.get_coordinates(st.values), targets=shapely.get_coordinates(tg.values))
    return {"nodes": net.n_nodes, "edges": net.n_edges, "build_s": build_s, "rss_gb": _rss_gb()}


def phase_a(workdir: Path, size: str, limit: float) -> dict[str, Any]:
    from yitu.routing.coverage import coverage

    t0 = time.perf_counter()
    net, stations, targets = _load(workdir, size)
    load_s = time.perf_counter() - t0
    res, cold, _ = _timed(coverage, net, stations, targets, limit_min=limit)
    _, warm, _ = _timed(coverage, net, stations, targets, limit_min=limit)
    peak = _traced_peak(coverage, net, stations, targets, limit_min=limit)
    within = float(res["within_limit"].mean())
    # the same call with the stations' own searches capped at the limit (backup station only when
    # it also arrives within the limit): the search extent of the osmnx recipe
    _, capped, _ = _timed(coverage, net, stations, targets, limit_min=limit, backup_cap_min=limit)
    return {"load_s": load_s, "cold_s": cold, "warm_s": warm, "capped_warm_s": capped, "trace_gb": peak,
            "rss_gb": _rss_gb(),
            "within_share": within, "unreachable": int((res["status"] == "unreachable").sum()),
            "arrival_sum": float(np.nansum(res["arrival_min"]))}


def _station_nodes(net, stations, targets):  # type: ignore[no-untyped-def]
    from scipy.spatial import cKDTree

    tree = cKDTree(np.column_stack([net.x, net.y]))
    import shapely

    _, s_node = tree.query(shapely.get_coordinates(stations.geometry.values))
    _, t_node = tree.query(shapely.get_coordinates(targets.geometry.values))
    return s_node, t_node


def phase_c(workdir: Path, size: str, limit: float) -> dict[str, Any]:
    from scipy.sparse.csgraph import dijkstra

    net, stations, targets = _load(workdir, size)
    s_node, t_node = _station_nodes(net, stations, targets)
    graph = net.csr()
    lim = limit * 60.0
    dijkstra(graph, directed=True, indices=s_node[:1], min_only=True, limit=1.0)  # warm-up (imports)
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        dist = dijkstra(graph, directed=True, indices=s_node, min_only=True, limit=lim)
        runs.append(time.perf_counter() - t0)
    peak = _traced_peak(dijkstra, graph, directed=True, indices=s_node, min_only=True, limit=lim)
    # the same work coverage does: one limited search per station (to its backup cap, 2 x limit),
    # in chunks of 16 as the engine does; bare scipy, no snapping, no partial edges
    t0 = time.perf_counter()
    for a in range(0, len(s_node), 16):
        dijkstra(graph, directed=True, indices=s_node[a:a + 16], limit=2 * lim)
    per_station_s = time.perf_counter() - t0
    return {"dijkstra_s": float(np.median(runs)), "per_station_s": per_station_s, "trace_gb": peak, "rss_gb": _rss_gb(),
            "reached_nodes": int(np.isfinite(dist).sum()), "targets_within": float(np.isfinite(dist[t_node]).mean())}


def phase_b(workdir: Path, size: str, limit: float, sample: int) -> dict[str, Any]:
    import networkx as nx
    import osmnx as ox

    net, stations, targets = _load(workdir, size)
    t0 = time.perf_counter()
    G = nx.MultiDiGraph(crs=net.crs)
    G.add_nodes_from((i, {"x": float(x), "y": float(y)}) for i, (x, y) in enumerate(zip(net.x, net.y)))
    G.add_edges_from(
        (int(u), int(v), {"travel_time": float(t), "length": float(ln)})
        for u, v, t, ln in zip(net.u, net.v, net.time_s, net.length_m)
    )
    convert_s = time.perf_counter() - t0
    lim = limit * 60.0
    n_st = len(stations)
    use = np.arange(n_st) if sample <= 0 or sample >= n_st else np.linspace(0, n_st - 1, sample).round().astype(int)
    t0 = time.perf_counter()
    s_node = ox.distance.nearest_nodes(G, stations.geometry.x.to_numpy(), stations.geometry.y.to_numpy())
    t_node = ox.distance.nearest_nodes(G, targets.geometry.x.to_numpy(), targets.geometry.y.to_numpy())
    nearest_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    n_within = np.zeros(len(targets), dtype=int)
    for i in use:
        sub = nx.ego_graph(G, int(s_node[i]), radius=lim, distance="travel_time")
        nodes = sub.nodes
        n_within += np.fromiter((int(n) in nodes for n in t_node), dtype=bool, count=len(t_node))
    per_station = (time.perf_counter() - t0) / len(use)
    total = nearest_s + per_station * n_st
    return {"convert_s": convert_s, "nearest_s": nearest_s, "per_station_s": per_station, "total_s": total,
            "stations_run": int(len(use)), "extrapolated": bool(len(use) < n_st), "rss_gb": _rss_gb(),
            "targets_within": float((n_within > 0).mean()) if len(use) == n_st else float("nan")}


def phase_k(workdir: Path, size: str, limit: float) -> dict[str, Any]:
    """The compiled k-nearest engine alone, snapped points given: k = 3 within the limit for every
    rank (the same limit as scipy's search in (c)), on the default threads and on one; then with
    coverage's own limits (the nearest however far, the backup within 2 x limit, the third within
    the limit)."""
    from yitu.routing.coverage import snap_stations_and_targets
    from yitu.routing.engine import nearest_k
    from yitu.routing.knearest import default_threads, k_nearest_labels

    net, stations, targets = _load(workdir, size)
    s_snap, t_snap = snap_stations_and_targets(net, stations, targets, max_snap_m=500.0)
    src = s_snap.take(np.flatnonzero(s_snap.ok))
    off = np.full(len(src), 60.0)
    lim = limit * 60.0
    product = np.array([np.inf, 2 * lim, lim])
    t0 = time.perf_counter()
    k_nearest_labels(net, src, offset_s=off, k=3, limit_s=lim)  # first call: compiled or from numba's cache
    first_s = time.perf_counter() - t0

    def best(fn) -> float:  # type: ignore[no-untyped-def]
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            fn()
            runs.append(time.perf_counter() - t0)
        return float(np.median(runs))

    return {
        "first_s": first_s, "threads": default_threads(),
        "labels_s": best(lambda: k_nearest_labels(net, src, offset_s=off, k=3, limit_s=lim)),
        "labels_1t_s": best(lambda: k_nearest_labels(net, src, offset_s=off, k=3, limit_s=lim, threads=1)),
        "nearest_k_s": best(lambda: nearest_k(net, src, t_snap, k=3, offset_s=off, limit_s=lim)),
        "product_s": best(lambda: nearest_k(net, src, t_snap, k=3, offset_s=off, limit_s=product,
                                            count_within_s=lim)),
        "k1_s": best(lambda: k_nearest_labels(net, src, offset_s=off, k=1, limit_s=lim)),
        "rss_gb": _rss_gb(),
    }


def phase_p(workdir: Path, size: str, limit: float) -> dict[str, Any]:
    """pandana: contraction hierarchies on the same directed graph, nearest_pois (3) within the limit."""
    import pandas as pd
    import pandana

    net, stations, targets = _load(workdir, size)
    t0 = time.perf_counter()
    nodes = pd.RangeIndex(net.n_nodes)
    pn = pandana.Network(pd.Series(np.asarray(net.x), index=nodes), pd.Series(np.asarray(net.y), index=nodes),
                         pd.Series(np.asarray(net.u)), pd.Series(np.asarray(net.v)),
                         pd.DataFrame({"time": np.asarray(net.time_s)}), twoway=False)
    prep_s = time.perf_counter() - t0
    xy = np.column_stack([stations.geometry.x, stations.geometry.y])
    lim = limit * 60.0
    runs = []
    for _ in range(2):
        t0 = time.perf_counter()
        pn.set_pois("station", lim, 3, pd.Series(xy[:, 0]), pd.Series(xy[:, 1]))
        res = pn.nearest_pois(lim, "station", num_pois=3, include_poi_ids=True)
        tn = pn.get_node_ids(targets.geometry.x, targets.geometry.y)
        _ = res.loc[tn.to_numpy()]
        runs.append(time.perf_counter() - t0)
    return {"prep_s": prep_s, "query_s": float(min(runs)), "rss_gb": _rss_gb(),
            "within_share": float((res.loc[tn.to_numpy()][1] < lim).mean())}


def phase_d(workdir: Path, size: str) -> dict[str, Any]:
    from yitu.routing.isochrones import isochrones

    net, stations, _ = _load(workdir, size)
    res, dt, _ = _timed(isochrones, net, stations)
    _, warm, _ = _timed(isochrones, net, stations)
    return {"iso_s": dt, "iso_warm_s": warm, "polygons": int(len(res)), "rss_gb": _rss_gb()}


# --------------------------------------------------------------------------------- the driver
def _run_phase(args: list[str], timeout: float, env: dict[str, str] | None = None) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "benchmarks.routing", *args]
    try:
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                              env=None if env is None else {**os.environ, **env})
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f} s"}
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return {"error": " | ".join(tail) or f"exit {proc.returncode}"}
    for line in reversed(proc.stdout.strip().splitlines()):
        if "{" in line:  # pandana prints its progress on the same line
            return json.loads(line[line.index("{"):])
    return {"error": "no result"}


def _fmt(v: Any, unit: str = "s", nd: int = 2) -> str:
    if v is None or (isinstance(v, float) and not np.isfinite(v)):
        return "—"
    return f"{v:.{nd}f} {unit}".strip()


def run(sizes: list[str], *, n_stations: int, n_targets: int, limit: float, sample_1m: int, osmnx: bool,
        workdir: Path, timeout: float) -> list[dict[str, Any]]:
    rows = []
    for size in sizes:
        print(f"· {size}: preparing …", file=sys.stderr, flush=True)
        common = ["--workdir", str(workdir), "--size", size, "--limit", str(limit)]
        prep = _run_phase(["--phase", "prepare", *common, "--stations", str(n_stations), "--targets", str(n_targets)],
                          timeout)
        row: dict[str, Any] = {"size": size, "prepare": prep}
        if "error" in prep:
            rows.append(row)
            continue
        if size == sizes[0]:  # numba's first compile: the k phase with an empty cache
            import tempfile as _tf

            with _tf.TemporaryDirectory(prefix="numba-cold-") as cold:
                print(f"· {size}: (k) with an empty numba cache …", file=sys.stderr, flush=True)
                row["k_cold"] = _run_phase(["--phase", "k", *common], timeout, env={"NUMBA_CACHE_DIR": cold})
        for ph in ("a", "k", "c", "d", "p"):
            print(f"· {size}: ({ph}) …", file=sys.stderr, flush=True)
            row[ph] = _run_phase(["--phase", ph, *common], timeout)
        if osmnx:
            sample = sample_1m if SIZES.get(size, 0) >= 1_000_000 else 0
            print(f"· {size}: (b) osmnx/networkx …", file=sys.stderr, flush=True)
            row["b"] = _run_phase(["--phase", "b", *common, "--sample", str(sample)], timeout)
        rows.append(row)
    return rows


def table(rows: list[dict[str, Any]], *, n_stations: int, n_targets: int, limit: float) -> str:
    out = [f"routing benchmark · {n_stations} stations · {n_targets:,} targets · limit {limit:g} min · "
           f"{os.cpu_count()} CPU · python {sys.version.split()[0]}", ""]
    hdr = (f"{'network':<8}{'nodes':>10}{'edges':>11} | {'(a) cold':>9}{'(a) warm':>9} | {'(b) osmnx':>18} | "
           f"{'(c) scipy':>10}{'(c2)':>8} | {'(d) iso':>8} | {'(e) RSS a/c/d':>17}{'trace a':>9} | {'a/c':>8}{'a/c2':>8}{'b/a':>7}")
    out += [hdr, "-" * len(hdr)]
    verdicts = []
    for r in rows:
        prep = r["prepare"]
        if "error" in prep:
            out.append(f"{r['size']:<8} prepare failed: {prep['error']}")
            continue
        a, b, c, d = r.get("a", {}), r.get("b", {}), r.get("c", {}), r.get("d", {})
        a_s = a.get("cold_s")
        c_s = c.get("dijkstra_s")
        b_s = b.get("total_s")
        b_txt = "—" if not b else (f"error" if "error" in b else
                                   _fmt(b_s) + (" extrap." if b.get("extrapolated") else ""))
        ratio_ac = a_s / c_s if a_s and c_s else float("nan")
        ratio_ba = b_s / a_s if a_s and b_s else float("nan")
        c2_s = c.get("per_station_s")
        ratio_ac2 = a_s / c2_s if a_s and c2_s else float("nan")
        rss = "/".join(_fmt(x.get("rss_gb"), "", 2) for x in (a, c, d)) + " GB"
        out.append(
            f"{r['size']:<8}{prep['nodes']:>10,}{prep['edges']:>11,} | {_fmt(a_s):>9}{_fmt(a.get('warm_s')):>9} | "
            f"{b_txt:>18} | {_fmt(c_s, nd=3):>10}{_fmt(c.get('per_station_s')):>8} | {_fmt(d.get('iso_s')):>8} | {rss:>17}"
            f"{_fmt(a.get('trace_gb'), 'GB'):>9} | {ratio_ac:>7.1f}x{ratio_ac2:>7.1f}x{ratio_ba:>6.0f}x"
        )
        for ph in ("a", "b", "c", "d"):
            if ph in r and "error" in r[ph]:
                out.append(f"    ({ph}) failed: {r[ph]['error']}")
        n = SIZES.get(r["size"], 0)
        if n < 100_000:  # the demo (245 nodes): fixed costs only, ratios say nothing
            continue
        if a_s and c_s:
            verdicts.append((r["size"], f"(a) ≤ 2×(c) [warm a/c = {a.get('warm_s', float('nan')) / c_s:.1f}x]",
                             ratio_ac <= TARGETS["a_vs_c"]))
            if c.get("per_station_s"):
                verdicts.append((r["size"], f"(a) ≤ 2×(c2), the same per-station searches in bare scipy "
                                 f"[warm a/c2 = {a.get('warm_s', float('nan')) / c['per_station_s']:.1f}x]",
                                 ratio_ac2 <= TARGETS["a_vs_c"]))
        if a_s and b_s:
            verdicts.append((r["size"], "(a) ≥ 50× faster than (b)", ratio_ba >= TARGETS["a_vs_b"]))
        if n == 1_000_000 and a_s:  # the 1M targets
            verdicts.append((r["size"], "(a) < 5 s", a_s < TARGETS["a_1M_s"]))
            verdicts.append((r["size"], "peak memory of (a) < 3 GB", a.get("rss_gb", 99) < TARGETS["mem_1M_gb"]))
        if d.get("iso_s") is not None and n in (100_000, 1_000_000):
            goal = TARGETS["d_100k_s"] if n == 100_000 else TARGETS["d_1M_s"]
            verdicts.append((r["size"], f"(d) isochrones of the stations < {goal:g} s, first call in a fresh process "
                             f"[second call {d.get('iso_warm_s', float('nan')):.2f} s]", d["iso_s"] < goal))
    out += ["", "k-nearest engine and pandana (same network, stations, targets):"]
    hdr2 = (f"{'network':<8} | {'(k) k=3':>9}{'1 thread':>9}{'k=1':>8}{'+targets':>10}{'cov. limits':>12} | "
            f"{'(c) scipy':>10} | {'k/c':>6}{'1t/c':>6} | {'(p) pandana CH prep':>19}{'nearest_pois':>14} | {'p/k':>6} | "
            f"{'(k) RSS':>8}{'(p) RSS':>8}")
    out += [hdr2, "-" * len(hdr2)]
    for r in rows:
        if "error" in r["prepare"]:
            continue
        k, c, pp = r.get("k", {}), r.get("c", {}), r.get("p", {})
        kc = k.get("nearest_k_s", float("nan")) / c["dijkstra_s"] if k.get("nearest_k_s") and c.get("dijkstra_s") else float("nan")
        pk = pp.get("query_s", float("nan")) / k["nearest_k_s"] if pp.get("query_s") and k.get("nearest_k_s") else float("nan")
        k1c = k.get("labels_1t_s", float("nan")) / c["dijkstra_s"] if k.get("labels_1t_s") and c.get("dijkstra_s") else float("nan")
        out.append(f"{r['size']:<8} | {_fmt(k.get('labels_s'), nd=3):>9}{_fmt(k.get('labels_1t_s'), nd=3):>9}"
                   f"{_fmt(k.get('k1_s'), nd=3):>8}{_fmt(k.get('nearest_k_s'), nd=3):>10}{_fmt(k.get('product_s'), nd=3):>12} | "
                   f"{_fmt(c.get('dijkstra_s'), nd=3):>10} | {kc:>5.1f}x{k1c:>5.1f}x"
                   f" | {_fmt(pp.get('prep_s')):>19}{_fmt(pp.get('query_s'), nd=3):>14} | {pk:>5.1f}x | "
                   f"{_fmt(k.get('rss_gb'), 'GB'):>8}{_fmt(pp.get('rss_gb'), 'GB'):>8}")
        for ph in ("k", "p"):
            if ph in r and "error" in r[ph]:
                out.append(f"    ({ph}) failed: {r[ph]['error']}")
        if SIZES.get(r["size"], 0) >= 100_000 and k.get("nearest_k_s") and c.get("dijkstra_s"):
            verdicts.append((r["size"], "(k) k=3 engine incl. targets, every rank within the limit, ≤ 2×(c)", kc <= TARGETS["a_vs_c"]))
        if SIZES.get(r["size"], 0) >= 100_000 and k.get("nearest_k_s") and pp.get("query_s"):
            verdicts.append((r["size"], "(k) faster than pandana nearest_pois (query only)", pk >= 1.0))
        if "k_cold" in r and "first_s" in r["k_cold"]:
            out.append(f"    numba first compile (empty cache, {r['size']}): {_fmt(r['k_cold']['first_s'])} "
                       f"(first call with the cache: {_fmt(k.get('first_s'))})")
    out += ["", "targets (at 100k and 1M nodes; the demo row is for scale only):"]
    out += [f"  {'PASS' if ok else 'MISS'}  {size:<5} {what}" for size, what, ok in verdicts]
    details = []
    for r in rows:
        if "error" in r["prepare"]:
            continue
        p, a, b, c = r["prepare"], r.get("a", {}), r.get("b", {}), r.get("c", {})
        details.append(
            f"  {r['size']}: network build {_fmt(p.get('build_s'))}, load {_fmt(a.get('load_s'))}; "
            f"(a) warm with backup_cap_min={limit:g}: {_fmt(a.get('capped_warm_s'))}"
            + (f" (b/a = {b['total_s'] / a['capped_warm_s']:.0f}x, a/c = {a['capped_warm_s'] / c['dijkstra_s']:.1f}x)"
               if b.get("total_s") and a.get("capped_warm_s") and c.get("dijkstra_s") else "")
            + f"; targets within {limit:g} min: yitu {a.get('within_share', float('nan')):.1%}, "
            f"scipy nearest-node {c.get('targets_within', float('nan')):.1%}"
            + (f"; osmnx graph conversion {_fmt(b.get('convert_s'))}, nearest_nodes {_fmt(b.get('nearest_s'))}, "
               f"{_fmt(b.get('per_station_s'), 's/station', 3)} over {b.get('stations_run')} station(s)"
               if b and "error" not in b else "")
        )
    out += ["", "details:"] + details
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="demo,100k,1M", help="comma list of demo, 10k, 100k, 1M")
    ap.add_argument("--quick", action="store_true", help="demo and 100k, 2,000 targets")
    ap.add_argument("--stations", type=int, default=50)
    ap.add_argument("--targets", type=int, default=10_000)
    ap.add_argument("--limit", type=float, default=15.0, help="minutes")
    ap.add_argument("--sample", type=int, default=3, help="osmnx stations run at 1M nodes (extrapolated)")
    ap.add_argument("--no-osmnx", action="store_true", help="skip (b)")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--timeout", type=float, default=1800.0, help="seconds per case")
    ap.add_argument("--json", type=Path, default=None, help="also write the raw results here")
    ap.add_argument("--phase", choices=["prepare", "a", "b", "c", "d", "k", "p"], help=argparse.SUPPRESS)
    ap.add_argument("--size", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    if args.phase:
        wd = args.workdir
        if args.phase == "prepare":
            res = phase_prepare(wd, args.size, args.stations, args.targets)
        elif args.phase == "a":
            res = phase_a(wd, args.size, args.limit)
        elif args.phase == "b":
            res = phase_b(wd, args.size, args.limit, args.sample)
        elif args.phase == "c":
            res = phase_c(wd, args.size, args.limit)
        elif args.phase == "k":
            res = phase_k(wd, args.size, args.limit)
        elif args.phase == "p":
            res = phase_p(wd, args.size, args.limit)
        else:
            res = phase_d(wd, args.size)
        print(json.dumps(res))
        return 0
    sizes = ["demo", "100k"] if args.quick else [s.strip() for s in args.sizes.split(",") if s.strip()]
    bad = [s for s in sizes if s not in SIZES]
    if bad:
        ap.error(f"unknown size(s) {', '.join(bad)}; use {', '.join(SIZES)}")
    n_targets = 2000 if args.quick and args.targets == 10_000 else args.targets
    import tempfile

    with tempfile.TemporaryDirectory(prefix="yitu-bench-") as tmp:
        wd = args.workdir or Path(tmp)
        wd.mkdir(parents=True, exist_ok=True)
        rows = run(sizes, n_stations=args.stations, n_targets=n_targets, limit=args.limit, sample_1m=args.sample,
                   osmnx=not args.no_osmnx, workdir=wd, timeout=args.timeout)
    print(table(rows, n_stations=args.stations, n_targets=n_targets, limit=args.limit))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
