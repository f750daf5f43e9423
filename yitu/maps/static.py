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

import geopandas as gpd
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
from yitu.errors import InputError, ProjectError
from yitu.layers.grading import grade_enterprises, grade_zones
from yitu.layers.grading import stale as grading_stale
from yitu.layers.schema import PROTECTION_CLASS_BY_TYPE
from yitu.maps import style
from yitu.maps.fonts import cjk_font, cjk_rc, has_bold
from yitu.maps.sources import date_text, project_data_date, source_line
from yitu.words import tr
from yitu.maps.style import text as _w  # UI words (zh, en), one table for all maps

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
        raise InputError(f"unknown language {lang!r}; use zh or en")
    return lang


def _paper_inches(paper: str, landscape: bool) -> tuple[float, float]:
    key = str(paper).strip().upper()
    if key not in PAPER_MM:
        raise InputError(f"unknown paper size {paper!r}; use one of {', '.join(PAPER_MM)}")
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
        raise InputError(f"map CRS {crs.name} is not projected; give a metric CRS (the project's metric_crs)")
    x0, y0, x1, y1 = _project_bounds(tuple(bounds_lonlat), crs)  # type: ignore[arg-type]
    dx, dy = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
    if orientation is None:
        landscape = dx >= dy
    elif orientation in ("landscape", "portrait"):
        landscape = orientation == "landscape"
    else:
        raise InputError(f"unknown orientation {orientation!r}; use landscape or portrait")
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


# --------------------------------------------------------------------------- data helpers
def data_date(*layers: pd.DataFrame | None) -> date | None:
    """The latest ``updated_at`` of the layers (``None`` when none has one)."""
    latest: pd.Timestamp | None = None
    for layer in layers:
        if layer is None or "updated_at" not in layer.columns or not len(layer):
            continue
        values = pd.to_datetime(layer["updated_at"].astype("string"), errors="coerce", format="mixed")
        top = values.max()
        if pd.notna(top) and (latest is None or top > latest):
            latest = top
    return latest.date() if latest is not None else None


def _to(gdf: gpd.GeoDataFrame | None, crs: pyproj.CRS) -> gpd.GeoDataFrame | None:
    if gdf is None or not len(gdf):
        return None
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    return gdf.to_crs(crs) if len(gdf) else None


def _in_view(gdf: gpd.GeoDataFrame | None, ax: Axes) -> gpd.GeoDataFrame | None:
    """The features inside the map frame (legend counts say what the map shows)."""
    if gdf is None:
        return None
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    inside = gdf.cx[x0:x1, y0:y1]
    return inside if len(inside) else None


def _graded(project: Any) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame | None]:
    """The enterprises and their risk zones, each read once; zones graded once (enterprise grades use them)."""
    ent = project.read("enterprises")
    zones = project.read_optional("risk_zones")
    if zones is not None and len(zones):
        zones = grade_zones(zones, settings=project.settings)
    return grade_enterprises(ent, zones, settings=project.settings), zones


def _grade_key(grade: pd.Series) -> np.ndarray:
    """0 for ungraded, else the grade (1..4) as int."""
    return grade.astype("Int64").fillna(0).astype(int).to_numpy()


def _draw_roads(ax: Axes, roads: gpd.GeoDataFrame | None, scale: float) -> bool:
    if roads is None:
        return False
    cls = roads["road_class"].astype(str) if "road_class" in roads.columns else pd.Series("", index=roads.index)
    widths = cls.map(_ROAD_WIDTH).fillna(_ROAD_DEFAULT_WIDTH).to_numpy() * scale
    # thin roads first so that main roads are drawn over them
    order = np.argsort(widths, kind="stable")
    roads = roads.iloc[order]
    roads.plot(ax=ax, color=style.LAYER_COLOURS["roads"], linewidth=widths[order], zorder=2)
    return True


def _marker_size(radius_px: np.ndarray | float, scale: float, factor: float = 0.55) -> Any:
    """Scatter size (points²) from a style radius in px (the HTML map's), shrunk for print."""
    diameter_pt = 2.0 * np.asarray(radius_px, dtype=float) * 0.75 * factor * scale
    return diameter_pt**2


def _draw_parks(ax: Axes, parks: gpd.GeoDataFrame | None, scale: float, *, label: bool = True) -> bool:
    if parks is None:
        return False
    colour = style.LAYER_COLOURS["parks"]
    parks.plot(ax=ax, facecolor=colour, alpha=0.07, edgecolor="none", zorder=1)
    parks.boundary.plot(ax=ax, color=colour, linewidth=1.4 * scale, linestyle="--", zorder=3)
    if label and "name" in parks.columns:
        prop = map_font(ax, size=8.5)
        _embolden(prop)
        halo = [patheffects.withStroke(linewidth=2.5 * scale, foreground="white")]
        for geom, name in zip(parks.geometry, parks["name"].astype(str)):
            b = geom.bounds
            ax.text(
                (b[0] + b[2]) / 2, b[3], name, ha="center", va="bottom", fontproperties=prop, color=colour,
                zorder=15, path_effects=halo, clip_on=True,
            )
    return True


def _draw_stations(ax: Axes, stations: gpd.GeoDataFrame | None, scale: float, lang: str) -> list[Artist]:
    if stations is None:
        return []
    handles: list[Artist] = [_heading(_w("stations", lang=lang))]
    types = stations["station_type"].astype(str) if "station_type" in stations.columns else pd.Series(
        "", index=stations.index
    )
    xy = np.column_stack([stations.geometry.x, stations.geometry.y]) if len(stations) else np.empty((0, 2))
    for kind in [t for t in style.STATION_COLOURS if (types == t).any()] + sorted(
        set(types) - set(style.STATION_COLOURS)
    ):
        mask = (types == kind).to_numpy()
        sym = style.symbol("stations", kind)
        colour = sym.fill
        # never larger than the smallest plant dot beside it: risk first
        ax.scatter(xy[mask, 0], xy[mask, 1], marker="^", s=(sym.size * 0.75 * scale) ** 2, c=colour, edgecolors="white",
                   linewidths=0.5 * scale, zorder=8)
        label = style.enum_name(kind, lang=lang)
        handles.append(Line2D([], [], linestyle="none", marker="^", markersize=sym.size * 0.75, markerfacecolor=colour,
                              markeredgecolor="black", markeredgewidth=0.5,
                              label=_w("count", lang=lang, label=label, n=int(mask.sum()))))
    return handles


def _draw_targets(ax: Axes, targets: gpd.GeoDataFrame | None, scale: float, lang: str) -> list[Artist]:
    if targets is None:
        return []
    pts = targets.geometry.representative_point()
    # an empty protection class follows from the target type (GB 36894-2018), as the loader documents
    given = targets["protection_class"] if "protection_class" in targets.columns else pd.Series(
        pd.NA, index=targets.index, dtype="object"
    )
    kinds = targets["target_type"] if "target_type" in targets.columns else pd.Series("其他", index=targets.index)
    by_type = kinds.astype(str).map(PROTECTION_CLASS_BY_TYPE).fillna("一般")
    cls = given.where(given.notna() & (given.astype(str).str.strip() != ""), by_type).astype(str)
    handles: list[Artist] = [_heading(_w("targets", lang=lang))]
    for kind, colour in style.TARGET_COLOURS.items():
        mask = (cls == kind).to_numpy()
        if not mask.any():
            continue
        ax.scatter(pts.x[mask], pts.y[mask], marker="s", s=(4.5 * scale) ** 2, c=colour, edgecolors="white",
                   linewidths=0.5 * scale, zorder=6)
        handles.append(Line2D([], [], linestyle="none", marker="s", markersize=4.5, markerfacecolor=colour,
                              markeredgecolor="white",
                              label=_w("count", lang=lang, label=style.enum_name(kind, lang=lang), n=int(mask.sum()))))
    rest = ~cls.isin(list(style.TARGET_COLOURS)).to_numpy()
    if rest.any():
        ax.scatter(pts.x[rest], pts.y[rest], marker="s", s=(4.5 * scale) ** 2, c=style.LAYER_COLOURS["targets"], zorder=6)
    return handles


def _draw_points(ax: Axes, gdf: gpd.GeoDataFrame | None, layer: str, scale: float, lang: str) -> list[Artist]:
    """Shelters, water sources, depots: each in its symbol of the one scheme (style.SYMBOLS)."""
    if gdf is None or not len(gdf):
        return []
    sym = style.symbol(layer)
    pts = gdf.geometry.representative_point()
    marker = style.MPL_MARKERS.get(sym.shape, "o")
    ax.scatter(pts.x, pts.y, marker=marker, s=(sym.size * 0.9 * scale) ** 2, c=sym.fill, edgecolors="white",
               linewidths=0.4 * scale, zorder=6)
    return [Line2D([], [], linestyle="none", marker=marker, markersize=sym.size * 0.9, markerfacecolor=sym.fill,
                   markeredgecolor="white",
                   label=_w("count", lang=lang, label=style.layer_label(layer, lang=lang), n=len(gdf)))]


def _draw_base(ax: Axes, project: Any, lay: Any) -> list[Artist]:
    """Water, bridges, 乡镇 boundaries and place names under everything (yitu.maps.basemap)."""
    from yitu.maps.basemap import draw_geography

    try:
        return draw_geography(ax, project, crs=lay.crs, scale=lay.scale, font=map_font(ax, size=8))
    except Exception as exc:  # noqa: BLE001 - a map without base geography is still a map
        log.warning("base geography not drawn: %s", exc)
        return []


def _title(project: Any, key: str, lang: str) -> str:
    name = project.settings.project.name
    if key == "risk":
        return f"{name} {_w('risk_map_title', lang=lang)}"
    return f"{name} {_w(key, lang=lang)}"


# --------------------------------------------------------------------------- the three maps
def _park_view(project: Any, parks: gpd.GeoDataFrame | None, park_id: str) -> tuple[tuple[float, ...], str]:
    """Bounds (lon/lat) around one park, with a margin, and its name."""
    if parks is None or not len(parks):
        raise ProjectError(f"{project.path}: no parks layer; import one with `yitu import {project.path} parks FILE`")
    match = parks[parks["id"].astype(str) == str(park_id)]
    if match.empty:
        ids = ", ".join(parks["id"].astype(str).head(10))
        raise InputError(f"{project.path}: no park with id {park_id!r}; parks: {ids}")
    crs = project.metric_crs()
    geom = match.to_crs(crs).geometry
    x0, y0, x1, y1 = geom.total_bounds
    margin = max(0.12 * max(x1 - x0, y1 - y0), 300.0)
    box = (x0 - margin, y0 - margin, x1 + margin, y1 + margin)
    bounds = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform_bounds(*box)
    return tuple(bounds), str(match["name"].iloc[0])


def _render_risk(
    project: Any, *, paper: str, lang: str, font: Any, title: str | None, orientation: str | None = None,
    park_id: str | None = None,
) -> Figure:
    ent, _ = _graded(project)
    parks = project.read_optional("parks")
    stations = project.read_optional("stations")
    targets = project.read_optional("targets")
    roads = project.read_optional("roads")
    bounds: tuple[float, ...] = project.bounds()
    if park_id is not None:
        bounds, park_name = _park_view(project, parks, park_id)
        title = title or f"{park_name} {_w('risk_map_title', lang=lang)}"
    fig, ax = map_axes(bounds, project=project, paper=paper, lang=lang, font=font,  # type: ignore[arg-type]
                       orientation=orientation, title=title or _title(project, "risk", lang))
    lay = _layout(fig)
    assert lay is not None
    crs, scale = lay.crs, lay.scale
    base_handles = _draw_base(ax, project, lay)
    have_parks = _draw_parks(ax, _to(parks, crs), scale)
    have_roads = _draw_roads(ax, _to(roads, crs), scale)
    target_handles = _draw_targets(ax, _in_view(_to(targets, crs), ax), scale, lang)
    for name in ("shelters", "water_sources", "depots"):
        target_handles += _draw_points(ax, _in_view(_to(project.read_optional(name), crs), ax), name, scale, lang)
    station_handles = _draw_stations(ax, _in_view(_to(stations, crs), ax), scale, lang)

    e = _in_view(_to(ent, crs), ax)
    handles: list[Artist] = [_heading(_w("risk_grade", lang=lang))]
    size_handles: list[Artist] = []
    if e is not None:
        pts = e.geometry.representative_point()
        key = _grade_key(e["grade"])
        level = (
            pd.to_numeric(e["major_hazard_level"], errors="coerce").fillna(0).astype(int).to_numpy()
            if "major_hazard_level" in e.columns
            else np.zeros(len(e), dtype=int)
        )
        radius = np.array([style.major_hazard_radius(v) for v in level])
        colours = np.array([style.grade_colour(g if g else None) for g in key])
        # draw low risk first so that red is never hidden under blue; big markers below small ones
        order = np.lexsort((-radius, -np.where(key == 0, 5, key)))
        ax.scatter(pts.x.to_numpy()[order], pts.y.to_numpy()[order], s=_marker_size(radius[order], scale),
                   c=colours[order], edgecolors="#202020", linewidths=0.35 * scale, zorder=10)
        if park_id is not None:  # zoomed on a park: name the 重大风险 enterprises
            prop = map_font(ax, size=6.5)
            halo = [patheffects.withStroke(linewidth=2.0 * scale, foreground="white")]
            red = np.flatnonzero(key == 1)
            for i in red:
                ax.annotate(str(e["name"].iloc[i]), (pts.x.iloc[i], pts.y.iloc[i]), xytext=(0, 6.5 * scale),
                            textcoords="offset points", ha="center", va="bottom", fontproperties=prop,
                            color="#B00010", zorder=16, path_effects=halo, annotation_clip=True)
        counts = {g: int((key == g).sum()) for g in (1, 2, 3, 4, 0)}
        for g in (1, 2, 3, 4, 0):
            if g == 0 and counts[0] == 0:
                continue
            handles.append(Line2D([], [], linestyle="none", marker="o", markersize=7.5,
                                  markerfacecolor=style.grade_colour(g or None), markeredgecolor="#202020",
                                  markeredgewidth=0.4,
                                  label=_w("count", lang=lang, label=style.grade_label(g or None, lang=lang),
                                           n=counts[g])))
        present = sorted({int(v) for v in level if 1 <= v <= 4})
        if present:
            size_handles.append(_heading(_w("major_hazard", lang=lang)))
            for v in [*present, 0]:
                d = 2.0 * style.major_hazard_radius(v) * 0.75 * 0.55
                size_handles.append(Line2D([], [], linestyle="none", marker="o", markersize=d,
                                           markerfacecolor="white", markeredgecolor="#202020",
                                           markeredgewidth=0.5,
                                           label=_w("mh_level", lang=lang, n=v) if v else _w("mh_none", lang=lang)))
    other: list[Artist] = []
    if have_parks:
        other.append(Patch(facecolor=style.LAYER_COLOURS["parks"] + "22", edgecolor=style.LAYER_COLOURS["parks"],
                           linestyle="--", label=_w("park", lang=lang)))
    if have_roads:
        other.append(Line2D([], [], color=style.LAYER_COLOURS["roads"], linewidth=1.2, label=_w("roads", lang=lang)))
    other += base_handles
    add_legend(ax, [*handles, *size_handles, *station_handles, *target_handles, *other], lang=lang)
    add_scalebar(ax)
    add_north_arrow(ax)
    add_notes(fig, data_date=project_data_date(project), source=source_line(project, lang=lang),
              stale_months=project.settings.risk.stale_months)
    return fig


def _need(project: Any, name: str) -> gpd.GeoDataFrame:
    layer = project.read_optional(name)
    if layer is None:
        raise ProjectError(
            f"{project.path}: no coverage results yet (layer {name!r}); run `yitu check {project.path}` first"
        )
    return layer


def _render_coverage(
    project: Any, *, paper: str, lang: str, font: Any, title: str | None, orientation: str | None = None
) -> Figure:
    iso = _need(project, "result_isochrones")
    park_check = project.read_optional("result_park_check")
    park_targets = project.read_optional("result_park_targets")
    stations = project.read_optional("stations")
    roads = project.read_optional("roads")
    parks = project.read_optional("parks")
    fig, ax = map_axes(project.bounds(), project=project, paper=paper, lang=lang, font=font,
                       orientation=orientation, title=title or _title(project, "coverage_map_title", lang))
    lay = _layout(fig)
    assert lay is not None
    crs, scale = lay.crs, lay.scale
    handles: list[Artist] = []
    base_handles = _draw_base(ax, project, lay)
    iso_all = iso[iso["station_id"].astype(str) == "ALL"] if "station_id" in iso.columns else iso
    iso_all = _to(iso_all, crs)
    if iso_all is not None:
        bands = sorted(pd.to_numeric(iso_all["band_min"], errors="coerce").dropna().unique())
        handles.append(_heading(style.layer_label("isochrones", lang=lang)))
        values = pd.to_numeric(iso_all["band_min"], errors="coerce")
        for i, band in enumerate(bands):
            colour = style.BAND_COLOURS[min(i, len(style.BAND_COLOURS) - 1)]
            iso_all[values == band].plot(ax=ax, facecolor=colour, edgecolor="none", alpha=0.8, zorder=2.5)
            handles.append(Patch(facecolor=colour, alpha=0.8, edgecolor="none",
                                 label=_w("isochrone", lang=lang, m=f"{band:g}")))
        unreached = _w("unreached", lang=lang, m=float(bands[-1]) if bands else 0.0)
        if roads is not None:  # bands follow the reached roads; the roads left grey were not reached
            handles.append(Line2D([], [], color=style.LAYER_COLOURS["roads"], linewidth=1.2, label=unreached))
        else:
            handles.append(Patch(facecolor=ax.get_facecolor(), edgecolor="#999999", label=unreached))
    else:
        log.warning("result_isochrones has no rows for station ALL; the map shows no bands")
    _draw_roads(ax, _to(roads, crs), scale)
    pc = _to(park_check, crs)
    if pc is not None:
        verdict = pc["verdict"].astype(str).str.upper() if "verdict" in pc.columns else pd.Series("", index=pc.index)
        for v, key, colour in (("PASS", "pass_park", style.BAND_COLOURS[0]), ("FAIL", "fail_park", "#C62828")):
            part = pc[verdict == v]
            if len(part):
                part.boundary.plot(ax=ax, color=colour, linewidth=2.0 * scale, zorder=4)
                handles.append(Patch(facecolor="none", edgecolor=colour, linewidth=2.0, label=_w(key, lang=lang)))
        prop = map_font(ax, size=8.5)
        _embolden(prop)
        halo = [patheffects.withStroke(linewidth=2.5 * scale, foreground="white")]
        for geom, row in zip(pc.geometry, pc.itertuples(index=False)):
            b = geom.bounds
            share = getattr(row, "covered_share", None)
            verdict_txt = _w("pass" if str(getattr(row, "verdict", "")).upper() == "PASS" else "fail",
                                     lang=lang)
            label = f"{getattr(row, 'park_name', '')} {verdict_txt}"
            if share is not None and pd.notna(share):
                label += f"（{float(share):.0%}）" if lang == "zh" else f" ({float(share):.0%})"
            ax.text((b[0] + b[2]) / 2, b[3], label, ha="center", va="bottom", fontproperties=prop, zorder=15,
                    color="#222222", path_effects=halo, clip_on=True)
    elif parks is not None:
        _draw_parks(ax, _to(parks, crs), scale)
    pt = _to(park_targets, crs)
    if pt is not None and "within_limit" in pt.columns:
        failing = pt[~pt["within_limit"].fillna(False).astype(bool)]
        if len(failing):
            pts = failing.geometry.representative_point()
            ax.scatter(pts.x, pts.y, marker="x", s=(5 * scale) ** 2, c=style.LAYER_COLOURS["fail"],
                       linewidths=1.2 * scale, zorder=9)
            handles.append(Line2D([], [], linestyle="none", marker="x", markersize=5,
                                  markeredgecolor=style.LAYER_COLOURS["fail"], markeredgewidth=1.2,
                                  label=_w("count", lang=lang, label=_w("fail_targets", lang=lang), n=len(failing))))
    handles += _draw_stations(ax, _to(stations, crs), scale, lang)
    handles += base_handles
    add_legend(ax, handles, lang=lang)
    add_scalebar(ax)
    add_north_arrow(ax)
    add_notes(fig, data_date=project_data_date(project), source=source_line(project, lang=lang))
    return fig


def _unknown_enterprise(
    project: Any, enterprise_id: str, ent: pd.DataFrame, zones: pd.DataFrame | None
) -> InputError:
    ids = ent["id"].astype(str)
    if ids.empty:
        return InputError(
            f"{project.path}: no enterprise with id {enterprise_id!r}: the enterprises layer is empty "
            f"(every row rejected? see {project.rejected_dir / 'enterprises.csv'}); "
            f"import it with `yitu import {project.path} enterprises FILE`"
        )
    with_zones = [] if zones is None else list(ids[ids.isin(zones["enterprise_id"].astype(str))])
    some = (with_zones or list(ids))[:5]
    return InputError(
        f"{project.path}: no enterprise with id {enterprise_id!r} in the enterprises layer "
        f"({len(ids)} enterprises; e.g. {', '.join(some)}"
        f"{' — these have risk zones' if with_zones else ''}); "
        f"see every id with `yitu lists {project.path}` (安全风险清单) or in the enterprises layer of project.gpkg"
    )


def _render_enterprise(
    project: Any, enterprise_id: str | None, *, paper: str, lang: str, font: Any, title: str | None,
    orientation: str | None = None,
) -> Figure:
    if enterprise_id is None or not str(enterprise_id).strip():
        raise InputError("the enterprise map needs an enterprise id: --enterprise ID")
    eid = str(enterprise_id).strip()
    ent, zones_all = _graded(project)
    match = ent[ent["id"].astype(str) == eid]
    if match.empty:
        raise _unknown_enterprise(project, eid, ent, zones_all)
    row = match.iloc[0]
    zones = None
    if zones_all is not None:
        zones = zones_all[zones_all["enterprise_id"].astype(str) == eid]
        if zones.empty:
            zones = None
    if zones is None:
        log.warning("enterprise %s has no risk zones: the map shows its surroundings (plants, rescue forces, "
                    "targets within 1 km); import its zones with `yitu import DIR risk_zones FILE`", eid)
    crs = project.metric_crs()
    here = gpd.GeoSeries([row.geometry], crs="EPSG:4326")
    geoms = here if zones is None else pd.concat([here, zones.geometry], ignore_index=True)
    metric = gpd.GeoSeries(geoms, crs="EPSG:4326").to_crs(crs)
    x0, y0, x1, y1 = metric.total_bounds
    size = max(x1 - x0, y1 - y0)
    half = max(size * 0.6, 150.0) if zones is not None else 1000.0  # no zones: 1 km of surroundings
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    box_m = (cx - half, cy - half, cx + half, cy + half)
    bounds_ll = pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform_bounds(*box_m)
    name = str(row.get("name", eid))
    grade_txt = style.grade_label(row.get("grade") if pd.notna(row.get("grade")) else None, lang=lang)
    subtitle = f"{_w('enterprise_grade', lang=lang)}{'：' if lang == 'zh' else ': '}{grade_txt}"
    if zones is not None:
        subtitle += f"　{_w('zones', lang=lang)} {len(zones)}" if lang == "zh" else f"   {len(zones)} zones"
    else:
        subtitle += ("　" if lang == "zh" else "   ") + tr("maps.no_zones", lang=lang)
    fig, ax = map_axes(bounds_ll, crs=crs, project=project, paper=paper, lang=lang, font=font, pad=0.0,
                       orientation=orientation,
                       title=title or f"{name} {_w('enterprise_map_title', lang=lang)}", subtitle=subtitle)
    lay = _layout(fig)
    assert lay is not None
    scale = lay.scale
    view = gpd.GeoSeries.from_xy([box_m[0], box_m[2]], [box_m[1], box_m[3]], crs=crs).total_bounds
    base_handles = _draw_base(ax, project, lay)
    have_roads = _draw_roads(ax, _to(project.read_optional("roads"), crs), scale * 2)
    around: list[Artist] = []
    if zones is None:  # the surroundings: other plants by grade, rescue forces, protected targets
        near = _in_view(_to(ent[ent["id"].astype(str) != eid], crs), ax)
        if near is not None:
            key = _grade_key(near["grade"])
            pts = near.geometry.representative_point()
            ax.scatter(pts.x, pts.y, s=_marker_size(np.full(len(near), style.major_hazard_radius(0)), scale),
                       c=[style.grade_colour(g or None) for g in key], edgecolors="#202020",
                       linewidths=0.35 * scale, zorder=10)
        around += _draw_stations(ax, _in_view(_to(project.read_optional("stations"), crs), ax), scale, lang)
        around += _draw_targets(ax, _in_view(_to(project.read_optional("targets"), crs), ax), scale, lang)
    # neighbours' zones, pale, for context
    have_others = False
    if zones_all is not None:
        others = _to(zones_all[zones_all["enterprise_id"].astype(str) != eid], crs)
        if others is not None:
            others = others.cx[view[0]:view[2], view[1]:view[3]]
            if len(others):
                have_others = True
                others.plot(ax=ax, color=[style.grade_colour(g) for g in others["grade"]], alpha=0.25,
                            edgecolor="#888888", linewidth=0.3 * scale, zorder=3)
    handles: list[Artist] = [_heading(_w("risk_grade", lang=lang))]
    if zones is not None:
        z = _to(zones, crs)
        assert z is not None
        key = _grade_key(z["grade"])
        colours = [style.grade_colour(g or None) for g in key]
        z.plot(ax=ax, color=colours, edgecolor="#303030", linewidth=0.8 * scale, alpha=0.9, zorder=5)
        prop = map_font(ax, size=8)
        halo = [patheffects.withStroke(linewidth=2.2 * scale, foreground="white")]
        pts = z.geometry.representative_point()
        # a label in the zone that holds the enterprise's marker goes below the marker
        point = match.iloc[[0]].to_crs(crs).geometry.iloc[0]
        holds = z.geometry.contains(point.representative_point()).to_numpy()
        ys = pts.y.to_numpy().copy()
        if holds.any():
            b = z.geometry.bounds.to_numpy()
            ys[holds] = b[holds, 1] + 0.25 * (b[holds, 3] - b[holds, 1])
        for x, y, zname, g in zip(pts.x, ys, z["name"].astype(str), key):
            ax.text(x, y, f"{zname}\n{style.grade_label(g or None, lang=lang)}", ha="center", va="center",
                    fontproperties=prop, zorder=12, path_effects=halo, clip_on=True)
        for g in (1, 2, 3, 4, 0):
            n = int((key == g).sum())
            if n:
                handles.append(Patch(facecolor=style.grade_colour(g or None), edgecolor="#303030", alpha=0.9,
                                     label=_w("count", lang=lang, label=style.grade_label(g or None, lang=lang), n=n)))
    e = _to(match.iloc[[0]], crs)
    assert e is not None
    geom = e.geometry.iloc[0]
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        e.boundary.plot(ax=ax, color="black", linewidth=1.6 * scale, zorder=7)
        handles.append(Patch(facecolor="none", edgecolor="black", linewidth=1.6, label=_w("enterprise", lang=lang)))
    else:
        ax.scatter([geom.x], [geom.y], marker="*", s=(13 * scale) ** 2, c=style.grade_colour(row.get("grade")),
                   edgecolors="black", linewidths=0.8 * scale, zorder=13)
        handles.append(Line2D([], [], linestyle="none", marker="*", markersize=12, markeredgecolor="black",
                              markerfacecolor=style.grade_colour(row.get("grade")), label=_w("enterprise", lang=lang)))
    if have_others:
        handles.append(Patch(facecolor="#BBBBBB", alpha=0.4, edgecolor="#888888", label=_w("other_zones", lang=lang)))
    if have_roads:
        handles.append(Line2D([], [], color=style.LAYER_COLOURS["roads"], linewidth=1.5, label=_w("roads", lang=lang)))
    if zones is None:
        for g in (1, 2, 3, 4):
            handles.append(Line2D([], [], linestyle="none", marker="o", markersize=6, markerfacecolor=style.grade_colour(g),
                                  markeredgecolor="#202020", label=style.grade_label(g, lang=lang)))
        ax.text(0.5, 0.04, tr("maps.no_zones", lang=lang), transform=ax.transAxes, ha="center", va="bottom",
                fontproperties=map_font(ax, size=9), zorder=30,
                bbox=dict(boxstyle="round,pad=0.4", facecolor="white", edgecolor="#616161", alpha=0.92))
    handles += around + base_handles
    add_legend(ax, handles, lang=lang)
    add_scalebar(ax)
    add_north_arrow(ax)
    add_notes(fig, data_date=project_data_date(project), source=source_line(project, lang=lang),
              stale_months=project.settings.risk.stale_months)
    return fig


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
        raise InputError(f"unknown map {what!r}; use one of {', '.join(WHAT)}")
    s = project.settings.maps
    paper = paper or s.paper or "A4"
    lang = _check_lang(lang or s.lang or "zh")
    font = font or (s.font or None)
    if park_id is not None and what != "risk":
        raise InputError("--park zooms the risk map; use it with --what risk")
    kw = {"paper": paper, "lang": lang, "font": font, "title": title, "orientation": orientation}
    with mpl.rc_context(cjk_rc(font)):
        if what == "risk":
            fig = _render_risk(project, park_id=park_id, **kw)
        elif what == "coverage":
            fig = _render_coverage(project, **kw)
        else:
            fig = _render_enterprise(project, enterprise_id, **kw)
        for ax in fig.axes:  # geopandas labels the axes with the CRS's axis names; a map needs none
            ax.set_xlabel("")
            ax.set_ylabel("")
    log.info("rendered the %s map of %s on %s", what, project.path, paper)
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
        raise InputError(f"{p}: unknown image format {p.suffix or '(none)'}; use .png, .svg or .pdf")
    if not 30 <= int(dpi) <= 1200:
        raise InputError(f"dpi {dpi} out of range; use 30..1200 (300 for print)")
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
        log.warning("%s: characters not in the map font, drawn as boxes: %s", p.name, " ".join(missing))
    log.info("wrote %s", p)
    return p
