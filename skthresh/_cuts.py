"""Per-label sorted scores: the exact candidate cuts and their counts.

A *cut* ``k`` of a label (``0 <= k <= n``) predicts positive the rows whose
score is at or above the ``k``-th smallest distinct position: the ``n - k``
highest-scored rows. Only cuts between two different scores are valid, so a
threshold never falls inside a block of equal scores. Every optimizer returns
thresholds through :meth:`SortedScores.thresholds_from_cuts`, and every
prediction is ``y_score >= threshold``.
"""

from __future__ import annotations

import numpy as np


class SortedScores:
    """Scores sorted per label with cumulative weighted target mass.

    Parameters
    ----------
    scores : ndarray of shape (n_samples, n_labels)
        Finite scores.
    targets : ndarray of shape (n_samples, n_labels)
        Targets in [0, 1].
    weights : ndarray of shape (n_samples,)
        Non-negative row weights.

    Attributes
    ----------
    values : ndarray of shape (n_samples, n_labels)
        Scores sorted ascending in each column.
    cum_pos, cum_neg : ndarray of shape (n_samples + 1, n_labels)
        ``cum_pos[k]`` is the weighted target mass (``w * y``) of the ``k``
        lowest-scored rows, ``cum_neg[k]`` the same for ``w * (1 - y)``.
    block_start : ndarray of shape (n_samples, n_labels)
        For each sorted position, the first position of its block of equal
        scores.
    """

    def __init__(self, scores: np.ndarray, targets: np.ndarray, weights: np.ndarray):
        n, n_labels = scores.shape
        order = np.argsort(scores, axis=0, kind="stable")
        self.values = np.take_along_axis(scores, order, axis=0)
        pos = np.take_along_axis(targets, order, axis=0) * weights[order]
        neg = weights[order] - pos
        zero = np.zeros((1, n_labels))
        self.cum_pos = np.concatenate([zero, np.cumsum(pos, axis=0)])
        self.cum_neg = np.concatenate([zero, np.cumsum(neg, axis=0)])
        new_block = np.ones((n, n_labels), dtype=bool)
        new_block[1:] = self.values[1:] != self.values[:-1]
        starts = np.where(new_block, np.arange(n)[:, None], 0)
        self.block_start = np.maximum.accumulate(starts, axis=0)
        self.n_samples = n
        self.n_labels = n_labels

    @property
    def total_pos(self) -> np.ndarray:
        """Weighted target mass of each label, shape (n_labels,)."""
        return self.cum_pos[-1]

    @property
    def total_neg(self) -> np.ndarray:
        """Weighted non-target mass of each label, shape (n_labels,)."""
        return self.cum_neg[-1]

    def valid_cuts(self, label: int) -> np.ndarray:
        """Valid cuts of one label: 0, n and every position between two different scores."""
        col = self.values[:, label]
        inner = np.flatnonzero(col[1:] != col[:-1]) + 1
        return np.concatenate([[0], inner, [self.n_samples]])

    def counts_at_cuts(self, cuts: np.ndarray, label: int | None = None):
        """TP, FP, FN of cuts.

        Parameters
        ----------
        cuts : ndarray of int
            Shape (n_labels,) (one cut per label) or any shape when ``label``
            is given (candidate cuts of that label).
        label : int or None
            Label whose candidate cuts are evaluated.

        Returns
        -------
        tp, fp, fn : ndarrays shaped like ``cuts``.
        """
        if label is None:
            cols = np.arange(self.n_labels)
            below_pos = self.cum_pos[cuts, cols]
            below_neg = self.cum_neg[cuts, cols]
            total_pos, total_neg = self.total_pos, self.total_neg
        else:
            below_pos = self.cum_pos[cuts, label]
            below_neg = self.cum_neg[cuts, label]
            total_pos, total_neg = self.total_pos[label], self.total_neg[label]
        tp = total_pos - below_pos
        return tp, total_neg - below_neg, below_pos

    def cuts_from_thresholds(self, thresholds: np.ndarray) -> np.ndarray:
        """Cut of each label that ``scores >= thresholds`` makes on these rows."""
        return np.array(
            [np.searchsorted(self.values[:, c], thresholds[c], side="left")
             for c in range(self.n_labels)]
        )

    def thresholds_from_cuts(self, cuts: np.ndarray) -> np.ndarray:
        """Thresholds (float64) that realise the given valid cuts with ``>=``.

        A cut between two different scores gets their midpoint. Cut 0 (every
        row positive) gets the lowest score; cut ``n`` (no row positive) the
        next float above the highest score.
        """
        cuts = np.asarray(cuts)
        n = self.n_samples
        cols = np.arange(self.n_labels)
        vals = self.values
        low = vals[np.clip(cuts - 1, 0, n - 1), cols].astype(np.float64)
        high = vals[np.clip(cuts, 0, n - 1), cols].astype(np.float64)
        mid = low + (high - low) / 2
        # Guard against a midpoint that rounds onto the lower score.
        mid = np.where(mid > low, mid, high)
        top = np.nextafter(vals[-1].astype(np.float64), np.inf)
        return np.where(cuts <= 0, vals[0].astype(np.float64), np.where(cuts >= n, top, mid))
