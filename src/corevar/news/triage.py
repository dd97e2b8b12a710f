"""Triage: each news item -> category, signal, calibrated confidence, entities/products, and its figures.

This is the one pipeline behind ``corevar news triage`` and the Python API. Classification needs the ``news`` extra
(the lexical tier; torch for the embedding tier); reading, entity matching and figure extraction do not, and still
run with ``classify=False`` (items are then marked ``category=""``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from .figures import Figure, extract_figures
from .items import NewsItem
from .lexicon import Lexicon

if TYPE_CHECKING:
    import pandas as pd

    from .classify import TieredClassifier

__all__ = ["TriagedItem", "to_frame", "to_records", "triage"]


@dataclass
class TriagedItem:
    """One item as triaged. ``figures`` are candidate observations whose source is the item."""

    item: NewsItem
    category: str
    signal: str
    confidence: float | None
    tier: str
    entities: list[str]
    products: list[str]
    figures: list[Figure] = field(default_factory=list)

    def as_record(self) -> dict[str, Any]:
        """A flat JSON-ready record (what ``--format jsonl`` writes): the item's id and url are kept."""
        item = self.item
        return {
            "id": item.id,
            "position": item.position,
            "title": item.title,
            "published": item.published.isoformat() if item.published else None,
            "source": item.source,
            "url": item.url,
            "category": self.category,
            "signal": self.signal,
            "confidence": self.confidence,
            "tier": self.tier,
            "entities": self.entities,
            "products": self.products,
            "figures": [f.as_dict() for f in self.figures],
        }


def triage(
    items: Sequence[NewsItem],
    *,
    registry: Any = None,
    tiers: str = "auto",
    classify: bool = True,
    classifier: TieredClassifier | None = None,
) -> list[TriagedItem]:
    """Classify every item and extract its figures; entities and products come out as the registry's ids.

    ``tiers``: ``auto`` (lexical, escalating low-confidence items to the embedding tier when installed),
    ``lexical`` or ``embedding``. ``registry`` defaults to the bundled one (the CLI passes the store's).
    """
    lexicon = Lexicon.from_registry(registry)
    labels: list[Any] = [None] * len(items)
    if classify and items:
        if classifier is None:
            from .classify import TieredClassifier, embedding_available

            classifier = TieredClassifier.trained(embedding=tiers != "lexical" and embedding_available())
        labels = classifier.classify([i.text for i in items], tiers=tiers)
    out: list[TriagedItem] = []
    for item, label in zip(items, labels, strict=True):
        mentions = lexicon.mentions(item.text)
        entities = list(dict.fromkeys(m.entity for m in mentions))
        products = list(dict.fromkeys(m.product for m in mentions if m.product))
        figures = extract_figures(item.text, lexicon, published=item.published, title=item.title)
        out.append(
            TriagedItem(
                item=item,
                category=label.category if label else "",
                signal=label.signal if label else "",
                confidence=label.confidence if label else None,
                tier=label.tier if label else "",
                entities=entities,
                products=products,
                figures=figures,
            )
        )
    return out


def to_records(triaged: Sequence[TriagedItem]) -> list[dict[str, Any]]:
    return [t.as_record() for t in triaged]


def to_frame(triaged: Sequence[TriagedItem]) -> pd.DataFrame:
    """One row per item (figures as a count and a short text), for tables, CSV and ``ctx.extras["news"]``."""
    import pandas as pd

    rows = []
    for t in triaged:
        record = t.as_record()
        record["entities"] = " ".join(t.entities)
        record["products"] = " ".join(t.products)
        record["figures"] = "; ".join(_figure_text(f) for f in t.figures)
        record["summary"] = t.item.summary
        rows.append(record)
    frame = pd.DataFrame(rows, columns=[*_COLUMNS, "summary"])
    frame["published"] = pd.to_datetime(frame["published"])
    return frame


_COLUMNS = [
    "id",
    "position",
    "title",
    "published",
    "source",
    "url",
    "category",
    "signal",
    "confidence",
    "tier",
    "entities",
    "products",
    "figures",
]


def _figure_text(f: Figure) -> str:
    from ..units import format_value

    subject = f"{f.entity}/{f.product}" if f.product else f.entity
    if f.relation == "change":
        return (
            f"{subject} {f.metric} change {f.value:+.0%}" if f.unit == "fraction" else f"{subject} {f.metric} {f.text}"
        )
    qualifier = f"{f.qualifier} " if f.qualifier and f.qualifier != "range" else ""
    value = format_value(f.value, f.unit)
    if f.qualifier == "range" and f.low is not None and f.high is not None:
        value = f"{format_value(f.low, f.unit)}–{format_value(f.high, f.unit)}"
    return f"{subject} {f.metric} {qualifier}{value}"


def figure_dicts(triaged: Sequence[TriagedItem]) -> list[dict[str, Any]]:
    """Every figure with the item it came from (position, id, url, title, published, source)."""
    out = []
    for t in triaged:
        for f in t.figures:
            row = asdict(f)
            row.update(
                item_position=t.item.position,
                item_id=t.item.id,
                item_url=t.item.url,
                item_title=t.item.title,
                item_published=t.item.published.isoformat() if t.item.published else "",
                item_source=t.item.source,
                category=t.category,
            )
            out.append(row)
    return out
