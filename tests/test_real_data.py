"""Held-out quality on the real DCASE audio-tagging scores (learn on val, score on eval)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import f1_score

from skthresh import CoordinateThresholdOptimizer, FixedThresholdOptimizer, SGLThresholdOptimizer

from .conftest import load_dcase


def _eval_f1(opt, data):
    opt.fit(data["val_scores"], data["val_labels"])
    return 100 * f1_score(data["eval_labels"], opt.predict(data["eval_scores"]),
                          average="micro")


@pytest.mark.parametrize("name, constant, expected", [("dcase2017", 0.3, 59.02),
                                                      ("dcase2019", 0.5, 71.30)])
def test_fixed_threshold_reproduces_the_paper(name, constant, expected):
    """Check that the paper's defThresh figures come out exactly."""
    assert _eval_f1(FixedThresholdOptimizer(constant), load_dcase(name)) == \
        pytest.approx(expected, abs=0.005)


@pytest.mark.parametrize("name, expected", [("dcase2017", 63.18), ("dcase2019", 71.62)])
def test_coordinate_reproduces_the_measured_exact_search(name, expected):
    """Check the exact coordinate ascent figures of the method notes."""
    assert _eval_f1(CoordinateThresholdOptimizer(), load_dcase(name)) == \
        pytest.approx(expected, abs=0.005)


# Floors for the default SGL (no per-dataset setting), a little under what it
# measures (63.78 and 71.90). The paper's SGLThresh measures 61.96 (DCASE2017)
# and 72.96 (DCASE2019) here; exact coordinate ascent 63.18 and 71.62. The
# default beats the paper on DCASE2017 and exact search on both sets, but not
# the paper on DCASE2019 (see benchmarks/results/quality_study.md).
SGL_FLOORS = {"dcase2017": 63.5, "dcase2019": 71.8}


@pytest.mark.parametrize("name", sorted(SGL_FLOORS))
def test_default_sgl_floor(name):
    """Check the held-out micro-F1 of the default SGL optimizer and its gain over 0.5."""
    data = load_dcase(name)
    ours = _eval_f1(SGLThresholdOptimizer(device="cpu"), data)
    assert ours >= SGL_FLOORS[name]
    assert ours > _eval_f1(FixedThresholdOptimizer(0.5), data) + 1.0


def test_sgl_quality_is_the_same_on_decision_scores():
    """Check that SGL on logits (any scale) gives the quality it gives on probabilities."""
    data = load_dcase("dcase2017")
    logit = {k: (np.log(v / (1 - v)) if "scores" in k else v)
             for k, v in data.items()}
    logit = {k: np.nan_to_num(v, posinf=40.0, neginf=-40.0) for k, v in logit.items()}
    a = _eval_f1(SGLThresholdOptimizer(device="cpu"), data)
    b = _eval_f1(SGLThresholdOptimizer(device="cpu"), logit)
    assert b == pytest.approx(a, abs=0.2)
