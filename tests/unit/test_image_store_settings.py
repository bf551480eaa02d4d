"""`PSI_IMAGE_STORE=s3` refuses to start without what it needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from entrypoints.settings import SettingsError, load_settings

KEY = "an-owner-key-that-is-long-enough-0123456789"


def test_s3_needs_a_bucket_and_a_long_owner_key(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="PSI_S3_BUCKET"):
        load_settings({"PSI_IMAGE_STORE": "s3", "PSI_S3_OWNER_KEY": KEY}, var_dir=tmp_path)
    with pytest.raises(SettingsError, match="PSI_S3_OWNER_KEY"):
        load_settings({"PSI_IMAGE_STORE": "s3", "PSI_S3_BUCKET": "b"}, var_dir=tmp_path)
    with pytest.raises(SettingsError, match="PSI_S3_OWNER_KEY"):
        load_settings(
            {"PSI_IMAGE_STORE": "s3", "PSI_S3_BUCKET": "b", "PSI_S3_OWNER_KEY": "short"},
            var_dir=tmp_path,
        )


def test_s3_settings_are_read_and_the_prefix_is_a_folder(tmp_path: Path) -> None:
    s = load_settings(
        {
            "PSI_IMAGE_STORE": "s3",
            "PSI_S3_BUCKET": "meals",
            "PSI_S3_OWNER_KEY": KEY,
            "PSI_S3_PREFIX": "prod/images",
            "PSI_S3_ENCRYPTION": "aws:kms",
            "PSI_S3_KMS_KEY_ID": "alias/psi",
        },
        var_dir=tmp_path,
    )
    assert (s.image_store, s.s3_bucket, s.s3_prefix) == ("s3", "meals", "prod/images/")
    assert (s.s3_encryption, s.s3_kms_key_id) == ("aws:kms", "alias/psi")
    assert load_settings({}, var_dir=tmp_path).image_store == "filesystem"
