"""Every input's one way in: :func:`read_inputs`.

``fit`` and ``partial_fit`` of every optimizer pass their inputs here, in
whatever form they come: arrays, DataFrames (label columns paired by name),
NumPy memory maps and Dask arrays (read in chunks, never whole), and
``partial_fit`` chunks (later chunks follow the first chunk's label names).
The inputs are checked, the optimizer checks its parameters against them
before any work, and their rows are added to the optimizer's *tally*: a
:class:`~skthresh._streaming.ScoreTally` (what the learning optimizers sort
or bin) or a :class:`~skthresh._streaming.MetricTotals` (the fixed cut's
metric).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal, NamedTuple

import numpy as np

from ._streaming import (
    MetricTotals,
    ScoreTally,
    check_chunk,
    check_streamed_shapes,
    every_row,
    is_streamed,
)
from ._validation import align_columns, check_scores, check_total_weight
from ._warnings import format_labels, plain, warn
from .exceptions import SkthreshWarning

Where = Literal["fit", "stream", "partial_fit"]
"""How the rows come: in memory to ``fit``, streamed to ``fit``, or to ``partial_fit``."""

Tally = ScoreTally | MetricTotals


class Inputs(NamedTuple):
    """What :func:`read_inputs` gives the optimizer.

    Attributes
    ----------
    tally : ScoreTally or MetricTotals
        The rows counted so far (``tally.sorted_scores()`` for the learning
        optimizers).
    rows : tuple of ndarray or None
        The validated (scores, targets, weights) of a fit in memory, which
        the per-sample average and ``shrinkage="auto"`` need; None for
        streamed scores and ``partial_fit``.
    names : ndarray of object or None
        The label names: the columns of the scores DataFrame (of the first
        chunk for ``partial_fit``), else None.
    """

    tally: Tally
    rows: tuple | None
    names: np.ndarray | None


def label_names(y_score) -> np.ndarray | None:
    """The column names of a scores DataFrame, else None."""
    columns = getattr(y_score, "columns", None)
    return None if columns is None else np.asarray(columns, dtype=object)


def warn_unnamed(owner: str, names, y_score, reference: str) -> None:
    """Warn when scores are paired by position with labels that were named.

    Unnamed scores after a fit on named ones, or named scores after a fit
    on unnamed ones, as scikit-learn warns for feature names. Names that are
    the column positions themselves (a DataFrame's default ``RangeIndex``)
    pair alike either way: no warning then.

    Parameters
    ----------
    owner : str
        The optimizer's class name, as the message names it.
    names : ndarray or None
        The label names it was fitted with.
    y_score : array-like
        The new scores.
    reference : str
        What fixed the names (``"fit"``, ``"the first chunk"``).
    """
    columns = getattr(y_score, "columns", None)
    if names is None and columns is not None \
            and list(columns) != list(range(len(columns))):
        warn(SkthreshWarning(
            f"y_score has label names, but {owner} was fitted without "
            f"label names: its columns {format_labels(list(columns))} are taken by "
            "position, not matched by name."))
        return
    if (names is None or columns is not None
            or list(names) == list(range(len(names)))):
        return
    warn(SkthreshWarning(
        f"y_score has no label names, but {owner} was fitted with label "
        f"names: its columns are taken by position, in {reference}'s order "
        f"{format_labels([plain(n) for n in names])}. Pass a DataFrame "
        "to have them matched by name."))


def read_inputs(y_score, y_true, sample_weight,
                start: Callable[[int, Where, np.ndarray | None], Tally], *,
                partial: bool = False, earlier: Inputs | None = None, owner: str = "",
                verbose: int = 0) -> Inputs:
    """Check the inputs and add their rows to the optimizer's tally.

    Parameters
    ----------
    y_score : array-like, DataFrame, memory map or Dask array
        Scores, of shape (n_samples, n_labels) or (n_samples,).
    y_true : array-like, sparse matrix or DataFrame
        Targets, of the same shape (columns paired by name with a DataFrame).
    sample_weight : array-like, float or None
        Row weights (a single number weighs every row alike).
    start : callable
        ``start(n_labels, where, names)`` checks the optimizer's parameters
        against the inputs (their labels and label names), before any work,
        and returns the tally to add the rows to (``earlier.tally`` for a
        later ``partial_fit`` chunk). Nothing is added to an earlier tally
        unless every check passed: a chunk that fails is not counted.
    partial : bool, default=False
        Whether the inputs are a ``partial_fit`` chunk (never streamed: a
        chunk is read whole).
    earlier : Inputs or None, default=None
        What the earlier ``partial_fit`` chunks gave; None for ``fit`` and a
        first chunk.
    owner : str, default=""
        The optimizer's class name, for the warning about unnamed chunks.
    verbose : int, default=0
        Progress of the passes over streamed scores, when > 0.

    Returns
    -------
    inputs : Inputs
        The tally, the rows of a fit in memory, and the label names.

    Raises
    ------
    ValueError
        Besides the checks of the inputs and parameters, if the weights of
        every row (of every chunk so far, for ``partial_fit``) sum to zero:
        one chunk read in chunks may weigh nothing.
    """
    if is_streamed(y_score) and not partial:
        n, n_labels = check_streamed_shapes(y_score, y_true, sample_weight)
        tally = start(n_labels, "stream", None)
        tally.add_stream(y_score, y_true, every_row(sample_weight, n), verbose)
        check_total_weight(tally.weight)
        return Inputs(tally, None, None)
    if earlier is None:
        names = label_names(y_score)
    else:
        names = earlier.names
        warn_unnamed(owner, names, y_score, reference="the first chunk")
        y_score = align_columns(y_score, names, name="y_score", reference="the first chunk")
    y_true = align_columns(y_true, getattr(y_score, "columns", None))
    rows = check_chunk(y_score, y_true, sample_weight, allow_all_zero=partial)
    n_labels = rows[0].shape[1]
    if earlier is not None and n_labels != earlier.tally.n_labels:
        raise ValueError(f"y_score has {n_labels} label column(s), but the "
                         f"earlier chunks had {earlier.tally.n_labels}.")
    check_total_weight((0.0 if earlier is None else earlier.tally.weight) + rows[2].sum())
    tally = start(n_labels, "partial_fit" if partial else "fit", names)
    tally.add(*rows)
    return Inputs(tally, None if partial else rows, names)


def read_scores(y_score, names, n_labels: int, *, owner: str) -> tuple[np.ndarray, bool]:
    """Scores to apply fitted thresholds to, their columns paired with the fitted labels.

    Parameters
    ----------
    y_score : array-like or DataFrame
        The scores (a DataFrame's columns are matched by name with ``names``).
    names : ndarray or None
        The label names the optimizer was fitted with.
    n_labels : int
        The number of labels it was fitted with.
    owner : str
        The optimizer's class name, as messages name it.

    Returns
    -------
    scores : ndarray of shape (n_samples, n_labels)
        The validated scores.
    was_1d : bool
        Whether ``y_score`` was 1-D.
    """
    warn_unnamed(owner, names, y_score, reference="fit")
    if names is not None and hasattr(y_score, "columns"):
        y_score = align_columns(y_score, names, name="y_score", reference="fit")
    scores, was_1d = check_scores(y_score)
    if scores.shape[1] != n_labels:
        raise ValueError(
            f"y_score has {scores.shape[1]} label column(s), but the thresholds were "
            f"learned for {n_labels}."
        )
    return scores, was_1d
