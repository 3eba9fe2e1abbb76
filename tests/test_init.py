"""The package namespace (skthresh/__init__.py): lazy public names."""

from __future__ import annotations

import pytest


@pytest.mark.slow
def test_public_names_are_lazy_and_listed(fresh_imports):
    """Check that every name of __all__ resolves, and importing skthresh stays light.

    The import is checked in a fresh interpreter (conftest.py's subprocess,
    shared with the other lazy-import tests).
    """
    import skthresh

    assert set(skthresh.__all__) - {"__version__"} == set(skthresh._LAZY)
    for name in skthresh.__all__:
        assert getattr(skthresh, name) is not None
    assert set(skthresh.__all__) <= set(dir(skthresh))
    assert fresh_imports["heavy_after_skthresh"] == []
