"""The symbol scheme as QGIS layer styles inside ``project.gpkg``.

QGIS reads the ``layer_styles`` table of a GeoPackage when a layer is opened and applies the style
marked ``useAsDefault`` (the QGIS GeoPackage styling extension: columns ``f_table_catalog``,
``f_table_schema``, ``f_table_name``, ``f_geometry_column``, ``styleName``, ``styleQML``,
``styleSLD``, ``useAsDefault``, ``description``, ``owner``, ``ui``, ``update_time``). So a planner
who opens the project in QGIS sees the 红橙黄蓝 enterprises (categorised on ``risk_grade``), the
rescue forces as triangles by type, shelters, targets, water sources, depots, parks, roads and the
isochrone bands of ``yitu check`` in the colours and shapes of :mod:`yitu.maps.style`, with
Chinese category names, field aliases and name labels.

:func:`write_layer_styles` writes the styles in one SQLite transaction (atomic: a reader sees the
old table or the new one), replacing the styles it wrote before (``owner = 'yitu'``) and leaving
styles the planner saved in QGIS under another name alone.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import quoteattr

from yitu.layers.schema import GRADE_COLOURS, SCHEMAS, UNGRADED_COLOUR
from yitu.maps import style
from yitu.words import listed, msg
from yitu.words.maps import grade_label, layer_label

if TYPE_CHECKING:
    from yitu.layers.project import Project

log = logging.getLogger(__name__)

__all__ = ["layer_qml", "write_layer_styles", "STYLE_NAME"]

STYLE_NAME = "yitu 一图"
_OWNER = "yitu"
_QGIS_SHAPES = {"circle": "circle", "triangle": "triangle", "square": "square", "diamond": "diamond",
                "pentagon": "pentagon", "hexagon": "hexagon", "cross": "cross_fill"}
_CREATE = """CREATE TABLE IF NOT EXISTS layer_styles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    f_table_catalog TEXT(256), f_table_schema TEXT(256), f_table_name TEXT(256), f_geometry_column TEXT(256),
    styleName TEXT(30), styleQML TEXT, styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30),
    ui TEXT(30), update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')))"""


def _rgba(hex_colour: str, alpha: int = 255) -> str:
    h = hex_colour.lstrip("#")
    return f"{int(h[0:2], 16)},{int(h[2:4], 16)},{int(h[4:6], 16)},{alpha}"


def _opts(**kv: object) -> str:
    return "".join(f'<Option name={quoteattr(k)} value={quoteattr(str(v))} type="QString"/>' for k, v in kv.items())


def _marker(shape: str, fill: str, size_mm: float, stroke: str = "#FFFFFF") -> str:
    return ('<symbol type="marker" name="{n}" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleMarker" '
            'enabled="1" pass="0" locked="0"><Option type="Map">'
            + _opts(name=_QGIS_SHAPES.get(shape, "circle"), color=_rgba(fill), outline_color=_rgba(stroke),
                    outline_style="solid", outline_width="0.3", outline_width_unit="MM", size=f"{size_mm:.2f}",
                    size_unit="MM", joinstyle="miter")
            + "</Option></layer></symbol>")


def _line(colour: str, width_mm: float, dash: bool = False) -> str:
    return ('<symbol type="line" name="{n}" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleLine" '
            'enabled="1" pass="0" locked="0"><Option type="Map">'
            + _opts(line_color=_rgba(colour), line_width=f"{width_mm:.2f}", line_width_unit="MM",
                    line_style="dash" if dash else "solid", capstyle="round", joinstyle="round")
            + "</Option></layer></symbol>")


def _fill(colour: str, alpha: int, outline: str, dash: bool = False, width_mm: float = 0.4) -> str:
    return ('<symbol type="fill" name="{n}" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="SimpleFill" '
            'enabled="1" pass="0" locked="0"><Option type="Map">'
            + _opts(color=_rgba(colour, alpha), outline_color=_rgba(outline), outline_style="dash" if dash else "solid",
                    outline_width=f"{width_mm:.2f}", outline_width_unit="MM", style="solid")
            + "</Option></layer></symbol>")


def _categorized(attr: str, cats: list[tuple[str, str, str]]) -> str:
    """``cats``: (value, label, symbol xml with ``{n}`` for its name)."""
    c = "".join(f'<category value={quoteattr(v)} symbol="{i}" label={quoteattr(lab)} render="true"/>'
                for i, (v, lab, _) in enumerate(cats))
    s = "".join(sym.replace("{n}", str(i)) for i, (_, _, sym) in enumerate(cats))
    return (f'<renderer-v2 type="categorizedSymbol" attr={quoteattr(attr)} symbollevels="0" enableorderby="0" '
            f'forceraster="0"><categories>{c}</categories><symbols>{s}</symbols></renderer-v2>')


def _single(sym: str) -> str:
    return ('<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0"><symbols>'
            + sym.replace("{n}", "0") + "</symbols></renderer-v2>")


def _labels(field: str, size: float = 8.0, max_scale: int = 50000) -> str:
    return ('<labeling type="simple"><settings calloutType="simple">'
            f'<text-style fieldName={quoteattr(field)} fontFamily="Noto Sans CJK SC" fontSize="{size}" fontSizeUnit="Point" '
            'textColor="40,40,40,255" isExpression="0"><text-buffer bufferDraw="1" bufferSize="0.8" bufferSizeUnits="MM" '
            'bufferColor="255,255,255,255"/></text-style><placement placement="0" dist="1.5" distUnits="MM"/>'
            f'<rendering scaleVisibility="1" scaleMin="0" scaleMax="{max_scale}" obstacle="1"/></settings></labeling>')


def _aliases(layer: str, columns: Iterable[str]) -> str:
    if layer not in SCHEMAS:
        return ""
    out = []
    for i, c in enumerate(columns):
        try:
            out.append(f'<alias field={quoteattr(c)} index="{i}" name={quoteattr(SCHEMAS[layer].field(c).label)}/>')
        except KeyError:
            continue
    return "<aliases>" + "".join(out) + "</aliases>"


def _grade_cats(size_mm: float = 3.2) -> list[tuple[str, str, str]]:
    cats = [(str(g), grade_label(g), _marker("circle", GRADE_COLOURS[g], size_mm, "#202020")) for g in (1, 2, 3, 4)]
    cats.append(("", grade_label(None), _marker("circle", UNGRADED_COLOUR, size_mm * 0.8, "#202020")))
    return cats


def layer_qml(layer: str, columns: Iterable[str] = ()) -> str | None:
    """The QML style of a project layer (``None`` for a layer the scheme has no style for)."""
    cols = list(columns)
    lab = ""
    geom = 0
    if layer == "enterprises":
        r = _categorized("risk_grade", _grade_cats())
        lab = _labels("name", 7.5, 25000)
    elif layer == "risk_zones":
        attr = "risk_grade" if "risk_grade" in cols else "grade"
        cats = [(str(g), grade_label(g), _fill(GRADE_COLOURS[g], 150, "#303030")) for g in (1, 2, 3, 4)]
        cats.append(("", grade_label(None), _fill(UNGRADED_COLOUR, 120, "#303030")))
        r = _categorized(attr, cats)
        geom = 2
    elif layer == "stations":
        cats = [(t, t, _marker("triangle", c, 2.0 * style.symbol("stations", t).size / 3.0))
                for t, c in style.STATION_COLOURS.items()]
        cats.append(("", "其他救援力量", _marker("triangle", style.STATION_DEFAULT, 4.0)))
        r = _categorized("station_type", cats)
        lab = _labels("name", 8.0, 100000)
    elif layer in ("shelters", "targets"):
        attr, table = ("shelter_class", style.SHELTER_COLOURS) if layer == "shelters" else ("protection_class", style.TARGET_COLOURS)
        sym = style.symbol(layer)
        cats = [(k, (f"{k}避难场所" if layer == "shelters" else f"防护目标({k})"), _marker(sym.shape, c, sym.size / 2.0))
                for k, c in table.items()]
        cats.append(("", layer_label(layer), _marker(sym.shape, sym.fill, sym.size / 2.0)))
        r = _categorized(attr, cats)
        lab = _labels("name", 7.0, 25000)
    elif layer in ("water_sources", "depots"):
        sym = style.symbol(layer)
        r = _single(_marker(sym.shape, sym.fill, sym.size / 2.0))
    elif layer == "parks":
        c = style.LAYER_COLOURS["parks"]
        r = _single(_fill(c, 15, c, dash=True, width_mm=0.8))
        lab = _labels("name", 10.0, 500000)
        geom = 2
    elif layer == "roads":
        r = _single(_line(style.LAYER_COLOURS["roads"], 0.35))
        lab = _labels("name", 7.0, 25000)
        geom = 1
    elif layer == "result_isochrones":
        cats = [(f"{m:g}", f"{m:g} 分钟可达", _fill(c, 110, c, width_mm=0.1))
                for m, c in zip((5.0, 10.0, 15.0, 20.0, 25.0), style.BAND_COLOURS)]
        r = _categorized("band_min", cats)
        geom = 2
    elif layer == "result_responsibility":
        c = style.RESP_COLOURS[0]
        r = _single(_fill(c, 10, c, dash=True))
        lab = _labels("station_name" if "station_name" in cols else "station_id", 9.0, 500000)
        geom = 2
    else:
        return None
    return ("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>"
            '<qgis version="3.28.0" styleCategories="Symbology|Labeling|Fields">'
            + r + lab + ('<fieldConfiguration/>' + _aliases(layer, cols)) + f"<layerGeometryType>{geom}</layerGeometryType></qgis>")


def write_layer_styles(path: str | Path) -> list[str]:
    """Write the yitu style of every styled layer of a project GeoPackage as its default QGIS style.

    Returns
    -------
    list of str
        The layers styled.
    """
    p = Path(path)
    con = sqlite3.connect(p, timeout=30)
    try:
        layers = con.execute("SELECT table_name, column_name FROM gpkg_geometry_columns").fetchall()
        rows = []
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        for table, geom_col in layers:
            cols = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]
            qml = layer_qml(table, cols)
            if qml is not None:
                rows.append(("", "", table, geom_col, STYLE_NAME, qml, "", 1, "yitu 一图 符号方案", _OWNER, None, now))
        with con:  # one transaction: readers see the old styles or the new ones
            con.execute(_CREATE)
            con.execute("DELETE FROM layer_styles WHERE owner = ?", (_OWNER,))
            names = [r[2] for r in rows]
            if names:  # our style is the default: others stay, no longer default
                con.execute(f"UPDATE layer_styles SET useAsDefault = 0 WHERE f_table_name IN ({','.join('?' * len(names))})",
                            names)
            # registered as an attribute table, as QGIS does: GDAL (and so QGIS) opens only registered tables
            con.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, last_change) "
                        "VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS layer styles', ?)", (now,))
            con.executemany("INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, "
                            "styleName, styleQML, styleSLD, useAsDefault, description, owner, ui, update_time) "
                            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    finally:
        con.close()
    log.info(msg("maps.log.qgis_written", layers=listed([r[2] for r in rows])))
    return [r[2] for r in rows]


def style_project(project: Project) -> list[str]:
    """:func:`write_layer_styles` on a project's GeoPackage; a failure is logged, never fatal for a map."""
    try:
        return write_layer_styles(project.path / "project.gpkg")
    except (sqlite3.Error, OSError) as exc:
        log.warning(msg("maps.log.qgis_failed", path=project.path / "project.gpkg", error=exc))
        return []


__all__ += ["style_project"]
