from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import shapely

from yitu.gis.geometry import parse_coordinate, parse_coordinates, repair_geometries, swapped_mask


@pytest.mark.parametrize(
    "text, value",
    [("118.5", 118.5), ("118.5°", 118.5), ("１１８．５", 118.5), ("118°30'15\"E", 118 + 30 / 60 + 15 / 3600),
     ("118度30分", 118.5), ("32.1N", 32.1), ("W 5.5", -5.5), (118, 118.0),
     # prime and double prime (″ is ′′ after NFKC), and the quotes a Chinese input method types
     ("118°30′15″", 118 + 30 / 60 + 15 / 3600), ("118°30′15″E", 118 + 30 / 60 + 15 / 3600),
     ("118°30’15”", 118 + 30 / 60 + 15 / 3600)],
)
def test_parse_coordinate(text, value):
    assert parse_coordinate(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["", "abc", None, "118.5.3"])
def test_parse_coordinate_bad(text):
    assert math.isnan(parse_coordinate(text))


def test_parse_coordinates_vector():
    out = parse_coordinates(pd.Series(["119.4", "abc", "１１９"]))
    assert out[0] == 119.4 and np.isnan(out[1]) and out[2] == 119.0


def test_swapped_mask_only_when_unambiguous():
    lon = np.array([32.3, 119.4, 32.3, 10.0])
    lat = np.array([119.4, 32.3, 40.0, 50.0])
    np.testing.assert_array_equal(swapped_mask(lon, lat), [True, False, False, False])


def test_repair_bowtie_keeps_polygonal_parts():
    bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    fixed, report = repair_geometries([bowtie, shapely.Point(0, 0)])
    assert shapely.is_valid(fixed[0]) and fixed[0].geom_type == "MultiPolygon"
    assert fixed[0].area == pytest.approx(0.5)
    assert list(report["position"]) == [0]
    assert "Self-intersection" in report["reason"].iloc[0]
