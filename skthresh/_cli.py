"""The ``skthresh`` command line: learn, apply and evaluate thresholds on score files.

Three sub-commands work on score matrices that a model already wrote to disk::

    skthresh fit --scores val_scores.npy --labels val_labels.npy --out thresholds.json
    skthresh apply --scores test_scores.npy --thresholds thresholds.json --out pred.npy
    skthresh evaluate --scores test_scores.npy --labels test_labels.npy \\
        --thresholds thresholds.json

Input errors (missing files, shape mismatches, NaN, labels outside [0, 1]) are
reported on stderr in one line, without a traceback, with exit status 1;
usage errors exit with status 2, as argparse does.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._optimizers import OPTIMIZERS

__all__ = ["main"]

PROG = "skthresh"
RULE = ">="
FORMAT = "skthresh-thresholds"
FORMAT_VERSION = 1
_TEXT_FORMATS = {".csv": ",", ".tsv": "\t"}

EPILOG = """\
examples:
  # learn one threshold per label on validation scores (micro-F1, SGL)
  skthresh fit --scores val_scores.npy --labels val_labels.npy --out thresholds.json

  # exact per-label search for macro-F1; arrays stored in one .npz file
  skthresh fit --scores val.npz --scores-key scores --labels val.npz --labels-key labels \\
      --method coordinate --scoring f1_macro --out thresholds.json

  # the same array name in separate .npz files: one --key for both
  skthresh fit --scores val_scores.npz --labels val_labels.npz --key arr_0 --out thresholds.json

  # 0/1 predictions for new scores, at least one label per row
  skthresh apply --scores test_scores.csv --thresholds thresholds.json \\
      --out predictions.csv --at-least-one

  # per-label precision, recall, F1 and support, with micro/macro/samples averages
  skthresh evaluate --scores test_scores.npy --labels test_labels.npy \\
      --thresholds thresholds.json

Files: .npy, .npz (choose the array with --scores-key/--labels-key when the
file holds several, or --key for every .npz file), .csv and .tsv (a header row
of label names, kept in the JSON file; a first row of numbers only is read as
data). A label is predicted when score >= threshold.
"""


class CLIError(Exception):
    """An input problem reported to the user in one line."""


@dataclass
class Matrix:
    """A 2-D array read from a file, with its column names (or None)."""

    values: np.ndarray
    names: list[str] | None
    path: str
    was_1d: bool = False


# ---------------------------------------------------------------- reading
def _read_text_table(path: Path, delimiter: str) -> tuple[np.ndarray, list[str] | None]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = [row for row in csv.reader(handle, delimiter=delimiter) if row]
    if not rows:
        raise CLIError(f"{path}: the file is empty.")
    names = None
    try:
        [float(cell) for cell in rows[0]]
    except ValueError:
        names = [cell.strip() for cell in rows[0]]
        rows = rows[1:]
    if not rows:
        raise CLIError(f"{path}: the file has a header row but no data rows.")
    width = len(names) if names is not None else len(rows[0])
    values = np.empty((len(rows), width), dtype=np.float64)
    first_data_line = 2 if names is not None else 1
    for i, row in enumerate(rows):
        line = i + first_data_line
        if len(row) != width:
            raise CLIError(
                f"{path}: line {line} has {len(row)} values, but the "
                f"{'header' if names is not None else 'first line'} has {width}."
            )
        for j, cell in enumerate(row):
            try:
                values[i, j] = float(cell)
            except ValueError:
                column = f" ({names[j]!r})" if names is not None else ""
                raise CLIError(
                    f"{path}: line {line}, column {j + 1}{column}: {cell!r} is not a number."
                ) from None
    return values, names


def _key(args, which: str) -> str | None:
    """The .npz key of ``--scores`` or ``--labels``: its own option, else ``--key`` for .npz."""
    own = getattr(args, f"{which}_key")
    if own is not None:
        return own
    path = getattr(args, which)
    return args.key if Path(path).suffix.lower() == ".npz" else None


def _read_array(path: str, key: str | None, option: str) -> Matrix:
    """Read a 1-D or 2-D numeric array from .npy, .npz, .csv or .tsv."""
    file = Path(path)
    if not file.exists():
        raise CLIError(f"{option}: no such file: {path}")
    if file.is_dir():
        raise CLIError(f"{option}: {path} is a directory, not a file.")
    suffix = file.suffix.lower()
    if key is not None and suffix != ".npz":
        raise CLIError(f"{option}-key applies to .npz files only, and {path} is not one.")
    names = None
    try:
        if suffix == ".npy":
            values = np.load(file, allow_pickle=False)
        elif suffix == ".npz":
            with np.load(file, allow_pickle=False) as archive:
                keys = list(archive.files)
                if key is None:
                    if len(keys) != 1:
                        raise CLIError(
                            f"{path} holds {len(keys)} arrays ({', '.join(keys)}): choose one "
                            f"with {option}-key."
                        )
                    key = keys[0]
                if key not in keys:
                    raise CLIError(
                        f"{path} has no array {key!r}; its arrays are: {', '.join(keys)}."
                    )
                values = archive[key]
        elif suffix in _TEXT_FORMATS:
            values, names = _read_text_table(file, _TEXT_FORMATS[suffix])
        else:
            raise CLIError(
                f"{option}: {path}: unknown file type {suffix or '(none)'!r}; use .npy, .npz, "
                ".csv or .tsv."
            )
    except (OSError, ValueError) as exc:  # unreadable or corrupt file
        raise CLIError(f"{option}: cannot read {path}: {exc}") from None
    label = f"{path}[{key}]" if suffix == ".npz" else path
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
        bad = ~np.isfinite(values)
        if bad.any():
            row, col = np.argwhere(bad)[0]
            raise CLIError(
                f"{label}: {int(bad.sum())} value(s) are NaN or infinite (the first at row "
                f"{row}, column {col}); remove or impute them first."
            )
    return Matrix(values, names, label, was_1d)


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


def _check_labels(labels: Matrix, *, allow_soft: bool) -> np.ndarray:
    from ._validation import check_unit_interval

    values = labels.values.astype(np.float64)
    try:
        check_unit_interval(values, "labels")
    except ValueError as exc:
        raise CLIError(f"{labels.path}: {exc}") from None
    if not allow_soft and not np.isin(values, (0.0, 1.0)).all():
        example = values[~np.isin(values, (0.0, 1.0))][0]
        raise CLIError(
            f"{labels.path}: evaluate needs 0/1 labels, got soft values such as {example:g} "
            "(fit accepts soft targets in [0, 1]; binarise them to evaluate)."
        )
    return values


def _read_thresholds(path: str) -> dict:
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
    if labels is not None and (not isinstance(labels, list) or len(labels) != len(thresholds)):
        raise CLIError(
            f"--thresholds: {path}: 'labels' must list one name per threshold."
        )
    return content


def _match_thresholds(scores: Matrix, content: dict, path: str) -> np.ndarray:
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


# ---------------------------------------------------------------- commands
def _cmd_fit(args) -> int:
    from . import __version__
    from ._scoring import get_set_metric

    if args.threshold is not None and args.method != "fixed":
        raise CLIError("--threshold applies to --method fixed only.")
    if args.device is not None and args.method != "sgl":
        raise CLIError("--device applies to --method sgl only.")
    metric = get_set_metric(args.scoring)  # a clear error for unknown names, before reading
    _check_out_dir(args.out)
    scores = _read_array(args.scores, _key(args, "scores"), "--scores")
    labels = _read_array(args.labels, _key(args, "labels"), "--labels")
    _check_same_shape(scores, labels)
    targets = _check_labels(labels, allow_soft=True)

    optimizer = OPTIMIZERS[args.method](scoring=args.scoring, verbose=args.verbose)
    if args.device is not None:
        optimizer.set_params(device=args.device)
    if args.threshold is not None:
        optimizer.set_params(threshold=args.threshold)
    optimizer.fit(scores.values, targets)

    n_samples, n_labels = scores.values.shape
    names = _label_names(n_labels, scores.names, labels.names)
    content = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "skthresh_version": __version__,
        "method": args.method,
        "metric": metric.name,
        "rule": RULE,
        "labels": names,
        "thresholds": [float(t) for t in optimizer.thresholds_],
        "tuning_score": float(optimizer.best_score_),
        "n_samples": int(n_samples),
        "scores_file": scores.path,
    }
    if args.method == "sgl":
        content["device"] = str(optimizer.device)
        content["n_iter"] = int(optimizer.n_iter_)
    _write_text(args.out, json.dumps(content, indent=2) + "\n")
    print(f"Learned {n_labels} threshold(s) with method {args.method!r} on {n_samples} rows: "
          f"{metric.name} = {optimizer.best_score_:.4f} on these rows.")
    print(f"Wrote {args.out}")
    return 0


def _predict(args, scores: Matrix, thresholds: np.ndarray) -> np.ndarray:
    from ._policies import apply_thresholds

    return apply_thresholds(scores.values, thresholds, at_least_one=args.at_least_one,
                            max_labels=args.max_labels)


def _cmd_apply(args) -> int:
    content = _read_thresholds(args.thresholds)
    scores = _read_array(args.scores, _key(args, "scores"), "--scores")
    thresholds = _match_thresholds(scores, content, args.thresholds)
    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".npy", *_TEXT_FORMATS):
        raise CLIError(f"--out: unknown file type {suffix or '(none)'!r}; use .npy, .csv or .tsv.")
    _check_out_dir(args.out)
    pred = _predict(args, scores, thresholds).astype(np.int8)
    if suffix == ".npy":
        _write_npy(out, pred[:, 0] if scores.was_1d else pred)
    else:
        names = _label_names(pred.shape[1], scores.names, content.get("labels"))
        lines = [_TEXT_FORMATS[suffix].join(str(n) for n in names)]
        lines += [_TEXT_FORMATS[suffix].join(map(str, row)) for row in pred.tolist()]
        _write_text(args.out, "\n".join(lines) + "\n")
    per_row = pred.sum(axis=1)
    print(f"Wrote {args.out}: {pred.shape[0]} rows x {pred.shape[1]} labels, "
          f"{int(per_row.sum())} positive(s), {per_row.mean():.2f} per row, "
          f"{int((per_row == 0).sum())} row(s) with no label.")
    return 0


def _cmd_evaluate(args) -> int:
    from .metrics import f1_score, tversky_score

    content = _read_thresholds(args.thresholds)
    scores = _read_array(args.scores, _key(args, "scores"), "--scores")
    labels = _read_array(args.labels, _key(args, "labels"), "--labels")
    _check_same_shape(scores, labels)
    y_true = _check_labels(labels, allow_soft=False)
    thresholds = _match_thresholds(scores, content, args.thresholds)
    y_pred = _predict(args, scores, thresholds).astype(np.float64)
    n_samples, n_labels = y_true.shape

    def measures(average):
        kw = {"average": average, "zero_division": 0.0}
        return (tversky_score(y_true, y_pred, alpha=1.0, beta=0.0, **kw),  # precision
                tversky_score(y_true, y_pred, alpha=0.0, beta=1.0, **kw),  # recall
                f1_score(y_true, y_pred, **kw))

    names = [str(n) for n in _label_names(n_labels, scores.names, labels.names,
                                           content.get("labels"))]
    support = y_true.sum(axis=0).astype(np.int64)
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
    precision, recall, f1 = measures(None)
    for i, name in enumerate(names):
        print(f"{name:>{width}}  {precision[i]:9.4f}  {recall[i]:9.4f}  {f1[i]:9.4f}  "
              f"{support[i]:9d}")
    print()
    total = int(support.sum())
    for average in ("micro", "macro", "weighted", "samples"):
        p, r, f = measures(average)
        print(f"{average + ' avg':>{width}}  {p:9.4f}  {r:9.4f}  {f:9.4f}  {total:9d}")
    return 0


def _check_out_dir(path: str) -> None:
    """Fail before any work when the output's folder does not exist."""
    folder = Path(path).parent
    if not folder.is_dir():
        raise CLIError(f"--out: cannot write {path}: the folder {folder} does not exist.")


def _write_text(path: str, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CLIError(f"--out: cannot write {path}: {exc.strerror or exc}") from None


def _write_npy(path: Path, array: np.ndarray) -> None:
    try:
        with path.open("wb") as handle:  # np.save(path) would append .npy to other names
            np.save(handle, array)
    except OSError as exc:
        raise CLIError(f"--out: cannot write {path}: {exc.strerror or exc}") from None


# ---------------------------------------------------------------- parser
def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {value}")
    return value


def _finite_float(text: str) -> float:
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

    def command(name, summary, description):
        return commands.add_parser(name, help=summary, description=description,
                                   epilog=EPILOG, formatter_class=formatter)

    def scores_option(sub):
        sub.add_argument("--scores", required=True, metavar="FILE",
                         help="score matrix (rows x labels): .npy, .npz, .csv or .tsv")
        sub.add_argument("--scores-key", metavar="KEY",
                         help="array to read from a .npz scores file")
        sub.add_argument("--key", metavar="KEY",
                         help="array to read from every .npz file given (--scores-key and "
                              "--labels-key take precedence)")

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
        "(with the label names, metric, method and skthresh version) to a JSON file.")
    scores_option(fit)
    labels_option(fit, "0/1 or soft targets in [0, 1]")
    fit.add_argument("--scoring", default="f1_micro", metavar="METRIC",
                     help="metric to maximise: f1_micro (default), f1_macro, f2_micro, "
                          "jaccard_samples, ... (<f1|f<beta>|jaccard>_<micro|macro|samples|"
                          "weighted>)")
    fit.add_argument("--method", choices=list(OPTIMIZERS), default="sgl",
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
        "Predict labels: score >= threshold for each label, then the optional policies.")
    scores_option(apply)
    apply.add_argument("--thresholds", required=True, metavar="FILE",
                       help="JSON file written by `skthresh fit`")
    apply.add_argument("--out", required=True, metavar="FILE",
                       help="predictions: .npy (int8 0/1), .csv or .tsv (with a header)")
    policy_options(apply)

    evaluate = command(
        "evaluate", "print per-label and averaged precision, recall and F1",
        "Apply the thresholds and print per-label precision, recall, F1 and support, and "
        "their micro, macro, weighted and samples averages.")
    scores_option(evaluate)
    labels_option(evaluate, "0/1")
    evaluate.add_argument("--thresholds", required=True, metavar="FILE",
                          help="JSON file written by `skthresh fit`")
    policy_options(evaluate)
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None):
    print(f"{PROG}: warning: {message}", file=sys.stderr)


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
    commands = {"fit": _cmd_fit, "apply": _cmd_apply, "evaluate": _cmd_evaluate}
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        try:
            return commands[args.command](args)
        except (CLIError, ValueError) as exc:
            print(f"{PROG} {args.command}: error: {exc}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print(f"{PROG} {args.command}: interrupted", file=sys.stderr)
            return 130
