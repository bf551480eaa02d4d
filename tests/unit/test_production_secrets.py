"""Production refuses placeholder, sample and low-variety secrets, naming the setting and
never the value. deploy/k8s shipped `replace-me-with-at-least-32-random-bytes` as the JWT
secret and the bucket's owner key, and it passed the strength check."""

from __future__ import annotations

import re
import secrets
import string
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from entrypoints.secret_policy import (
    CREDENTIAL_URLS,
    GENERATED_KEYS,
    ISSUED_SECRETS,
    is_placeholder,
    weak_secrets,
)
from entrypoints.settings import SettingsError, load_settings, setting_variable

REPO = Path(__file__).resolve().parents[2]
STRONG = secrets.token_urlsafe(48)
KEYS = [setting_variable(f) for f in (*GENERATED_KEYS, *ISSUED_SECRETS)]
URLS = [setting_variable(f) for f in CREDENTIAL_URLS]

# What each setting needs beside it to get as far as the secret check.
_CONTEXT = {
    "PSI_REDIS_SENTINEL_PASSWORD": {
        "PSI_REDIS_MODE": "sentinel",
        "PSI_REDIS_URL": "redis://psi-main/0",
        "PSI_REDIS_SENTINELS": "10.0.0.1:26379",
    },
    "PSI_DATABASE_REPLICA_URLS": {"PSI_DATABASE_URL": "postgresql://psi@db/psi"},
}
# A URL of each setting with `{password}` where its password goes.
_URL_SHAPES = {
    "PSI_DATABASE_URL": "postgresql+asyncpg://psi:{password}@db:5432/psi",
    "PSI_DATABASE_REPLICA_URLS": "postgresql://psi@replica-1/psi,postgresql://psi:{password}@r2/psi",
    "PSI_REDIS_URL": "rediss://:{password}@redis.internal:6380/0",
    "PSI_MONGODB_URI": "mongodb://psi:{password}@mongo-1,mongo-2/psi?replicaSet=rs0",
    "PSI_SMTP_URL": "smtp://mailer:{password}@smtp.internal:587?starttls=true",
}
_SCHEME_SETTING = {
    "postgres": "PSI_DATABASE_URL",
    "postgresql": "PSI_DATABASE_URL",
    "postgresql+asyncpg": "PSI_DATABASE_URL",
    "redis": "PSI_REDIS_URL",
    "rediss": "PSI_REDIS_URL",
    "mongodb": "PSI_MONGODB_URI",
    "mongodb+srv": "PSI_MONGODB_URI",
    "smtp": "PSI_SMTP_URL",
    "smtps": "PSI_SMTP_URL",
}


def _production(tmp_path: Path, variable: str, value: str) -> dict[str, str]:
    return {
        "PSI_ENV": "production",
        "PSI_JWT_SECRET": STRONG,
        "PSI_VAR_DIR": str(tmp_path),
        **_CONTEXT.get(variable, {}),
        variable: value,
    }


def _refusal(tmp_path: Path, variable: str, value: str) -> str:
    with pytest.raises(SettingsError) as caught:
        load_settings(_production(tmp_path, variable, value))
    return str(caught.value)


def _tail() -> str:
    """A random part that must never show in a message."""
    return "".join(secrets.choice(string.ascii_letters) for _ in range(12))


PLACEHOLDERS = [
    "replace-me-with-at-least-32-random-bytes-{tail}",
    "changeme-{tail}-0123456789abcdefghijklmnop",
    "Change_Me_{tail}_0123456789abcdefghijklmnop",
    "CHANGE-ME-{tail}-0123456789abcdefghijklmnop",
    "example-{tail}-0123456789abcdefghijklmnopqrs",
    "placeholder-{tail}-0123456789abcdefghijklmn",
    "your-secret-{tail}-0123456789abcdefghijklmn",
    "${{PSI_SECRET_{tail}}}-0123456789abcdefghijklmn",
    "<{tail}-0123456789abcdefghijklmnopqrstuvwxyz>",
]
LOW_VARIETY = ["{tail}" * 4, "x" * 48, "ab" * 24, "1234567"]
SAMPLES = ["secret", "SECRET", "password", "pass", "pw", "changeit"]


@pytest.mark.parametrize("variable", KEYS)
@pytest.mark.parametrize("shape", PLACEHOLDERS + LOW_VARIETY)
def test_a_placeholder_key_is_refused_naming_the_setting_not_the_value(
    tmp_path: Path, variable: str, shape: str
) -> None:
    tail = _tail()
    value = shape.format(tail=tail)
    message = _refusal(tmp_path, variable, value)
    assert variable in message
    assert tail not in message and value not in message


@pytest.mark.parametrize("variable", KEYS)
@pytest.mark.parametrize("value", SAMPLES)
def test_a_stand_in_word_is_refused(tmp_path: Path, variable: str, value: str) -> None:
    message = _refusal(tmp_path, variable, value)
    assert variable in message and f"{variable} {value}" not in message


@pytest.mark.parametrize("variable", URLS)
@pytest.mark.parametrize("shape", PLACEHOLDERS + LOW_VARIETY + SAMPLES)
def test_a_placeholder_password_in_a_url_is_refused(
    tmp_path: Path, variable: str, shape: str
) -> None:
    tail = _tail()
    password = shape.format(tail=tail)
    url = _URL_SHAPES[variable].format(password=password.replace("$", "%24"))
    message = _refusal(tmp_path, variable, url)
    assert variable in message and "password" in message
    assert tail not in message and url not in message


def _random_settings() -> dict[str, str]:
    password = secrets.token_urlsafe(18)
    return {
        "PSI_JWT_SECRET": secrets.token_urlsafe(48),
        "PSI_S3_OWNER_KEY": secrets.token_hex(32),
        "PSI_STRIPE_SECRET_KEY": "sk_live_" + secrets.token_urlsafe(72),
        "PSI_STRIPE_WEBHOOK_SECRET": "whsec_" + secrets.token_urlsafe(24),
        "PSI_ANTHROPIC_API_KEY": "sk-ant-api03-" + secrets.token_urlsafe(70),
        "PSI_FDC_API_KEY": "".join(secrets.choice(string.ascii_letters) for _ in range(40)),
        **{variable: shape.format(password=password) for variable, shape in _URL_SHAPES.items()},
    }


def test_random_secrets_are_accepted_in_production(tmp_path: Path) -> None:
    environ = _random_settings()
    s = load_settings({**environ, "PSI_ENV": "production", "PSI_VAR_DIR": str(tmp_path)})
    assert s.s3_owner_key == environ["PSI_S3_OWNER_KEY"]
    assert s.stripe_webhook_secret == environ["PSI_STRIPE_WEBHOOK_SECRET"]
    password = secrets.token_urlsafe(16)
    s = load_settings(_production(tmp_path, "PSI_REDIS_SENTINEL_PASSWORD", password))
    assert s.redis_sentinel_password == password
    # Passwords that are merely short or plain words people use are not placeholders.
    for human in ("Tr0ub4dor&3", "correct horse battery staple"):
        assert not is_placeholder(human)
        load_settings(_production(tmp_path, "PSI_DATABASE_URL", f"postgresql://psi:{human}@db/psi"))


def test_generated_keys_are_not_taken_for_placeholders() -> None:
    for _ in range(2000):
        for key in (secrets.token_urlsafe(32), secrets.token_hex(32), secrets.token_urlsafe(48)):
            assert not is_placeholder(key), key


def test_the_embedded_profile_keeps_its_development_secrets(tmp_path: Path) -> None:
    placeholders = {
        **dict.fromkeys(KEYS, "replace-me-with-at-least-32-random-bytes"),
        **{variable: shape.format(password="pw") for variable, shape in _URL_SHAPES.items()},
        "PSI_REDIS_MODE": "sentinel",
        "PSI_REDIS_URL": "redis://:pw@psi-main/0",
        "PSI_REDIS_SENTINELS": "10.0.0.1:26379",
    }
    s = load_settings({**placeholders, "PSI_VAR_DIR": str(tmp_path)})
    assert s.jwt_secret == "replace-me-with-at-least-32-random-bytes"
    assert weak_secrets(s), "the same settings are refused in production"
    generated = load_settings({}, var_dir=tmp_path / "fresh")
    assert generated.jwt_secret and not weak_secrets(generated)


# -- every secret value the repository shows as an example ---------------------------------
_CREDENTIAL_URL = re.compile(r"[a-z][a-z0-9+.\[\]-]*://[^\s`'\"|()]*@[^\s`'\"|()]*")
_ASSIGNMENT = re.compile(r"\b(PSI_[A-Z0-9_]+)=([^\s`'\"|]+)")
_COMPOSE_DEFAULT = re.compile(r"\$\{[A-Z0-9_]+:-(?P<default>[^}]+)\}")


def _url_samples(text: str) -> list[tuple[str, str]]:
    samples = []
    for match in _CREDENTIAL_URL.finditer(text):
        url = match[0].replace("[", "").replace("]", "")  # redis[s]://[user:pass@]host
        if "${" in url or not urlsplit(url).password:
            continue  # a reference to the environment, or no password
        scheme = urlsplit(url).scheme
        assert scheme in _SCHEME_SETTING, f"a credential URL of an unknown kind: {url}"
        samples.append((_SCHEME_SETTING[scheme], url))
    return samples


def _markdown_samples() -> list[tuple[str, str]]:
    samples = []
    for path in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]:
        text = path.read_text()
        samples += _url_samples(text)
        samples += [(k, v) for k, v in _ASSIGNMENT.findall(text) if k in KEYS]
    return samples


def _manifest_samples() -> list[tuple[str, str]]:
    samples = []
    for path in sorted((REPO / "deploy").rglob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            for values in (doc or {}).get("data", {}), (doc or {}).get("stringData", {}):
                for key, value in (values or {}).items():
                    if key in KEYS:
                        samples.append((key, str(value)))
                    elif key in URLS:
                        samples += [(key, url) for _, url in _url_samples(str(value))]
    for path in sorted({*REPO.glob(".env*"), *REPO.glob("*.env"), *REPO.glob("deploy/**/*.env*")}):
        for line in path.read_text().splitlines():
            key, _, value = line.partition("=")
            if key.strip() in KEYS and value.strip():
                samples.append((key.strip(), value.strip().strip("'\"")))
            elif key.strip() in URLS:
                samples += [(key.strip(), url) for _, url in _url_samples(value)]
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    for service in compose["services"].values():
        for key, value in (service.get("environment") or {}).items():
            default = _COMPOSE_DEFAULT.search(str(value))
            if key in KEYS and default:
                samples.append((key, default["default"]))
            elif key in URLS:
                samples += [(key, url) for _, url in _url_samples(str(value))]
    return samples


REPO_SAMPLES = sorted(set(_markdown_samples() + _manifest_samples()))


def test_the_samples_include_the_shipped_secret() -> None:
    shipped = "replace-me-with-at-least-32-random-bytes"
    assert ("PSI_JWT_SECRET", shipped) in REPO_SAMPLES
    assert ("PSI_S3_OWNER_KEY", shipped) in REPO_SAMPLES
    assert {variable for variable, _ in REPO_SAMPLES} >= {"PSI_DATABASE_URL", "PSI_SMTP_URL"}


@pytest.mark.parametrize(("variable", "value"), REPO_SAMPLES)
def test_every_sample_secret_in_the_repository_is_refused(
    tmp_path: Path, variable: str, value: str
) -> None:
    message = _refusal(tmp_path, variable, value)
    assert variable in message
    assert value not in message
