"""Request admission: the one step at the edge that makes a request's `RequestContext`.

`AdmitRequest` spends one unit of the caller's quota and, for a caller with a valid
bearer token, learns in the same store step whether its session is revoked (and, where
the store can, its cached account). The token is decoded here, once per request;
authentication reuses what admission found (`Authenticate`).

`SequentialAdmission` composes the two separate ports for stores that cannot do it in
one step."""

from __future__ import annotations

from dataclasses import dataclass

from application.context import RequestContext
from application.ports.clock import Clock
from application.ports.identity import SessionStore, TokenCodec
from application.ports.ratelimit import Admission, RateLimiter, RequestAdmission
from domain.errors import PsiError
from domain.identity.tokens import Principal
from domain.ratelimit import Quota


@dataclass(slots=True)
class SequentialAdmission:
    limiter: RateLimiter
    sessions: SessionStore

    async def admit(self, key: str, quota: Quota, principal: Principal | None) -> Admission:
        decision = await self.limiter.hit(key, quota)
        if principal is None or not decision.allowed:
            return Admission(decision, None)
        return Admission(decision, await self.sessions.is_revoked(principal))


@dataclass(frozen=True, slots=True)
class RequestQuotas:
    per_user: Quota  # an authenticated caller, by account
    per_address: Quota  # everyone else, by client address


def bearer_token(authorization: str | None) -> str | None:
    """The token of a `Bearer` Authorization header (None: none, or another scheme)."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


@dataclass(slots=True)
class AdmitRequest:
    admission: RequestAdmission
    tokens: TokenCodec
    clock: Clock
    quotas: RequestQuotas

    async def __call__(
        self, request_id: str, client: str, authorization: str | None
    ) -> RequestContext:
        """Raises what the admission store raises (the edge answers 503: no limiter, no
        service). A refused request comes back with its refusing `decision`."""
        key, quota, principal = f"ip:{client}", self.quotas.per_address, None
        token = bearer_token(authorization)
        if token:
            try:
                principal = self.tokens.decode_access(token, self.clock.now())
                key, quota = f"user:{principal.user_id}", self.quotas.per_user
            except PsiError:
                pass  # a bad token is limited as anonymous, then refused by authentication
        admitted = await self.admission.admit(key, quota, principal)
        return RequestContext(
            request_id,
            client,
            authorization,
            principal if admitted.revoked is not None else None,
            admitted.revoked,
            admitted.decision,
            admitted.account,
            admitted.wrote_lately,
        )
