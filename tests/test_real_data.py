"""Held-out quality on the real DCASE audio-tagging scores (learn on val, score on eval)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import f1_score

from skthresh import (
    CoordinateThresholdOptimizer,
    FixedThresholdOptimizer,
    SetMetric,
    SGLThresholdOptimizer,
    get_set_metric,
)

from ._helpers import load_dcase


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
# Gain over the usual 0.5 cut, in micro-F1 points (measured: 5.3 and 0.6).
GAIN_OVER_HALF = {"dcase2017": 4.0, "dcase2019": 0.5}


@pytest.mark.parametrize("name", sorted(SGL_FLOORS))
def test_default_sgl_floor(name):
    """Check the held-out micro-F1 of the default SGL optimizer and its gain over 0.5."""
    data = load_dcase(name)
    ours = _eval_f1(SGLThresholdOptimizer(device="cpu"), data)
    assert ours >= SGL_FLOORS[name]
    assert ours > _eval_f1(FixedThresholdOptimizer(0.5), data) + GAIN_OVER_HALF[name]


def test_sgl_quality_is_the_same_on_decision_scores():
    """Check that SGL on logits (any scale) gives the quality it gives on probabilities."""
    data = load_dcase("dcase2017")
    logit = {k: (np.log(v / (1 - v)) if "scores" in k else v)
             for k, v in data.items()}
    logit = {k: np.nan_to_num(v, posinf=40.0, neginf=-40.0) for k, v in logit.items()}
    a = _eval_f1(SGLThresholdOptimizer(device="cpu"), data)
    b = _eval_f1(SGLThresholdOptimizer(device="cpu"), logit)
    assert b == pytest.approx(a, abs=0.2)


@pytest.mark.parametrize(
    "scoring",
    ["jaccard_micro", "f1_macro", "f1_samples",
     SetMetric.tversky(0.3, 0.7, average="micro")],
    ids=["jaccard_micro", "f1_macro", "f1_samples", "tversky_0.3_0.7_micro"],
)
def test_sgl_improves_each_objective_on_held_out_data(scoring):
    """Check that SGL, fit on val, beats the best shared threshold on eval for its own metric."""
    data = load_dcase("dcase2017")
    metric = get_set_metric(scoring)
    opt = SGLThresholdOptimizer(scoring=scoring, device="cpu").fit(
        data["val_scores"], data["val_labels"])
    eval_y = data["eval_labels"].astype(float)
    ours = metric.score(eval_y, opt.predict(data["eval_scores"]).astype(float), xp=np)
    shared = metric.score(eval_y, (data["eval_scores"] >= opt.shared_threshold_).astype(float),
                          xp=np)
    assert ours > shared + 0.01, (ours, shared)
