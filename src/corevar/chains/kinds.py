"""Chain rule kinds for the thesis engine: basket returns, return attribution and event studies over prices.

Registered as plug-ins (``corevar.theses.plugins.OPTIONAL`` imports this module). Each kind judges from prices
when the check is handed them (``extras["prices"]``: the long price frame of :meth:`Store.prices`, with
``extras["fx"]`` and ``extras["baskets"]`` optional -- see :func:`corevar.chains.engine_extras`), and otherwise
from the reported moves in the dataset (``basket_return`` observations of the basket's registry entity), saying
"reported:" in the explanation so a reader knows which path gave the verdict.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any, Literal

from pydantic import Field

from corevar.theses.model import Number, RuleModel, Subject
from corevar.theses.plugins import RuleKind, register
from corevar.theses.result import Evidence, RuleResult, Verdict

__all__ = ["ChainAttributionRule", "ChainEventRule", "ChainReturnRule"]

S, C, M, N = Verdict.supported, Verdict.contradicted, Verdict.mixed, Verdict.insufficient_data


# -- shared plumbing -------------------------------------------------------------------------------------------


def _baskets(ctx: Any) -> dict[str, Any]:
    got = ctx.extras.get("baskets")
    if got:
        return dict(got)
    from corevar.chains.baskets import bundled_baskets

    return bundled_baskets()


_MEMO: dict[str, Any] = {"raw": None, "fx": None, "items": {}}
"""Results for the price frame of the check in progress. Robustness re-judges each rule many times with the same
prices (only observations are left out), so a basket's series is computed once per (basket, window, currency).
Keyed on the identity of the frames handed in ``extras``: a new check (new frames) starts afresh."""


def _memo(ctx: Any) -> dict[Any, Any]:
    raw, fx = ctx.extras.get("prices"), ctx.extras.get("fx")
    if _MEMO["raw"] is not raw or _MEMO["fx"] is not fx:
        _MEMO.update(raw=raw, fx=fx, items={})
    return _MEMO["items"]


def _prices(ctx: Any) -> Any:
    """The price frame known on the check's as-of date (prices after it did not exist yet), or None."""
    frame = ctx.extras.get("prices")
    if frame is None or len(frame) == 0:
        return None
    if ctx.as_of is None:
        return frame
    memo = _memo(ctx)
    key = ("prices", ctx.as_of)
    if key not in memo:
        import pandas as pd

        cut = frame[pd.to_datetime(frame["date"]) <= pd.Timestamp(ctx.as_of)]
        memo[key] = cut if len(cut) else None
    return memo[key]


def _series(ctx: Any, prices: Any, basket: Any, start: Any, end: Any, currency: str) -> Any:
    """``basket_series`` for the check's prices: members aligned once per basket, each window valued once."""
    from corevar.chains.analysis import basket_prices, basket_series

    memo = _memo(ctx)
    ident = (ctx.as_of, basket.id, basket.model_dump_json(), currency)
    key = ("series", *ident, start, end)
    if key not in memo:
        try:
            if ("aligned", *ident) not in memo:
                memo[("aligned", *ident)] = basket_prices(basket, prices, fx=ctx.extras.get("fx"), currency=currency)
            memo[key] = basket_series(
                basket, prices, start=start, end=end, currency=currency, aligned=memo[("aligned", *ident)]
            )
        except ValueError as exc:  # e.g. no FX for a currency: remembered and raised again
            memo[key] = exc
    got = memo[key]
    if isinstance(got, ValueError):
        raise got
    return got


def _pct(x: float) -> str:
    return f"{x * 100:+.1f}%" if math.isfinite(x) else "n/a"


def _sources(frame: Any, tickers: Any) -> str:
    if frame is None or "source" not in frame.columns:
        return "price file"
    key = ("sources", id(frame), tuple(tickers))
    names = _MEMO["items"].get(key) if _MEMO["raw"] is not None else None
    if names is None:
        names = sorted({str(s) for s in frame.loc[frame["ticker"].isin(list(tickers)), "source"].dropna().unique()})
        if _MEMO["raw"] is not None:
            _MEMO["items"][key] = names
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "") or "price file"


def _price_evidence(role: str, basket: Any, value: float, start: Any, end: Any, publisher: str) -> Evidence:
    return Evidence(
        role=role,
        entity=basket.entity or basket.id,
        product=None,
        metric="basket_return",
        basis=f"from {start.isoformat()}",
        value=value,
        unit="fraction",
        as_of=end,
        published=None,
        kind="computed",
        publisher=f"corevar chains: {basket.name} from prices ({publisher})",
        source_url="",
    )


def _reported(ctx: Any, rule: Any, result: RuleResult, why: str) -> RuleResult:
    """A result of the reported path, relabelled as this rule's with the reason prices were not used."""
    text = f"reported: {result.explanation} (from reported moves: {why})"
    return dataclasses.replace(
        result,
        kind=rule.kind,
        label=rule.label or result.label,
        explanation=text,
        figures={**result.figures, "from_prices": 0.0},
    )


def _day(value: Any) -> dt.date:
    import pandas as pd

    return pd.Timestamp(value).date()


# -- chain_return ----------------------------------------------------------------------------------------------


class ChainReturnRule(RuleModel):
    """The return of basket ``a`` against basket ``b`` over one window."""

    kind: Literal["chain_return"]
    a: str = Field(min_length=1, description="a basket id (`corevar chains list`)")
    b: str = Field(min_length=1, description="the basket it is compared with")
    start: dt.date = Field(description="first day of the window")
    end: dt.date = Field(description="last day of the window")
    expect: Literal["a_above_b", "b_above_a"] = Field(description="`a_above_b` or `b_above_a`")
    by_more_than: Number = Field(default=0.0, ge=0, description="the lead must exceed this many points of return")
    claimed: dict[str, Number] | None = Field(
        default=None, description="claimed returns `{a: 3.0, b: 0.75}`, checked within `claim_tolerance`"
    )
    claim_tolerance: float = Field(default=0.25, ge=0, description="relative gap to a claimed return that is ok")
    currency: Literal["local", "USD"] = Field(
        default="local", description="`local` (each member's own currency) or `USD` (needs FX rates)"
    )
    within_days: int = Field(default=7, ge=0, description="how far the priced window may start/end from the rule's")
    min_coverage: float = Field(
        default=0.5, gt=0, le=1, description="share of each basket's weight that must be priced to judge from prices"
    )
    reported_start: dt.date | None = Field(
        default=None, description="window start of the reported basket returns to fall back on (default: start)"
    )
    reported_end: dt.date | None = Field(default=None, description="their as-of date (default: end)")
    reported_within_days: int = Field(default=45, ge=0, description="tolerance on the reported as-of date")


CHAIN_RETURN_EXAMPLE = """\
kind: chain_return
label: the Google chain rose more than the OpenAI chain over the year to the WSJ report
a: google-chain
b: openai-chain
start: 2025-04-28
end: 2026-04-28
expect: a_above_b
claimed: {a: 3.0, b: 0.75}
reported_start: 2024-12-31
reported_end: 2025-12-08
"""

CHAIN_RETURN_DOC = """\
From prices: each basket's value over [`start`, `end`] (its weights and rebalancing, `currency`; see
docs/chains.md), S when the expected basket leads by more than `by_more_than`, M when it leads by less, C when
it does not lead; with `claimed`, a lead whose size is off the claim by more than `claim_tolerance` (relative)
is M. Prices must cover `min_coverage` of each basket's weight and reach within `within_days` of both ends.
Otherwise, from the reported `basket_return` rows of the baskets' registry entities over
[`reported_start`, `reported_end`] (as the `compare` kind judges them), labelled "reported"; N when neither exists."""


def _claim_text(rule: ChainReturnRule, ra: float, rb: float) -> tuple[bool, str]:
    if not rule.claimed:
        return False, ""
    off = [
        (who, got, claim)
        for who, got, claim in ((rule.a, ra, rule.claimed.get("a")), (rule.b, rb, rule.claimed.get("b")))
        if claim and abs(got - claim) / abs(claim) > rule.claim_tolerance
    ]
    if off:
        gaps = "; ".join(f"{w} {_pct(g)} against a claimed {_pct(c)}" for w, g, c in off)
        return True, f", but the sizes differ from the claim: {gaps}"
    return False, f", matching the claimed {_pct(rule.claimed.get('a', 0))} vs {_pct(rule.claimed.get('b', 0))}"


def judge_chain_return(rule: ChainReturnRule, ctx: Any) -> RuleResult:
    baskets = _baskets(ctx)
    unknown = [x for x in (rule.a, rule.b) if x not in baskets]
    if unknown:
        text = f"unknown basket {', '.join(unknown)} (known: {', '.join(sorted(baskets))})."
        return ctx.result(rule, N, text, reason="no_data")
    ba, bb = baskets[rule.a], baskets[rule.b]
    prices = _prices(ctx)
    why = "no prices were given"
    if prices is not None:
        try:
            sa, sb = (_series(ctx, prices, b, rule.start, rule.end, rule.currency) for b in (ba, bb))
        except ValueError as exc:  # e.g. no FX for a currency
            sa = sb = None
            why = str(exc)
        if sa is not None and sb is not None:
            problem = _coverage_problem(rule, (ba, sa), (bb, sb))
            if problem is None:
                return _judge_prices(rule, ctx, prices, (ba, sa), (bb, sb))
            why = problem
    return _chain_return_reported(rule, ctx, ba, bb, why)


def _coverage_problem(rule: ChainReturnRule, *pairs: Any) -> str | None:
    for basket, series in pairs:
        target = basket.weight_vector()
        priced = float(sum(target[basket.tickers.index(t)] for t in series.weights.index))
        if series.start is None or priced < rule.min_coverage:
            need = f"{rule.min_coverage:.0%}"
            return f"prices cover {priced:.0%} of {basket.name}'s weight at {rule.start}, {need} needed"
        late = (series.start.date() - rule.start).days > rule.within_days
        early = (rule.end - series.end.date()).days > rule.within_days
        if late or early:
            return (
                f"prices of {basket.name} run {series.start.date()} to {series.end.date()}, not within "
                f"{rule.within_days} days of {rule.start} to {rule.end}"
            )
    return None


def _judge_prices(rule: ChainReturnRule, ctx: Any, prices: Any, pa: Any, pb: Any) -> RuleResult:
    (ba, sa), (bb, sb) = pa, pb
    ra, rb = sa.total, sb.total
    sign = 1 if rule.expect == "a_above_b" else -1
    gap = sign * (ra - rb)
    lead, other = (ba, bb) if sign == 1 else (bb, ba)
    verdict = S if gap > rule.by_more_than else C if gap <= 0 else M
    off, claim = _claim_text(rule, ra, rb)
    if off and verdict is S:
        verdict = M
    start, end = _day(min(sa.start, sb.start)), _day(max(sa.end, sb.end))
    excluded = [
        f"{b.name}: {len(s.excluded)} of {len(b.constituents)} members unpriced" for b, s in (pa, pb) if s.excluded
    ]
    notes = f" ({'; '.join(excluded)})" if excluded else ""
    margin = f" (more than {rule.by_more_than * 100:.0f} points needed)" if rule.by_more_than else ""
    text = (
        f"{ba.name} {_pct(ra)} vs {bb.name} {_pct(rb)} from {start} to {end} ({rule.currency} prices, "
        f"{_sources(prices, ba.tickers + bb.tickers)}){notes}: {lead.name} "
        f"{'ahead of' if gap > 0 else 'not ahead of'} {other.name} by {abs(gap) * 100:.1f} points{margin}{claim}."
    )
    publisher = _sources(prices, ba.tickers + bb.tickers)
    evidence = [
        _price_evidence("a", ba, ra, start, end, publisher),
        _price_evidence("b", bb, rb, start, end, publisher),
    ]
    return ctx.result(rule, verdict, text, evidence, window=(start, end), a=ra, b=rb, gap=sign * gap, from_prices=1.0)


def _chain_return_reported(rule: ChainReturnRule, ctx: Any, ba: Any, bb: Any, why: str) -> RuleResult:
    if not ba.entity or not bb.entity:
        missing = ba.name if not ba.entity else bb.name
        return ctx.result(
            rule, N, f"{why}, and {missing} has no registry entity with reported returns.", reason="no_data"
        )
    from corevar.theses.kinds.compare import CompareRule

    start = rule.reported_start or rule.start
    end = rule.reported_end or rule.end
    basis = f"from {start.isoformat()}"
    proxy = CompareRule(
        kind="compare",
        label=rule.label,
        a=Subject(entity=ba.entity, metric="basket_return", basis=basis),
        b=Subject(entity=bb.entity, metric="basket_return", basis=basis),
        expect=rule.expect,
        by_more_than=rule.by_more_than,
        at=end,
        within_days=rule.reported_within_days,
    )
    result = ctx.judge(proxy)
    if result.verdict is S and rule.claimed and "a" in result.figures and "b" in result.figures:
        off, claim = _claim_text(rule, result.figures["a"], result.figures["b"])
        if off:
            result = dataclasses.replace(result, verdict=M, explanation=result.explanation.rstrip(".") + claim + ".")
    return _reported(ctx, rule, result, why)


register(
    RuleKind(
        "chain_return",
        ChainReturnRule,
        judge_chain_return,
        CHAIN_RETURN_EXAMPLE,
        CHAIN_RETURN_DOC,
        lambda rule, ctx: f"{rule.a} vs {rule.b}, {rule.start} to {rule.end}",
        section="stock chains",
        windowed=True,
        extras=("prices", "fx", "baskets"),
    )
)


# -- chain_event -----------------------------------------------------------------------------------------------


class ChainEventRule(RuleModel):
    """Abnormal returns of a basket's members around one news day, against a market model."""

    kind: Literal["chain_event"]
    basket: str = Field(min_length=1, description="the basket whose members are tested")
    members: list[str] | None = Field(default=None, description="only these tickers of the basket (default: all)")
    market: str = Field(min_length=1, description="a benchmark basket (its first ticker is the market series)")
    date: dt.date = Field(description="the news day (day 0 is the first trading day on or after it)")
    window: tuple[int, int] = Field(default=(0, 0), description="event window in trading days around day 0")
    estimation: tuple[int, int] = Field(default=(-250, -11), description="estimation window of the market model")
    expect: Literal["negative", "positive", "not_positive", "not_negative"] = Field(
        description="`negative`/`positive`: a significant abnormal move that way; `not_positive`/`not_negative`: none"
    )
    level: float = Field(default=0.05, gt=0, lt=1, description="significance level of the tests")
    reported_threshold: Number = Field(
        default=0.02, ge=0, description="reported path: mean move beyond the market's that counts as a reaction"
    )
    reported_basis: str | None = Field(
        default=None, description="basis of the reported day moves (default: `from` the day before `date`)"
    )


CHAIN_EVENT_EXAMPLE = """\
kind: chain_event
label: OpenAI-linked names fell more than the market explains on the WSJ report day
basket: openai-bloomberg
market: sp500
date: 2026-04-28
expect: negative
"""

CHAIN_EVENT_DOC = """\
From prices: a market model per member on the `estimation` window, abnormal returns on the `window` around the
news day, their mean CAR (CAAR) with a t-test, a sign test and Corrado's rank test (docs/chains.md). For
`negative`: S when the CAAR is negative and both the t-test and a non-parametric test reject "no reaction" at
`level`, M when only one does, C otherwise (`positive` mirrors it). For `not_positive`: C when the CAAR is
significantly positive by both tests, M by one, else S. Without prices, from the reported day moves of the
members' and the market's registry entities (`basket_return`, basis `from <day before>`): the mean move beyond
the market's against `reported_threshold`, labelled "reported"."""


def _event_verdict(rule: ChainEventRule, caar: float, t_sig: bool, np_sig: bool) -> Verdict:
    tests = int(t_sig) + int(np_sig)
    if rule.expect in ("negative", "positive"):
        right = caar < 0 if rule.expect == "negative" else caar > 0
        return S if right and tests == 2 else M if right and tests == 1 else C
    wrong = caar > 0 if rule.expect == "not_positive" else caar < 0
    return C if wrong and tests == 2 else M if wrong and tests == 1 else S


def judge_chain_event(rule: ChainEventRule, ctx: Any) -> RuleResult:
    baskets = _baskets(ctx)
    unknown = [x for x in (rule.basket, rule.market) if x not in baskets]
    if unknown:
        return ctx.result(rule, N, f"unknown basket {', '.join(unknown)}.", reason="no_data")
    basket, market = baskets[rule.basket], baskets[rule.market]
    members = [t for t in basket.tickers if rule.members is None or t in rule.members]
    prices = _prices(ctx)
    why = "no prices were given"
    if prices is not None:
        got = _event_from_prices(rule, ctx, prices, basket, market, members)
        if isinstance(got, RuleResult):
            return got
        why = got
    return _event_reported(rule, ctx, basket, market, members, why)


def _event_from_prices(
    rule: ChainEventRule, ctx: Any, prices: Any, basket: Any, market: Any, members: list[str]
) -> RuleResult | str:
    import numpy as np

    from corevar.chains.analysis import event_table

    memo = _memo(ctx)
    key = ("event", ctx.as_of, basket.id, tuple(members), market.tickers[0], rule.date, rule.window, rule.estimation)
    if key not in memo:
        try:
            memo[key] = event_table(
                basket,
                prices,
                market.tickers[0],
                [rule.date],
                window=rule.window,
                estimation=rule.estimation,
                members=members,
            )
        except ValueError as exc:
            memo[key] = str(exc)
    if isinstance(memo[key], str):
        return memo[key]
    table, study = memo[key]
    if study is None:
        return f"too little price history before {rule.date} to fit a market model for any member"
    from scipy import stats

    t_p = float(2 * stats.norm.sf(abs(study.t))) if math.isfinite(study.t) else 1.0
    np_p = min(study.sign_p if study.n > 1 else 1.0, study.rank_p if math.isfinite(study.rank_p) else 1.0)
    verdict = _event_verdict(rule, study.caar, t_p < rule.level, np_p < rule.level)
    fitted = table[table["car"].notna()] if "car" in table.columns else table.iloc[0:0]
    names = list(fitted["ticker"])
    skipped = [t for t in table["ticker"] if t not in set(names)]
    each = ", ".join(f"{n} {_pct(c)}" for n, c in zip(names, fitted["car"], strict=True))
    day = table["date"].iloc[0]
    skipped_text = f"; left out (no prices or history): {', '.join(skipped)}" if skipped else ""
    text = (
        f"{basket.name} around {day} (window {rule.window[0]:+d}..{rule.window[1]:+d} trading days, market "
        f"{market.name}): CAAR {_pct(study.caar)} over {study.n} member(s) ({each}); t = {study.t:.2f} "
        f"(p = {t_p:.3f}), {study.negative} fell / {study.positive} rose (sign p = {study.sign_p:.3f}), rank "
        f"p = {study.rank_p:.3f} ({_sources(prices, [*names, market.tickers[0]])}){skipped_text}."
    )
    evidence = [_price_evidence("car", basket, study.caar, day, day, _sources(prices, names))]
    return ctx.result(
        rule,
        verdict,
        text,
        evidence,
        window=(day, day),
        caar=study.caar,
        t=study.t,
        sign_p=study.sign_p,
        rank_p=study.rank_p,
        members=float(study.n),
        from_prices=1.0,
        mean_beta=float(np.mean([e.beta for e in study.events])),
    )


def _event_reported(
    rule: ChainEventRule, ctx: Any, basket: Any, market: Any, members: list[str], why: str
) -> RuleResult:
    basis = rule.reported_basis or f"from {(rule.date - dt.timedelta(days=1)).isoformat()}"
    from corevar.theses.kinds._common import nearest

    def move(entity: str | None) -> Any:
        if not entity:
            return None
        series = ctx.series(Subject(entity=entity, metric="basket_return", basis=basis))
        return nearest(series, rule.date, 0), series

    got_market = move(market.entity)
    if got_market is None or got_market[0] is None:
        return ctx.result(
            rule, N, f"{why}, and no reported move of {market.name} on {rule.date} ({basis}).", reason="no_data"
        )
    mrow, mseries = got_market
    evidence = [ctx.evidence(mrow, "market", mseries)]
    gaps = []
    names = []
    for t in members:
        ent = basket.constituent(t).entity
        got = move(ent)
        if got is None or got[0] is None:
            continue
        row, series = got
        evidence.append(ctx.evidence(row, "member", series))
        gaps.append(row.value - mrow.value)
        names.append(f"{ctx.entity_name(ent)} {_pct(row.value)}")
    if not gaps:
        return ctx.result(
            rule,
            N,
            f"{why}, and no reported move of any {basket.name} member on {rule.date}.",
            [evidence[0]],
            reason="no_data",
        )
    mean = sum(gaps) / len(gaps)
    down = sum(g < 0 for g in gaps)
    th = float(rule.reported_threshold)
    if rule.expect in ("negative", "positive"):
        sgn = -1 if rule.expect == "negative" else 1
        right = sum((g * sgn) > 0 for g in gaps)
        verdict = S if sgn * mean > th and right * 2 > len(gaps) else C if sgn * mean <= 0 else M
    else:
        sgn = 1 if rule.expect == "not_positive" else -1
        verdict = C if sgn * mean > th else S if sgn * mean <= 0 else M
    text = (
        f"reported: on {rule.date} {', '.join(names)} against {market.name} {_pct(mrow.value)}: mean move "
        f"beyond the market {_pct(mean)} ({down} of {len(gaps)} below it; {th * 100:.0f} points count as a "
        f"reaction; market-adjusted, no model) (from reported moves: {why})."
    )
    return ctx.result(
        rule,
        verdict,
        text,
        evidence,
        window=(rule.date, rule.date),
        mean_abnormal=mean,
        members=float(len(gaps)),
        from_prices=0.0,
    )


register(
    RuleKind(
        "chain_event",
        ChainEventRule,
        judge_chain_event,
        CHAIN_EVENT_EXAMPLE,
        CHAIN_EVENT_DOC,
        lambda rule, ctx: f"{rule.basket} on {rule.date}",
        section="stock chains",
        windowed=False,
        extras=("prices", "baskets"),
    )
)


# -- chain_attribution -----------------------------------------------------------------------------------------


class ChainAttributionRule(RuleModel):
    """The share of a basket's return that some of its members (or a driver) account for."""

    kind: Literal["chain_attribution"]
    basket: str = Field(min_length=1, description="the basket")
    start: dt.date = Field(description="first day of the window")
    end: dt.date = Field(description="last day of the window")
    by: Literal["members", "earnings_growth", "rerating"] = Field(
        default="members",
        description="`members` (contribution of `members`), or a driver of the P/E split (needs eps observations)",
    )
    members: list[str] = Field(default_factory=list, description="tickers whose contribution is measured (by: members)")
    op: Literal[">", ">=", "<", "<="] = Field(description="how the share compares with `value`")
    value: Number = Field(description="the share of the basket's return, e.g. 0.5")
    currency: Literal["local", "USD"] = Field(default="local", description="`local` or `USD` (needs FX)")
    eps_metric: str = Field(default="eps", description="metric holding earnings per share (by a driver)")
    within_days: int = Field(default=120, ge=0, description="how far an EPS report may be from the window's ends")


CHAIN_ATTRIBUTION_EXAMPLE = """\
kind: chain_attribution
label: Alphabet itself accounts for at least a tenth of the Google chain's rise
basket: google-chain
start: 2025-04-28
end: 2026-04-28
by: members
members: [GOOGL.US]
op: ">="
value: 0.1
"""

CHAIN_ATTRIBUTION_DOC = """\
From prices: the basket's buy-and-hold contributions (weight x member return, summing to the basket's
return; docs/chains.md). `by: members` compares the share of the return from `members` with `value` by `op`.
`by: earnings_growth` or `rerating` splits each member's price return into EPS growth and P/E change
(`ln(P1/P0) = ln(EPS1/EPS0) + ln(PE1/PE0)`) using `eps_metric` observations of its registry entity within
`within_days` of each end, and compares that driver's share of the basket's return. N without prices (there is
no reported attribution) or without EPS for members holding half the weight."""


def _share_verdict(rule: ChainAttributionRule, share: float) -> Verdict:
    from corevar.theses.kinds._common import OPS

    return S if OPS[rule.op](share, float(rule.value)) else C


def judge_chain_attribution(rule: ChainAttributionRule, ctx: Any) -> RuleResult:

    baskets = _baskets(ctx)
    if rule.basket not in baskets:
        return ctx.result(rule, N, f"unknown basket {rule.basket}.", reason="no_data")
    basket = baskets[rule.basket]
    prices = _prices(ctx)
    if prices is None:
        return ctx.result(
            rule,
            N,
            f"needs prices of {basket.name}'s members (corevar prices ingest); no reported "
            "attribution exists to fall back on.",
            reason="no_data",
        )
    try:
        bs = _series(ctx, prices, basket, rule.start, rule.end, rule.currency)
    except ValueError as exc:
        return ctx.result(rule, N, f"{exc}.", reason="no_data")
    if bs.start is None or not math.isfinite(bs.total) or bs.total == 0:
        return ctx.result(
            rule, N, f"no return of {basket.name} can be computed from the prices given.", reason="no_data"
        )
    start, end = _day(bs.start), _day(bs.end)
    total = bs.total
    publisher = _sources(prices, basket.tickers)
    if rule.by == "members":
        part = float(bs.contribution.reindex(rule.members).fillna(0.0).sum())
        share = part / total
        text = (
            f"{', '.join(rule.members)} contributed {_pct(part)} of {basket.name}'s {_pct(total)} from {start} to "
            f"{end} ({share:.0%} of it; {publisher}): share {rule.op} {float(rule.value):.0%} "
            f"{'holds' if _share_verdict(rule, share) is S else 'does not hold'}."
        )
        evidence = [_price_evidence("basket", basket, total, start, end, publisher)]
        return ctx.result(
            rule,
            _share_verdict(rule, share),
            text,
            evidence,
            window=(start, end),
            share=share,
            total=total,
            from_prices=1.0,
        )
    return _driver_share(rule, ctx, basket, bs, start, end, publisher)


def _driver_share(
    rule: ChainAttributionRule, ctx: Any, basket: Any, bs: Any, start: dt.date, end: dt.date, publisher: str
) -> RuleResult:
    import numpy as np

    from corevar.analytics.attribution import attribute
    from corevar.theses.kinds._common import nearest

    parts, weight, evidence = 0.0, 0.0, []
    lacking = []
    for ticker, contrib in bs.contribution.items():
        c = basket.constituent(ticker)
        w = float(bs.weights[ticker])
        series = ctx.series(Subject(entity=c.entity, metric=rule.eps_metric)) if c.entity else None
        e0 = nearest(series, start, rule.within_days) if series is not None else None
        e1 = nearest(series, end, rule.within_days) if series is not None else None
        if e0 is None or e1 is None or e0.value <= 0 or e1.value <= 0 or e0.id == e1.id:
            lacking.append(ticker)
            continue
        total_i = contrib / w  # the member's own return over the window
        got = attribute(e0.value, e1.value, price_start=1.0, price_end=1.0 + total_i)
        driver = got.earnings_growth if rule.by == "earnings_growth" else got.rerating
        parts += w * float(np.asarray(driver))
        weight += w
        evidence += [ctx.evidence(e0, "eps_start", series), ctx.evidence(e1, "eps_end", series)]
    if weight < 0.5:
        return ctx.result(
            rule,
            N,
            f"needs {rule.eps_metric} observations near {start} and {end} for members holding half of "
            f"{basket.name}'s weight; missing for {', '.join(lacking)}.",
            evidence,
            reason="no_data",
        )
    covered_total = float(sum(bs.contribution[t] for t in bs.contribution.index if t not in lacking))
    share = parts / covered_total if covered_total else float("nan")
    text = (
        f"{rule.by.replace('_', ' ')} accounts for {share:.0%} of the return of {basket.name}'s members with EPS "
        f"reports ({weight:.0%} of its weight) from {start} to {end} ({publisher}): share {rule.op} "
        f"{float(rule.value):.0%} {'holds' if _share_verdict(rule, share) is S else 'does not hold'}."
    )
    return ctx.result(
        rule, _share_verdict(rule, share), text, evidence, window=(start, end), share=share, from_prices=1.0
    )


register(
    RuleKind(
        "chain_attribution",
        ChainAttributionRule,
        judge_chain_attribution,
        CHAIN_ATTRIBUTION_EXAMPLE,
        CHAIN_ATTRIBUTION_DOC,
        lambda rule, ctx: f"attribution of {rule.basket}",
        section="stock chains",
        windowed=True,
        extras=("prices", "baskets"),
    )
)
