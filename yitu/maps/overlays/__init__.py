"""Overlays of the HTML map contributed by the planning analyses (siting, shelters, distances ...).

Each module here defines ``layers(project, *, lang: str) -> list[MapLayer]`` returning the
overlays it has results for (an empty list when the project has none) and an ``ORDER`` int
(drawing order among overlays, smaller first). :func:`yitu.maps.html.map_layers` appends them
after the base layers. Symbols come from :mod:`yitu.maps.style`; words from :mod:`yitu.words`.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import Any

__all__ = ["providers", "overlay_layers"]


def providers() -> list[ModuleType]:
    """The overlay modules, in drawing order."""
    mods = [importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)
            if not m.name.startswith("_")]
    return sorted(mods, key=lambda m: (getattr(m, "ORDER", 100), m.__name__))


def overlay_layers(project: Any, *, lang: str) -> list[Any]:
    """Every overlay the project has results for."""
    out: list[Any] = []
    for mod in providers():
        out.extend(mod.layers(project, lang=lang))
    return out
