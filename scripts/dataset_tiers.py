"""Propose a source tier for every bundled observation row (one-off helper for the dataset maintainers).

Reads ``src/corevar/dataset/verification/publishers.yaml``: a row is ``primary`` or ``major`` when its source_url
host is on that tier's host list, or when its publisher field names an original of that tier (a copy that cites
it); otherwise ``secondary``. Where source_url is a proxy or archive whose address encodes the original (vuink's
ROT13 paths, megalodon.jp), the original becomes source_url and the copy via_url.

    python scripts/dataset_tiers.py --report       # print publisher -> tier, change nothing
    python scripts/dataset_tiers.py --write        # add/refresh tier and via_url in every observation CSV
"""

from __future__ import annotations

import argparse
import codecs
import csv
import re
import sys
from pathlib import Path
from urllib.parse import urlparse

import yaml

DATASET = Path(__file__).resolve().parents[1] / "src" / "corevar" / "dataset"
PUBLISHERS = yaml.safe_load((DATASET / "verification" / "publishers.yaml").read_text(encoding="utf-8"))
ORDER = ("primary", "major", "secondary")


def _host_in(host: str, hosts: list[str]) -> bool:
    return any(host == h or host.endswith("." + h) for h in hosts)


def _names_re(names: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w.])(" + "|".join(re.escape(n) for n in names) + r")(?![\w])", re.IGNORECASE)


NAME_RE = {t: _names_re(PUBLISHERS[t]["names"]) for t in ("primary", "major")}


def _known_originals() -> dict[str, str]:
    """copy address -> original address, where the copy itself gives the original's address (originals.csv)."""
    path = DATASET / "verification" / "originals.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        return {r["copy_url"]: r["original_url"] for r in csv.DictReader(fh)}


KNOWN_ORIGINALS = _known_originals()


def original_of(url: str) -> str | None:
    """The original address behind a copy: listed in originals.csv, or encoded in a proxy/archive URL; else None."""
    if url in KNOWN_ORIGINALS:
        return KNOWN_ORIGINALS[url]
    parsed = urlparse(url)
    host = (parsed.hostname or "").removeprefix("www.")
    if host == "vuink.com" and parsed.path.startswith("/post/"):
        encoded, _, rest = parsed.path[len("/post/") :].partition("/")
        domain = codecs.decode(encoded, "rot13").replace("-q-q", ".")
        return f"https://{domain}/{rest}"
    if host == "megalodon.jp":
        m = re.search(r"/(https?://.+)$", parsed.path)
        if m:
            return m.group(1).replace(":443/", "/")
    return None


ESTIMATORS = _names_re(PUBLISHERS["estimators"])
ATTRIBUTED = re.compile(
    r"(^|\(|citing |per |according to |via )(" + "|".join(re.escape(n) for n in PUBLISHERS["major"]["names"]) + r")\b"
    r"|\b(" + "|".join(re.escape(n) for n in PUBLISHERS["major"]["names"]) + r")( reported|:)",
)


def tier_of(row: dict[str, str]) -> str:
    """The tier of the figure's origin: host, then the publisher's attribution, then kind and the note."""
    host = (urlparse(row["source_url"]).hostname or "").removeprefix("www.")
    for tier in ("primary", "major"):
        if _host_in(host, PUBLISHERS[tier]["hosts"]):
            return tier
    for tier in ("primary", "major"):
        if NAME_RE[tier].search(row["publisher"]):
            return tier
    if row["kind"] == "official":
        return "primary"  # the company said it (on the record); the page read relays the statement
    if row["kind"] == "estimate" and ESTIMATORS.search(row["note"]):
        return "primary"  # the estimating firm's own figure, relayed
    if ATTRIBUTED.search(row["note"]):
        return "major"
    return "secondary"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--report", action="store_true")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    pubs: dict[tuple[str, str], int] = {}
    for path in sorted((DATASET / "observations").glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            fields = list(reader.fieldnames or [])
            rows = list(reader)
        for r in rows:
            orig = original_of(r["source_url"])
            if orig and not r.get("via_url"):
                r["via_url"], r["source_url"] = r["source_url"], orig
            r.setdefault("via_url", "")
            if not r.get("tier"):
                r["tier"] = tier_of(r)
            pubs[(r["publisher"], r["tier"])] = pubs.get((r["publisher"], r["tier"]), 0) + 1
        if args.write:
            for extra in ("tier", "via_url"):
                if extra not in fields:
                    fields.append(extra)
            with path.open("w", newline="", encoding="utf-8") as fh:
                w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
                w.writeheader()
                w.writerows(rows)
    if args.report:
        for (pub, tier), n in sorted(pubs.items(), key=lambda kv: (ORDER.index(kv[0][1]), kv[0][0])):
            print(f"{tier:9} {n:3} {pub}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
