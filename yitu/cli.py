"""The ``yitu`` command line: parses arguments, calls library functions, prints summaries.

No logic lives here that a Python user could not call: every command is one or two calls
into ``yitu.gis``, ``yitu.layers``, ``yitu.routing`` or ``yitu.maps``.
Exit codes: 0 success, 2 bad input (any :class:`yitu.errors.YituError`), 3 a check failed.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape

from yitu import __version__
from yitu.errors import YituError

app = typer.Typer(
    name="yitu",
    help="一图 yitu: 四色风险图、15分钟救援圈与应急资源规划。Risk maps, rescue coverage and planning.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
network_app = typer.Typer(help="道路网络 Road network: build and inspect.", no_args_is_help=True)
app.add_typer(network_app, name="network")

console = Console()  # results to stdout
err = Console(stderr=True)  # progress, warnings and errors to stderr

EXIT_OK = 0
EXIT_INPUT = 2
EXIT_FAIL = 3

ProjectDir = Annotated[Path, typer.Argument(help="项目目录 Project folder (holds yitu.toml and project.gpkg).")]


class _State:
    quiet: bool = False


state = _State()


def progress_enabled() -> bool:
    """Progress bars only on a terminal and without --quiet."""
    return not state.quiet and sys.stderr.isatty()


@contextlib.contextmanager
def _working(what: str) -> Iterator[None]:
    """A spinner on stderr saying ``what`` runs, while it runs; nothing unless :func:`progress_enabled`."""
    if not progress_enabled():
        yield
        return
    with err.status(what, spinner="dots"):
        yield


def _version(value: bool) -> None:
    if value:
        console.print(f"yitu {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="只输出结果 Only results, no progress or info.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="输出调试信息 Debug logging.")] = False,
    version: Annotated[
        Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help="显示版本 Show the version.")
    ] = None,
) -> None:
    state.quiet = quiet
    level = logging.DEBUG if verbose else (logging.WARNING if quiet else logging.INFO)
    logging.basicConfig(
        level=level,
        format="%(message)s",
        handlers=[RichHandler(console=err, show_time=False, show_path=False, markup=False)],
        force=True,
    )
    logging.getLogger("pyogrio").setLevel(logging.WARNING)


# ---------------------------------------------------------------------------- section: project
# (init, import, validate, info) -- yitu.layers / yitu.gis


def _table(df, *, title: str | None = None, max_rows: int = 50):  # type: ignore[no-untyped-def]
    """A rich table of a DataFrame (strings as they are; NaN shown as —)."""
    from rich.table import Table

    t = Table(title=title, show_lines=False)
    for c in df.columns:
        t.add_column(str(c))
    for _, r in df.head(max_rows).iterrows():
        t.add_row(*["—" if (v is None or (isinstance(v, float) and v != v)) else str(v) for v in r])
    if len(df) > max_rows:
        t.caption = f"… {len(df) - max_rows} more rows"
    return t


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if not text:
        return None
    from yitu.errors import InputError

    try:
        vals = tuple(float(v) for v in text.replace("，", ",").split(","))
    except ValueError:
        vals = ()
    if len(vals) != 4:
        raise InputError(f"--bbox {text!r}: give min_lon,min_lat,max_lon,max_lat")
    return vals  # type: ignore[return-value]


@app.command("init")
def init_cmd(
    directory: ProjectDir,
    name: Annotated[Optional[str], typer.Option(help="项目名称 Project name.")] = None,
    bbox: Annotated[Optional[str], typer.Option(help="项目范围 min_lon,min_lat,max_lon,max_lat (WGS-84).")] = None,
) -> None:
    """新建项目 Create a project folder (yitu.toml + project.gpkg)."""
    from yitu.layers.project import Project

    p = Project.init(directory, name=name, bbox=_bbox(bbox))
    console.print(f"项目已创建 project created: {p.path} (settings: {p.path / 'yitu.toml'})")


@app.command("import")
def import_cmd(
    directory: ProjectDir,
    layer: Annotated[str, typer.Argument(help="图层 Layer: enterprises, risk_zones, stations, shelters, parks, targets, water_sources, depots, hazards.")],
    file: Annotated[Path, typer.Argument(help="数据文件 CSV, XLSX, GeoJSON, GeoPackage or Shapefile.")],
    crs: Annotated[Optional[str], typer.Option(help="坐标系 wgs84 | cgcs2000 | gcj02 (高德) | bd09 (百度) | EPSG:xxxx.")] = None,
    sheet: Annotated[Optional[str], typer.Option(help="工作表 XLSX sheet name.")] = None,
    gpkg_layer: Annotated[Optional[str], typer.Option("--layer", help="GeoPackage layer name.")] = None,
    encoding: Annotated[Optional[str], typer.Option(help="文本编码 e.g. gbk, utf-8 (detected when omitted).")] = None,
    append: Annotated[bool, typer.Option(help="追加 Append to the layer instead of replacing it.")] = False,
) -> None:
    """导入图层 Load, validate and store a layer; rejected rows go to rejected/LAYER.csv."""
    import pandas as pd

    from yitu.layers.load import import_layer
    from yitu.layers.project import Project

    p = Project.open(directory)
    r = import_layer(p, layer, file, append=append, crs=crs, sheet=sheet, gpkg_layer=gpkg_layer, encoding=encoding)
    summary = pd.DataFrame(
        [{"图层 layer": layer, "输入 rows": r.n_input, "导入 loaded": len(r.gdf), "拒绝 rejected": r.n_rejected}]
    )
    console.print(_table(summary))
    for w in r.warnings:
        err.print(f"[yellow]注意 warning:[/] {w}", markup=True, highlight=False)
    if r.ignored_columns:
        err.print(f"未识别的列 columns not loaded: {', '.join(r.ignored_columns)}", highlight=False)
    if r.n_rejected:
        console.print(_table(r.rejected, title="拒绝的行 rejected rows", max_rows=20))
        console.print(f"拒绝清单 rejected list: {p.rejected_dir / (layer + '.csv')}")


@app.command("validate")
def validate_cmd(directory: ProjectDir) -> None:
    """校验项目 Check every layer and the links between them; exit 3 on errors."""
    from yitu.gis.io import write_csv
    from yitu.layers.project import Project
    from yitu.layers.validate import summarize_findings, validate_project

    p = Project.open(directory)
    findings = validate_project(p)
    n_err = int((findings["severity"] == "error").sum())
    n_warn = int((findings["severity"] == "warning").sum())
    if len(findings):
        console.print(_table(summarize_findings(findings), title="校验结果 findings", max_rows=40))
        path = write_csv(findings, p.output_dir / "validate.csv")
        console.print(f"完整清单 full list: {path}")
    console.print(f"错误 errors: {n_err} · 警告 warnings: {n_warn}")
    if n_err:
        raise typer.Exit(EXIT_FAIL)


@app.command("info")
def info_cmd(directory: ProjectDir) -> None:
    """项目概况 Summarise the layers of a project."""
    from yitu.layers.info import summarize
    from yitu.layers.project import Project

    p = Project.open(directory)
    console.print(_table(summarize(p), title=f"{p.settings.project.name} · {p.gpkg}"))

# ---------------------------------------------------------------------------- end: project

# ---------------------------------------------------------------------------- section: demo
# (demo) -- yitu.layers.demo


@app.command("demo")
def demo_cmd(
    directory: ProjectDir,
    seed: Annotated[int, typer.Option(help="随机种子 Random seed (the same seed gives the same county).")] = 20240601,
    force: Annotated[bool, typer.Option(help="覆盖 Replace a non-empty folder.")] = False,
) -> None:
    """生成演示项目 Build the fictional demo county (青岚县, 虚构) as a project, from office-style input files."""
    import pandas as pd

    from yitu.layers.demo import build_demo_project

    project, results = build_demo_project(directory, seed=seed, force=force)
    rows = [
        {"图层 layer": k, "文件 file": Path(r.source).name, "导入 loaded": len(r.gdf), "拒绝 rejected": r.n_rejected}
        for k, r in results.items()
    ]
    console.print(_table(pd.DataFrame(rows), title=f"{project.settings.project.name} · {project.path}"))
    console.print(
        f"输入文件 inputs: {project.path / 'inputs'} (roads.osm, roads.gpkg and the office files); "
        f"拒绝清单 rejected rows: {project.rejected_dir}"
    )

# ---------------------------------------------------------------------------- end: demo

# ---------------------------------------------------------------------------- section: network
# (network build, network info) -- yitu.routing.network


def _network_table(d: dict, cache: Path | None, *, title: str):  # type: ignore[no-untyped-def]
    from rich.table import Table

    t = Table(title=title, show_header=False)
    t.add_column("k")
    t.add_column("v", overflow="fold")
    t.add_row("节点 nodes", f"{d['nodes']:,}")
    t.add_row("路段 edges (directed)", f"{d['edges']:,}")
    t.add_row("里程 road km", f"{d['km']:,.1f}")
    t.add_row("单行路段 one-way edges", f"{d['one_way_edges']:,}")
    t.add_row("信号灯 signals", f"{d['signals']:,}")
    t.add_row("速度配置 profile", str(d["profile"]))
    t.add_row("坐标系 CRS", str(d["crs"]))
    t.add_row("道路等级 classes", ", ".join(f"{k} {v}" for k, v in sorted(d["classes"].items(), key=lambda kv: -kv[1])))
    dropped = {k: v for k, v in d["dropped"].items() if v}
    t.add_row("剔除 dropped", ", ".join(f"{k} {v}" for k, v in dropped.items()) or "无 none")
    t.add_row("来源 source", str(d["source"]))
    t.add_row("缓存 cache", str(cache) if cache else "—")
    return t


@network_app.command("build")
def network_build_cmd(
    directory: ProjectDir,
    osm: Annotated[Optional[Path], typer.Option(help="OSM 文件 .osm / .osm.gz / .osm.pbf.")] = None,
    roads: Annotated[Optional[Path], typer.Option(help="道路线图层 Road-line layer (GeoPackage, Shapefile, GeoJSON).")] = None,
    profile: Annotated[str, typer.Option(help="速度配置 Speed profile (fire_engine, walking, ...).")] = "fire_engine",
    class_field: Annotated[Optional[str], typer.Option(help="道路等级字段 Road-class field of --roads.")] = None,
    speed_field: Annotated[Optional[str], typer.Option(help="速度字段 Speed (km/h) field of --roads.")] = None,
    oneway_field: Annotated[Optional[str], typer.Option(help="单行字段 One-way field of --roads.")] = None,
    name_field: Annotated[Optional[str], typer.Option(help="路名字段 Name field of --roads.")] = None,
    layer: Annotated[Optional[str], typer.Option(help="GeoPackage layer of --roads.")] = None,
    crs: Annotated[Optional[str], typer.Option(help="坐标系 of --roads when the file declares none (wgs84 | cgcs2000 | EPSG:xxxx).")] = None,
) -> None:
    """构建道路网络 Build the road network from OSM or road lines, cache it and store the roads layer."""
    from yitu.layers.project import Project
    from yitu.routing.build import build_network, cache_file
    from yitu.routing.network import describe

    p = Project.open(directory)
    with _working("构建道路网络 building the road network…"):
        net = build_network(p, osm=osm, roads=roads, profile=profile, class_field=class_field,
                            speed_field=speed_field, oneway_field=oneway_field, name_field=name_field, layer=layer,
                            crs=crs)
    console.print(_network_table(describe(net), cache_file(p, profile=profile), title=f"道路网络 road network · {p.path}"))


@network_app.command("info")
def network_info_cmd(
    directory: ProjectDir,
    profile: Annotated[str, typer.Option(help="速度配置 Speed profile.")] = "fire_engine",
) -> None:
    """道路网络概况 Summarise the project's road network."""
    from yitu.layers.project import Project
    from yitu.routing.build import cache_file, load_network
    from yitu.routing.network import describe

    p = Project.open(directory)
    with _working("读取道路网络 loading the road network…"):
        net = load_network(p, profile=profile)
    console.print(_network_table(describe(net), cache_file(p, profile=profile), title=f"道路网络 road network · {p.path}"))

# ---------------------------------------------------------------------------- end: network

# ---------------------------------------------------------------------------- section: check
# (check) -- yitu.routing coverage / isochrones / park check


def _minutes(v: object) -> str:
    return "—" if v is None or (isinstance(v, float) and v != v) else f"{float(v):.1f}"  # type: ignore[arg-type]


@app.command("check")
def check_cmd(
    directory: ProjectDir,
    park: Annotated[Optional[str], typer.Option(help="园区编号 Check only this park id.")] = None,
    limit: Annotated[Optional[float], typer.Option(help="时限(分钟) Time limit, alarm to arrival (default: rescue.park_limit_min).")] = None,
    profile: Annotated[str, typer.Option(help="速度配置 Speed profile.")] = "fire_engine",
    worst: Annotated[int, typer.Option(help="列出最差的未达标目标数 How many failing targets to list.")] = 10,
) -> None:
    """园区15分钟救援圈检查 Park check: every enterprise, red/orange zone and boundary point within the limit; exit 3 on FAIL."""
    import pandas as pd

    from yitu.layers.project import Project
    from yitu.routing.parks import KIND_LABELS, STATUS_LABELS, run_check

    p = Project.open(directory)
    with _working("计算中 computing the park check…"):
        r = run_check(p, park=park, limit_min=limit, profile=profile)
    pk = r.check.parks
    rows = pd.DataFrame({
        "园区 park": pk["park_id"] + " " + pk["park_name"],
        "结论 verdict": pk["verdict"].map({"PASS": "达标 PASS", "FAIL": "不达标 FAIL"}),
        "目标 targets": pk["n_targets"].astype(str),
        "未达标 fail": pk["n_fail"].astype(str),
        "最大超时 worst miss (min)": pk["worst_miss_min"].map(_minutes),
        "圈内面积 covered": (pk["covered_share"] * 100).map(lambda v: f"{v:.1f}%"),
        "说明 note": pk["note"],
    })
    console.print(_table(rows, title=f"园区救援圈检查 park check · {r.limit_min:g} 分钟 · {r.profile}"))
    fails = r.check.failing().head(max(worst, 0))
    if len(fails):
        ft = pd.DataFrame({
            "园区 park": fails["park_id"],
            "类型 kind": fails["kind"].map(lambda k: KIND_LABELS.get(k, k)),
            "目标 target": fails["target_id"] + " " + fails["name"],
            "到场 arrival (min)": fails["arrival_min"].map(_minutes),
            "超时 miss (min)": fails["miss_min"].where(fails["status"] == "ok").map(_minutes),
            "最近站点 nearest": fails["nearest_station_name"].fillna("—"),
            "状态 status": fails["status"].map(lambda s: STATUS_LABELS.get(s, s)),
        })
        console.print(_table(ft, title=f"最差的未达标目标 worst failing targets ({len(r.check.failing())} in all)"))
    for _, s in r.stations_off_network.iterrows():
        err.print(f"[yellow]注意 warning:[/] {s['station_id']} {s['station_name']}: {s['note']}", markup=True, highlight=False)
    console.print("结果 results: " + ", ".join(str(f) for f in r.files.values()))
    if not r.passed:
        raise SystemExit(EXIT_FAIL)  # main() drops typer.Exit codes in non-standalone mode

# ---------------------------------------------------------------------------- end: check

# ---------------------------------------------------------------------------- section: map
# (map) -- yitu.maps.html


@app.command("map")
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
# ---------------------------------------------------------------------------- end: map

# ---------------------------------------------------------------------------- section: render
# (render) -- yitu.maps.static


@app.command("render")
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

# ---------------------------------------------------------------------------- end: render

# ---------------------------------------------------------------------------- section: lists
# (lists) -- yitu.layers.grading / yitu.layers.registers / yitu.layers.stats


@app.command("lists")
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

# ---------------------------------------------------------------------------- end: lists

# ---------------------------------------------------------------------------- section: drill
# (drill, gaps, report) -- yitu.routing.drill / yitu.maps.report

_DRILL_AT = typer.Option("--at", help="演练地点 ENTERPRISE_ID or LON,LAT (WGS-84).")
_HAZARD = typer.Option("--hazard", help="灾情类型 fire | leak | explosion (or a profile from yitu.toml).")
_CLOSED = typer.Option("--closed", help="封闭道路 Road name or OSM way id (a number = way id); repeat for several.")
_CLOSED_AREA = typer.Option("--closed-area", help="封闭区域 Polygon file (GeoJSON/GPKG/SHP); roads crossing it are closed.")


def _split_closed(closed: list[str] | None) -> tuple[list[str], list[str]]:
    names, ids = [], []
    for c in closed or []:
        for part in str(c).replace("，", ",").split(","):
            part = part.strip()
            if part:
                (ids if part.isdigit() else names).append(part)
    return names, ids


def _fmt_min(v) -> str:  # type: ignore[no-untyped-def]
    return "—" if v is None or v != v else f"{v:.1f}"


def _fmt_share(v) -> str:  # type: ignore[no-untyped-def]
    """A share 0..1 as a percentage, as the park check prints it."""
    return "—" if v is None or v != v else f"{float(v) * 100:.1f}%"


def _print_drill(res, *, title: str) -> None:  # type: ignore[no-untyped-def]
    import pandas as pd
    from rich import box
    from rich.table import Table

    f = res.forces
    t = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False)
    for c in ("序", "救援力量", "到场分", "车辆", "泡沫车", "举高", "人员", "泡沫t"):
        t.add_column(c, no_wrap=True)
    for r in f.itertuples(index=False):
        name = str(r.station_name)
        if r.status != "reachable":
            name += f"\n[red]{r.status}[/]"
        t.add_row("—" if pd.isna(r.rank) else str(r.rank), name, _fmt_min(r.arrival_min), str(r.vehicles),
                  str(r.foam_tender), str(r.aerial), str(r.personnel), f"{r.foam_t:g}")
    console.print(t)
    t2 = Table(title="到场力量 on site", box=box.SIMPLE_HEAD, pad_edge=False)
    for c in ("分钟", "力量", "车辆", "水罐", "泡沫车", "举高", "抢险", "化救", "人员", "泡沫t"):
        t2.add_column(c)
    for r in res.on_site.itertuples(index=False):
        t2.add_row(f"≤{r.minute:g}", str(r.forces), str(r.vehicles), str(r.pumper), str(r.foam_tender), str(r.aerial),
                   str(r.rescue), str(r.hazmat), str(r.personnel), f"{r.foam_t:g}")
    console.print(t2)
    t3 = Table(title=f"力量需求 requirements ({res.hazard})", box=box.SIMPLE_HEAD, pad_edge=False)
    for c in ("结论", "要求", "说明"):
        t3.add_column(c, no_wrap=c == "结论")
    for r in res.requirements.itertuples(index=False):
        mark = "[green]MET[/]" if r.status == "MET" else "[bold red]NOT MET[/]"
        t3.add_row(mark, str(r.label), str(r.detail))
    console.print(t3)


@app.command("drill")
def drill_cmd(
    directory: ProjectDir,
    at: Annotated[str, _DRILL_AT],
    hazard: Annotated[str, _HAZARD] = "fire",
    closed: Annotated[Optional[list[str]], _CLOSED] = None,
    closed_area: Annotated[Optional[Path], _CLOSED_AREA] = None,
    profile: Annotated[str, typer.Option(help="速度配置 Speed profile.")] = "fire_engine",
) -> None:
    """演练前核查 Drill: every force ranked by arrival, on site at 5/15/30 min, requirement lines; exit 3 if any is NOT MET."""
    from yitu.layers.project import Project
    from yitu.routing.drill import compare, run_drill

    p = Project.open(directory)
    names, ids = _split_closed(closed)
    with _working("计算中 computing the drill…"):
        before, after = run_drill(p, at=at, hazard=hazard, closed_names=names, closed_ids=ids,
                                  closed_area=closed_area, profile=profile)
    site = before.site
    console.print(f"[bold]演练地点 site:[/] {site.name} ({site.site_id}) · 灾情 hazard: {hazard} · "
                  f"距道路 {before.site_snap_m:.0f} m", highlight=False)
    _print_drill(before, title="救援力量到场排序 forces by arrival" + (" · 封闭前 before" if after else ""))
    if after is not None:
        roads = sorted(set(after.closed_lines["name"].astype(str))) if after.closed_lines is not None else []
        console.print(f"[bold]封闭 closed:[/] {'、'.join(after.closed_what)} → {'、'.join(roads) or '—'} "
                      f"({after.closed_edges} directed edges)", highlight=False)
        _print_drill(after, title="封闭后 after the closures")
        from rich import box
        from rich.table import Table

        t = Table(title="封闭前后对比 before/after", box=box.SIMPLE_HEAD, pad_edge=False)
        for c in ("救援力量", "封闭前分", "封闭后分", "延误分", "变化"):
            t.add_column(c, no_wrap=True)
        for r in compare(before, after).itertuples(index=False):
            t.add_row(str(r.station_name), _fmt_min(r.arrival_before), _fmt_min(r.arrival_after),
                      _fmt_min(r.delay_min), str(r.change))
        console.print(t)
    console.print(f"结果 results: {p.output_dir / 'drill'} (forces/curve/requirements CSV, drill.xlsx); "
                  "layers result_drill_forces, result_drill_routes", highlight=False)
    n_bad = before.n_not_met + (after.n_not_met if after is not None else 0)
    verdict = "[bold red]FAIL 不满足[/]" if n_bad else "[bold green]PASS 全部满足[/]"
    console.print(f"结论 verdict: {verdict} ({n_bad} requirement line(s) NOT MET)")
    if n_bad:
        raise typer.Exit(EXIT_FAIL)


@app.command("gaps")
def gaps_cmd(
    directory: ProjectDir,
    park_limit: Annotated[Optional[float], typer.Option(help="园区内企业时限 Minutes for enterprises in a park (default rescue.park_limit_min).")] = None,
    limit: Annotated[Optional[float], typer.Option(help="其余时限 Minutes for everything else (default rescue.urban_limit_min).")] = None,
) -> None:
    """缺口清单 Gap list: places outside every station's limit, failing parks, districts over the 建标152 area."""
    import pandas as pd

    from yitu.layers.project import Project
    from yitu.routing.build import load_network
    from yitu.routing.gaps import GAP_LABELS, gaps, write_gaps

    p = Project.open(directory)
    with _working("计算中 computing the gap list…"):
        res = gaps(p, load_network(p), park_limit_min=park_limit, other_limit_min=limit)
    from rich import box
    from rich.table import Table

    status = {"ok": "超时", "off_network": "不在路网", "unreachable": "不可达"}
    for key, title in (("enterprises", "时限外企业"), ("targets", "时限外防护目标"), ("villages", "时限外村庄")):
        df = res[key]
        t = Table(title=f"{title} {key} ({len(df)})", box=box.SIMPLE_HEAD, pad_edge=False)
        for c in ("编号", "名称", "等级", "人数", "时限", "到场", "状态"):
            t.add_column(c, no_wrap=c in ("编号", "名称"))
        for r in df.head(15).itertuples(index=False):
            t.add_row(str(r.id), str(r.name), str(r.grade_label), "—" if r.population is pd.NA else str(r.population),
                      f"{r.limit_min:g}", _fmt_min(r.arrival_min), status.get(str(r.status), str(r.status)))
        if len(df) > 15:
            t.caption = f"… {len(df) - 15} more rows"
        console.print(t)
    for key, title, cols in (
        ("parks", "未通过救援圈的园区 parks failing", ["park_id", "park_name", "n_fail", "worst_miss_min", "covered_share"]),
        ("districts", "辖区面积超标站点 districts over 建标152", ["station_name", "station_type", "district_km2", "max_km2",
                                                           "excess_km2"]),
    ):
        df = res[key]
        t = Table(title=f"{title} ({len(df)})", box=box.SIMPLE_HEAD, pad_edge=False)
        for c in cols:
            t.add_column(GAP_LABELS.get(c, c), no_wrap=True)
        for r in df[cols].itertuples(index=False):
            t.add_row(*[_fmt_share(v) if c == "covered_share" else _fmt_min(v) if isinstance(v, float) else str(v)
                        for c, v in zip(cols, r)])
        if len(df):
            t.caption = f"依据 source: {df['source'].iloc[0]}"
        console.print(t)
    with _working("写入中 writing the gap lists…"):
        paths = write_gaps(p, res)
    console.print(f"完整清单 full lists: {paths['xlsx'].parent} (CSV per table, gaps.xlsx)", highlight=False)


@app.command("report")
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

# ---------------------------------------------------------------------------- end: drill

# ---------------------------------------------------------------------------- section: settings
# (settings) -- yitu.settings


@app.command("settings")
def settings_cmd(
    directory: Annotated[
        Optional[Path], typer.Argument(help="项目目录 Project folder or its yitu.toml (default: the packaged defaults).")
    ] = None,
    defaults: Annotated[
        bool, typer.Option("--defaults", help="默认设置 Print the packaged defaults.toml with its comments and sources.")
    ] = False,
) -> None:
    """当前设置 Print the settings in effect as TOML; with DIR, the keys its yitu.toml sets are marked."""
    from yitu.errors import InputError
    from yitu.settings import defaults_text, load_settings, overridden_keys, settings_toml

    if defaults:
        if directory is not None:
            raise InputError("--defaults prints the packaged defaults: leave out DIR (or drop --defaults)")
        console.out(defaults_text(), highlight=False, end="")
        return
    if directory is None:
        console.out(settings_toml(load_settings(None)), highlight=False, end="")
        return
    keys = overridden_keys(directory)  # checks that DIR exists
    settings = load_settings(directory)
    if settings.source == "defaults":
        err.print(f"{directory} has no yitu.toml: these are the packaged defaults", highlight=False)
    console.out(settings_toml(settings, overridden=keys), highlight=False, end="")

# ---------------------------------------------------------------------------- end: settings

# ---------------------------------------------------------------------------- more commands
# Commands added since the first wave live in yitu/commands/ (one module per concern).
from yitu.commands import register_all as _register_all  # noqa: E402

_register_all(app)

# ---------------------------------------------------------------------------- entry point


def main(argv: list[str] | None = None) -> None:
    """Console-script entry: a :class:`YituError`, or an ``OSError`` of the machine (no permission, a
    read-only or full disk: :func:`yitu.errors.os_error_message`), becomes one line on stderr and
    exit code 2."""
    try:
        rc = app(args=argv, standalone_mode=False)
    except YituError as exc:
        err.print(f"[bold red]错误 error:[/] {escape(str(exc))}", highlight=False, markup=True, soft_wrap=True)
        sys.exit(exc.exit_code)
    except OSError as exc:  # no permission, a read-only or full disk: one line, the path, what to do
        from yitu.errors import os_error_message

        message = os_error_message(exc)
        if message is None:
            raise
        err.print(f"[bold red]错误 error:[/] {escape(message)}", highlight=False, markup=True, soft_wrap=True)
        sys.exit(EXIT_INPUT)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("aborted")
        sys.exit(1)
    except SystemExit:
        raise
    except Exception as exc:
        # usage errors are click's ClickException (vendored as typer._click in typer >= 0.20):
        # recognised by their interface rather than by a module that may not exist
        if callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()
            sys.exit(exc.exit_code)
        raise
    # click in non-standalone mode returns the code of a typer.Exit instead of raising it
    if isinstance(rc, int) and rc != 0:
        sys.exit(rc)


if __name__ == "__main__":  # pragma: no cover
    main()
