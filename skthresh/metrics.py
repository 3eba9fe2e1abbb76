"""Set metrics of multi-label predictions (hard or soft) and their scorers.

The functions here score predictions ``y_pred`` against targets ``y_true``, both
``(n_samples, n_labels)`` arrays with values in [0, 1]: 0/1 indicator matrices as
in scikit-learn's multilabel format, or soft (probabilistic) labels. They
compute through the one definition of the confusion counts and of the Tversky
index in :mod:`skthresh._scoring` (the JDT counts
``TP = (|x| + |y| - |x - y|) / 2``, ``FP = |x| - TP``, ``FN = |y| - TP``), so
they agree with the objective of the threshold optimizers and with the torch
losses.

On 0/1 labels, :func:`f1_score`, :func:`fbeta_score` and :func:`jaccard_score`
equal scikit-learn's functions of the same name on multilabel-indicator input,
for every ``average``, with and without ``sample_weight``, including the edge
cases (labels or rows with no true and no predicted positive, ``"weighted"``
with zero total support, ``zero_division=np.nan``, which scikit-learn's
``jaccard_score`` does not accept and which here leaves undefined items out of
the average as in its ``f1_score``).

This module is pure numpy: it does not import torch.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import make_scorer
from sklearn.utils._param_validation import (
    Interval,
    Options,
    StrOptions,
    validate_params,
)
from sklearn.utils.validation import check_array

from ._scoring import (
    AVERAGES,
    SetMetric,
    get_scorer_names,
    get_set_metric,
    jdt_counts,
    metric_label,
    tversky_from_counts,
)
from ._validation import TARGETS_ACCEPTED, check_numeric, check_unit_interval, check_weights
from ._warnings import warn

__all__ = [
    "confusion_counts",
    "f1_score",
    "fbeta_score",
    "get_scorer_names",
    "jaccard_score",
    "make_set_scorer",
    "tversky_score",
]

# Array-like (ndarray, list, pandas DataFrame) or scipy sparse matrix / array.
MatrixLike = Any

_AVERAGE_CONSTRAINT = [StrOptions(set(AVERAGES)), None]
_ZERO_DIVISION_CONSTRAINT = [
    Interval(Real, 0.0, 1.0, closed="both"),
    "nan",
    StrOptions({"warn"}),
]
_LABELS_CONSTRAINT = ["array-like", "sparse matrix"]


# --------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------


def _check_label_matrix(y: MatrixLike, name: str, accepts: str) -> np.ndarray:
    """A float64 array of values in [0, 1], 1-D or 2-D, finite."""
    if sp.issparse(y):
        y = y.toarray()
    y = check_numeric(y, name=name, accepts=accepts,
                      hint="Encode the labels first (e.g. sklearn.preprocessing."
                           "MultiLabelBinarizer for label sets).")
    arr = check_array(
        y,
        ensure_2d=False,
        dtype=np.float64,
        ensure_all_finite=False,
        input_name=name,
    )
    if arr.ndim not in (1, 2):
        raise ValueError(
            f"{name} must be 1-D (one label) or 2-D (n_samples, n_labels), "
            f"got an array with {arr.ndim} dimensions."
        )
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values.")
    check_unit_interval(arr, name)
    return arr


def _check_inputs(y_true, y_pred, sample_weight):
    """Validate the targets, predictions and weights.

    Returns
    -------
    y_true, y_pred : ndarray of float64, shape (n_samples, n_labels)
    sample_weight : ndarray of shape (n_samples,) or None
    was_1d : bool
        True when the inputs were 1-D (a single label).
    """
    y_true = _check_label_matrix(y_true, "y_true", TARGETS_ACCEPTED)
    y_pred = _check_label_matrix(y_pred, "y_pred", "0/1 decisions or soft predictions in [0, 1]")
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true and y_pred have different shapes: {y_true.shape} and {y_pred.shape}."
        )
    was_1d = y_true.ndim == 1
    if was_1d:
        y_true = y_true[:, None]
        y_pred = y_pred[:, None]
    weights = None if sample_weight is None else check_weights(sample_weight,
                                                               y_true.shape[0])
    return y_true, y_pred, weights, was_1d


def _resolve_zero_division(zero_division) -> tuple[float, bool]:
    """The value given to undefined scores, and whether to warn about them."""
    if isinstance(zero_division, str):  # "warn", as in scikit-learn
        return 0.0, True
    return float(zero_division), False


# --------------------------------------------------------------------------
# The computation shared by all public scores
# --------------------------------------------------------------------------


def _nan_average(scores: np.ndarray, weights: np.ndarray | None) -> float:
    """Average as scikit-learn's ``_nanaverage``.

    NaN scores (undefined items with ``zero_division=np.nan``) are left out, NaN
    when all are; when the weights left sum to zero the plain mean is used.
    """
    defined = ~np.isnan(scores)
    if not defined.any():
        return float("nan")
    scores = scores[defined]
    if weights is not None:
        weights = weights[defined]
        if weights.sum() != 0:
            return float(np.average(scores, weights=weights))
    return float(np.mean(scores))


def _warn_undefined(n_undefined: int, average: str | None, metric: SetMetric):
    if average == "micro":
        where = "due to"
    else:
        items = "sample" if average == "samples" else "label"
        where = f"in {n_undefined} {items}(s) with"
    if metric.alpha > 0 and metric.beta > 0:
        cause = "no true nor predicted positives"
    else:
        cause = f"a zero denominator TP + {metric.alpha:g} FP + {metric.beta:g} FN"
    label = metric_label(metric, generic=True)
    warn(
        f"{label} is ill-defined and being set to 0.0 {where} {cause}. "
        "Use `zero_division` parameter to control this behavior.",
        UndefinedMetricWarning,
    )


def _set_score(metric: SetMetric, y_true, y_pred, *, average, sample_weight,
               zero_division):
    """Tversky index (``metric.alpha``, ``metric.beta``) of raw inputs, validated here.

    ``average`` overrides ``metric.average`` and may be None (per-label scores).
    The averaging follows scikit-learn's ``precision_recall_fscore_support``:
    undefined items get ``zero_division`` (NaN ones are left out of the
    average), ``"weighted"`` with zero total support and ``"samples"`` whose
    weights left sum to zero fall back to the plain mean.
    """
    y_true, y_pred, weights, was_1d = _check_inputs(y_true, y_pred, sample_weight)
    if average == "samples" and was_1d:
        raise ValueError(
            "Samplewise metrics are not available outside of multilabel classification: "
            "y_true and y_pred are 1-D (a single label). Pass (n_samples, n_labels) "
            "arrays to use average='samples'."
        )
    fill, warn = _resolve_zero_division(zero_division)

    axis = 1 if average == "samples" else 0
    sw = None if weights is None else weights[:, None]
    tp, fp, fn = jdt_counts(y_true, y_pred, sw, axis=axis)
    if average == "micro":
        tp, fp, fn = tp.sum(keepdims=True), fp.sum(keepdims=True), fn.sum(keepdims=True)

    # Undefined items (zero denominator) come back as NaN, then get ``fill``.
    scores = tversky_from_counts(
        tp, fp, fn, metric.alpha, metric.beta, xp=np, zero_division=np.nan
    )
    undefined = np.isnan(scores)
    if undefined.any():
        if warn:
            _warn_undefined(int(undefined.sum()), average, metric)
        scores = np.where(undefined, fill, scores)

    if average is None:
        return scores
    if average == "micro":
        return float(scores[0])
    if average == "macro":
        return _nan_average(scores, None)
    if average == "weighted":
        return _nan_average(scores, tp + fn)  # support: sum of (weighted) targets
    return _nan_average(scores, weights)  # samples


# --------------------------------------------------------------------------
# Public metrics
# --------------------------------------------------------------------------


@validate_params(
    {
        "y_true": _LABELS_CONSTRAINT,
        "y_pred": _LABELS_CONSTRAINT,
        "sample_weight": ["array-like", Real, None],
        "axis": [Options(Integral, {0, 1})],
    },
    prefer_skip_nested_validation=True,
)
def confusion_counts(
    y_true: MatrixLike,
    y_pred: MatrixLike,
    *,
    sample_weight: Any = None,
    axis: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Soft confusion counts TP, FP, FN per label or per sample.

    The counts of the JDT papers, valid for hard and soft targets and
    predictions in [0, 1]::

        TP = (|x| + |y| - |x - y|) / 2,   FP = |x| - TP,   FN = |y| - TP

    with ``x = y_pred``, ``y = y_true`` and ``|.|`` the (weighted) sum along
    ``axis``. Element-wise ``(x + y - |x - y|) / 2 = min(x, y)``, so on 0/1
    labels these are the usual counts.

    Parameters
    ----------
    y_true : array-like or sparse matrix of shape (n_samples, n_labels) or (n_samples,)
        Targets in [0, 1]: 0/1 labels or soft labels. 1-D input is one label.
    y_pred : array-like or sparse matrix of the same shape as ``y_true``
        Predictions in [0, 1]: 0/1 decisions or soft scores.
    sample_weight : float or array-like of shape (n_samples,), default=None
        Non-negative weight of each row; a number weighs every row alike.
    axis : {0, 1}, default=0
        ``0`` sums over samples and gives per-label counts; ``1`` sums over
        labels and gives per-sample counts.

    Returns
    -------
    tp : ndarray of shape (n_labels,) or (n_samples,)
        True positives.
    fp : ndarray of shape (n_labels,) or (n_samples,)
        False positives.
    fn : ndarray of shape (n_labels,) or (n_samples,)
        False negatives.

    Examples
    --------
    >>> import numpy as np
    >>> from skthresh.metrics import confusion_counts
    >>> y_true = np.array([[1, 0], [1, 1], [0, 0]])
    >>> y_pred = np.array([[1, 1], [0, 1], [0, 0]])
    >>> tp, fp, fn = confusion_counts(y_true, y_pred)
    >>> tp, fp, fn
    (array([1., 1.]), array([0., 1.]), array([1., 0.]))

    Soft values count by their overlap, ``min(x, y)``:

    >>> confusion_counts([[0.5]], [[0.75]])
    (array([0.5]), array([0.25]), array([0.]))
    """
    y_true, y_pred, weights, _ = _check_inputs(y_true, y_pred, sample_weight)
    sw = None if weights is None else weights[:, None]
    return jdt_counts(y_true, y_pred, sw, axis=axis)


@validate_params(
    {
        "y_true": _LABELS_CONSTRAINT,
        "y_pred": _LABELS_CONSTRAINT,
        "alpha": [Interval(Real, 0.0, None, closed="left")],
        "beta": [Interval(Real, 0.0, None, closed="left")],
        "average": _AVERAGE_CONSTRAINT,
        "sample_weight": ["array-like", Real, None],
        "zero_division": _ZERO_DIVISION_CONSTRAINT,
    },
    prefer_skip_nested_validation=True,
)
def tversky_score(
    y_true: MatrixLike,
    y_pred: MatrixLike,
    *,
    alpha: float = 0.5,
    beta: float = 0.5,
    average: str | None = "micro",
    sample_weight: Any = None,
    zero_division: float | str = 0.0,
) -> float | np.ndarray:
    """Tversky index ``TP / (TP + alpha FP + beta FN)`` of multi-label predictions.

    ``alpha = beta = 0.5`` is F1 (Dice), ``alpha = beta = 1`` is Jaccard;
    ``beta > alpha`` penalises misses more than false alarms.

    Parameters
    ----------
    y_true : array-like or sparse matrix of shape (n_samples, n_labels) or (n_samples,)
        Targets in [0, 1]: a 0/1 label-indicator matrix or soft labels. 1-D
        input is a single label (then ``average="samples"`` is not available).
    y_pred : array-like or sparse matrix of the same shape as ``y_true``
        Predictions in [0, 1]: 0/1 decisions or soft scores.
    alpha : float, default=0.5
        Weight of false positives, >= 0.
    beta : float, default=0.5
        Weight of false negatives, >= 0; ``alpha + beta > 0``.
    average : {"micro", "macro", "samples", "weighted"} or None, default="micro"
        ``"micro"``: index of the counts pooled over labels and samples.
        ``"macro"``: unweighted mean of the per-label indices. ``"weighted"``:
        mean of the per-label indices weighted by support (sum of ``y_true``).
        ``"samples"``: (``sample_weight``-weighted) mean of the per-sample
        indices. None: the per-label indices.
    sample_weight : float or array-like of shape (n_samples,), default=None
        Non-negative weight of each row, not all zero; a number weighs
        every row alike.
    zero_division : float in [0, 1], np.nan or "warn", default=0.0
        Score of a label (or sample, or the pooled counts) whose denominator is
        zero. ``np.nan`` leaves such items out of the average. ``"warn"`` acts
        as 0.0 and emits an :class:`~sklearn.exceptions.UndefinedMetricWarning`.

    Returns
    -------
    score : float or ndarray of shape (n_labels,)
        The averaged index, or per-label indices when ``average=None``.

    See Also
    --------
    fbeta_score : The Tversky index with ``alpha = 1/(1+b^2)``, ``beta = b^2/(1+b^2)``.
    jaccard_score : The Tversky index with ``alpha = beta = 1``.

    Examples
    --------
    >>> import numpy as np
    >>> from skthresh.metrics import tversky_score
    >>> y_true = np.array([[1, 1, 0], [1, 0, 1]])
    >>> y_pred = np.array([[1, 0, 0], [1, 1, 1]])
    >>> tversky_score(y_true, y_pred, alpha=0.5, beta=0.5)  # F1: 3 / (3 + 1)
    0.75
    >>> tversky_score(y_true, y_pred, alpha=0.0, beta=1.0)  # recall
    0.75
    >>> tversky_score(y_true, y_pred, alpha=0.3, beta=0.7, average=None)
    array([1., 0., 1.])
    """
    metric = SetMetric.tversky(alpha, beta, average=average or "micro")
    return _set_score(
        metric, y_true, y_pred, average=average, sample_weight=sample_weight,
        zero_division=zero_division,
    )


@validate_params(
    {
        "y_true": _LABELS_CONSTRAINT,
        "y_pred": _LABELS_CONSTRAINT,
        "beta": [Interval(Real, 0.0, None, closed="neither")],
        "average": _AVERAGE_CONSTRAINT,
        "sample_weight": ["array-like", Real, None],
        "zero_division": _ZERO_DIVISION_CONSTRAINT,
    },
    prefer_skip_nested_validation=True,
)
def fbeta_score(
    y_true: MatrixLike,
    y_pred: MatrixLike,
    *,
    beta: float = 1.0,
    average: str | None = "micro",
    sample_weight: Any = None,
    zero_division: float | str = 0.0,
) -> float | np.ndarray:
    """F-beta score of multi-label predictions, hard or soft.

    ``(1 + b^2) TP / ((1 + b^2) TP + b^2 FN + FP)``, the Tversky index with
    ``alpha = 1/(1+b^2)`` and ``beta = b^2/(1+b^2)``. ``beta > 1`` favours recall
    (misses cost more than false alarms), ``beta < 1`` favours precision. On
    0/1 labels it equals :func:`sklearn.metrics.fbeta_score` on
    multilabel-indicator input (and, for 1-D input, with ``average="binary"``).

    Parameters
    ----------
    y_true : array-like or sparse matrix of shape (n_samples, n_labels) or (n_samples,)
        Targets in [0, 1]: a 0/1 label-indicator matrix or soft labels. 1-D
        input is a single label (then ``average="samples"`` is not available).
    y_pred : array-like or sparse matrix of the same shape as ``y_true``
        Predictions in [0, 1]: 0/1 decisions or soft scores.
    beta : float, default=1.0
        Weight of recall relative to precision, > 0.
    average : {"micro", "macro", "samples", "weighted"} or None, default="micro"
        ``"micro"``: score of the counts pooled over labels and samples.
        ``"macro"``: unweighted mean of the per-label scores. ``"weighted"``:
        mean of the per-label scores weighted by support (sum of ``y_true``).
        ``"samples"``: (``sample_weight``-weighted) mean of the per-sample
        scores. None: the per-label scores.
    sample_weight : float or array-like of shape (n_samples,), default=None
        Non-negative weight of each row, not all zero; a number weighs
        every row alike.
    zero_division : float in [0, 1], np.nan or "warn", default=0.0
        Score of a label (or sample, or the pooled counts) with no true and no
        predicted positive. ``np.nan`` leaves such items out of the average.
        ``"warn"`` acts as 0.0 and emits an
        :class:`~sklearn.exceptions.UndefinedMetricWarning`.

    Returns
    -------
    score : float or ndarray of shape (n_labels,)
        The averaged score, or per-label scores when ``average=None``.

    See Also
    --------
    f1_score : F-beta with ``beta=1``.
    tversky_score : The general Tversky index.

    Examples
    --------
    >>> import numpy as np
    >>> from skthresh.metrics import fbeta_score
    >>> y_true = np.array([[1, 1, 0], [1, 0, 1]])
    >>> y_pred = np.array([[1, 0, 0], [1, 1, 1]])
    >>> round(fbeta_score(y_true, y_pred, beta=2.0), 4)  # 15 / (15 + 4 + 1)
    0.75
    >>> fbeta_score(y_true, y_pred, beta=2.0, average=None)
    array([1., 0., 1.])
    """
    metric = SetMetric.fbeta(beta, average=average or "micro")
    return _set_score(
        metric, y_true, y_pred, average=average, sample_weight=sample_weight,
        zero_division=zero_division,
    )


@validate_params(
    {
        "y_true": _LABELS_CONSTRAINT,
        "y_pred": _LABELS_CONSTRAINT,
        "average": _AVERAGE_CONSTRAINT,
        "sample_weight": ["array-like", Real, None],
        "zero_division": _ZERO_DIVISION_CONSTRAINT,
    },
    prefer_skip_nested_validation=True,
)
def f1_score(
    y_true: MatrixLike,
    y_pred: MatrixLike,
    *,
    average: str | None = "micro",
    sample_weight: Any = None,
    zero_division: float | str = 0.0,
) -> float | np.ndarray:
    """F1 score (Dice coefficient) of multi-label predictions, hard or soft.

    ``2 TP / (2 TP + FP + FN)``, the Tversky index with ``alpha = beta = 1/2``.
    On 0/1 labels it equals :func:`sklearn.metrics.f1_score` on
    multilabel-indicator input (and, for 1-D input, with ``average="binary"``).

    Parameters
    ----------
    y_true : array-like or sparse matrix of shape (n_samples, n_labels) or (n_samples,)
        Targets in [0, 1]: a 0/1 label-indicator matrix or soft labels. 1-D
        input is a single label (then ``average="samples"`` is not available).
    y_pred : array-like or sparse matrix of the same shape as ``y_true``
        Predictions in [0, 1]: 0/1 decisions or soft scores.
    average : {"micro", "macro", "samples", "weighted"} or None, default="micro"
        ``"micro"``: score of the counts pooled over labels and samples.
        ``"macro"``: unweighted mean of the per-label scores. ``"weighted"``:
        mean of the per-label scores weighted by support (sum of ``y_true``).
        ``"samples"``: (``sample_weight``-weighted) mean of the per-sample
        scores. None: the per-label scores.
    sample_weight : float or array-like of shape (n_samples,), default=None
        Non-negative weight of each row, not all zero; a number weighs
        every row alike.
    zero_division : float in [0, 1], np.nan or "warn", default=0.0
        Score of a label (or sample, or the pooled counts) with no true and no
        predicted positive. ``np.nan`` leaves such items out of the average.
        ``"warn"`` acts as 0.0 and emits an
        :class:`~sklearn.exceptions.UndefinedMetricWarning`.

    Returns
    -------
    score : float or ndarray of shape (n_labels,)
        The averaged score, or per-label scores when ``average=None``.

    See Also
    --------
    fbeta_score : Weighs recall ``beta`` times as much as precision.
    jaccard_score : Intersection over union; ``J = F1 / (2 - F1)`` per item.

    Examples
    --------
    >>> import numpy as np
    >>> from skthresh.metrics import f1_score
    >>> y_true = np.array([[1, 1, 0], [1, 0, 1]])
    >>> y_pred = np.array([[1, 0, 0], [1, 1, 1]])
    >>> f1_score(y_true, y_pred)  # 2 * 3 / (2 * 3 + 1 + 1)
    0.75
    >>> f1_score(y_true, y_pred, average=None)
    array([1., 0., 1.])
    >>> f1_score(y_true, y_pred, average="samples")  # mean of 2/3 and 4/5
    0.7333333333333334

    Soft labels and scores:

    >>> f1_score([[0.5, 1.0]], [[0.5, 1.0]])
    1.0
    """
    metric = SetMetric.fbeta(1.0, average=average or "micro")
    return _set_score(
        metric, y_true, y_pred, average=average, sample_weight=sample_weight,
        zero_division=zero_division,
    )


@validate_params(
    {
        "y_true": _LABELS_CONSTRAINT,
        "y_pred": _LABELS_CONSTRAINT,
        "average": _AVERAGE_CONSTRAINT,
        "sample_weight": ["array-like", Real, None],
        "zero_division": _ZERO_DIVISION_CONSTRAINT,
    },
    prefer_skip_nested_validation=True,
)
def jaccard_score(
    y_true: MatrixLike,
    y_pred: MatrixLike,
    *,
    average: str | None = "micro",
    sample_weight: Any = None,
    zero_division: float | str = 0.0,
) -> float | np.ndarray:
    """Jaccard index (intersection over union) of multi-label predictions, hard or soft.

    ``TP / (TP + FP + FN)``, the Tversky index with ``alpha = beta = 1``. On
    0/1 labels it equals :func:`sklearn.metrics.jaccard_score` on
    multilabel-indicator input (and, for 1-D input, with ``average="binary"``).
    scikit-learn's ``jaccard_score`` does not accept ``zero_division=np.nan``;
    here it leaves undefined items out of the average, as in
    :func:`sklearn.metrics.f1_score`.

    Parameters
    ----------
    y_true : array-like or sparse matrix of shape (n_samples, n_labels) or (n_samples,)
        Targets in [0, 1]: a 0/1 label-indicator matrix or soft labels. 1-D
        input is a single label (then ``average="samples"`` is not available).
    y_pred : array-like or sparse matrix of the same shape as ``y_true``
        Predictions in [0, 1]: 0/1 decisions or soft scores.
    average : {"micro", "macro", "samples", "weighted"} or None, default="micro"
        ``"micro"``: index of the counts pooled over labels and samples.
        ``"macro"``: unweighted mean of the per-label indices. ``"weighted"``:
        mean of the per-label indices weighted by support (sum of ``y_true``).
        ``"samples"``: (``sample_weight``-weighted) mean of the per-sample
        indices. None: the per-label indices.
    sample_weight : float or array-like of shape (n_samples,), default=None
        Non-negative weight of each row, not all zero; a number weighs
        every row alike.
    zero_division : float in [0, 1], np.nan or "warn", default=0.0
        Score of a label (or sample, or the pooled counts) with no true and no
        predicted positive. ``np.nan`` leaves such items out of the average.
        ``"warn"`` acts as 0.0 and emits an
        :class:`~sklearn.exceptions.UndefinedMetricWarning`.

    Returns
    -------
    score : float or ndarray of shape (n_labels,)
        The averaged index, or per-label indices when ``average=None``.

    See Also
    --------
    f1_score : The Dice coefficient; ``F1 = 2 J / (1 + J)`` per item.
    tversky_score : The general Tversky index.

    Examples
    --------
    >>> import numpy as np
    >>> from skthresh.metrics import jaccard_score
    >>> y_true = np.array([[1, 1, 0], [1, 0, 1]])
    >>> y_pred = np.array([[1, 0, 0], [1, 1, 1]])
    >>> jaccard_score(y_true, y_pred)  # 3 / (3 + 1 + 1)
    0.6
    >>> jaccard_score(y_true, y_pred, average="macro")
    0.6666666666666666

    A soft target is matched exactly only by the same soft prediction:

    >>> jaccard_score([[0.5]], [[0.5]]), jaccard_score([[0.5]], [[1.0]])
    (1.0, 0.5)
    """
    metric = SetMetric.jaccard(average=average or "micro")
    return _set_score(
        metric, y_true, y_pred, average=average, sample_weight=sample_weight,
        zero_division=zero_division,
    )


# --------------------------------------------------------------------------
# Scorers
# --------------------------------------------------------------------------


def _set_metric_score(y_true, y_pred, *, metric: SetMetric, sample_weight=None,
                      zero_division=0.0) -> float:
    """Score function behind :func:`make_set_scorer` (module level: picklable)."""
    return _set_score(
        metric, y_true, y_pred, average=metric.average, sample_weight=sample_weight,
        zero_division=zero_division,
    )


@validate_params(
    {
        "scoring": [str, SetMetric],
        "zero_division": _ZERO_DIVISION_CONSTRAINT,
    },
    prefer_skip_nested_validation=True,
)
def make_set_scorer(scoring: str | SetMetric, *, zero_division: float | str = 0.0):
    """A scikit-learn scorer of a set metric, for ``GridSearchCV`` or ``cross_validate``.

    The scorer calls the estimator's ``predict`` and scores the
    ``(n_samples, n_labels)`` predictions against the targets with the metric,
    computed as :func:`tversky_score` (so as :func:`f1_score`,
    :func:`fbeta_score`, :func:`jaccard_score` for those metrics). Greater is
    better.

    Parameters
    ----------
    scoring : str or SetMetric
        A name ``"<metric>_<average>"`` with metric ``f1``, ``f<beta>`` (any
        beta > 0, e.g. ``f2``, ``f0.5``) or ``jaccard`` and average ``micro``,
        ``macro``, ``samples`` or ``weighted``, e.g. ``"f1_micro"``,
        ``"f2_macro"``, ``"f0.5_samples"``, ``"jaccard_weighted"`` (see
        :func:`get_scorer_names`); or a :class:`~skthresh.SetMetric`, e.g.
        ``SetMetric.tversky(0.3, 0.7, average="micro")`` for a Tversky index.
    zero_division : float in [0, 1], np.nan or "warn", default=0.0
        Score of undefined items, as in :func:`f1_score`.

    Returns
    -------
    scorer : callable
        A scorer ``scorer(estimator, X, y, sample_weight=None)`` made with
        :func:`sklearn.metrics.make_scorer`.

    Examples
    --------
    >>> from sklearn.datasets import make_multilabel_classification
    >>> from sklearn.model_selection import GridSearchCV
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from skthresh import SetMetric
    >>> from skthresh.metrics import make_set_scorer
    >>> X, Y = make_multilabel_classification(n_samples=60, n_classes=4, random_state=0)
    >>> search = GridSearchCV(
    ...     KNeighborsClassifier(), {"n_neighbors": [3, 5]}, cv=3,
    ...     scoring=make_set_scorer("f2_macro"),
    ... ).fit(X, Y)
    >>> search.best_params_, round(float(search.best_score_), 3)
    ({'n_neighbors': 5}, 0.682)
    >>> tversky = make_set_scorer(SetMetric.tversky(0.3, 0.7, average="micro"))
    >>> round(float(tversky(search.best_estimator_, X, Y)), 3)
    0.852
    """
    metric = get_set_metric(scoring)
    return make_scorer(
        _set_metric_score,
        response_method="predict",
        greater_is_better=True,
        metric=metric,
        zero_division=zero_division,
    )

