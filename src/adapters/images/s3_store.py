"""`ImageStore` on an S3-compatible object store (AWS S3, MinIO, Ceph RGW, ...).

The store's keys stay `<owner>/<hex>.<ext>` (what the food history keeps and the
contract names), but no object in the bucket carries a user id: an owner's objects
live under `<prefix><HMAC-SHA256(owner_key, owner)>/`, so the bucket's listings,
access logs and replication reports reveal nothing about who took a photo, while
`keys_of` and `delete_owner` still find an owner's objects with one prefix listing.

Every object is written with server-side encryption requested (`AES256`, or
`aws:kms` with a key id). Images are never public: objects are written private and
only ever read through the API.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import io
from collections.abc import Sequence
from contextlib import AsyncExitStack
from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from PIL import Image

from adapters.failures import Dependency, socket_failure, translates_failures
from adapters.images.keys import check_owner, new_key, parse_key, variant_key, variants_prefix
from domain.errors import NotFound
from domain.food.vision import SanitisedImage

_MISSING = frozenset({"NoSuchKey", "404", "NotFound"})


def _unavailable(exc: BaseException) -> bool:
    """Connection refused or lost, timeouts, and the service saying it cannot serve
    (5xx, SlowDown): the store is down. A 4xx other than throttling is a bug here or a
    misconfiguration (a missing bucket, refused credentials) and is not hidden."""
    if isinstance(exc, ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        code = exc.response.get("Error", {}).get("Code", "")
        return status >= 500 or code in ("SlowDown", "RequestTimeout", "ServiceUnavailable")
    return isinstance(exc, BotoCoreError) or socket_failure(exc)


OBJECT_STORE = Dependency("image_store", _unavailable)


def _missing(exc: ClientError) -> bool:
    return exc.response.get("Error", {}).get("Code", "") in _MISSING


@translates_failures(OBJECT_STORE)
class S3ImageStore:
    """Open with `await S3ImageStore.open(...)` (one pooled client for the process),
    close with `aclose()`."""

    def __init__(
        self,
        client: Any,
        bucket: str,
        *,
        owner_key: bytes,
        prefix: str = "",
        encryption: str = "AES256",
        kms_key_id: str | None = None,
    ) -> None:
        self._s3 = client
        self._bucket = bucket
        self._owner_key = owner_key
        self._prefix = prefix
        self._encryption = {"ServerSideEncryption": encryption}
        if kms_key_id:
            self._encryption["SSEKMSKeyId"] = kms_key_id
        self._stack: AsyncExitStack | None = None

    @classmethod
    async def open(
        cls,
        bucket: str,
        *,
        owner_key: bytes,
        endpoint_url: str | None = None,
        region: str | None = None,
        prefix: str = "",
        encryption: str = "AES256",
        kms_key_id: str | None = None,
        timeout_s: float = 5.0,
    ) -> S3ImageStore:
        import aioboto3  # the `s3` extra: only a process that uses S3 needs it

        stack = AsyncExitStack()
        config = Config(
            connect_timeout=timeout_s,
            read_timeout=timeout_s,
            retries={"max_attempts": 2, "mode": "standard"},
            s3={"addressing_style": "path"} if endpoint_url else None,
        )
        client = await stack.enter_async_context(
            aioboto3.Session().client(
                "s3", endpoint_url=endpoint_url, region_name=region, config=config
            )
        )
        store = cls(
            client,
            bucket,
            owner_key=owner_key,
            prefix=prefix,
            encryption=encryption,
            kms_key_id=kms_key_id,
        )
        store._stack = stack
        return store

    @property
    def client(self) -> Any:
        return self._s3

    @property
    def bucket(self) -> str:
        return self._bucket

    async def aclose(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()

    async def ping(self) -> None:
        """For /ready: the bucket answers and these credentials may use it (HeadBucket,
        no object read). A missing bucket or refused credentials raise too."""
        await self._s3.head_bucket(Bucket=self._bucket)

    async def kept_versions_finding(self) -> str | None:
        """Why deleted photos would stay in the bucket, or None. With versioning on (or
        suspended after it was on) a delete only adds a delete marker: the photo stays as
        a non-current version until a lifecycle rule expires it, so a purge or a deleted
        history entry removes nothing. Needs s3:GetBucketVersioning and
        s3:GetLifecycleConfiguration."""
        versioning = await self._s3.get_bucket_versioning(Bucket=self._bucket)
        if versioning.get("Status") not in ("Enabled", "Suspended"):
            return None
        try:
            lifecycle = await self._s3.get_bucket_lifecycle_configuration(Bucket=self._bucket)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "NoSuchLifecycleConfiguration":
                raise
            lifecycle = {}
        if any(
            rule_expires_old_versions(rule, self._prefix) for rule in lifecycle.get("Rules", ())
        ):
            return None
        return (
            "bucket versioning is on and no lifecycle rule expires non-current versions "
            "of these images: deleted photos stay as old versions (docs/operations.md)"
        )

    def object_name(self, key: str) -> str:
        """Where the image (or variant) at store key `key` lives in the bucket."""
        owner, rest = key.split("/", 1)
        return self._owner_folder(owner) + rest

    def _owner_folder(self, owner: str) -> str:
        digest = hmac.new(self._owner_key, check_owner(owner).encode(), hashlib.sha256)
        return f"{self._prefix}{digest.hexdigest()[:40]}/"

    async def _put_object(self, name: str, data: bytes, content_type: str) -> None:
        await self._s3.put_object(
            Bucket=self._bucket, Key=name, Body=data, ContentType=content_type, **self._encryption
        )

    async def _read(self, name: str) -> bytes | None:
        try:
            response = await self._s3.get_object(Bucket=self._bucket, Key=name)
        except ClientError as exc:
            if _missing(exc):
                return None
            raise
        async with response["Body"] as body:
            data: bytes = await body.read()
        return data

    async def _exists(self, name: str) -> bool:
        try:
            await self._s3.head_object(Bucket=self._bucket, Key=name)
        except ClientError as exc:
            if _missing(exc):
                return False
            raise
        return True

    async def _names_under(self, folder: str) -> list[str]:
        names: list[str] = []
        paginator = self._s3.get_paginator("list_objects_v2")
        async for page in paginator.paginate(Bucket=self._bucket, Prefix=folder):
            names.extend(item["Key"] for item in page.get("Contents", ()))
        return names

    async def _delete_names(self, names: Sequence[str]) -> None:
        for start in range(0, len(names), 1000):  # DeleteObjects takes 1000 at most
            batch = [{"Key": n} for n in names[start : start + 1000]]
            response = await self._s3.delete_objects(
                Bucket=self._bucket, Delete={"Objects": batch, "Quiet": True}
            )
            if response.get("Errors"):
                raise OSError(f"object store kept {len(response['Errors'])} objects")

    async def put(self, image: SanitisedImage, owner: str) -> str:
        key = new_key(owner, image)
        await self._put_object(self.object_name(key), image.data, image.media_type)
        return key

    async def get(self, key: str) -> SanitisedImage:
        _, media_type = parse_key(key)
        data = await self._read(self.object_name(key))
        if data is None:
            raise NotFound("no such image")
        width, height = await asyncio.to_thread(_size, data)
        return SanitisedImage(data=data, media_type=media_type, width=width, height=height)

    async def delete(self, key: str) -> bool:
        try:
            stem = self.object_name(variants_prefix(key))
        except NotFound:
            return False
        original = self.object_name(key)
        found = await self._exists(original)
        doomed = [n for n in await self._names_under(stem) if n != original]
        await self._delete_names([*doomed, original] if found else doomed)
        return found

    async def put_variant(self, key: str, variant: str, data: bytes) -> None:
        name = variant_key(key, variant)
        if not await self._exists(self.object_name(key)):
            raise NotFound("no such image")
        await self._put_object(self.object_name(name), data, "image/jpeg")

    async def get_variant(self, key: str, variant: str) -> bytes | None:
        try:
            name = variant_key(key, variant)
        except NotFound:
            return None
        return await self._read(self.object_name(name))

    async def keys_of(self, owner: str) -> list[str]:
        folder = self._owner_folder(owner)
        return sorted(f"{owner}/{n[len(folder) :]}" for n in await self._names_under(folder))

    async def delete_owner(self, owner: str) -> int:
        names = await self._names_under(self._owner_folder(owner))
        await self._delete_names(names)
        return sum(1 for n in names if n.rsplit("/", 1)[1].count(".") == 1)  # not variants


def rule_expires_old_versions(rule: dict[str, Any], prefix: str) -> bool:
    """An enabled rule that expires every non-current version of every object under
    `prefix` (a rule limited by tags or sizes does not: the store sets neither)."""
    expiry = rule.get("NoncurrentVersionExpiration")
    # NewerNoncurrentVersions keeps that many old versions of every photo for good.
    if rule.get("Status") != "Enabled" or not expiry or expiry.get("NewerNoncurrentVersions"):
        return False
    scope = rule.get("Filter", {})
    scope = scope.get("And", scope)
    if set(scope) - {"Prefix"}:
        return False
    return prefix.startswith(scope.get("Prefix", rule.get("Prefix", "")))


def _size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as img:
        width, height = img.size
    return width, height
