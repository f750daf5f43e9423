"""The drill command: forces by arrival, on site over time, requirement lines (yitu.routing.drill)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from yitu.cli import EXIT_FAIL, ProjectDir, _rich_table, _working, console, say, text
from yitu.words import tr
from yitu.words.numbers import fmt, is_missing
from yitu.words.status import status_text


_DRILL_AT = typer.Option("--at", metavar="ID|LON,LAT", help="演练地点 ENTERPRISE_ID or LON,LAT (WGS-84).")
_HAZARD = typer.Option("--hazard", metavar="NAME", help="灾情类型 fire | leak | explosion (or a profile from yitu.toml).")
_CLOSED = typer.Option("--closed", metavar="ROAD", help="封闭道路 Road name or OSM way id (a number = way id); repeat for several.")
_CLOSED_AREA = typer.Option("--closed-area", metavar="FILE", help="封闭区域 Polygon file (GeoJSON/GPKG/SHP); roads crossing it are closed.")


def _split_closed(closed: list[str] | None) -> tuple[list[str], list[str]]:
    names, ids = [], []
    for c in closed or []:
        for part in str(c).replace("，", ",").split(","):
            part = part.strip()
            if part:
                (ids if part.isdigit() else names).append(part)
    return names, ids


def _fmt_min(v) -> str:  # type: ignore[no-untyped-def]
    """Minutes to 0.1 without the unit; — when missing."""
    return "—" if is_missing(v) else fmt(v, "min", unit=False)


def _fmt_share(v) -> str:  # type: ignore[no-untyped-def]
    """A share 0..1 as a percentage, as the park check prints it."""
    return "—" if is_missing(v) else fmt(v, "share")


def _n(v: object, quantity: str = "count") -> str:
    """An amount of a force: 数据缺失 when the station gave no figure, never 0."""
    return fmt(v, quantity, unit=False) if not is_missing(v) else tr("value.missing")


_MARK = {"MET": ("met", "green"), "NOT MET": ("not_met", "bold red"), "UNKNOWN": ("unknown", "bold yellow")}


def _print_drill(res, *, title: str) -> None:  # type: ignore[no-untyped-def]
    from yitu.words.common import hazard_text

    c = lambda key: tr(f"cli.col.{key}")  # noqa: E731
    t = _rich_table([c("rank"), c("force"), c("arrival_min"), c("vehicles"), c("foam_tender"), c("aerial"),
                     c("personnel"), c("foam_t")], title=title, no_wrap=(c("rank"), c("arrival_min")))
    for r in res.forces.itertuples(index=False):
        name = text(r.station_name)
        if r.status != "reachable":
            name.append("\n" + status_text(r.status), style="red")
        t.add_row(text("—" if is_missing(r.rank) else r.rank), name, text(_fmt_min(r.arrival_min)), text(_n(r.vehicles)),
                  text(_n(r.foam_tender)), text(_n(r.aerial)), text(_n(r.personnel, "people")), text(_n(r.foam_t, "t")))
    console.print(t)
    heads = ("minute", "forces", "vehicles", "pumper", "foam_tender", "aerial", "rescue", "hazmat", "personnel", "foam_t")
    t2 = _rich_table([c(k) for k in heads], title=tr("cli.drill.on_site"))
    for r in res.on_site.itertuples(index=False):
        t2.add_row(text(f"≤{fmt(r.minute, 'min', unit=False)}"),
                   *[text(fmt(getattr(r, k), "t" if k == "foam_t" else "count", unit=False)) for k in heads[1:]])
    console.print(t2)
    if "missing" in res.on_site:
        for r in res.on_site.itertuples(index=False):
            if r.missing:
                say((tr("cli.drill.missing", minute=fmt(r.minute, "min", unit=False), names=r.missing), "yellow"))
    t3 = _rich_table([c("verdict"), c("requirement"), c("detail")],
                     title=tr("cli.drill.requirements", hazard=hazard_text(res.hazard)), no_wrap=(c("verdict"),))
    for r in res.requirements.itertuples(index=False):
        code, style = _MARK.get(str(r.status), ("unknown", "bold yellow"))
        t3.add_row(text(status_text(code), style=style), text(r.label), text(r.detail))
    console.print(t3)


def drill_cmd(
    directory: ProjectDir,
    at: Annotated[str, _DRILL_AT],
    hazard: Annotated[str, _HAZARD] = "fire",
    closed: Annotated[Optional[list[str]], _CLOSED] = None,
    closed_area: Annotated[Optional[Path], _CLOSED_AREA] = None,
    profile: Annotated[str, typer.Option(metavar="NAME", help="速度配置 Speed profile.")] = "fire_engine",
) -> None:
    """演练前核查 Drill: every force ranked by arrival, on site at 5/15/30 min, requirement lines; exit 3 if any is NOT MET or cannot be judged."""
    from yitu.routing.drill import compare, run_drill
    from yitu.layers.project import Project
    from yitu.words.common import hazard_text

    p = Project.open(directory)
    names, ids = _split_closed(closed)
    with _working(tr("cli.computing")):
        before, after = run_drill(p, at=at, hazard=hazard, closed_names=names, closed_ids=ids,
                                  closed_area=closed_area, profile=profile)
    site = before.site
    say((tr("cli.drill.site", name=site.name, id=site.site_id, hazard=hazard_text(hazard), snap=fmt(before.site_snap_m, "m")),
         "bold"))
    title = tr("cli.drill.forces") + (" · " + tr("cli.drill.before") if after else "")
    _print_drill(before, title=title)
    if after is not None:
        roads = sorted(set(after.closed_lines["name"].astype(str))) if after.closed_lines is not None else []
        say((tr("cli.drill.closed", what="、".join(after.closed_what), roads="、".join(roads) or "—", n=after.closed_edges),
             "bold"))
        _print_drill(after, title=tr("cli.drill.after"))
        c = lambda key: tr(f"cli.col.{key}")  # noqa: E731
        t = _rich_table([c("force"), c("before_min"), c("after_min"), c("delay_min"), c("change")],
                        title=tr("cli.drill.compare"), no_wrap=(c("force"),))
        for r in compare(before, after).itertuples(index=False):
            t.add_row(text(r.station_name), text(_fmt_min(r.arrival_before)), text(_fmt_min(r.arrival_after)),
                      text(_fmt_min(r.delay_min)), text(r.change))
        console.print(t)
    say(tr("cli.drill.files", folder=p.output_dir / "drill"))
    n_bad = before.n_not_met + (after.n_not_met if after is not None else 0)
    n_unknown = before.n_unknown + (after.n_unknown if after is not None else 0)
    key, style = ("fail", "bold red") if n_bad else ("unknown", "bold yellow") if n_unknown else ("pass", "bold green")
    verdict = tr(f"drill.verdict.{key}")
    say(tr("cli.verdict"), (verdict, style), f" ({tr('cli.drill.verdict_counts', n_bad=n_bad, n_unknown=n_unknown)})")
    if n_bad or n_unknown:
        raise typer.Exit(EXIT_FAIL)


def register(app: typer.Typer) -> None:
    """Add these commands to ``app``."""
    app.command("drill")(drill_cmd)
