"""The layers of the interactive risk map: what each project layer shows, in which symbol and words.

:func:`map_layers` turns the layers of a project (and the stored results of ``yitu check``) into
:class:`MapLayer` objects in drawing order. Texts are kept as plain data: a layer's ``fields`` name
the columns shown in its popup and ``_title``/``_tip`` hold the popup title and the tooltip. The
page (:mod:`yitu.maps.html_page`) ships them as JSON and builds popups in the browser with
``textContent``, so no user text is ever HTML or template source.
"""

from __future__ import annotations

import html
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from yitu.errors import InputError
from yitu.layers import grading
from yitu.layers.schema import (
    GRADE_COLOURS,
    PROTECTION_CLASS_BY_TYPE,
    SCHEMAS,
    UNGRADED_COLOUR,
    VEHICLE_FIELDS,
)
from yitu.maps import style
from yitu.words import listed, msg, tr
from yitu.words.maps import LAYER_LABELS, POPUP_WORDS, enum_name, grade_label, layer_label, map_text

if TYPE_CHECKING:
    from yitu.layers.project import Project
    from yitu.routing.network import RoadNetwork
    from yitu.settings import Settings

log = logging.getLogger(__name__)

__all__ = ["MapLayer", "map_layers", "LAYER_ORDER", "esc"]

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

# Layer names and popup words live in the one catalogue (yitu/words/maps.py): maps.layer.<key>, maps.popup.<key>.
_LABELS = LAYER_LABELS
_WORDS = POPUP_WORDS

_PASS_COLOUR = style.LAYER_COLOURS["pass"]
_FAIL_COLOUR = style.LAYER_COLOURS["fail"]
_RESP_COLOURS = style.RESP_COLOURS


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
    return tr(f"maps.popup.{key}", lang=lang, **fmt)


def _label(key: str, lang: str) -> str:
    """The layer-control name of a layer key (overlays of other modules: their key)."""
    if key not in _LABELS:  # an overlay of yitu/maps/overlays: its name from the words catalogue (map.layer.KEY)
        from yitu.words import has

        return tr(f"map.layer.{key}", lang=lang) if has(f"map.layer.{key}") else layer_label(key, lang=lang)
    return tr(f"maps.layer.{key}", lang=lang)


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
    """One value as display text, NOT escaped ('' for missing): the page sets it with textContent."""
    if v is None:
        return ""
    if isinstance(v, (bool, np.bool_)):
        return _w("yes" if v else "no", lang)
    if isinstance(v, (float, np.floating)):
        if math.isnan(v):
            return ""
        return f"{v:.0f}" if float(v).is_integer() else f"{v:.2f}".rstrip("0").rstrip(".")
    if isinstance(v, pd.Timestamp):
        return "" if pd.isna(v) else v.date().isoformat()
    try:
        if pd.isna(v):
            return ""
    except (TypeError, ValueError):
        pass
    return str(v)


def _fmt(s: pd.Series, lang: str) -> pd.Series:
    """Display texts of a column, vectorised by dtype (100,000 rows in well under a second)."""
    if pd.api.types.is_bool_dtype(s):
        return s.map({True: _w("yes", lang), False: _w("no", lang)}).fillna("").astype(object)
    if pd.api.types.is_numeric_dtype(s):
        v = pd.to_numeric(s, errors="coerce").astype(float)
        whole = v.notna() & np.isfinite(v) & (v == v.round())
        out = pd.Series("", index=s.index, dtype=object)
        if whole.any():
            out[whole] = v[whole].round().astype("int64").astype(str)
        frac = v.notna() & np.isfinite(v) & ~whole
        if frac.any():
            out[frac] = v[frac].round(2).map("{:.2f}".format).str.rstrip("0").str.rstrip(".")
        return out
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.dt.strftime("%Y-%m-%d").fillna("").astype(object)
    out = s.astype(object).where(s.notna(), "")
    if pd.api.types.infer_dtype(out, skipna=False) == "string":
        return out
    return out.map(lambda v: v if isinstance(v, str) else _fmt_value(v, lang)).astype(object)


@dataclass
class MapLayer:
    """One overlay of the map, ready to draw (geometry in WGS-84 until :func:`risk_map` shifts it).

    Attributes
    ----------
    key
        Layer key (see :data:`LAYER_ORDER`).
    gdf
        GeoDataFrame, one row per feature drawn, with its Leaflet path options (``radius`` for points)
        either as columns ``_s_<option>`` (:func:`_set_style`) or as a ``_style`` column of dicts, and either plain-text columns ``_title``/``_tip`` plus the
        columns named in ``fields`` (the popup is built in the browser with ``textContent``), or —
        the older contract of overlay modules — ``_popup``/``_tooltip`` holding *escaped* HTML.
    legend
        (label, colour, shape) entries for the legend; shape is ``"dot"``, ``"area"``, ``"line"`` or
        a point shape of :data:`yitu.maps.style.SHAPES`.
    show
        Whether the layer is switched on when the page opens.
    fields
        (column, label) pairs shown in the popup table, values as plain text (empty values skipped).
    shape
        Point shape of the layer (:data:`yitu.maps.style.SHAPES`).
    label
        Name in the layer control and the legend (default: the words for ``key``).
    """

    key: str
    gdf: gpd.GeoDataFrame
    legend: list[tuple[str, str, str]] = field(default_factory=list)
    show: bool = True
    fields: list[tuple[str, str]] | None = None
    shape: str = "circle"
    label: str | None = None


def _usable(gdf: gpd.GeoDataFrame | None, name: str) -> gpd.GeoDataFrame | None:
    """Rows with a non-empty geometry (dropped rows are logged); ``None`` for no layer / no rows."""
    if gdf is None or not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry is None:
        return None
    geom = gdf.geometry.values
    ok = ~(shapely.is_missing(geom) | shapely.is_empty(geom))
    if ok.any():  # NaN/inf coordinates (a GeoJSON with NaN) cannot be drawn: counted as missing
        coords, idx = shapely.get_coordinates(geom[ok], return_index=True)
        bad = np.unique(idx[~np.isfinite(coords).all(axis=1)])
        ok[np.flatnonzero(ok)[bad]] = False
    if not ok.all():
        log.warning(msg("maps.log.no_geometry", layer=name, n=int((~ok).sum())))
    out = gdf.loc[ok].copy()
    return out if len(out) else None


def _require(gdf: gpd.GeoDataFrame, name: str, cols: Sequence[str]) -> bool:
    missing = [c for c in cols if c not in gdf.columns]
    if missing:
        log.warning(msg("maps.log.missing_fields", layer=name, fields=listed(missing)))
        return False
    return True


STYLE_PREFIX = "_s_"


def _set_style(df: pd.DataFrame, **cols: Any) -> None:
    """Leaflet path options of each feature as columns ``_s_<option>`` (scalars or per-row values): the
    page encodes them column-wise; :func:`_style_series` gives the older column of dicts for overlays."""
    for k, v in cols.items():
        df[STYLE_PREFIX + k] = np.asarray(v) if isinstance(v, (pd.Series, np.ndarray, list)) else v


def _style_series(index: pd.Index, **cols: Any) -> pd.Series:
    """A Series of style dicts from scalar or per-row (Series/array) values."""
    n = len(index)
    frame = pd.DataFrame({k: (np.asarray(v) if isinstance(v, (pd.Series, np.ndarray, list)) else np.full(n, v, dtype=object))
                          for k, v in cols.items()}, index=pd.RangeIndex(n))
    for k in frame.columns:  # numpy scalars -> Python floats (JSON)
        if pd.api.types.is_numeric_dtype(frame[k]):
            frame[k] = frame[k].astype(float)
    return pd.Series(frame.to_dict("records"), index=index, dtype=object)


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
    names = {g: grade_label(g, lang=lang) for g in (1, 2, 3, 4)}
    none = grade_label(None, lang=lang)
    g = pd.to_numeric(grades, errors="coerce")
    return g.map(names).fillna(none).astype(object)


def _grade_colour(grades: pd.Series) -> np.ndarray:
    g = pd.to_numeric(grades, errors="coerce")
    return g.map(GRADE_COLOURS).fillna(UNGRADED_COLOUR).to_numpy(dtype=object)


def _grade_legend(lang: str) -> list[tuple[str, str, str]]:
    out = [(grade_label(g, lang=lang), GRADE_COLOURS[g], "dot") for g in (1, 2, 3, 4)]
    out.append((grade_label(None, lang=lang), UNGRADED_COLOUR, "dot"))
    return out


def _mh_text(level: pd.Series, lang: str) -> pd.Series:
    names = {g: tr(f"maps.mh.{g}", lang=lang) for g in (1, 2, 3, 4)}
    lv = pd.to_numeric(level, errors="coerce")
    return lv.map(names).where(lv.isna() | lv.isin(list(names)), _w("mh_none", lang)).fillna("").astype(object)


def _name(df: pd.DataFrame, lang: str, col: str = "name") -> pd.Series:
    return _fmt(df[col], lang) if col in df.columns else pd.Series("", index=df.index, dtype=object)


def _joined(a: pd.Series, b: pd.Series) -> pd.Series:
    """``a · b`` (or whichever is non-empty)."""
    a = a.astype(object).fillna("")
    b = b.astype(object).fillna("")
    both = (a != "") & (b != "")
    return (a + np.where(both, " · ", "") + b).astype(object)


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
    srcs = {k: _w(k, lang) for k in ("given", "zones", "lec", "matrix", "none")}
    show["_grade_source"] = src.map(lambda s: srcs.get(s, s))
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
    show["_title"] = _name(show, lang)
    show["_tip"] = _joined(show["_title"], show["_grade_text"])
    colour = _grade_colour(grade)
    is_major = (mh.fillna(0) > 0).to_numpy()
    radius = mh.map({lv: style.major_hazard_radius(lv) for lv in (1, 2, 3, 4)}).fillna(style.major_hazard_radius(0))
    _set_style(show, radius=radius.to_numpy(dtype=float), color=np.where(is_major, "#000000", "#424242"),
               weight=np.where(is_major, 2.0, 1.0), fillColor=colour, fillOpacity=0.9, opacity=1.0)
    return MapLayer("enterprises", show, legend=_grade_legend(lang), fields=fields, shape="circle")


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
    show["_title"] = _name(show, lang)
    show["_tip"] = _joined(show["_title"], show["_grade_text"])
    colour = _grade_colour(show["grade"])
    _set_style(show, color=colour, weight=1.0, fillColor=colour, fillOpacity=0.55,
               opacity=1.0, radius=5.0)
    return MapLayer("risk_zones", show, legend=[], fields=fields)


def _points(
    key: str,
    gdf: gpd.GeoDataFrame,
    lang: str,
    fields: Sequence[str],
    category: pd.Series | None = None,
    *,
    tip_extra: pd.Series | None = None,
    legend: list[tuple[str, str, str]] | None = None,
    layer_schema: str | None = None,
) -> MapLayer:
    """A point layer drawn in its symbol (:func:`yitu.maps.style.symbol`), by category when given."""
    show = gdf.copy()
    sch = layer_schema or key
    base = style.symbol(key)
    if category is None:
        fill: Any = base.fill
        size: Any = base.size
    else:
        cat = category.astype(object).astype(str)
        syms = {c: style.symbol(key, c) for c in cat.unique()}
        fill = cat.map(lambda c: syms[c].fill).to_numpy(dtype=object)
        size = cat.map(lambda c: syms[c].size).to_numpy(dtype=float)
    show["_title"] = _name(show, lang)
    show["_tip"] = show["_title"] if tip_extra is None else _joined(show["_title"], tip_extra)
    _set_style(show, radius=size, color=base.stroke, weight=1.5, fillColor=fill,
               fillOpacity=0.95, opacity=1.0)
    return MapLayer(key, show, legend=legend or [(_label(key, lang), base.fill, base.shape)],
                    fields=[(f, _field_label(sch, f, lang)) for f in fields], shape=base.shape)


def _stations(st: gpd.GeoDataFrame, lang: str) -> MapLayer:
    kinds = st.get("station_type", pd.Series("", index=st.index)).astype(object).fillna("")
    show = st.copy()
    veh = pd.Series("", index=show.index, dtype=object)
    for f, lab in VEHICLE_FIELDS.items():
        if f in show.columns:
            n = pd.to_numeric(show[f], errors="coerce").fillna(0)
            part = (lab if lang == "zh" else f.replace("_", " ")) + " " + n.astype(int).astype(str) + "；"
            veh = veh + part.where(n > 0, "")
    show["_vehicles"] = veh.str.rstrip("；")
    fields = ["id", "station_type", "town", "turnout_min", "personnel", "_vehicles", "foam_t", "water_t", "phone",
              "updated_at"]
    present = [t for t in style.STATION_COLOURS if t in set(kinds.astype(str))]
    legend = [(enum_name(t, lang=lang), style.STATION_COLOURS[t], "triangle") for t in present]
    if set(kinds.astype(str)) - set(style.STATION_COLOURS):
        legend.append((_label("stations", lang), style.STATION_DEFAULT, "triangle"))
    kind_txt = kinds.map(lambda t: enum_name(t, lang=lang)).astype(object)
    layer = _points("stations", show, lang, fields, kinds, tip_extra=_fmt(kind_txt, lang), legend=legend)
    layer.fields = [(f, _w("vehicles", lang) if f == "_vehicles" else lab) for f, lab in layer.fields or []]
    return layer


def _shelters(sh: gpd.GeoDataFrame, lang: str) -> MapLayer:
    cls = sh.get("shelter_class", pd.Series("", index=sh.index)).astype(object).fillna("")
    cap = pd.to_numeric(sh.get("capacity", pd.Series(np.nan, index=sh.index)), errors="coerce")
    extra = (map_text("capacity", lang=lang) + " " + _fmt(cap, lang)).where(cap.notna(), "")
    present = [c for c in style.SHELTER_COLOURS if c in set(cls.astype(str))]
    legend = [(tr("maps.legend.shelter_class", lang=lang, cls=enum_name(c, lang=lang)),
               style.SHELTER_COLOURS[c], "pentagon") for c in present]
    return _points("shelters", sh, lang,
                   ["id", "shelter_class", "town", "area_m2", "effective_area_m2", "capacity", "facilities", "updated_at"],
                   cls, tip_extra=extra, legend=legend or None)


def _targets(tg: gpd.GeoDataFrame, lang: str) -> MapLayer:
    tg = tg.copy()
    ttype = tg.get("target_type", pd.Series("", index=tg.index)).astype(object)
    pcls = tg.get("protection_class", pd.Series(np.nan, index=tg.index)).astype(object)
    pcls = pcls.where(pcls.notna() & (pcls.astype(str) != ""), ttype.map(lambda t: PROTECTION_CLASS_BY_TYPE.get(str(t), "一般")))
    tg["protection_class"] = pcls
    present = [c for c in style.TARGET_COLOURS if c in set(pcls.astype(str))]
    legend = [(tr("maps.legend.target_class", lang=lang, cls=enum_name(c, lang=lang)),
               style.TARGET_COLOURS[c], "square") for c in present]
    return _points("targets", tg, lang, ["id", "target_type", "protection_class", "population", "town", "updated_at"],
                   pcls, tip_extra=_fmt(ttype, lang), legend=legend or None)


def _areas(key: str, gdf: gpd.GeoDataFrame, lang: str, fields: Sequence[tuple[str, str]], *,
           colour: np.ndarray | str, fill: np.ndarray | str | None = None, fill_opacity: float = 0.1,
           weight: float = 2.0, dash: str | None = None, name_col: str = "name",
           tooltip: pd.Series | None = None, legend: list[tuple[str, str, str]] | None = None,
           show_layer: bool = True) -> MapLayer:
    show = gdf.copy()
    show["_title"] = _name(show, lang, name_col)
    show["_tip"] = show["_title"] if tooltip is None else tooltip
    opts: dict[str, Any] = dict(color=colour, weight=weight, fillColor=colour if fill is None else fill,
                                fillOpacity=fill_opacity, opacity=1.0)
    if dash:
        opts["dashArray"] = dash
    _set_style(show, **opts)
    return MapLayer(key, show, legend=legend or [], show=show_layer, fields=list(fields))


def _roads(roads: gpd.GeoDataFrame, lang: str) -> MapLayer:
    from yitu.maps.basemap import road_class_text

    show = roads.copy()
    rc = show.get("road_class", pd.Series("", index=show.index)).astype(object)
    nm = show.get("name", pd.Series("", index=show.index)).astype(object)
    major = rc.isin(["motorway", "trunk", "primary", "motorway_link", "trunk_link", "primary_link"]).to_numpy()
    mid = rc.isin(["secondary", "tertiary", "secondary_link", "tertiary_link"]).to_numpy()
    weight = np.where(major, 3.5, np.where(mid, 2.5, 1.5))
    named = ~nm.astype(str).str.strip().isin(["", "nan", "None"])
    nm_txt = _fmt(nm.where(named, np.nan), lang)
    speed = pd.to_numeric(show.get("speed_kmh", pd.Series(np.nan, index=show.index)), errors="coerce")
    sp_txt = speed.map(lambda v: f"{v:.0f} km/h" if pd.notna(v) else "").astype(object)
    rc_txt = rc.map(lambda c: road_class_text(c, lang=lang)).astype(object)
    # a tooltip only (name · class · speed): popups for hundreds of road pieces would double the file size
    show["_tip"] = _joined(_joined(nm_txt, rc_txt), sp_txt)
    show["_title"] = ""
    _set_style(show, color=style.LAYER_COLOURS["roads"], weight=weight, opacity=0.8)
    return MapLayer("roads", show, legend=[(_label("roads", lang), style.LAYER_COLOURS["roads"], "line")], fields=[])


def _isochrones(iso: gpd.GeoDataFrame, lang: str) -> MapLayer | None:
    if not _require(iso, "result_isochrones", ["station_id", "band_min"]):
        return None
    sel = iso.loc[iso["station_id"].astype(str) == "ALL"].copy()
    if sel.empty:
        log.warning(msg("maps.log.no_all_isochrones"))
        return None
    band = pd.to_numeric(sel["band_min"], errors="coerce")
    bands = sorted(band.dropna().unique())
    colours = {b: style.BAND_COLOURS[min(i, len(style.BAND_COLOURS) - 1)] for i, b in enumerate(bands)}
    txt = band.map(lambda b: map_text("isochrone", lang=lang, m=f"{b:g}") if pd.notna(b) else "").astype(object)
    sel["_band"] = txt
    sel = sel.iloc[np.argsort(-band.fillna(0).to_numpy(), kind="stable")]  # far bands first, near bands on top
    colour = band.loc[sel.index].map(colours).fillna("#BDBDBD").to_numpy(dtype=object)
    return _areas("isochrones", sel, lang, [("_band", _w("band", lang))], colour=colour, fill_opacity=0.35,
                  weight=0.5, name_col="_band", tooltip=_fmt(sel["_band"], lang),
                  legend=[(map_text("isochrone", lang=lang, m=f"{b:g}"), colours[b], "area") for b in bands])


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
    show["_verdict"] = np.where(ok, map_text("pass", lang=lang), map_text("fail", lang=lang))
    if "covered_share" in show.columns:
        share = pd.to_numeric(show["covered_share"], errors="coerce")
        show["_share"] = share.map(lambda v: f"{100 * v:.0f}%" if pd.notna(v) else "")
    colour = np.where(ok, _PASS_COLOUR, _FAIL_COLOUR).astype(object)
    name_col = "park_name" if "park_name" in show.columns else "park_id"
    fields = [("park_id", _w("park_id", lang)), ("_verdict", _w("verdict", lang)),
              ("limit_min", _w("limit_min", lang)), ("n_targets", _w("n_targets", lang)),
              ("n_fail", _w("n_fail", lang)), ("worst_miss_min", _w("worst_miss_min", lang)),
              ("_share", _w("covered_share", lang))]
    name = _name(show, lang, name_col)
    return _areas("park_check", show, lang, fields, colour=colour, fill_opacity=0.08, weight=4.0, name_col=name_col,
                  tooltip=_joined(name, _fmt(show["_verdict"], lang)),
                  legend=[(map_text("pass", lang=lang), _PASS_COLOUR, "line"),
                          (map_text("fail", lang=lang), _FAIL_COLOUR, "line")])


def _fail_status(status: pd.Series, miss: pd.Series, lang: str) -> pd.Series:
    """Words for the status of a target that misses the limit: 超时 when it is reached late (the stored
    status of a late target may say ``ok``/``reachable``: it was reached, but too late), else why not."""
    from yitu.words.status import status_text

    code = status.astype(object).where(status.notna(), "").astype(str).str.strip()
    code = code.where(~code.isin(["ok", "reachable", ""]), "late")
    code = code.where(code != "late", np.where(miss.notna() | (code == "late"), "late", "unknown"))
    return code.map(lambda c: status_text(c, lang=lang)).astype(object)


def _park_fail(pt: gpd.GeoDataFrame, lang: str) -> MapLayer | None:
    if not _require(pt, "result_park_targets", ["within_limit"]):
        return None
    within = pt["within_limit"]
    if within.dtype == object:
        within = within.map(lambda v: str(v).strip().lower() in ("true", "1", "yes", "是"))
    fail = pt.loc[~within.fillna(False).astype(bool)].copy()
    sym = style.symbol("park_check_fail")
    legend = [(_label("park_check_fail", lang), sym.fill, sym.shape)]
    if fail.empty:
        return MapLayer("park_check_fail", fail.assign(_title="", _tip="", _style=None), legend=legend, fields=[],
                        shape=sym.shape)
    miss = pd.to_numeric(fail.get("miss_min", pd.Series(np.nan, index=fail.index)), errors="coerce")
    status = fail.get("status", pd.Series("", index=fail.index)).astype(object)
    fail["_status"] = _fail_status(status, miss, lang)
    kind = fail.get("kind", pd.Series("", index=fail.index)).astype(object)
    fail["_kind"] = kind.map(lambda k: _w(f"kind_{k}", lang) if f"kind_{k}" in _WORDS else k)
    late = miss.map(lambda m: _w("late", lang, m=f"{m:.1f}") if pd.notna(m) else "").astype(object)
    late = late.where(late != "", fail["_status"].astype(object))
    fields = [("target_id", _w("target_id", lang)), ("_kind", _w("kind", lang)),
              ("park_id", _w("park_id", lang)), ("arrival_min", _w("arrival_min", lang)),
              ("miss_min", _w("miss_min", lang)), ("nearest_station_id", _w("nearest_station_id", lang)),
              ("_status", _w("status", lang))]
    if "name" not in fail.columns:
        fail["name"] = fail.get("target_id", "")
    fail["_title"] = _name(fail, lang)
    fail["_tip"] = _joined(fail["_title"], _fmt(late, lang))
    _set_style(fail, radius=sym.size, color=sym.stroke, weight=1.5, fillColor=sym.fill,
               fillOpacity=1.0, opacity=1.0)
    return MapLayer("park_check_fail", fail, legend=legend, fields=fields, shape=sym.shape)


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
        raise InputError(tr("maps.err.lang", code=lang))
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
            colour=style.LAYER_COLOURS["parks"], fill_opacity=0.04, weight=2.5, dash="8 6",
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
        out["water_sources"] = _points(
            "water_sources", ws, lang, ["id", "source_type", "capacity_m3", "flow_lps", "town", "updated_at"],
            tip_extra=_fmt(ws.get("source_type", pd.Series("", index=ws.index)), lang))
    dp = _usable(project.read_optional("depots"), "depots")
    if dp is not None:
        out["depots"] = _points("depots", dp, lang, ["id", "foam_t", "items", "owner", "town", "phone", "updated_at"])
    base = [out[k] for k in LAYER_ORDER if out.get(k) is not None]
    from yitu.maps.overlays import overlay_layers

    return base + overlay_layers(project, lang=lang)  # type: ignore[operator]
