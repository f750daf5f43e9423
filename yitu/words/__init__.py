"""Every word a user sees, in one place: Chinese first, English with ``--lang en``.

Words live in a catalogue of ``key -> (zh, en)`` templates. Each domain keeps its words in its
own module of this package (``yitu/words/siting.py`` ...), which calls :func:`register` at import;
every module here is imported when the package is, so the catalogue is always complete.

User text is data: it is passed as a value (``tr("siting.chosen", name=row.name)``) and never
becomes part of a template, so braces, markup or template syntax in a name stay as typed.

Examples
--------
>>> from yitu.words import tr
>>> tr("status.met")
'达标'
>>> tr("status.met", lang="en")
'met'
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import pkgutil
from collections.abc import Iterator, Mapping
from contextvars import ContextVar

log = logging.getLogger(__name__)

__all__ = ["LANGS", "WORDS", "register", "tr", "both", "get_lang", "set_lang", "use_lang", "has"]

LANGS: tuple[str, ...] = ("zh", "en")
WORDS: dict[str, tuple[str, str]] = {}
_LANG: ContextVar[str] = ContextVar("yitu_lang", default="zh")


def register(words: Mapping[str, tuple[str, str]]) -> None:
    """Add ``key -> (zh, en)`` entries to the catalogue.

    Raises
    ------
    ValueError
        When a key is registered twice with different words (two homes for one word).
    """
    for key, pair in words.items():
        if not (isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(s, str) for s in pair)):
            raise ValueError(f"words: {key!r} must map to a (zh, en) pair of strings, got {pair!r}")
        old = WORDS.get(key)
        if old is not None and old != pair:
            raise ValueError(f"words: {key!r} registered twice with different words: {old} vs {pair}")
        WORDS[key] = pair


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        # an InputError would import yitu.errors, which is fine, but keep this module free of imports
        from yitu.errors import InputError

        raise InputError(f"language {lang!r}: use one of {', '.join(LANGS)}")
    return lang


def get_lang() -> str:
    """The language in effect (``"zh"`` unless :func:`set_lang` or :func:`use_lang` said otherwise)."""
    return _LANG.get()


def set_lang(lang: str) -> None:
    """Set the language for this context (the CLI sets it once from ``--lang``)."""
    _LANG.set(_check_lang(lang))


@contextlib.contextmanager
def use_lang(lang: str | None) -> Iterator[str]:
    """Use ``lang`` inside a ``with`` block (``None`` keeps the current one)."""
    if lang is None:
        yield get_lang()
        return
    token = _LANG.set(_check_lang(lang))
    try:
        yield lang
    finally:
        _LANG.reset(token)


def has(key: str) -> bool:
    """Whether ``key`` is in the catalogue."""
    return key in WORDS


def tr(key: str, /, *, lang: str | None = None, **values: object) -> str:
    """The words for ``key`` in ``lang`` (default: :func:`get_lang`), with ``values`` filled in.

    Values are substituted into the catalogue's template; a value is never parsed as a template.

    Raises
    ------
    KeyError
        When ``key`` is not in the catalogue (a bug: every word must have a home here).
    """
    try:
        zh, en = WORDS[key]
    except KeyError:
        raise KeyError(f"words: no entry {key!r}; add it to a module of yitu/words/") from None
    template = zh if _check_lang(lang or get_lang()) == "zh" else en
    return template.format_map(values) if values else template


def both(key: str, /, **values: object) -> str:
    """``"中文 English"`` for places that show both (e.g. a bilingual file name); Chinese first."""
    zh, en = tr(key, lang="zh", **values), tr(key, lang="en", **values)
    return zh if zh == en else f"{zh} {en}"


def _load_all() -> None:
    for mod in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        if not mod.startswith("_"):
            importlib.import_module(f"{__name__}.{mod}")


_load_all()
