"""What the CLI prints: words from yitu.words (Chinese first, English with --lang en), user text
printed as text (never rich markup, never raw escape sequences), help without type noise."""

from __future__ import annotations

import re

import pytest

from yitu.cli import app, clean, main
from tests.climain import run as _run


def _project(tmp_path, capsys, rows: str, layer: str = "enterprises"):  # type: ignore[no-untyped-def]
    d = tmp_path / "p"
    assert _run(["init", str(d)], capsys)[0] == 0
    src = tmp_path / f"{layer}.csv"
    src.write_text(rows, encoding="utf-8")
    code, out, err = _run(["import", str(d), layer, str(src)], capsys)
    return d, code, out, err


def test_clean_removes_escape_sequences_and_control_characters():
    assert clean("红\x1b[31m色\x1b[0m") == "红色"
    assert clean("a\x1b]0;title\x07b") == "ab"  # OSC (window title)
    assert clean("a\x1b[2Jb\x9b1mc") == "abc"
    assert clean("江海\x00化工\x0b厂") == "江海\ufffd化工\ufffd厂"
    assert clean("第一行\n第二行\t列") == "第一行\n第二行\t列"
    assert clean("[/]紫色 [bold]x[/bold]") == "[/]紫色 [bold]x[/bold]"  # markup is text, kept as typed


def test_markup_in_a_grade_does_not_crash_import(tmp_path, capsys):
    rows = "企业名称,经度,纬度,风险等级\n甲公司,119.40,32.33,红\n乙公司,119.41,32.34,[/]紫色\n"
    d, code, out, err = _project(tmp_path, capsys, rows)
    assert code == 0, err
    assert "[/]紫色" in out  # the rejected value, shown as typed
    assert "Traceback" not in err and "MarkupError" not in err


def test_markup_in_a_town_prints_as_text(tmp_path, capsys):
    rows = "企业名称,经度,纬度,风险等级,乡镇\n甲公司,119.40,32.33,红,[/]临港镇\n乙公司[bold]x,119.41,32.34,橙,[red]港区\n"
    d, code, out, err = _project(tmp_path, capsys, rows)
    assert code == 0, err
    code, out, err = _run(["lists", str(d), "--out", str(tmp_path / "lists")], capsys)
    assert code == 0, err
    assert "[/]临港镇" in out and "[red]港区" in out


def test_escape_sequences_in_a_cell_are_not_written_to_the_terminal(tmp_path, capsys):
    rows = "企业名称,经度,纬度,风险等级\n甲公司,119.40,32.33,红\n乙公司,119.41,32.34,\x1b[31m紫\x1b]0;pwned\x07\n"
    d, code, out, err = _project(tmp_path, capsys, rows)
    assert code == 0, err
    assert "紫" in out and "\x1b" not in out and "\x1b" not in err and "\x07" not in out


def test_escape_sequences_in_log_and_error_lines_are_removed(tmp_path, capsys):
    code, out, err = _run(["info", str(tmp_path / "a\x1b[2Jb")], capsys)
    assert code == 2 and "\x1b" not in err and "ab" in err


def test_error_prefix_follows_the_language(tmp_path, capsys):
    code, out, err = _run(["info", str(tmp_path / "missing")], capsys)
    assert code == 2 and err.startswith("错误：")
    code, out, err = _run(["--lang", "en", "info", str(tmp_path / "missing")], capsys)
    assert code == 2 and err.startswith("error:")
    code, out, err = _run(["--lang", "fr", "info", str(tmp_path / "missing")], capsys)
    assert code == 2 and "zh | en" in err
    # the language is per call: the next call is Chinese again
    code, out, err = _run(["info", str(tmp_path / "missing")], capsys)
    assert err.startswith("错误：")


def test_words_are_chinese_by_default_and_english_with_lang_en(tmp_path, capsys):
    d = tmp_path / "p"
    code, out, _ = _run(["init", str(d)], capsys)
    assert code == 0 and "项目已创建" in out and "project created" not in out
    code, out, _ = _run(["--lang", "en", "validate", str(d)], capsys)
    assert code == 0 and "errors: 0" in out
    code, out, _ = _run(["validate", str(d)], capsys)
    assert code == 0 and "错误 0 项" in out and "errors" not in out


def test_validate_counts_rows_rejected_on_import(tmp_path, capsys):
    # every row is rejected: the layer is empty, and validate must not say "0 errors"
    rows = "企业名称,经度,纬度,风险等级\n甲公司,abc,32.33,红\n乙公司,119.41,,橙\n丙公司,119.41,32.34,紫\n"
    d, code, out, err = _project(tmp_path, capsys, rows)
    assert code in (0, 2), err  # an import that loads nothing may also stop with exit 2
    code, out, err = _run(["validate", str(d)], capsys)
    assert code == 3, out + err
    assert "错误 3 项" in out
    import pandas as pd

    full = pd.read_csv(d / "output" / "validate.csv", encoding="utf-8-sig")
    assert list(full.columns) == ["图层", "编号", "字段", "级别", "问题"]
    assert (full["级别"] == "错误").sum() == 3 and set(full["图层"]) == {"企业"}
    assert full["问题"].str.contains("rejected/enterprises.csv").all()


def _commands() -> list[list[str]]:
    import typer.main

    group = typer.main.get_command(app)
    out = []
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        sub = getattr(cmd, "commands", None)
        if sub:
            out += [[name, s] for s in sub]
        out.append([name])
    return out


@pytest.mark.parametrize("argv", [[]] + _commands(), ids=lambda a: " ".join(a) or "yitu")
def test_help_of_every_command_reads_cleanly(argv, capsys):
    code, out, err = _run([*argv, "--help"], capsys)
    assert code == 0, err
    for noise in ("<bool>", "<list[str]>", "[[", "]]"):
        assert noise not in out, (argv, noise)
    assert not re.search(r"\{[A-Za-z_]{2,}\}", out), out  # {directory}, {DIR}; a URL's {z}/{x}/{y} is fine
    usage = out.splitlines()[0]
    mine = ("init", "demo", "import", "validate", "info", "check", "gaps", "drill", "map", "render", "lists", "report")
    if argv[:1] and argv[0] in mine or argv[:1] == ["network"] and len(argv) > 1:
        assert "DIR" in usage, usage  # the project folder, named so
    if argv == ["import"]:
        assert "--source-layer" in out and "--layer " not in out  # the old name works but is not shown


def test_import_source_layer_and_its_old_name(tmp_path, capsys, data_dir):
    import geopandas as gpd
    from shapely.geometry import Point

    d = tmp_path / "p"
    assert _run(["init", str(d)], capsys)[0] == 0
    g = gpd.GeoDataFrame({"企业名称": ["甲公司"], "风险等级": ["红"]}, geometry=[Point(119.4, 32.33)], crs=4326)
    src = tmp_path / "e.gpkg"
    g.to_file(src, layer="second")
    g.iloc[:0].to_file(src, layer="empty")
    for opt in ("--source-layer", "--layer"):
        code, out, err = _run(["import", str(d), "enterprises", str(src), opt, "second"], capsys)
        assert code == 0 and "甲公司" not in err, (opt, err)
