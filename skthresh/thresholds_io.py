"""Save and load learned thresholds: the JSON file that ``skthresh fit`` writes.

Thresholds travel beside the model that made the scores: :func:`save_thresholds`
writes them, with the label names and the metric they were tuned for, and
:func:`load_thresholds` reads them back, checked, whether ``skthresh fit`` or
this module wrote the file. The file is JSON::

    {
      "format": "skthresh-thresholds",
      "format_version": 1,
      "skthresh_version": "0.1.0",
      "method": "sgl",
      "metric": "f1_micro",
      "rule": ">=",
      "labels": ["dog", "cat"],
      "thresholds": [0.31, 0.47],
      ... other entries (tuning_score, n_samples, ...)
    }

Only ``"thresholds"`` is required; ``"format"``, ``"format_version"`` and
``"rule"`` default to the values above, and a label is predicted when
``score >= threshold``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ._warnings import plain

__all__ = ["ThresholdsFile", "load_thresholds", "save_thresholds"]

FORMAT = "skthresh-thresholds"
FORMAT_VERSION = 1
RULE = ">="
# The entries save_thresholds writes itself, in the order of the file.
_FIELDS = ("format", "format_version", "skthresh_version", "method", "metric", "rule",
           "labels", "thresholds")


@dataclass(frozen=True)
class ThresholdsFile:
    """Thresholds read by :func:`load_thresholds`, with what the file says of them.

    Parameters
    ----------
    thresholds : ndarray of shape (n_labels,)
        One threshold per label (float64): a label is predicted when
        ``score >= threshold``.
    label_names : list or None
        One name (a string) or column number per label, as the file lists
        them; None when it lists none.
    metric : str or None
        The metric the thresholds were tuned for, such as ``"f1_micro"``.
    method : str or None
        How they were learned: ``"sgl"``, ``"coordinate"``, ``"fixed"``...
    format_version : int
        The version of the file format.
    metadata : dict
        The file's other entries: ``skthresh_version``, and from ``skthresh
        fit`` ``tuning_score``, ``n_samples``, ``scores_file`` (and
        ``device``, ``n_iter`` for ``sgl``).
    """

    thresholds: np.ndarray
    label_names: list | None = None
    metric: str | None = None
    method: str | None = None
    format_version: int = FORMAT_VERSION
    metadata: dict = field(default_factory=dict)


def save_thresholds(path, thresholds, *, label_names=None, metric: str | None = None,
                    method: str | None = None, metadata: dict | None = None) -> None:
    """Write thresholds to a JSON file that :func:`load_thresholds` and ``skthresh`` read.

    Parameters
    ----------
    path : str or path-like
        The file to write (replaced if it exists).
    thresholds : array-like of shape (n_labels,) or fitted estimator
        One finite threshold per label; or a fitted threshold optimizer or
        :class:`~skthresh.ThresholdOptimizedClassifier`, whose
        ``thresholds_`` are written, with its ``label_names_`` unless
        ``label_names`` is given.
    label_names : sequence of str or int, default=None
        One unique name (or column number) per label. ``skthresh apply``
        and ``evaluate`` then check that the columns of a CSV/TSV score file
        have these names, in this order.
    metric : str, default=None
        The metric the thresholds were tuned for (shown by ``skthresh
        evaluate``).
    method : str, default=None
        How the thresholds were learned.
    metadata : dict, default=None
        Other JSON-serialisable entries to keep in the file (a model's
        version, the tuning score...); their keys must differ from the
        file's own fields (``"format"``, ``"labels"``, ``"thresholds"``...).

    Raises
    ------
    ValueError
        If the thresholds are not finite numbers, the names are not one
        unique name per threshold, or a metadata key is a field of the file.

    See Also
    --------
    load_thresholds : Read the file back.

    Examples
    --------
    >>> import os
    >>> import tempfile
    >>> from skthresh import load_thresholds, save_thresholds
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "thresholds.json")
    ...     save_thresholds(path, [0.31, 0.47], label_names=["dog", "cat"],
    ...                     metric="f1_micro", metadata={"model": "resnet-v2"})
    ...     loaded = load_thresholds(path)
    >>> loaded.thresholds
    array([0.31, 0.47])
    >>> loaded.label_names, loaded.metric, loaded.metadata["model"]
    (['dog', 'cat'], 'f1_micro', 'resnet-v2')
    """
    from . import __version__

    if hasattr(thresholds, "fit"):  # an estimator: its learned thresholds and names
        if not hasattr(thresholds, "thresholds_"):
            raise ValueError(f"This {type(thresholds).__name__} is not fitted: fit it before "
                             "saving its thresholds.")
        if label_names is None:
            label_names = _names_of_estimator(thresholds)
        thresholds = thresholds.thresholds_
    values = np.asarray(thresholds, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"thresholds must be 1-D (one per label), got shape {values.shape}.")
    for name, value in (("metric", metric), ("method", method)):
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{name} must be a string or None, got {value!r}.")
    metadata = dict(metadata or {})
    clash = sorted(set(metadata) & set(_FIELDS))
    if clash:
        raise ValueError(f"metadata keys {clash} are fields of the thresholds file: pass them "
                         "as arguments, or use other keys.")
    content = {"format": FORMAT, "format_version": FORMAT_VERSION,
               "skthresh_version": __version__, "method": method, "metric": metric,
               "rule": RULE,
               "labels": None if label_names is None else [plain(n) for n in label_names],
               "thresholds": values.tolist()}
    content = {key: value for key, value in content.items() if value is not None}
    _check_content(content, "save_thresholds")
    text = json.dumps({**content, **metadata}, indent=2, default=_plain_json)
    Path(path).write_text(text + "\n", encoding="utf-8")


def load_thresholds(path) -> ThresholdsFile:
    """Read and check a thresholds file written by ``skthresh fit`` or :func:`save_thresholds`.

    Parameters
    ----------
    path : str or path-like
        The JSON file.

    Returns
    -------
    loaded : ThresholdsFile
        Its ``thresholds`` (float64 array), ``label_names``, ``metric``,
        ``method``, ``format_version`` and other entries (``metadata``).

    Raises
    ------
    OSError
        If the file cannot be read (``FileNotFoundError`` when missing).
    ValueError
        If it is not JSON, not a thresholds file (no ``"thresholds"``), of
        another format or of a newer version, if the thresholds are not a
        non-empty list of finite numbers, or the labels not one unique name
        (or column number) per threshold.

    See Also
    --------
    save_thresholds : Write the file.
    skthresh.apply_thresholds : Predict labels with the thresholds.

    Examples
    --------
    >>> import os
    >>> import tempfile
    >>> from skthresh import load_thresholds, save_thresholds
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "thresholds.json")
    ...     save_thresholds(path, [0.5, 0.25], label_names=["rain", "car"])
    ...     loaded = load_thresholds(path)
    >>> loaded.thresholds, loaded.label_names, loaded.metric
    (array([0.5 , 0.25]), ['rain', 'car'], None)
    """
    where = str(path)
    try:
        content = json.loads(Path(path).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{where} is not a JSON file: {exc}") from None
    _check_content(content, where)
    others = {key: value for key, value in content.items() if key not in _FIELDS}
    if "skthresh_version" in content:
        others = {"skthresh_version": content["skthresh_version"], **others}
    return ThresholdsFile(
        thresholds=np.asarray(content["thresholds"], dtype=np.float64),
        label_names=content.get("labels"),
        metric=content.get("metric"),
        method=content.get("method"),
        format_version=content.get("format_version", FORMAT_VERSION),
        metadata=others,
    )


def _check_content(content, where: str) -> None:
    """Raise ValueError unless ``content`` is a thresholds file that this version reads."""
    if not isinstance(content, dict) or "thresholds" not in content:
        raise ValueError(f"{where} is not a thresholds file written by `skthresh fit` (it has "
                         "no 'thresholds' list).")
    _check_format(content, where)
    thresholds = content["thresholds"]
    if not isinstance(thresholds, list) or not thresholds or not all(
            _is_finite_number(t) for t in thresholds):
        raise ValueError(f"{where}: 'thresholds' must be a list of finite numbers.")
    rule = content.get("rule", RULE)
    if rule != RULE:
        raise ValueError(f"{where} uses the rule {rule!r}; this version of skthresh applies "
                         f"'score {RULE} threshold'.")
    labels = content.get("labels")
    if labels is not None:
        if not isinstance(labels, list) or len(labels) != len(thresholds):
            raise ValueError(f"{where}: 'labels' must list one name per threshold.")
        _check_label_names(labels, where)


def _check_format(content: dict, where: str) -> None:
    """The format's name and version: skthresh's, and not newer than this version reads."""
    from . import __version__

    kind = content.get("format", FORMAT)
    if kind != FORMAT:
        raise ValueError(f"{where} is of format {kind!r}, not {FORMAT!r} (the format "
                         "`skthresh fit` writes).")
    version = content.get("format_version", FORMAT_VERSION)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"{where}: 'format_version' must be an integer >= 1, got "
                         f"{version!r}.")
    if version > FORMAT_VERSION:
        raise ValueError(f"{where} is {FORMAT!r} version {version}, but skthresh "
                         f"{__version__} reads version {FORMAT_VERSION} only: upgrade "
                         "skthresh to apply it.")


def _check_label_names(names: list, where: str) -> None:
    """Label names are strings or column numbers, and unique."""
    if not all(isinstance(n, (str, int)) and not isinstance(n, bool) for n in names):
        raise ValueError(f"{where}: 'labels' must list names (strings) or column numbers.")
    seen = {}
    for j, name in enumerate(names):
        if name in seen:
            raise ValueError(f"{where}: labels {seen[name] + 1} and {j + 1} have the same "
                             f"name {name!r}: label names must be unique.")
        seen[name] = j


def _is_finite_number(value) -> bool:
    """Whether a JSON value is a finite number (not a bool, not an int past float's range)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer of 309 digits or more
        return False


def _names_of_estimator(estimator) -> list | None:
    """A fitted estimator's ``label_names_`` as a file holds them: strings or column numbers.

    Other names (the positive class ``1.0`` or ``True`` of a binary classifier, float
    column names) are written as their text.
    """
    names = getattr(estimator, "label_names_", None)
    if names is None:
        return None
    values = [plain(n) for n in names]
    return [n if isinstance(n, (str, int)) and not isinstance(n, bool) else str(n)
            for n in values]


def _plain_json(value):
    """``json.dumps``'s fallback: NumPy scalars and arrays in metadata as Python values."""
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
