"""Baskets: a named list of listings with a thesis, the source of each membership, weights and rebalancing.

A basket is a YAML file (the shipped ones live in ``corevar/chains/baskets/``; a user's in any folder passed to
:func:`load_baskets`). Fields::

    id: openai-chain            # lower-case, digits and dashes
    name: OpenAI chain
    kind: chain                 # chain | benchmark
    entity: openai_chain        # optional: the registry entity whose reported basket_return rows this basket prices
    thesis: [B7, B8]            # the theses it serves
    weights: equal              # equal | custom (each constituent's weight) | market_cap (each one's market_cap)
    rebalancing: none           # none (buy and hold) | monthly | quarterly (back to the target weights)
    constituents:
      - {ticker: ORCL.US, exchange: NYSE, company: Oracle, currency: USD, role: cloud / Stargate,
         sources: [{url: https://..., publisher: ..., published: 2025-12-08}]}

Why every constituent needs a source: a chain is a claim ("these stocks trade on OpenAI's story"), and a basket
whose membership cannot be traced is an invented number in disguise.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from corevar.errors import IngestError, Problem, UnknownNameError

__all__ = [
    "Basket",
    "Constituent",
    "MembershipSource",
    "bundled_baskets",
    "known_tickers",
    "load_basket_file",
    "load_baskets",
]

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MembershipSource(_Strict):
    """Where a constituent is named a member of the chain."""

    url: str = Field(min_length=8)
    publisher: str = Field(min_length=1)
    published: dt.date | None = None
    note: str = ""

    @field_validator("url")
    @classmethod
    def _http(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return v


class Constituent(_Strict):
    """One listing in a basket."""

    ticker: str = Field(min_length=1)
    exchange: str = Field(min_length=1)
    company: str = Field(min_length=1)
    currency: str = "USD"
    role: str = Field(min_length=1, description="its role in the chain: TPU design, optical modules, cloud, ...")
    entity: str | None = None
    weight: float | None = Field(default=None, gt=0)
    market_cap: float | None = Field(default=None, gt=0, description="in the basket's currency, for market_cap weights")
    sources: tuple[MembershipSource, ...] = Field(min_length=1)

    @field_validator("currency")
    @classmethod
    def _iso(cls, v: str) -> str:
        if not _CURRENCY.match(v):
            raise ValueError("must be a three-letter ISO 4217 code such as USD, JPY, CNY")
        return v


class Basket(_Strict):
    """A thematic basket (a chain) or a benchmark, as declared in its YAML file."""

    id: str
    name: str = Field(min_length=1)
    kind: Literal["chain", "benchmark"] = "chain"
    entity: str | None = None
    thesis: tuple[str, ...] = ()
    description: str = ""
    weights: Literal["equal", "custom", "market_cap"] = "equal"
    rebalancing: Literal["none", "monthly", "quarterly"] = "none"
    constituents: tuple[Constituent, ...] = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError("must be lower-case letters, digits and dashes, e.g. openai-chain")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Basket:
        tickers = [c.ticker for c in self.constituents]
        dupes = sorted({t for t in tickers if tickers.count(t) > 1})
        if dupes:
            raise ValueError(f"tickers listed twice: {', '.join(dupes)}")
        if self.weights == "custom":
            missing = [c.ticker for c in self.constituents if c.weight is None]
            if missing:
                raise ValueError(f"weights: custom needs a weight for every constituent; missing: {', '.join(missing)}")
        if self.weights == "market_cap":
            missing = [c.ticker for c in self.constituents if c.market_cap is None]
            if missing:
                names = ", ".join(missing)
                raise ValueError(f"weights: market_cap needs every constituent's market_cap; missing: {names}")
        return self

    @property
    def tickers(self) -> tuple[str, ...]:
        return tuple(c.ticker for c in self.constituents)

    def weight_vector(self) -> np.ndarray:
        """Target weights in constituent order, summing to 1 (equal, custom normalised, or cap-weighted)."""
        if self.weights == "custom":
            raw = np.array([c.weight for c in self.constituents], dtype=float)
        elif self.weights == "market_cap":
            raw = np.array([c.market_cap for c in self.constituents], dtype=float)
        else:
            raw = np.ones(len(self.constituents))
        return raw / raw.sum()

    def constituent(self, ticker: str) -> Constituent:
        for c in self.constituents:
            if c.ticker == ticker:
                return c
        raise UnknownNameError(f"{ticker} is not a constituent of basket {self.id}")


def load_basket_file(path: Path | str, text: str | None = None) -> Basket:
    """One basket from a YAML file; ``IngestError`` naming the file and field when it is not a valid basket."""
    import yaml

    name = str(path)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ~10x faster
    try:
        raw = yaml.load(text if text is not None else Path(path).read_text(encoding="utf-8"), Loader=loader)
    except (OSError, yaml.YAMLError) as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        where = None if line is None else line + 1
        raise IngestError([Problem(name, where, None, f"cannot read basket: {exc}")]) from None
    if not isinstance(raw, dict):
        raise IngestError([Problem(name, None, None, "a basket file must be a mapping with id, name, constituents")])
    try:
        return Basket.model_validate(raw)
    except ValidationError as exc:
        problems = [
            Problem(name, None, ".".join(str(p) for p in err["loc"]) or None, err["msg"]) for err in exc.errors()
        ]
        raise IngestError(problems) from None


def bundled_baskets() -> dict[str, Basket]:
    """The shipped baskets (OpenAI, Google and Anthropic chains, Bloomberg's two baskets, S&P 500, Nasdaq-100).

    Read once per process (the files ship inside the package and baskets are immutable); each call returns a
    new dict, so a caller may add to it.
    """
    return {b.id: b for b in _bundled()}


@functools.cache
def _bundled() -> tuple[Basket, ...]:
    folder = resources.files("corevar.chains") / "baskets"
    return tuple(
        load_basket_file(f"corevar/chains/baskets/{entry.name}", entry.read_text(encoding="utf-8"))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith((".yaml", ".yml"))
    )


def load_baskets(folders: Iterable[Path | str] = (), *, bundled: bool = True) -> dict[str, Basket]:
    """The shipped baskets plus every ``*.yaml`` in ``folders`` (a user's basket replaces a shipped one of the
    same id: that is how a user re-weights a shipped chain)."""
    out = bundled_baskets() if bundled else {}
    for folder in folders:
        base = Path(folder)
        files = [base] if base.is_file() else sorted([*base.glob("*.yaml"), *base.glob("*.yml")])
        for path in files:
            basket = load_basket_file(path)
            out[basket.id] = basket
    return out


def known_tickers(baskets: dict[str, Basket]) -> dict[str, str]:
    """Every ticker in any basket or benchmark, with its currency (the set a price file may name)."""
    out: dict[str, str] = {}
    for basket in baskets.values():
        for c in basket.constituents:
            out.setdefault(c.ticker, c.currency)
    return out
