"""The labelled set (real headlines with provenance) and the lexical tier trained on it."""

from __future__ import annotations

from urllib.parse import urlparse

import numpy as np
import pytest

from corevar.news.classify import CLASSES, SIGNAL, labelled_set

pytest.importorskip("sklearn")


def test_labelled_set_has_provenance_and_valid_labels() -> None:
    frame = labelled_set()
    assert set(frame.columns) >= {"title", "label", "source", "published", "url", "title_from", "split"}
    assert set(frame["label"]) <= set(CLASSES)
    assert frame["title"].str.strip().str.len().min() > 0
    assert frame["title"].str.lower().is_unique
    assert all(urlparse(u).scheme in ("http", "https") and urlparse(u).hostname for u in frame["url"])
    assert set(frame["title_from"]) <= {"page", "url", "digest"}
    # a headline from a dated digest names the digest (repository, file, commit) and the day it was listed
    digest = frame[frame["title_from"] == "digest"]
    assert digest["via"].str.len().gt(0).all() and digest["listed"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    dated = frame["published"][frame["published"] != ""]
    assert dated.str.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?").all()


def test_held_out_split_is_stratified_fixed_and_disjoint() -> None:
    a, b = labelled_set(), labelled_set()
    assert (a["split"] == b["split"]).all()
    test = a[a["split"] == "test"]
    train = a[a["split"] == "train"]
    assert not set(test["title"]) & set(train["title"])
    for label, group in a.groupby("label"):
        share = (group["split"] == "test").mean()
        assert 0.2 <= share <= 0.4 or len(group) < 5, label


def test_lexical_tier_beats_the_majority_class_on_held_out_items() -> None:
    from corevar.news.classify import LexicalTier

    frame = labelled_set()
    train, test = frame[frame["split"] == "train"], frame[frame["split"] == "test"]
    tier = LexicalTier().fit(train["title"].tolist(), train["label"].tolist())
    proba = tier.predict_proba(test["title"].tolist())
    assert proba.shape == (len(test), len(tier.classes_))
    assert np.allclose(proba.sum(axis=1), 1.0)
    pred = np.array(tier.classes_)[proba.argmax(axis=1)]
    majority = test["label"].value_counts(normalize=True).iloc[0]
    assert (pred == test["label"].to_numpy()).mean() > majority


def test_fast_scorer_equals_the_sparse_matrix_path() -> None:
    from corevar.news.classify import LexicalTier
    from corevar.news.features import hash_features

    frame = labelled_set()
    tier = LexicalTier().fit(frame["title"].tolist(), frame["label"].tolist())
    texts = ["SYNTHETIC: OpenAI revenue doubles", "Musk sues Altman again", "", "ChatGPT周活跃用户达到8亿"]
    assert np.allclose(tier.decision(texts), tier._decision(hash_features(texts)))


def test_tiered_classifier_lexical_only_and_signals() -> None:
    from corevar.news.classify import TieredClassifier

    clf = TieredClassifier.trained(embedding=False)
    out = clf.classify(["Musk and Altman trade insults again", "SYNTHETIC headline"], tiers="lexical")
    assert all(o.category in CLASSES and o.signal == SIGNAL[o.category] for o in out)
    assert all(0 < o.confidence <= 1 and o.tier == "lexical" for o in out)
    assert clf.classify([], tiers="lexical") == []
    with pytest.raises(ValueError):
        clf.classify(["x"], tiers="fast")
