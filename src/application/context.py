"""What a unit of work (an HTTP request or a job) knows about itself.

`RequestContext` is made once per request by the HTTP edge's admission step
(`entrypoints/http/admission.py`) and handed to handlers and use cases by the container
(`entrypoints/providers/request.py`): an explicit value, never a global.

`request_id_var` is the ambient correlation id, set by the entrypoint and read by use
cases that record audit events and by the envelopes. Never holds personal data.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from application.ports.identity import PrefetchedAccount
from domain.identity.tokens import Principal
from domain.ratelimit import Decision

request_id_var: ContextVar[str | None] = ContextVar("psi_request_id", default=None)


@dataclass(frozen=True, slots=True)
class RequestContext:
    """One request as admission left it.

    `principal` is the bearer token of `authorization`, decoded and verified at admission
    (None: no token, an invalid one, or not admitted); `revoked` is its session's
    revocation as the admission store answered it (None: not asked); `decision` is the
    rate limit's answer (None: not limited); `account` is the caller's account as the
    account cache held it at admission, where the admission store reads it in the same
    round trip (None: not read); `wrote_lately` is whether the caller wrote within the
    read-your-writes window of read replicas, where the admission store reads the writer
    mark in the same round trip (None: not read: ask `ReadRouting`)."""

    request_id: str
    client: str
    authorization: str | None = None
    principal: Principal | None = None
    revoked: bool | None = None
    decision: Decision | None = None
    account: PrefetchedAccount | None = None
    wrote_lately: bool | None = None
