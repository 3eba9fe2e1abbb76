"""Turning scores and thresholds into label sets, with optional policies."""

from __future__ import annotations

from numbers import Integral

import numpy as np


def apply_thresholds(y_score, thresholds, *, at_least_one: bool = False,
                     max_labels: int | None = None) -> np.ndarray:
    """Predict labels: ``y_score >= thresholds``, then the optional policies.

    Parameters
    ----------
    y_score : ndarray of shape (n_samples, n_labels)
        Scores.
    thresholds : ndarray of shape (n_labels,)
        One threshold per label.
    at_least_one : bool, default=False
        A row that no label passes gets its top-scoring label (the one whose
        score exceeds its threshold by the most, ``score - threshold``).
        Needs two labels or more: with one label it would predict every
        row positive, so it raises instead.
    max_labels : int or None, default=None
        Keep at most this many labels per row: those whose score exceeds
        their threshold by the most.

    Returns
    -------
    y_pred : ndarray of int64, shape (n_samples, n_labels)
        The 0/1 indicator matrix.

    Raises
    ------
    ValueError
        If ``max_labels`` is not a positive integer, or ``at_least_one`` is
        set for scores of a single label.

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
    if max_labels is not None and (not isinstance(max_labels, Integral) or max_labels < 1):
        raise ValueError(f"max_labels must be None or an integer >= 1, got {max_labels!r}.")
    scores = np.asarray(y_score)
    if at_least_one and scores.ndim == 2 and scores.shape[1] == 1:
        raise ValueError(
            "at_least_one needs two labels or more: with a single label (a binary target) it "
            "would predict every row positive."
        )
    pred = scores >= thresholds
    if not at_least_one and max_labels is None:
        return pred.astype(np.int64)
    margin = scores - np.asarray(thresholds, dtype=np.float64)
    if at_least_one:
        empty = ~pred.any(axis=1)
        if empty.any():
            pred[np.flatnonzero(empty), np.argmax(margin[empty], axis=1)] = True
    if max_labels is not None and max_labels < pred.shape[1]:
        too_many = np.flatnonzero(pred.sum(axis=1) > max_labels)
        if too_many.size:
            rows = margin[too_many]
            keep = np.argsort(-rows, axis=1, kind="stable")[:, :max_labels]
            capped = np.zeros_like(rows, dtype=bool)
            np.put_along_axis(capped, keep, True, axis=1)
            pred[too_many] &= capped
    return pred.astype(np.int64)
