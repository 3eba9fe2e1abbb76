"""threshold_report: bootstrap intervals of learned thresholds, and untunable labels."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from skthresh import (
    CoordinateThresholdOptimizer,
    FixedThresholdOptimizer,
    SGLThresholdOptimizer,
    threshold_report,
)
from skthresh.exceptions import UndefinedThresholdWarning

PER_LABEL = ("label", "threshold", "low", "high", "n_positive", "spread", "untunable",
             "safe_threshold")


def _beta_scores(n_samples, prior, seed, a=4.0, b=2.0):
    """One label: positives Beta(a, b), negatives Beta(b, a)."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n_samples) < prior).astype(int)
    scores = np.where(y == 1, rng.beta(a, b, n_samples), rng.beta(b, a, n_samples))
    return scores, y


@pytest.fixture(scope="module")
def two_labels():
    """Label 0: hundreds of positives, well separated; label 1: exactly 3 positives."""
    rng = np.random.default_rng(0)
    y = np.zeros((600, 2), dtype=int)
    y[:250, 0] = 1
    y[[10, 300, 400], 1] = 1
    scores = np.clip(0.6 * y + 0.4 * rng.random((600, 2)), 0, 1)
    return scores, y


def test_shapes_and_keys(two_labels):
    scores, y = two_labels
    report = threshold_report(CoordinateThresholdOptimizer(), scores, y, n_resamples=10,
                              random_state=0)
    for key in PER_LABEL:
        assert report[key].shape == (2,), key
    assert report.bootstrap.shape == (10, 2)
    assert report.untunable.dtype == bool
    assert report.level == 0.9 and report.n_resamples == 10
    np.testing.assert_array_equal(report.label, [0, 1])
    np.testing.assert_array_equal(report.n_positive, [250, 3])
    assert np.all(report.low <= report.high)
    fitted = CoordinateThresholdOptimizer().fit(scores, y)
    np.testing.assert_array_equal(report.threshold, fitted.thresholds_)
    assert report.shared_threshold == fitted.shared_threshold_


def test_same_seed_same_report_other_seed_other_interval(two_labels):
    scores, y = two_labels
    opt = SGLThresholdOptimizer(max_iter=20)
    first = threshold_report(opt, scores, y, n_resamples=5, random_state=1)
    again = threshold_report(opt, scores, y, n_resamples=5, random_state=1)
    other = threshold_report(opt, scores, y, n_resamples=5, random_state=2)
    for key in PER_LABEL + ("bootstrap",):
        np.testing.assert_array_equal(first[key], again[key])
    assert not np.array_equal(first.bootstrap, other.bootstrap)
    assert not (np.array_equal(first.low, other.low) and np.array_equal(first.high, other.high))


def test_few_positives_untunable_well_separated_not(two_labels):
    scores, y = two_labels
    report = threshold_report(CoordinateThresholdOptimizer(), scores, y, n_resamples=20,
                              random_state=0)
    np.testing.assert_array_equal(report.untunable, [False, True])
    assert report.spread[0] < 0.05  # the gap between the classes holds no row
    # the untunable label falls back to the shared threshold, the other keeps its own
    np.testing.assert_array_equal(report.safe_threshold,
                                  [report.threshold[0], report.shared_threshold])
    fixed = threshold_report(CoordinateThresholdOptimizer(), scores, y, n_resamples=20,
                             random_state=0, fallback=0.5)
    np.testing.assert_array_equal(fixed.safe_threshold, [report.threshold[0], 0.5])


@pytest.mark.filterwarnings("ignore::skthresh.exceptions.UndefinedThresholdWarning")
def test_wide_interval_is_untunable():
    # uninformative scores, plenty of positives: the threshold wanders over the rows
    rng = np.random.default_rng(0)
    y = (rng.random(400) < 0.3).astype(int)
    report = threshold_report(CoordinateThresholdOptimizer(), rng.random(400), y,
                              n_resamples=20, random_state=0)
    assert report.n_positive[0] > 100
    assert report.spread[0] > 0.3 and report.untunable[0]
    assert report.safe_threshold[0] == report.shared_threshold


def test_spread_is_scale_free():
    scores, y = _beta_scores(500, 0.3, seed=3)
    logits = np.log(scores / (1 - scores))
    opt = CoordinateThresholdOptimizer()
    on_probs = threshold_report(opt, scores, y, n_resamples=10, random_state=0)
    on_logits = threshold_report(opt, logits, y, n_resamples=10, random_state=0)
    np.testing.assert_allclose(on_logits.spread, on_probs.spread)


def test_soft_targets_and_weights_count_positives():
    scores, y = _beta_scores(200, 0.4, seed=4)
    soft = 0.5 * y
    weights = np.full(200, 2.0)
    report = threshold_report(CoordinateThresholdOptimizer(), scores, soft,
                              sample_weight=weights, n_resamples=3, random_state=0)
    assert report.n_positive[0] == pytest.approx(2.0 * soft.sum())


def test_dataframe_names_reach_label_and_frame_index(two_labels):
    pd = pytest.importorskip("pandas")
    scores, y = two_labels
    frame_scores = pd.DataFrame(scores, columns=["dog", "cat"])
    targets = pd.DataFrame(y[:, ::-1], columns=["cat", "dog"])  # paired by name
    report = threshold_report(CoordinateThresholdOptimizer(), frame_scores, targets,
                              n_resamples=5, random_state=0)
    assert list(report.label) == ["dog", "cat"]
    np.testing.assert_array_equal(report.n_positive, [250, 3])
    frame = threshold_report(CoordinateThresholdOptimizer(), frame_scores, targets,
                             n_resamples=5, random_state=0, as_frame=True)
    assert list(frame.index) == ["dog", "cat"] and frame.index.name == "label"
    assert list(frame.columns) == list(PER_LABEL[1:])
    np.testing.assert_array_equal(frame["low"], report.low)
    assert frame.attrs["level"] == 0.9 and frame.attrs["n_resamples"] == 5


def test_as_frame_without_pandas(two_labels, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pandas", None)
    scores, y = two_labels
    with pytest.raises(ImportError, match="needs pandas"):
        threshold_report(CoordinateThresholdOptimizer(), scores, y, n_resamples=2,
                         random_state=0, as_frame=True)


def test_resample_warnings_silenced_full_fit_warns():
    # label 1 has 1 positive: many resamples lack it, but only the full fit may warn
    scores, y = _beta_scores(300, 0.3, seed=5)
    rare = np.zeros(300, dtype=int)
    rare[7] = 1
    targets = np.column_stack([y, rare])
    both = np.column_stack([scores, np.random.default_rng(6).random(300)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        threshold_report(CoordinateThresholdOptimizer(), both, targets, n_resamples=10,
                         random_state=0)
    assert not [w for w in caught if issubclass(w.category, UndefinedThresholdWarning)]
    targets[7, 1] = 0  # now the full fit has no positive for label 1
    with pytest.warns(UndefinedThresholdWarning, match=r"\[1\] have no positive") as record:
        threshold_report(CoordinateThresholdOptimizer(), both, targets, n_resamples=10,
                         random_state=0)
    assert len([w for w in record if issubclass(w.category, UndefinedThresholdWarning)]) == 1


def test_interval_narrows_with_more_rows():
    # an argmax's bootstrap interval is noisy from one draw to the next: mean of 4 draws
    def mean_width(n_samples):
        widths = []
        for seed in range(4):
            scores, y = _beta_scores(n_samples, 0.3, seed=seed, a=6.0)
            report = threshold_report(CoordinateThresholdOptimizer(), scores, y,
                                      n_resamples=20, random_state=seed)
            widths.append(report.high[0] - report.low[0])
        return np.mean(widths)

    assert mean_width(4000) < 0.7 * mean_width(200)


def test_fixed_optimizer_and_plain_objects(two_labels):
    scores, y = two_labels
    report = threshold_report(FixedThresholdOptimizer(0.4), scores, y, n_resamples=2)
    np.testing.assert_array_equal(report.low, [0.4, 0.4])
    assert report.shared_threshold == 0.4

    class Median:  # no get_params, no shared_threshold_
        def fit(self, y_score, y_true, sample_weight=None):
            self.thresholds_ = np.median(y_score, axis=0)
            return self

    plain = threshold_report(Median(), scores, y, n_resamples=3, random_state=0, fallback=0.5)
    np.testing.assert_array_equal(plain.safe_threshold[1], 0.5)
    with pytest.raises(ValueError, match="shared_threshold_.*fallback=<a number>"):
        threshold_report(Median(), scores, y, n_resamples=3, random_state=0)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"level": 0.0}, ValueError, r"level must be a number in \(0, 1\)"),
    ({"level": 1.5}, ValueError, r"level must be a number in \(0, 1\)"),
    ({"level": "90%"}, ValueError, r"level must be a number in \(0, 1\)"),
    ({"n_resamples": 1}, ValueError, "n_resamples must be an integer >= 2"),
    ({"n_resamples": 10.0}, ValueError, "n_resamples must be an integer >= 2"),
    ({"min_positives": -1}, ValueError, "min_positives must be a number >= 0"),
    ({"max_spread": float("nan")}, ValueError, "max_spread must be a number >= 0"),
    ({"fallback": "median"}, ValueError, "fallback must be 'shared' or a number"),
    ({"fallback": np.inf}, ValueError, "fallback must be 'shared' or a finite number"),
    ({"optimizer": "sgl"}, TypeError, "optimizer must be a threshold optimizer"),
    ({"optimizer": object()}, TypeError, "optimizer must be a threshold optimizer"),
])
def test_invalid_arguments(two_labels, kwargs, error, match):
    scores, y = two_labels
    kwargs = {"optimizer": CoordinateThresholdOptimizer(), **kwargs}
    with pytest.raises(error, match=match):
        threshold_report(kwargs.pop("optimizer"), scores, y, **kwargs)


def test_optimizer_without_thresholds(two_labels):
    class Silent:
        def fit(self, y_score, y_true, sample_weight=None):
            return self

    scores, y = two_labels
    with pytest.raises(TypeError, match="must set thresholds_"):
        threshold_report(Silent(), scores, y, n_resamples=2)


# ------------------------------------------------------------- groups and folds
def test_grouped_resamples_draw_whole_groups():
    """Check that with groups a resample holds each drawn group whole, as many as exist."""
    from skthresh._report import _resampler

    groups = np.repeat(np.array(["a", "b", "c", "d", "e"]), [1, 2, 3, 4, 5])
    draw = _resampler(len(groups), groups, None)
    rng = np.random.RandomState(0)
    for _ in range(50):
        rows = draw(rng)
        drawn = groups[rows]
        for g in set(drawn):
            # a group comes a whole number of times, all its rows each time
            assert np.count_nonzero(drawn == g) % np.count_nonzero(groups == g) == 0
        assert sum(np.count_nonzero(drawn == g) // np.count_nonzero(groups == g)
                   for g in set(drawn)) == 5


def test_stratified_resamples_keep_each_strata_size():
    """Check that resamples within strata (a classifier's folds) keep each fold's rows."""
    from skthresh._report import _resampler

    folds = np.repeat([0, 1, 2], [10, 20, 30])
    draw = _resampler(len(folds), None, folds)
    rows = draw(np.random.RandomState(0))
    np.testing.assert_array_equal(np.bincount(folds[rows]), [10, 20, 30])


def test_grouped_report_is_wider_when_groups_are_duplicated_rows():
    """Check that groups matter: rows copied 10 times are one piece of evidence, not ten."""
    scores, y = _beta_scores(60, 0.3, seed=0)
    scores, y = np.repeat(scores, 10), np.repeat(y, 10)
    groups = np.repeat(np.arange(60), 10)
    params = dict(n_resamples=40, random_state=0)
    rows = threshold_report(CoordinateThresholdOptimizer(), scores, y, **params)
    grouped = threshold_report(CoordinateThresholdOptimizer(), scores, y, groups=groups,
                               **params)
    assert (grouped.high - grouped.low)[0] > (rows.high - rows.low)[0]
    with pytest.raises(ValueError, match=r"groups must hold one value per row: got shape "
                                         r"\(5,\) for 600 rows"):
        threshold_report(CoordinateThresholdOptimizer(), scores, y, groups=groups[:5])


def test_classifier_report_from_its_out_of_fold_scores():
    """Check the classifier's report: its own thresholds, label names, and the refusal
    without stored out-of-fold scores."""
    pd = pytest.importorskip("pandas")
    from sklearn.datasets import make_multilabel_classification
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    from skthresh import ThresholdOptimizedClassifier

    X, Y = make_multilabel_classification(n_samples=150, n_classes=3, random_state=0)
    Y = pd.DataFrame(Y, columns=["dog", "cat", "bird"])
    inner = OneVsRestClassifier(LogisticRegression(solver="newton-cholesky"))
    plain = ThresholdOptimizedClassifier(inner, optimizer="coordinate", cv=3).fit(X, Y)
    with pytest.raises(ValueError, match="fit with store_cv_results=True"):
        plain.threshold_report()
    clf = ThresholdOptimizedClassifier(inner, optimizer="coordinate", cv=3,
                                       store_cv_results=True, random_state=0)
    groups = np.repeat(np.arange(50), 3)
    clf.fit(X, Y, groups=groups)
    report = clf.threshold_report(n_resamples=20, random_state=0)
    np.testing.assert_array_equal(report.threshold, clf.thresholds_)
    assert list(report.label) == ["dog", "cat", "bird"]
    again = clf.threshold_report(n_resamples=20, random_state=0)
    np.testing.assert_array_equal(report.bootstrap, again.bootstrap)
    frame = clf.threshold_report(n_resamples=20, random_state=0, as_frame=True)
    assert list(frame.index) == ["dog", "cat", "bird"]


def test_report_resamples_keep_label_names_for_priors_by_name():
    """Check that an optimizer whose target_priors name the labels reports on a DataFrame."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    scores = pd.DataFrame(rng.random((120, 3)), columns=["a", "b", "c"])
    y = (scores > 0.5).astype(int)
    opt = CoordinateThresholdOptimizer(target_priors={"a": 0.3, "b": 0.3, "c": 0.3})
    report = threshold_report(opt, scores, y, n_resamples=3, random_state=0)
    assert list(report.label) == ["a", "b", "c"]


def test_classifier_report_names_a_binary_target_by_its_positive_class():
    """Check that a binary classifier's report labels its one threshold as label_names_."""
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression

    from skthresh import ThresholdOptimizedClassifier

    X, y = make_classification(n_samples=120, random_state=0)
    clf = ThresholdOptimizedClassifier(LogisticRegression(), optimizer="coordinate", cv=3,
                                       store_cv_results=True)
    clf.fit(X, np.where(y == 1, "spam", "ham"))
    assert list(clf.threshold_report(n_resamples=3, random_state=0).label) == ["spam"]
