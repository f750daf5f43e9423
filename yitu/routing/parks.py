"""The chemical-park check: does every enterprise of each park, every red/orange risk zone of those
enterprises and every point of the park boundary get a fire engine within the limit?

:func:`park_check` is the analysis on layers and a network; :func:`run_check` is what
``yitu check DIR`` does: load the project's network, compute coverage, isochrones,
responsibility areas and the park check, store the result layers and write
``output/park_check.csv``, ``output/park_targets.csv`` and ``output/park_check.xlsx``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from yitu.errors import InputError
from yitu.routing.arrival import arrival_status
from yitu.routing.coverage import COVERAGE_LABELS, coverage, station_labels, stations_off_network
from yitu.routing.network import RoadNetwork
from yitu.routing.snap import points_in_network_crs
from yitu.settings import Settings, default_settings
from yitu.words import has, listed, msg, tr
from yitu.words.numbers import fmt, rounded
from yitu.words.status import status_text

log = logging.getLogger(__name__)

__all__ = [
    "ParkCheck",
    "CheckResult",
    "park_check",
    "run_check",
    "PARK_COLUMNS",
    "TARGET_COLUMNS",
    "KIND_LABELS",
]

PARK_COLUMNS: tuple[str, ...] = (
    "park_id", "park_name", "verdict", "limit_min", "n_targets", "n_fail", "worst_miss_min", "covered_share",
    "n_enterprises", "n_risk_zones", "n_boundary", "note",
)
TARGET_COLUMNS: tuple[str, ...] = (
    "park_id", "kind", "target_id", "name", "arrival_min", "within_limit", "miss_min", "nearest_station_id",
    "nearest_station_name", "second_station_id", "second_arrival_min", "n_within", "status", "snap_dist_m", "note",
)
KIND_LABELS: dict[str, str] = {k: tr(f"park.kind.{k}", lang="zh") for k in ("enterprise", "risk_zone", "boundary")}
#: park verdict -> status vocabulary code (a park meets the rescue circle or not)
VERDICT_CODES: dict[str, str] = {"PASS": "met", "FAIL": "not_met"}
VERDICT_LABELS: dict[str, str] = {k: status_text(v, lang="zh") for k, v in VERDICT_CODES.items()}
#: coverage status -> words when no limit applies (see :func:`yitu.routing.arrival.arrival_status` when one does)
STATUS_LABELS: dict[str, str] = {"ok": status_text("reachable", lang="zh"), "unreachable": status_text("unreachable", lang="zh"),
                                 "off_network": status_text("off_network", lang="zh")}


def kind_text(kind: object, *, lang: str | None = None) -> str:
    """Words for a park-check target kind (``boundary`` -> 边界采样点)."""
    key = f"park.kind.{kind}"
    return tr(key, lang=lang) if has(key) else str(kind)
PARK_LABELS: dict[str, str] = {
    "park_id": "园区编号", "park_name": "园区名称", "verdict": "结论", "limit_min": "时限(分钟)",
    "n_targets": "检查目标数", "n_fail": "未达标目标数", "worst_miss_min": "最大超时(分钟)",
    "covered_share": "园区面积覆盖率", "n_enterprises": "企业数", "n_risk_zones": "红橙风险分区数",
    "n_boundary": "边界采样点数", "note": "说明",
}
TARGET_LABELS: dict[str, str] = {
    **COVERAGE_LABELS, "park_id": "园区编号", "kind": "目标类型", "target_id": "目标编号", "name": "目标名称",
    "miss_min": "超时(分钟)",
}
_NO_ENTERPRISES = "园区内无企业，仅检查边界采样点"


@dataclass
class ParkCheck:
    """Result of :func:`park_check`.

    Attributes
    ----------
    parks
        One row per park (:data:`PARK_COLUMNS`), park polygon, network CRS.
    targets
        One row per checked target (:data:`TARGET_COLUMNS`), target point, network CRS.
        ``miss_min`` = arrival − limit (negative: minutes to spare; NaN when not reachable).
    """

    parks: gpd.GeoDataFrame
    targets: gpd.GeoDataFrame

    @property
    def passed(self) -> bool:
        return bool((self.parks["verdict"] == "PASS").all())

    def failing(self) -> gpd.GeoDataFrame:
        """Targets that miss the limit, worst first (unreachable and off-network ones first of all)."""
        f = self.targets[~self.targets["within_limit"].astype(bool)].copy()
        key = np.where(f["status"] == "ok", f["miss_min"].fillna(0.0), np.inf)
        return f.iloc[np.argsort(-key, kind="stable")]


@dataclass
class CheckResult:
    """What :func:`run_check` computed, stored and wrote."""

    check: ParkCheck
    coverage: gpd.GeoDataFrame
    isochrones: gpd.GeoDataFrame
    responsibility: gpd.GeoDataFrame
    limit_min: float
    profile: str
    stations_off_network: pd.DataFrame
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.check.passed


# ------------------------------------------------------------------------------ the targets
def _park_parts(parks: gpd.GeoDataFrame, crs: Any) -> tuple[np.ndarray, np.ndarray]:
    g = np.asarray(parks.to_crs(crs).geometry.to_numpy(), dtype=object)
    bad = shapely.is_missing(g) | shapely.is_empty(g) | ~np.isin(shapely.get_type_id(g), (3, 6))
    if bad.any():
        ids, _ = station_labels(parks)
        raise InputError(tr("parks.err.no_polygon", ids=listed(map(str, ids[bad]))))
    return g, shapely.area(g)


def _enterprise_pairs(park_ids: np.ndarray, park_geoms: np.ndarray, enterprises: gpd.GeoDataFrame,
                      pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(park index, enterprise position) for every enterprise in a park: park_id match or inside.

    ``pts`` are the enterprises' points in the parks' CRS (:func:`~yitu.routing.snap.points_in_network_crs`).
    """
    if len(enterprises) == 0:
        return np.zeros(0, dtype="int64"), np.zeros(0, dtype="int64")
    pos_of = {str(p): i for i, p in enumerate(park_ids)}
    pid = enterprises["park_id"] if "park_id" in enterprises.columns else pd.Series(np.nan, index=enterprises.index)
    by_id = pid.astype("string").str.strip().map(pos_of).fillna(-1).to_numpy(dtype="int64")
    e1 = np.flatnonzero(by_id >= 0)
    valid = ~(shapely.is_missing(pts) | shapely.is_empty(pts))
    tree = shapely.STRtree(park_geoms)
    qi, ti = tree.query(pts[valid], predicate="within")
    e2 = np.flatnonzero(valid)[qi]
    pairs = np.unique(np.column_stack([np.concatenate([by_id[e1], ti]), np.concatenate([e1, e2])]), axis=0)
    return pairs[:, 0].astype("int64"), pairs[:, 1].astype("int64")


def _zone_grades(risk_zones: gpd.GeoDataFrame, settings: Settings) -> np.ndarray:
    """Risk zone grades 1..4 (NaN = none): the grading module's grade (given, LEC or matrix)."""
    try:
        from yitu.layers.grading import grade_zones
    except ImportError:  # pragma: no cover - the grading module is part of the package
        grade_zones = None
    if grade_zones is not None:
        g = grade_zones(risk_zones, settings=settings)["grade"]
        return pd.to_numeric(g, errors="coerce").astype("float64").to_numpy()
    col = risk_zones["risk_grade"] if "risk_grade" in risk_zones.columns else pd.Series(np.nan, index=risk_zones.index)
    return pd.to_numeric(col, errors="coerce").to_numpy(dtype="float64")


def _boundary_samples(park_geoms: np.ndarray, step: float) -> tuple[np.ndarray, np.ndarray]:
    """Points every ``step`` metres along each park's rings (outer and inner); (park index, point)."""
    parts, pidx = shapely.get_parts(park_geoms, return_index=True)
    rings, ridx = shapely.get_rings(parts, return_index=True)
    rpark = pidx[ridx]
    length = shapely.length(rings)
    n = np.maximum(np.ceil(length / step).astype("int64"), 1)
    which = np.repeat(np.arange(rings.size), n)
    start = np.repeat(np.cumsum(n) - n, n)
    frac = (np.arange(which.size) - start) / n[which]
    pts = shapely.line_interpolate_point(rings[which], frac, normalized=True)
    return rpark[which], pts


def park_check(
    network: RoadNetwork,
    parks: gpd.GeoDataFrame,
    stations: gpd.GeoDataFrame,
    enterprises: gpd.GeoDataFrame,
    risk_zones: gpd.GeoDataFrame | None = None,
    *,
    limit_min: float = 15.0,
    sample_m: float | None = None,
    settings: Settings | None = None,
    circle: Any = None,
) -> ParkCheck:
    """Check every park against the rescue time limit.

    Targets of a park: every enterprise in it (``park_id`` equal to the park's id, or located
    inside the polygon), every risk zone graded 1–2 (红/橙) of those enterprises, and points
    every ``sample_m`` metres along the park boundary. A park passes when every target is
    reached within ``limit_min``; a target off the network or unreachable fails.

    Parameters
    ----------
    network
        Road network (metric CRS).
    parks, stations, enterprises, risk_zones
        Project layers (any CRS).
    limit_min
        Time limit, alarm to arrival, minutes.
    sample_m
        Boundary sample spacing; default ``rescue.boundary_sample_m``.
    settings
        Project settings (packaged defaults when omitted).
    circle
        The area all stations reach within ``limit_min`` (polygon in the network CRS), for
        ``covered_share``; computed with :func:`~yitu.routing.isochrones.isochrones` when omitted.

    Returns
    -------
    ParkCheck
        Per park and per target tables (network CRS).
    """
    settings = settings or default_settings()
    step = float(settings.rescue.boundary_sample_m if sample_m is None else sample_m)
    if not step > 0:
        raise InputError(tr("parks.err.step", step=step))
    if len(parks) == 0:
        raise InputError(tr("parks.err.empty"))
    crs = network.crs
    park_ids, park_names = station_labels(parks)
    park_geoms, park_area = _park_parts(parks, crs)

    # enterprises, their red/orange zones, boundary samples -> one target table
    e_pts = points_in_network_crs(network, enterprises) if len(enterprises) else np.zeros(0, dtype=object)
    pi, ei = _enterprise_pairs(park_ids, park_geoms, enterprises, e_pts)
    e_ids, e_names = station_labels(enterprises)
    frames = [pd.DataFrame({"park": pi, "kind": "enterprise", "target_id": e_ids[ei], "name": e_names[ei],
                            "geometry": e_pts[ei]})]
    n_zone = np.zeros(len(parks), dtype="int64")
    if risk_zones is not None and len(risk_zones) and pi.size:
        grade = _zone_grades(risk_zones, settings)
        high = np.flatnonzero(np.isin(grade, (1.0, 2.0)))
        z_ent = risk_zones["enterprise_id"].astype(str).to_numpy()[high]
        z_ids, z_names = station_labels(risk_zones)
        z_pts = points_in_network_crs(network, risk_zones)
        pe = pd.DataFrame({"park": pi, "ent": e_ids[ei].astype(str)})
        zz = pd.DataFrame({"ent": z_ent, "z": high})
        m = pe.merge(zz, on="ent", how="inner")
        zi = m["z"].to_numpy(dtype="int64")
        frames.append(pd.DataFrame({"park": m["park"].to_numpy(dtype="int64"), "kind": "risk_zone",
                                    "target_id": z_ids[zi], "name": z_names[zi], "geometry": z_pts[zi]}))
        n_zone = np.bincount(m["park"].to_numpy(dtype="int64"), minlength=len(parks))
    bpark, bpts = _boundary_samples(park_geoms, step)
    k = pd.Series(bpark).groupby(bpark).cumcount().to_numpy() + 1
    frames.append(pd.DataFrame({"park": bpark, "kind": "boundary",
                                "target_id": [f"{park_ids[p]}-B{j:03d}" for p, j in zip(bpark, k)],
                                "name": [f"边界点{j}" for j in k], "geometry": bpts}))
    tg = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=crs)
    tg["target_id"] = tg["target_id"].astype(str)
    cov = coverage(network, stations, tg.rename(columns={"target_id": "id"}), limit_min=limit_min, settings=settings)
    arrival = cov["arrival_min"].to_numpy(dtype="float64")
    targets = gpd.GeoDataFrame(
        {
            "park_id": park_ids[tg["park"].to_numpy()].astype(object),
            "kind": tg["kind"].to_numpy(dtype=object),
            "target_id": tg["target_id"].to_numpy(dtype=object),
            "name": tg["name"].to_numpy(dtype=object),
            "arrival_min": arrival,
            "within_limit": cov["within_limit"].to_numpy(dtype=bool),
            "miss_min": arrival - limit_min,
            **{c: cov[c].to_numpy() for c in ("nearest_station_id", "nearest_station_name", "second_station_id",
                                               "second_arrival_min", "n_within", "status", "snap_dist_m", "note")},
        },
        geometry=tg.geometry.to_numpy(),
        crs=crs,
    )
    targets.attrs.update(cov.attrs)

    # per park
    if circle is None:
        from yitu.routing.isochrones import isochrones

        iso = isochrones(network, stations, bands_min=(limit_min,), settings=settings, per_station=False)
        circle = shapely.union_all(iso.geometry.to_numpy()) if len(iso) else shapely.Polygon()
    covered = shapely.area(shapely.intersection(park_geoms, circle, grid_size=0.01)) / np.maximum(park_area, 1e-9)
    park_of = tg["park"].to_numpy()
    fail = ~targets["within_limit"].to_numpy(dtype=bool)
    n_p = len(parks)
    n_targets = np.bincount(park_of, minlength=n_p)
    n_fail = np.bincount(park_of, weights=fail, minlength=n_p).astype("int64")
    miss = np.where(fail & np.isfinite(arrival), arrival - limit_min, -np.inf)
    worst = np.full(n_p, -np.inf)
    np.maximum.at(worst, park_of, miss)
    worst = np.where(np.isfinite(worst), worst, np.nan)
    n_ent = np.bincount(pi, minlength=n_p)
    n_bnd = np.bincount(bpark, minlength=n_p)
    status = targets["status"].to_numpy()
    n_unr = np.bincount(park_of, weights=status == "unreachable", minlength=n_p).astype("int64")
    n_off = np.bincount(park_of, weights=status == "off_network", minlength=n_p).astype("int64")
    notes = []
    for p in range(n_p):  # one short note per park
        parts = []
        if n_ent[p] == 0:
            parts.append(_NO_ENTERPRISES)
            log.warning(msg("park.log.no_enterprises", id=park_ids[p], name=park_names[p]))
        if n_unr[p]:
            parts.append(f"{n_unr[p]} 个目标无救援力量可达")
        if n_off[p]:
            parts.append(f"{n_off[p]} 个目标距道路超过 {settings.routing.max_snap_m:g} 米")
        notes.append("；".join(parts))
    out = gpd.GeoDataFrame(
        {
            "park_id": park_ids.astype(object), "park_name": park_names.astype(object),
            "verdict": np.where(n_fail == 0, "PASS", "FAIL").astype(object),
            "limit_min": np.full(n_p, float(limit_min)), "n_targets": n_targets.astype("int64"), "n_fail": n_fail,
            "worst_miss_min": np.round(worst, 2), "covered_share": np.round(np.clip(covered, 0.0, 1.0), 4),
            "n_enterprises": n_ent.astype("int64"), "n_risk_zones": n_zone.astype("int64"),
            "n_boundary": n_bnd.astype("int64"), "note": np.asarray(notes, dtype=object),
        },
        geometry=park_geoms,
        crs=crs,
    )
    log.info(msg("park.log.summary", n=n_p, n_fail=int((n_fail > 0).sum()), targets=len(targets),
                 missed=int(fail.sum()), limit=f"{limit_min:g}"))
    return ParkCheck(parks=out, targets=targets)


# ------------------------------------------------------------------------------ yitu check
def _zh_table(df: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """A table for the office: Chinese headers, 是/否, Chinese statuses, rounded minutes, lon/lat."""
    out = pd.DataFrame(df.drop(columns="geometry", errors="ignore")).copy()
    if isinstance(df, gpd.GeoDataFrame) and df.geometry.geom_type.isin(["Point"]).all() and len(df):
        ll = df.geometry.to_crs(4326)
        out["lon"], out["lat"] = np.round(ll.x.to_numpy(), 6), np.round(ll.y.to_numpy(), 6)
    for c in ("arrival_min", "second_arrival_min", "miss_min", "worst_miss_min", "limit_min"):
        if c in out.columns:
            out[c] = [rounded(v, "min") for v in out[c]]
    if "snap_dist_m" in out.columns:
        out["snap_dist_m"] = [rounded(v, "m") for v in out["snap_dist_m"]]
    if "status" in out.columns:
        if "within_limit" in out.columns:  # the one status of an arrival against its limit: 可达 / 超时 / ...
            within = out["within_limit"].astype(bool).to_numpy()
            arrival = pd.to_numeric(df["arrival_min"], errors="coerce").to_numpy(dtype="float64")
            codes = arrival_status(df["status"], np.where(within, 0.0, arrival), np.where(within, 1.0, 0.0))
        else:
            codes = np.asarray([{"ok": "reachable"}.get(s, s) for s in out["status"]], dtype=object)
        out["status"] = [status_text(c) for c in codes]
    if "within_limit" in out.columns:
        out["within_limit"] = np.where(out["within_limit"].astype(bool), "是", "否")
    if "verdict" in out.columns:
        out["verdict"] = [status_text(VERDICT_CODES.get(str(v), "unknown")) for v in out["verdict"]]
    if "kind" in out.columns:
        out["kind"] = out["kind"].map(kind_text)
    if "layer" in out.columns:
        out["layer"] = out["layer"].map(lambda s: {"enterprises": "企业", "targets": "防护目标"}.get(s, s))
    return out.rename(columns={**labels, "lon": "经度", "lat": "纬度"})


def _with_other_parks(project: Any, layer: str, new: gpd.GeoDataFrame, park: str, park_ids: pd.Series) -> gpd.GeoDataFrame:
    """``new`` plus the stored rows of ``layer`` for the other parks still in the parks layer."""
    old = project.read_optional(layer)
    if old is None or not len(old) or "park_id" not in old.columns:
        return new
    pid = old["park_id"].astype(str)
    keep = old[(pid != park) & pid.isin(set(park_ids))]
    if not len(keep):
        return new
    keep = keep.to_crs(new.crs) if isinstance(keep, gpd.GeoDataFrame) and new.crs is not None else keep
    merged = pd.concat([keep[[c for c in new.columns if c in keep.columns]], new], ignore_index=True)
    order = {p: i for i, p in enumerate(park_ids)}
    merged = merged.iloc[np.argsort(merged["park_id"].astype(str).map(order).to_numpy(), kind="stable")]
    return gpd.GeoDataFrame(merged.reset_index(drop=True), geometry="geometry", crs=new.crs)


def run_check(
    project: Any,
    *,
    park: str | None = None,
    limit_min: float | None = None,
    profile: str = "fire_engine",
    network: RoadNetwork | None = None,
) -> CheckResult:
    """Run the park check of a project (``yitu check DIR``): compute, store, write.

    Parameters
    ----------
    project
        A :class:`~yitu.layers.project.Project`.
    park
        Check only this park id (default: every park); the stored results of the other parks are kept.
    limit_min
        Time limit; default ``rescue.park_limit_min``.
    profile
        Speed profile of the network to use.
    network
        A network to use instead of the project's (for tests and notebooks).

    Returns
    -------
    CheckResult
        Also stored: layers ``result_coverage`` (enterprises and protected targets, column
        ``layer``), ``result_isochrones``, ``result_responsibility``, ``result_park_check``,
        ``result_park_targets``; written: ``output/park_check.csv``, ``output/park_targets.csv``
        and ``output/park_check.xlsx`` (sheets 园区结论, 未达标目标, 覆盖分析).

    Raises
    ------
    InputError
        An unknown park id (the message lists the park ids), a bad limit.
    ProjectError
        A missing layer or network (the message names the command that makes it).
    """
    from yitu.gis.io import write_csv, write_xlsx
    from yitu.routing.isochrones import ALL_STATIONS, isochrones, responsibility_areas

    settings = project.settings
    limit = float(settings.rescue.park_limit_min if limit_min is None else limit_min)
    if not np.isfinite(limit) or limit <= 0:
        raise InputError(tr("cli.err.limit", limit=limit_min))
    parks = project.read("parks")
    all_ids = parks["id"].astype(str) if "id" in parks.columns else pd.Series(parks.index.astype(str))
    if park is not None:
        sel = (all_ids == str(park)).to_numpy()
        if not sel.any():
            raise InputError(tr("parks.err.unknown", park=park, path=project.path,
                                ids=", ".join(all_ids.tolist()) or tr("value.none")))
        parks = parks[sel]
    stations = project.read("stations")
    enterprises = project.read("enterprises")
    risk_zones = project.read_optional("risk_zones")
    others = project.read_optional("targets")
    if network is None:
        from yitu.routing.build import load_network

        network = load_network(project, profile=profile)

    layers = [("enterprises", enterprises)] + ([("targets", others)] if others is not None and len(others) else [])
    cov_in = gpd.GeoDataFrame(
        pd.concat([g.assign(layer=name) for name, g in layers], ignore_index=True), geometry="geometry", crs=4326
    )
    cov = coverage(network, stations, cov_in, limit_min=limit, settings=settings)
    cov.insert(0, "layer", cov_in["layer"].to_numpy())
    off_st = stations_off_network(cov)

    bands = sorted({float(b) for b in settings.routing.isochrone_bands_min} | {limit})
    iso = isochrones(network, stations, bands_min=bands, settings=settings)
    all_iso = iso[(iso["station_id"] == ALL_STATIONS) & (iso["band_min"] <= limit)]
    circle = shapely.union_all(all_iso.geometry.to_numpy()) if len(all_iso) else shapely.Polygon()
    resp = responsibility_areas(network, stations, settings=settings)
    check = park_check(network, parks, stations, enterprises, risk_zones, limit_min=limit, settings=settings,
                       circle=circle)

    project.write("result_coverage", cov)
    project.write("result_isochrones", iso)
    project.write("result_responsibility", resp)
    stored_parks, stored_targets = check.parks, check.targets
    if park is not None:  # one park re-checked: the other parks keep their stored results
        stored_parks = _with_other_parks(project, "result_park_check", check.parks, str(park), all_ids)
        stored_targets = _with_other_parks(project, "result_park_targets", check.targets, str(park), all_ids)
    project.write("result_park_check", stored_parks)
    project.write("result_park_targets", stored_targets)

    out = Path(project.output_dir)
    park_tbl = _zh_table(check.parks[list(PARK_COLUMNS) + ["geometry"]], PARK_LABELS)
    park_tbl[PARK_LABELS["covered_share"]] = [fmt(v, "share") for v in check.parks["covered_share"]]
    tgt_tbl = _zh_table(check.targets, TARGET_LABELS)
    fail_tbl = _zh_table(check.failing(), TARGET_LABELS)
    cov_tbl = _zh_table(cov, COVERAGE_LABELS)
    files = {
        "park_check.csv": write_csv(park_tbl, out / "park_check.csv"),
        "park_targets.csv": write_csv(tgt_tbl, out / "park_targets.csv"),
        "park_check.xlsx": write_xlsx({"园区结论": park_tbl, "未达标目标": fail_tbl, "覆盖分析": cov_tbl},
                                      out / "park_check.xlsx"),
    }
    log.info(msg("park.log.written", files=listed(files.values())))
    return CheckResult(check=check, coverage=cov, isochrones=iso, responsibility=resp, limit_min=limit,
                       profile=profile, stations_off_network=off_st, files=files)
