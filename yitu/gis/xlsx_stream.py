"""A streaming XLSX writer for big tables: the sheet XML is built a column at a time and written in
chunks of rows, so 100,000 rows take seconds, not minutes (openpyxl builds an object per cell).

It writes what :func:`yitu.gis.io.write_xlsx` writes (header in bold on a blue-grey fill, frozen
header, autofilter, fitted widths, numbers as numbers, text as text — a leading ``=`` never makes
a formula, dates as Excel dates) plus cell looks (:class:`CellStyle`: fills and font colours by
value, number formats by column, a bold total row) described once by a :class:`SheetLook`, which
:func:`write_only_workbook` also applies in openpyxl's write-only mode (for workbooks with charts).
"""

from __future__ import annotations

import itertools
import logging
import math
import os
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as _xml_escape

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

__all__ = ["CellStyle", "SheetLook", "write_xlsx_stream", "write_only_workbook", "save_workbook", "STREAM_ROWS"]

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAX_TEXT = 32767
_MAX_WIDTH = 60
_CHUNK_ROWS = 20_000
_EPOCH = datetime(1899, 12, 30)
HEADER_FILL = "FFD9E1F2"


@dataclass(frozen=True)
class CellStyle:
    """How a cell looks: bold, font colour and fill (ARGB ``"FFRRGGBB"``), number format."""

    bold: bool = False
    color: str | None = None
    fill: str | None = None
    number_format: str | None = None
    center: bool = False

    def over(self, base: CellStyle | None) -> CellStyle:
        """This style on top of ``base``: set fields win, bold adds up."""
        if base is None:
            return self
        return CellStyle(
            bold=self.bold or base.bold,
            color=self.color or base.color,
            fill=self.fill or base.fill,
            number_format=self.number_format or base.number_format,
            center=self.center or base.center,
        )


@dataclass(frozen=True)
class SheetLook:
    """The looks of a sheet's cells.

    Parameters
    ----------
    columns
        Column name -> the style of each body cell of it (a number format).
    by_value
        Column name -> {cell text -> style} (grade colours by the grade's words).
    header_by_value
        Header text -> style of that header cell (a grade column's header in the grade colour).
    last_row
        Style added to the last row (a bold 合计), or ``None``.
    min_width
        Column name -> the least column width.
    """

    columns: Mapping[str, CellStyle] = field(default_factory=dict)
    by_value: Mapping[str, Mapping[str, CellStyle]] = field(default_factory=dict)
    header_by_value: Mapping[str, CellStyle] = field(default_factory=dict)
    last_row: CellStyle | None = None
    min_width: Mapping[str, int] = field(default_factory=dict)


_HEADER = CellStyle(bold=True, fill=HEADER_FILL, center=True)


class _Styles:
    """The cellXfs of styles.xml, built as styles are asked for; index 0 is the default."""

    def __init__(self) -> None:
        self.xfs: list[CellStyle | None] = [None]
        self.index: dict[CellStyle, int] = {}

    def style_of(self, i: int) -> CellStyle | None:
        return self.xfs[i]

    def id(self, style: CellStyle | None) -> int:
        if style is None or style == CellStyle():
            return 0
        i = self.index.get(style)
        if i is None:
            i = self.index[style] = len(self.xfs)
            self.xfs.append(style)
        return i

    def xml(self) -> str:
        fonts = ['<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>']
        fills = ['<fill><patternFill patternType="none"/></fill>', '<fill><patternFill patternType="gray125"/></fill>']
        numfmts: dict[str, int] = {}
        font_ids: dict[tuple[bool, str | None], int] = {(False, None): 0}
        fill_ids: dict[str, int] = {}
        xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
        for s in self.xfs[1:]:
            assert s is not None
            fkey = (s.bold, s.color)
            if fkey not in font_ids:
                font_ids[fkey] = len(fonts)
                fonts.append("<font>" + ("<b/>" if s.bold else "") + "<sz val=\"11\"/>"
                             + (f'<color rgb="{s.color}"/>' if s.color else "") + '<name val="Calibri"/><family val="2"/></font>')
            fill_id = 0
            if s.fill:
                if s.fill not in fill_ids:
                    fill_ids[s.fill] = len(fills)
                    fills.append(f'<fill><patternFill patternType="solid"><fgColor rgb="{s.fill}"/>'
                                 f'<bgColor indexed="64"/></patternFill></fill>')
                fill_id = fill_ids[s.fill]
            fmt_id = 0
            if s.number_format:
                fmt_id = _BUILTIN_FORMATS.get(s.number_format) or numfmts.setdefault(s.number_format, 164 + len(numfmts))
            align = '<alignment horizontal="center" vertical="center"/>' if s.center else ""
            xfs.append(
                f'<xf numFmtId="{fmt_id}" fontId="{font_ids[fkey]}" fillId="{fill_id}" borderId="0" xfId="0"'
                + (' applyNumberFormat="1"' if fmt_id else "") + (' applyFont="1"' if font_ids[fkey] else "")
                + (' applyFill="1"' if fill_id else "") + (f' applyAlignment="1">{align}</xf>' if align else "/>")
            )
        nf = "".join(f'<numFmt numFmtId="{i}" formatCode="{_attr(code)}"/>' for code, i in numfmts.items())
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + (f'<numFmts count="{len(numfmts)}">{nf}</numFmts>' if numfmts else "")
            + f'<fonts count="{len(fonts)}">{"".join(fonts)}</fonts>'
            + f'<fills count="{len(fills)}">{"".join(fills)}</fills>'
            + '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            + f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            + '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            + "</styleSheet>"
        )


_BUILTIN_FORMATS = {"0": 1, "0.00": 2, "0%": 9, "0.00%": 10, "yyyy-mm-dd": 14}
_DATE_FMT = "yyyy-mm-dd"
_DATETIME_FMT = "yyyy-mm-dd hh:mm:ss"


def _attr(text: str) -> str:
    return _xml_escape(text, {'"': "&quot;"})


def _col_letter(j: int) -> str:
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def _text(v: str) -> str:
    return _xml_escape(_ILLEGAL.sub("", v)[:_MAX_TEXT])


def _display_width(value: Any) -> int:
    from yitu.gis.io import _display_width as width

    return width(value)


def _fast_cells(col: pd.Series, refs: np.ndarray, style_ids: np.ndarray) -> np.ndarray | None:
    """:func:`_cells` for the common columns, a whole column at once: all text, or all integers,
    or floats (NaN empty); ``None`` for any other column."""
    sattr = np.where(style_ids > 0, ' s="' + style_ids.astype(str).astype(object) + '"', "").astype(object)
    numpy_dtype = isinstance(col.dtype, np.dtype)  # not Int64/boolean/Float64 with pd.NA
    kind = col.dtype.kind if numpy_dtype else ""
    if kind in ("i", "u"):
        return '<c r="' + refs + '"' + sattr + "><v>" + col.to_numpy().astype(str).astype(object) + "</v></c>"
    if kind == "f":
        arr = col.to_numpy(dtype="float64")
        if np.isinf(arr).any():
            return None
        missing = np.isnan(arr)
        text = np.array([repr(v) for v in arr.tolist()], dtype=object)
        out = '<c r="' + refs + '"' + sattr + "><v>" + text + "</v></c>"
        out[missing] = np.where(style_ids[missing] > 0, '<c r="' + refs[missing] + '"' + sattr[missing] + "/>", "")
        return out
    if kind != "O" and str(col.dtype) not in ("string", "str"):
        return None  # bool, datetime64, extension types: cell by cell
    values = col.tolist()
    if not values or pd.api.types.infer_dtype(values, skipna=False) != "string":
        return None
    joined = "".join(values)
    if _ILLEGAL.search(joined) or max(map(len, values)) > _MAX_TEXT:
        values = [_ILLEGAL.sub("", v)[:_MAX_TEXT] for v in values]
    if "&" in joined or "<" in joined or ">" in joined:
        values = [v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") for v in values]
    text = np.array(values, dtype=object)
    return '<c r="' + refs + '"' + sattr + ' t="inlineStr"><is><t xml:space="preserve">' + text + "</t></is></c>"


def _cells(values: Sequence[Any], refs: np.ndarray, style_ids: np.ndarray, styles: _Styles) -> np.ndarray:
    """The ``<c>`` elements of one column's cells (``""`` for an empty cell)."""
    out = np.empty(len(values), dtype=object)
    date_id: dict[int, int] = {}

    def dated(sid: int, fmt: str) -> int:
        key = (sid, fmt)
        if key not in date_id:
            base = styles.style_of(sid)
            date_id[key] = styles.id(CellStyle(number_format=fmt).over(base) if base else CellStyle(number_format=fmt))
        return date_id[key]

    for i, v in enumerate(values):
        sid = int(style_ids[i])
        if v is None or v is pd.NA or v is pd.NaT:
            out[i] = f'<c r="{refs[i]}" s="{sid}"/>' if sid else ""
            continue
        if isinstance(v, np.generic):
            v = v.item()
        s = f' s="{sid}"' if sid else ""
        if isinstance(v, bool):
            out[i] = f'<c r="{refs[i]}"{s} t="b"><v>{int(v)}</v></c>'
        elif isinstance(v, int):
            out[i] = f'<c r="{refs[i]}"{s}><v>{v}</v></c>'
        elif isinstance(v, float):
            if math.isnan(v):
                out[i] = f'<c r="{refs[i]}"{s}/>' if sid else ""
            elif math.isinf(v):
                out[i] = f'<c r="{refs[i]}"{s} t="inlineStr"><is><t>{"inf" if v > 0 else "-inf"}</t></is></c>'
            else:
                out[i] = f'<c r="{refs[i]}"{s}><v>{v!r}</v></c>'
        elif isinstance(v, str):
            out[i] = f'<c r="{refs[i]}"{s} t="inlineStr"><is><t xml:space="preserve">{_text(v)}</t></is></c>'
        elif isinstance(v, datetime):
            v = v.replace(tzinfo=None)
            serial = (v - _EPOCH) / timedelta(days=1)
            fmt = _DATE_FMT if v.time() == time(0) else _DATETIME_FMT
            out[i] = f'<c r="{refs[i]}" s="{dated(sid, fmt)}"><v>{serial!r}</v></c>'
        elif isinstance(v, date):
            serial = (datetime(v.year, v.month, v.day) - _EPOCH).days
            out[i] = f'<c r="{refs[i]}" s="{dated(sid, _DATE_FMT)}"><v>{serial}</v></c>'
        else:  # Decimal, time, timedelta, lists, geometries: their text
            out[i] = f'<c r="{refs[i]}"{s} t="inlineStr"><is><t xml:space="preserve">{_text(str(v))}</t></is></c>'
    return out


def _style_ids(df: pd.DataFrame, col: Any, look: SheetLook | None, styles: _Styles, last: bool) -> np.ndarray:
    n = len(df)
    ids = np.zeros(n, dtype=np.int64)
    if look is None:
        return ids
    name = str(col)
    base = look.columns.get(name)
    values = look.by_value.get(name)
    if values:
        text = df[col].astype(str).to_numpy()
        for word, st in values.items():
            ids[text == word] = styles.id(st.over(base))
        ids[ids == 0] = styles.id(base)
    elif base is not None:
        ids[:] = styles.id(base)
    if last and look.last_row is not None and n:
        cur = styles.style_of(int(ids[-1]))
        ids[-1] = styles.id(look.last_row.over(cur))
    return ids


def _sheet_xml(df: pd.DataFrame, look: SheetLook | None, styles: _Styles, *, freeze_header: bool,
               autofilter: bool, last_row: bool) -> Iterable[str]:
    ncol, n = len(df.columns), len(df)
    letters = [_col_letter(j) for j in range(ncol)]
    widths = [_display_width(c) + 2 for c in df.columns]  # +2: the autofilter button
    head = df.head(2000)
    for j, c in enumerate(df.columns):
        widths[j] = max([widths[j], *(_display_width(v) for v in head[c].tolist() if not _is_missing(v))])
        if look is not None and str(c) in look.min_width:
            widths[j] = max(widths[j], look.min_width[str(c)] - 2)
    cols = "".join(
        f'<col min="{j + 1}" max="{j + 1}" width="{min(max(w + 2, 6), _MAX_WIDTH)}" customWidth="1"/>'
        for j, w in enumerate(widths)
    )
    pane = ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>') if freeze_header else ""
    yield (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<dimension ref="A1:{letters[-1] if ncol else "A"}{n + 1}"/>'
        f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>' + (f"<cols>{cols}</cols>" if ncol else "") + "<sheetData>"
    )
    header = []
    for j, c in enumerate(df.columns):
        st = _HEADER
        if look is not None and str(c) in look.header_by_value:
            st = look.header_by_value[str(c)].over(_HEADER)
        header.append(f'<c r="{letters[j]}1" s="{styles.id(st)}" t="inlineStr"><is><t xml:space="preserve">'
                      f"{_text(str(c))}</t></is></c>")
    yield '<row r="1">' + "".join(header) + "</row>"
    ids = {c: _style_ids(df, c, look, styles, last_row) for c in df.columns}
    for start in range(0, n, _CHUNK_ROWS):
        stop = min(start + _CHUNK_ROWS, n)
        rownums = np.arange(start + 2, stop + 2).astype(str).astype(object)
        parts = [('<row r="' + rownums + '">').tolist()]
        for j, c in enumerate(df.columns):
            refs = (letters[j] + rownums).astype(object)
            part = df[c].iloc[start:stop]
            cells = _fast_cells(part, refs, ids[c][start:stop])
            parts.append((cells if cells is not None else _cells(part.tolist(), refs, ids[c][start:stop], styles)).tolist())
        parts.append(["</row>"] * (stop - start))
        yield "".join(itertools.chain.from_iterable(zip(*parts)))
    yield "</sheetData>"
    if autofilter and ncol:
        yield f'<autoFilter ref="A1:{letters[-1]}{n + 1}"/>'
    yield '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/></worksheet>'


def _is_missing(v: Any) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def write_xlsx_stream(
    sheets: Mapping[str, pd.DataFrame],
    path: str | Path,
    *,
    looks: Mapping[str, SheetLook] | None = None,
    bold_last_row: Mapping[str, bool] | None = None,
    freeze_header: bool = True,
    autofilter: bool = True,
    title: str = "",
) -> Path:
    """Write tables as one XLSX workbook, one sheet each, atomically, streaming the rows.

    Sheet names are made valid as :func:`yitu.gis.io.write_xlsx` makes them; geometry columns are
    dropped; ``looks`` gives a sheet's :class:`SheetLook` by the key of ``sheets``;
    ``bold_last_row`` says for which sheets ``look.last_row`` applies.
    """
    from yitu.gis.io import _sheet_names, _table, atomic_path

    target = Path(path)
    looks = looks or {}
    styles = _Styles()
    titles = _sheet_names(sheets)
    with atomic_path(target) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            for k, (key, df) in enumerate(sheets.items(), start=1):
                table = _table(df)
                last = bool((bold_last_row or {}).get(key, False))
                with z.open(f"xl/worksheets/sheet{k}.xml", "w", force_zip64=True) as f:
                    for part in _sheet_xml(table, looks.get(key), styles, freeze_header=freeze_header,
                                           autofilter=autofilter, last_row=last):
                        f.write(part.encode("utf-8"))
            n = len(titles)
            z.writestr("[Content_Types].xml", _content_types(n))
            z.writestr("_rels/.rels", _ROOT_RELS)
            z.writestr("docProps/core.xml", _core(title))
            z.writestr("docProps/app.xml", _APP)
            z.writestr("xl/workbook.xml", _workbook(titles, [len(_table(df).columns) for df in sheets.values()],
                                                    [len(df) for df in sheets.values()], autofilter))
            z.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(n))
            z.writestr("xl/styles.xml", styles.xml())
    log.debug("wrote %s (%d sheets, streamed)", target, len(titles))
    return target


_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" '
    'Target="docProps/app.xml"/>'
    "</Relationships>"
)
_APP = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>yitu</Application></Properties>"
)


def _content_types(n: int) -> str:
    sheets = "".join(
        f'<Override PartName="/xl/worksheets/sheet{k}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for k in range(1, n + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        + sheets + "</Types>"
    )


def _core(title: str) -> str:
    now = datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        + (f"<dc:title>{_text(title)}</dc:title>" if title else "")
        + "<dc:creator>yitu</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def _workbook(titles: list[str], ncols: list[int], nrows: list[int], autofilter: bool) -> str:
    sheets = "".join(f'<sheet name="{_attr(t)}" sheetId="{k}" r:id="rId{k}"/>' for k, t in enumerate(titles, 1))
    names = ""
    if autofilter:
        quoted = ["'" + t.replace("'", "''") + "'" for t in titles]
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{k}" hidden="1">'
            f"{_text(q)}!$A$1:${_col_letter(c - 1)}${r + 1}</definedName>"
            for k, (q, c, r) in enumerate(zip(quoted, ncols, nrows)) if c
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<bookViews><workbookView/></bookViews>'
        f"<sheets>{sheets}</sheets>" + (f"<definedNames>{names}</definedNames>" if names else "") + "</workbook>"
    )


def _workbook_rels(n: int) -> str:
    rels = "".join(
        f'<Relationship Id="rId{k}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        f'Target="worksheets/sheet{k}.xml"/>'
        for k in range(1, n + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + rels
        + f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
        'Target="styles.xml"/></Relationships>'
    )


class _OpenpyxlStyles(_Styles):
    """Style ids of an openpyxl workbook's cellXfs, for a sheet streamed into its package."""

    def __init__(self, wb: Any, ws: Any) -> None:
        super().__init__()
        self.wb, self.ws = wb, ws
        self.of: dict[int, CellStyle | None] = {0: None}

    def style_of(self, i: int) -> CellStyle | None:
        return self.of.get(i)

    def id(self, style: CellStyle | None) -> int:
        if style is None or style == CellStyle():
            return 0
        i = self.index.get(style)
        if i is None:
            from openpyxl.cell import WriteOnlyCell

            c = WriteOnlyCell(self.ws, value=None)
            _set_style(c, style)
            i = self.index[style] = self.wb._cell_styles.add(c._style)  # the xf openpyxl writes for it
            self.of[i] = style
        return i


def _set_style(c: Any, style: CellStyle) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    if style.bold or style.color:
        c.font = Font(bold=style.bold, color=style.color)
    if style.fill:
        c.fill = PatternFill("solid", fgColor=style.fill)
    if style.number_format:
        c.number_format = style.number_format
    if style.center:
        c.alignment = Alignment(horizontal="center", vertical="center")


#: Tables longer than this are streamed into a write-only workbook's package (see :func:`save_workbook`).
STREAM_ROWS = 2000


def write_only_workbook(
    sheets: Mapping[str, pd.DataFrame],
    *,
    looks: Mapping[str, SheetLook] | None = None,
    bold_last_row: Mapping[str, bool] | None = None,
    freeze_header: bool = True,
    autofilter: bool = True,
) -> Any:
    """An openpyxl write-only (streaming) ``Workbook`` holding the tables as :func:`write_xlsx_stream`
    writes them, for callers that add sheets with charts or images; save it with :func:`save_workbook`.

    ``wb.worksheets[i]`` is the sheet of the i-th table; in write-only mode more rows can only be
    appended (``ws.append``), and charts and images added. Tables of more than :data:`STREAM_ROWS`
    rows are written by this module's streaming writer into a temporary file now, and put into the
    package by :func:`save_workbook` (openpyxl takes ~10 µs a cell; this writer ~1 µs).
    """
    import tempfile
    from copy import copy

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    from yitu.gis.io import _sheet_names, _table, _xlsx_value

    looks = looks or {}
    wb = Workbook(write_only=True)
    wb._yitu_streamed = []  # (sheet, temporary file of its XML)
    for title, (key, df) in zip(_sheet_names(sheets), sheets.items()):
        ws = wb.create_sheet(title)
        table = _table(df)
        look = looks.get(key)
        last = bool((bold_last_row or {}).get(key, False)) and look is not None and look.last_row is not None
        if len(table) > STREAM_ROWS:
            fd, part = tempfile.mkstemp(prefix=".yitu-sheet.", suffix=".xml")
            with os.fdopen(fd, "wb") as f:
                for chunk in _sheet_xml(table, look, _OpenpyxlStyles(wb, ws), freeze_header=freeze_header,
                                        autofilter=autofilter, last_row=last):
                    f.write(chunk.encode("utf-8"))
            wb._yitu_streamed.append((ws, Path(part)))
            if autofilter and len(table.columns):  # for the workbook's _FilterDatabase name
                ws.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table) + 1}"
            continue
        cache: dict[CellStyle, Any] = {}

        def cell(value: Any, style: CellStyle | None) -> Any:
            c = WriteOnlyCell(ws, value=value)
            if isinstance(value, str) and value.startswith("="):
                c.data_type = "s"  # text, not a formula
            if style is None:
                return c
            arr = cache.get(style)
            if arr is not None:
                c._style = copy(arr)
                return c
            _set_style(c, style)
            cache[style] = copy(c._style)
            return c

        n, ncol = len(table), len(table.columns)
        widths = [_display_width(c) + 2 for c in table.columns]
        head = table.head(2000)
        for j, c in enumerate(table.columns):
            widths[j] = max([widths[j], *(_display_width(_xlsx_value(v)) for v in head[c].tolist())])
        for j, w in enumerate(widths, start=1):
            width = min(max(w + 2, 6), _MAX_WIDTH)
            if look is not None:
                width = max(width, look.min_width.get(str(table.columns[j - 1]), 0))
            ws.column_dimensions[get_column_letter(j)].width = width
        if freeze_header:
            ws.freeze_panes = "A2"
        if autofilter and ncol:
            ws.auto_filter.ref = f"A1:{get_column_letter(ncol)}{n + 1}"
        header = []
        for c in table.columns:
            st = _HEADER
            if look is not None and str(c) in look.header_by_value:
                st = look.header_by_value[str(c)].over(_HEADER)
            header.append(cell(str(c), st))
        ws.append(header)
        names = [str(c) for c in table.columns]
        for i, row in enumerate(table.itertuples(index=False, name=None)):
            out = []
            for name, v in zip(names, row):
                v = _xlsx_value(v)
                st = None
                if look is not None:
                    base = look.columns.get(name)
                    by = look.by_value.get(name)
                    st = by.get(str(v)) if by else None
                    st = st.over(base) if st is not None else base
                    if last and i == n - 1:
                        st = look.last_row.over(st)  # type: ignore[union-attr]
                out.append(cell(v, st) if st is not None or (isinstance(v, str) and v.startswith("=")) else v)
            ws.append(out)
    return wb


def save_workbook(wb: Any, path: str | Path) -> Path:
    """Save a workbook from :func:`write_only_workbook` atomically, putting the streamed sheets in."""
    import shutil
    import tempfile

    from yitu.gis.io import atomic_path

    target = Path(path)
    streamed = getattr(wb, "_yitu_streamed", [])
    try:
        if not streamed:
            with atomic_path(target) as tmp:
                wb.save(tmp)
            return target
        with tempfile.TemporaryDirectory(prefix="yitu-xlsx-") as folder:
            first = Path(folder) / "openpyxl.xlsx"
            wb.save(first)
            index = {id(ws): k for k, ws in enumerate(wb.worksheets, start=1)}
            parts = {f"xl/worksheets/sheet{index[id(ws)]}.xml": part for ws, part in streamed}
            with zipfile.ZipFile(first) as src, atomic_path(target) as tmp:
                missing = set(parts) - set(src.namelist())
                if missing:
                    raise RuntimeError(f"streamed sheets not in the package: {sorted(missing)}")
                with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
                    for item in src.infolist():
                        if item.filename in parts:
                            with parts[item.filename].open("rb") as f, dst.open(item.filename, "w",
                                                                                force_zip64=True) as out:
                                shutil.copyfileobj(f, out, 1 << 20)
                        else:
                            dst.writestr(item, src.read(item.filename))
    finally:
        for _, part in streamed:
            part.unlink(missing_ok=True)
    return target
