"""Shared fixtures: seeds, the real DCASE score sets, CUDA availability."""

from __future__ import annotations

import os
import random
from pathlib import Path

import numpy as np
import pytest
import torch

DATA_DIR = Path(
    os.environ.get(
        "SKTHRESH_DATA",
        Path(__file__).resolve().parents[1].parent / "shared" / "data" / "sgl-thresh",
    )
)

requires_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")


@pytest.fixture(autouse=True)
def _seed():
    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)


def load_dcase(name: str):
    """Load one of the shipped score sets, or skip with the reason."""
    path = DATA_DIR / f"{name}.npz"
    if not path.exists():
        pytest.skip(
            f"real scores not found at {path} (they live in ../shared/data/sgl-thresh beside "
            "the repository; set SKTHRESH_DATA to their folder)"
        )
    return dict(np.load(path))


@pytest.fixture(scope="session")
def multilabel_scores():
    """Noisy scores of 400 rows x 6 labels with rare and frequent labels."""
    rng = np.random.default_rng(42)
    prior = np.array([0.4, 0.25, 0.15, 0.08, 0.05, 0.03])
    y = (rng.random((400, 6)) < prior).astype(np.int64)
    scores = 1 / (1 + np.exp(-(2.0 * y - 1.0) * rng.gamma(2.0, 0.6, size=y.shape)
                             - rng.normal(-1.0, 0.8, size=y.shape)))
    return scores, y
