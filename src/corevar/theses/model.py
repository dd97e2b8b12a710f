"""The thesis file schema (pydantic v2): theses, their source, subjects, and the shared pieces of rule models.

The rules themselves are plug-ins (:mod:`corevar.theses.kinds`): each kind brings its own model. The union a
file is validated against is built from whatever kinds are registered (:func:`thesis_file_model`), so a kind
registered by the chains or news package is accepted exactly like a built-in one.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, model_validator

__all__ = [
    "ACTUAL_KIND_NAMES",
    "Change",
    "DateOrLatest",
    "Number",
    "Op",
    "RuleModel",
    "Source",
    "Stance",
    "Subject",
    "Thesis",
    "ThesisFile",
    "thesis_file_model",
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


def _change(value: Any) -> Any:
    """A change: a fraction (0.5, "50%") or a factor written "10x" (kept as the string "10x")."""
    if isinstance(value, str) and value.strip().lower().endswith("x"):
        text = value.strip().lower()[:-1]
        try:
            factor = float(text)
        except ValueError:
            return value
        if factor <= 1:
            raise ValueError(f'a factor must be above 1 (e.g. "10x"); got "{value}"')
        return f"{factor:g}x"
    return _human_number(value)


Number = Annotated[float, BeforeValidator(_human_number)]
Change = Annotated[float | str, BeforeValidator(_change)]
Op = Literal[">", ">=", "<", "<="]
DateOrLatest = dt.date | Literal["latest"]
ACTUAL_KIND_NAMES = ("official", "reported", "estimate")


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
    ``basis`` omitted means any basis — allowed only when the store holds one basis for the subject (checked
    when the theses are loaded); ``""`` means rows without a basis.
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


class RuleModel(_Strict):
    """Base of every rule kind's model: ``kind`` (the discriminator, a Literal in each kind) and ``label``."""

    label: str | None = Field(default=None, description="a short description shown instead of the generated one")
    # where the rule sits in its file: (file name, YAML node) — set by the parser, used by load-time checks
    _origin: Any = PrivateAttr(default=None)


class Thesis(_Strict):
    """A claim, who makes it, and the rules over data that judge it (combined with ``combine``)."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    text: str = Field(min_length=1)
    stance: Stance
    source: Source
    rebuts: list[str] = Field(default_factory=list, description="ids of the theses this one answers")
    rules: list[Any] = Field(min_length=1)
    combine: Literal["all", "any"] = "all"
    note: str | None = None
    _origin: Any = PrivateAttr(default=None)


class ThesisFile(_Strict):
    """A YAML file of theses (validated through :func:`thesis_file_model`, which types ``rules``)."""

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


_BUILT: dict[tuple[type, ...], tuple[type[ThesisFile], Any]] = {}


def thesis_file_model(models: tuple[type[RuleModel], ...] | None = None) -> tuple[type[ThesisFile], Any]:
    """(ThesisFile model, Rule type) whose rules are the discriminated union of ``models`` plus all/any.

    Built once per set of registered kinds; ``models`` defaults to every registered kind's model.
    """
    if models is None:
        from .plugins import kinds

        models = tuple(k.model for k in kinds().values() if k.name not in ("all", "any"))
    if models in _BUILT:
        return _BUILT[models]
    from .plugins import kinds as registered

    AllRule, AnyRule = registered()["all"].model, registered()["any"].model

    class _All(AllRule):
        rules: list[RuleT] = Field(min_length=1, description="the nested rules")  # type: ignore[valid-type]

    class _Any(AnyRule):
        rules: list[RuleT] = Field(min_length=1, description="the nested rules")  # type: ignore[valid-type]

    RuleT = Annotated[Union[(*models, _All, _Any)], Field(discriminator="kind")]
    _All.model_rebuild(_types_namespace={"RuleT": RuleT})
    _Any.model_rebuild(_types_namespace={"RuleT": RuleT})

    class _Thesis(Thesis):
        rules: list[RuleT] = Field(min_length=1)  # type: ignore[valid-type]

    class _File(ThesisFile):
        theses: list[_Thesis] = Field(min_length=1)  # type: ignore[valid-type]

    _BUILT[models] = (_File, RuleT)
    return _File, RuleT
