"""The thesis file schema (pydantic v2): theses, their source, and the rules that judge them against data.

A thesis file is YAML::

    version: 1
    theses:
      - id: B1
        text: ChatGPT missed its internal goal of 1 billion weekly active users by the end of 2025.
        stance: bear
        source: {title: "...", cites: ["WSJ, 2026-04-28"]}
        rules:
          - kind: target
            subject: {entity: openai, product: chatgpt, metric: weekly_active_users}
            due: 2025-12-31
            expect: missed

Every rule is one of the ``kind``s in :data:`RULE_KINDS`; ``all`` and ``any`` nest other rules. The models only
check shape and types; whether the data exists is the engine's question (a rule over a metric that has no data
is judged ``insufficient_data``, not rejected).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

__all__ = [
    "RULE_KINDS",
    "AllRule",
    "AnyRule",
    "ChainReturnRule",
    "ConcentrationRule",
    "GrowthCompareRule",
    "NewsSignalRule",
    "RankRule",
    "RatioRule",
    "Rule",
    "SaturationRule",
    "ShareChangeRule",
    "Source",
    "Stance",
    "Subject",
    "TargetRule",
    "Thesis",
    "ThesisFile",
    "ThresholdRule",
    "TrendRule",
]


def _human_number(value: Any) -> Any:
    """Accept 1000000000, "1B", "$13B" or "12%" where a number is expected (strings go through parse_human)."""
    if isinstance(value, str):
        from ..units import parse_human

        try:
            return parse_human(value)
        except ValueError:
            return value  # let pydantic report "expected a number"
    return value


Number = Annotated[float, BeforeValidator(_human_number)]
Op = Literal[">", ">=", "<", "<="]
DateOrLatest = dt.date | Literal["latest"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Stance(StrEnum):
    """Which side a thesis takes: the seed's bear case, its rebuttal, or a user's bull/neutral view."""

    bull = "bull"
    bear = "bear"
    rebuttal = "rebuttal"
    neutral = "neutral"


class Source(_Strict):
    """Where a thesis comes from: the post or note that states it, and what that text itself cites."""

    title: str = Field(min_length=1)
    url: str | None = None
    publisher: str | None = None
    date: dt.date | None = None
    cites: list[str] = Field(default_factory=list)


class Subject(_Strict):
    """One series of observations: an entity (and product), a metric, and optionally a basis or price tier.

    ``product`` omitted means entity-level rows only (no product); ``product: "*"`` means any product.
    ``tier`` (for model prices) means any product of the entity whose registry ``tier`` matches.
    ``kinds`` limits which kinds of actuals count (default official, reported and estimate).
    """

    entity: str = Field(min_length=1)
    metric: str = Field(min_length=1)
    product: str | None = None
    basis: str | None = None
    tier: str | None = None
    kinds: list[Literal["official", "reported", "estimate"]] | None = None

    @model_validator(mode="after")
    def _product_or_tier(self) -> Subject:
        if self.product is not None and self.tier is not None:
            raise ValueError("give either product or tier, not both")
        return self

    def describe(self) -> str:
        who = self.entity if self.product in (None, "*") else self.product
        if self.tier is not None:
            who = f"{self.entity} {self.tier}-tier"
        basis = f" ({self.basis})" if self.basis else ""
        return f"{who} {self.metric}{basis}"


class _Rule(_Strict):
    label: str | None = Field(default=None, description="A short description shown instead of the generated one.")


class ThresholdRule(_Rule):
    """The value of a series at (or near) a date, compared with a fixed number."""

    kind: Literal["threshold"]
    subject: Subject
    op: Op
    value: Number
    at: DateOrLatest = "latest"
    within_days: int = Field(default=60, ge=0)


class TrendRule(_Rule):
    """The sign of a series' annualised growth over a window (log-linear fit)."""

    kind: Literal["trend"]
    subject: Subject
    expect: Literal["up", "down", "flat"]
    start: dt.date | None = None
    end: dt.date | None = None
    tolerance: float = Field(default=0.0, ge=0, description="|annualised growth| at or below this counts as flat")
    min_points: int = Field(default=2, ge=2)


class GrowthCompareRule(_Rule):
    """Annualised growth of series ``a`` versus series ``b`` over the same window."""

    kind: Literal["growth_compare"]
    a: Subject
    b: Subject
    expect: Literal["a_faster", "b_faster"]
    start: dt.date | None = None
    end: dt.date | None = None
    margin: float = Field(default=0.0, ge=0, description="growth gap (0.1 = 10 points) below which it is mixed")
    min_points: int = Field(default=2, ge=2)


class ShareChangeRule(_Rule):
    """Change of a market share, in points, between the first and last observation of a window."""

    kind: Literal["share_change"]
    subject: Subject
    expect: Literal["gain", "loss", "stable"]
    start: dt.date | None = None
    end: dt.date | None = None
    min_change: float = Field(default=0.01, ge=0, description="points as a fraction: 0.01 = one point")


class SaturationRule(_Rule):
    """A fitted growth ceiling against the latest value: has the series peaked?"""

    kind: Literal["saturation"]
    subject: Subject
    expect: Literal["not_peaked", "peaked"]
    model: Literal["logistic", "gompertz"] = "logistic"
    margin: float = Field(default=0.1, ge=0, description="ceiling must exceed latest by this fraction")
    start: dt.date | None = None
    end: dt.date | None = None


class RatioSide(_Strict):
    numerator: Subject
    denominator: Subject


class RatioRule(_Rule):
    """numerator / denominator at a date, against a number (``value``) or another ratio (``versus``)."""

    kind: Literal["ratio"]
    numerator: Subject
    denominator: Subject
    op: Op
    value: Number | None = None
    versus: RatioSide | None = None
    at: DateOrLatest = "latest"
    within_days: int = Field(default=60, ge=0)
    align: Literal["same_date", "latest_each"] = Field(
        default="same_date",
        description="same_date: the denominator nearest the numerator's date; latest_each: each side's latest",
    )

    @model_validator(mode="after")
    def _value_or_versus(self) -> RatioRule:
        if (self.value is None) == (self.versus is None):
            raise ValueError("give exactly one of value (a number) or versus (another ratio)")
        return self


class TargetRule(_Rule):
    """A target (kind=target observation, as_of = due date) against the actuals around its due date."""

    kind: Literal["target"]
    subject: Subject
    expect: Literal["met", "missed"]
    due: dt.date | None = None
    within_days: int = Field(default=120, ge=0)


class ClaimedReturns(_Strict):
    a: Number
    b: Number


class ChainReturnRule(_Rule):
    """Reported basket returns of two chains over the same window (basket_return, basis "from YYYY-MM-DD")."""

    kind: Literal["chain_return"]
    a: str = Field(min_length=1)
    b: str = Field(min_length=1)
    expect: Literal["a_above_b", "b_above_a"]
    start: dt.date | None = None
    end: dt.date | None = None
    within_days: int = Field(default=45, ge=0)
    claimed: ClaimedReturns | None = None
    claim_tolerance: float = Field(default=0.25, ge=0, description="relative gap to a claimed return that is ok")


class ConcentrationRule(_Rule):
    """Concentration of a market (HHI and how many vendors hold real share) on one date."""

    kind: Literal["concentration"]
    market: str = Field(min_length=1)
    metric: str = "market_share"
    expect: Literal["competitive", "concentrated"]
    at: DateOrLatest = "latest"
    within_days: int = Field(default=60, ge=0)
    max_hhi: float = Field(default=1800, gt=0, description="DOJ/FTC 2023: above 1800 is highly concentrated")
    min_share: float = Field(default=0.10, gt=0, le=1)
    min_vendors: int = Field(default=2, ge=1)
    max_top_share: float | None = Field(default=None, gt=0, le=1, description="largest share allowed, if given")
    min_coverage: float = Field(default=0.5, ge=0, le=1, description="shares must cover this much of the market")


class RankRule(_Rule):
    """Rank of a subject among all entities with the same metric and basis on one date (1 = best)."""

    kind: Literal["rank"]
    subject: Subject
    op: Op
    value: int = Field(ge=1)
    at: DateOrLatest = "latest"
    within_days: int = Field(default=60, ge=0)


class NewsSignalRule(_Rule):
    """Share of triaged news items about a topic that are noise vs core variables (needs news triage data)."""

    kind: Literal["news_signal"]
    topic: str = Field(min_length=1)
    expect: Literal["noise", "core"]
    start: dt.date | None = None
    end: dt.date | None = None


class AllRule(_Rule):
    """Every nested rule must hold."""

    kind: Literal["all"]
    rules: list[Rule] = Field(min_length=1)


class AnyRule(_Rule):
    """At least one nested rule must hold."""

    kind: Literal["any"]
    rules: list[Rule] = Field(min_length=1)


Rule = Annotated[
    ThresholdRule
    | TrendRule
    | GrowthCompareRule
    | ShareChangeRule
    | SaturationRule
    | RatioRule
    | TargetRule
    | ChainReturnRule
    | ConcentrationRule
    | RankRule
    | NewsSignalRule
    | AllRule
    | AnyRule,
    Field(discriminator="kind"),
]

RULE_KINDS: tuple[str, ...] = (
    "threshold",
    "trend",
    "growth_compare",
    "share_change",
    "saturation",
    "ratio",
    "target",
    "chain_return",
    "concentration",
    "rank",
    "news_signal",
    "all",
    "any",
)

AllRule.model_rebuild()
AnyRule.model_rebuild()


class Thesis(_Strict):
    """A claim, who makes it, and the rules over data that judge it (combined with ``combine``)."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    text: str = Field(min_length=1)
    stance: Stance
    source: Source
    rebuts: list[str] = Field(default_factory=list, description="ids of the theses this one answers")
    rules: list[Rule] = Field(min_length=1)
    combine: Literal["all", "any"] = "all"
    note: str | None = None


class ThesisFile(_Strict):
    """A YAML file of theses."""

    version: Literal[1] = 1
    theses: list[Thesis] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> ThesisFile:
        seen: set[str] = set()
        for thesis in self.theses:
            if thesis.id in seen:
                raise ValueError(f'thesis id "{thesis.id}" appears twice')
            seen.add(thesis.id)
        return self
