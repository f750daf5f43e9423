"""The drill command: forces by arrival, on site over time, requirement lines (yitu.routing.drill)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from yitu.cli import EXIT_FAIL, ProjectDir, _working, console


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


def register(app: typer.Typer) -> None:
    """Add these commands to ``app``."""
    app.command("drill")(drill_cmd)
