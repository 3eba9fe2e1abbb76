"""The report display: each label's threshold and bootstrap interval against its positives.

Follows scikit-learn's Display API like :mod:`skthresh._display`: the
constructors compute what to draw and call :meth:`ThresholdReportDisplay.plot`,
which stores the matplotlib artists in attributes ending in ``_``; matplotlib
is imported only there.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np

from ._display import _pyplot

__all__ = ["ThresholdReportDisplay"]


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
