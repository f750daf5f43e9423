"""The readiness report as one self-contained HTML page (inline CSS, images as data: URIs, no script)."""

from __future__ import annotations

import base64
import html

from yitu import __version__
from yitu.maps.report import _MAX_ROWS, STATUS_ZH, ReportContent, _fmt, _Table

__all__ = ["render_html"]

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em auto;max-width:1100px;
color:#222;line-height:1.5;padding:0 1em}
h1{font-size:1.6em;border-bottom:3px solid #C62828;padding-bottom:.3em}
h2{font-size:1.25em;margin-top:1.8em;border-left:6px solid #1565C0;padding-left:.5em}
h3{font-size:1.05em;margin:1.2em 0 .4em}
table{border-collapse:collapse;width:100%;font-size:.85em;margin:.4em 0 1em}
th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#ECEFF1}
tr:nth-child(even) td{background:#FAFAFA}
.verdict{display:inline-block;padding:.2em .8em;border-radius:4px;color:#fff;font-weight:bold;font-size:1.2em}
.PASS{background:#2E7D32}.FAIL{background:#C62828}
td.MET{color:#2E7D32;font-weight:bold}td.NOTMET{color:#C62828;font-weight:bold}
figure{margin:1em 0}figure img{max-width:100%;border:1px solid #ddd}
figcaption{font-size:.9em;color:#555}
.meta{color:#666;font-size:.9em}.note{color:#666;font-size:.85em}
"""


def _html_table(t: _Table) -> str:
    e = html.escape
    out = [f"<h3>{e(t.title)}</h3>"]
    if t.note:
        out.append(f"<p class=\"note\">{e(t.note)}</p>")
    df = t.df.head(_MAX_ROWS)
    cols = list(df.columns)
    out.append("<table><thead><tr>" + "".join(f"<th>{e(t.labels.get(c, str(c)))}</th>" for c in cols) + "</tr></thead><tbody>")
    for row in df.itertuples(index=False):
        cells = []
        for c, v in zip(cols, row):
            cls = ""
            if c == "status" and str(v) in ("MET", "NOT MET"):
                cls = f" class=\"{str(v).replace(' ', '')}\""
            cells.append(f"<td{cls}>{e(_fmt(v, c))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    if len(t.df) > _MAX_ROWS:
        out.append(f"<p class=\"note\">… 另有 {len(t.df) - _MAX_ROWS} 行，见完整清单</p>")
    if not len(t.df):
        out.append("<p class=\"note\">（无）</p>")
    return "\n".join(out)


def _render_html(c: ReportContent) -> str:
    e = html.escape
    parts = [
        "<!DOCTYPE html>", "<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        f"<title>{e(c.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(c.title)}</h1>",
        f"<p class=\"meta\">生成时间 {e(c.created)} · yitu {e(__version__)}</p>",
        f"<p>总体结论 <span class=\"verdict {e(c.verdict)}\">{e(STATUS_ZH[c.verdict])}</span></p>",
    ]
    for sec in c.sections:
        parts.append(f"<h2>{e(sec.title)}</h2>")
        parts += [f"<p>{e(p)}</p>" for p in sec.paragraphs]
        for item in sec.items:
            if isinstance(item, _Table):
                parts.append(_html_table(item))
            else:
                cap, png = item
                b64 = base64.b64encode(png).decode("ascii")
                parts.append(f"<figure><img alt=\"{e(cap)}\" src=\"data:image/png;base64,{b64}\">"
                             f"<figcaption>{e(cap)}</figcaption></figure>")
    parts.append("</body></html>")
    return "\n".join(parts)


render_html = _render_html
