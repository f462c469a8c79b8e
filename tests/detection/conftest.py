"""Detection is pure Python; its tests run without Django (``pytest -p no:django``).

The project's autouse fixtures configure Django; here they are replaced by no-ops.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing():
    yield


@pytest.fixture(autouse=True)
def fresh_cache():
    yield
