"""Words of the tables yitu writes (validate findings, gap lists, drill tables) and their cell values."""

from __future__ import annotations

from yitu.words import register

register({
    # yitu validate: headers and messages
    "validate.col.layer": ("图层", "layer"),
    "validate.col.id": ("编号", "id"),
    "validate.col.field": ("字段", "field"),
    "validate.col.severity": ("级别", "severity"),
    "validate.col.message": ("问题", "message"),
    "validate.col.count": ("条数", "count"),
    "validate.col.ids": ("示例编号", "example ids"),
    "validate.empty": ("空", "empty"),
    "validate.row": ("第 {row} 行", "row {row}"),
    "validate.rejected": ("导入时被拒绝的行（不在项目中）：原因见 {where}，改正后重新导入",
                          "row rejected on import (not in the project): see {where} for why; fix and import again"),
    "validate.field.vehicles": ("车辆", "vehicles"),
    "validate.field.geometry": ("坐标", "coordinates"),
    "validate.no_park": ("所属园区 {park!r} 在园区图层中不存在", "所属园区 {park!r} names no park in the parks layer"),
    "validate.park_mismatch": ("位于园区 {inside} 内，但所属园区为 {park}", "lies inside park {inside} but 所属园区 is {park}"),
    "validate.no_enterprise": ("企业编号在企业图层中不存在", "企业编号 names no enterprise in the enterprises layer"),
    "validate.no_vehicles": ("无车辆：请按车型填写数量（水罐车、泡沫车 …）",
                             "no vehicles: give the counts by type (水罐车, 泡沫车 ...)"),
    "validate.no_station": ("园区消防站 {ids} 不在救援力量图层中", "园区消防站 {ids} not in the stations layer"),
    "validate.no_capacity": ("既无容纳人数也无有效面积：无法用于规划",
                             "neither 容纳人数 nor 有效面积: the shelter cannot be planned with"),
    "validate.over_capacity": ("容纳人数 {cap} 超过 有效面积 {area} 平方米 ÷ 人均 {per} 平方米 = {n}",
                               "容纳人数 {cap} exceeds 有效面积 {area} m² / {per} m² per person = {n}"),
    "validate.small_area": ("有效面积 {area} 平方米 小于{cls}的最小面积 {min} 平方米",
                            "有效面积 {area} m² is below the {min} m² minimum for {cls}"),
    "validate.stale": ("数据超过 {months} 个月未更新（年度更新）：请更新",
                       "data older than {months} months (年度更新): update it"),
})

# the gap list (yitu gaps): column heads, sheet names, values
_GAP_COLUMNS = {
    "layer": ("图层", "layer"), "kind": ("类别", "kind"), "id": ("编号", "id"), "name": ("名称", "name"),
    "grade": ("等级序号", "grade rank"), "grade_label": ("等级", "grade"), "population": ("人数", "people"),
    "park_id": ("所属园区", "park"), "limit_min": ("时限（分钟）", "limit (min)"),
    "arrival_min": ("最快到场（分钟）", "fastest arrival (min)"), "miss_min": ("超出（分钟）", "late by (min)"),
    "nearest_station_id": ("最近站点编号", "nearest station id"), "nearest_station_name": ("最近站点", "nearest station"),
    "status": ("状态", "status"), "note": ("说明", "note"), "station_id": ("站点编号", "station id"),
    "station_name": ("站点名称", "station"), "station_type": ("站点类型", "station type"),
    "district_km2": ("辖区面积（平方公里）", "district (km²)"), "max_km2": ("标准面积（平方公里）", "standard area (km²)"),
    "excess_km2": ("超出（平方公里）", "excess (km²)"), "park_name": ("园区名称", "park name"),
    "verdict": ("结论", "verdict"), "n_fail": ("未达标目标数", "failing targets"),
    "worst_miss_min": ("最大超时（分钟）", "worst miss (min)"), "covered_share": ("园区面积覆盖率（%）", "park area covered (%)"),
    "source": ("依据", "source"), "enterprises": ("时限外企业数", "enterprises beyond the limit"),
    "targets": ("时限外防护目标数", "protected targets beyond the limit"), "villages": ("时限外村庄数", "villages beyond the limit"),
    "parks_failing": ("未通过园区数", "parks failing"), "districts_over": ("辖区超标站点数", "districts over the area"),
    "park_limit_min": ("园区时限（分钟）", "park limit (min)"), "other_limit_min": ("其余时限（分钟）", "other limit (min)"),
}
register({f"gaps.col.{k}": v for k, v in _GAP_COLUMNS.items()})
register({
    "gaps.sheet.enterprises": ("时限外企业", "enterprises"),
    "gaps.sheet.targets": ("时限外防护目标", "protected targets"),
    "gaps.sheet.villages": ("时限外村庄", "villages"),
    "gaps.sheet.parks": ("未通过园区", "parks failing"),
    "gaps.sheet.districts": ("辖区面积超标", "districts over the area"),
    "gaps.sheet.summary": ("汇总", "summary"),
    "gaps.layer.enterprises": ("企业", "enterprise"),
    "gaps.layer.targets": ("防护目标", "protected target"),
    "gaps.layer.villages": ("村庄", "village"),
    "gaps.source.park_check": ("园区救援圈检查结果", "the park check (yitu check)"),
    "gaps.source.enterprises_only": ("园区内企业（尚未做园区救援圈检查：不含风险分区与边界采样点）",
                                     "the park's enterprises (no yitu check yet: no risk zones or boundary points)"),
    "gaps.source.responsibility": ("责任区（园区救援圈检查结果）", "responsibility areas (yitu check)"),
    "gaps.source.computed": ("责任区（按路网现算，尚未做园区救援圈检查）", "responsibility areas (computed, no yitu check yet)"),
    "gaps.ungraded": ("未定级", "ungraded"),
    "gaps.log.stale_districts": ("缺口：责任区结果中的站点已不在救援力量图层（检查后重新导入过？），辖区已重新计算；"
                                 "请重新运行 yitu check 更新",
                                 "gaps: result_responsibility names stations that are no longer in the stations layer "
                                 "(re-imported after `yitu check`?); districts recomputed — re-run `yitu check` to refresh it"),
    "gaps.summary": ("缺口：时限外企业 {enterprises} 家、防护目标 {targets} 处、村庄 {villages} 个（园区内 {park} 分钟，"
                     "其余 {other} 分钟）；未通过救援圈的园区 {parks_failing} 个；辖区面积超标站点 {districts_over} 个",
                     "gaps: {enterprises} enterprise(s), {targets} protected target(s) and {villages} village(s) beyond "
                     "their limit ({park} min in a park, {other} min elsewhere); {parks_failing} park(s) failing the "
                     "circle; {districts_over} station district(s) over the standard area"),
    "gaps.enterprise": ("企业", "enterprise"),
    "gaps.other": ("其他", "other"),
})

# the park check (yitu check): target kinds and log lines
register({
    "park.log.summary": ("园区救援圈检查：园区 {n} 个，不达标 {n_fail} 个；检查目标 {targets} 个，超过 {limit} 分钟 {missed} 个",
                         "park check: {n} park(s), {n_fail} failing; {targets} target(s), {missed} beyond {limit} min"),
    "park.log.no_enterprises": ("园区 {id}（{name}）内无企业：仅检查边界采样点",
                                "park {id} ({name}) has no enterprises: only its boundary is checked"),
    "park.log.written": ("园区救援圈检查结果已写入：{files}", "park check written: {files}"),
    "park.kind.enterprise": ("企业", "enterprise"),
    "park.kind.risk_zone": ("红橙风险分区", "red/orange risk zone"),
    "park.kind.boundary": ("边界采样点", "boundary point"),
})

register({
    "gaps.log.no_responsibility": ("缺口：没有责任区结果（请先运行 `yitu check DIR`），未检查辖区面积",
                                   "gaps: no result_responsibility layer (run `yitu check DIR`); district areas not checked"),
})
