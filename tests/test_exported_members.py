"""Every ``__all__`` in corevar is exact: derived from what the module defines, not from a second list kept here.

For each module that declares ``__all__``: every name resolves and the list is sorted the way ruff keeps it. For
each package (its ``__init__``, the surface users import), every public function, class and re-export bound there
is listed: a public name left out of ``__all__`` is either an accident or should start with ``_``. The root package
is lazy: its table of lazily imported names, its ``TYPE_CHECKING`` imports and ``__all__`` must agree.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

import pytest

import corevar


def ruff_order(names: list[str]) -> list[str]:
    """isort-style order, as ruff's RUF022 keeps ``__all__``: CONSTANTS, then Classes, then functions."""
    return sorted(names, key=lambda n: (not n.isupper(), not n[:1].isupper(), n))


def _modules() -> list[str]:
    """Every corevar module that can be imported here (a module needing an absent extra is left out)."""
    names = ["corevar"]
    for info in pkgutil.walk_packages(corevar.__path__, "corevar."):
        names.append(info.name)
    return names


def _import(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError as exc:  # an optional extra that is not installed
        if exc.name and not exc.name.startswith("corevar"):
            pytest.skip(f"{name} needs {exc.name}, not installed")
        raise


def _bound_at_top(module: ModuleType) -> set[str]:
    """Public names the module itself provides: its top-level functions and classes, and for a package's
    ``__init__`` also what it imports from its own submodules (its re-exports)."""
    path = Path(module.__file__ or "")
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif path.name == "__init__.py" and isinstance(node, ast.ImportFrom) and node.level == 1:
            names.update(alias.asname or alias.name for alias in node.names)
    return {n for n in names if not n.startswith("_")}


WITH_ALL = [
    name
    for name in _modules()
    if "__all__"
    in (
        Path(importlib.util.find_spec(name).origin or "").read_text(encoding="utf-8")
        if importlib.util.find_spec(name).origin
        else ""
    )
]


@pytest.mark.parametrize("name", WITH_ALL)
def test_all_is_exact(name: str) -> None:
    module = _import(name)
    exported = list(module.__all__)
    assert len(exported) == len(set(exported)), f"{name}.__all__ has duplicates"
    assert exported == ruff_order(exported), f"{name}.__all__ is not sorted"
    try:
        missing = [n for n in exported if not hasattr(module, n)]
    except ImportError as exc:  # a lazy package whose names need an extra that is not installed
        if exc.name and not exc.name.startswith("corevar"):
            pytest.skip(f"{name} needs {exc.name}, not installed")
        raise
    assert not missing, f"{name}.__all__ names what it does not define: {missing}"
    if Path(module.__file__ or "").name != "__init__.py":
        return  # a plain module may keep helpers for its package public but unlisted; a package's surface may not
    submodules = {n for n, v in vars(module).items() if isinstance(v, ModuleType)}
    unlisted = sorted(_bound_at_top(module) - set(exported) - submodules - {"annotations"})
    assert not unlisted, f"{name} defines public names missing from __all__ (list them or prefix _): {unlisted}"


def test_root_lazy_table_type_imports_and_all_agree() -> None:
    source = Path(corevar.__file__ or "").read_text(encoding="utf-8")
    typed: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for stmt in node.body:
                if isinstance(stmt, ast.ImportFrom):
                    typed.update(alias.asname or alias.name for alias in stmt.names)
    lazy = set(corevar._LAZY)
    assert typed == lazy
    assert set(corevar.__all__) == lazy | {"__version__"}
    for name in lazy:
        module = importlib.import_module(f"corevar.{corevar._LAZY[name]}")
        assert getattr(corevar, name) is getattr(module, name)
    assert set(corevar.__all__) <= set(dir(corevar))


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="module 'corevar' has no attribute 'nope'"):
        _ = corevar.nope
