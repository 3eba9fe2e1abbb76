"""SGL fit against the library at another commit: identical thresholds, and time in one process.

Exports skthresh at ``--base`` (``git archive``) into a temporary folder under
another package name, then fits both versions on the same data: the DCASE
validation sets and synthetic score matrices (hard, soft and weighted targets;
several metrics) must give identical thresholds, and the AudioSet-scale fit
(15,278 x 527) is timed interleaved, old and new in turn, after a warm-up.
Prints the medians and their ratio. Run from anywhere inside the repository::

    python benchmarks/compare_commits.py --base 6e153a8 [--repeats 9] [data_dir]
"""

from __future__ import annotations

import argparse
import importlib
import io
import subprocess
import sys
import tarfile
import tempfile
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DEFAULT_DATA, interleaved_medians  # noqa: E402


def load_base(commit: str, folder: Path):
    """Import skthresh as it was at ``commit``, as the package ``skthresh_base``."""
    repo = Path(__file__).resolve().parents[1]
    archive = subprocess.run(["git", "-C", str(repo), "archive", commit, "skthresh"],
                             check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    (folder / "skthresh").rename(folder / "skthresh_base")
    for py in (folder / "skthresh_base").rglob("*.py"):  # absolute self-imports, if any
        py.write_text(py.read_text().replace("from skthresh.", "from skthresh_base."))
    sys.path.insert(0, str(folder))
    return importlib.import_module("skthresh_base")


def cases(data_dir: Path):
    from skthresh.datasets import make_multilabel_scores

    for name in ("dcase2017", "dcase2019"):
        path = data_dir / f"{name}.npz"
        if path.exists():
            d = np.load(path)
            yield name, d["val_scores"], d["val_labels"], None
    for n, n_labels, seed in [(15278, 527, 0), (3000, 50, 1), (400, 7, 2)]:
        scores, y = make_multilabel_scores(n, n_labels, random_state=seed)
        rng = np.random.default_rng(seed)
        yield f"synthetic {n} x {n_labels}", scores, y, None
        if n <= 3000:
            soft = np.clip(y * 0.8 + 0.1 * rng.random(y.shape), 0, 1)
            yield f"synthetic {n} x {n_labels}, soft", scores, soft, None
            yield f"synthetic {n} x {n_labels}, weighted", scores, y, 3 * rng.random(n)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="commit to compare with")
    parser.add_argument("--repeats", type=int, default=9, help="timed fits of each version")
    parser.add_argument("data_dir", nargs="?", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    import skthresh

    with tempfile.TemporaryDirectory() as tmp:
        base = load_base(args.base, Path(tmp))
        same = True
        for name, scores, y, w in cases(args.data_dir):
            for scoring in ("f1_micro", "f1_macro", "jaccard_micro"):
                a = base.SGLThresholdOptimizer(device="cpu", scoring=scoring).fit(scores, y, w)
                b = skthresh.SGLThresholdOptimizer(device="cpu", scoring=scoring).fit(
                    scores, y, w)
                equal = (np.array_equal(a.thresholds_, b.thresholds_)
                         and a.best_score_ == b.best_score_)
                same &= equal
                detail = "identical" if equal else (
                    f"DIFFERENT ({int((a.thresholds_ != b.thresholds_).sum())} of "
                    f"{a.thresholds_.size} thresholds; best_score_ {a.best_score_:.6f} -> "
                    f"{b.best_score_:.6f})")
                print(f"{name:32s} {scoring:14s} {detail}")

        from skthresh.datasets import make_multilabel_scores

        scores, y = make_multilabel_scores(15278, 527, random_state=0)
        med = interleaved_medians(
            {"base": lambda: base.SGLThresholdOptimizer(device="cpu").fit(scores, y),
             "new": lambda: skthresh.SGLThresholdOptimizer(device="cpu").fit(scores, y)},
            args.repeats)
    print(f"thresholds: {'all identical' if same else 'SOME DIFFER'}")
    print(f"fit at 15,278 x 527, median of {args.repeats}: base ({args.base}) "
          f"{med['base'] * 1e3:.1f} ms, new {med['new'] * 1e3:.1f} ms, "
          f"ratio {med['base'] / med['new']:.2f}x")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
