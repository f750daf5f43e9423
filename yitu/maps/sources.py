"""Where the data of a map comes from and how old it is: the source line and the 数据日期 of every output.

One place for both, so the HTML map, every image and the report say the same thing:

- the road network is credited to OpenStreetMap only when it was built from an OSM file
  (:func:`yitu.routing.build.network_source` records the kind); an office's own road file is named;
- 数据日期 is the latest ``updated_at`` over all input layers of the project, the same date on every
  image; with no dates in the data it is 未知 (unknown), never today.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from yitu.words import tr
from yitu.words.maps import map_text

if TYPE_CHECKING:
    from yitu.layers.project import Project

log = logging.getLogger(__name__)

__all__ = ["source_notes", "source_line", "project_data_date", "date_text", "network_kind"]


def network_kind(project: Project) -> tuple[str | None, str]:
    """``("osm" | "roads" | None, file name)`` of the project's road network."""
    try:
        from yitu.routing.build import network_source

        rec = network_source(project)
    except Exception as exc:  # noqa: BLE001 - a broken record is reported by the network commands
        log.debug("network record: %s", exc)
        return None, ""
    if not rec:
        return None, ""
    return rec.get("kind"), Path(str(rec.get("path", ""))).name


def _default_note() -> str:
    from yitu.settings import default_settings

    return default_settings().maps.source_note.strip()


def source_line(project: Project, *, lang: str = "zh", note: str | None = None) -> str:
    """数据来源 line: the office's own note when it set one, else project layers + the road source."""
    note = (project.settings.maps.source_note if note is None else note) or ""
    if note.strip() and note.strip() != _default_note():
        return note.strip()
    kind, name = network_kind(project)
    parts = [tr("maps.source.project_layers", lang=lang)]
    if kind == "osm":
        parts.append(tr("maps.source.osm", lang=lang))
    elif kind == "roads" or project.has("roads"):
        parts.append(tr("maps.source.office", lang=lang, name=name or tr("maps.source.project_roads", lang=lang)))
    return tr("maps.source.head", lang=lang) + tr("maps.source.sep", lang=lang).join(parts)


def data_date(*layers: pd.DataFrame | None) -> date | None:
    """The latest ``updated_at`` of the layers (``None`` when none has one)."""
    latest: pd.Timestamp | None = None
    for layer in layers:
        if layer is None or "updated_at" not in layer.columns or not len(layer):
            continue
        values = pd.to_datetime(layer["updated_at"].astype("string"), errors="coerce", format="mixed")
        top = values.max()
        if pd.notna(top) and (latest is None or top > latest):
            latest = top
    return latest.date() if latest is not None else None


def project_data_date(project: Project) -> date | None:
    """The latest ``updated_at`` over the project's input layers; ``None`` when no row has a date."""
    import pyogrio

    from yitu.layers.schema import SCHEMAS

    stored = set(project.layers())
    cols = []
    for name in SCHEMAS:
        if name not in stored:
            continue
        try:  # the one column only: 100,000 rows in milliseconds
            cols.append(pyogrio.read_dataframe(project.gpkg, layer=name, columns=["updated_at"], read_geometry=False))
        except Exception:  # noqa: BLE001 - a layer without the column, or unreadable: no date to give
            continue
    return data_date(*cols)


def date_text(d: date | str | None, *, lang: str = "zh") -> str:
    """A data date as shown: ISO date, or 未知 when there is none."""
    if d is None or (isinstance(d, str) and not d.strip()):
        return tr("maps.date.unknown", lang=lang)
    return d.isoformat() if isinstance(d, date) else str(d)


def source_notes(project: Project, *, lang: str = "zh") -> list[str]:
    """The lines under the HTML map's legend: 数据来源 and 数据日期."""
    sep = tr("maps.label_sep", lang=lang)
    when = date_text(project_data_date(project), lang=lang)
    return [source_line(project, lang=lang), f"{map_text('data_date', lang=lang)}{sep}{when}"]
