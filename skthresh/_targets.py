"""The classifier's target: a binary vector or a multi-label matrix, encoded once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import column_or_1d

from ._validation import _ENCODE_LABELS, TARGETS_ACCEPTED, check_numeric, check_targets


@dataclass
class EncodedTarget:
    """What :func:`encode_target` makes of ``y``.

    Attributes
    ----------
    targets : ndarray of shape (n_samples, n_labels)
        The thresholds' targets: 0/1, or soft targets in [0, 1].
    y_fit : array-like
        What the inner estimator is fitted on (soft targets binarised at 0.5).
    binary : bool
        Whether ``y`` was a binary vector (one label).
    classes : ndarray
        The two class labels (binary), else ``np.arange(n_labels)``.
    label_names : ndarray or None
        A DataFrame target's column names.
    """

    targets: np.ndarray
    y_fit: object
    binary: bool
    classes: np.ndarray
    label_names: np.ndarray | None


def encode_target(y) -> EncodedTarget:
    """Encode a binary or multi-label target; refuse anything else, naming ``y``.

    Parameters
    ----------
    y : array-like, DataFrame or sparse matrix of shape (n_samples,) or (n_samples, n_labels)
        A binary vector (any two class labels), or a multi-label indicator
        matrix (0/1, or soft targets in [0, 1]).

    Returns
    -------
    EncodedTarget

    Raises
    ------
    ValueError
        For a multiclass target, non-numeric label columns, a binary target
        with one class, or values outside [0, 1].
    """
    names = None
    if hasattr(y, "columns") and getattr(y, "ndim", 1) == 2:
        names = np.asarray(y.columns, dtype=object)
    shape = y.shape if hasattr(y, "shape") else np.asarray(y).shape
    if len(shape) == 2 and shape[1] > 1 and not sp.issparse(y):
        # several label columns: numbers (categories of numbers too), else refused
        # naming y (a binary target may be strings, "spam"/"ham": encoded below)
        y = check_numeric(y, name="y", accepts=f"a multi-label target needs {TARGETS_ACCEPTED}",
                          hint=_ENCODE_LABELS)
    target_type = type_of_target(y, input_name="y", raise_unknown=True)
    if target_type == "binary":
        y = column_or_1d(np.asarray(y) if not sp.issparse(y) else y.toarray(), warn=True)
        encoder = LabelEncoder().fit(y)
        if len(encoder.classes_) != 2:
            raise ValueError(
                f"Binary targets need two classes, got {len(encoder.classes_)}: "
                "thresholds cannot be learned when one class is absent."
            )
        targets = encoder.transform(y).astype(np.float64)[:, None]
        return EncodedTarget(targets, y, True, encoder.classes_, names)
    if target_type in ("multilabel-indicator", "continuous-multioutput",
                       "multiclass-multioutput"):
        dense = y.toarray() if sp.issparse(y) else np.asarray(y, dtype=np.float64)
        # one range check (check_targets'), with the message of the target type
        range_error = None if target_type == "multilabel-indicator" else (
            f"Unknown label type: {target_type}. Multi-label targets must be 0/1 or "
            "soft targets in [0, 1]; got continuous values outside [0, 1]."
        )
        targets = check_targets(dense, dense.shape, name="y", range_error=range_error)
        classes = np.arange(targets.shape[1])
        hard = targets if np.isin(targets, (0.0, 1.0)).all() \
            else (targets >= 0.5).astype(np.int64)
        y_fit = y if sp.issparse(y) and hard is targets else hard.astype(np.int64)
        return EncodedTarget(targets, y_fit, False, classes, names)
    if target_type == "multiclass":
        raise ValueError(
            "Only binary classification is supported, and multi-label classification: "
            "ThresholdOptimizedClassifier learns decision thresholds for binary and "
            "multi-label targets; got a multiclass target. For one label per row the "
            "arg-max of predict_proba already maximises accuracy; to threshold each "
            "class on its own, binarise y with sklearn.preprocessing.LabelBinarizer and "
            "pass the indicator matrix."
        )
    raise ValueError(
        f"Unknown label type: {target_type}. Pass a binary vector or a multi-label "
        "indicator matrix (0/1, or soft targets in [0, 1] as a 2-D array)."
    )
