"""The terminal summary of ``corevar report``: the bottom line and the scorecard, rendered from the view model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..views.model import ReportView

__all__ = ["summary"]

_STYLE = {"supported": "green", "contradicted": "red", "mixed": "yellow", "insufficient_data": "dim"}
MAX_LABS = 5


def summary(view: ReportView, path: Path | None = None, console: Any = None) -> None:
    """Verdict per claim (one sentence each), the scorecard, the file and the data's as-of.

    Printed on ``console`` (a rich Console; default: a new one on standard output).
    """
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = console if console is not None else Console(highlight=False)
    claims = Table(
        title=f"Bottom line: {len(view.verdicts)} claims, data as of {view.as_of.isoformat() if view.as_of else '—'}",
        title_justify="left",
    )
    claims.add_column("id")
    claims.add_column("verdict")
    claims.add_column("why", overflow="fold")
    for v in view.verdicts:
        claims.add_row(Text(v.id), Text(v.verdict_label, style=_STYLE.get(v.verdict, "")), Text(v.sentence))
    if view.tiles:
        tiles = Table(title="Key numbers", title_justify="left", show_header=False)
        for _ in range(3):
            tiles.add_column(overflow="fold")
        cells = []
        for t in view.tiles:
            cell = Text(t.value, style="bold")
            basis = f" ({t.basis})" if t.basis and t.basis != "whole product" else ""
            cell.append(f"\n{t.subject} · {t.metric}{basis}", style="")
            if t.change:
                cell.append(f"\n{t.change}")
            cell.append(f"\n{t.month} · {t.kind}", style="dim")
            cells.append(cell)
        for i in range(0, len(cells), 3):
            row = cells[i : i + 3]
            tiles.add_row(*row, *[Text("")] * (3 - len(row)))
        console.print(tiles)
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
    if view.chains is not None:
        _chains(console, view)
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


def _chains(console: object, view: ReportView) -> None:
    """The chain comparison from prices, or the reported basket moves and how to add prices."""
    from rich.table import Table
    from rich.text import Text

    c = view.chains
    assert c is not None
    if c.mode == "prices":
        grid = Table(title=f"Stock chains, {c.window} (vs {c.benchmark or 'each other'})", title_justify="left")
        for name in ("basket", "total return", "volatility", "max drawdown", "vs benchmark"):
            grid.add_column(name, overflow="fold")
        for row in c.rows:
            grid.add_row(
                row.name, row.total_return.text, row.volatility.text, row.max_drawdown.text, row.vs_benchmark or "—"
            )
        console.print(grid)  # type: ignore[attr-defined]
        return
    moves = [m for m in c.moves if m.level != "member"][:6]
    if moves:
        grid = Table(title="Stock chains: moves the dataset reports (no prices in the store)", title_justify="left")
        for name in ("subject", "move", "window", "source"):
            grid.add_column(name, overflow="fold")
        for m in moves:
            grid.add_row(Text(m.subject), Text(m.text), Text(m.window), Text(f"{m.publisher} ({m.kind})"))
        console.print(grid)  # type: ignore[attr-defined]
    console.print(Text("To judge the chains from prices: " + "; then ".join(c.commands)), style="dim")  # type: ignore[attr-defined]
