"""Fit time and peak memory from 1e3 to 1e6 rows and 10 to 5,000 labels.

Usage::

    python benchmarks/scaling.py            # the full grid: about 20-40 minutes
    python benchmarks/scaling.py --quick    # n in {1e3, 1e4}, L in {10, 100}: about a minute

For n in {1e3, 1e4, 1e5, 1e6} and L in {10, 100, 527, 5000}, cells whose float32
score matrix exceeds ``--max-gb`` (4 GB by default: only 1e6 x 5000, 20 GB, is
skipped) are left out. Each cell is one synthetic draw
(``make_multilabel_scores``, float32), saved to a temporary ``.npy``; each fit
runs in a fresh process with a timeout (``_fit_child.py``): ``SGLThresholdOptimizer
(device="cpu")``, ``CoordinateThresholdOptimizer()`` and the per-label exact
cuts of ``optimal-classification-cutoffs`` (stopped after 60 s; at a given L, a
larger n is not tried once a smaller one was stopped; nothing is extrapolated).
Time: median of up to 3 fits (one when a fit takes over 10 s). Peak extra
memory: peak ``ru_maxrss`` minus RSS after loading the data, in MiB and as a
multiple of the score matrix. Writes ``benchmarks/results/scaling.md`` (after
every cell, so an interrupted run leaves its finished cells).
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (  # noqa: E402
    child_result,
    md_table,
    provenance,
    run_isolated,
    write_result,
)

from skthresh._score_generator import make_multilabel_scores  # noqa: E402

METHODS = (("sgl", "SGL"), ("coordinate", "Coordinate"), ("optimal_cutoffs", "opt-cutoffs"))
TIMEOUT = {"sgl": 900, "coordinate": 900, "optimal_cutoffs": 60}


def fmt_s(x):
    return f"{x * 1e3:.1f} ms" if x < 1 else f"{x:.2f} s"


def cell_text(res):
    if isinstance(res, str):
        return res, "-"
    extra = max(res["peak_rss"] - res["baseline_rss"], 0)
    mem = f"{extra / 2**20:.0f} MiB ({extra / res['score_bytes']:.1f}x)"
    if res["peak_rss"] <= res["maxrss_before"]:
        mem += " (masked)"
    return fmt_s(res["fit_s"]), mem


def render(rows, skipped, started, args):
    header = ["n", "L", "scores (MiB)"]
    for _, name in METHODS:
        header += [f"{name} fit", f"{name} peak extra"]
    header.append("SGL ns / entry")
    body = []
    for (n, n_labels), cells in rows.items():
        line = [f"{n:,}", n_labels, f"{n * n_labels * 4 / 2**20:.1f}"]
        for key, _ in METHODS:
            line += list(cell_text(cells.get(key, "-")))
        sgl = cells.get("sgl")
        line.append(f"{sgl['fit_s'] / (n * n_labels) * 1e9:.1f}" if isinstance(sgl, dict)
                    else "-")
        body.append(line)
    elapsed = time.perf_counter() - started
    skipped_txt = ", ".join(f"{n:,} x {n_labels}" for n, n_labels in skipped) or "none"
    return f"""# Scaling: fit time and peak extra memory

Synthetic float32 scores (`make_multilabel_scores`, density 1.5 %). Each fit in a
fresh process with a timeout; time is the median of up to 3 fits (one when a fit
takes over 10 s); peak extra memory is peak `ru_maxrss` minus the RSS after
loading the data (MiB, and multiple of the score matrix). `SGL` is
`SGLThresholdOptimizer(device="cpu")`, `Coordinate` is `CoordinateThresholdOptimizer()`,
`opt-cutoffs` the per-label exact F1 cuts of optimal-classification-cutoffs
(`get_optimal_threshold` per label, stopped after 60 s; "not tried" where a smaller n
at the same L was already stopped). Nothing is extrapolated.

{md_table(header, body)}

Skipped (score matrix over {args.max_gb:g} GB): {skipped_txt}.
No GPU was available to this run: CUDA times are not measured here.

Run time of this table: {elapsed / 60:.1f} min.

{provenance()}"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="n in {1e3, 1e4}, L in {10, 100}")
    parser.add_argument("--max-gb", type=float, default=4.0,
                        help="skip cells whose float32 scores exceed this many GB")
    parser.add_argument("--output", default=None, help="result file name in benchmarks/results/")
    args = parser.parse_args(argv)
    ns = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000, 1_000_000]
    ls = [10, 100] if args.quick else [10, 100, 527, 5000]
    output = args.output or ("scaling_quick.md" if args.quick else "scaling.md")
    here = Path(__file__).resolve().parent
    started = time.perf_counter()
    rows, skipped = {}, []
    stopped_oc = set()  # L where optimal-cutoffs was stopped at a smaller n
    with tempfile.TemporaryDirectory() as tmp:
        sp, lp = Path(tmp) / "scores.npy", Path(tmp) / "labels.npy"
        for n_labels in ls:
            for n in ns:
                if n * n_labels * 4 > args.max_gb * 1e9:
                    skipped.append((n, n_labels))
                    continue
                scores, labels = make_multilabel_scores(n, n_labels, random_state=0)
                np.save(sp, scores)
                np.save(lp, labels)
                del scores, labels
                gc.collect()
                cells = rows.setdefault((n, n_labels), {})
                for key, _ in METHODS:
                    if key == "optimal_cutoffs" and n_labels in stopped_oc:
                        cells[key] = "not tried"
                        continue
                    params = json.dumps({"_repeats": 3, "_budget_s": 10.0})
                    rc, out, err = run_isolated(
                        [sys.executable, here / "_fit_child.py", key, sp, lp, params],
                        TIMEOUT[key])
                    res = child_result(out)
                    if rc is None:
                        cells[key] = f"> {TIMEOUT[key]} s (stopped)"
                        if key == "optimal_cutoffs":
                            stopped_oc.add(n_labels)
                    elif res is None:
                        cells[key] = f"failed (rc {rc})"
                        print(err[-800:], file=sys.stderr)
                    else:
                        cells[key] = res
                    print(f"{n:>9,} x {n_labels:<5} {key:16s} {cell_text(cells[key])}",
                          flush=True)
                write_result(output, render(rows, skipped, started, args))
    path = write_result(output, render(rows, skipped, started, args))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
