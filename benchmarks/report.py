"""threshold_report: coverage of its intervals, and its cost at AudioSet scale.

Not run by the tests. From the repository root::

    python -m benchmarks report [--data DIR] [--draws 100] [--resamples 100]
                                [--skip-coverage] [--skip-cost] [--n-jobs-check]

It prints its figures as they come and writes ``benchmarks/results/report.md``
(and ``.rst``).

(a) Coverage. One label, positives' scores Beta(a, b) and negatives' Beta(b, a),
prior 0.3: the population-optimal F1 threshold is found numerically from the
two Beta CDFs. For each of ``--draws`` draws of 300 and of 3,000 rows, the
90 % interval of :func:`skthresh.threshold_report` either covers it or not;
printed: the coverage and the mean width, for CoordinateThresholdOptimizer and
SGLThresholdOptimizer.

(b) Cost. ``threshold_report(SGLThresholdOptimizer(), ...)`` with its defaults
(100 resamples) on 15,278 x 527 scores: the size of the AudioSet validation
set, whose scores are not shipped, so drawn by
:func:`skthresh.datasets.make_multilabel_scores`; then on the real DCASE2019
validation scores (1,122 x 10, ``dcase2019.npz`` in ``--data``), whose report
is printed. ``--n-jobs-check`` times the resample fits in sequence against
joblib's 2 workers (the reason ``threshold_report`` has no ``n_jobs``).
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np
from scipy import optimize, stats

from benchmarks._common import DEFAULT_DATA, Table, argument_parser, write_result
from skthresh import CoordinateThresholdOptimizer, SGLThresholdOptimizer, threshold_report
from skthresh.exceptions import UndefinedThresholdWarning

A, B, PRIOR, LEVEL = 5.0, 2.0, 0.3, 0.9


def population_f1(threshold: float, a: float = A, b: float = B, prior: float = PRIOR) -> float:
    """Population F1 of ``score >= threshold``: positives Beta(a, b), negatives Beta(b, a)."""
    tp = prior * stats.beta.sf(threshold, a, b)
    fp = (1 - prior) * stats.beta.sf(threshold, b, a)
    fn = prior * stats.beta.cdf(threshold, a, b)
    return 2 * tp / (2 * tp + fp + fn)


def optimal_threshold() -> float:
    """The population-optimal F1 threshold: a grid, then a bounded refinement."""
    grid = np.linspace(0.001, 0.999, 999)
    best = grid[np.argmax([population_f1(t) for t in grid])]
    result = optimize.minimize_scalar(lambda t: -population_f1(t),
                                      bounds=(best - 0.002, best + 0.002), method="bounded",
                                      options={"xatol": 1e-9})
    return float(result.x)


def draw(n_samples: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """One label's scores and targets."""
    y = (rng.random(n_samples) < PRIOR).astype(int)
    scores = np.where(y == 1, rng.beta(A, B, n_samples), rng.beta(B, A, n_samples))
    return scores, y


def coverage(n_draws: int, n_resamples: int) -> list[str | Table]:
    """The coverage and mean width of the 90 % interval of the optimal threshold."""
    target = optimal_threshold()
    text = (f"Coverage: one label, positives' scores Beta({A:g}, {B:g}), negatives' "
            f"Beta({B:g}, {A:g}), prior {PRIOR}; population-optimal F1 threshold "
            f"{target:.4f} (F1 {population_f1(target):.4f}). Interval level {LEVEL}, "
            f"{n_resamples} resamples, {n_draws} draws per row (seeded).")
    print(text)
    rows = []
    for optimizer in (CoordinateThresholdOptimizer(), SGLThresholdOptimizer()):
        for n_samples in (300, 3000):
            rng = np.random.default_rng(n_samples)
            covered, widths = 0, []
            start = time.perf_counter()
            for k in range(n_draws):
                scores, y = draw(n_samples, rng)
                report = threshold_report(optimizer, scores, y, level=LEVEL,
                                          n_resamples=n_resamples, random_state=k)
                covered += report.low[0] <= target <= report.high[0]
                widths.append(report.high[0] - report.low[0])
            rows.append([f"`{type(optimizer).__name__}()`", f"{n_samples:,}",
                         f"{covered / n_draws:.0%}", f"{np.mean(widths):.4f}",
                         f"{time.perf_counter() - start:.0f} s"])
            print(*rows[-1], flush=True)
    return [text, Table(["optimizer", "rows", "coverage", "mean width", "time"], rows)]


def cost(data: Path, n_jobs_check: bool) -> list[str | Table]:
    """The time of the default report at 15,278 x 527, and the report on DCASE2019."""
    from skthresh.datasets import make_multilabel_scores

    scores, y = make_multilabel_scores(15_278, 527, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedThresholdWarning)  # the full fit's, if any
        SGLThresholdOptimizer().fit(scores[:500], y[:500])  # torch imported before timing
        start = time.perf_counter()
        report = threshold_report(SGLThresholdOptimizer(), scores, y, random_state=0)
    seconds = time.perf_counter() - start
    parts: list[str | Table] = [
        f"Cost: `threshold_report(SGLThresholdOptimizer(), ...)` at 15,278 x 527 "
        f"(`make_multilabel_scores`, seed 0), {report.n_resamples} resamples: "
        f"{seconds:.1f} s ({seconds / (report.n_resamples + 1):.2f} s a fit); "
        f"{int(report.untunable.sum())} of 527 labels untunable "
        f"({int((report.n_positive < 5).sum())} with fewer than 5 positives)."]
    print(parts[0], flush=True)
    if n_jobs_check:
        n_jobs_timing(scores, y)

    path = data / "dcase2019.npz"
    if not path.exists():
        print(f"{path} not found (--data DIR): DCASE2019 skipped")
        return parts
    d = np.load(path)
    start = time.perf_counter()
    frame = threshold_report(SGLThresholdOptimizer(), d["val_scores"], d["val_labels"],
                             random_state=0, as_frame=True)
    seconds = time.perf_counter() - start
    parts.append(f"The report on the DCASE2019 validation scores ({d['val_scores'].shape[0]:,} "
                 f"x {d['val_scores'].shape[1]}), `SGLThresholdOptimizer()`, 100 resamples, "
                 f"took {seconds:.1f} s:")
    columns = ["threshold", "low", "high", "n_positive", "spread", "untunable"]
    parts.append(Table(["label", *columns],
                       [[label, *(f"{v:.3f}" if isinstance(v, float) else v for v in row),
                         f"{n:g}", f"{spread:.3f}", "yes" if flag else ""]
                        for label, row, n, spread, flag in zip(
                            frame.index, frame[["threshold", "low", "high"]].itertuples(
                                index=False), frame["n_positive"], frame["spread"],
                            frame["untunable"])]))
    print(frame.round(3).to_string())
    return parts


def n_jobs_timing(scores: np.ndarray, y: np.ndarray, n_fits: int = 8) -> None:
    """Time ``n_fits`` resample fits in sequence and on joblib's 2 workers (twice)."""
    from joblib import Parallel, delayed

    def fit(seed: int) -> np.ndarray:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedThresholdWarning)
            rows = np.random.RandomState(seed).randint(len(scores), size=len(scores))
            return SGLThresholdOptimizer().fit(scores[rows], y[rows]).thresholds_

    for repeat in range(2):  # the second: loky's workers already started
        start = time.perf_counter()
        [fit(k) for k in range(n_fits)]
        one = time.perf_counter() - start
        start = time.perf_counter()
        Parallel(n_jobs=2)(delayed(fit)(k) for k in range(n_fits))
        two = time.perf_counter() - start
        print(f"n_jobs check {repeat + 1}: {n_fits} resample fits: 1 job {one:.1f} s, "
              f"2 joblib workers {two:.1f} s ({one / two:.2f}x)", flush=True)


def main(argv: list[str] | None = None) -> None:
    """Run the measurements named by the command line."""
    parser = argument_parser(__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="folder holding dcase2019.npz (default: ../shared/data/sgl-thresh)")
    parser.add_argument("--draws", type=int, default=100, help="draws per coverage cell")
    parser.add_argument("--resamples", type=int, default=100,
                        help="bootstrap resamples per report in (a)")
    parser.add_argument("--skip-coverage", action="store_true", help="skip (a)")
    parser.add_argument("--skip-cost", action="store_true", help="skip (b)")
    parser.add_argument("--n-jobs-check", action="store_true",
                        help="in (b), time 1 against 2 joblib workers")
    args = parser.parse_args(argv)
    parts: list[str | Table] = []
    if not args.skip_coverage:
        parts += coverage(args.draws, args.resamples)
    if not args.skip_cost:
        parts += cost(args.data, args.n_jobs_check)
    path = write_result(args, "report", "threshold_report: interval coverage and cost", parts)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
