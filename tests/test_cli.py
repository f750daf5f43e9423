"""The console-script entry point: exit codes reach the shell (0 ok, 2 bad input, 3 a check failed)."""

from __future__ import annotations

import pytest

from yitu.cli import main
from tests.climain import exit_code as _exit_code


def test_help_and_version_exit_0(capsys):
    assert _exit_code(["--version"]) == 0
    assert "yitu" in capsys.readouterr().out


def test_failed_validation_exits_3(tmp_path, data_dir):
    # stations without vehicles are validation errors: `typer.Exit(3)` must not turn into 0
    project = tmp_path / "p"
    assert _exit_code(["init", str(project)]) == 0
    src = data_dir / "layers" / "stations_gcj02_gbk.csv"
    assert _exit_code(["import", str(project), "stations", str(src), "--crs", "gcj02"]) == 0
    assert _exit_code(["validate", str(project)]) == 3


def test_bad_input_exits_2_with_one_line(tmp_path, capsys):
    assert _exit_code(["info", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert "不是 yitu 项目" in err and "Traceback" not in err


def test_error_line_keeps_square_brackets(tmp_path, capsys):
    # the message is text, not rich markup: "[[drill.requirements.NAME]]" or a path with "[/]" in it
    missing = tmp_path / "[标注]" / "[" / "]"
    assert _exit_code(["info", str(missing)]) == 2
    err = capsys.readouterr().err
    assert "[标注]" in err and "Traceback" not in err


def test_usage_error_exits_2(capsys):
    assert _exit_code(["check"]) == 2


def test_settings_prints_toml_with_the_project_keys_marked(tmp_path, capsys):
    import tomllib

    assert _exit_code(["settings"]) == 0
    out = capsys.readouterr().out
    assert tomllib.loads(out)["rescue"]["park_limit_min"] == 15.0
    assert _exit_code(["settings", "--defaults"]) == 0
    assert capsys.readouterr().out.startswith("# yitu packaged defaults")
    project = tmp_path / "p"
    assert _exit_code(["init", str(project)]) == 0
    (project / "yitu.toml").write_text("[rescue]\npark_limit_min = 12.0\n", encoding="utf-8")
    capsys.readouterr()
    assert _exit_code(["settings", str(project)]) == 0
    out = capsys.readouterr().out
    assert "park_limit_min = 12.0  # yitu.toml (default: 15.0)" in out
    assert tomllib.loads(out)["rescue"]["urban_limit_min"] == 5.0
    assert _exit_code(["settings", str(tmp_path / "missing")]) == 2
    assert _exit_code(["settings", str(project), "--defaults"]) == 2


def test_working_spinner_only_on_a_terminal_without_quiet(monkeypatch):
    import contextlib
    import io

    from yitu import cli

    shown: list[str] = []
    monkeypatch.setattr(cli.err, "status", lambda what, **kw: shown.append(what) or contextlib.nullcontext())
    with cli._working("计算中 computing"):
        pass
    assert shown == []  # stderr is not a terminal under pytest: nothing changes

    class _Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(cli.sys, "stderr", _Tty())
    monkeypatch.setattr(cli.state, "quiet", False)
    with cli._working("计算中 computing"):
        pass
    assert shown == ["计算中 computing"]
    monkeypatch.setattr(cli.state, "quiet", True)
    with cli._working("again"):
        pass
    assert shown == ["计算中 computing"]


def test_gaps_prints_the_park_area_share_as_a_percentage(demo_copy, capsys):
    import pandas as pd

    p, dst = demo_copy, demo_copy.path
    assert _exit_code(["-q", "network", "build", str(dst), "--osm", str(dst / "inputs" / "roads.osm")]) == 0
    p.write("result_park_check", pd.DataFrame({
        "park_id": ["P01"], "park_name": ["甲园区"], "verdict": ["FAIL"], "limit_min": [15.0], "n_targets": [10],
        "n_fail": [3], "worst_miss_min": [2.5], "covered_share": [0.1202]}))
    capsys.readouterr()
    assert _exit_code(["gaps", str(dst)]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if "甲园区" in line)
    assert "12.0%" in row  # not "0.1", which reads as 0.1 %


def test_help_keeps_the_settings_names(capsys):
    # rich markup ate "[maps]" in the map options' help: "Default:  tiles."
    assert _exit_code(["map", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "maps.tiles" in out and "maps.lang" in out
