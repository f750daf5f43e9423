"""Readiness-report section of the external-safety-distance check (after `yitu distances`)."""

from __future__ import annotations

from typing import Any

ORDER = 40


def section(project: Any, *, font: Any, lang: str = "zh") -> Any:
    from yitu.layers.distances_io import RESULT_LAYER, display_table
    from yitu.maps.report import Section, Table
    from yitu.words import tr

    res = project.read_optional(RESULT_LAYER)
    if res is None:
        return None
    check = res[res["kind"] == "check"] if "kind" in res.columns else res
    v = check[check["status"] == "violation"]
    u = check[check["status"] == "unknown"]
    sec = Section(tr("dist.section.title", lang=lang),
                  [tr("dist.section.intro", lang=lang, v=len(v), u=len(u))])
    for df, key in ((v, "dist.title.violations"), (u, "dist.title.unknowns")):
        if len(df):
            t = display_table(df, lang=lang)
            sec.items.append(Table(tr(key, lang=lang, n=len(df)), t, {c: c for c in t.columns}))
    return sec
