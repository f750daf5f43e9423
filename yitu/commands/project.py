"""Project commands: init, import, validate, info, demo, settings (yitu.layers, yitu.settings)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from yitu.layers.schema import SCHEMAS

from yitu.cli import EXIT_FAIL, ProjectDir, _table, clean, console, say, warn
from yitu.words import has, tr


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    if not text:
        return None
    from yitu.errors import InputError

    try:
        vals = tuple(float(v) for v in text.replace("，", ",").split(","))
    except ValueError:
        vals = ()
    if len(vals) != 4:
        raise InputError(tr("cli.err.bbox", text=text))
    return vals  # type: ignore[return-value]


def init_cmd(
    directory: ProjectDir,
    name: Annotated[Optional[str], typer.Option(help="项目名称 Project name.")] = None,
    bbox: Annotated[Optional[str], typer.Option(help="项目范围 min_lon,min_lat,max_lon,max_lat (WGS-84).")] = None,
) -> None:
    """新建项目 Create a project folder (yitu.toml + project.gpkg)."""
    from yitu.layers.project import Project

    p = Project.init(directory, name=name, bbox=_bbox(bbox))
    say(tr("cli.created", path=p.path, toml=p.path / "yitu.toml"))


def import_cmd(
    directory: ProjectDir,
    layer: Annotated[str, typer.Argument(metavar="LAYER", help="图层 Layer: " + ", ".join(SCHEMAS) + ".")],
    file: Annotated[Path, typer.Argument(metavar="FILE", help="数据文件 CSV, XLSX, GeoJSON, GeoPackage or Shapefile.")],
    crs: Annotated[Optional[str], typer.Option(help="坐标系 wgs84 | cgcs2000 | gcj02 (高德) | bd09 (百度) | EPSG:xxxx.")] = None,
    sheet: Annotated[Optional[str], typer.Option(help="工作表 XLSX sheet name.")] = None,
    gpkg_layer: Annotated[
        Optional[str], typer.Option("--source-layer", metavar="NAME", help="源图层 Layer of a GeoPackage FILE to read.")
    ] = None,
    gpkg_layer_old: Annotated[Optional[str], typer.Option("--layer", hidden=True)] = None,  # the old name
    encoding: Annotated[Optional[str], typer.Option(help="文本编码 e.g. gbk, utf-8 (detected when omitted).")] = None,
    append: Annotated[bool, typer.Option(help="追加 Append to the layer instead of replacing it.")] = False,
) -> None:
    """导入图层 Load, validate and store a layer; rejected rows go to rejected/LAYER.csv."""
    import pandas as pd

    from yitu.layers.load import import_layer
    from yitu.layers.project import Project

    p = Project.open(directory)
    r = import_layer(p, layer, file, append=append, crs=crs, sheet=sheet, gpkg_layer=gpkg_layer or gpkg_layer_old,
                     encoding=encoding)
    summary = pd.DataFrame([{tr("cli.col.layer"): layer, tr("cli.col.rows"): r.n_input, tr("cli.col.loaded"): len(r.gdf),
                             tr("cli.col.rejected"): r.n_rejected}])
    console.print(_table(summary))
    for w in r.warnings:
        warn(w)
    if r.ignored_columns:
        warn(tr("cli.columns_not_loaded") + "、".join(map(str, r.ignored_columns)))
    if r.n_rejected:
        console.print(_table(r.rejected, title=tr("cli.rejected_rows"), max_rows=20))
        say(tr("cli.rejected_list"), p.rejected_dir / (layer + ".csv"))


def validate_cmd(directory: ProjectDir) -> None:
    """校验项目 Check every layer and the links between them; exit 3 on errors."""
    from yitu.gis.io import write_csv
    from yitu.layers.project import Project
    from yitu.layers.validate import findings_table, summarize_findings, validate_project

    p = Project.open(directory)
    findings = validate_project(p)
    n_err = int((findings["severity"] == "error").sum())
    n_warn = int((findings["severity"] == "warning").sum())
    if len(findings):
        console.print(_table(findings_table(summarize_findings(findings)), title=tr("cli.findings"), max_rows=40))
        path = write_csv(findings_table(findings), p.output_dir / "validate.csv")
        say(tr("cli.full_list"), path)
    say(tr("cli.error_count", n_err=n_err, n_warn=n_warn))
    if n_err:
        raise typer.Exit(EXIT_FAIL)


def info_cmd(directory: ProjectDir) -> None:
    """项目概况 Summarise the layers of a project."""
    from yitu.layers.info import summarize
    from yitu.layers.project import Project

    p = Project.open(directory)
    table = summarize(p)
    table = table.rename(columns={c: tr(f"cli.info.{c}") for c in table.columns if has(f"cli.info.{c}")})
    console.print(_table(table, title=f"{p.settings.project.name} · {p.gpkg}"))


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
        {tr("cli.col.layer"): k, tr("cli.col.file"): Path(r.source).name, tr("cli.col.loaded"): len(r.gdf),
         tr("cli.col.rejected"): r.n_rejected}
        for k, r in results.items()
    ]
    console.print(_table(pd.DataFrame(rows), title=f"{project.settings.project.name} · {project.path}"))
    say(tr("cli.demo_inputs", inputs=project.path / "inputs", rejected=project.rejected_dir))


def settings_cmd(
    directory: Annotated[
        Optional[Path],
        typer.Argument(metavar="DIR", help="项目目录 Project folder or its yitu.toml (default: the packaged defaults).",
                       show_default=False),
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
            raise InputError(tr("cli.err.defaults_no_dir"))
        console.out(clean(defaults_text()), highlight=False, end="")
        return
    if directory is None:
        console.out(clean(settings_toml(load_settings(None))), highlight=False, end="")
        return
    keys = overridden_keys(directory)  # checks that DIR exists
    settings = load_settings(directory)
    if settings.source == "defaults":
        warn(tr("cli.no_toml", path=directory))
    console.out(clean(settings_toml(settings, overridden=keys)), highlight=False, end="")


def register(app: typer.Typer) -> None:
    """Add these commands to ``app``."""
    app.command("init")(init_cmd)
    app.command("import")(import_cmd)
    app.command("validate")(validate_cmd)
    app.command("info")(info_cmd)
    app.command("demo")(demo_cmd)
    app.command("settings")(settings_cmd)
