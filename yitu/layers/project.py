"""The project store: a folder with ``yitu.toml`` (settings) and ``project.gpkg`` (every layer and result).

QGIS opens ``project.gpkg`` as it is. Every write is atomic: the GeoPackage is copied to a
temporary file, the layer written there, and the copy renamed over the original. Writers take the
project's lock (``.project.gpkg.lock``) so two commands at once both keep their layers; the file
a write replaces is kept as ``project.gpkg.bak``; a ``project.gpkg`` that cannot be read stops
every command (:class:`~yitu.errors.ProjectError`, exit 2) and is never overwritten.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyogrio.errors
import pyproj

from yitu import __version__
from yitu.errors import InputError, ProjectError
from yitu.gis.crs import WGS84, metric_crs
from yitu.gis.gpkgsafe import backup_path, check_gpkg, clean_if_idle, damaged_error, gpkg_lock
from yitu.gis.io import atomic_path, csv_safe_cell, list_layers, read_gpkg_layer, write_csv, write_gpkg
from yitu.layers.schema import SCHEMAS
from yitu.settings import Settings, load_settings
from yitu.words import msg, tr

log = logging.getLogger(__name__)

__all__ = ["Project", "META_LAYER", "MAKERS"]

META_LAYER = "yitu_meta"
# tables that are not layers: yitu's metadata and the QGIS styles (layer_styles, see yitu.maps.qgis)
_INTERNAL = frozenset({META_LAYER, "layer_styles"})
# Project.open checks every page of a GeoPackage up to this size (SQLite's quick_check reads
# about 150 MB/s: 0.15 s for 100,000 enterprises); larger files get the header checks only
_THOROUGH_MAX_BYTES = 200_000_000
GPKG = "project.gpkg"
TOML = "yitu.toml"

# Which command makes a layer, for the message when it is missing.
MAKERS: dict[str, str] = {
    **{name: f"yitu import DIR {name} FILE" for name in SCHEMAS},
    "roads": "yitu network build DIR --osm FILE (or --roads FILE)",
    "result_coverage": "yitu check DIR",
    "result_isochrones": "yitu check DIR",
    "result_responsibility": "yitu check DIR",
    "result_park_check": "yitu check DIR",
    "result_park_targets": "yitu check DIR",
    **{f"result_siting{x}": "yitu site DIR" for x in ("", "_candidates", "_demand", "_tradeoff")},
    **{f"result_shelter_{x}": "yitu shelters DIR" for x in ("assignment", "load", "proposals")},
    "result_distance_violations": "yitu distances DIR",
}

_TEMPLATE = """# yitu project settings. Every key is optional: what is not set here comes from the packaged
# defaults (see `yitu settings` or yitu/data/defaults.toml for every setting and its source).

[project]
name = {name}
{bbox_line}
# metric_crs = "utm"            # or "cgcs2000-gk3", or an EPSG code such as "EPSG:4528"
# default_input_crs = "wgs84"   # wgs84 | cgcs2000 | gcj02 | bd09 | EPSG:xxxx

# [rescue]
# park_limit_min = 15.0         # the chemical-park rescue circle, alarm to arrival

# [profiles.fire_engine]
# calibration = 1.0             # < 1 when drills show engines slower than planned
"""


def _layers_of(gpkg: Path) -> list[str]:
    """The layers of a project's GeoPackage; a file GDAL cannot open is reported as damaged."""
    try:
        return list_layers(gpkg)
    except pyogrio.errors.DataSourceError as exc:
        raise damaged_error(gpkg, str(exc)) from None


def _csv_unquote(v: str) -> str:
    """The cell as it was before :func:`yitu.gis.io.write_csv` made formula-like text safe."""
    return v[1:] if isinstance(v, str) and v.startswith("'") and csv_safe_cell(v[1:]) == v else v


class Project:
    """A yitu project folder.

    Use :meth:`init` to create one and :meth:`open` to open one; both return a ``Project``.
    """

    def __init__(self, path: Path, settings: Settings) -> None:
        self.path = Path(path)
        self.settings = settings

    # -- creation --------------------------------------------------------------------------
    @classmethod
    def init(
        cls,
        path: str | Path,
        *,
        name: str | None = None,
        bbox: tuple[float, float, float, float] | None = None,
        exist_ok: bool = False,
    ) -> Project:
        """Create ``yitu.toml`` and an empty ``project.gpkg`` in ``path``.

        Raises
        ------
        ProjectError
            When ``path`` already holds a project and ``exist_ok`` is false.
        """
        p = Path(path)
        if (p / GPKG).exists() and not exist_ok:
            raise ProjectError(tr("project.err.exists", path=p))
        if bbox is not None:
            if len(bbox) != 4 or not (bbox[0] < bbox[2] and bbox[1] < bbox[3]):
                raise InputError(tr("project.err.bbox", bbox=bbox))
        p.mkdir(parents=True, exist_ok=True)
        toml = p / TOML
        if not toml.exists():
            # every digit of the bbox (a rounded min would cut the area), the name as a TOML string
            bbox_line = f"bbox = [{', '.join(repr(float(v)) for v in bbox)}]" if bbox else "# bbox = [min_lon, min_lat, max_lon, max_lat]"
            toml_name = json.dumps(name or p.name, ensure_ascii=False)  # JSON strings are TOML basic strings
            with atomic_path(toml) as tmp:
                tmp.write_text(_TEMPLATE.format(name=toml_name, bbox_line=bbox_line), encoding="utf-8")
        meta = pd.DataFrame(
            {
                "key": ["yitu_version", "created"],
                "value": [__version__, datetime.now(timezone.utc).isoformat(timespec="seconds")],
            }
        )
        if (p / GPKG).exists():
            check_gpkg(p / GPKG)
        if not (p / GPKG).exists() or META_LAYER not in _layers_of(p / GPKG):
            write_gpkg(p / GPKG, {META_LAYER: meta}, backup=True)
        log.info(msg("project.log.created", path=p))
        return cls(p, load_settings(toml))

    @classmethod
    def open(cls, path: str | Path) -> Project:
        """Open an existing project; :class:`ProjectError` says how to create one if there is none,
        or that ``project.gpkg`` is damaged (naming ``project.gpkg.bak`` when that one is good)."""
        p = Path(path)
        if not (p / GPKG).exists():
            raise ProjectError(tr("project.err.not_project", path=p))
        gpkg = p / GPKG
        check_gpkg(gpkg, thorough=gpkg.stat().st_size <= _THOROUGH_MAX_BYTES)
        clean_if_idle(gpkg)  # hidden copies a killed write left behind
        return cls(p, load_settings(p / TOML))

    # -- paths -----------------------------------------------------------------------------
    @property
    def gpkg(self) -> Path:
        return self.path / GPKG

    @property
    def output_dir(self) -> Path:
        return self.path / "output"

    @property
    def cache_dir(self) -> Path:
        return self.path / "cache"

    @property
    def rejected_dir(self) -> Path:
        return self.path / "rejected"

    @property
    def backup(self) -> Path:
        """``project.gpkg.bak``: the GeoPackage as it was before the last write."""
        return backup_path(self.gpkg)

    @contextlib.contextmanager
    def locked(self, *, timeout: float | None = None) -> Iterator[Project]:
        """Hold the project's write lock for a read-modify-write (``--append``: read the layer, add
        rows, write it back) so no other command writes in between. Reentrant; writes inside it
        do not wait for themselves."""
        with gpkg_lock(self.gpkg, timeout=timeout):
            yield self

    # -- layers ----------------------------------------------------------------------------
    def layers(self) -> list[str]:
        """Layers stored in the project (without the internal metadata table)."""
        return [n for n in _layers_of(self.gpkg) if n not in _INTERNAL]

    def has(self, name: str) -> bool:
        return name in self.layers()

    def read(self, name: str) -> gpd.GeoDataFrame:
        """Read a layer (EPSG:4326).

        Raises
        ------
        ProjectError
            When the layer is not in the project, naming the command that makes it.
        """
        if not self.has(name):
            if name in MAKERS:
                raise ProjectError(tr("project.err.no_layer", path=self.path, name=name,
                                      how=MAKERS[name].replace("DIR", str(self.path))))
            raise ProjectError(tr("project.err.no_layer_any", path=self.path, name=name))
        try:
            df = read_gpkg_layer(self.gpkg, name)
        except pyogrio.errors.DataSourceError as exc:
            raise damaged_error(self.gpkg, str(exc)) from None
        except pyogrio.errors.DataLayerError as exc:
            raise damaged_error(self.gpkg, f"{name}: {exc}") from None
        if isinstance(df, gpd.GeoDataFrame) and df.crs is not None and not df.crs.equals(WGS84):
            df = df.to_crs(WGS84)
        return df

    def read_optional(self, name: str) -> gpd.GeoDataFrame | None:
        """Read a layer, or ``None`` when the project does not have it."""
        return self.read(name) if self.has(name) else None

    def write(self, name: str, gdf: pd.DataFrame) -> None:
        """Store (replace) a layer, atomically. Geometries are stored in EPSG:4326."""
        if isinstance(gdf, gpd.GeoDataFrame) and gdf.crs is not None and not gdf.crs.equals(WGS84):
            gdf = gdf.to_crs(WGS84)
        write_gpkg(self.gpkg, {name: gdf}, backup=True)
        log.debug("stored layer %s (%d rows)", name, len(gdf))

    def write_rejected(self, layer: str, rejected: pd.DataFrame) -> Path:
        """Write the rejected rows of a layer import to ``rejected/<layer>.csv`` (UTF-8 with BOM), with
        the headers in the language in effect (文件, 行, 字段, 值, 原因)."""
        from yitu.layers.load import rejected_headers

        return write_csv(rejected.rename(columns=rejected_headers()), self.rejected_dir / f"{layer}.csv")

    def read_rejected(self, layer: str) -> pd.DataFrame:
        """The rejected rows of ``layer`` with the columns file, row, field, value, reason (files written
        with Chinese or English headers, older ones included, read alike)."""
        from yitu.layers.load import REJECTED_COLUMNS, rejected_headers

        p = self.rejected_dir / f"{layer}.csv"
        if not p.exists():
            return pd.DataFrame(columns=REJECTED_COLUMNS)
        df = pd.read_csv(p, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        back = {h: c for lang in ("zh", "en") for c, h in rejected_headers(lang).items()}
        return df.rename(columns=back).map(_csv_unquote)  # the ' write_csv put before formula-like text

    # -- geography -------------------------------------------------------------------------
    def bounds(self) -> tuple[float, float, float, float]:
        """The project's extent: the ``bbox`` setting, else the union of the stored layers' bounds."""
        if self.settings.project.bbox:
            b = self.settings.project.bbox
            return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))
        boxes = []
        for name in self.layers():
            info: Any = None
            try:
                info = pyogrio.read_info(self.gpkg, layer=name)
            except Exception:  # attribute tables have no extent
                continue
            total = info.get("total_bounds")  # a tuple (pyogrio), None for attribute tables
            if total is None:
                continue
            box = np.asarray(total, dtype="float64").ravel()
            if box.size == 4 and np.isfinite(box).all():
                boxes.append(box)
        if not boxes:
            raise ProjectError(tr("project.err.no_extent", path=self.path))
        return (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )

    def metric_crs(self) -> pyproj.CRS:
        """The metric CRS for computations (setting ``project.metric_crs``; UTM of the centre by default)."""
        return metric_crs(self.bounds(), method=self.settings.project.metric_crs)

    def __repr__(self) -> str:
        return f"Project({str(self.path)!r}, layers={self.layers()})"
