"""Individual-risk contours from QRA exports: Shapefile, GeoJSON, GeoPackage or DXF (through GDAL).

QRA tools export iso-risk lines (or polygons) per level, the level held in an attribute, in the
DXF layer name (``1E-6``, ``3x10-7``, ``IR_3E-7``) or in a text entity beside the line. Lines are
closed into polygons (:func:`shapely.polygonize_full`); a line that does not close is reported with
its ends, never closed silently. The polygons are then loaded as the ``risk_contours`` layer by
:func:`yitu.layers.load.load`, so they pass the same checks as every layer (CRS, China, project area).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from yitu.errors import CRSError, InputError
from yitu.gis.crs import parse_crs
from yitu.gis.io import ROW, VECTOR_SUFFIXES, read_vector
from yitu.layers.load import REJECTED_COLUMNS, LoadResult, load
from yitu.layers.normalize import canon
from yitu.layers.schema import schema
from yitu.words import tr

log = logging.getLogger(__name__)

__all__ = ["parse_level", "read_contours", "import_contours", "ContourRead"]

_SUP = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_E = re.compile(r"(\d+(?:\.\d+)?)\s*e\s*([-+]?\d+)", re.I)
_TEN = re.compile(r"(?:(\d+(?:\.\d+)?)\s*[x×*·]\s*)?10\s*\^?\s*\(?\s*([-−]\s*\d+)\s*\)?")


def parse_level(text: Any) -> float | None:
    """An individual-risk level from text: ``1E-6``, ``1e-06``, ``3x10-7``, ``3×10⁻⁷``, ``3*10^-7``,
    ``IR_3E-7``, ``1.0E-05/a``; ``None`` when the text holds no such number (or a number ≥ 1)."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None
    if isinstance(text, (int, float, np.integer, np.floating)):
        v = float(text)
        return v if 0 < v < 1 else None
    t = unicodedata.normalize("NFKC", str(text)).translate(_SUP).replace("−", "-").strip()
    m = _E.search(t)
    if m:
        v = float(m.group(1)) * 10.0 ** int(m.group(2))
    else:
        m = _TEN.search(t)
        if not m:
            try:
                v = float(t)
            except ValueError:
                return None
        else:
            v = float(m.group(1) or 1.0) * 10.0 ** int(m.group(2).replace(" ", ""))
    return float(f"{v:.6g}") if 0 < v < 1 else None  # 3 * 10**-7 is 3.0000000000000004e-07


@dataclass
class ContourRead:
    """Contour polygons read from a file (in the file's CRS) and the problems met on the way."""

    gdf: gpd.GeoDataFrame
    problems: pd.DataFrame  # REJECTED_COLUMNS
    source: str
    n_input: int


def _level_columns(columns: list[str]) -> list[str]:
    f = schema("risk_contours").field("level")
    keys = {canon(a) for a in (f.name, *f.aliases, "value", "值", "contour", "等值线")}
    return [c for c in columns if canon(c) in keys]


def _id_column(columns: list[str], field: str) -> str | None:
    f = schema("risk_contours").field(field)
    keys = {canon(a) for a in (f.name, *f.aliases)}
    return next((c for c in columns if canon(c) in keys), None)


def read_contours(
    path: str | Path,
    *,
    crs: Any = None,
    level_field: str | None = None,
    installation_id: str | None = None,
    enterprise_id: str | None = None,
    status: str | None = None,
    layer: str | None = None,
) -> ContourRead:
    """Read a contour file into polygons with a ``level`` each.

    Parameters
    ----------
    path
        Shapefile, GeoJSON, GeoPackage or DXF of contour lines or polygons.
    crs
        The file's CRS when it declares none (a DXF never does): ``EPSG:4528``, ``cgcs2000`` ...
    level_field
        Attribute holding the level; default: a column named like 风险值/个人风险/level/IR, else
        the DXF layer name, else the nearest text entity.
    installation_id, enterprise_id, status
        What the contours belong to, when the file does not say (columns 装置编号/企业编号/建设状态 win).
    layer
        Layer of a multi-layer file (GeoPackage).

    Raises
    ------
    CRSError
        When neither the file nor ``crs`` gives a CRS.
    InputError
        When the file cannot be read or holds no line or polygon with a readable level.
    """
    import pyogrio

    p = Path(path)
    if not p.exists():
        raise InputError(tr("io.not_found", path=p))
    if p.suffix.lower() in VECTOR_SUFFIXES:  # encodings (GBK), cut DBF names and CRS as for every layer
        spec = parse_crs(crs) if crs is not None else None
        raw = read_vector(p, layer=layer, crs=spec.crs if spec is not None else None)
    else:
        try:
            raw = pyogrio.read_dataframe(p, layer=layer)
        except Exception as exc:  # GDAL's own errors: unreadable file
            raise InputError(tr("contours.err.unreadable", path=p, exc=exc)) from exc
    src = str(p)
    if raw.crs is None:
        if crs is None:
            raise CRSError(tr("contours.err.no_crs", path=src))
        spec = parse_crs(crs)
        raw = raw.set_crs(spec.crs, allow_override=True)
    n_input = len(raw)
    problems: list[tuple[str, int, str, str, str]] = []
    rows = np.arange(1, n_input + 1)
    geom = np.asarray(shapely.force_2d(raw.geometry.values), dtype=object)
    tid = shapely.get_type_id(geom)
    is_text = np.isin(tid, [0, 4])
    is_line = np.isin(tid, [1, 2, 5])
    is_poly = np.isin(tid, [3, 6])
    cols = [c for c in raw.columns if c != raw.geometry.name]

    # levels: the named attribute, a level-like column, the DXF layer name, the nearest text
    levels = np.full(n_input, np.nan)
    if level_field is not None:
        if level_field not in cols:
            raise InputError(tr("contours.err.no_attribute", path=src, field=level_field, fields=", ".join(cols) or tr("value.none")))
        cand = [level_field]
    else:
        cand = _level_columns(cols) + (["Layer"] if "Layer" in cols else [])
    for c in cand:
        todo = np.isnan(levels)
        if not todo.any():
            break
        vals = np.array([parse_level(v) for v in raw[c].to_numpy()[todo]], dtype=float)
        levels[np.flatnonzero(todo)] = np.where(np.isnan(vals.astype(float)), np.nan, vals)
    if "Text" in cols and is_text.any():
        tl = np.array([parse_level(v) for v in raw["Text"].to_numpy()], dtype=float)
        labels = is_text & ~np.isnan(tl)
        need = (is_line | is_poly) & np.isnan(levels)
        if labels.any() and need.any():
            tree = shapely.STRtree(geom[labels])
            near = tree.nearest(geom[need])
            levels[np.flatnonzero(need)] = tl[labels][near]
    shapes = is_line | is_poly
    for i in np.flatnonzero(shapes & np.isnan(levels)):
        problems.append((src, int(rows[i]), level_field or "level", "",
                         "no individual-risk level: name it in an attribute (--level-field), the DXF layer "
                         "(e.g. 1E-6, 3x10-7) or a text beside the line"))
    for i in np.flatnonzero(~shapes & ~is_text):
        problems.append((src, int(rows[i]), "geometry", shapely.get_type_id(geom[i]).__str__(),
                         "not a line or polygon: not a contour"))

    inst_col = _id_column(cols, "installation_id")
    ent_col = _id_column(cols, "enterprise_id")
    stat_col = _id_column(cols, "status")
    keys = pd.DataFrame({
        "level": levels,
        "installation_id": (raw[inst_col].astype(object) if inst_col else pd.Series(installation_id, index=raw.index)),
        "enterprise_id": (raw[ent_col].astype(object) if ent_col else pd.Series(enterprise_id, index=raw.index)),
        "status": (raw[stat_col].astype(object) if stat_col else pd.Series(status, index=raw.index)),
    })
    keys = keys.where(keys.notna(), None)
    usable = shapes & ~np.isnan(levels)
    out_rows: list[dict[str, Any]] = []
    out_geoms: list[Any] = []
    sel = keys[usable].assign(_i=np.flatnonzero(usable))
    for c in ("installation_id", "enterprise_id", "status"):
        sel[c] = sel[c].astype(object).where(sel[c].notna(), "").astype(str)
    grouped = sel.groupby(
        ["level", "installation_id", "enterprise_id", "status"], sort=True)
    for (lv, iid, eid, st), g in grouped:
        idx = g["_i"].to_numpy()
        polys = [geom[i] for i in idx if is_poly[i]]
        lines = [geom[i] for i in idx if is_line[i]]
        first = int(rows[idx.min()])
        if lines:
            merged = shapely.line_merge(shapely.union_all(lines))
            made, cuts, dangles, invalid = shapely.polygonize_full([merged])
            polys += list(shapely.get_parts(made))
            for bad in (cuts, dangles, invalid):
                for part in shapely.get_parts(bad):
                    if shapely.is_empty(part):
                        continue
                    a, b = shapely.get_point(part, 0), shapely.get_point(part, -1)
                    problems.append((src, first, "geometry", f"{shapely.get_x(a):.1f},{shapely.get_y(a):.1f} … "
                                     f"{shapely.get_x(b):.1f},{shapely.get_y(b):.1f}",
                                     f"contour line of level {lv:.1e} does not close; close it in the drawing "
                                     "(or export polygons) and import again"))
        if not polys:
            continue
        poly = shapely.union_all(polys)
        out_rows.append({ROW: first, "level": lv, "installation_id": iid or None, "enterprise_id": eid or None,
                         "status": st or None, "source": p.name})
        out_geoms.append(poly)
    if not out_rows:
        raise InputError(tr("contours.err.none_closed", path=src, n=n_input,
                            reason=problems[0][4] if problems else tr("contours.err.no_lines")))
    gdf = gpd.GeoDataFrame(out_rows, geometry=out_geoms, crs=raw.crs)
    gdf.attrs["source"] = src
    return ContourRead(gdf, pd.DataFrame(problems, columns=REJECTED_COLUMNS), src, n_input)


def import_contours(project: Any, path: str | Path, *, append: bool = False, **kw: Any) -> LoadResult:
    """Read a contour file (:func:`read_contours`, options in ``kw``) and store it as ``risk_contours``.

    The rejected features (unclosed lines, no level, and the loader's own findings) go to
    ``rejected/risk_contours.csv``.
    """
    from yitu.gis.crs import WGS84

    read = read_contours(path, **kw)
    old = project.read("risk_contours") if append and project.has("risk_contours") else None
    existing = old["id"].astype(str) if old is not None else ()
    result = load("risk_contours", read.gdf, settings=project.settings, existing_ids=existing)
    result.source = read.source
    result.n_input = read.n_input
    result.rejected = pd.concat([read.problems, result.rejected.assign(file=read.source)], ignore_index=True)
    gdf = result.gdf
    if not len(gdf):
        project.write_rejected("risk_contours", result.rejected)
        reasons = "; ".join(dict.fromkeys(result.rejected["reason"].astype(str)))[:300]
        raise InputError(tr("contours.err.none_loaded", path=read.source, n=len(read.gdf), reasons=reasons,
                            rejected=project.rejected_dir / "risk_contours.csv"))
    if old is not None:
        gdf = gpd.GeoDataFrame(pd.concat([old, gdf], ignore_index=True), crs=WGS84)
    project.write("risk_contours", gdf)
    project.write_rejected("risk_contours", result.rejected)
    return result
