"""Driver failures become the domain's `DependencyUnavailable` at the adapter boundary.

Each adapter class that talks to a store is decorated with the store's name and the
store's own test for "the store is unavailable" (connection refused or lost, timed out,
shutting down, refusing connections, overloaded):

    @translates_failures(DATABASE)
    class SqlUserRepository: ...

Every public coroutine method (and async generator) of the class then raises
`DependencyUnavailable("database")` from the driver's exception instead of the driver's
own class, so no layer above an adapter knows a driver's exceptions. Anything else (a
constraint the adapter did not expect, a bug) passes unchanged. Nested adapters (a Redis
cache around the SQL repository) keep the inner translation: a domain error is never
re-classified.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from domain.errors import DependencyUnavailable

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Dependency:
    """A store as the contract names it (`details.dependency`) and how its client says
    that it cannot be reached or cannot serve now."""

    name: str
    is_unavailable: Callable[[BaseException], bool]

    def translate(self, exc: BaseException) -> DependencyUnavailable | None:
        if isinstance(exc, BaseExceptionGroup):
            parts = exc.exceptions
            if parts and all(self.translate(part) is not None for part in parts):
                return DependencyUnavailable(self.name)
            return None
        if isinstance(exc, Exception) and self.is_unavailable(exc):
            return DependencyUnavailable(self.name)
        return None


def socket_failure(exc: BaseException) -> bool:
    """The operating system's own failures: refused, reset, unreachable, timed out (a
    driver that lets the socket's error through, as asyncpg does while connecting)."""
    return isinstance(exc, OSError | TimeoutError)


def _coroutine(method: Callable[..., Any], dependency: Dependency) -> Callable[..., Any]:
    @functools.wraps(method)
    async def translated(*args: Any, **kwargs: Any) -> Any:
        try:
            return await method(*args, **kwargs)
        except Exception as exc:
            mapped = dependency.translate(exc)
            if mapped is None:
                raise
            raise mapped from exc

    return translated


def _async_generator(
    method: Callable[..., AsyncIterator[Any]], dependency: Dependency
) -> Callable[..., AsyncIterator[Any]]:
    @functools.wraps(method)
    async def translated(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        try:
            async for item in method(*args, **kwargs):
                yield item
        except Exception as exc:
            mapped = dependency.translate(exc)
            if mapped is None:
                raise
            raise mapped from exc

    return translated


def translates_failures(dependency: Dependency) -> Callable[[type[T]], type[T]]:
    """Class decorator: the public async methods of the class, its bases' included,
    raise `DependencyUnavailable(dependency.name)` for the store's unavailability."""

    def decorate(cls: type[T]) -> type[T]:
        seen: set[str] = set()
        for klass in cls.__mro__[:-1]:  # not `object`
            for name, attr in vars(klass).items():
                if name.startswith("_") or name in seen:
                    continue
                seen.add(name)
                if inspect.iscoroutinefunction(attr):
                    setattr(cls, name, _coroutine(attr, dependency))
                elif inspect.isasyncgenfunction(attr):
                    setattr(cls, name, _async_generator(attr, dependency))
        cls.__translates_failures__ = dependency  # type: ignore[attr-defined]
        return cls

    return decorate
