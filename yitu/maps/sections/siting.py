"""Siting in images and in the readiness report: the trade-off chart (new stations against weight
covered), the siting map (candidates, the proposed stations as stars, demand met before/after) and
the report section built from the stored ``result_siting*`` layers.

Colours avoid red, orange, yellow and blue, which mean risk grade only.
"""

from __future__ import annotations

from yitu.routing.siting_output import _verdicts

import logging
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from yitu.words import msg, tr, use_lang
from yitu.words.numbers import fmt, rounded

log = logging.getLogger(__name__)

__all__ = ["ORDER", "section", "tradeoff_figure", "siting_map_figure", "write_images"]

ORDER = 20
_C = {"candidate": "#9E9E9E", "excluded": "#616161", "chosen": "#00897B", "met_before": "#A5D6A7",
      "met_after": "#1B5E20", "not_met": "#212121", "existing": "#6D4C41"}


def tradeoff_figure(tradeoff: pd.DataFrame, *, font: Any = None, lang: str = "zh", chosen_p: int | None = None) -> Figure:
    """Weight share covered (%) against the number of new stations (p = 0 is today)."""
    from matplotlib import rc_context

    from yitu.maps.fonts import cjk_rc

    with use_lang(lang), rc_context(cjk_rc(font)):
        fig = Figure(figsize=(6.4, 3.8), dpi=100, layout="constrained")
        ax = fig.add_subplot()
        p = tradeoff["p"].to_numpy()
        share = 100 * tradeoff["covered_share"].to_numpy(dtype=float)
        ax.plot(p, share, marker="o", color=_C["chosen"], linewidth=2)
        for x, y in zip(p, share):
            ax.annotate(f"{y:.1f}%", (x, y), textcoords="offset points", xytext=(0, 7), ha="center", fontsize=8)
        if chosen_p is not None and chosen_p in set(p):
            ax.axvline(chosen_p, color="#424242", linestyle=":", linewidth=1)
        ax.set_xticks(p, [tr("siting.chart.now") if v == 0 else str(v) for v in p])
        ax.set_xlabel(tr("siting.col.p"))
        ax.set_ylabel(tr("siting.col.covered_share") + " (%)")
        ax.set_ylim(max(0.0, share.min() - 10), 105)
        ax.set_title(tr("siting.chart.tradeoff"))
        ax.spines[["top", "right"]].set_visible(False)
    return fig


def siting_map_figure(project: Any, *, font: Any = None, lang: str = "zh", paper: str = "A4") -> Figure:
    """The siting map from the stored results: demand met before/after, candidates, stations, new sites."""
    from yitu.maps import static

    chosen = project.read("result_siting")
    cands = project.read("result_siting_candidates")
    dem = project.read("result_siting_demand")
    crs = project.metric_crs()
    parts = [g.to_crs(crs).total_bounds for g in (dem, chosen) if len(g)]
    b = np.array(parts)
    bx = (b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())
    pad = max(800.0, 0.05 * max(bx[2] - bx[0], bx[3] - bx[1]))
    bb = gpd.GeoSeries.from_xy([bx[0] - pad, bx[2] + pad], [bx[1] - pad, bx[3] + pad], crs=crs).to_crs(4326)
    bounds = (bb.x.min(), bb.y.min(), bb.x.max(), bb.y.max())
    with use_lang(lang):
        model = str(chosen["model"].iloc[0]) if len(chosen) and "model" in chosen.columns else ""
        title = tr("siting.title") + (f" · {tr(f'siting.model.{model}')}" if model else "")
        fig, ax = static.map_axes(bounds, project=project, paper=paper, title=title, lang=lang, font=font)
        handles: list[Any] = []
        roads = project.read_optional("roads")
        if roads is not None and len(roads):
            roads.cx[bounds[0]:bounds[2], bounds[1]:bounds[3]].to_crs(crs).plot(ax=ax, color="#BDBDBD", linewidth=0.5,
                                                                               zorder=2)
        parks = project.read_optional("parks")
        if parks is not None and len(parks):
            parks.to_crs(crs).boundary.plot(ax=ax, color="#7B1FA2", linewidth=1.2, zorder=3)
        d = dem.to_crs(crs)
        before = d["covered_before"].astype(bool).to_numpy()
        after = d["covered_after"].astype(bool).to_numpy()
        for key, m, face in (("met_before", before, _C["met_before"]), ("met_after", ~before & after, _C["met_after"]),
                             ("not_met", ~after, "none")):
            if m.any():
                pts = d.geometry[m]
                ax.scatter(pts.x, pts.y, s=14, c=face, edgecolors=_C[key], linewidths=0.8, zorder=10)
            handles.append(Line2D([], [], linestyle="none", marker="o", markersize=5, markerfacecolor=face,
                                  markeredgecolor=_C[key], label=tr(f"siting.legend.{key}")))
        c = cands.to_crs(crs)
        c = c[c["status"] != "chosen"]
        cp = c.geometry.representative_point()
        ex = (c["status"] == "excluded").to_numpy()
        ax.scatter(cp.x[~ex], cp.y[~ex], s=6, c=_C["candidate"], marker="s", zorder=8)
        ax.scatter(cp.x[ex], cp.y[ex], s=6, c="none", edgecolors=_C["excluded"], marker="s", linewidths=0.5, zorder=8)
        handles += [Line2D([], [], linestyle="none", marker="s", markersize=4, markerfacecolor=_C["candidate"],
                           markeredgecolor=_C["candidate"], label=tr("siting.legend.candidate")),
                    Line2D([], [], linestyle="none", marker="s", markersize=4, markerfacecolor="none",
                           markeredgecolor=_C["excluded"], label=tr("siting.legend.excluded"))]
        st = project.read_optional("stations")
        if st is not None and len(st):
            s = st.to_crs(crs)
            ax.scatter(s.geometry.x, s.geometry.y, marker="^", s=50, c=_C["existing"], edgecolors="black",
                       linewidths=0.5, zorder=20)
            handles.append(Line2D([], [], linestyle="none", marker="^", markersize=7, markerfacecolor=_C["existing"],
                                  markeredgecolor="black", label=tr("siting.legend.existing")))
        if len(chosen):
            ch = chosen.to_crs(crs).geometry.representative_point()
            ax.scatter(ch.x, ch.y, marker="*", s=360, c=_C["chosen"], edgecolors="black", linewidths=0.8, zorder=40)
            for (x, y), i in zip(zip(ch.x, ch.y), chosen["candidate_id"]):
                ax.annotate(str(i), (x, y), textcoords="offset points", xytext=(8, 6), fontsize=8,
                            fontproperties=static.map_font(ax, size=8))
            handles.append(Line2D([], [], linestyle="none", marker="*", markersize=13, markerfacecolor=_C["chosen"],
                                  markeredgecolor="black", label=tr("siting.legend.chosen")))
        ax.set_xlabel("")
        ax.set_ylabel("")
        static.add_legend(ax, handles, font=font)
        static.add_scalebar(ax, font=font)
        static.add_north_arrow(ax, font=font)
        static.add_notes(fig, source=project.settings.maps.source_note, font=font)
    return fig


def write_images(project: Any, *, font: Any = None, lang: str = "zh") -> dict[str, Path]:
    """Write ``output/siting/siting_tradeoff.png`` and ``output/siting/siting_map.png``."""
    from yitu.gis.io import atomic_path
    from yitu.maps.static import save_figure

    out = Path(project.output_dir) / "siting"
    trade = project.read("result_siting_tradeoff")
    chosen = project.read("result_siting")
    files = {}
    fig = tradeoff_figure(trade, font=font, lang=lang, chosen_p=len(chosen) if len(chosen) else None)
    target = out / "siting_tradeoff.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as tmp:
        fig.savefig(tmp, format="png", dpi=200)
    files["siting_tradeoff.png"] = target
    files["siting_map.png"] = save_figure(siting_map_figure(project, font=font, lang=lang), out / "siting_map.png",
                                          dpi=200)
    return files


def _png(fig: Figure, dpi: int = 150) -> bytes:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()


def section(project: Any, *, font: Any, lang: str = "zh") -> Any:
    """The siting section of the readiness report, or ``None`` without a stored siting result."""
    from yitu.maps.report import Section, Table

    chosen = project.read_optional("result_siting")
    dem = project.read_optional("result_siting_demand")
    trade = project.read_optional("result_siting_tradeoff")
    if chosen is None or dem is None or trade is None:
        return None
    with use_lang(lang):
        model = str(trade["model"].iloc[0]) if "model" in trade.columns and len(trade) else ""
        status = str(chosen["status"].iloc[0]) if "status" in chosen.columns and len(chosen) else "optimal"
        sites = "、".join(f"{i} {n}" for i, n in zip(chosen["candidate_id"], chosen["name"])) or "—"
        text = tr("siting.section.text", model=tr(f"siting.model.{model}") if model else "", n=len(chosen), sites=sites,
                  before=f"{int(dem['covered_before'].astype(bool).sum())}/{len(dem)}",
                  after=f"{int(dem['covered_after'].astype(bool).sum())}/{len(dem)}")
        paras = [text]
        if status != "optimal":
            gap = chosen["gap"].iloc[0] if "gap" in chosen.columns else float("nan")
            paras.append(tr("siting.warn.not_optimal", status=tr(f"siting.status.{status}"),
                            gap=fmt(gap, "share")))
        sec = Section(f"{tr('siting.title')}", paras)
        ct = pd.DataFrame({
            "site": chosen["candidate_id"].astype(str) + " " + chosen["name"].astype(str),
            "new": chosen["new_covered"].astype(int),
            "wb": [rounded(v, "min") for v in chosen["worst_before_min"]],
            "wa": [rounded(v, "min") for v in chosen["worst_after_min"]],
            "pa": [_verdicts(v) for v in chosen["park_after"]],
        })
        sec.items.append(Table(tr("siting.sheet.chosen"), ct, {
            "site": tr("siting.col.site"), "new": tr("siting.col.new_covered"), "wb": tr("siting.col.worst_before"),
            "wa": tr("siting.col.worst_after"), "pa": tr("siting.col.park_after")}))
        tt = pd.DataFrame({"p": trade["p"].astype(int), "share": [fmt(v, "share") for v in trade["covered_share"]],
                           "n": trade["n_uncovered"].astype(int), "sites": trade["sites"].astype(str)})
        sec.items.append(Table(tr("siting.sheet.tradeoff"), tt, {
            "p": tr("siting.col.p"), "share": tr("siting.col.covered_share"), "n": tr("siting.col.n_uncovered"),
            "sites": tr("siting.col.sites")}))
        try:
            sec.items.append((tr("siting.chart.tradeoff"),
                              _png(tradeoff_figure(trade, font=font, lang=lang, chosen_p=len(chosen)))))
            sec.items.append((tr("siting.title"), _png(siting_map_figure(project, font=font, lang=lang), dpi=110)))
        except Exception as exc:  # a figure is a by-product of the section: say so, keep the tables
            log.warning(msg("maps.log.siting_figures", error=exc))
    return sec
