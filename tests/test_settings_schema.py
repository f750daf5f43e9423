"""yitu.toml with a wrong type: one InputError naming key, value and expected type, exit 2 in the CLI.

The schema comes from the Settings dataclasses' type hints, so these cases also show that a section
or field added to a dataclass later is checked with no code of its own.
"""

from __future__ import annotations

import dataclasses

import pytest

from yitu.cli import main
from yitu.errors import InputError
from yitu.settings import _schema_problems, load_settings
from yitu.words import use_lang
from tests.climain import exit_code as _run

# (section, line, what the message must name) -- the ten cases of issue 9
CASES = [
    ("project", 'bbox = "121.0,32.0,121.5,32.5"', ('[project] bbox = "121.0,32.0,121.5,32.5"', "list")),
    ("project", "bbox = [121.0, 32.0, 121.5]", ("[project] bbox = [121.0, 32.0, 121.5]", "4 numbers")),
    ("risk", 'stale_months = "12"', ('[risk] stale_months = "12"', "whole number", "without quotes")),
    ("risk", 'lec_red = "high"', ('[risk] lec_red = "high"', "expected a number")),
    ("rescue", "turnout_min = 3", ("[rescue] turnout_min = 3", "expected a table")),
    ("profiles.fire_engine", "speeds_kmh = 60", ("[profiles.fire_engine] speeds_kmh = 60", "expected a table")),
    ("routing", "isochrone_bands_min = 5", ("[routing] isochrone_bands_min = 5", "a list", "[5]")),
    ("maps", 'dpi = "300dpi"', ('[maps] dpi = "300dpi"', "whole number", "write 300")),
    ("project", "metric_crs = 4547", ("[project] metric_crs = 4547", "expected text", "quotes")),
    ("maps", "tiles = 5", ("[maps] tiles = 5", "expected text")),
]


@pytest.mark.parametrize("section, line, names", CASES, ids=[c[1] for c in CASES])
def test_wrong_type_exits_2_with_one_line(tmp_path, capsys, section, line, names):
    project = tmp_path / "p"
    assert _run(["init", str(project)]) == 0
    capsys.readouterr()
    (project / "yitu.toml").write_text(f"[{section}]\n{line}\n", encoding="utf-8")
    assert _run(["info", str(project)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1, err
    with use_lang("en"), pytest.raises(InputError) as info:
        load_settings(project)
    msg = str(info.value)
    for word in names:
        assert word in msg, msg
    assert str(project / "yitu.toml") in msg


def test_all_problems_are_listed_at_once(tmp_path):
    toml = tmp_path / "yitu.toml"
    sections: dict[str, list[str]] = {}
    for s, line, _ in CASES[2:]:
        sections.setdefault(s, []).append(line)
    toml.write_text("".join(f"[{s}]\n" + "\n".join(lines) + "\n" for s, lines in sections.items()), encoding="utf-8")
    with use_lang("en"), pytest.raises(InputError) as info:
        load_settings(toml)
    msg = str(info.value)
    assert "8 problem(s)" in msg
    for _, _, names in CASES[2:]:
        assert names[0] in msg
    # Chinese first
    with pytest.raises(InputError, match="设置有 8 处问题"):
        load_settings(toml)


def test_unknown_section_and_keys_are_named(tmp_path):
    toml = tmp_path / "yitu.toml"
    toml.write_text('[risks]\nlec_red = 1\n[maps]\ndpii = 3\n', encoding="utf-8")
    with use_lang("en"), pytest.raises(InputError) as info:
        load_settings(toml)
    assert "unknown setting(s) risks" in str(info.value) and "unknown setting(s) dpii" in str(info.value)


def test_schema_follows_the_dataclasses(monkeypatch):
    # a field added to a section later (as [siting]/[batch] will get) is checked from its type hint alone
    import yitu.settings as st

    @dataclasses.dataclass(frozen=True)
    class Siting:
        weights: dict[str, float] = dataclasses.field(default_factory=dict)
        max_new: int = 3

    fields = {f.name: f for f in dataclasses.fields(st.Settings)}
    monkeypatch.setitem(st.Settings.__annotations__, "siting", Siting)
    assert fields["siting"]
    problems = _schema_problems({"siting": {"weights": {"学校": "高"}, "max_new": 2.5}})
    assert len(problems) == 2
    assert any('"学校" = "高"' in p for p in problems) and any("max_new = 2.5" in p for p in problems)
    assert _schema_problems({"siting": {"weights": {"学校": 2}, "max_new": 2}}) == []


def test_defaults_pass_the_schema():
    from yitu.settings import _defaults_dict

    assert _schema_problems(_defaults_dict()) == []
