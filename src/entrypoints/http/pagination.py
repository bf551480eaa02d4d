"""Query parameters shared by list endpoints: page, per_page and a whitelisted sort."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from litestar.params import Parameter

from domain.errors import ValidationFailed

PageParam = Annotated[int, Parameter(ge=1, le=1_000_000, description="Page number, from 1")]
PerPageParam = Annotated[int, Parameter(ge=1, le=100, description="Items per page (max 100)")]


@dataclass(frozen=True, slots=True)
class SortSpec:
    field: str
    descending: bool

    @property
    def raw(self) -> str:
        return f"-{self.field}" if self.descending else self.field


def parse_sort(raw: str | None, allowed: tuple[str, ...], default: str) -> SortSpec:
    """`created_at` or `-created_at`; anything not whitelisted is a 400, never a 500."""
    value = raw or default
    descending = value.startswith("-")
    name = value[1:] if descending else value
    if name not in allowed:
        raise ValidationFailed.single(
            "sort", f"must be one of {', '.join(allowed)}, optionally prefixed with '-'"
        )
    return SortSpec(name, descending)
