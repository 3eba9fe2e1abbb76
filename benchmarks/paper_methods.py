"""Our own implementations of the SGL-Thresh paper's four methods, and the other baselines.

Pellegrini & Masquelier, ICASSP 2021 (arXiv 2103.00833), Table 2:

* :func:`def_thresh`: one constant threshold for every label;
* :func:`dicho_thresh`: a random perturbation search around the current
  thresholds that keeps improvements and halves its step when a whole round
  brings none;
* :func:`num_thresh`: finite-difference micro-F1 gradients, then gradient ascent;
* :func:`paper_sgl`: surrogate gradient learning written as a straightforward
  torch autograd program in probability space on the full (n, L) matrix, with
  the paper's settings (Adam lr 1e-2, full batch, 100 epochs, sigma 50 learnable
  per label, hard step forward, sigmoid derivative backward, the last epoch's
  thresholds).

:func:`shared_threshold` gives the best single threshold for all labels (the
start that ``speed`` gives the paper's SGL, as skthresh's optimizers start there).

And what a user would pick instead of skthresh today:

* :func:`pr_curve_cuts`: per-label best-F1 cut of
  :func:`sklearn.metrics.precision_recall_curve`;
* :func:`tuned_threshold_cuts`: per label,
  :class:`sklearn.model_selection.TunedThresholdClassifierCV` around a frozen
  "estimator" that returns that label's score as ``predict_proba``;
* :func:`optimal_cutoffs_cuts`: per-label exact F1 cuts of the
  ``optimal-classification-cutoffs`` package.

Every function takes ``(scores, labels)`` of shape (n, L) and returns
thresholds of shape (L,), applied as ``scores >= thresholds``. Used by the
``table2`` and ``speed`` benchmarks.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from sklearn.base import BaseEstimator, ClassifierMixin

_N_SHARED = 1024  # candidates of the shared-threshold search


def micro_f1(scores: NDArray, labels: NDArray, thresholds: ArrayLike) -> float:
    """Micro-F1 of ``scores >= thresholds`` against 0/1 ``labels``."""
    pred = scores >= np.asarray(thresholds, dtype=scores.dtype)
    y = labels.astype(bool)
    tp = np.count_nonzero(pred & y)
    denom = np.count_nonzero(pred) + np.count_nonzero(y)
    return 2.0 * tp / denom if denom else 0.0


def _label_counts(scores, y, thresholds):
    """Per-label TP and predicted positives of ``scores >= thresholds``."""
    pred = scores >= thresholds
    return (pred & y).sum(axis=0), pred.sum(axis=0)


def _f1(tp, n_pred, n_true):
    denom = n_pred + n_true
    return np.where(denom > 0, 2.0 * tp / np.maximum(denom, 1), 0.0)


# --------------------------------------------------------------------------------------
# The paper's methods
# --------------------------------------------------------------------------------------


def shared_threshold(scores: NDArray, labels: NDArray) -> float:
    """Best single threshold for all labels, among 1024 quantiles of the distinct scores."""
    distinct = np.unique(scores.ravel().astype(np.float64))
    if distinct.size <= _N_SHARED:
        cand = np.concatenate([distinct[:1], (distinct[1:] + distinct[:-1]) / 2,
                               np.nextafter(distinct[-1:], np.inf)])
    else:
        cand = np.unique(np.quantile(distinct, np.linspace(0, 1, _N_SHARED)))
    y = labels.astype(bool)
    s_all, s_pos = np.sort(scores.ravel()), np.sort(scores[y])
    n_pred = s_all.size - np.searchsorted(s_all, cand, side="left")
    tp = s_pos.size - np.searchsorted(s_pos, cand, side="left")
    f1 = 2 * tp / np.maximum(n_pred + y.sum(), 1)
    return float(cand[int(np.argmax(f1))])


def def_thresh(scores: NDArray, labels: NDArray, value: float = 0.5) -> NDArray:
    """defThresh: the same constant for every label."""
    return np.full(scores.shape[1], float(value))


def dicho_thresh(scores: NDArray, labels: NDArray, init: float = 0.5, *, step: float = 0.1,
                 n_candidates: int = 4, min_step: float = 1e-3, max_rounds: int = 200,
                 random_state: int = 0) -> NDArray:
    """dichoThresh-style search: random perturbations kept when micro-F1 improves.

    Each round visits the labels in a random order; for each label it draws
    ``n_candidates`` thresholds uniformly in ``[t - step, t + step]`` and keeps
    the best if it raises the micro-F1 of the whole matrix. A round without any
    improvement halves ``step``; the search stops below ``min_step`` or after
    ``max_rounds`` rounds.
    """
    rng = np.random.default_rng(random_state)
    y = labels.astype(bool)
    n_true = y.sum()
    t = np.full(scores.shape[1], float(init))
    tp, n_pred = _label_counts(scores, y, t)
    tp, n_pred = tp.astype(np.int64), n_pred.astype(np.int64)
    best = float(_f1(tp.sum(), n_pred.sum(), n_true))
    for _ in range(max_rounds):
        improved = False
        for c in rng.permutation(scores.shape[1]):
            cand = t[c] + step * rng.uniform(-1.0, 1.0, n_candidates)
            pred = scores[:, c, None] >= cand  # (n, K)
            tp_c = (pred & y[:, c, None]).sum(axis=0)
            np_c = pred.sum(axis=0)
            values = _f1(tp.sum() - tp[c] + tp_c, n_pred.sum() - n_pred[c] + np_c, n_true)
            k = int(np.argmax(values))
            if values[k] > best:
                best = float(values[k])
                t[c], tp[c], n_pred[c] = cand[k], tp_c[k], np_c[k]
                improved = True
        if not improved:
            step /= 2
            if step < min_step:
                break
    return t


def num_thresh(scores: NDArray, labels: NDArray, init: float = 0.5, *, h: float = 0.02,
               learning_rate: float = 0.1, n_iter: int = 100) -> NDArray:
    """numThresh-style: central finite-difference micro-F1 gradients, then gradient ascent.

    The partial derivative for label ``c`` is
    ``(F1(t + h e_c) - F1(t - h e_c)) / (2 h)``, computed exactly for all
    labels at once from per-label counts (two passes over the matrix per
    iteration). The thresholds of the best iteration (on these data) are
    returned.
    """
    y = labels.astype(bool)
    n_true = y.sum()
    t = np.full(scores.shape[1], float(init))
    best_t, best = t.copy(), -1.0
    for _ in range(n_iter):
        tp, n_pred = _label_counts(scores, y, t)
        value = float(_f1(tp.sum(), n_pred.sum(), n_true))
        if value > best:
            best, best_t = value, t.copy()
        tp_up, np_up = _label_counts(scores, y, t + h)
        tp_dn, np_dn = _label_counts(scores, y, t - h)
        rest_tp, rest_np = tp.sum() - tp, n_pred.sum() - n_pred
        f_up = _f1(rest_tp + tp_up, rest_np + np_up, n_true)
        f_dn = _f1(rest_tp + tp_dn, rest_np + np_dn, n_true)
        t = t + learning_rate * (f_up - f_dn) / (2 * h)
    return best_t


def paper_sgl(scores: NDArray, labels: NDArray, init: float = 0.5, *,
              learning_rate: float = 1e-2, n_epochs: int = 100, sigma: float = 50.0,
              dtype: str = "float32", return_curve: bool = False):
    """SGL-Thresh as in the paper, by torch autograd on the full (n, L) matrix.

    Probability space: ``h = step(sigma_c (p - t_c))`` forward, derivative of
    ``sigmoid`` backward; loss ``-micro-F1`` of the hard outputs; Adam on the
    thresholds and the per-label slopes, all rows in every step; the
    thresholds after the last step are returned.
    """
    import torch

    tdtype = getattr(torch, dtype)

    class Step(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return (a > 0).to(a.dtype)

        @staticmethod
        def backward(ctx, grad):
            (a,) = ctx.saved_tensors
            s = torch.sigmoid(a)
            return grad * s * (1 - s)

    p = torch.as_tensor(scores, dtype=tdtype)
    y = torch.as_tensor(labels, dtype=tdtype)
    n_true = y.sum()
    t = torch.full((scores.shape[1],), float(init), dtype=tdtype, requires_grad=True)
    s = torch.full((scores.shape[1],), float(sigma), dtype=tdtype, requires_grad=True)
    opt = torch.optim.Adam([t, s], lr=learning_rate)
    curve = [] if return_curve else None
    for _ in range(n_epochs):
        opt.zero_grad()
        h = Step.apply(s * (p - t))
        tp = (h * y).sum()
        f1 = 2 * tp / (h.sum() + n_true)
        (-f1).backward()
        opt.step()
        if curve is not None:
            curve.append(float(f1.detach()))
    thresholds = t.detach().double().numpy()
    return (thresholds, curve) if return_curve else thresholds


# --------------------------------------------------------------------------------------
# What a user would pick instead
# --------------------------------------------------------------------------------------


def pr_curve_cuts(scores: NDArray, labels: NDArray) -> NDArray:
    """Per label, the best-F1 threshold of :func:`sklearn.metrics.precision_recall_curve`."""
    from sklearn.metrics import precision_recall_curve

    out = np.empty(scores.shape[1])
    for c in range(scores.shape[1]):
        precision, recall, thr = precision_recall_curve(labels[:, c], scores[:, c])
        p, r = precision[:-1], recall[:-1]  # the last point has no threshold
        f1 = np.where(p + r > 0, 2 * p * r / np.where(p + r > 0, p + r, 1), 0.0)
        out[c] = thr[int(np.argmax(f1))]
    return out


class ColumnScore(ClassifierMixin, BaseEstimator):
    """A "classifier" whose ``predict_proba`` is one column of a score matrix.

    It lets scikit-learn's threshold tuner work on precomputed scores: ``X``
    is the score matrix and ``column`` the label; ``fit`` only records the
    classes.
    """

    def __init__(self, column: int = 0):
        self.column = column

    def fit(self, X, y):  # noqa: D102
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X):  # noqa: D102
        p = np.asarray(X)[:, self.column].astype(np.float64)
        return np.column_stack([1 - p, p])

    def predict(self, X):  # noqa: D102
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)


def tuned_threshold_cuts(scores: NDArray, labels: NDArray, *, cv: str | int = "prefit"
                         ) -> NDArray:
    """Per label, ``TunedThresholdClassifierCV(scoring="f1")`` on that label's score.

    ``cv="prefit"``: the frozen column scorer, thresholds tuned on all rows
    (``refit=False``). ``cv=5``: the column scorer wrapped in
    :class:`sklearn.frozen.FrozenEstimator` and the default 5-fold stratified
    CV: each fold's F1-vs-threshold curve is interpolated on a common grid
    and the curves are averaged. Both use the tuner's default grid of 100
    thresholds between the smallest and largest score.
    """
    from sklearn.frozen import FrozenEstimator
    from sklearn.model_selection import TunedThresholdClassifierCV

    out = np.empty(scores.shape[1])
    for c in range(scores.shape[1]):
        y = labels[:, c]
        base = ColumnScore(column=c).fit(scores, y)
        if cv == "prefit":
            tuner = TunedThresholdClassifierCV(base, scoring="f1", cv="prefit", refit=False)
        else:
            tuner = TunedThresholdClassifierCV(FrozenEstimator(base), scoring="f1", cv=cv)
        out[c] = tuner.fit(scores, y).best_threshold_
    return out


def optimal_cutoffs_cuts(scores: NDArray, labels: NDArray) -> NDArray:
    """Per-label exact F1 cuts of ``optimal_cutoffs.get_optimal_threshold`` (sort-and-scan).

    Each label is a binary problem; ``comparison=">="`` matches the
    prediction rule used everywhere here.
    """
    from optimal_cutoffs import get_optimal_threshold

    out = np.empty(scores.shape[1])
    for c in range(scores.shape[1]):
        res = get_optimal_threshold(labels[:, c].astype(np.int64), scores[:, c], metric="f1",
                                    comparison=">=")
        out[c] = float(np.ravel(res.thresholds)[0])
    return out
