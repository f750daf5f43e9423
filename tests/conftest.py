"""Shared fixtures: paths to the test data, the real OSM extracts and the demo project.

The demo project is built once per session; tests that change a project copy it first
(``demo_copy``) so that the shared one stays as generated.
"""

from __future__ import annotations

import shutil
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


@pytest.fixture(scope="session")
def demo_project(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The demo county as a project (read-only: use ``demo_copy`` to change it)."""
    from yitu.layers.demo import build_demo_project

    project, _ = build_demo_project(tmp_path_factory.mktemp("demo") / "qinglan")
    return project


@pytest.fixture()
def demo_copy(demo_project, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A private copy of the demo project that a test may change."""
    from yitu.layers.project import Project

    dst = tmp_path / "qinglan"
    shutil.copytree(demo_project.path, dst)
    return Project.open(dst)


@pytest.fixture(scope="session")
def demo_network(demo_project):  # type: ignore[no-untyped-def]
    """The demo road network (fire-engine profile) from the demo's OSM file, in the project's metric CRS."""
    from yitu.routing.osm import from_osm

    return from_osm(
        demo_project.path / "inputs" / "roads.osm",
        profile=demo_project.settings.profile("fire_engine"),
        crs=demo_project.metric_crs(),
    )
