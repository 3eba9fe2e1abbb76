"""Exact searches over cuts: the best shared threshold, and coordinate sweeps.

:func:`shared_threshold_cuts` scores every pooled-score candidate as the one
threshold of every label; :func:`coordinate_cuts` improves one label's cut at
a time, every valid cut of the label scored at once from cumulative counts,
the other labels' cuts fixed, until a pass over the labels changes nothing.
The counts are read at cuts of a :class:`~skthresh._cuts.SortedScores`.
"""

from __future__ import annotations

import numpy as np

from ._cuts import SortedScores
from ._progress import Progress
from ._scoring import SetMetric, tversky_from_counts


def shared_threshold_cuts(ss: SortedScores, metric: SetMetric, zero_division: float = 0.0,
                          rows=None):
    """Best single threshold shared by all labels, among pooled-score candidates.

    The candidates are those of :func:`skthresh._cuts.shared_candidates`.
    ``rows`` (scores, targets, weights) are needed for the per-sample average only.

    Returns
    -------
    threshold : float
        The best shared threshold.
    cuts : ndarray of int, shape (n_labels,)
        The cuts it makes on each label.
    """
    candidates = ss.shared_candidates()
    if metric.decomposable:
        cuts = ss.cuts_from_thresholds(np.repeat(candidates[:, None], ss.n_labels, axis=1))
        # (G, L) counts made C-ordered: numpy sums a row in another order when it is
        # strided, so each candidate's labels must be summed in one order whatever the
        # count path's memory layout, for exact ties between candidates to resolve alike
        tp, fp, fn = (np.ascontiguousarray(c) for c in ss.counts_at_cuts(cuts))
        values = metric.from_counts(tp, fp, fn, xp=np, zero_division=zero_division)
        best = int(np.argmax(values))
        return float(candidates[best]), cuts[best].copy()
    if candidates.size > 128:
        candidates = np.unique(np.quantile(candidates, np.linspace(0, 1, 128)))
    scores, targets, weights = rows
    values = np.array([
        metric.score(targets, (scores >= c).astype(np.float64), weights,
                     xp=np, zero_division=zero_division)
        for c in candidates
    ])
    best = int(np.argmax(values))
    threshold = float(candidates[best])
    return threshold, ss.cuts_from_thresholds(np.full(ss.n_labels, threshold))


def coordinate_cuts(ss: SortedScores, metric: SetMetric, init_cuts, trainable, rows, *,
                    max_iter: int, zero_division: float = 0.0,
                    verbose: int = 0) -> tuple[np.ndarray, int]:
    """Cuts by coordinate ascent over the ``trainable`` labels, from ``init_cuts``.

    One pass for the macro and weighted averages (the labels do not
    interact), else passes until one changes nothing, at most ``max_iter``.
    ``rows`` (scores, targets, weights) are needed for the per-sample average
    only. With ``verbose > 0`` the metric after each pass is printed
    (rate-limited, the last pass always).

    Returns
    -------
    cuts : ndarray of int, shape (n_labels,)
        The cuts.
    n_passes : int
        The passes run.
    """
    cuts = init_cuts.copy()
    labels = np.flatnonzero(trainable)
    if metric.average == "samples":
        sweep = SamplesSweep(*rows, ss, metric, cuts, zero_division)
    else:
        sweep = CountSweep(ss, metric, cuts, zero_division)
    n_passes = 1 if metric.average in ("macro", "weighted") else max_iter
    progress = Progress(verbose)
    for done in range(1, n_passes + 1):
        changed = False
        for c in labels:
            changed |= sweep.update(c)
        if progress.active():
            progress.tick(f"coordinate pass {done}: {metric.name or 'score'} = "
                          f"{sweep.value():.6f}", last=not changed or done == n_passes)
        if not changed:
            break
    return sweep.cuts, done


def _pick(values: np.ndarray, candidates: np.ndarray, current: int) -> tuple[int, bool]:
    """Best candidate cut; among ties, the one closest to the current cut.

    A tie never makes a label predict every row (cut 0): cut 0 is chosen only
    when it scores strictly better than every other cut.
    """
    best = values.max()
    tied = candidates[values >= best - 1e-12]
    if len(tied) > 1:
        tied = tied[tied > 0]
    if current in tied:
        return current, False
    choice = int(tied[np.argmin(np.abs(tied - current))])
    return choice, True


class CountSweep:
    """Exact one-label sweeps for label-decomposable metrics."""

    def __init__(self, ss, metric, cuts, zero_division):
        self.ss, self.metric, self.cuts, self.zd = ss, metric, cuts, zero_division
        self.tp, self.fp, self.fn = (x.copy() for x in ss.counts_at_cuts(cuts))
        self.support = ss.total_pos

    def value(self) -> float:
        return float(self.metric.from_counts(self.tp, self.fp, self.fn, self.support,
                                             xp=np, zero_division=self.zd))

    def update(self, c: int) -> bool:
        cand = self.ss.valid_cuts(c)
        tp_c, fp_c, fn_c = self.ss.counts_at_cuts(cand, label=c)
        if self.metric.average == "micro":
            rest = [x.sum() - x[c] for x in (self.tp, self.fp, self.fn)]
            values = tversky_from_counts(tp_c + rest[0], fp_c + rest[1], fn_c + rest[2],
                                         self.metric.alpha, self.metric.beta, xp=np,
                                         zero_division=self.zd)
        else:  # macro / weighted: each label on its own
            values = tversky_from_counts(tp_c, fp_c, fn_c, self.metric.alpha, self.metric.beta,
                                         xp=np, zero_division=self.zd)
        choice, changed = _pick(values, cand, int(self.cuts[c]))
        if changed:
            self.cuts[c] = choice
            self.tp[c], self.fp[c], self.fn[c] = (x[0] for x in
                                                 self.ss.counts_at_cuts(np.array([choice]), c))
        return changed


class SamplesSweep:
    """Exact one-label sweeps for the per-sample average (per-row counts kept)."""

    def __init__(self, scores, targets, weights, ss, metric, cuts, zero_division):
        self.metric, self.cuts, self.zd, self.ss = metric, cuts, zero_division, ss
        self.targets, self.weights = targets, weights
        self.order = np.argsort(scores, axis=0, kind="stable")
        n = scores.shape[0]
        self.pred = np.zeros(scores.shape, dtype=bool)
        for c in range(scores.shape[1]):
            self.pred[self.order[cuts[c]:, c], c] = True
        self.tp = (self.pred * targets).sum(axis=1)
        self.fp = (self.pred * (1 - targets)).sum(axis=1)
        self.fn = ((~self.pred) * targets).sum(axis=1)
        self.n = n

    def _index(self, tp, fp, fn):
        return tversky_from_counts(tp, fp, fn, self.metric.alpha, self.metric.beta, xp=np,
                                   zero_division=self.zd)

    def value(self) -> float:
        return float(np.average(self._index(self.tp, self.fp, self.fn), weights=self.weights))

    def update(self, c: int) -> bool:
        y = self.targets[:, c]
        on = self.pred[:, c]
        tp0 = self.tp - on * y
        fp0 = self.fp - on * (1 - y)
        fn0 = self.fn - (~on) * y
        f_on = self._index(tp0 + y, fp0 + (1 - y), fn0) * self.weights
        f_off = self._index(tp0, fp0, fn0 + y) * self.weights
        order = self.order[:, c]
        zero = np.zeros(1)
        below_off = np.concatenate([zero, np.cumsum(f_off[order])])
        above_on = np.concatenate([np.cumsum(f_on[order][::-1])[::-1], zero])
        cand = self.ss.valid_cuts(c)
        values = (below_off + above_on)[cand] / self.weights.sum()
        choice, changed = _pick(values, cand, int(self.cuts[c]))
        if changed:
            self.cuts[c] = choice
            new_on = np.zeros(self.n, dtype=bool)
            new_on[order[choice:]] = True
            self.pred[:, c] = new_on
            self.tp = tp0 + new_on * y
            self.fp = fp0 + new_on * (1 - y)
            self.fn = fn0 + (~new_on) * y
        return changed
