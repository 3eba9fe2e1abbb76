"""skthresh: learn the decision thresholds of multi-label classifiers."""

from ._scoring import SetMetric, get_set_metric

__version__ = "0.1.0"

__all__ = [
    "SetMetric",
    "get_set_metric",
    "__version__",
]
