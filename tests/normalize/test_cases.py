"""Every ``written => spoken`` line of tests/normalize/cases/*.txt is one test."""

from __future__ import annotations

from pathlib import Path

import pytest

from audiopaper.normalize import normalize

CASES = Path(__file__).parent / "cases"


def _load() -> list[pytest.ParameterSet]:
    params = []
    for path in sorted(CASES.glob("*.txt")):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            if not line.strip() or line.startswith("#"):
                continue
            written, _, spoken = line.partition(" => ")
            params.append(pytest.param(written, spoken, id=f"{path.stem}:{number}"))
    return params


@pytest.mark.parametrize(("written", "spoken"), _load())
def test_case(written: str, spoken: str) -> None:
    assert normalize(written) == spoken


def test_enough_cases() -> None:
    assert len(_load()) >= 300
