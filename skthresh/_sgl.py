"""Surrogate gradient learning of thresholds (SGL-Thresh), in torch on CPU or CUDA.

Pellegrini & Masquelier, ICASSP 2021. The forward pass applies the hard step
``h = 1[sigma * (u - t) > 0]``, so the loss is the true metric of the current
thresholds; the backward pass replaces the step's derivative by that of a
sigmoid, ``s(a) (1 - s(a))`` at ``a = sigma * (u - t)``, which gives the
threshold the gradient ``-sigma s(1 - s)`` and the per-label slope ``sigma``
the gradient ``(u - t) s(1 - s)``. torch's Adam (``torch.optim.adam.adam``, the
update of ``torch.optim.Adam``; see :func:`adam_stepper`) updates both, with all
rows in one batch.

The engine works on a :class:`~skthresh._cuts.RankProblem`: scores replaced by
the logit of their per-label rank (so any increasing transform of the scores
gives the same thresholds, and rare labels get steps as fine as frequent
ones), and, for metrics that depend on the data only through per-label counts
(micro, macro, weighted averages), rows grouped into rank bins, so that an
epoch costs ``O(n_labels * n_bins)`` instead of ``O(n_samples * n_labels)``.

Two objectives, one per form of the problem:

* :class:`BinnedObjective` writes the surrogate gradient out: the forward
  metric is read off cumulative bin masses at each threshold's bin, the
  metric's derivatives in each label's counts are analytic
  (:meth:`~skthresh._scoring.SetMetric.value_and_count_gradients`), and the
  chain rule through the surrogate step sums over the bins near each
  threshold only. It is what autograd would give, at a fraction of the work
  (tested against :func:`surrogate_value_and_grads`).
* :func:`surrogate_value_and_grads` is the same computation by autograd
  through :class:`SurrogateStep`, on every row; the per-sample average uses it.

Tensors live only inside :func:`learn_positions`: it takes and returns numpy.
"""

from __future__ import annotations

import math
from contextlib import contextmanager

import numpy as np
import torch
from torch.optim.adam import adam

from ._cuts import RankProblem
from ._progress import Progress
from ._scoring import SetMetric


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


# The surrogate derivative s(a)(1 - s(a)) is below 1.2e-7 (of its peak 0.25)
# for |a| > 16: bins farther than 16 / sigma from a threshold are skipped.
KERNEL_REACH = 16.0


class BinnedObjective:
    """Metric and surrogate gradients on binned data, written out in torch.

    Parameters
    ----------
    u : tensor of shape (B,)
        Bin centres on the rank axis (float64, sorted).
    pos, neg : tensors of shape (K, B, L)
        Positive and negative mass per bin, one slice per model.
    metric : SetMetric
        A label-decomposable objective.
    zero_division : float
        Value of an undefined per-label or pooled score.
    """

    def __init__(self, u, pos, neg, metric: SetMetric, zero_division: float):
        self.metric, self.zero_division = metric, zero_division
        n_models, n_bins, n_labels = pos.shape
        self.shape, self.n_rows = (n_models, n_labels), n_models * n_labels
        # One row per (model, label), bins along the row, flattened: every lookup below
        # is an index_select on a 1-D tensor, 7x faster on the CPU than one on the rows
        # of a 2-D tensor and 2.6x faster than advanced indexing (60,000 pairs, measured).
        rows_pos, rows_neg = (m.transpose(1, 2).reshape(self.n_rows, n_bins) for m in (pos, neg))
        self.pair_pos, self.pair_neg = (m.to(torch.float32).reshape(-1)
                                        for m in (rows_pos, rows_neg))
        self.cum_pos, self.cum_neg = _cumulative(rows_pos), _cumulative(rows_neg)
        # int32 indices for the per-pair arrays where they fit (half the memory traffic)
        index = torch.int32 if self.n_rows * (n_bins + 1) < 2**31 else torch.int64
        rows = torch.arange(self.n_rows, dtype=index, device=pos.device)
        self.rows, self.n_bins = rows, n_bins
        self.row_first_cum = rows.long() * (n_bins + 1)
        self.pooled = metric.average == "micro" and n_models == 1
        last = self.row_first_cum + n_bins
        self.total_pos, self.total_neg = self.cum_pos[last], self.cum_neg[last]
        self.positives = self.total_pos.reshape(self.shape)
        self.u, self.u_narrow = u, u.to(torch.float32)

    def __call__(self, t, s):
        """Metric (K,) and its surrogate gradients in ``t`` and ``s`` (K, L)."""
        t_flat, s_flat = t.reshape(-1), s.reshape(-1)
        # forward: exact counts above each threshold's bin
        at = self.row_first_cum + torch.searchsorted(self.u, t_flat, right=True)
        tp = (self.total_pos - self.cum_pos.index_select(0, at)).reshape(self.shape)
        fp = (self.total_neg - self.cum_neg.index_select(0, at)).reshape(self.shape)
        value, g_tp, g_fp = self.metric.value_and_count_gradients(
            tp, fp, self.positives - tp, self.positives, xp=torch,
            zero_division=self.zero_division)

        # backward: the (row, bin) pairs within KERNEL_REACH / s of each threshold, row by row
        half = KERNEL_REACH / s_flat
        narrow = self.rows.dtype == torch.int32
        lo = torch.searchsorted(self.u, t_flat - half, out_int32=narrow)
        counts = torch.searchsorted(self.u, t_flat + half, out_int32=narrow) - lo
        ends = torch.cumsum(counts, 0, dtype=self.rows.dtype)
        n_pairs = int(ends[-1])
        row = torch.repeat_interleave(self.rows, counts, output_size=n_pairs)

        def per_pair(x):
            return x.reshape(-1).to(torch.float32).index_select(0, row)

        # a pair's bin: its row's first bin in the window plus the pair's rank in the window
        bins = (torch.arange(n_pairs, dtype=self.rows.dtype, device=t.device)
                + (lo - ends + counts).index_select(0, row))
        flat = bins + row * self.n_bins
        if self.pooled:  # one model, pooled counts: the same derivatives for every label
            g_tp_pair, g_fp_pair = g_tp[0, 0], g_fp[0, 0]  # 0-d: the products stay float32
        else:
            g_tp_pair, g_fp_pair = per_pair(g_tp), per_pair(g_fp)
        z = self.u_narrow.index_select(0, bins) - per_pair(t_flat)
        sig = torch.sigmoid(per_pair(s_flat) * z)
        dh = (sig - sig * sig) * (g_tp_pair * self.pair_pos.index_select(0, flat)
                                  + g_fp_pair * self.pair_neg.index_select(0, flat))
        # sums in float64, gradients in the parameters' dtype (float32 on CUDA)
        sum_dh = _row_sums(dh, counts).to(t.dtype)
        sum_dhz = _row_sums(dh * z, counts).to(t.dtype)
        return value, (-s_flat * sum_dh).reshape(self.shape), sum_dhz.reshape(self.shape)


def _cumulative(rows):
    """Mass below each bin boundary of each row, (R * (B + 1),) flattened."""
    out = torch.zeros(rows.shape[0], rows.shape[1] + 1, dtype=rows.dtype, device=rows.device)
    torch.cumsum(rows, dim=1, out=out[:, 1:])
    return out.reshape(-1)


def _row_sums(values, counts):
    """Sums of consecutive runs of ``counts`` values (empty runs sum to 0), in float64.

    One segmented reduction, 1.6x faster on the CPU than the differences of a
    float64 cumulative sum it replaced (38.8 against 61.2 us for 28,604 values
    in 527 runs, median of 7), and no index arithmetic.
    """
    # unsafe: the lengths are window sizes, valid by construction; checking them costs
    # five more ops and a synchronisation per call
    return torch.segment_reduce(values.to(torch.float64), "sum", lengths=counts, unsafe=True)


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
def _one_cpu_thread(device: torch.device):
    """Run the epochs' small CPU tensor ops on one thread, then restore the setting.

    An epoch is a few dozen operations on arrays of some ten thousand
    elements; torch's intra-op threads cost more in synchronisation than they
    save, and much more when another process holds a core.
    """
    if device.type != "cpu":
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _bootstrap(problem: RankProblem, n_models: int, seed: int):
    """Poisson bootstrap replicates of the data: (pos, neg, row_weight), numpy, K models.

    Each row is weighted by a Poisson(1) draw; for binned data the mass of a
    bin is drawn from the Poisson law of its mass, which is the same law for
    unit weights. Drawn on the CPU by torch, whatever the device, so a seed
    gives the same fit everywhere.
    """
    gen = torch.Generator(device="cpu").manual_seed(seed)
    if problem.binned:
        pos, neg = (torch.poisson(torch.as_tensor(m, dtype=torch.float64)
                                  .expand(n_models, -1, -1), generator=gen).numpy()
                    for m in (problem.pos, problem.neg))
        return pos, neg, None
    draw = torch.poisson(torch.ones(n_models, problem.pos.shape[0]), generator=gen).numpy()
    return (problem.pos * draw[..., None], problem.neg * draw[..., None],
            problem.row_weight * draw)


def adam_stepper(param: torch.Tensor, learning_rate: float):
    """``step(grad)``: one Adam update of ``param`` in place, as ``torch.optim.Adam`` makes it.

    Each call is ``torch.optim.adam.adam``, the update ``torch.optim.Adam.step``
    runs, with ``torch.optim.Adam``'s defaults and the state it keeps (a step
    count on the CPU, first and second moments). The ``torch.optim.Adam``
    object itself is not built: its first construction in a process imports
    ``torch._dynamo`` (1.56 s measured, in every new process: the CLI, a
    joblib or Dask worker), and its step adds bookkeeping around the update
    (36 against 90 us a step at 527 labels, median, measured).
    """
    exp_avg, exp_avg_sq = torch.zeros_like(param), torch.zeros_like(param)
    count = torch.tensor(0.0)  # torch's default float dtype, on the CPU, as the class keeps it

    def step(grad: torch.Tensor) -> None:
        adam([param], [grad], [exp_avg], [exp_avg_sq], [], [count], foreach=False,
             amsgrad=False, beta1=0.9, beta2=0.999, lr=learning_rate, weight_decay=0.0,
             eps=1e-8, maximize=False)

    return step


def working_dtype(device: torch.device) -> torch.dtype:
    """The dtype of thresholds, slopes, counts and metric on ``device``.

    float64 on the CPU (the default device: the same thresholds on every
    machine); float32 on CUDA, where float64 is slow on most cards.
    """
    return torch.float64 if device.type == "cpu" else torch.float32


def learn_positions(
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
) -> tuple[np.ndarray, list[float]]:
    """Run SGL; return rank positions, from the data itself or as a bootstrap median.

    With ``n_bootstrap = 0`` one model is fitted on the data and the thresholds
    of its best epoch are kept. With ``n_bootstrap = K > 0``, ``K`` models are
    fitted at once, in one batch of tensors, on Poisson bootstrap replicates
    of the rows, and the median of their best-epoch positions is kept.

    Parameters
    ----------
    problem : RankProblem
        The data on the rank axis.
    metric : SetMetric
        Objective (maximised).
    t_init : ndarray of shape (n_labels,)
        Initial rank positions.
    trainable : ndarray of bool, shape (n_labels,)
        Labels whose threshold is learned; the others stay at ``t_init``.
    max_iter, learning_rate, sigma, learn_sigma, tol, n_iter_no_change, n_bootstrap
        See :class:`~skthresh.SGLThresholdOptimizer`.
    seed : int
        Seed of the bootstrap draws.
    device : torch.device
        Where the tensors live (CPU or CUDA): the same code runs on both.
    verbose : int, default=0
        Print a summary when > 0, and the metric of the epochs when > 1
        (rate-limited by :class:`~skthresh._progress.Progress`, the last always).
    zero_division : float, default=0.0
        Value of undefined per-label or per-row scores.

    Returns
    -------
    positions : ndarray of float64, shape (n_labels,)
        The learned rank positions.
    curve : list of float
        The true metric at each epoch (of the first replicate when bootstrapping).
    """
    # Binned epochs never need autograd: inference mode also skips its per-op bookkeeping
    # (view and version tracking). The per-sample average runs autograd in each epoch,
    # so it leaves inference mode, even a caller's.
    with _one_cpu_thread(device), torch.inference_mode(problem.binned), torch.no_grad():
        return _learn_positions(problem, metric, t_init, trainable, max_iter, learning_rate,
                                sigma, learn_sigma, tol, n_iter_no_change, n_bootstrap, seed,
                                device, verbose, zero_division)


def _learn_positions(problem, metric, t_init, trainable, max_iter, learning_rate, sigma,
                     learn_sigma, tol, n_iter_no_change, n_bootstrap, seed, device, verbose,
                     zero_division):
    real = working_dtype(device)
    n_models = max(n_bootstrap, 1)
    if n_bootstrap:
        pos, neg, row_weight = _bootstrap(problem, n_models, seed)
    else:
        pos, neg = problem.pos[None], problem.neg[None]  # (1, R, L)
        row_weight = None if problem.row_weight is None else problem.row_weight[None]
    pos, neg = (torch.as_tensor(m, dtype=real, device=device) for m in (pos, neg))

    if problem.binned:
        u = torch.as_tensor(problem.u, dtype=torch.float64, device=device)
        objective = BinnedObjective(u, pos, neg, metric, zero_division)
    else:
        u = torch.as_tensor(problem.u, dtype=real, device=device)[None]
        row_weight = torch.as_tensor(row_weight, dtype=real, device=device)
        support = pos.sum(axis=1)

        def objective(t, s):
            return surrogate_value_and_grads(u, pos, neg, t, s, metric, axis=2,
                                             support=support, row_weight=row_weight,
                                             zero_division=zero_division)

    # thresholds t and slopes s (K, L), views of one tensor: when both are learned, Adam
    # steps them as one parameter (34 against 56 us a step at 527 labels, median, measured)
    ts = torch.empty((2, n_models, len(t_init)), dtype=real, device=device)
    ts[0], ts[1] = torch.as_tensor(t_init, dtype=real, device=device), float(sigma)
    t, s = ts
    adam_step = adam_stepper(ts if learn_sigma else t, learning_rate)
    mask = torch.as_tensor(trainable, device=device)

    lo, hi = float(problem.u.min()) - 1.0, float(problem.u.max()) + 1.0
    best_value = torch.full((n_models,), -math.inf, dtype=real, device=device)
    best_t = t.clone()
    curve: list[float] = []
    no_change = 0
    progress = Progress(verbose)
    for epoch in range(max_iter):
        value, grad_t, grad_s = objective(t, s)
        better = value > best_value + tol
        best_value = torch.where(better, value, best_value)
        best_t = torch.where(better[:, None], t, best_t)
        curve.append(float(value[0]))
        no_change = 0 if bool(better.any()) else no_change + 1
        stop = no_change >= n_iter_no_change
        if progress.active(2):
            progress.tick(f"SGL epoch {epoch + 1}: {metric.name or 'score'} = {curve[-1]:.6f}",
                          level=2, last=stop or epoch + 1 == max_iter)
        if stop:
            break
        # Adam minimises the loss -metric; untrainable labels get no gradient
        grad_t = torch.where(mask, -grad_t, 0.0)
        adam_step(torch.stack([grad_t, -grad_s]) if learn_sigma else grad_t)
        t.clamp_(lo, hi)
        s.clamp_(min=1e-3)
    progress.message(f"SGL: {len(curve)} epochs, best {metric.name or 'score'} = "
                     f"{float(best_value.max()):.6f}")
    positions = best_t.median(dim=0).values if n_bootstrap else best_t[0]
    return positions.cpu().numpy(), curve
