"""Check commands: the park check and the gap list (yitu.routing.parks, yitu.routing.gaps)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from yitu.cli import EXIT_FAIL, ProjectDir, _table, _working, console, err
from yitu.commands.drill import _fmt_min, _fmt_share


def _minutes(v: object) -> str:
    return "—" if v is None or (isinstance(v, float) and v != v) else f"{float(v):.1f}"  # type: ignore[arg-type]


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


def register(app: typer.Typer) -> None:
    """Add these commands to ``app``."""
    app.command("check")(check_cmd)
    app.command("gaps")(gaps_cmd)
