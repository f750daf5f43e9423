"""Sections of the readiness report contributed by the planning analyses (siting, shelters, distances ...).

Each module here defines ``section(project, *, font, lang: str) -> Section | None`` (``None`` when
the project has no result for it) and an ``ORDER`` int (position among these sections). The
report appends them after its own sections, before the settings table. ``Section`` and ``Table``
are :class:`yitu.maps.report.Section` and :class:`yitu.maps.report.Table`.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType
from typing import Any

__all__ = ["providers", "extra_sections"]


def providers() -> list[ModuleType]:
    """The section modules, in report order."""
    mods = [importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)
            if not m.name.startswith("_")]
    return sorted(mods, key=lambda m: (getattr(m, "ORDER", 100), m.__name__))


def extra_sections(project: Any, *, font: Any, lang: str = "zh") -> list[Any]:
    """Every extra section the project has results for."""
    out = []
    for mod in providers():
        sec = mod.section(project, font=font, lang=lang)
        if sec is not None:
            out.append(sec)
    return out
