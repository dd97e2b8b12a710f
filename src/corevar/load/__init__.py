"""Load: observations from files and from memory, through one validation, into one append on the ledger.

    readers (CSV, JSON, JSON Lines, YAML, dicts, DataFrames, Arrow)  ->  validate  ->  Store.append

* :func:`ingest` — files; :func:`ingest_records` — in-memory records (the door for ``corevar add``, connectors and
  news figures). Both are all-or-nothing and report problems as ``file:line: field "x": ...``.
* :mod:`.readers` turns each input into text rows; :mod:`.validate` holds the rules (set-based SQL);
  :mod:`.ingest` runs them in one transaction.

Load sits below the store in the layers: it imports nothing of :mod:`corevar.store` and works on any object with
the methods of :class:`~corevar.load.ingest.Ledger` (a :class:`corevar.store.Store`).
"""

from __future__ import annotations

from .ingest import IngestResult, Ledger, ingest, ingest_records
from .readers import BATCH_ROWS
from .validate import COLUMNS, KINDS, MAX_PROBLEMS, REQUIRED, TIERS

__all__ = [
    "BATCH_ROWS",
    "COLUMNS",
    "KINDS",
    "MAX_PROBLEMS",
    "REQUIRED",
    "TIERS",
    "IngestResult",
    "Ledger",
    "ingest",
    "ingest_records",
]
