"""The readiness report (演练前核查报告): one offline HTML page and one DOCX with the same content.

Sections: the summary verdict with counts, the park checks, the drill scenario (force-arrival
timeline chart, route map, ranked forces, what is on site at 5/15/30 minutes, the requirement
lines and, with closures, before/after), the gap list and the settings used, so a reader can
reproduce every number.

The verdict is FAIL when a park fails the rescue circle or a drill requirement line is NOT MET
(in either scenario); the gap list is reported as counts but does not decide the verdict (the
urban 5-minute standard flags most rural places, which is a planning finding, not a drill
failure).

The HTML page is self-contained: inline CSS, images as ``data:`` URIs, no script, no external
URL; every text from the data is escaped. DOCX tables are real Word tables. Both files are
written atomically.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from yitu import __version__
from yitu.errors import InputError
from yitu.words import listed, msg, named

log = logging.getLogger(__name__)

__all__ = ["readiness_report", "timeline_figure", "drill_map_figure", "ReportContent", "report_content"]

FORCE_LABELS: dict[str, str] = {
    "rank": "序号", "station_id": "编号", "station_name": "救援力量", "station_type": "类型", "turnout_min": "出动(分)",
    "access_min": "接驳(分)", "travel_min": "行驶(分)", "arrival_min": "到场(分)", "distance_km": "路程(km)",
    "pumper": "水罐", "foam_tender": "泡沫", "aerial": "举高", "rescue": "抢险", "hazmat": "化救/洗消",
    "other_vehicles": "其他", "vehicles": "车辆", "personnel": "人员", "foam_t": "泡沫液(t)", "status": "状态",
    "reason": "说明",
}
REQ_LABELS: dict[str, str] = {"label": "要求", "on_site": "时限内到场", "status": "结论", "detail": "说明"}
ONSITE_LABELS: dict[str, str] = {"minute": "分钟", "forces": "力量(支)", "vehicles": "车辆", "foam_tender": "泡沫车",
                                 "aerial": "举高车", "personnel": "人员", "foam_t": "泡沫液(t)", "stations": "到场力量"}
CMP_LABELS: dict[str, str] = {"station_id": "编号", "station_name": "救援力量", "arrival_before": "封闭前到场(分)",
                              "arrival_after": "封闭后到场(分)", "delay_min": "延误(分)", "change": "变化"}
PARK_LABELS: dict[str, str] = {"park_id": "园区编号", "park_name": "园区名称", "verdict": "结论", "limit_min": "时限(分)",
                               "n_targets": "目标数", "n_fail": "未达标", "worst_miss_min": "最大超时(分)",
                               "covered_share": "面积覆盖率", "source": "依据"}
GAP_PLACE_LABELS: dict[str, str] = {"id": "编号", "name": "名称", "kind": "类别", "grade_label": "等级",
                                    "population": "人数", "limit_min": "时限(分)", "arrival_min": "最快到场(分)",
                                    "nearest_station_name": "最近站点", "status": "状态"}
DISTRICT_LABELS: dict[str, str] = {"station_id": "编号", "station_name": "站点", "station_type": "类型",
                                   "district_km2": "辖区(km²)", "max_km2": "标准(km²)", "excess_km2": "超出(km²)",
                                   "source": "依据"}
STATUS_ZH = {"reachable": "可达", "unreachable": "不可达", "off_network": "不在路网", "ok": "可达", "late": "超时",
             "MET": "满足", "NOT MET": "不满足", "UNKNOWN": "无法判定", "PASS": "通过", "FAIL": "不通过"}
_MAX_ROWS = 40


def _word(prefix: str, code: object) -> str:
    """Chinese words for a code of the drill (hazard, speed profile); an unknown code as stored."""
    from yitu.words import has, tr

    key = f"{prefix}.{code}"
    return tr(key, lang="zh") if has(key) else str(code)

from yitu.maps.report_figures import _park_maps, _png, drill_map_figure, timeline_figure  # noqa: E402

# ------------------------------------------------------------------------------------ content
@dataclass
class _Table:
    title: str
    df: pd.DataFrame
    labels: dict[str, str]
    note: str = ""


@dataclass
class _Section:
    title: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[Any] = field(default_factory=list)  # _Table or (caption, png bytes)


#: public names for the planning sections of yitu/maps/sections/
Table = _Table
Section = _Section


@dataclass
class ReportContent:
    """What both the HTML page and the DOCX show: a title, a verdict, counts and sections."""

    title: str
    verdict: str
    counts: dict[str, Any]
    sections: list[_Section]
    created: str


def _fmt(v: Any, col: str = "") -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return "—"
    if isinstance(v, (bool, np.bool_)):
        return "是" if v else "否"
    if isinstance(v, (float, np.floating)):
        if col == "covered_share":
            return f"{100 * float(v):.0f}%"
        return f"{float(v):.1f}" if float(v) != round(float(v)) or col.endswith(("_min", "_km", "_km2", "_t")) else f"{v:g}"
    if col in ("status", "verdict") and str(v) in STATUS_ZH:
        return STATUS_ZH[str(v)]
    return str(v)


def _drill_sections(project: Any, before: Any, after: Any | None, *, font: Any) -> _Section:
    from yitu.routing.drill import compare

    sec = _Section("三、演练情景")
    s = before.site
    lon, lat = s.lonlat
    sec.paragraphs.append(
        f"演练地点：{s.name}（{s.site_id}，{lon:.6f}, {lat:.6f}）；灾情类型：{_word('maps.hazard', before.hazard)}；"
        f"路网：{_word('maps.profile', before.profile)}；地点距道路 {before.site_snap_m:.0f} 米。"
    )
    if after is not None:
        sec.paragraphs.append(f"封闭道路：{'、'.join(after.closed_what)}（{after.closed_edges} 条有向路段）。")
    for label, res in (("", before), ("（道路封闭后）", after)):
        if res is None:
            continue
        try:
            fig = timeline_figure(res, font=font)
            sec.items.append((f"力量到场时间线{label}", _png(fig)))
            fig.clear()
        except Exception as exc:  # noqa: BLE001 - a missing figure must not lose the report
            if not isinstance(exc, (InputError,)) and exc.__class__.__name__ != "FontError":
                raise
            sec.paragraphs.append(f"时间线图未生成：{exc}")
        try:
            fig = drill_map_figure(project, res, font=font)
            sec.items.append((f"演练路线图{label}", _png(fig, dpi=110)))
            fig.clear()
        except Exception as exc:  # noqa: BLE001
            if exc.__class__.__name__ not in ("FontError", "InputError", "ProjectError"):
                raise
            sec.paragraphs.append(f"路线图未生成：{exc}")
        # the columns a reader needs (vehicle types are in the on-site table below): 10, on a landscape page
        cols = ["rank", "station_name", "station_type", "turnout_min", "travel_min", "arrival_min", "vehicles",
                "foam_t", "status", "reason"]
        sec.items.append(_Table(f"救援力量到场排序{label}", res.forces[cols], FORCE_LABELS))
        sec.items.append(_Table(f"各时刻到场力量{label}", res.on_site[list(ONSITE_LABELS)], ONSITE_LABELS))
        sec.items.append(_Table(f"力量需求核查{label}（{_word('maps.hazard', res.hazard)}）",
                                res.requirements[list(REQ_LABELS)], REQ_LABELS))
    if after is not None:
        cmp = compare(before, after)
        sec.items.append(_Table("道路封闭前后对比", cmp[list(CMP_LABELS)], CMP_LABELS))
    return sec


def _settings_section(project: Any, profile: str) -> _Section:
    s = project.settings
    sec = _Section("五、计算设置")
    sec.paragraphs.append(
        f"设置来源：{Path(str(s.source)).name}；yitu {__version__}。到场时间 = 出动时间 + 接驳（站点、地点至道路，按 "
        f"{s.routing.access_speed_kmh:g} km/h）+ 路网行驶时间。"
    )
    lim = pd.DataFrame([
        {"key": "化工园区救援圈 park_limit_min (分钟)", "value": s.rescue.park_limit_min},
        {"key": "城市消防站标准 urban_limit_min (分钟)", "value": s.rescue.urban_limit_min},
        {"key": "园区边界采样间距 boundary_sample_m (米)", "value": s.rescue.boundary_sample_m},
        {"key": "道路吸附上限 max_snap_m (米)", "value": s.routing.max_snap_m},
        {"key": "接驳速度 access_speed_kmh", "value": s.routing.access_speed_kmh},
    ])
    sec.items.append(_Table("时限与路由", lim, {"key": "设置", "value": "取值"}))
    prof = s.profiles.get(profile)
    if prof is not None:
        from yitu.words.common import road_class_text

        sp = pd.DataFrame({"key": [road_class_text(k, lang="zh") for k in prof.speeds_kmh],
                           "value": list(prof.speeds_kmh.values())})
        sp = pd.concat([sp, pd.DataFrame([
            {"key": "未列出的道路等级", "value": "不通行"},
            {"key": "速度校准系数", "value": prof.calibration},
            {"key": "信号灯延误 signal_delay_s (秒)", "value": prof.signal_delay_s},
        ])], ignore_index=True)
        sec.items.append(_Table(f"车速（{profile}，km/h）", sp, {"key": "道路等级", "value": "速度"}))
    to = pd.DataFrame({"key": list(s.rescue.turnout_min), "value": list(s.rescue.turnout_min.values())})
    sec.items.append(_Table("出动时间（分钟，站点未填时按类型）", to, {"key": "站点类型", "value": "分钟"}))
    dk = pd.DataFrame({"key": list(s.rescue.district_km2), "value": list(s.rescue.district_km2.values())})
    sec.items.append(_Table("辖区面积上限（建标152-2017，km²）", dk, {"key": "站点类型", "value": "km²"}))
    from yitu.routing.drill_eval import AMOUNT_LABELS
    from yitu.words.common import hazard_text

    rows = [{"hazard": hazard_text(h, lang="zh"), "label": ln.label, "what": AMOUNT_LABELS.get(ln.what, ln.what),
             "min": ln.min, "by_min": ln.by_min}
            for h, lines in s.requirements.items() for ln in lines]
    sec.items.append(_Table("力量需求配置", pd.DataFrame(rows),
                            {"hazard": "灾情", "label": "要求", "what": "项目", "min": "数量", "by_min": "时限(分)"}))
    return sec


def _n_parks(project: Any, park_check: Any) -> int:
    if park_check is not None:
        return int(len(park_check))
    parks = project.read_optional("parks")
    return 0 if parks is None else int(len(parks))


def _changed_since(project: Any, result: str, inputs: Sequence[str]) -> list[str]:
    """Input layers written after the result layer (``gpkg_contents.last_change``), e.g. stations
    re-imported after ``yitu check``; empty when unknown."""
    import contextlib
    import sqlite3

    gpkg = getattr(project, "gpkg", None)
    if gpkg is None or not Path(gpkg).exists():
        return []
    try:
        with contextlib.closing(sqlite3.connect(f"file:{Path(gpkg).resolve()}?mode=ro", uri=True)) as con:
            when = dict(con.execute("SELECT table_name, last_change FROM gpkg_contents").fetchall())
    except sqlite3.Error:
        return []
    t = when.get(result)
    return [n for n in inputs if t and when.get(n) and str(when[n]) > str(t)]


def report_content(project: Any, *, drill: Any = None, gaps_result: dict[str, pd.DataFrame] | None = None,
                   network: Any = None, font: str | Path | None = None, profile: str = "fire_engine") -> ReportContent:
    """Gather everything the report shows (computes the gap list when not given)."""
    before, after = (drill if isinstance(drill, tuple) else (drill, None))
    if gaps_result is None:
        from yitu.routing.gaps import gaps

        if network is None:
            from yitu.routing.build import load_network

            network = load_network(project, profile=profile)
        gaps_result = gaps(project, network)
    park_check = project.read_optional("result_park_check")
    if park_check is not None and len(park_check):
        parks = pd.DataFrame(park_check.drop(columns="geometry", errors="ignore"))
        parks["source"] = "园区救援圈核查"
        park_note = "园区救援圈核查结果。"
        changed = _changed_since(project, "result_park_check",
                                 ("stations", "parks", "enterprises", "risk_zones", "targets"))
        if changed:
            log.warning(msg("maps.log.report_stale", layers=listed(changed), path=project.path))
            park_note += (f"注意：{'、'.join(changed)} 图层在上次园区救援圈核查之后已修改，以下核查结果可能已过期；"
                          "请重新核查。")
    else:
        parks = gaps_result["parks"]
        park_note = "项目中尚无园区救援圈核查结果：仅按园区内企业核查（未含风险分区与边界采样点）；完整核查需先运行园区救援圈核查。"
    n_park_fail = int((parks["verdict"] == "FAIL").sum()) if len(parks) else 0
    n_not_met = sum(r.n_not_met for r in (before, after) if r is not None)
    # a requirement line that depends on a missing figure is unknown: the verdict is then 无法判定, never 通过
    n_unknown = sum(int(getattr(r, "n_unknown", 0) or 0) for r in (before, after) if r is not None)
    verdict = "FAIL" if (n_park_fail or n_not_met) else ("UNKNOWN" if n_unknown else "PASS")
    counts = {
        "园区": _n_parks(project, park_check),
        "未通过园区": n_park_fail,
        "不满足的力量需求": n_not_met,
        "无法判定的力量需求": n_unknown,
        "超时企业": len(gaps_result["enterprises"]),
        "超时防护目标": len(gaps_result["targets"]),
        "超时村庄": len(gaps_result["villages"]),
        "辖区超标站点": len(gaps_result["districts"]),
    }
    sections: list[_Section] = []
    summ = _Section("一、总体结论")
    summ.paragraphs.append(
        "结论：" + STATUS_ZH[verdict] + "。判定规则：任一园区未通过救援圈核查或任一演练力量需求不满足即为不通过；"
        "缺口清单单列，不参与判定。"
    )
    summ.items.append(_Table("统计", pd.DataFrame({"item": list(counts), "n": list(counts.values())}),
                             {"item": "项目", "n": "数量"}))
    sections.append(summ)
    ps = _Section("二、化工园区救援圈核查", [park_note])
    pcols = [c for c in PARK_LABELS if c in parks.columns]
    ps.items.append(_Table("园区核查", parks[pcols], PARK_LABELS))
    ps.items.extend(_park_maps(project, font=font))
    sections.append(ps)
    if before is not None:
        sections.append(_drill_sections(project, before, after, font=font))
    else:
        sections.append(_Section("三、演练情景", ["未指定演练地点（yitu report DIR --drill ENTERPRISE_ID）。"]))
    gs = _Section("四、缺口清单")
    summary = gaps_result["summary"].iloc[0]
    gs.paragraphs.append(
        f"时限：园区内企业 {summary['park_limit_min']:g} 分钟（化工园区救援圈），其余企业、防护目标与村庄 "
        f"{summary['other_limit_min']:g} 分钟（建标152-2017 城市消防站 5 分钟标准）。按等级、人数排序；"
        f"每表最多列 {_MAX_ROWS} 行，完整清单见随报告提交的缺口清单（gaps.xlsx）。"
    )
    for key, title in (("enterprises", "时限外企业"), ("targets", "时限外防护目标"), ("villages", "时限外村庄")):
        df = gaps_result[key]
        gs.items.append(_Table(f"{title}（{len(df)}）", pd.DataFrame(df.drop(columns="geometry", errors="ignore"))
                               [list(GAP_PLACE_LABELS)], GAP_PLACE_LABELS))
    gs.items.append(_Table(f"辖区面积超标站点（{len(gaps_result['districts'])}）", gaps_result["districts"], DISTRICT_LABELS,
                           note="" if project.has("result_responsibility") else "无园区救援圈核查的责任区结果：按路网责任区计算。"))
    sections.append(gs)
    from yitu.maps.sections import extra_sections

    sections.extend(extra_sections(project, font=font, lang="zh"))
    sections.append(_settings_section(project, profile))
    return ReportContent(
        title=f"{project.settings.project.name} 演练前核查报告", verdict=verdict, counts=counts, sections=sections,
        created=datetime.now().strftime("%Y-%m-%d %H:%M"),
    )


def _docx(c: ReportContent, path: Path, *, unit: str = "") -> None:
    """The Word file: A4 公文 style (:mod:`yitu.maps.report_docx`)."""
    from yitu.maps.report_docx import write_docx

    write_docx(c, path, status_words=STATUS_ZH, fmt=_fmt, unit=unit)


def readiness_report(
    project: Any,
    *,
    drill: Any = None,
    out_dir: str | Path | None = None,
    gaps_result: dict[str, pd.DataFrame] | None = None,
    network: Any = None,
    font: str | Path | None = None,
    profile: str = "fire_engine",
) -> dict[str, Any]:
    """Write the readiness report as ``report.html`` (offline, self-contained) and ``report.docx``.

    Parameters
    ----------
    project
        An open project.
    drill
        A :class:`~yitu.routing.drill.DrillResult`, or ``(before, after)`` from
        :func:`~yitu.routing.drill.run_drill`; ``None`` leaves the drill section empty.
    out_dir
        Folder for the files; default ``DIR/output/report``.
    gaps_result
        The gap list (computed with the project's network when omitted; its tables are also
        written to ``output/gaps/*.csv``).
    network
        The road network (loaded from the project when needed and omitted).
    font
        A CJK font file or family for the images (default: the ``maps.font`` setting, else a system search).

    Returns
    -------
    dict
        ``{"html": Path, "docx": Path, "verdict": "PASS" | "FAIL"}``.
    """
    from yitu.gis.io import atomic_path
    from yitu.routing.gaps import write_gaps

    out = Path(out_dir) if out_dir is not None else project.output_dir / "report"
    font = font or (project.settings.maps.font or None)
    if gaps_result is None:
        from yitu.routing.gaps import gaps

        if network is None:
            from yitu.routing.build import load_network

            network = load_network(project, profile=profile)
        gaps_result = gaps(project, network)
        write_gaps(project, gaps_result)
    content = report_content(project, drill=drill, gaps_result=gaps_result, network=network, font=font, profile=profile)
    out.mkdir(parents=True, exist_ok=True)
    html_path = out / "report.html"
    with atomic_path(html_path) as tmp:
        from yitu.maps.report_html import render_html

        tmp.write_text(render_html(content), encoding="utf-8")
    docx_path = out / "report.docx"
    _docx(content, docx_path, unit=project.settings.project.name)
    log.info(msg("maps.log.report", html=html_path, docx=docx_path,
                 verdict=named("status", str(content.verdict).lower())))
    return {"html": html_path, "docx": docx_path, "verdict": content.verdict}
