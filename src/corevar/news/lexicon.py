"""Names in text -> the registry's entity and product ids.

News names companies and products the way people do ("the ChatGPT maker", "Alphabet", "Claude Code"), so the
matcher is built from the registry itself (every entity and product name, with a parenthesised alias such as
"Google (Alphabet)" split in two) plus a short list of common aliases below. Only ids the registry knows are ever
returned: an alias whose entity is missing from the registry is ignored, so a user's registry decides.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Lexicon", "Mention"]

# Common ways news refers to a registered entity or product; applied only when the id is in the registry.
ENTITY_ALIASES: dict[str, tuple[str, ...]] = {
    "openai": ("OpenAI", "Open AI", "ChatGPT maker", "ChatGPT-maker", "ChatGPT developer", "ChatGPT owner"),
    "anthropic": ("Anthropic", "Claude maker", "Claude-maker", "Claude developer"),
    "google": ("Google", "Alphabet", "Google DeepMind", "DeepMind"),
    "xai": ("xAI", "x.AI", "Grok maker"),
    "meta": ("Meta", "Meta Platforms", "Facebook parent"),
    "microsoft": ("Microsoft",),
    "deepseek": ("DeepSeek",),
    "mistral": ("Mistral", "Mistral AI"),
    "perplexity": ("Perplexity",),
    "anysphere": ("Anysphere", "Cursor maker"),
    "cognition": ("Cognition", "Cognition AI"),
    "replit": ("Replit",),
    "amazon": ("Amazon", "AWS", "Amazon Web Services"),
    "nvidia": ("Nvidia", "NVIDIA", "Nvidia's"),
    "amd": ("AMD", "Advanced Micro Devices"),
    "oracle": ("Oracle",),
    "coreweave": ("CoreWeave",),
    "softbank": ("SoftBank", "Softbank"),
    "broadcom": ("Broadcom",),
    "micron": ("Micron",),
    "arm": ("Arm Holdings",),
}
PRODUCT_ALIASES: dict[str, tuple[str, ...]] = {
    "chatgpt": ("ChatGPT", "Chat GPT"),
    "codex": ("Codex",),
    "claude": ("Claude",),
    "claude-code": ("Claude Code",),
    "gemini": ("Gemini", "Gemini app"),
    "grok": ("Grok",),
    "meta-ai": ("Meta AI",),
    "copilot": ("Microsoft Copilot", "Copilot"),
    "github-copilot": ("GitHub Copilot",),
    "cursor": ("Cursor",),
    "deepseek-app": ("DeepSeek app",),
    "google-cloud": ("Google Cloud",),
    "ai-mode": ("AI Mode",),
}
# Product kinds a headline figure can be about; a model name ("GPT-5") is a release, not a subject of a count.
SUBJECT_KINDS = frozenset({"assistant", "coding_tool", "api", "cloud", "other"})


@dataclass(frozen=True)
class Mention:
    """One name found in text: where, and which entity (and product, if a product was named)."""

    start: int
    end: int
    entity: str
    product: str


def _split_names(name: str) -> list[str]:
    """'Google (Alphabet)' -> ['Google (Alphabet)', 'Google', 'Alphabet']."""
    out = [name]
    match = re.match(r"^(.*?)\s*\((.*?)\)\s*$", name)
    if match:
        out += [match.group(1), match.group(2)]
    return [n.strip() for n in out if len(n.strip()) >= 2]


class Lexicon:
    """Finds entity and product mentions in text, returning registry ids.

    Built from anything with ``entities`` (id -> object with ``name``, ``kind`` and ``products``) — the
    :class:`corevar.registry.Registry` value object or the older ``{id: Entity}`` mapping.
    """

    def __init__(self, entities: Mapping[str, Any]) -> None:
        names: dict[str, tuple[str, str]] = {}
        spellings: set[str] = set()
        self.entity_kind: dict[str, str] = {}
        self.product_kind: dict[str, str] = {}
        product_owner: dict[str, str] = {}
        self.entity_tickers: dict[str, list[str]] = {}
        for eid, entity in entities.items():
            self.entity_kind[eid] = str(getattr(entity, "kind", ""))
            self.entity_tickers[eid] = list(getattr(entity, "tickers", []) or [])
            if self.entity_kind[eid] in ("chain", "index"):
                continue
            for n in _split_names(entity.name):
                names.setdefault(n.lower(), (eid, ""))
            for product in getattr(entity, "products", []) or []:
                product_owner[product.id] = eid
                self.product_kind[product.id] = str(product.kind)
        for eid, aliases in ENTITY_ALIASES.items():
            if eid in self.entity_kind:
                for n in aliases:
                    names[n.lower()] = (eid, "")
        for entity in entities.values():
            if self.entity_kind.get(entity.id) in ("chain", "index"):
                continue
            for product in getattr(entity, "products", []) or []:
                for n in _split_names(product.name):
                    names.setdefault(n.lower(), (entity.id, product.id))
        for pid, aliases in PRODUCT_ALIASES.items():
            if pid in product_owner:
                for n in aliases:
                    names[n.lower()] = (product_owner[pid], pid)
        for entity in entities.values():
            spellings.update(_split_names(entity.name))
            for product in getattr(entity, "products", []) or []:
                spellings.update(_split_names(product.name))
        for table in (ENTITY_ALIASES, PRODUCT_ALIASES):
            for aliases in table.values():
                spellings.update(aliases)
        self._spellings = spellings
        # Longest names first so "Claude Code" wins over "Claude" and "Google Cloud" over "Google".
        ordered = sorted(names, key=len, reverse=True)
        self._names = names
        self._pattern = re.compile(
            r"(?<![A-Za-z0-9_-])(" + "|".join(re.escape(n) for n in ordered) + r")(?:'s|’s)?(?![A-Za-z0-9_-])",
            re.IGNORECASE,
        )

    @classmethod
    def from_registry(cls, registry: Any = None) -> Lexicon:
        """From a Registry value object; the bundled registry when none is given."""
        if registry is None:
            from .. import registry as registry_module

            bundled = getattr(registry_module, "Registry", None)
            registry = bundled.bundled() if bundled is not None else None
            if registry is None:  # pragma: no cover - older registry module
                return cls(registry_module.entities())
        return cls(registry.entities)

    def mentions(self, text: str) -> list[Mention]:
        """Every mention, in text order (case-insensitive; short all-caps names must match case)."""
        out: list[Mention] = []
        for match in self._pattern.finditer(text):
            raw = match.group(1)
            eid, pid = self._names[raw.lower()]
            # "Meta" the company vs "meta" the word, "Arm"/"arm", "Cursor"/"cursor": require a capital letter.
            if not raw[0].isupper() and raw not in self._spellings:
                continue
            out.append(Mention(match.start(1), match.end(1), eid, pid))
        return out

    def subject_product(self, product: str) -> str:
        """The product id when it can be the subject of a figure (an app, a tool), else '' (the entity)."""
        return product if product and self.product_kind.get(product) in SUBJECT_KINDS else ""
