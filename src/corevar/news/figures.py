"""Figures in news text -> candidate observations (entity, product, metric, value in base units, qualifier).

News writes numbers many ways — "$13 billion", "13B", "$13bn", "800M", "1.2 trillion", "900 million weekly
users", "a run-rate of $5bn", "up 12%", "a 32% share", "700–800 million", "more than"/"nearly"/"roughly",
"doubled", "5亿美元" — and often names several companies in one sentence. The extractor works sentence by sentence:

1. find every *quantity* (a number with a currency, a scale word, a percent sign, a Chinese unit, or a count noun
   right after it; ranges and "doubled"-style multipliers too), skipping years, model versions and ratios;
2. give it a *metric* from the nearest metric phrase in the same clause ("annualised revenue", "valued at",
   "weekly users", "share", ...), where the kind of quantity must fit the metric (money, count, percent, watts);
3. give it a *subject* from the nearest entity or product name in the same clause, preferring one before the
   number, then the headline's subject;
4. read the *qualifier* ("more than", "nearly", "about", "up to", a range) and whether the clause is forward
   looking ("expects", "targets", "by 2030"), and drop earlier values ("up from $5.5bn").

Precision comes first: a number whose metric or subject cannot be told is left out rather than guessed. Rates of
change ("up 12%", "doubled") are returned with ``relation="change"``: they inform a verdict but are not levels,
so ``corevar news ingest`` never writes them to the ledger.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from .lexicon import Lexicon, Mention

__all__ = ["Figure", "extract_figures"]

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE_WORDS = {
    "trillion": 1e12, "tn": 1e12, "tr": 1e12, "t": 1e12,
    "billion": 1e9, "bn": 1e9, "b": 1e9, "bln": 1e9,
    "million": 1e6, "mn": 1e6, "mln": 1e6, "m": 1e6, "mil": 1e6,
    "thousand": 1e3, "k": 1e3,
}  # fmt: skip
_CN_SCALE = {"万亿": 1e12, "亿": 1e8, "万": 1e4, "千": 1e3}
_SCALE = r"trillion|billion|million|thousand|bln|mln|mil|tn|bn|mn|tr|[tbmk](?![a-z])"
_CUR = r"(?:US\s?\$|\$|USD\s?)"

# One quantity: optional currency, a number or a range, an optional scale (English or Chinese), percent.
_QUANTITY = re.compile(
    rf"(?P<cur>{_CUR})?\s?(?P<a>{_NUM})\s?(?P<ascale>{_SCALE})?"
    rf"(?:\s?(?:–|—|-|to|and)\s?(?:{_CUR})?\s?(?P<b>{_NUM})\s?(?P<bscale>{_SCALE})?)?"
    r"(?:\s?(?P<cn>万亿|亿|万|千)(?P<cncur>美元|元|人民币)?)?"
    r"(?P<pct>\s?%|\s?percent\b|\s?per\s?cent\b|\s?percentage points?\b|\s?个百分点)?",
    re.IGNORECASE,
)
_WORD_QUANTITY = re.compile(r"\b(?P<cur>\$)?(?:a|one)\s+(?P<ascale>trillion|billion|million)\b", re.IGNORECASE)
_MULTIPLIER = re.compile(r"\b(doubled|doubling|tripled|tripling|quadrupled|quadrupling)\b", re.IGNORECASE)
_MULTIPLIER_VALUE = {"doubl": 1.0, "tripl": 2.0, "quadrupl": 3.0}

# Metric phrases: (pattern, metric, quantity kind). Earlier rows win where two phrases overlap.
_METRIC_PHRASES: list[tuple[str, str, str]] = [
    (
        r"per (?:1m|one million|million|1 million) (?:input |output )?tokens|/\s?(?:1m|million) tokens",
        "inference_price",
        "money",
    ),
    (
        r"annuali[sz]ed (?:revenue|run[- ]rate|sales|recurring revenue)|(?:revenue )?run[- ]rate(?: revenue| sales)?|"
        r"\bARR\b|"
        r"annual recurring revenue|annual(?:ised|ized)? revenue run|年化收入|年化",
        "arr",
        "money",
    ),
    (r"market (?:cap|value|capitali[sz]ation)", "market_cap", "money"),
    (
        r"valuation|valued at|valuing|value[sd]? (?:it|the company) at|post-money|pre-money|估值|(?<!deal )\bvalue\b",
        "valuation",
        "money",
    ),
    (r"\brevenues?\b|\bsales\b|营收|收入", "revenue", "money"),
    (r"funding|financing|round|rais(?:e|es|ed|ing)|融资", "funding_round", "money"),
    (r"investments?|backing", "_investment", "money"),
    (r"cash burn|burn(?:s|ed|ing)?(?: through)?", "cash_burn", "money"),
    (r"net loss|loss(?:es)?|\blose\b|\blost\b|losing|亏损", "net_loss", "money"),
    (r"capex|capital expenditures?|capital spending", "capex", "money"),
    (r"backlog", "cloud_backlog", "money"),
    (
        r"compute|data cent(?:er|re)s?|cloud (?:deal|contract|capacity|computing)|\bchips?\b|GPUs?|infrastructure|"
        r"Stargate|commit(?:ment|ted)?s?",
        "compute_commitments",
        "money",
    ),
    (
        r"weekly (?:active )?(?:users|people)|weekly active|(?:users|people) (?:every|each|a|per) week|\bWAUs?\b|"
        r"周活跃?(?:用户)?",
        "weekly_active_users",
        "count",
    ),
    (
        r"monthly (?:active )?(?:users|people)|monthly active|(?:users|people) (?:every|each|a|per) month|"
        r"\bMAUs?\b|月活跃?(?:用户)?",
        "monthly_active_users",
        "count",
    ),
    (r"daily (?:active )?(?:users|people)|daily active|\bDAUs?\b|日活跃?(?:用户)?", "daily_active_users", "count"),
    (
        r"(?:paying|paid) business users|business users|enterprise users|paying business|(?:enterprise )?seats",
        "business_users",
        "count",
    ),
    (r"(?:paying|paid) (?:subscribers|users|consumers)|subscribers|付费用户|订阅用户", "paying_subscribers", "count"),
    (
        r"(?:enterprise|business|corporate) (?:customers|clients)|customers|organi[sz]ations|businesses",
        "enterprise_customers",
        "count",
    ),
    (r"(?:subscription|conversion|paid|paying) rate|paid conversion|convert\w*", "paid_conversion", "percent"),
    (r"market share|share of|\bshare\b|份额", "market_share", "percent"),
    (r"gross margins?", "gross_margin", "percent"),
    (r"\bchurn", "churn", "percent"),
    (r"retention|retained", "paid_retention", "percent"),
    (
        r"adoption|penetration|of (?:US |U\.S\. |American )?(?:businesses|companies|enterprises)|Fortune 500",
        "enterprise_penetration",
        "percent",
    ),
    (r"gigawatts?|\bGW\b|megawatts?|\bMW\b", "compute_capacity", "watts"),
    # a count of plain "users"/"developers" says which metric only through its subject: a coding tool's users
    # are coding usage; for anything else the kind of user count is not stated, so the figure is dropped
    (r"(?:active )?(?:users|developers|coders)\b", "_users", "count"),
    # "a $38B deal": compute commitments when a compute vendor is named in the sentence, else nothing
    (r"\b(?:deal|contract|agreement|partnership|pact)s?\b", "_deal", "money"),
]
_PHRASES = [(re.compile(p, re.IGNORECASE), m, k, rank) for rank, (p, m, k) in enumerate(_METRIC_PHRASES)]
_UP = re.compile(r"\b(?:up|rose|rise[sn]?|rising|grew|grow(?:s|ing|th)?|increas\w*|jump\w*|surg\w*|soar\w*|climb\w*|"
                 r"gain\w*|add(?:ed|s)?|boost\w*|rall\w*)\b", re.IGNORECASE)  # fmt: skip
_DOWN = re.compile(r"\b(?:down|fell|fall(?:s|ing)?|drop\w*|declin\w*|slump\w*|tumbl\w*|plung\w*|sink\w*|sank|slid\w*|"
                   r"shed\w*|slip\w*|cut\w*|lower\w*|crash\w*|dive\w*|dove)\b", re.IGNORECASE)  # fmt: skip
_STOCK = re.compile(r"\b(?:shares?|stocks?|premarket|trading|Nasdaq|S&P)\b", re.IGNORECASE)
_PREVIOUS = re.compile(r"(?:\bup from|\bdown from|\bfrom|compared (?:with|to)|versus|\bvs\.?|"
                       r"(?<!more )(?<!less )(?<!fewer )(?<!rather )\bthan)"
                       r"\s*(?:about|around|roughly|nearly|just|some)?\s*$", re.IGNORECASE)  # fmt: skip
_QUALIFIERS: list[tuple[str, re.Pattern[str]]] = [
    ("up to", re.compile(r"\b(?:up to|as much as|as many as)\s*$", re.IGNORECASE)),
    ("more than", re.compile(r"(?:\bmore than|\bover|\babove|\bat least|\bexceed\w*|\bsurpass\w*|\btop(?:s|ped)?|"
                             r"\bcross(?:ed|es)?|\bnorth of|\bupwards of|\bbeyond|\bpassed|\bhit more than|超过|逾)"
                             r"\s*$", re.IGNORECASE)),
    ("nearly", re.compile(r"(?:\bnearly|\balmost|\bclose to|\bjust (?:under|shy of|below)|\bapproaching|\bshy of|"
                          r"\bnear|\bnears|\bunder|\bless than|接近|近)\s*$", re.IGNORECASE)),
    ("about", re.compile(r"(?:\babout|\baround|\broughly|\bapproximately|\bsome|~|\ban estimated|\bestimated|"
                         r"\bcirca|\bapprox\.?|约|大约)\s*$", re.IGNORECASE)),
]  # fmt: skip
_FORWARD = re.compile(r"\b(?:expect\w*|project\w*|forecast\w*|target\w*|aim\w*|plan\w*|goal|could|would|will|"
                      r"on track|on pace|by 20\d\d|through 20\d\d|predict\w*|seek\w*|hopes?|set to|poised to|"
                      r"on course|in talks|talks|discuss\w*|eye[sd]?|eyeing|upcoming|may|might|potential|"
                      r"to (?:hit|reach|top|deploy|build|raise|invest|spend|double|triple))\b",
                      re.IGNORECASE)  # fmt: skip
# a goal named right after the number: "in $830B valuation push", "a $1 trillion target"
_FORWARD_AFTER = re.compile(r"\s*(?:[\w-]+\s+){0,2}?(?:push|target|goal|ambition|bid)\b", re.IGNORECASE)
_THRESHOLD_BEFORE = re.compile(r"\b(?:join(?:s|ing)?|enter(?:s|ing)?)(?: the)?\s*$", re.IGNORECASE)
_THRESHOLD_AFTER = re.compile(r"\s*(?:[\w-]+\s+){0,3}?(?:away|short)\b|\s*(?:[\w-]+\s+){0,3}club\b", re.IGNORECASE)
# "10-gigawatt", "$10-billion": a hyphen before a scale or unit word joins it to the number
_UNIT_AFTER_HYPHEN = re.compile(r"(?:trillion|billion|million|thousand|gigawatts?|megawatts?|GW|MW)\b", re.IGNORECASE)
# verbs that state a level, for a bare large value with no metric word ("nears $4 trillion", not "adds $200bn")
_LEVEL_VERB = re.compile(r"\b(?:hits?|reach\w*|nears?|nearing|tops?|topped|cross\w*|pass\w*|surpass\w*|worth|valued|"
                         r"value of|at|record)\s+(?:\w+\s+)?$", re.IGNORECASE)  # fmt: skip
_TARGET = re.compile(r"\b(?:target\w*|goal|aim\w*)\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r";|\s[–—]\s|,?\s(?:while|whereas|but|although|compared with|against|versus|vs\.?)\s|"
                           r",\s(?:and|as)\s|\sand\s(?=[A-Z])", re.IGNORECASE)  # fmt: skip
_SENTENCE = re.compile(r"(?<=[.!?。！？])\s+(?=[A-Z\"“‘'(])|(?<=[。！？])|\n+")
_YEAR = re.compile(r"\b(?:in|for|during|fiscal|FY|full-year)\s?(20[1-3]\d)\b|"
                   r"\b(20[1-3]\d)(?:'s)? (?:revenue|sales|loss|losses|burn)\b", re.IGNORECASE)  # fmt: skip

_METRIC_UNIT = {
    "arr": "usd_per_year", "coding_revenue": "usd_per_year", "revenue": "usd", "valuation": "usd",
    "funding_round": "usd", "cash_burn": "usd", "net_loss": "usd", "capex": "usd", "cloud_backlog": "usd",
    "compute_commitments": "usd", "market_cap": "usd", "weekly_active_users": "users",
    "monthly_active_users": "users", "daily_active_users": "users", "paying_subscribers": "users",
    "business_users": "users", "enterprise_customers": "count", "coding_usage": "users", "market_share": "fraction",
    "gross_margin": "fraction", "churn": "fraction", "paid_retention": "fraction",
    "enterprise_penetration": "fraction", "compute_capacity": "watts", "inference_price": "usd_per_million_tokens",
    "close_price": "usd",
}  # fmt: skip
_USER_METRICS = frozenset({"weekly_active_users", "monthly_active_users", "daily_active_users"})
_ENTITY_LEVEL = frozenset(
    {"arr", "revenue", "valuation", "funding_round", "cash_burn", "net_loss", "capex", "compute_commitments",
     "market_cap", "enterprise_customers", "compute_capacity", "enterprise_penetration"}
)  # fmt: skip
# When a user count names only the company, the count is of its assistant (the ledger's convention).
DEFAULT_USER_PRODUCT = {
    "openai": "chatgpt", "google": "gemini", "anthropic": "claude", "xai": "grok", "meta": "meta-ai",
    "microsoft": "copilot", "deepseek": "deepseek-app", "perplexity": "perplexity",
}  # fmt: skip
_ALWAYS_ENTITY = frozenset(
    {"valuation", "funding_round", "cash_burn", "net_loss", "capex", "compute_commitments", "market_cap",
     "compute_capacity", "enterprise_customers", "enterprise_penetration"}
)  # fmt: skip
_BUYER_METRICS = frozenset({"compute_commitments", "compute_capacity"})
# Sellers of compute: in a compute deal with one of these and a lab, the lab is the one committing.
_COMPUTE_VENDORS = frozenset(
    {"oracle", "microsoft", "amazon", "google", "coreweave", "nvidia", "amd", "broadcom", "softbank", "arm", "micron"}
)
_FLOW_METRICS = frozenset({"revenue", "net_loss", "cash_burn", "capex"})
_BASIS_REQUIRED = {"market_share": "news_reported", "enterprise_penetration": "news_reported"}


@dataclass(frozen=True)
class Figure:
    """One reported number, ready to become a candidate observation (``relation="level"``) or a change."""

    entity: str
    product: str
    metric: str
    value: float
    unit: str
    as_of: str
    qualifier: str = ""
    low: float | None = None
    high: float | None = None
    basis: str = ""
    kind: str = "reported"
    relation: str = "level"
    text: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Quantity:
    start: int
    end: int
    value: float
    low: float | None
    high: float | None
    kind: str  # money | count | percent | watts | multiplier
    text: str
    explicit_scale: bool


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _scale(word: str | None) -> float:
    return _SCALE_WORDS.get(word.lower(), 1.0) if word else 1.0


def _quantities(sentence: str) -> list[_Quantity]:
    """Every quantity in one sentence, with its base-unit value and kind."""
    out: list[_Quantity] = []
    for m in _QUANTITY.finditer(sentence):
        a, b = m.group("a"), m.group("b")
        ascale, bscale, cn, pct = m.group("ascale"), m.group("bscale"), m.group("cn"), m.group("pct")
        money = bool(m.group("cur")) or (m.group("cncur") == "美元")
        if m.group("cncur") in ("元", "人民币"):
            continue  # not US dollars: the ledger holds USD only
        begin = m.start("cur") if m.group("cur") else m.start("a")
        stop = m.start() + len(m.group(0).rstrip())
        before = sentence[max(0, begin - 1) : begin]
        after = sentence[stop : stop + 1]
        if (
            (before.isascii() and before.isalpha())
            or before in ("-", ".", "/")
            or (after == "/" or (after == "-" and not _UNIT_AFTER_HYPHEN.match(sentence, stop + 1)))
            or (after.isascii() and after.isalpha() and not cn)
        ):
            continue  # part of a name or version: GPT-4o, Claude-3, Q3, 24/7
        # single-letter scales only count when attached to the number or money ("13B", "$5 m")
        for key, scale in (("ascale", ascale), ("bscale", bscale)):
            if scale and len(scale) == 1:
                raw = m.group(0)
                attached = re.search(rf"\d{re.escape(scale)}(?![a-z])", raw, re.IGNORECASE)
                if not attached and not money:
                    if key == "ascale":
                        ascale = None
                    else:
                        bscale = None
        if b is not None and not (bscale or ascale or pct or cn) and not money:
            # "2024-2025", "3 to 5": a range needs a scale, a currency or a percent to be a figure
            b = None
        factor = _scale(bscale or ascale)
        afactor = _scale(ascale) if ascale else factor
        if cn:
            factor = afactor = _CN_SCALE[cn]
        low = _number(a) * afactor
        value = low
        high = None
        if b is not None:
            high = _number(b) * factor
            if high < low:
                b, high = None, None
        if pct:
            kind = "points" if "point" in pct or "百分点" in pct else "percent"
            low = _number(a) / 100
            high = _number(b) / 100 if b is not None else None
            value = low
        elif money:
            kind = "money"
        elif ascale or bscale or cn:
            kind = "count"
        elif re.match(r"[\s-]?(?:gigawatts?|GW|megawatts?|MW)\b", sentence[stop : stop + 12], re.IGNORECASE):
            kind = "count"  # a power figure: the metric step reads the unit after it
        else:
            number = _number(a)
            if number < 1000 or re.fullmatch(r"(?:19|20)\d\d", a):
                continue  # a bare small number or a year is not a figure
            kind = "count"
        if value == 0:
            continue
        out.append(
            _Quantity(
                begin,
                stop,
                value if high is None else (low + high) / 2,
                low if high is not None else None,
                high,
                kind,
                sentence[begin:stop],
                bool(ascale or bscale or cn),
            )
        )
    for m in _WORD_QUANTITY.finditer(sentence):
        if any(q.start <= m.start() < q.end for q in out):
            continue
        kind = "money" if m.group("cur") else "count"
        out.append(_Quantity(m.start(), m.end(), _scale(m.group("ascale")), None, None, kind, m.group(0), True))
    for m in _MULTIPLIER.finditer(sentence):
        change = next(v for k, v in _MULTIPLIER_VALUE.items() if m.group(1).lower().startswith(k))
        out.append(_Quantity(m.start(), m.end(), change, None, None, "multiplier", m.group(0), False))
    return sorted(out, key=lambda q: q.start)


def _clauses(sentence: str) -> list[tuple[int, int]]:
    """Clause spans: where one company's figure ends and another's may begin."""
    cuts = [0] + [m.start() for m in _CLAUSE_BREAK.finditer(sentence)] + [len(sentence)]
    return [(cuts[i], cuts[i + 1]) for i in range(len(cuts) - 1)]


def _clause_of(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for start, end in spans:
        if start <= pos < end:
            return start, end
    return spans[-1]


_KIND_FITS = {
    "money": {"money"},
    "count": {"count"},
    "percent": {"percent"},
    "watts": {"watts"},
}


def _metric_for(sentence: str, q: _Quantity, clause: tuple[int, int]) -> tuple[str, int] | None:
    """The metric phrase nearest the quantity within its clause whose kind fits; (metric, distance)."""
    matches: list[tuple[int, int, str, str, int]] = []
    for pattern, metric, kind, rank in _PHRASES:
        for m in pattern.finditer(sentence):
            matches.append((m.start(), m.end(), metric, kind, rank))
    # drop phrases overlapped by an earlier-ranked one ("annualised revenue" is ARR, not revenue)
    kept = []
    for cand in matches:
        if any(o[4] < cand[4] and o[0] < cand[1] and cand[0] < o[1] for o in matches):
            continue
        kept.append(cand)
    want = "money" if q.kind == "money" else q.kind
    if q.kind == "count":
        # a scaled number followed by "GW" is power; else a count
        tail = sentence[q.end : q.end + 12]
        if re.match(r"[\s-]*(?:gigawatts?|GW|megawatts?|MW)\b", tail, re.IGNORECASE):
            want = "watts"
    best: tuple[int, str] | None = None
    lo, hi = clause
    for start, end, metric, kind, _rank in kept:
        if kind != want or start < lo - 0 or end > hi:
            continue
        if end <= q.start:
            gap = q.start - end
            if want == "count" and gap > 3:
                continue  # counts name their noun right after the number ("900 million weekly users")
        elif start >= q.end:
            gap = start - q.end
        else:
            continue
        if want == "count" and start >= q.end:
            between = sentence[q.end : start]
            if len(between.split()) > 3 or re.search(r"[,;.]", between):
                continue
        if want == "money" and gap > 60:
            continue
        if want == "money" and start >= q.end and re.search(r"[,:;].*(?:\$|US\s?\$|USD)\s?\d", sentence[q.end : start]):
            continue  # "to top $30B: $900B valuation": the phrase belongs to the second number
        if want in ("percent", "watts") and gap > 40:
            continue
        if start >= q.end and want in ("money", "count") and _same_phrase(sentence[q.end : start]):
            # several metric words in the noun phrase right after the number: its head (the last one) names it,
            # "$1 trillion AI chip sales" is sales, not chips
            gap = -end
        if best is None or gap < best[0]:
            best = (gap, metric)
    return (best[1], best[0]) if best else None


def _same_phrase(between: str) -> bool:
    """Whether text between a number and a word keeps them in one noun phrase (no punctuation, few words)."""
    # another number in between ("$500M at $9B valuation") means the word belongs to that one
    return len(between.split()) <= 3 and not re.search(
        r"[,;:.!?()$\d]|\b(?:to|from|for|of|by|on|with|and|at)\b", between, re.I
    )


_OVERTAKE = re.compile(r"\b(?:surpass\w*|overt(?:ak|ook)\w*|tops?|topped|beats?|leapfrog\w*|eclips\w*|outpac\w*|"
                       r"pass(?:es|ed)|dethron\w*|outstrip\w*|rival(?:s|ing)?)\s+$", re.IGNORECASE)  # fmt: skip
# the name is someone else's: "Google DeepMind researcher's AI startup raises", "OpenAI partner Crusoe valued"
_OTHERS = re.compile(r"['’]s\s+(?:[\w-]+\s+){0,2}(?:startup|start-up|company|firm|lab|venture|fund)\b|"
                     r"^\W*(?:[\w-]+\s+){0,1}(?:partner|rival|backer|alums?|alumni|investor|supplier|customer)s?\s+"
                     r"[A-Z]", re.IGNORECASE)  # fmt: skip
# a name after the number as a counterparty: "valued at $14 billion in Nvidia, Amazon-backed round", "from Amazon"
_COUNTERPARTY = re.compile(r"\b(?:in|from|by|with|led by|backed by)\s+(?:an?\s+|the\s+)?$", re.IGNORECASE)


def _subject(
    mentions: list[Mention], q: _Quantity, clause: tuple[int, int], title_subject: Mention | None, sentence: str = ""
) -> Mention | None:
    lo, hi = clause
    before = [m for m in mentions if lo <= m.start and m.end <= q.start]
    if before:
        # the clause's grammatical subject is usually its first name; a later name right before the number
        # ("OpenAI's rival Anthropic's $5bn") is closer, so prefer the nearest one -- unless that name is only the
        # one being overtaken ("Anthropic overtakes OpenAI with a $1T valuation")
        near = before[-1]
        if sentence and _OTHERS.search(sentence[near.end : q.start]):
            return None  # the figure belongs to a company the registry does not know: leave it unattributed
        for i in range(len(before) - 1, 0, -1):
            if _OVERTAKE.search(sentence[before[i - 1].end : before[i].start]) if sentence else False:
                return before[i - 1]
        return near
    after = [m for m in mentions if m.start >= q.end and m.end <= hi]
    if after:
        if sentence and _COUNTERPARTY.search(sentence[q.end : after[0].start]):
            return None  # the name after the number is an investor or a counterparty, not whose figure it is
        return after[0]
    earlier = [m for m in mentions if m.end <= q.start]
    if earlier:
        return earlier[-1]
    return title_subject


_PURE_LABS = ("openai", "anthropic", "xai", "deepseek", "mistral", "perplexity")
# companies whose revenue is their coding tool's: their ARR stays ARR (Anysphere's is Cursor's)
_CODING_COMPANIES = frozenset({"anysphere", "cognition", "replit"})
_RECEIVE = re.compile(r"\b(?:rais\w*|secur\w*|gets?|getting|got|receiv\w*|lands?|landed|musters?|attract\w*|draws?|"
                      r"wins?|won|clos\w*|nets?|bags?|seeks?|seeking|takes? in)\b", re.IGNORECASE)  # fmt: skip
_BUILD = re.compile(r"\b(?:data cent(?:er|re)s?|infrastructure|campus|supercomputer|facilit\w+)\b", re.IGNORECASE)


def _money_use(sentence: str, q: _Quantity, clause: tuple[int, int], metric: str) -> str:
    """What money called funding or investment is: a round raised, spending on compute, or neither.

    "Anthropic secures $25 billion investment" is a round; "announces $50 billion data center investment" and
    "raising $13bn for one Texas data centre" are spending on compute (the lab's commitments, a listed company's
    capex, decided once the subject is known); "launches a unit with $4B investment" is neither and is dropped.
    """
    lo, hi = clause
    after = sentence[q.end : min(hi, q.end + 45)]
    if _BUILD.search(after) and not re.search(r"\b(?:round|funding)\b", after, re.IGNORECASE):
        return "_capex_or_compute"
    if metric == "funding_round":
        return metric
    return "funding_round" if _RECEIVE.search(sentence[lo : q.start]) else ""


def _buyer(mentions: list[Mention]) -> Mention | None:
    """The lab in a sentence about compute (a lab with no listed shares first: it is the buyer, not a vendor)."""
    for m in mentions:
        if m.entity in _PURE_LABS:
            return m
    return None


def _consortium(mentions: list[Mention], q: _Quantity, clause: tuple[int, int], sentence: str) -> bool:
    """A figure of several companies together ("OpenAI, Oracle & SoftBank $500B data center push"): no one's own."""
    lo, _hi = clause
    before = [m for m in mentions if lo <= m.start and m.end <= q.start]
    listed = 1
    for a, b in itertools.pairwise(reversed(before)):
        if re.fullmatch(r"\s*(?:,|&|and)\s*(?:,|&|and)?\s*", sentence[b.end : a.start]):
            listed += 1
        else:
            break
    if listed >= 3:
        return True
    joint = re.search(r"\b(?:Stargate|joint venture|consortium|project|initiative|alliance|academy)\b", sentence, re.I)
    return listed == 2 and joint is not None


def _qualifier(prefix: str, q: _Quantity) -> str:
    if q.high is not None:
        return "range"
    for name, pattern in _QUALIFIERS:
        if pattern.search(prefix):
            return name
    return ""


def extract_figures(
    text: str, lexicon: Lexicon, *, published: date | None = None, title: str | None = None
) -> list[Figure]:
    """Every figure in ``text`` whose subject and metric can be told, in text order.

    ``title`` (when the text is a summary) gives the headline's subject as the fallback subject.
    """
    as_of = published.isoformat() if published else ""
    title_mentions = lexicon.mentions(title) if title else []
    figures: list[Figure] = []
    seen: set[tuple[str, str, str, float, str]] = set()
    first_mentions: Mention | None = title_mentions[0] if title_mentions else None
    for sentence in (s for s in _SENTENCE.split(text) if s and s.strip()):
        mentions = lexicon.mentions(sentence)
        if first_mentions is None and mentions:
            first_mentions = mentions[0]
        spans = _clauses(sentence)
        for q in _quantities(sentence):
            clause = _clause_of(spans, q.start)
            prefix = sentence[max(clause[0], q.start - 30) : q.start]
            if _PREVIOUS.search(prefix):
                continue  # an earlier value ("up from $5.5bn"): its date is not given
            tail = sentence[q.end : q.end + 40]
            if _THRESHOLD_BEFORE.search(prefix) or _THRESHOLD_AFTER.match(tail):
                continue  # a distance to a milestone or a club to join, not a level ("$150bn away from $4tn")
            if q.kind == "count" and re.match(r"\s*(?:\w+\s+)?new\b", tail, re.IGNORECASE):
                continue  # "1 million new users" is an increment, not a level
            relation = "level"
            value, low, high = q.value, q.low, q.high
            continue_change = q.kind in ("multiplier", "points")
            found: tuple[str, int] | None
            if q.kind == "percent":
                found = _metric_for(sentence, q, clause)
                near = sentence[max(clause[0], q.start - 25) : q.start]
                after = sentence[q.end : q.end + 12]
                if (
                    _UP.search(near)
                    or _DOWN.search(near)
                    or re.match(
                        r"\s*(?:rise|increase|jump|gain|drop|decline|"
                        r"fall|growth|higher|lower)",
                        after,
                        re.I,
                    )
                ) and (found is None or found[0] != "market_share" or found[1] > 12):
                    continue_change = True
                    if _DOWN.search(near) or re.match(r"\s*(?:drop|decline|fall|lower)", after, re.I):
                        value = -value
            if continue_change:
                relation = "change"
                metric = _change_metric(sentence, q, clause)
                if metric is None:
                    continue
                unit = "fraction"
                if q.kind == "points":
                    unit = "percentage_points"
                    value = q.value
            else:
                found = _metric_for(sentence, q, clause)
                metric = found[0] if found else ""
                near_text = sentence[max(clause[0], q.start - 40) : min(clause[1], q.end + 40)]
                if metric == "_deal":
                    vendors = {m.entity for m in mentions} & _COMPUTE_VENDORS
                    invest = re.search(r"\binvest", near_text, re.IGNORECASE)
                    metric = "compute_commitments" if vendors and _buyer(mentions) and not invest else ""
                if re.match(r"\s+(?:in (?:new |fresh )?funding\s+)?at (?:an? )?(?:US\s?\$|\$|USD)", sentence[q.end :]):
                    metric = "funding_round"  # "$110B at $730B valuation": the first is the round
                if metric in ("_investment", "funding_round"):
                    metric = _money_use(sentence, q, clause, metric)
                if not metric and q.kind == "money" and q.value >= 1e11:
                    # "Alphabet nears $4 trillion": a bare value that large for a listed company is its market value
                    subject = _subject(mentions, q, clause, first_mentions, sentence)
                    level = _LEVEL_VERB.search(sentence[max(0, q.start - 30) : q.start])
                    if subject is not None and lexicon.entity_tickers.get(subject.entity) and level:
                        metric = "market_cap"
                if not metric:
                    continue
                unit = _METRIC_UNIT.get(metric, "")
                if metric == "compute_capacity":
                    value = _to_watts(sentence, q)
                    low = high = None
            if _consortium(mentions, q, clause, sentence):
                continue  # a joint figure of several companies is none of theirs alone
            subject = _subject(mentions, q, clause, first_mentions, sentence)
            if metric == "_capex_or_compute":
                metric = "compute_commitments" if subject is not None and subject.entity in _PURE_LABS else "capex"
                unit = _METRIC_UNIT[metric]
            if metric in _BUYER_METRICS:
                if _buyer(mentions) is not None:
                    subject = _buyer(mentions)  # compute is bought by the lab, whoever sells it
                elif subject is not None and subject.entity in _COMPUTE_VENDORS:
                    continue  # a vendor's chips or data centres are not its compute commitments
            if subject is None:
                continue
            entity = subject.entity
            product = subject.product if metric == "inference_price" else lexicon.subject_product(subject.product)
            assistant = lexicon.product_kind.get(product) == "assistant"
            if metric in _ALWAYS_ENTITY or (metric in _ENTITY_LEVEL and assistant):
                product = ""
            coding_tool = lexicon.product_kind.get(product) == "coding_tool"
            if metric == "arr" and coding_tool and entity not in _CODING_COMPANIES:
                metric, unit = "coding_revenue", "usd_per_year"
            if (metric in _USER_METRICS or metric == "_users") and lexicon.product_kind.get(product) == "coding_tool":
                metric, unit = "coding_usage", "users"
            if metric == "_users":
                continue  # plain "users" of anything but a coding tool: which count (weekly, monthly) is not said
            if metric in _USER_METRICS and not product:
                product = DEFAULT_USER_PRODUCT.get(entity, "")
            basis, fig_as_of = "", as_of
            if relation == "level" and metric in _FLOW_METRICS:
                year = _YEAR.search(sentence)
                if year:
                    y = year.group(1) or year.group(2)
                    basis, fig_as_of = f"fy{y}", f"{y}-12-31"
            if relation == "level" and metric == "inference_price":
                io_word = re.search(r"\b(input|output)\b", sentence[q.end : q.end + 40], re.IGNORECASE)
                basis = io_word.group(1).lower() if io_word else "blended"
            basis = basis or _BASIS_REQUIRED.get(metric, "")
            kind = "reported"
            clause_text = sentence[clause[0] : q.start]
            goal_after = _FORWARD_AFTER.match(sentence[q.end : clause[1]])
            if _FORWARD.search(clause_text):
                kind = "target" if _TARGET.search(clause_text) or goal_after else "projection"
            elif goal_after:
                kind = "target"
            elif basis.startswith("fy") and published and int(basis[2:]) > published.year:
                kind = "projection"
            key = (entity, product, metric, round(value, 6), relation)
            if key in seen:
                continue
            seen.add(key)
            figures.append(
                Figure(
                    entity=entity,
                    product=product,
                    metric=metric,
                    value=value,
                    unit=unit,
                    as_of=fig_as_of,
                    qualifier=_qualifier(prefix, q),
                    low=low,
                    high=high,
                    basis=basis,
                    kind=kind,
                    relation=relation,
                    text=q.text,
                )
            )
    return figures


def _to_watts(sentence: str, q: _Quantity) -> float:
    tail = sentence[q.end : q.end + 12].lower()
    raw = q.value
    if "mw" in tail or "megawatt" in tail:
        return raw * 1e6
    return raw * 1e9


def _change_metric(sentence: str, q: _Quantity, clause: tuple[int, int]) -> str | None:
    """What a rate of change is about: the nearest metric phrase in the clause, else a share price."""
    best: tuple[int, str] | None = None
    lo, hi = clause
    for pattern, metric, _kind, _rank in _PHRASES:
        if metric in ("funding_round", "compute_commitments"):
            continue
        for m in pattern.finditer(sentence, lo, hi):
            gap = q.start - m.end() if m.end() <= q.start else m.start() - q.end
            if gap < 0 or gap > 50:
                continue
            if best is None or gap < best[0]:
                best = (gap, metric)
    if best:
        return best[1]
    if _STOCK.search(sentence[lo:hi]):
        return "close_price"
    return None
