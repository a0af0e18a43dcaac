"""One exception tree. Only the CLI turns these into a message and an exit code."""

from __future__ import annotations


class AudiopaperError(Exception):
    """Base of every error audiopaper reports to its user.

    ``message`` names the problem in one line; ``hint`` says how to fix it.
    """

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[type[AudiopaperError], tuple[str, str | None]]:
        # Pickled across processes (a cluster worker's error), the hint comes along.
        return (type(self), (self.message, self.hint))


class InputError(AudiopaperError):
    """The page (or an option) cannot be read or makes no sense."""


class ParseError(InputError):
    """The page was read but no edition could be found in it."""


class NormalizationError(InputError):
    """Text could not be turned into speakable Chinese."""


class ConfigError(InputError):
    """A voice profile, lexicon or other setting is wrong."""


class EngineError(AudiopaperError):
    """A speech engine failed."""

    exit_code = 2


class EngineUnavailable(EngineError):
    """The chosen engine cannot work here (missing network, missing package)."""


class OutputError(AudiopaperError):
    """An output file could not be written (read-only folder, disk full, lock held)."""

    exit_code = 3


class PublishError(OutputError):
    """The feed, chapters or web page could not be produced."""
