from __future__ import annotations

import pytest
from parse_helpers import SAMPLE, need_shared, parse_file

from audiopaper.models import Edition


@pytest.fixture(scope="session")
def sample() -> Edition:
    return parse_file(need_shared(SAMPLE))
