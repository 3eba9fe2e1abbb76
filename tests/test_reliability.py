"""Bad or surprising input refused clearly, or handled as scikit-learn would."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn import config_context
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GroupKFold, cross_val_predict
from sklearn.multiclass import OneVsRestClassifier

from skthresh import (
    CoordinateThresholdOptimizer,
    FixedThresholdOptimizer,
    SGLThresholdOptimizer,
    ThresholdOptimizedClassifier,
)


def _lr():
    return LogisticRegression(solver="newton-cholesky")


def _multilabel(n=150, n_classes=4):
    return make_multilabel_classification(n_samples=n, n_classes=n_classes, random_state=0)


def test_scoring_f1_on_binary_means_the_positive_class_f1():
    """Check that 'f1' and the default tune the positive class's F1, as scikit-learn."""
    X, y = make_classification(n_samples=400, weights=[0.8], random_state=0)
    clf = ThresholdOptimizedClassifier(_lr(), scoring="f1", optimizer="coordinate", cv=3)
    clf.fit(X, y)
    default = ThresholdOptimizedClassifier(_lr(), optimizer="coordinate", cv=3).fit(X, y)
    assert default.thresholds_ == pytest.approx(clf.thresholds_)
    assert clf.score(X, y) == pytest.approx(f1_score(y, clf.predict(X)))


@pytest.mark.parametrize("scoring", ["f1_micro", "f1_macro", "jaccard_weighted"])
def test_averaged_scoring_on_binary_is_refused_with_the_name_to_use(scoring):
    """Check that a name whose scikit-learn meaning differs is refused before any fit."""
    X, y = make_classification(n_samples=60, random_state=0)
    plain = scoring.rsplit("_", 1)[0]
    with pytest.raises(ValueError, match=f"use scoring='{plain}'"):
        ThresholdOptimizedClassifier(_lr(), scoring=scoring).fit(X, y)


def test_plain_scoring_on_several_labels_is_refused():
    """Check that a binary name on a multi-label target (and on a score matrix) is refused."""
    X, Y = _multilabel()
    with pytest.raises(ValueError, match="use an average: 'f1_micro'"):
        ThresholdOptimizedClassifier(_lr(), scoring="f1").fit(X, Y)
    with pytest.raises(ValueError, match="with 4 labels use an average"):
        CoordinateThresholdOptimizer(scoring="f1").fit(np.random.rand(150, 4), Y)
    one = CoordinateThresholdOptimizer(scoring="f1").fit(np.random.rand(150), Y[:, 0])
    assert one.thresholds_.shape == (1,)


def test_cross_val_predict_proba_with_a_list_valued_inner_estimator():
    """Check cross_val_predict(method='predict_proba') whatever the inner classes_ layout."""
    X, Y = _multilabel()
    clf = ThresholdOptimizedClassifier(RandomForestClassifier(n_estimators=5, random_state=0),
                                       cv=3, random_state=0)
    proba = cross_val_predict(clf, X, Y, cv=3, method="predict_proba")
    assert isinstance(proba, list) and len(proba) == Y.shape[1]
    ovr = ThresholdOptimizedClassifier(OneVsRestClassifier(_lr()), cv=3, random_state=0)
    assert cross_val_predict(ovr, X, Y, cv=3, method="predict_proba").shape == Y.shape
    np.testing.assert_array_equal(ovr.fit(X, Y).classes_, np.arange(Y.shape[1]))


def test_groups_reach_a_group_splitter_without_routing():
    """Check fit(X, Y, groups=g) with GroupKFold and metadata routing off."""
    X, Y = _multilabel(n=120)
    groups = np.repeat(np.arange(12), 10)
    seen = []

    class Recording(GroupKFold):
        def split(self, X, y=None, groups=None):
            for train, test in super().split(X, y, groups):
                seen.append(set(groups[test]))
                yield train, test

    ThresholdOptimizedClassifier(OneVsRestClassifier(_lr()), cv=Recording(3)).fit(
        X, Y, groups=groups)
    assert len(seen) == 3 and set().union(*seen) == set(range(12))
    assert all(not (a & b) for i, a in enumerate(seen) for b in seen[i + 1:])


@pytest.mark.parametrize("cv", ["prefit", 0.3])
def test_routing_with_prefit_or_float_cv_and_sample_weight(cv):
    """Check that routing on, with a cv that has no splitter to route to, fits."""
    X, Y = _multilabel()
    weights = np.linspace(0.5, 1.5, len(X))
    with config_context(enable_metadata_routing=True):
        inner = OneVsRestClassifier(_lr().set_fit_request(sample_weight=True))
        if cv == "prefit":
            inner.fit(X, Y)
        clf = ThresholdOptimizedClassifier(inner, cv=cv, refit=False)
        clf.fit(X, Y, sample_weight=weights)
    assert clf.thresholds_.shape == (Y.shape[1],)


def test_dropped_sample_weight_warns_and_says_how_to_route_it():
    """Check the warning when the inner fit cannot take the weights (routing off)."""
    X, Y = _multilabel()
    weights = np.linspace(0.5, 1.5, len(X))
    with pytest.warns(UserWarning, match="does not take sample_weight.*enable_metadata_"
                                         "routing"):
        ThresholdOptimizedClassifier(OneVsRestClassifier(_lr()), cv=3).fit(
            X, Y, sample_weight=weights)


def test_constant_predictor_is_refused():
    """Check that an estimator with the same score everywhere is refused, as scikit-learn."""
    X, y = make_classification(n_samples=80, random_state=0)
    with pytest.raises(ValueError, match="makes constant predictions"):
        ThresholdOptimizedClassifier(DummyClassifier(strategy="constant", constant=1)).fit(X, y)


def test_single_output_estimator_on_several_labels_gets_a_hint():
    """Check the hint to wrap a single-output estimator for a multi-label target."""
    X, Y = _multilabel()
    with pytest.raises(ValueError, match=r"OneVsRestClassifier\(LogisticRegression\(\.\.\.\)\)"):
        ThresholdOptimizedClassifier(_lr(), cv=3).fit(X, Y)


def test_binary_score_with_unseen_labels_is_refused():
    """Check score(X, y) with labels encoded differently from fit."""
    X, y = make_classification(n_samples=120, random_state=0)
    clf = ThresholdOptimizedClassifier(_lr(), cv=3).fit(X, np.where(y == 1, "spam", "ham"))
    with pytest.raises(ValueError, match=r"class\(es\) \[0, 1\] that fit never saw"):
        clf.score(X, y)


def test_binary_fold_with_one_class_scores_the_positive_class():
    """Check a fold whose model saw one class: its single column is not the positive score."""
    X, y = make_classification(n_samples=60, random_state=0)
    order = np.argsort(y, kind="stable")  # negatives first: a split can hold one class
    X, y = X[order], y[order]
    train = np.flatnonzero(y == 0)
    test = np.flatnonzero(y == 1)[:10]
    clf = ThresholdOptimizedClassifier(DummyClassifier(strategy="prior"),
                                       cv=[(train, test), (test, train)], optimizer="fixed",
                                       refit=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
    # the model fitted on negatives only gives the positive class probability 0, not 1
    from skthresh._response import scores_matrix

    only_negatives = DummyClassifier(strategy="prior").fit(X[train], y[train])
    assert (scores_matrix(only_negatives, X[:5], "predict_proba", 1, positive=1) == 0).all()


def test_score_pairs_dataframe_label_columns_by_name():
    """Check score(X, Y_df) with reordered columns, and renamed ones refused."""
    X, Y = _multilabel()
    Y = pd.DataFrame(Y, columns=["a", "b", "c", "d"])
    clf = ThresholdOptimizedClassifier(OneVsRestClassifier(_lr()), cv=3, random_state=0)
    clf.fit(X, Y)
    assert clf.score(X, Y[["d", "c", "b", "a"]]) == clf.score(X, Y)
    with pytest.raises(ValueError, match="columns are matched by name"):
        clf.score(X, Y.rename(columns={"a": "z"}))


@pytest.mark.parametrize("make", [SGLThresholdOptimizer, CoordinateThresholdOptimizer])
def test_optimizers_pair_dataframe_columns_by_name(make):
    """Check scores and labels DataFrames in different column orders."""
    rng = np.random.default_rng(0)
    y = (rng.random((100, 3)) < 0.3).astype(int)
    scores = pd.DataFrame(0.5 * y + rng.random(y.shape), columns=["x", "y", "z"])
    labels = pd.DataFrame(y, columns=["x", "y", "z"])
    same = make().fit(scores, labels)
    swapped = make().fit(scores, labels[["z", "x", "y"]])
    np.testing.assert_array_equal(same.thresholds_, swapped.thresholds_)
    # predictions follow fit's label order, whatever the order of the columns given
    np.testing.assert_array_equal(same.predict(scores[["y", "z", "x"]]), same.predict(scores))
    with pytest.raises(ValueError, match="columns are matched by name"):
        make().fit(scores, labels.rename(columns={"x": "w"}))


def test_fixed_threshold_is_checked_as_every_threshold():
    """Check that a NaN constant is refused, and that +inf means "never"."""
    scores, y = np.random.rand(10, 2), np.eye(10, 2)
    with pytest.raises(ValueError, match="threshold"):
        FixedThresholdOptimizer(np.nan).fit(scores, y)
    assert FixedThresholdOptimizer(np.inf).fit(scores, y).predict(scores).sum() == 0


@pytest.mark.parametrize("y", [
    np.array([["a", "b"]] * 4),
    pd.DataFrame({"x": pd.Categorical(["a", "b", "a", "b"]), "y": ["u", "v", "u", "v"]}),
])
def test_string_or_categorical_targets_name_the_argument_and_the_rule(y):
    """Check the message for targets that are not numbers."""
    with pytest.raises(ValueError, match=r"y_true must hold numbers: 0/1 labels or soft "
                                         r"targets in \[0, 1\]"):
        CoordinateThresholdOptimizer().fit(np.random.rand(4, 2), y)


def test_public_names_are_lazy_and_listed():
    """Check that every name of __all__ resolves, and importing skthresh stays light."""
    import subprocess
    import sys

    import skthresh

    assert set(skthresh.__all__) - {"__version__"} == set(skthresh._LAZY)
    for name in skthresh.__all__:
        assert getattr(skthresh, name) is not None
    assert set(skthresh.__all__) <= set(dir(skthresh))
    code = "import sys, skthresh; print(sorted(m for m in ('sklearn', 'torch', 'scipy') " \
           "if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("init", [10.0, -10.0])
def test_sgl_start_outside_the_scores_warns(init):
    """Check the warning for an init outside every score, where SGL may not reach them."""
    from skthresh.exceptions import SkthreshWarning

    rng = np.random.default_rng(0)
    y = (rng.random((300, 3)) < 0.2).astype(int)
    scores = 0.4 * y + 0.6 * rng.random(y.shape)
    with pytest.warns(SkthreshWarning, match=r"init puts the threshold of label\(s\) \[0, 1, 2\]"
                                             " outside their tuning scores"):
        SGLThresholdOptimizer(init=init, max_iter=5).fit(scores, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        SGLThresholdOptimizer(init=0.5, max_iter=5).fit(scores, y)


@pytest.mark.parametrize("make", [
    lambda: CoordinateThresholdOptimizer(),
    lambda: SGLThresholdOptimizer(max_iter=20),
    lambda: FixedThresholdOptimizer(0.5),
], ids=["coordinate", "sgl", "fixed"])
def test_scalar_sample_weight_fits_and_scores_as_unweighted(make):
    """Check that sample_weight=2.0 (a weight for every row, as in scikit-learn) is accepted."""
    rng = np.random.default_rng(0)
    y = (rng.random((80, 3)) < 0.3).astype(int)
    scores = 0.4 * y + 0.6 * rng.random(y.shape)
    plain = make().fit(scores, y)
    weighted = make().fit(scores, y, sample_weight=2.0)
    np.testing.assert_allclose(weighted.thresholds_, plain.thresholds_)
    assert weighted.score(scores, y, sample_weight=2.0) == pytest.approx(plain.score(scores, y))
    with pytest.raises(ValueError, match=r"sample_weight, a single number, .* must be a finite "
                                         r"number >= 0, got -1\.0"):
        make().fit(scores, y, sample_weight=-1.0)
    with pytest.raises(ValueError, match="sample_weight must hold numbers: non-negative row "
                                         "weights, got strings"):
        plain.score(scores, y, sample_weight=["a"] * len(y))


def test_string_scores_name_the_argument():
    """Check that string scores are refused by the optimizers naming y_score."""
    with pytest.raises(ValueError, match=r"y_score must hold numbers: real-valued scores"):
        CoordinateThresholdOptimizer().fit(np.array([["0.1", "x"]] * 4), np.eye(4, 2))


def test_mismatched_label_names_are_listed_briefly():
    """Check that a mismatch of many label names gives a count and the first names."""
    scores = pd.DataFrame(np.random.rand(20, 300), columns=[f"s{i}" for i in range(300)])
    targets = pd.DataFrame(np.zeros((20, 300)), columns=[f"t{i}" for i in range(300)])
    shortened = r"\['t0', .*\] \(300 in all\): columns are matched"
    with pytest.raises(ValueError, match=shortened) as info:
        CoordinateThresholdOptimizer().fit(scores, targets)
    assert len(str(info.value)) < 500
