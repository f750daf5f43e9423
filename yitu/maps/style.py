"""Symbology shared by the HTML maps, the static maps and the reports: colours, shapes, sizes.

One place decides how a grade, a station type or a shelter class looks, so an HTML map and
the PNG pasted into a report agree. The words of the maps (titles, legends, labels) live in
:mod:`yitu.words.maps`, the one home of every word a user sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from yitu.layers.schema import GRADE_COLOURS, UNGRADED_COLOUR

__all__ = [
    "GRADE_COLOURS",
    "grade_colour",
    "STATION_COLOURS",
    "SHELTER_COLOURS",
    "TARGET_COLOURS",
    "BAND_COLOURS",
    "LAYER_COLOURS",
    "RESP_COLOURS",
    "Symbol",
    "SYMBOLS",
    "SHAPES",
    "MPL_MARKERS",
    "symbol",
    "major_hazard_radius",
]


def grade_colour(grade: object) -> str:
    """Colour of a risk grade 1..4; grey for missing (未定级)."""
    try:
        return GRADE_COLOURS[int(grade)]  # type: ignore[call-overload]
    except (TypeError, ValueError, KeyError):
        return UNGRADED_COLOUR


# -- the one symbol scheme -------------------------------------------------------------------------
# Red, orange, yellow and blue (and the grey of 未定级) mean a risk grade and nothing else. Every
# other layer has its own SHAPE and a colour outside those four hues: rescue forces are triangles in
# greys and browns, water sources teal diamonds, shelters green "houses" (pentagons), protected
# targets purple squares, depots olive hexagons, targets missing the time limit black crosses.
# Sizes put risk first: the smallest plant dot is at least as large as any station symbol.

#: shape names understood by the HTML page and the images (matplotlib marker in MPL_MARKERS)
SHAPES: tuple[str, ...] = ("circle", "triangle", "square", "diamond", "pentagon", "hexagon", "cross")
MPL_MARKERS: dict[str, str] = {"circle": "o", "triangle": "^", "square": "s", "diamond": "D", "pentagon": "p",
                               "hexagon": "h", "cross": "X"}
#: the hues a non-grade symbol may not use (checked by the tests)
GRADE_HUES: tuple[str, ...] = tuple(GRADE_COLOURS.values())

STATION_COLOURS: dict[str, str] = {
    "特勤站": "#111111",
    "一级站": "#303030",
    "二级站": "#4A4A4A",
    "小型站": "#646464",
    "政府专职队": "#4E342E",
    "企业专职队": "#795548",
    "微型消防站": "#A1887F",
    "志愿队": "#BCAAA4",
    "专业救援队": "#37474F",
}
#: triangle size (px radius) by station type: bigger stations, bigger triangles, all below a plant dot
STATION_SIZES: dict[str, float] = {"特勤站": 7.0, "一级站": 7.0, "二级站": 6.5, "小型站": 6.0, "政府专职队": 6.0,
                                   "企业专职队": 6.0, "微型消防站": 5.0, "志愿队": 5.0, "专业救援队": 6.0}
STATION_DEFAULT = "#5D4037"
SHELTER_COLOURS: dict[str, str] = {"紧急": "#2E7D32", "固定": "#1B5E20", "中心": "#0B3D12", "临时疏散点": "#66BB6A"}
TARGET_COLOURS: dict[str, str] = {"高敏感": "#4A148C", "重要": "#7B1FA2", "一般": "#BA68C8"}
# Isochrone bands, nearest first (5, 10, 15 min ...): greens fading to grey-violet, never a grade hue.
BAND_COLOURS: tuple[str, ...] = ("#1B7837", "#5AAE61", "#A6DBA0", "#D9F0D3", "#E7D4E8")
LAYER_COLOURS: dict[str, str] = {
    "parks": "#4E342E",
    "water_sources": "#00897B",
    "shelters": "#2E7D32",
    "targets": "#7B1FA2",
    "depots": "#827717",
    "roads": "#757575",
    "fail": "#000000",
    "pass": "#1B7837",
    "water": "#A9D3DF",
    "water_line": "#6FA8BA",
    "bridge": "#212121",
    "boundary": "#8D6E63",
    "place": "#37474F",
}
#: colours of station responsibility areas (cycled), none a grade hue
RESP_COLOURS: tuple[str, ...] = ("#6A1B9A", "#00695C", "#4E342E", "#37474F", "#AD1457", "#558B2F", "#5E35B1", "#00838F")


@dataclass(frozen=True)
class Symbol:
    """How a point of a layer looks: a shape, a fill, an outline and a size (radius in screen px)."""

    shape: str
    fill: str
    stroke: str = "#FFFFFF"
    size: float = 6.0


#: the point symbol of each layer (category colours above override ``fill``)
SYMBOLS: dict[str, Symbol] = {
    "stations": Symbol("triangle", STATION_DEFAULT, "#FFFFFF", 6.5),
    "water_sources": Symbol("diamond", LAYER_COLOURS["water_sources"], "#FFFFFF", 4.5),
    "shelters": Symbol("pentagon", LAYER_COLOURS["shelters"], "#FFFFFF", 6.0),
    "targets": Symbol("square", LAYER_COLOURS["targets"], "#FFFFFF", 5.5),
    "depots": Symbol("hexagon", LAYER_COLOURS["depots"], "#FFFFFF", 6.0),
    "park_check_fail": Symbol("cross", LAYER_COLOURS["fail"], "#FFFFFF", 7.0),
    "enterprises": Symbol("circle", UNGRADED_COLOUR, "#424242", 7.0),
}


def symbol(layer: str, category: object = None) -> Symbol:
    """The symbol of a point of ``layer`` (with ``category``: station type, shelter class, protection class)."""
    base = SYMBOLS.get(layer, Symbol("circle", "#616161"))
    key = "" if category is None else str(category)
    if layer == "stations":
        return Symbol(base.shape, STATION_COLOURS.get(key, base.fill), base.stroke, STATION_SIZES.get(key, base.size))
    table = {"shelters": SHELTER_COLOURS, "targets": TARGET_COLOURS}.get(layer)
    if table is not None:
        return Symbol(base.shape, table.get(key, base.fill), base.stroke, base.size)
    return base


def major_hazard_radius(level: object) -> float:
    """Marker radius (px) by 重大危险源 level: 一级 largest; none smallest."""
    try:
        lv = int(level)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        lv = 0
    return {1: 12.0, 2: 10.5, 3: 9.0, 4: 8.0}.get(lv, 7.0)
