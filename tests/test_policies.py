"""Tests of apply_thresholds and check_thresholds: the one rule for thresholds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from skthresh import apply_thresholds
from skthresh._validation import check_thresholds

SCORES = np.array([[0.9, 0.8, 0.1],
                   [0.2, 0.3, 0.1],
                   [0.6, 0.7, 0.65]])


@pytest.mark.parametrize(
    "thresholds, err_type, err_msg",
    [
        ([0.5, 0.5], ValueError,
         r"thresholds must hold one threshold per label column, shape \(3,\), or be a single "
         r"number for all labels; got shape \(2,\)"),
        (np.full(4, 0.5), ValueError, r"shape \(3,\).*got shape \(4,\)"),
        (np.full((1, 3), 0.5), ValueError, r"shape \(3,\).*got shape \(1, 3\)"),
        ([], ValueError, r"got shape \(0,\)"),
        ([0.5, np.nan, 0.5], ValueError,
         r"thresholds contains NaN \(label column\(s\) \[1\]\): a NaN threshold compares "
         r"False with every score, so its label would never be predicted"),
        (np.nan, ValueError, r"thresholds contains NaN \(label column\(s\) \[0, 1, 2\]\)"),
        (["0.5", "0.5", "0.5"], TypeError,
         r"thresholds must be a real number or an array-like of real numbers"),
        ([True, False, True], TypeError, r"\(dtype bool\)"),
        ([0.5 + 1j] * 3, TypeError, r"\(dtype complex128\)"),
        (np.array(["high", 0.5, 0.5], dtype=object), TypeError, r"\(dtype object\)"),
        ([None, 0.5, 0.5], ValueError, r"thresholds contains NaN \(label column\(s\) \[0\]\)"),
    ],
)
def test_apply_thresholds_rejects_bad_thresholds(thresholds, err_type, err_msg):
    """Check that wrong-length, NaN and non-numeric thresholds raise, instead of broadcasting."""
    with pytest.raises(err_type, match=err_msg):
        apply_thresholds(SCORES, thresholds)


@pytest.mark.parametrize("policies", [{}, {"at_least_one": True}, {"max_labels": 1}])
def test_apply_thresholds_checks_thresholds_whatever_the_policy(policies):
    """Check that the policies do not bypass the checks (they used to fail inside numpy)."""
    with pytest.raises(ValueError, match="one threshold per label column"):
        apply_thresholds(SCORES, [0.5, 0.5], **policies)
    with pytest.raises(ValueError, match="thresholds contains NaN"):
        apply_thresholds(SCORES, [np.nan, 0.5, 0.5], **policies)


def test_check_thresholds_names_the_argument_and_broadcasts_a_number():
    """Check the shared checker: the name in its messages, a number for every label, float64."""
    out = check_thresholds(0.5, 3)
    assert out.dtype == np.float64 and out.tolist() == [0.5, 0.5, 0.5]
    np.testing.assert_array_equal(check_thresholds(np.array([1, 0, 1]), 3), [1.0, 0.0, 1.0])
    assert check_thresholds(np.array([0.1, 0.2], dtype=object), 2).dtype == np.float64
    with pytest.raises(ValueError, match=r"^threshold must hold one threshold per label"):
        check_thresholds([0.5], 2, name="threshold")


def test_apply_thresholds_one_number_for_all_labels():
    """Check that a single threshold applies to every label, as an array of it would."""
    np.testing.assert_array_equal(apply_thresholds(SCORES, 0.5),
                                  apply_thresholds(SCORES, np.full(3, 0.5)))


def test_apply_thresholds_infinite_thresholds_mean_never_and_always():
    """Check that +inf never predicts its label and -inf always does, with the policies too."""
    thresholds = np.array([np.inf, -np.inf, 0.5])
    pred = apply_thresholds(SCORES, thresholds)
    np.testing.assert_array_equal(pred, [[0, 1, 0], [0, 1, 0], [0, 1, 1]])
    # at_least_one never gives a +inf label, even when its margin is the only one
    never = apply_thresholds(SCORES, [np.inf, np.inf, 0.95], at_least_one=True)
    np.testing.assert_array_equal(never, [[0, 0, 1], [0, 0, 1], [0, 0, 1]])
    assert not apply_thresholds(SCORES, np.full(3, np.inf), at_least_one=True).any()
    # max_labels keeps the -inf ("always") label first
    capped = apply_thresholds(SCORES, [0.0, -np.inf, 0.0], max_labels=1)
    np.testing.assert_array_equal(capped, [[0, 1, 0]] * 3)


def test_apply_thresholds_1d_scores_are_one_label():
    """Check that 1-D scores are one label: 1-D predictions, and at_least_one refused clearly."""
    scores = np.array([0.2, 0.7, 0.5])
    for thresholds in (0.5, [0.5], np.array([0.5])):
        pred = apply_thresholds(scores, thresholds)
        assert pred.shape == (3,) and pred.dtype == np.int64
        np.testing.assert_array_equal(pred, [0, 1, 1])
    np.testing.assert_array_equal(apply_thresholds(scores, [0.5], max_labels=1), [0, 1, 1])
    with pytest.raises(ValueError, match=r"shape \(1,\).*got shape \(3,\)"):
        apply_thresholds(scores, [0.5, 0.5, 0.5])
    with pytest.raises(ValueError, match="at_least_one needs two labels or more"):
        apply_thresholds(scores, 0.5, at_least_one=True)
    with pytest.raises(ValueError, match="at_least_one needs two labels or more"):
        apply_thresholds(scores[:, None], 0.5, at_least_one=True)


@pytest.mark.parametrize(
    "y_score, err_type, err_msg",
    [
        (np.array([[0.5, np.nan]]), ValueError,
         r"y_score contains NaN or infinite values \(in label column\(s\) \[1\]\)"),
        (np.array([[0.5, np.inf]]), ValueError, "y_score contains NaN or infinite values"),
        (np.zeros((2, 2, 2)), ValueError, "Found array with dim 3|y_score must be 1-D or 2-D"),
        (np.zeros((0, 2)), ValueError, r"Found array with 0 sample\(s\)|y_score is empty"),
        (sp.csr_matrix(np.eye(2)), TypeError, "y_score must be a dense array"),
        (np.array([["a", "b"]]), ValueError, r"y_score must hold numbers: real-valued scores "
                                             r"\(.*\), got strings such as \['a', 'b'\]"),
        (np.array([[0.5, "b"]], dtype=object), ValueError,
         r"y_score must hold numbers: .*, got strings such as \[0.5, 'b'\]"),
        (pd.DataFrame({"a": pd.Categorical(["x", "y"])}), ValueError,
         r"y_score must hold numbers: .*, got categories such as \['x', 'y'\]\. Pass the "
         r"model's scores"),
        (np.array([[0.5 + 1j]]), ValueError, "y_score must hold numbers: .*got complex numbers"),
    ],
)
def test_apply_thresholds_rejects_bad_scores(y_score, err_type, err_msg):
    """Check that NaN scores (never predicted, silently) and malformed scores raise."""
    with pytest.raises(err_type, match=err_msg):
        apply_thresholds(y_score, 0.5)


@pytest.mark.parametrize(
    "params, err_type, err_msg",
    [
        ({"at_least_one": "yes"}, TypeError, "at_least_one must be True or False, got 'yes'"),
        ({"at_least_one": 1}, TypeError, "at_least_one must be True or False"),
        ({"max_labels": True}, ValueError, "max_labels must be None or an integer >= 1"),
        ({"max_labels": 0}, ValueError, "max_labels must be None or an integer >= 1"),
        ({"max_labels": 1.5}, ValueError, "max_labels must be None or an integer >= 1"),
    ],
)
def test_apply_thresholds_rejects_bad_policies(params, err_type, err_msg):
    """Check that the policy arguments are checked, not taken by truthiness."""
    with pytest.raises(err_type, match=err_msg):
        apply_thresholds(SCORES, 0.5, **params)


def test_apply_thresholds_policies_unchanged():
    """Check the policies on finite thresholds: ties to >=, top label, capped rows."""
    thresholds = np.array([0.5, 0.5, 0.65])
    np.testing.assert_array_equal(apply_thresholds(SCORES, thresholds),
                                  [[1, 1, 0], [0, 0, 0], [1, 1, 1]])
    np.testing.assert_array_equal(apply_thresholds(SCORES, thresholds, at_least_one=True),
                                  [[1, 1, 0], [0, 1, 0], [1, 1, 1]])
    np.testing.assert_array_equal(apply_thresholds(SCORES, thresholds, max_labels=2),
                                  [[1, 1, 0], [0, 0, 0], [1, 1, 0]])
    assert apply_thresholds(SCORES.astype(np.float32), thresholds).dtype == np.int64
