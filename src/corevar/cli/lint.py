"""``corevar lint FILE``: the dataset's invariants run on a user's observation file, as warnings.

``corevar ingest`` validates each row on its own (known ids, units, dates, a source). Some errors only show between
rows: daily users above monthly users, market shares adding up to more than 100%, a recognised-revenue figure an
order of magnitude off the run-rate, a cheap tier priced above the frontier, one target stored twice, "more than X"
stored without its bound. ``lint`` runs those checks (:mod:`corevar.load.invariants`) on the file together with
the bundled dataset, and prints each finding that involves a row of the file as ``FILE:LINE: check: message``.
Findings are warnings (exit 0) because a user may have a reason the check cannot see; ``--strict`` makes them fail
(exit 1). Only Typer is imported at load time.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ._common import fail

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["lint"]


def _records(path: Path) -> list[dict[str, object]]:
    """The rows of a CSV (header line), JSON (array), JSON Lines or YAML (list) file, each with its line number."""
    suffix = path.suffix.lower()
    text = path.read_text(encoding="utf-8")
    if suffix == ".csv":
        reader = csv.DictReader(text.splitlines())
        return [{**row, "_line": line} for line, row in enumerate(reader, start=2)]
    if suffix in (".jsonl", ".ndjson"):
        return [
            {**json.loads(raw), "_line": line} for line, raw in enumerate(text.splitlines(), start=1) if raw.strip()
        ]
    if suffix == ".json":
        data = json.loads(text)
    elif suffix in (".yaml", ".yml"):
        import yaml

        data = yaml.safe_load(text)
    else:
        raise ValueError(f"{path}: unsupported file type {suffix!r}; use .csv, .json, .jsonl or .yaml")
    if isinstance(data, dict) and isinstance(data.get("observations"), list):
        data = data["observations"]
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise ValueError(f"{path}: expected a list of observation records")
    return [{**row, "_line": i} for i, row in enumerate(data, start=1)]


def _bundled() -> pd.DataFrame:
    import pandas as pd

    folder = Path(__file__).resolve().parents[1] / "dataset" / "observations"
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False) for p in sorted(folder.glob("*.csv"))]
    return pd.concat(frames, ignore_index=True)


def lint(
    path: Annotated[Path, typer.Argument(metavar="FILE", help="Observation file (.csv, .json, .jsonl, .yaml).")],
    alone: Annotated[
        bool, typer.Option("--alone", help="Check the file by itself, not with the bundled dataset.")
    ] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 when there is any finding.")] = False,
) -> None:
    """Check a file against the dataset's invariants, as warnings.

    Nothing is written. The checks: DAU <= WAU <= MAU, shares of a market <= 100%, run-rate vs recognised revenue,
    price tiers below
    the frontier, duplicate targets, and "more than X"/"approaching X" stored with their bound.

    Example: corevar lint my_rows.csv
    """
    import pandas as pd

    from ..load.invariants import check_all
    from ..registry import Registry

    if not path.is_file():
        fail(f"{path}: no such file", 2)
    try:
        records = _records(path)
    except (ValueError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        fail(f"{path}: {exc}", 2)
    user = pd.DataFrame(records).astype(object)
    user["_mine"] = True
    frame = user if alone else pd.concat([user, _bundled().assign(_mine=False, _line=None)], ignore_index=True)
    registry = Registry.bundled()
    tiers = {pid: p.tier for pid, p in registry.products.items() if p.tier}
    findings = [f for f in check_all(frame, tiers=tiers) if any(bool(frame.loc[i, "_mine"]) for i in f.rows)]
    for finding in findings:
        lines = [str(frame.loc[i, "_line"]) for i in finding.rows if bool(frame.loc[i, "_mine"])]
        others = sum(1 for i in finding.rows if not bool(frame.loc[i, "_mine"]))
        context = f" (with {others} bundled row{'s' if others != 1 else ''})" if others else ""
        typer.echo(f"{path}:{','.join(lines)}: {finding.check}: {finding.message}{context}")
    typer.echo(f"{len(records)} rows checked, {len(findings)} finding{'s' if len(findings) != 1 else ''}.", err=True)
    if findings and strict:
        raise typer.Exit(1)
