"""Helpers shared by several test files, imported by name (``from ._helpers import lr``).

The convention of this suite: a helper that builds an estimator, a data set or
a marker used by more than one file is a plain function (or constant) here;
``conftest.py`` holds only fixtures (the autouse seeds and thread limits, and
session-scoped data that is costly to build). Helpers used by one file stay in
that file.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.datasets import make_multilabel_classification
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

# the real DCASE score sets: ../shared/data/sgl-thresh beside the repository, or SKTHRESH_DATA
DATA_DIR = Path(
    os.environ.get(
        "SKTHRESH_DATA",
        Path(__file__).resolve().parents[1].parent / "shared" / "data" / "sgl-thresh",
    )
)

requires_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


def load_dcase(name: str):
    """Load one of the shipped score sets, or skip with the reason."""
    path = DATA_DIR / f"{name}.npz"
    if not path.exists():
        pytest.skip(
            f"real scores not found at {path} (they live in ../shared/data/sgl-thresh beside "
            "the repository; set SKTHRESH_DATA to their folder)"
        )
    return dict(np.load(path))


def lr(**params):
    """A logistic regression with a quick solver for these small problems.

    Newton-Cholesky fits the same model as the default lbfgs (L2 penalty, the
    intercept unpenalised) in a few Newton steps: on the unscaled counts of
    make_multilabel_classification lbfgs needs 20-40 iterations and a one-vs-rest
    fit took about 10 times as long. The solver is not what the tests check.
    """
    return LogisticRegression(solver="newton-cholesky", **params)


def ovr_lr():
    """One quick logistic regression per label."""
    return OneVsRestClassifier(lr())


def multilabel(n=150, n_classes=4):
    """A small multi-label problem of scikit-learn's generator (seeded)."""
    return make_multilabel_classification(n_samples=n, n_classes=n_classes, random_state=0)


def sorted_by_label(n=240, n_labels=4, seed=0):
    """A target ordered by label, as many real files are: label k's rows come k-th."""
    rng = np.random.default_rng(seed)
    Y = np.zeros((n, n_labels), dtype=int)
    block = n // n_labels
    for k in range(n_labels):
        Y[k * block:(k + 1) * block, k] = 1
    Y[rng.random(Y.shape) < 0.05] = 1
    X = Y * 2.0 + rng.normal(size=Y.shape)
    return X, Y
