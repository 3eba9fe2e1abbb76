"""Scores read in chunks: memory maps, partial_fit, and their statistics.

The fits must equal the in-memory fit when the sample of pass 1 holds every
row, stay close to it when the bins come from a sample, never hold the
matrix whole, and refuse what chunks cannot give. The Dask tests (a
``LocalCluster``) are in ``test_dask.py``.
"""

from __future__ import annotations

import logging
import tracemalloc

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import f1_score

from skthresh import (
    CoordinateThresholdOptimizer,
    FixedThresholdOptimizer,
    SetMetric,
    SGLThresholdOptimizer,
    _streaming,
)
from skthresh.datasets import make_multilabel_scores
from skthresh.exceptions import SkthreshWarning


def _data(n=3000, n_labels=12, seed=0):
    rng = np.random.default_rng(seed)
    y = (rng.random((n, n_labels)) < rng.uniform(0.02, 0.3, n_labels)).astype(np.int8)
    s = (0.35 * y + rng.random((n, n_labels))).astype(np.float32)
    s[:, 1] = np.round(s[:, 1], 2)  # blocks of tied scores
    return s, y


def _maps(tmp_path, *arrays):
    out = []
    for i, a in enumerate(arrays):
        np.save(tmp_path / f"a{i}.npy", a)
        out.append(np.load(tmp_path / f"a{i}.npy", mmap_mode="r"))
    return out


@pytest.mark.parametrize("scoring", ["f1_micro", "f1_macro", "jaccard_weighted",
                                     SetMetric.tversky(0.3, 0.7)])
def test_memory_map_fit_equals_in_memory_fit_when_the_sample_holds_every_row(tmp_path,
                                                                              scoring):
    """Check that the bins, counts and thresholds are the in-memory ones (SGL, coordinate)."""
    s, y = _data()
    ms, my = _maps(tmp_path, s, y)
    for opt in (SGLThresholdOptimizer(scoring=scoring, n_bins=500),
                CoordinateThresholdOptimizer(scoring=scoring)):
        a = opt.fit(s, y).thresholds_.copy(), opt.best_score_
        b = opt.fit(ms, my).thresholds_.copy(), opt.best_score_
        np.testing.assert_array_equal(a[0], b[0])
        assert a[1] == pytest.approx(b[1], abs=1e-12)


def test_memory_map_fit_equals_in_memory_fit_with_weights_and_soft_targets(tmp_path):
    """Check the general count path (soft targets, row weights) through chunks."""
    s, y = _data()
    rng = np.random.default_rng(1)
    soft = np.clip(y + 0.3 * rng.random(y.shape), 0, 1)
    w = rng.random(len(s))
    ms, msoft = _maps(tmp_path, s, soft)
    a = SGLThresholdOptimizer().fit(s, soft, w)
    b = SGLThresholdOptimizer().fit(ms, msoft, w)
    np.testing.assert_allclose(a.thresholds_, b.thresholds_, rtol=0, atol=1e-12)
    assert a.best_score_ == pytest.approx(b.best_score_, abs=1e-9)


def test_sampled_bins_stay_close_to_the_in_memory_fit(tmp_path, monkeypatch):
    """Check bins from a strided sample: real cuts, an exact best_score_, the F1 of in memory.

    The sample is made small (1 row in 6) so that the bins are estimated, as
    they are for millions of rows.
    """
    s, y = make_multilabel_scores(12_000, 20, density=0.08, random_state=0)
    monkeypatch.setattr(_streaming, "_SAMPLE_ELEMENTS", 2_000 * 20)
    monkeypatch.setattr(_streaming, "_CHUNK_ELEMENTS", 1_000 * 20)
    ms, my = _maps(tmp_path, s, y)
    assert _streaming.sample_stride(12_000, 20, 300) == 6
    memory = SGLThresholdOptimizer(n_bins=300).fit(s, y)
    chunked = SGLThresholdOptimizer(n_bins=300).fit(ms, my)
    f1 = f1_score(y, chunked.predict(s), average="micro")
    assert chunked.best_score_ == pytest.approx(f1, abs=1e-12)  # counts are exact
    assert f1 == pytest.approx(memory.best_score_, abs=0.005)
    assert not np.array_equal(memory.thresholds_, chunked.thresholds_)  # bins did differ


@pytest.mark.slow
def test_memory_map_fit_never_holds_the_matrix(tmp_path, monkeypatch):
    """Check that a memory-map fit allocates under a quarter of the matrix (tracemalloc).

    Chunks and sample are 2,000 rows (of 100,000); the fit's own statistics
    (a few numbers per label and known threshold) make most of the rest.
    """
    s, y = make_multilabel_scores(100_000, 100, density=0.05, random_state=0)  # 40 MB
    monkeypatch.setattr(_streaming, "_SAMPLE_ELEMENTS", 200_000)
    monkeypatch.setattr(_streaming, "_CHUNK_ELEMENTS", 200_000)
    ms, my = _maps(tmp_path, s, y)
    SGLThresholdOptimizer(n_bins=100).fit(s[:300], y[:300])  # imports, outside the count
    del s, y
    tracemalloc.start()
    try:
        SGLThresholdOptimizer(n_bins=100).fit(ms, my)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 0.25 * ms.nbytes, peak


def test_partial_fit_equals_fit_on_the_rows_seen(tmp_path):
    """Check that chunk by chunk gives the fit of all rows while they fit in the sample."""
    s, y = _data()
    opt = SGLThresholdOptimizer()
    for start in range(0, len(s), 700):
        opt.partial_fit(s[start:start + 700], y[start:start + 700])
        if start == 700:  # usable after each call: the fit of the rows so far
            part = SGLThresholdOptimizer().fit(s[:1400], y[:1400])
            np.testing.assert_array_equal(opt.thresholds_, part.thresholds_)
    np.testing.assert_array_equal(opt.thresholds_, SGLThresholdOptimizer().fit(s, y).thresholds_)


def test_partial_fit_past_the_sample_counts_every_row(monkeypatch):
    """Check partial_fit once the first rows have fixed the bins: exact counts, close F1."""
    s, y = make_multilabel_scores(12_000, 20, density=0.08, random_state=1)
    monkeypatch.setattr(_streaming, "_SAMPLE_ELEMENTS", 3_000 * 20)
    opt = CoordinateThresholdOptimizer(n_bins=300)
    for start in range(0, len(s), 1_000):
        opt.partial_fit(s[start:start + 1_000], y[start:start + 1_000])
    assert opt._partial.tally.stats is not None and opt._partial.tally.stats.n_samples == 12_000
    f1 = f1_score(y, opt.predict(s), average="micro")
    assert opt.best_score_ == pytest.approx(f1, abs=1e-12)
    exact = CoordinateThresholdOptimizer().fit(s, y).best_score_
    assert exact - 0.01 < f1 <= exact + 1e-12


def test_fit_after_partial_fit_starts_afresh():
    """Check that fit forgets the chunks of partial_fit, and that partial_fit after fit
    starts afresh too, saying so."""
    s, y = _data()
    opt = SGLThresholdOptimizer().partial_fit(s[:500], y[:500])
    opt.fit(s[500:], y[500:])
    np.testing.assert_array_equal(
        opt.thresholds_, SGLThresholdOptimizer().fit(s[500:], y[500:]).thresholds_)
    with pytest.warns(SkthreshWarning, match="partial_fit after fit starts afresh: "
                                             "SGLThresholdOptimizer now learns from this chunk "
                                             "and the later ones only, not from the rows given "
                                             "to fit"):
        opt.partial_fit(s[:500], y[:500])
    np.testing.assert_array_equal(
        opt.thresholds_, SGLThresholdOptimizer().fit(s[:500], y[:500]).thresholds_)


@pytest.mark.parametrize("make", [CoordinateThresholdOptimizer, FixedThresholdOptimizer])
def test_partial_fit_after_fit_warns_once_and_counts_its_chunks(make):
    """Check that only the first partial_fit after fit warns, and that the chunks from
    there on are what is learned from (no warning on a fresh optimizer's chunks)."""
    import warnings

    s, y = _data(1500)
    opt = make().fit(s[:500], y[:500])
    with pytest.warns(SkthreshWarning, match="partial_fit after fit starts afresh"):
        opt.partial_fit(s[500:1000], y[500:1000])
    with warnings.catch_warnings():
        warnings.simplefilter("error", SkthreshWarning)
        opt.partial_fit(s[1000:], y[1000:])
        fresh = make().partial_fit(s[500:1000], y[500:1000]).partial_fit(s[1000:], y[1000:])
    assert opt.best_score_ == pytest.approx(make().fit(s[500:], y[500:]).best_score_,
                                            abs=1e-12)
    np.testing.assert_array_equal(opt.thresholds_, fresh.thresholds_)


@pytest.mark.parametrize("scoring", ["f1_micro", "f1_samples"])
def test_fixed_threshold_metric_on_chunks_is_exact(tmp_path, scoring):
    """Check the fixed cut's best_score_ on a memory map and by partial_fit, any average."""
    s, y = _data()
    ms, my = _maps(tmp_path, s, y)
    expected = FixedThresholdOptimizer(0.6, scoring=scoring).fit(s, y).best_score_
    assert FixedThresholdOptimizer(0.6, scoring=scoring).fit(ms, my).best_score_ == \
        pytest.approx(expected, abs=1e-12)
    opt = FixedThresholdOptimizer(0.6, scoring=scoring)
    for start in range(0, len(s), 999):
        opt.partial_fit(s[start:start + 999], y[start:start + 999])
    assert opt.best_score_ == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("make", [
    lambda: SGLThresholdOptimizer(scoring="f1_samples"),
    lambda: CoordinateThresholdOptimizer(scoring="jaccard_samples"),
])
def test_per_sample_average_is_refused_for_chunks(tmp_path, make):
    """Check the message: the per-sample average needs each row's labels together."""
    s, y = _data(200)
    ms, my = _maps(tmp_path, s, y)
    with pytest.raises(ValueError, match="per-sample average .* cannot be learned from scores "
                                         "read in chunks"):
        make().fit(ms, my)
    with pytest.raises(ValueError, match="cannot be learned from partial_fit"):
        make().partial_fit(s, y)


def test_auto_shrinkage_is_refused_for_chunks(tmp_path):
    """Check the message for shrinkage='auto', which cross-validates on rows in memory."""
    s, y = _data(200)
    ms, my = _maps(tmp_path, s, y)
    with pytest.raises(ValueError, match=r"shrinkage='auto' cross-validates on rows held in "
                                         r"memory.*pass a number"):
        SGLThresholdOptimizer(shrinkage="auto").fit(ms, my)


def test_bad_chunks_are_refused_clearly(tmp_path):
    """Check shapes before any pass, values chunk by chunk, and label counts across chunks."""
    s, y = _data(200)
    bad = s.copy()
    bad[150, 3] = np.nan
    ms, my, mbad = _maps(tmp_path, s, y, bad)
    with pytest.raises(ValueError, match=r"y_true has shape \(199, 12\), which does not match"):
        SGLThresholdOptimizer().fit(ms, my[:199])
    with pytest.raises(ValueError, match=r"NaN or infinite values \(in label column\(s\) \[3\]"):
        SGLThresholdOptimizer().fit(mbad, my)
    with pytest.raises(ValueError, match=r"sample_weight has shape \(3,\)"):
        SGLThresholdOptimizer().fit(ms, my, np.ones(3))
    for opt in (SGLThresholdOptimizer(), FixedThresholdOptimizer()):
        opt.partial_fit(s[:100], y[:100])
        with pytest.raises(ValueError, match=r"has 11 label column\(s\), but the earlier "
                                             r"chunks had 12"):
            opt.partial_fit(s[100:, :11], y[100:, :11])


def test_one_label_memory_map(tmp_path):
    """Check a 1-D memory map (one label), as 1-D arrays in memory."""
    s, y = _data(500)
    ms, my = _maps(tmp_path, s[:, 0].copy(), y[:, 0].copy())
    a = SGLThresholdOptimizer().fit(s[:, 0], y[:, 0])
    b = SGLThresholdOptimizer().fit(ms, my)
    np.testing.assert_array_equal(a.thresholds_, b.thresholds_)


def test_streamed_fit_reports_progress(tmp_path, monkeypatch, capsys, caplog):
    """Check the passes and chunks on stdout (verbose, scikit-learn's way) and on the
    skthresh logger."""
    s, y = _data(2000)
    monkeypatch.setattr(_streaming, "_CHUNK_ELEMENTS", 500 * 12)
    ms, my = _maps(tmp_path, s, y)
    with caplog.at_level(logging.INFO, logger="skthresh"):
        SGLThresholdOptimizer(verbose=1).fit(ms, my)
    out = capsys.readouterr().out
    assert "pass 1/2 (bins): 2,000 sampled rows of 2,000" in out
    assert "pass 2/2 (counts): chunk 4/4, 2,000 rows" in out and "rows/s" in out
    assert any("pass 2/2 (counts): 2,000 rows in" in r.getMessage() for r in caplog.records)


def test_fixed_optimizer_verbose_reports_its_streamed_pass(tmp_path, monkeypatch, capsys):
    """Check what FixedThresholdOptimizer's docstring says verbose does: the streamed pass
    printed, nothing in memory or by partial_fit, nothing when verbose=0."""
    s, y = _data(2000)
    monkeypatch.setattr(_streaming, "_CHUNK_ELEMENTS", 500 * 12)
    ms, my = _maps(tmp_path, s, y)
    FixedThresholdOptimizer(verbose=1).fit(ms, my)
    assert "metric: chunk 4/4, 2,000 rows" in capsys.readouterr().out
    FixedThresholdOptimizer(verbose=0).fit(ms, my)
    FixedThresholdOptimizer(verbose=1).fit(s, y)
    FixedThresholdOptimizer(verbose=1).partial_fit(s, y)
    assert capsys.readouterr() == ("", "")


def test_binned_scores_convert_thresholds_between_known_cuts():
    """Check cuts of thresholds that fall between known thresholds: exact where no row lies
    between, else the nearer known cut."""
    s, y = _data(1000, 3)
    stats = _streaming.ScoreStatistics(*_streaming.bin_plan(s[::50], 4))
    ss = stats.add(s, y, np.ones(len(s))).binned_scores()
    known = stats.known[1:-1, 0]
    for q in known:
        exact = int(np.count_nonzero(s[:, 0] < q))
        assert ss.cuts_from_thresholds(np.array([q, 0, 0]))[0] == exact
    # just above the highest score below a known threshold: still that cut (no row between)
    col = np.sort(s[:, 0])
    q = known[2]
    below = col[col < q].max()
    t = np.nextafter(below, np.inf)
    assert ss.cuts_from_thresholds(np.array([t, 0, 0]))[0] == np.count_nonzero(col < q)
    # thresholds from the known cuts realise them on the rows
    cuts = np.array([ss.valid_cuts(c)[3] for c in range(3)])
    t = ss.thresholds_from_cuts(cuts)
    np.testing.assert_array_equal((s < t).sum(axis=0), cuts)


def test_partial_fit_pairs_dataframe_columns_by_name():
    """Check that later DataFrame chunks follow the first chunk's column names."""
    pd = pytest.importorskip("pandas")
    s, y = _data(1000, 4)
    names = ["a", "b", "c", "d"]
    opt = SGLThresholdOptimizer().partial_fit(pd.DataFrame(s[:500], columns=names),
                                              pd.DataFrame(y[:500], columns=names))
    shuffled = ["c", "a", "d", "b"]
    order = [names.index(n) for n in shuffled]
    opt.partial_fit(pd.DataFrame(s[500:, order], columns=shuffled),
                    pd.DataFrame(y[500:, order], columns=shuffled))
    np.testing.assert_array_equal(opt.thresholds_, SGLThresholdOptimizer().fit(s, y).thresholds_)
    assert list(opt.label_names_) == names
    with pytest.raises(ValueError, match="first chunk"):
        opt.partial_fit(pd.DataFrame(s[:10], columns=["a", "b", "c", "x"]), y[:10])


def test_warnings_point_at_the_callers_line(tmp_path):
    """Check that fit, a memory-map fit and partial_fit attribute their warnings to the caller
    (a warning attributed to a library line is shown once per process, then hidden)."""
    import warnings

    s, y = _data(300, 3)
    y[:, 1:] = 0
    ms, my = _maps(tmp_path, s, y)
    for call in (lambda: SGLThresholdOptimizer().fit(s, y),
                 lambda: SGLThresholdOptimizer().fit(ms, my),
                 lambda: SGLThresholdOptimizer().partial_fit(s, y)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            call()
        assert caught and {w.filename for w in caught} == {__file__}


def test_partial_fit_of_one_large_chunk_equals_the_memory_map_fit(tmp_path, monkeypatch):
    """Check that a first chunk larger than the sample is binned from a strided sample of it,
    as a memory map is: the same thresholds."""
    s, y = make_multilabel_scores(8_000, 10, density=0.1, random_state=2)
    monkeypatch.setattr(_streaming, "_SAMPLE_ELEMENTS", 2_000 * 10)
    monkeypatch.setattr(_streaming, "_CHUNK_ELEMENTS", 1_500 * 10)
    ms, my = _maps(tmp_path, s, y)
    streamed = SGLThresholdOptimizer(n_bins=200).fit(ms, my)
    chunked = SGLThresholdOptimizer(n_bins=200).partial_fit(s, y)
    assert chunked._partial.tally.stats is not None  # past the sample: binned statistics
    np.testing.assert_array_equal(chunked.thresholds_, streamed.thresholds_)


def test_partial_fit_checks_the_parameters_at_every_call():
    """Check that a per-sample scoring or other bins set between chunks is refused clearly."""
    s, y = _data(600)
    opt = SGLThresholdOptimizer(n_bins=300).partial_fit(s[:300], y[:300])
    with pytest.raises(ValueError, match="cannot be learned from partial_fit"):
        opt.set_params(scoring="f1_samples").partial_fit(s[300:], y[300:])
    opt.set_params(scoring="f1_micro", n_bins=100)
    with pytest.raises(ValueError, match="n_bins is 100, but the earlier chunks are counted "
                                         "in 300 bins per label"):
        opt.partial_fit(s[300:], y[300:])


@pytest.mark.parametrize("make", [CoordinateThresholdOptimizer, SGLThresholdOptimizer])
def test_streamed_cut_that_predicts_every_row_is_computed_without_nan(tmp_path, make):
    """Check that a streamed fit whose cut predicts every row (soft labels) emits no
    RuntimeWarning: the midpoint of cut 0 (no score below it) was -inf + inf."""
    import warnings

    rng = np.random.default_rng(0)
    y = np.column_stack([(rng.random(200) < 0.3), np.full(200, 0.9)]).astype(np.float64)
    s = rng.random((200, 2)).astype(np.float32)
    s[:, 0] += y[:, 0]
    ms, my = _maps(tmp_path, s, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)  # the warning that label 1 predicts all
        streamed = make(scoring="f1_macro").fit(ms, my)
        in_memory = make(scoring="f1_macro").fit(s, y)
    np.testing.assert_array_equal(streamed.thresholds_, in_memory.thresholds_)
    assert np.isfinite(streamed.thresholds_).all()


def test_unnamed_chunk_after_a_named_first_chunk_warns():
    """Check that an array chunk after a DataFrame first chunk is paired by position with
    a warning, and still counted."""
    pd = pytest.importorskip("pandas")
    s, y = _data(1000, 4)
    names = ["a", "b", "c", "d"]
    opt = SGLThresholdOptimizer().partial_fit(pd.DataFrame(s[:500], columns=names), y[:500])
    with pytest.warns(SkthreshWarning, match=r"y_score has no label names, but "
                                             r"SGLThresholdOptimizer was fitted with label names: "
                                             r"its columns are taken by position, in the first "
                                             r"chunk's order \['a', 'b', 'c', 'd'\]"):
        opt.partial_fit(s[500:], y[500:])
    np.testing.assert_array_equal(opt.thresholds_, SGLThresholdOptimizer().fit(s, y).thresholds_)


@pytest.mark.parametrize("optimizer", [CoordinateThresholdOptimizer(), FixedThresholdOptimizer()])
def test_scalar_sample_weight_on_a_memory_map_is_every_rows_weight(tmp_path, optimizer):
    """Check that sample_weight=2.0 on streamed scores fits as no weights, as in memory."""
    s, y = _data(n=600, n_labels=4)
    ms, my = _maps(tmp_path, s, y)
    plain = clone(optimizer).fit(ms, my)
    weighted = clone(optimizer).fit(ms, my, sample_weight=2.0)
    np.testing.assert_allclose(weighted.thresholds_, plain.thresholds_)
    assert weighted.best_score_ == pytest.approx(plain.best_score_)
    with pytest.raises(ValueError, match="sample_weight, a single number.*got -1.0"):
        clone(optimizer).fit(ms, my, sample_weight=-1.0)


@pytest.mark.parametrize("make", [CoordinateThresholdOptimizer, FixedThresholdOptimizer])
def test_every_input_takes_the_one_route(tmp_path, monkeypatch, make):
    """Check that arrays, DataFrames, memory maps and partial_fit chunks all enter through
    _inputs.read_inputs, once per call, and give it what fit needs: the rows in memory only
    for an in-memory fit, the label names of a DataFrame."""
    pd = pytest.importorskip("pandas")
    from skthresh import _optimizers

    calls = []
    route = _optimizers.read_inputs

    def spy(*args, **kwargs):
        inputs = route(*args, **kwargs)
        calls.append((inputs.rows is not None, None if inputs.names is None
                      else list(inputs.names)))
        return inputs

    monkeypatch.setattr(_optimizers, "read_inputs", spy)
    s, y = _data(400, 3)
    ms, my = _maps(tmp_path, s, y)
    frame = pd.DataFrame(s, columns=["a", "b", "c"])
    make().fit(s, y)
    make().fit(frame, y)
    make().fit(ms, my)
    chunked = make().partial_fit(frame[:200], y[:200])
    with pytest.warns(SkthreshWarning, match="y_score has no label names"):
        chunked.partial_fit(s[200:], y[200:])
    assert calls == [(True, None), (True, ["a", "b", "c"]), (False, None),
                     (False, ["a", "b", "c"]), (False, ["a", "b", "c"])]


def test_fixed_threshold_per_sample_metric_on_chunks_is_weighted(tmp_path):
    """Check that sample weights weigh the rows of the per-sample average on a memory map
    and by partial_fit, as in memory (they were ignored: each chunk's plain mean was summed)."""
    s, y = _data(600, 5)
    w = np.random.default_rng(3).uniform(0.1, 3.0, len(s))
    ms, my, mw = _maps(tmp_path, s, y, w)
    expected = FixedThresholdOptimizer(0.6, scoring="f1_samples").fit(s, y, w).best_score_
    assert expected == pytest.approx(
        f1_score(y, (s >= 0.6).astype(int), average="samples", sample_weight=w,
                 zero_division=0), abs=1e-12)
    streamed = FixedThresholdOptimizer(0.6, scoring="f1_samples").fit(ms, my, mw)
    chunked = FixedThresholdOptimizer(0.6, scoring="f1_samples")
    for start in range(0, len(s), 250):
        chunked.partial_fit(s[start:start + 250], y[start:start + 250], w[start:start + 250])
    assert streamed.best_score_ == pytest.approx(expected, abs=1e-12)
    assert chunked.best_score_ == pytest.approx(expected, abs=1e-12)


def _half_weighed(n=300, n_labels=3):
    s, y = _data(n, n_labels, seed=3)
    return s, y, np.r_[np.ones(n // 2), np.zeros(n - n // 2)]


_WEIGHED = [lambda: CoordinateThresholdOptimizer(scoring="f1_macro"),
            lambda: SGLThresholdOptimizer(scoring="f1_micro", n_bins=500),
            lambda: FixedThresholdOptimizer(0.6, scoring="f1_micro"),
            lambda: FixedThresholdOptimizer(0.6, scoring="f1_samples")]


def _same_fit(a, b):
    np.testing.assert_array_equal(a.thresholds_, b.thresholds_)
    assert a.best_score_ == pytest.approx(b.best_score_, abs=1e-12)


@pytest.mark.parametrize("make", _WEIGHED)
def test_a_chunk_without_weight_is_fitted_as_in_memory(tmp_path, monkeypatch, make):
    """Check that one chunk whose weights are all zero is no error (memory map, partial_fit)."""
    s, y, w = _half_weighed()
    monkeypatch.setattr(_streaming, "_CHUNK_ELEMENTS", 150 * 3)
    expected = make().fit(s, y, w)
    ms, my, mw = _maps(tmp_path, s, y, w)
    _same_fit(make().fit(ms, my, mw), expected)
    _same_fit(make().fit(ms, my, w), expected)
    chunked = make().partial_fit(s[:150], y[:150], w[:150])
    _same_fit(chunked.partial_fit(s[150:], y[150:], w[150:]), expected)


@pytest.mark.parametrize("make", _WEIGHED)
def test_a_dask_block_without_weight_is_fitted_as_in_memory(make):
    """Check that one Dask block whose weights are all zero is no error."""
    da = pytest.importorskip("dask.array")
    s, y, w = _half_weighed()
    expected = make().fit(s, y, w)
    fitted = make().fit(da.from_array(s, chunks=(150, 3)), da.from_array(y, chunks=(150, 3)),
                        da.from_array(w, chunks=150))
    _same_fit(fitted, expected)


@pytest.mark.parametrize("make", _WEIGHED)
def test_rows_that_all_weigh_nothing_are_refused_once(tmp_path, monkeypatch, make):
    """Check the in-memory error, on the total weight, by every route; a refused chunk is
    not counted."""
    s, y, _ = _half_weighed()
    zero = np.zeros(len(s))
    monkeypatch.setattr(_streaming, "_CHUNK_ELEMENTS", 150 * 3)
    ms, my, mw = _maps(tmp_path, s, y, zero)
    match = "sample_weight sums to zero: there is nothing to learn from"
    for args in ((s, y, zero), (ms, my, mw), (ms, my, 0.0)):
        with pytest.raises(ValueError, match=match):
            make().fit(*args)
    opt = make()
    with pytest.raises(ValueError, match=match):
        opt.partial_fit(s[150:], y[150:], zero[150:])
    assert not hasattr(opt, "thresholds_") and not hasattr(opt, "_partial")
    opt.partial_fit(s[:150], y[:150]).partial_fit(s[150:], y[150:], zero[150:])
    _same_fit(opt, make().fit(s, y, np.r_[np.ones(150), zero[150:]]))
