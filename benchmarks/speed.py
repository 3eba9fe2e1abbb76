"""Speed of the SGL fit at AudioSet scale (15,278 x 527), against the paper's algorithm.

Usage::

    python -m benchmarks speed [--threads 2] [--repeats 7] [--no-memory]

Synthetic float32 scores (``skthresh.datasets.make_multilabel_scores``; fitted
on seed 0, scored on a second draw, seed 1). Timed in one process, interleaved
(so that all see the same machine load), after a warm-up run each:

* ``SGLThresholdOptimizer(device="cpu").fit``;
* the paper's SGL as a straightforward torch-autograd program on the full
  (n, L) matrix (``paper_methods.paper_sgl``: 100 full-batch Adam epochs, hard
  step forward, sigmoid derivative backward), started at the best shared
  threshold, computed outside its timing;
* ``CoordinateThresholdOptimizer().fit``.

Prints ``speedup: X.Xx`` (the naive median over ours) and the medians; with
``--threads N`` torch and skthresh use N threads (``torch.set_num_threads``,
``OMP_NUM_THREADS``). Unless ``--no-memory``, each fit's peak extra memory is
measured in a fresh process. Writes ``results/speed.{md,rst}``.
"""

from __future__ import annotations

import os
import warnings

from benchmarks import paper_methods as pm
from benchmarks._common import (
    Table,
    argument_parser,
    fmt_memory,
    interleaved_medians,
    peak_memory,
    write_result,
)
from skthresh import CoordinateThresholdOptimizer, SGLThresholdOptimizer
from skthresh.datasets import make_multilabel_scores

N_SAMPLES, N_LABELS = 15_278, 527
NAMES = {
    "sgl": "skthresh `SGLThresholdOptimizer(device='cpu')`",
    "naive": "paper's SGL, straightforward autograd on (n, L), 100 epochs",
    "coordinate": "skthresh `CoordinateThresholdOptimizer()`",
}


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark (see the module docstring)."""
    parser = argument_parser(__doc__)
    parser.add_argument("--threads", type=int, default=2, help="torch and skthresh threads")
    parser.add_argument("--repeats", type=int, default=7, help="most timed runs of each fit")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory subprocesses")
    args = parser.parse_args(argv)
    os.environ["OMP_NUM_THREADS"] = str(args.threads)  # read by skthresh at each fit
    import torch

    torch.set_num_threads(args.threads)

    scores, labels = make_multilabel_scores(N_SAMPLES, N_LABELS, random_state=0)
    eval_scores, eval_labels = make_multilabel_scores(N_SAMPLES, N_LABELS, random_state=1)
    init = pm.shared_threshold(scores, labels)
    fits = {
        "sgl": lambda: SGLThresholdOptimizer(device="cpu").fit(scores, labels).thresholds_,
        "naive": lambda: pm.paper_sgl(scores, labels, init),
        "coordinate": lambda: CoordinateThresholdOptimizer().fit(scores, labels).thresholds_,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # the naive fit takes about 10 s: it stops after 30 s of timed runs
        timings = interleaved_medians(fits, args.repeats, budget_s=30.0, verbose=True)
    memory = {} if args.no_memory else {
        "sgl": peak_memory("sgl", scores, labels),
        "naive": peak_memory("naive", scores, labels, {"init": init}),
        "coordinate": peak_memory("coordinate", scores, labels),
    }

    speedup = timings["naive"].median / timings["sgl"].median
    print(f"speedup: {speedup:.1f}x")
    rows = []
    for key, timing in timings.items():
        f1_eval = 100 * pm.micro_f1(eval_scores, eval_labels, timing.result)
        f1_val = 100 * pm.micro_f1(scores, labels, timing.result)
        mem = fmt_memory(memory.get(key), scores.nbytes)
        print(f"{key:10s} median {timing.median:.3f} s ({timing.runs} runs)  "
              f"eval micro-F1 {f1_eval:.2f}  peak extra {mem}")
        rows.append([NAMES[key], f"{timing.median:.3f}", f"{min(timing.times):.3f}",
                     timing.runs, f"{f1_eval:.2f}", f"{f1_val:.2f}", mem])
    table = Table(["method", "median fit (s)", "best (s)", "runs", "eval micro-F1",
                   "val micro-F1", "peak extra memory (x scores)"], rows)
    path = write_result(args, "speed", "Speed at AudioSet scale", [
        f"{N_SAMPLES:,} x {N_LABELS} float32 synthetic scores "
        f"({scores.nbytes / 2**20:.1f} MiB, density {labels.mean():.4f}), "
        f"{args.threads} threads. The naive SGL starts at the best shared threshold "
        f"({init:.4f}, computed outside its timing); ours finds its start inside its own.",
        f"**speedup: {speedup:.1f}x** (naive median / ours)",
        table,
        "Peak extra memory: peak `ru_maxrss` of a fresh process minus its RSS after "
        "loading the data, and its multiple of the score matrix.",
    ])
    print(f"wrote {path}")
