"""Data export, account deletion and the admin audit log."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from dishka.integrations.litestar import DishkaRouter, FromDishka
from litestar import delete, get
from litestar.params import Body, Parameter
from litestar.response import Stream

from application.accounts.subscriptions import EndSubscriptionOnDeletion
from application.ports.privacy import AuditReader
from application.ports.ratelimit import RateLimiter
from application.privacy.deletion import DeleteAccount
from application.privacy.export import ExportUserData
from domain.audit import AuditKind
from domain.errors import RateLimited, ValidationFailed
from domain.identity.tokens import Principal
from domain.ratelimit import Quota
from entrypoints.http.auth import AUTH_DEPENDENCIES, BEARER
from entrypoints.http.envelopes import Envelope, ListEnvelope, iso, ok, page_of
from entrypoints.http.openapi_docs import errors
from entrypoints.http.pagination import PageParam, PerPageParam
from entrypoints.http.schemas.base import Input, Output

EXPORTS_PER_HOUR = 3
EXPORT_QUOTA = Quota(EXPORTS_PER_HOUR, 3600)


class DeleteAccountIn(Input):
    password: Annotated[
        str, msgspec.Meta(max_length=1024, description="Current password (re-authentication)")
    ]


class DeletionOut(Output):
    status: str
    purge_after: datetime


class AuditEventOut(Output):
    id: int
    kind: str
    at: datetime
    actor_id: UUID | None
    subject_id: UUID | None
    request_id: str | None
    details: dict[str, Any]


def _encode(value: Any) -> bytes:
    return msgspec.json.encode(value, enc_hook=_enc_hook)


def _enc_hook(obj: Any) -> Any:
    if isinstance(obj, datetime):
        return iso(obj).isoformat().replace("+00:00", "Z")
    if isinstance(obj, bytes):
        return None  # binary ids and blobs are not part of the export
    return str(obj)


@get(
    "/users/me/data-export",
    summary="Everything Psi holds about you, as a JSON attachment",
    security=BEARER,
    responses=errors(401, 429),
    media_type="application/json",
    description=(
        "Streamed. Sections: user, subscriptions, food_history (with image "
        "references), wellness_scores, emotion_samples, mood_check_ins, preferences, "
        f"recipe_ratings, consents, exported_at. At most {EXPORTS_PER_HOUR} per hour."
    ),
)
async def data_export(
    principal: Principal, export: FromDishka[ExportUserData], limiter: FromDishka[RateLimiter]
) -> Stream:
    # Spent atomically before any work: concurrent exports cannot all see "2 so far".
    decision = await limiter.hit(f"export:{principal.user_id}", EXPORT_QUOTA)
    if not decision.allowed:
        raise RateLimited(
            max(1, math.ceil(decision.retry_after_s)),
            message=f"Data export limit reached ({EXPORTS_PER_HOUR} per hour)",
        )
    chunks = await export(principal.user_id, _encode)
    return Stream(
        chunks,
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="psi_data_{principal.user_id}.json"'
        },
    )


@delete(
    "/users/me",
    status_code=202,
    summary="Delete your account (password required)",
    security=BEARER,
    responses=errors(401, 404),
    description=(
        "Effective at once: every token is revoked, login is refused and personal "
        "fields are anonymised. Every trace is purged from every store after "
        "`purge_after` (30 days). A wrong password answers 401 PSI-AUTH-1002."
    ),
)
async def delete_me(
    principal: Principal,
    data: Annotated[DeleteAccountIn, Body(title="Password confirmation")],
    use: FromDishka[DeleteAccount],
    billing: FromDishka[EndSubscriptionOnDeletion],
) -> Envelope[DeletionOut]:
    when = await use(principal, data.password)
    await billing(principal.user_id)  # no further charge for a deleted account
    return ok(DeletionOut(status="deletion_scheduled", purge_after=iso(when)))


@get(
    "/admin/audit-events",
    summary="Security and privacy events (admin only, read-only)",
    security=BEARER,
    responses=errors(401, 403),
)
async def audit_events(
    admin: Principal,
    reader: FromDishka[AuditReader],
    page: PageParam = 1,
    per_page: PerPageParam = 20,
    kind: Annotated[
        str | None, Parameter(query="kind", description="Filter by event kind", max_length=64)
    ] = None,
) -> ListEnvelope[AuditEventOut]:
    if kind is not None and kind not in {k.value for k in AuditKind}:
        raise ValidationFailed.single("kind", "unknown event kind")
    events, total = await reader.page((page - 1) * per_page, per_page, kind)
    items = [
        AuditEventOut(
            id=e.id or 0,
            kind=e.kind.value,
            at=iso(e.at),
            actor_id=e.actor_id,
            subject_id=e.subject_id,
            request_id=e.request_id,
            details=e.details,
        )
        for e in events
    ]
    return page_of(
        items,
        total=total,
        page=page,
        per_page=per_page,
        path="/api/v1/admin/audit-events",
        filters={"kind": kind},
    )


ROUTERS = [
    DishkaRouter(
        path="/",
        dependencies=AUTH_DEPENDENCIES,
        tags=["privacy"],
        route_handlers=[data_export, delete_me, audit_events],
    )
]
