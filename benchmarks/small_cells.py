"""Coordinate against optimal-classification-cutoffs on small problems, in one process.

Usage::

    python benchmarks/small_cells.py [--repeats 21]

In ``scaling.py`` every fit runs in a fresh process and the small cells take
a few milliseconds, where one load spike decides a median of 3. Here both
methods run in one process, interleaved, after a warm-up, ``--repeats`` times
each, on the smallest cells of the scaling grid: n = 1,000 with 10, 100 and
527 labels, and 10,000 x 10. Writes ``benchmarks/results/small_cells.md``.
About a minute on the 2-core machine.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import paper_methods as pm  # noqa: E402
from _common import (  # noqa: E402
    interleaved_medians,
    md_table,
    provenance,
    write_result,
)

from skthresh import CoordinateThresholdOptimizer  # noqa: E402
from skthresh.datasets import make_multilabel_scores  # noqa: E402

CELLS = [(1000, 10), (1000, 100), (1000, 527), (10000, 10)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=21, help="timed fits of each method")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    rows = []
    for n, n_labels in CELLS:
        scores, y = make_multilabel_scores(n, n_labels, random_state=0)
        fits = {"coordinate": lambda s=scores, t=y: CoordinateThresholdOptimizer().fit(s, t),
                "opt-cutoffs": lambda s=scores, t=y: pm.optimal_cutoffs_cuts(s, t)}
        med = interleaved_medians(fits, args.repeats)
        coord, cutoffs = med["coordinate"], med["opt-cutoffs"]
        rows.append([f"{n:,}", n_labels, f"{coord * 1e3:.1f} ms", f"{cutoffs * 1e3:.1f} ms",
                     f"{cutoffs / coord:.2f}x"])
        print(rows[-1], flush=True)

    text = f"""# Small cells in one process: coordinate against optimal-classification-cutoffs

Synthetic float32 scores (`make_multilabel_scores`, seed 0). Both methods in one
process, interleaved, after a warm-up; medians of {args.repeats} fits each.
`opt-cutoffs` is `get_optimal_threshold` per label (exact F1 cuts), as in
`scaling.py`.

{md_table(["n", "L", "coordinate", "opt-cutoffs", "opt-cutoffs / coordinate"], rows)}

{provenance()}"""
    path = write_result("small_cells.md", text)
    print(text)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
