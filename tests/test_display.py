"""ThresholdCurveDisplay and SGLCurveDisplay (skthresh._display), Agg backend: data, not pixels."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, jaccard_score, precision_score
from sklearn.multiclass import OneVsRestClassifier
from threadpoolctl import threadpool_limits

from skthresh import (
    CoordinateThresholdOptimizer,
    SetMetric,
    SGLThresholdOptimizer,
    ThresholdOptimizedClassifier,
)
from skthresh._display import SGLCurveDisplay, ThresholdCurveDisplay

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def scored():
    """Scores, 0/1 targets and macro-F1 thresholds of 150 rows x 4 labels."""
    rng = np.random.default_rng(3)
    y = (rng.random((150, 4)) < [0.5, 0.3, 0.2, 0.1]).astype(int)
    scores = np.clip(0.35 * y + 0.65 * rng.random(y.shape), 0, 1)
    opt = CoordinateThresholdOptimizer(scoring="f1_macro").fit(scores, y)
    return scores, y, opt.thresholds_


@pytest.fixture(scope="module")
def fitted_clf():
    """A ThresholdOptimizedClassifier fitted on a DataFrame target, and held-out rows."""
    pd = pytest.importorskip("pandas")
    from sklearn.datasets import make_multilabel_classification

    X, Y = make_multilabel_classification(n_samples=240, n_features=8, n_classes=4,
                                          random_state=0)
    Y = pd.DataFrame(Y, columns=["dog", "cat", "bird", "car"])
    clf = ThresholdOptimizedClassifier(OneVsRestClassifier(LogisticRegression()),
                                       optimizer="coordinate", cv=3)
    with threadpool_limits(limits=1):  # as the tests run (conftest), module fixtures too
        clf.fit(X[:160], Y.iloc[:160])
    return clf, X[160:], Y.iloc[160:]


def _sklearn_curve(metric, y, score, grid):
    return np.array([metric(y, (score >= t).astype(int), zero_division=0) for t in grid])


def test_threshold_curve_from_predictions_plots_the_label_metric(scored):
    """Check that each line is the label's F1 at evenly spaced thresholds, marks at thresholds_."""
    scores, y, thresholds = scored
    disp = ThresholdCurveDisplay.from_predictions(y, scores, thresholds=thresholds,
                                                  n_points=50)
    assert len(disp.lines_) == 4 and disp.line_ is disp.lines_[0]
    for c, line in enumerate(disp.lines_):
        low = min(scores[:, c].min(), thresholds[c])
        high = max(scores[:, c].max(), thresholds[c])
        x, v = line.get_xdata(), line.get_ydata()
        np.testing.assert_allclose(x, np.linspace(low, high, 50))
        np.testing.assert_allclose(v, _sklearn_curve(f1_score, y[:, c], scores[:, c], x),
                                   atol=1e-12)
        assert line.get_label() == str(c)
        # the learned threshold: dashed vertical line and a dot at its F1
        assert disp.threshold_lines_[c].get_xdata()[0] == thresholds[c]
        mx, my = disp.threshold_markers_[c].get_data()
        assert mx[0] == thresholds[c]
        assert my[0] == pytest.approx(f1_score(y[:, c], scores[:, c] >= thresholds[c]))
        # macro-F1 thresholds maximise each label's own F1: the dot is the curve's top
        assert my[0] >= v.max() - 1e-12
    assert disp.ax_.get_ylabel() == "F1"
    assert disp.figure_ is disp.ax_.figure


@pytest.mark.parametrize("scoring, metric", [
    ("jaccard", jaccard_score),
    ("jaccard_samples", jaccard_score),
    (SetMetric.jaccard(average="micro"), jaccard_score),
    ("precision", precision_score),
    (SetMetric.tversky(1.0, 0.0), precision_score),
])
def test_threshold_curve_other_metrics(scored, scoring, metric):
    """Check that the other per-label metrics of the family are plotted exactly."""
    scores, y, _ = scored
    disp = ThresholdCurveDisplay.from_predictions(y, scores, labels=1, scoring=scoring,
                                                  n_points=30)
    x, v = disp.line_.get_data()
    np.testing.assert_allclose(v, _sklearn_curve(metric, y[:, 1], scores[:, 1], x), atol=1e-12)
    assert disp.threshold_lines_ == [] and disp.threshold_markers_ == []


@pytest.mark.parametrize("scoring, ylabel", [
    ("f0.5", "F0.5"), ("jaccard_macro", "Jaccard"), ("precision", "precision"),
    ("recall", "recall"), (SetMetric.tversky(0.3, 0.7), "Tversky (alpha=0.3, beta=0.7)"),
])
def test_threshold_curve_names_its_metric(scored, scoring, ylabel):
    """Check the y label: the metric's name from skthresh._scoring.metric_label."""
    scores, y, _ = scored
    disp = ThresholdCurveDisplay.from_predictions(y, scores, labels=0, scoring=scoring,
                                                  n_points=5)
    assert disp.ax_.get_ylabel() == ylabel


def test_threshold_curve_soft_targets_and_weights(scored):
    """Check the curve with soft targets and sample weights against skthresh.metrics."""
    metrics = pytest.importorskip("skthresh.metrics")
    scores, y, _ = scored
    soft = np.clip(y * 0.8 + 0.1, 0, 1)
    weights = np.linspace(0.5, 2.0, len(y))
    disp = ThresholdCurveDisplay.from_predictions(soft, scores, labels=[0], scoring="f2",
                                                  sample_weight=weights, n_points=20)
    x, v = disp.line_.get_data()
    expected = [metrics.fbeta_score(soft[:, :1], (scores[:, :1] >= t).astype(float), beta=2.0,
                                    sample_weight=weights) for t in x]
    np.testing.assert_allclose(v, expected, atol=1e-12)
    assert disp.ax_.get_ylabel() == "F2"


def test_threshold_curve_from_estimator(fitted_clf):
    """Check from_estimator: decision_scores on X, thresholds_, names, and the given ax."""
    clf, X, Y = fitted_clf
    _, ax = plt.subplots()
    disp = ThresholdCurveDisplay.from_estimator(clf, X, Y, labels=["cat", 3], ax=ax)
    assert disp.ax_ is ax
    assert [line.get_label() for line in disp.lines_] == ["cat", "car"]
    scores = clf.decision_scores(X)
    for line, c in zip(disp.lines_, [1, 3]):
        x, v = line.get_data()
        np.testing.assert_allclose(v, _sklearn_curve(f1_score, Y.iloc[:, c].to_numpy(),
                                                     scores[:, c], x), atol=1e-12)
    np.testing.assert_array_equal([m.get_xdata()[0] for m in disp.threshold_markers_],
                                  clf.thresholds_[[1, 3]])
    assert disp.label_names == ["cat", "car"]


def test_threshold_curve_label_selection_by_name_and_index(scored):
    """Check that names and positions select the same labels, in the order given."""
    scores, y, thresholds = scored
    names = ["a", "b", "c", "d"]
    by_name = ThresholdCurveDisplay.from_predictions(y, scores, thresholds=thresholds,
                                                     label_names=names, labels=["d", "b"])
    by_index = ThresholdCurveDisplay.from_predictions(y, scores, thresholds=thresholds,
                                                      label_names=names, labels=[3, 1])
    assert by_name.label_names == by_index.label_names == ["d", "b"]
    for a, b in zip(by_name.lines_, by_index.lines_):
        np.testing.assert_array_equal(a.get_ydata(), b.get_ydata())
    np.testing.assert_array_equal(by_name.thresholds, thresholds[[3, 1]])


def test_threshold_curve_binary_classifier():
    """Check a binary classifier with string classes: y is compared with classes_[1]."""
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=200, weights=[0.8], random_state=0)
    y = np.where(y == 1, "spam", "ham")
    clf = ThresholdOptimizedClassifier(LogisticRegression(), optimizer="coordinate",
                                       scoring="f1", cv=3).fit(X, y)
    disp = ThresholdCurveDisplay.from_estimator(clf, X, y)
    x, v = disp.line_.get_data()
    score = clf.decision_scores(X)[:, 0]
    np.testing.assert_allclose(v, _sklearn_curve(f1_score, y == "spam", score, x), atol=1e-12)
    assert disp.label_names == ["spam"]
    assert disp.thresholds[0] == clf.thresholds_[0]


@pytest.mark.parametrize("kwargs, err, match", [
    ({"labels": ["zebra"]}, ValueError, r"Unknown label 'zebra'\. The labels are: 'a', 'b'"),
    ({"labels": 4}, ValueError, "Label index 4 is out of range: there are 4 labels"),
    ({"labels": [-1]}, ValueError, "Label index -1 is out of range"),
    ({"labels": []}, ValueError, "labels is empty"),
    ({"labels": [1.5]}, TypeError, "integer positions or label names"),
    ({"labels": [True]}, TypeError, "integer positions or label names"),
    ({"scoring": "auc"}, ValueError, "Unknown scoring 'auc'"),
    ({"thresholds": [0.5, 0.5]}, ValueError, r"one threshold per label column, shape \(4,\)"),
    ({"thresholds": [[0.5] * 4]}, ValueError, r"one threshold per label column, shape \(4,\)"),
    ({"thresholds": [np.inf] * 4}, ValueError, "infinite values, which cannot be drawn"),
    ({"thresholds": [0.5, np.nan, 0.5, 0.5]}, ValueError, "thresholds contains NaN"),
    ({"n_points": 1}, ValueError, "n_points must be an integer >= 2"),
    ({"label_names": ["a"]}, ValueError, "label_names has 1 entries"),
])
def test_threshold_curve_errors(scored, kwargs, err, match):
    """Check the errors for unknown labels and inconsistent inputs."""
    scores, y, _ = scored
    kwargs = {"label_names": ["a", "b", "c", "d"], **kwargs}
    with pytest.raises(err, match=match):
        ThresholdCurveDisplay.from_predictions(y, scores, **kwargs)


def test_threshold_curve_shape_mismatch(scored):
    """Check that targets of another shape than the scores are refused."""
    scores, y, _ = scored
    with pytest.raises(ValueError, match="does not match the scores' shape"):
        ThresholdCurveDisplay.from_predictions(y[:, :3], scores)


def test_displays_refuse_unfitted_and_wrong_objects(scored):
    """Check NotFittedError for unfitted estimators and a clear error for other objects."""
    scores, y, _ = scored
    clf = ThresholdOptimizedClassifier(LogisticRegression())
    with pytest.raises(NotFittedError):
        ThresholdCurveDisplay.from_estimator(clf, scores, y)
    with pytest.raises(TypeError, match="has no decision_scores method"):
        ThresholdCurveDisplay.from_estimator(LogisticRegression(), scores, y)
    with pytest.raises(NotFittedError):
        SGLCurveDisplay.from_optimizer(SGLThresholdOptimizer())
    with pytest.raises(NotFittedError):
        SGLCurveDisplay.from_estimator(clf)
    coordinate = CoordinateThresholdOptimizer().fit(scores, y)
    with pytest.raises(ValueError, match="records no loss_curve_"):
        SGLCurveDisplay.from_optimizer(coordinate)


def test_sgl_curve_plots_loss_curve(scored):
    """Check that the SGL curve is loss_curve_ against epochs 1..n, best epoch marked."""
    scores, y, _ = scored
    opt = SGLThresholdOptimizer(device="cpu", max_iter=40).fit(scores, y)
    disp = SGLCurveDisplay.from_optimizer(opt)
    x, v = disp.line_.get_data()
    np.testing.assert_array_equal(x, np.arange(1, opt.n_iter_ + 1))
    np.testing.assert_array_equal(v, opt.loss_curve_)
    bx, by = disp.best_marker_.get_data()
    assert by[0] == max(opt.loss_curve_)
    assert bx[0] == 1 + int(np.argmax(opt.loss_curve_))
    assert disp.ax_.get_ylabel() == "f1_micro (tuning data)"


def test_sgl_curve_from_estimator(fitted_clf):
    """Check that from_estimator plots the classifier's SGL optimizer."""
    clf, X, Y = fitted_clf
    from sklearn.base import clone

    sgl = clone(clf).set_params(optimizer="sgl", random_state=0).fit(X, Y)
    _, ax = plt.subplots()
    disp = SGLCurveDisplay.from_estimator(sgl, ax=ax, color="k")
    assert disp.ax_ is ax
    np.testing.assert_array_equal(disp.line_.get_ydata(), sgl.optimizer_.loss_curve_)
    assert disp.line_.get_color() == "k"


@pytest.mark.slow
def test_matplotlib_is_imported_lazily(fresh_imports):
    """Check that importing the display module does not import matplotlib.

    In a fresh interpreter (conftest.py's subprocess, shared with
    test_metrics.py): import skthresh, use skthresh.metrics, import
    skthresh._display.
    """
    assert not fresh_imports["matplotlib_before_display"], \
        "matplotlib was imported before skthresh._display (by skthresh or skthresh.metrics)"
    assert not fresh_imports["matplotlib_after_display"], "skthresh._display imported matplotlib"
