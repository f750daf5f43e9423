"""Readers and writers: CSV (UTF-8, UTF-8-BOM, GBK), XLSX, GeoJSON, GeoPackage, Shapefile (GBK too).

Readers say what they detected: ``df.attrs`` holds ``source``, ``encoding`` and ``header_row``,
and a ``_row`` column holds each record's 1-based row number in the original file (the line
number for CSV, the Excel row for XLSX, the feature number for vector files), so a rejected
row can be reported where the user will find it. Tables are read as text: no dtype guessing,
so 统一社会信用代码 and leading zeros survive. Every writer is atomic; :func:`write_xlsx` is
the one XLSX writer for result tables (frozen header, fitted widths, autofilter).
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import logging
import math
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from yitu.errors import CRSError, InputError
from yitu.words import tr

log = logging.getLogger(__name__)

# Control characters an XLSX cell cannot hold (openpyxl refuses them).
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

__all__ = [
    "ROW",
    "TABLE_SUFFIXES",
    "VECTOR_SUFFIXES",
    "read_table",
    "read_vector",
    "read_any",
    "atomic_path",
    "write_gpkg",
    "list_layers",
    "read_gpkg_layer",
    "write_csv",
    "csv_safe_frame",
    "csv_safe_cell",
    "xlsx_workbook",
    "write_xlsx",
]

ROW = "_row"
TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")
VECTOR_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp")
_ENCODINGS = ("utf-8-sig", "gb18030")


def _check_exists(path: Path) -> None:
    if not path.exists():
        raise InputError(tr("io.not_found", path=path))
    if path.is_dir():
        raise InputError(tr("io.is_folder", path=path))


def _utf16_without_bom(raw: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when the bytes look like UTF-16 without a byte-order mark (a NUL in
    every other byte of the first kilobytes), else ``None``: such a file decodes as "UTF-8" full of NULs."""
    head = raw[:4096]
    if len(head) < 4 or head.count(b"\x00") < len(head) // 4:
        return None
    odd, even = head[1::2].count(b"\x00"), head[0::2].count(b"\x00")
    if odd > 3 * max(even, 1):
        return "utf-16-le"
    if even > 3 * max(odd, 1):
        return "utf-16-be"
    return None


def _decode(raw: bytes, path: Path, encoding: str | None) -> tuple[str, str]:
    if encoding:
        try:
            return raw.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise InputError(tr("io.bad_encoding", path=path, encoding=encoding, exc=exc)) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel/WPS "Unicode 文本": UTF-16 with a BOM
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    utf16 = _utf16_without_bom(raw)
    if utf16:
        try:
            return raw.decode(utf16), utf16
        except UnicodeDecodeError:
            pass
    for enc in _ENCODINGS:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "utf-8-sig":
            return text, "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"
        return text, "gbk"
    raise InputError(tr("io.not_text", path=path))


def _header_score(cells: list[str], hint: set[str]) -> int:
    return sum(1 for c in cells if c and c.strip().lower() in hint)


def _find_header(rows: list[list[str]], hint: Iterable[str]) -> int:
    """Index of the header row among the first rows: the best match to ``hint``, else the first wide row."""
    h = {s.strip().lower() for s in hint}
    head = rows[:20]
    if h:
        scores = [_header_score(r, h) for r in head]
        if scores and max(scores) > 0:
            return scores.index(max(scores))
    width = max((sum(1 for c in r if c.strip()) for r in head), default=0)
    for i, r in enumerate(head):
        filled = sum(1 for c in r if c.strip())
        if filled >= 2 and filled >= max(2, width // 2):
            return i
    return 0


def _sub_header(rows: list[list[str]], idx: int, hint: Iterable[str]) -> tuple[int, list[str]] | None:
    """A header of two rows (a merged 坐标 over 经度 | 纬度): the index of the upper row and the merged
    header, when the header row ``idx`` has a row below (or above) it whose non-empty cells, two or
    more, are all header words; ``None`` otherwise."""
    h = {s.strip().lower() for s in hint}
    if not h:
        return None

    def words_only(r: list[str]) -> bool:
        cells = [str(c).strip().lower() for c in r if c is not None and str(c).strip()]
        return len(cells) >= 2 and all(c in h for c in cells)

    for upper in (idx, idx - 1):
        lower = upper + 1
        if upper < 0 or lower >= len(rows) or not words_only(rows[lower]) or not _header_score(rows[upper], h):
            continue
        top = [str(c).strip() if c is not None else "" for c in rows[upper]]
        sub = [str(c).strip() if c is not None else "" for c in rows[lower]]
        width = max(len(top), len(sub))
        top += [""] * (width - len(top))
        sub += [""] * (width - len(sub))
        return upper, [b or a for a, b in zip(top, sub)]
    return None


def _frame(
    rows: list[list[str]], row_numbers: list[int], header_idx: int, path: Path, *, overflow: bool = False,
    hint: Iterable[str] = (),
) -> pd.DataFrame:
    """Rows below the header as text. With ``overflow``, rows with non-empty cells beyond the header's
    last column are listed in ``attrs['overflow']`` (row number -> those cells): in a CSV they mean a
    value with an unquoted delimiter, so the row's values are shifted."""
    header = [str(c).strip() for c in rows[header_idx]]
    two = _sub_header(rows, header_idx, hint)
    if two is not None:
        header_idx, header = two[0] + 1, two[1]  # the body starts below the lower header row
    body = rows[header_idx + 1 :]
    numbers = row_numbers[header_idx + 1 :]
    names: list[str] = []
    for i, name in enumerate(header):
        name = name or f"column_{i + 1}"
        base, k = name, 2
        while name in names:
            name, k = f"{base}_{k}", k + 1
        names.append(name)
    width = len(names)
    data = []
    kept_numbers = []
    extra: dict[int, list[str]] = {}
    for r, n in zip(body, numbers):
        cells = [(c if c is not None else "") for c in r[:width]] + [""] * max(0, width - len(r))
        beyond = [str(c).strip() for c in r[width:] if c is not None and str(c).strip()] if overflow else []
        if not any(str(c).strip() for c in cells) and not beyond:
            continue  # blank line
        if beyond:
            extra[n] = beyond
        data.append([str(c).strip() for c in cells])
        kept_numbers.append(n)
    df = pd.DataFrame(data, columns=names, dtype=object)
    df.insert(0, ROW, pd.Series(kept_numbers, dtype="int64"))
    df.attrs["source"] = str(path)
    df.attrs["header_row"] = header_idx
    df.attrs["overflow"] = extra
    return df


def _read_csv(path: Path, encoding: str | None, header_hint: Iterable[str]) -> pd.DataFrame:
    raw = path.read_bytes()
    if not raw.strip(b"\xef\xbb\xbf \r\n\t"):
        raise InputError(tr("io.empty", path=path))
    text, enc = _decode(raw, path, encoding)
    # a NUL is a character to clean later (yitu.layers.load says so), never the end of a value; the
    # csv module keeps it, GDAL and SQLite would cut the text there
    if not text.strip("\ufeff \r\n\t\x00"):
        raise InputError(tr("io.empty", path=path))
    sample = text[:20000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        delim = dialect.delimiter
    except csv.Error:
        delim = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    rows: list[list[str]] = []
    numbers: list[int] = []
    for row in reader:
        rows.append(row)
        numbers.append(reader.line_num)
    if not rows:
        raise InputError(tr("io.empty", path=path))
    df = _frame(rows, numbers, _find_header(rows, header_hint), path, overflow=True, hint=header_hint)
    df.attrs["encoding"] = enc
    df.attrs["delimiter"] = delim
    log.debug("%s: read %d rows (%s, delimiter %r)", path, len(df), enc, delim)
    return df


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == time(0) else v.isoformat(sep=" ")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]{1,3}[0-9]+:[A-Z]{1,3}[0-9]+)"')


def _merged_ranges(path: Path, ws: Any) -> list[str]:
    """The merged ranges of a sheet (``E2:E4`` ...), read from the sheet's XML (openpyxl's read-only
    mode, which keeps memory flat on large workbooks, does not give them)."""
    import zipfile

    member = str(getattr(ws, "_worksheet_path", "") or "").lstrip("/")
    if not member:
        return []
    refs: dict[bytes, None] = {}
    try:
        with zipfile.ZipFile(path) as z, z.open(member) as f:
            tail = b""
            while chunk := f.read(1 << 20):
                buf = tail + chunk
                refs.update(dict.fromkeys(_MERGE_REF.findall(buf)))
                tail = buf[-256:]
    except (KeyError, OSError, zipfile.BadZipFile):
        return []
    return [r.decode("ascii") for r in refs]


def _fill_merged(rows: list[list[str]], ranges: list[str]) -> list[str]:
    """Fill each merged range spanning several rows down its first column with the top-left value (a
    merged 乡镇 cell E2:E4 holds the town of rows 2, 3 and 4; Excel keeps the value in E2 only).
    Returns the ranges filled."""
    from openpyxl.utils.cell import range_boundaries

    filled = []
    for ref in ranges:
        c1, r1, _c2, r2 = range_boundaries(ref)
        if r2 <= r1 or r1 > len(rows):
            continue
        top = rows[r1 - 1][c1 - 1] if c1 - 1 < len(rows[r1 - 1]) else ""
        if not str(top).strip():
            continue
        changed = False
        for r in range(r1, min(r2, len(rows))):
            row = rows[r]
            if len(row) < c1:
                row.extend([""] * (c1 - len(row)))
            if not str(row[c1 - 1]).strip():
                row[c1 - 1] = top
                changed = True
        if changed:
            filled.append(ref)
    return filled


def _read_xlsx(path: Path, sheet: str | None, header_hint: Iterable[str]) -> pd.DataFrame:
    import openpyxl

    fh = path.open("rb")  # a file object: openpyxl refuses a workbook by its name when that is not .xlsx
    try:
        wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a broken file
        fh.close()
        raise InputError(tr("io.bad_xlsx", path=path, exc=exc)) from None
    try:
        names = wb.sheetnames
        states = {n: getattr(wb[n], "sheet_state", "visible") for n in names}
        visible = [n for n in names if states[n] == "visible"]
        hidden_skipped: list[str] = []
        if sheet is None:
            chosen = visible[0] if visible else names[0]
            hidden_skipped = [n for n in names[: names.index(chosen)] if states[n] != "visible"]
            ws = wb[chosen]
        elif sheet in names:
            ws = wb[sheet]
        else:
            raise InputError(tr("io.no_sheet", path=path, sheet=repr(sheet), sheets=", ".join(names)))
        rows = [[_cell(c) for c in r] for r in ws.iter_rows(min_row=1, min_col=1, values_only=True)]
        merged = _merged_ranges(path, ws)
    finally:
        wb.close()
        fh.close()
    numbers = list(range(1, len(rows) + 1))
    if not any(any(c.strip() for c in r) for r in rows):
        others = [n for n in names if n != ws.title]
        if others:
            listed = ", ".join(repr(n) + (tr("io.hidden") if states[n] != "visible" else "") for n in others)
            raise InputError(tr("io.sheet_empty_others", path=path, sheet=repr(ws.title), others=listed))
        raise InputError(tr("io.sheet_empty", path=path, sheet=repr(ws.title)))
    filled = _fill_merged(rows, merged) if merged else []
    df = _frame(rows, numbers, _find_header(rows, header_hint), path, hint=header_hint)
    df.attrs["encoding"] = "xlsx"
    df.attrs["sheet"] = ws.title
    df.attrs["sheets"] = list(names)
    df.attrs["first_sheet_by_default"] = sheet is None
    df.attrs["hidden_skipped"] = hidden_skipped
    # merged ranges that reach the data rows (a merged title above the header is no news)
    header_row = int(df.attrs["header_row"]) + 1  # 1-based Excel row of the (last) header row
    df.attrs["merged_filled"] = [r for r in filled if _range_last_row(r) > header_row]
    return df


def _range_last_row(ref: str) -> int:
    from openpyxl.utils.cell import range_boundaries

    return int(range_boundaries(ref)[3])


def _sniff(path: Path) -> str:
    """What a table file holds, from its first bytes: ``xlsx`` (a zip), ``xls`` (an OLE2 compound file:
    old Excel or WPS), ``html`` (a web page saved as .xls), else ``text``."""
    with path.open("rb") as f:
        head = f.read(2048)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    low = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if low.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
        return "html"
    return "text"


def read_table(
    path: str | Path,
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    header_hint: Iterable[str] = (),
) -> pd.DataFrame:
    """Read a CSV or XLSX table as text.

    Parameters
    ----------
    path
        ``.csv``/``.txt``/``.tsv`` (UTF-8, UTF-8 with BOM or GBK/GB18030, detected; delimiter sniffed)
        or ``.xlsx`` (first sheet unless ``sheet`` is given).
    sheet
        Sheet name for XLSX.
    encoding
        Force a text encoding instead of detecting it.
    header_hint
        Column names that may appear in the header; the row matching most of them within the
        first 20 rows is the header (title rows above it are skipped).

    Returns
    -------
    DataFrame
        String columns, a ``_row`` column with the 1-based row number in the file, and
        ``attrs`` ``source``, ``encoding``, ``header_row``.

    Raises
    ------
    InputError
        Missing or empty file, undecodable text, unknown sheet, old ``.xls``.
    """
    p = Path(path)
    _check_exists(p)
    suffix = p.suffix.lower()
    kind = _sniff(p)  # what the file holds, whatever its name says
    if kind == "xls":
        raise InputError(tr("io.old_xls", path=p))
    if kind == "html":
        raise InputError(tr("io.html", path=p, name=p.name))
    if kind == "xlsx":
        if suffix not in (".xlsx", ".xlsm"):
            df = _read_xlsx(p, sheet, header_hint)
            df.attrs["real_format"] = ("XLSX", suffix or "(no suffix)")
            return df
        return _read_xlsx(p, sheet, header_hint)
    if suffix in (".xlsx", ".xlsm", ".xls"):
        try:
            df = _read_csv(p, encoding, header_hint)  # a CSV or text table named .xlsx: read what it is
        except InputError:
            raise InputError(tr("io.neither", path=p)) from None
        df.attrs["real_format"] = ("CSV", suffix)
        return df
    return _read_csv(p, encoding, header_hint)


def _looks_mojibake(df: pd.DataFrame) -> bool:
    for col in df.columns:
        if df[col].dtype == object:
            for v in df[col].dropna().head(200):
                if isinstance(v, str) and "\ufffd" in v:
                    return True
    return any("\ufffd" in str(c) for c in df.columns)


def _read_shp_cut_names(p: Path, kw: dict[str, Any], enc: str) -> gpd.GeoDataFrame:
    """Read a Shapefile whose .dbf field names were cut at 10 bytes inside a character (GDAL and QGIS
    cut 企业名称 in UTF-8 to 企业名 plus one byte): bytes read as latin-1, then decoded as ``enc``,
    the broken character dropped from the names."""
    before = pyogrio.get_gdal_config_option("SHAPE_ENCODING")
    pyogrio.set_gdal_config_options({"SHAPE_ENCODING": "ISO-8859-1"})  # GDAL hands over the bytes as they are
    try:
        gdf = pyogrio.read_dataframe(p, **{k: v for k, v in kw.items() if k != "encoding"})
    except Exception as exc:  # pyogrio raises DataSourceError/DataLayerError and others
        raise InputError(tr("io.bad_vector", path=p, exc=exc)) from None
    finally:
        pyogrio.set_gdal_config_options({"SHAPE_ENCODING": before})

    def fix(text: str, errors: str) -> str:
        return text.encode("latin-1").decode(enc, errors=errors)

    geom = gdf.geometry.name
    try:
        for c in gdf.columns:
            if c != geom and not pd.api.types.is_numeric_dtype(gdf[c]):
                gdf[c] = gdf[c].astype(object).map(lambda v: fix(v, "strict") if isinstance(v, str) else v)
    except UnicodeError:
        raise InputError(tr("io.bad_text", path=p, encoding=enc)) from None
    names: list[str] = []
    for c in gdf.columns:
        name = c if c == geom else fix(c, "ignore")
        base, k = name, 2
        while name in names:
            name, k = f"{base}_{k}", k + 1
        names.append(name)
    gdf.columns = names
    return gdf.set_geometry(geom)


_GDAL_JSON_LOSSES = re.compile(rb"\\u0000|\\u[dD][89abAB][0-9a-fA-F]{2}")


def _geojson_text_with_nul(path: Path, gdf: gpd.GeoDataFrame) -> None:
    """Put back, in place, the text properties GDAL's GeoJSON reader loses: it ends a text at an escaped
    NUL (``"江海\\u0000化工"`` is read as ``江海``) and turns an escaped surrogate pair (``"\\ud876\\udd65"``,
    a CJK Extension B+ character as Python's json writes it) into U+FFFD. Those properties are read
    again with Python's json (the import's clean-up then removes the NUL and says so)."""
    import json

    try:
        raw = path.read_bytes()
    except OSError:
        return
    if not _GDAL_JSON_LOSSES.search(raw):
        return
    try:
        data = json.loads(raw.decode("utf-8-sig"))
        feats = data["features"]
    except (ValueError, KeyError, TypeError):
        return
    if not isinstance(feats, list) or len(feats) != len(gdf):
        return
    for k, f in enumerate(feats):
        props = f.get("properties") if isinstance(f, dict) else None
        if not isinstance(props, dict):
            continue
        for name, v in props.items():
            if not (isinstance(v, str) and name in gdf.columns and name != gdf.geometry.name):
                continue
            if "\x00" in v or any(ord(c) > 0xFFFF for c in v):
                if gdf[name].dtype != object:
                    gdf[name] = gdf[name].astype(object)
                gdf.iat[k, gdf.columns.get_loc(name)] = v


def _geojson_feature_ids(path: Path) -> list[str | None] | None:
    """The features' own ``"id"`` members (RFC 7946), which GDAL turns into FIDs and drops when they
    are numbers; ``None`` when no feature has one or the file is not plain GeoJSON."""
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
        feats = data["features"] if isinstance(data, dict) and data.get("type") == "FeatureCollection" else None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(feats, list):
        return None
    ids = [f.get("id") if isinstance(f, dict) else None for f in feats]
    if all(i is None for i in ids):
        return None
    return [None if i is None else (str(int(i)) if isinstance(i, float) and i.is_integer() else str(i)) for i in ids]


def _shp_encoding(path: Path) -> str | None:
    cpg = path.with_suffix(".cpg")
    if not cpg.exists():
        cpg = path.with_suffix(".CPG")
    if cpg.exists():
        enc = cpg.read_text(encoding="ascii", errors="ignore").strip()
        # GB2312 in a .cpg means GBK text: GBK is its superset, and offices' names use GBK-only characters (镕)
        return {"936": "gbk", "cp936": "gbk", "gb2312": "gbk", "ansi 936": "gbk", "65001": "utf-8"}.get(enc.lower(), enc) or None
    return None


def _shp_bytes_are_utf8(path: Path) -> bool:
    dbf = path.with_suffix(".dbf")
    if not dbf.exists():
        return True
    try:
        dbf.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _dbf_text_with_nul(path: Path, enc: str) -> dict[int, dict[int, str]]:
    """Text fields of a Shapefile's .dbf whose values hold a NUL inside (``江海\\0化工``): GDAL reads a
    value as a C string and cuts it at the NUL (``江海``). Returns field position -> {record position
    (deleted records skipped, as GDAL does) -> the whole value, NUL kept for yitu.layers.load to clean
    and report}; empty when no value has an inner NUL."""
    dbf = next((d for d in (path.with_suffix(".dbf"), path.with_suffix(".DBF")) if d.exists()), None)
    if dbf is None:
        return {}
    data = dbf.read_bytes()
    if len(data) < 32:
        return {}
    n, hlen, rlen = (int.from_bytes(data[4:8], "little"), int.from_bytes(data[8:10], "little"),
                     int.from_bytes(data[10:12], "little"))
    if b"\x00" not in data[hlen:] or rlen <= 1:
        return {}
    fields: list[tuple[str, int, int]] = []
    off, pos = 32, 1
    while off + 32 <= hlen and data[off] != 0x0D:
        flen = data[off + 16]
        fields.append((chr(data[off + 11]), pos, flen))
        pos, off = pos + flen, off + 32
    live = [r for r in range(n) if data[hlen + r * rlen: hlen + r * rlen + 1] != b"*"]
    out: dict[int, dict[int, str]] = {}
    for i, (ftype, fpos, flen) in enumerate(fields):
        if ftype != "C":
            continue
        for k, r in enumerate(live):
            start = hlen + r * rlen + fpos
            core = data[start: start + flen].rstrip(b" \x00")
            if b"\x00" in core:
                try:
                    out.setdefault(i, {})[k] = core.decode(enc).strip()
                except (UnicodeDecodeError, LookupError):
                    continue
    return out


def read_vector(
    path: str | Path,
    *,
    layer: str | None = None,
    encoding: str | None = None,
    crs: Any = None,
    table_ok: bool = False,
) -> gpd.GeoDataFrame:
    """Read GeoJSON, GeoPackage or Shapefile into a GeoDataFrame with a CRS.

    A layer without geometry (a GeoPackage attribute table) is an :class:`InputError`, or with
    ``table_ok`` comes back as a plain DataFrame.

    Shapefile text encoding comes from ``encoding``, else the ``.cpg`` file, else UTF-8 when the
    ``.dbf`` decodes as UTF-8, else GBK; ``attrs['encoding']`` says which. A file without a CRS
    raises :class:`CRSError` unless ``crs`` is given (GeoJSON is EPSG:4326 by RFC 7946).
    """
    p = Path(path)
    _check_exists(p)
    suffix = p.suffix.lower()
    kw: dict[str, Any] = {}
    enc = encoding
    if suffix == ".gpkg":
        layers = list_layers(p)
        if not layers:
            raise InputError(tr("io.gpkg_empty", path=p))
        if layer is None:
            if len(layers) > 1:
                raise InputError(tr("io.gpkg_several", path=p, layers=", ".join(layers)))
            layer = layers[0]
        elif layer not in layers:
            raise InputError(tr("io.gpkg_no_layer", path=p, layer=repr(layer), layers=", ".join(layers)))
        kw["layer"] = layer
    if suffix == ".shp":
        enc = enc or _shp_encoding(p) or ("utf-8" if _shp_bytes_are_utf8(p) else "gbk")
        if enc.lower().replace("-", "").replace("_", "") == "gb2312":
            enc = "gbk"  # GBK is GB2312's superset: GBK-only characters (镕) read instead of garbled by GDAL
    if enc:
        kw["encoding"] = enc
    try:
        gdf = pyogrio.read_dataframe(p, **kw)
    except UnicodeDecodeError:
        if suffix != ".shp" or not enc:
            raise InputError(tr("io.bad_text", path=p, encoding=enc or "utf-8")) from None
        gdf = _read_shp_cut_names(p, kw, enc)
    except Exception as exc:  # pyogrio raises DataSourceError/DataLayerError and others
        raise InputError(tr("io.bad_vector", path=p, exc=exc)) from None
    if suffix == ".shp" and _looks_mojibake(gdf):
        raise InputError(tr("io.bad_text", path=p, encoding=enc))
    if suffix == ".shp" and isinstance(gdf, gpd.GeoDataFrame):
        cols = [c for c in gdf.columns if c != gdf.geometry.name]
        for i, values in _dbf_text_with_nul(p, enc or "utf-8").items():
            if i < len(cols) and max(values) < len(gdf):
                col = gdf[cols[i]].astype(object).copy()
                for k, v in values.items():
                    col.iloc[k] = v
                gdf[cols[i]] = col
    feature_ids = _geojson_feature_ids(p) if suffix in (".geojson", ".json") else None
    if suffix in (".geojson", ".json") and isinstance(gdf, gpd.GeoDataFrame):
        _geojson_text_with_nul(p, gdf)
    if not isinstance(gdf, gpd.GeoDataFrame):  # an attribute table (a GeoPackage table without geometry)
        if not table_ok:
            raise InputError(tr("io.no_geometry", path=p, layer=layer or "layer"))
        df = pd.DataFrame(gdf)
        df.insert(0, ROW, pd.Series(range(1, len(df) + 1), index=df.index, dtype="int64"))
        df.attrs.update(source=str(p), encoding=enc or "utf-8", header_row=0)
        return df  # type: ignore[return-value]
    if gdf.crs is None:
        if crs is not None:
            gdf = gdf.set_crs(crs)
        elif suffix in (".geojson", ".json"):
            gdf = gdf.set_crs(4326)
        else:
            # English on purpose for now: yitu.routing.drill recognises this error by its words
            raise CRSError(tr("io.no_crs", lang="en", path=p))
    gdf.insert(0, ROW, pd.Series(range(1, len(gdf) + 1), index=gdf.index, dtype="int64"))
    if feature_ids is not None and len(feature_ids) == len(gdf):
        gdf.attrs["feature_ids"] = feature_ids
    gdf.attrs["source"] = str(p)
    gdf.attrs["encoding"] = enc or "utf-8"
    gdf.attrs["header_row"] = 0
    return gdf


def read_any(path: str | Path, **kw: Any) -> pd.DataFrame | gpd.GeoDataFrame:
    """Read a table or vector file, dispatching on the suffix.

    Keyword options go to :func:`read_table` (``sheet``, ``encoding``, ``header_hint``) or
    :func:`read_vector` (``layer``, ``encoding``, ``crs``); ones that do not apply are ignored.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in TABLE_SUFFIXES or suffix == ".xls":
        return read_table(p, **{k: v for k, v in kw.items() if k in ("sheet", "encoding", "header_hint")})
    if suffix in VECTOR_SUFFIXES:
        return read_vector(p, table_ok=True, **{k: v for k, v in kw.items() if k in ("layer", "encoding", "crs")})
    _check_exists(p)
    raise InputError(tr("io.unsupported", path=p, suffix=suffix or "(no suffix)",
                        known=", ".join(TABLE_SUFFIXES + VECTOR_SUFFIXES)))


@contextlib.contextmanager
def atomic_path(path: str | Path, *, before_replace: Callable[[], Any] | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` atomically.

    On an exception the temporary file is removed and ``path`` is left as it was. An ``OSError``
    that names no file, or names the hidden temporary file (a full disk, a read-only folder), is
    raised again naming ``path``, so the message says which output could not be written.
    ``before_replace`` is called just before the rename (to keep a backup of the old file).
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix, dir=target.parent)
    except OSError as exc:  # it names the folder or the temporary name it tried: say which file it was for
        raise OSError(exc.errno, exc.strerror, str(target)) from exc
    os.close(fd)
    tmp_path = Path(tmp)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp_path, 0o666 & ~umask)  # mkstemp makes 0600; outputs get the usual permissions
        try:
            yield tmp_path
            if before_replace is not None:
                before_replace()
            os.replace(tmp_path, target)
        except OSError as exc:
            raise _naming(exc, target, tmp_path) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp_path.unlink()


def _naming(exc: OSError, target: Path, tmp: Path) -> OSError:
    """``exc`` itself, or the same error (same errno, same class) naming ``target`` instead of no
    file or the temporary one."""
    if exc.errno is None or (exc.filename is not None and Path(exc.filename) != tmp):
        return exc
    return OSError(exc.errno, exc.strerror, str(target))  # OSError(errno, ...) picks the subclass


def list_layers(path: str | Path) -> list[str]:
    """Names of the layers in a GeoPackage (empty for a missing file)."""
    p = Path(path)
    if not p.exists():
        return []
    return [str(name) for name, _ in pyogrio.list_layers(p)]


def read_gpkg_layer(path: str | Path, name: str) -> gpd.GeoDataFrame:
    """Read one layer of a GeoPackage (an attribute table comes back with no geometry column)."""
    df = pyogrio.read_dataframe(Path(path), layer=name)
    return df


def _prepare(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if col == getattr(out, "_geometry_column_name", None):
            continue
        s = out[col]
        if s.dtype == object or str(s.dtype) in ("string", "str"):
            if s.map(lambda v: isinstance(v, (list, tuple, dict, set))).any():
                raise InputError(f"column {col!r} holds lists or dicts, which a GeoPackage cannot store")
    return out


def write_gpkg(
    path: str | Path,
    layers: Mapping[str, pd.DataFrame],
    *,
    backup: bool = False,
    lock_timeout: float | None = None,
) -> None:
    """Write (create or replace) layers of a GeoPackage, atomically, one writer at a time.

    Under the file's lock (:func:`yitu.gis.gpkgsafe.gpkg_lock`; another writer waits), the existing
    file is checked (a damaged one is never replaced: :class:`~yitu.errors.ProjectError`), copied
    to a temporary file beside it, the layers are written there and the copy replaces the original
    only when every layer was written. Hidden copies left by interrupted writes are removed first.

    Parameters
    ----------
    backup
        Keep the replaced file as ``<name>.bak`` (a hard link: no copy).
    lock_timeout
        Seconds to wait for another writer (default ``$YITU_LOCK_TIMEOUT`` or 120).
    """
    from yitu.gis.gpkgsafe import check_gpkg, clean_leftovers, gpkg_lock, keep_backup

    target = Path(path)
    with gpkg_lock(target, timeout=lock_timeout):
        clean_leftovers(target)
        exists = target.exists()
        if exists:
            check_gpkg(target, thorough=True)
        with atomic_path(target, before_replace=(lambda: keep_backup(target)) if backup and exists else None) as tmp:
            if exists:
                shutil.copyfile(target, tmp)
            else:
                tmp.unlink()
            for name, df in layers.items():
                data = _prepare(df)
                frame = data if isinstance(data, gpd.GeoDataFrame) and data.geometry.name in data.columns else (
                    pd.DataFrame(data))
                try:
                    pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG")
                except OSError:
                    raise
                except Exception as exc:  # GDAL's errors: a full disk or a read-only file become OSErrors
                    raise _gdal_os_error(exc, target) or exc


def _gdal_os_error(exc: Exception, target: Path) -> OSError | None:
    """The ``OSError`` behind a GDAL write error (SQLite's "disk is full", "readonly database"), if any."""
    text = str(exc).lower()
    for words, code in (
        (("disk is full", "no space left"), errno.ENOSPC),
        (("read-only file system",), errno.EROFS),
        (("readonly database", "permission denied"), errno.EACCES),
        (("file too large",), errno.EFBIG),
        (("disk i/o error",), errno.EIO),
    ):
        if any(w in text for w in words):
            return OSError(code, os.strerror(code), str(target))
    return None


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def csv_safe_cell(v: Any) -> Any:
    """A text cell that Excel or WPS would run as a formula (``=``, ``+``, ``-``, ``@``, tab or
    carriage return first) gets a leading ``'`` (shown as text, as the XLSX writer keeps it);
    text that is a plain number (``-12.5``) is left as it is."""
    if isinstance(v, str) and v.startswith(_FORMULA_START) and not _NUMBER.match(v):
        return "'" + v
    return v


def csv_safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with :func:`csv_safe_cell` applied to every text cell (and to the column names)."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype == object or str(s.dtype) in ("string", "str"):
            out[col] = s.map(csv_safe_cell, na_action="ignore")
    out.columns = [csv_safe_cell(c) if isinstance(c, str) else c for c in out.columns]
    return out


def write_csv(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a table as UTF-8 CSV with a BOM (so Excel shows Chinese correctly), atomically.

    Text cells that Excel would run as a formula are written with a leading ``'`` (see
    :func:`csv_safe_frame`); numbers, negative ones too, stay numbers.
    """
    target = Path(path)
    safe = csv_safe_frame(df)
    with atomic_path(target) as tmp:
        # CRLF as Excel writes it; then a CR or LF inside a cell is quoted and cannot split the row
        safe.to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return target


# ------------------------------------------------------------------------------- XLSX
_XLSX_MAX_TEXT = 32767  # characters in one Excel cell
_XLSX_MAX_WIDTH = 60
_XLSX_TYPES = (str, bool, int, float, Decimal, datetime, date, time, timedelta)


def _display_width(value: Any) -> int:
    """Width of ``value`` as text in fixed-width cells: CJK and full-width characters count two.

    The widest line counts for text with line breaks; floats count as Excel's General format
    shows them (about ten significant digits).
    """
    if value is None:
        return 0
    text = f"{value:.10g}" if isinstance(value, float) else str(value)
    return max((sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
                for line in text.splitlines() or [""]), default=0)


def _xlsx_value(v: Any) -> Any:
    """A cell value openpyxl can store: NA/NaN/NaT -> empty, numpy scalars -> Python, inf -> text."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float):
        if math.isnan(v):
            return None
        return ("inf" if v > 0 else "-inf") if math.isinf(v) else v  # as pandas' to_excel writes them
    if isinstance(v, str):
        return _ILLEGAL_XLSX.sub("", v)[:_XLSX_MAX_TEXT]
    if isinstance(v, datetime) and v.tzinfo is not None:
        return v.replace(tzinfo=None)  # Excel has no time zones: the wall-clock time is kept
    if not isinstance(v, _XLSX_TYPES):
        return str(v)  # lists, dicts, geometries in an object column: their text
    return v


def _sheet_names(names: Iterable[str]) -> list[str]:
    """Excel sheet names: no ``[]:*?/\\``, at most 31 characters, unique ignoring case."""
    from openpyxl.workbook.child import INVALID_TITLE_REGEX

    out: list[str] = []
    seen: set[str] = set()
    for name in names:
        base = INVALID_TITLE_REGEX.sub("_", str(name)).strip("'") or "Sheet"
        title, n = base[:31], 1
        while title.casefold() in seen:
            n += 1
            tail = f"~{n}"
            title = base[: 31 - len(tail)] + tail
        seen.add(title.casefold())
        out.append(title)
    return out


def _table(df: pd.DataFrame) -> pd.DataFrame:
    geo = [c for c in df.columns if str(df[c].dtype) == "geometry"]
    return pd.DataFrame(df.drop(columns=geo))


def _fill_sheet(ws: Any, df: pd.DataFrame, *, freeze_header: bool, autofilter: bool) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ncol = len(df.columns)
    ws.append([str(c) for c in df.columns])
    header_fill, bold = PatternFill("solid", fgColor="FFD9E1F2"), Font(bold=True)
    for cell in ws[1]:
        cell.font, cell.fill = bold, header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
    widths = [_display_width(c) + 2 for c in df.columns]  # +2: the autofilter button
    for i, row in enumerate(df.itertuples(index=False, name=None)):
        values = [_xlsx_value(v) for v in row]
        ws.append(values)
        if i < 2000:
            widths = [max(w, _display_width(v)) for w, v in zip(widths, values)]
        for j, v in enumerate(values, start=1):
            if isinstance(v, str) and v.startswith("="):  # text, not a formula
                ws.cell(ws.max_row, j).data_type = "s"
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(max(w + 2, 6), _XLSX_MAX_WIDTH)
    if freeze_header:
        ws.freeze_panes = "A2"
    if autofilter and ncol:
        ws.auto_filter.ref = f"A1:{get_column_letter(ncol)}{len(df) + 1}"


def xlsx_workbook(
    sheets: Mapping[str, pd.DataFrame], *, freeze_header: bool = True, autofilter: bool = True
) -> Any:
    """An ``openpyxl.Workbook`` with one sheet per table, in order, as :func:`write_xlsx` writes it.

    For callers that add to the sheets (fills, charts) before saving: ``wb.worksheets[i]`` is the
    sheet of the i-th table (its title may differ from the key, see :func:`write_xlsx`).
    """
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, df in zip(_sheet_names(sheets), sheets.values()):
        _fill_sheet(wb.create_sheet(title), _table(df), freeze_header=freeze_header, autofilter=autofilter)
    return wb


def write_xlsx(
    sheets: Mapping[str, pd.DataFrame],
    path: str | Path,
    *,
    freeze_header: bool = True,
    autofilter: bool = True,
) -> Path:
    """Write tables as one XLSX workbook, one sheet each, atomically.

    Parameters
    ----------
    sheets
        Sheet name -> table. Names are cut to Excel's 31 characters, characters Excel forbids
        (``[]:*?/\\``) become ``_``, and a name met again gets ``~2``, ``~3`` ...; the index is
        not written; geometry columns are dropped (a table, not a layer: use :func:`write_gpkg`).
    path
        Output ``.xlsx``; its folder is created.
    freeze_header
        Freeze row 1 (the header, bold) so it stays in view.
    autofilter
        Put Excel's filter buttons on the header.

    Returns
    -------
    Path
        ``path``.

    Notes
    -----
    Missing values (``NaN``, ``None``, ``pd.NA`` of Int64/boolean columns, ``NaT``) are empty
    cells; numbers stay numbers; ±inf is written as text, as pandas does; column widths fit the
    first 2,000 rows, CJK characters counting two, at most 60. The rows are streamed
    (:func:`yitu.gis.xlsx_stream.write_xlsx_stream`), not built as openpyxl cells.
    """
    from yitu.gis.xlsx_stream import write_xlsx_stream

    # streamed (yitu.gis.xlsx_stream): the same cells as xlsx_workbook(...).save, 100,000 rows in seconds
    return write_xlsx_stream(sheets, path, freeze_header=freeze_header, autofilter=autofilter)
