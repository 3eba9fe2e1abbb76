"""HFAudioEmbedder: a pretrained Hugging Face audio transformer as a scikit-learn transformer.

The audio models of `transformers <https://huggingface.co/docs/transformers>`_
(AST, wav2vec 2.0, HuBERT, WavLM, the encoder of Whisper, the audio tower of
CLAP) turn waveforms into hidden states; :class:`HFAudioEmbedder` pools them
into one vector per clip, so that the model is the first step of a
:class:`~sklearn.pipeline.Pipeline` ending in a
:class:`~skthresh.ThresholdOptimizedClassifier`. It never downloads anything
unless told to (``local_files_only=False``): fetch a model once into a folder,
on a machine with network, and pass that folder::

    hf download MIT/ast-finetuned-audioset-10-10-0.4593 --local-dir models/ast

``transformers`` is an optional dependency (the ``hf`` extra); importing
:mod:`skthresh` does not need it, fitting an :class:`HFAudioEmbedder` does.
"""

from __future__ import annotations

import math
import os
from numbers import Integral

import numpy as np
import torch
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._embedder import _resolve_dtype, pack_modules, unpack_modules
from ._progress import Progress, bar
from ._resample import polyphase_factors, resample
from ._validation import resolve_device

__all__ = ["HFAudioEmbedder"]

#: The transformers release the extra asks for (``pip install "skthresh[hf]"``).
TRANSFORMERS_REQUIREMENT = "transformers>=4.40"
_INSTALL_HINT = (f'pip install "skthresh[hf]" (or pip install "{TRANSFORMERS_REQUIREMENT}")')

_POOLINGS = ("mean", "pooler", "cls", "projection")
# Families whose feature extractor pads or cuts every clip to one fixed size, whatever the
# batch: a clip's input never depends on the other clips of its batch.
_FIXED_SIZE = ("ast", "whisper", "clap")


def _import_transformers():
    """``transformers``, or an ImportError naming the extra."""
    try:
        import transformers
    except ImportError as exc:
        raise ImportError(
            f"HFAudioEmbedder needs the transformers package, which is not installed: "
            f"{_INSTALL_HINT}."
        ) from exc
    return transformers


def _mentions_torchaudio(exc: BaseException) -> bool:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if "torchaudio" in str(exc):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _load_error(what: str, source, local_files_only: bool, exc: Exception) -> Exception:
    """The error raised when ``from_pretrained`` fails: how to fetch a model once."""
    if _mentions_torchaudio(exc):
        return ImportError(
            f"Loading the {what} from {source!r} failed because torchaudio is installed but "
            f"does not load ({exc}). transformers uses torchaudio when it is installed; its "
            "build must match torch's. Uninstall it (pip uninstall torchaudio: transformers "
            "then computes the filterbanks with numpy) or install the torchaudio built for "
            f"torch {torch.__version__}."
        )
    name = os.fspath(source)
    return OSError(
        f"HFAudioEmbedder could not load the {what} from {name!r} "
        f"(local_files_only={local_files_only}): {exc}\n"
        "HFAudioEmbedder does not download models unless asked to. Fetch the model once, "
        "on a machine with network access, into a folder and pass that folder:\n"
        f"    hf download {name} --local-dir DIR      (huggingface-cli download with older "
        "huggingface_hub)\n"
        "or, in Python,\n"
        f"    AutoModel.from_pretrained({name!r}).save_pretrained(DIR)\n"
        f"    AutoFeatureExtractor.from_pretrained({name!r}).save_pretrained(DIR)\n"
        "Or pass local_files_only=False to let transformers download it into its cache."
    )


def _family(model) -> str:
    """``"ast"``, ``"whisper"``, ``"clap"``, ``"wav2vec2"`` (wav2vec2, HuBERT, WavLM...) or
    ``"other"``."""
    model_type = getattr(getattr(model, "config", None), "model_type", "")
    if model_type == "audio-spectrogram-transformer":
        return "ast"
    if model_type == "whisper":
        return "whisper"
    if model_type == "clap_text_model":
        raise ValueError(
            "HFAudioEmbedder got CLAP's text model: pass a ClapModel, ClapAudioModel or "
            "ClapAudioModelWithProjection (the audio tower is run).")
    if model_type.startswith("clap"):  # ClapModel, ClapAudioModel(WithProjection)
        return "clap"
    if hasattr(model, "_get_feat_extract_output_lengths"):
        return "wav2vec2"
    return "other"


def _audio_tower(model):
    """The module that maps features to hidden states: task heads and decoders dropped."""
    base = getattr(model, "base_model", model)  # e.g. ASTForAudioClassification -> ASTModel
    if _family(base) == "clap":  # the audio model and its projection; the text tower dropped
        audio = getattr(base, "audio_model", base)
        return _ClapAudioTower(audio, getattr(base, "audio_projection", None))
    if _family(base) == "whisper":
        encoder = getattr(base, "encoder", None)
        if encoder is None and hasattr(base, "get_encoder"):
            encoder = base.get_encoder()
        return encoder if encoder is not None else base
    return base


class _ClapAudioTower(torch.nn.Module):
    """CLAP's audio model (HTSAT) with its projection, if the model has one."""

    def __init__(self, audio_model, audio_projection=None):
        super().__init__()
        self.audio_model = audio_model
        self.audio_projection = audio_projection

    @property
    def config(self):
        return self.audio_model.config

    def forward(self, **kwargs):
        return self.audio_model(**kwargs)


def _n_layers(model, family: str) -> int | None:
    config = model.config
    n = getattr(config, "encoder_layers" if family == "whisper" else "num_hidden_layers", None)
    return int(n) if isinstance(n, Integral) else None


def _resample(clip: np.ndarray, rate: int, target: int) -> np.ndarray:
    """``clip`` at ``rate`` Hz resampled to ``target`` Hz (as every embedder resamples)."""
    return resample(clip, *polyphase_factors(rate, target))


class HFAudioEmbedder(TransformerMixin, BaseEstimator):
    """Embed raw waveforms with a pretrained Hugging Face audio transformer.

    :meth:`fit` loads the model and its feature extractor (from a local
    folder, by default without any download) and checks the parameters;
    nothing is trained. :meth:`transform` runs the feature extractor and the
    model in eval mode under :func:`torch.inference_mode`, and pools the
    hidden states into one float32 vector per clip.

    Supported and tested: AST (``ASTModel``, ``ASTForAudioClassification``),
    wav2vec 2.0 (``Wav2Vec2Model``; HuBERT and WavLM share its interface),
    the encoder of Whisper (``WhisperModel``,
    ``WhisperForConditionalGeneration``: the decoder is not run) and the
    audio tower of CLAP (``ClapModel``, its text tower dropped; or a loaded
    ``ClapAudioModel`` or ``ClapAudioModelWithProjection``, which
    ``AutoModel`` does not load; with ``ClapFeatureExtractor``). Task heads
    are dropped (the model's ``base_model`` is run). Other audio models are
    run the way wav2vec2 is, untested.

    Read more in :ref:`audio`.

    Parameters
    ----------
    model : str, path-like or transformers.PreTrainedModel
        A local model folder (what ``save_pretrained`` or ``hf download
        --local-dir`` writes: ``config.json``, the weights and
        ``preprocessor_config.json``), loaded in :meth:`fit` with
        ``AutoModel.from_pretrained`` and
        ``AutoFeatureExtractor.from_pretrained``; or a model already loaded,
        which is then moved to ``device`` and ``dtype`` in place.
    feature_extractor : str, path-like, transformers feature extractor or None, default=None
        The feature extractor that turns waveforms into the model's input;
        None loads the one saved with ``model`` (required when ``model`` is
        an already loaded model).
    pooling : {"mean", "pooler", "cls", "projection"}, default="mean"
        How the hidden states become one vector per clip:

        * ``"mean"``: the mean over the frames that hold the clip's audio.
          For AST: over the patch tokens whose time span overlaps the
          clip's filterbank frames (the feature extractor pads every clip to
          ``max_length`` frames; the CLS and distillation tokens are left
          out). For Whisper: over the encoder frames of the clip's first
          ``chunk_length`` seconds (the rest is padding). For wav2vec2-like
          models: over all frames (clips are never padded, see Notes). Not
          for CLAP (a short clip is repeated to fill its fixed-size input).
        * ``"pooler"``: the model's pooled output, where it has one: for AST
          the mean of the CLS and distillation tokens, what
          ``ASTForAudioClassification``'s head reads; for CLAP the audio
          tower's pooled output, before the projection. Not with ``layer``.
        * ``"cls"``: AST's CLS token (the first token).
        * ``"projection"``: CLAP only (``ClapModel`` or
          ``ClapAudioModelWithProjection``): the projected audio embedding,
          L2-normalised, as ``ClapModel.get_audio_features`` returns it: the
          vector CLAP compares with its text embeddings.
    layer : int or None, default=None
        Pool ``hidden_states[layer]`` (0 is the output of the embeddings,
        ``-1`` the last layer, before AST's final layer norm) instead of the
        model's last hidden state.
    sampling_rate : int or None, default=None
        Sampling rate of the clips, in Hz; None: the feature extractor's
        (16000 for the models above). Another rate than the feature
        extractor's is refused unless ``resample=True``.
    resample : bool, default=False
        Resample clips at another ``sampling_rate`` to the feature
        extractor's (polyphase filtering, :func:`scipy.signal.resample_poly`,
        on the CPU), as :class:`~skthresh.audio_models.CrepeEmbedding` does.
    batch_size : int, default=8
        Clips per forward call (at most).
    device : str or torch.device, default="cpu"
        ``"cpu"``, ``"cuda"``, ``"cuda:1"``... or ``"auto"`` (CUDA when
        available), as everywhere in skthresh.
    dtype : {"float32", "float16", "bfloat16"} or torch.dtype, default="float32"
        dtype of the model's weights and inputs on ``device``; the
        embeddings are returned as float32 in any case.
    local_files_only : bool, default=True
        Passed to ``from_pretrained``: True never downloads (a model id is
        then found only in the local Hugging Face cache). False lets
        transformers download a model id.
    verbose : int, default=0
        ``> 0`` prints the model loaded in :meth:`fit` and a progress line
        in :meth:`transform` (batches done, seconds; at most one a second).

    Attributes
    ----------
    model_ : transformers.PreTrainedModel
        The module run: the base model, Whisper's encoder, or CLAP's audio
        model with its projection.
    feature_extractor_ : transformers feature extractor
        The loaded (or given) feature extractor.
    family_ : str
        ``"ast"``, ``"whisper"``, ``"clap"``, ``"wav2vec2"`` or ``"other"``.
    sampling_rate_ : int
        The feature extractor's sampling rate, which the model expects.
    device_ : torch.device
        The resolved device.

    See Also
    --------
    skthresh.TorchEmbedder : any frozen torch module as a transformer.

    Notes
    -----
    Input: a list of 1-D waveforms of any lengths, or a 2-D array ``(n_clips,
    n_samples)``; mono, at ``sampling_rate``, finite, not empty.

    **Padding never changes an embedding**: a clip embedded alone and inside
    a batch of longer clips gives the same vector, to float rounding.

    * AST and Whisper: their feature extractor pads (or cuts) every clip to
      a fixed size (``max_length`` frames for AST, ``chunk_length`` seconds
      for Whisper), whatever the batch; clips are batched in their order.
      Longer clips are cut: AST reads the first ``max_length`` frames
      (10.24 s for the AudioSet models), Whisper the first 30 s.
    * CLAP: ``ClapFeatureExtractor`` maps every clip on its own to
      ``max_length_s`` seconds (10 s): a shorter clip is repeated and then
      zero-padded (its ``padding="repeatpad"``), so clips are batched in
      their order. A longer clip is cut to its first ``max_length_s``
      seconds before the extractor, which would otherwise crop it at random
      (``truncation="rand_trunc"``) or stack random crops
      (``truncation="fusion"``): embeddings are deterministic, and fused
      models never fuse (``is_longer`` is False for every clip, where the
      extractor flags one clip of a batch of short clips at random).
    * wav2vec2, HuBERT, WavLM and other models: padding would change the
      result (the group normalisation of base models' convolutions, and
      feature extractors without an attention mask, see padded zeros), so
      clips are never padded: they are sorted by length and only clips of
      one length are batched together; a clip whose length no other clip
      shares runs alone. Clips of equal length (fixed-length datasets) are
      batched fully.

    Pickling stores the model's architecture and weights (mapped to the CPU)
    and the feature extractor: a pickled embedder needs neither the model
    folder nor a network, only transformers. Loading one saved with a CUDA
    ``device`` where CUDA is missing falls back to the CPU with a warning.
    Only unpickle files you trust.

    Examples
    --------
    >>> from skthresh import HFAudioEmbedder
    >>> embedder = HFAudioEmbedder("models/ast", pooling="pooler", batch_size=16)
    >>> embedder.get_params()["pooling"]
    'pooler'
    """

    _parameter_constraints: dict = {
        "model": [str, os.PathLike, torch.nn.Module],
        "feature_extractor": "no_validation",  # checked in _load
        "pooling": [StrOptions(set(_POOLINGS))],
        "layer": [Integral, None],
        "sampling_rate": [Interval(Integral, 1, None, closed="left"), None],
        "resample": ["boolean"],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "device": [str, torch.device],
        "dtype": [str, torch.dtype],
        "local_files_only": ["boolean"],
        "verbose": ["verbose"],
    }

    def __init__(self, model, *, feature_extractor=None, pooling="mean", layer=None,
                 sampling_rate=None, resample=False, batch_size=8, device="cpu",
                 dtype="float32", local_files_only=True, verbose=0):
        self.model = model
        self.feature_extractor = feature_extractor
        self.pooling = pooling
        self.layer = layer
        self.sampling_rate = sampling_rate
        self.resample = resample
        self.batch_size = batch_size
        self.device = device
        self.dtype = dtype
        self.local_files_only = local_files_only
        self.verbose = verbose

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        tags.non_deterministic = False
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags

    # ------------------------------------------------------------- loading
    def _load(self):
        """(model, feature_extractor) from the parameters; nothing downloaded by default."""
        transformers = _import_transformers()
        model, extractor = self.model, self.feature_extractor
        if not isinstance(model, torch.nn.Module):
            try:
                model = transformers.AutoModel.from_pretrained(
                    model, local_files_only=self.local_files_only)
            except (OSError, ValueError, ImportError) as exc:
                raise _load_error("model", model, self.local_files_only, exc) from exc
            if extractor is None:
                extractor = self.model
        elif extractor is None:
            raise ValueError(
                "HFAudioEmbedder got an already loaded model but no feature_extractor: pass the "
                "model's feature extractor (AutoFeatureExtractor.from_pretrained(DIR)) or its "
                "folder, or pass the model's folder as model."
            )
        if isinstance(extractor, (str, os.PathLike)):
            try:
                extractor = transformers.AutoFeatureExtractor.from_pretrained(
                    extractor, local_files_only=self.local_files_only)
            except (OSError, ValueError, ImportError) as exc:
                raise _load_error("feature extractor", extractor, self.local_files_only,
                                  exc) from exc
        if not callable(extractor) or not isinstance(getattr(extractor, "sampling_rate", None),
                                                     Integral):
            raise TypeError(
                "feature_extractor must be a transformers feature extractor (callable, with a "
                f"sampling_rate), or its folder; got {type(extractor).__name__}."
            )
        return model, extractor

    def _check_params(self, family: str, tower):
        pooling, layer = self.pooling, self.layer
        n_layers = _n_layers(tower, family)
        if family == "clap":
            if pooling not in ("pooler", "projection"):
                raise ValueError(
                    f"pooling={pooling!r} is not defined for CLAP: its audio tower works on a "
                    "fixed-size mel image in which a short clip is repeated (and zero-padded) "
                    "to fill max_length_s, so there are no frames of the clip alone to average. "
                    "Use pooling='pooler' (the tower's pooled output) or 'projection' (the "
                    "projected, L2-normalised audio embedding that CLAP compares with text).")
            if layer is not None:
                raise ValueError("layer is not supported for CLAP: use layer=None with "
                                 "pooling='pooler' or 'projection'.")
            if pooling == "projection" and getattr(tower, "audio_projection", None) is None:
                raise ValueError(
                    "pooling='projection': this ClapAudioModel has no projection; pass a "
                    "ClapModel or ClapAudioModelWithProjection, or use pooling='pooler'.")
            return
        if pooling == "projection":
            raise ValueError(
                f"pooling='projection' reads CLAP's projected audio embedding; this {family} "
                "model has none. Use pooling='mean' or 'pooler'.")
        if pooling == "pooler" and family in ("wav2vec2", "whisper"):
            raise ValueError(
                f"pooling='pooler': this {family} model has no pooled output; use "
                "pooling='mean'."
            )
        if pooling == "cls" and family != "ast":
            raise ValueError(
                f"pooling='cls' reads AST's CLS token; this {family} model has none. Use "
                "pooling='mean'."
            )
        if layer is not None:
            if pooling == "pooler":
                raise ValueError(
                    "pooling='pooler' pools the last layer; with layer set use pooling='mean' "
                    "(or 'cls' for AST).")
            if n_layers is not None and not -(n_layers + 1) <= layer <= n_layers:
                raise ValueError(
                    f"layer={layer} is out of range: this model has {n_layers} layers, so "
                    f"hidden_states[k] exists for k in [{-(n_layers + 1)}, {n_layers}] (0 is "
                    "the embeddings' output)."
                )

    def _rate(self) -> tuple[int, int]:
        """(rate of the clips, rate of the model); refuses a mismatch without resample."""
        target = int(self.sampling_rate_)
        rate = target if self.sampling_rate is None else int(self.sampling_rate)
        if rate != target and not self.resample:
            raise ValueError(
                f"The clips are at sampling_rate={rate} Hz but the model's feature extractor "
                f"expects {target} Hz audio: read at the wrong rate, every frequency would be "
                f"scaled by {target / rate:.3g}. Pass resample=True to resample the clips to "
                f"{target} Hz, or resample them beforehand."
            )
        return rate, target

    # ---------------------------------------------------------------- input
    @staticmethod
    def _clips(X) -> list[np.ndarray]:
        if isinstance(X, torch.Tensor):
            X = X.detach().cpu().numpy()
        if isinstance(X, (list, tuple)):
            clips = [c.detach().cpu().numpy() if isinstance(c, torch.Tensor) else np.asarray(c)
                     for c in X]
            if any(c.ndim != 1 for c in clips):
                raise ValueError(
                    "HFAudioEmbedder expects mono waveforms: each clip of the list must be 1-D; "
                    f"got clips of shapes {sorted({c.shape for c in clips if c.ndim != 1})}. "
                    "Mix channels down first (clip.mean(axis=0))."
                )
        else:
            X = np.asarray(X)
            if X.ndim != 2:
                raise ValueError(
                    "HFAudioEmbedder expects a list of 1-D waveforms or a 2-D array (n_clips, "
                    f"n_samples); got an array of shape {X.shape}. Wrap a single clip as [clip]."
                )
            clips = list(X)
        if not clips:
            raise ValueError("HFAudioEmbedder got no clips (0 samples).")
        for i, c in enumerate(clips):
            if c.size == 0:
                raise ValueError(f"Clip {i} is empty: there is nothing to embed.")
            if not np.issubdtype(c.dtype, np.number) or np.iscomplexobj(c):
                raise ValueError(f"Clip {i} is not real numbers (dtype {c.dtype}).")
            if not np.isfinite(c).all():
                raise ValueError(f"Clip {i} contains NaN or infinite values.")
        return clips

    # ----------------------------------------------------------------- API
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Load the model and its feature extractor, and check the parameters and ``X``.

        Parameters
        ----------
        X : list of 1-D arrays or array-like of shape (n_clips, n_samples)
            Waveforms at ``sampling_rate``.
        y : None
            Ignored.

        Returns
        -------
        self : HFAudioEmbedder
        """
        device = resolve_device(self.device)
        dtype = _resolve_dtype(self.dtype)
        self._clips(X)
        model, extractor = self._load()
        family = _family(model)
        tower = _audio_tower(model)
        self._check_params(family, tower)
        self.feature_extractor_ = extractor
        self.sampling_rate_ = int(extractor.sampling_rate)
        self._rate()
        self.model_ = tower.to(device=device, dtype=dtype).eval()
        self.family_ = family
        self.device_ = device
        Progress(self.verbose).message(
            f"HFAudioEmbedder: {type(tower).__name__} ({family}, "
            f"{sum(p.numel() for p in tower.parameters()):,} parameters) on {device}, {dtype}; "
            f"{type(extractor).__name__} at {self.sampling_rate_} Hz.")
        return self

    def transform(self, X):
        """Embed clips: one pooled vector per clip.

        Parameters
        ----------
        X : list of 1-D arrays or array-like of shape (n_clips, n_samples)
            Waveforms at ``sampling_rate``, of any lengths.

        Returns
        -------
        embeddings : ndarray of shape (n_clips, hidden_size), float32
            In the order of ``X``.
        """
        check_is_fitted(self, "model_")
        device = resolve_device(self.device)
        dtype = _resolve_dtype(self.dtype)
        self._check_params(self.family_, self.model_)
        rate, target = self._rate()
        clips = self._clips(X)
        if rate != target:
            clips = [_resample(c, rate, target) for c in clips]
        clips = [np.asarray(c, dtype=np.float32) for c in clips]
        batches = self._batches([len(c) for c in clips])

        model = self.model_.to(device=device, dtype=dtype)
        model.eval()
        progress = Progress(self.verbose)
        result = None
        with torch.inference_mode():
            for done, rows in enumerate(batches, start=1):
                out = self._embed([clips[r] for r in rows], model, device, dtype, done)
                if result is None:
                    result = np.empty((len(clips), out.shape[1]), dtype=np.float32)
                result[rows] = out
                progress.tick(bar("HFAudioEmbedder", done, len(batches), progress.elapsed()),
                              last=done == len(batches))
        progress.close()
        return result

    # ------------------------------------------------------------ helpers
    def _batches(self, lengths: list[int]) -> list[np.ndarray]:
        """Row indices per forward call (see Notes: padding never mixes clips)."""
        size = self.batch_size
        if self.family_ in _FIXED_SIZE:
            order = np.arange(len(lengths))
            return [order[i:i + size] for i in range(0, len(order), size)]
        lengths = np.asarray(lengths)
        order = np.argsort(lengths, kind="stable")
        batches = []
        for length in np.unique(lengths):
            same = order[lengths[order] == length]
            batches.extend(same[i:i + size] for i in range(0, len(same), size))
        return batches

    def _embed(self, clips, model, device, dtype, index: int) -> np.ndarray:
        extractor = self.feature_extractor_
        window = int(0.025 * self.sampling_rate_)
        if self.family_ == "ast" and min(len(c) for c in clips) < window:
            raise ValueError(
                f"Clips of {min(len(c) for c in clips)} samples are too short for AST: its "
                f"filterbank frames are 25 ms ({window} samples at {self.sampling_rate_} Hz)."
            )
        if self.family_ == "clap":
            # The first max_length_s seconds: ClapFeatureExtractor would crop longer clips at
            # random ("rand_trunc") or stack random crops ("fusion").
            clips = [c[:int(extractor.nb_max_samples)] for c in clips]
        try:
            inputs = extractor(clips, sampling_rate=self.sampling_rate_, return_tensors="pt")
        except (RuntimeError, ValueError) as exc:
            raise ValueError(
                f"{type(extractor).__name__} failed on batch {index} (clips of "
                f"{sorted({len(c) for c in clips})} samples at {self.sampling_rate_} Hz): {exc}."
                " Clips may be too short for it: an AST filterbank frame is 25 ms (400 "
                "samples at 16 kHz)."
            ) from exc
        inputs = {key: (value.to(device=device, dtype=dtype) if value.is_floating_point()
                        else value.to(device))
                  for key, value in inputs.items() if isinstance(value, torch.Tensor)}
        if "is_longer" in inputs:
            # No clip is longer than max_length_s now; "fusion" flags one clip of a batch of
            # short clips at random, which would fuse its copies: no clip is flagged.
            inputs["is_longer"] = torch.zeros_like(inputs["is_longer"])
        shapes = {key: tuple(value.shape) for key, value in inputs.items()}
        try:
            output = model(**inputs, output_hidden_states=self.layer is not None,
                           return_dict=True)
        except torch.cuda.OutOfMemoryError:
            raise
        except (RuntimeError, ValueError) as exc:
            raise ValueError(
                f"{type(model).__name__} failed on batch {index} (clips of "
                f"{sorted({len(c) for c in clips})} samples; inputs {shapes}, {dtype}, "
                f"{device}): {exc}. Clips may be too short for the model (its convolutions "
                "need a minimum length), or dtype may not suit the device."
            ) from exc
        pooled = self._pool(output, inputs, [len(c) for c in clips])
        pooled = pooled.float()
        if not bool(torch.isfinite(pooled).all()):
            raise ValueError(
                f"{type(model).__name__} returned NaN or infinite values on batch {index}"
                + (": half precision overflowed, use dtype='float32'."
                   if dtype in (torch.float16, torch.bfloat16) else "."))
        return pooled.cpu().numpy()

    def _pool(self, output, inputs, lengths: list[int]) -> torch.Tensor:
        if self.pooling == "projection":  # as ClapModel.get_audio_features
            projected = self.model_.audio_projection(output.pooler_output)
            return torch.nn.functional.normalize(projected, dim=-1)
        if self.pooling == "pooler":
            pooled = getattr(output, "pooler_output", None)
            if pooled is None:
                raise ValueError(
                    f"pooling='pooler': {type(self.model_).__name__} returns no pooled output; "
                    "use pooling='mean'.")
            return pooled
        hidden = output.last_hidden_state if self.layer is None else (
            output.hidden_states[self.layer])
        if self.pooling == "cls":
            return hidden[:, 0]
        if hidden.dim() != 3:
            raise ValueError(
                f"{type(self.model_).__name__} returns hidden states of shape "
                f"{tuple(hidden.shape)}, not (clips, frames, features): pooling='mean' needs "
                "the latter.")
        if self.family_ == "ast":
            return self._mean_ast(hidden, lengths)
        if self.family_ == "whisper":
            n_mel = inputs["input_features"].shape[-1]
            hop = int(self.feature_extractor_.hop_length)
            frames = hidden.shape[1]
            valid = [max(1, min(frames, math.ceil(math.ceil(n / hop) * frames / n_mel)))
                     for n in lengths]
            return _masked_mean(hidden, valid)
        return hidden.mean(dim=1)  # equal-length batches: no padding

    def _mean_ast(self, hidden: torch.Tensor, lengths: list[int]) -> torch.Tensor:
        """Mean of AST's patch tokens whose time span overlaps the clip's filterbank frames."""
        config = self.model_.config
        rate = self.sampling_rate_
        window, hop = int(0.025 * rate), int(0.010 * rate)  # Kaldi fbank: 25 ms every 10 ms
        n_freq = (config.num_mel_bins - config.patch_size) // config.frequency_stride + 1
        n_time = (config.max_length - config.patch_size) // config.time_stride + 1
        patches = hidden[:, hidden.shape[1] - n_freq * n_time:]  # CLS and distillation dropped
        patches = patches.reshape(len(hidden), n_freq, n_time, -1)
        starts = torch.arange(n_time, device=hidden.device) * config.time_stride
        rows = []
        for i, n in enumerate(lengths):
            frames = min(config.max_length, 1 + (n - window) // hop) if n >= window else 1
            keep = starts < max(frames, 1)
            rows.append(patches[i][:, keep].mean(dim=(0, 1)))
        return torch.stack(rows)

    # ------------------------------------------------------------- pickle
    def __getstate__(self):
        """Store the models with ``torch.save``; loading maps them to the CPU."""
        return pack_modules(self.__dict__.copy(), ("model", "model_"))

    def __setstate__(self, state):
        self.__dict__.update(unpack_modules(state, ("model", "model_"), "HFAudioEmbedder"))


def _masked_mean(hidden: torch.Tensor, valid: list[int]) -> torch.Tensor:
    """Mean over the first ``valid[i]`` frames of row ``i`` of ``(n, frames, dim)``."""
    mask = (torch.arange(hidden.shape[1], device=hidden.device)[None, :]
            < torch.as_tensor(valid, device=hidden.device)[:, None]).to(hidden.dtype)
    return (hidden * mask[..., None]).sum(dim=1) / mask.sum(dim=1, keepdim=True)
