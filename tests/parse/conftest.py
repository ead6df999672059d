"""The seed pages, parsed once per test module."""

from __future__ import annotations

import pytest

from importers.parse import read_page
from tests.parse.pages import SEED_000, SEED_002


@pytest.fixture(scope="module")
def seed_000():
    return read_page(SEED_000.read_bytes(), "seeds/000_08ceee72487f69f5.txt")


@pytest.fixture(scope="module")
def seed_002():
    return read_page(SEED_002.read_bytes(), "seeds/002_758893745608affc.txt")


@pytest.fixture(scope="module", params=["000", "002"])
def seed_page(request, seed_000, seed_002):
    return {"000": seed_000, "002": seed_002}[request.param]
