"""The village evacuation map (避险地图): a printable A3/A2 sheet a village posts.

Drawn from the results of ``yitu shelters`` (``result_shelter_assignment``, ``result_shelter_load``):
the village's residential blocks (their assembly points), the walking route of each block to its
shelter (coloured by shelter, as on the HTML map), the shelters and 疏散点 with class and capacity,
people not placed, and the hazards to avoid (chemical parks, major-hazard enterprises with their
external safety distance, shelters flagged near a hazard); emergency phone numbers from
``[shelters] phones``; Chinese title and legend. Every symbol drawn has its legend entry
(:func:`evacuation_map` returns the figure; the legend's labels are the drawn symbols' labels).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from yitu.errors import InputError, ProjectError
from yitu.maps import style
from yitu.maps.fonts import cjk_rc
from yitu.maps.overlays.shelters import FLAGGED_COLOUR, UNPLACED_COLOUR, route_colour
from yitu.maps.static import add_legend, add_north_arrow, add_notes, add_scalebar, map_axes, map_font, save_figure
from yitu.words import tr, use_lang
from yitu.words.maps import enum_name
from yitu.words.numbers import fmt

log = logging.getLogger(__name__)

__all__ = ["villages", "evacuation_map", "write_evacuation_maps"]

_BLOCK_COLOUR = "#FFFFFF"
_HAZARD_COLOUR = "#7B1FA2"
# one marker per class (the class colours of yitu.maps.style are all greens: the shape tells them apart)
_CLASS_MARKERS = {"紧急": "s", "固定": "p", "中心": "H", "临时疏散点": "D"}


def _results(project: Any) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    from yitu.routing.shelters_run import RESULT_ASSIGNMENT, RESULT_LOAD

    a = project.read_optional(RESULT_ASSIGNMENT)
    load = project.read_optional(RESULT_LOAD)
    if a is None or load is None:
        raise ProjectError(tr("maps.err.no_assignment", path=project.path))
    return a, load


def villages(project: Any) -> list[str]:
    """The villages (所属村/社区) of the residential areas, in name order."""
    ra = project.read_optional("residential_areas")
    if ra is None or "village" not in ra:
        return []
    return sorted({str(v) for v in ra["village"].dropna() if str(v).strip()})


def evacuation_map(project: Any, village: str, *, paper: str = "A3", font: str | Path | None = None,
                   lang: str = "zh") -> Figure:
    """The 避险地图 of one village as a matplotlib Figure on ``paper`` (A3 or A2).

    Raises
    ------
    InputError
        Unknown village (the known ones listed) or paper.
    ProjectError
        ``yitu shelters`` has not been run.
    """
    if str(paper).upper() not in ("A3", "A2"):
        raise InputError(tr("maps.err.evac_paper", paper=paper))
    known = villages(project)
    if village not in known:
        raise InputError(tr("maps.err.unknown_village", village=village, villages=", ".join(known) or tr("value.none")))
    a, load = _results(project)
    ra = project.read("residential_areas")
    blocks = ra[ra["village"].astype(str) == village]
    ids = set(blocks["id"].astype(str))
    routes = a[(a["kind"] == "route") & a["block_id"].astype(str).isin(ids)]
    un = a[(a["kind"] == "unplaced") & a["block_id"].astype(str).isin(ids)]
    used = set(routes["shelter_id"].astype(str))
    crs = project.metric_crs()
    pieces = [blocks.geometry, routes.geometry, load[load["id"].astype(str).isin(used)].geometry]
    bounds = gpd.GeoSeries(pd.concat(pieces, ignore_index=True), crs=4326).to_crs(crs).total_bounds
    pad = max(400.0, 0.15 * max(bounds[2] - bounds[0], bounds[3] - bounds[1]))
    view_m = (bounds[0] - pad, bounds[1] - pad, bounds[2] + pad, bounds[3] + pad)
    view = gpd.GeoSeries.from_xy([view_m[0], view_m[2]], [view_m[1], view_m[3]], crs=crs).to_crs(4326).total_bounds
    title = tr("evac.title", lang=lang, village=village)
    subtitle = tr("evac.subtitle", lang=lang, project=project.settings.project.name)
    with mpl.rc_context(cjk_rc(font)), use_lang(lang):
        fig, ax = map_axes(tuple(view), crs=crs, project=project, paper=paper, title=title, subtitle=subtitle, lang=lang,
                           font=font, orientation="landscape")
        scale = 1.0 if str(paper).upper() == "A4" else (1.41 if str(paper).upper() == "A3" else 2.0)
        handles = _draw(ax, project, crs, blocks, routes, un, load, used, scale, lang)
        add_legend(ax, handles, lang=lang)
        _phones(fig, ax, project, lang)
        add_scalebar(ax, lang=lang)
        add_north_arrow(ax, lang=lang)
        from yitu.maps.static import data_date

        add_notes(fig, data_date=data_date(ra, project.read_optional("shelters")), source=project.settings.maps.source_note,
                  lang=lang)
        ax.set_xlabel("")
        ax.set_ylabel("")
    fig.set_label(title)
    return fig


def _clip(gdf: gpd.GeoDataFrame | None, ax: Any, crs: Any) -> gpd.GeoDataFrame | None:
    if gdf is None or not len(gdf):
        return None
    g = gdf[~(gdf.geometry.isna() | gdf.geometry.is_empty)].to_crs(crs)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    g = g.cx[x0:x1, y0:y1]
    return g if len(g) else None


def _draw(ax: Any, project: Any, crs: Any, blocks: gpd.GeoDataFrame, routes: gpd.GeoDataFrame, un: gpd.GeoDataFrame,
          load: gpd.GeoDataFrame, used: set[str], scale: float, lang: str) -> list[Any]:
    handles: list[Any] = []
    halo = [patheffects.withStroke(linewidth=2.5 * scale, foreground="white")]
    roads = _clip(project.read_optional("roads"), ax, crs)
    if roads is not None:
        roads.plot(ax=ax, color="#B0B0B0", linewidth=0.6 * scale, zorder=1)
        handles.append(Line2D([], [], color="#B0B0B0", linewidth=1.2, label=tr("evac.roads", lang=lang)))
    # hazards to avoid
    parks = _clip(project.read_optional("parks"), ax, crs)
    if parks is not None:
        parks.plot(ax=ax, facecolor=_HAZARD_COLOUR, alpha=0.12, edgecolor=_HAZARD_COLOUR, linewidth=1.2 * scale,
                   linestyle="--", zorder=2)
        handles.append(Patch(facecolor=_HAZARD_COLOUR, alpha=0.3, edgecolor=_HAZARD_COLOUR, linestyle="--",
                             label=tr("evac.park", lang=lang)))
    ent = _clip(project.read_optional("enterprises"), ax, crs)
    if ent is not None:
        mh = pd.to_numeric(ent.get("major_hazard_level"), errors="coerce").fillna(0)
        ent = ent[mh > 0]
        if len(ent):
            sd = pd.to_numeric(ent.get("safety_distance_m"), errors="coerce")
            rings = ent[sd.notna() & (sd > 0)]
            if len(rings):
                gpd.GeoSeries(rings.geometry.buffer(sd[rings.index].to_numpy()), crs=crs).plot(
                    ax=ax, facecolor="none", edgecolor=_HAZARD_COLOUR, linewidth=0.8 * scale, linestyle=":", zorder=2)
                handles.append(Line2D([], [], color=_HAZARD_COLOUR, linestyle=":", linewidth=1.2,
                                      label=tr("evac.safety", lang=lang)))
            pts = ent.geometry.representative_point()
            ax.scatter(pts.x, pts.y, marker="X", s=(6 * scale) ** 2, c=_HAZARD_COLOUR, edgecolors="white",
                       linewidths=0.5 * scale, zorder=6)
            handles.append(Line2D([], [], linestyle="none", marker="X", markersize=7, markerfacecolor=_HAZARD_COLOUR,
                                  markeredgecolor="white", label=tr("evac.hazard_ent", lang=lang)))
    # routes, by shelter: one legend entry per shelter the village walks to, in its colour
    if len(routes):
        r = routes.to_crs(crs)
        colours = route_colour(r["shelter_id"])
        for geom, c in zip(r.geometry, colours):
            xy = np.asarray(geom.coords)
            ax.plot(xy[:, 0], xy[:, 1], color=c, linewidth=2.2 * scale, zorder=5, solid_capstyle="round")
            if len(xy) >= 2:  # an arrow head at the shelter end: the direction to walk
                ax.annotate("", xy=xy[-1], xytext=xy[-2], arrowprops={"arrowstyle": "-|>", "color": c,
                                                                     "mutation_scale": 12 * scale, "lw": 0},
                            zorder=5)
        seen: dict[str, str] = {}
        for name, c in zip(r["shelter_name"].astype(str), colours):
            seen.setdefault(name, c)
        for name, c in seen.items():
            handles.append(Line2D([], [], color=c, linewidth=2.2, label=tr("evac.route_to", lang=lang, name=name)))
    # shelters (those the village uses, and any others in view), by class
    sh = _clip(load, ax, crs)
    if sh is not None:
        prop = map_font(ax, size=7.5)
        for cls in [c for c in style.SHELTER_COLOURS if (sh["shelter_class"] == c).any()]:
            m = sh[(sh["shelter_class"] == cls) & (sh["flags"].fillna("") == "")]
            if not len(m):
                continue
            colour = style.SHELTER_COLOURS.get(cls, "#2E7D32")
            marker = _CLASS_MARKERS.get(cls, "s")
            ax.scatter(m.geometry.x, m.geometry.y, marker=marker, s=(9 * scale) ** 2, c=colour, edgecolors="black",
                       linewidths=0.8 * scale, zorder=8)
            handles.append(Line2D([], [], linestyle="none", marker=marker, markersize=9, markerfacecolor=colour,
                                  markeredgecolor="black",
                                  label=tr("evac.shelter", lang=lang, cls=enum_name(cls, lang=lang))))
        fl = sh[sh["flags"].fillna("") != ""]
        if len(fl):
            ax.scatter(fl.geometry.x, fl.geometry.y, marker="s", s=(9 * scale) ** 2, c="white", edgecolors=FLAGGED_COLOUR,
                       linewidths=2 * scale, zorder=8)
            ax.scatter(fl.geometry.x, fl.geometry.y, marker="x", s=(7 * scale) ** 2, c=FLAGGED_COLOUR,
                       linewidths=1.5 * scale, zorder=9)
            handles.append(Line2D([], [], linestyle="none", marker="s", markersize=9, markerfacecolor="white",
                                  markeredgecolor=FLAGGED_COLOUR, markeredgewidth=2, label=tr("evac.flagged", lang=lang)))
        for _, r in sh.iterrows():
            text = tr("evac.shelter_label", lang=lang, name=str(r["name"]),
                      cls=enum_name(str(r["shelter_class"]), lang=lang), cap=fmt(r["capacity"], "people", lang=lang))
            ax.annotate(text, (r.geometry.x, r.geometry.y), xytext=(8 * scale, 6 * scale), textcoords="offset points",
                        fontproperties=prop, zorder=12, path_effects=halo, annotation_clip=True)
    # blocks (assembly points) and people not placed
    b = blocks.to_crs(crs)
    bp = b.geometry.representative_point()
    ax.scatter(bp.x, bp.y, marker="o", s=(8 * scale) ** 2, c=_BLOCK_COLOUR, edgecolors="#333333",
               linewidths=1.2 * scale, zorder=10)
    handles.append(Line2D([], [], linestyle="none", marker="o", markersize=8, markerfacecolor=_BLOCK_COLOUR,
                          markeredgecolor="#333333", label=tr("evac.blocks", lang=lang)))
    prop_b = map_font(ax, size=7.0)
    pop = pd.to_numeric(b["population"], errors="coerce")
    for x, y, name, p in zip(bp.x, bp.y, b["name"].astype(str), pop):
        ax.annotate(tr("evac.block_label", lang=lang, name=name, people=fmt(p, "people", unit=False, lang=lang)),
                    (x, y), xytext=(-6 * scale, -12 * scale), textcoords="offset points", ha="right",
                    fontproperties=prop_b, zorder=12, path_effects=halo, annotation_clip=True)
    if len(un):
        u = un.to_crs(crs)
        ax.scatter(u.geometry.x, u.geometry.y, marker="o", s=(4 * scale) ** 2, c=UNPLACED_COLOUR, zorder=11)
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=4, markerfacecolor=UNPLACED_COLOUR,
                              markeredgecolor=UNPLACED_COLOUR, label=tr("evac.unplaced", lang=lang)))
    return handles


def _phones(fig: Figure, ax: Any, project: Any, lang: str) -> None:
    """The emergency phones and the assembly note in the legend column (outside the map frame)."""
    phones = project.settings.shelters.phones
    lines = []
    if phones:
        lines += [tr("evac.phones", lang=lang)] + [f"{k}：{v}" if lang == "zh" else f"{k}: {v}" for k, v in phones.items()]
    import textwrap

    lines += [""] + textwrap.wrap(tr("evac.note", lang=lang), 14 if lang == "zh" else 30)
    pos = ax.get_position()
    prop = map_font(ax, size=9.5)
    fig.text(pos.x1 + 0.022, pos.y0 + 0.008, "\n".join(lines), ha="left", va="bottom", fontproperties=prop,
             bbox={"boxstyle": "round,pad=0.6", "facecolor": "white", "edgecolor": "#444444"})


def write_evacuation_maps(
    project: Any,
    *,
    village: str | None = None,
    all_villages: bool = False,
    paper: str = "A3",
    fmt: str = "png",
    dpi: int | None = None,
    font: str | Path | None = None,
    out_dir: str | Path | None = None,
    lang: str | None = None,
) -> list[Path]:
    """Write the 避险地图 of one village (or of every village with ``all_villages``) as PNG or PDF."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in ("png", "pdf"):
        raise InputError(tr("maps.err.evac_format", fmt=fmt))
    if all_villages == (village is not None):
        raise InputError(tr("maps.err.village_or_all"))
    names = villages(project) if all_villages else [str(village)]
    folder = Path(out_dir) if out_dir is not None else project.output_dir / "evacuation"
    lang = lang or project.settings.maps.lang or "zh"
    paths = []
    for name in names:
        fig = evacuation_map(project, name, paper=paper, font=font or (project.settings.maps.font or None), lang=lang)
        safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name)
        paths.append(save_figure(fig, folder / f"避险地图_{safe}.{fmt}", dpi=dpi or project.settings.maps.dpi))
    return paths
