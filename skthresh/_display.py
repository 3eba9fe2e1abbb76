"""Plots of learned thresholds, following scikit-learn's Display API.

:class:`ThresholdCurveDisplay` draws, for a chosen set of labels, a label's
own metric (F1 by default) as a function of that label's threshold, with the
learned threshold marked. :class:`SGLCurveDisplay` draws the learning curve of
:class:`~skthresh.SGLThresholdOptimizer` (the true metric at each epoch).
:class:`ThresholdReportDisplay` draws each label's threshold with its
bootstrap interval against its number of positives, from
:func:`~skthresh.threshold_report`.

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

__all__ = ["SGLCurveDisplay", "ThresholdCurveDisplay", "ThresholdReportDisplay"]

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


# Fields a threshold report must hold to be drawn (the others are optional).
_REPORT_FIELDS = ("threshold", "low", "high", "n_positive", "untunable")
# Above this many labels the points and intervals are drawn smaller and lighter.
_DENSE_LABELS = 100


def _report_arrays(report) -> tuple[dict, dict]:
    """The per-label arrays and the numbers of a report (Bunch or DataFrame)."""
    if hasattr(report, "columns") and hasattr(report, "attrs"):  # threshold_report(as_frame=True)
        missing = [name for name in _REPORT_FIELDS if name not in report.columns]
        columns = {name: report[name].to_numpy() for name in report.columns}
        columns.setdefault("label", report.index.to_numpy())
        numbers = dict(report.attrs)
    elif hasattr(report, "keys") and hasattr(report, "__getitem__"):
        missing = [name for name in _REPORT_FIELDS if name not in report]
        columns = {name: report[name] for name in (*_REPORT_FIELDS, "label", "safe_threshold")
                   if name in report}
        numbers = {name: report[name] for name in ("level", "shared_threshold") if name in report}
    else:
        raise TypeError(
            "report must be the result of skthresh.threshold_report (a Bunch, or a DataFrame "
            f"with as_frame=True), got {type(report).__name__}."
        )
    if missing:
        raise ValueError(
            f"report is missing {', '.join(repr(name) for name in missing)}: pass the result "
            "of skthresh.threshold_report."
        )
    arrays = {name: np.asarray(value).ravel() for name, value in columns.items()}
    n_labels = arrays["threshold"].size
    if n_labels == 0:
        raise ValueError("report has no labels to draw.")
    uneven = sorted(name for name, value in arrays.items() if value.size != n_labels)
    if uneven:
        raise ValueError(
            f"report's per-label arrays differ in length: 'threshold' has {n_labels} entries, "
            f"but {', '.join(repr(name) for name in uneven)} do not."
        )
    return arrays, numbers


class ThresholdReportDisplay:
    """Each label's threshold with its bootstrap interval, against its number of positives.

    Draws a :func:`~skthresh.threshold_report`: one point per label at
    ``(n_positive, threshold)`` with a vertical bar from ``low`` to ``high``
    (the bootstrap interval), on a log x axis since label counts span orders
    of magnitude. Untunable labels (too few positives, or too wide an
    interval) are drawn as red crosses, and the threshold shared by all
    labels, their fallback, as a dashed horizontal line. Build one with
    :meth:`from_report` or :meth:`from_scores`; the constructor only stores
    what to draw.

    Read more in the :ref:`User Guide <visualization>`.

    Parameters
    ----------
    n_positive : array-like of shape (n_labels,)
        Number (weighted sum) of positives of each label: the x axis.
    threshold : array-like of shape (n_labels,)
        The threshold learned on all the rows.
    low, high : array-like of shape (n_labels,)
        Ends of each label's bootstrap interval.
    untunable : array-like of bool, shape (n_labels,)
        Whether each label is untunable.
    label_names : array-like of shape (n_labels,), default=None
        Names of the labels, used to annotate untunable ones; default
        ``0 .. n_labels - 1``.
    shared_threshold : float, default=None
        The threshold shared by all labels (dashed line); None or NaN draws
        no line.
    fallback_threshold : float, default=None
        The ``safe_threshold`` of the untunable labels when it is not the
        shared threshold (``fallback=<a number>``): a dotted line. None draws
        no line.
    level : float, default=0.9
        Coverage of the intervals, shown in the legend.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes with the plot.
    figure_ : matplotlib Figure
        Figure containing the plot.
    points_ : matplotlib Line2D
        The thresholds of the tunable labels (markers only).
    untunable_points_ : matplotlib Line2D
        The thresholds of the untunable labels, another marker and colour.
    intervals_ : matplotlib LineCollection
        The intervals of the tunable labels, one vertical segment each.
    untunable_intervals_ : matplotlib LineCollection
        The intervals of the untunable labels.
    shared_line_ : matplotlib Line2D or None
        The shared threshold, or None without one.
    fallback_line_ : matplotlib Line2D or None
        The fallback of the untunable labels, or None when it is the shared
        threshold (or there is no untunable label).
    annotations_ : list of matplotlib Annotation
        The names of at most ``max_annotations`` untunable labels, those with
        the widest intervals.
    report_ : Bunch or DataFrame
        The report drawn; set by :meth:`from_report` and :meth:`from_scores`.

    See Also
    --------
    threshold_report : Computes the intervals drawn here.
    ThresholdCurveDisplay : A label's metric against its threshold.

    Notes
    -----
    Labels whose threshold or number of positives is not finite are not
    drawn, nor is an interval with an infinite end. When some label has no
    positive, the x axis is symmetric-log (linear from 0 to 1, logarithmic
    above) so that the label appears at 0.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skthresh import CoordinateThresholdOptimizer, ThresholdReportDisplay
    >>> rng = np.random.default_rng(0)
    >>> y = (rng.random((400, 3)) < [0.3, 0.1, 0.005]).astype(int)
    >>> scores = 0.5 * y + 0.5 * rng.random((400, 3))
    >>> disp = ThresholdReportDisplay.from_scores(
    ...     CoordinateThresholdOptimizer(), scores, y, n_resamples=20, random_state=0)
    >>> len(disp.points_.get_xdata()), len(disp.untunable_points_.get_xdata())
    (2, 1)
    >>> disp.report_.untunable
    array([False, False,  True])
    """

    def __init__(self, *, n_positive, threshold, low, high, untunable, label_names=None,
                 shared_threshold=None, fallback_threshold=None, level=0.9):
        self.n_positive = n_positive
        self.threshold = threshold
        self.low = low
        self.high = high
        self.untunable = untunable
        self.label_names = label_names
        self.shared_threshold = shared_threshold
        self.fallback_threshold = fallback_threshold
        self.level = level

    def plot(self, ax=None, *, max_annotations: int = 5, legend: bool = True, **kwargs):
        """Draw the thresholds, their intervals and the shared threshold.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when None.
        max_annotations : int, default=5
            Name at most this many untunable labels (those with the widest
            intervals) next to their point; 0 names none.
        legend : bool, default=True
            Show the legend.
        **kwargs : dict
            Passed to :meth:`matplotlib.axes.Axes.plot` for the points of the
            tunable labels (e.g. ``color``, ``marker``, ``markersize``).

        Returns
        -------
        display : ThresholdReportDisplay
            Object that stores the values and the artists.
        """
        if (not isinstance(max_annotations, Integral) or isinstance(max_annotations, bool)
                or max_annotations < 0):
            raise ValueError(f"max_annotations must be an integer >= 0, got {max_annotations!r}.")
        n_positive = np.asarray(self.n_positive, dtype=np.float64).ravel()
        threshold = np.asarray(self.threshold, dtype=np.float64).ravel()
        low = np.asarray(self.low, dtype=np.float64).ravel()
        high = np.asarray(self.high, dtype=np.float64).ravel()
        untunable = np.asarray(self.untunable, dtype=bool).ravel()
        n_labels = threshold.size
        if not n_positive.size == low.size == high.size == untunable.size == n_labels:
            raise ValueError(
                "n_positive, threshold, low, high and untunable must have one entry per label, "
                f"got lengths {n_positive.size}, {n_labels}, {low.size}, {high.size} and "
                f"{untunable.size}."
            )
        names = (np.arange(n_labels) if self.label_names is None
                 else np.asarray(self.label_names, dtype=object).ravel())

        plt = _pyplot()
        from matplotlib.collections import LineCollection

        if ax is None:
            _, ax = plt.subplots()
        drawn = np.isfinite(threshold) & np.isfinite(n_positive)
        bounded = drawn & np.isfinite(low) & np.isfinite(high)
        dense = n_labels > _DENSE_LABELS
        size, width, alpha = (3.5, 0.6, 0.45) if dense else (6.0, 1.5, 0.7)
        level = f"{100 * float(self.level):g}%"

        artists = {}
        for key, rows, style in (
            ("", ~untunable, {"color": "C0", "marker": "o", "markersize": size,
                              "label": f"threshold and {level} interval"}),
            ("untunable_", untunable, {"color": "C3", "marker": "X",
                                       "markersize": size + 1.5,
                                       "label": "untunable label"}),
        ):
            shown, spans = rows & drawn, rows & bounded
            if key == "":
                style = {**style, **kwargs}
            style["label"] = f"{style['label']} ({shown.sum()} labels)"
            (points,) = ax.plot(n_positive[shown], threshold[shown], linestyle="none",
                                zorder=3, **style)
            segments = np.stack([np.column_stack([n_positive[spans], low[spans]]),
                                 np.column_stack([n_positive[spans], high[spans]])], axis=1)
            intervals = LineCollection(segments, colors=points.get_color(), linewidths=width,
                                       alpha=alpha, zorder=2, label="_nolegend_")
            ax.add_collection(intervals)
            artists[f"{key}points_"], artists[f"{key}intervals_"] = points, intervals
        self.points_, self.intervals_ = artists["points_"], artists["intervals_"]
        self.untunable_points_ = artists["untunable_points_"]
        self.untunable_intervals_ = artists["untunable_intervals_"]

        self.shared_line_ = self.fallback_line_ = None
        shared = self.shared_threshold
        if shared is not None and np.isfinite(shared):
            self.shared_line_ = ax.axhline(shared, color="0.35", linestyle="--", linewidth=1,
                                           zorder=1, label=f"shared threshold ({shared:.3g})")
        fallback = self.fallback_threshold
        if fallback is not None and np.isfinite(fallback) and untunable.any() and not (
                shared is not None and np.isclose(fallback, shared)):
            self.fallback_line_ = ax.axhline(
                fallback, color="C3", linestyle=":", linewidth=1, zorder=1,
                label=f"fallback of untunable labels ({fallback:.3g})")

        self.annotations_ = []
        candidates = np.flatnonzero(untunable & drawn)
        if max_annotations and candidates.size:
            width_of = np.where(bounded, high - low, np.inf)[candidates]
            order = np.lexsort((-n_positive[candidates], -width_of))
            for k, i in enumerate(candidates[order][:max_annotations]):
                self.annotations_.append(ax.annotate(
                    str(names[i]), (n_positive[i], threshold[i]),
                    xytext=(6, 6 if k % 2 == 0 else -12), textcoords="offset points",
                    fontsize="small", color="C3", zorder=4,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white",
                          "edgecolor": "none", "alpha": 0.8}))

        if drawn.any() and (n_positive[drawn] > 0).all():
            ax.set_xscale("log")
        else:  # a label without positives sits at 0
            ax.set_xscale("symlog", linthresh=1.0)
            ax.set_xlim(left=-0.1)
        ax.margins(x=0.06)  # room for the markers at both ends of the log axis
        ax.autoscale_view()
        ax.set_xlabel("positives in the tuning data (log scale)")
        ax.set_ylabel("threshold")
        if legend:
            ax.legend(loc="best", fontsize="small")
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_report(cls, report, *, ax=None, max_annotations: int = 5, **kwargs):
        """Plot a :func:`~skthresh.threshold_report`.

        Parameters
        ----------
        report : Bunch or pandas DataFrame
            The result of :func:`~skthresh.threshold_report`, with
            ``as_frame`` False (a Bunch) or True (a DataFrame indexed by
            label, its numbers in ``attrs``).
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when None.
        max_annotations : int, default=5
            Name at most this many untunable labels; 0 names none.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : ThresholdReportDisplay

        Raises
        ------
        TypeError
            If ``report`` is neither a Bunch (or dict) nor a DataFrame.
        ValueError
            If ``report`` lacks ``threshold``, ``low``, ``high``,
            ``n_positive`` or ``untunable``, its arrays differ in length, or
            it has no label.
        """
        arrays, numbers = _report_arrays(report)
        untunable = arrays["untunable"].astype(bool)
        fallback = None
        if "safe_threshold" in arrays and untunable.any():
            values = np.unique(arrays["safe_threshold"][untunable].astype(np.float64))
            if values.size == 1:
                fallback = float(values[0])
        shared = numbers.get("shared_threshold")
        display = cls(
            n_positive=arrays["n_positive"],
            threshold=arrays["threshold"],
            low=arrays["low"],
            high=arrays["high"],
            untunable=untunable,
            label_names=arrays.get("label"),
            shared_threshold=None if shared is None else float(shared),
            fallback_threshold=fallback,
            level=float(numbers.get("level", 0.9)),
        )
        display.report_ = report
        return display.plot(ax=ax, max_annotations=max_annotations, **kwargs)

    @classmethod
    def from_scores(cls, optimizer, y_score, y_true, *, sample_weight=None, level: float = 0.9,
                    n_resamples: int = 100, min_positives: float = 5, max_spread: float = 0.3,
                    fallback: str | float = "shared", random_state=None, ax=None,
                    max_annotations: int = 5, **kwargs):
        """Compute a :func:`~skthresh.threshold_report` and plot it.

        The report refits a clone of ``optimizer`` ``n_resamples + 1`` times;
        it is kept in ``report_``.

        Parameters
        ----------
        optimizer : estimator
            A threshold optimizer, cloned and never fitted itself.
        y_score : array-like of shape (n_samples, n_labels) or (n_samples,)
            Tuning scores. A DataFrame's columns name the labels.
        y_true : array-like or sparse matrix, same shape as ``y_score``
            Targets: 0/1 labels, or soft targets in [0, 1].
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights.
        level : float, default=0.9
            Coverage of the intervals.
        n_resamples : int, default=100
            Number of bootstrap fits.
        min_positives : float, default=5
            A label with fewer positives is untunable.
        max_spread : float, default=0.3
            A label whose spread exceeds this is untunable.
        fallback : "shared" or float, default="shared"
            The safe threshold of the untunable labels.
        random_state : int, RandomState instance or None, default=None
            Seeds the resamples; an int gives the same plot each time.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when None.
        max_annotations : int, default=5
            Name at most this many untunable labels; 0 names none.
        **kwargs : dict
            Passed to :meth:`plot`.

        Returns
        -------
        display : ThresholdReportDisplay

        See Also
        --------
        threshold_report : The parameters in full.
        """
        if (not isinstance(max_annotations, Integral) or isinstance(max_annotations, bool)
                or max_annotations < 0):  # before the fits
            raise ValueError(f"max_annotations must be an integer >= 0, got {max_annotations!r}.")
        from ._report import threshold_report

        report = threshold_report(optimizer, y_score, y_true, sample_weight=sample_weight,
                                  level=level, n_resamples=n_resamples,
                                  min_positives=min_positives, max_spread=max_spread,
                                  fallback=fallback, random_state=random_state)
        return cls.from_report(report, ax=ax, max_annotations=max_annotations, **kwargs)
