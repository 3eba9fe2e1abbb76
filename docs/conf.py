"""Sphinx configuration of the skthresh documentation.

Build (from the repository root; examples are executed, warnings are errors)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

Needs the ``docs`` extra (sphinx, numpydoc, sphinx-gallery,
pydata-sphinx-theme, sphinx-mathjax-offline, matplotlib). Cross-links to
Python, NumPy and scikit-learn (intersphinx) need network access and are off
unless ``SKTHRESH_DOCS_INTERSPHINX=1`` is set.

The built pages load nothing from the network: MathJax is served from
``_static/mathjax`` (copied there by ``sphinx-mathjax-offline``), and a
``build-finished`` check (``_check_offline`` below) warns, an error under
``-W``, for any page or stylesheet that loads a script, stylesheet, font or
image from an ``http(s)://`` address, and for any local one that is missing.
"""

from __future__ import annotations

import importlib
import os
import re
import warnings
from pathlib import Path

import skthresh

DOCS = Path(__file__).resolve().parent

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
    "sphinx-mathjax-offline",  # MathJax 3 files in _static/mathjax, no CDN
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
# sg_execution_times: sphinx-gallery's timing pages load jQuery and DataTables
# from CDNs; they are not written (see sphinx_gallery_conf), and stale copies
# from older builds are not read.
exclude_patterns = ["_build", "**.ipynb_checkpoints", "sg_execution_times.rst",
                    "auto_examples/sg_execution_times.rst"]
default_role = "literal"
pygments_style = "sphinx"

# Maths: MathJax 3 from the local copy that sphinx-mathjax-offline puts in
# _static/mathjax, with SVG output (no web fonts to fetch, so it also renders
# from file:// in every browser). Set in setup(): the extension sets its own
# path (tex-chtml.js) when it loads.
MATHJAX_PATH = "mathjax/tex-svg.js"

# "On this page" of an API page lists ``fit``, ``predict``..., not
# ``ThresholdOptimizedClassifier.fit``.
toc_object_entries_show_parents = "hide"

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
    # The timing pages (sg_execution_times) load scripts from CDNs; each
    # example's page still ends with its own running time.
    "write_computation_times": False,
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
    # a search icon instead of the search field: at 1280 px the field pushed the
    # header onto two rows
    "navbar_persistent": [],
    "navbar_end": ["search-button", "theme-switcher"],
}
html_sidebars = {"changelog": [], "benchmarks": [], "getting_started": []}
html_show_sourcelink = False
html_static_path = ["_static"]
html_css_files = ["skthresh.css"]


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


# -- The built pages load nothing from the network ----------------------------
# Tags that make a browser fetch something as the page loads: scripts,
# stylesheets, preloaded fonts, icons, images, frames, media. A plain
# <a href="https://..."> link in the text is fine.
_LOADING_TAG = re.compile(r"<(script|link|img|iframe|source|video|audio|embed)\b[^>]*>",
                          re.IGNORECASE)
_URL_ATTR = re.compile(r"""(?<![\w-])(src|href|data)\s*=\s*["']([^"']*)["']""",
                       re.IGNORECASE)
_REL_ATTR = re.compile(r"""(?<![\w-])rel\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_FETCHING_RELS = {"stylesheet", "preload", "modulepreload", "prefetch", "preconnect",
                  "dns-prefetch", "icon", "apple-touch-icon", "manifest"}
_CSS_URL = re.compile(r"""(?:url\(\s*["']?|@import\s+["'])([^"')\s]+)""", re.IGNORECASE)
_REMOTE = re.compile(r"^(https?:)?//", re.IGNORECASE)


def _check_offline(app, exc) -> None:
    """Warn (an error under ``-W``) for anything a built page loads from the network.

    Scans every ``.html`` file of the output for ``<script src>``, ``<link
    href>`` (stylesheets, fonts, icons), ``<img src>``... that point to an
    ``http(s)://`` or ``//`` address, and every ``.css`` file for remote
    ``url(...)`` and ``@import``; also warns when a local script or
    stylesheet that a page loads is missing from the output.
    """
    from sphinx.util import logging

    if exc is not None or app.builder.format != "html":
        return
    logger = logging.getLogger("skthresh.docs")
    out = Path(app.outdir)
    problems: list[str] = []
    for page in sorted(out.rglob("*.html")):
        rel = page.relative_to(out).as_posix()
        if rel.startswith("_static/"):
            continue  # the theme's template fragments, not pages
        text = page.read_text(encoding="utf-8", errors="replace")
        for tag in _LOADING_TAG.finditer(text):
            name = tag.group(1).lower()
            if name == "link":
                rels = _REL_ATTR.search(tag.group(0))
                if rels is None or not _FETCHING_RELS & set(rels.group(1).lower().split()):
                    continue  # <link rel="index" / "search" / "next">: navigation only
            for attr, url in _URL_ATTR.findall(tag.group(0)):
                if name == "link" and attr.lower() != "href":
                    continue
                if _REMOTE.match(url):
                    problems.append(f"{rel}: <{name}> loads {url}")
                elif (name in ("script", "link") and url
                      and not url.startswith(("#", "data:"))):
                    target = page.parent / url.split("?")[0].split("#")[0]
                    if not target.exists():
                        problems.append(f"{rel}: <{name}> loads {url}, missing from the output")
    for sheet in sorted(out.rglob("*.css")):
        text = sheet.read_text(encoding="utf-8", errors="replace")
        for url in _CSS_URL.findall(text):
            if _REMOTE.match(url):
                problems.append(f"{sheet.relative_to(out).as_posix()}: loads {url}")
    for problem in problems[:50]:
        logger.warning(f"offline docs: {problem}")
    if len(problems) > 50:
        logger.warning(f"offline docs: ... and {len(problems) - 50} more")


def setup(app):
    app.config.mathjax_path = MATHJAX_PATH
    app.connect("autodoc-skip-member", _skip_member)
    # after sphinx-mathjax-offline has copied MathJax into the output
    app.connect("build-finished", _check_offline, priority=900)
    app.connect("builder-inited", _check_api_reference)
