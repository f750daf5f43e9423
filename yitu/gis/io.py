"""Readers (and, re-exported from :mod:`yitu.gis.writers`, the writers): CSV (UTF-8, UTF-8-BOM, GBK),
XLSX, GeoJSON, GeoPackage, Shapefile (GBK too).

Readers say what they detected: ``df.attrs`` holds ``source``, ``encoding`` and ``header_row``,
and a ``_row`` column holds each record's 1-based row number in the original file (the line
number for CSV, the Excel row for XLSX, the feature number for vector files), so a rejected
row can be reported where the user will find it. Tables are read as text: no dtype guessing,
so 统一社会信用代码 and leading zeros survive. Every writer is atomic; :func:`write_xlsx` is
the one XLSX writer for result tables (frozen header, fitted widths, autofilter).
"""

from __future__ import annotations

import csv
import io
import logging
import re
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from yitu.errors import CRSError, InputError
from yitu.words import tr

log = logging.getLogger(__name__)

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
            # the key goes with the error: yitu.routing.drill_sites recognises it by the key, not by its words
            err = CRSError(tr("io.no_crs", path=p))
            err.words_key = "io.no_crs"  # type: ignore[attr-defined]
            raise err
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


# The writers live in yitu.gis.writers; their names stay importable from here.
from yitu.gis.writers import (  # noqa: E402, F401 (re-exported; the _ names are used by yitu.gis.xlsx_stream)
    _display_width,
    _sheet_names,
    _table,
    _xlsx_value,
    atomic_path,
    csv_safe_cell,
    csv_safe_frame,
    list_layers,
    read_gpkg_layer,
    write_csv,
    write_gpkg,
    xlsx_workbook,
    write_xlsx,
)
