"""Symbology shared by the HTML maps, the static maps and the reports: colours, labels, legends.

One place decides how a grade, a station type or a shelter class looks, so an HTML map and
the PNG pasted into a report agree.
"""

from __future__ import annotations

from yitu.layers.schema import (
    GRADE_COLOURS,
    GRADE_LABELS,
    GRADE_LABELS_EN,
    SCHEMAS,
    UNGRADED_COLOUR,
    UNGRADED_LABEL,
)

__all__ = [
    "GRADE_COLOURS",
    "grade_colour",
    "grade_label",
    "STATION_COLOURS",
    "SHELTER_COLOURS",
    "TARGET_COLOURS",
    "BAND_COLOURS",
    "LAYER_COLOURS",
    "layer_label",
    "major_hazard_radius",
    "TEXT",
    "text",
]


def grade_colour(grade: object) -> str:
    """Colour of a risk grade 1..4; grey for missing (未定级)."""
    try:
        return GRADE_COLOURS[int(grade)]  # type: ignore[call-overload]
    except (TypeError, ValueError, KeyError):
        return UNGRADED_COLOUR


def grade_label(grade: object, *, lang: str = "zh") -> str:
    """Label of a risk grade (重大风险 ... 低风险, or 未定级)."""
    labels = GRADE_LABELS if lang == "zh" else GRADE_LABELS_EN
    try:
        return labels[int(grade)]  # type: ignore[call-overload]
    except (TypeError, ValueError, KeyError):
        return UNGRADED_LABEL if lang == "zh" else "Ungraded"


STATION_COLOURS: dict[str, str] = {
    "特勤站": "#8B0000",
    "一级站": "#C62828",
    "二级站": "#E53935",
    "小型站": "#EF5350",
    "政府专职队": "#AD1457",
    "企业专职队": "#6A1B9A",
    "微型消防站": "#F06292",
    "志愿队": "#8D6E63",
    "专业救援队": "#283593",
}
SHELTER_COLOURS: dict[str, str] = {"紧急": "#2E7D32", "固定": "#388E3C", "中心": "#1B5E20", "临时疏散点": "#81C784"}
TARGET_COLOURS: dict[str, str] = {"高敏感": "#6A1B9A", "重要": "#4527A0", "一般": "#5C6BC0"}
# Isochrone bands, nearest first (5, 10, 15 min ...).
BAND_COLOURS: tuple[str, ...] = ("#1A9850", "#91CF60", "#D9EF8B", "#FEE08B", "#FC8D59")
LAYER_COLOURS: dict[str, str] = {
    "parks": "#7B1FA2",
    "water_sources": "#0288D1",
    "depots": "#5D4037",
    "roads": "#757575",
    "fail": "#000000",
}


def layer_label(layer: str, *, lang: str = "zh") -> str:
    """The display name of a layer (企业, 救援力量 ... or the English name)."""
    if lang == "zh" and layer in SCHEMAS:
        return SCHEMAS[layer].label
    extra = {
        "roads": ("道路", "Roads"),
        "isochrones": ("等时圈", "Isochrones"),
        "responsibility": ("责任区", "Responsibility areas"),
        "park_check_fail": ("未达标目标", "Targets missing the limit"),
        "coverage": ("覆盖分析", "Coverage"),
    }
    if layer in extra:
        return extra[layer][0 if lang == "zh" else 1]
    return layer.replace("_", " ").capitalize() if lang != "zh" else layer


def major_hazard_radius(level: object) -> float:
    """Marker radius (px) by 重大危险源 level: 一级 largest; none smallest."""
    try:
        lv = int(level)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        lv = 0
    return {1: 11.0, 2: 9.5, 3: 8.0, 4: 7.0}.get(lv, 5.0)


# UI text in both languages; maps and reports look words up here.
TEXT: dict[str, tuple[str, str]] = {
    "risk_map_title": ("安全风险四色分布图", "Four-colour safety-risk map"),
    "legend": ("图例", "Legend"),
    "risk_grade": ("风险等级", "Risk grade"),
    "stations": ("救援力量", "Rescue forces"),
    "isochrone": ("{m} 分钟可达", "Reached within {m} min"),
    "scale": ("比例尺", "Scale"),
    "north": ("北", "N"),
    "data_date": ("数据日期", "Data date"),
    "source": ("数据来源", "Source"),
    "capacity": ("容纳人数", "Capacity"),
    "population": ("人数", "Population"),
    "minutes": ("分钟", "min"),
    "pass": ("达标", "PASS"),
    "fail": ("未达标", "FAIL"),
    # static maps (legends, titles, the footer)
    "enterprise_map_title": ("企业内部四色分布图", "Internal four-colour risk map"),
    "coverage_map_title": ("消防救援到达时间覆盖图", "Fire-rescue arrival-time coverage"),
    "major_hazard": ("重大危险源", "Major hazard installation"),
    "mh_level": ("{n}级", "Level {n}"),
    "mh_none": ("无", "None"),
    "park": ("化工园区", "Chemical park"),
    "roads": ("道路", "Roads"),
    "targets": ("防护目标", "Protected targets"),
    "enterprise": ("企业位置", "Enterprise"),
    "other_zones": ("相邻企业风险分区", "Zones of neighbouring enterprises"),
    "enterprise_grade": ("企业风险等级", "Enterprise risk grade"),
    "zones": ("风险分区", "Risk zones"),
    "crs": ("坐标系", "CRS"),
    "scale_on": ("{paper} 打印比例尺 1:{n}", "Scale 1:{n} printed on {paper}"),
    "made_with": ("制图：yitu 一图 {v}", "Made with yitu {v}"),
    "pass_park": ("园区达标", "Park within limit"),
    "fail_park": ("园区未达标", "Park misses the limit"),
    "fail_targets": ("超时目标", "Targets missing the limit"),
    "limit": ("{m:g} 分钟", "{m:g} min"),
    "stale": ("数据超过 {m} 个月未更新", "data older than {m} months"),
    "unreached": ("{m:g} 分钟内未到达", "Not reached within {m:g} min"),
    "count": ("{label}（{n}）", "{label} ({n})"),
}


def text(key: str, *, lang: str = "zh", **fmt: object) -> str:
    """A UI string in ``lang`` ('zh' or 'en'), formatted with ``fmt``."""
    zh, en = TEXT[key]
    return (zh if lang == "zh" else en).format(**fmt)


# English names of the Chinese enum values shown in legends and popups (lang="en").
ENUM_NAMES_EN: dict[str, str] = {
    "特勤站": "Special service station",
    "一级站": "Class I station",
    "二级站": "Class II station",
    "小型站": "Small station",
    "政府专职队": "Government full-time brigade",
    "企业专职队": "Enterprise fire brigade",
    "微型消防站": "Micro fire station",
    "志愿队": "Volunteer brigade",
    "专业救援队": "Specialist rescue team",
    "高敏感": "Highly sensitive",
    "重要": "Important",
    "一般": "General",
    "紧急": "Emergency",
    "固定": "Fixed",
    "中心": "Central",
    "临时疏散点": "Temporary assembly point",
}


def enum_name(value: object, *, lang: str = "zh") -> str:
    """A Chinese enum value (station type, protection class, shelter class) in ``lang``."""
    s = "" if value is None else str(value)
    return s if lang == "zh" else ENUM_NAMES_EN.get(s, s)
