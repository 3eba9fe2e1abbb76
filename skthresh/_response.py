"""One adapter that turns any estimator's scores into an (n_samples, n_labels) matrix."""

from __future__ import annotations

import numpy as np


def resolve_response_method(estimator, response_method: str) -> str:
    """Pick the scoring method of ``estimator``.

    ``"auto"`` takes ``predict_proba`` when the estimator has it, otherwise
    ``decision_function``.

    Raises
    ------
    TypeError
        If the estimator has neither (or not the one asked for).
    """
    wanted = ["predict_proba", "decision_function"] if response_method == "auto" \
        else [response_method]
    for name in wanted:
        if hasattr(estimator, name):
            return name
    raise TypeError(
        f"{type(estimator).__name__} has no {' or '.join(wanted)} method: thresholds need "
        "continuous scores. Wrap a classifier that provides predict_proba or "
        "decision_function (its predict would ignore the thresholds)."
    )


def _positive_column(proba: np.ndarray, classes, positive=1) -> np.ndarray:
    """Score of the ``positive`` class from a (n, k) probability block of one binary output.

    An output fitted on one class only (a fold that never saw the other) has a
    single column: it is the positive class's probability when that class is
    the one seen, else the positive class has probability 0.
    """
    proba = np.asarray(proba)
    if proba.ndim == 1:
        return proba
    if classes is not None:
        classes = np.asarray(classes)
        hits = np.flatnonzero(classes == positive)
        if hits.size:
            return proba[:, hits[0]]
        if len(classes) == 1:  # the output only ever saw the other class
            return np.zeros(proba.shape[0])
    return proba[:, -1]


def scores_matrix(estimator, X, method: str, n_labels: int, positive=1) -> np.ndarray:
    """Scores of ``estimator`` on ``X`` as an (n_samples, n_labels) float array.

    Handles every shape scikit-learn and skorch produce for multi-label and
    binary problems: a list of (n, 2) arrays (RandomForest, KNN,
    MultiOutputClassifier), an (n, L) array (OneVsRest, MLP), an (n, 2, L)
    array, an (n, 2) array for one binary output, and a 1-D
    ``decision_function``.

    Parameters
    ----------
    estimator : fitted estimator
    X : array-like
        Input rows.
    method : {"predict_proba", "decision_function"}
        Method to call.
    n_labels : int
        Expected number of label columns.
    positive : object, default=1
        The positive class of a binary target, as the estimator was fitted on it.

    Returns
    -------
    scores : ndarray of shape (n_samples, n_labels)
    """
    raw = getattr(estimator, method)(X)
    classes = getattr(estimator, "classes_", None)
    if isinstance(raw, list):
        per_label = classes if isinstance(classes, list) else [None] * len(raw)
        scores = np.column_stack([_positive_column(p, c) for p, c in zip(raw, per_label)])
    else:
        raw = np.asarray(raw)
        if raw.ndim == 1:
            scores = raw[:, None]
        elif raw.ndim == 3:
            scores = raw[:, -1, :]
        elif n_labels == 1 and raw.ndim == 2 and raw.shape[1] in (1, 2) \
                and method == "predict_proba":
            scores = _positive_column(raw, classes, positive)[:, None]  # binary
        else:
            scores = raw
    scores = np.asarray(scores, dtype=np.float64 if scores.dtype != np.float32 else np.float32)
    if scores.ndim != 2 or scores.shape[1] != n_labels:
        raise ValueError(
            f"{type(estimator).__name__}.{method} returned scores of shape "
            f"{np.shape(scores)}, which does not match the {n_labels} label(s) of the targets."
        )
    return scores
