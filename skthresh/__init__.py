"""skthresh: learn the decision thresholds of multi-label classifiers."""

from ._classifier import ThresholdOptimizedClassifier
from ._optimizers import (
    CoordinateThresholdOptimizer,
    FixedThresholdOptimizer,
    SGLThresholdOptimizer,
)
from ._scoring import SetMetric, get_set_metric

__version__ = "0.1.0"

__all__ = [
    "CoordinateThresholdOptimizer",
    "FixedThresholdOptimizer",
    "SGLThresholdOptimizer",
    "ThresholdOptimizedClassifier",
    "SetMetric",
    "get_set_metric",
    "__version__",
]
