"""ThresholdOptimizedClassifier: a meta-estimator that learns per-label thresholds."""

from __future__ import annotations

import logging
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    _fit_context,
    clone,
)
from sklearn.model_selection import (
    GroupShuffleSplit,
    StratifiedGroupKFold,
    check_cv,
)
from sklearn.utils import Bunch, indexable
from sklearn.utils._param_validation import HasMethods, Interval, RealNotInt, StrOptions
from sklearn.utils.metadata_routing import (
    MetadataRouter,
    MethodMapping,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import (
    _num_samples,
    check_is_fitted,
    column_or_1d,
    has_fit_parameter,
)

from ._folds import fit_fold, fit_inner
from ._optimizers import OPTIMIZERS, BaseThresholdOptimizer
from ._policies import apply_thresholds
from ._progress import Progress
from ._response import resolve_response_method, scores_matrix
from ._scoring import get_set_metric, is_binary_name, refuse_binary_name
from ._split import classifier_splitter, cv_kind
from ._targets import encode_target
from ._validation import (
    align_columns,
    check_weights,
)
from ._warnings import plain, warn


def _estimator_has(attr):
    def check(self):
        if hasattr(self, "estimator_"):
            return hasattr(self.estimator_, attr)
        return hasattr(self.estimator, attr)

    return check


class ThresholdOptimizedClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Classifier that learns one decision threshold per label.

    Wraps any scikit-learn classifier with ``predict_proba`` or
    ``decision_function``, fits it, and learns the per-label thresholds that
    maximise ``scoring`` on **out-of-fold** scores of the training data (never
    on scores of rows the estimator was fitted on). ``predict`` then returns
    ``scores >= thresholds_`` for each label.

    For multi-label targets (an indicator matrix) it learns one threshold per
    label; for binary targets, one threshold, and ``predict`` returns the
    original class labels, as :class:`~sklearn.model_selection.TunedThresholdClassifierCV`.

    Parameters
    ----------
    estimator : estimator object
        A classifier with ``fit`` and ``predict_proba`` or ``decision_function``.
        Its own ``predict`` is never used.
    scoring : str, SetMetric or None, default=None
        The metric the thresholds maximise, and the one :meth:`score` reports.
        Names mean what they mean in scikit-learn. Multi-label targets: an
        averaged name accepted by :func:`skthresh.get_set_metric`
        (``"f1_micro"``, ``"f1_macro"``, ``"jaccard_samples"``,
        ``"f2_micro"``...) or a :class:`SetMetric` (Tversky). Binary targets:
        the positive class's score, ``"f1"`` (scikit-learn's ``"f1"``),
        ``"jaccard"``, ``"f2"``...; averaged names are refused there, since
        scikit-learn's ``"f1_micro"`` of a binary target is the micro average
        over both classes (accuracy), which no threshold of the positive
        class targets. None keeps the scoring of an ``optimizer`` instance
        when that is not the optimizer's default, and otherwise means
        ``"f1"`` for binary targets and ``"f1_micro"`` for multi-label ones.
        A ``scoring`` that differs from an instance's own (non-default)
        scoring is refused: state the objective once.
    optimizer : {"sgl", "coordinate", "fixed"} or optimizer instance, default="sgl"
        How thresholds are learned: :class:`SGLThresholdOptimizer`,
        :class:`CoordinateThresholdOptimizer`, :class:`FixedThresholdOptimizer`,
        or an instance of one of them. Their hyperparameters are tunable as
        ``optimizer__<name>`` (with a name, setting one replaces the name by
        a default instance of that optimizer first). An instance keeps its
        settings, except that a ``random_state`` left at None takes the
        classifier's.
    cv : int, float, "prefit", cross-validation generator or iterable, default=5
        How out-of-fold scores are produced:

        * int: number of folds. Binary targets: ``StratifiedKFold``, as
          :class:`~sklearn.model_selection.TunedThresholdClassifierCV`.
          Multi-label targets: :class:`MultilabelStratifiedKFold` (iterative
          stratification, rows shuffled with ``random_state``), so that each
          fold's model sees every label and label mix: many real files are
          ordered by label, and unshuffled folds then give biased
          out-of-fold scores (a fold's model may never see the label its
          held-out rows carry);
        * float in (0, 1): one shuffled split holding out that fraction;
        * with ``groups`` passed to :meth:`fit`, an int or float ``cv``
          keeps every group on one side of each split:
          ``StratifiedGroupKFold`` (binary), :class:`MultilabelStratifiedGroupKFold`
          (multi-label: whole groups placed to stratify the labels as well
          as the groups allow, shuffled with ``random_state``),
          ``GroupShuffleSplit`` (float);
        * a splitter or an iterable of (train, test) index arrays, used as
          given (``groups`` reach its ``split``; scikit-learn's splitters
          that ignore groups warn so);
        * ``"prefit"``: ``estimator`` is already fitted and the thresholds are
          learned on the data passed to :meth:`fit`.

        The splits are drawn once and reused, so the thresholds and a
        ``refit=False`` estimator always come from the same split.

        .. warning::
            With ``cv="prefit"``, pass data the estimator was *not* trained on:
            thresholds tuned on training scores overfit.
    refit : bool, default=True
        Refit the estimator on all the data after learning the thresholds.
        ``False`` keeps the estimator fitted on the training part of a single
        split (``cv`` a float or one split) and needs such a ``cv``, or
        ``cv="prefit"``.
    response_method : {"auto", "predict_proba", "decision_function"}, default="auto"
        Scores used: ``"auto"`` tries ``predict_proba`` then ``decision_function``.
    n_jobs : int, default=None
        Folds fitted in parallel through joblib.
    random_state : int, RandomState instance or None, default=None
        Seeds the folds of an integer ``cv`` on multi-label targets, the
        shuffled split of a float ``cv``, and the optimizer (a string
        ``optimizer``, or an instance whose ``random_state`` is None).
    store_cv_results : bool, default=False
        Also learn thresholds on each fold's out-of-fold scores alone and keep
        them in ``cv_results_`` (costs one optimizer fit per fold), and keep
        the out-of-fold scores and targets for :meth:`threshold_report`
        (memory, and pickles: two float64 arrays of n_samples x n_labels,
        16 bytes per entry; 64 MB at 15,000 x 527).
    at_least_one : bool, default=False
        In :meth:`predict`, give a row that no label passes its top label
        (largest ``score - threshold``). Off by default: it changes the metric
        the thresholds were learned for.
    max_labels : int or None, default=None
        In :meth:`predict`, keep at most this many labels per row (largest
        margins). Off by default, for the same reason.
    verbose : int, default=0
        1 reports the folds and the optimizer's result; 2 adds one line per
        fold and the optimizer's own progress (SGL epochs, coordinate passes),
        for a string ``optimizer`` and an instance alike (an instance's own
        larger ``verbose`` is kept).

    Attributes
    ----------
    estimator_ : estimator
        The fitted inner estimator used by :meth:`predict`.
    optimizer_ : threshold optimizer
        The fitted optimizer.
    thresholds_ : ndarray of shape (n_labels,)
        One threshold per label (one value for binary targets), on the scale
        of the inner estimator's scores. A label is predicted when
        ``score >= threshold``.
    best_score_ : float
        The metric of ``thresholds_`` on the out-of-fold scores.
    classes_ : ndarray
        The two class labels for binary targets, ``np.arange(n_labels)`` for
        multi-label targets.
    label_names_ : ndarray of shape (n_labels,)
        Column names of a pandas DataFrame target (``classes_`` otherwise).
    thresholds_by_label_ : dict
        ``{label name: threshold}``, in label order.
    n_features_in_ : int
        Number of features seen by the inner estimator.
    feature_names_in_ : ndarray of str
        Feature names, when the inner estimator records them.
    cv_results_ : dict
        With ``store_cv_results=True``: ``"thresholds"`` (n_folds, n_labels),
        ``"thresholds_std"`` (n_labels,), ``"scores"`` (n_folds,), the metric
        of each fold's own thresholds on that fold.

    See Also
    --------
    sklearn.model_selection.TunedThresholdClassifierCV : binary-only equivalent.
    SGLThresholdOptimizer : thresholds from a precomputed score matrix.

    Notes
    -----
    Soft targets (floats in [0, 1], e.g. annotator agreement) are accepted:
    the thresholds are learned against the soft targets, and the inner
    estimator is fitted on the targets binarised at 0.5 (most estimators only
    accept hard labels).

    Examples
    --------
    >>> from sklearn.datasets import make_multilabel_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.multiclass import OneVsRestClassifier
    >>> from skthresh import ThresholdOptimizedClassifier
    >>> X, Y = make_multilabel_classification(n_samples=300, n_classes=5, random_state=0)
    >>> clf = ThresholdOptimizedClassifier(
    ...     OneVsRestClassifier(LogisticRegression()), optimizer="coordinate", cv=3
    ... ).fit(X, Y)
    >>> clf.thresholds_.shape
    (5,)
    >>> clf.predict(X[:2]).shape
    (2, 5)
    """

    _parameter_constraints: dict = {
        "estimator": [
            HasMethods(["fit", "predict_proba"]),
            HasMethods(["fit", "decision_function"]),
        ],
        "scoring": "no_validation",  # checked by get_set_metric
        "optimizer": [StrOptions(set(OPTIMIZERS)), BaseThresholdOptimizer],
        "cv": ["cv_object", StrOptions({"prefit"}), Interval(RealNotInt, 0.0, 1.0,
                                                              closed="neither")],
        "refit": ["boolean"],
        "response_method": [StrOptions({"auto", "predict_proba", "decision_function"})],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
        "store_cv_results": ["boolean"],
        "at_least_one": ["boolean"],
        "max_labels": [Interval(Integral, 1, None, closed="left"), None],
        "verbose": ["verbose"],
    }

    def __init__(self, estimator, *, scoring=None, optimizer="sgl", cv=5, refit=True,
                 response_method="auto", n_jobs=None, random_state=None,
                 store_cv_results=False, at_least_one=False, max_labels=None, verbose=0):
        self.estimator = estimator
        self.scoring = scoring
        self.optimizer = optimizer
        self.cv = cv
        self.refit = refit
        self.response_method = response_method
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.store_cv_results = store_cv_results
        self.at_least_one = at_least_one
        self.max_labels = max_labels
        self.verbose = verbose

    def set_params(self, **params):
        """Set parameters; ``optimizer__<name>`` works with a string ``optimizer`` too.

        With ``optimizer`` a name (the default ``"sgl"``), setting one of its
        hyperparameters (``optimizer__n_bins=32``, as a grid search does)
        first replaces the name by a default instance of that optimizer, which
        then takes the value.

        Parameters
        ----------
        **params : dict
            Estimator parameters, nested ones as ``<component>__<name>``.

        Returns
        -------
        self : object
        """
        optimizer = params.get("optimizer", self.optimizer)
        if isinstance(optimizer, str) and any(k.startswith("optimizer__") for k in params):
            if optimizer not in OPTIMIZERS:
                raise ValueError(f"optimizer={optimizer!r} is not one of {sorted(OPTIMIZERS)}.")
            params = {**params, "optimizer": OPTIMIZERS[optimizer]()}
        return super().set_params(**params)

    # ------------------------------------------------------------------ fit
    def _make_optimizer(self):
        """A fresh optimizer whose objective is :meth:`_objective`.

        A string ``optimizer`` is built with the classifier's ``random_state``;
        an instance is cloned and keeps its own settings, except that a
        ``random_state`` it leaves at None takes the classifier's. Either way
        the classifier's ``verbose`` (less one) reaches it when larger.
        """
        if isinstance(self.optimizer, str):
            opt = OPTIMIZERS[self.optimizer]()
        else:
            opt = clone(self.optimizer)
        params = opt.get_params(deep=False)
        if "random_state" in params and params["random_state"] is None:
            opt.set_params(random_state=self.random_state)
        opt.set_params(verbose=max(params["verbose"], self.verbose - 1))
        return opt.set_params(scoring=self._objective())

    def _instance_scoring(self):
        """The scoring an optimizer instance was given, or None (a string, or its default)."""
        if isinstance(self.optimizer, str):
            return None
        own = self.optimizer.get_params(deep=False)["scoring"]
        default = type(self.optimizer)().get_params(deep=False)["scoring"]
        return None if own == default else own

    def _objective(self):
        """The metric the thresholds maximise, made concrete for this target type.

        The classifier's ``scoring`` when set, else the scoring an optimizer
        instance was given (other than its default), else ``"f1"`` (binary
        targets) or ``"f1_micro"`` (multi-label). Two different explicit
        choices are refused rather than one silently winning.
        """
        own = self._instance_scoring()
        if self.scoring is not None and own is not None and own != self.scoring:
            raise ValueError(
                f"scoring={self.scoring!r} differs from the scoring of the optimizer instance "
                f"({type(self.optimizer).__name__}(scoring={own!r})): say it once. Leave "
                f"scoring=None to tune for the optimizer's {own!r}, or give the optimizer "
                "its default scoring to tune for the classifier's."
            )
        scoring = self.scoring if self.scoring is not None else own
        if scoring is None:
            return "f1" if self._binary else "f1_micro"
        name = "scoring" if self.scoring is not None else "the optimizer's scoring"
        if not self._binary:
            refuse_binary_name(scoring, "for a multi-label target")
        if self._binary and isinstance(scoring, str) and not is_binary_name(scoring):
            plain = scoring.rsplit("_", 1)[0]
            get_set_metric(scoring)  # an unknown name gets its own message first
            raise ValueError(
                f"{name}={scoring!r} on a binary target would not mean what it means in "
                f"scikit-learn (there, {scoring!r} averages over both classes: "
                f"'f1_micro' equals accuracy). To tune the positive class's threshold, use "
                f"scoring={plain!r}."
            )
        return scoring

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, **fit_params):
        """Fit the estimator and learn the thresholds on out-of-fold scores.

        Parameters
        ----------
        X : array-like, DataFrame or sparse matrix of shape (n_samples, n_features)
            Input passed unchanged to the inner estimator.
        y : array-like, DataFrame or sparse matrix of shape (n_samples, n_labels) or (n_samples,)
            Multi-label indicator matrix (hard or soft targets) or binary vector.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights the threshold objective (weighted confusion counts). It is
            also passed to the inner estimator's ``fit`` when that accepts it
            (or, with metadata routing enabled, when the estimator requests it).
        **fit_params : dict
            Further parameters for the inner estimator's ``fit`` (routed as
            scikit-learn's metadata routing does when it is enabled), and
            ``groups``: an array of shape (n_samples,) of group labels (a
            recording, a speaker) for the splitter. With an int or float
            ``cv`` no group then sits on both sides of a split (see ``cv``).

        Returns
        -------
        self : object
            Fitted classifier.
        """
        target = encode_target(y)
        if self.at_least_one and target.binary:
            raise ValueError(
                "at_least_one=True needs a multi-label target: with a binary target (one "
                "label) it would predict every row positive."
            )
        self._binary, self._classes = target.binary, target.classes
        self.label_names_, self._named_labels = target.label_names, target.label_names is not None
        targets, y_fit = target.targets, target.y_fit
        get_set_metric(self._objective())  # a bad scoring is refused before any fit
        X, y_fit = indexable(X, y_fit)
        if sample_weight is not None:
            sample_weight = check_weights(sample_weight, _num_samples(X))
        self._response = resolve_response_method(self.estimator, self.response_method)
        est_params, split_params = self._route_fit_params(sample_weight, fit_params)
        scores, fold_of_row = self._out_of_fold_scores(X, y_fit, targets.shape[1], est_params,
                                                       split_params)
        self._learn_thresholds(scores, targets, fold_of_row, sample_weight,
                               split_params.get("groups"))
        self._record_names()
        return self

    def _route_fit_params(self, sample_weight, fit_params):
        """Parameters for the inner estimator's ``fit`` and for the splitter's ``split``."""
        if sample_weight is not None:
            fit_params = {**fit_params, "sample_weight": sample_weight}
        if _routing_enabled():
            routed = process_routing(self, "fit", **fit_params)
            # ``routed`` is a Bunch, or scikit-learn's EmptyRequest when no metadata was
            # passed: that one answers every attribute, but `in` on it never returns.
            splitter = getattr(routed, "splitter", None)
            return dict(routed.estimator.fit), dict(splitter.split) if splitter else {}
        # Without routing, as scikit-learn's search estimators: groups go to the splitter.
        est_params = dict(fit_params)
        split_params = {"groups": est_params.pop("groups")} if "groups" in est_params else {}
        if "sample_weight" in est_params and not has_fit_parameter(self.estimator,
                                                                   "sample_weight"):
            est_params.pop("sample_weight")
            if cv_kind(self.cv) != "prefit":  # a prefit estimator is not fitted here
                warn(
                    f"{type(self.estimator).__name__}.fit does not take sample_weight: the "
                    "thresholds are learned with the weights, the estimator is fitted "
                    "without them. To weight its fit too, enable metadata routing "
                    "(sklearn.set_config(enable_metadata_routing=True)) and request the "
                    "weights on the estimator that takes them "
                    "(set_fit_request(sample_weight=True)).", UserWarning)
        return est_params, split_params

    def _out_of_fold_scores(self, X, y_fit, n_labels, est_params, split_params):
        """Fit ``estimator_``; return the scores to tune on and each row's fold.

        ``fold_of_row`` is None for ``cv="prefit"`` (every row, scored by the
        given estimator), else the fold that scored each row (-1 for rows no
        split held out, which are not tuned on).
        """
        method = self._response
        if cv_kind(self.cv) == "prefit":
            if self.refit:
                raise ValueError("When cv='prefit', refit cannot be True.")
            check_is_fitted(self.estimator, msg="When cv='prefit', the estimator must be "
                            "fitted; %(name)s is not.")
            self.estimator_ = self.estimator
            return scores_matrix(self.estimator_, X, method, n_labels, self._positive), None
        grouped = split_params.get("groups") is not None
        splitter = classifier_splitter(self.cv, y_fit, binary=self._binary, grouped=grouped,
                                       random_state=self.random_state)
        splits = list(splitter.split(X, y_fit, **split_params))
        if not self.refit and len(splits) != 1:
            raise ValueError(
                "When refit=False, cv must give a single split (a float cv, or one "
                f"(train, test) pair); got {len(splits)} splits."
            )
        progress = Progress(self.verbose)
        progress.message(f"Fitting {len(splits)} fold(s) of {type(self.estimator).__name__} "
                         f"for out-of-fold {method} scores", log_level=logging.DEBUG,
                         log_text=f"out-of-fold scores from {len(splits)} split(s), "
                                  f"response {method}")
        results = Parallel(n_jobs=self.n_jobs)(
            delayed(fit_fold)(self.estimator, X, y_fit, train, test, est_params, method,
                               n_labels, self._positive, keep_estimator=not self.refit)
            for train, test in splits
        )
        n = _num_samples(X)
        scores = np.zeros((n, n_labels), dtype=results[0][0].dtype)
        fold_of_row = np.full(n, -1)
        for k, ((train, test), (fold_scores, _)) in enumerate(zip(splits, results)):
            scores[test] = fold_scores
            fold_of_row[test] = k
            progress.message(f"[fold {k + 1}/{len(splits)}] fitted on {len(train)} rows, "
                             f"scored {len(test)} held-out rows", level=2,
                             log_level=logging.DEBUG,
                             log_text=f"fold {k + 1}/{len(splits)}: fitted on {len(train)} "
                                      f"rows, scored {len(test)}")
        if self.refit:
            self.estimator_ = fit_inner(clone(self.estimator), X, y_fit, est_params)
        else:
            self.estimator_ = results[0][1]
        return scores, fold_of_row

    def _learn_thresholds(self, scores, targets, fold_of_row, sample_weight, groups=None):
        """Fit ``optimizer_`` on the rows that have out-of-fold scores."""
        covered = slice(None) if fold_of_row is None else np.flatnonzero(fold_of_row >= 0)
        weights = None if sample_weight is None else sample_weight[covered]
        tuned = scores[covered]
        if len(tuned) > 1 and (tuned == tuned[:1]).all():
            raise ValueError(
                f"The provided estimator makes constant predictions: its {self._response} "
                "gives every row the same score (for every label), so no threshold can "
                "separate the rows (an estimator that saw only one class, or ignores X, does "
                "this). Use an estimator whose scores depend on X."
            )
        optimizer = self._make_optimizer()
        self.optimizer_ = optimizer.fit(self._named(scores[covered]), targets[covered], weights)
        self.thresholds_ = self.optimizer_.thresholds_
        self.best_score_ = self.optimizer_.best_score_
        name = get_set_metric(self._objective()).name
        Progress(self.verbose).message(
            f"Learned {len(self.thresholds_)} threshold(s) with "
            f"{type(optimizer).__name__}: out-of-fold {name} = {self.best_score_:.4f}")
        if self.store_cv_results:
            self.cv_results_ = self._per_fold_results(optimizer, scores, targets, fold_of_row,
                                                      sample_weight)
            self._tuning_rows = Bunch(  # for threshold_report
                scores=tuned, targets=targets[covered], weights=weights,
                folds=None if fold_of_row is None else fold_of_row[covered],
                groups=None if groups is None else np.asarray(groups)[covered])

    def _record_names(self):
        """Label names, ``thresholds_by_label_`` and the inner estimator's feature records."""
        names = self._classes[1:] if self._binary else (
            self.label_names_ if self.label_names_ is not None else self._classes)
        if self.label_names_ is None:
            self.label_names_ = np.asarray(names)
        self.thresholds_by_label_ = {
            plain(name): float(t)
            for name, t in zip(names, self.thresholds_)
        }
        if hasattr(self.estimator_, "n_features_in_"):
            self.n_features_in_ = self.estimator_.n_features_in_
        if hasattr(self.estimator_, "feature_names_in_"):
            self.feature_names_in_ = self.estimator_.feature_names_in_

    def _named(self, scores):
        """Scores as a DataFrame named by the target's columns, when it had names.

        The optimizer then knows the labels by name: its warnings name them.
        """
        if not self._named_labels:
            return scores
        import pandas as pd  # the target was a DataFrame: pandas is there

        return pd.DataFrame(scores, columns=self.label_names_, copy=False)

    def _per_fold_results(self, optimizer, scores, targets, fold_of_row, sample_weight):
        if fold_of_row is None:
            folds = [np.arange(len(scores))]
        else:
            folds = [np.flatnonzero(fold_of_row == k) for k in range(fold_of_row.max() + 1)]
        thresholds, fold_scores = [], []
        for rows in folds:
            w = None if sample_weight is None else np.asarray(sample_weight)[rows]
            opt = clone(optimizer).fit(self._named(scores[rows]), targets[rows], w)
            thresholds.append(opt.thresholds_)
            fold_scores.append(opt.best_score_)
        thresholds = np.array(thresholds)
        return {"thresholds": thresholds, "thresholds_std": thresholds.std(axis=0),
                "scores": np.array(fold_scores)}

    # -------------------------------------------------------------- predict
    @property
    def classes_(self):
        """Class labels (binary); for multi-label targets, the inner estimator's ``classes_``.

        Multi-label estimators describe their classes in two ways: one array of
        label indices (``OneVsRestClassifier``, MLP), or a list of one class array
        per label (random forests, ``MultiOutputClassifier``, whose
        ``predict_proba`` is a list too). This follows the inner estimator, so
        that scikit-learn tools reading ``classes_`` beside ``predict_proba``
        (``cross_val_predict``) work; ``np.arange(n_labels)`` when it has none.
        """
        check_is_fitted(self, "thresholds_")
        if self._binary:
            return self._classes
        inner = getattr(self.estimator_, "classes_", None)
        return inner if isinstance(inner, list) else self._classes

    def _scores(self, X):
        check_is_fitted(self, "thresholds_")
        return scores_matrix(self.estimator_, X, self._response, len(self.thresholds_),
                             self._positive)

    @property
    def _positive(self):
        """The positive class as the inner estimator sees it (1 for an indicator matrix)."""
        return self._classes[1] if self._binary else 1

    def predict(self, X):
        """Predict labels with the learned thresholds.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input rows.

        Returns
        -------
        y_pred : ndarray of shape (n_samples, n_labels) or (n_samples,)
            Indicator matrix (multi-label) or class labels (binary).
        """
        indicator = apply_thresholds(self._scores(X), self.thresholds_,
                                     at_least_one=self.at_least_one, max_labels=self.max_labels)
        if self._binary:
            return self._classes[indicator[:, 0]]
        return indicator

    def decision_scores(self, X):
        """Scores the thresholds apply to, as an (n_samples, n_labels) array.

        The inner estimator's ``predict_proba`` or ``decision_function``
        reduced to one column per label (the positive class).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input rows.

        Returns
        -------
        scores : ndarray of shape (n_samples, n_labels)
        """
        return self._scores(X)

    def threshold_report(self, *, level=0.9, n_resamples=100, min_positives=5, max_spread=0.3,
                         fallback="shared", random_state=None, as_frame=False):
        """Each label's threshold with a bootstrap interval, from the rows it was tuned on.

        :func:`skthresh.threshold_report` on the out-of-fold scores the
        thresholds were learned from (kept by ``store_cv_results=True``),
        refitting a clone of ``optimizer_``. Each resample keeps every fold's
        number of rows (each fold's scores come from its own model), and
        draws whole groups when ``groups`` were passed to :meth:`fit`, so rows
        of one recording never count as independent evidence.

        Parameters
        ----------
        level, n_resamples, min_positives, max_spread, fallback, random_state, as_frame
            As in :func:`skthresh.threshold_report`.

        Returns
        -------
        report : :class:`~sklearn.utils.Bunch` or pandas DataFrame
            As :func:`skthresh.threshold_report` returns, labels named as
            ``label_names_``.
        """
        check_is_fitted(self, "thresholds_")
        rows = getattr(self, "_tuning_rows", None)
        if rows is None:
            raise ValueError(
                "threshold_report needs the out-of-fold scores the thresholds were tuned on: "
                "fit with store_cv_results=True (it keeps them, 16 bytes per score).")
        from ._report import _report

        report = _report(clone(self.optimizer_).set_params(verbose=0), self._named(rows.scores),
                         rows.targets, rows.weights, rows.groups, rows.folds, level=level,
                         n_resamples=n_resamples, min_positives=min_positives,
                         max_spread=max_spread, fallback=fallback, random_state=random_state,
                         as_frame=as_frame)
        if as_frame:  # labels as label_names_ (a binary target's positive class too)
            import pandas as pd  # as_frame gave a DataFrame: pandas is there

            report.index = pd.Index(self.label_names_, name="label")
        else:
            report.label = np.asarray(self.label_names_)
        return report

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """The inner estimator's ``predict_proba`` (unchanged).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input rows.

        Returns
        -------
        proba : ndarray or list of ndarray
            As returned by ``estimator_.predict_proba``.
        """
        check_is_fitted(self, "thresholds_")
        return self.estimator_.predict_proba(X)

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """The inner estimator's ``predict_log_proba`` (unchanged).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input rows.

        Returns
        -------
        log_proba : ndarray or list of ndarray
        """
        check_is_fitted(self, "thresholds_")
        return self.estimator_.predict_log_proba(X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """The inner estimator's ``decision_function`` (unchanged).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input rows.

        Returns
        -------
        decision : ndarray
        """
        check_is_fitted(self, "thresholds_")
        return self.estimator_.decision_function(X)

    def score(self, X, y, sample_weight=None):
        """The ``scoring`` metric of :meth:`predict` on ``(X, y)``.

        For binary targets the metric is computed on the positive class
        (``classes_[1]``), as scikit-learn's ``average="binary"``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input rows.
        y : array-like of shape (n_samples, n_labels) or (n_samples,)
            True targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights.

        Returns
        -------
        score : float
        """
        scores = self._scores(X)
        if self._binary:
            y = column_or_1d(np.asarray(y))
            unseen = np.setdiff1d(np.unique(y), self._classes)
            if unseen.size:
                raise ValueError(
                    f"y holds class(es) {unseen.tolist()[:5]} that fit never saw: the "
                    f"classifier was fitted on classes {self._classes.tolist()}. Encode y as in "
                    "fit (the same labels, the same type)."
                )
            y = (y == self._classes[1]).astype(np.float64)
        else:
            y = self._align_label_columns(y)
        return self.optimizer_.score(self._named(scores), y, sample_weight)

    def _align_label_columns(self, y):
        """``y`` as an array whose columns are in fit's order (matched by name when named)."""
        y = align_columns(y, self.label_names_ if self._named_labels else None, name="y",
                          reference="the target fit saw")
        return y.toarray() if sp.issparse(y) else np.asarray(y)

    # ------------------------------------------------------------ sklearn
    def get_metadata_routing(self):
        """Metadata routing of this object (estimator's fit and splitter's split).

        Returns
        -------
        routing : MetadataRouter
        """
        router = MetadataRouter(owner=self)
        router.add(estimator=self.estimator,
                   method_mapping=MethodMapping().add(callee="fit", caller="fit"))
        kind = cv_kind(self.cv)
        if kind == "prefit":  # nothing is split
            return router
        if kind == "splitter":
            splitter = check_cv(self.cv)
        else:  # the default splitters: fit picks the group-aware one when groups come
            splitter = GroupShuffleSplit(n_splits=1) if kind == "fraction" \
                else StratifiedGroupKFold()
        router.add(splitter=splitter, method_mapping=MethodMapping().add(callee="split",
                                                                         caller="fit"))
        return router

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        from sklearn.utils import get_tags

        inner = get_tags(self.estimator)
        tags.classifier_tags.multi_class = False
        # multi-label when the inner estimator fits multi-label targets: natively
        # (forests, k-NN, MLP) or as a wrapper of one estimator per label
        # (OneVsRestClassifier, MultiOutputClassifier, ClassifierChain: multi-output
        # classifiers whose own multi_label tag is False)
        tags.classifier_tags.multi_label = inner.classifier_tags is not None and (
            inner.classifier_tags.multi_label or inner.target_tags.multi_output)
        tags.input_tags.sparse = inner.input_tags.sparse
        tags.input_tags.pairwise = inner.input_tags.pairwise
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        tags.target_tags.multi_output = tags.classifier_tags.multi_label
        return tags
