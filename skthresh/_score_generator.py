"""Moved: :func:`make_multilabel_scores` lives in :mod:`skthresh.datasets`.

Kept as an import only for code that still imports the private path
(``tests/test_engine.py``); import it from :mod:`skthresh.datasets`.
"""

from .datasets import make_multilabel_scores

__all__ = ["make_multilabel_scores"]
