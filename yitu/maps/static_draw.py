"""Drawing helpers of the static maps: data in the map's CRS, and each layer in the one symbol scheme.

Used by :mod:`yitu.maps.static_render`; the sheet furniture (frame, legend, scale bar, notes) is in
:mod:`yitu.maps.static`.
"""

from __future__ import annotations

import logging
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from yitu.layers.grading import grade_enterprises, grade_zones
from yitu.layers.schema import PROTECTION_CLASS_BY_TYPE
from yitu.maps import style

from yitu.maps.static import _ROAD_DEFAULT_WIDTH, _ROAD_WIDTH, _embolden, _heading, map_font
from yitu.maps.sources import data_date  # noqa: F401  (public name, importable from here)
from yitu.words import msg
from yitu.words.maps import enum_name, layer_label, map_text as _w

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------- data helpers
def _to(gdf: gpd.GeoDataFrame | None, crs: pyproj.CRS) -> gpd.GeoDataFrame | None:
    if gdf is None or not len(gdf):
        return None
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    return gdf.to_crs(crs) if len(gdf) else None


def _in_view(gdf: gpd.GeoDataFrame | None, ax: Axes) -> gpd.GeoDataFrame | None:
    """The features inside the map frame (legend counts say what the map shows)."""
    if gdf is None:
        return None
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    inside = gdf.cx[x0:x1, y0:y1]
    return inside if len(inside) else None


def _graded(project: Any) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame | None]:
    """The enterprises and their risk zones, each read once; zones graded once (enterprise grades use them)."""
    ent = project.read("enterprises")
    zones = project.read_optional("risk_zones")
    if zones is not None and len(zones):
        zones = grade_zones(zones, settings=project.settings)
    return grade_enterprises(ent, zones, settings=project.settings), zones


def _grade_key(grade: pd.Series) -> np.ndarray:
    """0 for ungraded, else the grade (1..4) as int."""
    return grade.astype("Int64").fillna(0).astype(int).to_numpy()


def _draw_roads(ax: Axes, roads: gpd.GeoDataFrame | None, scale: float) -> bool:
    if roads is None:
        return False
    cls = roads["road_class"].astype(str) if "road_class" in roads.columns else pd.Series("", index=roads.index)
    widths = cls.map(_ROAD_WIDTH).fillna(_ROAD_DEFAULT_WIDTH).to_numpy() * scale
    # thin roads first so that main roads are drawn over them
    order = np.argsort(widths, kind="stable")
    roads = roads.iloc[order]
    roads.plot(ax=ax, color=style.LAYER_COLOURS["roads"], linewidth=widths[order], zorder=2)
    return True


def _marker_size(radius_px: np.ndarray | float, scale: float, factor: float = 0.55) -> Any:
    """Scatter size (points²) from a style radius in px (the HTML map's), shrunk for print."""
    diameter_pt = 2.0 * np.asarray(radius_px, dtype=float) * 0.75 * factor * scale
    return diameter_pt**2


def _draw_parks(ax: Axes, parks: gpd.GeoDataFrame | None, scale: float, *, label: bool = True) -> bool:
    if parks is None:
        return False
    colour = style.LAYER_COLOURS["parks"]
    parks.plot(ax=ax, facecolor=colour, alpha=0.07, edgecolor="none", zorder=1)
    parks.boundary.plot(ax=ax, color=colour, linewidth=1.4 * scale, linestyle="--", zorder=3)
    if label and "name" in parks.columns:
        prop = map_font(ax, size=8.5)
        _embolden(prop)
        halo = [patheffects.withStroke(linewidth=2.5 * scale, foreground="white")]
        for geom, name in zip(parks.geometry, parks["name"].astype(str)):
            b = geom.bounds
            ax.text(
                (b[0] + b[2]) / 2, b[3], name, ha="center", va="bottom", fontproperties=prop, color=colour,
                zorder=15, path_effects=halo, clip_on=True,
            )
    return True


def _draw_stations(ax: Axes, stations: gpd.GeoDataFrame | None, scale: float, lang: str) -> list[Artist]:
    if stations is None:
        return []
    handles: list[Artist] = [_heading(_w("stations", lang=lang))]
    types = stations["station_type"].astype(str) if "station_type" in stations.columns else pd.Series(
        "", index=stations.index
    )
    xy = np.column_stack([stations.geometry.x, stations.geometry.y]) if len(stations) else np.empty((0, 2))
    for kind in [t for t in style.STATION_COLOURS if (types == t).any()] + sorted(
        set(types) - set(style.STATION_COLOURS)
    ):
        mask = (types == kind).to_numpy()
        sym = style.symbol("stations", kind)
        colour = sym.fill
        # never larger than the smallest plant dot beside it: risk first
        ax.scatter(xy[mask, 0], xy[mask, 1], marker="^", s=(sym.size * 0.85 * scale) ** 2, c=colour, edgecolors="white",
                   linewidths=0.5 * scale, zorder=8)
        label = enum_name(kind, lang=lang)
        handles.append(Line2D([], [], linestyle="none", marker="^", markersize=sym.size * 0.85, markerfacecolor=colour,
                              markeredgecolor="black", markeredgewidth=0.5,
                              label=_w("count", lang=lang, label=label, n=int(mask.sum()))))
    return handles


def _draw_targets(ax: Axes, targets: gpd.GeoDataFrame | None, scale: float, lang: str) -> list[Artist]:
    if targets is None:
        return []
    pts = targets.geometry.representative_point()
    # an empty protection class follows from the target type (GB 36894-2018), as the loader documents
    given = targets["protection_class"] if "protection_class" in targets.columns else pd.Series(
        pd.NA, index=targets.index, dtype="object"
    )
    kinds = targets["target_type"] if "target_type" in targets.columns else pd.Series("其他", index=targets.index)
    by_type = kinds.astype(str).map(PROTECTION_CLASS_BY_TYPE).fillna("一般")
    cls = given.where(given.notna() & (given.astype(str).str.strip() != ""), by_type).astype(str)
    handles: list[Artist] = [_heading(_w("targets", lang=lang))]
    for kind, colour in style.TARGET_COLOURS.items():
        mask = (cls == kind).to_numpy()
        if not mask.any():
            continue
        ax.scatter(pts.x[mask], pts.y[mask], marker="s", s=(4.5 * scale) ** 2, c=colour, edgecolors="white",
                   linewidths=0.5 * scale, zorder=6)
        handles.append(Line2D([], [], linestyle="none", marker="s", markersize=4.5, markerfacecolor=colour,
                              markeredgecolor="white",
                              label=_w("count", lang=lang, label=enum_name(kind, lang=lang), n=int(mask.sum()))))
    rest = ~cls.isin(list(style.TARGET_COLOURS)).to_numpy()
    if rest.any():
        ax.scatter(pts.x[rest], pts.y[rest], marker="s", s=(4.5 * scale) ** 2, c=style.LAYER_COLOURS["targets"], zorder=6)
    return handles


def _draw_points(ax: Axes, gdf: gpd.GeoDataFrame | None, layer: str, scale: float, lang: str) -> list[Artist]:
    """Shelters, water sources, depots: each in its symbol of the one scheme (style.SYMBOLS)."""
    if gdf is None or not len(gdf):
        return []
    sym = style.symbol(layer)
    pts = gdf.geometry.representative_point()
    marker = style.MPL_MARKERS.get(sym.shape, "o")
    ax.scatter(pts.x, pts.y, marker=marker, s=(sym.size * 0.9 * scale) ** 2, c=sym.fill, edgecolors="white",
               linewidths=0.4 * scale, zorder=6)
    return [Line2D([], [], linestyle="none", marker=marker, markersize=sym.size * 0.9, markerfacecolor=sym.fill,
                   markeredgecolor="white",
                   label=_w("count", lang=lang, label=layer_label(layer, lang=lang), n=len(gdf)))]


def _draw_base(ax: Axes, project: Any, lay: Any) -> list[Artist]:
    """Water, bridges, 乡镇 boundaries and place names under everything (yitu.maps.basemap)."""
    from yitu.maps.basemap import draw_geography

    try:
        return draw_geography(ax, project, crs=lay.crs, scale=lay.scale, font=map_font(ax, size=8))
    except Exception as exc:  # noqa: BLE001 - a map without base geography is still a map
        log.warning(msg("maps.log.base_not_drawn", error=exc))
        return []


def _title(project: Any, key: str, lang: str) -> str:
    name = project.settings.project.name
    if key == "risk":
        return f"{name} {_w('risk_map_title', lang=lang)}"
    return f"{name} {_w(key, lang=lang)}"
