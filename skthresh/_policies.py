"""Turning scores and thresholds into label sets, with optional policies."""

from __future__ import annotations

from numbers import Integral

import numpy as np

from ._validation import check_scores, check_thresholds


def apply_thresholds(y_score, thresholds, *, at_least_one: bool = False,
                     max_labels: int | None = None) -> np.ndarray:
    """Predict labels: ``y_score >= thresholds``, then the optional policies.

    Parameters
    ----------
    y_score : array-like of shape (n_samples, n_labels) or (n_samples,)
        Scores, finite; 1-D for a single label.
    thresholds : float or array-like of shape (n_labels,)
        One threshold per label column, or one number for all labels.
        ``+inf`` never predicts its label and ``-inf`` always does; NaN is
        refused.
    at_least_one : bool, default=False
        A row that no label passes gets its top-scoring label (the one whose
        score exceeds its threshold by the most, ``score - threshold``).
        Needs two labels or more: with one label it would predict every
        row positive, so it raises instead. A label whose threshold is
        ``+inf`` is never given.
    max_labels : int or None, default=None
        Keep at most this many labels per row: those whose score exceeds
        their threshold by the most.

    Returns
    -------
    y_pred : ndarray of int64, shape (n_samples, n_labels) or (n_samples,)
        The 0/1 indicator matrix (1-D for 1-D scores).

    Raises
    ------
    ValueError
        If the scores are not a non-empty finite 1-D or 2-D array, there is
        not one threshold per label column or a threshold is NaN,
        ``max_labels`` is not a positive integer, or ``at_least_one`` is set
        for scores of a single label.
    TypeError
        If the thresholds are not real numbers, or ``at_least_one`` is not
        a bool.

    Notes
    -----
    Both policies change the metric the thresholds were learned for; they
    are off by default. Margins ``score - threshold`` compare labels on the
    scores' own scale, so they suit scores of a common scale (probabilities
    of one model).

    Examples
    --------
    >>> import numpy as np
    >>> from skthresh import apply_thresholds
    >>> scores = np.array([[0.9, 0.8, 0.1], [0.2, 0.3, 0.1]])
    >>> apply_thresholds(scores, np.array([0.5, 0.5, 0.5]))
    array([[1, 1, 0],
           [0, 0, 0]])
    >>> apply_thresholds(scores, np.array([0.5, 0.5, 0.5]), at_least_one=True, max_labels=1)
    array([[1, 0, 0],
           [0, 1, 0]])
    """
    if not isinstance(at_least_one, (bool, np.bool_)):
        raise TypeError(f"at_least_one must be True or False, got {at_least_one!r}.")
    if max_labels is not None and (not isinstance(max_labels, Integral)
                                   or isinstance(max_labels, (bool, np.bool_)) or max_labels < 1):
        raise ValueError(f"max_labels must be None or an integer >= 1, got {max_labels!r}.")
    scores, was_1d = check_scores(y_score, name="y_score")
    thresholds = check_thresholds(thresholds, scores.shape[1])
    if at_least_one and scores.shape[1] == 1:
        raise ValueError(
            "at_least_one needs two labels or more: with a single label (a binary target) it "
            "would predict every row positive."
        )
    pred = scores >= thresholds
    if at_least_one or max_labels is not None:
        margin = scores - thresholds  # finite scores: +-inf at +-inf thresholds, never NaN
        if at_least_one:
            # a label at +inf is never predicted, not even as a row's top label
            allowed = np.isfinite(thresholds)
            empty = ~pred.any(axis=1)
            if empty.any() and allowed.any():
                top = np.argmax(np.where(allowed, margin[empty], -np.inf), axis=1)
                pred[np.flatnonzero(empty), top] = True
        if max_labels is not None and max_labels < pred.shape[1]:
            too_many = np.flatnonzero(pred.sum(axis=1) > max_labels)
            if too_many.size:
                rows = margin[too_many]
                keep = np.argsort(-rows, axis=1, kind="stable")[:, :max_labels]
                capped = np.zeros_like(rows, dtype=bool)
                np.put_along_axis(capped, keep, True, axis=1)
                pred[too_many] &= capped
    pred = pred.astype(np.int64)
    return pred[:, 0] if was_1d else pred
