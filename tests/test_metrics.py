"""Tests of skthresh.metrics.

Hard labels: equality with scikit-learn's f1_score, fbeta_score and jaccard_score
(multilabel-indicator input, every average, zero_division 0, 1 and nan, with and
without sample weights). Soft labels: properties of the JDT counts and of the
Tversky family. Input validation, warnings and the scikit-learn scorers.
"""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn import metrics as skm
from sklearn.datasets import make_multilabel_classification
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.neighbors import KNeighborsClassifier
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.extmath import _nanaverage

from skthresh import SetMetric, get_set_metric
from skthresh.metrics import (
    confusion_counts,
    f1_score,
    fbeta_score,
    get_scorer_names,
    jaccard_score,
    make_set_scorer,
    tversky_score,
)

AVERAGES = ("micro", "macro", "weighted", "samples", None)
ZERO_DIVISIONS = (0.0, 1.0, np.nan)
ATOL = 1e-12


def assert_close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=0, atol=ATOL, equal_nan=True)


# --------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------


@st.composite
def sample_weights(draw, n_samples):
    """None, or weights > 0 (some rows with weight 0 too, never all)."""
    if draw(st.booleans()):
        return None
    weights = draw(
        arrays(
            np.float64,
            n_samples,
            elements=st.one_of(st.just(0.0), st.floats(0.1, 10.0)),
        )
    )
    if not (weights > 0).any():
        weights[0] = 1.0
    return weights


@st.composite
def hard_problems(draw):
    """0/1 (y_true, y_pred, sample_weight), with empty rows and labels likely."""
    n = draw(st.integers(1, 30))
    k = draw(st.integers(1, 8))
    y = [draw(arrays(np.int64, (n, k), elements=st.integers(0, 1))) for _ in range(2)]
    for m in y:  # empty some rows and labels
        m[draw(arrays(np.bool_, n)), :] = 0
        m[:, draw(arrays(np.bool_, k))] = 0
    return y[0], y[1], draw(sample_weights(n))


unit_floats = st.one_of(
    st.sampled_from([0.0, 1.0]),
    st.floats(0.0, 1.0, allow_nan=False, allow_subnormal=False),
)


@st.composite
def soft_problems(draw):
    """Soft (y_true, y_pred, sample_weight) in [0, 1]."""
    n = draw(st.integers(1, 30))
    k = draw(st.integers(1, 8))
    y_true = draw(arrays(np.float64, (n, k), elements=unit_floats))
    y_pred = draw(arrays(np.float64, (n, k), elements=unit_floats))
    return y_true, y_pred, draw(sample_weights(n))


# --------------------------------------------------------------------------
# scikit-learn references
# --------------------------------------------------------------------------


def _two_columns(y):
    # scikit-learn reads a single column as binary; a duplicated label keeps
    # every average (and the per-label scores) unchanged.
    return np.hstack([y, y]) if y.shape[1] == 1 else y


def sklearn_score(name, y_true, y_pred, average, zero_division, sample_weight, beta):
    k = y_true.shape[1]
    y_true, y_pred = _two_columns(y_true), _two_columns(y_pred)
    kwargs = dict(average=average, sample_weight=sample_weight, zero_division=zero_division)
    if name == "jaccard" and np.isnan(zero_division):
        out = sklearn_jaccard_nan(y_true, y_pred, average, sample_weight)
        return out[:k] if average is None else out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        if name == "f1":
            out = skm.f1_score(y_true, y_pred, **kwargs)
        elif name == "fbeta":
            out = skm.fbeta_score(y_true, y_pred, beta=beta, **kwargs)
        else:
            out = skm.jaccard_score(y_true, y_pred, **kwargs)
    return out[:k] if average is None else out


def sklearn_jaccard_nan(y_true, y_pred, average, sample_weight):
    """sklearn's jaccard_score refuses zero_division=nan: build it from its parts.

    Undefined items (no true and no predicted positive) are NaN and left out of
    the average, as sklearn's f1_score does with zero_division=nan.
    """
    weights = np.ones(len(y_true)) if sample_weight is None else sample_weight
    active = weights > 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        if average == "micro":
            defined = ((y_true + y_pred)[active] > 0).any()
            return skm.jaccard_score(
                y_true, y_pred, average="micro", sample_weight=sample_weight, zero_division=0.0
            ) if defined else np.nan
        if average == "samples":  # per-row scores = per-label scores of the transpose
            per_item = skm.jaccard_score(
                _two_columns(y_true.T),
                _two_columns(y_pred.T), average=None, zero_division=0.0,
            )[: len(y_true)]
            undefined = ((y_true + y_pred) == 0).all(axis=1) | ~active
            per_item = np.where(undefined, np.nan, per_item)
            return _nanaverage(per_item, weights=sample_weight)
        per_item = skm.jaccard_score(
            y_true, y_pred, average=None, sample_weight=sample_weight, zero_division=0.0
        )
    undefined = ((y_true + y_pred)[active] == 0).all(axis=0)
    per_item = np.where(undefined, np.nan, per_item)
    if average is None:
        return per_item
    if average == "macro":
        return _nanaverage(per_item)
    return _nanaverage(per_item, weights=(weights[:, None] * y_true).sum(axis=0))


def ours(name, y_true, y_pred, average, zero_division, sample_weight, beta):
    kwargs = dict(average=average, sample_weight=sample_weight, zero_division=zero_division)
    if name == "f1":
        return f1_score(y_true, y_pred, **kwargs)
    if name == "fbeta":
        return fbeta_score(y_true, y_pred, beta=beta, **kwargs)
    return jaccard_score(y_true, y_pred, **kwargs)


# --------------------------------------------------------------------------
# Hard labels: equality with scikit-learn
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["f1", "fbeta", "jaccard"])
@settings(max_examples=25, deadline=None)  # each: 5 averages x 3 zero_division vs sklearn
@given(problem=hard_problems(), beta=st.sampled_from([0.5, 2.0, 3.7]))
def test_hard_labels_equal_sklearn(name, problem, beta):
    y_true, y_pred, sample_weight = problem
    for average in AVERAGES:
        for zero_division in ZERO_DIVISIONS:
            expected = sklearn_score(
                name, y_true, y_pred, average, zero_division, sample_weight, beta
            )
            actual = ours(name, y_true, y_pred, average, zero_division, sample_weight, beta)
            if average is None:
                assert isinstance(actual, np.ndarray) and actual.shape == (y_true.shape[1],)
            else:
                assert isinstance(actual, float)
            assert_close(actual, expected)


@pytest.mark.parametrize(
    "y_true, y_pred",
    [
        (np.zeros((3, 4)), np.zeros((3, 4))),  # nothing anywhere
        (np.zeros((3, 4)), np.eye(3, 4)),  # zero support, some predictions
        (np.eye(3, 4), np.zeros((3, 4))),  # nothing predicted
        (np.array([[1, 0, 0], [0, 0, 0]]), np.array([[1, 0, 0], [0, 0, 0]])),  # empty row
    ],
)
@pytest.mark.parametrize("name", ["f1", "fbeta", "jaccard"])
@pytest.mark.parametrize("sample_weight", [None, [1.0, 0.0, 2.0]])
def test_edge_cases_equal_sklearn(name, y_true, y_pred, sample_weight):
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight[: len(y_true)])
        if not (sample_weight > 0).any():
            sample_weight[0] = 1.0
    for average in AVERAGES:
        for zero_division in ZERO_DIVISIONS:
            expected = sklearn_score(
                name, y_true, y_pred, average, zero_division, sample_weight, 2.0
            )
            actual = ours(name, y_true, y_pred, average, zero_division, sample_weight, 2.0)
            assert_close(actual, expected)


def test_weighted_with_zero_support_is_the_plain_mean():
    # sklearn: when no label has a true positive target, "weighted" falls back
    # to the plain mean of the per-label scores (not 0 as a weighted mean would).
    y_true = np.zeros((2, 3))
    y_pred = np.array([[1, 0, 0], [0, 0, 0]])
    assert f1_score(y_true, y_pred, average="weighted", zero_division=1.0) == pytest.approx(2 / 3)
    assert f1_score(y_true, y_pred, average="weighted", zero_division=np.nan) == 0.0
    assert np.isnan(f1_score(y_true, y_true, average="weighted", zero_division=np.nan))


@pytest.mark.parametrize("name", ["f1", "fbeta", "jaccard"])
@pytest.mark.parametrize("average", ["micro", "macro", "weighted", None])
def test_1d_input_is_one_label(name, average):
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 2, 20), rng.integers(0, 2, 20)
    for yt, yp in [(y_true, y_pred), (np.zeros(5), np.zeros(5)), (np.zeros(5), np.ones(5))]:
        for zero_division in (0.0, 1.0):
            actual = ours(name, yt, yp, average, zero_division, None, 2.0)
            func = {"f1": skm.f1_score, "jaccard": skm.jaccard_score}.get(name)
            kwargs = dict(average="binary", zero_division=zero_division)
            if func is None:
                expected = skm.fbeta_score(yt, yp, beta=2.0, **kwargs)
            else:
                expected = func(yt, yp, **kwargs)
            if average is None:
                assert actual.shape == (1,)
            assert_close(actual, expected)


def test_1d_input_refuses_samples_average():
    with pytest.raises(ValueError, match="Samplewise metrics are not available"):
        f1_score([0, 1, 1], [0, 1, 0], average="samples")


# --------------------------------------------------------------------------
# Soft labels: properties
# --------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(problem=soft_problems())
def test_soft_counts(problem):
    y_true, y_pred, sample_weight = problem
    w = np.ones((len(y_true), 1)) if sample_weight is None else sample_weight[:, None]
    for axis in (0, 1):
        tp, fp, fn = confusion_counts(y_true, y_pred, sample_weight=sample_weight, axis=axis)
        assert_close(tp + fn, (w * y_true).sum(axis=axis))
        assert_close(tp + fp, (w * y_pred).sum(axis=axis))
        assert_close(tp, (w * np.minimum(y_true, y_pred)).sum(axis=axis))
        assert (fp >= -ATOL).all() and (fn >= -ATOL).all()


@settings(max_examples=30, deadline=None)
@given(problem=soft_problems())
def test_soft_perfect_prediction_scores_one(problem):
    y_true, _, sample_weight = problem
    for func in (f1_score, jaccard_score, fbeta_score, tversky_score):
        for average in AVERAGES:
            # undefined items (all-zero labels or rows) score zero_division=1
            assert_close(
                func(y_true, y_true, average=average, sample_weight=sample_weight,
                     zero_division=1.0),
                1.0,
            )
        w = 1.0 if sample_weight is None else sample_weight[:, None]
        if (w * y_true).sum() > 0:
            assert func(y_true, y_true, sample_weight=sample_weight) == 1.0


@settings(max_examples=20, deadline=None)  # each: 5 averages x 3 zero_division x 5 identities
@given(problem=soft_problems())
def test_soft_tversky_family(problem):
    y_true, y_pred, sample_weight = problem
    for average in AVERAGES:
        for zero_division in ZERO_DIVISIONS:
            kwargs = dict(average=average, sample_weight=sample_weight,
                          zero_division=zero_division)
            f1 = f1_score(y_true, y_pred, **kwargs)
            jaccard = jaccard_score(y_true, y_pred, **kwargs)
            assert_close(tversky_score(y_true, y_pred, alpha=0.5, beta=0.5, **kwargs), f1)
            assert_close(tversky_score(y_true, y_pred, alpha=1.0, beta=1.0, **kwargs), jaccard)
            assert_close(fbeta_score(y_true, y_pred, beta=1.0, **kwargs), f1)
            assert_close(
                fbeta_score(y_true, y_pred, beta=2.0, **kwargs),
                tversky_score(y_true, y_pred, alpha=0.2, beta=0.8, **kwargs),
            )
            for score in (f1, jaccard):
                score = np.asarray(score)
                assert ((score >= -ATOL) & (score <= 1 + ATOL) | np.isnan(score)).all()
            if average is None:  # per item J = F1 / (2 - F1) where defined
                assert_close(jaccard, f1 / (2 - f1))


@settings(max_examples=40, deadline=None)
@given(problem=soft_problems(), name=st.sampled_from(
    ["f1_micro", "f2_macro", "f0.5_samples", "jaccard_weighted", "jaccard_macro"]
))
def test_same_value_as_set_metric_core(problem, name):
    # Away from sklearn's edge cases (zero total support, nan), the functions
    # give SetMetric.score's value: one definition of the metrics.
    y_true, y_pred, sample_weight = problem
    metric = get_set_metric(name)
    if metric.average == "weighted" and not y_true.any():
        y_true[0, 0] = 1.0
    if name.startswith("jaccard"):
        func, kwargs = jaccard_score, {}
    else:
        func, kwargs = fbeta_score, {"beta": float(name[1:].split("_")[0])}
    for zero_division in (0.0, 1.0):
        expected = metric.score(y_true, y_pred, sample_weight, xp=np,
                                zero_division=zero_division)
        actual = func(y_true, y_pred, average=metric.average, sample_weight=sample_weight,
                      zero_division=zero_division, **kwargs)
        assert_close(actual, expected)


def test_soft_jaccard_is_minimised_at_the_target():
    # The numbers of docs/user_guide/metrics.rst: one pixel with target 0.5.
    def classic_soft_jaccard_loss(x, y):
        return 1 - x * y / (x + y - x * y)

    assert classic_soft_jaccard_loss(0.5, 0.5) == pytest.approx(2 / 3)
    assert classic_soft_jaccard_loss(1.0, 0.5) == pytest.approx(0.5)
    xs = np.linspace(0, 1, 101)[1:]
    assert xs[np.argmin(classic_soft_jaccard_loss(xs, 0.5))] == 1.0
    assert 1 - jaccard_score([[0.5]], [[0.5]]) == 0.0
    assert 1 - jaccard_score([[0.5]], [[1.0]]) == 0.5
    assert 1 - jaccard_score([[0.5]], [[0.25]]) == 0.5
    assert confusion_counts([[0.5]], [[1.0]]) == (0.5, 0.5, 0.0)
    losses = [1 - jaccard_score([[0.5]], [[x]]) for x in xs]
    assert xs[np.argmin(losses)] == 0.5


# --------------------------------------------------------------------------
# Inputs, validation, warnings
# --------------------------------------------------------------------------


Y_TRUE = np.array([[1, 0, 1], [0, 1, 1], [0, 0, 0], [1, 1, 0]])
Y_PRED = np.array([[1, 0, 0], [0, 1, 1], [1, 0, 0], [0, 1, 0]])


@pytest.mark.parametrize(
    "convert",
    [
        lambda y: y.tolist(),
        lambda y: pd.DataFrame(y, columns=["a", "b", "c"]),
        sp.csr_matrix,
        sp.csr_array,
        lambda y: y.astype(bool),
        lambda y: y.astype(np.float32),
    ],
    ids=["list", "dataframe", "csr_matrix", "csr_array", "bool", "float32"],
)
@pytest.mark.parametrize("average", AVERAGES)
def test_input_types(convert, average):
    weights = [1.0, 2.0, 0.5, 1.0]
    for func in (f1_score, jaccard_score):
        expected = func(Y_TRUE, Y_PRED, average=average, sample_weight=weights)
        actual = func(convert(Y_TRUE), convert(Y_PRED), average=average,
                      sample_weight=pd.Series(weights))
        assert_close(actual, expected)


@pytest.mark.parametrize(
    "y_true, y_pred, kwargs, error, match",
    [
        (Y_TRUE, np.where(Y_PRED, np.nan, 0.0), {}, ValueError, "y_pred contains NaN"),
        (np.where(Y_TRUE, np.inf, 0.0), Y_PRED, {}, ValueError, "y_true contains NaN or infinite"),
        (Y_TRUE * 2, Y_PRED, {}, ValueError, r"y_true must hold values in \[0, 1\]"),
        (Y_TRUE, Y_PRED - 0.5, {}, ValueError, r"y_pred must hold values in \[0, 1\].*-0.5"),
        (Y_TRUE, Y_PRED[:, :2], {}, ValueError, "different shapes: .4, 3. and .4, 2."),
        (Y_TRUE, Y_PRED[:3], {}, ValueError, "different shapes"),
        (Y_TRUE[None], Y_PRED[None], {}, ValueError, "dim 3|3 dimensions"),
        (Y_TRUE, Y_PRED, {"sample_weight": [1.0, 2.0]}, ValueError,
         "sample_weight has 2 elements but y_true has 4 samples"),
        (Y_TRUE, Y_PRED, {"sample_weight": [1.0, -1.0, 1.0, 1.0]}, ValueError,
         "sample_weight must be non-negative"),
        (Y_TRUE, Y_PRED, {"sample_weight": [1.0, np.nan, 1.0, 1.0]}, ValueError,
         "sample_weight contains NaN"),
        (Y_TRUE, Y_PRED, {"sample_weight": np.zeros(4)}, ValueError, "sample_weight sums to zero"),
        (Y_TRUE, Y_PRED, {"sample_weight": np.ones((4, 2))}, ValueError,
         "sample_weight must be 1-D"),
        (Y_TRUE, Y_PRED, {"average": "binary"}, InvalidParameterError, "'average' parameter"),
        (Y_TRUE, Y_PRED, {"zero_division": 2.0}, InvalidParameterError,
         "'zero_division' parameter"),
        (Y_TRUE, Y_PRED, {"zero_division": "nan"}, InvalidParameterError,
         "'zero_division' parameter"),
        (np.zeros((0, 3)), np.zeros((0, 3)), {}, ValueError, "minimum of 1 is required"),
    ],
)
def test_invalid_inputs(y_true, y_pred, kwargs, error, match):
    with pytest.raises(error, match=match):
        f1_score(y_true, y_pred, **kwargs)


@pytest.mark.parametrize("func", [f1_score, fbeta_score, jaccard_score, tversky_score])
@pytest.mark.parametrize("average", AVERAGES)
def test_scalar_sample_weight_is_every_rows_weight(func, average):
    """Check that a number as sample_weight weighs every row alike, as in scikit-learn."""
    unweighted = func(Y_TRUE, Y_PRED, average=average)
    assert_close(func(Y_TRUE, Y_PRED, average=average, sample_weight=2.0), unweighted)
    assert_close(func(Y_TRUE, Y_PRED, average=average, sample_weight=np.float32(0.5)),
                 unweighted)


def test_scalar_sample_weight_counts():
    """Check that the counts of a number as sample_weight are the counts times it."""
    for weighted, plain in zip(confusion_counts(Y_TRUE, Y_PRED, sample_weight=3),
                               confusion_counts(Y_TRUE, Y_PRED)):
        np.testing.assert_allclose(weighted, 3 * plain)


@pytest.mark.parametrize("weight", [-1.0, np.nan, np.inf])
def test_bad_scalar_sample_weight_is_named(weight):
    with pytest.raises(ValueError, match=r"sample_weight, a single number, is the weight of "
                                         r"every row: it must be a finite number >= 0"):
        f1_score(Y_TRUE, Y_PRED, sample_weight=weight)
    with pytest.raises(ValueError, match="sample_weight sums to zero"):
        f1_score(Y_TRUE, Y_PRED, sample_weight=0.0)


@pytest.mark.parametrize("func", [f1_score, fbeta_score, jaccard_score, tversky_score,
                                  confusion_counts])
@pytest.mark.parametrize("y_true, y_pred, match", [
    ([["a", "b"]], [[1, 0]],
     r"y_true must hold numbers: 0/1 labels or soft targets in \[0, 1\], got strings such as "
     r"\['a', 'b'\]\. Encode the labels first"),
    ([[1, 0]], [["a", "b"]],
     r"y_pred must hold numbers: 0/1 decisions or soft predictions in \[0, 1\], got strings"),
    (np.array([[1, "b"]], dtype=object), [[1, 0]], "y_true must hold numbers.*got strings"),
    (pd.DataFrame({"x": pd.Categorical(["a", "b"]), "y": pd.Categorical(["b", "a"])}),
     [[1, 0], [0, 1]], r"y_true must hold numbers: .*got categories such as \['a', 'b', 'b'\]"),
    ([[1, 0]], [[1 + 1j, 0]], "y_pred must hold numbers: .*got complex numbers"),
])
def test_non_numeric_labels_name_the_argument(func, y_true, y_pred, match):
    """Check that strings, categories and complex values are refused naming the argument."""
    with pytest.raises(ValueError, match=match):
        func(y_true, y_pred)


def test_numeric_categories_and_object_numbers_are_read():
    """Check that categories or objects that are numbers are read as numbers."""
    y_true = pd.DataFrame({"x": pd.Categorical([1, 0]), "y": pd.Categorical([0, 1])})
    y_pred = np.array([[1, 0], [1, 1]], dtype=object)
    assert f1_score(y_true, y_pred) == f1_score([[1, 0], [0, 1]], [[1, 0], [1, 1]])


def test_undefined_metric_warning_points_at_the_caller():
    """Check that the warning names this file, not a frame inside skthresh or sklearn."""
    with pytest.warns(UndefinedMetricWarning) as record:
        f1_score(np.zeros((2, 2)), np.zeros((2, 2)), average="macro", zero_division="warn")
    assert [w.filename for w in record] == [__file__]


def test_invalid_metric_parameters():
    with pytest.raises(InvalidParameterError, match="'beta' parameter"):
        fbeta_score(Y_TRUE, Y_PRED, beta=0.0)
    with pytest.raises(InvalidParameterError, match="'alpha' parameter"):
        tversky_score(Y_TRUE, Y_PRED, alpha=-1.0)
    with pytest.raises(ValueError, match="alpha \\+ beta must be > 0"):
        tversky_score(Y_TRUE, Y_PRED, alpha=0.0, beta=0.0)
    with pytest.raises(InvalidParameterError, match="'axis' parameter"):
        confusion_counts(Y_TRUE, Y_PRED, axis=2)
    with pytest.raises(ValueError, match="y_true must hold values"):
        confusion_counts(-Y_TRUE, Y_PRED)


@pytest.mark.parametrize("average", AVERAGES)
def test_warn_zero_division(average):
    y_true = np.array([[1, 0, 0], [0, 0, 0]])
    y_pred = np.array([[1, 0, 0], [0, 0, 0]])
    if average == "micro":  # the pooled counts are defined: no warning
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert f1_score(y_true, y_pred, average=average, zero_division="warn") == 1.0
        return
    with pytest.warns(UndefinedMetricWarning, match="ill-defined and being set to 0.0"):
        warned = f1_score(y_true, y_pred, average=average, zero_division="warn")
    assert_close(warned, f1_score(y_true, y_pred, average=average, zero_division=0.0))
    with pytest.warns(UndefinedMetricWarning, match="Jaccard"):
        jaccard_score(y_true, y_pred, average=average, zero_division="warn")


@pytest.mark.parametrize("score, kwargs, name", [
    (fbeta_score, {"beta": 2.0}, "F-score"),
    (tversky_score, {"alpha": 1.0, "beta": 1.0}, "Jaccard"),
    (tversky_score, {"alpha": 0.3, "beta": 0.7}, "Tversky index"),
])
def test_warning_names_the_metric_family(score, kwargs, name):
    with pytest.warns(UndefinedMetricWarning, match=f"^{name} is ill-defined"):
        score(np.zeros((2, 2)), np.zeros((2, 2)), average="macro", zero_division="warn",
              **kwargs)


@pytest.mark.parametrize("metric, label, generic", [
    (get_set_metric("f1_micro"), "F1", "F-score"),
    (get_set_metric("f0.5_samples"), "F0.5", "F-score"),
    (get_set_metric("f2"), "F2", "F-score"),
    (SetMetric.fbeta(1e-5), "F1E-05", "F-score"),
    (get_set_metric("jaccard_weighted"), "Jaccard", "Jaccard"),
    (SetMetric.tversky(1.0, 1.0), "Jaccard", "Jaccard"),
    (SetMetric.tversky(0.3, 0.7), "Tversky (alpha=0.3, beta=0.7)", "Tversky index"),
    (SetMetric(0.5, 0.5, "micro"), "Tversky (alpha=0.5, beta=0.5)", "Tversky index"),
])
def test_metric_label(metric, label, generic):
    """Check the one function that names a metric, in both its forms."""
    from skthresh._scoring import metric_label

    assert metric_label(metric) == label
    assert metric_label(metric, generic=True) == generic


def test_every_listed_name_is_parsed_back():
    """Check that the registry parses what it lists and what SetMetric.fbeta names."""
    for beta in (0.5, 2.0, 3.0, 1e-5):
        assert get_set_metric(SetMetric.fbeta(beta).name).name == SetMetric.fbeta(beta).name
    assert get_scorer_names() == sorted(
        f"{kind}_{average}" for kind in ("f1", "f0.5", "f2", "jaccard")
        for average in ("micro", "macro", "samples", "weighted"))


def test_no_warning_when_defined_or_zero_division_given():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f1_score(Y_TRUE, Y_PRED, average="micro", zero_division="warn")
        f1_score(np.zeros((2, 2)), np.zeros((2, 2)), average="macro", zero_division=1.0)


def test_micro_warns_when_nothing_at_all():
    with pytest.warns(UndefinedMetricWarning, match="due to no true nor predicted"):
        assert tversky_score(np.zeros((2, 2)), np.zeros((2, 2)), zero_division="warn") == 0.0


@pytest.mark.slow
def test_does_not_import_torch(fresh_imports):
    # a fresh interpreter: import skthresh, then import and use skthresh.metrics
    # (the subprocess is shared with test_display.py's lazy-import test, conftest.py)
    before = fresh_imports["torch_after_skthresh"]
    assert before or not fresh_imports["torch_after_metrics"], "skthresh.metrics imported torch"


# --------------------------------------------------------------------------
# Scorers
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def multilabel_data():
    X, Y = make_multilabel_classification(
        n_samples=90, n_features=6, n_classes=5, n_labels=2, random_state=0
    )
    return X, Y


def test_scorer_names():
    names = get_scorer_names()
    assert names == sorted(set(names))
    assert {"f1_micro", "f1_macro", "f1_samples", "f1_weighted", "f2_macro",
            "f0.5_samples", "jaccard_weighted"} <= set(names)
    for name in names:
        assert get_set_metric(name).name == name
        make_set_scorer(name)


@pytest.mark.parametrize("name", ["f1_micro", "f1_macro", "f1_samples", "f1_weighted",
                                  "jaccard_micro", "jaccard_samples", "jaccard_weighted"])
def test_scorer_matches_sklearn_scorer_in_cross_validate(multilabel_data, name):
    X, Y = multilabel_data
    cv = KFold(3, shuffle=True, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        expected = cross_validate(KNeighborsClassifier(3), X, Y, cv=cv, scoring=name)
    actual = cross_validate(KNeighborsClassifier(3), X, Y, cv=cv,
                            scoring={"ours": make_set_scorer(name)})
    assert_close(actual["test_ours"], expected["test_score"])


def test_scorer_in_grid_search_with_tversky(multilabel_data):
    X, Y = multilabel_data
    metric = SetMetric.tversky(0.3, 0.7, average="micro")
    cv = KFold(3, shuffle=True, random_state=0)
    search = GridSearchCV(KNeighborsClassifier(), {"n_neighbors": [1, 3, 7]}, cv=cv,
                          scoring=make_set_scorer(metric)).fit(X, Y)
    expected = []
    for train, test in cv.split(X):
        model = KNeighborsClassifier(search.best_params_["n_neighbors"]).fit(X[train], Y[train])
        expected.append(tversky_score(Y[test], model.predict(X[test]), alpha=0.3, beta=0.7))
    assert_close(search.best_score_, np.mean(expected))


def test_scorer_sample_weight_and_pickle(multilabel_data):
    X, Y = multilabel_data
    model = KNeighborsClassifier(3).fit(X, Y)
    weights = np.linspace(0.5, 2.0, len(X))
    scorer = pickle.loads(pickle.dumps(make_set_scorer("f2_samples", zero_division=1.0)))
    expected = fbeta_score(Y, model.predict(X), beta=2.0, average="samples",
                           sample_weight=weights, zero_division=1.0)
    assert_close(scorer(model, X, Y, sample_weight=weights), expected)


def test_make_set_scorer_errors():
    with pytest.raises(ValueError, match="Unknown scoring 'f1_binary'"):
        make_set_scorer("f1_binary")
    with pytest.raises(InvalidParameterError, match="'scoring' parameter"):
        make_set_scorer(3)


# ------------------------------------------------ SetMetric's count gradients
@pytest.mark.parametrize("scoring", ["f1_micro", "f1_macro", "f1_weighted", "jaccard_micro",
                                     "f0.5_macro", "jaccard_weighted"])
@pytest.mark.parametrize("zero_division", [0.0, 1.0])
def test_count_gradients_equal_autograd(scoring, zero_division):
    """Check the analytic derivatives of the metric in tp and fp, empty labels included."""
    metric = get_set_metric(scoring)
    rng = np.random.default_rng(3)
    positives = rng.integers(0, 6, size=(3, 8)).astype(float)
    positives[:, 0] = 0.0  # no positive ...
    tp = np.floor(rng.random((3, 8)) * (positives + 1))
    fp = rng.integers(0, 4, size=(3, 8)).astype(float)
    fp[:, 0] = 0.0  # ... and nothing predicted: an undefined per-label score
    if scoring.endswith("weighted"):
        positives[2] = 0.0  # a batch row without support anywhere: the plain mean
        tp[2] = 0.0
    value, d_tp, d_fp = metric.value_and_count_gradients(
        tp, fp, positives - tp, positives, xp=np, zero_division=zero_division)

    tp_t = torch.tensor(tp, requires_grad=True)
    fp_t = torch.tensor(fp, requires_grad=True)
    support = torch.tensor(positives)
    auto = metric.from_counts(tp_t, fp_t, support - tp_t, support, xp=torch,
                              zero_division=zero_division)
    g_tp, g_fp = torch.autograd.grad(auto.sum(), (tp_t, fp_t))
    np.testing.assert_allclose(value, auto.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(d_tp, g_tp.numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(d_fp, g_fp.numpy(), rtol=1e-12, atol=1e-15)
    assert np.abs(d_tp).max() > 0


def test_count_gradients_refuse_the_samples_average():
    """Check that per-sample metrics have no per-label count gradients."""
    counts = np.ones((1, 3))
    with pytest.raises(ValueError, match="label-decomposable"):
        get_set_metric("f1_samples").value_and_count_gradients(
            counts, counts, counts, counts, xp=np)
