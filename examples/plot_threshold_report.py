"""
==================================================================
How sure is each threshold? Bootstrap intervals and untunable tags
==================================================================

A threshold learned from four positive examples is a guess. This example
asks :func:`~skthresh.threshold_report` how much each learned threshold
would move if the tuning rows were drawn again, flags the tags whose
threshold cannot be trusted (*untunable*), and draws the answer with
:class:`~skthresh.ThresholdReportDisplay`.

The data are real and ship with scikit-learn, so nothing is downloaded: the
1,797 handwritten digits of :func:`~sklearn.datasets.load_digits`. Each image
gets thirteen tags: its digit (``"0"`` to ``"9"``) and three shape
attributes, ``"even"``, ``"prime"`` (2, 3, 5, 7) and ``"loop"`` (0, 6, 8, 9,
the digits drawn with a closed loop). The tuning set keeps the digits at
long-tailed frequencies, 107 zeros down to 4 eights and 4 nines, as real
tagging data are: a few common tags and many rare ones.
"""

# %%
# Tags, a model and long-tailed tuning rows
# -----------------------------------------
# A one-vs-rest logistic regression is trained on 40% of the images. It sees
# each image as a 4 x 4 thumbnail (16 pixels instead of 64), a deliberately
# small model whose scores overlap between tags, as a real tagger's do. The
# tuning rows come from the other 60%: every digit ``d`` keeps at most
# ``120 / (d + 1) ** 1.5`` images.
import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.multiclass import OneVsRestClassifier

from skthresh import CoordinateThresholdOptimizer, ThresholdReportDisplay, threshold_report

start = time.perf_counter()
X, digit = load_digits(return_X_y=True)
tags = [str(d) for d in range(10)] + ["even", "prime", "loop"]
Y = np.column_stack([digit == d for d in range(10)]
                    + [digit % 2 == 0, np.isin(digit, [2, 3, 5, 7]),
                       np.isin(digit, [0, 6, 8, 9])]).astype(int)


def thumbnail(images):
    """8 x 8 images (values 0 to 16) to 4 x 4 thumbnails in [0, 1], one row each."""
    return images.reshape(-1, 4, 2, 4, 2).mean(axis=(2, 4)).reshape(-1, 16) / 16


X_train, X_rest, Y_train, Y_rest, _, digit_rest = train_test_split(
    X, Y, digit, test_size=0.6, stratify=digit, random_state=0)
rng = np.random.default_rng(0)
kept = np.round(120 / np.arange(1, 11) ** 1.5).astype(int)
rows = np.concatenate([rng.permutation(np.flatnonzero(digit_rest == d))[:n]
                       for d, n in enumerate(kept)])
model = OneVsRestClassifier(LogisticRegression(max_iter=2000)).fit(thumbnail(X_train), Y_train)
y_score = model.predict_proba(thumbnail(X_rest[rows]))
y_true = Y_rest[rows]
print(f"{len(y_true)} tuning rows; positives per tag:",
      dict(zip(tags, y_true.sum(axis=0).tolist())))

# %%
# The report
# ----------
# :func:`~skthresh.threshold_report` fits the optimizer once on all tuning
# rows (``threshold``) and once on each of ``n_resamples`` bootstrap
# resamples of them; ``low`` and ``high`` are the 5% and 95% quantiles of the
# resampled thresholds (``level=0.9``). :class:`~skthresh.CoordinateThresholdOptimizer`
# with ``"f1_macro"`` gives each tag the threshold that maximises its own F1;
# on 225 rows x 13 tags a fit takes milliseconds, so the report affords the
# default 100 resamples. Each resample is a full fit: with hundreds of
# labels, many rows or :class:`~skthresh.SGLThresholdOptimizer`, 20 to 50
# resamples give usable intervals at a fraction of the cost.
report = threshold_report(CoordinateThresholdOptimizer(scoring="f1_macro"), y_score, y_true,
                          n_resamples=100, random_state=0)

print(f"{'tag':>6} {'positives':>9} {'threshold':>9} {'low':>6} {'high':>6} {'spread':>6} "
      f"{'untunable':>9} {'safe':>6}")
for i, tag in enumerate(tags):
    print(f"{tag:>6} {report.n_positive[i]:9.0f} {report.threshold[i]:9.3f} "
          f"{report.low[i]:6.3f} {report.high[i]:6.3f} {report.spread[i]:6.3f} "
          f"{report.untunable[i]!s:>9} {report.safe_threshold[i]:6.3f}")
print(f"shared threshold: {report.shared_threshold:.3f}")

# %%
# A tag is **untunable** when its threshold rests on too little evidence to be
# trusted, for one of two reasons:
#
# * it has fewer than ``min_positives=5`` positives: here ``"8"`` and ``"9"``,
#   with 4 each. With so few, moving the threshold past a single positive
#   changes the tag's F1 a lot, and the optimum jumps from one positive's
#   score to another's between resamples;
# * its interval is too wide for its number of positives: ``spread``, the
#   number of rows whose score falls inside ``[low, high)`` relative to the
#   positives (scaled to read as one standard deviation), exceeds
#   ``max_spread=0.3``. Here ``"3"`` (15 positives) and ``"6"`` (6
#   positives): their intervals leave the decision open for about as many
#   rows as they have positives. ``spread`` counts rows, not score units, so
#   it means the same for probabilities and logits: the bar of ``"even"`` is
#   nearly as long as that of ``"3"``, but the rows it spans are few next to
#   ``"even"``'s 151 positives, and ``"even"`` stays tunable.
#
# For an untunable tag, ``safe_threshold`` is the **fallback** instead of the
# learned threshold: by default (``fallback="shared"``) the best single
# threshold shared by all tags, learned from every tag's rows together and so
# far steadier than a threshold fitted to four positives. ``fallback=0.5``
# would use the model's own decision for probabilities. For the other tags,
# ``safe_threshold`` is the learned threshold. Deploy ``safe_threshold``, and
# treat the untunable tags as the ones that need more labelled examples.
#
# The plot
# --------
# :meth:`~skthresh.ThresholdReportDisplay.from_report` draws each tag's
# threshold with its interval against its number of positives (log scale:
# counts span orders of magnitude), the untunable tags as red crosses, named
# (at most ``max_annotations``, the widest intervals first), and the shared
# threshold as a dashed line. :meth:`~skthresh.ThresholdReportDisplay.from_scores`
# computes the report and plots it in one call. The display keeps its
# matplotlib objects (``ax_``, ``points_``, ``untunable_points_``...): here
# the legend moves beside the axes, clear of the bars.
fig, ax = plt.subplots(figsize=(8.5, 4.5))
display = ThresholdReportDisplay.from_report(report, ax=ax)
display.ax_.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize="small")
ax.set_title("Learned thresholds of 13 digit tags, with 90% bootstrap intervals")
fig.tight_layout()

# %%
# The rare tags sit at the left with the widest bars. A cross is not only a
# matter of count: ``"3"`` has three times the positives of ``"7"`` and is
# flagged while ``"7"`` is not, because ``"3"``'s resampled thresholds wander
# across a crowded stretch of scores. The learned threshold of ``"9"`` (0.75)
# sits at the top of its bar; its safe threshold is the dashed line. The same
# plot stays readable with hundreds of labels: the points and bars get
# smaller and lighter, and only a few untunable labels are named.
print(f"ran in {time.perf_counter() - start:.1f} s")
