"""The terminal summary of ``corevar report``: the bottom line and the scorecard, rendered from the view model."""

from __future__ import annotations

from pathlib import Path

from ..views.model import ReportView

__all__ = ["summary"]

_STYLE = {"supported": "green", "contradicted": "red", "mixed": "yellow", "insufficient_data": "dim"}
MAX_LABS = 5


def summary(view: ReportView, path: Path | None = None) -> None:
    """Verdict per claim (one sentence each), the scorecard, the file and the data's as-of."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(highlight=False)
    claims = Table(
        title=f"Bottom line: {len(view.verdicts)} claims, data as of {view.as_of.isoformat() if view.as_of else '—'}",
        title_justify="left",
    )
    claims.add_column("id")
    claims.add_column("verdict")
    claims.add_column("why", overflow="fold")
    for v in view.verdicts:
        claims.add_row(Text(v.id), Text(v.verdict_label, style=_STYLE.get(v.verdict, "")), Text(v.sentence))
    console.print(claims)
    labs = view.scorecard.labs[:MAX_LABS]
    board = Table(title="Scorecard (one metric and basis per row; newest value, kind, date)", title_justify="left")
    board.add_column("metric (basis)", overflow="fold")
    for lab in labs:
        board.add_column(lab.name, overflow="fold")
    for row in view.scorecard.rows:
        cells = []
        for c in row.cells[:MAX_LABS]:
            if c.value is None:
                cells.append(Text("—" + c.footnote, style="dim"))
                continue
            cell = Text(c.text)
            cell.append(f"\n{c.kind} · {c.as_of.isoformat()[:7] if c.as_of else ''}", style="dim")
            cells.append(cell)
        board.add_row(Text(row.label), *cells)
    console.print(board)
    counts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in view.counts.items() if n)
    console.print(Text(f"{len(view.verdicts)} claims: {counts}."))
    if view.since:
        moved = "; ".join(c.text for c in view.changes) or "no verdict changed"
        console.print(Text(f"Since {view.since.isoformat()}: {moved}."))
    if path is not None:
        console.print(Text(f"Report written to {path}"), style="bold")
    console.print(
        Text(f"dataset {view.dataset_version} · corevar {view.corevar_version} · {view.observations:,} observations"),
        style="dim",
    )
