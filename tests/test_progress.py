"""Tests of the one progress reporter (:mod:`skthresh._progress`) and its users."""

import io
import logging

import numpy as np
import pytest

from skthresh import CoordinateThresholdOptimizer, SGLThresholdOptimizer, _progress
from skthresh._progress import Progress


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    y = (rng.random((300, 4)) < 0.3).astype(int)
    return 0.4 * y + 0.6 * rng.random(y.shape), y


def test_verbose_zero_prints_nothing(data, capsys):
    """Check that verbose=0 prints nothing, to stdout or stderr, in the reporter and in fits."""
    progress = Progress(0)
    progress.message("hello")
    progress.tick("tick", last=True)
    progress.close()
    SGLThresholdOptimizer(max_iter=5).fit(*data)
    CoordinateThresholdOptimizer().fit(*data)
    assert capsys.readouterr() == ("", "")


def test_verbose_prints_to_stdout(data, capsys):
    """Check that verbose > 0 prints to stdout, as scikit-learn estimators do, and that
    a message of a higher level waits for that verbose."""
    progress = Progress(1)
    progress.message("shown")
    progress.message("hidden", level=2)
    progress.message("logged only", level=None)
    assert capsys.readouterr() == ("shown\n", "")
    SGLThresholdOptimizer(max_iter=5, verbose=1).fit(*data)
    CoordinateThresholdOptimizer(verbose=1).fit(*data)
    out, err = capsys.readouterr()
    assert "SGL: 5 epochs, best f1_micro = " in out and "coordinate pass 1: " in out
    assert "SGL epoch" not in out and err == ""


def test_the_caller_chooses_the_stream(capsys):
    """Check that a reporter writes to the stream its caller gives."""
    stream = io.StringIO()
    Progress(1, stream=stream).message("to the stream")
    assert stream.getvalue() == "to the stream\n"
    assert capsys.readouterr() == ("", "")


def test_the_logger_receives_every_message(data, caplog, capsys):
    """Check that the "skthresh" logger receives the messages whatever verbose says:
    summaries at INFO, periodic lines at DEBUG (every one, rate limit or not)."""
    with caplog.at_level(logging.DEBUG, logger="skthresh"):
        SGLThresholdOptimizer(max_iter=5, n_iter_no_change=100).fit(*data)
        Progress(0).message("shown", log_text="recorded")
    records = [(r.levelno, r.getMessage()) for r in caplog.records if r.name == "skthresh"]
    epochs = [m for level, m in records if level == logging.DEBUG and "SGL epoch" in m]
    assert len(epochs) == 5
    assert any(level == logging.INFO and m.startswith("SGL: 5 epochs") for level, m in records)
    assert (logging.INFO, "recorded") in records
    assert capsys.readouterr() == ("", "")


def test_periodic_lines_are_rate_limited(caplog, capsys, monkeypatch):
    """Check the rate limit: the first line, then at most one per interval; the last line
    is printed whatever the interval (at once with last=True, else by close)."""
    clock = [0.0]
    monkeypatch.setattr(_progress.time, "perf_counter", lambda: clock[0])
    progress = Progress(1, min_interval=1.0)
    with caplog.at_level(logging.DEBUG, logger="skthresh"):
        for i in range(1, 11):
            clock[0] = 0.3 * i
            progress.tick(f"line {i}")
    assert capsys.readouterr().out.splitlines() == ["line 1", "line 5", "line 9"]
    assert len([r for r in caplog.records if r.getMessage().startswith("line")]) == 10
    progress.close()
    assert capsys.readouterr().out == "line 10\n"
    progress.close()  # nothing held back any more
    progress.tick("last one", last=True)
    assert capsys.readouterr().out == "last one\n"


def test_periodic_lines_wait_for_their_level(capsys):
    """Check that a periodic line of level 2 is not printed at verbose=1."""
    progress = Progress(1)
    progress.tick("epoch", level=2, last=True)
    progress.close()
    assert capsys.readouterr().out == ""


def test_printing_to_sends_every_reporter_to_the_stream(capsys):
    """Check that printing_to redirects printed progress (the command line's stderr)."""
    import io

    from skthresh._progress import Progress, printing_to

    sink = io.StringIO()
    with printing_to(sink):
        Progress(verbose=1).message("inside")
    Progress(verbose=1).message("outside")
    assert sink.getvalue() == "inside\n"
    assert capsys.readouterr().out == "outside\n"
