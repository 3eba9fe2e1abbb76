"""Tests of skthresh.skorch: NeuralNetMultiLabelClassifier and MultiLabelMLP."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import torch
from sklearn.base import clone, is_classifier
from sklearn.metrics import f1_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import get_tags

from skthresh import ThresholdOptimizedClassifier, apply_thresholds
from skthresh.losses import BCEWithJDTLoss, CompatibleTverskyLoss, JaccardMetricLoss
from skthresh.skorch import MultiLabelMLP, NeuralNetMultiLabelClassifier

from ._helpers import requires_cuda

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


def _plain_net(module, **params):
    """A net on another module: no module__ parameters."""
    defaults = dict(optimizer=torch.optim.Adam, lr=0.03, max_epochs=1, batch_size=64,
                    train_split=None, verbose=0)
    return NeuralNetMultiLabelClassifier(module, **{**defaults, **params})


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
        ([0.5, 0.5], ValueError, r"threshold must hold one threshold per label column, shape "
                                 r"\(4,\), .* got shape \(2,\)"),
        (np.full((2, 4), 0.5), ValueError, r"one threshold per label column.*got shape \(2, 4\)"),
        ("high", TypeError, "threshold must be a real number or an array-like of real numbers"),
        (True, TypeError, r"threshold must be a real number.*\(dtype bool\)"),
        (np.nan, ValueError, r"threshold contains NaN \(label column\(s\) \[0, 1, 2, 3\]\)"),
        ([0.5, np.nan, 0.5, 0.5], ValueError,
         r"threshold contains NaN .*\[1\].*never be predicted"),
    ],
)
def test_net_invalid_threshold(threshold, err_type, err_msg):
    """Check that a malformed threshold raises a clear error at predict time."""
    X, Y = _data(n=40)
    net = _net(max_epochs=1).fit(X, Y).set_params(threshold=threshold)
    with pytest.raises(err_type, match=err_msg):
        net.predict(X)


def test_net_threshold_checked_in_fit_before_training():
    """Check that a threshold of the wrong length is refused by fit, before any training."""
    X, Y = _data(n=40)
    net = _net(max_epochs=1, threshold=[0.5, 0.5, 0.5])
    with pytest.raises(ValueError, match=r"threshold must hold one threshold per label column"):
        net.fit(X, Y)
    assert not net.initialized_ and not hasattr(net, "module_")


def test_net_threshold_checked_like_apply_thresholds():
    """Check that the net's threshold and apply_thresholds' thresholds obey one rule."""
    X, Y = _data(n=40)
    net = _net(max_epochs=1).fit(X, Y)
    proba = net.predict_proba(X)
    for bad in ([0.5] * 3, [0.5, np.nan, 0.5, 0.5], "0.5", np.ones((1, 4))):
        with pytest.raises((TypeError, ValueError)) as from_net:
            net.set_params(threshold=bad).predict(X)
        with pytest.raises(type(from_net.value)) as from_function:
            apply_thresholds(proba, bad)
        assert str(from_net.value) == "threshold" + str(from_function.value)[len("thresholds"):]


def test_net_infinite_thresholds_mean_never_and_always():
    """Check that +inf never predicts its label and -inf always does (NaN is refused)."""
    X, Y = _data(n=40)
    net = _net(max_epochs=1, threshold=[np.inf, -np.inf, 0.5, 0.5]).fit(X, Y)
    pred = net.predict(X)
    assert not pred[:, 0].any() and pred[:, 1].all()
    np.testing.assert_array_equal(pred[:, 2:], (net.predict_proba(X)[:, 2:] >= 0.5).astype(int))


# ------------------------------------------------------------------------------ targets


@pytest.mark.parametrize(
    "make_y, err_msg",
    [
        (lambda Y: np.argmax(Y, axis=1), r"2-D multi-label target .* got a 1-D array"),
        (lambda Y: Y * 2, r"y must hold values in \[0, 1\] .*soft targets.*got values in "
                          r"\[0, 2\]"),
        (lambda Y: Y - 0.5, r"y must hold values in \[0, 1\]"),
        (lambda Y: np.where(Y == 1, np.nan, 0.0), "y must hold finite values"),
        (lambda Y: Y.astype(str), r"y must hold numbers: 0/1 labels or soft targets in \[0, 1\]"
                                  r".* dtype <U"),
        (lambda Y: pd.DataFrame(Y).astype("category"),
         r"y must hold numbers: 0/1 labels or soft targets in \[0, 1\].*MultiLabelBinarizer"),
        (lambda Y: np.array([["cat", "dog"][i % 2] for i in range(len(Y))]),
         r"y must hold numbers: 0/1 labels or soft targets in \[0, 1\]"),
        (lambda Y: Y + 0j, r"y must hold numbers.*complex"),
        (lambda Y: Y[:0], r"n_samples >= 1"),
        (lambda Y: Y[:, :, None], r"shape \(n_samples, n_labels\)"),
        (lambda Y: None, "needs y"),
    ],
)
def test_net_fit_rejects_bad_targets(make_y, err_msg):
    """Check that 1-D, out-of-range, non-finite, empty and non-numeric targets are refused."""
    X, Y = _data(n=40)
    with pytest.raises(ValueError, match=err_msg):
        _net(max_epochs=1).fit(X, make_y(Y))


# -------------------------------------------------------------------------------- inputs


def _rows(n=40):
    return np.random.default_rng(1).normal(size=(n, N_FEATURES))


@pytest.mark.parametrize(
    "make_X, err_type, err_msg",
    [
        (lambda X: X[:, :5], ValueError,
         r"X has 5 features, but the module's input layer \(Linear\(in_features=8.*\) takes 8: "
         r"pass X with 8 columns, or build the module for it with module__n_features=5"),
        (lambda X: X[:, 0], ValueError, r"X must be 2-D, \(n_samples, n_features\); got shape "
                                        r"\(40,\)"),
        (lambda X: np.round(X).astype(np.int64), ValueError,
         r"X has integer dtype int64, but the module's input layer .* takes floating-point "
         r"input: pass X.astype\(np.float32\)"),
        (lambda X: X > 0, ValueError, r"X has boolean dtype bool"),
        (lambda X: torch.as_tensor(np.round(X)).long(), ValueError,
         r"X has integer dtype torch.int64.*pass X.float\(\)"),
        (lambda X: pd.DataFrame(np.round(X).astype(int)), ValueError, r"X has integer dtype"),
        (lambda X: sp.csr_matrix(X), TypeError,
         r"X is a scipy sparse matrix, but NeuralNetMultiLabelClassifier needs dense X"),
        (lambda X: np.where(X > 1.5, np.nan, X), ValueError, "X contains NaN or infinite values"),
        (lambda X: torch.as_tensor(np.where(X > 1.5, np.inf, X)), ValueError,
         "X contains NaN or infinite values"),
        (lambda X: X.astype(str), ValueError, r"X must hold real numbers; got dtype <U"),
        (lambda X: X + 1j, ValueError, r"X must hold real numbers; got dtype complex128\.$"),
        (lambda X: X[:30], ValueError, "X has 30 samples but y has 40"),
        (lambda X: [[1.0, 2.0]] * 39 + [[1.0]], ValueError,
         "X is a list that is not a rectangular array"),
    ],
)
def test_net_fit_rejects_bad_X(make_X, err_type, err_msg):
    """Check that X torch would fail on (or compute NaNs from) is refused before training."""
    X, Y = _data(n=40)
    with pytest.raises(err_type, match=err_msg):
        _net(max_epochs=1).fit(make_X(X), Y)


def test_net_checks_features_at_predict_against_fit():
    """Check that predict, predict_proba, forward and partial_fit need fit's number of features."""
    X, Y = _data(n=40)
    net = _net(max_epochs=1).fit(X, Y)
    assert net.n_features_in_ == N_FEATURES
    msg = r"X has 5 features, but NeuralNetMultiLabelClassifier is expecting 8 features"
    for method in (net.predict, net.predict_proba, net.forward):
        with pytest.raises(ValueError, match=msg):
            method(X[:, :5])
    with pytest.raises(ValueError, match=msg):
        net.partial_fit(X[:, :5], Y)
    with pytest.raises(ValueError, match=r"X has shape \(40, 8, 1\), but .* expecting 8"):
        net.predict(X[:, :, None])
    with pytest.raises(ValueError, match="X contains NaN"):
        net.predict(np.full_like(X, np.nan))
    with pytest.raises(ValueError, match="X has no samples"):
        net.predict(X[:0])


def test_net_list_of_rows_and_numeric_dataframe_are_arrays():
    """Check that a list of rows and a DataFrame with integer column names work like the array."""
    X, Y = _data(n=40)
    net = _net(max_epochs=1).fit(X, Y)
    expected = net.predict_proba(X)
    np.testing.assert_allclose(net.predict_proba(X.tolist()), expected, rtol=1e-6)
    np.testing.assert_allclose(net.predict_proba(pd.DataFrame(X)), expected, rtol=1e-6)
    assert _net(max_epochs=1).fit(X.tolist(), Y).n_features_in_ == N_FEATURES


def test_net_checks_module_in_sequential_and_conv_inputs():
    """Check the input checks for a plain Sequential and a convolutional first layer."""
    X, Y = _data(n=40)
    seq = torch.nn.Sequential(torch.nn.Linear(6, 4))
    with pytest.raises(ValueError, match=r"X has 8 features, but .*Linear\(in_features=6.*takes 6: "
                                         r"pass X with 6 columns, or build the module for 8"):
        _plain_net(seq).fit(X, Y)
    conv = torch.nn.Sequential(torch.nn.Conv1d(2, 4, kernel_size=3), torch.nn.AdaptiveAvgPool1d(1),
                               torch.nn.Flatten())
    with pytest.raises(ValueError, match=r"X has 3 channels \(axis 1\), but .*Conv1d\(2, 4"):
        _plain_net(conv).fit(np.zeros((40, 3, 10)), Y)
    with pytest.raises(ValueError, match=r"X has shape \(40, 8\), but .*Conv1d\) takes inputs of "
                                         r"shape \(n_samples, channels, length\)"):
        _plain_net(conv).fit(X, Y)
    net = _plain_net(conv).fit(np.zeros((40, 2, 10), dtype=np.float32), Y)
    assert not hasattr(net, "n_features_in_") and net.predict(np.zeros((3, 2, 12))).shape == (3, 4)


class BagOfTokens(torch.nn.Module):
    """Integer token ids (n, 3) -> mean embedding -> 4 logits."""

    def __init__(self):
        super().__init__()
        self.embed = torch.nn.Embedding(10, 5)
        self.out = torch.nn.Linear(5, N_LABELS)

    def forward(self, X):
        return self.out(self.embed(X).mean(dim=1))


def test_net_integer_X_for_an_embedding_module():
    """Check that integer X reaches an embedding module, and float X is refused for it."""
    X, Y = _data(n=40)
    tokens = np.random.default_rng(0).integers(0, 10, size=(40, 3))
    net = _plain_net(BagOfTokens).fit(tokens, Y)
    assert net.predict(tokens).shape == Y.shape
    seq = torch.nn.Sequential(torch.nn.Embedding(10, N_LABELS), torch.nn.Flatten(0, -1))
    with pytest.raises(ValueError, match=r"X has dtype float64, but .*\(Embedding\) takes integer"):
        _plain_net(seq).fit(X, Y)


class Opaque(torch.nn.Module):
    """A module whose input size cannot be known from outside."""

    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(N_FEATURES, N_LABELS)

    def forward(self, X):
        return self.linear(X)


def test_net_module_failure_names_the_batch():
    """Check that a module failing on X raises a ValueError naming the batch, not torch's error."""
    X, Y = _data(n=40)
    with pytest.raises(ValueError, match=r"The module Opaque failed on a batch of X of shape "
                                         r"\(40, 5\) \(dtype torch.float32, device cpu\): "
                                         r"mat1 and mat2"):
        _plain_net(Opaque).fit(X[:, :5], Y)


def test_net_nonfinite_outputs_are_refused():
    """Check that NaN outputs of a diverged module raise instead of predicting nothing."""
    X, Y = _data(n=40)
    net = _net(max_epochs=1).fit(X, Y)
    with torch.no_grad():
        net.module_.layers[-1].bias[2] = float("nan")
    for method in (net.predict_proba, net.predict):
        with pytest.raises(ValueError, match=r"NaN or infinite outputs \(label column\(s\) "
                                             r"\[2\]\)"):
            method(X)


# -------------------------------------------------------------------------------- device


def test_net_device_goes_through_resolve_device(monkeypatch):
    """Check device: cuda without CUDA, mps and nonsense raise clearly; auto falls back to CPU."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    X, Y = _data(n=40)
    for device, msg in [("cuda", r"device='cuda' asks for CUDA, but CUDA is not available"),
                        ("cuda:1", "CUDA is not available"),
                        ("mps", r"device.*'mps'.* not supported"),
                        (torch.device("meta"), r"device.*'meta'.* not supported"),
                        ("gpu", r"device must be 'auto', 'cpu', 'cuda'")]:
        net = _net(max_epochs=1, device=device)
        with pytest.raises(ValueError, match=msg):
            net.fit(X, Y)
        assert not hasattr(net, "module_")
    net = _net(max_epochs=1, device="auto").fit(X, Y)
    assert net.device == "auto" and net.device_ == torch.device("cpu")
    assert next(net.module_.parameters()).device.type == "cpu"
    restored = pickle.loads(pickle.dumps(net))
    assert restored.device == "auto"
    np.testing.assert_array_equal(restored.predict(X), net.predict(X))
    assert clone(net).get_params()["device"] == "auto"
    with pytest.raises(ValueError, match="CUDA is not available"):
        net.set_params(device="cuda").predict(X)


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
