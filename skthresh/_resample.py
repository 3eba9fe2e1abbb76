"""Audio at another sampling rate, resampled one way for every embedder."""

from __future__ import annotations

import math

import numpy as np


def polyphase_factors(rate: int, target: int) -> tuple[int, int]:
    """``(up, down)``: audio at ``rate`` Hz times ``up / down`` is at ``target`` Hz.

    Examples
    --------
    >>> polyphase_factors(44100, 16000)
    (160, 441)
    """
    common = math.gcd(int(rate), int(target))
    return int(target) // common, int(rate) // common


def resample(audio, up: int, down: int) -> np.ndarray:
    """Polyphase resampling (:func:`scipy.signal.resample_poly`) of the last axis, in float64.

    Parameters
    ----------
    audio : array-like
        Waveforms, time on the last axis.
    up, down : int
        The factors of :func:`polyphase_factors`.

    Returns
    -------
    ndarray of float64
    """
    from scipy.signal import resample_poly

    return resample_poly(np.asarray(audio, dtype=np.float64), up, down, axis=-1)
