"""Readiness-report section of ``yitu shelters``: who is left out, shortfall by class, shelters near hazards."""

from __future__ import annotations

from typing import Any

import pandas as pd

from yitu.words import tr

__all__ = ["ORDER", "section"]

ORDER = 40


def section(project: Any, *, font: Any, lang: str = "zh") -> Any:
    from yitu.maps.report import Section, Table
    from yitu.routing.shelters_run import RESULT_ASSIGNMENT, RESULT_LOAD

    res = project.read_optional(RESULT_ASSIGNMENT)
    load = project.read_optional(RESULT_LOAD)
    if res is None or load is None:
        return None
    routes = res[res["kind"] == "route"]
    un = res[res["kind"] == "unplaced"]
    placed = int(pd.to_numeric(routes["people"], errors="coerce").sum())
    unplaced = int(pd.to_numeric(un["people"], errors="coerce").sum())
    sec = Section(tr("shelters.title", lang=lang))
    sec.paragraphs.append(tr("shelters.summary", lang=lang, people=placed + unplaced, placed=placed, unplaced=unplaced,
                             unknown="—"))
    if len(un):
        t = un.assign(village=un["village"].fillna(""), town=un["town"].fillna(""))
        t = t.groupby(["town", "village"], dropna=False)["people"].sum().reset_index().sort_values("people", ascending=False)
        t["village"] = [v if v else tr("shelters.no_village", lang=lang) for v in t["village"]]
        labels = {c: tr(f"shelters.col.{'unplaced' if c == 'people' else c}", lang=lang) for c in t.columns}
        sec.items.append(Table(tr("shelters.short_villages", lang=lang), t.reset_index(drop=True), labels))
    cols = ["id", "name", "shelter_class", "capacity", "load", "free", "flag_note"]
    sh = load[[c for c in cols if c in load.columns]].copy()
    labels = {c: tr(f"shelters.col.{ {'id': 'shelter_id', 'name': 'shelter_name'}.get(c, c) }", lang=lang) for c in sh.columns}
    sec.items.append(Table(tr("shelters.sheet.shelters", lang=lang), pd.DataFrame(sh.drop(columns="geometry", errors="ignore")),
                           labels))
    return sec
