"""Library exceptions. The CLI turns each into a one-line message and a non-zero exit."""

from __future__ import annotations


class FilrougeError(Exception):
    """Base class of every error filrouge raises on purpose."""


class SettingsError(FilrougeError):
    """A setting has a bad value; the message says which and what to change."""


class StoreError(FilrougeError):
    """The database cannot be opened or is of an unknown schema version."""


class NotFound(FilrougeError):
    """An id names nothing in the store."""


class InputRejected(FilrougeError):
    """One input (a file, or one line or entry of it) cannot be read as an article.

    Raised inside readers and caught by the ingest loop, which records it as a
    :class:`~filrouge.article.Rejection` and goes on with the batch.
    """

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


class MissingExtra(FilrougeError):
    """An optional capability is not installed; the message gives the pip line."""

    def __init__(self, extra: str, module: str) -> None:
        super().__init__(
            f"this needs the optional dependency '{module}': run  pip install 'filrouge[{extra}]'"
        )
