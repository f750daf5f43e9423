"""Words of the external-safety-distance check (``yitu distances``), its lists, map and report."""

from __future__ import annotations

from yitu.words import register

register({
    # GB 36894 classes (the stored values stay Chinese; these are what people read)
    "dist.class.高敏感": ("高敏感", "highly sensitive"),
    "dist.class.重要": ("重要", "important"),
    "dist.class.一般": ("一般", "general"),
    "dist.class.一般一类": ("一般一类", "general, class 1"),
    "dist.class.一般二类": ("一般二类", "general, class 2"),
    "dist.class.一般三类": ("一般三类", "general, class 3"),
    # methods
    "dist.method.contour": ("个人风险等值线", "risk contour"),
    "dist.method.assessed": ("评估外部安全防护距离", "assessed distance"),
    "dist.method.code": ("规范防火间距(筛查)", "code distance (screening)"),
    "dist.method.rule": ("距离规则", "distance rule"),
    "dist.method.class": ("防护目标分类", "target class"),
    "dist.method.none": ("无判定依据", "nothing to judge by"),
    # class derivation (basis stated per target)
    "dist.basis.given": ("填报或按类型: {cls}", "given or by type: {cls}"),
    "dist.basis.by_type": ("类型 {type} → {cls} (GB 36894 §3.1)", "type {type} → {cls} (GB 36894 §3.1)"),
    "dist.basis.residential": ("居住类 {what} → {cls} (GB 36894 附录A)", "residential {what} → {cls} (GB 36894 annex A)"),
    "dist.basis.public": ("公共场所 {what} → {cls} (GB 36894 附录A)", "public place {what} → {cls} (GB 36894 annex A)"),
    "dist.basis.households": ("户数 {v}", "{v} households"),
    "dist.basis.people": ("人数 {v}", "{v} people"),
    "dist.basis.area": ("建筑面积 {v} ㎡", "floor area {v} m²"),
    "dist.basis.no_size": (
        "一般防护目标({type})无人数、户数或建筑面积，无法分为一类/二类/三类：请填写人数、居住户数或建筑面积，或直接填写防护类别",
        "general target ({type}) without people, households or floor area: cannot split into class 1/2/3; "
        "give 人数, 居住户数 or 建筑面积, or the class itself"),
    "dist.basis.no_class": ("无防护类别，类型 {type} 无法推定：请填写防护类别", "no class and type {type} gives none: give 防护类别"),
    # unknown reasons
    "dist.unknown.target_class": ("{basis}", "{basis}"),
    "dist.unknown.class_inside": (
        "位于个人风险 ≥ {level} 的等值线内，类别未定：若为 {classes} 则不满足",
        "inside the ≥ {level} contour, class unknown: a violation if it is {classes}"),
    "dist.unknown.status_inside": (
        "位于个人风险 ≥ {level} 的等值线内，装置未注明新建/在役：若为新建则不满足 (基准 {thr})",
        "inside the ≥ {level} contour, installation not marked new/existing: a violation if new (criterion {thr})"),
    "dist.unknown.nothing": (
        "无评估距离、无风险等值线，且类型 {kind} 无规范筛查距离：请补充安全评价的外部安全防护距离或等值线",
        "no assessed distance, no contours and no code distance for kind {kind}: add the assessed distance or contours"),
    "dist.unknown.contours_stop": (
        "等值线最低为 {level}，高于 {classes} 的基准 {thr}：这些目标在等值线外时无法由等值线判定",
        "contours stop at {level}, above the {thr} criterion of {classes}: such targets outside them cannot be judged "
        "by the contours"),
    "dist.unknown.contour_far": (
        "等值线 {cid} 距其装置/企业 {d} 米：坐标系或县域有误？已不参与判定，请用正确的 --crs 重新导入",
        "contour {cid} lies {d} m from its installation/enterprise: wrong CRS or county? Not used; re-import with the right --crs"),
    "dist.unknown.contour_orphan": (
        "等值线 {cid} 所属 {what} 不在项目中：请导入该装置/企业或更正编号",
        "contour {cid} names {what}, which is not in the project: import it or correct the id"),
    "dist.unknown.contour_order": (
        "等值线 {inner} ({li}) 位于 {outer} ({lo}) 之内，但风险不高于外圈：等级顺序错误，请核对等值线数值",
        "contour {inner} ({li}) lies inside {outer} ({lo}) but is not of higher risk: levels out of order; check the values"),
    "dist.unknown.contour_dup": (
        "等值线 {a} 与 {b} 的风险值同为 {level}：重复等级，请删除其一或更正数值",
        "contours {a} and {b} have the same level {level}: duplicate level; drop one or correct the value"),
    "dist.unknown.no_enterprise": (
        "装置 {iid} 所属企业 {eid} 不在企业图层中：请导入该企业或更正企业编号",
        "installation {iid} names enterprise {eid}, which is not in the enterprises layer: import it or correct the id"),
    "dist.unknown.rule_layer": ("项目中没有图层 {layer}：规则无法判定", "the project has no layer {layer}: rule cannot be judged"),
    "dist.unknown.rule_field": ("图层 {layer} 没有字段 {field}：规则无法判定", "layer {layer} has no field {field}: rule cannot be judged"),
    # tables
    "dist.col.status": ("结论", "Status"),
    "dist.col.method": ("判定方法", "Method"),
    "dist.col.target_id": ("防护目标编号", "Target id"),
    "dist.col.target_name": ("防护目标", "Protected target"),
    "dist.col.target_type": ("目标类型", "Target type"),
    "dist.col.target_class": ("防护类别", "Class"),
    "dist.col.class_basis": ("类别依据", "Class basis"),
    "dist.col.enterprise_id": ("企业编号", "Enterprise id"),
    "dist.col.enterprise_name": ("企业", "Enterprise"),
    "dist.col.installation_id": ("装置编号", "Installation id"),
    "dist.col.installation_name": ("装置设施", "Installation"),
    "dist.col.required": ("要求", "Required"),
    "dist.col.actual": ("实际", "Actual"),
    "dist.col.excess": ("相差", "By"),
    "dist.col.reason": ("说明", "Note"),
    "dist.col.source": ("依据", "Source"),
    "dist.col.rule": ("规则", "Rule"),
    "dist.col.a": ("对象A", "Feature A"),
    "dist.col.b": ("对象B", "Feature B"),
    "dist.col.n_installations": ("装置设施数", "Installations"),
    "dist.col.n_assessed": ("有评估距离", "With assessed distance"),
    "dist.col.n_contoured": ("有等值线", "With contours"),
    "dist.col.n_code": ("规范筛查", "Code screening"),
    "dist.col.n_violations": ("不满足条数", "Violations"),
    "dist.col.n_targets": ("涉及防护目标", "Targets affected"),
    "dist.col.n_unknown": ("无法判定条数", "Cannot be judged"),
    "dist.sheet.violations": ("不满足清单", "Violations"),
    "dist.sheet.unknowns": ("无法判定", "Cannot be judged"),
    "dist.sheet.summary": ("按企业汇总", "By enterprise"),
    "dist.sheet.rules": ("通用距离规则", "Distance rules"),
    "dist.sheet.targets": ("防护目标分类", "Target classes"),
    "dist.risk_ge": ("≥ {v}", "≥ {v}"),
    "dist.inside": ("在 {level} 等值线内，超过基准 {thr}", "inside the {level} contour, above the {thr} criterion"),
    "dist.times": ("超 {v} 倍", "{v}× the criterion"),
    "dist.times_ge": ("≥ {v} 倍", "≥ {v}×"),
    "dist.short": ("不足 {v}", "{v} short"),
    "dist.title.violations": ("外部安全防护距离不满足 ({n} 条)", "External safety distance violations ({n})"),
    "dist.title.unknowns": ("无法判定 ({n} 条)", "Cannot be judged ({n})"),
    "dist.title.rules": ("通用距离规则不满足 ({n} 条)", "Distance-rule violations ({n})"),
    "dist.verdict.fail": ("结论：发现 {n} 条不满足 (外部安全防护距离不足属重大事故隐患，安监总管三〔2017〕121号)",
                          "Verdict: {n} violation(s) found (a distance short of the standard is a major hidden danger)"),
    "dist.verdict.pass": ("结论：未发现不满足", "Verdict: no violation found"),
    "dist.verdict.unknown": ("另有 {n} 条无法判定 (不视为满足)", "{n} more cannot be judged (not counted as passing)"),
    "dist.written": ("已写入", "Written"),
    "dist.hazard": ("外部安全防护距离不足：防护目标 {target} ({cls}) 距 {inst} {how}",
                    "External safety distance short: target {target} ({cls}) vs {inst}: {how}"),
    "dist.hazards_added": ("已加入隐患清单 {n} 条", "{n} row(s) added to the hazard list"),
    "map.layer.distance_contours": ("个人风险等值线", "Individual-risk contours"),
    "map.layer.distance_rings": ("外部安全防护距离(评估)", "Assessed external safety distances"),
    "map.layer.distance_violations": ("外部距离不满足的防护目标", "Targets violating the distance"),
    "map.layer.distance_unknown": ("无法判定的防护目标", "Targets that cannot be judged"),
    # map / images / report
    "dist.map.contours": ("个人风险等值线", "Individual-risk contours"),
    "dist.map.rings": ("外部安全防护距离", "External safety distances"),
    "dist.map.violating": ("外部距离不满足的防护目标", "Targets violating the distance"),
    "dist.map.unknown": ("无法判定的防护目标", "Targets that cannot be judged"),
    "dist.map.ring_label": ("{name} {m}", "{name} {m}"),
    "dist.render.title": ("{name} 外部安全防护距离示意图", "{name}: external safety distances"),
    "dist.render.overview": ("{name} 外部安全防护距离总览图", "{name}: external safety distances, overview"),
    "dist.render.installation": ("装置设施", "Installation"),
    "dist.render.target_ok": ("防护目标", "Protected target"),
    "dist.render.level": ("个人风险 {v}", "IR {v}"),
    "dist.section.title": ("外部安全防护距离", "External safety distances"),
    "dist.section.intro": (
        "按 GB/T 37243-2019 与 GB 36894-2018，对防护目标逐一核对个人风险等值线、评估外部安全防护距离，"
        "两者皆无时以规范防火间距筛查。不满足 {v} 条，无法判定 {u} 条。",
        "Protected targets checked against individual-risk contours and assessed distances (GB/T 37243-2019, "
        "GB 36894-2018), with code distances as screening where neither was given. {v} violation(s), {u} cannot be judged."),
})

# log line of the distance check (yitu/layers/distances.py)
register({
    "distances.log.summary": ("外部安全防护距离：防护目标 {targets} 个，装置 {installations} 个，等值线 {contours} 条；"
                              "不满足 {violations} 项，无法判定 {unknown} 项",
                              "distances: {targets} targets, {installations} installations, {contours} contours: "
                              "{violations} violation(s), {unknown} unknown"),
})

# the errors of `yitu distances` (yitu/layers/distances.py, distances_io.py, distances_rules.py)
register({
    "dist.err.thresholds": ("[safety_distance] individual_risk_new/individual_risk_existing 缺少 {missing}；请为 {classes} 各给出一个标准",
                            "[safety_distance] individual_risk_new/individual_risk_existing lack {missing}; give a criterion for each of {classes}"),
    "dist.err.no_sources": ("{path}：既没有危险源装置也没有风险等值线；请先导入（`yitu import {path} installations 文件`，`yitu contours {path} 文件`）",
                            "{path}: no installations and no risk_contours; import them first (`yitu import {path} installations FILE`, "
                            "`yitu contours {path} FILE`)"),
    "dist.err.rule_keys": ("{where}：未知键 {extra}；可用键：{known}", "{where}: unknown key(s) {extra}; keys: {known}"),
    "dist.err.rule_missing": ("{where}：缺少 {key}；每条规则需要 name、a、b、min_m（以及 source）",
                              "{where}: missing {key}; each rule needs name, a, b, min_m (and source)"),
    "dist.err.rule_min_m": ("{where}：min_m = {v!r} 应为大于 0 的米数", "{where}: min_m = {v!r} must be a number of metres greater than 0"),
    "dist.err.rule_filter": ("{where}：{key} 应为表，如 {{ station_type = [\"特勤站\"] }}",
                             "{where}: {key} must be a table such as {{ station_type = [\"特勤站\"] }}"),
})
