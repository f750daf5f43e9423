"""Benchmark of ``yitu shelters``: the capacitated assignment and the walking searches.

(a) assignment: 50,000 blocks × 500 shelters (each block may use the shelters within a radius;
    capacities bind), solved by OR-Tools min-cost flow and by HiGHS LP (scipy linprog) on the
    same sparse arcs — the same total walking time is checked;
(b) walking searches: one bounded search per shelter (500) on a synthetic network of about 1M
    nodes to 50,000 blocks, with the peak memory of the process (``ru_maxrss``).

Run: ``PYTHONPATH=. python -m benchmarks.shelters [--blocks 50000 --shelters 500 --nodes 1000000]``
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree


def assignment_instance(n_blocks: int, n_shelters: int, *, seed: int = 0, side_m: float = 30_000.0,
                        radius_m: float = 2500.0) -> tuple[sp.csr_array, np.ndarray, np.ndarray]:
    """Blocks and shelters scattered on a square; pairs within ``radius_m`` (walking 1.3 × straight, 4 km/h)."""
    rng = np.random.default_rng(seed)
    b = rng.uniform(0, side_m, (n_blocks, 2))
    s = rng.uniform(0, side_m, (n_shelters, 2))
    pairs = cKDTree(s).query_ball_point(b, radius_m / 1.3)
    rows = np.repeat(np.arange(n_blocks), [len(p) for p in pairs])
    cols = np.concatenate([np.asarray(p, dtype=int) for p in pairs])
    d = np.hypot(*(b[rows] - s[cols]).T) * 1.3
    m = sp.csr_array((d / (4.0 / 3.6), (rows, cols)), shape=(n_blocks, n_shelters))
    demand = rng.integers(50, 500, n_blocks)
    cap = rng.integers(1000, 60_000, n_shelters)
    cap = (cap * (0.9 * demand.sum() / cap.sum())).astype(int)
    return m, demand, cap


def bench_assignment(n_blocks: int, n_shelters: int, *, lp_limit_s: float = 300.0) -> list[tuple[str, float, str]]:
    from yitu.routing.shelters_solve import assign

    # the same density of blocks and shelters at every size: the square grows with the blocks
    m, d, c = assignment_instance(n_blocks, n_shelters, side_m=30_000.0 * (n_blocks / 50_000) ** 0.5)
    out = []
    totals = {}
    for solver in ("flow", "lp"):
        t0 = time.perf_counter()
        try:
            a = assign(m, demand=d, capacity=c, solver=solver, time_limit_s=lp_limit_s)
        except RuntimeError as exc:
            out.append((f"assignment {n_blocks:,} blocks × {n_shelters} shelters ({m.nnz:,} pairs), {solver}",
                        time.perf_counter() - t0, f"no optimum within {lp_limit_s:g} s ({exc})"))
            continue
        dt = time.perf_counter() - t0
        totals[solver] = (int(a.placed.sum()), a.total_s)
        out.append((f"assignment {n_blocks:,} blocks × {n_shelters} shelters ({m.nnz:,} pairs), {solver}", dt,
                    f"placed {int(a.placed.sum()):,} of {int(d.sum()):,}; {a.total_s / 3600:,.0f} person-hours"))
    if len(totals) < 2:
        return out
    same = totals["flow"][0] == totals["lp"][0] and abs(totals["flow"][1] - totals["lp"][1]) <= 1e-6 * totals["lp"][1]
    out.append(("flow and LP: same placed people and total walking time", 0.0, "yes" if same else f"NO {totals}"))
    return out


def bench_walking(n_nodes: int, n_shelters: int, n_blocks: int, radius_m: float = 2500.0) -> list[tuple[str, float, str]]:
    from benchmarks.synthetic import random_points, synthetic_network
    from yitu.routing.shelters import walking_reach
    from yitu.routing.snap import snap

    t0 = time.perf_counter()
    net = synthetic_network(n_nodes, profile="walking")
    net = net.edge_subset(np.isfinite(net.time_s) & (net.speed_kmh > 0))  # classes not walked (motorways)
    t_net = time.perf_counter() - t0
    sh = snap(net, np.asarray(random_points(net, n_shelters, seed=1).values, dtype=object), max_snap_m=500.0)
    bl = snap(net, np.asarray(random_points(net, n_blocks, seed=2).values, dtype=object), max_snap_m=500.0)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    r = walking_reach(net, sh, bl, radius_m=np.full(len(sh), radius_m), walking_kmh=4.0)
    dt = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [(f"synthetic walking network {net.n_nodes:,} nodes / {net.n_edges:,} edges (build)", t_net, ""),
            (f"walking searches: {n_shelters} shelters → {n_blocks:,} blocks, radius {radius_m:g} m", dt,
             f"{r.nnz:,} pairs kept; peak RSS {rss0:,.0f} MB before the searches, {rss:,.0f} MB after")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--blocks", type=int, default=50_000)
    ap.add_argument("--shelters", type=int, default=500)
    ap.add_argument("--nodes", type=int, default=1_000_000)
    ap.add_argument("--lp-limit", type=float, default=300.0, help="time limit of the HiGHS LP, seconds")
    ap.add_argument("--skip-walking", action="store_true")
    ap.add_argument("--skip-assignment", action="store_true")
    args = ap.parse_args()
    rows = []
    if not args.skip_assignment:  # a tenth of the size first (where the LP finishes), then the full size
        for nb, ns in ((args.blocks // 10, max(args.shelters // 10, 1)), (args.blocks, args.shelters)):
            rows += bench_assignment(nb, ns, lp_limit_s=args.lp_limit)
    if not args.skip_walking:
        rows += bench_walking(args.nodes, args.shelters, args.blocks)
    w = max(len(r[0]) for r in rows)
    print(f"{'case':<{w}}  {'seconds':>8}  note")
    for name, secs, note in rows:
        print(f"{name:<{w}}  {secs:8.2f}  {note}")


if __name__ == "__main__":
    main()
