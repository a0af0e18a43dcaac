"""Checks on the show settings a directory would reject: Apple's category list, an
owner e-mail, a language tag, a website address and the publish hour."""

from __future__ import annotations

import functools
import importlib.resources
from typing import Protocol
from urllib.parse import urlsplit

from audiopaper.errors import ConfigError
from audiopaper.kept_regex import compile_kept

_EMAIL = compile_kept(r"[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+")
_LANGUAGE = compile_kept(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


class ShowFields(Protocol):
    @property
    def owner_email(self) -> str | None: ...
    @property
    def language(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def subcategory(self) -> str | None: ...
    @property
    def link(self) -> str | None: ...
    @property
    def publish_hour(self) -> int: ...


@functools.cache
def apple_categories() -> dict[str, tuple[str, ...]]:
    """Apple Podcasts' categories, each with its subcategories."""
    text = importlib.resources.files("audiopaper.publish") / "data" / "apple_categories.tsv"
    categories: dict[str, tuple[str, ...]] = {}
    for line in text.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _, subs = line.partition("\t")
        categories[name] = tuple(s for s in subs.split("|") if s)
    return categories


def check_show_fields(show: ShowFields) -> None:
    """Raise :class:`ConfigError` naming the first setting a directory would reject."""
    _check_category(show.category, show.subcategory)
    if show.owner_email is not None and not _EMAIL.fullmatch(show.owner_email):
        raise ConfigError(
            f"the owner e-mail {show.owner_email!r} is not an e-mail address",
            hint="give the address directories send ownership checks to, e.g. editor@example.com",
        )
    if not _LANGUAGE.fullmatch(show.language):
        raise ConfigError(
            f"the language {show.language!r} is not a language tag",
            hint="use an RFC 5646 tag such as zh-cn or zh-tw",
        )
    if show.link is not None:
        parts = urlsplit(show.link)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in show.link:
            raise ConfigError(
                f"the website {show.link!r} is not an absolute http(s) URL",
                hint="give the show's home page, e.g. https://paper.example.com/",
            )
    hour = show.publish_hour
    if isinstance(hour, bool) or not isinstance(hour, int) or not 0 <= hour <= 23:
        raise ConfigError(
            f"the publish hour {show.publish_hour!r} is not an hour of the day",
            hint="give 0 to 23 (Beijing time)",
        )


def _check_category(category: str, subcategory: str | None) -> None:
    known = apple_categories()
    if category not in known:
        raise ConfigError(
            f"{category!r} is not an Apple Podcasts category",
            hint=f"categories: {', '.join(known)}",
        )
    if subcategory is not None and subcategory not in known[category]:
        allowed = ", ".join(known[category]) or "none"
        raise ConfigError(
            f"{subcategory!r} is not a subcategory of {category!r}",
            hint=f"subcategories of {category}: {allowed}",
        )
