"""skthresh: learn the decision thresholds of multi-label classifiers."""

from ._classifier import ThresholdOptimizedClassifier
from ._optimizers import (
    CoordinateThresholdOptimizer,
    FixedThresholdOptimizer,
    SGLThresholdOptimizer,
)
from ._policies import apply_thresholds
from ._scoring import SetMetric, get_set_metric

__version__ = "0.1.0"

__all__ = [
    "CoordinateThresholdOptimizer",
    "FixedThresholdOptimizer",
    "SGLThresholdOptimizer",
    "ThresholdOptimizedClassifier",
    "SetMetric",
    "apply_thresholds",
    "get_set_metric",
    "__version__",
]
