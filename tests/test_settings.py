from __future__ import annotations

import pytest

from yitu.errors import InputError, YituError
from yitu.settings import default_settings, load_settings


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
    with pytest.raises(YituError, match="not valid TOML"):
        load_settings(tmp_path / "yitu.toml")


def test_unknown_profile_lists_known():
    with pytest.raises(InputError, match="fire_engine"):
        default_settings().profile("bicycle")
