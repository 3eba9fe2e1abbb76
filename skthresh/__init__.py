"""skthresh: learn the decision thresholds of multi-label classifiers."""

from ._classifier import ThresholdOptimizedClassifier
from ._display import SGLCurveDisplay, ThresholdCurveDisplay
from ._optimizers import (
    CoordinateThresholdOptimizer,
    FixedThresholdOptimizer,
    SGLThresholdOptimizer,
)
from ._policies import apply_thresholds
from ._scoring import SetMetric, get_set_metric
from ._split import MultilabelStratifiedKFold

__version__ = "0.1.0"

__all__ = [
    "CoordinateThresholdOptimizer",
    "FixedThresholdOptimizer",
    "MultilabelStratifiedKFold",
    "SGLCurveDisplay",
    "SGLThresholdOptimizer",
    "SetMetric",
    "ThresholdCurveDisplay",
    "ThresholdOptimizedClassifier",
    "TorchEmbedder",
    "__version__",
    "apply_thresholds",
    "get_set_metric",
]


def __getattr__(name):
    # TorchEmbedder needs torch: import it on first use, so that `import skthresh`
    # (the command line, the numpy metrics) stays light.
    if name == "TorchEmbedder":
        from ._embedder import TorchEmbedder

        return TorchEmbedder
    raise AttributeError(f"module 'skthresh' has no attribute {name!r}")
