"""Shared fixtures: paths to the test data and the real OSM extracts."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def osm_monaco() -> Path:
    return DATA / "osm" / "monaco.osm.gz"


@pytest.fixture(scope="session")
def osm_krems() -> Path:
    return DATA / "osm" / "krems.osm.gz"
