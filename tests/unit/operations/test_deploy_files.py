"""What can be checked of the container and cluster files without a Docker engine or a
cluster: they parse, name only real settings and commands, and agree with the drain timings
and the endpoints the service really has."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from pathlib import Path

import pytest
import yaml

from entrypoints.cli import build_parser
from entrypoints.settings import SettingsError, load_settings, unknown_variables

REPO = Path(__file__).resolve().parents[3]
K8S = sorted((REPO / "deploy" / "k8s").glob("*.yaml"))


def _docs(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def _k8s_objects() -> list[dict]:
    return [doc for path in K8S for doc in _docs(path)]


def _stages(dockerfile: str) -> list[str]:
    return re.split(r"(?m)^FROM ", dockerfile)[1:]


def test_the_image_is_multi_stage_non_root_with_a_healthcheck() -> None:
    text = (REPO / "Dockerfile").read_text()
    stages = _stages(text)
    assert len(stages) >= 2
    final = stages[-1]
    assert "build-essential" not in final and "gcc" not in final
    assert re.search(r"(?m)^USER (?!0|root)\S+", final)
    assert re.search(r"(?m)^HEALTHCHECK .*?/health", final, re.S)
    assert re.search(r'(?m)^ENTRYPOINT \["psi"\]', final), "exec form: SIGTERM reaches psi"
    # The build context the image installs from is the project's own files.
    assert "COPY pyproject.toml" in stages[0] and "COPY migrations" in stages[0]
    assert "requirements.lock" in stages[0] and "--constraint requirements.lock" in stages[0]


def test_compose_has_every_role_and_a_durable_redis() -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "migrate", "api", "worker", "scheduler"} <= set(services)
    assert "--appendonly" in services["redis"]["command"]
    assert (
        services["redis"]["command"][services["redis"]["command"].index("--appendonly") + 1]
        == "yes"
    )
    migrate = " ".join(services["migrate"]["command"])
    assert "psi migrate" in migrate and "import-usda" in migrate and "import-recipes" in migrate
    for role in ("api", "worker", "scheduler"):
        deps = services[role]["depends_on"]
        assert deps["migrate"]["condition"] == "service_completed_successfully"


def _psi_environment() -> dict[str, str]:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    env: dict[str, str] = {}
    for service in compose["services"].values():
        env.update(
            {
                k: str(v)
                for k, v in (service.get("environment") or {}).items()
                if k.startswith("PSI_")
            }
        )
    for obj in _k8s_objects():
        if obj["kind"] == "ConfigMap":
            env.update(obj["data"])
        if obj["kind"] == "Secret":
            env.update(obj["stringData"])
    return env


def test_every_setting_named_is_a_real_one() -> None:
    env = _psi_environment()
    assert env, "no settings found"
    assert unknown_variables(env) == []


@pytest.mark.parametrize(
    "command",
    [
        ["run", "--workers", "2"],
        ["worker", "--drain-seconds", "25"],
        ["jobs"],
        ["migrate"],
        ["data", "import-usda", "--quiet"],
        ["data", "import-recipes"],
    ],
)
def test_the_commands_the_files_run_exist(command: list[str]) -> None:
    build_parser().parse_args(command)


def test_manifests_have_what_a_cluster_needs() -> None:
    objects = _k8s_objects()
    assert objects
    kinds = {}
    for obj in objects:
        assert obj["apiVersion"] and obj["kind"] and obj["metadata"]["name"]
        kinds.setdefault(obj["kind"], []).append(obj)
    assert {
        "Deployment",
        "Service",
        "PodDisruptionBudget",
        "HorizontalPodAutoscaler",
        "Job",
        "ConfigMap",
        "Secret",
    } <= set(kinds)
    names = {d["metadata"]["name"] for d in kinds["Deployment"]}
    assert {"psi-api", "psi-worker", "psi-scheduler"} <= names
    for deployment in kinds["Deployment"]:
        spec = deployment["spec"]
        assert (
            spec["selector"]["matchLabels"].items()
            <= spec["template"]["metadata"]["labels"].items()
        )
        pod = spec["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        for container in pod["containers"]:
            assert container["image"]
            assert "livenessProbe" in container
            build_parser().parse_args(container["args"])
    for pdb in kinds["PodDisruptionBudget"]:
        assert any(
            pdb["spec"]["selector"]["matchLabels"].items()
            <= d["spec"]["template"]["metadata"]["labels"].items()
            for d in kinds["Deployment"]
        )
    for hpa in kinds["HorizontalPodAutoscaler"]:
        assert hpa["spec"]["scaleTargetRef"]["name"] in names
        assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"


def _k8s_environment() -> dict[str, str]:
    """What every role's `envFrom` gives it: the ConfigMap, then the Secret."""
    env: dict[str, str] = {}
    for kind, field in (("ConfigMap", "data"), ("Secret", "stringData")):
        for obj in _k8s_objects():
            if obj["kind"] == kind:
                env.update(obj[field])
    return env


def test_api_probes_match_the_drain_timings() -> None:
    settings = load_settings(
        {k: v for k, v in _k8s_environment().items() if k != "PSI_ENV"}, jwt_secret="s" * 40
    )
    api = next(
        o
        for o in _k8s_objects()
        if o["kind"] == "Deployment" and o["metadata"]["name"] == "psi-api"
    )
    pod = api["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    ready, live = container["readinessProbe"], container["livenessProbe"]
    assert ready["httpGet"]["path"] == "/ready" and live["httpGet"]["path"] == "/health"
    # The orchestrator stops routing before the grace ends, and kills only after it and the
    # in-flight allowance.
    assert ready["periodSeconds"] * ready["failureThreshold"] <= settings.drain_s
    # /ready's probes run at once, each bounded by the dependency timeout.
    assert ready["timeoutSeconds"] > settings.dependency_timeout_s
    assert pod["terminationGracePeriodSeconds"] >= settings.drain_s + settings.shutdown_timeout_s


def test_worker_grace_covers_its_drain() -> None:
    worker = next(
        o
        for o in _k8s_objects()
        if o["kind"] == "Deployment" and o["metadata"]["name"] == "psi-worker"
    )
    pod = worker["spec"]["template"]["spec"]
    args = pod["containers"][0]["args"]
    drain = float(args[args.index("--drain-seconds") + 1])
    assert pod["terminationGracePeriodSeconds"] > drain


# Settings and variables whose values are secrets: never written into the files, only
# referenced (compose: `${VAR}` from the environment or .env; Kubernetes: the Secret).
SECRETS = {
    "PSI_JWT_SECRET",
    "PSI_S3_OWNER_KEY",
    "PSI_REDIS_SENTINEL_PASSWORD",
    "PSI_ANTHROPIC_API_KEY",
    "PSI_STRIPE_SECRET_KEY",
    "PSI_STRIPE_WEBHOOK_SECRET",
    "PSI_FDC_API_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "POSTGRES_PASSWORD",
}
_REFERENCE = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?::(?P<op>[-?])(?P<arg>[^}]*))?\}")


def _interpolate(value: str, env: Mapping[str, str]) -> str:
    """Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?message}`."""

    def one(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        if env.get(name):
            return env[name]
        if op == "?":
            raise LookupError(f"{name}: {arg}")
        return arg if op == "-" else ""

    return _REFERENCE.sub(one, value)


def _compose_api_environment_raw() -> dict[str, str]:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    return {k: str(v) for k, v in compose["services"]["api"]["environment"].items()}


def _compose_api_environment(env: Mapping[str, str]) -> dict[str, str]:
    return {k: _interpolate(v, env) for k, v in _compose_api_environment_raw().items()}


COMPOSE_ENV = {
    "POSTGRES_PASSWORD": "pg-secret",
    "PSI_JWT_SECRET": "tS9-vQ2mZ7kR1wY8bN4cL6hJ0pD5fG_a",
}


def test_secrets_are_referenced_never_written() -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    for service in compose["services"].values():
        for key, value in (service.get("environment") or {}).items():
            if key in SECRETS:
                match = _REFERENCE.fullmatch(str(value))
                assert (
                    match and match["name"] == key and not (match["op"] == "-" and match["arg"])
                ), f"compose writes {key}: {value!r}"
    assert "${POSTGRES_PASSWORD" in _compose_api_environment_raw()["PSI_DATABASE_URL"]
    for obj in _k8s_objects():
        if obj["kind"] == "ConfigMap":
            assert not SECRETS & set(obj["data"]), "a secret in the ConfigMap"
            assert not any("@" in str(v) for v in obj["data"].values()), "credentials in a URL"


def test_compose_settings_load_with_files_or_a_bucket() -> None:
    env = {k: v for k, v in _compose_api_environment(COMPOSE_ENV).items() if k.startswith("PSI_")}
    assert load_settings(env).image_store == "filesystem"

    bucket = {
        **COMPOSE_ENV,
        "PSI_IMAGE_STORE": "s3",
        "PSI_S3_BUCKET": "psi-photos",
        "PSI_S3_REGION": "eu-central-1",
    }
    env = {k: v for k, v in _compose_api_environment(bucket).items() if k.startswith("PSI_")}
    with pytest.raises(SettingsError, match="PSI_S3_OWNER_KEY"):
        load_settings(env)
    keyed = {**bucket, "PSI_S3_OWNER_KEY": "k" * 8 + "owner-key-from-the-dot-env-file"}
    env = {k: v for k, v in _compose_api_environment(keyed).items() if k.startswith("PSI_")}
    s = load_settings(env)
    assert (s.image_store, s.s3_bucket, s.s3_region, s.s3_prefix) == (
        "s3",
        "psi-photos",
        "eu-central-1",
        "images/",
    )
    with pytest.raises(LookupError, match="PSI_JWT_SECRET"):
        _compose_api_environment({"POSTGRES_PASSWORD": "pg-secret"})


def _k8s_environment_filled_in() -> dict[str, str]:
    """The manifests with the Secret's placeholders replaced, as the operator must."""
    env = _k8s_environment()
    env["PSI_JWT_SECRET"] = secrets.token_urlsafe(48)
    env["PSI_S3_OWNER_KEY"] = secrets.token_urlsafe(48)
    env["PSI_DATABASE_URL"] = env["PSI_DATABASE_URL"].replace(
        ":replace-me@", f":{secrets.token_urlsafe(24)}@"
    )
    return env


def test_production_refuses_the_secret_as_shipped() -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(_k8s_environment())
    for name in ("PSI_JWT_SECRET", "PSI_S3_OWNER_KEY", "PSI_DATABASE_URL"):
        assert name in str(refused.value)
    assert "replace-me" not in str(refused.value)
    assert load_settings(_k8s_environment_filled_in()).is_production


def test_the_cluster_keeps_photos_in_the_bucket_and_shares_no_disk() -> None:
    s = load_settings(_k8s_environment_filled_in())
    assert s.image_store == "s3" and s.s3_bucket and s.s3_owner_key
    for obj in _k8s_objects():
        if obj["kind"] in ("Deployment", "PersistentVolumeClaim"):
            pod = obj.get("spec", {}).get("template", {}).get("spec", {})
            assert obj["kind"] == "Deployment" and not pod.get("volumes"), obj["metadata"]
            assert pod["serviceAccountName"] == "psi"
    accounts = {o["metadata"]["name"] for o in _k8s_objects() if o["kind"] == "ServiceAccount"}
    assert "psi" in accounts


def test_every_setting_the_files_set_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text()
    table = readme[readme.index("| variable | default | meaning |") :]
    named = set(re.findall(r"`(PSI_[A-Z0-9_]+)`", table))
    missing = sorted(k for k in _psi_environment() if k not in named)
    assert not missing, f"set in compose.yaml or deploy/k8s but not in README: {missing}"
