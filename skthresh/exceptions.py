"""Warnings raised by skthresh."""

from __future__ import annotations

__all__ = ["SkthreshWarning", "UndefinedThresholdWarning"]


class SkthreshWarning(UserWarning):
    """Base class of the warnings skthresh emits."""


class UndefinedThresholdWarning(SkthreshWarning):
    """A label's threshold could not be learned from the tuning data.

    Raised for labels with no positive target in the tuning rows (their
    threshold falls back to the best shared threshold) and for labels whose
    learned threshold predicts every tuning row.
    """
