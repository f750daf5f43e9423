"""OpenStreetMap input: stream ``.osm``, ``.osm.gz``, ``.osm.bz2`` or ``.osm.pbf`` with pyosmium into a
:class:`~yitu.routing.network.RoadNetwork`.

Only ways tagged ``highway=*`` with a class the profile can use are read (plus
``traffic_signals`` nodes). Clipped extracts are handled: a way that references nodes missing
from the file is cut at them, keeping every run of two or more present nodes.
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

log = logging.getLogger(__name__)

__all__ = ["from_osm", "OSM_SUFFIXES", "EXCLUDED_ACCESS"]

OSM_SUFFIXES = (".osm", ".osm.gz", ".osm.bz2", ".osm.pbf", ".pbf", ".xml")
EXCLUDED_ACCESS = {"no", "private"}


def _check_file(path: Path) -> None:
    if not path.exists():
        raise NetworkError(f"{path}: file not found")
    name = path.name.lower()
    if not any(name.endswith(s) for s in OSM_SUFFIXES):
        raise NetworkError(f"{path}: not an OSM file (.osm, .osm.gz, .osm.pbf); for a road-line layer use --roads")
    if path.stat().st_size == 0:
        raise NetworkError(f"{path}: the file is empty")


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


def from_osm(
    path: str | Path,
    *,
    profile: SpeedProfile,
    crs: pyproj.CRS | None = None,
    largest_component: bool = True,
) -> RoadNetwork:
    """Build a road network from an OSM file.

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
    keys: list[np.ndarray] = []
    lons: list[np.ndarray] = []
    lats: list[np.ndarray] = []
    classes: list[str] = []
    names: list[str] = []
    oneways: list[int] = []
    maxspeeds: list[float] = []
    way_ids: list[int] = []
    signals: list[int] = []
    n_missing_ways = n_ways = 0
    oneway_ignored = profile.ignore_oneway
    try:
        fp = osmium.FileProcessor(str(p)).with_locations().with_filter(osmium.filter.KeyFilter("highway"))
        for obj in fp:
            if obj.is_node():
                if obj.tags.get("highway") == "traffic_signals":
                    signals.append(obj.id)
                continue
            if not obj.is_way() or not _usable(obj.tags, profile):
                continue
            n_ways += 1
            refs = np.fromiter((n.ref for n in obj.nodes), dtype="int64", count=len(obj.nodes))
            valid = np.fromiter((n.location.valid() for n in obj.nodes), dtype=bool, count=len(obj.nodes))
            lon = np.fromiter((n.lon if v else np.nan for n, v in zip(obj.nodes, valid)), dtype="float64", count=len(valid))
            lat = np.fromiter((n.lat if v else np.nan for n, v in zip(obj.nodes, valid)), dtype="float64", count=len(valid))
            tags = obj.tags
            hw = tags.get("highway")
            ow = 0 if oneway_ignored else parse_oneway(tags.get("oneway"), highway=hw, junction=tags.get("junction", ""))
            ms = parse_maxspeed(tags.get("maxspeed"))
            if not valid.all():
                n_missing_ways += 1
                # cut at missing nodes: runs of consecutive present nodes
                edges = np.flatnonzero(np.diff(np.concatenate([[0], valid.astype(int), [0]])))
                pieces = [(a, b) for a, b in zip(edges[::2], edges[1::2]) if b - a >= 2]
            else:
                pieces = [(0, len(refs))]
            for a, b in pieces:
                keys.append(refs[a:b])
                lons.append(lon[a:b])
                lats.append(lat[a:b])
                classes.append(hw)
                names.append(tags.get("name", "") or tags.get("ref", ""))
                oneways.append(ow)
                maxspeeds.append(ms)
                way_ids.append(obj.id)
    except RuntimeError as exc:  # libosmium reports unreadable input as RuntimeError
        raise NetworkError(f"{p}: cannot be read as OSM data ({exc})") from None
    if not keys:
        raise NetworkError(
            f"{p}: no road usable by profile {profile.name!r} (highway classes: {', '.join(sorted(profile.speeds_kmh))})"
        )
    counts = np.array([k.size for k in keys])
    lon_all, lat_all = np.concatenate(lons), np.concatenate(lats)
    if crs is None:
        crs = metric_crs((float(np.nanmin(lon_all)), float(np.nanmin(lat_all)), float(np.nanmax(lon_all)), float(np.nanmax(lat_all))))
    x, y = pyproj.Transformer.from_crs(4326, crs, always_xy=True).transform(lon_all, lat_all)
    runs = Runs(
        key=np.concatenate(keys), run=np.repeat(np.arange(counts.size), counts), x=np.asarray(x), y=np.asarray(y),
        road_class=np.array(classes, dtype=object), name=np.array(names, dtype=object),
        oneway=np.array(oneways, dtype="int8"), maxspeed=np.array(maxspeeds, dtype="float64"),
        way_id=np.array(way_ids, dtype="int64"), signal_keys=np.array(signals, dtype="int64"),
    )
    log.debug("%s: %d usable ways (%d cut at missing nodes)", p, n_ways, n_missing_ways)
    return build_from_runs(
        runs, profile=profile, crs=crs, largest_component=largest_component, source=p.name,
        dropped={"ways_cut_at_missing_nodes": n_missing_ways},
    )
