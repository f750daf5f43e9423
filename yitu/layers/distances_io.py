"""The distance check on a project: read the layers, run, store ``result_distance_violations``,
write ``output/distances/distances.xlsx`` and, when asked, add rows to the 隐患清单 (hazards)."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from yitu.errors import ProjectError
from yitu.gis.crs import WGS84
from yitu.gis.io import atomic_path
from yitu.layers.distances import DistanceCheck, check_distances
from yitu.layers.distances_rules import check_rules, parse_rules
from yitu.words import tr
from yitu.words.numbers import rounded
from yitu.words.status import status_text

log = logging.getLogger(__name__)

__all__ = ["run_distances", "write_distances_xlsx", "add_to_hazards", "RESULT_LAYER", "display_table", "class_text"]

RESULT_LAYER = "result_distance_violations"


def run_distances(project: Any, *, lang: str | None = None, store: bool = True) -> DistanceCheck:
    """Run the check on ``project`` (targets, installations, risk_contours, enterprises) and the rules.

    Raises
    ------
    ProjectError
        When the project has no targets, or neither installations nor contours.
    """
    targets = project.read("targets")
    inst = project.read_optional("installations")
    cont = project.read_optional("risk_contours")
    ent = project.read_optional("enterprises")
    if inst is None and cont is None:
        raise ProjectError(tr("dist.err.no_sources", path=project.path))
    crs = project.metric_crs()
    s = project.settings.safety_distance
    res = check_distances(targets, inst, cont, ent, settings=s, crs=crs, lang=lang)
    rules = parse_rules(s.rules)
    names = {name for r in rules for name in (r.a, r.b)}
    layers = {n: project.read_optional(n) for n in names}
    res.rules = check_rules(layers, rules, crs=crs, lang=lang)
    if store:
        project.write(RESULT_LAYER, result_layer(res))
    return res


def result_layer(res: DistanceCheck) -> gpd.GeoDataFrame:
    """Violations, unknowns and rule findings in one layer (``kind`` = check | rule) for QGIS and the maps."""
    a = pd.concat([res.violations, res.unknowns], ignore_index=True)
    a["kind"] = "check"
    r = res.rules.copy()
    if len(r):
        r = r.rename(columns={"a_id": "target_id", "a_name": "target_name", "b_id": "installation_id",
                              "b_name": "installation_name"})
        r["method"] = "rule"
        r["quantity"] = "m"
        r["kind"] = "rule"
    out = pd.concat([a, r], ignore_index=True) if len(r) else a
    for c in out.columns:
        if c != "geometry" and out[c].dtype == object:
            out[c] = out[c].map(lambda v: None if v is None else (v if isinstance(v, (str, int, float)) else str(v)))
    return gpd.GeoDataFrame(out, geometry="geometry", crs=WGS84)


def _value(v: Any, quantity: Any) -> Any:
    if quantity == "risk":
        return rounded(v, "risk")
    if quantity == "m":
        return rounded(v, "m")
    return None if v is None or (isinstance(v, float) and pd.isna(v)) else v


def display_table(df: pd.DataFrame, *, lang: str = "zh", rules: bool = False) -> pd.DataFrame:
    """A list with headers and values in words (status, method), numbers rounded per quantity."""
    if rules:
        cols = ["status", "rule", "a_layer", "a_id", "a_name", "b_layer", "b_id", "b_name", "required", "actual",
                "excess", "reason", "source"]
        heads = {"a_layer": "dist.col.a", "b_layer": "dist.col.b", "a_id": "dist.col.target_id",
                 "a_name": "dist.col.target_name", "b_id": "dist.col.installation_id", "b_name": "dist.col.installation_name"}
        out = pd.DataFrame({c: df[c] if c in df.columns else None for c in cols})
        out["required"] = out["required"].map(lambda v: rounded(v, "m"))
        out["actual"] = out["actual"].map(lambda v: rounded(v, "m"))
        out["excess"] = out["excess"].map(lambda v: rounded(v, "m"))
        out["status"] = out["status"].map(lambda v: status_text(v, lang=lang))
        return out.rename(columns={c: tr(heads.get(c, f"dist.col.{c}"), lang=lang) for c in cols})
    cols = ["status", "method", "target_id", "target_name", "target_type", "target_class", "class_basis",
            "enterprise_id", "enterprise_name", "installation_id", "installation_name", "required", "actual", "excess",
            "reason", "source"]
    out = pd.DataFrame({c: df[c].to_numpy() if c in df.columns else None for c in cols})
    q = df["quantity"].to_numpy() if "quantity" in df.columns else [None] * len(df)
    for c in ("required", "actual"):
        out[c] = [_value(v, qq) for v, qq in zip(out[c], q)]
    # a shortfall in metres, or for a contour the factor by which the criterion is exceeded at least
    out["excess"] = [(rounded(v, "m") if qq == "m" else
                      tr("dist.times_ge", lang=lang, v=f"{float(v):.1f}") if v is not None and not pd.isna(v) else None)
                     for v, qq in zip(out["excess"], q)]
    out["status"] = out["status"].map(lambda v: status_text(v, lang=lang))
    out["target_class"] = out["target_class"].map(lambda v: class_text(v, lang=lang))
    out["method"] = out["method"].map(lambda v: tr(f"dist.method.{v}", lang=lang) if v else None)
    return out.rename(columns={c: tr(f"dist.col.{c}", lang=lang) for c in cols})


def class_text(cls: Any, *, lang: str | None = None) -> Any:
    """Words for a GB 36894 class value (高敏感 → "highly sensitive" in English); missing stays missing."""
    from yitu.words import has

    if cls is None or (isinstance(cls, float) and pd.isna(cls)):
        return None
    key = f"dist.class.{cls}"
    return tr(key, lang=lang) if has(key) else cls


def write_distances_xlsx(res: DistanceCheck, path: str | Path, *, lang: str = "zh") -> Path:
    """Violations, unknowns, the per-enterprise summary, rule findings and target classes, one sheet each."""
    p = Path(path)
    summary = res.summary.rename(columns={c: tr(f"dist.col.{c}", lang=lang) for c in res.summary.columns})
    classes = res.classes.rename(columns={"id": tr("dist.col.target_id", lang=lang), "name": tr("dist.col.target_name", lang=lang),
                                          "gb_class": tr("dist.col.target_class", lang=lang),
                                          "class_basis": tr("dist.col.class_basis", lang=lang)}).drop(columns="class_code")
    sheets = {
        tr("dist.sheet.violations", lang=lang): display_table(res.violations, lang=lang),
        tr("dist.sheet.unknowns", lang=lang): display_table(res.unknowns, lang=lang),
        tr("dist.sheet.summary", lang=lang): summary,
        tr("dist.sheet.rules", lang=lang): display_table(res.rules, lang=lang, rules=True),
        tr("dist.sheet.targets", lang=lang): classes,
    }
    with atomic_path(p) as tmp:
        with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
            for name, df in sheets.items():
                df.to_excel(xw, sheet_name=name[:31], index=False)
                ws = xw.sheets[name[:31]]
                for col in ws.columns:
                    width = max((len(str(c.value)) for c in col[:200] if c.value is not None), default=6)
                    ws.column_dimensions[col[0].column_letter].width = min(max(8, width * 1.6), 60)
    return p


def add_to_hazards(project: Any, res: DistanceCheck) -> int:
    """Add one 重大隐患 row per (enterprise, target) violation to the hazards layer (安监总管三〔2017〕121号 item 3).

    Rows already there with the same description are not added twice. Returns the number added.
    """
    v = res.violations
    if not len(v):
        return 0
    v = v[v["enterprise_id"].notna()]
    first = v.drop_duplicates(["enterprise_id", "target_id", "installation_id"])
    from yitu.words.numbers import fmt

    how = [f"{tr(f'dist.method.{m}', lang='zh')}：{tr('dist.col.required', lang='zh')} {fmt(r, q, lang='zh')}，"
           f"{tr('dist.col.actual', lang='zh')} {fmt(a, q, lang='zh')}"
           for m, r, a, q in zip(first["method"], first["required"], first["actual"], first["quantity"])]
    desc = [tr("dist.hazard", lang="zh", target=t, cls=c or "—", inst=i or e, how=h)
            for t, c, i, e, h in zip(first["target_name"], first["target_class"], first["installation_name"],
                                     first["enterprise_id"], how)]
    old = project.read_optional("hazards")
    old_df = pd.DataFrame(old.drop(columns="geometry", errors="ignore")) if old is not None else pd.DataFrame()
    seen = set(old_df["description"].astype(str)) if "description" in old_df.columns else set()
    today = date.today().isoformat()
    n0 = len(old_df)
    rows = [{"id": f"KD{n0 + k + 1:04d}", "enterprise_id": e, "description": d, "level": "重大隐患", "found_at": today,
             "status": "未整改"} for k, (e, d) in enumerate(zip(first["enterprise_id"], desc)) if d not in seen]
    if not rows:
        return 0
    new = pd.concat([old_df, pd.DataFrame(rows)], ignore_index=True)
    project.write("hazards", new)
    return len(rows)
