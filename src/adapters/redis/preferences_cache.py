"""Cache-aside copy of preferences documents in Redis (production profile).

Key `<prefix>prefs:{u:<user_id>}`, JSON, TTL 5 minutes; every write deletes the key
so all API processes read the new document on their next request. Reads (one per
fridge match or recommendation) go by the process's `RedisLane` when it has one.
"""

from __future__ import annotations

import json
from datetime import datetime
from uuid import UUID

from redis.asyncio import Redis

from adapters.failures import translates_failures
from adapters.redis.failures import REDIS
from adapters.redis.keys import user_tag
from adapters.redis.lane import Lane
from domain.preferences.preferences import Preferences, preferences_from_document

TTL_S = 300
# Documents already parsed in this process, by user and exact stored bytes: a hit is the
# same document, so it can never be stale; bounded, emptied when full.
PARSED_MAX = 1024


@translates_failures(REDIS)
class RedisPreferencesCache:
    def __init__(
        self, redis: Redis, prefix: str, ttl_s: int = TTL_S, lane: Lane | None = None
    ) -> None:
        self._redis = redis
        self._lane = lane
        self._parsed: dict[tuple[UUID, bytes], Preferences] = {}
        self._prefix = prefix
        self._ttl_s = ttl_s

    def _key(self, user_id: UUID) -> str:
        return f"{self._prefix}prefs:{user_tag(user_id)}"

    async def get(self, user_id: UUID) -> Preferences | None:
        key = self._key(user_id)
        raw = await (
            self._lane.execute("GET", key) if self._lane is not None else self._redis.get(key)
        )
        if raw is None:
            return None
        found = self._parsed.get((user_id, raw))
        if found is not None:
            return found
        data = json.loads(raw)
        updated = data.pop("updated_at", None)
        parsed = preferences_from_document(
            user_id, data, datetime.fromisoformat(updated) if updated else None
        )
        if len(self._parsed) >= PARSED_MAX:
            self._parsed.clear()
        self._parsed[(user_id, raw)] = parsed
        return parsed

    async def put(self, preferences: Preferences) -> None:
        data = preferences.to_document()
        data["updated_at"] = preferences.updated_at.isoformat() if preferences.updated_at else None
        await self._redis.set(self._key(preferences.user_id), json.dumps(data), ex=self._ttl_s)

    async def invalidate(self, user_id: UUID) -> None:
        await self._redis.delete(self._key(user_id))
