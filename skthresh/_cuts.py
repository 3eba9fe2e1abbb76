"""Per-label sorted scores: the exact candidate cuts and their counts.

A *cut* ``k`` of a label (``0 <= k <= n``) predicts positive the rows at
sorted positions ``k, ..., n - 1``: the ``n - k`` highest-scored rows. Only
cuts at the start of a block of equal scores are *valid*, so a threshold
never falls inside a block of equal scores. Every optimizer returns
thresholds through :meth:`SortedScores.thresholds_from_cuts`, and every
prediction is ``y_score >= threshold``.

:func:`sort_scores` builds the structure. Hard 0/1 targets without sample
weights take a fast path that never computes a full argsort: the scores are
sorted per label (``np.sort``), each positive row is located in its label's
sorted scores, and the positive mass below any cut is one binary search. Soft targets and sample
weights take the general path: an argsort and cumulative sums of the weighted
target mass.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np


def _transposed_copy(a: np.ndarray, block: int = 256, out: np.ndarray | None = None):
    """A C-ordered copy of ``a.T``, made in blocks of rows (into ``out`` if given).

    A plain ``np.array(a.T, order="C")`` walks the source with a stride of
    one row per element and is several times slower on large matrices
    (measured in ``benchmarks/results/profile_large.md``).
    """
    if out is None:
        out = np.empty((a.shape[1], a.shape[0]), dtype=a.dtype)
    for start in range(0, a.shape[0], block):
        out[:, start:start + block] = a[start:start + block].T
    return out


# From this many cuts per label, mass_below searches label by label.
_MANY_CUTS = 32

# Below this many scores, one thread: starting threads costs more than it saves.
_MIN_THREADED_SIZE = 1_000_000


def n_threads(size: int) -> int:
    """Threads for a pass over ``size`` scores: 1 if small, else the usable cores (at most 8).

    ``OMP_NUM_THREADS``, when set to a positive integer, caps the count, as it
    caps torch's and the BLAS's pools: joblib's process workers (``n_jobs``
    in scikit-learn) set it to their share of the cores, so parallel fits do
    not oversubscribe.
    """
    if size < _MIN_THREADED_SIZE:
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    limit = os.environ.get("OMP_NUM_THREADS", "")
    if limit.isdigit() and int(limit) > 0:
        cores = min(cores, int(limit))
    return max(1, min(cores, 8))


def for_label_chunks(n_labels: int, size: int, work) -> None:
    """Call ``work(labels)`` on contiguous slices of the labels, in threads when large.

    numpy releases the GIL in the sorts, searches and copies ``work`` does,
    so the chunks run on several cores. ``work`` must only write its own
    labels' parts of shared arrays.
    """
    k = min(n_threads(size), n_labels)
    bounds = np.linspace(0, n_labels, k + 1).astype(int)
    chunks = [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]
    if k == 1:
        work(chunks[0])
        return
    with ThreadPoolExecutor(k) as pool:
        for done in [pool.submit(work, chunk) for chunk in chunks]:
            done.result()


def _first_equal(sorted_rows: np.ndarray, row: np.ndarray, position: np.ndarray) -> np.ndarray:
    """First position of each ``sorted_rows[row, position]`` in its row.

    A binary search of all the queries at once, which, for a few queries
    spread over many rows, costs far less than one ``np.searchsorted`` call
    per row; it returns what ``np.searchsorted(..., side="left")`` returns.
    """
    value = sorted_rows[row, position]
    lo, hi = np.zeros_like(position), position.copy()
    while (lo < hi).any():
        mid = (lo + hi) // 2
        below = sorted_rows[row, mid] < value
        lo = np.where(below, mid + 1, lo)
        hi = np.where(below, hi, mid)
    return lo


def _left_queries(values: np.ndarray, thresholds) -> np.ndarray:
    """``thresholds`` as queries in ``values``' dtype, for ``searchsorted(side="left")``.

    Searching float64 thresholds in float32 scores makes numpy convert the
    whole searched row to float64 on every call. For float32 scores ``v``,
    ``v < t`` exactly when ``v < q`` with ``q`` the smallest float32 >= ``t``,
    so the float32 queries give the same cuts without any conversion.
    """
    t = np.asarray(thresholds, dtype=np.float64)
    if values.dtype != np.float32:
        return t
    with np.errstate(over="ignore"):  # beyond float32's range: +-inf, still exact
        q = t.astype(np.float32)
        return np.where(q.astype(np.float64) < t, np.nextafter(q, np.float32(np.inf)), q)


class SortedScores:
    """Scores sorted per label, with the target mass below any valid cut.

    Attributes
    ----------
    values : ndarray of shape (n_samples, n_labels)
        Scores sorted ascending in each column.
    total_pos, total_neg : ndarray of shape (n_labels,)
        Weighted target mass ``sum(w * y)`` and ``sum(w * (1 - y))`` per label.
    """

    _values_t: np.ndarray  # (n_labels, n_samples), C-contiguous: fast per-label search
    total_pos: np.ndarray
    total_neg: np.ndarray

    @property
    def values(self) -> np.ndarray:
        """Scores sorted ascending in each column, shape (n_samples, n_labels) (a view)."""
        return self._values_t.T

    @property
    def n_samples(self) -> int:
        """Number of rows."""
        return self.values.shape[0]

    @property
    def n_labels(self) -> int:
        """Number of labels."""
        return self.values.shape[1]

    def mass_below(self, cuts: np.ndarray, label: int | None = None):
        """Weighted positive and negative mass of the rows below valid cuts.

        Parameters
        ----------
        cuts : ndarray of int
            Shape (..., n_labels), one column per label; or any shape with
            ``label`` given (candidate cuts of that label). Cuts must be valid
            (block starts, or ``n``).
        label : int or None
            Label of the candidate cuts.

        Returns
        -------
        pos_below, neg_below : ndarrays of float shaped like ``cuts``.
        """
        raise NotImplementedError

    def mass_in_bins(self, first_pos: np.ndarray):
        """Positive and negative mass between consecutive valid cuts.

        ``first_pos`` (B + 1, n_labels) holds non-decreasing valid cuts per
        label, ``first_pos[-1] == n``; bin ``b`` is ``[first_pos[b],
        first_pos[b + 1])``. Returns two (B, n_labels) arrays.
        """
        pos_below, neg_below = self.mass_below(first_pos)
        return np.diff(pos_below, axis=0), np.diff(neg_below, axis=0)

    def block_start(self, positions: np.ndarray) -> np.ndarray:
        """First position of the block of equal scores holding each position.

        ``positions`` has shape (m, n_labels), or (m,) for the same positions
        in every label (read with a faster gather); values in ``[0, n)``.
        Returns an (m, n_labels) array.
        """
        positions = np.asarray(positions, dtype=np.int64)
        vt = self._values_t
        if positions.ndim == 1:
            # Label-major: each position and its predecessor gathered side by side
            # (one pass over the rows); the result is the transpose of a C array.
            pairs = np.take(vt, np.stack([np.maximum(positions - 1, 0), positions], axis=1)
                            .ravel(), axis=1, mode="clip")  # in bounds: clip skips the check
            tied = pairs[:, 0::2] == pairs[:, 1::2]
            tied[:, positions == 0] = False
            out = np.empty((self.n_labels, positions.size), dtype=np.int64)
            out[:] = positions
            label, where = np.nonzero(tied)
            out[label, where] = _first_equal(vt, label, out[label, where])
            return out.T
        else:
            rows = np.arange(self.n_labels)[:, None]
            here = vt[rows, positions.T].T
            before = vt[rows, np.maximum(positions - 1, 0).T].T
            out = positions.copy()
        # Only a position whose predecessor holds the same score is inside a block.
        where, label = np.nonzero((out > 0) & (before == here))
        out[where, label] = _first_equal(vt, label, out[where, label])
        return out

    def block_start_all(self) -> np.ndarray:
        """Block start of every sorted position, shape (n_samples, n_labels)."""
        n = self.n_samples
        new_block = np.ones(self.values.shape, dtype=bool)
        new_block[1:] = self.values[1:] != self.values[:-1]
        starts = np.where(new_block, np.arange(n)[:, None], 0)
        return np.maximum.accumulate(starts, axis=0)

    def valid_cuts(self, label: int) -> np.ndarray:
        """Valid cuts of one label: 0, n and every position between two different scores."""
        col = self._values_t[label]
        inner = np.flatnonzero(col[1:] != col[:-1]) + 1
        return np.concatenate([[0], inner, [self.n_samples]])

    def counts_at_cuts(self, cuts: np.ndarray, label: int | None = None):
        """TP, FP, FN of valid cuts (shape as in :meth:`mass_below`)."""
        pos_below, neg_below = self.mass_below(cuts, label)
        total_pos = self.total_pos if label is None else self.total_pos[label]
        total_neg = self.total_neg if label is None else self.total_neg[label]
        return total_pos - pos_below, total_neg - neg_below, pos_below

    def cuts_of_shared_thresholds(self, thresholds: np.ndarray) -> np.ndarray:
        """Cuts that each of the sorted ``thresholds`` makes on every label, shape (m, n_labels)."""
        queries = _left_queries(self._values_t, thresholds)
        out = np.empty((self.n_labels, len(queries)), dtype=np.int64)
        for c in range(self.n_labels):
            out[c] = np.searchsorted(self._values_t[c], queries, side="left")
        return out.T

    def cuts_from_thresholds(self, thresholds: np.ndarray) -> np.ndarray:
        """Cut of each label that ``scores >= thresholds`` makes on these rows."""
        queries = _left_queries(self._values_t, thresholds)
        return np.array(
            [np.searchsorted(self._values_t[c], queries[c], side="left")
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


class _CumulativeScores(SortedScores):
    """General path: argsort plus cumulative weighted target mass."""

    def __init__(self, scores, targets, weights):
        n_labels = scores.shape[1]
        order = np.argsort(scores, axis=0, kind="stable")
        self._values_t = np.ascontiguousarray(np.take_along_axis(scores, order, axis=0).T)
        pos = np.take_along_axis(targets, order, axis=0) * weights[order]
        neg = weights[order] - pos
        zero = np.zeros((1, n_labels))
        self._cum_pos = np.concatenate([zero, np.cumsum(pos, axis=0)])
        self._cum_neg = np.concatenate([zero, np.cumsum(neg, axis=0)])
        self.total_pos = self._cum_pos[-1]
        self.total_neg = self._cum_neg[-1]

    def mass_below(self, cuts, label=None):  # noqa: D102
        if label is None:
            cols = np.arange(self.n_labels)
            return self._cum_pos[cuts, cols], self._cum_neg[cuts, cols]
        return self._cum_pos[cuts, label], self._cum_neg[cuts, label]


class _HardScores(SortedScores):
    """Fast path for 0/1 targets and unit weights: one sort, no argsort.

    Each positive row is stored by its label and the first sorted position
    of its score, as one sorted integer key ``label * (n + 1) + position``;
    the number of positives below any valid cut of any label is then one
    vectorised binary search.
    """

    def __init__(self, scores, targets):
        n, n_labels = scores.shape
        # flat indices in row-major order, split into (row, label): several times
        # faster than a 2-D np.nonzero on a large matrix
        row_of, label_of = np.divmod(np.flatnonzero(np.asarray(targets == 1)), n_labels)
        # label-major, rows ascending (a radix sort on 16-bit labels: several times faster)
        by_label = np.argsort(label_of.astype(np.int16) if n_labels < 2**15 else label_of,
                              kind="stable")
        # positives' scores read in row-major order (near-sequential), then grouped by label
        pos_scores = scores[row_of, label_of][by_label]
        label_of = label_of[by_label]
        counts = np.bincount(label_of, minlength=n_labels)
        offsets = np.concatenate([[0], np.cumsum(counts)])
        position = np.empty(label_of.size, dtype=np.int64)
        # A copy, always (the in-place sort must not touch the input).
        self._values_t = np.empty((n_labels, n), dtype=scores.dtype)

        def sort_and_locate(labels: slice) -> None:
            block = self._values_t[labels]
            _transposed_copy(scores[:, labels], out=block)
            block.sort(axis=1)
            for c in range(labels.start, labels.stop):
                if counts[c]:
                    seg = slice(offsets[c], offsets[c + 1])
                    position[seg] = np.searchsorted(self._values_t[c], pos_scores[seg],
                                                    side="left")

        for_label_chunks(n_labels, scores.size, sort_and_locate)
        self._keys = np.sort(label_of.astype(np.int64) * (n + 1) + position)
        self._key_offsets = offsets
        self.total_pos = counts.astype(np.float64)
        self.total_neg = n - self.total_pos

    def mass_in_bins(self, first_pos):  # noqa: D102
        # Each positive falls in one bin, counted once (far fewer positives than
        # bin boundaries).
        n, n_bins = self.n_samples, first_pos.shape[0] - 1
        stride = n + 1
        label, position = np.divmod(self._keys, stride)
        # Bins at the even rank starts floor(b n / B): a positive's bin is
        # floor(((p + 1) B - 1) / n). Labels whose ties moved a start need a search.
        where = label * n_bins + ((position + 1) * n_bins - 1) // n
        even = (np.arange(n_bins, dtype=np.int64) * n) // n_bins
        moved = np.flatnonzero((first_pos[:-1] != even[:, None]).any(axis=0))
        if moved.size:
            bin_keys = (moved * stride + first_pos[:-1, moved]).T.ravel()  # sorted
            for_moved = np.isin(label, moved)
            found = np.searchsorted(bin_keys, self._keys[for_moved], side="right") - 1
            row, b = np.divmod(found, n_bins)
            where[for_moved] = moved[row] * n_bins + b
        pos = np.bincount(where, minlength=n_bins * self.n_labels).astype(np.float64)
        pos = pos.reshape(self.n_labels, n_bins).T  # label-major in memory, as first_pos
        return pos, np.subtract(np.diff(first_pos, axis=0), pos, order="F")

    def mass_below(self, cuts, label=None):  # noqa: D102
        cuts = np.asarray(cuts)
        if label is None and cuts.ndim == 2 and cuts.shape[0] >= _MANY_CUTS:
            return self._mass_below_by_label(cuts)
        label_ids = np.arange(self.n_labels) if label is None else label
        base = label_ids * (self.n_samples + 1)
        found = np.searchsorted(self._keys, base + cuts, side="left")
        pos = (found - self._key_offsets[label_ids]).astype(np.float64)
        return pos, cuts - pos

    def _mass_below_by_label(self, cuts):
        """:meth:`mass_below` of many cuts per label: one small search per label.

        Each label's positives are searched among themselves, a few hundred
        keys that stay in cache, instead of all cuts among all positives.
        """
        pos = np.empty(cuts.shape, dtype=np.float64)  # laid out as cuts, as the one search
        stride, offsets = self.n_samples + 1, self._key_offsets
        for c in range(self.n_labels):
            positions = self._keys[offsets[c]:offsets[c + 1]] - c * stride
            pos[:, c] = np.searchsorted(positions, cuts[:, c], side="left")
        return pos, cuts - pos


def _is_hard(targets: np.ndarray) -> bool:
    """Whether every target is 0 or 1 (one vectorised pass for byte-sized integers)."""
    if targets.dtype.kind in "biu" and targets.dtype.itemsize == 1:
        return bool(targets.view(np.uint8).max(initial=0) <= 1)  # int8 -1 reads as 255
    return bool(((targets == 0) | (targets == 1)).all())


def sort_scores(scores: np.ndarray, targets: np.ndarray, weights: np.ndarray) -> SortedScores:
    """Sort the scores per label, by the fastest exact path for these inputs.

    Parameters
    ----------
    scores : ndarray of shape (n_samples, n_labels)
        Finite scores.
    targets : ndarray of shape (n_samples, n_labels)
        Targets in [0, 1].
    weights : ndarray of shape (n_samples,)
        Non-negative row weights.

    Returns
    -------
    SortedScores
    """
    if (weights == 1).all() and _is_hard(targets):
        return _HardScores(scores, targets)
    return _CumulativeScores(scores, targets, weights)
