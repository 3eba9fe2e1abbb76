"""target_priors: thresholds learned for the label frequencies expected in deployment."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.multioutput import MultiOutputClassifier

from skthresh import (
    CoordinateThresholdOptimizer,
    SGLThresholdOptimizer,
    ThresholdOptimizedClassifier,
)
from skthresh.datasets import make_multilabel_scores
from skthresh.exceptions import SkthreshWarning

MAKERS = [
    lambda **kw: SGLThresholdOptimizer(device="cpu", **kw),
    lambda **kw: CoordinateThresholdOptimizer(**kw),
]
IDS = ["sgl", "coordinate"]


def _data(n=1500, n_labels=6, seed=0):
    return make_multilabel_scores(n, n_labels, density=0.15, random_state=seed)


def _shifted(y):
    """Priors that differ from the tuning ones: the rare labels twice as frequent."""
    return np.clip(2 * y.mean(axis=0), 0.05, 0.6)


def _reweighted_micro_f1(scores, y, thresholds, priors, weights=None):
    """Micro-F1 with the positives and negatives of each label weighted to ``priors``."""
    w = np.ones(len(y)) if weights is None else weights
    tuning = (w[:, None] * y).sum(0) / w.sum()
    cell = w[:, None] * np.where(y == 1, priors / tuning, (1 - priors) / (1 - tuning))
    pred = scores >= thresholds
    tp = (cell * (pred & (y == 1))).sum()
    fp = (cell * (pred & (y == 0))).sum()
    fn = (cell * (~pred & (y == 1))).sum()
    return 2 * tp / (2 * tp + fp + fn)


@pytest.mark.parametrize("make", MAKERS, ids=IDS)
def test_tuning_priors_give_the_thresholds_of_none(make):
    """Check that target_priors equal to the tuning priors change nothing, bit for bit."""
    s, y = _data()
    plain = make().fit(s, y)
    same = make(target_priors=y.mean(axis=0)).fit(s, y)
    np.testing.assert_array_equal(same.thresholds_, plain.thresholds_)
    assert same.best_score_ == plain.best_score_


@pytest.mark.parametrize("make", MAKERS, ids=IDS)
def test_tuning_priors_with_sample_weight_give_the_thresholds_of_none(make):
    """Check the weighted tuning priors (np.average) against None, to 1e-12."""
    s, y = _data(seed=1)
    w = np.random.default_rng(0).uniform(0.2, 3.0, len(y))
    plain = make().fit(s, y, sample_weight=w)
    same = make(target_priors=np.average(y, axis=0, weights=w)).fit(s, y, sample_weight=w)
    np.testing.assert_allclose(same.thresholds_, plain.thresholds_, rtol=0, atol=1e-12)


def test_one_label_equals_the_per_row_weights():
    """Check that with one label the factors are the row weights pi'/pi and (1-pi')/(1-pi)."""
    s, y = _data(n_labels=1, seed=2)
    s, y = s[:, 0], y[:, 0]
    pi, target = y.mean(), 0.35
    w = np.where(y == 1, target / pi, (1 - target) / (1 - pi))
    opt = CoordinateThresholdOptimizer(target_priors=[target]).fit(s, y)
    ref = CoordinateThresholdOptimizer().fit(s, y, sample_weight=w)
    np.testing.assert_allclose(opt.thresholds_, ref.thresholds_, rtol=1e-12)
    assert opt.best_score_ == pytest.approx(ref.best_score_, rel=1e-12)


def test_macro_equals_each_label_fitted_alone_with_its_weights():
    """Check per-(row, label) weights: each label of a macro fit as a one-label weighted fit."""
    s, y = _data(seed=3)
    priors = _shifted(y)
    opt = CoordinateThresholdOptimizer(scoring="f1_macro", target_priors=priors).fit(s, y)
    pi = y.mean(axis=0)
    for j in range(y.shape[1]):
        w = np.where(y[:, j] == 1, priors[j] / pi[j], (1 - priors[j]) / (1 - pi[j]))
        alone = CoordinateThresholdOptimizer(scoring="f1").fit(s[:, j], y[:, j], sample_weight=w)
        assert opt.thresholds_[j] == pytest.approx(alone.thresholds_[0], rel=1e-12)


@pytest.mark.parametrize("make", MAKERS, ids=IDS)
def test_best_score_is_the_reweighted_micro_f1(make):
    """Check that the objective is micro-F1 of the reweighted counts, and that it is reached."""
    s, y = _data(seed=4)
    priors = _shifted(y)
    opt = make(target_priors=priors).fit(s, y)
    got = _reweighted_micro_f1(s, y, opt.thresholds_, priors)
    assert opt.best_score_ == pytest.approx(got, rel=1e-12)
    unweighted = make().fit(s, y)
    assert got >= _reweighted_micro_f1(s, y, unweighted.thresholds_, priors) - 1e-12


def test_a_more_frequent_label_gets_a_lower_threshold():
    """Check the direction: a higher expected prior lowers the threshold (one label, F1)."""
    s, y = _data(n_labels=1, seed=5)
    thresholds = [CoordinateThresholdOptimizer(target_priors=[p]).fit(s, y).thresholds_[0]
                  for p in (0.05, 0.15, 0.3, 0.5, 0.8)]
    assert all(a >= b for a, b in zip(thresholds, thresholds[1:]))
    assert thresholds[0] > thresholds[-1]


@pytest.mark.parametrize("make", MAKERS, ids=IDS)
def test_memory_map_and_partial_fit_equal_the_fit_in_memory(make, tmp_path):
    """Check the routes: priors applied to the tallied masses, the same wherever rows come from."""
    s, y = _data(seed=6)
    priors = _shifted(y)
    ref = make(target_priors=priors).fit(s, y)
    np.save(tmp_path / "s.npy", s)
    np.save(tmp_path / "y.npy", y)
    mapped = make(target_priors=priors).fit(np.load(tmp_path / "s.npy", mmap_mode="r"),
                                             np.load(tmp_path / "y.npy", mmap_mode="r"))
    np.testing.assert_array_equal(mapped.thresholds_, ref.thresholds_)
    chunked = make(target_priors=priors)
    for start in range(0, len(s), 500):
        chunked.partial_fit(s[start:start + 500], y[start:start + 500])
    np.testing.assert_array_equal(chunked.thresholds_, ref.thresholds_)


@pytest.mark.parametrize(("priors", "match"), [
    ([0.1, 0.2], r"one expected positive rate per label \(6\), got 2"),
    (np.full((2, 3), 0.1), r"one expected positive rate per label \(6\), got 6"),
    ([0.1, 0.2, 0.3, 0.4, 0.5, 1.0], "strictly between 0 and 1"),
    ([0.0, 0.2, 0.3, 0.4, 0.5, 0.6], "strictly between 0 and 1"),
    ([0.1, 0.2, 0.3, 0.4, 0.5, -0.1], "strictly between 0 and 1"),
    ([0.1, 0.2, np.nan, 0.4, 0.5, 0.6], "must not hold NaN"),
    (["a"] * 6, "must hold numbers"),
])
@pytest.mark.parametrize("make", MAKERS, ids=IDS)
def test_invalid_priors_are_refused(make, priors, match):
    """Check the validation errors, raised before any work."""
    s, y = _data(n=200)
    with pytest.raises(ValueError, match=match):
        make(target_priors=priors).fit(s, y)


@pytest.mark.parametrize("make", MAKERS, ids=IDS)
def test_the_per_sample_average_is_refused(make):
    """Check the error naming target_priors and the averages it supports."""
    s, y = _data(n=200)
    with pytest.raises(ValueError, match=r"target_priors .* supports the micro, macro and "
                                         r"weighted averages, not the per-sample average"):
        make(scoring="f1_samples", target_priors=_shifted(y)).fit(s, y)


def test_automatic_shrinkage_is_refused():
    """Check that shrinkage='auto' (cross-validated on unweighted rows) is refused."""
    s, y = _data(n=200)
    with pytest.raises(ValueError, match="shrinkage='auto' .* cannot be combined with "
                                         "target_priors"):
        CoordinateThresholdOptimizer(shrinkage="auto", target_priors=_shifted(y)).fit(s, y)


@pytest.mark.parametrize("make", MAKERS, ids=IDS)
def test_a_label_without_positives_keeps_its_weights_with_a_warning(make):
    """Check that a label with no tuning positive (pi = 0) is named, not reweighted."""
    s, y = _data(seed=7)
    y[:, 2] = 0
    priors = _shifted(y)
    priors[2] = 0.2
    with pytest.warns(SkthreshWarning, match=r"target_priors cannot reweight label\(s\) \[2\]"):
        opt = make(target_priors=priors).fit(s, y)
    assert np.isfinite(opt.thresholds_).all()


def test_a_dict_is_matched_by_label_name():
    """Check a dict (or Series) of priors against a DataFrame's columns, in any order."""
    pd = pytest.importorskip("pandas")
    s, y = _data(seed=8)
    names = [f"tag{j}" for j in range(s.shape[1])]
    priors = _shifted(y)
    by_name = dict(reversed(list(zip(names, priors))))
    ref = CoordinateThresholdOptimizer(target_priors=priors).fit(s, y)
    frame = pd.DataFrame(s, columns=names)
    opt = CoordinateThresholdOptimizer(target_priors=by_name).fit(frame, y)
    np.testing.assert_array_equal(opt.thresholds_, ref.thresholds_)
    series = CoordinateThresholdOptimizer(target_priors=pd.Series(by_name)).fit(frame, y)
    np.testing.assert_array_equal(series.thresholds_, ref.thresholds_)
    del by_name["tag1"]
    by_name["tagX"] = 0.1
    with pytest.raises(ValueError,
                       match=r"matched by name .*missing \['tag1'\]; unknown \['tagX'\]"):
        CoordinateThresholdOptimizer(target_priors=by_name).fit(frame, y)


def test_tunable_through_the_classifier():
    """Check optimizer__target_priors and an optimizer instance given to the classifier."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    Y = (X[:, :3] + 0.8 * rng.normal(size=(300, 3)) > 0.6).astype(int)
    est = MultiOutputClassifier(LogisticRegression())
    priors = np.array([0.4, 0.3, 0.35])
    clf = ThresholdOptimizedClassifier(est, optimizer=CoordinateThresholdOptimizer(), cv=3)
    clf.set_params(optimizer__target_priors=priors)
    assert clone(clf).get_params()["optimizer__target_priors"] is not None
    with_priors = clf.fit(X, Y)
    without = ThresholdOptimizedClassifier(est, optimizer=CoordinateThresholdOptimizer(),
                                           cv=3).fit(X, Y)
    assert not np.array_equal(with_priors.thresholds_, without.thresholds_)


@pytest.mark.parametrize("make", MAKERS, ids=IDS)
def test_named_priors_are_checked_before_a_chunk_is_counted(make):
    """Check that a partial_fit refused for its priors' names leaves the optimizer as it was."""
    s, y = _data(n=300, n_labels=3)
    ref = make(target_priors=[0.3, 0.3, 0.3]).fit(s, y)
    opt = make(target_priors={"a": 0.3, "b": 0.3, "c": 0.3})
    with pytest.raises(ValueError, match=r"missing \[0, 1, 2\]; unknown \['a', 'b', 'c'\]"):
        opt.partial_fit(s[:150], y[:150])
    assert not hasattr(opt, "thresholds_")
    opt.set_params(target_priors=[0.3, 0.3, 0.3]).partial_fit(s[:150], y[:150])
    opt.set_params(target_priors={"a": 0.3, "b": 0.3, "c": 0.3})
    with pytest.raises(ValueError, match="matched by name"):
        opt.partial_fit(s[150:], y[150:])
    opt.set_params(target_priors=[0.3, 0.3, 0.3]).partial_fit(s[150:], y[150:])
    assert opt._partial.tally.weight == 300
    np.testing.assert_array_equal(opt.thresholds_, ref.thresholds_)


def test_a_dict_missing_a_label_names_it():
    """Check that a dict without a label's name says which, before any work."""
    pd = pytest.importorskip("pandas")
    s, y = _data(n=300, n_labels=3)
    frame = pd.DataFrame(s, columns=["a", "b", "c"])
    for opt in (CoordinateThresholdOptimizer(target_priors={"a": 0.2, "b": 0.3}),
                SGLThresholdOptimizer(device="cpu", target_priors={"a": 0.2, "b": 0.3})):
        with pytest.raises(ValueError, match=r"label names: missing \['c'\]\.$"):
            opt.fit(frame, y)
        with pytest.raises(ValueError, match=r"label names: missing \['c'\]\.$"):
            opt.partial_fit(frame[:150], y[:150])
        assert not hasattr(opt, "thresholds_")
