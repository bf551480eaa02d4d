"""`just bench`: run every bench/bench_*.py script and rewrite docs/benchmarks.md.

Each script prints its own section (markdown, or plain text that is kept verbatim).
Run on a quiet machine: the figures are only as good as the idle cores behind them.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

from common import REPO, machine

SCRIPTS = sorted(p for p in (REPO / "bench").glob("bench_*.py"))


def main(argv: list[str]) -> int:
    only = set(argv)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, cwd=REPO).stdout.strip() or "unknown"
    sections = []
    for script in SCRIPTS:
        if only and script.stem not in only:
            continue
        print(f"running {script.name} ...", flush=True)
        done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                              cwd=REPO, timeout=1800)
        out = done.stdout.strip() or done.stderr.strip()[-2000:]
        if not out.startswith("## "):
            out = f"## {script.stem}\n\n```\n{out}\n```"
        sections.append(f"{out}\n\nCommand: `.venv/bin/python bench/{script.name}` "
                        f"(exit {done.returncode}).")
    header = (f"# Benchmarks\n\nWritten by `just bench` on {dt.date.today()} at commit "
              f"`{commit}`. Machine: {machine()}.\n")
    (REPO / "docs" / "benchmarks.md").write_text(header + "\n" + "\n\n".join(sections) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
