"""``skthresh report``: each label's learned threshold with a bootstrap interval.

The command reads the scores and labels as ``skthresh fit`` does (same
readers, same checks, same label names), runs
:func:`skthresh.threshold_report`, and prints one row per label (threshold,
interval, positives, spread, untunable flag) with a summary line, or writes
the table to a CSV/TSV file. Resampling needs the rows in memory, so a
``.npy`` file is read whole here, not memory-mapped.

Standard library only at import time (numpy and the library are imported
by the functions).
"""

from __future__ import annotations

import math
from pathlib import Path

from ._cli_messages import CLIError

__all__ = ["COLUMNS", "report_rows", "run_report", "summary", "text_table"]

# The columns of the --out table, in order.
COLUMNS = ("label", "threshold", "low", "high", "n_positive", "spread", "untunable",
           "safe_threshold")
_TEXT_FORMATS = {".csv": ",", ".tsv": "\t"}  # as _cli_read.TEXT_FORMATS


def run_report(args) -> int:
    """Run ``skthresh report``: print the table, or write it to ``--out``.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line.

    Returns
    -------
    status : int
        0 (errors are raised as :class:`~skthresh._cli_messages.CLIError`).
    """
    from ._cli_checks import check_out, label_names, read_scores_and_labels, set_metric

    metric = set_metric(args.scoring)  # a clear error for unknown names, before reading
    if args.out is not None:  # as apply checks it: an input first, then the file type
        check_out(args, "scores", "labels")
        suffix = Path(args.out).suffix.lower()
        if suffix not in _TEXT_FORMATS:
            raise CLIError(f"--out: unknown file type {suffix or '(none)'!r}; use .csv or .tsv.")
    scores, labels, targets = read_scores_and_labels(args)
    n_samples, n_labels = scores.values.shape
    names = label_names(n_labels, scores.names, labels.names)
    report = _threshold_report(args, scores.values, targets,
                               names if names != list(range(n_labels)) else None)
    rows = report_rows(report, names)
    if args.out is None:
        print(f"Thresholds of method {args.method!r} tuned for {metric.name} on {n_samples} "
              f"rows of {scores.path}, with {_percent(report.level)} bootstrap intervals "
              f"from {report.n_resamples} resamples (seed {args.seed}).")
        print()
        for line in text_table(rows):
            print(line)
        print()
    else:
        _write(args.out, rows, _TEXT_FORMATS[Path(args.out).suffix.lower()])
        print(f"Wrote {args.out}: {n_labels} label(s), {_percent(report.level)} bootstrap "
              f"intervals from {report.n_resamples} resamples (seed {args.seed}).")
    print(summary(report, args.min_positives, args.max_spread))
    return 0


def _threshold_report(args, values, targets, names):
    """:func:`~skthresh.threshold_report` of ``--method`` on the rows, read whole."""
    import numpy as np

    from ._optimizers import OPTIMIZERS
    from ._report import threshold_report

    # Resampling takes rows at random: a memory map is read whole once, not page by page.
    values = np.array(values) if isinstance(values, np.memmap) else values
    targets = np.array(targets) if isinstance(targets, np.memmap) else targets
    if names is not None:
        try:
            import pandas as pd
        except ImportError:  # optional: the warnings then number the labels
            pass
        else:  # the full fit's warnings name the labels
            values = pd.DataFrame(values, columns=names, copy=False)
    optimizer = OPTIMIZERS[args.method](scoring=args.scoring)
    return threshold_report(optimizer, values, targets, level=args.level,
                            n_resamples=args.n_resamples, min_positives=args.min_positives,
                            max_spread=args.max_spread, random_state=args.seed)


def _percent(level: float) -> str:
    return f"{level * 100:.10g}%"


def _count(value: float) -> str:
    """A count of positives: an integer, or two decimals for soft targets."""
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def report_rows(report, names: list) -> list[dict]:
    """The report as one dict per label, keyed by :data:`COLUMNS`.

    Parameters
    ----------
    report : sklearn.utils.Bunch
        What :func:`~skthresh.threshold_report` returned.
    names : list
        The label names (or column numbers), in order.

    Returns
    -------
    rows : list of dict
        Python floats, the label as ``str`` and ``untunable`` as ``bool``.
    """
    columns = [report[c].tolist() for c in COLUMNS[1:]]
    return [dict(zip(COLUMNS, (str(name), *values))) for name, *values in zip(names, *columns)]


def text_table(rows: list[dict]) -> list[str]:
    """The aligned text lines of the table: a header, then one line per label.

    Parameters
    ----------
    rows : list of dict
        As :func:`report_rows` returns them.

    Returns
    -------
    lines : list of str
        Labels left-aligned, numbers right-aligned (4 significant digits),
        ``yes`` in the last column for untunable labels.
    """
    header = ("label", "threshold", "low", "high", "positives", "spread", "untunable")
    cells = [[r["label"], f"{r['threshold']:.4g}", f"{r['low']:.4g}", f"{r['high']:.4g}",
              _count(r["n_positive"]), f"{r['spread']:.3f}" if math.isfinite(r["spread"])
              else "inf", "yes" if r["untunable"] else ""] for r in rows]
    widths = [max(len(h), *(len(c[j]) for c in cells)) for j, h in enumerate(header)]

    def line(values) -> str:
        first = f"{values[0]:<{widths[0]}}"
        middle = [f"{v:>{w}}" for v, w in zip(values[1:-1], widths[1:-1])]
        return "  ".join([first, *middle, values[-1]]).rstrip()

    return [line(header), *(line(c) for c in cells)]


def summary(report, min_positives: int, max_spread: float) -> str:
    """The line that counts the untunable labels and says what to do about them.

    Parameters
    ----------
    report : sklearn.utils.Bunch
        What :func:`~skthresh.threshold_report` returned.
    min_positives : int
        The ``--min-positives`` the report used.
    max_spread : float
        The ``--max-spread`` the report used.

    Returns
    -------
    line : str
    """
    n_labels = len(report.untunable)
    n_untunable = int(report.untunable.sum())
    rule = f"fewer than {min_positives} positives or spread > {max_spread:g}"
    if n_untunable == 0:
        return f"0 of {n_labels} labels untunable ({rule}): every threshold is backed by its data."
    return (f"{n_untunable} of {n_labels} labels untunable ({rule}): their threshold is a "
            "guess; `skthresh fit` still learns one for each, so for these labels prefer the "
            f"threshold shared by all labels ({report.shared_threshold:.4g}, the safe_threshold "
            "column of --out) or label more rows.")


def _write(path: str, rows: list[dict], delimiter: str) -> None:
    """The table as CSV/TSV: full-precision numbers, ``true``/``false`` for untunable.

    Written through the command line's one table writer (a partial file is removed).
    """
    import csv

    from ._cli_write import TableWriter

    with TableWriter(Path(path), list(COLUMNS), delimiter) as out:
        writer = csv.writer(out.handle, delimiter=delimiter, lineterminator="\n")
        for r in rows:
            positives = r["n_positive"]
            writer.writerow([r["label"], *(repr(r[c]) for c in ("threshold", "low", "high")),
                             str(int(positives)) if positives.is_integer() else repr(positives),
                             repr(r["spread"]), "true" if r["untunable"] else "false",
                             repr(r["safe_threshold"])])
