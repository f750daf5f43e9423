"""One number format per quantity: minutes to 0.1, tonnes to 0.1, metres to 1, people to 1 ...

:func:`fmt` gives the text people read (a missing value reads 数据缺失, never 0);
:func:`rounded` gives the number written into XLSX and CSV cells (still a number, rounded).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from yitu.words import get_lang, register, tr

__all__ = ["QUANTITIES", "fmt", "rounded", "is_missing", "qty"]

#: quantity -> (decimals, zh unit, en unit)
QUANTITIES: dict[str, tuple[int, str, str]] = {
    "min": (1, "分钟", "min"),
    "s": (0, "秒", "s"),
    "t": (1, "吨", "t"),
    "m": (0, "米", "m"),
    "km": (1, "公里", "km"),
    "m2": (0, "平方米", "m²"),
    "km2": (1, "平方公里", "km²"),
    "ha": (1, "公顷", "ha"),
    "people": (0, "人", "people"),
    "count": (0, "", ""),
    "share": (1, "%", "%"),
    "kmh": (0, "公里/小时", "km/h"),
    "risk": (-1, "/年", "/yr"),
}

register({
    "value.missing": ("数据缺失", "missing"),
    "value.none": ("无", "none"),
})


def is_missing(v: Any) -> bool:
    """None, NaN, pandas NA and empty strings are missing; 0 is not."""
    if v is None:
        return True
    if isinstance(v, str):
        return v.strip() == ""
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):  # arrays and other non-scalars are not "a missing value"
        return False


def rounded(v: Any, quantity: str) -> Any:
    """``v`` rounded for its quantity (a share 0..1 becomes a percentage); missing stays ``None``."""
    if is_missing(v):
        return None
    dec = QUANTITIES[quantity][0]
    x = float(v) * (100.0 if quantity == "share" else 1.0)
    if dec < 0:  # individual risk: two significant digits
        return float(f"{x:.2g}")
    r = round(x, dec)
    return int(r) if dec == 0 and math.isfinite(r) else r


def fmt(v: Any, quantity: str, *, unit: bool = True, lang: str | None = None) -> str:
    """Text for ``v`` as a ``quantity`` (see :data:`QUANTITIES`), e.g. ``fmt(4.72, "min") == "4.7 分钟"``."""
    if is_missing(v):
        return tr("value.missing", lang=lang)
    x = rounded(v, quantity)
    dec, zh, en = QUANTITIES[quantity]
    if isinstance(x, float) and math.isinf(x):
        text = "∞"
    elif dec < 0:
        text = f"{x:.1e}".replace("e-0", "e-")
    else:
        text = f"{x:,.{max(dec, 0)}f}" if quantity != "count" else f"{x:d}" if isinstance(x, int) else f"{x:g}"
    if not unit:
        return text
    u = zh if (lang or get_lang()) == "zh" else en
    if not u:
        return text
    return f"{text}{u}" if u in ("%",) else f"{text} {u}"


class qty:  # noqa: N801 - reads as a function at the call site: qty(4.72, "min")
    """A number that formats itself as :func:`fmt` does when a message is shown (``{t}`` -> ``4.7 分钟``):
    for lazy log messages (:func:`yitu.words.msg`), in the language the message is shown in."""

    __slots__ = ("v", "quantity", "unit")

    def __init__(self, v: Any, quantity: str, *, unit: bool = True) -> None:
        if quantity not in QUANTITIES:
            raise KeyError(f"numbers: no quantity {quantity!r}")
        self.v, self.quantity, self.unit = v, quantity, unit

    def __format__(self, spec: str) -> str:
        return format(fmt(self.v, self.quantity, unit=self.unit), spec)

    def __str__(self) -> str:
        return self.__format__("")
