"""
===========================================
Learning thresholds from soft (vote) labels
===========================================

Annotators disagree: a clip tagged "dog" by 2 of 3 listeners is not the same
as one tagged by all three. :class:`~skthresh.SGLThresholdOptimizer` accepts
such soft targets in [0, 1] and learns thresholds against them with the JDT
confusion counts (``TP = sum(h * y)`` for hard predictions ``h``), instead of
throwing the agreement away with a majority vote.

Here three simulated annotators label each clip; we learn thresholds on the
vote fractions and on the majority vote, and compare them on held-out clips
with both the soft-label F1 and the F1 against the majority vote.
"""

# %%
# Simulated scores and annotator votes
import matplotlib.pyplot as plt
import numpy as np

from skthresh import SGLThresholdOptimizer
from skthresh.metrics import f1_score

rng = np.random.default_rng(0)
n_clips, n_labels, n_annotators = 4000, 12, 3
prior = np.linspace(0.02, 0.3, n_labels)
salience = rng.random((n_clips, n_labels))  # how audible the event is
present = rng.random((n_clips, n_labels)) < prior
# an annotator hears a present event with a probability that grows with salience
p_hear = np.where(present, 0.35 + 0.65 * salience, 0.03)
votes = (rng.random((n_annotators, n_clips, n_labels)) < p_hear).mean(axis=0)
scores = 1 / (1 + np.exp(-(3.0 * votes + rng.normal(-2.0, 0.8, votes.shape))))
majority = (votes >= 0.5).astype(int)

train, test = slice(0, 2000), slice(2000, None)

# %%
# Thresholds from the soft targets and from the majority vote
soft_fit = SGLThresholdOptimizer(device="cpu").fit(scores[train], votes[train])
hard_fit = SGLThresholdOptimizer(device="cpu").fit(scores[train], majority[train])

rows = []
for name, opt in [("soft targets", soft_fit), ("majority vote", hard_fit)]:
    pred = opt.predict(scores[test])
    rows.append((name,
                 f1_score(votes[test], pred, average="micro"),
                 f1_score(majority[test], pred, average="micro")))
    print(f"thresholds from {name:13s}: soft-label F1 {rows[-1][1]:.3f}, "
          f"majority F1 {rows[-1][2]:.3f}")

# %%
# The thresholds per label
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(soft_fit.thresholds_, "o-", label="learned on vote fractions")
ax.plot(hard_fit.thresholds_, "s--", label="learned on majority vote")
ax.set_xlabel("label (rarest to most frequent)")
ax.set_ylabel("threshold")
ax.legend()
fig.tight_layout()

# %%
# Each fit wins on the targets it was learned against (here by a small
# margin): learn thresholds against the targets your evaluation uses. With
# vote fractions, the thresholds also see how sure the annotators were.
