"""Geometry checks: coordinates from text columns, swapped lat/lon, invalid polygons repaired."""

from __future__ import annotations

import logging
import re
import unicodedata
from typing import Any

import numpy as np
import pandas as pd
import shapely

from yitu.gis.crs import CHINA_BBOX

log = logging.getLogger(__name__)

__all__ = ["parse_coordinate", "parse_coordinates", "swapped_mask", "inside_bbox", "repair_geometries"]

_DMS = re.compile(
    r"^\s*(?P<d>\d+(?:\.\d+)?)\s*[°度:]\s*(?:(?P<m>\d+(?:\.\d+)?)\s*(?!′′)['′’分:]?\s*)?"
    r"(?:(?P<s>\d+(?:\.\d+)?)\s*(?:\"|″|′′|''|”|秒)?\s*)?(?P<h>[NSEWnsew东西南北]?)\s*$"
)
_DEC = re.compile(r"^\s*(?P<h0>[NSEWnsew东西南北]?)\s*(?P<v>[-+]?\d+(?:\.\d+)?)\s*°?\s*(?P<h>[NSEWnsew东西南北]?)\s*$")
_NEG = set("SWsw西南")


def parse_coordinate(value: Any) -> float:
    """One coordinate from text: ``118.5``, ``118.5°``, full-width ``１１８．５``, ``118°30'15"E``.

    Returns NaN when the value is empty or not a coordinate.
    """
    if value is None:
        return float("nan")
    if isinstance(value, (int, float, np.number)):
        return float(value)
    text = unicodedata.normalize("NFKC", str(value)).strip().replace("，", ".")
    if not text:
        return float("nan")
    m = _DEC.match(text)
    if m:
        v = float(m.group("v"))
        hemi = m.group("h") or m.group("h0")
        return -abs(v) if hemi in _NEG and hemi else v
    m = _DMS.match(text)
    if m:
        v = float(m.group("d")) + float(m.group("m") or 0) / 60.0 + float(m.group("s") or 0) / 3600.0
        return -v if m.group("h") in _NEG and m.group("h") else v
    return float("nan")


def parse_coordinates(values: pd.Series) -> np.ndarray:
    """Vector form of :func:`parse_coordinate` (NaN where a value cannot be read)."""
    try:
        return pd.to_numeric(values, errors="raise").astype("float64").to_numpy()
    except (ValueError, TypeError):
        return np.array([parse_coordinate(v) for v in values], dtype="float64")


def inside_bbox(lon: np.ndarray, lat: np.ndarray, bbox: tuple[float, float, float, float]) -> np.ndarray:
    """True where (lon, lat) lies in ``bbox`` = (min_lon, min_lat, max_lon, max_lat)."""
    return (lon >= bbox[0]) & (lon <= bbox[2]) & (lat >= bbox[1]) & (lat <= bbox[3])


def swapped_mask(
    lon: np.ndarray, lat: np.ndarray, *, bbox: tuple[float, float, float, float] = CHINA_BBOX
) -> np.ndarray:
    """True where the pair is unambiguously swapped: (lat, lon) falls in ``bbox`` and (lon, lat) does not."""
    lon = np.asarray(lon, dtype="float64")
    lat = np.asarray(lat, dtype="float64")
    return ~inside_bbox(lon, lat, bbox) & inside_bbox(lat, lon, bbox)


def repair_geometries(geoms: Any) -> tuple[np.ndarray, pd.DataFrame]:
    """Repair invalid geometries with :func:`shapely.make_valid`, keeping polygonal parts of polygons.

    Returns
    -------
    tuple
        The repaired geometry array (same order), and a table ``(position, reason)`` of what was repaired.
    """
    arr = np.asarray(geoms, dtype=object)
    valid = shapely.is_valid(arr) | shapely.is_missing(arr)
    bad = np.flatnonzero(~valid)
    if bad.size == 0:
        return arr, pd.DataFrame({"position": pd.Series(dtype="int64"), "reason": pd.Series(dtype=object)})
    reasons = shapely.is_valid_reason(arr[bad])
    fixed = shapely.make_valid(arr[bad])
    out = arr.copy()
    for k, i in enumerate(bad):
        g = fixed[k]
        if shapely.get_type_id(arr[i]) in (3, 6):  # polygonal input: keep the polygonal parts only
            if shapely.get_type_id(g) == 7:  # GeometryCollection
                parts = [p for p in shapely.get_parts(g) if shapely.get_type_id(p) in (3, 6)]
                g = shapely.union_all(parts) if parts else shapely.Polygon()
        out[i] = g
    return out, pd.DataFrame({"position": bad.astype("int64"), "reason": reasons})
