"""Production `/users/me` in one Redis round trip: the admission script reads the caller's
cached account, and the request's own view of the cached user repository
(`for_request`, what the container makes in the request's scope) answers with it.

Checked on a real Redis: the read costs no second command, yet it is never staler than a
cache read at admission; a write in the request drops it; it never crosses requests or
users."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest
from redis.asyncio import Redis
from redis.asyncio.connection import Connection

from adapters.memory.identity import MemoryUserRepository
from adapters.redis.admission import RedisAdmission
from adapters.redis.user_cache import RedisCachedUserRepository
from domain.ratelimit import Quota
from tests.contract.test_identity_ports import NOW, make_user, principal_for

QUOTA = Quota(1000, 60)


def seen(user):
    """The account as the cached repository answers it: never with the password hash."""
    return replace(user, password_hash=None)


class _CountingConnection(Connection):
    """redis-py's connection, counting the GET commands it sends (GETs inside the
    admission script run on the server and are not sent)."""

    gets = 0

    async def send_command(self, *args, **kwargs):
        if args and str(args[0]).upper() == "GET":
            type(self).gets += 1
        return await super().send_command(*args, **kwargs)


@pytest.fixture
async def counting_redis(redis_url: str):
    client = Redis.from_url(redis_url, connection_class=_CountingConnection)
    yield client
    await client.aclose()


@pytest.fixture
def stack(counting_redis):
    """Two API processes' worth of admission + cached repository over one Redis and one
    account store."""
    prefix = f"psi-test-{uuid.uuid4().hex[:8]}:"
    store = MemoryUserRepository()

    def process():
        return (
            RedisAdmission(counting_redis, prefix),
            RedisCachedUserRepository(store, counting_redis, prefix),
        )

    return process, store


async def _gets(_redis_client) -> int:
    return _CountingConnection.gets


async def _admitted(admission, users, user_id, as_user=None):
    """Admission of a request by `as_user` (default: `user_id`'s owner), and the request's
    view of the repository, as the container makes it (entrypoints/providers/request.py)."""
    caller = as_user or user_id
    admitted = await admission.admit(f"user:{caller}", QUOTA, principal_for(caller, uuid.uuid4()))
    return users.for_request(admitted.account) if admitted.account is not None else users


async def _request(admission, users, user_id, *, read_twice: bool = False):
    """One request as the API runs it: admission, then the handler's read(s)."""
    view = await _admitted(admission, users, user_id)
    first = await view.get(user_id)
    return (first, await view.get(user_id)) if read_twice else first


async def test_the_first_read_after_admission_costs_no_command(stack, counting_redis):
    process, store = stack
    admission, users = process()
    user = make_user()
    await store.add(user)
    assert await _request(admission, users, user.id) == seen(user)  # fills the cache
    before = await _gets(counting_redis)
    assert await _request(admission, users, user.id) == seen(user)
    assert await _gets(counting_redis) == before
    # Authentication and the handler both read the account: still no command.
    first, second = await _request(admission, users, user.id, read_twice=True)
    assert first == second == seen(user) and await _gets(counting_redis) == before


async def test_a_write_by_another_process_is_seen_by_the_next_request(stack):
    process, store = stack
    (_, users_a), (admission_b, users_b) = process(), process()
    user = make_user()
    await store.add(user)
    assert (await _request(admission_b, users_b, user.id)).name == "Test"
    await users_a.save(user.renamed("Renamed", NOW))
    assert (await _request(admission_b, users_b, user.id)).name == "Renamed"


async def test_a_read_after_a_write_in_the_same_request_sees_the_write(stack):
    process, store = stack
    admission, users = process()
    user = make_user()
    await store.add(user)
    await _request(admission, users, user.id)  # cached

    view = await _admitted(admission, users, user.id)
    await store.save(user.renamed("Behind the cache", NOW))  # e.g. another writer
    await view.save(user.renamed("Renamed", NOW))
    got = await view.get(user.id)
    assert got.name == "Renamed"


async def test_the_prefetch_is_for_its_user_and_its_request_only(stack, counting_redis):
    process, store = stack
    admission, users = process()
    alice, bob = make_user(), make_user()
    await store.add(alice)
    await store.add(bob)
    await _request(admission, users, alice.id)
    await _request(admission, users, bob.id)

    admitted_as_alice = await _admitted(admission, users, bob.id, as_user=alice.id)
    assert await admitted_as_alice.get(bob.id) == seen(bob)
    # Outside that request (the process's repository, another request) no prefetch.
    await _admitted(admission, users, alice.id)
    before = await _gets(counting_redis)
    assert await users.get(alice.id) == seen(alice)
    assert await _gets(counting_redis) == before + 1


async def test_nothing_cached_reads_the_store_without_asking_redis_again(stack, counting_redis):
    process, store = stack
    admission, users = process()
    user = make_user()
    await store.add(user)
    before = await _gets(counting_redis)
    assert await _request(admission, users, user.id) == seen(user)  # miss seen at admission
    assert await _gets(counting_redis) == before
    assert await _request(admission, users, user.id) == seen(user)  # now cached: prefetched
    assert await _gets(counting_redis) == before
