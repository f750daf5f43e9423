"""HTML-map overlay of ``yitu site``: candidates (available / excluded), the chosen new stations (a star,
not a dot: a shape no other layer uses) and the demand met before and after.

Colours avoid red, orange, yellow and blue, which mean risk grade only.
"""

from __future__ import annotations

import logging
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from yitu.words import register, tr
from yitu.words.numbers import fmt
from yitu.words.status import status_text

log = logging.getLogger(__name__)

__all__ = ["ORDER", "layers", "COLOURS"]

ORDER = 20
COLOURS = {"candidate": "#9E9E9E", "excluded": "#616161", "chosen": "#00897B", "met_before": "#A5D6A7",
           "met_after": "#1B5E20", "not_met": "#212121"}

register({
    "map.layer.siting_candidates": ("选址候选点", "Siting candidates"),
    "map.layer.siting_chosen": ("建议新建消防站", "Proposed new stations"),
    "map.layer.siting_demand": ("选址前后达标情况", "Demand met before/after siting"),
})


def _esc(v: Any) -> str:
    from yitu.maps.html import esc

    return esc(v)


def _popup(title: str, rows: list[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{_esc(k)}</th><td>{_esc(v)}</td></tr>" for k, v in rows)
    return f'<div class="yitu-popup"><b>{_esc(title)}</b><table>{body}</table></div>'


def _star(points: gpd.GeoSeries, crs: Any, radius_m: float = 160.0) -> np.ndarray:
    """A five-pointed star polygon around each point (built in the metric CRS ``crs``)."""
    if not len(points):
        return np.zeros(0, dtype=object)
    m = points.to_crs(crs)
    ang = np.pi / 2 - np.arange(10) * np.pi / 5
    r = np.where(np.arange(10) % 2 == 0, radius_m, radius_m * 0.45)
    ox, oy = np.cos(ang) * r, np.sin(ang) * r
    stars = [shapely.Polygon(np.column_stack([p.x + ox, p.y + oy])) for p in m.geometry]
    return gpd.GeoSeries(stars, crs=m.crs).to_crs(4326).to_numpy()


def _style(n: int, **kw: Any) -> list[dict[str, Any]]:
    return [dict(kw) for _ in range(n)]


def layers(project: Any, *, lang: str) -> list[Any]:
    """The siting overlays, or ``[]`` when the project has no siting result."""
    from yitu.maps.html import MapLayer

    chosen = project.read_optional("result_siting")
    cands = project.read_optional("result_siting_candidates")
    dem = project.read_optional("result_siting_demand")
    if chosen is None or cands is None:
        return []
    out = []
    # demand before / after (drawn first, under the sites)
    if dem is not None and len(dem):
        d = dem.to_crs(4326).copy()
        before = d["covered_before"].astype(bool).to_numpy()
        after = d["covered_after"].astype(bool).to_numpy()
        cls = np.where(before, "met_before", np.where(after, "met_after", "not_met"))
        d["_popup"] = [
            _popup(f"{i} {n}", [
                (tr("siting.col.kind", lang=lang), tr(f"siting.kind.{k}", lang=lang)),
                (tr("siting.col.before_min", lang=lang), fmt(b, "min", lang=lang)),
                (tr("siting.col.after_min", lang=lang), fmt(a, "min", lang=lang)),
                (tr("siting.col.limit_min", lang=lang), fmt(lm, "min", lang=lang)),
                (tr("siting.col.covered_after", lang=lang), status_text("met" if ca else "not_met", lang=lang)),
                (tr("siting.col.by_site", lang=lang), "" if s is None or s != s else str(s)),
            ])
            for i, n, k, b, a, lm, ca, s in zip(d["demand_id"], d["name"], d["kind"], d["before_min"], d["after_min"],
                                                 d["limit_min"], after, d["by_site"])
        ]
        d["_tooltip"] = [_esc(f"{i} {n}") for i, n in zip(d["demand_id"], d["name"])]
        d["_style"] = [{"radius": 3.0, "color": COLOURS[c], "weight": 1.0, "fillColor": COLOURS[c],
                        "fillOpacity": 0.0 if c == "not_met" else 0.7} for c in cls]
        out.append(MapLayer("siting_demand", d[["_popup", "_tooltip", "_style", "geometry"]], legend=[
            (tr("siting.legend.met_before", lang=lang), COLOURS["met_before"], "dot"),
            (tr("siting.legend.met_after", lang=lang), COLOURS["met_after"], "dot"),
            (tr("siting.legend.not_met", lang=lang), COLOURS["not_met"], "dot"),
        ]))
    # candidates
    c = cands.to_crs(4326).copy()
    c = c[c["status"] != "chosen"]
    if len(c):
        ex = (c["status"] == "excluded").to_numpy()
        g = c.geometry.to_numpy()
        c["geometry"] = np.where(shapely.get_type_id(g) == 0, g, shapely.point_on_surface(g))
        c["_popup"] = [
            _popup(f"{i} {n}", [(tr("siting.col.status", lang=lang),
                                 tr("siting.status.available", lang=lang) if s == "available" else status_text(s, lang=lang)),
                                (tr("siting.col.reason", lang=lang), r or ""),
                                (tr("siting.col.n_reach", lang=lang), str(k))])
            for i, n, s, r, k in zip(c["candidate_id"], c["name"], c["status"], c["reason"], c["n_reach"])
        ]
        c["_tooltip"] = [_esc(f"{i} {n}") for i, n in zip(c["candidate_id"], c["name"])]
        c["_style"] = [{"radius": 3.0, "color": COLOURS["excluded"] if e else COLOURS["candidate"], "weight": 1.0,
                        "fillColor": COLOURS["candidate"], "fillOpacity": 0.0 if e else 0.8} for e in ex]
        out.append(MapLayer("siting_candidates", c[["_popup", "_tooltip", "_style", "geometry"]], show=False, legend=[
            (tr("siting.legend.candidate", lang=lang), COLOURS["candidate"], "dot"),
            (tr("siting.legend.excluded", lang=lang), COLOURS["excluded"], "dot"),
        ]))
    # chosen sites: stars
    if len(chosen):
        ch = chosen.to_crs(4326)
        pts = gpd.GeoSeries(np.where(ch.geom_type == "Point", ch.geometry.to_numpy(),
                                     ch.geometry.representative_point().to_numpy()), crs=4326)
        s = gpd.GeoDataFrame({
            "_popup": [_popup(f"{i} {n}", [
                (tr("siting.col.order", lang=lang), str(o)),
                (tr("siting.col.station_type", lang=lang), str(t)),
                (tr("siting.col.new_covered", lang=lang), str(nc)),
                (tr("siting.col.worst_before", lang=lang), fmt(wb, "min", lang=lang)),
                (tr("siting.col.worst_after", lang=lang), fmt(wa, "min", lang=lang)),
                (tr("siting.col.park_after", lang=lang), str(pa or "")),
            ]) for i, n, o, t, nc, wb, wa, pa in zip(ch["candidate_id"], ch["name"], ch["order"], ch["station_type"],
                                                      ch["new_covered"], ch["worst_before_min"], ch["worst_after_min"],
                                                      ch["park_after"])],
            "_tooltip": [_esc(f"{i} {n}") for i, n in zip(ch["candidate_id"], ch["name"])],
            "_style": _style(len(ch), color="#000000", weight=1.5, fillColor=COLOURS["chosen"], fillOpacity=0.95),
        }, geometry=_star(pts, project.metric_crs()), crs=4326)
        out.append(MapLayer("siting_chosen", s, legend=[(tr("siting.legend.chosen", lang=lang), COLOURS["chosen"], "area")]))
    return out
