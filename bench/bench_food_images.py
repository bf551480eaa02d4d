"""Issue 14 number: a meal photo's thumbnail fetched back by its owner,
`GET /api/v1/food/analysis/{id}/image?size=thumb`, production profile (Postgres + Redis),
one API process, 32 connections. The thumbnail is made by the first fetch and kept; the
load then measures the steady state (ownership check + stored thumbnail). A second run
sends `If-None-Match` with the ETag (304s: no image read).

Run: `.venv/bin/python bench/bench_food_images.py [--seconds 15] [--connections 32]`
"""

from __future__ import annotations

import argparse
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
    body = {"email": email, "password": "Bench1234x", "name": "Bench",
            "consents": {"biometrics": False, "food_photos": True}}
    httpx.post(f"{base}/api/v1/auth/register", json=body, timeout=30).raise_for_status()
    r = httpx.post(f"{base}/api/v1/auth/login",
                   json={"email": email, "password": "Bench1234x"}, timeout=30)
    headers = {"Authorization": f"Bearer {r.json()['data']['access_token']}"}
    r = httpx.post(f"{base}/api/v1/food/upload", headers=headers, timeout=30,
                   files={"file": ("meal.jpg", PHOTO.read_bytes(), "image/jpeg")})
    r.raise_for_status()
    return headers, r.json()["data"]["id"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    db = fresh_postgres_db("psi_bench_images")
    try:
        env = production_env(db, PSI_NUTRITION_AUTO_IMPORT="false")
        with api_server(env) as base:
            headers, analysis_id = owner_with_a_photo(base)
            url = f"{base}/api/v1/food/analysis/{analysis_id}/image?size=thumb"
            first = httpx.get(url, headers=headers, timeout=30)  # makes and stores the thumb
            assert first.status_code == 200 and first.headers["content-type"] == "image/jpeg"
            etag = first.headers["etag"]
            wrk(url, headers, connections=args.connections, seconds=3)  # warm-up
            fetch = wrk(url, headers, connections=args.connections, seconds=args.seconds)
            revalidate = wrk(url, {**headers, "If-None-Match": etag},
                             connections=args.connections, seconds=args.seconds)
            # For scale on a shared machine: the lightest authenticated read, same server.
            me = wrk(f"{base}/api/v1/users/me", headers, connections=args.connections,
                     seconds=args.seconds)
    finally:
        drop_postgres_db(db)
    print("## Food photo thumbnails (issue 14)\n")
    print(f"Machine: {machine()}. Production profile: Postgres + Redis on loopback, one "
          "uvicorn process (uvloop, httptools); wrk in a second process on the same cores. "
          f"Thumbnail of a real 512x480 JPEG: {len(first.content):,} bytes.\n")
    print("| what | figure | target |")
    print("|---|---|---|")
    ok = fetch["rps"] >= TARGET_RPS and fetch["non_2xx"] == 0
    print(f"| `GET /food/analysis/{{id}}/image?size=thumb`, {args.connections} connections, "
          f"{args.seconds} s | {fetch['rps']:.0f} req/s, p50 {fetch['p50_ms']:.1f} ms, "
          f"p99 {fetch['p99_ms']:.1f} ms, non-2xx {fetch['non_2xx']}, socket errors "
          f"{fetch['socket_errors']} | >= {TARGET_RPS:,} req/s ({'met' if ok else 'NOT met'}) |")
    print(f"| same with `If-None-Match: <ETag>` (304) | {revalidate['rps']:.0f} req/s, "
          f"p50 {revalidate['p50_ms']:.1f} ms, p99 {revalidate['p99_ms']:.1f} ms | - |")
    print(f"| for scale: `GET /users/me`, same server and settings | {me['rps']:.0f} req/s, "
          f"p50 {me['p50_ms']:.1f} ms, p99 {me['p99_ms']:.1f} ms | - |")
    print(f"\nCommand: `{fetch['command']}`")


if __name__ == "__main__":
    main()
