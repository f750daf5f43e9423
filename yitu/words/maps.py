"""Words of the maps, the images and the reports (yitu.maps): road classes, base geography, legends,
titles, grade and layer names. The symbols (colours, shapes, sizes) are in :mod:`yitu.maps.style`."""

from __future__ import annotations

from yitu.layers.schema import GRADE_LABELS, GRADE_LABELS_EN, SCHEMAS, UNGRADED_LABEL
from yitu.words import get_lang, has, register, tr

__all__ = ["map_text", "grade_label", "layer_label", "enum_name", "MAP_TEXT", "ENUM_NAMES"]

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
    "maps.hazard.fire": ("火灾", "fire"),
    "maps.hazard.leak": ("泄漏", "leak"),
    "maps.hazard.explosion": ("爆炸", "explosion"),
    "maps.profile.fire_engine": ("消防车", "fire engine"),
    "maps.profile.walking": ("步行", "walking"),
    "maps.no_zones": ("该企业无风险分区数据，图中为其周边情况", "No risk zones stored for this enterprise: its surroundings are shown"),
})

# log lines of the maps, images and reports (yitu/maps/)
register({
    "maps.log.qgis_written": ("已写入 QGIS 样式：{layers}", "QGIS styles written for {layers}"),
    "maps.log.qgis_failed": ("QGIS 样式未写入 {path}：{error}", "QGIS styles not written to {path}: {error}"),
    "maps.log.basemap": ("{file} 的基础地理：水域 {water} 处，水系线 {waterways} 条，桥梁 {bridges} 座，界线 {boundaries} 条，"
                         "地名 {places} 个",
                         "base geography of {file}: {water} water areas, {waterways} waterways, {bridges} bridges, "
                         "{boundaries} boundaries, {places} places"),
    "maps.log.layer_unreadable": ("图层 {layer} 无法读取：改用 OSM 基础地理", "layer {layer} could not be read; using the OSM geography instead"),
    "maps.log.record_unreadable": ("路网记录无法读取（{error}）：不从 OSM 提取基础地理",
                                   "network record unreadable ({error}): no base geography from OSM"),
    "maps.log.basemap_unread": ("{path}：未读取基础地理（{error}）", "{path}: base geography not read ({error})"),
    "maps.log.report_stale": ("报告：{layers} 在上次 `yitu check` 之后有改动，园区结果可能已过时（请重新运行 `yitu check {path}`）",
                              "report: {layers} changed after the last `yitu check`; the park results may be out of date "
                              "(re-run `yitu check {path}`)"),
    "maps.log.report": ("应急准备报告：{html}、{docx}（结论：{verdict}）", "readiness report: {html}, {docx} (verdict {verdict})"),
    "maps.log.no_geometry": ("{layer}：{n} 行没有几何图形，未绘制", "{layer}: {n} row(s) without geometry are not drawn"),
    "maps.log.missing_fields": ("图层 {layer} 缺少字段 {fields}，未绘制；请重新运行 `yitu check DIR` 生成",
                                "layer {layer} lacks field(s) {fields} and is not drawn; rerun `yitu check DIR` to rebuild it"),
    "maps.log.no_all_isochrones": ("等时圈结果中没有「全部站点」（ALL）的行，未绘制",
                                   "result_isochrones has no station_id 'ALL' rows (the union of all stations); not drawn"),
    "maps.log.no_bands": ("等时圈结果中没有「全部站点」（ALL）的行：图上不显示等时圈",
                          "result_isochrones has no rows for station ALL; the map shows no bands"),
    "maps.log.siting_figures": ("选址图未绘制：{error}", "siting figures not drawn: {error}"),
    "maps.log.rendered": ("已绘制 {project} 的{what}（{paper}）", "rendered the {what} of {project} on {paper}"),
    "maps.log.missing_glyphs": ("{file}：以下字符不在地图字体中，显示为方框：{chars}",
                                "{file}: characters not in the map font, drawn as boxes: {chars}"),
    "maps.log.no_zones": ("企业 {id} 无风险分区数据：图中为其周边 1 公里的企业、救援力量与防护目标；"
                          "导入分区：`yitu import DIR risk_zones FILE`",
                          "enterprise {id} has no risk zones: its surroundings within 1 km are shown; import its zones "
                          "with `yitu import DIR risk_zones FILE`"),
    "maps.log.risk_map": ("风险图：{counts}", "risk map: {counts}"),
    "maps.log.count": ("{what} {n}", "{what} {n}"),
    "maps.log.base_not_drawn": ("基础地理未绘制：{error}", "base geography not drawn: {error}"),
    "maps.log.park_not_drawn": ("园区图 {park} 未绘制：{error}", "park map {park} not drawn: {error}"),
    "maps.log.gcj_tiles": ("底图地址为 GCJ-02 坐标的服务：图上要素偏移到 GCJ-02 显示",
                           "tile URL points to a GCJ-02 host; overlays are shifted to GCJ-02 for display"),
    "maps.log.siting_image": ("选址图片未写入：{error}", "siting image not written: {error}"),
})

#: words of the static maps, legends and titles (looked up with :func:`map_text`)
MAP_TEXT: dict[str, tuple[str, str]] = {
    "risk_map_title": ("安全风险四色分布图", "Four-colour safety-risk map"),
    "legend": ("图例", "Legend"),
    "risk_grade": ("风险等级", "Risk grade"),
    "risk_grade_park": ("风险等级（含园区外 {out} 家）",
                        "Risk grade ({n} plants drawn, {out} outside the park)"),
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

#: the Chinese values of station types, protection classes and shelter classes, with their English names
ENUM_NAMES: dict[str, str] = {
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

register({f"maps.text.{k}": v for k, v in MAP_TEXT.items()})
register({f"maps.enum.{zh}": (zh, en) for zh, en in ENUM_NAMES.items()})
# grade names: the Chinese ones are the schema's (the registers and statistics use them too)
register({f"maps.grade.{g}": (GRADE_LABELS[g], GRADE_LABELS_EN[g]) for g in GRADE_LABELS})
register({"maps.grade.none": (UNGRADED_LABEL, "Ungraded")})
# words of the maps that were written inline in yitu/maps/ (legends, figure axes, source lines)
register({
    "maps.legend.shelter_class": ("{cls}避难场所", "Shelter ({cls})"),
    "maps.legend.target_class": ("防护目标({cls})", "Protected target ({cls})"),
    "maps.mh.1": ("一级", "Level I"),
    "maps.mh.2": ("二级", "Level II"),
    "maps.mh.3": ("三级", "Level III"),
    "maps.mh.4": ("四级", "Level IV"),
    "maps.popup.target_id": ("编号", "ID"),
    "maps.source.head": ("数据来源：", "Source: "),
    "maps.source.sep": ("；", "; "),
    "maps.source.project_layers": ("本项目图层", "project layers"),
    "maps.source.project_roads": ("本项目道路图层", "project road layer"),
    "maps.zones_n": ("　风险分区 {n}", "   {n} zones"),
    "maps.label_sep": ("：", ": "),
    "maps.chart.title": ("各{by}企业安全风险等级分布", "Enterprises by risk grade and {by}"),
    "maps.chart.xlabel": ("企业数（家）", "Enterprises"),
    "maps.chart.by.乡镇街道": ("乡镇街道", "town"),
    "maps.chart.by.行业": ("行业", "industry"),
    "maps.chart.by.园区": ("园区", "park"),
    "maps.drill.vehicles": ("累计车辆（辆）", "vehicles on site"),
    "maps.drill.foam": ("泡沫液（吨）", "foam (t)"),
    "maps.drill.crew": ("人员（人）", "crew"),
    "maps.drill.minutes": ("接警后分钟", "minutes after the alarm"),
    "maps.drill.not_met": ("（不满足）", " (not met)"),
    "maps.drill.title": ("演练路线图 · {site}", "Drill routes · {site}"),
    "maps.drill.hazard": ("灾情类型 {hazard}", "hazard: {hazard}"),
    "maps.drill.closed": (" · 封闭 {what}", " · closed: {what}"),
    "maps.drill.roads": ("道路", "roads"),
    "maps.drill.closed_road": ("封闭道路", "closed road"),
    "maps.drill.route": ("{rank} {name} {arr} 分", "{rank} {name} {arr} min"),
    "maps.drill.forces": ("救援力量", "rescue forces"),
    "maps.drill.site": ("演练地点", "drill site"),
    "maps.drill.order": ("到场顺序", "arrival order"),
})
#: display names of layers that are not in the schemas (results, the road network)
register({
    "maps.label.roads": ("道路", "Roads"),
    "maps.label.isochrones": ("等时圈", "Isochrones"),
    "maps.label.responsibility": ("责任区", "Responsibility areas"),
    "maps.label.park_check_fail": ("未达标目标", "Targets missing the limit"),
    "maps.label.coverage": ("覆盖分析", "Coverage"),
})


def map_text(key: str, *, lang: str | None = None, **values: object) -> str:
    """A word of the maps (:data:`MAP_TEXT`) in ``lang`` (default: the language in effect)."""
    return tr(f"maps.text.{key}", lang=lang, **values)


def grade_label(grade: object, *, lang: str | None = None) -> str:
    """Name of a risk grade 1..4 (重大风险 ... 低风险); 未定级 for a missing or unknown grade."""
    try:
        g = int(grade)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        g = 0
    return tr(f"maps.grade.{g}" if g in GRADE_LABELS else "maps.grade.none", lang=lang)


def layer_label(layer: str, *, lang: str | None = None) -> str:
    """The display name of a layer (企业, 救援力量 ... or the English name)."""
    zh = (lang or get_lang()) == "zh"
    if zh and layer in SCHEMAS:
        return SCHEMAS[layer].label
    key = f"maps.label.{layer}"
    if has(key):
        return tr(key, lang=lang)
    return layer if zh else layer.replace("_", " ").capitalize()


def enum_name(value: object, *, lang: str | None = None) -> str:
    """A Chinese enum value (station type, protection class, shelter class) in ``lang``; other values as given."""
    s = "" if value is None else str(value)
    return tr(f"maps.enum.{s}", lang=lang) if s in ENUM_NAMES else s

register({
    "maps.offline.external": (
        "地图需加载外部资源，但没有离线副本：{urls}。请只用普通点/面图层（不用插件），或在线保存（`yitu map --online`）",
        "the map loads external resources that have no local copy: {urls}; use plain CircleMarkers/GeoJson "
        "layers (no plugins), or save online (offline=False, `yitu map --online`)"),
})

# the errors a user meets drawing maps, charts and evacuation maps (yitu/maps/)
register({
    "maps.err.basemap_osm": ("{path}：不是可读取的 OSM 文件（{exc}）", "{path}: not a readable OSM file ({exc})"),
    "maps.err.stats_no_table": ("统计结果没有表 {key!r}；现有：{tables}", "the statistics have no table {key!r}; tables: {tables}"),
    "maps.err.stats_no_grades": ("统计表缺少等级列 {columns}（请用 yitu.layers.stats 生成）",
                                 "statistics table lacks the grade columns {columns} (use yitu.layers.stats)"),
    "maps.err.lang": ("语言 {code!r}：请用 zh 或 en", "language {code!r}: use zh or en"),
    "maps.err.image_format": ("{path}：未知图片格式 {suffix}；请用 .png、.svg 或 .pdf",
                              "{path}: unknown image format {suffix}; use .png, .svg or .pdf"),
    "maps.err.no_assignment": ("{path}：还没有避难场所分配结果；请先运行 `yitu shelters {path}`",
                               "{path}: no shelter assignment yet; run `yitu shelters {path}` first"),
    "maps.err.evac_paper": ("纸张 {paper!r}：疏散图用 A3 或 A2 打印", "paper {paper!r}: the evacuation map is printed on A3 or A2"),
    "maps.err.unknown_village": ("未知村（社区）{village!r}；居住区中的村（社区）：{villages}",
                                 "unknown village {village!r}; villages of the residential areas: {villages}"),
    "maps.err.evac_format": ("格式 {fmt!r}：请用 png 或 pdf", "format {fmt!r}: use png or pdf"),
    "maps.err.village_or_all": ("请指定一个村（社区），或加 --all 为每个村各出一张图",
                                "name one village, or pass --all for one map per village"),
    "maps.err.nothing_to_draw": ("{path}：没有可绘制的内容；请先导入图层（`yitu import DIR 图层 文件`）",
                                 "{path}: nothing to draw; import layers first (`yitu import DIR LAYER FILE`)"),
    "maps.err.offline_dep": ("离线 HTML 需要 {name} 包：pip install {name}（或在线保存：offline=False / --online）",
                             "offline HTML needs the {name} package: pip install {name} (or save with offline=False / --online)"),
    "maps.err.no_installations": (
        "企业 {enterprise!r} 在 {path} 中既没有危险源装置也没有风险等值线；请先导入"
        "（yitu import DIR installations 文件，yitu contours DIR 文件）",
        "enterprise {enterprise!r} has no installations and no risk contours in {path}; import them first "
        "(yitu import DIR installations FILE, yitu contours DIR FILE)"),
    "maps.err.paper": ("未知纸张 {paper!r}；请用 {papers}", "unknown paper size {paper!r}; use one of {papers}"),
    "maps.err.crs_not_projected": ("地图坐标系 {crs} 不是投影坐标系；请给出米制坐标系（项目的 metric_crs）",
                                   "map CRS {crs} is not projected; give a metric CRS (the project's metric_crs)"),
    "maps.err.orientation": ("未知方向 {orientation!r}；请用 landscape（横向）或 portrait（纵向）",
                             "unknown orientation {orientation!r}; use landscape or portrait"),
    "maps.err.what": ("未知地图 {what!r}；请用 {whats}", "unknown map {what!r}; use one of {whats}"),
    "maps.err.park_needs_risk": ("--park 用于放大风险图；请与 --what risk 一起使用", "--park zooms the risk map; use it with --what risk"),
    "maps.err.dpi": ("dpi {dpi} 超出范围；请用 30..1200（打印用 300）", "dpi {dpi} out of range; use 30..1200 (300 for print)"),
    "maps.err.no_parks": ("{path}：没有园区图层；请先导入：`yitu import {path} parks 文件`",
                          "{path}: no parks layer; import one with `yitu import {path} parks FILE`"),
    "maps.err.no_park": ("{path}：没有编号为 {park!r} 的园区；园区有：{ids}", "{path}: no park with id {park!r}; parks: {ids}"),
    "maps.err.no_coverage": ("{path}：还没有覆盖分析结果（图层 {name!r}）；请先运行 `yitu check {path}`",
                             "{path}: no coverage results yet (layer {name!r}); run `yitu check {path}` first"),
    "maps.err.needs_enterprise": ("企业图需要企业编号：--enterprise 编号", "the enterprise map needs an enterprise id: --enterprise ID"),
    "maps.err.tianditu_key": (
        "天地图底图需要浏览器端密钥（tk）：请在 https://console.tianditu.gov.cn 申请，然后设置环境变量 {env}=密钥，"
        "或在项目 yitu.toml 的 [ maps ] 表头下写 tianditu_key = \"密钥\"（或改用 --tiles none|osm|gaode）",
        "the 天地图 (tianditu) basemap needs a browser key (tk): get one at https://console.tianditu.gov.cn, then set "
        "the environment variable {env}=YOUR_KEY or put tianditu_key = \"YOUR_KEY\" under the table header [ maps ] "
        "in the project's yitu.toml (or use --tiles none|osm|gaode)"),
    "maps.err.tianditu_bad_key": ("天地图密钥 {key!r} 不是浏览器端密钥（只含字母和数字）；请检查 {env} 或 yitu.toml 中 [ maps ] 下的 tianditu_key",
                                  "天地图 key {key!r} is not a tianditu browser key (letters and digits only); check {env} or "
                                  "tianditu_key under [ maps ] in yitu.toml"),
    "maps.err.tile_template": ("瓦片地址模板 {template!r} 缺少 {missing}；请参照 https://tile.example.org/{{z}}/{{x}}/{{y}}.png",
                               "tile URL template {template!r} lacks {missing}; give one like https://tile.example.org/{{z}}/{{x}}/{{y}}.png"),
    "maps.err.tile_preset": ("未知底图 {spec!r}；请用 {presets}，或瓦片地址模板，如 https://tile.example.org/{{z}}/{{x}}/{{y}}.png",
                             "unknown tile preset {spec!r}; use one of: {presets}, or a URL template such as "
                             "https://tile.example.org/{{z}}/{{x}}/{{y}}.png"),
    "fonts.err.install_hint": ("请安装一个：`apt-get install fonts-noto-cjk`（Debian/Ubuntu），或用 --font /路径/字体.ttc",
                               "install one: `apt-get install fonts-noto-cjk` (Debian/Ubuntu) or pass --font /path/to/font.ttc"),
    "fonts.err.file_not_found": ("找不到字体文件 {path}；{hint}", "font file {path} not found; {hint}"),
    "fonts.err.file_no_chinese": ("{path}：该字体没有汉字（会画成方框）；请用 Noto Sans CJK SC 或文泉驿正黑等中文字体；{hint}",
                                  "{path}: this font has no Chinese characters (it would draw boxes); use a CJK font such as "
                                  "Noto Sans CJK SC or WenQuanYi Zen Hei; {hint}"),
    "fonts.err.no_family": ("本机没有字体 {family!r}；请用 --font /路径/字体.ttc 给出字体文件，或安装中文字体：`apt-get install fonts-noto-cjk`",
                            "no font family {family!r} on this system; give a font file with --font /path/to/font.ttc, or "
                            "install a CJK font: `apt-get install fonts-noto-cjk` (Debian/Ubuntu) or pass --font /path/to/font.ttc"),
    "fonts.err.family_no_chinese": ("字体 {family!r} 没有汉字（会画成方框）；{hint}",
                                    "font family {family!r} has no Chinese characters (it would draw boxes); {hint}"),
    "fonts.err.none": ("没有能显示汉字的字体；{hint}", "no font that can draw Chinese text; {hint}"),
    "fonts.err.unreadable": ("{path}：matplotlib 无法读取的字体文件（{exc}）；{hint}",
                             "{path}: not a font file matplotlib can read ({exc}); {hint}"),
})
register({
    "maps.err.enterprise_empty": ("{path}：没有编号为 {id!r} 的企业：企业图层是空的（是否每行都被拒绝？见 {rejected}）；请导入：`yitu import {path} enterprises 文件`",
                                  "{path}: no enterprise with id {id!r}: the enterprises layer is empty (every row rejected? see "
                                  "{rejected}); import it with `yitu import {path} enterprises FILE`"),
    "maps.err.enterprise_unknown": ("{path}：企业图层中没有编号为 {id!r} 的企业（共 {n} 家；例如 {some}）；全部编号见 `yitu lists {path}`（安全风险清单）或 project.gpkg 的企业图层",
                                    "{path}: no enterprise with id {id!r} in the enterprises layer ({n} enterprises; e.g. {some}); "
                                    "see every id with `yitu lists {path}` (安全风险清单) or in the enterprises layer of project.gpkg"),
    "maps.err.enterprise_unknown_zoned": ("{path}：企业图层中没有编号为 {id!r} 的企业（共 {n} 家；例如有风险分区的 {some}）；全部编号见 `yitu lists {path}`（安全风险清单）或 project.gpkg 的企业图层",
                                          "{path}: no enterprise with id {id!r} in the enterprises layer ({n} enterprises; e.g. {some} — "
                                          "these have risk zones); see every id with `yitu lists {path}` (安全风险清单) or in the "
                                          "enterprises layer of project.gpkg"),
})
