"""Cross-layer checks of a project: references that point nowhere, stations without vehicles, shelters
without capacity, stale data. Returns findings; the CLI decides the exit code."""

from __future__ import annotations

import logging
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd

from yitu.layers.project import Project
from yitu.layers.schema import VEHICLE_FIELDS
from yitu.settings import Settings
from yitu.words import has, tr

log = logging.getLogger(__name__)

__all__ = ["validate_layers", "validate_project", "summarize_findings", "findings_table", "rejected_findings",
           "FINDING_COLUMNS", "stale_mask"]

FINDING_COLUMNS = ["layer", "id", "field", "severity", "message"]


def stale_mask(updated_at: pd.Series, *, months: int, today: date | None = None) -> pd.Series:
    """True where ``updated_at`` (ISO date text) is older than ``months`` before ``today``."""
    today = today or date.today()
    when = pd.to_datetime(updated_at, errors="coerce")
    limit = pd.Timestamp(today) - pd.DateOffset(months=months)
    return when.notna() & (when < limit)


def _finding(rows: list[dict[str, str]], layer: str, ids: pd.Series, field: str, severity: str, message: str) -> None:
    for i in ids:
        rows.append({"layer": layer, "id": str(i), "field": field, "severity": severity, "message": message})


def _num(df: pd.DataFrame, col: str) -> pd.Series:
    return pd.to_numeric(df[col], errors="coerce") if col in df.columns else pd.Series(np.nan, index=df.index)


def validate_layers(
    layers: dict[str, gpd.GeoDataFrame], *, settings: Settings, today: date | None = None
) -> pd.DataFrame:
    """Check the layers against each other.

    Parameters
    ----------
    layers
        Layer name -> GeoDataFrame (any subset of the project's layers).
    settings
        Project settings (shelter per-capita areas, staleness months).

    Returns
    -------
    DataFrame
        One finding per row: layer, id, field, severity (``error`` | ``warning``), message.
    """
    rows: list[dict[str, str]] = []
    ent = layers.get("enterprises")
    parks = layers.get("parks")
    stations = layers.get("stations")
    park_ids = set(parks["id"].astype(str)) if parks is not None else set()
    if ent is not None and len(ent):
        pid = ent["park_id"].dropna().astype(str)
        bad = pid[~pid.isin(park_ids)]
        for idx, v in bad.items():
            _finding(rows, "enterprises", pd.Series([ent.at[idx, "id"]]), "park_id", "error",
                     tr("validate.no_park", park=v))
        if parks is not None and len(parks):
            pts = ent[ent.geometry.notna()]
            joined = gpd.sjoin(pts[["id", "park_id", "geometry"]], parks[["id", "geometry"]].rename(columns={"id": "pid"}),
                               predicate="within", how="inner")
            mism = joined[joined["park_id"].astype(object).fillna("").astype(str) != joined["pid"].astype(str)]
            for _, r in mism.drop_duplicates("id").iterrows():
                _finding(rows, "enterprises", pd.Series([r["id"]]), "park_id", "warning",
                         tr("validate.park_mismatch", inside=r["pid"],
                            park=r["park_id"] if pd.notna(r["park_id"]) else tr("validate.empty")))
    for layer, ref in (("risk_zones", "enterprise_id"), ("hazards", "enterprise_id")):
        df = layers.get(layer)
        if df is not None and len(df):
            known = set(ent["id"].astype(str)) if ent is not None else set()
            bad = df[~df[ref].astype(str).isin(known)]
            _finding(rows, layer, bad["id"], ref, "error", tr("validate.no_enterprise"))
    if stations is not None and len(stations):
        vehicles = sum(_num(stations, c).fillna(0) for c in VEHICLE_FIELDS)
        _finding(rows, "stations", stations.loc[vehicles <= 0, "id"], "vehicles", "error",
                 tr("validate.no_vehicles"))
    if parks is not None and len(parks):
        known_st = set(stations["id"].astype(str)) if stations is not None else set()
        for _, r in parks[parks["station_ids"].notna()].iterrows():
            missing = [s for s in str(r["station_ids"]).split(",") if s and s not in known_st]
            if missing:
                _finding(rows, "parks", pd.Series([r["id"]]), "station_ids", "error",
                         tr("validate.no_station", ids="、".join(missing)))
    sh = layers.get("shelters")
    if sh is not None and len(sh):
        cap = _num(sh, "capacity")
        eff = _num(sh, "effective_area_m2")
        _finding(rows, "shelters", sh.loc[cap.isna() & eff.isna(), "id"], "capacity", "error",
                 tr("validate.no_capacity"))
        per = sh["shelter_class"].map(settings.shelters.per_capita_m2).astype("float64")
        over = cap.notna() & eff.notna() & per.notna() & (cap > eff / per)
        for idx in over[over].index:
            _finding(rows, "shelters", pd.Series([sh.at[idx, "id"]]), "capacity", "warning",
                     tr("validate.over_capacity", cap=int(cap[idx]), area=f"{eff[idx]:g}", per=f"{per[idx]:g}",
                        n=int(eff[idx] // per[idx])))
        mins = sh["shelter_class"].map(settings.shelters.min_effective_area_m2).astype("float64")
        small = eff.notna() & mins.notna() & (eff < mins)
        for idx in small[small].index:
            _finding(rows, "shelters", pd.Series([sh.at[idx, "id"]]), "effective_area_m2", "warning",
                     tr("validate.small_area", area=f"{eff[idx]:g}", min=f"{mins[idx]:g}", cls=sh.at[idx, "shelter_class"]))
    for layer, df in layers.items():
        if df is not None and len(df) and "updated_at" in df.columns:
            old = stale_mask(df["updated_at"], months=settings.risk.stale_months, today=today)
            _finding(rows, layer, df.loc[old, "id"], "updated_at", "warning",
                     tr("validate.stale", months=settings.risk.stale_months))
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def validate_project(project: Project, *, today: date | None = None) -> pd.DataFrame:
    """Run :func:`validate_layers` over every layer stored in ``project``."""
    from yitu.layers.schema import SCHEMAS

    layers = {name: project.read(name) for name in SCHEMAS if project.has(name)}
    found = validate_layers(layers, settings=project.settings, today=today)
    rejected = rejected_findings(project)
    return pd.concat([rejected, found], ignore_index=True) if len(rejected) else found


def rejected_findings(project: Project) -> pd.DataFrame:
    """One ``error`` finding per line of every layer's rejected list (``rejected/<layer>.csv``).

    Rows that an import rejected are not in the project: an import whose every row was rejected
    leaves an empty layer, and the project is not valid until the rows are fixed and imported again.
    """
    from yitu.layers.schema import SCHEMAS

    rows: list[dict[str, str]] = []
    for name in SCHEMAS:
        rej = project.read_rejected(name)
        if not len(rej):
            continue
        where = f"{project.rejected_dir.name}/{name}.csv"
        for row in dict.fromkeys(rej["row"].astype(str)) if "row" in rej else range(len(rej)):  # a row counts once
            rows.append({"layer": name, "id": tr("validate.row", row=row), "field": "", "severity": "error",
                         "message": tr("validate.rejected", where=where)})
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def summarize_findings(findings: pd.DataFrame, *, examples: int = 5) -> pd.DataFrame:
    """Group findings that say the same thing: severity, layer, field, message, count and example ids."""
    if findings.empty:
        return pd.DataFrame(columns=["severity", "layer", "field", "count", "ids", "message"])
    g = findings.groupby(["severity", "layer", "field", "message"], sort=False)["id"]
    out = g.agg(count="size", ids=lambda s: ", ".join(s.head(examples)) + (" …" if len(s) > examples else ""))
    out = out.reset_index()[["severity", "layer", "field", "count", "ids", "message"]]
    return out.sort_values(["severity", "count"], ascending=[True, False], kind="stable").reset_index(drop=True)


def findings_table(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings (or their summary) for people: headers, severities, layer and field names in words."""
    from yitu.layers.schema import SCHEMAS
    from yitu.words.status import status_text

    def field_label(layer: object, field: object) -> str:
        try:
            return SCHEMAS[str(layer)].field(str(field)).label
        except KeyError:
            return tr(f"validate.field.{field}") if has(f"validate.field.{field}") else str(field)

    out = findings.copy()
    if "field" in out and "layer" in out:
        out["field"] = [field_label(la, f) for la, f in zip(out["layer"], out["field"])]
    if "layer" in out:
        out["layer"] = out["layer"].map(lambda la: SCHEMAS[la].label if la in SCHEMAS else la)
    if "severity" in out:
        out["severity"] = out["severity"].map(status_text)
    return out.rename(columns={c: tr(f"validate.col.{c}") for c in out.columns if f"validate.col.{c}" in _COLS})


_COLS = {f"validate.col.{c}" for c in ("layer", "id", "field", "severity", "message", "count", "ids")}
