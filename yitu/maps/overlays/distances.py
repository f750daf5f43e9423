"""HTML-map overlays of the external-safety-distance check: contours (purple/grey ramp by level, never
the 红橙黄蓝 risk-grade colours), assessed-distance rings (dashed) and the violating / undecided targets."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from yitu.words import tr
from yitu.words.numbers import fmt

ORDER = 40
#: contour colours, highest level first: a purple → grey ramp (红橙黄蓝 mean risk grade, not used here)
RAMP = ("#3F007D", "#6A51A3", "#9E9AC8", "#BCBDDC", "#9E9E9E", "#BDBDBD")
VIOLATION = "#000000"
UNKNOWN = "#757575"


def _esc(v: Any) -> str:
    from yitu.maps.html import esc

    return esc(v)


def _popup(title: Any, rows: list[tuple[str, Any]]) -> str:
    body = "".join(f"<tr><th>{_esc(k)}</th><td>{_esc(v)}</td></tr>" for k, v in rows if v not in (None, ""))
    return f'<div class="yitu-popup"><b>{_esc(title)}</b><table>{body}</table></div>'


def level_colours(levels: np.ndarray) -> dict[float, str]:
    """Colour per distinct level, the highest darkest."""
    uniq = sorted({float(v) for v in levels}, reverse=True)
    return {v: RAMP[min(i, len(RAMP) - 1)] for i, v in enumerate(uniq)}


def layers(project: Any, *, lang: str) -> list[Any]:
    from yitu.maps.html import MapLayer

    res = project.read_optional("result_distance_violations")
    if res is None:
        return []
    out = []
    cont = project.read_optional("risk_contours")
    if cont is not None and len(cont):
        c = cont.sort_values("level").copy()
        cols = level_colours(c["level"].to_numpy(float))
        c["_popup"] = [_popup(tr("dist.render.level", lang=lang, v=fmt(v, "risk", lang=lang)),
                              [(tr("dist.col.installation_id", lang=lang), i), (tr("dist.col.enterprise_id", lang=lang), e)])
                       for v, i, e in zip(c["level"], c.get("installation_id", [None] * len(c)), c.get("enterprise_id", [None] * len(c)))]
        c["_tooltip"] = [_esc(fmt(v, "risk", lang=lang)) for v in c["level"]]
        c["_style"] = [{"color": cols[float(v)], "weight": 2.0, "fillColor": cols[float(v)], "fillOpacity": 0.12,
                        "dashArray": "6 4"} for v in c["level"]]
        out.append(MapLayer("distance_contours", c, legend=[(fmt(v, "risk", lang=lang), col, "line") for v, col in cols.items()]))
    inst = project.read_optional("installations")
    if inst is not None and len(inst):
        d = pd.to_numeric(inst.get("distance_m"), errors="coerce")
        has = inst.loc[d.notna()].copy()
        if len(has):
            crs = project.metric_crs()
            m = has.to_crs(crs)
            m["geometry"] = shapely.buffer(m.geometry.values, d[d.notna()].to_numpy(float), quad_segs=32)
            ring = m.to_crs(4326)
            ring["_popup"] = [_popup(n, [(tr("dist.col.enterprise_id", lang=lang), e),
                                         (tr("dist.col.required", lang=lang), fmt(x, "m", lang=lang))])
                              for n, e, x in zip(ring["name"], ring["enterprise_id"], d[d.notna()])]
            ring["_tooltip"] = [_esc(f"{n} {fmt(x, 'm', lang=lang)}") for n, x in zip(ring["name"], d[d.notna()])]
            ring["_style"] = [{"color": "#455A64", "weight": 2.0, "fill": False, "dashArray": "2 6"}] * len(ring)
            out.append(MapLayer("distance_rings", ring, legend=[(tr("dist.map.rings", lang=lang), "#455A64", "line")]))
    pts = res[(res.get("kind") == "check") & res["target_id"].notna()].copy() if "kind" in res.columns else res.iloc[0:0]
    for status, key, colour in (("violation", "distance_violations", VIOLATION), ("unknown", "distance_unknown", UNKNOWN)):
        g = pts[pts["status"] == status]
        if not len(g):
            continue
        g = g.copy()
        g["geometry"] = shapely.point_on_surface(g.geometry.values)
        g["_popup"] = [_popup(f"{t} {n}", [
            (tr("dist.col.target_class", lang=lang), c), (tr("dist.col.method", lang=lang), tr(f"dist.method.{m}", lang=lang)),
            (tr("dist.col.installation_name", lang=lang), f"{e or ''} {i or ''} {iname or ''}".strip()),
            (tr("dist.col.required", lang=lang), fmt(r, q, lang=lang) if q in ("m", "risk") else None),
            (tr("dist.col.actual", lang=lang), (("≥ " if q == "risk" else "") + fmt(a, q, lang=lang))
             if q in ("m", "risk") else None),
            (tr("dist.col.reason", lang=lang), why)])
            for t, n, c, m, e, i, iname, r, a, q, why in zip(
                g["target_id"], g["target_name"], g["target_class"], g["method"], g["enterprise_id"], g["installation_id"],
                g["installation_name"], g["required"], g["actual"], g["quantity"], g["reason"])]
        g["_tooltip"] = [_esc(n) for n in g["target_name"]]
        g["_style"] = [{"radius": 8.0, "color": "#FFFFFF", "weight": 2.5, "fillColor": colour, "fillOpacity": 1.0,
                        "opacity": 1.0}] * len(g)
        label = tr("dist.map.violating" if status == "violation" else "dist.map.unknown", lang=lang)
        out.append(MapLayer(key, gpd.GeoDataFrame(g, geometry="geometry", crs=4326), legend=[(label, colour, "dot")]))
    return out
