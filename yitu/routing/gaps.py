"""The gap list (缺口清单): what today's rescue forces do not cover.

Three kinds of gap, each a table:

- **places** outside every station's limit — enterprises, protected targets and villages (targets
  of type 村庄), sorted by grade then population (people first where the grade ties);
- **parks** failing the rescue circle (from ``yitu check``'s ``result_park_check``; when the
  project has none, from the park's enterprises alone, and the table says so);
- **districts**: stations whose responsibility district (``result_responsibility``, area in the
  project's metric CRS) is larger than the 建标152-2017 area for their class
  (``rescue.district_km2``).

Limits (DEFAULTS.md): an enterprise inside a chemical park has the park circle
(``rescue.park_limit_min``, 15 min, alarm to arrival); everything else — enterprises outside
parks, protected targets and villages — has the urban standard ``rescue.urban_limit_min``
(5 min, 建标152-2017: turnout + drive to the edge of a station's district). Both limits can be
overridden per call. Arrival is the same as in the coverage check (turnout + access legs +
network time).
"""

from __future__ import annotations

import logging
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from yitu.errors import InputError, ProjectError
from yitu.routing.network import RoadNetwork
from yitu.routing.arrival import arrival_status
from yitu.settings import Settings
from yitu.words import msg, tr
from yitu.words.numbers import rounded
from yitu.words.status import status_text

log = logging.getLogger(__name__)

__all__ = ["gaps", "write_gaps", "gap_table", "gap_labels", "PROTECTION_RANK", "GAP_LABELS"]

# Protected targets have no risk grade: their protection class ranks them (GB 36894-2018).
PROTECTION_RANK: dict[str, int] = {"高敏感": 1, "重要": 2, "一般": 3}
#: Chinese column heads of the gap tables (see :func:`gap_labels` for another language)
GAP_LABELS: dict[str, str] = {}
_PLACE_COLUMNS = ["layer", "kind", "id", "name", "grade", "grade_label", "population", "park_id", "limit_min",
                  "arrival_min", "miss_min", "nearest_station_id", "nearest_station_name", "status", "note"]


def _layers(source: Any) -> tuple[dict[str, Any], Settings | None, Any]:
    """A project or a dict of layers -> (layers by name, settings, metric CRS or None)."""
    names = ("enterprises", "risk_zones", "targets", "stations", "parks", "result_park_check", "result_responsibility")
    if isinstance(source, dict):
        return {k: source.get(k) for k in names}, None, None
    if not hasattr(source, "read_optional"):
        raise InputError(f"gaps: expected a Project or a dict of layers, got {type(source).__name__}")
    return {k: source.read_optional(k) for k in names}, source.settings, source.metric_crs()


def _grade(enterprises: gpd.GeoDataFrame, zones: Any, settings: Settings) -> pd.Series:
    try:
        from yitu.layers.grading import grade_enterprises

        return grade_enterprises(enterprises, zones, settings=settings)["grade"]
    except ImportError:  # pragma: no cover - grading is part of the package
        return pd.to_numeric(enterprises.get("risk_grade"), errors="coerce").astype("Int64")


def _place_rows(cov: pd.DataFrame, frame: gpd.GeoDataFrame, *, layer: str, kind: pd.Series, grade: pd.Series,
                grade_label: pd.Series, population: pd.Series, park: pd.Series, limit: pd.Series) -> pd.DataFrame:
    arrival = pd.to_numeric(cov["arrival_min"], errors="coerce")
    out = pd.DataFrame({
        "layer": layer,
        "kind": kind.astype(object).to_numpy(),
        "id": frame["id"].astype(str).to_numpy() if "id" in frame else frame.index.astype(str),
        "name": frame["name"].astype(str).to_numpy() if "name" in frame else "",
        "grade": pd.array(grade.to_numpy(), dtype="Int64"),
        "grade_label": grade_label.astype(object).to_numpy(),
        "population": pd.array(pd.to_numeric(population, errors="coerce").to_numpy(), dtype="Int64"),
        "park_id": park.astype(object).to_numpy(),
        "limit_min": limit.to_numpy(dtype="float64"),
        "arrival_min": arrival.to_numpy(),
        "nearest_station_id": cov["nearest_station_id"].to_numpy(),
        "nearest_station_name": cov["nearest_station_name"].to_numpy(),
        "status": arrival_status(cov["status"], arrival, limit),
        "note": cov["note"].fillna("").to_numpy() if "note" in cov else "",
    }, index=frame.index)
    out["miss_min"] = out["arrival_min"] - out["limit_min"]
    out = out[_PLACE_COLUMNS]
    outside = ~(out["arrival_min"] <= out["limit_min"])  # NaN (off network, unreachable) is outside too
    g = gpd.GeoDataFrame(out[outside.to_numpy()], geometry=frame.geometry[outside.to_numpy()].values, crs=frame.crs)
    return g


def _fill_park_by_location(park: pd.Series, enterprises: gpd.GeoDataFrame, parks: Any, network: RoadNetwork) -> pd.Series:
    """An enterprise without a park id that lies inside a park polygon is in that park, as in the park check."""
    empty = (park == "").to_numpy()
    if parks is None or not len(parks) or not empty.any():
        return park
    from yitu.routing.coverage import station_labels
    from yitu.routing.parks import _enterprise_pairs, _park_parts
    from yitu.routing.snap import points_in_network_crs

    ids, _ = station_labels(parks)
    geoms, _ = _park_parts(parks, network.crs)
    pi, ei = _enterprise_pairs(ids, geoms, enterprises, points_in_network_crs(network, enterprises))
    take = empty[ei]
    out = park.copy()
    # the first park (in layer order) when polygons overlap
    first = pd.Series(pi[take], index=ei[take]).groupby(level=0).min()
    out.iloc[first.index.to_numpy()] = ids[first.to_numpy()].astype(str)
    return out


def _sort_places(df: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if not len(df):
        return df.reset_index(drop=True)
    key_g = df["grade"].astype("float64").fillna(99).to_numpy()
    key_p = -df["population"].astype("float64").fillna(-1).to_numpy()
    key_m = -df["miss_min"].fillna(np.inf).to_numpy()
    order = np.lexsort((key_m, key_p, key_g))
    return df.iloc[order].reset_index(drop=True)


def gaps(
    source: Any,
    network: RoadNetwork,
    *,
    settings: Settings | None = None,
    park_limit_min: float | None = None,
    other_limit_min: float | None = None,
    metric_crs: Any = None,
) -> dict[str, pd.DataFrame]:
    """The gap list of a project.

    Parameters
    ----------
    source
        A :class:`~yitu.layers.project.Project`, or a dict of layers (``enterprises``,
        ``risk_zones``, ``targets``, ``stations``, ``parks``, ``result_park_check``,
        ``result_responsibility``; missing ones are skipped).
    network
        The fire-engine network (metric CRS).
    settings
        Settings (the project's when omitted and ``source`` is a project).
    park_limit_min, other_limit_min
        Override ``rescue.park_limit_min`` (enterprises in a park) and ``rescue.urban_limit_min``
        (everything else).
    metric_crs
        CRS for district areas (the project's metric CRS; else the network's).

    Returns
    -------
    dict
        ``enterprises``, ``targets``, ``villages`` (GeoDataFrames, EPSG:4326, columns
        ``layer kind id name grade grade_label population park_id limit_min arrival_min miss_min
        nearest_station_id nearest_station_name status note``), ``parks`` (DataFrame: park_id,
        park_name, verdict, limit_min, n_fail, worst_miss_min, covered_share, source), ``districts``
        (DataFrame: station_id, station_name, station_type, district_km2, max_km2, excess_km2, source —
        only stations over their limit; from ``result_responsibility``, else computed with
        :func:`yitu.routing.isochrones.responsibility_areas`) and ``summary`` (one row of counts).
    """
    from yitu.layers.schema import GRADE_LABELS
    from yitu.routing.coverage import coverage

    layers, proj_settings, proj_crs = _layers(source)
    settings = settings or proj_settings
    if settings is None:
        raise InputError("gaps: pass settings= when giving a dict of layers")
    park_lim = float(settings.rescue.park_limit_min if park_limit_min is None else park_limit_min)
    other_lim = float(settings.rescue.urban_limit_min if other_limit_min is None else other_limit_min)
    stations = layers["stations"]
    if stations is None or not len(stations):
        raise ProjectError(tr("gaps.err.no_stations"))
    out: dict[str, pd.DataFrame] = {}

    ent, tg = layers["enterprises"], layers["targets"]
    ent = ent.to_crs(4326) if ent is not None and len(ent) else None
    tg = tg.to_crs(4326) if tg is not None and len(tg) else None
    if tg is not None and (not np.isfinite(other_lim) or other_lim <= 0):  # coverage checks the shared limit only
        raise InputError(tr("coverage.err.limit", limit=other_lim))
    # one coverage run for enterprises and targets together (stations snapped and searched once);
    # the columns used here (arrival, nearest station, status, note) do not depend on the limit
    n_ent = 0 if ent is None else len(ent)
    places = [g.geometry.reset_index(drop=True) for g in (ent, tg) if g is not None]
    cov_all = (
        coverage(network, stations, gpd.GeoDataFrame(geometry=pd.concat(places, ignore_index=True), crs=4326),
                 limit_min=max(park_lim, other_lim), settings=settings)
        if places else None
    )

    # enterprises
    if ent is not None:
        cov = cov_all.iloc[:n_ent]
        grade = _grade(ent, layers["risk_zones"], settings)
        park = ent["park_id"].astype(object).where(ent["park_id"].notna(), "") if "park_id" in ent else pd.Series("", index=ent.index)
        park = park.astype(str).str.strip().replace({"nan": "", "None": ""})
        park = _fill_park_by_location(park, ent, layers["parks"], network)
        limit = pd.Series(np.where(park != "", park_lim, other_lim), index=ent.index)
        glabel = grade.map(lambda g: GRADE_LABELS.get(int(g), "未定级") if pd.notna(g) else "未定级")
        industry = ent["industry"].astype(object).fillna("企业") if "industry" in ent else pd.Series("企业", index=ent.index)
        pop = ent["employees"] if "employees" in ent else pd.Series(np.nan, index=ent.index)
        out["enterprises"] = _sort_places(_place_rows(cov, ent, layer="enterprises", kind=industry, grade=grade,
                                                      grade_label=glabel, population=pop, park=park, limit=limit))
    else:
        out["enterprises"] = gpd.GeoDataFrame(columns=_PLACE_COLUMNS, geometry=[], crs=4326)

    # protected targets and villages
    if tg is not None:
        cov = cov_all.iloc[n_ent:]
        ttype = tg["target_type"].astype(object).fillna("其他") if "target_type" in tg else pd.Series("其他", index=tg.index)
        pclass = tg["protection_class"].astype(object) if "protection_class" in tg else pd.Series(np.nan, index=tg.index)
        from yitu.layers.schema import PROTECTION_CLASS_BY_TYPE

        pclass = pclass.where(pclass.notna() & (pclass.astype(str) != ""), ttype.map(PROTECTION_CLASS_BY_TYPE))
        grade = pclass.map(PROTECTION_RANK)
        pop = tg["population"] if "population" in tg else pd.Series(np.nan, index=tg.index)
        rows = _place_rows(cov, tg, layer="targets", kind=ttype, grade=grade, grade_label=pclass.fillna("一般"),
                           population=pop, park=pd.Series("", index=tg.index), limit=pd.Series(other_lim, index=tg.index))
        village = rows["kind"] == "村庄"
        out["targets"] = _sort_places(rows[~village])
        out["villages"] = _sort_places(rows[village].assign(layer="villages"))
    else:
        empty = gpd.GeoDataFrame(columns=_PLACE_COLUMNS, geometry=[], crs=4326)
        out["targets"], out["villages"] = empty, empty.copy()

    out["parks"] = _park_gaps(layers, out["enterprises"], park_lim)
    out["districts"] = _district_gaps(layers, settings, metric_crs or proj_crs or network.crs, network)
    out["summary"] = pd.DataFrame([{
        "enterprises": len(out["enterprises"]), "targets": len(out["targets"]), "villages": len(out["villages"]),
        "parks_failing": int((out["parks"]["verdict"] == "FAIL").sum()) if len(out["parks"]) else 0,
        "districts_over": len(out["districts"]), "park_limit_min": park_lim, "other_limit_min": other_lim,
    }])
    log.info(msg("gaps.summary", **_summary_values(out["summary"])))
    return out


def _summary_text(summary: pd.DataFrame, *, lang: str | None = None) -> str:
    """The one-row summary as a sentence, counts as integers, in the language in effect."""
    return tr("gaps.summary", lang=lang, **_summary_values(summary))


def _summary_values(summary: pd.DataFrame) -> dict[str, object]:
    row = summary.iloc[0]
    n: dict[str, object] = {k: int(row[k]) for k in ("enterprises", "targets", "villages", "parks_failing",
                                                      "districts_over")}
    return {**n, "park": f"{float(row['park_limit_min']):g}", "other": f"{float(row['other_limit_min']):g}"}


def _park_gaps(layers: dict[str, Any], ent_gaps: pd.DataFrame, park_lim: float) -> pd.DataFrame:
    cols = ["park_id", "park_name", "verdict", "limit_min", "n_fail", "worst_miss_min", "covered_share", "source"]
    pc = layers["result_park_check"]
    if pc is not None and len(pc):
        df = pd.DataFrame(pc.drop(columns="geometry", errors="ignore"))
        for c in cols:
            if c not in df:
                df[c] = np.nan
        df["source"] = tr("gaps.source.park_check")
        return df[df["verdict"] == "FAIL"][cols].reset_index(drop=True)
    parks = layers["parks"]
    if parks is None or not len(parks):
        return pd.DataFrame(columns=cols)
    rows = []
    for pid, pname in zip(parks["id"].astype(str), parks["name"].astype(str)):
        miss = ent_gaps[ent_gaps["park_id"] == pid]
        if len(miss):
            rows.append({"park_id": pid, "park_name": pname, "verdict": "FAIL", "limit_min": park_lim, "n_fail": len(miss),
                         "worst_miss_min": float(miss["miss_min"].max()), "covered_share": np.nan,
                         "source": tr("gaps.source.enterprises_only")})
    return pd.DataFrame(rows, columns=cols)


def _district_gaps(layers: dict[str, Any], settings: Settings, crs: Any, network: RoadNetwork) -> pd.DataFrame:
    cols = ["station_id", "station_name", "station_type", "district_km2", "max_km2", "excess_km2", "source"]
    resp = layers["result_responsibility"]
    stations = layers["stations"]
    source = tr("gaps.source.responsibility")
    if resp is not None and len(resp) and not set(resp["station_id"].astype(str)) <= set(stations["id"].astype(str)):
        # stations were re-imported after `yitu check`: the stored districts belong to other stations
        log.warning(msg("gaps.log.stale_districts"))
        resp = None
    if resp is None or not len(resp):
        try:
            from yitu.routing.isochrones import responsibility_areas
        except ImportError:  # pragma: no cover - part of the package
            log.info(msg("gaps.log.no_responsibility"))
            return pd.DataFrame(columns=cols)
        resp = responsibility_areas(network, stations, settings=settings)
        source = tr("gaps.source.computed")
    area = resp.to_crs(crs).geometry.area.to_numpy() / 1e6
    df = pd.DataFrame({"station_id": resp["station_id"].astype(str).to_numpy(), "district_km2": area})
    df = df.groupby("station_id", as_index=False)["district_km2"].sum()
    st = pd.DataFrame({"station_id": stations["id"].astype(str), "station_name": stations["name"].astype(str),
                       "station_type": stations["station_type"].astype(str)})
    df = df.merge(st, on="station_id", how="left")
    df["max_km2"] = df["station_type"].map(lambda t: settings.rescue.district_km2.get(str(t), np.nan)).astype("float64")
    df["excess_km2"] = df["district_km2"] - df["max_km2"]
    df["source"] = source
    over = df[df["excess_km2"] > 0].sort_values("excess_km2", ascending=False)
    # areas to 0.01 km² (1 ha): finer digits are noise of the polygon tracing, not information
    over = over.assign(district_km2=over["district_km2"].round(2), excess_km2=over["excess_km2"].round(2))
    return over[cols].reset_index(drop=True)


def gap_labels(*, lang: str | None = None) -> dict[str, str]:
    """Column heads of the gap tables in ``lang`` (Chinese by default)."""
    from yitu.words import WORDS

    return {k[len("gaps.col."):]: tr(k, lang=lang) for k in WORDS if k.startswith("gaps.col.")}


def gap_table(df: pd.DataFrame, *, lang: str | None = None) -> pd.DataFrame:
    """A gap table for people: word headers, statuses and layers in words, minutes to 0.1, shares in %."""
    out = pd.DataFrame(df.drop(columns="geometry", errors="ignore")).copy()
    for c in ("limit_min", "arrival_min", "miss_min", "worst_miss_min", "park_limit_min", "other_limit_min"):
        if c in out:
            out[c] = [rounded(v, "min") for v in out[c]]
    for c in ("district_km2", "max_km2", "excess_km2"):
        if c in out:
            out[c] = [rounded(v, "km2") for v in out[c]]
    if "covered_share" in out:
        out["covered_share"] = [rounded(v, "share") for v in out["covered_share"]]
    if "status" in out:
        out["status"] = [status_text(v, lang=lang) for v in out["status"]]
    if "verdict" in out:
        from yitu.routing.parks import VERDICT_CODES

        out["verdict"] = [status_text(VERDICT_CODES.get(str(v), "unknown"), lang=lang) for v in out["verdict"]]
    if "layer" in out:
        out["layer"] = [tr(f"gaps.layer.{v}", lang=lang) if f"gaps.layer.{v}" in _LAYER_KEYS else v for v in out["layer"]]
    return out.rename(columns=gap_labels(lang=lang))


_LAYER_KEYS = {"gaps.layer.enterprises", "gaps.layer.targets", "gaps.layer.villages"}


def write_gaps(project: Any, result: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """Write the gap tables to ``DIR/output/gaps/<name>.csv`` (UTF-8 with BOM) and ``gaps.xlsx``.

    Both carry the same table for people (:func:`gap_table`): word headers and statuses, rounded numbers.
    """
    from yitu.gis.io import write_csv, write_xlsx

    out = project.output_dir / "gaps"
    paths: dict[str, Any] = {}
    tables = {k: gap_table(v) for k, v in result.items()}
    for k, df in tables.items():
        paths[k] = write_csv(df, out / f"{k}.csv")
    sheets = {tr(f"gaps.sheet.{k}") if f"gaps.sheet.{k}" in _SHEET_KEYS else k: df for k, df in tables.items()}
    paths["xlsx"] = write_xlsx(sheets, out / "gaps.xlsx")
    return paths


_SHEET_KEYS = {f"gaps.sheet.{k}" for k in ("enterprises", "targets", "villages", "parks", "districts", "summary")}


GAP_LABELS.update(gap_labels(lang="zh"))
