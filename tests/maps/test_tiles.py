"""Basemap presets: names, datums, the 天地图 key and URL templates."""

from __future__ import annotations

import pytest

from yitu.errors import InputError
from yitu.maps.tiles import TIANDITU_ENV, TILE_PRESETS, resolve_tiles


def test_presets_carry_datum_and_attribution(monkeypatch):
    monkeypatch.setenv(TIANDITU_ENV, "abc123")
    assert resolve_tiles("none").is_none and resolve_tiles(None).is_none
    osm = resolve_tiles("osm")
    assert osm.datum == "wgs84" and "OpenStreetMap" in osm.attribution
    assert osm.urls == ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",)
    gaode = resolve_tiles("GAODE")
    assert gaode.datum == "gcj02" and "autonavi.com" in gaode.urls[0] and "高德" in gaode.attribution
    tdt = resolve_tiles("tianditu")
    assert tdt.datum == "wgs84" and "天地图" in tdt.attribution
    assert len(tdt.urls) == 2 and all("tk=abc123" in u for u in tdt.urls)  # map + Chinese annotation
    assert all("TILEMATRIX={z}&TILEROW={y}&TILECOL={x}" in u for u in tdt.urls)
    # no attribution links: nothing in the page is loaded from an attribution
    for src in (osm, gaode, tdt):
        assert "href" not in src.attribution and "<" not in src.attribution


def test_unknown_preset_lists_the_presets():
    with pytest.raises(InputError) as exc:
        resolve_tiles("baidu-satellite")
    msg = str(exc.value)
    assert "baidu-satellite" in msg
    for name in TILE_PRESETS:
        assert name in msg
    assert "{z}/{x}/{y}" in msg


def test_tianditu_without_key_says_how_to_set_it(monkeypatch):
    monkeypatch.delenv(TIANDITU_ENV, raising=False)
    with pytest.raises(InputError) as exc:
        resolve_tiles("tianditu", settings_key="")
    msg = str(exc.value)
    assert TIANDITU_ENV in msg and "tianditu_key" in msg and "yitu.toml" in msg and "console.tianditu.gov.cn" in msg


def test_tianditu_key_from_settings_and_env_order(monkeypatch):
    monkeypatch.delenv(TIANDITU_ENV, raising=False)
    assert "tk=fromsettings" in resolve_tiles("tianditu", settings_key="fromsettings").urls[0]
    monkeypatch.setenv(TIANDITU_ENV, "fromenv")
    assert "tk=fromenv" in resolve_tiles("tianditu", settings_key="fromsettings").urls[0]
    assert "tk=explicit" in resolve_tiles("tianditu", tianditu_key="explicit", settings_key="x").urls[0]
    with pytest.raises(InputError, match="不是浏览器端密钥"):
        resolve_tiles("tianditu", tianditu_key="bad key\"><script>")


def test_url_templates():
    src = resolve_tiles("https://tiles.example.org/{z}/{x}/{y}.png")
    assert src.name == "url" and src.datum == "wgs84" and src.urls == ("https://tiles.example.org/{z}/{x}/{y}.png",)
    assert "tiles.example.org" in src.attribution
    amap = resolve_tiles("https://wprd01.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}&style=7")
    assert amap.datum == "gcj02"
    with pytest.raises(InputError, match=r"缺少 \{z\}"):
        resolve_tiles("https://tiles.example.org/{x}/{y}.png")
