from __future__ import annotations

import dataclasses
import tomllib

import pytest

from yitu.errors import InputError, YituError
from yitu.words import use_lang
from yitu.settings import (
    _from_dict,
    default_settings,
    defaults_text,
    load_settings,
    overridden_keys,
    settings_toml,
)

PROJECT_TOML = """
[project]
name = 'qinglan'
[rescue]
park_limit_min = 12.5
urban_limit_min = 5.0
[rescue.turnout_min]
"志愿队" = 4.0
[routing]
isochrone_bands_min = [5.0, 15.0]
[profiles.bike]
default_kmh = 15.0
speeds_kmh = { primary = 18.0 }
[[drill.requirements.fire]]
label = "水罐车 ≥ 1 辆，5 分钟内"
what = "pumper"
min = 1
by_min = 5.0
"""


def test_defaults_carry_the_standards():
    s = default_settings()
    assert s.rescue.park_limit_min == 15.0
    assert s.turnout_min("企业专职队") == 2.0
    assert s.turnout_min("志愿队") == 5.0
    assert s.profile("fire_engine").speeds_kmh["primary"] == 50.0
    assert s.risk.lec_red == 320.0
    assert s.requirements["fire"][0].what == "foam_tender"


def test_project_toml_overrides_one_key(tmp_path):
    (tmp_path / "yitu.toml").write_text(
        '[rescue]\npark_limit_min = 12.5\n[profiles.fire_engine]\ncalibration = 0.8\n', encoding="utf-8"
    )
    s = load_settings(tmp_path)
    assert s.rescue.park_limit_min == 12.5
    assert s.profile("fire_engine").calibration == 0.8
    # untouched keys keep their defaults
    assert s.profile("fire_engine").speeds_kmh["motorway"] == 80.0
    assert s.rescue.turnout_min["企业专职队"] == 2.0


def test_unknown_setting_is_named(tmp_path):
    (tmp_path / "yitu.toml").write_text("[rescue]\npark_limt_min = 12\n", encoding="utf-8")
    with pytest.raises(InputError, match="park_limt_min"):
        load_settings(tmp_path)


def test_bad_toml_is_an_input_error(tmp_path):
    (tmp_path / "yitu.toml").write_text("[rescue\n", encoding="utf-8")
    with pytest.raises(YituError, match="不是有效的 TOML"):
        load_settings(tmp_path / "yitu.toml")


def test_unknown_profile_lists_known():
    with pytest.raises(InputError, match="fire_engine"):
        default_settings().profile("bicycle")


def _reread(text: str, source: str):  # type: ignore[no-untyped-def]
    return _from_dict(tomllib.loads(text), source)


def test_settings_toml_of_the_defaults_reads_back_the_same():
    s = default_settings()
    text = settings_toml(s)
    assert text.startswith("# yitu settings: the packaged defaults")
    assert _reread(text, "defaults") == s
    assert '"企业专职队" = 2.0' in text and "[[drill.requirements.fire]]" in text
    assert "# yitu.toml" not in text.split("\n", 1)[1]  # nothing marked


def test_overridden_keys_are_the_leaves_of_the_project_file(tmp_path):
    (tmp_path / "yitu.toml").write_text(PROJECT_TOML, encoding="utf-8")
    assert overridden_keys(tmp_path) == overridden_keys(tmp_path / "yitu.toml") == [
        "project.name", "rescue.park_limit_min", "rescue.urban_limit_min", 'rescue.turnout_min."志愿队"',
        "routing.isochrone_bands_min", "profiles.bike.default_kmh", "profiles.bike.speeds_kmh.primary",
        "drill.requirements.fire",
    ]
    (tmp_path / "sub").mkdir()
    assert overridden_keys(tmp_path / "sub") == []  # a folder without yitu.toml sets nothing
    with pytest.raises(InputError, match="没有这个文件夹或文件"):
        overridden_keys(tmp_path / "missing")


def test_settings_toml_marks_what_the_project_sets(tmp_path):
    (tmp_path / "yitu.toml").write_text(PROJECT_TOML, encoding="utf-8")
    s = load_settings(tmp_path)
    text = settings_toml(s, overridden=overridden_keys(tmp_path))
    assert dataclasses.replace(_reread(text, "x"), source=s.source) == s  # merged result, valid TOML
    lines = text.splitlines()
    marked = [line for line in lines[2:] if "# yitu.toml" in line]
    assert len(marked) == 8
    assert str(tmp_path / "yitu.toml") in lines[0] and "8 key(s)" in lines[1]
    assert "park_limit_min = 12.5  # yitu.toml (default: 15.0)" in lines
    assert "urban_limit_min = 5.0  # yitu.toml (same as the default)" in lines
    assert '"志愿队" = 4.0  # yitu.toml (default: 5.0)' in lines
    assert "isochrone_bands_min = [5.0, 15.0]  # yitu.toml (default: [5.0, 10.0, 15.0])" in lines
    assert "default_kmh = 15.0  # yitu.toml (not in the defaults)" in lines
    assert "[[drill.requirements.fire]]  # yitu.toml (replaces the default list)" in lines
    assert lines.count("[[drill.requirements.fire]]  # yitu.toml (replaces the default list)") == 1
    assert "[[drill.requirements.leak]]" in lines  # the untouched defaults are there too
    assert "boundary_sample_m = 200.0" in lines


def test_defaults_text_is_the_commented_file():
    text = defaults_text()
    assert text.startswith("# yitu packaged defaults")
    assert load_settings(None) == _reread(text, "defaults")


@pytest.mark.parametrize("text, match", [
    ("[profiles.fire_engine]\ncalibration = 0\n", r"\[profiles.fire_engine\] calibration = 0: must be a number greater than 0"),
    ("[profiles.fire_engine]\ncalibration = \"0.8\"\n", r'calibration = "0.8".*without quotes'),
    ("[profiles.walking.speeds_kmh]\nfootway = -4\n", r"speeds_kmh\] \"footway\" = -4: must be a number ≥ 0"),
    ("[routing]\naccess_speed_kmh = 0\n", r"access_speed_kmh = 0"),
    ("[rescue]\npark_limit_min = -15\n", r"park_limit_min = -15"),
    ("[rescue.turnout_min]\n\"一级站\" = -2\n", r"turnout_min\] \"一级站\" = -2"),
    ("[[drill.requirements.gas]]\nlabel = \"x\"\nwhat = \"pumper\"\nmin = 2\n",
     r"\[\[drill.requirements.gas\]\] #1: missing setting\(s\) by_min"),
    ("[[drill.requirements.gas]]\nlabel = \"x\"\nwhat = \"pumper\"\nmin = \"2\"\nby_min = 15\n",
     r'\[\[drill.requirements.gas\]\] #1 min = "2".*without quotes'),
])
def test_bad_numbers_are_input_errors(tmp_path, text, match):
    # a zero/negative/quoted speed factor, turnout or limit gave tracebacks or impossible minutes later on
    toml = tmp_path / "yitu.toml"
    toml.write_text(text, encoding="utf-8")
    with use_lang("en"), pytest.raises(InputError, match=match):
        load_settings(toml)
