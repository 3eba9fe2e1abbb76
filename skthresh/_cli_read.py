"""The command line's readers: score and label matrices from .npy, .npz, .csv and .tsv files.

Every problem of a file (missing, empty, corrupt or truncated, ambiguous
CSV header, ragged rows, cells that are not numbers, NaN) is a
:class:`~skthresh._cli_messages.CLIError` that says where, in one line.
A ``.npy`` file is memory-mapped (read-only, no copy); CSV/TSV files are
read by ``numpy.loadtxt`` and, when it refuses them, read again row by row
by the csv module to name the bad line.

Standard library only at import time (numpy is imported by the functions).
"""

from __future__ import annotations

import warnings
from pathlib import Path

from ._cli_messages import CLIError, shown

__all__ = ["TEXT_FORMATS", "Matrix", "npz_key", "read_array", "row_blocks"]

TEXT_FORMATS = {".csv": ",", ".tsv": "\t"}
_BLOCK_ELEMENTS = 1 << 20  # row blocks of the whole-matrix checks: bounded temporaries


class Matrix:
    """A 2-D array read from a file, with its column names (or None).

    Parameters
    ----------
    values : ndarray of shape (n_rows, n_labels)
        The numbers (a read-only memory map for a ``.npy`` file).
    names : list of str or None
        The column names of a CSV/TSV header.
    path : str
        The file as messages name it (``file.npz[key]`` for a ``.npz`` array).
    was_1d : bool, default=False
        Whether the file held a 1-D array (one label).
    """

    __slots__ = ("values", "names", "path", "was_1d")

    def __init__(self, values, names, path: str, was_1d: bool = False) -> None:
        self.values = values
        self.names = names
        self.path = path
        self.was_1d = was_1d


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
                                       f"{shown(cell)} is not a number{hint}.")
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


def npz_key(args, which: str) -> str | None:
    """The .npz key of ``--scores`` or ``--labels``: its own option, else ``--key`` for .npz.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line.
    which : {"scores", "labels"}
        The input file's option.

    Returns
    -------
    key : str or None
    """
    own = getattr(args, f"{which}_key")
    if own is not None:
        return own
    path = getattr(args, which)
    return args.key if Path(path).suffix.lower() == ".npz" else None


def read_array(path: str, key: str | None, option: str, header: bool | None = None) -> Matrix:
    """Read a 1-D or 2-D numeric array from .npy, .npz, .csv or .tsv.

    Parameters
    ----------
    path : str
        The file.
    key : str or None
        The array of a ``.npz`` file (None: its only array).
    option : str
        The option that named the file (``"--scores"``), for the messages.
    header : bool or None, default=None
        Whether a CSV/TSV file starts with a header row; None: it must, and a
        first row of numbers only is refused as ambiguous.

    Returns
    -------
    matrix : Matrix
        The values as 2-D (rows x labels), finite when floating-point.

    Raises
    ------
    CLIError
        For any problem of the file, in one line.
    """
    file = Path(path)
    if not file.exists():
        raise CLIError(f"{option}: no such file: {path}")
    if file.is_dir():
        raise CLIError(f"{option}: {path} is a directory, not a file.")
    suffix = file.suffix.lower()
    if key is not None and suffix != ".npz":
        raise CLIError(f"{option}-key applies to .npz files only, and {path} is not one.")
    if suffix not in (".npy", ".npz", *TEXT_FORMATS):
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
            values, names = _read_text_table(file, TEXT_FORMATS[suffix], header)
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


def row_blocks(values):
    """Row blocks of about a million entries: whole-matrix checks with small temporaries.

    Parameters
    ----------
    values : ndarray of shape (n_rows, n_labels)
        A matrix, possibly memory-mapped.

    Yields
    ------
    start : int
        The first row of the block.
    block : ndarray
        Its rows (a view).
    """
    step = max(1, _BLOCK_ELEMENTS // max(1, values.shape[1]))
    for start in range(0, values.shape[0], step):
        yield start, values[start:start + step]


def _check_finite(values, label: str) -> None:
    """Refuse NaN and infinite values, counting them and naming the first (by row blocks)."""
    import numpy as np

    n_bad, first = 0, None
    for start, block in row_blocks(values):
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
