"""What every benchmark shares: the timer, the result files and their provenance footer.

* :func:`interleaved_medians`: the one timing helper;
* :func:`md_table` / :func:`rst_table`: one table, for ``results/NAME.md`` and
  for the docs' fragment ``results/NAME.rst``;
* :func:`provenance`: the footer (commit, machine, versions, threads, date, command);
* :func:`write_result`: writes both files;
* :func:`peak_memory`: one fit's peak extra memory, in a fresh
  ``python -m benchmarks _child`` process (:func:`child_main`).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
DEFAULT_DATA = (REPO / ".." / "shared" / "data" / "sgl-thresh").resolve()


def argument_parser(doc: str | None) -> argparse.ArgumentParser:
    """An argument parser with the options every benchmark takes (``--out``).

    Parameters
    ----------
    doc : str or None
        The benchmark's module docstring; its first line is the description.
    """
    first = (doc or "").strip().splitlines()
    name = sys.argv[1] if len(sys.argv) > 1 else "NAME"
    parser = _Parser(prog=f"python -m benchmarks {name}",
                     description=first[0] if first else None)
    parser.add_argument("--out", type=Path, default=RESULTS,
                        help="folder of the result files (default: benchmarks/results)")
    parser.add_argument("--allow-dirty", action="store_true",
                        help="run although skthresh/ or benchmarks/ has uncommitted changes; "
                             "the result's footer then says so, in bold, and names the files "
                             "(such a result is not for the docs)")
    return parser


class _Parser(argparse.ArgumentParser):
    """An argument parser that refuses to start on uncommitted code (see :func:`code_state`).

    A result is published with the commit it was measured on, so the code under
    test must be that commit: with uncommitted changes in ``skthresh/`` or
    ``benchmarks/`` (result files aside) the run stops before measuring
    anything, unless ``--allow-dirty`` is given.
    """

    def parse_args(self, args=None, namespace=None):  # noqa: D102
        parsed = super().parse_args(args, namespace)
        global _STATE_AT_START
        _STATE_AT_START = code_state()
        dirty = _STATE_AT_START[1]
        if dirty and not getattr(parsed, "allow_dirty", False):
            self.exit(2, f"{self.prog}: uncommitted changes in {', '.join(dirty)}: commit them, "
                         "or measure a clean checkout (git worktree add DIR HEAD, then run "
                         "there); --allow-dirty runs anyway and flags the result.\n")
        return parsed


# --------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------


@dataclass
class Timing:
    """Timings of one callable: ``median`` seconds of ``times``, and its last result."""

    times: list[float] = field(default_factory=list)
    result: Any = None

    @property
    def median(self) -> float:
        """Median of the timed runs (seconds)."""
        return statistics.median(self.times)

    @property
    def runs(self) -> int:
        """Number of timed runs."""
        return len(self.times)


def interleaved_medians(fns: Mapping[str, Callable[[], Any]], repeats: int = 5, *,
                        budget_s: float = float("inf"), verbose: bool = False
                        ) -> dict[str, Timing]:
    """Time callables in the same process, in turn, so that all see the same machine load.

    Each callable runs once untimed (warm-up: imports, first-call costs), then
    the callables run round-robin, up to ``repeats`` timed runs each. A
    callable whose warm-up takes over ``budget_s`` is not run again: its
    warm-up is its one timed run. One whose timed runs add up to over
    ``budget_s`` is not run again either. Quote the medians.

    Parameters
    ----------
    fns : mapping of str to callable
        The callables, without arguments.
    repeats : int, default=5
        Most timed runs of each.
    budget_s : float, default=inf
        Seconds after which a callable is not run again (see above).
    verbose : bool, default=False
        Print every run's time.

    Returns
    -------
    dict of str to Timing
        The timed runs of each callable and the result of its last run.
    """
    out = {name: Timing() for name in fns}
    active = []
    for name, fn in fns.items():
        start = time.perf_counter()
        out[name].result = fn()
        warm = time.perf_counter() - start
        if warm > budget_s:
            out[name].times.append(warm)
        else:
            active.append(name)
        if verbose:
            print(f"  warm-up {name}: {warm:.3f} s", flush=True)
    for i in range(repeats):
        for name in list(active):
            start = time.perf_counter()
            out[name].result = fns[name]()
            out[name].times.append(time.perf_counter() - start)
            if verbose:
                print(f"  run {i + 1} {name}: {out[name].times[-1]:.3f} s", flush=True)
            if sum(out[name].times) > budget_s:
                active.remove(name)
    return out


def fmt_seconds(seconds: float) -> str:
    """``12.3 ms`` below a second, ``1.23 s`` above."""
    return f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


# --------------------------------------------------------------------------------------
# Tables and result files
# --------------------------------------------------------------------------------------


@dataclass
class Table:
    """A table of a result file: header and rows of cells (converted with ``str``)."""

    header: Sequence[str]
    rows: Sequence[Sequence[Any]]


def md_table(table: Table) -> str:
    """The table in markdown."""
    lines = ["| " + " | ".join(table.header) + " |",
             "| " + " | ".join("---" for _ in table.header) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in table.rows]
    return "\n".join(lines)


_RST_MARKUP_START = re.compile(r"^([-*+]|\d+[.)]|#\.?)(\s|$)")


def rst_table(table: Table) -> str:
    """The table as a reStructuredText ``list-table`` (cells that would start a list escaped)."""

    def cell(value: Any) -> str:
        text = str(value)
        return "\\" + text if _RST_MARKUP_START.match(text) else text

    lines = [".. list-table::", "   :header-rows: 1", ""]
    for row in [table.header, *table.rows]:
        lines += [f"   {'*' if i == 0 else ' '} - {cell(c)}" for i, c in enumerate(row)]
    return "\n".join(lines)


def write_result(args: argparse.Namespace, name: str, title: str,
                 parts: Sequence[str | Table]) -> Path:
    """Write ``NAME.md`` (title, parts, footer) and ``NAME.rst`` (parts, footer) to ``args.out``.

    Text parts are written as they are in both files: keep to what markdown
    and reStructuredText read alike (paragraphs, ```literal``` in the docs'
    default role, ``*`` bullets with a blank line before).

    Returns
    -------
    Path
        The markdown file.
    """
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    footer = provenance()
    md = [f"# {title}", *(md_table(p) if isinstance(p, Table) else p for p in parts), footer]
    rst = [*(rst_table(p) if isinstance(p, Table) else p for p in parts), footer]
    (out / f"{name}.rst").write_text("\n\n".join(rst) + "\n")
    path = out / f"{name}.md"
    path.write_text("\n\n".join(md) + "\n")
    return path


# --------------------------------------------------------------------------------------
# Provenance
# --------------------------------------------------------------------------------------


def _git(*argv: str) -> str:
    """Git's output, without its trailing newline (leading blanks are data: ``status``)."""
    try:
        return subprocess.run(["git", *argv], cwd=REPO, capture_output=True, text=True,
                              check=False).stdout.rstrip()
    except OSError:
        return ""


def _cpu_model() -> str:
    """The CPU's model name, from ``/proc/cpuinfo`` (``lscpu`` or ``platform`` elsewhere)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    except OSError:
        lscpu = ""
    for line in lscpu.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


_STATE_AT_START: tuple[str, list[str]] | None = None


def code_state() -> tuple[str, list[str]]:
    """The commit (short hash) and the uncommitted files of the code under test.

    The code under test is ``skthresh/`` and ``benchmarks/``, less the result
    files ``benchmarks/results/``; untracked files count (an untracked module
    can be imported).
    """
    head = _git("rev-parse", "--short", "HEAD") or "unknown"
    status = _git("status", "--porcelain", "--untracked-files=all", "--",
                  "skthresh", "benchmarks", ":(exclude)benchmarks/results",
                  ":(exclude)*__pycache__*")
    dirty = [line[3:] for line in status.splitlines() if line[3:]]
    return head, dirty


def _public_arg(arg: str) -> str:
    """``arg`` with an absolute path of this machine made relative or a placeholder.

    A path inside the repository or next to it becomes relative to its root
    (``../shared/data/...``); any other absolute path becomes ``DIR``.
    """
    prefix, sep, value = arg.partition("=") if arg.startswith("--") else ("", "", arg)
    if not os.path.isabs(value):
        return arg
    path, public = Path(value).resolve(), "DIR"
    for base, up in ((REPO.resolve(), ""), (REPO.parent.resolve(), "..")):
        if path.is_relative_to(base):
            public = os.path.join(up, str(path.relative_to(base))) if up else str(
                path.relative_to(base))
            break
    return f"{prefix}{sep}{public}"


def provenance() -> str:
    """The footer of a result: commit, machine, versions, threads, date and command.

    Two lines: what ran where, and the command (run from the repository root;
    absolute paths of this machine shown relative to the repository or as
    ``DIR``). A run on uncommitted code (``--allow-dirty``, or code that
    changed while it ran) is flagged in bold, with the files.
    """
    head, dirty = code_state()
    start = _STATE_AT_START or (head, dirty)
    changed = start != (head, dirty)
    dirty = sorted(set(start[1]) | set(dirty))
    if start[0] != head:
        commit = f"commits {start[0]} (start) to {head} (end)"
    else:
        commit = f"commit {head}"
    versions = [f"Python {platform.python_version()}"]
    for module, label in (("numpy", "numpy"), ("sklearn", "scikit-learn"), ("torch", "torch")):
        try:
            versions.append(f"{label} {__import__(module).__version__}")
        except ImportError:
            pass
    threads = f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}"
    if "torch" in sys.modules:
        threads = f"{sys.modules['torch'].get_num_threads()} torch threads, {threads}"
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    date = datetime.date.today().isoformat()
    argv = [_public_arg(a) for a in sys.argv[1:] if a != "--allow-dirty"]
    command = "python -m benchmarks " + " ".join(shlex.quote(a) for a in argv)
    footer = (f"Measured on {commit}, {date}: {cores}-core machine, CPU {_cpu_model()}, "
              f"{', '.join(versions)}, {threads}.\n"
              f"Command: `{command.strip()}`")
    if dirty or changed:
        shown = dirty if len(dirty) <= 6 else [*dirty[:6], f"and {len(dirty) - 6} more"]
        footer = (f"**Not measured on committed code**: uncommitted changes in "
                  f"{', '.join(shown)}"
                  + (" (the code changed during the run)" if changed else "")
                  + ". Do not publish this result; re-run it on a clean checkout.\n\n"
                  + footer)
    return footer


# --------------------------------------------------------------------------------------
# Peak memory of one fit, in a fresh process
# --------------------------------------------------------------------------------------


def _make_fit(method: str, params: Mapping[str, Any]) -> Callable:
    """``fit(scores, labels) -> thresholds`` for ``method`` (the ``_child`` mode's methods)."""
    if method == "sgl":
        from skthresh import SGLThresholdOptimizer

        return lambda s, y: SGLThresholdOptimizer(device="cpu", **params).fit(s, y).thresholds_
    if method == "coordinate":
        from skthresh import CoordinateThresholdOptimizer

        return lambda s, y: CoordinateThresholdOptimizer(**params).fit(s, y).thresholds_
    from benchmarks import paper_methods as pm

    if method == "naive":
        return lambda s, y: pm.paper_sgl(s, y, **params)
    if method == "optimal_cutoffs":
        return pm.optimal_cutoffs_cuts
    raise ValueError(f"unknown method {method!r}")


def _rss_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def child_main(argv: Sequence[str]) -> None:
    """``python -m benchmarks _child METHOD SCORES.npy LABELS.npy [JSON]``: one fit's memory.

    Warms the method up on a tiny problem, loads the data, fits once, and
    prints one JSON line: ``extra`` (peak ``ru_maxrss`` minus the RSS after
    loading, bytes) and ``masked`` (the fit did not raise the loading peak).
    """
    import numpy as np

    method, score_path, label_path = argv[:3]
    fit = _make_fit(method, json.loads(argv[3]) if len(argv) > 3 else {})
    rng = np.random.default_rng(0)
    y = (rng.random((300, 4)) < 0.2).astype(np.int8)
    fit((0.5 * y + 0.5 * rng.random(y.shape)).astype(np.float32), y)
    scores, labels = np.load(score_path), np.load(label_path)
    baseline = _rss_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    fit(scores, labels)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"extra": max(peak - baseline, 0), "masked": peak <= before}))


def peak_memory(method: str, scores, labels, params: Mapping[str, Any] | None = None,
                timeout: float = 900) -> dict | None:
    """Peak extra memory of one fit in a fresh process (see :func:`child_main`).

    The child is started through ``sh -c "...; exit $?"``: Linux carries the
    peak RSS of a process that forks and execs a child into the child's
    ``ru_maxrss``, so a child started directly from a benchmark that holds
    gigabytes would report the parent's peak. ``tracemalloc`` would miss
    torch's allocations.

    Returns
    -------
    dict or None
        ``{"extra": bytes, "masked": bool}``, None if the child failed or timed out.
    """
    import numpy as np

    with tempfile.TemporaryDirectory() as tmp:
        sp, lp = Path(tmp) / "scores.npy", Path(tmp) / "labels.npy"
        np.save(sp, scores)
        np.save(lp, labels)
        argv = [sys.executable, "-m", "benchmarks", "_child", method, str(sp), str(lp),
                json.dumps(dict(params or {}))]
        cmd = " ".join(shlex.quote(a) for a in argv) + "; exit $?"
        proc = subprocess.Popen(["/bin/sh", "-c", cmd], cwd=REPO, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the shell and the fit: their own group
            proc.communicate()
            return None
    lines = [line for line in stdout.splitlines() if line.startswith("{")]
    if proc.returncode or not lines:
        print(f"  memory of {method} failed: {stderr[-500:]}", file=sys.stderr)
        return None
    return json.loads(lines[-1])


def fmt_memory(mem: dict | None, score_bytes: int) -> str:
    """``70 MiB (2.29x)``: extra bytes and their multiple of the score matrix; ``-`` if None."""
    if mem is None:
        return "-"
    text = f"{mem['extra'] / 2**20:.0f} MiB ({mem['extra'] / score_bytes:.2f}x)"
    return text + (" (masked)" if mem["masked"] else "")
