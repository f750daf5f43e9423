"""The readiness report as an A4 公文-style Word file.

A4 (210×297 mm) with the margins of GB/T 9704-2012 (top 37 mm, bottom 35 mm, left 28 mm, right
26 mm); East Asian fonts set on every style (``w:eastAsia``: 仿宋 for the body, 黑体 for headings,
with Noto CJK as the Latin/fallback face); a title block (title, unit, date); page numbers in the
footer (``- 1 -``); tables with captions 表1 …, column widths fitted to their content and wide
tables in a landscape section; figures with captions 图1 …. No file paths.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["write_docx"]

_BODY_EA, _HEAD_EA, _LATIN = "仿宋", "黑体", "Noto Sans CJK SC"
# characters XML 1.0 (and so Word) cannot hold: a vertical tab in a name must not crash the report
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _x(text: object) -> str:
    """Text as Word can store it: control characters that XML forbids become a space."""
    return _NOT_XML.sub(" ", str(text))
_MAX_ROWS = 60


def _set_fonts(style_or_run: Any, east_asia: str, latin: str = _LATIN) -> None:
    from docx.oxml.ns import qn

    el = style_or_run.element
    rpr = el.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):  # a theme font would win
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def _page_number(section: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p = section.footer.paragraphs[0] if section.footer.paragraphs else section.footer.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("- ")
    run = p.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
    p.add_run(" -")


def _a4(section: Any, *, landscape: bool = False) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    w, h = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (h, w) if landscape else (w, h)
    section.top_margin, section.bottom_margin = (Mm(28), Mm(26)) if landscape else (Mm(37), Mm(35))
    section.left_margin, section.right_margin = (Mm(25), Mm(25)) if landscape else (Mm(28), Mm(26))


def _widths(df: pd.DataFrame, headers: list[str], fmt: Any, total_mm: float) -> list[float]:
    """Column widths (mm) in proportion to the longest text of each column (CJK counted double)."""
    def w(s: str) -> float:
        return sum(2.0 if ord(ch) > 0x2E80 else 1.0 for ch in s)

    need = []
    for i, col in enumerate(df.columns):
        cells = [w(fmt(v, col)) for v in df[col].head(_MAX_ROWS)]
        longest = max([w(headers[i]) * 0.6, *cells, 4.0])
        need.append(min(longest, 40.0))
    s = sum(need)
    return [total_mm * n / s for n in need]


def _needs_landscape(df: pd.DataFrame, headers: list[str], fmt: Any, portrait_mm: float = 156.0) -> bool:
    """Whether a table needs a landscape page: its content at 9 pt (about 1.6 mm per Latin character,
    twice that per Chinese one, plus 2 mm of cell padding) is wider than the portrait text block."""
    def w(s: str) -> float:
        return sum(2.0 if ord(ch) > 0x2E80 else 1.0 for ch in s)

    need = 0.0
    for i, col in enumerate(df.columns):
        cells = [w(fmt(v, col)) for v in df[col].head(_MAX_ROWS)]
        need += min(max([w(headers[i]) * 0.6, *cells, 4.0]), 40.0) * 1.6 + 2.0
    return need > portrait_mm


def write_docx(c: Any, path: Path, *, status_words: dict[str, str], fmt: Any, unit: str = "") -> None:
    """Write the report content ``c`` (:class:`yitu.maps.report.ReportContent`) as ``path``."""
    from docx import Document
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt, RGBColor

    from yitu import __version__
    from yitu.gis.io import atomic_path
    from yitu.maps.report import _Table

    doc = Document()
    sec = doc.sections[0]
    _a4(sec)
    _page_number(sec)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(12)
    _set_fonts(normal, _BODY_EA)
    for name in ("Title", "Heading 1", "Heading 2", "Caption"):
        try:
            st = doc.styles[name]
        except KeyError:
            continue
        _set_fonts(st, _HEAD_EA if name != "Caption" else _BODY_EA)
        st.font.color.rgb = RGBColor(0, 0, 0)
    doc.styles["Title"].font.size = Pt(20)
    doc.styles["Heading 1"].font.size = Pt(15)
    doc.styles["Heading 2"].font.size = Pt(12.5)
    doc.core_properties.title = _x(c.title)
    doc.core_properties.author = f"yitu {__version__}"

    t = doc.add_paragraph(_x(c.title), style="Title")
    t.alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta = doc.add_paragraph(_x(f"{unit}　{str(c.created)[:10]}" if unit else str(c.created)[:10]))
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p = doc.add_paragraph("总体结论：")
    run = p.add_run(status_words[c.verdict])
    run.bold = True
    run.font.color.rgb = RGBColor(0x1B, 0x5E, 0x20) if c.verdict == "PASS" else RGBColor(0x8B, 0x00, 0x00)

    n_tab = n_fig = 0
    landscape = False
    for s in c.sections:
        doc.add_heading(_x(s.title), level=1)
        for para in s.paragraphs:
            doc.add_paragraph(_x(para))
        for item in s.items:
            if isinstance(item, _Table):
                df = item.df.head(_MAX_ROWS)
                wide = _needs_landscape(df, [str(item.labels.get(col, col)) for col in df.columns], fmt)
                if wide != landscape:  # wide tables on a landscape page, back to portrait after
                    new = doc.add_section(WD_SECTION.NEW_PAGE)
                    _a4(new, landscape=wide)
                    landscape = wide
                n_tab += 1
                cap = doc.add_paragraph(_x(f"表{n_tab}　{item.title}"), style="Caption")
                cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
                if item.note:
                    doc.add_paragraph(_x(item.note))
                cols = list(df.columns)
                headers = [str(item.labels.get(col, col)) for col in cols]
                table = doc.add_table(rows=1, cols=len(cols))
                table.style = "Table Grid"
                table.autofit = False
                cur = doc.sections[-1]
                total = (cur.page_width - cur.left_margin - cur.right_margin) / Mm(1)
                widths = _widths(df, headers, fmt, total)
                for cell, head in zip(table.rows[0].cells, headers):
                    cell.text = _x(head)
                    for r in cell.paragraphs[0].runs:
                        r.bold = True
                for row in df.itertuples(index=False):
                    cells = table.add_row().cells
                    for cell, col, v in zip(cells, cols, row):
                        cell.text = _x(fmt(v, col))
                for r in table.rows:
                    for cell, wmm in zip(r.cells, widths):
                        cell.width = Mm(wmm)
                        for para in cell.paragraphs:
                            for run in para.runs:
                                run.font.size = Pt(9 if len(cols) > 5 else 10.5)
                if len(item.df) > _MAX_ROWS:
                    doc.add_paragraph(f"…… 另有 {len(item.df) - _MAX_ROWS} 行，见随报告提交的缺口清单。")
            else:
                if landscape:
                    new = doc.add_section(WD_SECTION.NEW_PAGE)
                    _a4(new)
                    landscape = False
                cap_text, png = item
                cur = doc.sections[-1]
                doc.add_picture(io.BytesIO(png), width=cur.page_width - cur.left_margin - cur.right_margin)
                n_fig += 1
                cp = doc.add_paragraph(_x(f"图{n_fig}　{cap_text}"), style="Caption")
                cp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for s in doc.sections[1:]:  # every page numbered by the first section's footer
        s.footer.is_linked_to_previous = True
    with atomic_path(path) as tmp:
        doc.save(str(tmp))
