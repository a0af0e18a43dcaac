from __future__ import annotations

import pytest
from parse_helpers import SAMPLE, parse_file

from audiopaper.models import Edition


@pytest.fixture(scope="session")
def sample() -> Edition:
    return parse_file(SAMPLE)
