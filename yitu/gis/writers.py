"""Writers: every one atomic (a temporary file beside the target, renamed over it), the GeoPackage
store under its lock, CSV with formula-like text made safe for Excel, and the one XLSX writer for
result tables (frozen header, fitted widths, autofilter; streamed for big tables).
"""

from __future__ import annotations

import contextlib
import errno
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

from yitu.errors import InputError
from yitu.words import tr

log = logging.getLogger(__name__)

# Control characters an XLSX cell cannot hold (openpyxl refuses them).
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

__all__ = [
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
                raise InputError(tr("io.err.nested_column", column=col))
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
