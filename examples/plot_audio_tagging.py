"""
==========================================================================
Audio tagging: a frozen CNN embedder, a classifier and learned thresholds
==========================================================================

An audio tagger is usually three stages: a pretrained network turns each clip
into an embedding, a classifier turns embeddings into per-tag probabilities,
and thresholds turn probabilities into tags. Here all three form one
scikit-learn :class:`~sklearn.pipeline.Pipeline`:

* :class:`~skthresh.TorchEmbedder` runs a frozen torch module (a small CNN on
  log-mel spectrograms, trained beforehand on other clips) as a transformer;
* :class:`~skthresh.ThresholdOptimizedClassifier` fits a one-vs-rest logistic
  regression and learns one threshold per tag on out-of-fold probabilities;
* :class:`~sklearn.model_selection.GridSearchCV` tunes the regularisation
  with ``scoring="f1_micro"``.

The clips come from :func:`skthresh.datasets.make_sound_scenes`: overlapping
tones, chirps, noise bursts, click trains and sirens over background noise.
A second variant trains a :class:`~skthresh.skorch.NeuralNetMultiLabelClassifier`
head with a JDT loss on label-smoothed (soft) targets.
"""

# %%
# Imports and seeds
# -----------------
# ``LogMelSpectrogram`` is a small torch-only front end (STFT and a triangular
# mel filterbank) from :mod:`skthresh.audio`; any front end
# that maps waveforms to spectrograms works in its place.
import time

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import GridSearchCV
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from skthresh import SGLThresholdOptimizer, ThresholdOptimizedClassifier, TorchEmbedder
from skthresh.audio import LogMelSpectrogram
from skthresh.datasets import make_sound_scenes
from skthresh.losses import BCEWithJDTLoss
from skthresh.skorch import MultiLabelMLP, NeuralNetMultiLabelClassifier

start = time.perf_counter()
torch.manual_seed(0)
SR, N_CLASSES = 8000, 10

# %%
# Three sets of synthetic sound scenes
# ------------------------------------
# One set pretrains the CNN (the "pretrained network" a user would download),
# one trains the classifier and its thresholds, one is held out for the test.
# Class definitions do not depend on the seed, so the three sets share them.
# Events sound 0 to 25 dB below the background: many are barely audible, as in
# real recordings, and rare tags are hard.
scenes = dict(n_classes=N_CLASSES, sr=SR, duration=0.5, snr_db=(-25.0, 0.0))
X_pre, Y_pre = make_sound_scenes(800, random_state=0, **scenes)
X_train, Y_train, names = make_sound_scenes(500, random_state=1, return_names=True, **scenes)
X_test, Y_test = make_sound_scenes(800, random_state=2, **scenes)
print(f"clips of {X_train.shape[1]} samples; tags: {', '.join(names)}")
print(f"tag prevalence in the training set: {np.round(Y_train.mean(axis=0), 2)}")

# %%
# What the tags look like: a log-mel spectrogram
# ----------------------------------------------
# The torch front end computes a power STFT (:func:`torch.stft`), applies a
# triangular mel filterbank and takes the logarithm. For the picture, one clip
# holds the first five tags (one of each family) at 5 dB above the background.
frontend = LogMelSpectrogram(sr=SR, n_fft=256, n_mels=32)
demo, _ = make_sound_scenes(1, sr=SR, duration=1.0, snr_db=(5.0, 5.0), random_state=3,
                            n_classes=N_CLASSES, label_priors=[1.0] * 5 + [0.0] * 5)
logmel = frontend(torch.as_tensor(demo[0])).numpy()
fig, ax = plt.subplots(figsize=(7, 3))
ax.imshow(logmel, origin="lower", aspect="auto", cmap="magma", extent=[0, 1, 0, 32])
ax.set_xlabel("time (s)")
ax.set_ylabel("mel band")
ax.set_title("tags: " + ", ".join(names[:5]), fontsize=9)
fig.tight_layout()


# %%
# A small CNN, pretrained with skorch on the first set
# ----------------------------------------------------
# ``trunk`` maps waveforms to a 64-d embedding: log-mel, two 1-D convolutions
# over time (mel bands as channels), and max-pooling over time; ``head`` maps
# the embedding to one logit per tag.
class AudioCNN(torch.nn.Module):
    def __init__(self, n_labels=N_CLASSES, n_mels=32, width=64):
        super().__init__()
        self.trunk = torch.nn.Sequential(
            LogMelSpectrogram(sr=SR, n_fft=256, n_mels=n_mels),
            torch.nn.BatchNorm1d(n_mels),
            torch.nn.Conv1d(n_mels, width, 3, padding=1), torch.nn.ReLU(),
            torch.nn.MaxPool1d(2),
            torch.nn.Conv1d(width, width, 3, padding=1), torch.nn.ReLU(),
            torch.nn.AdaptiveMaxPool1d(1), torch.nn.Flatten(),
        )
        self.head = torch.nn.Linear(width, n_labels)

    def forward(self, x):
        return self.head(self.trunk(x))


pretrained = NeuralNetMultiLabelClassifier(
    AudioCNN, optimizer=torch.optim.Adam, lr=3e-3, max_epochs=15, batch_size=64,
    train_split=None, verbose=0,
).fit(X_pre, Y_pre)
cnn = pretrained.module_.trunk
print(f"CNN pretrained: train loss {pretrained.history[0, 'train_loss']:.3f} -> "
      f"{pretrained.history[-1, 'train_loss']:.3f} in {len(pretrained.history)} epochs")

# %%
# Embedder, classifier and learned thresholds in one pipeline
# -----------------------------------------------------------
# The frozen CNN runs in eval mode without gradients; the grid search tunes the
# logistic regression's ``C`` by micro-F1 of the thresholded predictions.
pipe = Pipeline([
    ("embed", TorchEmbedder(cnn, batch_size=128)),
    ("scale", StandardScaler()),
    ("clf", ThresholdOptimizedClassifier(
        OneVsRestClassifier(LogisticRegression(max_iter=1000)), cv=3, random_state=0)),
])
grid = GridSearchCV(pipe, {"clf__estimator__estimator__C": [0.01, 0.1, 1.0]},
                    scoring="f1_micro", cv=3)
grid.fit(X_train, Y_train)
best = grid.best_estimator_
print(f"best C: {grid.best_params_['clf__estimator__estimator__C']}, "
      f"cross-validated micro-F1 {grid.best_score_:.3f}")

# %%
# Learned thresholds against 0.5 on the held-out clips
# ----------------------------------------------------
# The same fitted probabilities, thresholded at 0.5 or at the learned values.
proba = best.predict_proba(X_test)
pred_learned = best.predict(X_test)
pred_half = (proba >= 0.5).astype(int)
f1_half = f1_score(Y_test, pred_half, average="micro")
f1_learned = f1_score(Y_test, pred_learned, average="micro")
print(f"held-out micro-F1: 0.5 thresholds {f1_half:.3f}, learned thresholds {f1_learned:.3f} "
      f"({f1_learned - f1_half:+.3f})")

per_label_half = f1_score(Y_test, pred_half, average=None, zero_division=0)
per_label_learned = f1_score(Y_test, pred_learned, average=None, zero_division=0)
thresholds = best[-1].thresholds_

fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(10, 4), gridspec_kw={"width_ratios": [3, 2]})
pos = np.arange(N_CLASSES)
ax0.bar(pos - 0.2, per_label_half, 0.4, label=f"threshold 0.5 (micro-F1 {f1_half:.3f})")
ax0.bar(pos + 0.2, per_label_learned, 0.4,
        label=f"learned thresholds (micro-F1 {f1_learned:.3f})")
ax0.set_xticks(pos, names, rotation=45, ha="right", fontsize=8)
ax0.set_ylabel("held-out F1")
ax0.set_ylim(0, 1)
ax0.legend(fontsize=8, loc="upper right")
ax0.set_title("F1 per tag, rarer tags to the right", fontsize=10)
ax1.bar(pos, thresholds, color="tab:orange")
ax1.axhline(0.5, color="gray", linestyle=":", label="default 0.5")
ax1.set_ylim(0, max(0.65, thresholds.max() + 0.15))
ax1.set_xticks(pos, names, rotation=45, ha="right", fontsize=8)
ax1.set_ylabel("threshold on the probability")
ax1.set_title("learned thresholds", fontsize=10)
ax1.legend(fontsize=8, loc="upper right")
fig.tight_layout()

# %%
# Variant: a skorch head trained with a JDT loss on soft targets
# --------------------------------------------------------------
# Label smoothing turns 0/1 tags into 0.05/0.95. A
# :class:`~skthresh.losses.BCEWithJDTLoss` (``0.25 BCE + 0.75 Jaccard metric
# loss``) is correct on such soft targets. The thresholds are then learned on a
# validation split the head did not train on and set as its ``threshold``.
embedder = TorchEmbedder(cnn, batch_size=128).fit(X_train)
scaler = StandardScaler().fit(embedder.transform(X_train))
E_train = scaler.transform(embedder.transform(X_train))
E_test = scaler.transform(embedder.transform(X_test))
fit_rows, val_rows = np.arange(0, 350), np.arange(350, len(E_train))
Y_soft = Y_train * 0.9 + 0.05

head = NeuralNetMultiLabelClassifier(
    MultiLabelMLP, module__n_features=E_train.shape[1], module__n_labels=N_CLASSES,
    module__hidden=32, module__dropout=0.2, criterion=BCEWithJDTLoss,
    optimizer=torch.optim.Adam, lr=3e-3, max_epochs=60, batch_size=64, train_split=None,
    verbose=0,
).fit(E_train[fit_rows], Y_soft[fit_rows])
optimizer = SGLThresholdOptimizer(random_state=0).fit(
    head.predict_proba(E_train[val_rows]), Y_train[val_rows])
f1_head_half = f1_score(Y_test, head.predict(E_test), average="micro")
head.set_params(threshold=optimizer.thresholds_)
f1_head_learned = f1_score(Y_test, head.predict(E_test), average="micro")
print(f"JDT head on soft targets, held-out micro-F1: 0.5 thresholds {f1_head_half:.3f}, "
      f"learned thresholds {f1_head_learned:.3f}")

# %%
# Summary: held-out micro-F1 of both variants
# -------------------------------------------
# Learned per-tag thresholds against the default 0.5, for each classifier.
results = {
    "logistic regression, 0.5": f1_half,
    "logistic regression, learned": f1_learned,
    "JDT head (soft targets), 0.5": f1_head_half,
    "JDT head (soft targets), learned": f1_head_learned,
}
fig, ax = plt.subplots(figsize=(7, 2.8))
colors = ["tab:blue", "tab:orange"] * 2
ax.barh(list(results)[::-1], list(results.values())[::-1], color=colors[::-1])
for i, value in enumerate(list(results.values())[::-1]):
    ax.text(value + 0.005, i, f"{value:.3f}", va="center", fontsize=8)
ax.set_xlim(0, 1)
ax.set_xlabel("held-out micro-F1")
fig.tight_layout()
print(f"example ran in {time.perf_counter() - start:.1f} s")
