"""`psi worker` is a registered command with usable defaults."""

from __future__ import annotations

from entrypoints.cli import build_parser
from entrypoints.worker import WorkerOptions


def test_worker_command_defaults_are_values():
    args = build_parser().parse_args(["worker"])
    defaults = WorkerOptions()
    assert (
        args.concurrency,
        args.lease_seconds,
        args.sweep_interval,
        args.max_attempts,
        args.backoff,
    ) == (
        defaults.concurrency,
        defaults.lease_s,
        defaults.sweep_interval_s,
        defaults.max_attempts,
        defaults.backoff_s,
    )
    assert isinstance(args.concurrency, int) and args.concurrency > 0


def test_worker_options_from_flags():
    args = build_parser().parse_args(
        ["worker", "--lease-seconds", "2", "--sweep-interval", "0.5", "--concurrency", "8"]
    )
    assert (args.lease_seconds, args.sweep_interval, args.concurrency) == (2.0, 0.5, 8)
