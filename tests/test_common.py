"""scikit-learn's common estimator checks."""

from __future__ import annotations

from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.utils.estimator_checks import parametrize_with_checks

from skthresh import SGLThresholdOptimizer, ThresholdOptimizedClassifier

# The same failures scikit-learn records for its TunedThresholdClassifierCV,
# for the same reasons.
EXPECTED_FAILED = {
    "check_classifiers_train": "Threshold at probability 0.5 does not hold: the thresholds "
    "are learned, so the predictions need not match predict_proba > 0.5.",
    "check_sample_weight_equivalence_on_dense_data": "Due to the cross-validation and sample "
    "ordering, removing a sample is not strictly equal to putting its weight to zero.",
    "check_sample_weight_equivalence_on_sparse_data": "As on dense data: cross-validation "
    "folds shift when rows are removed.",
    "check_classifier_multioutput": "Threshold at probability 0.5 does not hold (multi-label "
    "form): predict follows the learned thresholds, not the arg-max of predict_proba.",
}

INSTANCES = [
    # binary checks with a binary-only estimator
    ThresholdOptimizedClassifier(LogisticRegression(), cv=3,
                                 optimizer=SGLThresholdOptimizer(max_iter=10, device="cpu")),
    # multi-label checks too, with multi-label estimators
    ThresholdOptimizedClassifier(KNeighborsClassifier(), cv=3, optimizer="coordinate"),
    ThresholdOptimizedClassifier(OneVsRestClassifier(LogisticRegression()), cv=3,
                                 optimizer="fixed"),
]


@parametrize_with_checks(INSTANCES, expected_failed_checks=lambda est: EXPECTED_FAILED)
def test_sklearn_compatible(estimator, check):
    """Check that every common scikit-learn check passes, but the two recorded ones."""
    check(estimator)
