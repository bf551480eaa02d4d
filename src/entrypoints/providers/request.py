"""What the container knows of one HTTP request (dishka REQUEST scope), and the
edge's admission step that makes it.

The edge (`entrypoints/http/admission.py`) opens each request's scope with the
`RequestContext` it made; from there:
- handlers take `FromDishka[RequestContext]` (the client address, the request id);
- the caller's `Principal` is authenticated once per request, from what admission found
  (`Authenticate`), and cached in the request's scope;
- the account repository is the request's own view where admission prefetched the
  caller's cached account, so the first reads of it cost no store round trip;
- with read replicas, `ReadRouting` is the request's own view where admission read the
  caller's read-your-writes mark, so a routed read of their data asks nothing more. The
  read-only use cases that take it are REQUEST scope for that reason.

Installed only in the HTTP app's container (`build_container(http=True)`): jobs and the
worker have no request."""

from __future__ import annotations

from dishka import Provider, Scope, decorate, from_context, provide

from adapters.redis.user_cache import RedisCachedUserRepository
from application.context import RequestContext
from application.identity.admission import AdmitRequest, RequestQuotas
from application.identity.sessions import Authenticate
from application.ports.identity import UserRepository
from application.ports.reads import ReadRouting
from domain.identity.tokens import Principal
from domain.ratelimit import Quota
from entrypoints.settings import Settings


class RequestProvider(Provider):
    context = from_context(RequestContext, scope=Scope.REQUEST)

    @provide(scope=Scope.APP)
    def quotas(self, s: Settings) -> RequestQuotas:
        return RequestQuotas(
            per_user=Quota(s.rate_limit_user_per_min, 60),
            per_address=Quota(s.rate_limit_ip_per_min, 60),
        )

    admit = provide(AdmitRequest, scope=Scope.APP)

    @decorate(scope=Scope.REQUEST)
    def users(self, users: UserRepository, request: RequestContext) -> UserRepository:
        if request.account is not None and isinstance(users, RedisCachedUserRepository):
            return users.for_request(request.account)
        return users

    @decorate(scope=Scope.REQUEST)
    def reads(self, reads: ReadRouting, request: RequestContext) -> ReadRouting:
        if request.principal is not None and request.wrote_lately is not None:
            return reads.for_request(request.principal.user_id, request.wrote_lately)
        return reads

    @provide(scope=Scope.REQUEST)
    async def caller(self, authenticate: Authenticate, request: RequestContext) -> Principal:
        return await authenticate(request)
