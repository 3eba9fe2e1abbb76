"""Synthetic multi-label score matrices at AudioSet scale.

:func:`make_multilabel_scores` draws a score matrix and its 0/1 targets that
look like the output of a trained audio tagger on a validation set: a
long-tailed (Zipf-like) label prior with about 1-2 % positives overall,
per-label logit-normal scores with positives higher than negatives, a
difficulty that varies from label to label, a fraction of hard positives
per label, and per-label miscalibration (so the best threshold differs from
label to label, which is what per-label threshold learning is for).

Public as :func:`skthresh.datasets.make_multilabel_scores`; used by the
benchmarks (``python -m benchmarks speed``, ``python -m benchmarks scaling``). Needs only
numpy: 15,278 x 527 takes about 0.2 s.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np

__all__ = ["make_multilabel_scores"]

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
