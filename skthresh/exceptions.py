"""Warnings raised by skthresh."""

from __future__ import annotations

from ._warnings import format_labels, plain

__all__ = ["SkthreshWarning", "UndefinedThresholdWarning"]


class SkthreshWarning(UserWarning):
    """Base class of the warnings skthresh emits."""


class UndefinedThresholdWarning(SkthreshWarning):
    """A label's threshold could not be learned from the tuning data.

    Raised for labels with no positive target in the tuning rows (their
    threshold falls back to the best shared threshold) and for labels whose
    learned threshold predicts every tuning row.

    Parameters
    ----------
    message : str
        The text; it names the labels as ``format_labels(labels)`` (all of
        them when few, else their count and the first 10).
    labels : list, default=None
        Every label concerned, as the message names them: column indices, or
        column names when the scores (of an optimizer) or the target (of a
        :class:`~skthresh.ThresholdOptimizedClassifier`) were a DataFrame.
    """

    def __init__(self, message: str, labels: list | None = None) -> None:
        super().__init__(message)
        self.labels = [] if labels is None else list(labels)

    def renamed(self, names) -> UndefinedThresholdWarning:
        """The same warning with each label index ``i`` replaced by ``names[i]``.

        Parameters
        ----------
        names : sequence
            One name per label column.

        Returns
        -------
        UndefinedThresholdWarning
        """
        named = [plain(names[i]) for i in self.labels]
        message = str(self).replace(format_labels(self.labels), format_labels(named), 1)
        return type(self)(message, named)
