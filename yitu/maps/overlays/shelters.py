"""HTML-map overlays of ``yitu shelters``: routes coloured by shelter, people not placed, shelters near a hazard.

Colours come from :data:`ROUTE_COLOURS` — purples, teals, greens, browns and greys, never the
red/orange/yellow/blue that mean risk grade on the same map.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from yitu.words import tr
from yitu.words.numbers import fmt

__all__ = ["ORDER", "ROUTE_COLOURS", "UNPLACED_COLOUR", "FLAGGED_COLOUR", "PROPOSED_COLOUR", "layers", "route_colour"]

ORDER = 40
ROUTE_COLOURS: tuple[str, ...] = ("#6A1B9A", "#00838F", "#2E7D32", "#5D4037", "#AD1457", "#37474F", "#00695C",
                                  "#8E24AA", "#558B2F", "#795548", "#4527A0", "#006064")
UNPLACED_COLOUR = "#000000"
FLAGGED_COLOUR = "#4A148C"
PROPOSED_COLOUR = "#00BFA5"


def route_colour(shelter_ids: pd.Series) -> np.ndarray:
    """One colour per shelter id (stable: by the id's rank among the ids given)."""
    ids = shelter_ids.astype(str)
    order = {v: i for i, v in enumerate(sorted(set(ids)))}
    return np.array([ROUTE_COLOURS[order[v] % len(ROUTE_COLOURS)] for v in ids], dtype=object)


def _popup(title: pd.Series, rows: list[tuple[str, pd.Series]]) -> pd.Series:
    from yitu.maps.html import esc

    body = pd.Series("", index=title.index, dtype=object)
    for label, values in rows:
        body = body + "<tr><th>" + esc(label) + "</th><td>" + values.map(esc) + "</td></tr>"
    return '<div class="yitu-popup"><b>' + title.map(esc) + "</b><table>" + body + "</table></div>"


def layers(project: Any, *, lang: str) -> list[Any]:
    from yitu.maps.html import MapLayer
    from yitu.routing.shelters_run import RESULT_ASSIGNMENT, RESULT_LOAD, RESULT_PROPOSALS

    res = project.read_optional(RESULT_ASSIGNMENT)
    if res is None or not len(res):
        return []
    out = []
    routes = res[res["kind"] == "route"].copy()
    if len(routes):
        colour = route_colour(routes["shelter_id"])
        name = routes["block_name"].astype(str) + " → " + routes["shelter_name"].astype(str)
        people = routes["people"].map(lambda v: fmt(v, "people", lang=lang))
        mins = routes["walk_min"].map(lambda v: fmt(v, "min", lang=lang))
        routes["_popup"] = _popup(name, [(tr("shelters.col.people", lang=lang), people),
                                         (tr("shelters.col.walk_min", lang=lang), mins),
                                         (tr("shelters.col.shelter_class", lang=lang), routes["shelter_class"].astype(str))])
        routes["_tooltip"] = (name + " · " + people + " · " + mins).map(lambda s: s.replace("<", "&lt;"))
        routes["_style"] = [{"color": c, "weight": 3, "opacity": 0.85} for c in colour]
        out.append(MapLayer("shelter_routes", gpd.GeoDataFrame(routes, geometry="geometry", crs=4326),
                            legend=[(tr("map.layer.shelter_routes", lang=lang), ROUTE_COLOURS[0], "line")]))
    un = res[res["kind"] == "unplaced"].copy()
    if len(un):
        people = un["people"].map(lambda v: fmt(v, "people", lang=lang))
        reason = un["reason"].map(lambda r: tr(f"shelters.reason.{r}", lang=lang) if r else "")
        un["_popup"] = _popup(un["block_name"].astype(str), [(tr("shelters.col.unplaced", lang=lang), people),
                                                              (tr("shelters.col.reason", lang=lang), reason)])
        un["_tooltip"] = (un["block_name"].astype(str) + " · " + tr("shelters.col.unplaced", lang=lang) + " " + people
                          ).map(lambda s: s.replace("<", "&lt;"))
        r = np.clip(4 + np.sqrt(pd.to_numeric(un["people"], errors="coerce").fillna(0)) / 6, 5, 16)
        un["_style"] = [{"radius": float(x), "color": "#FFFFFF", "weight": 1.5, "fillColor": UNPLACED_COLOUR,
                         "fillOpacity": 0.85, "opacity": 1.0} for x in r]
        out.append(MapLayer("shelter_unplaced", gpd.GeoDataFrame(un, geometry="geometry", crs=4326),
                            legend=[(tr("map.layer.shelter_unplaced", lang=lang), UNPLACED_COLOUR, "dot")]))
    load = project.read_optional(RESULT_LOAD)
    if load is not None and len(load):
        fl = load[load["flags"].fillna("").astype(str) != ""].copy()
        if len(fl):
            fl["_popup"] = _popup(fl["name"].astype(str), [(tr("shelters.col.flag_note", lang=lang),
                                                            fl["flag_note"].fillna("").astype(str))])
            fl["_tooltip"] = (fl["name"].astype(str) + " · " + tr("shelters.flagged", lang=lang)).map(
                lambda s: s.replace("<", "&lt;"))
            fl["_style"] = [{"radius": 11.0, "color": FLAGGED_COLOUR, "weight": 3, "fillColor": "#FFFFFF",
                             "fillOpacity": 0.6, "opacity": 1.0}] * len(fl)
            out.append(MapLayer("shelter_flagged", gpd.GeoDataFrame(fl, geometry="geometry", crs=4326),
                                legend=[(tr("map.layer.shelter_flagged", lang=lang), FLAGGED_COLOUR, "dot")]))
    prop = project.read_optional(RESULT_PROPOSALS) if project.has(RESULT_PROPOSALS) else None
    if prop is not None and len(prop):
        prop = prop.copy()
        prop["_popup"] = _popup(prop["建议编号"].astype(str), [(tr("shelters.col.load", lang=lang),
                                                              prop["安置人数"].astype(str))])
        prop["_tooltip"] = prop["建议编号"].astype(str)
        prop["_style"] = [{"radius": 9.0, "color": "#004D40", "weight": 2, "fillColor": PROPOSED_COLOUR,
                           "fillOpacity": 0.9, "opacity": 1.0}] * len(prop)
        out.append(MapLayer("shelter_proposed", gpd.GeoDataFrame(prop, geometry="geometry", crs=4326),
                            legend=[(tr("map.layer.shelter_proposed", lang=lang), PROPOSED_COLOUR, "dot")]))
    return out
