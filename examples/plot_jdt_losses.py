"""
======================================================
Jaccard metric loss versus soft Jaccard on soft labels
======================================================

The classic soft Jaccard loss measures the intersection of a prediction ``x``
and a target ``y`` by the product ``x * y``. That is fine for hard (0/1)
targets but wrong for soft ones: with ``y = 0.5`` it is smallest at ``x = 1``.
The Jaccard metric loss (JML) of Wang et al. (NeurIPS 2023) uses the soft
counts ``TP = (|x| + |y| - |x - y|) / 2`` instead and is zero exactly at
``x = y``. It equals the classic loss on hard targets, so nothing is lost there.

We first plot both losses for one element with target 0.5, then train a small
skorch network on label-smoothed multi-label targets with
:class:`~skthresh.losses.BCEWithJDTLoss` (``0.25 BCE + 0.75 JML``, the papers'
recommended start).
"""

# %%
# Imports and seeds
# -----------------
import matplotlib.pyplot as plt
import numpy as np
import torch
from skorch import NeuralNet

from skthresh.losses import BCEWithJDTLoss, JaccardMetricLoss

torch.manual_seed(0)
rng = np.random.default_rng(0)

# %%
# One element with a soft target
# ------------------------------
# The classic soft Jaccard loss is written with the inner product; the Jaccard
# metric loss comes from :mod:`skthresh.losses` (on probabilities, no smoothing).
y = torch.tensor([[0.5]], dtype=torch.float64)
xs = torch.linspace(0, 1, 201, dtype=torch.float64)

classic = 1 - xs * y[0, 0] / (xs + y[0, 0] - xs * y[0, 0])
jml_loss = JaccardMetricLoss(from_logits=False, smooth=0.0)
jml = torch.stack([jml_loss(x.view(1, 1), y) for x in xs])

print(f"classic soft Jaccard is smallest at x = {xs[classic.argmin()].item():.2f}")
print(f"Jaccard metric loss is smallest at x = {xs[jml.argmin()].item():.2f}")

fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(xs, classic, label="classic soft Jaccard  1 - <x,y> / (|x|+|y|-<x,y>)")
ax.plot(xs, jml, label="Jaccard metric loss (JDT)")
ax.axvline(0.5, color="gray", linestyle=":", label="target y = 0.5")
ax.set_xlabel("prediction x")
ax.set_ylabel("loss")
ax.set_title("One element, soft target y = 0.5")
ax.legend(fontsize=8)
fig.tight_layout()

# %%
# Training on label-smoothed multi-label targets
# ----------------------------------------------
# Hard targets come from a noisy linear rule; label smoothing with
# ``epsilon = 0.2`` turns them into 0.1 / 0.9. The network outputs logits
# (``from_logits=True`` is the loss default) and ``predict_proba`` applies a
# sigmoid.
n, n_features, n_labels, epsilon = 600, 10, 5, 0.2
X = rng.normal(size=(n, n_features)).astype(np.float32)
W = rng.normal(size=(n_features, n_labels))
Y_hard = (X @ W + 0.5 * rng.normal(size=(n, n_labels)) > 1.0).astype(np.float32)
Y_soft = Y_hard * (1 - epsilon) + epsilon / 2
X_train, X_test = X[:400], X[400:]
Y_train, Y_test = Y_soft[:400], Y_hard[400:]


class MLP(torch.nn.Module):
    def __init__(self, n_in=n_features, n_hidden=32, n_out=n_labels):
        super().__init__()
        self.layers = torch.nn.Sequential(
            torch.nn.Linear(n_in, n_hidden), torch.nn.ReLU(), torch.nn.Linear(n_hidden, n_out)
        )

    def forward(self, X):
        return self.layers(X)


net = NeuralNet(
    module=MLP,
    criterion=BCEWithJDTLoss,  # 0.25 BCE + 0.75 Jaccard metric loss
    criterion__jdt="jaccard",
    optimizer=torch.optim.Adam,
    lr=0.01,
    batch_size=64,
    max_epochs=40,
    train_split=None,
    predict_nonlinearity=torch.sigmoid,
    verbose=0,
)
net.fit(X_train, Y_train)
train_loss = net.history[:, "train_loss"]
print(f"train loss: epoch 1 {train_loss[0]:.3f} -> epoch {len(train_loss)} {train_loss[-1]:.3f}")

# %%
# Because the loss is minimised at the soft targets, the predicted
# probabilities of training positives and negatives gather near 0.9 and 0.1
# rather than being pushed to 1 and 0.
proba_train = net.predict_proba(X_train)
pos = Y_train > 0.5
print(f"mean probability of training positives: {proba_train[pos].mean():.2f}")
print(f"mean probability of training negatives: {proba_train[~pos].mean():.2f}")

# %%
# On the held-out rows, thresholding at 0.5 gives the micro Jaccard index
# against the hard labels.
proba_test = net.predict_proba(X_test)
pred = proba_test > 0.5
tp = (pred & (Y_test > 0.5)).sum()
union = (pred | (Y_test > 0.5)).sum()
print(f"held-out micro Jaccard at threshold 0.5: {tp / union:.3f}")

plt.show()
