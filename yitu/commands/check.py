"""Check commands: the park check and the gap list (yitu.routing.parks, yitu.routing.gaps)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from yitu.cli import EXIT_FAIL, ProjectDir, _cell, _rich_table, _table, _working, console, say, text, warn
from yitu.words import has, tr
from yitu.words.numbers import fmt, is_missing
from yitu.words.status import status_text


def _min(v: object) -> str:
    """Minutes to 0.1 without the unit (the column head says 分钟); — when missing."""
    return "—" if is_missing(v) else fmt(v, "min", unit=False)


def check_cmd(
    directory: ProjectDir,
    park: Annotated[Optional[str], typer.Option(metavar="ID", help="园区编号 Check only this park id.")] = None,
    limit: Annotated[Optional[float], typer.Option(metavar="MIN", help="时限(分钟) Time limit, alarm to arrival (default: rescue.park_limit_min).")] = None,
    profile: Annotated[str, typer.Option(metavar="NAME", help="速度配置 Speed profile.")] = "fire_engine",
    worst: Annotated[int, typer.Option(metavar="N", help="列出最差的未达标目标数 How many failing targets to list.")] = 10,
) -> None:
    """园区15分钟救援圈检查 Park check: every enterprise, red/orange zone and boundary point within the limit; exit 3 on FAIL."""
    import pandas as pd

    from yitu.layers.project import Project
    from yitu.routing.arrival import arrival_status
    from yitu.routing.parks import VERDICT_CODES, kind_text, run_check

    p = Project.open(directory)
    with _working(tr("cli.computing")):
        r = run_check(p, park=park, limit_min=limit, profile=profile)
    pk = r.check.parks
    rows = pd.DataFrame({
        tr("cli.col.park"): pk["park_id"].astype(str) + " " + pk["park_name"].astype(str),
        tr("cli.col.verdict"): [status_text(VERDICT_CODES.get(str(v), "unknown")) for v in pk["verdict"]],
        tr("cli.col.targets"): pk["n_targets"].astype(str),
        tr("cli.col.n_fail"): pk["n_fail"].astype(str),
        tr("cli.col.worst_miss") + "（" + tr("cli.col.minute") + "）": pk["worst_miss_min"].map(_min),
        tr("cli.col.covered"): [fmt(v, "share") for v in pk["covered_share"]],
        tr("cli.col.note"): pk["note"],
    })
    profile_words = tr(f"profile.{r.profile}") if has(f"profile.{r.profile}") else r.profile
    console.print(_table(rows, title=tr("cli.park_check", limit=fmt(r.limit_min, "min"), profile=profile_words)))
    failing = r.check.failing()
    fails = failing.head(max(worst, 0))
    if len(fails):
        st = arrival_status(fails["status"], fails["arrival_min"], fails["arrival_min"] - fails["miss_min"])
        ft = pd.DataFrame({
            tr("cli.col.park"): fails["park_id"],
            tr("cli.col.kind"): fails["kind"].map(kind_text),
            tr("cli.col.target"): fails["target_id"].astype(str) + " " + fails["name"].astype(str),
            tr("cli.col.arrival_min"): fails["arrival_min"].map(_min),
            tr("cli.col.miss") + "（" + tr("cli.col.minute") + "）": fails["miss_min"].where(fails["status"] == "ok").map(_min),
            tr("cli.col.nearest"): fails["nearest_station_name"].fillna("—"),
            tr("cli.col.status"): [status_text(v) for v in st],
        })
        console.print(_table(ft, title=tr("cli.worst_failing", n=len(failing))))
    for _, s in r.stations_off_network.iterrows():
        warn(f"{s['station_id']} {s['station_name']}: {s['note']}")
    say(tr("cli.results"), "、".join(str(f) for f in r.files.values()))
    if not r.passed:
        raise SystemExit(EXIT_FAIL)  # main() drops typer.Exit codes in non-standalone mode


def gaps_cmd(
    directory: ProjectDir,
    park_limit: Annotated[Optional[float], typer.Option(metavar="MIN", help="园区内企业时限 Minutes for enterprises in a park (default rescue.park_limit_min).")] = None,
    limit: Annotated[Optional[float], typer.Option(metavar="MIN", help="其余时限 Minutes for everything else (default rescue.urban_limit_min).")] = None,
) -> None:
    """缺口清单 Gap list: places outside every station's limit, failing parks, districts over the 建标152 area."""
    from yitu.layers.project import Project
    from yitu.routing.build import load_network
    from yitu.routing.gaps import gap_table, gaps, write_gaps

    p = Project.open(directory)
    with _working(tr("cli.computing")):
        res = gaps(p, load_network(p), park_limit_min=park_limit, other_limit_min=limit)
    heads = ("id", "name", "grade_label", "population", "limit_min", "arrival_min", "status")
    for key in ("enterprises", "targets", "villages"):
        df = gap_table(res[key][list(heads)])
        t = _rich_table(list(df.columns), title=tr(f"cli.gaps.{key}", n=len(df)), no_wrap=tuple(df.columns[:2]))
        for row in df.head(15).itertuples(index=False):
            t.add_row(*[_cell(v) for v in row])
        if len(df) > 15:
            t.caption = tr("cli.more_rows", n=len(df) - 15)
        console.print(t)
    for key, cols in (
        ("parks", ["park_id", "park_name", "n_fail", "worst_miss_min", "covered_share"]),
        ("districts", ["station_name", "station_type", "district_km2", "max_km2", "excess_km2"]),
    ):
        src = res[key]
        df = gap_table(src[cols])
        t = _rich_table(list(df.columns), title=tr(f"cli.gaps.{key}", n=len(df)), no_wrap=tuple(df.columns))
        for row in df.itertuples(index=False):
            t.add_row(*[_cell(f"{v}%" if c == "covered_share" and not is_missing(v) else v) for c, v in zip(cols, row)])
        if len(src):
            t.caption = text(tr("cli.source", source=src["source"].iloc[0]))
        console.print(t)
    with _working(tr("cli.writing")):
        paths = write_gaps(p, res)
    say(tr("cli.gaps.written", folder=paths["xlsx"].parent))


def register(app: typer.Typer) -> None:
    """Add these commands to ``app``."""
    app.command("check")(check_cmd)
    app.command("gaps")(gaps_cmd)
