"""Exception types for yitu: one small module, each also a standard exception.

The CLI turns any :class:`YituError` into a single line on stderr and an exit code;
any other exception is a bug and keeps its traceback.
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
