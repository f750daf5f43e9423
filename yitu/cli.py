"""The ``yitu`` command line: parses arguments, calls library functions, prints summaries.

No logic lives here that a Python user could not call: every command is one or two calls
into ``yitu.gis``, ``yitu.layers``, ``yitu.routing`` or ``yitu.maps``.
Exit codes: 0 success, 2 bad input (any :class:`yitu.errors.YituError`), 3 a check failed.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape

from yitu import __version__
from yitu.errors import YituError

app = typer.Typer(
    name="yitu",
    help="一图 yitu: 四色风险图、15分钟救援圈与应急资源规划。Risk maps, rescue coverage and planning.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

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


@contextlib.contextmanager
def _working(what: str) -> Iterator[None]:
    """A spinner on stderr saying ``what`` runs, while it runs; nothing unless :func:`progress_enabled`."""
    if not progress_enabled():
        yield
        return
    with err.status(what, spinner="dots"):
        yield


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
    logging.getLogger("pyogrio").setLevel(logging.WARNING)


# ---------------------------------------------------------------------------- shared console helpers


def _table(df, *, title: str | None = None, max_rows: int = 50):  # type: ignore[no-untyped-def]
    """A rich table of a DataFrame (strings as they are; NaN shown as —)."""
    from rich.table import Table

    t = Table(title=title, show_lines=False)
    for c in df.columns:
        t.add_column(str(c))
    for _, r in df.head(max_rows).iterrows():
        t.add_row(*["—" if (v is None or (isinstance(v, float) and v != v)) else str(v) for v in r])
    if len(df) > max_rows:
        t.caption = f"… {len(df) - max_rows} more rows"
    return t


# ---------------------------------------------------------------------------- commands
# Every command lives in yitu/commands/ (one module per concern).
from yitu.commands import register_all as _register_all  # noqa: E402

if __name__ == "__main__":  # `python -m yitu.cli`: the commands import this module by its name, so give it that name
    sys.modules.setdefault("yitu.cli", sys.modules[__name__])

_register_all(app)

# ---------------------------------------------------------------------------- entry point


def main(argv: list[str] | None = None) -> None:
    """Console-script entry: a :class:`YituError` becomes one line on stderr and exit code 2."""
    try:
        rc = app(args=argv, standalone_mode=False)
    except YituError as exc:
        err.print(f"[bold red]错误 error:[/] {escape(str(exc))}", highlight=False, markup=True, soft_wrap=True)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print("aborted")
        sys.exit(1)
    except SystemExit:
        raise
    except Exception as exc:
        # usage errors are click's ClickException (vendored as typer._click in typer >= 0.20):
        # recognised by their interface rather than by a module that may not exist
        if callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()
            sys.exit(exc.exit_code)
        raise
    # click in non-standalone mode returns the code of a typer.Exit instead of raising it
    if isinstance(rc, int) and rc != 0:
        sys.exit(rc)


if __name__ == "__main__":  # pragma: no cover
    main()
