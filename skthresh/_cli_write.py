"""The command line's writers: predictions written to .npy, .csv or .tsv row chunk by chunk.

``skthresh apply`` never holds the whole prediction matrix: each writer
writes what precedes the rows (a ``.npy`` header of the final shape, a
CSV/TSV header row of label names), then the rows as they come, and
removes the partial file when the command fails or is interrupted midway.

Standard library only at import time (numpy is imported by the methods).
"""

from __future__ import annotations

from pathlib import Path

from ._cli_messages import CLIError

__all__ = ["ChunkWriter", "NpyWriter", "TableWriter"]


class ChunkWriter:
    """An output file written chunk by chunk; removed when the command fails midway.

    Used as a context manager: ``OSError`` becomes a one-line ``CLIError``,
    and any exception (an interrupt included) removes the partial file.

    Parameters
    ----------
    path : Path
        The ``--out`` file.
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


class NpyWriter(ChunkWriter):
    """A ``.npy`` file of int8: the header of the whole shape, then the rows as they come.

    The bytes are those ``np.save`` writes for the whole matrix.

    Parameters
    ----------
    path : Path
        The ``--out`` file.
    shape : tuple of int
        The shape of the whole prediction matrix, ``(n_rows,)`` or
        ``(n_rows, n_labels)``.
    """

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


class TableWriter(ChunkWriter):
    """A CSV/TSV file: a header row of label names, then the rows as they come.

    Parameters
    ----------
    path : Path
        The ``--out`` file.
    names : list of str
        The header row: the label names (``apply``), or the columns of
        ``report``'s table, which writes its rows through :attr:`handle`.
    delimiter : str
        ``","`` or ``"\\t"``.
    """

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
