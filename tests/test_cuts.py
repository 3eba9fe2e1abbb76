"""Sorted scores, cuts and thresholds (skthresh._cuts), which both optimizers search."""

from __future__ import annotations

import numpy as np
import pytest

from skthresh._cuts import binned_problem, sort_scores


def test_cuts_from_thresholds_on_float32_scores_are_exact():
    """Check float64 thresholds against float32 scores: the cuts of an exact comparison."""
    rng = np.random.default_rng(14)
    row = np.sort(rng.normal(size=500).astype(np.float32))
    f32 = np.finfo(np.float32)
    row[:3] = [-f32.max, -f32.max, np.float32(0.5)]  # extremes and ties
    row.sort()
    low, high = row[:-1].astype(np.float64), row[1:].astype(np.float64)
    thresholds = np.concatenate([
        row.astype(np.float64),  # exactly representable
        (low + high) / 2,  # between two neighbours
        np.nextafter(row.astype(np.float64), np.inf),  # just above a score
        np.nextafter(row.astype(np.float64), -np.inf),  # just below a score
        [-np.inf, -1e300, 1e300, np.inf, 0.5, float(f32.max) * 1.5],  # beyond float32
    ])
    ss = sort_scores(row[:, None], np.zeros((500, 1), dtype=int), np.ones(500))
    cuts = ss.cuts_from_thresholds(thresholds[:, None])[:, 0]
    expected = np.array([np.sum(row.astype(np.float64) < t) for t in thresholds])
    np.testing.assert_array_equal(cuts, expected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(3,), (7, 3), (2, 4, 3)])
def test_cuts_from_thresholds_keep_the_shape_and_label_columns(dtype, shape):
    """Check thresholds of any shape (..., n_labels): each column searched in its label."""
    rng = np.random.default_rng(17)
    scores = rng.normal(size=(40, 3)).astype(dtype)
    ss = sort_scores(scores, np.zeros((40, 3), dtype=int), np.ones(40))
    thresholds = rng.normal(size=shape)
    cuts = ss.cuts_from_thresholds(thresholds)
    assert cuts.shape == shape
    expected = (scores.astype(np.float64) < thresholds[..., None, :]).sum(axis=-2)
    np.testing.assert_array_equal(cuts, expected)


def test_thresholds_and_cuts_round_trip():
    """Check cut -> threshold -> cut, and cut -> rank position -> cut, on every valid cut."""
    rng = np.random.default_rng(16)
    y = (rng.random((50, 3)) < 0.3).astype(int)
    scores = np.round(rng.random((50, 3)), 1)  # ties
    ss = sort_scores(scores, y, np.ones(50))
    problem = binned_problem(ss, 64)  # n <= n_bins: every block is a bin
    for c in range(3):
        valid = ss.valid_cuts(c)
        cuts = np.zeros((len(valid), 3), dtype=np.int64)
        cuts[:, c] = valid
        np.testing.assert_array_equal(ss.cuts_from_thresholds(ss.thresholds_from_cuts(cuts)),
                                      cuts)
        for row in cuts:
            np.testing.assert_array_equal(
                problem.cuts_from_positions(problem.positions_from_cuts(row)), row)


def test_bins_start_at_blocks_of_equal_scores():
    """Check that bins never split a block of tied scores, and hold every row's mass."""
    rng = np.random.default_rng(11)
    y = (rng.random((900, 6)) < 0.15).astype(int)
    scores = np.round(rng.random((900, 6)) + y, 2)  # many ties
    scores[:, 5] = rng.random(900) + y[:, 5]  # and a label without ties
    ss = sort_scores(scores, y, np.ones(len(y)))
    problem = binned_problem(ss, 64)
    even = (np.arange(64) * 900) // 64
    moved = (problem.first_pos[:-1] != even[:, None]).any(axis=0)
    assert moved[:5].all() and not moved[5]  # ties moved some starts back
    assert problem.pos.sum() == y.sum() and (problem.pos + problem.neg).sum() == y.size
    for c in range(6):
        starts = problem.first_pos[:-1, c]
        inside = starts[starts > 0]
        assert (ss.values[inside, c] != ss.values[inside - 1, c]).all()
