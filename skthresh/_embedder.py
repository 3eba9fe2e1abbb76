"""TorchEmbedder: a frozen, already trained torch module as a scikit-learn transformer.

A pretrained audio network (PANNs, BEATs, an in-house CNN) turns clips into
embeddings; :class:`TorchEmbedder` makes that step the first stage of a
:class:`~sklearn.pipeline.Pipeline`, so that a classifier, its thresholds
(:class:`~skthresh.ThresholdOptimizedClassifier`) and
:class:`~sklearn.model_selection.GridSearchCV` can sit on top. It never trains
the module and never downloads anything: you build or load the module
yourself, for instance from a checkpoint file::

    import torch
    from skthresh import TorchEmbedder

    net = MyAudioNet(n_mels=64)                       # your architecture
    state = torch.load("checkpoint.pt", map_location="cpu", weights_only=True)
    net.load_state_dict(state)                        # or state["model"], as saved
    embedder = TorchEmbedder(net.trunk, batch_size=32, device="auto")

or from a ``torch.hub``/``timm``-style constructor whose weights are already
in the local cache (``torch.hub.load(..., source="local")``,
``timm.create_model(name, pretrained=True, pretrained_cfg_overlay=dict(file=...))``).
See :ref:`audio` for the whole recipe.
"""

from __future__ import annotations

import io
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ._progress import Progress, bar
from ._validation import resolve_device
from ._warnings import warn
from .exceptions import SkthreshWarning

__all__ = ["TorchEmbedder"]

_POOLINGS = ("mean", "max")


def _resolve_dtype(dtype) -> torch.dtype:
    if isinstance(dtype, torch.dtype):
        resolved = dtype
    else:
        resolved = getattr(torch, str(dtype).removeprefix("torch."), None)
    if not isinstance(resolved, torch.dtype) or not resolved.is_floating_point:
        raise ValueError(
            f"dtype must be a floating torch dtype or its name ('float32', 'float64', "
            f"'float16', 'bfloat16'); got {dtype!r}."
        )
    return resolved


def pack_modules(state: dict, keys: tuple[str, ...]) -> dict:
    """``state`` (an embedder's ``__dict__`` copy) with its torch modules saved as bytes.

    Each ``state[key]`` that is a :class:`torch.nn.Module` becomes
    ``state["_<key>_bytes"]``, written by ``torch.save`` so that
    :func:`unpack_modules` can map it to the CPU.
    """
    for key in keys:
        if isinstance(state.get(key), torch.nn.Module):
            buffer = io.BytesIO()
            torch.save(state.pop(key), buffer)
            state[f"_{key}_bytes"] = buffer.getvalue()
    return state


def unpack_modules(state: dict, keys: tuple[str, ...], owner: str) -> dict:
    """The state :func:`pack_modules` wrote, modules loaded on the CPU.

    A ``device`` asking for CUDA where CUDA is missing becomes ``"cpu"``, with
    a warning naming ``owner``.
    """
    for key in keys:
        data = state.pop(f"_{key}_bytes", None)
        if data is not None:
            # The whole module object is unpickled (not only tensors), as pickle itself
            # would; only load pickles you trust.
            state[key] = torch.load(io.BytesIO(data), map_location="cpu", weights_only=False)
    device = state.get("device", "cpu")
    wants_cuda = (isinstance(device, torch.device) and device.type == "cuda") or (
        isinstance(device, str) and device.startswith("cuda"))
    if wants_cuda and not torch.cuda.is_available():
        warn(f"This {owner} was saved with device={device!r} but CUDA is not available "
             "here; it now runs on the CPU (device='cpu').", SkthreshWarning)
        state["device"] = "cpu"
        if "device_" in state:
            state["device_"] = torch.device("cpu")
    return state


def _is_sequence_of_clips(X) -> bool:
    return isinstance(X, (list, tuple))


def _refuse_empty_clips(kind: str, data) -> None:
    """Raise when a clip holds no values (a time axis of length 0, say).

    The module would embed nothing, or the padding that ``pooling=None``
    adds, as an ordinary-looking embedding.
    """
    if kind == "list":
        empty = [i for i, clip in enumerate(data) if clip.size == 0]
        shapes = sorted({data[i].shape for i in empty})
    else:
        empty = list(range(len(data))) if data.size == 0 else []
        shapes = [data.shape[1:]]
    if empty:
        rows = str(empty[:10])[:-1] + (", ...]" if len(empty) > 10 else "]")
        raise ValueError(
            f"X holds {len(empty)} empty clip(s), of shape {', '.join(map(str, shapes))}, at "
            f"row(s) {rows}: there is nothing to embed. Drop them, or give each clip at least "
            "one sample (the last axis is time)."
        )


class TorchEmbedder(TransformerMixin, BaseEstimator):
    """Run a frozen, already trained torch module as a scikit-learn transformer.

    :meth:`transform` feeds ``X`` to ``module`` in batches, in eval mode and
    under :func:`torch.inference_mode` (no gradients, no training), on
    ``device``, and returns the outputs as one 2-D numpy array, one row per
    input. :meth:`fit` only checks the input and the parameters: the module
    is never trained, and nothing is downloaded. Put it first in a
    :class:`~sklearn.pipeline.Pipeline` to classify embeddings of a
    pretrained network.

    Read more in :ref:`audio`.

    Parameters
    ----------
    module : torch.nn.Module
        The trained network, already built and loaded (for instance with
        ``module.load_state_dict(torch.load(path, map_location="cpu"))``).
        It is moved to ``device`` and put in eval mode while :meth:`transform`
        runs (its train/eval mode is restored afterwards). It may return a
        tensor, or a tuple whose first element is the embedding.
    batch_size : int, default=64
        Number of inputs per forward call.
    device : str or torch.device, default="cpu"
        Where the module runs: ``"cpu"``, ``"cuda"``, ``"cuda:1"``... or
        ``"auto"`` (CUDA when available, else CPU). Asking for CUDA on a
        machine without it, or for another device type (``"mps"``...),
        raises a ``ValueError`` in :meth:`fit` and in :meth:`transform`.
    dtype : str or torch.dtype, default="float32"
        dtype of the input tensors (``"float32"``, ``"float64"``,
        ``"float16"``, ``"bfloat16"``); it must match the module's weights.
        Half-precision outputs are returned as float32.
    pooling : {None, "mean", "max"}, default=None
        What to do with time. By convention the **last axis is time**, for
        inputs (``(n, time)``, ``(n, channels, time)``,
        ``(n, n_mels, time)``...) and for outputs with more than 2 dimensions:

        * ``None``: a list of variable-length clips is padded, batch by
          batch, at the end of the time axis with ``pad_value`` to the
          longest clip of the batch (clips are sorted by length first, so
          batches hold similar lengths and little padding); outputs with
          more than 2 dimensions are flattened to ``(n, -1)``.
        * ``"mean"`` or ``"max"``: nothing is padded; clips of a list that
          share a shape are batched together and the others run alone;
          outputs are pooled over their last axis until they are 2-D (for a
          frame-level module that returns ``(n, dim, frames)``).
    pad_value : float, default=0.0
        Value that pads variable-length clips when ``pooling=None``; finite.
    verbose : int, default=0
        ``> 0`` prints a progress line (batches done, seconds) in
        :meth:`transform`, one line at most every second and the last one
        (each line is also logged on the ``skthresh`` logger at DEBUG).

    Attributes
    ----------
    device_ : torch.device
        The resolved device (``"auto"`` made concrete).
    input_shape_ : tuple
        Shape of one input seen in :meth:`fit`, ``None`` standing for a
        variable time axis (a list of clips).
    n_features_in_ : int
        Number of columns of a 2-D ``X`` seen in :meth:`fit` (only then).

    See Also
    --------
    skthresh.ThresholdOptimizedClassifier : learns per-label thresholds on top.
    skthresh.skorch.NeuralNetMultiLabelClassifier : trains a multi-label head.

    Notes
    -----
    Inputs must match what the module expects; if the module fails on a
    batch, the ``RuntimeError`` is re-raised as a ``ValueError`` naming the
    batch's shape and dtype. NaN or infinite inputs, and NaN or infinite
    outputs (a half-precision overflow), raise a ``ValueError`` rather than
    giving NaN embeddings. Inputs are checked in :meth:`transform` against
    :meth:`fit` on every axis but the last (time), so clips of another length
    are accepted.

    Pickling stores the module (architecture and weights) mapped to the CPU,
    so an embedder pickled on a CUDA machine loads on a CPU-only one; if its
    ``device`` asks for CUDA there, it falls back to ``"cpu"`` with a
    warning. The module's class must be importable when loading, as for any
    pickle. Only unpickle files you trust.

    Examples
    --------
    >>> import numpy as np
    >>> import torch
    >>> from skthresh import TorchEmbedder
    >>> cnn = torch.nn.Sequential(
    ...     torch.nn.Conv1d(1, 8, kernel_size=9, stride=4), torch.nn.ReLU(),
    ...     torch.nn.AdaptiveAvgPool1d(1), torch.nn.Flatten())
    >>> clips = np.random.default_rng(0).normal(size=(10, 1, 400)).astype(np.float32)
    >>> TorchEmbedder(cnn, batch_size=4).fit_transform(clips).shape
    (10, 8)
    >>> variable = [np.zeros((1, n), dtype=np.float32) for n in (300, 400, 500)]
    >>> TorchEmbedder(cnn).fit_transform(variable).shape
    (3, 8)
    """

    _parameter_constraints: dict = {
        "module": [torch.nn.Module],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "device": [str, torch.device],
        "dtype": [str, torch.dtype],
        "pooling": [StrOptions(set(_POOLINGS)), None],
        "pad_value": [Real],
        "verbose": ["verbose"],
    }

    def __init__(self, module, *, batch_size=64, device="cpu", dtype="float32", pooling=None,
                 pad_value=0.0, verbose=0):
        self.module = module
        self.batch_size = batch_size
        self.device = device
        self.dtype = dtype
        self.pooling = pooling
        self.pad_value = pad_value
        self.verbose = verbose

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = True
        tags.input_tags.three_d_array = True
        tags.non_deterministic = False
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags

    # -------------------------------------------------------------- checks
    def _check_input(self, X, *, fitting: bool):
        """Return ``("array", ndarray)`` or ``("list", [ndarray, ...])``, checked."""
        if isinstance(X, torch.Tensor):
            X = X.detach().cpu().numpy()
        if _is_sequence_of_clips(X):
            clips = [c.detach().cpu().numpy() if isinstance(c, torch.Tensor) else np.asarray(c)
                     for c in X]
            if not clips:
                raise ValueError("TorchEmbedder got an empty list of clips (0 samples).")
            ndims = {c.ndim for c in clips}
            if len(ndims) != 1 or 0 in ndims:
                raise ValueError(
                    "All clips of a list must have the same number of dimensions (>= 1, time "
                    f"last); got clips with {sorted(ndims)} dimensions."
                )
            others = {c.shape[:-1] for c in clips}
            if len(others) != 1:
                raise ValueError(
                    "Clips of a list may differ in length (the last axis) only; got clips "
                    f"with leading shapes {sorted(others)}."
                )
            kind, shape, data = "list", (*others.pop(), None), clips
        else:
            X = np.asarray(X)
            if X.ndim < 2:
                raise ValueError(
                    f"TorchEmbedder expects an array of shape (n_samples, ...) with at least 2 "
                    f"dimensions, or a list of clips; got an array of shape {X.shape}. Reshape "
                    "a single clip with X[None]."
                )
            if X.shape[0] == 0:
                raise ValueError(f"Found array with 0 sample(s) (shape={X.shape}).")
            kind, shape, data = "array", X.shape[1:], X
        arrays = data if kind == "list" else [data]
        _refuse_empty_clips(kind, data)
        if any(np.issubdtype(c.dtype, np.complexfloating) or not np.issubdtype(c.dtype, np.number)
               for c in arrays):
            raise ValueError("TorchEmbedder needs real numeric input.")
        if any(np.issubdtype(c.dtype, np.floating) and not np.isfinite(c).all() for c in arrays):
            raise ValueError(
                "X contains NaN or infinite values: the module would turn them into NaN "
                "embeddings. Clean the inputs first."
            )
        if fitting:
            self.input_shape_ = tuple(shape)
            if kind == "array" and data.ndim == 2:
                self.n_features_in_ = data.shape[1]
            elif hasattr(self, "n_features_in_"):
                del self.n_features_in_
        else:
            fitted = self.input_shape_
            if len(shape) != len(fitted) or tuple(shape[:-1]) != tuple(fitted[:-1]):
                raise ValueError(
                    f"X has inputs of shape {tuple(shape)} but TorchEmbedder was fitted on "
                    f"inputs of shape {fitted} (None: variable length); only the last (time) "
                    "axis may differ."
                )
        return kind, data

    # ----------------------------------------------------------------- API
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters and the input; the module is not run or trained.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...) or list of arrays
            Equal-length inputs, or a list of variable-length clips (time on
            the last axis).
        y : None
            Ignored.

        Returns
        -------
        self : TorchEmbedder
        """
        self.device_, _ = self._check_params()
        self._check_input(X, fitting=True)
        return self

    def _check_params(self) -> tuple[torch.device, torch.dtype]:
        """The resolved device and dtype; checked in fit and again in transform.

        ``set_params`` between the two is not validated by scikit-learn, so
        ``transform`` checks them again, with the same messages.
        """
        device = resolve_device(self.device)
        dtype = _resolve_dtype(self.dtype)
        if not np.isfinite(self.pad_value):
            raise ValueError(f"pad_value must be a finite number, got {self.pad_value!r}.")
        return device, dtype

    def transform(self, X):
        """Embed ``X`` with the frozen module.

        Parameters
        ----------
        X : array-like of shape (n_samples, ...) or list of arrays
            As in :meth:`fit`; a list may hold clips of different lengths
            (see ``pooling``).

        Returns
        -------
        embeddings : ndarray of shape (n_samples, n_outputs)
            The module's outputs in input order, flattened or pooled to 2-D
            (float32 unless the module returns float64).
        """
        check_is_fitted(self, "input_shape_")
        device, dtype = self._check_params()
        kind, data = self._check_input(X, fitting=False)
        batches = self._batches(kind, data)

        module = self.module
        was_training = module.training
        module.to(device)
        module.eval()
        progress = Progress(self.verbose)
        outputs: list[tuple[np.ndarray, np.ndarray]] = []
        try:
            with torch.inference_mode():
                for done, (rows, batch) in enumerate(batches, start=1):
                    tensor = torch.as_tensor(batch).to(device=device, dtype=dtype)
                    out = self._forward(module, tensor, done)
                    outputs.append((rows, out))
                    progress.tick(bar("TorchEmbedder", done, len(batches), progress.elapsed()),
                                  last=done == len(batches))
        finally:
            module.train(was_training)

        widths = {out.shape[1] for _, out in outputs}
        if len(widths) != 1:
            raise ValueError(
                f"The module's outputs have different sizes across batches ({sorted(widths)} "
                "after flattening): its output depends on the clip length. Use pooling='mean' "
                "or 'max' to pool the time axis of the outputs."
            )
        n = sum(len(rows) for rows, _ in outputs)
        first = outputs[0][1]
        result = np.empty((n, first.shape[1]), dtype=first.dtype)
        for rows, out in outputs:
            result[rows] = out
        return result

    # ------------------------------------------------------------ helpers
    def _batches(self, kind, data) -> list[tuple[np.ndarray, np.ndarray]]:
        """(row indices, stacked inputs) per forward call."""
        size = self.batch_size
        if kind == "array":
            return [(np.arange(i, min(i + size, len(data))), np.ascontiguousarray(data[i:i + size]))
                    for i in range(0, len(data), size)]
        lengths = np.array([c.shape[-1] for c in data])
        order = np.argsort(lengths, kind="stable")
        batches = []
        if self.pooling is None:  # pad each batch to its longest clip
            for i in range(0, len(order), size):
                rows = order[i:i + size]
                longest = int(lengths[rows].max())
                batch = np.full((len(rows), *data[rows[0]].shape[:-1], longest),
                                self.pad_value, dtype=np.result_type(*[data[r] for r in rows]))
                for j, r in enumerate(rows):
                    batch[j, ..., :lengths[r]] = data[r]
                batches.append((rows, batch))
        else:  # no padding: batch clips of one length together
            for length in np.unique(lengths):
                same = order[lengths[order] == length]
                for i in range(0, len(same), size):
                    rows = same[i:i + size]
                    batches.append((rows, np.stack([data[r] for r in rows])))
        return batches

    def _forward(self, module, tensor: torch.Tensor, index: int) -> np.ndarray:
        try:
            out = module(tensor)
        except torch.cuda.OutOfMemoryError:
            raise
        except RuntimeError as exc:
            raise ValueError(
                f"The module {type(module).__name__} failed on batch {index} of input shape "
                f"{tuple(tensor.shape)} (dtype {tensor.dtype}, device {tensor.device}): {exc}\n"
                "Check that X matches the input the module expects (number of channels, "
                "feature size, dtype), that batch_size and the clip lengths suit it, and "
                "that dtype matches the module's weights."
            ) from exc
        if isinstance(out, (tuple, list)):
            out = out[0]
        if isinstance(out, dict):
            raise TypeError(
                f"The module returned a dict with keys {sorted(out)}; TorchEmbedder needs a "
                "tensor. Wrap the module in one whose forward returns the entry you want, "
                "e.g. forward(x) = net(x)['embedding']."
            )
        if not isinstance(out, torch.Tensor):
            raise TypeError(f"The module returned {type(out).__name__}, not a tensor.")
        if out.dim() == 0 or out.shape[0] != tensor.shape[0]:
            raise ValueError(
                f"The module returned an output of shape {tuple(out.shape)} for a batch of "
                f"{tensor.shape[0]} inputs; it must return one row per input."
            )
        if out.dim() == 1:
            out = out[:, None]
        if self.pooling is None:
            out = out.reshape(out.shape[0], -1)
        else:
            while out.dim() > 2:
                out = out.mean(dim=-1) if self.pooling == "mean" else out.amax(dim=-1)
        if out.dtype in (torch.float16, torch.bfloat16) or not out.is_floating_point():
            out = out.float()
        if not bool(torch.isfinite(out).all()):
            raise ValueError(
                f"The module {type(module).__name__} returned NaN or infinite values on batch "
                f"{index} of input shape {tuple(tensor.shape)} (dtype {tensor.dtype})"
                + (": half precision overflowed, use dtype='float32'."
                   if tensor.dtype in (torch.float16, torch.bfloat16) else ".")
            )
        return out.detach().cpu().numpy()

    # ------------------------------------------------------------- pickle
    def __getstate__(self):
        """Store the module with ``torch.save``; loading maps it to the CPU."""
        return pack_modules(self.__dict__.copy(), ("module",))

    def __setstate__(self, state):
        self.__dict__.update(unpack_modules(state, ("module",), "TorchEmbedder"))
