"""A small log-mel front end written with torch ops only (no torchaudio).

Used by the audio-tagging example: :class:`LogMelSpectrogram`
turns waveforms ``(..., time)`` into log-mel spectrograms
``(..., n_mels, frames)`` with :func:`torch.stft` and a triangular mel
filterbank (:func:`mel_filterbank`, HTK mel scale). It has no trainable
weights, so it can be the first layer of a network that a
:class:`~skthresh.TorchEmbedder` runs on raw clips.
"""

from __future__ import annotations

import math

import torch

__all__ = ["LogMelSpectrogram", "hz_to_mel", "mel_filterbank", "mel_to_hz"]


def hz_to_mel(freq):
    """HTK mel scale: ``2595 log10(1 + f / 700)``; floats or tensors."""
    if isinstance(freq, torch.Tensor):
        return 2595.0 * torch.log10(1.0 + freq / 700.0)
    return 2595.0 * math.log10(1.0 + freq / 700.0)


def mel_to_hz(mel):
    """Inverse of :func:`hz_to_mel`; floats or tensors."""
    if isinstance(mel, torch.Tensor):
        return 700.0 * (10.0 ** (mel / 2595.0) - 1.0)
    return 700.0 * (10.0 ** (mel / 2595.0) - 1.0)


def mel_filterbank(n_freqs: int, n_mels: int, sr: float, fmin: float = 0.0,
                   fmax: float | None = None, *, dtype=torch.float32) -> torch.Tensor:
    """Triangular mel filters as an ``(n_mels, n_freqs)`` matrix.

    ``n_mels + 2`` edge frequencies are spaced evenly on the mel scale from
    ``fmin`` to ``fmax``; filter ``m`` rises linearly (in Hz) from edge ``m``
    to 1 at edge ``m + 1`` and falls back to 0 at edge ``m + 2``. Rows are
    not area-normalised (peak 1).

    Parameters
    ----------
    n_freqs : int
        Number of STFT frequency bins, ``n_fft // 2 + 1``.
    n_mels : int
        Number of mel bands.
    sr : float
        Sample rate in Hz.
    fmin, fmax : float
        Lowest and highest edge in Hz; ``fmax=None`` means ``sr / 2``.
    dtype : torch.dtype, default=torch.float32

    Returns
    -------
    fb : Tensor of shape (n_mels, n_freqs)

    Examples
    --------
    >>> fb = mel_filterbank(129, 20, sr=8000)
    >>> tuple(fb.shape), float(fb.max())
    ((20, 129), 1.0)
    """
    fmax = sr / 2.0 if fmax is None else fmax
    if not 0.0 <= fmin < fmax <= sr / 2.0:
        raise ValueError(f"Need 0 <= fmin < fmax <= sr / 2; got fmin={fmin}, fmax={fmax}, "
                         f"sr={sr}.")
    if n_mels < 1 or n_freqs < 2:
        raise ValueError(f"Need n_mels >= 1 and n_freqs >= 2; got {n_mels} and {n_freqs}.")
    freqs = torch.linspace(0.0, sr / 2.0, n_freqs, dtype=torch.float64)
    mels = torch.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2, dtype=torch.float64)
    edges = mel_to_hz(mels)
    low, center, high = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (freqs[None, :] - low) / (center - low)
    falling = (high - freqs[None, :]) / (high - center)
    fb = torch.clamp(torch.minimum(rising, falling), min=0.0)
    # a band narrower than one bin would be empty: give it its nearest bin
    empty = fb.sum(dim=1) == 0
    if empty.any():
        nearest = torch.argmin(torch.abs(freqs[None, :] - center[empty]), dim=1)
        fb[empty.nonzero().flatten(), nearest] = 1.0
    fb = fb / fb.max(dim=1, keepdim=True).values
    return fb.to(dtype)


class LogMelSpectrogram(torch.nn.Module):
    """Waveforms ``(..., time)`` to log-mel spectrograms ``(..., n_mels, frames)``.

    Power STFT (Hann window, centred frames) through a triangular mel
    filterbank, then ``log(mel + eps)``. No trainable weights; the window and
    the filterbank are non-persistent buffers (they follow ``.to(device)`` and
    are not in the ``state_dict``).

    Parameters
    ----------
    sr : int, default=8000
        Sample rate in Hz.
    n_fft : int, default=256
        FFT size (and window length).
    hop_length : int, default=None
        Hop between frames; ``None`` means ``n_fft // 2``.
    n_mels : int, default=40
        Number of mel bands.
    fmin, fmax : float, default=50.0, None
        Frequency range of the filterbank; ``fmax=None`` means ``sr / 2``.
    eps : float, default=1e-6
        Floor added before the logarithm.

    Examples
    --------
    >>> import torch
    >>> frontend = LogMelSpectrogram(sr=8000, n_fft=256, n_mels=32)
    >>> tuple(frontend(torch.zeros(2, 8000)).shape)
    (2, 32, 63)
    """

    def __init__(self, sr: int = 8000, n_fft: int = 256, hop_length: int | None = None,
                 n_mels: int = 40, fmin: float = 50.0, fmax: float | None = None,
                 eps: float = 1e-6) -> None:
        super().__init__()
        self.sr, self.n_fft, self.n_mels, self.eps = sr, n_fft, n_mels, eps
        self.hop_length = n_fft // 2 if hop_length is None else hop_length
        self.register_buffer("window", torch.hann_window(n_fft), persistent=False)
        self.register_buffer("fb", mel_filterbank(n_fft // 2 + 1, n_mels, sr, fmin, fmax),
                             persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Log-mel spectrograms ``(..., n_mels, 1 + time // hop_length)`` of ``(..., time)``.

        Clips need at least ``n_fft // 2 + 1`` samples: the frames are
        centred, with reflection padding of ``n_fft // 2`` on each side.
        """
        shape = x.shape
        shortest = self.n_fft // 2 + 1
        if x.dim() < 1 or shape[-1] < shortest:
            got = ("a 0-dimensional tensor" if x.dim() < 1 else
                   f"clips of {shape[-1]} samples (shape {tuple(shape)})")
            raise ValueError(
                f"LogMelSpectrogram needs waveforms (..., time) of at least n_fft // 2 + 1 = "
                f"{shortest} samples (centred frames, reflection padding of n_fft // 2); got "
                f"{got}." + (" Empty clips have nothing to show: drop them."
                             if x.dim() >= 1 and shape[-1] == 0 else "")
            )
        n_frames = 1 + shape[-1] // self.hop_length
        if x.numel() == 0:  # no clips: an empty batch of spectrograms
            return x.new_empty((*shape[:-1], self.n_mels, n_frames))
        flat = x.reshape(-1, shape[-1])
        spec = torch.stft(flat, self.n_fft, hop_length=self.hop_length,
                          window=self.window.to(flat.dtype), center=True,
                          return_complex=True)
        power = spec.real**2 + spec.imag**2
        mel = torch.matmul(self.fb.to(power.dtype), power)
        out = torch.log(mel + self.eps)
        return out.reshape(*shape[:-1], self.n_mels, out.shape[-1])

    def extra_repr(self) -> str:
        return (f"sr={self.sr}, n_fft={self.n_fft}, hop_length={self.hop_length}, "
                f"n_mels={self.n_mels}")
