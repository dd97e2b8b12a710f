"""Safe CSV exports: text cells that a spreadsheet would run as a formula are neutralised (OWASP CSV injection).

Every CSV corevar writes goes through :func:`neutralise_csv` first. The rule (OWASP, "CSV Injection"): a text cell
that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe, so a spreadsheet
shows it as text instead of evaluating ``=HYPERLINK(...)`` or ``=cmd|...``. Numbers are left alone (a negative
number is a number, not a formula); the frame passed in is not modified.

>>> neutralise_csv(frame).to_csv(index=False)    # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FORMULA_PREFIXES", "neutralise_cell", "neutralise_csv"]

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: Any) -> Any:
    """``'=1+2`` for the text ``=1+2``; any other value (numbers, dates, None, safe text) unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot run as spreadsheet formulas; column names too."""
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            out[column] = series.map(neutralise_cell, na_action="ignore")
    out.columns = [neutralise_cell(c) for c in out.columns]
    return out
