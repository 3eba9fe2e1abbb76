"""
==================================================
Per-label thresholds for a scikit-learn classifier
==================================================

A multi-label classifier predicts a label when its score passes a cut, and
``predict`` almost always uses 0.5 for every label. Rare labels rarely reach
0.5, so they are almost never predicted. :class:`~skthresh.ThresholdOptimizedClassifier`
wraps the classifier, learns one threshold per label on **out-of-fold** scores
of the training data (never on scores of rows the model was fitted on), and
applies them in ``predict``.

Here: 40 labels with a long tail of rare ones, a one-vs-rest logistic
regression, and held-out micro- and macro-F1 of the plain 0.5 cut against the
learned thresholds (SGL, the default, and the exact coordinate search).
"""

# %%
# A multi-label problem with rare labels
# --------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_multilabel_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.multiclass import OneVsRestClassifier

from skthresh import SGLCurveDisplay, ThresholdCurveDisplay, ThresholdOptimizedClassifier

X, Y = make_multilabel_classification(n_samples=4000, n_features=40, n_classes=40,
                                      n_labels=3, length=80, random_state=0)
X_train, Y_train, X_test, Y_test = X[:2000], Y[:2000], X[2000:], Y[2000:]
prevalence = Y_train.mean(axis=0)
print(f"label prevalence from {prevalence.max():.1%} down to {prevalence.min():.1%}")

base = OneVsRestClassifier(LogisticRegression(max_iter=1000))

# %%
# The 0.5 cut against learned thresholds
# --------------------------------------
# ``cv=5`` (the default) fits the base model on 4/5 of the training rows five
# times, pools the scores of the held-out fifths, learns the thresholds on
# them, then refits the base model on all training rows.
plain = base.fit(X_train, Y_train)
sgl = ThresholdOptimizedClassifier(base).fit(X_train, Y_train)
exact = ThresholdOptimizedClassifier(base, optimizer="coordinate").fit(X_train, Y_train)

results = {}
for name, pred in [("0.5 cut", plain.predict(X_test)),
                   ("learned, SGL", sgl.predict(X_test)),
                   ("learned, coordinate", exact.predict(X_test))]:
    results[name] = (f1_score(Y_test, pred, average="micro"),
                     f1_score(Y_test, pred, average="macro", zero_division=0))
    print(f"{name:20s} held-out micro-F1 {results[name][0]:.3f}, "
          f"macro-F1 {results[name][1]:.3f}")

fig, ax = plt.subplots(figsize=(6, 3.5))
width = 0.25
for i, (name, (micro, macro)) in enumerate(results.items()):
    ax.bar(np.arange(2) + (i - 1) * width, [micro, macro], width, label=name)
ax.set_xticks(np.arange(2), ["micro-F1", "macro-F1"])
ax.set_ylabel("held-out score")
ax.legend(loc="lower right")
fig.tight_layout()

# %%
# What was learned
# ----------------
# Rare labels get low thresholds: their scores seldom reach 0.5 even when the
# label is present.
order = np.argsort(prevalence)
fig, ax = plt.subplots(figsize=(6, 3.5))
ax.plot(prevalence[order], sgl.thresholds_[order], "o", label="SGL")
ax.plot(prevalence[order], exact.thresholds_[order], "x", label="coordinate")
ax.axhline(0.5, color="grey", linestyle="--", label="0.5 cut")
ax.set_xscale("log")
ax.set_xlabel("label prevalence (training rows)")
ax.set_ylabel("threshold")
ax.legend()
fig.tight_layout()

# %%
# The metric as a function of each threshold, on held-out rows, for the
# rarest and the most frequent labels; the markers are the learned thresholds.
# The SGL learning curve shows the true out-of-fold micro-F1 at each epoch.
fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(10, 3.8))
ThresholdCurveDisplay.from_estimator(sgl, X_test, Y_test,
                                     labels=[int(order[0]), int(order[-1])], ax=ax0)
SGLCurveDisplay.from_estimator(sgl, ax=ax1)
fig.tight_layout()

# %%
# The learned thresholds win on held-out micro-F1, and much more on
# macro-F1, where every rare label counts as much as a frequent one. To
# optimise macro-F1 itself, pass ``scoring="f1_macro"``.
