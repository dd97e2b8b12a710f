"""The data model: metrics, entities, products, sources, observations and targets (pydantic v2).

These models describe one record each and validate when built. Bulk ingest does not build one model per row
(that would cap ingest far below the speed we need); it checks the same rules column-wise in DuckDB
(see ``ingest.py``) and the tests pin that both agree.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, model_validator


class Kind(StrEnum):
    """How a number is known. Actuals: official > reported > estimate. Forward-looking: target, projection."""

    official = "official"
    reported = "reported"
    estimate = "estimate"
    target = "target"
    projection = "projection"


FORWARD_KINDS = frozenset({Kind.target, Kind.projection})


class Metric(BaseModel):
    """One entry of the taxonomy: what is measured, in which unit, and whether more is better."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    core_variable: str
    unit: str
    higher_is_better: bool
    description: str
    basis: list[str] | None = None
    basis_required: bool = False


EntityKind = Literal["lab", "company", "chain", "index"]
ProductKind = Literal["assistant", "model", "coding_tool", "api", "cloud", "other"]


class Product(BaseModel):
    """A product of an entity (an assistant, a model, a coding tool). Models may carry a capability tier."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")
    name: str = Field(min_length=1)
    kind: ProductKind = "other"
    tier: str | None = None
    released: date | None = None


class Entity(BaseModel):
    """A lab, a company, a stock basket ("chain") or an index."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$")
    name: str = Field(min_length=1)
    kind: EntityKind
    tickers: list[str] = Field(default_factory=list)
    products: list[Product] = Field(default_factory=list)


class Source(BaseModel):
    """Where a number came from."""

    model_config = ConfigDict(frozen=True)

    url: HttpUrl
    publisher: str = Field(min_length=1)
    published: date
    title: str | None = None


class Observation(BaseModel):
    """One number about one subject: what it described (``as_of``) and when the world learned it (``published``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    entity: str
    product: str | None = None
    metric: str
    value: float
    low: float | None = None
    high: float | None = None
    unit: str
    basis: str | None = None
    as_of: date
    published: date
    kind: Kind
    source_url: HttpUrl
    publisher: str = Field(min_length=1)
    title: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.low is not None and self.low > self.value:
            raise ValueError(f"low {self.low} is above value {self.value}")
        if self.high is not None and self.high < self.value:
            raise ValueError(f"high {self.high} is below value {self.value}")
        if self.kind not in FORWARD_KINDS and self.published < self.as_of:
            raise ValueError(
                f"published {self.published} is before as_of {self.as_of}; only a target or projection "
                "may describe a date after it was published"
            )
        return self


class Target(BaseModel):
    """A goal: a subject should reach ``value`` of ``metric`` by ``due``. Stored as a kind=target observation."""

    model_config = ConfigDict(frozen=True)

    entity: str
    product: str | None = None
    metric: str
    value: float
    due: date
    source_url: HttpUrl
    publisher: str
    published: date
    note: str | None = None

    @classmethod
    def from_observation(cls, obs: Observation) -> Target:
        """The target view of a kind=target observation (its ``as_of`` is the due date)."""
        if obs.kind is not Kind.target:
            raise ValueError(f"observation kind is {obs.kind.value!r}, expected 'target'")
        return cls(
            entity=obs.entity,
            product=obs.product,
            metric=obs.metric,
            value=obs.value,
            due=obs.as_of,
            source_url=obs.source_url,
            publisher=obs.publisher,
            published=obs.published,
            note=obs.note,
        )
