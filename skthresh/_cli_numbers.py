"""The numbers the commands compute: predictions and their figures by row chunks, and
thresholds written short.

``apply`` and ``evaluate`` go through the scores in row chunks of about
``_CHUNK_ELEMENTS`` entries (a memory-mapped ``.npy`` file is read one chunk
at a time); ``evaluate`` adds up confusion counts chunk by chunk and gives
the figures of :mod:`skthresh.metrics` to the last bit. ``fit`` writes each
threshold as the shortest decimal that makes the same cut on its scores.

Standard library only at import time (numpy is imported by the functions).
"""

from __future__ import annotations

import math

from ._cli_read import Matrix, row_blocks

__all__ = ["chunk_starts", "evaluation", "predicted_chunks", "short_thresholds",
           "shortest_in_gap"]

_CHUNK_ELEMENTS = 1 << 21  # row chunks of apply and evaluate: memory bounded by the chunk


def chunk_starts(n_rows: int, n_labels: int):
    """Row ranges ``(start, stop)`` of about ``_CHUNK_ELEMENTS`` entries each.

    Parameters
    ----------
    n_rows, n_labels : int
        The shape of the matrix.

    Yields
    ------
    start, stop : int
    """
    step = max(1, _CHUNK_ELEMENTS // max(1, n_labels))
    for start in range(0, n_rows, step):
        yield start, min(start + step, n_rows)


def predicted_chunks(args, scores: Matrix, thresholds):
    """``(start, stop, pred)`` by row chunks: ``pred`` the 0/1 predictions (int64) of those rows.

    Both policies work row by row, so the chunks give the predictions of the
    whole matrix; a memory-mapped ``.npy`` file is read one chunk at a time.

    Parameters
    ----------
    args : argparse.Namespace
        The command line: its ``at_least_one`` and ``max_labels`` policies.
    scores : Matrix
        The scores.
    thresholds : ndarray of shape (n_labels,)
        The thresholds.

    Yields
    ------
    start, stop : int
        The chunk's rows.
    pred : ndarray of shape (stop - start, n_labels)
        Their predictions.
    """
    from ._policies import apply_thresholds

    values = scores.values
    for start, stop in chunk_starts(*values.shape):
        yield start, stop, apply_thresholds(values[start:stop], thresholds,
                                            at_least_one=args.at_least_one,
                                            max_labels=args.max_labels)


def _tversky(tp, fp, fn, alpha: float, beta: float):
    """``tp / (tp + alpha fp + beta fn)`` of integer counts, 0 where the denominator is 0.

    The arithmetic of the library's metrics with ``zero_division=0`` (float64
    counts, exact for integers): the same numbers to the last bit.
    """
    import numpy as np

    tp, fp, fn = (np.asarray(c, dtype=np.float64) for c in (tp, fp, fn))
    denom = tp + alpha * fp + beta * fn
    defined = denom > 0
    return np.where(defined, tp / np.where(defined, denom, 1.0), 0.0)


def evaluation(args, scores: Matrix, y_true, thresholds) -> dict:
    """Per-label and averaged precision, recall and F1 of the thresholds, by row chunks.

    The confusion counts of each chunk are added up: per label (the per-label,
    micro, macro and weighted figures) and per row (the samples average, the
    mean of the rows' scores). The figures are those of
    ``skthresh.metrics.tversky_score`` and ``f1_score`` with
    ``zero_division=0`` on the whole matrices.

    Parameters
    ----------
    args : argparse.Namespace
        The command line: its ``at_least_one`` and ``max_labels`` policies.
    scores : Matrix
        The scores.
    y_true : ndarray of shape (n_rows, n_labels)
        0/1 labels of any dtype (read in row chunks).
    thresholds : ndarray of shape (n_labels,)
        The thresholds.

    Returns
    -------
    figures : dict
        ``"support"`` (int64 per label), ``None`` (per-label arrays
        precision, recall, F1) and ``"micro"``, ``"macro"``, ``"weighted"``,
        ``"samples"`` (tuples of three floats).
    """
    import numpy as np

    n_rows, n_labels = y_true.shape
    tp, n_pred, n_true = (np.zeros(n_labels, dtype=np.int64) for _ in range(3))
    row_tp, row_pred, row_true = (np.empty(n_rows, dtype=np.int64) for _ in range(3))
    for start, stop, pred in predicted_chunks(args, scores, thresholds):
        pred = pred != 0
        true = np.asarray(y_true[start:stop]) != 0  # 0/1 labels (checked), any dtype
        hit = pred & true
        tp += np.count_nonzero(hit, axis=0)
        n_pred += np.count_nonzero(pred, axis=0)
        n_true += np.count_nonzero(true, axis=0)
        row_tp[start:stop] = np.count_nonzero(hit, axis=1)
        row_pred[start:stop] = np.count_nonzero(pred, axis=1)
        row_true[start:stop] = np.count_nonzero(true, axis=1)
    measures = ((1.0, 0.0), (0.0, 1.0), (0.5, 0.5))  # precision, recall, F1 (Tversky)

    def scores_of(tp, n_pred, n_true):
        fp, fn = n_pred - tp, n_true - tp
        return [_tversky(tp, fp, fn, alpha, beta) for alpha, beta in measures]

    per_label = scores_of(tp, n_pred, n_true)
    support = tp + (n_true - tp)
    figures = {"support": n_true, None: per_label}
    figures["micro"] = tuple(float(s) for s in scores_of(tp.sum(), n_pred.sum(), n_true.sum()))
    figures["macro"] = tuple(float(np.mean(s)) for s in per_label)
    figures["weighted"] = tuple(float(np.average(s, weights=support)) if support.sum() != 0
                                else float(np.mean(s)) for s in per_label)
    figures["samples"] = tuple(float(np.mean(s)) for s in scores_of(row_tp, row_pred, row_true))
    return figures


def short_thresholds(scores, thresholds) -> list[float]:
    """Each threshold as the shortest decimal that makes the same cut on ``scores``.

    A learned threshold lies in the gap between two consecutive scores of its
    label (the midpoint, such as 0.20500000000000002 between 0.2 and 0.21).
    Any number strictly inside the gap predicts the same tuning rows; this
    keeps the one of fewest significant digits among the roundings of the
    threshold that stay within a quarter of the gap of it (so it keeps most of
    the midpoint's margin): 0.205 here. Thresholds at or outside the scores'
    range (every row, or no row, positive) are kept as they are.

    Parameters
    ----------
    scores : ndarray of shape (n_rows, n_labels)
        The tuning scores (read in row blocks).
    thresholds : array-like of shape (n_labels,)
        The learned thresholds.

    Returns
    -------
    thresholds : list of float
    """
    import numpy as np

    t = np.asarray(thresholds, dtype=np.float64)
    low = np.full(t.shape, -np.inf)  # the largest score below each threshold
    high = np.full(t.shape, np.inf)  # the smallest score at or above it
    for _, block in row_blocks(scores):
        below = block < t
        low = np.maximum(low, np.where(below, block, -np.inf).max(axis=0))
        high = np.minimum(high, np.where(below, np.inf, block).min(axis=0))
    return [shortest_in_gap(*v) for v in zip(t.tolist(), low.tolist(), high.tolist())]


def shortest_in_gap(t: float, low: float, high: float) -> float:
    """The shortest rounding of ``t`` strictly between ``low`` and ``high``, near ``t``.

    Parameters
    ----------
    t : float
        A threshold.
    low, high : float
        The largest score below it and the smallest at or above it
        (infinite when there is none).

    Returns
    -------
    t : float
        The rounding of fewest significant digits within a quarter of the
        gap of ``t``; ``t`` itself when it is not strictly inside the gap.
    """
    if not (math.isfinite(low) and math.isfinite(high) and low < t < high):
        return t
    reach = (high - low) / 4
    for digits in range(1, 18):
        r = float(f"{t:.{digits}g}")
        if low < r < high and abs(r - t) <= reach:
            return r
    return t
