"""Shared fixtures: seeds, one BLAS/OpenMP thread, data and subprocess results several files use.

Helpers that are plain functions (estimators, data, markers) live in ``_helpers.py``.

One test file per module: ``test_<name>.py`` tests ``skthresh/<name>.py`` or
``skthresh/_<name>.py`` (``test_cli.py`` the ``_cli*`` modules, ``test_init.py``
the package namespace). Three files cut across modules: ``test_common.py``
(scikit-learn's estimator checks), ``test_dask.py`` (the estimators on a Dask
cluster) and ``test_real_data.py`` (held-out quality on the DCASE scores).
Tests marked ``slow`` run by default; ``-m "not slow"`` leaves them out.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys

import numpy as np
import pytest
import torch
from threadpoolctl import threadpool_limits


@pytest.fixture(autouse=True)
def _seed():
    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)


_DEFAULT_THREADS = {"test_optimizers.py", "test_sgl.py", "test_cuts.py"}


@pytest.fixture(autouse=True)
def _one_blas_thread(request):
    """Run each test with one BLAS/OpenMP thread (threadpoolctl), as joblib's workers do.

    The tests' problems are small: on them scikit-learn's OpenMP loss loops and
    the BLAS spend more time waking and synchronising threads than computing,
    and on a busy machine, where the threads spin waiting for a core, a
    logistic regression took 4 to 10 times as long (the classifier tests: 170 s
    against 26 s on 2 cores). Results do not depend on the thread count.
    The engine's own tests (test_optimizers.py, test_sgl.py, test_cuts.py) keep
    the default pools.
    """
    if request.node.path.name in _DEFAULT_THREADS:
        yield
        return
    with threadpool_limits(limits=1):
        yield


@pytest.fixture(scope="session")
def multilabel_scores():
    """Noisy scores of 400 rows x 6 labels with rare and frequent labels."""
    rng = np.random.default_rng(42)
    prior = np.array([0.4, 0.25, 0.15, 0.08, 0.05, 0.03])
    y = (rng.random((400, 6)) < prior).astype(np.int64)
    scores = 1 / (1 + np.exp(-(2.0 * y - 1.0) * rng.gamma(2.0, 0.6, size=y.shape)
                             - rng.normal(-1.0, 0.8, size=y.shape)))
    return scores, y


_FRESH_IMPORTS = """
import json, sys
import skthresh
report = {"torch_after_skthresh": "torch" in sys.modules,
          "heavy_after_skthresh": sorted(m for m in ("sklearn", "torch", "scipy")
                                         if m in sys.modules)}
import skthresh.metrics as m
m.f1_score([[1, 0]], [[1, 1]]); m.make_set_scorer("f1_micro")
report["torch_after_metrics"] = "torch" in sys.modules
report["matplotlib_before_display"] = "matplotlib" in sys.modules
import skthresh._display
report["matplotlib_after_display"] = "matplotlib" in sys.modules
display = skthresh.ThresholdReportDisplay(n_positive=[3], threshold=[0.5], low=[0.4], high=[0.6],
                                          untunable=[True])
report["matplotlib_after_report_display"] = "matplotlib" in sys.modules
print(json.dumps(report))
"""


@pytest.fixture(scope="session")
def fresh_imports():
    """Which heavy modules a fresh interpreter holds after each step of using skthresh.

    One subprocess (each costs an interpreter start and a ``skthresh`` import)
    serves the lazy-import tests of test_init.py, test_metrics.py,
    test_display.py and test_report_display.py: it imports skthresh, uses
    skthresh.metrics, imports skthresh._display, then builds a
    ThresholdReportDisplay (without drawing it).
    """
    out = subprocess.run([sys.executable, "-c", _FRESH_IMPORTS], capture_output=True,
                         text=True, check=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])
