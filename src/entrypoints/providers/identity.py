from __future__ import annotations

from dishka import Has, Provider, Scope, provide
from redis.asyncio import Redis

from adapters.redis.admission import RedisAdmission
from adapters.redis.lane import Lane
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
from entrypoints.settings import Settings


class IdentityProvider(Provider):
    scope = Scope.APP

    @provide
    def users(self, db: Database) -> UserRepository:
        return SqlUserRepository(db)

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
    def sessions(self, db: Database) -> SessionStore:
        return SqlSessionStore(db)

    @provide(when=Has(Redis))
    def redis_sessions(self, s: Settings, redis: Redis) -> SessionStore:
        return RedisSessionStore(redis, s.redis_prefix, s.refresh_token_ttl_s, s.access_token_ttl_s)

    @provide
    def rate_limiter(self, db: Database) -> RateLimiter:
        return SqlRateLimiter(db)

    @provide(when=Has(Redis))
    def redis_rate_limiter(self, s: Settings, redis: Redis) -> RateLimiter:
        return RedisRateLimiter(redis, s.redis_prefix)

    @provide
    def admission(self, limiter: RateLimiter, sessions: SessionStore) -> RequestAdmission:
        return SequentialAdmission(limiter, sessions)

    @provide(when=Has(Redis))
    def redis_admission(self, s: Settings, redis: Redis, lane: Lane | None) -> RequestAdmission:
        # With read replicas, the caller's read-your-writes mark in the same round trip.
        return RedisAdmission(
            redis, s.redis_prefix, lane, writer_marks=bool(s.database_replica_urls)
        )

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


class CachedUsersProvider(Provider):
    """With Redis, the account repository behind the Redis cache. A provider of its own,
    installed after `IdentityProvider` where Redis is (`store_providers`), rather than a
    `when=Has(Redis)` factory: the HTTP request scope decorates `UserRepository`, and
    dishka validates a decorator against every factory of the type, active or not."""

    scope = Scope.APP

    @provide
    def cached_users(self, s: Settings, db: Database, redis: Redis) -> UserRepository:
        return RedisCachedUserRepository(SqlUserRepository(db), redis, s.redis_prefix)
