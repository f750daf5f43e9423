"""Coordinate systems: WGS-84, CGCS2000 (and its Gauss-Krüger zones), GCJ-02, BD-09, local metric CRS.

GCJ-02 (高德/腾讯) and BD-09 (百度) are not PROJ coordinate systems but published obfuscation
formulas; they are converted here with numpy on coordinate arrays and applied to geometries
with :func:`shapely.transform`. The inverses are computed by fixed-point iteration until the
forward image of the estimate is within ~1e-9 degree (≈ 0.1 mm) of the input.
Outside China's rough extent the GCJ shift is not applied, exactly as the published algorithm.
CGCS2000 (EPSG:4490) equals WGS-84 at map precision; PROJ treats it the same way.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyproj
import shapely

from yitu.errors import CRSError
from yitu.words import tr

log = logging.getLogger(__name__)

__all__ = [
    "CHINA_BBOX",
    "CRSSpec",
    "WGS84",
    "out_of_china",
    "wgs84_to_gcj02",
    "gcj02_to_wgs84",
    "gcj02_to_bd09",
    "bd09_to_gcj02",
    "wgs84_to_bd09",
    "bd09_to_wgs84",
    "parse_crs",
    "to_wgs84",
    "from_wgs84",
    "metric_crs",
    "CRS_NAMES",
]

# (min_lon, min_lat, max_lon, max_lat): the rough box the published GCJ-02 algorithm uses.
CHINA_BBOX = (72.004, 0.8293, 137.8347, 55.8271)
WGS84 = pyproj.CRS.from_epsg(4326)

_A = 6378245.0  # Krasovsky 1940 semi-major axis used by GCJ-02
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0

CRS_NAMES = {
    "wgs84": "WGS-84 (EPSG:4326, GPS)",
    "cgcs2000": "CGCS2000 (EPSG:4490, 国家2000)",
    "gcj02": "GCJ-02 (高德/腾讯, 火星坐标)",
    "bd09": "BD-09 (百度)",
}
_ALIASES = {
    "wgs84": "wgs84", "wgs-84": "wgs84", "wgs 84": "wgs84", "gps": "wgs84", "epsg:4326": "wgs84", "4326": "wgs84",
    "cgcs2000": "cgcs2000", "cgcs-2000": "cgcs2000", "国家2000": "cgcs2000", "2000": "cgcs2000",
    "epsg:4490": "cgcs2000", "4490": "cgcs2000",
    "gcj02": "gcj02", "gcj-02": "gcj02", "gcj": "gcj02", "gaode": "gcj02", "amap": "gcj02", "高德": "gcj02",
    "火星": "gcj02", "火星坐标": "gcj02", "tencent": "gcj02", "腾讯": "gcj02",
    "bd09": "bd09", "bd-09": "bd09", "baidu": "bd09", "百度": "bd09", "bd09ll": "bd09",
}


@dataclass(frozen=True)
class CRSSpec:
    """An input coordinate system: a PROJ CRS, or one of the Chinese web datums on top of WGS-84."""

    kind: str  # "proj" | "gcj02" | "bd09"
    crs: pyproj.CRS
    name: str

    @property
    def is_web_datum(self) -> bool:
        return self.kind in ("gcj02", "bd09")


def _arr(v: Any) -> np.ndarray:
    return np.asarray(v, dtype="float64")


def out_of_china(lon: Any, lat: Any) -> np.ndarray:
    """True where a point lies outside the box in which GCJ-02 applies its shift."""
    lon, lat = _arr(lon), _arr(lat)
    return ~((lon >= CHINA_BBOX[0]) & (lon <= CHINA_BBOX[2]) & (lat >= CHINA_BBOX[1]) & (lat <= CHINA_BBOX[3]))


def _transform_lat(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    ret += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    ret += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    ret += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    return ret


def _gcj_delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 -> GCJ-02 (高德). Points outside China are returned unchanged.

    Parameters
    ----------
    lon, lat
        Scalars or arrays of degrees.

    Returns
    -------
    tuple of ndarray
        GCJ-02 longitude and latitude.
    """
    lon, lat = _arr(lon), _arr(lat)
    dlon, dlat = _gcj_delta(lon, lat)
    outside = out_of_china(lon, lat)
    return np.where(outside, lon, lon + dlon), np.where(outside, lat, lat + dlat)


def _invert(forward: Any, lon: np.ndarray, lat: np.ndarray, tol_deg: float = 1e-10) -> tuple[np.ndarray, np.ndarray]:
    """Invert a near-identity ``forward`` by fixed-point iteration."""
    x, y = lon.copy(), lat.copy()
    for _ in range(40):
        fx, fy = forward(x, y)
        ex, ey = fx - lon, fy - lat
        x, y = x - ex, y - ey
        if np.all(np.abs(ex) < tol_deg) and np.all(np.abs(ey) < tol_deg):
            break
    return x, y


def gcj02_to_wgs84(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 -> WGS-84, by iteration (error well under 0.1 m). Outside China: unchanged."""
    return _invert(wgs84_to_gcj02, _arr(lon), _arr(lat))


def gcj02_to_bd09(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 -> BD-09 (百度), the published formula."""
    x, y = _arr(lon), _arr(lat)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 -> GCJ-02, by iteration of :func:`gcj02_to_bd09` (the closed form is off by ~1 m)."""
    return _invert(gcj02_to_bd09, _arr(lon), _arr(lat))


def wgs84_to_bd09(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 -> BD-09."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
    """BD-09 -> WGS-84 (both inverses by iteration)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def parse_crs(spec: Any) -> CRSSpec:
    """Read an input CRS: a name (wgs84, cgcs2000, gcj02, bd09 — Chinese names too), an EPSG code or a CRS.

    Raises
    ------
    CRSError
        For an unknown name, listing the accepted ones.
    """
    if isinstance(spec, CRSSpec):
        return spec
    if spec is None:
        return CRSSpec("proj", WGS84, "wgs84")
    if isinstance(spec, pyproj.CRS):
        return CRSSpec("proj", spec, spec.name)
    key = str(spec).strip().lower()
    name = _ALIASES.get(key)
    if name == "gcj02":
        return CRSSpec("gcj02", WGS84, "gcj02")
    if name == "bd09":
        return CRSSpec("bd09", WGS84, "bd09")
    if name == "wgs84":
        return CRSSpec("proj", WGS84, "wgs84")
    if name == "cgcs2000":
        return CRSSpec("proj", pyproj.CRS.from_epsg(4490), "cgcs2000")
    try:
        crs = pyproj.CRS.from_user_input(int(key) if key.isdigit() else str(spec).strip())
    except (pyproj.exceptions.CRSError, ValueError):
        accepted = ", ".join(f"{k} = {v}" for k, v in CRS_NAMES.items())
        raise CRSError(tr("crs.err.unknown", spec=spec, accepted=accepted)) from None
    return CRSSpec("proj", crs, crs.name)


def _convert_geoms(geoms: Any, func: Any) -> Any:
    def _t(coords: np.ndarray) -> np.ndarray:
        x, y = func(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, _t)


def to_wgs84(obj: Any, spec: Any) -> Any:
    """Convert a GeoSeries/GeoDataFrame given in ``spec`` to WGS-84 (EPSG:4326).

    For GCJ-02/BD-09 a geographic CRS of the object is ignored (such files usually claim EPSG:4326)
    and the published conversion is applied; a projected one (Web Mercator) is first unprojected to
    the lon/lat it stands for.
    """
    s = parse_crs(spec)
    if s.kind == "proj":
        if obj.crs is None:
            obj = obj.set_crs(s.crs)
        return obj.to_crs(WGS84)
    if obj.crs is not None and not obj.crs.is_geographic:
        obj = obj.to_crs(WGS84)
    func = gcj02_to_wgs84 if s.kind == "gcj02" else bd09_to_wgs84
    if hasattr(obj, "columns"):
        out = obj.copy()
        name = out.geometry.name
        out[name] = _convert_geoms(np.asarray(out.geometry.values), func)
        return out.set_geometry(name).set_crs(WGS84, allow_override=True)
    return type(obj)(_convert_geoms(np.asarray(obj.values), func), index=obj.index, crs=WGS84)


def from_wgs84(obj: Any, spec: Any) -> Any:
    """Convert a WGS-84 GeoSeries/GeoDataFrame to ``spec`` (e.g. GCJ-02 for a 高德 basemap)."""
    s = parse_crs(spec)
    if s.kind == "proj":
        return obj.to_crs(s.crs)
    func = wgs84_to_gcj02 if s.kind == "gcj02" else wgs84_to_bd09
    out = obj.to_crs(WGS84).copy()
    if hasattr(out, "columns"):
        name = out.geometry.name
        out[name] = _convert_geoms(np.asarray(out.geometry.values), func)
        return out.set_geometry(name)
    return type(out)(_convert_geoms(np.asarray(out.values), func), index=out.index, crs=WGS84)


def _centre(obj: Any) -> tuple[float, float]:
    if hasattr(obj, "total_bounds"):
        b = obj.to_crs(WGS84).total_bounds if obj.crs is not None and not obj.crs.equals(WGS84) else obj.total_bounds
    else:
        b = tuple(obj)
        if len(b) == 2:
            return float(b[0]), float(b[1])
    if len(b) != 4 or not np.all(np.isfinite(b)):
        raise CRSError(tr("crs.err.no_extent"))
    return (b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0


def metric_crs(obj: Any, *, method: str = "utm") -> pyproj.CRS:
    """A local metric CRS for computations.

    Parameters
    ----------
    obj
        A GeoDataFrame/GeoSeries, a bounds tuple ``(minx, miny, maxx, maxy)`` or a ``(lon, lat)`` centre
        (WGS-84 degrees).
    method
        ``"utm"`` (UTM zone of the centre), ``"cgcs2000-gk3"`` / ``"cgcs2000-gk6"`` (CGCS2000
        Gauss-Krüger zone of the centre, zone number prefixed to the easting), or an explicit CRS
        such as ``"EPSG:4547"``.
    """
    m = method.strip().lower()
    if m not in ("utm", "cgcs2000-gk3", "cgcs2000-gk6"):
        spec = parse_crs(method)
        if spec.kind != "proj" or not spec.crs.is_projected:
            raise CRSError(tr("crs.err.not_projected", method=method))
        return spec.crs
    lon, lat = _centre(obj)
    if m == "utm":
        zone = int((lon + 180.0) // 6.0) + 1
        return pyproj.CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)
    if m == "cgcs2000-gk3":
        zone = int(round(lon / 3.0))  # 3° zones, central meridian 3·n (zones 25..45 -> EPSG:4513..4533)
        if not 25 <= zone <= 45:
            raise CRSError(tr("crs.err.gk3", lon=f"{lon:.3f}"))
        return pyproj.CRS.from_epsg(4513 + zone - 25)
    zone = int(lon // 6.0) + 1  # 6° zones 13..23 -> EPSG:4491..4501
    if not 13 <= zone <= 23:
        raise CRSError(tr("crs.err.gk6", lon=f"{lon:.3f}"))
    return pyproj.CRS.from_epsg(4491 + zone - 13)
