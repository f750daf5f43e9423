"""Coverage: for every target, the nearest rescue station, its arrival minutes, the backup station
and how many stations arrive within the limit — the 15-minute rescue circle as a table.

Arrival at a target = the station's turnout time (出动时间) + the station's access leg (from the
station to its snapped road position at ``routing.access_speed_kmh``) + network travel time
(partial edges counted) + the target's access leg. Everything is computed for all targets at
once: one snap call, one compiled multi-source search that keeps the ``k`` nearest stations of
every road node (up to ``backup_cap_min``) and, only when some target is still unreached, one unlimited multi-source search, so that ``"unreachable"``
really means that no station can reach the target at all.
"""

from __future__ import annotations

import logging
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from yitu.errors import InputError
from yitu.routing.engine import nearest_k
from yitu.routing.network import RoadNetwork
from yitu.routing.snap import Snapped, points_in_network_crs, snap
from yitu.settings import Settings, default_settings
from yitu.words import listed, msg, tr
from yitu.words.numbers import qty

log = logging.getLogger(__name__)

__all__ = [
    "COVERAGE_COLUMNS",
    "COVERAGE_LABELS",
    "station_offsets",
    "station_labels",
    "snap_stations_and_targets",
    "coverage",
    "stations_off_network",
]

COVERAGE_COLUMNS: tuple[str, ...] = (
    "target_id",
    "target_name",
    "nearest_station_id",
    "nearest_station_name",
    "arrival_min",
    "within_limit",
    "second_station_id",
    "second_arrival_min",
    "n_within",
    "n_within_more",
    "status",
    "snap_dist_m",
    "note",
)
# Chinese headers for tables written for the office.
COVERAGE_LABELS: dict[str, str] = {
    "layer": "图层",
    "target_id": "目标编号",
    "target_name": "目标名称",
    "nearest_station_id": "最近站点编号",
    "nearest_station_name": "最近站点",
    "arrival_min": "到场时间(分钟)",
    "within_limit": "是否达标",
    "second_station_id": "第二站点编号",
    "second_arrival_min": "第二站点到场时间(分钟)",
    "n_within": "时限内可达站点数",
    "n_within_more": "可能更多",
    "status": "状态",
    "snap_dist_m": "距道路(米)",
    "note": "说明",
}
OFF_NETWORK_KEY = "stations_off_network"
_NOTE_UNREACHABLE = "无救援力量可达"


def station_labels(stations: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Station ids and names as string arrays (``id``/``name`` columns, else the index)."""
    ids = stations["id"] if "id" in stations.columns else pd.Series(stations.index, index=stations.index)
    ids = ids.astype(object).where(ids.notna(), pd.Series(stations.index, index=stations.index).astype(str))
    names = stations["name"] if "name" in stations.columns else ids
    return ids.astype(str).to_numpy(dtype=object), names.fillna("").astype(str).to_numpy(dtype=object)


def station_offsets(stations: pd.DataFrame, *, settings: Settings | None = None) -> tuple[np.ndarray, pd.Series]:
    """Turnout time (出动时间) of each station, in seconds.

    A station's own ``turnout_min`` counts when given; otherwise the default of its
    ``station_type`` from ``settings.rescue.turnout_min`` (1 minute for an unknown type), and
    the note says so.

    Parameters
    ----------
    stations
        The stations layer (``turnout_min`` and ``station_type`` columns are optional).
    settings
        Project settings (packaged defaults when omitted).

    Returns
    -------
    tuple
        ``offset_s`` (float ndarray, one per station) and ``note`` (str Series indexed like
        ``stations``; empty where the station gave its own turnout time).
    """
    settings = settings or default_settings()
    n = len(stations)
    given = (
        pd.to_numeric(stations["turnout_min"], errors="coerce").to_numpy(dtype="float64")
        if "turnout_min" in stations.columns
        else np.full(n, np.nan)
    )
    bad = np.isfinite(given) & (given < 0)
    if bad.any():
        raise InputError(tr("coverage.err.turnout", rows=listed(map(str, stations.index[bad]), limit=10)))
    types = (
        stations["station_type"].astype(object).where(stations["station_type"].notna(), "").astype(str).to_numpy()
        if "station_type" in stations.columns
        else np.full(n, "", dtype=object)
    )
    table = settings.rescue.turnout_min
    default = np.array([float(table.get(t, 1.0)) for t in types], dtype="float64")
    missing = ~np.isfinite(given)
    minutes = np.where(missing, default, given)
    note = np.full(n, "", dtype=object)
    if missing.any():
        known = np.array([t in table for t in types], dtype=bool)
        note[missing & known] = [f"出动时间缺失，按站点类型默认 {m:g} 分钟" for m in default[missing & known]]
        note[missing & ~known] = [f"出动时间缺失，站点类型未知，按 {m:g} 分钟计" for m in default[missing & ~known]]
    return minutes * 60.0, pd.Series(note, index=stations.index, dtype=object, name="note")


def snap_stations_and_targets(
    network: RoadNetwork, stations: Any, targets: Any, *, max_snap_m: float
) -> tuple[Snapped, Snapped]:
    """Snap stations and targets in one call; returns (stations, targets) as :class:`Snapped`."""
    sg = points_in_network_crs(network, stations)
    tg = points_in_network_crs(network, targets)
    both = snap(network, np.concatenate([sg, tg]), max_snap_m=max_snap_m)
    return both.take(np.arange(len(sg))), both.take(np.arange(len(sg), len(sg) + len(tg)))


def stations_off_network(result: pd.DataFrame) -> pd.DataFrame:
    """The stations that :func:`coverage` left out because they are too far from any road.

    Columns ``station_id``, ``station_name``, ``snap_dist_m``, ``note``.
    """
    rows = result.attrs.get(OFF_NETWORK_KEY, [])
    return pd.DataFrame(rows, columns=["station_id", "station_name", "snap_dist_m", "note"])


def coverage(
    network: RoadNetwork,
    stations: gpd.GeoDataFrame,
    targets: gpd.GeoDataFrame,
    *,
    limit_min: float = 15.0,
    settings: Settings | None = None,
    backup_cap_min: float | None = None,
    k: int = 3,
) -> gpd.GeoDataFrame:
    """Nearest and second-nearest station, arrival minutes and stations within the limit, per target.

    Parameters
    ----------
    network
        The road network (metric CRS) of the profile to use.
    stations
        Station points (any CRS); ``id``, ``name``, ``station_type`` and ``turnout_min`` are used.
    targets
        Any point or polygon layer (polygons use a point inside them); ``id`` and ``name`` used.
    limit_min
        The time limit (alarm to arrival), minutes.
    settings
        Project settings: ``routing.max_snap_m``, ``routing.access_speed_kmh`` and
        ``rescue.turnout_min`` (packaged defaults when omitted).
    backup_cap_min
        How far (minutes) each station's own search runs; the second station and ``n_within``
        come from these searches, so a backup station beyond the cap is not reported
        (``second_arrival_min`` NaN). Default ``2 * limit_min`` (a backup arriving later than
        that is no backup for the circle; the search for it costs time on big networks). The
        nearest station is searched without a limit, so it is always found when a road leads there.
    k
        How many stations within the limit are counted exactly (at least 2: the nearest and the
        backup). ``n_within`` is exact below ``k``; where it equals ``k``, ``n_within_more`` is
        true and the count means "k or more". All of it comes from one compiled search of the
        ``k`` nearest stations of every road node, one Dijkstra pass per rank
        (:func:`yitu.routing.engine.nearest_k`), so the cost grows with ``k``, not with the
        number of stations.

    Returns
    -------
    GeoDataFrame
        Indexed like ``targets``, columns :data:`COVERAGE_COLUMNS` and the target's geometry
        (in the targets' CRS). ``status`` is ``"ok"`` (arrival given; ``within_limit`` may be
        false), ``"off_network"`` (farther than ``max_snap_m`` from any road; ``snap_dist_m``
        says how far) or ``"unreachable"`` (no station reaches it; ``arrival_min`` NaN, note
        ``无救援力量可达``). Stations too far from any road are left out, logged as a warning and
        listed in ``result.attrs["stations_off_network"]`` (see :func:`stations_off_network`).
    """
    settings = settings or default_settings()
    if int(k) != k or k < 2:
        raise InputError(tr("coverage.err.k", k=k))
    k = int(k)
    if not np.isfinite(limit_min) or limit_min <= 0:
        raise InputError(tr("coverage.err.limit", limit=limit_min))
    cap_min = 2.0 * limit_min if backup_cap_min is None else float(backup_cap_min)
    max_snap = settings.routing.max_snap_m
    access_ms = settings.routing.access_speed_kmh / 3.6
    if access_ms <= 0:
        raise InputError(tr("coverage.err.access_speed"))
    limit_s, cap_s = limit_min * 60.0, max(cap_min, limit_min) * 60.0

    st_ids, st_names = station_labels(stations)
    dup = pd.Series(st_ids).duplicated(keep=False).to_numpy()
    if dup.any():  # nearest/backup station, districts and drill forces are all named by station id
        raise InputError(tr("coverage.err.dup_station", ids=listed(sorted(set(map(str, st_ids[dup]))), limit=10)))
    turnout_s, turnout_note = station_offsets(stations, settings=settings)
    s_snap, t_snap = snap_stations_and_targets(network, stations, targets, max_snap_m=max_snap)

    # stations off the network: left out, reported
    off_rows: list[dict[str, Any]] = []
    if (~s_snap.ok).any():
        bad = np.flatnonzero(~s_snap.ok)
        for i in bad:  # a handful of stations at most
            d = s_snap.dist_m[i]
            where = f"距最近道路 {d:.0f} 米" if np.isfinite(d) else "无坐标"
            off_rows.append({"station_id": st_ids[i], "station_name": st_names[i], "snap_dist_m": float(d),
                             "note": f"站点不在路网上（{where}，超过 {max_snap:g} 米吸附上限），未参与计算"})
        log.warning(msg("coverage.log.off_network", n=bad.size, stations=listed(
            [msg("coverage.log.station_far", id=r["station_id"], name=r["station_name"], dist=qty(r["snap_dist_m"], "m"))
             for r in off_rows])))
    use = np.flatnonzero(s_snap.ok)
    src = s_snap.take(use)
    offset = turnout_s[use] + s_snap.dist_m[use] / access_ms
    n_t = len(t_snap)
    t_ok = t_snap.ok
    t_access = np.where(t_ok, np.nan_to_num(t_snap.dist_m) / access_ms, 0.0)

    # the k nearest stations of every target, rank by rank: the nearest however far, the backup
    # within the cap, the others (counted in n_within) within the limit
    k_eff = max(k, 2)
    lims = np.array([np.inf, max(cap_s, limit_s + 1e-9)] + [limit_s + 1e-9] * (k_eff - 2))
    near = nearest_k(network, src, t_snap, k=k_eff, offset_s=offset, limit_s=lims,
                     count_within_s=limit_s + 1e-9, target_extra_s=t_access)
    best_time, best_src = near.time[:, 0].copy(), near.source[:, 0].copy()
    second_time, second_src = near.time[:, 1].copy(), near.source[:, 1].copy()
    n_within = np.minimum(near.n_within, k)
    n_more = n_within >= k
    best_src = np.where(np.isfinite(best_time), best_src, -1)
    second_src = np.where(np.isfinite(second_time), second_src, -1)

    # assemble the table
    status = np.where(~t_ok, "off_network", np.where(np.isfinite(best_time), "ok", "unreachable")).astype(object)
    arrival = np.where(np.isfinite(best_time), best_time / 60.0, np.nan)
    second = np.where(np.isfinite(second_time), second_time / 60.0, np.nan)
    sid_used, sname_used = st_ids[use], st_names[use]
    note_used = turnout_note.to_numpy(dtype=object)[use]

    def pick(arr: np.ndarray, idx: np.ndarray) -> np.ndarray:
        out = np.full(idx.shape, None, dtype=object)
        ok = idx >= 0
        out[ok] = arr[idx[ok]]
        return out

    note = np.full(n_t, "", dtype=object)
    off = status == "off_network"
    if off.any():
        d = t_snap.dist_m[off]
        note[off] = [
            f"距最近道路 {x:.0f} 米，超过 {max_snap:g} 米吸附上限，无法计算到场时间"
            if np.isfinite(x) else "无坐标，无法计算到场时间"
            for x in d
        ]
    unr = status == "unreachable"
    note[unr] = _NOTE_UNREACHABLE if use.size else _NOTE_UNREACHABLE + "（没有位于路网上的站点）"
    ok_rows = (status == "ok") & (best_src >= 0)
    if ok_rows.any():
        sn = pick(note_used, best_src)[ok_rows]
        note[ok_rows] = np.where(sn != "", "最近站点" + sn.astype(str), "")

    tgt_ids, tgt_names = station_labels(targets)
    out = gpd.GeoDataFrame(
        {
            "target_id": tgt_ids,
            "target_name": tgt_names,
            "nearest_station_id": pick(sid_used, best_src),
            "nearest_station_name": pick(sname_used, best_src),
            "arrival_min": arrival,
            "within_limit": np.isfinite(best_time) & (best_time <= limit_s + 1e-9),
            "second_station_id": pick(sid_used, second_src),
            "second_arrival_min": second,
            "n_within": n_within,
            "n_within_more": n_more,
            "status": status,
            "snap_dist_m": np.round(t_snap.dist_m, 1),
            "note": note,
        },
        geometry=targets.geometry.to_numpy(),
        crs=targets.crs,
        index=targets.index,
    )
    out.attrs[OFF_NETWORK_KEY] = off_rows
    log.info(msg("coverage.log.summary", n=n_t, within=int(out["within_limit"].sum()), limit=qty(limit_min, "min"),
                 late=int(((status == "ok") & ~out["within_limit"].to_numpy()).sum()),
                 unreachable=int(unr.sum()), off=int(off.sum())))
    return out
