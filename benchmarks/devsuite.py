"""Real multi-label data: skthresh's literal defaults against the 0.5 cut and the peers.

Usage::

    python -m benchmarks devsuite [--datasets emotions yeast enron medical]
                                  [--data DIR] [--cache DIR] [--default-runs 1]
                                  [--check-cache] [--repeats 3]

The development suite (``../shared/data/multilabel`` next to the repository,
``--data DIR``; its README has the protocol): emotions, yeast, enron and
medical with their published train/test splits. Every row uses the same inner
model, :func:`inner_model`, fitted on train only; the tables give test
micro-, macro- and samples-F1 (%), ``sklearn.metrics.f1_score(...,
zero_division=0)``, and the fit times. Nothing is chosen on test.

Rows: the inner model's own ``predict`` (the 0.5 cut); the literal defaults
``ThresholdOptimizedClassifier(inner)`` with ``scoring`` f1_micro (the
default), f1_macro and f1_samples, fitted end to end (their default ``cv=5``
is part of what is measured; with the default ``random_state=None`` they can
change from fit to fit: ``--default-runs N`` fits each N times and reports the
mean and the range); the coordinate and SGL optimizers on shuffled
5-fold out-of-fold scores; ``MultiOutputClassifier(TunedThresholdClassifierCV(
LR pipeline, scoring="f1"))``; and, where installed, the peers autoth (Kong's
numerical-gradient threshold search, ``pip install autoth-qiuqiangkong``) and
example-wise-f1-maximizer (GFM, ``pip install --no-deps
example-wise-f1-maximizer==0.1.5``, run through the shims of
:func:`gfm_classifier`). Writes ``results/devsuite.{md,rst}``.

The inner model's out-of-fold train scores (shuffled ``KFold(5)``) and its test
scores (refitted on all train) are computed once per dataset and cv seed and
cached with ``np.savez`` in ``~/.cache/skthresh-devsuite`` (``--cache DIR``);
the file name carries a digest of the data files, the inner model and the
scikit-learn version, so a stale cache is never read. The coordinate, SGL and
autoth rows learn their thresholds on these cached scores, which is exactly
what ``ThresholdOptimizedClassifier(inner, optimizer=..., cv=KFold(5,
shuffle=True, random_state=0))`` does (``--check-cache`` fits that classifier
end to end for the coordinate row and reports the largest threshold
difference).

Public helpers, to evaluate a candidate threshold optimizer in seconds without
refitting logistic regressions:

* :data:`DATASETS`: the four names;
* :func:`load_dataset`: ``(X_train, X_test, Y_train, Y_test)`` of one dataset;
* :func:`inner_model`: the shared inner model;
* :func:`cached_scores`: ``(oof_train_scores, Y_train, test_scores, Y_test)``,
  computed on first use and cached;
* :func:`f1_percent`: test micro-, macro- and samples-F1 (%) of a 0/1 prediction.

Example::

    from benchmarks.devsuite import DATASETS, cached_scores, f1_percent
    from skthresh import CoordinateThresholdOptimizer, apply_thresholds

    for name in DATASETS:
        oof, y_train, test, y_test = cached_scores(name, cv_seed=0)
        thresholds = CoordinateThresholdOptimizer().fit(oof, y_train).thresholds_
        print(name, f1_percent(y_test, apply_thresholds(test, thresholds)))
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
import sklearn
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import KFold, TunedThresholdClassifierCV, cross_val_predict
from sklearn.multiclass import OneVsRestClassifier
from sklearn.multioutput import MultiOutputClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import validate_data

from benchmarks._common import (
    REPO,
    Table,
    argument_parser,
    fmt_seconds,
    interleaved_medians,
    write_result,
)
from skthresh import (
    CoordinateThresholdOptimizer,
    SGLThresholdOptimizer,
    ThresholdOptimizedClassifier,
    apply_thresholds,
)

DATASETS = ("emotions", "yeast", "enron", "medical")
DEFAULT_DATA = (REPO / ".." / "shared" / "data" / "multilabel").resolve()
DEFAULT_CACHE = Path("~/.cache/skthresh-devsuite").expanduser()
METRICS = {"micro": "f1_micro", "macro": "f1_macro", "samples": "f1_samples"}
AUTOTH_INIT = 0.3  # the start of every threshold in Kong's autoth example

Matrix = NDArray | sp.csr_matrix


# --------------------------------------------------------------------------------------
# Data, the inner model and the score cache (public helpers)
# --------------------------------------------------------------------------------------


def _folder(name: str, data_dir: Path | str | None) -> Path:
    """The dataset's folder, or a clear error when the suite is not there."""
    root = Path(data_dir) if data_dir is not None else DEFAULT_DATA
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; one of: {', '.join(DATASETS)}")
    folder = root / name
    if not (folder / "Y.npz").is_file():
        raise FileNotFoundError(
            f"the development suite is not at {root} (no {name}/Y.npz): it is expected in "
            "../shared/data/multilabel next to the repository; pass --data DIR (or "
            "data_dir=...) for another place")
    return folder


def load_dataset(name: str, data_dir: Path | str | None = None
                 ) -> tuple[Matrix, Matrix, NDArray, NDArray]:
    """One dataset of the suite, with its published train/test split.

    Parameters
    ----------
    name : {"emotions", "yeast", "enron", "medical"}
        The dataset.
    data_dir : path, default=None
        The suite's folder (default: ``../shared/data/multilabel`` next to the
        repository).

    Returns
    -------
    X_train, X_test : ndarray of float32 or CSR matrix
        Features (dense for emotions and yeast, sparse for enron and medical).
    Y_train, Y_test : ndarray of int8
        The 0/1 label indicator matrices.

    Raises
    ------
    FileNotFoundError
        If the suite is not in ``data_dir``.
    """
    folder = _folder(name, data_dir)
    X = []
    for part in ("train", "test"):
        with np.load(folder / f"X_{part}.npz") as z:
            dense = z["X"] if "X" in z.files else None
        X.append(dense if dense is not None else sp.load_npz(folder / f"X_{part}.npz").tocsr())
    with np.load(folder / "Y.npz") as z:
        return X[0], X[1], z["Y_train"], z["Y_test"]


def inner_model(sparse: bool) -> Pipeline:
    """The inner model of every row: scaler, then one logistic regression per label.

    ``make_pipeline(StandardScaler(with_mean=not sparse),
    OneVsRestClassifier(LogisticRegression(max_iter=1000)))``.
    """
    return make_pipeline(StandardScaler(with_mean=not sparse),
                         OneVsRestClassifier(LogisticRegression(max_iter=1000)))


def _binary_model(sparse: bool) -> Pipeline:
    """One label's model (the ``TunedThresholdClassifierCV`` and GFM rows)."""
    return make_pipeline(StandardScaler(with_mean=not sparse), LogisticRegression(max_iter=1000))


def _shuffled_cv(cv_seed: int) -> KFold:
    return KFold(5, shuffle=True, random_state=cv_seed)


def _cache_path(name: str, cv_seed: int, data_dir: Path | str | None,
                cache_dir: Path | str | None, sparse: bool) -> Path:
    """Cache file: dataset, cv, and a digest of the data files, inner model and sklearn."""
    digest = hashlib.sha256()
    for path in sorted(_folder(name, data_dir).glob("*.npz")):
        digest.update(path.name.encode() + path.read_bytes())
    digest.update(f"{inner_model(sparse)!r} sklearn {sklearn.__version__}".encode())
    folder = Path(cache_dir).expanduser() if cache_dir is not None else DEFAULT_CACHE
    return folder / f"{name}-kfold5-shuffle-seed{cv_seed}-{digest.hexdigest()[:12]}.npz"


def _cached(name: str, cv_seed: int = 0, data_dir: Path | str | None = None,
            cache_dir: Path | str | None = None, verbose: bool = False) -> dict[str, Any]:
    """The cache entry: scores, labels and the seconds the inner model took to make them."""
    X_train, X_test, Y_train, Y_test = load_dataset(name, data_dir)
    sparse = sp.issparse(X_train)
    path = _cache_path(name, cv_seed, data_dir, cache_dir, sparse)
    if path.is_file():
        with np.load(path) as z:
            return {key: z[key] for key in z.files} | {"path": path, "built": False}
    if verbose:
        print(f"  {name}: computing the inner model's scores for {path}", flush=True)
    model = inner_model(sparse)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # OneVsRest's constant labels, lbfgs
        start = time.perf_counter()
        oof = cross_val_predict(model, X_train, Y_train, cv=_shuffled_cv(cv_seed),
                                method="predict_proba")
        cv_s = time.perf_counter() - start
        start = time.perf_counter()
        test = clone(model).fit(X_train, Y_train).predict_proba(X_test)
        refit_s = time.perf_counter() - start
    entry = {"oof_train_scores": oof, "Y_train": Y_train, "test_scores": test,
             "Y_test": Y_test, "cv_s": np.float64(cv_s), "refit_s": np.float64(refit_s)}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz.tmp")
    with os.fdopen(fd, "wb") as fh:
        np.savez(fh, **entry)
    os.chmod(tmp, 0o644)  # mkstemp's 0o600 would hide the cache from the other engineers
    os.replace(tmp, path)
    return entry | {"path": path, "built": True}


def cached_scores(name: str, cv_seed: int = 0, *, data_dir: Path | str | None = None,
                  cache_dir: Path | str | None = None
                  ) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """The inner model's out-of-fold train scores and test scores of one dataset, cached.

    Computed on first use (:func:`inner_model` through
    ``cross_val_predict(..., cv=KFold(5, shuffle=True, random_state=cv_seed),
    method="predict_proba")`` on train, then refitted on all train and applied
    to test) and read back from the cache afterwards.

    Parameters
    ----------
    name : {"emotions", "yeast", "enron", "medical"}
        The dataset.
    cv_seed : int, default=0
        ``random_state`` of the shuffled 5-fold split.
    data_dir : path, default=None
        The suite's folder (see :func:`load_dataset`).
    cache_dir : path, default=None
        The cache's folder (default ``~/.cache/skthresh-devsuite``).

    Returns
    -------
    oof_train_scores : ndarray of shape (n_train, n_labels)
        Out-of-fold probabilities of the training rows.
    Y_train : ndarray of int8, shape (n_train, n_labels)
    test_scores : ndarray of shape (n_test, n_labels)
        Probabilities of the test rows from the model refitted on all train.
    Y_test : ndarray of int8, shape (n_test, n_labels)
    """
    entry = _cached(name, cv_seed, data_dir, cache_dir)
    return entry["oof_train_scores"], entry["Y_train"], entry["test_scores"], entry["Y_test"]


def f1_percent(y_true: NDArray, y_pred: NDArray | sp.spmatrix) -> dict[str, float]:
    """Micro-, macro- and samples-F1 (%) of a 0/1 prediction, ``zero_division=0``."""
    if sp.issparse(y_pred):
        y_pred = y_pred.toarray()
    return {avg: 100 * f1_score(y_true, y_pred, average=avg, zero_division=0)
            for avg in METRICS}


# --------------------------------------------------------------------------------------
# The scikit-learn route and the peers
# --------------------------------------------------------------------------------------


class TunedOrFallback(ClassifierMixin, BaseEstimator):
    """One label's ``TunedThresholdClassifierCV(estimator, scoring="f1")``, or a fallback.

    ``TunedThresholdClassifierCV`` cannot fit a label whose training column
    is constant, nor one where a fold's training part has one class only (a
    label with a single positive, under its default stratified 5-fold). Such
    a label gets the plain ``estimator`` fitted on all rows (its 0.5 cut), or,
    when the column is constant, that constant (never positive here).

    Parameters
    ----------
    estimator : estimator object
        A binary classifier with ``predict_proba``.

    Attributes
    ----------
    route_ : {"tuned", "plain", "constant"}
        What was fitted.
    """

    def __init__(self, estimator: BaseEstimator) -> None:
        self.estimator = estimator

    def fit(self, X: Matrix, y: NDArray) -> TunedOrFallback:
        """Fit the tuner, or the fallback (see the class docstring)."""
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        if self.classes_.size < 2:
            self.route_, self.model_ = "constant", None
            return self
        try:
            self.model_ = TunedThresholdClassifierCV(clone(self.estimator),
                                                     scoring="f1").fit(X, y)
            self.route_ = "tuned"
        except ValueError as exc:
            if "class" not in str(exc):
                raise
            self.model_ = clone(self.estimator).fit(X, y)
            self.route_ = "plain"
        return self

    def predict(self, X: Matrix) -> NDArray:
        """The label's 0/1 predictions."""
        if self.model_ is None:
            return np.full(X.shape[0], self.classes_[0])
        return self.model_.predict(X)


def autoth_thresholds(scores: NDArray, labels: NDArray, init: float = AUTOTH_INIT) -> NDArray:
    """Kong's autoth (``autoth-qiuqiangkong``) maximising micro-F1 of ``scores > thresholds``.

    ``HyperParamsOptimizer`` with its defaults (Adam, learning rate 0.01, 100
    epochs, finite-difference step 0.01, up to 5 steps on a plateau), every
    threshold starting at ``init`` (0.3, as in the package's example), with a
    score calculator that thresholds as Kong's example does (``>``). Its
    per-epoch prints are swallowed.
    """
    from autoth.core import HyperParamsOptimizer

    y = labels.astype(bool)
    n_true = np.count_nonzero(y)

    def micro_f1(params: list[float]) -> float:
        pred = scores > np.asarray(params, dtype=scores.dtype)
        denom = np.count_nonzero(pred) + n_true
        return 2.0 * np.count_nonzero(pred & y) / denom if denom else 0.0

    with contextlib.redirect_stdout(io.StringIO()):
        _, params = HyperParamsOptimizer(micro_f1).do_optimize([init] * scores.shape[1])
    return np.asarray(params, dtype=np.float64)


def gfm_classifier() -> type[BaseEstimator]:
    """example-wise-f1-maximizer 0.1.5's ``ExampleWiseF1Maximizer``, shimmed for today's stack.

    0.1.5 pins numpy < 1.25 and scikit-learn < 1.3 (install it with
    ``--no-deps``). Two shims make it run on numpy 2 and scikit-learn >= 1.6,
    without touching its files:

    * ``_validate_data``: the ``BaseEstimator`` method it calls in ``fit`` and
      ``predict_proba`` is gone since scikit-learn 1.6; the shim forwards to
      ``sklearn.utils.validation.validate_data``;
    * ``predict``: its ``np.reshape(..., newshape=...)`` is an error on numpy
      2.4 (the keyword was deprecated in 2.1); the shim is the same loop over
      rows with the package's own ``gfm`` and ``create_gfm_weight_matrix``,
      and returns a dense int8 array instead of a ``lil_matrix``.

    Returns
    -------
    type
        The shimmed subclass.

    Raises
    ------
    ImportError
        If example-wise-f1-maximizer is not installed.
    """
    from example_wise_f1_maximizer import ExampleWiseF1Maximizer
    from example_wise_f1_maximizer.meta_estimator import create_gfm_weight_matrix, gfm

    class ShimmedExampleWiseF1Maximizer(ExampleWiseF1Maximizer):
        """``ExampleWiseF1Maximizer`` with the two shims of :func:`gfm_classifier`."""

        def _validate_data(self, X: Matrix, reset: bool = True, **kwargs: Any) -> Matrix:
            return validate_data(self, X, reset=reset, **kwargs)

        def predict(self, X: Matrix) -> NDArray:
            n_labels = self.num_labels_
            proba = self.predict_proba(X)
            weights = create_gfm_weight_matrix(n_labels)
            pred = np.zeros((proba.shape[0], n_labels), dtype=np.int8)
            for i, row in enumerate(proba):
                best = gfm(p=row[:-1].reshape(n_labels, n_labels), p_0=row[-1], w=weights,
                           max_cardinality=self.max_cardinality_)
                pred[i, np.asarray(best, dtype=np.intp)] = 1
            return pred

    return ShimmedExampleWiseF1Maximizer


def _peer_available(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


# --------------------------------------------------------------------------------------
# The rows
# --------------------------------------------------------------------------------------

ROWS = {  # key -> label in the tables
    "cut": "0.5 cut: the inner model's `predict`",
    "def_micro": "defaults `ThresholdOptimizedClassifier(inner)` (scoring=f1_micro)",
    "def_macro": "defaults, `scoring='f1_macro'`",
    "def_samples": "defaults, `scoring='f1_samples'`",
    "coordinate": "`optimizer='coordinate'`, shuffled 5-fold (f1_micro)",
    "sgl": "`optimizer='sgl'`, shuffled 5-fold (f1_micro)",
    "tuned": "`MultiOutputClassifier(TunedThresholdClassifierCV(LR, scoring='f1'))`",
    "autoth": "autoth (Kong), micro-F1, from 0.3, shuffled 5-fold",
    "gfm": "example-wise-f1-maximizer (GFM)",
}
DEFAULT_ROWS = ("def_micro", "def_macro", "def_samples")


def _warm_up() -> None:
    """First-call costs (torch, the SGL engine) out of the first timed default fit."""
    from sklearn.datasets import make_multilabel_classification

    X, Y = make_multilabel_classification(n_samples=100, n_classes=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ThresholdOptimizedClassifier(inner_model(False)).fit(X, Y).predict(X)


def _end_to_end_fits(X: Matrix, Y: NDArray, peers: dict[str, bool], default_runs: int = 1
                     ) -> dict[str, Callable[[], BaseEstimator]]:
    """The rows fitted on the training features: key -> fit returning the fitted estimator.

    The literal-default rows appear ``default_runs`` times, as ``KEY``, ``KEY#1``...
    """
    sparse = sp.issparse(X)
    fits: dict[str, Callable[[], BaseEstimator]] = {
        "cut": lambda: inner_model(sparse).fit(X, Y),
        "def_micro": lambda: ThresholdOptimizedClassifier(inner_model(sparse)).fit(X, Y),
    }
    for key in ("macro", "samples"):
        fits[f"def_{key}"] = (lambda s=METRICS[key]: ThresholdOptimizedClassifier(
            inner_model(sparse), scoring=s).fit(X, Y))
    fits["tuned"] = lambda: MultiOutputClassifier(TunedOrFallback(_binary_model(sparse))).fit(X, Y)
    if peers["gfm"]:
        fits["gfm"] = lambda: gfm_classifier()(_binary_model(sparse)).fit(X, Y)
    for key in DEFAULT_ROWS:
        fits.update({f"{key}#{i}": fits[key] for i in range(1, default_runs)})
    return fits


def _score_fits(oof: NDArray, Y: NDArray, peers: dict[str, bool]
                ) -> dict[str, Callable[[], NDArray]]:
    """The rows learned on the cached out-of-fold scores: key -> fit returning thresholds."""
    fits: dict[str, Callable[[], NDArray]] = {
        "coordinate": lambda: CoordinateThresholdOptimizer().fit(oof, Y).thresholds_,
        "sgl": lambda: SGLThresholdOptimizer().fit(oof, Y).thresholds_,
    }
    if peers["autoth"]:
        fits["autoth"] = lambda: autoth_thresholds(oof, Y)
    return fits


def _flooded(Y_train: NDArray, pred: NDArray | sp.spmatrix) -> int:
    """Labels of train prevalence under 10 % that are predicted on over half the test rows."""
    pred = pred.toarray() if sp.issparse(pred) else np.asarray(pred)
    return int(np.count_nonzero((Y_train.mean(axis=0) < 0.1) & (pred.mean(axis=0) > 0.5)))


def run_dataset(name: str, args: Any, peers: dict[str, bool]) -> dict[str, Any]:
    """All rows on one dataset: F1 (%) and fit times by row key, and facts for the notes."""
    X_train, X_test, Y_train, Y_test = load_dataset(name, args.data)
    entry = _cached(name, 0, args.data, args.cache, verbose=True)
    oof, test = entry["oof_train_scores"], entry["test_scores"]
    out: dict[str, Any] = {"f1": {}, "time": {}, "facts": {},
                           "cache_s": float(entry["cv_s"] + entry["refit_s"]),
                           "cache_built": entry["built"], "cache_path": entry["path"]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lbfgs convergence, constant labels, few members
        print(f"  {name}: fitting the end-to-end rows", flush=True)
        # one timed run each: the warm-up of a budget of 0 s is its timed run
        timings = interleaved_medians(
            _end_to_end_fits(X_train, Y_train, peers, args.default_runs), 0, budget_s=0.0,
            verbose=True)
        runs: dict[str, list[dict[str, float]]] = {}
        seconds: dict[str, list[float]] = {}
        for key, timing in timings.items():
            pred = timing.result.predict(X_test)
            out["facts"].setdefault("flooded", {})[key.split("#")[0]] = _flooded(Y_train, pred)
            runs.setdefault(key.split("#")[0], []).append(f1_percent(Y_test, pred))
            seconds.setdefault(key.split("#")[0], []).extend(timing.times)
        for key, f1s in runs.items():
            out["f1"][key] = {m: float(np.mean([f[m] for f in f1s])) for m in METRICS}
            out["time"][key] = fmt_seconds(float(np.median(seconds[key])))
            if len(f1s) > 1:
                out["facts"].setdefault("spread", {})[key] = {
                    m: (min(f[m] for f in f1s), max(f[m] for f in f1s)) for m in METRICS}
        routes = [e.route_ for e in timings["tuned"].result.estimators_]
        out["facts"]["tuned_routes"] = {r: routes.count(r) for r in ("plain", "constant")}
        timings = interleaved_medians(_score_fits(oof, Y_train, peers), args.repeats,
                                      budget_s=5.0)
        for key, timing in timings.items():
            pred = (test > timing.result if key == "autoth"
                    else apply_thresholds(test, timing.result))
            out["facts"]["flooded"][key] = _flooded(Y_train, pred)
            out["f1"][key] = f1_percent(Y_test, pred)
            out["time"][key] = f"{fmt_seconds(out['cache_s'])} + {fmt_seconds(timing.median)}"
        if args.check_cache:
            clf = ThresholdOptimizedClassifier(
                inner_model(sp.issparse(X_train)), optimizer="coordinate",
                cv=_shuffled_cv(0)).fit(X_train, Y_train)
            out["facts"]["check"] = float(np.max(np.abs(clf.thresholds_ - timings[
                "coordinate"].result)))
    for key in ROWS:
        if key in out["f1"]:
            f1 = out["f1"][key]
            print(f"  {name} {ROWS[key]:75s} micro {f1['micro']:6.2f} macro {f1['macro']:6.2f}"
                  f" samples {f1['samples']:6.2f}  {out['time'][key]}", flush=True)
    return out


# --------------------------------------------------------------------------------------
# The result file
# --------------------------------------------------------------------------------------


def _metric_table(results: dict[str, dict], metric: str) -> Table:
    names = list(results)
    rows = []
    for key, label in ROWS.items():
        values = [results[n]["f1"].get(key, {}).get(metric) for n in names]
        if all(v is None for v in values):
            continue
        cells = ["-" if v is None else f"{v:.2f}" for v in values]
        mean = (f"{np.mean(values):.2f}" if all(v is not None for v in values) else "-")
        rows.append([label, *cells, mean])
    return Table(["method", *names, "mean"], rows)


def _losses_to_cut(results: dict[str, dict]) -> list[str]:
    """Where a literal default is below the 0.5 cut on its own metric."""
    lost = []
    for key, metric in (("def_micro", "micro"), ("def_macro", "macro"),
                        ("def_samples", "samples")):
        for name, res in results.items():
            mine, cut = res["f1"][key][metric], res["f1"]["cut"][metric]
            if mine < cut:
                lost.append(f"{name} {metric}-F1 with `scoring='f1_{metric}'` "
                            f"({mine:.2f} against {cut:.2f})")
    return lost


def _notes(results: dict[str, dict], peers: dict[str, bool], default_runs: int
           ) -> list[str]:
    shuffle_gain = ", ".join(
        f"{n} {r['f1']['def_micro']['micro']:.2f} against {r['f1']['sgl']['micro']:.2f}"
        for n, r in results.items())
    routes = "; ".join(f"{n}: {r['facts']['tuned_routes']['plain']} plain, "
                       f"{r['facts']['tuned_routes']['constant']} never positive"
                       for n, r in results.items())
    lost = _losses_to_cut(results)
    notes = [
        "Notes:",
        "* Inner model of every row: `make_pipeline(StandardScaler(with_mean=not sparse), "
        "OneVsRestClassifier(LogisticRegression(max_iter=1000)))`, fitted on train only; "
        "thresholds come from out-of-fold scores of train. Test F1 with "
        "`f1_score(..., zero_division=0)`.",
        "* The literal defaults are fitted end to end, `ThresholdOptimizedClassifier(inner"
        "[, scoring=...]).fit(X_train, Y_train)`: SGL on the out-of-fold scores of the "
        "default `cv=5`, whose splitter is skthresh's default at the commit in the footer "
        "(since 254b4ec, iterative stratification shuffled by `random_state`; with the "
        "default `random_state=None` the folds, and so the thresholds, change at each fit). "
        + (f"Mean of {default_runs} fits each (range below). " if default_runs > 1
           else "One fit each: another run can differ (`--default-runs N`). ")
        + "Literal defaults below the 0.5 cut on their own metric: "
        + ("; ".join(lost) if lost else "none") + ". The f1_micro default against SGL on "
        "`KFold(5, shuffle=True, random_state=0)` folds (`optimizer='sgl'` row), test "
        "micro-F1: " + shuffle_gain + ".",
        "* The coordinate, SGL and autoth rows learn thresholds on the cached out-of-fold "
        "scores of `KFold(5, shuffle=True, random_state=0)` and apply them to the scores "
        "of the inner model refitted on all train: the same computation as "
        "`ThresholdOptimizedClassifier(inner, optimizer=..., cv=KFold(5, shuffle=True, "
        "random_state=0))` (`--check-cache` fits that classifier end to end for the "
        "coordinate row and compares the thresholds: equal on all four datasets when this "
        "benchmark was written). Their fit time is the inner model's 5-fold and refit time "
        "(measured when the cache was built) plus the optimizer's (median of interleaved "
        "runs).",
        "* Fit times are single runs on a shared machine (other jobs on it): they move by "
        "up to 2-5x between runs; read them as orders of magnitude.",
        "* `MultiOutputClassifier(TunedThresholdClassifierCV(make_pipeline(StandardScaler"
        "(with_mean=not sparse), LogisticRegression(max_iter=1000)), scoring='f1'))`: one "
        "binary tuner per label, maximising that label's F1 (its defaults: stratified "
        "5-fold, refit). It cannot fit a label whose train column is constant, nor one "
        "with a single positive (a fold's training part has one class); those labels get "
        "the plain pipeline (its 0.5 cut) or, when constant, never positive. Fallbacks: "
        f"{routes}.",
    ]
    flooded = [f"{ROWS[key].split(' (')[0]} on {n}: {count}"
               for key in ROWS for n, r in results.items()
               if (count := r["facts"]["flooded"].get(key, 0))]
    notes.append("* Labels of train prevalence under 10 % predicted positive on over half "
                 "the test rows (a threshold at the bottom of the scores): "
                 + ("; ".join(flooded) if flooded else "none") + ".")
    if peers["autoth"]:
        notes.append(
            "* autoth: PyPI `autoth-qiuqiangkong` 0.0.3, Qiuqiang Kong's package (its home "
            "page is github.com/qiuqiangkong/autoth, whose setup.py names it so); PyPI "
            "`autoth` 0.0.1 is his earlier upload of the same module, with a placeholder "
            "home page and no step or max_search options. `HyperParamsOptimizer` with its "
            "defaults (Adam, learning rate 0.01, 100 epochs, finite-difference step 0.01, "
            "up to 5 steps on a plateau) maximises micro-F1 of `scores > thresholds` on the "
            "out-of-fold scores, every threshold from 0.3 (the package example's start).")
    else:
        notes.append("* autoth: not installed (`pip install autoth-qiuqiangkong`).")
    if peers["gfm"]:
        notes.append(
            "* example-wise-f1-maximizer 0.1.5 (GFM, Dembczynski et al. 2011 on the "
            "n * n + 1 binary problems of Zhang et al. 2020): it learns its own model, one "
            "`make_pipeline(StandardScaler(with_mean=not sparse), LogisticRegression("
            "max_iter=1000))` per problem, and predicts the label set of best expected "
            "example-wise F1, so compare it on samples-F1. It pins numpy < 1.25 and "
            "scikit-learn < 1.3: installed with `--no-deps`, run through two shims in "
            "`benchmarks/devsuite.py` (`_validate_data` forwarded to "
            "`sklearn.utils.validation.validate_data`, gone from `BaseEstimator` since "
            "scikit-learn 1.6; `predict` rewritten around the package's `gfm` because its "
            "`np.reshape(..., newshape=...)` fails on numpy 2.4).")
    else:
        notes.append("* example-wise-f1-maximizer: not installed (`pip install --no-deps "
                     "example-wise-f1-maximizer==0.1.5`).")
    spreads = [f"{n} `scoring='f1_{key[4:]}'`: "
               + ", ".join(f"{m} {lo:.2f}-{hi:.2f}" for m, (lo, hi) in sp_.items())
               for n, r in results.items()
               for key, sp_ in r["facts"].get("spread", {}).items()]
    if spreads:
        notes.append(f"* Range of test F1 over the {default_runs} fits of each literal "
                     "default: " + "; ".join(spreads) + ".")
    checks = {n: r["facts"]["check"] for n, r in results.items() if "check" in r["facts"]}
    if checks:
        notes.append("* `--check-cache`: largest difference between the coordinate row's "
                     "thresholds and those of `ThresholdOptimizedClassifier(inner, optimizer="
                     "'coordinate', cv=KFold(5, shuffle=True, random_state=0))` fitted end to "
                     "end: " + ", ".join(f"{n} {v:.3g}" for n, v in checks.items()) + ".")
    return notes


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark (see the module docstring)."""
    parser = argument_parser(__doc__)
    parser.add_argument("--datasets", nargs="+", choices=DATASETS, default=list(DATASETS),
                        help="datasets to run (default: all four)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="the suite's folder (default: ../shared/data/multilabel)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE,
                        help="folder of the cached scores (default: ~/.cache/skthresh-devsuite)")
    parser.add_argument("--repeats", type=int, default=3,
                        help="timed runs of the optimizers on cached scores")
    parser.add_argument("--default-runs", type=int, default=1,
                        help="fits of each literal-default row (random folds; default 1)")
    parser.add_argument("--check-cache", action="store_true",
                        help="also fit the coordinate row end to end and compare thresholds")
    args = parser.parse_args(argv)
    try:
        for name in args.datasets:
            _folder(name, args.data)
    except FileNotFoundError as exc:
        sys.exit(f"devsuite: {exc}")
    peers = {"autoth": _peer_available("autoth.core"),
             "gfm": _peer_available("example_wise_f1_maximizer")}

    start = time.perf_counter()
    _warm_up()
    results = {name: run_dataset(name, args, peers) for name in args.datasets}
    wall = time.perf_counter() - start

    time_rows = [[label, *(results[n]["time"].get(key, "-") for n in results)]
                 for key, label in ROWS.items() if any(key in r["time"] for r in results.values())]
    built = [n for n, r in results.items() if r["cache_built"]]
    parts: list[str | Table] = [
        "Test F1 (%) on the four datasets of the development suite (Mulan's published "
        "train/test splits), every method fitted on train only with the same inner model. "
        f"Whole run: {wall / 60:.1f} min"
        + (f" (the score cache built for {', '.join(built)})." if built
           else " (the score cache read back)."),
        "Test micro-F1 (%):",
        _metric_table(results, "micro"),
        "Test macro-F1 (%):",
        _metric_table(results, "macro"),
        "Test samples-F1 (%):",
        _metric_table(results, "samples"),
        "Fit time on the training rows (one run"
        + (f"; literal defaults: median of {args.default_runs}" if args.default_runs > 1 else "")
        + "; cached rows: the inner model's 5-fold and refit + the optimizer):",
        Table(["method", *results], time_rows),
        *_notes(results, peers, args.default_runs),
    ]
    path = write_result(args, "devsuite", "Development suite: literal defaults on real data",
                        parts)
    print(f"wall time {wall / 60:.1f} min; wrote {path}")
