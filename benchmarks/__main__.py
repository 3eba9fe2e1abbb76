"""The runner: ``python -m benchmarks NAME [options]``; ``python -m benchmarks`` lists them."""

from __future__ import annotations

import ast
import importlib
import sys
from pathlib import Path

from benchmarks import BENCHMARKS


def _summary(name: str) -> str:
    """First line of a benchmark module's docstring, read without importing it."""
    source = (Path(__file__).parent / f"{name}.py").read_text()
    doc = (ast.get_docstring(ast.parse(source)) or "").strip()
    return doc.splitlines()[0] if doc else ""


def main(argv: list[str]) -> int:
    """Run the benchmark named by ``argv[0]`` with the rest of ``argv``, or list them.

    Parameters
    ----------
    argv : list of str
        The command line after ``python -m benchmarks``.

    Returns
    -------
    int
        Exit status.
    """
    if argv and argv[0] == "_child":  # one fit in a fresh process (_common.peak_memory)
        from benchmarks._common import child_main

        child_main(argv[1:])
        return 0
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python -m benchmarks NAME [options]   (NAME --help for its options)\n")
        for name in BENCHMARKS:
            print(f"  {name:12s} {_summary(name)}")
        print("\nResults: benchmarks/results/NAME.md (and NAME.rst for the docs).")
        return 0
    if argv[0] not in BENCHMARKS:
        print(f"unknown benchmark {argv[0]!r}; one of: {', '.join(BENCHMARKS)}",
              file=sys.stderr)
        return 2
    importlib.import_module(f"benchmarks.{argv[0]}").main(argv[1:])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
