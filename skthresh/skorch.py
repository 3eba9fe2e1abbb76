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

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.base import ClassifierMixin
from skorch import NeuralNet
from skorch.dataset import ValidSplit
from skorch.utils import is_dataset, is_pandas_ndframe, to_tensor

from ._policies import apply_thresholds

__all__ = ["MultiLabelMLP", "NeuralNetMultiLabelClassifier"]

# Not stratified: stratification needs a 1-D class target. ValidSplit holds no
# state, so one shared default instance is safe (clone deep-copies it).
_DEFAULT_TRAIN_SPLIT = ValidSplit(5, stratified=False)
_NUMPY_DTYPES = {torch.float16: np.float16, torch.float32: np.float32,
                 torch.float64: np.float64}


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
        For a 1-D (multiclass or binary) target, non-numeric or non-finite
        values, or values outside ``[0, 1]``.
    """
    arr = _to_numpy_targets(y)
    if arr.dtype == bool:
        arr = arr.astype(np.float32)
    if not (np.issubdtype(arr.dtype, np.number)):
        raise ValueError(
            f"y must be numeric (0/1 labels or soft targets in [0, 1]); got dtype {arr.dtype}."
        )
    if arr.ndim == 1:
        raise ValueError(
            "NeuralNetMultiLabelClassifier needs a 2-D multi-label target of shape "
            f"(n_samples, n_labels); got a 1-D array of shape {arr.shape}. For a multiclass "
            "target use skorch.NeuralNetClassifier, or turn it into an indicator matrix with "
            "sklearn.preprocessing.LabelBinarizer; for one binary label pass y.reshape(-1, 1)."
        )
    if arr.ndim != 2 or arr.shape[1] < 1:
        raise ValueError(
            f"y must have shape (n_samples, n_labels) with n_labels >= 1; got shape {arr.shape}."
        )
    if np.iscomplexobj(arr) or not np.all(np.isfinite(arr)):
        raise ValueError("y must hold finite real values (0/1 labels or soft targets in [0, 1]).")
    if arr.size and (arr.min() < 0 or arr.max() > 1):
        raise ValueError(
            "y must hold 0/1 labels or soft targets in [0, 1]; got values in "
            f"[{arr.min():g}, {arr.max():g}]."
        )
    return np.ascontiguousarray(arr, dtype=np.float32)


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
        probability equal to its threshold is a positive.
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
    dicts, datasets). A floating-point numpy array, tensor or DataFrame ``X``
    is cast to the dtype of the module's parameters (float32 usually), so float64 arrays from
    scikit-learn work unchanged; the targets are cast to float32 (and to the
    dtype of the logits in the loss).

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

    # ------------------------------------------------------------------ fit
    def _check_y(self, X, y):
        if y is None:
            if is_dataset(X):
                return None  # the dataset yields its own targets
            raise ValueError(
                "NeuralNetMultiLabelClassifier.fit needs y, an (n_samples, n_labels) target "
                "(or X a torch Dataset that yields the targets)."
            )
        return _check_multilabel_targets(y)

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
        self._set_classes(y, keeps_module=self.warm_start and self.initialized_)
        return super().fit(X, y, **fit_params)

    def partial_fit(self, X, y=None, classes=None, **fit_params):
        """Train the module further (no re-initialisation); see :meth:`fit`.

        ``classes`` is accepted for scikit-learn compatibility and unused.
        """
        y = self._check_y(X, y)
        self._set_classes(y, keeps_module=self.initialized_)
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

        A floating numpy array, torch tensor or all-float pandas DataFrame is
        cast to the dtype of the module's parameters, so float64 data from
        scikit-learn fits a float32 module. Other inputs pass unchanged.
        """
        wanted = _NUMPY_DTYPES.get(self._input_dtype())
        if wanted is not None:
            if is_pandas_ndframe(X) and getattr(X, "ndim", 1) == 2 \
                    and all(np.issubdtype(dt, np.floating) for dt in X.dtypes):
                X = X.to_numpy()
            if isinstance(X, np.ndarray) and np.issubdtype(X.dtype, np.floating) \
                    and X.dtype != wanted:
                X = X.astype(wanted)
            elif isinstance(X, torch.Tensor) and X.is_floating_point() \
                    and X.dtype != self._input_dtype():
                X = X.to(self._input_dtype())
        return super().get_dataset(X, y)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """Criterion of the logits and the targets (cast to the logits' dtype)."""
        y_true = to_tensor(y_true, device=self.device)
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

    def predict_proba(self, X):
        """Per-label probabilities, the sigmoid of the module's logits.

        Parameters
        ----------
        X : input data
            Anything skorch accepts.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_labels)
            Probabilities in ``[0, 1]`` (float32 for a float32 module).
        """
        proba = super().predict_proba(X)
        if proba.ndim == 1:
            proba = proba[:, None]
        return proba

    def _check_threshold(self, n_labels: int) -> np.ndarray:
        try:
            threshold = np.asarray(self.threshold, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"threshold must be a float or an array-like of floats, got {self.threshold!r}."
            ) from exc
        if threshold.ndim == 0:
            threshold = np.full(n_labels, float(threshold))
        elif threshold.shape != (n_labels,):
            raise ValueError(
                f"threshold must be a float or hold one value per label, shape ({n_labels},); "
                f"got shape {threshold.shape}."
            )
        if not np.all(np.isfinite(threshold)):
            raise ValueError(f"threshold must be finite, got {self.threshold!r}.")
        return threshold

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
        return apply_thresholds(proba, self._check_threshold(proba.shape[1]))
