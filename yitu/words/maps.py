"""Words of the maps, the images and the reports (yitu.maps): road classes, base geography, legends."""

from __future__ import annotations

from yitu.words import register

#: OSM highway classes as a planner names them
ROAD_CLASSES: dict[str, tuple[str, str]] = {
    "motorway": ("高速公路", "motorway"),
    "motorway_link": ("高速公路匝道", "motorway link"),
    "trunk": ("国道/快速路", "trunk road"),
    "trunk_link": ("快速路匝道", "trunk link"),
    "primary": ("主干道", "primary road"),
    "primary_link": ("主干道连接线", "primary link"),
    "secondary": ("次干道", "secondary road"),
    "secondary_link": ("次干道连接线", "secondary link"),
    "tertiary": ("支路(县乡道)", "tertiary road"),
    "tertiary_link": ("支路连接线", "tertiary link"),
    "unclassified": ("一般道路", "unclassified road"),
    "residential": ("居住区道路", "residential street"),
    "living_street": ("生活街道", "living street"),
    "service": ("专用道路", "service road"),
    "track": ("机耕路", "track"),
    "road": ("道路", "road"),
}

register({f"maps.road.{k}": v for k, v in ROAD_CLASSES.items()})
register({
    "maps.base.water": ("水系", "Water"),
    "maps.base.river": ("河流", "River"),
    "maps.base.canal": ("运河/渠", "Canal"),
    "maps.base.bridge": ("桥梁", "Bridge"),
    "maps.base.boundary": ("乡镇界", "Town boundary"),
    "maps.base.place": ("地名", "Place names"),
    "maps.base.group": ("基础地理", "Base geography"),
    "maps.legend.grades": ("风险等级", "Risk grade"),
    "maps.legend.forces": ("救援力量", "Rescue forces"),
    "maps.legend.resources": ("避难场所、水源与物资", "Shelters, water, depots"),
    "maps.legend.targets": ("防护目标", "Protected targets"),
    "maps.legend.analysis": ("分析结果", "Analysis results"),
    "maps.legend.other": ("其他图层", "Other layers"),
    "maps.legend.toggle": ("图例", "Legend"),
    "maps.source.osm": ("路网 © OpenStreetMap 贡献者", "Roads © OpenStreetMap contributors"),
    "maps.source.office": ("路网：{name}", "Roads: {name}"),
    "maps.date.unknown": ("未知", "unknown"),
    "maps.no_zones": ("该企业无风险分区数据，图中为其周边情况", "No risk zones stored for this enterprise: its surroundings are shown"),
})
