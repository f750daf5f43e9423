"""Run the ``yitu`` console-script entry in-process, as the shell would, for the CLI tests."""

from __future__ import annotations

from typing import Any

from yitu.cli import main


def exit_code(argv: list[str]) -> int:
    """The exit code of ``yitu ARGV`` (0 when it returns normally)."""
    try:
        main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def run(argv: list[str], capsys: Any) -> tuple[int, str, str]:
    """``(exit code, stdout, stderr)`` of ``yitu ARGV``; ``capsys`` is pytest's fixture."""
    code = exit_code(argv)
    out = capsys.readouterr()
    return code, out.out, out.err
