"""The ``yitu`` command line: parses arguments, calls library functions, prints summaries.

No logic lives here that a Python user could not call: every command is one or two calls
into ``yitu.gis``, ``yitu.layers``, ``yitu.routing`` or ``yitu.maps``.
Exit codes: 0 success, 2 bad input (any :class:`yitu.errors.YituError`), 3 a check failed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.text import Text
from typer.core import TyperGroup

from yitu import __version__
from yitu.errors import YituError
from yitu.words import LANGS, both, tr, use_lang

# ---------------------------------------------------------------------------- text, never markup
# ESC/CSI/OSC sequences (colours, cursor moves, window titles) and the other control characters
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|[@-Z\\-_])?"
                   r"|\x9b[0-?]*[ -/]*[@-~]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(value: object) -> str:
    """``value`` as text safe for a terminal: escape sequences removed, other control characters shown as ``�``.

    Tabs and newlines stay. Use it (or :func:`text`) for every piece of data printed by the CLI.
    """
    return _CONTROL.sub("\ufffd", _ANSI.sub("", str(value)))


def text(value: object, style: str | None = None) -> Text:
    """``value`` as rich :class:`~rich.text.Text`: printed as typed, never parsed as markup."""
    return Text(clean(value), style=style or "")


def say(*parts: object, style: str | None = None) -> None:
    """Print ``parts`` (words and data) to stdout as text, joined by nothing; ``(str, style)`` pairs are styled."""
    console.print(_assemble(parts, style), soft_wrap=True)


def warn(message: object) -> None:
    """A warning line on stderr: 注意 (or "warning") then the message as text."""
    err.print(_assemble(((tr("cli.warning"), "yellow"), message), None), soft_wrap=True)


def print_error(message: object) -> None:
    """The one error line on stderr: 错误 (or "error") then the message as text."""
    err.print(_assemble(((tr("cli.error"), "bold red"), message), None), soft_wrap=True)


def _assemble(parts: tuple[Any, ...], style: str | None) -> Text:
    out = Text(style=style or "")
    for part in parts:
        if isinstance(part, tuple):
            out.append(clean(part[0]), style=part[1])
        elif isinstance(part, Text):
            out.append_text(part)
        else:
            out.append(clean(part))
    return out


class _LogHandler(RichHandler):
    """Log lines on stderr with their level in the language of the call (注意 … or WARNING …)."""

    def get_level_text(self, record: logging.LogRecord) -> Text:
        name = record.levelname.lower()
        words = tr(f"cli.log.{name}") if name in ("debug", "info", "warning", "error", "critical") else record.levelname
        return Text(words + " " * max(8 - cell_len(words), 0), style=f"logging.level.{name}")


class _CleanLog(logging.Filter):
    """Log records carry user text: clean it before the handler writes it to the terminal."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = clean(record.getMessage()), ()
        return True


# ---------------------------------------------------------------------------- the app
_ORDER = ("init", "demo", "import", "validate", "info", "settings", "network", "check", "gaps", "drill", "map",
          "render", "lists", "report")


def _unbrace(piece: str) -> str:
    return piece[1:-1] if piece.startswith("{") and piece.endswith("}") else piece


class _Group(TyperGroup):
    """Commands listed in the order of the work; a YituError is one line in the language in effect."""

    def list_commands(self, ctx: Any) -> list[str]:
        names = list(super().list_commands(ctx))
        return sorted(names, key=lambda n: (_ORDER.index(n) if n in _ORDER else len(_ORDER), names.index(n)))

    def get_command(self, ctx: Any, name: str) -> Any:
        cmd = super().get_command(ctx, name)
        if cmd is not None and not getattr(cmd, "_yitu_usage", False):  # DIR LAYER FILE, not {DIR} {LAYER} {FILE}
            pieces = cmd.collect_usage_pieces
            cmd.collect_usage_pieces = lambda c, _p=pieces: [_unbrace(x) for x in _p(c)]
            cmd._yitu_usage = True
        return cmd

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except YituError as exc:  # printed here, while the --lang of this call is still in effect
            print_error(exc)
            raise typer.Exit(exc.exit_code) from None


app = typer.Typer(
    name="yitu",
    cls=_Group,
    help="一图 yitu: 四色风险图、15分钟救援圈与应急资源规划。Risk maps, rescue coverage and planning.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: no <bool> on flags, no markup eaten from the help texts
)

console = Console()  # results to stdout
err = Console(stderr=True)  # progress, warnings and errors to stderr

EXIT_OK = 0
EXIT_INPUT = 2
EXIT_FAIL = 3

ProjectDir = Annotated[
    Path, typer.Argument(metavar="DIR", help="项目目录 Project folder (holds yitu.toml and project.gpkg).", show_default=False)
]


class _State:
    quiet: bool = False
    lang: str | None = None  # the global --lang when given (map, render and lists default to their settings)


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


def _lang_option(value: str | None) -> str | None:
    if value is not None and value not in LANGS:
        raise typer.BadParameter(tr("words.err.lang", code=value, langs=" | ".join(LANGS)))
    return value


@app.callback()
def _main(
    ctx: typer.Context,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="只输出结果 Only results, no progress or info.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="输出调试信息 Debug logging.")] = False,
    lang: Annotated[
        Optional[str], typer.Option("--lang", metavar="zh|en", callback=_lang_option,
                                    help="语言 Language of what yitu prints and writes: zh (default) | en.")
    ] = None,
    version: Annotated[
        Optional[bool], typer.Option("--version", callback=_version, is_eager=True, help="显示版本 Show the version.")
    ] = None,
) -> None:
    state.quiet, state.lang = quiet, lang
    ctx.with_resource(use_lang(lang))  # for this call only (tests run many calls in one process)
    level = logging.DEBUG if verbose else (logging.WARNING if quiet else logging.INFO)
    handler = _LogHandler(console=err, show_time=False, show_path=False, markup=False)
    handler.addFilter(_CleanLog())
    logging.basicConfig(level=level, format="%(message)s", handlers=[handler], force=True)
    # other libraries' own lines are English and about their internals (dask's scheduler start-up,
    # its dashboard): warnings only; yitu says in its own words what a batch is doing
    for name in ("pyogrio", "distributed", "dask", "numba", "fontTools", "matplotlib"):
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
    # dask.distributed sets its loggers' levels from its config when it is imported: say it there too
    # (read once, at dask's import; worker processes inherit it)
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")


# ---------------------------------------------------------------------------- shared console helpers


def _cell(v: object) -> Text:
    from yitu.words.numbers import is_missing

    if not isinstance(v, Text) and is_missing(v):
        return Text("—")
    return v if isinstance(v, Text) else text(v)


def _table(df, *, title: object = None, max_rows: int = 50, caption: object = None):  # type: ignore[no-untyped-def]
    """A rich table of a DataFrame: every header and cell as text (never markup); missing values shown as —."""
    from rich.table import Table

    t = Table(title=None if title is None else _assemble((title,), None), show_lines=False)
    for c in df.columns:
        t.add_column(text(c))
    for row in df.head(max_rows).itertuples(index=False):
        t.add_row(*[_cell(v) for v in row])
    if len(df) > max_rows:
        t.caption = tr("cli.more_rows", n=len(df) - max_rows)
    elif caption is not None:
        t.caption = text(caption)
    return t


def _rich_table(columns: list[str], *, title: object = None, no_wrap: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    """An empty simple-headed table with our own ``columns``; add rows of :func:`text` cells."""
    from rich import box
    from rich.table import Table

    t = Table(title=None if title is None else _assemble((title,), None), box=box.SIMPLE_HEAD, pad_edge=False)
    for c in columns:
        t.add_column(text(c), no_wrap=c in no_wrap)
    return t


# ---------------------------------------------------------------------------- commands
# Every command lives in yitu/commands/ (one module per concern).
from yitu.commands import register_all as _register_all  # noqa: E402

if __name__ == "__main__":  # `python -m yitu.cli`: the commands import this module by its name, so give it that name
    sys.modules.setdefault("yitu.cli", sys.modules[__name__])

_register_all(app)

# ---------------------------------------------------------------------------- entry point


def main(argv: list[str] | None = None) -> None:
    """Console-script entry: a :class:`YituError`, or an ``OSError`` of the machine (no permission, a
    read-only or full disk: :func:`yitu.errors.os_error_message`), becomes one line on stderr and
    exit code 2."""
    try:
        rc = app(args=argv, standalone_mode=False)
    except YituError as exc:
        err.print(f"[bold red]错误 error:[/] {escape(str(exc))}", highlight=False, markup=True, soft_wrap=True)
        sys.exit(exc.exit_code)
    except OSError as exc:  # no permission, a read-only or full disk: one line, the path, what to do
        from yitu.errors import os_error_message

        message = os_error_message(exc)
        if message is None:
            raise
        err.print(f"[bold red]错误 error:[/] {escape(message)}", highlight=False, markup=True, soft_wrap=True)
        sys.exit(EXIT_INPUT)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err.print(both("cli.aborted"), markup=False, highlight=False)  # after the call's --lang: both languages
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
