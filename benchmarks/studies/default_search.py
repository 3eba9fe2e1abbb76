# ruff: noqa  -- a one-off study kept as the record of issue 11 (not part of the harness)
"""Issue 11 study: candidate micro-F1 defaults (SGL settings, coordinate shrinkage, rank averages).

Run from the repository root with ``../shared`` beside it:
``python -m benchmarks.studies.default_search sgl coord sgl+boot16 coord_k2 ...``
(names: see ``fit`` and ``GRID``). One row per candidate: DCASE eval micro-F1 (fit on val),
val-internal 2-fold CV, development-suite test micro-F1 (fit on cached out-of-fold train
scores, ``benchmarks.devsuite.cached_scores``) and train-internal 2-fold CV.
Results of 2026-12-04: ``benchmarks/results/default_search.md``.
"""
import sys, time, warnings, numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import KFold
warnings.simplefilter("ignore")
from skthresh import SGLThresholdOptimizer as S, CoordinateThresholdOptimizer as C
from benchmarks.devsuite import cached_scores, DATASETS

def rankavg(ta, tb, s):
    # average the two thresholds' rank positions in the tuning scores, per label
    out = np.empty(s.shape[1])
    for j in range(s.shape[1]):
        col = np.sort(s[:, j])
        ra = np.searchsorted(col, ta[j]); rb = np.searchsorted(col, tb[j])
        r = int(round((ra + rb) / 2))
        out[j] = col[min(r, len(col) - 1)] if r < len(col) else np.nextafter(col[-1], np.inf)
    return out

def fit0(name, s, y):
    if name == "sgl": return S().fit(s, y).thresholds_
    if name == "coord": return C().fit(s, y).thresholds_
    if name == "sgl_from_coord":
        t = C().fit(s, y).thresholds_; return S(init=t).fit(s, y).thresholds_
    if name == "boot64_s100_k10": return S(n_bootstrap=64, sigma=100, shrinkage=10, random_state=0).fit(s, y).thresholds_
    if name == "boot64": return S(n_bootstrap=64, random_state=0).fit(s, y).thresholds_
    if name == "avg": return rankavg(S().fit(s, y).thresholds_, C().fit(s, y).thresholds_, s)
    if name == "coord_k10": return C(shrinkage=10).fit(s, y).thresholds_
    if name == "sgl_k10": return S(shrinkage=10).fit(s, y).thresholds_
    if name == "sgl_s100": return S(sigma=100).fit(s, y).thresholds_
    raise KeyError(name)


GRID = {
    "lr0.01": dict(learning_rate=0.01), "lr0.1": dict(learning_rate=0.1),
    "s3": dict(sigma=3.0), "s30": dict(sigma=30.0), "s100": dict(sigma=100.0),
    "nolearnsig": dict(learn_sigma=False),
    "it300": dict(max_iter=300), "it100_nc100": dict(max_iter=100, n_iter_no_change=100),
    "it300_nc100": dict(max_iter=300, n_iter_no_change=100),
    "boot16": dict(n_bootstrap=16, random_state=0), "boot64": dict(n_bootstrap=64, random_state=0),
    "k2": dict(shrinkage=2), "k5": dict(shrinkage=5), "k10": dict(shrinkage=10), "kauto": dict(shrinkage="auto"),
    "r1": dict(random_state=1), "r2": dict(random_state=2), "r3": dict(random_state=3),
    "boot32": dict(n_bootstrap=32, random_state=0), "boot8": dict(n_bootstrap=8, random_state=0),
    "s5": dict(sigma=5.0), "k1": dict(shrinkage=1),
}
def sgl_kw(name):
    # "sgl+a+b": merge GRID entries a, b
    kw = {}
    for part in filter(None, name.split("+")[1:]):
        kw.update(GRID[part])
    return kw

def fit(name, s, y):
    if name == "avg+": return fit0("avg", s, y)
    if name.startswith("sgl+"): return S(**sgl_kw(name)).fit(s, y).thresholds_
    if name.startswith("coord_k"):
        k = name[len("coord_k"):]; k = k if k == "auto" else float(k)
        return C(shrinkage=k).fit(s, y).thresholds_
    if name.startswith("avgck"):  # "avgck2+lr0.01": rank average of sgl(kw) and coord(shrinkage=2)
        k = float(name.split("+")[0][len("avgck"):])
        return rankavg(S(**sgl_kw(name)).fit(s, y).thresholds_, C(shrinkage=k).fit(s, y).thresholds_, s)
    if name.startswith("avg+"):  # rank average of sgl(kw) and coord
        return rankavg(S(**sgl_kw(name)).fit(s, y).thresholds_, C().fit(s, y).thresholds_, s)
    return fit0(name, s, y)

def mf1(y, s, t): return 100 * f1_score(y, (s >= t).astype(int), average="micro", zero_division=0)

def inner_cv(name, s, y, seeds=(0, 1)):
    vals = []
    for seed in seeds:
        for tr, te in KFold(2, shuffle=True, random_state=seed).split(s):
            vals.append(mf1(y[te], s[te], fit(name, s[tr], y[tr])))
    return np.mean(vals)

names = sys.argv[1:]
print("method | d17 eval | d19 eval | mean | d17 valcv | d19 valcv | " + " | ".join(DATASETS) + " | dev mean | dev trcv mean")
for name in names:
    row = []; t0 = time.time()
    for d in ("dcase2017", "dcase2019"):
        z = np.load(f"../shared/data/sgl-thresh/{d}.npz")
        row.append(mf1(z["eval_labels"], z["eval_scores"], fit(name, z["val_scores"], z["val_labels"])))
    row.append((row[0] + row[1]) / 2)
    for d in ("dcase2017", "dcase2019"):
        z = np.load(f"../shared/data/sgl-thresh/{d}.npz")
        row.append(inner_cv(name, z["val_scores"], z["val_labels"]))
    dev = []; devcv = []
    for n in DATASETS:
        oof, Y, te, Yte = cached_scores(n, cv_seed=0)
        dev.append(mf1(Yte, te, fit(name, oof, Y)))
        devcv.append(inner_cv(name, oof, Y, seeds=(0,)))
    row += dev + [np.mean(dev), np.mean(devcv)]
    print(name, "|", " | ".join(f"{v:.2f}" for v in row), f"| {time.time()-t0:.0f}s", flush=True)
