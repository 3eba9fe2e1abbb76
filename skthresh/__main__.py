"""``python -m skthresh``: the same as the ``skthresh`` command."""

from ._cli import main

if __name__ == "__main__":
    raise SystemExit(main())
