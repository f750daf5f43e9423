"""Drill on a project: run the scenarios, store the result layers, write the CSV and XLSX tables.

Part of :mod:`yitu.routing.drill` (the public names are importable from there).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Sequence

import geopandas as gpd
import pandas as pd

from yitu.routing.drill import DrillResult, drill
from yitu.routing.drill_eval import AMOUNT_LABELS, STATUS_CODES, compare
from yitu.routing.drill_sites import closures, parse_site
from yitu.routing.network import RoadNetwork
from yitu.words import has, msg, tr
from yitu.words.numbers import rounded
from yitu.words.status import status_text

log = logging.getLogger(__name__)

__all__ = ["run_drill", "write_drill", "drill_tables", "people_table"]


def run_drill(
    project: Any,
    *,
    at: str,
    hazard: str = "fire",
    closed_names: Sequence[str] = (),
    closed_ids: Sequence[int | str] = (),
    closed_area: str | Path | gpd.GeoDataFrame | None = None,
    profile: str = "fire_engine",
    write: bool = True,
    network: RoadNetwork | None = None,
) -> tuple[DrillResult, DrillResult | None]:
    """A drill on a project: the scenario as is and, with closures, the scenario with them.

    Loads the network with :func:`yitu.routing.build.load_network`, stores the result layers
    ``result_drill_forces`` (station points) and ``result_drill_routes`` (routes), each with a
    ``scenario`` column (``before`` / ``after``), and writes ``output/drill/forces.csv``,
    ``curve.csv``, ``requirements.csv`` (``*_after.csv`` and ``compare.csv`` with closures) and
    ``drill.xlsx``.

    Returns
    -------
    tuple
        ``(before, after)``; ``after`` is None when nothing is closed.
    """
    settings = project.settings
    site = parse_site(at, enterprises=project.read_optional("enterprises"), bounds=project.bounds())
    stations = project.read("stations")
    if network is None:
        from yitu.routing.build import load_network

        network = load_network(project, profile=profile)
    before = drill(network, stations, site, hazard=hazard, settings=settings)
    after = None
    if closed_names or closed_ids or closed_area is not None:
        mask = closures(network, names=closed_names, osm_ids=closed_ids, areas=closed_area)
        what = [*map(str, closed_names), *(f"OSM {i}" for i in closed_ids)]
        if closed_area is not None:
            what.append(tr("drill.closed_area", name=Path(closed_area).name if isinstance(closed_area, (str, Path))
                           else tr("drill.polygon")))
        after = drill(network, stations, site, hazard=hazard, settings=settings, closed=mask, closed_what=what)
    if write:
        write_drill(project, before, after, stations=stations)
    return before, after


_MIN = ("turnout_min", "access_min", "travel_min", "arrival_min", "by_min", "met_at_min", "margin_min", "arrival_before",
        "arrival_after", "delay_min", "minute")


def people_table(df: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """A drill table for people: word headers and statuses, minutes to 0.1, metres to 1, tonnes to 0.1."""
    out = pd.DataFrame(df.drop(columns="geometry", errors="ignore")).copy()
    for c in out.columns:
        if c in _MIN:
            out[c] = [rounded(v, "min") for v in out[c]]
    for c, q in (("snap_dist_m", "m"), ("distance_km", "km"), ("foam_t", "t")):
        if c in out:
            out[c] = [rounded(v, q) for v in out[c]]
    if "what" in out and "label" in out:  # requirement lines: the amount's quantity decides the format
        q = out["what"].map(lambda w: "t" if w == "foam_t" else "count")
        for c in ("required", "on_site", "shortfall", "surplus"):
            out[c] = [rounded(v, qq) for v, qq in zip(out[c], q)]
        out["status"] = [status_text(STATUS_CODES.get(str(v), "unknown"), lang=lang) for v in out["status"]]
        out["what"] = out["what"].map(lambda w: AMOUNT_LABELS.get(w, w))
    else:
        for c in ("status", "status_before", "status_after"):
            if c in out:
                out[c] = [status_text(v, lang=lang) for v in out[c]]
    return out.rename(columns={c: tr(f"drill.col.{c}", lang=lang) for c in out.columns if has(f"drill.col.{c}")})


def drill_tables(before: DrillResult, after: DrillResult | None = None, *,
                 lang: str | None = None) -> dict[str, pd.DataFrame]:
    """The drill's tables for people (:func:`people_table`): ``forces``, ``curve``, ``on_site``,
    ``requirements`` (each also ``*_after`` with closures) and ``compare``."""
    tables: dict[str, pd.DataFrame] = {}
    for suffix, res in (("", before), ("_after", after)):
        if res is None:
            continue
        for key, df in (("forces", res.forces), ("curve", res.curve), ("on_site", res.on_site),
                        ("requirements", res.requirements)):
            tables[key + suffix] = people_table(df, lang=lang)
    if after is not None:
        tables["compare"] = people_table(compare(before, after), lang=lang)
    return tables


def write_drill(project: Any, before: DrillResult, after: DrillResult | None, *,
                stations: gpd.GeoDataFrame | None = None) -> dict[str, Path]:
    """Store the result layers and write ``output/drill/*.csv`` and ``drill.xlsx``."""
    from yitu.gis.io import write_csv, write_xlsx

    stations = project.read("stations") if stations is None else stations
    pts = stations[["id", "geometry"]].rename(columns={"id": "station_id"}).to_crs(4326)
    layers_f, layers_r = [], []
    for name, res in (("before", before), ("after", after)):
        if res is None:
            continue
        f = pts.merge(res.forces, on="station_id", how="right")
        f = gpd.GeoDataFrame(f, geometry="geometry", crs=4326)
        f.insert(0, "scenario", name)
        f.insert(1, "site_id", res.site.site_id)
        f.insert(2, "hazard", res.hazard)
        f["rank"] = f["rank"].astype("float64")
        layers_f.append(f)
        r = res.routes.copy()
        r.insert(0, "scenario", name)
        r["rank"] = r["rank"].astype("float64")
        layers_r.append(r)
    project.write("result_drill_forces", gpd.GeoDataFrame(pd.concat(layers_f, ignore_index=True), crs=4326))
    project.write("result_drill_routes", gpd.GeoDataFrame(pd.concat(layers_r, ignore_index=True), crs=4326))
    out = project.output_dir / "drill"
    paths: dict[str, Path] = {}
    sheets: dict[str, pd.DataFrame] = {}
    for key, df in drill_tables(before, after).items():
        paths[key] = write_csv(df, out / f"{key}.csv")
        name = tr(f"drill.sheet.{key.removesuffix('_after')}")
        sheets[tr("drill.sheet.after", sheet=name) if key.endswith("_after") else name] = df
    paths["xlsx"] = write_xlsx(sheets, out / "drill.xlsx")
    log.info(msg("drill.log.written", folder=out))
    return paths
