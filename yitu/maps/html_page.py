"""The page of the interactive risk map: layers shipped as JSON data, drawn by a fixed script.

Safety of user text. folium renders every element through Jinja, and a ``MacroElement``'s output
is parsed as a template a second time (branca wraps it in ``Element(text)``): any ``{{ … }}`` that
reached folium in a name would be executed. So no text of the project goes through folium or
Jinja here. The layers are serialised to one JSON document in ``<script type="application/json"
id="yitu-data">`` (``<``, ``>`` and ``&`` written as ``\\u003c`` … so it cannot close the tag), the
title and the legend are HTML-escaped strings added as :class:`_Raw` elements (rendered verbatim,
never parsed), and a script that contains no data reads the JSON, draws the features and builds
each popup and tooltip with ``textContent`` when it is opened.

Size and speed. Features are stored by column: flat coordinate arrays for points, one style table
per layer with an index per feature, repeated texts (grades, towns, types) dictionary-encoded.
Layers of more than :data:`CANVAS_FROM` features are drawn on a canvas instead of one SVG path each,
and popups/tooltips are bound once per layer, not per feature; 100,000 enterprises stay a file a
browser opens in seconds (``benchmarks/map_100k.py``).

In the page, ``window.yitu`` holds ``map`` (the ``L.Map``), ``groups`` (layer key ->
``L.FeatureGroup``), ``expected`` (features per layer), ``datum`` (of the displayed coordinates),
``leaves`` (layer key -> the drawn Leaflet layers, in data order), ``popup(key, i)`` and
``tip(key, i)`` (the DOM of feature ``i``'s popup / tooltip): tests and embedding pages use it.
"""

from __future__ import annotations

import json
import logging
import math
from typing import TYPE_CHECKING, Any

import folium
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement

from yitu.errors import InputError
from yitu.gis.crs import from_wgs84
from yitu.maps import style
from yitu.maps.html_layers import LAYER_ORDER, STYLE_PREFIX, MapLayer, _fmt, _grade_legend, _label, _w, esc, map_layers
from yitu.maps.tiles import TileSource, resolve_tiles
from yitu.words import listed, msg, named, tr
from yitu.words.maps import map_text

if TYPE_CHECKING:
    from yitu.layers.project import Project
    from yitu.routing.network import RoadNetwork
    from yitu.settings import Settings

log = logging.getLogger(__name__)

__all__ = ["risk_map", "CANVAS_FROM", "page_data", "layer_features", "safe_json"]

#: layers with more features than this are drawn on one canvas (SVG below: one path per feature)
CANVAS_FROM = 3000


class _Raw(Element):
    """An element rendered verbatim: its text is never parsed as a Jinja template."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class _Script(MacroElement):
    """Adds a fixed script (no data in it) to the page's script block after the map is created."""

    def __init__(self, js: str) -> None:
        super().__init__()
        self._name = "YituPage"
        self.js = js

    def render(self, **kwargs: Any) -> None:
        self.get_root().script.add_child(_Raw(self.js), name=self.get_name())


def safe_json(obj: Any) -> str:
    """JSON text that can sit inside ``<script type="application/json">``: ``< > &`` as ``\\u`` escapes."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# -- data -----------------------------------------------------------------------------------------


def _text_column(values: pd.Series) -> dict[str, Any]:
    """A column of display texts; dictionary-encoded when values repeat (``{"d": uniques, "c": codes}``)."""
    v = values.astype(object).where(values.notna(), "")
    if pd.api.types.infer_dtype(v, skipna=False) != "string":
        v = v.map(lambda x: x if isinstance(x, str) else str(x))
    if len(v) >= 8:
        codes, uniques = pd.factorize(v)
        if 2 * len(uniques) <= len(v):
            return {"d": [str(u) for u in uniques], "c": codes.tolist()}
    return {"v": v.tolist()}


def _styles(gdf: pd.DataFrame) -> tuple[list[dict[str, Any]], list[int]]:
    """A table of the distinct styles and, per feature, the index of its style.

    From the ``_s_<option>`` columns of the layers made here, else from a ``_style`` column of dicts.
    """
    n = len(gdf)
    cols = [c for c in gdf.columns if str(c).startswith(STYLE_PREFIX)]
    if cols:
        frame = pd.DataFrame({c[len(STYLE_PREFIX):]: gdf[c].to_numpy() for c in cols}, index=pd.RangeIndex(n))
        for c in frame.columns:
            if pd.api.types.is_numeric_dtype(frame[c]):
                frame[c] = frame[c].astype(float)
    elif "_style" in gdf.columns and n:
        frame = pd.DataFrame([s if isinstance(s, dict) else {} for s in gdf["_style"]], index=pd.RangeIndex(n))
    else:
        return [{}], [0] * n
    if n == 0 or frame.shape[1] == 0:
        return [{}], [0] * n
    keys = pd.util.hash_pandas_object(frame.astype(str), index=False)
    codes, uniques = pd.factorize(keys)
    first = pd.Series(np.arange(n)).groupby(codes).first().to_numpy()
    table = [{k: v for k, v in rec.items() if not (isinstance(v, float) and math.isnan(v))}
             for rec in frame.iloc[first].to_dict("records")]
    return table, codes.tolist()


def _encode_layer(ly: MapLayer, lang: str, geo_parts: list[str]) -> dict[str, Any]:
    gdf = ly.gdf
    n = len(gdf)
    name = getattr(ly, "label", None) or _label(ly.key, lang)
    out: dict[str, Any] = {"key": ly.key, "label": esc(f"{name} ({n})"), "show": bool(ly.show), "n": n,
                           "shape": ly.shape if ly.shape in (*style.SHAPES, "label") else "circle"}
    geoms = shapely.transform(np.asarray(gdf.geometry.values), lambda c: np.round(c, 6)) if n else np.array([])
    if n and (shapely.get_type_id(geoms) == 0).all():
        xy = shapely.get_coordinates(geoms)
        out["xy"] = np.round(xy, 6).ravel().tolist()
    else:
        geo_parts.append("[" + ",".join(shapely.to_geojson(geoms).tolist()) + "]")
        out["geo"] = f"@@GEO{len(geo_parts) - 1}@@"
    out["styles"], out["s"] = _styles(gdf)
    if ly.fields is not None:
        blank = pd.Series("", index=gdf.index, dtype=object)
        out["title"] = _text_column(gdf["_title"] if "_title" in gdf.columns else blank)
        out["tip"] = _text_column(gdf["_tip"] if "_tip" in gdf.columns else blank)
        out["fields"] = [{"l": str(label), **_text_column(_fmt(gdf[col], lang))}
                         for col, label in ly.fields if col in gdf.columns]
        out["popup"] = bool(out["fields"])
    else:  # overlay contract: _popup/_tooltip are escaped HTML made by the overlay module
        for src, dst in (("_popup", "popupHtml"), ("_tooltip", "tipHtml")):
            if src in gdf.columns:
                out[dst] = _text_column(gdf[src])
        out["popup"] = "popupHtml" in out
    return out


def page_data(layers: list[MapLayer], *, lang: str, tiles: TileSource) -> tuple[dict[str, Any], str]:
    """The JSON document of the page: ``(data, json_text)``; ``json_text`` is safe inside a script tag."""
    geo_parts: list[str] = []
    enc = [_encode_layer(ly, lang, geo_parts) for ly in layers]
    tl = [] if tiles.is_none else [
        {"url": u, "attr": esc(tiles.attribution), "sub": tiles.subdomains or "abc", "maxZoom": tiles.max_zoom}
        for u in tiles.urls
    ]
    data = {"layers": enc, "tiles": tl, "canvasFrom": CANVAS_FROM, "datum": tiles.datum,
            "expected": {ly.key: len(ly.gdf) for ly in layers}}
    text = safe_json(data)
    for i, part in enumerate(geo_parts):
        text = text.replace(f'"@@GEO{i}@@"', part, 1)
    return data, text


def layer_features(m: folium.Map, key: str) -> list[dict[str, Any]]:
    """The features of one layer as the page holds them (for tests): geometry, style, title, tip, rows."""
    doc = json.loads(m.yitu_json)  # type: ignore[attr-defined]
    ly = next(x for x in doc["layers"] if x["key"] == key)

    def val(c: dict[str, Any], i: int) -> str:
        if "d" in c:
            return "" if c["c"][i] < 0 else c["d"][c["c"][i]]
        return c["v"][i]

    out = []
    for i in range(ly["n"]):
        geom = ({"type": "Point", "coordinates": ly["xy"][2 * i:2 * i + 2]} if "xy" in ly else ly["geo"][i])
        f: dict[str, Any] = {"geometry": geom, "style": ly["styles"][ly["s"][i]]}
        if "fields" in ly:
            f["title"], f["tip"] = val(ly["title"], i), val(ly["tip"], i)
            f["rows"] = {c["l"]: val(c, i) for c in ly["fields"] if val(c, i) != ""}
        else:
            f["popup_html"] = val(ly["popupHtml"], i) if "popupHtml" in ly else ""
            f["tip_html"] = val(ly["tipHtml"], i) if "tipHtml" in ly else ""
        out.append(f)
    return out


# -- page -----------------------------------------------------------------------------------------

_CSS = """<style>
.yitu-title{position:fixed;top:10px;left:50%;transform:translateX(-50%);z-index:1000;background:rgba(255,255,255,.92);
  padding:6px 16px;border-radius:4px;box-shadow:0 1px 5px rgba(0,0,0,.4);font:bold 18px/1.3 "Noto Sans CJK SC","Microsoft YaHei",
  "PingFang SC",sans-serif;text-align:center;max-width:60vw}
.yitu-title small{display:block;font-weight:normal;font-size:12px;color:#444}
.yitu-legend{position:fixed;bottom:28px;left:10px;z-index:1000;background:rgba(255,255,255,.95);padding:6px 10px;
  border-radius:4px;box-shadow:0 1px 5px rgba(0,0,0,.4);font:12px/1.45 "Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;
  max-height:calc(100vh - 110px);overflow-y:auto;min-width:150px;max-width:330px}
.yitu-legend summary{cursor:pointer;font-weight:bold;outline:none}
.yitu-legend>summary{font-size:14px}
.yitu-legend details details{margin-top:3px}
.yitu-legend details details>summary{font-size:12px;color:#333}
.yitu-legend .rows{display:grid;grid-template-columns:1fr 1fr;column-gap:10px}
.yitu-legend .row{display:flex;align-items:center;gap:5px;white-space:nowrap}
.yitu-legend .note{color:#555;white-space:normal}
.yitu-legend svg{flex:none}
.yitu-popup table{border-collapse:collapse;margin-top:4px}
.yitu-popup th{text-align:left;font-weight:normal;color:#555;padding:1px 8px 1px 0;vertical-align:top;white-space:nowrap}
.yitu-popup td{padding:1px 0}
.yitu-place{font:12px "Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#37474F;white-space:nowrap;
  text-shadow:0 0 3px #fff,0 0 3px #fff}
</style>"""

# the outline of each point shape on a unit circle (y down), as the images draw them
_SHAPE_POINTS: dict[str, list[list[float]]] = {
    "triangle": [[0, -1.15], [1, 0.58], [-1, 0.58]],
    "square": [[-0.82, -0.82], [0.82, -0.82], [0.82, 0.82], [-0.82, 0.82]],
    "diamond": [[0, -1.1], [1, 0], [0, 1.1], [-1, 0]],
    "pentagon": [[0, -1], [0.92, -0.25], [0.85, 0.9], [-0.85, 0.9], [-0.92, -0.25]],
    "hexagon": [[0, -1], [0.87, -0.5], [0.87, 0.5], [0, 1], [-0.87, 0.5], [-0.87, -0.5]],
    "cross": [[-1, -0.6], [-0.6, -1], [0, -0.4], [0.6, -1], [1, -0.6], [0.4, 0], [1, 0.6], [0.6, 1], [0, 0.4],
              [-0.6, 1], [-1, 0.6], [-0.4, 0]],
}
_SHAPE_JS = json.dumps(_SHAPE_POINTS)

_JS = """{
 triangle:[[0,-1.15],[1,0.58],[-1,0.58]],
 square:[[-0.82,-0.82],[0.82,-0.82],[0.82,0.82],[-0.82,0.82]],
 diamond:[[0,-1.1],[1,0],[0,1.1],[-1,0]],
 pentagon:[[0,-1],[0.92,-0.25],[0.85,0.9],[-0.85,0.9],[-0.92,-0.25]],
 hexagon:[[0,-1],[0.87,-0.5],[0.87,0.5],[0,1],[-0.87,0.5],[-0.87,-0.5]],
 cross:[[-1,-0.6],[-0.6,-1],[0,-0.4],[0.6,-1],[1,-0.6],[0.4,0],[1,0.6],[0.6,1],[0,0.4],[-0.6,1],[-1,0.6],[-0.4,0]]
}"""

_JS = """
(function () {
  var map = __MAP__;
  var D = JSON.parse(document.getElementById("yitu-data").textContent);
  var SHAPES = __SHAPES__;
  map.attributionControl.setPrefix("Leaflet");
  L.control.scale({metric: true, imperial: false}).addTo(map);
  D.tiles.forEach(function (t, i) {
    L.tileLayer(t.url, {attribution: t.attr, subdomains: t.sub, maxZoom: t.maxZoom}).addTo(map);
  });
  var Shape = L.CircleMarker.extend({
    options: {shape: "circle"},
    _updatePath: function () {
      var sh = SHAPES[this.options.shape];
      if (!sh) { return L.CircleMarker.prototype._updatePath.call(this); }
      var p = this._point, r = this._radius, R = this._renderer;
      var pts = sh.map(function (q) { return [p.x + q[0] * r, p.y + q[1] * r]; });
      if (R instanceof L.Canvas) {
        if (!R._drawing || this._empty()) { return; }
        var ctx = R._ctx;
        ctx.beginPath();
        pts.forEach(function (q, k) { if (k) { ctx.lineTo(q[0], q[1]); } else { ctx.moveTo(q[0], q[1]); } });
        ctx.closePath();
        R._fillStroke(ctx, this);
      } else {
        R._setPath(this, "M" + pts.map(function (q) { return q[0].toFixed(1) + " " + q[1].toFixed(1); }).join("L") + "z");
      }
    }
  });
  var canvas = null;
  function val(c, i) {
    if (!c) { return ""; }
    if (c.d) { var k = c.c[i]; return k < 0 ? "" : c.d[k]; }
    var v = c.v[i]; return v == null ? "" : String(v);
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text != null) { e.textContent = text; }
    return e;
  }
  function popup(ly, i) {
    if (ly.popupHtml) { var h = el("div", "yitu-popup"); h.innerHTML = val(ly.popupHtml, i); return h; }
    var div = el("div", "yitu-popup");
    div.appendChild(el("b", null, val(ly.title, i)));
    var t = el("table");
    ly.fields.forEach(function (f) {
      var v = val(f, i);
      if (v === "") { return; }
      var tr = el("tr");
      tr.appendChild(el("th", null, f.l));
      tr.appendChild(el("td", null, v));
      t.appendChild(tr);
    });
    div.appendChild(t);
    return div;
  }
  function tip(ly, i) {
    if (ly.tipHtml) { var h = el("span"); h.innerHTML = val(ly.tipHtml, i); return h; }
    return el("span", null, val(ly.tip, i));
  }
  var groups = {}, leaves = {}, byKey = {}, overlays = {};
  D.layers.forEach(function (ly) {
    var g = L.featureGroup(), out = [];
    var base = {};
    if (ly.n > D.canvasFrom) { canvas = canvas || L.canvas({padding: 0.3}); base.renderer = canvas; }
    for (var i = 0; i < ly.n; i++) {
      var o = Object.assign({}, ly.styles[ly.s[i]], base, {shape: ly.shape});
      var l;
      if (ly.xy && ly.shape === "label") {
        l = L.marker([ly.xy[2 * i + 1], ly.xy[2 * i]], {interactive: false, keyboard: false,
          icon: L.divIcon({className: "yitu-place", html: el("span", null, val(ly.title, i)), iconSize: null})});
      } else if (ly.xy) {
        l = new Shape([ly.xy[2 * i + 1], ly.xy[2 * i]], o);
      } else {
        l = L.GeoJSON.geometryToLayer({type: "Feature", properties: {}, geometry: ly.geo[i]},
          Object.assign({pointToLayer: function (f, ll) { return new Shape(ll, o); }}, o));
        if (l.setStyle) { l.setStyle(ly.styles[ly.s[i]]); }
      }
      l._yitu = i;
      out.push(l);
      g.addLayer(l);
    }
    if (ly.popup) { g.bindPopup(function (l) { return popup(ly, l._yitu); }, {maxWidth: 380}); }
    if ((ly.tip || ly.tipHtml) && ly.shape !== "label") { g.bindTooltip(function (l) { return tip(ly, l._yitu); }, {sticky: true}); }
    if (ly.show) { g.addTo(map); }
    groups[ly.key] = g; leaves[ly.key] = out; byKey[ly.key] = ly;
    if (ly.n) { overlays[ly.label] = g; }
  });
  L.control.layers(null, overlays, {collapsed: false, position: "topright"}).addTo(map);
  window.yitu = {
    map: map, groups: groups, leaves: leaves, expected: D.expected, datum: D.datum,
    popup: function (key, i) { return popup(byKey[key], i); },
    tip: function (key, i) { return tip(byKey[key], i); }
  };
})();
"""


def _swatch(colour: str, shape: str, size: int = 14) -> str:
    """An inline SVG legend symbol (colour is one of ours, escaped anyway)."""
    c = esc(colour)
    h = size
    if shape == "line":
        return f'<svg width="{h + 4}" height="{h}"><line x1="1" y1="{h / 2}" x2="{h + 3}" y2="{h / 2}" stroke="{c}" stroke-width="3"/></svg>'
    if shape == "area":
        return f'<svg width="{h}" height="{h}"><rect x="1" y="3" width="{h - 2}" height="{h - 6}" fill="{c}" fill-opacity=".8" stroke="#616161"/></svg>'
    pts = _SHAPE_POINTS
    if shape in pts:
        r = h / 2 - 1.5
        p = " ".join(f"{h / 2 + x * r:.1f},{h / 2 + y * r:.1f}" for x, y in pts[shape])
        return f'<svg width="{h}" height="{h}"><polygon points="{p}" fill="{c}" stroke="#424242" stroke-width="1"/></svg>'
    return f'<svg width="{h}" height="{h}"><circle cx="{h / 2}" cy="{h / 2}" r="{h / 2 - 1.5}" fill="{c}" stroke="#424242"/></svg>'


_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("maps.legend.forces", ("stations",)),
    ("maps.legend.resources", ("shelters", "water_sources", "depots")),
    ("maps.legend.targets", ("targets", "parks", "risk_zones")),
    ("maps.legend.analysis", ("isochrones", "responsibility", "park_check", "park_check_fail")),
    ("maps.base.group", ("roads", "base_water", "base_bridges", "base_boundaries", "base_places")),
)


def _legend_html(layers: list[MapLayer], lang: str, notes: list[str]) -> str:
    """The legend: a collapsible box of collapsible groups (risk grade first, always open)."""
    by_key = {ly.key: ly for ly in layers}
    parts = [f'<details open class="yitu-legend" id="yitu-legend"><summary>{esc(map_text("legend", lang=lang))}</summary>']
    rows = [f'<div class="row">{_swatch(colour, "circle")}{esc(label)}</div>' for label, colour, _ in _grade_legend(lang)]
    grade = "".join(rows)
    if "enterprises" in by_key:
        sizes = []
        for lv, name in zip((1, 2, 3, 4, 0), _w("mh_levels", lang).split()):
            d = int(round(2 * style.major_hazard_radius(lv)))
            sizes.append(f'{_swatch("#BDBDBD", "circle", d)}{esc(name)}')
        grade += (f'<div class="row note" style="grid-column:1/3">{esc(_w("size_note", lang))}</div>'
                  f'<div class="row" style="grid-column:1/3;gap:3px">{"".join(sizes)}</div>')
    parts.append(f'<details open><summary>{esc(tr("maps.legend.grades", lang=lang))}</summary><div class="rows">{grade}</div></details>')
    placed: set[str] = set()
    groups: list[tuple[str, list[MapLayer]]] = []
    for word, keys in _GROUPS:
        members = [by_key[k] for k in keys if k in by_key and by_key[k].legend]
        placed.update(k for k in keys)
        if members:
            groups.append((tr(word, lang=lang), members))
    rest = [ly for ly in layers if ly.key not in placed and ly.key != "enterprises" and ly.legend]
    if rest:
        groups.append((tr("maps.legend.other", lang=lang), rest))
    n_rows = sum(len(ly.legend) for _, members in groups for ly in members)
    for gi, (title, members) in enumerate(groups):
        seen: set[tuple[str, str]] = set()
        rows = []
        for ly in members:
            for label, colour, shape in ly.legend:
                if (label, colour) in seen:
                    continue
                seen.add((label, colour))
                rows.append(f'<div class="row">{_swatch(colour, shape)}{esc(label)}</div>')
        # small legends open whole; big ones open the rescue forces and the analysis, the rest one click away
        is_open = n_rows <= 14 or title in (tr("maps.legend.forces", lang=lang), tr("maps.legend.analysis", lang=lang))
        parts.append(f'<details{" open" if is_open else ""}><summary>{esc(title)}</summary>'
                     f'<div class="rows">{"".join(rows)}</div></details>')
    for note in notes:
        if note:
            parts.append(f'<div class="row note">{esc(note)}</div>')
    parts.append("</details>")
    return "".join(parts)


def risk_map(
    project: Project,
    *,
    tiles: str | TileSource | None = "none",
    lang: str = "zh",
    network: RoadNetwork | None = None,
    title: str | None = None,
    settings: Settings | None = None,
    base: bool = True,
    qgis_styles: bool = True,
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
    base
        Draw the base geography (water, bridges, town boundaries, place names) when the project has it.
    qgis_styles
        Also store the same symbol scheme as QGIS layer styles in ``project.gpkg``
        (:func:`yitu.maps.qgis.style_project`), so the project opens styled in QGIS.

    Returns
    -------
    folium.Map
        With attributes ``yitu_counts`` (layer key -> number of features drawn), ``yitu_tiles``
        (the :class:`TileSource`) and ``yitu_json`` (the page's data). Save it with
        :func:`yitu.maps.offline.save_html`.

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
        raise InputError(tr("maps.err.lang", code=lang))
    src = tiles if isinstance(tiles, TileSource) else resolve_tiles(tiles, settings_key=settings.maps.tianditu_key)
    layers = map_layers(project, lang=lang, network=network, settings=settings)
    if not any(len(ly.gdf) for ly in layers):
        raise ProjectError(tr("maps.err.nothing_to_draw", path=project.path))
    boxes = np.array([ly.gdf.total_bounds for ly in layers if len(ly.gdf) and ly.key != "roads"] or
                     [ly.gdf.total_bounds for ly in layers if len(ly.gdf)])
    if base:
        from yitu.maps.basemap import base_layers

        layers = base_layers(project, lang=lang, bounds=tuple(np.nanmin(boxes[:, :2], axis=0)) +  # type: ignore[arg-type]
                             tuple(np.nanmax(boxes[:, 2:], axis=0))) + layers
    if src.datum == "gcj02":
        for ly in layers:
            if len(ly.gdf):
                ly.gdf = from_wgs84(ly.gdf, "gcj02")
        boxes = np.array([ly.gdf.total_bounds for ly in layers if len(ly.gdf) and ly.key != "roads"
                          and not ly.key.startswith("base_")])
    minx, miny = float(np.nanmin(boxes[:, 0])), float(np.nanmin(boxes[:, 1]))
    maxx, maxy = float(np.nanmax(boxes[:, 2])), float(np.nanmax(boxes[:, 3]))

    m = folium.Map(location=[(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=12, tiles=None, control_scale=False)
    # Only Leaflet itself: no bootstrap, jQuery, font-awesome or awesome-markers (our own markers and legend).
    m.default_js = [("leaflet", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js")]
    m.default_css = [("leaflet_css", "https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.css")]
    m.fit_bounds([[miny, minx], [maxy, maxx]], padding_top_left=(300, 70), padding_bottom_right=(20, 20))

    data, text = page_data(layers, lang=lang, tiles=src)
    counts = {k: v for k, v in data["expected"].items() if not k.startswith("base_")}

    name = settings.project.name
    title = title or f"{name} {map_text('risk_map_title', lang=lang)}"
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
    fig.title = esc(title)  # branca puts it into <title> as a value (not parsed), unescaped
    fig.header.add_child(_Raw(_CSS), name="yitu_css")
    fig.html.add_child(_Raw(f'<div class="yitu-title" id="yitu-title">{esc(title)}<small>{esc(sub)}</small></div>'),
                       name="yitu_title")
    from yitu.maps.sources import source_notes

    notes = source_notes(project, lang=lang)
    if settings.maps.source_note and settings.maps.source_note != project.settings.maps.source_note:
        notes[0] = settings.maps.source_note
    fig.html.add_child(_Raw(_legend_html(layers, lang, notes)), name="yitu_legend")
    fig.html.add_child(_Raw(f'<script type="application/json" id="yitu-data">{text}</script>'), name="yitu_data")
    js = _JS.replace("__SHAPES__", _SHAPE_JS).replace("__MAP__", m.get_name())
    m.add_child(_Script(js), name="yitu_page")
    if qgis_styles:
        from yitu.maps.qgis import style_project

        style_project(project)
    m.yitu_counts = counts  # type: ignore[attr-defined]
    m.yitu_tiles = src  # type: ignore[attr-defined]
    m.yitu_json = text  # type: ignore[attr-defined]
    m.yitu_layers = [ly.key for ly in layers]  # type: ignore[attr-defined]
    drawn = [msg("maps.log.count", what=named(("maps.layer", "map.layer"), k), n=v) for k, v in counts.items()]
    log.info(msg("maps.log.risk_map", counts=listed(drawn, limit=50)))
    return m


__all__ += ["LAYER_ORDER"]
