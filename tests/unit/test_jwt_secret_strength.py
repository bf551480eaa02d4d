"""Production refuses a signing secret without entropy (issue 19): `changeme` x 4 is 32
bytes and was accepted."""

from __future__ import annotations

import secrets

import pytest

from entrypoints.secret_policy import secret_weakness
from entrypoints.settings import SettingsError, load_settings
from tests.support.app import TEST_SECRET

WEAK = [
    "changeme" * 4,
    "a" * 64,
    "password" * 5,
    "test-secret-" + "x" * 40,
    "0123012301230123012301230123012301",
    "short-but-random-Zq9",
]


@pytest.mark.parametrize("secret", WEAK)
def test_weak_secrets_are_refused_in_production(tmp_path, secret):
    assert secret_weakness(secret) is not None
    with pytest.raises(SettingsError):
        load_settings({"PSI_JWT_SECRET": secret}, env="production", var_dir=tmp_path)


@pytest.mark.parametrize(
    "secret",
    [secrets.token_urlsafe(32), secrets.token_hex(32), secrets.token_urlsafe(48), TEST_SECRET],
)
def test_random_secrets_are_accepted(tmp_path, secret):
    assert secret_weakness(secret) is None
    settings = load_settings({"PSI_JWT_SECRET": secret}, env="production", var_dir=tmp_path)
    assert settings.jwt_secret == secret


def test_the_embedded_profile_generates_a_strong_secret(tmp_path):
    assert secret_weakness(load_settings({}, var_dir=tmp_path).jwt_secret) is None
