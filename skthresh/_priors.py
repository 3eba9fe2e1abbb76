"""Thresholds for the label frequencies expected in deployment: ``target_priors``.

When a label is more (or less) frequent in deployment than in the tuning
rows, the thresholds that maximise the metric on the tuning rows are not
those that maximise it in deployment. Under a pure prior shift (each label's
class-conditional score distributions unchanged), the deployment counts are
the tuning counts with the positives of label ``j`` weighted
``pi'_j / pi_j`` and its negatives ``(1 - pi'_j) / (1 - pi_j)``, where
``pi_j`` is the label's (weighted) positive rate in the tuning rows and
``pi'_j`` the expected one. This module applies those per-(row, label)
factors to the positive and negative masses of each label at learn time
(:func:`reweight`), so it works for every route the rows take (in memory,
memory maps, Dask arrays, ``partial_fit``): the tuning priors come from the
tallied masses themselves.

Per-(row, label) weights do not define a per-row metric, so the per-sample
average is refused (:func:`check_priors`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ._scoring import SetMetric
from ._warnings import format_labels, plain, warn
from .exceptions import SkthreshWarning

PRIORS = {"target_priors": [None, "array-like", dict]}
"""The parameter constraint of ``target_priors``, shared by the learning optimizers."""

# Target priors within this relative distance of the tuning priors leave the label as it is.
_SAME = 1e-12


def _is_named(priors) -> bool:
    """Whether ``priors`` pairs values with label names: a dict or a pandas Series."""
    return isinstance(priors, Mapping) or (
        hasattr(priors, "index") and hasattr(priors, "to_dict") and np.ndim(priors) == 1)


def _as_values(priors, n_labels: int) -> np.ndarray:
    """The values of ``priors`` as float64, checked: one per label, each in (0, 1)."""
    values = list(priors.values()) if isinstance(priors, Mapping) else priors
    try:
        values = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"target_priors must hold numbers, got {priors!r}.") from None
    if values.ndim != 1 or len(values) != n_labels:
        raise ValueError(
            f"target_priors must hold one expected positive rate per label ({n_labels}), "
            f"got {values.size if values.ndim else 'a single number'}.")
    if np.isnan(values).any():
        raise ValueError(f"target_priors must not hold NaN, got {priors!r}.")
    if ((values <= 0) | (values >= 1)).any():
        raise ValueError(
            f"target_priors must lie strictly between 0 and 1 (expected positive rates), "
            f"got {priors!r}.")
    return values


def check_priors(optimizer, n_labels: int, metric: SetMetric, names=None) -> SetMetric:
    """Check ``optimizer.target_priors`` against the labels and the metric; return the metric.

    Called with the other parameter checks, before any work (before a
    ``partial_fit`` chunk is counted): a dict or Series is matched with the
    label names here, as at learn time.

    Parameters
    ----------
    optimizer : BaseThresholdOptimizer
        The optimizer (one without ``target_priors`` passes unchecked).
    n_labels : int
        Labels of the inputs.
    metric : SetMetric
        The metric to maximise.
    names : ndarray or None, default=None
        The label names of the inputs (None: matched with label positions).

    Returns
    -------
    metric : SetMetric
        ``metric``, unchanged.

    Raises
    ------
    ValueError
        Wrong length, missing or unknown label names, NaN, a value outside
        (0, 1), the per-sample average, or ``shrinkage="auto"``.
    """
    priors = getattr(optimizer, "target_priors", None)
    if priors is None:
        return metric
    if not metric.decomposable:
        raise ValueError(
            f"target_priors weights each label's positives and negatives apart, which "
            f"defines no per-row metric: it supports the micro, macro and weighted "
            f"averages, not the per-sample average ({metric.name or 'samples'}).")
    if getattr(optimizer, "shrinkage", 0.0) == "auto":
        raise ValueError(
            "shrinkage='auto' cross-validates on the unweighted rows, so it cannot be "
            "combined with target_priors: pass a number (0 keeps the learned thresholds).")
    _aligned(priors, names, n_labels)
    return metric


def _aligned(priors, names, n_labels: int) -> np.ndarray:
    """The target priors in the labels' order (a dict or Series matched by label name)."""
    if not _is_named(priors):
        return _as_values(priors, n_labels)
    given = dict(priors) if isinstance(priors, Mapping) else priors.to_dict()
    keys = [plain(k) for k in (range(n_labels) if names is None else names)]
    missing = [k for k in keys if k not in given]
    unknown = [k for k in given if k not in set(keys)]
    if missing or unknown:
        what = "label names" if names is not None else "label positions (the inputs had no names)"
        raise ValueError(
            f"target_priors is matched by name with the {what}: "
            + (f"missing {format_labels(missing)}" if missing else "")
            + ("; " if missing and unknown else "")
            + (f"unknown {format_labels(unknown)}" if unknown else "") + ".")
    return _as_values([given[k] for k in keys], n_labels)


def reweight(ss, optimizer):
    """``ss`` with each label's masses weighted to ``optimizer.target_priors``.

    Parameters
    ----------
    ss : SortedScores
        The tallied scores (sorted in memory, or binned statistics).
    optimizer : BaseThresholdOptimizer
        The optimizer, with ``target_priors`` and ``label_names_``.

    Returns
    -------
    SortedScores or PriorWeightedScores
        ``ss`` itself when ``target_priors`` is None or equals the tuning
        priors (to 12 digits), else a view with reweighted masses.
    """
    priors = getattr(optimizer, "target_priors", None)
    if priors is None:
        return ss
    names = getattr(optimizer, "label_names_", None)
    target = _aligned(priors, names, ss.n_labels)
    with np.errstate(invalid="ignore", divide="ignore"):
        tuning = ss.total_pos / (ss.total_pos + ss.total_neg)
    degenerate = ~((tuning > 0) & (tuning < 1))
    if degenerate.any():
        labels = np.flatnonzero(degenerate)
        listed = format_labels(optimizer._labels_named(labels))
        warn(SkthreshWarning(
            f"target_priors cannot reweight label(s) {listed}: their tuning rows hold no "
            "positive (or no negative), so there is no mass to scale to the expected rate. "
            "They keep their weights (a label without positives takes the shared threshold)."))
    same = degenerate | (np.abs(target - tuning) <= _SAME * tuning)
    if same.all():
        return ss
    with np.errstate(invalid="ignore", divide="ignore"):
        pos = np.where(same, 1.0, target / tuning)
        neg = np.where(same, 1.0, (1 - target) / (1 - tuning))
    return PriorWeightedScores(ss, pos, neg)


class PriorWeightedScores:
    """Sorted (or binned) scores whose masses are scaled per label.

    Everything but the masses comes from the wrapped scores: the cuts, the
    thresholds, the bins. The positive mass of label ``j`` is multiplied by
    ``pos_factor[j]`` and its negative mass by ``neg_factor[j]``.

    Parameters
    ----------
    inner : SortedScores
        The scores to reweight.
    pos_factor, neg_factor : ndarray of shape (n_labels,)
        Factors of each label's positive and negative mass.
    """

    def __init__(self, inner, pos_factor: np.ndarray, neg_factor: np.ndarray):
        self._inner = inner
        self._pos, self._neg = pos_factor, neg_factor
        self.total_pos = inner.total_pos * pos_factor
        self.total_neg = inner.total_neg * neg_factor

    def __getattr__(self, name):
        if name.startswith("__") or name in ("_inner", "_pos", "_neg"):
            raise AttributeError(name)
        return getattr(self._inner, name)

    def _factors(self, label):
        if label is None:
            return self._pos, self._neg
        return self._pos[label], self._neg[label]

    def mass_below(self, cuts, label=None):
        """Reweighted positive and negative mass below valid cuts (as the wrapped scores)."""
        pos, neg = self._inner.mass_below(cuts, label)
        pos_factor, neg_factor = self._factors(label)
        return pos * pos_factor, neg * neg_factor

    def mass_in_bins(self, first_pos):
        """Reweighted positive and negative mass between consecutive valid cuts."""
        pos, neg = self._inner.mass_in_bins(first_pos)
        return pos * self._pos, neg * self._neg

    def counts_at_cuts(self, cuts, label=None):
        """Reweighted TP, FP, FN of valid cuts."""
        pos_below, neg_below = self.mass_below(cuts, label)
        total_pos = self.total_pos if label is None else self.total_pos[label]
        total_neg = self.total_neg if label is None else self.total_neg[label]
        return total_pos - pos_below, total_neg - neg_below, pos_below
