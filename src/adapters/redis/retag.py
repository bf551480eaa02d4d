"""Move the security state of the key layout before hash tags to the tagged one, so a
deploy of the tagged layout signs no one out and forgets no revocation.

  sess:<sid>            -> sess:{s:<sid>}
  sess-revoked:<sid>    -> sess-revoked:{s:<sid>}
  user-cutoff:<uid>     -> user-cutoff:{u:<uid>}
  user-sessions:<uid>   -> user-sessions:{u:<uid>}

Each key keeps its value and its expiry. On the same server it is a RENAME; to another
one (moving onto a Redis Cluster) a DUMP, then a RESTORE there with the key's remaining
time to live, then a DEL here. Caches, counters and quotas are left to expire (transient).
Idempotent: keys already tagged are skipped. Run it right after the old processes stopped:

  PSI_REDIS_URL=... PSI_REDIS_PREFIX=psi: python -m adapters.redis.retag \
      [--to-cluster host:port,...]
"""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Callable

from redis.asyncio import Redis

from adapters.redis.connect import RedisTopology, connect
from adapters.redis.keys import session_tag, user_tag

_LAYOUT: dict[str, Callable[[str], str]] = {
    "sess:": session_tag,
    "sess-revoked:": session_tag,
    "user-cutoff:": user_tag,
    "user-sessions:": user_tag,
}


def tagged(prefix: str, key: str) -> str | None:
    """The tagged name of an old-layout key, None for any other key."""
    for kind, tag in _LAYOUT.items():
        head = prefix + kind
        if key.startswith(head):
            rest = key[len(head) :]
            return None if "{" in rest or ":" in rest else head + tag(rest)
    return None


async def retag(source: Redis, prefix: str, target: Redis | None = None) -> int:
    """Move every old-layout key of `prefix` in `source` (to `target`, if another server);
    the number moved."""
    moved = 0
    for kind in _LAYOUT:
        async for raw in source.scan_iter(match=f"{prefix}{kind}*", count=1000):
            key = raw.decode() if isinstance(raw, bytes) else raw
            new = tagged(prefix, key)
            if new is None:
                continue
            if target is None:
                moved += bool(await source.renamenx(key, new))
                continue
            dumped, ttl_ms = await source.dump(key), await source.pttl(key)
            if dumped is None or ttl_ms == -2:  # expired meanwhile
                continue
            await target.restore(new, max(0, ttl_ms), dumped, replace=True)
            await source.delete(key)
            moved += 1
    return moved


async def _main(args: argparse.Namespace) -> None:
    url = os.environ["PSI_REDIS_URL"]
    prefix = os.environ.get("PSI_REDIS_PREFIX", "psi:")
    source = Redis.from_url(url)
    target = None
    if args.to_cluster:
        nodes = tuple(n.strip() for n in args.to_cluster.split(",") if n.strip())
        target = connect(RedisTopology(f"redis://{nodes[0]}", "cluster", nodes))
    try:
        print(f"moved {await retag(source, prefix, target)} keys")
    finally:
        await source.aclose()
        if target is not None:
            await target.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--to-cluster", help="host:port,... of a Redis Cluster to move them to")
    asyncio.run(_main(parser.parse_args()))
