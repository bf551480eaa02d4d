"""EmailSender for the embedded profile: each message becomes an `.eml` file in a folder
(`var/outbox/`), where a developer or a test can open it."""

from __future__ import annotations

import asyncio
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

from adapters.email.compose import compose
from domain.accounts.email import OutgoingEmail


class OutboxEmailSender:
    def __init__(self, folder: Path, from_address: str, link_base: str) -> None:
        self._folder = folder
        self._from = from_address
        self._link_base = link_base

    async def send(self, message: OutgoingEmail) -> None:
        data = compose(message, self._from, self._link_base).as_bytes()
        await asyncio.to_thread(self._write, data)

    def _write(self, data: bytes) -> None:
        self._folder.mkdir(parents=True, exist_ok=True)
        # Sortable by time; written aside and renamed so a reader never sees half a file.
        name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:12]}.eml"
        tmp = self._folder / f".{name}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, self._folder / name)
