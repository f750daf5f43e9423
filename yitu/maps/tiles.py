"""Basemap tiles for the HTML map: presets and URL templates, each with its datum and attribution.

A basemap draws its streets in one geodetic datum. OpenStreetMap and 天地图 (CGCS2000, which equals
WGS-84 at map precision) draw in WGS-84; 高德 (and other Chinese commercial maps) draw in GCJ-02, so
every overlay must be shifted to GCJ-02 for display on them (:mod:`yitu.maps.html` does that).

Presets
-------
``none``
    No basemap: the map works without any network at all (the default).
``osm``
    OpenStreetMap standard tiles (WGS-84).
``tianditu``
    天地图 vector map with Chinese annotation (WGS-84/CGCS2000). Needs a browser key (``tk``) from
    https://console.tianditu.gov.cn: the environment variable ``YITU_TIANDITU_KEY`` or the setting
    ``[maps] tianditu_key`` in ``yitu.toml``.
``gaode``
    高德 road map (GCJ-02).
a URL template
    ``https://…/{z}/{x}/{y}.png`` (``{s}`` for subdomains a/b/c is allowed). Assumed WGS-84, except
    for hosts known to serve GCJ-02 tiles (autonavi.com, amap.com, map.qq.com / gtimg.com).
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass

from yitu.errors import InputError
from yitu.words import msg, tr

log = logging.getLogger(__name__)

__all__ = ["TileSource", "TILE_PRESETS", "TIANDITU_ENV", "resolve_tiles"]

TIANDITU_ENV = "YITU_TIANDITU_KEY"
TILE_PRESETS: tuple[str, ...] = ("none", "osm", "tianditu", "gaode")

# Hosts that serve GCJ-02 tiles: a URL template pointing there is shifted like the gaode preset.
_GCJ_HOSTS = ("autonavi.com", "amap.com", "map.qq.com", "gtimg.com")

_TIANDITU = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}"
)


@dataclass(frozen=True)
class TileSource:
    """A basemap: one or more tile layers drawn one above the other.

    Attributes
    ----------
    name
        The preset name (``"osm"`` …) or ``"url"`` for a user template.
    urls
        Leaflet URL templates (``{z}``, ``{x}``, ``{y}``, optional ``{s}``); empty for ``none``.
    datum
        ``"wgs84"`` or ``"gcj02"``: the datum in which the tiles draw the streets.
    attribution
        Plain-text attribution (no links: nothing in the page is loaded from it).
    subdomains
        Values for ``{s}``.
    max_zoom
        Highest zoom the tiles exist for.
    """

    name: str
    urls: tuple[str, ...] = ()
    datum: str = "wgs84"
    attribution: str = ""
    subdomains: str = "abc"
    max_zoom: int = 18

    @property
    def is_none(self) -> bool:
        return not self.urls


def _tianditu_key(key: str | None, settings_key: str | None) -> str:
    for candidate in (key, os.environ.get(TIANDITU_ENV), settings_key):
        if candidate and str(candidate).strip():
            return str(candidate).strip()
    raise InputError(tr("maps.err.tianditu_key", env=TIANDITU_ENV))


def resolve_tiles(spec: str | None, *, tianditu_key: str | None = None, settings_key: str | None = None) -> TileSource:
    """Turn a ``--tiles`` value into a :class:`TileSource`.

    Parameters
    ----------
    spec
        ``none`` | ``osm`` | ``tianditu`` | ``gaode`` | a URL template with ``{z}``, ``{x}``, ``{y}``.
        ``None`` or ``""`` means ``none``.
    tianditu_key
        An explicit 天地图 key; else ``$YITU_TIANDITU_KEY``; else ``settings_key``
        (``project.settings.maps.tianditu_key``).
    settings_key
        The key from the project settings.

    Raises
    ------
    InputError
        Unknown preset (the message lists the presets), a URL template without ``{z}/{x}/{y}``,
        or 天地图 without a key (the message says how to set one).
    """
    s = (spec or "none").strip()
    low = s.lower()
    if low in ("none", "", "off", "no"):
        return TileSource("none")
    if low == "osm":
        return TileSource(
            "osm",
            ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",),
            datum="wgs84",
            attribution="© OpenStreetMap contributors (ODbL)",
            subdomains="abc",
            max_zoom=19,
        )
    if low in ("tianditu", "天地图", "tdt"):
        key = _tianditu_key(tianditu_key, settings_key)
        if not re.fullmatch(r"[0-9A-Za-z]+", key):
            raise InputError(tr("maps.err.tianditu_bad_key", key=key, env=TIANDITU_ENV))
        return TileSource(
            "tianditu",
            (_TIANDITU.replace("{layer}", "vec").replace("{key}", key),
             _TIANDITU.replace("{layer}", "cva").replace("{key}", key)),
            datum="wgs84",
            attribution="© 天地图 国家地理信息公共服务平台 (审图号见 www.tianditu.gov.cn)",
            subdomains="01234567",
            max_zoom=18,
        )
    if low in ("gaode", "高德", "amap", "autonavi"):
        return TileSource(
            "gaode",
            ("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",),
            datum="gcj02",
            attribution="© 高德地图 AutoNavi (GCJ-02; overlays shifted for display)",
            subdomains="1234",
            max_zoom=18,
        )
    if re.match(r"^(https?|file)://", s, flags=re.I):
        missing = [p for p in ("{z}", "{x}", "{y}") if p not in s]
        if missing:
            raise InputError(tr("maps.err.tile_template", template=s, missing=", ".join(missing)))
        datum = "gcj02" if any(h in low for h in _GCJ_HOSTS) else "wgs84"
        if datum == "gcj02":
            log.info(msg("maps.log.gcj_tiles"))
        return TileSource("url", (s,), datum=datum, attribution="basemap: " + re.sub(r"^\w+://([^/]+).*$", r"\1", s))
    raise InputError(tr("maps.err.tile_preset", spec=spec, presets=", ".join(TILE_PRESETS)))
