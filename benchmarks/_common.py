"""Helpers shared by the benchmark scripts: paths, machine description, timing, tables."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "results"
DEFAULT_DATA = (REPO / ".." / "shared" / "data" / "sgl-thresh").resolve()


def machine_description() -> str:
    """``lscpu | head`` and the versions that matter, as a markdown block."""
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        lscpu = "\n".join(lscpu.splitlines()[:10])
    except OSError:
        lscpu = platform.processor() or "unknown CPU"
    versions = [f"python {platform.python_version()}"]
    for mod in ("numpy", "torch", "sklearn", "scipy"):
        try:
            versions.append(f"{mod} {__import__(mod).__version__}")
        except ImportError:
            pass
    try:
        import torch

        versions.append(f"torch threads {torch.get_num_threads()}")
    except ImportError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as fh:
            mem = fh.readline().split(":")[1].strip()
    except OSError:
        pass
    return "```\n" + lscpu + f"\nMemTotal: {mem}\n" + ", ".join(versions) + "\n```"


def command_line() -> str:
    """The command that produced a result file, relative to the repository root."""
    script = Path(sys.argv[0]).resolve()
    try:
        script = script.relative_to(REPO)
    except ValueError:
        pass
    return " ".join(["python", str(script), *sys.argv[1:]])


def timed(fn, *, repeats=3, warmup=False, max_total=None):
    """Run ``fn``; return (result of the last run, median seconds, all timings).

    A first run that takes longer than ``max_total`` seconds is not repeated.
    """
    if warmup:
        fn()
    times, result = [], None
    for i in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
        if i == 0 and max_total is not None and times[0] > max_total:
            break
    return result, statistics.median(times), times


def md_table(header, rows) -> str:
    """A markdown table."""
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(str(x) for x in row) + " |" for row in rows]
    return "\n".join(lines)


def write_result(name: str, text: str) -> Path:
    """Write ``benchmarks/results/<name>`` and return its path."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / name
    path.write_text(text)
    return path


def peak_rss_bytes() -> int:
    """Peak resident set size of this process (Linux ru_maxrss is in KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def current_rss_bytes() -> int:
    """Current resident set size of this process."""
    with open(f"/proc/{os.getpid()}/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def run_isolated(argv, timeout):
    """Run ``argv`` in a fresh process; return (returncode or None on timeout, stdout, stderr).

    The process is started through ``sh -c "...; exit $?"`` so that it is forked
    from a small shell rather than from this (possibly large) interpreter:
    Linux carries a parent's peak RSS into the ``ru_maxrss`` of a child it
    forks and execs directly, which would hide the child's own peak. It runs
    in its own process group, killed as a whole on timeout.
    """
    import shlex
    import signal

    cmd = " ".join(shlex.quote(str(a)) for a in argv) + "; exit $?"
    proc = subprocess.Popen(["/bin/sh", "-c", cmd], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
        return proc.returncode, out, err
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return None, out, err


def child_result(out: str):
    """The last JSON line a child printed, or None."""
    import json

    for line in reversed(out.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return None


def library_state() -> str:
    """Commit of the library and whether skthresh/ has uncommitted changes (read-only git)."""
    repo = REPO
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=repo,
                              capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "skthresh"], cwd=repo,
                               capture_output=True, text=True).stdout.split("\n")
        dirty = [line[3:] for line in dirty if line.strip()]
    except OSError:
        return "unknown"
    return f"commit {head}" + (f", uncommitted changes in {', '.join(dirty)}" if dirty else "")


def provenance(machine_heading: str = "Machine (shared, 2 cores, noisy):") -> str:
    """The closing block of a result file: library state, command and machine."""
    return f"""Library state: {library_state()}

Command: `{command_line()}`

{machine_heading}

{machine_description()}
"""


def interleaved_medians(fits: dict, repeats: int) -> dict:
    """Median seconds of each callable in ``fits``, timed in turn after one warm-up each.

    Interleaving gives every callable the same share of the machine's load.
    """
    for fit in fits.values():
        fit()
    times = {key: [] for key in fits}
    for _ in range(repeats):
        for key, fit in fits.items():
            start = time.perf_counter()
            fit()
            times[key].append(time.perf_counter() - start)
    return {key: statistics.median(v) for key, v in times.items()}
