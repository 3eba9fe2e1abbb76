"""Where SGL's time goes at large n, and two cheaper layouts for its set-up.

Usage::

    python benchmarks/profile_large.py [--n 1000000] [--labels 527]

Replays the phases of ``SGLThresholdOptimizer(device="cpu").fit`` (as
``speed.py`` does) on a synthetic n x L float32 matrix, then times the two
data-layout steps that dominate its per-label sort at large n, against
alternatives that give the same arrays:

* the transposed copy of the scores, ``np.ascontiguousarray(scores.T)``, against a
  copy by blocks of 256 rows (each block's transpose stays in cache);
* finding the positives label by label, ``np.nonzero(targets.T == 1)``, against
  ``np.nonzero`` on the C-ordered targets followed by a stable sort of the label
  index (the same (label, row) pairs, in the same order).

Writes ``benchmarks/results/profile_large.md``. About 3 minutes at 1e6 x 527
(needs about 6 GB of memory).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    md_table,
    provenance,
    write_result,
)
from speed import profile_phases  # noqa: E402

from skthresh._score_generator import make_multilabel_scores  # noqa: E402


def blocked_transpose(a, block=256):
    out = np.empty((a.shape[1], a.shape[0]), dtype=a.dtype)
    for i in range(0, a.shape[0], block):
        out[:, i:i + block] = a[i:i + block].T
    return out


def positives_by_label(targets):
    rows, labels = np.nonzero(targets)
    order = np.argsort(labels, kind="stable")
    return labels[order], rows[order]


def med(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--labels", type=int, default=527)
    args = parser.parse_args(argv)
    S, Y = make_multilabel_scores(args.n, args.labels, random_state=0)
    phase_repeats = 3 if S.size <= 1e8 else 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        phases = profile_phases(S, Y, repeats=phase_repeats)
    phase_rows = [[p, f"{v:.3f} s" if isinstance(v, float) else str(v)] for p, v in phases]
    print(md_table(["phase", "time"], phase_rows), flush=True)

    repeats = 3  # the layout steps: always 3, interleaved first-touch costs even out
    t_plain, a = med(lambda: np.ascontiguousarray(S.T), repeats)
    t_block, b = med(lambda: blocked_transpose(S), repeats)
    same_t = np.array_equal(a, b)
    del a, b
    t_sort, _ = med(lambda: np.sort(blocked_transpose(S), axis=1), repeats)
    t_nz_t, (la, ra) = med(lambda: np.nonzero(Y.T == 1), repeats)
    t_nz_c, (lb, rb) = med(lambda: positives_by_label(Y), repeats)
    same_p = np.array_equal(la, lb) and np.array_equal(ra, rb)
    rows = [
        ["transposed copy of the scores", f"{t_plain:.3f} s", f"{t_block:.3f} s",
         "blocks of 256 rows", "yes" if same_t else "NO"],
        ["positives, label by label", f"{t_nz_t:.3f} s", f"{t_nz_c:.3f} s",
         "nonzero on C order + stable sort by label", "yes" if same_p else "NO"],
        ["(for scale) blocked copy + np.sort of every label", "-", f"{t_sort:.3f} s", "", ""],
    ]
    table = md_table(["step", "plain (the library before 380ada9)",
                      "alternative (adopted in 380ada9)", "how", "same result"], rows)
    print(table)
    text = f"""# SGL at {args.n:,} x {args.labels}: phases, and the set-up's data layout

Phases of `SGLThresholdOptimizer(device="cpu").fit`, replayed from the library's
internals (median of {phase_repeats}):

{md_table(["phase", "time"], phase_rows)}

The per-label sort phase, broken down (median of 3; each run allocates its output
afresh, so first-touch page faults are included for both columns):

{table}

{provenance()}"""
    print(f"wrote {write_result('profile_large.md', text)}")


if __name__ == "__main__":
    main()
