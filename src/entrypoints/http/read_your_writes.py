"""Read your writes with read replicas: a person whose request may have written (any
method but GET, HEAD, OPTIONS) reads from the primary for `PSI_DATABASE_REPLICA_STICKY_S`
seconds after it was answered (`adapters.sql.replicas`).

The mark is set as the response starts, before the client can send its next request, so
that request finds it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from uuid import UUID

from litestar.types import Message, Scope

from adapters.sql.recent_writers import RecentWriters
from domain.errors import DependencyUnavailable

WRITER = "psi_writer"  # scope state: the user id of a request that may write
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})

log = logging.getLogger(__name__)


def note_writer(scope: Scope, method: str, user_id: UUID) -> None:
    if method not in _SAFE:
        scope["state"][WRITER] = user_id


@dataclass(slots=True)
class WriterMarks:
    """The app's `before_send` hook; `writers` is given once the container has started."""

    writers: RecentWriters | None = None

    async def before_send(self, message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start" or self.writers is None:
            return
        user_id = scope.get("state", {}).get(WRITER)
        if user_id is None:
            return
        try:
            await self.writers.mark(user_id)
        except DependencyUnavailable:  # the answer stands; only its stickiness is lost
            log.warning("could not mark a writer for read-your-writes")
