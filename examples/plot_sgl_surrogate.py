"""
==============================================================
The surrogate step of :class:`~skthresh.SGLThresholdOptimizer`
==============================================================

A threshold turns a score into a decision with a step function: the label is
predicted when ``score >= threshold``. The step's derivative is zero almost
everywhere, so gradient descent cannot move a threshold through it. Surrogate
gradient learning (SGL-Thresh, Pellegrini & Masquelier, ICASSP 2021) keeps the
hard step in the forward pass, so the objective is the *true* metric of the
current thresholds, and uses the derivative of a sigmoid of slope ``sigma`` in
the backward pass.

This example draws the step, its sigmoid surrogate and the surrogate's
derivative for a few slopes, then fits SGL on synthetic multi-label scores and
shows its learning curve (:class:`~skthresh.SGLCurveDisplay`) and the per-label
F1 against the threshold (:class:`~skthresh.ThresholdCurveDisplay`).
"""

# %%
# The step and its surrogate
# --------------------------
# With ``z = score - threshold``, the forward pass computes ``1[z > 0]``; the
# backward pass uses ``sigma * s(sigma z) * (1 - s(sigma z))``, the derivative
# of the sigmoid ``s(sigma z)``. A larger ``sigma`` is closer to the step but
# gives gradients only to the rows nearest the threshold; SGL learns one
# ``sigma`` per label along with the thresholds.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import f1_score

from skthresh import SGLCurveDisplay, SGLThresholdOptimizer, ThresholdCurveDisplay


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


z = np.linspace(-1, 1, 801)
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
left.plot(z, (z > 0).astype(float), color="k", linewidth=2, label="step (forward pass)")
for sigma in (3, 10, 30):
    s = sigmoid(sigma * z)
    left.plot(z, s, label=f"sigmoid, sigma={sigma}")
    right.plot(z, sigma * s * (1 - s), label=f"sigma={sigma}")
left.set(xlabel="score - threshold", ylabel="prediction", title="Step and sigmoid surrogates")
right.set(xlabel="score - threshold", ylabel="d prediction / d score",
          title="Surrogate derivative (backward pass)")
left.legend(loc="upper left")
right.legend(loc="upper right")
fig.tight_layout()

# %%
# Synthetic multi-label scores
# ----------------------------
# Eight labels, from frequent to rare; a positive's score is shifted up by a
# label-dependent amount and blurred with noise, so that the best threshold
# differs from label to label. Half the rows tune the thresholds, the other
# half measure them.
rng = np.random.default_rng(0)
n_samples, prior = 3000, np.array([0.4, 0.3, 0.2, 0.12, 0.08, 0.05, 0.03, 0.02])
Y = (rng.random((n_samples, prior.size)) < prior).astype(int)
separation = np.linspace(2.5, 1.0, prior.size)
logits = separation * Y + rng.normal(-1.5, 1.0, size=Y.shape)
scores = sigmoid(logits)
tune, test = slice(0, n_samples // 2), slice(n_samples // 2, None)

# %%
# Fit SGL on the tuning half
# --------------------------
# The start is the best single threshold shared by all labels; each epoch
# computes the exact micro-F1 of the current thresholds and one Adam step of
# the surrogate gradient. The thresholds of the best epoch are returned.
sgl = SGLThresholdOptimizer(device="cpu").fit(scores[tune], Y[tune])
for name, pred in [("0.5 for every label", scores[test] >= 0.5),
                   ("best shared threshold", scores[test] >= sgl.shared_threshold_),
                   ("SGL, one per label", sgl.predict(scores[test]))]:
    print(f"{name:>22}: held-out micro-F1 = {f1_score(Y[test], pred, average='micro'):.3f}")

# %%
# The learning curve
# ------------------
# ``loss_curve_`` holds the true micro-F1 on the tuning rows at every epoch.
# It moves in steps: the metric only changes when a threshold crosses a score.
SGLCurveDisplay.from_optimizer(sgl)

# %%
# Each label's F1 against its threshold
# -------------------------------------
# On the held-out half, the F1 of a frequent, a middle and a rare label as
# their thresholds sweep the score range; the dashed lines and dots mark the
# thresholds SGL learned. They maximise *micro*-F1 over all labels, so they
# need not sit at the top of each label's own curve.
display = ThresholdCurveDisplay.from_predictions(
    Y[test], scores[test], thresholds=sgl.thresholds_, labels=[0, 3, 7],
    label_names=[f"label {c} (prior {p:.0%})" for c, p in enumerate(prior)],
)
display.ax_.set_title("Held-out F1 of three labels")
plt.show()
