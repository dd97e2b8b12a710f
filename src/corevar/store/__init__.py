"""The embedded DuckDB store: schema migrations, the append-only observation ledger, the registry, and reads.

* :mod:`.schema` — numbered migrations and the observation identity (content hash);
* :mod:`.ledger` — the writes: append, retract, registry seed, prices and exchange rates;
* :mod:`.queries` — the reads;
* :mod:`.lock` — opening the file while other processes may hold it (bounded wait, clear error);
* :class:`Store` — one open database, read-only (``mode="r"``, shared) or writable (``mode="w"``, exclusive).

Rules the store keeps: observations are append-only and identified by their content, so ingesting the same file
twice adds nothing; a bundled row that a later release drops is retracted, never deleted; opening to read never
writes; all SQL is parameterised.
"""

from __future__ import annotations

from .core import Store
from .schema import MIGRATIONS, default_path

__all__ = ["MIGRATIONS", "Store", "default_path"]
