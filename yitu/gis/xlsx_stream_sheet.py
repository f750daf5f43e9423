"""The sheet XML of :mod:`yitu.gis.xlsx_stream`: cell looks (:class:`CellStyle`, :class:`SheetLook`),
the styles part, the cells a column at a time, and what sits around the table of a sheet an office
files and prints: title rows above it (:class:`Heading`) and the print setup (:class:`PrintSetup`).

The elements of ``<worksheet>`` are written in the order Excel requires (ECMA-376 Part 1, 18.3.1.99):
sheetPr, dimension, sheetViews, sheetFormatPr, cols, sheetData, autoFilter, mergeCells, printOptions,
pageMargins, pageSetup, headerFooter.
"""


from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar
from xml.sax.saxutils import escape as _xml_escape

import numpy as np
import pandas as pd

__all__ = ["CellStyle", "SheetLook", "Heading", "PrintSetup", "HEADER_FILL"]

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MAX_TEXT = 32767
_MAX_WIDTH = 60
_CHUNK_ROWS = 20_000
_EPOCH = datetime(1899, 12, 30)
HEADER_FILL = "FFD9E1F2"


@dataclass(frozen=True)
class CellStyle:
    """How a cell looks: bold, font colour and fill (ARGB ``"FFRRGGBB"``), number format, centred,
    font size (points; 11 when ``None``)."""

    bold: bool = False
    color: str | None = None
    fill: str | None = None
    number_format: str | None = None
    center: bool = False
    size: float | None = None

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
            size=self.size or base.size,
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


@dataclass(frozen=True)
class Heading:
    """Two rows above a table, as the registers an office hands in have: the title, merged across
    the table's width, and a row with ``left`` in column A and ``right`` three columns from the
    end (both in A when the table has four columns or fewer). The header is then row 3; the
    frozen rows and the autofilter move down with it.
    """

    title: str
    left: str = ""
    right: str = ""
    style: CellStyle = CellStyle(bold=True, size=16, center=True)
    height: float = 30.0

    #: rows above the header
    rows: ClassVar[int] = 2

    def cells(self, ncol: int) -> list[tuple[int, int, str, CellStyle | None]]:
        """(row, column, text, style) of the heading's cells, 1-based."""
        out: list[tuple[int, int, str, CellStyle | None]] = [(1, 1, self.title, self.style)]
        if ncol > 4:
            out += [(2, 1, self.left, None), (2, ncol - 3, self.right, None)]
        else:
            out.append((2, 1, "\u3000\u3000".join(t for t in (self.left, self.right) if t), None))
        return [c for c in out if c[2]]

    def merged(self, ncol: int) -> str | None:
        """The range of the merged title cell (``None`` for a one-column table)."""
        return f"A1:{_col_letter(ncol - 1)}1" if ncol > 1 else None


@dataclass(frozen=True)
class PrintSetup:
    """How a sheet prints: paper, orientation, every column on one page width (as many pages down
    as needed), centred, margins in inches, the header rows repeated on every page (the workbook's
    ``_xlnm.Print_Titles``) and a centred footer (``&P`` the page, ``&N`` the pages)."""

    landscape: bool = True
    paper_size: int = 9  # A4 (ECMA-376 18.3.1.63: 9 = A4 210 x 297 mm)
    fit_to_width: bool = True
    centered: bool = True
    margins: tuple[float, float, float, float] = (0.4, 0.4, 0.6, 0.6)  # left, right, top, bottom
    header_margin: float = 0.3
    footer_margin: float = 0.3
    repeat_header: bool = True
    footer: str = ""

    def xml(self) -> str:
        """printOptions, pageMargins, pageSetup and headerFooter, in that order."""
        left, right, top, bottom = self.margins
        fit = ' fitToWidth="1" fitToHeight="0"' if self.fit_to_width else ""
        return (
            ('<printOptions horizontalCentered="1"/>' if self.centered else "")
            + f'<pageMargins left="{left}" right="{right}" top="{top}" bottom="{bottom}" '
            f'header="{self.header_margin}" footer="{self.footer_margin}"/>'
            + f'<pageSetup paperSize="{self.paper_size}" orientation="{"landscape" if self.landscape else "portrait"}"'
            + fit + "/>"
            + (f"<headerFooter><oddFooter>{_text('&C' + self.footer)}</oddFooter></headerFooter>" if self.footer else "")
        )

    def apply(self, ws: Any, *, header_row: int) -> None:
        """The same settings on an openpyxl worksheet (write-only ones too)."""
        from openpyxl.worksheet.properties import PageSetupProperties

        ws.page_setup.orientation = "landscape" if self.landscape else "portrait"
        ws.page_setup.paperSize = str(self.paper_size)
        if self.fit_to_width:
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0
            if ws.sheet_properties.pageSetUpPr is None:
                ws.sheet_properties.pageSetUpPr = PageSetupProperties()
            ws.sheet_properties.pageSetUpPr.fitToPage = True
        if self.repeat_header:
            ws.print_title_rows = f"1:{header_row}"
        ws.print_options.horizontalCentered = self.centered or None
        m = ws.page_margins
        m.left, m.right, m.top, m.bottom = self.margins
        m.header, m.footer = self.header_margin, self.footer_margin
        if self.footer:
            ws.oddFooter.center.text = self.footer


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
        font_ids: dict[tuple[bool, str | None, float | None], int] = {(False, None, None): 0}
        fill_ids: dict[str, int] = {}
        xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
        for s in self.xfs[1:]:
            assert s is not None
            fkey = (s.bold, s.color, s.size)
            if fkey not in font_ids:
                font_ids[fkey] = len(fonts)
                fonts.append("<font>" + ("<b/>" if s.bold else "") + f'<sz val="{s.size or 11:g}"/>'
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
    out = '<c r="' + refs + '"' + sattr + ' t="inlineStr"><is><t xml:space="preserve">' + text + "</t></is></c>"
    empty = text == ""
    if empty.any():  # an empty text is an empty cell, as openpyxl writes it (kept only for its style)
        out[empty] = np.where(style_ids[empty] > 0, '<c r="' + refs[empty] + '"' + sattr[empty] + "/>", "")
    return out


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
            t = _text(v)
            out[i] = (f'<c r="{refs[i]}"{s} t="inlineStr"><is><t xml:space="preserve">{t}</t></is></c>' if t
                      else f'<c r="{refs[i]}"{s}/>' if sid else "")
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
               autofilter: bool, last_row: bool, heading: Heading | None = None,
               print_setup: PrintSetup | None = None) -> Iterable[str]:
    """The sheet's XML in pieces: the header in row 1 (row 3 under a ``heading``), then the rows."""
    ncol, n = len(df.columns), len(df)
    top = heading.rows if heading is not None else 0  # rows above the header
    letters = [_col_letter(j) for j in range(ncol)]
    last = letters[-1] if ncol else "A"
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
    first = f"A{top + 2}"  # the first body cell
    pane = (f'<pane ySplit="{top + 1}" topLeftCell="{first}" activePane="bottomLeft" state="frozen"/>'
            f'<selection pane="bottomLeft" activeCell="{first}" sqref="{first}"/>') if freeze_header else ""
    fit = print_setup is not None and print_setup.fit_to_width
    yield (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        + ('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if fit else "")
        + f'<dimension ref="A1:{last}{n + top + 1}"/>'
        f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>' + (f"<cols>{cols}</cols>" if ncol else "") + "<sheetData>"
    )
    if heading is not None:
        rows: dict[int, list[str]] = {1: [], 2: []}
        for r, c, text, st in heading.cells(ncol):
            sid = styles.id(st)
            rows[r].append(f'<c r="{_col_letter(c - 1)}{r}"' + (f' s="{sid}"' if sid else "")
                           + f' t="inlineStr"><is><t xml:space="preserve">{_text(text)}</t></is></c>')
        yield (f'<row r="1" ht="{heading.height:g}" customHeight="1">' + "".join(rows[1]) + "</row>"
               + '<row r="2">' + "".join(rows[2]) + "</row>")
    header = []
    for j, c in enumerate(df.columns):
        st = _HEADER
        if look is not None and str(c) in look.header_by_value:
            st = look.header_by_value[str(c)].over(_HEADER)
        header.append(f'<c r="{letters[j]}{top + 1}" s="{styles.id(st)}" t="inlineStr"><is><t xml:space="preserve">'
                      f"{_text(str(c))}</t></is></c>")
    yield f'<row r="{top + 1}">' + "".join(header) + "</row>"
    ids = {c: _style_ids(df, c, look, styles, last_row) for c in df.columns}
    for start in range(0, n, _CHUNK_ROWS):
        stop = min(start + _CHUNK_ROWS, n)
        rownums = np.arange(start + top + 2, stop + top + 2).astype(str).astype(object)
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
        yield f'<autoFilter ref="{filter_ref(ncol, n, heading)}"/>'
    merged = heading.merged(ncol) if heading is not None else None
    if merged:
        yield f'<mergeCells count="1"><mergeCell ref="{merged}"/></mergeCells>'
    if print_setup is None:
        yield '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
    else:
        yield print_setup.xml()
    yield "</worksheet>"


def filter_ref(ncol: int, n: int, heading: Heading | None = None) -> str:
    """The autofilter's range: the header row and the ``n`` rows below it."""
    top = heading.rows if heading is not None else 0
    return f"A{top + 1}:{_col_letter(max(ncol, 1) - 1)}{n + top + 1}"


def _is_missing(v: Any) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))

