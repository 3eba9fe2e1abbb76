"""The ``skthresh`` command line: learn, apply and evaluate thresholds on score files.

Four sub-commands work on score matrices that a model already wrote to disk::

    skthresh fit --scores val_scores.npy --labels val_labels.npy --out thresholds.json
    skthresh apply --scores test_scores.npy --thresholds thresholds.json --out pred.npy
    skthresh evaluate --scores test_scores.npy --labels test_labels.npy \\
        --thresholds thresholds.json
    skthresh report --scores val_scores.npy --labels val_labels.npy

and ``skthresh demo`` shows learned thresholds against the 0.5 cut on
synthetic scores, with no file of the user's.

Input errors (missing, corrupt or truncated files, ambiguous CSV headers,
shape mismatches, NaN, labels outside [0, 1]) are reported on stderr in one
line, without a traceback, with exit status 1; usage errors exit with status
2, as argparse does.

This module holds the parser and the sub-commands; each of their other jobs
has its own module, imported by the commands when they run:

- ``_cli_read``: score and label matrices read from .npy, .npz, .csv, .tsv;
- ``_cli_checks``: the inputs checked against each other, and the options;
- ``_cli_numbers``: predictions and figures by row chunks, short thresholds;
- ``_cli_write``: predictions written row chunk by row chunk;
- ``_cli_messages``: one-line errors, library messages in option names;
- ``_cli_help``: the help texts;
- ``_cli_report``: ``skthresh report``, each threshold with a bootstrap interval;
- :mod:`skthresh.thresholds_io`: the thresholds file (public).

This module imports only the standard library at import time (numpy and the
optimizers are imported by the commands), so that ``--help`` and
``--version`` cost no more than ``import skthresh``.
"""

from __future__ import annotations

import argparse
import math
import sys
import warnings
from pathlib import Path

__all__ = ["main"]

PROG = "skthresh"
# The keys of skthresh._optimizers.OPTIMIZERS (a test checks): spelled out here so
# that building the parser does not import the optimizers (scikit-learn).
METHODS = ("sgl", "coordinate", "fixed")


# ---------------------------------------------------------------- commands
def _cmd_fit(args) -> int:
    """``skthresh fit``: learn the thresholds and write them with :func:`save_thresholds`."""
    from ._cli_checks import (
        check_device,
        check_out,
        label_names,
        read_scores_and_labels,
        set_metric,
    )
    from ._cli_messages import CLIError

    if args.threshold is not None and args.method != "fixed":
        raise CLIError("--threshold applies to --method fixed only.")
    if args.device is not None and args.method != "sgl":
        raise CLIError("--device applies to --method sgl only.")
    metric = set_metric(args.scoring)  # a clear error for unknown names, before reading
    check_out(args, "scores", "labels")
    if args.device is not None:
        check_device(args.device)
    scores, labels, targets = read_scores_and_labels(args)
    n_samples, n_labels = scores.values.shape
    names = label_names(n_labels, scores.names, labels.names)
    named = names != list(range(n_labels))
    optimizer = _optimizer(args)
    per_sample = not metric.decomposable and args.method != "fixed"
    values, targets = _fit_inputs(scores.values, targets, names if named else None, per_sample)
    _fit_showing_warnings(optimizer, values, targets, names if named else None)

    if args.method == "fixed":
        thresholds = [float(t) for t in optimizer.thresholds_]  # the constant as given
    else:
        from ._cli_numbers import short_thresholds

        thresholds = short_thresholds(scores.values, optimizer.thresholds_)
    metadata = {"tuning_score": float(optimizer.best_score_), "n_samples": int(n_samples),
                "scores_file": scores.path}
    if args.method == "sgl":
        metadata["device"] = str(optimizer.device)
        metadata["n_iter"] = int(getattr(optimizer, "n_iter_", 0))  # 0: nothing to learn
    _save(args.out, thresholds, label_names=names, metric=metric.name, method=args.method,
          metadata=metadata)
    print(f"Learned {n_labels} threshold(s) with method {args.method!r} on {n_samples} rows: "
          f"{metric.name} = {optimizer.best_score_:.4f} on these rows.")
    print(f"Wrote {args.out}")
    return 0


def _optimizer(args):
    """The threshold optimizer of ``--method``, with the options given."""
    from ._optimizers import OPTIMIZERS

    optimizer = OPTIMIZERS[args.method](scoring=args.scoring, verbose=args.verbose)
    if args.device is not None:
        optimizer.set_params(device=args.device)
    if args.threshold is not None:
        optimizer.set_params(threshold=args.threshold)
    return optimizer


def _fit_inputs(values, targets, names, per_sample: bool):
    """The scores and targets as the optimizer gets them.

    A ``.npy`` file is a memory map, which the optimizers read in chunks;
    learning a per-sample average needs whole rows, read as arrays then.
    Scores in memory with label names go as a pandas DataFrame of those
    columns, so that the optimizer's warnings name the labels themselves.
    """
    import numpy as np

    if per_sample:
        values, targets = np.asarray(values), np.asarray(targets)
    if names is None or isinstance(values, np.memmap):
        return values, targets
    try:
        import pandas as pd
    except ImportError:  # an optional dependency: the warnings are renamed after the fit
        return values, targets
    return pd.DataFrame(values, columns=names, copy=False), targets


def _fit_showing_warnings(optimizer, values, targets, names) -> None:
    """Fit, then show each distinct warning once, as one ``skthresh: warning:`` line."""
    from ._cli_messages import show_warning
    from .exceptions import UndefinedThresholdWarning

    with warnings.catch_warnings(record=True) as caught:  # the filters in force apply
        optimizer.fit(values, targets)
    # Scores streamed from a .npy memory map cannot be a DataFrame (nor can any scores
    # without pandas): the optimizer numbers the labels, and the warnings are renamed here.
    rename = names is not None and getattr(optimizer, "label_names_", None) is None
    shown = set()
    for w in caught:
        message = w.message
        if rename and isinstance(message, UndefinedThresholdWarning):
            message = message.renamed(names)
        if (w.category, str(message)) not in shown:
            shown.add((w.category, str(message)))
            show_warning(message, w.category, w.filename, w.lineno)


def _save(path: str, thresholds, **fields) -> None:
    """:func:`~skthresh.save_thresholds`, a failure to write in one line."""
    from ._cli_messages import CLIError
    from .thresholds_io import save_thresholds

    try:
        save_thresholds(path, thresholds, **fields)
    except OSError as exc:
        raise CLIError(f"--out: cannot write {path}: {exc.strerror or exc}") from None


def _cmd_apply(args) -> int:
    """``skthresh apply``: write the predictions, row chunk by row chunk."""
    import itertools

    import numpy as np

    from ._cli_checks import check_out, label_names, match_thresholds, read_thresholds
    from ._cli_messages import CLIError
    from ._cli_numbers import predicted_chunks
    from ._cli_read import TEXT_FORMATS, npz_key, read_array
    from ._cli_write import NpyWriter, TableWriter

    check_out(args, "scores", "thresholds")
    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".npy", *TEXT_FORMATS):
        raise CLIError(f"--out: unknown file type {suffix or '(none)'!r}; use .npy, .csv or .tsv.")
    loaded = read_thresholds(args.thresholds)
    scores = read_array(args.scores, npz_key(args, "scores"), "--scores", args.header)
    thresholds = match_thresholds(scores, loaded, args.thresholds)
    n_rows, n_labels = scores.values.shape
    chunks = predicted_chunks(args, scores, thresholds)
    chunks = itertools.chain([next(chunks)], chunks)  # a policy's error before --out opens
    if suffix == ".npy":
        writer = NpyWriter(out, (n_rows,) if scores.was_1d else (n_rows, n_labels))
    else:
        names = label_names(n_labels, scores.names, loaded.label_names)
        writer = TableWriter(out, [str(n) for n in names], TEXT_FORMATS[suffix])
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


def _cmd_evaluate(args) -> int:
    """``skthresh evaluate``: print the per-label and averaged figures of the thresholds."""
    from ._cli_checks import (
        label_names,
        match_thresholds,
        read_scores_and_labels,
        read_thresholds,
    )
    from ._cli_numbers import evaluation

    loaded = read_thresholds(args.thresholds)
    scores, labels, y_true = read_scores_and_labels(args, allow_soft=False, compact=False)
    thresholds = match_thresholds(scores, loaded, args.thresholds)
    n_samples, n_labels = y_true.shape
    figures = evaluation(args, scores, y_true, thresholds)
    names = [str(n) for n in label_names(n_labels, scores.names, labels.names,
                                         loaded.label_names)]
    policy = []
    if args.at_least_one:
        policy.append("at least one label per row")
    if args.max_labels is not None:
        policy.append(f"at most {args.max_labels} label(s) per row")
    method = "?" if loaded.method is None else loaded.method
    metric = "?" if loaded.metric is None else loaded.metric
    print(f"Thresholds: {args.thresholds} (method {method!r}, tuned for {metric}); rule: "
          "score >= threshold" + (f"; policy: {', '.join(policy)}" if policy else "") + ".")
    print(f"Scores: {scores.path}, labels: {labels.path}; {n_samples} rows x {n_labels} labels.")
    _print_figures(names, figures)
    return 0


def _print_figures(names: list[str], figures: dict) -> None:
    """The table of ``evaluate``: one row per label, then the four averages."""
    support = figures["support"]
    width = max(12, *(len(n) for n in names))
    print()
    print(f"{'':>{width}}  {'precision':>9}  {'recall':>9}  {'f1-score':>9}  {'support':>9}")
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


def _cmd_report(args) -> int:
    """``skthresh report``: each label's threshold with a bootstrap interval."""
    from ._cli_report import run_report

    return run_report(args)


def _cmd_demo(args) -> int:
    """``skthresh demo``: learned thresholds against the 0.5 cut on synthetic scores."""
    from ._demo import run_demo

    run_demo(n_samples=args.n_samples, n_labels=args.n_labels, seed=args.seed)
    return 0


# ---------------------------------------------------------------- parser
def _int_at_least(text: str, low: int, high: int | None = None) -> int:
    """``text`` as an integer >= ``low`` (and <= ``high``); argparse names the option."""
    wanted = f">= {low}" if high is None else f"in [{low}, {high}]"
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer {wanted}, got {text!r}") from None
    if value < low or (high is not None and value > high):
        raise argparse.ArgumentTypeError(f"expected an integer {wanted}, got {value}")
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


def _number_in(text: str, low: float, high: float | None = None) -> float:
    """A finite number > ``low`` and < ``high`` (None: >= ``low``, no upper bound)."""
    value = _finite_float(text)
    if value < low if high is None else not low < value < high:
        wanted = f">= {low:g}" if high is None else f"in ({low:g}, {high:g})"
        raise argparse.ArgumentTypeError(f"expected a number {wanted}, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``skthresh`` command.

    Returns
    -------
    parser : argparse.ArgumentParser
        Its sub-commands are fit, apply, evaluate, report and demo.
    """
    from . import __version__, _cli_help

    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Learn, apply and evaluate per-label decision thresholds of a "
                    "multi-label classifier from score files.",
        epilog=_cli_help.EPILOG,
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

    def method_options(sub):
        sub.add_argument("--scoring", default="f1_micro", metavar="METRIC",
                         help="metric to maximise: f1_micro (default), f1_macro, f2_micro, "
                              "jaccard_samples, ... (<f1|f<beta>|jaccard>_<micro|macro|"
                              "samples|weighted>)")
        sub.add_argument("--method", choices=METHODS, default="sgl",
                         help="sgl: surrogate gradient learning (default); coordinate: exact "
                              "per-label search; fixed: one constant threshold")

    fit = command(
        "fit", "learn one threshold per label and write them to a JSON file",
        "Learn one threshold per label from validation scores and labels, and write them "
        "(with the label names, metric, method and skthresh version) to a JSON file.",
        _cli_help.FIT_EPILOG)
    scores_option(fit)
    labels_option(fit, "0/1 or soft targets in [0, 1]")
    method_options(fit)
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
        _cli_help.APPLY_EPILOG)
    scores_option(apply)
    thresholds_option(apply)
    apply.add_argument("--out", required=True, metavar="FILE",
                       help="predictions: .npy (int8 0/1), .csv or .tsv (with a header)")
    policy_options(apply)

    evaluate = command(
        "evaluate", "print per-label and averaged precision, recall and F1",
        "Apply the thresholds and print per-label precision, recall, F1 and support, and "
        "their micro, macro, weighted and samples averages.",
        _cli_help.EVALUATE_EPILOG)
    scores_option(evaluate)
    labels_option(evaluate, "0/1")
    thresholds_option(evaluate)
    policy_options(evaluate)

    report = command(
        "report", "each label's threshold with a bootstrap interval, untunable ones flagged",
        "Learn the thresholds as `skthresh fit` does and again on bootstrap resamples of the "
        "rows; print each label's threshold, interval, positives, spread and untunable flag.",
        _cli_help.REPORT_EPILOG)
    scores_option(report)
    labels_option(report, "0/1 or soft targets in [0, 1]")
    method_options(report)
    report.add_argument("--level", type=lambda t: _number_in(t, 0, 1), default=0.9,
                        metavar="P", help="coverage of the intervals, in (0, 1) (default 0.9)")
    report.add_argument("--n-resamples", type=lambda t: _int_at_least(t, 2), default=100,
                        metavar="N", help="bootstrap fits, an integer >= 2 (default 100)")
    report.add_argument("--seed", type=lambda t: _int_at_least(t, 0, 2**32 - 1), default=0,
                        metavar="S", help="seed of the resamples, in [0, 2**32 - 1] (default 0)")
    report.add_argument("--min-positives", type=_non_negative_int, default=5, metavar="K",
                        help="labels with fewer positives are untunable (default 5)")
    report.add_argument("--max-spread", type=lambda t: _number_in(t, 0), default=0.3,
                        metavar="X", help="labels of larger spread are untunable (default 0.3)")
    report.add_argument("--out", metavar="FILE",
                        help="write the table to a .csv or .tsv file instead of printing it")

    demo = command(
        "demo", "learned thresholds against the 0.5 cut on synthetic scores",
        "Learn thresholds on synthetic validation scores (generated here, nothing is "
        "downloaded) and compare them with the 0.5 cut on a second, held-out draw: micro- "
        "and macro-F1, and the time each method took.",
        _cli_help.DEMO_EPILOG)
    demo.add_argument("--n-samples", type=_positive_int, default=10_000, metavar="N",
                      help="rows of each draw, validation and test (default 10000)")
    demo.add_argument("--n-labels", type=_positive_int, default=200, metavar="L",
                      help="labels (default 200)")
    demo.add_argument("--seed", type=_non_negative_int, default=0, metavar="S",
                      help="seed of the rows drawn, an integer >= 0 (default 0)")
    return parser


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
    from ._cli_messages import CLIError, cli_words, one_line, show_warning

    commands = {"fit": _cmd_fit, "apply": _cmd_apply, "evaluate": _cmd_evaluate,
                "report": _cmd_report, "demo": _cmd_demo}
    from ._progress import printing_to

    # standard output is the command's result: the library's progress goes to stderr
    with warnings.catch_warnings(), printing_to(sys.stderr):
        warnings.showwarning = show_warning
        try:
            return commands[args.command](args)
        except CLIError as exc:
            message = str(exc)
        except ValueError as exc:  # from the library, which names its Python parameters
            message = cli_words(str(exc))
        except MemoryError:
            message = "not enough memory for these inputs."
        except KeyboardInterrupt:
            print(f"{PROG} {args.command}: interrupted", file=sys.stderr)
            return 130
    print(f"{PROG} {args.command}: error: {one_line(message)}", file=sys.stderr)
    return 1
