"""``skthresh demo``: learned thresholds against the 0.5 cut, in a few seconds, offline.

The scores come from :func:`skthresh.datasets.make_multilabel_scores`, drawn
here (nothing is shipped or downloaded): a first draw to learn the thresholds
on (the validation set) and a second draw of the same "model" (the same
per-label parameters, other rows) to report on (the test set).
"""

from __future__ import annotations

import time
import warnings

import numpy as np

__all__ = ["run_demo"]

# (row title, method, optimizer parameters)
_ROWS = (
    ("0.5 for every label", "fixed", {}),
    ("learned: sgl (default)", "sgl", {"device": "cpu"}),
    ("learned: coordinate", "coordinate", {}),
)


def run_demo(n_samples: int = 10_000, n_labels: int = 200, seed: int = 0, *,
             file=None) -> list[dict]:
    """Learn thresholds on one synthetic draw, print their F1 on another.

    Parameters
    ----------
    n_samples : int, default=10000
        Rows of each draw (validation and test).
    n_labels : int, default=200
        Labels.
    seed : int, default=0
        Seed of the rows; the per-label parameters (the "model") are fixed.
    file : file object, default=None
        Where to print; ``sys.stdout`` when None.

    Returns
    -------
    rows : list of dict
        One per method: ``name``, ``method``, ``micro``, ``macro`` (F1 on
        the test draw), ``tuning`` (the metric on the validation draw) and
        ``seconds`` (the time of ``fit``).
    """
    from ._optimizers import OPTIMIZERS
    from .datasets import make_multilabel_scores
    from .metrics import f1_score

    start = time.perf_counter()
    # torch's one-time start-up (its import, its first optimizer) on a tiny problem,
    # so that the fit times below are those of the methods.
    tiny_scores, tiny_labels = make_multilabel_scores(20, 2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        OPTIMIZERS["sgl"](device="cpu", max_iter=1).fit(tiny_scores, tiny_labels)
    started = time.perf_counter() - start
    rng = np.random.default_rng(seed)
    val_scores, val_labels = make_multilabel_scores(n_samples, n_labels, random_state=rng)
    test_scores, test_labels = make_multilabel_scores(n_samples, n_labels, random_state=rng)
    drawn = time.perf_counter() - start - started

    rows = []
    for name, method, params in _ROWS:
        optimizer = OPTIMIZERS[method](**params)
        tic = time.perf_counter()
        optimizer.fit(val_scores, val_labels)
        seconds = time.perf_counter() - tic
        pred = optimizer.predict(test_scores)
        rows.append({
            "name": name, "method": method, "seconds": seconds,
            "tuning": float(optimizer.best_score_),
            "micro": float(f1_score(test_labels, pred, average="micro", zero_division=0.0)),
            "macro": float(f1_score(test_labels, pred, average="macro", zero_division=0.0)),
        })
    total = time.perf_counter() - start

    def say(text=""):
        print(text, file=file)

    say(f"skthresh demo: synthetic tagger scores, {n_labels} labels, "
        f"{val_labels.mean():.1%} positive entries (skthresh.datasets.make_multilabel_scores, "
        f"seed {seed}).")
    say(f"Thresholds learned on {n_samples} validation rows for f1_micro; F1 on "
        f"{n_samples} other (test) rows.")
    say()
    width = max(len(row["name"]) for row in rows)
    say(f"{'thresholds':<{width}}  {'micro-F1':>8}  {'macro-F1':>8}  {'fit time':>8}")
    for row in rows:
        say(f"{row['name']:<{width}}  {row['micro']:8.4f}  {row['macro']:8.4f}  "
            f"{row['seconds']:7.2f}s")
    say()
    say(f"Data drawn in {drawn:.2f} s, torch started in {started:.2f} s; {total:.2f} s in all. "
        "On your own scores:")
    say("  skthresh fit --scores val_scores.npy --labels val_labels.npy --out thresholds.json")
    return rows
