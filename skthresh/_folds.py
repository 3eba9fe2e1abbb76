"""One fold of out-of-fold scoring: fit a clone of the inner estimator, score the held-out rows."""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import _check_method_params

from ._response import scores_matrix


def fit_fold(estimator, X, Y, train, test, fit_params, method, n_labels, positive,
              keep_estimator):
    """Fit a clone on the ``train`` rows; return its scores of the ``test`` rows and the clone.

    The clone only when ``keep_estimator`` (``refit=False`` keeps the one
    split's estimator), None otherwise: the jobs send back only what is used.
    """
    est = fit_inner(clone(estimator), _safe_rows(X, train), _safe_rows(Y, train),
                     _check_method_params(X, fit_params, train))
    scores = scores_matrix(est, _safe_rows(X, test), method, n_labels, positive)
    return scores, est if keep_estimator else None


def fit_inner(estimator, X, Y, fit_params):
    """``estimator.fit(X, Y)``, with a hint when a single-output estimator gets several labels."""
    try:
        return estimator.fit(X, Y, **fit_params)
    except ValueError as exc:
        if np.ndim(Y) == 2 and np.shape(Y)[1] > 1 and "1d array" in str(exc):
            raise ValueError(
                f"{type(estimator).__name__} fits one output, but y has {np.shape(Y)[1]} label "
                "columns. Wrap it for multi-label targets: "
                f"OneVsRestClassifier({type(estimator).__name__}(...)) or "
                f"MultiOutputClassifier({type(estimator).__name__}(...)) "
                "(sklearn.multiclass, sklearn.multioutput)."
            ) from exc
        raise


def _safe_rows(X, idx):
    return _safe_indexing(X, idx)
