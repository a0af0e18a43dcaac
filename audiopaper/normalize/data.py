"""Package data tables (TSV / one-per-line lists), read once with importlib.resources."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources


def _lines(name: str) -> list[str]:
    text = resources.files("audiopaper.normalize").joinpath("data", name).read_text("utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def words(name: str) -> tuple[str, ...]:
    """A one-column TSV (one entry a line), longest entries first for alternations."""
    return tuple(sorted({line.strip() for line in _lines(name)}, key=_longest_first))


@cache
def table(name: str) -> dict[str, tuple[str, ...]]:
    """A TSV keyed by its first column; the value holds the other columns."""
    rows = (line.split("\t") for line in _lines(name))
    return {row[0]: tuple(row[1:]) for row in rows}


def alternation(items: tuple[str, ...] | list[str]) -> str:
    """A regex alternation of literal items, longest first."""
    return "|".join(re.escape(item) for item in sorted(items, key=_longest_first))


def _longest_first(item: str) -> tuple[int, str]:
    # Ties in a fixed order: the same pattern in every run (its compiled program is kept
    # by its text), not the order a set happened to hash its strings in.
    return -len(item), item
