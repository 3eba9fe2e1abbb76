"""Tests of the multi-label splitters: groups kept whole, labels stratified, sklearn's API."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import sklearn
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, check_cv, cross_val_score, cross_validate
from sklearn.multiclass import OneVsRestClassifier
from sklearn.neighbors import KNeighborsClassifier

from skthresh import (
    MultilabelStratifiedGroupKFold,
    MultilabelStratifiedKFold,
    ThresholdOptimizedClassifier,
)

from ._helpers import sorted_by_label


def _grouped(seed: int, n_groups: int = 150, n_labels: int = 6):
    """Many small groups (1 to 7 rows) whose rows share their group's labels, as recordings do."""
    rng = np.random.default_rng(seed)
    groups = np.repeat(np.arange(n_groups), rng.integers(1, 8, n_groups))
    prevalence = np.array([0.3, 0.15, 0.08, 0.04, 0.02, 0.01])[:n_labels]
    group_has = rng.random((n_groups, n_labels)) < 2 * prevalence
    Y = (group_has[groups] & (rng.random((len(groups), n_labels)) < 0.7)).astype(int)
    X = Y + rng.normal(size=Y.shape)
    return X, Y, groups


def _tests(cv, X, Y, groups):
    return [test for _, test in cv.split(X, Y, groups)]


@settings(max_examples=150, deadline=None)
@given(n_rows=st.integers(2, 80), n_labels=st.integers(1, 5), n_splits=st.integers(2, 6),
       group_span=st.integers(1, 12), density=st.floats(0, 1), seed=st.integers(0, 2**31 - 1),
       shuffle=st.booleans())
def test_no_group_on_both_sides_and_every_row_tested_once(n_rows, n_labels, n_splits,
                                                          group_span, density, seed, shuffle):
    """Check on random data that groups never straddle a split and the folds partition the rows."""
    rng = np.random.default_rng(seed)
    groups = rng.integers(0, max(1, n_rows // group_span), n_rows)
    Y = (rng.random((n_rows, n_labels)) < density * rng.random(n_labels)).astype(int)
    cv = MultilabelStratifiedGroupKFold(n_splits, shuffle=shuffle, random_state=seed)
    if n_splits > len(np.unique(groups)):
        with pytest.raises(ValueError, match="greater than the number of groups"):
            cv.split(Y, Y, groups)
        return
    splits = list(cv.split(Y, Y, groups))
    assert len(splits) == cv.get_n_splits() == n_splits
    for train, test in splits:
        assert len(test) > 0  # no empty fold while there are enough groups
        assert not set(groups[train]) & set(groups[test])
        assert sorted(np.concatenate([train, test]).tolist()) == list(range(n_rows))
    tested = np.sort(np.concatenate([test for _, test in splits]))
    assert tested.tolist() == list(range(n_rows))
    again = list(cv.split(Y, Y, groups))  # an int random_state: the same folds each call
    assert all((a[1] == b[1]).all() for a, b in zip(splits, again))


def test_labels_more_balanced_than_a_random_assignment_of_groups():
    """Check per-fold label prevalences against a group-oblivious random assignment of groups.

    Measured on 40 data sets of 150 groups (1 to 7 rows) and 6 labels of
    prevalence 1% to 30%: the mean absolute gap between a fold's prevalence
    and the global one is 0.0053 here against 0.033 for groups dealt at
    random in equal numbers (and 0.034 for scikit-learn's shuffled
    ``GroupKFold``).
    """
    ours, dealt = [], []
    for seed in range(40):
        X, Y, groups = _grouped(seed)
        prevalence = Y.mean(axis=0)

        def gap(tests, Y=Y, prevalence=prevalence):
            return np.mean([np.abs(Y[test].mean(axis=0) - prevalence).mean() for test in tests])

        cv = MultilabelStratifiedGroupKFold(5, random_state=seed)
        ours.append(gap(_tests(cv, X, Y, groups)))
        names = np.unique(groups)
        fold_of_group = np.random.default_rng(seed).permutation(len(names)) % 5
        fold = fold_of_group[np.searchsorted(names, groups)]
        dealt.append(gap([np.flatnonzero(fold == k) for k in range(5)]))
    ours, dealt = np.array(ours), np.array(dealt)
    assert ours.mean() < dealt.mean() / 3
    assert (ours < dealt).mean() >= 0.9


def test_a_label_in_as_many_groups_as_folds_reaches_every_fold():
    """Check that the rarest label is placed first: one of its groups in each fold."""
    X, Y, groups = _grouped(0, n_groups=60, n_labels=2)
    Y[:, 1] = 0
    rare = [3, 17, 29, 41, 55]
    Y[np.isin(groups, rare), 1] = 1
    tests = _tests(MultilabelStratifiedGroupKFold(5, random_state=0), X, Y, groups)
    assert [sorted(set(groups[test]) & set(rare)) != [] for test in tests] == [True] * 5
    sizes = [len(test) for test in tests]
    assert max(sizes) - min(sizes) <= 7  # within one group's size


def test_one_row_groups_give_the_row_splitter_folds():
    """Check that groups of one row each give MultilabelStratifiedKFold's folds."""
    X, Y, _ = _grouped(1)
    for shuffle in (True, False):
        rows = _tests(MultilabelStratifiedKFold(4, shuffle=shuffle, random_state=3), X, Y, None)
        grouped = _tests(MultilabelStratifiedGroupKFold(4, shuffle=shuffle, random_state=3),
                         X, Y, np.arange(len(Y)))
        assert [t.tolist() for t in rows] == [t.tolist() for t in grouped]


def test_seeded_and_shuffled():
    """Check that an int random_state fixes the folds and that another one changes them."""
    X, Y, groups = _grouped(2)
    a, b, c = (_tests(MultilabelStratifiedGroupKFold(5, random_state=s), X, Y, groups)
               for s in (7, 7, 8))
    assert [t.tolist() for t in a] == [t.tolist() for t in b]
    assert [t.tolist() for t in a] != [t.tolist() for t in c]


def test_group_and_label_types():
    """Check string groups in a Series, a sparse y, and a 1-D binary y."""
    X, Y, groups = _grouped(3)
    names = pd.Series([f"rec{g:03d}" for g in groups])
    cv = MultilabelStratifiedGroupKFold(3, random_state=0)
    expected = [t.tolist() for t in _tests(cv, X, Y, groups)]
    assert [t.tolist() for t in _tests(cv, X, sp.csr_matrix(Y), names)] == expected
    for train, test in cv.split(X, Y[:, 0], names):
        assert not set(names[train]) & set(names[test])


@pytest.mark.parametrize("n_splits, groups, match", [
    (5, None, "'groups' parameter should not be None: MultilabelStratifiedGroupKFold needs"),
    (5, np.arange(9), r"one value per row: got shape \(9,\) for 10 rows"),
    (5, np.zeros((10, 2)), r"1-D with one value per row: got shape \(10, 2\)"),
    (5, np.repeat([0, 1, 2], [4, 3, 3]),
     "Cannot have n_splits=5 greater than the number of groups: n_groups=3"),
])
def test_clear_errors(n_splits, groups, match):
    """Check the errors for missing, mis-sized and too few groups; raised on the split call."""
    Y = np.eye(10, 2, dtype=int)
    with pytest.raises(ValueError, match=match):
        MultilabelStratifiedGroupKFold(n_splits).split(np.zeros((10, 1)), Y, groups)


def test_parameter_and_y_errors():
    """Check the shared parameter checks and a missing y."""
    with pytest.raises(ValueError, match="n_splits must be an integer >= 2"):
        MultilabelStratifiedGroupKFold(1)
    with pytest.raises(TypeError, match="shuffle must be True or False"):
        MultilabelStratifiedGroupKFold(shuffle=1)
    with pytest.raises(ValueError, match="MultilabelStratifiedGroupKFold needs y"):
        MultilabelStratifiedGroupKFold(2).split(np.zeros((4, 1)), None, [0, 0, 1, 1])


def test_row_splitter_warns_that_groups_are_ignored():
    """Check that MultilabelStratifiedKFold warns as scikit-learn's KFold does, at the call."""
    X, Y, groups = _grouped(4)
    cv = MultilabelStratifiedKFold(3, random_state=0)
    with pytest.warns(UserWarning, match="The groups parameter is ignored by "
                                         "MultilabelStratifiedKFold; use "
                                         "MultilabelStratifiedGroupKFold") as record:
        splits = cv.split(X, Y, groups)  # warned before any iteration
    assert record[0].filename == __file__  # pointed at the caller's line
    assert [t.tolist() for _, t in splits] == [t.tolist() for t in _tests(cv, X, Y, None)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        list(cv.split(X, Y))


def test_scikit_learn_cv_splitter():
    """Check check_cv, get_n_splits and cross_val_score with groups=."""
    X, Y, groups = _grouped(5)
    cv = MultilabelStratifiedGroupKFold(4, random_state=0)
    assert check_cv(cv, Y, classifier=True) is cv
    assert cv.get_n_splits() == cv.get_n_splits(X, Y, groups) == 4
    model = KNeighborsClassifier(3)
    scores = cross_val_score(model, X, Y, groups=groups, cv=cv)
    given = cross_val_score(model, X, Y, cv=list(cv.split(X, Y, groups)))
    np.testing.assert_array_equal(scores, given)
    assert "MultilabelStratifiedGroupKFold(n_splits=4, random_state=0" in repr(cv)


def test_metadata_routing_requests_groups():
    """Check that split requests groups (as StratifiedGroupKFold) and the row splitter does not."""
    X, Y, groups = _grouped(6)
    request = MultilabelStratifiedGroupKFold().get_metadata_routing()
    assert request.split.requests == {"groups": True}
    assert MultilabelStratifiedKFold().get_metadata_routing().split.requests.get("groups") \
        is not True
    cv = MultilabelStratifiedGroupKFold(3, random_state=0)
    with sklearn.config_context(enable_metadata_routing=True):
        routed = cross_validate(KNeighborsClassifier(3), X, Y, cv=cv, params={"groups": groups},
                                return_indices=True)
    expected = [t.tolist() for t in _tests(cv, X, Y, groups)]
    assert [t.tolist() for t in routed["indices"]["test"]] == expected


def test_classifier_tunes_on_group_folds():
    """Check that the classifier hands groups to the splitter (metadata routing off)."""
    X, Y, groups = _grouped(7, n_groups=40, n_labels=3)
    seen = []

    class Recording(MultilabelStratifiedGroupKFold):
        def split(self, X, y, groups):
            for train, test in super().split(X, y, groups):
                assert not set(groups[train]) & set(groups[test])
                seen.append(test)
                yield train, test

    model = ThresholdOptimizedClassifier(OneVsRestClassifier(LogisticRegression()),
                                         optimizer="coordinate",
                                         cv=Recording(3, random_state=0))
    model.fit(X, Y, groups=groups)
    assert len(seen) == 3


# ------------------------------------------------ MultilabelStratifiedKFold
def test_stratified_folds_keep_every_label_in_every_fold():
    """Check that each fold holds about 1/k of each label's positives, rare labels too."""
    X, Y = sorted_by_label()
    Y[:, 3] = 0
    Y[[5, 77, 150, 201, 222], 3] = 1  # a rare label: 5 positives
    folds = list(MultilabelStratifiedKFold(5, random_state=0).split(X, Y))
    test_counts = np.array([Y[test].sum(axis=0) for _, test in folds])
    assert (test_counts[:, 3] == 1).all()
    expected = Y.sum(axis=0) / 5
    assert np.abs(test_counts - expected).max() <= 1
    sizes = [len(test) for _, test in folds]
    assert max(sizes) - min(sizes) <= 1
    assert sorted(np.concatenate([test for _, test in folds]).tolist()) == list(range(len(Y)))
    for train, test in folds:
        assert not set(train) & set(test)


def test_stratified_folds_are_seeded_and_shuffled():
    """Check that random_state fixes the folds and that the rows are shuffled."""
    X, Y = sorted_by_label()
    a = [t.tolist() for _, t in MultilabelStratifiedKFold(4, random_state=1).split(X, Y)]
    b = [t.tolist() for _, t in MultilabelStratifiedKFold(4, random_state=1).split(X, Y)]
    c = [t.tolist() for _, t in MultilabelStratifiedKFold(4, random_state=2).split(X, Y)]
    assert a == b and a != c


@pytest.mark.parametrize("params, match", [
    (dict(n_splits=1), "n_splits must be an integer >= 2"),
    (dict(n_splits=2.5), "n_splits must be an integer >= 2"),
    (dict(shuffle="yes"), "shuffle must be True or False"),
])
def test_stratified_folds_refuse_bad_parameters(params, match):
    """Check the splitter's parameter errors."""
    with pytest.raises((ValueError, TypeError), match=match):
        MultilabelStratifiedKFold(**params)


def test_stratified_folds_refuse_more_folds_than_rows():
    """Check that more folds than rows is refused with the numbers."""
    with pytest.raises(ValueError, match="n_splits=5 greater than the number of samples: "
                                         "n_samples=3"):
        list(MultilabelStratifiedKFold(5).split(np.zeros((3, 1)), np.eye(3)))


@pytest.mark.parametrize("cv, kind", [
    ("prefit", "prefit"), (0.25, "fraction"), (3, "folds"), (np.int64(4), "folds"),
    (KFold(3), "splitter"), ([(np.arange(30), np.arange(30, 60))], "splitter"),
    (None, "splitter"),
])
def test_cv_kind_is_read_in_one_place(cv, kind):
    """Check what each cv means, as the splitter, the routing and fit read it."""
    from skthresh._split import cv_kind

    assert cv_kind(cv) == kind
