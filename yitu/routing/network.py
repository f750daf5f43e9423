"""The road network: nodes and directed edges as numpy arrays (CSR on demand), built from runs of
noded polylines — what both the OSM reader and the road-line reader produce.

Edges run between intersections (nodes used by more than one way, and way ends) and carry the
full geometry in between, as osmnx's simplified graphs do. A two-way road is two directed
edges, twins of each other (``reverse``), with the same geometry reversed.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pyproj
import scipy.sparse as sp
import shapely
from scipy.sparse.csgraph import connected_components

from yitu.errors import NetworkError
from yitu.routing.profiles import edge_speeds, edge_times
from yitu.settings import SpeedProfile
from yitu.words import listed, msg, named, tr

log = logging.getLogger(__name__)

__all__ = ["RoadNetwork", "Runs", "build_from_runs"]


@dataclass(frozen=True, eq=False)
class RoadNetwork:
    """A directed road network for one speed profile, in a metric CRS.

    Attributes
    ----------
    crs
        Metric CRS of ``x``, ``y`` and ``geometry``.
    x, y
        Node coordinates.
    node_id
        OSM node id (or a synthetic id for road-line input).
    signal
        True at ``traffic_signals`` nodes.
    u, v
        Tail and head node index of each directed edge.
    length_m, time_s, speed_kmh
        Edge length, travel time for ``profile`` (with the signal delay at the head and the
        calibration factor), and speed.
    road_class, name, way_id
        OSM ``highway`` value (or the road layer's class), road name, OSM way id (or feature id).
    reverse
        Index of the opposite-direction twin edge, -1 on a one-way edge.
    geometry
        LineStrings oriented from ``u`` to ``v``.
    """

    crs: pyproj.CRS
    x: np.ndarray
    y: np.ndarray
    node_id: np.ndarray
    signal: np.ndarray
    u: np.ndarray
    v: np.ndarray
    length_m: np.ndarray
    time_s: np.ndarray
    speed_kmh: np.ndarray
    road_class: np.ndarray
    name: np.ndarray
    way_id: np.ndarray
    reverse: np.ndarray
    geometry: np.ndarray
    profile: str
    source: str = ""
    dropped: dict[str, int] = field(default_factory=dict)

    @property
    def n_nodes(self) -> int:
        return int(self.x.shape[0])

    @property
    def n_edges(self) -> int:
        return int(self.u.shape[0])

    def csr(self, weight: str = "time_s") -> sp.csr_array:
        """The network as a sparse matrix of ``weight``; parallel edges keep the smallest weight.

        Zero weights are raised to 1e-9 s so that sparse graph routines keep them as edges.
        """
        if weight == "time_s":
            return self._csr_time
        return _csr(self.u, self.v, np.asarray(getattr(self, weight), dtype="float64"), self.n_nodes)

    @cached_property
    def _csr_time(self) -> sp.csr_array:
        return _csr(self.u, self.v, self.time_s, self.n_nodes)

    @cached_property
    def canonical(self) -> np.ndarray:
        """For each edge, the smaller index of it and its twin: one id per physical road piece."""
        rev = self.reverse
        return np.where((rev >= 0) & (rev < np.arange(self.n_edges)), rev, np.arange(self.n_edges))

    def edge_subset(self, keep: np.ndarray) -> RoadNetwork:
        """A network with only the edges where ``keep`` is true (nodes are kept; twins remapped)."""
        keep = np.asarray(keep, dtype=bool)
        new_index = np.full(self.n_edges, -1, dtype="int64")
        new_index[keep] = np.arange(int(keep.sum()))
        rev = self.reverse[keep]
        rev = np.where(rev >= 0, new_index[np.maximum(rev, 0)], -1)
        return RoadNetwork(
            crs=self.crs, x=self.x, y=self.y, node_id=self.node_id, signal=self.signal,
            u=self.u[keep], v=self.v[keep], length_m=self.length_m[keep], time_s=self.time_s[keep],
            speed_kmh=self.speed_kmh[keep], road_class=self.road_class[keep], name=self.name[keep],
            way_id=self.way_id[keep], reverse=rev, geometry=self.geometry[keep], profile=self.profile,
            source=self.source, dropped={**self.dropped, "edges_removed": int((~keep).sum())},
        )

    def edges_gdf(self) -> gpd.GeoDataFrame:
        """The edges as lines in EPSG:4326 (the ``roads`` layer of a project)."""
        gdf = gpd.GeoDataFrame(
            {
                "u": self.u, "v": self.v, "osm_id": self.way_id, "name": self.name.astype(object),
                "road_class": self.road_class.astype(object), "length_m": np.round(self.length_m, 2),
                "time_s": np.round(self.time_s, 3), "speed_kmh": np.round(self.speed_kmh, 2),
                "oneway": self.reverse < 0,
            },
            geometry=self.geometry,
            crs=self.crs,
        )
        return gdf.to_crs(4326)

    # -- persistence -----------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Save, atomically: a path ending in ``.npz`` gives one ``.npz`` file; any other path a
        folder of ``.npy`` files that :meth:`load` memory-maps (the cache format: loading costs
        no copy and no parsing, geometry and names are built on first use)."""
        p = Path(path)
        if p.suffix.lower() == ".npz":
            return self._save_npz(p)
        return self._save_dir(p)

    def _save_npz(self, p: Path) -> Path:
        from yitu.gis.io import atomic_path

        coords, idx = shapely.get_coordinates(self.geometry, return_index=True)
        counts = np.bincount(idx, minlength=self.n_edges)
        with atomic_path(p) as tmp:
            with open(tmp, "wb") as fh:
                np.savez(
                    fh, crs=np.array(self.crs.to_wkt()), x=self.x, y=self.y, node_id=self.node_id, signal=self.signal,
                    u=self.u, v=self.v, length_m=self.length_m, time_s=self.time_s, speed_kmh=self.speed_kmh,
                    road_class=self.road_class.astype(str), name=self.name.astype(str), way_id=self.way_id,
                    reverse=self.reverse, coords=coords, counts=counts, profile=np.array(self.profile),
                    source=np.array(self.source), dropped_keys=np.array(list(self.dropped), dtype=str),
                    dropped_values=np.array(list(self.dropped.values()), dtype="int64"),
                )
        return p

    def _save_dir(self, p: Path) -> Path:
        import json
        import os
        import shutil
        import tempfile

        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{p.name}.", dir=p.parent))
        try:
            coords, idx = shapely.get_coordinates(self.geometry, return_index=True)
            arrays = {name: getattr(self, name) for name in _NUMERIC}
            arrays["coords"] = coords
            arrays["counts"] = np.bincount(idx, minlength=self.n_edges)
            for col in ("road_class", "name"):
                uniq, codes = np.unique(np.asarray(getattr(self, col)).astype(str), return_inverse=True)
                arrays[f"{col}_codes"] = codes.astype("int32")
                arrays[f"{col}_values"] = uniq
            for name, arr in arrays.items():
                np.save(tmp / f"{name}.npy", np.ascontiguousarray(arr), allow_pickle=False)
            meta = {"crs": self.crs.to_wkt(), "profile": self.profile, "source": self.source,
                    "dropped": self.dropped, "format": _DIR_FORMAT}
            (tmp / _META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
            if p.exists():
                shutil.rmtree(p) if p.is_dir() else p.unlink()
            os.replace(tmp, p)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return p

    @classmethod
    def load(cls, path: str | Path) -> RoadNetwork:
        """Load a network saved with :meth:`save` (a folder is memory-mapped, read-only)."""
        p = Path(path)
        if p.is_dir():
            return cls._load_dir(p)
        with np.load(p, allow_pickle=False) as z:
            counts = z["counts"]
            geoms = shapely.linestrings(z["coords"], indices=np.repeat(np.arange(counts.size), counts))
            return cls(
                crs=pyproj.CRS.from_wkt(str(z["crs"])), x=z["x"], y=z["y"], node_id=z["node_id"], signal=z["signal"],
                u=z["u"], v=z["v"], length_m=z["length_m"], time_s=z["time_s"], speed_kmh=z["speed_kmh"],
                road_class=z["road_class"].astype(object), name=z["name"].astype(object), way_id=z["way_id"],
                reverse=z["reverse"], geometry=geoms, profile=str(z["profile"]), source=str(z["source"]),
                dropped=dict(zip(z["dropped_keys"].tolist(), z["dropped_values"].tolist())),
            )

    @classmethod
    def _load_dir(cls, p: Path) -> RoadNetwork:
        import json

        meta = json.loads((p / _META).read_text(encoding="utf-8"))
        if meta.get("format") != _DIR_FORMAT:
            raise NetworkError(tr("network.err.cache_format", path=p, format=meta.get("format")))

        names = (*_NUMERIC, "coords", "counts", "road_class_codes", "road_class_values", "name_codes", "name_values")
        a = {name: np.load(p / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in names}
        n_nodes, n_edges = a["x"].shape[0], a["u"].shape[0]
        sizes_ok = (
            all(a[k].shape[0] == n_nodes for k in ("y", "node_id", "signal"))
            and all(a[k].shape[0] == n_edges for k in ("v", "length_m", "time_s", "speed_kmh", "way_id", "reverse",
                                                         "counts", "road_class_codes", "name_codes"))
            and a["coords"].shape == (int(a["counts"].sum()), 2)
        )
        if not sizes_ok:
            raise NetworkError(tr("network.err.cache_sizes", path=p))
        net = cls.__new__(cls)
        for name in _NUMERIC:
            object.__setattr__(net, name, a[name])
        for name, value in (("crs", pyproj.CRS.from_wkt(meta["crs"])), ("profile", meta["profile"]),
                            ("source", meta["source"]), ("dropped", dict(meta["dropped"]))):
            object.__setattr__(net, name, value)
        object.__setattr__(net, "_lazy", {
            "geometry": lambda: shapely.linestrings(a["coords"], indices=np.repeat(np.arange(n_edges), a["counts"])),
            "road_class": lambda: a["road_class_values"].astype(object)[a["road_class_codes"]],
            "name": lambda: a["name_values"].astype(object)[a["name_codes"]],
        })
        return net

    def __getattr__(self, name: str) -> Any:
        # only called for attributes not set: the lazy columns of a memory-mapped network
        lazy = self.__dict__.get("_lazy")
        if lazy is not None and name in lazy:
            value = lazy[name]()
            object.__setattr__(self, name, value)
            return value
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def fingerprint(self) -> str:
        h = hashlib.sha256()
        for a in (self.u, self.v, self.time_s):
            h.update(np.ascontiguousarray(a).tobytes())
        return h.hexdigest()[:16]

    def __repr__(self) -> str:
        return f"RoadNetwork({self.n_nodes} nodes, {self.n_edges} edges, profile={self.profile!r}, crs={self.crs.to_string()})"


_NUMERIC = ("x", "y", "node_id", "signal", "u", "v", "length_m", "time_s", "speed_kmh", "way_id", "reverse")
_META = "meta.json"
_DIR_FORMAT = 1


def _csr(u: np.ndarray, v: np.ndarray, w: np.ndarray, n: int) -> sp.csr_array:
    w = np.maximum(np.asarray(w, dtype="float64"), 1e-9)
    if u.size == 0:
        return sp.csr_array((n, n), dtype="float64")
    # one sort on the (u, v) pair; parallel edges keep the smallest weight
    key = np.asarray(u, dtype="int64") * np.int64(n) + np.asarray(v, dtype="int64")
    order = np.argsort(key, kind="stable")
    ks = key[order]
    first = np.ones(ks.size, dtype=bool)
    first[1:] = ks[1:] != ks[:-1]
    starts = np.flatnonzero(first)
    ww = w[order]
    if starts.size < ks.size:
        ww = np.minimum.reduceat(ww, starts)
    ks = ks[starts]
    uu, vv = np.divmod(ks, np.int64(n))
    indptr = np.zeros(n + 1, dtype="int64")
    indptr[1:] = np.cumsum(np.bincount(uu, minlength=n))
    idx_dtype = "int32" if n < 2**31 - 1 else "int64"
    return sp.csr_array((ww, vv.astype(idx_dtype), indptr.astype(idx_dtype)), shape=(n, n))


@dataclass
class Runs:
    """Noded polylines: consecutive points of each run, the node key of each point, and per-run attributes.

    ``key`` identifies a point as a potential node (OSM node id, or a rounded-coordinate id):
    equal keys are the same node. ``run`` is the run index of each point (runs are contiguous).
    """

    key: np.ndarray  # int64 per point
    run: np.ndarray  # int64 per point
    x: np.ndarray  # metric coordinates per point
    y: np.ndarray
    road_class: np.ndarray  # per run
    name: np.ndarray
    oneway: np.ndarray  # int8 per run: 1, -1, 0
    maxspeed: np.ndarray  # float per run (NaN = none)
    way_id: np.ndarray  # int64 per run
    given_kmh: np.ndarray | None = None  # float per run (road layers with a speed field)
    signal_keys: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype="int64"))


def build_from_runs(
    runs: Runs,
    *,
    profile: SpeedProfile,
    crs: pyproj.CRS,
    largest_component: bool = True,
    source: str = "",
    dropped: dict[str, int] | None = None,
) -> RoadNetwork:
    """Split runs at intersections into directed edges, compute times, keep the largest strongly
    connected component.

    Raises
    ------
    NetworkError
        When there is no usable road.
    """
    dropped = dict(dropped or {})
    if runs.key.size < 2:
        raise NetworkError(tr("network.err.no_drivable", source=source, profile=named("profile", profile.name)))
    n_pts = runs.key.size
    run = runs.run
    is_first = np.ones(n_pts, dtype=bool)
    is_first[1:] = run[1:] != run[:-1]
    is_last = np.ones(n_pts, dtype=bool)
    is_last[:-1] = run[1:] != run[:-1]
    uniq, inverse, counts = np.unique(runs.key, return_inverse=True, return_counts=True)
    # a point splits its run when the node is used more than once (by another way or the same one),
    # and at traffic signals, so that the signal's delay is charged on the edges that end there
    split = is_first | is_last | (counts[inverse] > 1)
    if runs.signal_keys.size:
        split |= np.isin(runs.key, runs.signal_keys)
    pos = np.flatnonzero(split)
    same_run = run[pos[1:]] == run[pos[:-1]]
    start, end = pos[:-1][same_run], pos[1:][same_run]
    # a closed way that touches the rest only at one point (a loop road, a roundabout with one
    # entry) would be one piece from a node to itself: split it at its middle vertex
    loop = (runs.key[start] == runs.key[end]) & (end - start >= 2)
    if loop.any():
        split[(start[loop] + end[loop]) // 2] = True
        pos = np.flatnonzero(split)
        same_run = run[pos[1:]] == run[pos[:-1]]
        start, end = pos[:-1][same_run], pos[1:][same_run]
    # drop zero-length pieces (the same node twice in a row)
    keep = runs.key[start] != runs.key[end]
    dropped["self_loops"] = dropped.get("self_loops", 0) + int((~keep).sum())
    start, end = start[keep], end[keep]
    if start.size == 0:
        raise NetworkError(tr("network.err.no_drivable", source=source, profile=named("profile", profile.name)))
    lengths = end - start + 1
    flat = np.repeat(start - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths) + np.arange(lengths.sum())
    geom = shapely.linestrings(np.column_stack([runs.x[flat], runs.y[flat]]), indices=np.repeat(np.arange(start.size), lengths))
    seg_run = run[start]
    # nodes: only the points that bound an edge
    used = np.unique(np.concatenate([inverse[start], inverse[end]]))
    node_index = np.full(uniq.size, -1, dtype="int64")
    node_index[used] = np.arange(used.size)
    first_pos = np.full(uniq.size, -1, dtype="int64")
    first_pos[inverse[::-1]] = np.arange(n_pts)[::-1]
    nx, ny = runs.x[first_pos[used]], runs.y[first_pos[used]]
    node_key = uniq[used]
    su, sv = node_index[inverse[start]], node_index[inverse[end]]
    ow = runs.oneway[seg_run]
    fwd = ow >= 0
    bwd = ow <= 0
    nf, nb = int(fwd.sum()), int(bwd.sum())
    u = np.concatenate([su[fwd], sv[bwd]])
    v = np.concatenate([sv[fwd], su[bwd]])
    g = np.concatenate([geom[fwd], shapely.reverse(geom[bwd])])
    seg_of_edge = np.concatenate([np.flatnonzero(fwd), np.flatnonzero(bwd)])
    # twins: a segment with both directions
    reverse = np.full(nf + nb, -1, dtype="int64")
    both = fwd & bwd
    fpos = np.full(start.size, -1, dtype="int64")
    fpos[fwd] = np.arange(nf)
    bpos = np.full(start.size, -1, dtype="int64")
    bpos[bwd] = nf + np.arange(nb)
    reverse[fpos[both]] = bpos[both]
    reverse[bpos[both]] = fpos[both]
    er = seg_run[seg_of_edge]
    signal = np.isin(node_key, runs.signal_keys)
    length = shapely.length(g)
    speed = edge_speeds(runs.road_class[er], runs.maxspeed[er], profile,
                        given_kmh=None if runs.given_kmh is None else runs.given_kmh[er])
    time = edge_times(length, speed, signal[v], profile)
    net = RoadNetwork(
        crs=crs, x=nx, y=ny, node_id=node_key.astype("int64"), signal=signal, u=u.astype("int64"), v=v.astype("int64"),
        length_m=length, time_s=time, speed_kmh=speed, road_class=runs.road_class[er].astype(object),
        name=runs.name[er].astype(object), way_id=runs.way_id[er].astype("int64"), reverse=reverse, geometry=g,
        profile=profile.name, source=source, dropped=dropped,
    )
    if largest_component:
        net = keep_largest_component(net)
    if log.isEnabledFor(logging.INFO):
        dropped = [msg("network.log.dropped_item", what=named("network.dropped", k), n=v)
                   for k, v in net.dropped.items() if v]
        log.info(msg("network.log.built", source=source or msg("network.log.source"), nodes=net.n_nodes,
                     edges=net.n_edges, dropped=listed(dropped) if dropped else msg("network.log.nothing_dropped")))
    return net


def keep_largest_component(net: RoadNetwork) -> RoadNetwork:
    """Keep the largest strongly connected component; count what was removed in ``dropped``."""
    n_comp, labels = connected_components(net.csr(), directed=True, connection="strong")
    if n_comp <= 1:
        return net
    sizes = np.bincount(labels)
    big = int(np.argmax(sizes))
    keep_node = labels == big
    keep_edge = keep_node[net.u] & keep_node[net.v]
    new_node = np.full(net.n_nodes, -1, dtype="int64")
    new_node[keep_node] = np.arange(int(keep_node.sum()))
    sub = net.edge_subset(keep_edge)
    dropped = {**net.dropped, "small_component_nodes": int((~keep_node).sum()),
               "small_component_edges": int((~keep_edge).sum()), "components_removed": int(n_comp - 1)}
    dropped.pop("edges_removed", None)
    return RoadNetwork(
        crs=sub.crs, x=net.x[keep_node], y=net.y[keep_node], node_id=net.node_id[keep_node], signal=net.signal[keep_node],
        u=new_node[sub.u], v=new_node[sub.v], length_m=sub.length_m, time_s=sub.time_s, speed_kmh=sub.speed_kmh,
        road_class=sub.road_class, name=sub.name, way_id=sub.way_id, reverse=sub.reverse, geometry=sub.geometry,
        profile=sub.profile, source=sub.source, dropped=dropped,
    )


def describe(net: RoadNetwork) -> dict[str, Any]:
    """Numbers that summarise a network (for ``yitu network info``)."""
    classes, counts = np.unique(net.road_class.astype(str), return_counts=True)
    return {
        "nodes": net.n_nodes, "edges": net.n_edges, "km": float(net.length_m[net.canonical == np.arange(net.n_edges)].sum() / 1000),
        "one_way_edges": int((net.reverse < 0).sum()), "signals": int(net.signal.sum()),
        "classes": dict(zip(classes.tolist(), counts.tolist())), "profile": net.profile, "crs": net.crs.to_string(),
        "dropped": net.dropped, "source": net.source,
    }
