"""Safe CSV exports: the OWASP CSV-injection rule on every text cell, numbers untouched (SYNTHETIC cells)."""

from __future__ import annotations

import pandas as pd
import pytest

from corevar.export import neutralise_cell, neutralise_csv


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://example.org","x")', '\'=HYPERLINK("http://example.org","x")'),
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("OpenAI", "OpenAI"),
        ("", ""),
        (-5.0, -5.0),
        (None, None),
    ],
)
def test_neutralise_cell(cell, expected):
    assert neutralise_cell(cell) == expected


def test_neutralise_csv_text_columns_only_and_input_untouched():
    df = pd.DataFrame(
        {
            "publisher": ["=cmd|x", "SYNTHETIC", None],
            "value": [-1.0, 2.0, 3.0],
            "note": pd.array(["@x", "ok", pd.NA], dtype="string"),
            "=bad": ["a", "b", "c"],
        }
    )
    before = df.copy()
    out = neutralise_csv(df)
    assert df.equals(before)
    text = out.to_csv(index=False)
    assert "'=cmd|x" in text and "'@x" in text and "'=bad" in text
    assert out["value"].tolist() == [-1.0, 2.0, 3.0]
    for line in text.splitlines():
        for cell in line.split(","):
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), line
