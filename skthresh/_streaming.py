"""Thresholds from scores too large for memory: mergeable statistics, read in chunks.

Label-decomposable objectives (micro, macro and weighted averages) depend on
the data only through each label's positive and negative mass above its
threshold. So the rows need not be in memory together: a few numbers per
label at a fixed set of *known thresholds* are enough, and those numbers add
up across chunks of rows. Two passes over the data:

1. **Bins.** An evenly strided sample of at most :func:`sample_stride` rows
   is sorted per label; its quantiles give each label's rank-bin boundaries
   (the bins SGL works on), and its pooled scores the candidate shared
   thresholds (:func:`~skthresh._cuts.shared_candidates`). Both are the
   known thresholds (:func:`known_thresholds`).
2. **Counts.** Each chunk of rows is sorted per label and gives, at every
   known threshold, the number of rows below it, their positive and negative
   mass, the highest score below and the lowest at or above it
   (:class:`ScoreStatistics`). Counts and masses add, extremes take the max
   or min: chunks merge in any order and grouping, in this process or on a
   Dask cluster.

The merged statistics are a :class:`~skthresh._cuts.BinnedScores`, which the
optimizers use as they use scores sorted in memory. When the sample holds
every row (up to about 2**25 scores), the bins, candidates and counts are
those of the in-memory fit, and so are the thresholds.
"""

from __future__ import annotations

import sys
from functools import partial

import numpy as np

from ._cuts import BinnedScores, shared_candidates, sort_scores, sorted_label_major
from ._progress import Progress
from ._scoring import jdt_counts, tversky_from_counts
from ._validation import check_scores, check_targets, check_weights
from ._warnings import warn
from .exceptions import SkthreshWarning

# At most this many scores in the sample of pass 1 (and at least 4 rows per bin):
# 128 MiB of float32 scores, sorted in a copy of the same size.
_SAMPLE_ELEMENTS = 2**25
# Scores per chunk read by pass 2 from a memory map: 32 MiB of float32, so the
# sorted copy and the chunk's temporaries stay near 0.2 GB.
_CHUNK_ELEMENTS = 2**23
# Above this size, labels or weights given to a Dask fit as NumPy arrays draw a warning.
_GRAPH_BYTES = 2**27


def is_streamed(y_score) -> bool:
    """Whether ``y_score`` is read in chunks: a NumPy memory map or a Dask array."""
    return isinstance(y_score, np.memmap) or _is_dask(y_score)


def _is_dask(x) -> bool:
    da = sys.modules.get("dask.array")  # never import dask for a NumPy input
    return da is not None and isinstance(x, da.Array)


def sample_stride(n_samples: int, n_labels: int, n_bins: int) -> int:
    """Stride of the rows sampled in pass 1: 1 (every row) up to about 2**25 scores.

    The sample holds at least ``4 * n_bins`` rows, so beyond about 5,000
    labels (SGL's 1536 bins) it holds more than 2**25 scores.
    """
    size = max(_SAMPLE_ELEMENTS // n_labels, 4 * n_bins)
    return max(1, -(-n_samples // size))


def known_thresholds(sample: np.ndarray, n_bins: int):
    """Known thresholds of each label from a sample of rows, and where the bins are.

    Returns
    -------
    known : ndarray of shape (M, n_labels)
        Sorted per column: ``-inf``, the rank-bin boundaries, the shared
        candidates, ``inf``.
    bin_rows : ndarray of int, shape (B + 1, n_labels)
        Rows of ``known`` at the bin boundaries (``-inf`` first, ``inf`` last).
    candidates : ndarray of shape (G,)
        The candidate shared thresholds.
    """
    values_t = sorted_label_major(sample)
    n_labels, size = values_t.shape
    n_bins = int(min(n_bins, size))
    starts = (np.arange(n_bins, dtype=np.int64) * size) // n_bins
    edges = values_t[:, starts].T.astype(np.float64)  # bin b starts at its sample quantile
    edges[0] = -np.inf  # the first bin takes every row below the sample's lowest score
    candidates = shared_candidates(values_t)
    top = np.full((1, n_labels), np.inf)
    known = np.concatenate([edges, top, np.repeat(candidates[:, None], n_labels, axis=1)])
    order = np.argsort(known, axis=0, kind="stable")
    where = np.empty_like(order)
    np.put_along_axis(where, order, np.arange(len(known))[:, None], axis=0)
    return np.take_along_axis(known, order, axis=0), where[:n_bins + 1], candidates


class ScoreStatistics:
    """Mergeable statistics of scores and targets at known thresholds.

    Start one from :func:`known_thresholds`, :meth:`add` chunks of rows and
    :meth:`merge` the statistics of other chunks; :meth:`binned_scores`
    gives what the optimizers learn from.
    """

    def __init__(self, known, bin_rows, n_bins, candidates):
        self.known, self.bin_rows, self.n_bins = known, bin_rows, n_bins
        self.candidates = candidates
        shape = known.shape
        self.below = np.zeros(shape, dtype=np.int64)
        self.pos_below, self.neg_below = np.zeros(shape), np.zeros(shape)
        self.max_below, self.min_above = np.full(shape, -np.inf), np.full(shape, np.inf)
        self.lowest_two = np.full((2, shape[1]), np.inf)
        self.weight = 0.0  # the total weight of the rows counted

    @property
    def n_samples(self) -> int:
        """Rows counted so far."""
        return int(self.below[-1, 0])

    def add(self, scores, targets, weights) -> ScoreStatistics:
        """Count validated rows (scores, targets and weights as in ``fit``), in chunks."""
        step = max(1, _CHUNK_ELEMENTS // scores.shape[1])
        self.weight += float(weights.sum())
        for a in range(0, scores.shape[0], step):
            self._add_chunk(scores[a:a + step], targets[a:a + step], weights[a:a + step])
        return self

    def _add_chunk(self, scores, targets, weights) -> None:
        ss = sort_scores(scores, targets, weights)
        n = ss.n_samples
        cuts = ss.cuts_from_thresholds(self.known)
        pos, neg = ss.mass_below(cuts)
        values = ss.values
        cols = np.arange(ss.n_labels)
        high = values[np.maximum(cuts - 1, 0), cols].astype(np.float64)
        low = values[np.minimum(cuts, n - 1), cols].astype(np.float64)
        self.below += cuts
        self.pos_below += pos
        self.neg_below += neg
        np.maximum(self.max_below, np.where(cuts > 0, high, -np.inf), out=self.max_below)
        np.minimum(self.min_above, np.where(cuts < n, low, np.inf), out=self.min_above)
        two = np.full((2, ss.n_labels), np.inf)
        two[:min(n, 2)] = values[:2]
        self._merge_lowest(two)

    def _merge_lowest(self, two) -> None:
        self.lowest_two = np.sort(np.concatenate([self.lowest_two, two]), axis=0)[:2]

    def merge(self, other: ScoreStatistics) -> ScoreStatistics:
        """Add the statistics of other rows (counted at the same known thresholds)."""
        self.below += other.below
        self.weight += other.weight
        self.pos_below += other.pos_below
        self.neg_below += other.neg_below
        np.maximum(self.max_below, other.max_below, out=self.max_below)
        np.minimum(self.min_above, other.min_above, out=self.min_above)
        self._merge_lowest(other.lowest_two)
        return self

    def binned_scores(self) -> BinnedScores:
        """What the optimizers learn from."""
        return BinnedScores(self.known, self.bin_rows, self.n_bins, self.below, self.pos_below,
                            self.neg_below, self.max_below, self.min_above, self.lowest_two,
                            self.candidates)


def statistics_of_rows(scores, targets, weights, n_bins: int) -> ScoreStatistics:
    """Statistics of rows held in memory, bins from the same strided sample as streamed rows."""
    stride = sample_stride(*scores.shape, n_bins)
    return ScoreStatistics(*bin_plan(scores[::stride], n_bins)).add(scores, targets, weights)


def bin_plan(sample, n_bins):
    """The arguments of :class:`ScoreStatistics` for bins chosen from ``sample``."""
    known, bin_rows, candidates = known_thresholds(sample, n_bins)
    return known, bin_rows, n_bins, candidates


# ---------------------------------------------------------------- reading the inputs


def _as_2d(x):
    return x[:, None] if x.ndim == 1 else x


def check_streamed_shapes(y_score, y_true, sample_weight):
    """Shapes of streamed inputs, checked before any pass; returns ``(n_samples, n_labels)``."""
    for name, x in (("y_score", y_score), ("y_true", y_true), ("sample_weight", sample_weight)):
        if _is_dask(x) and any(np.isnan(d) for d in x.shape):
            raise ValueError(
                f"{name} is a Dask array of unknown size (shape {x.shape}, after a filter for "
                f"example): call {name}.compute_chunk_sizes() first.")
    if y_score.ndim not in (1, 2):
        raise ValueError(
            f"y_score must be 1-D or 2-D, got an array with {y_score.ndim} dimensions.")
    shape = (y_score.shape[0], 1 if y_score.ndim == 1 else y_score.shape[1])
    if shape[0] == 0 or shape[1] == 0:
        raise ValueError(f"y_score is empty (shape {shape}).")
    if np.dtype(y_score.dtype).kind not in "fiub":
        raise ValueError(f"y_score must hold numbers, got dtype {y_score.dtype}.")
    true_shape = getattr(y_true, "shape", None)
    if true_shape is None:
        raise TypeError("with streamed y_score, y_true must be an array (NumPy, memory map "
                        f"or Dask) of shape {shape}, got {type(y_true).__name__}.")
    true_shape = (true_shape[0], 1) if len(true_shape) == 1 else tuple(true_shape)
    if true_shape != shape:
        raise ValueError(
            f"y_true has shape {true_shape}, which does not match the scores' shape {shape}.")
    if sample_weight is not None and np.ndim(sample_weight) != 0 \
            and tuple(np.shape(sample_weight)) != (shape[0],):
        raise ValueError(f"sample_weight has shape {np.shape(sample_weight)}, expected "
                         f"({shape[0]},) or a single number.")
    return shape


def every_row(sample_weight, n_samples: int):
    """A single number as the weight of every row (checked); other weights as given.

    As scikit-learn's ``_check_sample_weight``; arrays are left to be read in chunks.
    """
    if sample_weight is not None and np.ndim(sample_weight) == 0:
        return check_weights(sample_weight, n_samples)
    return sample_weight


def check_chunk(scores, targets, weights, *, allow_all_zero: bool = False):
    """Validate one chunk of rows, as ``fit`` validates rows in memory.

    A chunk of rows read in chunks may weigh nothing (``allow_all_zero``):
    their total weight is checked once, on every row
    (:func:`~skthresh._validation.check_total_weight`).
    """
    scores, _ = check_scores(scores)
    targets = check_targets(targets, scores.shape)
    weights = check_weights(weights, scores.shape[0], allow_all_zero=allow_all_zero)
    return scores, targets, weights


class MetricTotals:
    """Mergeable sums for the metric of fixed thresholds: per-label counts, or per-row values.

    For label-decomposable metrics, the weighted TP, FP, FN of each label;
    for the per-sample average, the sum of the weighted per-row values and of
    the weights.
    """

    def __init__(self, thresholds, metric, zero_division):
        self.thresholds, self.metric, self.zero_division = thresholds, metric, zero_division
        self.n_labels = len(thresholds)
        self.sums = np.zeros(2) if not metric.decomposable else np.zeros((3, self.n_labels))
        self.weight = 0.0  # the total weight of the rows added

    def add(self, scores, targets, weights) -> MetricTotals:
        """Add the sums of one chunk of validated rows."""
        pred = (scores >= self.thresholds).astype(np.float64)
        self.weight += float(weights.sum())
        if self.metric.decomposable:
            self.sums += jdt_counts(targets, pred, weights[:, None], axis=0)
        else:
            tp, fp, fn = jdt_counts(targets, pred, axis=1)
            per_row = tversky_from_counts(tp, fp, fn, self.metric.alpha, self.metric.beta,
                                          xp=np, zero_division=self.zero_division)
            self.sums += (float(np.sum(per_row * weights)), float(weights.sum()))
        return self

    def merge(self, other: MetricTotals) -> MetricTotals:
        """Add the sums of other rows."""
        self.sums += other.sums
        self.weight += other.weight
        return self

    def add_stream(self, y_score, y_true, sample_weight, verbose: int = 0) -> MetricTotals:
        """Add the sums of streamed rows (shapes checked), in one pass."""
        empty = partial(MetricTotals, self.thresholds, self.metric, self.zero_division)
        return self.merge(reduce_chunks(y_score, y_true, sample_weight, empty, "metric",
                                        verbose))

    def value(self) -> float:
        """The metric of every row added."""
        if self.metric.decomposable:
            return float(self.metric.from_counts(*self.sums, xp=np,
                                                 zero_division=self.zero_division))
        return float(self.sums[0] / self.sums[1]) if self.sums[1] > 0 else 0.0


class ScoreTally:
    """What the learning optimizers count, whatever the input: rows, or binned statistics.

    A fit of rows in memory keeps them (``keep=True``), to be sorted exactly.
    :meth:`partial_fit` keeps copies of its chunks until they fill the sample
    of pass 1 (about 2**25 scores); the bins are then chosen from them and
    every later chunk only adds counts. Streamed scores are counted in two
    passes (:meth:`add_stream`).

    Parameters
    ----------
    n_labels : int
        Labels of every chunk.
    n_bins : int
        Bins per label of the statistics.
    keep : bool, default=False
        Keep every row (the rows of an in-memory fit, not copied), never bin.
    """

    def __init__(self, n_labels: int, n_bins: int, *, keep: bool = False):
        self.n_labels, self.n_bins, self.keep = n_labels, n_bins, keep
        self.rows: list[tuple] = []
        self.n_kept = 0
        self.stats: ScoreStatistics | None = None

    @property
    def weight(self) -> float:
        """The total weight of the rows added: those kept, and those binned."""
        binned = 0.0 if self.stats is None else self.stats.weight
        return binned + sum(float(weights.sum()) for _, _, weights in self.rows)

    def add(self, scores, targets, weights) -> ScoreTally:
        """Add one validated chunk (of the same labels as the first)."""
        if self.stats is not None:
            self.stats.add(scores, targets, weights)
            return self
        chunk = (scores, targets, weights)
        self.rows.append(chunk if self.keep else tuple(x.copy() for x in chunk))
        self.n_kept += scores.shape[0]
        if not self.keep and sample_stride(self.n_kept, self.n_labels, self.n_bins) > 1:
            self.stats = statistics_of_rows(*self.kept(), self.n_bins)
            self.rows, self.n_kept = [], 0
        return self

    def add_stream(self, y_score, y_true, sample_weight, verbose: int = 0) -> ScoreTally:
        """Count streamed rows (shapes checked) in two passes: bins from a sample, then counts."""
        n = y_score.shape[0]
        stride = sample_stride(n, self.n_labels, self.n_bins)
        progress = Progress(verbose)
        sample = y_score[::stride]
        sample, _ = check_scores(sample.compute() if _is_dask(sample) else sample)
        plan = bin_plan(sample, self.n_bins)
        del sample
        progress.message(f"pass 1/2 (bins): {-(-n // stride):,} sampled rows of {n:,} in "
                         f"{progress.elapsed():.1f} s")
        self.stats = reduce_chunks(y_score, y_true, sample_weight,
                                   partial(ScoreStatistics, *plan), "pass 2/2 (counts)", verbose)
        return self

    def kept(self) -> tuple:
        """The rows kept, as one (scores, targets, weights)."""
        if len(self.rows) == 1:
            return self.rows[0]
        return tuple(np.concatenate(part) for part in zip(*self.rows))

    def sorted_scores(self):
        """Scores sorted in memory while the rows are kept, else the binned statistics."""
        if self.stats is not None:
            return self.stats.binned_scores()
        return sort_scores(*self.kept())


def reduce_chunks(y_score, y_true, sample_weight, empty, what: str, verbose: int = 0):
    """Add every chunk of validated rows to sums started by ``empty()``.

    ``empty()`` returns sums with ``add(scores, targets, weights)`` and
    ``merge(other)`` (:class:`ScoreStatistics`, :class:`MetricTotals`). A
    memory map is read in chunks of about 2**23 scores in this process, added
    to one set of sums; a Dask array is counted block by block by Dask (on the
    active scheduler, a ``distributed`` cluster included) and the sums are
    merged in a tree on the workers, so the client receives one result.
    """
    if _is_dask(y_score):
        return _dask_reduce(y_score, y_true, sample_weight, empty, what, verbose)
    n, n_labels = y_score.shape[0], (1 if y_score.ndim == 1 else y_score.shape[1])
    step = max(1, _CHUNK_ELEMENTS // n_labels)
    bounds = list(range(0, n, step))
    progress = Progress(verbose)
    result = empty()
    for i, a in enumerate(bounds):
        rows = slice(a, a + step)
        weights = None if sample_weight is None else sample_weight[rows]
        result.add(*check_chunk(y_score[rows], y_true[rows], weights, allow_all_zero=True))
        done = min(a + step, n)
        progress.tick(f"{what}: chunk {i + 1}/{len(bounds)}, {done:,} rows, "
                      f"{done / max(progress.elapsed(), 1e-9):,.0f} rows/s",
                      last=i + 1 == len(bounds))
    progress.message(f"{what}: {n:,} rows in {progress.elapsed():.1f} s", level=None)
    return result


def _counted_block(empty, scores, targets, weights):
    return empty().add(*check_chunk(scores, targets, weights, allow_all_zero=True))


def _merged(a, b):
    return a.merge(b)  # a is a task result that no other task reads


def _dask_reduce(y_score, y_true, sample_weight, empty, what, verbose):
    import dask
    import dask.array as da

    scores = _as_2d(y_score).rechunk({1: -1})
    row_chunks = scores.chunks[0]

    def as_dask(x, name):
        if _is_dask(x):
            return x
        if getattr(x, "nbytes", 0) > _GRAPH_BYTES:
            warn(SkthreshWarning(
                f"{name} is not a Dask array ({x.nbytes / 1e6:.0f} MB): Dask sends it whole "
                "into the task graph. Pass it as a Dask array with the scores' row chunks."))
        return da.from_array(np.asarray(x), chunks=-1)

    targets = _as_2d(as_dask(y_true, "y_true")).rechunk((row_chunks, -1))
    blocks_w = [None] * len(row_chunks)
    if sample_weight is not None:
        weights = as_dask(sample_weight, "sample_weight").rechunk((row_chunks,))
        blocks_w = list(weights.to_delayed().ravel())
    empty = dask.delayed(empty, pure=True)  # one copy of the known thresholds in the graph
    parts = [dask.delayed(_counted_block, pure=True)(empty, s, t, w) for s, t, w in zip(
        scores.to_delayed().ravel(), targets.to_delayed().ravel(), blocks_w)]
    while len(parts) > 1:  # a binary tree: the client receives one result
        parts = [dask.delayed(_merged, pure=True)(*parts[i:i + 2]) if i + 1 < len(parts)
                 else parts[i] for i in range(0, len(parts), 2)]
    progress = Progress(verbose)
    (result,) = dask.compute(parts[0])
    elapsed = max(progress.elapsed(), 1e-9)
    progress.message(f"{what} (Dask): {len(row_chunks)} blocks, {scores.shape[0]:,} rows in "
                     f"{elapsed:.1f} s, {scores.shape[0] / elapsed:,.0f} rows/s")
    return result
