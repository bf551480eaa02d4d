"""Hash tags: the part of a key in braces is all a Redis Cluster hashes, so keys with the
same tag live in one slot and one script may touch them together. Harmless on one server.

Tags: `{u:<user id>}` for everything of one account (cached record, revocation cutoff,
session list, preferences, quotas), `{s:<session id>}` for one refresh family (its hash and
its revocation marker, which the rotation script reads and writes together)."""

from __future__ import annotations

from uuid import UUID


def user_tag(user_id: UUID | str) -> str:
    return f"{{u:{user_id}}}"


def writer_key(prefix: str, user_id: UUID | str) -> str:
    """The read-your-writes mark of a user who just wrote (`adapters.sql.recent_writers`);
    the user's tag, so the admission script reads it with their other keys and the
    account purge's scan finds it."""
    return f"{prefix}wrote:{user_tag(user_id)}"


def session_tag(session_id: UUID | str) -> str:
    return f"{{s:{session_id}}}"
