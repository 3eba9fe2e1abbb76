"""Plots of learned thresholds, following scikit-learn's Display API.

:class:`ThresholdCurveDisplay` draws, for a chosen set of labels, a label's
own metric (F1 by default) as a function of that label's threshold, with the
learned threshold marked. :class:`SGLCurveDisplay` draws the learning curve of
:class:`~skthresh.SGLThresholdOptimizer` (the true metric at each epoch).
:class:`~skthresh.ThresholdReportDisplay` (a module of its own) draws each
label's threshold with its bootstrap interval against its number of
positives, from :func:`~skthresh.threshold_report`.

As in scikit-learn, each display has ``from_estimator`` / ``from_predictions``
(or ``from_optimizer``, ``from_report``) constructors that compute what to draw and call
:meth:`plot`, which stores the matplotlib artists in attributes ending in
``_``. matplotlib is imported only inside :meth:`plot`; it is not a dependency
of skthresh.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_is_fitted

from ._scoring import (
    PER_LABEL_WEIGHTS,
    SetMetric,
    get_set_metric,
    metric_label,
    tversky_from_counts,
)
from ._validation import check_scores, check_targets, check_thresholds, check_weights

__all__ = ["SGLCurveDisplay", "ThresholdCurveDisplay"]

_MAX_LEGEND_ENTRIES = 10


def _pyplot():
    """Import matplotlib.pyplot, or explain how to get it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - matplotlib is in the test extras
        raise ImportError(
            "Plotting requires matplotlib, which is not installed. Install it with "
            "`pip install matplotlib`."
        ) from exc
    return plt


def _per_label_metric(scoring) -> tuple[float, float, str]:
    """Tversky weights and a readable name of the per-label metric ``scoring``.

    ``scoring`` is a :class:`~skthresh.SetMetric`, ``"precision"``,
    ``"recall"``, or a metric name with or without its average (``"f1"``,
    ``"f2"``, ``"jaccard"``, ``"f1_micro"``); the average is irrelevant for a
    single label and ignored.
    """
    if isinstance(scoring, str) and scoring in PER_LABEL_WEIGHTS:
        metric = SetMetric(*PER_LABEL_WEIGHTS[scoring], "macro", scoring)
    elif isinstance(scoring, str) and "_" not in scoring:
        try:
            metric = get_set_metric(f"{scoring}_macro")
        except ValueError:
            raise ValueError(
                f"Unknown scoring {scoring!r}. Use 'f1', 'f<beta>' (e.g. 'f2', 'f0.5'), "
                "'jaccard', 'precision', 'recall', a name with an average such as "
                "'f1_micro', or a SetMetric."
            ) from None
    else:
        metric = get_set_metric(scoring)
    return metric.alpha, metric.beta, metric_label(metric)


def _select_labels(labels, names: np.ndarray) -> np.ndarray:
    """Positions of ``labels`` (integers are positions, strings are names)."""
    n_labels = len(names)
    if labels is None:
        return np.arange(n_labels)
    if isinstance(labels, (str, Integral)):
        labels = [labels]
    labels = list(labels)
    if not labels:
        raise ValueError("labels is empty: select at least one label, or pass None for all.")
    str_names = [str(name) for name in names]
    positions = []
    for label in labels:
        if isinstance(label, (bool, np.bool_)):
            raise TypeError(f"labels must be integer positions or label names, got {label!r}.")
        if isinstance(label, Integral):
            if not 0 <= label < n_labels:
                raise ValueError(
                    f"Label index {label} is out of range: there are {n_labels} labels "
                    f"(indices 0 to {n_labels - 1})."
                )
            positions.append(int(label))
        elif isinstance(label, str):
            if label not in str_names:
                shown = ", ".join(repr(n) for n in str_names[:20])
                more = f", ... ({n_labels} in all)" if n_labels > 20 else ""
                raise ValueError(f"Unknown label {label!r}. The labels are: {shown}{more}.")
            positions.append(str_names.index(label))
        else:
            raise TypeError(
                f"labels must be integer positions or label names (str), got {label!r} of "
                f"type {type(label).__name__}."
            )
    return np.asarray(positions, dtype=np.int64)


def _label_metric_curve(score, target, weight, grid, alpha, beta) -> np.ndarray:
    """The Tversky index of ``score >= t`` for each ``t`` in ``grid`` (one label).

    The rows are sorted once; the counts at each threshold are suffix sums of
    the sorted (weighted) target mass, so the cost is ``O(n log n + G log n)``.
    Soft targets count by their overlap with the 0/1 prediction.
    """
    order = np.argsort(score, kind="stable")
    sorted_score = score[order]
    pos = (target * weight)[order]
    mass = weight[order]
    pos_above = np.append(np.cumsum(pos[::-1])[::-1], 0.0)
    mass_above = np.append(np.cumsum(mass[::-1])[::-1], 0.0)
    first = np.searchsorted(sorted_score, grid, side="left")  # first row with score >= t
    tp = pos_above[first]
    fp = mass_above[first] - tp
    fn = pos_above[0] - tp
    return tversky_from_counts(tp, fp, fn, alpha, beta, xp=np, zero_division=0.0)


class ThresholdCurveDisplay:
    """A label's metric as a function of its threshold, with the learned threshold marked.

    For each selected label, the curve is that label's own metric (F1 by
    default) of the predictions ``score >= t`` as ``t`` sweeps the label's
    score range; a dashed vertical line and a dot mark the learned threshold
    and its metric. Use :meth:`from_estimator` or :meth:`from_predictions` to
    build one; the constructor only stores what to draw.

    Read more in the :ref:`User Guide <visualization>`.

    Parameters
    ----------
    threshold_grid : list of ndarray
        For each selected label, the thresholds at which the metric was computed.
    metric_values : list of ndarray
        For each selected label, the metric at each threshold of ``threshold_grid``.
    label_names : list
        The name of each selected label (shown in the legend).
    thresholds : ndarray of shape (n_selected,), default=None
        The learned threshold of each selected label, or None to mark nothing.
    threshold_metric_values : ndarray of shape (n_selected,), default=None
        The metric at each learned threshold (the dots).
    metric_name : str, default="F1"
        Label of the y axis.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes with the curves.
    figure_ : matplotlib Figure
        Figure containing the curves.
    lines_ : list of matplotlib Line2D
        One curve per selected label.
    line_ : matplotlib Line2D
        The first (or only) curve, ``lines_[0]``.
    threshold_lines_ : list of matplotlib Line2D
        The vertical lines at the learned thresholds (empty without thresholds).
    threshold_markers_ : list of matplotlib Line2D
        The dots at ``(threshold, metric at threshold)`` (empty without thresholds).

    See Also
    --------
    SGLCurveDisplay : Learning curve of the SGL optimizer.
    ThresholdOptimizedClassifier : Learns the thresholds shown here.

    Notes
    -----
    The curve is the label's *own* metric. When the thresholds were learned
    for a micro- or sample-averaged objective, a label's learned threshold
    need not be the maximum of its own curve: it maximises the average over
    all labels.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skthresh import CoordinateThresholdOptimizer, ThresholdCurveDisplay
    >>> rng = np.random.default_rng(0)
    >>> y = (rng.random((200, 3)) < 0.3).astype(int)
    >>> scores = 0.4 * y + 0.6 * rng.random((200, 3))
    >>> opt = CoordinateThresholdOptimizer(scoring="f1_macro").fit(scores, y)
    >>> disp = ThresholdCurveDisplay.from_predictions(
    ...     y, scores, thresholds=opt.thresholds_, labels=[0, 2])
    >>> len(disp.lines_)
    2
    >>> bool(disp.threshold_metric_values[0] == disp.metric_values[0].max())
    True
    """

    def __init__(self, *, threshold_grid, metric_values, label_names, thresholds=None,
                 threshold_metric_values=None, metric_name="F1"):
        self.threshold_grid = threshold_grid
        self.metric_values = metric_values
        self.label_names = label_names
        self.thresholds = thresholds
        self.threshold_metric_values = threshold_metric_values
        self.metric_name = metric_name

    def plot(self, ax=None, *, legend="auto", **kwargs):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when None.
        legend : {"auto"} or bool, default="auto"
            Show a legend of the label names. ``"auto"`` shows it for at most
            10 labels.
        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.plot` for every curve.

        Returns
        -------
        display : ThresholdCurveDisplay
            Object that stores the computed values and the artists.
        """
        plt = _pyplot()
        if ax is None:
            _, ax = plt.subplots()
        self.lines_, self.threshold_lines_, self.threshold_markers_ = [], [], []
        for i, name in enumerate(self.label_names):
            (line,) = ax.plot(self.threshold_grid[i], self.metric_values[i],
                              **{"label": str(name), **kwargs})
            self.lines_.append(line)
            if self.thresholds is None:
                continue
            color = line.get_color()
            threshold = self.thresholds[i]
            self.threshold_lines_.append(
                ax.axvline(threshold, color=color, linestyle="--", linewidth=1, alpha=0.8,
                           label="_nolegend_"))
            (marker,) = ax.plot([threshold], [self.threshold_metric_values[i]], "o",
                                color=color, label="_nolegend_")
            self.threshold_markers_.append(marker)
        ax.set_xlabel("threshold (the label is predicted when score >= threshold)")
        ax.set_ylabel(self.metric_name)
        if legend is True or (legend == "auto" and len(self.lines_) <= _MAX_LEGEND_ENTRIES):
            ax.legend(title="label", loc="best")
        self.line_ = self.lines_[0]
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_estimator(cls, estimator, X, y, *, labels=None, scoring=None, sample_weight=None,
                       n_points=200, ax=None, **kwargs):
        """Plot the curves of a fitted :class:`~skthresh.ThresholdOptimizedClassifier`.

        The scores are ``estimator.decision_scores(X)``, the thresholds
        ``estimator.thresholds_`` and the names ``estimator.label_names_``.
        Pass held-out data to see how the learned thresholds generalise.

        Parameters
        ----------
        estimator : ThresholdOptimizedClassifier
            A fitted classifier (anything with ``decision_scores``,
            ``thresholds_`` and ``label_names_``).
        X : array-like of shape (n_samples, n_features)
            Input rows.
        y : array-like of shape (n_samples, n_labels) or (n_samples,)
            True targets: an indicator matrix (0/1 or soft), or class labels
            for a binary classifier.
        labels : int, str or list of them, default=None
            Labels to draw: integer positions or label names. None draws all.
        scoring : str or SetMetric, default=None
            Per-label metric. None uses the family of ``estimator.scoring``
            (F1 for ``"f1_micro"``); otherwise as in :meth:`from_predictions`.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights.
        n_points : int, default=200
            Number of thresholds per curve, evenly spaced over the label's
            score range (extended to include its learned threshold).
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when None.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : ThresholdCurveDisplay
        """
        if not hasattr(estimator, "decision_scores"):
            raise TypeError(
                f"{type(estimator).__name__} has no decision_scores method: pass a fitted "
                "ThresholdOptimizedClassifier, or use ThresholdCurveDisplay.from_predictions "
                "with your scores."
            )
        check_is_fitted(estimator, "thresholds_")
        scores = estimator.decision_scores(X)
        thresholds = np.asarray(estimator.thresholds_, dtype=np.float64)
        if np.ndim(y) == 1 and len(thresholds) == 1 and hasattr(estimator, "classes_") \
                and len(estimator.classes_) == 2:
            y = (np.asarray(y) == estimator.classes_[1]).astype(np.float64)
        if scoring is None:  # the objective the thresholds were learned for
            fitted = getattr(estimator, "optimizer_", estimator)
            scoring = getattr(fitted, "scoring", None) or "f1"
        names = getattr(estimator, "label_names_", None)
        return cls._from_arrays(y, scores, thresholds=thresholds, label_names=names,
                                labels=labels, scoring=scoring, sample_weight=sample_weight,
                                n_points=n_points, ax=ax, **kwargs)

    @classmethod
    def from_predictions(cls, y_true, y_score, *, thresholds=None, labels=None,
                         label_names=None, scoring="f1", sample_weight=None, n_points=200,
                         ax=None, **kwargs):
        """Plot the curves from targets and scores.

        Parameters
        ----------
        y_true : array-like or sparse matrix of shape (n_samples, n_labels) or (n_samples,)
            Targets: 0/1 labels or soft targets in [0, 1]. The columns of a
            pandas DataFrame are used as label names.
        y_score : array-like of shape (n_samples, n_labels) or (n_samples,)
            Scores of any scale.
        thresholds : array-like of shape (n_labels,), default=None
            Learned thresholds (e.g. an optimizer's ``thresholds_``) to mark,
            one per label; None marks nothing.
        labels : int, str or list of them, default=None
            Labels to draw: integer positions or label names. None draws all.
        label_names : array-like of shape (n_labels,), default=None
            Names of the labels; default: the DataFrame columns of ``y_true``,
            or ``0 .. n_labels - 1``.
        scoring : str or SetMetric, default="f1"
            Per-label metric: ``"f1"``, ``"f<beta>"`` (``"f2"``, ``"f0.5"``),
            ``"jaccard"``, ``"precision"``, ``"recall"``, a name with an
            average (``"f1_micro"``; the average is ignored for one label) or a
            :class:`~skthresh.SetMetric` (its Tversky weights are used).
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights.
        n_points : int, default=200
            Number of thresholds per curve, evenly spaced over the label's
            score range (extended to include its threshold).
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when None.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : ThresholdCurveDisplay
        """
        return cls._from_arrays(y_true, y_score, thresholds=thresholds, label_names=label_names,
                                labels=labels, scoring=scoring, sample_weight=sample_weight,
                                n_points=n_points, ax=ax, **kwargs)

    @classmethod
    def _from_arrays(cls, y_true, y_score, *, thresholds, label_names, labels, scoring,
                     sample_weight, n_points, ax, **kwargs):
        if not isinstance(n_points, Integral) or isinstance(n_points, bool) or n_points < 2:
            raise ValueError(f"n_points must be an integer >= 2, got {n_points!r}.")
        alpha, beta, metric_name = _per_label_metric(scoring)
        if label_names is None and hasattr(y_true, "columns"):
            label_names = np.asarray(y_true.columns, dtype=object)
        if hasattr(y_true, "to_numpy"):
            y_true = y_true.to_numpy()
        if sp.issparse(y_true):
            y_true = y_true.toarray()
        scores, _ = check_scores(y_score)
        targets = check_targets(y_true, scores.shape).astype(np.float64)
        weights = check_weights(sample_weight, scores.shape[0])
        n_labels = scores.shape[1]
        if label_names is None:
            label_names = np.arange(n_labels)
        label_names = np.asarray(label_names, dtype=object).ravel()
        if len(label_names) != n_labels:
            raise ValueError(
                f"label_names has {len(label_names)} entries, but the scores have {n_labels} "
                "label columns."
            )
        if thresholds is not None:
            thresholds = check_thresholds(thresholds, n_labels)
            if not np.isfinite(thresholds).all():
                raise ValueError("thresholds contains infinite values, which cannot be drawn.")
        selected = _select_labels(labels, label_names)

        grids, values, marks, mark_values = [], [], [], []
        for c in selected:
            score = scores[:, c].astype(np.float64)
            low, high = score.min(), score.max()
            if thresholds is not None:
                low, high = min(low, thresholds[c]), max(high, thresholds[c])
            grid = np.linspace(low, high, n_points)
            grids.append(grid)
            values.append(_label_metric_curve(score, targets[:, c], weights, grid, alpha, beta))
            if thresholds is not None:
                marks.append(thresholds[c])
                mark_values.append(_label_metric_curve(
                    score, targets[:, c], weights, thresholds[c:c + 1], alpha, beta)[0])
        display = cls(
            threshold_grid=grids,
            metric_values=values,
            label_names=list(label_names[selected]),
            thresholds=None if thresholds is None else np.asarray(marks),
            threshold_metric_values=None if thresholds is None else np.asarray(mark_values),
            metric_name=metric_name,
        )
        return display.plot(ax=ax, **kwargs)


class SGLCurveDisplay:
    """Learning curve of :class:`~skthresh.SGLThresholdOptimizer`: the metric at each epoch.

    SGL evaluates the *true* metric of the current thresholds at every epoch
    (its forward pass applies the hard step) and records it in
    ``loss_curve_``; the thresholds it returns are those of the best epoch,
    marked by a dot. Build one with :meth:`from_optimizer` or
    :meth:`from_estimator`.

    Read more in the :ref:`User Guide <visualization>`.

    Parameters
    ----------
    loss_curve : array-like of shape (n_epochs,)
        The metric at each epoch.
    metric_name : str, default="metric"
        Label of the y axis.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes with the curve.
    figure_ : matplotlib Figure
        Figure containing the curve.
    line_ : matplotlib Line2D
        The curve: epochs ``1 .. n_epochs`` against the metric.
    best_marker_ : matplotlib Line2D
        The dot at the best epoch (the first one reaching the maximum).

    See Also
    --------
    ThresholdCurveDisplay : Per-label metric against the threshold.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skthresh import SGLCurveDisplay, SGLThresholdOptimizer
    >>> rng = np.random.default_rng(0)
    >>> y = (rng.random((200, 3)) < 0.3).astype(int)
    >>> scores = 0.4 * y + 0.6 * rng.random((200, 3))
    >>> opt = SGLThresholdOptimizer(device="cpu", max_iter=20).fit(scores, y)
    >>> disp = SGLCurveDisplay.from_optimizer(opt)
    >>> len(disp.line_.get_xdata()) == opt.n_iter_
    True
    """

    def __init__(self, *, loss_curve, metric_name="metric"):
        self.loss_curve = loss_curve
        self.metric_name = metric_name

    def plot(self, ax=None, **kwargs):
        """Draw the curve.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when None.
        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.plot` for the curve.

        Returns
        -------
        display : SGLCurveDisplay
        """
        plt = _pyplot()
        if ax is None:
            _, ax = plt.subplots()
        curve = np.asarray(self.loss_curve, dtype=np.float64)
        epochs = np.arange(1, len(curve) + 1)
        (self.line_,) = ax.plot(epochs, curve, **{"label": "metric per epoch", **kwargs})
        best = int(np.argmax(curve))
        (self.best_marker_,) = ax.plot([epochs[best]], [curve[best]], "o",
                                       color=self.line_.get_color(),
                                       label=f"best epoch ({epochs[best]})")
        ax.set_xlabel("epoch")
        ax.set_ylabel(f"{self.metric_name} (tuning data)")
        ax.legend(loc="lower right")
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_optimizer(cls, optimizer, *, ax=None, **kwargs):
        """Plot the learning curve of a fitted SGL optimizer.

        Parameters
        ----------
        optimizer : SGLThresholdOptimizer
            A fitted optimizer (anything with a ``loss_curve_``).
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when None.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : SGLCurveDisplay
        """
        check_is_fitted(optimizer, "thresholds_")
        if not hasattr(optimizer, "loss_curve_"):
            raise ValueError(
                f"{type(optimizer).__name__} records no loss_curve_: only "
                "SGLThresholdOptimizer has a learning curve."
            )
        name = get_set_metric(optimizer.scoring).name or "metric"
        return cls(loss_curve=np.asarray(optimizer.loss_curve_), metric_name=name).plot(
            ax=ax, **kwargs)

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, **kwargs):
        """Plot the learning curve of a fitted classifier's SGL optimizer.

        Parameters
        ----------
        estimator : ThresholdOptimizedClassifier
            A classifier fitted with ``optimizer="sgl"``; its ``optimizer_``
            is plotted.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when None.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : SGLCurveDisplay
        """
        check_is_fitted(estimator, "optimizer_")
        return cls.from_optimizer(estimator.optimizer_, ax=ax, **kwargs)
