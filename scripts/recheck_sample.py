"""Draw a seeded random sample of bundled observations and print it for re-checking against the sources.

The point is a repeatable audit: anyone can re-draw the same rows with the same seed, open each row's page (the
copy read is ``via_url`` when set, else ``source_url``), and mark whether the page supports the figure, the date it
describes and the publication date. The supported rate on a fresh seed is the dataset's audit figure.

    python scripts/recheck_sample.py --seed 20261201 --n 40            # print the sample
    python scripts/recheck_sample.py --seed 20261201 --n 40 --csv s.csv  # also write a sheet to fill in

Each printed row shows what to look for: the value, unit, date and kind, the tier, the page to open, and the
quote recorded in ``verification.csv`` (when the issue-11 pass recorded one). Fill the sheet's ``supported``
column with yes / no / partly and a short reason.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT / "src" / "corevar" / "dataset"
KEY = ("entity", "product", "metric", "basis", "as_of", "value", "kind")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _key(r: dict[str, str]) -> tuple[str, ...]:
    return tuple(str(float(r[k])) if k == "value" else r[k] for k in KEY)


def population() -> list[tuple[str, int, dict[str, str]]]:
    """Every bundled row as (file, line, row), in a fixed order so a seed always draws the same rows."""
    rows = []
    for path in sorted((DATASET / "observations").glob("*.csv")):
        rows += [(path.name, line, r) for line, r in enumerate(_read(path), start=2)]
    return rows


def draw(seed: int, n: int) -> list[tuple[str, int, dict[str, str]]]:
    rows = population()
    return sorted(random.Random(seed).sample(rows, min(n, len(rows))), key=lambda x: (x[0], x[1]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True, help="random seed (write it down with the result)")
    ap.add_argument("--n", type=int, default=40, help="sample size (default 40)")
    ap.add_argument("--csv", type=Path, help="also write the sample as a sheet with an empty `supported` column")
    args = ap.parse_args()
    records: dict[tuple[str, tuple[str, ...]], list[dict[str, str]]] = {}
    for rec in _read(DATASET / "verification.csv"):
        if rec["outcome"] != "dropped":
            records.setdefault((rec["file"], _key(rec)), []).append(rec)
    sample = draw(args.seed, args.n)
    sheet = []
    for i, (name, line, r) in enumerate(sample, start=1):
        recs = records.get((name, _key(r)), [])
        quote = next((x["quote"] for x in recs if x.get("quote")), "")
        checked = next((x["checked_url"] for x in recs), "")
        page = r.get("via_url") or r["source_url"]
        print(
            f"[{i}] {name}:{line}  {r['entity']}/{r['product'] or '-'} {r['metric']} [{r['basis'] or '-'}] "
            f"= {r['value']} {r['unit']} (low {r['low'] or '-'}, high {r['high'] or '-'})"
        )
        print(f"     as_of {r['as_of']}  published {r['published']}  kind {r['kind']}  tier {r.get('tier') or '-'}")
        print(f"     source  {r['source_url']}  ({r['publisher']})")
        if r.get("via_url"):
            print(f"     via     {r['via_url']}")
        if checked and checked != page:
            print(f"     checked {checked}")
        if quote:
            print(f"     quote   {quote}")
        print(f"     note    {r['note']}")
        sheet.append(
            {
                "n": i,
                "file": name,
                "line": line,
                **{k: r[k] for k in KEY},
                "page": page,
                "checked_url": checked,
                "quote": quote,
                "supported": "",
                "reason": "",
            }
        )
    print(f"\n{len(sample)} of {len(population())} rows, seed {args.seed}.", file=sys.stderr)
    if args.csv:
        with args.csv.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(sheet[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(sheet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
