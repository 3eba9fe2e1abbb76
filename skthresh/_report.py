"""How sure a learned threshold is: bootstrap intervals and untunable labels."""

from __future__ import annotations

import warnings
from numbers import Integral, Real
from statistics import NormalDist

import numpy as np
from sklearn.base import clone
from sklearn.utils import Bunch, check_random_state

from ._validation import align_columns, check_scores, check_targets, check_weights
from .exceptions import UndefinedThresholdWarning

# The per-label arrays of a report, in the order of its DataFrame's columns.
_COLUMNS = ("threshold", "low", "high", "n_positive", "spread", "untunable", "safe_threshold")


def threshold_report(optimizer, y_score, y_true, *, sample_weight=None, groups=None,
                     level: float = 0.9, n_resamples: int = 100, min_positives: float = 5,
                     max_spread: float = 0.3, fallback: str | float = "shared",
                     random_state=None, as_frame: bool = False):
    """Each label's learned threshold with a bootstrap interval, and whether to trust it.

    Fits a clone of ``optimizer`` on all rows (the ``threshold``), then on
    ``n_resamples`` bootstrap resamples of the rows (drawn with replacement,
    each with its weight), and reports the percentile interval of each
    label's resampled thresholds. The same rows and the same ``random_state``
    give the same report. The rows are held in memory to be resampled (a
    memory map or a Dask array is read whole): the scores and the targets as
    arrays, plus one resample of them at a time.

    Parameters
    ----------
    optimizer : estimator
        A threshold optimizer (:class:`SGLThresholdOptimizer`,
        :class:`CoordinateThresholdOptimizer`, :class:`FixedThresholdOptimizer`),
        or any object with ``fit(y_score, y_true, sample_weight)`` that sets
        ``thresholds_``. It is cloned, never fitted itself.
    y_score : array-like of shape (n_samples, n_labels) or (n_samples,)
        Tuning scores, of any scale. A DataFrame's columns name the labels.
    y_true : array-like or sparse matrix, same shape as ``y_score``
        Targets: 0/1 labels, or soft targets in [0, 1].
    sample_weight : array-like of shape (n_samples,), default=None
        Row weights; a resampled row keeps its weight.
    groups : array-like of shape (n_samples,), default=None
        Group of each row (a recording, a speaker). Rows of one group are
        not independent, so a resample draws whole groups with replacement
        (as many groups as there are), never single rows: the interval then
        does not understate the variability.
    level : float, default=0.9
        Coverage of the interval, in (0, 1): ``low`` and ``high`` are the
        ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles of the
        resampled thresholds.
    n_resamples : int, default=100
        Number of bootstrap fits (2 or more). The report costs
        ``n_resamples + 1`` fits.
    min_positives : float, default=5
        A label with fewer (weighted) positives than this is untunable.
    max_spread : float, default=0.3
        A label whose ``spread`` exceeds this is untunable.
    fallback : "shared" or float, default="shared"
        The ``safe_threshold`` of untunable labels: the optimizer's best
        threshold shared by all labels (``shared_threshold_``), or this
        number (0.5 for probabilities: the inner model's own decision).
    random_state : int, RandomState instance or None, default=None
        Seeds the resamples, and the fits of an optimizer whose own
        ``random_state`` is None.
    as_frame : bool, default=False
        Return a pandas DataFrame (needs pandas) instead of a Bunch.

    Returns
    -------
    report : :class:`~sklearn.utils.Bunch` or pandas DataFrame
        Arrays of shape (n_labels,): ``label`` (the DataFrame's column names,
        else 0 to n_labels - 1), ``threshold``, ``low``, ``high``,
        ``n_positive`` (weighted sum of the targets), ``spread`` (inf
        without positives) and ``untunable`` (see Notes), ``safe_threshold`` (``threshold``, with
        the fallback for untunable labels); ``bootstrap``, the resampled
        thresholds, of shape (n_resamples, n_labels); and the numbers
        ``level``, ``n_resamples`` and ``shared_threshold`` (NaN when the
        optimizer has none). With ``as_frame=True``: a DataFrame indexed by
        ``label`` with the per-label columns, the numbers in its ``attrs``.

    Raises
    ------
    ValueError
        If ``level`` is not in (0, 1), ``n_resamples`` is not an integer
        >= 2, ``min_positives`` or ``max_spread`` is negative or not a number,
        ``fallback`` is neither "shared" nor a finite number, or
        ``fallback="shared"`` is needed but the fitted optimizer has no
        ``shared_threshold_``.
    TypeError
        If ``optimizer`` has no ``fit`` method, or sets no ``thresholds_``.
    ImportError
        If ``as_frame=True`` and pandas is not installed.

    Notes
    -----
    A label is **untunable** when it has fewer than ``min_positives``
    positives, or when its ``spread`` exceeds ``max_spread``. ``spread``
    measures the interval on the scale of the decision, so it does not
    depend on the scores' scale (probabilities, logits): it is the weight of
    the rows whose score lies in ``[low, high)`` (the rows whose prediction
    the interval leaves open), relative to the label's positives, divided by
    ``2 z`` (``z`` the normal quantile of ``(1 + level) / 2``) to read as one
    standard deviation of the predicted-positive count relative to the
    positives, whatever the ``level``.

    The defaults come from one measured figure: the spread of the predicted
    positive rate relative to the prior is 0.33 for labels with 1 to 4
    tuning positives and 0.12 to 0.20 for labels with 5 to 99. So labels
    below 5 positives are untunable, and so is a label with more positives
    whose threshold is as unstable as theirs (``spread > 0.3``); at
    ``level=0.9`` that is an interval holding about as many rows as the
    label has positives.

    Warnings of the full fit reach the caller; the
    :class:`~skthresh.exceptions.UndefinedThresholdWarning` of the resample
    fits (a resample without positives for a rare label) are silenced.

    Examples
    --------
    >>> import numpy as np
    >>> from skthresh import CoordinateThresholdOptimizer, threshold_report
    >>> rng = np.random.default_rng(0)
    >>> y = (rng.random((400, 2)) < [0.3, 0.005]).astype(int)
    >>> scores = 0.5 * y + 0.5 * rng.random((400, 2))
    >>> report = threshold_report(CoordinateThresholdOptimizer(), scores, y,
    ...                           n_resamples=20, random_state=0)
    >>> report.n_positive
    array([111.,   3.])
    >>> report.untunable
    array([False,  True])
    """
    return _report(optimizer, y_score, y_true, sample_weight, groups, None, level=level,
                   n_resamples=n_resamples, min_positives=min_positives,
                   max_spread=max_spread, fallback=fallback, random_state=random_state,
                   as_frame=as_frame)


def _report(optimizer, y_score, y_true, sample_weight, groups, strata, *, level, n_resamples,
            min_positives, max_spread, fallback, random_state, as_frame):
    """:func:`threshold_report`, with resamples drawn within ``strata`` when given.

    ``strata`` (one label per row, e.g. the fold that scored it) keeps each
    stratum's size in every resample: a classifier's out-of-fold scores come
    from one model per fold, and a resample keeps each fold's share.
    """
    _check_params(optimizer, level, n_resamples, min_positives, max_spread, fallback)
    rng = check_random_state(random_state)
    seeded = _seeded(optimizer)

    full = _clone(optimizer, seeded, rng).fit(y_score, y_true, sample_weight)
    if not hasattr(full, "thresholds_"):
        raise TypeError(f"optimizer must set thresholds_ when fitted; "
                        f"{type(optimizer).__name__} does not.")
    threshold = np.asarray(full.thresholds_, dtype=np.float64).ravel()

    names = getattr(y_score, "columns", None)
    scores, _ = check_scores(y_score)
    targets = check_targets(align_columns(y_true, names), scores.shape)
    weights = check_weights(sample_weight, scores.shape[0])
    n_samples = scores.shape[0]
    draw = _resampler(n_samples, groups, strata)

    bootstrap = np.empty((n_resamples, threshold.size))
    quiet = clone(optimizer, safe=False)
    if "verbose" in _params(quiet):
        quiet.set_params(verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedThresholdWarning)
        for k in range(n_resamples):
            rows = draw(rng)
            resampled = scores[rows] if names is None else _frame(scores[rows], names)
            fitted = _clone(quiet, seeded, rng).fit(resampled, targets[rows], weights[rows])
            bootstrap[k] = np.asarray(fitted.thresholds_, dtype=np.float64).ravel()
    # No n_jobs: with SGLThresholdOptimizer() at 15,278 x 527 on the 2-core machine,
    # 8 resample fits on joblib's 2 workers ran at 0.32-0.36x this loop's speed with
    # workers to start, 0.78-0.93x with workers started (threads: 0.30x, 0.58x):
    # torch already uses both cores. It would be kept at 1.3x or more
    # (python -m benchmarks.report --skip-coverage --n-jobs-check).

    low, high = np.quantile(bootstrap, [(1 - level) / 2, (1 + level) / 2], axis=0)
    n_positive = weights @ targets.astype(np.float64)
    open_rows = weights @ ((scores >= low) & (scores < high)).astype(np.float64)
    z = NormalDist().inv_cdf((1 + level) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.where(n_positive > 0, open_rows / n_positive / (2 * z), np.inf)
    untunable = (n_positive < min_positives) | (spread > max_spread)

    shared = float(getattr(full, "shared_threshold_", np.nan))
    if np.isnan(shared) and np.ptp(threshold) == 0:  # one threshold for all (fixed)
        shared = float(threshold[0])
    safe = threshold.copy()
    if untunable.any():
        if isinstance(fallback, str) and np.isnan(shared):
            raise ValueError(
                f"fallback='shared' needs the optimizer's shared_threshold_, which "
                f"{type(optimizer).__name__} does not set: pass fallback=<a number>.")
        safe[untunable] = shared if isinstance(fallback, str) else float(fallback)

    report = Bunch(
        label=np.arange(threshold.size) if names is None else np.asarray(names, dtype=object),
        threshold=threshold, low=low, high=high, n_positive=n_positive, spread=spread,
        untunable=untunable, safe_threshold=safe, bootstrap=bootstrap,
        level=float(level), n_resamples=int(n_resamples), shared_threshold=shared,
    )
    return _as_frame(report) if as_frame else report


def _frame(scores: np.ndarray, names):
    """Resampled scores named as the caller's DataFrame (priors given by name need them)."""
    import pandas as pd  # the scores came as a DataFrame: pandas is there

    return pd.DataFrame(scores, columns=names, copy=False)


def _resampler(n_samples: int, groups, strata):
    """A function ``rng -> rows`` that draws one bootstrap resample of the rows.

    Units (the groups, else the rows) are drawn with replacement, within each
    stratum as many as it holds; a drawn group brings all its rows. Without
    groups and strata this is ``rng.randint(n_samples, size=n_samples)``.
    """
    if groups is None and strata is None:
        return lambda rng: rng.randint(n_samples, size=n_samples)
    if groups is None:
        unit = np.arange(n_samples)
    else:
        groups = np.asarray(groups)
        if groups.shape != (n_samples,):
            raise ValueError(f"groups must hold one value per row: got shape {groups.shape} "
                             f"for {n_samples} rows.")
        unit = np.unique(groups, return_inverse=True)[1].ravel()
    order = np.argsort(unit, kind="stable")  # rows grouped by unit
    counts = np.bincount(unit)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    first_row = order[starts]  # a unit's stratum is that of its first row
    unit_stratum = np.zeros(len(counts), dtype=np.intp) if strata is None \
        else np.asarray(strata)[first_row]
    pools = [np.flatnonzero(unit_stratum == s) for s in np.unique(unit_stratum)]

    def draw(rng: np.random.RandomState) -> np.ndarray:
        chosen = np.concatenate([pool[rng.randint(len(pool), size=len(pool))]
                                 for pool in pools])
        lengths = counts[chosen]
        offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        return order[np.repeat(starts[chosen], lengths) + offsets]

    return draw


def _check_params(optimizer, level, n_resamples, min_positives, max_spread, fallback) -> None:
    """Refuse bad arguments before any fit."""
    if not callable(getattr(optimizer, "fit", None)):
        raise TypeError(
            "optimizer must be a threshold optimizer (such as SGLThresholdOptimizer()) or an "
            f"object with fit(y_score, y_true, sample_weight), got {optimizer!r}.")
    if (not isinstance(level, Real) or isinstance(level, bool)
            or not 0 < level < 1):
        raise ValueError(f"level must be a number in (0, 1), got {level!r}.")
    if (not isinstance(n_resamples, Integral) or isinstance(n_resamples, bool)
            or n_resamples < 2):
        raise ValueError(f"n_resamples must be an integer >= 2, got {n_resamples!r}.")
    for name, value in (("min_positives", min_positives), ("max_spread", max_spread)):
        if not isinstance(value, Real) or isinstance(value, bool) or not value >= 0:
            raise ValueError(f"{name} must be a number >= 0, got {value!r}.")
    if isinstance(fallback, str):
        if fallback != "shared":
            raise ValueError(f"fallback must be 'shared' or a number, got {fallback!r}.")
    elif (not isinstance(fallback, Real) or isinstance(fallback, bool)
          or not np.isfinite(fallback)):
        raise ValueError(f"fallback must be 'shared' or a finite number, got {fallback!r}.")


def _params(estimator) -> dict:
    """``estimator.get_params()``, or nothing for an object without it."""
    get_params = getattr(estimator, "get_params", None)
    return get_params(deep=False) if callable(get_params) else {}


def _seeded(optimizer) -> bool:
    """Whether each fit needs a seed from the report (``random_state=None``)."""
    params = _params(optimizer)
    return "random_state" in params and params["random_state"] is None


def _clone(optimizer, seeded: bool, rng: np.random.RandomState):
    """An unfitted copy; seeded from ``rng`` when its own ``random_state`` is None."""
    copy = clone(optimizer, safe=False)
    if seeded:
        copy.set_params(random_state=int(rng.randint(2**31 - 1)))
    return copy


def _as_frame(report: Bunch):
    """The report as a DataFrame indexed by label, its numbers in ``attrs``."""
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError("threshold_report(as_frame=True) needs pandas: "
                          "pip install pandas, or use as_frame=False.") from exc
    frame = pd.DataFrame({column: report[column] for column in _COLUMNS},
                         index=pd.Index(report.label, name="label"))
    frame.attrs.update(level=report.level, n_resamples=report.n_resamples,
                       shared_threshold=report.shared_threshold)
    return frame
