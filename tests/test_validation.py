"""Input checks (skthresh._validation): what is refused, and how the message names it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from skthresh import (
    CoordinateThresholdOptimizer,
)


@pytest.mark.parametrize("y", [
    np.array([["a", "b"]] * 4),
    pd.DataFrame({"x": pd.Categorical(["a", "b", "a", "b"]), "y": ["u", "v", "u", "v"]}),
])
def test_string_or_categorical_targets_name_the_argument_and_the_rule(y):
    """Check the message for targets that are not numbers."""
    with pytest.raises(ValueError, match=r"y_true must hold numbers: 0/1 labels or soft "
                                         r"targets in \[0, 1\]"):
        CoordinateThresholdOptimizer().fit(np.random.rand(4, 2), y)


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


def test_weights_of_one_chunk_may_all_be_zero():
    """Check that all-zero weights are refused, unless a chunk's (checked on the total)."""
    from skthresh._validation import check_total_weight, check_weights

    with pytest.raises(ValueError, match="sample_weight sums to zero"):
        check_weights(np.zeros(3), 3)
    np.testing.assert_array_equal(check_weights(np.zeros(3), 3, allow_all_zero=True),
                                  np.zeros(3))
    with pytest.raises(ValueError, match="sample_weight must be non-negative"):
        check_weights([0.0, -1.0], 2, allow_all_zero=True)
    with pytest.raises(ValueError, match="sample_weight sums to zero: there is nothing"):
        check_total_weight(0.0)
    check_total_weight(1e-300)
