"""Food analysis endpoints of the contract: upload, status, history, corrections,
manual entries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated

import msgspec
from dishka.integrations.litestar import DishkaRouter, FromDishka
from litestar import Request, Response, delete, get, patch, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import (
    OpenAPIFormat,
    OpenAPIMediaType,
    OpenAPIType,
    Operation,
    RequestBody,
    Schema,
)
from litestar.params import HeaderParameter, Parameter

from application.food.history import (
    AddManualEntry,
    CorrectEntry,
    Correction,
    DeleteEntry,
    GetAnalysis,
    ListHistory,
    WaitForAnalysis,
)
from application.food.upload import UploadMeal
from domain.errors import DailyQuotaExceeded
from domain.food.analysis import AnalysisStatus
from domain.food.history import SORTABLE, HistoryFilters, HistoryQuery, HistorySort
from domain.food.quota import QuotaStatus
from domain.identity.tokens import Principal
from entrypoints.http.auth import AUTH_DEPENDENCIES, BEARER
from entrypoints.http.controllers import food_images
from entrypoints.http.controllers.food_upload import read_upload
from entrypoints.http.envelopes import Envelope, ListEnvelope, ok, page_of
from entrypoints.http.errors import error_response
from entrypoints.http.openapi_docs import errors
from entrypoints.http.pagination import PageParam, PerPageParam, parse_sort
from entrypoints.http.params import IdParam, parse_uuid
from entrypoints.http.schemas.food import (
    AnalysisOut,
    CorrectionIn,
    ManualEntryIn,
    UploadAcceptedOut,
)

BASE = "/api/v1"
_PREFER_WAIT = re.compile(r"(?:^|[,;\s])wait\s*=\s*(\d{1,6})(?:$|[,;\s])", re.IGNORECASE)
MAX_PREFER_WAIT_S = 30


def prefer_wait(header: str | None) -> int:
    """Seconds asked for by `Prefer: wait=N` (RFC 7240), capped at 30; 0 if absent."""
    if not header:
        return 0
    m = _PREFER_WAIT.search(header)
    return min(int(m.group(1)), MAX_PREFER_WAIT_S) if m else 0


def rate_headers(limit: int, remaining: int, resets_at_epoch: int) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(resets_at_epoch),
    }


def _quota_headers(status: QuotaStatus | None) -> dict[str, str]:
    if status is None:
        return {}
    return rate_headers(status.limit, status.remaining, int(status.window.resets_at.timestamp()))


@dataclass
class UploadOperation(Operation):
    """The body is read as a stream (to stop at 10 MB), so document it by hand."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            required=True,
            content={
                "multipart/form-data": OpenAPIMediaType(
                    schema=Schema(
                        type=OpenAPIType.OBJECT,
                        required=["file"],
                        properties={
                            "file": Schema(
                                type=OpenAPIType.STRING,
                                format=OpenAPIFormat.BINARY,
                                description="JPEG or PNG, at most 10 MB",
                            )
                        },
                    )
                )
            },
        )


_UPLOAD_RESPONSES = {
    **errors(401, 403, 413, 415, 422),
    201: ResponseSpec(
        data_container=Envelope[AnalysisOut],
        generate_examples=False,
        description="`Prefer: wait=N` and the analysis completed in time",
    ),
}


@post(
    "/food/upload",
    status_code=202,
    request_max_body_size=None,
    security=BEARER,
    operation_class=UploadOperation,
    summary="Upload a meal photo for analysis",
    description=(
        "Multipart field `file`: a JPEG or PNG up to 10 MB, judged by decoding; "
        "EXIF (GPS above all) is removed before the image is stored. Answers 202 "
        "with the pending analysis and a `Location`; with `Prefer: wait=N` "
        "(N <= 30) it waits and answers 201 with the completed analysis if it is "
        "ready in time. Free tier: 3 analyses per UTC day (429 PSI-RATE-4002 "
        "after that); `X-RateLimit-*` headers tell the allowance."
    ),
    responses=_UPLOAD_RESPONSES,
)
async def upload(
    request: Request,
    principal: Principal,
    use: FromDishka[UploadMeal],
    wait: FromDishka[WaitForAnalysis],
    prefer: Annotated[str | None, HeaderParameter(name="Prefer", required=False)] = None,
) -> Response[Envelope[UploadAcceptedOut]]:
    try:
        await use.allowed(principal.user_id, principal.tier)
        data = await read_upload(request)
        accepted = await use(principal.user_id, principal.tier, data)
    except DailyQuotaExceeded as exc:
        response = error_response(exc)
        response.headers.update(
            rate_headers(exc.details["limit"], 0, _epoch(exc.details["reset_time"]))
        )
        return response
    analysis = accepted.analysis
    headers = {"Location": f"{BASE}/food/analysis/{analysis.id}", **_quota_headers(accepted.quota)}
    seconds = prefer_wait(prefer)
    if seconds:
        headers["Preference-Applied"] = f"wait={seconds}"
        done = await wait(analysis.id, seconds)
        if done is not None and done.status is AnalysisStatus.COMPLETED:
            return Response(ok(AnalysisOut.of(done)), status_code=201, headers=headers)
        if done is not None:
            analysis = done
    return Response(ok(UploadAcceptedOut.of(analysis)), status_code=202, headers=headers)


def _epoch(reset_time: str) -> int:
    return int(datetime.strptime(reset_time, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())


@get(
    "/food/analysis/{analysis_id:str}",
    summary="An analysis and its status",
    security=BEARER,
    responses=errors(401, 404),
)
async def get_analysis(
    principal: Principal, analysis_id: IdParam, use: FromDishka[GetAnalysis]
) -> Envelope[AnalysisOut]:
    found = await use(principal.user_id, parse_uuid(analysis_id, "analysis_id"))
    return ok(AnalysisOut.of(found))


Calories = Annotated[float | None, Parameter(ge=0, le=100_000, required=False)]
SORT_VALUES = [*SORTABLE, *(f"-{field}" for field in SORTABLE)]


@get(
    "/food/history",
    summary="Completed analyses and manual entries, newest first",
    description=(
        "`sort`: `created_at`, `calories` or `confidence_score`, `-` for "
        "descending (default `-created_at`). Filters: `food` (a detected food "
        "name), `min_calories`, `max_calories`, `date_from`, `date_to` "
        "(YYYY-MM-DD, inclusive, UTC); `min_calories` above `max_calories` or "
        "`date_from` after `date_to` is a 400."
    ),
    security=BEARER,
    responses=errors(401),
)
async def history(
    principal: Principal,
    use: FromDishka[ListHistory],
    page: PageParam = 1,
    per_page: PerPageParam = 20,
    sort: Annotated[
        str | None,
        # Stated as an enum, checked by parse_sort (a 400 naming the allowed values).
        Parameter(required=False, max_length=32, schema_extra={"enum": SORT_VALUES}),
    ] = None,
    food: Annotated[str | None, Parameter(required=False, min_length=1, max_length=200)] = None,
    min_calories: Calories = None,
    max_calories: Calories = None,
    date_from: Annotated[date | None, Parameter(required=False)] = None,
    date_to: Annotated[date | None, Parameter(required=False)] = None,
) -> ListEnvelope[AnalysisOut]:
    spec = parse_sort(sort, allowed=SORTABLE, default="-created_at")
    filters = HistoryFilters(
        food=food,
        min_calories=min_calories,
        max_calories=max_calories,
        date_from=date_from,
        date_to=date_to,
    )
    result = await use(
        HistoryQuery(
            principal.user_id, page, per_page, HistorySort(spec.field), spec.descending, filters
        )
    )
    return page_of(
        [msgspec.Raw(card) for card in result.cards],  # stored as answered
        total=result.total,
        page=page,
        per_page=per_page,
        path=f"{BASE}/food/history",
        filters={
            "sort": sort,
            "food": food,
            "min_calories": min_calories,
            "max_calories": max_calories,
            "date_from": date_from.isoformat() if date_from else None,
            "date_to": date_to.isoformat() if date_to else None,
        },
    )


@get(
    "/food/history/{entry_id:str}",
    summary="One history entry",
    security=BEARER,
    responses=errors(401, 404),
)
async def get_entry(
    principal: Principal, entry_id: IdParam, use: FromDishka[GetAnalysis]
) -> Envelope[AnalysisOut]:
    return ok(AnalysisOut.of(await use.entry(principal.user_id, parse_uuid(entry_id, "entry_id"))))


@delete(
    "/food/history/{entry_id:str}",
    status_code=204,
    security=BEARER,
    summary="Delete an entry (and its photo)",
    responses=errors(401, 404),
)
async def delete_entry(
    principal: Principal, entry_id: IdParam, use: FromDishka[DeleteEntry]
) -> None:
    await use(principal.user_id, parse_uuid(entry_id, "entry_id"))


@patch(
    "/food/history/{entry_id:str}",
    security=BEARER,
    summary="Correct what was on the plate; nutrition is recomputed",
    description=(
        "A corrected food that matches no USDA food with reasonable "
        "confidence is 422 PSI-FOOD-2006 with `details.suggestions`; nothing "
        "is changed then."
    ),
    responses=errors(401, 404, 422),
)
async def correct_entry(
    principal: Principal, entry_id: IdParam, data: CorrectionIn, use: FromDishka[CorrectEntry]
) -> Envelope[AnalysisOut]:
    corrections = [Correction(f.food, f.portion_grams) for f in data.detected_foods]
    updated = await use(principal.user_id, parse_uuid(entry_id, "entry_id"), corrections)
    return ok(AnalysisOut.of(updated))


@post(
    "/food/entries",
    status_code=201,
    security=BEARER,
    summary="Add a meal by hand; nutrition is looked up",
    description=(
        "`grams`, or a `portion` name from the food's USDA portions times "
        "`quantity` (an unknown portion is 400 listing the valid ones), or "
        "neither: the food's default portion times `quantity`. A food that "
        "matches no USDA food with reasonable confidence is 422 PSI-FOOD-2006 "
        "with `details.suggestions`."
    ),
    responses=errors(401, 422),
)
async def add_entry(
    principal: Principal, data: ManualEntryIn, use: FromDishka[AddManualEntry]
) -> Envelope[AnalysisOut]:
    eaten_at = data.eaten_at
    if eaten_at is not None and eaten_at.tzinfo is None:
        eaten_at = eaten_at.replace(tzinfo=UTC)
    entry = await use(
        principal.user_id,
        data.food,
        data.grams,
        eaten_at,
        portion=data.portion,
        quantity=data.quantity,
    )
    return ok(AnalysisOut.of(entry))


router = DishkaRouter(
    path="/",
    dependencies=AUTH_DEPENDENCIES,
    tags=["food"],
    route_handlers=[
        upload,
        get_analysis,
        history,
        get_entry,
        delete_entry,
        correct_entry,
        add_entry,
    ],
)
ROUTERS = [router, *food_images.ROUTERS]
