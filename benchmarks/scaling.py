"""Fit time (and peak memory) over a grid of sizes, 1e3 to 1e6 rows and 10 to 5,000 labels.

Usage::

    python -m benchmarks scaling [--quick] [--memory] [--max-gb 4] [--max-s 120]

For n in {1e3, 1e4, 1e5, 1e6} and L in {10, 100, 527, 5000} (``--quick``: n in
{1e3, 1e4}, L in {10, 100}), on synthetic float32 scores
(``make_multilabel_scores``, seed 0): ``SGLThresholdOptimizer(device="cpu")``,
``CoordinateThresholdOptimizer()`` and the per-label exact F1 cuts of
optimal-classification-cutoffs, timed in one process, interleaved (median of up
to 3 runs; one run once a fit takes over 10 s). Cells whose scores exceed
``--max-gb`` are skipped; a method is not run at n once its time at n / 10
(same L) exceeds ``--max-s`` / 10. ``--memory`` adds each fit's peak extra
memory, in a fresh process. Writes ``results/scaling.{md,rst}`` after every cell
(``--quick``: ``results/scaling_quick.*``).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable

import numpy as np

from benchmarks import paper_methods as pm
from benchmarks._common import (
    Table,
    argument_parser,
    fmt_memory,
    fmt_seconds,
    interleaved_medians,
    peak_memory,
    write_result,
)
from skthresh import CoordinateThresholdOptimizer, SGLThresholdOptimizer
from skthresh.datasets import make_multilabel_scores

METHODS = {"sgl": "SGL", "coordinate": "Coordinate", "optimal_cutoffs": "opt-cutoffs"}


def _fits(scores: np.ndarray, labels: np.ndarray) -> dict[str, Callable[[], object]]:
    """The compared fits on one cell's data."""
    return {
        "sgl": lambda: SGLThresholdOptimizer(device="cpu").fit(scores, labels),
        "coordinate": lambda: CoordinateThresholdOptimizer().fit(scores, labels),
        "optimal_cutoffs": lambda: pm.optimal_cutoffs_cuts(scores, labels),
    }


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark (see the module docstring)."""
    parser = argument_parser(__doc__)
    parser.add_argument("--quick", action="store_true", help="n in {1e3, 1e4}, L in {10, 100}")
    parser.add_argument("--memory", action="store_true", help="also measure peak memory")
    parser.add_argument("--max-gb", type=float, default=4.0, help="largest score matrix (GB)")
    parser.add_argument("--max-s", type=float, default=120.0, help="longest fit to attempt (s)")
    args = parser.parse_args(argv)
    ns = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000, 1_000_000]
    ls = [10, 100] if args.quick else [10, 100, 527, 5000]
    name = "scaling_quick" if args.quick else "scaling"
    started = time.perf_counter()

    header = ["n", "L", "scores (MiB)"]
    for label in METHODS.values():
        header += [f"{label} fit"] + ([f"{label} peak extra"] if args.memory else [])
    header.append("SGL ns / entry")
    rows, skipped = [], []

    def write() -> str:
        return write_result(args, name, "Scaling: fit time over sizes", [
            "Synthetic float32 scores (`make_multilabel_scores`, density 1.5 %). "
            "`SGL` is `SGLThresholdOptimizer(device='cpu')`, `Coordinate` "
            "`CoordinateThresholdOptimizer()`, `opt-cutoffs` optimal-classification-"
            "cutoffs' `get_optimal_threshold` per label (exact per-label F1). Time: "
            "median of up to 3 interleaved runs in one process (one run over 10 s). "
            f"'not run': the time at n / 10 was over {args.max_s / 10:g} s.",
            Table(header, rows),
            f"Skipped (scores over {args.max_gb:g} GB): {', '.join(skipped) or 'none'}. "
            f"Run time: {(time.perf_counter() - started) / 60:.1f} min.",
        ])

    for n_labels in ls:
        last: dict[str, float] = {}  # each method's time at the previous n
        for n in ns:
            if n * n_labels * 4 > args.max_gb * 1e9:
                skipped.append(f"{n:,} x {n_labels}")
                continue
            scores, labels = make_multilabel_scores(n, n_labels, random_state=0)
            fits = {k: f for k, f in _fits(scores, labels).items()
                    if 10 * last.get(k, 0.0) <= args.max_s}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                timings = interleaved_medians(fits, 3, budget_s=10.0)
            row = [f"{n:,}", n_labels, f"{scores.nbytes / 2**20:.1f}"]
            for key in METHODS:
                timing = timings.get(key)
                row.append(fmt_seconds(timing.median) if timing else "not run")
                if args.memory:
                    mem = peak_memory(key, scores, labels) if timing else None
                    row.append(fmt_memory(mem, scores.nbytes))
                last[key] = timing.median if timing else float("inf")
            sgl = timings.get("sgl")
            row.append(f"{sgl.median / scores.size * 1e9:.1f}" if sgl else "-")
            rows.append(row)
            print(" | ".join(str(c) for c in row), flush=True)
            write()  # after every cell: an interrupted run keeps its finished cells
    print(f"wrote {write()}")
