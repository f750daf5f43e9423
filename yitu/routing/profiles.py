"""Speed profiles: road class -> km/h, ``maxspeed`` parsing, ``oneway`` rules, edge travel times.

A profile (:class:`yitu.settings.SpeedProfile`) is a planning assumption: the fire-engine
speeds by OSM class from DEFAULTS.md, capped by ``maxspeed`` and multiplied by a calibration
factor set from drill measurements. A class with speed 0 is not passable in that profile.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import numpy as np
import pandas as pd

from yitu.settings import SpeedProfile

log = logging.getLogger(__name__)

__all__ = ["parse_maxspeed", "parse_oneway", "passable", "edge_speeds", "edge_times", "ZONE_SPEEDS"]

MPH = 1.609344
# Country:zone implicit limits (km/h) as tagged in OSM (maxspeed=CN:urban ...).
ZONE_SPEEDS: dict[str, float] = {
    "cn:urban": 50.0, "cn:rural": 70.0, "cn:trunk": 100.0, "cn:motorway": 120.0, "cn:expressway": 120.0,
    "at:urban": 50.0, "at:rural": 100.0, "at:trunk": 100.0, "at:motorway": 130.0,
    "de:urban": 50.0, "de:rural": 100.0, "de:motorway": 130.0, "de:living_street": 7.0, "de:zone30": 30.0,
    "fr:urban": 50.0, "fr:rural": 80.0, "fr:motorway": 130.0, "mc:urban": 50.0, "it:urban": 50.0,
    "ch:urban": 50.0, "ch:rural": 80.0, "ch:motorway": 120.0, "gb:nsl_single": 60 * MPH, "gb:nsl_dual": 70 * MPH,
}
_WORDS = {"walk": 7.0, "living_street": 10.0}
_NUM = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(km/h|kmh|kph|mph|knots)?\s*$", re.I)


def parse_maxspeed(value: Any) -> float:
    """A ``maxspeed`` tag in km/h, or NaN when it gives no number.

    Accepts ``50``, ``50 km/h``, ``30 mph``, ``CN:urban``-style zones, ``walk``, and lists
    (``50;70`` or ``50|70``) of which the lowest counts (the safe side for planning).
    ``none``, ``signals``, ``variable`` and unknown zones give NaN (the class speed applies).
    """
    if value is None:
        return float("nan")
    text = str(value).strip().lower()
    if not text:
        return float("nan")
    parts = re.split(r"[;|]", text)
    if len(parts) > 1:
        vals = [parse_maxspeed(p) for p in parts]
        vals = [v for v in vals if not np.isnan(v)]
        return min(vals) if vals else float("nan")
    m = _NUM.match(text)
    if m:
        v = float(m.group(1))
        unit = (m.group(2) or "").lower()
        if unit == "mph":
            v *= MPH
        elif unit == "knots":
            v *= 1.852
        return v if v > 0 else float("nan")
    if text in ZONE_SPEEDS:
        return ZONE_SPEEDS[text]
    return _WORDS.get(text, float("nan"))


def parse_oneway(value: Any, *, highway: str = "", junction: str = "") -> int:
    """Direction of travel allowed: 1 forward only, -1 backward only, 0 both ways.

    ``yes``/``true``/``1``/``是``/``单向`` -> 1; ``-1``/``reverse`` -> -1; ``no``/``false``/``0``/
    ``双向`` -> 0; ``reversible``/``alternating`` -> 0 (passable both ways for emergency vehicles,
    documented as an assumption). No tag: ``junction=roundabout`` and ``highway=motorway``
    imply one-way, as OSM does.
    """
    text = "" if value is None else str(value).strip().lower()
    if text in ("yes", "true", "1", "是", "单向", "单行", "forward"):
        return 1
    if text in ("-1", "reverse", "backward", "反向"):
        return -1
    if text in ("no", "false", "0", "否", "双向", "reversible", "alternating"):
        return 0
    if junction in ("roundabout", "circular") or highway == "motorway":
        return 1
    return 0


def passable(road_class: np.ndarray, profile: SpeedProfile) -> np.ndarray:
    """True for road classes the profile can use (a positive speed in ``speeds_kmh``)."""
    speeds = profile.speeds_kmh
    return np.array([speeds.get(str(c), 0.0) > 0 for c in road_class], dtype=bool)


def edge_speeds(
    road_class: np.ndarray, maxspeed_kmh: np.ndarray, profile: SpeedProfile, *, given_kmh: np.ndarray | None = None
) -> np.ndarray:
    """Speed per edge (km/h): the class speed (or ``given_kmh`` where set), capped by ``maxspeed``,
    times the profile's calibration factor."""
    inverse, classes = pd.factorize(pd.Series(np.asarray(road_class, dtype=object)).astype(str), sort=False)
    table = np.array([profile.speeds_kmh.get(str(c), profile.default_kmh) for c in classes], dtype="float64")
    speed = table[inverse] if inverse.size else np.zeros(0)
    if given_kmh is not None:
        given = np.asarray(given_kmh, dtype="float64")
        speed = np.where(np.isfinite(given) & (given > 0), given, speed)
    cap = np.asarray(maxspeed_kmh, dtype="float64")
    speed = np.where(np.isfinite(cap) & (cap > 0), np.minimum(speed, cap), speed)
    return speed * profile.calibration


def edge_times(length_m: np.ndarray, speed_kmh: np.ndarray, head_signal: np.ndarray, profile: SpeedProfile) -> np.ndarray:
    """Travel time (s) per edge: length at speed, plus the profile's signal delay when the edge ends
    at a ``traffic_signals`` node."""
    t = np.asarray(length_m, dtype="float64") / (np.asarray(speed_kmh, dtype="float64") / 3.6)
    return t + np.where(head_signal, profile.signal_delay_s, 0.0)
