"""How a threshold is represented, and every conversion between its forms.

A label's threshold has three forms in skthresh, and this module is the only
place that converts between them:

* a **threshold** on the scores' own scale: a row is predicted positive when
  ``score >= threshold``. It is what every optimizer returns and what
  ``predict`` applies.
* a **cut** ``k`` (``0 <= k <= n``) in the label's sorted scores: the rows at
  sorted positions ``k, ..., n - 1`` (the ``n - k`` highest) are positive.
  Only *valid* cuts exist, at the start of a block of equal scores, so a
  threshold never falls inside such a block. Counts (TP, FP, FN) are read at
  cuts; :class:`SortedScores` converts thresholds to cuts and back.
* a **rank position** ``t`` on the axis SGL learns on, the logit of the
  per-label rank ``u = log(r / (1 - r))``; a row is positive when ``u > t``.
  :class:`RankProblem` converts cuts to positions and back.

:func:`sort_scores` builds a :class:`SortedScores`. Hard 0/1 targets without
sample weights take a path that never argsorts the scores: each label's scores
are sorted, each positive row is located in its label's sorted scores, and the
positive mass below any cut is one binary search. It is 10x faster than the
general path (argsort and cumulative sums of the weighted target mass) at
15,278 x 527 (0.25 s against 2.67 s, measured in one process), so both stay.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np


def _transposed_copy(a: np.ndarray, out: np.ndarray, block: int = 256) -> np.ndarray:
    """Write ``a.T`` into the C-ordered ``out``, in blocks of rows.

    A plain ``np.array(a.T, order="C")`` walks the source with a stride of
    one row per element: 9.97 s against 1.14 s for this blocked copy at
    1,000,000 x 527 float32 (docs, Benchmarks page, past studies).
    """
    for start in range(0, a.shape[0], block):
        out[:, start:start + block] = a[start:start + block].T
    return out


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


def sorted_label_major(scores: np.ndarray, then=None) -> np.ndarray:
    """Each label's scores sorted ascending, as a new C-ordered (n_labels, n_samples) array.

    ``then(out, labels)``, when given, runs on each slice of labels right
    after it is sorted, in the same thread (see :func:`for_label_chunks`).
    """
    out = np.empty(scores.shape[::-1], dtype=scores.dtype)  # a copy: never sort the input

    def sort(labels: slice) -> None:
        block = out[labels]
        _transposed_copy(scores[:, labels], out=block)
        block.sort(axis=1)
        if then is not None:
            then(out, labels)

    for_label_chunks(scores.shape[1], scores.size, sort)
    return out


def _first_equal(sorted_rows: np.ndarray, row: np.ndarray, position: np.ndarray) -> np.ndarray:
    """First position of each ``sorted_rows[row, position]`` in its row.

    A binary search of all the queries at once; it returns what
    ``np.searchsorted(sorted_rows[row], value, side="left")`` returns for
    each query.
    """
    value = sorted_rows[row, position]
    lo, hi = np.zeros_like(position), position.copy()
    while (lo < hi).any():
        mid = (lo + hi) // 2
        below = sorted_rows[row, mid] < value
        lo = np.where(below, mid + 1, lo)
        hi = np.where(below, hi, mid)
    return lo


def _smallest_at_or_above(thresholds, dtype) -> np.ndarray:
    """The smallest value of ``dtype`` at or above each float64 threshold.

    For any score ``x`` of that dtype, ``x >= threshold`` exactly when ``x`` is
    at or above the returned value, so the comparison can be made in the
    scores' own dtype.
    """
    thresholds = np.asarray(thresholds, dtype=np.float64)
    if dtype == np.float64:
        return thresholds
    with np.errstate(over="ignore"):  # beyond the dtype's range: an infinity, still exact
        narrow = thresholds.astype(dtype)
        return np.where(narrow < thresholds, np.nextafter(narrow, dtype.type(np.inf)), narrow)


class SortedScores:
    """Scores sorted per label, with the target mass below any valid cut.

    Build one with :func:`sort_scores`.

    Attributes
    ----------
    values : ndarray of shape (n_samples, n_labels)
        Scores sorted ascending in each column (a view of a label-major array).
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
        return self._values_t.shape[1]

    @property
    def n_labels(self) -> int:
        """Number of labels."""
        return self._values_t.shape[0]

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
        """First position of the block of equal scores holding each position, in every label.

        ``positions`` (m,) holds sorted positions in ``[0, n)``; returns an
        (m, n_labels) array (the transpose of a label-major one).
        """
        positions = np.asarray(positions, dtype=np.int64)
        here = self._values_t[:, positions]  # (L, m): contiguous gathers, label by label
        before = self._values_t[:, np.maximum(positions - 1, 0)]
        out = np.repeat(positions[None], self.n_labels, axis=0)
        # Only a position whose predecessor holds the same score is inside a block.
        label, where = np.nonzero((positions > 0) & (before == here))
        out[label, where] = _first_equal(self._values_t, label, positions[where])
        return out.T

    def block_start_all(self) -> np.ndarray:
        """Block start of every sorted position, shape (n_samples, n_labels)."""
        n = self.n_samples
        new_block = np.ones(self.values.shape, dtype=bool)
        new_block[1:] = self.values[1:] != self.values[:-1]
        starts = np.where(new_block, np.arange(n)[:, None], 0)
        return np.maximum.accumulate(starts, axis=0)

    def top_scores(self) -> np.ndarray:
        """Highest score of each label, shape (n_labels,)."""
        return self._values_t[:, -1]

    def lowest_tied(self) -> np.ndarray:
        """Whether each label's lowest score occurs more than once, shape (n_labels,)."""
        if self.n_samples < 2:
            return np.zeros(self.n_labels, dtype=bool)
        return self._values_t[:, 0] == self._values_t[:, 1]

    def shared_candidates(self) -> np.ndarray:
        """Candidate thresholds shared by all labels (see :func:`shared_candidates`)."""
        return shared_candidates(self._values_t)

    def bin_starts(self, max_bins: int) -> np.ndarray:
        """Cuts at the boundaries of ``min(max_bins, n)`` rank bins per label, (B + 1, L).

        Bin ``b`` of a label starts at the block start of sorted position
        ``floor(b n / B)``; a block of equal scores that spans several such
        positions leaves the later bins empty. The last row is ``n``.
        """
        n = self.n_samples
        n_bins = int(min(max_bins, n))
        starts = (np.arange(n_bins, dtype=np.int64) * n) // n_bins
        # label-major in memory, like the sorted scores and the bin masses built from it
        first_pos = np.empty((self.n_labels, n_bins + 1), dtype=np.int64).T
        first_pos[:-1] = self.block_start(starts)
        first_pos[-1] = n
        return first_pos

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

    def cuts_from_thresholds(self, thresholds: np.ndarray) -> np.ndarray:
        """Cuts that ``scores >= thresholds`` makes on these rows.

        ``thresholds`` has shape (..., n_labels) (one column per label); the
        cuts have the same shape. Thresholds may lie anywhere on the real
        line, infinities included.
        """
        # Label-major needles in the scores' own dtype: searching float64 thresholds in
        # float32 scores would cast every score of the label at every call. One threshold
        # per label: 4.3x faster at 15,278 x 527, 18x at 200,000 x 527 (medians, measured).
        needles = np.ascontiguousarray(
            _smallest_at_or_above(thresholds, self._values_t.dtype).reshape(-1, self.n_labels).T)
        out = np.empty(needles.shape, dtype=np.int64)
        for c in range(self.n_labels):
            out[c] = np.searchsorted(self._values_t[c], needles[c], side="left")
        return out.T.reshape(np.shape(thresholds))

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
    """Path for 0/1 targets and unit weights: one sort per label, no argsort.

    Each positive row is stored by its label and the first sorted position
    of its score, as one sorted integer key ``label * (n + 1) + position``;
    the number of positives below any valid cut of any label is then one
    vectorised binary search.
    """

    def __init__(self, scores, targets):
        n, n_labels = scores.shape
        # positives in label-major order, rows ascending: one sort of their keys
        # label * n + row (1.9 ms at 15,278 x 527, against 6.2 ms for a stable argsort
        # of the labels, which also needs gathers after it; median of 15, measured)
        flat = np.flatnonzero(np.asarray(targets == 1))  # row-major: row * L + label
        label_of, row_of = np.divmod(np.sort(flat % n_labels * n + flat // n_labels), n)
        pos_scores = scores[row_of, label_of]
        counts = np.bincount(label_of, minlength=n_labels)
        offsets = np.concatenate([[0], np.cumsum(counts)])
        position = np.empty(label_of.size, dtype=np.int64)

        def locate(values_t: np.ndarray, labels: slice) -> None:
            # sorted needles: numpy's search narrows from the previous one (8.6 ms
            # against 16.8 ms for the labels of 15,278 x 527, median of 15), and the
            # positions come out sorted within each label, so the keys need no sort
            for c in range(labels.start, labels.stop):
                seg = slice(offsets[c], offsets[c + 1])
                position[seg] = np.searchsorted(values_t[c], np.sort(pos_scores[seg]),
                                                side="left")

        self._values_t = sorted_label_major(scores, then=locate)
        self._keys = label_of * (n + 1) + position  # sorted: label-major, positions ascending
        self._key_offsets = offsets
        self.total_pos = counts.astype(np.float64)
        self.total_neg = n - self.total_pos

    def mass_in_bins(self, first_pos):  # noqa: D102
        # Each positive falls in one bin: one search of the positives among the bin
        # starts of all labels (keys label * (n + 1) + start, sorted), then a count.
        # 1.9x faster than the general counts at 15,278 x 527 x 1536 bins (median of 3).
        n_bins = first_pos.shape[0] - 1
        bin_keys = (first_pos[:-1] + np.arange(self.n_labels) * (self.n_samples + 1)).T.ravel()
        where = np.searchsorted(bin_keys, self._keys, side="right") - 1  # label * B + bin
        pos = np.bincount(where, minlength=n_bins * self.n_labels).astype(np.float64)
        pos = pos.reshape(self.n_labels, n_bins).T
        return pos, np.diff(first_pos, axis=0) - pos

    def mass_below(self, cuts, label=None):  # noqa: D102
        cuts = np.asarray(cuts)
        label_ids = np.arange(self.n_labels) if label is None else label
        base = label_ids * (self.n_samples + 1)
        # needles in label-major order, where cuts that grow with their thresholds are
        # sorted and numpy's search narrows from the previous needle: 2.5x faster for the
        # shared threshold's 256 x 527 candidate cuts (2.8 against 7.0 ms, median of 21)
        found = np.searchsorted(self._keys, (base + cuts).T, side="left").T
        pos = (found - self._key_offsets[label_ids]).astype(np.float64)
        return pos, cuts - pos


class BinnedScores(SortedScores):
    """What a :class:`SortedScores` knows, at a few known thresholds per label only.

    Built from the statistics of scores read in chunks
    (:class:`skthresh._streaming.ScoreStatistics`), never from the rows
    themselves. For each label and each known threshold ``q`` it holds the
    number of rows below ``q`` (that count is a valid cut), the positive and
    negative mass of those rows, the highest score below ``q`` and the lowest
    at or above it. Cuts are row counts, as for the rows in memory, but only
    the cuts of the known thresholds are known: they are the valid cuts here.

    Parameters
    ----------
    known : ndarray of shape (M, n_labels)
        Known thresholds, sorted in each column, ``-inf`` first and ``inf`` last.
    bin_rows : ndarray of int, shape (B + 1,  n_labels)
        Rows of ``known`` at the boundaries of the rank bins (first ``-inf``,
        last ``inf``), for :meth:`bin_starts`.
    n_bins : int
        The ``max_bins`` the bins were made for.
    below, pos_below, neg_below, max_below, min_above : ndarrays of shape (M, n_labels)
        The statistics at each known threshold.
    lowest_two : ndarray of shape (2, n_labels)
        The two lowest scores of each label (``inf`` where fewer rows).
    candidates : ndarray of shape (G,)
        Candidate shared thresholds (all of them among the known thresholds).
    """

    def __init__(self, known, bin_rows, n_bins, below, pos_below, neg_below, max_below,
                 min_above, lowest_two, candidates):
        self._known, self._bin_rows, self._n_bins = known, bin_rows, n_bins
        self._below, self._pos_below, self._neg_below = below, pos_below, neg_below
        self._max_below, self._min_above = max_below, min_above
        self._lowest_two, self._candidates = lowest_two, candidates
        self.total_pos, self.total_neg = pos_below[-1].copy(), neg_below[-1].copy()

    @property
    def values(self):  # noqa: D102
        raise AttributeError("binned scores keep statistics, not the sorted scores")

    @property
    def n_samples(self) -> int:  # noqa: D102
        return int(self._below[-1, 0])

    @property
    def n_labels(self) -> int:  # noqa: D102
        return self._known.shape[1]

    def _rows_of(self, cuts, c):
        """Rows of ``known`` whose count below is each of ``cuts`` (known cuts) of label c."""
        return np.searchsorted(self._below[:, c], cuts, side="left")

    def mass_below(self, cuts, label=None):  # noqa: D102
        cuts = np.asarray(cuts)
        if label is not None:
            rows = self._rows_of(cuts, label)
            return self._pos_below[rows, label], self._neg_below[rows, label]
        pos, neg = np.empty(cuts.shape), np.empty(cuts.shape)
        for c in range(self.n_labels):
            rows = self._rows_of(cuts[..., c], c)
            pos[..., c], neg[..., c] = self._pos_below[rows, c], self._neg_below[rows, c]
        return pos, neg

    def valid_cuts(self, label):  # noqa: D102
        return np.unique(self._below[:, label])

    def top_scores(self):  # noqa: D102
        return self._max_below[-1]

    def lowest_tied(self):  # noqa: D102
        return self._lowest_two[0] == self._lowest_two[1]

    def shared_candidates(self):  # noqa: D102
        return self._candidates

    def bin_starts(self, max_bins):  # noqa: D102
        if max_bins != self._n_bins:
            raise ValueError(f"these statistics were gathered for {self._n_bins} bins per "
                             f"label, not {max_bins}.")
        return np.take_along_axis(self._below, self._bin_rows, axis=0)

    def block_start(self, positions):  # noqa: D102
        raise NotImplementedError("binned scores know the block starts of their bins only")

    def cuts_from_thresholds(self, thresholds):
        """Cuts of ``scores >= thresholds``: exact when no row lies between the
        threshold and a known threshold, else the nearer of the two known cuts
        around it (by score)."""
        t = np.asarray(thresholds, dtype=np.float64)
        out = np.empty(t.shape, dtype=np.int64)
        for c in range(self.n_labels):
            tc = t[..., c]
            m = np.searchsorted(self._known[:, c], tc, side="right") - 1  # known[m] <= t
            m = np.clip(m, 0, len(self._known) - 2)
            low_cut, high_cut = self._below[m, c], self._below[m + 1, c]
            first_above = self._min_above[m, c]  # lowest score at or above known[m]
            last_below = self._max_below[m + 1, c]  # highest score below known[m + 1]
            exact_low = tc <= first_above
            exact_high = tc > last_below
            nearer_low = (tc - first_above) <= (last_below - tc)
            out[..., c] = np.where(exact_low | (~exact_high & nearer_low), low_cut, high_cut)
        return out

    def thresholds_from_cuts(self, cuts):  # noqa: D102
        cuts = np.asarray(cuts)
        cols = np.arange(self.n_labels)
        rows = np.array([self._rows_of(cuts[c], c) for c in cols])
        n = self.n_samples
        # Only a cut strictly inside has a score on each side: at cut 0 no score lies
        # below (max_below is -inf) and at cut n none above (min_above is inf), and the
        # midpoint of an infinity would be NaN. Those cuts take their own thresholds below.
        inside = (cuts > 0) & (cuts < n)
        low = np.where(inside, self._max_below[rows, cols], 0.0)
        high = np.where(inside, self._min_above[rows, cols], 0.0)
        mid = low + (high - low) / 2
        mid = np.where(mid > low, mid, high)
        top = np.nextafter(self.top_scores(), np.inf)
        return np.where(cuts <= 0, self._lowest_two[0], np.where(cuts >= n, top, mid))


def _is_hard(targets: np.ndarray) -> bool:
    """Whether every target is 0 or 1."""
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


# Candidates of the shared threshold: all midpoints up to this many distinct pooled
# scores, else this many quantiles (a quarter of it beyond 64 labels).
_N_SHARED_CANDIDATES = 1024
_POOLED_SAMPLE = 200_000


def shared_candidates(values_t: np.ndarray) -> np.ndarray:
    """Candidate thresholds shared by all labels, from scores sorted per label.

    ``values_t`` (n_labels, n) holds each label's scores sorted ascending. The
    candidates are the midpoints between the distinct pooled scores (with the
    lowest score and the next float above the highest) when there are at most
    ``G`` of them, otherwise ``G`` quantiles of the pooled scores, with
    ``G = 1024`` up to 64 labels and ``G = 256`` beyond (where counting every
    candidate in every label dominates the cost of a fit). Above 200,000
    scores an evenly strided subset of the pooled scores is used.
    """
    pooled = values_t.ravel()  # label-major: a view when contiguous
    if pooled.size > _POOLED_SAMPLE:
        pooled = pooled[::pooled.size // _POOLED_SAMPLE + 1]
    distinct = np.unique(pooled).astype(np.float64)  # (float32 sorts faster; casts are exact)
    n_candidates = _N_SHARED_CANDIDATES if values_t.shape[0] <= 64 else _N_SHARED_CANDIDATES // 4
    if distinct.size <= n_candidates:
        return np.concatenate([distinct[:1], (distinct[1:] + distinct[:-1]) / 2,
                               np.nextafter(distinct[-1:], np.inf)])
    return np.unique(np.quantile(distinct, np.linspace(0, 1, n_candidates)))


# ------------------------------------------------------------------ rank positions


def rank_axis(r) -> np.ndarray:
    """The axis SGL works on: the logit of the rank, ``log(r / (1 - r))``, for r in (0, 1)."""
    r = np.asarray(r, dtype=np.float64)
    return np.log(r) - np.log1p(-r)


@dataclass
class RankProblem:
    """The data of one SGL fit on the rank axis, as numpy arrays.

    Two forms. *Binned* (label-decomposable metrics): each label's sorted
    rows are grouped into ``n_bins`` rank bins; ``u`` (B,) holds the bin
    centres on the rank axis (the same for every label), ``pos`` and ``neg``
    (B, L) each bin's weighted positive and negative mass, and ``first_pos``
    (B + 1, L) the cut at each bin boundary. *Dense* (the per-sample
    average): every row is kept; ``u`` (R, L) is each score's rank position,
    ``pos`` and ``neg`` (R, L) its weighted target mass, ``row_weight`` (R,)
    the row weights and ``block_start`` (R, L) the block start of every
    sorted position.
    """

    u: np.ndarray
    pos: np.ndarray
    neg: np.ndarray
    n_bins: int
    first_pos: np.ndarray | None = None  # binned form only
    row_weight: np.ndarray | None = None  # dense form only
    block_start: np.ndarray | None = None  # dense form only

    @property
    def binned(self) -> bool:
        """Whether rows were grouped into per-label bins."""
        return self.first_pos is not None

    def cuts_from_positions(self, t: np.ndarray) -> np.ndarray:
        """Valid cuts realised by rank positions ``t`` (L,) (positive when ``u > t``)."""
        if self.binned:
            b = np.searchsorted(self.u, t, side="right")
            return self.first_pos[b, np.arange(len(t))]
        centres = rank_axis((self.block_start + 0.5) / self.n_bins)  # sorted, per column
        return np.array([np.searchsorted(centres[:, c], t[c], side="right")
                         for c in range(len(t))])

    def positions_from_cuts(self, cuts: np.ndarray) -> np.ndarray:
        """Rank positions (L,) that realise valid ``cuts`` (L,).

        Each position lies midway between the two rank centres around the bin
        boundary at or below the cut, and one unit outside the grid at its
        ends, so ``cuts_from_positions(positions_from_cuts(c)) == c`` when
        every cut is a bin boundary.
        """
        if self.binned:
            # last boundary at or below the cut (boundaries are sorted in each column)
            b = np.count_nonzero(self.first_pos <= cuts, axis=0) - 1
            b = np.clip(b, 0, self.n_bins)
            grid = self.u
        else:
            b, grid = cuts, rank_axis((np.arange(self.n_bins) + 0.5) / self.n_bins)
        lower = np.where(b > 0, grid[np.maximum(b - 1, 0)], grid[0] - 1.0)
        upper = np.where(b < len(grid), grid[np.minimum(b, len(grid) - 1)], grid[-1] + 1.0)
        return (lower + upper) / 2


def binned_problem(ss: SortedScores, max_bins: int) -> RankProblem:
    """Group each label's sorted rows into rank bins that never split ties.

    The bins are those of :meth:`SortedScores.bin_starts`. With
    ``n <= max_bins`` every block of equal scores is its own bin and the
    binned problem is exact.
    """
    first_pos = ss.bin_starts(max_bins)
    n_bins = first_pos.shape[0] - 1
    pos, neg = ss.mass_in_bins(first_pos)
    u = rank_axis((np.arange(n_bins) + 0.5) / n_bins)
    return RankProblem(u, pos, neg, n_bins, first_pos)


def dense_problem(scores, targets, weights, ss: SortedScores) -> RankProblem:
    """Keep every row (needed for the per-sample average); rank-transform each column."""
    n = ss.n_samples
    block_start = ss.block_start_all()
    order = np.argsort(scores, axis=0, kind="stable")
    u = np.empty(scores.shape)
    np.put_along_axis(u, order, rank_axis((block_start + 0.5) / n), axis=0)
    pos = targets * weights[:, None]
    return RankProblem(u, pos, weights[:, None] - pos, n, row_weight=weights,
                       block_start=block_start)
