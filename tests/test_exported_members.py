"""The public API is exactly what `__all__` says, and every name in it resolves (httpx's habit)."""

from __future__ import annotations

import pytest

import corevar
from corevar.api import Corevar
from corevar.errors import CorevarError


def test_all_is_exact_and_sorted() -> None:
    expected = ["Corevar", "CorevarError", "IngestError", "Store", "StoreError", "UnknownNameError", "__version__",
                "open"]
    assert corevar.__all__ == expected == sorted(expected)


def test_every_exported_name_resolves_lazily() -> None:
    assert corevar.Corevar is Corevar
    assert corevar.CorevarError is CorevarError
    assert issubclass(corevar.IngestError, CorevarError) and issubclass(corevar.StoreError, CorevarError)
    assert callable(corevar.open)


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="module 'corevar' has no attribute 'nope'"):
        _ = corevar.nope
