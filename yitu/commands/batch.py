"""``yitu batch``: many projects (counties) or parks at once on Dask, with one province summary."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

__all__ = ["register"]


def _text_table(df: Any, *, title: str) -> Any:
    """A rich table whose cells are plain text (user text is never read as markup)."""
    from rich.table import Table
    from rich.text import Text

    t = Table(title=Text(title))
    for c in df.columns:
        t.add_column(Text(str(c)))
    for row in df.itertuples(index=False):
        t.add_row(*[Text("—" if v is None or v != v else str(v)) for v in row])
    return t


def _brief(res: Any, *, lang: str) -> Any:
    """One line per project for the terminal: folder, verdict, parks failing, targets failing, seconds."""
    import pandas as pd

    from yitu.words import tr
    from yitu.words.numbers import fmt
    from yitu.words.status import status_text

    p = res.projects
    parks = res.parks
    n_parks = parks.groupby("path").size() if len(parks) else pd.Series(dtype=int)
    n_bad = parks[parks["verdict"] == "FAIL"].groupby("path").size() if len(parks) else pd.Series(dtype=int)
    verdict = p.get("verdict", pd.Series(None, index=p.index))
    return pd.DataFrame({
        tr("batch.col.path"): p["path"].map(lambda s: Path(s).name),
        tr("batch.col.status"): p["status"].map(lambda s: tr(f"batch.run.{'failed' if s == 'failed' else 'ok'}")),
        tr("batch.col.verdict"): [status_text(str(v).lower() if isinstance(v, str) else "unknown")
                                  if s == "ok" else "—" for v, s in zip(verdict, p["status"])],
        tr("batch.col.parks_failing"): [f"{int(n_bad.get(x, 0))}/{int(n_parks.get(x, 0))}" for x in p["path"]],
        tr("batch.col.n_fail"): p.get("n_fail", pd.Series(None, index=p.index)).map(lambda v: fmt(v, "count")),
        tr("batch.col.seconds"): p["seconds"].map(lambda v: fmt(v, "s", unit=False)),
    })


def register(app: typer.Typer) -> None:
    from yitu.cli import EXIT_FAIL, console, err, progress_enabled

    @app.command("batch")
    def batch_cmd(
        projects: Annotated[Optional[list[Path]], typer.Argument(
            help="项目目录（可多个） Project folders.", show_default=False)] = None,
        province: Annotated[Optional[Path], typer.Option(
            "--province", help="省/市目录：其下每个含 project.gpkg 的目录为一个项目 A folder of county projects.",
            show_default=False)] = None,
        analyses: Annotated[str, typer.Option(
            "--run", help="分析，逗号分隔 Analyses, comma-separated: check,gaps.")] = "check,gaps",
        split: Annotated[str, typer.Option(help="任务划分 Split work by: project | park.")] = "project",
        workers: Annotated[int, typer.Option(help="本地进程数 LocalCluster worker processes.")] = 2,
        scheduler: Annotated[Optional[str], typer.Option(
            help="已有 Dask 调度器地址 Address of an existing scheduler, e.g. tcp://10.0.0.5:8786.",
            show_default=False)] = None,
        out: Annotated[Optional[Path], typer.Option(
            help="汇总输出目录 Summary folder (default: batch-summary under --province or the current folder).",
            show_default=False)] = None,
        lang: Annotated[str, typer.Option(help="语言 Language: zh | en.")] = "zh",
    ) -> None:
        """批量运行 Run check/gaps over many counties or parks on Dask; one province summary (XLSX + HTML map). Exit 3 when a park fails or a project could not be run."""
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
        from rich.text import Text

        from yitu.batch import discover_projects, run_batch, write_summary
        from yitu.errors import InputError
        from yitu.words import tr, use_lang
        from yitu.words.numbers import fmt

        with use_lang(lang):
            paths = list(projects or [])
            if province is not None:
                paths += discover_projects(province)
            if not paths:
                raise InputError(tr("batch.no_projects"))
            names = [a.strip() for a in analyses.split(",") if a.strip()]
            if progress_enabled():
                bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                               TimeElapsedColumn(), console=err, transient=True)
                task = bar.add_task(tr("batch.progress", done=0, total=len(paths)), total=None)

                def progress(done: int, total: int, r: dict[str, Any]) -> None:
                    bar.update(task, completed=done, total=total,
                               description=tr("batch.progress", done=done, total=total))

                with bar:
                    res = run_batch(paths, analyses=names, split=split, n_workers=workers, scheduler=scheduler,
                                    progress=progress)
            else:
                res = run_batch(paths, analyses=names, split=split, n_workers=workers, scheduler=scheduler)
            dest = out or ((province or Path(".")) / "batch-summary")
            files = write_summary(res, dest, lang=lang)
            console.print(_text_table(_brief(res, lang=lang), title=tr("batch.sheet.projects")))
            for _, r in res.projects[res.projects["status"] == "failed"].iterrows():
                err.print(Text(tr("batch.task_failed", project=r["project"], error=r["error"])))
            n_fail = int((res.parks["verdict"] == "FAIL").sum()) if len(res.parks) else 0
            console.print(Text(tr("batch.summary", n=len(res.projects), failed=res.n_failed, parks=len(res.parks),
                                  fail=n_fail, seconds=fmt(res.seconds, "s"), workers=res.n_workers)))
            console.print(Text(tr("batch.written", files=", ".join(str(f) for f in files.values()))))
            if n_fail or res.n_failed:
                raise SystemExit(EXIT_FAIL)
