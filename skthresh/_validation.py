"""The one home of input validation: scores, targets, sample weights, devices.

Every public object (the optimizers, the meta-estimator, the numpy metrics,
the displays, the command line and the torch objects) checks its inputs with
these functions, so a bad input gets the same clear message everywhere. The
torch losses check tensors on their own device (``skthresh.losses``), where a
copy to numpy would cost a transfer.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_array

from ._warnings import format_labels

# What each checked argument may hold, as the messages say it.
TARGETS_ACCEPTED = "0/1 labels or soft targets in [0, 1]"
SCORES_ACCEPTED = "real-valued scores (probabilities, decision values or logits)"
_ENCODE_LABELS = ("Encode the labels first (e.g. sklearn.preprocessing.MultiLabelBinarizer "
                  "for label sets).")


def check_numeric(values, *, name: str, accepts: str, hint: str = ""):
    """``values`` as real numbers, or a ValueError naming ``name`` and what it accepts.

    The one gate before scikit-learn's ``check_array`` for targets, scores
    and weights: strings, pandas categories, complex numbers and other
    objects are refused here, with a message naming the argument, instead
    of reaching numpy's "could not convert string to float". Object arrays
    of numbers are converted.

    Parameters
    ----------
    values : array-like
        The argument as given (ndarray, list, pandas object, scalar).
    name : str
        Its name in the message, e.g. ``"y_true"``.
    accepts : str
        What it accepts, e.g. ``"0/1 labels or soft targets in [0, 1]"``.
    hint : str, default=""
        A sentence appended to the message (how to fix the input).

    Returns
    -------
    values : ndarray or pandas object
        A numeric ndarray, or ``values`` itself when it is a pandas object
        whose columns all have a numeric dtype (left to ``check_array``,
        which reads pandas' nullable dtypes).

    Raises
    ------
    ValueError
        If the values are not real numbers.
    """
    dtypes = getattr(values, "dtypes", None)  # pandas Series or DataFrame
    if dtypes is not None:
        dtypes = list(dtypes) if hasattr(dtypes, "tolist") else [dtypes]
        if all(getattr(d, "kind", "O") in "biuf" for d in dtypes):
            return values
        categorical = any(str(d) == "category" for d in dtypes)
        arr = np.asarray(values, dtype=object)
    else:
        categorical = False
        try:
            arr = np.asarray(values)
        except (TypeError, ValueError) as exc:  # ragged nested lists
            raise ValueError(
                f"{name} must be a rectangular array of numbers ({accepts}): {exc}"
            ) from None
    if arr.dtype.kind in "biuf":
        return arr
    if arr.dtype.kind == "O" and not any(isinstance(v, (str, bytes)) for v in arr.flat):
        try:
            return arr.astype(np.float64)
        except (TypeError, ValueError):
            pass
    if categorical:
        found = "categories"
    elif arr.dtype.kind in "USO" and any(isinstance(v, (str, bytes)) for v in arr.flat):
        found = "strings"
    elif arr.dtype.kind == "c":
        found = "complex numbers"
    elif arr.dtype.kind == "O":
        found = "objects"
    else:
        found = f"values of dtype {arr.dtype}"
    example = arr.ravel()[:3].tolist() if arr.ndim else [arr.item()]
    raise ValueError(
        f"{name} must hold numbers: {accepts}, got {found} such as {example}."
        + (f" {hint}" if hint else "")
    )


def check_scores(y_score, *, name: str = "y_score") -> tuple[np.ndarray, bool]:
    """Validate a score matrix.

    Parameters
    ----------
    y_score : array-like of shape (n_samples, n_labels) or (n_samples,)
        Real-valued scores of any scale (probabilities, decision values,
        logits). float32 input stays float32 (no copy); other input becomes
        float64.
    name : str, default="y_score"
        Name used in error messages.

    Returns
    -------
    scores : ndarray of shape (n_samples, n_labels)
    was_1d : bool
        True when the input was 1-D (one label).

    Raises
    ------
    TypeError
        For a sparse matrix.
    ValueError
        Naming ``name``: for values that are not real numbers (strings,
        categories, complex numbers, objects, see :func:`check_numeric`),
        more than 2 dimensions, an empty array, NaN or infinite values.
    """
    if sp.issparse(y_score):
        raise TypeError(f"{name} must be a dense array of scores, got a sparse matrix.")
    y_score = check_numeric(
        y_score, name=name, accepts=SCORES_ACCEPTED,
        hint="Pass the model's scores (predict_proba or decision_function), not its labels.",
    )
    arr = check_array(
        y_score,
        ensure_2d=False,
        dtype=[np.float64, np.float32],
        ensure_all_finite=False,
        input_name=name,
    )
    was_1d = arr.ndim == 1
    if was_1d:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 1-D or 2-D, got an array with {arr.ndim} dimensions.")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}).")
    if not np.isfinite(arr).all():
        bad = np.flatnonzero(~np.isfinite(arr).all(axis=0))
        raise ValueError(
            f"{name} contains NaN or infinite values (in label column(s) {bad[:10].tolist()})."
        )
    return arr, was_1d


def check_targets(y_true, shape: tuple[int, int], *, name: str = "y_true",
                  range_error: str | None = None) -> np.ndarray:
    """Validate targets against the score matrix's shape.

    Parameters
    ----------
    y_true : array-like or sparse matrix of shape (n_samples, n_labels) or (n_samples,)
        Hard 0/1 targets, or soft targets in [0, 1].
    shape : tuple of int
        ``(n_samples, n_labels)`` of the scores.
    name : str, default="y_true"
        Name used in error messages.
    range_error : str, default=None
        The message for values outside [0, 1], where the caller says more
        than the default (which names ``name`` and the range found).

    Returns
    -------
    targets : ndarray of shape (n_samples, n_labels)
        Integer and boolean input keeps its (small) dtype; anything else
        becomes float64.

    Raises
    ------
    ValueError
        Naming ``name``: for values that are not numbers (strings, pandas
        categories, complex numbers, objects, see :func:`check_numeric`),
        another shape than ``shape``, NaN or infinite values, or values
        outside [0, 1].
    """
    if sp.issparse(y_true):
        y_true = y_true.toarray()
    arr = check_numeric(y_true, name=name, accepts=TARGETS_ACCEPTED, hint=_ENCODE_LABELS)
    arr = check_array(arr, ensure_2d=False, dtype=None, ensure_all_finite=False,
                      input_name=name)
    keep = arr.dtype.kind in "biu"
    if not keep:
        arr = arr.astype(np.float64, copy=False)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.shape != tuple(shape):
        raise ValueError(
            f"{name} has shape {arr.shape}, which does not match the scores' shape {tuple(shape)}."
        )
    if not keep and not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values.")
    check_unit_interval(arr, name, message=range_error)
    return arr


def check_unit_interval(arr: np.ndarray, name: str, *, message: str | None = None) -> None:
    """Raise unless every value of ``arr`` is in [0, 1] (NaN fails).

    Parameters
    ----------
    arr : ndarray
        Targets or predictions: 0/1 labels or soft labels.
    name : str
        Name used in the error message.
    message : str, default=None
        The error message, in place of the default one.

    Raises
    ------
    ValueError
        With ``message``, or naming ``name`` and the range of values found.
    """
    low, high = arr.min(initial=0), arr.max(initial=0)
    if not (low >= 0 and high <= 1):  # NaN compares False
        if message is not None:
            raise ValueError(message)
        raise ValueError(
            f"{name} must hold values in [0, 1] (0/1 labels, or soft targets), got values in "
            f"[{np.nanmin(arr):g}, {np.nanmax(arr):g}]."
        )


def check_weights(sample_weight, n_samples: int, *, name: str = "y_true",
                  allow_all_zero: bool = False) -> np.ndarray:
    """Validate sample weights: finite, non-negative, not all zero, one per row.

    As scikit-learn's ``_check_sample_weight``, a single number is a weight
    for every row. Every error names ``sample_weight``.

    Parameters
    ----------
    sample_weight : float, array-like of shape (n_samples,) or None
        Row weights; a number weighs every row alike (the same fit as no
        weights, for any positive number); None means unit weights.
    n_samples : int
        Number of rows they weight.
    name : str, default="y_true"
        What the rows belong to, for the length-mismatch message.
    allow_all_zero : bool, default=False
        Accept weights that are all zero: one chunk of rows read in chunks
        (a memory map, a Dask array, ``partial_fit``), whose total weight is
        checked once, on every row (:func:`check_total_weight`).

    Returns
    -------
    weights : ndarray of float64, shape (n_samples,)

    Raises
    ------
    ValueError
        If the weights are not numbers, not one per row (1-D of length
        ``n_samples``), NaN or infinite, negative, or all zero (unless
        ``allow_all_zero``).
    """
    if sample_weight is None:
        return np.ones(n_samples)
    weights = check_numeric(sample_weight, name="sample_weight",
                            accepts="non-negative row weights")
    if np.ndim(weights) == 0:  # one number for every row
        value = float(weights)
        if not np.isfinite(value) or value < 0:
            raise ValueError(
                "sample_weight, a single number, is the weight of every row: it must be a "
                f"finite number >= 0, got {value!r}."
            )
        weights = np.full(n_samples, value)
    weights = check_array(weights, ensure_2d=False, dtype=np.float64, ensure_all_finite=False,
                          ensure_min_samples=0, allow_nd=True, input_name="sample_weight")
    if weights.ndim != 1:
        raise ValueError(
            "sample_weight must be 1-D of length n_samples, or a single number; got shape "
            f"{weights.shape}."
        )
    if weights.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight has {weights.shape[0]} elements but {name} has {n_samples} samples."
        )
    if not np.isfinite(weights).all():
        raise ValueError("sample_weight contains NaN or infinite values.")
    if (weights < 0).any():
        raise ValueError("sample_weight must be non-negative, got negative weights.")
    if not allow_all_zero and not (weights > 0).any():
        check_total_weight(0.0)
    return weights


def check_total_weight(total: float) -> None:
    """Refuse rows whose weights sum to zero, with the one message of every route.

    Rows read in chunks check each chunk with ``allow_all_zero=True`` and
    their total here, once.

    Raises
    ------
    ValueError
        If ``total`` is not positive.
    """
    if not total > 0:
        raise ValueError("sample_weight sums to zero: there is nothing to learn from.")


def align_columns(y, names, *, name: str = "y_true", reference: str = "the scores"):
    """``y`` with its columns in the order of ``names``, matched by name.

    When ``y`` is a DataFrame and ``names`` (the label names it must follow)
    are known, columns are paired by name, never by position: the same names
    in another order are reordered; other names are refused. Anything else is
    returned as it is.

    Parameters
    ----------
    y : array-like, DataFrame or sparse matrix
        Targets.
    names : sequence or None
        The label names, in order (None: nothing to match).
    name, reference : str
        Names of ``y`` and of what fixed the order, for the error message.

    Returns
    -------
    y : array-like

    Raises
    ------
    ValueError
        If ``y``'s column names are not ``names`` in some order.
    """
    columns = getattr(y, "columns", None)
    if columns is None or names is None:
        return y
    given, wanted = list(columns), list(names)
    if given == wanted:
        return y
    if len(set(given)) != len(given) or set(given) != set(wanted):
        raise ValueError(
            f"{name}'s columns {format_labels(given)} are not the labels of {reference} "
            f"{format_labels(wanted)}: "
            "columns are matched by name."
        )
    return y[wanted]


def check_thresholds(thresholds, n_labels: int, *, name: str = "thresholds") -> np.ndarray:
    """Validate decision thresholds against the number of label columns.

    The one check of every public object that takes thresholds
    (:func:`apply_thresholds`, the ``threshold`` of
    :class:`~skthresh.skorch.NeuralNetMultiLabelClassifier`).

    Parameters
    ----------
    thresholds : float or array-like of shape (n_labels,)
        One threshold per label column, or one real number for all of them.
        ``+inf`` is allowed and means "never predicted", ``-inf`` "always
        predicted"; NaN is refused (it compares False with every score, so
        the label would silently never be predicted).
    n_labels : int
        Number of label columns of the scores.
    name : str, default="thresholds"
        Name used in error messages.

    Returns
    -------
    thresholds : ndarray of float64, shape (n_labels,)

    Raises
    ------
    TypeError
        If the thresholds are not real numbers (strings, booleans, complex).
    ValueError
        If there is not one threshold per label column, or one is NaN.
    """
    arr = np.asarray(thresholds)
    if arr.dtype.kind == "O":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            pass
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must be a real number or an array-like of real numbers, one per label; "
            f"got {thresholds!r} (dtype {arr.dtype})."
        )
    arr = arr.astype(np.float64)
    if arr.ndim == 0:
        arr = np.full(n_labels, float(arr))
    elif arr.shape != (n_labels,):
        raise ValueError(
            f"{name} must hold one threshold per label column, shape ({n_labels},), or be a "
            f"single number for all labels; got shape {arr.shape}."
        )
    if np.isnan(arr).any():
        raise ValueError(
            f"{name} contains NaN (label column(s) {np.flatnonzero(np.isnan(arr))[:10].tolist()})"
            ": a NaN threshold compares False with every score, so its label would never be "
            "predicted. Use +inf for 'never predicted' and -inf for 'always predicted'."
        )
    return arr


def resolve_device(device):
    """The :class:`torch.device` of ``device``, checked to exist on this machine.

    The one device resolver of every torch-using object in skthresh (SGL,
    the embedder, the command line). Their default is ``"cpu"``, so the same
    data gives the same thresholds on every machine; ``"auto"`` takes CUDA
    when it is available, else the CPU.

    Parameters
    ----------
    device : "auto", "cpu", "cuda", "cuda:<index>" or torch.device
        Where to compute.

    Returns
    -------
    torch.device

    Raises
    ------
    ValueError
        If the device is not a CPU or CUDA device, or CUDA is asked for and
        is not available, or the CUDA index does not exist.
    """
    import torch  # here, so that importing this module does not import torch

    if isinstance(device, str) and device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError, ValueError) as exc:
        raise ValueError(
            f"device must be 'auto', 'cpu', 'cuda', 'cuda:<index>' or a torch.device, "
            f"got {device!r}."
        ) from exc
    if resolved.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(
                f"device={device!r} asks for CUDA, but CUDA is not available on this machine "
                "(torch.cuda.is_available() is False). Use device='cpu', or device='auto' to "
                "take CUDA only when there is one."
            )
        if resolved.index is not None and resolved.index >= torch.cuda.device_count():
            raise ValueError(
                f"device={device!r} asks for CUDA device {resolved.index}, but only "
                f"{torch.cuda.device_count()} CUDA device(s) are available."
            )
    elif resolved.type != "cpu":
        raise ValueError(
            f"device={device!r}: device type {resolved.type!r} is not supported; use 'cpu', "
            "'cuda', 'cuda:<index>' or 'auto'."
        )
    return resolved
