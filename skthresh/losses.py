"""JDT losses: Jaccard, Dice and Tversky losses that are correct on soft labels.

The classic soft Jaccard and Dice losses measure the intersection of a
prediction ``x`` and a target ``y`` by the inner product ``<x, y>``. With soft
targets (label smoothing, knowledge distillation, averaged annotations) that is
wrong: for any ``y > 0`` the classic loss is minimised at ``x = 1``, not at
``x = y``. The JDT losses of Wang et al. (NeurIPS 2023, MICCAI 2023) use the
soft confusion counts instead::

    TP = (|x|_1 + |y|_1 - |x - y|_1) / 2,   FP = |x|_1 - TP,   FN = |y|_1 - TP

and the Tversky index ``TP / (TP + alpha FP + beta FN)`` of them:

* :class:`JaccardMetricLoss` (``alpha = beta = 1``) is a metric on
  ``[0, 1]^d`` (it obeys the triangle inequality);
* :class:`DiceSemimetricLoss` (``alpha = beta = 1/2``) equals
  ``|x - y|_1 / (|x|_1 + |y|_1)``, a semimetric;
* :class:`CompatibleTverskyLoss` takes any ``alpha``, ``beta``.

On hard (0/1) targets they equal the classic soft losses; on soft targets they
are zero if and only if ``x = y``. :class:`BCEWithJDTLoss` mixes one of them
with binary cross-entropy, ``0.25 BCE + 0.75 JDT`` being the papers'
recommended starting point.

The counts and the index come from :mod:`skthresh._scoring`, the same
definitions the numpy metrics and threshold optimizers of skthresh use.

All losses are :class:`torch.nn.Module` objects whose constructors take plain
Python values only, so they can be a skorch ``criterion`` (with
``criterion__alpha=...`` and friends) and survive :func:`sklearn.base.clone`.

References
----------
Z. Wang, X. Ning, M. B. Blaschko. "Jaccard Metric Losses: Optimizing the
Jaccard Index with Soft Labels." NeurIPS 2023.

Z. Wang, T. Popordanoska, J. Bertels, R. Lemmens, M. B. Blaschko. "Dice
Semimetric Losses: Optimizing the Dice Score with Soft Labels." MICCAI 2023.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
import torch.nn.functional as F

from ._scoring import jdt_counts, tversky_from_counts

__all__ = [
    "BCEWithJDTLoss",
    "CompatibleTverskyLoss",
    "DiceSemimetricLoss",
    "JaccardMetricLoss",
]

_AVERAGES = ("micro", "macro", "samples")
# Tversky weights (alpha, beta) of the named JDT losses; None: user-given.
_JDT_KINDS: dict[str, tuple[float, float] | None] = {
    "jaccard": (1.0, 1.0),
    "dice": (0.5, 0.5),
    "tversky": None,
}


# --------------------------------------------------------------------------
# parameter and input checks
# --------------------------------------------------------------------------


def _check_real(name: str, value, *, low: float, high: float = math.inf,
                low_open: bool = False) -> float:
    """Return ``value`` as a float after checking it is finite and in range."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a real number, got {value!r}.")
    if not isinstance(value, (int, float)):
        try:  # numpy scalars and 0-d tensors
            value = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be a real number, got {value!r}.") from None
    value = float(value)
    too_low = value <= low if low_open else value < low
    if not math.isfinite(value) or too_low or value > high:
        lo = "(" if low_open else "["
        hi = "]" if math.isfinite(high) else ")"
        raise ValueError(f"{name} must be in {lo}{low:g}, {high:g}{hi}, got {value!r}.")
    return value


def _check_bool(name: str, value) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be True or False, got {value!r}.")
    return value


def _check_average(average) -> str:
    if average not in _AVERAGES:
        raise ValueError(f"average must be one of {_AVERAGES}, got {average!r}.")
    return average


def _check_alpha_beta(alpha, beta) -> tuple[float, float]:
    alpha = _check_real("alpha", alpha, low=0.0)
    beta = _check_real("beta", beta, low=0.0)
    if alpha + beta <= 0:
        raise ValueError("alpha + beta must be > 0 (with both zero the index is constant).")
    return alpha, beta


def _check_class_weight(class_weight) -> tuple[float, ...] | None:
    """Validate ``class_weight`` and store it as a tuple of floats (no tensor)."""
    if class_weight is None:
        return None
    if isinstance(class_weight, torch.Tensor):
        class_weight = class_weight.detach().cpu().tolist()
    if isinstance(class_weight, (str, bytes)) or not hasattr(class_weight, "__iter__"):
        raise TypeError(
            f"class_weight must be None or a sequence of per-label weights, got {class_weight!r}."
        )
    weights = tuple(_check_real("class_weight entries", w, low=0.0) for w in class_weight)
    if not weights or sum(weights) <= 0:
        raise ValueError("class_weight must have at least one positive entry.")
    return weights


def _check_in_unit_interval(t: torch.Tensor, name: str, hint: str = "") -> None:
    """Raise unless every entry of ``t`` is in [0, 1] (NaN fails). One reduction."""
    if t.dtype == torch.bool or t.numel() == 0:
        return
    lo, hi = torch.aminmax(t.detach())
    if not bool((lo >= 0) & (hi <= 1)):
        raise ValueError(
            f"{name} must be in [0, 1], got values in [{float(lo):g}, {float(hi):g}].{hint}"
        )


def _check_inputs(input, target, *, from_logits: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """Validate ``input`` and ``target``; return 2-D tensors of ``input``'s dtype."""
    for name, t in (("input", input), ("target", target)):
        if not isinstance(t, torch.Tensor):
            raise TypeError(f"{name} must be a torch.Tensor, got {type(t).__name__}.")
    if not input.is_floating_point():
        raise ValueError(
            f"input must be a floating point tensor (logits or probabilities), got dtype "
            f"{input.dtype}."
        )
    if target.is_complex():
        raise ValueError(
            f"target must be a floating point, integer or bool tensor, got dtype {target.dtype}."
        )
    if input.shape != target.shape:
        hint = ""
        if input.numel() == target.numel():
            hint = f" Reshape target with target.reshape({tuple(input.shape)})."
        raise ValueError(
            f"input and target must have the same shape, got input {tuple(input.shape)} and "
            f"target {tuple(target.shape)}.{hint}"
        )
    if input.ndim not in (1, 2):
        raise ValueError(
            "input and target must have shape (n_samples, n_labels) or (n_samples,), got "
            f"{input.ndim} dimensions {tuple(input.shape)}."
        )
    if input.numel() == 0:
        raise ValueError(f"input and target are empty (shape {tuple(input.shape)}).")
    if target.device != input.device:
        raise ValueError(
            f"input and target must be on the same device, got {input.device} and "
            f"{target.device}."
        )
    if input.ndim == 1:
        input, target = input[:, None], target[:, None]
    _check_in_unit_interval(target, "target")
    target = target.to(dtype=input.dtype)
    if not from_logits:
        _check_in_unit_interval(
            input, "input", " Pass from_logits=True if input holds logits."
        )
    return input, target


# --------------------------------------------------------------------------
# the loss itself
# --------------------------------------------------------------------------


def _jdt_loss(probs: torch.Tensor, target: torch.Tensor, *, alpha: float, beta: float,
              average: str, class_weight: tuple[float, ...] | None, log_loss: bool,
              smooth: float, eps: float) -> torch.Tensor:
    """Scalar JDT loss of 2-D probabilities against 2-D targets (already checked).

    The index of counts ``(tp, fp, fn)`` is ``(tp + smooth) / (tp + smooth +
    alpha fp + beta fn)``: :func:`tversky_from_counts` applied to ``tp + smooth``.
    """
    n_labels = probs.shape[1]
    weight = None
    if class_weight is not None:
        if len(class_weight) != n_labels:
            raise ValueError(
                f"class_weight has {len(class_weight)} entries but input has {n_labels} "
                "labels (columns)."
            )
        weight = torch.as_tensor(class_weight, device=probs.device, dtype=probs.dtype)

    if average == "samples":
        # per-row counts, labels weighted by class_weight
        row_weight = None if weight is None else weight[None, :]
        tp, fp, fn = jdt_counts(target, probs, row_weight, axis=1)
    elif average == "micro":
        # per-label (weighted) counts, then pooled over labels
        col_weight = None if weight is None else weight[None, :]
        tp, fp, fn = (c.sum() for c in jdt_counts(target, probs, col_weight, axis=0))
    else:  # macro: per-label counts; class_weight weights the per-label losses
        tp, fp, fn = jdt_counts(target, probs, axis=0)

    # zero_division only matters with smooth == 0: empty prediction and target agree.
    index = tversky_from_counts(tp + smooth, fp, fn, alpha, beta, xp=torch, zero_division=1.0)
    per_item = -torch.log(index.clamp_min(eps)) if log_loss else 1 - index
    if average == "macro" and weight is not None:
        return (per_item * weight).sum() / weight.sum()
    return per_item.mean()


_COMMON_PARAMS_DOC = """\
    average : {"micro", "macro", "samples"}, default="micro"
        How the loss is pooled over the ``(n_samples, n_labels)`` batch.
        ``"micro"`` pools the counts of all entries into one index (stable on
        small batches and rare labels); ``"macro"`` is the mean over labels of
        per-label losses (counts over the rows of the batch); ``"samples"`` is
        the mean over rows of per-row losses.
    class_weight : sequence of float or None, default=None
        Non-negative weight of each label. With ``"macro"`` the loss is the
        weighted mean ``sum(w_l loss_l) / sum(w_l)`` of the per-label losses;
        with ``"micro"`` and ``"samples"`` each label's entries are weighted in
        the counts (a weight of 2 acts like a duplicated column). Stored as a
        tuple of floats and turned into a tensor of the input's device and
        dtype at every call.
    log_loss : bool, default=False
        If True the loss is ``-log(index)`` (index clamped below at ``eps``)
        instead of ``1 - index``.
    smooth : float, default=1.0
        Added to TP in numerator and denominator: the index is
        ``(TP + smooth) / (TP + smooth + alpha FP + beta FN)``. As in the
        authors' reference implementation it defaults to 1: a label (or row)
        with no positive target then still gets a gradient pushing its
        predictions to 0, where the unsmoothed index is constant 0. The loss
        stays zero iff prediction equals target, and the Jaccard metric loss
        stays a metric. ``smooth=0`` gives the exact index; a label or row with
        an all-zero prediction and target then counts as a perfect match.
    eps : float, default=1e-7
        Lower clamp of the index in the log form (``log_loss=True``).
    from_logits : bool, default=True
        If True, ``input`` holds logits and a sigmoid is applied; if False it
        holds probabilities in [0, 1]. True fits skorch modules, which usually
        end in a linear layer (use ``predict_nonlinearity=torch.sigmoid`` on the
        net so that ``predict_proba`` returns probabilities).
"""

_SHAPES_DOC = """\
    Inputs of ``forward(input, target)``: tensors of shape ``(n_samples,
    n_labels)``, or ``(n_samples,)`` for one label. ``target`` holds hard or
    soft labels in [0, 1] (float, integer or bool; cast to ``input``'s dtype).
    The output is a scalar tensor.
"""


class _JDTLossBase(torch.nn.Module):
    """Shared implementation of the JDT losses; subclasses fix ``(alpha, beta)``."""

    def __init__(self, *, average: str = "micro", class_weight: Sequence[float] | None = None,
                 log_loss: bool = False, smooth: float = 1.0, eps: float = 1e-7,
                 from_logits: bool = True) -> None:
        super().__init__()
        self.average = _check_average(average)
        self.class_weight = _check_class_weight(class_weight)
        self.log_loss = _check_bool("log_loss", log_loss)
        self.smooth = _check_real("smooth", smooth, low=0.0)
        self.eps = _check_real("eps", eps, low=0.0, high=1.0, low_open=True)
        self.from_logits = _check_bool("from_logits", from_logits)

    def _tversky_weights(self) -> tuple[float, float]:
        raise NotImplementedError

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Loss of ``input`` (logits or probabilities) against ``target``.

        Parameters
        ----------
        input : torch.Tensor of shape (n_samples, n_labels) or (n_samples,)
            Logits if ``from_logits`` else probabilities in [0, 1].
        target : torch.Tensor of the same shape
            Hard or soft targets in [0, 1].

        Returns
        -------
        loss : torch.Tensor
            A scalar.
        """
        input, target = _check_inputs(input, target, from_logits=self.from_logits)
        probs = torch.sigmoid(input) if self.from_logits else input
        alpha, beta = self._tversky_weights()
        return _jdt_loss(
            probs, target, alpha=alpha, beta=beta, average=self.average,
            class_weight=self.class_weight, log_loss=self.log_loss, smooth=self.smooth,
            eps=self.eps,
        )

    def _repr_params(self) -> list[str]:
        return []

    def extra_repr(self) -> str:
        parts = self._repr_params()
        parts.append(f"average={self.average!r}, from_logits={self.from_logits}")
        if self.class_weight is not None:
            parts.append(f"class_weight={self.class_weight}")
        if self.log_loss:
            parts.append("log_loss=True")
        parts.append(f"smooth={self.smooth:g}")
        return ", ".join(parts)


class JaccardMetricLoss(_JDTLossBase):
    __doc__ = f"""Jaccard metric loss (JML): ``1 - TP / (TP + FP + FN)`` of soft counts.

    With ``TP = (|x| + |y| - |x - y|) / 2`` (L1 norms) and no smoothing the
    loss is ``2 |x - y|_1 / (|x|_1 + |y|_1 + |x - y|_1)``: zero iff ``x = y``
    and a metric on ``[0, 1]^d``. On hard targets it equals the classic soft
    Jaccard loss ``1 - <x, y> / (|x| + |y| - <x, y>)``.

    Parameters
    ----------
{_COMMON_PARAMS_DOC}
    Notes
    -----
{_SHAPES_DOC}
    See Also
    --------
    DiceSemimetricLoss, CompatibleTverskyLoss, BCEWithJDTLoss

    Examples
    --------
    With a soft target ``y = 0.5`` the classic soft Jaccard loss prefers the
    prediction 1; the Jaccard metric loss is zero at the target:

    >>> import torch
    >>> from skthresh.losses import JaccardMetricLoss
    >>> loss = JaccardMetricLoss(from_logits=False, smooth=0.0)
    >>> y = torch.tensor([[0.5]])
    >>> float(loss(torch.tensor([[0.5]]), y))
    0.0
    >>> float(loss(torch.tensor([[1.0]]), y))
    0.5

    From logits (the default), e.g. as the output of a network:

    >>> logits = torch.tensor([[2.0, -1.0], [-0.5, 3.0]], requires_grad=True)
    >>> target = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    >>> value = JaccardMetricLoss(average="macro")(logits, target)
    >>> value.backward()
    >>> round(value.item(), 4)
    0.1742
    """

    def __init__(self, *, average: str = "micro", class_weight: Sequence[float] | None = None,
                 log_loss: bool = False, smooth: float = 1.0, eps: float = 1e-7,
                 from_logits: bool = True) -> None:
        super().__init__(average=average, class_weight=class_weight, log_loss=log_loss,
                         smooth=smooth, eps=eps, from_logits=from_logits)

    def _tversky_weights(self) -> tuple[float, float]:
        return _JDT_KINDS["jaccard"]


class DiceSemimetricLoss(_JDTLossBase):
    __doc__ = f"""Dice semimetric loss (DML): ``1 - 2 TP / (2 TP + FP + FN)`` of soft counts.

    Without smoothing it equals ``|x - y|_1 / (|x|_1 + |y|_1)``: zero iff
    ``x = y``, symmetric, but not a metric (no triangle inequality). On hard
    targets it equals the classic soft Dice loss
    ``1 - 2 <x, y> / (|x| + |y|)``. With ``smooth`` the index is
    ``(2 TP + 2 smooth) / (2 TP + FP + FN + 2 smooth)`` (``smooth`` is added to
    TP, so it enters the ``2 TP`` form twice).

    Parameters
    ----------
{_COMMON_PARAMS_DOC}
    Notes
    -----
{_SHAPES_DOC}
    See Also
    --------
    JaccardMetricLoss, CompatibleTverskyLoss, BCEWithJDTLoss

    Examples
    --------
    >>> import torch
    >>> from skthresh.losses import DiceSemimetricLoss
    >>> loss = DiceSemimetricLoss(from_logits=False, smooth=0.0)
    >>> x = torch.tensor([0.2, 0.9, 0.4])
    >>> y = torch.tensor([0.0, 1.0, 0.5])
    >>> round(float(loss(x, y)), 4)  # |x - y|_1 / (|x|_1 + |y|_1) = 0.4 / 3
    0.1333
    >>> float(loss(y, y))
    0.0
    """

    def __init__(self, *, average: str = "micro", class_weight: Sequence[float] | None = None,
                 log_loss: bool = False, smooth: float = 1.0, eps: float = 1e-7,
                 from_logits: bool = True) -> None:
        super().__init__(average=average, class_weight=class_weight, log_loss=log_loss,
                         smooth=smooth, eps=eps, from_logits=from_logits)

    def _tversky_weights(self) -> tuple[float, float]:
        return _JDT_KINDS["dice"]


class CompatibleTverskyLoss(_JDTLossBase):
    __doc__ = f"""Compatible Tversky loss (CTL): ``1 - TP / (TP + alpha FP + beta FN)``.

    The Tversky index of the soft JDT counts. ``alpha = beta = 1`` is
    :class:`JaccardMetricLoss`, ``alpha = beta = 1/2`` is
    :class:`DiceSemimetricLoss`; ``alpha < beta`` penalises false negatives
    more (favours recall). F-beta is ``alpha = 1 / (1 + b^2)``,
    ``beta = b^2 / (1 + b^2)``. On hard targets it equals the classic soft
    Tversky loss; with ``alpha, beta > 0`` it is zero iff ``x = y``.

    Parameters
    ----------
    alpha : float, default=0.5
        Weight of false positives, >= 0.
    beta : float, default=0.5
        Weight of false negatives, >= 0; ``alpha + beta > 0``.
{_COMMON_PARAMS_DOC}
    Notes
    -----
{_SHAPES_DOC}
    See Also
    --------
    JaccardMetricLoss, DiceSemimetricLoss, BCEWithJDTLoss

    Examples
    --------
    >>> import torch
    >>> from skthresh.losses import CompatibleTverskyLoss
    >>> loss = CompatibleTverskyLoss(alpha=0.3, beta=0.7, from_logits=False, smooth=0.0)
    >>> x = torch.tensor([[0.9, 0.2], [0.1, 0.6]])
    >>> y = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    >>> round(float(loss(x, y)), 4)  # 1 - 1.5 / (1.5 + 0.3 * 0.3 + 0.7 * 0.5)
    0.2268

    As a skorch criterion the weights are set like any other parameter,
    ``NeuralNet(..., criterion=CompatibleTverskyLoss, criterion__alpha=0.3)``.
    """

    def __init__(self, alpha: float = 0.5, beta: float = 0.5, *, average: str = "micro",
                 class_weight: Sequence[float] | None = None, log_loss: bool = False,
                 smooth: float = 1.0, eps: float = 1e-7, from_logits: bool = True) -> None:
        super().__init__(average=average, class_weight=class_weight, log_loss=log_loss,
                         smooth=smooth, eps=eps, from_logits=from_logits)
        self.alpha, self.beta = _check_alpha_beta(alpha, beta)

    def _tversky_weights(self) -> tuple[float, float]:
        return self.alpha, self.beta

    def _repr_params(self) -> list[str]:
        return [f"alpha={self.alpha:g}, beta={self.beta:g}"]


class BCEWithJDTLoss(torch.nn.Module):
    __doc__ = f"""Binary cross-entropy mixed with a JDT loss.

    ``bce_weight * BCE + (1 - bce_weight) * JDT``, where BCE is the mean
    binary cross-entropy over all entries (computed from logits when
    ``from_logits``) and JDT is the :class:`JaccardMetricLoss`,
    :class:`DiceSemimetricLoss` or :class:`CompatibleTverskyLoss` chosen by
    ``jdt``. The default ``0.25 BCE + 0.75 JDT`` is the JDT papers'
    recommended starting point: the BCE term gives well-scaled gradients
    early in training and calibrated scores, the JDT term optimises the set
    metric directly. Both terms are correct on soft targets.

    Parameters
    ----------
    bce_weight : float, default=0.25
        Weight of the BCE term, in [0, 1].
    jdt : {{"jaccard", "dice", "tversky"}}, default="jaccard"
        Which JDT loss.
    alpha, beta : float or None, default=None
        Tversky weights; only with ``jdt="tversky"`` (default 0.5 each there).
{_COMMON_PARAMS_DOC}
        Also selects BCE from logits (True) or from probabilities (False).

    Notes
    -----
{_SHAPES_DOC}
    ``class_weight`` weights the JDT term only.

    See Also
    --------
    JaccardMetricLoss, DiceSemimetricLoss, CompatibleTverskyLoss

    Examples
    --------
    >>> import torch
    >>> from skthresh.losses import BCEWithJDTLoss
    >>> logits = torch.tensor([[1.5, -2.0], [0.3, 0.8]])
    >>> target = torch.tensor([[0.9, 0.1], [0.1, 0.9]])  # label-smoothed
    >>> loss = BCEWithJDTLoss()  # 0.25 BCE + 0.75 Jaccard metric loss
    >>> round(float(loss(logits, target)), 4)
    0.2909
    >>> BCEWithJDTLoss(jdt="tversky", alpha=0.3, beta=0.7)  # doctest: +NORMALIZE_WHITESPACE
    BCEWithJDTLoss(bce_weight=0.25, jdt='tversky', alpha=0.3, beta=0.7,
                   average='micro', from_logits=True, smooth=1)
    """

    def __init__(self, *, bce_weight: float = 0.25, jdt: str = "jaccard",
                 alpha: float | None = None, beta: float | None = None,
                 average: str = "micro", class_weight: Sequence[float] | None = None,
                 log_loss: bool = False, smooth: float = 1.0, eps: float = 1e-7,
                 from_logits: bool = True) -> None:
        super().__init__()
        self.bce_weight = _check_real("bce_weight", bce_weight, low=0.0, high=1.0)
        if jdt not in _JDT_KINDS:
            raise ValueError(f"jdt must be one of {tuple(_JDT_KINDS)}, got {jdt!r}.")
        self.jdt = jdt
        if jdt == "tversky":
            alpha, beta = _check_alpha_beta(0.5 if alpha is None else alpha,
                                             0.5 if beta is None else beta)
        elif alpha is not None or beta is not None:
            raise ValueError(
                f"alpha and beta are fixed by jdt={jdt!r}; pass them only with jdt='tversky'."
            )
        self.alpha = alpha
        self.beta = beta
        self.average = _check_average(average)
        self.class_weight = _check_class_weight(class_weight)
        self.log_loss = _check_bool("log_loss", log_loss)
        self.smooth = _check_real("smooth", smooth, low=0.0)
        self.eps = _check_real("eps", eps, low=0.0, high=1.0, low_open=True)
        self.from_logits = _check_bool("from_logits", from_logits)

    def forward(self, input: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        """Mixed loss of ``input`` (logits or probabilities) against ``target``.

        Parameters
        ----------
        input : torch.Tensor of shape (n_samples, n_labels) or (n_samples,)
            Logits if ``from_logits`` else probabilities in [0, 1].
        target : torch.Tensor of the same shape
            Hard or soft targets in [0, 1].

        Returns
        -------
        loss : torch.Tensor
            A scalar.
        """
        input, target = _check_inputs(input, target, from_logits=self.from_logits)
        if self.from_logits:
            bce = F.binary_cross_entropy_with_logits(input, target)
            probs = torch.sigmoid(input)
        else:
            bce = F.binary_cross_entropy(input, target)
            probs = input
        if self.jdt == "tversky":
            alpha, beta = self.alpha, self.beta
        else:
            alpha, beta = _JDT_KINDS[self.jdt]
        jdt = _jdt_loss(
            probs, target, alpha=alpha, beta=beta, average=self.average,
            class_weight=self.class_weight, log_loss=self.log_loss, smooth=self.smooth,
            eps=self.eps,
        )
        return self.bce_weight * bce + (1 - self.bce_weight) * jdt

    def extra_repr(self) -> str:
        parts = [f"bce_weight={self.bce_weight:g}, jdt={self.jdt!r}"]
        if self.jdt == "tversky":
            parts.append(f"alpha={self.alpha:g}, beta={self.beta:g}")
        parts.append(f"average={self.average!r}, from_logits={self.from_logits}")
        if self.class_weight is not None:
            parts.append(f"class_weight={self.class_weight}")
        if self.log_loss:
            parts.append("log_loss=True")
        parts.append(f"smooth={self.smooth:g}")
        return ", ".join(parts)
