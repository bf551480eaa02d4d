"""The one typed settings object, read from PSI_* environment variables at the entrypoint.

Nothing else in the code reads the environment.
"""

from __future__ import annotations

import difflib
import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import msgspec

from entrypoints.secret_policy import SECRET_MIN_BYTES, weak_secrets


def _working_var_dir() -> Path:
    """`var/` under the directory the process starts in (never inside site-packages)."""
    return Path.cwd() / "var"


class SettingsError(ValueError):
    """The configuration cannot run safely; the process must not start."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    env: Literal["embedded", "production"] = "embedded"
    host: str = "127.0.0.1"
    port: int = 8000
    var_dir: Path = msgspec.field(default_factory=_working_var_dir)
    database_url: str | None = None
    # Streaming replicas of the PostgreSQL primary (comma-separated URLs): read-only use
    # cases read there, except a person's own reads for `database_replica_sticky_s`
    # seconds after they wrote (read your writes).
    database_replica_urls: tuple[str, ...] = ()
    database_replica_sticky_s: float = 5.0
    redis_url: str | None = None
    redis_prefix: str = "psi:"
    mongodb_uri: str | None = None
    mongodb_database: str = "psi"
    jwt_secret: str | None = None
    jwt_issuer: str = "psi"
    jwt_audience: str = "psi-mobile"
    access_token_ttl_s: int = 3600
    refresh_token_ttl_s: int = 30 * 24 * 3600
    argon2_memory_kib: int = 19_456
    argon2_time_cost: int = 2
    argon2_parallelism: int = 1
    cors_origins: tuple[str, ...] = ()
    trusted_proxies: tuple[str, ...] = ()
    upload_dir: Path | None = None
    # Meal photos: "filesystem" (under upload_dir) or "s3" (an S3-compatible bucket; AWS
    # credentials from the standard AWS_* variables, instance profile or web identity).
    image_store: Literal["filesystem", "s3"] = "filesystem"
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None  # None: AWS itself; MinIO, Ceph: their URL
    s3_region: str | None = None
    s3_prefix: str = "images/"
    s3_encryption: Literal["AES256", "aws:kms"] = "AES256"
    s3_kms_key_id: str | None = None
    # Object names carry HMAC(s3_owner_key, user id), never the id: keep it stable (a
    # new key orphans every stored photo) and secret (it would let anyone link objects
    # to users).
    s3_owner_key: str | None = None
    db_pool_size: int = 10
    db_statement_timeout_ms: int = 5_000
    dependency_timeout_s: float = 2.0
    rate_limit_enabled: bool = True
    rate_limit_user_per_min: int = 100
    rate_limit_ip_per_min: int = 20
    # Sign-in attempts (domain.ratelimit.LoginThrottlePolicy): per account and address,
    # and per address over all accounts, refused beyond; per account over all addresses,
    # slowed (up to `login_max_delay_s` per attempt) past `login_failures_per_account`.
    login_failures_per_account_ip: int = 5
    login_attempts_per_ip: int = 30
    login_failures_per_account: int = 10
    login_max_delay_s: float = 4.0
    login_failure_window_s: int = 900
    audit_retention_days: int = 400
    # Seconds one run of the emotion-series retention job may work (hourly, `psi jobs`);
    # what is left waits for the next run, with a warning in the log.
    retention_budget_s: float = 120.0
    # OpenTelemetry traces: on when the standard OTEL_* variables name an OTLP endpoint
    # (read by load_settings; the SDK reads the rest of OTEL_* itself).
    tracing: bool = False
    # Prometheus metrics on a port of their own (unset: not served); never the API's port.
    metrics_port: int | None = None
    metrics_host: str = "127.0.0.1"
    log_level: str = "INFO"
    log_json: bool = True
    auto_migrate: bool | None = None
    workers: int = 1
    # A connection must send a whole request head within this many seconds (slowloris).
    header_timeout_s: float = 10.0
    # Image decodes at once per API process (uploads beyond wait for a slot).
    image_decode_concurrency: int = 2
    # SIGTERM to an API process: /ready answers 503 at once while requests are still
    # served for this many seconds (so load balancers stop routing here), then the
    # listener closes and in-flight requests get up to `shutdown_timeout_s` to finish.
    # None: 5 s in production, 0 in the embedded profile.
    shutdown_grace_s: float | None = None
    shutdown_timeout_s: float = 20.0
    anthropic_api_key: str | None = None
    anthropic_model: str = "claude-sonnet-5"  # claude-sonnet-4-5 reaches end-of-life 2026-11-30
    anthropic_base_url: str | None = None
    anthropic_timeout_s: float = 20.0
    anthropic_max_retries: int = 2
    anthropic_deadline_s: float = 45.0
    # The meal-photo detector: "nanodet" (the shipped NanoDet-g-416), "yolo"
    # (PSI_YOLO_WEIGHTS) or "off". None: "yolo" when PSI_YOLO_WEIGHTS is set,
    # else "nanodet".
    detector: Literal["nanodet", "yolo", "off"] | None = None
    nanodet_weights: Path | None = None  # None: the model shipped in the package
    nanodet_confidence: float = 0.35
    nanodet_iou: float = 0.6
    yolo_weights: Path | None = None
    yolo_confidence: float = 0.25
    yolo_iou: float = 0.7
    yolo_threads: int = 0
    yolo_cache_dir: Path | None = None
    hrv_engine: Literal["fast", "neurokit2"] = "fast"
    fdc_api_key: str | None = None
    fdc_base_url: str = "https://api.nal.usda.gov/fdc"
    fdc_timeout_s: float = 5.0
    # Fill an empty nutrition store with the packaged USDA generic foods at start-up
    # (None: in the embedded profile only).
    nutrition_auto_import: bool | None = None
    # Account mail: SMTP (smtp://user:pass@host:587?starttls=true, smtps://host:465), else
    # each message is written as an .eml file under var/outbox/.
    smtp_url: str | None = None
    email_from: str = "Psi <no-reply@psi.localhost>"
    email_link_base: str = "psi://account"  # links in mail: <base>/reset-password?token=
    email_timeout_s: float = 10.0
    password_resets_per_ip_per_hour: int = 20
    password_resets_per_account_per_hour: int = 5
    # Payments (Stripe). Checkout answers 503 until the secret key and both prices are set.
    stripe_secret_key: str | None = None
    stripe_webhook_secret: str | None = None
    stripe_price_monthly: str | None = None
    stripe_price_yearly: str | None = None
    stripe_api_base: str | None = None  # tests: a local server speaking Stripe's wire format
    stripe_timeout_s: float = 10.0
    stripe_trial_days: int = 14
    stripe_success_url: str = "psi://subscription/success?session_id={CHECKOUT_SESSION_ID}"
    stripe_cancel_url: str = "psi://subscription/cancel"
    subscription_grace_days: int = 7  # past_due (or unheard-of renewal) keeps premium this long
    # -- Redis topology (docs/operations.md, "Redis topologies") ------------------------
    # standalone: PSI_REDIS_URL is the server. cluster: PSI_REDIS_URL is one seed node
    # (credentials and TLS for every node), PSI_REDIS_CLUSTER_NODES more seeds
    # (host:port,...). sentinel: PSI_REDIS_SENTINELS (host:port,...) are asked for the
    # primary named PSI_REDIS_SENTINEL_MASTER (default: the host of PSI_REDIS_URL), and
    # PSI_REDIS_URL gives only its credentials, TLS (rediss://, ssl_* query options) and
    # database. The sentinels' own ACL user and password (not the data nodes'), and TLS
    # to them (None: as to the data nodes).
    redis_mode: Literal["standalone", "cluster", "sentinel"] = "standalone"
    redis_cluster_nodes: tuple[str, ...] = ()
    redis_sentinels: tuple[str, ...] = ()
    redis_sentinel_master: str | None = None
    redis_sentinel_username: str | None = None
    redis_sentinel_password: str | None = None
    redis_sentinel_tls: bool | None = None
    # The pipelined lane for the per-request commands (off: redis-py's client for all).
    redis_lane: bool = True

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def sql_url(self) -> str:
        return self.database_url or f"sqlite+aiosqlite:///{self.var_dir / 'psi.db'}"

    @property
    def images_dir(self) -> Path:
        return self.upload_dir or self.var_dir / "uploads"

    @property
    def outbox_dir(self) -> Path:
        return self.var_dir / "outbox"

    @property
    def models_dir(self) -> Path:
        """Where `.pt` weights exported to ONNX are cached."""
        return self.yolo_cache_dir or self.var_dir / "models"

    @property
    def detector_family(self) -> Literal["nanodet", "yolo", "off"]:
        if self.detector is not None:
            return self.detector
        return "yolo" if self.yolo_weights is not None else "nanodet"

    @property
    def drain_s(self) -> float:
        """The pre-stop grace of `shutdown_grace_s`, resolved for the profile."""
        if self.shutdown_grace_s is not None:
            return max(0.0, self.shutdown_grace_s)
        return 5.0 if self.is_production else 0.0

    @property
    def migrate_on_start(self) -> bool:
        return (not self.is_production) if self.auto_migrate is None else self.auto_migrate


_LIST_FIELDS = {
    "cors_origins",
    "trusted_proxies",
    "database_replica_urls",
    "redis_cluster_nodes",
    "redis_sentinels",
}
# PSI_* variables read by the tooling around the service (tests, CI, benches, justfile),
# not by the service: never reported as unknown settings.
_TOOLING_PREFIXES = ("PSI_TEST_", "PSI_BENCH_")
_TOOLING_NAMES = frozenset({"PSI_REQUIRE_VISION", "PSI_PYTHON"})

# Fields no PSI_* variable sets: `tracing` follows the standard OTEL_* variables.
_DERIVED_FIELDS = frozenset({"tracing"})

_log = logging.getLogger("psi.settings")


def setting_variable(field: str) -> str:
    """The environment variable of a settings field (``database_url`` -> PSI_DATABASE_URL)."""
    return f"PSI_{field.upper()}"


def setting_variables() -> list[str]:
    """Every PSI_* variable `load_settings` reads (README's settings table lists each)."""
    return [setting_variable(f) for f in Settings.__struct_fields__ if f not in _DERIVED_FIELDS]


def unknown_variables(environ: Mapping[str, str]) -> list[tuple[str, str | None]]:
    """Each PSI_* variable that names no setting, with the closest known one (or None)."""
    known = setting_variables()
    unknown = []
    for key in sorted(environ):
        if (
            not key.startswith("PSI_")
            or key.startswith(_TOOLING_PREFIXES)
            or key in _TOOLING_NAMES
            or key in known
        ):
            continue
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        unknown.append((key, close[0] if close else None))
    return unknown


def _check_unknown(environ: Mapping[str, str], env: str) -> None:
    """A mistyped variable is silently ignored otherwise (PSI_DATABSE_URL would leave the
    service on the embedded SQLite file): an error in production, a warning elsewhere."""
    unknown = unknown_variables(environ)
    if not unknown:
        return
    described = "; ".join(
        f"{key} (did you mean {close}?)" if close else key for key, close in unknown
    )
    if env == "production":
        raise SettingsError(f"unknown PSI_* variable: {described}")
    _log.warning("unknown PSI_* variable ignored: %s", described)


def load_settings(environ: Mapping[str, str] | None = None, **overrides) -> Settings:
    """Build settings from PSI_* variables (PSI_DATABASE_URL -> database_url), then
    resolve and check the secrets (production refuses placeholders: secret_policy)."""
    environ = os.environ if environ is None else environ
    raw: dict[str, object] = {}
    fields = set(Settings.__struct_fields__) - _DERIVED_FIELDS
    for key, value in environ.items():
        if not key.startswith("PSI_") or key.startswith("PSI_TEST_"):
            continue
        name = key[4:].lower()
        if name not in fields:
            continue
        if name in _LIST_FIELDS:
            raw[name] = [v.strip() for v in value.split(",") if v.strip()]
        elif value != "":
            raw[name] = value
    raw["tracing"] = _otlp_configured(environ)
    raw.update(overrides)
    _check_unknown(environ, str(raw.get("env", "embedded")))
    try:
        settings = msgspec.convert(raw, Settings, strict=False, dec_hook=_decode_path)
    except msgspec.ValidationError as exc:
        raise SettingsError(f"invalid PSI_* setting: {exc}") from exc
    _check_redis_topology(settings)
    if settings.retention_budget_s <= 0:
        raise SettingsError("PSI_RETENTION_BUDGET_S must be a positive number of seconds")
    settings = _with_secret(_normalise_urls(_checked_image_store(settings)))
    _refuse_weak_secrets(settings)
    return settings


def _checked_image_store(s: Settings) -> Settings:
    if s.image_store != "s3":
        return s
    if not s.s3_bucket:
        raise SettingsError("PSI_IMAGE_STORE=s3 needs PSI_S3_BUCKET")
    if not s.s3_owner_key or len(s.s3_owner_key.encode()) < SECRET_MIN_BYTES:
        raise SettingsError(
            f"PSI_IMAGE_STORE=s3 needs PSI_S3_OWNER_KEY (at least {SECRET_MIN_BYTES} bytes, "
            "kept stable: object names are derived from it)"
        )
    if s.s3_prefix and not s.s3_prefix.endswith("/"):
        return msgspec.structs.replace(s, s3_prefix=s.s3_prefix + "/")
    return s


_SENTINEL_ACCESS = ("redis_sentinel_username", "redis_sentinel_password", "redis_sentinel_tls")


def _check_redis_topology(s: Settings) -> None:
    stray = [f for f in _SENTINEL_ACCESS if getattr(s, f) is not None]
    if stray and s.redis_mode != "sentinel":
        names = ", ".join(setting_variable(f) for f in stray)
        raise SettingsError(f"{names} apply only with PSI_REDIS_MODE=sentinel")
    if s.redis_mode == "standalone" or s.redis_url is None:
        return
    if s.redis_mode == "sentinel":
        _check_sentinel(s)
    for node in (*s.redis_cluster_nodes, *s.redis_sentinels):
        host, _, port = node.rpartition(":")
        if not host or not port.isdigit():
            raise SettingsError(f"invalid Redis node {node!r}: expected host:port")


def _check_sentinel(s: Settings) -> None:
    from adapters.redis.connect import PrimaryOptions

    assert s.redis_url is not None
    if not s.redis_sentinels:
        raise SettingsError("PSI_REDIS_MODE=sentinel needs PSI_REDIS_SENTINELS (host:port,...)")
    if s.redis_sentinel_username and not s.redis_sentinel_password:
        raise SettingsError(
            "PSI_REDIS_SENTINEL_USERNAME needs PSI_REDIS_SENTINEL_PASSWORD (the sentinels' "
            "own password, not the data nodes' in PSI_REDIS_URL)"
        )
    try:
        primary = PrimaryOptions.of(s.redis_url)
    except ValueError as exc:
        raise SettingsError(f"invalid PSI_REDIS_URL for sentinel mode: {exc}") from None
    if primary.tls_options and not (primary.tls or s.redis_sentinel_tls):
        raise SettingsError(
            "PSI_REDIS_URL has ssl_* options but no TLS: use rediss:// for the data nodes "
            "or PSI_REDIS_SENTINEL_TLS=true for the sentinels"
        )


def _otlp_configured(environ: Mapping[str, str]) -> bool:
    if environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        return False
    if environ.get("OTEL_TRACES_EXPORTER", "otlp").lower() == "none":
        return False
    return bool(
        environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
        or environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )


def redact_url(url: str) -> str:
    """The URL with any password replaced (for messages: which database, never its secret)."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    credentials, _, location = rest.rpartition("@")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{location}" if ":" in credentials else url


def _decode_path(kind: type, value: object) -> object:
    if kind is Path and isinstance(value, str | Path):
        return Path(value)
    raise NotImplementedError(kind)


def _asyncpg_url(url: str) -> str:
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    return url


def _normalise_urls(s: Settings) -> Settings:
    if s.database_replica_urls and not (s.database_url and "postgres" in s.database_url):
        raise SettingsError("PSI_DATABASE_REPLICA_URLS needs a PostgreSQL PSI_DATABASE_URL")
    replicas = tuple(_asyncpg_url(u) for u in s.database_replica_urls)
    if s.database_url:
        return msgspec.structs.replace(
            s, database_url=_asyncpg_url(s.database_url), database_replica_urls=replicas
        )
    return s


def _with_secret(s: Settings) -> Settings:
    if s.jwt_secret:
        return s
    if s.is_production:
        raise SettingsError("PSI_JWT_SECRET is required in production (at least 32 bytes)")
    return msgspec.structs.replace(s, jwt_secret=_embedded_secret(s.var_dir))


def _refuse_weak_secrets(s: Settings) -> None:
    """Production: no placeholder, sample value or low-variety secret (secret_policy)."""
    problems = weak_secrets(s) if s.is_production else []
    if problems:
        described = "; ".join(f"{setting_variable(f)} {reason}" for f, reason in problems)
        raise SettingsError(
            f"refused in production: {described} (generate a key: "
            "python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )


def _embedded_secret(var_dir: Path) -> str:
    """A secret generated once per installation and kept under var/ (mode 0600)."""
    path = var_dir / "jwt_secret"
    if path.exists():
        secret = path.read_text().strip()
        if len(secret) >= 32:
            return secret
    var_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secret)
    os.replace(tmp, path)
    return secret
