"""External safety distances (外部安全防护距离): which protected targets sit too close to a hazardous plant.

For every protected target (point or polygon) the check finds

* the highest individual-risk contour it lies in (a polygon partly inside counts) and compares that
  level with its GB 36894-2018 class's criterion for new or existing installations;
* its distance to every installation that has an assessed external safety distance (安全评价), or,
  where an installation has neither an assessed distance nor contours, a code distance by kind
  (screening, ``[safety_distance] code_distance_m``).

A contour at level L encloses where the individual risk is ≥ L. A target strictly inside the
contour of its criterion, or inside any higher one, bears more than the criterion: a violation.
A target exactly on the criterion's contour bears the criterion itself and passes; a distance equal
to the requirement passes. Whatever cannot be judged (no class, no status where it matters,
nothing to judge an installation by, contours that stop above a criterion, bad contours) is a row
with status ``unknown`` and its reason, never a pass.

The core, :func:`check_arrays`, works on shapely geometry arrays in a metric CRS with spatial indexes
(STRtree) and no Python loop over pairs; :func:`check_distances` is the GeoDataFrame face.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from yitu.errors import InputError
from yitu.gis.crs import WGS84, metric_crs
from yitu.layers.distances_classes import CLASSES, derive_classes
from yitu.settings import SafetyDistanceSettings
from yitu.words import msg, tr
from yitu.words.numbers import fmt

log = logging.getLogger(__name__)

__all__ = ["CoreResult", "DistanceCheck", "check_arrays", "check_distances", "ROW_COLUMNS", "STATUS_CODES"]

#: Columns of every violation / unknown row.
ROW_COLUMNS = ["status", "method", "target_id", "target_name", "target_type", "target_class", "class_basis",
               "enterprise_id", "enterprise_name", "installation_id", "installation_name", "required", "actual",
               "excess", "quantity", "reason", "source"]
STATUS_CODES = {"新建": 1, "在役": 0}
_REL = 1e-6  # two levels within this relative difference are the same level (3e-7 == 3.0000000000000004e-07)


@dataclass
class CoreResult:
    """Pairs found by :func:`check_arrays` (positions into the input arrays).

    ``contour``: columns ``t``, ``c``, ``level``, ``threshold``, ``status`` (``violation`` or ``unknown``),
    ``why`` (``class`` or ``status`` for unknowns). ``distance``: ``t``, ``i``, ``distance``, ``required``.
    """

    contour: pd.DataFrame
    distance: pd.DataFrame


def _fails(level: np.ndarray, thr: np.ndarray, touch: np.ndarray) -> np.ndarray:
    close = np.abs(level - thr) <= _REL * thr
    return ((level > thr) & ~close) | (close & ~touch)


def check_arrays(
    targets: np.ndarray,
    target_class: np.ndarray,
    installations: np.ndarray,
    required_m: np.ndarray,
    contours: np.ndarray,
    contour_level: np.ndarray,
    contour_status: np.ndarray,
    *,
    threshold_new: np.ndarray,
    threshold_existing: np.ndarray,
) -> CoreResult:
    """The numpy/shapely core of the check (all geometries in one metric CRS).

    Parameters
    ----------
    targets
        Target geometries (points or polygons).
    target_class
        Class code per target: 0..4 (:data:`~yitu.layers.distances_classes.CLASSES`), -1 unknown.
    installations
        Installation geometries.
    required_m
        Required distance per installation (NaN: none; those are not checked by distance).
    contours
        Contour polygons (risk ≥ level inside).
    contour_level
        Individual risk per year of each contour.
    contour_status
        1 new, 0 existing, -1 unknown (both criteria are tried; a pair failing only the new one is unknown).
    threshold_new, threshold_existing
        Criterion per class code (5 values each).

    Returns
    -------
    CoreResult
        Failing (and undecidable) target-contour pairs and target-installation pairs closer than required.
    """
    targets = np.asarray(targets, dtype=object)
    tn = np.asarray(threshold_new, dtype=float)
    te = np.asarray(threshold_existing, dtype=float)
    tclass = np.asarray(target_class, dtype=np.int64)
    contours = np.asarray(contours, dtype=object)
    level = np.asarray(contour_level, dtype=float)
    cstat = np.asarray(contour_status, dtype=np.int64)
    cols = ["t", "c", "level", "threshold", "status", "why"]
    contour = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    if len(targets) and len(contours):
        ti, ci = shapely.STRtree(contours).query(targets, predicate="intersects")
        lv, cls, st = level[ci], tclass[ti], cstat[ci]
        known = cls >= 0
        c = np.clip(cls, 0, len(tn) - 1)
        strict = np.where(known, np.where(st == 0, te[c], tn[c]), np.where(st == 0, te.min(), tn.min()))
        loose = np.where(known, np.where(st == 1, tn[c], te[c]), np.where(st == 1, tn.max(), te.max()))
        close = (np.abs(lv - strict) <= _REL * strict) | (np.abs(lv - loose) <= _REL * loose)
        touch = np.zeros(len(ti), dtype=bool)
        if close.any():  # on the line only: the risk there equals the level
            touch[close] = shapely.touches(targets[ti[close]], contours[ci[close]])
        fail_loose = _fails(lv, loose, touch)
        fail_strict = _fails(lv, strict, touch) | fail_loose
        keep = fail_strict
        contour = pd.DataFrame({
            "t": ti[keep], "c": ci[keep], "level": lv[keep],
            "threshold": np.where(fail_loose, loose, strict)[keep],
            "status": np.where(fail_loose, "violation", "unknown")[keep],
            "why": np.where(known, "status", "class")[keep],
        })
    required = np.asarray(required_m, dtype=float)
    has = np.flatnonzero(~np.isnan(required) & (required > 0))
    distance = pd.DataFrame({"t": pd.Series(dtype="int64"), "i": pd.Series(dtype="int64"),
                             "distance": pd.Series(dtype=float), "required": pd.Series(dtype=float)})
    if len(targets) and len(has):
        inst = np.asarray(installations, dtype=object)[has]
        k, tj = shapely.STRtree(targets).query(inst, predicate="dwithin", distance=required[has])
        ii = has[k]
        d = shapely.distance(np.asarray(installations, dtype=object)[ii], targets[tj])
        short = d < required[ii]
        distance = pd.DataFrame({"t": tj[short], "i": ii[short], "distance": d[short], "required": required[ii][short]})
    return CoreResult(contour, distance)


@dataclass
class DistanceCheck:
    """What :func:`check_distances` returns (geometries in WGS-84)."""

    violations: gpd.GeoDataFrame
    unknowns: gpd.GeoDataFrame
    classes: pd.DataFrame  # per target: gb_class, class_code, class_basis
    summary: pd.DataFrame  # per enterprise
    crs: pyproj.CRS
    rules: gpd.GeoDataFrame = field(default_factory=lambda: gpd.GeoDataFrame(geometry=[], crs=WGS84))
    used_contours: gpd.GeoDataFrame | None = None

    @property
    def n_violations(self) -> int:
        n_rules = int((self.rules["status"] == "violation").sum()) if len(self.rules) else 0
        return len(self.violations) + n_rules


def _col(df: pd.DataFrame | None, name: str, n: int | None = None) -> pd.Series:
    if df is None:
        return pd.Series([None] * (n or 0), dtype=object)
    if name in df.columns:
        return df[name].astype(object).where(df[name].notna(), None)
    return pd.Series([None] * len(df), index=df.index, dtype=object)


def _key(v: Any) -> str | None:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    s = str(v).strip()
    return s or None


def _rows(n: int, **cols: Any) -> pd.DataFrame:
    df = pd.DataFrame({c: pd.Series([None] * n, dtype=object) for c in ROW_COLUMNS})
    for k, v in cols.items():
        df[k] = list(v) if not np.isscalar(v) and v is not None else [v] * n
    return df


def _status_codes(values: pd.Series) -> np.ndarray:
    return values.map(lambda v: STATUS_CODES.get(str(v), -1) if v is not None else -1).to_numpy(dtype=np.int64)


def _fmt_level(v: float) -> str:
    return f"{float(f'{v:.2g}'):.1e}".replace("e-0", "e-")


def check_distances(
    targets: gpd.GeoDataFrame,
    installations: gpd.GeoDataFrame | None,
    contours: gpd.GeoDataFrame | None = None,
    enterprises: gpd.GeoDataFrame | None = None,
    *,
    settings: SafetyDistanceSettings,
    crs: Any = None,
    lang: str | None = None,
) -> DistanceCheck:
    """Check every protected target against contours, assessed distances and code distances.

    Parameters
    ----------
    targets
        The ``targets`` layer (points or polygons).
    installations
        The ``installations`` layer (``enterprise_id``, ``kind``, ``status``, ``distance_m`` ...).
    contours
        The ``risk_contours`` layer (``level``, ``installation_id`` or ``enterprise_id``, ``status``).
    enterprises
        The ``enterprises`` layer, for names and enterprise-level contours.
    settings
        ``[safety_distance]`` settings (criteria, class thresholds, code distances).
    crs
        Metric CRS for distances; default: the UTM zone of the targets' centre.
    lang
        Language of the reasons and class bases.

    Returns
    -------
    DistanceCheck
        Violations and unknowns (one row each, see :data:`ROW_COLUMNS`), classes per target and a
        summary per enterprise.
    """
    if targets is None or targets.crs is None:
        raise InputError("targets: a GeoDataFrame with a CRS is needed")
    inst = installations if installations is not None else gpd.GeoDataFrame(
        {"id": [], "enterprise_id": []}, geometry=[], crs=WGS84)
    if crs is None:
        frames = [g for g in (targets, inst) if g is not None and len(g)]
        crs = metric_crs(pd.concat([g.to_crs(WGS84) for g in frames]) if frames else targets.to_crs(WGS84))
    crs = pyproj.CRS.from_user_input(crs)
    s = settings
    tg = targets.to_crs(crs).reset_index(drop=True)
    it = inst.to_crs(crs).reset_index(drop=True)
    ent = enterprises.to_crs(crs).reset_index(drop=True) if enterprises is not None and len(enterprises) else None
    classes = derive_classes(tg, s, lang=lang)
    missing_thr = [c for c in CLASSES if c not in s.individual_risk_new or c not in s.individual_risk_existing]
    if missing_thr:
        raise InputError(tr("dist.err.thresholds", missing=", ".join(missing_thr), classes=", ".join(CLASSES)))
    thr_new = np.array([s.individual_risk_new[c] for c in CLASSES])
    thr_ex = np.array([s.individual_risk_existing[c] for c in CLASSES])

    ent_names = dict(zip(_col(ent, "id").map(_key), _col(ent, "name"))) if ent is not None else {}
    it_ids = _col(it, "id").map(_key)
    it_ent = _col(it, "enterprise_id").map(_key)
    it_status = _status_codes(_col(it, "status"))
    unknown_parts: list[pd.DataFrame] = []

    def inst_cols(idx: np.ndarray) -> dict[str, Any]:
        return dict(enterprise_id=it_ent.to_numpy()[idx], enterprise_name=[ent_names.get(e) for e in it_ent.to_numpy()[idx]],
                    installation_id=it_ids.to_numpy()[idx], installation_name=_col(it, "name").to_numpy()[idx])

    # installations naming an enterprise not in the enterprises layer
    if ent is not None and len(it):
        orphan = np.flatnonzero(~it_ent.isin(set(ent_names)).to_numpy())
        if len(orphan):
            unknown_parts.append(_rows(len(orphan), status="unknown", method="none", **inst_cols(orphan),
                                       reason=[tr("dist.unknown.no_enterprise", lang=lang, iid=i, eid=e)
                                               for i, e in zip(it_ids.to_numpy()[orphan], it_ent.to_numpy()[orphan])])
                                 .assign(geometry=it.geometry.values[orphan]))

    # -- contours: resolve what each belongs to, drop what cannot be used (listed) ----------------
    used = None
    c_geom = np.array([], dtype=object)
    c_level = np.array([], dtype=float)
    c_status = np.array([], dtype=np.int64)
    c_inst = np.array([], dtype=object)
    c_ent = np.array([], dtype=object)
    if contours is not None and len(contours):
        from yitu.layers.distances_contours import prepare_contours

        prep = prepare_contours(contours.to_crs(crs).reset_index(drop=True), it, ent, settings=s, thr_new=thr_new,
                                thr_existing=thr_ex, ent_names=ent_names, lang=lang)
        unknown_parts.extend(prep.unknowns)
        used = prep.used
        c_geom, c_level, c_status = used.geometry.values, used["level"].to_numpy(float), used["_status"].to_numpy()
        c_inst, c_ent = used["_inst"].to_numpy(object), used["_ent"].to_numpy(object)
    contoured_inst = set(c_inst[pd.notna(c_inst)]) if len(c_inst) else set()
    contoured_ent = set(c_ent[pd.isna(c_inst)]) if len(c_inst) else set()

    # -- required distances: assessed, else code by kind where no contours ------------------------
    assessed = pd.to_numeric(_col(it, "distance_m"), errors="coerce").to_numpy(dtype=float)
    kind = _col(it, "kind")
    code = kind.map(lambda k: s.code_distance_m.get(str(k)) if k is not None else None).astype(float).to_numpy()
    has_contours = it_ids.isin(contoured_inst).to_numpy() | it_ent.isin(contoured_ent).to_numpy()
    method = np.where(~np.isnan(assessed), "assessed", np.where(~has_contours & ~np.isnan(code), "code",
                                                                 np.where(has_contours, "contour", "none")))
    required = np.where(method == "assessed", assessed, np.where(method == "code", code, np.nan))
    nothing = np.flatnonzero(method == "none")
    if len(nothing):
        unknown_parts.append(_rows(len(nothing), status="unknown", method="none", **inst_cols(nothing),
                                   reason=[tr("dist.unknown.nothing", lang=lang, kind=k or "—") for k in kind.to_numpy()[nothing]])
                             .assign(geometry=it.geometry.values[nothing]))

    core = check_arrays(tg.geometry.values, classes["class_code"].to_numpy(), it.geometry.values, required,
                        c_geom, c_level, c_status, threshold_new=thr_new, threshold_existing=thr_ex)

    tcols = lambda t: dict(  # noqa: E731
        target_id=_col(tg, "id").to_numpy()[t], target_name=_col(tg, "name").to_numpy()[t],
        target_type=_col(tg, "target_type").to_numpy()[t], target_class=classes["gb_class"].to_numpy()[t],
        class_basis=classes["class_basis"].to_numpy()[t])
    parts: list[pd.DataFrame] = []
    # contour pairs: the highest level per target and contour owner
    cp = core.contour
    if len(cp):
        cp = cp.assign(owner=[f"{a}|{b}" for a, b in zip(c_inst[cp["c"].astype(int)], c_ent[cp["c"].astype(int)])])
        cp = cp.sort_values(["status", "level"], ascending=[False, False], kind="stable")
        cp = cp.drop_duplicates(["t", "owner", "status"]).sort_values(["t", "level"], ascending=[True, False])
        t = cp["t"].to_numpy(int)
        c = cp["c"].to_numpy(int)
        lv = cp["level"].to_numpy(float)
        thr = cp["threshold"].to_numpy(float)
        st = cp["status"].to_numpy(object)
        cst = c_status[c]
        iid = c_inst[c]
        eid = c_ent[c]
        iname = dict(zip(it_ids, _col(it, "name")))
        crit = np.where(cst == 0, "在役", np.where(cst == 1, "新建", "新建/在役"))
        reasons = []
        for s_, why, lvl, th, cls in zip(st, cp["why"], lv, thr, classes["gb_class"].to_numpy()[t]):
            if s_ == "violation":
                reasons.append(tr("dist.inside", lang=lang, level=_fmt_level(lvl), thr=_fmt_level(th)))
            elif why == "class":
                failing = [k for k, v in zip(CLASSES, np.minimum(thr_new, thr_ex)) if v <= lvl * (1 + _REL)]
                reasons.append(tr("dist.unknown.class_inside", lang=lang, level=_fmt_level(lvl), classes="、".join(failing)))
            else:
                reasons.append(tr("dist.unknown.status_inside", lang=lang, level=_fmt_level(lvl), thr=_fmt_level(th)))
        rows = _rows(len(cp), status=st, method="contour", **tcols(t), enterprise_id=eid,
                     enterprise_name=[ent_names.get(e) for e in eid], installation_id=iid,
                     installation_name=[iname.get(i) for i in iid], required=thr, actual=lv,
                     excess=np.where(st == "violation", lv / thr, np.nan), quantity="risk", reason=reasons,
                     source=[f"GB 36894-2018 表1 ({x})" for x in crit])
        rows["geometry"] = tg.geometry.values[t]
        parts.append(rows)
    dp = core.distance
    if len(dp):
        t = dp["t"].to_numpy(int)
        i = dp["i"].to_numpy(int)
        m = method[i]
        kinds = kind.to_numpy()[i]
        by = _col(it, "assessed_by").to_numpy()[i]
        src = [(b or tr("dist.method.assessed", lang=lang)) if mm == "assessed" else s.code_distance_source.get(str(k), str(k))
               for mm, b, k in zip(m, by, kinds)]
        rows = _rows(len(dp), status="violation", method=m, **tcols(t), **inst_cols(i), required=dp["required"].to_numpy(),
                     actual=dp["distance"].to_numpy(), excess=dp["required"].to_numpy() - dp["distance"].to_numpy(),
                     quantity="m", reason=[tr("dist.short", lang=lang, v=fmt(x, "m", lang=lang)) for x in
                                           dp["required"].to_numpy() - dp["distance"].to_numpy()], source=src)
        rows["geometry"] = tg.geometry.values[t]
        parts.append(rows)
    # targets without a class
    nocls = np.flatnonzero(classes["class_code"].to_numpy() < 0)
    if len(nocls):
        unknown_parts.append(_rows(len(nocls), status="unknown", method="class", **tcols(nocls),
                                   reason=classes["class_basis"].to_numpy()[nocls], source="GB 36894-2018 §3.1, 附录A")
                             .assign(geometry=tg.geometry.values[nocls]))
    found = pd.concat(parts, ignore_index=True) if parts else _rows(0).assign(geometry=[])
    viol = found[found["status"] == "violation"]
    unk = pd.concat([found[found["status"] == "unknown"], *unknown_parts], ignore_index=True) \
        if unknown_parts or (found["status"] == "unknown").any() else _rows(0).assign(geometry=[])

    def geo(df: pd.DataFrame) -> gpd.GeoDataFrame:
        g = gpd.GeoDataFrame(df.reset_index(drop=True), geometry="geometry", crs=crs)
        return g.to_crs(WGS84)

    violations, unknowns = geo(viol), geo(unk)
    summary = _summary(it_ent, method, has_contours, ent_names, violations, unknowns)
    if used is not None:
        used = used.drop(columns=["_status"]).to_crs(WGS84)
    out_classes = pd.concat([tg[["id", "name"]].reset_index(drop=True) if {"id", "name"} <= set(tg.columns)
                             else pd.DataFrame(index=tg.index), classes.reset_index(drop=True)], axis=1)
    log.info(msg("distances.log.summary", targets=len(tg), installations=len(it), contours=len(c_geom),
                 violations=len(violations), unknown=len(unknowns)))
    return DistanceCheck(violations, unknowns, out_classes, summary, crs, used_contours=used)


def _summary(ents: pd.Series, method: np.ndarray, has_contours: np.ndarray, names: dict[Any, Any],
             violations: pd.DataFrame, unknowns: pd.DataFrame) -> pd.DataFrame:
    base = pd.DataFrame({"enterprise_id": ents.to_numpy(), "n_installations": 1, "n_assessed": method == "assessed",
                         "n_contoured": np.asarray(has_contours, dtype=bool), "n_code": method == "code"})
    agg = base.groupby("enterprise_id", dropna=False).sum()
    v = violations.groupby("enterprise_id").agg(n_violations=("status", "size"), n_targets=("target_id", "nunique")) \
        if len(violations) else pd.DataFrame(columns=["n_violations", "n_targets"])
    u = unknowns.groupby("enterprise_id").agg(n_unknown=("status", "size")) if len(unknowns) else \
        pd.DataFrame(columns=["n_unknown"])
    out = agg.join(v, how="outer").join(u, how="left").fillna(0).astype(int).reset_index()
    out.insert(1, "enterprise_name", out["enterprise_id"].map(names))
    return out.sort_values(["n_violations", "enterprise_id"], ascending=[False, True]).reset_index(drop=True)
