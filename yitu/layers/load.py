"""Loading a layer: read a file, map Chinese headers to the schema, validate, and list what was rejected.

Nothing is dropped silently: every input row ends up in ``LoadResult.gdf`` or in
``LoadResult.rejected`` (one line per problem: file, row, field, value, reason), and rows that
were kept but changed (swapped coordinates fixed, polygons repaired, ids generated) are named
in ``LoadResult.warnings``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from yitu.errors import CRSError, InputError, SchemaError
from yitu.gis.crs import CHINA_BBOX, WGS84, parse_crs, to_wgs84
from yitu.gis.geometry import inside_bbox, parse_coordinates, repair_geometries, swapped_mask
from yitu.gis.io import ROW, read_any
from yitu.layers.normalize import UNCLEAN, blank, canon, clean_text, coerce, coordinate_text, header_map
from yitu.layers.schema import LAT_ALIASES, LON_ALIASES, PROTECTION_CLASS_BY_TYPE, LayerSchema, schema
from yitu.settings import Settings, default_settings
from yitu.words import listed, msg, tr
from yitu.words.status import status_text

log = logging.getLogger(__name__)

__all__ = [
    "LoadResult", "load", "import_layer", "rejected_headers", "REJECTED_COLUMNS", "CLEANED_COLUMNS",
    "AllRejectedError", "empty_layer",
]

REJECTED_COLUMNS = ["file", "row", "field", "value", "reason"]
CLEANED_COLUMNS = ["file", "row", "field", "value", "removed"]
_MAX_LISTED = 10  # changed cells named one by one in the warnings; the rest are counted
_ID_PREFIX = {
    "enterprises": "E", "risk_zones": "Z", "stations": "S", "shelters": "H", "parks": "P",
    "targets": "T", "water_sources": "W", "depots": "D", "hazards": "K", "installations": "I", "risk_contours": "C",
}
_POLYGONAL = ("Polygon", "MultiPolygon")


@dataclass
class LoadResult:
    """What :func:`load` returns: the loaded layer and everything that was not loaded as it was."""

    gdf: gpd.GeoDataFrame
    rejected: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    source: str = ""
    n_input: int = 0
    cleaned: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CLEANED_COLUMNS))

    @property
    def n_rejected(self) -> int:
        """Number of input rows rejected (a row with several problems counts once)."""
        return int(self.rejected["row"].nunique()) if len(self.rejected) else 0


def rejected_headers(lang: str | None = None) -> dict[str, str]:
    """The headers of ``rejected/<layer>.csv``: column -> its words (文件, 行, 字段, 值, 原因)."""
    return {c: tr(f"load.col.{c}", lang=lang) for c in REJECTED_COLUMNS}


class AllRejectedError(InputError):
    """Every row of an imported file was rejected: nothing is stored, the layer stays as it was."""

    def __init__(self, message: str, result: LoadResult) -> None:
        super().__init__(message)
        self.result = result


def empty_layer(layer: str) -> gpd.GeoDataFrame:
    """An empty layer with the schema's columns."""
    sch = schema(layer)
    return gpd.GeoDataFrame({f.name: pd.Series(dtype=object) for f in sch.fields}, geometry=[], crs=WGS84)


class _Rejects:
    def __init__(self, source: str, rows: pd.Series) -> None:
        self.source = source
        self.rows = rows  # index -> 1-based row number in the file
        self.items: list[tuple[str, int, str, str, str]] = []
        self.bad: set[Any] = set()

    def add(self, idx: Any, column: str, value: Any, reason: str) -> None:
        v = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
        self.items.append((self.source, int(self.rows[idx]), column, v, reason))
        self.bad.add(idx)

    def add_many(self, mask: pd.Series, column: str, values: pd.Series, reasons: pd.Series | str) -> None:
        for idx in mask[mask].index:
            self.add(idx, column, values.get(idx), reasons if isinstance(reasons, str) else reasons[idx])

    def frame(self) -> pd.DataFrame:
        df = pd.DataFrame(self.items, columns=REJECTED_COLUMNS)
        return df.sort_values(["row", "field"], kind="stable").reset_index(drop=True)


def _clean(raw: pd.DataFrame, src: str, warnings: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The one place text is cleaned on import: control characters, terminal escape sequences, zero-width
    and bidi marks are removed from headers and cells (see :func:`yitu.layers.normalize.clean_text`),
    each change named in ``warnings`` (the first few) and in the returned table (every one)."""
    geom = raw.geometry.name if isinstance(raw, gpd.GeoDataFrame) else None
    items: list[tuple[str, int | str, str, str, str]] = []
    renames: dict[Any, str] = {}
    for c in raw.columns:
        if c in (ROW, geom) or not isinstance(c, str):
            continue
        new, what = clean_text(c)
        if what:
            new = new.strip() or c
            renames[c] = new
            items.append((src, "", new, new, what))
            warnings.append(tr("load.warn.cleaned_header", src=src, field=new, what=what))
    if renames:
        raw = raw.rename(columns=renames)
    n_cells = 0
    for c in raw.columns:
        if c in (ROW, geom) or not (raw[c].dtype == object or pd.api.types.is_string_dtype(raw[c])):
            continue
        col = raw[c]
        try:  # most columns hold no such character: one search over the joined text says so
            if not UNCLEAN.search("\x20".join(col.tolist())):
                continue
        except TypeError:  # not all text: search cell by cell
            pass
        try:
            hit = col.str.contains(UNCLEAN, regex=True, na=False).astype(bool)  # non-text cells: False
        except AttributeError:  # no text in the column at all
            continue
        if not hit.any():
            continue
        col = col.copy()
        for idx in hit[hit].index:
            new, what = clean_text(col[idx])
            col[idx] = new
            row = int(raw.at[idx, ROW])
            items.append((src, row, str(c), new, what))
            n_cells += 1
            if n_cells <= _MAX_LISTED:
                log.debug("%s: row %d %s: removed %s", src, row, c, what)
            else:  # past the listed ones: a log line each (lazy: nothing is formatted when INFO is off)
                log.info(msg("load.log.cleaned", src=src, row=row, field=c, what=what))
            if n_cells <= _MAX_LISTED:
                warnings.append(tr("load.warn.cleaned", src=src, row=row, field=c, what=what))
        raw[c] = col
    if n_cells > _MAX_LISTED:
        warnings.append(tr("load.warn.cleaned_more", src=src, n=n_cells - _MAX_LISTED))
    return raw, pd.DataFrame(items, columns=CLEANED_COLUMNS)


def _reader_warnings(raw: pd.DataFrame, src: str) -> list[str]:
    """What the reader did that the office should know: merged cells filled down, hidden sheets
    skipped, which sheet of several was read, a file whose content is not what its name says."""
    out: list[str] = []
    a = raw.attrs
    if a.get("real_format"):
        kind, suffix = a["real_format"]
        out.append(tr("load.warn.real_format", src=src, suffix=suffix, kind=kind))
    if a.get("hidden_skipped"):
        out.append(tr("load.warn.hidden_skipped", src=src, hidden="、".join(a["hidden_skipped"]), sheet=a.get("sheet")))
    sheets = list(a.get("sheets") or [])
    if len(sheets) > 1 and a.get("first_sheet_by_default"):
        others = "、".join(x for x in sheets if x != a.get("sheet"))
        out.append(tr("load.warn.sheet_read", src=src, sheet=a.get("sheet"), others=others))
    if a.get("merged_filled"):
        ranges = list(a["merged_filled"])
        shown = "、".join(ranges[:10]) + (" …" if len(ranges) > 10 else "")
        out.append(tr("load.warn.merged", src=src, ranges=shown))
    return out


def _read(source: Any, sch: LayerSchema, *, sheet: str | None, encoding: str | None, layer: str | None, crs: Any) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        df = source.copy()
        if ROW not in df.columns:
            df.insert(0, ROW, np.arange(2, len(df) + 2, dtype="int64"))
        df.attrs.setdefault("source", "<DataFrame>")
        if isinstance(df, gpd.GeoDataFrame) and df.geometry.name in df.columns and df.crs is None:
            if crs is None:
                raise CRSError(tr("load.error.gdf_no_crs"))
            df = df.set_crs(parse_crs(crs).crs)
        return df
    hint = [a for f in sch.fields for a in (f.name, *f.aliases)] + list(LON_ALIASES) + list(LAT_ALIASES)
    spec = parse_crs(crs) if crs is not None else None
    vector_crs = spec.crs if spec is not None else None
    return read_any(Path(source), sheet=sheet, encoding=encoding, header_hint=hint, layer=layer, crs=vector_crs)


def _as_text(v: Any) -> str | None:
    """A vector file's or DataFrame's value as text; whole numbers stored as floats (a number column
    with a null, a Shapefile Real field) keep the text the office typed: 1.0 -> "1"."""
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    return str(v)


def _truncated_dbf_names(
    columns: list[str], sch: LayerSchema, mapping: dict[str, str], encoding: str, warnings: list[str], src: str
) -> dict[str, str]:
    """Shapefile (.dbf) field names are cut at 10 bytes: 统一社会信用代码 is 统一社会信 in GBK and 企业名称 is 企业名
    in UTF-8. A cut name (8 bytes or more) that begins exactly one field's alias is that field."""
    out: dict[str, str] = {}
    taken = set(mapping.values())
    for col in columns:
        if col in mapping:
            continue
        try:
            nbytes = len(col.encode(encoding))
        except (LookupError, UnicodeError):
            continue
        key = canon(col)
        if nbytes < 8 or not key:
            continue
        hits = {f.name for f in sch.fields for a in (f.name, *f.aliases) if canon(a).startswith(key)} - taken
        if len(hits) == 1:
            name = hits.pop()
            out[col] = name
            taken.add(name)
            warnings.append(tr("load.warn.dbf_cut", src=src, col=col, label=sch.field(name).label))
    return out


def _sheet_hint(raw: pd.DataFrame) -> str:
    """For a workbook of several sheets read without --sheet: which sheet was read and the others."""
    sheets = list(raw.attrs.get("sheets") or [])
    sheet = raw.attrs.get("sheet")
    if len(sheets) < 2 or not raw.attrs.get("first_sheet_by_default"):
        return ""
    others = "、".join(s for s in sheets if s != sheet)
    return tr("load.sheet_hint", sheet=repr(sheet), others=others)


def _code_key(v: Any) -> str | None:
    """A 统一社会信用代码 compared as the same code: NFKC, no spaces, upper case; None when empty."""
    if not isinstance(v, str):
        return None
    return canon(v).upper() or None


def _has_nan(geometry: np.ndarray) -> np.ndarray:
    """True for each geometry with a NaN coordinate."""
    out = np.zeros(len(geometry), dtype=bool)
    present = ~shapely.is_missing(geometry)
    if present.any():
        coords, index = shapely.get_coordinates(geometry[present], return_index=True)
        bad = np.isnan(coords).any(axis=1)
        hit = np.zeros(int(present.sum()), dtype=bool)
        hit[np.unique(index[bad])] = True
        out[present] = hit
    return out


def _dbf_hint(src: str) -> str:
    """A Shapefile whose .dbf is missing has geometry and no attributes: say so, not just "no column"."""
    p = Path(src)
    if p.suffix.lower() == ".shp" and not p.with_suffix(".dbf").exists() and not p.with_suffix(".DBF").exists():
        return tr("load.hint.no_dbf", dbf=p.with_suffix(".dbf").name)
    return ""


def _depended_on(layer: str, settings: Settings) -> dict[str, str]:
    """Optional fields of ``layer`` an analysis depends on -> what their absence means."""
    if layer != "stations":
        return {}
    sch = schema(layer)
    whats = dict.fromkeys(ln.what for lines in settings.requirements.values() for ln in lines)
    return {w: tr("load.effect.drill", label=sch.field(w).label, status=status_text("unknown"))
            for w in whats if w in sch.names}


def _find_column(columns: list[str], aliases: tuple[str, ...]) -> str | None:
    keys = {canon(c): c for c in columns}
    for a in aliases:
        if canon(a) in keys:
            return keys[canon(a)]
    return None


def load(
    layer: str,
    source: str | Path | pd.DataFrame,
    *,
    crs: Any = None,
    sheet: str | None = None,
    encoding: str | None = None,
    gpkg_layer: str | None = None,
    settings: Settings | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    existing_ids: Any = (),
    existing_credit_codes: Any = None,
) -> LoadResult:
    """Load and validate one layer.

    Parameters
    ----------
    layer
        A layer name from :data:`yitu.layers.schema.LAYER_NAMES` (``enterprises``, ``stations`` ...).
    source
        A file (CSV, XLSX, GeoJSON, GeoPackage, Shapefile) or a (Geo)DataFrame.
    crs
        Input coordinates: ``wgs84``, ``cgcs2000``, ``gcj02``, ``bd09`` or an EPSG code. Default:
        the file's own CRS for vector files, else ``settings.project.default_input_crs``.
    sheet, encoding, gpkg_layer
        Passed to the readers.
    settings
        Project settings (for the bbox and default input CRS).
    bbox
        Project area (min_lon, min_lat, max_lon, max_lat); points outside are rejected.
    existing_ids
        Ids already in the layer this file is appended to: generated ids continue after them.
    existing_credit_codes
        For enterprises appended to a layer: code -> id of the enterprises already in it; a row with
        one of these 统一社会信用代码 is rejected as a duplicate.

    Returns
    -------
    LoadResult
        The validated layer (canonical columns, EPSG:4326, index 0..n-1) and the rejected rows.

    Raises
    ------
    InputError
        The file cannot be read, is empty, or lacks required columns / coordinates.
    """
    sch = schema(layer)
    settings = settings or default_settings()
    if bbox is None and settings.project.bbox:
        bbox = tuple(settings.project.bbox)  # type: ignore[assignment]
    raw = _read(source, sch, sheet=sheet, encoding=encoding, layer=gpkg_layer, crs=crs)
    src = str(raw.attrs.get("source", source))
    n_input = len(raw)
    if n_input == 0:
        raise InputError(tr("load.error.no_rows", src=src, layer=layer))
    overflow = dict(raw.attrs.get("overflow") or {})
    warnings: list[str] = _reader_warnings(raw, src)
    raw = raw.reset_index(drop=True)
    raw, cleaned = _clean(raw, src, warnings)
    rows = raw[ROW]
    rej = _Rejects(src, rows)
    for idx in rows[rows.isin(list(overflow))].index:
        cells = overflow[int(rows[idx])]
        rej.add(idx, tr("load.field.extra_cells"), " | ".join(cells),
                tr("load.reason.extra_cells", n=len(cells), delim=repr(raw.attrs.get("delimiter", ","))))

    is_vector = isinstance(raw, gpd.GeoDataFrame) and raw.geometry.name in raw.columns
    geom_col = raw.geometry.name if is_vector else None
    data_cols = [c for c in raw.columns if c not in (ROW, geom_col)]
    mapping = header_map(data_cols, sch.fields)
    if src.lower().endswith(".shp"):
        mapping.update(_truncated_dbf_names(data_cols, sch, mapping, str(raw.attrs.get("encoding") or "utf-8"), warnings, src))
    lon_col = lat_col = None
    if not is_vector and sch.geometry:
        lon_col = _find_column([c for c in data_cols if c not in mapping], LON_ALIASES)
        lat_col = _find_column([c for c in data_cols if c not in mapping], LAT_ALIASES)
        if lon_col is None or lat_col is None:
            raise SchemaError(tr("load.error.no_coords", src=src, layer=layer, columns=", ".join(data_cols),
                                 hint=_sheet_hint(raw)))
    ignored = [c for c in data_cols if c not in mapping and c not in (lon_col, lat_col)]
    if ignored:
        log.info(msg("load.log.ignored_columns", src=src, layer=layer, columns=listed(ignored)))
    back = {v: k for k, v in mapping.items()}
    fids = raw.attrs.get("feature_ids")
    if "id" not in back and "id" in sch.names and fids is not None and len(fids) == n_input:
        # GeoJSON features' own "id" (no 编号 among the properties): the id zones and hazards refer to
        raw["id"] = pd.Series(fids, index=raw.index, dtype=object)
        back["id"] = "id"
    for name in sch.required:
        if name not in back:
            f = sch.field(name)
            raise SchemaError(tr("load.error.no_required", src=src, label=f.label, name=name,
                                 accepted=", ".join(dict.fromkeys((f.name, *f.aliases))),
                                 hint=_sheet_hint(raw) + _dbf_hint(src)))
    for name, effect in _depended_on(layer, settings).items():
        if name not in back:
            warnings.append(tr("load.warn.missing_column", src=src, label=sch.field(name).label, effect=effect))

    # -- attributes ------------------------------------------------------------------------
    out: dict[str, pd.Series] = {}
    for f in sch.fields:
        col = back.get(f.name)
        if col is None:
            out[f.name] = pd.Series(None, index=raw.index, dtype=object)
            continue
        text = raw[col].astype(object).where(raw[col].notna(), None)
        text = text.map(_as_text, na_action="ignore")  # vector files and DataFrames hold numbers, bools, dates
        values, problems = coerce(text, f)
        rej.add_many(problems.notna(), col, text, problems)
        if f.required:
            rej.add_many(blank(text), col, text, tr("load.reason.required_empty", label=f.label))
        for k, (key, vals) in sorted(values.attrs.get("notes", {}).items())[:_MAX_LISTED]:
            warnings.append(tr(key, src=src, row=int(rows[k]), field=col, value=text[k], **vals))
        n_notes = len(values.attrs.get("notes", {}))
        if n_notes > _MAX_LISTED:
            log.info(msg("load.log.more_notes", src=src, field=col, n=n_notes - _MAX_LISTED))
        values.attrs = {}
        out[f.name] = values

    # -- geometry --------------------------------------------------------------------------
    if not sch.geometry:
        geometry = np.full(n_input, None, dtype=object)
        crs_out = None
    elif is_vector:
        spec = parse_crs(crs) if crs is not None else None
        gs = raw.geometry
        if spec is not None and spec.is_web_datum:
            gs = to_wgs84(gs, spec)
        else:
            gs = gs.to_crs(WGS84)
        geometry = np.asarray(gs.values, dtype=object)
        missing = shapely.is_missing(geometry) | shapely.is_empty(geometry)
        rej.add_many(pd.Series(missing, index=raw.index), tr("load.field.geometry"), pd.Series("", index=raw.index),
                     tr("load.reason.missing_geometry"))
        nan = ~missing & _has_nan(geometry)
        if nan.any():  # GeoJSON NaN coordinates: GDAL reads them, nothing downstream can use them
            rej.add_many(pd.Series(nan, index=raw.index), tr("load.field.geometry"), pd.Series(shapely.to_wkt(geometry, trim=True), index=raw.index),
                         tr("load.reason.geometry_nan"))
            geometry[nan] = None
        crs_out = WGS84
    else:
        spec = parse_crs(crs if crs is not None else settings.project.default_input_crs)
        lon = parse_coordinates(coordinate_text(raw[lon_col].astype(object)))
        lat = parse_coordinates(coordinate_text(raw[lat_col].astype(object)))
        empty_lon = blank(raw[lon_col].astype(object)).to_numpy()
        empty_lat = blank(raw[lat_col].astype(object)).to_numpy()
        for arr, col, empty in ((lon, lon_col, empty_lon), (lat, lat_col, empty_lat)):
            m = pd.Series(empty, index=raw.index)
            rej.add_many(m, col, raw[col], tr("load.reason.missing_coordinate"))
            m = pd.Series(np.isnan(arr) & ~empty, index=raw.index)
            rej.add_many(m, col, raw[col], tr("load.reason.coordinate_nan"))
        bad_xy = np.isnan(lon) | np.isnan(lat)  # one reason each: no "outside China" for a point never made
        lon, lat = np.where(bad_xy, np.nan, lon), np.where(bad_xy, np.nan, lat)
        geographic = spec.kind != "proj" or spec.crs.is_geographic
        if geographic:
            sw = swapped_mask(lon, lat) & ~np.isnan(lon) & ~np.isnan(lat)
            if sw.any():
                lon, lat = np.where(sw, lat, lon), np.where(sw, lon, lat)
                rows_sw = ", ".join(str(r) for r in rows[sw].head(10))
                warnings.append(tr("load.warn.swapped", src=src, rows=rows_sw + (" …" if sw.sum() > 10 else "")))
        pts = gpd.GeoSeries(np.where(bad_xy, None, shapely.points(lon, lat)), index=raw.index,
                            crs=spec.crs if spec.kind == "proj" else WGS84)
        gs = to_wgs84(pts, spec)
        if not geographic:
            # Chinese survey tables name the northing X and the easting Y (测量坐标): where the pair
            # lands outside China as given and inside it swapped, it was swapped
            alt = to_wgs84(gpd.GeoSeries(shapely.points(lat, lon), index=raw.index, crs=spec.crs), spec)
            with np.errstate(invalid="ignore"):
                sw = (~inside_bbox(gs.x.to_numpy(), gs.y.to_numpy(), CHINA_BBOX)
                      & inside_bbox(alt.x.to_numpy(), alt.y.to_numpy(), CHINA_BBOX))
            if sw.any():
                gs = gs.where(~sw, alt)
                rows_sw = ", ".join(str(r) for r in rows[sw].head(10))
                warnings.append(tr("load.warn.xy_swapped", src=src, rows=rows_sw + (" …" if sw.sum() > 10 else "")))
        geometry = np.asarray(gs.values, dtype=object)
        crs_out = WGS84
    if sch.geometry:
        valid_xy = ~(shapely.is_missing(geometry) | shapely.is_empty(geometry))
        cx = np.full(n_input, np.nan)
        cy = np.full(n_input, np.nan)
        if valid_xy.any():
            c = shapely.centroid(geometry[valid_xy])
            cx[valid_xy], cy[valid_xy] = shapely.get_x(c), shapely.get_y(c)
        ok = valid_xy & ~np.isnan(cx) & ~np.isnan(cy)
        outside = ok & ~inside_bbox(cx, cy, CHINA_BBOX)
        where = pd.Series([f"{x:.6f},{y:.6f}" for x, y in zip(cx, cy)], index=raw.index)
        rej.add_many(pd.Series(outside, index=raw.index), tr("load.field.geometry"), where, tr("load.reason.outside_china"))
        if bbox is not None:
            out_area = ok & ~outside & ~inside_bbox(cx, cy, bbox)
            rej.add_many(pd.Series(out_area, index=raw.index), tr("load.field.geometry"), where,
                         tr("load.reason.outside_area", bbox=",".join(f"{v:g}" for v in bbox)))
        if "Point" in sch.geometry:  # a MultiPoint of one point (ArcGIS and some exports write them) is a point
            one = ok & (shapely.get_type_id(geometry) == 4) & (shapely.get_num_geometries(geometry) == 1)
            if one.any():
                geometry[one] = shapely.get_geometry(geometry[one], 0)
                warnings.append(tr("load.warn.multipoint", src=src, n=int(one.sum())))
        types = shapely.get_type_id(geometry)
        names = np.array(["Point", "LineString", "LinearRing", "Polygon", "MultiPoint", "MultiLineString",
                          "MultiPolygon", "GeometryCollection"], dtype=object)
        allowed = set(sch.geometry) | ({"MultiPolygon"} if "Polygon" in sch.geometry else set())
        tname = np.where(types >= 0, names[np.clip(types, 0, 7)], "")
        wrong = ok & ~np.isin(tname, list(allowed))
        rej.add_many(pd.Series(wrong, index=raw.index), tr("load.field.geometry"), pd.Series(tname, index=raw.index),
                     tr("load.reason.geometry_type", layer=layer, allowed=", ".join(sorted(allowed))))
        poly = ok & np.isin(tname, _POLYGONAL)
        if poly.any():
            fixed, report = repair_geometries(geometry[poly])
            geometry[poly] = fixed
            if len(report):
                idx = np.flatnonzero(poly)[report["position"].to_numpy()]
                for i, reason in zip(idx, report["reason"]):
                    warnings.append(tr("load.warn.polygon_repaired", src=src, row=rows[i], reason=reason))

    # -- ids -------------------------------------------------------------------------------
    ids = out["id"]
    missing_id = ids.isna()
    if missing_id.any():
        prefix = _ID_PREFIX.get(layer, "X")
        existing = {str(v) for v in existing_ids}
        gen = [f"{prefix}{i + 1 + len(existing):04d}" for i in range(n_input)]
        taken = set(ids.dropna()) | existing
        gen_s = pd.Series([g if g not in taken else f"{g}_{k}" for k, g in enumerate(gen)], index=raw.index)
        ids = ids.where(~missing_id, gen_s)
        out["id"] = ids
        warnings.append(tr("load.warn.ids_generated", src=src, n=int(missing_id.sum()), first=ids[missing_id].iloc[0]))
    # duplicates among the rows that are otherwise good; name the row of the first occurrence
    good = ~raw.index.isin(list(rej.bad))
    first_row: dict[Any, int] = {}
    for idx in raw.index[good]:
        first_row.setdefault(ids[idx], rows[idx])
    dup = pd.Series(good, index=raw.index) & ids.map(lambda v: v in first_row) & (rows != ids.map(first_row))
    id_col = back.get("id", "id")
    for idx in dup[dup].index:
        rej.add(idx, id_col, ids[idx], tr("load.reason.duplicate_id", row=first_row[ids[idx]]))
    if "credit_code" in out and "credit_code" in back:
        # one legal entity, one 统一社会信用代码: a second row with the same code is rejected, naming the first
        cc = out["credit_code"].astype(object)
        code = cc.where(cc.map(lambda v: isinstance(v, str)))  # canonical: NFKC, no spaces, upper case
        code = code.str.normalize("NFKC").str.replace(r"\s+", "", regex=True).str.upper().replace("", None)
        good = pd.Series(~raw.index.isin(list(rej.bad)), index=raw.index) & code.notna()
        seen = code[good]
        known = {_code_key(k): str(v) for k, v in dict(existing_credit_codes or {}).items() if _code_key(k)}
        in_layer = seen.map(lambda c: c in known).astype(bool)
        for idx in in_layer[in_layer].index:  # appended: the code is already in the stored layer
            rej.add(idx, back["credit_code"], out["credit_code"][idx],
                    tr("load.reason.credit_code_stored", first=known[code[idx]]))
        rest = seen[~in_layer]
        again = rest.duplicated(keep="first")
        if again.any():
            first = pd.Series(rest[~again].index, index=rest[~again].to_numpy())  # code -> index of its first row
            for idx in again[again].index:
                f0 = first[code[idx]]
                rej.add(idx, back["credit_code"], out["credit_code"][idx],
                        tr("load.reason.duplicate_credit_code", row=rows[f0], first=ids[f0]))

    # -- assemble --------------------------------------------------------------------------
    keep = ~raw.index.isin(list(rej.bad))
    frame = pd.DataFrame({name: s[keep] for name, s in out.items()})
    if layer == "targets":
        fill = frame["target_type"].map(PROTECTION_CLASS_BY_TYPE)
        frame["protection_class"] = frame["protection_class"].where(frame["protection_class"].notna(), fill)
    if layer == "stations":
        no_turnout = frame["turnout_min"].isna()
        if no_turnout.any():
            warnings.append(tr("load.warn.no_turnout", src=src, n=int(no_turnout.sum())))
    gdf = gpd.GeoDataFrame(frame, geometry=list(geometry[keep]), crs=crs_out).reset_index(drop=True)
    rejected = rej.frame()
    log.info(msg("load.log.loaded", src=src, layer=layer, loaded=len(gdf), rows=n_input,
                 rejected=rejected["row"].nunique()))
    for w in warnings:
        log.debug(w)
    return LoadResult(gdf, rejected, warnings, ignored, src, n_input, cleaned)


def import_layer(
    project: Any,
    layer: str,
    source: str | Path | pd.DataFrame,
    *,
    append: bool = False,
    **kw: Any,
) -> LoadResult:
    """Load ``source`` as ``layer`` and store it in ``project`` (replacing it, or appended to it).

    The rejected rows go to ``rejected/<layer>.csv`` beside the project (an empty file when none; when
    appending, after those of the files imported before).
    Options in ``kw`` go to :func:`load`; the project's settings are used.

    Raises
    ------
    AllRejectedError
        When every row was rejected: the layer is not replaced by an empty one (an existing layer
        stays as it was), and ``rejected/<layer>.csv`` lists why. Exit 2 in the CLI.
    """
    if append and hasattr(project, "locked"):
        # read the stored layer, add the rows and write it back under the project's write lock, so a
        # second command cannot write between the read and the write (its rows would be lost)
        with project.locked():
            return _import_layer(project, layer, source, append=append, **kw)
    return _import_layer(project, layer, source, append=append, **kw)


def _import_layer(project: Any, layer: str, source: str | Path | pd.DataFrame, *, append: bool, **kw: Any) -> LoadResult:
    old = project.read(layer) if append and project.has(layer) else None
    existing = old["id"].astype(str) if old is not None else ()
    codes = None
    if old is not None and "credit_code" in old.columns:
        codes = dict(zip(old["credit_code"], old["id"].astype(str)))
    result = load(layer, source, settings=project.settings, existing_ids=existing, existing_credit_codes=codes, **kw)
    gdf = result.gdf
    path = project.rejected_dir / f"{layer}.csv"

    def rejected_list() -> pd.DataFrame:
        if old is None:
            return result.rejected
        before = project.read_rejected(layer)  # the rows rejected from the files appended before stay listed
        return pd.concat([before, result.rejected.astype({"row": str})], ignore_index=True) if len(before) else result.rejected

    if len(gdf) == 0:
        # nothing usable: the stored layer (if any) stays; the reasons are written for the office to fix
        project.write_rejected(layer, rejected_list())
        raise AllRejectedError(tr("load.error.all_rejected", src=result.source, n=result.n_input, layer=layer,
                                  path=path), result)
    if old is not None:
        clash = set(old["id"].astype(str)) & set(gdf["id"].astype(str))
        if clash:
            raise InputError(tr("load.error.ids_clash", src=result.source, layer=layer,
                                ids=", ".join(sorted(clash)[:10])))
        gdf = gpd.GeoDataFrame(pd.concat([old, gdf], ignore_index=True), crs=WGS84)
    if layer == "hazards":
        gdf = pd.DataFrame(gdf.drop(columns="geometry"))
    project.write(layer, gdf)
    project.write_rejected(layer, rejected_list())
    return result
