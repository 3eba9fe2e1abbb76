"""Cross-validation folds for multi-label targets: iterative stratification."""

from __future__ import annotations

from collections.abc import Iterator
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import (
    BaseCrossValidator,
    GroupShuffleSplit,
    ShuffleSplit,
    StratifiedGroupKFold,
    StratifiedShuffleSplit,
    check_cv,
)
from sklearn.model_selection._split import GroupsConsumerMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import _num_samples

from ._warnings import warn
from .exceptions import SkthreshWarning


class _MultilabelKFold(BaseCrossValidator):
    """Parameters, ``get_n_splits`` and the (train, test) pairs of the two splitters."""

    def __init__(self, n_splits=5, *, shuffle=True, random_state=None):
        if not isinstance(n_splits, Integral) or isinstance(n_splits, bool) or n_splits < 2:
            raise ValueError(f"n_splits must be an integer >= 2, got {n_splits!r}.")
        if not isinstance(shuffle, bool):
            raise TypeError(f"shuffle must be True or False, got {shuffle!r}.")
        self.n_splits = int(n_splits)
        self.shuffle = shuffle
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        """The number of folds.

        Parameters
        ----------
        X, y, groups : object
            Ignored; present for scikit-learn's interface.

        Returns
        -------
        n_splits : int
        """
        return self.n_splits

    def _indicator(self, X, y) -> np.ndarray:
        """``y`` as a boolean (n_samples, n_labels) matrix, checked against ``X``."""
        name = type(self).__name__
        if y is None:
            raise ValueError(f"{name} needs y (the label matrix) to stratify.")
        if _num_samples(X) != _num_samples(y):
            raise ValueError(f"X has {_num_samples(X)} rows but y has {_num_samples(y)}.")
        Y = y.toarray() if sp.issparse(y) else np.asarray(y)
        return Y.reshape(len(Y), -1) > 0


class MultilabelStratifiedKFold(_MultilabelKFold):
    """K folds that keep each label's share of positives, by iterative stratification.

    The algorithm of Sechidis, Tsoumakas and Vlahavas (ECML PKDD 2011): the
    label with the fewest rows still to place is handled first, and each of
    its rows goes to the fold that most lacks that label (ties: the fold that
    most lacks rows, then at random). Rows without any positive label fill
    the folds that lack rows. Every fold then holds about ``1 / n_splits`` of
    each label's positives, rare labels included, which a plain ``KFold``
    does not give on files ordered by label.

    It is the default of :class:`ThresholdOptimizedClassifier` for
    multi-label targets and an integer ``cv``: the thresholds are learned on
    out-of-fold scores, and a fold whose training part never saw a label mix
    gives biased scores.

    Rows are placed one by one, so rows of one group (one recording, one
    speaker) land in several folds: use :class:`MultilabelStratifiedGroupKFold`
    when rows are grouped. Passing ``groups`` here warns, as scikit-learn's
    ``KFold`` does, and the groups are not used.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds, at least 2.
    shuffle : bool, default=True
        Visit the rows in a random order (seeded by ``random_state``) rather
        than in file order; ties between folds are broken at random either way.
    random_state : int, RandomState instance or None, default=None
        Seeds the order and the tie-breaks.

    See Also
    --------
    MultilabelStratifiedGroupKFold : The same stratification with whole groups
        of rows kept within one fold.

    Examples
    --------
    >>> import numpy as np
    >>> from skthresh import MultilabelStratifiedKFold
    >>> Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [1, 1], [0, 0]] * 5)
    >>> cv = MultilabelStratifiedKFold(n_splits=3, random_state=0)
    >>> [int(Y[test, 0].sum()) for _, test in cv.split(np.zeros(len(Y)), Y)]
    [5, 5, 5]
    """

    def split(self, X, y, groups=None) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Generate (train, test) index arrays, one pair per fold.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Only its number of rows is used.
        y : array-like or sparse matrix of shape (n_samples, n_labels)
            The multi-label indicator matrix (values > 0 count as positive).
        groups : object, default=None
            Not used; a warning says so when it is not None (use
            :class:`MultilabelStratifiedGroupKFold` to keep groups whole).

        Returns
        -------
        splits : iterator of (train, test) pairs of int ndarrays
            The folds are computed on this call, so errors and warnings are
            raised here rather than on iteration.
        """
        if groups is not None:
            warn(f"The groups parameter is ignored by {type(self).__name__}; use "
                 "MultilabelStratifiedGroupKFold to keep each group within one fold.",
                 SkthreshWarning)
        Y = self._indicator(X, y)
        if self.n_splits > len(Y):
            raise ValueError(f"Cannot have n_splits={self.n_splits} greater than the number "
                             f"of samples: n_samples={len(Y)}.")
        rng = check_random_state(self.random_state)
        fold = _stratify(Y.astype(np.int64), np.ones(len(Y), dtype=np.int64), self.n_splits,
                         self.shuffle, rng)
        return _train_test_pairs(fold, self.n_splits)


class MultilabelStratifiedGroupKFold(GroupsConsumerMixin, _MultilabelKFold):
    """Multi-label stratified K folds in which each group lies within one fold.

    The iterative stratification of :class:`MultilabelStratifiedKFold` applied
    to whole groups: each group counts as one unit holding the summed
    positives of its rows. The label with the fewest positives still to place
    is handled first; its groups, the largest first, each go to the fold that
    most lacks that label (ties: the fold that most lacks rows, then at
    random). Groups without any positive fill the folds that lack rows, the
    largest first. No group is then on both sides of a split (rows of one
    recording or speaker never score a model trained on their neighbours),
    and each fold holds about ``1 / n_splits`` of each label's positives, as
    closely as the group sizes allow: a few large groups leave little room.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds, at least 2 and at most the number of groups.
    shuffle : bool, default=True
        Visit the groups in a random order (seeded by ``random_state``) rather
        than in order of first appearance; ties between folds are broken at
        random either way.
    random_state : int, RandomState instance or None, default=None
        Seeds the order and the tie-breaks; an int gives the same folds on
        every call.

    See Also
    --------
    MultilabelStratifiedKFold : The same stratification, row by row.
    sklearn.model_selection.StratifiedGroupKFold : Its single-label analogue.

    Notes
    -----
    With metadata routing enabled, ``split`` requests ``groups`` (as
    scikit-learn's group splitters do), so ``cross_validate(..., params=
    {"groups": g})`` reaches it.

    Examples
    --------
    >>> import numpy as np
    >>> from skthresh import MultilabelStratifiedGroupKFold
    >>> Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [1, 1], [0, 0]] * 4)
    >>> groups = np.repeat(np.arange(12), 2)  # two rows per recording
    >>> cv = MultilabelStratifiedGroupKFold(n_splits=3, random_state=0)
    >>> for train, test in cv.split(np.zeros(len(Y)), Y, groups):
    ...     assert not set(groups[train]) & set(groups[test])
    ...     print(Y[test].sum(axis=0).tolist())
    [4, 4]
    [4, 4]
    [4, 4]
    """

    def split(self, X, y, groups) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Generate (train, test) index arrays, one pair per fold.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Only its number of rows is used.
        y : array-like or sparse matrix of shape (n_samples, n_labels)
            The multi-label indicator matrix (values > 0 count as positive).
        groups : array-like of shape (n_samples,)
            The group of each row (any hashable, sortable values); required.

        Returns
        -------
        splits : iterator of (train, test) pairs of int ndarrays
            The folds are computed on this call, so errors are raised here
            rather than on iteration.
        """
        name = type(self).__name__
        if groups is None:
            raise ValueError(f"The 'groups' parameter should not be None: {name} needs the "
                             "group of each row (pass groups=..., one value per row).")
        Y = self._indicator(X, y)
        groups = np.asarray(groups)
        if groups.ndim != 1 or len(groups) != len(Y):
            raise ValueError(f"groups must be 1-D with one value per row: got shape "
                             f"{groups.shape} for {len(Y)} rows.")
        _, group_of_row = np.unique(groups, return_inverse=True)
        n_groups = int(group_of_row.max()) + 1 if len(group_of_row) else 0
        if self.n_splits > n_groups:
            raise ValueError(f"Cannot have n_splits={self.n_splits} greater than the number "
                             f"of groups: n_groups={n_groups}.")
        counts = np.zeros((n_groups, Y.shape[1]), dtype=np.int64)
        np.add.at(counts, group_of_row, Y)
        sizes = np.bincount(group_of_row, minlength=n_groups)
        rng = check_random_state(self.random_state)
        fold_of_group = _stratify(counts, sizes, self.n_splits, self.shuffle, rng)
        return _train_test_pairs(fold_of_group[group_of_row], self.n_splits)


def _stratify(counts: np.ndarray, sizes: np.ndarray, n_splits: int, shuffle: bool,
              rng: np.random.RandomState) -> np.ndarray:
    """The fold of each unit (a row or a group), by iterative stratification.

    Parameters
    ----------
    counts : ndarray of int, shape (n_units, n_labels)
        Positives of each label in each unit.
    sizes : ndarray of int, shape (n_units,)
        Rows in each unit.
    n_splits : int
        Number of folds.
    shuffle : bool
        Visit the units in a random order rather than in the given one.
    rng : RandomState
        Draws the order and breaks ties.

    Returns
    -------
    fold : ndarray of int, shape (n_units,)
    """
    n = len(counts)
    order = rng.permutation(n) if shuffle else np.arange(n)
    counts, sizes = counts[order], sizes[order]
    share = np.full(n_splits, 1.0 / n_splits)
    wanted_rows = share * sizes.sum()  # rows each fold still lacks
    wanted = share[:, None] * counts.sum(axis=0)[None, :]  # (k, L) positives each fold lacks
    fold = np.full(n, -1)
    remaining = counts.sum(axis=0)
    unplaced = np.ones(n, dtype=bool)
    while (remaining > 0).any():
        label = int(np.argmin(np.where(remaining > 0, remaining, np.iinfo(np.int64).max)))
        units = np.flatnonzero((counts[:, label] > 0) & unplaced)
        for unit in units[np.argsort(-counts[units, label], kind="stable")]:  # largest first
            k = _most_lacking(wanted[:, label], wanted_rows, rng)
            fold[unit] = k
            unplaced[unit] = False
            wanted[k] -= counts[unit]
            wanted_rows[k] -= sizes[unit]
            remaining -= counts[unit]
    units = np.flatnonzero(unplaced)  # units without any positive
    for unit in units[np.argsort(-sizes[units], kind="stable")]:
        k = _most_lacking(wanted_rows, wanted_rows, rng)
        fold[unit] = k
        wanted_rows[k] -= sizes[unit]
    out = np.empty(n, dtype=np.int64)
    out[order] = fold
    return out


def _most_lacking(primary: np.ndarray, secondary: np.ndarray, rng) -> int:
    """Index of the largest ``primary``; ties by the largest ``secondary``, then at random."""
    best = np.flatnonzero(primary == primary.max())
    if len(best) > 1:
        best = best[secondary[best] == secondary[best].max()]
    return int(best[0] if len(best) == 1 else rng.choice(best))


def _train_test_pairs(fold: np.ndarray, n_splits: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(train, test) row indices for each fold ``k`` of a fold-per-row array."""
    for k in range(n_splits):
        test = fold == k
        yield np.flatnonzero(~test), np.flatnonzero(test)


def cv_kind(cv) -> str:
    """What a classifier's ``cv`` means; the one place that reads it.

    Returns
    -------
    kind : {"prefit", "fraction", "folds", "splitter"}
        ``"prefit"``: the estimator is fitted already and nothing is split.
        ``"fraction"``: a float in (0, 1), one shuffled split holding out
        that fraction of the rows. ``"folds"``: an int, that many folds, the
        splitter chosen for the target type and the groups. ``"splitter"``:
        a splitter, an iterable of (train, test) pairs or None, used as
        :func:`~sklearn.model_selection.check_cv` makes it.
    """
    if isinstance(cv, str):  # "prefit", the one string the constraints allow
        return "prefit"
    if isinstance(cv, Real) and not isinstance(cv, Integral) and 0 < cv < 1:
        return "fraction"
    if isinstance(cv, Integral):
        return "folds"
    return "splitter"


def classifier_splitter(cv, y, *, binary: bool, grouped: bool, random_state=None):
    """The splitter of a classifier's ``cv`` (not ``"prefit"``) for this target.

    The defaults (an int or a float ``cv``) keep each group on one side of
    every split when ``grouped``; a splitter or iterable the user gave is
    used as given (scikit-learn's splitters that ignore groups warn when they
    get them).

    Parameters
    ----------
    cv : int, float, splitter, iterable or None
        The classifier's ``cv``.
    y : array-like
        The target the inner estimator is fitted on.
    binary : bool
        Whether the target is binary (else multi-label).
    grouped : bool
        Whether groups will be passed to ``split``.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffled defaults.

    Returns
    -------
    splitter : cross-validation splitter
    """
    kind = cv_kind(cv)
    if kind == "fraction":
        if grouped:
            return GroupShuffleSplit(n_splits=1, test_size=cv, random_state=random_state)
        splitter_cls = StratifiedShuffleSplit if binary else ShuffleSplit
        return splitter_cls(n_splits=1, test_size=cv, random_state=random_state)
    if kind == "folds" and grouped:
        if binary:
            return StratifiedGroupKFold(cv)
        return MultilabelStratifiedGroupKFold(cv, shuffle=True, random_state=random_state)
    if kind == "folds" and not binary:
        return MultilabelStratifiedKFold(cv, shuffle=True, random_state=random_state)
    return check_cv(cv, y, classifier=binary)
