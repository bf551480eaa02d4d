"""A meal photo back to its owner: `GET /food/analysis/{id}/image` and
`GET /food/history/{id}/image`, `?size=thumb|full` (full by default).

The stored, EXIF-free image as a JPEG; another user's (or a missing) one is 404 like
any other object. `ETag` + `If-None-Match` answer 304 without reading the image;
`Cache-Control: private, no-cache` keeps shared caches out and makes browsers
revalidate, so a deleted photo stops being shown.
"""

from __future__ import annotations

from typing import Annotated

from dishka.integrations.litestar import DishkaRouter, FromDishka
from litestar import Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import HeaderParameter, Parameter

from application.food.images import GetMealImage, ImageSize
from domain.errors import ValidationFailed
from domain.identity.tokens import Principal
from entrypoints.http.auth import AUTH_DEPENDENCIES, BEARER
from entrypoints.http.openapi_docs import errors
from entrypoints.http.params import IdParam, parse_uuid

CACHE_CONTROL = "private, no-cache"
_SIZES = {s.value: s for s in ImageSize}
SizeParam = Annotated[
    str | None,
    Parameter(
        required=False,
        max_length=16,
        description="`thumb` (at most 256 px on the longest side) or `full` (default)",
        schema_extra={"enum": sorted(s.value for s in ImageSize)},  # checked by parse_size
    ),
]
IfNoneMatch = Annotated[str | None, HeaderParameter(name="If-None-Match", required=False)]
_RESPONSES = {
    **errors(401, 404),
    200: ResponseSpec(
        data_container=bytes,
        media_type="image/jpeg",
        generate_examples=False,
        description="The photo, EXIF-free JPEG",
    ),
    304: ResponseSpec(
        data_container=None,
        generate_examples=False,
        description="`If-None-Match` names the current ETag",
    ),
}


def parse_size(raw: str | None) -> ImageSize:
    if raw is None:
        return ImageSize.FULL
    size = _SIZES.get(raw)
    if size is None:
        raise ValidationFailed.single("size", "must be 'thumb' or 'full'")
    return size


def matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 weak comparison of `If-None-Match` against our (strong) ETag."""
    if not if_none_match:
        return False
    for candidate in if_none_match.split(","):
        tag = candidate.strip()
        if tag == "*" or tag.removeprefix("W/") == etag:
            return True
    return False


async def _answer(
    use: GetMealImage,
    principal: Principal,
    raw_id: str,
    name: str,
    size: str | None,
    if_none_match: str | None,
    entry_only: bool,
) -> Response[bytes]:
    wanted = parse_size(size)
    found = await use.locate(principal.user_id, parse_uuid(raw_id, name), wanted, entry_only)
    headers = {"ETag": found.etag, "Cache-Control": CACHE_CONTROL}
    if matches(if_none_match, found.etag):
        return Response(b"", status_code=304, headers=headers)
    data = await use.read(found)
    return Response(data, media_type="image/jpeg", headers=headers)


@get(
    "/food/analysis/{analysis_id:str}/image",
    security=BEARER,
    responses=_RESPONSES,
    summary="The analysis' photo (`size=thumb|full`)",
)
async def analysis_image(
    principal: Principal,
    analysis_id: IdParam,
    use: FromDishka[GetMealImage],
    size: SizeParam = None,
    if_none_match: IfNoneMatch = None,
) -> Response[bytes]:
    return await _answer(
        use, principal, analysis_id, "analysis_id", size, if_none_match, entry_only=False
    )


@get(
    "/food/history/{entry_id:str}/image",
    security=BEARER,
    responses=_RESPONSES,
    summary="A history entry's photo (`size=thumb|full`)",
)
async def entry_image(
    principal: Principal,
    entry_id: IdParam,
    use: FromDishka[GetMealImage],
    size: SizeParam = None,
    if_none_match: IfNoneMatch = None,
) -> Response[bytes]:
    return await _answer(use, principal, entry_id, "entry_id", size, if_none_match, entry_only=True)


router = DishkaRouter(
    path="/",
    dependencies=AUTH_DEPENDENCIES,
    tags=["food"],
    route_handlers=[analysis_image, entry_image],
)
ROUTERS = [router]
