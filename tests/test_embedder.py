"""Tests of TorchEmbedder: a frozen torch module as a scikit-learn transformer."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skthresh import ThresholdOptimizedClassifier
from skthresh._embedder import TorchEmbedder
from skthresh.audio import LogMelSpectrogram
from skthresh.datasets import make_sound_scenes
from skthresh.exceptions import SkthreshWarning
from skthresh.skorch import MultiLabelMLP, NeuralNetMultiLabelClassifier

from ._helpers import requires_cuda


# Modules live at module level so that they pickle.
class TinyCNN(torch.nn.Module):
    """(n, 1, time) clips -> (n, 4) embeddings; counts its forward calls."""

    def __init__(self, dropout=0.0):
        super().__init__()
        self.conv = torch.nn.Conv1d(1, 4, kernel_size=5, stride=2)
        self.dropout = torch.nn.Dropout(dropout)
        self.calls = 0
        self.seen = []  # (training, inference mode, grad mode) during forward

    def forward(self, x):
        self.calls += 1
        self.seen.append((self.training, torch.is_inference_mode_enabled(),
                          torch.is_grad_enabled()))
        return self.dropout(torch.relu(self.conv(x)).mean(dim=-1))


class SumOverTime(torch.nn.Module):
    """(n, channels, time) -> (n, channels): the sum over time, to see the padding."""

    def forward(self, x):
        return x.sum(dim=-1)


class FrameLevel(torch.nn.Module):
    """(n, 1, time) -> (n, 3, frames): frame-level outputs that grow with the clip."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv1d(1, 3, kernel_size=4, stride=4)

    def forward(self, x):
        return self.conv(x)


class DictOutput(torch.nn.Module):
    def forward(self, x):
        return {"embedding": x.mean(dim=-1), "clipwise_output": x.amax(dim=-1)}


class TupleOutput(torch.nn.Module):
    def forward(self, x):
        return x.mean(dim=-1), x.amax(dim=-1)


class TinyAudioNet(torch.nn.Module):
    """A 'pretrained' tagger: a trunk (the embedder) and a head."""

    def __init__(self, n_labels=3):
        super().__init__()
        self.trunk = torch.nn.Sequential(
            torch.nn.Conv1d(1, 6, kernel_size=8, stride=4), torch.nn.ReLU(),
            torch.nn.AdaptiveAvgPool1d(1), torch.nn.Flatten())
        self.head = torch.nn.Linear(6, n_labels)

    def forward(self, x):
        return self.head(self.trunk(x))


def tiny_audio_net(pretrained=False, checkpoint=None, **kwargs):
    """A torch.hub/timm-style constructor that loads weights from a local file only."""
    model = TinyAudioNet(**kwargs)
    if pretrained:
        model.load_state_dict(torch.load(checkpoint, map_location="cpu", weights_only=True))
    return model


class MeanStdPool(torch.nn.Module):
    """(n, n_mels, frames) -> (n, 2 n_mels): mean and std of each band over time."""

    def forward(self, x):
        return torch.cat([x.mean(dim=-1), x.std(dim=-1)], dim=-1)


def _clips(n=10, length=64, seed=0):
    return np.random.default_rng(seed).normal(size=(n, 1, length)).astype(np.float32)


def _reference(module, X):
    module.eval()
    with torch.no_grad():
        return module(torch.as_tensor(X, dtype=torch.float32)).numpy()


# ------------------------------------------------------------------------------- transform


@pytest.mark.parametrize("batch_size", [1, 3, 64])
def test_embedder_transform_matches_module(batch_size):
    """Check that transform equals the module's forward, whatever the batch size."""
    X = _clips()
    module = TinyCNN()
    emb = TorchEmbedder(module, batch_size=batch_size).fit(X)
    out = emb.transform(X)
    assert isinstance(out, np.ndarray) and out.shape == (10, 4) and out.dtype == np.float32
    np.testing.assert_allclose(out, _reference(module, X), rtol=1e-5, atol=1e-6)
    assert module.calls == -(-10 // batch_size) + 1  # the batches, and the reference call


def test_embedder_fit_only_validates():
    """Check that fit runs no forward pass and records the input shape."""
    module = TinyCNN()
    emb = TorchEmbedder(module).fit(_clips())
    assert module.calls == 0
    assert emb.input_shape_ == (1, 64)
    assert emb.device_ == torch.device("cpu")
    assert not hasattr(emb, "n_features_in_")
    emb2 = TorchEmbedder(SumOverTime()).fit(np.zeros((5, 7)))
    assert emb2.n_features_in_ == 7 and emb2.input_shape_ == (7,)


def test_embedder_eval_mode_inference_mode_and_mode_restored():
    """Check eval mode, inference mode, no grad, deterministic dropout, mode restored."""
    X = _clips()
    module = TinyCNN(dropout=0.5)
    module.train()
    emb = TorchEmbedder(module, batch_size=4).fit(X)
    first, second = emb.transform(X), emb.transform(X)
    np.testing.assert_array_equal(first, second)  # dropout is off in eval mode
    assert set(module.seen) == {(False, True, False)}
    assert module.training  # the caller's mode is restored
    assert all(p.grad is None for p in module.parameters())


def test_embedder_accepts_tensors_and_other_lengths():
    """Check torch tensor input, and clips of another length than in fit."""
    X = _clips()
    module = TinyCNN()
    emb = TorchEmbedder(module).fit(X)
    np.testing.assert_allclose(emb.transform(torch.as_tensor(X)), emb.transform(X))
    longer = _clips(length=100)
    np.testing.assert_allclose(emb.transform(longer), _reference(module, longer),
                               rtol=1e-5, atol=1e-6)


def test_embedder_tuple_output_takes_first_and_dict_output_errors():
    """Check that a tuple output gives its first element and a dict a clear TypeError."""
    X = _clips(n=4)
    out = TorchEmbedder(TupleOutput()).fit_transform(X)
    np.testing.assert_allclose(out, X.mean(axis=-1), rtol=1e-6)
    with pytest.raises(TypeError, match=r"dict with keys \['clipwise_output', 'embedding'\]"):
        TorchEmbedder(DictOutput()).fit_transform(X)


def test_embedder_flattens_extra_output_dims():
    """Check that pooling=None flattens (n, 3, frames) outputs to (n, 3 * frames)."""
    X = _clips(n=5, length=32)
    module = FrameLevel()
    out = TorchEmbedder(module).fit_transform(X)
    assert out.shape == (5, 3 * 8)
    np.testing.assert_allclose(out, _reference(module, X).reshape(5, -1), rtol=1e-5)


@pytest.mark.parametrize("pooling, reduce", [("mean", np.mean), ("max", np.max)])
def test_embedder_pools_output_time_axis(pooling, reduce):
    """Check that pooling='mean'/'max' pools the last axis of frame-level outputs."""
    X = _clips(n=5, length=32)
    module = FrameLevel()
    out = TorchEmbedder(module, pooling=pooling).fit_transform(X)
    np.testing.assert_allclose(out, reduce(_reference(module, X), axis=-1), rtol=1e-5,
                               atol=1e-6)


# ------------------------------------------------------------------ variable-length clips


def test_embedder_pads_variable_length_clips_per_batch():
    """Check the padding policy: sort by length, pad each batch to its longest clip.

    With a module that sums over time, padding with ``pad_value`` adds
    ``pad_value * (longest in batch - length)`` to each clip's output.
    """
    lengths = [5, 9, 2, 7, 9, 3]
    rng = np.random.default_rng(0)
    clips = [rng.normal(size=(2, n)).astype(np.float32) for n in lengths]
    sums = np.stack([c.sum(axis=-1) for c in clips])
    # batch_size=1: no padding at all
    np.testing.assert_allclose(TorchEmbedder(SumOverTime(), batch_size=1).fit_transform(clips),
                               sums, rtol=1e-5, atol=1e-6)
    # batch_size=2 on lengths sorted (2, 3), (5, 7), (9, 9): the longest of each pair
    out = TorchEmbedder(SumOverTime(), batch_size=2, pad_value=1.0).fit_transform(clips)
    longest = {5: 7, 9: 9, 2: 3, 7: 7, 3: 3}
    expected = sums + np.array([longest[n] - n for n in lengths], dtype=float)[:, None]
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)  # and in input order


@pytest.mark.parametrize("pooling", ["mean", "max"])
def test_embedder_pooling_runs_clips_unpadded(pooling):
    """Check that with pooling, each clip's output equals the module on that clip alone."""
    rng = np.random.default_rng(1)
    clips = [rng.normal(size=(1, n)).astype(np.float32) for n in (40, 64, 40, 24, 64)]
    module = FrameLevel()
    out = TorchEmbedder(module, pooling=pooling, batch_size=8).fit_transform(clips)
    reduce = np.mean if pooling == "mean" else np.max
    expected = np.stack([reduce(_reference(module, c[None]), axis=-1)[0] for c in clips])
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def test_embedder_variable_length_outputs_need_pooling():
    """Check the error when flattened outputs differ in size across batches."""
    clips = [np.zeros((1, n), dtype=np.float32) for n in (16, 32)]
    with pytest.raises(ValueError, match="depends on the clip length. Use pooling='mean'"):
        TorchEmbedder(FrameLevel(), batch_size=1).fit_transform(clips)


def test_embedder_1d_clips_in_a_list():
    """Check lists of 1-D clips (time only) of different lengths."""
    clips = [np.ones(n, dtype=np.float32) for n in (3, 5, 4)]
    module = torch.nn.Sequential(torch.nn.Unflatten(1, (1, -1)), SumOverTime())
    out = TorchEmbedder(module, batch_size=3).fit_transform(clips)
    np.testing.assert_allclose(out[:, 0], [3, 5, 4])  # zero padding leaves the sums


# ------------------------------------------------------------------------------ errors


def test_embedder_module_failure_is_a_value_error_naming_shapes():
    """Check that a forward RuntimeError becomes a ValueError naming the input shape."""
    X = np.zeros((6, 2, 64), dtype=np.float32)  # 2 channels, the conv expects 1
    emb = TorchEmbedder(TinyCNN(), batch_size=4).fit(X)
    with pytest.raises(ValueError, match=r"failed on batch 1 of input shape \(4, 2, 64\)") as info:
        emb.transform(X)
    assert isinstance(info.value.__cause__, RuntimeError)


@pytest.mark.parametrize(
    "X_fit, X_transform, err_msg",
    [
        (_clips(), np.zeros((3, 2, 64)), r"inputs of shape \(2, 64\) but .* fitted on inputs "
                                         r"of shape \(1, 64\)"),
        (_clips(), np.zeros((3, 64)), r"only the last \(time\) axis may differ"),
        ([np.zeros((1, 5)), np.zeros((1, 8))], [np.zeros((2, 5))], r"fitted on inputs of "
                                                                   r"shape \(1, None\)"),
    ],
)
def test_embedder_transform_checks_shape_against_fit(X_fit, X_transform, err_msg):
    """Check that transform refuses inputs whose non-time axes differ from fit."""
    emb = TorchEmbedder(TinyCNN()).fit(X_fit)
    with pytest.raises(ValueError, match=err_msg):
        emb.transform(X_transform)


@pytest.mark.parametrize(
    "X, err_msg",
    [
        (np.zeros(10), r"at least 2 dimensions.*shape \(10,\)"),
        (np.zeros((0, 1, 8)), "0 sample"),
        ([], "empty list"),
        (np.zeros((3, 1, 0)), r"X holds 3 empty clip\(s\), of shape \(1, 0\), at row\(s\) "
                              r"\[0, 1, 2\]: there is nothing to embed"),
        ([np.zeros((1, 4)), np.zeros((1, 0)), np.zeros((1, 0))],
         r"X holds 2 empty clip\(s\), of shape \(1, 0\), at row\(s\) \[1, 2\]"),
        ([np.zeros((1, 0))] * 12, r"row\(s\) \[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, \.\.\.\]"),
        ([np.zeros((1, 4)), np.zeros(4)], "same number of dimensions"),
        ([np.zeros((1, 4)), np.zeros((2, 4))], "differ in length"),
        (np.array([["a", "b"]]), "real numeric"),
        (np.where(_clips() > 2, np.nan, _clips()), "X contains NaN or infinite values"),
        ([np.zeros((1, 4)), np.full((1, 6), np.inf)], "X contains NaN or infinite values"),
    ],
)
def test_embedder_fit_rejects_bad_input(X, err_msg):
    """Check clear errors for inputs that cannot be embedded."""
    with pytest.raises(ValueError, match=err_msg):
        TorchEmbedder(TinyCNN()).fit(X)


@pytest.mark.parametrize(
    "params, err_type, err_msg",
    [
        ({"batch_size": 0}, InvalidParameterError, "batch_size"),
        ({"pooling": "median"}, InvalidParameterError, "pooling"),
        ({"dtype": "int32"}, ValueError, "dtype must be a floating torch dtype"),
        ({"device": "gpu"}, ValueError, "device must be 'auto', 'cpu'"),
        ({"pad_value": float("nan")}, ValueError, "pad_value must be a finite number"),
        ({"module": "not a module"}, InvalidParameterError, "module"),
    ],
)
def test_embedder_invalid_parameters(params, err_type, err_msg):
    """Check parameter validation in fit (not in __init__)."""
    emb = TorchEmbedder(TinyCNN()).set_params(**params)
    with pytest.raises(err_type, match=err_msg):
        emb.fit(_clips())


def test_embedder_cuda_without_cuda_is_a_clear_error(monkeypatch):
    """Check that device='cuda' without CUDA raises, and 'auto' falls back to the CPU."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match="asks for CUDA, but CUDA is not available"):
        TorchEmbedder(TinyCNN(), device="cuda").fit(_clips())
    emb = TorchEmbedder(TinyCNN(), device="auto").fit(_clips())
    assert emb.device_ == torch.device("cpu")
    assert emb.transform(_clips()).shape == (10, 4)


@pytest.mark.parametrize("device", ["mps", torch.device("mps"), "meta", "xla"])
def test_embedder_unsupported_device_refused_in_fit_and_transform(device):
    """Check that a device type other than CPU/CUDA fails in fit, and in transform after set_params.

    fit used to accept device='mps' and only transform failed; both now refuse it up front
    with the resolver's message, which names the device.
    """
    kind = torch.device(device).type
    msg = rf"device.*'{kind}'.* not supported.* use 'cpu', 'cuda', 'cuda:<index>' or 'auto'"
    with pytest.raises(ValueError, match=msg):
        TorchEmbedder(TinyCNN(), device=device).fit(_clips())
    module = TinyCNN()
    emb = TorchEmbedder(module).fit(_clips()).set_params(device=device)
    with pytest.raises(ValueError, match=msg):
        emb.transform(_clips())
    assert module.calls == 0  # refused before the module ran


def test_embedder_parameters_set_after_fit_are_checked_in_transform():
    """Check that transform re-checks dtype and pad_value changed by set_params after fit."""
    emb = TorchEmbedder(TinyCNN()).fit(_clips())
    with pytest.raises(ValueError, match="dtype must be a floating torch dtype"):
        emb.set_params(dtype="int64").transform(_clips())
    with pytest.raises(ValueError, match="pad_value must be a finite number"):
        emb.set_params(dtype="float32", pad_value=float("inf")).transform(_clips())


def test_embedder_nonfinite_inputs_and_outputs_raise():
    """Check that NaN inputs at transform and NaN or overflowing outputs raise, not NaN rows."""
    emb = TorchEmbedder(SumOverTime()).fit(_clips())
    with pytest.raises(ValueError, match="X contains NaN or infinite values"):
        emb.transform(np.full((2, 1, 64), np.nan, dtype=np.float32))
    huge = np.full((2, 1, 64), 6e4, dtype=np.float32)  # the sum overflows float16 (max 65504)
    with pytest.raises(ValueError, match=r"returned NaN or infinite values on batch 1 .*half "
                                         r"precision overflowed, use dtype='float32'"):
        emb.set_params(dtype="float16").transform(huge)
    assert np.isfinite(emb.set_params(dtype="float32").transform(huge)).all()


# --------------------------------------------------------------------- clone, pickle, verbose


def test_embedder_clone_copies_module():
    """Check that clone deep-copies the module with equal weights."""
    module = TinyCNN()
    emb = TorchEmbedder(module, batch_size=5, pooling="mean")
    cloned = clone(emb)
    assert cloned.module is not module
    assert cloned.get_params()["batch_size"] == 5 and cloned.pooling == "mean"
    for a, b in zip(module.parameters(), cloned.module.parameters()):
        torch.testing.assert_close(a, b)
    assert not hasattr(cloned, "input_shape_")


def test_embedder_pickle_round_trip_keeps_weights():
    """Check that a pickled embedder gives identical embeddings, with a CPU module."""
    X = _clips()
    emb = TorchEmbedder(TinyCNN(), batch_size=4).fit(X)
    expected = emb.transform(X)
    blob = pickle.dumps(emb)
    restored = pickle.loads(blob)
    np.testing.assert_array_equal(restored.transform(X), expected)
    assert all(p.device.type == "cpu" for p in restored.module.parameters())
    assert restored.input_shape_ == emb.input_shape_


def test_embedder_pickled_for_cuda_loads_on_cpu_only_machine(monkeypatch):
    """Check that an embedder saved with device='cuda' loads and runs without CUDA."""
    X = _clips()
    emb = TorchEmbedder(TinyCNN(), device="cuda")  # __init__ stores, does not check
    reference = _reference(emb.module, X)
    blob = pickle.dumps(emb)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.warns(SkthreshWarning, match="CUDA is not available here") as record:
        restored = pickle.loads(blob)
    assert [w.filename for w in record] == [__file__]  # the line that loaded it
    assert restored.device == "cpu"
    np.testing.assert_allclose(restored.fit(X).transform(X), reference, rtol=1e-5, atol=1e-6)


def test_embedder_verbose_progress_bar(capsys):
    """Check that verbose prints progress on stdout (scikit-learn's way), silent by default."""
    X = _clips()
    TorchEmbedder(TinyCNN(), batch_size=4).fit(X).transform(X)
    assert capsys.readouterr() == ("", "")
    TorchEmbedder(TinyCNN(), batch_size=4, verbose=1).fit(X).transform(X)
    out = capsys.readouterr().out
    assert "TorchEmbedder:" in out and "3/3 batches" in out


@requires_cuda
def test_embedder_cuda_matches_cpu_and_pickles_to_cpu():
    """Check CUDA embeddings against the CPU ones, and that pickles map to the CPU."""
    X = _clips()
    module = TinyCNN()
    cpu = TorchEmbedder(module).fit_transform(X)
    emb = TorchEmbedder(module, device="cuda").fit(X)
    out = emb.transform(X)
    assert next(module.parameters()).is_cuda
    np.testing.assert_allclose(out, cpu, rtol=1e-4, atol=1e-5)
    restored = pickle.loads(pickle.dumps(emb))
    assert all(p.device.type == "cpu" for p in restored.module.parameters())
    np.testing.assert_allclose(restored.set_params(device="cpu").transform(X), cpu, rtol=1e-5,
                               atol=1e-6)


# ------------------------------------------------------------------ pretrained checkpoints


def test_embedder_from_checkpoint_file(tmp_path):
    """Check the documented recipe: state_dict saved to a file, loaded, trunk embedded."""
    X = _clips(length=128)
    trained = TinyAudioNet()
    path = tmp_path / "tiny_audio_net.pt"
    torch.save(trained.state_dict(), path)

    fresh = TinyAudioNet()
    fresh.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    out = TorchEmbedder(fresh.trunk).fit_transform(X)
    np.testing.assert_allclose(out, _reference(trained.trunk, X), rtol=1e-5, atol=1e-6)

    # a torch.hub / timm-style constructor pointed at the local file
    hub_like = tiny_audio_net(pretrained=True, checkpoint=path)
    np.testing.assert_allclose(TorchEmbedder(hub_like.trunk).fit_transform(X), out, rtol=1e-6)
    # an untrained model differs: the weights really came from the file
    assert not np.allclose(TorchEmbedder(TinyAudioNet().trunk).fit_transform(X), out)


# ------------------------------------------------------------------------------- pipelines


def test_embedder_pipeline_with_threshold_classifier_and_net():
    """Check Pipeline([TorchEmbedder, ThresholdOptimizedClassifier(net or OvR-LR)])."""
    waveforms, Y = make_sound_scenes(90, 3, sr=4000, duration=0.25, random_state=0)
    X = waveforms[:, None, :]
    for estimator in (
        OneVsRestClassifier(LogisticRegression(max_iter=200)),
        NeuralNetMultiLabelClassifier(MultiLabelMLP, module__n_features=6, module__n_labels=3,
                                      module__hidden=8, max_epochs=3, train_split=None,
                                      verbose=0),
    ):
        pipe = Pipeline([("emb", TorchEmbedder(TinyAudioNet().trunk)),
                         ("clf", ThresholdOptimizedClassifier(estimator, cv=3,
                                                              optimizer="coordinate"))])
        pipe.fit(X, Y)
        assert pipe.predict(X).shape == Y.shape
        assert pipe[-1].thresholds_.shape == (3,)
        assert pipe.predict_proba(X).shape == Y.shape


def test_embedder_pipeline_beats_half_thresholds_on_sound_scenes():
    """Check that learned thresholds beat 0.5 on held-out micro-F1 of synthetic scenes.

    The frozen embedder is a log-mel front end followed by the mean and the
    standard deviation of each band over time; a regularised one-vs-rest
    logistic regression is under-confident on the rare, quiet tags, where
    thresholds below 0.5 pay off.
    """
    scenes = dict(n_classes=10, sr=8000, duration=0.5, snr_db=(-15.0, 5.0))
    X_train, Y_train = make_sound_scenes(600, random_state=0, **scenes)
    X_test, Y_test = make_sound_scenes(600, random_state=100, **scenes)
    frozen = torch.nn.Sequential(LogMelSpectrogram(sr=8000, n_fft=256, n_mels=32),
                                 MeanStdPool())
    pipe = Pipeline([
        ("emb", TorchEmbedder(frozen, batch_size=200)),
        ("scale", StandardScaler()),
        ("clf", ThresholdOptimizedClassifier(
            OneVsRestClassifier(LogisticRegression(C=0.1, max_iter=500)), cv=3,
            random_state=0)),
    ]).fit(X_train, Y_train)
    proba = pipe.predict_proba(X_test)
    f1_half = f1_score(Y_test, proba >= 0.5, average="micro")
    f1_learned = f1_score(Y_test, pipe.predict(X_test), average="micro")
    assert f1_learned > f1_half + 0.01
    assert np.median(pipe[-1].thresholds_) < 0.5
