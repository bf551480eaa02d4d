from __future__ import annotations

from datetime import timedelta

from dishka import Has, Provider, Scope, collect, provide
from pymongo.asynchronous.database import AsyncDatabase
from redis.asyncio import Redis

from adapters.images.personal_data import ImagePersonalData
from adapters.mongo.personal_data import MongoPersonalData
from adapters.redis.personal_data import RedisPersonalData
from adapters.sql.audit import SqlAuditReader
from adapters.sql.database import Database
from adapters.sql.personal_data import SqlPersonalData
from application.accounts.subscriptions import PaymentCustomerErasure
from application.ports.clock import Clock
from application.ports.identity import AuditLog, UserRepository
from application.ports.privacy import AuditReader, PersonalDataStore
from application.ports.ratelimit import RateLimiter
from application.ports.vision import ImageStore
from application.privacy.deletion import (
    DeleteAccount,
    ExpireAuditEvents,
    PurgeDeletedAccounts,
)
from application.privacy.export import ExportUserData
from entrypoints.settings import Settings


class PersonalDataStores(tuple):
    """Every store that can hold a person's data, in purge order (files and caches first,
    SQL last so the account row outlives everything that points at it)."""


class PrivacyProvider(Provider):
    scope = Scope.APP

    # Collected in the order of these factories, which is the purge order. The payment
    # provider first: its customer ids are read from SQL rows purged last.
    @provide
    def payments_personal_data(self, payments: PaymentCustomerErasure) -> PersonalDataStore:
        return payments

    @provide
    def image_personal_data(self, images: ImageStore) -> PersonalDataStore:
        return ImagePersonalData(images)

    @provide(when=Has(Redis))
    def redis_personal_data(self, s: Settings, redis: Redis) -> PersonalDataStore:
        return RedisPersonalData(redis, s.redis_prefix)

    @provide(when=Has(AsyncDatabase))
    def mongo_personal_data(self, mongo: AsyncDatabase) -> PersonalDataStore:
        return MongoPersonalData(mongo)

    @provide
    def sql_personal_data(self, db: Database) -> PersonalDataStore:
        return SqlPersonalData(db)

    every_personal_data = collect(PersonalDataStore)

    @provide
    def personal_data(self, found: list[PersonalDataStore]) -> PersonalDataStores:
        return PersonalDataStores(found)

    @provide
    def audit_reader(self, db: Database) -> AuditReader:
        return SqlAuditReader(db)

    @provide
    def export(self, stores: PersonalDataStores, clock: Clock, audit: AuditLog) -> ExportUserData:
        return ExportUserData(tuple(stores), clock, audit)

    @provide(scope=Scope.REQUEST)  # jobs open one: it reads accounts (providers/request.py)
    def purge(
        self,
        users: UserRepository,
        stores: PersonalDataStores,
        reader: AuditReader,
        audit: AuditLog,
        clock: Clock,
        limiter: RateLimiter,
    ) -> PurgeDeletedAccounts:
        return PurgeDeletedAccounts(users, tuple(stores), reader, audit, clock, limiter)

    @provide
    def expire_audit(self, reader: AuditReader, clock: Clock, s: Settings) -> ExpireAuditEvents:
        return ExpireAuditEvents(reader, clock, timedelta(days=s.audit_retention_days))

    delete_account = provide(DeleteAccount, scope=Scope.REQUEST)
