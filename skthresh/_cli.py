"""The ``skthresh`` command line: learn, apply and evaluate thresholds on score files.

Three sub-commands work on score matrices that a model already wrote to disk::

    skthresh fit --scores val_scores.npy --labels val_labels.npy --out thresholds.json
    skthresh apply --scores test_scores.npy --thresholds thresholds.json --out pred.npy
    skthresh evaluate --scores test_scores.npy --labels test_labels.npy \\
        --thresholds thresholds.json

and ``skthresh demo`` shows learned thresholds against the 0.5 cut on
synthetic scores, with no file of the user's.

Input errors (missing, corrupt or truncated files, ambiguous CSV headers,
shape mismatches, NaN, labels outside [0, 1]) are reported on stderr in one
line, without a traceback, with exit status 1; usage errors exit with status
2, as argparse does.

This module imports only the standard library at import time (numpy and the
optimizers are imported by the commands), so that ``--help`` and
``--version`` cost no more than ``import skthresh``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import warnings
from pathlib import Path

__all__ = ["main"]

PROG = "skthresh"
RULE = ">="
FORMAT = "skthresh-thresholds"
FORMAT_VERSION = 1
# The keys of skthresh._optimizers.OPTIMIZERS (a test checks): spelled out here so
# that building the parser does not import the optimizers (scikit-learn).
METHODS = ("sgl", "coordinate", "fixed")
_TEXT_FORMATS = {".csv": ",", ".tsv": "\t"}
_BLOCK_ELEMENTS = 1 << 20  # row blocks of the whole-matrix checks: bounded temporaries
_CHUNK_ELEMENTS = 1 << 21  # row chunks of apply and evaluate: memory bounded by the chunk

EPILOG = """\
commands:
  fit        learn one threshold per label from validation scores and labels
  apply      turn scores into 0/1 predictions with learned thresholds
  evaluate   per-label and averaged precision, recall and F1 of the thresholds
  demo       learned thresholds against the 0.5 cut on synthetic scores (no files)

examples:
  skthresh demo
  skthresh fit --scores val_scores.npy --labels val_labels.npy --out thresholds.json
  skthresh apply --scores test_scores.npy --thresholds thresholds.json --out pred.npy
  skthresh evaluate --scores test_scores.npy --labels test_labels.npy \\
      --thresholds thresholds.json

`skthresh COMMAND --help` lists the options and examples of a command.
"""

FILES_NOTE = """
Files: .npy, .npz (choose the array with --scores-key/--labels-key when the
file holds several, or --key for every .npz file), .csv and .tsv. A CSV/TSV
file starts with a header row of label names (kept in the thresholds file);
a first row of numbers only is ambiguous (numeric label names, as pandas'
to_csv(index=False) writes, or data?) and is refused unless --header or
--no-header says which. A label is predicted when score >= threshold.
"""

FIT_EPILOG = """\
examples:
  # one threshold per label on validation scores (micro-F1, SGL)
  skthresh fit --scores val_scores.npy --labels val_labels.npy --out thresholds.json

  # exact per-label search for macro-F1; both arrays in one .npz file
  skthresh fit --scores val.npz --scores-key scores --labels val.npz --labels-key labels \\
      --method coordinate --scoring f1_macro --out thresholds.json

  # the same array name in separate .npz files: one --key for both
  skthresh fit --scores val_scores.npz --labels val_labels.npz --key arr_0 --out thresholds.json

  # CSV files whose header row is numeric (0,1,2,... as pandas writes)
  skthresh fit --scores val_scores.csv --labels val_labels.csv --header --out thresholds.json
""" + FILES_NOTE

APPLY_EPILOG = """\
examples:
  # 0/1 predictions (int8) for new scores
  skthresh apply --scores test_scores.npy --thresholds thresholds.json --out pred.npy

  # a CSV with a header of label names, at least one label per row
  skthresh apply --scores test_scores.csv --thresholds thresholds.json \\
      --out predictions.csv --at-least-one

  # scores in a CSV file without a header row
  skthresh apply --scores test_scores.csv --no-header --thresholds thresholds.json \\
      --out predictions.npy
""" + FILES_NOTE

EVALUATE_EPILOG = """\
examples:
  # per-label precision, recall, F1 and support, with micro/macro/weighted/samples averages
  skthresh evaluate --scores test_scores.npy --labels test_labels.npy \\
      --thresholds thresholds.json

  # the same with at most 3 labels per row
  skthresh evaluate --scores test.npz --scores-key scores --labels test.npz \\
      --labels-key labels --thresholds thresholds.json --max-labels 3
""" + FILES_NOTE

DEMO_EPILOG = """\
examples:
  skthresh demo
  skthresh demo --n-samples 20000 --n-labels 527 --seed 1

The scores are drawn by skthresh.datasets.make_multilabel_scores (a long-tailed
label prior, per-label miscalibration): one draw to learn the thresholds on,
a second draw of the same "model" to report on. Nothing is read or written.
"""


class CLIError(Exception):
    """An input problem reported to the user in one line."""


class Matrix:
    """A 2-D array read from a file, with its column names (or None)."""

    __slots__ = ("values", "names", "path", "was_1d")

    def __init__(self, values, names, path: str, was_1d: bool = False) -> None:
        self.values = values
        self.names = names
        self.path = path
        self.was_1d = was_1d


# ---------------------------------------------------------------- messages
_OPTIONS = {"device": "--device", "scoring": "--scoring", "threshold": "--threshold",
            "at_least_one": "--at-least-one", "max_labels": "--max-labels",
            "y_score": "--scores", "y_true": "--labels"}
_ASSIGNMENT = re.compile(
    r"\b(" + "|".join(_OPTIONS) + r")=('[^']*'|\"[^\"]*\"|[^\s,;)]*[^\s,;).])")
_BARE_NAME = re.compile(r"(?<![\w-])(at_least_one|max_labels|y_score|y_true)\b")
# a list of 9 items or more, unless already shortened ("[0, 1, ..., 9, ...] (12 in all)",
# the library's skthresh._warnings.format_labels): shortening it again would miscount
_LONG_LIST = re.compile(r"\[((?:[^\[\],]+, ){8,}(?!\.\.\.\])[^\[\],]+)\]")


def _cli_words(message: str) -> str:
    """A library message in the command line's words: ``device='cpu'`` -> ``--device cpu``.

    Applied to the messages of the library calls that get the options'
    values (errors and warnings), not to the command line's own messages.
    """
    def option(match):
        value = match.group(2)
        if value[:1] in "'\"":
            value = value[1:-1]
        return f"{_OPTIONS[match.group(1)]} {value}"

    message = _ASSIGNMENT.sub(option, message)
    return _BARE_NAME.sub(lambda match: _OPTIONS[match.group(1)], message)


def _one_line(message: str) -> str:
    """The message on one line, and long lists (of labels) shortened."""
    def shorten(match):
        items = match.group(1).split(", ")
        return f"[{', '.join(items[:5])}, ..., {items[-1]}] ({len(items)} in all)"

    return _LONG_LIST.sub(shorten, " ".join(str(message).split()))


def _shown(cell: str, limit: int = 40) -> str:
    """``repr`` of a CSV cell, cut when long (an unbalanced quote can swallow the file)."""
    return repr(cell if len(cell) <= limit else cell[:limit] + "...")


# ---------------------------------------------------------------- reading
def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _check_names(names: list, where: str) -> None:
    """Label names must be given and unique."""
    seen = {}
    for j, name in enumerate(names):
        if name == "":
            hint = (" (an index column, as pandas' to_csv writes by default? write the file "
                    "with index=False)" if j == 0 else "")
            raise CLIError(f"{where}: column {j + 1} of the header has no name{hint}.")
        if name in seen:
            raise CLIError(
                f"{where}: columns {seen[name] + 1} and {j + 1} have the same name {name!r}: "
                "label names must be unique."
            )
        seen[name] = j


def _csv_error(path: Path, exc, start: int, end: int) -> CLIError:
    """A csv module error in words: where the bad record starts, for an open quote."""
    if "unexpected end of data" in str(exc):
        return CLIError(f"{path}: line {start}: a quoted value opened on this line is never "
                        "closed (an unbalanced quote).")
    return CLIError(f"{path}: line {end}: {exc} (a misplaced quote?).")


def _read_text_table(path: Path, delimiter: str, header: bool | None):
    """Values (float64) and column names of a CSV/TSV file.

    The header row is read with the csv module; the data rows by
    ``numpy.loadtxt`` (C code, no per-cell Python object). When loadtxt
    refuses the file, the csv module reads it again, row by row, to say
    where and why.
    """
    import csv

    import numpy as np

    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        start = 1
        try:
            for first in reader:
                if first:
                    break
                start = reader.line_num + 1
            else:
                first = None
        except csv.Error as exc:
            raise _csv_error(path, exc, start, reader.line_num) from None
        first_lines = reader.line_num
    if first is None:
        raise CLIError(f"{path}: the file has no rows.")
    if header is None:
        if all(_is_number(cell) for cell in first):
            shown = delimiter.join(first[:4]) + (delimiter + "..." if len(first) > 4 else "")
            raise CLIError(
                f"{path}: the first row ({shown}) holds numbers only: it may be a header of "
                "numeric label names (as pandas' to_csv(index=False) writes) or a first row of "
                "data; say which with --header or --no-header."
            )
        header = True
    names = None
    if header:
        names = [cell.strip() for cell in first]
        _check_names(names, str(path))
    skip = first_lines if header else 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "input contained no data": checked below
            values = np.loadtxt(path, dtype=np.float64, delimiter=delimiter, comments=None,
                                skiprows=skip, quotechar='"', ndmin=2, encoding="utf-8-sig")
    except ValueError as exc:
        _diagnose_text(path, delimiter, names, header_row=header)
        raise CLIError(f"{path}: cannot read the values: {exc}") from None
    if values.shape[0] == 0:
        raise CLIError(f"{path}: the file has a header row but no data rows.")
    if names is not None and values.shape[1] != len(names):
        raise CLIError(
            f"{path}: line {skip + 1} has {values.shape[1]} values, but the header has "
            f"{len(names)}."
        )
    return values, names


def _diagnose_text(path: Path, delimiter: str, names, *, header_row: bool) -> None:
    """Raise a CLIError on the first bad row of a CSV/TSV file (streams; no array)."""
    import csv

    width = None if names is None else len(names)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        skip_first = header_row
        start = 1
        try:
            for row in reader:
                line, start = start, reader.line_num + 1
                if not row:
                    continue
                if skip_first:
                    skip_first = False
                    continue
                if width is None:
                    width = len(row)
                if len(row) != width:
                    raise CLIError(
                        f"{path}: line {line} has {len(row)} values, but the "
                        f"{'header' if names is not None else 'first line'} has {width}."
                    )
                for j, cell in enumerate(row):
                    if not _is_number(cell):
                        column = f" ({names[j]!r})" if names is not None else ""
                        hint = (" (--no-header: the first row is read as data)"
                                if not header_row and line == 1 else "")
                        raise CLIError(f"{path}: line {line}, column {j + 1}{column}: "
                                       f"{_shown(cell)} is not a number{hint}.")
        except csv.Error as exc:
            raise _csv_error(path, exc, start, reader.line_num) from None


def _npy_header(handle, where: str):
    """Shape and dtype from a .npy header, refusing what skthresh cannot load."""
    import numpy as np
    from numpy.lib import format as npy_format

    try:
        version = npy_format.read_magic(handle)
        read = (npy_format.read_array_header_1_0 if version == (1, 0)
                else npy_format.read_array_header_2_0)
        shape, _, dtype = read(handle)
    except (ValueError, EOFError) as exc:
        raise CLIError(f"{where} is not a valid .npy array: the file is corrupt, truncated or "
                       f"of another format ({exc}).") from None
    if dtype.hasobject:
        raise CLIError(
            f"{where} holds an array of Python objects (dtype {dtype}), not numbers; skthresh "
            "reads numeric arrays only (save them with arr.astype(float))."
        )
    if dtype.kind not in "biuf":
        raise CLIError(f"{where}: expected numbers, got an array of dtype {dtype}.")
    return shape, dtype, int(np.prod(shape, dtype=np.int64)) * dtype.itemsize


def _read_npy(file: Path, option: str):
    """A .npy array, memory-mapped (read-only) when it holds data: no copy in memory."""
    import numpy as np

    with file.open("rb") as handle:
        shape, dtype, size = _npy_header(handle, f"{option}: {file}")
        offset = handle.tell()
    available = file.stat().st_size - offset
    if available < size:
        raise CLIError(
            f"{option}: {file} is truncated: its header announces a {dtype} array of shape "
            f"{shape} ({size} bytes of data) but only {available} bytes follow."
        )
    if size == 0:
        return np.empty(shape, dtype=dtype)  # refused as empty by the caller
    return np.load(file, mmap_mode="r", allow_pickle=False)


def _read_npz(file: Path, key: str | None, option: str):
    """One array of a .npz file, its header checked before the data are read."""
    import zipfile
    import zlib

    import numpy as np

    with file.open("rb") as handle:
        magic = handle.read(4)
    if magic not in (b"PK\x03\x04", b"PK\x05\x06"):
        raise CLIError(f"{option}: {file} is not a valid .npz file (a zip archive of .npy "
                       "arrays): it is corrupt, truncated or of another format.")
    try:
        archive = np.load(file, allow_pickle=False)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise CLIError(f"{option}: {file} is not a valid .npz file: it is corrupt or "
                       f"truncated ({exc}).") from None
    with archive:
        keys = list(archive.files)
        if not keys:
            raise CLIError(f"{option}: {file} holds no array.")
        if key is None:
            if len(keys) != 1:
                raise CLIError(
                    f"{file} holds {len(keys)} arrays ({', '.join(keys)}): choose one "
                    f"with {option}-key."
                )
            key = keys[0]
        if key not in keys:
            raise CLIError(f"{file} has no array {key!r}; its arrays are: {', '.join(keys)}.")
        label = f"{file}[{key}]"
        member = key + ".npy" if key + ".npy" in archive.zip.namelist() else key
        try:
            with archive.zip.open(member) as handle:
                _npy_header(handle, f"{option}: {label}")
            values = archive[key]
        except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
            raise CLIError(f"{option}: cannot read {label}: the file is corrupt or truncated "
                           f"({exc}).") from None
    return values, label


def _key(args, which: str) -> str | None:
    """The .npz key of ``--scores`` or ``--labels``: its own option, else ``--key`` for .npz."""
    own = getattr(args, f"{which}_key")
    if own is not None:
        return own
    path = getattr(args, which)
    return args.key if Path(path).suffix.lower() == ".npz" else None


def _read_array(path: str, key: str | None, option: str, header: bool | None = None) -> Matrix:
    """Read a 1-D or 2-D numeric array from .npy, .npz, .csv or .tsv."""
    file = Path(path)
    if not file.exists():
        raise CLIError(f"{option}: no such file: {path}")
    if file.is_dir():
        raise CLIError(f"{option}: {path} is a directory, not a file.")
    suffix = file.suffix.lower()
    if key is not None and suffix != ".npz":
        raise CLIError(f"{option}-key applies to .npz files only, and {path} is not one.")
    if suffix not in (".npy", ".npz", *_TEXT_FORMATS):
        raise CLIError(
            f"{option}: {path}: unknown file type {suffix or '(none)'!r}; use .npy, .npz, "
            ".csv or .tsv."
        )
    names = None
    label = path
    try:
        if file.stat().st_size == 0:
            raise CLIError(f"{option}: {path} is empty (0 bytes).")
        if suffix == ".npy":
            values = _read_npy(file, option)
        elif suffix == ".npz":
            values, label = _read_npz(file, key, option)
        else:
            values, names = _read_text_table(file, _TEXT_FORMATS[suffix], header)
    except (OSError, ValueError) as exc:  # unreadable file (permissions, encoding, ...)
        raise CLIError(f"{option}: cannot read {path}: {exc}") from None
    if values.dtype.kind not in "biuf":
        raise CLIError(f"{label}: expected numbers, got an array of dtype {values.dtype}.")
    if values.ndim not in (1, 2):
        raise CLIError(
            f"{label}: expected a 1-D or 2-D array (rows x labels), got shape {values.shape}."
        )
    if values.size == 0:
        raise CLIError(f"{label}: the array is empty (shape {values.shape}).")
    was_1d = values.ndim == 1
    values = values.reshape(len(values), -1)
    if values.dtype.kind == "f":
        _check_finite(values, label)
    return Matrix(values, names, label, was_1d)


def _row_blocks(values):
    """Row blocks of about a million entries: whole-matrix checks with small temporaries."""
    step = max(1, _BLOCK_ELEMENTS // max(1, values.shape[1]))
    for start in range(0, values.shape[0], step):
        yield start, values[start:start + step]


def _check_finite(values, label: str) -> None:
    import numpy as np

    n_bad, first = 0, None
    for start, block in _row_blocks(values):
        bad = ~np.isfinite(block)
        if bad.any():
            if first is None:
                row, col = np.argwhere(bad)[0]
                first = (start + int(row), int(col))
            n_bad += int(bad.sum())
    if n_bad:
        raise CLIError(
            f"{label}: {n_bad} value(s) are NaN or infinite (the first at row {first[0]}, "
            f"column {first[1]}); remove or impute them first."
        )


def _check_same_shape(scores: Matrix, labels: Matrix) -> None:
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


def _check_labels(labels: Matrix, *, allow_soft: bool, compact: bool = True):
    """The labels in a compact dtype: 0/1 labels as int8 (bool and uint8 stay), soft as read.

    The library's optimizers and metrics take integer targets as they are, so
    0/1 labels cost one byte per entry however they were stored (float64 in
    a CSV file, int64 in a .npy file). With ``compact=False`` the labels are
    checked (in row blocks) and returned as read: ``evaluate`` reads them in
    row chunks, a memory-mapped ``.npy`` file without a copy.
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
    for _, block in _row_blocks(values):
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


def _check_unique_json_labels(names, path: str) -> None:
    if not all(isinstance(n, (str, int)) and not isinstance(n, bool) for n in names):
        raise CLIError(f"--thresholds: {path}: 'labels' must list names (strings) or column "
                       "numbers.")
    seen = {}
    for j, name in enumerate(names):
        if name in seen:
            raise CLIError(
                f"--thresholds: {path}: labels {seen[name] + 1} and {j + 1} have the same name "
                f"{name!r}: label names must be unique."
            )
        seen[name] = j


def _read_thresholds(path: str) -> dict:
    from . import __version__

    file = Path(path)
    if not file.exists():
        raise CLIError(f"--thresholds: no such file: {path}")
    try:
        content = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CLIError(f"--thresholds: {path} is not a JSON file: {exc}") from None
    if not isinstance(content, dict) or "thresholds" not in content:
        raise CLIError(
            f"--thresholds: {path} is not a thresholds file written by `skthresh fit` "
            "(it has no 'thresholds' list)."
        )
    kind = content.get("format", FORMAT)
    if kind != FORMAT:
        raise CLIError(
            f"--thresholds: {path} is of format {kind!r}, not {FORMAT!r} (the format "
            "`skthresh fit` writes)."
        )
    version = content.get("format_version", FORMAT_VERSION)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise CLIError(f"--thresholds: {path}: 'format_version' must be an integer >= 1, got "
                       f"{version!r}.")
    if version > FORMAT_VERSION:
        raise CLIError(
            f"--thresholds: {path} is {FORMAT!r} version {version}, but skthresh "
            f"{__version__} reads version {FORMAT_VERSION} only: upgrade skthresh to apply it."
        )
    thresholds = content["thresholds"]
    if not isinstance(thresholds, list) or not thresholds or not all(
            isinstance(t, (int, float)) and not isinstance(t, bool) and math.isfinite(t)
            for t in thresholds):
        raise CLIError(f"--thresholds: {path}: 'thresholds' must be a list of finite numbers.")
    rule = content.get("rule", RULE)
    if rule != RULE:
        raise CLIError(
            f"--thresholds: {path} uses the rule {rule!r}; this version of skthresh applies "
            f"'score {RULE} threshold'."
        )
    labels = content.get("labels")
    if labels is not None:
        if not isinstance(labels, list) or len(labels) != len(thresholds):
            raise CLIError(f"--thresholds: {path}: 'labels' must list one name per threshold.")
        _check_unique_json_labels(labels, path)
    return content


def _match_thresholds(scores: Matrix, content: dict, path: str):
    import numpy as np

    thresholds = np.asarray(content["thresholds"], dtype=np.float64)
    n_labels = scores.values.shape[1]
    if len(thresholds) != n_labels:
        raise CLIError(
            f"shape mismatch: {scores.path} has {n_labels} label column(s) but {path} holds "
            f"{len(thresholds)} threshold(s)."
        )
    names = content.get("labels")
    if scores.names is not None and names is not None and all(isinstance(n, str) for n in names):
        if scores.names != names:
            diff = next(i for i, (a, b) in enumerate(zip(scores.names, names)) if a != b)
            raise CLIError(
                f"the label columns differ: column {diff + 1} is {scores.names[diff]!r} in "
                f"{scores.path} but {names[diff]!r} in {path}; reorder the columns."
            )
    return thresholds


def _label_names(n_labels: int, *sources) -> list:
    for names in sources:
        if names is not None:
            return list(names)
    return list(range(n_labels))


# ---------------------------------------------------------------- checks before work
def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.resolve() == b.resolve():
            return True
    except (OSError, RuntimeError):  # a symlink loop
        pass
    try:
        return os.path.samefile(a, b)  # hard links, case-insensitive file systems
    except OSError:
        return False


def _check_out(args, *inputs: str) -> None:
    """Fail before any work when ``--out`` cannot be written or is one of the inputs."""
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


def _metric(scoring: str):
    """The SetMetric of ``--scoring``, or a message listing the names the CLI takes."""
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


_DEVICE_RE = re.compile(r"^(auto|cpu|cuda(:\d+)?)$")


def _check_device(device: str) -> None:
    if not _DEVICE_RE.match(device):
        raise CLIError(f"--device: expected cpu, cuda, cuda:<index> or auto, got {device!r}.")
    from ._validation import resolve_device

    try:
        resolve_device(device)
    except ValueError as exc:
        raise CLIError(_cli_words(str(exc))) from None


# ---------------------------------------------------------------- thresholds
def _short_thresholds(scores, thresholds) -> list[float]:
    """Each threshold as the shortest decimal that makes the same cut on ``scores``.

    A learned threshold lies in the gap between two consecutive scores of its
    label (the midpoint, such as 0.20500000000000002 between 0.2 and 0.21).
    Any number strictly inside the gap predicts the same tuning rows; this
    keeps the one of fewest significant digits among the roundings of the
    threshold that stay within a quarter of the gap of it (so it keeps most of
    the midpoint's margin): 0.205 here. Thresholds at or outside the scores'
    range (every row, or no row, positive) are kept as they are.
    """
    import numpy as np

    t = np.asarray(thresholds, dtype=np.float64)
    low = np.full(t.shape, -np.inf)  # the largest score below each threshold
    high = np.full(t.shape, np.inf)  # the smallest score at or above it
    for _, block in _row_blocks(scores):
        below = block < t
        low = np.maximum(low, np.where(below, block, -np.inf).max(axis=0))
        high = np.minimum(high, np.where(below, np.inf, block).min(axis=0))
    return [_shortest_in_gap(*v) for v in zip(t.tolist(), low.tolist(), high.tolist())]


def _shortest_in_gap(t: float, low: float, high: float) -> float:
    if not (math.isfinite(low) and math.isfinite(high) and low < t < high):
        return t
    reach = (high - low) / 4
    for digits in range(1, 18):
        r = float(f"{t:.{digits}g}")
        if low < r < high and abs(r - t) <= reach:
            return r
    return t


# ---------------------------------------------------------------- commands
def _cmd_fit(args) -> int:
    from . import __version__

    if args.threshold is not None and args.method != "fixed":
        raise CLIError("--threshold applies to --method fixed only.")
    if args.device is not None and args.method != "sgl":
        raise CLIError("--device applies to --method sgl only.")
    metric = _metric(args.scoring)  # a clear error for unknown names, before reading
    _check_out(args, "scores", "labels")
    if args.device is not None:
        _check_device(args.device)
    scores = _read_array(args.scores, _key(args, "scores"), "--scores", args.header)
    labels = _read_array(args.labels, _key(args, "labels"), "--labels", args.header)
    _check_same_shape(scores, labels)
    targets = _check_labels(labels, allow_soft=True)
    n_samples, n_labels = scores.values.shape
    names = _label_names(n_labels, scores.names, labels.names)

    from ._optimizers import OPTIMIZERS
    from .exceptions import UndefinedThresholdWarning

    optimizer = OPTIMIZERS[args.method](scoring=args.scoring, verbose=args.verbose)
    if args.device is not None:
        optimizer.set_params(device=args.device)
    if args.threshold is not None:
        optimizer.set_params(threshold=args.threshold)
    values = scores.values  # a .npy file is a memory map: the optimizers read it in chunks
    if not metric.decomposable and args.method != "fixed":
        import numpy as np

        # learning the per-sample average needs whole rows: read them as arrays
        values, targets = np.asarray(values), np.asarray(targets)
    with warnings.catch_warnings(record=True) as caught:  # the filters in force apply
        optimizer.fit(values, targets)
    shown = set()
    for w in caught:  # once each, labels by name when the files name them
        message = w.message
        if isinstance(message, UndefinedThresholdWarning) and names != list(range(n_labels)):
            message = message.renamed(names)
        if (w.category, str(message)) not in shown:
            shown.add((w.category, str(message)))
            _show_warning(message, w.category, w.filename, w.lineno)

    if args.method == "fixed":
        thresholds = [float(t) for t in optimizer.thresholds_]  # the constant as given
    else:
        thresholds = _short_thresholds(scores.values, optimizer.thresholds_)
    content = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "skthresh_version": __version__,
        "method": args.method,
        "metric": metric.name,
        "rule": RULE,
        "labels": names,
        "thresholds": thresholds,
        "tuning_score": float(optimizer.best_score_),
        "n_samples": int(n_samples),
        "scores_file": scores.path,
    }
    if args.method == "sgl":
        content["device"] = str(optimizer.device)
        content["n_iter"] = int(getattr(optimizer, "n_iter_", 0))  # 0: nothing to learn
    _write_text(args.out, json.dumps(content, indent=2) + "\n")
    print(f"Learned {n_labels} threshold(s) with method {args.method!r} on {n_samples} rows: "
          f"{metric.name} = {optimizer.best_score_:.4f} on these rows.")
    print(f"Wrote {args.out}")
    return 0


def _chunk_starts(n_rows: int, n_labels: int):
    """Row ranges ``(start, stop)`` of about ``_CHUNK_ELEMENTS`` entries each."""
    step = max(1, _CHUNK_ELEMENTS // max(1, n_labels))
    for start in range(0, n_rows, step):
        yield start, min(start + step, n_rows)


def _predicted_chunks(args, scores: Matrix, thresholds):
    """``(start, stop, pred)`` by row chunks: ``pred`` the 0/1 predictions (int64) of those rows.

    Both policies work row by row, so the chunks give the predictions of the
    whole matrix; a memory-mapped ``.npy`` file is read one chunk at a time.
    """
    from ._policies import apply_thresholds

    values = scores.values
    for start, stop in _chunk_starts(*values.shape):
        yield start, stop, apply_thresholds(values[start:stop], thresholds,
                                            at_least_one=args.at_least_one,
                                            max_labels=args.max_labels)


def _cmd_apply(args) -> int:
    import itertools

    import numpy as np

    _check_out(args, "scores", "thresholds")
    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".npy", *_TEXT_FORMATS):
        raise CLIError(f"--out: unknown file type {suffix or '(none)'!r}; use .npy, .csv or .tsv.")
    content = _read_thresholds(args.thresholds)
    scores = _read_array(args.scores, _key(args, "scores"), "--scores", args.header)
    thresholds = _match_thresholds(scores, content, args.thresholds)
    n_rows, n_labels = scores.values.shape
    chunks = _predicted_chunks(args, scores, thresholds)
    chunks = itertools.chain([next(chunks)], chunks)  # a policy's error before --out opens
    if suffix == ".npy":
        writer = _NpyWriter(out, (n_rows,) if scores.was_1d else (n_rows, n_labels))
    else:
        names = _label_names(n_labels, scores.names, content.get("labels"))
        writer = _TableWriter(out, [str(n) for n in names], _TEXT_FORMATS[suffix])
    n_positive = n_empty = 0
    with writer:
        for _, _, pred in chunks:
            pred = pred.astype(np.int8)
            writer.write(pred)
            per_row = pred.sum(axis=1, dtype=np.int64)
            n_positive += int(per_row.sum())
            n_empty += int(np.count_nonzero(per_row == 0))
    print(f"Wrote {args.out}: {n_rows} rows x {n_labels} labels, "
          f"{n_positive} positive(s), {n_positive / n_rows:.2f} per row, "
          f"{n_empty} row(s) with no label.")
    return 0


def _tversky(tp, fp, fn, alpha: float, beta: float):
    """``tp / (tp + alpha fp + beta fn)`` of integer counts, 0 where the denominator is 0.

    The arithmetic of the library's metrics with ``zero_division=0`` (float64
    counts, exact for integers): the same numbers to the last bit.
    """
    import numpy as np

    tp, fp, fn = (np.asarray(c, dtype=np.float64) for c in (tp, fp, fn))
    denom = tp + alpha * fp + beta * fn
    defined = denom > 0
    return np.where(defined, tp / np.where(defined, denom, 1.0), 0.0)


def _evaluation(args, scores: Matrix, y_true, thresholds) -> dict:
    """Per-label and averaged precision, recall and F1 of the thresholds, by row chunks.

    The confusion counts of each chunk are added up: per label (the per-label,
    micro, macro and weighted figures) and per row (the samples average, the
    mean of the rows' scores). The figures are those of
    ``skthresh.metrics.tversky_score`` and ``f1_score`` with
    ``zero_division=0`` on the whole matrices.

    Returns
    -------
    figures : dict
        ``"support"`` (int64 per label), ``None`` (per-label arrays
        precision, recall, F1) and ``"micro"``, ``"macro"``, ``"weighted"``,
        ``"samples"`` (tuples of three floats).
    """
    import numpy as np

    n_rows, n_labels = y_true.shape
    tp, n_pred, n_true = (np.zeros(n_labels, dtype=np.int64) for _ in range(3))
    row_tp, row_pred, row_true = (np.empty(n_rows, dtype=np.int64) for _ in range(3))
    for start, stop, pred in _predicted_chunks(args, scores, thresholds):
        pred = pred != 0
        true = np.asarray(y_true[start:stop]) != 0  # 0/1 labels (checked), any dtype
        hit = pred & true
        tp += np.count_nonzero(hit, axis=0)
        n_pred += np.count_nonzero(pred, axis=0)
        n_true += np.count_nonzero(true, axis=0)
        row_tp[start:stop] = np.count_nonzero(hit, axis=1)
        row_pred[start:stop] = np.count_nonzero(pred, axis=1)
        row_true[start:stop] = np.count_nonzero(true, axis=1)
    measures = ((1.0, 0.0), (0.0, 1.0), (0.5, 0.5))  # precision, recall, F1 (Tversky)

    def scores_of(tp, n_pred, n_true):
        fp, fn = n_pred - tp, n_true - tp
        return [_tversky(tp, fp, fn, alpha, beta) for alpha, beta in measures]

    per_label = scores_of(tp, n_pred, n_true)
    support = tp + (n_true - tp)
    figures = {"support": n_true, None: per_label}
    figures["micro"] = tuple(float(s) for s in scores_of(tp.sum(), n_pred.sum(), n_true.sum()))
    figures["macro"] = tuple(float(np.mean(s)) for s in per_label)
    figures["weighted"] = tuple(float(np.average(s, weights=support)) if support.sum() != 0
                                else float(np.mean(s)) for s in per_label)
    figures["samples"] = tuple(float(np.mean(s)) for s in scores_of(row_tp, row_pred, row_true))
    return figures


def _cmd_evaluate(args) -> int:
    content = _read_thresholds(args.thresholds)
    scores = _read_array(args.scores, _key(args, "scores"), "--scores", args.header)
    labels = _read_array(args.labels, _key(args, "labels"), "--labels", args.header)
    _check_same_shape(scores, labels)
    y_true = _check_labels(labels, allow_soft=False, compact=False)
    thresholds = _match_thresholds(scores, content, args.thresholds)
    n_samples, n_labels = y_true.shape
    figures = _evaluation(args, scores, y_true, thresholds)

    names = [str(n) for n in _label_names(n_labels, scores.names, labels.names,
                                           content.get("labels"))]
    support = figures["support"]
    width = max(12, *(len(n) for n in names))
    header = f"{'':>{width}}  {'precision':>9}  {'recall':>9}  {'f1-score':>9}  {'support':>9}"
    policy = []
    if args.at_least_one:
        policy.append("at least one label per row")
    if args.max_labels is not None:
        policy.append(f"at most {args.max_labels} label(s) per row")
    print(f"Thresholds: {args.thresholds} (method {content.get('method', '?')!r}, "
          f"tuned for {content.get('metric', '?')}); rule: score >= threshold"
          + (f"; policy: {', '.join(policy)}" if policy else "") + ".")
    print(f"Scores: {scores.path}, labels: {labels.path}; {n_samples} rows x {n_labels} labels.")
    print()
    print(header)
    print()
    precision, recall, f1 = figures[None]
    for i, name in enumerate(names):
        print(f"{name:>{width}}  {precision[i]:9.4f}  {recall[i]:9.4f}  {f1[i]:9.4f}  "
              f"{support[i]:9d}")
    print()
    total = int(support.sum())
    for average in ("micro", "macro", "weighted", "samples"):
        p, r, f = figures[average]
        print(f"{average + ' avg':>{width}}  {p:9.4f}  {r:9.4f}  {f:9.4f}  {total:9d}")
    return 0


def _cmd_demo(args) -> int:
    from ._demo import run_demo

    run_demo(n_samples=args.n_samples, n_labels=args.n_labels, seed=args.seed)
    return 0


def _write_text(path: str, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CLIError(f"--out: cannot write {path}: {exc.strerror or exc}") from None


class _ChunkWriter:
    """An output file written chunk by chunk; removed when the command fails midway.

    Used as a context manager: ``OSError`` becomes a one-line ``CLIError``,
    and any exception (an interrupt included) removes the partial file.
    """

    mode = "wb"
    options: dict = {}

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle = None

    def __enter__(self):
        try:
            self.handle = self.path.open(self.mode, **self.options)
        except OSError as exc:
            raise CLIError(f"--out: cannot write {self.path}: {exc.strerror or exc}") from None
        try:
            self.start()
        except BaseException as exc:
            self.__exit__(type(exc), exc, None)
            raise
        return self

    def __exit__(self, kind, exc, traceback) -> None:
        handle, self.handle = self.handle, None
        try:
            handle.close()
        except OSError as error:
            if exc is None:
                exc = error
        if exc is not None:
            self.path.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise CLIError(f"--out: cannot write {self.path}: "
                               f"{exc.strerror or exc}") from None

    def start(self) -> None:
        """Write what precedes the rows."""

    def write(self, pred) -> None:
        """Append rows of 0/1 predictions (int8)."""
        raise NotImplementedError


class _NpyWriter(_ChunkWriter):
    """A ``.npy`` file of int8: the header of the whole shape, then the rows as they come."""

    def __init__(self, path: Path, shape: tuple) -> None:
        super().__init__(path)
        self.shape = shape

    def start(self) -> None:
        import numpy as np
        from numpy.lib import format as npy_format

        header = {"descr": npy_format.dtype_to_descr(np.dtype(np.int8)),
                  "fortran_order": False, "shape": self.shape}
        npy_format.write_array_header_1_0(self.handle, header)

    def write(self, pred) -> None:
        self.handle.write(pred.tobytes())  # C order: rows one after another


class _TableWriter(_ChunkWriter):
    """A CSV/TSV file: a header row of label names, then the rows as they come."""

    mode = "w"
    options = {"newline": "", "encoding": "utf-8"}

    def __init__(self, path: Path, names: list[str], delimiter: str) -> None:
        super().__init__(path)
        self.names = names
        self.delimiter = delimiter

    def start(self) -> None:
        import csv

        csv.writer(self.handle, delimiter=self.delimiter, lineterminator="\n").writerow(self.names)

    def write(self, pred) -> None:
        import numpy as np

        np.savetxt(self.handle, pred, fmt="%d", delimiter=self.delimiter)


# ---------------------------------------------------------------- parser
def _int_at_least(text: str, low: int) -> int:
    """``text`` as an integer >= ``low``; argparse names the option in the message."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= {low}, got {text!r}") from None
    if value < low:
        raise argparse.ArgumentTypeError(f"expected an integer >= {low}, got {value}")
    return value


def _positive_int(text: str) -> int:
    """An argparse type: an integer >= 1 (counts of rows, labels, labels per row)."""
    return _int_at_least(text, 1)


def _non_negative_int(text: str) -> int:
    """An argparse type: an integer >= 0 (a seed: numpy's generators refuse negative ones)."""
    return _int_at_least(text, 0)


def _finite_float(text: str) -> float:
    """An argparse type: a finite number (``nan`` and ``inf`` are refused)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``skthresh`` command."""
    from . import __version__

    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Learn, apply and evaluate per-label decision thresholds of a "
                    "multi-label classifier from score files.",
        epilog=EPILOG,
        formatter_class=formatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name, summary, description, epilog):
        return commands.add_parser(name, help=summary, description=description,
                                   epilog=epilog, formatter_class=formatter)

    def thresholds_option(sub):
        sub.add_argument("--thresholds", required=True, metavar="FILE",
                         help="JSON file written by `skthresh fit`")

    def scores_option(sub):
        sub.add_argument("--scores", required=True, metavar="FILE",
                         help="score matrix (rows x labels): .npy, .npz, .csv or .tsv")
        sub.add_argument("--scores-key", metavar="KEY",
                         help="array to read from a .npz scores file")
        sub.add_argument("--key", metavar="KEY",
                         help="array to read from every .npz file given (--scores-key and "
                              "--labels-key take precedence)")
        sub.add_argument("--header", action=argparse.BooleanOptionalAction, default=None,
                         help="CSV/TSV input: the first row is a header of label names "
                              "(--header) or data (--no-header). Default: a header, and a "
                              "first row of numbers only is refused as ambiguous")

    def labels_option(sub, what):
        sub.add_argument("--labels", required=True, metavar="FILE",
                         help=f"true labels, same shape as the scores ({what})")
        sub.add_argument("--labels-key", metavar="KEY",
                         help="array to read from a .npz labels file")

    def policy_options(sub):
        sub.add_argument("--at-least-one", action="store_true",
                         help="give a row that no label passes its top label "
                              "(largest score - threshold)")
        sub.add_argument("--max-labels", type=_positive_int, metavar="K",
                         help="keep at most K labels per row (largest score - threshold)")

    fit = command(
        "fit", "learn one threshold per label and write them to a JSON file",
        "Learn one threshold per label from validation scores and labels, and write them "
        "(with the label names, metric, method and skthresh version) to a JSON file.",
        FIT_EPILOG)
    scores_option(fit)
    labels_option(fit, "0/1 or soft targets in [0, 1]")
    fit.add_argument("--scoring", default="f1_micro", metavar="METRIC",
                     help="metric to maximise: f1_micro (default), f1_macro, f2_micro, "
                          "jaccard_samples, ... (<f1|f<beta>|jaccard>_<micro|macro|samples|"
                          "weighted>)")
    fit.add_argument("--method", choices=METHODS, default="sgl",
                     help="sgl: surrogate gradient learning (default); coordinate: exact "
                          "per-label search; fixed: one constant threshold")
    fit.add_argument("--threshold", type=_finite_float, metavar="T",
                     help="the constant of --method fixed (default 0.5)")
    fit.add_argument("--device", metavar="DEVICE",
                     help="for --method sgl: cpu (default), cuda, cuda:1 or auto")
    fit.add_argument("--out", required=True, metavar="FILE",
                     help="JSON file to write the thresholds to")
    fit.add_argument("-v", "--verbose", action="count", default=0,
                     help="print the optimizer's progress (-vv: every epoch)")

    apply = command(
        "apply", "turn scores into 0/1 predictions with learned thresholds",
        "Predict labels: score >= threshold for each label, then the optional policies.",
        APPLY_EPILOG)
    scores_option(apply)
    thresholds_option(apply)
    apply.add_argument("--out", required=True, metavar="FILE",
                       help="predictions: .npy (int8 0/1), .csv or .tsv (with a header)")
    policy_options(apply)

    evaluate = command(
        "evaluate", "print per-label and averaged precision, recall and F1",
        "Apply the thresholds and print per-label precision, recall, F1 and support, and "
        "their micro, macro, weighted and samples averages.",
        EVALUATE_EPILOG)
    scores_option(evaluate)
    labels_option(evaluate, "0/1")
    thresholds_option(evaluate)
    policy_options(evaluate)

    demo = command(
        "demo", "learned thresholds against the 0.5 cut on synthetic scores",
        "Learn thresholds on synthetic validation scores (generated here, nothing is "
        "downloaded) and compare them with the 0.5 cut on a second, held-out draw: micro- "
        "and macro-F1, and the time each method took.",
        DEMO_EPILOG)
    demo.add_argument("--n-samples", type=_positive_int, default=10_000, metavar="N",
                      help="rows of each draw, validation and test (default 10000)")
    demo.add_argument("--n-labels", type=_positive_int, default=200, metavar="L",
                      help="labels (default 200)")
    demo.add_argument("--seed", type=_non_negative_int, default=0, metavar="S",
                      help="seed of the rows drawn, an integer >= 0 (default 0)")
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None):
    print(f"{PROG}: warning: {_one_line(_cli_words(str(message)))}", file=sys.stderr)


def main(argv=None) -> int:
    """Run the ``skthresh`` command line.

    Parameters
    ----------
    argv : list of str, default=None
        Arguments without the program name; ``sys.argv[1:]`` when None.

    Returns
    -------
    status : int
        0 on success, 1 for an input error, 2 for a usage error.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return int(exc.code or 0)
    commands = {"fit": _cmd_fit, "apply": _cmd_apply, "evaluate": _cmd_evaluate,
                "demo": _cmd_demo}
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        try:
            return commands[args.command](args)
        except CLIError as exc:
            message = str(exc)
        except ValueError as exc:  # from the library, which names its Python parameters
            message = _cli_words(str(exc))
        except MemoryError:
            message = "not enough memory for these inputs."
        except KeyboardInterrupt:
            print(f"{PROG} {args.command}: interrupted", file=sys.stderr)
            return 130
    print(f"{PROG} {args.command}: error: {_one_line(message)}", file=sys.stderr)
    return 1
