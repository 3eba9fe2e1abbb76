"""The SGL engine (torch, on any device) and the threshold representations it works on."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

from skthresh import (
    CoordinateThresholdOptimizer,
    SetMetric,
    SGLThresholdOptimizer,
    get_set_metric,
)
from skthresh._cuts import binned_problem, sort_scores
from skthresh._sgl import BinnedObjective, surrogate_value_and_grads
from skthresh.datasets import make_multilabel_scores

REFERENCE = Path(__file__).parent / "data" / "sgl_reference_thresholds.npz"
DATA = Path(os.environ.get("SKTHRESH_DATA", Path(__file__).parents[2] / "shared" / "data"
                           / "sgl-thresh"))


def _hard_and_general(scores, y):
    """The two count paths on the same data: hard targets, and constant weights of 2."""
    return sort_scores(scores, y, np.ones(len(y))), sort_scores(scores, y, np.full(len(y), 2.0))


def _binned_tensors(problem):
    return (torch.as_tensor(problem.u), torch.as_tensor(problem.pos)[None],
            torch.as_tensor(problem.neg)[None])


@pytest.mark.parametrize("scoring", ["f1_micro", "f1_macro", "jaccard_weighted", "f2_micro"])
@pytest.mark.parametrize("n_models", [1, 3])
def test_written_out_gradient_equals_autograd_through_the_surrogate_step(scoring, n_models):
    """Check the binned objective's value and gradients against autograd, one or K models."""
    rng = np.random.default_rng(8)
    y = (rng.random((500, 4)) < 0.2).astype(int)
    scores = rng.normal(size=y.shape) + y
    problem = binned_problem(sort_scores(scores, y, np.ones(500)), 64)
    u, pos, neg = _binned_tensors(problem)
    pos, neg = pos.expand(n_models, -1, -1) * 1, neg.expand(n_models, -1, -1) * 1
    pos[1:] *= 2  # other models see other data
    t = torch.tensor([[0.3, 0.5, 0.7, 0.82]], dtype=torch.float64).repeat(n_models, 1)
    s = torch.tensor([[20.0, 35.0, 50.0, 80.0]], dtype=torch.float64).repeat(n_models, 1)
    metric = get_set_metric(scoring)
    written = BinnedObjective(u, pos, neg, metric, 0.0)(t, s)
    auto = surrogate_value_and_grads(u[None, :, None], pos, neg, t, s, metric, axis=1,
                                     support=pos.sum(axis=1), row_weight=None,
                                     zero_division=0.0)
    assert float(auto[1].abs().max()) > 1e-4  # the thresholds sit among the rows
    for a, b in zip(written, auto):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-7)


def test_objective_with_empty_windows_matches_autograd():
    """Check a threshold beyond every bin (an empty window) next to ordinary ones."""
    rng = np.random.default_rng(15)
    y = (rng.random((3000, 3)) < 0.2).astype(int)
    scores = rng.normal(size=y.shape) + y
    problem = binned_problem(sort_scores(scores, y, np.ones(3000)), 64)
    u, pos, neg = _binned_tensors(problem)
    t = torch.tensor([[u[-1] + 1.0, 0.3, u[-2] + 0.05]], dtype=torch.float64)  # label 0: none
    s = torch.full_like(t, 20.0)
    metric = get_set_metric("f1_macro")
    written = BinnedObjective(u, pos, neg, metric, 0.0)(t, s)
    auto = surrogate_value_and_grads(u[None, :, None], pos, neg, t, s, metric, axis=1,
                                     support=pos.sum(axis=1), row_weight=None,
                                     zero_division=0.0)
    assert written[1][0, 0] == 0 and abs(float(written[1][0, 2])) > 1e-3
    for a, b in zip(written, auto):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-7)  # beyond reach: < 1e-7


@pytest.mark.parametrize("scoring", ["f1_micro", "f1_samples"])
def test_cpu_epochs_run_in_torch(multilabel_scores, scoring):
    """Check that a CPU fit computes every epoch with torch ops (seen by torch's profiler)."""
    from torch.profiler import ProfilerActivity, profile

    scores, y = multilabel_scores
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        opt = SGLThresholdOptimizer(device="cpu", max_iter=12, n_iter_no_change=100).fit(
            scores, y)
    calls = {e.key: e.count for e in prof.key_averages()}
    assert opt.n_iter_ == 12
    # one surrogate sigmoid and one Adam update (its addcdiv_) per epoch (none stopped early)
    assert calls.get("aten::sigmoid", 0) == opt.n_iter_
    assert calls.get("aten::addcdiv_", 0) == opt.n_iter_


@pytest.mark.parametrize("learn_sigma", [True, False])
def test_steps_are_torch_optim_adam(learn_sigma):
    """Check that SGL's steps are those of a torch.optim.Adam on the same gradients."""
    from skthresh._sgl import adam_stepper

    rng = np.random.default_rng(3)
    grads = torch.as_tensor(rng.normal(size=(6, 2, 1, 5)) * [[[1e-3]], [[10.0]]])
    ours = torch.zeros(2, 1, 5, dtype=torch.float64)
    theirs = ours.clone()
    param = theirs if learn_sigma else theirs[0]
    step = adam_stepper(ours if learn_sigma else ours[0], 0.07)
    reference = torch.optim.Adam([param], lr=0.07)
    for grad in grads:
        step(grad if learn_sigma else grad[0])
        param.grad = grad if learn_sigma else grad[0]
        reference.step()
    assert torch.equal(ours, theirs) and bool(ours.abs().sum() > 0)


def test_fit_builds_no_torch_optimizer(multilabel_scores, monkeypatch):
    """Check that a fit builds no torch.optim.Optimizer: the first one built in a process
    imports torch._dynamo (1.5 s), which every CLI call and worker process would pay."""
    def refuse(self, *args, **kwargs):
        raise AssertionError("a torch.optim.Optimizer was built")

    monkeypatch.setattr(torch.optim.Optimizer, "__init__", refuse)
    scores, y = multilabel_scores
    for scoring in ("f1_micro", "f1_samples"):
        SGLThresholdOptimizer(scoring=scoring, max_iter=3).fit(scores, y)


@pytest.mark.parametrize("counts", [[3, 0], [0, 3], [2, 0, 1, 0], [0, 0, 1], [1, 2, 0, 0, 3]])
def test_row_sums_with_empty_runs(counts):
    """Check the per-row sums of pair values, empty rows (windows) anywhere."""
    from skthresh._sgl import _row_sums

    counts = torch.tensor(counts, dtype=torch.int32)
    values = torch.arange(1, int(counts.sum()) + 1, dtype=torch.float32)
    ends = torch.cumsum(counts, 0, dtype=torch.int32)
    expected = [float(values[e - c:e].sum()) for c, e in zip(counts, ends)]
    sums = _row_sums(values, counts)
    assert sums.dtype == torch.float64 and sums.tolist() == expected


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


def test_bin_masses_and_problems_agree_between_count_paths():
    """Check the bins (tie-aware starts) and their masses on both count paths."""
    rng = np.random.default_rng(11)
    y = (rng.random((900, 6)) < 0.15).astype(int)
    scores = np.round(rng.random((900, 6)) + y, 2)  # many ties
    scores[:, 5] = rng.random(900) + y[:, 5]  # and a label without ties
    hard, general = _hard_and_general(scores, y)
    a, b = binned_problem(hard, 64), binned_problem(general, 64)
    np.testing.assert_array_equal(a.first_pos, b.first_pos)
    np.testing.assert_allclose(a.pos, b.pos / 2)
    np.testing.assert_allclose(a.neg, b.neg / 2)
    even = (np.arange(64) * 900) // 64
    moved = (a.first_pos[:-1] != even[:, None]).any(axis=0)
    assert moved[:5].all() and not moved[5]  # ties moved some starts back
    assert a.pos.sum() == y.sum() and (a.pos + a.neg).sum() == y.size
    # every bin start is the start of its block of equal scores
    values = hard.values
    for c in range(6):
        starts = a.first_pos[:-1, c]
        inside = starts[starts > 0]
        assert (values[inside, c] != values[inside - 1, c]).all()


def test_mass_below_agrees_between_count_paths():
    """Check the one search of all cuts against cumulative sums (ties, empty label)."""
    rng = np.random.default_rng(13)
    y = (rng.random((400, 5)) < 0.2).astype(int)
    y[:, 4] = 0  # a label without positives
    scores = np.round(rng.random((400, 5)) + y, 2)
    hard, general = _hard_and_general(scores, y)
    grid = np.linspace(-0.1, 2.1, 40)
    cuts = general.cuts_from_thresholds(np.repeat(grid[:, None], 5, axis=1))
    for a, b in zip(hard.mass_below(cuts), general.mass_below(cuts)):
        np.testing.assert_array_equal(a, b / 2)


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


@pytest.mark.parametrize("n_chunks", [2, 3])
def test_threaded_sort_and_search_equal_one_thread(monkeypatch, n_chunks):
    """Check that the label chunks sorted and searched in threads give the one-thread fit."""
    from skthresh import _cuts

    rng = np.random.default_rng(12)
    y = (rng.random((300, 7)) < 0.2).astype(int)
    scores = np.round(rng.random((300, 7)) + y, 2).astype(np.float32)
    makes = [lambda: SGLThresholdOptimizer(max_iter=20), CoordinateThresholdOptimizer]
    serial = [make().fit(scores, y) for make in makes]
    monkeypatch.setattr(_cuts, "n_threads", lambda size: n_chunks)
    threaded = [make().fit(scores, y) for make in makes]
    for a, b in zip(serial, threaded):
        np.testing.assert_array_equal(a.thresholds_, b.thresholds_)
        assert a.best_score_ == b.best_score_
    ss = _cuts.sort_scores(scores, y, np.ones(300))
    np.testing.assert_array_equal(ss.values, np.sort(scores, axis=0))


def test_sort_threads_follow_size_and_omp_num_threads(monkeypatch):
    """Check that small inputs stay on one thread and OMP_NUM_THREADS caps the rest."""
    from skthresh._cuts import _MIN_THREADED_SIZE, n_threads

    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert n_threads(_MIN_THREADED_SIZE - 1) == 1
    assert 1 <= n_threads(10 * _MIN_THREADED_SIZE) <= 8
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert n_threads(10 * _MIN_THREADED_SIZE) == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "not a number")  # ignored, as by OpenMP
    assert n_threads(10 * _MIN_THREADED_SIZE) >= 1


@pytest.mark.parametrize("targets, hard", [
    (np.array([[0, 1]], dtype=np.int8), True),
    (np.array([[0, -1]], dtype=np.int8), False),
    (np.array([[0, 2]], dtype=np.uint8), False),
    (np.array([[True, False]]), True),
    (np.array([[0, 1.0]]), True),
    (np.array([[0, 0.5]]), False),
])
def test_hard_target_detection(targets, hard):
    """Check which targets take the sort-only count path (0/1 only, whatever the dtype)."""
    from skthresh._cuts import _is_hard

    assert _is_hard(targets) is hard


# --------------------------------------------------------------- reference thresholds
# Thresholds of the engine before it moved to torch on every device (NumPy epochs on the
# CPU, commit a3731ed), fitted on that commit with these case definitions. The torch
# engine reproduced every one bit for bit on the development machine; the test allows
# reduction-order differences elsewhere: at most 1% of a case's thresholds may differ,
# and its best_score_ within 1e-9. Running this file as a script rewrites the reference
# with the current engine (do it only for an intended change of results).


def _reference_cases():
    cases = {}
    for name in ("dcase2017", "dcase2019"):
        for scoring in ("f1_micro", "f1_macro", "f1_samples", "jaccard_weighted"):
            cases[f"{name}-{scoring}"] = (name, dict(scoring=scoring))
    synthetic = {
        "syn-micro": {}, "syn-macro": dict(scoring="f1_macro"),
        "syn-f2": dict(scoring="f2_micro"),
        "syn-tversky": dict(scoring=SetMetric.tversky(0.3, 0.7, average="weighted")),
        "syn-boot": dict(n_bootstrap=8, random_state=0),
        "syn-fixed-sigma": dict(learn_sigma=False), "syn-weights": {},
        "syn-soft": dict(scoring="f1_macro"),
        "syn-small-samples": dict(scoring="f1_samples"),
        "syn-small-boot-samples": dict(scoring="jaccard_samples", n_bootstrap=4,
                                       random_state=3),
        "audioset": {},
    }
    cases.update({name: (name, kw) for name, kw in synthetic.items()})
    return cases


def _case_data(name):
    """Scores, targets and sample weights of a reference case (None if its data is absent)."""
    if name.startswith("dcase"):
        path = DATA / f"{name.split('-')[0]}.npz"
        if not path.exists():
            return None
        d = np.load(path)
        return d["val_scores"], d["val_labels"], None
    if name == "audioset":
        return (*make_multilabel_scores(15278, 527, random_state=0)[:2], None)
    if name.startswith("syn-small"):
        return (*make_multilabel_scores(400, 12, random_state=2)[:2], None)
    scores, y = make_multilabel_scores(3000, 40, random_state=1)[:2]
    rng = np.random.default_rng(0)
    weights = rng.random(len(scores)) * 2
    if name == "syn-weights":
        return scores, y, weights
    if name == "syn-soft":
        return scores, np.clip(y * 0.8 + rng.random(y.shape) * 0.2, 0, 1), None
    return scores, y, None


def _fit_case(name, kwargs):
    scores, y, weights = _case_data(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return SGLThresholdOptimizer(device="cpu", **kwargs).fit(scores, y, weights)


@pytest.mark.parametrize("name", sorted(_reference_cases()))
def test_thresholds_match_the_reference_engine(name):
    """Check DCASE and synthetic fits against the thresholds of the previous engine."""
    if _case_data(name) is None:
        pytest.skip(f"the DCASE scores are not in {DATA} (set SKTHRESH_DATA)")
    reference = np.load(REFERENCE)
    opt = _fit_case(name, _reference_cases()[name][1])
    assert np.mean(opt.thresholds_ != reference[name]) <= 0.01
    assert opt.best_score_ == pytest.approx(float(reference[name + ":score"]), abs=1e-9)


if __name__ == "__main__":  # write the reference (run on the reference commit)
    REFERENCE.parent.mkdir(exist_ok=True)
    fits = {name: _fit_case(name, kw) for name, kw in _reference_cases().items()}
    np.savez(REFERENCE, **{k: f.thresholds_ for k, f in fits.items()},
             **{k + ":score": np.array(f.best_score_) for k, f in fits.items()})
    print(f"wrote {REFERENCE}")
