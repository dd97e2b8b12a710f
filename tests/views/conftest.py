"""View-model fixtures: SYNTHETIC frames built in memory (publisher "SYNTHETIC"), never real figures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest


def frame(rows: list[dict]):
    """An observation frame of SYNTHETIC rows with every column the store hands out."""
    import pandas as pd

    from corevar.frame import COLUMNS

    base = {
        "product": "",
        "low": None,
        "high": None,
        "basis": "",
        "kind": "official",
        "publisher": "SYNTHETIC",
        "source_url": "https://example.org/synthetic",
        "title": "",
        "note": "",
    }
    out = []
    for i, r in enumerate(rows):
        full = {**base, **r}
        full.setdefault("id", f"syn{i}")
        full.setdefault("published", full["as_of"])
        out.append(full)
    df = pd.DataFrame(out, columns=list(COLUMNS))
    df["as_of"] = pd.to_datetime(df["as_of"])
    df["published"] = pd.to_datetime(df["published"])
    return df


def empty_check():
    from corevar.theses import CheckResult

    return CheckResult(theses=(), as_of=None, dataset_version="synthetic")


def series(entity: str, metric: str, unit: str, start: date, n: int, step: int = 30, first: float = 100.0, **extra):
    return [
        {
            "entity": entity,
            "metric": metric,
            "unit": unit,
            "value": first * (1.05**i),
            "as_of": start + timedelta(days=step * i),
            **extra,
        }
        for i in range(n)
    ]


@pytest.fixture(scope="session")
def registry():
    from corevar.registry import Registry

    return Registry.bundled()
