"""The one progress reporter of skthresh.

One convention, scikit-learn's: with ``verbose > 0`` an estimator prints its
progress to standard output, and ``verbose=0`` prints nothing. Every message
also goes to the ``logging.getLogger("skthresh")`` logger, whatever
``verbose`` says (summaries at INFO, periodic lines at DEBUG), so that a
library user can route them. Periodic lines (chunks read, batches embedded,
SGL epochs) are rate-limited here, in one place: the first is printed, then
at most one per :data:`MIN_INTERVAL` seconds, and the last one always.

A program whose standard output is its result (the ``skthresh`` command line)
sends every reporter's lines to another stream with :func:`printing_to`; the
logger receives the same messages.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TextIO

logger = logging.getLogger("skthresh")

MIN_INTERVAL = 1.0
"""Seconds between two printed periodic lines of one reporter (the last is always printed)."""

_STREAM: ContextVar[TextIO | None] = ContextVar("skthresh_progress_stream", default=None)


@contextmanager
def printing_to(stream: TextIO) -> Iterator[None]:
    """Print every reporter's lines to ``stream`` inside the ``with`` block.

    For a program whose standard output is its result: the command line
    prints progress to standard error this way. Per thread and per task
    (a context variable), so concurrent callers do not see each other's.

    Parameters
    ----------
    stream : file-like
        Where printed progress goes.
    """
    token = _STREAM.set(stream)
    try:
        yield
    finally:
        _STREAM.reset(token)


class Progress:
    """Progress messages of one task: printed when verbose, always logged.

    Parameters
    ----------
    verbose : int, default=0
        The estimator's ``verbose``: a message of ``level`` is printed when
        ``verbose >= level``.
    stream : file-like or None, default=None
        Where printed messages go; None is the stream of :func:`printing_to`
        when one is in force, else the current ``sys.stdout`` (looked up at
        each message, so redirections apply).
    min_interval : float or None, default=None
        Seconds between two printed periodic lines; None is :data:`MIN_INTERVAL`.
    """

    def __init__(self, verbose: int = 0, *, stream: TextIO | None = None,
                 min_interval: float | None = None):
        self.verbose = int(verbose)
        self.stream = stream
        self.min_interval = MIN_INTERVAL if min_interval is None else min_interval
        self.start = time.perf_counter()
        self._last = -float("inf")
        self._pending: str | None = None

    def elapsed(self) -> float:
        """Seconds since the reporter was made."""
        return time.perf_counter() - self.start

    def active(self, level: int = 1) -> bool:
        """Whether a periodic line of ``level`` is printed or logged (worth computing)."""
        return self.verbose >= level or logger.isEnabledFor(logging.DEBUG)

    def _print(self, text: str) -> None:
        stream = self.stream or _STREAM.get() or sys.stdout
        print(text, file=stream, flush=True)

    def message(self, text: str, *, level: int | None = 1, log_level: int = logging.INFO,
                log_text: str | None = None) -> None:
        """Print ``text`` when ``verbose >= level``; log it at ``log_level`` in any case.

        Parameters
        ----------
        text : str
            The message.
        level : int or None, default=1
            The smallest ``verbose`` that prints it; None: logged only.
        log_level : int, default=logging.INFO
            Its level on the ``skthresh`` logger.
        log_text : str or None, default=None
            The logged wording, when it differs from the printed one (a
            terser record of the same event); None logs ``text``.
        """
        logger.log(log_level, text if log_text is None else log_text)
        if level is not None and self.verbose >= level:
            self._print(text)

    def tick(self, text: str, *, level: int = 1, last: bool = False) -> None:
        """A periodic line: logged at DEBUG every time, printed rate-limited.

        Parameters
        ----------
        text : str
            The line (chunk ``i`` of ``n``, epoch ``k``, ...).
        level : int, default=1
            The smallest ``verbose`` that prints it.
        last : bool, default=False
            The task's last line: printed whatever the interval.
        """
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(text)
        if self.verbose < level:
            return
        now = time.perf_counter()
        if last or now - self._last >= self.min_interval:
            self._last, self._pending = now, None
            self._print(text)
        else:
            self._pending = text

    def close(self) -> None:
        """Print the last periodic line if the rate limit held it back."""
        if self._pending is not None:
            text, self._pending = self._pending, None
            self._print(text)


def bar(what: str, done: int, total: int, seconds: float, width: int = 30) -> str:
    """A progress line: ``TorchEmbedder: [#####.....] 5/10 batches, 1.2s``.

    Parameters
    ----------
    what : str
        Who reports (the estimator's name).
    done, total : int
        Batches done, and in all.
    seconds : float
        Time spent so far.
    width : int, default=30
        Characters of the bar.

    Returns
    -------
    str
    """
    filled = int(width * done / total)
    return (f"{what}: [{'#' * filled}{'.' * (width - filled)}] {done}/{total} batches, "
            f"{seconds:.1f}s")
