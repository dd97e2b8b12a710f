"""SYNTHETIC observation frames for the thesis tests. None of these numbers are real figures."""

from __future__ import annotations

from typing import Any

import pandas as pd

from corevar.frame import COLUMNS

_DEFAULTS: dict[str, Any] = {
    "product": None,
    "low": float("nan"),
    "high": float("nan"),
    "unit": "users",
    "basis": None,
    "kind": "reported",
    "source_url": "https://example.org/synthetic",
    "publisher": "SYNTHETIC",
    "title": None,
    "note": "synthetic test row",
}


def obs(entity: str, metric: str, value: float, as_of: str, published: str | None = None, **fields: Any) -> dict:
    """One SYNTHETIC observation; ``published`` defaults to ``as_of``."""
    return {
        **_DEFAULTS,
        "entity": entity,
        "metric": metric,
        "value": float(value),
        "as_of": as_of,
        "published": published or as_of,
        **fields,
    }


def frame(*rows: dict) -> pd.DataFrame:
    """A SYNTHETIC observation frame with the contract's columns and dtypes."""
    data = pd.DataFrame([{**r, "id": f"syn-{i:04d}"} for i, r in enumerate(rows)], columns=list(COLUMNS))
    data["as_of"] = pd.to_datetime(data["as_of"])
    data["published"] = pd.to_datetime(data["published"])
    for col in ("value", "low", "high"):
        data[col] = data[col].astype(float)
    return data


def wau(value: float, as_of: str, published: str | None = None, **fields: Any) -> dict:
    """SYNTHETIC ChatGPT weekly active users."""
    return obs("openai", "weekly_active_users", value, as_of, published, product="chatgpt", **fields)
