"""Road-line layer input: an office's own road lines (class, speed, one-way fields) into a
:class:`~yitu.routing.network.RoadNetwork`, noded where lines share a vertex.

Lines that cross without a shared vertex (a bridge over a road, an underpass) are not joined,
as in OSM. Vertices closer than ``snap_tolerance_m`` are treated as the same point.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from yitu.errors import InputError, NetworkError
from yitu.gis.crs import metric_crs
from yitu.routing.network import RoadNetwork, Runs, build_from_runs
from yitu.routing.profiles import parse_maxspeed, parse_oneway, passable
from yitu.settings import SpeedProfile
from yitu.words import listed, msg, named, tr

log = logging.getLogger(__name__)

__all__ = ["from_roads", "CLASS_ALIASES"]

# Chinese road classes as offices name them -> OSM highway classes used by the profiles.
CLASS_ALIASES: dict[str, str] = {
    "高速公路": "motorway", "高速": "motorway", "匝道": "motorway_link", "国道": "trunk", "快速路": "trunk",
    "省道": "primary", "主干路": "primary", "主干道": "primary", "县道": "secondary", "次干路": "secondary",
    "乡道": "tertiary", "支路": "residential", "村道": "unclassified", "街巷": "residential", "园区道路": "tertiary",
    "厂区道路": "service", "专用道路": "service",
}


# OSM highway classes that are not roads for vehicles: left out without a warning when a profile lacks them
_OSM_NOT_FOR_VEHICLES = ["footway", "path", "cycleway", "steps", "pedestrian", "bridleway", "track", "corridor",
                         "construction", "proposed", "platform", "elevator", "bus_guideway", "raceway", "abandoned"]


def _field(gdf: gpd.GeoDataFrame, name: str | None, what: str) -> pd.Series | None:
    if name is None:
        return None
    if name not in gdf.columns:
        if what == "class":
            raise InputError(tr("network.err.no_class_field_named", name=name, fields=", ".join(map(str, gdf.columns))))
        return None
    return gdf[name]


def from_roads(
    gdf: gpd.GeoDataFrame,
    *,
    profile: SpeedProfile,
    crs: pyproj.CRS | None = None,
    class_field: str = "road_class",
    speed_field: str | None = "speed_kmh",
    maxspeed_field: str | None = "maxspeed",
    oneway_field: str | None = "oneway",
    name_field: str | None = "name",
    id_field: str | None = "osm_id",
    snap_tolerance_m: float = 0.01,
    largest_component: bool = True,
    source: str = "roads",
) -> RoadNetwork:
    """Build a road network from road lines.

    Parameters
    ----------
    gdf
        LineStrings/MultiLineStrings with a CRS.
    class_field
        OSM-style class (``primary``, ``residential`` ...) or a Chinese class (国道, 省道, 县道 ...).
    speed_field
        Optional speed (km/h) that replaces the class speed where given.
    maxspeed_field
        Optional speed limit (km/h or an OSM ``maxspeed`` value) that caps the class speed.
    oneway_field
        ``yes``/``no``/``-1`` (or 是/否, 单向/双向); empty = both ways.

    Raises
    ------
    NetworkError
        When no line is usable.
    """
    if gdf.crs is None:
        raise InputError(tr("network.err.roads_no_crs", path=source))
    if len(gdf) == 0:
        raise NetworkError(tr("network.err.roads_empty", path=source))
    lines = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty].explode(index_parts=False)
    lines = lines[lines.geom_type == "LineString"]
    if crs is None:
        crs = metric_crs(lines.to_crs(4326).total_bounds)
    lines = lines.to_crs(crs)
    cls = _field(lines, class_field, "class")
    assert cls is not None
    cls = cls.astype(str).map(lambda c: CLASS_ALIASES.get(c.strip(), c.strip().lower()))
    ok = passable(cls.to_numpy(), profile)
    n_skipped = int((~ok).sum())
    unknown = cls[~ok & ~cls.isin(list(profile.speeds_kmh)) & ~cls.isin(_OSM_NOT_FOR_VEHICLES)]
    if len(unknown):
        # a class the profile has no speed for (a typo, a local name): say which, or the roads vanish unnoticed
        counts = unknown.value_counts()
        log.warning(msg("network.log.unknown_classes", source=source, n=len(unknown), profile=profile.name,
                        classes=listed([f"{c} ({n})" for c, n in counts.items()]),
                        examples=listed(list(CLASS_ALIASES)[:6] + ["…"])))
    lines, cls = lines[ok], cls[ok]
    if len(lines) == 0:
        raise NetworkError(tr("network.err.roads_no_class", path=source, profile=named("profile", profile.name)))
    coords, idx = shapely.get_coordinates(lines.geometry.values, return_index=True)
    grid = np.round(coords / snap_tolerance_m).astype("int64")
    _, key = np.unique(grid, axis=0, return_inverse=True)
    sp = _field(lines, speed_field, "speed")
    ms = _field(lines, maxspeed_field, "maxspeed")
    ow = _field(lines, oneway_field, "oneway")
    nm = _field(lines, name_field, "name")
    ids = _field(lines, id_field, "id")
    oneway = np.zeros(len(lines), dtype="int8") if (ow is None or profile.ignore_oneway) else np.array(
        [parse_oneway(v if pd.notna(v) else None) for v in ow], dtype="int8")
    runs = Runs(
        key=key.ravel().astype("int64"), run=idx.astype("int64"), x=coords[:, 0], y=coords[:, 1],
        road_class=cls.to_numpy(dtype=object),
        name=(nm.fillna("").astype(str).to_numpy(dtype=object) if nm is not None else np.full(len(lines), "", dtype=object)),
        oneway=oneway,
        maxspeed=(np.array([parse_maxspeed(v) if pd.notna(v) else np.nan for v in ms], dtype="float64")
                  if ms is not None else np.full(len(lines), np.nan)),
        way_id=(pd.to_numeric(ids, errors="coerce").fillna(-1).astype("int64").to_numpy() if ids is not None
                else np.arange(len(lines), dtype="int64")),
        given_kmh=(np.array([parse_maxspeed(v) if pd.notna(v) else np.nan for v in sp], dtype="float64")
                   if sp is not None else None),
    )
    return build_from_runs(runs, profile=profile, crs=crs, largest_component=largest_component, source=source,
                           dropped={"lines_not_for_profile": n_skipped})
