"""A summary of a project's layers: counts, geometry types, extents, grade counts."""

from __future__ import annotations

import logging

import pandas as pd
import pyogrio

from yitu.layers.project import Project
from yitu.layers.schema import GRADE_COLOUR_NAMES, SCHEMAS
from yitu.words import msg

__all__ = ["summarize"]

log = logging.getLogger(__name__)


def _geometry_types(project: Project, name: str, info: dict) -> str:
    """The layer's geometry type; for a layer declared as any geometry (GDAL's "Unknown": enterprises
    given as points and footprints, or a layer with every row rejected) the types it holds."""
    declared = info.get("geometry_type") or ""
    if not declared.startswith("Unknown"):
        return declared
    if not int(info["features"]):
        return ""
    geoms = pyogrio.read_dataframe(project.gpkg, layer=name, columns=[]).geometry
    return ", ".join(sorted(set(geoms.dropna().geom_type)))


def _grade_counts(project: Project) -> dict[str, str]:
    """Counts per grade of enterprises and risk zones as the lists and maps show them: the given
    grade, else the one derived from zones / LEC / risk matrix (yitu.layers.grading); "推算 N" says
    how many were derived. The zones are read and graded once, for both layers."""
    from yitu.errors import YituError
    from yitu.layers.grading import grade_enterprises, grade_zones

    settings = project.settings
    layers = {name: project.read_optional(name) for name in ("risk_zones", "enterprises")}
    graded: dict[str, pd.DataFrame | None] = {}
    errors: dict[str, YituError] = {}
    zones = layers["risk_zones"]
    try:
        graded["risk_zones"] = None if zones is None else grade_zones(zones, settings=settings)
    except YituError as exc:  # e.g. an L x S outside 1..25
        errors["risk_zones"] = errors["enterprises"] = exc  # enterprises take their grade from zones
    if layers["enterprises"] is not None and "enterprises" not in errors:
        try:
            graded["enterprises"] = grade_enterprises(layers["enterprises"], graded["risk_zones"], settings=settings)
        except YituError as exc:
            errors["enterprises"] = exc
    out: dict[str, str] = {}
    for name, layer in layers.items():
        if layer is None or not len(layer):
            continue
        if name in errors:  # show what the file states, say why
            log.warning(msg("layers.log.grades_as_stated", layer=name, error=errors[name]))
            grade, derived = pd.to_numeric(layer["risk_grade"], errors="coerce").astype("Int64"), 0
        else:
            g = graded[name]
            assert g is not None
            grade, derived = g["grade"], int((~g["grade_source"].isin(["given", "none"])).sum())
        counts = grade.value_counts()
        parts = [f"{GRADE_COLOUR_NAMES[k]} {int(counts.get(k, 0))}" for k in (1, 2, 3, 4)]
        parts.append(f"未定级 {int(grade.isna().sum())}")
        text = " · ".join(parts)
        out[name] = f"{text}（推算 {derived}）" if derived else text
    return out


def summarize(project: Project) -> pd.DataFrame:
    """One row per stored layer: name, Chinese label, count, geometry type, bounds, and for layers with
    a risk grade the count per grade (红/橙/黄/蓝/未定级), graded as the lists and maps grade them."""
    rows = []
    grades: dict[str, str] | None = None  # computed at the first graded layer, for both
    for name in project.layers():
        info = pyogrio.read_info(project.gpkg, layer=name)
        label = SCHEMAS[name].label if name in SCHEMAS else name
        bounds = info.get("total_bounds")
        row = {
            "layer": name,
            "label": label,
            "count": int(info["features"]),
            "geometry": _geometry_types(project, name, info),
            "bounds": "" if bounds is None else ", ".join(f"{v:.4f}" for v in bounds),
            "grades": "",
        }
        if name in ("enterprises", "risk_zones") and row["count"]:
            if grades is None:
                grades = _grade_counts(project)
            row["grades"] = grades.get(name, "")
        rows.append(row)
    return pd.DataFrame(rows, columns=["layer", "label", "count", "geometry", "bounds", "grades"])
