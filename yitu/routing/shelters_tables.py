"""Tables of a shelter assignment for people: per block, per shelter, per village, shortfall — and the XLSX.

Headers come from :mod:`yitu.words` (Chinese first), numbers through :func:`yitu.words.numbers.rounded`
(people whole, minutes to 0.1, metres whole); a missing value stays an empty cell, never 0.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from yitu.routing.shelters import ShelterResult
from yitu.words import has, tr
from yitu.words.numbers import rounded
from yitu.words.status import status_text

__all__ = ["block_table", "shelter_table", "village_table", "shortfall_table", "pair_table", "unknown_table",
           "off_network_table", "write_shelters_xlsx"]


def _head(df: pd.DataFrame, cols: list[str], lang: str | None) -> pd.DataFrame:
    return df[cols].rename(columns={c: tr(f"shelters.col.{c}", lang=lang) for c in cols})


def _round(df: pd.DataFrame, spec: dict[str, str]) -> pd.DataFrame:
    out = df.copy()
    for c, q in spec.items():
        if c in out:
            out[c] = [rounded(v, q) for v in out[c]]
    return out


def _layer(v: Any, lang: str | None) -> str:
    from yitu.layers.schema import SCHEMAS
    from yitu.words import get_lang

    return SCHEMAS[v].label if (lang or get_lang()) == "zh" and v in SCHEMAS else str(v)


def _status(v: Any, lang: str | None) -> str:
    if v == "partly":
        return tr("shelters.status.partly", lang=lang)
    return status_text(v, lang=lang)


def block_table(res: ShelterResult, *, lang: str | None = None) -> pd.DataFrame:
    b = res.blocks.copy()
    b["reason"] = [tr(f"shelters.reason.{r}", lang=lang) if r else "" for r in b["reason"]]
    b["status"] = [_status(s, lang) for s in b["status"]]
    b = _round(b, {"people": "people", "placed": "people", "unplaced": "people", "walk_min": "min",
                   "max_walk_min": "min"})
    b = b.rename(columns={"id": "block_id", "name": "block_name"})
    b["layer"] = [_layer(v, lang) for v in b["layer"]]
    for c in ("town", "village"):
        b[c] = b[c].astype(object).where(b[c].notna(), "")
    return _head(b, ["block_id", "block_name", "layer", "town", "village", "people", "placed", "unplaced", "status",
                     "reason", "shelters", "shelter_names", "walk_min", "max_walk_min"], lang)


def pair_table(res: ShelterResult, *, lang: str | None = None) -> pd.DataFrame:
    p = _round(pd.DataFrame(res.pairs.drop(columns="geometry")), {"people": "people", "walk_min": "min", "walk_m": "m"})
    return _head(p, ["block_id", "block_name", "shelter_id", "shelter_name", "shelter_class", "people", "walk_min",
                     "walk_m"], lang)


def shelter_table(res: ShelterResult, *, lang: str | None = None) -> pd.DataFrame:
    s = res.shelters.copy()
    s["capacity_source"] = [tr(f"shelters.source.{v}", lang=lang) for v in s["capacity_source"]]
    s["flags"] = ["、".join(tr(f"shelters.flag.{f}", lang=lang) for f in str(v).split(",") if f) for v in s["flags"]]
    for c in ("used", "on_network"):
        s[c] = [tr("shelters.yes" if v else "shelters.no", lang=lang) for v in s[c]]
    s = _round(s, {"capacity": "people", "load": "people", "free": "people", "radius_m": "m"})
    s = s.rename(columns={"id": "shelter_id", "name": "shelter_name"})
    return _head(s, ["shelter_id", "shelter_name", "shelter_class", "town", "capacity", "capacity_source", "radius_m",
                     "load", "free", "n_blocks", "used", "on_network", "flags", "flag_note"], lang)


def village_table(res: ShelterResult, *, lang: str | None = None) -> pd.DataFrame:
    v = res.villages.copy()
    v["village"] = [x if x else tr("shelters.no_village", lang=lang) for x in v["village"]]
    v["status"] = [status_text(x, lang=lang) for x in v["status"]]
    return _head(v, ["town", "village", "people", "placed", "unplaced", "unknown_rows", "status"], lang)


def shortfall_table(res: ShelterResult, *, lang: str | None = None) -> pd.DataFrame:
    s = _round(res.shortfall, {"share": "share", "people": "people", "required": "people", "capacity": "people",
                               "capacity_flagged": "people", "shortfall": "people"})
    s["status"] = [status_text(x, lang=lang) for x in s["status"]]
    return _head(s, ["class", "classes", "share", "people", "required", "capacity", "capacity_flagged", "shortfall",
                     "status"], lang)


def unknown_table(res: ShelterResult, *, lang: str | None = None) -> pd.DataFrame:
    unk = res.unknown.rename(columns={"id": "block_id", "name": "block_name"})
    unk = unk.assign(layer=[_layer(v, lang) for v in unk["layer"]],
                     reason=[tr("shelters.reason.missing", lang=lang) if r == "missing" else r for r in unk["reason"]])
    return _head(unk, ["layer", "block_id", "block_name", "town", "village", "reason"], lang)


def off_network_table(res: ShelterResult, *, lang: str | None = None) -> pd.DataFrame:
    off = res.off_network.assign(layer=[_layer(v, lang) for v in res.off_network["layer"]])
    return _head(_round(off, {"dist_m": "m"}), ["layer", "id", "name", "dist_m"], lang)


def write_shelters_xlsx(res: ShelterResult, path: str | Path, *, lang: str | None = None,
                        proposals: pd.DataFrame | None = None) -> Path:
    """Write the workbook: blocks, routes, shelter load, villages, shortfall, unknown population, off-network, notes."""
    from yitu.gis.io import write_xlsx

    unk = unknown_table(res, lang=lang)
    off = off_network_table(res, lang=lang)
    notes = pd.DataFrame({tr("shelters.sheet.notes", lang=lang): [
        *res.notes, f"{tr('shelters.layer.routes', lang=lang)}: {tr(f'shelters.route_kind.{res.route_kind}', lang=lang)}",
        tr("shelters.note.solver", lang=lang,
           solver=tr(f"shelters.solver.{res.solver}", lang=lang) if has(f"shelters.solver.{res.solver}") else res.solver,
           status=tr("shelters.note.optimal" if res.optimal else "shelters.note.not_optimal", lang=lang))]})
    sheets = {
        tr("shelters.sheet.blocks", lang=lang): block_table(res, lang=lang),
        tr("shelters.sheet.shelters", lang=lang): shelter_table(res, lang=lang),
        tr("shelters.sheet.villages", lang=lang): village_table(res, lang=lang),
        tr("shelters.sheet.shortfall", lang=lang): shortfall_table(res, lang=lang),
        tr("shelters.sheet.pairs", lang=lang): pair_table(res, lang=lang),
        tr("shelters.sheet.unknown", lang=lang): unk,
        tr("shelters.sheet.off_network", lang=lang): off,
        tr("shelters.sheet.notes", lang=lang): notes,
    }
    if proposals is not None and len(proposals):
        sheets[tr("shelters.sheet.proposals", lang=lang)] = proposals
    return write_xlsx(sheets, path)
