"""PSI_REDIS_MODE and its companions: parsed from the environment, checked at start."""

from __future__ import annotations

import pytest

from adapters.redis.connect import PrimaryOptions
from entrypoints.providers.infrastructure import redis_topology
from entrypoints.settings import SettingsError, load_settings


def test_cluster_and_sentinel_settings_are_read_from_the_environment():
    s = load_settings(
        {
            "PSI_REDIS_URL": "redis://:pw@10.0.0.1:7000",
            "PSI_REDIS_MODE": "cluster",
            "PSI_REDIS_CLUSTER_NODES": "10.0.0.2:7000, 10.0.0.3:7000",
            "PSI_REDIS_LANE": "false",
        }
    )
    topology = redis_topology(s)
    assert topology is not None and topology.mode == "cluster"
    assert topology.cluster_nodes == ("10.0.0.2:7000", "10.0.0.3:7000")
    assert s.redis_lane is False
    sentinel = redis_topology(
        load_settings(
            {
                "PSI_REDIS_URL": "redis://:pw@psi-main/2",
                "PSI_REDIS_MODE": "sentinel",
                "PSI_REDIS_SENTINELS": "s1:26379,s2:26379",
            }
        )
    )
    assert sentinel is not None and sentinel.master_name == "psi-main"
    assert redis_topology(load_settings({})) is None


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PSI_REDIS_MODE": "sentinel"}, "PSI_REDIS_SENTINELS"),
        ({"PSI_REDIS_MODE": "cluster", "PSI_REDIS_CLUSTER_NODES": "no-port"}, "host:port"),
        ({"PSI_REDIS_MODE": "replicated"}, "invalid PSI_"),
    ],
)
def test_an_incomplete_topology_refuses_to_start(env, message):
    with pytest.raises(SettingsError, match=message):
        load_settings({"PSI_REDIS_URL": "redis://127.0.0.1:6379/0", **env})


SENTINEL = {
    "PSI_REDIS_URL": "rediss://:data-pw@psi-main/0?ssl_ca_certs=/etc/psi/redis-ca.pem",
    "PSI_REDIS_MODE": "sentinel",
    "PSI_REDIS_SENTINELS": "s1:26379,s2:26379",
}


def test_the_sentinels_have_credentials_and_tls_of_their_own():
    topology = redis_topology(
        load_settings(
            {
                **SENTINEL,
                "PSI_REDIS_SENTINEL_USERNAME": "psi-sentinel",
                "PSI_REDIS_SENTINEL_PASSWORD": "sentinel-pw",
            }
        )
    )
    assert topology is not None
    access = topology.sentinel_access
    assert (access.username, access.password) == ("psi-sentinel", "sentinel-pw")
    assert "sentinel-pw" not in repr(topology)
    primary = PrimaryOptions.of(topology.url)
    assert primary.options["password"] == "data-pw" and primary.options["db"] == 0
    assert primary.tls and primary.tls_options == {"ssl_ca_certs": "/etc/psi/redis-ca.pem"}
    # TLS to the sentinels follows the data nodes unless set.
    assert primary.sentinel_tls(access) is True
    plain = redis_topology(load_settings({**SENTINEL, "PSI_REDIS_SENTINEL_TLS": "false"}))
    assert plain is not None and primary.sentinel_tls(plain.sentinel_access) is False


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PSI_REDIS_SENTINEL_PASSWORD": "pw"}, "apply only with PSI_REDIS_MODE=sentinel"),
        ({**SENTINEL, "PSI_REDIS_SENTINEL_USERNAME": "u"}, "needs PSI_REDIS_SENTINEL_PASSWORD"),
        ({**SENTINEL, "PSI_REDIS_URL": "unix:///run/redis.sock"}, "redis:// or rediss://"),
        (
            {**SENTINEL, "PSI_REDIS_URL": "redis://psi-main/0?ssl_ca_certs=/ca.pem"},
            "ssl_\\* options but no TLS",
        ),
        ({**SENTINEL, "PSI_REDIS_SENTINEL_TLS": "maybe"}, "invalid PSI_"),
    ],
)
def test_sentinel_access_is_checked_at_start(env, message):
    with pytest.raises(SettingsError, match=message):
        load_settings({"PSI_REDIS_URL": "redis://127.0.0.1:6379/0", **env})
