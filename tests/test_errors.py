"""One exception tree: every public error in corevar.errors is documented in docs/errors.md, and vice versa."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import corevar.errors as errors

DOC = Path(__file__).resolve().parent.parent / "docs" / "errors.md"


def _error_classes() -> set[str]:
    return {
        name
        for name, obj in vars(errors).items()
        if inspect.isclass(obj)
        and issubclass(obj, BaseException)
        and obj.__module__ == errors.__name__
        and not name.startswith("_")
    }


def test_every_error_is_documented_and_every_documented_error_exists() -> None:
    documented = set(re.findall(r"^## (\w+)$", DOC.read_text(encoding="utf-8"), flags=re.M))
    assert documented == _error_classes()


def test_all_is_derived_from_the_module() -> None:
    public = {
        name
        for name, obj in vars(errors).items()
        if not name.startswith("_") and getattr(obj, "__module__", None) == errors.__name__
    }
    assert errors.__all__ == sorted(public)


def test_one_tree_with_the_documented_exit_codes() -> None:
    assert all(issubclass(getattr(errors, name), errors.CorevarError) for name in _error_classes())
    doc = DOC.read_text(encoding="utf-8")
    for name in _error_classes():
        code = getattr(errors, name).exit_code
        tree_line = re.search(rf"^\W*{name}\s+exit (\d)$", doc, flags=re.M)
        if tree_line:
            assert int(tree_line.group(1)) == code, name


def test_input_errors_list_problems_and_count_the_rest() -> None:
    problems = [errors.Problem("f.csv", i, "value", "is bad") for i in range(2, 25)]
    text = str(errors.IngestError(problems[:20], total=250))
    assert text.splitlines()[0] == 'f.csv:2: field "value": is bad'
    assert "... and 230 more problems." in text and text.endswith("the store is exactly as it was.")
    thesis = str(errors.ThesisFileError(problems))
    assert "... and 3 more problems." in thesis and thesis.endswith("See docs/theses.md for the thesis file format.")
    assert str(errors.NewsInputError(problems[:1], strict=True)).endswith("rejected (--strict).")
