"""`ImageStore` contract, run against every adapter."""

from __future__ import annotations

import os
import socket
import stat
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.images.filesystem_store import FilesystemImageStore
from adapters.images.memory_store import MemoryImageStore
from adapters.images.s3_store import S3ImageStore, rule_expires_old_versions
from adapters.images.sanitiser import PillowImageSanitiser
from application.ports.vision import ImageStore
from domain.errors import DependencyUnavailable, NotFound
from domain.food.vision import SanitisedImage
from tests.fixtures.images import samples
from tests.support.s3 import S3Endpoint

OWNER = "7d1f6c1e-2b7a-4a53-9d6e-3c2f0e9f4a10"
OTHER = "0b6a7a4e-95a4-4c3e-8d0e-6a3f1b2c9d88"


@pytest.fixture(params=["filesystem", "memory", "s3"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[ImageStore]:
    if request.param == "filesystem":
        yield FilesystemImageStore(tmp_path / "var" / "images")
    elif request.param == "memory":
        yield MemoryImageStore()
    else:
        s3 = await open_s3_store(request.getfixturevalue("s3_endpoint"))
        yield s3
        await s3.aclose()


async def open_s3_store(endpoint: S3Endpoint, prefix: str = "images/") -> S3ImageStore:
    """A store on a bucket of its own (so tests never see each other's objects)."""
    bucket = f"psi-test-{uuid.uuid4().hex[:12]}"
    store = await S3ImageStore.open(
        bucket,
        owner_key=b"contract-test-owner-key-0123456789",
        endpoint_url=endpoint.url,
        region=endpoint.region,
        prefix=prefix,
    )
    await store.client.create_bucket(Bucket=bucket)
    return store


@pytest.fixture(scope="module")
def jpeg() -> SanitisedImage:
    return PillowImageSanitiser().sanitise(samples.fruits())


@pytest.fixture(scope="module")
def png() -> SanitisedImage:
    return PillowImageSanitiser().sanitise(samples.png_with_metadata())


async def test_put_then_get_returns_the_same_image(
    store: ImageStore, jpeg: SanitisedImage, png: SanitisedImage
) -> None:
    k1 = await store.put(jpeg, OWNER)
    k2 = await store.put(png, OWNER)
    assert k1.endswith(".jpg") and k2.endswith(".png")
    assert await store.get(k1) == jpeg
    assert await store.get(k2) == png


async def test_keys_are_random_and_owned(store: ImageStore, jpeg: SanitisedImage) -> None:
    keys = {await store.put(jpeg, OWNER) for _ in range(5)}
    assert len(keys) == 5
    assert all(k.startswith(f"{OWNER}/") for k in keys)


async def test_delete_removes_and_is_idempotent(store: ImageStore, jpeg: SanitisedImage) -> None:
    key = await store.put(jpeg, OWNER)
    assert await store.delete(key) is True
    assert await store.delete(key) is False
    with pytest.raises(NotFound):
        await store.get(key)


async def test_delete_owner_removes_only_that_owner(
    store: ImageStore, jpeg: SanitisedImage
) -> None:
    mine = [await store.put(jpeg, OWNER) for _ in range(3)]
    theirs = await store.put(jpeg, OTHER)
    assert await store.delete_owner(OWNER) == 3
    for key in mine:
        with pytest.raises(NotFound):
            await store.get(key)
    assert await store.get(theirs) == jpeg
    assert await store.delete_owner(OWNER) == 0


@pytest.mark.parametrize(
    "key",
    [
        "../../etc/passwd",
        f"{OWNER}/../../../etc/passwd",
        "/etc/passwd",
        f"{OWNER}/" + "a" * 32 + ".gif",
        f"{OWNER}/" + "A" * 32 + ".jpg",
        f"../{OWNER}/" + "a" * 32 + ".jpg",
        f"{OWNER}/" + "a" * 32 + ".jpg\x00.png",
        "",
    ],
)
async def test_malformed_or_escaping_keys_are_not_found(store: ImageStore, key: str) -> None:
    with pytest.raises(NotFound):
        await store.get(key)
    assert await store.delete(key) is False


@pytest.mark.parametrize("owner", ["../x", "a/b", "", ".hidden", "x" * 65, "a b"])
async def test_unusable_owner_ids_are_refused(
    store: ImageStore, jpeg: SanitisedImage, owner: str
) -> None:
    with pytest.raises(ValueError, match="owner id"):
        await store.put(jpeg, owner)


async def test_filesystem_files_stay_inside_the_root_and_private(
    tmp_path: Path, jpeg: SanitisedImage
) -> None:
    root = tmp_path / "images"
    store = FilesystemImageStore(root)
    key = await store.put(jpeg, OWNER)
    path = root / key
    assert path.is_file() and path.read_bytes() == jpeg.data
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".incoming-")]
    # A symlink planted inside the store cannot lead reads outside it.
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(jpeg.data)
    planted = root / OWNER / ("b" * 32 + ".jpg")
    os.symlink(outside, planted)
    with pytest.raises(NotFound):
        await store.get(f"{OWNER}/{'b' * 32}.jpg")


async def test_variants_live_beside_the_original_and_go_with_it(
    store: ImageStore, jpeg: SanitisedImage
) -> None:
    key = await store.put(jpeg, OWNER)
    assert await store.get_variant(key, "thumb256") is None  # not made yet
    await store.put_variant(key, "thumb256", b"small jpeg")
    await store.put_variant(key, "fulljpeg", b"big jpeg")
    assert await store.get_variant(key, "thumb256") == b"small jpeg"
    assert await store.get_variant(key, "fulljpeg") == b"big jpeg"
    assert await store.get(key) == jpeg  # the original is untouched
    other = await store.put(jpeg, OWNER)
    await store.put_variant(other, "thumb256", b"other thumb")
    assert await store.delete(key) is True  # the original and every size of it
    assert await store.get_variant(key, "thumb256") is None
    assert await store.get_variant(key, "fulljpeg") is None
    assert await store.get_variant(other, "thumb256") == b"other thumb"
    assert await store.delete_owner(OWNER) == 1  # originals are counted, not their sizes
    assert await store.get_variant(other, "thumb256") is None


async def test_a_variant_needs_its_original_and_a_plain_name(
    store: ImageStore, jpeg: SanitisedImage
) -> None:
    missing = f"{OWNER}/" + "c" * 32 + ".jpg"
    with pytest.raises(NotFound):
        await store.put_variant(missing, "thumb", b"x")
    key = await store.put(jpeg, OWNER)
    for bad in ("../x", "Thumb", "", "a.b", "x" * 17):
        with pytest.raises(ValueError, match="variant"):
            await store.put_variant(key, bad, b"x")
    for bad_key in ("../../etc/passwd", f"{OWNER}/../x.jpg"):
        assert await store.get_variant(bad_key, "thumb") is None
        with pytest.raises(NotFound):
            await store.put_variant(bad_key, "thumb", b"x")


async def test_keys_of_lists_an_owners_originals_and_variants(
    store: ImageStore, jpeg: SanitisedImage
) -> None:
    assert await store.keys_of(OWNER) == []
    key = await store.put(jpeg, OWNER)
    await store.put_variant(key, "thumb256", b"t")
    theirs = await store.put(jpeg, OTHER)
    stem = key.rsplit(".", 1)[0]
    assert await store.keys_of(OWNER) == sorted([key, f"{stem}.thumb256.jpg"])
    assert await store.keys_of(OTHER) == [theirs]
    await store.delete_owner(OWNER)
    assert await store.keys_of(OWNER) == []


async def test_filesystem_variants_refuse_planted_symlinks(
    tmp_path: Path, jpeg: SanitisedImage
) -> None:
    root = tmp_path / "images"
    store = FilesystemImageStore(root)
    key = await store.put(jpeg, OWNER)
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(b"secret")
    os.symlink(outside, root / (key.rsplit(".", 1)[0] + ".thumb.jpg"))
    assert await store.get_variant(key, "thumb") is None
    await store.put_variant(key, "full", b"copy")
    path = root / (key.rsplit(".", 1)[0] + ".full.jpg")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.read_bytes() == b"copy"


async def test_s3_objects_are_encrypted_and_name_no_user(
    s3_endpoint: S3Endpoint, jpeg: SanitisedImage
) -> None:
    store = await open_s3_store(s3_endpoint, prefix="meals/")
    try:
        key = await store.put(jpeg, OWNER)
        await store.put_variant(key, "thumb256", b"small jpeg")
        listing = await store.client.list_objects_v2(Bucket=store.bucket)
        names = [item["Key"] for item in listing["Contents"]]
        assert len(names) == 2 and all(n.startswith("meals/") for n in names)
        assert not [n for n in names if OWNER in n or OWNER.replace("-", "") in n]
        for name in names:
            head = await store.client.head_object(Bucket=store.bucket, Key=name)
            assert head["ServerSideEncryption"] == "AES256"
        # Another owner key (another deployment) puts the same user elsewhere.
        other = S3ImageStore(store.client, store.bucket, owner_key=b"another-key", prefix="meals/")
        assert other.object_name(key) != store.object_name(key)
    finally:
        await store.aclose()


async def test_s3_unreachable_is_a_dependency_failure(jpeg: SanitisedImage) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    store = await S3ImageStore.open(
        "psi-gone",
        owner_key=b"k" * 32,
        endpoint_url=f"http://127.0.0.1:{port}",
        region="us-east-1",
        timeout_s=1.0,
    )
    try:
        for attempt in (
            store.put(jpeg, OWNER),
            store.get(f"{OWNER}/{'a' * 32}.jpg"),
            store.keys_of(OWNER),
            store.delete_owner(OWNER),
        ):
            with pytest.raises(DependencyUnavailable) as caught:
                await attempt
            assert caught.value.details["dependency"] == "image_store"
    finally:
        await store.aclose()


def _rule(scope: dict, **expiry: int) -> dict:
    return {
        "ID": "old-versions",
        "Status": "Enabled",
        "Filter": scope,
        "NoncurrentVersionExpiration": {"NoncurrentDays": 1, **expiry},
    }


async def test_s3_versioned_bucket_keeps_deleted_photos_until_a_rule_expires_them(
    s3_endpoint: S3Endpoint, jpeg: SanitisedImage
) -> None:
    store = await open_s3_store(s3_endpoint, prefix="images/")
    s3, bucket = store.client, store.bucket
    try:
        assert await store.kept_versions_finding() is None  # never versioned
        await s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        await store.put(jpeg, OWNER)
        assert await store.delete_owner(OWNER) == 1
        assert await store.keys_of(OWNER) == []
        # What the finding is about: the photo is still there, as a non-current version.
        versions = await s3.list_object_versions(Bucket=bucket)
        assert [v["IsLatest"] for v in versions.get("Versions", ())] == [False]
        assert "versioning is on" in (await store.kept_versions_finding() or "")

        not_covering = [
            _rule({"Prefix": "other/"}),
            _rule({"And": {"Prefix": "images/", "Tags": [{"Key": "k", "Value": "v"}]}}),
            {**_rule({"Prefix": "images/"}), "Status": "Disabled"},
        ]
        for rule in not_covering:
            await s3.put_bucket_lifecycle_configuration(
                Bucket=bucket, LifecycleConfiguration={"Rules": [rule]}
            )
            assert await store.kept_versions_finding(), rule
        for scope in ({"Prefix": "images/"}, {"Prefix": ""}, {"Prefix": "im"}):
            await s3.put_bucket_lifecycle_configuration(
                Bucket=bucket, LifecycleConfiguration={"Rules": [_rule(scope)]}
            )
            assert await store.kept_versions_finding() is None, scope
    finally:
        await store.aclose()


def test_a_rule_that_keeps_some_old_versions_keeps_deleted_photos() -> None:
    # moto drops NewerNoncurrentVersions from a stored rule, so this one is read directly.
    assert rule_expires_old_versions(_rule({"Prefix": "images/"}), "images/")
    assert not rule_expires_old_versions(
        _rule({"Prefix": "images/"}, NewerNoncurrentVersions=3), "images/"
    )
