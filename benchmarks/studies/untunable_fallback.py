# ruff: noqa  -- a one-off study kept as a record (not part of the harness)
"""Study: keep the inner model's 0.5 cut for untunable labels (defaults that never make a model worse).

Usage, from the repository root with ``../shared`` beside it::

    python -m benchmarks.studies.untunable_fallback [--datasets emotions yeast enron medical]
        [--draws 0 1 2] [--n-resamples 50] [--data DIR] [--cache DIR] [--out DIR]

Question: do the literal defaults ``ThresholdOptimizedClassifier(inner)`` lose
to the inner model's own decision (0.5 on probabilities) on real data, and
does keeping 0.5 for the labels that :func:`skthresh.threshold_report` calls
untunable (fewer than 5 positives, or ``spread > 0.3``), computed on the
classifier's own out-of-fold scores, remove such losses without costing
elsewhere?

For each dataset and fold draw ``r`` the out-of-fold scores are the ones
``ThresholdOptimizedClassifier(inner, random_state=r)`` tunes on: its default
``cv=5`` on multi-label targets, ``MultilabelStratifiedKFold(5, shuffle=True,
random_state=r)``, through ``cross_val_predict(inner, ..., method=
"predict_proba")``, cached next to the development suite's cache. The test
scores are the inner model refitted on all train (the suite's cache,
:func:`benchmarks.devsuite.cached_scores`; that refit does not depend on the
folds). Rows, each on the same scores:

* the 0.5 cut (``test_scores >= 0.5``);
* the literal defaults: ``SGLThresholdOptimizer(random_state=r)`` on the
  out-of-fold scores, i.e. the classifier's own optimizer and seed (checked
  against the end-to-end classifier on medical, see the notes);
* (a) 0.5 for the labels ``threshold_report(SGLThresholdOptimizer(
  random_state=r), oof, Y, n_resamples=50, random_state=r)`` marks untunable
  (its ``safe_threshold`` with ``fallback=0.5``);
* (a') 0.5 only for the labels untunable by ``spread`` (5 or more positives);
* (b) 0.5 for the labels with fewer than 5 out-of-fold positives (no bootstrap);
* (c) the optimizer's shared threshold for untunable labels
  (``fallback="shared"``);
* (d) for each untunable label, 0.5 where the label's out-of-fold F1 at 0.5 is
  at least that at the learned threshold (in-sample for the learned one).

A last table shows, on the untunable labels only, what the learned thresholds
and the 0.5 cut predict on test. Nothing is chosen on test. Writes ``results/untunable_fallback.md``.
"""
from __future__ import annotations

import re
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.metrics import f1_score
from sklearn.model_selection import cross_val_predict

import benchmarks._common as common
from benchmarks._common import Table, argument_parser, write_result
from benchmarks.devsuite import (
    DATASETS, _cache_path, cached_scores, f1_percent, inner_model, load_dataset)
from skthresh import (
    MultilabelStratifiedKFold, SGLThresholdOptimizer, ThresholdOptimizedClassifier,
    apply_thresholds, threshold_report)

NAME = "untunable_fallback"
MODULE = "benchmarks.studies.untunable_fallback"
METRICS = ("micro", "macro", "samples")
ROWS = {
    "cut": "0.5 cut (the inner model's decision)",
    "default": "literal defaults (SGL thresholds on every label)",
    "a": "(a) 0.5 for untunable labels (`threshold_report`, fallback=0.5)",
    "a_spread": "(a') 0.5 only for labels untunable by spread (>= 5 positives)",
    "b": "(b) 0.5 for labels with < 5 out-of-fold positives",
    "c": "(c) shared threshold for untunable labels (fallback='shared')",
    "d": "(d) untunable labels: 0.5 where its out-of-fold F1 is at least the learned one's",
}
SHORT = {"default": "literal defaults", "a": "(a)", "b": "(b)", "c": "(c)", "d": "(d)"}


def classifier_oof(name, draw, data_dir=None, cache_dir=None):
    """Out-of-fold train probabilities under the classifier's default folds, cached."""
    X_train, _, Y_train, _ = load_dataset(name, data_dir)
    sparse = sp.issparse(X_train)
    base = _cache_path(name, draw, data_dir, cache_dir, sparse)
    path = base.with_name(base.name.replace("kfold5-shuffle", "mlskf5-classifier-default"))
    if path.is_file():
        with np.load(path) as z:
            return z["oof"]
    cv = MultilabelStratifiedKFold(5, shuffle=True, random_state=draw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        oof = cross_val_predict(inner_model(sparse), X_train, Y_train, cv=cv,
                                method="predict_proba")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, oof=oof)
    tmp.chmod(0o644)
    tmp.replace(path)
    return oof


def thresholds_of(oof, Y, draw, n_resamples):
    """Each row's thresholds, and the report's counts."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        default = SGLThresholdOptimizer(random_state=draw).fit(oof, Y).thresholds_
        rep = threshold_report(SGLThresholdOptimizer(random_state=draw), oof, Y,
                               n_resamples=n_resamples, random_state=draw, fallback=0.5)
    assert np.allclose(rep.threshold, default), "the report's full fit is not the default fit"
    n_labels = Y.shape[1]
    few = rep.n_positive < 5
    by_spread = rep.untunable & ~few
    out = {"cut": np.full(n_labels, 0.5), "default": np.asarray(default, dtype=float)}
    out["a"] = rep.safe_threshold
    out["a_spread"] = np.where(by_spread, 0.5, default)
    out["b"] = np.where(few, 0.5, default)
    out["c"] = np.where(rep.untunable, rep.shared_threshold, default)
    # (d): per untunable label, the better of the two on the tuning rows (ties: 0.5); the
    # learned threshold's out-of-fold F1 is in-sample, so this leans towards keeping it
    f_cut = f1_score(Y, oof >= 0.5, average=None, zero_division=0)
    f_learned = f1_score(Y, apply_thresholds(oof, default), average=None, zero_division=0)
    out["d"] = np.where(rep.untunable & (f_cut >= f_learned), 0.5, default)
    counts = {"mask": rep.untunable, "few": int(few.sum()), "spread": int(by_spread.sum()),
              "untunable": int(rep.untunable.sum()), "none": int((rep.n_positive == 0).sum())}
    return out, counts


def end_to_end_gap(name, draw, oof_thresholds, data_dir=None):
    """Largest |threshold| difference to ThresholdOptimizedClassifier(inner, random_state=draw)."""
    X_train, _, Y_train, _ = load_dataset(name, data_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = ThresholdOptimizedClassifier(inner_model(sp.issparse(X_train)),
                                           random_state=draw).fit(X_train, Y_train)
    return float(np.max(np.abs(np.asarray(clf.thresholds_) - oof_thresholds)))


def fmt(value, delta=None):
    return f"{value:.2f}" if delta is None else f"{value:.2f} ({delta:+.2f})"


def main(argv=None):
    parser = argument_parser(__doc__)
    parser.prog = f"python -m {MODULE}"
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    parser.add_argument("--draws", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--n-resamples", type=int, default=50)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--cache", type=Path, default=None)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    import skthresh

    # results[name][row][metric] -> list over draws; per_draw for the deltas
    results, counts, gaps, diag = {}, {}, {}, {}
    for name in args.datasets:
        _, Y_train, test, Y_test = cached_scores(name, 0, data_dir=args.data,
                                                 cache_dir=args.cache)
        results[name] = {row: {m: [] for m in METRICS} for row in ROWS}
        counts[name] = []
        for draw in args.draws:
            oof = classifier_oof(name, draw, args.data, args.cache)
            ths, cnt = thresholds_of(oof, Y_train, draw, args.n_resamples)
            counts[name].append(cnt)
            u = cnt.pop("mask")
            for row, t in ths.items():
                pred = apply_thresholds(test, t)
                pred = pred.toarray() if sp.issparse(pred) else np.asarray(pred)
                f1 = f1_percent(Y_test, pred)
                for m in METRICS:
                    results[name][row][m].append(f1[m])
                if row in ("cut", "default"):
                    yt, pu = Y_test[:, u].astype(bool), pred[:, u].astype(bool)
                    diag.setdefault((name, row), []).append((
                        f1_score(yt, pu, average=None, zero_division=0).sum() if u.any() else 0.0,
                        int((yt & pu).sum()), int((~yt & pu).sum()), int(yt.sum()),
                        int(u.sum())))
            if name == "medical":
                gaps[(name, draw)] = end_to_end_gap(name, draw, ths["default"], args.data)
            print(f"  {name} draw {draw}: " + ", ".join(
                f"{row} {results[name][row]['macro'][-1]:.2f}" for row in ROWS)
                + f" (macro); {cnt}", flush=True)

    names = list(results)
    mean = {n: {r: {m: float(np.mean(results[n][r][m])) for m in METRICS} for r in ROWS}
            for n in names}
    avg = {r: {m: float(np.mean([mean[n][r][m] for n in names])) for m in METRICS}
           for r in ROWS}

    parts = [
        "Question (defaults that never make a model worse): does keeping the inner model's own decision (0.5 on "
        "probabilities) for the labels `threshold_report` calls untunable, computed on the "
        "classifier's out-of-fold scores, keep the literal defaults of "
        "`ThresholdOptimizedClassifier(inner)` from falling below the 0.5 cut, without "
        "costing elsewhere? The bar: the literal defaults within 1 point of the 0.5 cut on "
        "every dataset and on average (mean of three fold draws).",
        "Method: development suite (Mulan's published train/test splits), inner model "
        "`make_pipeline(StandardScaler(with_mean=not sparse), OneVsRestClassifier("
        "LogisticRegression(max_iter=1000)))`. For each fold draw r in "
        f"{', '.join(map(str, args.draws))}: out-of-fold train probabilities under the "
        "classifier's default folds (`MultilabelStratifiedKFold(5, shuffle=True, "
        "random_state=r)`), thresholds by `SGLThresholdOptimizer(random_state=r)` (the "
        "literal defaults' optimizer and seed), and `threshold_report(SGLThresholdOptimizer("
        f"random_state=r), oof, Y_train, n_resamples={args.n_resamples}, random_state=r)` "
        "(min_positives=5, max_spread=0.3) for the fallbacks. Test scores: the inner model "
        "refitted on all train. Test F1 (%), `zero_division=0`, mean over the draws; in "
        "brackets the difference to the 0.5 cut. Nothing is chosen on test.",
    ]
    for m in METRICS:
        rows = []
        for r, label in ROWS.items():
            cells = [fmt(mean[n][r][m], None if r == "cut" else mean[n][r][m] - mean[n]["cut"][m])
                     for n in names]
            d_avg = avg[r][m] - avg["cut"][m]
            cells.append(fmt(avg[r][m], None if r == "cut" else d_avg))
            worst = min([mean[n][r][m] - mean[n]["cut"][m] for n in names] + [d_avg])
            cells.append("" if r == "cut" else f"{worst:+.2f}")
            rows.append([label, *cells])
        parts += [f"Test {m}-F1 (%), mean of {len(args.draws)} fold draws (difference to the "
                  "0.5 cut); worst: the lowest difference over the datasets and the average:",
                  Table(["row", *names, "average", "worst"], rows)]

    # per-draw differences to the cut, every metric, for the defaults and (a)
    rows = []
    for r in ("default", "a", "b", "c"):
        for n in names:
            cells = []
            for m in METRICS:
                d = np.subtract(results[n][r][m], results[n]["cut"][m])
                cells.append(" / ".join(f"{x:+.2f}" for x in d))
            rows.append([SHORT[r], n, *cells])
    parts += ["Difference to the 0.5 cut in each fold draw "
              f"({' / '.join(f'r={d}' for d in args.draws)}):",
              Table(["row", "dataset", "micro", "macro", "samples"], rows)]

    rows = []
    for n in names:
        c = counts[n]
        rows.append([n, _n_labels(n, args.data),
                     " / ".join(str(x["none"]) for x in c),
                     " / ".join(str(x["few"]) for x in c),
                     " / ".join(str(x["spread"]) for x in c),
                     " / ".join(str(x["untunable"]) for x in c)])
    parts += ["Labels per dataset, in each fold draw: without a train positive, with fewer "
              "than 5 (out-of-fold = train) positives, untunable by spread only (5 or more "
              "positives, spread > 0.3), and untunable in all:",
              Table(["dataset", "labels", "no positive", "< 5 positives", "spread only",
                     "untunable"], rows)]

    rows = []
    for n in names:
        for row in ("default", "cut"):
            d = diag[(n, row)]
            rows.append([n, "literal defaults" if row == "default" else "0.5 cut",
                         " / ".join(str(x[4]) for x in d),
                         " / ".join(f"{x[0]:.2f}" for x in d),
                         " / ".join(str(x[1]) for x in d), " / ".join(str(x[2]) for x in d),
                         " / ".join(str(x[3]) for x in d)])
    parts += ["Why: the untunable labels only, on test, in each fold draw: their number, the "
              "sum of their per-label F1 (the part of macro-F1 times the number of labels "
              "that they make), their true and false positives, and their test positives:",
              Table(["dataset", "thresholds", "untunable labels", "sum of per-label F1",
                     "true positives", "false positives", "test positives"], rows)]

    notes = [f"* skthresh imported from `{Path(skthresh.__file__).parent.relative_to(common.REPO)}`"
             " of the measured checkout."]
    if gaps:
        notes.append("* Check of the route: the largest |threshold| difference between the "
                     "SGL thresholds learned here and those of `ThresholdOptimizedClassifier("
                     "inner, random_state=r).fit(X_train, Y_train)` end to end on medical: "
                     + ", ".join(f"r={d}: {g:.2g}" for (_, d), g in gaps.items()) + ".")
    notes.append(f"* Whole run: {(time.perf_counter() - start) / 60:.1f} min.")
    parts.append("\n".join(notes))

    original = common.provenance
    common.provenance = lambda: re.sub(r"Command: `python -m benchmarks(?=[ `])",
                                       f"Command: `python -m {MODULE}", original())
    try:
        path = write_result(args, NAME, "Study: the 0.5 cut for untunable labels", parts)
    finally:
        common.provenance = original
    path.with_suffix(".rst").unlink(missing_ok=True)  # a study, not a docs fragment
    print(path.read_text())


def _n_labels(name, data_dir):
    return load_dataset(name, data_dir)[2].shape[1]


if __name__ == "__main__":
    main(sys.argv[1:])
