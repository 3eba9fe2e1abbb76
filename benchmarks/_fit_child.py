"""One threshold fit in a fresh process: its time and its peak extra memory.

Usage (run by speed.py and scaling.py through ``_common.run_isolated``)::

    python _fit_child.py METHOD SCORES.npy LABELS.npy [JSON_PARAMS]

``JSON_PARAMS`` are the method's parameters, plus ``_repeats`` (fits to time,
default 1) and ``_budget_s`` (no further fit once this many seconds are spent).
Imports everything and warms the method up on a tiny problem, loads the data,
records the RSS, fits, then prints one JSON line: ``fit_s`` (median),
``baseline_rss`` (current RSS after loading), ``maxrss_before`` (peak RSS
before the fit), ``peak_rss`` (``ru_maxrss`` after the fit) and ``vmhwm``
(the kernel's own high-water mark, the same counter, as a cross-check).
"""

from __future__ import annotations

import gc
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import current_rss_bytes, peak_rss_bytes  # noqa: E402


def make_fit(method: str, params: dict):
    if method == "sgl":
        from skthresh import SGLThresholdOptimizer

        kw = {"device": "cpu", **params}
        return lambda s, y: SGLThresholdOptimizer(**kw).fit(s, y).thresholds_
    if method == "coordinate":
        from skthresh import CoordinateThresholdOptimizer

        return lambda s, y: CoordinateThresholdOptimizer(**params).fit(s, y).thresholds_
    if method == "naive":
        import paper_methods as pm

        init = params.get("init", 0.5)
        return lambda s, y: pm.paper_sgl(s, y, init)
    if method == "optimal_cutoffs":
        import paper_methods as pm

        return pm.optimal_cutoffs_cuts
    raise ValueError(f"unknown method {method!r}")


def vmhwm_bytes() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return -1


def main():
    method, score_path, label_path = sys.argv[1:4]
    params = json.loads(sys.argv[4]) if len(sys.argv) > 4 else {}
    repeats = int(params.pop("_repeats", 1))
    budget_s = float(params.pop("_budget_s", 10.0))
    fit = make_fit(method, params)
    rng = np.random.default_rng(0)
    y_small = (rng.random((300, 4)) < 0.2).astype(np.int8)
    fit((0.5 * y_small + 0.5 * rng.random((300, 4))).astype(np.float32), y_small)  # warm-up
    scores = np.load(score_path)
    labels = np.load(label_path)
    gc.collect()
    baseline = current_rss_bytes()
    before = peak_rss_bytes()
    times = []
    while True:  # up to `repeats` fits, fewer when they are slow
        t0 = time.perf_counter()
        thresholds = fit(scores, labels)
        times.append(time.perf_counter() - t0)
        if len(times) >= repeats or sum(times) > budget_s:
            break
    print(json.dumps({
        "fit_s": float(np.median(times)),
        "times": times,
        "baseline_rss": baseline,
        "maxrss_before": before,
        "peak_rss": peak_rss_bytes(),
        "vmhwm": vmhwm_bytes(),
        "score_bytes": scores.nbytes,
        "n_thresholds": int(np.size(thresholds)),
    }))


if __name__ == "__main__":
    main()
