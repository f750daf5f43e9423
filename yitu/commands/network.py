"""Road-network commands: ``yitu network build`` and ``yitu network info`` (yitu.routing)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from yitu.cli import ProjectDir, _Group, _working, console, text
from yitu.words import tr

network_app = typer.Typer(cls=_Group, help="道路网络 Road network: build and inspect.", no_args_is_help=True,
                          rich_markup_mode=None)


def _network_table(d: dict, cache: Path | None, *, title: str):  # type: ignore[no-untyped-def]
    from rich.table import Table

    from yitu.words import has
    from yitu.words.common import road_class_text
    from yitu.words.numbers import fmt

    def words(key: str, prefix: str) -> str:
        return tr(prefix + key) if has(prefix + key) else key

    t = Table(title=text(title), show_header=False)
    t.add_column("k")
    t.add_column("v", overflow="fold")
    classes = sorted(d["classes"].items(), key=lambda kv: -kv[1])
    dropped = {k: v for k, v in d["dropped"].items() if v}
    for key, value in (
        ("nodes", fmt(d["nodes"], "count")),
        ("edges", fmt(d["edges"], "count")),
        ("km", fmt(d["km"], "km")),
        ("one_way", fmt(d["one_way_edges"], "count")),
        ("signals", fmt(d["signals"], "count")),
        ("profile", f"{words(str(d['profile']), 'profile.')} ({d['profile']})"),
        ("crs", str(d["crs"])),
        ("classes", "、".join(f"{road_class_text(k)} {v:,}" for k, v in classes)),
        ("dropped", "、".join(f"{words(k, 'network.dropped.')} {v:,}" for k, v in dropped.items()) or tr("value.none")),
        ("source", str(d["source"])),
        ("cache", str(cache) if cache else "—"),
    ):
        t.add_row(text(tr(f"cli.net.{key}")), text(value))
    return t


def network_build_cmd(
    directory: ProjectDir,
    osm: Annotated[Optional[Path], typer.Option(metavar="FILE", help="OSM 文件 .osm / .osm.gz / .osm.pbf.")] = None,
    roads: Annotated[Optional[Path], typer.Option(metavar="FILE", help="道路线图层 Road-line layer (GeoPackage, Shapefile, GeoJSON).")] = None,
    profile: Annotated[str, typer.Option(help="速度配置 Speed profile (fire_engine, walking, ...).")] = "fire_engine",
    class_field: Annotated[Optional[str], typer.Option(help="道路等级字段 Road-class field of --roads.")] = None,
    speed_field: Annotated[Optional[str], typer.Option(help="速度字段 Speed (km/h) field of --roads.")] = None,
    oneway_field: Annotated[Optional[str], typer.Option(help="单行字段 One-way field of --roads.")] = None,
    name_field: Annotated[Optional[str], typer.Option(help="路名字段 Name field of --roads.")] = None,
    layer: Annotated[Optional[str], typer.Option(metavar="NAME", help="源图层 GeoPackage layer of --roads.")] = None,
    crs: Annotated[Optional[str], typer.Option(help="坐标系 of --roads when the file declares none (wgs84 | cgcs2000 | EPSG:xxxx).")] = None,
) -> None:
    """构建道路网络 Build the road network from OSM or road lines, cache it and store the roads layer."""
    from yitu.layers.project import Project
    from yitu.routing.build import build_network, cache_file
    from yitu.routing.network import describe

    p = Project.open(directory)
    with _working(tr("cli.building_network")):
        net = build_network(p, osm=osm, roads=roads, profile=profile, class_field=class_field,
                            speed_field=speed_field, oneway_field=oneway_field, name_field=name_field, layer=layer,
                            crs=crs)
    console.print(_network_table(describe(net), cache_file(p, profile=profile), title=f"{tr('cli.network')} · {p.path}"))


def network_info_cmd(
    directory: ProjectDir,
    profile: Annotated[str, typer.Option(help="速度配置 Speed profile.")] = "fire_engine",
) -> None:
    """道路网络概况 Summarise the project's road network."""
    from yitu.layers.project import Project
    from yitu.routing.build import cache_file, load_network
    from yitu.routing.network import describe

    p = Project.open(directory)
    with _working(tr("cli.loading_network")):
        net = load_network(p, profile=profile)
    console.print(_network_table(describe(net), cache_file(p, profile=profile), title=f"{tr('cli.network')} · {p.path}"))


network_app.command("build")(network_build_cmd)
network_app.command("info")(network_info_cmd)


def register(app: typer.Typer) -> None:
    """Add ``yitu network`` to ``app``."""
    app.add_typer(network_app, name="network")
