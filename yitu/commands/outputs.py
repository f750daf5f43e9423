"""Output commands: the HTML map, map images, the registers (两单) and the readiness report."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Optional

import typer

from yitu.cli import EXIT_FAIL, ProjectDir, _table, _working, console, err

from yitu.commands.drill import _CLOSED, _CLOSED_AREA, _HAZARD, _split_closed


def map_cmd(
    directory: ProjectDir,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="输出文件 Output HTML (default DIR/output/risk_map.html).")] = None,
    tiles: Annotated[
        Optional[str],
        typer.Option(help="底图 Basemap: none | osm | tianditu (key: $YITU_TIANDITU_KEY) | gaode (GCJ-02) | URL {z}/{x}/{y}. Default: settings maps.tiles."),
    ] = None,
    lang: Annotated[Optional[str], typer.Option(help="语言 zh | en (default: settings maps.lang).")] = None,
    online: Annotated[bool, typer.Option("--online", help="在线 Load Leaflet from the CDN instead of inlining it (smaller file, needs internet).")] = False,
    title: Annotated[Optional[str], typer.Option(help="标题 Page title (default: project name + 安全风险四色分布图).")] = None,
) -> None:
    """四色风险图 Write the interactive four-colour risk map as one self-contained HTML file (offline by default)."""
    import pandas as pd

    from yitu.layers.project import Project
    from yitu.maps.html import LAYER_ORDER, _label, risk_map
    from yitu.maps.offline import save_html

    p = Project.open(directory)
    lang = lang or p.settings.maps.lang or "zh"
    with _working("绘制中 drawing the risk map…"):
        m = risk_map(p, tiles=tiles if tiles is not None else p.settings.maps.tiles, lang=lang, title=title)
        path = save_html(m, out or (p.output_dir / "risk_map.html"), offline=not online)
    counts = m.yitu_counts  # type: ignore[attr-defined]
    rows = [{"图层 layer": _label(k, lang), "key": k, "要素 features": counts[k]} for k in LAYER_ORDER if k in counts]
    console.print(_table(pd.DataFrame(rows), title="四色风险图 risk map"))
    src = m.yitu_tiles  # type: ignore[attr-defined]
    basemap = "none (无底图)" if src.is_none else f"{src.name} ({src.datum})"
    console.print(f"底图 basemap: {basemap} · {'online (CDN)' if online else 'offline (Leaflet inlined)'}", highlight=False)
    if "roads" not in counts:
        err.print(f"道路未绘制 no roads drawn: build the network first (`yitu network build {p.path} --osm FILE`)", highlight=False)
    console.print(f"已写入 written: {path}", highlight=False)

def render_cmd(
    directory: ProjectDir,
    what: Annotated[
        str, typer.Option(help="图种 risk (四色分布图) | coverage (到达时间覆盖, after `yitu check`) | enterprise.")
    ] = "risk",
    enterprise: Annotated[
        Optional[str], typer.Option(help="企业编号 Enterprise id: its 企业内部四色分布图 (implies --what enterprise).")
    ] = None,
    park: Annotated[
        Optional[str], typer.Option(help="园区编号 Park id: zoom the risk map on this park (园区四色分布图).")
    ] = None,
    fmt: Annotated[Optional[str], typer.Option("--format", help="格式 png | svg | pdf (default from --out, else png).")] = None,
    paper: Annotated[Optional[str], typer.Option(help="纸张 A4 | A3 | A2 | A1 | A0 (default: settings maps.paper).")] = None,
    dpi: Annotated[Optional[int], typer.Option(help="分辨率 Raster resolution (default: settings maps.dpi, 300).")] = None,
    font: Annotated[Optional[str], typer.Option(help="中文字体 CJK font file (.ttc/.ttf/.otf) or family name.")] = None,
    lang: Annotated[Optional[str], typer.Option(help="语言 zh | en (default: settings maps.lang).")] = None,
    title: Annotated[Optional[str], typer.Option(help="标题 Map title (default: project name + map name).")] = None,
    out: Annotated[
        Optional[Path], typer.Option("--out", help="输出文件 Output file (default DIR/output/images/<what>.<format>).")
    ] = None,
) -> None:
    """地图图片 Render a map image (PNG/SVG/PDF on A4…A0) for reports: risk, coverage or one enterprise."""
    from yitu.errors import InputError
    from yitu.layers.project import Project
    from yitu.maps.static import FORMATS, render, save_figure

    p = Project.open(directory)
    if enterprise:
        what = "enterprise"
    if fmt is None:
        fmt = out.suffix.lower().lstrip(".") if out is not None and out.suffix else "png"
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use png, svg or pdf")
    if out is None:
        stem = f"enterprise_{enterprise}" if what == "enterprise" and enterprise else what
        if park and what == "risk":
            stem = f"risk_park_{park}"
        stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", stem)  # an id such as 2023/001 names one file, not a folder
        out = p.output_dir / "images" / f"{stem}.{fmt}"
    elif out.suffix.lower().lstrip(".") != fmt:
        raise InputError(f"--out {out} does not end in .{fmt} (the --format); name the file {out.with_suffix('.' + fmt)}")
    with _working(f"绘制中 rendering {out.name}…"):
        fig = render(p, what=what, enterprise_id=enterprise, paper=paper, lang=lang, font=font, title=title,
                     park_id=park)
        path = save_figure(fig, out, dpi=dpi or p.settings.maps.dpi)
    console.print(str(path), highlight=False, soft_wrap=True)


def lists_cmd(
    directory: ProjectDir,
    out: Annotated[Optional[Path], typer.Option("--out", help="输出目录 Output folder (default DIR/output/lists).")] = None,
    lang: Annotated[str, typer.Option(help="统计图语言 Chart language: zh | en (sheet headers stay Chinese).")] = "zh",
    font: Annotated[Optional[str], typer.Option(help="中文字体 CJK font file or family for the chart image.")] = None,
) -> None:
    """两单与统计 Write 安全风险清单, 隐患清单 and 风险统计 (with a bar chart) as XLSX."""
    import pandas as pd

    from yitu.layers.project import Project
    from yitu.layers.registers import lists_statistics, write_lists
    from yitu.maps.charts import write_grade_chart

    p = Project.open(directory)
    out_dir = out if out is not None else p.output_dir / "lists"
    with _working("生成两单 writing the lists…"):
        stats = lists_statistics(p)
        png = write_grade_chart(stats, out_dir / "风险统计图.png", lang=lang, font=font or p.settings.maps.font or None)
        paths = write_lists(p, out_dir, chart_png=png)
    overview = stats["总体"].copy()
    overview["占比"] = overview["占比"].map(lambda v: f"{v:.1%}")
    console.print(_table(overview, title=f"企业风险等级 enterprises by grade · {p.settings.project.name}"))
    high = stats["按乡镇"][["乡镇街道", "合计", "较大以上"]]
    console.print(_table(high, title="各乡镇街道 by town (较大以上 = 红+橙)"))
    upd = stats["更新情况"][["名称", "记录数", "已过期", "无更新日期", "最早更新日期"]]
    console.print(_table(upd, title=f"更新情况 staleness (> {p.settings.risk.stale_months} 个月为过期)"))
    if "隐患统计" in stats:
        console.print(_table(stats["隐患统计"], title="隐患 hazards (逾期 = overdue)"))
    files = pd.DataFrame({"文件 file": [str(v) for v in (*paths.values(), png)]})
    console.print(_table(files, title="已写入 written"))
    n_none = int(overview.loc[overview["风险等级"] == "未定级", "企业数"].sum())
    if n_none:
        err.print(f"[yellow]注意 warning:[/] {n_none} 家企业未定级 (no grade, zone or L/E/C): listed in grey",
                  markup=True, highlight=False)


def report_cmd(
    directory: ProjectDir,
    drill: Annotated[Optional[str], typer.Option("--drill", help="演练地点 ENTERPRISE_ID or LON,LAT for the drill section.")] = None,
    hazard: Annotated[str, _HAZARD] = "fire",
    closed: Annotated[Optional[list[str]], _CLOSED] = None,
    closed_area: Annotated[Optional[Path], _CLOSED_AREA] = None,
    out: Annotated[Optional[Path], typer.Option(help="输出目录 Output folder (default DIR/output/report).")] = None,
) -> None:
    """核查报告 Readiness report: one offline HTML page and one DOCX (verdict, park checks, drill, gaps, settings); exit 3 when the verdict is FAIL."""
    from yitu.layers.project import Project
    from yitu.maps.report import readiness_report
    from yitu.routing.build import load_network
    from yitu.routing.drill import run_drill

    p = Project.open(directory)
    if (closed or closed_area) and not drill:
        from yitu.errors import InputError

        raise InputError("--closed/--closed-area need --drill ENTERPRISE_ID|LON,LAT (the closures apply to a drill)")
    with _working("生成报告 writing the readiness report…"):
        net = load_network(p)
        result = None
        if drill:
            names, ids = _split_closed(closed)
            result = run_drill(p, at=drill, hazard=hazard, closed_names=names, closed_ids=ids,
                               closed_area=closed_area, network=net)
        paths = readiness_report(p, drill=result, network=net, out_dir=out)
    verdict = "通过 PASS" if paths["verdict"] == "PASS" else "不通过 FAIL"
    console.print(f"总体结论 verdict: {verdict}\n报告 report: {paths['html']}\n         {paths['docx']}",
                  highlight=False)
    if paths["verdict"] != "PASS":
        raise typer.Exit(EXIT_FAIL)


def register(app: typer.Typer) -> None:
    """Add these commands to ``app``."""
    app.command("map")(map_cmd)
    app.command("render")(render_cmd)
    app.command("lists")(lists_cmd)
    app.command("report")(report_cmd)
