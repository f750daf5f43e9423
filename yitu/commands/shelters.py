"""``yitu shelters`` (who goes where, who is left out, shelters near hazards) and ``yitu evacuation-map`` (避险地图)."""



from pathlib import Path
from typing import Annotated, Any, Optional

import typer

__all__ = ["register"]


def _print_table(console: Any, df: Any, *, title: str, max_rows: int = 30) -> None:
    from rich.table import Table
    from rich.text import Text

    t = Table(title=Text(title), show_lines=False)
    for c in df.columns:
        t.add_column(Text(str(c)))
    for _, r in df.head(max_rows).iterrows():
        t.add_row(*[Text("—" if v is None or (isinstance(v, float) and v != v) else str(v)) for v in r])
    if len(df) > max_rows:
        t.caption = f"… {len(df) - max_rows} more rows"
    console.print(t)


def register(app: typer.Typer) -> None:
    from yitu.cli import EXIT_FAIL, ProjectDir, _working, console, err

    @app.command("shelters")
    def shelters_cmd(
        directory: ProjectDir,
        split: Annotated[Optional[bool], typer.Option("--split/--no-split", help="允许拆分 Allow a block's people to go to several shelters (default [shelters] allow_split).")] = None,
        solver: Annotated[Optional[str], typer.Option(help="求解器 flow (OR-Tools min-cost flow) | lp (HiGHS) (default [shelters] solver).")] = None,
        targets: Annotated[bool, typer.Option("--targets/--no-targets", help="计入防护目标人员 Also place the people of protected targets ([shelters] resident_target_types).")] = True,
        use_flagged: Annotated[bool, typer.Option("--use-flagged", help="使用靠近危险源的场所 Also send people to shelters flagged near a hazard.")] = False,
        propose: Annotated[int, typer.Option(help="建议新增紧急避难场所数 Propose this many new 紧急 shelters where people are left out (0 = none).")] = 0,
        lang: Annotated[Optional[str], typer.Option(help="语言 zh | en (default: settings maps.lang).")] = None,
    ) -> None:
        """避难场所安置 Assign residents to shelters on the walking network (capacities kept); list who is left out and shelters near hazards; exit 3 if any."""
        from yitu.layers.project import Project
        from yitu.routing.shelters_run import run_shelters, store_results
        from yitu.routing.shelters_tables import block_table, off_network_table, shelter_table, shortfall_table, \
            unknown_table, village_table, write_shelters_xlsx
        from yitu.words import tr, use_lang

        p = Project.open(directory)
        lang = lang or p.settings.maps.lang or "zh"
        with use_lang(lang):
            with _working("计算中 walking searches and assignment…"):
                res = run_shelters(p, split=split, solver=solver, targets=targets, use_flagged=use_flagged)
            proposals = None
            if propose > 0:
                from yitu.routing.shelters_siting import propose_shelters

                with _working("选址中 proposing new shelters…"):
                    proposals = propose_shelters(p, res, p_new=propose)
            for note in res.notes:
                err.print(note, markup=False, highlight=False)
            b = res.blocks
            console.print(tr("shelters.summary", people=int(b["people"].sum()), placed=int(b["placed"].sum()),
                             unplaced=int(b["unplaced"].sum()), unknown=len(res.unknown)), markup=False, highlight=False)
            short = village_table(res)
            short = short[res.villages["unplaced"].to_numpy() > 0]
            if len(short):
                _print_table(console, short, title=tr("shelters.short_villages"))
            bt = block_table(res)
            bt = bt[(res.blocks["unplaced"] > 0).to_numpy()]
            if len(bt):
                _print_table(console, bt.iloc[:, [0, 1, 3, 4, 5, 7, 9]], title=tr("shelters.col.unplaced"))
            _print_table(console, shortfall_table(res), title=tr("shelters.sheet.shortfall"))
            flagged = shelter_table(res)[(res.shelters["flags"] != "").to_numpy()]
            if len(flagged):
                _print_table(console, flagged.iloc[:, [0, 1, 2, 4, 12, 13]], title=tr("shelters.flagged"))
            if len(res.unknown):
                _print_table(console, unknown_table(res), title=tr("shelters.sheet.unknown"))
            if len(res.off_network):
                _print_table(console, off_network_table(res), title=tr("shelters.sheet.off_network"))
            if proposals is not None:
                _print_table(console, proposals, title=tr("shelters.sheet.proposals"))
            with _working("写入中 writing results…"):
                store_results(p, res, proposals=proposals)
                xlsx = write_shelters_xlsx(res, p.output_dir / "shelters" / "shelters.xlsx", proposals=proposals)
            console.print(f"已写入 written: {xlsx}", markup=False, highlight=False, soft_wrap=True)
        if res.n_unplaced > 0 or len(res.flagged):
            raise SystemExit(EXIT_FAIL)

    @app.command("evacuation-map")
    def evacuation_map_cmd(
        directory: ProjectDir,
        village: Annotated[Optional[str], typer.Argument(help="村(社区) Village (the residential areas' 所属村) to map.")] = None,
        all_: Annotated[bool, typer.Option("--all", help="每个村一张 One map per village.")] = False,
        paper: Annotated[str, typer.Option(help="纸张 A3 | A2.")] = "A3",
        fmt: Annotated[str, typer.Option("--format", help="格式 png | pdf.")] = "png",
        dpi: Annotated[Optional[int], typer.Option(help="分辨率 Raster resolution (default: settings maps.dpi).")] = None,
        font: Annotated[Optional[str], typer.Option(help="中文字体 CJK font file or family.")] = None,
        out: Annotated[Optional[Path], typer.Option("--out", help="输出目录 Output folder (default DIR/output/evacuation).")] = None,
    ) -> None:
        """避险地图 The village evacuation map (A3/A2, PNG or PDF): shelters, walking routes, hazards to avoid, phones. Needs `yitu shelters` first."""
        from yitu.layers.project import Project
        from yitu.maps.evacuation import write_evacuation_maps

        p = Project.open(directory)
        with _working("绘制中 drawing the evacuation map(s)…"):
            paths = write_evacuation_maps(p, village=village, all_villages=all_, paper=paper, fmt=fmt, dpi=dpi,
                                          font=font, out_dir=out)
        for path in paths:
            console.print(str(path), markup=False, highlight=False, soft_wrap=True)
