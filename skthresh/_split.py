"""Cross-validation folds for multi-label targets: iterative stratification."""

from __future__ import annotations

from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils import check_random_state
from sklearn.utils.validation import _num_samples


class MultilabelStratifiedKFold(BaseCrossValidator):
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

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds, at least 2.
    shuffle : bool, default=True
        Visit the rows in a random order (seeded by ``random_state``) rather
        than in file order; ties between folds are broken at random either way.
    random_state : int, RandomState instance or None, default=None
        Seeds the order and the tie-breaks.

    Examples
    --------
    >>> import numpy as np
    >>> from skthresh import MultilabelStratifiedKFold
    >>> Y = np.array([[1, 0], [1, 0], [0, 1], [0, 1], [1, 1], [0, 0]] * 5)
    >>> cv = MultilabelStratifiedKFold(n_splits=3, random_state=0)
    >>> [int(Y[test, 0].sum()) for _, test in cv.split(np.zeros(len(Y)), Y)]
    [5, 5, 5]
    """

    def __init__(self, n_splits=5, *, shuffle=True, random_state=None):
        if not isinstance(n_splits, Integral) or isinstance(n_splits, bool) or n_splits < 2:
            raise ValueError(f"n_splits must be an integer >= 2, got {n_splits!r}.")
        if not isinstance(shuffle, bool):
            raise TypeError(f"shuffle must be True or False, got {shuffle!r}.")
        self.n_splits = int(n_splits)
        self.shuffle = shuffle
        self.random_state = random_state

    def get_n_splits(self, X=None, y=None, groups=None):
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

    def _iter_test_indices(self, X=None, y=None, groups=None):
        fold = self._assign_folds(y)
        for k in range(self.n_splits):
            yield np.flatnonzero(fold == k)

    def split(self, X, y, groups=None):
        """Generate (train, test) index arrays, one pair per fold.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Only its number of rows is used.
        y : array-like or sparse matrix of shape (n_samples, n_labels)
            The multi-label indicator matrix (values > 0 count as positive).
        groups : object
            Ignored.

        Yields
        ------
        train, test : ndarray of int
        """
        if y is None:
            raise ValueError("MultilabelStratifiedKFold needs y (the label matrix) to stratify.")
        if _num_samples(X) != _num_samples(y):
            raise ValueError(f"X has {_num_samples(X)} rows but y has {_num_samples(y)}.")
        yield from super().split(X, y, groups)

    def _assign_folds(self, y) -> np.ndarray:
        Y = (y.toarray() if sp.issparse(y) else np.asarray(y))
        Y = (Y.reshape(len(Y), -1) > 0)
        n = len(Y)
        if self.n_splits > n:
            raise ValueError(f"Cannot have n_splits={self.n_splits} greater than the number "
                             f"of samples: n_samples={n}.")
        rng = check_random_state(self.random_state)
        order = rng.permutation(n) if self.shuffle else np.arange(n)
        Y = Y[order]
        share = np.full(self.n_splits, 1.0 / self.n_splits)
        wanted_rows = share * n  # rows each fold still lacks
        wanted = share[:, None] * Y.sum(axis=0)[None, :]  # (k, L) positives each fold lacks
        fold = np.full(n, -1)
        remaining = Y.sum(axis=0).astype(np.int64)
        unplaced = np.ones(n, dtype=bool)
        while (remaining > 0).any():
            label = int(np.argmin(np.where(remaining > 0, remaining, np.iinfo(np.int64).max)))
            for row in np.flatnonzero(Y[:, label] & unplaced):
                k = _most_lacking(wanted[:, label], wanted_rows, rng)
                fold[row] = k
                unplaced[row] = False
                wanted[k] -= Y[row]
                wanted_rows[k] -= 1
                remaining -= Y[row]
        for row in np.flatnonzero(unplaced):  # rows without any positive
            k = _most_lacking(wanted_rows, wanted_rows, rng)
            fold[row] = k
            wanted_rows[k] -= 1
        out = np.empty(n, dtype=np.int64)
        out[order] = fold
        return out


def _most_lacking(primary: np.ndarray, secondary: np.ndarray, rng) -> int:
    """Index of the largest ``primary``; ties by the largest ``secondary``, then at random."""
    best = np.flatnonzero(primary == primary.max())
    if len(best) > 1:
        best = best[secondary[best] == secondary[best].max()]
    return int(best[0] if len(best) == 1 else rng.choice(best))
