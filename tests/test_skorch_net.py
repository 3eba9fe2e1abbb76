"""Tests of skthresh.skorch: NeuralNetMultiLabelClassifier and MultiLabelMLP."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone, is_classifier
from sklearn.metrics import f1_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import get_tags

from skthresh import ThresholdOptimizedClassifier
from skthresh.losses import BCEWithJDTLoss, CompatibleTverskyLoss, JaccardMetricLoss
from skthresh.skorch import MultiLabelMLP, NeuralNetMultiLabelClassifier

requires_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")

N_FEATURES, N_LABELS = 8, 4


def _data(n=160, seed=0):
    """Float64 features and imbalanced 0/1 labels from a noisy linear rule."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, N_FEATURES))
    W = rng.normal(size=(N_FEATURES, N_LABELS))
    Y = (X @ W + 0.5 * rng.normal(size=(n, N_LABELS)) > [0.0, 0.5, 1.0, 1.5]).astype(np.int64)
    return X, Y


def _net(**params):
    defaults = dict(module=MultiLabelMLP, module__n_features=N_FEATURES,
                    module__n_labels=N_LABELS, module__hidden=16, optimizer=torch.optim.Adam,
                    lr=0.03, max_epochs=10, batch_size=64, train_split=None, verbose=0)
    return NeuralNetMultiLabelClassifier(**{**defaults, **params})


class RecordingBCE(torch.nn.BCEWithLogitsLoss):
    """BCE that records the dtype and values range of the targets it receives."""

    seen: list = []

    def forward(self, input, target):
        RecordingBCE.seen.append((target.dtype, float(target.min()), float(target.max())))
        return super().forward(input, target)


class TwoOutputs(torch.nn.Module):
    """Returns logits of the wrong width for a 4-label target."""

    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(N_FEATURES, 2)

    def forward(self, X):
        return self.linear(X)


# ------------------------------------------------------------------ predict_proba / predict


def test_net_predict_proba_shape_range_and_classes():
    """Check that predict_proba gives (n, L) probabilities and classes_ is arange(L)."""
    X, Y = _data()
    net = _net().fit(X, Y)
    proba = net.predict_proba(X)
    assert isinstance(proba, np.ndarray)
    assert proba.shape == Y.shape
    assert proba.dtype == np.float32
    assert proba.min() >= 0.0 and proba.max() <= 1.0
    np.testing.assert_array_equal(net.classes_, np.arange(N_LABELS))
    # the logits are the module's raw output; the probabilities their sigmoid
    logits = net.forward(X.astype(np.float32))
    np.testing.assert_allclose(proba, torch.sigmoid(logits).numpy(), rtol=1e-6)
    # and the network learned something: better than predicting nothing
    assert f1_score(Y, net.predict(X), average="micro") > 0.6


def test_net_predict_applies_default_threshold_with_ge():
    """Check that predict == (predict_proba >= 0.5), ties included."""
    X, Y = _data()
    net = _net().fit(X, Y)
    proba = net.predict_proba(X)
    pred = net.predict(X)
    assert pred.dtype == np.int64 and set(np.unique(pred)) <= {0, 1}
    np.testing.assert_array_equal(pred, (proba >= 0.5).astype(int))
    # a probability equal to its threshold is a positive
    net.set_params(threshold=float(proba[0, 0]))
    assert net.predict(X[:1])[0, 0] == 1
    net.set_params(threshold=float(np.nextafter(proba[0, 0], np.float32(2))))
    assert net.predict(X[:1])[0, 0] == 0


def test_net_predict_per_label_thresholds():
    """Check that an array of thresholds is applied label by label."""
    X, Y = _data()
    net = _net().fit(X, Y)
    proba = net.predict_proba(X)
    thresholds = np.array([0.1, 0.4, 0.6, 0.9])
    net.set_params(threshold=thresholds)
    np.testing.assert_array_equal(net.predict(X), (proba >= thresholds).astype(int))
    net.set_params(threshold=[0.0, 1.1, 0.0, 1.1])
    pred = net.predict(X)
    assert pred[:, [0, 2]].all() and not pred[:, [1, 3]].any()


@pytest.mark.parametrize(
    "threshold, err_type, err_msg",
    [
        ([0.5, 0.5], ValueError, r"one value per label, shape \(4,\)"),
        (np.full((2, 4), 0.5), ValueError, r"one value per label"),
        ("high", TypeError, "threshold must be a float or an array-like"),
        (np.nan, ValueError, "threshold must be finite"),
    ],
)
def test_net_invalid_threshold(threshold, err_type, err_msg):
    """Check that a malformed threshold raises a clear error at predict time."""
    X, Y = _data(n=40)
    net = _net(max_epochs=1).fit(X, Y).set_params(threshold=threshold)
    with pytest.raises(err_type, match=err_msg):
        net.predict(X)


# ------------------------------------------------------------------------------ targets


@pytest.mark.parametrize(
    "make_y, err_msg",
    [
        (lambda Y: np.argmax(Y, axis=1), r"2-D multi-label target .* got a 1-D array"),
        (lambda Y: Y * 2, r"soft targets in \[0, 1\]; got values in \[0, 2\]"),
        (lambda Y: Y - 0.5, r"soft targets in \[0, 1\]"),
        (lambda Y: np.where(Y == 1, np.nan, 0.0), "finite"),
        (lambda Y: Y.astype(str), "numeric"),
        (lambda Y: Y[:, :, None], r"shape \(n_samples, n_labels\)"),
        (lambda Y: None, "needs y"),
    ],
)
def test_net_fit_rejects_bad_targets(make_y, err_msg):
    """Check that 1-D, out-of-range, non-finite and non-numeric targets are refused."""
    X, Y = _data(n=40)
    with pytest.raises(ValueError, match=err_msg):
        _net(max_epochs=1).fit(X, make_y(Y))


def test_net_targets_cast_to_float32():
    """Check that int, bool and float64 targets reach the criterion as float32."""
    X, Y = _data(n=64)
    for y in (Y, Y.astype(bool), Y.astype(np.float64)):
        RecordingBCE.seen.clear()
        _net(criterion=RecordingBCE, max_epochs=1).fit(X, y)
        assert {dtype for dtype, _, _ in RecordingBCE.seen} == {torch.float32}


def test_net_soft_targets_are_learned():
    """Check that soft targets are accepted, the loss decreases, and BCE fits them.

    With a constant soft target of 0.3 for one label, the BCE optimum is a
    probability of 0.3: a net that binarised the targets would predict 0.
    """
    X, Y = _data()
    smooth = 0.1
    soft = Y * (1 - smooth) + smooth / 2  # label smoothing
    soft[:, 3] = 0.3
    RecordingBCE.seen.clear()
    net = _net(criterion=RecordingBCE, max_epochs=60, lr=0.03, batch_size=len(X)).fit(X, soft)
    assert min(lo for _, lo, _ in RecordingBCE.seen) == pytest.approx(smooth / 2)
    losses = net.history[:, "train_loss"]
    assert losses[-1] < 0.8 * losses[0]
    proba = net.predict_proba(X)
    assert abs(proba[:, 3].mean() - 0.3) < 0.05
    # BCE is calibrated in the large: mean probability ~ mean soft target
    np.testing.assert_allclose(proba.mean(axis=0), soft.mean(axis=0), atol=0.05)


@pytest.mark.parametrize(
    "criterion, params",
    [
        (JaccardMetricLoss, {}),
        (BCEWithJDTLoss, {"criterion__bce_weight": 0.25}),
        (CompatibleTverskyLoss, {"criterion__alpha": 0.3, "criterion__beta": 0.7}),
    ],
)
def test_net_jdt_losses_on_soft_targets(criterion, params):
    """Check that JDT criteria train on soft targets and predict_proba stays a sigmoid."""
    X, Y = _data()
    soft = Y * 0.9 + 0.05
    net = _net(criterion=criterion, max_epochs=15, **params).fit(X, soft)
    assert isinstance(net.criterion_, criterion)
    for key, value in params.items():
        assert getattr(net.criterion_, key.split("__")[1]) == value
    losses = net.history[:, "train_loss"]
    assert losses[-1] < losses[0]
    proba = net.predict_proba(X)
    assert proba.shape == Y.shape
    logits = net.forward(X.astype(np.float32))
    np.testing.assert_allclose(proba, torch.sigmoid(logits).numpy(), rtol=1e-6)
    assert f1_score(Y, net.predict(X), average="micro") > 0.6


def test_net_float64_inputs_are_cast_to_module_dtype():
    """Check that float64 arrays, tensors and DataFrames fit a float32 module alike."""
    pd = pytest.importorskip("pandas")
    X, Y = _data(n=64)
    torch.manual_seed(0)
    expected = _net(max_epochs=2).fit(X.astype(np.float32), Y).predict_proba(X)
    for X_in in (X, torch.as_tensor(X), pd.DataFrame(X)):
        torch.manual_seed(0)  # same initial weights and batches as the float32 fit
        net = _net(max_epochs=2).fit(X_in, Y)
        np.testing.assert_allclose(net.predict_proba(X_in), expected, rtol=1e-5, atol=1e-6)


def test_net_auto_nonlinearity_is_sigmoid():
    """Check that predict_nonlinearity='auto' means the sigmoid, not skorch's (n, 2, L)."""
    X, Y = _data(n=40)
    net = _net(max_epochs=2, predict_nonlinearity="auto").fit(X, Y)
    proba = net.predict_proba(X)
    assert proba.shape == Y.shape
    np.testing.assert_allclose(
        proba, torch.sigmoid(net.forward(X.astype(np.float32))).numpy(), rtol=1e-6)


def test_net_module_output_must_match_labels():
    """Check that a module with the wrong number of outputs gets a clear error."""
    X, Y = _data(n=40)
    net = NeuralNetMultiLabelClassifier(TwoOutputs, max_epochs=1, train_split=None, verbose=0)
    with pytest.raises(ValueError, match=r"shape \(40, 2\) for targets of shape \(40, 4\)"):
        net.fit(X, Y)


def test_net_partial_fit_keeps_number_of_labels():
    """Check that training a fitted net further on other labels is refused."""
    X, Y = _data(n=40)
    net = _net(max_epochs=1).fit(X, Y)
    with pytest.raises(ValueError, match="y has 3 labels but the net was fitted with 4"):
        net.partial_fit(X, Y[:, :3])
    net.partial_fit(X, Y)  # same labels: fine
    assert len(net.history) == 2


# ------------------------------------------------------------------------ scikit-learn API


def test_net_default_train_split_is_not_stratified():
    """Check that the default validation split works for multi-label targets."""
    X, Y = _data()
    params = _net().get_params()
    params.pop("train_split")
    net = NeuralNetMultiLabelClassifier(**{**params, "max_epochs": 2}).fit(X, Y)
    assert net.train_split.stratified is False
    assert all(np.isfinite(net.history[:, "valid_loss"]))
    no_split = _net(max_epochs=2).fit(X, Y)
    assert "valid_loss" not in no_split.history[-1]


def test_net_tags_say_multilabel_classifier():
    """Check that the net is a classifier tagged multi-label."""
    net = _net()
    assert is_classifier(net)
    assert net._estimator_type == "classifier"
    tags = get_tags(net)
    assert tags.estimator_type == "classifier"
    assert tags.classifier_tags.multi_label is True
    assert tags.classifier_tags.multi_class is False
    assert tags.target_tags.multi_output is True


def test_net_clone_and_pickle_round_trip():
    """Check that clone copies the parameters and pickle keeps predict_proba identical."""
    X, Y = _data()
    net = _net(threshold=[0.3, 0.4, 0.5, 0.6], criterion=CompatibleTverskyLoss,
               criterion__alpha=0.3).fit(X, Y)
    cloned = clone(net)
    assert not hasattr(cloned, "module_")
    params = cloned.get_params()
    assert params["threshold"] == [0.3, 0.4, 0.5, 0.6]
    assert params["criterion__alpha"] == 0.3 and params["module__hidden"] == 16
    cloned.fit(X, Y)
    assert cloned.predict_proba(X).shape == Y.shape

    restored = pickle.loads(pickle.dumps(net))
    np.testing.assert_array_equal(restored.predict_proba(X), net.predict_proba(X))
    np.testing.assert_array_equal(restored.predict(X), net.predict(X))
    np.testing.assert_array_equal(restored.classes_, net.classes_)


def test_net_in_pipeline_with_grid_search_f1_micro():
    """Check Pipeline + GridSearchCV(scoring='f1_micro') over lr and module__hidden."""
    X, Y = _data()
    pipe = Pipeline([("scale", StandardScaler()), ("net", _net(max_epochs=8))])
    grid = GridSearchCV(pipe, {"net__lr": [0.001, 0.05], "net__module__hidden": [4, 16]},
                        scoring="f1_micro", cv=2)
    grid.fit(X, Y)
    assert set(grid.best_params_) == {"net__lr", "net__module__hidden"}
    assert grid.cv_results_["mean_test_score"].shape == (4,)
    assert np.all(np.isfinite(grid.cv_results_["mean_test_score"]))
    assert grid.best_params_["net__lr"] == 0.05  # 8 epochs at lr=0.001 barely move
    assert grid.predict(X).shape == Y.shape
    assert grid.best_estimator_[-1].module_.layers[0].out_features \
        == grid.best_params_["net__module__hidden"]


def test_net_wrapped_by_threshold_optimized_classifier():
    """Check ThresholdOptimizedClassifier(net, cv=3): fits, predicts, thresholds agree."""
    X, Y = _data(n=200)
    clf = ThresholdOptimizedClassifier(_net(), cv=3, random_state=0).fit(X, Y)
    assert clf.thresholds_.shape == (N_LABELS,)
    assert isinstance(clf.estimator_, NeuralNetMultiLabelClassifier)
    pred = clf.predict(X)
    assert pred.shape == Y.shape
    proba = clf.predict_proba(X)
    np.testing.assert_array_equal(pred, (proba >= clf.thresholds_).astype(int))
    # the learned thresholds plugged into the net give the same predictions
    net = clf.estimator_.set_params(threshold=clf.thresholds_)
    np.testing.assert_array_equal(net.predict(X), pred)


@requires_cuda
def test_net_cuda_fit_predict_and_pickle():
    """Check training on CUDA, numpy outputs, and a pickle round trip."""
    X, Y = _data()
    net = _net(device="cuda").fit(X, Y)
    assert next(net.module_.parameters()).is_cuda
    proba = net.predict_proba(X)
    assert isinstance(proba, np.ndarray) and proba.shape == Y.shape
    restored = pickle.loads(pickle.dumps(net))
    np.testing.assert_allclose(restored.predict_proba(X), proba, rtol=1e-6)


# ---------------------------------------------------------------------------- MultiLabelMLP


@pytest.mark.parametrize("hidden, n_linear", [(0, 1), (8, 2), ((8, 4), 3)])
def test_mlp_layers(hidden, n_linear):
    """Check that hidden gives a linear model, one or several hidden layers."""
    module = MultiLabelMLP(5, 3, hidden=hidden, dropout=0.2)
    linears = [m for m in module.modules() if isinstance(m, torch.nn.Linear)]
    assert len(linears) == n_linear
    assert linears[0].in_features == 5 and linears[-1].out_features == 3
    assert tuple(module(torch.zeros(2, 5)).shape) == (2, 3)


@pytest.mark.parametrize(
    "kwargs, err_msg",
    [
        ({"n_features": 0}, "n_features must be a positive int"),
        ({"n_labels": 2.5}, "n_labels must be a positive int"),
        ({"hidden": (8, -1)}, "hidden must be a positive int"),
        ({"dropout": 1.0}, r"dropout must be a float in \[0, 1\)"),
    ],
)
def test_mlp_invalid_arguments(kwargs, err_msg):
    """Check that invalid MultiLabelMLP arguments raise a ValueError naming them."""
    with pytest.raises(ValueError, match=err_msg):
        MultiLabelMLP(**{"n_features": 4, "n_labels": 2, **kwargs})
