"""A summary of a project's layers: counts, geometry types, extents, grade counts."""

from __future__ import annotations

import pandas as pd
import pyogrio

from yitu.layers.project import Project
from yitu.layers.schema import GRADE_COLOUR_NAMES, SCHEMAS

__all__ = ["summarize"]


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


def summarize(project: Project) -> pd.DataFrame:
    """One row per stored layer: name, Chinese label, count, geometry type, bounds, and for layers with
    a risk grade the count per grade (红/橙/黄/蓝/未定级)."""
    rows = []
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
        if name in SCHEMAS and "risk_grade" in SCHEMAS[name].names and row["count"]:
            g = pyogrio.read_dataframe(project.gpkg, layer=name, columns=["risk_grade"], read_geometry=False)
            counts = pd.to_numeric(g["risk_grade"], errors="coerce").value_counts()
            parts = [f"{GRADE_COLOUR_NAMES[k]} {int(counts.get(k, 0))}" for k in (1, 2, 3, 4)]
            parts.append(f"未定级 {int(g['risk_grade'].isna().sum())}")
            row["grades"] = " · ".join(parts)
        rows.append(row)
    return pd.DataFrame(rows, columns=["layer", "label", "count", "geometry", "bounds", "grades"])
