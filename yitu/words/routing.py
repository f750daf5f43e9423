"""Words of the routing core's log lines: the road network, coverage, isochrones, responsibility areas.

Station ids and names, file names and road classes are passed in as values; counts and distances too
(distances through :func:`yitu.words.numbers.qty`, so a metre reads 米 in Chinese and m in English).
"""

from __future__ import annotations

from yitu.words import register

register({
    # yitu/routing/network.py, roads.py, build.py
    "network.log.built": ("{source}：节点 {nodes} 个，路段 {edges} 条（{dropped}）",
                          "{source}: {nodes} nodes, {edges} edges ({dropped})"),
    "network.log.source": ("路网", "network"),
    "network.log.nothing_dropped": ("无剔除", "nothing dropped"),
    "network.log.dropped_item": ("{what} {n}", "{what} {n}"),
    "network.log.dropped": ("已剔除：{n} {what}", "dropped: {n} {what}"),
    "network.dropped.small_component_nodes": ("孤立节点", "isolated nodes"),
    "network.dropped.small_component_edges": ("孤立路段", "isolated edges"),
    "network.dropped.components_removed": ("不连通片段", "disconnected pieces"),
    "network.dropped_long.ways_cut_at_missing_nodes": ("条道路在文件缺失的节点处截断（裁剪的 OSM 文件）",
                                                       "ways cut where they reference nodes missing from the file (clipped extract)"),
    "network.dropped_long.small_component_nodes": ("个节点在最大强连通部分之外", "nodes outside the largest strongly connected part"),
    "network.dropped_long.small_component_edges": ("条路段在最大强连通部分之外", "edges outside the largest strongly connected part"),
    "network.dropped_long.components_removed": ("个不连通的道路片段已移除", "disconnected road pieces removed"),
    "network.dropped_long.self_loops": ("个零长度路段（同一节点两次）已移除", "zero-length pieces (same node twice) removed"),
    "network.dropped_long.lines_not_for_profile": ("条线的道路等级该速度配置不能通行", "lines with a class this profile cannot use"),
    "network.log.unknown_classes": (
        "{source}：{n} 条线的道路等级在速度配置 {profile} 中没有车速，未纳入路网：{classes}；请使用 OSM 等级或中文等级"
        "（{examples}），或在 yitu.toml 的 [profiles.{profile}.speeds_kmh] 下添加该等级",
        "{source}: {n} line(s) with a road class profile {profile} has no speed for, left out: {classes}; use an OSM "
        "class or a Chinese one ({examples}), or add it under [profiles.{profile}.speeds_kmh] in yitu.toml"),
    "network.log.cache_unreadable": ("路网缓存 {path} 无法读取（{error}），重新构建",
                                     "network cache {path} unreadable ({error}); rebuilding"),
    "network.log.from_cache": ("路网取自缓存 {path}", "road network from cache {path}"),
    "network.log.cached": ("路网已缓存到 {path}", "road network cached in {path}"),
    "network.log.stored": ("已存储道路图层（路段 {edges} 条，速度配置 {profile}）",
                           "stored layer roads ({edges} edges, profile {profile})"),
    "network.log.building": ("正在由 {path} 构建{profile}路网（缓存缺失或已过期）",
                             "building the {profile} network from {path} (cache missing or stale)"),
    # yitu/routing/coverage.py (pending: the lead applies the calls)
    "coverage.log.off_network": ("{n} 个站点距道路过远，未参与计算：{stations}",
                                 "{n} station(s) too far from any road, left out: {stations}"),
    "coverage.log.station_far": ("{id} {name}（距道路 {dist}）", "{id} {name} ({dist} from a road)"),
    "coverage.log.summary": (
        "覆盖分析：目标 {n} 个，{limit}内到达 {within} 个，超时 {late} 个，不可达 {unreachable} 个，不在路网 {off} 个",
        "coverage: {n} target(s), {within} within {limit}, {late} beyond, {unreachable} unreachable, "
        "{off} off the network"),
    # yitu/routing/isochrones.py (pending: the lead applies the calls)
    "isochrones.log.off_network": ("{n} 个站点距道路过远，未计算等时圈：{stations}",
                                   "{n} station(s) too far from any road, left out of the isochrones: {stations}"),
    "isochrones.log.station_far": ("{id}（距道路 {dist}）", "{id} ({dist} from a road)"),
    "isochrones.log.summary": ("等时圈：{stations} 个站点共 {n} 个多边形，分段 {bands} 分钟",
                               "isochrones: {n} polygon(s) for {stations} station(s), bands {bands} min"),
    "isochrones.log.responsibility": ("责任区：{n} 个站点分得道路", "responsibility areas: {n} station(s) with road assigned"),
})

# the errors a user meets building and using the road network (yitu/routing/build.py, network.py, osm.py, roads.py)
register({
    "network.err.bad_record": ("{path}：路网记录无法读取（{exc}）；请重新构建：`yitu network build {project} --osm 文件`",
                               "{path}: unreadable network record ({exc}); rebuild with `yitu network build {project} --osm FILE`"),
    "network.err.no_field": ("道路图层没有字段 {name!r}（{option}）；现有字段：{fields}",
                             "road layer has no field {name!r} ({option}); fields: {fields}"),
    "network.err.no_class_field": ("道路图层没有道路等级字段（试过 {tried}）；现有字段：{fields}；请用 --class-field 指定",
                                   "road layer has no road-class field (tried {tried}); fields: {fields}; name it with --class-field"),
    "network.err.roads_empty": ("{path}：道路图层是空的", "{path}: the road layer is empty"),
    "network.err.one_source": ("请只给一个道路来源：--osm 文件（OpenStreetMap）或 --roads 文件（道路线）",
                               "give exactly one road source: --osm FILE (OpenStreetMap) or --roads FILE (road lines)"),
    "network.err.looks_osm": ("{path}：看起来是 OSM 文件；请用 --osm {path}", "{path}: looks like an OSM file; use --osm {path}"),
    "network.err.no_overlap": (
        "{path}：道路范围（{roads}）与项目范围（{area}，WGS-84 经纬度）不重叠；请给出本地区的道路文件"
        "（道路线文件请用 --crs 说明其坐标系）",
        "{path}: the roads ({roads}) do not overlap the project area ({area}, WGS-84 lon/lat); give the road file of "
        "this area (or, for road lines, the CRS they are in with --crs)"),
    "network.err.none_yet": (
        "{project}：还没有路网；请先构建：`yitu network build {project} --osm 文件`（或 --roads 文件）",
        "{project}: no road network yet; build it with `yitu network build {project} --osm FILE` (or --roads FILE)"),
    "network.err.source_gone": (
        "{project}：道路来源 {path} 已不存在，且没有按当前设置为速度配置 {profile} 缓存的路网；请重新构建："
        "`yitu network build {project} --osm 文件`（或 --roads 文件）",
        "{project}: the road source {path} is gone and there is no cached network for profile {profile} with the "
        "current settings; rebuild with `yitu network build {project} --osm FILE` (or --roads FILE)"),
})
register({
    "network.err.cache_format": ("{path}：路网缓存格式不同（{format!r}）", "{path}: network cache of another format ({format!r})"),
    "network.err.cache_sizes": ("{path}：路网缓存的数组长度不一致", "{path}: network cache with arrays of mismatched sizes"),
    "network.err.no_drivable": ("{source}：速度配置 {profile} 没有可通行的道路", "{source}: no drivable road for profile {profile}"),
    "network.err.not_osm": ("{path}：不是 OSM 文件（.osm、.osm.gz、.osm.pbf）；道路线图层请用 --roads",
                            "{path}: not an OSM file (.osm, .osm.gz, .osm.pbf); for a road-line layer use --roads"),
    "network.err.osm_unreadable": ("{path}：无法作为 OSM 数据读取（{exc}）", "{path}: cannot be read as OSM data ({exc})"),
    "network.err.osm_no_road": ("{path}：没有速度配置 {profile} 可通行的道路（道路等级：{classes}）",
                                "{path}: no road usable by profile {profile} (highway classes: {classes})"),
    "network.err.no_class_field_named": ("道路图层没有等级字段 {name!r}；现有字段：{fields}（用 --class-field 指定）",
                                         "road layer has no class field {name!r}; fields: {fields} (name it with --class-field)"),
    "network.err.roads_no_crs": ("{path}：道路图层没有坐标系；请说明（例如 --crs wgs84）",
                                 "{path}: the road layer has no CRS; declare one (e.g. --crs wgs84)"),
    "network.err.roads_no_class": ("{path}：没有速度配置 {profile} 可通行等级的道路线",
                                   "{path}: no line with a class usable by profile {profile}"),
})

# the errors of the coverage check (yitu/routing/coverage.py, drill.py)
register({
    "coverage.err.turnout": ("救援力量：出动准备时间 turnout_min 应 ≥ 0 分钟；以下行为负数：{rows}",
                             "stations: turnout_min must be >= 0 minutes; negative at row(s) {rows}"),
    "coverage.err.k": ("k 应为 ≥ 2 的整数（最近站与后备站），实际为 {k!r}",
                       "k must be a whole number >= 2 (the nearest and the backup station), got {k!r}"),
    "coverage.err.limit": ("到达时限应为正的分钟数，实际为 {limit!r}", "limit_min must be a positive number of minutes, got {limit!r}"),
    "coverage.err.access_speed": ("routing.access_speed_kmh 应 > 0", "routing.access_speed_kmh must be > 0"),
    "coverage.err.dup_station": ("救援力量：多个站点使用同一编号（{ids}）；请在救援力量图层中给每个站点不同的编号",
                                 "stations: the same id on several stations ({ids}); give every station its own id in the stations layer"),
})

# the errors of the gaps list and the park check (yitu/routing/gaps.py, parks.py)
register({
    "gaps.err.no_stations": ("项目没有救援力量；请先导入：`yitu import DIR stations 文件`",
                             "gaps: the project has no stations; import them with `yitu import DIR stations FILE`"),
    "parks.err.no_polygon": ("园区 {ids} 没有多边形；园区必须是多边形", "parks: {ids} have no polygon; a park must be a polygon"),
    "parks.err.step": ("边界采样间距应 > 0 米，实际为 {step}", "boundary sample spacing must be > 0 m, got {step}"),
    "parks.err.empty": ("没有可核查的园区：园区图层是空的；请先导入：`yitu import DIR parks 文件`",
                        "no parks to check: the parks layer is empty; import one with `yitu import DIR parks FILE`"),
    "parks.err.unknown": ("未知园区编号 {park!r}；{path} 中的园区：{ids}", "unknown park id {park!r}; parks in {path}: {ids}"),
})

# the errors of the isochrones (yitu/routing/isochrones.py: applied by the lead, see the words-errors report)
register({
    "isochrones.err.bands": ("等时圈分段应为正的分钟数，实际为 {bands!r}", "isochrone bands must be positive minutes, got {bands!r}"),
    "isochrones.err.buffer": ("等时圈缓冲距离应 > 0 米，实际为 {buffer}", "isochrone buffer must be > 0 m, got {buffer}"),
})
