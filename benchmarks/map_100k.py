"""`yitu map` at city scale: 100,000 enterprises (issue 9, "Scale seen along the way").

Builds the demo county, replaces its enterprises by N copies spread over the county (unique ids
and names, the demo's grades, industries and towns), runs the real command ``yitu map DIR`` in a
child process and prints its wall time, peak memory (RSS of the child), the HTML file size, and
how long headless Chromium takes to open the file until every feature is on the map
(``window.yitu`` ready), then to pan once (one canvas redraw).

Usage::

    PYTHONPATH=$PWD python -m benchmarks.map_100k            # 100,000 enterprises
    PYTHONPATH=$PWD python -m benchmarks.map_100k --n 20000
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def make_project(folder: Path, n: int, seed: int = 7):  # type: ignore[no-untyped-def]
    import geopandas as gpd

    from yitu.layers.demo import build_demo_project

    project, _ = build_demo_project(folder / "county")
    ent = project.read("enterprises")
    rng = np.random.default_rng(seed)
    rows = ent.iloc[rng.integers(0, len(ent), n)].reset_index(drop=True)
    minx, miny, maxx, maxy = ent.total_bounds
    x = rng.uniform(minx, maxx, n)
    y = rng.uniform(miny, maxy, n)
    rows["id"] = [f"E{i:06d}" for i in range(n)]
    rows["name"] = [f"{t}第{i}号企业" for i, t in enumerate(rows["name"].astype(str).str[:4])]
    big = gpd.GeoDataFrame(rows.drop(columns="geometry"), geometry=gpd.points_from_xy(x, y), crs=ent.crs)
    project.write("enterprises", big)
    zones = project.read_optional("risk_zones")
    if zones is not None:  # zones of the demo plants refer to ids that are gone: keep the layer out of the way
        project.write("risk_zones", zones.iloc[:0])
    return project


def browser_times(path: Path) -> tuple[float, float, int]:
    """Seconds until all features are on the map, seconds for one pan (redraw), features counted."""
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("YITU_TEST_CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"])
        page = b.new_page(viewport={"width": 1366, "height": 768})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
        t0 = time.perf_counter()
        page.goto(path.resolve().as_uri(), wait_until="load", timeout=120_000)
        page.wait_for_function("window.yitu && window.yitu.map", timeout=120_000)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        load = time.perf_counter() - t0
        n = page.evaluate("window.yitu.leaves.enterprises.length")
        t1 = time.perf_counter()
        page.evaluate("""() => new Promise(r => { const m = window.yitu.map;
            m.once('moveend', () => requestAnimationFrame(() => requestAnimationFrame(r)));
            m.panBy([200, 120], {animate: false}); })""")
        pan = time.perf_counter() - t1
        b.close()
    return load, pan, n


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--no-browser", action="store_true")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        project = make_project(Path(tmp), args.n)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).resolve().parents[1]),
                                                           os.environ.get("PYTHONPATH", "")]))
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "yitu.cli", "map", str(project.path)], env=env,
                           capture_output=True, text=True)
        secs = time.perf_counter() - t0
        if r.returncode:
            sys.exit(r.stdout + r.stderr)
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        rss_mb, cpu = ru.ru_maxrss / 1024, ru.ru_utime + ru.ru_stime
        out = project.output_dir / "risk_map.html"
        mb = out.stat().st_size / 1e6
        print(f"enterprises      {args.n:>10,}")
        print(f"yitu map         {secs:>10.1f} s wall, {cpu:.1f} s CPU (whole command, Python start included; "
              f"load average {os.getloadavg()[0]:.1f})")
        print(f"peak memory      {rss_mb:>10.0f} MB")
        print(f"HTML file        {mb:>10.1f} MB")
        if not args.no_browser:
            load, pan, n = browser_times(out)
            print(f"browser open     {load:>10.1f} s (until all {n:,} plants are on the map)")
            print(f"browser pan      {pan:>10.2f} s (one redraw)")


if __name__ == "__main__":
    main()
