"""Drill arithmetic: what is on site when, the requirement lines, before/after closures.

Part of :mod:`yitu.routing.drill` (the public names are importable from there). A missing amount
(a station that gave no foam, aerial or personnel figure) is unknown, never zero: a requirement line
that depends on it is 无法判定 unless the known amounts already meet it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np
import pandas as pd

from yitu.errors import InputError
from yitu.layers.schema import VEHICLE_FIELDS
from yitu.settings import RequirementLine
from yitu.words import has, tr
from yitu.words.numbers import fmt

if TYPE_CHECKING:  # pragma: no cover
    from yitu.routing.drill import DrillResult

__all__ = ["AMOUNTS", "AMOUNT_LABELS", "VEHICLES", "STATUS_CODES", "force_curve", "evaluate_requirements", "compare"]

VEHICLES: tuple[str, ...] = tuple(VEHICLE_FIELDS)
# What a requirement line may count.
AMOUNTS: tuple[str, ...] = (*VEHICLES, "vehicles", "personnel", "foam_t", "forces")
AMOUNT_LABELS: dict[str, str] = {
    **VEHICLE_FIELDS,
    "vehicles": "车辆合计",
    "personnel": "到场人员",
    "foam_t": "泡沫液(吨)",
    "forces": "救援力量(支)",
}
#: the number format (yitu.words.numbers quantity) of each amount
_QUANTITY: dict[str, str] = {**{k: "count" for k in VEHICLES}, "vehicles": "count", "personnel": "people",
                             "foam_t": "t", "forces": "count"}
_EPS = 1e-9
#: requirement-line status -> the status vocabulary (yitu.words.status)
STATUS_CODES: dict[str, str] = {"MET": "met", "NOT MET": "not_met", "UNKNOWN": "unknown"}

def _amount_text(v: float, what: str) -> str:
    if what in VEHICLES or what == "vehicles":
        return f"{fmt(v, 'count')} {tr('drill.unit.vehicle')}"
    if what == "forces":
        return f"{fmt(v, 'count')} {tr('drill.unit.force')}"
    return fmt(v, _QUANTITY[what])


def _amount_table(stations: pd.DataFrame) -> pd.DataFrame:
    """Vehicles by type, personnel and foam per station; a blank or absent figure stays missing (NaN), never 0.

    A column with no missing value is ``int64`` (foam ``float64``); with missing values, ``float64`` with NaN.
    ``vehicles`` is the sum of the known types (NaN only when no type is known).
    """
    out = pd.DataFrame(index=stations.index)
    for k in (*VEHICLES, "personnel", "foam_t"):
        col = stations[k] if k in stations else pd.Series(np.nan, index=stations.index)
        out[k] = pd.to_numeric(col, errors="coerce").astype("float64")
    out["vehicles"] = out[list(VEHICLES)].sum(axis=1, min_count=1)
    for k in (*VEHICLES, "personnel", "vehicles"):
        if not out[k].isna().any():
            out[k] = out[k].astype("int64")
    return out[[*VEHICLES, "personnel", "vehicles", "foam_t"]]


def _unknown(forces: pd.DataFrame, what: str) -> np.ndarray:
    """Per force: is its amount of ``what`` unknown (for ``vehicles``: is any type unknown)?"""
    if what == "forces":
        return np.zeros(len(forces), dtype=bool)
    cols = list(VEHICLES) if what == "vehicles" else [what]
    return forces[cols].isna().any(axis=1).to_numpy()


# ----------------------------------------------------------------------------- curve, lines
def force_curve(forces: pd.DataFrame, *, horizon_min: float = 30.0) -> pd.DataFrame:
    """Cumulative forces, vehicles by type, personnel and foam on site at each whole minute (known amounts).

    A force counts at minute ``m`` when its arrival is ``<= m``. Rows run from 0 to the later of
    ``horizon_min`` and the last arrival (rounded up).
    """
    reach = forces["status"].to_numpy() == "reachable"
    arr = forces["arrival_min"].to_numpy(dtype="float64")[reach]
    last = float(np.nanmax(arr)) if arr.size else 0.0
    top = int(math.ceil(max(horizon_min, last)))
    minute = np.arange(top + 1, dtype="float64")
    order = np.argsort(arr, kind="stable")
    arr_sorted = arr[order]
    count = np.searchsorted(arr_sorted, minute, side="right")
    out = pd.DataFrame({"minute": minute.astype("int64"), "forces": count.astype("int64")})
    for col in (*VEHICLES, "vehicles", "personnel", "foam_t"):
        vals = np.nan_to_num(forces[col].to_numpy(dtype="float64")[reach][order])  # known amounts
        cum = np.concatenate([[0.0], np.cumsum(vals)])[count]
        out[col] = cum if col == "foam_t" else cum.astype("int64")
    return out


def _on_site(forces: pd.DataFrame, minutes: Sequence[float]) -> pd.DataFrame:
    reach = (forces["status"] == "reachable").to_numpy()
    arr = forces["arrival_min"].to_numpy(dtype="float64")
    rows = []
    for m in minutes:
        sel = reach & (arr <= float(m))
        row: dict[str, Any] = {"minute": float(m), "forces": int(sel.sum())}
        for col in (*VEHICLES, "vehicles", "personnel"):
            row[col] = int(np.nansum(forces[col].to_numpy(dtype="float64")[sel]))
        row["foam_t"] = float(np.nansum(forces["foam_t"].to_numpy(dtype="float64")[sel]))
        row["stations"] = "、".join(forces["station_name"].to_numpy()[sel].astype(str))
        gaps = sel & forces[[*VEHICLES, "personnel", "foam_t"]].isna().any(axis=1).to_numpy()
        row["missing"] = "、".join(forces["station_name"].to_numpy()[gaps].astype(str))  # forces with figures missing
        rows.append(row)
    return pd.DataFrame(rows)


def evaluate_requirements(forces: pd.DataFrame, lines: Sequence[RequirementLine]) -> pd.DataFrame:
    """Each requirement line MET / NOT MET / UNKNOWN, with the amount on site by its deadline and by how much.

    A force counts when ``arrival_min <= by_min`` (arriving exactly at the deadline counts), and
    a line is MET when that amount is ``>= min``. A force whose figure is missing adds nothing
    known: the line is MET when the known amounts already meet it, else UNKNOWN (无法判定) when
    a force that arrived in time has the figure missing, else NOT MET.

    Returns
    -------
    DataFrame
        ``label``, ``what``, ``required``, ``by_min``, ``on_site`` (known amounts), ``status``
        (MET / NOT MET / UNKNOWN; :data:`STATUS_CODES` gives the status vocabulary code), ``n_missing``,
        ``shortfall`` (0 when met), ``surplus``, ``met_at_min`` (when the cumulative amount first
        reaches ``min``; NaN when never), ``margin_min`` (``by_min - met_at_min``: > 0 early,
        < 0 late), ``detail`` (a sentence, in the language in effect).
    """
    reach = (forces["status"] == "reachable").to_numpy() if len(forces) else np.zeros(0, dtype=bool)
    arr = forces["arrival_min"].to_numpy(dtype="float64")[reach] if len(forces) else np.zeros(0)
    order = np.argsort(arr, kind="stable")
    arr_sorted = arr[order]
    rows = []
    for ln in lines:
        if ln.what not in AMOUNTS:
            raise InputError(tr("drill.err.requirement_what", label=ln.label, what=ln.what, amounts=", ".join(AMOUNTS)))
        if ln.what == "forces":
            vals = np.ones(int(reach.sum()))
        elif ln.what == "vehicles":
            vals = np.nan_to_num(forces[list(VEHICLES)].to_numpy(dtype="float64")[reach]).sum(axis=1)
        else:
            vals = np.nan_to_num(forces[ln.what].to_numpy(dtype="float64")[reach])
        unknown = _unknown(forces, ln.what)[reach] if len(forces) else np.zeros(0, dtype=bool)
        cum = np.cumsum(vals[order])
        in_time = arr <= float(ln.by_min)
        on = float(vals[in_time].sum())
        met = on >= float(ln.min)
        missing = in_time & unknown
        if float(ln.min) <= 0:
            met_at = 0.0
        else:
            j = np.flatnonzero(cum >= float(ln.min))
            met_at = float(arr_sorted[j[0]]) if j.size else math.nan
        margin = float(ln.by_min) - met_at if not math.isnan(met_at) else math.nan
        w = ln.what
        req, by = _amount_text(float(ln.min), w), fmt(float(ln.by_min), "min", unit=False)
        if met:
            status = "MET"
            detail = tr("drill.met", by=by, on=_amount_text(on, w), req=req, at=fmt(met_at, "min", unit=False),
                        margin=fmt(margin, "min", unit=False))
        elif missing.any():
            status = "UNKNOWN"
            names = forces["station_name"].to_numpy()[reach][missing].astype(str)
            what = tr(f"drill.what.{w}") if has(f"drill.what.{w}") else VEHICLE_FIELDS.get(w, w)
            listed = "、".join(names[:5]) + ("…" if len(names) > 5 else "")
            detail = (tr("drill.unknown", by=by, n=int(missing.sum()), what=what, names=listed, on=_amount_text(on, w), req=req)
                      if on > 0 else tr("drill.unknown_none", by=by, n=int(missing.sum()), what=what, names=listed, req=req))
        elif math.isnan(met_at):
            status = "NOT MET"
            detail = tr("drill.never", by=by, on=_amount_text(on, w), short=_amount_text(float(ln.min) - on, w),
                        total=_amount_text(float(vals.sum()), w))
        else:
            status = "NOT MET"
            detail = tr("drill.late", by=by, on=_amount_text(on, w), short=_amount_text(float(ln.min) - on, w),
                        at=fmt(met_at, "min", unit=False), late=fmt(-margin, "min", unit=False))
        rows.append({
            "label": ln.label, "what": ln.what, "required": float(ln.min), "by_min": float(ln.by_min), "on_site": on,
            "status": status, "n_missing": int(missing.sum()), "shortfall": max(0.0, float(ln.min) - on),
            "surplus": max(0.0, on - float(ln.min)), "met_at_min": met_at, "margin_min": margin, "detail": detail,
        })
    cols = ["label", "what", "required", "by_min", "on_site", "status", "n_missing", "shortfall", "surplus",
            "met_at_min", "margin_min", "detail"]
    return pd.DataFrame(rows, columns=cols)


def compare(before: DrillResult, after: DrillResult) -> pd.DataFrame:
    """Per force: arrival before and after the closures, the delay and the rank change.

    ``delay_min`` is NaN when the force is unreachable in either scenario (``status_after`` says
    which); forces are sorted by delay, largest first, then by arrival after.
    """
    b = before.forces.set_index("station_id")
    a = after.forces.set_index("station_id")
    out = pd.DataFrame({
        "station_id": b.index.to_numpy(),
        "station_name": b["station_name"].to_numpy(),
        "arrival_before": b["arrival_min"].to_numpy(),
        "arrival_after": a.loc[b.index, "arrival_min"].to_numpy(),
        "rank_before": b["rank"].array,
        "rank_after": a.loc[b.index, "rank"].array,
        "status_before": b["status"].to_numpy(),
        "status_after": a.loc[b.index, "status"].to_numpy(),
    })
    out["delay_min"] = out["arrival_after"] - out["arrival_before"]
    lost = (out["status_before"] == "reachable") & (out["status_after"] != "reachable")
    out["change"] = np.where(lost, tr("drill.change.cut_off"), np.where(out["delay_min"] > 1e-6, tr("drill.change.later"),
                             np.where(out["delay_min"] < -1e-6, tr("drill.change.earlier"), "")))
    out = out.sort_values(["delay_min", "arrival_after"], ascending=[False, True], na_position="first", kind="stable")
    lost_first = np.argsort(~lost.loc[out.index].to_numpy(), kind="stable")
    return out.iloc[lost_first].reset_index(drop=True)


