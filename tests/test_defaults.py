"""Defaults that hold on real data: stratified shuffled folds, and labels without positives."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.multiclass import OneVsRestClassifier
from sklearn.neighbors import KNeighborsClassifier

from skthresh import (
    CoordinateThresholdOptimizer,
    FixedThresholdOptimizer,
    MultilabelStratifiedKFold,
    SetMetric,
    SGLThresholdOptimizer,
    ThresholdOptimizedClassifier,
)
from skthresh.exceptions import UndefinedThresholdWarning

OPTIMIZERS = [SGLThresholdOptimizer, CoordinateThresholdOptimizer]
SCORINGS = ["f1_micro", "f1_macro", "f1_weighted", "f1_samples"]


def _sorted_by_label(n=240, n_labels=4, seed=0):
    """A target ordered by label, as many real files are: label k's rows come k-th."""
    rng = np.random.default_rng(seed)
    Y = np.zeros((n, n_labels), dtype=int)
    block = n // n_labels
    for k in range(n_labels):
        Y[k * block:(k + 1) * block, k] = 1
    Y[rng.random(Y.shape) < 0.05] = 1
    X = Y * 2.0 + rng.normal(size=Y.shape)
    return X, Y


def test_stratified_folds_keep_every_label_in_every_fold():
    """Check that each fold holds about 1/k of each label's positives, rare labels too."""
    X, Y = _sorted_by_label()
    Y[:, 3] = 0
    Y[[5, 77, 150, 201, 222], 3] = 1  # a rare label: 5 positives
    folds = list(MultilabelStratifiedKFold(5, random_state=0).split(X, Y))
    test_counts = np.array([Y[test].sum(axis=0) for _, test in folds])
    assert (test_counts[:, 3] == 1).all()
    expected = Y.sum(axis=0) / 5
    assert np.abs(test_counts - expected).max() <= 1
    sizes = [len(test) for _, test in folds]
    assert max(sizes) - min(sizes) <= 1
    assert sorted(np.concatenate([test for _, test in folds]).tolist()) == list(range(len(Y)))
    for train, test in folds:
        assert not set(train) & set(test)


def test_stratified_folds_are_seeded_and_shuffled():
    """Check that random_state fixes the folds and that the rows are shuffled."""
    X, Y = _sorted_by_label()
    a = [t.tolist() for _, t in MultilabelStratifiedKFold(4, random_state=1).split(X, Y)]
    b = [t.tolist() for _, t in MultilabelStratifiedKFold(4, random_state=1).split(X, Y)]
    c = [t.tolist() for _, t in MultilabelStratifiedKFold(4, random_state=2).split(X, Y)]
    assert a == b and a != c


@pytest.mark.parametrize("params, match", [
    (dict(n_splits=1), "n_splits must be an integer >= 2"),
    (dict(n_splits=2.5), "n_splits must be an integer >= 2"),
    (dict(shuffle="yes"), "shuffle must be True or False"),
])
def test_stratified_folds_refuse_bad_parameters(params, match):
    """Check the splitter's parameter errors."""
    with pytest.raises((ValueError, TypeError), match=match):
        MultilabelStratifiedKFold(**params)


def test_stratified_folds_refuse_more_folds_than_rows():
    """Check that more folds than rows is refused with the numbers."""
    with pytest.raises(ValueError, match="n_splits=5 greater than the number of samples: "
                                         "n_samples=3"):
        list(MultilabelStratifiedKFold(5).split(np.zeros((3, 1)), np.eye(3)))


def test_multilabel_integer_cv_is_stratified_and_shuffled():
    """Check that an integer cv on a label-ordered target beats the unshuffled KFold's bias.

    Each unshuffled fold's model never sees the label its test rows carry, so
    its out-of-fold scores are useless; the default folds see every label.
    """
    X, Y = _sorted_by_label(n=400)
    inner = OneVsRestClassifier(LogisticRegression())
    default = ThresholdOptimizedClassifier(inner, optimizer="coordinate", random_state=0)
    default.fit(X, Y)
    plain = ThresholdOptimizedClassifier(inner, optimizer="coordinate", cv=KFold(4))
    plain.fit(X, Y)
    assert default.best_score_ > plain.best_score_ + 0.1
    assert default.best_score_ > 0.75  # 5% of the labels are noise


def test_user_cv_is_honoured():
    """Check that a splitter given by the user is used as given."""
    X, Y = _sorted_by_label()
    seen = []

    class Recording(KFold):
        def split(self, X, y=None, groups=None):
            for train, test in super().split(X, y, groups):
                seen.append(test)
                yield train, test

    ThresholdOptimizedClassifier(KNeighborsClassifier(), cv=Recording(3)).fit(X, Y)
    assert [t.tolist() for t in seen] == [t.tolist() for _, t in KFold(3).split(X)]


@pytest.mark.parametrize("make", OPTIMIZERS + [FixedThresholdOptimizer])
@pytest.mark.parametrize("scoring", SCORINGS)
def test_no_positive_anywhere_predicts_nothing(make, scoring):
    """Check that tuning data without any positive gives thresholds that predict nothing."""
    rng = np.random.default_rng(0)
    scores = rng.random((50, 3))
    y = np.zeros((50, 3), dtype=int)
    if make is FixedThresholdOptimizer:  # a constant: no learning, no warning
        assert make().fit(scores, y).predict(scores).sum() == (scores >= 0.5).sum()
        return
    with pytest.warns(UndefinedThresholdWarning, match="No label has a positive target.*"
                                                       "predict nothing"):
        opt = make(scoring=scoring).fit(scores, y)
    assert opt.predict(scores).sum() == 0
    np.testing.assert_array_equal(opt.thresholds_, np.nextafter(scores.max(), np.inf))


@pytest.mark.parametrize("make", OPTIMIZERS)
@pytest.mark.parametrize("scoring", SCORINGS)
def test_label_without_positives_takes_the_shared_threshold(make, scoring):
    """Check the documented fallback and its warning, in every optimizer and average."""
    rng = np.random.default_rng(1)
    y = (rng.random((120, 4)) < 0.3).astype(int)
    y[:, 2] = 0
    scores = 0.5 * y + rng.random(y.shape)
    with pytest.warns(UndefinedThresholdWarning, match=r"Label\(s\) \[2\] have no positive.*"
                                                       "best threshold shared by all labels"):
        opt = make(scoring=scoring).fit(scores, y)
    assert opt.thresholds_[2] == opt.shared_threshold_
    assert opt.predict(scores)[:, 2].sum() < len(y)


@pytest.mark.parametrize("average", ["macro", "micro"])
def test_ties_never_predict_every_row(average):
    """Check that when "every row" ties with other cuts, coordinate ascent picks another.

    Under recall alone (Tversky, no weight on false positives) every threshold
    at or below a label's lowest positive scores 1: a tie that includes
    predicting every row.
    """
    rng = np.random.default_rng(2)
    y = (rng.random((80, 3)) < 0.3).astype(int)
    scores = y + rng.random(y.shape)
    opt = CoordinateThresholdOptimizer(scoring=SetMetric.tversky(0.0, 1.0, average=average))
    pred = opt.fit(scores, y).predict(scores)
    assert opt.best_score_ == 1.0
    assert (pred.sum(axis=0) < len(y)).all()


@pytest.mark.parametrize("make", OPTIMIZERS)
def test_shrinkage_moves_rare_labels_toward_the_shared_threshold(make):
    """Check the strength's effect: 0 keeps the thresholds, inf gives the shared one."""
    rng = np.random.default_rng(3)
    y = (rng.random((300, 4)) < np.array([0.4, 0.3, 0.02, 0.2])).astype(int)
    scores = 0.5 * y + rng.random(y.shape)
    exact = make().fit(scores, y)
    assert exact.shrinkage_ == 0.0
    shared = make(shrinkage=np.inf).fit(scores, y)
    np.testing.assert_allclose(shared.thresholds_, exact.shared_threshold_)
    some = make(shrinkage=10.0).fit(scores, y)
    positives = y.sum(axis=0)
    moved = np.abs(some.thresholds_ - exact.thresholds_)
    expected = 10.0 / (positives + 10.0) * np.abs(exact.thresholds_ - exact.shared_threshold_)
    np.testing.assert_allclose(moved, expected, atol=1e-12)
    auto = make(shrinkage="auto").fit(scores, y)
    assert auto.shrinkage_ in (0.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, np.inf)
    assert auto.shrinkage_ == make(shrinkage="auto").fit(scores, y).shrinkage_  # seeded


@pytest.mark.parametrize("init, match", [
    (np.nan, "finite thresholds"), (np.inf, "finite thresholds"),
    ([0.5, 0.5], "one threshold per label \\(3\\)"),
])
def test_sgl_init_is_checked_before_any_work(init, match):
    """Check that a non-finite or wrongly sized init is refused up front."""
    scores, y = np.random.default_rng(0).random((20, 3)), np.eye(20, 3, dtype=int)
    with pytest.raises(ValueError, match=match):
        SGLThresholdOptimizer(init=init).fit(scores, y)


def test_sgl_device_is_checked_even_without_positives():
    """Check that an unsupported device is refused before any work, whatever the data."""
    scores = np.random.default_rng(0).random((20, 3))
    with pytest.raises(ValueError, match="device type 'meta' is not supported"):
        SGLThresholdOptimizer(device="meta").fit(scores, np.zeros((20, 3), dtype=int))


def test_constant_bottom_block_does_not_predict_every_row():
    """Check a label whose only positive sits in a block of equal lowest scores.

    That is what a fold model that saw no positive of the label gives its
    held-out rows: predicting every row would score best on the tuning data,
    only because the scores tie.
    """
    rng = np.random.default_rng(4)
    y = (rng.random((200, 3)) < 0.3).astype(int)
    scores = 0.5 * y + rng.random(y.shape)
    y[:, 2] = 0
    y[0, 2] = 1
    scores[:50, 2] = 0.0  # the positive among 50 rows of equal, lowest scores
    for scoring in ("f1_macro", "f1_weighted"):  # per-label objectives: cut 0 is the best
        with pytest.warns(UndefinedThresholdWarning, match=r"Label\(s\) \[2\] would predict "
                                                           "every tuning row only because"):
            opt = CoordinateThresholdOptimizer(scoring=scoring).fit(scores, y)
        assert opt.thresholds_[2] == opt.shared_threshold_
        assert opt.predict(scores)[:, 2].sum() < len(y)
