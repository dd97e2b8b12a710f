"""Hashed word and character n-gram features, computed for a whole batch at once with NumPy.

scikit-learn's ``HashingVectorizer`` builds every n-gram as a Python string, which caps a headline classifier at
about 10,000 items a second on this machine. Here a batch of texts becomes one array of code points, and every
n-gram's hash is computed for all positions at once:

* character 3-, 4- and 5-grams: an FNV-style rolling hash over a sliding window, discarding windows that cross
  from one text into the next;
* word 1- and 2-grams: a polynomial prefix hash mod 2**64 (the multiplier is odd, so it is invertible), which gives
  the hash of any span — one word, or two words and the space between — in O(1).

Text is lower-cased and its whitespace collapsed first, so the same words always hash alike. The hashes are
deterministic (no Python ``hash`` salt), so a model trained in one process reads features from another.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import scipy.sparse as sp

__all__ = ["N_FEATURES", "hash_entries", "hash_families", "hash_features"]

N_FEATURES = 2**20
_FNV = 0x100000001B3
_P = 0x9E3779B97F4A7C15  # odd, so invertible mod 2**64
_SEEDS = {
    3: 0x243F6A8885A308D3,
    4: 0x13198A2E03707344,
    5: 0xA4093822299F31D0,
    1: 0x082EFA98EC4E6C89,
    2: 0x452821E638D01377,
}


def _word_chars(cp: np.ndarray) -> np.ndarray:
    """Which code points belong to a word: ASCII letters and digits, '$', '%', '.', ',' inside numbers, non-ASCII."""
    import numpy as np

    word = ((cp >= 97) & (cp <= 122)) | ((cp >= 48) & (cp <= 57)) | (cp > 127) | (cp == 36) | (cp == 37)
    # keep "1.5" and "13,000" as one token: a '.' or ',' between two digits
    digit = (cp >= 48) & (cp <= 57)
    inner = np.zeros_like(word)
    inner[1:-1] = ((cp[1:-1] == 46) | (cp[1:-1] == 44)) & digit[:-2] & digit[2:]
    return word | inner


def hash_features(texts: Sequence[str], n_features: int = N_FEATURES) -> sp.csr_matrix:
    """Hashed char 3–5-grams and word 1–2-grams, one row per text; an n-gram seen k times is k entries of 1."""
    import numpy as np
    import scipy.sparse as sp

    rows, cols = hash_entries(texts, n_features)
    return sp.csr_matrix((np.ones(rows.size, dtype=np.float32), (rows, cols)), shape=(len(texts), n_features))


def hash_entries(texts: Sequence[str], n_features: int = N_FEATURES) -> tuple[np.ndarray, np.ndarray]:
    """The (row, column) of every n-gram occurrence, unsorted."""
    import numpy as np

    families = hash_families(texts, n_features)
    if not families:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate([r for r, _ in families]), np.concatenate([c for _, c in families])


def hash_families(texts: Sequence[str], n_features: int = N_FEATURES) -> list[tuple[np.ndarray, np.ndarray]]:
    """(rows, columns) of the n-gram occurrences, one pair per n-gram family; within a family rows never decrease,
    so each pair is a ready-made CSR matrix (no sort needed)."""
    import numpy as np

    n_docs = len(texts)
    if n_docs == 0:
        return []
    docs = [" " + " ".join(t.lower().split()) + " " for t in texts]
    lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=n_docs)
    cp = np.frombuffer("\x00".join(docs).encode("utf-32-le"), dtype=np.uint32)
    arr = cp.astype(np.uint64)
    size = arr.size
    doc = np.repeat(np.arange(n_docs), lengths + 1)[:size]
    sep_cum = np.concatenate([[0], np.cumsum(cp == 0)])
    mask = np.uint64(n_features - 1)
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    with np.errstate(over="ignore"):
        for n in (3, 4, 5):
            m = size - n + 1
            if m <= 0:
                continue
            h = np.full(m, np.uint64(_SEEDS[n]), dtype=np.uint64)
            for k in range(n):
                h = (h ^ arr[k : k + m]) * np.uint64(_FNV)
            ok = (sep_cum[n : n + m] - sep_cum[:m]) == 0
            h = h[ok]
            h ^= h >> np.uint64(31)
            rows.append(doc[:m][ok])
            cols.append((h & mask).astype(np.int64))
        # words: prefix hash H[i] = sum_{j<i} arr[j] * P**j, span hash = (H[e] - H[s]) * P**-s
        word = _word_chars(cp)
        edges = np.diff(np.concatenate([[False], word, [False]]).astype(np.int8))
        starts = np.flatnonzero(edges == 1)
        ends = np.flatnonzero(edges == -1)
        if starts.size:
            powers, inv_powers = _powers(size + 1)
            prefix = np.concatenate([[np.uint64(0)], np.cumsum(arr * powers[:size], dtype=np.uint64)])
            uni = (prefix[ends] - prefix[starts]) * inv_powers[starts]
            uni = (uni ^ np.uint64(_SEEDS[1])) * np.uint64(_FNV)
            uni ^= uni >> np.uint64(31)
            rows.append(doc[starts])
            cols.append((uni & mask).astype(np.int64))
            same = doc[starts[:-1]] == doc[starts[1:]]
            s2, e2 = starts[:-1][same], ends[1:][same]
            bi = (prefix[e2] - prefix[s2]) * inv_powers[s2]
            bi = (bi ^ np.uint64(_SEEDS[2])) * np.uint64(_FNV)
            bi ^= bi >> np.uint64(31)
            rows.append(doc[s2])
            cols.append((bi & mask).astype(np.int64))
    # Repeated n-grams stay as repeated entries (summing them would cost a sort): every consumer adds them up.
    return list(zip(rows, cols, strict=True))


_POWERS: list[np.ndarray] = []


def _powers(size: int) -> tuple[np.ndarray, np.ndarray]:
    """P**i and P**-i mod 2**64 for i < size (cached and grown geometrically: they are the same every call)."""
    import numpy as np

    if not _POWERS or _POWERS[0].size < size:
        n = max(size, 2 * (_POWERS[0].size if _POWERS else 4096))
        with np.errstate(over="ignore"):
            powers = np.full(n, np.uint64(_P), dtype=np.uint64)
            powers[0] = 1
            inverse = np.full(n, np.uint64(pow(_P, -1, 2**64)), dtype=np.uint64)
            inverse[0] = 1
            _POWERS[:] = [np.cumprod(powers, dtype=np.uint64), np.cumprod(inverse, dtype=np.uint64)]
    return _POWERS[0][:size], _POWERS[1][:size]
