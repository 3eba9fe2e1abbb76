"""Peak memory and wall time of ``skthresh fit``, ``evaluate`` and ``apply`` on large .npy files.

A standalone script (not one of ``python -m benchmarks``' entries): it writes a
score/label pair of float32 ``.npy`` files (``--rows`` x ``--labels``, written
in row chunks), then runs each command in a fresh process under
``/usr/bin/time -v`` and prints its "Maximum resident set size" and wall time.
``--pythonpath DIR`` runs another checkout of skthresh (for a before/after
comparison, ``git worktree add /tmp/cli-old <commit>``)::

    python benchmarks/cli_memory.py --data /tmp/cli-bench
    python benchmarks/cli_memory.py --data /tmp/cli-bench --pythonpath /tmp/cli-old

The peak RSS counts the pages of the memory-mapped input files that the
command has read (file-backed, reclaimable): a command that reads the whole
of a 0.42 GB score file once shows at least that much.

Measured on the shared 2-core VM (load 5-7), 200,000 x 527 (both files
0.42 GB), peak RSS / wall time, before (71662df) and after (4bf917f) the
row-chunked ``evaluate`` and ``apply``:

==========  ================  ================
command     before            after
==========  ================  ================
fit         1.44 GB / 28.9 s  1.44 GB / 18.8 s (unchanged code; load)
evaluate    3.75 GB / 52.3 s  1.03 GB / 2.6 s
apply       1.52 GB / 5.1 s   0.61 GB / 2.0 s
==========  ================  ================
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def make_files(folder: Path, n_rows: int, n_labels: int, seed: int = 0) -> tuple[Path, Path]:
    """Write ``scores.npy`` and ``labels.npy`` (float32, 0/1 labels) in 10,000-row chunks.

    Parameters
    ----------
    folder : Path
        Where to write them; existing files of the same shape are kept.
    n_rows, n_labels : int
        The shape of both matrices.
    seed : int, default=0
        Seed of the draws.

    Returns
    -------
    scores, labels : Path
        The two files.
    """
    from numpy.lib.format import open_memmap

    folder.mkdir(parents=True, exist_ok=True)
    scores_path, labels_path = folder / "scores.npy", folder / "labels.npy"
    shape = (n_rows, n_labels)
    if all(p.exists() and np.load(p, mmap_mode="r").shape == shape
           for p in (scores_path, labels_path)):
        return scores_path, labels_path
    rng = np.random.default_rng(seed)
    prior = np.geomspace(0.3, 0.001, n_labels)  # a long tail of rare labels
    scores = open_memmap(scores_path, mode="w+", dtype=np.float32, shape=shape)
    labels = open_memmap(labels_path, mode="w+", dtype=np.float32, shape=shape)
    for start in range(0, n_rows, 10_000):
        stop = min(start + 10_000, n_rows)
        y = rng.random((stop - start, n_labels)) < prior
        noise = rng.random(y.shape)
        scores[start:stop] = np.clip(0.4 * y + 0.6 * noise * (0.5 + prior), 0, 1)
        labels[start:stop] = y
    scores.flush()
    labels.flush()
    del scores, labels
    return scores_path, labels_path


def run(argv: list[str], pythonpath: str | None) -> tuple[float, float, str]:
    """Run ``python -m skthresh ARGV`` under ``/usr/bin/time -v``.

    Returns
    -------
    peak_gb : float
        Maximum resident set size, in GB (1e9 bytes).
    wall_s : float
        Wall time in seconds.
    stdout : str
        What the command printed.
    """
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-v", sys.executable, "-m", "skthresh", *argv],
                          capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed:\n{done.stderr}")
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)[1])
    return peak_kb * 1024 / 1e9, wall, done.stdout


def main(argv=None) -> int:
    """Make the files (when missing), run the three commands, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None,
                        help="folder of the .npy pair (default: a temporary folder)")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--labels", type=int, default=527)
    parser.add_argument("--pythonpath", default=None,
                        help="a skthresh checkout to run instead of the installed one")
    parser.add_argument("--commands", nargs="+", default=["fit", "evaluate", "apply"],
                        choices=["fit", "evaluate", "apply"])
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.data or Path(tmp)
        scores, labels = make_files(folder, args.rows, args.labels)
        thresholds = folder / "thresholds.json"
        size = scores.stat().st_size / 1e9
        print(f"{args.rows} x {args.labels} float32: scores {size:.2f} GB, labels "
              f"{labels.stat().st_size / 1e9:.2f} GB; skthresh from "
              f"{args.pythonpath or 'the installed package'}")
        commands = {
            "fit": ["fit", "--scores", scores, "--labels", labels, "--out", thresholds],
            "evaluate": ["evaluate", "--scores", scores, "--labels", labels,
                         "--thresholds", thresholds],
            "apply": ["apply", "--scores", scores, "--thresholds", thresholds,
                      "--out", folder / "pred.npy"],
        }
        print(f"{'command':<10} {'peak RSS (GB)':>14} {'x scores':>9} {'wall (s)':>9}")
        for name in args.commands:
            if name != "fit" and not thresholds.exists():
                run([str(a) for a in commands["fit"]], args.pythonpath)
            peak, wall, _ = run([str(a) for a in commands[name]], args.pythonpath)
            print(f"{name:<10} {peak:14.2f} {peak / size:9.1f} {wall:9.1f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
