"""Biometrics, emotions and wellness endpoints of the contract."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from dishka.integrations.litestar import DishkaRouter, FromDishka
from litestar import get, post
from litestar.params import QueryParameter

from application.wellness.ingest import IngestBiometrics
from application.wellness.mood import RecordMoodCheckIn
from application.wellness.queries import (
    GetCurrentEmotion,
    GetEmotions,
    GetWellnessToday,
    ListWellnessScores,
)
from domain.identity.tokens import Principal
from domain.wellness.series import EmotionPoint, Resolution
from entrypoints.http.auth import AUTH_DEPENDENCIES, BEARER
from entrypoints.http.controllers.wellness_schemas import (
    CurrentEmotionOut,
    EmotionOut,
    IngestOut,
    MoodCheckInIn,
    MoodCheckInOut,
    SamplesIn,
    WellnessDayOut,
)
from entrypoints.http.envelopes import Envelope, ListEnvelope, iso, ok, page_of
from entrypoints.http.openapi_docs import errors
from entrypoints.http.pagination import PageParam, PerPageParam
from entrypoints.http.params import parse_datetime
from entrypoints.metrics import SAMPLES_INGESTED

# 1,000 samples with a minute of beat-to-beat intervals each stay well under this.
SAMPLES_MAX_BODY = 8 * 1024 * 1024

# Text read by parse_datetime: Litestar's own `datetime` conversion takes numbers too.
FromParam = Annotated[
    str | None,
    QueryParameter(
        name="from",
        description="Start (inclusive), ISO-8601 UTC; default depends on resolution",
        max_length=64,
        schema_extra={"format": "date-time"},
    ),
]
ToParam = Annotated[
    str | None,
    QueryParameter(
        name="to",
        description="End (exclusive), ISO-8601 UTC; default now",
        max_length=64,
        schema_extra={"format": "date-time"},
    ),
]


def _iso_z(dt: datetime | None) -> str | None:
    value = iso(dt)
    return None if value is None else value.isoformat().replace("+00:00", "Z")


@post(
    "/biometrics/samples",
    status_code=201,
    security=BEARER,
    summary="Send wearable samples (1-1000); idempotent per source and timestamp",
    request_max_body_size=SAMPLES_MAX_BODY,
    responses=errors(401, 403),
)
async def post_samples(
    principal: Principal, data: SamplesIn, use: FromDishka[IngestBiometrics]
) -> Envelope[IngestOut]:
    # The decoded structs are samples as the domain reads them (`RawSample`): no copy.
    result = await use(principal.user_id, data.samples)
    SAMPLES_INGESTED.labels("accepted").inc(result.accepted)
    SAMPLES_INGESTED.labels("duplicate").inc(result.duplicates)
    return ok(IngestOut(accepted=result.accepted, duplicates=result.duplicates))


@get(
    "/emotions",
    security=BEARER,
    responses=errors(401),
    summary="The emotion series, raw or per hour/day, oldest first",
    description=(
        "`from` must be before `to`; the range may span at most 31 days (`raw`), 92 days "
        "(`hour`) or 366 days (`day`), and lie between 1900 and 2999: otherwise 400 "
        "PSI-VAL-1001 naming `from` or `to`."
    ),
)
async def list_emotions(
    principal: Principal,
    use: FromDishka[GetEmotions],
    start_text: FromParam = None,
    end_text: ToParam = None,
    resolution: Resolution = Resolution.RAW,
    page: PageParam = 1,
    per_page: PerPageParam = 20,
) -> ListEnvelope[EmotionOut]:
    start, end = parse_datetime(start_text, "from"), parse_datetime(end_text, "to")
    found = await use(
        principal.user_id, start=start, end=end, resolution=resolution, page=page, per_page=per_page
    )
    return page_of(
        [
            EmotionOut.of_point(r) if isinstance(r, EmotionPoint) else EmotionOut.of(r)
            for r in found.items
        ],
        total=found.total,
        page=page,
        per_page=per_page,
        path="/api/v1/emotions",
        filters={"from": _iso_z(start), "to": _iso_z(end), "resolution": resolution.value},
    )


@get(
    "/emotions/current",
    security=BEARER,
    responses=errors(401),
    summary="The latest emotional state with the evidence behind it",
)
async def current_emotion(
    principal: Principal, use: FromDishka[GetCurrentEmotion]
) -> Envelope[CurrentEmotionOut]:
    return ok(CurrentEmotionOut.of(await use(principal.user_id)))


@post(
    "/mood-check-ins",
    status_code=201,
    security=BEARER,
    responses=errors(401),
    summary="Say how you feel (valence and arousal from -2 to 2)",
)
async def post_mood(
    principal: Principal, data: MoodCheckInIn, use: FromDishka[RecordMoodCheckIn]
) -> Envelope[MoodCheckInOut]:
    check_in = await use(
        principal.user_id,
        valence=data.valence,
        arousal=data.arousal,
        label=data.label,
        note=data.note,
        timestamp=data.timestamp,
    )
    return ok(MoodCheckInOut.of(check_in))


@get(
    "/wellness/today",
    security=BEARER,
    responses=errors(401, 404),
    summary="Today's wellness score (UTC day) with its components",
)
async def wellness_today(
    principal: Principal, use: FromDishka[GetWellnessToday]
) -> Envelope[WellnessDayOut]:
    return ok(WellnessDayOut.of(await use(principal.user_id)))


@get(
    "/wellness/scores",
    security=BEARER,
    responses=errors(401),
    summary="Daily wellness scores, oldest first (default: the last 30 days)",
    description=(
        "`date_from` must not be after `date_to`, and the range may span at most 366 days: "
        "otherwise 400 PSI-VAL-1001."
    ),
)
async def wellness_scores(
    principal: Principal,
    use: FromDishka[ListWellnessScores],
    date_from: date | None = None,
    date_to: date | None = None,
    page: PageParam = 1,
    per_page: PerPageParam = 20,
) -> ListEnvelope[WellnessDayOut]:
    found = await use(
        principal.user_id, date_from=date_from, date_to=date_to, page=page, per_page=per_page
    )
    return page_of(
        [WellnessDayOut.of(d) for d in found.items],
        total=found.total,
        page=page,
        per_page=per_page,
        path="/api/v1/wellness/scores",
        filters={
            "date_from": date_from and date_from.isoformat(),
            "date_to": date_to and date_to.isoformat(),
        },
    )


router = DishkaRouter(
    path="/",
    dependencies=AUTH_DEPENDENCIES,
    tags=["biometrics, emotions, wellness"],
    route_handlers=[
        post_samples,
        list_emotions,
        current_emotion,
        post_mood,
        wellness_today,
        wellness_scores,
    ],
)
ROUTERS = [router]
