"""The commands of ``yitu``, one module per concern.

Each module here defines ``register(app: typer.Typer) -> None`` and is registered by
:mod:`yitu.cli` at import (modules are taken in name order; ``_``-prefixed ones are helpers).
A command parses, calls one or two library functions, prints a summary and sets the exit code;
shared console helpers (``console``, ``err``, ``working``, exit codes) come from :mod:`yitu.cli`.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

__all__ = ["register_all"]


def register_all(app: Any) -> None:
    """Import every command module of this package and let it add its commands to ``app``."""
    for mod in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        if mod.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{mod}")
        module.register(app)
