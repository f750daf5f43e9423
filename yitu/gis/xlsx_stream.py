"""A streaming XLSX writer for big tables: the sheet XML is built a column at a time and written in
chunks of rows, so 100,000 rows take seconds, not minutes (openpyxl builds an object per cell).

It writes what :func:`yitu.gis.io.write_xlsx` writes (header in bold on a blue-grey fill, frozen
header, autofilter, fitted widths, numbers as numbers, text as text — a leading ``=`` never makes
a formula, dates as Excel dates) plus cell looks (:class:`CellStyle`: fills and font colours by
value, number formats by column, a bold total row) described once by a :class:`SheetLook`, title
rows above a table (:class:`Heading`) and a print setup (:class:`PrintSetup`), which
:func:`write_only_workbook` also applies in openpyxl's write-only mode (for workbooks with charts).
The sheet XML itself is built in :mod:`yitu.gis.xlsx_stream_sheet`.
"""

from __future__ import annotations

import logging
import os
import re
import zipfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from yitu.gis.xlsx_stream_sheet import (
    _HEADER,
    HEADER_FILL,
    _MAX_WIDTH,
    CellStyle,
    Heading,
    PrintSetup,
    SheetLook,
    _attr,
    _display_width,
    _sheet_xml,
    _Styles,
    _text,
    filter_ref,
)

log = logging.getLogger(__name__)

__all__ = [
    "CellStyle",
    "SheetLook",
    "Heading",
    "PrintSetup",
    "HEADER_FILL",
    "write_xlsx_stream",
    "write_only_workbook",
    "save_workbook",
    "STREAM_ROWS",
]


def write_xlsx_stream(
    sheets: Mapping[str, pd.DataFrame],
    path: str | Path,
    *,
    looks: Mapping[str, SheetLook] | None = None,
    bold_last_row: Mapping[str, bool] | None = None,
    freeze_header: bool = True,
    autofilter: bool = True,
    title: str = "",
    headings: Mapping[str, Heading] | None = None,
    print_setup: PrintSetup | None = None,
) -> Path:
    """Write tables as one XLSX workbook, one sheet each, atomically, streaming the rows.

    Sheet names are made valid as :func:`yitu.gis.io.write_xlsx` makes them; geometry columns are
    dropped; ``looks`` gives a sheet's :class:`SheetLook` by the key of ``sheets``;
    ``bold_last_row`` says for which sheets ``look.last_row`` applies; ``headings`` the title
    rows above a sheet's table (its header is then row 3); ``print_setup`` how every sheet prints.
    """
    from yitu.gis.io import _sheet_names, _table, atomic_path

    target = Path(path)
    looks, headings = looks or {}, headings or {}
    styles = _Styles()
    titles = _sheet_names(sheets)
    info = []
    with atomic_path(target) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            for k, (key, df) in enumerate(sheets.items(), start=1):
                table = _table(df)
                last = bool((bold_last_row or {}).get(key, False))
                heading = headings.get(key)
                with z.open(f"xl/worksheets/sheet{k}.xml", "w", force_zip64=True) as f:
                    for part in _sheet_xml(table, looks.get(key), styles, freeze_header=freeze_header,
                                           autofilter=autofilter, last_row=last, heading=heading,
                                           print_setup=print_setup):
                        f.write(part.encode("utf-8"))
                top = heading.rows if heading is not None else 0
                info.append(_SheetNames(
                    filter=filter_ref(len(table.columns), len(table), heading) if autofilter and len(table.columns) else None,
                    print_titles=top + 1 if print_setup is not None and print_setup.repeat_header else None,
                ))
            n = len(titles)
            z.writestr("[Content_Types].xml", _content_types(n))
            z.writestr("_rels/.rels", _ROOT_RELS)
            z.writestr("docProps/core.xml", _core(title))
            z.writestr("docProps/app.xml", _APP)
            z.writestr("xl/workbook.xml", _workbook(titles, info))
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


class _SheetNames(NamedTuple):
    """A sheet's workbook-level defined names: its autofilter range, the last of its print title rows."""

    filter: str | None
    print_titles: int | None


def _workbook(titles: list[str], info: list[_SheetNames]) -> str:
    sheets = "".join(f'<sheet name="{_attr(t)}" sheetId="{k}" r:id="rId{k}"/>' for k, t in enumerate(titles, 1))
    names = []
    for k, (t, i) in enumerate(zip(titles, info)):
        quoted = _text("'" + t.replace("'", "''") + "'")
        if i.filter:  # A3:S6 -> $A$3:$S$6
            absolute = re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", i.filter)
            names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{k}" hidden="1">'
                         f"{quoted}!{absolute}</definedName>")
        if i.print_titles:
            names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{k}">'
                         f"{quoted}!$1:${i.print_titles}</definedName>")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<bookViews><workbookView/></bookViews>'
        f"<sheets>{sheets}</sheets>" + (f"<definedNames>{''.join(names)}</definedNames>" if names else "") + "</workbook>"
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

    if style.bold or style.color or style.size:
        c.font = Font(bold=style.bold, color=style.color, size=style.size)
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
    headings: Mapping[str, Heading] | None = None,
    print_setup: PrintSetup | None = None,
) -> Any:
    """An openpyxl write-only (streaming) ``Workbook`` holding the tables as :func:`write_xlsx_stream`
    writes them (looks, title rows, print setup), for callers that add sheets with charts or images;
    save it with :func:`save_workbook`.

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

    looks, headings = looks or {}, headings or {}
    wb = Workbook(write_only=True)
    wb._yitu_streamed = []  # (sheet, temporary file of its XML)
    for title, (key, df) in zip(_sheet_names(sheets), sheets.items()):
        ws = wb.create_sheet(title)
        table = _table(df)
        look = looks.get(key)
        last = bool((bold_last_row or {}).get(key, False)) and look is not None and look.last_row is not None
        heading = headings.get(key)
        top = heading.rows if heading is not None else 0
        n, ncol = len(table), len(table.columns)
        if autofilter and ncol:  # also for the workbook's _FilterDatabase name
            ws.auto_filter.ref = filter_ref(ncol, n, heading)
        if print_setup is not None:  # also for the workbook's Print_Titles name
            print_setup.apply(ws, header_row=top + 1)
        if n > STREAM_ROWS:
            fd, part = tempfile.mkstemp(prefix=".yitu-sheet.", suffix=".xml")
            with os.fdopen(fd, "wb") as f:
                for chunk in _sheet_xml(table, look, _OpenpyxlStyles(wb, ws), freeze_header=freeze_header,
                                        autofilter=autofilter, last_row=last, heading=heading,
                                        print_setup=print_setup):
                    f.write(chunk.encode("utf-8"))
            wb._yitu_streamed.append((ws, Path(part)))
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
            ws.freeze_panes = f"A{top + 2}"
        if heading is not None:  # write-only: the title rows are appended before the header
            rows: list[list[Any]] = [[None] * max(ncol, 1) for _ in range(heading.rows)]
            for r, c, text, st in heading.cells(ncol):
                rows[r - 1][c - 1] = cell(text, st)
            ws.row_dimensions[1].height = heading.height
            merged = heading.merged(ncol)
            if merged:
                ws.merged_cells.add(merged)
            for r in rows:
                ws.append(r)
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
