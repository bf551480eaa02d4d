from __future__ import annotations

from datetime import timedelta

from dishka import Provider, Scope, provide

from adapters.images.personal_data import ImagePersonalData
from adapters.mongo.personal_data import MongoPersonalData
from adapters.redis.personal_data import RedisPersonalData
from adapters.sql.audit import SqlAuditReader
from adapters.sql.database import Database
from adapters.sql.personal_data import SqlPersonalData
from application.accounts.subscriptions import PaymentCustomerErasure
from application.ports.clock import Clock
from application.ports.identity import AuditLog, UserRepository
from application.ports.privacy import AuditReader
from application.ports.ratelimit import RateLimiter
from application.ports.vision import ImageStore
from application.privacy.deletion import (
    DeleteAccount,
    ExpireAuditEvents,
    PurgeDeletedAccounts,
)
from application.privacy.export import ExportUserData
from entrypoints.providers.infrastructure import Stores
from entrypoints.settings import Settings


class PersonalDataStores(tuple):
    """Every store that can hold a person's data, in purge order (files and caches first,
    SQL last so the account row outlives everything that points at it)."""


class PrivacyProvider(Provider):
    scope = Scope.APP

    @provide
    def personal_data(
        self,
        db: Database,
        stores: Stores,
        images: ImageStore,
        s: Settings,
        payments: PaymentCustomerErasure,
    ) -> PersonalDataStores:
        # The payment provider first: its customer ids are read from SQL rows purged last.
        found: list = [payments, ImagePersonalData(images)]
        if stores.redis is not None:
            found.append(RedisPersonalData(stores.redis, s.redis_prefix))
        if stores.mongo is not None:
            found.append(MongoPersonalData(stores.mongo))
        found.append(SqlPersonalData(db))
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
