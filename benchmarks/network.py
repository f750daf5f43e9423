"""Network benchmark: build and load a province stand-in, side by side with the previous reader and osmnx.

Not a test. Run from the repository root::

    .venv/bin/python -m benchmarks.network                 # 4x4 and 16x16 tilings of Krems
    .venv/bin/python -m benchmarks.network --tiles 4       # one size

The stand-in: ``tests/data/osm/krems.osm.gz`` (15k OSM nodes, 2.4k ways; every object kept, not
only roads) copied ``N x N`` times side by side (ids offset per copy) and the copies joined by
``primary`` roads between the outermost road nodes of neighbouring copies, written once as
``.osm.pbf`` (and as ``.osm`` XML for osmnx, which reads only XML). 16 x 16 gives 3.85M OSM nodes,
about the 3.7M of the issue's held-out stand-in.

Cases, each in its own subprocess (peak RSS = ``ru_maxrss`` of that process):

(r1) ``yitu.routing.osm.from_osm`` — this reader (libosmium in C++, one Python call per way).
(r0) the previous reader (commit 84f466f: one Python generator step per way node), same builder.
(ox) ``osmnx.graph_from_xml`` on the XML twin of the same file (simplify=True, retain_all=False);
     at 16 x 16 only with ``--osmnx-full`` (minutes and many GB).
(l1) loading the cached network (a folder of ``.npy`` files, memory-mapped) and (l0) the ``.npz``
     the previous cache used; plus the first snap (geometry and spatial index built on first use).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
SOURCE = ROOT / "tests" / "data" / "osm" / "krems.osm.gz"
OLD_READER_COMMIT = "84f466f"
TARGETS = {"build_s": 40.0, "build_gb": 2.5, "load_s": 1.0}


def _rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


# ------------------------------------------------------------------------------ the stand-in
def make_standin(n: int, out: Path, *, xml: bool) -> dict[str, Any]:
    """Tile the Krems extract ``n x n`` and join the copies by roads; write ``out`` (.osm.pbf) and,
    with ``xml``, its ``.osm`` twin."""
    import osmium

    nodes: list[tuple[int, float, float, dict[str, str]]] = []
    ways: list[tuple[int, list[int], dict[str, str]]] = []
    for o in osmium.FileProcessor(str(SOURCE)):
        if o.is_node() and o.location.valid():
            nodes.append((o.id, o.location.lon, o.location.lat, dict(o.tags)))
        elif o.is_way():
            ways.append((o.id, [r.ref for r in o.nodes], dict(o.tags)))
    lon = np.array([x[1] for x in nodes])
    lat = np.array([x[2] for x in nodes])
    ids = np.array([x[0] for x in nodes])
    # join the copies at the outermost nodes of the routable network of one copy
    from yitu.routing.osm import from_osm, location_key
    from yitu.settings import default_settings

    one = from_osm(SOURCE, profile=default_settings().profile("fire_engine"))
    keys = location_key(lon, lat)
    on_road = np.isin(keys, one.node_id)
    rl, ra, ri = lon[on_road], lat[on_road], ids[on_road]
    ends = {"e": ri[np.argmax(rl)], "w": ri[np.argmin(rl)], "n": ri[np.argmax(ra)], "s": ri[np.argmin(ra)]}
    dlon = (lon.max() - lon.min()) * 1.02
    dlat = (lat.max() - lat.min()) * 1.02
    id_step = int(max(ids.max(), max(w[0] for w in ways))) + 1
    from xml.sax.saxutils import quoteattr

    def tag_xml(tags: dict[str, str]) -> str:
        return "".join(f"<tag k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in tags.items())

    node_tail = [tag_xml(t) for *_, t in nodes]
    way_tail = [tag_xml(t) for *_, t in ways]
    xml_path = out.with_suffix("").with_suffix(".osm")
    with open(xml_path, "w", encoding="utf-8") as fh:  # XML by string formatting (fast), then PBF via libosmium
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="yitu-bench">\n')
        for i in range(n):
            for j in range(n):
                off = (i * n + j) * id_step
                fh.write("".join(
                    f'<node id="{nid + off}" version="1" lat="{y + j * dlat:.7f}" lon="{x + i * dlon:.7f}">{tail}</node>\n'
                    for (nid, x, y, _), tail in zip(nodes, node_tail)))
        for i in range(n):
            for j in range(n):
                off = (i * n + j) * id_step
                fh.write("".join(
                    f'<way id="{wid + off}" version="1">' + "".join(f'<nd ref="{r + off}"/>' for r in refs) + f"{tail}</way>\n"
                    for (wid, refs, _), tail in zip(ways, way_tail)))
        wid = n * n * id_step
        for i in range(n):
            for j in range(n):
                off = (i * n + j) * id_step
                pairs = []
                if i + 1 < n:
                    pairs.append((int(ends["e"]) + off, int(ends["w"]) + off + n * id_step))
                if j + 1 < n:
                    pairs.append((int(ends["n"]) + off, int(ends["s"]) + off + id_step))
                for a_, b_ in pairs:
                    wid += 1
                    fh.write(f'<way id="{wid}" version="1"><nd ref="{a_}"/><nd ref="{b_}"/>'
                             '<tag k="highway" v="primary"/></way>\n')
        fh.write("</osm>\n")
    if out.exists():
        out.unlink()
    with osmium.SimpleWriter(str(out)) as wr:
        for o in osmium.FileProcessor(str(xml_path)):
            wr.add(o)
    if not xml:
        xml_path.unlink()
    return {"osm_nodes": len(nodes) * n * n, "osm_ways": len(ways) * n * n, "mb": out.stat().st_size / 1e6}


# ----------------------------------------------------------------------------------- phases
def _old_reader():  # type: ignore[no-untyped-def]
    import importlib.util

    src = subprocess.run(["git", "show", f"{OLD_READER_COMMIT}:yitu/routing/osm.py"], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    path = Path(tempfile.mkdtemp()) / "osm_old.py"
    path.write_text(src, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("osm_old", path)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod.from_osm


def phase(name: str, pbf: Path, workdir: Path) -> dict[str, Any]:
    from yitu.settings import default_settings

    import shapely

    from yitu.routing.network import RoadNetwork
    from yitu.routing.osm import from_osm
    from yitu.routing.snap import snap

    prof = default_settings().profile("fire_engine")
    cache = workdir / f"{pbf.stem}-net"
    t0 = time.perf_counter()
    if name == "r1":
        net = from_osm(pbf, profile=prof)
        dt = time.perf_counter() - t0
        net.save(cache)
        net.save(cache.with_suffix(".npz"))
        return {"s": dt, "nodes": net.n_nodes, "edges": net.n_edges, "rss_gb": _rss_gb()}
    if name == "r0":
        old = _old_reader()
        t0 = time.perf_counter()
        net = old(pbf, profile=prof)
        return {"s": time.perf_counter() - t0, "nodes": net.n_nodes, "edges": net.n_edges, "rss_gb": _rss_gb()}
    if name == "ox":
        import osmnx as ox

        t0 = time.perf_counter()
        G = ox.graph_from_xml(pbf.with_suffix("").with_suffix(".osm"), simplify=True, retain_all=False)
        return {"s": time.perf_counter() - t0, "nodes": G.number_of_nodes(), "edges": G.number_of_edges(),
                "rss_gb": _rss_gb()}
    if name in ("l1", "l0"):
        net = RoadNetwork.load(cache if name == "l1" else cache.with_suffix(".npz"))
        dt = time.perf_counter() - t0
        rss = _rss_gb()
        t1 = time.perf_counter()
        snap(net, shapely.points(np.column_stack([net.x[:100], net.y[:100]])))
        return {"s": dt, "first_snap_s": time.perf_counter() - t1, "nodes": net.n_nodes, "rss_gb": rss,
                "rss_after_snap_gb": _rss_gb()}
    raise ValueError(name)


def _run(args: list[str], timeout: float) -> dict[str, Any]:
    try:
        proc = subprocess.run([sys.executable, "-m", "benchmarks.network", *args], cwd=ROOT, capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f} s"}
    if proc.returncode != 0:
        return {"error": " | ".join((proc.stderr or proc.stdout).strip().splitlines()[-2:])}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _f(v: Any, unit: str = "s", nd: int = 2) -> str:
    return "—" if v is None else f"{v:.{nd}f} {unit}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tiles", default="4,16", help="comma list of N (N x N copies)")
    ap.add_argument("--osmnx-full", action="store_true", help="also run osmnx on the largest tiling")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--timeout", type=float, default=600.0)
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("--pbf", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.phase:
        print(json.dumps(phase(args.phase, args.pbf, args.workdir)))
        return 0
    tiles = [int(t) for t in args.tiles.split(",") if t.strip()]
    tmp = tempfile.TemporaryDirectory(prefix="yitu-netbench-")
    wd = args.workdir or Path(tmp.name)
    wd.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in tiles:
        pbf = wd / f"krems-{n}x{n}.osm.pbf"
        xml = n <= 4 or args.osmnx_full  # osmnx on 16 x 16 takes many minutes and GB
        print(f"· {n}x{n}: writing the stand-in …", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        info = make_standin(n, pbf, xml=xml)
        info["write_s"] = time.perf_counter() - t0
        row: dict[str, Any] = {"n": n, "info": info}
        for ph in ("r1", "r0", "l1", "l0") + (("ox",) if xml else ()):
            print(f"· {n}x{n}: ({ph}) …", file=sys.stderr, flush=True)
            row[ph] = _run(["--phase", ph, "--pbf", str(pbf), "--workdir", str(wd)], args.timeout)
        rows.append(row)
    print(table(rows))
    return 0


def table(rows: list[dict[str, Any]]) -> str:
    import os

    out = [f"network benchmark · Krems tiled N x N, joined by roads · {os.cpu_count()} CPU", ""]
    hdr = (f"{'tiles':<6}{'OSM nodes':>11}{'graph nodes':>12} | {'(r1) this reader':>20} | {'(r0) previous':>20} | "
           f"{'(ox) osmnx xml':>20} | {'(l1) load mmap':>20} | {'(l0) load .npz':>20} | {'r0/r1':>6}")
    out += [hdr, "-" * len(hdr)]
    verdicts = []
    for r in rows:
        cells = []
        for ph in ("r1", "r0", "ox", "l1", "l0"):
            x = r.get(ph)
            if not x:
                cells.append("skipped")
            elif "error" in x:
                cells.append(x["error"][:20])
            else:
                cells.append(f"{_f(x['s'])} {_f(x['rss_gb'], 'GB')}")
        r1, r0 = r.get("r1", {}), r.get("r0", {})
        ratio = r0["s"] / r1["s"] if "s" in r0 and "s" in r1 else float("nan")
        out.append(f"{r['n']}x{r['n']:<4}{r['info']['osm_nodes']:>11,}{r1.get('nodes', 0):>12,} | "
                   + " | ".join(f"{c:>20}" for c in cells) + f" | {ratio:>5.1f}x")
        if r["n"] >= 16 and "s" in r1:
            verdicts.append((f"{r['n']}x{r['n']}", "build (r1) < 40 s", r1["s"] < TARGETS["build_s"]))
            verdicts.append((f"{r['n']}x{r['n']}", "build (r1) peak < 2.5 GB", r1["rss_gb"] < TARGETS["build_gb"]))
        l1 = r.get("l1", {})
        if r["n"] >= 16 and "s" in l1:
            verdicts.append((f"{r['n']}x{r['n']}", f"load (l1) < 1 s ({l1['nodes']:,} nodes)", l1["s"] < TARGETS["load_s"]))
    out += ["", "targets:"] + [f"  {'PASS' if ok else 'MISS'}  {n:<6} {what}" for n, what, ok in verdicts]
    out += ["", "details:"]
    for r in rows:
        l1 = r.get("l1", {})
        out.append(f"  {r['n']}x{r['n']}: stand-in {r['info']['mb']:.0f} MB pbf written in {_f(r['info']['write_s'])}; "
                   f"after the mmap load, the first snap (geometry + spatial index) {_f(l1.get('first_snap_s'))}, "
                   f"RSS {_f(l1.get('rss_after_snap_gb'), 'GB')}")
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
