"""Behaviour of ThresholdOptimizedClassifier as a scikit-learn meta-estimator."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn import config_context
from sklearn.base import clone
from sklearn.datasets import make_classification, make_multilabel_classification
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.exceptions import NotFittedError
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import f1_score
from sklearn.model_selection import (
    GridSearchCV,
    GroupKFold,
    KFold,
    cross_val_predict,
    cross_validate,
)
from sklearn.multiclass import OneVsRestClassifier
from sklearn.multioutput import MultiOutputClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC
from sklearn.utils._param_validation import InvalidParameterError

from skthresh import (
    CoordinateThresholdOptimizer,
    SetMetric,
    SGLThresholdOptimizer,
    ThresholdOptimizedClassifier,
)
from skthresh.exceptions import UndefinedThresholdWarning

from ._helpers import lr, multilabel, ovr_lr, sorted_by_label


@pytest.fixture(scope="module")
def rare_multilabel():
    """A multi-label problem with rare labels: 30 labels, train and held-out parts."""
    X, Y = make_multilabel_classification(n_samples=1600, n_features=30, n_classes=30,
                                          n_labels=2, length=60, random_state=0)
    return X[:800], Y[:800], X[800:], Y[800:]


@pytest.mark.parametrize(
    "estimator",
    [
        ovr_lr(),  # (n, L) predict_proba
        RandomForestClassifier(n_estimators=20, random_state=0),  # list of (n, 2)
        MultiOutputClassifier(lr()),  # list of (n, 2)
        KNeighborsClassifier(),  # list of (n, 2)
        MLPClassifier(hidden_layer_sizes=(20,), max_iter=300, random_state=0),  # (n, L)
        OneVsRestClassifier(LinearSVC()),  # decision_function only
    ],
    ids=["ovr", "forest", "multioutput", "knn", "mlp", "svc-decision"],
)
def test_every_score_shape_works(estimator):
    """Check that list, (n, L) and decision-function outputs give one threshold per label."""
    X, Y = make_multilabel_classification(n_samples=400, n_classes=8, n_labels=3,
                                          random_state=0)
    X, Y, X_test = X[:300], Y[:300], X[300:]
    clf = ThresholdOptimizedClassifier(estimator, optimizer="coordinate", cv=3).fit(X, Y)
    assert clf.thresholds_.shape == (8,)
    pred = clf.predict(X_test)
    assert pred.shape == (len(X_test), 8)
    np.testing.assert_array_equal(pred, clf.decision_scores(X_test) >= clf.thresholds_)


@pytest.mark.slow
def test_beats_the_inner_predict_on_rare_labels(rare_multilabel):
    """Check a clear held-out micro-F1 gain over the estimator's own 0.5 cut.

    A random forest rarely gives a rare label a probability above 0.5, so its
    own predict misses most of them.
    """
    X, Y, X_test, Y_test = rare_multilabel
    forest = RandomForestClassifier(n_estimators=20, random_state=0, n_jobs=1)
    for opt in ("sgl", "coordinate"):
        clf = ThresholdOptimizedClassifier(forest, optimizer=opt, cv=2).fit(X, Y)
        ours = f1_score(Y_test, clf.predict(X_test), average="micro")
        inner = f1_score(Y_test, clf.estimator_.predict(X_test), average="micro")
        assert ours > inner + 0.15, (opt, ours, inner)


def test_never_uses_the_inner_predict(rare_multilabel):
    """Check that predictions follow the thresholds even where the inner predict would not."""
    X, Y, X_test, _ = rare_multilabel
    clf = ThresholdOptimizedClassifier(ovr_lr(), optimizer="coordinate").fit(X, Y)
    proba = clf.predict_proba(X_test)
    np.testing.assert_array_equal(clf.predict(X_test), proba >= clf.thresholds_)
    assert (clf.predict(X_test) != clf.estimator_.predict(X_test)).any()


def test_thresholds_come_from_out_of_fold_scores():
    """Check that thresholds equal the optimizer fitted on hand-made out-of-fold scores."""
    X, Y = make_multilabel_classification(n_samples=200, n_classes=4, random_state=1)
    cv = KFold(4)
    clf = ThresholdOptimizedClassifier(ovr_lr(), optimizer="coordinate", cv=cv).fit(X, Y)
    oof = np.zeros(Y.shape)
    for train, test in cv.split(X):
        oof[test] = clone(ovr_lr()).fit(X[train], Y[train]).predict_proba(X[test])
    expected = CoordinateThresholdOptimizer().fit(oof, Y)
    np.testing.assert_allclose(clf.thresholds_, expected.thresholds_)
    assert clf.best_score_ == pytest.approx(expected.best_score_)


def test_binary_string_labels_round_trip():
    """Check one threshold for binary targets and predictions in the original labels."""
    X, y = make_classification(n_samples=300, weights=[0.8], random_state=0)
    labels = np.array(["ham", "spam"])[y]
    clf = ThresholdOptimizedClassifier(lr(), optimizer="coordinate").fit(X, labels)
    assert clf.thresholds_.shape == (1,)
    assert set(clf.predict(X)) <= {"ham", "spam"}
    np.testing.assert_array_equal(clf.classes_, ["ham", "spam"])
    proba = clf.predict_proba(X)[:, 1]
    np.testing.assert_array_equal(clf.predict(X) == "spam", proba >= clf.thresholds_[0])
    assert clf.score(X, labels) == pytest.approx(
        f1_score(labels, clf.predict(X), pos_label="spam"))


def test_score_is_the_chosen_metric():
    """Check that score() is the classifier's scoring of its own predictions."""
    X, Y = make_multilabel_classification(n_samples=300, n_classes=5, random_state=0)
    for scoring, average in [("f1_micro", "micro"), ("f1_macro", "macro"),
                             ("f1_samples", "samples")]:
        clf = ThresholdOptimizedClassifier(ovr_lr(), scoring=scoring, optimizer="coordinate",
                                           cv=3).fit(X, Y)
        assert clf.score(X, Y) == pytest.approx(
            f1_score(Y, clf.predict(X), average=average, zero_division=0))


def test_scoring_none_keeps_an_optimizer_instance_objective():
    """Check that scoring=None tunes for the scoring an optimizer instance was given."""
    X, Y = make_multilabel_classification(n_samples=120, n_classes=3, random_state=0)
    macro = CoordinateThresholdOptimizer(scoring="f1_macro")
    clf = ThresholdOptimizedClassifier(ovr_lr(), optimizer=macro, cv=3, random_state=0).fit(X, Y)
    assert clf.optimizer_.scoring == "f1_macro"
    assert clf.score(X, Y) == pytest.approx(
        f1_score(Y, clf.predict(X), average="macro", zero_division=0))
    # an instance left at its default takes the classifier's scoring, or the target's default
    plain = CoordinateThresholdOptimizer()
    assert ThresholdOptimizedClassifier(ovr_lr(), scoring="jaccard_micro", optimizer=plain,
                                        cv=3).fit(X, Y).optimizer_.scoring == "jaccard_micro"
    y = Y[:, 0]
    assert ThresholdOptimizedClassifier(lr(), optimizer=plain, cv=3).fit(
        X, y).optimizer_.scoring == "f1"


def test_scoring_that_contradicts_the_optimizer_instance_is_refused():
    """Check that two different explicit objectives never pass silently."""

    X, Y = make_multilabel_classification(n_samples=120, n_classes=3, random_state=0)
    other = CoordinateThresholdOptimizer(scoring=SetMetric(1.0, 1.0, "micro"))
    clf = ThresholdOptimizedClassifier(ovr_lr(), scoring="f1_macro", optimizer=other, cv=3)
    with pytest.raises(ValueError, match=r"scoring='f1_macro' differs from the scoring of the "
                                         r"optimizer instance.*say it once"):
        clf.fit(X, Y)
    same = ThresholdOptimizedClassifier(ovr_lr(), scoring="f1_macro", cv=3,
                                        optimizer=CoordinateThresholdOptimizer(
                                            scoring="f1_macro"))
    assert same.fit(X, Y).optimizer_.scoring == "f1_macro"
    binary = ThresholdOptimizedClassifier(
        lr(), optimizer=CoordinateThresholdOptimizer(scoring="f1_macro"), cv=3)
    with pytest.raises(ValueError, match="the optimizer's scoring='f1_macro' on a binary"):
        binary.fit(X, Y[:, 0])


def test_binary_fixed_half_equals_plain_predict():
    """Check that a fixed 0.5 threshold reproduces the estimator's own predict (binary)."""
    X, y = make_classification(n_samples=300, random_state=0)
    clf = ThresholdOptimizedClassifier(lr(), optimizer="fixed").fit(X, y)
    np.testing.assert_array_equal(clf.predict(X), clf.estimator_.predict(X))


def test_decision_function_and_proba_give_the_same_quality():
    """Check that thresholds on logits and on probabilities predict the same labels."""
    X, Y = make_multilabel_classification(n_samples=400, n_classes=6, random_state=3)
    kw = dict(cv=KFold(3), optimizer="sgl")
    proba = ThresholdOptimizedClassifier(ovr_lr(), response_method="predict_proba", **kw)
    logit = ThresholdOptimizedClassifier(ovr_lr(), response_method="decision_function", **kw)
    np.testing.assert_array_equal(proba.fit(X, Y).predict(X), logit.fit(X, Y).predict(X))


@pytest.mark.parametrize(
    "params, y_kind, err, match",
    [
        ({"cv": "prefit", "refit": True}, "ml", ValueError, "When cv='prefit', refit"),
        ({"refit": False, "cv": 5}, "ml", ValueError, "When refit=False, cv must give a single"),
        ({}, "multiclass", ValueError, "got a multiclass target"),
        ({"scoring": "f1"}, "ml", ValueError, "for a multi-label target use an average"),
        ({"scoring": "f1_micro"}, "binary", ValueError, "use scoring='f1'"),
        ({"scoring": "accuracy"}, "ml", ValueError, "Unknown scoring 'accuracy'"),
        ({"optimizer": "best"}, "ml", InvalidParameterError, "optimizer"),
        ({"at_least_one": True}, "binary", ValueError, "at_least_one=True needs a multi-label"),
        ({}, "zero-two", ValueError, r"values in \[0, 1\]"),
        ({}, "soft-above-one", ValueError, "outside \\[0, 1\\]"),
        ({}, "zero-one-two", ValueError,
         r"^Unknown label type: multiclass-multioutput\. .*got continuous values outside"),
        ({}, "nan", ValueError, "NaN"),
    ],
)
def test_errors(params, y_kind, err, match):
    """Check the parameter and target errors with their messages."""
    X, Y = make_multilabel_classification(n_samples=60, n_classes=3, random_state=0)
    y = {"ml": Y, "multiclass": np.arange(60) % 3, "binary": np.arange(60) % 2,
         "zero-two": Y * 2, "soft-above-one": Y * 0.5 + 0.6, "zero-one-two": Y + np.eye(60, 3),
         "nan": np.where(np.eye(60, 3) > 0, np.nan, Y)}[y_kind]
    with pytest.raises(err, match=match):
        ThresholdOptimizedClassifier(LogisticRegression(), **params).fit(X, y)


def test_fold_jobs_return_an_estimator_only_for_refit_false():
    """Check that a fold job sends back its fitted estimator only when it is kept."""
    from skthresh._folds import fit_fold

    X, Y = make_multilabel_classification(n_samples=60, n_classes=3, random_state=0)
    train, test = np.arange(40), np.arange(40, 60)
    args = (ovr_lr(), X, Y, train, test, {}, "predict_proba", 3, 1)
    scores, est = fit_fold(*args, keep_estimator=False)
    assert scores.shape == (20, 3) and est is None
    kept_scores, kept = fit_fold(*args, keep_estimator=True)
    np.testing.assert_array_equal(kept_scores, scores)
    np.testing.assert_array_equal(kept.predict_proba(X[test]), scores)
    clf = ThresholdOptimizedClassifier(ovr_lr(), cv=[(train, test)], refit=False,
                                       optimizer="coordinate").fit(X, Y)
    np.testing.assert_array_equal(clf.decision_scores(X[test]), scores)


def test_estimator_without_scores_and_unfitted_prefit():
    """Check the errors for an estimator without scores and an unfitted prefit one."""
    X, Y = make_multilabel_classification(n_samples=60, n_classes=3, random_state=0)
    with pytest.raises(InvalidParameterError, match="estimator"):
        ThresholdOptimizedClassifier(Ridge()).fit(X, Y)
    with pytest.raises(NotFittedError, match="When cv='prefit', the estimator must be fitted"):
        ThresholdOptimizedClassifier(ovr_lr(), cv="prefit", refit=False).fit(X, Y)
    with pytest.raises(NotFittedError):
        ThresholdOptimizedClassifier(ovr_lr()).predict(X)


def test_prefit_and_frozen_estimators():
    """Check cv='prefit' and FrozenEstimator learn thresholds without refitting."""
    X, Y = make_multilabel_classification(n_samples=300, n_classes=4, random_state=0)
    fitted = ovr_lr().fit(X[:150], Y[:150])
    pre = ThresholdOptimizedClassifier(fitted, cv="prefit", refit=False).fit(X[150:], Y[150:])
    assert pre.estimator_ is fitted
    frozen = ThresholdOptimizedClassifier(FrozenEstimator(fitted), cv=3).fit(X[150:], Y[150:])
    np.testing.assert_array_equal(frozen.decision_scores(X), fitted.predict_proba(X))
    np.testing.assert_allclose(frozen.thresholds_, pre.thresholds_)


def test_float_cv_refit_false_uses_the_same_split():
    """Check that with one unseeded shuffled split the kept estimator saw only its training part.

    With ``random_state=None`` a second draw of the split would give other rows
    (scikit-learn #33540): the thresholds must be those learned on exactly the
    rows the kept estimator was not fitted on.
    """
    X, Y = make_multilabel_classification(n_samples=200, n_classes=3, random_state=0)
    clf = ThresholdOptimizedClassifier(KNeighborsClassifier(), cv=0.25, refit=False,
                                       optimizer="coordinate", random_state=None,
                                       store_cv_results=True).fit(X, Y)
    assert clf.estimator_.n_samples_fit_ == 150
    seen = {row.tobytes() for row in clf.estimator_._fit_X}
    held_out = np.array([row.tobytes() not in seen for row in X])
    assert held_out.sum() == 50
    expected = CoordinateThresholdOptimizer().fit(clf.decision_scores(X[held_out]),
                                                  Y[held_out])
    np.testing.assert_array_equal(clf.thresholds_, expected.thresholds_)
    assert clf.cv_results_["thresholds"].shape == (1, 3)
    np.testing.assert_allclose(clf.cv_results_["thresholds"][0], clf.thresholds_)


def test_store_cv_results_per_fold():
    """Check per-fold thresholds and their spread."""
    X, Y = make_multilabel_classification(n_samples=300, n_classes=4, random_state=0)
    clf = ThresholdOptimizedClassifier(ovr_lr(), cv=3, store_cv_results=True,
                                       optimizer="coordinate").fit(X, Y)
    res = clf.cv_results_
    assert res["thresholds"].shape == (3, 4)
    np.testing.assert_allclose(res["thresholds_std"], res["thresholds"].std(axis=0))
    assert res["scores"].shape == (3,)


def test_dataframe_label_names_and_sparse_targets():
    """Check that DataFrame column names survive and sparse targets work."""
    X, Y = make_multilabel_classification(n_samples=200, n_classes=3, random_state=0)
    names = ["dog", "car", "rain"]
    clf = ThresholdOptimizedClassifier(ovr_lr(), optimizer="coordinate", cv=3,
                                       random_state=0).fit(X, pd.DataFrame(Y, columns=names))
    assert list(clf.label_names_) == names
    assert list(clf.thresholds_by_label_) == names
    np.testing.assert_allclose(list(clf.thresholds_by_label_.values()), clf.thresholds_)
    sparse = ThresholdOptimizedClassifier(ovr_lr(), optimizer="coordinate", cv=3,
                                          random_state=0).fit(X, sp.csr_matrix(Y))
    np.testing.assert_allclose(sparse.thresholds_, clf.thresholds_)


def test_warnings_name_dataframe_columns():
    """Check that a label without positives is named by its column in the warning."""

    X, Y = make_multilabel_classification(n_samples=200, n_classes=3, random_state=0)
    Y[:, 1] = 0
    frame = pd.DataFrame(Y, columns=["dog", "car", "rain"])
    clf = ThresholdOptimizedClassifier(ovr_lr(), optimizer="coordinate", cv="prefit",
                                       refit=False)
    clf.set_params(estimator=ovr_lr().fit(X, np.c_[Y[:, :1], 1 - Y[:, :1], Y[:, 2:]]))
    with pytest.warns(UndefinedThresholdWarning,
                      match=r"Label\(s\) \['car'\] have no positive target") as record:
        clf.fit(X, frame)
    assert [w.message.labels for w in record if w.category is UndefinedThresholdWarning] == \
        [["car"]]
    with pytest.warns(UndefinedThresholdWarning, match=r"Label\(s\) \[1\] have no positive"):
        ThresholdOptimizedClassifier(clf.estimator, optimizer="coordinate", cv="prefit",
                                     refit=False).fit(X, Y)


def test_sample_weight_reaches_estimator_and_objective():
    """Check that zero weights act like dropped rows for the thresholds and the estimator."""
    X, Y = make_multilabel_classification(n_samples=300, n_classes=4, random_state=0)
    w = np.ones(300)
    w[::3] = 0
    keep = w > 0
    cv_all = [(np.flatnonzero(np.arange(300) % 2 == 0), np.flatnonzero(np.arange(300) % 2))]
    cv_kept = [(np.flatnonzero(np.arange(300)[keep] % 2 == 0),
                np.flatnonzero(np.arange(300)[keep] % 2))]
    est = MultiOutputClassifier(lr())
    a = ThresholdOptimizedClassifier(est, optimizer="coordinate", cv=cv_all, refit=False).fit(
        X, Y, sample_weight=w)
    # relabel the kept rows' split positions
    b = ThresholdOptimizedClassifier(est, optimizer="coordinate", cv=cv_kept, refit=False)
    b.fit(X[keep], Y[keep])
    assert a.best_score_ == pytest.approx(b.best_score_)


def test_metadata_routing_passes_fit_params():
    """Check that with routing enabled sample_weight reaches a requesting estimator."""
    X, Y = make_multilabel_classification(n_samples=200, n_classes=3, random_state=0)
    w = np.random.default_rng(0).random(200)
    with config_context(enable_metadata_routing=True):
        inner = lr().set_fit_request(sample_weight=True)
        clf = ThresholdOptimizedClassifier(MultiOutputClassifier(inner), cv=3,
                                           optimizer="coordinate").fit(X, Y, sample_weight=w)
    ref = MultiOutputClassifier(lr()).fit(X, Y, sample_weight=w)
    np.testing.assert_allclose(clf.decision_scores(X), np.column_stack(
        [p[:, 1] for p in ref.predict_proba(X)]))


def test_pipeline_gridsearch_cross_validate():
    """Check Pipeline, GridSearchCV(scoring='f1_micro') over estimator and optimizer params.

    6 labels, not the 30 of ``rare_multilabel``: the search's 36 one-vs-rest
    fits are not the point (its candidates score about 0.62-0.64).
    """
    X, Y = make_multilabel_classification(n_samples=600, n_features=10, n_classes=6,
                                          n_labels=2, random_state=0)
    X, Y, X_test, Y_test = X[:300], Y[:300], X[300:], Y[300:]
    pipe = make_pipeline(StandardScaler(), ThresholdOptimizedClassifier(
        ovr_lr(), optimizer=SGLThresholdOptimizer(device="cpu"), cv=3))
    grid = GridSearchCV(pipe, {
        "thresholdoptimizedclassifier__estimator__estimator__C": [0.1, 1.0],
        "thresholdoptimizedclassifier__optimizer__sigma": [20.0, 50.0],
    }, scoring="f1_micro", cv=2).fit(X, Y)
    assert grid.cv_results_["mean_test_score"].shape == (4,)
    assert grid.best_score_ > 0.55
    assert grid.predict(X_test).shape == Y_test.shape
    res = cross_validate(ThresholdOptimizedClassifier(ovr_lr(), optimizer="coordinate", cv=3),
                         X, Y, scoring="f1_micro", cv=2)
    assert res["test_score"].shape == (2,)


def test_clone_params_pickle(rare_multilabel):
    """Check clone, get/set_params and identical predictions after a pickle round trip."""
    X, Y, X_test, _ = rare_multilabel
    clf = ThresholdOptimizedClassifier(ovr_lr(), optimizer="sgl", cv=3)
    assert clone(clf).get_params()["optimizer"] == "sgl"
    clf.set_params(estimator__estimator__C=0.5)
    assert clf.estimator.estimator.C == 0.5
    clf.fit(X, Y)
    loaded = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(loaded.predict(X_test), clf.predict(X_test))


def test_delegation_follows_the_inner_estimator():
    """Check that predict_proba/decision_function exist exactly when the inner one has them."""
    for est, proba, decision in [(LogisticRegression(), True, True),
                                 (LinearSVC(), False, True),
                                 (RandomForestClassifier(), True, False)]:
        clf = ThresholdOptimizedClassifier(est)
        assert hasattr(clf, "predict_proba") == proba
        assert hasattr(clf, "decision_function") == decision


def test_soft_targets_fit_inner_on_binarised_labels():
    """Check that soft targets train the estimator on y >= 0.5 and the thresholds on y."""
    X, Y = make_multilabel_classification(n_samples=300, n_classes=4, random_state=0)
    soft = np.clip(Y * 0.7 + np.random.default_rng(0).random(Y.shape) * 0.3, 0, 1)
    clf = ThresholdOptimizedClassifier(ovr_lr(), optimizer="coordinate", cv=3).fit(X, soft)
    ref = ThresholdOptimizedClassifier(ovr_lr(), optimizer="coordinate", cv=3).fit(
        X, (soft >= 0.5).astype(int))
    np.testing.assert_allclose(clf.decision_scores(X), ref.decision_scores(X))
    assert not np.allclose(clf.thresholds_, ref.thresholds_)


@pytest.mark.slow
def test_parallel_folds_match_serial():
    """Check that n_jobs=2 gives the serial result.

    A small problem: most of the time goes to starting joblib's worker
    processes, which import skthresh.
    """
    X, Y = make_multilabel_classification(n_samples=240, n_features=10, n_classes=5,
                                          random_state=0)
    kw = dict(optimizer="coordinate", cv=3, random_state=0)  # the same folds in both fits
    serial = ThresholdOptimizedClassifier(ovr_lr(), **kw).fit(X, Y)
    parallel = ThresholdOptimizedClassifier(ovr_lr(), n_jobs=2, **kw).fit(X, Y)
    np.testing.assert_allclose(serial.thresholds_, parallel.thresholds_)


def test_prediction_policies():
    """Check at_least_one and max_labels in predict, both off by default."""
    X, Y = make_multilabel_classification(n_samples=300, n_classes=6, random_state=0)
    base = ThresholdOptimizedClassifier(ovr_lr(), optimizer="coordinate", cv=3,
                                        random_state=0).fit(X, Y)
    plain = base.predict(X)
    one = clone(base).set_params(at_least_one=True, max_labels=2).fit(X, Y).predict(X)
    assert (one.sum(axis=1) >= 1).all() and (one.sum(axis=1) <= 2).all()
    assert (one <= plain)[plain.sum(axis=1) > 0].all()
    margins = base.decision_scores(X) - base.thresholds_
    empty = plain.sum(axis=1) == 0
    if empty.any():
        np.testing.assert_array_equal(one[empty].argmax(axis=1), margins[empty].argmax(axis=1))


def test_verbose_reports_folds(capsys):
    """Check that verbose=1 prints the folds and the result, verbose=2 one line per fold."""
    X, Y = make_multilabel_classification(n_samples=100, n_classes=3, random_state=0)
    ThresholdOptimizedClassifier(ovr_lr(), cv=2, verbose=1, optimizer="coordinate").fit(X, Y)
    out = capsys.readouterr().out
    assert "Fitting 2 fold(s)" in out and "out-of-fold f1_micro" in out
    assert "[fold" not in out
    ThresholdOptimizedClassifier(ovr_lr(), cv=2, verbose=2, optimizer="coordinate").fit(X, Y)
    out = capsys.readouterr().out
    assert "[fold 1/2] fitted on 50 rows, scored 50 held-out rows" in out
    assert "[fold 2/2]" in out and "coordinate pass 1" in out


def test_diagnostics_go_to_the_skthresh_logger_only(caplog):
    """Check that fold diagnostics are logged on "skthresh", never on the root logger."""
    import logging

    X, Y = make_multilabel_classification(n_samples=100, n_classes=3, random_state=0)
    with caplog.at_level(logging.DEBUG):
        ThresholdOptimizedClassifier(ovr_lr(), cv=2, optimizer="coordinate").fit(X, Y)
    ours = [r for r in caplog.records if r.name.startswith("skthresh")]
    assert [r.getMessage() for r in ours][:3] == [
        "out-of-fold scores from 2 split(s), response predict_proba",
        "fold 1/2: fitted on 50 rows, scored 50",
        "fold 2/2: fitted on 50 rows, scored 50",
    ]
    assert not [r for r in caplog.records if r.name == "root"]


def test_binary_behaves_like_tuned_threshold_classifier_cv():
    """Check that binary targets give about the held-out F1 of TunedThresholdClassifierCV."""
    from sklearn.model_selection import StratifiedKFold, TunedThresholdClassifierCV

    X, y = make_classification(n_samples=1500, weights=[0.85], flip_y=0.05, random_state=0)
    X_train, y_train, X_test, y_test = X[:1000], y[:1000], X[1000:], y[1000:]
    cv = StratifiedKFold(3)
    theirs = TunedThresholdClassifierCV(lr(), scoring="f1", cv=cv).fit(
        X_train, y_train)
    for opt in ("coordinate", "sgl"):
        ours = ThresholdOptimizedClassifier(lr(), scoring="f1",
                                            optimizer=opt, cv=cv).fit(X_train, y_train)
        f1_ours = f1_score(y_test, ours.predict(X_test))
        f1_theirs = f1_score(y_test, theirs.predict(X_test))
        assert abs(ours.thresholds_[0] - theirs.best_threshold_) < 0.15
        assert f1_ours > f1_theirs - 0.03, (opt, f1_ours, f1_theirs)
        assert f1_ours > f1_score(y_test, theirs.estimator_.predict(X_test))


class _FixedOutput:
    """A fitted stand-in whose predict_proba returns a given array, whatever X is."""

    def __init__(self, output, classes=None):
        self.output, self.classes_ = output, classes

    def predict_proba(self, X):
        return self.output


def test_score_adapter_shapes_and_mismatch():
    """Check the (n, 2, L), list-of-(n, 2) and (n, L) forms and the width error."""
    from skthresh._response import scores_matrix

    rng = np.random.default_rng(0)
    positive = rng.random((5, 3))
    stacked = np.stack([1 - positive, positive], axis=1)  # skorch-style (n, 2, L)
    as_list = [np.column_stack([1 - positive[:, c], positive[:, c]]) for c in range(3)]
    for output, classes in [(stacked, None), (as_list, [np.array([0, 1])] * 3),
                            (positive, None)]:
        np.testing.assert_allclose(
            scores_matrix(_FixedOutput(output, classes), None, "predict_proba", 3), positive)
    # a label output that only ever saw class 0 scores 0
    only_zero = [as_list[0], np.ones((5, 1)), as_list[2]]
    got = scores_matrix(_FixedOutput(only_zero, [np.array([0, 1]), np.array([0]),
                                                 np.array([0, 1])]), None, "predict_proba", 3)
    np.testing.assert_array_equal(got[:, 1], 0.0)
    with pytest.raises(ValueError, match=r"returned scores of shape \(5, 3\), which does not "
                                         r"match the 4 label\(s\)"):
        scores_matrix(_FixedOutput(positive), None, "predict_proba", 4)


# ------------------------------------------------------------ trust: settings honoured
def _routing_without_metadata():
    """fit, GridSearchCV, cross_validate, cross_val_predict; routing on, no metadata."""
    from sklearn.model_selection import cross_val_predict

    X, Y = make_multilabel_classification(n_samples=60, n_classes=3, random_state=0)
    with config_context(enable_metadata_routing=True):
        for y, inner, scoring in [(Y, ovr_lr(), "f1_micro"), (Y[:, 0], lr(), "f1")]:
            for cv in (2, 0.3):
                clf = ThresholdOptimizedClassifier(inner, optimizer="fixed", cv=cv,
                                                   refit=cv == 2)
                clf.fit(X, y)
            GridSearchCV(clf, {"at_least_one": [False]} if y.ndim == 2 else {"max_labels": [None]},
                         scoring=scoring, cv=2).fit(X, y)
            cross_validate(clf, X, y, cv=2, scoring=scoring)
            cross_val_predict(clf, X, y, cv=2)


def test_routing_enabled_without_metadata_returns():
    """Check fit, GridSearchCV, cross_validate, cross_val_predict with routing on, no metadata.

    Routing on and no metadata once made fit spin for ever; the calls run in a
    daemon thread under a time limit, so a hang fails the test (scikit-learn's
    configuration is per thread: the thread sets its own).
    """
    import threading

    errors = []

    def run():
        try:
            _routing_without_metadata()
        except Exception as exc:  # reported by the test below
            errors.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "a call with metadata routing on did not return in 60 s"
    assert not errors, errors


def _grouped_multilabel(n_groups=30, per_group=6, seed=0):
    X, Y = make_multilabel_classification(n_samples=n_groups * per_group, n_classes=4,
                                          random_state=seed)
    return X, Y, np.repeat(np.arange(n_groups), per_group)


class _Recorder:
    """Records the test folds of the splitter the classifier uses (through its split)."""

    def __init__(self, monkeypatch, cls):
        self.folds = []
        original = cls.split
        recorder = self

        def split(splitter, X, y=None, groups=None):
            for train, test in original(splitter, X, y, groups):
                recorder.folds.append((train, test))
                yield train, test

        monkeypatch.setattr(cls, "split", split)


@pytest.mark.parametrize("target", ["multilabel", "binary"])
@pytest.mark.parametrize("cv", [3, 0.3])
def test_default_splits_keep_each_group_on_one_side(monkeypatch, target, cv):
    """Check that groups given to fit are honoured by the default int and float cv."""
    from sklearn.model_selection import GroupShuffleSplit, StratifiedGroupKFold

    from skthresh._split import MultilabelStratifiedGroupKFold

    X, Y, groups = _grouped_multilabel()
    y = Y if target == "multilabel" else Y[:, 0]
    cls = GroupShuffleSplit if cv == 0.3 else (
        MultilabelStratifiedGroupKFold if target == "multilabel" else StratifiedGroupKFold)
    recorder = _Recorder(monkeypatch, cls)
    inner = ovr_lr() if target == "multilabel" else lr()
    ThresholdOptimizedClassifier(inner, optimizer="coordinate", cv=cv, refit=cv == 3,
                                 random_state=0).fit(X, y, groups=groups)
    assert len(recorder.folds) == (3 if cv == 3 else 1)
    for train, test in recorder.folds:
        assert not set(groups[train]) & set(groups[test])


def test_groups_are_routed_to_the_default_splitter():
    """Check that with routing on, groups reach the group-aware default splitter."""
    X, Y, groups = _grouped_multilabel()
    with config_context(enable_metadata_routing=True):
        clf = ThresholdOptimizedClassifier(ovr_lr(), optimizer="coordinate", cv=3,
                                           random_state=0)
        with_groups = clf.fit(X, Y, groups=groups).thresholds_
    without = ThresholdOptimizedClassifier(ovr_lr(), optimizer="coordinate", cv=3,
                                           random_state=0).fit(X, Y, groups=groups).thresholds_
    np.testing.assert_array_equal(with_groups, without)


def test_a_user_splitter_that_ignores_groups_says_so():
    """Check that the user's own cv is honoured, and KFold's warning reaches the user."""
    X, Y, groups = _grouped_multilabel()
    with pytest.warns(UserWarning, match="groups parameter is ignored by KFold"):
        ThresholdOptimizedClassifier(ovr_lr(), optimizer="coordinate", cv=KFold(3)).fit(
            X, Y, groups=groups)


@pytest.mark.parametrize("optimizer", ["sgl", "coordinate", "fixed"])
def test_nested_optimizer_params_work_with_a_string_optimizer(optimizer):
    """Check set_params(optimizer__x=...) and grids over it with the default string."""
    param = {"sgl": ("n_bins", 32), "coordinate": ("max_iter", 3),
             "fixed": ("threshold", 0.3)}[optimizer]
    clf = ThresholdOptimizedClassifier(ovr_lr(), optimizer=optimizer, cv=3)
    clf.set_params(**{f"optimizer__{param[0]}": param[1]})
    assert type(clf.optimizer).__name__.lower().startswith(optimizer)
    assert clf.get_params()[f"optimizer__{param[0]}"] == param[1]
    X, Y = make_multilabel_classification(n_samples=90, n_classes=3, random_state=0)
    search = GridSearchCV(ThresholdOptimizedClassifier(ovr_lr(), optimizer=optimizer, cv=2),
                          {f"optimizer__{param[0]}": [param[1]]}, scoring="f1_micro", cv=2)
    assert search.fit(X, Y).best_estimator_.optimizer_.get_params()[param[0]] == param[1]


def test_nested_optimizer_params_with_an_unknown_name_are_refused():
    """Check that an unknown optimizer name with nested params names the choices."""
    clf = ThresholdOptimizedClassifier(ovr_lr())
    with pytest.raises(ValueError, match=r"optimizer='sgd' is not one of \['coordinate', "):
        clf.set_params(optimizer="sgd", optimizer__n_bins=3)


def test_classifier_verbose_reaches_an_optimizer_instance(capsys):
    """Check that verbose=2 shows the optimizer's progress for an instance as for a name."""
    X, Y = make_multilabel_classification(n_samples=90, n_classes=3, random_state=0)
    ThresholdOptimizedClassifier(ovr_lr(), optimizer=CoordinateThresholdOptimizer(), cv=2,
                                 verbose=2).fit(X, Y)
    assert "coordinate pass" in capsys.readouterr().out


def test_prefit_with_weights_does_not_claim_a_fit_without_them():
    """Check that cv='prefit' with sample_weight gives no "fitted without" warning."""
    import warnings

    X, Y = make_multilabel_classification(n_samples=90, n_classes=3, random_state=0)
    inner = ovr_lr().fit(X, Y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ThresholdOptimizedClassifier(inner, cv="prefit", refit=False).fit(
            X, Y, sample_weight=np.linspace(0.5, 1.5, len(X)))


def test_scalar_sample_weight_is_accepted_as_scikit_learn_does():
    """Check that sample_weight=2.0 fits, and gives the unweighted thresholds."""
    X, Y = make_multilabel_classification(n_samples=90, n_classes=3, random_state=0)
    params = dict(optimizer="coordinate", cv=3, random_state=0)
    weighted = ThresholdOptimizedClassifier(ovr_lr(), **params).fit(X, Y, sample_weight=2.0)
    plain = ThresholdOptimizedClassifier(ovr_lr(), **params).fit(X, Y)
    np.testing.assert_allclose(weighted.thresholds_, plain.thresholds_)


@pytest.mark.parametrize("make", [
    lambda Y: pd.DataFrame(np.where(Y == 1, "yes", "no")).astype("category"),
    lambda Y: pd.DataFrame(np.where(Y == 1, "yes", "no")),
])
def test_non_numeric_multilabel_target_is_refused_naming_y(make):
    """Check that categorical or string label columns get a message naming y."""
    X, Y = make_multilabel_classification(n_samples=60, n_classes=3, random_state=0)
    with pytest.raises(ValueError, match=r"^y must hold numbers: a multi-label target needs "
                                         r"0/1 labels or soft targets"):
        ThresholdOptimizedClassifier(ovr_lr(), cv=3).fit(X, make(Y))


def test_categorical_multilabel_target_of_numbers_is_read_as_numbers():
    """Check that 0/1 categories give the thresholds of the numeric target."""
    X, Y = make_multilabel_classification(n_samples=60, n_classes=3, random_state=0)
    params = dict(optimizer="coordinate", cv=3, random_state=0)
    categorical = pd.DataFrame(Y, columns=["a", "b", "c"]).astype("category")
    ours = ThresholdOptimizedClassifier(ovr_lr(), **params).fit(X, categorical)
    plain = ThresholdOptimizedClassifier(ovr_lr(), **params).fit(X, Y)
    np.testing.assert_array_equal(ours.thresholds_, plain.thresholds_)
    assert list(ours.label_names_) == ["a", "b", "c"]


@pytest.mark.parametrize("inner", [
    OneVsRestClassifier(LogisticRegression()),
    MultiOutputClassifier(LogisticRegression()),
    RandomForestClassifier(),
])
def test_tags_say_multilabel_for_multilabel_capable_inner_estimators(inner):
    """Check the multi_label tag with wrappers (OneVsRest, MultiOutput) and native ones."""
    from sklearn.utils import get_tags

    tags = get_tags(ThresholdOptimizedClassifier(inner))
    assert tags.classifier_tags.multi_label is True
    assert tags.target_tags.multi_output is True
    assert get_tags(ThresholdOptimizedClassifier(LogisticRegression())).classifier_tags \
        .multi_label is False


def test_allow_nan_follows_the_inner_estimator():
    """Check that an inner estimator that handles NaN makes the classifier accept NaN."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.utils import get_tags

    inner = HistGradientBoostingClassifier(max_iter=10)
    assert get_tags(ThresholdOptimizedClassifier(inner)).input_tags.allow_nan is True
    assert get_tags(ThresholdOptimizedClassifier(lr())).input_tags.allow_nan is False
    X, y = make_classification(n_samples=120, random_state=0)
    X[::7, 0] = np.nan
    ThresholdOptimizedClassifier(inner, optimizer="coordinate", cv=3).fit(X, y).predict(X)


def test_warnings_during_fit_point_at_the_callers_line():
    """Check that a warning raised inside the classifier's fit points at this file."""
    X, Y = make_multilabel_classification(n_samples=90, n_classes=3, random_state=0)
    with pytest.warns(UserWarning, match="does not take sample_weight") as record:
        ThresholdOptimizedClassifier(ovr_lr(), cv=3).fit(X, Y, sample_weight=np.ones(len(X)))
    assert {w.filename for w in record} == {__file__}


def test_optimizer_warnings_name_the_labels_of_a_dataframe_target():
    """Check that the optimizer's warnings name a DataFrame target's columns."""

    X, Y = make_multilabel_classification(n_samples=90, n_classes=3, random_state=0)
    Y[:, 1] = 0
    frame = pd.DataFrame(Y, columns=["dog", "cat", "bird"])
    with pytest.warns(UndefinedThresholdWarning, match=r"\['cat'\]") as record:
        ThresholdOptimizedClassifier(ovr_lr(), optimizer="coordinate", cv=3).fit(X, frame)
    ours = [w for w in record if issubclass(w.category, UndefinedThresholdWarning)]
    assert ours and all(w.filename == __file__ for w in ours)


# ------------------------------------------------ scoring names and surprising input
def test_scoring_f1_on_binary_means_the_positive_class_f1():
    """Check that 'f1' and the default tune the positive class's F1, as scikit-learn."""
    X, y = make_classification(n_samples=400, weights=[0.8], random_state=0)
    clf = ThresholdOptimizedClassifier(lr(), scoring="f1", optimizer="coordinate", cv=3)
    clf.fit(X, y)
    default = ThresholdOptimizedClassifier(lr(), optimizer="coordinate", cv=3).fit(X, y)
    assert default.thresholds_ == pytest.approx(clf.thresholds_)
    assert clf.score(X, y) == pytest.approx(f1_score(y, clf.predict(X)))


@pytest.mark.parametrize("scoring", ["f1_micro", "f1_macro", "jaccard_weighted"])
def test_averaged_scoring_on_binary_is_refused_with_the_name_to_use(scoring):
    """Check that a name whose scikit-learn meaning differs is refused before any fit."""
    X, y = make_classification(n_samples=60, random_state=0)
    plain = scoring.rsplit("_", 1)[0]
    with pytest.raises(ValueError, match=f"use scoring='{plain}'"):
        ThresholdOptimizedClassifier(lr(), scoring=scoring).fit(X, y)


def test_plain_scoring_on_several_labels_is_refused():
    """Check that a binary name on a multi-label target (and on a score matrix) is refused."""
    X, Y = multilabel()
    with pytest.raises(ValueError, match="use an average: 'f1_micro'"):
        ThresholdOptimizedClassifier(lr(), scoring="f1").fit(X, Y)
    with pytest.raises(ValueError, match="with 4 labels use an average"):
        CoordinateThresholdOptimizer(scoring="f1").fit(np.random.rand(150, 4), Y)
    one = CoordinateThresholdOptimizer(scoring="f1").fit(np.random.rand(150), Y[:, 0])
    assert one.thresholds_.shape == (1,)


def test_constant_predictor_is_refused():
    """Check that an estimator with the same score everywhere is refused, as scikit-learn."""
    X, y = make_classification(n_samples=80, random_state=0)
    with pytest.raises(ValueError, match="makes constant predictions"):
        ThresholdOptimizedClassifier(DummyClassifier(strategy="constant", constant=1)).fit(X, y)


def test_single_output_estimator_on_several_labels_gets_a_hint():
    """Check the hint to wrap a single-output estimator for a multi-label target."""
    X, Y = multilabel()
    with pytest.raises(ValueError, match=r"OneVsRestClassifier\(LogisticRegression\(\.\.\.\)\)"):
        ThresholdOptimizedClassifier(lr(), cv=3).fit(X, Y)


def test_binary_score_with_unseen_labels_is_refused():
    """Check score(X, y) with labels encoded differently from fit."""
    X, y = make_classification(n_samples=120, random_state=0)
    clf = ThresholdOptimizedClassifier(lr(), cv=3).fit(X, np.where(y == 1, "spam", "ham"))
    with pytest.raises(ValueError, match=r"class\(es\) \[0, 1\] that fit never saw"):
        clf.score(X, y)


def test_binary_fold_with_one_class_scores_the_positive_class():
    """Check a fold whose model saw one class: its single column is not the positive score."""
    X, y = make_classification(n_samples=60, random_state=0)
    order = np.argsort(y, kind="stable")  # negatives first: a split can hold one class
    X, y = X[order], y[order]
    train = np.flatnonzero(y == 0)
    test = np.flatnonzero(y == 1)[:10]
    clf = ThresholdOptimizedClassifier(DummyClassifier(strategy="prior"),
                                       cv=[(train, test), (test, train)], optimizer="fixed",
                                       refit=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
    # the model fitted on negatives only gives the positive class probability 0, not 1
    from skthresh._response import scores_matrix

    only_negatives = DummyClassifier(strategy="prior").fit(X[train], y[train])
    assert (scores_matrix(only_negatives, X[:5], "predict_proba", 1, positive=1) == 0).all()


def test_score_pairs_dataframe_label_columns_by_name():
    """Check score(X, Y_df) with reordered columns, and renamed ones refused."""
    X, Y = multilabel()
    Y = pd.DataFrame(Y, columns=["a", "b", "c", "d"])
    clf = ThresholdOptimizedClassifier(OneVsRestClassifier(lr()), cv=3, random_state=0)
    clf.fit(X, Y)
    assert clf.score(X, Y[["d", "c", "b", "a"]]) == clf.score(X, Y)
    with pytest.raises(ValueError, match="columns are matched by name"):
        clf.score(X, Y.rename(columns={"a": "z"}))


def test_cross_val_predict_proba_with_a_list_valued_inner_estimator():
    """Check cross_val_predict(method='predict_proba') whatever the inner classes_ layout."""
    X, Y = multilabel()
    clf = ThresholdOptimizedClassifier(RandomForestClassifier(n_estimators=5, random_state=0),
                                       cv=3, random_state=0)
    proba = cross_val_predict(clf, X, Y, cv=3, method="predict_proba")
    assert isinstance(proba, list) and len(proba) == Y.shape[1]
    ovr = ThresholdOptimizedClassifier(OneVsRestClassifier(lr()), cv=3, random_state=0)
    assert cross_val_predict(ovr, X, Y, cv=3, method="predict_proba").shape == Y.shape
    np.testing.assert_array_equal(ovr.fit(X, Y).classes_, np.arange(Y.shape[1]))


# ------------------------------------------------ groups, routing and sample weights
def test_groups_reach_a_group_splitter_without_routing():
    """Check fit(X, Y, groups=g) with GroupKFold and metadata routing off."""
    X, Y = multilabel(n=120)
    groups = np.repeat(np.arange(12), 10)
    seen = []

    class Recording(GroupKFold):
        def split(self, X, y=None, groups=None):
            for train, test in super().split(X, y, groups):
                seen.append(set(groups[test]))
                yield train, test

    ThresholdOptimizedClassifier(OneVsRestClassifier(lr()), cv=Recording(3)).fit(
        X, Y, groups=groups)
    assert len(seen) == 3 and set().union(*seen) == set(range(12))
    assert all(not (a & b) for i, a in enumerate(seen) for b in seen[i + 1:])


@pytest.mark.parametrize("cv", ["prefit", 0.3])
def test_routing_with_prefit_or_float_cv_and_sample_weight(cv):
    """Check that routing on, with a cv that has no splitter to route to, fits."""
    X, Y = multilabel()
    weights = np.linspace(0.5, 1.5, len(X))
    with config_context(enable_metadata_routing=True):
        inner = OneVsRestClassifier(lr().set_fit_request(sample_weight=True))
        if cv == "prefit":
            inner.fit(X, Y)
        clf = ThresholdOptimizedClassifier(inner, cv=cv, refit=False)
        clf.fit(X, Y, sample_weight=weights)
    assert clf.thresholds_.shape == (Y.shape[1],)


def test_dropped_sample_weight_warns_and_says_how_to_route_it():
    """Check the warning when the inner fit cannot take the weights (routing off)."""
    X, Y = multilabel()
    weights = np.linspace(0.5, 1.5, len(X))
    with pytest.warns(UserWarning, match="does not take sample_weight.*enable_metadata_"
                                         "routing"):
        ThresholdOptimizedClassifier(OneVsRestClassifier(lr()), cv=3).fit(
            X, Y, sample_weight=weights)


# ------------------------------------------------ default folds
def test_multilabel_integer_cv_is_stratified_and_shuffled():
    """Check that an integer cv on a label-ordered target beats the unshuffled KFold's bias.

    Each unshuffled fold's model never sees the label its test rows carry, so
    its out-of-fold scores are useless; the default folds see every label.
    """
    X, Y = sorted_by_label(n=400)
    inner = OneVsRestClassifier(LogisticRegression())
    default = ThresholdOptimizedClassifier(inner, optimizer="coordinate", random_state=0)
    default.fit(X, Y)
    plain = ThresholdOptimizedClassifier(inner, optimizer="coordinate", cv=KFold(4))
    plain.fit(X, Y)
    assert default.best_score_ > plain.best_score_ + 0.1
    assert default.best_score_ > 0.75  # 5% of the labels are noise


def test_user_cv_is_honoured():
    """Check that a splitter given by the user is used as given."""
    X, Y = sorted_by_label()
    seen = []

    class Recording(KFold):
        def split(self, X, y=None, groups=None):
            for train, test in super().split(X, y, groups):
                seen.append(test)
                yield train, test

    ThresholdOptimizedClassifier(KNeighborsClassifier(), cv=Recording(3)).fit(X, Y)
    assert [t.tolist() for t in seen] == [t.tolist() for _, t in KFold(3).split(X)]
