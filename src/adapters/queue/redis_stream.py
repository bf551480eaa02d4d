"""The production job queue: one Redis stream, one consumer group, `psi worker`s consuming.

What a delivery goes through (the issue-3 contract, tests/contract/test_redis_stream_queue.py):

- `enqueue` adds a message unless one for the same analysis is still unacknowledged: a
  marker key is set together with the message (one script, atomically), removed with the
  message's acknowledgement, and expires after `queued_ttl_s` as a safety net. So the
  sweeper's re-queues of an analysis that is still in the stream, or held by a (maybe
  dead) worker, add nothing; a marker can only ever be missing too early (one duplicate
  more, a no-op), never outlive every message of its analysis by more than its TTL.
- `consume` reads at most as many messages as it has free slots (XREADGROUP COUNT), so
  no message waits in the group's pending entries list (PEL) behind running jobs.
- Each delivery runs the handler in a task of its own, which keeps the delivery claimed
  (XCLAIM JUSTID resets its idle time, like the analysis lease) while the handler runs and
  acknowledges it (XACK, and XDEL: the stream keeps open jobs only) only after the handler
  returned: the outcome is durable then (the result saved, the analysis failed for good,
  or nothing to do: already final, gone, or held by another live worker).
- A handler that raises leaves its delivery unacknowledged, and so does a worker that is
  killed. Any consumer reclaims such a delivery (XAUTOCLAIM) once it has been idle for
  `reclaim_idle_s` and runs it again; the job is idempotent (its lease lets one attempt
  store a result), so a reclaimed delivery completes the analysis once and is acked.
- On a Redis Cluster the markers carry the stream's name as their hash tag
  (`<prefix>food-queued:{<prefix>food-analysis}:<id>`), so the enqueue script and the
  acknowledgement touch one slot; the stream keeps its name.
- Stopping (the consume task cancelled) takes no new message; a message that a read in
  flight still brings is given back to the stream (re-added, then acked), not left pending.
  `stop()` ends the consumer, the deliveries still running (unacknowledged: reclaimed
  later) and their keepers within `_STOP_S`, then closes the client.
- A cancel is never lost in our loops: redis-py writes each command under
  `asyncio.wait_for`, which on Python 3.11 returns normally when the cancel comes as the
  write completes (CPython gh-86296; 3.12 rewrote `wait_for`). The request stays counted
  (`Task.cancelling()`), so the consumer, each keeper and each delivery check it (and the
  queue's stop) after their Redis calls instead of trusting the CancelledError to arrive.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import time
import uuid
from typing import Any
from uuid import UUID

from opentelemetry import propagate, trace
from redis.asyncio import Redis
from redis.exceptions import RedisError, ResponseError

from adapters.failures import translates_failures
from adapters.redis.connect import RedisTopology, connect
from adapters.redis.failures import REDIS
from application.ports.food import JobHandler

log = logging.getLogger("psi.food.queue")
_tracer = trace.get_tracer("psi.food.queue")

# KEYS: stream, marker. ARGV: analysis id, marker TTL (ms), W3C traceparent or ''.
_ENQUEUE_ONCE = """
if redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[2]) then
  if ARGV[3] ~= '' then
    return redis.call('XADD', KEYS[1], '*', 'analysis_id', ARGV[1], 'traceparent', ARGV[3])
  end
  return redis.call('XADD', KEYS[1], '*', 'analysis_id', ARGV[1])
end
return false
"""
# KEYS: stream. ARGV: group, consumer, entry id. Resets the idle time of a delivery this
# consumer still owns; false once it is acknowledged or another consumer reclaimed it.
_KEEP_CLAIMED = """
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1)
if p[1] and p[1][2] == ARGV[2] then
  return #redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
end
return false
"""
_RETRY_S = 1.0  # after a failed stream read (Redis away): wait, then read again
_GIVE_BACK_S = 2.0  # stopping: the read in flight's block time and this to give back
_STOP_S = 5.0  # stop(): the most it waits for the consumer and the deliveries to end
_RECANCEL_S = 1.0  # stop(): a delivery whose job dropped the cancel is cancelled again

Entry = tuple[str, dict[str, str] | None]


@translates_failures(REDIS)
class RedisStreamQueue:
    """`AnalysisQueue` (enqueue) and the worker's consumer on a Redis stream."""

    def __init__(
        self,
        redis_url: str | RedisTopology,
        prefix: str,
        *,
        queued_ttl_s: float = 900.0,
        block_ms: int = 1000,
        consumer_name: str | None = None,
    ) -> None:
        if block_ms <= 0:  # BLOCK 0 waits for a message forever: a stop would wait with it
            raise ValueError("block_ms must be positive")
        self.stream = f"{prefix}food-analysis"
        self.group = f"{prefix}food-workers"
        # The stream's whole name as the markers' hash tag: their slot is the stream's.
        self._marker_prefix = f"{prefix}food-queued:{{{self.stream}}}:"
        self.consumer = consumer_name or (
            f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        )
        self._redis: Redis = connect(
            redis_url,
            decode_responses=True,
            socket_connect_timeout=5.0,
            socket_timeout=block_ms / 1000 + 10.0,
        )
        self._enqueue_once = self._redis.register_script(_ENQUEUE_ONCE)
        self._keep_claimed = self._redis.register_script(_KEEP_CLAIMED)
        self._queued_ttl_ms = max(1, int(queued_ttl_s * 1000))
        self._block_ms = block_ms
        self._handler: JobHandler | None = None
        self._reclaim_idle_s = 90.0
        self.running: set[asyncio.Task[None]] = set()
        self._entries: dict[str, asyncio.Task[None]] = {}  # the running deliveries by id
        self._keepers: set[asyncio.Task[None]] = set()
        self._consumer: asyncio.Task[Any] | None = None
        self._stopping = False

    def marker(self, analysis_id: UUID) -> str:
        return f"{self._marker_prefix}{analysis_id}"

    # -- producer ----------------------------------------------------------------------

    async def start(self) -> None:
        await self._declare()

    async def _declare(self) -> None:
        try:
            await self._redis.xgroup_create(self.stream, self.group, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def enqueue(self, analysis_id: UUID) -> bool:
        """Add a job; False when a message for the analysis is still unacknowledged."""
        # The job continues the upload's trace (a no-op carrier when tracing is off).
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        added = await self._enqueue_once(
            keys=[self.stream, self.marker(analysis_id)],
            args=[str(analysis_id), self._queued_ttl_ms, carrier.get("traceparent", "")],
        )
        return added is not None

    async def stop(self) -> None:
        """End the consumer (a read in flight gives back what it brings), the deliveries
        still running (not acknowledged: reclaimed later) and their keepers, waiting
        `_STOP_S` at most; then close the client."""
        self._stopping = True
        ours = {*self._keepers}  # our own loops: they never lose a cancel
        if self._consumer is not None and self._consumer is not asyncio.current_task():
            ours.add(self._consumer)
        for task in ours:
            task.cancel()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + _STOP_S
        while True:
            # A job's own code may drop a cancel (the same wait_for, in another driver).
            for task in self.running:
                task.cancel()
            left = {task for task in (*ours, *self.running) if not task.done()}
            wait_s = min(_RECANCEL_S, deadline - loop.time())
            if not left or wait_s <= 0:
                break
            await asyncio.wait(left, timeout=wait_s)
        if left:
            log.warning("job queue stopped with %d of its tasks still running", len(left))
        await self._redis.aclose()

    def _stop_if_asked(self) -> None:
        """Raise CancelledError once the queue stops or this task was asked to (a cancel
        that redis-py let pass as a normal return: see the module's docstring)."""
        task = asyncio.current_task()
        if self._stopping or (task is not None and task.cancelling()):
            raise asyncio.CancelledError

    # -- consumer ----------------------------------------------------------------------

    def bind(self, handler: JobHandler) -> None:
        self._handler = handler

    async def consume(self, concurrency: int, *, reclaim_idle_s: float = 90.0) -> None:
        """Take and run jobs, `concurrency` at a time, until cancelled."""
        if self._handler is None:
            raise RuntimeError("no job handler bound in this process")
        self._consumer = asyncio.current_task()
        self._reclaim_idle_s = max(0.1, reclaim_idle_s)
        reclaim_every = min(30.0, max(0.1, self._reclaim_idle_s / 2))
        cursor, next_reclaim = "0-0", 0.0
        while True:
            self._stop_if_asked()
            free = concurrency - len(self.running)
            if free <= 0:
                await asyncio.wait(set(self.running), return_when=asyncio.FIRST_COMPLETED)
                continue
            try:
                entries: list[Entry] = []
                if time.monotonic() >= next_reclaim:
                    cursor, entries = await self._reclaim(cursor, free)
                    if cursor == "0-0":
                        next_reclaim = time.monotonic() + reclaim_every
                # Stopped meanwhile: what was reclaimed stays pending, reclaimed again later.
                self._stop_if_asked()
                if not entries:
                    entries = await self._read(free)
            except (RedisError, OSError) as exc:
                log.warning("job queue read failed: %s", type(exc).__name__)
                if isinstance(exc, ResponseError) and "NOGROUP" in str(exc):
                    with contextlib.suppress(RedisError):
                        await self._declare()
                await asyncio.sleep(_RETRY_S)
                continue
            for entry_id, fields in entries:
                self._start(entry_id, fields)

    async def _reclaim(self, cursor: str, count: int) -> tuple[str, list[Entry]]:
        """Deliveries idle past `reclaim_idle_s` (their worker died, or its job raised)."""
        reply = await self._redis.xautoclaim(
            self.stream,
            self.group,
            self.consumer,
            min_idle_time=int(self._reclaim_idle_s * 1000),
            start_id=cursor,
            count=count,
        )
        next_cursor, claimed = reply[0], reply[1]
        if claimed:
            log.info("reclaimed %d unacknowledged deliveries", len(claimed))
        return next_cursor, [(entry_id, fields) for entry_id, fields in claimed]

    async def _read(self, count: int) -> list[Entry]:
        read = asyncio.ensure_future(
            self._redis.xreadgroup(
                self.group, self.consumer, {self.stream: ">"}, count=count, block=self._block_ms
            )
        )
        try:
            reply = await asyncio.shield(read)
        except asyncio.CancelledError:  # stopping: give back what the read still brings
            with contextlib.suppress(Exception):
                # Bounded: a Redis gone away would have the read retry for a minute. Past
                # it the read is cancelled: what it took stays pending, reclaimed later.
                async with asyncio.timeout(self._block_ms / 1000 + _GIVE_BACK_S):
                    await self._give_back(_entries(await read))
            raise
        return _entries(reply)

    async def _give_back(self, entries: list[Entry]) -> None:
        if not entries:
            return
        async with self._redis.pipeline(transaction=True) as pipe:
            for entry_id, fields in entries:
                if fields:
                    pipe.xadd(self.stream, fields)
                pipe.xack(self.stream, self.group, entry_id)
                pipe.xdel(self.stream, entry_id)
            await pipe.execute()

    def _start(self, entry_id: str, fields: dict[str, str] | None) -> None:
        if entry_id in self._entries:  # reclaimed from ourselves (a stalled loop): running
            return
        task = asyncio.create_task(
            self._deliver(entry_id, _analysis_id(fields), (fields or {}).get("traceparent")),
            name=f"psi-job-{entry_id}",
        )
        self.running.add(task)
        self._entries[entry_id] = task

        def done(finished: asyncio.Task[None]) -> None:
            self.running.discard(finished)
            self._entries.pop(entry_id, None)

        task.add_done_callback(done)

    async def _deliver(
        self, entry_id: str, analysis_id: UUID | None, traceparent: str | None = None
    ) -> None:
        assert self._handler is not None
        if analysis_id is None:  # unreadable (or trimmed away): it can never run
            log.warning("dropping an unreadable job message %s", entry_id)
            await self._ack(entry_id, None)
            return
        keeper = asyncio.create_task(self._keep(entry_id), name=f"psi-job-keeper-{entry_id}")
        self._keepers.add(keeper)
        keeper.add_done_callback(self._keepers.discard)
        upload = propagate.extract({"traceparent": traceparent} if traceparent else {})
        try:
            # No exception events: their messages can carry personal data.
            with _tracer.start_as_current_span(
                "food.analysis.job",
                context=upload,
                kind=trace.SpanKind.CONSUMER,
                record_exception=False,
                attributes={"messaging.system": "redis", "messaging.message.id": entry_id},
            ):
                await self._handler(analysis_id)
        except Exception as exc:
            log.warning("job raised %s; its delivery is left to be reclaimed", type(exc).__name__)
            return
        finally:
            keeper.cancel()
            # Its end, not its CancelledError: awaiting the keeper would raise that, and
            # suppressing it would swallow this delivery's own cancel (then acked anyway).
            await asyncio.wait({keeper})
        self._stop_if_asked()  # cancelled (stopping) after the job returned: reclaimed later
        await self._ack(entry_id, analysis_id)

    async def _keep(self, entry_id: str) -> None:
        """While the job runs, keep its delivery from looking abandoned."""
        interval = max(0.05, self._reclaim_idle_s / 3)
        while True:
            await asyncio.sleep(interval)
            try:
                owned = await self._keep_claimed(
                    keys=[self.stream], args=[self.group, self.consumer, entry_id]
                )
            except RedisError as exc:
                log.warning("could not refresh a delivery: %s", type(exc).__name__)
                owned = True
            self._stop_if_asked()
            if not owned:  # acked, or reclaimed elsewhere: nothing left to keep
                return

    async def _ack(self, entry_id: str, analysis_id: UUID | None) -> None:
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.xack(self.stream, self.group, entry_id)
                pipe.xdel(self.stream, entry_id)  # done with: the stream keeps open jobs only
                if analysis_id is not None:
                    pipe.delete(self.marker(analysis_id))
                await pipe.execute()
        except (RedisError, OSError) as exc:  # stays pending: reclaimed, found done, acked
            log.warning("job acknowledgement failed: %s", type(exc).__name__)

    # -- inspection (health checks, tests) ----------------------------------------------

    async def backlog(self, now_ms: int) -> tuple[int, float | None]:
        """Jobs in the stream (waiting or running: acknowledged ones are deleted) and the age
        in seconds of the oldest (stream ids start with their enqueue time in ms)."""
        try:
            length = int(await self._redis.xlen(self.stream))
            first = await self._redis.xrange(self.stream, count=1)
        except ResponseError:
            return 0, None
        if not first:
            return length, None
        oldest_ms = int(str(first[0][0]).split("-", 1)[0])
        return length, max(0.0, (now_ms - oldest_ms) / 1000)

    async def pending(self) -> int:
        """How many deliveries are taken and not yet acknowledged (the group's PEL)."""
        try:
            return int((await self._redis.xpending(self.stream, self.group))["pending"])
        except ResponseError:  # no stream or group yet
            return 0


def _entries(reply: Any) -> list[Entry]:
    """XREADGROUP's reply, [[stream, [(id, fields), ...]]], as (id, fields) pairs."""
    return [
        (entry_id, fields) for _stream, messages in reply or () for entry_id, fields in messages
    ]


def _analysis_id(fields: dict[str, str] | None) -> UUID | None:
    """The analysis of a message: ours (`analysis_id`), or taskiq's JSON (`data`) left
    in the stream by an earlier version."""
    if not fields:
        return None
    try:
        if "analysis_id" in fields:
            return UUID(fields["analysis_id"])
        message = json.loads(fields["data"])
        args, kwargs = message.get("args") or [], message.get("kwargs") or {}
        return UUID(str(args[0] if args else kwargs["analysis_id"]))
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return None
