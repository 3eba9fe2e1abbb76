"""The command line's checks before any work: inputs against each other, and options.

Scores against labels (shape, column names), labels (0/1 or soft, stored
compactly), a thresholds file against the scores, ``--out`` (writable, not
an input), ``--scoring`` and ``--device``. Each problem is a one-line
:class:`~skthresh._cli_messages.CLIError`.

Standard library only at import time (numpy and the library are imported
by the functions).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ._cli_messages import CLIError, cli_words
from ._cli_read import Matrix, npz_key, read_array, row_blocks

__all__ = ["check_device", "check_labels", "check_out", "check_same_shape", "label_names",
           "match_thresholds", "read_thresholds", "set_metric"]

_DEVICE_RE = re.compile(r"^(auto|cpu|cuda(:\d+)?)$")


def check_same_shape(scores: Matrix, labels: Matrix) -> None:
    """Refuse scores and labels of different shapes, or of different column names.

    Parameters
    ----------
    scores, labels : Matrix
        The two inputs.
    """
    if scores.values.shape != labels.values.shape:
        raise CLIError(
            f"shape mismatch: the scores ({scores.path}) have shape {scores.values.shape} "
            f"but the labels ({labels.path}) have shape {labels.values.shape}; they must "
            "have the same rows and label columns."
        )
    if scores.names is not None and labels.names is not None and scores.names != labels.names:
        diff = next(i for i, (a, b) in enumerate(zip(scores.names, labels.names)) if a != b)
        raise CLIError(
            f"the label columns differ: column {diff + 1} is {scores.names[diff]!r} in "
            f"{scores.path} but {labels.names[diff]!r} in {labels.path}."
        )


def read_scores_and_labels(args, *, allow_soft: bool = True, compact: bool = True):
    """The ``--scores`` and ``--labels`` files, read and checked against each other.

    Parameters
    ----------
    args : argparse.Namespace
        The command line (``scores``, ``labels``, their keys, ``header``).
    allow_soft, compact : bool
        As :func:`check_labels` takes them.

    Returns
    -------
    scores, labels : Matrix
        The two files as read.
    targets : ndarray
        The checked labels (:func:`check_labels`).
    """
    scores = read_array(args.scores, npz_key(args, "scores"), "--scores", args.header)
    labels = read_array(args.labels, npz_key(args, "labels"), "--labels", args.header)
    check_same_shape(scores, labels)
    return scores, labels, check_labels(labels, allow_soft=allow_soft, compact=compact)


def check_labels(labels: Matrix, *, allow_soft: bool, compact: bool = True):
    """The labels in a compact dtype: 0/1 labels as int8 (bool and uint8 stay), soft as read.

    The library's optimizers and metrics take integer targets as they are, so
    0/1 labels cost one byte per entry however they were stored (float64 in
    a CSV file, int64 in a .npy file). With ``compact=False`` the labels are
    checked (in row blocks) and returned as read: ``evaluate`` reads them in
    row chunks, a memory-mapped ``.npy`` file without a copy.

    Parameters
    ----------
    labels : Matrix
        The labels as read.
    allow_soft : bool
        Whether values strictly between 0 and 1 (soft targets) are accepted.
    compact : bool, default=True
        Whether 0/1 labels are returned as int8.

    Returns
    -------
    labels : ndarray of shape (n_rows, n_labels)
    """
    import numpy as np

    from ._validation import check_unit_interval

    values = labels.values
    if values.dtype.kind == "b":
        return values
    try:
        check_unit_interval(values, "labels")  # min and max: no temporary array
    except ValueError as exc:
        raise CLIError(f"{labels.path}: {exc}") from None
    if values.dtype.kind in "iu":  # integers in [0, 1] are 0/1
        return values if values.dtype.itemsize == 1 or not compact else values.astype(np.int8)
    for _, block in row_blocks(values):
        soft = (block != 0) & (block != 1)
        if soft.any():
            if not allow_soft:
                raise CLIError(
                    f"{labels.path}: evaluate needs 0/1 labels, got soft values such as "
                    f"{block[soft][0]:g} (fit accepts soft targets in [0, 1]; binarise them "
                    "to evaluate)."
                )
            return values
    return values.astype(np.int8) if compact else values


def read_thresholds(path: str):
    """The thresholds file of ``--thresholds``, its problems in one line.

    Parameters
    ----------
    path : str
        The file.

    Returns
    -------
    loaded : skthresh.ThresholdsFile
    """
    from .thresholds_io import load_thresholds

    if not Path(path).exists():
        raise CLIError(f"--thresholds: no such file: {path}")
    try:
        return load_thresholds(path)
    except OSError as exc:  # a folder, no permission: the message `skthresh fit` has given
        raise CLIError(f"--thresholds: {path} is not a JSON file: {exc}") from None
    except ValueError as exc:
        raise CLIError(f"--thresholds: {exc}") from None


def match_thresholds(scores: Matrix, loaded, path: str):
    """The thresholds of a file, checked against the scores' columns (count and names).

    Parameters
    ----------
    scores : Matrix
        The scores.
    loaded : skthresh.ThresholdsFile
        The thresholds file.
    path : str
        Its path, for the messages.

    Returns
    -------
    thresholds : ndarray of shape (n_labels,)
    """
    thresholds = loaded.thresholds
    n_labels = scores.values.shape[1]
    if len(thresholds) != n_labels:
        raise CLIError(
            f"shape mismatch: {scores.path} has {n_labels} label column(s) but {path} holds "
            f"{len(thresholds)} threshold(s)."
        )
    names = loaded.label_names
    if scores.names is not None and names is not None and all(isinstance(n, str) for n in names):
        if scores.names != names:
            diff = next(i for i, (a, b) in enumerate(zip(scores.names, names)) if a != b)
            raise CLIError(
                f"the label columns differ: column {diff + 1} is {scores.names[diff]!r} in "
                f"{scores.path} but {names[diff]!r} in {path}; reorder the columns."
            )
    return thresholds


def label_names(n_labels: int, *sources) -> list:
    """The first names given among ``sources`` (None: not given), else the column numbers.

    Parameters
    ----------
    n_labels : int
        The number of labels.
    *sources : list or None
        Candidate names, first the preferred.

    Returns
    -------
    names : list
    """
    for names in sources:
        if names is not None:
            return list(names)
    return list(range(n_labels))


def _same_file(a: Path, b: Path) -> bool:
    """Whether two paths name the same file (links and case-insensitive systems included)."""
    try:
        if a.resolve() == b.resolve():
            return True
    except (OSError, RuntimeError):  # a symlink loop
        pass
    try:
        return os.path.samefile(a, b)  # hard links, case-insensitive file systems
    except OSError:
        return False


def check_out(args, *inputs: str) -> None:
    """Fail before any work when ``--out`` cannot be written or is one of the inputs.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line.
    *inputs : str
        The input options (``"scores"``, ``"labels"``...) it must differ from.
    """
    out = Path(args.out)
    folder = out.parent
    if not folder.is_dir():
        raise CLIError(f"--out: cannot write {args.out}: the folder {folder} does not exist.")
    if out.is_dir():
        raise CLIError(f"--out: {args.out} is a directory, not a file.")
    for option in inputs:
        path = getattr(args, option)
        if path is not None and _same_file(out, Path(path)):
            raise CLIError(
                f"--out {args.out} is the --{option} file {path}: writing it would overwrite "
                "the input; choose another output file."
            )


def set_metric(scoring: str):
    """The SetMetric of ``--scoring``, or a message listing the names the CLI takes.

    Parameters
    ----------
    scoring : str
        The metric's name.

    Returns
    -------
    metric : skthresh.SetMetric
    """
    from ._scoring import get_set_metric

    try:
        return get_set_metric(scoring)
    except ValueError:
        pass
    import difflib

    from .metrics import get_scorer_names

    names = get_scorer_names()
    close = difflib.get_close_matches(scoring.lower().replace("-", "_"), names, n=1)
    guess = f" (did you mean {close[0]}?)" if close else ""
    raise CLIError(
        f"--scoring: unknown metric {scoring!r}{guess}. Use <metric>_<average> with metric "
        "f1, f<beta> (f2, f0.5, ...) or jaccard and average micro, macro, samples or "
        f"weighted: {', '.join(names)}."
    )


def check_device(device: str) -> None:
    """Refuse a ``--device`` that is not a device name, or that this machine lacks.

    Parameters
    ----------
    device : str
        ``cpu``, ``cuda``, ``cuda:<index>`` or ``auto``.
    """
    if not _DEVICE_RE.match(device):
        raise CLIError(f"--device: expected cpu, cuda, cuda:<index> or auto, got {device!r}.")
    from ._validation import resolve_device

    try:
        resolve_device(device)
    except ValueError as exc:
        raise CLIError(cli_words(str(exc))) from None
