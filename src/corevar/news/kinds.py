"""The ``news_noise`` rule kind (thesis R6): is a topic's coverage noise, and did the market treat it as such?

Registered into the thesis engine as a plug-in (imported by :mod:`corevar.theses.plugins` when present). It reads
triaged news from ``ctx.extras["news"]`` — a DataFrame (or list of dicts) with at least ``title``, ``published``
and ``signal`` (what :func:`corevar.news.triage.to_frame` returns, or :func:`news_extras`) — and, when prices are
loaded, ``ctx.extras["prices"]`` and ``ctx.extras["baskets"]`` from the chains package for the reaction part.

Module import stays light (no pandas, no scikit-learn): the engine imports it whenever theses are parsed.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Literal

from pydantic import Field

from ..theses.model import DateOrLatest, RuleModel
from ..theses.plugins import RuleKind, register
from ..theses.result import Verdict

__all__ = ["NewsNoiseRule", "judge_news_noise", "news_extras"]

S, C, M, N = Verdict.supported, Verdict.contradicted, Verdict.mixed, Verdict.insufficient_data


class NewsNoiseRule(RuleModel):
    """The share of noise in a topic's news coverage over a window; with prices, the reaction to noise vs core days."""

    kind: Literal["news_noise"]
    topic: list[str] = Field(min_length=1, description="words or phrases that put an item in the topic")
    match: Literal["all", "any"] = Field(default="all", description="`all`: every topic word must appear; `any`: one")
    start: dt.date | None = Field(default=None, description="first publication day counted (default: no limit)")
    end: DateOrLatest = Field(default="latest", description="last publication day counted (`latest`: as_of/today)")
    noise_share: float = Field(
        default=0.5, gt=0, le=1, description="the claim: at least this share of the topic is noise"
    )
    min_items: int = Field(default=5, ge=1, description="fewer topic items than this is insufficient data")
    basket: str | None = Field(default=None, description="chains basket whose members' reaction is measured (optional)")
    market: str | None = Field(default=None, description="benchmark basket for the market model (with `basket`)")
    window: tuple[int, int] = Field(default=(0, 1), description="event window in trading days around each news day")
    level: float = Field(default=0.05, gt=0, lt=1, description="significance level of the reaction test")


EXAMPLE = """\
kind: news_noise
label: coverage of the Altman-Musk feud is mostly noise
topic: [Musk, Altman]
noise_share: 0.5
min_items: 5
"""

DOC = """\
Selects the triaged items (``ctx.extras["news"]``, e.g. ``corevar news triage FEED``) whose title or summary
contains the `topic` words (`all` or `any`, case-insensitive), published in [`start`, `end`]. With fewer than
`min_items`: insufficient data. The noise share is the fraction whose signal is `noise`. S when it is at least
`noise_share`, M when it is within 0.15 below, C otherwise. With `basket` and `market` and prices loaded, the
abnormal returns of the basket's members on the topic's noise days and on the core-news days of the same window
are measured with the chains event study (market model, CAAR, t-test): a significant reaction to the noise days
(p < `level`) turns an S into an M, and the explanation gives both CAARs."""


def _rows(news: Any) -> list[dict[str, Any]]:
    if news is None:
        return []
    if hasattr(news, "to_dict"):
        return list(news.to_dict("records"))
    return [dict(r) for r in news]


def _day(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if hasattr(value, "date") and callable(value.date):
        try:
            return value.date()
        except (TypeError, ValueError):
            return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _in_topic(row: dict[str, Any], words: list[str], mode: str) -> bool:
    text = f"{row.get('title') or ''} {row.get('summary') or ''}".lower()
    hits = [w.lower() in text for w in words]
    return all(hits) if mode == "all" else any(hits)


def judge_news_noise(rule: NewsNoiseRule, ctx: Any) -> Any:
    news = (ctx.extras or {}).get("news")
    rows = _rows(news)
    if not rows:
        return ctx.result(
            rule, N, "no triaged news was given (run `corevar news triage FEED` and pass it to the check)",
            reason="no_data",
        )  # fmt: skip
    end = ctx.as_of or ctx.today if rule.end == "latest" else rule.end
    end = _day(end)
    topic, core_days = [], []
    for row in rows:
        day = _day(row.get("published"))
        if day is None or (rule.start and day < rule.start) or (end and day > end):
            continue
        if _in_topic(row, rule.topic, rule.match):
            topic.append((day, row))
        elif row.get("signal") == "core":
            core_days.append(day)
    words = f" {'and' if rule.match == 'all' else 'or'} ".join(rule.topic)
    window = (min((d for d, _ in topic), default=None), max((d for d, _ in topic), default=None))
    if len(topic) < rule.min_items:
        return ctx.result(
            rule, N, f"only {len(topic)} triaged item(s) mention {words} (need {rule.min_items}).",
            window=window, reason="too_few", items=float(len(topic)),
        )  # fmt: skip
    noise = [(d, r) for d, r in topic if r.get("signal") == "noise"]
    share = len(noise) / len(topic)
    cats: dict[str, int] = {}
    for _, r in topic:
        cats[str(r.get("category") or "?")] = cats.get(str(r.get("category") or "?"), 0) + 1
    mix = ", ".join(f"{k} {v}" for k, v in sorted(cats.items(), key=lambda kv: -kv[1]))
    verdict = S if share >= rule.noise_share else M if share >= rule.noise_share - 0.15 else C
    text = (
        f"{len(noise)} of {len(topic)} items mentioning {words} are noise ({share:.0%}; claim: at least "
        f"{rule.noise_share:.0%}); by category: {mix}."
    )
    figures: dict[str, float] = {"noise_share": share, "items": float(len(topic)), "noise_items": float(len(noise))}
    if rule.basket and rule.market:
        reaction = _reaction(rule, ctx, sorted({d for d, _ in noise}), sorted(set(core_days)))
        if isinstance(reaction, str):
            text += f" Market reaction not measured: {reaction}."
        else:
            (noise_caar, noise_p), (core_caar, core_p) = reaction
            text += (
                f" Abnormal return of {rule.basket} on noise days: CAAR {noise_caar:+.2%} (p = {noise_p:.3f}); on "
                f"core-news days: {core_caar:+.2%} (p = {core_p:.3f})."
            )
            figures.update(noise_caar=noise_caar, noise_p=noise_p, core_caar=core_caar, core_p=core_p)
            if verdict is S and noise_p < rule.level:
                verdict = M
                text += " The market did react to the noise days."
    return ctx.result(rule, verdict, text, window=window, **figures)


def _reaction(
    rule: NewsNoiseRule, ctx: Any, noise_days: list[dt.date], core_days: list[dt.date]
) -> tuple[tuple[float, float], tuple[float, float]] | str:
    """(CAAR, p) of the basket's members on noise days and on core days, or why it cannot be measured."""
    extras = ctx.extras or {}
    prices, baskets = extras.get("prices"), extras.get("baskets")
    if prices is None or baskets is None or len(prices) == 0:
        return "no prices were given"
    if rule.basket not in baskets or rule.market not in baskets:
        return f"unknown basket {rule.basket if rule.basket not in baskets else rule.market}"
    try:
        import numpy as np
        import pandas as pd
        from scipy import stats

        from ..analytics.events import event_study
        from ..chains.analysis import returns_from_prices
        from ..chains.prices import align
    except ImportError as exc:  # pragma: no cover - chains extra missing
        return f"the chains event study is not available ({exc.name})"
    basket, market = baskets[rule.basket], baskets[rule.market]
    mkt = market.tickers[0]
    members = list(basket.tickers)
    aligned = align(prices, [mkt, *members], field="adj_close").prices
    if mkt not in aligned:
        return f"no prices for the market ({mkt})"
    rets = returns_from_prices(aligned).iloc[1:]
    usable = [t for t in members if t in rets.columns and rets[t].notna().sum() > 30]
    if not usable:
        return f"no prices for {rule.basket}'s members"
    trading = rets.index[rets[mkt].notna()]

    def study(days: list[dt.date]) -> tuple[float, float] | None:
        idx = sorted({int(rets.index.get_loc(trading[trading >= pd.Timestamp(d)][0])) for d in days
                      if (trading >= pd.Timestamp(d)).any()})  # fmt: skip
        events = [(j, i) for j in range(len(usable)) for i in idx]
        if not events:
            return None
        try:
            res = event_study(
                rets[usable].to_numpy(dtype=float), rets[mkt].to_numpy(dtype=float), events, window=rule.window
            )
        except ValueError:
            return None
        p = float(2 * stats.norm.sf(abs(res.t))) if np.isfinite(res.t) else 1.0
        return float(res.caar), p

    noise, core = study(noise_days), study(core_days)
    if noise is None:
        return "too little price history around the noise days"
    if core is None:
        return "too little price history around the core-news days"
    return noise, core


def news_extras(store: Any = None, *, path: str | None = None, tiers: str | None = None) -> dict[str, Any]:
    """``{"news": frame}`` for the thesis engine: the shipped labelled headlines as triaged coverage.

    Why the stored labels and not the models: R6 asks what share of real coverage is noise, and the shipped set
    already says that for every headline (labelled by hand with the class definitions of docs/news.md, each with
    its outlet, date and URL). Reading them needs pandas only, so R6 is judged in a core install, in milliseconds.
    ``tiers="lexical"`` (or ``"auto"``) re-triages the same headlines with the classifier instead (news extra).

    ``store`` is accepted so the caller can pass its store (the engine's extras are built per store); triaged
    items are not stored by ``corevar news ingest`` (it stores accepted figures as observations), so nothing is
    read from it today. Headlines without a usable date are left out (R6 counts within a date window); headlines
    from the dated digest count from the day it listed them.
    """
    import pandas as pd

    from .classify import SIGNAL, labelled_set

    del store  # nothing stored to add (see above)
    frame = labelled_set(path)
    # a headline dated only to the month or year counts from its first day; one from the dated digest, which gives
    # no publication date, counts from the day the digest listed it (no later than that)
    day = frame["published"]
    if "listed" in frame:
        day = day.where(day != "", frame["listed"])
    padded = day.map(lambda t: {10: t, 7: f"{t}-01", 4: f"{t}-01-01"}.get(len(t), ""))
    frame = frame.assign(published=pd.to_datetime(padded, errors="coerce"))
    frame = frame[frame["published"].notna()].copy()
    if tiers:
        from .classify import TieredClassifier

        clf = TieredClassifier.trained(embedding=tiers != "lexical")
        out = clf.classify(frame["title"].tolist(), tiers=tiers)
        frame["category"] = [c.category for c in out]
        frame["tier"] = [c.tier for c in out]
    else:
        frame["category"] = frame["label"]
        frame["tier"] = "label"
    frame["signal"] = frame["category"].map(SIGNAL)
    return {"news": frame[["title", "published", "source", "url", "category", "signal", "tier"]]}


register(
    RuleKind(
        "news_noise", NewsNoiseRule, judge_news_noise, EXAMPLE, DOC, section="News", extras=("news",), windowed=False
    )
)
