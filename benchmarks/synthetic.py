"""SYNTHETIC observation files for benchmarks and tests: plausible shapes, made-up numbers, never real data."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

from corevar.frame import OBSERVATION_FIELDS

HEADER = list(OBSERVATION_FIELDS[: OBSERVATION_FIELDS.index("note") + 1])  # the file columns before tier/via_url

_SUBJECTS = [
    ("openai", "chatgpt"),
    ("anthropic", "claude"),
    ("google", "gemini"),
    ("xai", "grok"),
    ("meta", "meta-ai"),
    ("deepseek", "deepseek-app"),
]


def write_synthetic(path: Path, rows: int) -> Path:
    """Write ``rows`` SYNTHETIC weekly_active_users observations with distinct content to ``path``."""
    start = date(2000, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for i in range(rows):
            entity, product = _SUBJECTS[i % len(_SUBJECTS)]
            day = start + timedelta(days=(i // len(_SUBJECTS)) % 9000)
            writer.writerow(
                [
                    entity,
                    product,
                    "weekly_active_users",
                    1_000_000 + i,
                    "",
                    "",
                    "users",
                    "",
                    day.isoformat(),
                    day.isoformat(),
                    "estimate",
                    f"https://example.org/synthetic/{i}",
                    "SYNTHETIC",
                    "",
                    "synthetic benchmark row",
                ]
            )
    return path
