"""Hashed n-gram features computed in NumPy: deterministic, per-text, and what they claim to count."""

from __future__ import annotations

import numpy as np

from corevar.news.features import hash_entries, hash_families, hash_features


def test_counts_match_the_ngrams_of_the_text() -> None:
    text = "ab cd"  # padded to " ab cd ": 7 chars -> 5 trigrams, 4 four-grams, 3 five-grams; 2 words, 1 bigram
    x = hash_features([text])
    assert x.shape[0] == 1
    assert x.sum() == 5 + 4 + 3 + 2 + 1


def test_same_text_same_row_whitespace_and_case_insensitive() -> None:
    x = hash_features(["OpenAI  Revenue", "openai revenue", "something else"])
    a, b, c = (x[i].toarray() for i in range(3))
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_ngrams_never_cross_texts() -> None:
    joined = hash_features(["ab", "cd"]).sum()
    assert joined == hash_features(["ab"]).sum() + hash_features(["cd"]).sum()


def test_families_are_grouped_by_row_and_deterministic() -> None:
    texts = ["alpha beta", "gamma", "", "delta epsilon zeta"]
    for rows, _ in hash_families(texts):
        assert np.all(np.diff(rows) >= 0)
    r1, c1 = hash_entries(texts)
    r2, c2 = hash_entries(texts)
    assert np.array_equal(r1, r2) and np.array_equal(c1, c2)
    assert hash_features([]).shape[0] == 0


def test_numbers_stay_whole_tokens() -> None:
    # "13,000" and "1.5" hash as one word each: the word unigrams of "1.5" and "15" differ
    assert not np.array_equal(hash_features(["1.5"]).toarray(), hash_features(["15"]).toarray())
