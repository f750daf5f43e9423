"""General distance rules: features of layer A (filtered) at least ``min_m`` from features of layer B.

One mechanism for the 300 m from a fire station to hazardous-chemical sites, a shelter's distance
from major hazards, the 500 m railway corridor ...: ``[[safety_distance.rules]]`` in ``yitu.toml``.
A rule whose layer or filter field the project lacks is one ``unknown`` row, never a pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from yitu.errors import InputError
from yitu.gis.crs import WGS84
from yitu.words import tr
from yitu.words.numbers import fmt

__all__ = ["DistanceRule", "parse_rules", "check_rules", "RULE_COLUMNS"]

RULE_COLUMNS = ["status", "rule", "a_layer", "a_id", "a_name", "b_layer", "b_id", "b_name", "required", "actual",
                "excess", "reason", "source"]


@dataclass(frozen=True)
class DistanceRule:
    """Layer ``a`` (rows passing ``a_filter``) must be at least ``min_m`` from layer ``b`` (``b_filter``)."""

    name: str
    a: str
    b: str
    min_m: float
    source: str = ""
    a_filter: Mapping[str, Sequence[str]] = field(default_factory=dict)
    b_filter: Mapping[str, Sequence[str]] = field(default_factory=dict)


def parse_rules(rules: Sequence[Mapping[str, Any]]) -> list[DistanceRule]:
    """Rules from ``[[safety_distance.rules]]`` entries; a bad entry raises naming it and the fix."""
    out = []
    known = {"name", "a", "b", "min_m", "source", "a_filter", "b_filter"}
    for k, r in enumerate(rules, 1):
        where = f"[[safety_distance.rules]] #{k} ({r.get('name', '?')})"
        extra = set(r) - known
        if extra:
            raise InputError(tr("dist.err.rule_keys", where=where, extra=", ".join(sorted(extra)), known=", ".join(sorted(known))))
        for key in ("name", "a", "b", "min_m"):
            if key not in r:
                raise InputError(tr("dist.err.rule_missing", where=where, key=key))
        v = r["min_m"]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0:
            raise InputError(tr("dist.err.rule_min_m", where=where, v=v))
        filters = []
        for key in ("a_filter", "b_filter"):
            f = r.get(key) or {}
            if not isinstance(f, Mapping):
                raise InputError(tr("dist.err.rule_filter", where=where, key=key))
            filters.append({str(fk): [str(x) for x in (fv if isinstance(fv, (list, tuple)) else [fv])]
                            for fk, fv in f.items()})
        out.append(DistanceRule(str(r["name"]), str(r["a"]), str(r["b"]), float(v), str(r.get("source", "")),
                                filters[0], filters[1]))
    return out


def _as_text(v: Any) -> str | None:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return None
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    s = str(v).strip()
    return s or None


def _filter(gdf: gpd.GeoDataFrame, flt: Mapping[str, Sequence[str]]) -> tuple[np.ndarray, str | None]:
    keep = np.ones(len(gdf), dtype=bool)
    for col, values in flt.items():
        if col not in gdf.columns:
            return keep, col
        accepted = set(values)
        cell = [_as_text(v) for v in gdf[col].astype(object).tolist()]
        if "*" in accepted:
            keep &= np.array([c is not None for c in cell], dtype=bool)
            continue
        keep &= np.array([c is not None and any(x.strip() in accepted for x in c.split(",")) for c in cell], dtype=bool)
    return keep, None


def check_rules(
    layers: Mapping[str, gpd.GeoDataFrame | None],
    rules: Sequence[DistanceRule],
    *,
    crs: Any,
    lang: str | None = None,
) -> gpd.GeoDataFrame:
    """Pairs closer than each rule's minimum (status ``violation``) and rules that cannot be judged (``unknown``).

    Parameters
    ----------
    layers
        Layer name -> GeoDataFrame (``None`` or absent: the project lacks it).
    rules
        From :func:`parse_rules`.
    crs
        Metric CRS for the distances.

    Returns
    -------
    GeoDataFrame
        :data:`RULE_COLUMNS` and the geometry of feature A (WGS-84).
    """
    crs = pyproj.CRS.from_user_input(crs)
    parts: list[pd.DataFrame] = []
    geoms: list[np.ndarray] = []
    for rule in rules:
        frames = {}
        reason = None
        for side, name, flt in (("a", rule.a, rule.a_filter), ("b", rule.b, rule.b_filter)):
            g = layers.get(name)
            if g is None or not isinstance(g, gpd.GeoDataFrame) or g.geometry.name not in g.columns:
                reason = tr("dist.unknown.rule_layer", lang=lang, layer=name)
                break
            g = g.to_crs(crs).reset_index(drop=True)
            keep, bad = _filter(g, flt)
            if bad is not None:
                reason = tr("dist.unknown.rule_field", lang=lang, layer=name, field=bad)
                break
            ok = keep & ~(shapely.is_missing(g.geometry.values) | shapely.is_empty(g.geometry.values))
            frames[side] = g.loc[ok].reset_index(drop=True)
        if reason is not None:
            parts.append(pd.DataFrame([{"status": "unknown", "rule": rule.name, "a_layer": rule.a, "b_layer": rule.b,
                                        "required": rule.min_m, "reason": reason, "source": rule.source}]))
            geoms.append(np.array([None], dtype=object))
            continue
        a, b = frames["a"], frames["b"]
        if not len(a) or not len(b):
            continue
        ia, ib = shapely.STRtree(b.geometry.values).query(a.geometry.values, predicate="dwithin", distance=rule.min_m)
        d = shapely.distance(a.geometry.values[ia], b.geometry.values[ib])
        short = d < rule.min_m
        if rule.a == rule.b:
            short &= a["id"].to_numpy()[ia] != b["id"].to_numpy()[ib] if "id" in a.columns else ia != ib
        ia, ib, d = ia[short], ib[short], d[short]
        if not len(ia):
            continue
        col = lambda df, c, i: (df[c].astype(object).to_numpy()[i] if c in df.columns else np.full(len(i), None))  # noqa: E731
        parts.append(pd.DataFrame({
            "status": "violation", "rule": rule.name, "a_layer": rule.a, "a_id": col(a, "id", ia),
            "a_name": col(a, "name", ia), "b_layer": rule.b, "b_id": col(b, "id", ib), "b_name": col(b, "name", ib),
            "required": rule.min_m, "actual": d, "excess": rule.min_m - d,
            "reason": [tr("dist.short", lang=lang, v=fmt(x, "m", lang=lang)) for x in rule.min_m - d], "source": rule.source}))
        geoms.append(np.asarray(a.geometry.values[ia], dtype=object))
    if not parts:
        return gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in RULE_COLUMNS}, geometry=[], crs=WGS84)
    df = pd.concat(parts, ignore_index=True).reindex(columns=RULE_COLUMNS)
    flat = np.concatenate(geoms)
    return gpd.GeoDataFrame(df, geometry=list(flat), crs=crs).to_crs(WGS84)
