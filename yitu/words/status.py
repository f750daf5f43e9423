"""The one status vocabulary shared by the CLI, the maps, the XLSX lists and the reports.

A status is a short ASCII code stored in results (``"met"``, ``"late"`` ...); people see its
words from :func:`status_text`. "Unknown" is a status of its own: a value that is missing is
never counted as zero, and a verdict that depends on it is :data:`UNKNOWN` (无法判定).
"""

from __future__ import annotations

from yitu.words import register, tr

__all__ = ["STATUSES", "UNKNOWN", "MISSING", "status_text"]

#: code -> (zh, en)
STATUSES: dict[str, tuple[str, str]] = {
    "pass": ("通过", "pass"),
    "fail": ("不通过", "fail"),
    "met": ("达标", "met"),
    "not_met": ("不达标", "not met"),
    "unknown": ("无法判定", "cannot be judged"),
    "missing": ("数据缺失", "data missing"),
    "reachable": ("可达", "reachable"),
    "late": ("超时", "late"),
    "unreachable": ("不可达", "unreachable"),
    "off_network": ("不在路网", "off the network"),
    "placed": ("已安置", "placed"),
    "unplaced": ("未安置", "not placed"),
    "violation": ("不满足", "violation"),
    "excluded": ("已排除", "excluded"),
    "chosen": ("选中", "chosen"),
    "existing": ("现有", "existing"),
    "ok": ("正常", "ok"),
    "warning": ("警告", "warning"),
    "error": ("错误", "error"),
}

UNKNOWN = "unknown"
MISSING = "missing"

register({f"status.{code}": words for code, words in STATUSES.items()})


def status_text(code: object, *, lang: str | None = None) -> str:
    """Words for a status code; an unknown code (or a missing one) reads 无法判定."""
    key = f"status.{code}"
    return tr(key if code is not None and key in _KEYS else f"status.{UNKNOWN}", lang=lang)


_KEYS = {f"status.{c}" for c in STATUSES}
