"""Settings as TOML text: what ``yitu settings`` prints, read back by :func:`yitu.settings.load_settings`
to the same settings, with the keys a project's ``yitu.toml`` sets marked. Also the small TOML-text
helpers the settings checks use to show a key and a value as a user wrote them.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import asdict, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from yitu.errors import InputError
from yitu.words import tr

if TYPE_CHECKING:
    from yitu.settings import Settings

__all__ = ["settings_dict", "settings_toml", "overridden_keys"]

# Sections in the order of defaults.toml.
_SECTIONS = ("project", "risk", "rescue", "routing", "profiles", "shelters", "safety_distance", "siting", "batch",
             "maps", "drill")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_MARK = "yitu.toml"


def settings_dict(settings: Settings) -> dict[str, Any]:
    """Settings as the nested dict a ``yitu.toml`` holds (tuples as lists), in the order of defaults.toml."""

    def plain(obj: Any) -> Any:
        if isinstance(obj, dict):
            return {k: plain(v) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [plain(v) for v in obj]
        return obj

    sections = {f.name: plain(asdict(getattr(settings, f.name))) for f in fields(settings)
                if f.name in ("project", "risk", "rescue", "routing", "shelters", "safety_distance", "siting", "batch",
                              "maps")}
    sections["profiles"] = {name: {k: plain(v) for k, v in asdict(p).items() if k != "name"}
                            for name, p in settings.profiles.items()}
    sections["drill"] = {"requirements": {hazard: [asdict(line) for line in lines]
                                          for hazard, lines in settings.requirements.items()}}
    return {name: sections[name] for name in _SECTIONS}


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _toml_value(key)


def _dotted(path: Iterable[str]) -> str:
    return ".".join(_toml_key(k) for k in path)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} as TOML")


def _is_table_array(v: Any) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v)


def _leaves(data: dict[str, Any], path: tuple[str, ...] = ()) -> dict[str, Any]:
    """Dotted key -> value of every leaf (a list, array of tables included, is one leaf)."""
    out: dict[str, Any] = {}
    for k, v in data.items():
        if isinstance(v, dict):
            out.update(_leaves(v, (*path, k)))
        else:
            out[_dotted((*path, k))] = v
    return out


def _emit(table: dict[str, Any], path: tuple[str, ...], lines: list[str], mark: Any) -> None:
    for k, v in table.items():
        if not isinstance(v, dict) and not _is_table_array(v):
            lines.append(f"{_toml_key(k)} = {_toml_value(v)}{mark((*path, k))}")
    for k, v in table.items():
        if isinstance(v, dict):
            sub = (*path, k)
            if not v or any(not isinstance(x, dict) and not _is_table_array(x) for x in v.values()):
                lines += ["", f"[{_dotted(sub)}]"]
            _emit(v, sub, lines, mark)
    for k, v in table.items():
        if _is_table_array(v):
            sub = (*path, k)
            for i, item in enumerate(v):
                lines += ["", f"[[{_dotted(sub)}]]{mark(sub) if i == 0 else ''}"]
                _emit(item, sub, lines, lambda _p: "")


def settings_toml(settings: Settings, *, overridden: Iterable[str] = ()) -> str:
    """Settings as TOML text that :func:`load_settings` reads back to the same settings.

    Parameters
    ----------
    settings
        What to write (e.g. ``load_settings(DIR)``, the defaults merged with a project's file).
    overridden
        Dotted keys (as :func:`overridden_keys` gives them) to mark with a comment
        ``# yitu.toml (default: ...)``: the keys the project's own file sets.

    Returns
    -------
    str
        TOML, one section per settings group, opened by a comment saying where it comes from.
    """
    from yitu.settings import default_settings

    marked = set(overridden)
    data = settings_dict(settings)
    values, defaults = _leaves(data), _leaves(settings_dict(default_settings()))

    def mark(path: tuple[str, ...]) -> str:
        key = _dotted(path)
        if key not in marked:
            return ""
        if key not in defaults:
            return f"  # {_MARK} (not in the defaults)"
        if _is_table_array(defaults[key]):
            return f"  # {_MARK} (replaces the default list)"
        if values.get(key) == defaults[key]:
            return f"  # {_MARK} (same as the default)"
        return f"  # {_MARK} (default: {_toml_value(defaults[key])})"

    if settings.source == "defaults":
        head = ["# yitu settings: the packaged defaults (`yitu settings --defaults` prints them with their sources)."]
    else:
        head = [f"# yitu settings in effect for {settings.source}:",
                f"# the packaged defaults, with the {len(marked)} key(s) set in that file marked '# {_MARK}'."]
    lines = list(head)
    for name, section in data.items():
        if any(not isinstance(x, dict) and not _is_table_array(x) for x in section.values()):
            lines += ["", f"[{_toml_key(name)}]"]
        _emit(section, (name,), lines, mark)
    return "\n".join(lines) + "\n"


def overridden_keys(path: str | Path) -> list[str]:
    """The dotted keys a project's ``yitu.toml`` sets, e.g. ``rescue.park_limit_min``.

    A list (an array of tables such as ``drill.requirements.fire`` included) counts as one key,
    since it replaces the default list; keys that are not bare words are quoted as in TOML
    (``rescue.turnout_min."企业专职队"``).

    Parameters
    ----------
    path
        A ``yitu.toml`` file or a project folder; a folder without one gives ``[]``.

    Raises
    ------
    InputError
        When ``path`` does not exist or the file is not valid TOML.
    """
    from yitu.settings import _read_toml

    p = Path(path)
    if not p.exists():
        raise InputError(tr("settings.no_path", path=p))
    if p.is_dir():
        p = p / "yitu.toml"
        if not p.exists():
            return []
    return list(_leaves(_read_toml(p)))
