"""Tables of a siting run for the office (Chinese headers, rounded numbers, lon/lat) and where they go:
the project's ``result_siting*`` layers and ``output/siting/siting.xlsx``."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from yitu.words import listed, msg, tr
from yitu.words.numbers import rounded
from yitu.words.status import status_text

log = logging.getLogger(__name__)

__all__ = ["office_tables", "store_and_write"]

_VERDICT = {"PASS": "pass", "FAIL": "fail"}


def _lonlat(g: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    pts = g.geometry.representative_point().to_crs(4326) if len(g) else g.geometry
    return np.round(pts.x.to_numpy(), 6), np.round(pts.y.to_numpy(), 6)


def _mins(s: pd.Series) -> list[Any]:
    return [rounded(v, "min") for v in s]


def _verdicts(text: Any) -> str:
    if not isinstance(text, str) or not text:
        return ""
    parts = [p.rsplit(" ", 1) for p in text.split("；")]
    return "；".join(f"{a} {status_text(_VERDICT.get(b, b))}" for a, b in parts)


def office_tables(run: Any) -> dict[str, pd.DataFrame]:
    """Sheet name -> table: chosen sites, candidates (with exclusion reasons), demand before/after, trade-off."""
    c = run.chosen
    lon, lat = _lonlat(c)
    chosen = pd.DataFrame({
        tr("siting.col.order"): c["order"].to_numpy(), tr("siting.col.candidate_id"): c["candidate_id"].to_numpy(),
        tr("siting.col.name"): c["name"].to_numpy(), tr("siting.col.station_type"): c["station_type"].to_numpy(),
        tr("siting.col.new_covered"): c["new_covered"].to_numpy(),
        tr("siting.col.new_weight"): [rounded(v, "t") for v in c["new_weight"]],
        tr("siting.col.worst_before"): _mins(c["worst_before_min"]),
        tr("siting.col.worst_after"): _mins(c["worst_after_min"]),
        tr("siting.col.park_before"): [_verdicts(v) for v in c["park_before"]],
        tr("siting.col.park_after"): [_verdicts(v) for v in c["park_after"]],
        tr("siting.col.lon"): lon, tr("siting.col.lat"): lat,
    })
    k = run.candidates
    lon, lat = _lonlat(k)
    st = k["status"].map(lambda s: tr("siting.status.available") if s == "available" else status_text(s))
    cands = pd.DataFrame({
        tr("siting.col.candidate_id"): k["candidate_id"].to_numpy(), tr("siting.col.name"): k["name"].to_numpy(),
        tr("siting.col.station_type"): k["station_type"].to_numpy(), tr("siting.col.cost"): k["cost"].to_numpy(),
        tr("siting.col.status"): st.to_numpy(), tr("siting.col.reason"): k["reason"].to_numpy(),
        tr("siting.col.n_reach"): k["n_reach"].to_numpy(),
        tr("siting.col.snap_dist_m"): [rounded(v, "m") for v in k["snap_dist_m"]],
        tr("siting.col.lon"): lon, tr("siting.col.lat"): lat,
    })
    d = run.demands
    lon, lat = _lonlat(d)
    dem = pd.DataFrame({
        tr("siting.col.demand_id"): d["demand_id"].to_numpy(),
        tr("siting.col.kind"): [tr(f"siting.kind.{x}") for x in d["kind"]],
        tr("siting.col.name"): d["name"].to_numpy(), tr("siting.col.park_id"): d["park_id"].to_numpy(),
        tr("siting.col.weight"): [rounded(v, "t") for v in d["weight"]],
        tr("siting.col.limit_min"): _mins(d["limit_min"]),
        tr("siting.col.before_min"): _mins(d["before_min"]), tr("siting.col.after_min"): _mins(d["after_min"]),
        tr("siting.col.covered_before"): [status_text("met" if v else "not_met") for v in d["covered_before"]],
        tr("siting.col.covered_after"): [status_text("met" if v else "not_met") for v in d["covered_after"]],
        tr("siting.col.by_site"): d["by_site"].to_numpy(),
        tr("siting.col.status"): [status_text(s) for s in d["status"]],
        tr("siting.col.lon"): lon, tr("siting.col.lat"): lat,
    })
    t = run.tradeoff
    trade = pd.DataFrame({
        tr("siting.col.p"): t["p"].to_numpy(), tr("siting.col.covered_share"): [rounded(v, "share") for v in t["covered_share"]],
        tr("siting.col.n_covered"): t["n_covered"].to_numpy(), tr("siting.col.n_uncovered"): t["n_uncovered"].to_numpy(),
        tr("siting.col.worst_after"): _mins(t["worst_min"]), tr("siting.col.sites"): t["sites"].to_numpy(),
        tr("siting.col.status"): [tr(f"siting.status.{s}") for s in t["status"]],
    })
    return {tr("siting.sheet.chosen"): chosen, tr("siting.sheet.candidates"): cands,
            tr("siting.sheet.demand"): dem, tr("siting.sheet.tradeoff"): trade}


def store_and_write(project: Any, run: Any) -> dict[str, Path]:
    """Store ``result_siting`` (chosen), ``result_siting_candidates``, ``result_siting_demand`` and
    ``result_siting_tradeoff`` in the project; write ``output/siting/siting.xlsx``."""
    from yitu.gis.io import write_xlsx

    r = run.result
    chosen = run.chosen.copy()
    chosen["model"] = run.model
    chosen["solver"] = r.solver
    chosen["status"] = r.status
    chosen["gap"] = r.gap
    project.write("result_siting", chosen)
    project.write("result_siting_candidates", run.candidates)
    project.write("result_siting_demand", run.demands)
    project.write("result_siting_tradeoff", run.tradeoff.assign(model=run.model))
    out = Path(project.output_dir) / "siting"
    files = {"siting.xlsx": write_xlsx(office_tables(run), out / "siting.xlsx")}
    log.info(msg("siting.log.written", files=listed(files.values())))
    return files
