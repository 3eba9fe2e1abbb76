"""Synthetic multi-label data sets (numpy only).

:func:`make_sound_scenes` draws short audio clips in which several tagged
sound events (tones, chirps, noise bursts, click trains, sirens) overlap over a
noisy background, with the multi-label indicator matrix of the events present.
It is small and fast enough for examples and tests of audio-tagging pipelines
(embedder, classifier, learned thresholds) and needs neither torch nor any
download.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params

from ._score_generator import make_multilabel_scores

__all__ = ["make_multilabel_scores", "make_sound_scenes"]

# The five event families; class ``k`` is of family ``_FAMILIES[k % 5]``.
_FAMILIES = ("tone", "chirp", "noise", "clicks", "siren")
_GOLDEN = 0.6180339887498949
_FADE_S = 0.01  # fade in and out of every event (seconds), no hard onsets


def _class_params(k: int, sr: int) -> dict:
    """Fixed parameters of class ``k``: depend on ``k`` and ``sr`` only.

    Base frequencies span about 3.5 octaves from 220 Hz: the five families
    start in different bands and the variants of one family (``k // 5``) step
    by the golden ratio of that range, so they sit far apart. They are capped
    at 40 % of ``sr`` (below Nyquist).
    """
    family = _FAMILIES[k % len(_FAMILIES)]
    variant = k // len(_FAMILIES)
    top = 0.4 * sr
    # families start 0.2 apart; variants of one family step by the golden ratio
    position = (0.1 + 0.2 * (k % len(_FAMILIES)) + _GOLDEN * variant) % 1.0
    f0 = min(220.0 * 2.0 ** (3.5 * position), top / 2.0)
    params = {"family": family, "f0": f0}
    if family == "chirp":
        direction = 1.0 if variant % 2 == 0 else -1.0
        params["f1"] = min(f0 * 2.0 ** (1.5 * direction), top)
    elif family == "noise":
        params["band"] = (f0 / 1.4, min(f0 * 1.4, top))
    elif family == "clicks":
        params["rate"] = 6.0 + 5.0 * ((variant * _GOLDEN) % 1.0)  # clicks per second
        params["f0"] = min(4.0 * f0, top)  # ringing frequency of each click
    elif family == "siren":
        params["rate"] = 2.0 + 3.0 * ((variant * _GOLDEN + 0.5) % 1.0)  # modulation (Hz)
    return params


def _class_name(params: dict) -> str:
    family, f0 = params["family"], params["f0"]
    if family == "chirp":
        way = "up" if params["f1"] > f0 else "down"
        return f"chirp_{way}_{f0:.0f}Hz"
    if family == "clicks":
        return f"clicks_{params['rate']:.0f}Hz_ring{f0:.0f}Hz"
    return f"{family}_{f0:.0f}Hz"


def _bandpass_noise(rng, n: int, sr: int, low: float, high: float) -> np.ndarray:
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1.0 / sr)
    spectrum[(freqs < low) | (freqs > high)] = 0.0
    return np.fft.irfft(spectrum, n)


def _event(rng, params: dict, n: int, sr: int) -> np.ndarray:
    """One event of ``n`` samples, RMS 1, with a random +-4 % frequency jitter."""
    t = np.arange(n) / sr
    jitter = 1.0 + rng.uniform(-0.04, 0.04)
    f0 = params["f0"] * jitter
    family = params["family"]
    if family == "tone":  # harmonic tone: fundamental and two weaker harmonics
        phase = rng.uniform(0, 2 * np.pi)
        x = sum(a * np.sin(2 * np.pi * h * f0 * t + phase) for h, a in ((1, 1.0), (2, 0.5),
                                                                         (3, 0.25))
                if h * f0 < 0.45 * sr)
    elif family == "chirp":  # linear sweep from f0 to f1 over the event
        f1 = params["f1"] * jitter
        duration = n / sr
        x = np.sin(2 * np.pi * (f0 * t + 0.5 * (f1 - f0) * t**2 / duration))
    elif family == "noise":
        low, high = params["band"]
        x = _bandpass_noise(rng, n, sr, low * jitter, min(high * jitter, 0.49 * sr))
    elif family == "clicks":  # a train of short damped ringing clicks
        x = np.zeros(n)
        period = int(sr / (params["rate"] * jitter))
        ring = np.arange(int(0.01 * sr)) / sr
        click = np.exp(-ring * 600.0) * np.sin(2 * np.pi * f0 * ring)
        for start in range(int(rng.integers(0, max(period, 1))), n, max(period, 1)):
            stop = min(start + click.size, n)
            x[start:stop] += click[: stop - start]
    else:  # siren: frequency-modulated tone
        depth = 0.25 * f0
        rate = params["rate"]
        x = np.sin(2 * np.pi * f0 * t - depth / rate * np.cos(2 * np.pi * rate * t))
    x = np.asarray(x, dtype=np.float64)
    fade = min(int(_FADE_S * sr), n // 2)
    if fade > 0:
        ramp = np.linspace(0.0, 1.0, fade)
        x[:fade] *= ramp
        x[n - fade:] *= ramp[::-1]
    rms = np.sqrt(np.mean(x**2))
    return x / rms if rms > 0 else x


def _background(rng, n: int, sr: int) -> np.ndarray:
    """Pink-ish noise plus, in half of the clips, a mains hum; RMS 1."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1.0 / sr)
    spectrum /= np.sqrt(np.maximum(freqs, 20.0))
    x = np.fft.irfft(spectrum, n)
    x /= np.sqrt(np.mean(x**2))
    if rng.random() < 0.5:
        hum = rng.choice([50.0, 60.0])
        x += rng.uniform(0.2, 0.8) * np.sin(2 * np.pi * hum * np.arange(n) / sr)
    return x / np.sqrt(np.mean(x**2))


@validate_params(
    {
        "n_clips": [Interval(Integral, 1, None, closed="left")],
        "n_classes": [Interval(Integral, 1, None, closed="left")],
        "sr": [Interval(Integral, 1000, None, closed="left")],
        "duration": [Interval(Real, 0.1, None, closed="left")],
        "snr_db": [tuple, list],
        "label_priors": ["array-like", None],
        "return_names": ["boolean"],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_sound_scenes(n_clips=200, n_classes=6, *, sr=8000, duration=1.0,
                      snr_db=(-10.0, 10.0), label_priors=None, return_names=False,
                      random_state=None):
    """Generate a multi-label set of short synthetic sound scenes.

    Each clip is a background (pink-ish noise, and a mains hum in half of the
    clips) over which the events of its tags are mixed at random onsets,
    durations and loudness. Events overlap freely. There are five event
    families, and class ``k`` is of family ``k % 5``:

    * ``tone``: a harmonic tone (fundamental and two harmonics);
    * ``chirp``: a linear frequency sweep (up, or down for ``k // 5`` odd);
    * ``noise``: a band of noise about 1 octave wide;
    * ``clicks``: a train of short ringing clicks at a few clicks per second;
    * ``siren``: a frequency-modulated tone.

    Classes of one family differ by their frequency band. Class parameters
    depend only on ``k`` and ``sr``, never on ``random_state``, so clips drawn
    with different seeds (a training and a test set) share their classes.
    Every event has a random frequency jitter of +-4 % and a signal-to-noise
    ratio drawn uniformly from ``snr_db``, so quiet events are hard to hear.

    Read more in :ref:`audio`.

    Parameters
    ----------
    n_clips : int, default=200
        Number of clips.
    n_classes : int, default=6
        Number of tag classes (labels).
    sr : int, default=8000
        Sample rate in Hz (at least 1000).
    duration : float, default=1.0
        Length of each clip in seconds (at least 0.1).
    snr_db : tuple of two floats, default=(-10.0, 10.0)
        Range of the event-to-background ratio, in dB of RMS, drawn uniformly
        for each event.
    label_priors : array-like of shape (n_classes,), default=None
        Probability that each tag is present in a clip. ``None`` spreads them
        geometrically from 0.35 (class 0) to 0.06 (last class), an imbalanced
        multi-label problem where the best threshold differs per label.
    return_names : bool, default=False
        Also return the class names.
    random_state : int, RandomState instance or None, default=None
        Seeds the clips (labels, onsets, levels, noise).

    Returns
    -------
    waveforms : ndarray of shape (n_clips, round(sr * duration)), dtype float32
        The clips, with peak amplitude at most 1.
    Y : ndarray of shape (n_clips, n_classes), dtype int64
        ``Y[i, k] = 1`` when an event of class ``k`` sounds in clip ``i``.
    names : list of str
        Class names such as ``"tone_440Hz"``; only with ``return_names=True``.

    Examples
    --------
    >>> from skthresh.datasets import make_sound_scenes
    >>> waveforms, Y = make_sound_scenes(n_clips=4, n_classes=3, sr=4000, duration=0.5,
    ...                                  random_state=0)
    >>> waveforms.shape, waveforms.dtype, Y.shape
    ((4, 2000), dtype('float32'), (4, 3))
    """
    if len(snr_db) != 2 or not all(isinstance(v, Real) for v in snr_db) \
            or snr_db[0] > snr_db[1]:
        raise ValueError(f"snr_db must be a pair (low, high) of numbers with low <= high, "
                         f"got {snr_db!r}.")
    if label_priors is None:
        priors = np.geomspace(0.35, 0.06, n_classes) if n_classes > 1 else np.array([0.35])
    else:
        priors = np.asarray(label_priors, dtype=np.float64)
        if priors.shape != (n_classes,) or not np.all((priors >= 0) & (priors <= 1)):
            raise ValueError(
                f"label_priors must hold n_classes={n_classes} probabilities in [0, 1], "
                f"got shape {priors.shape} with values {priors!r}."
            )
    rng = check_random_state(random_state)
    rng = np.random.default_rng(rng.randint(2**31 - 1))
    n = int(round(sr * duration))
    params = [_class_params(k, sr) for k in range(n_classes)]

    Y = (rng.random((n_clips, n_classes)) < priors).astype(np.int64)
    waveforms = np.empty((n_clips, n), dtype=np.float32)
    min_len = max(int(0.15 * n), int(2 * _FADE_S * sr) + 1)
    for i in range(n_clips):
        level = 0.02 * 10.0 ** rng.uniform(0.0, 0.7)  # background RMS
        clip = level * _background(rng, n, sr)
        for k in np.flatnonzero(Y[i]):
            length = int(rng.integers(min_len, max(min_len, int(0.6 * n)) + 1))
            length = min(length, n)
            start = int(rng.integers(0, n - length + 1))
            gain = level * 10.0 ** (rng.uniform(*snr_db) / 20.0)
            clip[start:start + length] += gain * _event(rng, params[k], length, sr)
        peak = np.max(np.abs(clip))
        if peak > 1.0:
            clip /= peak
        waveforms[i] = clip
    if return_names:
        return waveforms, Y, [_class_name(p) for p in params]
    return waveforms, Y
