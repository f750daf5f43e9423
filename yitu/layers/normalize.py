"""Value normalisation: raw text cells to the kinds of a layer schema, with a reason for each failure.

Each ``coerce_*`` function takes a pandas Series of text and returns ``(values, problems)``:
``values`` aligned with the input index, ``problems`` a Series (same index) holding a reason
where a non-empty cell could not be read, and missing elsewhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from yitu.layers.schema import GRADE_SPELLINGS, MAJOR_HAZARD_LEVELS, Field
from yitu.words import tr

__all__ = [
    "clean_text",
    "UNCLEAN",
    "coordinate_text",
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


# -- text clean-up ----------------------------------------------------------------------------
# Terminal escape sequences (CSI "ESC [ ... m", OSC "ESC ] ... BEL", two-character ones), removed whole.
_ESC_SEQ = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
# C0 controls except tab, line feed and carriage return (ordinary white space), DEL and the C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Zero-width characters, the byte-order mark and bidi marks/overrides/isolates: invisible, they break
# values (a coordinate, an id, a header) and can reorder what a reader sees.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u061c\ufeff]")
_SEPARATOR = re.compile(r"[\u2028\u2029]")  # line/paragraph separators: white space
UNCLEAN = _ANY_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                      r"\u2066-\u2069\u061c\ufeff\u2028\u2029]")


def _codes(chars: Iterable[str]) -> str:
    return tr("load.removed.joiner").join(f"U+{ord(c):04X}" for c in dict.fromkeys(chars))


def clean_text(text: str) -> tuple[str, str]:
    """Remove control characters, terminal escape sequences, zero-width and bidi marks from ``text``.

    Tab, line feed and carriage return stay (ordinary white space); U+2028/U+2029 become a space.
    A NUL is removed, not treated as the end of the text: ``"江海\\0化工"`` -> ``"江海化工"``.

    Returns
    -------
    tuple of str
        The cleaned text, and what was removed in words (empty when nothing was).
    """
    if not _ANY_BAD.search(text):
        return text, ""
    what: list[str] = []
    n_esc = len(_ESC_SEQ.findall(text))
    if n_esc:
        text = _ESC_SEQ.sub("", text)
        what.append(tr("load.removed.escape", n=n_esc))
    ctrl = _CONTROL.findall(text)
    if ctrl:
        text = _CONTROL.sub("", text)
        what.append(tr("load.removed.control", codes=_codes(ctrl)))
    inv = _INVISIBLE.findall(text) + _SEPARATOR.findall(text)
    if inv:
        text = _SEPARATOR.sub(" ", _INVISIBLE.sub("", text))
        what.append(tr("load.removed.invisible", codes=_codes(inv)))
    return text, tr("load.removed.joiner").join(what)


_HEMISPHERE_WORD = re.compile(r"(东经|北纬|西经|南纬)\s*[:：]?\s*")
_HEMISPHERE = {"东经": "E", "北纬": "N", "西经": "W", "南纬": "S"}


def coordinate_text(values: pd.Series) -> pd.Series:
    """Coordinates as offices write them, in the forms :func:`yitu.gis.geometry.parse_coordinates` reads:
    ``东经121.0033`` -> ``E121.0033``, ``北纬 32.3°`` -> ``N32.3°``."""

    def one(v: Any) -> Any:
        if not isinstance(v, str) or not _HEMISPHERE_WORD.search(v):
            return v
        return _HEMISPHERE_WORD.sub(lambda m: _HEMISPHERE[m.group(1)], v)

    try:
        if not _HEMISPHERE_WORD.search(" ".join(values.tolist())):
            return values  # the usual case: plain numbers
    except TypeError:  # not all text
        pass
    return values.map(one)


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


# Multipliers offices write after a number: 1.5万 m², 1万 persons.
_MULTIPLIER = {"万": 1e4, "亿": 1e8, "千": 1e3, "百": 1e2}
_RANGE = re.compile(r"^[-~～—–至到]\s*[-+]?\d")


def _number(text: str) -> tuple[float | None, str | None, bool]:
    """A number from text: ``(value, problem, multiplied)``. A unit after the number is allowed
    (``12人``, ``3.5吨``); 万/亿/千/百 multiply (``1.5万`` -> 15000); a range or a second number is a problem."""
    t = unicodedata.normalize("NFKC", text).strip().replace(",", "")
    m = _NUM.match(t)
    if not m:
        return None, tr("load.reason.not_number"), False
    value = float(m.group(0))
    rest = t[m.end() :].strip()
    if rest and re.match(r"^[\d.]", rest):
        return None, tr("load.reason.not_number"), False
    if _RANGE.match(rest):
        return None, tr("load.reason.not_one_number"), False
    multiplied = False
    if rest and rest[0] in _MULTIPLIER:
        value *= _MULTIPLIER[rest[0]]
        rest = rest[1:].strip()
        multiplied = True
        if re.search(r"\d", re.sub(r"(?i)k?m[23]", "", rest)):  # 1万5千: not read rather than read wrong (1万m2 is fine)
            return None, tr("load.reason.not_one_number"), False
    return value, None, multiplied


def _coerce_number(values: pd.Series, field: Field) -> tuple[pd.Series, pd.Series]:
    empty = blank(values)
    nums = pd.to_numeric(values.where(~empty), errors="coerce").astype("float64")
    problems = pd.Series(pd.NA, index=values.index, dtype=object)
    notes: dict[Any, str] = {}
    nums[np.isinf(nums)] = np.nan  # "inf" is not a count or a size
    slow = nums.isna() & ~empty
    for idx, v in values[slow].items():
        x, problem, multiplied = _number(str(v))
        if problem is not None:
            problems[idx] = problem
        else:
            nums[idx] = x
            if multiplied:
                notes[idx] = f"{x:.10g}"
    problems[nums.isna() & ~empty & problems.isna()] = tr("load.reason.not_number")
    if field.minimum is not None:
        problems[nums < field.minimum] = tr("load.reason.below_minimum", minimum=f"{field.minimum:g}")
    if field.above is not None:
        problems[nums <= field.above] = tr("load.reason.not_above", above=f"{field.above:g}")
    if field.kind == "int":
        frac = nums.notna() & (nums % 1 != 0)
        problems[frac & problems.isna()] = tr("load.reason.not_whole")
        out = nums.where(problems.isna()).round().astype("Int64")
    else:
        out = nums.where(problems.isna())
    out.attrs["notes"] = {k: ("load.warn.multiplier", {"number": v}) for k, v in notes.items() if pd.isna(problems[k])}
    return out, problems


def _coerce_bool(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    keys = values.map(lambda v: canon(v) if isinstance(v, str) else v)
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[keys.isin(_TRUE)] = True
    out[keys.isin(_FALSE)] = False
    problems = pd.Series(pd.NA, index=values.index, dtype=object)
    problems[out.isna() & ~blank(values)] = tr("load.reason.not_bool")
    return out, problems


_DATE = re.compile(
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*(?:[-/.月]\s*(?P<d>\d{1,2})\s*日?|月)?"
    r"(?:[\sT]+(?P<H>\d{1,2})\s*[:时]\s*(?P<M>\d{1,2})(?:\s*[:分]\s*(?P<S>\d{1,2}(?:\.\d+)?)\s*秒?)?\s*分?)?$"
)
_DATE8 = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
_SERIAL = re.compile(r"^\d{5}(\.\d+)?$")
_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0 in the 1900 system (its 1900-02-29 bug included)
_SERIAL_RANGE = (date(1950, 1, 1), date(2100, 1, 1))


def _date(text: str) -> tuple[date | None, bool]:
    """A date from the ways offices write one: ``2024-03-01``, ``2024/3/1 0:00``, ``2024/03/01 08:30``,
    ``2024.3.1``, ``2024年3月1日``, ``20240301``, ``2024-03`` / ``2024年3月`` (the 1st), and Excel's day
    serials (``45292`` -> 2024-01-01, between 1950 and 2100). Returns ``(date, was_a_serial)``."""
    t = unicodedata.normalize("NFKC", text).strip()
    m = _DATE.match(t) or _DATE8.match(t)
    if m:
        g = m.groupdict()
        try:
            d = date(int(g["y"]), int(g["m"]), int(g.get("d") or 1))
        except ValueError:
            return None, False
        if g.get("H") is not None and not (int(g["H"]) < 24 and int(g["M"]) < 60 and float(g.get("S") or 0) < 61):
            return None, False
        return d, False
    if _SERIAL.match(t):
        d = _EXCEL_EPOCH + timedelta(days=int(float(t)))
        if _SERIAL_RANGE[0] <= d < _SERIAL_RANGE[1]:
            return d, True
    return None, False


def _coerce_date(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    empty = blank(values)
    text = values[~empty].astype(str)
    parsed = {v: _date(v) for v in text.unique()}  # dates repeat: each spelling is parsed once
    iso = {v: (d.isoformat() if d is not None else None) for v, (d, _) in parsed.items()}
    out = pd.Series(None, index=values.index, dtype=object)
    out[~empty] = text.map(iso)
    problems = pd.Series(pd.NA, index=values.index, dtype=object)
    problems[~empty & out.isna()] = tr("load.reason.not_date")
    serial = text[text.map(lambda v: parsed[v][0] is not None and parsed[v][1])]
    out.attrs["notes"] = {idx: ("load.warn.excel_serial", {"date": iso[v]}) for idx, v in serial.items()}
    return out.where(out.notna(), None), problems


def _coerce_grade(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    empty = blank(values)
    out = values.map(lambda v: parse_grade(v), na_action="ignore").astype("Int64")
    problems = pd.Series(pd.NA, index=values.index, dtype=object)
    accepted = " / ".join("、".join(s for s in GRADE_SPELLINGS[g][:4]) for g in range(1, 5))
    problems[out.isna() & ~empty] = tr("load.reason.unknown_grade", accepted=accepted)
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
    problems[out.isna() & ~empty] = tr("load.reason.unknown_value", accepted="、".join(field.enum))
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
                problems[idx] = tr("load.reason.unknown_values", bad="、".join(bad), accepted="、".join(field.enum))
                continue
            items = [m for m in mapped if m]
        out[idx] = ",".join(dict.fromkeys(items))
    return out, problems


def _coerce_major_hazard(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    empty = blank(values)
    out = values.map(lambda v: _MH_LOOKUP.get(canon(v)), na_action="ignore")
    problems = pd.Series(pd.NA, index=values.index, dtype=object)
    bad = out.isna() & ~empty
    problems[bad] = tr("load.reason.unknown_major_hazard")
    out = out.astype("Float64").astype("Int64")
    out[empty] = 0
    return out, problems


def coerce(values: pd.Series, field: Field) -> tuple[pd.Series, pd.Series]:
    """Read a column of text as ``field.kind``.

    Returns
    -------
    tuple of Series
        The values (missing where empty or unreadable) and the reasons for unreadable cells. Values
        read with a change the office should see (``1.5万`` -> 15000, an Excel date serial) are named
        in ``values.attrs["notes"]``: index -> (words key, values for :func:`yitu.words.tr`).
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
