"""How skthresh warns: at the caller's line, with lists of labels kept short.

Every warning of the library goes through :func:`warn`, which points the
warning at the first frame outside the ``skthresh`` package (the user's line,
or the scikit-learn tool that called us), whatever the depth of the call that
raised it. No module counts frames by hand.
"""

from __future__ import annotations

import os
import sys
import warnings

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep

# scikit-learn's decorators that wrap our public methods and functions (fit's
# context, parameter validation, set_output): their frames sit between a
# user's line and ours, so they are skipped too.
_SKLEARN_WRAPPERS = (
    os.path.join("sklearn", "base.py"),
    os.path.join("sklearn", "utils", "_param_validation.py"),
    os.path.join("sklearn", "utils", "_set_output.py"),
)


def _inside(code) -> bool:
    """Whether a frame's code is skthresh's own, or a scikit-learn decorator around it."""
    filename = code.co_filename
    if filename.startswith(_PACKAGE_DIR):
        return True
    return code.co_name in ("wrapper", "wrapped") and filename.endswith(_SKLEARN_WRAPPERS)

# Lists of labels longer than this are shown as a count and their first entries.
MAX_LISTED = 10


def warn(message, category: type[Warning] | None = None) -> None:
    """``warnings.warn`` pointed at the first frame outside the skthresh package.

    Frames of scikit-learn's decorators around skthresh's methods (``fit``'s
    context, parameter validation) are skipped as well, so the warning points
    at the line that called skthresh: the user's, or a scikit-learn tool's.

    Parameters
    ----------
    message : str or Warning
        The warning, or its text.
    category : Warning subclass, default=None
        Its class when ``message`` is a string (``UserWarning`` when None).
    """
    frame = sys._getframe(1)
    level = 2  # 1 is this function's own warnings.warn line
    while frame is not None and _inside(frame.f_code):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)


def plain(value):
    """A NumPy scalar as the Python value it holds (label names in messages, keys, files).

    Examples
    --------
    >>> import numpy as np
    >>> plain(np.int64(3)), plain("dog")
    (3, 'dog')
    """
    return value.item() if hasattr(value, "item") else value


def format_labels(labels, limit: int = MAX_LISTED) -> str:
    """Labels as a message lists them: all of them when few, else a count and the first.

    Parameters
    ----------
    labels : sequence
        Label indices or names.
    limit : int, default=MAX_LISTED
        The most labels listed in full.

    Returns
    -------
    text : str
        ``"[0, 3, 7]"``, or ``"[0, 1, 2, ...] (100000 in all)"`` past
        ``limit``: it reads in a sentence where the full list would
        ("Label(s) [0, 1, 2, ...] (100000 in all) have no positive").

    Examples
    --------
    >>> format_labels([0, 3, 7])
    '[0, 3, 7]'
    >>> format_labels(list(range(12)), limit=3)
    '[0, 1, 2, ...] (12 in all)'
    """
    labels = [plain(label) for label in labels]
    if len(labels) <= limit:
        return str(labels)
    return f"{str(labels[:limit])[:-1]}, ...] ({len(labels)} in all)"
