"""Synthetic multi-label data sets (numpy only): the one home of skthresh's synthetic data.

* :func:`make_multilabel_scores` draws a score matrix and its 0/1 targets that
  look like the output of a trained audio tagger on a validation set, at
  AudioSet scale: a long-tailed (Zipf-like) label prior with about 1-2 %
  positives overall, per-label logit-normal scores with positives higher than
  negatives, a difficulty that varies from label to label, a fraction of hard
  positives per label, and per-label miscalibration (so the best threshold
  differs from label to label, which is what per-label threshold learning is
  for). The benchmarks use it (``python -m benchmarks speed``,
  ``python -m benchmarks scaling``); 15,278 x 527 takes about 0.2 s.
* :func:`make_sound_scenes` draws short audio clips in which several tagged
  sound events (tones, chirps, noise bursts, click trains, sirens) overlap
  over a noisy background, with the multi-label indicator matrix of the
  events present. It is small and fast enough for examples and tests of
  audio-tagging pipelines (embedder, classifier, learned thresholds).
* :func:`make_chords` draws short synthetic chords at CREPE's 16 kHz and which
  notes sound in them, the offline task of
  :class:`~skthresh.audio_models.CrepeEmbedding` (also importable from
  :mod:`skthresh.audio_models`, where it lived first).

None of them needs torch or any download.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params

__all__ = ["make_chords", "make_multilabel_scores", "make_sound_scenes"]


# --------------------------------------------------------------------------
# Score matrices
# --------------------------------------------------------------------------

# Elements generated per chunk: bounds the temporaries (a few float32 arrays of
# this many elements, ~16 MB each) whatever the requested size.
_CHUNK_ELEMENTS = 1 << 22


def _label_prior(n_labels: int, density: float, exponent: float, cap: float) -> np.ndarray:
    """Zipf-like prevalences ``scale / (rank + 1) ** exponent`` capped at ``cap``, mean ``density``.

    The scale is found by bisection so that the mean prevalence (after the cap)
    equals ``density``.
    """
    base = 1.0 / np.arange(1, n_labels + 1, dtype=np.float64) ** exponent
    low, high = 0.0, cap / base[-1]  # at ``high`` every label sits at the cap
    for _ in range(100):
        mid = 0.5 * (low + high)
        if np.minimum(mid * base, cap).mean() < density:
            low = mid
        else:
            high = mid
    return np.minimum(0.5 * (low + high) * base, cap)


def _seed_from(random_state) -> np.random.SeedSequence:
    if random_state is None or isinstance(random_state, Integral):
        return np.random.SeedSequence(random_state)
    if isinstance(random_state, np.random.Generator):
        return np.random.SeedSequence(int(random_state.integers(2**63 - 1)))
    if isinstance(random_state, np.random.RandomState):
        return np.random.SeedSequence(int(random_state.randint(2**31 - 1)))
    raise ValueError(
        f"random_state must be None, an int, a numpy Generator or RandomState, got "
        f"{random_state!r}."
    )


def make_multilabel_scores(
    n_samples=15278,
    n_labels=527,
    *,
    density=0.015,
    separation=3.5,
    dtype=np.float32,
    random_state=None,
    label_random_state=0,
):
    """Draw a realistic multi-label score matrix and its 0/1 targets.

    The matrix mimics a trained audio tagger scored on a validation set
    (AudioSet has 527 labels and 15,278 validation rows in the SGL-Thresh
    paper):

    * **Label prior.** The ``c``-th most frequent label is positive with
      probability ``min(a / (c + 1), 0.5)``, a Zipf law whose scale ``a`` is
      set so the mean prevalence is ``density``. Every label is given at
      least one positive row.
    * **Scores.** Per label, negative rows get logits ``N(b_c, 1)`` and
      positive rows ``N(b_c + d_c, s_c^2)``, then the logistic function.
      The offset ``b_c`` (miscalibration) varies by label, so the best
      threshold differs from label to label; the separation ``d_c`` is
      ``separation`` times a per-label log-normal factor, smaller for rare
      labels (rare labels are harder); a per-label fraction (5 to 25 %) of
      positives are *hard* and get only a quarter of the shift (weak or
      noisy annotations).

    The matrix is generated in row chunks of about four million entries, so
    the temporaries stay around 100 MB whatever the size: a 1,000,000 x 527
    float32 matrix needs its 2.1 GB of scores, 0.5 GB of targets and little
    more.

    Parameters
    ----------
    n_samples : int, default=15278
        Number of rows (1 or more; 1,000 to 1,000,000 is the intended range).
    n_labels : int, default=527
        Number of labels (1 or more; 10 to 5,000 is the intended range).
    density : float, default=0.015
        Mean prevalence of the labels (fraction of positive entries), in
        (0, 0.5].
    separation : float, default=3.5
        Typical distance, in logit units, between the positive and negative
        score distributions of a label (0 gives uninformative scores). With
        the default 3.5 at 15,278 x 527, the mean average precision is about
        0.41 (a good AudioSet tagger: 0.4 to 0.45), the best single shared
        threshold gives a micro-F1 of about 0.46 and tuned per-label thresholds
        about 0.66 on a second draw.
    dtype : numpy dtype, default=np.float32
        Dtype of the scores (``np.float32`` or ``np.float64``).
    random_state : int, numpy Generator, RandomState or None, default=None
        Seed of the rows (targets and scores). The same seeds and sizes give
        the same matrix.
    label_random_state : int, numpy Generator, RandomState or None, default=0
        Seed of the per-label parameters (which labels are frequent, their
        calibration offset, difficulty and hard-positive fraction): the
        "model" that produced the scores. Keep it fixed and change
        ``random_state`` to draw a validation set and an evaluation set of
        the same task.

    Returns
    -------
    scores : ndarray of shape (n_samples, n_labels), dtype ``dtype``
        Scores in (0, 1).
    labels : ndarray of shape (n_samples, n_labels), dtype int8
        0/1 targets.

    Examples
    --------
    >>> from skthresh.datasets import make_multilabel_scores
    >>> scores, labels = make_multilabel_scores(2000, 50, random_state=0)
    >>> scores.shape, scores.dtype, labels.dtype
    ((2000, 50), dtype('float32'), dtype('int8'))
    >>> bool(0.01 < labels.mean() < 0.02)
    True
    >>> bool((labels.sum(axis=0) >= 1).all())
    True
    >>> pos = scores[labels == 1].mean()
    >>> neg = scores[labels == 0].mean()
    >>> bool(pos > neg)
    True
    """
    if not isinstance(n_samples, Integral) or n_samples < 1:
        raise ValueError(f"n_samples must be an int >= 1, got {n_samples!r}.")
    if not isinstance(n_labels, Integral) or n_labels < 1:
        raise ValueError(f"n_labels must be an int >= 1, got {n_labels!r}.")
    if not isinstance(density, Real) or not 0 < density <= 0.5:
        raise ValueError(f"density must be in (0, 0.5], got {density!r}.")
    if not isinstance(separation, Real) or not np.isfinite(separation) or separation < 0:
        raise ValueError(f"separation must be a finite number >= 0, got {separation!r}.")
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}.")
    n_samples, n_labels = int(n_samples), int(n_labels)

    rng = np.random.default_rng(_seed_from(label_random_state))
    row_seed, fix_seed = _seed_from(random_state).spawn(2)

    # Per-label parameters (float32 to keep the per-chunk arithmetic in float32).
    prior = _label_prior(n_labels, float(density), exponent=1.0, cap=0.5)
    rarity = np.log(prior.max() / prior) / max(np.log(prior.max() / prior.min()), 1e-12)
    order = rng.permutation(n_labels)  # frequent labels are not the first columns
    prior, rarity = prior[order], rarity[order]
    offset = rng.normal(-4.0, 0.8, n_labels)  # negatives' mean logit
    shift = separation * np.exp(rng.normal(0.0, 0.3, n_labels)) * (1.0 - 0.35 * rarity)
    pos_spread = rng.uniform(1.0, 1.6, n_labels)
    hard_fraction = rng.uniform(0.05, 0.25, n_labels)
    prior32 = prior.astype(np.float32)
    offset32, shift32 = offset.astype(np.float32), shift.astype(np.float32)
    spread_delta32 = (pos_spread - 1.0).astype(np.float32)

    scores = np.empty((n_samples, n_labels), dtype=dtype)
    labels = np.empty((n_samples, n_labels), dtype=np.int8)
    rows_per_chunk = max(1, _CHUNK_ELEMENTS // n_labels)
    n_chunks = -(-n_samples // rows_per_chunk)
    chunk_rngs = [np.random.default_rng(s) for s in row_seed.spawn(n_chunks)]
    for k, crng in enumerate(chunk_rngs):
        start = k * rows_per_chunk
        stop = min(start + rows_per_chunk, n_samples)
        m = stop - start
        positive = crng.random((m, n_labels), dtype=np.float32) < prior32
        z = crng.standard_normal((m, n_labels), dtype=np.float32)
        # Positives: wider spread, and the class shift (a quarter of it if hard).
        z *= 1.0 + positive * spread_delta32
        z += offset32
        rows, cols = np.nonzero(positive)
        hard = crng.random(rows.size) < hard_fraction[cols]
        z[rows, cols] += np.where(hard, 0.25, 1.0).astype(np.float32) * shift32[cols]
        # Logistic function in place: 1 / (1 + exp(-z)).
        np.negative(z, out=z)
        np.exp(z, out=z)
        z += 1.0
        np.reciprocal(z, out=z)
        scores[start:stop] = z
        labels[start:stop] = positive

    # Every label gets at least one positive: a label never seen positive has
    # no threshold to learn. Its score is then drawn from its positive law.
    empty = np.flatnonzero(~labels.any(axis=0))
    if empty.size:
        rng = np.random.default_rng(fix_seed)
        rows = rng.integers(0, n_samples, empty.size)
        labels[rows, empty] = 1
        logit = offset[empty] + shift[empty] + pos_spread[empty] * rng.standard_normal(empty.size)
        scores[rows, empty] = 1.0 / (1.0 + np.exp(-logit))
    return scores, labels


# --------------------------------------------------------------------------
# Sound scenes
# --------------------------------------------------------------------------

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


# --------------------------------------------------------------------------
# Chords
# --------------------------------------------------------------------------

def make_chords(n_clips: int, *, notes: Sequence[float] = tuple(range(60, 72)),
                note_weights: Sequence[float] | None = None, max_notes: int = 3,
                sr: int = 16000, duration: float = 0.5, n_harmonics: int = 6,
                level_db: tuple[float, float] = (-12.0, 0.0),
                snr_db: tuple[float, float] = (0.0, 20.0),
                random_state=None) -> tuple[np.ndarray, np.ndarray]:
    """Short synthetic chords and which notes sound in them (multi-label).

    Each clip sounds 1 to ``max_notes`` distinct notes (as many clips of each
    count) drawn from ``notes`` without replacement, uniformly or with
    probabilities proportional to ``note_weights``. A note is a harmonic
    tone: ``n_harmonics`` partials of random phases and a random timbre
    (amplitudes ``~ 1/k`` scaled by a uniform factor in ``[0.5, 1]``),
    detuned by up to 10 cents, at a level drawn uniformly in ``level_db``,
    with 20 ms fades. White noise is added at a signal-to-noise ratio drawn
    uniformly in ``snr_db``. Clips are scaled to a peak of 0.9. Only numpy is
    needed; the output is a deterministic function of ``random_state``.

    Parameters
    ----------
    n_clips : int
        Number of clips.
    notes : sequence of float, default=MIDI 60 to 71 (C4 to B4)
        MIDI note numbers (``69`` is A4, 440 Hz); one label per note.
    note_weights : sequence of float, optional
        One positive weight per note: heavier notes sound more often (for
        instance the notes of a key against its accidentals). Uniform if None.
    max_notes : int, default=3
        Largest number of notes per clip.
    sr : int, default=16000
        Sampling rate in Hz (CREPE's).
    duration : float, default=0.5
        Clip length in seconds.
    n_harmonics : int, default=6
        Partials per note (those above the Nyquist frequency are dropped).
    level_db : (float, float), default=(-12.0, 0.0)
        Range of each note's level, in dB relative to a full-scale tone: the
        wider, the more often a quiet note hides under louder ones.
    snr_db : (float, float), default=(0.0, 20.0)
        Range of the signal-to-noise ratio, in dB.
    random_state : int, RandomState instance or None, default=None
        Seed.

    Returns
    -------
    X : ndarray of shape (n_clips, int(sr * duration)), float32
        Waveforms.
    Y : ndarray of shape (n_clips, len(notes)), int
        ``Y[i, j] = 1`` when note ``notes[j]`` sounds in clip ``i``.

    Examples
    --------
    >>> from skthresh.datasets import make_chords
    >>> X, Y = make_chords(4, random_state=0)
    >>> X.shape, Y.shape, Y.sum(axis=1).tolist()
    ((4, 8000), (4, 12), [1, 3, 3, 2])
    """
    notes = np.asarray(notes, dtype=float)
    if notes.ndim != 1 or notes.size < 1:
        raise ValueError("notes must be a non-empty 1-D sequence of MIDI note numbers.")
    if not isinstance(n_clips, Integral) or n_clips < 1:
        raise ValueError(f"n_clips must be a positive integer; got {n_clips!r}.")
    if not isinstance(max_notes, Integral) or not 1 <= max_notes <= notes.size:
        raise ValueError(f"max_notes must be an integer in [1, {notes.size}]; got {max_notes!r}.")
    if not isinstance(duration, Real) or duration <= 0:
        raise ValueError(f"duration must be positive; got {duration!r}.")
    if note_weights is None:
        p = None
    else:
        p = np.asarray(note_weights, dtype=float)
        if p.shape != notes.shape or not np.all(p > 0):
            raise ValueError(f"note_weights needs one positive weight per note ({notes.size}).")
        p = p / p.sum()
    rng = check_random_state(random_state)
    n_samples = int(sr * duration)
    t = np.arange(n_samples) / sr
    fade = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.02)
    k = np.arange(1, n_harmonics + 1)
    X = np.empty((n_clips, n_samples), dtype=np.float32)
    Y = np.zeros((n_clips, notes.size), dtype=int)
    for i in range(n_clips):
        chosen = rng.choice(notes.size, size=rng.randint(1, max_notes + 1), replace=False,
                            p=p)
        Y[i, chosen] = 1
        clip = np.zeros(n_samples)
        for j in chosen:
            cents = rng.uniform(-10.0, 10.0)
            f0 = 440.0 * 2.0 ** ((notes[j] - 69.0 + cents / 100.0) / 12.0)
            amps = rng.uniform(0.5, 1.0, size=n_harmonics) / k * (k * f0 < sr / 2)
            phases = rng.uniform(0, 2 * np.pi, size=n_harmonics)
            tone = (amps[:, None] * np.sin(2 * np.pi * f0 * k[:, None] * t + phases[:, None]))
            tone = tone.sum(axis=0)
            clip += 10.0 ** (rng.uniform(*level_db) / 20.0) * tone / np.abs(tone).max()
        clip *= fade
        snr = rng.uniform(*snr_db)
        noise = rng.normal(size=n_samples) * np.sqrt(np.mean(clip ** 2) / 10.0 ** (snr / 10.0))
        clip += noise
        X[i] = 0.9 * clip / np.abs(clip).max()
    return X, Y
