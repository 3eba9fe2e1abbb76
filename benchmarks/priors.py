"""target_priors on DCASE2017 and DCASE2019: thresholds re-learned for the eval label frequencies.

Usage::

    python -m benchmarks priors [--data DIR] [--n-resamples 1000] [--seed 0]

``--data`` holds ``dcase2017.npz`` and ``dcase2019.npz`` (default:
``../shared/data/sgl-thresh`` next to the repository). Thresholds are learned
on ``val_*`` only, by ``CoordinateThresholdOptimizer()`` and
``SGLThresholdOptimizer()`` (default settings, CPU), once with
``target_priors=None`` and once with ``target_priors`` = the eval label
frequencies (the *oracle* deployment priors: the eval labels' means, as the
best case; in deployment they would come from domain knowledge).
The table gives eval micro-F1 (%) of ``eval_scores >= thresholds_`` and the
paired bootstrap of the difference: ``--n-resamples`` resamples of the eval
rows (seed ``--seed``), the same rows for both fits, its 2.5 and 97.5
percentiles. Writes ``results/priors.{md,rst}``.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from benchmarks._common import DEFAULT_DATA, Table, argument_parser, write_result
from skthresh import CoordinateThresholdOptimizer, SGLThresholdOptimizer

DATASETS = ("dcase2019", "dcase2017")
METHODS = {
    "`CoordinateThresholdOptimizer()`": CoordinateThresholdOptimizer,
    "`SGLThresholdOptimizer()`": SGLThresholdOptimizer,
}


def row_counts(scores: np.ndarray, labels: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Per-row TP, FP, FN of ``scores >= thresholds``, shape (3, n_rows)."""
    pred = scores >= thresholds
    truth = labels == 1
    return np.stack([(pred & truth).sum(1), (pred & ~truth).sum(1),
                     (~pred & truth).sum(1)]).astype(np.float64)


def micro_f1(counts: np.ndarray) -> np.ndarray:
    """Micro-F1 (%) from TP, FP, FN summed over the last axis."""
    tp, fp, fn = counts.sum(-1)
    return 100 * 2 * tp / np.maximum(2 * tp + fp + fn, 1e-300)


def paired_bootstrap(a: np.ndarray, b: np.ndarray, n_resamples: int, seed: int):
    """Differences ``F1(b) - F1(a)`` over resamples of the rows (the same rows for both)."""
    rng = np.random.default_rng(seed)
    n = a.shape[1]
    idx = rng.integers(0, n, size=(n_resamples, n))
    return micro_f1(b[:, idx]) - micro_f1(a[:, idx])


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark (see the module docstring)."""
    parser = argument_parser(__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="folder with dcase2017.npz and dcase2019.npz")
    parser.add_argument("--n-resamples", type=int, default=1000,
                        help="paired bootstrap resamples of the eval rows")
    parser.add_argument("--seed", type=int, default=0, help="seed of the bootstrap")
    args = parser.parse_args(argv)

    rows, shifts = [], []
    for dataset in DATASETS:
        data = np.load(args.data / f"{dataset}.npz")
        vs, vl = data["val_scores"], data["val_labels"]
        es, el = data["eval_scores"], data["eval_labels"]
        val_prior, eval_prior = vl.mean(axis=0), el.mean(axis=0)
        j = int(np.argmax(np.abs(np.log(eval_prior / val_prior))))
        shifts.append(f"{dataset}: {vl.shape[1]} labels, {len(vl)} val rows, {len(el)} eval "
                      f"rows; largest relative prior shift: label {j}, {100 * val_prior[j]:.1f} %"
                      f" (val) to {100 * eval_prior[j]:.1f} % (eval); mean absolute shift "
                      f"{100 * np.abs(eval_prior - val_prior).mean():.2f} points")
        for name, cls in METHODS.items():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                plain = cls().fit(vs, vl).thresholds_
                shifted = cls(target_priors=eval_prior).fit(vs, vl).thresholds_
            a, b = row_counts(es, el, plain), row_counts(es, el, shifted)
            f1_a, f1_b = float(micro_f1(a)), float(micro_f1(b))
            diffs = paired_bootstrap(a, b, args.n_resamples, args.seed)
            low, high = np.percentile(diffs, [2.5, 97.5])
            rows.append([dataset, name, f"{f1_a:.2f}", f"{f1_b:.2f}", f"{f1_b - f1_a:+.2f}",
                         f"[{low:+.2f}, {high:+.2f}]", f"{100 * np.mean(diffs > 0):.1f} %"])
            print(" | ".join(rows[-1]), flush=True)

    table = Table(["data", "optimizer", "eval micro-F1, None", "eval micro-F1, eval priors",
                   "difference", f"95 % interval ({args.n_resamples} paired resamples)",
                   "resamples > 0"], rows)
    path = write_result(args, "priors", "target_priors: thresholds for the eval label "
                                        "frequencies (micro-F1 %)", [
        "Thresholds learned on the validation split, with ``target_priors=None`` and with "
        "``target_priors`` set to the eval label frequencies (oracle deployment priors); "
        "micro-F1 (%) on eval. Interval: 2.5 and 97.5 percentiles of the "
        f"difference over {args.n_resamples} paired bootstrap resamples of the eval rows "
        f"(seed {args.seed}), both fits scored on the same resampled rows.",
        table,
        "Prior shifts between val and eval:",
        "\n".join(f"* {s}" for s in shifts),
        "Reweighting assumes a pure prior shift: each label's score distributions among its "
        "positives and among its negatives stay as in val. On DCASE2017 those distributions "
        "drift too, which no reweighting can correct.",
    ])
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
