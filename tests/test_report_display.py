"""ThresholdReportDisplay (skthresh._report_display), Agg backend: the data, not the pixels."""

from __future__ import annotations

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from skthresh import CoordinateThresholdOptimizer, threshold_report
from skthresh._report_display import ThresholdReportDisplay

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _report_data():
    """Scores and 0/1 targets of 400 rows x 6 labels, two of them with under 5 positives."""
    rng = np.random.default_rng(7)
    y = (rng.random((400, 6)) < [0.4, 0.2, 0.08, 0.03, 0, 0]).astype(int)
    y[:4, 4], y[4:6, 5] = 1, 1  # 4 and 2 positives: untunable
    scores = np.clip(0.45 * y + 0.55 * rng.random(y.shape), 0, 1)
    return scores, y


@pytest.fixture(scope="module")
def report_inputs():
    """The tuning data and its threshold report (coordinate optimizer, 15 resamples, seed 0)."""
    scores, y = _report_data()
    with threadpool_limits(limits=1):
        report = threshold_report(CoordinateThresholdOptimizer(), scores, y, n_resamples=15,
                                  random_state=0)
    return scores, y, report


def _segments(collection):
    """The (x, low, high) of each vertical segment of a LineCollection."""
    segments = collection.get_segments()
    return np.array([[seg[0, 0], seg[0, 1], seg[1, 1]] for seg in segments]).reshape(-1, 3)


def test_report_display_draws_the_report(report_inputs):
    """Check one point and one interval per label, untunable labels apart, the shared line."""
    _, _, report = report_inputs
    bad = report.untunable
    assert bad.any() and not bad.all()
    disp = ThresholdReportDisplay.from_report(report)
    assert disp.report_ is report
    np.testing.assert_array_equal(disp.points_.get_xdata(), report.n_positive[~bad])
    np.testing.assert_array_equal(disp.points_.get_ydata(), report.threshold[~bad])
    np.testing.assert_array_equal(disp.untunable_points_.get_xdata(), report.n_positive[bad])
    np.testing.assert_array_equal(disp.untunable_points_.get_ydata(), report.threshold[bad])
    for collection, rows in ((disp.intervals_, ~bad), (disp.untunable_intervals_, bad)):
        np.testing.assert_array_equal(
            _segments(collection),
            np.column_stack([report.n_positive, report.low, report.high])[rows])
    # untunable labels: another marker and colour, and their own legend entry
    assert disp.untunable_points_.get_marker() != disp.points_.get_marker()
    assert disp.untunable_points_.get_color() != disp.points_.get_color()
    texts = [t.get_text() for t in disp.ax_.get_legend().get_texts()]
    assert f"untunable label ({bad.sum()} labels)" in texts
    assert f"threshold and 90% interval ({(~bad).sum()} labels)" in texts
    assert disp.shared_line_.get_ydata()[0] == report.shared_threshold
    assert texts[-1] == f"shared threshold ({report.shared_threshold:.3g})"
    assert disp.fallback_line_ is None  # the fallback is the shared threshold
    assert disp.ax_.get_xscale() == "log"
    assert disp.ax_.get_ylabel() == "threshold" and "positives" in disp.ax_.get_xlabel()
    assert disp.figure_ is disp.ax_.figure
    # every untunable label is named (fewer than max_annotations)
    assert sorted(a.get_text() for a in disp.annotations_) == sorted(
        str(label) for label in report.label[bad])


def test_report_display_from_scores_equals_from_report(report_inputs):
    """Check that from_scores with the same seed draws the same report as from_report."""
    scores, y, report = report_inputs
    _, ax = plt.subplots()
    disp = ThresholdReportDisplay.from_scores(CoordinateThresholdOptimizer(), scores, y,
                                              n_resamples=15, random_state=0, ax=ax,
                                              color="k")
    assert disp.ax_ is ax and disp.points_.get_color() == "k"
    for name in ("threshold", "low", "high", "n_positive", "untunable", "safe_threshold"):
        np.testing.assert_array_equal(disp.report_[name], report[name])
    reference = ThresholdReportDisplay.from_report(report)
    for attr in ("points_", "untunable_points_"):
        np.testing.assert_array_equal(getattr(disp, attr).get_xydata(),
                                      getattr(reference, attr).get_xydata())
    np.testing.assert_array_equal(_segments(disp.intervals_), _segments(reference.intervals_))


def test_report_display_from_a_frame_names_untunable_labels():
    """Check a DataFrame report (as_frame=True): its labels name the untunable points."""
    pd = pytest.importorskip("pandas")
    scores, y = _report_data()
    names = ["speech", "music", "dog", "siren", "bell", "yodel"]
    frame = threshold_report(CoordinateThresholdOptimizer(), pd.DataFrame(scores, columns=names),
                             y, n_resamples=10, random_state=1, as_frame=True)
    disp = ThresholdReportDisplay.from_report(frame, max_annotations=1)
    bad = frame["untunable"].to_numpy()
    assert len(disp.untunable_points_.get_xdata()) == bad.sum() >= 2
    assert disp.shared_line_.get_ydata()[0] == frame.attrs["shared_threshold"]
    # one name only: the untunable label with the widest interval
    (annotation,) = disp.annotations_
    widest = (frame["high"] - frame["low"])[bad].idxmax()
    assert annotation.get_text() == widest
    assert ThresholdReportDisplay.from_report(frame, max_annotations=0).annotations_ == []


def test_report_display_numeric_fallback_and_label_without_positives():
    """Check the fallback line of fallback=<number>, and a label without positives at x = 0."""
    scores, y = _report_data()
    y[:, 5] = 0
    with pytest.warns(UserWarning, match="no positive target"):
        report = threshold_report(CoordinateThresholdOptimizer(), scores, y, n_resamples=10,
                                  random_state=0, fallback=0.5, level=0.8)
    disp = ThresholdReportDisplay.from_report(report)
    assert disp.fallback_line_.get_ydata()[0] == 0.5
    assert "fallback of untunable labels (0.5)" in [
        t.get_text() for t in disp.ax_.get_legend().get_texts()]
    assert disp.ax_.get_xscale() == "symlog"
    assert 0.0 in disp.untunable_points_.get_xdata()
    assert disp.points_.get_label().startswith("threshold and 80% interval")


def test_report_display_skips_labels_that_cannot_be_drawn():
    """Check that a non-finite threshold is not drawn and an infinite interval end not either."""
    disp = ThresholdReportDisplay(
        n_positive=[10.0, 20.0, 3.0], threshold=[0.4, np.nan, 0.6], low=[0.3, 0.1, -np.inf],
        high=[0.5, 0.9, 0.9], untunable=[False, False, True], label_names=["a", "b", "c"],
    ).plot(legend=False)
    assert list(disp.points_.get_xdata()) == [10.0]
    assert list(disp.untunable_points_.get_xdata()) == [3.0]
    assert len(disp.untunable_intervals_.get_segments()) == 0
    assert disp.shared_line_ is None and disp.ax_.get_legend() is None
    assert [a.get_text() for a in disp.annotations_] == ["c"]


def test_report_display_many_labels_names_a_few():
    """Check that with hundreds of labels the plot names at most max_annotations of them."""
    rng = np.random.default_rng(0)
    n = 527
    n_positive = np.round(10 ** rng.uniform(0, 3, n))
    threshold = rng.random(n)
    disp = ThresholdReportDisplay(
        n_positive=n_positive, threshold=threshold, low=threshold - 0.1, high=threshold + 0.1,
        untunable=n_positive < 5, shared_threshold=0.3,
    ).plot(max_annotations=3)
    assert len(disp.annotations_) == 3
    assert len(disp.points_.get_xdata()) + len(disp.untunable_points_.get_xdata()) == n
    assert disp.points_.get_markersize() < 6  # smaller and lighter when crowded


@pytest.mark.parametrize("report, err, match", [
    (np.zeros(3), TypeError, "report must be the result of skthresh.threshold_report"),
    ({"threshold": [0.5], "low": [0.4]}, ValueError,
     "report is missing 'high', 'n_positive', 'untunable'"),
    ({"threshold": [0.5, 0.5], "low": [0.4, 0.4], "high": [0.6, 0.6], "n_positive": [3, 9],
      "untunable": [True]}, ValueError, "'threshold' has 2 entries, but 'untunable' do not"),
    ({"threshold": [], "low": [], "high": [], "n_positive": [], "untunable": []}, ValueError,
     "report has no labels to draw"),
])
def test_report_display_bad_reports(report, err, match):
    """Check the errors for something that is not a threshold report."""
    with pytest.raises(err, match=match):
        ThresholdReportDisplay.from_report(report)


def test_report_display_bad_arguments(report_inputs):
    """Check max_annotations and mismatched arrays; from_scores refuses before any fit."""
    scores, y, report = report_inputs
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError, match="max_annotations must be an integer >= 0"):
            ThresholdReportDisplay.from_report(report, max_annotations=bad)

    class Exploding:
        def fit(self, *args):  # pragma: no cover - must not be called
            raise AssertionError("fitted")

    with pytest.raises(ValueError, match="max_annotations must be an integer >= 0"):
        ThresholdReportDisplay.from_scores(Exploding(), scores, y, max_annotations=-2)
    with pytest.raises(ValueError, match="level must be a number in"):
        ThresholdReportDisplay.from_scores(CoordinateThresholdOptimizer(), scores, y, level=1.5)
    with pytest.raises(ValueError, match="one entry per label, got lengths 2, 3"):
        ThresholdReportDisplay(n_positive=[1, 2], threshold=[0.1, 0.2, 0.3], low=[0, 0, 0],
                               high=[1, 1, 1], untunable=[0, 0, 0]).plot()


@pytest.mark.slow
def test_report_display_imports_matplotlib_only_to_draw(fresh_imports):
    """Check that getting and building ThresholdReportDisplay does not import matplotlib.

    In a fresh interpreter (conftest.py's subprocess, shared with the other
    lazy-import tests), after skthresh, skthresh.metrics and skthresh._display,
    none of which imports matplotlib (test_display.py checks the last two).
    """
    assert fresh_imports["matplotlib_after_report_display"] is False
