"""Output commands: the HTML map, map images, the registers (两单) and the readiness report."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Optional

import typer

from yitu.cli import EXIT_FAIL, ProjectDir, _table, _working, console, say, state, warn
from yitu.commands.drill import _CLOSED, _CLOSED_AREA, _HAZARD, _split_closed
from yitu.words import tr, use_lang
from yitu.words.status import status_text


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
    lang = lang or state.lang or p.settings.maps.lang or "zh"
    with use_lang(lang):
        with _working(tr("cli.drawing_map")):
            m = risk_map(p, tiles=tiles if tiles is not None else p.settings.maps.tiles, lang=lang, title=title)
            path = save_html(m, out or (p.output_dir / "risk_map.html"), offline=not online)
        counts = m.yitu_counts  # type: ignore[attr-defined]
        rows = [{tr("cli.col.layer"): _label(k, lang), tr("cli.col.key"): k, tr("cli.col.features"): counts[k]}
                for k in LAYER_ORDER if k in counts]
        console.print(_table(pd.DataFrame(rows), title=tr("cli.map.title")))
        src = m.yitu_tiles  # type: ignore[attr-defined]
        basemap = tr("cli.map.no_basemap") if src.is_none else f"{src.name} ({src.datum})"
        say(tr("cli.map.basemap", basemap=basemap, mode=tr("cli.map.online" if online else "cli.map.offline")))
        if "roads" not in counts:
            warn(tr("cli.map.no_roads", path=p.path))
        say(tr("cli.written"), path)

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
    safety: Annotated[
        Optional[str], typer.Option(help="企业编号 外部安全防护距离示意图 of this plant (A3; `all` = the county overview).")
    ] = None,
    evacuation: Annotated[
        Optional[str], typer.Option(help="村庄 The 避险地图 of this village (A3; `all` = one per village), after `yitu shelters`.")
    ] = None,
) -> None:
    """地图图片 Render a map image (PNG/SVG/PDF on A4…A0) for reports: risk, coverage, one enterprise, a plant's safety distances or a village's 避险地图."""
    from yitu.errors import InputError
    from yitu.layers.project import Project
    from yitu.maps.static import FORMATS, render, save_figure

    p = Project.open(directory)
    if safety is not None or evacuation is not None:
        if safety is not None and evacuation is not None:
            raise InputError(tr("cli.render_one_kind"))
        _render_planning(p, safety=safety, evacuation=evacuation, fmt=fmt, paper=paper, dpi=dpi, font=font,
                         lang=lang or state.lang or p.settings.maps.lang or "zh", out=out)
        return
    if enterprise:
        what = "enterprise"
    if fmt is None:
        fmt = out.suffix.lower().lstrip(".") if out is not None and out.suffix else "png"
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError(tr("cli.err.format", fmt=fmt))
    if out is None:
        stem = f"enterprise_{enterprise}" if what == "enterprise" and enterprise else what
        if park and what == "risk":
            stem = f"risk_park_{park}"
        stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", stem)  # an id such as 2023/001 names one file, not a folder
        out = p.output_dir / "images" / f"{stem}.{fmt}"
    elif out.suffix.lower().lstrip(".") != fmt:
        raise InputError(tr("cli.err.out_suffix", out=out, fmt=fmt, name=out.with_suffix("." + fmt)))
    with use_lang(lang or state.lang), _working(tr("cli.rendering", name=out.name)):
        fig = render(p, what=what, enterprise_id=enterprise, paper=paper, lang=lang or state.lang, font=font, title=title,
                     park_id=park)
        path = save_figure(fig, out, dpi=dpi or p.settings.maps.dpi)
    say(path)


def _render_planning(p, *, safety, evacuation, fmt, paper, dpi, font, lang, out):  # type: ignore[no-untyped-def]
    """``render --safety`` (yitu.maps.safety_render) and ``render --evacuation`` (yitu.maps.evacuation)."""
    from yitu.errors import InputError
    from yitu.maps.static import save_figure

    fmt = (fmt or (out.suffix.lstrip(".") if out is not None and out.suffix else "png")).lower().lstrip(".")
    with use_lang(lang):
        if evacuation is not None:
            from yitu.maps.evacuation import write_evacuation_maps

            every = evacuation.lower() == "all"
            with _working(tr("cli.rendering", name=evacuation)):
                paths = write_evacuation_maps(p, village=None if every else evacuation, all_villages=every,
                                              paper=paper or "A3", fmt=fmt, dpi=dpi, font=font,
                                              out_dir=out if out is not None and not out.suffix else None, lang=lang)
            for path in paths:
                say(path)
            return
        from yitu.maps.safety_render import render_safety

        if fmt not in ("png", "svg", "pdf"):
            raise InputError(tr("cli.err.format", fmt=fmt))
        enterprise = None if safety.lower() == "all" else safety
        stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", f"safety_{enterprise or 'county'}")
        path = out or p.output_dir / "images" / f"{stem}.{fmt}"
        with _working(tr("cli.rendering", name=path.name)):
            fig = render_safety(p, enterprise, paper=paper or "A3", lang=lang, font=font)
            path = save_figure(fig, path, dpi=dpi or p.settings.maps.dpi)
        say(path)


def lists_cmd(
    directory: ProjectDir,
    out: Annotated[Optional[Path], typer.Option("--out", help="输出目录 Output folder (default DIR/output/lists).")] = None,
    lang: Annotated[Optional[str], typer.Option(metavar="zh|en", help="统计图语言 Chart language: zh | en (sheet headers stay Chinese).")] = None,
    font: Annotated[Optional[str], typer.Option(help="中文字体 CJK font file or family for the chart image.")] = None,
) -> None:
    """两单与统计 Write 安全风险清单, 隐患清单 and 风险统计 (with a bar chart) as XLSX."""
    import pandas as pd

    from yitu.layers.project import Project
    from yitu.layers.registers import lists_statistics, write_lists
    from yitu.words.numbers import fmt
    from yitu.maps.charts import write_grade_chart

    p = Project.open(directory)
    out_dir = out if out is not None else p.output_dir / "lists"
    lang = lang or state.lang or "zh"
    with _working(tr("cli.writing_lists")):
        stats = lists_statistics(p)
        png = write_grade_chart(stats, out_dir / "风险统计图.png", lang=lang, font=font or p.settings.maps.font or None)
        paths = write_lists(p, out_dir, chart_png=png)
    overview = stats["总体"].copy()
    overview["占比"] = [fmt(v, "share") for v in overview["占比"]]
    console.print(_table(overview, title=tr("cli.lists.by_grade", name=p.settings.project.name)))
    high = stats["按乡镇"][["乡镇街道", "合计", "较大以上"]]
    console.print(_table(high, title=tr("cli.lists.by_town")))
    upd = stats["更新情况"][["名称", "记录数", "已过期", "无更新日期", "最早更新日期"]]
    console.print(_table(upd, title=tr("cli.lists.staleness", months=p.settings.risk.stale_months)))
    if "隐患统计" in stats:
        console.print(_table(stats["隐患统计"], title=tr("cli.lists.hazards")))
    files = pd.DataFrame({tr("cli.col.file"): [str(v) for v in (*paths.values(), png)]})
    console.print(_table(files, title=tr("cli.written")))
    n_none = int(overview.loc[overview["风险等级"] == "未定级", "企业数"].sum())
    if n_none:
        warn(tr("cli.lists.ungraded", n=n_none))


def report_cmd(
    directory: ProjectDir,
    drill: Annotated[Optional[str], typer.Option("--drill", metavar="ID|LON,LAT", help="演练地点 ENTERPRISE_ID or LON,LAT for the drill section.")] = None,
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

        raise InputError(tr("cli.err.closed_needs_drill"))
    with _working(tr("cli.writing_report")):
        net = load_network(p)
        result = None
        if drill:
            names, ids = _split_closed(closed)
            result = run_drill(p, at=drill, hazard=hazard, closed_names=names, closed_ids=ids,
                               closed_area=closed_area, network=net)
        paths = readiness_report(p, drill=result, network=net, out_dir=out)
    code = str(paths["verdict"]).lower()
    style = {"pass": "bold green", "fail": "bold red"}.get(code, "bold yellow")
    say((tr("cli.report.verdict", verdict=status_text(code)), style))
    say(tr("cli.report.files", html=paths["html"], docx=paths["docx"]))
    if paths["verdict"] != "PASS":
        raise typer.Exit(EXIT_FAIL)


def register(app: typer.Typer) -> None:
    """Add these commands to ``app``."""
    app.command("map")(map_cmd)
    app.command("render")(render_cmd)
    app.command("lists")(lists_cmd)
    app.command("report")(report_cmd)
