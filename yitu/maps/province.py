"""The province summary of a batch run: tables for the XLSX and an overview map of every park's verdict.

The verdict colours are not risk-grade colours (红橙黄蓝 mean risk grade and nothing else): a park
that passes is green, one that fails is drawn dark purple with a thick outline, unknown is grey.
"""

from __future__ import annotations

import html
import json
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from yitu.words import tr
from yitu.words.numbers import rounded
from yitu.words.status import status_text

__all__ = ["VERDICT_COLOURS", "summary_tables", "overview_map"]

#: verdict -> colour; not a risk-grade colour
VERDICT_COLOURS: dict[str, str] = {"pass": "#2E7D32", "fail": "#4A148C", "unknown": "#757575"}

_PROJECT_COLS = ("project", "path", "status", "verdict", "n_parks_fail", "n_fail", "n_gaps", "seconds", "error")
_PARK_COLS = ("project", "park_id", "park_name", "verdict", "limit_min", "n_targets", "n_fail", "worst_miss_min",
              "covered_share")
_ROUND = {"seconds": "s", "limit_min": "min", "worst_miss_min": "min", "covered_share": "share",
          "n_fail": "count", "n_targets": "count", "n_gaps": "count", "n_parks_fail": "count"}


def _verdict_code(v: Any) -> str:
    s = str(v).lower() if v is not None and v == v else ""
    return s if s in ("pass", "fail") else "unknown"


def _table(df: pd.DataFrame, cols: tuple[str, ...], *, lang: str) -> pd.DataFrame:
    out = pd.DataFrame(index=df.index)
    for c in cols:
        if c not in df.columns:
            continue
        v = df[c]
        if c in ("verdict",):
            v = v.map(lambda x: status_text(_verdict_code(x), lang=lang))
        elif c == "status":
            v = v.map(lambda x: tr(f"batch.run.{'failed' if x == 'failed' else 'ok'}", lang=lang))
        elif c in _ROUND:
            v = v.map(lambda x, q=_ROUND[c]: rounded(x, q))
        out[tr(f"batch.col.{c}", lang=lang)] = v
    return out.reset_index(drop=True)


def summary_tables(result: Any, *, lang: str = "zh") -> dict[str, pd.DataFrame]:
    """Sheet name -> table for the province summary (projects, parks, failed runs), words via yitu.words."""
    projects = result.projects
    failed = projects[projects["status"] == "failed"] if len(projects) else projects
    return {
        tr("batch.sheet.projects", lang=lang): _table(projects, _PROJECT_COLS, lang=lang),
        tr("batch.sheet.parks", lang=lang): _table(result.parks, _PARK_COLS, lang=lang),
        tr("batch.sheet.failed", lang=lang): _table(failed, ("project", "path", "error"), lang=lang),
    }


def overview_map(result: Any, parks: gpd.GeoDataFrame, *, lang: str = "zh") -> folium.Map:
    """A folium map with every park coloured by its verdict; popups name the project, park and figures.

    User text (project and park names) goes into the GeoJSON properties HTML-escaped and is never
    part of a template.
    """
    drawn = parks[parks.geometry.notna() & ~parks.geometry.is_empty] if len(parks) else parks
    if len(drawn):
        x0, y0, x1, y1 = drawn.total_bounds
        centre = [(y0 + y1) / 2, (x0 + x1) / 2]
    else:
        centre, (x0, y0, x1, y1) = [35.0, 105.0], (73.0, 18.0, 135.0, 54.0)
    m = folium.Map(location=centre, zoom_start=8, tiles=None, control_scale=True)
    feats = []
    for _, row in drawn.iterrows():
        code = _verdict_code(row.get("verdict"))
        props = {
            "title": html.escape(f"{row.get('project', '')} · {row.get('park_name', '') or row.get('park_id', '')}"),
            "verdict": html.escape(status_text(code, lang=lang)),
            "n_fail": "" if pd.isna(row.get("n_fail")) else int(row.get("n_fail")),
            "colour": VERDICT_COLOURS[code],
        }
        feats.append({"type": "Feature", "properties": props,
                      "geometry": json.loads(shapely.to_geojson(shapely.set_precision(row.geometry, 1e-6)))})
    if feats:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": feats},
            name=tr("batch.map.legend", lang=lang),
            style_function=lambda f: {"color": f["properties"]["colour"], "fillColor": f["properties"]["colour"],
                                      "weight": 3 if f["properties"]["colour"] == VERDICT_COLOURS["fail"] else 1.5,
                                      "fillOpacity": 0.35},
            tooltip=folium.GeoJsonTooltip(fields=["title", "verdict", "n_fail"],
                                          aliases=[tr("batch.col.park_name", lang=lang),
                                                   tr("batch.col.verdict", lang=lang),
                                                   tr("batch.col.n_fail", lang=lang)]),
        ).add_to(m)
        m.fit_bounds([[float(y0), float(x0)], [float(y1), float(x1)]])
    legend = "".join(
        f'<div><span style="display:inline-block;width:14px;height:10px;background:{c};margin-right:6px"></span>'
        f"{html.escape(status_text(k, lang=lang))}</div>"
        for k, c in VERDICT_COLOURS.items()
    )
    title = html.escape(tr("batch.map.title", lang=lang))
    box = (f'<div style="position:fixed;top:10px;right:10px;z-index:1000;background:#fff;padding:8px 10px;'
           f'border:1px solid #999;font:13px sans-serif"><b>{title}</b>{legend}</div>')
    m.get_root().html.add_child(folium.Element(box))
    m.yitu_counts = {"parks": len(feats), "not_drawn": int(len(parks) - len(drawn))}  # type: ignore[attr-defined]
    return m
