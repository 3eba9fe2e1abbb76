"""A compact numpy prototype of skthresh's SGL (rank space, written-out gradient) with switches.

Used by ``quality_study.py`` to try variants without touching the library.
With the default switches it is the algorithm of ``SGLThresholdOptimizer``
as committed (d210725): per-label ranks ``u = (block start + 0.5) / n``, start
at the best shared threshold, Adam (lr 0.01) on thresholds and per-label
slopes (sigma 50), at most 100 epochs, stop after 30 epochs without
improvement, keep the best epoch's thresholds. All fits of a batch
(bootstrap replicates, weighted rows) run at once on a (K, n, L) array.
"""

from __future__ import annotations

import numpy as np

_N_SHARED = 1024


class RankData:
    """Scores sorted per label, with the axis SGL works on and the targets in sorted order."""

    def __init__(self, scores, labels, space="rank"):
        n, n_labels = scores.shape
        self.n, self.n_labels = n, n_labels
        self.order = np.argsort(scores, axis=0, kind="stable")
        self.sorted = np.take_along_axis(scores, self.order, axis=0).astype(np.float64)
        new_block = np.ones((n, n_labels), dtype=bool)
        new_block[1:] = self.sorted[1:] != self.sorted[:-1]
        block_start = np.maximum.accumulate(np.where(new_block, np.arange(n)[:, None], 0), axis=0)
        self.block_start = block_start
        rank = (block_start + 0.5) / n
        if space == "rank":
            self.u = rank
        elif space == "logit-rank":
            self.u = np.log(rank) - np.log1p(-rank)
        elif space == "prob":
            self.u = self.sorted.copy()
        else:
            raise ValueError(space)
        self.space = space
        self.pos = np.take_along_axis(labels, self.order, axis=0).astype(np.float64)
        self.neg = 1.0 - self.pos

    # cuts <-> positions on the axis -----------------------------------------------------
    def cuts_from_t(self, t):
        """Cut (rows below) realised by ``u > t`` per label."""
        return np.array([np.searchsorted(self.u[:, c], t[c], side="right")
                         for c in range(self.n_labels)])

    def t_from_cuts(self, cuts):
        """A position on the axis realising each cut (between the two neighbouring rows)."""
        n = self.n
        cols = np.arange(self.n_labels)
        lo = self.u[np.clip(cuts - 1, 0, n - 1), cols]
        hi = self.u[np.clip(cuts, 0, n - 1), cols]
        if self.space == "rank":  # as the library: the bin boundary
            return cuts / n
        t = (lo + hi) / 2
        span = self.u[-1] - self.u[0] + 1e-6
        return np.where(cuts <= 0, self.u[0] - 1e-3 * span,
                        np.where(cuts >= n, self.u[-1] + 1e-3 * span, t))

    def thresholds_from_cuts(self, cuts):
        """Score thresholds (``>=``) realising the cuts: midpoints between sorted scores."""
        n = self.n
        cols = np.arange(self.n_labels)
        low = self.sorted[np.clip(cuts - 1, 0, n - 1), cols]
        high = self.sorted[np.clip(cuts, 0, n - 1), cols]
        mid = low + (high - low) / 2
        mid = np.where(mid > low, mid, high)
        top = np.nextafter(self.sorted[-1], np.inf)
        return np.where(cuts <= 0, self.sorted[0], np.where(cuts >= n, top, mid))


def micro_f1(scores, labels, thresholds):
    pred = scores >= thresholds
    y = labels.astype(bool)
    tp = np.count_nonzero(pred & y)
    d = np.count_nonzero(pred) + np.count_nonzero(y)
    return 2 * tp / d if d else 0.0


def shared_threshold(scores, labels):
    """Best single threshold for all labels (as the library: 1024 pooled candidates)."""
    distinct = np.unique(scores.ravel().astype(np.float64))
    if distinct.size <= _N_SHARED:
        cand = np.concatenate([distinct[:1], (distinct[1:] + distinct[:-1]) / 2,
                               np.nextafter(distinct[-1:], np.inf)])
    else:
        cand = np.unique(np.quantile(distinct, np.linspace(0, 1, _N_SHARED)))
    y = labels.astype(bool)
    n_true = y.sum()
    # counts of scores >= c for every candidate, by sorting once
    s_all = np.sort(scores.ravel())
    s_pos = np.sort(scores[y])
    n_pred = s_all.size - np.searchsorted(s_all, cand, side="left")
    tp = s_pos.size - np.searchsorted(s_pos, cand, side="left")
    f1 = 2 * tp / np.maximum(n_pred + n_true, 1)
    return float(cand[int(np.argmax(f1))])


def sgl_fit(data: RankData, t0, *, weights=None, lr=0.01, sigma=50.0, learn_sigma=True,
            max_iter=100, n_iter_no_change=30, select="best", sigma_growth=1.0,
            return_curve=False, return_path=False):
    """Run SGL on ``data``; ``weights`` (K, n) in the original row order gives K fits at once.

    Returns rank-axis thresholds (K, L) of the best (or last) epoch.
    """
    if weights is None:
        weights = np.ones((1, data.n))
    k = weights.shape[0]
    # One fit keeps float64 (it reproduces the library); a batch of fits runs in float32.
    dt = np.float64 if k == 1 else np.float32
    w = weights[:, data.order].astype(dt)  # (K, n, L): row weight at each sorted position
    pos, neg = data.pos[None].astype(dt) * w, data.neg[None].astype(dt) * w
    zero = np.zeros((k, 1, data.n_labels))
    # mass at or above each sorted position (suffix sums), for the exact counts
    pos_at = np.concatenate([np.cumsum(pos[:, ::-1], axis=1, dtype=np.float64)[:, ::-1], zero],
                            axis=1)
    tot_at = np.concatenate([np.cumsum(w[:, ::-1], axis=1, dtype=np.float64)[:, ::-1], zero],
                            axis=1)
    n_true = pos_at[:, 0].sum(axis=1)  # (K,)
    t = np.broadcast_to(np.asarray(t0, dtype=np.float64), (k, data.n_labels)).copy()
    s = np.full_like(t, float(sigma))
    m_t, v_t, m_s, v_s = (np.zeros_like(t) for _ in range(4))
    b1, b2, eps = 0.9, 0.999, 1e-8
    u = data.u[None].astype(dt)
    best_v = np.full(k, -np.inf)
    best_t = t.copy()
    no_change = 0
    curve, path = [], []
    span = data.u[-1].max() - data.u[0].min()
    lo, hi = data.u.min() - 0.01 * span, data.u.max() + 0.01 * span
    if data.space == "rank":
        lo, hi = 0.0, 1.0
    kk = np.arange(k)[:, None]
    cols = np.arange(data.n_labels)
    for epoch in range(1, max_iter + 1):
        if return_path:
            path.append(t[0].copy())
        # rows positive: u > t, i.e. sorted positions at or above the cut
        cut = np.stack([np.searchsorted(data.u[:, c], t[:, c], side="right")
                        for c in cols], axis=1)  # (K, L)
        tp = pos_at[kk, cut, cols].sum(axis=1)
        n_pred = tot_at[kk, cut, cols].sum(axis=1)
        d = n_pred + n_true
        value = np.where(d > 0, 2 * tp / np.maximum(d, 1e-300), 0.0)
        curve.append(float(value[0]))
        better = value > best_v
        best_v = np.where(better, value, best_v)
        best_t = np.where(better[:, None], t, best_t)
        no_change = 0 if better.any() else no_change + 1
        if no_change >= n_iter_no_change:
            break
        g_tp = 2 * (d - tp) / np.maximum(d, 1e-300) ** 2  # dF/dTP (micro: same for all labels)
        g_fp = -2 * tp / np.maximum(d, 1e-300) ** 2
        z = u - t[:, None, :].astype(dt)
        e = np.exp(-np.abs(s[:, None, :].astype(dt) * z))
        dh = e / (1 + e) ** 2  # sigmoid'(a) = s(a)(1 - s(a)), symmetric in a
        dh *= g_tp[:, None, None].astype(dt) * pos + g_fp[:, None, None].astype(dt) * neg
        grad_t = -s * dh.sum(axis=1, dtype=np.float64)  # ascent direction of the metric
        grad_s = (dh * z).sum(axis=1, dtype=np.float64)
        # Adam, maximising
        m_t = b1 * m_t + (1 - b1) * grad_t
        v_t = b2 * v_t + (1 - b2) * grad_t**2
        t = t + lr * (m_t / (1 - b1**epoch)) / (np.sqrt(v_t / (1 - b2**epoch)) + eps)
        t = np.clip(t, lo, hi)
        if learn_sigma:
            m_s = b1 * m_s + (1 - b1) * grad_s
            v_s = b2 * v_s + (1 - b2) * grad_s**2
            s = s + lr * (m_s / (1 - b1**epoch)) / (np.sqrt(v_s / (1 - b2**epoch)) + eps)
            s = np.maximum(s, 1e-3)
        if sigma_growth != 1.0:
            s = s * sigma_growth
    if return_path:
        return path
    out = best_t if select == "best" else t
    return (out, curve) if return_curve else out


def fit_thresholds(scores, labels, *, space="rank", init="shared", n_bootstrap=0, seed=0,
                   aggregate="median", shrink=0.0, **kw):
    """Full prototype fit: score thresholds of shape (L,).

    ``n_bootstrap`` > 0: that many Poisson(1)-weighted fits in one batch, and
    the median (or mean) of their axis thresholds. ``shrink`` > 0: each label's
    cut is pulled toward the shared threshold's cut on the axis, with weight
    ``n_pos / (n_pos + shrink)`` on its own fit.
    """
    data = RankData(scores, labels, space)
    shared = shared_threshold(scores, labels)
    shared_cuts = np.array([np.searchsorted(data.sorted[:, c], shared, side="left")
                            for c in range(data.n_labels)])
    t_shared = data.t_from_cuts(shared_cuts)
    t0 = t_shared if init == "shared" else data.t_from_cuts(
        np.array([np.searchsorted(data.sorted[:, c], init, side="left")
                  for c in range(data.n_labels)]))
    if n_bootstrap:
        rng = np.random.default_rng(seed)
        weights = rng.poisson(1.0, (n_bootstrap, data.n)).astype(np.float64)
    else:
        weights = None
    t = sgl_fit(data, t0, weights=weights, **kw)
    t = (np.median(t, axis=0) if aggregate == "median" else t.mean(axis=0)) if n_bootstrap \
        else t[0]
    if shrink:
        n_pos = labels.sum(axis=0)
        wgt = n_pos / (n_pos + shrink)
        t = wgt * t + (1 - wgt) * t_shared
    cuts = data.cuts_from_t(t)
    return data.thresholds_from_cuts(cuts)


def coordinate_cuts(data: RankData, cuts0, weights=None, max_passes=100):
    """Exact coordinate ascent on micro-F1 over valid cuts (weights: (n,) row weights)."""
    w = np.ones(data.n) if weights is None else weights
    ws = w[data.order]  # (n, L)
    pos, tot = data.pos * ws, ws
    zero = np.zeros((1, data.n_labels))
    # mass at or above each cut k: suffix sums, shape (n + 1, L)
    tp_at = np.concatenate([np.cumsum(pos[::-1], axis=0)[::-1], zero])
    np_at = np.concatenate([np.cumsum(tot[::-1], axis=0)[::-1], zero])
    valid = np.ones((data.n + 1, data.n_labels), dtype=bool)
    valid[1:-1] = data.block_start[1:] == np.arange(1, data.n)[:, None]
    n_true = pos.sum()
    cols = np.arange(data.n_labels)
    cuts = np.asarray(cuts0).copy()
    tp, npred = tp_at[cuts, cols], np_at[cuts, cols]
    for _ in range(max_passes):
        changed = False
        for c in range(data.n_labels):
            rest_tp, rest_np = tp.sum() - tp[c], npred.sum() - npred[c]
            d = rest_np + np_at[:, c] + n_true
            f = np.where(valid[:, c], 2 * (rest_tp + tp_at[:, c]) / np.maximum(d, 1e-300), -1)
            best = f.max()
            tied = np.flatnonzero(f >= best - 1e-12)
            if cuts[c] in tied:
                continue
            k = int(tied[np.argmin(np.abs(tied - cuts[c]))])
            cuts[c], tp[c], npred[c] = k, tp_at[k, c], np_at[k, c]
            changed = True
        if not changed:
            break
    return cuts
