from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    """Where use cases get the time; tests advance it by hand."""

    def now(self) -> datetime:
        """An aware UTC datetime."""
        ...
