"""Rate every bundled observation row with a source tier (the rule of DATA.md "Source tiers").

Reads ``src/corevar/dataset/verification/publishers.yaml`` and ``verification.csv``. A row is ``primary`` or
``major`` when its source_url host is on that tier's host list: the original is cited. A row that cites a copy
naming an original (the publisher field "TechSpot (citing The Information)", an ``official`` statement, an
``estimate`` whose note names the estimating firm, a note saying "per Reuters") keeps that origin's tier only when
verification.csv holds a quote recorded from that copy which names the origin (or an alias of it); otherwise the row
is ``secondary``. The attribution must be on file, not just asserted in our own publisher field. Where source_url is
a proxy or archive whose address encodes the original (vuink's ROT13 paths, megalodon.jp, originals.csv), the
original becomes source_url and the copy via_url.

    python scripts/dataset_tiers.py --report       # print publisher -> tier counts and the share, change nothing
    python scripts/dataset_tiers.py --write        # rewrite tier/via_url in every observation CSV and the tier
                                                   # column of verification.csv
"""

from __future__ import annotations

import argparse
import codecs
import csv
import re
import sys
from collections.abc import Iterable
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
MAJOR_NAMES = "|".join(re.escape(n) for n in PUBLISHERS["major"]["names"])
ATTRIBUTED = re.compile(
    r"(^|\(|citing |per |according to |via )(" + MAJOR_NAMES + r")\b" r"|\b(" + MAJOR_NAMES + r")( reported|:)",
)


def host_tier(url: str) -> str | None:
    """``primary`` or ``major`` when the page's host is on that tier's list, else None."""
    host = (urlparse(url).hostname or "").removeprefix("www.")
    for tier in ("primary", "major"):
        if _host_in(host, PUBLISHERS[tier]["hosts"]):
            return tier
    return None


def named_origin(row: dict[str, str]) -> tuple[str, list[str]] | None:
    """The tier a copy claims for its figure, and the names of the origin it relays; None when it names none.

    In order: the publisher field names an original ("TechSpot (citing The Information)"); the row is `official`
    (the company or an executive said it); it is an `estimate` whose note names the estimating firm; the note
    attributes the figure to a major outlet ("The Information: ...", "per Reuters").
    """
    for tier in ("primary", "major"):
        found = [m.group(1) for m in NAME_RE[tier].finditer(row["publisher"])]
        if found:
            return tier, found
    if row["kind"] == "official":
        return "primary", list(PUBLISHERS["primary"]["names"])
    if row["kind"] == "estimate":
        found = [m.group(1) for m in ESTIMATORS.finditer(row["note"])]
        if found:
            return "primary", found
    found = [m.group(2) or m.group(3) for m in ATTRIBUTED.finditer(row["note"])]
    if found:
        return "major", found
    return None


def _with_aliases(names: list[str]) -> list[str]:
    """The names plus their aliases ("WSJ" also accepts "Wall Street Journal")."""
    out = list(names)
    for group in PUBLISHERS.get("aliases", []):
        if any(n.lower() == g.lower() for n in names for g in group):
            out.extend(group)
    return out


def tier_of(row: dict[str, str], quotes: Iterable[str] = ()) -> str:
    """The highest tier the rule allows for a row (DATA.md "Source tiers").

    A row is `primary`/`major` when the page it cites (source_url) is on that tier's host list: the original is
    cited. A copy that names an original keeps the origin's tier only when a quote recorded from that copy
    (``quotes``: verification.csv records whose page read is the copy) names the origin, so the attribution is
    on file and not just asserted in our own publisher field; otherwise the copy is `secondary`.
    """
    tier = host_tier(row["source_url"])
    if tier:
        return tier
    claim = named_origin(row)
    if claim is None:
        return "secondary"
    tier, names = claim
    origin = _names_re(_with_aliases(names))
    if any(origin.search(q) for q in quotes if q):
        return tier
    return "secondary"


KEY = ("entity", "product", "metric", "basis", "as_of", "value", "kind")


def row_key(row: dict[str, str]) -> tuple[str, ...]:
    return tuple(str(float(row[k])) if k == "value" else row[k] for k in KEY)


def copy_quotes() -> dict[tuple[str, tuple[str, ...]], list[tuple[str, str]]]:
    """(file, row key) -> [(page read, quote)] from verification.csv, live records with a quote."""
    out: dict[tuple[str, tuple[str, ...]], list[tuple[str, str]]] = {}
    with (DATASET / "verification.csv").open(newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["outcome"] != "dropped" and r["quote"]:
                out.setdefault((r["file"], row_key(r)), []).append((r["checked_url"], r["quote"]))
    return out


def quotes_for(name: str, row: dict[str, str], records: dict) -> list[str]:
    """The quotes recorded from the copy this row cites (its source_url, or via_url when set)."""
    pages = {row["source_url"], row.get("via_url") or ""} - {""}
    return [q for page, q in records.get((name, row_key(row)), []) if page in pages]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--report", action="store_true", help="print publisher -> tier counts")
    ap.add_argument("--write", action="store_true", help="rewrite tier/via_url in the CSVs and verification.csv")
    args = ap.parse_args()
    records = copy_quotes()
    pubs: dict[tuple[str, str], int] = {}
    tiers: dict[tuple[str, tuple[str, ...]], str] = {}
    counts = dict.fromkeys(ORDER, 0)
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
            r["tier"] = tier_of(r, quotes_for(path.name, r, records))
            tiers[(path.name, row_key(r))] = r["tier"]
            counts[r["tier"]] += 1
            pubs[(r["publisher"], r["tier"])] = pubs.get((r["publisher"], r["tier"]), 0) + 1
        if args.write:
            for extra in ("tier", "via_url"):
                if extra not in fields:
                    fields.append(extra)
            with path.open("w", newline="", encoding="utf-8") as fh:
                w = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
                w.writeheader()
                w.writerows(rows)
    if args.write:  # verification.csv repeats each live row's tier
        vpath = DATASET / "verification.csv"
        with vpath.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            vfields = list(reader.fieldnames or [])
            vrows = list(reader)
        for v in vrows:
            if v["outcome"] != "dropped":
                v["tier"] = tiers.get((v["file"], row_key(v)), v["tier"])
        with vpath.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=vfields, lineterminator="\n")
            w.writeheader()
            w.writerows(vrows)
    if args.report:
        for (pub, tier), n in sorted(pubs.items(), key=lambda kv: (ORDER.index(kv[0][1]), kv[0][0])):
            print(f"{tier:9} {n:3} {pub}")
    total = sum(counts.values())
    share = (counts["primary"] + counts["major"]) / total
    print(", ".join(f"{t} {counts[t]}" for t in ORDER) + f"; primary+major {share:.1%} of {total}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
