"""Surrogate gradient learning of thresholds (SGL-Thresh), in NumPy or torch.

Pellegrini & Masquelier, ICASSP 2021. The forward pass applies the hard step
``h = 1[sigma * (u - t) > 0]``, so the loss is the true metric of the current
thresholds; the backward pass replaces the step's derivative by that of a
sigmoid, ``s(a) (1 - s(a))`` at ``a = sigma * (u - t)``, which gives the
threshold the gradient ``-sigma s(1 - s)`` and the per-label slope ``sigma``
the gradient ``(u - t) s(1 - s)``. Adam updates both, with all rows in one
batch.

Two choices make this fast and scale-free:

* Scores are replaced by the logit of their per-label rank,
  ``u = log(r / (1 - r))`` with ``r`` in (0, 1) the centre of the score's
  position in the sorted column. The step and the metric only see the order
  of the scores, so any increasing transform of the scores (probabilities,
  logits, SVM margins) gives the same thresholds, and the slope never depends
  on the scores' range. The logit spreads the tails: a label with 0.1 %
  positives has its threshold near ``r = 0.999``, where one Adam step on the
  plain rank would skip over hundreds of rows; on the logit axis a step moves
  a number of rows proportional to the rows above the threshold.
* For metrics that depend on the data only through per-label counts (micro,
  macro, weighted averages), rows are grouped into ``n_bins`` rank bins per
  label, with their weighted positive and negative mass. One epoch then costs
  ``O(n_labels * n_bins)`` instead of ``O(n_samples * n_labels)``. Bin edges
  never split a block of equal scores; with ``n_samples <= n_bins`` every
  block is its own bin and the computation is exact. The ``"samples"``
  average keeps every row.

For binned problems the surrogate gradient is written out (the chain rule of
the surrogate step through the bin masses, and the metric's analytic
derivatives in the confusion counts), so one epoch is a few passes over the
(label, bin) pairs near the thresholds and the forward metric is read off
cumulative sums. That code is written once against
:mod:`skthresh._array_ops` and runs in NumPy on the CPU (an epoch is a few
dozen operations on small arrays, where NumPy's per-call cost is several
times below torch's) and in torch on CUDA.
:func:`surrogate_value_and_grads` is the same computation by autograd
through :class:`SurrogateStep`, used for the per-sample average (in torch,
on any device) and to test the written-out gradient.

Arrays and tensors live only inside :func:`learn_cuts`; it returns numpy cuts.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch

from ._array_ops import NumpyOps, TorchOps
from ._cuts import SortedScores
from ._scoring import SetMetric


def resolve_device(device) -> torch.device:
    """Turn ``device`` ("auto", "cpu", "cuda", "cuda:1", torch.device) into a torch.device.

    Raises
    ------
    ValueError
        If CUDA is asked for and is not available, or the index does not exist.
    """
    if isinstance(device, str) and device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ValueError(
            f"device must be 'auto', 'cpu', 'cuda', 'cuda:<index>' or a torch.device, "
            f"got {device!r}."
        ) from exc
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"device={device!r} asks for CUDA, but torch.cuda.is_available() is False on "
                "this machine. Use device='cpu' or device='auto'."
            )
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise ValueError(
                f"device={device!r} does not exist: {torch.cuda.device_count()} CUDA device(s)."
            )
    elif dev.type != "cpu":
        raise ValueError(f"device type {dev.type!r} is not supported; use 'cpu' or 'cuda'.")
    return dev


class SurrogateStep(torch.autograd.Function):
    """Heaviside step forward, sigmoid derivative backward."""

    @staticmethod
    def forward(ctx, a):  # noqa: D102
        ctx.save_for_backward(a)
        return (a > 0).to(a.dtype)

    @staticmethod
    def backward(ctx, grad_output):  # noqa: D102
        (a,) = ctx.saved_tensors
        s = torch.sigmoid(a)
        return grad_output * s * (1 - s)


@dataclass
class RankProblem:
    """Data of one SGL fit, in rank space, as numpy arrays.

    ``u`` (R,) or (R, L) are rank positions in [0, 1]; ``pos`` and ``neg``
    (R, L) the weighted positive and negative mass at each position; for the
    binned form ``first_pos`` (B + 1, L) maps a bin boundary to a cut.
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


def binned_problem(ss: SortedScores, max_bins: int) -> RankProblem:
    """Group each label's sorted rows into rank bins that never split ties.

    Bin ``b`` of a label starts at the block start of sorted position
    ``floor(b n / B)``; a block of equal scores that spans several such
    positions leaves the later bins empty.
    """
    n, n_labels = ss.n_samples, ss.n_labels
    n_bins = int(min(max_bins, n))
    starts = (np.arange(n_bins, dtype=np.int64) * n) // n_bins
    # int32 when it can hold n: this array stays alive for the whole fit
    # label-major in memory (the transpose of a C array): the layout of every
    # per-label pass that follows; int32 when it can hold n: it lives for the whole fit
    first_pos = np.empty((n_labels, n_bins + 1),
                         dtype=np.int32 if n < np.iinfo(np.int32).max else np.int64).T
    first_pos[:-1] = ss.block_start(starts)
    first_pos[-1] = n
    pos, neg = ss.mass_in_bins(first_pos)
    u = _rank_to_axis((np.arange(n_bins) + 0.5) / n_bins)
    return RankProblem(u, pos, neg, n_bins, first_pos)


def dense_problem(scores, targets, weights, ss: SortedScores) -> RankProblem:
    """Keep every row (needed for the per-sample average); rank-transform each column."""
    n = ss.n_samples
    block_start = ss.block_start_all()
    order = np.argsort(scores, axis=0, kind="stable")
    u = np.empty(scores.shape)
    np.put_along_axis(u, order, _rank_to_axis((block_start + 0.5) / n), axis=0)
    pos = targets * weights[:, None]
    return RankProblem(u, pos, weights[:, None] - pos, n, row_weight=weights,
                       block_start=block_start)


def _rank_to_axis(r):
    """The axis SGL works on: the logit of the rank, ``log(r / (1 - r))``."""
    r = np.asarray(r, dtype=np.float64)
    return np.log(r) - np.log1p(-r)


def cuts_from_positions(problem: RankProblem, t: np.ndarray) -> np.ndarray:
    """Valid cuts realised by thresholds ``t`` on the rank axis (positive when ``u > t``)."""
    if problem.binned:
        b = np.searchsorted(problem.u, t, side="right")
        return problem.first_pos[b, np.arange(len(t))]
    n = problem.n_bins
    centers = _rank_to_axis((problem.block_start + 0.5) / n)  # sorted, per column
    return np.array([np.searchsorted(centers[:, c], t[c], side="right") for c in range(len(t))])


def positions_from_cuts(problem: RankProblem, cuts: np.ndarray) -> np.ndarray:
    """Rank thresholds on the bin boundary at or below each cut."""
    if problem.binned:
        # last boundary at or below the cut (boundaries are sorted in each column)
        b = np.count_nonzero(problem.first_pos <= cuts, axis=0) - 1
        b = np.clip(b, 0, problem.n_bins)
        grid = problem.u
    else:
        b, grid = cuts, _rank_to_axis((np.arange(problem.n_bins) + 0.5) / problem.n_bins)
    # midway between the centres around the boundary; outside the grid at the ends
    lower = np.where(b > 0, grid[np.maximum(b - 1, 0)], grid[0] - 1.0)
    upper = np.where(b < len(grid), grid[np.minimum(b, len(grid) - 1)], grid[-1] + 1.0)
    return (lower + upper) / 2


# The surrogate derivative s(a)(1 - s(a)) is below 1.2e-7 (of its peak 0.25)
# for |a| > 16: bins farther than 16 / sigma from a threshold are skipped.
_KERNEL_REACH = 16.0


class _BinnedObjective:
    """Metric and surrogate gradients on binned data, written out.

    The forward metric is read off cumulative bin masses at each threshold's
    bin (exact), and its derivatives in each label's counts are analytic
    (:meth:`SetMetric._value_and_count_gradients`). The gradient sums the
    surrogate derivative over the bins within ``_KERNEL_REACH / sigma`` of
    each threshold only: a ragged window per label, so rare labels, whose
    thresholds sit in the sparse upper tail of the logit-rank axis, cost a
    few bins each. Written once for :class:`~skthresh._array_ops.NumpyOps`
    (CPU) and :class:`~skthresh._array_ops.TorchOps` (CUDA).

    Parameters
    ----------
    problem : RankProblem
        Binned data (its rank axis ``u``).
    metric : SetMetric
        A label-decomposable objective.
    pos, neg : arrays of shape (K, B, L)
        Positive and negative mass per bin, one slice per model.
    ops : NumpyOps or TorchOps
        Where and how to compute.
    zero_division : float
        Value of an undefined per-label or pooled score.
    """

    def __init__(self, problem, metric, pos, neg, ops, zero_division):
        self.metric, self.zd, self.ops = metric, zero_division, ops
        n_models, n_bins, n_labels = pos.shape
        self.n_bins, self.n_rows = n_bins, n_models * n_labels
        # one row per (model, label), bins along the row: (K * L, B) flattened
        pos_rows, neg_rows = (m.swapaxes(1, 2).reshape(self.n_rows, n_bins) for m in (pos, neg))
        self.pos_pairs = ops.cast(pos_rows, ops.narrow).reshape(-1)
        self.neg_pairs = ops.cast(neg_rows, ops.narrow).reshape(-1)
        self.cum_pos = _cumulative(pos_rows, ops)  # (K * L * (B + 1),)
        self.cum_neg = _cumulative(neg_rows, ops)
        row_ids = ops.arange(self.n_rows)
        self.row_first_bin = row_ids * n_bins
        self.row_first_cum = row_ids * (n_bins + 1)
        self.shape = (n_models, n_labels)
        self.total_pos = ops.take(self.cum_pos, self.row_first_cum + n_bins)
        self.total_neg = ops.take(self.cum_neg, self.row_first_cum + n_bins)
        self.positives = self.total_pos.reshape(self.shape)
        # bins are searched in float64 on every device, as cuts_from_positions does
        self.u = ops.asarray(problem.u, ops.wide)
        self.u_narrow = ops.cast(self.u, ops.narrow)

    def _window(self, t, s):
        """Bins, flat (row, bin) indices and row segments of the pairs near each threshold."""
        ops = self.ops
        half = _KERNEL_REACH / s
        lo_hi = ops.searchsorted(self.u, ops.cast(ops.concat([t - half, t + half]), ops.wide))
        lo = lo_hi[:self.n_rows]
        counts = lo_hi[self.n_rows:] - lo
        ends = ops.cumsum(counts, 0)
        n_pairs = int(ends[-1])
        # bin of a pair: its row's first bin in the window, plus its rank in the window
        rank = ops.arange(n_pairs)
        bins = rank + ops.repeat(lo - (ends - counts), counts, n_pairs)
        flat = bins + ops.repeat(self.row_first_bin, counts, n_pairs)
        return counts, bins, flat, ops.segments(counts, ends, n_pairs)

    def __call__(self, t, s):
        """Metric (K,) and its surrogate gradients in ``t`` and ``s`` (K, L)."""
        ops = self.ops
        t_flat, s_flat = t.reshape(-1), s.reshape(-1)
        at = self.row_first_cum + ops.searchsorted(self.u, ops.cast(t_flat, ops.wide),
                                                   right=True)
        tp = (self.total_pos - ops.take(self.cum_pos, at)).reshape(self.shape)
        fp = (self.total_neg - ops.take(self.cum_neg, at)).reshape(self.shape)
        value, g_tp, g_fp = self.metric._value_and_count_gradients(
            tp, fp, self.positives - tp, self.positives, xp=ops.xp, zero_division=self.zd)

        counts, bins, flat, segments = self._window(t_flat, s_flat)
        n_pairs = bins.shape[0]

        def per_pair(*rows):
            return [ops.repeat(row, counts, n_pairs)
                    for row in ops.cast(ops.stack(rows), ops.narrow)]

        t_pair, minus_s_pair = per_pair(t_flat, -s_flat)
        if self.metric.average == "micro" and self.shape[0] == 1:
            # one model, pooled counts: the same derivatives for every label
            g_tp_pair, g_fp_pair = float(g_tp[0, 0]), float(g_fp[0, 0])
        else:
            g_tp_pair, g_fp_pair = per_pair(g_tp.reshape(-1), g_fp.reshape(-1))
        z = ops.take(self.u_narrow, bins) - t_pair
        # surrogate derivative of the step at a = sigma z: sig(a) (1 - sig(a))
        sig = 1 / (ops.exp(minus_s_pair * z) + 1)
        dh = sig - sig * sig
        dh *= (g_tp_pair * ops.take(self.pos_pairs, flat)
               + g_fp_pair * ops.take(self.neg_pairs, flat))
        sum_dh = ops.segment_sum(dh, segments, self.n_rows)
        dh *= z
        sum_dhz = ops.segment_sum(dh, segments, self.n_rows)
        grad_t = -(s_flat * sum_dh)
        return value, grad_t.reshape(self.shape), sum_dhz.reshape(self.shape)


def _cumulative(rows, ops):
    """Mass below each bin boundary of each row, (R * (B + 1),) flattened, real precision."""
    n_rows, n_bins = rows.shape
    out = ops.empty((n_rows, n_bins + 1), ops.real)
    out[:, 0] = 0
    ops.cumsum(ops.cast(rows, ops.real), 1, out=out[:, 1:])
    return out.reshape(-1)


def surrogate_value_and_grads(u, pos, neg, t, s, metric, *, axis, support, row_weight,
                              zero_division):
    """Metric and its surrogate gradients by autograd through :class:`SurrogateStep`.

    Shapes: ``u`` (1, R, L) or (1, R, 1); ``pos``/``neg`` (K, R, L); ``t``/``s``
    (K, L). ``axis`` is the axis summed to get the counts (1 per label,
    2 per row).
    """
    with torch.enable_grad():
        t = t.detach().requires_grad_(True)
        s = s.detach().requires_grad_(True)
        h = SurrogateStep.apply(s[:, None, :] * (u - t[:, None, :]))
        tp = (h * pos).sum(axis=axis)
        fp = (h * neg).sum(axis=axis)
        value = metric.from_counts(tp, fp, pos.sum(axis=axis) - tp, support, xp=torch,
                                   zero_division=zero_division, sample_weight=row_weight)
        grad_t, grad_s = torch.autograd.grad(value.sum(), (t, s))
    return value.detach(), grad_t, grad_s


@contextmanager
def _cpu_threads(device: torch.device, n_threads: int = 1):
    """Run small CPU tensor ops on one thread, then restore the setting.

    An epoch is a few dozen small operations; on CPU, torch's intra-op
    threads cost more in synchronisation than they save, and much more when
    another process holds a core.
    """
    if device.type != "cpu":
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


class _Adam:
    """Adam on one array, as ``torch.optim.Adam`` with its default settings.

    The same arithmetic as torch's single-tensor CPU path, in operations that
    numpy arrays and torch tensors share, without torch's per-step bookkeeping;
    the thresholds and the slopes are stacked in one array, so a step is a
    handful of operations.
    """

    def __init__(self, param, lr, ops, betas=(0.9, 0.999), eps=1e-8):
        self.param, self.lr, self.ops, self.betas, self.eps = param, lr, ops, betas, eps
        self.exp_avg = param * 0
        self.exp_avg_sq = param * 0
        self.n_steps = 0

    def step(self, grad):
        """Update the parameter in place with the gradient ``grad``."""
        beta1, beta2 = self.betas
        self.n_steps += 1
        self.exp_avg += (1 - beta1) * (grad - self.exp_avg)
        self.exp_avg_sq *= beta2
        self.exp_avg_sq += (1 - beta2) * grad * grad
        step_size = self.lr / (1 - beta1 ** float(self.n_steps))
        bias_correction2_sqrt = (1 - beta2 ** float(self.n_steps)) ** 0.5
        denom = self.ops.sqrt(self.exp_avg_sq) / bias_correction2_sqrt + self.eps
        self.param -= step_size * (self.exp_avg / denom)


def learn_cuts(problem, metric, t_init, *, device, **kwargs):
    """Run SGL (see :func:`_learn_cuts`) on one CPU thread or on the GPU."""
    with _cpu_threads(device):
        return _learn_cuts(problem, metric, t_init, device=device, **kwargs)


def _learn_cuts(
    problem: RankProblem,
    metric: SetMetric,
    t_init: np.ndarray,
    *,
    trainable: np.ndarray,
    max_iter: int,
    learning_rate: float,
    sigma: float,
    learn_sigma: bool,
    tol: float,
    n_iter_no_change: int,
    n_bootstrap: int,
    seed: int,
    device: torch.device,
    verbose: int = 0,
    zero_division: float = 0.0,
):
    """Run SGL and return cuts, on the data itself or as the median of bootstrap fits.

    With ``n_bootstrap = 0`` one model is fitted on the data and the thresholds
    of its best epoch are kept. With ``n_bootstrap = K > 0``, ``K`` models are
    fitted at once, in one batch of arrays, on Poisson bootstrap replicates of
    the rows (each row weighted by a Poisson(1) draw; for binned data the
    mass of a bin is drawn from the Poisson law of its mass, which is the same
    law for unit weights), and the median of their best-epoch rank thresholds
    is kept.

    Parameters
    ----------
    problem : RankProblem
        The data in rank space.
    metric : SetMetric
        Objective (maximised).
    t_init : ndarray of shape (n_labels,)
        Initial rank thresholds.
    trainable : ndarray of bool, shape (n_labels,)
        Labels whose threshold is learned; the others stay at ``t_init``.
    max_iter, learning_rate, sigma, learn_sigma, tol, n_iter_no_change, n_bootstrap
        See :class:`~skthresh.SGLThresholdOptimizer`.
    seed : int
        Seed of the bootstrap draws.
    device : torch.device
        Where to compute: NumPy arrays on the CPU for binned problems, torch
        tensors on ``device`` otherwise.
    verbose : int, default=0
        Print the metric every epoch when > 1, a summary when 1.
    zero_division : float, default=0.0
        Value of undefined per-label or per-row scores.

    Returns
    -------
    cuts : ndarray of int, shape (n_labels,)
        The learned cuts.
    curve : list of float
        The true metric at each epoch (of the first replicate when bootstrapping).
    """
    ops = NumpyOps() if problem.binned and device.type == "cpu" else TorchOps(device)
    as_a = lambda a: ops.asarray(a, ops.real)  # noqa: E731
    n_models = max(n_bootstrap, 1)
    pos, neg = problem.pos[None], problem.neg[None]  # (1, R, L)
    row_weight = None if problem.row_weight is None else problem.row_weight[None]
    if n_bootstrap:
        # drawn on the CPU by torch, whatever the device: the same seed gives the same fit
        gen = torch.Generator(device="cpu").manual_seed(seed)
        if problem.binned:
            pos, neg = (torch.poisson(torch.as_tensor(m, dtype=torch.float64)
                                      .expand(n_models, -1, -1), generator=gen).numpy()
                        for m in (pos, neg))
        else:
            draw = torch.poisson(torch.ones(n_models, problem.pos.shape[0]), generator=gen)
            draw = draw.numpy()
            pos, neg, row_weight = pos * draw[..., None], neg * draw[..., None], row_weight * draw
    pos, neg = as_a(pos), as_a(neg)

    if problem.binned:
        objective = _BinnedObjective(problem, metric, pos, neg, ops, zero_division)
    else:
        u = as_a(problem.u)[None]
        row_weight = as_a(row_weight)
        support = pos.sum(axis=1)

        def objective(t, s):
            return surrogate_value_and_grads(u, pos, neg, t, s, metric, axis=2,
                                             support=support, row_weight=row_weight,
                                             zero_division=zero_division)

    xp = ops.xp
    mask = ops.asarray(trainable, None)
    t0 = as_a(np.tile(t_init, (n_models, 1)))  # (K, L)
    ts = ops.stack([t0, t0 * 0 + float(sigma)])  # thresholds and slopes, one array
    t, s = ts
    opt = _Adam(ts if learn_sigma else ts[:1], lr=learning_rate, ops=ops)

    lo, hi = float(problem.u.min()) - 1.0, float(problem.u.max()) + 1.0
    best_value = ops.full((n_models,), -math.inf, ops.real)
    best_t = t0 * 1
    curve: list[float] = []
    no_change = 0
    for epoch in range(max_iter):
        value, grad_t, grad_s = objective(t, s)
        better = value > best_value + tol
        best_value = xp.where(better, value, best_value)
        best_t = xp.where(better[:, None], t, best_t)
        curve.append(float(value[0]))
        no_change = 0 if bool(better.any()) else no_change + 1
        if verbose > 1:
            print(f"SGL epoch {epoch + 1}: {metric.name or 'score'} = {curve[-1]:.6f}")
        if no_change >= n_iter_no_change:
            break
        grad_t = xp.where(mask, -grad_t, 0.0)  # Adam minimises the loss -metric
        opt.step(ops.stack([grad_t, -grad_s]) if learn_sigma else grad_t[None])
        ops.clamp_(t, lo, hi)
        ops.clamp_(s, 1e-3)
    if verbose == 1:
        print(f"SGL: {len(curve)} epochs, best {metric.name or 'score'} = "
              f"{float(best_value.max()):.6f}")
    t_final = ops.median0(best_t) if n_bootstrap else best_t[0]
    return cuts_from_positions(problem, ops.to_numpy(t_final)), curve
