"""The set metrics: their one definition, their names and how they are averaged.

Every metric in skthresh (the numpy metrics, the sklearn scorers, the
objective of the threshold optimizers and the torch losses) is computed here,
from the three confusion counts of the JDT papers (Wang et al., NeurIPS 2023,
MICCAI 2023)::

    TP = (|x|_1 + |y|_1 - |x - y|_1) / 2,   FP = |x|_1 - TP,   FN = |y|_1 - TP

and the Tversky index ``TP / (TP + alpha FP + beta FN)``. F-beta is the Tversky
index with ``alpha = 1 / (1 + beta**2)`` and ``beta_T = beta**2 / (1 + beta**2)``
(F1 = Dice: ``alpha = beta_T = 1/2``), Jaccard is ``alpha = beta_T = 1``.

The count functions use only arithmetic, ``abs`` and ``.sum(axis=...)``, which
numpy arrays and torch tensors both support, so the formulas exist once; the
caller passes the array namespace (``numpy`` or ``torch``) where a ``where`` is
needed. A metric is described by a :class:`SetMetric`: the Tversky weights
``(alpha, beta)`` and an averaging mode; names such as ``"f1_micro"`` or
``"jaccard_samples"`` are parsed into one by :func:`get_set_metric`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any


def jdt_counts(y_true: Any, y_pred: Any, sample_weight: Any = None, axis: int = 0):
    """Soft confusion counts TP, FP, FN along ``axis``.

    Valid for hard and soft ``y_true`` and ``y_pred`` in [0, 1]. On hard
    values they are the usual counts.

    Parameters
    ----------
    y_true, y_pred : array or tensor of shape (n_samples, n_labels)
        Targets and predictions, in [0, 1].
    sample_weight : array or tensor of shape (n_samples, 1) or None
        Weight of each row, broadcast over labels.
    axis : int, default=0
        Axis summed over: 0 gives per-label counts, 1 per-sample counts.

    Returns
    -------
    tp, fp, fn : arrays or tensors
        The counts, reduced along ``axis``.
    """
    size_pred = y_pred
    size_true = y_true
    diff = abs(y_pred - y_true)
    if sample_weight is not None:
        size_pred = size_pred * sample_weight
        size_true = size_true * sample_weight
        diff = diff * sample_weight
    sum_pred = size_pred.sum(axis=axis)
    sum_true = size_true.sum(axis=axis)
    tp = (sum_pred + sum_true - diff.sum(axis=axis)) / 2
    return tp, sum_pred - tp, sum_true - tp


def tversky_from_counts(tp, fp, fn, alpha: float, beta: float, *, xp, zero_division=0.0):
    """Tversky index ``tp / (tp + alpha fp + beta fn)`` from counts.

    Parameters
    ----------
    tp, fp, fn : arrays or tensors of the same shape
        Confusion counts (possibly soft, possibly weighted).
    alpha, beta : float
        Weights of false positives and false negatives. ``alpha = beta = 0.5``
        is F1 (Dice), ``alpha = beta = 1`` is Jaccard.
    xp : module
        ``numpy`` or ``torch``: provides ``where``.
    zero_division : float, default=0.0
        Value where the denominator is zero (no predicted and no true
        positive), as ``zero_division`` in scikit-learn.

    Returns
    -------
    score : array or tensor
        The index, in [0, 1].
    """
    denom = tp + alpha * fp + beta * fn
    defined = denom > 0
    safe = xp.where(defined, denom, denom * 0 + 1)
    return xp.where(defined, tp / safe, tp * 0 + zero_division)


def tversky_and_gradients(tp, fp, fn, alpha: float, beta: float, *, xp, zero_division=0.0):
    """Tversky index and its derivatives in ``tp`` and ``fp``, the positives held fixed.

    Moving a row across a threshold changes ``tp`` (and ``fn = P - tp`` with
    it) or ``fp``; so, with ``D = tp + alpha fp + beta fn``::

        d index / d tp = (alpha fp + beta (tp + fn)) / D**2
        d index / d fp = -alpha tp / D**2

    Where ``D = 0`` the index is ``zero_division`` and both derivatives are 0,
    as autograd gives through :func:`tversky_from_counts`.

    Parameters
    ----------
    tp, fp, fn : arrays or tensors of the same shape
        Confusion counts.
    alpha, beta : float
        Weights of false positives and false negatives.
    xp : module
        ``numpy`` or ``torch``: provides ``where``.
    zero_division : float, default=0.0
        Value where the denominator is zero.

    Returns
    -------
    index, d_tp, d_fp : arrays or tensors shaped like ``tp``
    """
    denom = tp + alpha * fp + beta * fn
    defined = denom > 0
    safe = xp.where(defined, denom, denom * 0 + 1)
    inv2 = xp.where(defined, 1 / (safe * safe), denom * 0)
    index = xp.where(defined, tp / safe, tp * 0 + zero_division)
    return index, (alpha * fp + beta * (tp + fn)) * inv2, -alpha * tp * inv2


AVERAGES = ("micro", "macro", "samples", "weighted")

# --------------------------------------------------------------------------
# The registry of metric names: every name skthresh reads or lists is here.
# --------------------------------------------------------------------------

# "<kind>_<average>", or the plain kind for a binary target; kind ``f1``,
# ``f<beta>`` (``f2``, ``f0.5``, ``f1e-05``: as ``SetMetric.fbeta`` writes beta)
# or ``jaccard``.
_NAME_RE = re.compile(
    r"^(?P<kind>f1|f(?P<beta>\d+(\.\d+)?(e[+-]\d+)?)|jaccard)(_(?P<average>[a-z]+))?$")
# The kinds :func:`get_scorer_names` lists (any other ``f<beta>`` is accepted too).
_LISTED_KINDS = ("f1", "f0.5", "f2", "jaccard")
# One label's metrics that have a name but no average (the threshold curves):
# their Tversky weights (alpha, beta).
PER_LABEL_WEIGHTS = {"precision": (1.0, 0.0), "recall": (0.0, 1.0)}


def get_scorer_names() -> list[str]:
    """Names of the set metrics accepted by :func:`make_set_scorer`.

    The list holds ``f1``, ``f0.5``, ``f2`` and ``jaccard`` with each average
    (``micro``, ``macro``, ``samples``, ``weighted``). Any other ``f<beta>``
    (e.g. ``"f3_micro"``) is accepted too, and Tversky indices are given as a
    :class:`~skthresh.SetMetric` rather than a name.

    Returns
    -------
    names : list of str
        Sorted names, e.g. ``"f1_micro"``.

    Examples
    --------
    >>> from skthresh.metrics import get_scorer_names
    >>> names = get_scorer_names()
    >>> "f1_micro" in names, "jaccard_samples" in names, len(names)
    (True, True, 16)
    """
    return sorted(f"{kind}_{average}" for kind in _LISTED_KINDS for average in AVERAGES)


def is_binary_name(scoring: Any) -> bool:
    """Whether ``scoring`` is a name without an average (``"f1"``, ``"jaccard"``, ``"f2"``).

    As in scikit-learn, such a name scores the positive class of a binary
    target; it has no meaning for several labels.
    """
    if not isinstance(scoring, str):
        return False
    match = _NAME_RE.match(scoring)
    return match is not None and match.group("average") is None


def refuse_binary_name(scoring: Any, context: str) -> None:
    """Raise when ``scoring`` is a binary (plain) name used for several labels.

    Parameters
    ----------
    scoring : str or SetMetric
        The objective.
    context : str
        Where the several labels come from, for the message (``"with 5 labels"``,
        ``"for a multi-label target"``).

    Raises
    ------
    ValueError
        Naming the averaged names to use instead.
    """
    if is_binary_name(scoring):
        raise ValueError(
            f"scoring={scoring!r} is the score of one label (scikit-learn's binary "
            f"{scoring!r}); {context} use an average: '{scoring}_micro', '{scoring}_macro', "
            f"'{scoring}_weighted' or '{scoring}_samples'."
        )


@dataclass(frozen=True)
class SetMetric:
    """A set metric of the Tversky family and its averaging.

    Every metric skthresh optimises or reports is a Tversky index
    ``TP / (TP + alpha FP + beta FN)`` of soft confusion counts, averaged in one
    of four ways. Build one with :meth:`fbeta`, :meth:`jaccard` or
    :meth:`tversky`, or from a name with :func:`get_set_metric`.

    Parameters
    ----------
    alpha : float
        Weight of false positives, >= 0.
    beta : float
        Weight of false negatives, >= 0; ``alpha + beta > 0``.
    average : {"micro", "macro", "samples", "weighted"}
        ``"micro"`` pools the counts of all labels and rows; ``"macro"`` is the
        mean of per-label scores; ``"weighted"`` weights them by each label's
        support (sum of targets); ``"samples"`` is the mean of per-row scores.
    name : str, default=""
        A readable name, e.g. ``"f1_micro"``; used in messages and reports.
        Not part of equality: two metrics with the same weights and average
        are equal whatever their names.

    Examples
    --------
    >>> from skthresh import SetMetric
    >>> SetMetric.fbeta(2.0, average="macro")
    SetMetric(alpha=0.2, beta=0.8, average='macro', name='f2_macro')
    """

    alpha: float
    beta: float
    average: str
    name: str = dataclass_field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.average not in AVERAGES:
            raise ValueError(
                f"average must be one of {AVERAGES}, got {self.average!r}."
            )
        for field in ("alpha", "beta"):
            value = getattr(self, field)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
                raise ValueError(f"{field} must be a finite number >= 0, got {value!r}.")
        if self.alpha + self.beta <= 0:
            raise ValueError("alpha + beta must be > 0.")

    @classmethod
    def fbeta(cls, beta: float = 1.0, *, average: str = "micro") -> SetMetric:
        """F-beta as a Tversky index: ``alpha = 1/(1+b^2)``, ``beta = b^2/(1+b^2)``.

        Parameters
        ----------
        beta : float, default=1.0
            Weight of recall relative to precision, > 0 (1 gives F1 = Dice).
        average : {"micro", "macro", "samples", "weighted"}, default="micro"
            How the per-label or per-row scores are combined.

        Returns
        -------
        SetMetric
            Named ``"f1_<average>"`` or ``"f<beta>_<average>"``.
        """
        if not (isinstance(beta, (int, float)) and math.isfinite(beta) and beta > 0):
            raise ValueError(f"beta must be a finite number > 0, got {beta!r}.")
        b2 = float(beta) ** 2
        label = "f1" if beta == 1 else f"f{beta:g}"
        return cls(1.0 / (1.0 + b2), b2 / (1.0 + b2), average, f"{label}_{average}")

    @classmethod
    def jaccard(cls, *, average: str = "micro") -> SetMetric:
        """Jaccard index (intersection over union): ``alpha = beta = 1``.

        Parameters
        ----------
        average : {"micro", "macro", "samples", "weighted"}, default="micro"
            How the per-label or per-row scores are combined.

        Returns
        -------
        SetMetric
            Named ``"jaccard_<average>"``.
        """
        return cls(1.0, 1.0, average, f"jaccard_{average}")

    @classmethod
    def tversky(cls, alpha: float, beta: float, *, average: str = "micro") -> SetMetric:
        """Tversky index with false-positive weight ``alpha``, false-negative weight ``beta``.

        Parameters
        ----------
        alpha : float
            Weight of false positives, >= 0.
        beta : float
            Weight of false negatives, >= 0; ``alpha + beta > 0``. With
            ``alpha + beta = 1`` it is an F-beta; ``alpha = beta = 1`` is Jaccard.
        average : {"micro", "macro", "samples", "weighted"}, default="micro"
            How the per-label or per-row scores are combined.

        Returns
        -------
        SetMetric
        """
        name = f"tversky_{average}(alpha={alpha:g},beta={beta:g})"
        return cls(float(alpha), float(beta), average, name)

    @property
    def decomposable(self) -> bool:
        """True when the score depends on the data only through per-label counts."""
        return self.average != "samples"

    def from_counts(self, tp, fp, fn, support=None, *, xp, zero_division=0.0, sample_weight=None):
        """Average the index of given counts.

        Parameters
        ----------
        tp, fp, fn : arrays or tensors
            Counts. Per label (last axis) for ``"micro"``, ``"macro"`` and
            ``"weighted"``; per row for ``"samples"``. Leading axes are batch
            axes (several candidate thresholds at once).
        support : array or tensor or None
            Per-label weights for ``"weighted"`` (defaults to ``tp + fn``).
        xp : module
            ``numpy`` or ``torch``.
        zero_division : float, default=0.0
            Score of a label (or row) with no predicted and no true positive.
        sample_weight : array or tensor or None
            Row weights for ``"samples"``; ignored otherwise (already in the
            counts).

        Returns
        -------
        score : array or tensor
            Averaged over the last axis.
        """
        if self.average == "micro":
            return tversky_from_counts(
                tp.sum(axis=-1), fp.sum(axis=-1), fn.sum(axis=-1),
                self.alpha, self.beta, xp=xp, zero_division=zero_division,
            )
        per_item = tversky_from_counts(
            tp, fp, fn, self.alpha, self.beta, xp=xp, zero_division=zero_division
        )
        if self.average == "macro":
            return per_item.mean(axis=-1)
        if self.average == "weighted":
            weights = tp + fn if support is None else support
            total = weights.sum(axis=-1)
            safe = xp.where(total > 0, total, total * 0 + 1)
            # No support anywhere: scikit-learn falls back to the plain mean.
            return xp.where(total > 0, (per_item * weights).sum(axis=-1) / safe,
                            per_item.mean(axis=-1))
        # samples
        if sample_weight is None:
            return per_item.mean(axis=-1)
        return (per_item * sample_weight).sum(axis=-1) / sample_weight.sum(axis=-1)

    def value_and_count_gradients(self, tp, fp, fn, support, *, xp, zero_division=0.0):
        """The averaged metric and its derivatives in each label's ``tp`` and ``fp``.

        The derivatives hold each label's positives ``tp + fn`` fixed (a
        threshold moves rows between ``tp`` and ``fn``, or changes ``fp``),
        and are what autograd gives through :meth:`from_counts` with
        ``fn = positives - tp``. Only for the label-decomposable averages.

        Parameters
        ----------
        tp, fp, fn : arrays or tensors of shape (..., n_labels)
            Per-label counts; leading axes are batch axes.
        support : array or tensor of shape (..., n_labels)
            Per-label weights of ``"weighted"`` (constants).
        xp : module
            ``numpy`` or ``torch``.
        zero_division : float, default=0.0
            Score of a label with no predicted and no true positive.

        Returns
        -------
        value : array or tensor of shape (...)
        d_tp, d_fp : arrays or tensors shaped like ``tp``
        """
        if not self.decomposable:
            raise ValueError("count gradients exist only for label-decomposable averages.")
        if self.average == "micro":
            value, d_tp, d_fp = tversky_and_gradients(
                tp.sum(axis=-1), fp.sum(axis=-1), fn.sum(axis=-1), self.alpha, self.beta,
                xp=xp, zero_division=zero_division)
            zeros = tp * 0
            return value, zeros + d_tp[..., None], zeros + d_fp[..., None]
        per_item, d_tp, d_fp = tversky_and_gradients(
            tp, fp, fn, self.alpha, self.beta, xp=xp, zero_division=zero_division)
        n_labels = tp.shape[-1]
        if self.average == "macro":
            return per_item.mean(axis=-1), d_tp / n_labels, d_fp / n_labels
        value = self.from_counts(tp, fp, fn, support, xp=xp, zero_division=zero_division)
        total = support.sum(axis=-1)[..., None]
        safe = xp.where(total > 0, total, total * 0 + 1)
        # No support anywhere: scikit-learn falls back to the plain mean.
        scale = xp.where(total > 0, support / safe, support * 0 + 1 / n_labels)
        return value, d_tp * scale, d_fp * scale

    def score(self, y_true, y_pred, sample_weight=None, *, xp, zero_division=0.0):
        """The metric of predictions ``y_pred`` against targets ``y_true``.

        Parameters
        ----------
        y_true, y_pred : arrays or tensors of shape (n_samples, n_labels)
            Targets and predictions in [0, 1], hard or soft (JDT counts).
        sample_weight : array or tensor of shape (n_samples,) or None, default=None
            Row weights.
        xp : module
            ``numpy`` or ``torch``, matching the inputs.
        zero_division : float, default=0.0
            Score of a label (or row) with no predicted and no true positive.

        Returns
        -------
        score : float array or tensor
            The averaged metric (0-d).
        """
        sw = None if sample_weight is None else sample_weight[:, None]
        axis = 1 if self.average == "samples" else 0
        tp, fp, fn = jdt_counts(y_true, y_pred, sw, axis=axis)
        return self.from_counts(
            tp, fp, fn, xp=xp, zero_division=zero_division, sample_weight=sample_weight
        )


def get_set_metric(scoring: Any) -> SetMetric:
    """Resolve ``scoring`` (a name or a :class:`SetMetric`) to a :class:`SetMetric`.

    Names are ``"<metric>_<average>"`` with metric ``f1``, ``f<beta>`` (e.g.
    ``f2``, ``f0.5``) or ``jaccard`` and average ``micro``, ``macro``,
    ``samples`` or ``weighted``. A plain metric name (``"f1"``), as in
    scikit-learn, scores the positive class of a binary target (one label).
    Tversky objectives are given as ``SetMetric.tversky(alpha, beta, average=...)``.

    Parameters
    ----------
    scoring : str or SetMetric
        What to optimise.

    Returns
    -------
    SetMetric

    Raises
    ------
    ValueError
        For an unknown name.
    TypeError
        For anything but a string or a SetMetric.

    Examples
    --------
    >>> from skthresh import get_set_metric
    >>> get_set_metric("f2_macro")
    SetMetric(alpha=0.2, beta=0.8, average='macro', name='f2_macro')
    >>> get_set_metric("jaccard_samples") == get_set_metric("jaccard_samples")
    True
    """
    if isinstance(scoring, SetMetric):
        return scoring
    if not isinstance(scoring, str):
        raise TypeError(
            f"scoring must be a metric name such as 'f1_micro' or a SetMetric, got {scoring!r}."
        )
    match = _NAME_RE.match(scoring)
    average = None if match is None else match.group("average")
    if match is None or (average is not None and average not in AVERAGES):
        raise ValueError(
            f"Unknown scoring {scoring!r}. Use '<metric>_<average>' with metric in "
            "'f1', 'f<beta>' (e.g. 'f2', 'f0.5'), 'jaccard' and average in "
            f"{AVERAGES}, e.g. 'f1_micro'; the plain metric ('f1') for a binary "
            "target; or a SetMetric for Tversky."
        )
    kind = match.group("kind")
    if kind == "jaccard":
        metric = SetMetric.jaccard(average=average or "micro")
    elif kind == "f1":
        metric = SetMetric.fbeta(1.0, average=average or "micro")
    else:
        metric = SetMetric.fbeta(float(match.group("beta")), average=average or "micro")
    if average is None:  # binary: one label, whose micro average is its own score
        metric = SetMetric(metric.alpha, metric.beta, "micro", scoring)
    return metric


def metric_label(metric: SetMetric, *, generic: bool = False) -> str:
    """The metric's name as people read it, in axis labels and warnings.

    The one place that prints a metric's name: Jaccard by its name or its
    weights (``alpha = beta = 1``), F-beta and the per-label names by the
    registry of names, any other Tversky index by its weights.

    Parameters
    ----------
    metric : SetMetric
        The metric (its ``name`` and weights are read; not its average).
    generic : bool, default=False
        The family only, in the words of scikit-learn's warnings
        (``"F-score"``, ``"Jaccard"``, ``"Tversky index"``), rather than the
        metric itself (``"F1"``, ``"F0.5"``, ``"Jaccard"``, ``"precision"``,
        ``"Tversky (alpha=0.3, beta=0.7)"``).

    Returns
    -------
    label : str

    Examples
    --------
    >>> from skthresh._scoring import SetMetric, get_set_metric, metric_label
    >>> metric_label(get_set_metric("f0.5_macro")), metric_label(SetMetric.tversky(0.3, 0.7))
    ('F0.5', 'Tversky (alpha=0.3, beta=0.7)')
    >>> metric_label(get_set_metric("f2_micro"), generic=True)
    'F-score'
    """
    match = _NAME_RE.match(metric.name)
    kind = match.group("kind") if match is not None else metric.name
    if kind == "jaccard" or (metric.alpha == 1 and metric.beta == 1):
        return "Jaccard"
    if match is not None:  # f1, f<beta>
        return "F-score" if generic else kind.upper()
    if kind in PER_LABEL_WEIGHTS:
        return kind
    if generic:
        return "Tversky index"
    return f"Tversky (alpha={metric.alpha:g}, beta={metric.beta:g})"
