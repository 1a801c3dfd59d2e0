"""Shared fixtures: the model is loaded once per session."""
from __future__ import annotations

import os

import pytest

import hipviz


@pytest.fixture(scope="session")
def model():
    """The default model (or landmark-only bones from $HIPVIZ_TEST_BONES while developing)."""
    return hipviz.load_model(os.environ.get("HIPVIZ_TEST_BONES"))
