"""Siting benchmarks: yitu's MCLP (HiGHS exact, CBC exact, heuristic) side by side with spopt + CBC
on the same cost matrix, and the candidate searches on a 1M-node network.

Instances: demand points in towns (70 %, Gaussian clusters) and scattered (30 %) on a square of
``side`` km, candidates uniform; time = straight-line distance × a detour factor 1.2–1.5 at
36 km/h; a candidate covers a demand within the 5-minute urban limit (300 s). Kept sparse: only
pairs within 1.5 × the limit are stored (spopt gets the same matrix dense, with 1e6 s elsewhere).

Cases
-----
(1) 10,000 demands × 500 candidates, p = 10, 40 km square: exact (proven optimal) — target < 5 s.
(2) 50,000 demands × 2,000 candidates, p = 20, 80 km square (the same density, a 4× larger
    county): within 1 % of the best proven bound — target < 5 s.
(3) ``reach`` for 2,000 candidates on a synthetic ~1M-node network (benchmarks/synthetic.py),
    limit 300 s: target < 60 s, memory bounded (peak RSS printed).

spopt + CBC runs in a subprocess killed after ``--spopt-cap`` seconds ("did not finish in N s").

Usage::

    python -m benchmarks.siting                 # cases 1 and 2 (+ spopt, 90 s cap)
    python -m benchmarks.siting --reach 1000000 # also case 3 on a 1M-node network
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree

LIMIT_S = 300.0


def instance(n_d: int, n_c: int, *, side_m: float, seed: int = 0) -> tuple[sp.csr_array, np.ndarray]:
    """(candidates × demands seconds as CSR, demand weights)."""
    rng = np.random.default_rng(seed)
    n_town = max(5, n_d // 2000)
    centres = rng.uniform(0, side_m, (n_town, 2))
    clustered = centres[rng.integers(0, n_town, n_d)] + rng.normal(0, side_m / 25, (n_d, 2))
    dem = np.where(rng.random(n_d)[:, None] < 0.7, clustered, rng.uniform(0, side_m, (n_d, 2)))
    cand = rng.uniform(0, side_m, (n_c, 2))
    w = rng.integers(1, 10, n_d).astype(float)
    speed = 10.0
    m = cKDTree(cand).sparse_distance_matrix(cKDTree(dem), LIMIT_S * 1.5 * speed, output_type="coo_matrix")
    t = m.data * (1.2 + 0.3 * rng.random(m.nnz)) / speed
    keep = t <= LIMIT_S * 1.5
    return sp.csr_array((t[keep], (m.row[keep], m.col[keep])), shape=(n_c, n_d)), w


def _rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def run_yitu(case: dict[str, Any]) -> list[dict[str, Any]]:
    from yitu.routing.siting_models import mclp

    csr, w = instance(case["n_d"], case["n_c"], side_m=case["side_m"])
    rows = []
    for solver, gap, tl in case["runs"]:
        t0 = time.perf_counter()
        r = mclp(csr, p=case["p"], weights=w, limit_s=LIMIT_S, solver=solver, mip_gap=gap, time_limit_s=tl)
        dt = time.perf_counter() - t0
        rows.append({"case": case["name"], "who": f"yitu {solver}" + (f" (gap {gap:g})" if gap else ""),
                     "seconds": dt, "objective": r.objective, "bound": r.bound, "gap": r.gap, "status": r.status,
                     "nnz": csr.nnz})
    return rows


def spopt_child(n_d: int, n_c: int, side_m: float, p: int) -> None:
    """In a subprocess: spopt MCLP + CBC on the same matrix, dense; prints one JSON line."""
    import pulp
    from spopt.locate import MCLP

    csr, w = instance(n_d, n_c, side_m=side_m)
    t0 = time.perf_counter()
    dense = np.full((n_d, n_c), 1e6)
    coo = csr.tocoo()
    dense[coo.col, coo.row] = coo.data
    m = MCLP.from_cost_matrix(dense, w, LIMIT_S, p_facilities=p)
    m.solve(pulp.PULP_CBC_CMD(msg=False))
    print(json.dumps({"seconds": time.perf_counter() - t0, "objective": float(pulp.value(m.problem.objective)),
                      "status": pulp.LpStatus[m.problem.status]}))


def run_spopt(case: dict[str, Any], cap_s: float) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "benchmarks.siting", "--spopt-child",
           json.dumps([case["n_d"], case["n_c"], case["side_m"], case["p"]])]
    t0 = time.perf_counter()
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=cap_s)
        res = json.loads(out.stdout.strip().splitlines()[-1])
        return {"case": case["name"], "who": "spopt + CBC", "seconds": res["seconds"], "objective": res["objective"],
                "bound": float("nan"), "gap": float("nan"), "status": res["status"]}
    except subprocess.TimeoutExpired:
        return {"case": case["name"], "who": "spopt + CBC", "seconds": time.perf_counter() - t0, "objective": float("nan"),
                "bound": float("nan"), "gap": float("nan"), "status": f"did not finish in {cap_s:g} s"}
    except (IndexError, ValueError, KeyError) as exc:
        return {"case": case["name"], "who": "spopt + CBC", "seconds": time.perf_counter() - t0, "objective": float("nan"),
                "bound": float("nan"), "gap": float("nan"), "status": f"failed: {exc}"}


def run_reach(n_nodes: int, n_cand: int, chunk: int) -> dict[str, Any]:
    from benchmarks.synthetic import random_points, synthetic_network
    from yitu.routing.engine import reach
    from yitu.routing.snap import snap

    t0 = time.perf_counter()
    net = synthetic_network(n_nodes)
    build = time.perf_counter() - t0
    cand = snap(net, random_points(net, n_cand, seed=3).to_numpy(), max_snap_m=500.0)
    dem = snap(net, random_points(net, 50_000, seed=4).to_numpy(), max_snap_m=500.0)
    ok = np.flatnonzero(cand.ok)
    src = cand.take(ok)
    t0 = time.perf_counter()
    r = reach(net, src, dem, offset_s=60.0, limit_s=LIMIT_S, chunk=chunk)
    dt = time.perf_counter() - t0
    return {"case": f"(3) reach {net.n_nodes:,} nodes", "who": f"yitu reach, {src.__len__()} candidates → 50,000 demands",
            "seconds": dt, "objective": float(r.nnz), "bound": float("nan"), "gap": float("nan"),
            "status": f"network built in {build:.0f} s; peak RSS {_rss_gb():.2f} GB; chunk {chunk}"}


CASES = [
    {"name": "(1) 10,000 × 500, p=10", "n_d": 10_000, "n_c": 500, "p": 10, "side_m": 40_000.0,
     "runs": [("highs", 0.0, 60.0), ("cbc", 0.0, 60.0), ("heuristic", 0.0, 4.5)]},
    {"name": "(2) 50,000 × 2,000, p=20", "n_d": 50_000, "n_c": 2_000, "p": 20, "side_m": 80_000.0,
     "runs": [("heuristic", 0.0, 4.5), ("highs", 0.01, 5.0), ("highs", 0.0, 60.0), ("cbc", 0.0, 60.0)]},
]


def table(rows: list[dict[str, Any]]) -> str:
    head = f"{'case':<28}{'solver':<42}{'time s':>9}{'objective':>13}{'bound':>13}{'gap %':>8}  status"
    lines = [head, "-" * len(head)]
    for r in rows:
        gap = "—" if not np.isfinite(r["gap"]) else f"{100 * r['gap']:.2f}"
        bound = "—" if not np.isfinite(r["bound"]) else f"{r['bound']:,.0f}"
        obj = "—" if not np.isfinite(r["objective"]) else f"{r['objective']:,.0f}"
        lines.append(f"{r['case']:<28}{r['who']:<42}{r['seconds']:>9.2f}{obj:>13}{bound:>13}{gap:>8}  {r['status']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spopt-cap", type=float, default=90.0, help="seconds before spopt + CBC is stopped")
    ap.add_argument("--no-spopt", action="store_true")
    ap.add_argument("--cases", default="1,2", help="which model cases (1,2)")
    ap.add_argument("--reach", type=int, default=0, help="also case 3 on a network of about this many nodes")
    ap.add_argument("--reach-candidates", type=int, default=2000)
    ap.add_argument("--chunk", type=int, default=16)
    ap.add_argument("--spopt-child", default=None, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.spopt_child:
        spopt_child(*json.loads(a.spopt_child))
        return 0
    rows: list[dict[str, Any]] = []
    for i in (int(c) for c in a.cases.split(",") if c):
        case = CASES[i - 1]
        rows += run_yitu(case)
        print(table(rows[-len(case["runs"]):]), flush=True)
        if not a.no_spopt:
            rows.append(run_spopt(case, a.spopt_cap))
            print(table(rows[-1:]), flush=True)
    if a.reach:
        rows.append(run_reach(a.reach, a.reach_candidates, a.chunk))
    print()
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
