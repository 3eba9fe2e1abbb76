"""Threshold optimizers: learn one threshold per label from a score matrix.

All optimizers share :class:`BaseThresholdOptimizer`: the same validation,
the same fallback for labels without positives, the same candidate cuts
(:mod:`skthresh._cuts`) and the same prediction rule ``y_score >= threshold``.
They differ in how they pick the cuts: SGL (surrogate gradients),
coordinate (exact per-label sweeps) and fixed (one constant).
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._cuts import SortedScores, binned_problem, dense_problem, sort_scores
from ._inputs import Inputs, Where, read_inputs, read_scores
from ._policies import apply_thresholds
from ._priors import PRIORS, check_priors, reweight
from ._scoring import SetMetric, get_set_metric, refuse_binary_name
from ._split import MultilabelStratifiedKFold
from ._streaming import MetricTotals, ScoreTally
from ._sweeps import coordinate_cuts, shared_threshold_cuts
from ._validation import (
    align_columns,
    check_targets,
    check_thresholds,
    check_weights,
    resolve_device,
)
from ._warnings import format_labels, plain, warn
from .exceptions import SkthreshWarning, UndefinedThresholdWarning

# Candidate strengths of shrinkage="auto", chosen by cross-validation on the tuning rows
# (inf: every label takes the shared threshold), and the number of folds.
_SHRINKAGE_GRID = (0.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, np.inf)
_SHRINKAGE_FOLDS = 3


def shrink_toward(thresholds, shared: float, positives, strength: float) -> np.ndarray:
    """Move each label's threshold toward the shared one, the more the fewer its positives.

    ``shared + w (threshold - shared)`` with ``w = P / (P + strength)``, ``P`` the
    label's (weighted) positives in the tuning data: a label with few positives,
    whose exact threshold is fitted to a handful of rows, keeps little of it; a
    label with many keeps almost all. ``strength = 0`` changes nothing, ``inf``
    gives every label the shared threshold.
    """
    thresholds = np.asarray(thresholds, dtype=np.float64)
    if strength == 0:
        return thresholds.copy()
    positives = np.asarray(positives, dtype=np.float64)
    weight = np.zeros_like(positives) if np.isinf(strength) else positives / (positives + strength)
    return shared + weight * (thresholds - shared)


class BaseThresholdOptimizer(BaseEstimator):
    """Common machinery of the threshold optimizers.

    Subclasses implement :meth:`_learn_cuts`. Do not use directly.
    """

    _parameter_constraints: dict = {
        "scoring": [str, SetMetric],  # names are checked by get_set_metric
        "zero_division": [Interval(Real, 0, 1, closed="both")],
        "verbose": ["verbose"],
    }
    _learns = True  # learns from sorted scores: the per-sample average needs rows in memory

    def fit(self, y_score, y_true, sample_weight=None):
        """Learn one threshold per label.

        Parameters
        ----------
        y_score : array-like of shape (n_samples, n_labels) or (n_samples,)
            Scores of a trained model, of any scale. A NumPy memory map
            (``np.load(path, mmap_mode="r")``) or a Dask array is read in
            chunks, never whole (see :ref:`larger_than_memory`).
        y_true : array-like or sparse matrix, same shape as ``y_score``
            Targets: 0/1 labels, or soft targets in [0, 1].
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights; they weight the confusion counts.

        Returns
        -------
        self : object
            The fitted optimizer.
        """
        self.__dict__.pop("_partial", None)
        self._learn(self._read(y_score, y_true, sample_weight))
        return self

    def partial_fit(self, y_score, y_true, sample_weight=None):
        """Add a chunk of rows, then learn the thresholds from every chunk seen so far.

        For scores that arrive in chunks (batch by batch from a model, or read
        from files one at a time) and never fit in memory together. Each call
        adds the chunk and learns the thresholds again from every chunk given
        to ``partial_fit`` since the last :meth:`fit`.
        The first rows, up to about 2**25 scores, are kept to choose each
        label's bins: until then the fit is exactly :meth:`fit` on the rows
        seen, and each call sorts the rows kept so far. Then the bins are fixed
        from those rows, later chunks only add counts, and learning again costs
        what labels and bins cost, whatever the rows seen. Make the first rows
        representative (shuffled). Only label-decomposable metrics (micro,
        macro, weighted) can be learned this way (see :ref:`larger_than_memory`).

        :meth:`fit` starts afresh, forgetting the chunks. ``partial_fit``
        never adds to the rows of an earlier :meth:`fit`, which keeps neither
        rows nor counts: the first ``partial_fit`` after a ``fit`` starts
        afresh too, with a :class:`~skthresh.exceptions.SkthreshWarning`. To
        learn from every row, pass them all to ``partial_fit``, from the
        first chunk on.

        Parameters
        ----------
        y_score : array-like of shape (n_chunk, n_labels) or (n_chunk,)
            Scores of the chunk.
        y_true : array-like or sparse matrix, same shape as ``y_score``
            Targets of the chunk.
        sample_weight : array-like of shape (n_chunk,), default=None
            Row weights of the chunk.

        Returns
        -------
        self : object
            The optimizer, fitted to every chunk seen since the last fit.
        """
        self._learn(inputs := self._read(y_score, y_true, sample_weight, partial=True))
        self._partial = inputs  # a chunk that fails any check is not counted
        return self

    def _read(self, y_score, y_true, sample_weight, *, partial: bool = False) -> Inputs:
        """The inputs through their one way in (:func:`~skthresh._inputs.read_inputs`)."""
        return read_inputs(y_score, y_true, sample_weight, self._start, partial=partial,
                           earlier=self.__dict__.get("_partial") if partial else None,
                           owner=type(self).__name__, verbose=self.verbose)

    def _start(self, n_labels: int, where: Where, names=None):
        """Check the parameters against the inputs; the tally their rows are added to."""
        metric = self._check_params(n_labels, where, names)
        earlier = self.__dict__.get("_partial") if where == "partial_fit" else None
        if earlier is not None:
            return earlier.tally
        if where == "partial_fit" and hasattr(self, "thresholds_"):
            warn(SkthreshWarning(  # a first partial_fit after a fit, whose rows it cannot add to
                f"partial_fit after fit starts afresh: {type(self).__name__} now learns from "
                "this chunk and the later ones only, not from the rows given to fit (fit "
                "keeps no rows or counts to add to). To learn from every row, pass them all "
                "to partial_fit, from the first chunk on."))
        return self._new_tally(n_labels, metric, where)

    def _new_tally(self, n_labels: int, metric: SetMetric, where: Where):
        """An empty tally: the rows of a fit in memory, sorted exactly, or binned."""
        return ScoreTally(n_labels, self.n_bins, keep=where == "fit")

    def _learn(self, inputs: Inputs) -> None:
        """Learn the thresholds from what :meth:`_read` gave."""
        self.label_names_ = inputs.names
        self._fit_sorted(reweight(inputs.tally.sorted_scores(), self),
                         get_set_metric(self.scoring), inputs.rows)

    def _check_params(self, n_labels: int, where: Where, names=None) -> SetMetric:
        """Every check of the parameters, against the inputs' labels and form, before any work.

        ``where`` says how the rows come: in memory to ``fit`` (``"fit"``),
        read in chunks by ``fit`` (``"stream"``) or to ``partial_fit``;
        ``names`` are the label names (or None). Returns the metric.
        """
        self._validate_params()
        metric = check_priors(self, n_labels, get_set_metric(self.scoring), names)
        if n_labels > 1:
            refuse_binary_name(self.scoring, f"with {n_labels} labels")
        if where == "fit" or not self._learns:
            return metric
        if where == "partial_fit":
            source, instead = "partial_fit", "or fit on the rows in memory"
        else:
            source = "scores read in chunks (a memory map or a Dask array)"
            instead = "or load the scores into memory (np.asarray)"
        if not metric.decomposable:
            raise ValueError(
                f"The per-sample average ({metric.name or 'samples'}) needs each row's labels "
                f"together, so it cannot be learned from {source}: use a micro, macro or "
                f"weighted average, {instead}.")
        if getattr(self, "shrinkage", 0.0) == "auto":
            raise ValueError(
                f"shrinkage='auto' cross-validates on rows held in memory, so it cannot be "
                f"used with {source}: pass a number (0 keeps the learned thresholds).")
        earlier = self.__dict__.get("_partial") if where == "partial_fit" else None
        if earlier is not None and earlier.tally.n_bins != self.n_bins:
            raise ValueError(
                f"n_bins is {self.n_bins}, but the earlier chunks are counted in "
                f"{earlier.tally.n_bins} bins per label: set it back, or start afresh with fit.")
        return metric

    def _fit_sorted(self, ss: SortedScores, metric, rows) -> None:
        """Learn from sorted scores; ``rows`` (scores, targets, weights), or None when streamed."""
        self.shrinkage_ = self._shrinkage_strength(metric, rows)
        exact, shared, has_pos, tied_bottom = self._learn_thresholds(ss, metric, rows)
        thresholds = shrink_toward(exact, shared, ss.total_pos, self.shrinkage_)
        cuts = ss.cuts_from_thresholds(thresholds)
        self._warn_degenerate(has_pos, tied_bottom, cuts, ss, shared)

        self.thresholds_ = thresholds
        self.shared_threshold_ = shared
        self.n_labels_ = ss.n_labels
        if metric.decomposable:  # exact, from the counts of the cuts the thresholds realise
            tp, fp, fn = ss.counts_at_cuts(cuts)
            self.best_score_ = float(
                metric.from_counts(tp, fp, fn, xp=np, zero_division=self.zero_division))
        else:
            self.best_score_ = self._metric_of(*rows, metric)

    def _learn_thresholds(self, ss: SortedScores, metric, rows):
        """Thresholds before shrinkage, the shared threshold, and what the fallbacks did.

        The one place where learned cuts become thresholds, and where labels whose
        threshold the data cannot define fall back to the shared threshold: labels
        without positives, and labels that would predict every row only because
        their lowest scores tie (a block of equal scores at the bottom holding
        positives, such as the constant scores of a fold model that saw no positive).
        When no label has a positive, every threshold lies above every score.
        ``rows`` (scores, targets, weights) are needed for the per-sample average only.
        """
        has_pos = ss.total_pos > 0
        if has_pos.any():
            shared, shared_cuts = shared_threshold_cuts(ss, metric, self.zero_division, rows)
            learned = self._learn_cuts(ss, metric, shared_cuts, has_pos, rows)
        else:  # nothing to learn from: every label predicts nothing
            shared = float(np.nextafter(ss.top_scores().max(), np.inf))
            learned = np.full(ss.n_labels, ss.n_samples)
        tied_bottom = has_pos & (learned == 0) & (ss.total_neg > 0) & ss.lowest_tied()
        thresholds = np.where(has_pos & ~tied_bottom, ss.thresholds_from_cuts(learned), shared)
        return thresholds, shared, has_pos, tied_bottom

    def _shrinkage_strength(self, metric, rows) -> float:
        """``shrinkage`` as a number; ``"auto"`` is chosen by cross-validation on these rows.

        Each candidate strength is scored by the metric of the pooled held-out
        predictions of :data:`_SHRINKAGE_FOLDS` stratified folds (seeded, so
        the same data gives the same choice); ties go to the weakest.
        """
        if not (isinstance(self.shrinkage, str) and self.shrinkage == "auto"):
            return float(self.shrinkage)
        scores, targets, weights = rows
        n_samples, n_labels = scores.shape
        if n_labels == 1 or n_samples < 2 * _SHRINKAGE_FOLDS:
            return 0.0  # one label: its shared threshold is its own
        exact = clone(self).set_params(shrinkage=0.0, verbose=0)
        held_out = np.zeros((len(_SHRINKAGE_GRID), *scores.shape))
        folds = MultilabelStratifiedKFold(_SHRINKAGE_FOLDS, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedThresholdWarning)
            for train, test in folds.split(scores, targets):
                fold_rows = (scores[train], targets[train], weights[train])
                ss = sort_scores(*fold_rows)
                t, shared, _, _ = exact._learn_thresholds(ss, metric, fold_rows)
                for k, strength in enumerate(_SHRINKAGE_GRID):
                    held_out[k, test] = scores[test] >= shrink_toward(t, shared, ss.total_pos,
                                                                      strength)
        values = [metric.score(targets, pred, weights, xp=np, zero_division=self.zero_division)
                  for pred in held_out]
        return float(_SHRINKAGE_GRID[int(np.argmax(values))])

    def _metric_of(self, scores, targets, weights, metric) -> float:
        """``metric`` of ``scores >= thresholds_`` against ``targets`` (dense)."""
        pred = (scores >= self.thresholds_).astype(np.float64)
        return float(metric.score(targets, pred, weights, xp=np, zero_division=self.zero_division))

    def _labels_named(self, indices) -> list:
        """Labels as messages name them: column names when fitted on a DataFrame, else indices."""
        indices = np.asarray(indices, dtype=np.int64)
        names = getattr(self, "label_names_", None)
        return [plain(label) for label in (indices if names is None else names[indices])]

    def _warn_undefined(self, indices, message) -> None:
        """An :class:`UndefinedThresholdWarning` about the labels at ``indices``.

        ``message(listed)`` gives the text from the labels as listed (by name
        when the optimizer was fitted on a DataFrame, shortened past 10).
        """
        labels = self._labels_named(indices)
        warn(UndefinedThresholdWarning(message(format_labels(labels)), labels))

    def _warn_degenerate(self, has_pos, tied_bottom, cuts, ss, shared):
        """Say what was done for labels whose threshold the tuning data cannot define."""
        if not has_pos.any():
            self._warn_undefined(np.arange(ss.n_labels), lambda listed: (
                f"No label has a positive target in the tuning data: the thresholds of "
                f"label(s) {listed} cannot be learned and are set above every tuning score "
                f"({shared:.6g}), so they predict nothing."))
            return
        if not has_pos.all():
            self._warn_undefined(np.flatnonzero(~has_pos), lambda listed: (
                f"Label(s) {listed} have no positive target in the tuning data: their "
                f"threshold cannot be learned and is the best threshold shared by all labels "
                f"({shared:.6g})."))
        if tied_bottom.any():
            self._warn_undefined(np.flatnonzero(tied_bottom), lambda listed: (
                f"Label(s) {listed} would predict every tuning row only because their lowest "
                "tuning scores tie (a block of equal scores holding their positives, such as "
                "the constant scores of a fold model that saw no positive): their threshold "
                f"is the best threshold shared by all labels ({shared:.6g}) instead."))
        everything = np.flatnonzero(has_pos & (cuts == 0) & (ss.total_neg > 0))
        if everything.size:
            self._warn_undefined(everything, lambda listed: (
                f"The threshold of label(s) {listed} predicts every tuning row "
                "positive (it is set to their lowest tuning score): on the tuning data no "
                "higher threshold scores better. Consider a metric that penalises false "
                "positives more, or more data."))

    def _check_predict_scores(self, y_score) -> tuple[np.ndarray, bool]:
        check_is_fitted(self, "thresholds_")
        return read_scores(y_score, getattr(self, "label_names_", None), self.n_labels_,
                           owner=type(self).__name__)

    def predict(self, y_score, *, at_least_one=False, max_labels=None):
        """Binary predictions ``y_score >= thresholds_``.

        Parameters
        ----------
        y_score : array-like of shape (n_samples, n_labels) or (n_samples,)
            Scores on the same scale as those the thresholds were learned on.
        at_least_one : bool, default=False
            Give a row that no label passes its top label (largest
            ``score - threshold``). See :func:`skthresh.apply_thresholds`.
        max_labels : int or None, default=None
            Keep at most this many labels per row (largest margins).

        Returns
        -------
        y_pred : ndarray of int of shape (n_samples, n_labels) or (n_samples,)
            The 0/1 indicator matrix (1-D for 1-D input).
        """
        scores, was_1d = self._check_predict_scores(y_score)
        pred = apply_thresholds(scores, self.thresholds_, at_least_one=at_least_one,
                                max_labels=max_labels)
        return pred[:, 0] if was_1d else pred

    def score(self, y_score, y_true, sample_weight=None):
        """The optimizer's metric (``scoring``) of :meth:`predict` against ``y_true``.

        Parameters
        ----------
        y_score : array-like of shape (n_samples, n_labels) or (n_samples,)
            Scores.
        y_true : array-like, same shape as ``y_score``
            Hard or soft targets in [0, 1].
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights.

        Returns
        -------
        score : float
        """
        names = getattr(self, "label_names_", None)
        y_true = align_columns(y_true, names if names is not None else
                               getattr(y_score, "columns", None))
        scores, _ = self._check_predict_scores(y_score)
        targets = check_targets(y_true, scores.shape)
        weights = check_weights(sample_weight, scores.shape[0])
        return self._metric_of(scores, targets, weights, get_set_metric(self.scoring))

    def _learn_cuts(self, ss, metric, init_cuts, trainable, rows):
        raise NotImplementedError


class FixedThresholdOptimizer(BaseThresholdOptimizer):
    """One constant threshold for every label (the usual 0.5 cut).

    The baseline every learned threshold is compared with. Labels without
    positives keep the constant too (no fallback is needed).

    Parameters
    ----------
    threshold : float, default=0.5
        The cut, on the scale of the scores (use 0.0 for decision functions).
    scoring : str or SetMetric, default="f1_micro"
        Metric reported by :meth:`score` and ``best_score_``.
    zero_division : float, default=0.0
        Score of a label or row with no predicted and no true positive.
    verbose : int, default=0
        With scores read in chunks (a memory map or a Dask array), > 0 prints
        the progress of :meth:`fit`'s one pass over them (chunks read, rows per
        second), as the other optimizers' streamed fits do.
        Fits of scores in memory and :meth:`partial_fit` print nothing.

    Attributes
    ----------
    thresholds_ : ndarray of shape (n_labels,)
        ``threshold`` repeated.
    best_score_ : float
        Metric of the thresholds on the tuning data.
    n_labels_ : int
        Number of labels.
    label_names_ : ndarray of object or None
        Column names of a scores DataFrame given to ``fit`` (None otherwise);
        ``predict`` and ``score`` then pair DataFrame columns by name.

    Examples
    --------
    >>> import numpy as np
    >>> from skthresh import FixedThresholdOptimizer
    >>> scores = np.array([[0.9, 0.2], [0.4, 0.7], [0.6, 0.1]])
    >>> FixedThresholdOptimizer().fit(scores, [[1, 0], [0, 1], [1, 0]]).predict(scores)
    array([[1, 0],
           [0, 1],
           [1, 0]])
    """

    _parameter_constraints: dict = {
        **BaseThresholdOptimizer._parameter_constraints,
        "threshold": [Real],
    }
    _learns = False  # any metric, the per-sample average too, is summed over chunks

    def __init__(self, threshold=0.5, *, scoring="f1_micro", zero_division=0.0, verbose=0):
        self.threshold = threshold
        self.scoring = scoring
        self.zero_division = zero_division
        self.verbose = verbose

    def fit(self, y_score, y_true, sample_weight=None):
        """Store the constant; compute ``best_score_`` on the given data.

        Parameters
        ----------
        y_score, y_true, sample_weight
            As in :meth:`BaseThresholdOptimizer.fit`.

        Returns
        -------
        self : object
        """
        return super().fit(y_score, y_true, sample_weight)

    def partial_fit(self, y_score, y_true, sample_weight=None):
        """Add a chunk of rows; ``best_score_`` becomes the metric of every chunk seen.

        The thresholds do not depend on the data; every metric, the per-sample
        average included, is accumulated exactly over the chunks given to
        ``partial_fit`` since the last :meth:`fit`. As for the other
        optimizers, the first ``partial_fit`` after a ``fit`` starts afresh
        (the rows of ``fit`` are not counted), with a
        :class:`~skthresh.exceptions.SkthreshWarning`.

        Parameters
        ----------
        y_score, y_true, sample_weight
            One chunk, as in :meth:`fit`.

        Returns
        -------
        self : object
        """
        return super().partial_fit(y_score, y_true, sample_weight)

    def _new_tally(self, n_labels: int, metric: SetMetric, where: Where) -> MetricTotals:
        """Set the thresholds; the sums of their metric, to add the rows to."""
        self.thresholds_ = check_thresholds(self.threshold, n_labels, name="threshold")
        self.n_labels_ = n_labels
        return MetricTotals(self.thresholds_, metric, self.zero_division)

    def _learn(self, inputs: Inputs) -> None:
        """``best_score_``: of the rows in memory, else of every row the sums counted."""
        self.label_names_ = inputs.names
        if inputs.rows is None:
            self.best_score_ = inputs.tally.value()
        else:
            self.best_score_ = self._metric_of(*inputs.rows, inputs.tally.metric)


class CoordinateThresholdOptimizer(BaseThresholdOptimizer):
    """Exact per-label cuts, by coordinate ascent over labels.

    Each label's scores are sorted once; for one label, every valid cut is
    scored at once from cumulative counts (``O(n)`` after sorting), with the
    other labels' thresholds fixed. Labels are swept in turn until a full pass
    changes nothing. For ``"micro"`` and ``"samples"`` the result is a local
    optimum (no single label can improve it).

    For ``"macro"`` and ``"weighted"`` averages the labels do not interact, so
    one pass gives the exact optimum on the tuning rows (scores in memory,
    ``shrinkage=0``), except for labels whose threshold falls back to the
    shared one, each reported by an
    :class:`~skthresh.exceptions.UndefinedThresholdWarning`: a label whose
    best cut predicts every row while its lowest scores tie (it takes the
    shared threshold, and the fit then scores below the optimum), and a label
    without positives (which can lower the score only for ``"macro"`` with
    ``zero_division > 0``). Scores read in chunks are swept at their bin
    boundaries only.

    It fits the tuning data as well as any method can, which is also its
    weakness: with few positives per label the exact cut overfits, and a
    smoother learner (:class:`SGLThresholdOptimizer`) can generalise better.
    Prefer it for many rows per label, for ``"macro"``/``"weighted"``
    averages, and when you want the exact answer fast.

    Parameters
    ----------
    scoring : str or SetMetric, default="f1_micro"
        Metric to maximise.
    max_iter : int, default=100
        Maximum number of passes over the labels.
    shrinkage : float >= 0 or "auto", default=0.0
        Moves each label's threshold toward the shared one by the factor
        ``P / (P + shrinkage)``, ``P`` the label's positives in the tuning data,
        so that labels with a handful of positives keep little of a threshold
        fitted to those few rows. 0 keeps the learned thresholds. ``"auto"``
        picks the strength among 0, 2, 5, 10, 20, 50, 100 and infinity by
        3-fold cross-validation on the tuning rows (about 4 times the cost of
        one fit). It is not the default: on the medical development set
        (out-of-fold scores of a logistic regression) its choices moved test
        micro-F1 by at most 0.13 points and lowered macro and per-sample F1 by
        2 to 3 points. The strength used is ``shrinkage_``.
    n_bins : int, default=4096
        Bins per label when the scores are read in chunks (a memory map, a
        Dask array, :meth:`partial_fit`): the sweeps then consider the cuts at
        the bin boundaries and at the shared candidates only. Fits of scores
        in memory are exact and do not use it.
    target_priors : array-like of shape (n_labels,), dict or None, default=None
        Expected positive rate of each label in deployment, in (0, 1): :ref:`priors`.
    zero_division : float, default=0.0
        Score of a label or row with no predicted and no true positive.
    verbose : int, default=0
        Print the metric after each pass when > 0 (at most one line a second,
        and the last pass), to standard output.

    Attributes
    ----------
    thresholds_ : ndarray of shape (n_labels,)
        Learned thresholds; predict with ``y_score >= thresholds_``.
    best_score_ : float
        Metric of the thresholds on the tuning data.
    n_iter_ : int
        Passes run.
    shrinkage_ : float
        The shrinkage strength used (chosen when ``shrinkage="auto"``).
    shared_threshold_ : float
        Best single shared threshold (start point and fallback).
    n_labels_ : int
        Number of labels.
    label_names_ : ndarray of object or None
        Column names of a scores DataFrame given to ``fit`` (None otherwise);
        ``predict`` and ``score`` then pair DataFrame columns by name.

    Examples
    --------
    >>> import numpy as np
    >>> from skthresh import CoordinateThresholdOptimizer
    >>> scores = np.array([[0.9, 0.2], [0.4, 0.7], [0.35, 0.1], [0.1, 0.3]])
    >>> opt = CoordinateThresholdOptimizer().fit(scores, [[1, 0], [1, 1], [0, 0], [0, 1]])
    >>> opt.predict(scores)
    array([[1, 0],
           [1, 1],
           [0, 0],
           [0, 1]])
    >>> opt.best_score_
    1.0
    """

    _parameter_constraints: dict = {
        **BaseThresholdOptimizer._parameter_constraints, **PRIORS,
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shrinkage": [StrOptions({"auto"}), Interval(Real, 0, None, closed="both")],
        "n_bins": [Interval(Integral, 2, None, closed="left")],
    }

    def __init__(self, *, scoring="f1_micro", max_iter=100, shrinkage=0.0, n_bins=4096,
                 target_priors=None, zero_division=0.0, verbose=0):
        self.scoring = scoring
        self.max_iter = max_iter
        self.shrinkage = shrinkage
        self.n_bins = n_bins
        self.target_priors = target_priors
        self.zero_division = zero_division
        self.verbose = verbose

    def _learn_cuts(self, ss, metric, init_cuts, trainable, rows):
        cuts, self.n_iter_ = coordinate_cuts(
            ss, metric, init_cuts, trainable, rows, max_iter=self.max_iter,
            zero_division=self.zero_division, verbose=self.verbose)
        return cuts


class SGLThresholdOptimizer(BaseThresholdOptimizer):
    """Per-label thresholds by surrogate gradient learning (SGL-Thresh).

    The method of Pellegrini & Masquelier (ICASSP 2021): the forward pass
    applies the hard step, so the loss is the true metric of the current
    thresholds; the backward pass uses the derivative of a sigmoid of learnable
    slope ``sigma`` per label; Adam updates thresholds (and slopes) with all
    rows in one batch. Here it runs on the logit of the per-label rank of the
    scores, so it works for scores of any scale, any increasing transform of
    them gives the same thresholds, and rare labels (thresholds deep in the
    upper tail) get steps as fine as frequent ones; rows are grouped in
    ``n_bins`` rank bins per label for label-decomposable metrics (see
    :mod:`skthresh._sgl`).

    The start is chosen from the data (``init="auto"``): the best single
    threshold shared by all labels. The returned thresholds are those of the
    epoch with the best tuning metric.

    Parameters
    ----------
    scoring : str or SetMetric, default="f1_micro"
        Metric to maximise (``"f1_micro"``, ``"f1_macro"``, ``"jaccard_samples"``,
        ``SetMetric.tversky(0.3, 0.7)``, ...).
    max_iter : int, default=100
        Maximum number of epochs (full-batch Adam steps).
    learning_rate : float, default=0.03
        Adam step size on the logit-rank axis (a step of ``lr`` moves the
        threshold past about ``lr`` times the number of rows above it).
    sigma : float, default=10.0
        Initial slope of the surrogate sigmoid on the logit-rank axis.
    learn_sigma : bool, default=True
        Learn one slope per label along with the thresholds.
    init : "auto", float or array-like of shape (n_labels,), default="auto"
        Start: ``"auto"`` is the best shared threshold on the tuning data; a
        float or array gives thresholds on the scores' scale.
    n_bins : int, default=1536
        Rank bins per label for micro/macro/weighted averages. With at most
        ``n_bins`` rows the fit is exact; more bins cost time linearly. On
        synthetic AudioSet-scale scores (15,278 x 527) 1536 and 2048 bins give
        micro-F1 within 0.04 points of each other, on the fitted rows and on
        held-out draws (a past study, on the docs' Benchmarks page). Scores
        read in chunks (a memory map, a Dask array, :meth:`partial_fit`) are
        counted in these bins, chosen from a sample of the rows when there
        are more than about 2**25 scores (:ref:`larger_than_memory`).
    tol : float, default=0.0
        Minimum gain of the metric counted as an improvement.
    n_iter_no_change : int, default=30
        Stop after this many epochs without improvement.
    shrinkage : float >= 0 or "auto", default=0.0
        Moves each label's threshold toward the shared one by the factor
        ``P / (P + shrinkage)``, ``P`` the label's positives in the tuning data,
        so that labels with a handful of positives keep little of a threshold
        fitted to those few rows. 0 keeps the learned thresholds. ``"auto"``
        picks the strength among 0, 2, 5, 10, 20, 50, 100 and infinity by
        3-fold cross-validation on the tuning rows (about 4 times the cost of
        one fit). It is not the default: on the medical development set
        (out-of-fold scores of a logistic regression) its choices moved test
        micro-F1 by at most 0.13 points and lowered macro and per-sample F1 by
        2 to 3 points. The strength used is ``shrinkage_``.
    n_bootstrap : int, default=0
        0 fits once on the data. ``K > 0`` fits ``K`` models at once (one
        batch of tensors) on Poisson bootstrap replicates of the rows and keeps
        the median of their thresholds: smoother thresholds at ``K`` times the
        cost of an epoch (a past study, on the docs' Benchmarks page).
    device : "cpu", "cuda", "cuda:<index>", "auto" or torch.device, default="cpu"
        Where the epochs run, in torch: the same code on the CPU and on CUDA.
        The default, ``"cpu"``, gives the same thresholds on every machine;
        ``"auto"`` takes CUDA when it is available (CUDA computes in float32
        and its reductions may differ in the last bits). Asking for CUDA
        without it raises.
    random_state : int, RandomState instance or None, default=None
        Seeds the bootstrap draws when ``n_bootstrap > 0``. The full-batch
        algorithm itself is deterministic (on CPU; CUDA reductions may differ
        in the last bits).
    target_priors : array-like of shape (n_labels,), dict or None, default=None
        Expected positive rate of each label in deployment, in (0, 1): :ref:`priors`.
    zero_division : float, default=0.0
        Score of a label or row with no predicted and no true positive.
    verbose : int, default=0
        1 prints a summary, 2 also the metric of the epochs (at most one line
        a second, the first and the last always), to standard output.

    Attributes
    ----------
    thresholds_ : ndarray of shape (n_labels,)
        Learned thresholds (numpy, float64); predict with ``y_score >= thresholds_``.
    best_score_ : float
        Metric of ``thresholds_`` on the tuning data.
    loss_curve_ : list of float
        The true metric at each epoch.
    shrinkage_ : float
        The shrinkage strength used (chosen when ``shrinkage="auto"``).
    n_iter_ : int
        Epochs run.
    shared_threshold_ : float
        Best single shared threshold (start point and fallback).
    n_labels_ : int
        Number of labels.
    label_names_ : ndarray of object or None
        Column names of a scores DataFrame given to ``fit`` (None otherwise);
        ``predict`` and ``score`` then pair DataFrame columns by name.

    See Also
    --------
    CoordinateThresholdOptimizer : exact per-label sweeps.
    FixedThresholdOptimizer : one constant threshold.
    ThresholdOptimizedClassifier : learns thresholds for a scikit-learn estimator.

    Examples
    --------
    >>> import numpy as np
    >>> from skthresh import SGLThresholdOptimizer
    >>> rng = np.random.default_rng(0)
    >>> y = (rng.random((200, 3)) < 0.3).astype(int)
    >>> scores = 0.4 * y + 0.6 * rng.random((200, 3))
    >>> opt = SGLThresholdOptimizer(device="cpu").fit(scores, y)
    >>> opt.thresholds_.shape
    (3,)
    >>> opt.predict(scores).shape
    (200, 3)
    """

    _parameter_constraints: dict = {
        **BaseThresholdOptimizer._parameter_constraints, **PRIORS,
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "sigma": [Interval(Real, 0, None, closed="neither")],
        "learn_sigma": ["boolean"],
        "init": [StrOptions({"auto"}), Real, "array-like"],
        "n_bins": [Interval(Integral, 2, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "shrinkage": [StrOptions({"auto"}), Interval(Real, 0, None, closed="both")],
        "n_bootstrap": [Interval(Integral, 0, None, closed="left")],
        "device": "no_validation",  # checked by resolve_device
        "random_state": ["random_state"],
    }

    def __init__(self, *, scoring="f1_micro", max_iter=100, learning_rate=0.03, sigma=10.0,
                 learn_sigma=True, init="auto", n_bins=1536, tol=0.0, n_iter_no_change=30,
                 shrinkage=0.0, n_bootstrap=0, device="cpu", random_state=None,
                 target_priors=None, zero_division=0.0, verbose=0):
        self.scoring = scoring
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.sigma = sigma
        self.learn_sigma = learn_sigma
        self.init = init
        self.n_bins = n_bins
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.shrinkage = shrinkage
        self.n_bootstrap = n_bootstrap
        self.device = device
        self.random_state = random_state
        self.target_priors = target_priors
        self.zero_division = zero_division
        self.verbose = verbose

    def _check_params(self, n_labels: int, where: Where, names=None) -> SetMetric:
        """The base checks, then ``device`` and ``init``, before any work."""
        metric = super()._check_params(n_labels, where, names)
        resolve_device(self.device)
        if isinstance(self.init, str):
            return metric
        init = np.asarray(self.init, dtype=np.float64)
        if init.ndim > 1 or (init.ndim == 1 and len(init) not in (1, n_labels)):
            raise ValueError(
                f"init must be 'auto', a number or one threshold per label ({n_labels}), "
                f"got an array of shape {init.shape}.")
        if not np.isfinite(init).all():
            raise ValueError(f"init must hold finite thresholds, got {self.init!r}.")
        return metric

    def _learn_cuts(self, ss, metric, init_cuts, trainable, rows):
        from ._sgl import learn_positions  # torch is imported only when SGL runs

        device = resolve_device(self.device)
        problem = (binned_problem(ss, self.n_bins) if metric.decomposable
                   else dense_problem(*rows, ss))
        if not isinstance(self.init, str):
            init = np.broadcast_to(np.asarray(self.init, dtype=np.float64), (ss.n_labels,))
            init_cuts = ss.cuts_from_thresholds(init)
            outside = np.flatnonzero(trainable & ((init_cuts == 0) | (init_cuts == ss.n_samples)))
            if outside.size:
                warn(SkthreshWarning(
                    f"init puts the threshold of label(s) "
                    f"{format_labels(self._labels_named(outside))} outside "
                    "their tuning scores (below the lowest or above the highest): SGL moves "
                    "a threshold by about learning_rate per epoch on its rank axis, where "
                    "the scores' ends are far apart, so it may never reach them. Start "
                    "inside the scores' range, or use init='auto'."))
        positions, curve = learn_positions(
            problem, metric, problem.positions_from_cuts(init_cuts), trainable=trainable,
            max_iter=self.max_iter, learning_rate=self.learning_rate, sigma=self.sigma,
            learn_sigma=self.learn_sigma, tol=self.tol, n_iter_no_change=self.n_iter_no_change,
            seed=int(check_random_state(self.random_state).randint(2**31 - 1)), device=device,
            verbose=self.verbose, zero_division=self.zero_division, n_bootstrap=self.n_bootstrap)
        self.loss_curve_ = curve
        self.n_iter_ = len(curve)
        return problem.cuts_from_positions(positions)


OPTIMIZERS = {
    "sgl": SGLThresholdOptimizer,
    "coordinate": CoordinateThresholdOptimizer,
    "fixed": FixedThresholdOptimizer,
}
"""The one registry of optimizer names (the classifier's ``optimizer``, the CLI's ``--method``)."""
