"""The view model: every figure a face shows, as plain frozen values with their text already formatted.

:func:`corevar.views.build` fills a :class:`ReportView`; the HTML page, the Markdown file, the terminal summary and
the web API render it and compute nothing. A number that appears in two places (a verdict card and a chart note,
the scorecard and a market table) is the same :class:`Num` object, so the two can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

__all__ = [
    "BasketView",
    "ChainMoveView",
    "ChainRowView",
    "ChainsView",
    "ChangeView",
    "ChartView",
    "EvidenceView",
    "FitView",
    "FreshnessView",
    "KpiTile",
    "LabHead",
    "MarketView",
    "MemberView",
    "Num",
    "PointView",
    "PriceDeclineView",
    "ReportView",
    "RuleView",
    "ScoreCell",
    "ScoreRow",
    "Scorecard",
    "SectionView",
    "SeriesView",
    "SourceView",
    "TargetView",
    "VerdictView",
]


@dataclass(frozen=True)
class Num:
    """One statistic: its value, its text, and ``ref`` naming what it is (shared by every place that shows it)."""

    value: float
    text: str
    ref: str = ""


@dataclass(frozen=True)
class PointView:
    """One observation as drawn or listed: ``chosen`` is the conflict rule's pick, else a competing report."""

    as_of: date
    value: float
    text: str
    unit: str
    kind: str
    publisher: str
    url: str  # http(s) only, else ""
    basis: str
    label: str = ""  # e.g. the model name on a price chart, the counterparty on a deal
    low: float | None = None
    high: float | None = None
    chosen: bool = True


@dataclass(frozen=True)
class SeriesView:
    """One series drawn: one entity (or product), one metric, one basis; its competing reports apart."""

    key: str
    entity: str
    product: str
    metric: str
    basis: str
    label: str
    colour: str
    unit: str
    points: tuple[PointView, ...]
    faint: tuple[PointView, ...] = ()
    dropped: int = 0  # points left off (older than the cap)


@dataclass(frozen=True)
class FitView:
    """A fitted ceiling or trend drawn on a chart; its numbers are the engine's (or the section's) own."""

    label: str
    colour: str
    dates: tuple[date, ...]
    values: tuple[float | None, ...]
    band_low: tuple[float | None, ...] = ()
    band_high: tuple[float | None, ...] = ()
    note: str = ""
    ref: str = ""


@dataclass(frozen=True)
class TargetView:
    """A target as a dotted reference: its value, due date, and where it stands (judged once)."""

    entity: str
    product: str
    metric: str
    basis: str
    value: float
    unit: str
    due: date
    text: str  # "1B by Dec 2025"
    status: str  # met | missed | not yet due | ... (the engine's when a claim judged it)
    status_text: str
    colour: str
    publisher: str
    url: str


@dataclass(frozen=True)
class ChartView:
    """One exhibit, chosen by the kind of metric (line, share, score, price, flow, deal)."""

    id: str
    kind: str
    title: str
    subtitle: str
    y_title: str
    unit: str
    series: tuple[SeriesView, ...]
    log: bool = False
    y_range: tuple[float, float] | None = None
    fits: tuple[FitView, ...] = ()
    targets: tuple[TargetView, ...] = ()
    source_line: str = ""
    notes: tuple[str, ...] = ()

    @property
    def n_points(self) -> int:
        return sum(len(s.points) for s in self.series)


@dataclass(frozen=True)
class EvidenceView:
    role: str
    subject: str
    metric: str
    basis: str
    text: str
    as_of: date
    kind: str
    publisher: str
    url: str


@dataclass(frozen=True)
class RuleView:
    kind: str
    label: str
    verdict: str
    explanation: str
    children: tuple[RuleView, ...] = ()


@dataclass(frozen=True)
class VerdictView:
    """One claim on the first screen: verdict, one analyst's sentence, its key number; the engine's detail apart."""

    id: str
    stance: str
    claim: str
    verdict: str
    verdict_label: str
    sentence: str
    key: Num | None
    robustness: str
    confidence: str
    explanation: str
    rules: tuple[RuleView, ...]
    evidence: tuple[EvidenceView, ...]
    change: str = ""  # "was contradicted on 2026-01-01" with --since


@dataclass(frozen=True)
class LabHead:
    id: str
    name: str
    colour: str


@dataclass(frozen=True)
class ScoreCell:
    """One lab's value of one row's exact metric and basis (or nothing, with a footnote on a near metric)."""

    text: str
    value: float | None
    kind: str = ""
    as_of: date | None = None
    what: str = ""  # the product, when the row is measured on one ("ChatGPT")
    publisher: str = ""
    url: str = ""
    growth: str = ""
    direction: str = ""  # up | down | flat | ""
    stale: bool = False
    age_days: int | None = None
    conflict: str = ""  # "3 reports, 750M–850M"
    target: str = ""
    footnote: str = ""  # "‡1"


@dataclass(frozen=True)
class ScoreRow:
    core: str
    metric: str
    basis: str
    label: str  # "Weekly active users, whole product"
    unit: str
    cells: tuple[ScoreCell, ...]


@dataclass(frozen=True)
class Scorecard:
    labs: tuple[LabHead, ...]
    rows: tuple[ScoreRow, ...]
    footnotes: tuple[str, ...] = ()


@dataclass(frozen=True)
class MarketView:
    market: str
    label: str
    as_of: date
    shares: tuple[PointView, ...]  # label = entity name
    coverage: str
    hhi: Num
    band: str
    equivalent_firms: str
    judged_by: str = ""  # the claim whose engine figure this is, if any


@dataclass(frozen=True)
class PriceDeclineView:
    tier: str
    basis: str
    n: int
    window: str
    factor: Num
    interval: str
    halving: str
    r2: str


@dataclass(frozen=True)
class FreshnessView:
    as_of: date
    stale_days: int
    cores: tuple[str, ...]
    rows: tuple[tuple[LabHead, tuple[tuple[int | None, bool], ...]], ...]
    today_line: str


@dataclass(frozen=True)
class SourceView:
    publisher: str
    title: str
    url: str
    href: str
    published: date | None
    observations: int


@dataclass(frozen=True)
class ChangeView:
    id: str
    before: str
    after: str
    text: str


@dataclass(frozen=True)
class SectionView:
    """One core variable: its question and its exhibits; small series as a table of numbers instead of a chart."""

    core: str
    title: str
    question: str
    charts: tuple[ChartView, ...]
    tables: tuple[tuple[str, tuple[PointView, ...]], ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class KpiTile:
    """One number on the first screen: value, metric + basis, change with its window, as-of and kind.

    The same :class:`ScoreCell` text the scorecard prints (a tile is a scorecard cell lifted up, never recomputed).
    """

    entity: str
    subject: str  # "ChatGPT", "Anthropic"
    metric: str  # "Weekly active users"
    basis: str  # "whole product"
    value: str  # "900M"
    change: str  # "+29% over 10 months" or ""
    as_of: date | None
    month: str  # "Jun 2026"
    kind: str
    publisher: str
    url: str
    colour: str
    why: str = ""  # the claims it bears on ("B1, R1")


@dataclass(frozen=True)
class MemberView:
    """One listing in a basket, with its role in the chain."""

    ticker: str
    exchange: str
    company: str
    role: str
    currency: str
    sources: int


@dataclass(frozen=True)
class BasketView:
    """A shipped (or user) basket: a chain or a benchmark, its members and how it is weighted."""

    id: str
    name: str
    kind: str  # chain | benchmark
    theses: tuple[str, ...]
    weights: str
    rebalancing: str
    description: str
    members: tuple[MemberView, ...]

    @property
    def roles(self) -> str:
        """The distinct roles, in member order ("TPU design, optical modules, ...")."""
        seen: dict[str, None] = {}
        for m in self.members:
            seen.setdefault(m.role, None)
        return "; ".join(seen)


@dataclass(frozen=True)
class ChainRowView:
    """One basket's performance over the comparison window, from ingested prices (formatted once)."""

    basket: str
    name: str
    kind: str
    start: date | None
    end: date | None
    total_return: Num
    volatility: Num
    max_drawdown: Num
    vs_benchmark: str
    priced: str  # "11 of 14 members priced"
    notes: str = ""


@dataclass(frozen=True)
class ChainMoveView:
    """A move reported in the dataset (no prices needed): subject, move over its window, kind and source."""

    entity: str
    subject: str
    text: str  # "+146%"
    value: float
    start: date | None
    end: date
    window: str  # "2024-12-31 → 2025-12-05"
    kind: str
    publisher: str
    url: str
    note: str
    level: str  # basket | benchmark | member


@dataclass(frozen=True)
class ChainsView:
    """The stock-chain section: the baskets, and either the price comparison or the reported moves."""

    start: date
    end: date
    window: str
    mode: str  # prices | reported
    baskets: tuple[BasketView, ...]
    rows: tuple[ChainRowView, ...] = ()
    moves: tuple[ChainMoveView, ...] = ()
    benchmark: str = ""
    currency: str = ""
    how_to: str = ""
    commands: tuple[str, ...] = ()  # the shell commands that add prices
    notes: tuple[str, ...] = ()
    claims: tuple[str, ...] = ()  # the claims judged from chains ("B7", "B8", "R5")


@dataclass(frozen=True)
class ReportView:
    """Everything the report shows, computed once."""

    title: str
    dataset_version: str
    corevar_version: str
    as_of: date | None  # the latest publication date actually used (the cut, stated truly)
    requested_as_of: date | None
    today: date | None
    since: date | None
    observations: int
    sources_total: int
    theses_files: tuple[str, ...]
    counts: dict[str, int]
    verdicts: tuple[VerdictView, ...]
    changes: tuple[ChangeView, ...]
    scorecard: Scorecard
    sections: tuple[SectionView, ...]
    markets: tuple[MarketView, ...]
    prices: tuple[PriceDeclineView, ...]
    freshness: FreshnessView
    sources: tuple[SourceView, ...]
    colours: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    tiles: tuple[KpiTile, ...] = ()
    chains: ChainsView | None = None

    def charts(self) -> list[ChartView]:
        return [c for s in self.sections for c in s.charts]
