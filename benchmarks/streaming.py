"""Fits on scores read from disk: in memory, memory map, Dask cluster and CLI, at 1e6 x 527.

Usage::

    python -m benchmarks streaming [--n 1000000] [--labels 527] [--data DIR] [--quick]
                                   [--coordinate] [--block-rows 100000]

``SGLThresholdOptimizer()`` (default settings, CPU) fitted on the same ``.npy``
pair four ways, each in a fresh process (``python -m benchmarks streaming _one
METHOD ...``) so that memory peaks do not mix:

1. **in memory**: both arrays read whole (``np.load``), then ``fit``;
2. **memory map**: ``np.load(path, mmap_mode="r")``, read in chunks by ``fit``;
3. **Dask**: a ``distributed.LocalCluster(n_workers=2, threads_per_worker=1,
   processes=True)`` and its ``Client``; Dask arrays of ``--block-rows`` row
   blocks, each block read *on a worker* from the ``.npy`` files
   (``dask.delayed`` of :func:`load_rows`, then ``da.from_delayed`` and
   ``da.concatenate``: ``da.from_array`` of a memory map would copy it);
4. **CLI**: ``python -m skthresh fit --scores S.npy --labels Y.npy --out T.json``
   in a subprocess (it memory-maps ``.npy`` files).

``--coordinate`` adds ``CoordinateThresholdOptimizer()`` in memory and on the
memory map. Measured for each: the wall time of one fit (one run each: at 1e6
rows a fit takes tens of seconds; the in-memory load, the cluster start and a
warm-up fit on a tiny problem are outside it; the CLI's time is its whole
process, imports included); the peak growth of the process's anonymous memory
during the fit (``RssAnon`` of ``/proc/self/status``, sampled every 10 ms in a
thread, minus its value just before the fit; file-backed pages of the memory
map are not anonymous and are not counted). For the CLI: the child's peak
``RssAnon``, absolute. For Dask: the client process's growth (the
``LocalCluster`` scheduler runs in it too) and, separately, each worker's peak
``RssAnon`` during the fit, absolute and as growth, and its ``VmHWM`` (peak
resident set since the worker started, file-backed pages included), read on the
workers with ``client.run``. Then the micro-F1 of each fit's thresholds on all
rows, counted per label over row chunks of the memory map, its difference from
the in-memory fit in points (percent), and the largest threshold difference
from the memory-map fit of the same optimizer.

Data: ``scores.npy`` (float32) and ``labels.npy`` (int8) in ``--data`` (default
``~/.cache/skthresh-streaming``) are used when their shape is ``(--n,
--labels)``, else ``scores_NxL.npy`` and ``labels_NxL.npy`` there, which are
generated when missing: ``make_multilabel_scores`` in row chunks of about 2**24
scores (64 MiB of float32 plus the generator's ~100 MB of temporaries) written
into ``np.lib.format.open_memmap`` files. ``make_multilabel_scores`` cannot
produce one matrix's rows chunk by chunk (its row streams are spawned from one
seed over the whole matrix, and it gives every label a positive over the whole
matrix), so each chunk is a separate draw: ``random_state`` from
``SeedSequence(0).generate_state``, one per chunk, and the same
``label_random_state=0`` (the same per-label "model"). Such files are therefore
not the matrix of one ``make_multilabel_scores(n, L, random_state=0)`` call
(every label is given a positive in every chunk, which at 31,835 rows a chunk
and 527 labels does not happen in practice: the rarest label expects 78
positives a chunk); the result says which files were used. The page
cache is warmed by reading both files once before the fits.

``--quick``: n = 20,000, L = 50, 5,000-row Dask blocks (well under a minute), to
``results/streaming_quick.*``; else ``results/streaming.{md,rst}``, written after
every fit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from benchmarks._common import REPO, Table, argument_parser, write_result

GB = 1e9
METHODS = {
    "memory": "SGL, in memory (`np.load`)",
    "mmap": "SGL, memory map (`mmap_mode='r'`)",
    "dask": "SGL, Dask (LocalCluster, 2 worker processes x 1 thread)",
    "cli": "CLI `skthresh fit` on the .npy pair",
    "coord_memory": "Coordinate, in memory (`np.load`)",
    "coord_mmap": "Coordinate, memory map (`mmap_mode='r'`)",
}
REFERENCE = {  # in-memory fit (micro-F1) and memory-map fit (thresholds) of each method
    "memory": ("memory", "mmap"), "mmap": ("memory", "mmap"), "dask": ("memory", "mmap"),
    "cli": ("memory", "mmap"),
    "coord_memory": ("coord_memory", "coord_mmap"), "coord_mmap": ("coord_memory", "coord_mmap"),
}
GEN_CHUNK_ELEMENTS = 2**24
EVAL_CHUNK_ELEMENTS = 2**23


# --------------------------------------------------------------------------------------
# Memory
# --------------------------------------------------------------------------------------


def status_bytes(field: str, pid: int | str = "self") -> int:
    """A ``kB`` field of ``/proc/PID/status`` (``RssAnon``, ``VmHWM``), in bytes."""
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


class AnonSampler:
    """Peak ``RssAnon`` of a process, sampled every ``interval`` seconds in a thread.

    ``baseline`` is read at ``start``; ``peak`` is the largest value seen until
    ``stop`` (or until the process is gone).
    """

    def __init__(self, pid: int | str = "self", interval: float = 0.01):
        self.pid, self.interval = pid, interval
        self.baseline = self.peak = status_bytes("RssAnon", pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, status_bytes("RssAnon", self.pid))
            except (OSError, KeyError):  # the process has exited
                return
            self._stop.wait(self.interval)

    def start(self) -> AnonSampler:
        self.baseline = self.peak = status_bytes("RssAnon", self.pid)
        self._thread.start()
        return self

    def stop(self) -> AnonSampler:
        try:
            self.peak = max(self.peak, status_bytes("RssAnon", self.pid))
        except (OSError, KeyError):
            pass
        self._stop.set()
        self._thread.join()
        return self

    @property
    def growth(self) -> int:
        return self.peak - self.baseline


_WORKER_SAMPLER: AnonSampler | None = None


def worker_sampler_start() -> None:
    """On a Dask worker (``client.run``): start sampling its ``RssAnon``."""
    global _WORKER_SAMPLER
    _WORKER_SAMPLER = AnonSampler().start()


def worker_sampler_stop() -> dict:
    """On a Dask worker (``client.run``): its sampled ``RssAnon`` and its ``VmHWM``."""
    sampler = _WORKER_SAMPLER.stop()
    return {"baseline": sampler.baseline, "peak": sampler.peak,
            "vmhwm": status_bytes("VmHWM")}


# --------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------


def _shape_of(path: Path):
    try:
        array = np.load(path, mmap_mode="r")
    except (OSError, ValueError):
        return None
    return array.shape, array.dtype


def ensure_data(folder: Path, n: int, n_labels: int, verbose: bool = True
                ) -> tuple[Path, Path, str]:
    """The ``.npy`` pair to fit on (found or generated in chunks, see the module docstring).

    Returns
    -------
    scores, labels : Path
    origin : str
        How the pair came about, for the result.
    """
    folder.mkdir(parents=True, exist_ok=True)
    want = ((n, n_labels), np.dtype(np.float32)), ((n, n_labels), np.dtype(np.int8))
    for s_name, y_name in (("scores.npy", "labels.npy"),
                           (f"scores_{n}x{n_labels}.npy", f"labels_{n}x{n_labels}.npy")):
        s, y = folder / s_name, folder / y_name
        if s.exists() and y.exists() and (_shape_of(s), _shape_of(y)) == want:
            return s, y, f"existing files `{s}` and `{y}`, reused (not regenerated)"
    from skthresh.datasets import make_multilabel_scores

    s, y = folder / f"scores_{n}x{n_labels}.npy", folder / f"labels_{n}x{n_labels}.npy"
    tmp_s, tmp_y = s.with_suffix(".partial"), y.with_suffix(".partial")
    start = time.perf_counter()
    scores = np.lib.format.open_memmap(tmp_s, mode="w+", dtype=np.float32, shape=(n, n_labels))
    labels = np.lib.format.open_memmap(tmp_y, mode="w+", dtype=np.int8, shape=(n, n_labels))
    step = max(1, GEN_CHUNK_ELEMENTS // n_labels)
    bounds = list(range(0, n, step))
    seeds = np.random.SeedSequence(0).generate_state(len(bounds))
    for k, a in enumerate(bounds):
        b = min(a + step, n)
        part_s, part_y = make_multilabel_scores(b - a, n_labels, random_state=int(seeds[k]),
                                                label_random_state=0)
        scores[a:b], labels[a:b] = part_s, part_y
        del part_s, part_y
        if verbose:
            print(f"\r  generating: {b:,} / {n:,} rows", end="", flush=True)
    scores.flush()
    labels.flush()
    del scores, labels
    os.replace(tmp_s, s)
    os.replace(tmp_y, y)
    if verbose:
        print(f"\n  generated {s} and {y} in {time.perf_counter() - start:.0f} s")
    chunks = f"{len(bounds)} chunk{'s' if len(bounds) > 1 else ''} of {min(step, n):,} rows"
    return s, y, (f"`{s}` and `{y}`, generated now in {chunks} "
                  "(separate draws with the same `label_random_state`, see the docstring)")


def load_rows(path: str, start: int, stop: int) -> np.ndarray:
    """Rows ``start:stop`` of a ``.npy`` file, read through a memory map (a Dask task)."""
    return np.array(np.load(path, mmap_mode="r")[start:stop])


def dask_rows(path: Path, block_rows: int):
    """A Dask array of a ``.npy`` file's rows, each block read where it runs (:func:`load_rows`)."""
    import dask
    import dask.array as da

    shape, dtype = _shape_of(path)
    load = dask.delayed(load_rows, pure=True)
    blocks = [da.from_delayed(load(str(path), a, min(a + block_rows, shape[0])),
                              shape=(min(a + block_rows, shape[0]) - a, *shape[1:]), dtype=dtype)
              for a in range(0, shape[0], block_rows)]
    return da.concatenate(blocks, axis=0)


def _warm_page_cache(*paths: Path) -> float:
    start = time.perf_counter()
    buf = bytearray(64 * 2**20)
    for path in paths:
        with open(path, "rb", buffering=0) as fh:
            while fh.readinto(buf):
                pass
    return time.perf_counter() - start


def micro_f1(score_path: Path, label_path: Path, thresholds: np.ndarray) -> float:
    """Micro-F1 (%) of ``scores >= thresholds`` on every row, counted per label over row chunks."""
    scores = np.load(score_path, mmap_mode="r")
    labels = np.load(label_path, mmap_mode="r")
    step = max(1, EVAL_CHUNK_ELEMENTS // scores.shape[1])
    tp = fp = fn = np.zeros(scores.shape[1], dtype=np.int64)
    for a in range(0, scores.shape[0], step):
        pred = np.asarray(scores[a:a + step]) >= thresholds
        true = np.asarray(labels[a:a + step]) != 0
        hits = (pred & true).sum(axis=0)
        tp = tp + hits
        fp = fp + pred.sum(axis=0) - hits
        fn = fn + true.sum(axis=0) - hits
    tp, fp, fn = tp.sum(), fp.sum(), fn.sum()
    return 100.0 * 2 * tp / max(2 * tp + fp + fn, 1)


# --------------------------------------------------------------------------------------
# One fit, in a fresh process
# --------------------------------------------------------------------------------------


def _optimizer(method: str):
    from skthresh import CoordinateThresholdOptimizer, SGLThresholdOptimizer

    if method.startswith("coord"):
        return CoordinateThresholdOptimizer()
    return SGLThresholdOptimizer(device="cpu")


def _warm_up(method: str) -> None:
    """One fit on a tiny problem: imports and first-call costs outside the measure."""
    rng = np.random.default_rng(0)
    y = (rng.random((300, 4)) < 0.2).astype(np.int8)
    _optimizer(method).fit((0.5 * y + 0.5 * rng.random(y.shape)).astype(np.float32), y)


def _timed_fit(method: str, scores, labels) -> dict:
    sampler = AnonSampler().start()
    start = time.perf_counter()
    thresholds = _optimizer(method).fit(scores, labels).thresholds_
    seconds = time.perf_counter() - start
    sampler.stop()
    return {"seconds": seconds, "baseline": sampler.baseline, "peak": sampler.peak,
            "growth": sampler.growth, "thresholds": np.asarray(thresholds, dtype=np.float64)}


def _one_local(method: str, score_path: Path, label_path: Path) -> dict:
    _warm_up(method)
    if method in ("memory", "coord_memory"):
        start = time.perf_counter()
        scores, labels = np.load(score_path), np.load(label_path)
        loaded = time.perf_counter() - start
        out = _timed_fit(method, scores, labels)
        out["load_seconds"] = loaded
        return out
    return _timed_fit(method, np.load(score_path, mmap_mode="r"),
                      np.load(label_path, mmap_mode="r"))


def _one_dask(score_path: Path, label_path: Path, block_rows: int) -> dict:
    import dask.array as da
    from distributed import Client, LocalCluster

    _warm_up("dask")
    start = time.perf_counter()
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None)
    client = Client(cluster)
    cluster_seconds = time.perf_counter() - start
    try:
        rng = np.random.default_rng(0)  # a tiny fit on the cluster: the workers' imports
        y = (rng.random((400, 4)) < 0.2).astype(np.int8)
        s = (0.5 * y + 0.5 * rng.random(y.shape)).astype(np.float32)
        _optimizer("dask").fit(da.from_array(s, chunks=100), da.from_array(y, chunks=100))
        scores, labels = dask_rows(score_path, block_rows), dask_rows(label_path, block_rows)
        client.run(worker_sampler_start)
        out = _timed_fit("dask", scores, labels)
        out["workers"] = list(client.run(worker_sampler_stop).values())
        out["n_blocks"] = len(scores.chunks[0])
        out["cluster_seconds"] = cluster_seconds
    finally:
        client.close()
        cluster.close()
    return out


def _one_cli(score_path: Path, label_path: Path, folder: Path) -> dict:
    out_json = folder / "cli.json"
    argv = [sys.executable, "-m", "skthresh", "fit", "--scores", str(score_path),
            "--labels", str(label_path), "--out", str(out_json)]
    with open(folder / "cli.log", "w") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
        sampler = AnonSampler(proc.pid).start()
        rc = proc.wait()
        seconds = time.perf_counter() - start
        sampler.stop()
    if rc:
        raise RuntimeError(f"skthresh fit exited with {rc}: "
                           f"{(folder / 'cli.log').read_text()[-500:]}")
    thresholds = np.asarray(json.loads(out_json.read_text())["thresholds"], dtype=np.float64)
    return {"seconds": seconds, "baseline": sampler.baseline, "peak": sampler.peak,
            "growth": sampler.growth, "thresholds": thresholds,
            "command": "python -m skthresh fit --scores S.npy --labels Y.npy --out T.json"}


def one_main(argv: list[str]) -> None:
    """``_one METHOD SCORES.npy LABELS.npy FOLDER BLOCK_ROWS``: one fit, one JSON line.

    The thresholds go to ``FOLDER/METHOD.npy``; the JSON line holds the rest.
    """
    method, score_path, label_path, folder = argv[0], Path(argv[1]), Path(argv[2]), Path(argv[3])
    block_rows = int(argv[4])
    if method == "dask":
        out = _one_dask(score_path, label_path, block_rows)
    elif method == "cli":
        out = _one_cli(score_path, label_path, folder)
    else:
        out = _one_local(method, score_path, label_path)
    np.save(folder / f"{method}.npy", out.pop("thresholds"))
    if "torch" in sys.modules:
        out["torch_threads"] = sys.modules["torch"].get_num_threads()
    print(json.dumps(out), flush=True)


def run_one(method: str, score_path: Path, label_path: Path, folder: Path,
            block_rows: int, timeout: float = 3600) -> dict:
    """:func:`one_main` in a fresh process; its JSON, or ``{"error": ...}``."""
    argv = [sys.executable, "-m", "benchmarks", "streaming", "_one", method, str(score_path),
            str(label_path), str(folder), str(block_rows)]
    try:
        proc = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode or not lines:
        return {"error": f"exit {proc.returncode}: {proc.stderr[-800:]}"}
    return json.loads(lines[-1])


# --------------------------------------------------------------------------------------
# The benchmark
# --------------------------------------------------------------------------------------


def _gb(value: float) -> str:
    return f"{value / GB:.2f} GB"


def _row(method: str, r: dict, results: dict) -> list[str]:
    """One table row; ``results`` holds the fits so far (with ``f1`` and ``thresholds``)."""
    if "error" in r:
        return [METHODS[method], "failed", "-", "-", "-", "-", r["error"][:120]]
    f1_ref, t_ref = (results.get(k) for k in REFERENCE[method])
    d_f1 = r["f1"] - f1_ref["f1"] if f1_ref and "f1" in f1_ref else None
    d_t, d_t_mem = ((float(np.max(np.abs(r["thresholds"] - ref["thresholds"])))
                     if ref and "thresholds" in ref else None) for ref in (t_ref, f1_ref))
    if method == "cli":
        memory = f"child peak {_gb(r['peak'])} (absolute)"
    elif method == "dask":
        memory = f"client +{_gb(r['growth'])}"
    else:
        memory = f"+{_gb(r['growth'])}"
    return [METHODS[method], f"{r['seconds']:.1f} s", memory, f"{r['f1']:.3f}",
            "-" if d_f1 is None else f"{d_f1:+.3f}",
            "-" if d_t is None else f"{d_t:.2g}", "-" if d_t_mem is None else f"{d_t_mem:.2g}"]


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark (see the module docstring)."""
    argv = sys.argv[2:] if argv is None else list(argv)
    if argv and argv[0] == "_one":
        one_main(argv[1:])
        return
    parser = argument_parser(__doc__)
    parser.add_argument("--n", type=int, default=1_000_000, help="rows (default 1,000,000)")
    parser.add_argument("--labels", type=int, default=527, help="labels (default 527)")
    parser.add_argument("--data", type=Path,
                        default=Path.home() / ".cache" / "skthresh-streaming",
                        help="folder of the .npy pair (default ~/.cache/skthresh-streaming)")
    parser.add_argument("--quick", action="store_true",
                        help="n = 20,000, L = 50, 5,000-row Dask blocks: a smoke run")
    parser.add_argument("--coordinate", action="store_true",
                        help="also CoordinateThresholdOptimizer, in memory and memory map")
    parser.add_argument("--block-rows", type=int, default=None,
                        help="rows of a Dask block (default 100,000; --quick: 5,000)")
    args = parser.parse_args(argv)
    if args.quick:
        args.n, args.labels = 20_000, 50
    block_rows = args.block_rows or (5_000 if args.quick else 100_000)
    name = "streaming_quick" if args.quick else "streaming"
    started = time.perf_counter()

    print(f"data: {args.n:,} x {args.labels} in {args.data}", flush=True)
    score_path, label_path, origin = ensure_data(args.data, args.n, args.labels)
    warm = _warm_page_cache(score_path, label_path)
    size = score_path.stat().st_size + label_path.stat().st_size
    print(f"page cache: read {size / GB:.2f} GB in {warm:.1f} s", flush=True)
    methods = ["memory", "mmap", "dask", "cli"]
    if args.coordinate:
        methods += ["coord_memory", "coord_mmap"]

    header = ["fit", "wall time (one run)", "anonymous memory (RssAnon)", "micro-F1 (%)",
              "micro-F1 vs in memory (points)", "max abs threshold diff vs memory map",
              "max abs threshold diff vs in memory"]
    results: dict[str, dict] = {}
    worker_rows: list[list[str]] = []
    notes: list[str] = []

    def write():
        rows = [_row(m, results[m], results) for m in methods if m in results]
        parts = [
            f"`SGLThresholdOptimizer()` (default settings, CPU) on {args.n:,} x "
            f"{args.labels} float32 scores and int8 labels "
            f"({size / GB:.2f} GB on disk): {origin}. Each fit runs in a fresh process "
            "(`python -m benchmarks streaming _one METHOD ...`), once. Wall time: the fit "
            "call only (after a warm-up fit on a tiny problem; the in-memory `np.load`, the "
            "cluster start and the Dask warm-up fit outside it), except the CLI: its whole "
            "process, imports included. Memory: peak `RssAnon` (anonymous memory; "
            "file-backed pages of a memory map are not counted), sampled every 10 ms in a "
            "thread, minus its value just before the fit (in memory: after loading the "
            "arrays); for the CLI, the child's peak `RssAnon` itself; for Dask, the client "
            "process (which also runs the LocalCluster scheduler). GB = 1e9 bytes. Micro-F1: "
            "of each fit's thresholds on all rows, counted per label over row chunks of the "
            "memory map; the points and threshold differences are against the same "
            "optimizer's in-memory and memory-map fits. The page cache held both files "
            f"(read once before the fits, {warm:.1f} s).",
            Table(header, rows),
        ]
        if worker_rows:
            parts += [
                f"Dask workers during the fit ({block_rows:,}-row blocks, each read on a "
                "worker from the .npy files; `client.run` reads `/proc/self/status`). "
                "Peak and growth: sampled `RssAnon`, as above; `VmHWM`: the worker's peak "
                "resident set since it started, file-backed pages of its memory-map reads "
                "included.",
                Table(["worker", "peak RssAnon during fit", "RssAnon growth in fit",
                       "VmHWM since start"], worker_rows),
            ]
        parts.append(" ".join(notes + [
            f"Run time: {(time.perf_counter() - started) / 60:.1f} min."]))
        return write_result(args, name, "Streaming: fits on scores read from disk", parts)

    with tempfile.TemporaryDirectory(prefix="skthresh-streaming-") as tmp:
        folder = Path(tmp)
        for method in methods:
            print(f"{method} ...", flush=True)
            r = run_one(method, score_path, label_path, folder, block_rows)
            if "error" not in r:
                r["thresholds"] = np.load(folder / f"{method}.npy")
                r["f1"] = micro_f1(score_path, label_path, r["thresholds"])
            results[method] = r
            print("  " + " | ".join(_row(method, r, results)), flush=True)
            if "load_seconds" in r:
                notes.append(f"{METHODS[method]}: `np.load` of both arrays took "
                             f"{r['load_seconds']:.1f} s (outside the fit time).")
            if "cluster_seconds" in r:
                notes.append(f"Dask: {r['n_blocks']} blocks; starting the cluster took "
                             f"{r['cluster_seconds']:.1f} s (outside the fit time).")
                for i, w in enumerate(r["workers"]):
                    worker_rows.append([str(i + 1), _gb(w["peak"]),
                                        f"+{_gb(w['peak'] - w['baseline'])}", _gb(w["vmhwm"])])
            if "torch_threads" in r and not any("torch threads" in n for n in notes):
                notes.append(f"torch threads in the fit processes: {r['torch_threads']}.")
            write()
    print(f"wrote {write()}")
