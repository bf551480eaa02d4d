"""Meal photos on S3 (`PSI_IMAGE_STORE=s3`): the bucket's store, which replaces the
filesystem store of `VisionProvider`, its readiness probe, and the advisory that names a
versioned bucket where deleted photos would stay as old versions.

A provider of its own, installed by `store_providers` after the feature providers, rather
than a `when=Has(...)` factory: naming `S3ImageStore` in `VisionProvider` would import
botocore, which only the `s3` extra installs."""

from __future__ import annotations

from collections.abc import AsyncIterator

from dishka import Provider, Scope, alias, provide

from adapters.images.s3_store import S3ImageStore
from application.ports.vision import ImageStore
from entrypoints.providers.infrastructure import ReadinessAdvisory, ReadinessProbe
from entrypoints.settings import Settings


class S3ImagesProvider(Provider):
    scope = Scope.APP

    @provide
    async def bucket(self, s: Settings) -> AsyncIterator[S3ImageStore]:
        assert s.s3_bucket and s.s3_owner_key  # load_settings refuses s3 without them
        store = await S3ImageStore.open(
            s.s3_bucket,
            owner_key=s.s3_owner_key.encode(),
            endpoint_url=s.s3_endpoint_url,
            region=s.s3_region,
            prefix=s.s3_prefix,
            encryption=s.s3_encryption,
            kms_key_id=s.s3_kms_key_id,
            timeout_s=s.dependency_timeout_s * 2,
        )
        yield store
        await store.aclose()

    images = alias(source=S3ImageStore, provides=ImageStore)

    @provide
    def probe(self, store: S3ImageStore) -> ReadinessProbe:
        return ReadinessProbe("image_store", store.ping)

    @provide
    def versions_advisory(self, store: S3ImageStore) -> ReadinessAdvisory:
        return ReadinessAdvisory("image_store", store.kept_versions_finding)
