"""Where the data of a map comes from and how old it is: the source line and the 数据日期 of every output."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from yitu.layers.project import Project

log = logging.getLogger(__name__)

__all__ = ["source_notes"]


def source_notes(project: Project, *, lang: str = "zh") -> list[str]:
    """Credit lines for the data of a project's maps."""
    return []
