"""The contract's response envelopes, and the translation helpers controllers share."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Generic, TypeVar
from urllib.parse import urlencode

import msgspec

from application.context import request_id_var

T = TypeVar("T")


class Meta(msgspec.Struct, frozen=True):
    timestamp: datetime
    request_id: str


class Envelope(msgspec.Struct, Generic[T], frozen=True):
    data: T
    meta: Meta


class ListMeta(msgspec.Struct, frozen=True):
    page: int
    per_page: int
    total: int
    total_pages: int
    timestamp: datetime
    request_id: str


class Links(msgspec.Struct, frozen=True):
    first: str
    prev: str | None
    next: str | None
    last: str


class ListEnvelope(msgspec.Struct, Generic[T], frozen=True):
    data: list[T]
    meta: ListMeta
    links: Links


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso(dt: datetime | None) -> datetime | None:
    """Timestamps leave the API in UTC, to the second: `2026-11-10T14:30:00Z`."""
    if dt is None or (dt.tzinfo is UTC and not dt.microsecond):
        return dt  # already so (stored timestamps, hour and day buckets): no new object
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).replace(microsecond=0)


def meta() -> Meta:
    return Meta(timestamp=utc_now(), request_id=request_id_var.get() or "")


def ok(data: T) -> Envelope[T]:
    return Envelope(data=data, meta=meta())


def page_of(
    items: list[T], *, total: int, page: int, per_page: int, path: str, filters: dict[str, object]
) -> ListEnvelope[T]:
    """A list page whose links keep every filter the client sent."""
    total_pages = max(1, math.ceil(total / per_page)) if total else 1

    # The filters (never the paging itself) are the same in every link: encoded once.
    query = {k: v for k, v in filters.items() if v is not None}
    head = f"{path}?{urlencode(query, doseq=True)}&" if query else f"{path}?"

    def link(p: int) -> str:
        return f"{head}page={p}&per_page={per_page}"

    return ListEnvelope(
        data=items,
        meta=ListMeta(
            page=page,
            per_page=per_page,
            total=total,
            total_pages=total_pages,
            timestamp=utc_now(),
            request_id=request_id_var.get() or "",
        ),
        links=Links(
            first=link(1),
            prev=link(page - 1) if page > 1 else None,
            next=link(page + 1) if page < total_pages else None,
            last=link(total_pages),
        ),
    )
