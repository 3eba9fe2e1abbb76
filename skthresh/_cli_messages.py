"""The command line's words: its one-line errors and the library's messages reworded.

The library names its Python parameters (``device='cpu'``, ``y_score``);
on the command line the same message speaks of the options (``--device
cpu``, ``--scores``), on one line, with long lists of labels shortened.

Standard library only: the parser's module imports this one lazily, and
``skthresh --help`` must stay as light as ``import skthresh``.
"""

from __future__ import annotations

import re
import sys

__all__ = ["CLIError", "cli_words", "one_line", "show_warning", "shown"]

PROG = "skthresh"

# The library's parameter names and the options that set them.
_OPTIONS = {"device": "--device", "scoring": "--scoring", "threshold": "--threshold",
            "at_least_one": "--at-least-one", "max_labels": "--max-labels",
            "y_score": "--scores", "y_true": "--labels"}
_ASSIGNMENT = re.compile(
    r"\b(" + "|".join(_OPTIONS) + r")=('[^']*'|\"[^\"]*\"|[^\s,;)]*[^\s,;).])")
_BARE_NAME = re.compile(r"(?<![\w-])(at_least_one|max_labels|y_score|y_true)\b")
# a list of 9 items or more, unless already shortened ("[0, 1, ..., 9, ...] (12 in all)",
# the library's skthresh._warnings.format_labels): shortening it again would miscount
_LONG_LIST = re.compile(r"\[((?:[^\[\],]+, ){8,}(?!\.\.\.\])[^\[\],]+)\]")


class CLIError(Exception):
    """An input problem reported to the user in one line."""


def cli_words(message: str) -> str:
    """A library message in the command line's words: ``device='cpu'`` -> ``--device cpu``.

    Applied to the messages of the library calls that get the options'
    values (errors and warnings), not to the command line's own messages.

    Parameters
    ----------
    message : str
        A message of the library.

    Returns
    -------
    message : str
        The message with parameter names replaced by option names.
    """
    def option(match: re.Match) -> str:
        value = match.group(2)
        if value[:1] in "'\"":
            value = value[1:-1]
        return f"{_OPTIONS[match.group(1)]} {value}"

    message = _ASSIGNMENT.sub(option, message)
    return _BARE_NAME.sub(lambda match: _OPTIONS[match.group(1)], message)


def one_line(message: str) -> str:
    """The message on one line, and long lists (of labels) shortened.

    Parameters
    ----------
    message : str
        Any message.

    Returns
    -------
    message : str
        Its words joined by single spaces; a list of 9 items or more is
        shown as its first 5 items, the last one and the count.
    """
    def shorten(match: re.Match) -> str:
        items = match.group(1).split(", ")
        return f"[{', '.join(items[:5])}, ..., {items[-1]}] ({len(items)} in all)"

    return _LONG_LIST.sub(shorten, " ".join(str(message).split()))


def shown(cell: str, limit: int = 40) -> str:
    """``repr`` of a CSV cell, cut when long (an unbalanced quote can swallow the file).

    Parameters
    ----------
    cell : str
        The cell's text.
    limit : int, default=40
        The most characters shown.

    Returns
    -------
    text : str
    """
    return repr(cell if len(cell) <= limit else cell[:limit] + "...")


def show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Print a warning as one ``skthresh: warning: ...`` line (a ``warnings.showwarning``).

    Parameters
    ----------
    message : Warning or str
        The warning.
    category, filename, lineno, file, line
        As :func:`warnings.showwarning` takes them; not shown.
    """
    print(f"{PROG}: warning: {one_line(cli_words(str(message)))}", file=sys.stderr)
