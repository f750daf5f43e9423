"""Exception types for yitu: one small module, each also a standard exception.

The CLI turns any :class:`YituError` into a single line on stderr and an exit code, and so
an ``OSError`` the machine caused (:func:`os_error_message`: no permission, a read-only or
full disk); any other exception is a bug and keeps its traceback.
"""

from __future__ import annotations

__all__ = [
    "YituError",
    "InputError",
    "CRSError",
    "SchemaError",
    "ProjectError",
    "NetworkError",
    "InfeasibleError",
    "FontError",
    "MissingDependencyError",
    "os_error_message",
]


class YituError(Exception):
    """Base class of every error yitu raises on purpose."""

    exit_code: int = 2


class InputError(YituError, ValueError):
    """Bad user input: a file, a row, a field or an option that cannot be used."""


class CRSError(InputError):
    """A coordinate reference system that is missing, unknown or does not fit the data."""


class SchemaError(InputError):
    """A table that does not fit a layer's schema (missing required columns, wrong sheet)."""


class ProjectError(YituError, OSError):
    """A project folder that is missing, incomplete or lacks a layer that is needed."""


class NetworkError(YituError, ValueError):
    """A road network that cannot be built or used (no drivable roads, not OSM, empty)."""


class InfeasibleError(YituError, ValueError):
    """A planning problem that has no solution with the given inputs."""


class FontError(YituError, RuntimeError):
    """No font that can draw Chinese text was found."""


class MissingDependencyError(YituError, ImportError):
    """An optional dependency is needed for this call; the message names what to install."""


# errno -> the words that say what happened and what to do (yitu/words/project.py)
_OS_WORDS = {
    "EACCES": "oserror.permission",
    "EPERM": "oserror.permission",
    "EROFS": "oserror.readonly",
    "ENOSPC": "oserror.nospace",
    "EDQUOT": "oserror.nospace",
    "EFBIG": "oserror.toobig",
    "EIO": "oserror.io",
}


def os_error_message(exc: OSError) -> str | None:
    """One line for an ``OSError`` that the machine caused, not yitu: no permission, a read-only
    disk, a full disk, a file too large for the disk, a disk error. It names the path and what to
    do. ``None`` for any other ``OSError`` (a bug, which keeps its traceback)."""
    import errno

    from yitu.words import tr

    codes = {getattr(errno, name): key for name, key in _OS_WORDS.items() if hasattr(errno, name)}
    key = codes.get(exc.errno) if exc.errno is not None else None
    if key is None:
        return None
    path = exc.filename if exc.filename is not None else tr("oserror.unknown_path")
    return tr(key, path=path, reason=exc.strerror or exc)
