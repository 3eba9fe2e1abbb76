"""End to end: ThresholdOptimizedClassifier against the scikit-learn route, same base model.

Usage::

    python -m benchmarks end_to_end [--n-samples 6000] [--n-labels 60] [--repeats 3]

A multi-label problem with rare labels (60 labels, Zipf-like prevalences from
about 40 % down to 0.4 %, 3 % density; 50 features, 10 of them noise; each
label drawn from a logistic model of hidden features that the model sees with
noise), split 75 / 25 with iterative-stratification's
``MultilabelStratifiedShuffleSplit``. Base model ``LogisticRegression(max_iter=1000)``
per label. Compared on the same split, held-out micro-F1 and fit time (median,
interleaved; one run for fits over 20 s): ``ThresholdOptimizedClassifier(
OneVsRestClassifier(LR))`` against ``MultiOutputClassifier(TunedThresholdClassifierCV(
LR, scoring="f1"))``, both with their defaults and with one split, and the
untuned 0.5 cut. Writes ``results/end_to_end.{md,rst}``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import TunedThresholdClassifierCV
from sklearn.multiclass import OneVsRestClassifier
from sklearn.multioutput import MultiOutputClassifier

from benchmarks._common import Table, argument_parser, interleaved_medians, write_result
from skthresh import ThresholdOptimizedClassifier


def zipf_prevalences(n_labels: int, density: float, cap: float = 0.5) -> np.ndarray:
    """Prevalences ``scale / rank`` capped at ``cap``, of mean ``density`` (bisection on scale)."""
    base = 1.0 / np.arange(1, n_labels + 1)
    low, high = 0.0, cap / base[-1]
    for _ in range(100):
        mid = 0.5 * (low + high)
        low, high = (mid, high) if np.minimum(mid * base, cap).mean() < density else (low, mid)
    return np.minimum(0.5 * (low + high) * base, cap)


def make_problem(n_samples: int, n_labels: int, n_features: int = 50, n_noise: int = 10,
                 density: float = 0.03, random_state: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Features ``X`` and a long-tailed 0/1 target ``Y`` (see the module docstring)."""
    rng = np.random.default_rng(random_state)
    n_signal = n_features - n_noise
    hidden = rng.normal(size=(n_samples, n_signal))
    prior = rng.permutation(zipf_prevalences(n_labels, density))
    w = rng.normal(size=(n_signal, n_labels)) / np.sqrt(n_signal)
    lin = hidden @ (w * rng.uniform(1.5, 4.0, n_labels))  # per-label signal strength
    lo, hi = np.full(n_labels, -30.0), np.full(n_labels, 30.0)
    for _ in range(60):  # offsets giving each label its prevalence, by bisection
        mid = (lo + hi) / 2
        too_many = (1 / (1 + np.exp(-(lin + mid)))).mean(axis=0) > prior
        hi, lo = np.where(too_many, mid, hi), np.where(too_many, lo, mid)
    proba = 1 / (1 + np.exp(-(lin + (lo + hi) / 2)))
    Y = (rng.random(proba.shape) < proba).astype(np.int64)
    X = np.hstack([hidden + 0.5 * rng.normal(size=hidden.shape),
                   rng.normal(size=(n_samples, n_noise))])
    return X, Y


def candidates() -> dict[str, Callable[[], BaseEstimator]]:
    """Name -> factory of an unfitted multi-label estimator."""

    def lr() -> LogisticRegression:
        return LogisticRegression(max_iter=1000)

    return {
        "skthresh `ThresholdOptimizedClassifier(OneVsRestClassifier(LR))` (defaults: cv=5, "
        "SGL, refit)": lambda: ThresholdOptimizedClassifier(OneVsRestClassifier(lr())),
        "skthresh, `cv=0.25, refit=False` (one split)":
            lambda: ThresholdOptimizedClassifier(OneVsRestClassifier(lr()), cv=0.25,
                                                 refit=False, random_state=0),
        "sklearn `MultiOutputClassifier(TunedThresholdClassifierCV(LR, scoring='f1'))` "
        "(defaults: cv=5, refit)":
            lambda: MultiOutputClassifier(TunedThresholdClassifierCV(lr(), scoring="f1")),
        "sklearn, `cv=0.25, refit=False` (one split)":
            lambda: MultiOutputClassifier(TunedThresholdClassifierCV(
                lr(), scoring="f1", cv=0.25, refit=False, random_state=0)),
        "no tuning: `OneVsRestClassifier(LR)`, cut 0.5": lambda: OneVsRestClassifier(lr()),
    }


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark (see the module docstring)."""
    from iterstrat.ml_stratifiers import MultilabelStratifiedShuffleSplit

    parser = argument_parser(__doc__)
    parser.add_argument("--n-samples", type=int, default=6000)
    parser.add_argument("--n-labels", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=3, help="most timed fits of each")
    args = parser.parse_args(argv)
    X, Y = make_problem(args.n_samples, args.n_labels)
    split = MultilabelStratifiedShuffleSplit(n_splits=1, test_size=0.25, random_state=0)
    train, test = next(split.split(X, Y))
    prevalence = Y[train].mean(axis=0)

    fits = {name: (lambda f=factory: f().fit(X[train], Y[train]))
            for name, factory in candidates().items()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        timings = interleaved_medians(fits, args.repeats, budget_s=20.0, verbose=True)
    rows = []
    for name, timing in timings.items():
        pred = timing.result.predict(X[test])
        rare = prevalence < 0.02
        rows.append([name, f"{100 * f1_score(Y[test], pred, average='micro'):.2f}",
                     f"{100 * f1_score(Y[test][:, rare], pred[:, rare], average='micro'):.2f}",
                     f"{100 * f1_score(Y[test], pred, average='macro', zero_division=0):.2f}",
                     f"{timing.median:.2f}", timing.runs])
    names = list(timings)
    ratio = timings[names[2]].median / timings[names[0]].median
    table = Table(["method", "held-out micro-F1", "micro-F1, labels < 2 %", "macro-F1",
                   "median fit (s)", "runs"], rows)
    print("\n".join(" | ".join(str(c) for c in row) for row in rows))
    print(f"defaults: sklearn / skthresh fit time {ratio:.1f}x")
    path = write_result(args, "end_to_end", "End to end, against the scikit-learn route", [
        f"{args.n_samples:,} rows, {args.n_labels} labels (prevalence {prevalence.max():.1%} "
        f"down to {prevalence.min():.2%}), 50 features; 75 % train, 25 % test. Fit time of "
        "the whole estimator on the training rows: median of interleaved runs after a "
        "warm-up (one run when the first takes over 20 s).",
        table,
        f"Defaults against defaults: the scikit-learn route takes {ratio:.1f}x the time. Both "
        "fit the base model 6 times per label (5 folds and a refit); skthresh then learns "
        "all thresholds in one fit on the pooled out-of-fold scores, while "
        "`TunedThresholdClassifierCV` scores 100 candidate thresholds per label and fold, "
        "each through `f1_score` and its input validation. It maximises each label's F1 "
        "(compare macro-F1), skthresh the micro-F1.",
    ])
    print(f"wrote {path}")
