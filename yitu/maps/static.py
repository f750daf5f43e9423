"""Static map images for reports: the four-colour risk map, the coverage map and the 企业内部四色分布图.

Matplotlib figures on real paper sizes (A4 … A0) in the project's metric CRS, with the symbology
of the HTML map (:mod:`yitu.maps.style`), a Chinese title, a legend outside the map frame, a
scale bar in metres, a north arrow, the data date and the source note. Text is drawn in a CJK
font found by :func:`yitu.maps.fonts.cjk_font`; without one the functions raise
:class:`~yitu.errors.FontError` rather than draw boxes.

:func:`render` builds a figure, :func:`save_figure` writes it (PNG, SVG or PDF, atomically).
"""

from __future__ import annotations

import logging
import re
import warnings
import weakref
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
import pyproj
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from yitu import __version__
from yitu.errors import InputError
from yitu.layers.grading import stale as grading_stale
from yitu.maps import style
from yitu.maps.fonts import cjk_font, cjk_rc, has_bold
from yitu.maps.sources import date_text
from yitu.words import msg, named, tr
from yitu.words.maps import map_text as _w  # the maps' words (zh, en), in the one catalogue

log = logging.getLogger(__name__)

__all__ = [
    "PAPER_MM",
    "WHAT",
    "map_axes",
    "map_font",
    "add_scalebar",
    "add_north_arrow",
    "add_legend",
    "add_notes",
    "render",
    "save_figure",
    "data_date",
]

# ISO 216 sheet sizes, portrait (width, height) in millimetres.
PAPER_MM: dict[str, tuple[float, float]] = {
    "A0": (841.0, 1189.0),
    "A1": (594.0, 841.0),
    "A2": (420.0, 594.0),
    "A3": (297.0, 420.0),
    "A4": (210.0, 297.0),
}
WHAT = ("risk", "coverage", "enterprise")
FORMATS = ("png", "svg", "pdf")
MM_PER_INCH = 25.4

# Road line widths (points at A4) by OSM-style class.
_ROAD_WIDTH: dict[str, float] = {
    "motorway": 1.6,
    "trunk": 1.4,
    "primary": 1.2,
    "secondary": 0.9,
    "tertiary": 0.7,
    "motorway_link": 0.6,
    "trunk_link": 0.6,
    "primary_link": 0.5,
}
_ROAD_DEFAULT_WIDTH = 0.4
_GLYPH_MISSING = re.compile(r"Glyph (\d+) .*missing from font")


@dataclass
class _Layout:
    """What map_axes decided, for the helpers that decorate the same figure."""

    font: FontProperties
    scale: float  # text and line sizes relative to A4
    lang: str
    crs: pyproj.CRS
    paper: str
    landscape: bool


_LAYOUTS: weakref.WeakKeyDictionary[Figure, _Layout] = weakref.WeakKeyDictionary()


def _layout(fig: Figure) -> _Layout | None:
    return _LAYOUTS.get(fig)


def _check_lang(lang: str) -> str:
    if lang not in ("zh", "en"):
        raise InputError(tr("maps.err.lang", code=lang))
    return lang


def _paper_inches(paper: str, landscape: bool) -> tuple[float, float]:
    key = str(paper).strip().upper()
    if key not in PAPER_MM:
        raise InputError(tr("maps.err.paper", paper=paper, papers=", ".join(PAPER_MM)))
    w, h = PAPER_MM[key]
    if landscape:
        w, h = h, w
    return w / MM_PER_INCH, h / MM_PER_INCH


def _fp(base: FontProperties, size: float, *, bold: bool = False) -> FontProperties:
    prop = base.copy()
    prop.set_size(size)
    if bold:
        _embolden(prop)
    return prop


def _embolden(prop: FontProperties) -> FontProperties:
    """Bold when the family has a bold face (the Bold file of Noto CJK is registered with the regular
    one); otherwise regular, without matplotlib's findfont warning on every text."""
    fam = prop.get_family()[0] if prop.get_family() else ""
    if has_bold(fam):
        prop.set_weight("bold")
    return prop


def map_font(fig_or_ax: Figure | Axes, *, size: float | None = None) -> FontProperties:
    """The CJK font of a map made by :func:`map_axes` (scaled to its paper when ``size`` is given).

    Use it as ``fontproperties=`` for any text you add to the map.
    """
    fig = fig_or_ax.figure if isinstance(fig_or_ax, Axes) else fig_or_ax
    lay = _layout(fig)  # type: ignore[arg-type]
    base = lay.font if lay is not None else cjk_font()
    scale = lay.scale if lay is not None else 1.0
    return _fp(base, (size if size is not None else 8.0) * scale)


def _project_bounds(bounds_lonlat: tuple[float, float, float, float], crs: pyproj.CRS) -> tuple[float, ...]:
    tr = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    return tuple(float(v) for v in tr.transform_bounds(*bounds_lonlat, densify_pts=21))


def map_axes(
    bounds_lonlat: tuple[float, float, float, float],
    *,
    crs: Any = None,
    project: Any = None,
    paper: str = "A4",
    orientation: str | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    lang: str = "zh",
    font: str | Path | None = None,
    pad: float = 0.03,
) -> tuple[Figure, Axes]:
    """A figure of the paper size with a map frame in a metric CRS, room left for title, legend and notes.

    Parameters
    ----------
    bounds_lonlat
        ``(min_lon, min_lat, max_lon, max_lat)`` (WGS-84) that the map must show; the frame is
        widened on one side to fill the space at true scale.
    crs
        The metric CRS of the axes; default ``project.metric_crs()``, else the UTM zone of the bounds.
    project
        A :class:`~yitu.layers.project.Project` (for the CRS and the font setting).
    paper
        ``A4`` (default), ``A3``, ``A2``, ``A1`` or ``A0``; the figure is that sheet, in inches.
    orientation
        ``landscape`` or ``portrait``; default from the shape of the bounds.
    title, subtitle
        Drawn above the map.
    lang
        ``zh`` or ``en``.
    font
        A CJK font file or family; default the ``maps.font`` setting, else a system search.
    pad
        Margin around the bounds, as a share of their size.

    Returns
    -------
    (Figure, Axes)
        Axes in metres of ``crs`` with equal aspect and no tick labels. Use :func:`map_font` for
        the font of any text added later (or draw inside :func:`yitu.maps.fonts.use_cjk_font`).

    Raises
    ------
    FontError
        When no CJK font is available.
    InputError
        For an unknown paper size, orientation or language.
    """
    _check_lang(lang)
    if font is None and project is not None and project.settings.maps.font:
        font = project.settings.maps.font
    prop = cjk_font(font)
    if crs is None:
        if project is not None:
            crs = project.metric_crs()
        else:
            from yitu.gis.crs import metric_crs

            crs = metric_crs(tuple(bounds_lonlat))
    crs = pyproj.CRS.from_user_input(crs)
    if not crs.is_projected:
        raise InputError(tr("maps.err.crs_not_projected", crs=crs.name))
    x0, y0, x1, y1 = _project_bounds(tuple(bounds_lonlat), crs)  # type: ignore[arg-type]
    dx, dy = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
    if orientation is None:
        landscape = dx >= dy
    elif orientation in ("landscape", "portrait"):
        landscape = orientation == "landscape"
    else:
        raise InputError(tr("maps.err.orientation", orientation=orientation))
    width_in, height_in = _paper_inches(paper, landscape)
    scale = min(width_in, height_in) / (PAPER_MM["A4"][0] / MM_PER_INCH)

    rc = cjk_rc(font)
    with mpl.rc_context(rc):
        fig = Figure(figsize=(width_in, height_in))
        FigureCanvasAgg(fig)  # a canvas of its own: no pyplot state, fig.canvas.draw() works
        m = 0.45 * scale  # outer margin, inches
        top = (0.95 if subtitle else 0.8) * scale
        bottom = 0.62 * scale
        if landscape:
            legend_w = 2.55 * scale
            left, right = m, m + legend_w
            box = (left, bottom, width_in - left - right, height_in - top - bottom)
        else:
            legend_h = 2.45 * scale
            box = (m, bottom + legend_h, width_in - 2 * m, height_in - top - bottom - legend_h)
        ax = fig.add_axes(
            (box[0] / width_in, box[1] / height_in, box[2] / width_in, box[3] / height_in)
        )
        # widen the bounds on one side so that they fill the frame at true scale
        want_w, want_h = dx * (1 + 2 * pad), dy * (1 + 2 * pad)
        frame_ratio = box[2] / box[3]
        if want_w / want_h < frame_ratio:
            want_w = want_h * frame_ratio
        else:
            want_h = want_w / frame_ratio
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        ax.set_xlim(cx - want_w / 2, cx + want_w / 2)
        ax.set_ylim(cy - want_h / 2, cy + want_h / 2)
        ax.set_aspect("equal", adjustable="box")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_linewidth(0.9 * scale)
        ax.set_facecolor("#FBFBF8")
        if title:
            fig.text(
                0.5, 1 - 0.42 * scale / height_in, title, ha="center", va="center",
                fontproperties=_fp(prop, 17 * scale, bold=True),
            )
            fig.set_label(title)
        if subtitle:
            fig.text(
                0.5, 1 - 0.75 * scale / height_in, subtitle, ha="center", va="center",
                fontproperties=_fp(prop, 9.5 * scale), color="#333333",
            )
    _LAYOUTS[fig] = _Layout(font=prop, scale=scale, lang=lang, crs=crs, paper=str(paper).upper(),
                            landscape=landscape)
    return fig, ax


def add_scalebar(ax: Axes, *, lang: str | None = None, font: str | Path | None = None) -> Artist:
    """A scale bar in metres/kilometres at the lower left of the map (matplotlib-scalebar)."""
    from matplotlib_scalebar.scalebar import ScaleBar

    lay = _layout(ax.figure)  # type: ignore[arg-type]
    scale = lay.scale if lay else 1.0
    prop = _fp(cjk_font(font) if font is not None or lay is None else lay.font, 7.5 * scale)
    bar = ScaleBar(
        1.0,
        "m",
        location="lower left",
        length_fraction=0.22,
        width_fraction=0.008,
        box_alpha=0.85,
        border_pad=0.6,
        sep=3 * scale,
        font_properties={"family": prop.get_family(), "size": prop.get_size_in_points()},
        scale_loc="top",
        rotation="horizontal-only",
    )
    ax.add_artist(bar)
    return bar


def add_north_arrow(ax: Axes, *, lang: str | None = None, font: str | Path | None = None) -> Artist:
    """A north arrow with 北 (or N) at the upper right of the map.

    The arrow points to grid north of the map CRS; in a UTM or Gauss-Krüger zone this differs
    from true north by the meridian convergence (under 2° inside a zone).
    """
    lay = _layout(ax.figure)  # type: ignore[arg-type]
    lang = lang or (lay.lang if lay else "zh")
    scale = lay.scale if lay else 1.0
    prop = _fp(cjk_font(font) if font is not None or lay is None else lay.font, 11 * scale, bold=True)
    fig_h = ax.figure.get_figheight() * ax.get_position().height
    length = min(0.09, 0.55 * scale / max(fig_h, 1e-6))
    x, y1 = 0.955, 0.955
    halo = [patheffects.withStroke(linewidth=3 * scale, foreground="white")]
    arrow = ax.annotate(
        "",
        xy=(x, y1 - 0.35 * length),
        xytext=(x, y1 - 0.35 * length - length),
        xycoords="axes fraction",
        arrowprops={
            "arrowstyle": "-|>,head_length=0.8,head_width=0.45",
            "linewidth": 2.2 * scale,
            "color": "black",
            "shrinkA": 0,
            "shrinkB": 0,
            "mutation_scale": 14 * scale,
        },
        zorder=20,
    )
    ax.text(
        x, y1, _w("north", lang=lang), transform=ax.transAxes, ha="center", va="center",
        fontproperties=prop, zorder=21, path_effects=halo,
    )
    return arrow


def add_legend(
    ax: Axes,
    handles: list[Artist],
    *,
    title: str | None = None,
    font: str | Path | None = None,
    lang: str | None = None,
) -> Artist:
    """The legend beside the map frame (right on landscape sheets, below on portrait), never over the data.

    ``handles`` are artists with labels (``Patch``/``Line2D``); a handle with ``visible=False``
    becomes a section heading.
    """
    lay = _layout(ax.figure)  # type: ignore[arg-type]
    lang = lang or (lay.lang if lay else "zh")
    scale = lay.scale if lay else 1.0
    base = cjk_font(font) if font is not None or lay is None else lay.font
    title = title if title is not None else _w("legend", lang=lang)
    common: dict[str, Any] = {
        "handles": handles,
        "title": title,
        "prop": _fp(base, 7.8 * scale),
        "title_fontproperties": _fp(base, 9.5 * scale, bold=True),
        "frameon": True,
        "fancybox": False,
        "edgecolor": "#444444",
        "borderpad": 0.8,
        "labelspacing": 0.55,
        "handlelength": 1.6,
        "handleheight": 1.0,
        "alignment": "left",
    }
    if scale != 1.0:  # handles are drawn in points, like the map's symbols: scale them with the sheet
        for handle in handles:
            if isinstance(handle, Line2D):
                handle.set_markersize(handle.get_markersize() * scale)
                handle.set_markeredgewidth(handle.get_markeredgewidth() * scale)
                handle.set_linewidth(handle.get_linewidth() * scale)
            elif isinstance(handle, Patch):
                handle.set_linewidth(handle.get_linewidth() * scale)
    landscape = lay.landscape if lay else True
    if landscape:
        legend = ax.legend(loc="upper left", bbox_to_anchor=(1.025, 1.0), ncol=1, **common)
    else:
        ncol = 3 if len(handles) > 8 else 2
        legend = ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=ncol, **common)
    legend.get_frame().set_linewidth(0.6 * scale)
    for text, handle in zip(legend.get_texts(), handles):
        if not handle.get_visible():
            text.set_fontproperties(_fp(base, 8.2 * scale, bold=True))
    return legend


def _heading(label: str) -> Patch:
    return Patch(facecolor="none", edgecolor="none", label=label, visible=False)


def _map_scale_denominator(ax: Axes) -> int | None:
    ax.apply_aspect()
    x0, x1 = ax.get_xlim()
    width_m = (ax.figure.get_figwidth() * ax.get_position().width) * MM_PER_INCH / 1000.0
    if width_m <= 0:
        return None
    raw = (x1 - x0) / width_m
    mag = 10 ** max(int(np.floor(np.log10(raw))) - 1, 0)
    return int(round(raw / mag) * mag)


def add_notes(
    fig: Figure,
    *,
    data_date: date | str | None = None,
    source: str | None = None,
    font: str | Path | None = None,
    lang: str | None = None,
    stale_months: int | None = None,
) -> list[Artist]:
    """Notes below the map: 数据日期 (data date), 数据来源 (source), CRS and print scale, maker.

    ``stale_months``: when given and the data date is older, the note says so (in red). Two lines
    at the foot of the sheet, left-aligned, so that long source notes do not run into each other.
    """
    lay = _layout(fig)
    lang = lang or (lay.lang if lay else "zh")
    scale = lay.scale if lay else 1.0
    base = cjk_font(font) if font is not None or lay is None else lay.font
    prop = _fp(base, 7.2 * scale)
    sep = "：" if lang == "zh" else ": "
    when = data_date  # no date in the data: 未知, never today
    when_s = date_text(when, lang=lang)
    first = f"{_w('data_date', lang=lang)}{sep}{when_s}"
    stale = False
    if stale_months and isinstance(when, date):
        stale = bool(grading_stale(pd.Series([when.isoformat()]), months=stale_months).iloc[0])
        if stale:
            note = _w("stale", lang=lang, m=stale_months)
            first += f"（{note}）" if lang == "zh" else f" ({note})"
    line1 = [first]
    src = (source or "").strip()
    if src:
        if not (src.startswith(_w("source", lang="zh")) or src.lower().startswith("source")):
            src = f"{_w('source', lang=lang)}{sep}{src}"
        line1.append(src)
    line2: list[str] = []
    if lay is not None:
        epsg = lay.crs.to_epsg()
        line2.append(f"{_w('crs', lang=lang)}{sep}{lay.crs.name}" + (f" (EPSG:{epsg})" if epsg else ""))
        axes = [a for a in fig.axes if a.get_label() != "<colorbar>"]
        if axes:
            n = _map_scale_denominator(axes[0])
            if n:
                line2.append(_w("scale_on", lang=lang, paper=lay.paper, n=f"{n:,}".replace(",", " ")))
    line2.append(_w("made_with", lang=lang, v=__version__))
    gap = "　　" if lang == "zh" else "    "
    h, x = fig.get_figheight(), 0.45 * scale / fig.get_figwidth()
    return [
        fig.text(x, 0.36 * scale / h, gap.join(line1), ha="left", va="center", fontproperties=prop,
                 color="#C62828" if stale else "#222222"),
        fig.text(x, 0.19 * scale / h, gap.join(line2), ha="left", va="center", fontproperties=prop,
                 color="#555555"),
    ]


def render(
    project: Any,
    *,
    what: str = "risk",
    enterprise_id: str | None = None,
    paper: str | None = None,
    lang: str | None = None,
    font: str | Path | None = None,
    title: str | None = None,
    orientation: str | None = None,
    park_id: str | None = None,
) -> Figure:
    """A map of the project as a matplotlib Figure on a paper sheet.

    Parameters
    ----------
    project
        An open :class:`~yitu.layers.project.Project`.
    what
        ``risk`` (安全风险四色分布图: enterprises by grade, sized by 重大危险源 level, parks, roads,
        rescue forces, protected targets), ``coverage`` (the results of ``yitu check``: 5/10/15-minute
        bands of all stations, parks by verdict, targets that miss the limit) or ``enterprise``
        (企业内部四色分布图: the risk zones of one enterprise).
    enterprise_id
        The enterprise for ``what="enterprise"`` (giving it implies that map).
    paper, lang, font
        Default from the project's ``[maps]`` settings (A4, zh, system CJK font).
    title
        Replaces the default title (project name + map name).
    orientation
        ``landscape`` or ``portrait``; default from the shape of the area.
    park_id
        ``risk`` only: zoom on this park (园区安全风险四色分布图), naming its 重大风险 enterprises.

    Raises
    ------
    InputError
        Unknown ``what``, paper or language; unknown enterprise id (the message lists some that exist).
    ProjectError
        ``coverage`` without the results of ``yitu check``; a missing enterprises layer.
    FontError
        No CJK font.
    """
    if enterprise_id is not None and str(enterprise_id).strip():
        what = "enterprise"
    if what not in WHAT:
        raise InputError(tr("maps.err.what", what=what, whats=", ".join(WHAT)))
    s = project.settings.maps
    paper = paper or s.paper or "A4"
    lang = _check_lang(lang or s.lang or "zh")
    font = font or (s.font or None)
    if park_id is not None and what != "risk":
        raise InputError(tr("maps.err.park_needs_risk"))
    kw = {"paper": paper, "lang": lang, "font": font, "title": title, "orientation": orientation}
    with mpl.rc_context(cjk_rc(font)):
        if what == "risk":
            fig = static_render._render_risk(project, park_id=park_id, **kw)
        elif what == "coverage":
            fig = static_render._render_coverage(project, **kw)
        else:
            fig = static_render._render_enterprise(project, enterprise_id, **kw)
        for ax in fig.axes:  # geopandas labels the axes with the CRS's axis names; a map needs none
            ax.set_xlabel("")
            ax.set_ylabel("")
    log.info(msg("maps.log.rendered", what=named("maps.text", f"{what}_map_title"), project=project.path,
                 paper=paper))
    return fig


def save_figure(fig: Figure, path: str | Path, *, dpi: int = 300) -> Path:
    """Write a figure as PNG, SVG or PDF (from the suffix), atomically, on its paper size.

    The PDF page is the figure's sheet (A4 = 595.28 × 841.89 pt); the title (the figure's label)
    goes into the file's metadata.

    Raises
    ------
    InputError
        For another suffix or a dpi out of 30..1200.
    """
    from yitu.gis.io import atomic_path

    p = Path(path)
    fmt = p.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError(tr("maps.err.image_format", path=p, suffix=p.suffix or "-"))
    if not 30 <= int(dpi) <= 1200:
        raise InputError(tr("maps.err.dpi", dpi=dpi))
    title = fig.get_label() or "yitu map"
    creator = f"yitu {__version__}"
    metadata: dict[str, Any] = {
        "png": {"Title": title, "Software": creator},
        "svg": {"Title": title, "Creator": creator},
        "pdf": {"Title": title, "Creator": creator},
    }[fmt]
    # fontTools logs every step of subsetting the embedded font at INFO: keep that out of the user's log
    ft_log = logging.getLogger("fontTools")
    old_level = ft_log.level
    ft_log.setLevel(max(old_level, logging.WARNING))
    missing: dict[str, None] = {}
    try:
        with mpl.rc_context({"pdf.fonttype": 42, "svg.fonttype": "path"}), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with atomic_path(p) as tmp:
                fig.savefig(tmp, format=fmt, dpi=int(dpi), metadata=metadata, facecolor="white")
    finally:
        ft_log.setLevel(old_level)
    for w in caught:
        m = _GLYPH_MISSING.search(str(w.message))
        if m:  # user text (an emoji in a name) the CJK font lacks: one line, not a warning per glyph
            missing.setdefault(chr(int(m.group(1))))
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if missing:
        log.warning(msg("maps.log.missing_glyphs", file=p.name, chars=" ".join(missing)))
    log.info(msg("files.log.wrote", path=p))
    return p


from yitu.maps import static_render  # noqa: E402  (the sheets use the furniture above)
from yitu.maps.static_draw import data_date  # noqa: E402,F401  (public name, importable from here)
