"""QGIS layer styles in project.gpkg: the table QGIS reads on open, valid QML, the one symbol scheme."""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET

import pyogrio

from yitu.layers.schema import GRADE_COLOURS
from yitu.maps import style
from yitu.maps.qgis import STYLE_NAME, write_layer_styles


def _rgba(h: str) -> str:
    h = h.lstrip("#")
    return f"{int(h[0:2], 16)},{int(h[2:4], 16)},{int(h[4:6], 16)},255"


def test_styles_table_with_valid_qml_for_each_layer(demo_copy):
    gpkg = demo_copy.path / "project.gpkg"
    con = sqlite3.connect(gpkg)
    con.execute("CREATE TABLE IF NOT EXISTS layer_styles (id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT, f_table_schema TEXT,"
                " f_table_name TEXT, f_geometry_column TEXT, styleName TEXT, styleQML TEXT, styleSLD TEXT,"
                " useAsDefault BOOLEAN, description TEXT, owner TEXT, ui TEXT, update_time DATETIME)")
    con.execute("INSERT INTO layer_styles (f_table_name, styleName, styleQML, useAsDefault, owner) "
                "VALUES ('enterprises', '我的样式', '<qgis/>', 1, 'planner')")
    con.commit()
    con.close()
    styled = write_layer_styles(gpkg)
    write_layer_styles(gpkg)  # twice: replaced, not duplicated
    assert {"enterprises", "stations", "shelters", "targets", "water_sources", "depots", "parks", "risk_zones"} <= set(styled)
    df = pyogrio.read_dataframe(gpkg, layer="layer_styles")  # registered: GDAL (and QGIS) can open it
    cols = ["f_table_catalog", "f_table_schema", "f_table_name", "f_geometry_column", "styleName", "styleQML",
            "styleSLD", "useAsDefault", "description", "owner", "ui", "update_time"]
    assert set(cols) <= set(df.columns)
    ours = df[df["styleName"] == STYLE_NAME]
    assert sorted(ours["f_table_name"]) == sorted(styled) and ours["useAsDefault"].all()
    assert (ours["f_geometry_column"] == "geom").all()
    mine = df[df["owner"] == "planner"]
    assert len(mine) == 1 and not mine["useAsDefault"].iloc[0]  # the planner's style is kept, ours is the default
    qml = {r.f_table_name: ET.fromstring(r.styleQML) for r in ours.itertuples()}  # every QML parses
    ent = qml["enterprises"].find("renderer-v2")
    assert ent.get("type") == "categorizedSymbol" and ent.get("attr") == "risk_grade"
    cats = {c.get("value"): (c.get("label"), c.get("symbol")) for c in ent.iter("category")}
    assert [cats[str(g)][0] for g in (1, 2, 3, 4)] == ["重大风险", "较大风险", "一般风险", "低风险"] and cats[""][0] == "未定级"
    colours = {s.get("name"): s.find(".//Option[@name='color']").get("value") for s in ent.iter("symbol")}
    for g in (1, 2, 3, 4):
        assert colours[cats[str(g)][1]] == _rgba(GRADE_COLOURS[g])
    st = qml["stations"].find("renderer-v2")
    assert st.get("attr") == "station_type"
    shapes = {o.get("value") for o in st.iter("Option") if o.get("name") == "name"}
    assert shapes == {"triangle"}  # the stations' own shape
    st_colours = {o.get("value") for o in st.iter("Option") if o.get("name") == "color"}
    assert not st_colours & {_rgba(c) for c in style.GRADE_HUES}  # red/orange/yellow/blue mean grade only
    assert qml["enterprises"].find("labeling/settings/text-style").get("fieldName") == "name"
    aliases = {a.get("field"): a.get("name") for a in qml["enterprises"].iter("alias")}
    assert aliases.get("name") == "企业名称"
