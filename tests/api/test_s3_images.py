"""Meal photos on an S3 bucket (moto's S3 server): upload, thumbnail, export and purge
go through the same `ImageStore` port as on the filesystem; an unreachable bucket is a
503, never a 500, and takes the API out of rotation (/ready) until it answers again."""

from __future__ import annotations

import json
import socket
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import msgspec
import pytest

from adapters.clock import ManualClock
from entrypoints.jobs.privacy import run_purge
from entrypoints.settings import Settings
from tests.api.test_food import CONSENT, completed, upload
from tests.api.test_identity import assert_error
from tests.fixtures.images.samples import encode, scene
from tests.support.app import Api, api_client, embedded_settings
from tests.support.s3 import S3Endpoint
from tests.support.tcp_proxy import TcpProxy

OWNER_KEY = "s3-api-test-owner-key-0123456789abcdef"


def s3_settings(tmp_path: Path, endpoint_url: str, bucket: str) -> Settings:
    return embedded_settings(
        tmp_path,
        image_store="s3",
        s3_bucket=bucket,
        s3_endpoint_url=endpoint_url,
        s3_region="us-east-1",
        s3_prefix="photos",
        s3_owner_key=OWNER_KEY,
    )


@pytest.fixture
async def bucket(s3_endpoint: S3Endpoint) -> str:
    import aioboto3

    name = f"psi-api-{uuid.uuid4().hex[:12]}"
    async with aioboto3.Session().client(
        "s3", endpoint_url=s3_endpoint.url, region_name=s3_endpoint.region
    ) as s3:
        await s3.create_bucket(Bucket=name)
    return name


async def _names(endpoint: S3Endpoint, bucket: str) -> list[str]:
    import aioboto3

    async with aioboto3.Session().client(
        "s3", endpoint_url=endpoint.url, region_name=endpoint.region
    ) as s3:
        listing = await s3.list_objects_v2(Bucket=bucket)
    return [item["Key"] for item in listing.get("Contents", ())]


async def test_photos_thumbnails_export_and_purge_on_s3(
    tmp_path: Path, s3_endpoint: S3Endpoint, bucket: str
) -> None:
    clock = ManualClock()
    settings = s3_settings(tmp_path, s3_endpoint.url, bucket)
    async with api_client(settings, clock) as client:
        api = Api(client)
        user, headers, _ = await api.user(**CONSENT)
        r = await upload(client, headers, encode(scene(1200, 800), "JPEG"), Prefer="wait=25")
        assert r.status_code in (200, 201, 202), r.text
        done = await completed(client, headers, r.json()["data"]["id"])
        url = f"/api/v1/food/analysis/{done['id']}/image"
        thumb = await client.get(url, headers=headers, params={"size": "thumb"})
        assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"

        names = await _names(s3_endpoint, bucket)
        assert len(names) == 2 and all(n.startswith("photos/") for n in names)
        assert not [n for n in names if user["id"] in n]  # no user id in the bucket
        assert not _local_photos(tmp_path)  # nothing on the local disk

        export = await client.get("/api/v1/users/me/data-export", headers=headers)
        assert export.status_code == 200, export.text
        images = json.loads(export.content)["images"]
        assert sorted(i["variant"] for i in images) == ["original", "thumb256"]
        assert all(i["key"].startswith(f"{user['id']}/") for i in images)

        r = await client.request(
            "DELETE", "/api/v1/users/me", headers=headers, json={"password": user["password"]}
        )
        assert r.status_code == 202
    clock.advance(days=31)
    report = await run_purge(settings, clock=clock)
    assert report.accounts >= 1 and report.complete
    assert await _names(s3_endpoint, bucket) == []


async def test_an_unreachable_bucket_is_a_503(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = msgspec.structs.replace(
        s3_settings(tmp_path, f"http://127.0.0.1:{port}", "psi-nowhere"),
        dependency_timeout_s=0.5,
    )
    async with api_client(settings) as client:
        _, headers, _ = await Api(client).user(**CONSENT)
        r = await upload(client, headers, encode(scene(640, 480), "JPEG"))
        assert_error(r, 503, "PSI-SYS-5003")
        assert r.json()["error"]["details"]["dependency"] == "image_store"


def _local_photos(root: Path) -> list[Path]:
    return list(root.rglob("*.jpg"))


async def _ready(client, within_s: float) -> dict:
    """/ready's checks, asserting that it answered within `within_s`."""
    started = time.monotonic()
    r = await client.get("/api/v1/ready")
    assert time.monotonic() - started < within_s, "readiness not bounded"
    body = r.json()
    if r.status_code == 200:
        return body["checks"]
    error = assert_error(r, 503, "PSI-SYS-5003")
    assert error["details"]["failed"] == ["image_store"], error
    return error["details"]["checks"]


async def test_ready_follows_the_bucket(tmp_path: Path, s3_endpoint: S3Endpoint, bucket: str):
    """Through a proxy that the test cuts (a stopped server: connections refused) and
    blackholes (a hung one), then restores: one process, never restarted."""
    target = urlparse(s3_endpoint.url)
    assert target.hostname and target.port
    with TcpProxy(target.hostname, target.port) as proxy:
        settings = msgspec.structs.replace(
            s3_settings(tmp_path, f"http://{proxy.host}:{proxy.port}", bucket),
            dependency_timeout_s=0.5,
        )
        async with api_client(settings) as client:
            assert (await _ready(client, 5))["image_store"] == "ok"

            proxy.cut()  # refused: an error, or a timeout while botocore backs off to retry
            assert (await _ready(client, 0.5 + 1.0))["image_store"] != "ok"

            proxy.blackhole()
            assert (await _ready(client, 0.5 + 1.0))["image_store"] == "timeout"

            proxy.restore()
            assert (await _ready(client, 5))["image_store"] == "ok"


async def test_a_missing_bucket_is_not_ready(tmp_path: Path, s3_endpoint: S3Endpoint) -> None:
    settings = s3_settings(tmp_path, s3_endpoint.url, f"psi-missing-{uuid.uuid4().hex[:12]}")
    async with api_client(settings) as client:
        checks = await _ready(client, 5)
    assert checks["image_store"] == "error: ClientError"
    assert checks["database"] == "ok"


async def test_ready_warns_of_a_versioned_bucket_that_keeps_deleted_photos(
    tmp_path: Path, s3_endpoint: S3Endpoint, bucket: str
) -> None:
    import aioboto3

    settings = s3_settings(tmp_path, s3_endpoint.url, bucket)
    async with aioboto3.Session().client(
        "s3", endpoint_url=s3_endpoint.url, region_name=s3_endpoint.region
    ) as s3:
        await s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        async with api_client(settings) as client:
            r = await client.get("/api/v1/ready")
        assert r.status_code == 200, r.text  # a warning, not out of rotation
        warnings = r.json()["data"]["warnings"]
        assert any(w.startswith("image_store: bucket versioning is on") for w in warnings)

        rule = {
            "ID": "psi-old-versions",
            "Status": "Enabled",
            "Filter": {"Prefix": "photos/"},
            "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
        }
        await s3.put_bucket_lifecycle_configuration(
            Bucket=bucket, LifecycleConfiguration={"Rules": [rule]}
        )
        async with api_client(settings) as client:
            r = await client.get("/api/v1/ready")
        assert r.status_code == 200, r.text
        assert not [w for w in r.json()["data"]["warnings"] if w.startswith("image_store")]
