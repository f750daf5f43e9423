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

__all__ = ["LANGS", "WORDS", "register", "tr", "both", "get_lang", "set_lang", "use_lang", "has", "msg", "Msg",
           "listed", "named"]

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

        raise InputError(tr("words.err.lang", code=lang, langs=", ".join(LANGS)))
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


class Msg:
    """A catalogue entry put into words only when it is shown: the message of a log record.

    ``log.warning(msg("load.log.rejected", n=3, file=path))`` costs one small object; the words are
    looked up and the values filled in when a handler prints the record (not at all when the level is
    off). The language is the one in effect when the message was made (the CLI's ``--lang``), so a
    record printed later, or from another thread, still reads in the language of the call.
    """

    __slots__ = ("key", "values", "lang")

    def __init__(self, key: str, /, *, lang: str | None = None, **values: object) -> None:
        if key not in WORDS:  # a missing key is a bug: found where the message is made, not when it is printed
            raise KeyError(f"words: no entry {key!r}; add it to a module of yitu/words/")
        self.key, self.values, self.lang = key, values, _check_lang(lang or get_lang())

    def __str__(self) -> str:
        with use_lang(self.lang):  # values such as qty() and listed() format themselves in the same language
            return tr(self.key, **self.values)

    def __repr__(self) -> str:
        return f"Msg({self.key!r}, lang={self.lang!r}, **{self.values!r})"


def msg(key: str, /, *, lang: str | None = None, **values: object) -> Msg:
    """A lazy :class:`Msg` for a log call: ``log.info(msg("key", n=3))``."""
    return Msg(key, lang=lang, **values)


class listed:  # noqa: N801 - reads as a function at the call site: listed(names)
    """Items joined for a sentence when formatted: ``、`` in Chinese, ``, `` in English; at most ``limit``
    items, then ``…`` and the count of the rest (lazy: nothing is joined until the message is shown)."""

    __slots__ = ("items", "limit")

    def __init__(self, items: object, *, limit: int = 20) -> None:
        # an iterator is read now (it could not be read twice); a list or an array is only referenced
        self.items, self.limit = (list(items) if iter(items) is items else items), limit  # type: ignore[call-overload]

    def __format__(self, spec: str) -> str:
        items = [str(x) for x in self.items]  # type: ignore[attr-defined]
        sep = "、" if get_lang() == "zh" else ", "
        shown = sep.join(items[: self.limit])
        if len(items) > self.limit:
            shown += tr("words.more", n=len(items) - self.limit)
        return format(shown, spec)

    def __str__(self) -> str:
        return self.__format__("")


class named:  # noqa: N801 - reads as a function at the call site: named("profile", "fire_engine")
    """A code shown by its words when the catalogue has ``PREFIX.CODE`` (``fire_engine`` -> 消防车; with
    several prefixes the first that has it), else as given (a profile, class or layer of the project's
    own); looked up when the message is shown."""

    __slots__ = ("prefixes", "code")

    def __init__(self, prefix: str | tuple[str, ...], code: object) -> None:
        self.prefixes, self.code = ((prefix,) if isinstance(prefix, str) else prefix), code

    def __format__(self, spec: str) -> str:
        key = next((k for k in (f"{p}.{self.code}" for p in self.prefixes) if k in WORDS), None)
        return format(tr(key) if key else str(self.code), spec)

    def __str__(self) -> str:
        return self.__format__("")


register({"words.more": (" 等（另有 {n} 项）", " … ({n} more)"),
          "words.err.lang": ("语言 {code!r}：请用 {langs} 之一", "language {code!r}: use one of {langs}")})


def _load_all() -> None:
    for mod in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        if not mod.startswith("_"):
            importlib.import_module(f"{__name__}.{mod}")


_load_all()
