"""OpenStreetMap input: stream ``.osm``, ``.osm.gz``, ``.osm.bz2`` or ``.osm.pbf`` with pyosmium into a
:class:`~yitu.routing.network.RoadNetwork`.

Only ways tagged ``highway=*`` with a class the profile can use are read (plus
``traffic_signals`` nodes). Clipped extracts are handled: a way that references nodes missing
from the file is cut at them, keeping every run of two or more present nodes. No Python runs
per node: libosmium keeps the node locations and builds each way's line (WKB) in C++.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import osmium
import pyproj

from yitu.errors import NetworkError
from yitu.gis.crs import metric_crs
from yitu.routing.network import RoadNetwork, Runs, build_from_runs
from yitu.routing.profiles import parse_maxspeed, parse_oneway
from yitu.settings import SpeedProfile
from yitu.words import named, tr

log = logging.getLogger(__name__)

__all__ = ["from_osm", "OSM_SUFFIXES", "EXCLUDED_ACCESS"]

OSM_SUFFIXES = (".osm", ".osm.gz", ".osm.bz2", ".osm.pbf", ".pbf", ".xml")
EXCLUDED_ACCESS = {"no", "private"}


def _check_file(path: Path) -> None:
    if not path.exists():
        raise NetworkError(tr("io.not_found", path=path))
    name = path.name.lower()
    if not any(name.endswith(s) for s in OSM_SUFFIXES):
        raise NetworkError(tr("network.err.not_osm", path=path))
    if path.stat().st_size == 0:
        raise NetworkError(tr("io.empty", path=path))


def _usable(tags: osmium.osm.TagList, profile: SpeedProfile) -> bool:
    hw = tags.get("highway")
    if not hw or profile.speeds_kmh.get(hw, 0.0) <= 0:
        return False
    if tags.get("area") == "yes":
        return False
    if profile.name != "walking":
        if tags.get("emergency") in ("yes", "designated"):
            return True
        if tags.get("access") in EXCLUDED_ACCESS or tags.get("motor_vehicle") in EXCLUDED_ACCESS:
            return False
    return True


_LON_OFF, _LAT_OFF = 1_800_000_000, 900_000_000


def location_key(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """One int64 per OSM location (libosmium's fixed point, 1e-7 degrees): equal keys, same place."""
    lo = np.rint(np.asarray(lon, dtype="float64") * 1e7).astype("int64") + _LON_OFF
    la = np.rint(np.asarray(lat, dtype="float64") * 1e7).astype("int64") + _LAT_OFF
    return (lo << 31) | la


def _clipped_pieces(way: osmium.osm.Way) -> tuple[list[tuple[np.ndarray, np.ndarray]], bool]:
    """(lon, lat) of each run of two or more nodes with a location, and whether a node had none
    (a clipped way; rare: only these ways are read node by node)."""
    valid = np.array([n.location.valid() for n in way.nodes], dtype=bool)
    lon = np.array([n.lon if v else np.nan for n, v in zip(way.nodes, valid)], dtype="float64")
    lat = np.array([n.lat if v else np.nan for n, v in zip(way.nodes, valid)], dtype="float64")
    edges = np.flatnonzero(np.diff(np.concatenate([[0], valid.astype(int), [0]])))
    return [(lon[a:b], lat[a:b]) for a, b in zip(edges[::2], edges[1::2]) if b - a >= 2], not valid.all()


def _wkb_lines(wkbs: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lon, lat, line index) of every point of little-endian 2-D WKB linestrings in hex, decoded
    with numpy in one go (libosmium writes them: 1 byte order, 4 type, 4 count, 16 per point)."""
    if not wkbs:
        return np.zeros(0), np.zeros(0), np.zeros(0, dtype="int64")
    nbytes = np.fromiter((len(w) for w in wkbs), dtype="int64", count=len(wkbs)) // 2
    buf = np.frombuffer(bytes.fromhex("".join(wkbs)), dtype=np.uint8)
    start = np.concatenate([[0], np.cumsum(nbytes)[:-1]])
    if buf.size and not ((buf[start] == 1).all() and (buf[start + 1] == 2).all()):
        raise NetworkError("unexpected WKB from libosmium (not little-endian 2-D linestrings)")
    npts = (nbytes - 9) // 16
    line = np.repeat(np.arange(len(wkbs), dtype="int64"), npts)
    first = np.repeat(start + 9 - 16 * (np.cumsum(npts) - npts), npts) + 16 * np.arange(int(npts.sum()))
    pos = first[:, None] + np.arange(16)[None, :]
    xy = buf[pos.ravel()].view("<f8").reshape(-1, 2)
    return xy[:, 0].copy(), xy[:, 1].copy(), line


def from_osm(
    path: str | Path,
    *,
    profile: SpeedProfile,
    crs: pyproj.CRS | None = None,
    largest_component: bool = True,
) -> RoadNetwork:
    """Build a road network from an OSM file.

    One pass of libosmium (C++) over the file: node locations are kept by its location handler,
    only ``highway=*`` objects reach Python (one call per way, none per node), and each usable
    way's coordinates come back as one WKB line built in C++. Nodes are identified by their
    location (``node_id`` is :func:`location_key`): ways that share a node share its location.

    Parameters
    ----------
    path
        ``.osm``, ``.osm.gz`` or ``.osm.pbf`` (any extract; ways cut at missing nodes).
    profile
        Speed profile: decides which classes are read and their speeds.
    crs
        Metric CRS; default the UTM zone of the data's centre.
    largest_component
        Keep only the largest strongly connected component (the rest is counted in ``dropped``).

    Raises
    ------
    NetworkError
        The file is missing, empty, not OSM, or holds no road the profile can use.
    """
    p = Path(path)
    _check_file(p)
    wkbs: list[str] = []
    wkb_way: list[int] = []
    clipped: list[tuple[int, np.ndarray, np.ndarray]] = []
    classes: list[str] = []
    names: list[str] = []
    oneways: list[int] = []
    maxspeeds: list[float] = []
    way_ids: list[int] = []
    sig_lon: list[float] = []
    sig_lat: list[float] = []
    n_missing_ways = 0
    oneway_ignored = profile.ignore_oneway
    fab = osmium.geom.WKBFactory()
    every_node = osmium.geom.ALL
    try:
        # only the classes the profile drives on (and signals) reach Python: the test is done in C++
        wanted = [("highway", hw) for hw, v in profile.speeds_kmh.items() if v > 0] + [("highway", "traffic_signals")]
        fp = osmium.FileProcessor(str(p)).with_locations().with_filter(osmium.filter.TagFilter(*wanted))
        for obj in fp:
            if obj.is_node():
                if obj.tags.get("highway") == "traffic_signals" and obj.location.valid():
                    sig_lon.append(obj.location.lon)
                    sig_lat.append(obj.location.lat)
                continue
            if not obj.is_way() or not _usable(obj.tags, profile):
                continue
            w = len(way_ids)
            try:
                wkbs.append(fab.create_linestring(obj, use_nodes=every_node))
                wkb_way.append(w)
            except (osmium.InvalidLocationError, RuntimeError):  # a clipped way (or fewer than two nodes)
                pieces, missing = _clipped_pieces(obj)
                n_missing_ways += int(missing)
                for lon, lat in pieces:
                    clipped.append((w, lon, lat))
            tags = obj.tags
            hw = tags.get("highway")
            classes.append(hw)
            names.append(tags.get("name", "") or tags.get("ref", ""))
            oneways.append(0 if oneway_ignored else parse_oneway(tags.get("oneway"), highway=hw,
                                                                 junction=tags.get("junction", "")))
            maxspeeds.append(parse_maxspeed(tags.get("maxspeed")))
            way_ids.append(obj.id)
    except RuntimeError as exc:  # libosmium reports unreadable input as RuntimeError
        raise NetworkError(tr("network.err.osm_unreadable", path=p, exc=exc)) from None
    if not wkbs and not clipped:
        raise NetworkError(tr("network.err.osm_no_road", path=p, profile=named("profile", profile.name),
                              classes=", ".join(sorted(profile.speeds_kmh))))
    # every way's points in one go: lon/lat, the run of each point, the way of each run
    lon_all, lat_all, run = _wkb_lines(wkbs)
    run_way = np.asarray(wkb_way, dtype="int64")
    if clipped:
        extra_run = np.concatenate([np.full(lon.size, run_way.size + i, dtype="int64") for i, (_, lon, _) in enumerate(clipped)])
        lon_all = np.concatenate([lon_all, *[c[1] for c in clipped]])
        lat_all = np.concatenate([lat_all, *[c[2] for c in clipped]])
        run = np.concatenate([run, extra_run])
        run_way = np.concatenate([run_way, np.array([c[0] for c in clipped], dtype="int64")])
    del wkbs
    if crs is None:
        crs = metric_crs((float(lon_all.min()), float(lat_all.min()), float(lon_all.max()), float(lat_all.max())))
    key = location_key(lon_all, lat_all)
    x, y = pyproj.Transformer.from_crs(4326, crs, always_xy=True).transform(lon_all, lat_all)
    runs = Runs(
        key=key, run=run, x=np.asarray(x), y=np.asarray(y),
        road_class=np.array(classes, dtype=object)[run_way], name=np.array(names, dtype=object)[run_way],
        oneway=np.array(oneways, dtype="int8")[run_way], maxspeed=np.array(maxspeeds, dtype="float64")[run_way],
        way_id=np.array(way_ids, dtype="int64")[run_way],
        signal_keys=location_key(np.array(sig_lon), np.array(sig_lat)),
    )
    log.debug("%s: %d usable ways (%d cut at missing nodes)", p, len(way_ids), n_missing_ways)
    return build_from_runs(
        runs, profile=profile, crs=crs, largest_component=largest_component, source=p.name,
        dropped={"ways_cut_at_missing_nodes": n_missing_ways},
    )
