"""The interactive four-colour risk map (安全风险四色分布图) as one folium/Leaflet page.

:func:`risk_map` draws every layer of a project that a planner looks at — enterprises coloured by
risk grade and sized by 重大危险源 level, the risk zones inside plants, parks, rescue forces by type,
shelters, protected targets, water sources, depots, the road network — and, when ``yitu check`` has
stored them, the isochrone bands, responsibility areas, the park-check verdicts and the targets that
miss the time limit. Each layer is one ``FeatureGroup`` in a layer control; a fixed legend lists the
symbols in Chinese (English with ``lang="en"``).

Safety of user text: every value shown in a popup, tooltip, the title or the legend is escaped with
:func:`html.escape` in Python before it reaches the page, and popups/tooltips are bound from
escaped strings stored in the GeoJSON properties (folium's ``Tooltip`` puts its text unescaped into a
JavaScript template literal, and ``GeoJsonTooltip`` renders values as HTML, so neither is used).

Basemaps in GCJ-02 (高德): every overlay is shifted from WGS-84 to GCJ-02 for display only.
Save the map with :func:`yitu.maps.offline.save_html` (offline by default).

In the page, ``window.yitu`` holds ``map`` (the ``L.Map``), ``groups`` (layer key -> ``L.FeatureGroup``,
keys as in :data:`LAYER_ORDER`), ``expected`` (features drawn per layer) and ``datum`` (of the
displayed coordinates): tests and embedding pages use it.
"""

from __future__ import annotations

import html
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from folium.utilities import JsCode

try:  # folium >= 0.18 (filters tojson/tojavascript); the jinja2 Template has tojson too
    from folium.template import Template
except ImportError:  # pragma: no cover
    from jinja2 import Template  # type: ignore[assignment]

from yitu.errors import InputError
from yitu.gis.crs import from_wgs84
from yitu.layers import grading
from yitu.layers.schema import (
    GRADE_COLOURS,
    PROTECTION_CLASS_BY_TYPE,
    SCHEMAS,
    UNGRADED_COLOUR,
    VEHICLE_FIELDS,
)
from yitu.maps import style
from yitu.maps.tiles import TileSource, resolve_tiles

if TYPE_CHECKING:
    from yitu.layers.project import Project
    from yitu.routing.network import RoadNetwork
    from yitu.settings import Settings

log = logging.getLogger(__name__)

__all__ = ["risk_map", "MapLayer", "map_layers", "LAYER_ORDER", "esc"]

# Drawing order (bottom to top) and the keys used in the page (window.yitu.groups[key]).
LAYER_ORDER: tuple[str, ...] = (
    "roads",
    "isochrones",
    "responsibility",
    "parks",
    "park_check",
    "risk_zones",
    "enterprises",
    "stations",
    "shelters",
    "targets",
    "water_sources",
    "depots",
    "park_check_fail",
)

_LABELS: dict[str, tuple[str, str]] = {
    "roads": ("道路", "Roads"),
    "isochrones": ("等时圈(全部站点)", "Isochrones (all stations)"),
    "responsibility": ("消防站责任区", "Station responsibility areas"),
    "parks": ("化工园区", "Chemical parks"),
    "park_check": ("园区救援核查", "Park rescue check"),
    "risk_zones": ("企业内部风险分区", "Risk zones in plants"),
    "enterprises": ("企业(按风险等级)", "Enterprises (by risk grade)"),
    "stations": ("救援力量", "Rescue forces"),
    "shelters": ("避难场所", "Shelters"),
    "targets": ("防护目标", "Protected targets"),
    "water_sources": ("消防水源", "Water sources"),
    "depots": ("应急物资库", "Emergency depots"),
    "park_check_fail": ("超时未达目标", "Targets missing the limit"),
}

# Words used in popups and the legend that are not field labels.
_WORDS: dict[str, tuple[str, str]] = {
    "grade": ("风险等级", "Risk grade"),
    "grade_source": ("定级依据", "Grade from"),
    "given": ("填报", "given"),
    "zones": ("分区最高等级", "highest zone grade"),
    "lec": ("LEC 计算", "LEC"),
    "matrix": ("风险矩阵", "risk matrix"),
    "none": ("无", "none"),
    "major_hazard": ("重大危险源", "Major hazard installation"),
    "mh_none": ("无", "none"),
    "enterprise": ("所属企业", "Enterprise"),
    "vehicles": ("车辆", "Vehicles"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "band": ("到达时间", "Reached within"),
    "station": ("站点", "Station"),
    "verdict": ("核查结论", "Verdict"),
    "limit_min": ("时限(分钟)", "Limit (min)"),
    "n_targets": ("核查点数", "Points checked"),
    "n_fail": ("超时点数", "Points missing"),
    "worst_miss_min": ("最大超时(分钟)", "Worst miss (min)"),
    "covered_share": ("时限内覆盖面积", "Area covered in time"),
    "kind": ("类型", "Kind"),
    "arrival_min": ("到达时间(分钟)", "Arrival (min)"),
    "miss_min": ("超时(分钟)", "Late by (min)"),
    "nearest_station_id": ("最近站点", "Nearest station"),
    "status": ("状态", "Status"),
    "unreachable": ("不可达", "unreachable"),
    "off_network": ("离路网过远", "off the road network"),
    "ok": ("可达", "reachable"),
    "kind_enterprise": ("企业", "enterprise"),
    "kind_risk_zone": ("风险分区", "risk zone"),
    "kind_boundary": ("园区边界点", "park boundary point"),
    "late": ("超时 {m} 分钟", "{m} min late"),
    "road_class": ("道路等级", "Road class"),
    "road_name": ("道路名称", "Road name"),
    "size_note": ("圆点大小 = 重大危险源等级", "Dot size = major hazard level"),
    "mh_levels": ("一级 二级 三级 四级 无", "I II III IV none"),
    "made": ("制图", "Made"),
    "enterprises_n": ("企业 {n} 家，其中未定级 {u} 家", "{n} enterprises, {u} ungraded"),
    "stale": ("超过 {m} 个月未更新", "not updated for over {m} months"),
    "update_status": ("更新状态", "Update status"),
    "enterprises_stale": ("，{s} 家超过 {m} 个月未更新", "; {s} not updated for over {m} months"),
    "gcj_note": ("底图为 GCJ-02，图上要素已偏移显示", "GCJ-02 basemap: overlays shifted for display"),
}

_PASS_COLOUR = "#2E7D32"
_FAIL_COLOUR = "#C62828"
_RESP_COLOURS = ("#1565C0", "#6A1B9A", "#00838F", "#AD1457", "#EF6C00", "#2E7D32", "#4E342E", "#37474F")


def esc(value: object) -> str:
    """Escape a value for HTML text or attribute context (``&<>"'``); ``None``/NaN → ``""``."""
    if value is None:
        return ""
    try:
        if pd.isna(value):  # type: ignore[call-overload]
            return ""
    except (TypeError, ValueError):
        pass
    return html.escape(str(value), quote=True)


def _w(key: str, lang: str, **fmt: object) -> str:
    zh, en = _WORDS[key]
    return (zh if lang == "zh" else en).format(**fmt)


def _label(key: str, lang: str) -> str:
    if key not in _LABELS:  # an overlay of yitu/maps/overlays: its name from the words catalogue
        from yitu.words import has, tr

        return tr(f"map.layer.{key}", lang=lang) if has(f"map.layer.{key}") else key
    zh, en = _LABELS[key]
    return zh if lang == "zh" else en


def _field_label(layer: str, name: str, lang: str) -> str:
    if lang == "zh" and layer in SCHEMAS:
        try:
            return SCHEMAS[layer].field(name).label
        except KeyError:
            pass
    if name in _WORDS:
        return _w(name, lang)
    return name.replace("_", " ").capitalize()


def _fmt_value(v: Any, lang: str) -> str:
    """One value as escaped display text ('' for missing)."""
    if v is None:
        return ""
    if isinstance(v, (bool, np.bool_)):
        return _w("yes" if v else "no", lang)
    if isinstance(v, (float, np.floating)):
        if math.isnan(v):
            return ""
        return esc(f"{v:.0f}" if float(v).is_integer() else f"{v:.2f}".rstrip("0").rstrip("."))
    if isinstance(v, pd.Timestamp):
        return "" if pd.isna(v) else esc(v.date().isoformat())
    try:
        if pd.isna(v):
            return ""
    except (TypeError, ValueError):
        pass
    return esc(v)


def _fmt(s: pd.Series, lang: str) -> pd.Series:
    return s.map(lambda v: _fmt_value(v, lang)).astype(object)


def _rows(df: pd.DataFrame, fields: Sequence[tuple[str, str]], lang: str) -> pd.Series:
    """HTML table rows ``<tr><th>label</th><td>value</td></tr>`` for each record; empty values skipped.

    ``fields`` holds (column, label); labels are escaped here, values by :func:`_fmt`.
    """
    out = pd.Series("", index=df.index, dtype=object)
    for col, label in fields:
        if col not in df.columns:
            continue
        vals = _fmt(df[col], lang)
        row = "<tr><th>" + esc(label) + "</th><td>" + vals + "</td></tr>"
        out = out + row.where(vals != "", "")
    return out


def _popup(title: pd.Series, rows: pd.Series) -> pd.Series:
    """``title`` and ``rows`` must already be escaped HTML."""
    return '<div class="yitu-popup"><b>' + title + "</b><table>" + rows + "</table></div>"


@dataclass
class MapLayer:
    """One overlay of the map, ready to draw (geometry in WGS-84 until :func:`risk_map` shifts it).

    Attributes
    ----------
    key
        Layer key (see :data:`LAYER_ORDER`).
    gdf
        GeoDataFrame with columns ``_popup``, ``_tooltip`` (escaped HTML) and ``_style`` (Leaflet path
        options as dicts), one row per feature drawn.
    legend
        (label, colour, shape) entries for the legend; shape is ``"dot"``, ``"area"`` or ``"line"``.
    show
        Whether the layer is switched on when the page opens.
    """

    key: str
    gdf: gpd.GeoDataFrame
    legend: list[tuple[str, str, str]] = field(default_factory=list)
    show: bool = True


def _usable(gdf: gpd.GeoDataFrame | None, name: str) -> gpd.GeoDataFrame | None:
    """Rows with a non-empty geometry (dropped rows are logged); ``None`` for no layer / no rows."""
    if gdf is None or not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry is None:
        return None
    geom = gdf.geometry.values
    ok = ~(shapely.is_missing(geom) | shapely.is_empty(geom))
    if not ok.all():
        log.warning("%s: %d row(s) without geometry are not drawn", name, int((~ok).sum()))
    out = gdf.loc[ok].copy()
    return out if len(out) else None


def _require(gdf: gpd.GeoDataFrame, name: str, cols: Sequence[str]) -> bool:
    missing = [c for c in cols if c not in gdf.columns]
    if missing:
        log.warning("layer %s lacks field(s) %s and is not drawn; rerun `yitu check DIR` to rebuild it",
                    name, ", ".join(missing))
        return False
    return True


def _style_series(index: pd.Index, **cols: Any) -> pd.Series:
    """A Series of style dicts from scalar or per-row (Series/array) values."""
    n = len(index)
    arrays = {k: (np.asarray(v, dtype=object) if isinstance(v, (pd.Series, np.ndarray, list)) else np.full(n, v, dtype=object))
              for k, v in cols.items()}
    keys = list(arrays)
    out = [
        {k: (float(arrays[k][i]) if isinstance(arrays[k][i], (np.floating, np.integer)) else arrays[k][i]) for k in keys}
        for i in range(n)
    ]
    return pd.Series(out, index=index, dtype=object)


def _grades(project: Project, settings: Settings) -> tuple[gpd.GeoDataFrame | None, gpd.GeoDataFrame | None]:
    """Enterprises and zones with an Int64 ``grade`` (and ``grade_source``) column; zones graded once."""
    ent = project.read_optional("enterprises")
    zones = project.read_optional("risk_zones")
    if zones is not None and len(zones):
        zones = grading.grade_zones(zones, settings=settings)
    if ent is not None:
        ent = grading.grade_enterprises(ent, zones, settings=settings)
    return ent, zones


def _grade_text(grades: pd.Series, lang: str) -> pd.Series:
    return grades.map(lambda g: style.grade_label(None if pd.isna(g) else g, lang=lang)).astype(object)


def _grade_colour(grades: pd.Series) -> np.ndarray:
    return grades.map(lambda g: style.grade_colour(None if pd.isna(g) else g)).to_numpy(dtype=object)


def _grade_legend(lang: str) -> list[tuple[str, str, str]]:
    out = [(style.grade_label(g, lang=lang), GRADE_COLOURS[g], "dot") for g in (1, 2, 3, 4)]
    out.append((style.grade_label(None, lang=lang), UNGRADED_COLOUR, "dot"))
    return out


def _mh_text(level: pd.Series, lang: str) -> pd.Series:
    zh = {1: "一级", 2: "二级", 3: "三级", 4: "四级"}
    en = {1: "Level I", 2: "Level II", 3: "Level III", 4: "Level IV"}
    names = zh if lang == "zh" else en
    lv = pd.to_numeric(level, errors="coerce")
    return lv.map(lambda v: names.get(int(v), _w("mh_none", lang)) if pd.notna(v) else "").astype(object)


# -- layers ---------------------------------------------------------------------------------------


def _stale(df: gpd.GeoDataFrame, months: int) -> pd.Series:
    """True where ``updated_at`` is older than ``months`` (年度更新制度); all False when it cannot be told."""
    if "updated_at" not in df.columns:
        return pd.Series(False, index=df.index)
    out = grading.stale(df["updated_at"], months=months)
    return pd.Series(np.asarray(out, dtype=bool), index=df.index)


def _enterprises(ent: gpd.GeoDataFrame, lang: str, stale_months: int = 12) -> MapLayer:
    grade = ent["grade"]
    src = ent.get("grade_source", pd.Series("none", index=ent.index)).astype(object)
    show = ent.copy()
    is_stale = _stale(show, stale_months)
    show["_stale"] = np.where(is_stale, _w("stale", lang, m=stale_months), "")
    show["_is_stale"] = is_stale.to_numpy()
    show["_grade_text"] = _grade_text(grade, lang)
    show["_grade_source"] = src.map(lambda s: _w(s, lang) if s in _WORDS else s)
    if "major_hazard_level" in show.columns:
        show["_mh"] = _mh_text(show["major_hazard_level"], lang)
        mh = pd.to_numeric(show["major_hazard_level"], errors="coerce")
    else:
        mh = pd.Series(np.nan, index=show.index)
    fl = lambda n: _field_label("enterprises", n, lang)  # noqa: E731
    fields = [
        ("id", fl("id")), ("_grade_text", _w("grade", lang)), ("_grade_source", _w("grade_source", lang)),
        ("industry", fl("industry")), ("town", fl("town")), ("park_id", fl("park_id")), ("address", fl("address")),
        ("_mh", _w("major_hazard", lang)), ("hazchem_roles", fl("hazchem_roles")), ("key_process", fl("key_process")),
        ("key_chemical", fl("key_chemical")), ("employees", fl("employees")), ("contact", fl("contact")),
        ("phone", fl("phone")), ("updated_at", fl("updated_at")), ("_stale", _w("update_status", lang)),
    ]
    name = _fmt(show["name"], lang)
    show["_popup"] = _popup(name, _rows(show, fields, lang))
    show["_tooltip"] = name + " · " + _fmt(show["_grade_text"], lang)
    colour = _grade_colour(grade)
    is_major = (mh.fillna(0) > 0).to_numpy()
    show["_style"] = _style_series(
        show.index,
        radius=mh.map(style.major_hazard_radius).to_numpy(dtype=float),
        color=np.where(is_major, "#000000", "#424242"),
        weight=np.where(is_major, 2.0, 1.0),
        fillColor=colour,
        fillOpacity=0.9,
        opacity=1.0,
    )
    return MapLayer("enterprises", show, legend=_grade_legend(lang))


def _risk_zones(zones: gpd.GeoDataFrame, ent: gpd.GeoDataFrame | None, lang: str) -> MapLayer:
    show = zones.copy()
    show["_grade_text"] = _grade_text(show["grade"], lang)
    if ent is not None and "enterprise_id" in show.columns:
        names = pd.Series(ent["name"].to_numpy(), index=ent["id"].astype(str).to_numpy())
        names = names[~names.index.duplicated()]
        show["_ent"] = show["enterprise_id"].astype(str).map(names)
    fl = lambda n: _field_label("risk_zones", n, lang)  # noqa: E731
    fields = [
        ("id", fl("id")), ("_ent", _w("enterprise", lang)), ("enterprise_id", fl("enterprise_id")),
        ("_grade_text", _w("grade", lang)), ("hazard", fl("hazard")), ("measures", fl("measures")),
        ("owner", fl("owner")), ("updated_at", fl("updated_at")),
    ]
    name = _fmt(show["name"], lang)
    show["_popup"] = _popup(name, _rows(show, fields, lang))
    show["_tooltip"] = name + " · " + _fmt(show["_grade_text"], lang)
    colour = _grade_colour(show["grade"])
    show["_style"] = _style_series(show.index, color=colour, weight=1.0, fillColor=colour, fillOpacity=0.55,
                                   opacity=1.0, radius=5.0)
    return MapLayer("risk_zones", show, legend=[])


def _simple_points(
    key: str,
    gdf: gpd.GeoDataFrame,
    lang: str,
    fields: Sequence[str],
    colour: np.ndarray | str,
    *,
    radius: float | np.ndarray = 6.0,
    tooltip_extra: pd.Series | None = None,
    legend: list[tuple[str, str, str]] | None = None,
    layer_schema: str | None = None,
    border: str = "#FFFFFF",
    fill_opacity: float = 0.9,
) -> MapLayer:
    show = gdf.copy()
    sch = layer_schema or key
    name = _fmt(show["name"], lang) if "name" in show.columns else pd.Series("", index=show.index, dtype=object)
    rows = _rows(show, [(f, _field_label(sch, f, lang)) for f in fields], lang)
    show["_popup"] = _popup(name, rows)
    tip = name if tooltip_extra is None else name + tooltip_extra
    show["_tooltip"] = tip
    show["_style"] = _style_series(show.index, radius=radius, color=border, weight=1.5, fillColor=colour,
                                   fillOpacity=fill_opacity, opacity=1.0)
    return MapLayer(key, show, legend=legend or [])


def _stations(st: gpd.GeoDataFrame, lang: str) -> MapLayer:
    kinds = st.get("station_type", pd.Series("", index=st.index)).astype(object)
    colour = kinds.map(lambda t: style.STATION_COLOURS.get(str(t), "#B71C1C")).to_numpy(dtype=object)
    show = st.copy()
    veh = pd.Series("", index=show.index, dtype=object)
    for f, lab in VEHICLE_FIELDS.items():
        if f in show.columns:
            n = pd.to_numeric(show[f], errors="coerce").fillna(0)
            part = (esc(lab if lang == "zh" else f.replace("_", " ")) + " " + n.astype(int).astype(str) + "；")
            veh = veh + part.where(n > 0, "")
    show["_vehicles"] = veh.str.rstrip("；")
    fields = ["id", "station_type", "town", "turnout_min", "personnel", "_vehicles", "foam_t", "water_t", "phone", "updated_at"]
    present = [t for t in style.STATION_COLOURS if t in set(kinds.astype(str))]
    legend = [(style.enum_name(t, lang=lang), style.STATION_COLOURS[t], "dot") for t in present]
    kind_txt = kinds.map(lambda t: style.enum_name(t, lang=lang)).astype(object)
    layer = _simple_points("stations", show, lang, [], colour, radius=8.0,
                           tooltip_extra=" · " + _fmt(kind_txt, lang), legend=legend, border="#FFFFFF")
    # the vehicle list is already escaped HTML text: add it without escaping it twice
    rows = _rows(show, [(f, _field_label("stations", f, lang)) for f in fields if f != "_vehicles"], lang)
    vrow = ("<tr><th>" + esc(_w("vehicles", lang)) + "</th><td>" + show["_vehicles"] + "</td></tr>").where(
        show["_vehicles"] != "", "")
    layer.gdf["_popup"] = _popup(_fmt(show["name"], lang), rows + vrow)
    return layer


def _shelters(sh: gpd.GeoDataFrame, lang: str) -> MapLayer:
    cls = sh.get("shelter_class", pd.Series("", index=sh.index)).astype(object)
    colour = cls.map(lambda c: style.SHELTER_COLOURS.get(str(c), "#2E7D32")).to_numpy(dtype=object)
    cap = pd.to_numeric(sh.get("capacity", pd.Series(np.nan, index=sh.index)), errors="coerce")
    extra = (" · " + esc(style.text("capacity", lang=lang)) + " " + _fmt(cap, lang)).where(cap.notna(), "")
    present = [c for c in style.SHELTER_COLOURS if c in set(cls.astype(str))]
    legend = [(f"{c}避难场所" if lang == "zh" else f"Shelter ({style.enum_name(c, lang=lang)})", style.SHELTER_COLOURS[c], "dot")
              for c in present]
    return _simple_points("shelters", sh, lang,
                          ["id", "shelter_class", "town", "area_m2", "effective_area_m2", "capacity", "facilities", "updated_at"],
                          colour, radius=7.0, tooltip_extra=extra, legend=legend, border="#FFFFFF")


def _targets(tg: gpd.GeoDataFrame, lang: str) -> MapLayer:
    tg = tg.copy()
    ttype = tg.get("target_type", pd.Series("", index=tg.index)).astype(object)
    pcls = tg.get("protection_class", pd.Series(np.nan, index=tg.index)).astype(object)
    pcls = pcls.where(pcls.notna() & (pcls.astype(str) != ""), ttype.map(lambda t: PROTECTION_CLASS_BY_TYPE.get(str(t), "一般")))
    tg["protection_class"] = pcls
    colour = pcls.map(lambda c: style.TARGET_COLOURS.get(str(c), "#5C6BC0")).to_numpy(dtype=object)
    present = [c for c in style.TARGET_COLOURS if c in set(pcls.astype(str))]
    legend = [(f"防护目标({c})" if lang == "zh" else f"Protected target ({style.enum_name(c, lang=lang)})",
               style.TARGET_COLOURS[c], "dot")
              for c in present]
    return _simple_points("targets", tg, lang, ["id", "target_type", "protection_class", "population", "town", "updated_at"],
                          colour, radius=6.0, tooltip_extra=" · " + _fmt(ttype, lang), legend=legend, border="#FFFFFF")


def _areas(key: str, gdf: gpd.GeoDataFrame, lang: str, fields: Sequence[tuple[str, str]], *,
           colour: np.ndarray | str, fill: np.ndarray | str | None = None, fill_opacity: float = 0.1,
           weight: float = 2.0, dash: str | None = None, name_col: str = "name",
           tooltip: pd.Series | None = None, legend: list[tuple[str, str, str]] | None = None,
           show_layer: bool = True) -> MapLayer:
    show = gdf.copy()
    name = _fmt(show[name_col], lang) if name_col in show.columns else pd.Series("", index=show.index, dtype=object)
    show["_popup"] = _popup(name, _rows(show, fields, lang))
    show["_tooltip"] = name if tooltip is None else tooltip
    opts: dict[str, Any] = dict(color=colour, weight=weight, fillColor=colour if fill is None else fill,
                                fillOpacity=fill_opacity, opacity=1.0)
    if dash:
        opts["dashArray"] = dash
    show["_style"] = _style_series(show.index, **opts)
    return MapLayer(key, show, legend=legend or [], show=show_layer)


def _roads(roads: gpd.GeoDataFrame, lang: str) -> MapLayer:
    show = roads.copy()
    rc = show.get("road_class", pd.Series("", index=show.index)).astype(object)
    nm = show.get("name", pd.Series("", index=show.index)).astype(object)
    major = rc.isin(["motorway", "trunk", "primary", "motorway_link", "trunk_link", "primary_link"]).to_numpy()
    mid = rc.isin(["secondary", "tertiary", "secondary_link", "tertiary_link"]).to_numpy()
    weight = np.where(major, 3.5, np.where(mid, 2.5, 1.5))
    named = ~nm.astype(str).str.strip().isin(["", "nan", "None"])
    nm_txt = _fmt(nm.where(named, np.nan), lang)
    # a tooltip only (name · class · speed): popups for hundreds of road pieces would double the file size
    speed = pd.to_numeric(show.get("speed_kmh", pd.Series(np.nan, index=show.index)), errors="coerce")
    sp_txt = speed.map(lambda v: f" · {v:.0f} km/h" if pd.notna(v) else "").astype(object)
    show["_tooltip"] = (nm_txt + " · ").where(nm_txt != "", "") + _fmt(rc, lang) + sp_txt
    show["_popup"] = ""
    show["_style"] = _style_series(show.index, color=style.LAYER_COLOURS["roads"], weight=weight, opacity=0.8)
    return MapLayer("roads", show, legend=[(_label("roads", lang), style.LAYER_COLOURS["roads"], "line")])


def _isochrones(iso: gpd.GeoDataFrame, lang: str) -> MapLayer | None:
    if not _require(iso, "result_isochrones", ["station_id", "band_min"]):
        return None
    sel = iso.loc[iso["station_id"].astype(str) == "ALL"].copy()
    if sel.empty:
        log.warning("result_isochrones has no station_id 'ALL' rows (the union of all stations); not drawn")
        return None
    band = pd.to_numeric(sel["band_min"], errors="coerce")
    bands = sorted(band.dropna().unique())
    colours = {b: style.BAND_COLOURS[min(i, len(style.BAND_COLOURS) - 1)] for i, b in enumerate(bands)}
    txt = band.map(lambda b: style.text("isochrone", lang=lang, m=f"{b:g}") if pd.notna(b) else "").astype(object)
    sel["_band"] = txt
    sel = sel.iloc[np.argsort(-band.fillna(0).to_numpy(), kind="stable")]  # far bands first, near bands on top
    colour = band.loc[sel.index].map(colours).fillna("#BDBDBD").to_numpy(dtype=object)
    tip = _fmt(sel["_band"], lang)
    layer = _areas("isochrones", sel, lang, [("_band", _w("band", lang))], colour=colour, fill_opacity=0.35,
                   weight=0.5, name_col="_band", tooltip=tip,
                   legend=[(style.text("isochrone", lang=lang, m=f"{b:g}"), colours[b], "area") for b in bands])
    return layer


def _responsibility(resp: gpd.GeoDataFrame, lang: str) -> MapLayer | None:
    if not _require(resp, "result_responsibility", ["station_id"]):
        return None
    ids = resp["station_id"].astype(str)
    codes = pd.factorize(ids)[0]
    colour = np.array([_RESP_COLOURS[c % len(_RESP_COLOURS)] for c in codes], dtype=object)
    name_col = "station_name" if "station_name" in resp.columns else "station_id"
    fields = [("station_id", _w("station", lang))]
    return _areas("responsibility", resp, lang, fields, colour=colour, fill_opacity=0.06, weight=1.5, dash="6 4",
                  name_col=name_col, legend=[(_label("responsibility", lang), _RESP_COLOURS[0], "line")],
                  show_layer=False)  # off when the page opens: it overlaps everything; one click in the layer control


def _park_check(pc: gpd.GeoDataFrame, lang: str) -> MapLayer | None:
    if not _require(pc, "result_park_check", ["verdict"]):
        return None
    show = pc.copy()
    ok = show["verdict"].astype(str).str.upper() == "PASS"
    show["_verdict"] = np.where(ok, style.text("pass", lang=lang), style.text("fail", lang=lang))
    if "covered_share" in show.columns:
        share = pd.to_numeric(show["covered_share"], errors="coerce")
        show["_share"] = share.map(lambda v: f"{100 * v:.0f}%" if pd.notna(v) else "")
    colour = np.where(ok, _PASS_COLOUR, _FAIL_COLOUR).astype(object)
    name_col = "park_name" if "park_name" in show.columns else "park_id"
    fields = [("park_id", _field_label("parks", "id", lang)), ("_verdict", _w("verdict", lang)),
              ("limit_min", _w("limit_min", lang)), ("n_targets", _w("n_targets", lang)),
              ("n_fail", _w("n_fail", lang)), ("worst_miss_min", _w("worst_miss_min", lang)),
              ("_share", _w("covered_share", lang))]
    name = _fmt(show[name_col], lang)
    tip = name + " · " + _fmt(show["_verdict"], lang)
    return _areas("park_check", show, lang, fields, colour=colour, fill_opacity=0.08, weight=4.0, name_col=name_col,
                  tooltip=tip, legend=[(style.text("pass", lang=lang), _PASS_COLOUR, "line"),
                                       (style.text("fail", lang=lang), _FAIL_COLOUR, "line")])


def _park_fail(pt: gpd.GeoDataFrame, lang: str) -> MapLayer | None:
    if not _require(pt, "result_park_targets", ["within_limit"]):
        return None
    within = pt["within_limit"]
    if within.dtype == object:
        within = within.map(lambda v: str(v).strip().lower() in ("true", "1", "yes", "是"))
    fail = pt.loc[~within.fillna(False).astype(bool)].copy()
    if fail.empty:
        return MapLayer("park_check_fail", fail.assign(_popup="", _tooltip="", _style=None),
                        legend=[(_label("park_check_fail", lang), style.LAYER_COLOURS["fail"], "dot")])
    miss = pd.to_numeric(fail.get("miss_min", pd.Series(np.nan, index=fail.index)), errors="coerce")
    status = fail.get("status", pd.Series("", index=fail.index)).astype(object)
    fail["_status"] = status.map(lambda s: _w(str(s), lang) if str(s) in ("ok", "unreachable", "off_network") else s)
    kind = fail.get("kind", pd.Series("", index=fail.index)).astype(object)
    fail["_kind"] = kind.map(lambda k: _w(f"kind_{k}", lang) if f"kind_{k}" in _WORDS else k)
    late = miss.map(lambda m: _w("late", lang, m=f"{m:.1f}") if pd.notna(m) else "").astype(object)
    late = late.where(late != "", fail["_status"].astype(object))
    fields = [("target_id", "编号" if lang == "zh" else "ID"), ("_kind", _w("kind", lang)),
              ("park_id", _field_label("parks", "id", lang)), ("arrival_min", _w("arrival_min", lang)),
              ("miss_min", _w("miss_min", lang)), ("nearest_station_id", _w("nearest_station_id", lang)),
              ("_status", _w("status", lang))]
    if "name" not in fail.columns:
        fail["name"] = fail.get("target_id", "")
    return MapLayer("park_check_fail", _with_popup(fail, lang, fields, late),
                    legend=[(_label("park_check_fail", lang), style.LAYER_COLOURS["fail"], "dot")])


def _with_popup(fail: gpd.GeoDataFrame, lang: str, fields: Sequence[tuple[str, str]], late: pd.Series) -> gpd.GeoDataFrame:
    show = fail.copy()
    name = _fmt(show["name"], lang)
    show["_popup"] = _popup(name, _rows(show, fields, lang))
    show["_tooltip"] = name + " · " + _fmt(late, lang)
    show["_style"] = _style_series(show.index, radius=7.0, color="#FFEB3B", weight=2.5,
                                   fillColor=style.LAYER_COLOURS["fail"], fillOpacity=1.0, opacity=1.0)
    return show


def map_layers(
    project: Project, *, lang: str = "zh", network: RoadNetwork | None = None, settings: Settings | None = None
) -> list[MapLayer]:
    """Every overlay of the risk map that the project has data for, in drawing order (WGS-84).

    Parameters
    ----------
    project
        The project to draw.
    lang
        ``"zh"`` or ``"en"`` for popups, tooltips and legend entries.
    network
        Drawn as the road layer when the project has no ``roads`` layer.
    settings
        Defaults to ``project.settings`` (grading thresholds).
    """
    if lang not in ("zh", "en"):
        raise InputError(f"lang {lang!r}: use 'zh' or 'en'")
    settings = settings or project.settings
    out: dict[str, MapLayer | None] = {}
    ent, zones = _grades(project, settings)

    roads = project.read_optional("roads")
    if roads is None and network is not None:
        roads = network.edges_gdf()
    roads = _usable(roads, "roads")
    if roads is not None:
        out["roads"] = _roads(roads, lang)

    for key, name, fn in (
        ("isochrones", "result_isochrones", _isochrones),
        ("responsibility", "result_responsibility", _responsibility),
        ("park_check", "result_park_check", _park_check),
        ("park_check_fail", "result_park_targets", _park_fail),
    ):
        gdf = _usable(project.read_optional(name), name)
        if gdf is not None:
            out[key] = fn(gdf, lang)  # type: ignore[operator]

    parks = _usable(project.read_optional("parks"), "parks")
    if parks is not None:
        fl = lambda n: _field_label("parks", n, lang)  # noqa: E731
        out["parks"] = _areas(
            "parks", parks, lang,
            [(f, fl(f)) for f in ("id", "level", "area_ha", "station_ids", "safety_level", "updated_at")],
            colour=style.LAYER_COLOURS["parks"], fill_opacity=0.05, weight=2.5, dash="8 6",
            legend=[(_label("parks", lang), style.LAYER_COLOURS["parks"], "line")],
        )
    z = _usable(zones, "risk_zones")
    if z is not None:
        out["risk_zones"] = _risk_zones(z, ent, lang)
    e = _usable(ent, "enterprises")
    if e is not None:
        out["enterprises"] = _enterprises(e, lang, settings.risk.stale_months)
    st = _usable(project.read_optional("stations"), "stations")
    if st is not None:
        out["stations"] = _stations(st, lang)
    sh = _usable(project.read_optional("shelters"), "shelters")
    if sh is not None:
        out["shelters"] = _shelters(sh, lang)
    tg = _usable(project.read_optional("targets"), "targets")
    if tg is not None:
        out["targets"] = _targets(tg, lang)
    ws = _usable(project.read_optional("water_sources"), "water_sources")
    if ws is not None:
        out["water_sources"] = _simple_points(
            "water_sources", ws, lang, ["id", "source_type", "capacity_m3", "flow_lps", "town", "updated_at"],
            style.LAYER_COLOURS["water_sources"], radius=4.5,
            tooltip_extra=" · " + _fmt(ws.get("source_type", pd.Series("", index=ws.index)), lang),
            legend=[(_label("water_sources", lang), style.LAYER_COLOURS["water_sources"], "dot")])
    dp = _usable(project.read_optional("depots"), "depots")
    if dp is not None:
        out["depots"] = _simple_points(
            "depots", dp, lang, ["id", "foam_t", "items", "owner", "town", "phone", "updated_at"],
            style.LAYER_COLOURS["depots"], radius=7.0,
            legend=[(_label("depots", lang), style.LAYER_COLOURS["depots"], "dot")])
    base = [out[k] for k in LAYER_ORDER if out.get(k) is not None]
    from yitu.maps.overlays import overlay_layers

    return base + overlay_layers(project, lang=lang)  # type: ignore[operator]


# -- page elements --------------------------------------------------------------------------------

_ON_EACH = JsCode(
    """function(feature, layer) {
        var p = feature.properties || {};
        if (p._popup) { layer.bindPopup(p._popup, {maxWidth: 380}); }
        if (p._tooltip) { layer.bindTooltip(p._tooltip, {sticky: true}); }
    }"""
)

_CSS = """<style>
.yitu-title{position:fixed;top:10px;left:50%;transform:translateX(-50%);z-index:1000;background:rgba(255,255,255,.92);
  padding:6px 16px;border-radius:4px;box-shadow:0 1px 5px rgba(0,0,0,.4);font:bold 18px/1.3 "Noto Sans CJK SC","Microsoft YaHei",
  "PingFang SC",sans-serif;text-align:center}
.yitu-title small{display:block;font-weight:normal;font-size:12px;color:#444}
.yitu-legend{position:fixed;bottom:52px;left:10px;z-index:1000;background:rgba(255,255,255,.94);padding:8px 10px;
  border-radius:4px;box-shadow:0 1px 5px rgba(0,0,0,.4);font:12px/1.5 "Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;
  max-height:calc(100vh - 190px);overflow-y:auto;min-width:140px}
.yitu-legend h4{margin:0 0 4px;font-size:14px}
.yitu-legend h5{margin:6px 0 2px;font-size:12px;color:#333}
.yitu-legend .row{display:flex;align-items:center;gap:6px;white-space:nowrap}
.yitu-legend .dot{display:inline-block;width:12px;height:12px;border-radius:50%;border:1px solid #424242}
.yitu-legend .area{display:inline-block;width:14px;height:10px;border:1px solid #616161;opacity:.8}
.yitu-legend .line{display:inline-block;width:16px;height:0;border-top:3px solid}
.yitu-popup table{border-collapse:collapse;margin-top:4px}
.yitu-popup th{text-align:left;font-weight:normal;color:#555;padding:1px 8px 1px 0;vertical-align:top;white-space:nowrap}
.yitu-popup td{padding:1px 0}
</style>"""


class _Registry(MacroElement):
    """Exposes the overlays as ``window.yitu.groups`` (key -> L.FeatureGroup), sets a plain prefix and
    adds a metric-only scale bar (folium's ``control_scale`` shows miles too)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.map_name }}.attributionControl.setPrefix("Leaflet");
        L.control.scale({metric: true, imperial: false}).addTo({{ this.map_name }});
        window.yitu = {
            map: {{ this.map_name }},
            groups: { {%- for key, var in this.groups %} {{ key|tojson }}: {{ var }}, {%- endfor %} },
            expected: {{ this.expected|tojson }},
            datum: {{ this.datum|tojson }}
        };
        {% endmacro %}
        """
    )

    def __init__(self, map_name: str, groups: list[tuple[str, str]], expected: dict[str, int], datum: str) -> None:
        super().__init__()
        self._name = "YituRegistry"
        self.map_name = map_name
        self.groups = groups
        self.expected = expected
        self.datum = datum


def _swatch(colour: str, shape: str) -> str:
    c = esc(colour)
    if shape == "line":
        return f'<span class="line" style="border-top-color:{c}"></span>'
    if shape == "area":
        return f'<span class="area" style="background:{c}"></span>'
    return f'<span class="dot" style="background:{c}"></span>'


def _legend_html(layers: list[MapLayer], lang: str, note: str) -> str:
    parts = [f'<div class="yitu-legend" id="yitu-legend"><h4>{esc(style.text("legend", lang=lang))}</h4>']
    seen: set[tuple[str, str]] = set()
    by_key = {ly.key: ly for ly in layers}
    # the risk grades come first and always (the four colours + 未定级)
    parts.append(f"<h5>{esc(style.text('risk_grade', lang=lang))}</h5>")
    for label, colour, shape in _grade_legend(lang):
        parts.append(f'<div class="row">{_swatch(colour, shape)}{esc(label)}</div>')
    if "enterprises" in by_key:
        parts.append(f'<div class="row" style="color:#555">{esc(_w("size_note", lang))}</div>')
        sizes = []
        for lv, name in zip((1, 2, 3, 4, 0), _w("mh_levels", lang).split()):
            d = 2 * style.major_hazard_radius(lv)
            sizes.append(f'<span class="dot" style="width:{d:.0f}px;height:{d:.0f}px;background:#BDBDBD"></span>{esc(name)}')
        parts.append('<div class="row" style="gap:4px">' + "".join(sizes) + "</div>")
    for ly in layers:
        if ly.key == "enterprises" or not ly.legend:
            continue
        parts.append(f"<h5>{esc(_label(ly.key, lang))}</h5>")
        for label, colour, shape in ly.legend:
            if (label, colour) in seen:
                continue
            seen.add((label, colour))
            parts.append(f'<div class="row">{_swatch(colour, shape)}{esc(label)}</div>')
    if note:
        parts.append(f'<div class="row" style="color:#555;margin-top:4px">{esc(note)}</div>')
    parts.append("</div>")
    return "".join(parts)


def _round_coords(geoms: np.ndarray) -> np.ndarray:
    return shapely.transform(geoms, lambda c: np.round(c, 6))


def _feature_collection(gdf: gpd.GeoDataFrame) -> dict[str, Any]:
    geoms = _round_coords(np.asarray(gdf.geometry.values))
    gj = shapely.to_geojson(geoms)
    import json

    feats = [
        {"type": "Feature", "geometry": json.loads(g), "properties": {"_popup": p, "_tooltip": t, "style": s}}
        for g, p, t, s in zip(gj, gdf["_popup"], gdf["_tooltip"], gdf["_style"])
    ]
    return {"type": "FeatureCollection", "features": feats}


def risk_map(
    project: Project,
    *,
    tiles: str | TileSource | None = "none",
    lang: str = "zh",
    network: RoadNetwork | None = None,
    title: str | None = None,
    settings: Settings | None = None,
) -> folium.Map:
    """The four-colour risk map of a project as a folium map.

    Parameters
    ----------
    project
        The project (layers are read from it; result layers of ``yitu check`` are drawn when present).
    tiles
        ``none`` | ``osm`` | ``tianditu`` | ``gaode`` | a URL template, or a resolved
        :class:`~yitu.maps.tiles.TileSource`. On a GCJ-02 basemap every overlay is shifted to GCJ-02.
    lang
        ``"zh"`` (default) or ``"en"``.
    network
        A road network drawn as the road layer when the project has no ``roads`` layer.
    title
        Page title; default ``<project name> 安全风险四色分布图``.
    settings
        Defaults to ``project.settings``.

    Returns
    -------
    folium.Map
        With attribute ``yitu_counts`` (layer key -> number of features drawn) and ``yitu_tiles``
        (the :class:`TileSource`). Save it with :func:`yitu.maps.offline.save_html`.

    Raises
    ------
    InputError
        Unknown tile preset, 天地图 without key, bad ``lang``.
    ProjectError
        When the project has nothing to draw.
    """
    from yitu.errors import ProjectError

    settings = settings or project.settings
    if lang not in ("zh", "en"):
        raise InputError(f"lang {lang!r}: use 'zh' or 'en'")
    src = tiles if isinstance(tiles, TileSource) else resolve_tiles(tiles, settings_key=settings.maps.tianditu_key)
    layers = map_layers(project, lang=lang, network=network, settings=settings)
    if not any(len(ly.gdf) for ly in layers):
        raise ProjectError(f"{project.path}: nothing to draw; import layers first (`yitu import DIR LAYER FILE`)")
    if src.datum == "gcj02":
        for ly in layers:
            if len(ly.gdf):
                ly.gdf = from_wgs84(ly.gdf, "gcj02")

    boxes = np.array([ly.gdf.total_bounds for ly in layers if len(ly.gdf) and ly.key != "roads"] or
                     [ly.gdf.total_bounds for ly in layers if len(ly.gdf)])
    minx, miny = float(np.nanmin(boxes[:, 0])), float(np.nanmin(boxes[:, 1]))
    maxx, maxy = float(np.nanmax(boxes[:, 2])), float(np.nanmax(boxes[:, 3]))

    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=12, tiles=None, control_scale=False)  # metric scale: _Registry
    # Only Leaflet itself: no bootstrap, jQuery, font-awesome or awesome-markers (CircleMarkers and our own legend).
    m.default_js = [("leaflet", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js")]
    m.default_css = [("leaflet_css", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css")]

    if not src.is_none:
        for i, url in enumerate(src.urls):
            folium.TileLayer(
                tiles=url,
                attr=esc(src.attribution),
                name=("底图" if lang == "zh" else "Basemap") + (f" {i + 1}" if i else ""),
                subdomains=src.subdomains,
                max_zoom=src.max_zoom,
                overlay=bool(i),
                control=False,
            ).add_to(m)

    counts: dict[str, int] = {}
    groups: list[tuple[str, str]] = []
    for ly in layers:
        n = len(ly.gdf)
        counts[ly.key] = n
        fg = folium.FeatureGroup(name=f"{_label(ly.key, lang)} ({n})", show=ly.show)
        if n:
            folium.GeoJson(
                _feature_collection(ly.gdf),
                name=ly.key,
                control=False,
                marker=folium.CircleMarker(radius=6, fill=True),
                on_each_feature=_ON_EACH,
            ).add_to(fg)
        fg.add_to(m)
        groups.append((ly.key, fg.get_name()))
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    m.fit_bounds([[miny, minx], [maxy, maxx]], padding_top_left=(300, 70), padding_bottom_right=(20, 20))

    name = settings.project.name
    title = title or f"{name} {style.text('risk_map_title', lang=lang)}"
    ent = next((ly.gdf for ly in layers if ly.key == "enterprises"), None)
    sub = ""
    if ent is not None:
        sub = _w("enterprises_n", lang, n=len(ent), u=int(ent["grade"].isna().sum()))
        n_stale = int(ent["_is_stale"].sum()) if "_is_stale" in ent.columns else 0
        if n_stale:
            sub += _w("enterprises_stale", lang, s=n_stale, m=settings.risk.stale_months)
    if src.datum == "gcj02":
        sub = (sub + " · " if sub else "") + _w("gcj_note", lang)
    fig = m.get_root()
    fig.title = esc(title)  # branca puts it into <title> unescaped
    fig.header.add_child(Element(_CSS), name="yitu_css")
    fig.html.add_child(
        Element(f'<div class="yitu-title" id="yitu-title">{esc(title)}<small>{esc(sub)}</small></div>'),
        name="yitu_title",
    )
    note = settings.maps.source_note or ""
    fig.html.add_child(Element(_legend_html(layers, lang, note)), name="yitu_legend")
    m.add_child(_Registry(m.get_name(), groups, counts, src.datum), name="yitu_registry")
    m.yitu_counts = counts  # type: ignore[attr-defined]
    m.yitu_tiles = src  # type: ignore[attr-defined]
    log.info("risk map: %s", ", ".join(f"{k} {v}" for k, v in counts.items()))
    return m

