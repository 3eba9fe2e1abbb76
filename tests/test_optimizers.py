"""Behaviour of the threshold optimizers on score matrices."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.exceptions import NotFittedError
from sklearn.metrics import f1_score

from skthresh import (
    CoordinateThresholdOptimizer,
    FixedThresholdOptimizer,
    SetMetric,
    SGLThresholdOptimizer,
    get_set_metric,
)
from skthresh._warnings import format_labels
from skthresh.exceptions import SkthreshWarning, UndefinedThresholdWarning

from ._helpers import requires_cuda

ALL = [
    lambda **kw: SGLThresholdOptimizer(device="cpu", **kw),
    lambda **kw: CoordinateThresholdOptimizer(**kw),
]
IDS = ["sgl", "coordinate"]


def _metric(scoring, y, pred, w=None):
    return float(get_set_metric(scoring).score(y.astype(float), pred.astype(float), w, xp=np))


def _candidates(col):
    u = np.unique(col)
    return np.concatenate([[u[0]], (u[1:] + u[:-1]) / 2, [np.inf]])


def _brute_best_label(scores, y, c, thresholds, scoring):
    """Best metric reachable by changing only label c's threshold."""
    best = -1.0
    for t in _candidates(scores[:, c]):
        th = thresholds.copy()
        th[c] = t
        best = max(best, _metric(scoring, y, scores >= th))
    return best


@pytest.mark.parametrize("scoring", ["f1_macro", "jaccard_weighted", "f2_macro"])
def test_coordinate_exact_for_decomposable_averages(scoring):
    """Check that coordinate search finds the brute-force optimum of each label."""
    rng = np.random.default_rng(1)
    y = (rng.random((40, 3)) < 0.35).astype(int)
    scores = np.round(0.5 * y + rng.random((40, 3)), 1)  # many ties
    opt = CoordinateThresholdOptimizer(scoring=scoring).fit(scores, y)
    for c in range(3):
        th = opt.thresholds_
        brute = _brute_best_label(scores, y, c, th, scoring)
        assert opt.best_score_ == pytest.approx(brute, abs=1e-12)


@pytest.mark.parametrize("scoring", ["f1_micro", "f1_samples", "jaccard_micro"])
def test_coordinate_is_a_local_optimum(scoring):
    """Check that no single label's threshold can improve micro/samples coordinate results."""
    rng = np.random.default_rng(2)
    y = (rng.random((30, 4)) < 0.3).astype(int)
    scores = np.round(0.4 * y + rng.random((30, 4)), 2)
    opt = CoordinateThresholdOptimizer(scoring=scoring).fit(scores, y)
    assert opt.best_score_ == pytest.approx(_metric(scoring, y, opt.predict(scores)))
    for c in range(4):
        brute = _brute_best_label(scores, y, c, opt.thresholds_, scoring)
        assert brute <= opt.best_score_ + 1e-12


@pytest.mark.parametrize("make", ALL, ids=IDS)
def test_threshold_never_inside_a_tie_block(make):
    """Check that equal scores always get the same prediction and fit/predict agree."""
    rng = np.random.default_rng(3)
    y = (rng.random((300, 3)) < 0.3).astype(int)
    scores = np.round(0.3 * y + rng.random((300, 3)), 1)  # 10-ish distinct values
    opt = make().fit(scores, y)
    pred = opt.predict(scores)
    for c in range(3):
        for value in np.unique(scores[:, c]):
            assert len(np.unique(pred[scores[:, c] == value, c])) == 1
        assert not np.isin(opt.thresholds_[c], scores[:, c]) or \
            opt.thresholds_[c] == scores[:, c].min()
    np.testing.assert_array_equal(pred, (scores >= opt.thresholds_).astype(int))
    assert opt.best_score_ == pytest.approx(opt.score(scores, y))


def test_sgl_loss_curve_is_the_true_metric(multilabel_scores):
    """Check that loss_curve_ holds the exact metric: its first value is the start's metric."""
    scores, y = multilabel_scores
    opt = SGLThresholdOptimizer(device="cpu").fit(scores, y)
    start = _metric("f1_micro", y, scores >= opt.shared_threshold_)
    assert opt.loss_curve_[0] == pytest.approx(start, abs=1e-12)
    # the returned thresholds are those of the best epoch, scored exactly
    assert max(opt.loss_curve_) == pytest.approx(opt.best_score_, abs=1e-12)
    assert opt.n_iter_ == len(opt.loss_curve_)
    assert opt.best_score_ > start


@pytest.mark.parametrize("scoring", ["f1_micro", "f1_macro", "f1_samples", "jaccard_micro"])
def test_sgl_improves_on_the_shared_threshold(multilabel_scores, scoring):
    """Check that SGL beats the best single shared threshold on its own objective."""
    scores, y = multilabel_scores
    opt = SGLThresholdOptimizer(scoring=scoring, device="cpu").fit(scores, y)
    shared = _metric(scoring, y, scores >= opt.shared_threshold_)
    assert opt.best_score_ > shared
    assert opt.best_score_ == pytest.approx(_metric(scoring, y, opt.predict(scores)))


@pytest.mark.parametrize("make", ALL, ids=IDS)
def test_invariant_to_increasing_transforms(multilabel_scores, make):
    """Check that probabilities, logits and rescaled margins give the same predictions."""
    scores, y = multilabel_scores
    base = make().fit(scores, y)
    logits = np.log(scores / (1 - scores))
    for transformed in (logits, 37.0 * logits - 5.0):
        opt = make().fit(transformed, y)
        np.testing.assert_array_equal(opt.predict(transformed), base.predict(scores))


def test_sgl_binning_is_exact_for_small_data_and_close_for_large():
    """Check that rank bins change nothing when n <= n_bins and little otherwise."""
    rng = np.random.default_rng(4)
    y = (rng.random((3000, 5)) < 0.1).astype(int)
    scores = rng.normal(size=y.shape) + 1.5 * y
    exact = SGLThresholdOptimizer(device="cpu", n_bins=4096).fit(scores, y)
    binned = SGLThresholdOptimizer(device="cpu", n_bins=256).fit(scores, y)
    assert binned.best_score_ == pytest.approx(
        _metric("f1_micro", y, binned.predict(scores)), abs=1e-12)
    assert abs(binned.best_score_ - exact.best_score_) < 0.01


def test_fixed_optimizer_is_a_constant_cut(multilabel_scores):
    """Check that the fixed optimizer cuts every label at its constant."""
    scores, y = multilabel_scores
    opt = FixedThresholdOptimizer(0.3).fit(scores, y)
    np.testing.assert_array_equal(opt.thresholds_, np.full(6, 0.3))
    np.testing.assert_array_equal(opt.predict(scores), (scores >= 0.3).astype(int))
    assert opt.best_score_ == pytest.approx(f1_score(y, scores >= 0.3, average="micro"))


@pytest.mark.parametrize("make", ALL, ids=IDS)
def test_label_without_positive_falls_back_and_warns(multilabel_scores, make):
    """Check that a label with no positive gets the shared threshold and a warning naming it."""
    scores, y = multilabel_scores
    y = y.copy()
    y[:, 4] = 0
    with pytest.warns(UndefinedThresholdWarning, match=r"Label\(s\) \[4\] have no positive"):
        opt = make().fit(scores, y)
    assert np.isfinite(opt.thresholds_).all()
    assert opt.thresholds_[4] == opt.shared_threshold_


def test_predict_everything_warns():
    """Check that a label whose best cut predicts every row is reported."""
    rng = np.random.default_rng(5)
    y = np.zeros((50, 2), dtype=int)
    y[:, 0] = rng.random(50) < 0.5
    y[:45, 1] = 1  # nearly always positive, scores useless
    scores = rng.random((50, 2))
    scores[:, 0] += y[:, 0]
    with pytest.warns(UndefinedThresholdWarning, match=r"label\(s\) \[1\] predicts every"):
        opt = CoordinateThresholdOptimizer(scoring="f1_macro").fit(scores, y)
    assert opt.thresholds_[1] == scores[:, 1].min()


def test_one_dimensional_scores():
    """Check that 1-D scores give one threshold and 1-D predictions."""
    rng = np.random.default_rng(6)
    y = (rng.random(100) < 0.3).astype(int)
    scores = rng.random(100) + y
    opt = SGLThresholdOptimizer(device="cpu").fit(scores, y)
    assert opt.thresholds_.shape == (1,)
    assert opt.predict(scores).shape == (100,)


@pytest.mark.parametrize(
    "scores, y, match",
    [
        (np.array([[0.1, np.nan], [0.2, 0.3]]), np.eye(2), "NaN or infinite"),
        (np.array([[0.1, np.inf], [0.2, 0.3]]), np.eye(2), "NaN or infinite"),
        (np.ones((2, 2)), np.array([[0, 2], [1, 0]]), r"values in \[0, 1\]"),
        (np.ones((2, 2)), np.array([[0, 0.5], [np.nan, 0]]), "NaN or infinite"),
        (np.ones((3, 2)), np.eye(2), "does not match the scores' shape"),
        (np.ones((2, 3)), np.eye(2), "does not match the scores' shape"),
    ],
)
@pytest.mark.parametrize("make", ALL, ids=IDS)
def test_bad_input_is_refused(make, scores, y, match):
    """Check that NaN, out-of-range targets and shape mismatches raise clear errors."""
    with pytest.raises(ValueError, match=match):
        make().fit(scores, y)


def test_bad_sample_weight_and_scoring():
    """Check the errors for negative weights and unknown metric names."""
    scores, y = np.random.rand(5, 2), np.eye(5, 2)
    with pytest.raises(ValueError, match="non-negative"):
        CoordinateThresholdOptimizer().fit(scores, y, sample_weight=[1, 1, -1, 1, 1])
    with pytest.raises(ValueError, match="Unknown scoring 'f1_mikro'"):
        CoordinateThresholdOptimizer(scoring="f1_mikro").fit(scores, y)


@pytest.mark.parametrize("make", ALL, ids=IDS)
def test_predict_before_fit_and_wrong_width(make, multilabel_scores):
    """Check NotFittedError before fit and a clear error on a wrong number of labels."""
    scores, y = multilabel_scores
    opt = make()
    with pytest.raises(NotFittedError):
        opt.predict(scores)
    opt.fit(scores, y)
    with pytest.raises(ValueError, match="has 5 label column"):
        opt.predict(scores[:, :5])


def test_integer_weights_equal_duplicated_rows(multilabel_scores):
    """Check that weighted counts equal repeated rows for the exact optimizer."""
    scores, y = multilabel_scores
    w = np.random.default_rng(7).integers(0, 4, size=len(y))
    weighted = CoordinateThresholdOptimizer().fit(scores, y, sample_weight=w)
    repeated = CoordinateThresholdOptimizer().fit(np.repeat(scores, w, axis=0),
                                                  np.repeat(y, w, axis=0))
    np.testing.assert_array_equal(weighted.predict(scores), repeated.predict(scores))
    assert weighted.best_score_ == pytest.approx(repeated.best_score_)


def test_sgl_sample_weight_weights_the_objective():
    """Check that SGL maximises the weighted metric: rows of small weight barely count.

    The second half of the rows follows another score model; weighted down to
    0.05, SGL must find thresholds that score clearly better on the weighted
    metric than those it learns without weights, and report that metric.
    """
    rng = np.random.default_rng(0)
    y = (rng.random((400, 4)) < 0.3).astype(int)
    scores = np.clip(0.35 * y + 0.65 * rng.random(y.shape), 0, 1)
    scores[200:] = np.clip(scores[200:] - 0.3 * y[200:], 0, 1)
    w = np.where(np.arange(400) < 200, 1.0, 0.05)
    metric = get_set_metric("f1_micro")

    def weighted_f1(opt):
        pred = (scores >= opt.thresholds_).astype(float)
        return float(metric.score(y.astype(float), pred, w, xp=np))

    weighted = SGLThresholdOptimizer(device="cpu").fit(scores, y, sample_weight=w)
    plain = SGLThresholdOptimizer(device="cpu").fit(scores, y)
    assert weighted.best_score_ == pytest.approx(weighted_f1(weighted))
    assert weighted_f1(weighted) > weighted_f1(plain) + 0.02


def test_soft_targets_are_learned_against(multilabel_scores):
    """Check that soft targets are accepted and scored with the JDT counts."""
    scores, y = multilabel_scores
    soft = np.clip(y * 0.8 + 0.1, 0, 1)
    opt = SGLThresholdOptimizer(device="cpu").fit(scores, soft)
    expected = get_set_metric("f1_micro").score(soft, opt.predict(scores).astype(float), xp=np)
    assert opt.best_score_ == pytest.approx(expected)


def test_tversky_objective_moves_thresholds_toward_recall(multilabel_scores):
    """Check that a Tversky metric that punishes misses gives lower thresholds."""
    scores, y = multilabel_scores
    f1 = CoordinateThresholdOptimizer(scoring="f1_macro").fit(scores, y)
    recall_heavy = CoordinateThresholdOptimizer(
        scoring=SetMetric.tversky(0.1, 0.9, average="macro")).fit(scores, y)
    assert (recall_heavy.thresholds_ <= f1.thresholds_ + 1e-12).all()
    assert (recall_heavy.thresholds_ < f1.thresholds_).any()


def test_seeded_runs_are_deterministic(multilabel_scores):
    """Check that two seeded fits, bagged or not, give identical thresholds."""
    scores, y = multilabel_scores
    for kw in ({}, {"n_bootstrap": 5, "random_state": 0}):
        a = SGLThresholdOptimizer(device="cpu", **kw).fit(scores, y)
        b = SGLThresholdOptimizer(device="cpu", **kw).fit(scores, y)
        np.testing.assert_array_equal(a.thresholds_, b.thresholds_)
        assert a.loss_curve_ == b.loss_curve_


def test_bootstrap_bagging_uses_random_state(multilabel_scores):
    """Check that bagged fits depend on the seed and stay valid."""
    scores, y = multilabel_scores
    fits = [SGLThresholdOptimizer(device="cpu", n_bootstrap=8, random_state=s).fit(scores, y)
            for s in range(4)]
    assert len({tuple(f.thresholds_) for f in fits}) > 1
    for f in fits:
        assert f.best_score_ == pytest.approx(_metric("f1_micro", y, f.predict(scores)))


def test_fitted_state_is_numpy_and_pickles(multilabel_scores):
    """Check that no tensor leaks into the fitted state and pickling keeps predictions."""
    scores, y = multilabel_scores
    opt = SGLThresholdOptimizer(device="cpu").fit(scores, y)
    assert not any(isinstance(v, torch.Tensor) for v in vars(opt).values())
    assert isinstance(opt.thresholds_, np.ndarray) and opt.thresholds_.dtype == np.float64
    loaded = pickle.loads(pickle.dumps(opt))
    np.testing.assert_array_equal(loaded.predict(scores), opt.predict(scores))


def test_device_errors_and_choices(multilabel_scores, monkeypatch):
    """Check device resolution: auto, explicit CPU, torch.device, and CUDA without CUDA."""
    scores, y = multilabel_scores
    base = SGLThresholdOptimizer(device="cpu").fit(scores, y).thresholds_
    for dev in ("auto", torch.device("cpu")):
        monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
        np.testing.assert_array_equal(SGLThresholdOptimizer(device=dev).fit(scores, y)
                                      .thresholds_, base)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match=r"asks for CUDA, but CUDA is not available.*device=.cpu."):
        SGLThresholdOptimizer(device="cuda:1").fit(scores, y)
    with pytest.raises(ValueError, match="device must be"):
        SGLThresholdOptimizer(device="gpu please").fit(scores, y)


@requires_cuda
def test_cuda_matches_cpu(multilabel_scores):
    """Check that the CUDA path gives the CPU thresholds (up to float32 rounding)."""
    scores, y = multilabel_scores
    cpu = SGLThresholdOptimizer(device="cpu").fit(scores, y)
    gpu = SGLThresholdOptimizer(device="cuda").fit(scores, y)
    assert isinstance(gpu.thresholds_, np.ndarray)
    assert gpu.best_score_ == pytest.approx(cpu.best_score_, abs=0.01)


@pytest.mark.parametrize("scoring", ["f1_micro", "f1_macro", "f1_samples"])
@pytest.mark.parametrize("learn_sigma", [True, False])
def test_float32_working_dtype_as_on_cuda(multilabel_scores, monkeypatch, scoring, learn_sigma):
    """Check SGL in float32, the working dtype on CUDA, here on the CPU (CI has no GPU)."""
    import skthresh._sgl as sgl

    scores, y = multilabel_scores
    params = dict(scoring=scoring, learn_sigma=learn_sigma, device="cpu")
    reference = SGLThresholdOptimizer(**params).fit(scores, y)
    monkeypatch.setattr(sgl, "working_dtype", lambda device: torch.float32)
    narrow = SGLThresholdOptimizer(**params).fit(scores, y)
    assert np.isfinite(narrow.thresholds_).all()
    assert narrow.best_score_ == pytest.approx(reference.best_score_, abs=0.01)


@pytest.mark.parametrize("scoring", ["f1_micro", "f1_samples"])
def test_fit_inside_a_callers_inference_mode(multilabel_scores, scoring):
    """Check that SGL fits alike inside torch.inference_mode (the per-sample average
    runs autograd, which inference mode forbids)."""
    scores, y = multilabel_scores
    outside = SGLThresholdOptimizer(scoring=scoring, max_iter=20).fit(scores, y)
    with torch.inference_mode():
        inside = SGLThresholdOptimizer(scoring=scoring, max_iter=20).fit(scores, y)
    np.testing.assert_array_equal(inside.thresholds_, outside.thresholds_)


def test_verbose_prints_progress(multilabel_scores, capsys, monkeypatch):
    """Check that verbose=2 prints the epochs (one line each without a rate limit, else the
    first and the last) and the summary, on stdout."""
    from skthresh import _progress

    scores, y = multilabel_scores
    params = dict(device="cpu", verbose=2, max_iter=5, n_iter_no_change=100)
    monkeypatch.setattr(_progress, "MIN_INTERVAL", 0.0)
    opt = SGLThresholdOptimizer(**params).fit(scores, y)
    out = capsys.readouterr().out
    assert out.count("SGL epoch") == opt.n_iter_ == 5
    assert "SGL: 5 epochs, best f1_micro = " in out
    monkeypatch.setattr(_progress, "MIN_INTERVAL", 3600.0)
    SGLThresholdOptimizer(**params).fit(scores, y)
    epochs = [line for line in capsys.readouterr().out.splitlines() if "SGL epoch" in line]
    assert [line.split(":")[0] for line in epochs] == ["SGL epoch 1", "SGL epoch 5"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CoordinateThresholdOptimizer(verbose=1).fit(scores, y)
    assert "coordinate pass 1" in capsys.readouterr().out


@pytest.mark.parametrize("make", ALL, ids=IDS)
def test_fast_and_general_count_paths_agree(multilabel_scores, make):
    """Check that hard targets (sort-only path) and constant weights (argsort path) agree."""
    scores, y = multilabel_scores
    fast = make().fit(scores, y)
    general = make().fit(scores, y, sample_weight=np.full(len(y), 2.0))
    np.testing.assert_array_equal(fast.thresholds_, general.thresholds_)
    assert fast.best_score_ == pytest.approx(general.best_score_)


@pytest.mark.parametrize("make", ALL, ids=IDS)
@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("n_labels", [1, 3])
def test_inputs_are_never_modified(make, order, n_labels):
    """Check that fitting leaves the caller's scores and targets untouched."""
    rng = np.random.default_rng(9)
    y = np.asarray((rng.random((200, n_labels)) < 0.3).astype(int), order=order)
    scores = np.asarray(rng.random((200, n_labels)) + y, order=order)
    scores_before, y_before = scores.copy(), y.copy()
    opt = make().fit(scores, y)
    np.testing.assert_array_equal(scores, scores_before)
    np.testing.assert_array_equal(y, y_before)
    assert opt.best_score_ > 0.9


def test_largest_float32_score_fits_without_warnings():
    """Check that a score at float32's maximum leaks no overflow warning from the fits."""
    rng = np.random.default_rng(16)
    y = (rng.random((60, 3)) < 0.3).astype(int)
    scores = (rng.random((60, 3)) + y).astype(np.float32)
    scores[0, 0] = np.finfo(np.float32).max
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for make in ALL:
            make().fit(scores, y)


@pytest.mark.parametrize("all_missing", [False, True], ids=["some", "all"])
def test_warning_about_many_labels_stays_short(all_missing):
    """Check that a warning about thousands of labels lists a count and the first few only,
    and that its ``labels`` still hold every one."""
    rng = np.random.default_rng(0)
    y = np.zeros((20, 3000), dtype=int)
    if not all_missing:
        y[:, 0] = rng.random(20) < 0.5
    n_missing = 3000 if all_missing else 2999
    shortened = rf"\[\d+, .*, \.\.\.\] \({n_missing} in all\)"
    with pytest.warns(UndefinedThresholdWarning, match=shortened) as record:
        CoordinateThresholdOptimizer(scoring="f1_macro").fit(rng.random((20, 3000)), y)
    (w,) = [w for w in record if issubclass(w.category, UndefinedThresholdWarning)]
    assert len(str(w.message)) < 500
    assert len(w.message.labels) == n_missing


def test_renamed_warning_keeps_the_short_list():
    """Check that renaming a shortened warning names the same labels by name."""
    labels = list(range(1, 13))
    w = UndefinedThresholdWarning(f"Label(s) {format_labels(labels)} have no positive.", labels)
    named = w.renamed([f"n{i}" for i in range(13)])
    assert str(named) == ("Label(s) ['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', "
                          "'n8', 'n9', 'n10', ...] (12 in all) have no positive.")
    assert named.labels == [f"n{i}" for i in range(1, 13)]


@pytest.mark.parametrize("make", ALL, ids=IDS)
@pytest.mark.parametrize("targets_named", [False, True], ids=["numpy_y", "named_y"])
def test_warnings_name_the_labels_of_a_scores_dataframe(make, targets_named):
    """Check that warnings name a DataFrame's labels by name (with NumPy targets too), and
    that their ``labels`` hold the names."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    y = (rng.random((60, 3)) < 0.4).astype(int)
    y[:, 1] = 0
    names = ["cat", "dog", "bird"]
    scores = pd.DataFrame(rng.random((60, 3)) + y, columns=names)
    targets = pd.DataFrame(y, columns=names) if targets_named else y
    with pytest.warns(UndefinedThresholdWarning,
                      match=r"Label\(s\) \['dog'\] have no positive") as record:
        make().fit(scores, targets)
    undefined = [w for w in record if issubclass(w.category, UndefinedThresholdWarning)]
    assert [w.message.labels for w in undefined] == [["dog"]]


def test_sgl_init_warning_names_the_labels():
    """Check that the warning about init outside the scores names labels by name."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    y = (rng.random((60, 2)) < 0.4).astype(int)
    scores = pd.DataFrame(rng.random((60, 2)) + y, columns=["cat", "dog"])
    with pytest.warns(SkthreshWarning, match=r"init puts the threshold of label\(s\) "
                                             r"\['cat', 'dog'\] outside"):
        SGLThresholdOptimizer(init=5.0, max_iter=2).fit(scores, y)


@pytest.mark.parametrize("make", [*ALL, lambda **kw: FixedThresholdOptimizer(**kw)],
                         ids=[*IDS, "fixed"])
def test_unnamed_scores_after_a_named_fit_warn(make):
    """Check that predict and score warn when given an array after a fit on a DataFrame,
    as scikit-learn does for feature names, and not when given a DataFrame."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    y = (rng.random((60, 3)) < 0.4).astype(int)
    s = rng.random((60, 3)) + y
    opt = make().fit(pd.DataFrame(s, columns=["a", "b", "c"]), y)
    match = (r"y_score has no label names, but \w+ThresholdOptimizer was fitted with label "
             r"names: its columns are taken by position, in fit's order \['a', 'b', 'c'\]")
    with pytest.warns(SkthreshWarning, match=match):
        pred = opt.predict(s)
    with pytest.warns(SkthreshWarning, match=match):
        opt.score(s, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(opt.predict(pd.DataFrame(s, columns=["a", "b", "c"])),
                                      pred)
        opt.score(pd.DataFrame(s, columns=["a", "b", "c"]), y)


@pytest.mark.parametrize("make", [CoordinateThresholdOptimizer, FixedThresholdOptimizer])
def test_named_scores_after_an_unnamed_fit_warn(make):
    """Check that predict warns when given named columns after a fit on an array."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    y = (rng.random((60, 3)) < 0.4).astype(int)
    s = rng.random((60, 3)) + y
    opt = make().fit(s, y)
    with pytest.warns(SkthreshWarning, match=r"y_score has label names, but \w+ was fitted "
                                             r"without label names: its columns \['a', 'b', "
                                             r"'c'\] are taken by position"):
        opt.predict(pd.DataFrame(s, columns=["a", "b", "c"]))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.predict(pd.DataFrame(s))  # columns 0, 1, 2: position and name agree


def test_default_column_positions_are_no_names():
    """Check that a DataFrame whose columns are its positions (0, 1, ...) draws no warning
    for arrays later: position and name pair alike."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    y = (rng.random((60, 3)) < 0.4).astype(int)
    s = rng.random((60, 3)) + y
    opt = CoordinateThresholdOptimizer().fit(pd.DataFrame(s), y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.predict(s)


def _brute_decomposable(scores, y, scoring):
    """Exact optimum of a macro or weighted average: each label's best threshold on its own,
    among every distinct score and +inf, from the textbook F-beta and Jaccard formulas."""
    name, average = scoring.split("_")
    per_label = []
    for c in range(y.shape[1]):
        pred = scores[:, c][None] >= np.append(np.unique(scores[:, c]), np.inf)[:, None]
        tp = (pred & (y[:, c] == 1)).sum(axis=1)
        fp = (pred & (y[:, c] == 0)).sum(axis=1)
        fn = (~pred & (y[:, c] == 1)).sum(axis=1)
        if name == "jaccard":
            num, den = tp, tp + fp + fn
        else:
            b2 = float(name[1:]) ** 2
            num, den = (1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp
        per_label.append(np.max(np.where(den > 0, num / np.maximum(den, 1), 0.0)))
    support = y.sum(axis=0) if average == "weighted" else None
    return float(np.average(per_label, weights=support))


@pytest.mark.parametrize("scoring", ["f1_macro", "f1_weighted", "f2_macro", "jaccard_weighted"])
def test_coordinate_equals_brute_force_on_tie_free_problems(scoring):
    """Check the documented statement: without ties (so no bottom-tie fallback) and with
    positives in every label, coordinate ascent reaches the brute-force optimum."""
    for seed in range(50):
        rng = np.random.default_rng(seed)
        y = (rng.random((16, 4)) < 0.4).astype(int)
        y[0], y[1] = 1, 0  # every label has a positive and a negative
        scores = 0.3 * y + rng.random((16, 4))  # continuous: no two scores tie
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            opt = CoordinateThresholdOptimizer(scoring=scoring).fit(scores, y)
        assert not [w for w in caught if "shared by all labels" in str(w.message)]  # no fallback
        assert opt.best_score_ == pytest.approx(_brute_decomposable(scores, y, scoring),
                                                abs=1e-12), seed


def test_coordinate_bottom_tie_fallback_warns_and_can_miss_the_optimum():
    """Check the documented exception: a label whose best cut predicts every row while its
    lowest scores tie takes the shared threshold, with a warning, and the fit scores below
    the brute-force optimum."""
    scores = np.array([[0.1, 0.2], [0.1, 0.9], [0.5, 0.3], [0.6, 0.8], [0.7, 0.1], [0.8, 0.7]])
    y = np.array([[1, 0], [0, 1], [1, 0], [1, 1], [1, 0], [1, 1]])
    with pytest.warns(UndefinedThresholdWarning, match=r"Label\(s\) \[0\] would predict every "
                                                       "tuning row only because their lowest"):
        opt = CoordinateThresholdOptimizer(scoring="f1_macro").fit(scores, y)
    assert opt.thresholds_[0] == opt.shared_threshold_
    assert opt.best_score_ < _brute_decomposable(scores, y, "f1_macro") - 0.005


# ------------------------------------------------ labels without positives, ties, shrinkage
OPTIMIZERS = [SGLThresholdOptimizer, CoordinateThresholdOptimizer]


SCORINGS = ["f1_micro", "f1_macro", "f1_weighted", "f1_samples"]


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


# ------------------------------------------------ parameters, weights and named columns
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


def test_fixed_threshold_is_checked_as_every_threshold():
    """Check that a NaN constant is refused, and that +inf means "never"."""
    scores, y = np.random.rand(10, 2), np.eye(10, 2)
    with pytest.raises(ValueError, match="threshold"):
        FixedThresholdOptimizer(np.nan).fit(scores, y)
    assert FixedThresholdOptimizer(np.inf).fit(scores, y).predict(scores).sum() == 0


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


@pytest.mark.parametrize("scoring", ["jaccard_weighted", "f1_macro"])
def test_exact_ties_between_shared_candidates_resolve_alike_on_both_count_paths(scoring):
    """Check the shared threshold where two candidates score equal in exact arithmetic.

    Candidates 0.025 and 0.135 tie on these rows (jaccard_weighted); summed in
    different orders their values differ in the last bit, and the count paths
    lay their counts out differently in memory. Weights of 2 take the general
    path with the same values (scaling by 2 is exact).
    """
    scores = np.array([
        [.53, .82, .84, .52, .04, .14, .91, .13, .18, .84, .31, .91, .52, .67, .90, .59],
        [.42, .64, .47, .56, .04, .22, .03, .29, .28, .02, .92, .33, .61, .25, .65, .22],
        [.85, .92, .19, .80, .54, .81, .44, .85, .10, .39, .49, .23, .90, .41, .29, .97],
        [.62, .97, .07, .70, .50, .31, .12, .57, .57, .43, .42, .10, .15, .12, .72, .56]])
    y = np.array([[0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 0, 1, 0, 1, 0, 0],
                  [1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
                  [0, 0, 1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1, 0],
                  [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 0]])
    for cls in (SGLThresholdOptimizer, CoordinateThresholdOptimizer):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # label 5 has no positive
            hard = cls(scoring=scoring).fit(scores, y)
            general = cls(scoring=scoring).fit(scores, y, np.full(4, 2.0))
        assert hard.shared_threshold_ == general.shared_threshold_
        np.testing.assert_array_equal(hard.thresholds_, general.thresholds_)
        assert hard.best_score_ == pytest.approx(general.best_score_, abs=1e-12)
