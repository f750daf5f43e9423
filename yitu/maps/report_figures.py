"""Figures of the readiness report: the force-arrival timeline, the drill route map, the park-check maps."""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from yitu.maps import style
from yitu.words import msg, tr

log = logging.getLogger(__name__)

__all__ = ["timeline_figure", "drill_map_figure"]

def _step(ax: Any, arrivals: np.ndarray, values: np.ndarray, horizon: float, **kw: Any) -> None:
    order = np.argsort(arrivals, kind="stable")
    x = np.concatenate([[0.0], arrivals[order], [horizon]])
    y = np.concatenate([[0.0], np.cumsum(values[order]), [float(values.sum())]])
    ax.step(x, y, where="post", **kw)


def timeline_figure(result: Any, *, font: str | Path | None = None, lang: str = "zh") -> Figure:
    """The force-arrival timeline: cumulative vehicles (top) and foam tonnes / crew (bottom) against
    minutes after the alarm, with each requirement's deadline and amount marked (green met, red not).
    """
    from yitu.maps.fonts import cjk_rc
    from yitu.routing.drill import AMOUNT_LABELS, VEHICLES

    f = result.forces
    reach = (f["status"] == "reachable").to_numpy()
    arr = f["arrival_min"].to_numpy(dtype="float64")[reach]
    reqs = result.requirements
    horizon = float(max([30.0, *(arr.tolist() or [0.0]), *reqs.get("by_min", pd.Series(dtype=float)).tolist()]))
    horizon = float(np.ceil(horizon + 1))
    with mpl.rc_context(cjk_rc(font)):
        fig = Figure(figsize=(8.0, 6.0))
        FigureCanvasAgg(fig)
        top, bottom = fig.subplots(2, 1, sharex=True)
        right = bottom.twinx()
        colours = {"vehicles": "#333333", "pumper": "#1565C0", "foam_tender": "#EF6C00", "aerial": "#6A1B9A",
                   "rescue": "#2E7D32", "hazmat": "#C62828", "other_vehicles": "#757575"}
        shown = ["vehicles"] + [v for v in VEHICLES if v in set(reqs["what"]) or v in ("foam_tender", "aerial")]
        for col in dict.fromkeys(shown):
            vals = f[col].to_numpy(dtype="float64")[reach]
            _step(top, arr, vals, horizon, color=colours[col], linewidth=2.2 if col == "vehicles" else 1.4,
                  label=AMOUNT_LABELS[col])
        _step(bottom, arr, f["foam_t"].to_numpy(dtype="float64")[reach], horizon, color="#EF6C00", linewidth=1.8,
              label=AMOUNT_LABELS["foam_t"])
        _step(right, arr, f["personnel"].to_numpy(dtype="float64")[reach], horizon, color="#00838F", linewidth=1.4,
              linestyle="--", label=AMOUNT_LABELS["personnel"])
        stack: dict[tuple[int, float], int] = {}
        for _, r in reqs.iterrows():
            ax = top if r["what"] in (*VEHICLES, "vehicles", "forces") else (bottom if r["what"] == "foam_t" else right)
            ok = r["status"] == "MET"
            colour = "#2E7D32" if ok else "#C62828"
            for a in (top, bottom):
                a.axvline(float(r["by_min"]), color="#9E9E9E", linewidth=0.8, linestyle=":", zorder=0)
            ax.plot([float(r["by_min"])], [float(r["required"])], marker="o" if ok else "X", markersize=9,
                    color=colour, zorder=5, linestyle="none")
            k = stack.setdefault((id(ax), float(r["by_min"])), 0)
            stack[(id(ax), float(r["by_min"]))] = k + 1
            ax.annotate(str(r["label"]) + ("" if ok else tr("maps.drill.not_met", lang=lang)), (float(r["by_min"]), float(r["required"])),
                        textcoords="offset points", xytext=(6, 4 + 11 * k), fontsize=7.5, color=colour)
        top.set_ylabel(tr("maps.drill.vehicles", lang=lang))
        bottom.set_ylabel(tr("maps.drill.foam", lang=lang))
        right.set_ylabel(tr("maps.drill.crew", lang=lang))
        bottom.set_xlabel(tr("maps.drill.minutes", lang=lang))
        bottom.set_xlim(0, horizon)
        top.legend(loc="upper left", fontsize=7.5, ncol=2)
        h1, l1 = bottom.get_legend_handles_labels()
        h2, l2 = right.get_legend_handles_labels()
        bottom.legend(h1 + h2, l1 + l2, loc="upper left", fontsize=7.5)
        for a in (top, bottom):
            a.grid(True, linewidth=0.4, alpha=0.5)
        title = f"力量到场时间线 · {result.site.name}" + ("（道路封闭）" if result.closed_edges else "")
        fig.suptitle(title, fontsize=11)
        fig.set_label(title)
        fig.tight_layout()
    return fig


def drill_map_figure(project: Any, result: Any, *, font: str | Path | None = None, lang: str = "zh",
                     paper: str = "A4") -> Figure:
    """The drill map: roads, each force's route coloured by arrival order, stations, the site and closed roads."""
    from matplotlib.patches import Patch

    from yitu.maps import static

    crs = project.metric_crs()
    site = result.site.gdf().to_crs(crs)
    routes = result.routes.to_crs(crs)
    parts = [site.total_bounds]
    if len(routes):
        parts.append(routes.total_bounds)
    b = np.array(parts)
    bx = (b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())
    pad = max(500.0, 0.05 * max(bx[2] - bx[0], bx[3] - bx[1]))
    bbox_m = gpd.GeoSeries.from_xy([bx[0] - pad, bx[2] + pad], [bx[1] - pad, bx[3] + pad], crs=crs).to_crs(4326)
    bounds_ll = (bbox_m.x.min(), bbox_m.y.min(), bbox_m.x.max(), bbox_m.y.max())
    title = tr("maps.drill.title", lang=lang, site=result.site.name)
    from yitu.words.common import hazard_text

    sub = tr("maps.drill.hazard", lang=lang, hazard=hazard_text(result.hazard, lang=lang))
    if result.closed_what:
        sub += tr("maps.drill.closed", lang=lang, what=("、" if lang == "zh" else ", ").join(result.closed_what))
    fig, ax = static.map_axes(bounds_ll, project=project, paper=paper, title=title, subtitle=sub, lang=lang, font=font)
    handles: list[Any] = []
    from yitu.maps.static_draw import _draw_base

    base = _draw_base(ax, project, static._layout(fig))  # water, bridges, towns: the story of a drill
    roads = project.read_optional("roads")
    if roads is not None and len(roads):
        r = roads.cx[bounds_ll[0]:bounds_ll[2], bounds_ll[1]:bounds_ll[3]].to_crs(crs)
        r.plot(ax=ax, color="#BDBDBD", linewidth=0.5, zorder=2)
        handles.append(Line2D([], [], color="#BDBDBD", linewidth=1, label=tr("maps.drill.roads", lang=lang)))
    if result.closed_lines is not None and len(result.closed_lines):
        result.closed_lines.to_crs(crs).plot(ax=ax, color="#000000", linewidth=3.2, linestyle=(0, (1.5, 1)), zorder=9)
        handles.append(Line2D([], [], color="#000000", linewidth=3, linestyle=(0, (1.5, 1)), label=tr("maps.drill.closed_road", lang=lang)))
    if len(routes):
        # first to last arrival: dark green to purple (red/orange/yellow/blue mean a risk grade)
        cmap = LinearSegmentedColormap.from_list("yitu_arrival", ["#1B5E20", "#80CBC4", "#6A1B9A"])
        n = len(routes)
        for i, (geom, name, arr, rank) in enumerate(zip(routes.geometry, routes["station_name"], routes["arrival_min"],
                                                        routes["rank"])):
            colour = cmap(i / max(n - 1, 1))
            ax.plot(*geom.xy, color=colour, linewidth=2.6 - 1.4 * i / max(n - 1, 1), alpha=0.9, zorder=10 + n - i)
            if i < 8:
                label = tr("maps.drill.route", lang=lang, rank=rank, name=name, arr=f"{arr:.1f}")
                handles.append(Line2D([], [], color=colour, linewidth=2, label=label))
    st = project.read_optional("stations")
    if st is not None and len(st):
        st = st.to_crs(crs)
        ax.scatter(st.geometry.x, st.geometry.y, marker="^", s=55, c=style.STATION_DEFAULT, edgecolors="white", linewidths=0.5,
                   zorder=30)
        handles.append(Line2D([], [], linestyle="none", marker="^", markersize=7, markerfacecolor=style.STATION_DEFAULT,
                              markeredgecolor="black", label=tr("maps.drill.forces", lang=lang)))
    sp = site.geometry.iloc[0]
    sp = sp if sp.geom_type == "Point" else sp.representative_point()
    ax.scatter([sp.x], [sp.y], marker="*", s=320, c="#FFFFFF", edgecolors="black", linewidths=0.8, zorder=40)
    handles.append(Line2D([], [], linestyle="none", marker="*", markersize=13, markerfacecolor="#FFFFFF",
                          markeredgecolor="black", label=tr("maps.drill.site", lang=lang)))
    handles.insert(0, Patch(facecolor="none", edgecolor="none", label=tr("maps.drill.order", lang=lang),
                            visible=False))
    ax.set_xlabel("")
    ax.set_ylabel("")
    static.add_legend(ax, handles + base, font=font)
    static.add_scalebar(ax, font=font)
    static.add_north_arrow(ax, font=font)
    from yitu.maps.sources import project_data_date, source_line

    static.add_notes(fig, data_date=project_data_date(project), source=source_line(project), font=font)
    return fig


def _park_maps(project: Any, *, font: Any) -> list[tuple[str, bytes]]:
    """The park-check map of each park (the first three): every report carries at least this image."""
    import matplotlib.pyplot as plt

    from yitu.maps import static

    parks = project.read_optional("parks")
    out: list[tuple[str, bytes]] = []
    ids = [None] if parks is None or not len(parks) else [str(v) for v in parks["id"].head(3)]
    for pid in ids:
        try:
            fig = static.render(project, what="risk", park_id=pid, font=font)
        except Exception as exc:  # noqa: BLE001 - the report goes on without this image, saying so in the log
            log.warning(msg("maps.log.park_not_drawn", park=pid, error=exc))
            continue
        name = "" if pid is None else str(parks.loc[parks["id"].astype(str) == pid, "name"].iloc[0])
        out.append((f"{name}四色分布图（园区救援核查）" if name else "安全风险四色分布图", _png(fig, dpi=110)))
        plt.close(fig)
    return out


def _png(fig: Figure, dpi: int = 150) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()
