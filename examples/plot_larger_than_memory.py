"""
==========================================
Thresholds from scores on disk, in chunks
==========================================

A tagger scored on a million validation clips leaves a score matrix of
gigabytes. :class:`~skthresh.SGLThresholdOptimizer` and
:class:`~skthresh.CoordinateThresholdOptimizer` do not need it in memory:
given a NumPy memory map (``np.load(path, mmap_mode="r")``), ``fit`` reads
it in chunks, and ``partial_fit`` takes chunks as they come (see
:ref:`larger_than_memory`).

Here the matrix is small (200,000 x 50, 40 MB of float32 scores) so that the
example runs in seconds, and we can compare with the fit in memory: the SGL
thresholds are identical, the coordinate ones are close but not identical
(from scores read in chunks it considers fewer cuts).
"""

# %%
# Scores and labels in ``.npy`` files
# -----------------------------------
# :func:`~skthresh.datasets.make_multilabel_scores` draws tagger-like scores
# (float32) and 0/1 labels (int8, one byte per entry). We save them, then open
# both files as read-only memory maps: nothing is read until it is used.
import logging
import sys
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from skthresh import CoordinateThresholdOptimizer, SGLThresholdOptimizer
from skthresh.datasets import make_multilabel_scores
from skthresh.metrics import f1_score

scores, labels = make_multilabel_scores(
    200_000, 50, density=0.05, random_state=0)
folder = tempfile.TemporaryDirectory()
scores_file = Path(folder.name) / "scores.npy"
labels_file = Path(folder.name) / "labels.npy"
np.save(scores_file, scores)
np.save(labels_file, labels)

y_score = np.load(scores_file, mmap_mode="r")
y_true = np.load(labels_file, mmap_mode="r")
print(type(y_score).__name__, y_score.shape, y_score.dtype)
print(type(y_true).__name__, y_true.shape, y_true.dtype)

# %%
# Fit on the memory map
# ---------------------
# ``fit`` makes two passes over the map: a strided sample of the rows chooses
# each label's bins (here the sample is every row: 10 million scores are
# fewer than about 2**25), then every chunk adds its counts. The ``skthresh``
# logger reports each pass (``verbose=1`` would write the chunks to stderr).
log = logging.getLogger("skthresh")
handler = logging.StreamHandler(sys.stdout)
log.addHandler(handler)
log.setLevel(logging.INFO)

sgl_map = SGLThresholdOptimizer().fit(y_score, y_true)

log.removeHandler(handler)
log.setLevel(logging.NOTSET)

# %%
# The same fits in memory
# -----------------------
# When the sample holds every row, SGL's bins and counts are those of the fit
# in memory, and so are its thresholds, bit for bit. The coordinate optimizer
# in memory tries every cut of every label; from chunks it tries the cuts at
# its ``n_bins=4096`` bin boundaries and the shared candidates only, so with
# 200,000 rows its thresholds differ a little.
sgl_mem = SGLThresholdOptimizer().fit(scores, labels)
coord_map = CoordinateThresholdOptimizer().fit(y_score, y_true)
coord_mem = CoordinateThresholdOptimizer().fit(scores, labels)

# a second draw of the same "model": held-out rows
test_scores, test_labels = make_multilabel_scores(
    50_000, 50, density=0.05, random_state=1)


def micro_f1(opt):
    """Micro-F1 of the thresholds of ``opt``, held out."""
    pred = opt.predict(test_scores)
    return f1_score(test_labels, pred, average="micro")


fits = {"SGL": (sgl_mem, sgl_map),
        "coordinate": (coord_mem, coord_map)}
for name, (mem, mapped) in fits.items():
    diff = np.abs(mem.thresholds_ - mapped.thresholds_)
    n_diff = np.count_nonzero(diff)
    print(f"{name}: {n_diff} of 50 thresholds differ, "
          f"by at most {diff.max():.2e}")
    print(f"  tuning micro-F1:   {mem.best_score_:.4f} in "
          f"memory, {mapped.best_score_:.4f} memory map")
    print(f"  held-out micro-F1: {micro_f1(mem):.4f} in "
          f"memory, {micro_f1(mapped):.4f} memory map")

# %%
# ``best_score_`` of a memory-map fit is the micro-F1 of its thresholds on
# all 200,000 rows, counted exactly (with ``shrinkage=0``, the default):
pred = coord_map.predict(scores)
recounted = f1_score(labels, pred, average="micro")
print(f"best_score_ {coord_map.best_score_:.6f}, "
      f"recounted {recounted:.6f}")

# %%
# The thresholds, label by label
# ------------------------------
# The difference between each threshold learned on the memory map and in
# memory: zero for SGL; small shifts for the coordinate optimizer, whose
# bin boundaries here are about 49 rows apart (200,000 rows, 4096 bins).
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.axhline(0, color="0.8", lw=1)
for (name, (mem, mapped)), marker in zip(fits.items(), "ox"):
    delta = mapped.thresholds_ - mem.thresholds_
    ax.plot(delta, marker, mfc="none", label=name)
ax.set_xlabel("label")
ax.set_ylabel("memory map - in memory")
ax.set_title("Threshold differences")
ax.legend()
fig.tight_layout()

# %%
# Chunks one at a time: ``partial_fit``
# -------------------------------------
# When the scores come batch by batch (from a model, or from one file per
# batch), hand each batch to ``partial_fit``: it adds the batch and learns the
# thresholds again from every row seen so far. Until the rows seen hold about
# 2**25 scores (here they always do), it keeps them, and the result is that
# of ``fit`` on those rows; beyond, the bins stay those of the first rows and
# later batches only add counts, so the first batches should be a fair
# (shuffled) sample.
stream = SGLThresholdOptimizer()
for a in range(0, 200_000, 50_000):
    b = a + 50_000
    stream.partial_fit(y_score[a:b], y_true[a:b])
    print(f"after {b:7,} rows: tuning micro-F1 "
          f"{stream.best_score_:.4f}")

same = np.array_equal(stream.thresholds_, sgl_map.thresholds_)
print("same thresholds as fit:", same)

# %%
# Clean up: close the maps before removing the files.
del y_score, y_true
folder.cleanup()
