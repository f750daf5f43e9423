"""Base geography of the maps: water, bridges, town boundaries and place names.

Read from the OSM file the road network was built from (:func:`yitu.routing.build.network_source`)
with pyosmium, or from layers the office supplies.
"""

from __future__ import annotations

import logging

from yitu.words import has, tr

log = logging.getLogger(__name__)

__all__ = ["road_class_text"]


def road_class_text(road_class: object, *, lang: str = "zh") -> str:
    """Words for an OSM highway class (``motorway`` → 高速公路); an unknown class is shown as stored."""
    if road_class is None or str(road_class) in ("", "nan", "None"):
        return ""
    key = f"maps.road.{road_class}"
    return tr(key, lang=lang) if has(key) else str(road_class)


def base_layers(project, *, lang: str = "zh", bounds=None) -> list:
    """Base-geography map layers of a project (none yet)."""
    return []
