"""What every operation takes: `progress(done, total)` and `is_cancelled()`, and how it stops."""

from __future__ import annotations

from collections.abc import Callable

from app.domain.errors import CancelledError

Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]


def no_progress(_done: int, _total: int) -> None:
    """A `progress` for callers that show none (scripts, tests)."""


def never_cancelled() -> bool:
    return False


def check_cancelled(is_cancelled: IsCancelled, what: str) -> None:
    """Stop the operation (CancelledError, not a failure) when the clerk or the desk asked to."""
    if is_cancelled():
        raise CancelledError(f"{what} cancelled")
