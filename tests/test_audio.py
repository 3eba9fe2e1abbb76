"""Tests of the torch log-mel front end (skthresh.audio)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from skthresh.audio import LogMelSpectrogram, hz_to_mel, mel_filterbank, mel_to_hz


def test_mel_scale_round_trip():
    """Check that mel_to_hz inverts hz_to_mel, for floats and tensors."""
    assert hz_to_mel(700.0) == pytest.approx(2595.0 * np.log10(2.0))
    freqs = torch.tensor([0.0, 100.0, 1000.0, 4000.0], dtype=torch.float64)
    torch.testing.assert_close(mel_to_hz(hz_to_mel(freqs)), freqs)
    assert mel_to_hz(hz_to_mel(440.0)) == pytest.approx(440.0)


def test_mel_filterbank_is_triangular_and_ordered():
    """Check non-negative triangles with peak 1, increasing centres, covering the range."""
    fb = mel_filterbank(129, 24, sr=8000, fmin=50.0)
    assert fb.shape == (24, 129) and fb.dtype == torch.float32
    assert fb.min() >= 0 and torch.allclose(fb.max(dim=1).values, torch.ones(24))
    centres = fb.argmax(dim=1)
    assert torch.all(centres[1:] >= centres[:-1])
    # each filter is one contiguous bump
    for row in fb:
        nonzero = torch.nonzero(row).flatten()
        assert nonzero.numel() >= 1
        assert nonzero[-1] - nonzero[0] + 1 == nonzero.numel()
    # bins between the first and last centre are covered
    covered = fb.sum(dim=0)
    assert torch.all(covered[centres[0]:centres[-1] + 1] > 0)


@pytest.mark.parametrize("kwargs, err_msg", [
    ({"fmin": 5000.0}, "fmin < fmax"), ({"n_mels": 0}, "n_mels >= 1")])
def test_mel_filterbank_invalid(kwargs, err_msg):
    with pytest.raises(ValueError, match=err_msg):
        mel_filterbank(**{"n_freqs": 129, "n_mels": 10, "sr": 8000, **kwargs})


@pytest.mark.parametrize("freq", [300.0, 1000.0, 2500.0])
def test_log_mel_peaks_at_the_tone(freq):
    """Check that a pure tone's energy lands in the mel band centred nearest to it."""
    sr = 8000
    frontend = LogMelSpectrogram(sr=sr, n_fft=256, n_mels=32, fmin=50.0)
    t = torch.arange(sr // 2) / sr
    out = frontend(torch.sin(2 * torch.pi * freq * t))
    assert out.shape == (32, sr // 2 // 128 + 1)
    band = int(out.mean(dim=-1).argmax())
    centres_hz = mel_to_hz(torch.linspace(hz_to_mel(50.0), hz_to_mel(sr / 2), 34))[1:-1]
    assert band == int(torch.argmin(torch.abs(centres_hz - freq)))


def test_log_mel_batch_shapes_and_state_dict():
    """Check (..., time) -> (..., n_mels, frames) and that it has no saved state."""
    frontend = LogMelSpectrogram(sr=8000, n_fft=128, hop_length=64, n_mels=16)
    x = torch.randn(3, 2, 1000)
    out = frontend(x)
    assert out.shape == (3, 2, 16, 1000 // 64 + 1)
    torch.testing.assert_close(out[1, 0], frontend(x[1, 0]))
    assert dict(frontend.state_dict()) == {}
    assert not list(frontend.parameters())
    silent = frontend(torch.zeros(1, 1000))
    torch.testing.assert_close(silent, torch.full_like(silent, float(np.log(1e-6))))
    with pytest.raises(ValueError, match=r"waveforms \(\.\.\., time\)"):
        frontend(torch.zeros(3, 1))


@pytest.mark.parametrize("n_samples", [0, 1, 64])
def test_logmel_refuses_clips_shorter_than_half_a_window(n_samples):
    """Check a clear error, instead of torch.stft's padding error, for short or empty clips."""
    frontend = LogMelSpectrogram(sr=8000, n_fft=128, hop_length=64, n_mels=16)
    with pytest.raises(ValueError, match=rf"at least n_fft // 2 \+ 1 = 65 samples .*got clips "
                                         rf"of {n_samples} samples \(shape \(3, {n_samples}\)\)"):
        frontend(torch.zeros(3, n_samples))
    assert frontend(torch.zeros(3, 65)).shape == (3, 16, 2)


def test_logmel_of_no_clips_is_empty():
    frontend = LogMelSpectrogram(sr=8000, n_fft=128, hop_length=64, n_mels=16)
    assert frontend(torch.zeros(0, 1000)).shape == (0, 16, 1000 // 64 + 1)
