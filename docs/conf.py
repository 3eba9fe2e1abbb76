"""Sphinx configuration of the skthresh documentation.

Build (from the repository root; examples are executed, warnings are errors)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

Needs the ``docs`` extra (sphinx, numpydoc, sphinx-gallery,
pydata-sphinx-theme, matplotlib). Cross-links to Python, NumPy and
scikit-learn (intersphinx) need network access and are off unless
``SKTHRESH_DOCS_INTERSPHINX=1`` is set.
"""

from __future__ import annotations

import importlib
import os
import re
import warnings
from pathlib import Path

import skthresh

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent

# -- Project -----------------------------------------------------------------
project = "skthresh"
author = "skthresh developers"
copyright = "2026, skthresh developers"
release = skthresh.__version__
version = release

# -- General -----------------------------------------------------------------
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]
if os.environ.get("SKTHRESH_DOCS_INTERSPHINX") == "1":
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
        "torch": ("https://pytorch.org/docs/stable", None),
    }

templates_path = ["_templates"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
default_role = "literal"
pygments_style = "sphinx"

# autodoc / autosummary / numpydoc
autosummary_generate = True
autodoc_typehints = "none"
autodoc_member_order = "groupwise"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_validation_checks: set[str] = set()

# -- Example gallery -----------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    "within_subsection_order": "FileNameSortKey",
    "image_scrapers": ("matplotlib",),
    "abort_on_example_error": True,
    "remove_config_comments": True,
    "download_all_examples": False,
    "show_memory": False,
    "matplotlib_animations": False,
}
warnings.filterwarnings(
    "ignore", category=UserWarning,
    message="Matplotlib is currently using agg, which is a non-GUI backend",
)

# -- HTML ----------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skthresh {release}"
html_theme_options = {
    "show_prev_next": False,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
}
html_sidebars = {"changelog": [], "benchmarks": [], "getting_started": []}
html_show_sourcelink = False


# -- Benchmark results -----------------------------------------------------------
def _write_benchmark_include(app) -> None:
    """Write ``generated/benchmark_results.inc``: one literal include per results file.

    ``benchmarks.rst`` includes it, so every markdown file in
    ``benchmarks/results/`` is shown, whatever the benchmarks produced.
    """
    results = sorted((ROOT / "benchmarks" / "results").glob("*.md"))
    out = DOCS / "generated" / "benchmark_results.inc"
    out.parent.mkdir(exist_ok=True)
    if not results:
        text = ("No results yet: run the benchmarks as ``benchmarks/README.md`` says; they "
                "write their tables to ``benchmarks/results/``.\n")
    else:
        parts = []
        for path in results:
            title = f"``benchmarks/results/{path.name}``"
            parts.append(f"{title}\n{'-' * len(title)}\n\n"
                         f".. literalinclude:: /../benchmarks/results/{path.name}\n"
                         f"   :language: markdown\n")
        text = "\n".join(parts)
    if not out.exists() or out.read_text() != text:
        out.write_text(text)


# -- Every public name is in the API reference ---------------------------------
PUBLIC_MODULES = ["skthresh", "skthresh.metrics", "skthresh.losses", "skthresh.skorch",
                  "skthresh.datasets", "skthresh.audio", "skthresh.exceptions"]
_IGNORED = {"__version__"}


def _check_api_reference(app) -> None:
    """Warn (an error under ``-W``) for public names missing from ``api.rst``."""
    from sphinx.util import logging

    logger = logging.getLogger("skthresh.docs")
    documented: set[str] = set()
    module = None
    for line in (DOCS / "api.rst").read_text().splitlines():
        match = re.match(r"\.\. currentmodule:: (\S+)", line)
        if match:
            module = match.group(1)
            continue
        match = re.match(r"^ {3}(~?[\w.]+)\s*$", line)
        if match and module is not None:
            documented.add(f"{module}.{match.group(1).lstrip('~')}")
    for name in PUBLIC_MODULES:
        try:
            mod = importlib.import_module(name)
        except ImportError as exc:
            logger.warning(f"API reference: cannot import public module {name}: {exc}")
            continue
        for public in sorted(set(getattr(mod, "__all__", [])) - _IGNORED):
            if f"{name}.{public}" not in documented:
                logger.warning(f"API reference: {name}.{public} is public (in __all__) but "
                               "not listed in docs/api.rst.")


def _skip_member(app, what, name, obj, skip, options):
    """Leave out scikit-learn's generated ``set_<method>_request`` methods.

    They are documented in scikit-learn's metadata-routing guide, and their
    docstrings point at labels of scikit-learn's documentation.
    """
    if re.fullmatch(r"set_\w+_request", name):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_member)
    app.connect("builder-inited", _write_benchmark_include)
    app.connect("builder-inited", _check_api_reference)
