"""Batch benchmark: ``yitu batch`` on a dask LocalCluster, 1 worker against 2, and 1 → 8 projects.

Not a test. Run from the repository root::

    .venv/bin/python benchmarks/batch.py                 # 8 counties (issue 14: near 2x on 2 cores)
    .venv/bin/python benchmarks/batch.py --projects 4

Counties are demo counties built with different seeds (each its own OSM file, network and layers)
in ``--workdir`` (kept between runs). Timings start after the cluster is up and every worker has
imported yitu (a warm-up task), so they measure the analyses (check + gaps per county), not the
start of Python processes; the cluster start is printed on its own line.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _counties(workdir: Path, n: int) -> list[Path]:
    from yitu.layers.demo import build_demo_project
    from yitu.layers.project import Project
    from yitu.routing.build import build_network

    out = []
    for i in range(n):
        d = workdir / f"county_{i + 1:02d}"
        if not (d / "cache").exists():
            project, _ = build_demo_project(d, seed=1000 + i, force=True)
            build_network(project, osm=d / "inputs" / "roads.osm")
        Project.open(d)
        out.append(d)
    return out


def _warm(client) -> None:  # type: ignore[no-untyped-def]
    def imp() -> int:
        import yitu.batch  # noqa: F401
        import yitu.routing.gaps  # noqa: F401
        import yitu.routing.parks  # noqa: F401

        return 1

    n = len(client.scheduler_info()["workers"])
    client.gather(client.map(lambda _i: imp(), range(4 * n), pure=False))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--projects", type=int, default=8)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/yitu-bench-batch"))
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    for name in ("distributed", "distributed.scheduler", "distributed.nanny", "distributed.core", "distributed.http.proxy"):
        logging.getLogger(name).setLevel(logging.WARNING)
    from dask.distributed import Client, LocalCluster

    from yitu.batch import run_batch

    args.workdir.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    paths = _counties(args.workdir, args.projects)
    print(f"{len(paths)} demo counties ready in {time.perf_counter() - t:.1f} s ({args.workdir})")
    rows = []
    for workers in (1, 2):
        t = time.perf_counter()
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                          silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
            _warm(client)
            start = time.perf_counter() - t
            sizes = [1, 2, 4, 8] if workers == 2 else [len(paths)]
            for n in [s for s in sizes if s <= len(paths)] + ([len(paths)] if len(paths) not in sizes else []):
                t0 = time.perf_counter()
                res = run_batch(paths[:n], analyses=("check", "gaps"), client=client)
                wall = time.perf_counter() - t0
                assert res.n_failed == 0, res.projects[["path", "error"]]
                rows.append((workers, n, wall, res.projects["seconds"].sum()))
        print(f"LocalCluster of {workers} worker(s) up and warm in {start:.1f} s")
    print()
    print("| workers | projects | wall (s) | sum of task times (s) |")
    print("|---:|---:|---:|---:|")
    for w, n, wall, busy in rows:
        print(f"| {w} | {n} | {wall:.1f} | {busy:.1f} |")
    one = next(r for r in rows if r[0] == 1)
    two = next(r for r in rows if r[0] == 2 and r[1] == one[1])
    print(f"\nspeed-up of 2 workers over 1 on {one[1]} projects: {one[2] / two[2]:.2f}x (aim: near 2x on 2 cores)")
    grow = [r for r in rows if r[0] == 2]
    if len(grow) > 1:
        print("time per project with 2 workers: " + ", ".join(f"{n}: {wall / n:.2f} s" for _, n, wall, _ in grow))


if __name__ == "__main__":
    main()
