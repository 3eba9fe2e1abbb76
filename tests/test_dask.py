"""GridSearchCV over ThresholdOptimizedClassifier on a Dask cluster (joblib's dask backend).

The cluster is a ``distributed.LocalCluster`` of one worker process with two
threads (joblib sees two slots, so it sends every task to the cluster), started
and closed by a module fixture, so the estimators really travel to another
process (pickled) and back. One process, not two, imports scikit-learn,
skthresh and torch: those imports were most of these tests' time. Skipped when dask or distributed
is not installed (``pip install dask distributed``).

The inner estimator is a distance-weighted k-nearest-neighbours classifier:
cheap, multi-label by itself and with continuous scores, so the time goes to
the distribution being tested, not to a solver.
"""

from __future__ import annotations

import logging
import time

import numpy as np
import pytest
from joblib import parallel_backend
from sklearn.datasets import make_multilabel_classification
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import KNeighborsClassifier
from threadpoolctl import threadpool_limits

from skthresh import (
    CoordinateThresholdOptimizer,
    SGLThresholdOptimizer,
    ThresholdOptimizedClassifier,
)

pytest.importorskip("dask", reason="dask is not installed (pip install dask distributed)")
distributed = pytest.importorskip(
    "distributed", reason="distributed is not installed (pip install dask distributed)"
)


@pytest.fixture(scope="module")
def client():
    """A local cluster of 1 worker process with 2 threads, closed after the tests."""
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=True,
                                       dashboard_address=None, silence_logs=logging.ERROR)
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def _search(optimizer):
    X, Y = make_multilabel_classification(n_samples=160, n_features=10, n_classes=5,
                                          random_state=0)
    clf = ThresholdOptimizedClassifier(KNeighborsClassifier(weights="distance"),
                                       optimizer=optimizer, cv=2, random_state=0)
    # two candidates that differ in both an inner and an outer parameter: each one
    # reaches the workers through set_params, and the best one is picked the same way
    grid = [{"estimator__n_neighbors": [5], "scoring": ["f1_macro"]},
            {"estimator__n_neighbors": [15], "scoring": ["f1_micro"]}]
    return GridSearchCV(clf, grid, scoring="f1_micro", cv=2), X, Y


@pytest.mark.slow
@pytest.mark.parametrize("optimizer", [
    CoordinateThresholdOptimizer(),
    SGLThresholdOptimizer(device="cpu", max_iter=40),
], ids=["coordinate", "sgl"])
def test_gridsearch_on_dask_cluster_matches_serial(client, optimizer):
    """Check that GridSearchCV run on the Dask workers gives the serial results."""
    search, X, Y = _search(optimizer)
    start = time.perf_counter()
    with threadpool_limits(limits=1):  # as on the workers, which run one BLAS/OpenMP thread
        serial = search.fit(X, Y)
    serial_time = time.perf_counter() - start
    serial_scores = serial.cv_results_["mean_test_score"].copy()
    serial_params, serial_thresholds = serial.best_params_, serial.best_estimator_.thresholds_

    search, X, Y = _search(optimizer)
    start = time.perf_counter()
    with distributed.get_task_stream(client) as tasks, parallel_backend("dask"):
        on_dask = search.fit(X, Y)
    dask_time = time.perf_counter() - start
    print(f"\n{type(optimizer).__name__}: serial {serial_time:.2f} s, "
          f"dask (1 worker, 2 threads) {dask_time:.2f} s")

    assert len(tasks.data) >= len(serial_scores) * 2  # every (candidate, fold) ran on a worker
    assert on_dask.best_params_ == serial_params
    np.testing.assert_array_equal(on_dask.cv_results_["mean_test_score"], serial_scores)
    # The refit's out-of-fold scores come from the workers: BLAS may round the inner
    # model's distances, hence its scores, differently in the last bit there, and a
    # threshold is a midpoint of two scores, so thresholds agree to rounding, not bit
    # for bit.
    np.testing.assert_allclose(on_dask.best_estimator_.thresholds_, serial_thresholds,
                               rtol=1e-12, atol=0)


def _load_rows(path, start, stop):
    """Rows of a .npy file, read on the worker (the client never holds them)."""
    return np.array(np.load(path, mmap_mode="r")[start:stop])


def _dask_rows(path, shape, dtype, rows):
    """A Dask array whose blocks of ``rows`` rows are read from the file by the workers."""
    import dask
    import dask.array as da

    blocks = [da.from_delayed(dask.delayed(_load_rows)(str(path), a, min(a + rows, shape[0])),
                              shape=(min(a + rows, shape[0]) - a, shape[1]), dtype=dtype)
              for a in range(0, shape[0], rows)]
    return da.concatenate(blocks)


@pytest.mark.slow
@pytest.mark.parametrize("optimizer", [SGLThresholdOptimizer(n_bins=256),
                                       CoordinateThresholdOptimizer(n_bins=256)],
                         ids=["sgl", "coordinate"])
def test_dask_array_fit_on_cluster_equals_memory_map_fit(client, tmp_path, monkeypatch,
                                                         optimizer):
    """Check that Dask arrays counted on the cluster's workers give the memory-map thresholds.

    The bins come from a sample (1 row in 3), as for millions of rows; the
    blocks (1,000 rows) differ from the memory map's chunks (700 rows).
    """
    from skthresh import _streaming
    from skthresh.datasets import make_multilabel_scores

    s, y = make_multilabel_scores(6_000, 15, density=0.1, random_state=0)
    np.save(tmp_path / "s.npy", s)
    np.save(tmp_path / "y.npy", y)
    monkeypatch.setattr(_streaming, "_SAMPLE_ELEMENTS", 2_000 * 15)
    monkeypatch.setattr(_streaming, "_CHUNK_ELEMENTS", 700 * 15)
    ms, my = (np.load(tmp_path / f"{n}.npy", mmap_mode="r") for n in "sy")
    expected = optimizer.fit(ms, my).thresholds_.copy()

    ds, dy = (_dask_rows(tmp_path / f"{n}.npy", a.shape, a.dtype, 1_000)
              for n, a in (("s", s), ("y", y)))
    with distributed.get_task_stream(client) as tasks:
        got = optimizer.fit(ds, dy).thresholds_
    assert len(tasks.data) >= 6  # the blocks were read and counted on the workers
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)


def test_dask_array_of_unknown_size_is_refused_clearly():
    """Check the message for a Dask array whose chunk sizes are unknown (after a filter)."""
    import dask.array as da

    s = da.from_array(np.random.default_rng(0).random((100, 3)), chunks=(50, 3))
    filtered = s[s[:, 0] > 0.5]
    with pytest.raises(ValueError, match=r"y_score is a Dask array of unknown size .*"
                                         r"compute_chunk_sizes\(\)"):
        SGLThresholdOptimizer().fit(filtered, np.zeros((100, 3)))


def test_large_numpy_labels_with_dask_scores_draw_a_warning(monkeypatch):
    """Check the advice to pass labels as a Dask array when they would travel whole."""
    import dask.array as da

    from skthresh import _streaming
    from skthresh.exceptions import SkthreshWarning

    monkeypatch.setattr(_streaming, "_GRAPH_BYTES", 100)
    rng = np.random.default_rng(0)
    y = (rng.random((200, 3)) < 0.3).astype(np.int8)
    s = da.from_array(rng.random((200, 3)), chunks=(50, 3))
    with pytest.warns(SkthreshWarning, match="y_true is not a Dask array .* Pass it as a Dask "
                                             "array with the scores' row chunks") as caught:
        SGLThresholdOptimizer().fit(s, y)
    assert caught[0].filename == __file__
