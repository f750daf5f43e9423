"""外部安全防护距离示意图: one plant's installations, contours (purple/grey ramp), assessed-distance rings and
the protected targets around it (violating ones in black), on A3; or the county overview without a plant."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import shapely
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from yitu.errors import InputError
from yitu.maps.overlays.distances import UNKNOWN, VIOLATION, level_colours
from yitu.words import tr
from yitu.words.numbers import fmt

__all__ = ["render_safety"]


def render_safety(project: Any, enterprise: str | None = None, *, paper: str = "A3", lang: str = "zh",
                  font: Any = None, margin_m: float = 600.0) -> Any:
    """The figure for ``enterprise`` (its installations' and contours' extent plus ``margin_m``), or the whole
    county when ``enterprise`` is None. Run ``yitu distances`` first for the violating targets.

    Raises
    ------
    InputError
        When the enterprise has no installations and no contours.
    """
    from yitu.maps.static import add_legend, add_north_arrow, add_scalebar, map_axes

    crs = project.metric_crs()
    inst = project.read_optional("installations")
    cont = project.read_optional("risk_contours")
    tg = project.read_optional("targets")
    res = project.read_optional("result_distance_violations")
    if enterprise is not None:
        if inst is not None:
            inst = inst[inst["enterprise_id"].astype(str) == str(enterprise)]
        if cont is not None:
            ids = set(inst["id"].astype(str)) if inst is not None else set()
            own = cont.get("installation_id", pd.Series(None, index=cont.index)).astype(str).isin(ids) | (
                cont.get("enterprise_id", pd.Series(None, index=cont.index)).astype(str) == str(enterprise))
            cont = cont[own]
        if (inst is None or not len(inst)) and (cont is None or not len(cont)):
            raise InputError(tr("maps.err.no_installations", enterprise=enterprise, path=project.path))
    frames = [g.to_crs(crs) for g in (inst, cont) if g is not None and len(g)]
    if enterprise is None and tg is not None:
        frames.append(tg.to_crs(crs))
    geoms = np.concatenate([f.geometry.values for f in frames])
    if inst is not None and len(inst) and "distance_m" in inst:
        d = pd.to_numeric(inst["distance_m"], errors="coerce").fillna(0).to_numpy(float)
        geoms = np.concatenate([geoms, shapely.buffer(inst.to_crs(crs).geometry.values, d)])
    b = shapely.total_bounds(shapely.buffer(shapely.envelope(shapely.union_all(geoms)), margin_m))
    import pyproj

    tf = pyproj.Transformer.from_crs(crs, 4326, always_xy=True)
    lon, lat = tf.transform([b[0], b[2]], [b[1], b[3]])
    name = project.settings.project.name
    if enterprise is not None:
        ent = project.read_optional("enterprises")
        hit = ent[ent["id"].astype(str) == str(enterprise)] if ent is not None else None
        name = str(hit["name"].iloc[0]) if hit is not None and len(hit) else str(enterprise)
    title = tr("dist.render.title" if enterprise else "dist.render.overview", lang=lang, name=name)
    fig, ax = map_axes((lon[0], lat[0], lon[1], lat[1]), crs=crs, project=project, paper=paper, title=title,
                       lang=lang, font=font)
    handles: list[Any] = []
    if cont is not None and len(cont):
        c = cont.to_crs(crs).sort_values("level")
        cols = level_colours(c["level"].to_numpy(float))
        for lv, g in c.groupby("level"):
            g.boundary.plot(ax=ax, color=cols[float(lv)], linewidth=1.6, linestyle="--", zorder=3)
            g.plot(ax=ax, color=cols[float(lv)], alpha=0.10, zorder=2)
        handles += [Line2D([], [], color=col, linestyle="--", label=tr("dist.render.level", lang=lang, v=fmt(v, "risk", lang=lang)))
                    for v, col in cols.items()]
    if inst is not None and len(inst):
        m = inst.to_crs(crs)
        d = pd.to_numeric(m.get("distance_m"), errors="coerce")
        rings = shapely.boundary(shapely.buffer(m.geometry.values[d.notna().to_numpy()], d.dropna().to_numpy(float), quad_segs=32))
        for r in rings:
            xy = shapely.get_coordinates(r)
            ax.plot(xy[:, 0], xy[:, 1], color="#455A64", linewidth=1.2, linestyle=(0, (1, 3)), zorder=4)
        m.plot(ax=ax, color="#212121", marker="s", markersize=40, zorder=6)
        handles += [Line2D([], [], color="#455A64", linestyle=":", label=tr("dist.map.rings", lang=lang)),
                    Line2D([], [], color="#212121", marker="s", linestyle="", label=tr("dist.render.installation", lang=lang))]
    if tg is not None and len(tg):
        t = tg.to_crs(crs)
        t.plot(ax=ax, color="#5C6BC0", markersize=25, zorder=5)
        handles.append(Line2D([], [], color="#5C6BC0", marker="o", linestyle="", label=tr("dist.render.target_ok", lang=lang)))
    if res is not None and len(res):
        chk = res[(res["kind"] == "check") & res["target_id"].notna()] if "kind" in res.columns else res
        for status, colour, key in (("violation", VIOLATION, "dist.map.violating"), ("unknown", UNKNOWN, "dist.map.unknown")):
            g = chk[chk["status"] == status]
            if len(g):
                gm = g.to_crs(crs).drop_duplicates("target_id")
                gm.plot(ax=ax, color=colour, markersize=60, edgecolor="white", zorder=7)
                handles.append(Line2D([], [], color=colour, marker="o", linestyle="", label=tr(key, lang=lang)))
                if status == "violation":
                    from yitu.maps.static import map_font

                    fp = map_font(ax, size=8)
                    for k, (pt, name) in enumerate(zip(shapely.point_on_surface(gm.geometry.values), gm["target_name"])):
                        ax.annotate(str(name), (shapely.get_x(pt), shapely.get_y(pt)), xytext=(0, 8 + 14 * (k % 2)),
                                    textcoords="offset points", fontproperties=fp, zorder=8, ha="center",
                                    arrowprops={"arrowstyle": "-", "color": "#616161", "lw": 0.5},
                                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})
    parks = project.read_optional("parks")
    if parks is not None and len(parks):
        from yitu.words.maps import layer_label

        parks.to_crs(crs).boundary.plot(ax=ax, color="#7B1FA2", linewidth=1.0, linestyle="-.", zorder=1)
        handles.append(Line2D([], [], color="#7B1FA2", linestyle="-.", label=layer_label("parks", lang=lang)))
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_xlim(b[0], b[2])
    ax.set_ylim(b[1], b[3])
    add_scalebar(ax, lang=lang, font=font)
    add_north_arrow(ax, lang=lang, font=font)
    add_legend(ax, handles or [Patch(label="—")], font=font, lang=lang)
    return fig
