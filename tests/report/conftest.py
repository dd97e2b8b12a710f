"""Report fixtures: the bundled data in a temporary store, one report rendered per session.

The payload rows of the security tests are SYNTHETIC (publisher "SYNTHETIC ..."), never real figures.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from corevar.report import write_report

from ..conftest import row, write_csv

PAYLOAD_SCRIPT = "<script>window.__pwned=1</script>"
PAYLOAD_IMG = "<img src=x onerror=window.__pwned=2>"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def make_store(path: Path) -> Path:
    """A store at ``path`` holding the bundled dataset (created on the write path)."""
    from corevar.store import Store

    Store(path, mode="w").close()
    return path


def ingest(db: Path, csv_path: Path) -> None:
    from corevar import api

    with api.open(db, write=True) as cv:
        cv.ingest([csv_path])


@pytest.fixture(scope="session")
def report_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_store(tmp_path_factory.mktemp("report") / "bundled.duckdb")


@pytest.fixture(scope="session")
def rendered(report_db: Path, tmp_path_factory: pytest.TempPathFactory):
    """(html path, html text, ReportView) of the bundled data."""
    out = tmp_path_factory.mktemp("html")
    path, view = write_report(out, db=report_db, theses=None, since="2026-01-01")
    return path, path.read_text(encoding="utf-8"), view


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory):
    """(html path, html text, ReportView) of the bundled data plus SYNTHETIC rows carrying HTML/JS payloads."""
    tmp = tmp_path_factory.mktemp("hostile")
    db = make_store(tmp / "hostile.duckdb")
    rows = [
        # a WAU point (drawn in a chart: publisher in the hover text) and a price-decline estimate
        row(
            publisher=f"SYNTHETIC {PAYLOAD_IMG}",
            title=f"SYNTHETIC {PAYLOAD_SCRIPT}",
            note=f"SYNTHETIC {PAYLOAD_IMG} {PAYLOAD_SCRIPT}",
            as_of="2024-02-01",
            published="2024-02-02",
            source_url="https://example.org/synthetic?a=1&b=2",
        ),
        row(
            entity="ai_market",
            product="",
            metric="inference_price_decline",
            value="7",
            unit="multiple_per_year",
            basis="synthetic_basis",
            publisher=f"SYNTHETIC {PAYLOAD_SCRIPT}",
            title=f"SYNTHETIC {PAYLOAD_IMG}",
            note=f"SYNTHETIC note {PAYLOAD_SCRIPT} {PAYLOAD_IMG}",
            source_url="https://example.org/synthetic-2",
        ),
    ]
    ingest(db, write_csv(tmp / "payload.csv", rows))
    path, view = write_report(tmp / "out", db=db, theses=None)
    return path, path.read_text(encoding="utf-8"), view


def figures(html: str) -> dict:
    """The chart JSON embedded in the page."""
    match = re.search(r'<script type="application/json" id="corevar-figures">(.*?)</script>', html, re.S)
    assert match, "figure JSON not found"
    return json.loads(match.group(1))


@pytest.fixture(scope="session")
def priced(tmp_path_factory: pytest.TempPathFactory):
    """(html path, html text, ReportView) of the bundled data with SYNTHETIC prices."""
    tmp = tmp_path_factory.mktemp("priced")
    db = priced_store(tmp / "priced.duckdb", tmp)
    path, view = write_report(tmp / "out", db=db)
    return path, path.read_text(encoding="utf-8"), view


def priced_store(path: Path, tmp: Path) -> Path:
    """The bundled data plus SYNTHETIC random-walk closes for every ticker of the shipped baskets."""
    import numpy as np
    import pandas as pd

    from corevar import chains
    from corevar.store import Store

    make_store(path)
    baskets = chains.bundled_baskets()
    known = chains.known_tickers(baskets)
    drift = {t: 0.1 for t in known}
    drift |= {t: 0.5 for t in baskets["openai-chain"].tickers}
    drift |= {t: 2.0 for t in baskets["google-chain"].tickers}
    days = pd.bdate_range("2025-01-02", "2026-06-30")
    rng = np.random.default_rng(11)
    rows = []
    for ticker, d in drift.items():
        close = 80.0 * np.exp(np.cumsum(np.log1p(d) / len(days) + rng.normal(0, 0.01, len(days))))
        rows.append(pd.DataFrame({"date": days.strftime("%Y-%m-%d"), "ticker": ticker, "close": close}))
    csv = tmp / "synthetic-prices.csv"
    pd.concat(rows).to_csv(csv, index=False, float_format="%.6f")
    with Store(path, mode="w") as st:
        chains.ingest_prices(st, [csv], known, source="SYNTHETIC prices")
    return path
