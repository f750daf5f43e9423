"""The three map sheets: the four-colour risk map, the coverage map and the 企业内部四色分布图.

Each builds a :class:`~matplotlib.figure.Figure` with :func:`yitu.maps.static.map_axes` and the
drawing helpers of :mod:`yitu.maps.static_draw`; :func:`yitu.maps.static.render` chooses one.
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
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from yitu.errors import InputError, ProjectError
from yitu.maps import style
from yitu.maps.sources import project_data_date, source_line
from yitu.words import msg, tr
from yitu.words.maps import grade_label, layer_label, map_text as _w

from yitu.maps.static import _embolden, _layout, add_legend, add_north_arrow, add_notes, add_scalebar, map_axes, map_font
from yitu.maps.static_draw import (
    _draw_base,
    _draw_parks,
    _draw_points,
    _draw_roads,
    _draw_stations,
    _draw_targets,
    _grade_key,
    _graded,
    _heading,
    _in_view,
    _marker_size,
    _title,
    _to,
)

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------- the three maps
def _park_view(project: Any, parks: gpd.GeoDataFrame | None, park_id: str) -> tuple[tuple[float, ...], str]:
    """Bounds (lon/lat) around one park, with a margin, and its name."""
    if parks is None or not len(parks):
        raise ProjectError(tr("maps.err.no_parks", path=project.path))
    match = parks[parks["id"].astype(str) == str(park_id)]
    if match.empty:
        ids = ", ".join(parks["id"].astype(str).head(10))
        raise InputError(tr("maps.err.no_park", path=project.path, park=park_id, ids=ids))
    crs = project.metric_crs()
    geom = match.to_crs(crs).geometry
    x0, y0, x1, y1 = geom.total_bounds
    margin = max(0.12 * max(x1 - x0, y1 - y0), 300.0)
    box = (x0 - margin, y0 - margin, x1 + margin, y1 + margin)
    bounds = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform_bounds(*box)
    return tuple(bounds), str(match["name"].iloc[0])


def _render_risk(
    project: Any, *, paper: str, lang: str, font: Any, title: str | None, orientation: str | None = None,
    park_id: str | None = None,
) -> Figure:
    ent, _ = _graded(project)
    parks = project.read_optional("parks")
    stations = project.read_optional("stations")
    targets = project.read_optional("targets")
    roads = project.read_optional("roads")
    bounds: tuple[float, ...] = project.bounds()
    if park_id is not None:
        bounds, park_name = _park_view(project, parks, park_id)
        title = title or f"{park_name} {_w('risk_map_title', lang=lang)}"
    fig, ax = map_axes(bounds, project=project, paper=paper, lang=lang, font=font,  # type: ignore[arg-type]
                       orientation=orientation, title=title or _title(project, "risk", lang))
    lay = _layout(fig)
    assert lay is not None
    crs, scale = lay.crs, lay.scale
    base_handles = _draw_base(ax, project, lay)
    have_parks = _draw_parks(ax, _to(parks, crs), scale)
    have_roads = _draw_roads(ax, _to(roads, crs), scale)
    target_handles = _draw_targets(ax, _in_view(_to(targets, crs), ax), scale, lang)
    for name in ("shelters", "water_sources", "depots"):
        target_handles += _draw_points(ax, _in_view(_to(project.read_optional(name), crs), ax), name, scale, lang)
    station_handles = _draw_stations(ax, _in_view(_to(stations, crs), ax), scale, lang)

    e = _in_view(_to(ent, crs), ax)
    heading = _w("risk_grade", lang=lang)
    if park_id is not None and e is not None and "park_id" in e.columns:
        # the legend counts what is drawn: on a park map that includes plants just outside the park
        out = int((e["park_id"].astype(str) != str(park_id)).sum())
        if out:
            heading = _w("risk_grade_park", lang=lang, n=len(e), out=out)
    handles: list[Artist] = [_heading(heading)]
    size_handles: list[Artist] = []
    if e is not None:
        pts = e.geometry.representative_point()
        key = _grade_key(e["grade"])
        level = (
            pd.to_numeric(e["major_hazard_level"], errors="coerce").fillna(0).astype(int).to_numpy()
            if "major_hazard_level" in e.columns
            else np.zeros(len(e), dtype=int)
        )
        radius = np.array([style.major_hazard_radius(v) for v in level])
        colours = np.array([style.grade_colour(g if g else None) for g in key])
        # draw low risk first so that red is never hidden under blue; big markers below small ones
        order = np.lexsort((-radius, -np.where(key == 0, 5, key)))
        ax.scatter(pts.x.to_numpy()[order], pts.y.to_numpy()[order], s=_marker_size(radius[order], scale),
                   c=colours[order], edgecolors="#202020", linewidths=0.35 * scale, zorder=10)
        if park_id is not None:  # zoomed on a park: name the 重大风险 enterprises
            prop = map_font(ax, size=6.5)
            halo = [patheffects.withStroke(linewidth=2.0 * scale, foreground="white")]
            red = np.flatnonzero(key == 1)
            for i in red:
                ax.annotate(str(e["name"].iloc[i]), (pts.x.iloc[i], pts.y.iloc[i]), xytext=(0, 6.5 * scale),
                            textcoords="offset points", ha="center", va="bottom", fontproperties=prop,
                            color="#B00010", zorder=16, path_effects=halo, annotation_clip=True)
        counts = {g: int((key == g).sum()) for g in (1, 2, 3, 4, 0)}
        for g in (1, 2, 3, 4, 0):
            if g == 0 and counts[0] == 0:
                continue
            handles.append(Line2D([], [], linestyle="none", marker="o", markersize=7.5,
                                  markerfacecolor=style.grade_colour(g or None), markeredgecolor="#202020",
                                  markeredgewidth=0.4,
                                  label=_w("count", lang=lang, label=grade_label(g or None, lang=lang),
                                           n=counts[g])))
        present = sorted({int(v) for v in level if 1 <= v <= 4})
        if present:
            size_handles.append(_heading(_w("major_hazard", lang=lang)))
            for v in [*present, 0]:
                d = 2.0 * style.major_hazard_radius(v) * 0.75 * 0.55
                size_handles.append(Line2D([], [], linestyle="none", marker="o", markersize=d,
                                           markerfacecolor="white", markeredgecolor="#202020",
                                           markeredgewidth=0.5,
                                           label=_w("mh_level", lang=lang, n=v) if v else _w("mh_none", lang=lang)))
    other: list[Artist] = []
    if have_parks:
        other.append(Patch(facecolor=style.LAYER_COLOURS["parks"] + "22", edgecolor=style.LAYER_COLOURS["parks"],
                           linestyle="--", label=_w("park", lang=lang)))
    if have_roads:
        other.append(Line2D([], [], color=style.LAYER_COLOURS["roads"], linewidth=1.2, label=_w("roads", lang=lang)))
    other += base_handles
    add_legend(ax, [*handles, *size_handles, *station_handles, *target_handles, *other], lang=lang)
    add_scalebar(ax)
    add_north_arrow(ax)
    add_notes(fig, data_date=project_data_date(project), source=source_line(project, lang=lang),
              stale_months=project.settings.risk.stale_months)
    return fig


def _need(project: Any, name: str) -> gpd.GeoDataFrame:
    layer = project.read_optional(name)
    if layer is None:
        raise ProjectError(tr("maps.err.no_coverage", path=project.path, name=name))
    return layer


def _render_coverage(
    project: Any, *, paper: str, lang: str, font: Any, title: str | None, orientation: str | None = None
) -> Figure:
    iso = _need(project, "result_isochrones")
    park_check = project.read_optional("result_park_check")
    park_targets = project.read_optional("result_park_targets")
    stations = project.read_optional("stations")
    roads = project.read_optional("roads")
    parks = project.read_optional("parks")
    fig, ax = map_axes(project.bounds(), project=project, paper=paper, lang=lang, font=font,
                       orientation=orientation, title=title or _title(project, "coverage_map_title", lang))
    lay = _layout(fig)
    assert lay is not None
    crs, scale = lay.crs, lay.scale
    handles: list[Artist] = []
    base_handles = _draw_base(ax, project, lay)
    iso_all = iso[iso["station_id"].astype(str) == "ALL"] if "station_id" in iso.columns else iso
    iso_all = _to(iso_all, crs)
    if iso_all is not None:
        bands = sorted(pd.to_numeric(iso_all["band_min"], errors="coerce").dropna().unique())
        handles.append(_heading(layer_label("isochrones", lang=lang)))
        values = pd.to_numeric(iso_all["band_min"], errors="coerce")
        for i, band in enumerate(bands):
            colour = style.BAND_COLOURS[min(i, len(style.BAND_COLOURS) - 1)]
            iso_all[values == band].plot(ax=ax, facecolor=colour, edgecolor="none", alpha=0.8, zorder=2.5)
            handles.append(Patch(facecolor=colour, alpha=0.8, edgecolor="none",
                                 label=_w("isochrone", lang=lang, m=f"{band:g}")))
        unreached = _w("unreached", lang=lang, m=float(bands[-1]) if bands else 0.0)
        if roads is not None:  # bands follow the reached roads; the roads left grey were not reached
            handles.append(Line2D([], [], color=style.LAYER_COLOURS["roads"], linewidth=1.2, label=unreached))
        else:
            handles.append(Patch(facecolor=ax.get_facecolor(), edgecolor="#999999", label=unreached))
    else:
        log.warning(msg("maps.log.no_bands"))
    _draw_roads(ax, _to(roads, crs), scale)
    pc = _to(park_check, crs)
    if pc is not None:
        verdict = pc["verdict"].astype(str).str.upper() if "verdict" in pc.columns else pd.Series("", index=pc.index)
        for v, key, colour in (("PASS", "pass_park", style.BAND_COLOURS[0]), ("FAIL", "fail_park", style.LAYER_COLOURS["fail"])):
            part = pc[verdict == v]
            if len(part):
                part.boundary.plot(ax=ax, color=colour, linewidth=2.0 * scale, zorder=4)
                handles.append(Patch(facecolor="none", edgecolor=colour, linewidth=2.0, label=_w(key, lang=lang)))
        prop = map_font(ax, size=8.5)
        _embolden(prop)
        halo = [patheffects.withStroke(linewidth=2.5 * scale, foreground="white")]
        for geom, row in zip(pc.geometry, pc.itertuples(index=False)):
            b = geom.bounds
            share = getattr(row, "covered_share", None)
            verdict_txt = _w("pass" if str(getattr(row, "verdict", "")).upper() == "PASS" else "fail",
                                     lang=lang)
            label = f"{getattr(row, 'park_name', '')} {verdict_txt}"
            if share is not None and pd.notna(share):
                label += f"（{float(share):.0%}）" if lang == "zh" else f" ({float(share):.0%})"
            ax.text((b[0] + b[2]) / 2, b[3], label, ha="center", va="bottom", fontproperties=prop, zorder=15,
                    color="#222222", path_effects=halo, clip_on=True)
    elif parks is not None:
        _draw_parks(ax, _to(parks, crs), scale)
    pt = _to(park_targets, crs)
    if pt is not None and "within_limit" in pt.columns:
        failing = pt[~pt["within_limit"].fillna(False).astype(bool)]
        if len(failing):
            pts = failing.geometry.representative_point()
            ax.scatter(pts.x, pts.y, marker="x", s=(5 * scale) ** 2, c=style.LAYER_COLOURS["fail"],
                       linewidths=1.2 * scale, zorder=9)
            handles.append(Line2D([], [], linestyle="none", marker="x", markersize=5,
                                  markeredgecolor=style.LAYER_COLOURS["fail"], markeredgewidth=1.2,
                                  label=_w("count", lang=lang, label=_w("fail_targets", lang=lang), n=len(failing))))
    handles += _draw_stations(ax, _to(stations, crs), scale, lang)
    handles += base_handles
    add_legend(ax, handles, lang=lang)
    add_scalebar(ax)
    add_north_arrow(ax)
    add_notes(fig, data_date=project_data_date(project), source=source_line(project, lang=lang))
    return fig


def _unknown_enterprise(
    project: Any, enterprise_id: str, ent: pd.DataFrame, zones: pd.DataFrame | None
) -> InputError:
    ids = ent["id"].astype(str)
    if ids.empty:
        return InputError(tr("maps.err.enterprise_empty", path=project.path, id=enterprise_id,
                             rejected=project.rejected_dir / "enterprises.csv"))
    with_zones = [] if zones is None else list(ids[ids.isin(zones["enterprise_id"].astype(str))])
    some = (with_zones or list(ids))[:5]
    return InputError(tr("maps.err.enterprise_unknown_zoned" if with_zones else "maps.err.enterprise_unknown",
                         path=project.path, id=enterprise_id, n=len(ids), some=", ".join(some)))


def _render_enterprise(
    project: Any, enterprise_id: str | None, *, paper: str, lang: str, font: Any, title: str | None,
    orientation: str | None = None,
) -> Figure:
    if enterprise_id is None or not str(enterprise_id).strip():
        raise InputError(tr("maps.err.needs_enterprise"))
    eid = str(enterprise_id).strip()
    ent, zones_all = _graded(project)
    match = ent[ent["id"].astype(str) == eid]
    if match.empty:
        raise _unknown_enterprise(project, eid, ent, zones_all)
    row = match.iloc[0]
    zones = None
    if zones_all is not None:
        zones = zones_all[zones_all["enterprise_id"].astype(str) == eid]
        if zones.empty:
            zones = None
    if zones is None:
        log.warning(msg("maps.log.no_zones", id=eid))
    crs = project.metric_crs()
    here = gpd.GeoSeries([row.geometry], crs="EPSG:4326")
    geoms = here if zones is None else pd.concat([here, zones.geometry], ignore_index=True)
    metric = gpd.GeoSeries(geoms, crs="EPSG:4326").to_crs(crs)
    x0, y0, x1, y1 = metric.total_bounds
    size = max(x1 - x0, y1 - y0)
    half = max(size * 0.6, 150.0) if zones is not None else 1000.0  # no zones: 1 km of surroundings
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    box_m = (cx - half, cy - half, cx + half, cy + half)
    bounds_ll = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform_bounds(*box_m)
    name = str(row.get("name", eid))
    grade_txt = grade_label(row.get("grade") if pd.notna(row.get("grade")) else None, lang=lang)
    subtitle = f"{_w('enterprise_grade', lang=lang)}{tr('maps.label_sep', lang=lang)}{grade_txt}"
    if zones is not None:
        subtitle += tr("maps.zones_n", lang=lang, n=len(zones))
    else:
        subtitle += ("　" if lang == "zh" else "   ") + tr("maps.no_zones", lang=lang)
    fig, ax = map_axes(bounds_ll, crs=crs, project=project, paper=paper, lang=lang, font=font, pad=0.0,
                       orientation=orientation,
                       title=title or f"{name} {_w('enterprise_map_title', lang=lang)}", subtitle=subtitle)
    lay = _layout(fig)
    assert lay is not None
    scale = lay.scale
    view = gpd.GeoSeries.from_xy([box_m[0], box_m[2]], [box_m[1], box_m[3]], crs=crs).total_bounds
    base_handles = _draw_base(ax, project, lay)
    have_roads = _draw_roads(ax, _to(project.read_optional("roads"), crs), scale * 2)
    around: list[Artist] = []
    if zones is None:  # the surroundings: other plants by grade, rescue forces, protected targets
        near = _in_view(_to(ent[ent["id"].astype(str) != eid], crs), ax)
        if near is not None:
            key = _grade_key(near["grade"])
            pts = near.geometry.representative_point()
            ax.scatter(pts.x, pts.y, s=_marker_size(np.full(len(near), style.major_hazard_radius(0)), scale),
                       c=[style.grade_colour(g or None) for g in key], edgecolors="#202020",
                       linewidths=0.35 * scale, zorder=10)
        around += _draw_stations(ax, _in_view(_to(project.read_optional("stations"), crs), ax), scale, lang)
        around += _draw_targets(ax, _in_view(_to(project.read_optional("targets"), crs), ax), scale, lang)
    # neighbours' zones, pale, for context
    have_others = False
    if zones_all is not None:
        others = _to(zones_all[zones_all["enterprise_id"].astype(str) != eid], crs)
        if others is not None:
            others = others.cx[view[0]:view[2], view[1]:view[3]]
            if len(others):
                have_others = True
                others.plot(ax=ax, color=[style.grade_colour(g) for g in others["grade"]], alpha=0.25,
                            edgecolor="#888888", linewidth=0.3 * scale, zorder=3)
    handles: list[Artist] = [_heading(_w("risk_grade", lang=lang))]
    if zones is not None:
        z = _to(zones, crs)
        assert z is not None
        key = _grade_key(z["grade"])
        colours = [style.grade_colour(g or None) for g in key]
        z.plot(ax=ax, color=colours, edgecolor="#303030", linewidth=0.8 * scale, alpha=0.9, zorder=5)
        prop = map_font(ax, size=8)
        halo = [patheffects.withStroke(linewidth=2.2 * scale, foreground="white")]
        pts = z.geometry.representative_point()
        # a label in the zone that holds the enterprise's marker goes below the marker
        point = match.iloc[[0]].to_crs(crs).geometry.iloc[0]
        holds = z.geometry.contains(point.representative_point()).to_numpy()
        ys = pts.y.to_numpy().copy()
        if holds.any():
            b = z.geometry.bounds.to_numpy()
            ys[holds] = b[holds, 1] + 0.25 * (b[holds, 3] - b[holds, 1])
        for x, y, zname, g in zip(pts.x, ys, z["name"].astype(str), key):
            ax.text(x, y, f"{zname}\n{grade_label(g or None, lang=lang)}", ha="center", va="center",
                    fontproperties=prop, zorder=12, path_effects=halo, clip_on=True)
        for g in (1, 2, 3, 4, 0):
            n = int((key == g).sum())
            if n:
                handles.append(Patch(facecolor=style.grade_colour(g or None), edgecolor="#303030", alpha=0.9,
                                     label=_w("count", lang=lang, label=grade_label(g or None, lang=lang), n=n)))
    e = _to(match.iloc[[0]], crs)
    assert e is not None
    geom = e.geometry.iloc[0]
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        e.boundary.plot(ax=ax, color="black", linewidth=1.6 * scale, zorder=7)
        handles.append(Patch(facecolor="none", edgecolor="black", linewidth=1.6, label=_w("enterprise", lang=lang)))
    else:
        ax.scatter([geom.x], [geom.y], marker="*", s=(13 * scale) ** 2, c=style.grade_colour(row.get("grade")),
                   edgecolors="black", linewidths=0.8 * scale, zorder=13)
        handles.append(Line2D([], [], linestyle="none", marker="*", markersize=12, markeredgecolor="black",
                              markerfacecolor=style.grade_colour(row.get("grade")), label=_w("enterprise", lang=lang)))
    if have_others:
        handles.append(Patch(facecolor="#BBBBBB", alpha=0.4, edgecolor="#888888", label=_w("other_zones", lang=lang)))
    if have_roads:
        handles.append(Line2D([], [], color=style.LAYER_COLOURS["roads"], linewidth=1.5, label=_w("roads", lang=lang)))
    if zones is None:
        for g in (1, 2, 3, 4):
            handles.append(Line2D([], [], linestyle="none", marker="o", markersize=6, markerfacecolor=style.grade_colour(g),
                                  markeredgecolor="#202020", label=grade_label(g, lang=lang)))
        ax.text(0.5, 0.04, tr("maps.no_zones", lang=lang), transform=ax.transAxes, ha="center", va="bottom",
                fontproperties=map_font(ax, size=9), zorder=30,
                bbox=dict(boxstyle="round,pad=0.4", facecolor="white", edgecolor="#616161", alpha=0.92))
    handles += around + base_handles
    add_legend(ax, handles, lang=lang)
    add_scalebar(ax)
    add_north_arrow(ax)
    add_notes(fig, data_date=project_data_date(project), source=source_line(project, lang=lang),
              stale_months=project.settings.risk.stale_months)
    return fig
