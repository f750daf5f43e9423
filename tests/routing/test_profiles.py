"""Speed profiles: maxspeed and oneway parsing, class speeds, calibration, signal delay."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from tests.routing.test_network import write_osm
from yitu.routing.osm import from_osm
from yitu.routing.profiles import MPH, edge_speeds, edge_times, parse_maxspeed, parse_oneway, passable
from yitu.settings import default_settings

FIRE = default_settings().profile("fire_engine")


@pytest.mark.parametrize(
    ("tag", "kmh"),
    [
        ("50", 50.0), ("50 km/h", 50.0), (" 60kmh ", 60.0), ("30 mph", 30 * MPH), ("20 knots", 20 * 1.852),
        ("CN:urban", 50.0), ("cn:rural", 70.0), ("CN:motorway", 120.0), ("AT:rural", 100.0),
        ("50;70", 50.0), ("70|50", 50.0), ("none;60", 60.0), ("walk", 7.0), (50, 50.0), ("12.5", 12.5),
    ],
)
def test_parse_maxspeed(tag, kmh):
    assert parse_maxspeed(tag) == pytest.approx(kmh)


@pytest.mark.parametrize("tag", [None, "", "none", "signals", "variable", "-1", "0", "XX:unknown", "fast"])
def test_parse_maxspeed_no_number(tag):
    assert math.isnan(parse_maxspeed(tag))


@pytest.mark.parametrize(
    ("value", "kw", "want"),
    [
        ("yes", {}, 1), ("true", {}, 1), ("1", {}, 1), ("是", {}, 1), ("单行", {}, 1), ("YES", {}, 1),
        ("-1", {}, -1), ("reverse", {}, -1),
        ("no", {}, 0), ("false", {}, 0), ("0", {}, 0), ("双向", {}, 0),
        ("reversible", {}, 0), ("alternating", {}, 0),
        (None, {}, 0), (None, {"junction": "roundabout"}, 1), (None, {"junction": "circular"}, 1),
        (None, {"highway": "motorway"}, 1), ("no", {"highway": "motorway"}, 0),
        ("no", {"junction": "roundabout"}, 0), ("-1", {"junction": "roundabout"}, -1),
    ],
)
def test_parse_oneway(value, kw, want):
    assert parse_oneway(value, **kw) == want


def test_edge_speeds_cap_calibration_and_default():
    cls = np.array(["trunk", "trunk", "residential", "unknown_class", "primary"], dtype=object)
    cap = np.array([np.nan, 40.0, 50.0, np.nan, np.nan])
    given = np.array([np.nan, np.nan, np.nan, np.nan, 45.0])
    sp = edge_speeds(cls, cap, FIRE, given_kmh=given)
    # cap lowers, never raises; unknown class -> default_kmh; a given speed replaces the class speed
    np.testing.assert_allclose(sp, [60.0, 40.0, 25.0, 25.0, 45.0])
    slow = dataclasses.replace(FIRE, calibration=0.8)
    np.testing.assert_allclose(edge_speeds(cls, cap, slow, given_kmh=given), 0.8 * sp)
    assert passable(np.array(["motorway", "footway"]), default_settings().profile("walking")).tolist() == [False, True]


def test_edge_times_signal_delay():
    prof = dataclasses.replace(FIRE, signal_delay_s=15.0)
    t = edge_times(np.array([360.0, 360.0]), np.array([36.0, 36.0]), np.array([False, True]), prof)
    np.testing.assert_allclose(t, [36.0, 51.0])


def test_osm_tags_give_edge_speeds(tmp_path):
    nodes = {i: (100.0 * i, 0.0) for i in range(1, 8)}
    ways = [
        (10, [1, 2], {"highway": "trunk", "maxspeed": "30 mph"}),
        (11, [2, 3], {"highway": "trunk", "maxspeed": "CN:urban"}),
        (12, [3, 4], {"highway": "trunk", "maxspeed": "50;70"}),
        (13, [4, 5], {"highway": "trunk", "maxspeed": "none"}),
        (14, [5, 6], {"highway": "trunk", "maxspeed": "100"}),  # a limit above the class speed does not raise it
        (15, [6, 7], {"highway": "residential"}),
    ]
    p = write_osm(tmp_path / "ms.osm", nodes, ways, node_tags={4: {"highway": "traffic_signals"}})
    net = from_osm(p, profile=FIRE)
    by_way = {int(w): float(net.speed_kmh[net.way_id == w][0]) for w in np.unique(net.way_id)}
    assert by_way == pytest.approx({10: 30 * MPH, 11: 50.0, 12: 50.0, 13: 60.0, 14: 60.0, 15: 25.0})
    assert net.signal.sum() == 1
    # with a signal delay, only edges ending at the signal node pay it
    delayed = from_osm(p, profile=dataclasses.replace(FIRE, signal_delay_s=30.0))
    extra = delayed.time_s - net.time_s
    sig = delayed.signal[delayed.v]
    np.testing.assert_allclose(extra[sig], 30.0)
    np.testing.assert_allclose(extra[~sig], 0.0, atol=1e-9)
    # calibration scales every travel time
    slow = from_osm(p, profile=dataclasses.replace(FIRE, calibration=0.5))
    np.testing.assert_allclose(slow.time_s, 2 * net.time_s)
