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

import base64
import html
import io
import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

import geopandas as gpd
import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from yitu import __version__
from yitu.errors import InputError

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
STATUS_ZH = {"reachable": "可达", "unreachable": "不可达", "off_network": "不在路网", "ok": "可达",
             "MET": "满足 MET", "NOT MET": "不满足 NOT MET", "PASS": "通过 PASS", "FAIL": "不通过 FAIL"}
_MAX_ROWS = 40


# ------------------------------------------------------------------------------------ figures
def _step(ax: Any, arrivals: np.ndarray, values: np.ndarray, horizon: float, **kw: Any) -> None:
    order = np.argsort(arrivals, kind="stable")
    x = np.concatenate([[0.0], arrivals[order], [horizon]])
    y = np.concatenate([[0.0], np.cumsum(values[order]), [float(values.sum())]])
    ax.step(x, y, where="post", **kw)


def timeline_figure(result: Any, *, font: str | Path | None = None, lang: str = "zh") -> Figure:
    """The force-arrival timeline: cumulative vehicles (top) and foam tonnes / crew (bottom) against
    minutes after the alarm, with each requirement's deadline and amount marked (green met, red not).
    """
    from yitu.maps.fonts import cjk_rc
    from yitu.routing.drill import AMOUNT_LABELS, VEHICLES

    f = result.forces
    reach = (f["status"] == "reachable").to_numpy()
    arr = f["arrival_min"].to_numpy(dtype="float64")[reach]
    reqs = result.requirements
    horizon = float(max([30.0, *(arr.tolist() or [0.0]), *reqs.get("by_min", pd.Series(dtype=float)).tolist()]))
    horizon = float(np.ceil(horizon + 1))
    with mpl.rc_context(cjk_rc(font)):
        fig = Figure(figsize=(8.0, 6.0))
        FigureCanvasAgg(fig)
        top, bottom = fig.subplots(2, 1, sharex=True)
        right = bottom.twinx()
        colours = {"vehicles": "#333333", "pumper": "#1565C0", "foam_tender": "#EF6C00", "aerial": "#6A1B9A",
                   "rescue": "#2E7D32", "hazmat": "#C62828", "other_vehicles": "#757575"}
        shown = ["vehicles"] + [v for v in VEHICLES if v in set(reqs["what"]) or v in ("foam_tender", "aerial")]
        for col in dict.fromkeys(shown):
            vals = f[col].to_numpy(dtype="float64")[reach]
            _step(top, arr, vals, horizon, color=colours[col], linewidth=2.2 if col == "vehicles" else 1.4,
                  label=AMOUNT_LABELS[col])
        _step(bottom, arr, f["foam_t"].to_numpy(dtype="float64")[reach], horizon, color="#EF6C00", linewidth=1.8,
              label=AMOUNT_LABELS["foam_t"])
        _step(right, arr, f["personnel"].to_numpy(dtype="float64")[reach], horizon, color="#00838F", linewidth=1.4,
              linestyle="--", label=AMOUNT_LABELS["personnel"])
        stack: dict[tuple[int, float], int] = {}
        for _, r in reqs.iterrows():
            ax = top if r["what"] in (*VEHICLES, "vehicles", "forces") else (bottom if r["what"] == "foam_t" else right)
            ok = r["status"] == "MET"
            colour = "#2E7D32" if ok else "#C62828"
            for a in (top, bottom):
                a.axvline(float(r["by_min"]), color="#9E9E9E", linewidth=0.8, linestyle=":", zorder=0)
            ax.plot([float(r["by_min"])], [float(r["required"])], marker="o" if ok else "X", markersize=9,
                    color=colour, zorder=5, linestyle="none")
            k = stack.setdefault((id(ax), float(r["by_min"])), 0)
            stack[(id(ax), float(r["by_min"]))] = k + 1
            ax.annotate(str(r["label"]) + ("" if ok else "（不满足）"), (float(r["by_min"]), float(r["required"])),
                        textcoords="offset points", xytext=(6, 4 + 11 * k), fontsize=7.5, color=colour)
        top.set_ylabel("累计车辆（辆）" if lang == "zh" else "vehicles on site")
        bottom.set_ylabel("泡沫液（吨）" if lang == "zh" else "foam (t)")
        right.set_ylabel("人员（人）" if lang == "zh" else "crew")
        bottom.set_xlabel("接警后分钟" if lang == "zh" else "minutes after the alarm")
        bottom.set_xlim(0, horizon)
        top.legend(loc="upper left", fontsize=7.5, ncol=2)
        h1, l1 = bottom.get_legend_handles_labels()
        h2, l2 = right.get_legend_handles_labels()
        bottom.legend(h1 + h2, l1 + l2, loc="upper left", fontsize=7.5)
        for a in (top, bottom):
            a.grid(True, linewidth=0.4, alpha=0.5)
        title = f"力量到场时间线 · {result.site.name}" + ("（道路封闭）" if result.closed_edges else "")
        fig.suptitle(title, fontsize=11)
        fig.set_label(title)
        fig.tight_layout()
    return fig


def drill_map_figure(project: Any, result: Any, *, font: str | Path | None = None, lang: str = "zh",
                     paper: str = "A4") -> Figure:
    """The drill map: roads, each force's route coloured by arrival order, stations, the site and closed roads."""
    from matplotlib import colormaps
    from matplotlib.patches import Patch

    from yitu.maps import static

    crs = project.metric_crs()
    site = result.site.gdf().to_crs(crs)
    routes = result.routes.to_crs(crs)
    parts = [site.total_bounds]
    if len(routes):
        parts.append(routes.total_bounds)
    b = np.array(parts)
    bx = (b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())
    pad = max(500.0, 0.05 * max(bx[2] - bx[0], bx[3] - bx[1]))
    bbox_m = gpd.GeoSeries.from_xy([bx[0] - pad, bx[2] + pad], [bx[1] - pad, bx[3] + pad], crs=crs).to_crs(4326)
    bounds_ll = (bbox_m.x.min(), bbox_m.y.min(), bbox_m.x.max(), bbox_m.y.max())
    title = f"演练路线图 · {result.site.name}" if lang == "zh" else f"Drill routes · {result.site.name}"
    sub = f"灾情类型 {result.hazard}" + (f" · 封闭 {'、'.join(result.closed_what)}" if result.closed_what else "")
    fig, ax = static.map_axes(bounds_ll, project=project, paper=paper, title=title, subtitle=sub, lang=lang, font=font)
    handles: list[Any] = []
    roads = project.read_optional("roads")
    if roads is not None and len(roads):
        r = roads.cx[bounds_ll[0]:bounds_ll[2], bounds_ll[1]:bounds_ll[3]].to_crs(crs)
        r.plot(ax=ax, color="#BDBDBD", linewidth=0.5, zorder=2)
        handles.append(Line2D([], [], color="#BDBDBD", linewidth=1, label="道路" if lang == "zh" else "roads"))
    if result.closed_lines is not None and len(result.closed_lines):
        result.closed_lines.to_crs(crs).plot(ax=ax, color="#D50000", linewidth=3.2, zorder=9)
        handles.append(Line2D([], [], color="#D50000", linewidth=3, label="封闭道路" if lang == "zh" else "closed road"))
    if len(routes):
        cmap = colormaps["viridis"]
        n = len(routes)
        for i, (geom, name, arr, rank) in enumerate(zip(routes.geometry, routes["station_name"], routes["arrival_min"],
                                                        routes["rank"])):
            colour = cmap(i / max(n - 1, 1))
            ax.plot(*geom.xy, color=colour, linewidth=2.6 - 1.4 * i / max(n - 1, 1), alpha=0.9, zorder=10 + n - i)
            if i < 8:
                handles.append(Line2D([], [], color=colour, linewidth=2, label=f"{rank} {name} {arr:.1f} 分"))
    st = project.read_optional("stations")
    if st is not None and len(st):
        st = st.to_crs(crs)
        ax.scatter(st.geometry.x, st.geometry.y, marker="^", s=70, c="#C62828", edgecolors="black", linewidths=0.5,
                   zorder=30)
        handles.append(Line2D([], [], linestyle="none", marker="^", markersize=8, markerfacecolor="#C62828",
                              markeredgecolor="black", label="救援力量" if lang == "zh" else "rescue forces"))
    sp = site.geometry.iloc[0]
    sp = sp if sp.geom_type == "Point" else sp.representative_point()
    ax.scatter([sp.x], [sp.y], marker="*", s=320, c="#FFD600", edgecolors="black", linewidths=0.8, zorder=40)
    handles.append(Line2D([], [], linestyle="none", marker="*", markersize=13, markerfacecolor="#FFD600",
                          markeredgecolor="black", label="演练地点" if lang == "zh" else "drill site"))
    handles.insert(0, Patch(facecolor="none", edgecolor="none", label="到场顺序" if lang == "zh" else "arrival order",
                            visible=False))
    ax.set_xlabel("")
    ax.set_ylabel("")
    static.add_legend(ax, handles, font=font)
    static.add_scalebar(ax, font=font)
    static.add_north_arrow(ax, font=font)
    from yitu.maps.sources import project_data_date, source_line

    static.add_notes(fig, data_date=project_data_date(project), source=source_line(project), font=font)
    return fig


def _park_maps(project: Any, *, font: Any) -> list[tuple[str, bytes]]:
    """The park-check map of each park (the first three): every report carries at least this image."""
    import matplotlib.pyplot as plt

    from yitu.maps import static

    parks = project.read_optional("parks")
    out: list[tuple[str, bytes]] = []
    ids = [None] if parks is None or not len(parks) else [str(v) for v in parks["id"].head(3)]
    for pid in ids:
        try:
            fig = static.render(project, what="risk", park_id=pid, font=font)
        except Exception as exc:  # noqa: BLE001 - the report goes on without this image, saying so in the log
            log.warning("park map %s not drawn: %s", pid, exc)
            continue
        name = "" if pid is None else str(parks.loc[parks["id"].astype(str) == pid, "name"].iloc[0])
        out.append((f"{name}四色分布图（园区救援核查）" if name else "安全风险四色分布图", _png(fig, dpi=110)))
        plt.close(fig)
    return out


def _png(fig: Figure, dpi: int = 150) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()


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

    sec = _Section("三、演练情景 Drill scenario")
    s = before.site
    lon, lat = s.lonlat
    sec.paragraphs.append(
        f"演练地点：{s.name}（{s.site_id}，{lon:.6f}, {lat:.6f}）；灾情类型：{before.hazard}；"
        f"路网：{before.profile}；地点距道路 {before.site_snap_m:.0f} 米。"
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
        cols = ["rank", "station_name", "station_type", "turnout_min", "travel_min", "arrival_min", "vehicles",
                "foam_tender", "aerial", "personnel", "foam_t", "status", "reason"]
        sec.items.append(_Table(f"救援力量到场排序{label}", res.forces[cols], FORCE_LABELS))
        sec.items.append(_Table(f"各时刻到场力量{label}", res.on_site[list(ONSITE_LABELS)], ONSITE_LABELS))
        sec.items.append(_Table(f"力量需求核查{label}（{res.hazard}）", res.requirements[list(REQ_LABELS)], REQ_LABELS))
    if after is not None:
        cmp = compare(before, after)
        sec.items.append(_Table("道路封闭前后对比", cmp[list(CMP_LABELS)], CMP_LABELS))
    return sec


def _settings_section(project: Any, profile: str) -> _Section:
    s = project.settings
    sec = _Section("五、计算设置 Settings used")
    sec.paragraphs.append(
        f"设置来源：{s.source}；yitu {__version__}。到场时间 = 出动时间 + 接驳（站点、地点至道路，按 "
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
        sp = pd.DataFrame({"key": list(prof.speeds_kmh), "value": list(prof.speeds_kmh.values())})
        sp = pd.concat([sp, pd.DataFrame([
            {"key": "未列出的道路等级 other classes", "value": "不通行 not driven"},
            {"key": "校准系数 calibration", "value": prof.calibration},
            {"key": "信号灯延误 signal_delay_s (秒)", "value": prof.signal_delay_s},
        ])], ignore_index=True)
        sec.items.append(_Table(f"车速（{profile}，km/h）", sp, {"key": "道路等级", "value": "速度"}))
    to = pd.DataFrame({"key": list(s.rescue.turnout_min), "value": list(s.rescue.turnout_min.values())})
    sec.items.append(_Table("出动时间（分钟，站点未填时按类型）", to, {"key": "站点类型", "value": "分钟"}))
    dk = pd.DataFrame({"key": list(s.rescue.district_km2), "value": list(s.rescue.district_km2.values())})
    sec.items.append(_Table("辖区面积上限（建标152-2017，km²）", dk, {"key": "站点类型", "value": "km²"}))
    rows = [{"hazard": h, "label": ln.label, "what": ln.what, "min": ln.min, "by_min": ln.by_min}
            for h, lines in s.requirements.items() for ln in lines]
    sec.items.append(_Table("力量需求配置 [drill.requirements]", pd.DataFrame(rows),
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
        parks["source"] = "yitu check"
        park_note = "园区救援圈核查结果（yitu check）。"
        changed = _changed_since(project, "result_park_check",
                                 ("stations", "parks", "enterprises", "risk_zones", "targets"))
        if changed:
            log.warning("report: %s changed after the last `yitu check`; the park results may be out of date "
                        "(re-run `yitu check %s`)", ", ".join(changed), project.path)
            park_note += (f"注意：{'、'.join(changed)} 图层在上次 yitu check 之后已修改，以下核查结果可能已过期；"
                          "请重新运行 `yitu check DIR`。")
    else:
        parks = gaps_result["parks"]
        park_note = "项目中尚无 yitu check 结果：仅按园区内企业核查（未含风险分区与边界采样点）。运行 `yitu check DIR` 得到完整核查。"
    n_park_fail = int((parks["verdict"] == "FAIL").sum()) if len(parks) else 0
    n_not_met = sum(r.n_not_met for r in (before, after) if r is not None)
    verdict = "FAIL" if (n_park_fail or n_not_met) else "PASS"
    counts = {
        "园区 parks": _n_parks(project, park_check),
        "未通过园区 parks failing": n_park_fail,
        "不满足的需求 requirement lines not met": n_not_met,
        "超时企业 enterprises outside limit": len(gaps_result["enterprises"]),
        "超时防护目标 targets outside limit": len(gaps_result["targets"]),
        "超时村庄 villages outside limit": len(gaps_result["villages"]),
        "辖区超标站点 stations over district area": len(gaps_result["districts"]),
    }
    sections: list[_Section] = []
    summ = _Section("一、总体结论 Summary")
    summ.paragraphs.append(
        "结论：" + STATUS_ZH[verdict] + "。判定规则：任一园区未通过救援圈核查或任一演练力量需求不满足即为不通过；"
        "缺口清单单列，不参与判定。"
    )
    summ.items.append(_Table("统计", pd.DataFrame({"item": list(counts), "n": list(counts.values())}),
                             {"item": "项目", "n": "数量"}))
    sections.append(summ)
    ps = _Section("二、化工园区救援圈核查 Park checks", [park_note])
    pcols = [c for c in PARK_LABELS if c in parks.columns]
    ps.items.append(_Table("园区核查", parks[pcols], PARK_LABELS))
    ps.items.extend(_park_maps(project, font=font))
    sections.append(ps)
    if before is not None:
        sections.append(_drill_sections(project, before, after, font=font))
    else:
        sections.append(_Section("三、演练情景 Drill scenario", ["未指定演练地点（yitu report DIR --drill ENTERPRISE_ID）。"]))
    gs = _Section("四、缺口清单 Gap list")
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
                           note="" if project.has("result_responsibility") else "无 yitu check 责任区结果：按路网责任区计算（responsibility_areas）。"))
    sections.append(gs)
    from yitu.maps.sections import extra_sections

    sections.extend(extra_sections(project, font=font, lang="zh"))
    sections.append(_settings_section(project, profile))
    return ReportContent(
        title=f"{project.settings.project.name} 演练前核查报告", verdict=verdict, counts=counts, sections=sections,
        created=datetime.now().strftime("%Y-%m-%d %H:%M"),
    )


# ----------------------------------------------------------------------------------- writers
_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:2em auto;max-width:1100px;
color:#222;line-height:1.5;padding:0 1em}
h1{font-size:1.6em;border-bottom:3px solid #C62828;padding-bottom:.3em}
h2{font-size:1.25em;margin-top:1.8em;border-left:6px solid #1565C0;padding-left:.5em}
h3{font-size:1.05em;margin:1.2em 0 .4em}
table{border-collapse:collapse;width:100%;font-size:.85em;margin:.4em 0 1em}
th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#ECEFF1}
tr:nth-child(even) td{background:#FAFAFA}
.verdict{display:inline-block;padding:.2em .8em;border-radius:4px;color:#fff;font-weight:bold;font-size:1.2em}
.PASS{background:#2E7D32}.FAIL{background:#C62828}
td.MET{color:#2E7D32;font-weight:bold}td.NOTMET{color:#C62828;font-weight:bold}
figure{margin:1em 0}figure img{max-width:100%;border:1px solid #ddd}
figcaption{font-size:.9em;color:#555}
.meta{color:#666;font-size:.9em}.note{color:#666;font-size:.85em}
"""


def _html_table(t: _Table) -> str:
    e = html.escape
    out = [f"<h3>{e(t.title)}</h3>"]
    if t.note:
        out.append(f"<p class=\"note\">{e(t.note)}</p>")
    df = t.df.head(_MAX_ROWS)
    cols = list(df.columns)
    out.append("<table><thead><tr>" + "".join(f"<th>{e(t.labels.get(c, str(c)))}</th>" for c in cols) + "</tr></thead><tbody>")
    for row in df.itertuples(index=False):
        cells = []
        for c, v in zip(cols, row):
            cls = ""
            if c == "status" and str(v) in ("MET", "NOT MET"):
                cls = f" class=\"{str(v).replace(' ', '')}\""
            cells.append(f"<td{cls}>{e(_fmt(v, c))}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    if len(t.df) > _MAX_ROWS:
        out.append(f"<p class=\"note\">… 另有 {len(t.df) - _MAX_ROWS} 行 (more rows in the CSV)</p>")
    if not len(t.df):
        out.append("<p class=\"note\">（无）</p>")
    return "\n".join(out)


def _render_html(c: ReportContent) -> str:
    e = html.escape
    parts = [
        "<!DOCTYPE html>", "<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        f"<title>{e(c.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(c.title)}</h1>",
        f"<p class=\"meta\">生成时间 {e(c.created)} · yitu {e(__version__)}</p>",
        f"<p>总体结论 <span class=\"verdict {e(c.verdict)}\">{e(STATUS_ZH[c.verdict])}</span></p>",
    ]
    for sec in c.sections:
        parts.append(f"<h2>{e(sec.title)}</h2>")
        parts += [f"<p>{e(p)}</p>" for p in sec.paragraphs]
        for item in sec.items:
            if isinstance(item, _Table):
                parts.append(_html_table(item))
            else:
                cap, png = item
                b64 = base64.b64encode(png).decode("ascii")
                parts.append(f"<figure><img alt=\"{e(cap)}\" src=\"data:image/png;base64,{b64}\">"
                             f"<figcaption>{e(cap)}</figcaption></figure>")
    parts.append("</body></html>")
    return "\n".join(parts)


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
        tmp.write_text(_render_html(content), encoding="utf-8")
    docx_path = out / "report.docx"
    _docx(content, docx_path, unit=project.settings.project.name)
    log.info("readiness report: %s, %s (verdict %s)", html_path, docx_path, content.verdict)
    return {"html": html_path, "docx": docx_path, "verdict": content.verdict}
