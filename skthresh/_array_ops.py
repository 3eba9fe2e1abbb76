"""The few array operations SGL needs that numpy and torch spell differently.

SGL's binned objective, its Adam and its epoch loop are written once, in
arithmetic that numpy arrays and torch tensors share, plus the operations
below. :class:`NumpyOps` runs them on the CPU: an epoch is a few dozen
operations on arrays of some ten thousand elements, where numpy's per-call
cost (about a microsecond) and its gathers are several times cheaper than
torch's on CPU. :class:`TorchOps` runs them on a torch device (CUDA), and
for the per-sample objective, which needs autograd.
"""

from __future__ import annotations

import numpy as np


class NumpyOps:
    """Array operations on numpy arrays (CPU)."""

    xp = np
    real = np.float64  # thresholds, slopes, counts, Adam state
    wide = np.float64  # the rank axis searched for bins, as the final cuts are
    narrow = np.float32  # per (label, bin) pair values

    def __init__(self):
        self._arange = np.arange(0)

    def asarray(self, a, dtype):
        """``a`` as an array of ``dtype`` (no copy when it already is one)."""
        return np.asarray(a, dtype=dtype)

    def to_numpy(self, a) -> np.ndarray:
        """``a`` as a numpy array."""
        return np.asarray(a)

    def cast(self, a, dtype):
        """``a`` converted to ``dtype``."""
        return a.astype(dtype, copy=False)

    def arange(self, n: int):
        """``0, ..., n - 1`` as int64 (a read-only view of a cached, growing buffer)."""
        if self._arange.size < n:
            self._arange = np.arange(max(n, 2 * self._arange.size), dtype=np.int64)
            self._arange.flags.writeable = False
        return self._arange[:n]

    def searchsorted(self, sorted_values, x, *, right=False):
        """Insertion points of ``x`` in the 1-D ``sorted_values``."""
        return np.searchsorted(sorted_values, x, side="right" if right else "left")

    def take(self, a, index):
        """``a[index]`` for a 1-D ``a`` and an ``index`` known to be in bounds.

        ``mode="clip"`` skips the bounds check of ``a[index]`` (a no-op on valid
        indices), which makes the gather about twice as fast.
        """
        return np.take(a, index, mode="clip")

    def repeat(self, a, counts, total: int):
        """Each ``a[i]`` repeated ``counts[i]`` times (``total = counts.sum()``)."""
        return np.repeat(a, counts)

    def cumsum(self, a, axis: int, out=None):
        """Cumulative sum along ``axis`` (into ``out`` if given)."""
        return np.cumsum(a, axis=axis, out=out)

    def segments(self, counts, ends, total: int):
        """What :meth:`segment_sum` needs to sum consecutive runs of ``counts`` elements."""
        nonempty = counts > 0
        return (ends - counts)[nonempty], nonempty

    def segment_sum(self, a, segments, n_segments: int):
        """Sum of each run of ``a`` given by :meth:`segments` (0 if empty), as ``real``.

        Accumulated in ``a``'s precision (float32 for the pair values), as
        torch's ``index_add_`` does. Only the non-empty runs are reduced: their
        starts increase strictly, so each sum ends where the next run starts
        (or at the end of ``a``).
        """
        starts, nonempty = segments
        out = np.zeros(n_segments)
        if starts.size:
            out[nonempty] = np.add.reduceat(a, starts)
        return out

    def exp(self, a):
        """Elementwise exponential."""
        return np.exp(a)

    def sqrt(self, a):
        """Elementwise square root."""
        return np.sqrt(a)

    def clamp_(self, a, low=None, high=None):
        """Clip ``a`` in place to ``[low, high]``."""
        np.clip(a, low, high, out=a)

    def stack(self, arrays):
        """Stack along a new first axis."""
        return np.stack(arrays)

    def concat(self, arrays):
        """Join 1-D arrays end to end."""
        return np.concatenate(arrays)

    def full(self, shape, value, dtype):
        """A new array filled with ``value``."""
        return np.full(shape, value, dtype=dtype)

    def empty(self, shape, dtype):
        """A new, uninitialised array."""
        return np.empty(shape, dtype=dtype)

    def median0(self, a):
        """Median along the first axis (the lower middle value, as torch's)."""
        return np.sort(a, axis=0)[(a.shape[0] - 1) // 2]


class TorchOps:
    """Array operations on torch tensors on one device."""


    def __init__(self, device):
        import torch

        self.xp = torch
        self.device = device
        self.real = torch.float64 if device.type == "cpu" else torch.float32
        self.wide = torch.float64
        self.narrow = torch.float32

    def asarray(self, a, dtype):  # noqa: D102
        return self.xp.as_tensor(a, dtype=dtype, device=self.device)

    def to_numpy(self, a) -> np.ndarray:  # noqa: D102
        return a.detach().cpu().numpy()

    def cast(self, a, dtype):  # noqa: D102
        return a.to(dtype)

    def arange(self, n: int):  # noqa: D102
        return self.xp.arange(n, device=self.device)

    def searchsorted(self, sorted_values, x, *, right=False):  # noqa: D102
        return self.xp.searchsorted(sorted_values, x.contiguous(), right=right)

    def take(self, a, index):  # noqa: D102
        return a.index_select(0, index)

    def repeat(self, a, counts, total: int):  # noqa: D102
        return self.xp.repeat_interleave(a, counts, output_size=total)

    def cumsum(self, a, axis: int, out=None):  # noqa: D102
        if out is None:
            return self.xp.cumsum(a, axis)
        out.copy_(self.xp.cumsum(a, axis))  # torch's out= wants a contiguous tensor
        return out

    def segments(self, counts, ends, total: int):  # noqa: D102
        rows = self.xp.arange(counts.numel(), device=self.device)
        return self.xp.repeat_interleave(rows, counts, output_size=total)

    def segment_sum(self, a, segments, n_segments: int):  # noqa: D102
        out = self.xp.zeros(n_segments, dtype=a.dtype, device=self.device)
        return out.index_add_(0, segments, a).to(self.real)

    def exp(self, a):  # noqa: D102
        return self.xp.exp(a)

    def sqrt(self, a):  # noqa: D102
        return self.xp.sqrt(a)

    def clamp_(self, a, low=None, high=None):  # noqa: D102
        a.clamp_(low, high)

    def stack(self, arrays):  # noqa: D102
        return self.xp.stack(arrays)

    def concat(self, arrays):  # noqa: D102
        return self.xp.cat(arrays)

    def full(self, shape, value, dtype):  # noqa: D102
        return self.xp.full(shape, value, dtype=dtype, device=self.device)

    def empty(self, shape, dtype):  # noqa: D102
        return self.xp.empty(shape, dtype=dtype, device=self.device)

    def median0(self, a):  # noqa: D102
        return a.median(dim=0).values
