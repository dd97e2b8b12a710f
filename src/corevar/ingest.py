"""Moved to :mod:`corevar.load`; this name stays while callers move (``from corevar.ingest import ingest``)."""

from __future__ import annotations

import csv
import io
from typing import Any

from .load import COLUMNS, REQUIRED, IngestResult, ingest, ingest_records

__all__ = ["COLUMNS", "REQUIRED", "IngestResult", "ingest", "ingest_records", "records_to_file"]


def records_to_file(records: list[dict[str, Any]]) -> io.StringIO:
    """CSV text for in-memory records (older `corevar add`; use :func:`corevar.load.ingest_records` instead)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS))
    writer.writeheader()
    for record in records:
        writer.writerow({k: ("" if record.get(k) is None else record[k]) for k in COLUMNS})
    buffer.seek(0)
    return buffer
