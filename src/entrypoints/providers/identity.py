from __future__ import annotations

from dishka import Provider, Scope, provide

from adapters.redis.admission import RedisAdmission
from adapters.redis.ratelimit import RedisRateLimiter
from adapters.redis.sessions import RedisSessionStore
from adapters.redis.user_cache import RedisCachedUserRepository
from adapters.security.jwt_tokens import JwtTokenCodec
from adapters.security.passwords import Argon2Params, Argon2PasswordHasher
from adapters.sql.audit import SqlAuditLog
from adapters.sql.consents import SqlConsentRepository
from adapters.sql.database import Database
from adapters.sql.ratelimit import SqlRateLimiter
from adapters.sql.sessions import SqlSessionStore
from adapters.sql.users import SqlUserRepository
from application.identity.accounts import ChangeTier, GetUser, Register, UpdateProfile
from application.identity.admission import SequentialAdmission
from application.identity.sessions import Authenticate, Login, Logout, Refresh
from application.ports.identity import (
    AuditLog,
    PasswordHasher,
    SessionStore,
    TokenCodec,
    UserRepository,
)
from application.ports.privacy import ConsentRepository
from application.ports.ratelimit import RateLimiter, RequestAdmission
from application.privacy.consents import GetConsents, RequireConsent, UpdateConsents
from domain.ratelimit import LoginThrottlePolicy, Quota
from entrypoints.providers.infrastructure import Stores
from entrypoints.settings import Settings


class IdentityProvider(Provider):
    scope = Scope.APP

    @provide
    def users(self, s: Settings, db: Database, stores: Stores) -> UserRepository:
        sql = SqlUserRepository(db)
        if stores.redis is not None:
            return RedisCachedUserRepository(sql, stores.redis, s.redis_prefix)
        return sql

    @provide
    def consents(self, db: Database) -> ConsentRepository:
        return SqlConsentRepository(db)

    @provide
    def audit(self, db: Database) -> AuditLog:
        return SqlAuditLog(db)

    @provide
    def hasher(self, s: Settings) -> PasswordHasher:
        return Argon2PasswordHasher(
            Argon2Params(
                memory_kib=s.argon2_memory_kib,
                time_cost=s.argon2_time_cost,
                parallelism=s.argon2_parallelism,
            )
        )

    @provide
    def tokens(self, s: Settings) -> TokenCodec:
        assert s.jwt_secret, "settings resolve the secret before the container is built"
        return JwtTokenCodec(
            s.jwt_secret, s.jwt_issuer, s.jwt_audience, s.access_token_ttl_s, s.refresh_token_ttl_s
        )

    @provide
    def sessions(self, s: Settings, db: Database, stores: Stores) -> SessionStore:
        if stores.redis is not None:
            return RedisSessionStore(
                stores.redis, s.redis_prefix, s.refresh_token_ttl_s, s.access_token_ttl_s
            )
        return SqlSessionStore(db)

    @provide
    def rate_limiter(self, db: Database, stores: Stores, s: Settings) -> RateLimiter:
        if stores.redis is not None:
            return RedisRateLimiter(stores.redis, s.redis_prefix)
        return SqlRateLimiter(db)

    @provide
    def admission(
        self, s: Settings, stores: Stores, limiter: RateLimiter, sessions: SessionStore
    ) -> RequestAdmission:
        if stores.redis is not None:
            return RedisAdmission(stores.redis, s.redis_prefix, stores.lane)
        return SequentialAdmission(limiter, sessions)

    @provide
    def login_throttle(self, s: Settings) -> LoginThrottlePolicy:
        window = s.login_failure_window_s
        return LoginThrottlePolicy(
            per_account_address=Quota(s.login_failures_per_account_ip, window),
            per_address=Quota(s.login_attempts_per_ip, window),
            account_free_failures=s.login_failures_per_account,
            window_s=window,
            max_delay_s=s.login_max_delay_s,
        )

    # In a request's scope: they read accounts through the request's view of the
    # account repository (entrypoints/providers/request.py).
    account_use_cases = (
        provide(Register, scope=Scope.REQUEST)
        + provide(GetUser, scope=Scope.REQUEST)
        + provide(UpdateProfile, scope=Scope.REQUEST)
        + provide(ChangeTier, scope=Scope.REQUEST)
        + provide(Login, scope=Scope.REQUEST)
        + provide(Refresh, scope=Scope.REQUEST)
        + provide(Authenticate, scope=Scope.REQUEST)
    )
    use_cases = (
        provide(Logout) + provide(GetConsents) + provide(UpdateConsents) + provide(RequireConsent)
    )
