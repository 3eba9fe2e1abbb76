"""The package namespace (skthresh/__init__.py): lazy public names."""

from __future__ import annotations

import pytest


@pytest.mark.slow
def test_public_names_are_lazy_and_listed():
    """Check that every name of __all__ resolves, and importing skthresh stays light."""
    import subprocess
    import sys

    import skthresh

    assert set(skthresh.__all__) - {"__version__"} == set(skthresh._LAZY)
    for name in skthresh.__all__:
        assert getattr(skthresh, name) is not None
    assert set(skthresh.__all__) <= set(dir(skthresh))
    code = "import sys, skthresh; print(sorted(m for m in ('sklearn', 'torch', 'scipy') " \
           "if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
