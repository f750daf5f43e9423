"""Chart images for the lists and reports: enterprises by risk grade and town (stacked bars).

The image goes into the statistics workbook (风险统计.xlsx) and can be pasted into a report.
Text is drawn with a CJK font (:func:`yitu.maps.fonts.use_cjk_font`), never as boxes.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from yitu.errors import InputError
from yitu.gis.io import atomic_path
from yitu.layers.stats import GRADE_COLUMNS, TOTAL
from yitu.maps import style
from yitu.words import LANGS, has, msg, tr
from yitu.words.maps import grade_label

log = logging.getLogger(__name__)

__all__ = ["grade_bar_chart", "write_grade_chart"]



def _table(stats: Mapping[str, pd.DataFrame] | pd.DataFrame, by: str) -> pd.DataFrame:
    if isinstance(stats, pd.DataFrame):
        table = stats
    else:
        key = {"乡镇街道": "按乡镇", "行业": "按行业", "园区": "按园区"}.get(by, by)
        if key not in stats:
            raise InputError(tr("maps.err.stats_no_table", key=key, tables=", ".join(stats)))
        table = stats[key]
    missing = [c for c in GRADE_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(tr("maps.err.stats_no_grades", columns=", ".join(missing)))
    return table[table.iloc[:, 0].astype(str) != TOTAL]


def grade_bar_chart(
    stats: Mapping[str, pd.DataFrame] | pd.DataFrame,
    *,
    by: str = "乡镇街道",
    lang: str = "zh",
    font: str | Path | None = None,
) -> Figure:
    """A stacked horizontal bar chart: enterprises per town (or industry, park) by risk grade.

    Parameters
    ----------
    stats
        The dict from :func:`yitu.layers.stats.grade_statistics` (or
        :func:`yitu.layers.registers.lists_statistics`), or one breakdown table.
    by
        乡镇街道 (default), 行业 or 园区: which breakdown to draw from a dict.
    lang
        ``zh`` (default) or ``en`` for the title, axis and legend.
    font
        A CJK font file or family (default: searched on the system).

    Returns
    -------
    Figure
        A matplotlib figure (not attached to pyplot); the bars use the grade colours, 未定级 grey.

    Raises
    ------
    FontError
        When no CJK font is found (the message says how to install one).
    """
    from yitu.maps.fonts import use_cjk_font

    if lang not in LANGS:
        raise InputError(tr("maps.err.lang", code=lang))
    table = _table(stats, by)
    cat_name = str(table.columns[0])
    # largest at the top
    table = table.assign(_n=table[list(GRADE_COLUMNS)].sum(axis=1)).sort_values("_n", kind="stable")
    cats = table.iloc[:, 0].astype(str).tolist()
    grades = (1, 2, 3, 4, None)  # the order of GRADE_COLUMNS; None = 未定级
    colours = [style.grade_colour(g) for g in grades]
    labels = list(GRADE_COLUMNS) if lang == "zh" else [grade_label(g, lang="en") for g in grades]
    by_text = tr(f"maps.chart.by.{cat_name}", lang=lang) if has(f"maps.chart.by.{cat_name}") else cat_name
    with use_cjk_font(font):
        fig = Figure(figsize=(8.0, max(3.0, 0.45 * len(cats) + 1.8)), dpi=100, layout="constrained")
        ax = fig.add_subplot()
        left = np.zeros(len(cats))
        for col, colour, label in zip(GRADE_COLUMNS, colours, labels):
            vals = table[col].to_numpy(dtype=float)
            bars = ax.barh(cats, vals, left=left, color=colour, edgecolor="white", linewidth=0.5, label=label)
            shown = [f"{int(v)}" if v >= max(1.0, 0.04 * max(table["_n"].max(), 1)) else "" for v in vals]
            text_colour = "black" if colour in (style.grade_colour(3), style.grade_colour(None)) else "white"
            ax.bar_label(bars, labels=shown, label_type="center", fontsize=8, color=text_colour)
            left += vals
        for y, total in enumerate(left):
            ax.text(total, y, f" {int(total)}", va="center", ha="left", fontsize=8)
        ax.set_title(tr("maps.chart.title", lang=lang, by=by_text))
        ax.set_xlabel(tr("maps.chart.xlabel", lang=lang))
        ax.set_ylabel(by_text)
        ax.set_xlim(0, max(left.max() if len(left) else 1.0, 1.0) * 1.12)
        ax.spines[["top", "right"]].set_visible(False)
        fig.legend(ncols=5, loc="outside lower center", frameon=False, fontsize=9)
    return fig


def write_grade_chart(
    stats: Mapping[str, pd.DataFrame] | pd.DataFrame,
    path: str | Path,
    *,
    by: str = "乡镇街道",
    lang: str = "zh",
    font: str | Path | None = None,
    dpi: int = 200,
) -> Path:
    """Draw :func:`grade_bar_chart` and save it (format from the suffix: png, svg, pdf), atomically."""
    target = Path(path)
    fmt = target.suffix.lstrip(".").lower()
    if fmt not in ("png", "svg", "pdf"):
        raise InputError(tr("maps.err.image_format", path=target, suffix=target.suffix or "-"))
    fig = grade_bar_chart(stats, by=by, lang=lang, font=font)
    with atomic_path(target) as tmp:
        fig.savefig(tmp, format=fmt, dpi=dpi)
    log.info(msg("files.log.wrote", path=target))
    return target
