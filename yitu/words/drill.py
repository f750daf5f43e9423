"""Words of the drill (演练前核查): requirement sentences, before/after changes, table heads and sheets."""

from __future__ import annotations

from yitu.words import register

register({
    "drill.unit.vehicle": ("辆", "vehicle(s)"),
    "drill.unit.force": ("支", "force(s)"),
    "drill.met": ("{by} 分钟内到场 {on}（要求 {req}），第 {at} 分钟满足，提前 {margin} 分钟",
                  "{on} on site within {by} min (required {req}), met at minute {at}, {margin} min early"),
    "drill.never": ("{by} 分钟内仅到场 {on}，缺 {short}；全部可达力量合计 {total}，始终不满足",
                    "only {on} on site within {by} min, {short} short; all reachable forces together have {total}: never met"),
    "drill.late": ("{by} 分钟内仅到场 {on}，缺 {short}；第 {at} 分钟才满足，晚 {late} 分钟",
                   "only {on} on site within {by} min, {short} short; met only at minute {at}, {late} min late"),
    "drill.unknown": ("{by} 分钟内到场的 {n} 支力量未填报{what}（数据缺失：{names}）；已知到场 {on}（要求 {req}），无法判定",
                      "{n} force(s) on site within {by} min gave no {what} figure (missing: {names}); "
                      "known on site {on} (required {req}): cannot be judged"),
    "drill.unknown_none": ("{by} 分钟内到场的 {n} 支力量未填报{what}（数据缺失：{names}），无法判定（要求 {req}）",
                           "{n} force(s) on site within {by} min gave no {what} figure (missing: {names}): "
                           "cannot be judged (required {req})"),
    "drill.what.foam_t": ("泡沫液量", "foam"),
    "drill.what.personnel": ("人员数", "personnel"),
    "drill.what.vehicles": ("车辆数", "vehicles"),
    "drill.change.cut_off": ("不可达", "cut off"),
    "drill.change.later": ("延误", "later"),
    "drill.change.earlier": ("提前", "earlier"),
})


register({
    "drill.sheet.forces": ("力量到场排序", "forces"),
    "drill.sheet.curve": ("到场曲线", "arrival curve"),
    "drill.sheet.on_site": ("到场力量", "on site"),
    "drill.sheet.requirements": ("力量需求", "requirements"),
    "drill.sheet.compare": ("封闭前后对比", "before and after"),
    "drill.sheet.after": ("{sheet}（封闭后）", "{sheet} (after)"),
    "drill.verdict.pass": ("全部满足", "all met"),
    "drill.verdict.fail": ("不满足", "not met"),
    "drill.verdict.unknown": ("无法判定", "cannot be judged"),
})

#: column -> (zh, en) of the drill tables (forces, curve, on site, requirements, before/after)
DRILL_COLUMNS: dict[str, tuple[str, str]] = {
    "rank": ("到场顺序", "rank"), "station_id": ("站点编号", "station id"), "station_name": ("救援力量", "force"),
    "station_type": ("类型", "type"), "turnout_min": ("出动时间（分钟）", "turnout (min)"),
    "turnout_note": ("出动时间说明", "turnout note"), "access_min": ("进出道路（分钟）", "access legs (min)"),
    "travel_min": ("路上时间（分钟）", "travel (min)"), "arrival_min": ("到场时间（分钟）", "arrival (min)"),
    "snap_dist_m": ("距道路（米）", "to the road (m)"), "distance_km": ("行驶距离（公里）", "distance (km)"),
    "pumper": ("水罐消防车", "pumpers"), "foam_tender": ("泡沫消防车", "foam tenders"),
    "aerial": ("举高消防车", "aerial appliances"), "rescue": ("抢险救援车", "rescue vehicles"),
    "hazmat": ("化学救援/洗消车", "hazmat vehicles"), "other_vehicles": ("其他车辆", "other vehicles"),
    "vehicles": ("车辆合计", "vehicles"), "personnel": ("人员", "personnel"), "foam_t": ("泡沫液（吨）", "foam (t)"),
    "status": ("状态", "status"), "reason": ("原因", "reason"), "minute": ("分钟", "minute"),
    "forces": ("力量（支）", "forces"), "stations": ("到场力量", "forces on site"),
    "missing": ("数据缺失的力量", "forces with figures missing"), "label": ("要求", "requirement"),
    "what": ("计量项", "counts"), "required": ("要求数量", "required"), "by_min": ("时限（分钟）", "by (min)"),
    "on_site": ("已知到场数量", "known on site"), "n_missing": ("数据缺失力量数", "forces with the figure missing"),
    "shortfall": ("缺口", "shortfall"), "surplus": ("富余", "surplus"), "met_at_min": ("满足时刻（分钟）", "met at (min)"),
    "margin_min": ("提前（分钟，负为晚）", "margin (min, negative = late)"), "detail": ("说明", "detail"),
    "arrival_before": ("封闭前到场（分钟）", "arrival before (min)"), "arrival_after": ("封闭后到场（分钟）", "arrival after (min)"),
    "rank_before": ("封闭前顺序", "rank before"), "rank_after": ("封闭后顺序", "rank after"),
    "status_before": ("封闭前状态", "status before"), "status_after": ("封闭后状态", "status after"),
    "delay_min": ("延误（分钟）", "delay (min)"), "change": ("变化", "change"),
}
register({f"drill.col.{k}": v for k, v in DRILL_COLUMNS.items()})
register({
    "drill.reason.far": ("距最近道路 {d}，超过 {max}", "{d} from the nearest road, farther than {max}"),
    "drill.reason.no_location": ("无位置", "no location"),
    "drill.reason.stranded": ("{max} 内道路均已封闭", "every road within {max} is closed"),
    "drill.reason.no_path": ("道路不通：封闭或路网断开", "no open road path to the site"),
    "drill.closed_area": ("区域 {name}", "area {name}"),
    "drill.polygon": ("多边形", "polygon"),
    "drill.log.closed_contains": ("封闭道路“{name}”：无同名道路，封闭名称包含它的道路：{hits}",
                                  "closed road {name!r}: no road named exactly so; closing every road whose name contains it: {hits}"),
    "drill.log.closures": ("封闭：{total} 条有向路段中封闭 {n} 条", "closures: {n} of {total} directed edges closed"),
    "drill.log.written": ("演练结果已写入 {folder}", "drill results written to {folder}"),
})

register({
    "drill.log.route_gap": ("站点 {k} 的路线：{n} 步没有可通行的路段（已略去）",
                            "route of station {k}: {n} step(s) without an open edge (left out)"),
})

# the errors of `yitu drill` (yitu/routing/drill.py, drill_eval.py, drill_sites.py)
register({
    "drill.err.no_requirements": ("灾种 {hazard!r}：没有力量需求配置；已定义：{defined}（在 yitu.toml 中添加 [[drill.requirements.名称]]）",
                                  "hazard {hazard!r}: no requirement profile; defined: {defined} (add [[drill.requirements.NAME]] lines to yitu.toml)"),
    "drill.err.site_far": ("地点 {site}：{limit}以内没有道路（最近道路 {d}）；请选靠近道路的地点，或调大 yitu.toml 中的 routing.max_snap_m",
                           "site {site}: no road within {limit} (nearest road {d} away); pick a site near a road or raise routing.max_snap_m in yitu.toml"),
    "drill.err.site_far_open": ("地点 {site}：{limit}以内没有开放道路（最近道路 {d}）；请选靠近道路的地点，或调大 yitu.toml 中的 routing.max_snap_m",
                                "site {site}: no open road within {limit} (nearest road {d} away); pick a site near a road or raise routing.max_snap_m in yitu.toml"),
    "drill.err.requirement_what": ("力量需求 {label!r}：未知 what={what!r}；请用 {amounts}（yitu.toml [[drill.requirements]]）",
                                   "requirement {label!r}: unknown what={what!r}; use one of {amounts} (yitu.toml [[drill.requirements]])"),
})
register({
    "drill.err.closed_name": ("封闭道路 {name!r}：路网中没有这个名称的道路{hint}（请按地图上的名称填写，或填 OSM 道路编号）",
                              "closed road {name!r}: no road of that name in the network{hint} (give the name as on the map, or the OSM way id)"),
    "drill.err.close_matches": ("；相近的名称：{names}", "; close matches: {names}"),
    "drill.err.osm_id_nan": ("封闭道路的 OSM 编号 {raw!r} 不是数字（道路编号形如 123456789）",
                             "closed OSM id {raw!r} is not a number (way ids look like 123456789)"),
    "drill.err.unnamed": ("无名", "unnamed"),
    "drill.err.osm_id_none": ("封闭道路的 OSM 编号 {wid}：没有这个编号的道路；最接近的编号：{near}",
                              "closed OSM id {wid}: no road with that way id; nearest ids: {near}"),
    "drill.err.closed_area_file": ("封闭区域 {file}", "closed area {file}"),
    "drill.err.closed_area": ("封闭区域", "closed area"),
    "drill.err.not_lonlat": ("不是有效的经纬度", "not valid lon/lat"),
    "drill.err.area_no_road": (
        "{what}：多边形没有触及路网中的任何道路（多边形 {polygons}，道路 {roads}，WGS-84）；请把区域画在要封闭的道路上，"
        "并检查文件的坐标系（没有 \"crs\" 的 GeoJSON 按 WGS-84 读取）",
        "{what}: the polygons touch no road of the network (polygons {polygons}, roads {roads}, WGS-84); draw the area "
        "over the roads to close, and check the file's CRS (a GeoJSON without \"crs\" is read as WGS-84)"),
    "drill.err.area_no_crs": ("封闭区域：多边形没有坐标系；请带坐标系保存文件（GeoJSON 为 WGS-84）",
                              "closed area: the polygons have no CRS; save the file with one (GeoJSON is WGS-84)"),
    "drill.err.area_not_polygons": ("封闭区域：需要多边形，实际为 {got}；请把封闭区域画成多边形",
                                    "closed area: needs polygons, got {got}; draw the closed area as a polygon"),
    "drill.err.area_file_no_crs": ("{path}：封闭区域文件没有声明坐标系（没有 .prj）；请带坐标系保存（如从 QGIS 连同 .prj 导出，或存为 WGS-84 经纬度的 GeoJSON）",
                                   "{path}: the closed-area file declares no coordinate system (no .prj); save it with one "
                                   "(e.g. from QGIS with its .prj, or as GeoJSON in WGS-84 lon/lat)"),
    "drill.err.area_file_not_polygons": ("{path}：封闭区域必须是多边形，文件中为 {got}；请把封闭区域画成多边形",
                                         "{path}: a closed area must be polygons, the file holds {got}; draw the closed area as a polygon"),
    "drill.err.swapped": ("；是否应为 {lon},{lat}（经度,纬度）？", "; did you mean {lon},{lat} (LON,LAT)?"),
    "drill.err.at_outside_china": ("--at {at}：{lon},{lat} 在中国境外；请按 WGS-84 度数给出 经度,纬度{hint}",
                                   "--at {at}: {lon},{lat} is outside China; give LON,LAT in WGS-84 degrees{hint}"),
    "drill.err.at_outside_area": ("--at {at}：该点在项目范围（{area}）之外；请给出范围内的点（经度,纬度，WGS-84）",
                                  "--at {at}: the point is outside the project area ({area}); give a point inside it (LON,LAT, WGS-84)"),
    "drill.err.at_no_enterprises": ("--at {at}：不是 经度,纬度，且项目没有企业图层可查编号",
                                    "--at {at}: not LON,LAT and the project has no enterprises layer to look the id up in"),
    "drill.err.at_no_enterprise": ("--at {at}：没有编号为 {id!r} 的企业{hint}（请给出企业图层中的编号，或 经度,纬度）",
                                   "--at {at}: no enterprise with id {id!r}{hint} (give an enterprise id from the enterprises layer, or LON,LAT)"),
    "drill.err.close_ids": ("；相近的编号：{ids}", "; close ids: {ids}"),
    "drill.err.at_no_location": ("--at {at}：企业 {id} 没有位置；请在企业图层中修正其坐标",
                                 "--at {at}: enterprise {id} has no location; fix its coordinates in the enterprises layer"),
})
