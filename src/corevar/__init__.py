"""corevar: the core variables of the AI race, with a source behind every number.

``import corevar`` is light: the store (DuckDB, pandas) loads on first use of :func:`open`, so the command line
starts fast. See :mod:`corevar.api` for the Python API.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .api import Corevar, open
    from .errors import CorevarError, IngestError, StoreError, UnknownNameError
    from .store import Store

# Public name -> the module that defines it, imported on first use. tests/test_exported_members.py checks that this
# table, the TYPE_CHECKING imports above and ``__all__`` name the same things.
_LAZY = {
    "Corevar": "api",
    "CorevarError": "errors",
    "IngestError": "errors",
    "Store": "store",
    "StoreError": "errors",
    "UnknownNameError": "errors",
    "open": "api",
}

__all__ = [
    "Corevar",
    "CorevarError",
    "IngestError",
    "Store",
    "StoreError",
    "UnknownNameError",
    "__version__",
    "open",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'corevar' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
