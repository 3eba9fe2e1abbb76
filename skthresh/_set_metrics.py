"""The one definition of the set metrics, shared by numpy and torch code.

Every metric in skthresh (the numpy metrics, the sklearn scorers, the objective
of the threshold optimizers and the torch losses) is computed from the three
confusion counts of the JDT papers (Wang et al., NeurIPS 2023, MICCAI 2023)::

    TP = (|x|_1 + |y|_1 - |x - y|_1) / 2,   FP = |x|_1 - TP,   FN = |y|_1 - TP

and the Tversky index ``TP / (TP + alpha FP + beta FN)``. F-beta is the Tversky
index with ``alpha = 1 / (1 + beta**2)`` and ``beta_T = beta**2 / (1 + beta**2)``
(F1 = Dice: ``alpha = beta_T = 1/2``), Jaccard is ``alpha = beta_T = 1``.

The functions below use only arithmetic, ``abs`` and ``.sum(axis=...)``, which
numpy arrays and torch tensors both support, so the formulas exist once. The
caller passes the array namespace (``numpy`` or ``torch``) where a ``where`` is
needed.
"""

from __future__ import annotations

from typing import Any


def jdt_counts(y_true: Any, y_pred: Any, sample_weight: Any = None, axis: int = 0):
    """Soft confusion counts TP, FP, FN along ``axis``.

    Valid for hard and soft ``y_true`` and ``y_pred`` in [0, 1]. On hard
    values they are the usual counts.

    Parameters
    ----------
    y_true, y_pred : array or tensor of shape (n_samples, n_labels)
        Targets and predictions, in [0, 1].
    sample_weight : array or tensor of shape (n_samples, 1) or None
        Weight of each row, broadcast over labels.
    axis : int, default=0
        Axis summed over: 0 gives per-label counts, 1 per-sample counts.

    Returns
    -------
    tp, fp, fn : arrays or tensors
        The counts, reduced along ``axis``.
    """
    size_pred = y_pred
    size_true = y_true
    diff = abs(y_pred - y_true)
    if sample_weight is not None:
        size_pred = size_pred * sample_weight
        size_true = size_true * sample_weight
        diff = diff * sample_weight
    sum_pred = size_pred.sum(axis=axis)
    sum_true = size_true.sum(axis=axis)
    tp = (sum_pred + sum_true - diff.sum(axis=axis)) / 2
    return tp, sum_pred - tp, sum_true - tp


def tversky_from_counts(tp, fp, fn, alpha: float, beta: float, *, xp, zero_division=0.0):
    """Tversky index ``tp / (tp + alpha fp + beta fn)`` from counts.

    Parameters
    ----------
    tp, fp, fn : arrays or tensors of the same shape
        Confusion counts (possibly soft, possibly weighted).
    alpha, beta : float
        Weights of false positives and false negatives. ``alpha = beta = 0.5``
        is F1 (Dice), ``alpha = beta = 1`` is Jaccard.
    xp : module
        ``numpy`` or ``torch``: provides ``where``.
    zero_division : float, default=0.0
        Value where the denominator is zero (no predicted and no true
        positive), as ``zero_division`` in scikit-learn.

    Returns
    -------
    score : array or tensor
        The index, in [0, 1].
    """
    denom = tp + alpha * fp + beta * fn
    defined = denom > 0
    safe = xp.where(defined, denom, denom * 0 + 1)
    return xp.where(defined, tp / safe, tp * 0 + zero_division)


def tversky_and_gradients(tp, fp, fn, alpha: float, beta: float, *, xp, zero_division=0.0):
    """Tversky index and its derivatives in ``tp`` and ``fp``, the positives held fixed.

    Moving a row across a threshold changes ``tp`` (and ``fn = P - tp`` with
    it) or ``fp``; so, with ``D = tp + alpha fp + beta fn``::

        d index / d tp = (alpha fp + beta (tp + fn)) / D**2
        d index / d fp = -alpha tp / D**2

    Where ``D = 0`` the index is ``zero_division`` and both derivatives are 0,
    as autograd gives through :func:`tversky_from_counts`.

    Parameters
    ----------
    tp, fp, fn : arrays or tensors of the same shape
        Confusion counts.
    alpha, beta : float
        Weights of false positives and false negatives.
    xp : module
        ``numpy`` or ``torch``: provides ``where``.
    zero_division : float, default=0.0
        Value where the denominator is zero.

    Returns
    -------
    index, d_tp, d_fp : arrays or tensors shaped like ``tp``
    """
    denom = tp + alpha * fp + beta * fn
    defined = denom > 0
    safe = xp.where(defined, denom, denom * 0 + 1)
    inv2 = xp.where(defined, 1 / (safe * safe), denom * 0)
    index = xp.where(defined, tp / safe, tp * 0 + zero_division)
    return index, (alpha * fp + beta * (tp + fn)) * inv2, -alpha * tp * inv2
