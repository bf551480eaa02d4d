"""MongoDB, in the production profile: the database and its readiness probe. The
document stores built on it are chosen in each area's provider
(`@provide(when=Has(AsyncDatabase))`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from dishka import Provider, Scope, provide
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from entrypoints.providers.infrastructure import ReadinessProbe
from entrypoints.settings import Settings


class MongoStoresProvider(Provider):
    scope = Scope.APP

    def __init__(self, mongodb_uri: str) -> None:
        super().__init__()
        self._uri = mongodb_uri

    @provide
    async def mongo(self, s: Settings) -> AsyncIterator[AsyncDatabase]:
        timeout = s.dependency_timeout_s
        # timeoutMS bounds each operation end to end, like a SQL statement: server
        # selection (it replaces serverSelectionTimeoutMS then), connecting, the round
        # trip and pymongo's one retry. Without it a hung server held a request for two
        # socket timeouts and more.
        client: AsyncMongoClient = AsyncMongoClient(
            self._uri,
            serverSelectionTimeoutMS=int(timeout * 1000),
            connectTimeoutMS=int(timeout * 1000),
            socketTimeoutMS=int(timeout * 5000),
            timeoutMS=s.db_statement_timeout_ms,
            tz_aware=True,
        )
        yield client[s.mongodb_database]
        await client.close()

    @provide
    def probe(self, mongo: AsyncDatabase) -> ReadinessProbe:
        return ReadinessProbe("mongodb", lambda: mongo.command("ping"))
