"""The Registry value object: bundled, from the store's tables, frozen, and named lookups."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from corevar.models import Entity, Product
from corevar.registry import Registry, closest


def test_bundled_has_the_shipped_names():
    reg = Registry.bundled()
    assert reg.entity_name("openai") == "OpenAI"
    assert reg.product_name("chatgpt") == "ChatGPT"
    assert reg.metric_name("weekly_active_users") == "WAU"
    assert reg.product_entity["chatgpt"] == "openai"
    assert "users" in reg.core_variables
    assert Registry.bundled() is reg  # read once


def test_frozen():
    reg = Registry.bundled()
    with pytest.raises(dataclasses.FrozenInstanceError):
        reg.metrics = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        reg.entities["x"] = None  # type: ignore[index]


def test_from_frames_round_trip_and_user_entity():
    reg = Registry.bundled()
    metrics = pd.DataFrame([m.model_dump() for m in reg.metrics.values()])
    entities = pd.DataFrame(
        [
            {"id": e.id, "name": e.name, "kind": e.kind, "tickers": e.tickers, "origin": "bundled"}
            for e in reg.entities.values()
        ]
        + [{"id": "acme", "name": "Acme AI", "kind": "lab", "tickers": None, "origin": "user"}]
    )
    products = pd.DataFrame(
        [
            {"id": p.id, "entity": e.id, "name": p.name, "kind": p.kind, "tier": p.tier, "released": p.released}
            for e in reg.entities.values()
            for p in e.products
        ]
        + [
            {
                "id": "acme-chat",
                "entity": "acme",
                "name": "Acme Chat",
                "kind": "assistant",
                "tier": None,
                "released": None,
            }
        ]
    )
    got = Registry.from_frames(metrics, entities, products)
    assert set(got.metrics) == set(reg.metrics)
    assert got.metrics["inference_price"].basis == reg.metrics["inference_price"].basis
    assert got.entity_name("acme") == "Acme AI"
    assert got.product_name("acme-chat") == "Acme Chat"
    assert got.product_entity["acme-chat"] == "acme"
    assert got.tier_products("openai", "frontier") == reg.tier_products("openai", "frontier")


def test_with_entity_leaves_the_original_alone():
    reg = Registry.bundled()
    new = reg.with_entity(Entity(id="acme", name="Acme AI", kind="lab", products=[Product(id="acme-chat", name="AC")]))
    assert "acme" in new.entities and "acme" not in reg.entities
    assert new.product_name("acme-chat") == "AC"


def test_closest():
    assert closest("opnai", ["openai", "anthropic", "google"])[0] == "openai"
