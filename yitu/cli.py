"""The ``yitu`` command line: parses arguments, calls library functions, prints summaries.

No logic lives here that a Python user could not call: every command is one or two calls
into ``yitu.gis``, ``yitu.layers``, ``yitu.routing`` or ``yitu.maps``.
Exit codes: 0 success, 2 bad input (any :class:`yitu.errors.YituError`), 3 a check failed.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.logging import RichHandler

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


# ---------------------------------------------------------------------------- section: project
# (init, import, validate, info, demo) -- yitu.layers / yitu.gis

# ---------------------------------------------------------------------------- section: routing
# (network build, check) -- yitu.routing

# ---------------------------------------------------------------------------- section: maps
# (map, render, lists) -- yitu.maps / yitu.layers.registers

# ---------------------------------------------------------------------------- section: drill
# (drill, gaps, report) -- yitu.routing.drill / yitu.maps.report

# ---------------------------------------------------------------------------- entry point


def main(argv: list[str] | None = None) -> None:
    """Console-script entry: a :class:`YituError` becomes one line on stderr and exit code 2."""
    try:
        app(args=argv, standalone_mode=False)
    except YituError as exc:
        err.print(f"[bold red]错误 error:[/] {exc}", highlight=False, markup=True, soft_wrap=True)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("aborted")
        sys.exit(1)
    except SystemExit:
        raise
    except Exception as exc:  # click usage errors are ClickException
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise


if __name__ == "__main__":  # pragma: no cover
    main()
