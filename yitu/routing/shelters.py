"""Shelters and evacuation: capacity by the standards, residents, the walking searches and the assignment.

:func:`shelter_capacity` gives each shelter its capacity (容纳人数, else effective area ÷ the
per-capita area of its class) and service radius; :func:`residents` gathers the people to place
(residential areas, plus protected targets evacuated as a unit), keeping rows whose population is
missing as *unknown*; :func:`walking_reach` runs one bounded walking search per shelter (its class's
radius) and returns the sparse shelters × residents walking seconds; :func:`run_shelters` does it all
for a project (flags from :mod:`yitu.routing.shelters_hazards`, routes from
:mod:`yitu.routing.shelters_routes`, the assignment from :mod:`yitu.routing.shelters_solve`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from yitu.errors import InputError
from yitu.routing.engine import Reach, reach
from yitu.routing.network import RoadNetwork
from yitu.routing.snap import Snapped
from yitu.settings import Settings
from yitu.words import listed, msg, tr

log = logging.getLogger(__name__)

__all__ = ["FOOT_CLASSES", "shelter_capacity", "residents", "walking_reach", "has_footways", "ShelterResult",
           "run_shelters"]

#: OSM classes that only people on foot use; a walking network without any is the driving roads.
FOOT_CLASSES = ("footway", "path", "steps", "pedestrian", "track", "cycleway", "bridleway", "corridor")


def _num(df: pd.DataFrame, col: str) -> pd.Series:
    if col not in df.columns:
        return pd.Series(np.nan, index=df.index, dtype="float64")
    return pd.to_numeric(df[col], errors="coerce").astype("float64")


def shelter_capacity(shelters: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Capacity and service radius of each shelter, by the standards in ``[shelters]``.

    Returns
    -------
    DataFrame
        Indexed like ``shelters``: ``capacity`` (people, whole), ``capacity_source``
        (``given`` 容纳人数 / ``area`` effective area ÷ per-capita area / ``none``: neither, used with 0
        and warned), ``per_capita_m2``, ``radius_m``.

    Raises
    ------
    InputError
        A class that is not in the settings (the accepted values listed).
    """
    s = settings.shelters
    cls = shelters.get("shelter_class", pd.Series("", index=shelters.index)).astype("string").fillna("")
    known = sorted(set(s.per_capita_m2) & set(s.service_radius_m))
    bad = sorted(set(cls) - set(known))
    if bad:
        rows = shelters.loc[cls.isin(bad), "id"].astype(str).tolist() if "id" in shelters else []
        raise InputError(tr("shelters.err.class", rows=listed(rows, limit=10), classes=", ".join(repr(b) for b in bad),
                            known=", ".join(known)))
    given = _num(shelters, "capacity")
    eff = _num(shelters, "effective_area_m2")
    per = cls.map(s.per_capita_m2).astype("float64")
    from_area = np.floor(eff / per)
    cap = given.where(given.notna(), from_area)
    source = pd.Series(np.where(given.notna(), "given", np.where(from_area.notna(), "area", "none")),
                       index=shelters.index)
    none = source == "none"
    if none.any():
        ids = shelters.loc[none, "id"].astype(str).tolist() if "id" in shelters else []
        log.warning(msg("shelters.log.no_capacity", n=int(none.sum()), ids=listed(ids)))
    return pd.DataFrame({"capacity": cap.fillna(0.0).clip(lower=0).round().astype("int64"),
                         "capacity_source": source, "per_capita_m2": per,
                         "radius_m": cls.map(s.service_radius_m).astype("float64")}, index=shelters.index)


def residents(project: Any, settings: Settings, *, targets: bool = True) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """The people to place: residential areas, plus protected targets of ``resident_target_types``.

    Returns
    -------
    (GeoDataFrame, DataFrame)
        Residents (columns ``layer, id, name, town, village, population, households, geometry``; rows with a
        missing population are kept with ``population`` NaN) and the rows whose population is unknown: those
        kept with NaN and those the import rejected for their population (``layer, id, name, town, village,
        reason``: ``missing`` or the import's rejection), never counted as 0 people.
    """
    parts: list[gpd.GeoDataFrame] = []
    unknown: list[pd.DataFrame] = []
    ra = project.read_optional("residential_areas")
    if ra is not None and len(ra):
        g = ra.copy()
        g["layer"] = "residential_areas"
        parts.append(g)
        unknown.append(_rejected_population(project, "residential_areas"))
    tg = project.read_optional("targets")
    if targets and tg is not None and len(tg):
        g = tg[tg["target_type"].astype("string").isin(list(settings.shelters.resident_target_types))].copy()
        if len(g):
            g["layer"] = "targets"
            g["village"] = None
            parts.append(g)
            unknown.append(_rejected_population(project, "targets"))
    cols = ["layer", "id", "name", "town", "village", "population", "households"]
    if not parts:
        return gpd.GeoDataFrame({c: [] for c in cols}, geometry=[], crs=4326), pd.DataFrame(columns=[*cols[:5], "reason"])
    out = pd.concat([p.reindex(columns=[*cols, "geometry"]) for p in parts], ignore_index=True)
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=4326)
    out["population"] = _num(out, "population")
    out["households"] = _num(out, "households")
    for c in ("town", "village", "name", "id"):
        out[c] = out[c].astype("string")
    miss = out.loc[out["population"].isna(), cols[:5]].assign(reason="missing")
    unknown.insert(0, miss)
    unk = pd.concat([u for u in unknown if len(u)], ignore_index=True) if any(len(u) for u in unknown) else \
        pd.DataFrame(columns=[*cols[:5], "reason"])
    return out, unk


def _rejected_population(project: Any, layer: str) -> pd.DataFrame:
    """Rows the import rejected for a population that is not a number (they are people, of unknown count)."""
    from yitu.layers.schema import schema

    try:
        rej = project.read_rejected(layer)
    except Exception:  # noqa: BLE001 - no rejected list is no rejected rows
        return pd.DataFrame()
    if rej is None or not len(rej):
        return pd.DataFrame()
    f = schema(layer).field("population")
    names = {f.name.lower(), *(a.lower() for a in f.aliases)}
    hit = rej[rej["field"].astype(str).str.strip().str.lower().isin(names)]
    if not len(hit):
        return pd.DataFrame()
    return pd.DataFrame({"layer": layer, "id": None, "name": None, "town": None, "village": None,
                         "reason": ("导入时被拒：" + hit["file"].astype(str) + " 第" + hit["row"].astype(str) + "行 "
                                    + hit["field"].astype(str) + "=" + hit["value"].astype(str) + "（"
                                    + hit["reason"].astype(str) + "）").to_numpy()})


def has_footways(network: RoadNetwork) -> bool:
    """Whether the walking network has any way only people on foot use (footway, path, steps ...)."""
    return bool(np.isin(network.road_class.astype(str), FOOT_CLASSES).any())


def walking_reach(
    network: RoadNetwork,
    shelters: Snapped,
    people: Snapped,
    *,
    radius_m: np.ndarray,
    walking_kmh: float,
    chunk: int = 16,
) -> Reach:
    """Walking seconds from each shelter to the residents within its radius: sparse shelters × residents.

    One bounded search per shelter (grouped by radius), access legs at both ends at ``walking_kmh``;
    pairs beyond the radius (as walking time) are not kept. Shelters not on the network reach nothing.
    """
    v = float(walking_kmh) / 3.6
    if v <= 0:
        raise InputError(tr("shelters.err.walking_kmh"))
    ns, nr = len(shelters), len(people)
    radius_m = np.asarray(radius_m, dtype="float64")
    limit = radius_m / v
    src, dst, sec = [np.zeros(0, dtype="int64")], [np.zeros(0, dtype="int64")], [np.zeros(0)]
    off_people = np.where(people.ok, np.nan_to_num(people.dist_m) / v, np.inf)
    use = shelters.ok & np.isfinite(limit) & (limit >= 0)
    for lim in np.unique(limit[use]):
        idx = np.flatnonzero(use & (limit == lim))
        sub = shelters.take(idx)
        r = reach(network, sub, people, offset_s=np.nan_to_num(sub.dist_m) / v, limit_s=float(lim), chunk=chunk)
        s_local, t = r.sources(), r.time_s + off_people[r.indices]
        keep = t <= lim
        src.append(idx[s_local[keep]])
        dst.append(r.indices[keep])
        sec.append(t[keep])
    return Reach.from_entries(np.concatenate(src), np.concatenate(dst), np.concatenate(sec), ns, nr)


@dataclass
class ShelterResult:
    """What :func:`run_shelters` returns (every table indexed from 0; geometry WGS-84).

    Attributes
    ----------
    blocks
        One row per resident (block): people, placed, unplaced, status, shelter(s), walking minutes.
    pairs
        One row per (block, shelter) carrying people, with the walking route (LineString).
    shelters
        One row per shelter: class, capacity (and its source), radius, load, free, flags.
    villages
        People, placed, unplaced and unknown-population rows per town and village.
    shortfall
        Capacity by class against the plan's rule (``required_share``).
    unknown
        Rows whose population is unknown (never counted as 0).
    off_network
        Shelters and residents farther than ``max_snap_m`` from any walkable way (reported, not placed).
    notes
        Lines the output must say (no footways, solver status, shelters left out ...).
    """

    blocks: gpd.GeoDataFrame
    pairs: gpd.GeoDataFrame
    shelters: gpd.GeoDataFrame
    villages: pd.DataFrame
    shortfall: pd.DataFrame
    unknown: pd.DataFrame
    off_network: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    solver: str = ""
    optimal: bool = True
    total_walk_min: float = 0.0
    route_kind: str = "network"

    @property
    def n_unplaced(self) -> int:
        return int(self.blocks["unplaced"].sum())

    @property
    def flagged(self) -> gpd.GeoDataFrame:
        return self.shelters[self.shelters["flags"].astype(str) != ""]


def run_shelters(project: Any, **kw: Any) -> ShelterResult:
    """Run the whole analysis on a project (see :func:`yitu.routing.shelters_run.run_shelters`)."""
    from yitu.routing.shelters_run import run_shelters as _run

    return _run(project, **kw)
