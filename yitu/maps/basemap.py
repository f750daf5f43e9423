"""Base geography of the maps: water, bridges, town (乡镇) boundaries and place names.

A planner reads a risk map against the ground: the river and its bridges decide where engines can
cross, the town boundaries who is responsible. :func:`read_geography` reads them from the OSM file
the road network was built from (recorded by :func:`yitu.routing.build.network_source`) with
pyosmium: ``natural=water`` areas, ``waterway=river|canal|stream`` lines, ways tagged
``bridge=yes`` (with a ``highway``), ``place=*`` nodes with a name, and ``boundary=administrative``
areas of admin_level 7–9 (乡镇/街道). An office may supply its own instead: project layers named
``base_water``, ``base_boundaries`` or ``base_places`` (any GeoDataFrame layer in the GeoPackage) are
used in place of the OSM ones.

:func:`base_layers` turns them into :class:`~yitu.maps.html.MapLayer` objects for the HTML map and
:func:`draw_geography` draws them on a matplotlib axis for the images. Both use the colours of
:mod:`yitu.maps.style` (``water``, ``bridge``, ``boundary``, ``place``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from yitu.maps import style
from yitu.words import has, msg, tr

if TYPE_CHECKING:
    from yitu.layers.project import Project

log = logging.getLogger(__name__)

__all__ = ["road_class_text", "Geography", "read_geography", "project_geography", "base_layers", "draw_geography"]

_WATERWAYS = {"river", "canal", "stream"}
_PLACES = {"city", "town", "suburb", "village", "hamlet", "neighbourhood", "quarter", "locality"}
_PLACE_RANK = {"city": 0, "town": 1, "suburb": 2, "village": 3, "quarter": 3, "neighbourhood": 4, "hamlet": 5,
               "locality": 6}


def road_class_text(road_class: object, *, lang: str = "zh") -> str:
    """Words for an OSM highway class (``motorway`` → 高速公路); an unknown class is shown as stored."""
    if road_class is None or str(road_class) in ("", "nan", "None"):
        return ""
    key = f"maps.road.{road_class}"
    return tr(key, lang=lang) if has(key) else str(road_class)


@dataclass
class Geography:
    """Base geography in WGS-84: ``water`` (polygons), ``waterways`` (lines: name, kind), ``bridges``
    (lines: name), ``boundaries`` (polygons: name, admin_level), ``places`` (points: name, kind)."""

    water: gpd.GeoDataFrame
    waterways: gpd.GeoDataFrame
    bridges: gpd.GeoDataFrame
    boundaries: gpd.GeoDataFrame
    places: gpd.GeoDataFrame

    def is_empty(self) -> bool:
        return not any(len(g) for g in (self.water, self.waterways, self.bridges, self.boundaries, self.places))


def _gdf(rows: list[dict[str, Any]], geoms: list[Any]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(pd.DataFrame(rows) if rows else pd.DataFrame({"name": pd.Series([], dtype=object)}),
                            geometry=gpd.GeoSeries(geoms, crs=4326) if geoms else gpd.GeoSeries([], crs=4326))


def read_geography(path: str | Path) -> Geography:
    """Read water, waterways, bridges, places and 乡镇 boundaries from an OSM file (``.osm``/``.pbf``/…).

    Raises
    ------
    InputError
        When the file cannot be read.
    """
    import osmium

    from yitu.errors import InputError

    wkb = osmium.geom.WKBFactory()
    rows: dict[str, tuple[list[dict[str, Any]], list[Any]]] = {k: ([], []) for k in
                                                              ("water", "waterways", "bridges", "boundaries", "places")}

    def add(kind: str, row: dict[str, Any], geom_wkb: str) -> None:
        rows[kind][0].append(row)
        rows[kind][1].append(shapely.from_wkb(bytes.fromhex(geom_wkb)))

    keys = osmium.filter.KeyFilter("natural", "waterway", "bridge", "place", "boundary", "water")
    try:
        fp = osmium.FileProcessor(str(path)).with_locations().with_areas(keys).with_filter(keys)
        for obj in fp:
            tags = obj.tags
            name = tags.get("name:zh", tags.get("name", ""))
            try:
                if obj.is_node():
                    if tags.get("place") in _PLACES and name:
                        add("places", {"name": name, "kind": tags.get("place")}, wkb.create_point(obj))
                elif obj.is_way():
                    if tags.get("waterway") in _WATERWAYS:
                        add("waterways", {"name": name, "kind": tags.get("waterway")}, wkb.create_linestring(obj))
                    elif tags.get("bridge", "no") not in ("no", "") and "highway" in tags:
                        add("bridges", {"name": name}, wkb.create_linestring(obj))
                elif obj.is_area():
                    if tags.get("natural") == "water" or tags.get("water") or tags.get("waterway") == "riverbank":
                        add("water", {"name": name}, wkb.create_multipolygon(obj))
                    elif tags.get("boundary") == "administrative" and tags.get("admin_level", "") in ("7", "8", "9"):
                        add("boundaries", {"name": name, "admin_level": tags.get("admin_level")},
                            wkb.create_multipolygon(obj))
            except RuntimeError:  # an incomplete way/area at the edge of an extract
                continue
    except RuntimeError as exc:
        raise InputError(tr("maps.err.basemap_osm", path=path, exc=exc)) from None
    geo = Geography(**{k: _gdf(*v) for k, v in rows.items()})
    log.info(msg("maps.log.basemap", file=Path(path).name, water=len(geo.water), waterways=len(geo.waterways),
                 bridges=len(geo.bridges), boundaries=len(geo.boundaries), places=len(geo.places)))
    return geo


def _office_layer(project: Project, name: str) -> gpd.GeoDataFrame | None:
    try:
        gdf = project.read_optional(name)
    except Exception:  # noqa: BLE001 - a layer the office made by hand that we cannot read: OSM instead
        log.warning(msg("maps.log.layer_unreadable", layer=name))
        return None
    if gdf is None or not isinstance(gdf, gpd.GeoDataFrame) or not len(gdf):
        return None
    gdf = gdf.to_crs(4326)
    if "name" not in gdf.columns:
        gdf["name"] = ""
    return gdf


def project_geography(project: Project) -> Geography | None:
    """The base geography of a project: office layers ``base_*`` first, else the network's OSM file."""
    geo: Geography | None = None
    try:
        from yitu.routing.build import network_source

        rec = network_source(project)
    except Exception as exc:  # noqa: BLE001 - a broken record must not stop the map
        log.warning(msg("maps.log.record_unreadable", error=exc))
        rec = None
    if rec and rec.get("kind") == "osm" and rec.get("path"):
        p = Path(rec["path"])
        p = p if p.is_absolute() else Path(project.path) / p
        if p.is_file():
            try:
                geo = read_geography(p)
            except Exception as exc:  # noqa: BLE001
                log.warning(msg("maps.log.basemap_unread", path=p, error=exc))
    empty = _gdf([], [])
    office = {k: _office_layer(project, f"base_{k}") for k in ("water", "boundaries", "places")}
    if geo is None and not any(v is not None for v in office.values()):
        return None
    geo = geo or Geography(empty, empty.copy(), empty.copy(), empty.copy(), empty.copy())
    for k, gdf in office.items():
        if gdf is not None:
            setattr(geo, k, gdf)
    return None if geo.is_empty() else geo


def _without_park_names(project: Project, places: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Places other than the parks (a park is labelled with its own name: no second label on top)."""
    parks = project.read_optional("parks")
    if not len(places) or parks is None or not len(parks):
        return places
    inside = places.geometry.within(shapely.union_all(parks.to_crs(places.crs).geometry.values))
    names = [str(n) for n in parks["name"].dropna()] if "name" in parks.columns else []
    named = pd.Series([any(str(p) and str(p) in n for n in names) for p in places["name"]], index=places.index)
    return places.loc[~inside & ~named]


def _clip(gdf: gpd.GeoDataFrame, bounds: tuple[float, float, float, float] | None, margin: float = 0.05) -> gpd.GeoDataFrame:
    if bounds is None or not len(gdf):
        return gdf
    minx, miny, maxx, maxy = bounds
    dx, dy = (maxx - minx) * margin + 0.01, (maxy - miny) * margin + 0.01
    return gdf.loc[gdf.intersects(shapely.box(minx - dx, miny - dy, maxx + dx, maxy + dy))]


def base_layers(project: Project, *, lang: str = "zh", bounds: tuple[float, float, float, float] | None = None) -> list[Any]:
    """Map layers of the base geography (bottom of the drawing order), empty when there is none."""
    from yitu.maps.html_layers import MapLayer, _set_style

    geo = project_geography(project)
    if geo is None:
        return []
    out: list[MapLayer] = []
    c = style.LAYER_COLOURS

    def layer(key: str, gdf: gpd.GeoDataFrame, legend: list[tuple[str, str, str]], **st: Any) -> None:
        gdf = _clip(gdf, bounds)
        if not len(gdf):
            return
        show = gdf.copy()
        show["_title"] = show["name"].fillna("").astype(str)
        show["_tip"] = show["_title"]
        _set_style(show, **st)
        out.append(MapLayer(key, show, legend=legend, fields=[]))

    water = pd.concat([geo.water, geo.waterways], ignore_index=True) if len(geo.waterways) else geo.water
    if len(water):
        gt = shapely.get_type_id(np.asarray(water.geometry.values))
        is_line = (gt == 1) | (gt == 5)
        kinds = water.get("kind", pd.Series("", index=water.index)).astype(object).fillna("")
        weight = np.where(kinds == "river", 6.0, np.where(kinds == "canal", 4.0, np.where(is_line, 2.0, 1.0)))
        layer("base_water", gpd.GeoDataFrame(water, geometry="geometry", crs=4326),
              [(tr("maps.base.water", lang=lang), c["water"], "area")],
              color=np.where(is_line, c["water"], c["water_line"]), weight=weight, fillColor=c["water"],
              fillOpacity=0.8, opacity=0.9)
    layer("base_boundaries", geo.boundaries.assign(geometry=geo.boundaries.geometry.boundary) if len(geo.boundaries) else geo.boundaries,
          [(tr("maps.base.boundary", lang=lang), c["boundary"], "line")],
          color=c["boundary"], weight=1.5, dashArray="10 4 2 4", opacity=0.9)
    layer("base_bridges", geo.bridges, [(tr("maps.base.bridge", lang=lang), c["bridge"], "line")],
          color=c["bridge"], weight=7.0, opacity=0.55)
    places = _without_park_names(project, _clip(geo.places, bounds))
    if len(places):
        show = places.copy()
        show["_title"] = show["name"].fillna("").astype(str)
        show["_tip"] = show["_title"]
        _set_style(show, radius=0.0)
        out.append(MapLayer("base_places", show, legend=[], fields=[], shape="label"))
    return out


def draw_geography(ax: Any, project: Project, *, crs: Any, scale: float = 1.0, font: Any = None,
                   labels: bool = True) -> list[Any]:
    """Draw the base geography of ``project`` on a matplotlib axis in ``crs``; returns legend handles."""
    from matplotlib import patheffects
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    geo = project_geography(project)
    if geo is None:
        return []
    c = style.LAYER_COLOURS
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    handles: list[Any] = []
    box = gpd.GeoSeries([shapely.box(x0, y0, x1, y1)], crs=crs).to_crs(4326).total_bounds

    def prep(g: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        g = _clip(g, tuple(box), margin=0.0)  # type: ignore[arg-type]
        return g.to_crs(crs) if len(g) else g

    water, ways = prep(geo.water), prep(geo.waterways)
    if len(water):
        water.plot(ax=ax, color=c["water"], edgecolor=c["water_line"], linewidth=0.4 * scale, zorder=0.5)
    if len(ways):
        kinds = ways.get("kind", pd.Series("", index=ways.index)).astype(str)
        ways.plot(ax=ax, color=c["water"], linewidth=np.where(kinds == "river", 5.0, 2.5) * scale, zorder=0.6)
    if len(water) or len(ways):
        handles.append(Patch(facecolor=c["water"], edgecolor=c["water_line"], label=tr("maps.base.water")))
    bounds_ = prep(geo.boundaries)
    if len(bounds_):
        bounds_.boundary.plot(ax=ax, color=c["boundary"], linewidth=0.9 * scale, linestyle=(0, (8, 3, 2, 3)), zorder=0.7)
        handles.append(Line2D([], [], color=c["boundary"], linewidth=1.0, linestyle=(0, (8, 3, 2, 3)),
                              label=tr("maps.base.boundary")))
    br = prep(geo.bridges)
    if len(br):
        br.plot(ax=ax, color=c["bridge"], linewidth=3.5 * scale, alpha=0.6, zorder=2.5)
        handles.append(Line2D([], [], color=c["bridge"], linewidth=3.0, alpha=0.6, label=tr("maps.base.bridge")))
    pl = prep(geo.places)
    pl = _without_park_names(project, pl)
    if labels and len(pl):
        halo = [patheffects.withStroke(linewidth=2.5 * scale, foreground="white")]
        rank = pl.get("kind", pd.Series("", index=pl.index)).map(_PLACE_RANK).fillna(6)
        for geom, name, r in zip(pl.geometry, pl["name"].astype(str), rank):
            ax.text(geom.x, geom.y, name, fontproperties=font, fontsize=(9.5 if r <= 1 else 7.5) * scale,
                    color=c["place"], ha="center", va="center", zorder=6, path_effects=halo, clip_on=True)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    # the waterway names (岚江) along the line, once each
    if labels and len(ways):
        halo = [patheffects.withStroke(linewidth=2.5 * scale, foreground="white")]
        for name, g in ways.groupby(ways["name"].astype(str)):
            if not name:
                continue
            line = shapely.line_merge(shapely.union_all(g.geometry.values))
            p = line.interpolate(0.5, normalized=True) if not line.is_empty else None
            if p is not None and x0 <= p.x <= x1 and y0 <= p.y <= y1:
                ax.text(p.x, p.y, name, fontproperties=font, fontsize=8 * scale, color="#2B6F87", style="italic",
                        ha="center", va="center", zorder=6, path_effects=halo)
    return handles
