"""``yitu site DIR``: where new fire stations go, and what each one buys."""



from pathlib import Path
from typing import Annotated, Optional

import typer


def register(app: typer.Typer) -> None:
    from yitu.cli import ProjectDir

    @app.command("site")
    def site_cmd(
        directory: ProjectDir,
        model: Annotated[str, typer.Option(metavar="MODEL", help="模型 Model: lscp | mclp | pcenter | backup.")] = "lscp",
        p: Annotated[Optional[int], typer.Option("--p", metavar="N", help="新增站点数 New stations (mclp, pcenter, backup; default 1).")] = None,
        candidates: Annotated[Optional[Path], typer.Option(metavar="FILE", help="候选点文件 Candidates file (points or parcels).")] = None,
        grid: Annotated[Optional[float], typer.Option(metavar="M", help="沿路网每隔 M 米生成候选点 Candidates every M metres along the roads.")] = None,
        park: Annotated[Optional[str], typer.Option(metavar="ID", help="园区编号 Only this park's demand.")] = None,
        limit: Annotated[Optional[float], typer.Option(metavar="MIN", help="统一时限(分钟) One limit for all demand (minutes).")] = None,
        solver: Annotated[Optional[str], typer.Option(metavar="SOLVER", help="求解器 highs | cbc | heuristic (default [siting] solver).")] = None,
        close: Annotated[Optional[list[str]], typer.Option(metavar="ID", help="关闭的现有站点编号 Close this existing station (repeatable).")] = None,
        relocate: Annotated[Optional[list[str]], typer.Option(metavar="ID", help="可迁址的现有站点编号 This existing station may move (repeatable).")] = None,
        no_image: Annotated[bool, typer.Option("--no-image", help="不出图 Skip the chart and map image.")] = False,
        lang: Annotated[Optional[str], typer.Option(metavar="LANG", help="语言 Language of tables and images: zh | en (default: the global --lang, else zh).")] = None,
    ) -> None:
        """消防站选址 Station siting: the sites that make the demand meet its limits (LSCP/MCLP/p-中心/备援)."""
        import logging

        import pandas as pd

        from yitu.cli import _table, _working, console, warn
        from yitu.errors import InputError
        from yitu.layers.project import Project
        from yitu.routing.siting import MODELS, run_siting
        from yitu.words import msg, tr
        from yitu.words.numbers import fmt
        from yitu.words.status import status_text

        from yitu.cli import state
        from yitu.words import set_lang, tr

        lang = lang or state.lang or "zh"
        set_lang(lang)
        if model not in MODELS:
            raise InputError(tr("cli.err.model", model=model, models=", ".join(MODELS)))
        if candidates is not None and grid is not None:
            raise InputError(tr("cli.err.candidates_or_grid"))
        if solver is not None and solver not in ("highs", "cbc", "heuristic"):
            raise InputError(tr("cli.err.solver", solver=solver))
        if limit is not None and not limit > 0:
            raise InputError(tr("cli.err.limit", limit=limit))
        prj = Project.open(directory)
        with _working("选址计算中 siting…"):
            run = run_siting(prj, model=model, p=p, candidates_file=candidates, grid_m=grid, park=park,
                             limit_min=limit, solver=solver, close=tuple(close or ()), relocate=tuple(relocate or ()))
        r = run.result
        c = run.chosen

        def verdicts(text: object) -> str:
            if not isinstance(text, str) or not text:
                return "—"
            return "；".join(f"{a} {status_text({'PASS': 'pass', 'FAIL': 'fail'}.get(b, b))}"
                            for a, b in (x.rsplit(" ", 1) for x in text.split("；")))

        def minutes(v: object) -> str:
            return fmt(v, "min") if v == v else tr("siting.beyond", limit="")

        rows = pd.DataFrame({
            tr("siting.col.order"): c["order"].astype(str),
            tr("siting.col.site"): c["candidate_id"].astype(str) + " " + c["name"].astype(str),
            tr("siting.col.station_type"): c["station_type"].astype(str),
            tr("siting.col.new_covered"): c["new_covered"].astype(str),
            tr("siting.col.worst_before"): c["worst_before_min"].map(minutes),
            tr("siting.col.worst_after"): c["worst_after_min"].map(minutes),
            tr("siting.col.park_before"): c["park_before"].map(verdicts),
            tr("siting.col.park_after"): c["park_after"].map(verdicts),
        })
        title = tr("siting.summary", model=tr(f"siting.model.{run.model}"), n=len(c),
                   before=fmt(run.tradeoff["covered_share"].iloc[0], "share"),
                   after=fmt(float(run.demands.loc[run.demands["covered_after"], "weight"].sum())
                             / max(float(run.demands["weight"].sum()), 1e-12), "share"),
                   solver=r.solver, status=tr(f"siting.status.{r.status}"))
        console.print(_table(rows, title=title), markup=False, highlight=False)
        t = run.tradeoff
        console.print(_table(pd.DataFrame({
            tr("siting.col.p"): t["p"].astype(str),
            tr("siting.col.covered_share"): t["covered_share"].map(lambda v: fmt(v, "share")),
            tr("siting.col.n_uncovered"): t["n_uncovered"].astype(str),
            tr("siting.col.worst_after"): t["worst_min"].map(minutes),
            tr("siting.col.sites"): t["sites"].astype(str),
        }), title=tr("siting.sheet.tradeoff")), markup=False, highlight=False)
        for w in run.warnings:
            warn(w)
        if not no_image:
            try:
                from yitu.maps.sections.siting import write_images

                run.files.update(write_images(prj, lang=lang))
            except Exception as exc:  # an image is a by-product: say so, keep the result
                logging.getLogger(__name__).warning(msg("maps.log.siting_image", error=exc))
        from yitu.cli import say

        say(tr("siting.results"), ", ".join(str(f) for f in run.files.values()))
