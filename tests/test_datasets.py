"""Tests of skthresh.datasets: make_sound_scenes, make_multilabel_scores, make_chords."""

from __future__ import annotations

import numpy as np
import pytest

from skthresh.datasets import _class_params, make_chords, make_sound_scenes


def _band_power(waveforms, sr, low, high):
    """Mean power of each clip between ``low`` and ``high`` Hz."""
    spectrum = np.abs(np.fft.rfft(waveforms, axis=1)) ** 2
    freqs = np.fft.rfftfreq(waveforms.shape[1], 1.0 / sr)
    return spectrum[:, (freqs >= low) & (freqs <= high)].mean(axis=1)


def test_make_sound_scenes_shapes_dtypes_and_range():
    """Check shapes, dtypes, 0/1 labels and a peak amplitude of at most 1."""
    waveforms, Y = make_sound_scenes(n_clips=30, n_classes=7, sr=4000, duration=0.75,
                                     random_state=0)
    assert waveforms.shape == (30, 3000) and waveforms.dtype == np.float32
    assert Y.shape == (30, 7) and Y.dtype == np.int64
    assert set(np.unique(Y)) <= {0, 1}
    assert np.all(np.isfinite(waveforms)) and np.abs(waveforms).max() <= 1.0
    assert np.all(waveforms.std(axis=1) > 0)  # every clip has a background


def test_make_sound_scenes_is_seeded_and_classes_do_not_depend_on_seed():
    """Check determinism, and that two seeds give other clips over the same classes."""
    a = make_sound_scenes(20, 6, random_state=3, return_names=True)
    b = make_sound_scenes(20, 6, random_state=3, return_names=True)
    c = make_sound_scenes(20, 6, random_state=4, return_names=True)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])
    assert a[2] == c[2]
    assert len(set(a[2])) == 6
    # classes are indexed in families: tone, chirp, noise, clicks, siren, tone...
    assert [name.split("_")[0] for name in a[2]] == ["tone", "chirp", "noise", "clicks",
                                                     "siren", "tone"]
    # class k is the same whatever n_classes
    assert make_sound_scenes(2, 3, return_names=True)[2] == a[2][:3]


def test_make_sound_scenes_label_priors():
    """Check that tag frequencies follow the default imbalanced priors and custom ones."""
    _, Y = make_sound_scenes(800, 5, sr=2000, duration=0.2, random_state=0)
    expected = np.geomspace(0.35, 0.06, 5)
    np.testing.assert_allclose(Y.mean(axis=0), expected, atol=0.05)
    assert Y.mean(axis=0)[0] > Y.mean(axis=0)[-1]
    _, Y = make_sound_scenes(50, 3, sr=2000, duration=0.2, label_priors=[1.0, 0.0, 1.0],
                             random_state=0)
    np.testing.assert_array_equal(Y, np.tile([1, 0, 1], (50, 1)))


def test_make_sound_scenes_events_are_audible_in_their_band():
    """Check that a tone tag puts energy at its frequency, over the background.

    Class 0 is a harmonic tone; its clips have more power around its
    fundamental than clips without it (all events loud: snr_db=(10, 10)).
    """
    sr = 8000
    waveforms, Y, names = make_sound_scenes(200, 2, sr=sr, duration=0.5, snr_db=(10.0, 10.0),
                                            return_names=True, random_state=0)
    f0 = float(names[0].split("_")[1].removesuffix("Hz"))
    power = _band_power(waveforms, sr, 0.9 * f0, 1.1 * f0)
    with_tag, without = power[Y[:, 0] == 1], power[Y[:, 0] == 0]
    assert np.median(with_tag) > 10 * np.median(without)
    # quieter events: less power in the band
    quiet = make_sound_scenes(200, 2, sr=sr, duration=0.5, snr_db=(-10.0, -10.0),
                              random_state=0)[0]
    assert np.median(_band_power(quiet, sr, 0.9 * f0, 1.1 * f0)[Y[:, 0] == 1]) \
        < np.median(with_tag)


@pytest.mark.parametrize("sr", [2000, 8000, 16000])
def test_make_sound_scenes_class_frequencies_below_nyquist(sr):
    """Check that every class frequency stays at or below 40 % of the sample rate."""
    for k in range(15):
        params = _class_params(k, sr)
        freqs = [params["f0"], params.get("f1", 0.0), *params.get("band", ())]
        assert max(freqs) <= 0.4 * sr, (k, params)
        assert min(f for f in freqs if f > 0) >= 50.0


@pytest.mark.parametrize(
    "kwargs, err_msg",
    [
        ({"n_clips": 0}, "n_clips"),
        ({"sr": 500}, "sr"),
        ({"duration": 0.01}, "duration"),
        ({"snr_db": (5.0, -5.0)}, r"snr_db must be a pair \(low, high\)"),
        ({"snr_db": (1.0, 2.0, 3.0)}, "snr_db must be a pair"),
        ({"label_priors": [0.5, 0.5]}, "label_priors must hold n_classes=3"),
        ({"label_priors": [0.5, 0.5, 1.5]}, r"probabilities in \[0, 1\]"),
    ],
)
def test_make_sound_scenes_invalid_arguments(kwargs, err_msg):
    """Check clear errors for invalid arguments."""
    with pytest.raises(ValueError, match=err_msg):
        make_sound_scenes(**{"n_clips": 2, "n_classes": 3, **kwargs})


def test_make_multilabel_scores_shapes_density_and_seed():
    """Check shapes, dtype, a long-tailed density near the request, and seeding."""
    from skthresh.datasets import make_multilabel_scores

    scores, labels = make_multilabel_scores(n_samples=3000, n_labels=100, density=0.015,
                                            random_state=0)
    assert scores.shape == labels.shape == (3000, 100)
    assert scores.dtype == np.float32 and np.isfinite(scores).all()
    assert 0.008 < labels.mean() < 0.025
    prevalence = labels.mean(axis=0)
    assert prevalence.max() > 10 * max(prevalence.min(), 1e-4)  # long tail
    # positives score higher than negatives on average, label by label
    has_both = (prevalence > 0) & (prevalence < 1)
    pos = np.nanmean(np.where(labels == 1, scores, np.nan), axis=0)[has_both]
    neg = np.nanmean(np.where(labels == 0, scores, np.nan), axis=0)[has_both]
    assert (pos > neg).mean() > 0.9
    again, _ = make_multilabel_scores(n_samples=3000, n_labels=100, density=0.015,
                                      random_state=0)
    np.testing.assert_array_equal(scores, again)


def test_make_chords_shapes_and_labels():
    """Check that make_chords (numpy only) gives clips peaking at 0.9 and 1 to max_notes notes."""
    X, Y = make_chords(30, notes=[57, 60, 64, 67], max_notes=2, sr=8000, duration=0.1,
                       random_state=0)
    assert X.shape == (30, 800) and X.dtype == np.float32
    assert Y.shape == (30, 4)
    np.testing.assert_allclose(np.abs(X).max(axis=1), 0.9, rtol=1e-6)
    assert set(Y.sum(axis=1).tolist()) == {1, 2}
    with pytest.raises(ValueError, match=r"max_notes must be an integer in \[1, 4\]"):
        make_chords(2, notes=[57, 60, 64, 67], max_notes=5)


def test_synthetic_data_has_one_home():
    """Check that the older import path gives the very function of skthresh.datasets."""
    from skthresh import datasets

    pytest.importorskip("torch")
    from skthresh import audio_models

    assert audio_models.make_chords is datasets.make_chords
    assert "make_chords" in audio_models.__all__
