"""skthresh: learn the decision thresholds of multi-label classifiers."""

from typing import TYPE_CHECKING

__version__ = "0.1.0"

# Each public name and the submodule defining it, imported on first use (PEP 562):
# `import skthresh` (and so the command line's --help and --version) imports
# neither scikit-learn nor scipy nor torch.
_LAZY = {
    "CoordinateThresholdOptimizer": "._optimizers",
    "FixedThresholdOptimizer": "._optimizers",
    "HFAudioEmbedder": "._hf_audio",
    "MultilabelStratifiedGroupKFold": "._split",
    "MultilabelStratifiedKFold": "._split",
    "SGLCurveDisplay": "._display",
    "SGLThresholdOptimizer": "._optimizers",
    "SetMetric": "._scoring",
    "ThresholdCurveDisplay": "._display",
    "ThresholdOptimizedClassifier": "._classifier",
    "ThresholdReportDisplay": "._report_display",
    "ThresholdsFile": ".thresholds_io",
    "TorchEmbedder": "._embedder",
    "apply_thresholds": "._policies",
    "get_set_metric": "._scoring",
    "load_thresholds": ".thresholds_io",
    "save_thresholds": ".thresholds_io",
    "threshold_report": "._report",
}

__all__ = [  # the names of _LAZY, and the version
    "CoordinateThresholdOptimizer",
    "FixedThresholdOptimizer",
    "HFAudioEmbedder",
    "MultilabelStratifiedGroupKFold",
    "MultilabelStratifiedKFold",
    "SGLCurveDisplay",
    "SGLThresholdOptimizer",
    "SetMetric",
    "ThresholdCurveDisplay",
    "ThresholdOptimizedClassifier",
    "ThresholdReportDisplay",
    "ThresholdsFile",
    "TorchEmbedder",
    "__version__",
    "apply_thresholds",
    "get_set_metric",
    "load_thresholds",
    "save_thresholds",
    "threshold_report",
]

if TYPE_CHECKING:  # for type checkers and IDEs; not run
    from ._classifier import ThresholdOptimizedClassifier
    from ._display import SGLCurveDisplay, ThresholdCurveDisplay
    from ._embedder import TorchEmbedder
    from ._hf_audio import HFAudioEmbedder
    from ._optimizers import (
        CoordinateThresholdOptimizer,
        FixedThresholdOptimizer,
        SGLThresholdOptimizer,
    )
    from ._policies import apply_thresholds
    from ._report import threshold_report
    from ._report_display import ThresholdReportDisplay
    from ._scoring import SetMetric, get_set_metric
    from ._split import MultilabelStratifiedGroupKFold, MultilabelStratifiedKFold
    from .thresholds_io import ThresholdsFile, load_thresholds, save_thresholds


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'skthresh' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module, __name__), name)
    globals()[name] = value  # later look-ups do not come here
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
