"""One colour per company, the same on every chart, table dot and tile (Okabe–Ito hues, colour-blind safe).

Colour means company, only company: other entities are grey context, and verdict colours never enter a chart.
"""

from __future__ import annotations

__all__ = ["COMPANY", "GREY", "colour"]

COMPANY: dict[str, str] = {
    "openai": "#009E73",
    "anthropic": "#D55E00",
    "google": "#0072B2",
    "meta": "#56B4E9",
    "microsoft": "#E69F00",
    "deepseek": "#CC79A7",
    "xai": "#000000",
}
# further companies (a user's own entities included) take these in first-seen order, then grey
EXTRA: tuple[str, ...] = ("#882255", "#44AA99", "#999933", "#AA4499", "#332288", "#117733")
GREY = "#8C8C8C"


def colour(entity: str, assigned: dict[str, str]) -> str:
    """The entity's fixed colour; new entities take the next spare hue (recorded in ``assigned``), then grey."""
    if entity in COMPANY:
        return COMPANY[entity]
    if entity not in assigned:
        used = set(assigned.values())
        spare = [c for c in EXTRA if c not in used]
        assigned[entity] = spare[0] if spare else GREY
    return assigned[entity]
