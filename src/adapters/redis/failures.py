"""When Redis cannot serve: the link (refused, lost, timed out, the client's pool full),
a server still loading its data, a read-only replica after a failover, out of memory,
a cluster without its primary. Script, type and argument errors pass through."""

from __future__ import annotations

from redis import exceptions as r

from adapters.failures import Dependency, socket_failure

_UNAVAILABLE = (
    r.ConnectionError,
    r.TimeoutError,
    r.ReadOnlyError,
    r.OutOfMemoryError,
    r.ClusterDownError,
    r.TryAgainError,
    # A cluster client that ran out of tries while a failover moved slots, or found no
    # node (or none serving a slot) to ask.
    r.ClusterError,
    r.SlotNotCoveredError,
    r.RedisClusterUnreachableError,
)


def redis_unavailable(exc: BaseException) -> bool:
    return isinstance(exc, _UNAVAILABLE) or socket_failure(exc)


REDIS = Dependency("redis", redis_unavailable)
