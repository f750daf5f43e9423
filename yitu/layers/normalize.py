"""Value normalisation: raw text cells to the kinds of a layer schema, with a reason for each failure.

Each ``coerce_*`` function takes a pandas Series of text and returns ``(values, problems)``:
``values`` aligned with the input index, ``problems`` a Series (same index) holding a reason
where a non-empty cell could not be read, and missing elsewhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from yitu.layers.schema import GRADE_SPELLINGS, MAJOR_HAZARD_LEVELS, Field

__all__ = [
    "canon",
    "header_map",
    "blank",
    "coerce",
    "parse_grade",
    "GRADE_LOOKUP",
]


def canon(text: Any) -> str:
    """Canonical form of a header or an enum value: NFKC (full-width -> ASCII), lower case, no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).lower()


GRADE_LOOKUP: dict[str, int] = {canon(s): g for g, spellings in GRADE_SPELLINGS.items() for s in spellings}
_MH_LOOKUP: dict[str, int] = {canon(s): lv for lv, spellings in MAJOR_HAZARD_LEVELS.items() for s in spellings}
_TRUE = {canon(s) for s in ("是", "有", "y", "yes", "true", "1", "√", "✓", "涉及", "重点")}
_FALSE = {canon(s) for s in ("否", "无", "n", "no", "false", "0", "×", "✗", "不涉及", "-")}
_NUM = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?")
_LIST_SPLIT = re.compile(r"\s*[,，、;；/|]\s*")


def blank(values: pd.Series) -> pd.Series:
    """True where a cell is missing or only white space."""
    return values.isna() | values.astype(str).str.strip().isin(["", "nan", "None", "<NA>", "NaN"])


def header_map(columns: Iterable[str], fields: Iterable[Field]) -> dict[str, str]:
    """Map input column names to canonical field names through each field's aliases."""
    lookup: dict[str, str] = {}
    for f in fields:
        for alias in (f.name, *f.aliases):
            lookup.setdefault(canon(alias), f.name)
    out: dict[str, str] = {}
    taken: set[str] = set()
    for col in columns:
        name = lookup.get(canon(col))
        if name and name not in taken:
            out[col] = name
            taken.add(name)
    return out


def parse_grade(value: Any) -> int | None:
    """A risk grade 1..4 from any spelling in DEFAULTS.md (红, 橙色, 较大, yellow, B, 4 ...); None if unknown."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (int, np.integer)) and 1 <= int(value) <= 4:
        return int(value)
    key = canon(value)
    if key.endswith(".0") and key[:-2].isdigit():
        key = key[:-2]
    return GRADE_LOOKUP.get(key)


def _number(text: str) -> float | None:
    t = unicodedata.normalize("NFKC", text).strip().replace(",", "")
    m = _NUM.match(t)
    if not m:
        return None
    rest = t[m.end() :].strip()
    if rest and re.match(r"^[\d.]", rest):
        return None
    return float(m.group(0))


def _coerce_number(values: pd.Series, field: Field) -> tuple[pd.Series, pd.Series]:
    empty = blank(values)
    nums = pd.to_numeric(values.where(~empty), errors="coerce").astype("float64")
    slow = nums.isna() & ~empty
    if slow.any():
        parsed = [_number(str(v)) for v in values[slow]]
        nums.loc[slow] = np.array([np.nan if x is None else x for x in parsed], dtype="float64")
    problems = pd.Series(pd.NA, index=values.index, dtype=object)
    problems[nums.isna() & ~empty] = "not a number"
    if field.minimum is not None:
        problems[nums < field.minimum] = f"below the minimum {field.minimum:g}"
    if field.above is not None:
        problems[nums <= field.above] = f"must be greater than {field.above:g}; leave the cell empty when there is no value"
    if field.kind == "int":
        frac = nums.notna() & (nums % 1 != 0)
        problems[frac & problems.isna()] = "not a whole number"
        out = nums.where(problems.isna()).round().astype("Int64")
    else:
        out = nums.where(problems.isna())
    return out, problems


def _coerce_bool(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    keys = values.map(lambda v: canon(v) if isinstance(v, str) else v)
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[keys.isin(_TRUE)] = True
    out[keys.isin(_FALSE)] = False
    problems = pd.Series(pd.NA, index=values.index, dtype=object)
    problems[out.isna() & ~blank(values)] = "not yes/no (是/否)"
    return out, problems


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S", "%Y-%m", "%Y年%m月")


def _coerce_date(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    empty = blank(values)
    text = values.where(~empty).astype(object).map(lambda v: unicodedata.normalize("NFKC", str(v)).strip(), na_action="ignore")
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    todo = ~empty
    for fmt in _DATE_FORMATS:
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        ok = parsed.notna()
        out.loc[parsed.index[ok]] = parsed[ok]
        todo.loc[parsed.index[ok]] = False
    problems = pd.Series(pd.NA, index=values.index, dtype=object)
    problems[todo] = "not a date (e.g. 2024-03-01)"
    return out.dt.strftime("%Y-%m-%d").where(out.notna()).astype(object), problems


def _coerce_grade(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    empty = blank(values)
    out = values.map(lambda v: parse_grade(v), na_action="ignore").astype("Int64")
    problems = pd.Series(pd.NA, index=values.index, dtype=object)
    accepted = " / ".join("、".join(s for s in GRADE_SPELLINGS[g][:4]) for g in range(1, 5))
    problems[out.isna() & ~empty] = f"unknown risk grade; accepted: {accepted}, or 1–4"
    return out, problems


def _enum_lookup(field: Field) -> dict[str, str]:
    lookup = {canon(v): v for v in field.enum}
    lookup.update({canon(k): v for k, v in field.enum_aliases.items()})
    return lookup


def _coerce_enum(values: pd.Series, field: Field) -> tuple[pd.Series, pd.Series]:
    lookup = _enum_lookup(field)
    empty = blank(values)
    out = values.map(lambda v: lookup.get(canon(v)), na_action="ignore").astype(object)
    out[empty] = None
    problems = pd.Series(pd.NA, index=values.index, dtype=object)
    problems[out.isna() & ~empty] = f"unknown value; accepted: {'、'.join(field.enum)}"
    return out.where(out.notna(), None), problems


def _coerce_list(values: pd.Series, field: Field) -> tuple[pd.Series, pd.Series]:
    lookup = _enum_lookup(field) if field.enum else None
    out = pd.Series(None, index=values.index, dtype=object)
    problems = pd.Series(pd.NA, index=values.index, dtype=object)
    for idx, v in values[~blank(values)].items():
        items = [s for s in _LIST_SPLIT.split(unicodedata.normalize("NFKC", str(v)).strip()) if s]
        if lookup is not None:
            mapped = [lookup.get(canon(s)) for s in items]
            bad = [s for s, m in zip(items, mapped) if m is None]
            if bad:
                problems[idx] = f"unknown value(s) {'、'.join(bad)}; accepted: {'、'.join(field.enum)}"
                continue
            items = [m for m in mapped if m]
        out[idx] = ",".join(dict.fromkeys(items))
    return out, problems


def _coerce_major_hazard(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    empty = blank(values)
    out = values.map(lambda v: _MH_LOOKUP.get(canon(v)), na_action="ignore")
    problems = pd.Series(pd.NA, index=values.index, dtype=object)
    bad = out.isna() & ~empty
    problems[bad] = "unknown 重大危险源 level; accepted: 一级、二级、三级、四级、无 (or 1–4, 0)"
    out = out.astype("Float64").astype("Int64")
    out[empty] = 0
    return out, problems


def coerce(values: pd.Series, field: Field) -> tuple[pd.Series, pd.Series]:
    """Read a column of text as ``field.kind``.

    Returns
    -------
    tuple of Series
        The values (missing where empty or unreadable) and the reasons for unreadable cells.
    """
    if field.name == "major_hazard_level":
        return _coerce_major_hazard(values)
    kind = field.kind
    if kind in ("int", "float"):
        return _coerce_number(values, field)
    if kind == "bool":
        return _coerce_bool(values)
    if kind == "date":
        return _coerce_date(values)
    if kind == "grade":
        return _coerce_grade(values)
    if kind == "enum":
        return _coerce_enum(values, field)
    if kind == "list":
        return _coerce_list(values, field)
    text = values.where(~blank(values)).astype(object)
    text = text.map(lambda v: str(v).strip(), na_action="ignore")
    return text.where(text.notna(), None), pd.Series(pd.NA, index=values.index, dtype=object)
