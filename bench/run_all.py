"""`just bench`: run every bench/bench_*.py script and rewrite docs/benchmarks.md.

Each script prints its own section (markdown, or plain text that is kept verbatim).
Run on a quiet machine: the figures are only as good as the idle cores behind them.

    just bench                                    # every script, the 10-minute soak included
    just bench bench_identity bench_wellness      # only these
    just bench --skip bench_soak                  # all but the soak (or PSI_BENCH_SKIP=bench_soak)
    just bench --args bench_soak=--duration=60    # arguments for one script (repeatable)

Sections of scripts that were not run this time are kept from the current page, marked
as such, so a partial run never silently drops figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shlex
import subprocess
import sys

from common import REPO, machine

SCRIPTS = sorted(p for p in (REPO / "bench").glob("bench_*.py"))
PAGE = REPO / "docs" / "benchmarks.md"
KEPT_NOTE = "*Kept from the previous page: not rerun by this `just bench`.*"


def _names(values: list[str]) -> set[str]:
    """Script names from `a,b` or repeated options, with or without `.py`."""
    return {n.strip().removesuffix(".py") for v in values for n in v.split(",") if n.strip()}


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="just bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("only", nargs="*", help="run only these scripts (e.g. bench_identity)")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="NAME[,NAME]",
        help="leave these scripts out (also PSI_BENCH_SKIP)",
    )
    parser.add_argument(
        "--args",
        action="append",
        default=[],
        metavar="NAME=ARGS",
        help="arguments for one script, e.g. 'bench_soak=--duration 60'",
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=int(os.environ.get("PSI_BENCH_TIMEOUT_S", "1800")),
        help="seconds per script (default 1800, or PSI_BENCH_TIMEOUT_S)",
    )
    args = parser.parse_args(argv)
    known = {s.stem for s in SCRIPTS}
    args.only = _names(args.only)
    args.skip = _names([*args.skip, os.environ.get("PSI_BENCH_SKIP", "")])
    extra: dict[str, list[str]] = {}
    for item in args.args:
        name, sep, rest = item.partition("=")
        extra.setdefault(name.strip().removesuffix(".py"), []).extend(shlex.split(rest))
        if not sep:
            parser.error(f"--args wants NAME=ARGS, got {item!r}")
    args.extra = extra
    unknown = (args.only | args.skip | set(extra)) - known
    if unknown:
        parser.error(
            f"unknown script(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}"
        )
    return args


def old_sections() -> list[tuple[set[str], str]]:
    """The current page's `## ` sections, each with the scripts it names."""
    if not PAGE.exists():
        return []
    parts = re.split(r"(?m)^(?=## )", PAGE.read_text())[1:]
    return [(set(re.findall(r"bench/(bench_\w+)\.py", part)), part.strip()) for part in parts]


def main(argv: list[str]) -> int:
    args = parse(argv)
    commit = (
        subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO
        ).stdout.strip()
        or "unknown"
    )
    chosen = [
        s for s in SCRIPTS if (not args.only or s.stem in args.only) and s.stem not in args.skip
    ]
    ran = {s.stem for s in chosen}
    previous = old_sections()
    kept: set[int] = set()
    sections, failed = [], []
    # Sections that name no script are prose written by hand (how to read the figures):
    # kept, in their place at the top.
    sections += [text for names, text in previous if not names]
    for script in SCRIPTS:
        if script.stem not in ran:
            for i, (names, text) in enumerate(previous):
                if script.stem in names and not names <= ran and i not in kept:
                    kept.add(i)
                    text = text.replace(KEPT_NOTE, "").strip()  # kept once more, noted once
                    sections.append(f"{text}\n\n{KEPT_NOTE}")
            continue
        extra = args.extra.get(script.stem, [])
        print(f"running {script.name} {' '.join(extra)}...", flush=True)
        try:
            done = subprocess.run(
                [sys.executable, str(script), *extra],
                capture_output=True,
                text=True,
                cwd=REPO,
                timeout=args.timeout,
            )
            out, code = done.stdout.strip() or done.stderr.strip()[-2000:], done.returncode
        except subprocess.TimeoutExpired:
            out, code = f"timed out after {args.timeout} s", "timeout"
        if code != 0:
            failed.append(script.stem)
        if not out.startswith("## "):
            out = f"## {script.stem}\n\n```\n{out}\n```"
        command = " ".join([f".venv/bin/python bench/{script.name}", *map(shlex.quote, extra)])
        sections.append(f"{out}\n\nCommand: `{command}` (exit {code}).")
    skipped = sorted({s.stem for s in SCRIPTS} - ran)
    header = (
        f"# Benchmarks\n\nWritten by `just bench` on {dt.date.today()} at commit "
        f"`{commit}`. Machine: {machine()}.\n"
    )
    if skipped:
        header += f"Not rerun this time: {', '.join(skipped)}.\n"
    PAGE.write_text(header + "\n" + "\n\n".join(sections) + "\n")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
