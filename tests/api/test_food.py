"""Food analysis through HTTP, in both profiles.

Embedded: the in-process taskiq broker runs the jobs. Production: Postgres, Redis, the
Redis stream broker, and a worker (`run_worker`, the same code `psi worker` runs)
consuming the stream inside the test's event loop. (tests/e2e/test_food_worker.py
runs it as a separate process, and kills it.)
"""

from __future__ import annotations

import asyncio
import io
import json
import threading
import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image

from adapters.clock import ManualClock
from entrypoints.settings import Settings
from entrypoints.worker import WorkerOptions, run_worker
from tests.fixtures.images.samples import (
    SECRET_LATITUDE,
    encode,
    fruits,
    gif_named_jpg,
    jpeg_with_gps,
    no_food,
    png_bomb,
    scene,
    tiny_png,
    truncated_jpeg,
)
from tests.support.app import api_client, embedded_settings, production_settings

pytestmark = pytest.mark.asyncio

UPLOAD = "/api/v1/food/upload"
CONSENT = {"consents": {"biometrics": False, "food_photos": True}}


@pytest.fixture
def usda() -> None:
    """Requested by tests that need the USDA foods imported (embedded: about 6 s per
    fresh SQLite file, so only those tests pay it)."""


@pytest.fixture
def settings(profile: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    if profile == "embedded":
        return embedded_settings(tmp_path, nutrition_auto_import="usda" in request.fixturenames)
    return production_settings(
        tmp_path,
        request.getfixturevalue("postgres_url"),
        request.getfixturevalue("redis_url"),
        nutrition_auto_import=True,
    )


class ThreadWorker:
    """`run_worker` on its own event loop in a thread: Litestar's test client runs the app
    in a portal thread and blocks the test's loop during a request, so a worker sharing
    the test's loop would stall while `Prefer: wait` holds a request open."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.loop = asyncio.new_event_loop()
        self.stop_event: asyncio.Event | None = None
        self.thread = threading.Thread(target=self._main, daemon=True)
        self.error: BaseException | None = None

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.stop_event = asyncio.Event()
        try:
            self.loop.run_until_complete(
                run_worker(
                    self.settings,
                    WorkerOptions(concurrency=4, lease_s=30, sweep_interval_s=5),
                    self.stop_event,
                )
            )
        except BaseException as exc:
            self.error = exc
        finally:
            self.loop.close()

    def __enter__(self) -> ThreadWorker:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        while self.stop_event is None and self.thread.is_alive():
            time.sleep(0.01)
        if self.stop_event is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.stop_event.set)
        self.thread.join(30)
        if self.thread.is_alive():
            for t in asyncio.all_tasks(self.loop):
                t.print_stack()
        assert not self.thread.is_alive(), "worker did not stop"
        assert self.error is None, self.error


@pytest.fixture
async def client(settings: Settings, clock: ManualClock) -> AsyncIterator:
    async with api_client(settings, clock) as c:
        if settings.is_production:
            with ThreadWorker(settings):
                yield c
        else:
            yield c


def assert_error(r, status: int, code: str) -> dict:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"]["code"] == code, body
    return body["error"]


def stored_photos(settings: Settings) -> list[Path]:
    return list(Path(settings.images_dir).rglob("*.jpg"))


def photo(data: bytes, name: str = "meal.jpg", kind: str = "image/jpeg") -> dict:
    return {"file": (name, data, kind)}


async def upload(client, headers, data: bytes | None = None, **extra_headers):
    return await client.post(
        UPLOAD, files=photo(data or jpeg_with_gps()), headers={**headers, **extra_headers}
    )


async def completed(client, headers, analysis_id: str, timeout_s: float = 30) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        r = await client.get(f"/api/v1/food/analysis/{analysis_id}", headers=headers)
        assert r.status_code == 200, r.text
        data = r.json()["data"]
        if data["status"] in ("completed", "failed"):
            return data
        assert asyncio.get_running_loop().time() < deadline, data
        await asyncio.sleep(0.05)


async def test_upload_is_accepted_and_completes(api, client, usda):
    _, headers, _ = await api.user(**CONSENT)
    r = await upload(client, headers, fruits())
    assert r.status_code == 202, r.text
    body = r.json()["data"]
    assert set(body) == {"id", "status", "created_at"} and body["status"] == "pending"
    assert body["created_at"].endswith("Z")
    assert r.headers["location"] == f"/api/v1/food/analysis/{body['id']}"
    assert r.headers["x-ratelimit-limit"] == "3"
    assert r.headers["x-ratelimit-remaining"] == "2"
    assert int(r.headers["x-ratelimit-reset"]) % 86_400 == 0  # next UTC midnight
    done = await completed(client, headers, body["id"])
    assert done["status"] == "completed", done
    assert set(done) >= {
        "id",
        "status",
        "created_at",
        "completed_at",
        "detected_foods",
        "description",
        "nutrition",
        "confidence_score",
        "analysis_duration_ms",
        "models",
        "error",
    }
    # The shipped detector runs by default; no Claude key in the suite's settings.
    assert done["models"]["detector"] == "nanodet-g-416"
    assert done["models"]["describer"] is None
    assert done["description"] is None and done["error"] is None
    assert "orange" in {f["food"] for f in done["detected_foods"]}
    assert all(f["bbox"] is not None for f in done["detected_foods"])  # seen, not described
    assert 0 < done["confidence_score"] <= 1
    assert done["analysis_duration_ms"] >= 0


async def test_prefer_wait_answers_201_with_the_result(api, client):
    _, headers, _ = await api.user(**CONSENT)
    r = await upload(client, headers, Prefer="wait=20")
    assert r.status_code == 201, r.text
    data = r.json()["data"]
    assert data["status"] == "completed" and data["completed_at"].endswith("Z")
    assert r.headers["location"].endswith(data["id"])
    assert r.headers["preference-applied"] == "wait=20"


async def test_upload_needs_auth_and_food_photo_consent(api, client):
    r = await client.post(UPLOAD, files=photo(jpeg_with_gps()))
    assert_error(r, 401, "PSI-AUTH-1001")
    _, headers, _ = await api.user()
    assert_error(await upload(client, headers), 403, "PSI-PRIV-6002")
    r = await client.put(
        "/api/v1/users/me/consents",
        headers=headers,
        json={"biometrics": False, "food_photos": True},
    )
    assert r.status_code == 200
    assert (await upload(client, headers)).status_code == 202
    await client.put(
        "/api/v1/users/me/consents",
        headers=headers,
        json={"biometrics": False, "food_photos": False},
    )
    assert_error(await upload(client, headers), 403, "PSI-PRIV-6002")


@pytest.mark.parametrize(
    "data, name, status, code",
    [
        (b"", "empty.jpg", 415, "PSI-FOOD-2001"),
        (truncated_jpeg(), "half.jpg", 415, "PSI-FOOD-2001"),
        (gif_named_jpg(), "animation.jpg", 415, "PSI-FOOD-2001"),
        (b"%PDF-1.7 not an image", "doc.jpg", 415, "PSI-FOOD-2001"),
        (png_bomb(), "bomb.png", 422, "PSI-FOOD-2005"),
        (tiny_png(), "tiny.png", 422, "PSI-FOOD-2005"),
    ],
)
async def test_bad_images_are_refused_and_use_no_quota(api, client, data, name, status, code):
    _, headers, _ = await api.user(**CONSENT)
    r = await client.post(UPLOAD, files=photo(data, name), headers=headers)
    assert_error(r, status, code)
    for remaining in ("2", "1", "0"):  # the refusal used none of the day's three
        ok = await upload(client, headers)
        assert ok.status_code == 202 and ok.headers["x-ratelimit-remaining"] == remaining


async def test_twelve_megabytes_is_413_before_decoding(api, client):
    _, headers, _ = await api.user(**CONSENT)
    big = b"\xff\xd8\xff\xe0" + b"\x00" * (12 * 1024 * 1024)
    err = assert_error(await upload(client, headers, big), 413, "PSI-FOOD-2002")
    assert err["details"]["limit_bytes"] == 10 * 1024 * 1024
    assert (await upload(client, headers)).headers["x-ratelimit-remaining"] == "2"


async def test_upload_without_a_file_field_is_400(api, client):
    _, headers, _ = await api.user(**CONSENT)
    r = await client.post(
        UPLOAD, files={"photo": ("a.jpg", jpeg_with_gps(), "image/jpeg")}, headers=headers
    )
    assert_error(r, 400, "PSI-VAL-1001")
    r = await client.post(UPLOAD, json={"file": "x"}, headers=headers)
    assert_error(r, 400, "PSI-VAL-1001")


async def test_gps_exif_is_gone_from_the_stored_copy(api, client, settings):
    _, headers, _ = await api.user(**CONSENT)
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as img:
        assert img.getexif().get_ifd(0x8825)  # the upload does carry GPS
    r = await upload(client, headers, original)
    assert r.status_code == 202
    stored = stored_photos(settings)
    assert len(stored) == 1
    raw = stored[0].read_bytes()
    with Image.open(io.BytesIO(raw)) as img:
        assert not img.getexif() and "exif" not in img.info
    assert b"PhoneModel" not in raw and b"taken at home" not in raw
    assert repr(SECRET_LATITUDE[2]).encode() not in raw


async def test_twenty_parallel_uploads_of_a_free_user_accept_exactly_three(api, client):
    _, headers, _ = await api.user(**CONSENT)
    data = encode(scene(), "JPEG")
    answers = await asyncio.gather(*(upload(client, headers, data) for _ in range(20)))
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [202] * 3 + [429] * 17, statuses
    refused = [r for r in answers if r.status_code == 429]
    for r in refused:
        err = assert_error(r, 429, "PSI-RATE-4002")
        assert err["details"]["limit"] == 3 and err["details"]["upgrade_url"]
        assert err["details"]["reset_time"].endswith("T00:00:00Z")
        assert int(r.headers["retry-after"]) >= 1
        assert r.headers["x-ratelimit-remaining"] == "0"
        assert r.headers["x-ratelimit-limit"] == "3"
    history = await client.get("/api/v1/food/history", headers=headers)
    assert history.status_code == 200


async def test_quota_resets_with_the_utc_day(api, client, clock):
    user, headers, _ = await api.user(**CONSENT)
    for _ in range(3):
        assert (await upload(client, headers)).status_code == 202
    assert_error(await upload(client, headers), 429, "PSI-RATE-4002")
    clock.advance(days=1)
    tokens = await api.login(user["email"])  # yesterday's access token has expired
    r = await upload(client, {"Authorization": f"Bearer {tokens['access_token']}"})
    assert r.status_code == 202 and r.headers["x-ratelimit-remaining"] == "2"


async def test_another_users_analysis_is_404_everywhere(api, client, usda):
    _, alice, _ = await api.user(**CONSENT)
    _, bob, _ = await api.user(**CONSENT)
    r = await upload(client, alice, Prefer="wait=20")
    analysis_id = r.json()["data"]["id"]
    entry = await client.post(
        "/api/v1/food/entries", headers=alice, json={"food": "banana", "grams": 120}
    )
    entry_id = entry.json()["data"]["id"]
    for path in (f"/api/v1/food/analysis/{analysis_id}", f"/api/v1/food/history/{entry_id}"):
        assert_error(await client.get(path, headers=bob), 404, "PSI-RES-3004")
    assert_error(
        await client.patch(
            f"/api/v1/food/history/{entry_id}",
            headers=bob,
            json={"detected_foods": [{"food": "apple", "portion_grams": 10}]},
        ),
        404,
        "PSI-RES-3004",
    )
    assert_error(
        await client.delete(f"/api/v1/food/history/{entry_id}", headers=bob), 404, "PSI-RES-3004"
    )
    assert_error(
        await client.get(f"/api/v1/food/analysis/{uuid.uuid4()}", headers=alice),
        404,
        "PSI-RES-3004",
    )
    assert_error(
        await client.get("/api/v1/food/analysis/not-a-uuid", headers=alice), 400, "PSI-VAL-1001"
    )
    assert (await client.get(f"/api/v1/food/history/{entry_id}", headers=alice)).status_code == 200


async def add(client, headers, food: str, grams: float) -> dict:
    r = await client.post(
        "/api/v1/food/entries", headers=headers, json={"food": food, "grams": grams}
    )
    assert r.status_code == 201, r.text
    return r.json()["data"]


async def test_manual_entry_correction_and_delete(api, client, settings, usda):
    _, headers, _ = await api.user(**CONSENT)
    entry = await add(client, headers, "banana", 120)
    assert entry["status"] == "completed" and entry["source"] == "manual"
    food = entry["detected_foods"][0]
    assert food["food"] == "banana" and food["portion_grams"] == 120
    assert food["bbox"] is None and food["confidence"] == 1.0
    assert 90 < entry["nutrition"]["calories"] < 130  # USDA banana: 89 kcal / 100 g
    assert entry["models"]["nutrition_source"] == "usda_offline"  # the shipped extract
    assert entry["corrected"] is False

    path = f"/api/v1/food/history/{entry['id']}"
    r = await client.patch(
        path,
        headers=headers,
        json={
            "detected_foods": [
                {"food": "apple", "portion_grams": 200},
                {"food": "banana", "portion_grams": 60},
            ]
        },
    )
    assert r.status_code == 200, r.text
    fixed = r.json()["data"]
    assert fixed["corrected"] is True
    assert [f["food"] for f in fixed["detected_foods"]] == ["apple", "banana"]
    assert fixed["nutrition"]["calories"] > entry["nutrition"]["calories"]
    assert (await client.get(path, headers=headers)).json()["data"]["corrected"] is True

    for bad in (
        {"detected_foods": []},
        {"detected_foods": [{"food": "x"}]},
        {"detected_foods": [{"food": "apple", "portion_grams": -5}]},
        {"detected_foods": [{"food": "apple", "portion_grams": 5}], "extra": 1},
    ):
        assert_error(await client.patch(path, headers=headers, json=bad), 400, "PSI-VAL-1001")
    assert_error(
        await client.post(
            "/api/v1/food/entries", headers=headers, json={"food": "apple", "grams": 0}
        ),
        400,
        "PSI-VAL-1001",
    )

    r = await upload(client, headers, Prefer="wait=20")
    photo_id = r.json()["data"]["id"]
    assert len(stored_photos(settings)) == 1
    assert (
        await client.delete(f"/api/v1/food/history/{photo_id}", headers=headers)
    ).status_code == 204
    assert not stored_photos(settings)  # the photo went with it
    assert (await client.delete(path, headers=headers)).status_code == 204
    assert_error(await client.get(path, headers=headers), 404, "PSI-RES-3004")
    listed = (await client.get("/api/v1/food/history", headers=headers)).json()
    assert listed["data"] == [] and listed["meta"]["total"] == 0


async def test_history_pages_sorts_and_filters(api, client, clock, usda):
    user, headers, _ = await api.user(**CONSENT)
    meals = [("apple", 100), ("banana", 200), ("apple", 300), ("white rice", 150), ("banana", 50)]
    made = []
    for food, grams in meals:
        made.append(await add(client, headers, food, grams))
        clock.advance(days=1)
        tokens = await api.login(user["email"])  # a day later the access token has expired
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    base = "/api/v1/food/history"

    r = (await client.get(base, headers=headers, params={"per_page": 2})).json()
    assert [d["id"] for d in r["data"]] == [made[4]["id"], made[3]["id"]]  # newest first
    assert r["meta"]["total"] == 5 and r["meta"]["total_pages"] == 3
    assert r["links"]["next"] == f"{base}?page=2&per_page=2"
    assert r["links"]["prev"] is None and r["links"]["last"] == f"{base}?page=3&per_page=2"

    # Each listed entry is, to the byte (key order, ints and floats), what the entry's own
    # endpoint answers: the list reads stored records, the entry a rebuilt analysis.
    for params in ({}, {"food": "banana"}):
        listed = (await client.get(base, headers=headers, params=params)).json()["data"]
        assert listed
        for item in listed:
            one = (await client.get(f"{base}/{item['id']}", headers=headers)).json()["data"]
            assert json.dumps(item) == json.dumps(one)

    r = (await client.get(base, headers=headers, params={"food": "Apples"})).json()
    assert {d["id"] for d in r["data"]} == {made[0]["id"], made[2]["id"]}
    assert r["meta"]["total"] == 2

    cal = sorted((m["nutrition"]["calories"], m["id"]) for m in made)
    r = (await client.get(base, headers=headers, params={"sort": "calories"})).json()
    assert [d["id"] for d in r["data"]] == [i for _, i in cal]
    r = (await client.get(base, headers=headers, params={"sort": "-calories"})).json()
    assert [d["id"] for d in r["data"]] == [i for _, i in reversed(cal)]

    low, high = cal[1][0], cal[3][0]
    params = {"min_calories": low, "max_calories": high, "sort": "calories", "per_page": 1}
    r = (await client.get(base, headers=headers, params=params)).json()
    assert r["meta"]["total"] == 3 and r["data"][0]["id"] == cal[1][1]
    nxt = r["links"]["next"]
    assert "min_calories=" in nxt and "max_calories=" in nxt and "sort=calories" in nxt
    r2 = (await client.get(nxt, headers=headers)).json()
    assert r2["data"][0]["id"] == cal[2][1]

    first_day = made[1]["created_at"][:10]
    last_day = made[3]["created_at"][:10]
    r = (
        await client.get(
            base, headers=headers, params={"date_from": first_day, "date_to": last_day}
        )
    ).json()
    assert {d["id"] for d in r["data"]} == {m["id"] for m in made[1:4]}
    assert "date_from=" + first_day in r["links"]["first"]

    r = (await client.get(base, headers=headers, params={"sort": "-confidence_score"})).json()
    assert len(r["data"]) == 5

    for bad in (
        {"sort": "password"},
        {"sort": "-user_id"},
        {"per_page": 101},
        {"page": 0},
        {"min_calories": 10, "max_calories": 5},
        {"date_from": "yesterday"},
        {"date_from": "2026-02-01", "date_to": "2026-01-01"},
    ):
        assert_error(await client.get(base, headers=headers, params=bad), 400, "PSI-VAL-1001")

    _, other, _ = await api.user(**CONSENT)
    r = (await client.get(base, headers=other)).json()
    assert r["data"] == [] and r["meta"]["total"] == 0


@pytest.mark.parametrize(
    "reply, describer",
    [
        ("ok", "claude-sonnet-5"),
        ("server_error", "describer unavailable: "),
        ("garbage", "describer unavailable: "),
        ("prose", "describer unavailable: "),
    ],
)
async def test_describer_answers_and_failures_never_fail_the_analysis(
    tmp_path, clock, reply, describer
):
    """Embedded profile, the real Claude adapter pointed at the local Messages API server."""
    from tests.support import fake_anthropic as fa

    responders = {
        "ok": fa.tool_reply(
            {"foods": [{"name": "banana", "grams": 118}], "description": "One banana."}
        ),
        "server_error": fa.server_error(),
        "garbage": fa.garbage(),
        "prose": fa.text_reply("I see a banana."),
    }
    with fa.FakeAnthropic(api_key="k", default=responders[reply]) as fake:
        settings = embedded_settings(
            tmp_path,
            nutrition_auto_import=True,
            anthropic_api_key="k",
            anthropic_base_url=fake.base_url,
            anthropic_max_retries=0,
        )
        async with api_client(settings, clock) as client:
            from tests.support.app import Api

            _, headers, _ = await Api(client).user(**CONSENT)
            r = await upload(client, headers, fruits(), Prefer="wait=25")
            assert r.status_code == 201, r.text
            done = r.json()["data"]
        assert fake.requests, "the describer was asked"
    assert done["status"] == "completed" and done["error"] is None
    assert done["models"]["describer"].startswith(describer)
    if reply == "ok":
        assert done["description"] == "One banana."
        banana = done["detected_foods"][0]
        assert banana["food"] == "banana" and banana["portion_grams"] == 118
        # the shipped detector's orange joins the meal with its own portion
        orange = done["detected_foods"][1]
        assert orange["food"] == "orange" and orange["bbox"] is not None
        orange_kcal = orange["portion_grams"] * 0.47  # USDA: 47 kcal per 100 g
        calories = done["nutrition"]["calories"]
        assert 95 < calories - orange_kcal < 115  # USDA: 89 kcal per 100 g of banana
    else:  # only what the detector saw, with its boxes
        assert done["description"] is None
        assert "orange" in {f["food"] for f in done["detected_foods"]}
        assert all(f["bbox"] is not None for f in done["detected_foods"])


async def test_embedded_start_picks_up_analyses_left_pending(tmp_path, clock):
    """The API process was stopped after accepting an upload: the next start runs it."""
    from adapters.images.filesystem_store import FilesystemImageStore
    from adapters.images.sanitiser import PillowImageSanitiser
    from adapters.sql.database import Database
    from adapters.sql.food_history import SqlAnalysisRepository
    from domain.food.analysis import Analysis
    from tests.support.app import Api

    settings = embedded_settings(tmp_path)
    async with api_client(settings, clock) as client:
        user, _, _ = await Api(client).user(**CONSENT)
    store = FilesystemImageStore(settings.images_dir)
    key = await store.put(PillowImageSanitiser().sanitise(jpeg_with_gps()), user["id"])
    left = Analysis.from_photo(
        uuid.uuid4(),
        uuid.UUID(user["id"]),
        key,
        clock.now().replace(microsecond=0) - timedelta(minutes=5),
    )
    db = Database(settings.sql_url)
    try:
        await SqlAnalysisRepository(db).add(left, None)  # pending
    finally:
        await db.dispose()
    async with api_client(settings, clock) as client:
        tokens = await Api(client).login(user["email"])
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        done = await completed(client, headers, str(left.id))
    assert done["status"] == "completed"


# -- review, suggestions and images back to their owner --------------------------------------


async def test_nothing_recognised_is_never_an_empty_answer(api, client, clock, usda):
    """A photo with no food in it, the shipped detector and no Claude key: the analysis
    completes with no foods, says why in plain words, and offers the person's own frequent
    foods."""
    _, headers, _ = await api.user(**CONSENT)
    for food, grams in (("banana", 118), ("apple", 150), ("banana", 120)):
        await add(client, headers, food, grams)
        clock.advance(minutes=1)
    r = await upload(client, headers, no_food(), Prefer="wait=25")
    assert r.status_code == 201, r.text
    done = r.json()["data"]
    assert done["status"] == "completed" and done["detected_foods"] == []
    assert done["nutrition"]["calories"] is None and done["confidence_score"] == 0.0
    assert done["review"]["needed"] is True
    reasons = done["review"]["reasons"]
    assert "We couldn't recognise any food in this photo." in reasons
    assert "No meal-description model is configured." in reasons
    assert [(s["food"], s["source"]) for s in done["suggestions"]] == [
        ("banana", "history"),
        ("apple", "history"),
    ]
    assert done["suggestions"][0]["portion_grams"] == 120  # the latest banana
    assert done["models"]["detector"] == "nanodet-g-416" and done["models"]["fusion"]
    # The history entry and its list card carry the same review and suggestions.
    entry = (await client.get(f"/api/v1/food/history/{done['id']}", headers=headers)).json()
    listed = (await client.get("/api/v1/food/history", headers=headers)).json()["data"]
    assert entry["data"] == done == listed[0]
    assert listed[1]["review"] == {"needed": False, "reasons": []}  # a typed-in banana
    assert listed[1]["image_url"] is None and listed[1]["suggestions"] == []
    match = listed[1]["detected_foods"][0]["match"]
    assert set(match) == {"name", "fdc_id", "data_type", "confidence"}
    assert "Banana" in match["name"] and 0 < match["confidence"] <= 1


def stored_files(settings: Settings, pattern: str) -> list[Path]:
    return list(Path(settings.images_dir).rglob(pattern))


def _jpeg_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as img:
        assert img.format == "JPEG"
        assert not img.getexif() and "exif" not in img.info
        return img.size


async def test_the_owner_gets_the_photo_back_full_and_as_a_thumbnail(api, client, settings):
    _, headers, _ = await api.user(**CONSENT)
    big = encode(scene(1200, 800), "JPEG")
    r = await upload(client, headers, big, Prefer="wait=25")
    done = r.json()["data"]
    url = f"/api/v1/food/analysis/{done['id']}/image"
    assert done["image_url"] == url

    full = await client.get(url, headers=headers)
    assert full.status_code == 200 and full.headers["content-type"] == "image/jpeg"
    assert _jpeg_size(full.content) == (1200, 800)
    assert full.headers["cache-control"].startswith("private")
    assert (await client.get(url, headers=headers, params={"size": "full"})).content == full.content

    thumb = await client.get(url, headers=headers, params={"size": "thumb"})
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    assert _jpeg_size(thumb.content) == (256, 171)
    etag = thumb.headers["etag"]
    assert etag.startswith('"') and etag != full.headers["etag"]
    assert len(stored_files(settings, "*.thumb*.jpg")) == 1  # made once, kept
    again = await client.get(url, headers=headers, params={"size": "thumb"})
    assert again.content == thumb.content and again.headers["etag"] == etag
    not_modified = await client.get(
        url, params={"size": "thumb"}, headers={**headers, "If-None-Match": f'W/"x", {etag}'}
    )
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified.headers["etag"] == etag
    changed = await client.get(
        url, params={"size": "thumb"}, headers={**headers, "If-None-Match": '"stale"'}
    )
    assert changed.status_code == 200

    history_url = f"/api/v1/food/history/{done['id']}/image"
    entry_thumb = await client.get(history_url, headers=headers, params={"size": "thumb"})
    assert entry_thumb.status_code == 200 and entry_thumb.content == thumb.content

    for bad in ("large", "THUMB", ""):
        assert_error(
            await client.get(url, headers=headers, params={"size": bad}), 400, "PSI-VAL-1001"
        )
    assert_error(
        await client.get("/api/v1/food/analysis/nope/image", headers=headers), 400, "PSI-VAL-1001"
    )
    assert_error(await client.get(url), 401, "PSI-AUTH-1001")

    _, bob, _ = await api.user(**CONSENT)
    for path in (url, history_url):
        for size in ("thumb", "full"):
            assert_error(
                await client.get(path, headers=bob, params={"size": size}), 404, "PSI-RES-3004"
            )
        assert_error(
            await client.get(
                path, params={"size": "thumb"}, headers={**bob, "If-None-Match": etag}
            ),
            404,
            "PSI-RES-3004",
        )

    # Deleting the entry deletes every size of its photo.
    assert (
        await client.delete(f"/api/v1/food/history/{done['id']}", headers=headers)
    ).status_code == 204
    assert not stored_files(settings, "*.jpg")
    assert_error(
        await client.get(url, headers=headers, params={"size": "thumb"}), 404, "PSI-RES-3004"
    )


async def test_a_png_comes_back_as_jpeg_and_a_typed_in_meal_has_no_photo(api, client, usda):
    _, headers, _ = await api.user(**CONSENT)
    png = encode(scene(200, 300, "RGBA"), "PNG")
    r = await client.post(
        UPLOAD, files=photo(png, "meal.png", "image/png"), headers={**headers, "Prefer": "wait=25"}
    )
    assert r.status_code == 201, r.text
    url = r.json()["data"]["image_url"]
    full = await client.get(url, headers=headers)
    assert full.status_code == 200 and _jpeg_size(full.content) == (200, 300)
    thumb = await client.get(url, headers=headers, params={"size": "thumb"})
    assert _jpeg_size(thumb.content) == (171, 256)
    entry = await client.post(
        "/api/v1/food/entries", headers=headers, json={"food": "banana", "grams": 120}
    )
    entry_id = entry.json()["data"]["id"]
    assert entry.json()["data"]["image_url"] is None
    for path in (
        f"/api/v1/food/analysis/{entry_id}/image",
        f"/api/v1/food/history/{entry_id}/image",
    ):
        assert_error(await client.get(path, headers=headers), 404, "PSI-RES-3004")
