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

#: layer names in the HTML map's layer control
LAYER_LABELS: dict[str, tuple[str, str]] = {
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
    "base_water": ("水系", "Water"),
    "base_bridges": ("桥梁", "Bridges"),
    "base_boundaries": ("乡镇界", "Town boundaries"),
    "base_places": ("地名", "Place names"),
}

#: words of popups and the legend that are not field labels
POPUP_WORDS: dict[str, tuple[str, str]] = {
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
    "park_id": ("所属园区", "Park"),
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

register({f"maps.road.{k}": v for k, v in ROAD_CLASSES.items()})
register({f"maps.layer.{k}": v for k, v in LAYER_LABELS.items()})
register({f"maps.popup.{k}": v for k, v in POPUP_WORDS.items()})
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
