"""Biometrics, emotions and wellness through HTTP, in the embedded and production profiles
(and production with MongoDB for the emotion series)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.app import Api, api_client, production_settings
from tests.unit.wellness.heart_data import heartpy_ppg_beats, pyhrv_day, samples_from_beats

pytestmark = pytest.mark.asyncio

NOW = datetime(2026, 11, 10, 23, 30, tzinfo=UTC)
DAY = datetime(2026, 11, 10, tzinfo=UTC)
CONSENT = {"consents": {"biometrics": True, "food_photos": False}}


def z(dt: datetime) -> str:
    return dt.isoformat().replace("+00:00", "Z")


def simple(n: int, start: datetime = DAY, **overrides) -> list[dict]:
    return [
        {
            "timestamp": z(start + timedelta(minutes=i)),
            "heart_rate": 60 + i % 7,
            "hrv_rmssd": 45.0,
            "source": "garmin",
            **overrides,
        }
        for i in range(n)
    ]


async def post(client, headers, samples):
    return await client.post(
        "/api/v1/biometrics/samples", json={"samples": samples}, headers=headers
    )


async def raw_total(client, headers) -> int:
    r = await client.get(
        "/api/v1/emotions",
        params={"from": z(DAY - timedelta(days=2)), "to": z(NOW), "resolution": "raw"},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    return r.json()["meta"]["total"]


@pytest.fixture
def at_now(clock):
    clock.set(NOW)
    return clock


async def test_samples_need_biometrics_consent(api, client, at_now):
    _, headers, _ = await api.user()
    r = await post(client, headers, simple(3))
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] == "PSI-PRIV-6001"
    await client.put(
        "/api/v1/users/me/consents",
        json={"biometrics": True, "food_photos": False},
        headers=headers,
    )
    assert (await post(client, headers, simple(3))).status_code == 201
    await client.put(
        "/api/v1/users/me/consents",
        json={"biometrics": False, "food_photos": False},
        headers=headers,
    )
    assert (await post(client, headers, simple(3, DAY + timedelta(hours=1)))).status_code == 403


async def test_a_retried_batch_is_idempotent(api, client, at_now):
    _, headers, _ = await api.user(**CONSENT)
    batch = simple(50)
    r1 = await post(client, headers, batch)
    r2 = await post(client, headers, batch)
    assert r1.status_code == r2.status_code == 201
    assert r1.json()["data"] == {"accepted": 50, "duplicates": 0}
    assert r2.json()["data"] == {"accepted": 0, "duplicates": 50}
    assert await raw_total(client, headers) == 50


async def test_an_invalid_batch_names_each_bad_sample_and_stores_nothing(api, client, at_now):
    _, headers, _ = await api.user(**CONSENT)
    batch = simple(10)
    batch[2]["heart_rate"] = 400
    batch[5]["rr_intervals_ms"] = [800, 900, 120]  # an artefact beat: dropped, not an error
    batch[6]["activity"] = "dancing"
    batch[7]["timestamp"] = z(NOW + timedelta(hours=2))
    batch[8]["source"] = "smart_ring_9000"
    r = await post(client, headers, batch)
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["code"] == "PSI-VAL-1001"
    assert [e["field"] for e in error["details"]["errors"]] == [
        "samples[2].heart_rate",
        "samples[6].activity",
        "samples[7].timestamp",
        "samples[8].source",
    ]
    assert await raw_total(client, headers) == 0


@pytest.mark.parametrize(
    "body",
    [
        {"samples": []},
        {
            "samples": [
                {
                    "timestamp": "2026-11-10T10:00:00Z",
                    "heart_rate": 60,
                    "source": "oura",
                    "mood": "great",
                }
            ]
        },
        {
            "samples": [
                {"timestamp": "2026-11-10T10:00:00Z", "heart_rate": "fast", "source": "oura"}
            ]
        },
        {"samples": [{"heart_rate": 60, "source": "oura"}]},
    ],
)
async def test_malformed_bodies_are_400(api, client, at_now, body):
    _, headers, _ = await api.user(**CONSENT)
    r = await client.post("/api/v1/biometrics/samples", json=body, headers=headers)
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "PSI-VAL-1001"


async def test_more_than_1000_samples_are_refused(api, client, at_now):
    _, headers, _ = await api.user(**CONSENT)
    r = await post(client, headers, simple(1001, DAY - timedelta(days=1)))
    assert r.status_code == 400
    assert r.json()["error"]["details"]["errors"][0]["field"] == "samples"


async def test_cold_start_is_honest(api, client, at_now):
    _, headers, _ = await api.user(**CONSENT)
    r = await client.get("/api/v1/emotions/current", headers=headers)
    assert r.status_code == 200, r.text
    empty = r.json()["data"]
    assert (empty["emotion"], empty["confidence"], empty["timestamp"]) == ("unknown", 0.0, None)
    await post(
        client, headers, simple(30, NOW - timedelta(minutes=40), heart_rate=92, hrv_rmssd=14.0)
    )
    current = (await client.get("/api/v1/emotions/current", headers=headers)).json()["data"]
    assert current["confidence"] <= 0.3
    evidence = current["evidence"]
    assert evidence["baseline"]["status"] == "learning"
    assert evidence["baseline"]["days_needed"] == 5
    assert evidence["baseline"]["personal"] is False
    assert evidence["window"]["data_points"] == 16
    assert evidence["deviation"]["stress_score"] == current["stress_score"]
    assert any("needs 5 days" in reason for reason in evidence["reasons"])


async def test_a_real_day_is_classified_and_scored(api, client, clock):
    clock.set(DAY + timedelta(days=1, minutes=10))  # the whole day has happened
    _, headers, _ = await api.user(**CONSENT)
    day = pyhrv_day(DAY)
    assert len(day) == 1440
    for i in range(0, len(day), 1000):
        r = await post(client, headers, day[i : i + 1000])
        assert r.status_code == 201, r.text
    hours = await client.get(
        "/api/v1/emotions",
        headers=headers,
        params={
            "from": z(DAY),
            "to": z(DAY + timedelta(days=1)),
            "resolution": "hour",
            "per_page": 100,
        },
    )
    assert hours.status_code == 200, hours.text
    body = hours.json()
    assert body["meta"]["total"] == 24
    first = body["data"][0]
    assert set(first) == {
        "timestamp",
        "emotion",
        "confidence",
        "stress_score",
        "heart_rate",
        "hrv_rmssd",
        "hrv_sdnn",
        "artefact_share",
        "activity",
        "steps",
    }
    assert first["artefact_share"] is None  # what a sample carried: raw points only
    assert first["timestamp"] == "2026-11-10T00:00:00Z"
    # RMSSD from the beats themselves (neurokit2), minute by minute: near the hour's 60 ms
    assert 40 < first["hrv_rmssd"] < 80
    assert 70 < first["heart_rate"] < 90
    assert first["emotion"] in {
        "calm",
        "relaxed",
        "focused",
        "stressed",
        "anxious",
        "fatigued",
        "active",
        "unknown",
    }
    # the person's own normal hour, day after day, reads as normal at rest
    assert {h["emotion"] for h in body["data"]} <= {"calm", "relaxed", "focused"}
    raw = await client.get(
        "/api/v1/emotions",
        headers=headers,
        params={"from": z(DAY), "to": z(DAY + timedelta(hours=1)), "per_page": 100},
    )
    assert raw.json()["meta"]["total"] == 60
    point = raw.json()["data"][0]
    assert 0 <= point["artefact_share"] < 0.1 and point["hrv_sdnn"] > 0
    scores = await client.get(
        "/api/v1/wellness/scores",
        headers=headers,
        params={"date_from": "2026-11-01", "date_to": "2026-11-11"},
    )
    assert scores.status_code == 200, scores.text
    assert [d["date"] for d in scores.json()["data"]] == ["2026-11-10"]
    score = scores.json()["data"][0]
    assert 0 <= score["wellness_score"] <= 100
    assert score["data_points"] == 1440
    assert score["components"]["data_coverage"] == 100.0
    assert set(score["components"]) == {"hrv_balance", "resting_hr", "stress_load", "data_coverage"}
    explanation = score["explanation"]
    assert explanation["baseline"] == {"status": "learning", "days": 0}
    assert explanation["coverage_factor"] == 1.0
    weights, components = explanation["weights"], score["components"]
    mean = sum(w * components[k] for k, w in weights.items()) / sum(weights.values())
    assert score["wellness_score"] == round(50 + explanation["coverage_factor"] * (mean - 50))
    assert explanation["sentences"]
    assert (await client.get("/api/v1/wellness/today", headers=headers)).status_code == 404


async def test_ppg_beats_found_by_neurokit2_are_accepted(api, client, at_now):
    _, headers, _ = await api.user(**CONSENT)
    chunks = heartpy_ppg_beats()
    assert len(chunks) >= 10
    samples = samples_from_beats(chunks, NOW - timedelta(minutes=len(chunks) + 1), "apple_watch")
    r = await post(client, headers, samples)
    assert r.status_code == 201, r.text
    assert r.json()["data"]["accepted"] == len(chunks)
    current = (await client.get("/api/v1/emotions/current", headers=headers)).json()["data"]
    assert current["hrv_rmssd"] is not None
    assert current["heart_rate"] > 80


async def test_another_users_data_is_never_visible(api, client, at_now):
    _, mine, _ = await api.user(**CONSENT)
    _, theirs, _ = await api.user(**CONSENT)
    await post(client, theirs, simple(30, NOW - timedelta(minutes=35)))
    await client.post("/api/v1/mood-check-ins", json={"valence": -2}, headers=theirs)
    assert await raw_total(client, mine) == 0
    current = (await client.get("/api/v1/emotions/current", headers=mine)).json()["data"]
    assert current["emotion"] == "unknown"
    assert current["evidence"]["mood"] is None
    assert (await client.get("/api/v1/wellness/today", headers=mine)).status_code == 404
    hours = await client.get("/api/v1/emotions", params={"resolution": "day"}, headers=mine)
    assert hours.json()["meta"]["total"] == 0


async def test_mood_check_ins_feed_the_current_state(api, client, at_now):
    _, headers, _ = await api.user(**CONSENT)
    r = await client.post(
        "/api/v1/mood-check-ins",
        headers=headers,
        json={"valence": -2, "arousal": 1, "label": "Worried", "note": "deadline"},
    )
    assert r.status_code == 201, r.text
    made = r.json()["data"]
    assert (made["valence"], made["label"], made["timestamp"]) == (
        -2,
        "worried",
        "2026-11-10T23:30:00Z",
    )
    await post(client, headers, simple(20, NOW - timedelta(minutes=25)))
    current = (await client.get("/api/v1/emotions/current", headers=headers)).json()["data"]
    assert current["evidence"]["mood"]["valence"] == -1.0
    assert current["evidence"]["mood"]["check_ins"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"valence": 3}, "valence"),
        ({"valence": 0, "arousal": -3}, "arousal"),
        ({"valence": 1, "label": "hangry"}, "label"),
        ({"valence": 1, "timestamp": "2026-11-11T23:30:00Z"}, "timestamp"),
    ],
)
async def test_bad_mood_check_ins_are_400(api, client, at_now, body, field):
    _, headers, _ = await api.user(**CONSENT)
    r = await client.post("/api/v1/mood-check-ins", json=body, headers=headers)
    assert r.status_code == 400, r.text
    assert [e["field"] for e in r.json()["error"]["details"]["errors"]] == [field]


async def test_late_samples_rescore_their_day_and_lists_page(api, client, at_now):
    _, headers, _ = await api.user(**CONSENT)
    for d in range(3):
        await post(client, headers, simple(120, DAY - timedelta(days=d) + timedelta(hours=8)))
    before = (
        await client.get(
            "/api/v1/wellness/scores",
            headers=headers,
            params={"date_from": "2026-11-08", "date_to": "2026-11-10", "per_page": 2},
        )
    ).json()
    assert before["meta"]["total"] == 3
    assert before["meta"]["total_pages"] == 2
    assert [d["date"] for d in before["data"]] == ["2026-11-08", "2026-11-09"]
    assert before["links"]["next"] == (
        "/api/v1/wellness/scores?date_from=2026-11-08&date_to=2026-11-10&page=2&per_page=2"
    )
    late = simple(60, DAY - timedelta(days=2) + timedelta(hours=20), heart_rate=95, hrv_rmssd=15.0)
    assert (await post(client, headers, late)).json()["data"]["accepted"] == 60
    after = (
        await client.get(
            "/api/v1/wellness/scores",
            headers=headers,
            params={"date_from": "2026-11-08", "date_to": "2026-11-08"},
        )
    ).json()["data"][0]
    assert after["data_points"] == 180
    assert after["wellness_score"] != before["data"][0]["wellness_score"]


@pytest.mark.parametrize(
    "params",
    [
        {"resolution": "minute"},
        {"from": "2026-11-10T10:00:00Z", "to": "2026-11-10T09:00:00Z"},
        {"from": "2026-09-01T00:00:00Z", "to": "2026-11-10T00:00:00Z", "resolution": "raw"},
        {"per_page": 101},
    ],
)
async def test_bad_emotion_queries_are_400(api, client, at_now, params):
    _, headers, _ = await api.user(**CONSENT)
    r = await client.get("/api/v1/emotions", params=params, headers=headers)
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "PSI-VAL-1001"


async def test_endpoints_need_a_token(client):
    for path in (
        "/api/v1/emotions",
        "/api/v1/emotions/current",
        "/api/v1/wellness/today",
        "/api/v1/wellness/scores",
    ):
        assert (await client.get(path)).status_code == 401
    r = await client.post("/api/v1/biometrics/samples", json={"samples": simple(1)})
    assert r.status_code == 401


async def test_the_openapi_document_lists_the_endpoints(client):
    paths = (await client.get("/openapi.json")).json()["paths"]
    for path in (
        "/api/v1/biometrics/samples",
        "/api/v1/emotions",
        "/api/v1/emotions/current",
        "/api/v1/mood-check-ins",
        "/api/v1/wellness/today",
        "/api/v1/wellness/scores",
    ):
        assert path in paths


async def test_the_openapi_document_lists_the_emotion_and_activity_vocabularies(client):
    schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]
    enums = [set(s["enum"]) for s in schemas.values() if "enum" in s]
    assert {
        "calm",
        "relaxed",
        "focused",
        "stressed",
        "anxious",
        "fatigued",
        "active",
        "unknown",
    } in enums
    assert {"rest", "walk", "run", "cycle", "workout", "sleep", "unknown"} in enums
    sample = schemas["SampleIn"]["properties"]
    assert {"steps", "activity", "interval_s"} <= set(sample)


async def test_bad_beats_are_dropped_and_counted_not_refused(api, client, at_now):
    _, headers, _ = await api.user(**CONSENT)
    beats = [800.0 + (i % 5) * 10 for i in range(60)]
    beats[10], beats[30] = 120.0, 3500.0  # no heart beats like that
    r = await post(
        client,
        headers,
        [{"timestamp": z(DAY), "heart_rate": 74, "source": "polar", "rr_intervals_ms": beats}],
    )
    assert r.status_code == 201, r.text
    (point,) = (
        await client.get(
            "/api/v1/emotions",
            headers=headers,
            params={"from": z(DAY), "to": z(DAY + timedelta(minutes=1))},
        )
    ).json()["data"]
    assert point["artefact_share"] == pytest.approx(2 / 60, abs=1e-4)
    assert point["hrv_rmssd"] is not None and point["hrv_rmssd"] < 40


async def test_a_reported_walk_is_active_and_left_out_of_stress(api, client, at_now):
    _, headers, _ = await api.user(**CONSENT)
    walk = simple(
        20,
        DAY + timedelta(hours=7),
        heart_rate=104,
        hrv_rmssd=12.0,
        activity="walk",
        steps=112,
        interval_s=60,
    )
    assert (await post(client, headers, walk)).status_code == 201
    data = (
        await client.get(
            "/api/v1/emotions",
            headers=headers,
            params={"from": z(DAY), "to": z(DAY + timedelta(hours=8)), "per_page": 50},
        )
    ).json()["data"]
    assert {(p["emotion"], p["stress_score"], p["activity"]) for p in data} == {
        ("active", 0, "walk")
    }
    assert {p["steps"] for p in data} == {112}
    hour = (
        await client.get(
            "/api/v1/emotions",
            headers=headers,
            params={"from": z(DAY), "to": z(DAY + timedelta(hours=8)), "resolution": "hour"},
        )
    ).json()
    assert [(h["emotion"], h["stress_score"], h["hrv_rmssd"]) for h in hour["data"]] == [
        ("active", 0, None)
    ]


@pytest.mark.mongo
async def test_production_with_mongodb_keeps_the_series_there(
    tmp_path, postgres_url, redis_url, mongo_uri, clock
):
    clock.set(NOW)
    settings = production_settings(tmp_path, postgres_url, redis_url, mongodb_uri=mongo_uri)
    async with api_client(settings, clock) as client:
        api = Api(client)
        _, headers, _ = await api.user(**CONSENT)
        batch = simple(90, DAY + timedelta(hours=6))
        assert (await post(client, headers, batch)).json()["data"]["accepted"] == 90
        assert (await post(client, headers, batch)).json()["data"]["duplicates"] == 90
        hours = (
            await client.get(
                "/api/v1/emotions",
                headers=headers,
                params={"from": z(DAY), "to": z(DAY + timedelta(days=1)), "resolution": "hour"},
            )
        ).json()
        assert [h["timestamp"] for h in hours["data"]] == [
            "2026-11-10T06:00:00Z",
            "2026-11-10T07:00:00Z",
        ]
        assert (await client.get("/api/v1/wellness/today", headers=headers)).status_code == 200
    from pymongo import AsyncMongoClient

    mongo = AsyncMongoClient(mongo_uri, tz_aware=True)
    try:
        db = mongo[settings.mongodb_database]
        assert await db["emotion_samples"].count_documents({}) == 90
        assert await db["emotion_hourly"].count_documents({}) == 2
    finally:
        await mongo.drop_database(settings.mongodb_database)
        await mongo.close()
