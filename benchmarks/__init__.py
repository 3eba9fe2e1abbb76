"""skthresh's benchmarks: ``python -m benchmarks NAME [options]`` from the repository root.

Each benchmark is one module with a ``main(argv)``; ``BENCHMARKS`` lists them
in the order ``python -m benchmarks`` shows them. Results go to
``benchmarks/results/NAME.md`` (and ``NAME.rst``, included by the docs).
"""

BENCHMARKS = ("table2", "speed", "scaling", "end_to_end", "devsuite", "streaming", "priors",
              "report")
