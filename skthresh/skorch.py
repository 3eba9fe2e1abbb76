"""skorch networks for multi-label classification.

skorch turns a torch module into a scikit-learn estimator, but its
classifiers are multiclass (``NeuralNetClassifier``, softmax over classes) or
binary (``NeuralNetBinaryClassifier``, one output). This module adds
:class:`NeuralNetMultiLabelClassifier`: a module that returns one logit per
label, trained with binary cross-entropy or any loss of :mod:`skthresh.losses`
(JDT losses, also on soft targets), whose ``predict_proba`` gives per-label
sigmoid probabilities and whose ``predict`` applies per-label thresholds. It
works in :class:`~sklearn.pipeline.Pipeline`,
:class:`~sklearn.model_selection.GridSearchCV` and
:class:`~skthresh.ThresholdOptimizedClassifier`, and runs on CPU or CUDA
through skorch's ``device`` parameter.

:class:`MultiLabelMLP` is a tiny multi-layer perceptron module returning
logits, for examples, tests and embeddings.

skorch is a core dependency of skthresh, like torch: this module is
importable wherever skthresh is installed.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import contextmanager
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.base import ClassifierMixin
from skorch import NeuralNet
from skorch.dataset import ValidSplit
from skorch.utils import is_dataset, is_pandas_ndframe, to_tensor

from ._policies import apply_thresholds
from ._validation import check_thresholds, check_unit_interval, resolve_device

__all__ = ["MultiLabelMLP", "NeuralNetMultiLabelClassifier"]

# Not stratified: stratification needs a 1-D class target. ValidSplit holds no
# state, so one shared default instance is safe (clone deep-copies it).
_DEFAULT_TRAIN_SPLIT = ValidSplit(5, stratified=False)
_NUMPY_DTYPES = {torch.float16: np.float16, torch.float32: np.float32,
                 torch.float64: np.float64}
# Input layers whose expected input is known: floating features (Linear: the last
# axis, convolutions: the channels on axis 1) or integer indices (embeddings).
_CONV_LAYERS = {torch.nn.Conv1d: 1, torch.nn.Conv2d: 2, torch.nn.Conv3d: 3}
_FLOAT_INPUT_LAYERS = (torch.nn.Linear, *_CONV_LAYERS)
_INDEX_INPUT_LAYERS = (torch.nn.Embedding, torch.nn.EmbeddingBag)


class MultiLabelMLP(torch.nn.Module):
    """A small multi-layer perceptron that returns one logit per label.

    ``Linear -> ReLU -> Dropout`` for each hidden layer, then a linear layer
    with ``n_labels`` outputs and no final activation (the logits that
    :class:`NeuralNetMultiLabelClassifier` and the losses expect).

    Parameters
    ----------
    n_features : int
        Number of input features.
    n_labels : int
        Number of labels (output logits).
    hidden : int or sequence of int, default=64
        Width of the hidden layer, or of each hidden layer; ``0`` or ``()``
        gives a linear model (multi-label logistic regression).
    dropout : float, default=0.0
        Dropout probability after each hidden layer.

    Examples
    --------
    >>> import torch
    >>> module = MultiLabelMLP(n_features=8, n_labels=3, hidden=16)
    >>> tuple(module(torch.zeros(5, 8)).shape)
    (5, 3)
    """

    def __init__(self, n_features: int, n_labels: int, hidden=64, dropout: float = 0.0):
        super().__init__()
        widths = [] if hidden in (0, None) else (
            [hidden] if isinstance(hidden, Integral) else list(hidden))
        for name, value in [("n_features", n_features), ("n_labels", n_labels),
                            *[("hidden", w) for w in widths]]:
            if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}.")
        if not isinstance(dropout, Real) or not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be a float in [0, 1), got {dropout!r}.")
        self.n_features, self.n_labels = int(n_features), int(n_labels)
        layers: list[torch.nn.Module] = []
        width = self.n_features
        for w in widths:
            layers += [torch.nn.Linear(width, int(w)), torch.nn.ReLU()]
            if dropout > 0:
                layers.append(torch.nn.Dropout(dropout))
            width = int(w)
        layers.append(torch.nn.Linear(width, self.n_labels))
        self.layers = torch.nn.Sequential(*layers)

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return self.layers(X)


def _to_numpy_targets(y) -> np.ndarray:
    if isinstance(y, torch.Tensor):
        return y.detach().cpu().numpy()
    if sp.issparse(y):
        return y.toarray()
    return np.asarray(y)


def _check_multilabel_targets(y) -> np.ndarray:
    """Validate a multi-label target and return it as float32 ``(n, L)``.

    Accepts hard 0/1 labels (int, bool or float) and soft targets in
    ``[0, 1]``, as a numpy array, a list, a pandas DataFrame, a scipy sparse
    matrix or a torch tensor.

    Raises
    ------
    ValueError
        For a 1-D (multiclass or binary) target, non-numeric (strings,
        categories) or non-finite values, or values outside ``[0, 1]``.
    """
    arr = _to_numpy_targets(y)
    if arr.dtype == bool:
        arr = arr.astype(np.float32)
    if not np.issubdtype(arr.dtype, np.number) or np.iscomplexobj(arr):
        raise ValueError(
            "y must hold numbers: 0/1 labels or soft targets in [0, 1], one column per label; "
            f"got dtype {arr.dtype}. Encode string or categorical labels as an indicator matrix "
            "first, e.g. with sklearn.preprocessing.MultiLabelBinarizer."
        )
    if arr.ndim == 1:
        raise ValueError(
            "NeuralNetMultiLabelClassifier needs a 2-D multi-label target of shape "
            f"(n_samples, n_labels); got a 1-D array of shape {arr.shape}. For a multiclass "
            "target use skorch.NeuralNetClassifier, or turn it into an indicator matrix with "
            "sklearn.preprocessing.LabelBinarizer; for one binary label pass y.reshape(-1, 1)."
        )
    if arr.ndim != 2 or arr.shape[0] < 1 or arr.shape[1] < 1:
        raise ValueError(
            "y must have shape (n_samples, n_labels) with n_samples >= 1 and n_labels >= 1; "
            f"got shape {arr.shape}."
        )
    if not np.all(np.isfinite(arr)):
        raise ValueError("y must hold finite values (0/1 labels or soft targets in [0, 1]); "
                         "it contains NaN or infinite values.")
    check_unit_interval(arr, "y")
    return np.ascontiguousarray(arr, dtype=np.float32)


def _input_layer(module):
    """The layer that receives ``X`` first, where that is knowable; else None.

    Knowable for :class:`MultiLabelMLP`, a plain :class:`torch.nn.Sequential`
    (its first layer) and a bare Linear, convolution or embedding layer; any
    other module's ``forward`` may do anything with ``X``.
    """
    for _ in range(100):  # nested Sequentials
        if type(module) is MultiLabelMLP:
            module = module.layers
        elif type(module) is torch.nn.Sequential and len(module):
            module = module[0]
        else:
            break
    return module if isinstance(module, _FLOAT_INPUT_LAYERS + _INDEX_INPUT_LAYERS) else None


def _as_array_input(X):
    """A numeric DataFrame, Series or list of rows as a numpy array; other X unchanged.

    skorch passes a DataFrame to the module as keyword arguments (one per
    column) and a list as several inputs; a numeric DataFrame and a list of
    plain rows (scikit-learn's forms of a feature matrix) are one array here.
    """
    if is_pandas_ndframe(X):
        dtypes = list(X.dtypes) if X.ndim == 2 else [X.dtype]
        if dtypes and all(isinstance(dt, np.dtype) and dt.kind in "biuf" for dt in dtypes):
            return X.to_numpy(dtype=np.result_type(*dtypes))
        return X
    if isinstance(X, (list, tuple)) and len(X) and not any(
            isinstance(x, (np.ndarray, torch.Tensor, Mapping)) or is_pandas_ndframe(x)
            or sp.issparse(x) for x in X):
        try:
            return np.asarray(X)
        except ValueError as exc:
            raise ValueError(
                "X is a list that is not a rectangular array (rows of different lengths?); "
                "pass a 2-D array of shape (n_samples, n_features)."
            ) from exc
    return X


def _describe(x) -> str:
    if isinstance(x, torch.Tensor):
        return f"of shape {tuple(x.shape)} (dtype {x.dtype}, device {x.device})"
    if isinstance(x, Mapping):
        return "with keys " + ", ".join(
            f"{k!r} {_describe(v)}" for k, v in x.items())
    return f"of type {type(x).__name__}"


class NeuralNetMultiLabelClassifier(ClassifierMixin, NeuralNet):
    """skorch network for multi-label classification (one sigmoid per label).

    The module maps a batch of inputs to logits of shape
    ``(n_samples, n_labels)``. Training minimises ``criterion(logits, y)``
    with ``y`` a float32 ``(n_samples, n_labels)`` target, hard (0/1) or soft
    (values in ``[0, 1]``: label smoothing, averaged annotator votes,
    distillation). :meth:`predict_proba` returns ``sigmoid(logits)`` and
    :meth:`predict` applies one threshold per label.

    All parameters of :class:`skorch.NeuralNet` are accepted (``optimizer``,
    ``lr``, ``max_epochs``, ``batch_size``, ``callbacks``, ``device``,
    ``module__<name>``, ``criterion__<name>``, ``optimizer__<name>``...), and
    tunable with ``set_params`` and :class:`~sklearn.model_selection.GridSearchCV`.
    Only the parameters whose default or meaning differ are listed here.

    Read more in :ref:`audio`.

    Parameters
    ----------
    module : torch module class or instance
        Returns one logit per label. With a class, its constructor arguments
        are given as ``module__<name>=value``, e.g. :class:`MultiLabelMLP`
        with ``module__n_features`` and ``module__n_labels``.
    criterion : torch module class, default=torch.nn.BCEWithLogitsLoss
        Loss called as ``criterion(logits, y)``. Any loss of
        :mod:`skthresh.losses` works (``JaccardMetricLoss``,
        ``DiceSemimetricLoss``, ``CompatibleTverskyLoss``, ``BCEWithJDTLoss``,
        all with ``from_logits=True`` by default), configured with
        ``criterion__<name>=value``.
    train_split : callable or None, default=ValidSplit(5, stratified=False)
        Hold-out split for the validation loss, as in skorch, but **not
        stratified**: stratification needs a 1-D class target, which a
        multi-label target is not. ``None`` trains on all the data.
    threshold : float or array-like of shape (n_labels,), default=0.5
        Decision threshold on the probabilities, one for all labels or one per
        label (e.g. the ``thresholds_`` learned by
        :class:`~skthresh.ThresholdOptimizedClassifier` on this net).
        :meth:`predict` returns ``predict_proba(X) >= threshold``: a
        probability equal to its threshold is a positive. Checked as
        :func:`skthresh.apply_thresholds` checks its thresholds (in
        :meth:`fit`, before training, and in :meth:`predict`): ``+inf``
        never predicts its label, ``-inf`` always does, NaN is refused.
    device : str, torch.device or None, default="cpu"
        Where the module runs: ``"cpu"``, ``"cuda"``, ``"cuda:1"``... or
        ``"auto"`` (CUDA when available, else CPU), resolved as everywhere in
        skthresh (see :ref:`devices`): CUDA asked for on a machine without
        it, or another device type (``"mps"``...), raises a ``ValueError``
        before the module is built. ``None`` is skorch's "do not move
        anything".
    predict_nonlinearity : callable, None or "auto", default=torch.sigmoid
        Maps the module's output to probabilities in :meth:`predict_proba`.
        The sigmoid of the logits, whatever the criterion (skorch's own
        ``"auto"`` only recognises BCE and cross-entropy losses and would
        return ``(n, 2, L)`` arrays for BCE). ``"auto"`` is accepted and means
        the sigmoid here as well; ``None`` returns the raw outputs (for a
        module that already ends in a sigmoid). The loss never sees it.
    **kwargs
        Any other :class:`skorch.NeuralNet` parameter.

    Attributes
    ----------
    classes_ : ndarray of shape (n_labels,)
        ``np.arange(n_labels)``, the label indices (set by :meth:`fit`).
    n_features_in_ : int
        Number of columns of ``X`` in :meth:`fit`, when ``X`` was a 2-D array
        or tensor; later calls must pass as many.
    device_ : torch.device or None
        The resolved ``device`` (``"auto"`` made concrete).
    module_, criterion_, optimizer_, history_
        As in :class:`skorch.NeuralNet`.

    See Also
    --------
    MultiLabelMLP : a small module returning logits.
    skthresh.ThresholdOptimizedClassifier : learns ``threshold`` from
        out-of-fold probabilities of this net.

    Notes
    -----
    ``X`` passes to the module as skorch passes it (numpy arrays, tensors,
    dicts, datasets). A numeric DataFrame and a list of rows are taken as one
    array. A floating-point numpy array, tensor or DataFrame ``X``
    is cast to the dtype of the module's parameters (float32 usually), so float64 arrays from
    scikit-learn work unchanged; the targets are cast to float32 (and to the
    dtype of the logits in the loss).

    An array or tensor ``X`` is checked before torch sees it: sparse
    matrices (``TypeError``), non-numeric, complex, empty or non-finite
    values, a number of rows other than ``y``'s and, after :meth:`fit`, a
    number of columns other than ``n_features_in_`` raise. Where the
    module's input layer is knowable (:class:`MultiLabelMLP`, a plain
    :class:`torch.nn.Sequential`, or a bare Linear, convolution or embedding
    layer) its size and dtype are checked too: integer or boolean ``X`` for a
    Linear or convolution layer, floating ``X`` for an embedding, a wrong
    number of features or channels. Any other failure of the module on a
    batch is re-raised as a ``ValueError`` naming the batch's shape and
    dtype, and NaN or infinite outputs (a diverged training) raise in
    :meth:`predict_proba` rather than predicting nothing.

    ``score`` is scikit-learn's subset accuracy (exact match of the label
    sets); use ``scoring="f1_micro"`` and friends in model selection.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_multilabel_classification
    >>> from skthresh.skorch import MultiLabelMLP, NeuralNetMultiLabelClassifier
    >>> X, Y = make_multilabel_classification(n_samples=200, n_classes=4, random_state=0)
    >>> net = NeuralNetMultiLabelClassifier(
    ...     MultiLabelMLP, module__n_features=X.shape[1], module__n_labels=4,
    ...     max_epochs=5, lr=0.05, optimizer=torch.optim.Adam, train_split=None, verbose=0,
    ... ).fit(X, Y)
    >>> proba = net.predict_proba(X[:3])
    >>> proba.shape, bool(((proba >= 0) & (proba <= 1)).all())
    ((3, 4), True)
    >>> net.set_params(threshold=[0.5, 0.3, 0.3, 0.7]).predict(X[:3]).shape
    (3, 4)
    """

    # scikit-learn < 1.6 and some third-party code read this attribute; the
    # tags below are what scikit-learn >= 1.6 uses.
    _estimator_type = "classifier"

    def __init__(
            self,
            module,
            *args,
            criterion=torch.nn.BCEWithLogitsLoss,
            train_split=_DEFAULT_TRAIN_SPLIT,
            threshold=0.5,
            predict_nonlinearity=torch.sigmoid,
            **kwargs
    ):
        super().__init__(
            module,
            *args,
            criterion=criterion,
            train_split=train_split,
            predict_nonlinearity=predict_nonlinearity,
            **kwargs,
        )
        self.threshold = threshold

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        tags.classifier_tags.multi_label = True
        tags.target_tags.required = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        tags.non_deterministic = True  # weight initialisation and batch shuffling
        return tags

    # --------------------------------------------------------------- device
    def _resolved_device(self):
        """``device`` as a :class:`torch.device` (None stays None: skorch moves nothing)."""
        return None if self.device is None else resolve_device(self.device)

    @contextmanager
    def _concrete_device(self):
        """Let skorch see the resolved device (``"auto"`` made concrete) while it works."""
        requested = self.device
        resolved = self._resolved_device()
        self.device = resolved
        try:
            yield resolved
        finally:
            if self.device is resolved:  # skorch may have moved it (load_params fallback)
                self.device = requested

    def initialize(self):
        """Check ``device`` (with :func:`~skthresh._validation.resolve_device`), then initialise."""
        with self._concrete_device() as device:
            super().initialize()
            self.device_ = device
        return self

    def _initialize_module(self, reason=None):
        with self._concrete_device():
            return super()._initialize_module(reason=reason)

    def _initialize_criterion(self, reason=None):
        with self._concrete_device():
            return super()._initialize_criterion(reason=reason)

    def load_params(self, *args, **kwargs):
        """As :meth:`skorch.NeuralNet.load_params`, on the resolved device."""
        with self._concrete_device():
            return super().load_params(*args, **kwargs)

    def __setstate__(self, state):
        requested = state.get("device")
        auto = isinstance(requested, str) and requested == "auto"
        if auto:  # "auto" on the machine that loads the net
            state["device"] = resolve_device("auto")
        super().__setstate__(state)
        if auto:
            self.device = "auto"
        if "device_" in self.__dict__:
            self.device_ = self._resolved_device()

    # ------------------------------------------------------------------ fit
    def _check_y(self, X, y):
        if y is None:
            if is_dataset(X):
                return None  # the dataset yields its own targets
            raise ValueError(
                "NeuralNetMultiLabelClassifier.fit needs y, an (n_samples, n_labels) target "
                "(or X a torch Dataset that yields the targets)."
            )
        y = _check_multilabel_targets(y)
        check_thresholds(self.threshold, y.shape[1], name="threshold")  # before any training
        return y

    def _forget_n_features(self) -> None:
        self.__dict__.pop("n_features_in_", None)

    def _check_X(self, X, y=None, *, reset: bool):
        """``X`` checked against the module, ``fit`` and ``y``, before torch sees it.

        A numpy array or tensor must be dense, real, non-empty and finite; its
        number of columns must match ``fit``'s (``n_features_in_``) and, where
        the module's input layer is knowable (see :func:`_input_layer`), the
        layer's size and dtype. Datasets, dicts and lists of several inputs
        pass unchanged.
        """
        if sp.issparse(X):
            raise TypeError(
                "X is a scipy sparse matrix, but NeuralNetMultiLabelClassifier needs dense X "
                "(the module takes dense tensors): pass X.toarray(), or a torch Dataset that "
                "yields dense tensors."
            )
        X = _as_array_input(X)
        if not isinstance(X, (np.ndarray, torch.Tensor)):
            if reset:
                self._forget_n_features()
            return X
        if isinstance(X, np.ndarray) and X.dtype.kind == "O":
            try:
                X = X.astype(np.float64)
            except (TypeError, ValueError):
                pass
        if isinstance(X, torch.Tensor):
            kind = ("c" if X.is_complex() else "f" if X.is_floating_point()
                    else "b" if X.dtype == torch.bool else "i")
        else:
            kind = X.dtype.kind
        if kind not in "biuf":
            hint = "" if kind == "c" else (" Encode strings or categories as numbers first "
                                           "(e.g. with sklearn.preprocessing.OneHotEncoder).")
            raise ValueError(f"X must hold real numbers; got dtype {X.dtype}.{hint}")
        shape = tuple(X.shape)
        if len(shape) == 0 or shape[0] == 0:
            raise ValueError(f"X has no samples (shape {shape}); it needs one row per sample.")
        if y is not None and shape[0] != len(y):
            raise ValueError(f"X has {shape[0]} samples but y has {len(y)}.")
        if kind == "f" and not bool((torch.isfinite(X) if isinstance(X, torch.Tensor)
                                     else np.isfinite(X)).all()):
            raise ValueError(
                "X contains NaN or infinite values: the module would turn them into NaN "
                "probabilities. Impute or drop them first (e.g. sklearn.impute.SimpleImputer)."
            )
        fitted = getattr(self, "n_features_in_", None)
        if not reset and fitted is not None and (len(shape) != 2 or shape[1] != fitted):
            got = f"{shape[1]} features" if len(shape) == 2 else f"shape {shape}"
            raise ValueError(
                f"X has {got}, but NeuralNetMultiLabelClassifier is expecting {fitted} "
                "features as input (the number of columns of X in fit)."
            )
        self._check_X_against_module(X, kind, shape)
        if reset:
            if len(shape) == 2:
                self.n_features_in_ = shape[1]
            else:
                self._forget_n_features()
        return X

    def _check_X_against_module(self, X, kind: str, shape: tuple) -> None:
        layer = _input_layer(getattr(self, "module_", None))
        if layer is None:
            return
        name = type(layer).__name__
        if isinstance(layer, _INDEX_INPUT_LAYERS):
            if kind not in "iu":
                raise ValueError(
                    f"X has dtype {X.dtype}, but the module's input layer ({name}) takes "
                    "integer indices."
                )
            return
        if kind in "biu":
            raise ValueError(
                f"X has {'boolean' if kind == 'b' else 'integer'} dtype {X.dtype}, but the "
                f"module's input layer ({layer}) takes floating-point input: pass "
                f"{'X.float()' if isinstance(X, torch.Tensor) else 'X.astype(np.float32)'}."
            )
        if isinstance(layer, torch.nn.modules.lazy.LazyModuleMixin):
            return  # its size is set by the first batch
        if isinstance(layer, torch.nn.Linear):
            if len(shape) < 2:
                raise ValueError(
                    f"X must be 2-D, (n_samples, n_features); got shape {shape}. Reshape one "
                    "feature with X.reshape(-1, 1), one sample with X.reshape(1, -1)."
                )
            if shape[-1] != layer.in_features:
                hint = (f"build the module for it with module__n_features={shape[-1]}"
                        if type(self.module_) is MultiLabelMLP
                        else f"build the module for {shape[-1]} input features")
                raise ValueError(
                    f"X has {shape[-1]} features, but the module's input layer ({layer}) takes "
                    f"{layer.in_features}: pass X with {layer.in_features} columns, or {hint}."
                )
            return
        dims = _CONV_LAYERS[type(layer)] if type(layer) in _CONV_LAYERS else None
        if dims is not None and len(shape) != dims + 2:  # one sample: (channels, *lengths)
            raise ValueError(
                f"X has shape {shape}, but the module's input layer ({name}) takes inputs of "
                f"shape (n_samples, channels, {', '.join(['length'] * dims)})."
            )
        if dims is not None and shape[1] != layer.in_channels:
            raise ValueError(
                f"X has {shape[1]} channels (axis 1), but the module's input layer ({layer}) "
                f"takes {layer.in_channels}."
            )

    def _set_classes(self, y, *, keeps_module: bool) -> None:
        """Set ``classes_``; a net trained further must keep its number of labels."""
        if y is None:
            return
        previous = getattr(self, "classes_", None)
        if keeps_module and previous is not None and len(previous) != y.shape[1]:
            raise ValueError(
                f"y has {y.shape[1]} labels but the net was fitted with {len(previous)} "
                "labels; fit it anew (warm_start=False) to change the labels."
            )
        self.classes_ = np.arange(y.shape[1])

    def fit(self, X, y, **fit_params):
        """Initialise and train the module on a multi-label target.

        Parameters
        ----------
        X : input data
            Anything skorch accepts (numpy array, tensor, dict, Dataset...).
            An array or tensor must be dense, real-valued and finite, with
            the number of features the module takes (checked where the
            module's input layer is knowable).
        y : array-like of shape (n_samples, n_labels)
            Hard 0/1 labels or soft targets in ``[0, 1]``; cast to float32.
            ``None`` only when ``X`` is a Dataset that yields the targets.
        **fit_params : dict
            Passed to skorch (the module's ``forward`` and ``train_split``).

        Returns
        -------
        self : NeuralNetMultiLabelClassifier
        """
        y = self._check_y(X, y)
        fresh = not self.warm_start or not self.initialized_
        self._set_classes(y, keeps_module=not fresh)
        self._fit_resets = fresh  # read by partial_fit, which skorch's fit calls
        try:
            with self._concrete_device():
                super().fit(X, y, **fit_params)
        finally:
            self.__dict__.pop("_fit_resets", None)
        return self

    def partial_fit(self, X, y=None, classes=None, **fit_params):
        """Train the module further (no re-initialisation); see :meth:`fit`.

        ``classes`` is accepted for scikit-learn compatibility and unused.
        """
        reset = self.__dict__.pop("_fit_resets", False)
        y = self._check_y(X, y)
        with self._concrete_device():
            if not self.initialized_:
                self.initialize()
                reset = True
            self._set_classes(y, keeps_module=not reset)
            X = self._check_X(X, y, reset=reset)
            return super().partial_fit(X, y, classes=classes, **fit_params)

    def _input_dtype(self):
        module = getattr(self, "module_", None)
        if isinstance(module, torch.nn.Module):
            for param in module.parameters():
                if param.is_floating_point():
                    return param.dtype
        return torch.float32

    def get_dataset(self, X, y=None):
        """skorch's dataset, after casting a floating ``X`` to the module's dtype.

        A floating numpy array, torch tensor or numeric pandas DataFrame is
        cast to the dtype of the module's parameters, so float64 data from
        scikit-learn fits a float32 module. Other inputs pass unchanged.
        """
        X = _as_array_input(X)
        wanted = _NUMPY_DTYPES.get(self._input_dtype())
        if wanted is not None:
            if isinstance(X, np.ndarray) and np.issubdtype(X.dtype, np.floating) \
                    and X.dtype != wanted:
                X = X.astype(wanted)
            elif isinstance(X, torch.Tensor) and X.is_floating_point() \
                    and X.dtype != self._input_dtype():
                X = X.to(self._input_dtype())
        return super().get_dataset(X, y)

    def infer(self, x, **fit_params):
        """The module's output on a batch; a failure of the module names the batch."""
        with self._concrete_device():
            try:
                return super().infer(x, **fit_params)
            except torch.cuda.OutOfMemoryError:
                raise
            except RuntimeError as exc:
                raise ValueError(
                    f"The module {type(self.module_).__name__} failed on a batch of X "
                    f"{_describe(to_tensor(x, device=None))}: {exc}\nCheck that X matches "
                    "the input the module expects (number of features, shape, dtype)."
                ) from exc

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """Criterion of the logits and the targets (cast to the logits' dtype)."""
        y_true = to_tensor(y_true, device=self._resolved_device())
        if isinstance(y_pred, torch.Tensor) and isinstance(y_true, torch.Tensor):
            if y_pred.shape != y_true.shape:
                raise ValueError(
                    f"The module returned an output of shape {tuple(y_pred.shape)} for targets "
                    f"of shape {tuple(y_true.shape)}: it must return one logit per label, "
                    "(n_samples, n_labels)."
                )
            y_true = y_true.to(dtype=y_pred.dtype, device=y_pred.device)
        return self.criterion_(y_pred, y_true)

    # -------------------------------------------------------------- predict
    def _get_predict_nonlinearity(self):
        if isinstance(self.predict_nonlinearity, str) and self.predict_nonlinearity == "auto":
            self.check_is_fitted()
            return torch.sigmoid
        return super()._get_predict_nonlinearity()

    def forward_iter(self, X, training=False, device="cpu"):
        """skorch's batched forward pass, after checking ``X`` against :meth:`fit`."""
        self.check_is_fitted()
        X = self._check_X(X, reset=False)
        yield from super().forward_iter(X, training=training, device=device)

    def predict_proba(self, X):
        """Per-label probabilities, the sigmoid of the module's logits.

        Parameters
        ----------
        X : input data
            Anything skorch accepts; an array or tensor must have the
            features ``X`` had in :meth:`fit`.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_labels)
            Probabilities in ``[0, 1]`` (float32 for a float32 module).

        Raises
        ------
        ValueError
            If ``X`` does not match :meth:`fit`'s, or the module returns NaN
            or infinite values (a diverged training).
        """
        proba = super().predict_proba(X)
        if proba.ndim == 1:
            proba = proba[:, None]
        if np.issubdtype(proba.dtype, np.number) and not np.isfinite(proba).all():
            bad = np.flatnonzero(~np.isfinite(proba).all(axis=0))
            raise ValueError(
                f"The module returned NaN or infinite outputs (label column(s) "
                f"{bad[:10].tolist()}): the training probably diverged (try a lower lr) or X "
                "holds extreme values."
            )
        return proba

    def predict(self, X):
        """Predicted label sets: ``predict_proba(X) >= threshold``, label by label.

        Parameters
        ----------
        X : input data
            Anything skorch accepts.

        Returns
        -------
        Y_pred : ndarray of shape (n_samples, n_labels), dtype int64
            1 where the probability reaches the label's threshold (``>=``).
        """
        proba = self.predict_proba(X)
        return apply_thresholds(proba, check_thresholds(self.threshold, proba.shape[1],
                                                        name="threshold"))
